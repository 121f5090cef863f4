//! The project's labelled message data: conversations with their labels, for training and for
//! scoring the conversation verdicts.
//!
//! A CSV file with the header `conversation,label,kind,sender,day,subject,text` and one row per
//! message, a conversation's rows together and in order:
//!
//! | column | meaning |
//! |---|---|
//! | `conversation` | the conversation's id (required) |
//! | `label` | `sales`, `known-contact`, `personal`, `automated`, `group` or `outreach`: the same on every row of a conversation (required) |
//! | `kind` | what the message is, free text (`inmail`, `follow-up`, `birthday`, …; optional) |
//! | `sender` | `owner` for the export's owner, otherwise the participant's name (required); a group conversation has two or more senders other than the owner |
//! | `day` | days since the conversation started: a number ≥ 0 that never decreases within a conversation (optional; empty means unknown) |
//! | `subject` | the subject line, or empty (optional) |
//! | `text` | the message as written; may be empty, may hold HTML (required) |
//!
//! Columns are found by name (without regard to case), so their order and extra columns are
//! free. Text is cleaned as the `messages.csv` reader cleans content (mojibake repaired, HTML
//! turned into text), so a model trained with [`LabelledConversation::example`] reads what the
//! verdicts read. Errors name the file, the line and the column; unlike the export readers, this
//! reader stops at the first damaged record (a data file must be right).

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::conversations::LINKEDIN_MEMBER;
use super::html::{html_to_text, Markup};
use super::messages::clean_line;
use super::mojibake::repair_mojibake;
use super::records::{find_columns, RecordScanner, Scanned};
use super::verdict::{conversation_text, ConversationCategory, ConversationJudge, Turn};
use crate::dataset::Example;
use crate::error::{Error, ErrorKind, Result};
use crate::evaluate::{Evaluation, Outcome};

/// The required columns of the labelled message layout.
pub const LABELLED_COLUMNS: [&str; 4] = ["conversation", "label", "sender", "text"];
/// Its optional columns.
pub const OPTIONAL_LABELLED_COLUMNS: [&str; 3] = ["kind", "day", "subject"];
/// The `sender` of the export's owner.
pub const OWNER_SENDER: &str = "owner";

/// One message of a labelled conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledMessage {
    /// What the message is (free text; may be empty).
    pub kind: String,
    /// [`OWNER_SENDER`] or the participant's name.
    pub sender: String,
    /// Days since the conversation started, when given.
    pub day: Option<f64>,
    /// Its subject line, or empty.
    pub subject: String,
    /// Its text, cleaned.
    pub text: String,
    /// The markup the text had.
    pub markup: Markup,
    /// The 1-based line of its row.
    pub line: u64,
}

impl LabelledMessage {
    /// Whether the export's owner wrote it.
    pub fn by_owner(&self) -> bool {
        self.sender.eq_ignore_ascii_case(OWNER_SENDER)
    }
}

/// A conversation with its label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledConversation {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: ConversationCategory,
    /// Its messages, in order.
    pub messages: Vec<LabelledMessage>,
}

impl LabelledConversation {
    /// The 1-based line of its first row.
    pub fn line(&self) -> u64 {
        self.messages.first().map_or(0, |m| m.line)
    }

    /// Its messages as the verdicts see them.
    pub fn turns(&self) -> Vec<Turn<'_>> {
        self.messages
            .iter()
            .map(|m| Turn {
                by_owner: m.by_owner(),
                sender: &m.sender,
                subject: &m.subject,
                text: &m.text,
                markup: m.markup,
                day: m.day,
            })
            .collect()
    }

    /// How many senders other than the owner it has (`LinkedIn Member` counts once).
    pub fn other_participants(&self) -> usize {
        let mut seen: Vec<String> = Vec::new();
        for m in self.messages.iter().filter(|m| !m.by_owner()) {
            let key = m.sender.trim().to_lowercase();
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen.len()
    }

    /// The text the model reads for it ([`conversation_text`]).
    pub fn text(&self) -> String {
        conversation_text(&self.turns())
    }

    /// A training example: [`LabelledConversation::text`] with the conversation's label. `None`
    /// when the text is empty (only the owner wrote, or the other party sent empty messages).
    pub fn example(&self) -> Option<Example> {
        let text = self.text();
        (!text.trim().is_empty())
            .then(|| Example::new(text, self.label.label()).with_line(self.line()))
    }
}

