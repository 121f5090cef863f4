//! What pruning the pretrained model costs and saves, apart from judgment (README, "Performance",
//! "Pruning the pretrained model"): the model trained on `nopitch::pretrained_training_set` with
//! `pretrained_trainer()`'s settings but `min_count` N, its size, its decode time, and the work of
//! classifying fresh text, in a form `valgrind --tool=callgrind` can count.
//!
//! ```text
//! cargo run --release --example pruning_cost -- N size     # features, bytes, decode median of 21
//! cargo run --release --example pruning_cost -- N time     # min_count 1 against N, interleaved
//! # instructions (each text classified once):
//! valgrind --tool=callgrind --toggle-collect='*classify_all*' target/release/examples/pruning_cost N notes
//! valgrind --tool=callgrind --toggle-collect='*classify_all*' target/release/examples/pruning_cost N sms
//! valgrind --tool=callgrind --toggle-collect='*decode_model*' target/release/examples/pruning_cost N decode
//! ```
//!
//! `notes` classifies the held-back notes of the benches (a stratified 10% of
//! `datasets/connection_requests.csv`, seed 42) with a model trained on the other 90%; `sms` the
//! SMS Spam Collection (`shared/datasets/sms_spam_collection.tsv` in this directory or one above,
//! skipped when absent) and
//! `time` also the blind held-out notes, with the full model.

use std::hint::black_box;
use std::time::Instant;

use nopitch::{
    pretrained_trainer, pretrained_training_set, read_examples, stratified_split, Classifier,
    CsvOptions,
};

mod common;

const USAGE: &str = "
Size, decode time and classify work of the pretrained model trained with min_count N.

usage: cargo run --release --example pruning_cost -- N (size|time|notes|sms|decode)
";

fn full_model(min_count: u64) -> Classifier {
    let examples = pretrained_training_set("datasets").expect("dataset");
    pretrained_trainer()
        .min_count(min_count)
        .fit(&nopitch::weight_conversations(&examples))
        .expect("fit")
}

fn main() {
    let (_, values) = common::arguments(USAGE, &[], 2);
    let (Some(min_count), Some(what)) = (
        values.first().and_then(|n| n.parse::<u64>().ok()),
        values.get(1),
    ) else {
        eprintln!("{}", USAGE.trim());
        std::process::exit(2);
    };
    match what.as_str() {
        "size" => {
            let clf = full_model(min_count);
            let mut bytes = Vec::new();
            clf.write_to(&mut bytes).expect("encode");
            let ms = common::decode_times_ms(&bytes, 21);
            println!(
                "min_count {min_count}: {} features, {} bytes, temperature {:.4}; decode median {:.2} ms (fastest {:.2}) of 21",
                clf.n_features(),
                bytes.len(),
                clf.temperature(),
                ms[10],
                ms[0]
            );
        }
        "decode" => {
            let mut bytes = Vec::new();
            full_model(min_count).write_to(&mut bytes).expect("encode");
            black_box(common::decode_model(&bytes));
        }
        "notes" => {
            let notes = read_examples(common::DATA, &CsvOptions::csv()).expect("notes");
            let (train, test) = stratified_split(&notes, 0.1, 42);
            let clf = pretrained_trainer()
                .min_count(min_count)
                .fit(&train)
                .expect("fit");
            let texts: Vec<String> = test.iter().map(|e| e.text().to_string()).collect();
            common::classify_all(&clf, &texts);
            println!(
                "{} held-back notes classified by a model of {} features",
                texts.len(),
                clf.n_features()
            );
        }
        "sms" => {
            if let Some(texts) = common::sms() {
                common::classify_all(&full_model(min_count), &texts);
                println!("{} SMS classified", texts.len());
            }
        }
        "time" => {
            let models = [full_model(1), full_model(min_count)];
            let heldout: Vec<String> =
                read_examples("datasets/heldout_notes.csv", &CsvOptions::csv())
                    .expect("held-out notes")
                    .iter()
                    .map(|e| e.text().to_string())
                    .collect();
            let mut sets = vec![("held-out notes", heldout)];
            sets.extend(common::sms().map(|t| ("SMS", t)));
            for (name, texts) in &sets {
                let mut best = [f64::MAX; 2];
                for _ in 0..21 {
                    for (clf, best) in models.iter().zip(&mut best) {
                        let t = Instant::now();
                        black_box(common::classify_all(clf, texts));
                        *best = best.min(t.elapsed().as_secs_f64() * 1e6 / texts.len() as f64);
                    }
                }
                println!(
                    "{name} ({}): min_count 1 {:.2} µs, min_count {min_count} {:.2} µs per message (fastest of 21 interleaved rounds)",
                    texts.len(),
                    best[0],
                    best[1]
                );
            }
        }
        _ => {
            eprintln!("{}", USAGE.trim());
            std::process::exit(2);
        }
    }
}
