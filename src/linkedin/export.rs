//! Triage of a whole export: `Invitations.csv` and `messages.csv` from an unzipped export folder,
//! joined by person.
//!
//! Each incoming invitation is joined to the conversation with the same person: by profile URL
//! (`inviterProfileUrl` and the messages' `SENDER PROFILE URL`), and by name where one of the two
//! has no profile URL (a name shared by people with different profiles, or `LinkedIn Member`, is
//! never joined on). When
//! a person has several conversations, the one that says most wins: a sure pitch first, then any
//! sure verdict, then the most confident.
//!
//! | invitation | their conversation | the invitation's verdict |
//! |---|---|---|
//! | with a note | sales / known-contact / personal | both weighed: the note's probabilities times the conversation's (never a sure `sales` when the owner answered) |
//! | with a note | automated, group, outreach, none | the note's, with the conversation named |
//! | no note | sales / known-contact / personal / automated | the conversation's, saying so |
//! | no note | group, outreach, none | none: `no-note` (the conversation is named) |

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::conversations::{person_key, profile_key, Owner, OwnerSource};
use super::inbox::{evidence_text, triage_messages, InboxTriage, TriagedConversation};
use super::invitations::{
    triage, Direction, InvitationReader, Triage, TriagedInvitation, REQUIRED_COLUMNS,
};
use super::messages::MESSAGE_COLUMNS;
use super::verdict::{ConversationCategory, ConversationJudge};
use crate::error::{Error, ErrorKind, Result};
use crate::triage::Action;

/// The two files of an export this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFile {
    /// `Invitations.csv`.
    Invitations,
    /// `messages.csv`.
    Messages,
}

impl ExportFile {
    /// The file's name in an export.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFile::Invitations => "Invitations.csv",
            ExportFile::Messages => "messages.csv",
        }
    }
}

/// Which export file a CSV is, from its header; `None` when it is neither.
///
/// # Errors
/// [`ErrorKind::Io`] if it cannot be read.
pub fn export_file_kind(path: impl AsRef<Path>) -> Result<Option<ExportFile>> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
    let mut first = Vec::new();
    BufReader::new(file)
        .take(64 * 1024)
        .read_until(b'\n', &mut first)
        .map_err(|e| Error::io(e).with_path(path))?;
    let header: Vec<String> = String::from_utf8_lossy(&first)
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|h| h.trim().trim_matches('"').trim().to_string())
        .collect();
    let has_all = |names: &[&str]| {
        names
            .iter()
            .all(|n| header.iter().any(|h| h.eq_ignore_ascii_case(n)))
    };
    Ok(if has_all(&MESSAGE_COLUMNS) {
        Some(ExportFile::Messages)
    } else if has_all(&REQUIRED_COLUMNS) {
        Some(ExportFile::Invitations)
    } else {
        None
    })
}

/// The export files to triage; either may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFiles {
    /// `Invitations.csv`, when present.
    pub invitations: Option<PathBuf>,
    /// `messages.csv`, when present.
    pub messages: Option<PathBuf>,
}

