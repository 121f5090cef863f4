//! Evidence in the note's own words: every span of every evidence item slices the original note
//! on character boundaries, reads as the note has it, and holds the words of its n-gram, on every
//! note of the shipped data and of the obfuscated pitches (NFKC, look-alikes, invisible
//! characters, letter-spacing).
//!
//! "Holds the words" is checked by analysing the span alone: its terms must be the n-gram's. Out
//! of context a few spans read differently by design (a lone "1" from "PGY-1" is a number, "α f r
//! e e" rejoins as one word without the sentence before it), so that check allows 0.5%.

use nopitch::text::Analyzer;
use nopitch::{mark_evidence, Classifier, Evidence};

fn column(file: &str, column: usize) -> Vec<String> {
    let path = format!("{}/datasets/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| rec.unwrap()[column].to_string())
        .collect()
}

/// Checks every evidence item of `note`; returns how many spans were checked and how many read
/// alone gave other terms than the n-gram's.
fn check(clf: &Classifier, analyzer: &Analyzer, note: &str) -> (usize, usize) {
    let evidence: Vec<Evidence> = clf.classify(note).evidence(note, usize::MAX);
    let (mut n, mut other) = (0, 0);
    for e in &evidence {
        assert_eq!(e.count as usize, e.spans.len(), "{note:?}: {e:?}");
        assert_eq!(
            note.get(e.spans[0].clone()),
            Some(e.text.as_str()),
            "{note:?}"
        );
        // The n-gram's terms, from its readable form.
        let expected: Vec<String> = e
            .feature
            .split(' ')
            .flat_map(|w| match w.starts_with('<') && w.ends_with('>') {
                true => vec![w.to_string()],
                false => analyzer.terms(w),
            })
            .collect();
        let mut previous_end = 0;
        for span in &e.spans {
            let slice = note.get(span.clone());
            assert!(
                slice.is_some_and(|s| !s.is_empty()),
                "{note:?}: span {span:?} of {:?}",
                e.feature
            );
            assert!(span.start >= previous_end, "{note:?}: spans out of order");
            previous_end = span.start;
            if analyzer.terms(slice.unwrap_or_default()) != expected {
                eprintln!("read alone, {slice:?} is not {:?} (in {note:?})", e.feature);
                other += 1;
            }
            n += 1;
        }
    }
    // Marking adds brackets and nothing else.
    let marked = mark_evidence(note, &evidence, "\u{1}", "\u{2}");
    assert_eq!(marked.replace(['\u{1}', '\u{2}'], ""), note);
    (n, other)
}

fn assert_mostly_their_words((n, other): (usize, usize), at_least: usize) {
    assert!(n >= at_least, "{n} spans");
    assert!(
        other * 200 <= n,
        "{other} of {n} spans read alone as other terms"
    );
}

#[test]
fn spans_of_every_shipped_note_slice_it_and_hold_their_words() {
    let clf = Classifier::pretrained();
    let analyzer = Analyzer::new(clf.settings().language);
    let notes = column("connection_requests.csv", 0);
    let counts = notes
        .iter()
        .map(|n| check(&clf, &analyzer, n))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert_mostly_their_words(counts, 100_000);
}

#[test]
fn spans_survive_obfuscation() {
    let clf = Classifier::pretrained();
    let analyzer = Analyzer::new(clf.settings().language);
    let mut counts = (0, 0);
    for (clean, obfuscated) in column("obfuscated_pitches.csv", 0)
        .iter()
        .zip(column("obfuscated_pitches.csv", 1))
    {
        for text in [clean.as_str(), obfuscated.as_str()] {
            let (n, other) = check(&clf, &analyzer, text);
            counts = (counts.0 + n, counts.1 + other);
        }
        // The same features, found in the obfuscated text.
        let features = |text: &str| -> Vec<String> {
            let mut f: Vec<String> = clf
                .classify(text)
                .evidence(text, usize::MAX)
                .into_iter()
                .map(|e| e.feature)
                .collect();
            f.sort();
            f
        };
        assert_eq!(features(clean), features(&obfuscated), "{obfuscated:?}");
    }
    assert_mostly_their_words(counts, 1000);
}

#[test]
fn evidence_reads_as_written() {
    let clf = Classifier::pretrained();
    let note = "We worked together on the Banner cutover at State U, great to reconnect!";
    let evidence = clf.classify(note).evidence(note, 10);
    assert!(
        evidence
            .iter()
            .any(|e| e.text == "We worked" || e.text == "worked together"),
        "{evidence:?}"
    );
    let marked = mark_evidence(note, &evidence, "[", "]");
    let stretches: Vec<&str> = marked
        .split('[')
        .skip(1)
        .filter_map(|s| s.split(']').next())
        .collect();
    assert!(
        stretches.iter().any(|s| s.contains("worked together")),
        "{marked}"
    );
    assert_eq!(marked.replace(['[', ']'], ""), note);

    // Obfuscated: Cyrillic look-alikes, a zero-width space, fullwidth letters, letter-spacing.
    let note = "Ѕаvе 15% on your S\u{200B}AP licensing — ｆｒｅｅ audit, book your d e m o";
    let p = clf.classify(note);
    let evidence = p.evidence(note, usize::MAX);
    let texts: Vec<&str> = evidence.iter().map(|e| e.text.as_str()).collect();
    assert!(texts.contains(&"Ѕаvе 15%"), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("S\u{200B}AP")), "{texts:?}");
    assert!(texts.contains(&"ｆｒｅｅ audit"), "{texts:?}");
    assert!(texts.iter().any(|t| t.ends_with("d e m o")), "{texts:?}");

    // Evidence for another text is refused rather than made up.
    assert!(p.evidence("something else entirely", 5).is_empty());
}

/// The few strongest items (kept by insertion) are the first items of the full ranking (a
/// sort), in the same order, for every k, on the shipped notes and the conversations.
#[test]
fn the_top_k_is_the_start_of_the_full_ranking() {
    let clf = Classifier::pretrained();
    let mut texts = column("connection_requests.csv", 0);
    texts.extend(column("messages.csv", 6));
    for text in texts.iter().step_by(7) {
        let p = clf.classify(text);
        let all = p.evidence(text, usize::MAX);
        for k in [0, 1, 3, 5, 32, 33, 64] {
            let top = p.evidence(text, k);
            assert_eq!(top.len(), k.min(all.len()), "{text:?} k={k}");
            for (a, b) in top.iter().zip(&all) {
                assert_eq!(
                    (&a.feature, &a.spans, a.weight),
                    (&b.feature, &b.spans, b.weight)
                );
            }
        }
    }
}
