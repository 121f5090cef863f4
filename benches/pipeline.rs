//! The classify path, stage by stage, on in-repo notes: tokenize, extract features, classify one
//! note (SMS length and connection-note length), classify a batch, and long texts (1 KB to 1 MB)
//! to show time grows linearly. Each loop checks a count so the work cannot be optimised away.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nopitch::text::Analyzer;
use nopitch::Classifier;

/// ~80 bytes, the length of an SMS.
const SHORT: &str = "Quick question: could we save you 15% on your SAP licensing this quarter?";
/// ~200 characters, a typical connection note.
const NOTE: &str = "Hi Dana, I lead partnerships at Brightwave and I'd love to hear about your IT priorities over the next year. We helped three hospitals cut cloud spend by 20% — open to a 15 minute call next week?";

mod common;

use common::notes;

fn stages(c: &mut Criterion) {
    let analyzer = Analyzer::default();
    let clf = Classifier::pretrained();
    c.bench_function("tokenize one note (200 chars)", |b| {
        b.iter(|| {
            let mut n = 0;
            analyzer.for_each_token(black_box(NOTE), |_| n += 1);
            assert!(n > 30);
            n
        })
    });
    c.bench_function("extract features of one note (200 chars)", |b| {
        b.iter(|| {
            let f = clf.features(black_box(NOTE));
            assert!(!f.is_empty());
            f.len()
        })
    });
    c.bench_function("classify one SMS-length message (80 bytes)", |b| {
        b.iter(|| {
            let p = clf.classify(black_box(SHORT));
            assert_eq!(p.label(), "sales");
            p.confidence()
        })
    });
    c.bench_function("classify one connection note (200 chars)", |b| {
        b.iter(|| {
            let p = clf.classify(black_box(NOTE));
            assert_eq!(p.label(), "sales");
            p.confidence()
        })
    });
}

fn batch(c: &mut Criterion) {
    let clf = Classifier::pretrained();
    let notes = notes();
    let mut group = c.benchmark_group("classify batch");
    group.throughput(Throughput::Elements(notes.len() as u64));
    group.bench_function(BenchmarkId::new("shipped notes", notes.len()), |b| {
        b.iter(|| {
            let preds = clf.classify_batch(black_box(&notes));
            assert_eq!(preds.len(), notes.len());
            preds.len()
        })
    });
    group.finish();
}

fn long_texts(c: &mut Criterion) {
    let clf = Classifier::pretrained();
    // One fixed ~10 KB block of shipped notes, repeated: every size sees the same words, so the
    // times compare the algorithm's growth, not how many distinct n-grams fall out of cache.
    let mut block = String::new();
    for note in notes() {
        if block.len() > 10_000 {
            break;
        }
        block.push_str(&note);
        block.push(' ');
    }
    let mut group = c.benchmark_group("classify long text");
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

criterion_group!(benches, stages, batch, long_texts);
criterion_main!(benches);
