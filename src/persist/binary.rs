//! The compact binary model format.
//!
//! ```text
//! magic     8 bytes   "NOPITCH\x1a"
//! version   varint    format version (1)
//! header    varint n, then n bytes of JSON: {"settings", "temperature", "labels", "class_docs"}
//! terms     varint count, then per term: stem and surface, front-coded
//! raw_forms varint count, then per raw word (sorted): front-coded word, varint term index
//! features  varint count, then per feature: varint n, zigzag varint delta of its first term from
//!           the previous feature's first term, then n − 1 varint term indexes
//! counts    per feature: varint number of labels with a count, then (varint label, varint count)
//! checksum  8 bytes   FNV-1a 64 of everything before it, little-endian
//! ```
//!
//! Varints are LEB128 (7 bits a byte, low first). Front coding stores each string as the length
//! of the prefix it shares with the previous one plus the rest; the surface form is coded
//! against its own stem. Decoding never trusts a count: items are read one by one until the
//! count is reached or the bytes run out, so a huge count in a small file is an error, not an
//! allocation.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{ModelFile, Ngrams, RawList, Strings, TermList, MODEL_FORMAT, MODEL_VERSION};
use crate::classifier::Settings;
use crate::error::{Error, ErrorKind, Result};

/// The first bytes of every binary model file.
pub(super) const MAGIC: &[u8] = b"NOPITCH\x1a";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    settings: Settings,
    temperature: f64,
    labels: Vec<String>,
    class_docs: Vec<u64>,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn shared_prefix(a: &str, b: &str) -> usize {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Cut on a character boundary so both parts stay valid UTF-8.
    (0..=n)
        .rev()
        .find(|&i| a.is_char_boundary(i) && b.is_char_boundary(i))
        .unwrap_or(0)
}

fn put_front_coded(out: &mut Vec<u8>, previous: &str, s: &str) {
    let shared = shared_prefix(previous, s);
    put_varint(out, shared as u64);
    put_varint(out, (s.len() - shared) as u64);
    out.extend_from_slice(&s.as_bytes()[shared..]);
}

/// Encodes a model in the binary format.
pub(super) fn encode(file: &ModelFile) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 << 20);
    out.extend_from_slice(MAGIC);
    put_varint(&mut out, file.version as u64);
    let header = Header {
        settings: file.settings,
        temperature: file.temperature,
        labels: file.labels.clone(),
        class_docs: file.class_docs.clone(),
    };
    let json = serde_json::to_vec(&header).unwrap_or_default();
    put_varint(&mut out, json.len() as u64);
    out.extend_from_slice(&json);

    put_varint(&mut out, file.terms.stems.len() as u64);
    let mut previous: &str = "";
    for (stem, surface) in file.terms.stems.iter().zip(file.terms.surfaces.iter()) {
        put_front_coded(&mut out, previous, stem);
        put_front_coded(&mut out, stem, surface);
        previous = stem;
    }
    put_varint(&mut out, file.raw_forms.words.len() as u64);
    let mut previous: &str = "";
    for (raw, term) in file.raw_forms.words.iter().zip(&file.raw_forms.terms) {
        put_front_coded(&mut out, previous, raw);
        put_varint(&mut out, *term as u64);
        previous = raw;
    }
    put_varint(&mut out, file.features.len() as u64);
    let mut previous_first: i64 = 0;
    for ngram in file.features.iter() {
        put_varint(&mut out, ngram.len() as u64);
        let first = ngram.first().copied().unwrap_or(0) as i64;
        let delta = first - previous_first;
        put_varint(&mut out, ((delta << 1) ^ (delta >> 63)) as u64);
        previous_first = first;
        for &t in ngram.iter().skip(1) {
            put_varint(&mut out, t as u64);
        }
    }
    // Counts, grouped by feature (the triples are sorted by feature, then label).
    let mut triples = file.counts.chunks_exact(3).peekable();
    for f in 0..file.features.len() as u64 {
        let mut row = Vec::new();
        while let Some(t) = triples.next_if(|t| t[0] == f) {
            row.push((t[1], t[2]));
        }
        put_varint(&mut out, row.len() as u64);
        for (c, n) in row {
            put_varint(&mut out, c);
            put_varint(&mut out, n);
        }
    }
    let checksum = fnv1a(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    out
}