/// The training examples of labelled conversations ([`LabelledConversation::example`]), leaving
/// out those with an empty text. Filter by label first to train on a subset (for instance only
/// `sales`, `known-contact` and `personal`, the categories the model decides).
pub fn conversation_examples<'a>(
    conversations: impl IntoIterator<Item = &'a LabelledConversation>,
) -> Vec<Example> {
    conversations
        .into_iter()
        .filter_map(LabelledConversation::example)
        .collect()
}

/// Reads labelled conversations one at a time.
///
/// ```
/// use nopitch::linkedin::{ConversationCategory, LabelledConversationReader};
/// let data = "conversation,label,kind,sender,day,subject,text\n\
///             c1,sales,inmail,Dana Reyes,0,Quick question,We help IT teams cut cloud costs.\n\
///             c1,sales,follow-up,Dana Reyes,5,,Just bumping this!\n\
///             c2,personal,birthday,Ana Li,0,,Happy birthday!\n\
///             c2,personal,reply,owner,1,,Thank you Ana!\n";
/// let conversations: Vec<_> = LabelledConversationReader::from_reader(data.as_bytes())?
///     .collect::<Result<_, _>>()?;
/// assert_eq!(conversations[0].label, ConversationCategory::Sales);
/// assert_eq!(conversations[1].messages[1].by_owner(), true);
/// assert_eq!(conversations[0].text(), "Quick question\nWe help IT teams cut cloud costs.\nJust bumping this!");
/// # Ok::<(), nopitch::Error>(())
/// ```
#[derive(Debug)]
pub struct LabelledConversationReader<R> {
    scanner: RecordScanner<R>,
    required: [usize; 4],
    optional: [Option<usize>; 3],
    path: Option<PathBuf>,
    /// The conversation being read.
    current: Option<LabelledConversation>,
    /// The first line of every conversation seen, to refuse one that comes back.
    seen: HashMap<String, u64>,
    finished: bool,
}

impl LabelledConversationReader<File> {
    /// Opens a labelled message file and checks its header.
    ///
    /// # Errors
    /// As [`LabelledConversationReader::from_reader`], plus [`ErrorKind::Io`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<LabelledConversationReader<File>> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
        let mut reader =
            LabelledConversationReader::from_reader(file).map_err(|e| e.with_path(path))?;
        reader.path = Some(path.to_path_buf());
        Ok(reader)
    }
}

fn is_label(s: &str) -> bool {
    ConversationCategory::from_label(s.trim()).is_some()
}

impl<R: Read> LabelledConversationReader<R> {
    /// Reads and checks the header.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumns`] naming every required column the file lacks, or
    /// [`ErrorKind::Csv`] if the header is unreadable.
    pub fn from_reader(reader: R) -> Result<LabelledConversationReader<R>> {
        let mut scanner = RecordScanner::new(reader);
        let headers = scanner.read_header()?.unwrap_or_default();
        let (required, optional) =
            find_columns(&headers, LABELLED_COLUMNS, OPTIONAL_LABELLED_COLUMNS)?;
        scanner.set_anchors(vec![(required[1], is_label)]);
        Ok(LabelledConversationReader {
            scanner,
            required,
            optional,
            path: None,
            current: None,
            seen: HashMap::new(),
            finished: false,
        })
    }

    fn invalid(&self, line: u64, column: &str, reason: String) -> Error {
        Error::new(ErrorKind::InvalidValue {
            path: self.path.clone(),
            line: Some(line),
            column: column.to_string(),
            reason,
        })
    }

