//! Cheap obfuscation does not blind the classifier: every obfuscated pitch in
//! datasets/obfuscated_pitches.csv gets the label of its clean original, and ordinary text in
//! other scripts is left alone by the look-alike folding.

use nopitch::text::Analyzer;
use nopitch::Classifier;

#[test]
fn obfuscated_pitches_get_the_labels_of_their_originals() {
    let clf = Classifier::pretrained();
    let mut r = csv::Reader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/obfuscated_pitches.csv"
    ))
    .unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec!["clean", "obfuscated", "technique"]
    );
    let mut n = 0;
    let mut techniques = std::collections::BTreeSet::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let (clean, obfuscated, technique) = (&rec[0], &rec[1], &rec[2]);
        assert_ne!(clean, obfuscated);
        let (a, b) = (clf.classify(clean), clf.classify(obfuscated));
        assert_eq!(a.label(), b.label(), "{technique}: {obfuscated:?}");
        assert_eq!(b.label(), "sales", "{technique}: {obfuscated:?}");
        // The same words come out of the text pipeline.
        assert_eq!(
            Analyzer::default().terms(clean),
            Analyzer::default().terms(obfuscated),
            "{technique}: {obfuscated:?}"
        );
        techniques.insert(technique.to_string());
        n += 1;
    }
    assert!(
        n >= 60 && techniques.len() >= 12,
        "{n} pairs, {techniques:?}"
    );
}

#[test]
fn other_scripts_are_not_mangled() {
    let a = Analyzer::default();
    assert_eq!(
        a.tokens("Привет, коллега! Рад знакомству."),
        ["привет", ",", "коллега", "!", "рад", "знакомству", "."]
    );
    assert_eq!(
        a.tokens("Καλημέρα σας, χαίρομαι που γνωριστήκαμε"),
        ["καλημέρα", "σας", ",", "χαίρομαι", "που", "γνωριστήκαμε"]
    );
    assert_eq!(
        a.tokens("नमस्ते, आपसे मिलकर खुशी हुई"),
        ["नमस्ते", ",", "आपसे", "मिलकर", "खुशी", "हुई"]
    );
    assert_eq!(
        a.tokens("很高兴认识你"),
        ["很", "高", "兴", "认", "识", "你"]
    );
    // Mixed-script words are folded only where they imitate Latin.
    assert_eq!(
        a.tokens("Сall me about the Московский office"),
        ["call", "me", "about", "the", "московский", "office"]
    );
}
