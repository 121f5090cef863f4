//! Saving and loading classifiers, in two formats that hold the same content:
//!
//! - **binary** (the default for [`Classifier::save`] and [`Classifier::write_to`]): compact
//!   (front-coded strings, variable-length integers, sparse counts) and checksummed, so a flipped
//!   bit is detected; see [`binary`](self) for the layout. The pretrained model ships in it.
//! - **JSON** ([`Classifier::write_json_to`], or `save` to a path ending in `.json`): readable
//!   and diffable.
//!
//! Both are versioned and self-describing: every setting of the text pipeline and features is
//! stored with the counts, so a model can never be applied with the wrong tokenizer. Only integer
//! counts are stored (weights are derived on load), so a file cannot smuggle in NaN or infinite
//! weights. [`Classifier::read_from`] tells the formats apart by their first bytes.
//!
//! The JSON layout:
//!
//! ```json
//! {
//!   "format": "nopitch-model",
//!   "version": 1,
//!   "settings": { "language": "english", "features": {...}, "naive_bayes": {...}, ... },
//!   "temperature": 4.2,
//!   "labels": ["known-contact", "personal", "sales"],
//!   "class_docs": [890, 890, 907],
//!   "terms": [["prioriti", "priorities"], ...],       // [stem, readable surface form]
//!   "raw_forms": [["priorities", 17], ...],          // stemming cache: raw word → term index
//!   "features": [[17], [3, 17], ...],                // n-grams as term indexes
//!   "counts": [0, 2, 5, 1, 0, 3, ...]                // (feature, label, count) triples, sorted
//! }
//! ```
//!
//! Loading checks everything: the magic bytes, the version, the checksum (binary), every index,
//! ordering and uniqueness, that counts are positive and their totals fit, and every setting's
//! range. A truncated, corrupt, foreign or newer file is an error, never a panic, and nothing is
//! allocated in proportion to a number written in the file (only to what the file contains).

mod binary;

pub(crate) use binary::{Checksum, EncodedCounts};

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::classifier::{Classifier, Model, Settings};
use crate::error::{Error, ErrorKind, Result};
use crate::features::Vocabulary;
use crate::naive_bayes::NaiveBayes;
use crate::text::Analyzer;

/// The `format` field of every nopitch model file.
pub const MODEL_FORMAT: &str = "nopitch-model";
/// The format version this build writes and reads.
pub const MODEL_VERSION: u32 = 1;
/// Model files larger than this are refused before parsing (the pretrained model is ~1 MB).
pub const MAX_MODEL_BYTES: u64 = 1 << 30;

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// N-grams of term indexes in one flat list (one allocation, not one per feature), written
/// as a list of lists.
#[derive(Default)]
struct Ngrams {
    terms: Vec<u32>,
    /// Where each n-gram ends in `terms`.
    ends: Vec<u32>,
}

impl Ngrams {
    fn from_iter<'a>(ngrams: impl Iterator<Item = &'a [u32]>) -> Ngrams {
        let mut out = Ngrams::default();
        for ngram in ngrams {
            out.push(ngram);
        }
        out
    }

    fn push(&mut self, ngram: &[u32]) {
        self.terms.extend_from_slice(ngram);
        self.ends.push(self.terms.len() as u32);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> {
        (0..self.ends.len()).map(|i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
            &self.terms[start..self.ends[i] as usize]
        })
    }
}

impl Serialize for Ngrams {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Ngrams {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Ngrams, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Ngrams;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of n-grams (lists of term indexes)")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Ngrams, A::Error> {
                let mut out = Ngrams::default();
                while let Some(ngram) = seq.next_element::<Vec<u32>>()? {
                    out.push(&ngram);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

/// Strings in one arena (one allocation, not one per string).
#[derive(Default, Debug)]
struct Strings {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<u32>,
}

impl Strings {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text
            .get(start..self.ends[i] as usize)
            .unwrap_or_default()
    }

    fn last(&self) -> &str {
        self.ends.len().checked_sub(1).map_or("", |i| self.get(i))
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// The terms of a model file: `[stem, surface]` pairs.
#[derive(Default, Debug)]
struct TermList {
    stems: Strings,
    surfaces: Strings,
}

/// The stemming cache of a model file: `[raw word, term index]` pairs.
#[derive(Default, Debug)]
struct RawList {
    words: Strings,
    terms: Vec<u32>,
}

impl Serialize for TermList {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        ser.collect_seq(self.stems.iter().zip(self.surfaces.iter()))
    }
}

impl Serialize for RawList {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        ser.collect_seq(self.words.iter().zip(self.terms.iter()))
    }
}

impl<'de> Deserialize<'de> for TermList {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TermList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of [stem, surface] pairs")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<TermList, A::Error> {
                let mut out = TermList::default();
                while let Some((stem, surface)) = seq.next_element::<(String, String)>()? {
                    out.stems.push(&stem);
                    out.surfaces.push(&surface);
                }
                Ok(out)
            }
        }
        de.deserialize_seq(Visitor)
    }
}

