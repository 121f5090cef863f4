//! `messages.csv`: every message of the export, one row each.
//!
//! The header varies between exports; columns are found by name (without regard to case), so
//! reordered, unknown and missing optional columns are fine:
//!
//! | column | | |
//! |---|---|---|
//! | `CONVERSATION ID` | required | groups rows into conversations |
//! | `FROM` | required | the sender's name |
//! | `DATE` | required | `2024-03-18 09:12:44 UTC` (other common layouts are read too) |
//! | `CONTENT` | required | may hold line breaks, quotes, commas, HTML |
//! | `CONVERSATION TITLE`, `SENDER PROFILE URL`, `TO`, `RECIPIENT PROFILE URLS`, `SUBJECT`, `FOLDER`, `IS MESSAGE DRAFT` | optional | empty when absent |
//!
//! The 2021 layout has nine columns (no `RECIPIENT PROFILE URLS`, no `ATTACHMENTS`); newer ones
//! add `ATTACHMENTS`, `IS MESSAGE DRAFT` and others, which are ignored. Content is cleaned as a
//! reader would see it: text whose UTF-8 was decoded as Latin-1 is repaired (in the content, the
//! subject, the title and the names; see [`repair_mojibake`](super::repair_mojibake)), and HTML
//! becomes text (see [`html_to_text`](super::html_to_text)), remembering the [`Markup`] it had.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::html::{decode_entities, html_to_text, Markup};
use super::mojibake::repair_mojibake;
use super::records::{find_columns, iterator_item, Record, RecordScanner, RecordView, Scanned};
use crate::error::{Error, Result};

/// The columns every messages export has.
pub const MESSAGE_COLUMNS: [&str; 4] = ["CONVERSATION ID", "FROM", "DATE", "CONTENT"];

/// The columns read when present.
pub const OPTIONAL_MESSAGE_COLUMNS: [&str; 7] = [
    "CONVERSATION TITLE",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "SUBJECT",
    "FOLDER",
    "IS MESSAGE DRAFT",
];

/// One row of `messages.csv`, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// The conversation's title (group chats may have one; often empty).
    pub conversation_title: String,
    /// The sender's name (mojibake repaired). `LinkedIn Member` for accounts that no longer
    /// show a name.
    pub from: String,
    /// The sender's profile URL, as written (may be empty).
    pub sender_profile_url: String,
    /// The recipients' names as written (mojibake repaired); several are separated by commas.
    pub to: String,
    /// The recipients' profile URLs as written (may be empty).
    pub recipient_profile_urls: String,
    /// When it was sent, as written.
    pub date: String,
    /// [`Message::date`] as seconds since 1970-01-01 (the export's time zone, usually UTC), when
    /// it could be read.
    pub timestamp: Option<i64>,
    /// The subject (InMails have one; mojibake repaired, entities decoded).
    pub subject: String,
    /// The text as a reader sees it: mojibake repaired, HTML turned into text.
    pub content: String,
    /// What markup the content had before it was turned into text.
    pub markup: Markup,
    /// `INBOX`, `ARCHIVE`, `SPAM`, `SENT`, … as written (may be empty).
    pub folder: String,
    /// Whether the export marks it as a draft (never sent).
    pub draft: bool,
    /// The 1-based line the row starts on.
    pub line: u64,
}

/// Reads messages one row at a time.
///
/// As an [`Iterator`], it yields each message, or an error. A damaged record (a wrong number of
/// fields, a quote that never closes, invalid UTF-8) is an
/// [`ErrorKind::DamagedRecord`](crate::ErrorKind::DamagedRecord) error
/// naming its lines, and reading goes on after it; any other error ends the iteration.
/// [`MessageReader::read_row`] gives damaged records as data instead.
///
/// ```
/// use nopitch::linkedin::MessageReader;
/// let export = "CONVERSATION ID,FROM,TO,DATE,SUBJECT,CONTENT\n\
///               c1,Dana Reyes,Sam Lee,2024-03-18 09:12:44 UTC,,\"Hi Sam,\nIâ€™d love 15 minutes.\"\n";
/// let messages: Vec<_> = MessageReader::from_reader(export.as_bytes())?.collect::<Result<_, _>>()?;
/// assert_eq!(messages[0].content, "Hi Sam,\nI’d love 15 minutes.");
/// assert_eq!(messages[0].line, 2);
/// # Ok::<(), nopitch::Error>(())
/// ```
#[derive(Debug)]
pub struct MessageReader<R> {
    scanner: RecordScanner<R>,
    headers: Vec<String>,
    required: [usize; 4],
    optional: [Option<usize>; 7],
    path: Option<PathBuf>,
    finished: bool,
}

