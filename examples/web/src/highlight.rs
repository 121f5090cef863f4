//! The evidence of a verdict, marked in the text a person reads.
//!
//! For now the features' words are searched in the text: each whitespace-separated piece of the
//! text goes through the classifier's own analyzer (normalisation, tokens, Snowball stems), and a
//! feature is found where its terms follow one another. When [`nopitch::Evidence`] carries byte
//! spans (issue #17), [`highlight`] is the one function to change: it would mark those spans.

#![forbid(unsafe_code)]

use nopitch::text::Analyzer;

/// A piece of a text: the text, and whether it is evidence.
pub type Segment = (String, bool);

/// Splits `text` into segments, marking where the evidence `features` (n-grams as
/// [`nopitch::Evidence::feature`] writes them: `we help`, `save <percent>`) occur. Segments put
/// back together give `text` exactly. Never panics; linear in the text times the features.
pub fn highlight(analyzer: &Analyzer, text: &str, features: &[String]) -> Vec<Segment> {
    // The terms of each piece of the text, with the piece's byte range.
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut terms: Vec<(String, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let piece = pieces.len();
                pieces.push((s, i));
                terms.extend(analyzer.terms(&text[s..i]).into_iter().map(|t| (t, piece)));
                start = None;
            }
            _ => {}
        }
    }
    // Each occurrence of a feature: its first and last piece.
    let mut found: Vec<(usize, usize)> = Vec::new();
    for feature in features {
        let wanted: Vec<String> = feature
            .split(' ')
            .flat_map(|word| {
                if word.starts_with('<') && word.ends_with('>') {
                    vec![word.to_string()]
                } else {
                    analyzer.terms(word)
                }
            })
            .collect();
        if wanted.is_empty() || wanted.len() > terms.len() {
            continue;
        }
        for at in 0..=terms.len() - wanted.len() {
            if wanted.iter().zip(&terms[at..]).all(|(w, (t, _))| w == t) {
                found.push((terms[at].1, terms[at + wanted.len() - 1].1));
            }
        }
    }
    // Occurrences that share a piece make one mark ("great work" and "work with" in "great
    // working with"); punctuation at a mark's ends is left out.
    found.sort_unstable();
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for (first, last) in found {
        match marks.last_mut() {
            Some(m) if first <= m.1 => m.1 = m.1.max(last),
            _ => marks.push((first, last)),
        }
    }
    let mut segments: Vec<Segment> = Vec::new();
    fn push(segments: &mut Vec<Segment>, s: &str, mark: bool) {
        if s.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some((last, m)) if *m == mark => last.push_str(s),
            _ => segments.push((s.to_string(), mark)),
        }
    }
    let trim = |c: char| c.is_ascii_punctuation() && !matches!(c, '%' | '$' | '#' | '&' | '@');
    let mut done = 0;
    for (first, last) in marks {
        let (from, to) = (pieces[first].0, pieces[last].1);
        let inner = &text[from..to];
        let lead = inner.len() - inner.trim_start_matches(trim).len();
        let core = inner.trim_matches(trim);
        if core.is_empty() {
            continue;
        }
        push(&mut segments, &text[done..from + lead], false);
        segments.push((core.to_string(), true));
        done = from + lead + core.len();
    }
    push(&mut segments, &text[done..], false);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use nopitch::text::Language;

    fn marks(text: &str, features: &[&str]) -> Vec<String> {
        let features: Vec<String> = features.iter().map(|s| s.to_string()).collect();
        let segments = highlight(&Analyzer::new(Language::English), text, &features);
        let whole: String = segments.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(whole, text, "segments rebuild the text");
        segments
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(s, _)| s)
            .collect()
    }

    #[test]
    fn finds_stemmed_ngrams_and_markers() {
        assert_eq!(
            marks(
                "Hi Jordan, we help mid-size firms save 15-20% on licensing. We're RECRUITING!",
                &["we help", "save <percent>", "recruit"]
            ),
            ["we help", "RECRUITING"]
        );
        assert_eq!(
            marks(
                "Save 15% on your SAP licensing this quarter",
                &["save <percent>", "licensing"]
            ),
            ["Save 15%", "licensing"]
        );
    }

    #[test]
    fn words_must_follow_one_another() {
        assert_eq!(marks("help, we said", &["we help"]), Vec::<String>::new());
        assert_eq!(
            marks("We help. We help!", &["we help"]),
            ["We help", "We help"]
        );
        assert_eq!(
            marks("great working with you", &["great work", "work with"]),
            ["great working with"]
        );
    }

    #[test]
    fn any_text_is_safe() {
        for text in [
            "",
            "   ",
            "😄",
            "\u{0}\u{feff}x",
            "a\u{301}b c",
            "日本語のテキスト",
            "<num2> 12",
        ] {
            marks(text, &["<num2>", "x", "😄", ""]);
        }
        assert_eq!(
            marks("I'm so happy 😄 now", &["now 😄", "happi"]),
            ["happy"]
        );
    }
}
