//! Triage of a whole export folder (#16), on made-up export folders built here from the sample
//! files: invitations joined with the same people's conversations, either file missing, file
//! names in any case.

use std::path::{Path, PathBuf};

use nopitch::linkedin::{
    triage_export, triage_export_dir, ConversationCategory, ConversationJudge, ExportFiles,
    ExportInvitation, ExportTriage, JoinedBy, OwnerSource, Triage, VerdictSource,
};
use nopitch::review::{write_invitations, ADDED_COLUMNS, JOINED_COLUMNS};
use nopitch::{Action, Classifier, ErrorKind, TriagePolicy};

const INVITATIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/datasets/sample_invitations.csv"
);
const MESSAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/sample_messages.csv");

/// A temporary folder, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str, files: &[(&str, &str)]) -> Folder {
        let dir =
            std::env::temp_dir().join(format!("nopitch-export-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (target, source) in files {
            let path = dir.join(target);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::copy(source, path).unwrap();
        }
        Folder(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn judge() -> ConversationJudge {
    ConversationJudge::new(&Classifier::pretrained(), &TriagePolicy::default()).unwrap()
}

fn invitation<'a>(t: &'a ExportTriage, from: &str) -> &'a ExportInvitation {
    t.invitations
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .find(|r| r.invitation.invitation.from == from)
        .unwrap_or_else(|| panic!("no invitation from {from}"))
}

#[test]
fn a_no_note_invitation_takes_the_verdict_of_the_pitch_conversation() {
    let folder = Folder::new(
        "both",
        &[("Invitations.csv", INVITATIONS), ("messages.csv", MESSAGES)],
    );
    let t = triage_export_dir(folder.path(), None, &judge()).unwrap();
    assert_eq!(t.owner.name, "Jordan Ellis");
    assert_eq!(t.owner.source, OwnerSource::Invitations);

    // Helena Sorensen: no note, then an InMail pitch with follow-ups.
    let helena = invitation(&t, "Helena Sorensen");
    assert!(matches!(helena.invitation.triage, Triage::NoNote));
    let link = helena.conversation.as_ref().unwrap();
    assert_eq!(
        (link.joined_by, link.category),
        (JoinedBy::ProfileUrl, ConversationCategory::Sales)
    );
    let v = helena.verdict.as_ref().unwrap();
    assert_eq!(
        (v.category, v.source),
        (ConversationCategory::Sales, VerdictSource::Conversation)
    );
    assert!(matches!(v.action, Action::Decline { .. }));
    assert!(
        v.evidence.contains("no note") && v.evidence.contains("follow-up"),
        "{}",
        v.evidence
    );

    // The other no-note invitations: a former colleague, a prompted note, a recruiter after a
    // courtesy line, a student joined by name (no profile URL in the messages), and one with
    // no conversation at all.
    for (from, category, joined_by) in [
        (
            "Alicia Gomez",
            ConversationCategory::KnownContact,
            JoinedBy::ProfileUrl,
        ),
        (
            "Camille Dubois",
            ConversationCategory::Personal,
            JoinedBy::ProfileUrl,
        ),
        (
            "Fatima Rahman",
            ConversationCategory::Sales,
            JoinedBy::ProfileUrl,
        ),
        (
            "Liam O'Connor",
            ConversationCategory::Personal,
            JoinedBy::Name,
        ),
    ] {
        let row = invitation(&t, from);
        assert_eq!(
            row.conversation.as_ref().unwrap().joined_by,
            joined_by,
            "{from}"
        );
        assert_eq!(row.verdict.as_ref().unwrap().category, category, "{from}");
    }
    let ingrid = invitation(&t, "Ingrid Svensson");
    assert!(ingrid.conversation.is_none() && ingrid.verdict.is_none());
    assert_eq!(ingrid.category_label(), "no-note");

    // A note and a conversation are weighed together.
    let priya = invitation(&t, "Priya Natarajan");
    let v = priya.verdict.as_ref().unwrap();
    assert_eq!(
        (v.category, v.source),
        (
            ConversationCategory::Sales,
            VerdictSource::NoteAndConversation
        )
    );
    let marcus = invitation(&t, "Marcus Webb");
    assert_eq!(
        marcus.verdict.as_ref().unwrap().category,
        ConversationCategory::KnownContact
    );
    // Outgoing invitations are never joined or judged.
    let outgoing = t
        .invitations
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .filter(|r| matches!(r.invitation.triage, Triage::Outgoing));
    for r in outgoing {
        assert!(r.conversation.is_none() && r.verdict.is_none());
    }

    // Both outputs keep every row; the invitations gain the joined columns.
    let invitations = t.invitations.as_ref().unwrap();
    let mut out = Vec::new();
    write_invitations(&mut out, invitations).unwrap();
    let mut r = csv::Reader::from_reader(out.as_slice());
    let header = r.headers().unwrap().clone();
    assert_eq!(
        header.len(),
        invitations.headers.len() + ADDED_COLUMNS.len() + JOINED_COLUMNS.len()
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 40);
    let helena_row = rows.iter().find(|r| &r[0] == "Helena Sorensen").unwrap();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&helena_row[col("category")], "sales");
    assert_eq!(&helena_row[col("verdict_from")], "conversation");
    assert_eq!(&helena_row[col("joined_by")], "profile-url");
    assert!(!helena_row[col("conversation")].is_empty());
}

