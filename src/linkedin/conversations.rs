//! Messages grouped into conversations, and the export's owner.
//!
//! Real exports list a conversation's rows together, so [`ConversationReader`] holds one
//! conversation at a time: memory is that of the largest conversation, plus one id per
//! conversation seen (to notice an id that comes back after other conversations, which it marks
//! [`Conversation::resumed`]; [`triage_messages`](super::triage_messages) then reads the file a
//! second time for those conversations only).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde::Serialize;

use super::messages::{Message, MessageReader};
use super::records::Record;
use super::verdict::Turn;
use crate::error::Result;

/// The name LinkedIn shows for accounts that no longer show one: many different people.
pub const LINKEDIN_MEMBER: &str = "LinkedIn Member";

/// A conversation: its messages in date order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// The `CONVERSATION ID`.
    pub id: String,
    /// The first non-empty `CONVERSATION TITLE` of its messages.
    pub title: String,
    /// Its messages, oldest first. Messages whose date cannot be read stay right after the
    /// message that precedes them in the file.
    pub messages: Vec<Message>,
    /// Whether this id was already yielded earlier in the file: the conversation's rows are not
    /// together, and this is only a part of it.
    pub resumed: bool,
}

impl Conversation {
    /// A conversation of messages in any order (they are sorted by date).
    pub fn new(id: impl Into<String>, messages: Vec<Message>) -> Conversation {
        let mut c = Conversation {
            id: id.into(),
            title: String::new(),
            messages,
            resumed: false,
        };
        c.finish();
        c
    }

    fn finish(&mut self) {
        sort_by_date(&mut self.messages);
        if self.title.is_empty() {
            if let Some(m) = self
                .messages
                .iter()
                .find(|m| !m.conversation_title.is_empty())
            {
                self.title = m.conversation_title.clone();
            }
        }
    }

    /// The 1-based line of its first row in the file.
    pub fn first_line(&self) -> u64 {
        self.messages.iter().map(|m| m.line).min().unwrap_or(0)
    }

    /// The messages as the verdicts see them, oldest first: drafts (never sent) left out, the
    /// owner's marked, days counted from the first message.
    pub fn turns<'a>(&'a self, owner: &Owner) -> Vec<Turn<'a>> {
        let start = self.messages.iter().find_map(|m| m.timestamp);
        self.messages
            .iter()
            .filter(|m| !m.draft)
            .map(|m| Turn {
                by_owner: owner.sent(m),
                sender: &m.from,
                subject: &m.subject,
                text: &m.content,
                markup: m.markup,
                day: match (start, m.timestamp) {
                    (Some(s), Some(t)) => Some((t - s) as f64 / 86_400.0),
                    _ => None,
                },
            })
            .collect()
    }

    /// How many people other than the owner are in it, senders and recipients. Everyone shown
    /// as `LinkedIn Member` counts as one person.
    pub fn other_participants(&self, owner: &Owner) -> usize {
        let mut seen: Vec<Cow<str>> = Vec::new();
        let people = self.messages.iter().flat_map(|m| {
            std::iter::once((m.from.as_str(), m.sender_profile_url.as_str())).chain(recipients(m))
        });
        for (name, url) in people {
            if owner.is(name, url) {
                continue;
            }
            let id = identity(name);
            if !id.is_empty() && !seen.contains(&id) {
                seen.push(id);
            }
        }
        seen.len()
    }

    /// Everyone named in it, senders and recipients, as [`person_key`]s (each once, in order of
    /// appearance). `LinkedIn Member` and empty names are left out.
    pub fn participant_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for m in &self.messages {
            for name in std::iter::once(m.from.as_str()).chain(split_names(&m.to)) {
                if let Some(k) = person_key(name) {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
        }
        keys
    }
}

/// Sorts messages by timestamp, stably; a message without one keeps the timestamp of the
/// message before it in the file, so it stays next to it.
fn sort_by_date(messages: &mut [Message]) {
    if messages.len() < 2 {
        return;
    }
    if messages.iter().all(|m| m.timestamp.is_some()) {
        messages.sort_by_key(|m| m.timestamp);
        return;
    }
    let mut last = i64::MIN;
    let mut keyed: Vec<(i64, usize)> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if let Some(t) = m.timestamp {
                last = t;
            }
            (last, i)
        })
        .collect();
    keyed.sort();
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let mut sorted: Vec<Message> = order.iter().map(|&i| messages[i].clone()).collect();
    messages.swap_with_slice(&mut sorted);
}

