//! Evaluation: how good a classifier really is on labelled examples it did not learn from.
//!
//! [`cross_validate`] trains a fresh model per fold (seeded, stratified) and scores the held-out
//! fold; [`evaluate`] scores a trained model on a test set. Both return an [`Evaluation`] whose
//! accuracy, per-label precision/recall/F1 and MCC come from linfa's `ConfusionMatrix`.
//!
//! linfa's `ConfusionMatrix` puts its *receiver* in rows (its docs say rows are targets, but
//! `prediction.confusion_matrix(truth)` puts predictions in rows) and reverses the class order
//! when there are two classes. nopitch calls it as `truth.confusion_matrix(predicted)`, so rows
//! are true labels as the docs describe, and maps classes back by name.

use std::fmt;

use linfa::prelude::ToConfusionMatrix;
use ndarray::Array1;
use serde::Serialize;

use crate::calibration::expected_calibration_error;
use crate::classifier::{Classifier, Trainer};
use crate::dataset::{check_labels, stratified_folds, Example};
use crate::error::{Error, ErrorKind, Result};

/// Precision, recall and F1 of one label (0 where undefined, e.g. a label never predicted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScores {
    /// The label.
    pub label: String,
    /// Of the examples predicted as this label, the share that had it.
    pub precision: f64,
    /// Of the examples that had this label, the share predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Number of examples that had this label.
    pub support: u64,
}

/// The outcome for one evaluated example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Index of the example in the evaluated slice.
    pub index: usize,
    /// Index of its true label in [`Evaluation::labels`].
    pub truth: usize,
    /// Index of the predicted label in [`Evaluation::labels`].
    pub predicted: usize,
    /// Calibrated confidence of the predicted label.
    pub confidence: f64,
    /// Calibrated probability of every label, in [`Evaluation::labels`] order.
    pub probabilities: Vec<f64>,
    /// Whether the prediction was unsure.
    pub unsure: bool,
    /// Whether the note had a signal (see [`Prediction::has_signal`](crate::Prediction::has_signal)).
    pub signal: bool,
}

/// The report of an evaluation. `Display` prints an aligned table; `serde` gives JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The labels, in order; the confusion matrix and label scores follow it.
    pub labels: Vec<String>,
    /// Number of examples evaluated.
    pub examples: u64,
    /// Share of examples predicted correctly.
    pub accuracy: f64,
    /// Mean of the per-label F1 scores.
    pub macro_f1: f64,
    /// Matthews correlation coefficient (multi-class).
    pub mcc: f64,
    /// Expected calibration error of the confidence (10 equal-width bins).
    pub ece: f64,
    /// Share of predictions that were unsure.
    pub unsure_rate: f64,
    /// Precision, recall and F1 per label.
    pub per_label: Vec<LabelScores>,
    /// `confusion[true][predicted]`: counts of examples.
    pub confusion: Vec<Vec<u64>>,
    /// The same, counting only predictions that were not unsure: the verdicts a triage
    /// policy would act on.
    pub confusion_sure: Vec<Vec<u64>>,
    /// Every example's outcome (skipped in JSON; large).
    #[serde(skip)]
    pub outcomes: Vec<Outcome>,
}

impl Evaluation {
    /// Builds the report from outcomes over `labels`, with metrics from linfa.
    ///
    /// Outcomes whose `truth` or `predicted` is not an index into `labels` are left out.
    pub fn from_outcomes(labels: Vec<String>, mut outcomes: Vec<Outcome>) -> Evaluation {
        let k = labels.len();
        outcomes.retain(|o| o.truth < k && o.predicted < k);
        let mut confusion = vec![vec![0u64; k]; k];
        let mut confusion_sure = vec![vec![0u64; k]; k];
        for o in &outcomes {
            confusion[o.truth][o.predicted] += 1;
            if !o.unsure {
                confusion_sure[o.truth][o.predicted] += 1;
            }
        }
        let n = outcomes.len() as u64;
        let (accuracy, mcc, per_label) = if n == 0 {
            (0.0, 0.0, Vec::new())
        } else {
            linfa_metrics(&labels, &outcomes, &confusion)
        };
        let macro_f1 = if per_label.is_empty() {
            0.0
        } else {
            per_label.iter().map(|s| s.f1).sum::<f64>() / per_label.len() as f64
        };
        let calib: Vec<(f64, bool)> = outcomes
            .iter()
            .map(|o| (o.confidence, o.truth == o.predicted))
            .collect();
        Evaluation {
            ece: expected_calibration_error(&calib, 10),
            unsure_rate: if n == 0 {
                0.0
            } else {
                outcomes.iter().filter(|o| o.unsure).count() as f64 / n as f64
            },
            labels,
            examples: n,
            accuracy,
            macro_f1,
            mcc,
            per_label,
            confusion,
            confusion_sure,
            outcomes,
        }
    }

