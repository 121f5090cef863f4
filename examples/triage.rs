//! Triages a LinkedIn data export: the invitations you received, your inbox, or both joined.
//!
//! ```text
//! cargo run --release --example triage -- PATH... [--out FILE] [--conversations-out FILE]
//!     [--model MODEL] [--me NAME_OR_PROFILE_URL]
//! cargo run --release --example triage -- datasets/sample_invitations.csv
//! cargo run --release --example triage -- datasets/sample_messages.csv
//! cargo run --release --example triage -- datasets/sample_invitations.csv datasets/sample_messages.csv
//! cargo run --release --example triage -- path/to/unzipped-export-folder
//! ```
//!
//! Each PATH is `Invitations.csv`, `messages.csv` (told apart by their header) or an unzipped
//! export folder (both files found by name, either may be missing). Prints the counts and every
//! verdict, invitations first, then conversations, pitches first. `--out` writes the invitations
//! and `--conversations-out` the conversations, with the library's writers
//! (`nopitch::review::write_invitations`, `write_conversations`): the same files as the `nopitch
//! triage` command's, which `nopitch learn` reads back once corrected. `--me` names the export's
//! owner when it cannot be found.

use std::fs::File;
use std::path::PathBuf;

use nopitch::linkedin::{
    evidence_text, triage_export, ConversationCategory, ConversationJudge, ExportFiles,
    ExportTriage, Owner, OwnerSource,
};
use nopitch::review::{write_conversations, write_invitations};
use nopitch::{Action, Classifier, TriagePolicy};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

const USAGE: &str =
    "usage: triage PATH... [--out FILE] [--conversations-out FILE] [--model MODEL] [--me NAME]";

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut inputs, mut out, mut conversations_out, mut model, mut me) =
        (Vec::new(), None, None, None, None);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            Long("conversations-out") => conversations_out = Some(PathBuf::from(parser.value()?)),
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
            Long("me") => me = Some(parser.value()?.string()?),
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(());
            }
            Value(v) => inputs.push(PathBuf::from(v)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    if inputs.is_empty() {
        return Err(USAGE.into());
    }
    let clf = match model {
        Some(path) => Classifier::load(path)?,
        None => Classifier::pretrained(),
    };
    let judge = ConversationJudge::new(&clf, &TriagePolicy::default())?;
    let files = ExportFiles::from_paths(&inputs)?;
    if out.is_some() && files.invitations.is_none() {
        return Err("--out writes the invitations, but the input has no Invitations.csv".into());
    }
    if conversations_out.is_some() && files.messages.is_none() {
        return Err(
            "--conversations-out writes the conversations, but the input has no messages.csv"
                .into(),
        );
    }
    let owner = me.as_deref().map(Owner::given);
    let triage = triage_export(&files, owner.as_ref(), &judge)?;
    print_invitations(&triage, &files);
    print_conversations(&triage, &files);

    if let (Some(invitations), Some(out)) = (&triage.invitations, out) {
        write_invitations(File::create(&out)?, invitations)?;
        println!("\nwrote {}", out.display());
    }
    if let (Some(inbox), Some(out)) = (&triage.inbox, conversations_out) {
        write_conversations(File::create(&out)?, inbox)?;
        println!("wrote {}", out.display());
    }
    Ok(())
}

/// The canned reply, under a declined verdict.
fn print_reply(action: &Action) {
    if let Action::Decline { reply } = action {
        println!("      reply: {reply}");
    }
}

