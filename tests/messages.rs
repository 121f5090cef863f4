//! LinkedIn's messages.csv, quirk by quirk, on the made-up sample export
//! (datasets/sample_messages.csv, owner Jordan Ellis) and small files written here.

use std::io::Cursor;

use nopitch::linkedin::{
    triage_messages, ConversationCategory, ConversationJudge, ConversationReader, InboxTriage,
    Markup, Message, MessageReader, Owner, OwnerSource, Record, TriagedConversation,
};
use nopitch::{Action, Classifier, ErrorKind, TriagePolicy};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/sample_messages.csv");

fn judge() -> ConversationJudge {
    ConversationJudge::new(&Classifier::pretrained(), &TriagePolicy::default()).unwrap()
}

fn messages(data: &[u8]) -> Vec<Message> {
    MessageReader::from_reader(data)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn inbox(data: &[u8]) -> InboxTriage {
    triage_messages(Cursor::new(data), None, &judge()).unwrap()
}

fn sample() -> InboxTriage {
    inbox(&std::fs::read(SAMPLE).unwrap())
}

fn with<'a>(inbox: &'a InboxTriage, sender: &str) -> &'a TriagedConversation {
    inbox
        .conversations
        .iter()
        .find(|c| c.sender == sender)
        .unwrap_or_else(|| panic!("no conversation with {sender}"))
}

/// The sample rewritten in another layout: only `columns` (by name), optionally with a BOM and
/// CRLF line ends.
fn relayout(columns: &[&str], bom_crlf: bool) -> Vec<u8> {
    let mut r = csv::Reader::from_path(SAMPLE).unwrap();
    let headers = r.headers().unwrap().clone();
    let keep: Vec<usize> = columns
        .iter()
        .map(|c| headers.iter().position(|h| h == *c).unwrap())
        .collect();
    let mut builder = csv::WriterBuilder::new();
    if bom_crlf {
        builder.terminator(csv::Terminator::CRLF);
    }
    let start = if bom_crlf {
        vec![0xEF, 0xBB, 0xBF]
    } else {
        Vec::new()
    };
    let mut w = builder.from_writer(start);
    w.write_record(columns).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        w.write_record(keep.iter().map(|&i| &rec[i])).unwrap();
    }
    w.into_inner().unwrap()
}

const LAYOUT_2021: [&str; 9] = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
];

#[test]
fn sample_export_is_triaged_with_the_owner_found() {
    let t = sample();
    assert_eq!(
        (t.rows, t.conversations.len(), t.unreadable.len()),
        (49, 25, 0)
    );
    assert_eq!(t.owner.name, "Jordan Ellis");
    assert_eq!(t.owner.source, OwnerSource::CommonToAll);
    assert_eq!(
        t.conversations.iter().map(|c| c.messages).sum::<usize>(),
        49
    );
    let v = &with(&t, "Helena Sorensen").verdict;
    assert_eq!((v.category, v.follow_ups), (ConversationCategory::Sales, 2));
    assert!(matches!(v.action, Action::Decline { .. }));
    assert_eq!(
        with(&t, "Helena Sorensen").last_follow_up_date.as_deref(),
        Some("2026-01-28 16:58:40 UTC")
    );
    assert_eq!(
        with(&t, "Alicia Gomez").verdict.category,
        ConversationCategory::KnownContact
    );
    // Sorted for the report: pitches first.
    assert_eq!(t.sorted()[0].verdict.category, ConversationCategory::Sales);
}

#[test]
fn multi_line_quoted_content_with_commas_and_quotes() {
    let m = messages(&std::fs::read(SAMPLE).unwrap());
    let kayla = m
        .iter()
        .find(|m| m.from == "Kayla Morgan" && !m.subject.is_empty())
        .unwrap();
    assert!(kayla
        .content
        .starts_with("Hi Jordan,\n\nI'm leading a confidential search"));
    assert!(kayla
        .content
        .contains("a \"top 50\" research university. The role reports"));
    assert!(kayla.content.ends_with("this week?\n\nKayla"));
    assert_eq!(kayla.subject, "Confidential search: VP of Infrastructure");
}

#[test]
fn html_becomes_text_and_the_layout_is_remembered() {
    let m = messages(&std::fs::read(SAMPLE).unwrap());
    let ad = m.iter().find(|m| m.from == "LinkedIn Premium").unwrap();
    assert_eq!(ad.markup, Markup::Layout);
    assert!(!ad.content.contains('<') && !ad.content.contains("&rsquo;"));
    assert!(ad.content.contains("See who’s viewed your profile"));
    assert!(ad.content.contains("Try Premium free for 1 month"));
}