impl MessageReader<File> {
    /// Opens a `messages.csv` file and checks its header.
    ///
    /// # Errors
    /// As [`MessageReader::from_reader`], plus [`ErrorKind::Io`](crate::ErrorKind::Io) if it cannot
    /// be opened.
    pub fn from_path(path: impl AsRef<Path>) -> Result<MessageReader<File>> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
        let mut reader = MessageReader::from_reader(file).map_err(|e| e.with_path(path))?;
        reader.path = Some(path.to_path_buf());
        Ok(reader)
    }
}

impl<R: Read> MessageReader<R> {
    /// Reads and checks the header.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumns`](crate::ErrorKind::MissingColumns) naming every required column the file lacks (so a file that
    /// is not a messages export says so), [`ErrorKind::Csv`](crate::ErrorKind::Csv) if the header
    /// is unreadable, or [`ErrorKind::Io`](crate::ErrorKind::Io).
    pub fn from_reader(reader: R) -> Result<MessageReader<R>> {
        let mut scanner = RecordScanner::new(reader);
        let headers = scanner.read_header()?.unwrap_or_default();
        let (required, optional) =
            find_columns(&headers, MESSAGE_COLUMNS, OPTIONAL_MESSAGE_COLUMNS)?;
        // A message always has a date: it tells where a record starts after a broken quote.
        scanner.set_anchors(vec![(required[2], |s| parse_timestamp(s).is_some())]);
        Ok(MessageReader {
            scanner,
            headers,
            required,
            optional,
            path: None,
            finished: false,
        })
    }

    /// The header, as in the file (trimmed, without a byte-order mark).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The file being read, when it came from [`MessageReader::from_path`].
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The next row: a message, a damaged record, or `None` at the end of the file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) only; damaged records are data here.
    pub fn read_row(&mut self) -> Result<Option<Record<Message>>> {
        let required = self.required;
        let optional = self.optional;
        let row = self.scanner.next_record().map_err(|e| match &self.path {
            Some(p) => e.with_path(p),
            None => e,
        })?;
        Ok(row.map(|row| match row {
            Scanned::Record(r) => Record::Read(message(&r, required, optional)),
            Scanned::Damaged(d) => Record::Damaged(d),
        }))
    }
}

/// Builds a message from a record.
fn message(r: &RecordView<'_>, required: [usize; 4], optional: [Option<usize>; 7]) -> Message {
    let [id, from, date, content] = required.map(|i| r.get(i));
    let [title, sender_url, to, recipient_urls, subject, folder, draft] =
        optional.map(|i| i.map_or("", |i| r.get(i)));
    let repaired = repair_mojibake(content);
    let (content, markup) = html_to_text(&repaired);
    Message {
        conversation_id: id.trim().to_string(),
        conversation_title: clean_line(title),
        from: clean_line(from),
        sender_profile_url: sender_url.trim().to_string(),
        to: clean_line(to),
        recipient_profile_urls: recipient_urls.trim().to_string(),
        date: date.trim().to_string(),
        timestamp: parse_timestamp(date),
        subject: clean_line(subject),
        content: content.into_owned(),
        markup,
        folder: folder.trim().to_string(),
        draft: matches!(
            draft.trim().to_ascii_lowercase().as_str(),
            "yes" | "true" | "1"
        ),
        line: r.first_line,
    }
}

/// A name, title or subject: mojibake repaired, entities decoded, trimmed.
pub(crate) fn clean_line(text: &str) -> String {
    let repaired = repair_mojibake(text);
    decode_entities(repaired.trim()).into_owned()
}

