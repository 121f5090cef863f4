//! Scores the conversation verdicts on labelled conversations (the project's message-data
//! layout: `conversation,label,kind,sender,day,subject,text`, one row per message).
//!
//! ```text
//! cargo run --release --example inbox_report -- FILE [--model MODEL] [--json]
//! cargo run --release --example inbox_report -- tests/data/labelled_messages.csv
//! cargo run --release --example inbox_report -- datasets/heldout_messages.csv
//! cargo run --release --example inbox_report -- --leave-one-voice-out [--min-count N]
//! ```
//!
//! `--leave-one-voice-out` scores the shipped training conversations (`datasets/messages.csv`)
//! honestly: each message voice (the conversation id before its first `-`) is judged by a model
//! trained on the pretrained training set without that voice (with `pretrained_trainer()`, or
//! its `min_count` replaced by the flag), so the verdict rules can be
//! tuned on conversations the model has not seen.
//!
//! Prints macro-F1 over sales / known-contact / personal, the share of known contacts called
//! sales (raw and as sure verdicts), the unsure share, automated conversations accepted or called
//! personal, per-category scores and the confusion matrices over all six categories, then every
//! conversation judged wrong. `--json` prints the same as JSON.

use std::path::PathBuf;

use nopitch::linkedin::{
    evaluate_conversations, read_labelled_conversations, ConversationEvaluation, ConversationJudge,
    LabelledConversation,
};
use nopitch::{
    pretrained_trainer, pretrained_training_set, Classifier, Evaluation, Trainer, TriagePolicy,
};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut input, mut model, mut json, mut lovo) = (None, None, false, false);
    let mut trainer = pretrained_trainer();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("model") => model = Some(PathBuf::from(parser.value()?)),
            Long("json") => json = true,
            Long("leave-one-voice-out") => lovo = true,
            Long("min-count") => trainer = trainer.min_count(parser.value()?.parse()?),
            Long("help") | Short('h') => {
                println!("usage: inbox_report FILE [--model MODEL] [--json] | --leave-one-voice-out [--min-count N] [--json]");
                return Ok(());
            }
            Value(v) if input.is_none() => input = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    if lovo {
        return leave_one_voice_out(&trainer, json);
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
    print_wrong(&report, &conversations);
    Ok(())
}

/// Each voice of `datasets/messages.csv` judged by a model trained without it.
fn leave_one_voice_out(trainer: &Trainer, json: bool) -> Result<(), Box<dyn std::error::Error>> {
    let path = "datasets/messages.csv";
    let conversations = read_labelled_conversations(path)?;
    let voice = |c: &LabelledConversation| c.id.split('-').next().unwrap_or_default().to_string();
    let mut voices: Vec<String> = conversations.iter().map(voice).collect();
    voices.dedup();
    let training = pretrained_training_set("datasets")?;
    let mut ordered: Vec<LabelledConversation> = Vec::new();
    let mut outcomes = Vec::new();
    let mut automated_mishandled = 0;
    for v in &voices {
        let group = format!("messages/{v}");
        let train: Vec<_> = training
            .iter()
            .filter(|e| e.group() != Some(group.as_str()))
            .cloned()
            .collect();
        let clf = trainer.fit(&nopitch::weight_conversations(&train))?;
        let judge = ConversationJudge::new(&clf, &TriagePolicy::default())?;
        let mine: Vec<LabelledConversation> = conversations
            .iter()
            .filter(|c| &voice(c) == v)
            .cloned()
            .collect();
        let e = evaluate_conversations(&judge, &mine);
        if !json {
            println!(
                "voice {v:<10} {:>4} conversations  macro-F1 {:.4}",
                mine.len(),
                e.macro_f1
            );
        }
        automated_mishandled += e.automated_mishandled;
        outcomes.extend(e.report.outcomes.into_iter().map(|mut o| {
            o.index += ordered.len();
            o
        }));
        ordered.extend(mine);
    }
    let labels = nopitch::linkedin::ConversationCategory::ALL
        .iter()
        .map(|c| c.label().to_string())
        .collect();
    let report = Evaluation::from_outcomes(labels, outcomes);
    let pooled = ConversationEvaluation::from_report(
        report,
        ordered.iter().map(|c| c.id.clone()).collect(),
        automated_mishandled,
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&pooled)?);
        return Ok(());
    }
    println!(
        "\nall voices pooled, {path} (each voice judged by a model trained without it):\n{pooled}"
    );
    print_wrong(&pooled, &ordered);
    Ok(())
}

/// Every conversation judged wrong, with its id and line.
fn print_wrong(report: &ConversationEvaluation, conversations: &[LabelledConversation]) {
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
}