#[test]
fn mojibake_is_repaired_in_names_and_content() {
    let t = sample();
    let c = with(&t, "André Lefebvre");
    let m = messages(&std::fs::read(SAMPLE).unwrap());
    let andre = m.iter().find(|m| m.from == "André Lefebvre").unwrap();
    assert!(
        andre.content.contains("I’m organising"),
        "{}",
        andre.content
    );
    assert!(andre.content.contains("café") && andre.content.contains("— we’d"));
    assert_eq!(c.messages, 1);
}

#[test]
fn unknown_extra_and_missing_optional_columns() {
    // The sample already has columns the reader does not use (ATTACHMENTS); add another, drop
    // every optional one.
    let data = "CONVERSATION ID,SOMETHING NEW,FROM,DATE,CONTENT\n\
                c1,x,Dana Reyes,2024-03-18 09:12:44 UTC,\"We help IT teams cut cloud costs by 20%, open to a call?\"\n";
    let m = messages(data.as_bytes());
    assert_eq!(
        m[0].content,
        "We help IT teams cut cloud costs by 20%, open to a call?"
    );
    assert_eq!(
        (
            m[0].to.as_str(),
            m[0].subject.as_str(),
            m[0].folder.as_str()
        ),
        ("", "", "")
    );
    let t = inbox(data.as_bytes());
    assert_eq!(t.conversations.len(), 1);
    // Without TO the owner cannot be found from one conversation; given, it is used.
    let given = triage_messages(
        Cursor::new(data.as_bytes()),
        Some(&Owner::given("Sam Lee")),
        &judge(),
    )
    .unwrap();
    assert_eq!(given.owner.source, OwnerSource::Given);
    assert_eq!(
        given.conversations[0].verdict.category,
        ConversationCategory::Sales
    );
    // A file that is not a messages export names what it lacks, and the file.
    let e = MessageReader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/sample_invitations.csv"
    ))
    .unwrap_err();
    match e.kind() {
        ErrorKind::MissingColumns { missing, .. } => {
            assert_eq!(missing, &["CONVERSATION ID", "DATE", "CONTENT"])
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("sample_invitations.csv"), "{e}");
}

#[test]
fn both_header_layouts_give_the_same_verdicts() {
    let new = sample();
    for bom_crlf in [false, true] {
        let old = inbox(&relayout(&LAYOUT_2021, bom_crlf));
        assert_eq!(old.headers.len(), 9);
        assert_eq!(old.rows, new.rows);
        assert_eq!(old.conversations.len(), new.conversations.len());
        for (a, b) in new.conversations.iter().zip(&old.conversations) {
            assert_eq!((&a.id, a.line, a.messages), (&b.id, b.line, b.messages));
            // The 2021 layout has no IS MESSAGE DRAFT: Jordan's unsent draft to Patrick counts
            // as sent there. Every other verdict is the same.
            if a.sender != "Patrick Nolan" {
                assert_eq!(a.verdict, b.verdict, "{}", a.sender);
            }
        }
    }
}

#[test]
fn a_group_chat_is_its_own_category() {
    let t = sample();
    let group = t
        .conversations
        .iter()
        .find(|c| c.verdict.category == ConversationCategory::Group)
        .unwrap();
    assert_eq!(group.sender, "Ben Kowalski; Ana Ruiz");
    assert_eq!(group.title, "Zero trust intro");
    assert_eq!(group.verdict.action, Action::Review);
}

#[test]
fn the_owners_own_messages_are_outreach() {
    let t = sample();
    let casey = with(&t, "Casey Brennan");
    assert_eq!(casey.verdict.category, ConversationCategory::Outreach);
    assert_eq!(casey.verdict.reasons, ["only you wrote"]);
    let tom = with(&t, "Tom Becker");
    assert_eq!(tom.verdict.category, ConversationCategory::Outreach);
}

#[test]
fn empty_content() {
    let t = sample();
    // An empty message (an attachment) does not change the verdict on the one after it.
    let nadia = with(&t, "Nadia Haddad");
    assert_eq!(nadia.verdict.category, ConversationCategory::Personal);
    assert_eq!(nadia.folder, "ARCHIVE");
    // Nothing but empty content: nothing to judge, so review.
    let data = "CONVERSATION ID,FROM,TO,DATE,CONTENT\n\
                a,Dana Reyes,Sam Lee,2024-01-01 10:00:00 UTC,\n\
                b,Ana Li,Sam Lee,2024-01-02 10:00:00 UTC,Happy birthday Sam!\n";
    let t = inbox(data.as_bytes());
    assert_eq!(t.owner.name, "Sam Lee");
    let v = &with(&t, "Dana Reyes").verdict;
    assert!(v.unsure && v.action == Action::Review && v.evidence.is_empty());
}

