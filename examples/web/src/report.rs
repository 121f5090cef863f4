//! The triage of an export as the page shows it: counts, every row in report order with its
//! section, the texts to read, and the two output CSVs exactly as the `triage` example writes
//! them. Serialised to JSON for the page.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::io::Cursor;
use std::ops::Range;

use nopitch::linkedin::{
    evidence_text, triage_export_readers, ConversationJudge, ConversationReader, Direction,
    ExportInvitation, InboxTriage, InvitationsTriage, MessageReader, Owner, OwnerSource, Record,
    Triage, TriagedConversation, OPENING_MAX_CHARS,
};
use nopitch::review::{write_conversations, write_invitations};
use nopitch::{Action, Classifier, Evidence, TriagePolicy, DEFAULT_DECLINE_REPLY};
use serde::Serialize;

use crate::files::{DroppedFile, ExportCsvs};

/// Stands for the reply in the CSVs the binding writes; the page puts the person's own reply in
/// its place when they download them ([`crate::csv_field`] escapes it). Private-use characters:
/// an export that holds this string anyway gets the default reply instead.
pub const REPLY_PLACEHOLDER: &str = "\u{e000}nopitch-reply\u{e000}";

/// The sections of the page, in order; every row is in exactly one, and each section's count is
/// shown. Sure verdicts by category, then every unsure verdict, then the rows with no verdict.
pub const SECTIONS: [&str; 11] = [
    "sales",
    "known-contact",
    "personal",
    "automated",
    "unsure",
    "group",
    "outreach",
    "no-note",
    "outgoing",
    "unknown-direction",
    "unreadable",
];

/// The most messages of a conversation the page shows (the verdict reads the other party's
/// first five).
pub const TURNS_SHOWN: usize = 6;

/// The section of a row: `unsure` for an unsure verdict, else its category (`sales`,
/// `no-note`, `outgoing`, …).
fn section(category: &str, unsure: bool) -> &'static str {
    if unsure {
        return "unsure";
    }
    SECTIONS
        .into_iter()
        .find(|s| *s == category)
        // Every category the library writes is a section; anything else is shown apart.
        .unwrap_or("unreadable")
}

/// The evidence's places in `text` as the page marks them: byte spans turned into UTF-16
/// offsets (JavaScript's string indexes), overlapping ones merged (the two bigrams of "we
/// worked together" make one mark). Spans that do not slice `text` are skipped.
pub fn marks<'a>(text: &str, spans: impl IntoIterator<Item = &'a Range<usize>>) -> Vec<[u32; 2]> {
    let merged = nopitch::merge_spans(text, spans);
    // One pass over the text for every offset.
    let (mut byte, mut unit) = (0usize, 0u32);
    let mut utf16 = |to: usize| {
        unit += text[byte..to].encode_utf16().count() as u32;
        byte = to;
        unit
    };
    merged
        .into_iter()
        .map(|s| [utf16(s.start), utf16(s.end)])
        .collect()
}

fn evidence_spans(evidence: &[Evidence]) -> impl Iterator<Item = &Range<usize>> {
    evidence.iter().flat_map(|e| e.spans.iter())
}

/// How many rows each section has, in [`SECTIONS`] order (sections with none left out).
fn counts<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<(&'static str, usize)> {
    let mut n: HashMap<&str, usize> = HashMap::new();
    for k in keys {
        *n.entry(k).or_default() += 1;
    }
    SECTIONS
        .into_iter()
        .filter_map(|s| n.get(s).map(|&c| (s, c)))
        .collect()
}

/// The whole triage.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The export's owner.
    pub owner: OwnerItem,
    /// Files given that are not part of the export, with the reason.
    pub ignored: Vec<String>,
    /// The invitations, when given.
    pub invitations: Option<InvitationsReport>,
    /// The conversations, when given.
    pub conversations: Option<ConversationsReport>,
    /// The default reply to a declined pitch (the page lets the person edit it).
    pub reply: &'static str,
    /// What stands for the reply in the CSVs ([`REPLY_PLACEHOLDER`]), or `None` when they hold
    /// the default reply itself.
    pub reply_placeholder: Option<&'static str>,
}

