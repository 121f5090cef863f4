//! Triages the invitations you received, from LinkedIn's data export.
//!
//! ```text
//! cargo run --release --example triage -- Invitations.csv [--out triaged.csv] [--model MODEL.json]
//! cargo run --release --example triage -- datasets/sample_invitations.csv
//! ```
//!
//! Prints a summary (counts per category; pitches first, each with the sender, the confidence
//! and the top evidence) and, with `--out`, writes a CSV with the export's columns plus the
//! columns of `nopitch::review::ADDED_COLUMNS` (`category`, `verdict`, `confidence`, …).
//!
//! The `nopitch` command does the same and more: `nopitch triage` prints the reply for each
//! declined pitch, and `nopitch learn` learns from the triage file once you have corrected it.

use std::path::PathBuf;

use nopitch::linkedin::{triage, InvitationReader, Triage, TriagedInvitation};
use nopitch::review::write_triaged;
use nopitch::{Category, Classifier, TriagePolicy};

const USAGE: &str = "usage: triage Invitations.csv [--out FILE] [--model MODEL]
Triages the invitations of a LinkedIn export with the pretrained model (or MODEL).";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut input, mut out, mut model) = (None, None, None);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(());
            }
            Value(v) if input.is_none() => input = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let input = input.ok_or(USAGE)?;
    let clf = match model {
        Some(path) => Classifier::load(path)?,
        None => Classifier::pretrained(),
    };
    let reader = InvitationReader::from_path(&input)?;
    let headers = reader.headers().to_vec();
    let rows = triage(reader, &clf, &TriagePolicy::default())?;

    let judged = |c: Category| {
        rows.iter()
            .filter(move |r| matches!(&r.triage, Triage::Judged(v, _) if v.category == c))
    };
    let incoming = rows
        .iter()
        .filter(|r| matches!(r.triage, Triage::Judged(..) | Triage::NoNote))
        .count();
    let no_note = rows
        .iter()
        .filter(|r| matches!(r.triage, Triage::NoNote))
        .count();
    println!("{}: {incoming} incoming invitations", input.display());
    println!(
        "  sales {}, known-contact {}, personal {}, no note {no_note}",
        judged(Category::Sales).count(),
        judged(Category::KnownContact).count(),
        judged(Category::Personal).count()
    );
    for category in [Category::Sales, Category::KnownContact, Category::Personal] {
        let mut group: Vec<&TriagedInvitation> = judged(category).collect();
        if group.is_empty() {
            continue;
        }
        // Most confident first.
        group.sort_by(|a, b| confidence(b).total_cmp(&confidence(a)));
        println!("\n{category}:");
        for row in group {
            let Triage::Judged(v, evidence) = &row.triage else {
                continue;
            };
            let evidence: Vec<&str> = evidence.iter().map(|e| e.feature.as_str()).collect();
            println!(
                "  {:<24} {:.3}  {:<8}{}  {}",
                row.invitation.from,
                v.confidence,
                v.action.name(),
                if v.unsure { " (unsure)" } else { "" },
                evidence.join("; ")
            );
        }
    }
    if let Some(out) = out {
        write_triaged(std::fs::File::create(&out)?, &headers, &rows)?;
        println!("\nwrote {}", out.display());
    }
    Ok(())
}

fn confidence(row: &TriagedInvitation) -> f64 {
    match &row.triage {
        Triage::Judged(v, _) => v.confidence,
        _ => 0.0,
    }
}
