//! The records of an export's CSV file, one at a time, with damaged records reported instead of
//! guessed at.
//!
//! Fields follow RFC 4180 (as the csv crate reads them): `,` separates fields, a field that starts
//! with `"` is quoted, `""` inside it is a quote, line breaks inside quotes belong to the field,
//! and CRLF or LF ends a record. Blank lines are skipped. A UTF-8 byte-order mark is dropped.
//!
//! Two kinds of damage are reported with the record's line numbers, and reading goes on after
//! them:
//! - a record whose number of fields differs from the header's;
//! - a quote that never closes: the record is cut at the end of its last line before a line
//!   that, read on its own, looks like the start of a record (the header's number of fields and
//!   a well-formed value in a column the format always fills, such as a date), or at the end of
//!   the file. Without this check a stray quote silently swallows the following rows.
//!
//! Invalid UTF-8 in a record is damage too. Only I/O errors stop the reading.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};

/// What is wrong with a [`DamagedRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "problem")]
pub enum Damage {
    /// The record has another number of fields than the header.
    FieldCount {
        /// The header's number of fields.
        expected: usize,
        /// The record's.
        found: usize,
    },
    /// A quoted field never closes before the next line that starts a record (or the end of the
    /// file).
    UnclosedQuote,
    /// The record is not valid UTF-8.
    InvalidUtf8,
}

/// A record of an export file that could not be read as a row: where it is, what is wrong, and
/// its fields as far as they could be read (invalid UTF-8 replaced by `�`), so that nothing of
/// the input is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DamagedRecord {
    /// The 1-based line the record starts on.
    pub first_line: u64,
    /// The 1-based line it ends on.
    pub last_line: u64,
    /// What is wrong with it.
    #[serde(flatten)]
    pub problem: Damage,
    /// Its fields as read.
    pub fields: Vec<String>,
}

impl fmt::Display for DamagedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first_line == self.last_line {
            write!(f, "line {}: {}", self.first_line, self.problem_text())
        } else {
            write!(
                f,
                "lines {}-{}: {}",
                self.first_line,
                self.last_line,
                self.problem_text()
            )
        }
    }
}

impl DamagedRecord {
    /// The problem in words, without the lines.
    pub fn problem_text(&self) -> String {
        match self.problem {
            Damage::FieldCount { expected, found } => {
                format!(
                    "wrong number of fields: expected {expected} (as the header), found {found}"
                )
            }
            Damage::UnclosedQuote => format!(
                "a quote opened on line {} never closes before line {}, which starts a new record \
                 (or the end of the file)",
                self.first_line,
                self.last_line + 1
            ),
            Damage::InvalidUtf8 => "invalid UTF-8".to_string(),
        }
    }

    /// The error that reports this record.
    pub(crate) fn to_error(&self, path: Option<&std::path::Path>) -> Error {
        Error::new(ErrorKind::DamagedRecord {
            path: path.map(std::path::Path::to_path_buf),
            first_line: self.first_line,
            last_line: self.last_line,
            problem: self.problem_text(),
        })
    }
}

/// A row of an export file as a reader yields it: read, or damaged and reported.
#[derive(Debug, Clone, PartialEq)]
pub enum Record<T> {
    /// The row, read.
    Read(T),
    /// A record that could not be read as a row.
    Damaged(DamagedRecord),
}

/// One step of a reader's `Iterator`, from what its `read_row` returned: the row, or the error
/// (a damaged record's names the file and lines). After the end or a reading error the reader
/// is `finished` and yields nothing more; a damaged record does not end it.
pub(crate) fn iterator_item<T>(
    row: Result<Option<Record<T>>>,
    finished: &mut bool,
    path: Option<&std::path::Path>,
) -> Option<Result<T>> {
    match row {
        Ok(Some(Record::Read(item))) => Some(Ok(item)),
        Ok(Some(Record::Damaged(d))) => Some(Err(d.to_error(path))),
        Ok(None) => {
            *finished = true;
            None
        }
        Err(e) => {
            *finished = true;
            Some(Err(e))
        }
    }
}

/// A column the format always fills, and how to tell a well-formed value in it.
pub(crate) type Anchor = (usize, fn(&str) -> bool);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// The fields of one record: their bytes back to back and where each ends.
#[derive(Debug, Default)]
struct Fields {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Fields {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    fn end_field(&mut self) {
        self.ends.push(self.bytes.len());
    }

    fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// Parses one line (without its line end), continuing from `state`; returns the state at
    /// the end of the line. A record that ends here still needs [`Fields::end_field`].
    fn parse(&mut self, line: &[u8], mut state: State) -> State {
        let mut i = 0;
        while i < line.len() {
            match state {
                State::Quoted => {
                    // Copy up to the next quote in one go.
                    match line[i..].iter().position(|&b| b == b'"') {
                        Some(p) => {
                            self.bytes.extend_from_slice(&line[i..i + p]);
                            i += p + 1;
                            state = State::QuoteInQuoted;
                        }
                        None => {
                            self.bytes.extend_from_slice(&line[i..]);
                            i = line.len();
                        }
                    }
                    continue;
                }
                State::Unquoted => {
                    match line[i..].iter().position(|&b| b == b',') {
                        Some(p) => {
                            self.bytes.extend_from_slice(&line[i..i + p]);
                            self.end_field();
                            i += p + 1;
                            state = State::FieldStart;
                        }
                        None => {
                            self.bytes.extend_from_slice(&line[i..]);
                            i = line.len();
                        }
                    }
                    continue;
                }
                State::FieldStart => match line[i] {
                    b'"' => state = State::Quoted,
                    b',' => self.end_field(),
                    b => {
                        self.bytes.push(b);
                        state = State::Unquoted;
                    }
                },
                State::QuoteInQuoted => match line[i] {
                    b'"' => {
                        self.bytes.push(b'"');
                        state = State::Quoted;
                    }
                    b',' => {
                        self.end_field();
                        state = State::FieldStart;
                    }
                    // Text after a closing quote joins the field, as the csv crate reads it.
                    b => {
                        self.bytes.push(b);
                        state = State::Unquoted;
                    }
                },
            }
            i += 1;
        }
        state
    }

    fn to_strings(&self) -> Vec<String> {
        (0..self.ends.len())
            .map(|i| String::from_utf8_lossy(self.field(i)).into_owned())
            .collect()
    }
}

/// One record read whole: its fields (valid UTF-8) and its lines.
#[derive(Debug)]
pub(crate) struct RecordView<'a> {
    text: &'a str,
    ends: &'a [usize],
    pub(crate) first_line: u64,
}

impl<'a> RecordView<'a> {
    /// Field `i`, or `""` when the record has no such field.
    pub(crate) fn get(&self, i: usize) -> &'a str {
        if i >= self.ends.len() {
            return "";
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        // Field boundaries sit where ASCII delimiters and quotes were removed: char boundaries.
        self.text.get(start..self.ends[i]).unwrap_or("")
    }

    /// Every field, owned.
    pub(crate) fn to_strings(&self) -> Vec<String> {
        (0..self.ends.len())
            .map(|i| self.get(i).to_string())
            .collect()
    }
}

/// What [`RecordScanner::next_record`] found.
#[derive(Debug)]
pub(crate) enum Scanned<'a> {
    Record(RecordView<'a>),
    Damaged(DamagedRecord),
}

/// Splits an export file into records, line by line.
#[derive(Debug)]
pub(crate) struct RecordScanner<R> {
    input: BufReader<R>,
    /// Lines read so far.
    lines_read: u64,
    /// A line read ahead (it starts the next record) and its number.
    pending: Option<(Vec<u8>, u64)>,
    line: Vec<u8>,
    fields: Fields,
    probe: Fields,
    /// The header's number of fields (0 before the header is read).
    expected: usize,
    anchors: Vec<Anchor>,
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// The line without its `\n` or `\r\n`, and whether it ended with `\r\n`.
fn strip_line_end(line: &[u8]) -> (&[u8], bool) {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    match line.strip_suffix(b"\r") {
        Some(l) => (l, true),
        None => (line, false),
    }
}

impl<R: Read> RecordScanner<R> {
    pub(crate) fn new(reader: R) -> RecordScanner<R> {
        RecordScanner {
            input: BufReader::with_capacity(64 * 1024, reader),
            lines_read: 0,
            pending: None,
            line: Vec::new(),
            fields: Fields::default(),
            probe: Fields::default(),
            expected: 0,
            anchors: Vec::new(),
        }
    }

    /// Reads the header (the first non-blank record) and returns its names (trimmed, without a
    /// byte-order mark), or `None` for an empty file. From then on every record must have as many
    /// fields.
    pub(crate) fn read_header(&mut self) -> Result<Option<Vec<String>>> {
        let header = match self.next_record()? {
            None => return Ok(None),
            Some(Scanned::Record(r)) => r.to_strings(),
            Some(Scanned::Damaged(d)) => {
                return Err(Error::new(ErrorKind::Csv {
                    path: None,
                    line: Some(d.first_line),
                    message: format!("unreadable header: {}", d.problem_text()),
                }))
            }
        };
        self.expected = header.len();
        Ok(Some(
            header
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                .collect(),
        ))
    }

