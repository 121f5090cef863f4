//! Measures the default classifier on `datasets/connection_requests.csv`, as recorded in
//! `datasets/README.md`:
//!
//! 1. stratified 10-fold cross-validation (seed 42): accuracy, macro-F1, per-label recall;
//! 2. a learning curve: the same 10 folds, training on 25%, 50% and 100% of each training split;
//! 3. leave-one-slice-out: each slice (one writer's brief, one voice) is tested by a model trained
//!    on all the other slices — the closest this project gets to "notes written by someone else".
//!
//! ```text
//! cargo run --release --example dataset_report            # all three
//! cargo run --release --example dataset_report -- --errors # also list cross-validation errors
//! ```

use nopitch::{
    cross_validate, evaluate, read_examples, stratified_folds, CsvOptions, Evaluation, Example,
    Outcome, Trainer,
};

mod common;

use common::{leave_one_slice_out, DATA};

fn recalls(e: &Evaluation) -> String {
    e.per_label
        .iter()
        .map(|s| format!("{} {:.3}", s.label, s.recall))
        .collect::<Vec<_>>()
        .join(", ")
}

/// 10-fold CV where each training split is cut (stratified, seeded) to `fraction` of its size.
fn learning_curve_point(trainer: &Trainer, examples: &[Example], fraction: f64) -> Evaluation {
    let k = 10;
    let labels: Vec<&str> = examples.iter().map(Example::label).collect();
    let folds = stratified_folds(&labels, k, 42);
    let mut names: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    names.sort();
    names.dedup();
    let mut outcomes: Vec<Outcome> = Vec::new();
    for fold in 0..k {
        let train_idx: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] != fold).collect();
        // Keep `fraction` of the training split: stratified sub-folds, take the first ones.
        let sub_labels: Vec<&str> = train_idx.iter().map(|&i| labels[i]).collect();
        let parts = 20;
        let sub = stratified_folds(&sub_labels, parts, 7 + fold as u64);
        let keep = (fraction * parts as f64).round() as usize;
        let train: Vec<Example> = train_idx
            .iter()
            .zip(&sub)
            .filter(|(_, &s)| s < keep)
            .map(|(&i, _)| examples[i].clone())
            .collect();
        let test: Vec<Example> = (0..examples.len())
            .filter(|&i| folds[i] == fold)
            .map(|i| examples[i].clone())
            .collect();
        let test_idx: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] == fold).collect();
        let model = trainer.fit(&train).expect("fit");
        let e = evaluate(&model, &test).expect("evaluate");
        for mut o in e.outcomes {
            o.index = test_idx[o.index];
            outcomes.push(o);
        }
    }
    Evaluation::from_outcomes(names, outcomes)
}

const USAGE: &str = "
Measures the default classifier on datasets/connection_requests.csv: 10-fold cross-validation,
a learning curve and leave-one-voice-out scores.

usage: cargo run --release --example dataset_report [-- --errors]
  --errors   also list the cross-validation errors
";

fn main() {
    let (flags, _) = common::arguments(USAGE, &["--errors"], 0);
    let show_errors = flags.iter().any(|a| a == "--errors");
    let examples = read_examples(DATA, &CsvOptions::csv()).expect("dataset");
    let trainer = Trainer::new();
    println!(
        "# {} notes in {DATA}; default settings: {:?}\n",
        examples.len(),
        trainer.settings()
    );

    println!("## Counts and lengths\n");
    println!("| label | notes | characters min / median / mean / max | words min / median / max | not starting with \"Hi\" |");
    println!("|---|---|---|---|---|");
    let mut labels: Vec<&str> = examples.iter().map(Example::label).collect();
    labels.sort();
    labels.dedup();
    for label in labels {
        let texts: Vec<&str> = examples
            .iter()
            .filter(|e| e.label() == label)
            .map(Example::text)
            .collect();
        let mut chars: Vec<usize> = texts.iter().map(|t| t.chars().count()).collect();
        let mut words: Vec<usize> = texts.iter().map(|t| t.split_whitespace().count()).collect();
        chars.sort_unstable();
        words.sort_unstable();
        let mean = chars.iter().sum::<usize>() as f64 / chars.len() as f64;
        let not_hi = texts
            .iter()
            .filter(|t| !t.to_lowercase().starts_with("hi"))
            .count();
        println!(
            "| {label} | {} | {} / {} / {mean:.0} / {} | {} / {} / {} | {:.0}% |",
            texts.len(),
            chars[0],
            chars[chars.len() / 2],
            chars[chars.len() - 1],
            words[0],
            words[words.len() / 2],
            words[words.len() - 1],
            100.0 * not_hi as f64 / texts.len() as f64
        );
    }
    println!();

    println!("## Stratified 10-fold cross-validation (seed 42)\n");
    let cv = cross_validate(&trainer, &examples, 10, 42, |_, _| {}).expect("cross-validation");
    println!("{cv}");
    println!(
        "known-contact called sales: {:.2}% of known contacts ({:.2}% as a sure verdict, which triage would decline)\n",
        100.0 * cv.rate("known-contact", "sales"),
        100.0 * cv.sure_rate("known-contact", "sales")
    );
    if show_errors {
        for o in cv.outcomes.iter().filter(|o| o.truth != o.predicted) {
            println!(
                "  [{} → {} {:.2}] {}",
                cv.labels[o.truth],
                cv.labels[o.predicted],
                o.confidence,
                examples[o.index].text().replace('\n', " ")
            );
        }
        println!();
    }

    println!("## Learning curve (10-fold CV, training on a share of each training split)\n");
    println!("| share | accuracy | macro-F1 | recall per label |");
    println!("|---|---|---|---|");
    for fraction in [0.25, 0.5, 1.0] {
        let e = learning_curve_point(&trainer, &examples, fraction);
        println!(
            "| {:.0}% | {:.4} | {:.4} | {} |",
            fraction * 100.0,
            e.accuracy,
            e.macro_f1,
            recalls(&e)
        );
    }

    println!("\n## Leave one slice out (train on all other slices, test on this one)\n");
    println!("| slice | notes | accuracy | macro-F1 | known-contact → sales |");
    println!("|---|---|---|---|---|");
    let (per_slice, all) = leave_one_slice_out(&trainer, &examples);
    for (name, e) in &per_slice {
        println!(
            "| {name} | {} | {:.4} | {:.4} | {:.1}% |",
            e.examples,
            e.accuracy,
            e.macro_f1,
            100.0 * e.rate("known-contact", "sales")
        );
    }
    println!(
        "| **all slices pooled** | {} | {:.4} | {:.4} | {:.1}% |",
        all.examples,
        all.accuracy,
        all.macro_f1,
        100.0 * all.rate("known-contact", "sales")
    );
    println!(
        "\nPooled per-label recall: {}; ECE {:.4}",
        recalls(&all),
        all.ece
    );
}
