//! Classifying text the model has never seen, as an embedding application does: the pretrained
//! model, one thread, `classify(text).label()` over distinct texts. The texts are the blind
//! held-out notes (`datasets/heldout_notes.csv`, written by people who never saw the training
//! data) and, when it is found (`shared/datasets/sms_spam_collection.tsv` in this directory or
//! one above), the SMS Spam Collection. Each set is cycled 21 times; the fastest and median round
//! are reported per message.
//!
//! ```text
//! cargo run --release --example fresh_text                 # times
//! # instructions (each text classified once):
//! valgrind --tool=callgrind --toggle-collect='*classify_all*' target/release/examples/fresh_text notes
//! valgrind --tool=callgrind --toggle-collect='*classify_all*' target/release/examples/fresh_text sms
//! # where the time goes (each note classified 400 times over, for enough samples):
//! perf record -e cpu-clock target/release/examples/fresh_text notes 400 && perf report
//! ```
//!
//! To compare two versions, build this example in both checkouts and run the two programs in
//! alternating order a few times (README, "Performance"): ratios taken that way survive a loaded
//! machine better than absolute times.

use std::hint::black_box;
use std::time::Instant;

use nopitch::{read_examples, Classifier, CsvOptions};

mod common;

use common::{classify_all, sms};

fn main() {
    let clf = Classifier::pretrained();
    let notes: Vec<String> = read_examples("datasets/heldout_notes.csv", &CsvOptions::csv())
        .expect("datasets/heldout_notes.csv (run from the repository's root)")
        .iter()
        .map(|e| e.text().to_string())
        .collect();
    let sms = sms();
    let passes: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let once = match std::env::args().nth(1).as_deref() {
        Some("notes") => Some(notes.clone()),
        Some("sms") => Some(sms.clone().unwrap_or_default()),
        _ => None,
    };
    if let Some(texts) = once {
        for _ in 0..passes {
            classify_all(&clf, &texts);
        }
        return;
    }
    let mut sets = vec![("blind held-out notes", notes)];
    sets.extend(sms.map(|sms| ("SMS Spam Collection", sms)));
    for (name, texts) in &sets {
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut us: Vec<f64> = (0..21)
            .map(|_| {
                let start = Instant::now();
                black_box(classify_all(&clf, texts));
                start.elapsed().as_secs_f64() * 1e6 / texts.len() as f64
            })
            .collect();
        us.sort_by(f64::total_cmp);
        println!(
            "{name} ({}, mean {} bytes): fastest round {:.3} µs, median {:.3} µs per message",
            texts.len(),
            bytes / texts.len().max(1),
            us[0],
            us[10]
        );
    }
}
