//! Data shared by the benches: the shipped notes, a held-back part of them that a model is trained
//! without (fresh text), and the SMS Spam Collection from `../shared` when it is there.

#![allow(dead_code)]

pub mod export;

use std::path::PathBuf;

use nopitch::{stratified_split, CsvOptions, Example, ExampleReader, Trainer};

/// The shipped notes, as compiled into the bench.
pub const SHIPPED_CSV: &str = include_str!("../../datasets/connection_requests.csv");

/// The share of each label held back from training for the fresh-text benches.
pub const HELD_BACK_SHARE: f64 = 0.1;
/// The seed of the held-back split (the same split every run).
pub const HELD_BACK_SEED: u64 = 42;

/// The shipped notes as labelled examples.
pub fn examples() -> Vec<Example> {
    ExampleReader::from_reader(SHIPPED_CSV.as_bytes(), &CsvOptions::csv())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The shipped notes' texts.
pub fn notes() -> Vec<String> {
    examples()
        .into_iter()
        .map(|e| e.text().to_string())
        .collect()
}

/// Fresh connection notes: a deterministic stratified 10% of the shipped notes, and a classifier
/// trained with the default settings on the other 90% (so it has never seen the held-back notes).
pub fn held_back() -> (nopitch::Classifier, Vec<String>) {
    let (train, test) = stratified_split(&examples(), HELD_BACK_SHARE, HELD_BACK_SEED);
    let clf = Trainer::new().fit(&train).unwrap();
    let texts: Vec<String> = test.iter().map(|e| e.text().to_string()).collect();
    println!(
        "fresh notes: {} held back (stratified {:.0}%, seed {HELD_BACK_SEED}) from \
         datasets/connection_requests.csv, {} bytes (mean {:.0}); model trained on the other {} \
         with default settings",
        texts.len(),
        HELD_BACK_SHARE * 100.0,
        total_bytes(&texts),
        mean_bytes(&texts),
        train.len()
    );
    (clf, texts)
}

/// Where the SMS Spam Collection is: `$NOPITCH_SMS`, else `shared/datasets/sms_spam_collection.tsv`
/// in the crate's directory or any directory above it (`../shared` from the main checkout).
pub fn sms_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NOPITCH_SMS") {
        return Some(PathBuf::from(p));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join("shared/datasets/sms_spam_collection.tsv"))
        .find(|p| p.is_file())
}

/// The SMS Spam Collection's messages (read with quoting off), or `None` with a printed message
/// when the file is absent.
pub fn sms_texts() -> Option<Vec<String>> {
    let Some(path) = sms_path() else {
        println!(
            "SMS Spam Collection not found (../shared/datasets/sms_spam_collection.tsv or \
             $NOPITCH_SMS): skipping the SMS benches"
        );
        return None;
    };
    let options = CsvOptions::tsv().text_column("SMS").label_column("Label");
    let texts: Vec<String> = ExampleReader::from_path(&path, &options)
        .unwrap()
        .map(|e| e.unwrap().text().to_string())
        .collect();
    println!(
        "SMS Spam Collection: {} messages from {}, {} bytes (mean {:.0}); the pretrained model \
         has never seen them",
        texts.len(),
        path.display(),
        total_bytes(&texts),
        mean_bytes(&texts)
    );
    Some(texts)
}

pub fn total_bytes(texts: &[String]) -> usize {
    texts.iter().map(String::len).sum()
}

pub fn mean_bytes(texts: &[String]) -> f64 {
    total_bytes(texts) as f64 / texts.len().max(1) as f64
}
