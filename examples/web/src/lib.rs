//! nopitch in the browser: the binding the page (`index.html`, `app.js`) calls, and nothing more.
//!
//! - [`warm_up`]: decodes the pretrained model (compiled into the wasm file) once;
//!   [`warm_up_sort`] sorts a made-up export of a few rows, so that the first real sort does not
//!   wait for the browser to compile its code.
//! - [`classify`]: the verdict on one text: label, confidence, probabilities, unsure, evidence.
//! - [`Export`]: the files a person dropped (the ZIP LinkedIn mails, or the loose CSVs), then
//!   [`Export::triage`]: the same verdicts and output CSVs as the `triage` example gives.
//! - [`csv_field`]: the person's reply as a CSV field, put in the downloaded CSVs.
//!
//! The evidence comes with its places in the text (UTF-16 offsets from the library's byte spans,
//! [`report::marks`]), which the page marks. Results are JSON strings (the page parses them); the
//! work is plain Rust in [`files`] and [`report`], tested natively with `cargo test` in this
//! folder.

pub mod files;
pub mod report;

use nopitch::Classifier;
use wasm_bindgen::prelude::*;

use files::DroppedFile;

fn json<T: serde::Serialize>(value: &T) -> String {
    // The report types hold only strings, numbers and booleans: serialising cannot fail.
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// Decodes the pretrained model, so that the first verdict does not wait for it. Returns the
/// model's labels, number of features and fingerprint (JSON).
#[wasm_bindgen]
pub fn warm_up() -> String {
    let clf = Classifier::pretrained();
    json(&serde_json::json!({
        "labels": clf.labels(),
        "features": clf.n_features(),
        "fingerprint": format!("{:016x}", Classifier::pretrained_fingerprint()),
    }))
}

/// Sorts a made-up export of a few rows once, so that the browser compiles the code a sort
/// takes (it compiles WebAssembly functions when first called) while the page loads.
#[wasm_bindgen]
pub fn warm_up_sort() {
    report::warm_up();
}

/// The verdict on one text with the pretrained model (JSON of [`report::ClassifyReport`]).
#[wasm_bindgen]
pub fn classify(text: &str) -> String {
    json(&report::classify_report(text))
}

/// `text` as one CSV field, quoted as the downloaded CSVs quote: the page puts it where
/// [`report::REPLY_PLACEHOLDER`] stands.
#[wasm_bindgen]
pub fn csv_field(text: &str) -> String {
    report::csv_field(text)
}

/// The files of one export, added one by one, then triaged.
#[wasm_bindgen]
#[derive(Default)]
pub struct Export {
    files: Vec<DroppedFile>,
}

#[wasm_bindgen]
impl Export {
    /// No files yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Export {
        Export::default()
    }

    /// Adds a dropped file: a ZIP archive or a CSV.
    pub fn add(&mut self, name: String, bytes: Vec<u8>) {
        self.files.push(DroppedFile { name, bytes });
    }

    /// Triages the files added (and lets them go): JSON of [`report::Report`]. `me` names the
    /// export's owner when the export cannot tell.
    ///
    /// # Errors
    /// The message to show: no export file among them, a damaged ZIP, an unreadable header.
    pub fn triage(&mut self, me: Option<String>) -> Result<String, JsError> {
        let files = std::mem::take(&mut self.files);
        report::triage_report(files, me.as_deref())
            .map(|r| json(&r))
            .map_err(|e| JsError::new(&e))
    }
}
