//! The pretrained model: trained from datasets/connection_requests.csv, and right on the
//! project's reference phrases.

use nopitch::{read_examples, Classifier, CsvOptions, Trainer};

#[test]
fn reference_phrases() {
    let clf = Classifier::pretrained();
    for text in [
        "I'd love to hear about your IT priorities over the next year",
        "Save 15% on your SAP licensing this quarter",
        "We buy used office computers and laptops — can I send you a quote?",
    ] {
        assert_eq!(clf.classify(text).label(), "sales", "{text}");
    }
    let text = "Great working with you on the Banner upgrade at State U — let's stay in touch!";
    assert_eq!(clf.classify(text).label(), "known-contact");
}

#[test]
fn pretrained_is_the_default_trainer_on_the_shipped_file() {
    let examples = read_examples(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/datasets/connection_requests.csv"
        ),
        &CsvOptions::csv(),
    )
    .unwrap();
    let trained = Trainer::new().fit(&examples).unwrap();
    assert_eq!(trained, Classifier::pretrained());
    assert_eq!(
        Classifier::pretrained().labels(),
        ["known-contact", "personal", "sales"]
    );
}

#[test]
fn probabilities_cover_every_label_and_sum_to_one() {
    let clf = Classifier::pretrained();
    for text in [
        "",
        "Hey cuz!",
        "Thanks for the talk on Tuesday",
        "🙌🙌🙌",
        &"spam ".repeat(10_000),
    ] {
        let p = clf.classify(text);
        let probs: Vec<(&str, f64)> = p.probabilities().collect();
        assert_eq!(probs.len(), 3);
        assert!(
            (probs.iter().map(|(_, v)| v).sum::<f64>() - 1.0).abs() < 1e-9,
            "{text:.40}"
        );
        assert!((0.0..=1.0).contains(&p.confidence()));
        assert_eq!(p.probability(p.label()), p.confidence());
    }
}
