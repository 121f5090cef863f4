//! Damaged export rows (#15): a record whose field count differs from the header, or whose quote
//! never closes before the next line that starts a record, is reported with its lines; triage
//! goes on with the rest and keeps every row, the damaged ones as `unreadable`. Rows in = rows
//! out, for both readers.

use std::io::Cursor;

use nopitch::linkedin::{
    triage, triage_messages, ConversationJudge, Damage, ExportInvitation, InvitationReader,
    InvitationsTriage, MessageReader, Record, Triage,
};
use nopitch::review::{write_conversations, write_invitations, ADDED_COLUMNS};
use nopitch::{Classifier, ErrorKind, TriagePolicy};

const MESSAGES: &str = include_str!("../datasets/sample_messages.csv");
const INVITATIONS: &str = include_str!("../datasets/sample_invitations.csv");

/// The file with `rows` inserted after its line `after` (1-based; the header is line 1).
fn insert_after(file: &str, after: usize, rows: &str) -> String {
    // Lines of the file as written (content lines inside quotes count, as editors count them).
    let mut out = String::new();
    for (i, line) in file.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if i + 1 == after {
            out.push_str(rows);
        }
    }
    out
}

/// Records in a file as the csv crate would count them on an undamaged file.
fn records(file: &str) -> usize {
    csv::Reader::from_reader(file.as_bytes()).records().count()
}

fn judge() -> ConversationJudge {
    ConversationJudge::new(&Classifier::pretrained(), &TriagePolicy::default()).unwrap()
}

#[test]
fn messages_rows_in_equal_rows_out() {
    let rows = records(MESSAGES);
    assert_eq!(rows, 49);
    let broken = [
        // One field too many, one too few.
        "2-too-many,,Ana Li,,Jordan Ellis,,2026-01-03 10:00:00 UTC,,Hello, with a stray comma,INBOX,,No\n",
        "2-too-few,,Ana Li,,Jordan Ellis,,2026-01-04 10:00:00 UTC,,Hello,INBOX\n",
        // An unclosed quote: without the check it would swallow the rows that follow.
        "2-broken-quote,,Sam Hill,https://www.linkedin.com/in/sam-hill-example,Jordan Ellis,https://www.linkedin.com/in/jordan-ellis-example,2026-01-02 10:00:00 UTC,,\"Hi Jordan, this quote never closes,INBOX,,No\n",
    ];
    let data = insert_after(MESSAGES, 1, &broken.concat());
    let inbox = triage_messages(Cursor::new(data.as_bytes()), None, &judge()).unwrap();
    assert_eq!(inbox.unreadable.len(), 3);
    let read: usize = inbox.conversations.iter().map(|c| c.messages).sum();
    assert_eq!(read, rows, "every undamaged row is still read");
    assert_eq!(inbox.rows, rows as u64 + 3);
    let lines: Vec<(u64, u64)> = inbox
        .unreadable
        .iter()
        .map(|d| (d.first_line, d.last_line))
        .collect();
    assert_eq!(lines, [(2, 2), (3, 3), (4, 4)]);
    assert_eq!(inbox.unreadable[2].problem, Damage::UnclosedQuote);
    assert_eq!(
        inbox.unreadable[0].problem,
        Damage::FieldCount {
            expected: 12,
            found: 13
        }
    );
    // The output keeps every row: one per conversation plus one per unreadable record, and the
    // `messages` column adds up to the rows of the input.
    let mut out = Vec::new();
    write_conversations(&mut out, &inbox).unwrap();
    let mut r = csv::Reader::from_reader(out.as_slice());
    let h = r.headers().unwrap().clone();
    let (messages, category, line, evidence) = (
        h.iter().position(|c| c == "messages").unwrap(),
        h.iter().position(|c| c == "category").unwrap(),
        h.iter().position(|c| c == "line").unwrap(),
        h.iter().position(|c| c == "evidence").unwrap(),
    );
    let out_rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(out_rows.len(), inbox.conversations.len() + 3);
    let total: u64 = out_rows
        .iter()
        .map(|r| r[messages].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, rows as u64 + 3);
    let unreadable: Vec<&csv::StringRecord> = out_rows
        .iter()
        .filter(|r| &r[category] == "unreadable")
        .collect();
    assert_eq!(unreadable.len(), 3);
    assert_eq!(&unreadable[2][line], "4");
    assert!(
        unreadable[2][evidence].contains("never closes"),
        "{:?}",
        unreadable[2]
    );
    assert_eq!(&unreadable[2][0], "2-broken-quote");
    // The verdict column says so too (an edit of the category is no correction), and the
    // content is kept as far as it could be read.
    let (verdict, text) = (
        h.iter().position(|c| c == "verdict").unwrap(),
        h.iter().position(|c| c == "text").unwrap(),
    );
    assert!(unreadable.iter().all(|r| &r[verdict] == "unreadable"));
    assert!(
        unreadable[2][text].contains("this quote never closes"),
        "{:?}",
        unreadable[2]
    );
}

