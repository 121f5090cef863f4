//! Training limits: a wrong label column, too many labels and tables out of proportion to the
//! data are refused with typed errors, in training, cross-validation, `learn` and `merge`.
//! (The allocation bound of the refusal is checked in `tests/limits_memory.rs`.)

use nopitch::{
    cross_validate, Classifier, CsvOptions, ErrorKind, Example, ExampleReader, Trainer, MAX_LABELS,
};

/// The shipped notes as CSV with the label column mixed up: each label is the first 60
/// characters of its own note, as when a text column is taken for the label.
fn mixed_up_csv() -> String {
    let notes = nopitch::read_examples(
        "datasets/connection_requests.csv",
        &CsvOptions::csv().group_column("voice"),
    )
    .expect("the shipped notes");
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["text", "label"]).unwrap();
    for note in &notes {
        let label: String = note.text().chars().take(60).collect();
        out.write_record([note.text(), label.as_str()]).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

/// `n` examples, each with a label of its own (`{prefix}000`, ...) and a few words.
fn one_per_label(prefix: &str, n: usize) -> Vec<Example> {
    (0..n)
        .map(|i| {
            Example::new(
                format!("note {i} from {prefix} about topic {}", i % 7),
                format!("{prefix}{i:03}"),
            )
        })
        .collect()
}

#[test]
fn a_mixed_up_label_column_is_refused_counting_every_label() {
    let csv = mixed_up_csv();
    let examples: Vec<Example> = ExampleReader::from_reader(csv.as_bytes(), &CsvOptions::csv())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let distinct: std::collections::HashSet<&str> = examples.iter().map(Example::label).collect();
    assert!(distinct.len() > 10_000, "{}", distinct.len());
    let e = Trainer::new()
        .fit(&examples)
        .unwrap_err()
        .with_label_column("label");
    match e.kind() {
        ErrorKind::TooManyLabels {
            limit,
            labels,
            rows,
            column,
            ..
        } => {
            assert_eq!(*limit, MAX_LABELS);
            assert_eq!(*labels, distinct.len());
            assert_eq!(*rows, examples.len() as u64);
            assert_eq!(column.as_deref(), Some("label"));
        }
        other => panic!("{other:?}"),
    }
    let message = e.to_string();
    assert!(
        message.contains(&format!("{} distinct labels", distinct.len()))
            && message.contains("is \"label\" the right label column?"),
        "{message}"
    );
    // Cross-validation refuses before its first fold, with the same counts.
    let e = cross_validate(&Trainer::new(), &examples, 10, 42, |_, _| {}).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::TooManyLabels { labels, .. } if *labels == distinct.len()),
        "{e}"
    );
}

#[test]
fn a_mixed_up_label_column_is_refused_when_streaming_at_the_first_label_over() {
    let csv = mixed_up_csv();
    let reader = ExampleReader::from_reader(csv.as_bytes(), &CsvOptions::csv()).unwrap();
    let mut read = 0u64;
    let e = Trainer::new()
        .fit_iter(reader.inspect(|_| read += 1))
        .unwrap_err();
    assert_eq!(read, MAX_LABELS as u64 + 1, "stops at the first label over");
    match e.kind() {
        ErrorKind::TooManyLabels {
            labels, rows, line, ..
        } => {
            assert_eq!(*labels, MAX_LABELS + 1);
            assert_eq!(*rows, MAX_LABELS as u64 + 1);
            assert!(line.is_some_and(|l| l > MAX_LABELS as u64), "{line:?}");
            assert_eq!(e.line(), *line);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string().contains("Every row has a different label"),
        "{e}"
    );
}

#[test]
fn the_label_cap_is_a_setting() {
    let examples = vec![
        Example::new("save 15% on licences", "sales"),
        Example::new("great working with you at Acme", "known-contact"),
        Example::new("loved your post on running", "personal"),
    ];
    let e = Trainer::new().max_labels(2).fit(&examples).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooManyLabels {
                limit: 2,
                labels: 3,
                rows: 3,
                ..
            }
        ),
        "{e}"
    );
    let e = Trainer::new()
        .max_labels(2)
        .fit_iter(examples.iter().cloned().map(Ok))
        .unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooManyLabels {
                limit: 2,
                labels: 3,
                ..
            }
        ),
        "{e}"
    );
    let e = cross_validate(&Trainer::new().max_labels(2), &examples, 2, 1, |_, _| {}).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::TooManyLabels { .. }), "{e}");
    assert!(Trainer::new().max_labels(3).fit(&examples).is_ok());
    for bad in [0, 1, MAX_LABELS + 1] {
        let e = Trainer::new().max_labels(bad).fit(&examples).unwrap_err();
        assert!(
            matches!(
                e.kind(),
                ErrorKind::InvalidParameter {
                    name: "max_labels",
                    ..
                }
            ),
            "{bad}: {e}"
        );
    }
    // As many labels as the cap allows train, and the model saves and loads.
    let many = one_per_label("l", MAX_LABELS);
    let clf = Trainer::new().calibration_folds(0).fit(&many).unwrap();
    assert_eq!(clf.labels().len(), MAX_LABELS);
    let mut bytes = Vec::new();
    clf.write_to(&mut bytes).unwrap();
    assert_eq!(Classifier::read_from(bytes.as_slice()).unwrap(), clf);
}

