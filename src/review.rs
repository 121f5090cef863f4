//! The files a person reviews: triaged invitations and conversations written as CSV with the
//! verdict beside an editable category, and the corrections read back from the edited files.
//!
//! | file | written by | one row per | the text a correction teaches |
//! |---|---|---|---|
//! | invitations | [`write_invitations`] | row of `Invitations.csv` (the export's columns, then [`ADDED_COLUMNS`], then [`JOINED_COLUMNS`] when joined with messages) | the note, column `Message` |
//! | conversations | [`write_conversations`] | conversation of `messages.csv`, and unreadable record ([`CONVERSATION_COLUMNS`]) | what the model read, column `text` ([`conversation_text`](crate::linkedin::conversation_text)) |
//!
//! In both, the `category` and `verdict` columns start equal; the reviewer changes `category`
//! where nopitch was wrong (in a spreadsheet or an editor) and leaves `verdict` alone.
//! [`Corrections`] reads an edited file back: a row is a correction when its category names one
//! of the model's labels and differs from its verdict. This is the round trip behind `nopitch
//! triage --out` / `--conversations-out` and `nopitch learn`. Rows in = rows out: every row of the
//! export is in a file, the damaged ones with the category `unreadable`.
//!
//! ```
//! use nopitch::linkedin::{triage, InvitationReader, InvitationsTriage};
//! use nopitch::review::{write_invitations, Corrections};
//! use nopitch::{Classifier, TriagePolicy};
//!
//! let export = "From,To,Sent At,Message,Direction\n\
//!               Dana Reyes,Sam Lee,\"1/29/26, 2:37 PM\",\"Save 15% on your SAP licensing, quick call?\",INCOMING\n";
//! let clf = Classifier::pretrained();
//! let reader = InvitationReader::from_reader(export.as_bytes())?;
//! let headers = reader.headers().to_vec();
//! let rows = triage(reader, &clf, &TriagePolicy::default())?;
//! let mut file = Vec::new();
//! write_invitations(&mut file, &InvitationsTriage::unjoined(headers, rows))?;
//! let written = String::from_utf8(file).unwrap();
//! assert!(written.starts_with("From,To,Sent At,Message,Direction,category,verdict,"));
//!
//! // The reviewer says Dana is a former colleague after all.
//! let edited = written.replacen(",sales,sales,", ",known-contact,sales,", 1);
//! let review = Corrections::from_reader(edited.as_bytes(), "Message", clf.labels())?;
//! assert_eq!(review.corrections.len(), 1);
//! assert_eq!(review.corrections[0].label(), "known-contact");
//! assert_eq!(review.corrections[0].line(), Some(2));
//! # Ok::<(), nopitch::Error>(())
//! ```

use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::classifier::Classifier;
use crate::dataset::{csv_error, find_columns, Example, LineCounted};
use crate::error::{Error, Result};
use crate::linkedin::{
    evidence_text, ConversationCategory, ExportInvitation, InboxTriage, InvitationsTriage, Triage,
    VerdictSource,
};
use crate::triage::Action;

/// The columns [`write_invitations`] adds after the export's own:
///
/// | column | content |
/// |---|---|
/// | `category` | `sales`, `known-contact`, `personal`, `automated` (from the person's conversation), or `no-note`, `outgoing`, `unknown-direction`, `unreadable` for rows without a verdict; **the one column to edit** |
/// | `verdict` | the same, as nopitch said it; left alone, so that edits can be told apart |
/// | `confidence` | the calibrated probability of the verdict, e.g. `0.934` |
/// | `unsure` | `yes` when the verdict is too uncertain to act on, else empty |
/// | `action` | `accept`, `decline`, `review` or `archive` (empty for outgoing invitations) |
/// | `evidence` | what weighed most (n-grams separated by `; `, the conversation's verdict when joined), or what is wrong with an unreadable row |
/// | `reply` | the canned reply, for declined invitations |
pub const ADDED_COLUMNS: [&str; 7] = [
    "category",
    "verdict",
    "confidence",
    "unsure",
    "action",
    "evidence",
    "reply",
];

