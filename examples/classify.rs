//! Classifies notes with the pretrained model (or a saved one) and prints the verdict.
//!
//! ```text
//! cargo run --release --example classify -- "I'd love to hear about your IT priorities"
//! echo "Great working with you on the Banner upgrade!" | cargo run --release --example classify
//! ```

use std::io::BufRead;

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
    for e in p.evidence(5) {
        println!("  evidence: {:>+7.3}  {}", e.weight, e.feature);
    }
}

fn main() {
    let clf = Classifier::pretrained();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        for line in std::io::stdin().lock().lines() {
            print(&clf, &line.expect("stdin is readable"));
        }
    } else {
        for text in &args {
            print(&clf, text);
        }
    }
}