/// Who a name stands for within one conversation: a person, `LinkedIn Member` (any number of
/// them count as one), or an organisation or LinkedIn itself.
fn identity(name: &str) -> Cow<'_, str> {
    match person_key_ref(name) {
        Some(k) => k,
        None => {
            let n = name.trim().to_lowercase();
            if n.is_empty() {
                Cow::Owned(n)
            } else {
                Cow::Owned(format!("\u{1}{n}"))
            }
        }
    }
}

/// A name as a key that identifies a person across files: trimmed, inner spaces collapsed,
/// lower-cased. `None` for an empty name, `LinkedIn Member` (many people) and senders named
/// `LinkedIn …` (LinkedIn itself).
pub fn person_key(name: &str) -> Option<String> {
    person_key_ref(name).map(Cow::into_owned)
}

/// [`person_key`] without allocating when the name is already a key (plain ASCII, lower case,
/// single spaces), as most names met in a triage are after the first.
fn person_key_ref(name: &str) -> Option<Cow<'_, str>> {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| (b.is_ascii_graphic() && !b.is_ascii_uppercase()) || b == b' ')
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ");
    let key: Cow<str> = if plain {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(
            name.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
        )
    };
    if key.is_empty()
        || key == "linkedin member"
        || key == "linkedin"
        || key.starts_with("linkedin ")
    {
        return None;
    }
    Some(key)
}

/// Whether `name`'s [`person_key`] is `key` (itself a person key), without allocating for an
/// ASCII name.
fn is_person(key: &str, name: &str) -> bool {
    if !name.is_ascii() {
        return person_key_ref(name).is_some_and(|theirs| theirs == key);
    }
    // A person key is never empty nor one of the names `person_key` refuses, so a name that
    // spells it out word by word has it as its key.
    let mut expected = key.bytes();
    let mut words = name.split(char::is_whitespace).filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        if !first
            .bytes()
            .all(|b| expected.next() == Some(b.to_ascii_lowercase()))
        {
            return false;
        }
    }
    for word in words {
        if expected.next() != Some(b' ')
            || !word
                .bytes()
                .all(|b| expected.next() == Some(b.to_ascii_lowercase()))
        {
            return false;
        }
    }
    expected.next().is_none()
}

/// A LinkedIn profile URL as a key: the part after `/in/` (or the path), lower-cased, without
/// scheme, host, query or trailing slash. `None` when empty.
pub fn profile_key(url: &str) -> Option<String> {
    profile_key_ref(url).map(Cow::into_owned)
}

/// [`profile_key`] without allocating when the URL is ASCII without upper-case letters (most
/// URLs of an export).
fn profile_key_ref(url: &str) -> Option<Cow<'_, str>> {
    let url = url.trim();
    let lower: Cow<str> = if !url.is_ascii() || url.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(url.to_lowercase())
    } else {
        Cow::Borrowed(url)
    };
    let key = |u: &str| -> (usize, usize) {
        let query = u.bytes().position(|b| b == b'?' || b == b'#');
        let u = u[..query.unwrap_or(u.len())].trim_end_matches('/');
        match u.as_bytes().windows(4).position(|w| w == b"/in/") {
            Some(i) => (i + 4, u.len()),
            None => {
                let rest = u
                    .trim_start_matches("https://")
                    .trim_start_matches("http://")
                    .trim_start_matches("www.");
                (u.len() - rest.len(), u.len())
            }
        }
    };
    let (start, end) = key(&lower);
    if start >= end {
        return None;
    }
    Some(match lower {
        Cow::Borrowed(u) => Cow::Borrowed(&u[start..end]),
        Cow::Owned(u) => Cow::Owned(u[start..end].to_string()),
    })
}

/// The names in a `TO` field. Names are separated by commas, but a piece without a space
/// (`MBA`, `PhD`, `Jr.`) belongs to the name before it: `Jane Doe, MBA, Sam Lee` is two people.
pub fn split_names(to: &str) -> impl Iterator<Item = &str> {
    let mut names: Vec<&str> = Vec::new();
    // The byte range of the name being read.
    let mut current: Option<(usize, usize)> = None;
    let mut at = 0;
    for piece in to.split(',') {
        let (start, end) = (at, at + piece.len());
        at = end + 1;
        let trimmed = piece.trim();
        match current {
            Some((s, _)) if !trimmed.is_empty() && !trimmed.contains(char::is_whitespace) => {
                current = Some((s, end));
                continue;
            }
            Some((s, e)) => names.push(to[s..e].trim()),
            None => {}
        }
        current = (!trimmed.is_empty()).then_some((start, end));
    }
    if let Some((s, e)) = current {
        names.push(to[s..e].trim());
    }
    names.into_iter()
}