impl ExportFiles {
    /// Finds `Invitations.csv` and `messages.csv` in an unzipped export folder (names matched
    /// without regard to case), or in a folder directly inside it (the folder the archive
    /// unzipped into).
    ///
    /// # Errors
    /// [`ErrorKind::Io`] if the folder cannot be read, or if it holds neither file (`NotFound`).
    pub fn find(dir: impl AsRef<Path>) -> Result<ExportFiles> {
        let dir = dir.as_ref();
        let mut files = ExportFiles::default();
        files.search(dir)?;
        if files.invitations.is_none() && files.messages.is_none() {
            let entries = std::fs::read_dir(dir).map_err(|e| Error::io(e).with_path(dir))?;
            let mut subdirs: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            subdirs.sort();
            for sub in subdirs {
                files.search(&sub)?;
                if files.invitations.is_some() || files.messages.is_some() {
                    break;
                }
            }
        }
        if files.invitations.is_none() && files.messages.is_none() {
            return Err(Error::io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no Invitations.csv or messages.csv here, nor in a folder inside (is this an unzipped LinkedIn export?)",
            ))
            .with_path(dir));
        }
        Ok(files)
    }

    fn search(&mut self, dir: &Path) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(e).with_path(dir))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if name.eq_ignore_ascii_case(ExportFile::Invitations.file_name()) {
                self.invitations.get_or_insert(path);
            } else if name.eq_ignore_ascii_case(ExportFile::Messages.file_name()) {
                self.messages.get_or_insert(path);
            }
        }
        Ok(())
    }

    /// Sorts the given paths into the two files: a folder is searched as with
    /// [`ExportFiles::find`], a file is told by its header.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] for a path that cannot be read; [`ErrorKind::MissingColumns`] for a file
    /// that is neither (naming the invitations columns it lacks); [`ErrorKind::InvalidValue`]
    /// when two paths are the same kind of file.
    pub fn from_paths<P: AsRef<Path>>(paths: &[P]) -> Result<ExportFiles> {
        let mut files = ExportFiles::default();
        for path in paths {
            let path = path.as_ref();
            let found = if path.is_dir() {
                ExportFiles::find(path)?
            } else {
                match export_file_kind(path)? {
                    Some(ExportFile::Invitations) => ExportFiles {
                        invitations: Some(path.to_path_buf()),
                        messages: None,
                    },
                    Some(ExportFile::Messages) => ExportFiles {
                        invitations: None,
                        messages: Some(path.to_path_buf()),
                    },
                    // Let the invitations reader say which columns are missing.
                    None => {
                        return Err(InvitationReader::from_path(path).err().unwrap_or_else(|| {
                            Error::new(ErrorKind::MissingColumns {
                                path: Some(path.to_path_buf()),
                                missing: MESSAGE_COLUMNS.map(String::from).to_vec(),
                                found: Vec::new(),
                            })
                        }))
                    }
                }
            };
            for (mine, theirs, kind) in [
                (
                    &mut files.invitations,
                    found.invitations,
                    ExportFile::Invitations,
                ),
                (&mut files.messages, found.messages, ExportFile::Messages),
            ] {
                if let Some(p) = theirs {
                    if let Some(first) = mine {
                        return Err(Error::new(ErrorKind::InvalidValue {
                            path: Some(p),
                            line: None,
                            column: "file".into(),
                            reason: format!(
                                "a second {} (the first is {})",
                                kind.file_name(),
                                first.display()
                            ),
                        }));
                    }
                    *mine = Some(p);
                }
            }
        }
        Ok(files)
    }
}

/// How an invitation was joined to a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum JoinedBy {
    /// The same profile URL.
    ProfileUrl,
    /// The same name (no conversation had the invitation's profile URL).
    Name,
}

impl JoinedBy {
    /// `profile-url` or `name`.
    pub fn name(self) -> &'static str {
        match self {
            JoinedBy::ProfileUrl => "profile-url",
            JoinedBy::Name => "name",
        }
    }
}

/// The conversation an invitation was joined to, and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationLink {
    /// The conversation's id.
    pub conversation_id: String,
    /// How it was joined.
    pub joined_by: JoinedBy,
    /// The conversation's category.
    pub category: ConversationCategory,
    /// Its confidence.
    pub confidence: f64,
    /// Whether it was unsure.
    pub unsure: bool,
    /// Whether the owner answered in it (no cold pitch).
    pub owner_engaged: bool,
    /// Its evidence, in words.
    pub evidence: String,
}

/// What an invitation's verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictSource {
    /// The note alone.
    Note,
    /// The same person's conversation alone (the invitation has no note).
    Conversation,
    /// The note and the conversation, weighed together.
    NoteAndConversation,
}

impl VerdictSource {
    /// `note`, `conversation` or `note+conversation`.
    pub fn name(self) -> &'static str {
        match self {
            VerdictSource::Note => "note",
            VerdictSource::Conversation => "conversation",
            VerdictSource::NoteAndConversation => "note+conversation",
        }
    }
}

