//! Scores a saved model (or the pretrained one) on a labelled CSV/TSV file and prints the report.
//!
//! ```text
//! cargo run --release --example evaluate -- TEST.csv [--model MODEL.json] [--json]
//!     [--text-column NAME] [--label-column NAME] [--tsv|--csv]
//! ```
//!
//! The `nopitch` command does the same: `nopitch evaluate TEST.csv --model MODEL`.

use std::path::PathBuf;

use nopitch::{evaluate, read_examples, Classifier, CsvOptions};

const USAGE: &str = "usage: evaluate TEST.csv [--model MODEL] [--json] [--text-column NAME] [--label-column NAME] [--tsv|--csv]
Scores the pretrained model (or MODEL) on a labelled CSV/TSV file.";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut input, mut model, mut json, mut text, mut label, mut format) =
        (None, None, false, None, None, None);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
            Long("json") => json = true,
            Long("text-column") => text = Some(parser.value()?.string()?),
            Long("label-column") => label = Some(parser.value()?.string()?),
            Long("tsv") => format = Some(CsvOptions::tsv()),
            Long("csv") => format = Some(CsvOptions::csv()),
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(());
            }
            Value(v) if input.is_none() => input = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let input = input.ok_or(USAGE)?;
    let mut options = format.unwrap_or_else(|| CsvOptions::for_path(&input));
    if let Some(t) = text {
        options = options.text_column(t);
    }
    if let Some(l) = label {
        options = options.label_column(l);
    }
    let clf = match &model {
        Some(path) => Classifier::load(path)?,
        None => Classifier::pretrained(),
    };
    let examples = read_examples(&input, &options)?;
    let report = evaluate(&clf, &examples)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let which = model.map_or("the pretrained model".to_string(), |p| {
            p.display().to_string()
        });
        println!(
            "{} on {} ({} notes):\n{report}",
            which,
            input.display(),
            examples.len()
        );
    }
    Ok(())
}
