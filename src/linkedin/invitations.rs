//! `Invitations.csv`: the connection requests you received and sent, and their triage.
//!
//! The export ("Settings → Data privacy → Get a copy of your data") has a file `Invitations.csv`
//! with the columns `From, To, Sent At, Message, Direction, inviterProfileUrl,
//! inviteeProfileUrl` (older exports have only the first five). `Sent At` is local time such as
//! `1/29/26, 2:37 PM`; `Direction` is `INCOMING` or `OUTGOING`. The reader finds columns by name,
//! so extra or reordered columns are fine; it tolerates a UTF-8 byte-order mark, CRLF line ends,
//! quoted notes with commas, quotes and line breaks, and empty notes.
//!
//! A record with another number of fields than the header, a quote that never closes (the
//! record is cut before the next line that starts a record: a date in `Sent At` or a direction
//! in `Direction`), or invalid UTF-8 is reported with its lines and reading goes on; [`triage`]
//! keeps it as [`Triage::Unreadable`].

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::messages::parse_timestamp;
use super::records::{
    find_columns, iterator_item, Damage, DamagedRecord, Record, RecordScanner, RecordView, Scanned,
};
use crate::classifier::Classifier;
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
///
/// As an [`Iterator`], it yields each invitation, or an error. A damaged record (a wrong number
/// of fields, a quote that never closes, invalid UTF-8) is an
/// [`ErrorKind::DamagedRecord`](crate::ErrorKind::DamagedRecord) error naming its lines, and
/// reading goes on after it; any other error ends the iteration.
/// [`InvitationReader::read_row`] gives damaged records as data instead.
#[derive(Debug)]
pub struct InvitationReader<R> {
    scanner: RecordScanner<R>,
    headers: Vec<String>,
    columns: [usize; 5],
    path: Option<PathBuf>,
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

fn direction(text: &str) -> Direction {
    match text.trim() {
        d if d.eq_ignore_ascii_case("INCOMING") => Direction::Incoming,
        d if d.eq_ignore_ascii_case("OUTGOING") => Direction::Outgoing,
        d => Direction::Other(d.to_string()),
    }
}

fn is_direction(text: &str) -> bool {
    !matches!(direction(text), Direction::Other(_))
}

impl<R: Read> InvitationReader<R> {
    /// Reads and checks the header.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumns`](crate::ErrorKind::MissingColumns) naming every required column the file lacks (so a file that
    /// is not an invitations export says so), or [`ErrorKind::Csv`](crate::ErrorKind::Csv) if the header is unreadable.
    pub fn from_reader(reader: R) -> Result<InvitationReader<R>> {
        let mut scanner = RecordScanner::new(reader);
        let headers = scanner.read_header()?.unwrap_or_default();
        let (columns, []) = find_columns(&headers, REQUIRED_COLUMNS, [])?;
        // Where a record starts after a broken quote: a date in `Sent At` or a direction.
        scanner.set_anchors(vec![
            (columns[2], |s| parse_timestamp(s).is_some()),
            (columns[4], is_direction),
        ]);
        Ok(InvitationReader {
            scanner,
            headers,
            columns,
            path: None,
            finished: false,
        })
    }

    /// The header, as in the file (without a byte-order mark).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next row: an invitation, a damaged record, or `None` at the end of the file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) only; damaged records are data here.
    pub fn read_row(&mut self) -> Result<Option<Record<Invitation>>> {
        let columns = self.columns;
        let row = self.scanner.next_record().map_err(|e| match &self.path {
            Some(p) => e.with_path(p),
            None => e,
        })?;
        Ok(row.map(|row| match row {
            Scanned::Record(r) => Record::Read(invitation(&r, columns)),
            Scanned::Damaged(d) => Record::Damaged(d),
        }))
    }
}

fn invitation(r: &RecordView<'_>, columns: [usize; 5]) -> Invitation {
    let [from, to, sent_at, message, dir] = columns.map(|i| r.get(i).to_string());
    Invitation {
        from,
        to,
        sent_at,
        message,
        direction: direction(&dir),
        fields: r.to_strings(),
        line: r.first_line,
    }
}

/// An invitation built from what could be read of a damaged record (fields by position).
fn damaged_invitation(fields: &[String], columns: [usize; 5], line: u64) -> Invitation {
    let [from, to, sent_at, message, dir] =
        columns.map(|i| fields.get(i).cloned().unwrap_or_default());
    Invitation {
        from,
        to,
        sent_at,
        message,
        direction: direction(&dir),
        fields: fields.to_vec(),
        line,
    }
}

impl<R: Read> Iterator for InvitationReader<R> {
    type Item = Result<Invitation>;

    fn next(&mut self) -> Option<Result<Invitation>> {
        if self.finished {
            return None;
        }
        let row = self.read_row();
        iterator_item(row, &mut self.finished, self.path.as_deref())
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
    /// A record that could not be read (a wrong number of fields, a quote that never closes,
    /// invalid UTF-8): kept with what could be read of it, never judged.
    Unreadable {
        /// The 1-based line it ends on (it starts on the invitation's `line`).
        last_line: u64,
        /// What is wrong with it.
        problem: Damage,
    },
}

/// An invitation with its triage.
#[derive(Debug, Clone, PartialEq)]
pub struct TriagedInvitation {
    /// The invitation as read.
    pub invitation: Invitation,
    /// What triage made of it.
    pub triage: Triage,
}

impl TriagedInvitation {
    /// For an unreadable row, the damage: its lines and problem (what could be read of its
    /// fields is in the invitation's [`fields`](Invitation::fields), not repeated here).
    pub fn damage(&self) -> Option<DamagedRecord> {
        match &self.triage {
            Triage::Unreadable { last_line, problem } => Some(DamagedRecord {
                first_line: self.invitation.line,
                last_line: *last_line,
                problem: problem.clone(),
                fields: Vec::new(),
            }),
            _ => None,
        }
    }
}

/// How many pieces of evidence [`triage`] keeps per invitation.
pub const EVIDENCE_PER_INVITATION: usize = 3;

/// Classifies every incoming invitation that has a note, in file order. Every row of the file
/// is in the result: a damaged record as [`Triage::Unreadable`], so rows in = rows out.
///
/// # Errors
/// An I/O error of the reader, or [`ErrorKind::UnknownLabel`](crate::ErrorKind::UnknownLabel)
/// if the classifier's labels are not the default taxonomy.
pub fn triage<R: Read>(
    mut reader: InvitationReader<R>,
    classifier: &Classifier,
    policy: &TriagePolicy,
) -> Result<Vec<TriagedInvitation>> {
    let mut out = Vec::new();
    while let Some(row) = reader.read_row()? {
        let invitation = match row {
            Record::Read(i) => i,
            Record::Damaged(d) => {
                out.push(TriagedInvitation {
                    invitation: damaged_invitation(&d.fields, reader.columns, d.first_line),
                    triage: Triage::Unreadable {
                        last_line: d.last_line,
                        problem: d.problem,
                    },
                });
                continue;
            }
        };
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