fn print_invitations(triage: &ExportTriage, files: &ExportFiles) {
    let (Some(t), Some(path)) = (&triage.invitations, &files.invitations) else {
        return;
    };
    let rows = &t.rows;
    let incoming = rows
        .iter()
        .filter(|r| {
            matches!(
                r.invitation.invitation.direction,
                nopitch::linkedin::Direction::Incoming
            )
        })
        .count();
    let label = |r: &nopitch::linkedin::ExportInvitation| r.category_label();
    let count = |c: &str| {
        rows.iter()
            .filter(|r| label(r).trim_end_matches(" (unsure)") == c)
            .count()
    };
    println!(
        "{}: {} invitations, {incoming} incoming",
        path.display(),
        rows.len()
    );
    println!(
        "  sales {}, known-contact {}, personal {}, automated {}, no note {}, outgoing {}, unreadable {}",
        count("sales"),
        count("known-contact"),
        count("personal"),
        count("automated"),
        count("no-note"),
        count("outgoing"),
        count("unreadable"),
    );
    for category in ConversationCategory::ALL {
        let mut group: Vec<_> = rows
            .iter()
            .filter(|r| r.verdict.as_ref().is_some_and(|v| v.category == category))
            .collect();
        if group.is_empty() {
            continue;
        }
        group.sort_by(|a, b| {
            let (va, vb) = (a.verdict.as_ref(), b.verdict.as_ref());
            let key = |v: Option<&nopitch::linkedin::InvitationVerdict>| {
                v.map_or((true, 0.0), |v| (v.unsure, -v.confidence))
            };
            key(va)
                .partial_cmp(&key(vb))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        println!("\n{category}:");
        for r in group {
            let Some(v) = &r.verdict else { continue };
            println!(
                "  {:<24} {:.3}  {:<8}{}  [{}] {}",
                r.invitation.invitation.from,
                v.confidence,
                v.action.name(),
                if v.unsure { " (unsure)" } else { "" },
                v.source.name(),
                v.evidence
            );
            print_reply(&v.action);
        }
    }
    let unreadable: Vec<_> = rows.iter().filter(|r| label(r) == "unreadable").collect();
    if !unreadable.is_empty() {
        println!(
            "\ncould not read {} rows (kept in the output as unreadable):",
            unreadable.len()
        );
        for d in unreadable.iter().filter_map(|r| r.invitation.damage()) {
            println!("  {d}");
        }
    }
}

fn print_conversations(triage: &ExportTriage, files: &ExportFiles) {
    let (Some(inbox), Some(path)) = (&triage.inbox, &files.messages) else {
        return;
    };
    if triage.invitations.is_some() {
        println!();
    }
    let owner = &inbox.owner;
    let how = match owner.source {
        OwnerSource::Given => "given",
        OwnerSource::Invitations => "from the invitations",
        OwnerSource::CommonToAll => "in every conversation",
        OwnerSource::Guessed => "guessed: use --me if wrong",
        OwnerSource::Unknown => "unknown: use --me",
    };
    println!(
        "{}: {} messages in {} conversations; owner {} ({how})",
        path.display(),
        inbox.rows,
        inbox.conversations.len(),
        owner.name
    );
    println!(
        "  {}, unreadable rows {}",
        ConversationCategory::ALL
            .iter()
            .map(|&c| format!("{c} {}", inbox.count(c)))
            .collect::<Vec<_>>()
            .join(", "),
        inbox.unreadable.len()
    );
    let mut current = None;
    for c in inbox.sorted() {
        let v = &c.verdict;
        if current != Some(v.category) {
            println!("\n{}:", v.category);
            current = Some(v.category);
        }
        let follow_ups = match (&c.last_follow_up_date, v.follow_ups) {
            (_, 0) => String::new(),
            (Some(date), n) => format!("  {n} follow-up(s), last {date}"),
            (None, n) => format!("  {n} follow-up(s)"),
        };
        println!(
            "  {:<24} {:.3}  {:<8}{}{follow_ups}  {}",
            c.sender,
            v.confidence,
            v.action.name(),
            if v.unsure { " (unsure)" } else { "" },
            evidence_text(v)
        );
        print_reply(&v.action);
    }
    if !inbox.unreadable.is_empty() {
        println!(
            "\ncould not read {} rows (kept in the output as unreadable):",
            inbox.unreadable.len()
        );
        for d in &inbox.unreadable {
            println!("  {d}");
        }
    }
}
