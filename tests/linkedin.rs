//! Triage of a LinkedIn data export: the sample export in datasets/, and an old-layout variant
//! (five columns) with a byte-order mark and CRLF line ends.

use nopitch::linkedin::{triage, InvitationReader, Triage, TriagedInvitation};
use nopitch::{Action, Category, Classifier, ErrorKind, TriagePolicy};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/datasets/sample_invitations.csv"
);

fn run(data: &[u8]) -> Vec<TriagedInvitation> {
    let reader = InvitationReader::from_reader(data).unwrap();
    triage(reader, &Classifier::pretrained(), &TriagePolicy::default()).unwrap()
}

/// The sample rewritten in the old layout: only the first five columns, BOM, CRLF.
fn old_layout() -> Vec<u8> {
    let mut r = csv::Reader::from_path(SAMPLE).unwrap();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(r.headers().unwrap().iter().take(5)).unwrap();
    for rec in r.records() {
        w.write_record(rec.unwrap().iter().take(5)).unwrap();
    }
    w.into_inner().unwrap()
}

fn find<'a>(rows: &'a [TriagedInvitation], from: &str) -> &'a Triage {
    &rows
        .iter()
        .find(|r| r.invitation.from == from)
        .unwrap()
        .triage
}

#[test]
fn sample_export_is_triaged() {
    let rows = run(&std::fs::read(SAMPLE).unwrap());
    assert_eq!(rows.len(), 40);
    let outgoing = rows
        .iter()
        .filter(|r| matches!(r.triage, Triage::Outgoing))
        .count();
    let no_note = rows
        .iter()
        .filter(|r| matches!(r.triage, Triage::NoNote))
        .count();
    assert_eq!((outgoing, no_note), (6, 6));
    // Rows without a note are never guessed at.
    for r in &rows {
        if matches!(r.triage, Triage::NoNote) {
            assert!(r.invitation.message.trim().is_empty());
        }
    }
    match find(&rows, "Derek Olawale") {
        Triage::Judged(v, evidence) => {
            assert_eq!(v.category, Category::Sales);
            assert!(matches!(v.action, Action::Decline { .. }));
            assert!(!evidence.is_empty());
        }
        other => panic!("{other:?}"),
    }
    match find(&rows, "Marcus Webb") {
        Triage::Judged(v, _) => assert_eq!(
            (v.category, &v.action),
            (Category::KnownContact, &Action::Accept)
        ),
        other => panic!("{other:?}"),
    }
    match find(&rows, "Sean Murphy") {
        Triage::Judged(v, evidence) => {
            assert!(v.unsure && v.action == Action::Review && evidence.is_empty())
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn old_layout_with_bom_and_crlf_gives_the_same_verdicts() {
    let new = run(&std::fs::read(SAMPLE).unwrap());
    let old = run(&old_layout());
    assert_eq!(new.len(), old.len());
    for (a, b) in new.iter().zip(&old) {
        assert_eq!(a.invitation.from, b.invitation.from);
        assert_eq!(a.invitation.line, b.invitation.line);
        assert_eq!(a.triage, b.triage, "{}", a.invitation.from);
        assert_eq!(b.invitation.fields.len(), 5);
    }
}

#[test]
fn other_files_are_refused_with_the_missing_columns() {
    let e = InvitationReader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/connection_requests.csv"
    ))
    .unwrap_err();
    match e.kind() {
        ErrorKind::MissingColumns { missing, .. } => assert_eq!(missing.len(), 5),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("connection_requests.csv"), "{e}");
}