#[test]
fn the_message_iterator_reports_damage_by_line_and_goes_on() {
    let data = "CONVERSATION ID,FROM,TO,DATE,CONTENT\n\
                a,Dana,Sam,2024-01-01 10:00:00 UTC,\"never closed\n\
                continued, on a second line\n\
                b,Ana,Sam,2024-01-02 10:00:00 UTC,fine\n\
                c,Ana,Sam,2024-01-02 10:00:00 UTC,too,many\n";
    let items: Vec<_> = MessageReader::from_reader(data.as_bytes())
        .unwrap()
        .collect();
    assert_eq!(items.len(), 3);
    let e = items[0].as_ref().unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::DamagedRecord {
                first_line: 2,
                last_line: 3,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().starts_with("lines 2-3: "), "{e}");
    assert_eq!(items[1].as_ref().unwrap().content, "fine");
    assert_eq!(items[2].as_ref().unwrap_err().line(), Some(5));
    // `read_row` gives the same as data.
    let mut reader = MessageReader::from_reader(data.as_bytes()).unwrap();
    assert!(matches!(reader.read_row().unwrap(), Some(Record::Damaged(d)) if d.fields[0] == "a"));
}

#[test]
fn invitations_rows_in_equal_rows_out() {
    let rows = records(INVITATIONS);
    assert_eq!(rows, 40);
    let data = insert_after(
        INVITATIONS,
        3,
        "Sam Hill,Jordan Ellis,\"1/30/26, 9:00 AM\",\"This note's quote never closes,INCOMING,https://www.linkedin.com/in/sam-hill-example,https://www.linkedin.com/in/jordan-ellis-example\n",
    );
    // A short row (the old five-column layout pasted into a new file), further down.
    let data = insert_after(
        &data,
        10,
        "Ana Li,Jordan Ellis,\"1/30/26, 9:05 AM\",Hi Jordan,INCOMING\n",
    );
    let reader = InvitationReader::from_reader(data.as_bytes()).unwrap();
    let headers = reader.headers().to_vec();
    let triaged = triage(reader, &Classifier::pretrained(), &TriagePolicy::default()).unwrap();
    assert_eq!(triaged.len(), rows + 2);
    let unreadable: Vec<_> = triaged
        .iter()
        .filter(|r| matches!(r.triage, Triage::Unreadable { .. }))
        .collect();
    assert_eq!(unreadable.len(), 2);
    assert_eq!(unreadable[0].invitation.line, 4);
    assert_eq!(unreadable[0].invitation.from, "Sam Hill");
    assert!(matches!(
        unreadable[1].triage,
        Triage::Unreadable {
            problem: Damage::FieldCount {
                expected: 7,
                found: 5
            },
            ..
        }
    ));
    // The row after the broken quote is read, not swallowed.
    assert_eq!(triaged[3].invitation.from, "Helena Sorensen");
    assert_eq!(triaged[3].invitation.line, 5);
    let out = InvitationsTriage {
        headers: headers.clone(),
        rows: triaged
            .into_iter()
            .map(|invitation| ExportInvitation {
                invitation,
                conversation: None,
                verdict: None,
            })
            .collect(),
        joined: false,
    };
    let mut csv_out = Vec::new();
    write_invitations(&mut csv_out, &out).unwrap();
    let mut r = csv::Reader::from_reader(csv_out.as_slice());
    assert_eq!(
        r.headers().unwrap().len(),
        headers.len() + ADDED_COLUMNS.len()
    );
    let written: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(written.len(), rows + 2);
    let category = headers.len();
    assert_eq!(
        written
            .iter()
            .filter(|r| &r[category] == "unreadable")
            .count(),
        2
    );
}