impl<'de> Deserialize<'de> for RawList {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of [raw word, term index] pairs")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<RawList, A::Error> {
                let mut out = RawList::default();
                while let Some((word, term)) = seq.next_element::<(String, u32)>()? {
                    out.words.push(&word);
                    out.terms.push(term);
                }
                Ok(out)
            }
        }
        de.deserialize_seq(Visitor)
    }
}

/// The content of a model file, in either format.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    format: String,
    version: u32,
    settings: Settings,
    temperature: f64,
    labels: Vec<String>,
    class_docs: Vec<u64>,
    terms: TermList,
    raw_forms: RawList,
    features: Ngrams,
    /// (feature, label, count) triples, sorted (the JSON layout).
    counts: Vec<u64>,
    /// The same counts as the binary file holds them, when the binary decoder read the file: the
    /// model keeps them encoded (see [`binary::EncodedCounts`]).
    #[serde(skip)]
    encoded_counts: Option<binary::EncodedCounts>,
}

impl Classifier {
    /// Writes the model to `path` in the binary format (JSON if the path ends in `.json`),
    /// atomically: into a temporary file in the same directory,
    /// flushed to disk, then renamed over `path`. A crash or error never leaves a half-written
    /// model at `path`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] naming the path.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        let tmp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| -> Result<()> {
            let file = File::create(&tmp)?;
            let mut writer = BufWriter::new(file);
            let json = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if json {
                self.write_json_to(&mut writer)?;
            } else {
                self.write_to(&mut writer)?;
            }
            let file = writer.into_inner().map_err(|e| Error::io(e.into_error()))?;
            file.sync_all()?;
            fs::rename(&tmp, path)?;
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(|e| e.with_path(path))
    }

    /// Reads a model saved by [`Classifier::save`].
    ///
    /// # Errors
    /// [`ErrorKind::Io`] if the file cannot be read; [`ErrorKind::ModelFormat`] if it is not a
    /// valid nopitch model; [`ErrorKind::UnsupportedModelVersion`] if a newer nopitch wrote it.
    pub fn load(path: impl AsRef<Path>) -> Result<Classifier> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(e).with_path(path))?;
        Classifier::read_from(file).map_err(|e| e.with_path(path))
    }

    /// Writes the model in the compact binary format to any writer.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] if writing fails.
    pub fn write_to(&self, mut writer: impl Write) -> Result<()> {
        writer.write_all(&binary::encode(&self.model_file()))?;
        writer.flush()?;
        Ok(())
    }

    /// A stable 64-bit fingerprint of the model's contents: labels, vocabulary, counts,
    /// calibration and every setting. Equal models have equal fingerprints, on every platform and
    /// in every build that writes the same [`MODEL_VERSION`]; any change to the model changes it
    /// (with the odds of a 64-bit hash collision). It is the FNV-1a 64 checksum that ends the
    /// model's binary encoding ([`Classifier::write_to`]), so a binary model file's last 8 bytes
    /// are its fingerprint, little-endian.
    ///
    /// Use it to tell which model something was built from, e.g. that a personal model was
    /// learned on top of the pretrained model of an older release. It detects change, not
    /// tampering: it is not a cryptographic hash. Computing it encodes the model (about as long
    /// as a save, some milliseconds for the pretrained model).
    ///
    /// ```
    /// use nopitch::Classifier;
    /// let pretrained = Classifier::pretrained();
    /// let mut mine = pretrained.clone();
    /// assert_eq!(mine.fingerprint(), pretrained.fingerprint());
    /// mine.learn("Great working with you at Acme!", "known-contact")?;
    /// assert_ne!(mine.fingerprint(), pretrained.fingerprint());
    /// # Ok::<(), nopitch::Error>(())
    /// ```
    pub fn fingerprint(&self) -> u64 {
        let bytes = binary::encode(&self.model_file());
        let (_, checksum) = bytes.split_at(bytes.len() - 8);
        let mut le = [0u8; 8];
        le.copy_from_slice(checksum);
        u64::from_le_bytes(le)
    }

    /// Writes the model as JSON to any writer.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] if writing fails.
    pub fn write_json_to(&self, mut writer: impl Write) -> Result<()> {
        serde_json::to_writer(&mut writer, &self.model_file()).map_err(|e| {
            match e.io_error_kind() {
                Some(kind) => Error::io(std::io::Error::new(kind, e.to_string())),
                None => Error::format(e.to_string()),
            }
        })?;
        writer.flush()?;
        Ok(())
    }

    fn model_file(&self) -> ModelFile {
        let model = &*self.inner;
        let c_n = model.labels.len();
        let mut counts = Vec::new();
        for (f, row) in model.nb.counts().chunks_exact(c_n).enumerate() {
            for (c, &n) in row.iter().enumerate() {
                if n > 0 {
                    counts.extend_from_slice(&[f as u64, c as u64, n]);
                }
            }
        }
        let mut raw: Vec<(Box<str>, u32)> = Vec::new();
        model
            .vocabulary
            .for_each_raw_form(|r, t| raw.push((r.into(), t)));
        raw.sort();
        let mut raw_forms = RawList::default();
        for (word, term) in &raw {
            raw_forms.words.push(word);
            raw_forms.terms.push(*term);
        }
        let mut terms = TermList::default();
        for (stem, surface) in model.vocabulary.term_pairs() {
            terms.stems.push(stem);
            terms.surfaces.push(surface);
        }
        ModelFile {
            format: MODEL_FORMAT.to_string(),
            version: MODEL_VERSION,
            settings: model.settings,
            temperature: model.temperature,
            labels: model.labels.clone(),
            class_docs: model.nb.class_docs().to_vec(),
            terms,
            raw_forms,
            features: Ngrams::from_iter(model.vocabulary.features()),
            counts,
            encoded_counts: None,
        }
    }

    /// Reads a model written by [`Classifier::write_to`] from any reader.
    ///
    /// # Errors
    /// As [`Classifier::load`].
    pub fn read_from(reader: impl Read) -> Result<Classifier> {
        let mut bytes = Vec::new();
        reader.take(MAX_MODEL_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_MODEL_BYTES {
            return Err(Error::format(format!(
                "larger than {MAX_MODEL_BYTES} bytes"
            )));
        }
        Classifier::from_bytes(&bytes)
    }

    /// Reads a model from bytes in either format.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Classifier> {
        Classifier::decode(bytes, Checksum::Verify)
    }

    /// Reads a model from bytes in either format, checking a binary file's checksum or not.
    pub(crate) fn decode(bytes: &[u8], checksum: Checksum) -> Result<Classifier> {
        Classifier::decode_from(bytes, None, checksum)
    }

    /// [`Classifier::decode`] of bytes that live as long as the program (the pretrained model),
    /// which the model can then keep without copying them.
    pub(crate) fn decode_static(bytes: &'static [u8], checksum: Checksum) -> Result<Classifier> {
        Classifier::decode_from(bytes, Some(bytes), checksum)
    }

    fn decode_from(
        bytes: &[u8],
        static_bytes: Option<&'static [u8]>,
        checksum: Checksum,
    ) -> Result<Classifier> {
        let file = if bytes.starts_with(binary::MAGIC) {
            binary::decode(bytes, static_bytes, checksum)?
        } else {
            json_file(bytes)?
        };
        model_from_file(file, bytes.len()).map(|model| Classifier {
            inner: Arc::new(model),
        })
    }
}