/// A message's recipients: each name of `TO` with its profile URL from `RECIPIENT PROFILE URLS`
/// when the two lists have as many entries (else with an empty URL).
pub fn recipients(message: &Message) -> Vec<(&str, &str)> {
    let names: Vec<&str> = split_names(&message.to).collect();
    let urls: Vec<&str> = message
        .recipient_profile_urls
        .split([',', ';', ' ', '\n'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    if urls.len() == names.len() {
        names.into_iter().zip(urls).collect()
    } else {
        names.into_iter().map(|n| (n, "")).collect()
    }
}

/// Groups a [`MessageReader`]'s rows into conversations.
///
/// Yields each conversation when its rows end, and each damaged record as soon as it is met
/// (`Record::Damaged`); an I/O error ends the iteration.
///
/// ```
/// use nopitch::linkedin::{ConversationReader, MessageReader, Record};
/// let export = "CONVERSATION ID,FROM,TO,DATE,CONTENT\n\
///               c1,Sam Lee,Dana Reyes,2024-03-19 10:00:00 UTC,Thanks!\n\
///               c1,Dana Reyes,Sam Lee,2024-03-18 09:00:00 UTC,Hi Sam\n\
///               c2,Ana Li,Sam Lee,2024-03-20 08:00:00 UTC,Hello\n";
/// let reader = ConversationReader::new(MessageReader::from_reader(export.as_bytes())?);
/// let conversations: Vec<_> = reader.collect::<Result<_, _>>()?;
/// let Record::Read(first) = &conversations[0] else { panic!() };
/// assert_eq!(first.messages[0].content, "Hi Sam"); // date order
/// assert_eq!(conversations.len(), 2);
/// # Ok::<(), nopitch::Error>(())
/// ```
#[derive(Debug)]
pub struct ConversationReader<R> {
    messages: MessageReader<R>,
    current: Option<Conversation>,
    seen: HashSet<String>,
    finished: bool,
}

impl<R: Read> ConversationReader<R> {
    /// Groups the rows of `messages`.
    pub fn new(messages: MessageReader<R>) -> ConversationReader<R> {
        ConversationReader {
            messages,
            current: None,
            seen: HashSet::new(),
            finished: false,
        }
    }

    /// The message reader (for its header and path).
    pub fn messages(&self) -> &MessageReader<R> {
        &self.messages
    }

    fn start(&mut self, message: Message) -> Option<Conversation> {
        let resumed = !self.seen.insert(message.conversation_id.clone());
        let next = Conversation {
            id: message.conversation_id.clone(),
            title: String::new(),
            messages: vec![message],
            resumed,
        };
        self.current.replace(next).map(|mut c| {
            c.finish();
            c
        })
    }

    fn next_item(&mut self) -> Result<Option<Record<Conversation>>> {
        loop {
            match self.messages.read_row()? {
                Some(Record::Read(m)) => match &mut self.current {
                    Some(c) if c.id == m.conversation_id => c.messages.push(m),
                    _ => {
                        if let Some(done) = self.start(m) {
                            return Ok(Some(Record::Read(done)));
                        }
                    }
                },
                Some(Record::Damaged(d)) => return Ok(Some(Record::Damaged(d))),
                None => {
                    return Ok(self.current.take().map(|mut c| {
                        c.finish();
                        Record::Read(c)
                    }))
                }
            }
        }
    }
}

impl<R: Read> Iterator for ConversationReader<R> {
    type Item = Result<Record<Conversation>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let item = self.next_item().transpose();
        if !matches!(item, Some(Ok(_))) {
            self.finished = true;
        }
        item
    }
}

/// How the export's owner was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerSource {
    /// Given by the caller.
    Given,
    /// The recipient of the incoming invitations in the same export.
    Invitations,
    /// The one participant common to every conversation.
    CommonToAll,
    /// No single participant is common to every conversation (or several are, with too few
    /// conversations to tell): the participant in the most conversations, then the one who
    /// received the most messages.
    Guessed,
    /// No conversation names anyone.
    Unknown,
}

