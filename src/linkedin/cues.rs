//! The phrases and signs the conversation verdicts look for besides the model: follow-ups,
//! LinkedIn-prompted one-liners, shared work, courtesy openers, the owner declining, and what
//! automated messages (ads, LinkedIn's promotions, broadcasts) look like.
//!
//! Phrases are matched on [`fold`]ed text (lower case, straight quotes, single spaces) at word
//! boundaries, so `hbd` does not match inside a word. Every phrase list is searched in one pass
//! over a message (Aho-Corasick), which [`Cues::scan`] turns into [`Hits`].

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::html::Markup;

/// Text prepared for phrase matching: lower case, curly quotes straightened, whitespace runs
/// collapsed to one space.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '’' | '‘' | '`' | '´' => '\'',
            '“' | '”' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Whether `phrase` occurs at `start..end` of `folded` at word boundaries.
fn at_boundaries(folded: &str, phrase: &str, start: usize, end: usize) -> bool {
    let check_start = phrase.starts_with(char::is_alphanumeric);
    let check_end = phrase.ends_with(char::is_alphanumeric);
    (!check_start || !is_word_char(folded[..start].chars().next_back()))
        && (!check_end || !is_word_char(folded[end..].chars().next()))
}

/// Whether folded text contains the phrase at word boundaries (one phrase at a time: what
/// [`Cues::scan`] does for all of them at once).
#[cfg(test)]
pub(crate) fn has(folded: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(i) = folded[from..].find(phrase) {
        let start = from + i;
        if at_boundaries(folded, phrase, start, start + phrase.len()) {
            return true;
        }
        from = start + folded[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The phrase lists, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    FollowUp,
    Birthday,
    Anniversary,
    Congratulations,
    NewRole,
    Endorsement,
    SharedWork,
    Courtesy,
    Decline,
    Footer,
    PromoSubject,
    PromoText,
    Happy,
}

const LISTS: [(List, &[&str]); 13] = [
    (List::FollowUp, FOLLOW_UP),
    (List::Birthday, BIRTHDAY),
    (List::Anniversary, ANNIVERSARY),
    (List::Congratulations, CONGRATULATIONS),
    (List::NewRole, NEW_ROLE),
    (List::Endorsement, ENDORSEMENT),
    (List::SharedWork, SHARED_WORK),
    (List::Courtesy, COURTESY),
    (List::Decline, DECLINE),
    (List::Footer, FOOTER),
    (List::PromoSubject, PROMO_SUBJECT),
    (List::PromoText, PROMO_TEXT),
    (List::Happy, &["happy"]),
];

/// Which phrases of each list a text has: a bit per phrase, in list order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hits([u64; 13]);

impl Hits {
    /// The first phrase of the list (in list order) the text has.
    pub(crate) fn first(&self, list: List) -> Option<&'static str> {
        let bits = self.0[list as usize];
        (bits != 0).then(|| LISTS[list as usize].1[bits.trailing_zeros() as usize])
    }

    /// The phrases of the list the text has, in list order.
    pub(crate) fn all(&self, list: List) -> impl Iterator<Item = &'static str> {
        let bits = self.0[list as usize];
        LISTS[list as usize]
            .1
            .iter()
            .enumerate()
            .filter(move |(i, _)| bits & (1 << i) != 0)
            .map(|(_, p)| *p)
    }

    /// Both texts' phrases.
    pub(crate) fn union(mut self, other: Hits) -> Hits {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        self
    }
}

/// Every phrase list in one automaton.
#[derive(Debug, Clone)]
pub(crate) struct Cues {
    matcher: AhoCorasick,
    /// Pattern index → (list, index in the list).
    patterns: Vec<(usize, usize)>,
}

