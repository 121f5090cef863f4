//! `nopitch triage`: the verdict on every invitation of a LinkedIn export, and a CSV to review.

use std::fs::{self, File};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use nopitch::linkedin::{triage, InvitationReader, Triage, TriagedInvitation};
use nopitch::review::{write_triaged, ADDED_COLUMNS};
use nopitch::{Category, TriagePolicy, DEFAULT_DECLINE_REPLY};

use crate::{in_file, outln, store, ChosenModel, Failure};

/// Files at least this large get a progress bar (when standard error is a terminal): about
/// 5,000 invitations.
const LARGE_FILE_BYTES: u64 = 1 << 20;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Prints the counts per category, then every verdict (pitches first, each with the sender,
confidence, action and evidence, and the reply for declined pitches). With --out, writes the
export's columns plus category, verdict, confidence, unsure, action, evidence and reply: change
the category of the rows nopitch got wrong, then run `nopitch learn FILE`.

Examples:
  nopitch triage Invitations.csv --out triaged.csv
  nopitch triage path/to/unzipped-export/ --reply \"Thanks, but I only connect with people I know.\"")]
pub struct Args {
    /// LinkedIn's Invitations.csv, or the unzipped export folder that holds it.
    #[arg(value_name = "FILE")]
    input: PathBuf,
    /// Write the triaged invitations to this CSV file (for review and `nopitch learn`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The reply to send with declined pitches.
    #[arg(long, value_name = "TEXT", default_value = DEFAULT_DECLINE_REPLY, hide_default_value = true)]
    reply: String,
}

/// What `triage` was given. New kinds of input (LinkedIn's `messages.csv`, …) join here and in
/// [`detect_input`].
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// An `Invitations.csv` file.
    Invitations(PathBuf),
}

/// Tells what kind of input `path` is: a folder is an unzipped export, whose `Invitations.csv`
/// is used; a file is read as `Invitations.csv` (its reader refuses a file without the
/// export's columns, naming them).
pub fn detect_input(path: &Path) -> Result<Input, Failure> {
    if path.is_dir() {
        let entries = fs::read_dir(path).map_err(|e| in_file(path, e))?;
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .eq_ignore_ascii_case("Invitations.csv")
            {
                return Ok(Input::Invitations(entry.path()));
            }
        }
        return Err(in_file(
            path,
            "no Invitations.csv in this folder (unzip LinkedIn's export and give its folder or the file)",
        ));
    }
    Ok(Input::Invitations(path.to_path_buf()))
}

pub fn run(args: &Args, chosen: Option<&ChosenModel>, out: &mut impl Write) -> Result<(), Failure> {
    let Input::Invitations(input) = detect_input(&args.input)?;
    let loaded = store::load(chosen)?;
    eprintln!("{}", loaded.source.describe());
    let clf = &loaded.classifier;
    if let Some(label) = clf
        .labels()
        .iter()
        .find(|l| Category::from_label(l).is_none())
    {
        return Err(Failure::Input(format!(
            "triage needs a model with the labels sales, known-contact and personal; this one has {label:?} ({})",
            clf.labels().join(", ")
        )));
    }
    let file = File::open(&input).map_err(|e| in_file(&input, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if size >= LARGE_FILE_BYTES && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("triaging [{bar:30}] {bytes}/{total_bytes}")
                .expect("a valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let reader: Box<dyn Read> = Box::new(bar.wrap_read(file));
    let reader = InvitationReader::from_reader(reader).map_err(|e| in_file(&input, e))?;
    let headers = reader.headers().to_vec();
    if let Some(added) = headers.iter().find(|h| ADDED_COLUMNS.contains(&h.as_str())) {
        return Err(in_file(
            &input,
            format!("line 1: this is already a triage file (it has a {added:?} column); give the export's Invitations.csv"),
        ));
    }
    let policy = TriagePolicy::new().decline_reply(args.reply.clone());
    let rows = triage(reader, clf, &policy).map_err(|e| in_file(&input, e))?;
    bar.finish_and_clear();

    print_summary(&input, &rows, &args.reply, out)?;
    if let Some(path) = &args.out {
        let mut bytes = Vec::new();
        write_triaged(&mut bytes, &headers, &rows).map_err(|e| in_file(path, e))?;
        store::write_atomically(path, &bytes)?;
        eprintln!(
            "wrote {}: change the category of the rows nopitch got wrong, then run `nopitch learn {}`",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

fn confidence(row: &TriagedInvitation) -> f64 {
    match &row.triage {
        Triage::Judged(v, _) => v.confidence,
        _ => 0.0,
    }
}

fn print_summary(
    input: &Path,
    rows: &[TriagedInvitation],
    reply: &str,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let judged = |c: Category| {
        rows.iter()
            .filter(move |r| matches!(&r.triage, Triage::Judged(v, _) if v.category == c))
    };
    let count = |f: fn(&Triage) -> bool| rows.iter().filter(|r| f(&r.triage)).count();
    let incoming = count(|t| matches!(t, Triage::Judged(..) | Triage::NoNote));
    let no_note = count(|t| matches!(t, Triage::NoNote));
    let unsure = count(|t| matches!(t, Triage::Judged(v, _) if v.unsure));
    outln!(out, "{}: {incoming} incoming invitations", input.display());
    outln!(
        out,
        "  sales {}, known-contact {}, personal {}, no note {no_note}; unsure {unsure} (to review)",
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
        outln!(out, "\n{category}:");
        for row in group {
            let Triage::Judged(v, evidence) = &row.triage else {
                continue;
            };
            let evidence: Vec<&str> = evidence.iter().map(|e| e.feature.as_str()).collect();
            outln!(
                out,
                "  {:<24} {:.3}  {:<8}{}  {}",
                row.invitation.from,
                v.confidence,
                v.action.name(),
                if v.unsure { " (unsure)" } else { "" },
                evidence.join("; ")
            );
            if matches!(v.action, nopitch::Action::Decline { .. }) {
                outln!(out, "      reply: {reply}");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_an_export_holding_invitations_csv() {
        let dir = std::env::temp_dir().join(format!("nopitch-detect-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        assert!(
            matches!(detect_input(&dir), Err(Failure::Input(m)) if m.contains("no Invitations.csv"))
        );
        fs::write(
            dir.join("Invitations.csv"),
            "From,To,Sent At,Message,Direction\n",
        )
        .unwrap();
        assert_eq!(
            detect_input(&dir).unwrap(),
            Input::Invitations(dir.join("Invitations.csv"))
        );
        let file = dir.join("Invitations.csv");
        assert_eq!(
            detect_input(&file).unwrap(),
            Input::Invitations(file.clone())
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
