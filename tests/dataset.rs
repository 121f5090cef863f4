//! Keeps datasets/connection_requests.csv honest: format, labels, counts, lengths, no duplicates
//! and no near-duplicates, and a described voice (writing slice) for every row.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/datasets/connection_requests.csv"
);
const VOICES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/voices.csv");
const LABELS: [&str; 3] = ["known-contact", "personal", "sales"];
const MIN_PER_LABEL: usize = 600;
/// Shared runs of this many words make two notes near-duplicates.
const RUN: usize = 8;
/// Stock phrases several notes may share (documented in datasets/README.md): LinkedIn's default
/// invitation lines.
const STOCK_PHRASES: [&str; 2] = [
    "i'd like to add you to my professional network on linkedin",
    "i'd like to join your linkedin network",
];

fn rows() -> Vec<(String, String)> {
    rows_with_voices()
        .into_iter()
        .map(|(t, l, _)| (t, l))
        .collect()
}

fn rows_with_voices() -> Vec<(String, String, String)> {
    let mut r = csv::Reader::from_path(DATA).unwrap();
    assert_eq!(r.headers().unwrap(), vec!["text", "label", "voice"]);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), 3, "line {:?}", rec.position().map(|p| p.line()));
            (rec[0].to_string(), rec[1].to_string(), rec[2].to_string())
        })
        .collect()
}

fn words(text: &str) -> Vec<String> {
    let mut t: String = text
        .nfkc()
        .collect::<String>()
        .to_lowercase()
        .replace('\u{2019}', "'");
    for s in STOCK_PHRASES {
        t = t.replace(s, " ");
    }
    t.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn labels_and_counts() {
    let rows = rows();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, label) in &rows {
        assert!(LABELS.contains(&label.as_str()), "unknown label {label:?}");
        *counts.entry(label).or_default() += 1;
    }
    for label in LABELS {
        assert!(
            counts[label] >= MIN_PER_LABEL,
            "{label}: {} notes",
            counts[label]
        );
    }
}

#[test]
fn lengths_run_from_three_words_to_300_characters() {
    let rows = rows();
    for (i, (text, _)) in rows.iter().enumerate() {
        let chars = text.chars().count();
        assert!(chars <= 300, "row {}: {chars} characters", i + 1);
        assert!(
            text.split_whitespace().count() >= 3,
            "row {}: fewer than three words: {text:?}",
            i + 1
        );
        assert_eq!(text.trim(), text, "row {}: surrounding whitespace", i + 1);
    }
    for label in LABELS {
        let lens: Vec<usize> = rows
            .iter()
            .filter(|(_, l)| l == label)
            .map(|(t, _)| t.chars().count())
            .collect();
        let short = rows
            .iter()
            .filter(|(t, l)| l == label && t.split_whitespace().count() <= 8)
            .count();
        assert!(
            short >= 20,
            "{label}: only {short} notes of eight words or fewer"
        );
        assert!(
            lens.iter().filter(|&&n| n >= 280).count() >= 10,
            "{label}: too few notes near 300 characters"
        );
    }
}

#[test]
fn openings_vary_and_key_phrases_cross_labels() {
    let rows = rows();
    for label in LABELS {
        let notes: Vec<String> = rows
            .iter()
            .filter(|(_, l)| l == label)
            .map(|(t, _)| t.to_lowercase())
            .collect();
        let hi = notes
            .iter()
            .filter(|t| t.starts_with("hi ") || t.starts_with("hi,") || t.starts_with("hi!"))
            .count();
        assert!(
            hi * 2 <= notes.len(),
            "{label}: {hi} of {} start with Hi",
            notes.len()
        );
        for phrase in ["stay in touch", "connect"] {
            assert!(
                notes.iter().any(|t| t.contains(phrase)),
                "{label}: no note says {phrase:?}"
            );
        }
    }
}

#[test]
fn no_exact_duplicates() {
    let mut seen = HashMap::new();
    for (i, (text, _)) in rows().iter().enumerate() {
        let key = text
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(j) = seen.insert(key, i + 1) {
            panic!("rows {j} and {} are the same note", i + 1);
        }
    }
}

