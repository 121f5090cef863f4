//! LinkedIn's data export: reading `Invitations.csv` and triaging the invitations you received.
//!
//! The export ("Settings → Data privacy → Get a copy of your data") has a file `Invitations.csv`
//! with the columns `From, To, Sent At, Message, Direction, inviterProfileUrl,
//! inviteeProfileUrl` (older exports have only the first five). `Sent At` is local time such as
//! `1/29/26, 2:37 PM`; `Direction` is `INCOMING` or `OUTGOING`. The reader finds columns by name,
//! so extra or reordered columns are fine; it tolerates a UTF-8 byte-order mark, CRLF line ends,
//! quoted notes with commas, quotes and line breaks, and empty notes.
//!
//! ```
//! use nopitch::linkedin::{triage, InvitationReader, Triage};
//! use nopitch::{Classifier, TriagePolicy};
//! let export = "From,To,Sent At,Message,Direction\n\
//!               Dana Reyes,Sam Lee,\"1/29/26, 2:37 PM\",\"Save 15% on your SAP licensing, quick call?\",INCOMING\n\
//!               Ana Li,Sam Lee,\"1/30/26, 9:05 AM\",,INCOMING\n";
//! let reader = InvitationReader::from_reader(export.as_bytes())?;
//! let rows = triage(reader, &Classifier::pretrained(), &TriagePolicy::default())?;
//! assert!(matches!(&rows[0].triage, Triage::Judged(v, _) if v.category.label() == "sales"));
//! assert!(matches!(rows[1].triage, Triage::NoNote));
//! # Ok::<(), nopitch::Error>(())
//! ```

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::classifier::Classifier;
use crate::dataset::{csv_error, find_columns, LineCounted};
use crate::error::{Error, Result};
use crate::evidence::Evidence;
use crate::triage::{TriagePolicy, Verdict};

/// The columns every invitations export has.
pub const REQUIRED_COLUMNS: [&str; 5] = ["From", "To", "Sent At", "Message", "Direction"];

/// Who sent the invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direction {
    /// Someone invited you.
    Incoming,
    /// You invited someone.
    Outgoing,
    /// Anything else the file says, kept as written.
    Other(String),
}

/// One row of `Invitations.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The sender's name.
    pub from: String,
    /// The recipient's name.
    pub to: String,
    /// When it was sent, as written in the export (local time, e.g. `1/29/26, 2:37 PM`).
    pub sent_at: String,
    /// The note; empty when the invitation had none.
    pub message: String,
    /// Incoming or outgoing.
    pub direction: Direction,
    /// Every field of the row as read, in the file's column order.
    pub fields: Vec<String>,
    /// The 1-based line the row starts on.
    pub line: u64,
}

/// Reads invitations one row at a time.
#[derive(Debug)]
pub struct InvitationReader<R> {
    reader: csv::Reader<LineCounted<R>>,
    headers: Vec<String>,
    columns: [usize; 5],
    path: Option<PathBuf>,
    record: csv::StringRecord,
    finished: bool,
}

impl InvitationReader<File> {
    /// Opens an `Invitations.csv` file and checks its header.
    ///
    /// # Errors
    /// As [`InvitationReader::from_reader`], plus [`ErrorKind::Io`](crate::ErrorKind::Io) if it cannot be opened.
    pub fn from_path(path: impl AsRef<Path>) -> Result<InvitationReader<File>> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
        let mut reader = InvitationReader::from_reader(file).map_err(|e| e.with_path(path))?;
        reader.path = Some(path.to_path_buf());
        Ok(reader)
    }
}

impl<R: Read> InvitationReader<R> {
    /// Reads and checks the header.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumns`](crate::ErrorKind::MissingColumns) naming every required column the file lacks (so a file that
    /// is not an invitations export says so), or [`ErrorKind::Csv`](crate::ErrorKind::Csv) if the header is unreadable.
    pub fn from_reader(reader: R) -> Result<InvitationReader<R>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(LineCounted::new(reader));
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(e, reader.get_ref(), None)),
        };
        let columns = find_columns(&headers, REQUIRED_COLUMNS)?;
        Ok(InvitationReader {
            headers: headers
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').to_string())
                .collect(),
            reader,
            columns,
            path: None,
            record: csv::StringRecord::new(),
            finished: false,
        })
    }

    /// The header, as in the file (without a byte-order mark).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_invitation(&mut self) -> Result<Option<Invitation>> {
        if !self
            .reader
            .read_record(&mut self.record)
            .map_err(|e| csv_error(e, self.reader.get_ref(), self.path.as_deref()))?
        {
            return Ok(None);
        }
        let line = self
            .record
            .position()
            .map_or(0, |p| self.reader.get_ref().line_of(p.byte()));
        // A short row (flexible CSV) reads missing fields as empty rather than failing.
        let field = |i: usize| self.record.get(i).unwrap_or("").to_string();
        let [from, to, sent_at, message, direction] = self.columns.map(field);
        let direction = match direction.trim() {
            d if d.eq_ignore_ascii_case("INCOMING") => Direction::Incoming,
            d if d.eq_ignore_ascii_case("OUTGOING") => Direction::Outgoing,
            d => Direction::Other(d.to_string()),
        };
        Ok(Some(Invitation {
            from,
            to,
            sent_at,
            message,
            direction,
            fields: self.record.iter().map(str::to_string).collect(),
            line,
        }))
    }
}

