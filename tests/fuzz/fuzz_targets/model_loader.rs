//! Model files from strangers: refused with an error or loaded into a usable model, never a
//! panic, and never an allocation out of proportion to the file.
//!
//! Raw bytes alone would almost never get past the binary format's checksum (or JSON's syntax),
//! so the decoder's own checks would go untested. The input is therefore used three ways:
//!
//! 1. as a model file, as it is;
//! 2. as a list of edits to a small valid model in the binary format, whose checksum is then
//!    recomputed (FNV-1a 64 of everything before it, as `src/persist/binary.rs` documents), so
//!    every edit reaches the decoder and the validation behind it;
//! 3. as the same edits to the same model in JSON.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nopitch::{Classifier, Example, Trainer};

const MAGIC: &[u8] = b"NOPITCH\x1a";

/// A small valid model (3 labels, a few dozen features), in the binary format and in JSON.
fn valid_models() -> &'static (Vec<u8>, Vec<u8>) {
    static MODELS: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    MODELS.get_or_init(|| {
        let examples = [
            ("Save 15% on your SAP licensing this quarter", "sales"),
            ("Book a demo of our cloud cost tool", "sales"),
            (
                "Great working with you at Acme on the upgrade",
                "known-contact",
            ),
            ("We studied together at State U", "known-contact"),
            ("Loved your post about running, no pitch", "personal"),
            ("Hey cuz! Mum says hi 👋", "personal"),
        ]
        .map(|(text, label)| Example::new(text, label));
        let clf = Trainer::new()
            .calibration_folds(0)
            .fit(&examples)
            .expect("the seed model trains");
        let (mut binary, mut json) = (Vec::new(), Vec::new());
        clf.write_to(&mut binary).expect("in memory");
        clf.write_json_to(&mut json).expect("in memory");
        (binary, json)
    })
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Applies edits of 4 bytes each (operation, position as 2 bytes, value) to `bytes`; positions
/// wrap around.
fn edit(bytes: &mut Vec<u8>, edits: &[u8]) {
    for e in edits.chunks_exact(4) {
        let position = u16::from_le_bytes([e[1], e[2]]) as usize;
        let at = |len: usize| if len == 0 { 0 } else { position % len };
        let e = [e[0], e[1], e[3]];
        match e[0] % 8 {
            0..=2 => {
                let i = at(bytes.len());
                if let Some(b) = bytes.get_mut(i) {
                    *b = e[2];
                }
            }
            3 => {
                let i = at(bytes.len());
                if let Some(b) = bytes.get_mut(i) {
                    *b = b.wrapping_add(e[2] % 8).wrapping_sub(4);
                }
            }
            4 => {
                let i = at(bytes.len() + 1);
                bytes.insert(i.min(bytes.len()), e[2]);
            }
            5 => {
                let i = at(bytes.len());
                if i < bytes.len() {
                    bytes.remove(i);
                }
            }
            6 => {
                // Repeat a short run: lists and counts grow.
                let i = at(bytes.len());
                let run: Vec<u8> = bytes
                    .iter()
                    .skip(i)
                    .take(1 + e[2] as usize % 16)
                    .copied()
                    .collect();
                let end = (i + run.len()).min(bytes.len());
                bytes.splice(end..end, run);
            }
            _ => bytes.truncate(at(bytes.len() + 1)),
        }
    }
}

fn load(bytes: &[u8]) {
    if let Ok(clf) = Classifier::read_from(bytes) {
        let note = "save 15% on your licensing, great working with you";
        let p = clf.classify(note);
        assert!(p.confidence().is_finite());
        let total: f64 = p.probabilities().map(|(_, v)| v).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        for e in p.evidence(note, 3) {
            for span in &e.spans {
                assert!(note.get(span.clone()).is_some(), "{span:?}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    load(data);
    let (binary, json) = valid_models();

    // The binary model, edited after its magic, with a valid checksum.
    let mut body = binary[..binary.len() - 8].to_vec();
    let mut tail = body.split_off(MAGIC.len());
    edit(&mut tail, data);
    body.extend_from_slice(&tail);
    let sum = fnv1a(&body);
    body.extend_from_slice(&sum.to_le_bytes());
    load(&body);

    let mut json = json.clone();
    edit(&mut json, data);
    load(&json);
});
