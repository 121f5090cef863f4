//! `nopitch triage`: the verdict on every invitation and every conversation of a LinkedIn
//! export, and the CSV files to review.

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use nopitch::linkedin::{
    evidence_text, triage_export_with, ConversationCategory, ConversationJudge, ExportFiles,
    ExportInvitation, InboxTriage, InvitationsTriage, JoinedBy, Owner, OwnerSource, Triage,
    VerdictSource,
};
use nopitch::review::{write_conversations, write_invitations};
use nopitch::{mark_evidence, Action, Category, TriagePolicy, DEFAULT_DECLINE_REPLY};

use crate::{in_file, outln, store, usage_error, ChosenModel, Failure};

/// Input at least this large (both files together) gets a progress bar, when standard error is
/// a terminal: about 5,000 invitations or 3,000 messages.
const LARGE_INPUT_BYTES: u64 = 1 << 20;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Takes LinkedIn's Invitations.csv, its messages.csv (the two are told apart by their header),
both, or the unzipped export folder that holds them (file names in any case; either file may be
missing). Get them with Settings & Privacy → Data privacy → Get a copy of your data.

Prints the counts per category (and the unreadable rows, with their lines), then every verdict:
the invitations, then the conversations, pitches first, each with the person, the confidence,
the action and the evidence; conversations also with their unanswered follow-ups and the date
of the last one. The reply is printed under each declined pitch. Automated messages (ads,
LinkedIn's own promotions) are archived, never answered. An invitation without a note takes
the verdict of the same person's conversation.

--out writes the invitations: the export's columns plus category, verdict, confidence, unsure,
action, evidence, reply (and conversation, joined_by, verdict_from when joined with messages).
--conversations-out writes one row per conversation: sender, follow-ups, the same verdict
columns, and the text nopitch read. Every row of the input is in them (damaged ones as
unreadable). Change the category of the rows nopitch got wrong, then run `nopitch learn FILE`.

Examples:
  nopitch triage Invitations.csv --out triaged.csv
  nopitch triage messages.csv --conversations-out conversations.csv
  nopitch triage path/to/unzipped-export/ --out invitations.csv --conversations-out conversations.csv
  nopitch triage Invitations.csv messages.csv --me \"Jordan Ellis\" --reply \"Thanks, but I only connect with people I know.\"")]
pub struct Args {
    /// LinkedIn's Invitations.csv, messages.csv, both, or the unzipped export folder.
    #[arg(value_name = "PATH", required = true)]
    inputs: Vec<PathBuf>,
    /// Write the triaged invitations to this CSV file (to review, then `nopitch learn FILE`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the triaged conversations (one row per conversation) to this CSV file.
    #[arg(long, value_name = "FILE")]
    conversations_out: Option<PathBuf>,
    /// The reply to send with declined pitches.
    #[arg(long, value_name = "TEXT", default_value = DEFAULT_DECLINE_REPLY, hide_default_value = true)]
    reply: String,
    /// You, the export's owner, by name or profile URL, when nopitch cannot tell from the
    /// messages (it looks for the person in every conversation).
    #[arg(long, value_name = "NAME_OR_URL")]
    me: Option<String>,
    /// Also print each invitation's note with its evidence marked: `[We worked together]`, or in
    /// colour when the output is a terminal.
    #[arg(long)]
    mark: bool,
}

/// Tells what `triage` was given: each path is a folder (an unzipped export, searched for
/// `Invitations.csv` and `messages.csv`, names in any case) or a file told apart by its header.
/// A triage file given back is refused. New kinds of input join here and in [`ExportFiles`].
pub fn detect_input(paths: &[PathBuf]) -> Result<ExportFiles, Failure> {
    for path in paths.iter().filter(|p| p.is_file()) {
        refuse_triage_file(path)?;
    }
    ExportFiles::from_paths(paths).map_err(Failure::from)
}

