//! Labelled examples, and reading them from CSV or TSV files; seeded, stratified folds.
//!
//! ```
//! use nopitch::{CsvOptions, ExampleReader};
//! let data = "text,label\n\"Great working with you, Sam!\",known-contact\nSave 15% today,sales\n";
//! let examples: Vec<_> = ExampleReader::from_reader(data.as_bytes(), &CsvOptions::csv())?
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(examples[1].label(), "sales");
//! assert_eq!(examples[1].line(), Some(3));
//! # Ok::<(), nopitch::Error>(())
//! ```

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// One labelled note: the text and its label, the line it came from when read from a file, and
/// optionally the group (voice, author, source) it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    text: String,
    label: String,
    line: Option<u64>,
    group: Option<String>,
}

impl Example {
    /// A labelled example.
    pub fn new(text: impl Into<String>, label: impl Into<String>) -> Example {
        Example {
            text: text.into(),
            label: label.into(),
            line: None,
            group: None,
        }
    }

    /// The note.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The 1-based line of the file the example started on, if it was read from one.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The same example, remembering the line it came from (for error messages).
    pub fn with_line(mut self, line: u64) -> Example {
        self.line = Some(line);
        self
    }

    /// The group the example belongs to, if any: who wrote it or where it came from.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// The same example in a group: the writer, voice or source it came from. When every
    /// training example has a group (and there are at least two groups), the
    /// [`Trainer`](crate::Trainer) fits its calibration on leave-one-group-out scores instead of
    /// random folds, so confidence reflects how the model does on text from a source it has not
    /// seen rather than on more of the same.
    pub fn with_group(mut self, group: impl Into<String>) -> Example {
        self.group = Some(group.into());
        self
    }
}

/// How to read labelled examples from delimited text.
///
/// | Option | CSV default | TSV default |
/// |---|---|---|
/// | `delimiter` | `,` | tab |
/// | `quoting` | on (RFC 4180) | off: `"` is an ordinary character |
/// | `text_column` | `text` | `text` |
/// | `label_column` | `label` | `label` |
/// | `group_column` | none | none |
/// | `allow_empty_text` | `false` | `false` |
///
/// The first row is always a header; columns are found by name, so extra columns and any
/// column order are fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    delimiter: u8,
    quoting: bool,
    text_column: String,
    label_column: String,
    group_column: Option<String>,
    allow_empty_text: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions::csv()
    }
}

impl CsvOptions {
    /// Comma-separated, RFC 4180 quoting, columns `text` and `label`.
    pub fn csv() -> CsvOptions {
        CsvOptions {
            delimiter: b',',
            quoting: true,
            text_column: "text".into(),
            label_column: "label".into(),
            group_column: None,
            allow_empty_text: false,
        }
    }

    /// Tab-separated with quoting off (as the SMS Spam Collection is), columns `text` and `label`.
    pub fn tsv() -> CsvOptions {
        CsvOptions {
            delimiter: b'\t',
            quoting: false,
            ..CsvOptions::csv()
        }
    }

    /// [`CsvOptions::tsv`] for paths ending in `.tsv` or `.tab`, else [`CsvOptions::csv`].
    pub fn for_path(path: impl AsRef<Path>) -> CsvOptions {
        match path.as_ref().extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab") => {
                CsvOptions::tsv()
            }
            _ => CsvOptions::csv(),
        }
    }

    /// The field delimiter.
    pub fn delimiter(mut self, delimiter: u8) -> CsvOptions {
        self.delimiter = delimiter;
        self
    }

    /// Whether `"` quotes fields (RFC 4180) or is an ordinary character.
    pub fn quoting(mut self, quoting: bool) -> CsvOptions {
        self.quoting = quoting;
        self
    }

    /// The name of the column holding the note.
    pub fn text_column(mut self, name: impl Into<String>) -> CsvOptions {
        self.text_column = name.into();
        self
    }

    /// The name of the column holding the label.
    pub fn label_column(mut self, name: impl Into<String>) -> CsvOptions {
        self.label_column = name.into();
        self
    }

    /// The name of a column holding each example's group (see [`Example::with_group`]); none by
    /// default. When set, the column must exist.
    pub fn group_column(mut self, name: impl Into<String>) -> CsvOptions {
        self.group_column = Some(name.into());
        self
    }

    /// Whether rows with an empty text are kept (default: refused with their line).
    pub fn allow_empty_text(mut self, allow: bool) -> CsvOptions {
        self.allow_empty_text = allow;
        self
    }
}

