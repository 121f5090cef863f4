//! The baseline a user would otherwise write: nopitch's features as dense rows, classified and
//! trained with linfa-bayes `MultinomialNb`. (linfa-bayes 0.8.1 prints its state to stderr on
//! every fit; run `cargo bench --bench baseline 2>/dev/null` to keep the terminal readable.)

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use linfa::prelude::*;
use linfa_bayes::MultinomialNb;
use nopitch::Trainer;

const SHORT: &str = "Quick question: could we save you 15% on your SAP licensing this quarter?";

mod common;

use common::examples;

fn baseline(c: &mut Criterion) {
    let examples = examples();
    // A vocabulary small enough for dense rows (10,739 × ~7,400 f64 ≈ 640 MB): n-grams seen at
    // least 10 times.
    let features = Trainer::new()
        .min_count(10)
        .calibration_folds(0)
        .fit(&examples)
        .unwrap();
    let dataset = features.to_dataset(&examples).unwrap();
    let model: MultinomialNb<f64, usize> =
        MultinomialNb::params().alpha(0.1).fit(&dataset).unwrap();
    let sales = features.labels().iter().position(|l| l == "sales").unwrap();

    c.bench_function("linfa-bayes dense: classify one SMS-length message", |b| {
        b.iter(|| {
            let row = features.feature_matrix(&[black_box(SHORT)]);
            let predicted = model.predict(&row);
            assert_eq!(predicted[0], sales);
            predicted[0]
        })
    });
    c.bench_function(
        "nopitch sparse, same features: classify one SMS-length message",
        |b| {
            b.iter(|| {
                let p = features.classify(black_box(SHORT));
                assert_eq!(p.label(), "sales");
                p.confidence()
            })
        },
    );

    let mut group = c.benchmark_group("train on shipped dataset, same features");
    group.sample_size(10);
    group.throughput(Throughput::Elements(examples.len() as u64));
    group.bench_function(
        "linfa-bayes dense (features → dense matrix → fit)",
        |b| {
            b.iter(|| {
                let dataset = features.to_dataset(black_box(&examples)).unwrap();
                let m: MultinomialNb<f64, usize> =
                    MultinomialNb::params().alpha(0.1).fit(&dataset).unwrap();
                assert_eq!(m.predict(&features.feature_matrix(&[SHORT]))[0], sales);
            })
        },
    );
    group.bench_function("nopitch sparse (text → model, counts only)", |b| {
        let trainer = Trainer::new().min_count(10).calibration_folds(0);
        b.iter(|| {
            let clf = trainer.fit(black_box(&examples)).unwrap();
            assert_eq!(clf.n_features(), features.n_features());
        })
    });
    group.finish();
}

criterion_group!(benches, baseline);
criterion_main!(benches);
