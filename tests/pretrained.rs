//! The pretrained model: trained from datasets/connection_requests.csv, and right on the
//! project's reference phrases.

use nopitch::{pretrained_trainer, pretrained_training_set, weight_conversations, Classifier};

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

/// The shipped model file is what the pretrained model's trainer makes of the shipped data. If
/// this fails, run `cargo run --release --example build_pretrained`.
#[test]
fn pretrained_is_the_pretrained_trainer_on_the_shipped_file() {
    let examples =
        pretrained_training_set(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets")).unwrap();
    let trained = pretrained_trainer()
        .fit(&weight_conversations(&examples))
        .unwrap();
    let shipped = Classifier::pretrained();
    assert_eq!(shipped.labels(), ["known-contact", "personal", "sales"]);
    assert_eq!(trained.settings(), shipped.settings());
    let (a, b) = (trained.feature_names(), shipped.feature_names());
    let first_difference = a.iter().zip(&b).position(|(x, y)| x != y);
    assert!(
        a.len() == b.len() && first_difference.is_none(),
        "the shipped model is stale ({} vs {} features, first difference at {first_difference:?}): run `cargo run --release --example build_pretrained`",
        a.len(),
        b.len()
    );
    // The temperature comes from floating-point optimisation: equal to the last few bits.
    let (a, b) = (trained.temperature(), shipped.temperature());
    assert!(
        (a - b).abs() <= 1e-9 * a.abs(),
        "temperature {a} vs {b}: run the build_pretrained example"
    );
    // The counts agree exactly, so the log-likelihoods of every note do too.
    for e in examples.iter().step_by(7) {
        let (p, q) = (trained.classify(e.text()), shipped.classify(e.text()));
        assert_eq!(
            p.log_likelihoods().collect::<Vec<_>>(),
            q.log_likelihoods().collect::<Vec<_>>()
        );
    }
}

#[test]
fn pretrained_model_is_small() {
    let mut bytes = Vec::new();
    Classifier::pretrained().write_to(&mut bytes).unwrap();
    assert!(bytes.len() <= 2 << 20, "{} bytes", bytes.len());
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

/// The pretrained model's fingerprint is the checksum that ends the shipped file, so a personal
/// model that recorded it can tell when a release ships a different pretrained model.
#[test]
fn pretrained_fingerprint_is_the_shipped_files_checksum() {
    let shipped = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/connection_requests.model"
    ))
    .unwrap();
    let trailer: [u8; 8] = shipped[shipped.len() - 8..].try_into().unwrap();
    let pretrained = Classifier::pretrained();
    assert_eq!(pretrained.fingerprint(), u64::from_le_bytes(trailer));
    assert_eq!(
        Classifier::pretrained_fingerprint(),
        pretrained.fingerprint()
    );
    let mut learned = pretrained.clone();
    learned
        .learn("Hi Sam, good to see you at the reunion", "known-contact")
        .unwrap();
    assert_ne!(learned.fingerprint(), pretrained.fingerprint());
}
