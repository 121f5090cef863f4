//! Helpers shared by the measurement examples: their command line, the voices (writing slices)
//! of the shipped dataset, leave-one-voice-out evaluation, and the fresh texts the speed
//! examples classify.

#![allow(dead_code)]

use std::hint::black_box;

use nopitch::{evaluate, Classifier, Evaluation, Example, Trainer};

/// The arguments of an example that takes only the given `--flags` and at most `max_values`
/// plain values: `--help` (or `-h`) prints `usage` and exits; anything else exits with an error
/// (code 2), so that a typo never starts a long run or overwrites a file. Returns the flags
/// given and the values.
pub fn arguments(usage: &str, flags: &[&str], max_values: usize) -> (Vec<String>, Vec<String>) {
    let (mut seen, mut values) = (Vec::new(), Vec::new());
    for arg in std::env::args().skip(1) {
        if arg == "--help" || arg == "-h" {
            println!("{}", usage.trim());
            std::process::exit(0);
        } else if flags.contains(&arg.as_str()) {
            seen.push(arg);
        } else if !arg.starts_with('-') && values.len() < max_values {
            values.push(arg);
        } else {
            eprintln!("error: unexpected argument {arg:?}\n\n{}", usage.trim());
            std::process::exit(2);
        }
    }
    (seen, values)
}

/// The shipped dataset.
pub const DATA: &str = "datasets/connection_requests.csv";

/// The voices of `examples` in order of first appearance: (voice, first row, last row), 1-based
/// positions in `examples` (each voice's rows are contiguous; `tests/dataset.rs` checks it).
pub fn slices(examples: &[Example]) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for (i, e) in examples.iter().enumerate() {
        let voice = e.group().unwrap_or("");
        match out.last_mut() {
            Some((v, _, last)) if v == voice => *last = i + 1,
            _ => out.push((voice.to_string(), i + 1, i + 1)),
        }
    }
    out
}

/// The examples of rows `first..=last` (1-based) and all the others.
pub fn split_out(examples: &[Example], first: usize, last: usize) -> (Vec<Example>, Vec<Example>) {
    let mut inside = Vec::new();
    let mut outside = Vec::new();
    for (i, e) in examples.iter().enumerate() {
        if (first - 1..last).contains(&i) {
            inside.push(e.clone());
        } else {
            outside.push(e.clone());
        }
    }
    (inside, outside)
}

/// Each slice tested by a model trained on all the other slices: per-slice reports, and all
/// outcomes pooled into one report.
pub fn leave_one_slice_out(
    trainer: &Trainer,
    examples: &[Example],
) -> (Vec<(String, Evaluation)>, Evaluation) {
    let mut per_slice = Vec::new();
    let mut pooled = Vec::new();
    let mut labels = Vec::new();
    for (name, first, last) in slices(examples) {
        let (test, train) = split_out(examples, first, last);
        // The pretrained recipe counts conversations several times; notes alone are unchanged.
        let model = trainer
            .fit(&nopitch::weight_conversations(&train))
            .expect("fit");
        let e = evaluate(&model, &test).expect("evaluate");
        labels = e.labels.clone();
        pooled.extend(e.outcomes.iter().cloned().map(|mut o| {
            o.index += first - 1;
            o
        }));
        per_slice.push((name, e));
    }
    (per_slice, Evaluation::from_outcomes(labels, pooled))
}

/// The texts of the SMS Spam Collection: `shared/datasets/sms_spam_collection.tsv` in this
/// directory or any above it (`../shared` from the main checkout), as the benches look for it;
/// `None`, saying so, when it is not there.
pub fn sms() -> Option<Vec<String>> {
    let here = std::env::current_dir().ok()?;
    let text = here
        .ancestors()
        .map(|d| d.join("shared/datasets/sms_spam_collection.tsv"))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::read_to_string(p).ok());
    let Some(text) = text else {
        println!(
            "shared/datasets/sms_spam_collection.tsv not found above this directory: SMS skipped"
        );
        return None;
    };
    Some(
        text.lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t').map(|(_, t)| t.to_string()))
            .collect(),
    )
}

/// Classifies each text once, as an application would (`classify(text).label()`); a number that
/// depends on every label, so that nothing is optimised away. Not inlined, so that
/// `valgrind --tool=callgrind --toggle-collect='*classify_all*'` counts exactly this.
#[inline(never)]
pub fn classify_all(clf: &Classifier, texts: &[String]) -> usize {
    texts
        .iter()
        .map(|t| black_box(clf.classify(black_box(t)).label()).len())
        .sum()
}

/// Decodes a model file as any model file is read (`Classifier::read_from`, checksum checked).
/// Not inlined, so that `valgrind --tool=callgrind --toggle-collect='*decode_model*'` counts
/// exactly this.
#[inline(never)]
pub fn decode_model(bytes: &[u8]) -> Classifier {
    Classifier::read_from(black_box(bytes)).expect("decode")
}

/// The times of `runs` decodes of `bytes` in this process, in milliseconds, fastest first.
pub fn decode_times_ms(bytes: &[u8], runs: usize) -> Vec<f64> {
    let mut ms: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = std::time::Instant::now();
            black_box(decode_model(bytes));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms
}