#[test]
fn file_names_in_any_case_and_a_folder_inside_the_folder() {
    let folder = Folder::new(
        "case",
        &[
            ("Basic_LinkedInDataExport/INVITATIONS.CSV", INVITATIONS),
            ("Basic_LinkedInDataExport/Messages.csv", MESSAGES),
        ],
    );
    let files = ExportFiles::find(folder.path()).unwrap();
    assert!(files.invitations.is_some() && files.messages.is_some());
    let t = triage_export(&files, None, &judge()).unwrap();
    assert_eq!(t.inbox.as_ref().unwrap().conversations.len(), 25);
    assert_eq!(t.invitations.as_ref().unwrap().rows.len(), 40);
}

#[test]
fn a_folder_with_only_the_messages() {
    let folder = Folder::new("messages-only", &[("messages.csv", MESSAGES)]);
    let t = triage_export_dir(folder.path(), None, &judge()).unwrap();
    assert!(t.invitations.is_none());
    let inbox = t.inbox.unwrap();
    assert_eq!(inbox.conversations.len(), 25);
    // Without invitations, the owner is the participant common to every conversation.
    assert_eq!(inbox.owner.source, OwnerSource::CommonToAll);
    assert_eq!(t.owner.name, "Jordan Ellis");
}

#[test]
fn a_folder_with_only_the_invitations_triages_them_as_before() {
    let folder = Folder::new("invitations-only", &[("invitations.csv", INVITATIONS)]);
    let t = triage_export_dir(folder.path(), None, &judge()).unwrap();
    assert!(t.inbox.is_none());
    let invitations = t.invitations.unwrap();
    assert!(!invitations.joined);
    assert!(invitations.rows.iter().all(|r| r.conversation.is_none()));
    let mut out = Vec::new();
    write_invitations(&mut out, &invitations).unwrap();
    let mut r = csv::Reader::from_reader(out.as_slice());
    assert_eq!(
        r.headers().unwrap().len(),
        invitations.headers.len() + ADDED_COLUMNS.len()
    );
    assert_eq!(r.records().count(), 40);
    // No-note invitations stay no-note: nothing to judge.
    let no_note = invitations
        .rows
        .iter()
        .filter(|r| r.category_label() == "no-note")
        .count();
    assert_eq!(no_note, 6);
}

#[test]
fn a_folder_without_either_file_and_a_file_that_is_neither() {
    let folder = Folder::new("empty", &[("Connections.csv", INVITATIONS)]);
    std::fs::rename(
        folder.path().join("Connections.csv"),
        folder.path().join("Connections.txt"),
    )
    .unwrap();
    let e = triage_export_dir(folder.path(), None, &judge()).unwrap_err();
    assert!(e.is_io_error(), "{e}");
    assert!(
        e.to_string()
            .contains("no Invitations.csv or messages.csv here"),
        "{e}"
    );
    assert!(e.to_string().contains("nopitch-export-"), "{e}");
    let e = ExportFiles::from_paths(&[concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/connection_requests.csv"
    )])
    .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::MissingColumns { .. }), "{e}");
    // Given as files, they are told apart by their header, whatever their names.
    let files = ExportFiles::from_paths(&[MESSAGES, INVITATIONS]).unwrap();
    assert_eq!(files.invitations.as_deref(), Some(Path::new(INVITATIONS)));
    assert_eq!(files.messages.as_deref(), Some(Path::new(MESSAGES)));
    let e = ExportFiles::from_paths(&[MESSAGES, MESSAGES]).unwrap_err();
    assert!(e.to_string().contains("a second messages.csv"), "{e}");
}

#[test]
fn an_owner_the_invitations_name_but_the_messages_do_not_is_not_used() {
    let folder = Folder::new("other-name", &[("messages.csv", MESSAGES)]);
    let renamed = std::fs::read_to_string(INVITATIONS)
        .unwrap()
        .replace("Jordan Ellis", "J. Ellis");
    std::fs::write(folder.path().join("Invitations.csv"), renamed).unwrap();
    let t = triage_export_dir(folder.path(), None, &judge()).unwrap();
    let inbox = t.inbox.unwrap();
    assert_eq!(inbox.owner.name, "Jordan Ellis");
    assert_eq!(inbox.owner.source, OwnerSource::CommonToAll);
    assert_eq!(inbox.count(ConversationCategory::Group), 1);
}

#[test]
fn names_join_only_where_a_profile_url_is_absent() {
    use nopitch::linkedin::triage_export_readers;
    use std::io::Cursor;
    let invitations = "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n\
        Sam Hill,Jordan Ellis,\"1/30/26, 9:00 AM\",,INCOMING,https://www.linkedin.com/in/sam-hill-a,\n\
        Ana Li,Jordan Ellis,\"1/30/26, 9:00 AM\",,INCOMING,https://www.linkedin.com/in/ana-li,\n";
    let pitch = "We help IT teams save 15-20% on Microsoft licensing. Open to a 15 minute call?";
    let messages = format!(
        "CONVERSATION ID,FROM,SENDER PROFILE URL,TO,DATE,CONTENT\n\
         c1,Sam Hill,https://www.linkedin.com/in/sam-hill-b,Jordan Ellis,2026-01-02 10:00:00 UTC,{pitch:?}\n\
         c2,Ana Li,,Jordan Ellis,2026-01-03 10:00:00 UTC,{pitch:?}\n"
    );
    let t = triage_export_readers(
        Some(invitations.as_bytes()),
        Some(Cursor::new(messages.as_bytes())),
        None,
        &judge(),
    )
    .unwrap();
    // Another Sam Hill (another profile): not joined.
    assert!(invitation(&t, "Sam Hill").conversation.is_none());
    // Ana Li's messages have no profile URL: joined by name.
    let ana = invitation(&t, "Ana Li").conversation.as_ref().unwrap();
    assert_eq!(
        (ana.joined_by, ana.category),
        (JoinedBy::Name, ConversationCategory::Sales)
    );
}
