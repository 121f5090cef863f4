//! What one correction does, measured on the shipped notes: the numbers behind `nopitch learn`.
//!
//! For each seed, the default trainer learns a stratified 70% of the pretrained model's training
//! set (`nopitch::pretrained_training_set`) and the other 30% plays the notes a user triages. Two kinds of correction are applied, each
//! alone to a fresh copy of the model:
//!
//! - **mistakes**: held-out notes the model labels wrongly, corrected to their true label;
//! - **overrides**: held-out notes the model labels rightly and surely, relabelled to the
//!   runner-up (a user who disagrees with a confident verdict: the hardest case to turn).
//!
//! For each it reports how many corrected notes get the new label after one plain
//! `Classifier::learn`, and after `Classifier::learn_correction` (learned until the label turns,
//! at most `MAX_CORRECTION_REPEATS` times) with the repetitions it took. Then 20 corrections of
//! each kind are applied together, and the other held-out notes are scored before and after:
//! accuracy, and known contacts or personal notes called sales as sure verdicts.
//!
//! ```text
//! cargo run --release --example corrections
//! ```

use nopitch::review::MAX_CORRECTION_REPEATS;
use nopitch::{pretrained_training_set, stratified_split, Classifier, Example, Trainer};

mod common;

const USAGE: &str = "
What one correction does to the corrected note and to the others, measured on 70/30 splits of
the shipped notes (see the source for the method).

usage: cargo run --release --example corrections
";

/// The runner-up label of a note.
fn runner_up(model: &Classifier, text: &str) -> String {
    let p = model.classify(text);
    let mut probs: Vec<(&str, f64)> = p.probabilities().collect();
    probs.sort_by(|a, b| b.1.total_cmp(&a.1));
    probs[1].0.to_string()
}

/// Accuracy, and the share of non-sales notes called sales as sure verdicts.
fn score(model: &Classifier, notes: &[&Example]) -> (f64, f64) {
    let (mut right, mut others, mut called_sales) = (0, 0, 0);
    for e in notes {
        let p = model.classify(e.text());
        right += usize::from(p.label() == e.label());
        if e.label() != "sales" {
            others += 1;
            called_sales += usize::from(p.label() == "sales" && !p.is_unsure());
        }
    }
    (
        right as f64 / notes.len() as f64,
        called_sales as f64 / others as f64,
    )
}

#[derive(Default)]
struct Tally {
    notes: usize,
    turned_by_one_learn: usize,
    turned_by_correction: usize,
    repetitions: Vec<u32>,
}

impl Tally {
    fn add(&mut self, model: &Classifier, text: &str, label: &str) {
        self.notes += 1;
        let mut once = model.clone();
        once.learn(text, label).expect("learn");
        self.turned_by_one_learn += usize::from(once.classify(text).label() == label);
        let mut corrected = model.clone();
        let n = corrected
            .learn_correction(text, label, MAX_CORRECTION_REPEATS)
            .expect("learn_correction");
        self.turned_by_correction += usize::from(corrected.classify(text).label() == label);
        self.repetitions.push(n);
    }

    fn row(&mut self, what: &str) {
        self.repetitions.sort_unstable();
        let mean = self.repetitions.iter().map(|&n| n as f64).sum::<f64>() / self.notes as f64;
        let pct = |n: usize| 100.0 * n as f64 / self.notes as f64;
        println!(
            "| {what} | {} | {:.1}% | {:.1}% | {mean:.2} | {} | {} |",
            self.notes,
            pct(self.turned_by_one_learn),
            pct(self.turned_by_correction),
            self.repetitions[self.notes / 2],
            self.repetitions[self.notes - 1],
        );
    }
}

fn main() {
    common::arguments(USAGE, &[], 0);
    let examples = pretrained_training_set("datasets").expect("dataset");
    let seeds = [1u64, 2, 3];
    let (mut mistakes, mut overrides) = (Tally::default(), Tally::default());
    let mut batch_rows = Vec::new();
    for seed in seeds {
        let (train, test) = stratified_split(&examples, 0.3, seed);
        let model = Trainer::new().seed(seed).fit(&train).expect("fit");
        let wrong: Vec<&Example> = test
            .iter()
            .filter(|e| model.classify(e.text()).label() != e.label())
            .collect();
        let surely_right: Vec<&Example> = test
            .iter()
            .filter(|e| {
                let p = model.classify(e.text());
                p.label() == e.label() && !p.is_unsure()
            })
            .collect();
        for e in &wrong {
            mistakes.add(&model, e.text(), e.label());
        }
        // Every 10th surely-right note, for time.
        for e in surely_right.iter().step_by(10) {
            overrides.add(&model, e.text(), &runner_up(&model, e.text()));
        }
        // 20 corrections of each kind together; the rest of the held-out notes scored.
        for (kind, pool, relabel) in [
            ("mistakes", &wrong, false),
            ("overrides", &surely_right, true),
        ] {
            let step = (pool.len() / 20).max(1);
            let chosen: Vec<&Example> = pool.iter().step_by(step).take(20).copied().collect();
            let rest: Vec<&Example> = test
                .iter()
                .filter(|e| !chosen.iter().any(|c| std::ptr::eq(*c, *e)))
                .collect();
            let mut corrected = model.clone();
            for c in &chosen {
                let label = if relabel {
                    runner_up(&model, c.text())
                } else {
                    c.label().to_string()
                };
                corrected
                    .learn_correction(c.text(), &label, MAX_CORRECTION_REPEATS)
                    .expect("learn_correction");
            }
            let (acc0, sales0) = score(&model, &rest);
            let (acc1, sales1) = score(&corrected, &rest);
            batch_rows.push(format!(
                "| {seed} | 20 {kind} | {} | {acc0:.4} → {acc1:.4} | {:.2}% → {:.2}% |",
                rest.len(),
                100.0 * sales0,
                100.0 * sales1
            ));
        }
    }
    println!("## One correction, alone, on the note it corrects (70/30 splits, seeds {seeds:?})\n");
    println!("| correction | notes | label turned by one learn | by learn_correction | mean repetitions | median | max |");
    println!("|---|---|---|---|---|---|---|");
    mistakes.row("mistake → true label");
    overrides.row("sure verdict → runner-up");
    println!("\n## 20 corrections together, scored on the other held-out notes\n");
    println!("| seed | corrections | other notes | accuracy | known-contact/personal called sales (sure) |");
    println!("|---|---|---|---|---|");
    for row in batch_rows {
        println!("{row}");
    }
}