/// An invitation's verdict in the export triage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvitationVerdict {
    /// What it is.
    pub category: ConversationCategory,
    /// What to do.
    pub action: Action,
    /// Probability of the category.
    pub confidence: f64,
    /// Whether it is too uncertain to act on.
    pub unsure: bool,
    /// What it rests on.
    pub source: VerdictSource,
    /// Its evidence, in words.
    pub evidence: String,
}

/// An invitation in the export triage.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportInvitation {
    /// The invitation and the verdict on its note alone, as [`triage`](super::triage) gives it.
    pub invitation: TriagedInvitation,
    /// The same person's conversation, when one was found (incoming invitations only).
    pub conversation: Option<ConversationLink>,
    /// The verdict, when there is one (see the module docs); `None` for outgoing, unreadable and
    /// unknown-direction rows, and no-note invitations without a judged conversation.
    pub verdict: Option<InvitationVerdict>,
}

impl ExportInvitation {
    /// Its category: the verdict's label, or `no-note`, `outgoing`, `unknown-direction`,
    /// `unreadable` for rows without a verdict.
    pub fn category(&self) -> &'static str {
        match (&self.verdict, &self.invitation.triage) {
            (Some(v), _) => v.category.label(),
            (None, Triage::Judged(v, _)) => v.category.label(),
            (None, Triage::NoNote) => "no-note",
            (None, Triage::Outgoing) => "outgoing",
            (None, Triage::UnknownDirection) => "unknown-direction",
            (None, Triage::Unreadable { .. }) => "unreadable",
        }
    }

    /// The category shown for it: [`ExportInvitation::category`], followed by ` (unsure)` for
    /// an unsure verdict.
    pub fn category_label(&self) -> String {
        match &self.verdict {
            Some(v) if v.unsure => format!("{} (unsure)", self.category()),
            _ => self.category().to_string(),
        }
    }
}

/// The invitations of an export, triaged.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationsTriage {
    /// The file's header.
    pub headers: Vec<String>,
    /// Every row, in file order.
    pub rows: Vec<ExportInvitation>,
    /// Whether they were joined with a messages file.
    pub joined: bool,
}

impl InvitationsTriage {
    /// Invitations triaged on their notes alone, as [`triage`](super::triage) gives them, not
    /// joined with messages: each judged note keeps its verdict.
    pub fn unjoined(headers: Vec<String>, rows: Vec<TriagedInvitation>) -> InvitationsTriage {
        InvitationsTriage {
            rows: rows
                .into_iter()
                .map(|invitation| ExportInvitation {
                    verdict: note_verdict(&invitation, None),
                    invitation,
                    conversation: None,
                })
                .collect(),
            headers,
            joined: false,
        }
    }

    /// Rows that could not be read.
    pub fn unreadable(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.invitation.triage, Triage::Unreadable { .. }))
            .count()
    }
}

/// The triage of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTriage {
    /// The export's owner, and how they were found.
    pub owner: Owner,
    /// The invitations, when the export has `Invitations.csv`.
    pub invitations: Option<InvitationsTriage>,
    /// The conversations, when the export has `messages.csv`.
    pub inbox: Option<InboxTriage>,
}

/// The column of a header, without regard to case.
fn column(headers: &[String], name: &str) -> Option<usize> {
    headers.iter().position(|h| h.eq_ignore_ascii_case(name))
}

/// The owner named by the invitations: the recipient of every incoming invitation and the
/// sender of every outgoing one, when they agree.
fn owner_from_invitations(rows: &[TriagedInvitation]) -> Option<Owner> {
    let mut names = rows.iter().filter_map(|r| match r.invitation.direction {
        Direction::Incoming => Some(r.invitation.to.as_str()),
        Direction::Outgoing => Some(r.invitation.from.as_str()),
        Direction::Other(_) => None,
    });
    let first = names.next()?;
    let key = person_key(first)?;
    names
        .all(|n| person_key(n).as_deref() == Some(key.as_str()))
        .then(|| Owner::found(first.trim(), OwnerSource::Invitations))
}

/// The conversations of each person, by profile URL and by name.
struct PeopleIndex<'a> {
    by_profile: std::collections::HashMap<String, Vec<&'a TriagedConversation>>,
    by_name: std::collections::HashMap<String, Vec<&'a TriagedConversation>>,
}

