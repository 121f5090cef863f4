//! The pretrained classifier: trained, on first use, from the project's own labelled notes,
//! which are compiled into the library. Training takes a few milliseconds; the result is kept
//! so later calls share one model.

use std::sync::OnceLock;

use crate::classifier::{Classifier, Trainer};
use crate::dataset::{CsvOptions, ExampleReader};

/// The shipped training data: `datasets/connection_requests.csv`.
pub(crate) const CONNECTION_REQUESTS_CSV: &str =
    include_str!("../datasets/connection_requests.csv");

impl Classifier {
    /// The classifier trained with the default [`Trainer`] settings on
    /// `datasets/connection_requests.csv`, the project's hand-written connection-request notes
    /// labelled `sales`, `known-contact` and `personal`.
    ///
    /// No files and no `Result`: the data is compiled into the library and checked by its tests.
    /// The first call trains (a few milliseconds); later calls return a clone sharing the same
    /// model, which is cheap.
    pub fn pretrained() -> Classifier {
        static PRETRAINED: OnceLock<Classifier> = OnceLock::new();
        PRETRAINED.get_or_init(train_pretrained).clone()
    }
}

/// Trains the pretrained model. The shipped CSV is valid and has three labels (the dataset
/// tests check both), so a failure here is a packaging bug, not an input error.
fn train_pretrained() -> Classifier {
    let examples =
        ExampleReader::from_reader(CONNECTION_REQUESTS_CSV.as_bytes(), &CsvOptions::csv())
            .expect("the shipped dataset has a text,label header");
    Trainer::new()
        .fit_iter(examples)
        .expect("the shipped dataset trains")
}