    /// The scores of one label, if it is in the report.
    pub fn label(&self, label: &str) -> Option<&LabelScores> {
        self.per_label.iter().find(|s| s.label == label)
    }

    /// The share of examples labelled `truth` that were predicted as `predicted` (0 if none had
    /// `truth`). For the default taxonomy, `rate("known-contact", "sales")` is the share of real
    /// contacts that would be declined as pitches.
    pub fn rate(&self, truth: &str, predicted: &str) -> f64 {
        self.rate_in(&self.confusion, truth, predicted)
    }

    /// Like [`Evaluation::rate`], counting only predictions that were not unsure (the share of
    /// all examples labelled `truth`): for the default taxonomy,
    /// `sure_rate("known-contact", "sales")` is the share of real contacts a triage policy would
    /// decline.
    pub fn sure_rate(&self, truth: &str, predicted: &str) -> f64 {
        self.rate_in(&self.confusion_sure, truth, predicted)
    }

    /// `counts[truth][predicted]` over the number of examples labelled `truth`.
    fn rate_in(&self, counts: &[Vec<u64>], truth: &str, predicted: &str) -> f64 {
        let (Some(t), Some(p)) = (
            self.labels.iter().position(|l| l == truth),
            self.labels.iter().position(|l| l == predicted),
        ) else {
            return 0.0;
        };
        let row: u64 = self.confusion[t].iter().sum();
        if row == 0 {
            0.0
        } else {
            counts[t][p] as f64 / row as f64
        }
    }
}

fn finite_or_zero(x: f32) -> f64 {
    if x.is_finite() {
        x as f64
    } else {
        0.0
    }
}

/// Accuracy, MCC and per-label scores from linfa's `ConfusionMatrix`.
fn linfa_metrics(
    labels: &[String],
    outcomes: &[Outcome],
    confusion: &[Vec<u64>],
) -> (f64, f64, Vec<LabelScores>) {
    let truth: Array1<usize> = outcomes.iter().map(|o| o.truth).collect();
    let predicted: Array1<usize> = outcomes.iter().map(|o| o.predicted).collect();
    let Ok(cm) = truth.confusion_matrix(&predicted) else {
        return (0.0, 0.0, Vec::new());
    };
    // linfa's class order: the labels present in either array, sorted, reversed if exactly two.
    let mut present: Vec<usize> = (0..labels.len())
        .filter(|&i| confusion[i].iter().sum::<u64>() > 0 || confusion.iter().any(|row| row[i] > 0))
        .collect();
    if present.len() == 2 {
        present.reverse();
    }
    let splits = cm.split_one_vs_all();
    let per_label = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let support = confusion[i].iter().sum();
            match present.iter().position(|&p| p == i) {
                Some(pos) if present.len() > 1 => {
                    let m = &splits[pos];
                    let (precision, recall) =
                        (finite_or_zero(m.precision()), finite_or_zero(m.recall()));
                    let f1 = if precision + recall > 0.0 {
                        2.0 * precision * recall / (precision + recall)
                    } else {
                        0.0
                    };
                    LabelScores {
                        label: label.clone(),
                        precision,
                        recall,
                        f1,
                        support,
                    }
                }
                // Only one class anywhere: everything was that label, predicted right.
                Some(_) => LabelScores {
                    label: label.clone(),
                    precision: 1.0,
                    recall: 1.0,
                    f1: 1.0,
                    support,
                },
                None => LabelScores {
                    label: label.clone(),
                    precision: 0.0,
                    recall: 0.0,
                    f1: 0.0,
                    support,
                },
            }
        })
        .collect();
    (
        finite_or_zero(cm.accuracy()),
        finite_or_zero(cm.mcc()),
        per_label,
    )
}

/// Scores a trained classifier on labelled examples.
///
/// # Errors
/// [`ErrorKind::UnknownLabel`] for an example whose label the classifier does not have (with its
/// line, if known); [`ErrorKind::EmptyTrainingSet`] for no examples.
pub fn evaluate(classifier: &Classifier, examples: &[Example]) -> Result<Evaluation> {
    if examples.is_empty() {
        return Err(Error::new(ErrorKind::EmptyTrainingSet { path: None }));
    }
    let labels = classifier.labels().to_vec();
    let mut outcomes = Vec::with_capacity(examples.len());
    for (index, e) in examples.iter().enumerate() {
        let truth = labels.iter().position(|l| l == e.label()).ok_or_else(|| {
            Error::new(ErrorKind::UnknownLabel {
                label: e.label().to_string(),
                known: labels.clone(),
                line: e.line(),
            })
        })?;
        outcomes.push(outcome(classifier, index, truth, e.text()));
    }
    Ok(Evaluation::from_outcomes(labels, outcomes))
}

