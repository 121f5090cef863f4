//! Training and persistence: fit on the shipped dataset, save and load the pretrained model.
//! `cargo bench --bench train` trains in one thread; with `--features rayon`, on every core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nopitch::{Classifier, Trainer};

mod common;

use common::examples;

fn train(c: &mut Criterion) {
    let examples = examples();
    let mut group = c.benchmark_group("train on shipped dataset");
    group.sample_size(20);
    group.throughput(Throughput::Elements(examples.len() as u64));
    group.bench_function("default (with 10-fold calibration)", |b| {
        b.iter(|| {
            let clf = Trainer::new().fit(black_box(&examples)).unwrap();
            assert_eq!(clf.labels().len(), 3);
            clf.n_features()
        })
    });
    group.bench_function("counts only (no calibration)", |b| {
        let trainer = Trainer::new().calibration_folds(0);
        b.iter(|| {
            let clf = trainer.fit(black_box(&examples)).unwrap();
            assert_eq!(clf.labels().len(), 3);
            clf.n_features()
        })
    });
    group.finish();
}

fn pretrained_first_call(c: &mut Criterion) {
    // Decoding the shipped model file as any model file is read, checksum included.
    // `Classifier::pretrained()` does the same minus the checksum (the tests check it), once per
    // process: `cargo run --release --example first_call` times that first call in fresh processes.
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/connection_requests.model"
    ))
    .unwrap();
    c.bench_function(
        "read_from the shipped model file (decode, checksum checked)",
        |b| {
            b.iter(|| {
                let clf = Classifier::read_from(black_box(bytes.as_slice())).unwrap();
                assert_eq!(clf.labels().len(), 3);
                clf.n_features()
            })
        },
    );
}

fn persist(c: &mut Criterion) {
    let clf = Classifier::pretrained();
    let mut bytes = Vec::new();
    clf.write_to(&mut bytes).unwrap();
    c.bench_function("save pretrained model (to memory)", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(bytes.len());
            clf.write_to(&mut out).unwrap();
            assert_eq!(out.len(), bytes.len());
            out.len()
        })
    });
    c.bench_function("load pretrained model (from memory)", |b| {
        b.iter(|| {
            let back = Classifier::read_from(black_box(bytes.as_slice())).unwrap();
            assert_eq!(back.n_features(), clf.n_features());
            back.n_features()
        })
    });
}

criterion_group!(benches, train, pretrained_first_call, persist);
criterion_main!(benches);