    /// Reads the next row: `(conversation id, label, message)`, or `None` at the end.
    fn next_row(&mut self) -> Result<Option<(String, ConversationCategory, LabelledMessage)>> {
        let [conv, label, sender, text] = self.required;
        let [kind, day, subject] = self.optional;
        let path = self.path.clone();
        let row = match self.scanner.next_record() {
            Err(e) => {
                return Err(match &path {
                    Some(p) => e.with_path(p),
                    None => e,
                })
            }
            Ok(None) => return Ok(None),
            Ok(Some(Scanned::Damaged(d))) => {
                return Err(Error::new(ErrorKind::Csv {
                    path,
                    line: Some(d.first_line),
                    message: d.problem_text(),
                }))
            }
            Ok(Some(Scanned::Record(r))) => {
                let line = r.first_line;
                let get = |i: Option<usize>| i.map_or("", |i| r.get(i));
                (
                    line,
                    r.get(conv).trim().to_string(),
                    r.get(label).trim().to_string(),
                    r.get(sender).trim().to_string(),
                    get(day).trim().to_string(),
                    get(kind).trim().to_string(),
                    clean_line(get(subject)),
                    {
                        let repaired = repair_mojibake(r.get(text));
                        let (t, m) = html_to_text(&repaired);
                        (t.into_owned(), m)
                    },
                )
            }
        };
        let (line, id, label_text, sender, day_text, kind, subject, (text, markup)) = row;
        if id.is_empty() {
            return Err(self.invalid(line, "conversation", "empty conversation id".into()));
        }
        if label_text.is_empty() {
            return Err(Error::new(ErrorKind::EmptyLabel {
                path: self.path.clone(),
                line: Some(line),
            }));
        }
        let Some(category) = ConversationCategory::from_label(&label_text) else {
            return Err(Error::new(ErrorKind::UnknownLabel {
                label: label_text,
                known: ConversationCategory::ALL
                    .iter()
                    .map(|c| c.label().to_string())
                    .collect(),
                line: Some(line),
            }));
        };
        if sender.is_empty() {
            return Err(self.invalid(
                line,
                "sender",
                format!("empty sender (use \"{OWNER_SENDER}\" or the participant's name, e.g. \"{LINKEDIN_MEMBER}\")"),
            ));
        }
        let day = if day_text.is_empty() {
            None
        } else {
            match day_text.parse::<f64>() {
                Ok(d) if d.is_finite() && d >= 0.0 => Some(d),
                _ => {
                    return Err(self.invalid(
                        line,
                        "day",
                        format!("{day_text:?} is not a number of days ≥ 0"),
                    ))
                }
            }
        };
        Ok(Some((
            id,
            category,
            LabelledMessage {
                kind,
                sender,
                day,
                subject,
                text,
                markup,
                line,
            },
        )))
    }

    fn next_conversation(&mut self) -> Result<Option<LabelledConversation>> {
        loop {
            let Some((id, label, message)) = self.next_row()? else {
                return Ok(self.current.take());
            };
            if let Some(c) = &self.current {
                if c.id == id {
                    if c.label != label {
                        let reason = format!(
                            "conversation {id:?} is labelled {} on line {} but {} here",
                            c.label,
                            c.line(),
                            label
                        );
                        return Err(self.invalid(message.line, "label", reason));
                    }
                    let previous = c.messages.last().and_then(|m| m.day);
                    if let (Some(before), Some(now)) = (previous, message.day) {
                        if now < before {
                            let reason = format!(
                                "day {now} comes after day {before}: a conversation's rows must be in order"
                            );
                            return Err(self.invalid(message.line, "day", reason));
                        }
                    }
                    if let Some(c) = &mut self.current {
                        c.messages.push(message);
                    }
                    continue;
                }
            }
            if let Some(&first) = self.seen.get(&id) {
                return Err(self.invalid(
                    message.line,
                    "conversation",
                    format!("conversation {id:?} (first seen on line {first}) continues here after other conversations: its rows must be together"),
                ));
            }
            self.seen.insert(id.clone(), message.line);
            let next = LabelledConversation {
                id,
                label,
                messages: vec![message],
            };
            if let Some(done) = self.current.replace(next) {
                return Ok(Some(done));
            }
        }
    }
}

