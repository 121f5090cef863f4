//! Chooses nopitch's defaults by measurement: stratified 10-fold cross-validation (seed 42) on
//! `datasets/connection_requests.csv` over naive Bayes kind × alpha × n-gram range × min count,
//! plus leave-one-slice-out macro-F1 (train on 15 voices, test on the 16th), which is the number
//! that matters for notes written by other people.
//!
//! ```text
//! cargo run --release --example tune
//! ```

use nopitch::{
    cross_validate, evaluate, read_examples, CsvOptions, Example, NaiveBayesKind, Trainer,
};

/// Rows of datasets/slices.csv: (slice name, first row, last row), 1-based data rows.
fn slices() -> Vec<(String, usize, usize)> {
    let mut r = csv::Reader::from_path("datasets/slices.csv").expect("datasets/slices.csv");
    r.records()
        .map(|rec| {
            let rec = rec.expect("slices.csv row");
            (
                rec[0].to_string(),
                rec[1].parse().unwrap(),
                rec[2].parse().unwrap(),
            )
        })
        .collect()
}

/// Pooled macro-F1 and known-contact→sales rate when each slice is tested by a model trained on
/// all the others.
fn leave_one_slice_out(trainer: &Trainer, examples: &[Example]) -> (f64, f64) {
    let mut outcomes = Vec::new();
    let mut labels = Vec::new();
    for (_, first, last) in slices() {
        let (test, train): (Vec<_>, Vec<_>) = examples
            .iter()
            .enumerate()
            .partition(|(i, _)| (first - 1..last).contains(i));
        let train: Vec<Example> = train.into_iter().map(|(_, e)| e.clone()).collect();
        let test: Vec<Example> = test.into_iter().map(|(_, e)| e.clone()).collect();
        let model = trainer.fit(&train).expect("fit");
        let e = evaluate(&model, &test).expect("evaluate");
        labels = e.labels.clone();
        outcomes.extend(e.outcomes);
    }
    let e = nopitch::Evaluation::from_outcomes(labels, outcomes);
    (e.macro_f1, e.rate("known-contact", "sales"))
}

fn main() {
    let examples =
        read_examples("datasets/connection_requests.csv", &CsvOptions::csv()).expect("dataset");
    println!(
        "{:<12} {:>5} {:>6} {:>4}  {:>8} {:>8} {:>8}  {:>8} {:>8}",
        "kind", "alpha", "ngrams", "min", "cv-acc", "cv-mF1", "kc→sales", "loso-mF1", "kc→sales"
    );
    let mut configs = Vec::new();
    for kind in [NaiveBayesKind::Multinomial, NaiveBayesKind::Complement] {
        for alpha in [0.1, 0.3, 0.5, 1.0] {
            for ngrams in [(1, 1), (1, 2), (1, 3)] {
                for min_count in [1, 2] {
                    configs.push((kind, alpha, ngrams, min_count));
                }
            }
        }
    }
    let results: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<_> = configs.chunks(configs.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let examples = &examples;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|&(kind, alpha, (lo, hi), min_count)| {
                            let trainer = Trainer::new().kind(kind).alpha(alpha).ngram_range(lo, hi).min_count(min_count);
                            let cv = cross_validate(&trainer, examples, 10, 42, |_, _| {}).expect("cv");
                            let (loso, loso_kc) = leave_one_slice_out(&trainer, examples);
                            format!(
                                "{:<12} {:>5} {:>6} {:>4}  {:>8.4} {:>8.4} {:>8.4}  {:>8.4} {:>8.4}",
                                format!("{kind:?}"), alpha, format!("{lo}-{hi}"), min_count,
                                cv.accuracy, cv.macro_f1, cv.rate("known-contact", "sales"), loso, loso_kc
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    for r in results {
        println!("{r}");
    }
}
