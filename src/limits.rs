//! Limits that keep training's memory in proportion to its data, whatever the labels.
//!
//! A model scores a note by reading one contiguous row of weights per feature, so it keeps a
//! dense `features × labels` table: its memory is the *product* of the vocabulary and the label
//! set. A label column taken by mistake (a text column, an id, a free-text comment) gives every
//! row a label of its own, and the product explodes: 13,082 notes with 13,082 labels would need
//! 13,082 × 164,862 cells, tens of gigabytes. Two checks stop that before anything large is
//! allocated:
//!
//! - **a cap on labels** ([`MAX_LABELS`], lowered with
//!   [`Trainer::max_labels`](crate::Trainer::max_labels)), checked as each new label arrives, so
//!   a mixed-up column is refused after a few hundred rows, in milliseconds;
//! - **a memory limit** ([`Trainer::max_memory`](crate::Trainer::max_memory); by default
//!   [`MEMORY_PER_INPUT_BYTE`] times the training text, and at least [`MIN_MEMORY_LIMIT`]) on
//!   what grows with the vocabulary and the labels (the vocabulary and the table), checked
//!   whenever they grow and again before the model's table is built; cross-validation checks its
//!   per-example outcomes (a probability per label) against it too.
//!
//! Storing the training counts sparsely instead would only move the failure: the fitted model
//! needs the dense table anyway (it is what makes classification fast), so the limit is checked
//! against the table the model will need.

use crate::error::{Error, ErrorKind, Result};

/// The most labels a classifier may have, and the default of
/// [`Trainer::max_labels`](crate::Trainer::max_labels). Real label sets are far smaller (3 for
/// connection notes, 2 for spam, 150 for the largest common intent benchmarks); a column with
/// more distinct values is almost always the wrong column. [`Classifier::learn`] and
/// [`Classifier::merge`] refuse to add a label past it too.
///
/// It also keeps every trained model loadable: [`Classifier::load`] accepts at most 64 table
/// cells per byte of model file, and a model file holds at least 5 bytes per feature, so any
/// model of up to 320 labels passes.
///
/// [`Classifier::learn`]: crate::Classifier::learn
/// [`Classifier::merge`]: crate::Classifier::merge
/// [`Classifier::load`]: crate::Classifier::load
pub const MAX_LABELS: usize = 256;

/// By default, training refuses before its vocabulary and `features × labels` table would take
/// more than this many bytes per byte of training text (texts and labels)...
pub const MEMORY_PER_INPUT_BYTE: u64 = 64;

/// ...or than this many bytes, if that is more (so that small data sets with many labels train).
pub const MIN_MEMORY_LIMIT: u64 = 256 << 20;

/// Bytes per table cell in a finished fit: the model's count (8) and weight code (1), and what
/// calibration keeps per feature (a total of 8 bytes: at most 4 a cell, with two labels or
/// more), with room to spare.
const BYTES_PER_CELL: u64 = 24;

/// Bytes per table cell while examples arrive: the count gathered.
const BYTES_PER_CELL_GATHERING: u64 = 8;

/// Bytes per feature of the vocabulary, roughly: its n-gram, hash-table entries with their
/// slack, and its share of terms and of the stemming cache. (Random CJK text, one new bigram
/// every 3 bytes, peaks at about 150 bytes per feature with everything else included.)
const VOCABULARY_BYTES_PER_FEATURE: u64 = 128;

/// Bytes per example of a cross-validated outcome, apart from its probabilities (8 a label).
const OUTCOME_BYTES: u64 = 96;

/// The most table cells any model may have: what [`Classifier::load`](crate::Classifier::load)
/// accepts (2 GiB of counts and weights).
pub(crate) const MAX_CELLS: u64 = crate::persist::MAX_CELLS as u64;

// Every model within the label cap can be loaded: `load` accepts `CELLS_PER_FILE_BYTE` cells per
// byte of file, and a model file holds at least 5 bytes per feature (binary: its length, first
// term, row length, and one label and count; JSON more).
const _: () = assert!(MAX_LABELS <= crate::persist::CELLS_PER_FILE_BYTE * 5);