#[test]
fn linkedin_member_senders_are_people_but_never_the_owner() {
    let t = sample();
    let member = with(&t, "LinkedIn Member");
    assert_eq!(member.verdict.category, ConversationCategory::Sales);
    assert_eq!(member.verdict.follow_ups, 1);
    assert_eq!(member.folder, "SPAM");
    // Two different deleted accounts and a real name: the owner is the real name.
    let data = "CONVERSATION ID,FROM,TO,DATE,CONTENT\n\
                a,LinkedIn Member,Sam Lee,2024-01-01 10:00:00 UTC,hello\n\
                b,LinkedIn Member,Sam Lee,2024-01-02 10:00:00 UTC,hello again\n";
    assert_eq!(inbox(data.as_bytes()).owner.name, "Sam Lee");
}

#[test]
fn sponsored_messages_are_archived_never_accepted_or_answered() {
    let t = sample();
    for sender in ["LinkedIn Premium", "Northwind Analytics Events"] {
        let v = &with(&t, sender).verdict;
        assert_eq!(v.category, ConversationCategory::Automated, "{sender}");
        assert_eq!(v.action, Action::Archive, "{sender}");
        assert!(!v.unsure);
    }
}

#[test]
fn prompted_one_liners_are_personal_or_known_contacts() {
    let t = sample();
    for (sender, category) in [
        ("Lena Fischer", ConversationCategory::Personal),
        ("Camille Dubois", ConversationCategory::Personal),
        ("Ethan Liu", ConversationCategory::Personal),
        ("Amara Nwosu", ConversationCategory::KnownContact),
    ] {
        let v = &with(&t, sender).verdict;
        assert_eq!(v.category, category, "{sender}");
        assert!(v.confidence >= 0.9 && !v.unsure, "{sender}: {v:?}");
        assert!(
            v.reasons[0].contains("LinkedIn-prompted"),
            "{sender}: {v:?}"
        );
    }
}

#[test]
fn the_owner_declining_or_answering() {
    let t = sample();
    let olivia = &with(&t, "Olivia Grant").verdict;
    assert_eq!(olivia.category, ConversationCategory::Sales);
    assert!(olivia.reasons.iter().any(|r| r.contains("not interested")));
    // A pitch Jordan answered is never declined as a cold pitch.
    let daniel = &with(&t, "Daniel Kim").verdict;
    assert_eq!(daniel.action, Action::Review);
    assert!(daniel.reasons.iter().any(|r| r.contains("you answered")));
    // A courtesy line from Jordan first does not make Fatima's pitch his outreach.
    let fatima = &with(&t, "Fatima Rahman").verdict;
    assert_eq!(fatima.category, ConversationCategory::Sales);
}

#[test]
fn conversations_come_in_date_order_and_a_split_one_is_judged_whole() {
    // LinkedIn lists newest first; the reader sorts.
    let data = std::fs::read(SAMPLE).unwrap();
    for item in ConversationReader::new(MessageReader::from_reader(data.as_slice()).unwrap()) {
        let Record::Read(c) = item.unwrap() else {
            panic!("damaged")
        };
        assert!(c
            .messages
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp));
    }
    // A conversation whose rows are apart (Helena's first message moved to the end).
    let text = String::from_utf8(data).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let helena_first = rows
        .iter()
        .position(|r| &r[2] == "Helena Sorensen" && r[7].starts_with("Cutting"))
        .unwrap();
    for (i, row) in rows.iter().enumerate() {
        if i != helena_first {
            w.write_record(row).unwrap();
        }
    }
    w.write_record(&rows[helena_first]).unwrap();
    let moved = w.into_inner().unwrap();
    let split = inbox(&moved);
    let whole = sample();
    assert_eq!(split.split_conversations, 1);
    assert_eq!(split.conversations.len(), whole.conversations.len());
    let a = with(&split, "Helena Sorensen");
    let b = with(&whole, "Helena Sorensen");
    assert_eq!((a.messages, &a.verdict), (b.messages, &b.verdict));
    assert_eq!(split.rows, whole.rows);
}

#[test]
fn the_owner_can_be_given_by_profile_url() {
    let data = std::fs::read(SAMPLE).unwrap();
    let owner = Owner::given("https://www.linkedin.com/in/jordan-ellis-example/");
    let t = triage_messages(Cursor::new(&data), Some(&owner), &judge()).unwrap();
    let found = sample();
    for (a, b) in t.conversations.iter().zip(&found.conversations) {
        assert_eq!(a.verdict, b.verdict, "{}", a.sender);
    }
    // The group chat is still a group of two others, not three: the owner is known by name too.
    assert!(t
        .conversations
        .iter()
        .any(|c| c.sender == "Ben Kowalski; Ana Ruiz"));
}