/// The export's owner: the person whose inbox it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// Their name (or profile URL, when given as one), as given or as first seen.
    pub name: String,
    /// How they were found.
    pub source: OwnerSource,
    #[serde(skip)]
    key: Option<String>,
    #[serde(skip)]
    profile: Option<String>,
}

impl Owner {
    /// An owner given by name or by profile URL (`https://www.linkedin.com/in/…` or
    /// `linkedin.com/in/…`).
    pub fn given(name_or_url: &str) -> Owner {
        let text = name_or_url.trim();
        let is_url = text.contains("/in/") || text.contains("linkedin.com");
        Owner {
            name: text.to_string(),
            source: OwnerSource::Given,
            key: if is_url { None } else { person_key(text) },
            profile: if is_url { profile_key(text) } else { None },
        }
    }

    pub(crate) fn found(name: &str, source: OwnerSource) -> Owner {
        Owner {
            name: name.to_string(),
            source,
            key: person_key(name),
            profile: None,
        }
    }

    /// No owner: nobody's messages count as the owner's.
    pub fn unknown() -> Owner {
        Owner {
            name: String::new(),
            source: OwnerSource::Unknown,
            key: None,
            profile: None,
        }
    }

    /// Whether a person (name and profile URL, either may be empty) is the owner.
    ///
    /// The same profile URL or the same name is enough: exports write profile URLs in more than
    /// one form, so a URL that differs does not rule the owner out.
    pub fn is(&self, name: &str, profile_url: &str) -> bool {
        if let (Some(mine), Some(theirs)) = (&self.profile, profile_key_ref(profile_url)) {
            if *mine == theirs {
                return true;
            }
        }
        self.key
            .as_deref()
            .is_some_and(|mine| is_person(mine, name))
    }

    /// For an owner given by profile URL: takes their name from a message of the conversation
    /// that names them with that URL (as sender or recipient), so that they are recognised where
    /// the export gives only their name.
    pub fn learn_name(&mut self, conversation: &Conversation) {
        if self.key.is_some() || self.profile.is_none() {
            return;
        }
        for m in &conversation.messages {
            let people = std::iter::once((m.from.as_str(), m.sender_profile_url.as_str()))
                .chain(recipients(m));
            for (name, url) in people {
                if self.profile == profile_key(url) {
                    if let Some(key) = person_key(name) {
                        self.key = Some(key);
                        return;
                    }
                }
            }
        }
    }

    /// Whether the owner's name is known (an owner given by profile URL learns it from the
    /// first message that names them with that URL).
    pub fn has_name(&self) -> bool {
        self.key.is_some()
    }

    /// Whether a conversation names the owner (as sender or recipient).
    pub fn is_named_in(&self, conversation: &Conversation) -> bool {
        conversation.messages.iter().any(|m| {
            self.sent(m)
                || recipients(m)
                    .into_iter()
                    .any(|(name, url)| self.is(name, url))
        })
    }

    /// Whether the owner sent a message.
    pub fn sent(&self, message: &Message) -> bool {
        self.is(&message.from, &message.sender_profile_url)
    }

    /// Whether the owner is known.
    pub fn is_known(&self) -> bool {
        self.key.is_some() || self.profile.is_some()
    }
}

/// Finds the owner of the conversations seen so far: the participant common to all of them.
#[derive(Debug, Default)]
pub(crate) struct OwnerFinder {
    /// Participants common to every conversation so far (`None` before the first).
    common: Option<Vec<String>>,
    /// Per participant: conversations they are in, messages they received; and the name as
    /// first written.
    counts: HashMap<String, (usize, usize, String)>,
    conversations: usize,
}

impl OwnerFinder {
    /// Takes a conversation into account.
    pub(crate) fn add(&mut self, conversation: &Conversation) {
        let keys = conversation.participant_keys();
        if keys.is_empty() {
            return;
        }
        self.conversations += 1;
        for m in &conversation.messages {
            for name in std::iter::once(m.from.as_str()).chain(split_names(&m.to)) {
                if let Some(k) = person_key(name) {
                    self.counts
                        .entry(k)
                        .or_insert_with(|| (0, 0, name.trim().to_string()));
                }
            }
            for name in split_names(&m.to) {
                if let Some(e) = person_key(name).and_then(|k| self.counts.get_mut(&k)) {
                    e.1 += 1;
                }
            }
        }
        for k in &keys {
            if let Some(e) = self.counts.get_mut(k) {
                e.0 += 1;
            }
        }
        self.common = Some(match self.common.take() {
            None => keys,
            Some(common) => common.into_iter().filter(|k| keys.contains(k)).collect(),
        });
    }