/// The training limits of a [`Trainer`](crate::Trainer). Not stored with the model: they bound
/// the work of one fit, not what the model means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TrainingLimits {
    pub(crate) max_labels: usize,
    /// An explicit memory limit in bytes; `None` for the default, in proportion to the data.
    pub(crate) max_memory: Option<u64>,
}

impl Default for TrainingLimits {
    fn default() -> Self {
        TrainingLimits {
            max_labels: MAX_LABELS,
            max_memory: None,
        }
    }
}

impl TrainingLimits {
    /// Checks the ranges of the settings.
    pub(crate) fn check(&self) -> Result<()> {
        if !(2..=MAX_LABELS).contains(&self.max_labels) {
            return Err(Error::invalid(
                "max_labels",
                self.max_labels,
                "from 2 to 256 (nopitch::MAX_LABELS)",
            ));
        }
        if self.max_memory == Some(0) {
            return Err(Error::invalid("max_memory", 0, "more than 0"));
        }
        Ok(())
    }

    /// The memory limit, in bytes, for `input_bytes` of training text.
    pub(crate) fn memory_limit(&self, input_bytes: u64) -> u64 {
        self.max_memory.unwrap_or_else(|| {
            input_bytes
                .saturating_mul(MEMORY_PER_INPUT_BYTE)
                .max(MIN_MEMORY_LIMIT)
        })
    }

    /// Refuses a new label past the cap: `labels` distinct labels among `rows` rows.
    pub(crate) fn check_labels(&self, labels: usize, rows: u64, line: Option<u64>) -> Result<()> {
        if labels > self.max_labels {
            return Err(too_many_labels(self.max_labels, labels, rows, line));
        }
        Ok(())
    }

    /// Refuses the counts gathered while examples arrive: `features` so far for `labels`, after
    /// `rows` rows and `input_bytes` of text.
    pub(crate) fn check_gathering(
        &self,
        features: usize,
        labels: usize,
        rows: u64,
        input_bytes: u64,
    ) -> Result<()> {
        let per_feature = VOCABULARY_BYTES_PER_FEATURE + BYTES_PER_CELL_GATHERING * labels as u64;
        let needed = (features as u64).saturating_mul(per_feature);
        self.check_memory(needed, Some(features), labels, rows, input_bytes)
    }

    /// Refuses the model's table before it is built: `features` of the `vocabulary` kept, for
    /// `labels`, from `rows` rows and `input_bytes` of text. Also refuses a table larger than a
    /// model may hold, whatever the limit.
    pub(crate) fn check_table(
        &self,
        features: usize,
        vocabulary: usize,
        labels: usize,
        rows: u64,
        input_bytes: u64,
    ) -> Result<()> {
        let cells = (features as u64).saturating_mul(labels as u64);
        let needed = cells
            .saturating_mul(BYTES_PER_CELL)
            .saturating_add((vocabulary as u64).saturating_mul(VOCABULARY_BYTES_PER_FEATURE));
        if cells > MAX_CELLS {
            return Err(over_limit(
                needed,
                MAX_CELLS * BYTES_PER_CELL,
                Some(features),
                labels,
                rows,
            ));
        }
        self.check_memory(needed, Some(features), labels, rows, input_bytes)
    }

    /// Refuses cross-validation whose outcomes (one per example, with a probability per label)
    /// would take more than the limit; else the limits for its folds' fits, which share the
    /// limit with the outcomes.
    pub(crate) fn for_folds(
        &self,
        labels: usize,
        rows: u64,
        input_bytes: u64,
    ) -> Result<TrainingLimits> {
        let needed = rows.saturating_mul(OUTCOME_BYTES + 8 * labels as u64);
        self.check_memory(needed, None, labels, rows, input_bytes)?;
        Ok(TrainingLimits {
            max_memory: Some((self.memory_limit(input_bytes) - needed).max(1)),
            ..*self
        })
    }

