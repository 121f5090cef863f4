//! Triage of a generated 100,000-message export (#14's target: under 2 s on one core): the whole
//! triage (read, clean, group, find the owner, judge every conversation), and its parts: reading
//! and grouping alone, the model classifying every conversation's text, and the same with the
//! model's evidence (`Prediction::evidence(3)`) that every verdict carries. The export is built in
//! memory from the shipped notes (benches/common/export.rs); each loop checks its result.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nopitch::linkedin::{
    conversation_text, triage_messages, ConversationJudge, ConversationReader, MessageReader,
    Owner, Record,
};
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
                if let Record::Read(c) = c.unwrap() {
                    rows += c.messages.len();
                }
            }
            assert_eq!(rows, MESSAGES);
            rows
        })
    });
    // The texts the model reads, one per conversation.
    let owner = Owner::given("Jordan Ellis");
    let texts: Vec<String> =
        ConversationReader::new(MessageReader::from_reader(export.as_slice()).unwrap())
            .filter_map(|c| match c.unwrap() {
                Record::Read(c) => Some(conversation_text(&c.turns(&owner))),
                Record::Damaged(_) => None,
            })
            .collect();
    let clf = judge.classifier().clone();
    group.bench_function("its conversations: classify", |b| {
        b.iter(|| {
            let n = texts
                .iter()
                .filter(|t| clf.classify(black_box(t)).has_signal())
                .count();
            assert!(n > texts.len() / 2);
            n
        })
    });
    group.bench_function("its conversations: classify and evidence(3)", |b| {
        b.iter(|| {
            let n: usize = texts
                .iter()
                .map(|t| clf.classify(black_box(t)).evidence(t, 3).len())
                .sum();
            assert!(n > texts.len());
            n
        })
    });
    group.finish();
}

criterion_group!(benches, inbox);
criterion_main!(benches);
