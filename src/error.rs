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
            | ErrorKind::InvalidValue { line, .. } => *line,
            ErrorKind::DamagedRecord { first_line, .. } => Some(*first_line),
            _ => None,
        }
    }

    /// Whether the error came from reading or writing a file or stream.
    pub fn is_io_error(&self) -> bool {
        matches!(&*self.0, ErrorKind::Io { .. })
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
