//! In-repo data shared by the benches.

#![allow(dead_code)]

pub mod export;

use nopitch::{CsvOptions, Example, ExampleReader};

/// The shipped notes, as compiled into the bench.
pub const SHIPPED_CSV: &str = include_str!("../../datasets/connection_requests.csv");

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