impl<R: Read> Iterator for InvitationReader<R> {
    type Item = Result<Invitation>;

    fn next(&mut self) -> Option<Result<Invitation>> {
        if self.finished {
            return None;
        }
        let item = self.next_invitation().transpose();
        if !matches!(item, Some(Ok(_))) {
            self.finished = true;
        }
        item
    }
}

/// What triage made of one invitation.
#[derive(Debug, Clone, PartialEq)]
pub enum Triage {
    /// An incoming invitation with a note: the verdict and the evidence behind it.
    Judged(Verdict, Vec<Evidence>),
    /// An incoming invitation without a note: nothing to judge, so no guess.
    NoNote,
    /// An invitation you sent: not judged.
    Outgoing,
    /// A row whose `Direction` is neither `INCOMING` nor `OUTGOING`: not judged.
    UnknownDirection,
}

/// An invitation with its triage.
#[derive(Debug, Clone, PartialEq)]
pub struct TriagedInvitation {
    /// The invitation as read.
    pub invitation: Invitation,
    /// What triage made of it.
    pub triage: Triage,
}

/// How many pieces of evidence [`triage`] keeps per invitation.
pub const EVIDENCE_PER_INVITATION: usize = 3;

/// Classifies every incoming invitation that has a note, in file order.
///
/// # Errors
/// The first error the reader yields (with its line), or [`ErrorKind::UnknownLabel`](crate::ErrorKind::UnknownLabel) if the
/// classifier's labels are not the default taxonomy.
pub fn triage<R: Read>(
    reader: InvitationReader<R>,
    classifier: &Classifier,
    policy: &TriagePolicy,
) -> Result<Vec<TriagedInvitation>> {
    let mut out = Vec::new();
    for invitation in reader {
        let invitation = invitation?;
        let triage = match invitation.direction {
            Direction::Outgoing => Triage::Outgoing,
            Direction::Other(_) => Triage::UnknownDirection,
            Direction::Incoming if invitation.message.trim().is_empty() => Triage::NoNote,
            Direction::Incoming => {
                let p = classifier.classify(&invitation.message);
                let evidence = p.evidence(&invitation.message, EVIDENCE_PER_INVITATION);
                Triage::Judged(policy.verdict(&p)?, evidence)
            }
        };
        out.push(TriagedInvitation { invitation, triage });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_an_export_names_the_missing_columns() {
        let e = InvitationReader::from_reader("text,label\nhello,sales\n".as_bytes()).unwrap_err();
        match e.kind() {
            crate::ErrorKind::MissingColumns { missing, .. } => {
                assert_eq!(missing, &REQUIRED_COLUMNS.map(String::from))
            }
            other => panic!("{other:?}"),
        }
        let e =
            InvitationReader::from_reader("From,To,Sent At,Direction\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("missing column \"Message\""), "{e}");
    }

    #[test]
    fn reads_bom_crlf_quotes_reordered_and_extra_columns() {
        let data = "\u{feff}Direction,Message,Extra,Sent At,To,From\r\nINCOMING,\"Hi, \"\"Sam\"\"\r\nsecond line\",x,\"1/29/26, 2:37 PM\",Sam,Dana\r\nOUTGOING,,y,\"1/30/26, 9:00 AM\",Dana,Sam\r\n";
        let rows: Vec<Invitation> = InvitationReader::from_reader(data.as_bytes())
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(rows[0].message, "Hi, \"Sam\"\r\nsecond line");
        assert_eq!(
            (rows[0].from.as_str(), rows[0].sent_at.as_str()),
            ("Dana", "1/29/26, 2:37 PM")
        );
        assert_eq!(rows[0].direction, Direction::Incoming);
        assert_eq!(rows[1].direction, Direction::Outgoing);
        let odd = "From,To,Sent At,Message,Direction\nA,B,x,Hello there friend,\n";
        let reader = InvitationReader::from_reader(odd.as_bytes()).unwrap();
        let triaged = triage(
            reader,
            &crate::Classifier::pretrained(),
            &TriagePolicy::default(),
        )
        .unwrap();
        assert_eq!(triaged[0].triage, Triage::UnknownDirection);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[0].fields.len(), 6);
    }
}