fn json_file(bytes: &[u8]) -> Result<ModelFile> {
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|e| Error::format(format!("not a nopitch model file ({e})")))?;
    if header.format.as_deref() != Some(MODEL_FORMAT) {
        return Err(Error::format(
            "not a nopitch model file (no \"format\": \"nopitch-model\")",
        ));
    }
    match header.version {
        Some(MODEL_VERSION) => {}
        Some(found) => {
            return Err(Error::new(ErrorKind::UnsupportedModelVersion {
                found,
                supported: MODEL_VERSION,
            }));
        }
        None => return Err(Error::format("no format version")),
    }
    serde_json::from_slice(bytes).map_err(|e| Error::format(e.to_string()))
}

/// Cells of a model's `feature × label` tables allowed per byte of its file. Real models use a
/// handful (the pretrained one: 322,137 cells in 1.07 MB); a crafted file that names many labels
/// and many features in few bytes would otherwise make loading allocate far more than it holds.
pub(crate) const CELLS_PER_FILE_BYTE: usize = 64;
/// The most cells any model may have (about 2 GiB of counts and weights together).
pub(crate) const MAX_CELLS: usize = 1 << 27;

/// The size of a `features × labels` table, refused if it is out of proportion to the file.
fn table_size(n_features: usize, n_labels: usize, file_len: usize) -> Result<usize> {
    n_features
        .checked_mul(n_labels)
        .filter(|&cells| cells <= MAX_CELLS && cells <= CELLS_PER_FILE_BYTE.saturating_mul(file_len))
        .ok_or_else(|| {
            Error::format(format!(
                "{n_features} features × {n_labels} labels is out of proportion to a file of {file_len} bytes"
            ))
        })
}

