//! Triage of `messages.csv`: every conversation judged, every row accounted for.
//!
//! The file is streamed: one conversation at a time, plus the output (one row per conversation).
//! Two things can hold more:
//! - Finding the owner (when not given) needs a few conversations: they are kept until exactly
//!   one participant is common to two or more of them (usually the first two or three), at most
//!   [`OWNER_SEARCH_MAX_CONVERSATIONS`]; then the owner is guessed. An owner given by profile
//!   URL alone is known by name from the first message that pairs the two; conversations are
//!   kept until then.
//! - A conversation whose rows are not together in the file (an id that comes back after other
//!   conversations; real exports do not do this) is judged once it is whole: the input is read a
//!   second time, keeping only the messages of those conversations. That costs a second read of
//!   the file, only when it happens, and the memory of those conversations.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;

use super::conversations::{
    recipients, Conversation, ConversationReader, Owner, OwnerFinder, OwnerSource,
};
use super::messages::{Message, MessageReader};
use super::records::{DamagedRecord, Record};
use super::verdict::{
    conversation_text, ConversationCategory, ConversationJudge, ConversationVerdict,
};
use crate::error::{Error, Result};

/// The most conversations kept while looking for the owner; then the owner is guessed.
pub const OWNER_SEARCH_MAX_CONVERSATIONS: usize = 1000;

/// A conversation and its verdict: what the report and the output CSV show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriagedConversation {
    /// The `CONVERSATION ID`.
    pub id: String,
    /// Its title, when it has one.
    pub title: String,
    /// Who it is with: the first person other than the owner who wrote (or, when only the owner
    /// wrote, whom they wrote to); in a group, everyone but the owner, joined with `; `.
    pub sender: String,
    /// That person's profile URL, when the export has it.
    pub sender_profile_url: String,
    /// The folder of its latest message (`INBOX`, `ARCHIVE`, `SPAM`, …; may be empty).
    pub folder: String,
    /// How many rows of the file it has (drafts included).
    pub messages: usize,
    /// The date of its first message, as written.
    pub first_date: String,
    /// The date of its last message, as written.
    pub last_date: String,
    /// The date of the last unanswered follow-up, as written.
    pub last_follow_up_date: Option<String>,
    /// The 1-based line of its first row.
    pub line: u64,
    /// The text the model read: [`conversation_text`] of its messages. A correction of the
    /// verdict is learned on this text, so that the model learns what it will judge.
    pub text: String,
    /// The verdict.
    pub verdict: ConversationVerdict,
}

/// The triage of a `messages.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxTriage {
    /// The export's owner, and how they were found.
    pub owner: Owner,
    /// The file's header.
    pub headers: Vec<String>,
    /// Every conversation, in the order of its first row in the file.
    pub conversations: Vec<TriagedConversation>,
    /// Every record that could not be read, in file order.
    pub unreadable: Vec<DamagedRecord>,
    /// Data rows in the file (records after the header): every one is in a conversation's
    /// [`messages`](TriagedConversation::messages) or in [`unreadable`](InboxTriage::unreadable).
    pub rows: u64,
    /// Conversations whose rows were not together in the file (judged after a second read).
    pub split_conversations: usize,
}

impl InboxTriage {
    /// How many conversations have a category.
    pub fn count(&self, category: ConversationCategory) -> usize {
        self.conversations
            .iter()
            .filter(|c| c.verdict.category == category)
            .count()
    }

    /// The conversations in report order: by category (sales first, then known contacts,
    /// personal, automated, group, outreach), sure verdicts before unsure ones, most confident
    /// first.
    pub fn sorted(&self) -> Vec<&TriagedConversation> {
        let mut sorted: Vec<&TriagedConversation> = self.conversations.iter().collect();
        sorted.sort_by(|a, b| {
            (a.verdict.category, a.verdict.unsure)
                .cmp(&(b.verdict.category, b.verdict.unsure))
                .then(b.verdict.confidence.total_cmp(&a.verdict.confidence))
        });
        sorted
    }
}