/// Reads [`Example`]s one row at a time from CSV or TSV, so a file of any size can be streamed
/// into [`Trainer::fit_iter`](crate::Trainer::fit_iter).
///
/// Each item is an example or an error naming the file and the 1-based line: wrong number of
/// fields, invalid UTF-8, empty label, empty text (unless allowed). After an error the reader
/// stops.
#[derive(Debug)]
pub struct ExampleReader<R> {
    reader: csv::Reader<LineCounted<R>>,
    path: Option<PathBuf>,
    text_index: usize,
    label_index: usize,
    group_index: Option<usize>,
    allow_empty_text: bool,
    record: csv::StringRecord,
    finished: bool,
}

impl ExampleReader<File> {
    /// Opens `path` and reads its header.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] if the file cannot be opened; otherwise as [`ExampleReader::from_reader`].
    pub fn from_path(path: impl AsRef<Path>, options: &CsvOptions) -> Result<ExampleReader<File>> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
        let mut reader =
            ExampleReader::from_reader(file, options).map_err(|e| e.with_path(path))?;
        reader.path = Some(path.to_path_buf());
        Ok(reader)
    }
}

impl<R: Read> ExampleReader<R> {
    /// Reads the header from `reader`.
    ///
    /// # Errors
    /// [`ErrorKind::Csv`] if the header cannot be read (e.g. invalid UTF-8),
    /// [`ErrorKind::EmptyTrainingSet`] if there is no header at all, and
    /// [`ErrorKind::MissingColumns`] if the text or label column is not in it.
    pub fn from_reader(reader: R, options: &CsvOptions) -> Result<ExampleReader<R>> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(options.delimiter)
            .quoting(options.quoting)
            .has_headers(true)
            .flexible(false)
            .from_reader(LineCounted::new(reader));
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(e, reader.get_ref(), None)),
        };
        if headers.is_empty() {
            return Err(Error::new(ErrorKind::EmptyTrainingSet { path: None }));
        }
        let [text_index, label_index] =
            find_columns(&headers, [&options.text_column, &options.label_column])?;
        let group_index = match &options.group_column {
            Some(name) => Some(find_columns(&headers, [name.as_str()])?[0]),
            None => None,
        };
        Ok(ExampleReader {
            reader,
            path: None,
            text_index,
            label_index,
            group_index,
            allow_empty_text: options.allow_empty_text,
            record: csv::StringRecord::new(),
            finished: false,
        })
    }

    fn next_example(&mut self) -> Result<Option<Example>> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => return Err(csv_error(e, self.reader.get_ref(), self.path.as_deref())),
        }
        let line = self
            .record
            .position()
            .map(|p| self.reader.get_ref().line_of(p.byte()));
        let (Some(text), Some(label)) = (
            self.record.get(self.text_index),
            self.record.get(self.label_index),
        ) else {
            return Err(Error::new(ErrorKind::Csv {
                path: self.path.clone(),
                line,
                message: format!(
                    "expected at least {} fields, found {}",
                    self.text_index.max(self.label_index) + 1,
                    self.record.len()
                ),
            }));
        };
        let label = label.trim();
        if label.is_empty() {
            return Err(Error::new(ErrorKind::EmptyLabel {
                path: self.path.clone(),
                line,
            }));
        }
        if !self.allow_empty_text && text.trim().is_empty() {
            return Err(Error::new(ErrorKind::EmptyText {
                path: self.path.clone(),
                line,
            }));
        }
        let mut example = Example::new(text, label);
        example.line = line;
        if let Some(g) = self.group_index {
            example.group = self
                .record
                .get(g)
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_string);
        }
        Ok(Some(example))
    }
}

impl<R: Read> Iterator for ExampleReader<R> {
    type Item = Result<Example>;

    fn next(&mut self) -> Option<Result<Example>> {
        if self.finished {
            return None;
        }
        match self.next_example() {
            Ok(Some(example)) => Some(Ok(example)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e) => {
                self.finished = true;
                Some(Err(e))
            }
        }
    }
}