impl Cues {
    pub(crate) fn new() -> Cues {
        let mut phrases = Vec::new();
        let mut patterns = Vec::new();
        for (l, (_, list)) in LISTS.iter().enumerate() {
            debug_assert!(list.len() <= 64);
            for (i, p) in list.iter().enumerate() {
                phrases.push(*p);
                patterns.push((l, i));
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .expect("the phrase lists are small and valid");
        Cues { matcher, patterns }
    }

    /// The phrases of every list in folded text.
    pub(crate) fn scan(&self, folded: &str) -> Hits {
        let mut hits = Hits::default();
        for m in self.matcher.find_overlapping_iter(folded) {
            let (list, i) = self.patterns[m.pattern().as_usize()];
            if hits.0[list] & (1 << i) == 0 {
                let phrase = LISTS[list].1[i];
                if at_boundaries(folded, phrase, m.start(), m.end()) {
                    hits.0[list] |= 1 << i;
                }
            }
        }
        hits
    }

    /// [`fold`] then [`Cues::scan`].
    pub(crate) fn scan_text(&self, text: &str) -> Hits {
        self.scan(&fold(text))
    }
}

/// How senders nudge a message that got no answer.
const FOLLOW_UP: &[&str] = &[
    "circling back",
    "circle back",
    "just bumping",
    "bumping this",
    "bumping my",
    "bump this",
    "bumping up",
    "following up",
    "follow up on my",
    "follow-up on my",
    "following-up",
    "did you get a chance",
    "did you have a chance",
    "have you had a chance",
    "had a chance to",
    "any thoughts",
    "gentle reminder",
    "friendly reminder",
    "quick reminder",
    "just checking in",
    "checking in again",
    "touching base",
    "floating this",
    "float this",
    "top of your inbox",
    "in case you missed",
    "in case my last",
    "my previous message",
    "my last message",
    "my earlier message",
    "my last note",
    "my previous note",
    "not sure if you saw",
    "haven't heard back",
    "have not heard back",
    "didn't hear back",
    "one last try",
    "last attempt",
    "any update",
    "still interested",
    "reaching out again",
    "wanted to follow",
    "close the loop",
    "closing the loop",
    "should i close",
    "resurfacing",
];

/// Which LinkedIn prompt a short note answers, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prompt {
    Birthday,
    NewRole,
    WorkAnniversary,
    Endorsement,
    /// A short congratulation on anything else (a post, a raise, a result).
    Congratulations,
}

impl Prompt {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Prompt::Birthday => "birthday",
            Prompt::NewRole => "new-role",
            Prompt::WorkAnniversary => "work-anniversary",
            Prompt::Endorsement => "endorsement",
            Prompt::Congratulations => "congratulations",
        }
    }
}

/// The longest note taken for a prompted one-liner.
pub(crate) const PROMPTED_MAX_CHARS: usize = 220;

const BIRTHDAY: &[&str] = &[
    "happy birthday",
    "happy bday",
    "happy b-day",
    "hbd",
    "many happy returns",
    "birthday wishes",
    "have a great birthday",
    "have a wonderful birthday",
    "enjoy your birthday",
    "happy belated",
    "feliz cumpleaños",
    "joyeux anniversaire",
    "alles gute zum geburtstag",
];
const ANNIVERSARY: &[&str] = &[
    "work anniversary",
    "happy anniversary",
    "work-anniversary",
    "years at",
    "year anniversary",
    "years with",
];
const CONGRATULATIONS: &[&str] = &[
    "congrats",
    "congratulations",
    "congratz",
    "congrats!",
    "well deserved",
    "well-deserved",
    "felicidades",
    "félicitations",
];
const NEW_ROLE: &[&str] = &[
    "new role",
    "new position",
    "new job",
    "new gig",
    "promotion",
    "new chapter",
    "new adventure",
    "new title",
    "new venture",
    "starting a new",
    "new opportunity",
];
const ENDORSEMENT: &[&str] = &[
    "thanks for the endorsement",
    "thank you for the endorsement",
    "thanks for endorsing",
    "thank you for endorsing",
    "thanks for the endorsements",
    "thank you for the endorsements",
    "thanks for the skill endorsement",
    "thx for the endorsement",
];

/// The prompt a short note answers (birthday, new role, work anniversary, endorsement thanks,
/// a bare congratulation of at most [`CONGRATULATIONS_MAX_CHARS`]), from its length and hits.
pub(crate) fn prompt(text: &str, hits: &Hits) -> Option<Prompt> {
    if text.chars().count() > PROMPTED_MAX_CHARS {
        return None;
    }
    if hits.first(List::Birthday).is_some() {
        return Some(Prompt::Birthday);
    }
    if hits.first(List::Endorsement).is_some() {
        return Some(Prompt::Endorsement);
    }
    let congrats = hits.first(List::Congratulations).is_some();
    let happy = hits.first(List::Happy).is_some();
    if hits.first(List::Anniversary).is_some() && (congrats || happy) {
        return Some(Prompt::WorkAnniversary);
    }
    if congrats && hits.first(List::NewRole).is_some() {
        return Some(Prompt::NewRole);
    }
    if congrats && text.chars().count() <= CONGRATULATIONS_MAX_CHARS {
        return Some(Prompt::Congratulations);
    }
    None
}

/// The longest note taken for a bare congratulation ("Congrats!", "Congratulations, well
/// deserved 👏"): longer ones say more than a reaction to news.
pub(crate) const CONGRATULATIONS_MAX_CHARS: usize = 60;