fn model_from_file(file: ModelFile, file_len: usize) -> Result<Model> {
    let settings = file.settings;
    settings
        .check()
        .map_err(|e| Error::format(format!("invalid settings: {e}")))?;
    if !(file.temperature.is_finite() && file.temperature > 0.0) {
        return Err(Error::format(format!(
            "temperature {} is not a positive number",
            file.temperature
        )));
    }
    let c_n = file.labels.len();
    if c_n < 2 {
        return Err(Error::format("fewer than two labels"));
    }
    if file.labels.iter().any(|l| l.trim().is_empty()) {
        return Err(Error::format("an empty label"));
    }
    if file.labels.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::format("labels are not sorted and unique"));
    }
    if file.class_docs.len() != c_n {
        return Err(Error::format(format!(
            "{} class counts for {c_n} labels",
            file.class_docs.len()
        )));
    }
    if file.raw_forms.terms.len() != file.raw_forms.words.len()
        || file.terms.stems.len() != file.terms.surfaces.len()
    {
        return Err(Error::format("terms or raw forms are not pairs"));
    }
    let vocabulary = Vocabulary::from_parts(
        file.terms.stems.iter().zip(file.terms.surfaces.iter()),
        file.raw_forms
            .words
            .iter()
            .zip(file.raw_forms.terms.iter().copied()),
        file.features.terms,
        file.features.ends,
        &settings.features,
    )?;
    let n_features = vocabulary.len();
    let size = table_size(n_features, c_n, file_len)?;
    let nb = match file.encoded_counts {
        Some(encoded) if encoded.cells() == size && encoded.n_classes() == c_n => {
            NaiveBayes::from_encoded_counts(settings.naive_bayes, encoded, file.class_docs)?
        }
        Some(_) => {
            return Err(Error::format(
                "the counts do not match the features and labels",
            ))
        }
        None => {
            let counts = dense_from_triples(&file.counts, n_features, c_n)?;
            if counts
                .chunks_exact(c_n)
                .any(|row| row.iter().all(|&n| n == 0))
            {
                return Err(Error::format("a feature has no counts"));
            }
            NaiveBayes::from_counts(settings.naive_bayes, c_n, counts, file.class_docs)?
        }
    };
    Ok(Model {
        analyzer: Analyzer::new(settings.language),
        settings,
        labels: file.labels,
        vocabulary,
        nb,
        temperature: file.temperature,
    })
}

