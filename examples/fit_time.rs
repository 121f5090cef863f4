//! How long `Trainer::fit` takes on the shipped notes (`datasets/connection_requests.csv`), as a
//! program that trains once would see it: 11 fits with the default settings (10-fold
//! calibration) and 11 counting only (`calibration_folds(0)`), fastest and median of each.
//!
//! ```text
//! cargo run --release --example fit_time            # times, in one thread
//! cargo run --release --features rayon --example fit_time   # on every core (same models)
//! # instructions of one fit with the default settings:
//! valgrind --tool=callgrind --toggle-collect='*fit_once*' target/release/examples/fit_time once
//! # the calibration temperatures of a few fits, to the last bit (to compare two builds):
//! cargo run --release --example fit_time -- temperature
//! ```
//!
//! To compare two versions, build this example in both checkouts and run the two programs in
//! alternating order a few times (README, "Performance"); `cargo bench --bench train` gives
//! criterion's medians of the same fits.

use std::hint::black_box;
use std::time::Instant;

use nopitch::{
    pretrained_trainer, pretrained_training_set, read_examples, weight_conversations, CsvOptions,
    Example, NaiveBayesKind, Trainer,
};

/// One fit, kept out of line so that a profiler can single it out.
#[inline(never)]
fn fit_once(examples: &[Example], folds: usize) -> usize {
    Trainer::new()
        .calibration_folds(folds)
        .fit(black_box(examples))
        .expect("the shipped notes train")
        .n_features()
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/connection_requests.csv"
    );
    let examples = read_examples(path, &CsvOptions::csv()).expect("the shipped notes");
    match std::env::args().nth(1).as_deref() {
        Some("once") => {
            black_box(fit_once(&examples, 10));
            return;
        }
        Some("temperature") => {
            print_temperatures(&examples);
            return;
        }
        _ => {}
    }
    println!(
        "{}",
        match cfg!(feature = "rayon") {
            true =>
                "with the rayon feature: on rayon's threads (RAYON_NUM_THREADS, else every core)",
            false => "without the rayon feature: in one thread",
        }
    );
    for (folds, what) in [(10, "default (10-fold calibration)"), (0, "counts only")] {
        let mut features = 0;
        let mut ms: Vec<f64> = (0..11)
            .map(|_| {
                let start = Instant::now();
                features = black_box(fit_once(&examples, folds));
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "fit on {} notes, {what}: fastest {:.1} ms ({:.0} notes/s), median {:.1} ms; {features} features",
            examples.len(),
            ms[0],
            examples.len() as f64 / ms[0] * 1e3,
            ms[5]
        );
    }
}

/// The temperatures of fits with random folds (the shipped notes, both kinds, `min_count` 1-3)
/// and with groups (the pretrained training set, voices as groups), as numbers and as bits.
fn print_temperatures(examples: &[Example]) {
    let show = |what: String, t: f64| println!("{what}: {t:?} ({:016x})", t.to_bits());
    for min_count in [1, 2, 3] {
        for kind in [NaiveBayesKind::Multinomial, NaiveBayesKind::Complement] {
            let clf = Trainer::new()
                .min_count(min_count)
                .kind(kind)
                .fit(examples)
                .expect("the shipped notes train");
            show(
                format!("random folds, min_count {min_count}, {kind:?}"),
                clf.temperature(),
            );
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets");
    let grouped = weight_conversations(&pretrained_training_set(dir).expect("the shipped data"));
    for min_count in [1, 2, 3] {
        let clf = pretrained_trainer()
            .min_count(min_count)
            .fit(&grouped)
            .expect("the shipped data trains");
        show(
            format!("voices as groups, min_count {min_count}"),
            clf.temperature(),
        );
    }
}
