//! The classify path on text the model has never seen, then the warm-cache best case.
//!
//! - `fresh text`: each iteration classifies the next text of a list, cycling through it, so the
//!   time is the mean per message over distinct texts (throughput is per byte, from the mean
//!   length). Held-back connection notes (a stratified 10% of the shipped data that the model is
//!   trained without) and the SMS Spam Collection from `../shared` with the pretrained model
//!   (skipped, saying so, when the file is absent).
//! - `warm cache best case`: one fixed string classified again and again; every word and weight
//!   it touches stays in the CPU cache, so these are the fastest times an application can see.
//! - batches and long texts (1 KB to 1 MB, to show time grows linearly).
//!
//! Each loop checks its result so the work cannot be optimised away. The bench prints what text
//! it uses before it runs.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nopitch::text::Analyzer;
use nopitch::Classifier;

/// ~80 bytes, the length of an SMS.
const SHORT: &str = "Quick question: could we save you 15% on your SAP licensing this quarter?";
/// ~200 characters, a typical connection note.
const NOTE: &str = "Hi Dana, I lead partnerships at Brightwave and I'd love to hear about your IT priorities over the next year. We helped three hospitals cut cloud spend by 20% — open to a 15 minute call next week?";

mod common;

use common::{held_back, mean_bytes, notes, sms_texts};

/// Classifies `texts` one per iteration, cycling, with throughput in bytes from the mean length.
fn cycle(c: &mut Criterion, group: &str, name: &str, clf: &Classifier, texts: &[String]) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(mean_bytes(texts).round() as u64));
    g.bench_function(name, |b| {
        let mut i = 0;
        b.iter(|| {
            let p = clf.classify(black_box(&texts[i]));
            i += 1;
            if i == texts.len() {
                i = 0;
            }
            assert!(p.confidence() >= 0.0);
            p.confidence()
        })
    });
    g.finish();
}

fn fresh_text(c: &mut Criterion) {
    let (clf, held) = held_back();
    let name = format!(
        "held-back connection notes ({}, model trained without them), per note",
        held.len()
    );
    cycle(c, "fresh text", &name, &clf, &held);
    if let Some(sms) = sms_texts() {
        let name = format!(
            "SMS Spam Collection ({}, pretrained model), per message",
            sms.len()
        );
        cycle(c, "fresh text", &name, &Classifier::pretrained(), &sms);
    }
}

fn warm_cache(c: &mut Criterion) {
    let analyzer = Analyzer::default();
    let clf = Classifier::pretrained();
    println!("warm cache best case: one fixed string, again and again");
    let mut g = c.benchmark_group("warm cache best case");
    g.bench_function("tokenize one note (200 chars, same string)", |b| {
        b.iter(|| {
            let mut n = 0;
            analyzer.for_each_token(black_box(NOTE), |_| n += 1);
            assert!(n > 30);
            n
        })
    });
    g.bench_function(
        "extract features of one note (200 chars, same string)",
        |b| {
            b.iter(|| {
                let f = clf.features(black_box(NOTE));
                assert!(!f.is_empty());
                f.len()
            })
        },
    );
    g.bench_function(
        "classify one SMS-length message (80 bytes, same string)",
        |b| {
            b.iter(|| {
                let p = clf.classify(black_box(SHORT));
                assert_eq!(p.label(), "sales");
                p.confidence()
            })
        },
    );
    g.bench_function(
        "classify one connection note (200 chars, same string)",
        |b| {
            b.iter(|| {
                let p = clf.classify(black_box(NOTE));
                assert_eq!(p.label(), "sales");
                p.confidence()
            })
        },
    );
    g.finish();
}

fn batch(c: &mut Criterion) {
    let (clf, held) = held_back();
    let mut group = c.benchmark_group("classify batch");
    group.throughput(Throughput::Elements(held.len() as u64));
    group.bench_function(
        BenchmarkId::new("held-back notes, model trained without them", held.len()),
        |b| {
            b.iter(|| {
                let preds = clf.classify_batch(black_box(&held));
                assert_eq!(preds.len(), held.len());
                preds.len()
            })
        },
    );
    group.finish();
}

fn long_texts(c: &mut Criterion) {
    let clf = Classifier::pretrained();
    // One fixed ~10 KB block of shipped notes (which the pretrained model was trained on),
    // repeated: every size sees the same words, so the times compare the algorithm's growth, not
    // how many distinct n-grams fall out of cache.
    let mut block = String::new();
    for note in notes() {
        if block.len() > 10_000 {
            break;
        }
        block.push_str(&note);
        block.push(' ');
    }
    println!("long texts: a 10 KB block of shipped notes repeated to each size, pretrained model");
    let mut group = c.benchmark_group("classify long text (shipped notes repeated)");
    group.sample_size(20);
    for size in [1_000usize, 10_000, 100_000, 1_000_000] {
        let mut text = String::with_capacity(size);
        while text.len() < size {
            let take = block.len().min(size - text.len());
            let mut end = take;
            while !block.is_char_boundary(end) {
                end -= 1;
            }
            if end == 0 {
                break;
            }
            text.push_str(&block[..end]);
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), &text, |b, text| {
            b.iter(|| {
                let p = clf.classify(black_box(text));
                assert!(p.has_signal());
                p.confidence()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, fresh_text, warm_cache, batch, long_texts);
criterion_main!(benches);