/// The columns [`write_invitations`] adds after [`ADDED_COLUMNS`] when the invitations were
/// joined with messages:
///
/// | column | content |
/// |---|---|
/// | `conversation` | the `CONVERSATION ID` of the same person's conversation, when one was found |
/// | `joined_by` | `profile-url` or `name` |
/// | `verdict_from` | `note`, `conversation` (an invitation without a note took its conversation's verdict) or `note+conversation` (both weighed) |
pub const JOINED_COLUMNS: [&str; 3] = ["conversation", "joined_by", "verdict_from"];

/// The column of an invitations file that holds the note.
pub const INVITATION_TEXT_COLUMN: &str = "Message";

/// The column of a conversations file that holds the text the model read.
pub const CONVERSATION_TEXT_COLUMN: &str = "text";

/// The columns of [`write_conversations`]:
///
/// | column | content |
/// |---|---|
/// | `conversation_id`, `title`, `folder` | as in `messages.csv` (`folder` of the latest message) |
/// | `sender`, `sender_profile_url` | who it is with (in a group, everyone but you, joined with `; `) |
/// | `messages`, `first_date`, `last_date`, `line` | its rows, its first and last dates, the line of its first row |
/// | `category` | `sales`, `known-contact`, `personal`, `automated`, `group`, `outreach`, or `unreadable` for a damaged record; **the one column to edit** |
/// | `verdict` | the same, as nopitch said it; left alone |
/// | `confidence`, `unsure`, `action`, `evidence`, `reply` | as in [`ADDED_COLUMNS`] |
/// | `follow_ups`, `last_follow_up` | the other party's unanswered follow-ups and the date of the last one |
/// | `text` | what the model read ([`conversation_text`](crate::linkedin::conversation_text)): a correction is learned on it; for an unreadable record, its content as far as it could be read |
pub const CONVERSATION_COLUMNS: [&str; 19] = [
    "conversation_id",
    "sender",
    "sender_profile_url",
    "title",
    "folder",
    "messages",
    "first_date",
    "last_date",
    "line",
    "category",
    "verdict",
    "confidence",
    "unsure",
    "action",
    "follow_ups",
    "last_follow_up",
    "evidence",
    "reply",
    CONVERSATION_TEXT_COLUMN,
];

fn write_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(io),
        other => Error::io(std::io::Error::other(format!("{other:?}"))),
    }
}

fn yes(unsure: bool) -> &'static str {
    if unsure {
        "yes"
    } else {
        ""
    }
}

/// The canned reply of a declining action, else empty.
fn reply(action: &Action) -> &str {
    match action {
        Action::Decline { reply } => reply,
        _ => "",
    }
}

