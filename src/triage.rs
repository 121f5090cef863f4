//! The triage policy for the default taxonomy: what to do with a connection request.
//!
//! A [`Prediction`] says what a note is; a [`Verdict`] says what to do about it:
//!
//! | prediction | action |
//! |---|---|
//! | unsure (no signal, or confidence below the model's threshold) | [`Action::Review`] |
//! | `sales` | [`Action::Decline`] with the policy's canned reply |
//! | `known-contact` | [`Action::Accept`] |
//! | `personal` | [`Action::Review`] by default (friends and family are accepted, strangers who read your posts may be asked to follow instead: only you can tell them apart); configurable |
//!
//! ```
//! use nopitch::{Action, Category, Classifier, TriagePolicy};
//! let clf = Classifier::pretrained();
//! let policy = TriagePolicy::default();
//! let v = policy.verdict(&clf.classify("We buy used office computers and laptops, can I send you a quote?"))?;
//! assert_eq!(v.category, Category::Sales);
//! assert!(matches!(v.action, Action::Decline { .. }));
//! let v = policy.verdict(&clf.classify(""))?;
//! assert_eq!(v.action, Action::Review);
//! # Ok::<(), nopitch::Error>(())
//! ```

use std::fmt;

use serde::Serialize;

use crate::classifier::Prediction;
use crate::error::{Error, ErrorKind, Result};

/// The default reply to a declined pitch.
pub const DEFAULT_DECLINE_REPLY: &str =
    "Thanks for reaching out. I keep my LinkedIn connections to people I've worked with, \
so I won't accept this request, but you're welcome to follow my posts instead.";

/// What a note is, in the default taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// An unsolicited commercial approach (label `sales`).
    Sales,
    /// A sender with concrete shared professional history (label `known-contact`).
    KnownContact,
    /// A genuine non-commercial note (label `personal`).
    Personal,
}

impl Category {
    /// The category of a default-taxonomy label, if it is one.
    pub fn from_label(label: &str) -> Option<Category> {
        match label {
            "sales" => Some(Category::Sales),
            "known-contact" => Some(Category::KnownContact),
            "personal" => Some(Category::Personal),
            _ => None,
        }
    }

    /// The label of this category.
    pub fn label(self) -> &'static str {
        match self {
            Category::Sales => "sales",
            Category::KnownContact => "known-contact",
            Category::Personal => "personal",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What to do with a connection request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// Accept the invitation.
    Accept,
    /// Decline it, sending `reply`.
    Decline {
        /// The canned reply to send.
        reply: String,
    },
    /// Leave it for a person to decide.
    Review,
    /// Archive it without a reply: for automated messages (ads, LinkedIn's own promotions,
    /// organisation broadcasts), never for a person.
    Archive,
}

impl Action {
    /// A short name: `accept`, `decline` or `review`.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline { .. } => "decline",
            Action::Review => "review",
            Action::Archive => "archive",
        }
    }
}

/// The verdict on one connection request: its category, what to do, and how sure the model is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// What the note is (the predicted label, even when unsure).
    pub category: Category,
    /// What to do about it.
    pub action: Action,
    /// Calibrated probability of the category.
    pub confidence: f64,
    /// Whether the prediction was unsure (then the action is always [`Action::Review`]).
    pub unsure: bool,
}

/// Maps predictions of the default taxonomy to actions. Configure the decline reply and what to
/// do with personal notes; unsure predictions always go to review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriagePolicy {
    decline_reply: String,
    personal: Action,
}

impl Default for TriagePolicy {
    fn default() -> Self {
        TriagePolicy {
            decline_reply: DEFAULT_DECLINE_REPLY.to_string(),
            personal: Action::Review,
        }
    }
}

impl TriagePolicy {
    /// The default policy: decline pitches with [`DEFAULT_DECLINE_REPLY`], accept known contacts,
    /// review personal notes and anything unsure.
    pub fn new() -> TriagePolicy {
        TriagePolicy::default()
    }

    /// The reply sent with declined pitches.
    pub fn decline_reply(mut self, reply: impl Into<String>) -> TriagePolicy {
        self.decline_reply = reply.into();
        self
    }

    /// What to do with confident personal notes ([`Action::Review`] by default). A
    /// [`Action::Decline`] given here keeps its own reply.
    pub fn personal(mut self, action: Action) -> TriagePolicy {
        self.personal = action;
        self
    }