/// The dense `feature × label` counts of sorted (feature, label, count) triples.
fn dense_from_triples(triples: &[u64], n_features: usize, c_n: usize) -> Result<Vec<u64>> {
    if triples.len() % 3 != 0 {
        return Err(Error::format(
            "counts are not (feature, label, count) triples",
        ));
    }
    let mut counts = vec![0u64; n_features * c_n];
    let mut last: Option<(u64, u64)> = None;
    for triple in triples.chunks_exact(3) {
        let (f, c, n) = (triple[0], triple[1], triple[2]);
        if f >= n_features as u64 || c >= c_n as u64 {
            return Err(Error::format(format!(
                "a count refers to feature {f} or label {c}, which do not exist"
            )));
        }
        if n == 0 {
            return Err(Error::format("a stored count is zero"));
        }
        if last.is_some_and(|l| l >= (f, c)) {
            return Err(Error::format("counts are not sorted and unique"));
        }
        last = Some((f, c));
        counts[f as usize * c_n + c as usize] = n;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Example, Trainer};

    fn small() -> Classifier {
        let ex = vec![
            Example::new("Save 15% on your SAP licensing", "sales"),
            Example::new("Book a demo of our cloud tool", "sales"),
            Example::new("Great working with you at Acme", "known-contact"),
            Example::new("We studied together at State U", "known-contact"),
        ];
        Trainer::new().calibration_folds(0).fit(&ex).unwrap()
    }

    fn json(c: &Classifier) -> String {
        let mut out = Vec::new();
        c.write_json_to(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn binary(c: &Classifier) -> Vec<u8> {
        let mut out = Vec::new();
        c.write_to(&mut out).unwrap();
        out
    }

    #[test]
    fn binary_round_trip_is_identical_and_smaller() {
        let c = small();
        let b = binary(&c);
        assert!(b.starts_with(binary::MAGIC));
        assert_eq!(Classifier::read_from(b.as_slice()).unwrap(), c);
        assert!(
            b.len() < json(&c).len(),
            "{} vs {}",
            b.len(),
            json(&c).len()
        );
    }

    #[test]
    fn a_read_model_builds_its_counts_only_when_it_changes() {
        let original = small();
        let mut read = Classifier::read_from(binary(&original).as_slice()).unwrap();
        assert!(!read.inner.nb.has_count_table());
        // Classifying, explaining and naming the features read the weights and the vocabulary.
        let note = "Save 15% on a demo, great working with you";
        assert!(!read.classify(note).evidence(note, 3).is_empty());
        assert_eq!(read.n_features(), original.n_features());
        assert_eq!(read.feature_names(), original.feature_names());
        assert!(!read.inner.nb.has_count_table());
        // Comparing and saving rebuild the table (kept for the next read); the model still does
        // not hold it as its own.
        assert_eq!(read, original);
        assert!(read.inner.nb.has_count_table());
        assert!(!read.inner.nb.holds_counts());
        assert_eq!(binary(&read), binary(&original));
        // Changing it builds the table, the same one the original holds.
        let mut changed = original.clone();
        for clf in [&mut read, &mut changed] {
            clf.learn("Our cloud tool saves 20% on licensing", "sales")
                .unwrap();
            clf.learn("Hi cousin, see you at the wedding", "personal")
                .unwrap();
            clf.unlearn("Book a demo of our cloud tool", "sales")
                .unwrap();
            clf.merge(&original).unwrap();
        }
        assert!(read.inner.nb.holds_counts());
        // A read model merged into another gives its counts as the original would.
        let other = Classifier::read_from(binary(&original).as_slice()).unwrap();
        let (mut a, mut b) = (changed.clone(), changed.clone());
        a.merge(&other).unwrap();
        b.merge(&original).unwrap();
        assert!(!other.inner.nb.holds_counts());
        assert_eq!(a, b);
        assert_eq!(read, changed);
        assert_eq!(binary(&read), binary(&changed));
        for text in [
            "Save 20% on a demo",
            "Hi cousin",
            "Great working with you",
            "",
        ] {
            let (p, q) = (read.classify(text), changed.classify(text));
            assert_eq!(p.label(), q.label());
            assert_eq!(
                p.probabilities().collect::<Vec<_>>(),
                q.probabilities().collect::<Vec<_>>()
            );
        }
        // The pretrained model too: a clone learns from the counts compiled into the program.
        let mut pretrained = Classifier::pretrained();
        let mut reread = Classifier::read_from(binary(&pretrained).as_slice()).unwrap();
        for clf in [&mut pretrained, &mut reread] {
            clf.learn(
                "We met at the Lisbon meetup and talked about Rust",
                "known-contact",
            )
            .unwrap();
        }
        assert_eq!(pretrained, reread);
    }

    /// Frequent features have their weights kept apart (escaped rows). A model read from its
    /// bytes scores notes bit for bit as the model it was written from, whether the rows' places
    /// fit in their weight codes (3 labels) or not (2 labels and more than 256 such rows).
    #[test]
    fn escaped_rows_survive_the_round_trip() {
        for labels in [&["a", "b"][..], &["a", "b", "c"]] {
            // 300 words, each seen 300 times under the first label (and each of their 300
            // bigrams 285 times): about 600 escaped rows.
            let mut ex: Vec<Example> = (0..4500)
                .map(|i| {
                    let words: Vec<String> = (0..20)
                        .map(|k| format!("w{}", (i * 20 + k) % 300))
                        .collect();
                    Example::new(words.join(" "), labels[0])
                })
                .collect();
            for (j, label) in labels.iter().enumerate().skip(1) {
                ex.extend((0..50).map(|i| Example::new(format!("v{j} x{i} w{i}"), *label)));
            }
            let original = Trainer::new().calibration_folds(0).fit(&ex).unwrap();
            let read = Classifier::read_from(binary(&original).as_slice()).unwrap();
            for clf in [&original, &read] {
                assert_eq!(clf.inner.nb.escaped_in_codes(), labels.len() == 3);
            }
            for text in [
                "w1 w2 w3",
                "v1 x3 w7 w299",
                "nothing known",
                "w5 w5 w5 v2",
                "",
            ] {
                let (p, q) = (original.classify(text), read.classify(text));
                let bits = |p: &crate::Prediction| -> Vec<u64> {
                    p.probabilities().map(|(_, x)| x.to_bits()).collect()
                };
                assert_eq!((p.label(), bits(&p)), (q.label(), bits(&q)), "{text}");
            }
        }
    }

    #[test]
    fn a_trusted_decode_skips_only_the_checksum() {
        let c = small();
        let mut b = binary(&c);
        let last = b.len() - 1;
        b[last] ^= 1;
        assert!(Classifier::decode(&b, Checksum::Verify).is_err());
        assert_eq!(Classifier::decode(&b, Checksum::Trust).unwrap(), c);
        // Everything else is still checked: a cut or damaged body is refused, never trusted.
        let body = &b[..b.len() - 8];
        for cut in (binary::MAGIC.len()..body.len()).step_by(7) {
            let mut damaged = body[..cut].to_vec();
            damaged.extend_from_slice(&b[b.len() - 8..]);
            assert!(
                Classifier::decode(&damaged, Checksum::Trust).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn many_labels_and_features_in_a_small_file_are_refused_before_allocating() {
        // 3,000 labels × 5,000 features would be 15 million cells from a file of ~100 KB.
        let labels: Vec<String> = (0..3000).map(|i| format!("l{i:05}")).collect();
        let mut features = Ngrams::default();
        let mut terms = TermList::default();
        for i in 0..5000 {
            terms.stems.push(&format!("t{i:05}"));
            terms.surfaces.push(&format!("t{i:05}"));
        }
        for t in 0..5000u32 {
            features.push(&[t]);
        }
        let file = ModelFile {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            settings: crate::Settings::default(),
            temperature: 1.0,
            class_docs: vec![1; labels.len()],
            labels,
            terms,
            raw_forms: RawList::default(),
            features,
            counts: Vec::new(),
            encoded_counts: None,
        };
        let bytes = binary::encode(&file);
        assert!(bytes.len() < 200_000, "{}", bytes.len());
        let e = Classifier::read_from(bytes.as_slice()).unwrap_err();
        assert!(e.to_string().contains("out of proportion"), "{e}");
        let mut json = Vec::new();
        serde_json::to_writer(&mut json, &file).unwrap();
        let e = Classifier::read_from(json.as_slice()).unwrap_err();
        assert!(e.to_string().contains("out of proportion"), "{e}");
    }

    #[test]
    fn binary_damage_is_detected() {
        let b = binary(&small());
        for cut in [0, 4, 8, 9, b.len() / 2, b.len() - 1] {
            let e = Classifier::read_from(&b[..cut]).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::ModelFormat { .. }),
                "{cut}: {e}"
            );
        }
        for i in (binary::MAGIC.len() + 1..b.len()).step_by(3) {
            let mut bad = b.clone();
            bad[i] ^= 0x10;
            let e = Classifier::read_from(bad.as_slice()).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::ModelFormat { .. }),
                "byte {i}: {e}"
            );
        }
        let mut newer = b.clone();
        newer[binary::MAGIC.len()] = 2;
        let e = Classifier::read_from(newer.as_slice()).unwrap_err();
        assert!(
            matches!(
                e.kind(),
                ErrorKind::UnsupportedModelVersion { found: 2, .. }
            ),
            "{e}"
        );
    }

    #[test]
    fn fingerprint_follows_the_contents() {
        let c = small();
        let f = c.fingerprint();
        // Stable: the same for a clone, a reloaded copy and both formats' round trips.
        assert_eq!(c.clone().fingerprint(), f);
        assert_eq!(
            Classifier::read_from(binary(&c).as_slice())
                .unwrap()
                .fingerprint(),
            f
        );
        assert_eq!(
            Classifier::read_from(json(&c).as_bytes())
                .unwrap()
                .fingerprint(),
            f
        );
        // It is the checksum that ends the binary encoding.
        let b = binary(&c);
        assert_eq!(b[b.len() - 8..], f.to_le_bytes());
        // Any change changes it; undoing the change restores it.
        let mut learned = c.clone();
        learned
            .learn("Save 15% on your cloud bill", "sales")
            .unwrap();
        assert_ne!(learned.fingerprint(), f);
        learned
            .unlearn("Save 15% on your cloud bill", "sales")
            .unwrap();
        assert_eq!(learned, c);
        assert_eq!(learned.fingerprint(), f);
        let other = Trainer::new()
            .calibration_folds(0)
            .alpha(0.5)
            .fit(&[
                Example::new("Save 15% on your SAP licensing", "sales"),
                Example::new("Book a demo of our cloud tool", "sales"),
                Example::new("Great working with you at Acme", "known-contact"),
                Example::new("We studied together at State U", "known-contact"),
            ])
            .unwrap();
        assert_ne!(other.fingerprint(), f, "a setting alone changes it");
    }

    #[test]
    fn round_trip_is_identical() {
        let c = small();
        let back = Classifier::read_from(json(&c).as_bytes()).unwrap();
        assert_eq!(back, c);
        assert_eq!(json(&back), json(&c));
    }

    #[test]
    fn truncated_files_are_refused() {
        let s = json(&small());
        for cut in [0, 1, 10, s.len() / 2, s.len() - 1] {
            let e = Classifier::read_from(&s.as_bytes()[..cut]).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::ModelFormat { .. }),
                "{cut}: {e}"
            );
        }
    }

    #[test]
    fn foreign_and_newer_files_are_refused() {
        let e = Classifier::read_from(&b"{\"hello\": 1}"[..]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::ModelFormat { .. }), "{e}");
        let newer = json(&small()).replace("\"version\":1", "\"version\":2");
        let e = Classifier::read_from(newer.as_bytes()).unwrap_err();
        assert!(
            matches!(
                e.kind(),
                ErrorKind::UnsupportedModelVersion {
                    found: 2,
                    supported: 1
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn inconsistent_files_are_refused() {
        let s = json(&small());
        for (from, to) in [
            ("\"temperature\":1.0", "\"temperature\":-1.0"),
            ("\"known-contact\",\"sales\"", "\"sales\",\"known-contact\""),
            ("\"class_docs\":[2,2]", "\"class_docs\":[2]"),
            ("\"alpha\":0.1", "\"alpha\":0.0"),
        ] {
            assert!(s.contains(from), "{from} not in {s}");
            let bad = s.replace(from, to);
            let e = Classifier::read_from(bad.as_bytes()).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::ModelFormat { .. }),
                "{from}: {e}"
            );
        }
        // A count pointing past the features.
        let bad = s.replacen("\"counts\":[0,", "\"counts\":[999999,", 1);
        assert!(Classifier::read_from(bad.as_bytes()).is_err());
    }

    #[test]
    fn save_is_atomic_and_leaves_no_temporary_files() {
        let dir = std::env::temp_dir().join(format!("nopitch-persist-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("model.json");
        let binary_path = dir.join("model.nopitch");
        let c = small();
        c.save(&path).unwrap();
        assert_eq!(Classifier::load(&path).unwrap(), c);
        assert!(fs::read(&path).unwrap().starts_with(b"{"));
        c.save(&binary_path).unwrap();
        assert_eq!(Classifier::load(&binary_path).unwrap(), c);
        assert!(fs::read(&binary_path).unwrap().starts_with(binary::MAGIC));
        fs::remove_file(&binary_path).unwrap();
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name() != "model.json")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // Saving into a missing directory fails with the path named and leaves nothing behind.
        let e = c.save(dir.join("missing").join("model.json")).unwrap_err();
        assert!(e.is_io_error() && e.to_string().contains("missing"), "{e}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
