//! The labelled message-data layout: reading it, turning it into training examples with the
//! verdicts' composition, and scoring the verdicts on it (tests/data/labelled_messages.csv, a
//! dozen conversations written for these tests).

use nopitch::linkedin::{
    conversation_examples, conversation_text, evaluate_conversations, read_labelled_conversations,
    ConversationCategory, ConversationJudge,
};
use nopitch::{Classifier, Trainer, TriagePolicy};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/labelled_messages.csv"
);

#[test]
fn reads_every_conversation_with_its_label_and_messages() {
    let c = read_labelled_conversations(DATA).unwrap();
    assert_eq!(c.len(), 14);
    assert_eq!(c.iter().map(|c| c.messages.len()).sum::<usize>(), 26);
    let t09 = c.iter().find(|c| c.id == "t09").unwrap();
    assert_eq!(t09.label, ConversationCategory::Automated);
    assert!(
        t09.messages[0].text.contains("Try Premium free") && !t09.messages[0].text.contains('<')
    );
    let t11 = c.iter().find(|c| c.id == "t11").unwrap();
    assert_eq!(t11.other_participants(), 2);
    // The owner-only conversation gives no example; every other one does, with its label and
    // exactly the verdicts' composition.
    let examples = conversation_examples(&c);
    assert_eq!(examples.len(), 13);
    for (e, conv) in examples.iter().zip(c.iter().filter(|c| c.id != "t13")) {
        assert_eq!(e.text(), conversation_text(&conv.turns()));
        assert_eq!(e.label(), conv.label.label());
        assert_eq!(e.line(), Some(conv.line()));
    }
}

#[test]
fn the_report_counts_every_conversation_and_its_scores_agree() {
    let judge =
        ConversationJudge::new(&Classifier::pretrained(), &TriagePolicy::default()).unwrap();
    let c = read_labelled_conversations(DATA).unwrap();
    let r = evaluate_conversations(&judge, &c);
    assert_eq!(r.report.examples, 14);
    assert_eq!(r.report.confusion.iter().flatten().sum::<u64>(), 14);
    assert_eq!(r.report.labels.len(), 6);
    let mean: f64 = ["sales", "known-contact", "personal"]
        .iter()
        .map(|l| r.report.label(l).unwrap().f1)
        .sum::<f64>()
        / 3.0;
    assert!((r.macro_f1 - mean).abs() < 1e-12);
    // The rule-decided categories do not depend on the model.
    for (id, category) in [
        ("t09", ConversationCategory::Automated),
        ("t10", ConversationCategory::Automated),
        ("t11", ConversationCategory::Group),
        ("t13", ConversationCategory::Outreach),
    ] {
        let i = r.ids.iter().position(|x| x == id).unwrap();
        let o = &r.report.outcomes[i];
        assert_eq!(r.report.labels[o.predicted], category.label(), "{id}");
    }
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["macro_f1"].is_number() && json["report"]["confusion"].is_array());
}

#[test]
fn a_model_trained_on_the_examples_can_be_used_by_the_judge() {
    let c = read_labelled_conversations(DATA).unwrap();
    let core: Vec<_> = c
        .iter()
        .filter(|c| c.label.to_note().is_some())
        .cloned()
        .collect();
    let model = Trainer::new()
        .calibration_folds(0)
        .fit(&conversation_examples(&core))
        .unwrap();
    let judge = ConversationJudge::new(&model, &TriagePolicy::default()).unwrap();
    let r = evaluate_conversations(&judge, &core);
    // Trained and tested on the same nine conversations: it must at least fit them.
    assert!(r.macro_f1 > 0.9, "{r}");
}
