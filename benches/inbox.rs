//! Triage of a generated 100,000-message export (#14's target: under 2 s on one core): the whole
//! triage (read, clean, group, find the owner, judge every conversation), and reading and
//! grouping alone. The export is built in memory from the shipped notes
//! (benches/common/export.rs); each loop checks that every row is accounted for.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nopitch::linkedin::{triage_messages, ConversationJudge, ConversationReader, MessageReader};
use nopitch::{Classifier, TriagePolicy};

mod common;

const MESSAGES: usize = 100_000;

fn inbox(c: &mut Criterion) {
    let export = common::export::synthetic_messages_csv(&common::notes(), MESSAGES, 42);
    let judge =
        ConversationJudge::new(&Classifier::pretrained(), &TriagePolicy::default()).unwrap();
    let mut group = c.benchmark_group("triage messages.csv");
    group.sample_size(10);
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.bench_function("100,000 messages: read, group, judge", |b| {
        b.iter(|| {
            let t = triage_messages(Cursor::new(black_box(&export)), None, &judge).unwrap();
            assert_eq!(t.rows, MESSAGES as u64);
            assert!(t.unreadable.is_empty());
            t.conversations.len()
        })
    });
    group.bench_function("100,000 messages: read and group only", |b| {
        b.iter(|| {
            let reader = MessageReader::from_reader(black_box(export.as_slice())).unwrap();
            let mut rows = 0;
            for c in ConversationReader::new(reader) {
                if let nopitch::linkedin::Record::Read(c) = c.unwrap() {
                    rows += c.messages.len();
                }
            }
            assert_eq!(rows, MESSAGES);
            rows
        })
    });
    group.finish();
}

criterion_group!(benches, inbox);
criterion_main!(benches);