/// Judges one conversation.
fn judge_conversation(
    conversation: &Conversation,
    owner: &Owner,
    judge: &ConversationJudge,
) -> TriagedConversation {
    let turns = conversation.turns(owner);
    let others = conversation.other_participants(owner);
    let mut text = conversation_text(&turns);
    let verdict = judge.judge_text(&turns, others, &text);
    // Kept for the output: without the spare capacity it grew with.
    text.shrink_to_fit();
    let sent: Vec<&Message> = conversation.messages.iter().filter(|m| !m.draft).collect();
    let last_follow_up_date = verdict
        .last_follow_up
        .and_then(|i| sent.get(i))
        .map(|m| m.date.clone());
    let (sender, sender_profile_url) = if others >= 2 {
        (group_names(conversation, owner), String::new())
    } else {
        match sent.iter().find(|m| !owner.sent(m)) {
            Some(m) => (m.from.clone(), m.sender_profile_url.clone()),
            None => {
                let to = sent
                    .iter()
                    .flat_map(|m| recipients(m))
                    .find(|(n, u)| !owner.is(n, u))
                    .unwrap_or(("", ""));
                (to.0.to_string(), to.1.to_string())
            }
        }
    };
    let folder = conversation
        .messages
        .iter()
        .rev()
        .map(|m| m.folder.as_str())
        .find(|f| !f.is_empty())
        .unwrap_or("")
        .to_string();
    TriagedConversation {
        id: conversation.id.clone(),
        title: conversation.title.clone(),
        sender,
        sender_profile_url,
        folder,
        messages: conversation.messages.len(),
        first_date: conversation
            .messages
            .first()
            .map_or_else(String::new, |m| m.date.clone()),
        last_date: conversation
            .messages
            .last()
            .map_or_else(String::new, |m| m.date.clone()),
        last_follow_up_date,
        line: conversation.first_line(),
        text,
        verdict,
    }
}