    fn check_memory(
        &self,
        needed: u64,
        features: Option<usize>,
        labels: usize,
        rows: u64,
        input_bytes: u64,
    ) -> Result<()> {
        let limit = self.memory_limit(input_bytes);
        if needed > limit {
            return Err(over_limit(needed, limit, features, labels, rows));
        }
        Ok(())
    }
}

fn over_limit(needed: u64, limit: u64, features: Option<usize>, labels: usize, rows: u64) -> Error {
    Error::new(ErrorKind::MemoryLimit {
        needed,
        limit,
        features,
        labels,
        rows,
        column: None,
    })
}

/// The error for `labels` distinct labels among `rows` rows, over `limit`.
fn too_many_labels(limit: usize, labels: usize, rows: u64, line: Option<u64>) -> Error {
    Error::new(ErrorKind::TooManyLabels {
        limit,
        labels,
        rows,
        column: None,
        line,
    })
}

/// Refuses `learn` or `merge` adding labels past [`MAX_LABELS`], or growing the table past
/// [`MAX_CELLS`] cells: `features` is an upper bound on the features after it, `labels` and
/// `new_labels` the labels before it and those it adds, `rows` the examples it would hold.
pub(crate) fn check_model_growth(
    features: u64,
    labels: usize,
    new_labels: usize,
    rows: u64,
) -> Result<()> {
    let labels = labels + new_labels;
    if new_labels > 0 && labels > MAX_LABELS {
        return Err(too_many_labels(MAX_LABELS, labels, rows, None));
    }
    let cells = features.saturating_mul(labels as u64);
    if cells > MAX_CELLS {
        return Err(over_limit(
            cells.saturating_mul(16),
            MAX_CELLS * 16,
            Some(usize::try_from(features).unwrap_or(usize::MAX)),
            labels,
            rows,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_limit_is_in_proportion_with_a_floor() {
        let limits = TrainingLimits::default();
        assert_eq!(limits.memory_limit(0), MIN_MEMORY_LIMIT);
        assert_eq!(limits.memory_limit(1 << 20), MIN_MEMORY_LIMIT);
        assert_eq!(limits.memory_limit(10 << 20), 640 << 20);
        assert_eq!(limits.memory_limit(u64::MAX), u64::MAX);
        let fixed = TrainingLimits {
            max_memory: Some(1000),
            ..limits
        };
        assert_eq!(fixed.memory_limit(10 << 20), 1000);
    }

    #[test]
    fn tables_over_the_limit_are_refused() {
        let limits = TrainingLimits::default();
        // The shipped data: 164,862 features × 3 labels from 2.6 MB of text.
        assert!(limits
            .check_table(164_862, 164_862, 3, 13_082, 2_600_000)
            .is_ok());
        // The same text with every note its own label.
        let e = limits
            .check_table(164_862, 164_862, 13_082, 13_082, 2_600_000)
            .unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::MemoryLimit { labels: 13_082, .. }),
            "{e}"
        );
        // However much memory is allowed, no table outgrows what a model may hold.
        let unlimited = TrainingLimits {
            max_memory: Some(u64::MAX),
            ..limits
        };
        assert!(unlimited
            .check_table(1 << 20, 1 << 20, 256, 1, u64::MAX)
            .is_err());
        assert!(limits.check_labels(256, 256, None).is_ok());
        assert!(limits.check_labels(257, 300, Some(301)).is_err());
    }

    #[test]
    fn outcomes_over_the_limit_are_refused() {
        let limits = TrainingLimits::default();
        let folds = limits.for_folds(3, 13_082, 2_600_000).unwrap();
        // The folds' fits get what the outcomes leave.
        assert_eq!(
            folds.memory_limit(0),
            MIN_MEMORY_LIMIT - 13_082 * (OUTCOME_BYTES + 24)
        );
        // A million short rows over 256 labels: 2 GB of probabilities from an 8 MB file.
        assert!(limits.for_folds(256, 1_000_000, 8_000_000).is_err());
    }
}
