//! The one error type of the crate: a boxed [`ErrorKind`] that says what went wrong and,
//! for data files, on which line.

use std::fmt;
use std::path::PathBuf;

/// A specialised `Result` whose error is nopitch's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// An error from training, loading data, or loading and saving models.
///
/// It is one pointer wide (the [`ErrorKind`] is boxed) so that `Result<Classifier>` stays small.
/// Use [`Error::kind`] to match on what went wrong and [`Error::line`] for the 1-based line of a
/// data file that caused it, when there is one.
pub struct Error(Box<ErrorKind>);

/// What went wrong. New variants may be added, so matches need a wildcard arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file or stream failed.
    Io {
        /// The file involved, when known.
        path: Option<PathBuf>,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A CSV/TSV record could not be read: bad quoting, invalid UTF-8, a wrong number of fields.
    Csv {
        /// The file involved, when known.
        path: Option<PathBuf>,
        /// The 1-based line the record starts on, when known.
        line: Option<u64>,
        /// What the CSV reader reported.
        message: String,
    },
    /// The header row lacks columns the caller asked for (or that the file format requires).
    MissingColumns {
        /// The file involved, when known.
        path: Option<PathBuf>,
        /// The columns that are missing.
        missing: Vec<String>,
        /// The columns the header does have.
        found: Vec<String>,
    },
    /// A row has an empty label.
    EmptyLabel {
        /// The file involved, when known.
        path: Option<PathBuf>,
        /// The 1-based line of the row, when it came from a file.
        line: Option<u64>,
    },
    /// A row has an empty text and the caller did not allow empty texts.
    EmptyText {
        /// The file involved, when known.
        path: Option<PathBuf>,
        /// The 1-based line of the row, when it came from a file.
        line: Option<u64>,
    },
    /// A label the model or the caller's label set does not know.
    UnknownLabel {
        /// The label as given.
        label: String,
        /// The labels that are known.
        known: Vec<String>,
        /// The 1-based line it was found on, when it came from a file.
        line: Option<u64>,
    },
    /// There was nothing to train on (no rows, or no row with any usable feature).
    EmptyTrainingSet {
        /// The file involved, when known.
        path: Option<PathBuf>,
    },
    /// Every example had the same label: a classifier needs at least two.
    SingleClass {
        /// The only label seen.
        label: String,
    },
    /// A setting is out of its allowed range.
    InvalidParameter {
        /// The setting's name.
        name: &'static str,
        /// The value given, as text.
        value: String,
        /// What would have been accepted.
        allowed: &'static str,
    },
    /// Two models cannot be merged because their settings or vocabularies are incompatible.
    IncompatibleModels {
        /// Which setting differs.
        reason: String,
    },
    /// `unlearn` was asked to remove counts the model does not have.
    NotLearned {
        /// What could not be removed.
        reason: String,
    },
    /// Learning or merging would push the model's total counts past what it can hold exactly.
    TooManyCounts {
        /// The largest total of tokens (or of examples) a model may hold.
        limit: u64,
    },
    /// The training data has more distinct labels than the limit
    /// ([`Trainer::max_labels`](crate::Trainer::max_labels), at most
    /// [`MAX_LABELS`](crate::MAX_LABELS)), or `learn`/`merge` would add a label past it. Usually
    /// the wrong column was taken as the label: the message then asks whether it is right.
    TooManyLabels {
        /// The most labels allowed.
        limit: usize,
        /// The distinct labels counted: all of them when training from a slice, those seen so
        /// far when training from a stream (refused as soon as one too many arrives).
        labels: usize,
        /// The rows (examples) those labels were counted among.
        rows: u64,
        /// The label column, when known (see [`Error::with_label_column`]).
        column: Option<String>,
        /// The 1-based line of the first row over the limit, when it came from a file.
        line: Option<u64>,
    },
    /// Training would need more memory than its limit
    /// ([`Trainer::max_memory`](crate::Trainer::max_memory); by default in proportion to the
    /// training text) for its vocabulary and `features × labels` table, or cross-validation for
    /// its per-example outcomes; or `learn`/`merge` would grow a model past what one may hold.
    /// Refused before the memory is allocated.
    MemoryLimit {
        /// The memory it would need, in bytes (an estimate).
        needed: u64,
        /// The memory allowed, in bytes.
        limit: u64,
        /// The features of the table, when a model's table is what is too large (`None` for
        /// cross-validation's outcomes).
        features: Option<usize>,
        /// The labels.
        labels: usize,
        /// The rows (examples) read when it was refused.
        rows: u64,
        /// The label column, when known (see [`Error::with_label_column`]).
        column: Option<String>,
    },
    /// A record of an export file that could not be read as a row (a wrong number of fields, a
    /// quote that never closes, invalid UTF-8). The LinkedIn readers report it and go on with the
    /// next record; see [`linkedin::DamagedRecord`](crate::linkedin::DamagedRecord).
    DamagedRecord {
        /// The file involved, when known.
        path: Option<PathBuf>,
        /// The 1-based line the record starts on.
        first_line: u64,
        /// The 1-based line it ends on.
        last_line: u64,
        /// What is wrong with it.
        problem: String,
    },
    /// A value that breaks the rules of its column (a day that is not a number, a conversation
    /// whose rows disagree on its label).
    InvalidValue {
        /// The file involved, when known.
        path: Option<PathBuf>,
        /// The 1-based line of the row, when it came from a file.
        line: Option<u64>,
        /// The column.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// A model file is not a nopitch model, is truncated, corrupt, or internally inconsistent.
    ModelFormat {
        /// What is wrong with it.
        reason: String,
    },
    /// A model file was written by a format version this build cannot read.
    UnsupportedModelVersion {
        /// The version in the file.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Unwraps the error into what went wrong.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// The 1-based line of the data file that caused the error, if any.
    pub fn line(&self) -> Option<u64> {
        match &*self.0 {
            ErrorKind::Csv { line, .. }
            | ErrorKind::EmptyLabel { line, .. }
            | ErrorKind::EmptyText { line, .. }
            | ErrorKind::UnknownLabel { line, .. }
            | ErrorKind::TooManyLabels { line, .. }
            | ErrorKind::InvalidValue { line, .. } => *line,
            ErrorKind::DamagedRecord { first_line, .. } => Some(*first_line),
            _ => None,
        }
    }

    /// Whether the error came from reading or writing a file or stream.
    pub fn is_io_error(&self) -> bool {
        matches!(&*self.0, ErrorKind::Io { .. })
    }

    /// Names the label column in a [`ErrorKind::TooManyLabels`] or [`ErrorKind::MemoryLimit`]
    /// error that does not name one yet (the trainer sees examples, not columns), so that the
    /// message can ask whether it is the right column. Other errors are returned unchanged.
    ///
    /// ```
    /// use nopitch::{CsvOptions, ExampleReader, Trainer};
    /// // Each row's label is its own text: the wrong column.
    /// let mut csv = String::from("text,label\n");
    /// for i in 0..300 {
    ///     csv += &format!("note number {i},note number {i}\n");
    /// }
    /// let options = CsvOptions::csv().label_column("label");
    /// let reader = ExampleReader::from_reader(csv.as_bytes(), &options)?;
    /// let e = Trainer::new().fit_iter(reader).unwrap_err().with_label_column("label");
    /// assert!(e.to_string().contains("is \"label\" the right label column?"), "{e}");
    /// # Ok::<(), nopitch::Error>(())
    /// ```
    pub fn with_label_column(mut self, name: impl Into<String>) -> Error {
        match &mut *self.0 {
            ErrorKind::TooManyLabels { column, .. } | ErrorKind::MemoryLimit { column, .. }
                if column.is_none() =>
            {
                *column = Some(name.into());
            }
            _ => {}
        }
        self
    }

    /// Attaches a file path to errors that carry one and do not have one yet.
    pub(crate) fn with_path(mut self, p: &std::path::Path) -> Error {
        match &mut *self.0 {
            ErrorKind::Io { path, .. }
            | ErrorKind::Csv { path, .. }
            | ErrorKind::MissingColumns { path, .. }
            | ErrorKind::EmptyLabel { path, .. }
            | ErrorKind::EmptyText { path, .. }
            | ErrorKind::EmptyTrainingSet { path }
            | ErrorKind::DamagedRecord { path, .. }
            | ErrorKind::InvalidValue { path, .. }
                if path.is_none() =>
            {
                *path = Some(p.to_path_buf());
            }
            _ => {}
        }
        self
    }

    pub(crate) fn io(source: std::io::Error) -> Error {
        Error::new(ErrorKind::Io { path: None, source })
    }

    pub(crate) fn invalid(
        name: &'static str,
        value: impl fmt::Display,
        allowed: &'static str,
    ) -> Error {
        Error::new(ErrorKind::InvalidParameter {
            name,
            value: value.to_string(),
            allowed,
        })
    }

    pub(crate) fn format(reason: impl Into<String>) -> Error {
        Error::new(ErrorKind::ModelFormat {
            reason: reason.into(),
        })
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::io(e)
    }
}

fn where_(f: &mut fmt::Formatter<'_>, path: &Option<PathBuf>, line: Option<u64>) -> fmt::Result {
    match (path, line) {
        (Some(p), Some(l)) => write!(f, "{}: line {l}: ", p.display()),
        (Some(p), None) => write!(f, "{}: ", p.display()),
        (None, Some(l)) => write!(f, "line {l}: "),
        (None, None) => Ok(()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Io { path, source } => {
                where_(f, path, None)?;
                write!(f, "i/o error: {source}")
            }
            ErrorKind::Csv {
                path,
                line,
                message,
            } => {
                where_(f, path, *line)?;
                write!(f, "{message}")
            }
            ErrorKind::MissingColumns {
                path,
                missing,
                found,
            } => {
                where_(f, path, Some(1))?;
                let s = if missing.len() == 1 { "" } else { "s" };
                let names: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
                write!(f, "missing column{s} {}; the header has {found:?}", names.join(", "))
            }
            ErrorKind::EmptyLabel { path, line } => {
                where_(f, path, *line)?;
                write!(f, "empty label")
            }
            ErrorKind::EmptyText { path, line } => {
                where_(f, path, *line)?;
                write!(f, "empty text (allow empty texts to keep such rows)")
            }
            ErrorKind::UnknownLabel { label, known, line } => {
                where_(f, &None, *line)?;
                write!(f, "unknown label {label:?}; known labels are {known:?}")
            }
            ErrorKind::EmptyTrainingSet { path } => {
                where_(f, path, None)?;
                write!(f, "no training examples")
            }
            ErrorKind::SingleClass { label } => write!(
                f,
                "every training example has the label {label:?}; at least two labels are needed"
            ),
            ErrorKind::InvalidParameter {
                name,
                value,
                allowed,
            } => write!(f, "invalid {name} {value}: must be {allowed}"),
            ErrorKind::IncompatibleModels { reason } => {
                write!(f, "models cannot be merged: {reason}")
            }
            ErrorKind::NotLearned { reason } => write!(f, "cannot unlearn: {reason}"),
            ErrorKind::TooManyCounts { limit } => write!(f, "the model would hold more than {limit} tokens or examples"),
            ErrorKind::TooManyLabels {
                limit,
                labels,
                rows,
                column,
                line,
            } => {
                where_(f, &None, *line)?;
                write!(f, "too many labels: {labels} distinct labels among {rows} rows")?;
                if let Some(c) = column {
                    write!(f, " of column {c:?}")?;
                }
                write!(f, ", more than the limit of {limit}. ")?;
                if *labels as u64 >= *rows {
                    write!(f, "Every row has a different label: ")?;
                } else {
                    write!(f, "A label column rarely has so many values: ")?;
                }
                match column {
                    Some(c) => write!(f, "is {c:?} the right label column?"),
                    None => write!(f, "is the label column right?"),
                }
            }
            ErrorKind::MemoryLimit {
                needed,
                limit,
                features,
                labels,
                rows,
                column,
            } => {
                let (needed, limit) = (Mib(*needed), Mib(*limit));
                match features {
                    Some(features) => write!(
                        f,
                        "training would need about {needed} for {features} features × {labels} labels (after {rows} rows), more than its limit of {limit}"
                    )?,
                    None => write!(
                        f,
                        "cross-validation would need about {needed} to keep {labels} probabilities for each of {rows} rows, more than its limit of {limit}"
                    )?,
                }
                write!(f, ". Fewer labels (")?;
                match column {
                    Some(c) => write!(f, "is {c:?} the right label column?")?,
                    None => write!(f, "is the label column right?")?,
                }
                match features {
                    Some(_) => write!(f, "), a shorter n-gram range, a higher min_count or a higher Trainer::max_memory would fit"),
                    None => write!(f, ") or a higher Trainer::max_memory would fit; or evaluate on a held-out split instead"),
                }
            }
            ErrorKind::DamagedRecord {
                path,
                first_line,
                last_line,
                problem,
            } => {
                if let Some(p) = path {
                    write!(f, "{}: ", p.display())?;
                }
                if first_line == last_line {
                    write!(f, "line {first_line}: {problem}")
                } else {
                    write!(f, "lines {first_line}-{last_line}: {problem}")
                }
            }
            ErrorKind::InvalidValue {
                path,
                line,
                column,
                reason,
            } => {
                where_(f, path, *line)?;
                write!(f, "column {column:?}: {reason}")
            }
            ErrorKind::ModelFormat { reason } => write!(f, "not a valid nopitch model: {reason}"),
            ErrorKind::UnsupportedModelVersion { found, supported } => write!(
                f,
                "model format version {found} is not supported (this build reads version {supported})"
            ),
        }
    }
}

/// Bytes as mebibytes, for messages.
struct Mib(u64);

impl fmt::Display for Mib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.0} MiB", (self.0 as f64 / (1u64 << 20) as f64).ceil())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