/// Everyone in a conversation but the owner, joined with `; `.
fn group_names(conversation: &Conversation, owner: &Owner) -> String {
    let mut names: Vec<&str> = Vec::new();
    for m in &conversation.messages {
        let people =
            std::iter::once((m.from.as_str(), m.sender_profile_url.as_str())).chain(recipients(m));
        for (name, url) in people {
            if !name.is_empty() && !owner.is(name, url) && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.join("; ")
}

/// Where the owner search stands: known, or conversations kept until it is (found as the
/// participant common to all, or the name of an owner given by profile URL learned).
enum OwnerState {
    Known(Owner),
    Searching(OwnerFinder, Option<Owner>, Vec<Conversation>),
}

/// Triages a `messages.csv` read from `input` (a file, or bytes in a `Cursor`): every
/// conversation judged, every damaged record kept.
///
/// `owner` is the export's owner when known (see [`Owner::given`]); otherwise the participant
/// common to every conversation. An owner whose source is
/// [`OwnerSource::Invitations`] is a hint, taken once a conversation names them.
///
/// # Errors
/// The reader's header errors ([`MissingColumns`](crate::ErrorKind::MissingColumns) for a file
/// that is not a messages export), and I/O errors. Damaged records are not errors: they are in
/// [`InboxTriage::unreadable`].
pub fn triage_messages<R: Read + Seek>(
    mut input: R,
    owner: Option<&Owner>,
    judge: &ConversationJudge,
) -> Result<InboxTriage> {
    let start = input.stream_position().map_err(Error::io)?;
    let reader = MessageReader::from_reader(&mut input)?;
    let headers = reader.headers().to_vec();
    let mut state = match owner {
        Some(o) if o.has_name() && o.source != OwnerSource::Invitations => {
            OwnerState::Known(o.clone())
        }
        given => OwnerState::Searching(OwnerFinder::default(), given.cloned(), Vec::new()),
    };
    let mut conversations: Vec<TriagedConversation> = Vec::new();
    let mut unreadable = Vec::new();
    let mut rows = 0u64;
    let mut split: HashSet<String> = HashSet::new();
    for item in ConversationReader::new(reader) {
        let conversation = match item? {
            Record::Damaged(d) => {
                rows += 1;
                unreadable.push(d);
                continue;
            }
            Record::Read(c) => c,
        };
        rows += conversation.messages.len() as u64;
        if conversation.resumed {
            // Judged whole after a second read; its earlier part's row is replaced then.
            split.insert(conversation.id.clone());
            continue;
        }
        match &mut state {
            OwnerState::Known(owner) => {
                conversations.push(judge_conversation(&conversation, owner, judge));
            }
            OwnerState::Searching(finder, given, kept) => {
                // The owner the invitations name is taken once a conversation names them too;
                // if the first conversation that names anyone does not, it is dropped.
                if let Some(g) = given
                    .as_ref()
                    .filter(|g| g.source == OwnerSource::Invitations)
                {
                    if !conversation.participant_keys().is_empty() && !g.is_named_in(&conversation)
                    {
                        *given = None;
                    }
                }
                let found = match given {
                    Some(g) if g.source == OwnerSource::Invitations => {
                        let named = g.is_named_in(&conversation);
                        finder.add(&conversation);
                        kept.push(conversation);
                        named.then(|| g.clone())
                    }
                    Some(g) => {
                        g.learn_name(&conversation);
                        kept.push(conversation);
                        (g.has_name() || kept.len() >= OWNER_SEARCH_MAX_CONVERSATIONS)
                            .then(|| g.clone())
                    }
                    None => {
                        finder.add(&conversation);
                        kept.push(conversation);
                        finder.certain().or_else(|| {
                            (!finder.can_become_certain()
                                || kept.len() >= OWNER_SEARCH_MAX_CONVERSATIONS)
                                .then(|| finder.best())
                        })
                    }
                };
                if let Some(owner) = found {
                    for c in kept.drain(..) {
                        conversations.push(judge_conversation(&c, &owner, judge));
                    }
                    state = OwnerState::Known(owner);
                }
            }
        }
    }
    let owner = match state {
        OwnerState::Known(owner) => owner,
        OwnerState::Searching(finder, given, kept) => {
            let owner = given.unwrap_or_else(|| finder.best());
            for c in &kept {
                conversations.push(judge_conversation(c, &owner, judge));
            }
            owner
        }
    };
    if !split.is_empty() {
        input.seek(SeekFrom::Start(start)).map_err(Error::io)?;
        let mut reader = MessageReader::from_reader(&mut input)?;
        let mut parts: HashMap<String, Vec<Message>> =
            split.iter().map(|id| (id.clone(), Vec::new())).collect();
        while let Some(row) = reader.read_row()? {
            if let Record::Read(m) = row {
                if let Some(part) = parts.get_mut(&m.conversation_id) {
                    part.push(m);
                }
            }
        }
        for (id, messages) in parts {
            let whole = judge_conversation(&Conversation::new(id, messages), &owner, judge);
            if let Some(row) = conversations.iter_mut().find(|c| c.id == whole.id) {
                *row = whole;
            }
        }
    }
    Ok(InboxTriage {
        owner,
        headers,
        conversations,
        unreadable,
        rows,
        split_conversations: split.len(),
    })
}

/// [`triage_messages`] on a file.
///
/// # Errors
/// As [`triage_messages`], naming the file.
pub fn triage_messages_file(
    path: impl AsRef<Path>,
    owner: Option<&Owner>,
    judge: &ConversationJudge,
) -> Result<InboxTriage> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
    triage_messages(file, owner, judge).map_err(|e| e.with_path(path))
}

/// The evidence of a verdict in words: the rules' reasons, then the model's evidence in the
/// messages' own words.
pub fn evidence_text(verdict: &ConversationVerdict) -> String {
    verdict
        .reasons
        .iter()
        .cloned()
        .chain(verdict.evidence.iter().map(|e| format!("\"{}\"", e.text)))
        .collect::<Vec<_>>()
        .join("; ")
}