/// A file written by `triage` (it has the `category` and `verdict` columns) is not an export.
fn refuse_triage_file(path: &Path) -> Result<(), Failure> {
    // A file that cannot be read is reported by `ExportFiles::from_paths`.
    let Ok(mut reader) = csv::ReaderBuilder::new().flexible(true).from_path(path) else {
        return Ok(());
    };
    let Ok(headers) = reader.headers() else {
        return Ok(());
    };
    let has = |name: &str| headers.iter().any(|h| h.trim() == name);
    if has("category") && has("verdict") {
        return Err(in_file(
            path,
            "line 1: this is already a triage file (it has the columns \"category\" and \"verdict\"); give the export's Invitations.csv or messages.csv",
        ));
    }
    Ok(())
}

/// The output options that cannot be honoured with these inputs are usage errors, before any
/// work is done.
fn check_outputs(args: &Args, files: &ExportFiles) {
    if args.out.is_some() && files.invitations.is_none() {
        usage_error(
            "triage",
            "--out writes the triaged invitations, but the input has no Invitations.csv; write the conversations with --conversations-out FILE",
        );
    }
    if args.conversations_out.is_some() && files.messages.is_none() {
        usage_error(
            "triage",
            "--conversations-out writes the triaged conversations, but the input has no messages.csv; write the invitations with --out FILE",
        );
    }
    let same = |a: &Path, b: &Path| {
        a == b || matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
    };
    if let (Some(a), Some(b)) = (&args.out, &args.conversations_out) {
        if same(a, b) {
            usage_error(
                "triage",
                "--out and --conversations-out name the same file; give each its own",
            );
        }
    }
    let inputs = [&files.invitations, &files.messages];
    for output in [&args.out, &args.conversations_out].into_iter().flatten() {
        if inputs.iter().copied().flatten().any(|i| same(output, i)) {
            usage_error(
                "triage",
                format!(
                    "{} is an input file and would be overwritten; write the triage to another file",
                    output.display()
                ),
            );
        }
    }
    if args.me.as_deref().is_some_and(|m| m.trim().is_empty()) {
        usage_error("triage", "--me needs your name or your profile URL");
    }
}

/// A file read through the progress bar: bytes read advance it, and seeking back (a second read
/// of part of `messages.csv`) adds what will be read again to its length.
struct Counted {
    file: File,
    bar: ProgressBar,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

impl Seek for Counted {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let before = self.file.stream_position()?;
        let after = self.file.seek(pos)?;
        if after < before {
            self.bar.inc_length(before - after);
        }
        Ok(after)
    }
}

/// A progress bar over `bytes` of input when it is large and standard error is a terminal;
/// otherwise a hidden one.
fn progress_bar(bytes: u64) -> ProgressBar {
    if bytes < LARGE_INPUT_BYTES || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(bytes);
    bar.set_style(
        ProgressStyle::with_template("triaging [{bar:30}] {bytes}/{total_bytes}")
            .expect("a valid template"),
    );
    bar
}

