//! Any bytes as a model file: refused with an error or loaded into a usable model, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nopitch::Classifier;

fuzz_target!(|data: &[u8]| {
    if let Ok(clf) = Classifier::read_from(data) {
        let p = clf.classify("save 15% on your licensing, great working with you");
        assert!(p.confidence().is_finite());
    }
});
