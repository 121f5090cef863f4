//! Verdicts a user can act on, with the pretrained model: no-signal notes are unsure with no
//! evidence, evidence is readable and explains the label, and the policy maps verdicts to actions.

use nopitch::{Action, Category, Classifier, TriagePolicy};

#[test]
fn notes_without_signal_are_unsure_with_no_evidence() {
    let clf = Classifier::pretrained();
    for text in [
        "",
        "   ",
        "Hi",
        "Hello",
        "🙌",
        "👍👍",
        "zxqv wplk qqq",
        "\u{0}\u{1}",
        "...",
    ] {
        let p = clf.classify(text);
        assert!(!p.has_signal(), "{text:?} has signal");
        assert!(p.is_unsure(), "{text:?} is not unsure");
        assert!(p.evidence(text, 5).is_empty(), "{text:?} has evidence");
        assert_eq!(
            TriagePolicy::default().verdict(&p).unwrap().action,
            Action::Review
        );
    }
}

#[test]
fn evidence_is_readable_and_supports_the_label() {
    let clf = Classifier::pretrained();
    let text = "I'd love to hear about your IT priorities over the next year";
    let p = clf.classify(text);
    let ev = p.evidence(text, 5);
    assert_eq!(ev.len(), 5);
    assert!(ev.iter().any(|e| e.feature == "it priorities"), "{ev:?}");
    assert!(ev.windows(2).all(|w| w[0].weight >= w[1].weight));
    assert!(ev[0].weight > 0.0);
    // Words as people write them, not stems.
    assert!(
        ev.iter().all(|e| !e.feature.contains("prioriti ")),
        "{ev:?}"
    );
}

#[test]
fn policy_on_the_reference_notes() {
    let clf = Classifier::pretrained();
    let policy = TriagePolicy::new()
        .decline_reply("Thanks, but I only connect with people I've worked with.");
    let v = policy
        .verdict(
            &clf.classify("We buy used office computers and laptops — can I send you a quote?"),
        )
        .unwrap();
    assert_eq!(v.category, Category::Sales);
    assert_eq!(
        v.action,
        Action::Decline {
            reply: "Thanks, but I only connect with people I've worked with.".into()
        }
    );
    let v = policy
        .verdict(&clf.classify(
            "Great working with you on the Banner upgrade at State U — let's stay in touch!",
        ))
        .unwrap();
    assert_eq!(
        (v.category, v.action),
        (Category::KnownContact, Action::Accept)
    );
}