    /// The owner, once the conversations seen make it certain: exactly one participant common to
    /// at least two conversations.
    pub(crate) fn certain(&self) -> Option<Owner> {
        match self.common.as_deref() {
            Some([only]) if self.conversations >= 2 => self
                .counts
                .get(only)
                .map(|(_, _, name)| Owner::found(name, OwnerSource::CommonToAll)),
            _ => None,
        }
    }

    /// Whether more conversations can still make the owner certain (no: nobody is common to
    /// all the conversations seen).
    pub(crate) fn can_become_certain(&self) -> bool {
        !matches!(self.common.as_deref(), Some([]))
    }

    /// The best answer with what has been seen: certain, or guessed.
    pub(crate) fn best(&self) -> Owner {
        if let Some(owner) = self.certain() {
            return owner;
        }
        if let Some([only]) = self.common.as_deref() {
            if let Some((_, _, name)) = self.counts.get(only) {
                return Owner::found(name, OwnerSource::CommonToAll);
            }
        }
        let candidates: Vec<&String> = match self.common.as_deref() {
            Some(c) if !c.is_empty() => c.iter().collect(),
            _ => self.counts.keys().collect(),
        };
        candidates
            .into_iter()
            .filter_map(|k| self.counts.get(k).map(|c| (k, c)))
            .max_by(|(ka, a), (kb, b)| (a.0, a.1, kb).cmp(&(b.0, b.1, ka)))
            .map_or_else(Owner::unknown, |(_, (_, _, name))| {
                Owner::found(name, OwnerSource::Guessed)
            })
    }
}