/// The cells [`ADDED_COLUMNS`] and, when `joined`, [`JOINED_COLUMNS`] of one invitation.
fn invitation_cells(row: &ExportInvitation, joined: bool) -> Vec<String> {
    let category = row.category();
    let link = row.conversation.as_ref();
    let mut cells: Vec<String> = match (&row.verdict, &row.invitation.triage) {
        (Some(v), _) => vec![
            format!("{:.3}", v.confidence),
            yes(v.unsure).into(),
            v.action.name().into(),
            v.evidence.clone(),
            reply(&v.action).into(),
        ],
        (None, Triage::Judged(v, evidence)) => vec![
            format!("{:.3}", v.confidence),
            yes(v.unsure).into(),
            v.action.name().into(),
            evidence
                .iter()
                .map(|e| e.text.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            reply(&v.action).into(),
        ],
        (None, Triage::NoNote) => vec![
            String::new(),
            String::new(),
            "review".into(),
            link.map_or_else(String::new, |l| {
                format!(
                    "no note; conversation {} is {}",
                    l.conversation_id, l.category
                )
            }),
            String::new(),
        ],
        (None, Triage::Outgoing) => vec![String::new(); 5],
        (None, Triage::UnknownDirection | Triage::Unreadable { .. }) => vec![
            String::new(),
            String::new(),
            "review".into(),
            row.invitation
                .damage()
                .map_or_else(String::new, |d| d.to_string()),
            String::new(),
        ],
    };
    cells.splice(0..0, [category.to_string(), category.to_string()]);
    if joined {
        cells.push(link.map_or_else(String::new, |l| l.conversation_id.clone()));
        cells.push(link.map_or_else(String::new, |l| l.joined_by.name().to_string()));
        cells.push(
            row.verdict
                .as_ref()
                .map_or_else(String::new, |v| v.source.name().to_string()),
        );
    }
    cells
}

/// Writes triaged invitations as CSV: the export's header followed by [`ADDED_COLUMNS`] (and
/// [`JOINED_COLUMNS`] when they were joined with messages), then every row in file order: the
/// export's fields followed by the added ones. Short rows are padded so that every row has every
/// column; the fields of an unreadable row beyond the header's width are joined into its last
/// column, so nothing of it is lost.
///
/// # Errors
/// [`ErrorKind::Io`](crate::ErrorKind::Io) if writing fails.
pub fn write_invitations<W: Write>(writer: W, invitations: &InvitationsTriage) -> Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    let width = invitations.headers.len();
    let joined: &[&str] = if invitations.joined {
        &JOINED_COLUMNS
    } else {
        &[]
    };
    w.write_record(
        invitations
            .headers
            .iter()
            .map(String::as_str)
            .chain(ADDED_COLUMNS)
            .chain(joined.iter().copied()),
    )
    .map_err(write_error)?;
    for row in &invitations.rows {
        let mut record = row.invitation.invitation.fields.clone();
        if record.len() > width && width > 0 {
            let extra = record.split_off(width - 1).join(",");
            record.push(extra);
        }
        record.resize(width, String::new());
        record.extend(invitation_cells(row, invitations.joined));
        w.write_record(&record).map_err(write_error)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes triaged conversations as CSV ([`CONVERSATION_COLUMNS`]): one row per conversation in
/// file order, then one row per unreadable record with the category `unreadable`, its first
/// line, the problem as evidence, its content as far as it could be read as `text`, and
/// `messages` 1, so that the `messages` column adds up to the file's data rows.
///
/// ```
/// use std::io::Cursor;
/// use nopitch::linkedin::{triage_messages, ConversationJudge};
/// use nopitch::review::{write_conversations, Corrections};
/// use nopitch::{Classifier, TriagePolicy};
///
/// let export = "CONVERSATION ID,FROM,TO,DATE,SUBJECT,CONTENT\n\
///     c1,Dana Reyes,Sam Lee,2026-01-05 09:00:00 UTC,Licensing,\"We help IT teams save 15-20% on Microsoft licensing. Open to a 15 minute call?\"\n\
///     c2,Ana Li,Sam Lee,2026-01-07 08:00:00 UTC,,Great working with you on the Banner upgrade!\n";
/// let clf = Classifier::pretrained();
/// let judge = ConversationJudge::new(&clf, &TriagePolicy::default())?;
/// let inbox = triage_messages(Cursor::new(export), None, &judge)?;
/// let mut file = Vec::new();
/// write_conversations(&mut file, &inbox)?;
/// let written = String::from_utf8(file).unwrap();
/// // The text column holds what the model read: the subject line, then the message.
/// assert!(written.contains("\"Licensing\nWe help IT teams save 15-20% on Microsoft licensing. Open to a 15 minute call?\""));
///
/// // Corrections are read back from the `text` column.
/// let edited = written.replacen(",sales,sales,", ",personal,sales,", 1);
/// let review = Corrections::from_reader(edited.as_bytes(), "text", clf.labels())?;
/// assert_eq!(review.corrections[0].text(), "Licensing\nWe help IT teams save 15-20% on Microsoft licensing. Open to a 15 minute call?");
/// # Ok::<(), nopitch::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::Io`](crate::ErrorKind::Io) if writing fails.
pub fn write_conversations<W: Write>(writer: W, inbox: &InboxTriage) -> Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    w.write_record(CONVERSATION_COLUMNS).map_err(write_error)?;
    for c in &inbox.conversations {
        let v = &c.verdict;
        let category = v.category.label();
        w.write_record([
            c.id.as_str(),
            &c.sender,
            &c.sender_profile_url,
            &c.title,
            &c.folder,
            &c.messages.to_string(),
            &c.first_date,
            &c.last_date,
            &c.line.to_string(),
            category,
            category,
            &format!("{:.3}", v.confidence),
            yes(v.unsure),
            v.action.name(),
            &v.follow_ups.to_string(),
            c.last_follow_up_date.as_deref().unwrap_or(""),
            &evidence_text(v),
            reply(&v.action),
            &c.text,
        ])
        .map_err(write_error)?;
    }
    let column = |name: &str| {
        inbox
            .headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    };
    let (id, from, title, folder, date, content) = (
        column("CONVERSATION ID"),
        column("FROM"),
        column("CONVERSATION TITLE"),
        column("FOLDER"),
        column("DATE"),
        column("CONTENT"),
    );
    for d in &inbox.unreadable {
        let field = |i: Option<usize>| i.and_then(|i| d.fields.get(i)).map_or("", String::as_str);
        w.write_record([
            field(id),
            field(from),
            "",
            field(title),
            field(folder),
            "1",
            field(date),
            field(date),
            &d.first_line.to_string(),
            "unreadable",
            "unreadable",
            "",
            "",
            "review",
            "",
            "",
            &d.to_string(),
            "",
            field(content),
        ])
        .map_err(write_error)?;
    }
    w.flush()?;
    Ok(())
}

/// The most times the `nopitch` command lets [`Classifier::learn_correction`] learn one
/// correction. On held-out notes of the shipped data, overriding a sure verdict took at most 18
/// repetitions and correcting a mistake at most 3 (`cargo run --release --example corrections`);
/// 32 leaves a margin while bounding the weight one note can get.
pub const MAX_CORRECTION_REPEATS: u32 = 32;

impl Classifier {
    /// Learns a correction: `text` is `label`. The example is learned once, then again until the
    /// classifier gives `text` that label, at most `max_times` times in all (training on a
    /// mistake until it is gone, as bogofilter's `bogominitrain` does). Returns how many times
    /// it was learned.
    ///
    /// A single [`Classifier::learn`] may not change a confident verdict: when a model trained
    /// on thousands of notes has the note's words firmly tied to another label, one more
    /// example moves the probabilities but not the label. Repeating it pulls exactly the note's
    /// own n-grams toward `label`, so the person's judgment holds for that note (and notes that
    /// share its wording) without retraining. The same corrections learned in the same order
    /// onto the same model always give the same model.
    ///
    /// ```
    /// use nopitch::Classifier;
    /// let mut clf = Classifier::pretrained();
    /// let note = "Hi Jordan, I run a free Saturday coding club for kids at the library";
    /// assert_eq!(clf.classify(note).label(), "personal");
    /// let times = clf.learn_correction(note, "sales", 32)?;
    /// assert!(times >= 1);
    /// assert_eq!(clf.classify(note).label(), "sales");
    /// # Ok::<(), nopitch::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParameter`](crate::ErrorKind::InvalidParameter) if `max_times` is 0;
    /// otherwise as [`Classifier::learn`]. The model is unchanged on error.
    pub fn learn_correction(&mut self, text: &str, label: &str, max_times: u32) -> Result<u32> {
        if max_times == 0 {
            return Err(Error::invalid("max_times", 0, "at least 1"));
        }
        // Refuse up front what `learn` would refuse part-way, so that an error changes nothing:
        // the repetitions must fit the model's totals as a whole (the bound `learn` checks).
        let bound = (text.len() as u64)
            .saturating_mul(self.inner.settings.features.ngram_range.1 as u64)
            .saturating_mul(max_times as u64);
        if !self.inner.nb.can_add(bound, max_times as u64) {
            return Err(Error::new(crate::ErrorKind::TooManyCounts {
                limit: crate::naive_bayes::MAX_TOTAL_COUNT,
            }));
        }
        self.learn(text, label)?;
        let mut times = 1;
        while times < max_times && self.classify(text).label() != label {
            self.learn(text, label)?;
            times += 1;
        }
        Ok(times)
    }
}

/// Why a row of a reviewed file that differs from its verdict was not taken as a correction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The category is not one of the model's labels (a typo, or a label of another model).
    NotALabel {
        /// The category as written.
        category: String,
    },
    /// The model gave the row no verdict (`no-note`, `outgoing`, `unknown-direction`), so there
    /// is no judged note to correct.
    NoVerdict {
        /// The verdict column as written.
        verdict: String,
    },
    /// The row's text is empty: there is nothing to learn from.
    EmptyText,
    /// The verdict is a conversation category that nopitch's rules decide, not the model
    /// (`automated`, `group`, `outreach`): learning the text would not change it.
    RuleVerdict {
        /// The verdict column as written.
        verdict: String,
    },
    /// An invitation without a note, whose verdict came from (or whose person has) a
    /// conversation: there is no note to learn; the conversation is corrected in the
    /// conversations file.
    FromConversation {
        /// The conversation's id.
        conversation: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotALabel { category } => {
                write!(f, "category {category:?} is not one of the model's labels")
            }
            SkipReason::NoVerdict { verdict } if verdict.is_empty() => {
                write!(f, "the model gave no verdict on this row")
            }
            SkipReason::NoVerdict { verdict } => {
                write!(f, "the model gave no verdict on this row ({verdict})")
            }
            SkipReason::EmptyText => write!(f, "there is no text to learn from"),
            SkipReason::RuleVerdict { verdict } => write!(
                f,
                "the verdict {verdict} comes from nopitch's rules, not the model: learning the text would not change it"
            ),
            SkipReason::FromConversation { conversation } => write!(
                f,
                "the invitation has no note; its person's conversation is {conversation}: correct that conversation in the conversations file"
            ),
        }
    }
}

