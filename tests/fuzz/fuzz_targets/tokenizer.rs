//! Any bytes, made lossy UTF-8, through the text pipeline and the pretrained classifier.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nopitch::text::Analyzer;
use nopitch::Classifier;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Analyzer::default().terms(&text);
    let p = Classifier::pretrained().classify(&text);
    let total: f64 = p.probabilities().map(|(_, v)| v).sum();
    assert!((total - 1.0).abs() < 1e-9);
    for e in p.evidence(&text, 5) {
        for span in &e.spans {
            assert!(text.get(span.clone()).is_some(), "{span:?}");
        }
    }
});