/// The owner of an export: the participant common to every conversation (see [`OwnerSource`]).
pub fn find_owner<'a>(conversations: impl IntoIterator<Item = &'a Conversation>) -> Owner {
    let mut finder = OwnerFinder::default();
    for c in conversations {
        finder.add(c);
    }
    finder.best()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_a_to_field() {
        let names: Vec<&str> = split_names("Jane Doe, MBA, PMP, Sam Lee,  , Ana Li").collect();
        assert_eq!(names, ["Jane Doe, MBA, PMP", "Sam Lee", "Ana Li"]);
        assert_eq!(split_names("").count(), 0);
        assert_eq!(split_names("Sam Lee").collect::<Vec<_>>(), ["Sam Lee"]);
    }

    /// The keys as first written: the allocation-free paths must give exactly these.
    fn plain_person_key(name: &str) -> Option<String> {
        let key = name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let refused = key.is_empty()
            || key == "linkedin member"
            || key == "linkedin"
            || key.starts_with("linkedin ");
        (!refused).then_some(key)
    }

    fn plain_profile_key(url: &str) -> Option<String> {
        let u = url.trim().to_lowercase();
        let u = u.split(['?', '#']).next().unwrap_or("");
        let u = u.trim_end_matches('/');
        let key = match u.find("/in/") {
            Some(i) => &u[i + 4..],
            None => u
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_start_matches("www."),
        };
        (!key.is_empty()).then(|| key.to_string())
    }

    #[test]
    fn fast_keys_agree_with_the_plain_ones() {
        let names = [
            "",
            " ",
            "Sam Lee",
            "sam lee",
            "  Sam   LEE ",
            "sam\u{b}lee",
            "sam\tlee\n",
            "SAM",
            "LinkedIn Member",
            "linkedin",
            "LinkedIn Premium",
            "Linkedinfluencer Jo",
            "José Núñez",
            "ΟΔΥΣΣΕΑΣ",
            "İnci Ak",
            "sam\u{a0}lee",
            "sam lee ",
            "sam  lee",
            "s",
            "Sam Lee, MBA",
            "samlee",
            "sam le",
            "sam leee",
            "\u{1F600} Sam",
        ];
        for name in names {
            assert_eq!(person_key(name), plain_person_key(name), "{name:?}");
            for key in names.iter().filter_map(|n| plain_person_key(n)) {
                let same = plain_person_key(name).as_deref() == Some(key.as_str());
                assert_eq!(is_person(&key, name), same, "{key:?} vs {name:?}");
            }
        }
        let urls = [
            "",
            " ",
            "/",
            "https://www.linkedin.com/in/sam-lee-123",
            "https://www.linkedin.com/in/Sam-Lee-123/?trk=x",
            "linkedin.com/in/sam-lee-123",
            "https://WWW.LINKEDIN.COM/IN/SAM/",
            "https://www.linkedin.com/in/",
            "http://www.example.com/x#frag",
            "https://https://www.x",
            "https://www.linkedin.com/in/jos%C3%A9",
            "https://www.linkedin.com/in/josé-núñez",
            "https://www.linkedin.com/in/İnci",
            "?",
            "#in/",
            " https://linkedin.com/in/a/in/b/ ",
            "www.",
            "https://www.linkedin.com/company/acme",
        ];
        for url in urls {
            assert_eq!(profile_key(url), plain_profile_key(url), "{url:?}");
        }
    }

    #[test]
    fn keys_for_people_and_profiles() {
        assert_eq!(person_key("  Sam   LEE "), Some("sam lee".into()));
        assert_eq!(person_key("LinkedIn Member"), None);
        assert_eq!(person_key("LinkedIn Premium"), None);
        assert_eq!(
            person_key("Linkedinfluencer Jo"),
            Some("linkedinfluencer jo".into())
        );
        assert_eq!(
            profile_key("https://www.linkedin.com/in/Sam-Lee-123/?trk=x"),
            Some("sam-lee-123".into())
        );
        assert_eq!(
            profile_key("linkedin.com/in/sam-lee-123"),
            Some("sam-lee-123".into())
        );
        assert_eq!(profile_key(" "), None);
        let me = Owner::given("https://www.linkedin.com/in/sam-lee-123");
        assert!(me.is("Whoever", "https://linkedin.com/in/sam-lee-123/"));
        assert!(!me.is("Sam Lee", "")); // its name is not known yet
        assert!(Owner::given("Sam Lee").is("sam  lee", ""));
    }

    fn conversations(data: &str) -> Vec<Conversation> {
        ConversationReader::new(MessageReader::from_reader(data.as_bytes()).unwrap())
            .map(|r| match r.unwrap() {
                Record::Read(c) => c,
                Record::Damaged(d) => panic!("{d}"),
            })
            .collect()
    }

    const HEADER: &str = "CONVERSATION ID,FROM,TO,DATE,CONTENT\n";

    #[test]
    fn a_conversation_that_comes_back_is_marked_resumed() {
        let data = format!(
            "{HEADER}a,Dana,Sam Lee,2024-01-02 10:00:00 UTC,two\na,Dana,Sam Lee,2024-01-01 10:00:00 UTC,one\n\
             b,Ana,Sam Lee,2024-01-03 10:00:00 UTC,x\na,Dana,Sam Lee,2024-01-04 10:00:00 UTC,three\n"
        );
        let c = conversations(&data);
        assert_eq!(c.len(), 3);
        assert_eq!(
            (c[0].id.as_str(), c[0].resumed, c[0].messages.len()),
            ("a", false, 2)
        );
        assert_eq!(c[0].messages[0].content, "one");
        assert_eq!((c[2].id.as_str(), c[2].resumed), ("a", true));
    }

    #[test]
    fn the_owner_is_common_to_every_conversation() {
        let data = format!(
            "{HEADER}a,Dana Reyes,Sam Lee,2024-01-01 10:00:00 UTC,hi\n\
             b,LinkedIn Member,Sam Lee,2024-01-02 10:00:00 UTC,hi\n\
             c,Sam Lee,\"Ana Li, PhD\",2024-01-03 10:00:00 UTC,hi\n"
        );
        let c = conversations(&data);
        let owner = find_owner(&c);
        assert_eq!(
            (owner.name.as_str(), owner.source),
            ("Sam Lee", OwnerSource::CommonToAll)
        );
        assert!(owner.sent(&c[2].messages[0]) && !owner.sent(&c[0].messages[0]));
        // One conversation between two people: a guess (the one who received the most).
        let one = conversations(&format!("{HEADER}a,Dana,Sam Lee,2024-01-01 10:00:00 UTC,hi\na,Dana,Sam Lee,2024-01-02 10:00:00 UTC,hi?\n"));
        let owner = find_owner(&one);
        assert_eq!(
            (owner.name.as_str(), owner.source),
            ("Sam Lee", OwnerSource::Guessed)
        );
        assert_eq!(find_owner(&[]).source, OwnerSource::Unknown);
    }
}