impl<'a> PeopleIndex<'a> {
    fn new(inbox: &'a InboxTriage) -> PeopleIndex<'a> {
        let mut by_profile: std::collections::HashMap<String, Vec<&TriagedConversation>> =
            Default::default();
        let mut by_name: std::collections::HashMap<String, Vec<&TriagedConversation>> =
            Default::default();
        // Names shared by people with different profiles are never joined on.
        let mut name_profiles: std::collections::HashMap<String, Option<String>> =
            Default::default();
        let mut ambiguous: std::collections::HashSet<String> = Default::default();
        for c in &inbox.conversations {
            if c.verdict.category == ConversationCategory::Group {
                continue;
            }
            let profile = profile_key(&c.sender_profile_url);
            if let Some(p) = &profile {
                by_profile.entry(p.clone()).or_default().push(c);
            }
            if let Some(name) = person_key(&c.sender) {
                match name_profiles.get(&name) {
                    Some(seen) if seen.is_some() && profile.is_some() && *seen != profile => {
                        ambiguous.insert(name.clone());
                    }
                    Some(_) => {}
                    None => {
                        name_profiles.insert(name.clone(), profile.clone());
                    }
                }
                by_name.entry(name).or_default().push(c);
            }
        }
        for name in ambiguous {
            by_name.remove(&name);
        }
        PeopleIndex {
            by_profile,
            by_name,
        }
    }

    /// The conversation of the person with this name and profile URL that says most.
    fn find(&self, name: &str, profile_url: &str) -> Option<(&'a TriagedConversation, JoinedBy)> {
        let profile = profile_key(profile_url);
        let by_profile = profile.as_ref().and_then(|p| self.by_profile.get(p));
        let candidates: Vec<&'a TriagedConversation>;
        let how;
        match by_profile {
            Some(c) => {
                candidates = c.clone();
                how = JoinedBy::ProfileUrl;
            }
            None => {
                // By name only where a profile URL is absent (on either side).
                candidates = self
                    .by_name
                    .get(&person_key(name)?)?
                    .iter()
                    .copied()
                    .filter(|c| profile.is_none() || profile_key(&c.sender_profile_url).is_none())
                    .collect();
                how = JoinedBy::Name;
            }
        }
        let rank = |c: &TriagedConversation| {
            let v = &c.verdict;
            let sure_sales = v.category == ConversationCategory::Sales && !v.unsure;
            (
                sure_sales,
                !v.unsure,
                v.category.to_note().is_some(),
                v.confidence,
            )
        };
        candidates
            .iter()
            .copied()
            .max_by(|a, b| {
                let (ra, rb) = (rank(a), rank(b));
                (ra.0, ra.1, ra.2)
                    .cmp(&(rb.0, rb.1, rb.2))
                    .then(ra.3.total_cmp(&rb.3))
            })
            .map(|c| (c, how))
    }
}

/// A note's evidence in the note's own words.
fn note_words(evidence: &[crate::Evidence]) -> String {
    evidence
        .iter()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The note's evidence as cited next to a conversation's.
fn cited_note(evidence: &[crate::Evidence]) -> String {
    match note_words(evidence) {
        words if words.is_empty() => "note: no clear signal".into(),
        words => format!("note: {words}"),
    }
}

/// A conversation's verdict and evidence, as an invitation's evidence cites it.
fn from_conversation(l: &ConversationLink) -> String {
    format!(
        "from conversation {} ({}, {:.3}){}{}",
        l.conversation_id,
        l.category,
        l.confidence,
        if l.evidence.is_empty() { "" } else { ": " },
        l.evidence
    )
}

/// The verdict on an invitation's note alone (`None` when it has no judged note), citing the
/// person's conversation when there is one.
fn note_verdict(
    row: &TriagedInvitation,
    link: Option<&ConversationLink>,
) -> Option<InvitationVerdict> {
    let Triage::Judged(v, evidence) = &row.triage else {
        return None;
    };
    let mut words = note_words(evidence);
    if let Some(l) = link {
        words = format!("{}; also {}", cited_note(evidence), from_conversation(l));
    }
    Some(InvitationVerdict {
        category: ConversationCategory::from_note(v.category),
        action: v.action.clone(),
        confidence: v.confidence,
        unsure: v.unsure,
        source: VerdictSource::Note,
        evidence: words,
    })
}

/// The export verdict of one invitation, given its person's conversation.
fn invitation_verdict(
    row: &TriagedInvitation,
    link: Option<&ConversationLink>,
    judge: &ConversationJudge,
) -> Option<InvitationVerdict> {
    let action = |category: ConversationCategory, unsure: bool| match category.to_note() {
        Some(c) => judge.policy().action_for(c, unsure),
        None if category == ConversationCategory::Automated && !unsure => Action::Archive,
        None => Action::Review,
    };
    match (&row.triage, link) {
        (Triage::Judged(_, evidence), Some(l)) if l.category.to_note().is_some() => {
            // Weigh both: the note's probabilities times the conversation's.
            let note = judge.classifier().classify(&row.invitation.message);
            let mut best = (ConversationCategory::Sales, -1.0);
            let mut total = 0.0;
            let mut scores = Vec::new();
            for c in super::labelled::MACRO_F1_CATEGORIES {
                let p_note = note.probability(c.label());
                let p_conv = if c == l.category {
                    l.confidence
                } else {
                    (1.0 - l.confidence) / 2.0
                };
                let s = p_note * p_conv;
                total += s;
                scores.push((c, s));
            }
            for (c, s) in scores {
                let p = if total > 0.0 { s / total } else { 1.0 / 3.0 };
                if p > best.1 {
                    best = (c, p);
                }
            }
            let (category, confidence) = best;
            // A person the owner talked with at length is not declined as a cold pitch.
            let unsure = confidence < judge.classifier().settings().unsure_below
                || (l.owner_engaged && category == ConversationCategory::Sales);
            Some(InvitationVerdict {
                category,
                action: action(category, unsure),
                confidence,
                unsure,
                source: VerdictSource::NoteAndConversation,
                evidence: format!("{}; {}", cited_note(evidence), from_conversation(l)),
            })
        }
        (Triage::Judged(..), l) => note_verdict(row, l),
        (Triage::NoNote, Some(l))
            if l.category.to_note().is_some() || l.category == ConversationCategory::Automated =>
        {
            Some(InvitationVerdict {
                category: l.category,
                action: action(l.category, l.unsure),
                confidence: l.confidence,
                unsure: l.unsure,
                source: VerdictSource::Conversation,
                evidence: format!("no note; {}", from_conversation(l)),
            })
        }
        _ => None,
    }
}

/// Joins triaged invitations with the inbox's conversations.
fn join(
    rows: Vec<TriagedInvitation>,
    headers: &[String],
    inbox: Option<&InboxTriage>,
    judge: &ConversationJudge,
) -> Vec<ExportInvitation> {
    let index = inbox.map(PeopleIndex::new);
    let inviter_url = column(headers, "inviterProfileUrl");
    rows.into_iter()
        .map(|invitation| {
            let link = match (&index, &invitation.invitation.direction, &invitation.triage) {
                (Some(index), Direction::Incoming, Triage::Judged(..) | Triage::NoNote) => {
                    let url = inviter_url
                        .and_then(|i| invitation.invitation.fields.get(i))
                        .map_or("", String::as_str);
                    index
                        .find(&invitation.invitation.from, url)
                        .map(|(c, joined_by)| ConversationLink {
                            conversation_id: c.id.clone(),
                            joined_by,
                            category: c.verdict.category,
                            confidence: c.verdict.confidence,
                            unsure: c.verdict.unsure,
                            owner_engaged: c.verdict.owner_engaged,
                            evidence: evidence_text(&c.verdict),
                        })
                }
                _ => None,
            };
            let verdict = invitation_verdict(&invitation, link.as_ref(), judge);
            ExportInvitation {
                invitation,
                conversation: link,
                verdict,
            }
        })
        .collect()
}

/// Triages an export given as readers (either may be missing): the invitations, then the
/// messages (with the owner the invitations name, unless `owner` is given), then the join.
///
/// # Errors
/// Header and I/O errors of either file. Damaged records are not errors: they are kept in the
/// output as unreadable rows.
pub fn triage_export_readers<I: Read, M: Read + Seek>(
    invitations: Option<I>,
    messages: Option<M>,
    owner: Option<&Owner>,
    judge: &ConversationJudge,
) -> Result<ExportTriage> {
    triage_sources(invitations, messages, owner, judge, [None, None])
}

/// The export triage, attributing errors to the file they came from.
fn triage_sources<I: Read, M: Read + Seek>(
    invitations: Option<I>,
    messages: Option<M>,
    owner: Option<&Owner>,
    judge: &ConversationJudge,
    paths: [Option<&Path>; 2],
) -> Result<ExportTriage> {
    let attach = |e: Error, path: Option<&Path>| match path {
        Some(p) => e.with_path(p),
        None => e,
    };
    let invitations = match invitations {
        Some(r) => {
            let reader = InvitationReader::from_reader(r).map_err(|e| attach(e, paths[0]))?;
            let headers = reader.headers().to_vec();
            let rows = triage(reader, judge.classifier(), judge.policy())
                .map_err(|e| attach(e, paths[0]))?;
            Some((headers, rows))
        }
        None => None,
    };
    let mut owner = owner.cloned();
    if owner.is_none() {
        owner = invitations
            .as_ref()
            .and_then(|(_, rows)| owner_from_invitations(rows));
    }
    let inbox = match messages {
        Some(m) => {
            Some(triage_messages(m, owner.as_ref(), judge).map_err(|e| attach(e, paths[1]))?)
        }
        None => None,
    };
    let owner = match (&inbox, owner) {
        (Some(inbox), _) => inbox.owner.clone(),
        (None, Some(owner)) => owner,
        (None, None) => Owner::unknown(),
    };
    let invitations = invitations.map(|(headers, rows)| InvitationsTriage {
        rows: join(rows, &headers, inbox.as_ref(), judge),
        headers,
        joined: inbox.is_some(),
    });
    Ok(ExportTriage {
        owner,
        invitations,
        inbox,
    })
}

/// Triages the export files found by [`ExportFiles::find`] or [`ExportFiles::from_paths`].
///
/// # Errors
/// As [`triage_export_readers`], naming the file; [`ErrorKind::Io`] if neither file is given.
pub fn triage_export(
    files: &ExportFiles,
    owner: Option<&Owner>,
    judge: &ConversationJudge,
) -> Result<ExportTriage> {
    triage_export_with(files, owner, judge, |file| file)
}

/// [`triage_export`], reading each file through `wrap`: for instance a reader that reports
/// progress as bytes are read. The messages may be read twice (see
/// [`triage_messages`](super::triage_messages)), so the wrapper seeks.
///
/// # Errors
/// As [`triage_export`].
pub fn triage_export_with<R: Read + Seek>(
    files: &ExportFiles,
    owner: Option<&Owner>,
    judge: &ConversationJudge,
    mut wrap: impl FnMut(File) -> R,
) -> Result<ExportTriage> {
    if files.invitations.is_none() && files.messages.is_none() {
        return Err(Error::io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no Invitations.csv or messages.csv to triage",
        )));
    }
    let mut open = |p: &Option<PathBuf>| -> Result<Option<R>> {
        p.as_ref()
            .map(|p| {
                File::open(p)
                    .map(&mut wrap)
                    .map_err(|e| Error::io(e).with_path(p))
            })
            .transpose()
    };
    let invitations = open(&files.invitations)?;
    let messages = open(&files.messages)?;
    triage_sources(
        invitations,
        messages,
        owner,
        judge,
        [files.invitations.as_deref(), files.messages.as_deref()],
    )
}

/// [`ExportFiles::find`] then [`triage_export`]: triages an unzipped export folder.
///
/// # Errors
/// As both.
pub fn triage_export_dir(
    dir: impl AsRef<Path>,
    owner: Option<&Owner>,
    judge: &ConversationJudge,
) -> Result<ExportTriage> {
    triage_export(&ExportFiles::find(dir)?, owner, judge)
}