/// A row of a reviewed file whose edit was not taken as a correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The 1-based line the row starts on.
    pub line: u64,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// A correction of an invitation whose verdict weighed the same person's conversation too
/// (`verdict_from` is `note+conversation`): its next verdict changes only as far as the
/// corrected note outweighs the conversation, so the conversation may need correcting as well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeighedConversation {
    /// The 1-based line of the correction.
    pub line: u64,
    /// The conversation's id.
    pub conversation: String,
}

/// What a reviewed triage file says: the corrections, and the rows that were left alone or
/// could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Corrections {
    /// The rows whose category was changed to another of the model's labels: the note with the
    /// reviewer's label (in the label's canonical spelling) and the line it starts on.
    pub corrections: Vec<Example>,
    /// Rows whose category still equals the verdict.
    pub unchanged: usize,
    /// Rows whose category differs from the verdict but cannot be learned, with the reason.
    pub skipped: Vec<Skipped>,
    /// The corrections of invitations whose verdict also weighed a conversation.
    pub weighed_conversations: Vec<WeighedConversation>,
}

/// The label among `labels` that a person meant by `written`, compared leniently: surrounding
/// spaces and ASCII case are ignored, and spaces or underscores count as hyphens, so
/// `" Known contact"` finds `known-contact`. `None` if it matches none of them.
///
/// ```
/// let labels = ["known-contact".to_string(), "personal".into(), "sales".into()];
/// assert_eq!(nopitch::review::find_label("Known_Contact ", &labels), Some("known-contact"));
/// assert_eq!(nopitch::review::find_label("spam", &labels), None);
/// ```
pub fn find_label<'a>(written: &str, labels: &'a [String]) -> Option<&'a str> {
    let wanted = normalize(written);
    labels
        .iter()
        .find(|l| normalize(l) == wanted)
        .map(String::as_str)
}