/// Phrases that name work (or study) shared with the recipient.
const SHARED_WORK: &[&str] = &[
    "worked together",
    "working together",
    "work together again",
    "working with you",
    "worked with you",
    "work with you again",
    "miss working",
    "our team",
    "old team",
    "our days at",
    "our time at",
    "when we were at",
    "back when we",
    "colleague",
    "coworker",
    "co-worker",
    "classmate",
    "studied together",
    "our project",
    "our class",
    "your old manager",
    "my old manager",
    "former manager",
    "former boss",
    "you hired me",
    "i hired you",
    "you mentored",
    "you taught me",
];

/// A courtesy line that opens a conversation after an invitation was accepted; it does not make
/// the conversation the owner's own outreach.
pub(crate) const COURTESY_MAX_CHARS: usize = 100;
const COURTESY: &[&str] = &[
    "thanks for connecting",
    "thank you for connecting",
    "thanks for the connection",
    "thanks for the connect",
    "thanks for accepting",
    "thank you for accepting",
    "thanks for the add",
    "great to connect",
    "nice to connect",
    "good to connect",
    "glad to connect",
    "pleasure to connect",
    "thanks for the invite",
    "thank you for the invite",
    "thanks for the invitation",
    "thanks for reaching out",
    "thank you for reaching out",
];

/// Whether the owner's message is only a courtesy line.
pub(crate) fn is_courtesy(text: &str, hits: &Hits) -> bool {
    hits.first(List::Courtesy).is_some() && text.chars().count() <= COURTESY_MAX_CHARS
}

/// How an owner turns a pitch down.
pub(crate) const DECLINE_MAX_CHARS: usize = 240;
const DECLINE: &[&str] = &[
    "not interested",
    "no thanks",
    "no thank you",
    "no, thank you",
    "no, thanks",
    "not at this time",
    "not at the moment",
    "please remove me",
    "stop messaging",
    "not looking",
    "we're all set",
    "we are all set",
    "not a fit",
    "not a good fit",
    "i'll pass",
    "pass on this",
    "we're covered",
    "we are covered",
    "already have a vendor",
    "happy with our current",
];

/// The decline phrase of a short owner reply, if it has one.
pub(crate) fn decline(text: &str, hits: &Hits) -> Option<&'static str> {
    hits.first(List::Decline)
        .filter(|_| text.chars().count() <= DECLINE_MAX_CHARS)
}

/// Footers of mass mailings.
const FOOTER: &[&str] = &[
    "unsubscribe",
    "you follow",
    "you're following",
    "you are following",
    "stop receiving",
    "manage preferences",
    "manage notifications",
    "opt out",
    "opt-out",
    "manage your preferences",
    "update your preferences",
    "email preferences",
    "notification settings",
    "you are receiving this",
    "you're receiving this",
    "you received this",
    "this message was sent to",
    "no longer wish to receive",
    "no longer want to receive",
    "sponsored message",
    "sponsored inmail",
    "unsubscribed",
    "this is an advertisement",
    "all rights reserved",
    "privacy policy",
    "sent to all members",
    // LinkedIn shows sponsored messages, and organisations write their footers, in the reader's
    // language: the same signs in Portuguese, Spanish, French, German and Italian.
    "mensagem patrocinada",
    "patrocinado",
    "patrocinada",
    "você está recebendo",
    "você recebe",
    "você recebeu",
    "cancelar inscrição",
    "descadastrar",
    "deixar de receber",
    "enviado a todos",
    "mensaje patrocinado",
    "darse de baja",
    "cancelar suscripción",
    "dejar de recibir",
    "message sponsorisé",
    "sponsorisé",
    "se désabonner",
    "se désinscrire",
    "vous recevez ce",
    "gesponsert",
    "abmelden",
    "sie erhalten diese",
    "sponsorizzato",
    "annulla iscrizione",
];
/// Subject lines of promotions and broadcasts.
const PROMO_SUBJECT: &[&str] = &[
    "sponsored",
    "webinar",
    "% off",
    "free trial",
    "exclusive",
    "last chance",
    "limited time",
    "don't miss",
    "newsletter",
    "announcing",
    "introducing",
    "register",
    "your invitation",
    "you're invited",
    "save the date",
    "special offer",
    "early bird",
];
/// Words of promotions in the text.
const PROMO_TEXT: &[&str] = &[
    "claim your seat",
    "claim your spot",
    "secure your seat",
    "secure your spot",
    "save your spot",
    "book your seat",
    "book your place",
    "reserve your place",
    "seats are limited",
    "places are limited",
    "spaces are limited",
    "download it",
    "download now",
    "download your",
    "get your copy",
    "get your free",
    "watch the demo",
    "watch our",
    "see the demo",
    "join our webinar",
    "join our live",
    "live session",
    "on-demand",
    "whitepaper",
    "white paper",
    "ebook",
    "e-book",
    "no credit card",
    "read the full",
    "read more",
    "free for members",
    "members' bulletin",
    "try premium",
    "linkedin premium",
    "premium free",
    "free trial",
    "start your free",
    "register now",
    "register here",
    "register today",
    "save your seat",
    "reserve your spot",
    "reserve your seat",
    "learn more",
    "click here",
    "sign up",
    "download the",
    "webinar",
    "limited time",
    "offer ends",
    "linkedin learning",
    "sales navigator",
    "recruiter lite",
    "linkedin ads",
    "campaign manager",
    "upgrade",
    "% off",
];
/// Words of organisation names (not people).
const ORGANISATION: &[&str] = &[
    "team",
    "events",
    "community",
    "newsletter",
    "association",
    "university",
    "inc",
    "inc.",
    "ltd",
    "llc",
    "gmbh",
    "foundation",
    "club",
    "institute",
    "academy",
    "alumni",
    "official",
    "news",
    "conference",
    "summit",
    "associação",
    "asociación",
    "rede",
    "escola",
    "universidade",
    "universidad",
    "instituto",
    "banco",
];

