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
use crate::persist::Checksum;

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
                // Its checksum is checked by the tests (`the_shipped_checksum_holds`), not here.
                Classifier::decode_static(PRETRAINED_MODEL, Checksum::Trust)
                    .expect("the shipped model decodes")
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

/// How many times each training conversation counts when the pretrained model is fitted (see
/// [`weight_conversations`]).
///
/// Conversations are a seventh of the examples (2,453 against 15,954 notes) but half of the
/// product, and they were written later, against the shortcuts the notes taught. Counted three
/// times, leaving a voice out (measured when the weight was chosen, before the notes of voice
/// 91): conversations judged whole 0.8780 → 0.8904 macro-F1 and known
/// contacts called sales 7.4% → 3.8%; the round-6 contrast notes 0.8773 → 0.8741 with known
/// contacts called sales 1.55% → 1.04% and personal 13.9% → 12.5%; the notes of rounds 1–5
/// (the corpus's own style) 0.9519 → 0.9428 (`datasets/README.md` tells how it was chosen).
pub const CONVERSATION_WEIGHT: usize = 3;

/// The trainer of the pretrained model: the default settings, except that n-grams seen only once
/// in the training data are dropped ([`min_count(2)`](Trainer::min_count)). That makes the model
/// half the size (1.07 MB instead of 2.01 MB on the shipped data, conversations weighted; it has
/// to fit a web page) and faster to decode, at a leave-one-voice-out macro-F1 within 0.003 of
/// keeping every n-gram (README, "How good is the pretrained model"). Your own [`Trainer::new`]
/// keeps every n-gram.
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
/// Each example is here once, so that random folds and splits of it do not leak; the shipped
/// model is fitted on [`weight_conversations`] of it.
///
/// Calibration is then fitted leaving one voice out. `cargo run --release --example
/// build_pretrained` trains the shipped model on exactly these (with [`pretrained_trainer`], on
/// [`weight_conversations`] of them); add your own examples to them to extend it.
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

/// The pretrained model's training set as it is fitted: every example once, in order, except
/// that each conversation (an example whose group starts with `messages/`, as
/// [`pretrained_training_set`] groups them) comes [`CONVERSATION_WEIGHT`] times in a row. Fit
/// [`pretrained_trainer`] on this; keep every copy of a conversation on the same side of any
/// split (leaving groups out does).
///
/// ```no_run
/// use nopitch::{pretrained_trainer, pretrained_training_set, weight_conversations};
/// let examples = pretrained_training_set("datasets")?;
/// let model = pretrained_trainer().fit(&weight_conversations(&examples))?;
/// # Ok::<(), nopitch::Error>(())
/// ```
pub fn weight_conversations(examples: &[Example]) -> Vec<Example> {
    let mut weighted = Vec::with_capacity(examples.len());
    for example in examples {
        let copies = if example.group().is_some_and(|g| g.starts_with("messages/")) {
            CONVERSATION_WEIGHT
        } else {
            1
        };
        weighted.extend((0..copies).map(|_| example.clone()));
    }
    weighted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_checksum_holds() {
        // `pretrained()` skips the checksum of the bytes compiled into the program: here is where
        // it is checked.
        let verified = Classifier::from_bytes(PRETRAINED_MODEL)
            .expect("the shipped model passes its checksum");
        assert_eq!(
            verified.fingerprint(),
            Classifier::pretrained().fingerprint()
        );
        assert_eq!(verified.n_features(), Classifier::pretrained().n_features());
    }

    #[test]
    fn conversations_are_repeated_in_place_and_notes_kept_once() {
        let examples = [
            Example::new("a note", "sales").with_group("01-voice"),
            Example::new("a conversation", "personal").with_group("messages/kin"),
            Example::new("no group", "known-contact"),
            Example::new("mentions messages/ in text", "sales").with_group("02-messages"),
        ];
        let weighted = weight_conversations(&examples);
        let texts: Vec<&str> = weighted.iter().map(Example::text).collect();
        let mut expected = vec!["a note"];
        expected.extend(std::iter::repeat("a conversation").take(CONVERSATION_WEIGHT));
        expected.extend(["no group", "mentions messages/ in text"]);
        assert_eq!(texts, expected);
        assert!(weighted[1..=CONVERSATION_WEIGHT]
            .iter()
            .all(|e| e.label() == "personal" && e.group() == Some("messages/kin")));
    }
}