/// Reads the binary format, checking bounds at every step.
struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    fn truncated() -> Error {
        Error::format("truncated")
    }

    #[inline]
    fn varint(&mut self) -> Result<u64> {
        // Fast path: most numbers here fit in one byte.
        if let Some(&b) = self.bytes.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(b as u64);
            }
        }
        self.long_varint()
    }

    #[inline(never)]
    fn long_varint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.pos).ok_or_else(Self::truncated)?;
            self.pos += 1;
            if shift == 63 && b > 1 {
                return Err(Error::format("a number is too large"));
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(Error::format("a number is too large"))
    }

    /// A count of items that each take at least one byte: refused if the rest cannot hold it.
    #[inline]
    fn count(&mut self) -> Result<usize> {
        let n = self.varint()?;
        if n > (self.bytes.len() - self.pos) as u64 {
            return Err(Error::format(format!(
                "a count of {n} items is larger than the file"
            )));
        }
        Ok(n as usize)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(usize::try_from(n).map_err(|_| Self::truncated())?)
            .ok_or_else(Self::truncated)?;
        let s = self.bytes.get(self.pos..end).ok_or_else(Self::truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32> {
        u32::try_from(self.varint()?).map_err(|_| Error::format("an index is too large"))
    }

    /// A front-coded string: its prefix shared with `previous`, then the rest, into `out`.
    fn front_coded(&mut self, previous: &str, out: &mut String) -> Result<()> {
        let shared = self.varint()?;
        let len = self.varint()?;
        let prefix = usize::try_from(shared)
            .ok()
            .and_then(|k| previous.get(..k))
            .ok_or_else(|| Error::format("a string shares more than its predecessor has"))?;
        let rest = std::str::from_utf8(self.take(len)?)
            .map_err(|_| Error::format("a string is not UTF-8"))?;
        out.clear();
        out.push_str(prefix);
        out.push_str(rest);
        Ok(())
    }

    /// A front-coded string appended to `list`, coded against the last string of `list`.
    fn front_coded_into(&mut self, list: &mut Strings, buf: &mut String) -> Result<()> {
        self.front_coded(list.last(), buf)?;
        list.push(buf);
        Ok(())
    }
}

/// Bytes kept by a model: borrowed for the life of the program, or shared between clones.
#[derive(Debug, Clone)]
enum SharedBytes {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            SharedBytes::Static(bytes) => bytes,
            SharedBytes::Shared(bytes) => bytes,
        }
    }
}

/// The counts section of a binary model file, kept as it is: a model read from a file derives
/// its weights from it in one pass and rebuilds the `feature × label` table of counts only
/// when it needs it (to learn, merge, save or compare). Classifying never does, so the table
/// (2.6 MB for the pretrained model, a third of the memory its first call used to fault in) is
/// never built.
#[derive(Debug, Clone)]
pub(crate) struct EncodedCounts {
    bytes: SharedBytes,
    n_features: usize,
    n_classes: usize,
}

impl EncodedCounts {
    /// The number of cells of the table: features × labels.
    pub(crate) fn cells(&self) -> usize {
        self.n_features * self.n_classes
    }

    pub(crate) fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Calls `f` with each feature's counts (one per label), in feature order.
    ///
    /// # Errors
    /// A format error if a row names a missing label, repeats one or holds a zero, if the rows
    /// run out before the features do, or if bytes are left after them.
    pub(crate) fn for_each_row(&self, f: impl FnMut(&[u64])) -> Result<()> {
        self.for_each_row_of::<0>(f)
    }

    /// [`EncodedCounts::for_each_row`] for a model of `C` labels (0: any number), with the row
    /// in registers: loading a model reads 100,000s of rows.
    #[inline(always)]
    pub(crate) fn for_each_row_of<const C: usize>(&self, f: impl FnMut(&[u64])) -> Result<()> {
        if C == 0 || C != self.n_classes {
            self.rows(&mut vec![0; self.n_classes], f)
        } else {
            self.rows(&mut [0; C], f)
        }
    }

    #[inline(always)]
    fn rows(&self, row: &mut [u64], mut f: impl FnMut(&[u64])) -> Result<()> {
        let mut d = Decoder {
            bytes: &self.bytes,
            pos: 0,
        };
        let c_n = row.len() as u64;
        for _ in 0..self.n_features {
            row.iter_mut().for_each(|n| *n = 0);
            let k = d.count()?;
            let mut next_label = 0u64;
            for _ in 0..k {
                let c = d.varint()?;
                let n = d.varint()?;
                if c < next_label || c >= c_n || n == 0 {
                    return Err(Error::format(
                        "a count refers to a missing label, repeats one, or is zero",
                    ));
                }
                row[c as usize] = n;
                next_label = c + 1;
            }
            f(row);
        }
        if d.pos != d.bytes.len() {
            return Err(Error::format("unexpected bytes after the counts"));
        }
        Ok(())
    }

    /// The dense `feature × label` table. The rows were checked when the model was read
    /// ([`EncodedCounts::for_each_row`] succeeded then), so this cannot fail on the same bytes.
    pub(crate) fn table(&self) -> Vec<u64> {
        let mut table = Vec::with_capacity(self.cells());
        // Checked before; an error here would leave the table short, never out of bounds.
        let _ = self.for_each_row(|row| table.extend_from_slice(row));
        table.resize(self.cells(), 0);
        table
    }
}

/// Whether [`decode`] checks the file's checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checksum {
    /// Check it: any file from outside.
    Verify,
    /// Skip it: the crate's own pretrained model, compiled into the program and checked by its
    /// tests. The checksum is a serial pass over every byte (about a tenth of the decoding
    /// time); every other check still runs, so even a damaged file is refused, not trusted.
    Trust,
}