/// The first web link in a text: a word with `://`, one starting with `www.`, or a domain
/// followed by a path (`example.com/offer`). A bare `example.com` is not taken: too many
/// sentences end in a company's domain.
pub(crate) fn first_link(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')'))
        .find(|w| {
            let www = w.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www."));
            if w.contains("://") || (www && w.len() > 4) {
                return true;
            }
            let Some(slash) = w.find('/') else {
                return false;
            };
            let host = &w[..slash];
            match host.rfind('.') {
                Some(dot) => {
                    let tld = &host[dot + 1..];
                    dot > 0
                        && (2..=6).contains(&tld.len())
                        && tld.chars().all(|c| c.is_ascii_alphabetic())
                        && host[..dot]
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.'))
                        && slash + 1 < w.len()
                }
                None => false,
            }
        })
}

/// Weights of the signs of an automated message (log-odds-like points).
pub(crate) const AUTOMATED_SENDER_LINKEDIN: f64 = 4.0;
pub(crate) const AUTOMATED_SENDER_ORGANISATION: f64 = 1.5;
pub(crate) const AUTOMATED_FOOTER: f64 = 3.0;
pub(crate) const AUTOMATED_LAYOUT: f64 = 2.0;
pub(crate) const AUTOMATED_INLINE_HTML: f64 = 1.0;
pub(crate) const AUTOMATED_SUBJECT: f64 = 1.0;
pub(crate) const AUTOMATED_LINK: f64 = 1.0;
pub(crate) const AUTOMATED_TEXT_EACH: f64 = 1.0;
pub(crate) const AUTOMATED_TEXT_MAX: f64 = 3.0;
/// The owner writing in the conversation argues against a broadcast.
pub(crate) const AUTOMATED_OWNER_WROTE: f64 = -2.0;
/// The score from which a conversation is automated.
pub(crate) const AUTOMATED_THRESHOLD: f64 = 3.0;

/// A sign of an automated message, and its weight.
pub(crate) struct Sign {
    pub(crate) weight: f64,
    pub(crate) reason: String,
}

