//! Training on your own data: refusals with typed errors, learning from corrections, merging,
//! and persistence round trips.

use nopitch::{Classifier, CsvOptions, ErrorKind, Example, ExampleReader, NaiveBayesKind, Trainer};

fn ex(text: &str, label: &str) -> Example {
    Example::new(text, label)
}

fn shards() -> (Vec<Example>, Vec<Example>) {
    let a = vec![
        ex("Save 15% on your SAP licensing this quarter", "sales"),
        ex("We buy used laptops, can I send a quote?", "sales"),
        ex(
            "Great working with you on the Banner upgrade",
            "known-contact",
        ),
        ex(
            "Good to see you at the Acme offsite last week",
            "known-contact",
        ),
    ];
    let b = vec![
        ex("Book a demo of our cloud cost tool", "sales"),
        ex(
            "We studied together at State U, remember Prof. Lee?",
            "known-contact",
        ),
        ex("Loved your post about running, no pitch", "personal"),
        ex("Hey cuz! Mum says hi", "personal"),
    ];
    (a, b)
}

#[test]
fn refuses_empty_single_class_and_empty_labels() {
    let e = Trainer::new().fit(&[]).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::EmptyTrainingSet { .. }),
        "{e}"
    );
    let e = Trainer::new()
        .fit(&[ex("a b c", "x"), ex("d e f", "x")])
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::SingleClass { label } if label == "x"),
        "{e}"
    );
    let e = Trainer::new()
        .fit(&[ex("a b c", "x"), ex("d e f", " ").with_line(7)])
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::EmptyLabel { .. }) && e.line() == Some(7),
        "{e}"
    );
    // Only texts without tokens: nothing to learn from.
    let e = Trainer::new()
        .fit(&[ex("", "x"), ex("   ", "y")])
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::EmptyTrainingSet { .. }),
        "{e}"
    );
}

#[test]
fn refuses_invalid_settings_naming_them() {
    let (a, _) = shards();
    for (trainer, name) in [
        (Trainer::new().alpha(0.0), "alpha"),
        (Trainer::new().alpha(-1.0), "alpha"),
        (Trainer::new().alpha(f64::NAN), "alpha"),
        (Trainer::new().ngram_range(2, 1), "ngram_range"),
        (Trainer::new().ngram_range(0, 2), "ngram_range"),
        (Trainer::new().min_count(0), "min_count"),
        (Trainer::new().unsure_below(1.5), "unsure_below"),
        (Trainer::new().alpha(1e308), "alpha"),
        (Trainer::new().calibration_folds(1), "calibration_folds"),
    ] {
        let e = trainer.fit(&a).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::InvalidParameter { name: n, .. } if *n == name),
            "{name}: {e}"
        );
    }
}

#[test]
fn any_label_set_works() {
    let examples = vec![
        ex("free prize call now", "spam"),
        ex("see you at lunch", "ham"),
        ex("win cash now", "spam"),
    ];
    let clf = Trainer::new().fit(&examples).unwrap();
    assert_eq!(clf.labels(), ["ham", "spam"]);
    assert_eq!(clf.classify("win a free prize").label(), "spam");
}

#[test]
fn learn_then_unlearn_gives_back_the_same_model() {
    let (a, _) = shards();
    let original = Trainer::new().calibration_folds(0).fit(&a).unwrap();
    let mut clf = original.clone();
    clf.learn(
        "Quick call about your zebra-stripe procurement budget?",
        "sales",
    )
    .unwrap();
    assert_ne!(clf, original);
    assert_eq!(clf.classify("zebra stripe procurement").label(), "sales");
    clf.unlearn(
        "Quick call about your zebra-stripe procurement budget?",
        "sales",
    )
    .unwrap();
    assert_eq!(clf, original);

    // A new label, then taking it back.
    clf.learn("Hey cuz! Mum says hi", "family").unwrap();
    assert_eq!(clf.labels(), ["family", "known-contact", "sales"]);
    clf.unlearn("Hey cuz! Mum says hi", "family").unwrap();
    assert_eq!(clf, original);
}

#[test]
fn learn_then_unlearn_of_a_text_shorter_than_the_ngrams() {
    let (a, _) = shards();
    let original = Trainer::new()
        .ngram_range(2, 2)
        .calibration_folds(0)
        .fit(&a)
        .unwrap();
    let mut clf = original.clone();
    clf.learn("zebra", "sales").unwrap();
    clf.unlearn("zebra", "sales").unwrap();
    assert_eq!(clf, original);
}

#[test]
fn merging_past_the_count_limit_is_refused() {
    let (a, _) = shards();
    let mut json = Vec::new();
    Trainer::new()
        .calibration_folds(0)
        .fit(&a)
        .unwrap()
        .write_json_to(&mut json)
        .unwrap();
    let huge = String::from_utf8(json).unwrap().replace(
        "\"class_docs\":[2,2]",
        "\"class_docs\":[4503599627370496,4503599627370496]",
    );
    let big = Classifier::read_from(huge.as_bytes()).unwrap();
    let mut merged = big.clone();
    let e = merged.merge(&big).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::TooManyCounts { .. }), "{e}");
    assert_eq!(merged, big);
}