/// A label as a person may type it: trimmed, ASCII lowercase, spaces and underscores as hyphens.
fn normalize(category: &str) -> String {
    category
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '_' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl Corrections {
    /// Reads a reviewed triage file (written by [`write_invitations`] or [`write_conversations`],
    /// then edited).
    ///
    /// `text_column` names the column holding the text ([`INVITATION_TEXT_COLUMN`] or
    /// [`CONVERSATION_TEXT_COLUMN`]);
    /// `labels` are the labels of the model that will learn the corrections
    /// ([`Classifier::labels`](crate::Classifier::labels)). A category matches a label as
    /// [`find_label`] says.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) if the file cannot be read; otherwise as
    /// [`Corrections::from_reader`], with the path in the error.
    pub fn from_path(
        path: impl AsRef<Path>,
        text_column: &str,
        labels: &[String],
    ) -> Result<Corrections> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
        read(file, Some(path.to_path_buf()), text_column, labels).map_err(|e| e.with_path(path))
    }

    /// Reads a reviewed triage file from any reader; see [`Corrections::from_path`].
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumns`](crate::ErrorKind::MissingColumns) if the header lacks the
    /// text column, `category` or `verdict` (naming each), and
    /// [`ErrorKind::Csv`](crate::ErrorKind::Csv) with the line of a row that cannot be read
    /// (bad quoting, invalid UTF-8).
    pub fn from_reader(reader: impl Read, text_column: &str, labels: &[String]) -> Result<Self> {
        read(reader, None, text_column, labels)
    }
}

fn read(
    reader: impl Read,
    path: Option<PathBuf>,
    text_column: &str,
    labels: &[String],
) -> Result<Corrections> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(LineCounted::new(reader));
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_error(e, reader.get_ref(), path.as_deref())),
    };
    let [text_at, category_at, verdict_at] =
        find_columns(&headers, [text_column, "category", "verdict"])?;
    // The joined invitations file names the person's conversation and what the verdict
    // rests on.
    let [conversation_at, source_at] =
        [JOINED_COLUMNS[0], JOINED_COLUMNS[2]].map(|c| find_columns(&headers, [c]).ok());
    let label_of = |category: &str| find_label(category, labels);
    let mut out = Corrections::default();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(e, reader.get_ref(), path.as_deref())),
        }
        let line = record
            .position()
            .map_or(0, |p| reader.get_ref().line_of(p.byte()));
        let field = |i: usize| record.get(i).unwrap_or("");
        let (text, category, verdict) = (field(text_at), field(category_at), field(verdict_at));
        if normalize(category) == normalize(verdict) {
            out.unchanged += 1;
            continue;
        }
        let conversation = conversation_at.map_or("", |[i]| field(i).trim());
        let reason = match (label_of(category), label_of(verdict)) {
            _ if text.trim().is_empty() && !conversation.is_empty() => {
                SkipReason::FromConversation {
                    conversation: conversation.to_string(),
                }
            }
            (_, None) if ConversationCategory::from_label(&normalize(verdict)).is_some() => {
                SkipReason::RuleVerdict {
                    verdict: verdict.trim().to_string(),
                }
            }
            (_, None) => SkipReason::NoVerdict {
                verdict: verdict.trim().to_string(),
            },
            (None, Some(_)) => SkipReason::NotALabel {
                category: category.trim().to_string(),
            },
            (Some(_), Some(_)) if text.trim().is_empty() => SkipReason::EmptyText,
            (Some(label), Some(_)) => {
                out.corrections
                    .push(Example::new(text, label).with_line(line));
                let source = source_at.map_or("", |[i]| field(i).trim());
                if source == VerdictSource::NoteAndConversation.name() && !conversation.is_empty() {
                    out.weighed_conversations.push(WeighedConversation {
                        line,
                        conversation: conversation.to_string(),
                    });
                }
                continue;
            }
        };
        out.skipped.push(Skipped { line, reason });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linkedin::{triage, InvitationReader};
    use crate::{Classifier, ErrorKind, TriagePolicy};

    const EXPORT: &str = "From,To,Sent At,Message,Direction\n\
        Dana Reyes,Sam Lee,\"1/29/26, 2:37 PM\",\"Save 15% on your SAP licensing, quick call?\",INCOMING\n\
        Ana Li,Sam Lee,\"1/30/26, 9:05 AM\",,INCOMING\n\
        Sam Lee,Bo Chen,\"1/30/26, 9:05 AM\",\"Hi Bo, great to meet you\",OUTGOING\n\
        Lee Park,Sam Lee,\"2/1/26, 8:00 AM\",\"Great working with you on the Banner upgrade at State U!\",INCOMING\n";

    fn triaged() -> String {
        let clf = Classifier::pretrained();
        let reader = InvitationReader::from_reader(EXPORT.as_bytes()).unwrap();
        let headers = reader.headers().to_vec();
        let rows = triage(
            reader,
            &clf,
            &TriagePolicy::new().decline_reply("No, thanks."),
        )
        .unwrap();
        let mut out = Vec::new();
        write_invitations(&mut out, &InvitationsTriage::unjoined(headers, rows)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn written_rows_keep_the_export_and_add_the_verdict() {
        let text = triaged();
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.len() == 5 + ADDED_COLUMNS.len()));
        assert_eq!(&rows[0][3], "Save 15% on your SAP licensing, quick call?");
        assert_eq!(
            (&rows[0][5], &rows[0][6], &rows[0][9], &rows[0][11]),
            ("sales", "sales", "decline", "No, thanks.")
        );
        assert!(rows[0][7].parse::<f64>().unwrap() > 0.5);
        assert_eq!(
            (&rows[1][5], &rows[1][6], &rows[1][9]),
            ("no-note", "no-note", "review")
        );
        assert_eq!((&rows[2][5], &rows[2][6]), ("outgoing", "outgoing"));
        assert_eq!(
            (&rows[3][5], &rows[3][9], &rows[3][11]),
            ("known-contact", "accept", "")
        );
        // Untouched, the file holds no corrections.
        let clf = Classifier::pretrained();
        let review = Corrections::from_reader(text.as_bytes(), "Message", clf.labels()).unwrap();
        assert_eq!(review.corrections, vec![]);
        assert_eq!((review.unchanged, review.skipped.len()), (4, 0));
    }

    #[test]
    fn only_edits_to_a_label_of_judged_notes_are_corrections() {
        let clf = Classifier::pretrained();
        let mut rows: Vec<Vec<String>> = csv::Reader::from_reader(triaged().as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        rows[0][5] = " Known contact ".into(); // lenient spelling of a label
        rows[1][5] = "personal".into(); // no note to learn from
        rows[2][5] = "sales".into(); // an outgoing invitation
        rows[3][5] = "spam".into(); // not a label
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(
            ["From", "To", "Sent At", "Message", "Direction"]
                .into_iter()
                .chain(ADDED_COLUMNS),
        )
        .unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        let edited = w.into_inner().unwrap();
        let review = Corrections::from_reader(edited.as_slice(), "Message", clf.labels()).unwrap();
        assert_eq!(
            review.corrections,
            vec![Example::new(
                "Save 15% on your SAP licensing, quick call?",
                "known-contact"
            )
            .with_line(2)]
        );
        assert_eq!(review.unchanged, 0);
        assert_eq!(
            review.skipped,
            vec![
                Skipped {
                    line: 3,
                    reason: SkipReason::NoVerdict {
                        verdict: "no-note".into()
                    }
                },
                Skipped {
                    line: 4,
                    reason: SkipReason::NoVerdict {
                        verdict: "outgoing".into()
                    }
                },
                Skipped {
                    line: 5,
                    reason: SkipReason::NotALabel {
                        category: "spam".into()
                    }
                },
            ]
        );
        assert!(review.skipped[2].reason.to_string().contains("\"spam\""));
    }

    #[test]
    fn a_correction_is_learned_until_the_note_gets_its_label() {
        let pretrained = Classifier::pretrained();
        let note = "Hi Jordan, I run a free Saturday coding club for kids at the public library. \
                    Would you ever be up for giving a short talk about what IT people do?";
        assert_eq!(pretrained.classify(note).label(), "personal");
        // One plain learn moves the probability but not this confident verdict.
        let mut once = pretrained.clone();
        once.learn(note, "sales").unwrap();
        let p = once.classify(note);
        assert_eq!(p.label(), "personal");
        assert!(p.probability("sales") > pretrained.classify(note).probability("sales"));

        let mut corrected = pretrained.clone();
        let times = corrected.learn_correction(note, "sales", 32).unwrap();
        assert!(times > 1, "{times}");
        assert_eq!(corrected.classify(note).label(), "sales");
        // It stopped as soon as the label turned: one repetition fewer does not turn it.
        let mut fewer = pretrained.clone();
        for _ in 0..times - 1 {
            fewer.learn(note, "sales").unwrap();
        }
        assert_eq!(fewer.classify(note).label(), "personal");
        // Deterministic: the same correction on the same model gives the same model.
        let mut again = pretrained.clone();
        assert_eq!(again.learn_correction(note, "sales", 32).unwrap(), times);
        assert_eq!(again, corrected);
        // A cap is honoured, and a verdict that already agrees is learned once.
        let mut capped = pretrained.clone();
        assert_eq!(capped.learn_correction(note, "sales", 1).unwrap(), 1);
        assert_eq!(capped, once);
        let mut agreeing = pretrained.clone();
        assert_eq!(agreeing.learn_correction(note, "personal", 32).unwrap(), 1);
        assert!(pretrained
            .clone()
            .learn_correction(note, "sales", 0)
            .is_err());
        // An error changes nothing.
        let mut unchanged = pretrained.clone();
        assert!(unchanged.learn_correction(note, " ", 32).is_err());
        assert_eq!(unchanged, pretrained);
    }

    /// Rows of a CSV text, header first.
    fn table(text: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text)
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    }

    fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn joined_files_say_where_a_correction_cannot_go() {
        use crate::linkedin::{triage_export_readers, ConversationJudge};
        let invitations = "From,To,Sent At,Message,Direction,inviterProfileUrl\n\
            Dana Reyes,Sam Lee,\"1/29/26, 2:37 PM\",,INCOMING,https://www.linkedin.com/in/dana\n\
            Ana Li,Sam Lee,\"1/30/26, 9:05 AM\",Great working with you at State U!,INCOMING,https://www.linkedin.com/in/ana\n";
        let messages = "CONVERSATION ID,FROM,SENDER PROFILE URL,TO,DATE,CONTENT\n\
            c1,Dana Reyes,https://www.linkedin.com/in/dana,Sam Lee,2026-01-05 09:00:00 UTC,\"We help IT teams save 15-20% on Microsoft licensing. Open to a 15 minute call?\"\n\
            c2,Ana Li,https://www.linkedin.com/in/ana,Sam Lee,2026-01-06 09:00:00 UTC,Great working with you on the Banner upgrade at State U!\n\
            c3,Sam Lee,,Bo Chen,2026-01-07 09:00:00 UTC,\"Hi Bo, would love your view on our ERP shortlist.\"\n";
        let clf = Classifier::pretrained();
        let judge = ConversationJudge::new(&clf, &TriagePolicy::default()).unwrap();
        let t = triage_export_readers(
            Some(invitations.as_bytes()),
            Some(std::io::Cursor::new(messages)),
            Some(&crate::linkedin::Owner::given("Sam Lee")),
            &judge,
        )
        .unwrap();

        let mut out = Vec::new();
        write_invitations(&mut out, t.invitations.as_ref().unwrap()).unwrap();
        let mut rows = table(&out);
        assert_eq!(
            rows[0][6..],
            ADDED_COLUMNS
                .into_iter()
                .chain(JOINED_COLUMNS)
                .collect::<Vec<_>>()[..]
        );
        let (category, verdict, from) = (6, 7, 15);
        assert_eq!(rows[1][from], "conversation");
        assert_eq!(rows[2][from], "note+conversation");
        for row in &mut rows[1..] {
            row[category] = if row[verdict] == "personal" {
                "sales"
            } else {
                "personal"
            }
            .into();
        }
        let review = Corrections::from_reader(&csv_of(&rows)[..], "Message", clf.labels()).unwrap();
        assert_eq!(review.corrections.len(), 1);
        assert_eq!(
            review.weighed_conversations,
            vec![WeighedConversation {
                line: 3,
                conversation: "c2".into()
            }]
        );
        assert_eq!(
            review.skipped,
            vec![Skipped {
                line: 2,
                reason: SkipReason::FromConversation {
                    conversation: "c1".into()
                }
            }]
        );

        // The conversations: the text the model read is what a correction teaches; a verdict of
        // the rules is no correction.
        let mut out = Vec::new();
        write_conversations(&mut out, t.inbox.as_ref().unwrap()).unwrap();
        let mut rows = table(&out);
        assert_eq!(rows[0], CONVERSATION_COLUMNS);
        let text = rows[0].len() - 1;
        assert_eq!(
            rows[2][text],
            "Great working with you on the Banner upgrade at State U!"
        );
        let (category, verdict) = (9, 10);
        assert_eq!(rows[3][verdict], "outreach");
        for row in &mut rows[1..] {
            row[category] = if row[verdict] == "personal" {
                "sales"
            } else {
                "personal"
            }
            .into();
        }
        let review = Corrections::from_reader(&csv_of(&rows)[..], "text", clf.labels()).unwrap();
        let texts: Vec<&str> = review.corrections.iter().map(|e| e.text()).collect();
        assert_eq!(
            texts,
            [
                "We help IT teams save 15-20% on Microsoft licensing. Open to a 15 minute call?",
                "Great working with you on the Banner upgrade at State U!"
            ]
        );
        assert_eq!(
            review.skipped,
            vec![Skipped {
                line: 4,
                reason: SkipReason::RuleVerdict {
                    verdict: "outreach".into()
                }
            }]
        );
    }

    #[test]
    fn a_file_without_the_review_columns_names_them() {
        let e = Corrections::from_reader(EXPORT.as_bytes(), "Message", &[]).unwrap_err();
        match e.kind() {
            ErrorKind::MissingColumns { missing, .. } => {
                assert_eq!(missing, &["category".to_string(), "verdict".to_string()])
            }
            other => panic!("{other:?}"),
        }
        let bad = b"Message,category,verdict\nok,sales,sales\n\xff\xfe,sales,personal\n";
        let e = Corrections::from_reader(&bad[..], "Message", &["sales".into()]).unwrap_err();
        assert_eq!(e.line(), Some(3), "{e}");
    }
}