pub fn run(args: &Args, chosen: Option<&ChosenModel>, out: &mut impl Write) -> Result<(), Failure> {
    let files = detect_input(&args.inputs)?;
    check_outputs(args, &files);
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
    let policy = TriagePolicy::new().decline_reply(args.reply.clone());
    let judge = ConversationJudge::new(clf, &policy)?;
    let owner = args.me.as_deref().map(Owner::given);

    let bytes: u64 = [&files.invitations, &files.messages]
        .into_iter()
        .flatten()
        .map(|p| fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    let bar = progress_bar(bytes);
    let triage = triage_export_with(&files, owner.as_ref(), &judge, |file| Counted {
        file,
        bar: bar.clone(),
    })?;
    bar.finish_and_clear();

    if let (Some(invitations), Some(path)) = (&triage.invitations, &files.invitations) {
        print_invitations(path, invitations, args.mark, out)?;
    }
    if let (Some(inbox), Some(path)) = (&triage.inbox, &files.messages) {
        if triage.invitations.is_some() {
            outln!(out);
        }
        print_conversations(path, inbox, out)?;
    }

    let mut written = Vec::new();
    if let (Some(path), Some(invitations)) = (&args.out, &triage.invitations) {
        store::write_atomically_with(path, |w| {
            write_invitations(w, invitations).map_err(io::Error::other)
        })?;
        written.push(path);
    }
    if let (Some(path), Some(inbox)) = (&args.conversations_out, &triage.inbox) {
        store::write_atomically_with(path, |w| {
            write_conversations(w, inbox).map_err(io::Error::other)
        })?;
        written.push(path);
    }
    for path in written {
        eprintln!(
            "wrote {}: change the category of the rows nopitch got wrong, then run `nopitch learn {}`",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

/// `1 unreadable row`, `2 unreadable rows`.
fn count_rows(n: usize, what: &str) -> String {
    format!("{n} {what} row{}", if n == 1 { "" } else { "s" })
}

/// The reply printed under a declined verdict.
fn print_reply(action: &Action, out: &mut impl Write) -> Result<(), Failure> {
    if let Action::Decline { reply } = action {
        outln!(out, "      reply: {reply}");
    }
    Ok(())
}

fn print_invitations(
    path: &Path,
    invitations: &InvitationsTriage,
    mark: bool,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let rows = &invitations.rows;
    let count = |f: fn(&ExportInvitation) -> bool| rows.iter().filter(|r| f(r)).count();
    let incoming = count(|r| matches!(r.invitation.triage, Triage::Judged(..) | Triage::NoNote));
    let outgoing = count(|r| matches!(r.invitation.triage, Triage::Outgoing));
    let other = count(|r| matches!(r.invitation.triage, Triage::UnknownDirection));
    let unreadable = invitations.unreadable();
    let other = if other > 0 {
        format!(", {other} of unknown direction")
    } else {
        String::new()
    };
    outln!(
        out,
        "{}: {incoming} incoming invitations, {outgoing} outgoing{other}, {}",
        path.display(),
        count_rows(unreadable, "unreadable")
    );
    let of = |c: ConversationCategory| {
        rows.iter()
            .filter(move |r| r.verdict.as_ref().is_some_and(|v| v.category == c))
    };
    let mut counts: Vec<String> = ConversationCategory::ALL[..3]
        .iter()
        .map(|&c| format!("{c} {}", of(c).count()))
        .collect();
    if invitations.joined {
        let automated = ConversationCategory::Automated;
        counts.push(format!("{automated} {}", of(automated).count()));
    }
    counts.push(format!("no note {}", count(|r| r.category() == "no-note")));
    let unsure = count(|r| r.verdict.as_ref().is_some_and(|v| v.unsure));
    outln!(out, "  {}; unsure {unsure} (to review)", counts.join(", "));
    if invitations.joined {
        let linked = |by: JoinedBy| {
            rows.iter()
                .filter(|r| r.conversation.as_ref().is_some_and(|l| l.joined_by == by))
                .count()
        };
        let took = count(|r| {
            r.verdict
                .as_ref()
                .is_some_and(|v| v.source == VerdictSource::Conversation)
        });
        outln!(
            out,
            "  joined with their sender's conversation: {} by profile URL, {} by name; {took} without a note took its verdict",
            linked(JoinedBy::ProfileUrl),
            linked(JoinedBy::Name)
        );
    }
    for category in ConversationCategory::ALL {
        let mut group: Vec<&ExportInvitation> = of(category).collect();
        if group.is_empty() {
            continue;
        }
        // Sure verdicts first, then the most confident.
        group.sort_by(|a, b| {
            let (a, b) = (a.verdict.as_ref(), b.verdict.as_ref());
            let key = |v: Option<&nopitch::linkedin::InvitationVerdict>| {
                v.map_or((true, 0.0), |v| (v.unsure, v.confidence))
            };
            let ((ua, ca), (ub, cb)) = (key(a), key(b));
            ua.cmp(&ub).then(cb.total_cmp(&ca))
        });
        outln!(out, "\n{category}:");
        for row in group {
            let Some(v) = &row.verdict else { continue };
            outln!(
                out,
                "  {:<24} {:.3}  {:<8}{}  {}",
                row.invitation.invitation.from,
                v.confidence,
                v.action.name(),
                if v.unsure { " (unsure)" } else { "" },
                v.evidence
            );
            if let (true, Triage::Judged(_, evidence)) = (mark, &row.invitation.triage) {
                let (open, close) = if std::io::stdout().is_terminal() {
                    ("\x1b[1;33m", "\x1b[0m")
                } else {
                    ("[", "]")
                };
                let note = &row.invitation.invitation.message;
                outln!(
                    out,
                    "      note: {}",
                    mark_evidence(note, evidence, open, close)
                );
            }
            print_reply(&v.action, out)?;
        }
    }
    if unreadable > 0 {
        outln!(
            out,
            "\nunreadable rows (kept in the output with the category unreadable):"
        );
        for damage in rows.iter().filter_map(|r| r.invitation.damage()) {
            outln!(out, "  {damage}");
        }
    }
    Ok(())
}

/// How the owner was found, for the report.
fn owner_text(owner: &Owner) -> String {
    let how = match owner.source {
        OwnerSource::Given => "given with --me",
        OwnerSource::Invitations => "from the invitations",
        OwnerSource::CommonToAll => "in every conversation",
        OwnerSource::Guessed => "guessed: use --me if wrong",
        OwnerSource::Unknown => "unknown: use --me",
    };
    if owner.name.is_empty() {
        format!("owner unknown ({how})")
    } else {
        format!("owner {} ({how})", owner.name)
    }
}

fn print_conversations(
    path: &Path,
    inbox: &InboxTriage,
    out: &mut impl Write,
) -> Result<(), Failure> {
    outln!(
        out,
        "{}: {} messages in {} conversations; {}",
        path.display(),
        inbox.rows,
        inbox.conversations.len(),
        owner_text(&inbox.owner)
    );
    let unsure = inbox
        .conversations
        .iter()
        .filter(|c| c.verdict.unsure)
        .count();
    outln!(
        out,
        "  {}, {}; unsure {unsure} (to review)",
        ConversationCategory::ALL
            .iter()
            .map(|&c| format!("{c} {}", inbox.count(c)))
            .collect::<Vec<_>>()
            .join(", "),
        count_rows(inbox.unreadable.len(), "unreadable")
    );
    let mut current = None;
    for c in inbox.sorted() {
        let v = &c.verdict;
        if current != Some(v.category) {
            outln!(out, "\n{}:", v.category);
            current = Some(v.category);
        }
        let follow_ups = match (&c.last_follow_up_date, v.follow_ups) {
            (Some(date), n) if n > 0 => format!("follow-ups {n}, last {date}"),
            (_, n) => format!("follow-ups {n}"),
        };
        outln!(
            out,
            "  {:<24} {:.3}  {:<8}{}  {follow_ups}  {}",
            c.sender,
            v.confidence,
            v.action.name(),
            if v.unsure { " (unsure)" } else { "" },
            evidence_text(v)
        );
        print_reply(&v.action, out)?;
    }
    if !inbox.unreadable.is_empty() {
        outln!(
            out,
            "\nunreadable rows (kept in the output with the category unreadable):"
        );
        for damage in &inbox.unreadable {
            outln!(out, "  {damage}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_an_export_holding_either_file() {
        let dir = std::env::temp_dir().join(format!("nopitch-detect-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        assert!(
            matches!(detect_input(std::slice::from_ref(&dir)), Err(Failure::Input(m)) if m.contains("no Invitations.csv or messages.csv"))
        );
        fs::write(
            dir.join("MESSAGES.CSV"),
            "CONVERSATION ID,FROM,DATE,CONTENT\n",
        )
        .unwrap();
        let found = detect_input(std::slice::from_ref(&dir)).unwrap();
        assert_eq!(found.messages, Some(dir.join("MESSAGES.CSV")));
        assert_eq!(found.invitations, None);
        fs::write(
            dir.join("Invitations.csv"),
            "From,To,Sent At,Message,Direction\n",
        )
        .unwrap();
        let found = detect_input(std::slice::from_ref(&dir)).unwrap();
        assert_eq!(found.invitations, Some(dir.join("Invitations.csv")));
        // Files are told apart by their header, not their name.
        let renamed = dir.join("inbox.csv");
        fs::rename(dir.join("MESSAGES.CSV"), &renamed).unwrap();
        let found = detect_input(&[renamed.clone(), dir.join("Invitations.csv")]).unwrap();
        assert_eq!(found.messages, Some(renamed));
        // A triage file is refused.
        let triaged = dir.join("triaged.csv");
        fs::write(&triaged, "conversation_id,category,verdict\n").unwrap();
        assert!(
            matches!(detect_input(&[triaged]), Err(Failure::Input(m)) if m.contains("already a triage file"))
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
