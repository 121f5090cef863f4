//! Scores the conversation verdicts on labelled conversations (the project's message-data
//! layout: `conversation,label,kind,sender,day,subject,text`, one row per message).
//!
//! ```text
//! cargo run --release --example inbox_report -- FILE [--model MODEL] [--json]
//! cargo run --release --example inbox_report -- tests/data/labelled_messages.csv
//! ```
//!
//! Prints macro-F1 over sales / known-contact / personal, the share of known contacts called
//! sales (raw and as sure verdicts), the unsure share, automated conversations accepted or called
//! personal, per-category scores and the confusion matrices over all six categories, then every
//! conversation judged wrong. `--json` prints the same as JSON.

use std::path::PathBuf;

use nopitch::linkedin::{evaluate_conversations, read_labelled_conversations, ConversationJudge};
use nopitch::{Classifier, TriagePolicy};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut input, mut model, mut json) = (None, None, false);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
            Long("json") => json = true,
            Value(v) if input.is_none() => input = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let input = input.ok_or("usage: inbox_report FILE [--model MODEL] [--json]")?;
    let clf = match &model {
        Some(path) => Classifier::load(path)?,
        None => Classifier::pretrained(),
    };
    let judge = ConversationJudge::new(&clf, &TriagePolicy::default())?;
    let conversations = read_labelled_conversations(&input)?;
    let report = evaluate_conversations(&judge, &conversations);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let which = model.map_or("the pretrained model".to_string(), |p| {
        p.display().to_string()
    });
    println!("{which} on {}:\n{report}", input.display());
    let labels = &report.report.labels;
    let wrong: Vec<_> = report
        .report
        .outcomes
        .iter()
        .filter(|o| o.truth != o.predicted)
        .collect();
    if !wrong.is_empty() {
        println!("\njudged wrong ({}):", wrong.len());
        for o in wrong {
            println!(
                "  {:<16} line {:<6} {} called {} ({:.3}{})",
                report.ids[o.index],
                conversations[o.index].line(),
                labels[o.truth],
                labels[o.predicted],
                o.confidence,
                if o.unsure { ", unsure" } else { "" }
            );
        }
    }
    Ok(())
}
