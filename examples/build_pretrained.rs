//! Trains the pretrained model on `nopitch::pretrained_training_set("datasets")` (the shipped notes
//! and conversations, grouped by voice) with `nopitch::pretrained_trainer()`: the default settings
//! except `min_count(2)`, which drops the n-grams seen only once in the training data (a model
//! 2.5 times smaller, for the web page, at a leave-one-voice-out macro-F1 within 0.004 of keeping
//! them: README, "Performance").
//! It writes `datasets/connection_requests.model`, the file `Classifier::pretrained()`
//! loads. Run it after changing the data or the recipe; the test
//! `pretrained_is_the_default_trainer_on_the_shipped_file` fails until you do.
//!
//! ```text
//! cargo run --release --example build_pretrained
//! ```

use nopitch::{pretrained_trainer, pretrained_training_set, weight_conversations};

mod common;

const USAGE: &str = "
Trains the pretrained model on nopitch::pretrained_training_set(\"datasets\") with
nopitch::pretrained_trainer() (the default settings, n-grams seen once dropped), each
conversation counted nopitch::CONVERSATION_WEIGHT times, and writes
datasets/connection_requests.model (the model Classifier::pretrained() loads).

usage: cargo run --release --example build_pretrained
";

fn main() {
    common::arguments(USAGE, &[], 0);
    let examples = pretrained_training_set("datasets").expect("dataset");
    let clf = pretrained_trainer()
        .fit(&weight_conversations(&examples))
        .expect("training");
    clf.save("datasets/connection_requests.model")
        .expect("save");
    let size = std::fs::metadata("datasets/connection_requests.model")
        .expect("saved")
        .len();
    println!(
        "datasets/connection_requests.model: {} notes, {} labels, {} features, temperature {:.4}, {size} bytes",
        examples.len(),
        clf.labels().len(),
        clf.n_features(),
        clf.temperature()
    );
}