    /// Columns the format always fills, used to tell where records start (see the module docs).
    pub(crate) fn set_anchors(&mut self, anchors: Vec<Anchor>) {
        self.anchors = anchors;
    }

    /// The next line and its number.
    fn take_line(&mut self) -> Result<Option<(Vec<u8>, u64)>> {
        if let Some(p) = self.pending.take() {
            return Ok(Some(p));
        }
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        if self.input.read_until(b'\n', &mut line).map_err(Error::io)? == 0 {
            self.line = line;
            return Ok(None);
        }
        self.lines_read += 1;
        if self.lines_read == 1 {
            if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
                line = rest.to_vec();
            }
        }
        Ok(Some((line, self.lines_read)))
    }

    /// Whether `line`, read on its own, looks like the start of a record.
    fn starts_record(&mut self, line: &[u8]) -> bool {
        if self.anchors.is_empty() || self.expected == 0 {
            return false;
        }
        let (content, _) = strip_line_end(line);
        self.probe.clear();
        let state = self.probe.parse(content, State::FieldStart);
        if state == State::Quoted {
            // A record whose last field goes on to the next line: its complete fields must fit.
            if self.probe.ends.len() >= self.expected {
                return false;
            }
        } else {
            self.probe.end_field();
            if self.probe.ends.len() != self.expected {
                return false;
            }
        }
        let complete = self.probe.ends.len();
        self.anchors.iter().any(|&(column, well_formed)| {
            column < complete
                && std::str::from_utf8(self.probe.field(column)).is_ok_and(well_formed)
        })
    }

    /// The next record, or `None` at the end of the file.
    pub(crate) fn next_record(&mut self) -> Result<Option<Scanned<'_>>> {
        let (mut line, first_line) = loop {
            match self.take_line()? {
                None => return Ok(None),
                Some((line, _)) if is_blank(&line) => self.line = line,
                Some(found) => break found,
            }
        };
        self.fields.clear();
        let mut last_line = first_line;
        let mut state = State::FieldStart;
        loop {
            let (content, crlf) = strip_line_end(&line);
            state = self.fields.parse(content, state);
            if state != State::Quoted {
                self.fields.end_field();
                self.line = line;
                break;
            }
            // The line ends inside a quoted field: the field goes on, unless the quote is
            // unclosed and the next line starts a record.
            let line_end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            self.line = line;
            match self.take_line()? {
                None => {
                    return Ok(Some(self.damaged(
                        Damage::UnclosedQuote,
                        first_line,
                        last_line,
                    )))
                }
                Some((next, n)) => {
                    if self.starts_record(&next) {
                        self.pending = Some((next, n));
                        return Ok(Some(self.damaged(
                            Damage::UnclosedQuote,
                            first_line,
                            last_line,
                        )));
                    }
                    self.fields.bytes.extend_from_slice(line_end);
                    line = next;
                    last_line = n;
                }
            }
        }
        let found = self.fields.ends.len();
        if self.expected > 0 && found != self.expected {
            let expected = self.expected;
            return Ok(Some(self.damaged(
                Damage::FieldCount { expected, found },
                first_line,
                last_line,
            )));
        }
        if std::str::from_utf8(&self.fields.bytes).is_err() {
            return Ok(Some(self.damaged(
                Damage::InvalidUtf8,
                first_line,
                last_line,
            )));
        }
        Ok(Some(Scanned::Record(RecordView {
            text: std::str::from_utf8(&self.fields.bytes).unwrap_or(""),
            ends: &self.fields.ends,
            first_line,
        })))
    }

    fn damaged(&mut self, problem: Damage, first_line: u64, last_line: u64) -> Scanned<'static> {
        if problem == Damage::UnclosedQuote {
            // Close the open field so that its text is kept.
            self.fields.end_field();
        }
        Scanned::Damaged(DamagedRecord {
            first_line,
            last_line,
            problem,
            fields: self.fields.to_strings(),
        })
    }
}