    /// The verdict on a prediction of a default-taxonomy model.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownLabel`] if the prediction's label is not `sales`, `known-contact` or
    /// `personal` (a model trained on another label set needs its own policy).
    pub fn verdict(&self, prediction: &Prediction) -> Result<Verdict> {
        let category = Category::from_label(prediction.label()).ok_or_else(|| {
            Error::new(ErrorKind::UnknownLabel {
                label: prediction.label().to_string(),
                known: vec!["sales".into(), "known-contact".into(), "personal".into()],
                line: None,
            })
        })?;
        let unsure = prediction.is_unsure();
        Ok(Verdict {
            category,
            action: self.action_for(category, unsure),
            confidence: prediction.confidence(),
            unsure,
        })
    }

    /// What to do with a verdict of `category`: review when unsure, else decline with the reply,
    /// accept, or the personal action. [`TriagePolicy::verdict`] uses it; so do the LinkedIn
    /// conversation verdicts.
    pub fn action_for(&self, category: Category, unsure: bool) -> Action {
        if unsure {
            return Action::Review;
        }
        match category {
            Category::Sales => Action::Decline {
                reply: self.decline_reply.clone(),
            },
            Category::KnownContact => Action::Accept,
            Category::Personal => self.personal.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Classifier, Example, Trainer};

    fn model() -> Classifier {
        let ex = vec![
            Example::new("save 15% on your cloud bill, book a demo", "sales"),
            Example::new("book a demo of our tool, save money", "sales"),
            Example::new(
                "great working with you at acme on the migration",
                "known-contact",
            ),
            Example::new("we worked together at acme for years", "known-contact"),
            Example::new("hey cousin, mum says hi, see you at dinner", "personal"),
            Example::new(
                "loved your post about running, see you at the race",
                "personal",
            ),
        ];
        Trainer::new().calibration_folds(0).fit(&ex).unwrap()
    }

    #[test]
    fn confident_verdicts_map_to_actions() {
        let clf = model();
        let policy = TriagePolicy::new().decline_reply("No thanks.");
        let v = policy
            .verdict(&clf.classify("book a demo and save 15% on your cloud bill"))
            .unwrap();
        assert_eq!(
            (v.category, v.action.clone(), v.unsure),
            (
                Category::Sales,
                Action::Decline {
                    reply: "No thanks.".into()
                },
                false
            )
        );
        let v = policy
            .verdict(&clf.classify("great working with you at acme, we worked together for years"))
            .unwrap();
        assert_eq!(
            (v.category, v.action),
            (Category::KnownContact, Action::Accept)
        );
        let v = policy
            .verdict(&clf.classify("hey cousin, mum says hi, see you at dinner"))
            .unwrap();
        assert_eq!((v.category, v.action), (Category::Personal, Action::Review));
        let v = TriagePolicy::new()
            .personal(Action::Accept)
            .verdict(&clf.classify("hey cousin, mum says hi, see you at dinner"))
            .unwrap();
        assert_eq!(v.action, Action::Accept);
    }

    #[test]
    fn unsure_always_goes_to_review() {
        let clf = model();
        for text in ["", "🙌", "zxqv wplk", "   "] {
            let p = clf.classify(text);
            assert!(
                p.is_unsure() && !p.has_signal() && p.evidence(text, 5).is_empty(),
                "{text:?}"
            );
            let v = TriagePolicy::new().verdict(&p).unwrap();
            assert_eq!(v.action, Action::Review, "{text:?}");
            assert!(v.unsure);
        }
        // Confident, but below a strict threshold: review too.
        let strict = Trainer::new().calibration_folds(0).unsure_below(1.0);
        let ex = vec![
            Example::new("save 15% book a demo", "sales"),
            Example::new("great working with you", "known-contact"),
        ];
        let p = strict.fit(&ex).unwrap().classify("book a demo, save 15%");
        assert!(p.has_signal() && p.is_unsure());
    }

    #[test]
    fn other_label_sets_are_refused() {
        let ex = vec![
            Example::new("win cash now", "spam"),
            Example::new("see you at lunch", "ham"),
        ];
        let clf = Trainer::new().fit(&ex).unwrap();
        let e = TriagePolicy::new()
            .verdict(&clf.classify("win cash"))
            .unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnknownLabel { .. }), "{e}");
    }
}