/// The signs of an automated message in what the other party sent: their names, the hits of
/// their subjects and of their text, their markup, and a link in their text.
pub(crate) fn automated_signs<'a>(
    senders: impl IntoIterator<Item = &'a str>,
    subject_hits: Hits,
    text_hits: Hits,
    markup: Markup,
    link: Option<&str>,
) -> Vec<Sign> {
    let mut signs = Vec::new();
    if let Some(link) = link {
        signs.push(Sign {
            weight: AUTOMATED_LINK,
            reason: format!("a link to follow ({link})"),
        });
    }
    for sender in senders {
        let f = fold(sender);
        if (f == "linkedin" || f.starts_with("linkedin ")) && f != "linkedin member" {
            signs.push(Sign {
                weight: AUTOMATED_SENDER_LINKEDIN,
                reason: format!("sender \"{sender}\""),
            });
            break;
        }
        if let Some(word) = f
            .split([' ', ',', '|', '-', '&'])
            .find(|w| ORGANISATION.contains(w))
        {
            signs.push(Sign {
                weight: AUTOMATED_SENDER_ORGANISATION,
                reason: format!("sender \"{sender}\" is an organisation (\"{word}\")"),
            });
            break;
        }
    }
    if let Some(p) = subject_hits.first(List::PromoSubject) {
        signs.push(Sign {
            weight: AUTOMATED_SUBJECT,
            reason: format!("promotional subject (\"{p}\")"),
        });
    }
    match markup {
        Markup::Layout => signs.push(Sign {
            weight: AUTOMATED_LAYOUT,
            reason: "HTML layout".into(),
        }),
        Markup::Inline => signs.push(Sign {
            weight: AUTOMATED_INLINE_HTML,
            reason: "HTML markup".into(),
        }),
        Markup::None => {}
    }
    if let Some(p) = text_hits.first(List::Footer) {
        signs.push(Sign {
            weight: AUTOMATED_FOOTER,
            reason: format!("mailing footer (\"{p}\")"),
        });
    }
    let promos: Vec<&str> = text_hits.all(List::PromoText).take(3).collect();
    if !promos.is_empty() {
        signs.push(Sign {
            weight: (AUTOMATED_TEXT_EACH * promos.len() as f64).min(AUTOMATED_TEXT_MAX),
            reason: format!("promotion (\"{}\")", promos.join("\", \"")),
        });
    }
    signs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_at_word_boundaries() {
        assert!(has(&fold("Just  BUMPING this up"), "just bumping"));
        assert!(!has("thbd", "hbd"));
        assert!(has("hbd!", "hbd"));
        assert!(has("save 20% off now", "% off"));
        assert!(!has("no linkedin premiums", "linkedin premium"));
        assert_eq!(fold("I’d  “love”\nit"), "i'd \"love\" it");
    }

    #[test]
    fn links_are_found_without_guessing_at_plain_words() {
        assert_eq!(
            first_link("Register now: https://ex.io/x?a=1"),
            Some("https://ex.io/x?a=1")
        );
        assert_eq!(
            first_link("see www.example.com today"),
            Some("www.example.com")
        );
        assert_eq!(
            first_link("Start here: skyvane.com/trial"),
            Some("skyvane.com/trial")
        );
        assert_eq!(first_link("I work at example.com now"), None);
        assert_eq!(first_link("e.g. this/that, and/or 3.5/5"), None);
        assert_eq!(first_link("❤️ www. ❤️/x 🎉.com/a"), None);
        assert_eq!(first_link(""), None);
    }

    #[test]
    fn prompted_one_liners() {
        let cues = Cues::new();
        let prompt = |text: &str| prompt(text, &cues.scan_text(text));
        assert_eq!(prompt("Happy birthday Jordan! 🎂"), Some(Prompt::Birthday));
        assert_eq!(prompt("Congrats on the new role!"), Some(Prompt::NewRole));
        assert_eq!(
            prompt("Congratulations on 5 years at State U!"),
            Some(Prompt::WorkAnniversary)
        );
        assert_eq!(
            prompt("Happy work anniversary!"),
            Some(Prompt::WorkAnniversary)
        );
        assert_eq!(
            prompt("Thanks for the endorsement, Jordan!"),
            Some(Prompt::Endorsement)
        );
        assert_eq!(
            prompt("Hi Jordan, quick question about your IT budget"),
            None
        );
        assert_eq!(prompt(&"Happy birthday! ".repeat(20)), None);
        assert_eq!(
            prompt("Happy 5 years at Lakeview!"),
            Some(Prompt::WorkAnniversary)
        );
        assert_eq!(prompt("Congrats!"), Some(Prompt::Congratulations));
        assert_eq!(
            prompt("Congratulations on the raise Aisha, well deserved 👏"),
            Some(Prompt::Congratulations)
        );
        assert_eq!(
            prompt("Congrats on the launch! We help product teams like yours ship faster, open to a call?"),
            None
        );
    }

    #[test]
    fn one_pass_finds_what_each_phrase_search_finds() {
        let cues = Cues::new();
        for text in [
            "Just bumping this! Did you get a chance to look? Unsubscribe | privacy policy",
            "Happy birthday!! hbd. Congrats on the new role, we worked together at Acme",
            "thbd; not interested; no thanks... try premium free trial, learn more",
            "",
        ] {
            let folded = fold(text);
            let hits = cues.scan(&folded);
            for (list, phrases) in LISTS {
                let slow: Vec<&str> = phrases
                    .iter()
                    .copied()
                    .filter(|p| has(&folded, p))
                    .collect();
                let fast: Vec<&str> = hits.all(list).collect();
                assert_eq!(fast, slow, "{list:?} in {text:?}");
            }
        }
    }
}
