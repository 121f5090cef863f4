//! Triages the invitations you received, from LinkedIn's data export.
//!
//! ```text
//! cargo run --release --example triage -- Invitations.csv [--out triaged.csv] [--model MODEL] [--mark]
//! cargo run --release --example triage -- datasets/sample_invitations.csv --mark
//! ```
//!
//! Prints a summary (counts per category; pitches first, each with the sender, the confidence
//! and the top evidence in the note's own words) and, with `--out`, writes a CSV with the
//! export's columns plus `category`, `confidence`, `action` and `evidence`. `--mark` also prints
//! each note with its evidence marked: `[We worked together]`, or in colour on a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use nopitch::linkedin::{triage, InvitationReader, Triage, TriagedInvitation};
use nopitch::{mark_evidence, Category, Classifier, TriagePolicy};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// The added columns of one row: category, confidence, action, evidence.
fn added_columns(row: &TriagedInvitation) -> [String; 4] {
    match &row.triage {
        Triage::Judged(v, evidence) => [
            if v.unsure {
                format!("{} (unsure)", v.category)
            } else {
                v.category.to_string()
            },
            format!("{:.3}", v.confidence),
            v.action.name().to_string(),
            evidence
                .iter()
                .map(|e| e.text.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ],
        Triage::NoNote => [
            "no-note".into(),
            String::new(),
            "review".into(),
            String::new(),
        ],
        Triage::Outgoing => [
            "outgoing".into(),
            String::new(),
            String::new(),
            String::new(),
        ],
        Triage::UnknownDirection => [
            "unknown-direction".into(),
            String::new(),
            "review".into(),
            String::new(),
        ],
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut input, mut out, mut model, mut mark) = (None, None, None, false);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
            Long("mark") => mark = true,
            Value(v) if input.is_none() => input = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let input =
        input.ok_or("usage: triage Invitations.csv [--out FILE] [--model MODEL] [--mark]")?;
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
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
            let [_, conf, action, evidence] = added_columns(row);
            let unsure = matches!(&row.triage, Triage::Judged(v, _) if v.unsure);
            println!(
                "  {:<24} {conf}  {action:<8}{}  {}",
                row.invitation.from,
                if unsure { " (unsure)" } else { "" },
                evidence
            );
            if let (true, Triage::Judged(_, evidence)) = (mark, &row.triage) {
                let note = &row.invitation.message;
                println!("      {}", mark_evidence(note, evidence, open, close));
            }
        }
    }
    if let Some(out) = out {
        let mut w = csv::Writer::from_path(&out)?;
        let mut header = headers.clone();
        header.extend(["category", "confidence", "action", "evidence"].map(String::from));
        w.write_record(&header)?;
        for row in &rows {
            let mut record = row.invitation.fields.clone();
            record.resize(headers.len(), String::new());
            record.extend(added_columns(row));
            w.write_record(&record)?;
        }
        w.flush()?;
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