/// Decodes a binary model file into its content; validation of the content is the caller's
/// (the counts are validated as the model derives its weights from them, see [`EncodedCounts`]).
/// `static_bytes` is `bytes` when they live as long as the program (the pretrained model): the
/// counts then stay where they are instead of being copied.
pub(super) fn decode(
    bytes: &[u8],
    static_bytes: Option<&'static [u8]>,
    checksum: Checksum,
) -> Result<ModelFile> {
    let body_len = bytes
        .len()
        .checked_sub(8)
        .filter(|&n| n >= MAGIC.len())
        .ok_or_else(|| Error::format("truncated"))?;
    let (body, sum) = bytes.split_at(body_len);
    let mut d = Decoder {
        bytes: body,
        pos: MAGIC.len(),
    };
    let version = d.varint()?;
    if version != MODEL_VERSION as u64 {
        return Err(Error::new(ErrorKind::UnsupportedModelVersion {
            found: u32::try_from(version).unwrap_or(u32::MAX),
            supported: MODEL_VERSION,
        }));
    }
    let stored = u64::from_le_bytes(sum.try_into().map_err(|_| Error::format("truncated"))?);
    if checksum == Checksum::Verify && fnv1a(body) != stored {
        return Err(Error::format(
            "checksum mismatch: the file is corrupt or truncated",
        ));
    }
    let n = d.count()?;
    let header: Header = serde_json::from_slice(d.take(n as u64)?)
        .map_err(|e| Error::format(format!("header: {e}")))?;

    let mut terms = TermList::default();
    let mut buf = String::new();
    let n_terms = d.count()?;
    for _ in 0..n_terms {
        d.front_coded_into(&mut terms.stems, &mut buf)?;
        let stem = terms.stems.last();
        d.front_coded(stem, &mut buf)?;
        terms.surfaces.push(&buf);
    }
    let mut raw_forms = RawList::default();
    let n_raw = d.count()?;
    for _ in 0..n_raw {
        d.front_coded_into(&mut raw_forms.words, &mut buf)?;
        raw_forms.terms.push(d.u32()?);
    }
    let mut features = Ngrams::default();
    let n_features = d.count()?;
    // Room for them at once (a feature takes at least two bytes of the file, so a forged count
    // reserves no more than the file's size), and for two terms each, the usual bigram.
    let room = n_features.min(body.len() / 2);
    // One more end: the vocabulary puts a 0 in front of them and keeps the list.
    features.ends.reserve(room + 1);
    features.terms.reserve(2 * room);
    let mut previous_first: i64 = 0;
    for _ in 0..n_features {
        let n = d.count()?;
        if n == 0 || n > crate::features::MAX_NGRAM {
            return Err(Error::format(format!("a feature of {n} terms")));
        }
        let zigzag = d.varint()?;
        let delta = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
        let first = previous_first
            .checked_add(delta)
            .filter(|f| (0..=u32::MAX as i64).contains(f))
            .ok_or_else(|| Error::format("a term index is out of range"))?;
        previous_first = first;
        features.terms.push(first as u32);
        for _ in 1..n {
            features.terms.push(d.u32()?);
        }
        features.ends.push(features.terms.len() as u32);
    }
    // The counts stay encoded: the model reads them once to derive its weights (which checks
    // them) and again only if it changes or is saved.
    let section = d.pos..body.len();
    let counts_bytes = match static_bytes {
        Some(bytes) => SharedBytes::Static(bytes.get(section).unwrap_or_default()),
        None => SharedBytes::Shared(Arc::from(&body[section])),
    };
    let encoded = EncodedCounts {
        bytes: counts_bytes,
        n_features,
        n_classes: header.labels.len(),
    };
    Ok(ModelFile {
        format: MODEL_FORMAT.to_string(),
        version: MODEL_VERSION,
        settings: header.settings,
        temperature: header.temperature,
        labels: header.labels,
        class_docs: header.class_docs,
        terms,
        raw_forms,
        features,
        counts: Vec::new(),
        encoded_counts: Some(encoded),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut d = Decoder {
                bytes: &out,
                pos: 0,
            };
            assert_eq!(d.varint().unwrap(), v);
            assert_eq!(d.pos, out.len());
        }
        let mut d = Decoder {
            bytes: &[0xff; 11],
            pos: 0,
        };
        assert!(d.varint().is_err());
    }

    #[test]
    fn front_coding_keeps_utf8_whole() {
        assert_eq!(shared_prefix("café", "cafè"), 3);
        let mut out = Vec::new();
        put_front_coded(&mut out, "café", "cafè");
        let mut d = Decoder {
            bytes: &out,
            pos: 0,
        };
        let mut buf = String::new();
        d.front_coded("café", &mut buf).unwrap();
        assert_eq!(buf, "cafè");
    }

    #[test]
    fn a_huge_count_in_a_small_file_is_refused() {
        let mut out = Vec::new();
        put_varint(&mut out, 1 << 40);
        let mut d = Decoder {
            bytes: &out,
            pos: 0,
        };
        assert!(d.count().is_err());
    }
}