fn outcome(classifier: &Classifier, index: usize, truth: usize, text: &str) -> Outcome {
    let p = classifier.classify(text);
    let predicted = classifier
        .labels()
        .iter()
        .position(|l| l == p.label())
        .unwrap_or(0);
    Outcome {
        index,
        truth,
        predicted,
        confidence: p.confidence(),
        probabilities: p.probabilities().map(|(_, v)| v).collect(),
        unsure: p.is_unsure(),
        signal: p.has_signal(),
    }
}

/// Seeded, stratified `k`-fold cross-validation: for each fold, a model is trained with
/// `trainer` on the other folds (vocabulary, counts and calibration included) and scored on the
/// fold. The outcomes of all folds are pooled into one [`Evaluation`].
///
/// `progress` is called with (folds done, k) after each fold.
///
/// # Errors
/// [`ErrorKind::InvalidParameter`] for `k < 2` or more folds than examples;
/// [`ErrorKind::TooManyLabels`] for more distinct labels than the trainer allows;
/// [`ErrorKind::MemoryLimit`] if the outcomes (a probability per label per example) would take
/// more than the trainer's [`max_memory`](Trainer::max_memory); otherwise as
/// [`Trainer::fit`] on a training split (for example [`ErrorKind::SingleClass`] when a label is
/// so rare that a split has no example of any other label).
pub fn cross_validate(
    trainer: &Trainer,
    examples: &[Example],
    k: usize,
    seed: u64,
    mut progress: impl FnMut(usize, usize),
) -> Result<Evaluation> {
    check_labels(examples)?;
    // Refused here, counting every label, rather than in the first fold's fit.
    trainer.check_label_count(examples)?;
    // The outcomes, a probability per label per example, share the memory limit with the fits.
    let trainer = &trainer.for_folds(examples)?;
    if k < 2 || k > examples.len() {
        return Err(Error::invalid(
            "k",
            k,
            "between 2 and the number of examples",
        ));
    }
    let mut labels: Vec<String> = examples.iter().map(|e| e.label().to_string()).collect();
    labels.sort();
    labels.dedup();
    let truth: Vec<usize> = examples
        .iter()
        .map(|e| {
            labels
                .binary_search_by(|l| l.as_str().cmp(e.label()))
                .unwrap_or(0)
        })
        .collect();
    let folds = stratified_folds(&truth, k, seed);
    let mut outcomes = Vec::with_capacity(examples.len());
    for fold in 0..k {
        let train = examples
            .iter()
            .zip(&folds)
            .filter(|(_, &f)| f != fold)
            .map(|(e, _)| e);
        let model = trainer.fit_examples(train)?;
        for (index, e) in examples
            .iter()
            .enumerate()
            .filter(|(i, _)| folds[*i] == fold)
        {
            let mut o = outcome(&model, index, truth[index], e.text());
            // Map the fold model's label order (it may lack a rare label) onto the full list.
            o.predicted = labels
                .iter()
                .position(|l| l == &model.labels()[o.predicted])
                .unwrap_or(0);
            let mut probs = vec![0.0; labels.len()];
            for (l, p) in model.labels().iter().zip(&o.probabilities) {
                if let Ok(i) = labels.binary_search(l) {
                    probs[i] = *p;
                }
            }
            o.probabilities = probs;
            outcomes.push(o);
        }
        progress(fold + 1, k);
    }
    outcomes.sort_by_key(|o| o.index);
    Ok(Evaluation::from_outcomes(labels, outcomes))
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self
            .labels
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(5)
            .max(9);
        writeln!(f, "examples: {}  accuracy: {:.4}  macro-F1: {:.4}  MCC: {:.4}  ECE: {:.4}  unsure: {:.1}%",
            self.examples, self.accuracy, self.macro_f1, self.mcc, self.ece, 100.0 * self.unsure_rate)?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<w$}  {:>9}  {:>9}  {:>9}  {:>7}",
            "label", "precision", "recall", "F1", "support"
        )?;
        for s in &self.per_label {
            writeln!(
                f,
                "{:<w$}  {:>9.4}  {:>9.4}  {:>9.4}  {:>7}",
                s.label, s.precision, s.recall, s.f1, s.support
            )?;
        }
        writeln!(f)?;
        let cw = self
            .labels
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(5)
            .max(6);
        write!(f, "{:<w$}", "true \\ predicted")?;
        for l in &self.labels {
            write!(f, "  {l:>cw$}")?;
        }
        writeln!(f)?;
        for (l, row) in self.labels.iter().zip(&self.confusion) {
            write!(f, "{l:<w$}")?;
            for n in row {
                write!(f, "  {n:>cw$}")?;
            }
            writeln!(f)?;
        }
        writeln!(f)?;
        writeln!(f, "sure verdicts only (unsure predictions left out):")?;
        for (l, row) in self.labels.iter().zip(&self.confusion_sure) {
            write!(f, "{l:<w$}")?;
            for n in row {
                write!(f, "  {n:>cw$}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(truth: usize, predicted: usize) -> Outcome {
        Outcome {
            index: 0,
            truth,
            predicted,
            confidence: 0.9,
            probabilities: vec![],
            unsure: false,
            signal: true,
        }
    }

    #[test]
    fn linfa_metrics_match_hand_counts_three_classes() {
        // truth/predicted pairs: class 0: 3 right, 1 → class 2; class 1: 2 right, 1 → 0; class 2: 1 right.
        let outcomes = vec![
            o(0, 0),
            o(0, 0),
            o(0, 0),
            o(0, 2),
            o(1, 1),
            o(1, 1),
            o(1, 0),
            o(2, 2),
        ];
        let e = Evaluation::from_outcomes(vec!["a".into(), "b".into(), "c".into()], outcomes);
        let a = e.label("a").unwrap();
        assert!((a.precision - 3.0 / 4.0).abs() < 1e-6 && (a.recall - 3.0 / 4.0).abs() < 1e-6);
        let b = e.label("b").unwrap();
        assert!((b.precision - 1.0).abs() < 1e-6 && (b.recall - 2.0 / 3.0).abs() < 1e-6);
        let c = e.label("c").unwrap();
        assert!((c.precision - 0.5).abs() < 1e-6 && (c.recall - 1.0).abs() < 1e-6);
        assert!((e.accuracy - 6.0 / 8.0).abs() < 1e-6);
        assert_eq!(
            e.confusion,
            vec![vec![3, 0, 1], vec![1, 2, 0], vec![0, 0, 1]]
        );
        assert!((e.rate("b", "a") - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn linfa_metrics_match_hand_counts_two_classes() {
        // "ham" = 0, "spam" = 1; 1 spam missed, 1 ham flagged.
        let outcomes = vec![
            o(0, 0),
            o(0, 0),
            o(0, 0),
            o(0, 1),
            o(1, 1),
            o(1, 1),
            o(1, 0),
        ];
        let e = Evaluation::from_outcomes(vec!["ham".into(), "spam".into()], outcomes);
        let spam = e.label("spam").unwrap();
        assert!((spam.precision - 2.0 / 3.0).abs() < 1e-6, "{spam:?}");
        assert!((spam.recall - 2.0 / 3.0).abs() < 1e-6, "{spam:?}");
        let ham = e.label("ham").unwrap();
        assert!(
            (ham.precision - 3.0 / 4.0).abs() < 1e-6 && (ham.recall - 3.0 / 4.0).abs() < 1e-6,
            "{ham:?}"
        );
        // MCC for [[3,1],[1,2]]: (3*2 - 1*1) / sqrt(4*3*4*3) = 5/12.
        assert!((e.mcc - 5.0 / 12.0).abs() < 1e-6, "{}", e.mcc);
    }

    #[test]
    fn asymmetric_errors_keep_precision_and_recall_apart() {
        // Class 1 is never predicted wrongly as 0, but 0 is often predicted as 1.
        let outcomes = vec![o(0, 1), o(0, 1), o(0, 0), o(1, 1)];
        let e = Evaluation::from_outcomes(vec!["x".into(), "y".into()], outcomes);
        let y = e.label("y").unwrap();
        assert!(
            (y.precision - 1.0 / 3.0).abs() < 1e-6 && (y.recall - 1.0).abs() < 1e-6,
            "{y:?}"
        );
    }

    #[test]
    fn sure_rates_leave_unsure_predictions_out() {
        let mut unsure = o(0, 1);
        unsure.unsure = true;
        let e = Evaluation::from_outcomes(
            vec!["a".into(), "b".into()],
            vec![o(0, 1), unsure, o(0, 0), o(1, 1)],
        );
        assert!((e.rate("a", "b") - 2.0 / 3.0).abs() < 1e-12);
        assert!((e.sure_rate("a", "b") - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(e.confusion_sure, vec![vec![1, 1], vec![0, 1]]);
    }

    #[test]
    fn outcomes_out_of_range_are_left_out() {
        let e = Evaluation::from_outcomes(
            vec!["a".into(), "b".into()],
            vec![o(0, 0), o(5, 1), o(1, 9)],
        );
        assert_eq!(e.examples, 1);
    }

    #[test]
    fn display_is_a_table() {
        let e = Evaluation::from_outcomes(vec!["a".into(), "b".into()], vec![o(0, 0), o(1, 1)]);
        let s = e.to_string();
        assert!(
            s.contains("accuracy: 1.0000")
                && s.contains("precision")
                && s.contains("true \\ predicted"),
            "{s}"
        );
    }
}