/// The positions of the named columns in a header (a UTF-8 byte-order mark and surrounding
/// spaces are ignored), or an error naming every missing column.
pub(crate) fn find_columns<const N: usize>(
    headers: &csv::StringRecord,
    names: [&str; N],
) -> Result<[usize; N]> {
    let clean = |h: &str| h.trim_start_matches('\u{feff}').trim().to_string();
    let found: Vec<String> = headers.iter().map(clean).collect();
    let positions = names.map(|name| found.iter().position(|h| h == name));
    let missing: Vec<String> = names
        .iter()
        .zip(&positions)
        .filter(|(_, p)| p.is_none())
        .map(|(n, _)| n.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::new(ErrorKind::MissingColumns {
            path: None,
            missing,
            found,
        }));
    }
    Ok(positions.map(|p| p.unwrap_or(0)))
}

/// Reads every example of a file, refusing a file with no rows or fewer than two labels.
///
/// # Errors
/// As [`ExampleReader`], plus [`ErrorKind::EmptyTrainingSet`] for no rows and
/// [`ErrorKind::SingleClass`] for a single label.
pub fn read_examples(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Vec<Example>> {
    let path = path.as_ref();
    let examples = ExampleReader::from_path(path, options)?.collect::<Result<Vec<_>>>()?;
    check_labels(&examples).map_err(|e| e.with_path(path))?;
    Ok(examples)
}

/// Refuses an empty set of examples or one with a single label.
pub(crate) fn check_labels(examples: &[Example]) -> Result<()> {
    let Some(first) = examples.first() else {
        return Err(Error::new(ErrorKind::EmptyTrainingSet { path: None }));
    };
    if examples.iter().all(|e| e.label == first.label) {
        return Err(Error::new(ErrorKind::SingleClass {
            label: first.label.clone(),
        }));
    }
    Ok(())
}

pub(crate) fn csv_error<R>(e: csv::Error, counted: &LineCounted<R>, path: Option<&Path>) -> Error {
    let line = e.position().map(|p| counted.line_of(p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("wrong number of fields: expected {expected_len}, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        csv::ErrorKind::Io(io) => format!("i/o error: {io}"),
        _ => e.to_string(),
    };
    Error::new(ErrorKind::Csv {
        path: path.map(Path::to_path_buf),
        line,
        message,
    })
}

/// A reader that notes where its lines start, so that records can be given the right line.
///
/// The csv crate (1.4) miscounts lines in files with CRLF line ends (it reports the header's
/// line for the first record), puts a record's byte position on the `\n` of the CRLF before it,
/// and puts it before any blank lines that precede the record. So this reader remembers where
/// every non-blank line starts: a record is on the first non-blank line starting after csv's
/// position. Only the lines csv has read ahead but not yet reached are kept, so memory stays
/// bounded by its buffer.
#[derive(Debug)]
pub(crate) struct LineCounted<R> {
    inner: R,
    consumed: u64,
    /// (start offset, 1-based line number) of complete non-blank lines not yet passed.
    lines: std::cell::RefCell<std::collections::VecDeque<(u64, u64)>>,
    /// The line being read: its number, where it starts, and whether it has any content yet.
    line: u64,
    line_start: u64,
    line_has_content: bool,
}

impl<R> LineCounted<R> {
    pub(crate) fn new(inner: R) -> LineCounted<R> {
        LineCounted {
            inner,
            consumed: 0,
            lines: Default::default(),
            line: 1,
            line_start: 0,
            line_has_content: false,
        }
    }

    /// The 1-based line of the record csv places at byte `offset`. Offsets must be asked for in
    /// increasing order, as records are read.
    pub(crate) fn line_of(&self, offset: u64) -> u64 {
        let mut lines = self.lines.borrow_mut();
        while lines.front().is_some_and(|&(start, _)| start < offset) {
            lines.pop_front();
        }
        match lines.front() {
            Some(&(_, line)) => line,
            // The record is on the line still being read.
            None => self.line,
        }
    }
}

impl<R: Read> Read for LineCounted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.lines.borrow_mut();
        for (i, &b) in buf[..n].iter().enumerate() {
            match b {
                b'\n' => {
                    if self.line_has_content {
                        lines.push_back((self.line_start, self.line));
                    }
                    self.line += 1;
                    self.line_start = self.consumed + i as u64 + 1;
                    self.line_has_content = false;
                }
                b'\r' => {}
                _ => self.line_has_content = true,
            }
        }
        self.consumed += n as u64;
        Ok(n)
    }
}

/// A small, fast, seeded pseudo-random generator (SplitMix64). Folds and samples must not
/// change when a dependency updates its generator, so nopitch carries its own.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift; the bias is negligible for the sizes used here.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// Assigns each item to one of `k` folds so that every label is spread evenly over the folds:
/// items are shuffled with `seed`, grouped by label, and dealt out round-robin.
///
/// Returns the fold of each item (`0..k`). Deterministic for a given seed.
pub fn stratified_folds<L: Ord>(labels: &[L], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut order: Vec<usize> = (0..labels.len()).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    // Stable sort by label keeps the shuffled order within each label.
    order.sort_by(|&a, &b| labels[a].cmp(&labels[b]));
    let mut folds = vec![0; labels.len()];
    for (i, &item) in order.iter().enumerate() {
        folds[item] = i % k;
    }
    folds
}

/// Splits examples into a training and a test set, holding out `test_share` (0 to 1) of each
/// label, chosen at random with `seed`. Example order is kept within each set.
pub fn stratified_split(
    examples: &[Example],
    test_share: f64,
    seed: u64,
) -> (Vec<Example>, Vec<Example>) {
    let share = test_share.clamp(0.0, 1.0);
    let mut by_label: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, e) in examples.iter().enumerate() {
        by_label.entry(e.label()).or_default().push(i);
    }
    let mut rng = SplitMix64::new(seed);
    let mut is_test = vec![false; examples.len()];
    for indexes in by_label.values_mut() {
        rng.shuffle(indexes);
        let n_test = (share * indexes.len() as f64).round() as usize;
        for &i in &indexes[..n_test] {
            is_test[i] = true;
        }
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (e, t) in examples.iter().zip(is_test) {
        if t {
            test.push(e.clone());
        } else {
            train.push(e.clone());
        }
    }
    (train, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &str, options: &CsvOptions) -> Result<Vec<Example>> {
        ExampleReader::from_reader(data.as_bytes(), options)?.collect()
    }

    fn kind_and_line(r: Result<Vec<Example>>) -> (String, Option<u64>) {
        let e = r.unwrap_err();
        let line = e.line();
        (
            format!("{:?}", e.kind())
                .split([' ', '{', '('])
                .next()
                .unwrap()
                .to_string(),
            line,
        )
    }

    #[test]
    fn reads_quoted_csv_with_extra_columns_in_any_order() {
        let data =
            "id,label,text\n1,sales,\"Save 15%, now\"\n2,personal,\"Say \"\"hi\"\"\nplease\"\n";
        let ex = read(data, &CsvOptions::csv()).unwrap();
        assert_eq!(ex[0].text(), "Save 15%, now");
        assert_eq!(ex[1].text(), "Say \"hi\"\nplease");
        assert_eq!((ex[0].line(), ex[1].line()), (Some(2), Some(3)));
    }

    #[test]
    fn reads_unquoted_tsv_with_custom_columns() {
        let data = "Label\tSMS\nham\tHe said \"ok\nspam\tWIN $500 now\n";
        let options = CsvOptions::tsv().text_column("SMS").label_column("Label");
        let ex = read(data, &options).unwrap();
        assert_eq!(ex[0].text(), "He said \"ok");
        assert_eq!(ex[1].label(), "spam");
    }

    #[test]
    fn byte_order_mark_is_ignored_in_the_header() {
        let ex = read(
            "\u{feff}text,label\nhello there,personal\n",
            &CsvOptions::csv(),
        )
        .unwrap();
        assert_eq!(ex.len(), 1);
    }

    #[test]
    fn errors_name_the_line() {
        let o = CsvOptions::csv();
        assert_eq!(
            kind_and_line(read("text,label\na,sales\nb\n", &o)),
            ("Csv".into(), Some(3))
        );
        assert_eq!(
            kind_and_line(read("text,label\na,sales\nb,\n", &o)),
            ("EmptyLabel".into(), Some(3))
        );
        assert_eq!(
            kind_and_line(read("text,label\n,sales\n", &o)),
            ("EmptyText".into(), Some(2))
        );
        assert_eq!(
            kind_and_line(read("txt,label\na,sales\n", &o)),
            ("MissingColumns".into(), None)
        );
        let bad_utf8: &[u8] = b"text,label\nok,sales\n\xff\xfe,sales\n";
        let e = ExampleReader::from_reader(bad_utf8, &o)
            .unwrap()
            .collect::<Result<Vec<_>>>()
            .unwrap_err();
        assert_eq!(e.line(), Some(3));
        assert!(e.to_string().contains("invalid UTF-8"), "{e}");
    }

    #[test]
    fn lines_are_right_with_crlf_and_quoted_line_breaks() {
        let o = CsvOptions::csv();
        for data in [
            "text,label\r\n\"a\r\nb\",x\r\nc,y\r\n",
            "text,label\n\"a\r\nb\",x\r\nc,y\n",
            "text,label\n\"a\nb\",x\nc,y\n",
        ] {
            let ex = read(data, &o).unwrap();
            assert_eq!((ex[0].line(), ex[1].line()), (Some(2), Some(4)), "{data:?}");
            let bad = format!("{data}d\r\n");
            assert_eq!(
                kind_and_line(read(&bad, &o)),
                ("Csv".into(), Some(5)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn lines_are_right_after_blank_lines() {
        let o = CsvOptions::csv();
        let ex = read(
            "text,label\r\n\r\nhello,sales\r\n\r\n\r\nbye,personal\r\n",
            &o,
        )
        .unwrap();
        assert_eq!((ex[0].line(), ex[1].line()), (Some(3), Some(6)));
        let e = read("text,label\na,sales\n\n\nb\n", &o).unwrap_err();
        assert_eq!(e.line(), Some(5), "{e}");
        // The last line without a line break.
        let ex = read("text,label\na,sales\n\nb,x", &o).unwrap();
        assert_eq!(ex[1].line(), Some(4));
    }

    #[test]
    fn empty_text_allowed_when_asked() {
        let ex = read(
            "text,label\n,sales\n",
            &CsvOptions::csv().allow_empty_text(true),
        )
        .unwrap();
        assert_eq!(ex[0].text(), "");
    }

    #[test]
    fn missing_column_error_lists_the_header() {
        let e = read("words,label\na,b\n", &CsvOptions::csv()).unwrap_err();
        assert!(e.to_string().contains("missing column \"text\""), "{e}");
        assert!(e.to_string().contains("words"), "{e}");
    }

    #[test]
    fn no_rows_and_single_label_are_refused() {
        assert!(matches!(
            check_labels(&[]).unwrap_err().kind(),
            ErrorKind::EmptyTrainingSet { .. }
        ));
        let one = [Example::new("a", "x"), Example::new("b", "x")];
        assert!(matches!(
            check_labels(&one).unwrap_err().kind(),
            ErrorKind::SingleClass { .. }
        ));
    }

    #[test]
    fn split_holds_out_the_share_of_each_label() {
        let examples: Vec<Example> = (0..1000)
            .map(|i| Example::new(format!("t{i}"), if i % 10 == 0 { "rare" } else { "common" }))
            .collect();
        let (train, test) = stratified_split(&examples, 0.3, 42);
        assert_eq!((train.len(), test.len()), (700, 300));
        assert_eq!(test.iter().filter(|e| e.label() == "rare").count(), 30);
        assert_eq!(stratified_split(&examples, 0.3, 42).1, test);
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let labels: Vec<u8> = (0..100).map(|i| (i % 4 == 0) as u8).collect();
        let folds = stratified_folds(&labels, 5, 7);
        for f in 0..5 {
            let in_fold: Vec<_> = (0..100).filter(|&i| folds[i] == f).collect();
            assert_eq!(in_fold.len(), 20);
            assert_eq!(in_fold.iter().filter(|&&i| labels[i] == 1).count(), 5);
        }
        assert_eq!(folds, stratified_folds(&labels, 5, 7));
        assert_ne!(folds, stratified_folds(&labels, 5, 8));
    }
}