/// The positions of the `required` and `optional` columns in a header, matched without regard
/// to case or surrounding spaces; an error names every missing required column.
pub(crate) fn find_columns<const N: usize, const M: usize>(
    header: &[String],
    required: [&str; N],
    optional: [&str; M],
) -> Result<([usize; N], [Option<usize>; M])> {
    let position = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let found = required.map(position);
    let missing: Vec<String> = required
        .iter()
        .zip(&found)
        .filter(|(_, p)| p.is_none())
        .map(|(n, _)| n.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::new(ErrorKind::MissingColumns {
            path: None,
            missing,
            found: header.to_vec(),
        }));
    }
    Ok((found.map(|p| p.unwrap_or(0)), optional.map(position)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_like(s: &str) -> bool {
        s.len() == 10 && s.as_bytes()[4] == b'-'
    }

    type Scan = std::result::Result<(Vec<String>, u64), DamagedRecord>;

    /// Every record as fields and first line (or the damage), after the header.
    fn scan(data: &str) -> Vec<Scan> {
        let mut s = RecordScanner::new(data.as_bytes());
        s.read_header().unwrap().unwrap();
        s.set_anchors(vec![(1, date_like)]);
        let mut out = Vec::new();
        while let Some(r) = s.next_record().unwrap() {
            out.push(match r {
                Scanned::Record(r) => Ok((r.to_strings(), r.first_line)),
                Scanned::Damaged(d) => Err(d),
            });
        }
        out
    }

    fn ok(fields: &[&str], first: u64) -> Scan {
        Ok((fields.iter().map(|s| s.to_string()).collect(), first))
    }

    #[test]
    fn reads_rfc_4180_like_the_csv_crate() {
        let data = "\u{feff}id,date,text\r\n1,2024-01-02,\"a, \"\"b\"\"\r\nc\"\r\n\r\n2,2024-01-03,x\"y\n3,2024-01-04,\"q\"r\n";
        assert_eq!(
            scan(data),
            vec![
                ok(&["1", "2024-01-02", "a, \"b\"\r\nc"], 2),
                ok(&["2", "2024-01-03", "x\"y"], 5),
                ok(&["3", "2024-01-04", "qr"], 6),
            ]
        );
        // Agrees with the csv crate on the same input.
        let mut r = csv::Reader::from_reader(data.as_bytes());
        let theirs: Vec<Vec<String>> = r
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let ours: Vec<Vec<String>> = scan(data).into_iter().map(|r| r.unwrap().0).collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn reports_wrong_field_counts_and_goes_on() {
        let out = scan(
            "id,date,text\n1,2024-01-02,a\n2,2024-01-03\n3,2024-01-04,b,extra\n4,2024-01-05,c\n",
        );
        assert_eq!(out[0], ok(&["1", "2024-01-02", "a"], 2));
        let d = out[1].clone().unwrap_err();
        assert_eq!(
            (d.first_line, d.problem.clone()),
            (
                3,
                Damage::FieldCount {
                    expected: 3,
                    found: 2
                }
            )
        );
        let d = out[2].clone().unwrap_err();
        assert_eq!(
            d.problem,
            Damage::FieldCount {
                expected: 3,
                found: 4
            }
        );
        assert_eq!(d.fields, ["3", "2024-01-04", "b", "extra"]);
        assert_eq!(out[3], ok(&["4", "2024-01-05", "c"], 5));
    }

    #[test]
    fn an_unclosed_quote_stops_at_the_next_record() {
        let data = "id,date,text\n1,2024-01-02,\"never closed\nsecond line, of it\n2,2024-01-03,fine\n3,2024-01-04,\"ok\nmulti\"\n";
        let out = scan(data);
        let d = out[0].clone().unwrap_err();
        assert_eq!(
            (d.first_line, d.last_line, d.problem.clone()),
            (2, 3, Damage::UnclosedQuote)
        );
        assert_eq!(d.fields[2], "never closed\nsecond line, of it");
        assert!(d.to_string().contains("lines 2-3"), "{d}");
        assert_eq!(out[1], ok(&["2", "2024-01-03", "fine"], 4));
        assert_eq!(out[2], ok(&["3", "2024-01-04", "ok\nmulti"], 5));
        // The next record may itself open a multi-line field.
        let out = scan("id,date,text\n1,2024-01-02,\"never closed\n2,2024-01-03,\"multi\nline\"\n");
        assert_eq!(out[0].clone().unwrap_err().last_line, 2);
        assert_eq!(out[1], ok(&["2", "2024-01-03", "multi\nline"], 3));
        // At the end of the file.
        let out = scan("id,date,text\n1,2024-01-02,\"never closed\nmore\n");
        let d = out[0].clone().unwrap_err();
        assert_eq!((d.first_line, d.last_line), (2, 3));
    }

    #[test]
    fn invalid_utf8_is_damage() {
        let mut s = RecordScanner::new(&b"a,b\nok,\xff\xfe\nfine,row\n"[..]);
        s.read_header().unwrap();
        match s.next_record().unwrap().unwrap() {
            Scanned::Damaged(d) => {
                assert_eq!(d.problem, Damage::InvalidUtf8);
                assert_eq!(d.fields, ["ok", "\u{fffd}\u{fffd}"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(s.next_record().unwrap(), Some(Scanned::Record(_))));
        assert!(s.next_record().unwrap().is_none());
    }
}
