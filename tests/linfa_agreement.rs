//! The correctness oracle: nopitch's sparse multinomial naive Bayes must agree with linfa-bayes'
//! dense `MultinomialNb` (alpha 1) trained on the dense export of the same features: the same
//! labels and the same joint log-likelihoods (within 1e-9 relative) on every held-back message.
//! (linfa-bayes 0.8.1 prints its state to stderr while fitting; that stays inside this test.)

use linfa::prelude::*;
use linfa_bayes::{MultinomialNb, NaiveBayes};
use nopitch::{read_examples, stratified_folds, CsvOptions, Example, NaiveBayesKind, Trainer};

#[test]
fn sparse_multinomial_matches_linfa_bayes_on_held_back_notes() {
    let examples = read_examples(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/datasets/connection_requests.csv"
        ),
        &CsvOptions::csv(),
    )
    .unwrap();
    let labels: Vec<&str> = examples.iter().map(Example::label).collect();
    let folds = stratified_folds(&labels, 5, 7);
    let (train, test): (Vec<_>, Vec<_>) = examples
        .iter()
        .cloned()
        .zip(folds)
        .partition(|(_, f)| *f != 0);
    let train: Vec<Example> = train.into_iter().map(|(e, _)| e).collect();
    let test: Vec<Example> = test.into_iter().map(|(e, _)| e).collect();

    // min_count 2 keeps the dense matrix small enough for linfa while still pruning.
    let clf = Trainer::new()
        .kind(NaiveBayesKind::Multinomial)
        .alpha(1.0)
        .min_count(2)
        .calibration_folds(0)
        .fit(&train)
        .unwrap();
    let dataset = clf.to_dataset(&train).unwrap();
    assert_eq!(dataset.records().ncols(), clf.n_features());
    let reference: MultinomialNb<f64, usize> =
        MultinomialNb::params().alpha(1.0).fit(&dataset).unwrap();

    let texts: Vec<&str> = test.iter().map(Example::text).collect();
    let dense = clf.feature_matrix(&texts);
    let jll = reference.joint_log_likelihood(dense.view());
    let mut agree = 0;
    for (i, text) in texts.iter().enumerate() {
        let p = clf.classify(text);
        for (c, (label, ours)) in p.log_likelihoods().enumerate() {
            let theirs = jll[&c][i];
            assert_eq!(clf.labels()[c], label);
            let rel = ((ours - theirs) / theirs.abs().max(1.0)).abs();
            assert!(
                rel <= 1e-9,
                "message {i} label {label}: nopitch {ours} vs linfa-bayes {theirs}"
            );
        }
        // linfa's argmax over its HashMap; with distinct scores the labels must agree.
        let best_linfa = (0..clf.labels().len())
            .max_by(|&a, &b| jll[&a][i].total_cmp(&jll[&b][i]))
            .unwrap();
        if clf.labels()[best_linfa] == p.label() {
            agree += 1;
        }
    }
    assert_eq!(
        agree,
        texts.len(),
        "every held-back message gets the same label"
    );
    assert!(texts.len() > 400);
}
