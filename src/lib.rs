//! # nopitch
//!
//! Sorts the notes attached to LinkedIn-style connection requests into **sales** pitches,
//! **known contacts** and **personal** notes, with a sparse naive Bayes classifier that needs no
//! files and classifies a note in a few microseconds.
//!
//! ```
//! use nopitch::Classifier;
//! let clf = Classifier::pretrained();
//! let p = clf.classify("Save 15% on your SAP licensing this quarter");
//! assert_eq!(p.label(), "sales");
//! assert!(p.confidence() > 0.5);
//! ```
//!
//! ## The primary types
//! - [`Classifier`]: a trained model. [`Classifier::pretrained`] is trained on the project's own
//!   hand-written notes (`datasets/connection_requests.csv`); [`Classifier::classify`] gives a
//!   [`Prediction`].
//! - [`Prediction`]: the label, its calibrated [`confidence`](Prediction::confidence), every
//!   label's probability, whether it [is unsure](Prediction::is_unsure), and the
//!   [evidence](Prediction::evidence) behind it: [`Evidence`] in the note's own words, with byte
//!   spans into the note as given ([`mark_evidence`] marks them).
//! - [`Trainer`]: settings, then [`fit`](Trainer::fit) on your own [`Example`]s, with any label set.
//! - [`ExampleReader`] and [`CsvOptions`]: labelled CSV/TSV in, with errors that name the line.
//! - [`linkedin`]: LinkedIn's data export: the invitations, the inbox (`messages.csv`, judged a
//!   conversation at a time), and the whole export folder with the two joined.
//! - [`review`]: the triaged invitations and conversations written to files a person corrects,
//!   and the corrections read back and learned ([`Classifier::learn_correction`]).
//!
//! ## The labels
//! - `sales`: an unsolicited commercial approach from someone with no relationship to the
//!   recipient, however flattering or disguised as networking (cold recruiters count).
//! - `known-contact`: the sender names a concrete shared professional history (worked, studied,
//!   bought, sold, met and talked together).
//! - `personal`: a genuine non-commercial note with no shared professional history, or from
//!   private life.
//!
//! `datasets/README.md` holds the full definitions with the borderline rules.
//!
//! ## Defaults, chosen by measurement
//! Multinomial naive Bayes, Lidstone alpha 0.1, unigrams and bigrams of Snowball-stemmed English
//! terms, 10-fold temperature calibration, unsure below a calibrated confidence of 0.815. Each was
//! chosen by cross-validation on the shipped data (examples `tune` and `calibration`); the README
//! gives the tables and the reasons.
//!
//! ## Performance
//! On text the model has never seen, about 1.5 µs per SMS-length message and 2.0 µs per
//! connection note on one core of a shared 2-core development machine (less when one string is
//! classified again and again, all in cache); `cargo bench --bench pipeline` measures both and
//! the README gives the table and the commands. A [`Prediction`] holds no vectors (for up to
//! four labels); evidence costs only when asked for. Reuse one [`Classifier`] (cloning is
//! cheap); [`Classifier::classify_batch`] and [`Trainer::fit`] use every core with the `rayon`
//! feature.
//!
//! ## Untrusted input
//! No function panics on any text: empty, huge, binary-looking, any script, emoji. Time is linear
//! in the length of the text. Model files are validated (checksum, indexes, counts, settings)
//! and refused with a typed error if anything is off; see the README's "Untrusted input".
//! Training's memory is bounded in proportion to its data whatever the labels: at most
//! [`MAX_LABELS`] labels, and a memory limit checked before anything large is allocated
//! ([`Trainer::max_labels`], [`Trainer::max_memory`]; the README's "Limits").
//!
//! ## Crate features
//! - `rayon` (off by default): [`Classifier::classify_batch`] on every core, and
//!   [`Trainer::fit`] reads and calibrates on every core (the same model as in one thread). The
//!   library starts no thread without it.
//! - `cli` (off by default): builds the `nopitch` command (`cargo install --path . --features
//!   cli`) with its own dependencies, and turns on `rayon` (the command trains on every core).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::dbg_macro, clippy::print_stdout, clippy::print_stderr)]

mod calibration;
mod classifier;
mod dataset;
mod error;
mod evaluate;
mod evidence;
mod features;
mod limits;
pub mod linkedin;
mod lookup;
mod naive_bayes;
mod parallel;
mod persist;
mod pretrained;
pub mod review;
pub mod text;
mod triage;

pub use calibration::{expected_calibration_error, DEFAULT_UNSURE_BELOW};
pub use classifier::{
    Classifier, Prediction, Settings, Trainer, MAX_CALIBRATION_EXAMPLES, MIN_SIGNAL_LOG_ODDS,
};
pub use dataset::{
    read_examples, stratified_folds, stratified_split, CsvOptions, Example, ExampleReader,
};
pub use error::{Error, ErrorKind, Result};
pub use evaluate::{cross_validate, evaluate, Evaluation, LabelScores, Outcome};
pub use evidence::{mark_evidence, merge_spans, Evidence};
pub use features::{FeatureSettings, MAX_NGRAM};
pub use limits::{MAX_LABELS, MEMORY_PER_INPUT_BYTE, MIN_MEMORY_LIMIT};
pub use naive_bayes::{ClassPriors, NaiveBayesKind, NaiveBayesSettings, DEFAULT_ALPHA, MAX_ALPHA};
pub use persist::{MAX_MODEL_BYTES, MODEL_FORMAT, MODEL_VERSION};
pub use pretrained::{
    pretrained_trainer, pretrained_training_set, weight_conversations, CONVERSATION_WEIGHT,
    PRETRAINED_CONVERSATIONS, PRETRAINED_NOTES,
};
pub use triage::{Action, Category, TriagePolicy, Verdict, DEFAULT_DECLINE_REPLY};

/// The README's code, compiled and run as a doc test so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