impl<R: Read> Iterator for LabelledConversationReader<R> {
    type Item = Result<LabelledConversation>;

    fn next(&mut self) -> Option<Result<LabelledConversation>> {
        if self.finished {
            return None;
        }
        let item = self.next_conversation().transpose();
        if !matches!(item, Some(Ok(_))) {
            self.finished = true;
        }
        item
    }
}

/// Reads every conversation of a labelled message file, refusing an empty one.
///
/// # Errors
/// As [`LabelledConversationReader`], plus [`ErrorKind::EmptyTrainingSet`] for a file without
/// rows.
pub fn read_labelled_conversations(path: impl AsRef<Path>) -> Result<Vec<LabelledConversation>> {
    let path = path.as_ref();
    let conversations = LabelledConversationReader::from_path(path)?.collect::<Result<Vec<_>>>()?;
    if conversations.is_empty() {
        return Err(Error::new(ErrorKind::EmptyTrainingSet {
            path: Some(path.to_path_buf()),
        }));
    }
    Ok(conversations)
}

/// How the conversation verdicts score on labelled conversations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationEvaluation {
    /// Mean F1 over `sales`, `known-contact` and `personal` (precision counts every
    /// conversation called that category, whatever its label).
    pub macro_f1: f64,
    /// Share of `known-contact` conversations called `sales`.
    pub known_contact_called_sales: f64,
    /// The same, counting only sure verdicts (the ones a policy would act on).
    pub known_contact_called_sales_sure: f64,
    /// `automated` conversations accepted, or sent to review as `personal`.
    pub automated_mishandled: u64,
    /// Accuracy, per-category scores, unsure share and the confusion matrices (raw and sure
    /// verdicts only) over all six categories in [`ConversationCategory::ALL`] order.
    pub report: Evaluation,
    /// The conversation id of each outcome in `report.outcomes` (skipped in JSON).
    #[serde(skip)]
    pub ids: Vec<String>,
}

/// The categories whose F1 is averaged into [`ConversationEvaluation::macro_f1`].
pub const MACRO_F1_CATEGORIES: [ConversationCategory; 3] = [
    ConversationCategory::Sales,
    ConversationCategory::KnownContact,
    ConversationCategory::Personal,
];

/// Judges every labelled conversation and scores the verdicts against the labels.
pub fn evaluate_conversations(
    judge: &ConversationJudge,
    conversations: &[LabelledConversation],
) -> ConversationEvaluation {
    let labels: Vec<String> = ConversationCategory::ALL
        .iter()
        .map(|c| c.label().to_string())
        .collect();
    let index = |c: ConversationCategory| {
        ConversationCategory::ALL
            .iter()
            .position(|&x| x == c)
            .unwrap_or(0)
    };
    let mut outcomes = Vec::with_capacity(conversations.len());
    let mut automated_mishandled = 0;
    for (i, c) in conversations.iter().enumerate() {
        let v = judge.judge(&c.turns(), c.other_participants());
        if c.label == ConversationCategory::Automated
            && (v.action == crate::Action::Accept || v.category == ConversationCategory::Personal)
        {
            automated_mishandled += 1;
        }
        outcomes.push(Outcome {
            index: i,
            truth: index(c.label),
            predicted: index(v.category),
            confidence: v.confidence,
            probabilities: Vec::new(),
            unsure: v.unsure,
            signal: !v.evidence.is_empty() || !v.reasons.is_empty(),
        });
    }
    let report = Evaluation::from_outcomes(labels, outcomes);
    ConversationEvaluation::from_report(
        report,
        conversations.iter().map(|c| c.id.clone()).collect(),
        automated_mishandled,
    )
}