impl<R: Read> Iterator for MessageReader<R> {
    type Item = Result<Message>;

    fn next(&mut self) -> Option<Result<Message>> {
        if self.finished {
            return None;
        }
        let row = self.read_row();
        iterator_item(row, &mut self.finished, self.path.as_deref())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads a date as exports write them, to seconds since 1970-01-01: `2024-03-18 09:12:44 UTC`,
/// `2024-03-18T09:12:44Z`, `2024-03-18 09:12`, `2024-03-18`, `3/18/24, 9:12 AM`,
/// `03/18/2024 21:12:44`. A time zone offset, if any, is ignored. `None` when it is not a date.
///
/// ```
/// use nopitch::linkedin::parse_timestamp;
/// assert_eq!(parse_timestamp("1970-01-02 00:00:01 UTC"), Some(86_401));
/// assert_eq!(parse_timestamp("1/2/24, 12:00 AM"), parse_timestamp("2024-01-02"));
/// assert_eq!(parse_timestamp("yesterday"), None);
/// ```
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let s = text.trim();
    if s.is_empty() || s.len() > 40 || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let mut numbers = [0i64; 6];
    let mut count = 0;
    let mut digits = 0;
    let mut first_separator = None;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            if digits == 0 {
                if count == 6 {
                    break;
                }
                count += 1;
            }
            digits += 1;
            if digits > 4 {
                return None;
            }
            numbers[count - 1] = numbers[count - 1] * 10 + i64::from(b - b'0');
        } else {
            if count == 1 && first_separator.is_none() {
                first_separator = Some(b);
            }
            digits = 0;
        }
    }
    let upper = s.to_ascii_uppercase();
    let pm = upper.contains("PM");
    let am = upper.contains("AM");
    let (year, month, day) = match first_separator {
        Some(b'-') if count >= 3 => (numbers[0], numbers[1], numbers[2]),
        Some(b'/') if count >= 3 => {
            let y = numbers[2];
            (if y < 100 { 2000 + y } else { y }, numbers[0], numbers[1])
        }
        _ => return None,
    };
    let (mut hour, minute, second) = (numbers[3], numbers[4], numbers[5]);
    if count == 4 {
        return None;
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || !(1000..=9999).contains(&year)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn dates_in_the_layouts_exports_use() {
        let t = parse_timestamp("2024-03-18 09:12:44 UTC").unwrap();
        assert_eq!(t, 1_710_753_164);
        assert_eq!(parse_timestamp("2024-03-18T09:12:44Z"), Some(t));
        assert_eq!(parse_timestamp("3/18/24, 9:12:44 AM"), Some(t));
        assert_eq!(parse_timestamp("03/18/2024 09:12:44"), Some(t));
        assert_eq!(
            parse_timestamp("3/18/24, 9:12 PM"),
            Some(t - 44 + 12 * 3600)
        );
        assert_eq!(
            parse_timestamp("2024-03-18"),
            Some(t - 9 * 3600 - 12 * 60 - 44)
        );
        for bad in [
            "",
            "2024",
            "2024-13-01",
            "12345-01-01",
            "x2024-01-01",
            "9:12",
            "2024-03-18 9",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn columns_by_name_in_any_case_and_order() {
        let data = "content,Date,From,Conversation Id,Attachments\n\
                    \"<p>Hello &amp; welcome</p>\",2024-01-01 10:00:00 UTC,RenÃ©e,c1,\n";
        let m: Vec<Message> = MessageReader::from_reader(data.as_bytes())
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(m[0].content, "Hello & welcome");
        assert_eq!(m[0].markup, Markup::Inline);
        assert_eq!(m[0].from, "Renée");
        assert_eq!((m[0].to.as_str(), m[0].subject.as_str()), ("", ""));
        let e = MessageReader::from_reader("FROM,TO,CONTENT\n".as_bytes()).unwrap_err();
        match e.kind() {
            ErrorKind::MissingColumns { missing, .. } => {
                assert_eq!(missing, &["CONVERSATION ID", "DATE"])
            }
            other => panic!("{other:?}"),
        }
    }
}