#[test]
fn unlearn_refuses_what_was_never_learned() {
    let (a, _) = shards();
    let mut clf = Trainer::new().calibration_folds(0).fit(&a).unwrap();
    let before = clf.clone();
    let e = clf
        .unlearn("Save 15% save 15% save 15% on SAP", "known-contact")
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::NotLearned { .. }), "{e}");
    let e = clf.unlearn("anything", "no-such-label").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnknownLabel { .. }), "{e}");
    assert_eq!(clf, before);
}

#[test]
fn training_on_the_union_equals_merging_shards() {
    let (a, b) = shards();
    for kind in [NaiveBayesKind::Multinomial, NaiveBayesKind::Complement] {
        let trainer = Trainer::new().kind(kind).calibration_folds(0);
        let union: Vec<Example> = a.iter().chain(&b).cloned().collect();
        let whole = trainer.fit(&union).unwrap();
        let mut merged = trainer.fit(&a).unwrap();
        merged.merge(&trainer.fit(&b).unwrap()).unwrap();
        assert_eq!(merged, whole, "{kind:?}");
    }
}

#[test]
fn merge_refuses_different_settings() {
    let (a, b) = shards();
    let mut x = Trainer::new().fit(&a).unwrap();
    let y = Trainer::new().alpha(1.0).fit(&b).unwrap();
    let e = x.merge(&y).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::IncompatibleModels { .. }),
        "{e}"
    );
}

#[test]
fn save_then_load_gives_identical_predictions() {
    let clf = Classifier::pretrained();
    let mut bytes = Vec::new();
    clf.write_to(&mut bytes).unwrap();
    let back = Classifier::read_from(bytes.as_slice()).unwrap();
    assert_eq!(back, clf);
    for text in [
        "I'd love to hear about your IT priorities",
        "Great working with you!",
        "",
        "Hey cuz!",
    ] {
        let (p, q) = (clf.classify(text), back.classify(text));
        assert_eq!(p.label(), q.label());
        let (pp, qp): (Vec<_>, Vec<_>) = (p.probabilities().collect(), q.probabilities().collect());
        assert_eq!(pp, qp);
    }
}

#[test]
fn eight_threads_agree_with_one() {
    let clf = Classifier::pretrained();
    let texts: Vec<String> = (0..200)
        .map(|i| {
            format!("note {i}: save {i}% on your cloud bill or great working with you at Acme {i}")
        })
        .collect();
    let expected: Vec<(String, f64)> = texts
        .iter()
        .map(|t| {
            let p = clf.classify(t);
            (p.label().to_string(), p.confidence())
        })
        .collect();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for (t, e) in texts.iter().zip(&expected) {
                    let p = clf.classify(t);
                    assert_eq!((p.label().to_string(), p.confidence()), *e);
                }
            });
        }
    });
}

/// Examples with groups are calibrated leaving one group out: when the groups write differently,
/// the held-out scores are less sure than random folds make them, so the temperature is higher.
#[test]
fn groups_calibrate_leaving_one_group_out() {
    let mut examples = Vec::new();
    for g in 0..4 {
        for i in 0..30 {
            // Each group has its own words for each label, and the one word all groups share
            // means the opposite in the first two groups: a model that has not seen a group's
            // words follows the shared word, and is often wrong.
            let (s, k) = if g < 2 {
                ("alpha", "beta")
            } else {
                ("beta", "alpha")
            };
            let sales = format!("offer{g} price{g} {s} number{i}");
            let contact = format!("worked{g} team{g} {k} number{i}");
            examples.push(Example::new(sales, "sales").with_group(format!("g{g}")));
            examples.push(Example::new(contact, "known-contact").with_group(format!("g{g}")));
        }
    }
    let grouped = Trainer::new().fit(&examples).unwrap();
    let ungrouped: Vec<Example> = examples
        .iter()
        .map(|e| Example::new(e.text(), e.label()))
        .collect();
    let random = Trainer::new().fit(&ungrouped).unwrap();
    assert!(
        grouped.temperature() > random.temperature(),
        "grouped {} vs random folds {}",
        grouped.temperature(),
        random.temperature()
    );
    // The counts are the same: only the calibration differs.
    assert_eq!(grouped.feature_names(), random.feature_names());
}

#[test]
fn group_column_is_read_and_must_exist() {
    let data = "text,label,voice\nSave 15% now,sales,a\nGreat working with you,known-contact,\n";
    let options = CsvOptions::csv().group_column("voice");
    let examples: Vec<Example> = ExampleReader::from_reader(data.as_bytes(), &options)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(examples[0].group(), Some("a"));
    assert_eq!(examples[1].group(), None, "an empty group is no group");
    let err =
        ExampleReader::from_reader(data.as_bytes(), &CsvOptions::csv().group_column("author"))
            .unwrap_err();
    assert!(err.to_string().contains("author"), "{err}");
}
