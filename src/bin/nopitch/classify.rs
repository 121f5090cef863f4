//! `nopitch classify`: the verdict on notes given as arguments or read from standard input.

use std::io::{self, BufRead, IsTerminal, Write};

use nopitch::{mark_evidence, Classifier, Evidence};
use serde::Serialize;

use crate::{outln, store, ChosenModel, Failure};

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  nopitch classify \"I'd love to hear about your IT priorities over the next year\"
  nopitch classify --mark \"We worked together on the Banner cutover\"
  nopitch classify --json < notes.txt")]
pub struct Args {
    /// The notes to classify; without any, one note per line is read from standard input.
    #[arg(value_name = "TEXT")]
    texts: Vec<String>,
    /// Print one JSON object per note (JSON Lines): text, label, confidence, unsure,
    /// probabilities and evidence.
    #[arg(long)]
    json: bool,
    /// How many pieces of evidence to show per note.
    #[arg(long, value_name = "N", default_value_t = 5)]
    evidence: usize,
    /// Also print each note with its evidence marked: `[We worked together]`, or in colour
    /// when the output is a terminal.
    #[arg(long)]
    mark: bool,
}

/// One line of `--json` output.
#[derive(Serialize)]
struct JsonVerdict<'a> {
    text: &'a str,
    label: &'a str,
    confidence: f64,
    unsure: bool,
    probabilities: serde_json::Map<String, serde_json::Value>,
    evidence: Vec<Evidence>,
}

pub fn run(args: &Args, chosen: Option<&ChosenModel>, out: &mut impl Write) -> Result<(), Failure> {
    let loaded = store::load(chosen)?;
    eprintln!("{}", loaded.source.describe());
    let clf = &loaded.classifier;
    if !args.texts.is_empty() {
        for text in &args.texts {
            print(clf, text, args, out)?;
        }
        return Ok(());
    }
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprintln!("reading notes from standard input, one per line (end with Ctrl-D)");
    }
    let mut input = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .map_err(|e| Failure::Input(format!("reading standard input: {e}")))?;
        if n == 0 {
            break;
        }
        // Any bytes are a note: invalid UTF-8 is replaced rather than refused.
        let text = String::from_utf8_lossy(&line);
        print(clf, text.trim_end_matches(['\n', '\r']), args, out)?;
    }
    Ok(())
}

fn print(clf: &Classifier, text: &str, args: &Args, out: &mut impl Write) -> Result<(), Failure> {
    let p = clf.classify(text);
    if args.json {
        let line = JsonVerdict {
            text,
            label: p.label(),
            confidence: p.confidence(),
            unsure: p.is_unsure(),
            probabilities: p
                .probabilities()
                .map(|(l, v)| (l.to_string(), serde_json::json!(v)))
                .collect(),
            evidence: p.evidence(text, args.evidence),
        };
        let json = serde_json::to_string(&line).map_err(|e| Failure::Input(e.to_string()))?;
        outln!(out, "{json}");
        return Ok(());
    }
    outln!(out, "{text}");
    outln!(
        out,
        "  label: {}  confidence: {:.3}{}",
        p.label(),
        p.confidence(),
        if p.is_unsure() { "  (unsure)" } else { "" }
    );
    let probs: Vec<String> = p
        .probabilities()
        .map(|(l, v)| format!("{l} {v:.3}"))
        .collect();
    outln!(out, "  probabilities: {}", probs.join(", "));
    let evidence = p.evidence(text, args.evidence);
    for e in &evidence {
        outln!(
            out,
            "  evidence: {:>+7.3}  \"{}\"  ({})",
            e.weight,
            e.text,
            e.feature
        );
    }
    if args.mark && !evidence.is_empty() {
        let (open, close) = if io::stdout().is_terminal() {
            ("\x1b[1;33m", "\x1b[0m")
        } else {
            ("[", "]")
        };
        outln!(
            out,
            "  marked: {}",
            mark_evidence(text, &evidence, open, close)
        );
    }
    Ok(())
}