#[test]
fn no_near_duplicates() {
    let rows = rows();
    let mut runs: HashMap<Vec<String>, usize> = HashMap::new();
    let mut problems = Vec::new();
    for (i, (text, _)) in rows.iter().enumerate() {
        let w = words(text);
        let mut mine = HashSet::new();
        for run in w.windows(RUN) {
            if !mine.insert(run.to_vec()) {
                continue;
            }
            if let Some(&j) = runs.get(run) {
                problems.push(format!(
                    "rows {} and {} share \"{}\"",
                    j + 1,
                    i + 1,
                    run.join(" ")
                ));
            } else {
                runs.insert(run.to_vec(), i);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_voice_is_described_and_its_rows_are_together() {
    let mut r = csv::Reader::from_path(VOICES).unwrap();
    assert_eq!(r.headers().unwrap(), vec!["voice", "brief"]);
    let described: Vec<String> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert!(!rec[1].trim().is_empty(), "voice {} has no brief", &rec[0]);
            rec[0].to_string()
        })
        .collect();
    let mut order: Vec<String> = Vec::new();
    for (i, (_, _, voice)) in rows_with_voices().iter().enumerate() {
        if order.last() != Some(voice) {
            assert!(
                !order.contains(voice),
                "row {}: voice {voice} appears again after other voices",
                i + 1
            );
            order.push(voice.clone());
        }
    }
    assert_eq!(
        order, described,
        "voices.csv lists the voices in file order"
    );
}

const HELDOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/heldout_notes.csv");

/// The held-out notes were written blind, and nothing of them may leak into the training data:
/// at least 200 notes per label, known authors, and no run of 8 words shared with a training note.
#[test]
fn heldout_notes_are_disjoint_from_the_training_data() {
    let mut r = csv::Reader::from_path(HELDOUT).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec!["text", "label", "kind", "author"]
    );
    let heldout: Vec<(String, String)> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert!(!rec[3].trim().is_empty(), "{:?}: no author", &rec[0]);
            (rec[0].to_string(), rec[1].to_string())
        })
        .collect();
    for label in LABELS {
        let n = heldout.iter().filter(|(_, l)| l == label).count();
        assert!(n >= 200, "{label}: {n} held-out notes");
    }
    let mut runs: HashSet<Vec<String>> = HashSet::new();
    let mut exact: HashSet<String> = HashSet::new();
    for (text, _) in rows() {
        exact.insert(
            text.to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
        for run in words(&text).windows(RUN) {
            runs.insert(run.to_vec());
        }
    }
    let mut leaks = Vec::new();
    for (i, (text, label)) in heldout.iter().enumerate() {
        assert!(
            LABELS.contains(&label.as_str()),
            "held-out row {}: {label:?}",
            i + 1
        );
        let key = text
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if exact.contains(&key) {
            leaks.push(format!("held-out row {} is a training note", i + 1));
        }
        if let Some(run) = words(text).windows(RUN).find(|w| runs.contains(*w)) {
            leaks.push(format!(
                "held-out row {} shares \"{}\" with a training note",
                i + 1,
                run.join(" ")
            ));
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

const MESSAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/messages.csv");
const HELDOUT_MESSAGES: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/heldout_messages.csv");

/// The texts of a file in the labelled message-data layout, with their conversation ids.
fn message_texts(path: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec![
            "conversation",
            "label",
            "kind",
            "sender",
            "day",
            "subject",
            "text"
        ]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[6].to_string())
        })
        .collect()
}

/// The held-out conversations were written blind: none of their messages shares a run of 8 words
/// with a training note or a training conversation, and both files read as labelled
/// conversations.
#[test]
fn heldout_messages_are_disjoint_from_the_training_data() {
    for path in [MESSAGES, HELDOUT_MESSAGES] {
        let conversations = nopitch::linkedin::read_labelled_conversations(path).unwrap();
        assert!(
            conversations.len() >= 200,
            "{path}: {}",
            conversations.len()
        );
    }
    let mut runs: HashSet<Vec<String>> = HashSet::new();
    let training_notes = rows().into_iter().map(|(t, _)| t);
    let training_messages = message_texts(MESSAGES).into_iter().map(|(_, t)| t);
    for text in training_notes.chain(training_messages) {
        for run in words(&text).windows(RUN) {
            runs.insert(run.to_vec());
        }
    }
    let mut leaks = Vec::new();
    for (id, text) in message_texts(HELDOUT_MESSAGES) {
        if let Some(run) = words(&text).windows(RUN).find(|w| runs.contains(*w)) {
            leaks.push(format!(
                "held-out conversation {id} shares \"{}\" with the training data",
                run.join(" ")
            ));
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