impl ConversationEvaluation {
    /// The summary of a report over the categories of [`ConversationCategory::ALL`] (in that
    /// order), such as outcomes pooled from several [`evaluate_conversations`] runs: `ids` names
    /// the conversation of each outcome index, `automated_mishandled` counts automated
    /// conversations accepted or called personal.
    pub fn from_report(
        report: Evaluation,
        ids: Vec<String>,
        automated_mishandled: u64,
    ) -> ConversationEvaluation {
        let macro_f1 = MACRO_F1_CATEGORIES
            .iter()
            .filter_map(|c| report.label(c.label()).map(|s| s.f1))
            .sum::<f64>()
            / MACRO_F1_CATEGORIES.len() as f64;
        ConversationEvaluation {
            macro_f1,
            known_contact_called_sales: report.rate("known-contact", "sales"),
            known_contact_called_sales_sure: report.sure_rate("known-contact", "sales"),
            automated_mishandled,
            ids,
            report,
        }
    }
}

impl fmt::Display for ConversationEvaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "conversations: {}  macro-F1 (sales, known-contact, personal): {:.4}",
            self.report.examples, self.macro_f1
        )?;
        writeln!(
            f,
            "known contacts called sales: {:.1}% ({:.1}% as sure verdicts)  unsure: {:.1}%  automated accepted or personal: {}",
            100.0 * self.known_contact_called_sales,
            100.0 * self.known_contact_called_sales_sure,
            100.0 * self.report.unsure_rate,
            self.automated_mishandled
        )?;
        write!(f, "{}", self.report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &str) -> Result<Vec<LabelledConversation>> {
        LabelledConversationReader::from_reader(data.as_bytes())?.collect()
    }

    const HEADER: &str = "conversation,label,kind,sender,day,subject,text\n";

    #[test]
    fn errors_name_the_line_and_the_column() {
        let cases = [
            (
                "c1,sales,,Dana,0,,hi\nc1,personal,,Dana,1,,hi\n",
                3,
                "label",
            ),
            ("c1,sales,,Dana,2,,hi\nc1,sales,,Dana,1,,hi\n", 3, "day"),
            ("c1,sales,,Dana,x,,hi\n", 2, "day"),
            ("c1,sales,,,0,,hi\n", 2, "sender"),
            (
                "c1,sales,,Dana,0,,hi\nc2,sales,,Ana,0,,hi\nc1,sales,,Dana,1,,again\n",
                4,
                "conversation",
            ),
        ];
        for (rows, line, column) in cases {
            let e = read(&format!("{HEADER}{rows}")).unwrap_err();
            assert_eq!(e.line(), Some(line), "{e}");
            assert!(
                e.to_string().contains(&format!("column \"{column}\"")),
                "{e}"
            );
        }
        let e = read(&format!("{HEADER}c1,spam,,Dana,0,,hi\n")).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::UnknownLabel { .. }) && e.line() == Some(2),
            "{e}"
        );
        let e = read(&format!("{HEADER}c1,sales,,Dana,0,,hi,extra\n")).unwrap_err();
        assert!(e.to_string().contains("wrong number of fields"), "{e}");
        let e = read("conversation,sender,text\n").unwrap_err();
        assert!(e.to_string().contains("missing column \"label\""), "{e}");
    }

    #[test]
    fn examples_use_the_composition_and_skip_empty_texts() {
        let c = read(&format!(
            "{HEADER}a,outreach,,owner,0,,Hi Dana\nb,sales,inmail,Dana,0,Hello,<p>We help &amp; save</p>\n"
        ))
        .unwrap();
        assert!(c[0].example().is_none());
        let e = c[1].example().unwrap();
        assert_eq!(
            (e.text(), e.label(), e.line()),
            ("Hello\nWe help & save", "sales", Some(3))
        );
        assert_eq!(c[1].messages[0].markup, Markup::Inline);
        assert_eq!(conversation_examples(&c).len(), 1);
    }
}
