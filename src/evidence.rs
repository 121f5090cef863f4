//! The evidence behind a verdict, in the note's own words: which features pushed toward the
//! label, where each one occurs in the note as the sender wrote it, and the note with them marked.
//!
//! Spans are byte ranges of the text given to [`Classifier::classify`](crate::Classifier::classify)
//! and [`Prediction::evidence`](crate::Prediction::evidence), before any normalisation: the text
//! is analysed again with a map from every normalised byte back to the original characters it
//! came from (through NFKC, look-alike folding, removed invisible characters and rejoined
//! letter-spacing), so `&note[span]` is always a valid slice and reads as written.

use std::ops::Range;

use serde::Serialize;

/// One feature's part in a [`Prediction`](crate::Prediction): the n-gram, where it occurs in the
/// note, and how hard it pushed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The n-gram as the model knows it, in readable form (`it priorities`, `save <percent>`):
    /// the same in every note. Show [`Evidence::text`] to a person instead.
    pub feature: String,
    /// The note's own words for the first occurrence, exactly as written (`IT priorities`,
    /// `Save 15%`): `&note[spans[0].clone()]`.
    pub text: String,
    /// Every occurrence, in the order of the note: byte ranges of the note as given (before
    /// normalisation), from the start of the first word of the n-gram to the end of its last.
    /// Each starts and ends on a character boundary.
    pub spans: Vec<Range<usize>>,
    /// How many times it occurs in the note (`spans.len()`).
    pub count: u32,
    /// Its contribution to the log-odds of the predicted label against the runner-up
    /// (natural log, after calibration): positive values pushed toward the predicted label.
    pub weight: f64,
}

/// The note with every stretch covered by the evidence wrapped in `open` and `close`, such as
/// `"["` and `"]"` (`[We worked together] on the Banner cutover`) or terminal colour codes.
/// Overlapping spans (the two bigrams of "we worked together") are marked as one stretch.
/// Spans that do not slice `text` (evidence of another note) are skipped.
///
/// ```
/// use nopitch::{mark_evidence, Classifier};
/// let note = "We worked together on the Banner cutover at State U";
/// let clf = Classifier::pretrained();
/// let evidence = clf.classify(note).evidence(note, 3);
/// let marked = mark_evidence(note, &evidence, "[", "]");
/// assert!(marked.contains('['));
/// assert_eq!(marked.replace(['[', ']'], ""), note);
/// ```
pub fn mark_evidence(text: &str, evidence: &[Evidence], open: &str, close: &str) -> String {
    let merged = merge_spans(text, evidence.iter().flat_map(|e| &e.spans));
    let mut out = String::with_capacity(text.len() + merged.len() * (open.len() + close.len()));
    let mut at = 0;
    for span in merged {
        out.push_str(&text[at..span.start]);
        out.push_str(open);
        out.push_str(&text[span.clone()]);
        out.push_str(close);
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The stretches of `text` that `spans` cover, as a highlighter shows them: sorted, overlapping
/// spans merged into one (the two bigrams of "we worked together"), and spans that are empty or
/// do not slice `text` (evidence of another note) left out. [`mark_evidence`] marks these.
///
/// ```
/// let note = "We worked together on it";
/// assert_eq!(nopitch::merge_spans(note, &[3..18, 0..9, 30..40]), vec![0..18]);
/// ```
pub fn merge_spans<'a>(
    text: &str,
    spans: impl IntoIterator<Item = &'a Range<usize>>,
) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = spans
        .into_iter()
        .filter(|s| s.start < s.end && text.get((*s).clone()).is_some())
        .cloned()
        .collect();
    spans.sort_by_key(|s| (s.start, s.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(spans: &[(usize, usize)]) -> Evidence {
        Evidence {
            feature: String::new(),
            text: String::new(),
            spans: spans.iter().map(|&(a, b)| a..b).collect(),
            count: spans.len() as u32,
            weight: 1.0,
        }
    }

    #[test]
    fn overlapping_spans_are_marked_once() {
        let note = "We worked together on it";
        let marked = mark_evidence(
            note,
            &[ev(&[(0, 9)]), ev(&[(3, 18)]), ev(&[(22, 24)])],
            "[",
            "]",
        );
        assert_eq!(marked, "[We worked together] on [it]");
    }

    #[test]
    fn spans_of_another_text_are_skipped() {
        assert_eq!(
            mark_evidence("née", &[ev(&[(1, 2), (0, 40)])], "[", "]"),
            "née"
        );
        assert_eq!(mark_evidence("", &[ev(&[(0, 1)])], "<", ">"), "");
    }
}
