//! Classifies notes with the pretrained model (or a saved one) and prints the verdict: label,
//! confidence, whether it is unsure, every label's probability, and the top evidence in the
//! note's own words.
//!
//! ```text
//! cargo run --release --example classify -- "I'd love to hear about your IT priorities"
//! echo "Great working with you on the Banner upgrade!" | cargo run --release --example classify
//! cargo run --release --example classify -- --model my.model "some note"
//! cargo run --release --example classify -- --mark "We worked together on the Banner cutover"
//! cargo run --release --example classify -- --json "Save 15% on your SAP licensing"
//! ```
//!
//! `--mark` also prints the note with the evidence marked: `[We worked together]`, or in colour
//! when the output is a terminal. `--json` prints one JSON object per note instead, with the
//! evidence's byte offsets into the note.
//!
//! The `nopitch` command does the same and more: `nopitch classify` (`--json` for JSON Lines).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use nopitch::{mark_evidence, Classifier};

/// How many evidence items to show.
const EVIDENCE: usize = 5;

struct Options {
    mark: bool,
    json: bool,
    colour: bool,
}

fn print(clf: &Classifier, text: &str, options: &Options) {
    let p = clf.classify(text);
    let evidence = p.evidence(text, EVIDENCE);
    if options.json {
        let probabilities: serde_json::Map<String, serde_json::Value> = p
            .probabilities()
            .map(|(l, v)| (l.to_string(), v.into()))
            .collect();
        let out = serde_json::json!({
            "text": text,
            "label": p.label(),
            "confidence": p.confidence(),
            "unsure": p.is_unsure(),
            "probabilities": probabilities,
            "evidence": evidence,
        });
        println!("{out}");
        return;
    }
    println!("{text}");
    println!(
        "  label: {}  confidence: {:.3}{}",
        p.label(),
        p.confidence(),
        if p.is_unsure() { "  (unsure)" } else { "" }
    );
    let probs: Vec<String> = p
        .probabilities()
        .map(|(l, v)| format!("{l} {v:.3}"))
        .collect();
    println!("  probabilities: {}", probs.join(", "));
    for e in &evidence {
        println!(
            "  evidence: {:>+7.3}  {:?}  ({})",
            e.weight, e.text, e.feature
        );
    }
    if options.mark && !evidence.is_empty() {
        let (open, close) = if options.colour {
            ("\x1b[1;33m", "\x1b[0m")
        } else {
            ("[", "]")
        };
        println!("  marked: {}", mark_evidence(text, &evidence, open, close));
    }
}

const USAGE: &str = "usage: classify [--model MODEL] [--mark] [--json] [TEXT...]
Classifies each TEXT (or each line of standard input) with the pretrained model or MODEL.";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut model, mut texts) = (None, Vec::new());
    let mut options = Options {
        mark: false,
        json: false,
        colour: std::io::stdout().is_terminal(),
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(());
            }
            Long("mark") => options.mark = true,
            Long("json") => options.json = true,
            Value(v) => texts.push(v.string()?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let clf = match model {
        Some(path) => Classifier::load(path)?,
        None => Classifier::pretrained(),
    };
    if texts.is_empty() {
        for line in std::io::stdin().lock().lines() {
            print(&clf, &line?, &options);
        }
    } else {
        for text in &texts {
            print(&clf, text, &options);
        }
    }
    Ok(())
}