/// The export's owner and how they were found.
#[derive(Debug, Serialize)]
pub struct OwnerItem {
    /// Their name (or profile URL when given so).
    pub name: String,
    /// How they were found, in words.
    pub how: &'static str,
    /// Whether the page should offer to name them (guessed or unknown).
    pub doubtful: bool,
}

/// The invitations' part.
#[derive(Debug, Serialize)]
pub struct InvitationsReport {
    /// Where the file came from.
    pub source: String,
    /// Rows in the file.
    pub rows: usize,
    /// Incoming rows.
    pub incoming: usize,
    /// Rows per section.
    pub counts: Vec<(&'static str, usize)>,
    /// Every row, in report order.
    pub items: Vec<InvitationItem>,
    /// The output CSV: `nopitch triage --out`'s file (`nopitch::review::write_invitations`),
    /// the reply as [`Report::reply_placeholder`].
    pub csv: String,
}

/// One invitation.
#[derive(Debug, Serialize)]
pub struct InvitationItem {
    /// Its index among the file's data rows (the output CSV's order).
    pub row: usize,
    /// Its first line in the file.
    pub line: u64,
    /// The section it is shown in.
    pub section: &'static str,
    /// Who sent it.
    pub from: String,
    /// To whom.
    pub to: String,
    /// Their profile URL, when the export has it.
    pub profile_url: String,
    /// When, as written.
    pub date: String,
    /// The note (empty when none).
    pub note: String,
    /// Where the model's evidence is in the note (UTF-16 offsets, see [`marks`]).
    pub note_marks: Vec<[u32; 2]>,
    /// The evidence's words in the note, strongest first.
    pub note_words: Vec<String>,
    /// The output CSV's cells: `category` (`sales`, …, `no-note`, `outgoing`, …).
    pub category: String,
    /// `unsure` is `yes`.
    pub unsure: bool,
    /// As the CSV writes it (`0.934`, or empty).
    pub confidence: String,
    /// As the CSV writes it.
    pub action: String,
    /// As the CSV writes it.
    pub evidence: String,
    /// The joined conversation's id, or empty.
    pub conversation: String,
    /// As the CSV writes it.
    pub joined_by: String,
    /// As the CSV writes it (`note`, `conversation`, `note+conversation`).
    pub source: String,
}

/// The conversations' part.
#[derive(Debug, Serialize)]
pub struct ConversationsReport {
    /// Where the file came from.
    pub source: String,
    /// Data rows in the file.
    pub messages: u64,
    /// Conversations.
    pub conversations: usize,
    /// Conversations per section, and `unreadable` rows.
    pub counts: Vec<(&'static str, usize)>,
    /// Every conversation in report order (pitches first, sure before unsure, most confident
    /// first).
    pub items: Vec<ConversationItem>,
    /// The unreadable rows, described.
    pub unreadable: Vec<String>,
    /// The output CSV: `nopitch triage --conversations-out`'s file
    /// (`nopitch::review::write_conversations`), the reply as [`Report::reply_placeholder`].
    pub csv: String,
}

/// One conversation.
#[derive(Debug, Serialize)]
pub struct ConversationItem {
    /// The `CONVERSATION ID`.
    pub id: String,
    /// The section it is shown in.
    pub section: &'static str,
    /// Who it is with.
    pub sender: String,
    /// Their profile URL.
    pub profile_url: String,
    /// Its title.
    pub title: String,
    /// Its folder.
    pub folder: String,
    /// Rows of the file.
    pub messages: usize,
    /// First and last dates, as written.
    pub first_date: String,
    /// As written.
    pub last_date: String,
    /// Its category (`sales`, …).
    pub category: String,
    /// Whether the verdict is unsure.
    pub unsure: bool,
    /// As the CSV writes it.
    pub confidence: String,
    /// `decline`, `accept`, `review`, `archive`.
    pub action: String,
    /// Unanswered follow-ups.
    pub follow_ups: usize,
    /// The last one's date.
    pub last_follow_up: String,
    /// What the rules found.
    pub reasons: Vec<String>,
    /// What the model read of it (the other party's subject, opening message and follow-ups).
    pub text: String,
    /// Where the model's evidence is in [`ConversationItem::text`] (UTF-16 offsets).
    pub marks: Vec<[u32; 2]>,
    /// The evidence's words, strongest first.
    pub words: Vec<String>,
    /// The evidence in words, as the CSV writes it.
    pub evidence: String,
    /// The first messages (drafts left out).
    pub turns: Vec<TurnItem>,
    /// How many more there are.
    pub more_turns: usize,
}

/// One message to show.
#[derive(Debug, Clone, Serialize)]
pub struct TurnItem {
    /// Whether the owner wrote it.
    pub by_owner: bool,
    /// Who wrote it.
    pub from: String,
    /// When, as written.
    pub date: String,
    /// Its subject (InMails).
    pub subject: String,
    /// Its text (HTML turned into text, mojibake repaired), cut at 2,000 characters.
    pub text: String,
    /// Whether it was cut.
    pub cut: bool,
}

fn owner_item(owner: &Owner) -> OwnerItem {
    let how = match owner.source {
        OwnerSource::Given => "given",
        OwnerSource::Invitations => "from the invitations",
        OwnerSource::CommonToAll => "in every conversation",
        OwnerSource::Guessed => "guessed",
        OwnerSource::Unknown => "unknown",
    };
    OwnerItem {
        name: owner.name.clone(),
        how,
        doubtful: matches!(owner.source, OwnerSource::Guessed | OwnerSource::Unknown),
    }
}

fn csv_string(write: impl FnOnce(&mut Vec<u8>) -> nopitch::Result<()>) -> Result<String, String> {
    let mut out = Vec::new();
    write(&mut out).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// The cells of a CSV the binding wrote, by column name.
struct CsvRows {
    headers: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl CsvRows {
    fn read(text: &str) -> Result<CsvRows, String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        Ok(CsvRows { headers, rows })
    }

    /// The cell of `column` in row `row` (the last column of that name: the export's own
    /// columns come first).
    fn cell(&self, row: usize, column: &str) -> String {
        self.headers
            .iter()
            .rposition(|h| h == column)
            .and_then(|i| self.rows.get(row)?.get(i))
            .unwrap_or("")
            .to_string()
    }
}

fn invitation_item(
    row: usize,
    r: &ExportInvitation,
    csv: &CsvRows,
    profile_column: Option<usize>,
) -> InvitationItem {
    let inv = &r.invitation.invitation;
    let (note_marks, note_words) = match &r.invitation.triage {
        Triage::Judged(_, evidence) => (
            marks(&inv.message, evidence_spans(evidence)),
            evidence.iter().map(|e| e.text.clone()).collect(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let category = csv.cell(row, "category");
    let unsure = csv.cell(row, "unsure") == "yes";
    InvitationItem {
        row,
        line: inv.line,
        section: section(&category, unsure),
        from: inv.from.clone(),
        to: inv.to.clone(),
        profile_url: profile_column
            .and_then(|i| inv.fields.get(i))
            .cloned()
            .unwrap_or_default(),
        date: inv.sent_at.clone(),
        note: inv.message.clone(),
        note_marks,
        note_words,
        category,
        unsure,
        confidence: csv.cell(row, "confidence"),
        action: csv.cell(row, "action"),
        evidence: csv.cell(row, "evidence"),
        conversation: csv.cell(row, "conversation"),
        joined_by: csv.cell(row, "joined_by"),
        source: csv.cell(row, "verdict_from"),
    }
}

fn invitations_report(source: String, t: &InvitationsTriage) -> Result<InvitationsReport, String> {
    let csv = csv_string(|out| write_invitations(out, t))?;
    // The items show what the file says: read it back.
    let cells = CsvRows::read(&csv)?;
    let profile_column = t
        .headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("inviterProfileUrl"));
    let mut items: Vec<InvitationItem> = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| invitation_item(i, r, &cells, profile_column))
        .collect();
    let order = |s: &str| {
        SECTIONS
            .iter()
            .position(|x| *x == s)
            .unwrap_or(SECTIONS.len())
    };
    let confidence = |i: &InvitationItem| i.confidence.parse::<f64>().unwrap_or(0.0);
    // By section, most confident first, then file order (the sort is stable).
    items.sort_by(|a, b| {
        order(a.section)
            .cmp(&order(b.section))
            .then(confidence(b).total_cmp(&confidence(a)))
    });
    Ok(InvitationsReport {
        source,
        rows: t.rows.len(),
        incoming: t
            .rows
            .iter()
            .filter(|r| r.invitation.invitation.direction == Direction::Incoming)
            .count(),
        counts: counts(items.iter().map(|i| i.section)),
        items,
        csv,
    })
}

/// The first messages of each conversation, read again from the file (the triage keeps none).
fn turns_by_conversation(
    messages: &[u8],
    owner: &Owner,
) -> HashMap<String, (Vec<TurnItem>, usize)> {
    let mut out: HashMap<String, (Vec<TurnItem>, usize)> = HashMap::new();
    let Ok(reader) = MessageReader::from_reader(messages) else {
        return out;
    };
    for record in ConversationReader::new(reader) {
        let Ok(Record::Read(c)) = record else {
            continue;
        };
        let (turns, more) = out.entry(c.id.clone()).or_default();
        for m in c.messages.iter().filter(|m| !m.draft) {
            if turns.len() == TURNS_SHOWN {
                *more += 1;
                continue;
            }
            let (text, cut) = match m.content.char_indices().nth(OPENING_MAX_CHARS) {
                Some((end, _)) => (format!("{}…", &m.content[..end]), true),
                None => (m.content.clone(), false),
            };
            turns.push(TurnItem {
                by_owner: owner.sent(m),
                from: m.from.clone(),
                date: m.date.clone(),
                subject: m.subject.clone(),
                text,
                cut,
            });
        }
    }
    out
}

fn conversation_item(
    c: &TriagedConversation,
    turns: &mut HashMap<String, (Vec<TurnItem>, usize)>,
) -> ConversationItem {
    let v = &c.verdict;
    let category = v.category.label().to_string();
    let (shown, more_turns) = turns.remove(&c.id).unwrap_or_default();
    ConversationItem {
        id: c.id.clone(),
        section: section(&category, v.unsure),
        sender: c.sender.clone(),
        profile_url: c.sender_profile_url.clone(),
        title: c.title.clone(),
        folder: c.folder.clone(),
        messages: c.messages,
        first_date: c.first_date.clone(),
        last_date: c.last_date.clone(),
        category,
        unsure: v.unsure,
        confidence: format!("{:.3}", v.confidence),
        action: v.action.name().to_string(),
        follow_ups: v.follow_ups,
        last_follow_up: c.last_follow_up_date.clone().unwrap_or_default(),
        reasons: v.reasons.clone(),
        text: c.text.clone(),
        marks: marks(&c.text, evidence_spans(&v.evidence)),
        words: v.evidence.iter().map(|e| e.text.clone()).collect(),
        evidence: evidence_text(v),
        turns: shown,
        more_turns,
    }
}

fn conversations_report(
    source: String,
    bytes: &[u8],
    inbox: &InboxTriage,
) -> Result<ConversationsReport, String> {
    let mut turns = turns_by_conversation(bytes, &inbox.owner);
    let items: Vec<ConversationItem> = inbox
        .sorted()
        .into_iter()
        .map(|c| conversation_item(c, &mut turns))
        .collect();
    let keys = items
        .iter()
        .map(|i| i.section)
        .chain(inbox.unreadable.iter().map(|_| "unreadable"));
    Ok(ConversationsReport {
        source,
        messages: inbox.rows,
        conversations: inbox.conversations.len(),
        counts: counts(keys),
        items,
        unreadable: inbox.unreadable.iter().map(|d| d.to_string()).collect(),
        csv: csv_string(|out| write_conversations(out, inbox))?,
    })
}

/// Triages the dropped files as the `triage` example triages the same files: the pretrained
/// model, the default policy, the owner found in the export unless `me` names them.
///
/// # Errors
/// A message for the page: the files' problems ([`ExportCsvs::from_files`]), or a CSV whose
/// header cannot be read.
pub fn triage_report(files: Vec<DroppedFile>, me: Option<&str>) -> Result<Report, String> {
    let csvs = ExportCsvs::from_files(files)?;
    let holds = |c: &Option<crate::files::ExportCsv>| {
        c.as_ref().is_some_and(|c| {
            let needle = REPLY_PLACEHOLDER.as_bytes();
            c.bytes.windows(needle.len()).any(|w| w == needle)
        })
    };
    let reply_placeholder =
        (!holds(&csvs.invitations) && !holds(&csvs.messages)).then_some(REPLY_PLACEHOLDER);
    let policy =
        TriagePolicy::default().decline_reply(reply_placeholder.unwrap_or(DEFAULT_DECLINE_REPLY));
    let judge =
        ConversationJudge::new(&Classifier::pretrained(), &policy).map_err(|e| e.to_string())?;
    let owner = me
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(Owner::given);
    let in_file = |source: &str, e: nopitch::Error| format!("{source}: {e}");
    let t = triage_export_readers(
        csvs.invitations.as_ref().map(|c| &c.bytes[..]),
        csvs.messages.as_ref().map(|c| Cursor::new(&c.bytes[..])),
        owner.as_ref(),
        &judge,
    )
    .map_err(|e| {
        // Name the file the error came from: the error names a line, not the file.
        let source = match (&csvs.invitations, &csvs.messages) {
            (Some(i), Some(m)) => format!("{} or {}", i.source, m.source),
            (Some(c), None) | (None, Some(c)) => c.source.clone(),
            (None, None) => String::new(),
        };
        in_file(&source, e)
    })?;
    let invitations = match (&t.invitations, &csvs.invitations) {
        (Some(inv), Some(csv)) => Some(invitations_report(csv.source.clone(), inv)?),
        _ => None,
    };
    let conversations = match (&t.inbox, &csvs.messages) {
        (Some(inbox), Some(csv)) => {
            Some(conversations_report(csv.source.clone(), &csv.bytes, inbox)?)
        }
        _ => None,
    };
    Ok(Report {
        owner: owner_item(&t.owner),
        ignored: csvs.ignored,
        invitations,
        conversations,
        reply: DEFAULT_DECLINE_REPLY,
        reply_placeholder,
    })
}

/// `text` as one CSV field, quoted as the library's writers quote (the `csv` crate's
/// necessary quoting): what replaces [`REPLY_PLACEHOLDER`] in a downloaded CSV.
pub fn csv_field(text: &str) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record([text]);
    let bytes = w.into_inner().unwrap_or_default();
    let field = String::from_utf8_lossy(&bytes);
    field.strip_suffix('\n').unwrap_or(&field).to_string()
}

/// A made-up export of a few rows, triaged by [`warm_up`].
const WARM_UP_INVITATIONS: &str = "From,To,Sent At,Message,Direction,inviterProfileUrl\n\
    Ana Ruiz,Sam Lee,\"1/29/26, 2:37 PM\",\"We help teams save 20% on cloud costs, open to a call?\",INCOMING,https://www.linkedin.com/in/ana\n\
    Tom Berg,Sam Lee,\"1/28/26, 9:12 AM\",,INCOMING,https://www.linkedin.com/in/tom\n";
const WARM_UP_MESSAGES: &str = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n\
    c1,,Tom Berg,https://www.linkedin.com/in/tom,Sam Lee,https://www.linkedin.com/in/sam,2026-01-12 14:05:11 UTC,Quick question,\"<p>Great working with you at Acme on the migration!</p>\",INBOX\n\
    c1,,Sam Lee,https://www.linkedin.com/in/sam,Tom Berg,https://www.linkedin.com/in/tom,2026-01-13 09:00:00 UTC,,Likewise Tom!,INBOX\n\
    c2,,Ana Ruiz,https://www.linkedin.com/in/ana,Sam Lee,https://www.linkedin.com/in/sam,2026-01-14 10:00:00 UTC,,Just bumping this to the top of your inbox.,INBOX\n";

/// Runs the whole sort once on a made-up export of a few rows, so that the browser compiles
/// the code a sort takes (it compiles WebAssembly functions when they are first called) while
/// the page loads, not when the person drops their export.
pub fn warm_up() {
    let files = vec![
        DroppedFile {
            name: "Invitations.csv".into(),
            bytes: WARM_UP_INVITATIONS.as_bytes().to_vec(),
        },
        DroppedFile {
            name: "messages.csv".into(),
            bytes: WARM_UP_MESSAGES.as_bytes().to_vec(),
        },
    ];
    if let Ok(report) = triage_report(files, None) {
        let _ = serde_json::to_string(&report);
    }
    let _ = classify_report("warm up");
}

/// The verdict on one text, as the page's "one note" box shows it.
#[derive(Debug, Serialize)]
pub struct ClassifyReport {
    /// The predicted label.
    pub label: String,
    /// Its calibrated probability.
    pub confidence: f64,
    /// Whether it is too uncertain to act on.
    pub unsure: bool,
    /// What to do (`decline`, `accept`, `review`).
    pub action: &'static str,
    /// Every label's probability, in the model's label order.
    pub probabilities: Vec<(String, f64)>,
    /// The evidence: n-gram, the text's words, count, weight.
    pub evidence: Vec<EvidenceItem>,
    /// Where the evidence is in the text (UTF-16 offsets, see [`marks`]).
    pub marks: Vec<[u32; 2]>,
}

/// One piece of evidence.
#[derive(Debug, Serialize)]
pub struct EvidenceItem {
    /// The n-gram as the model knows it.
    pub feature: String,
    /// The text's own words for it.
    pub text: String,
    /// How often it occurs.
    pub count: u32,
    /// Its weight toward the label (log-odds against the runner-up).
    pub weight: f64,
}

/// How many pieces of evidence the one-note box shows.
pub const EVIDENCE_SHOWN: usize = 5;

/// Classifies one text with the pretrained model and the default policy.
pub fn classify_report(text: &str) -> ClassifyReport {
    let p = Classifier::pretrained().classify(text);
    let action = TriagePolicy::default()
        .verdict(&p)
        .map_or(Action::Review, |v| v.action);
    let evidence = p.evidence(text, EVIDENCE_SHOWN);
    ClassifyReport {
        marks: marks(text, evidence_spans(&evidence)),
        label: p.label().to_string(),
        confidence: p.confidence(),
        unsure: p.is_unsure(),
        action: action.name(),
        probabilities: p.probabilities().map(|(l, x)| (l.to_string(), x)).collect(),
        evidence: evidence
            .into_iter()
            .map(|e| EvidenceItem {
                feature: e.feature,
                text: e.text,
                count: e.count,
                weight: e.weight,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nopitch::linkedin::{triage_export, ExportFiles};

    fn sample(name: &str) -> DroppedFile {
        let path = format!("{}/../../datasets/{name}", env!("CARGO_MANIFEST_DIR"));
        DroppedFile {
            name: name.into(),
            bytes: std::fs::read(path).unwrap(),
        }
    }

    /// What the `triage` example (and `nopitch triage`) writes for the sample export.
    fn expected() -> (String, String) {
        let root = format!("{}/../../datasets", env!("CARGO_MANIFEST_DIR"));
        let files = ExportFiles {
            invitations: Some(format!("{root}/sample_invitations.csv").into()),
            messages: Some(format!("{root}/sample_messages.csv").into()),
        };
        let judge =
            ConversationJudge::new(&Classifier::pretrained(), &TriagePolicy::default()).unwrap();
        let t = triage_export(&files, None, &judge).unwrap();
        let mut inv = Vec::new();
        write_invitations(&mut inv, t.invitations.as_ref().unwrap()).unwrap();
        let mut conv = Vec::new();
        write_conversations(&mut conv, t.inbox.as_ref().unwrap()).unwrap();
        (
            String::from_utf8(inv).unwrap(),
            String::from_utf8(conv).unwrap(),
        )
    }

    /// A CSV of the report with the reply put in, as the page does on download.
    fn with_reply(csv: &str, reply: &str) -> String {
        csv.replace(REPLY_PLACEHOLDER, &csv_field(reply))
    }

    #[test]
    fn csv_fields_are_quoted_as_the_writers_quote_them() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
        assert_eq!(
            csv_field(DEFAULT_DECLINE_REPLY).len(),
            DEFAULT_DECLINE_REPLY.len() + 2
        );
    }

    #[test]
    fn the_sample_export_gives_the_commands_csvs_and_every_row_once() {
        let report = triage_report(
            vec![
                sample("sample_messages.csv"),
                sample("sample_invitations.csv"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(report.reply_placeholder, Some(REPLY_PLACEHOLDER));
        let (inv_csv, conv_csv) = expected();
        let inv = report.invitations.unwrap();
        let conv = report.conversations.unwrap();
        assert_eq!(with_reply(&inv.csv, DEFAULT_DECLINE_REPLY), inv_csv);
        assert_eq!(with_reply(&conv.csv, DEFAULT_DECLINE_REPLY), conv_csv);
        assert!(with_reply(&inv.csv, "No, thanks").contains(",\"No, thanks\","));
        assert_eq!(report.owner.name, "Jordan Ellis");
        assert_eq!(report.owner.how, "from the invitations");

        // Every invitation once, counted in its section, as the CSV says.
        let mut rows: Vec<usize> = inv.items.iter().map(|i| i.row).collect();
        rows.sort_unstable();
        assert_eq!(rows, (0..inv.rows).collect::<Vec<_>>());
        assert_eq!(inv.counts.iter().map(|c| c.1).sum::<usize>(), inv.rows);
        let cells = CsvRows::read(&inv_csv).unwrap();
        for item in &inv.items {
            assert_eq!(item.category, cells.cell(item.row, "category"));
            assert_eq!(item.unsure, cells.cell(item.row, "unsure") == "yes");
            assert_eq!(item.note, cells.cell(item.row, "Message"));
        }
        // Sections in page order, the pitches first.
        let order: Vec<&str> = inv.items.iter().map(|i| i.section).collect();
        let mut sorted = order.clone();
        sorted.sort_by_key(|s| SECTIONS.iter().position(|x| x == s));
        assert_eq!(order, sorted);
        assert_eq!(order[0], "sales");
        // The evidence is marked in the note: the marks are the evidence's words.
        for item in inv
            .items
            .iter()
            .filter(|i| i.section == "sales" && !i.note.is_empty())
        {
            assert!(!item.note_marks.is_empty(), "{}", item.note);
            let utf16: Vec<u16> = item.note.encode_utf16().collect();
            for [a, b] in &item.note_marks {
                let marked = String::from_utf16(&utf16[*a as usize..*b as usize]).unwrap();
                assert!(
                    item.note_words.iter().any(|w| marked.contains(w.as_str())),
                    "{marked}"
                );
            }
        }

        // Every conversation once; what the model read marked; its messages shown.
        assert_eq!(conv.items.len(), conv.conversations);
        assert_eq!(
            conv.counts.iter().map(|c| c.1).sum::<usize>(),
            conv.conversations
        );
        assert_eq!(conv.items[0].section, "sales");
        for item in &conv.items {
            let shown = item.turns.len() + item.more_turns;
            assert!(shown >= 1 && shown <= item.messages, "{}", item.id);
        }
        assert!(conv
            .items
            .iter()
            .any(|i| i.turns.iter().any(|t| t.by_owner)));
        for item in conv.items.iter().filter(|i| i.section == "sales") {
            assert!(
                !item.marks.is_empty() || !item.reasons.is_empty(),
                "{}",
                item.id
            );
        }
    }

    #[test]
    fn marks_are_utf16_offsets_merged() {
        let text = "é😄 we worked together";
        let start = text.find("we").unwrap();
        let spans = [start..start + 9, start + 3..text.len(), 0..1, 0..2];
        // 0..1 does not slice the text (inside "é"): skipped.
        let m = marks(text, &spans);
        assert_eq!(m, vec![[0, 1], [4, 4 + 18]]);
        let utf16: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(
            String::from_utf16(&utf16[4..22]).unwrap(),
            "we worked together"
        );
        assert!(marks("", &[0..3, 1..2]).is_empty());
    }

    #[test]
    fn an_export_holding_the_placeholder_gets_the_default_reply() {
        let mut messages = sample("sample_messages.csv");
        messages.bytes.extend_from_slice(
            format!("x1,,Ana Ruiz,,Jordan Ellis,,2026-02-01 10:00:00 UTC,,{REPLY_PLACEHOLDER},INBOX,,No\n").as_bytes(),
        );
        let report = triage_report(vec![messages], None).unwrap();
        assert_eq!(report.reply_placeholder, None);
        assert!(report
            .conversations
            .unwrap()
            .csv
            .contains(&csv_field(DEFAULT_DECLINE_REPLY)));
    }

    #[test]
    fn a_zip_of_the_sample_gives_the_same_report_as_the_loose_files() {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        for (inner, name) in [
            ("Invitations.csv", "sample_invitations.csv"),
            ("messages.csv", "sample_messages.csv"),
        ] {
            w.start_file(inner, options).unwrap();
            w.write_all(&sample(name).bytes).unwrap();
        }
        w.finish().unwrap();
        let zip = DroppedFile {
            name: "Basic_LinkedInDataExport.zip".into(),
            bytes: out.into_inner(),
        };
        let report = triage_report(vec![zip], None).unwrap();
        let (inv_csv, conv_csv) = expected();
        let inv = report.invitations.unwrap();
        assert_eq!(inv.source, "Basic_LinkedInDataExport.zip: Invitations.csv");
        assert_eq!(with_reply(&inv.csv, DEFAULT_DECLINE_REPLY), inv_csv);
        assert_eq!(
            with_reply(&report.conversations.unwrap().csv, DEFAULT_DECLINE_REPLY),
            conv_csv
        );
    }

    #[test]
    fn one_file_alone_and_a_given_owner() {
        let report =
            triage_report(vec![sample("sample_messages.csv")], Some(" Jordan Ellis ")).unwrap();
        assert!(report.invitations.is_none());
        assert_eq!(report.owner.how, "given");
        assert!(!report.owner.doubtful);
        let report = triage_report(vec![sample("sample_invitations.csv")], None).unwrap();
        assert!(report.conversations.is_none());
        let inv = report.invitations.unwrap();
        assert!(inv.counts.iter().any(|&(s, n)| s == "no-note" && n > 0));
    }

    #[test]
    fn a_bad_header_names_the_file() {
        let bad = DroppedFile {
            name: "notes.csv".into(),
            bytes: b"text,label\nhello,personal\n".to_vec(),
        };
        let e = triage_report(vec![bad], None).unwrap_err();
        assert!(e.contains("notes.csv: neither"), "{e}");
    }

    #[test]
    fn the_warm_up_export_is_read_whole() {
        let files = vec![
            DroppedFile {
                name: "Invitations.csv".into(),
                bytes: WARM_UP_INVITATIONS.as_bytes().to_vec(),
            },
            DroppedFile {
                name: "messages.csv".into(),
                bytes: WARM_UP_MESSAGES.as_bytes().to_vec(),
            },
        ];
        let report = triage_report(files, None).unwrap();
        assert_eq!(report.invitations.unwrap().rows, 2);
        let conversations = report.conversations.unwrap();
        assert_eq!(
            (conversations.messages, conversations.conversations),
            (3, 2)
        );
        assert!(conversations.unreadable.is_empty());
        warm_up();
    }

    #[test]
    fn classify_gives_the_librarys_verdict() {
        let text = "We buy used office computers and laptops, can I send you a quote?";
        let r = classify_report(text);
        let p = Classifier::pretrained().classify(text);
        assert_eq!((r.label.as_str(), r.unsure), (p.label(), p.is_unsure()));
        assert_eq!(r.confidence, p.confidence());
        assert_eq!(r.evidence.len(), p.evidence(text, EVIDENCE_SHOWN).len());
        assert!(!r.marks.is_empty());
        assert_eq!(
            r.probabilities.len(),
            Classifier::pretrained().labels().len()
        );
        let empty = classify_report("");
        assert!(empty.unsure && empty.evidence.is_empty() && empty.action == "review");
    }
}