#[test]
fn a_table_over_the_memory_limit_is_refused_before_it_is_built() {
    let examples = nopitch::read_examples(
        "datasets/connection_requests.csv",
        &CsvOptions::csv().group_column("voice"),
    )
    .unwrap();
    // ~165,000 features need more than 16 MiB (about 128 bytes each for the vocabulary, and
    // 3 labels × 24 bytes for the table).
    let limit = 16 << 20;
    for streaming in [false, true] {
        let trainer = Trainer::new().max_memory(limit);
        let e = if streaming {
            trainer
                .fit_iter(examples.iter().cloned().map(Ok))
                .unwrap_err()
        } else {
            trainer.fit(&examples).unwrap_err()
        };
        match e.kind() {
            ErrorKind::MemoryLimit {
                needed,
                limit: l,
                features: Some(features),
                labels,
                ..
            } => {
                assert_eq!(*l, limit);
                assert!(*needed > limit && *labels <= 3 && *features > 1000, "{e}");
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("min_count"), "{e}");
    }
    assert!(Trainer::new().max_memory(64 << 20).fit(&examples).is_ok());
    let e = Trainer::new()
        .max_memory(0)
        .fit(&examples[..10])
        .unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::InvalidParameter {
                name: "max_memory",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn cross_validation_refuses_outcomes_over_the_memory_limit() {
    // 256 labels over 4,096 rows: a probability per label per row is 8 MiB of outcomes.
    let examples: Vec<Example> = (0..4096)
        .map(|i| Example::new(format!("w{}", i % 100), format!("l{:03}", i % 256)))
        .collect();
    let e = cross_validate(
        &Trainer::new().max_memory(4 << 20),
        &examples,
        2,
        1,
        |_, _| {},
    )
    .unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::MemoryLimit {
                features: None,
                labels: 256,
                rows: 4096,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("cross-validation"), "{e}");
}

#[test]
fn learn_refuses_a_label_past_the_cap_and_keeps_the_model() {
    let mut clf = Trainer::new()
        .calibration_folds(0)
        .fit(&one_per_label("l", MAX_LABELS))
        .unwrap();
    let before = clf.clone();
    let e = clf.learn("a brand new note", "another label").unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooManyLabels { limit, labels, .. }
                if *limit == MAX_LABELS && *labels == MAX_LABELS + 1
        ),
        "{e}"
    );
    assert_eq!(clf, before);
    // A label it has is fine.
    clf.learn("one more note", "l007").unwrap();
    assert_eq!(clf.labels().len(), MAX_LABELS);
}

#[test]
fn merge_refuses_labels_past_the_cap_and_keeps_the_model() {
    let trainer = Trainer::new().calibration_folds(0);
    let mut a = trainer.fit(&one_per_label("a", 200)).unwrap();
    let b = trainer.fit(&one_per_label("b", 200)).unwrap();
    let before = a.clone();
    let e = a.merge(&b).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooManyLabels {
                limit,
                labels: 400,
                ..
            } if *limit == MAX_LABELS
        ),
        "{e}"
    );
    assert_eq!(a, before);
    // Shards with the same labels merge whatever their number.
    let b_same = trainer.fit(&one_per_label("a", 200)).unwrap();
    a.merge(&b_same).unwrap();
    assert_eq!(a.labels().len(), 200);
}
