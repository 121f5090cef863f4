//! Classifies notes with the pretrained model (or a saved one) and prints the verdict: label,
//! confidence, whether it is unsure, every label's probability, and the top evidence.
//!
//! ```text
//! cargo run --release --example classify -- "I'd love to hear about your IT priorities"
//! echo "Great working with you on the Banner upgrade!" | cargo run --release --example classify
//! cargo run --release --example classify -- --model my.model "some note"
//! ```

use std::io::BufRead;
use std::path::PathBuf;

use nopitch::Classifier;

fn print(clf: &Classifier, text: &str) {
    let p = clf.classify(text);
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
    for e in p.evidence(text, 5) {
        println!("  evidence: {:>+7.3}  {}", e.weight, e.feature);
    }
}

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
    while let Some(arg) = parser.next()? {
        match arg {
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
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
            print(&clf, &line?);
        }
    } else {
        for text in &texts {
            print(&clf, text);
        }
    }
    Ok(())
}
