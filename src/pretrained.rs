//! The pretrained classifier: trained by [`pretrained_trainer`] on [`pretrained_training_set`],
//! the project's hand-written notes and inbox conversations, by
//! `cargo run --release --example build_pretrained`, which writes
//! `datasets/connection_requests.model` (the compact binary format). That file is compiled into
//! the library and decoded on first use; a test retrains from the CSV and checks that the two
//! agree, so the shipped model cannot drift from the data.

use std::path::Path;
use std::sync::OnceLock;

use crate::classifier::{Classifier, Trainer};
use crate::dataset::{read_examples, CsvOptions, Example};
use crate::error::Result;
use crate::linkedin::{read_labelled_conversations, ConversationCategory};

/// The file of the shipped notes, relative to the project's `datasets/` directory.
pub const PRETRAINED_NOTES: &str = "connection_requests.csv";

/// The file of the shipped labelled inbox conversations, relative to `datasets/`, in the
/// labelled message-data layout ([`LabelledConversationReader`](crate::linkedin::LabelledConversationReader)).
pub const PRETRAINED_CONVERSATIONS: &str = "messages.csv";

/// The shipped model: `datasets/connection_requests.model`.
const PRETRAINED_MODEL: &[u8] = include_bytes!("../datasets/connection_requests.model");

impl Classifier {
    /// The classifier trained by [`pretrained_trainer`] on [`pretrained_training_set`]: the
    /// project's hand-written connection-request notes and inbox conversations, labelled
    /// `sales`, `known-contact` and `personal`.
    ///
    /// No files and no `Result`: the model is compiled into the library and checked by its tests.
    /// The first call decodes it (a few milliseconds); later calls return a clone sharing the
    /// same model, which is cheap.
    pub fn pretrained() -> Classifier {
        static PRETRAINED: OnceLock<Classifier> = OnceLock::new();
        PRETRAINED
            .get_or_init(|| {
                // The bytes are this crate's own, produced by `build_pretrained` and checked by
                // the tests, so a failure here is a packaging bug, not an input error.
                Classifier::from_bytes(PRETRAINED_MODEL).expect("the shipped model decodes")
            })
            .clone()
    }

    /// The [fingerprint](Classifier::fingerprint) of [`Classifier::pretrained`], without
    /// decoding the model: the checksum that ends the shipped file. A personal model that
    /// recorded it can tell whether this build ships the pretrained model it was built on, at no
    /// cost.
    ///
    /// ```
    /// use nopitch::Classifier;
    /// assert_eq!(Classifier::pretrained_fingerprint(), Classifier::pretrained().fingerprint());
    /// ```
    pub fn pretrained_fingerprint() -> u64 {
        let mut trailer = [0u8; 8];
        trailer.copy_from_slice(&PRETRAINED_MODEL[PRETRAINED_MODEL.len() - 8..]);
        u64::from_le_bytes(trailer)
    }
}

/// The trainer of the pretrained model: the default settings, except that n-grams seen only once
/// in the training data are dropped ([`min_count(2)`](Trainer::min_count)). That makes the model
/// 2.5 times smaller (0.77 MB instead of 1.91 MB on the data of round six; it has to fit a web
/// page) and faster to decode, at a leave-one-voice-out macro-F1 within 0.004 of keeping every
/// n-gram (README, "Performance"). Your own [`Trainer::new`] keeps every n-gram.
pub fn pretrained_trainer() -> Trainer {
    Trainer::new().min_count(2)
}

/// The examples the pretrained model is trained on, read from the project's `datasets/`
/// directory:
///
/// 1. every note of [`PRETRAINED_NOTES`] (`text,label,voice`), in file order, with its voice as
///    its [group](Example::with_group);
/// 2. then every conversation of [`PRETRAINED_CONVERSATIONS`] labelled `sales`,
///    `known-contact` or `personal`, as the text the conversation verdicts read
///    ([`conversation_text`](crate::linkedin::conversation_text)), grouped by voice: the part of
///    the conversation id before its first `-` (`jobs-017` is voice `messages/jobs`).
///    Conversations labelled `automated`, `group` or `outreach` are decided by rules, not by the
///    model, and are left out.
///
/// Calibration is then fitted leaving one voice out. `cargo run --release --example
/// build_pretrained` trains the shipped model on exactly these (with [`pretrained_trainer`]);
/// add your own examples to them to extend it.
///
/// # Errors
/// As [`read_examples`] and [`LabelledConversationReader`](crate::linkedin::LabelledConversationReader), naming the file and line.
pub fn pretrained_training_set(datasets_dir: impl AsRef<Path>) -> Result<Vec<Example>> {
    let dir = datasets_dir.as_ref();
    let mut examples = read_examples(
        dir.join(PRETRAINED_NOTES),
        &CsvOptions::csv().group_column("voice"),
    )?;
    for conversation in read_labelled_conversations(dir.join(PRETRAINED_CONVERSATIONS))? {
        let decided_by_model = matches!(
            conversation.label,
            ConversationCategory::Sales
                | ConversationCategory::KnownContact
                | ConversationCategory::Personal
        );
        if let (true, Some(example)) = (decided_by_model, conversation.example()) {
            let voice = conversation.id.split('-').next().unwrap_or_default();
            examples.push(example.with_group(format!("messages/{voice}")));
        }
    }
    Ok(examples)
}
