//! Features and vocabulary: terms (stems, symbols, markers) and their n-grams, mapped to dense
//! feature ids, and the sparse counts of a message.
//!
//! A message's features are never a dense row: classification looks each n-gram up and adds its
//! weights as it goes, and training keeps `(feature, count)` pairs. The vocabulary also caches
//! "raw token → term", so a word seen in training is never stemmed again at classification time.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::{
    normalize_into, token_str, tokenize, Analyzer, NormalizedText, Token, WordStemmer,
};

/// Index of a term (a stem, symbol or marker) in a [`Vocabulary`].
pub(crate) type TermId = u32;
/// Index of a feature (an n-gram of terms) in a [`Vocabulary`].
pub(crate) type FeatureId = u32;

/// Marks "no term" in a term sequence: an unknown word, which breaks n-grams across it.
const UNKNOWN: TermId = TermId::MAX;
/// Marks "no unigram feature" for a term.
const NO_FEATURE: FeatureId = FeatureId::MAX;
/// The largest n-gram length accepted: longer n-grams only memorise phrases.
pub const MAX_NGRAM: usize = 5;

/// Which features a message has: n-grams of terms with `n` in `ngram_range`, kept when they
/// occur at least `min_count` times in the training data.
///
/// | Name | Default | Purpose | Range |
/// |---|---|---|---|
/// | `ngram_range` | `(1, 2)` | unigrams and bigrams | `1 ≤ min ≤ max ≤ 5` |
/// | `min_count` | `1` | drop rare n-grams at fit | `≥ 1` |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSettings {
    /// Smallest and largest n-gram length, inclusive.
    pub ngram_range: (usize, usize),
    /// Minimum total count in the training data for an n-gram to become a feature.
    pub min_count: u64,
}

impl Default for FeatureSettings {
    fn default() -> Self {
        FeatureSettings {
            ngram_range: (1, 2),
            min_count: 1,
        }
    }
}

impl FeatureSettings {
    /// Checks the ranges in the table above.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParameter`](crate::ErrorKind::InvalidParameter) naming the setting.
    pub fn check(&self) -> Result<()> {
        let (lo, hi) = self.ngram_range;
        if lo < 1 || hi < lo || hi > MAX_NGRAM {
            return Err(Error::invalid(
                "ngram_range",
                format!("({lo}, {hi})"),
                "(min, max) with 1 <= min <= max <= 5",
            ));
        }
        if self.min_count < 1 {
            return Err(Error::invalid("min_count", self.min_count, "at least 1"));
        }
        Ok(())
    }
}

/// One term: its stem (the key) and a readable form for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    /// The stem, symbol or marker.
    pub(crate) stem: Arc<str>,
    /// The lexicographically smallest raw token seen for it in training: a real word a person
    /// recognises ("priorities" rather than "prioriti"), chosen so that merging models agrees
    /// with training on the union of their data.
    pub(crate) surface: Box<str>,
}

/// Scratch buffers for turning a text into features; one per call keeps `&self` methods free of
/// locks, and reusing one across calls avoids allocation.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    normalized: NormalizedText,
    terms: Vec<TermId>,
}

/// Terms and n-gram features learned from training data.
///
/// Features are stored in one flat arena (`ngram_terms`, cut by `ngram_start`) rather than one
/// allocation each: a vocabulary has 100,000+ features, and building or loading one should not
/// mean 100,000 small allocations.
#[derive(Debug, Clone)]
pub(crate) struct Vocabulary {
    terms: Vec<Term>,
    /// Stem → term; the keys share their allocation with `terms`.
    term_index: FxHashMap<Arc<str>, TermId>,
    /// The stemming cache: raw (normalised) word → term.
    raw_index: FxHashMap<Box<str>, TermId>,
    /// Unigram feature of each term, or `NO_FEATURE`.
    unigram: Vec<FeatureId>,
    /// Bigram features, keyed by both term ids in one integer (the hot path after unigrams).
    bigram_index: FxHashMap<u64, FeatureId>,
    /// Features of length ≥ 3.
    ngram_index: FxHashMap<Box<[TermId]>, FeatureId>,
    /// The terms of every feature, concatenated in feature order.
    ngram_terms: Vec<TermId>,
    /// Where each feature's terms start in `ngram_terms`, plus the end: `len() + 1` entries.
    ngram_start: Vec<u32>,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            terms: Vec::new(),
            term_index: FxHashMap::default(),
            raw_index: FxHashMap::default(),
            unigram: Vec::new(),
            bigram_index: FxHashMap::default(),
            ngram_index: FxHashMap::default(),
            ngram_terms: Vec::new(),
            ngram_start: vec![0],
        }
    }
}

impl PartialEq for Vocabulary {
    fn eq(&self, other: &Self) -> bool {
        // The indexes are derived from these.
        self.terms == other.terms
            && self.ngram_terms == other.ngram_terms
            && self.ngram_start == other.ngram_start
            && self.raw_index == other.raw_index
    }
}

impl Vocabulary {
    /// Number of features.
    pub(crate) fn len(&self) -> usize {
        self.ngram_start.len() - 1
    }

    pub(crate) fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The terms of one feature.
    pub(crate) fn feature(&self, f: FeatureId) -> &[TermId] {
        let f = f as usize;
        &self.ngram_terms[self.ngram_start[f] as usize..self.ngram_start[f + 1] as usize]
    }

    /// The terms of every feature, in feature order.
    pub(crate) fn features(&self) -> impl Iterator<Item = &[TermId]> {
        self.ngram_start
            .windows(2)
            .map(|w| &self.ngram_terms[w[0] as usize..w[1] as usize])
    }

    pub(crate) fn raw_forms(&self) -> impl Iterator<Item = (&str, TermId)> {
        self.raw_index.iter().map(|(k, &v)| (&**k, v))
    }

    /// A feature as a person would read it: its terms' surface forms joined by spaces.
    pub(crate) fn feature_text(&self, feature: FeatureId) -> String {
        let mut out = String::new();
        for (i, &t) in self.feature(feature).iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&self.terms[t as usize].surface);
        }
        out
    }

    /// Whether some term is used by no feature.
    pub(crate) fn has_unused_terms(&self) -> bool {
        let mut used = vec![false; self.terms.len()];
        for &t in &self.ngram_terms {
            used[t as usize] = true;
        }
        used.contains(&false)
    }

    /// Whether any term of the feature is a punctuation mark.
    pub(crate) fn has_punctuation(&self, feature: FeatureId) -> bool {
        self.feature(feature).iter().any(|&t| {
            let stem = &self.terms[t as usize].stem;
            stem.chars().all(|c| c.is_ascii_punctuation())
        })
    }

    /// Rebuilds a vocabulary from its parts (used by model loading), checking every index.
    pub(crate) fn from_parts<'a>(
        terms: Vec<Term>,
        raw_forms: Vec<(Box<str>, TermId)>,
        features: impl ExactSizeIterator<Item = &'a [TermId]>,
        settings: &FeatureSettings,
    ) -> Result<Vocabulary> {
        let mut v = Vocabulary::default();
        v.reserve(terms.len(), features.len());
        for term in terms {
            if v.term_index.contains_key(&term.stem) {
                return Err(Error::format(format!("term {:?} appears twice", term.stem)));
            }
            v.term_index
                .insert(term.stem.clone(), v.terms.len() as TermId);
            v.terms.push(term);
            v.unigram.push(NO_FEATURE);
        }
        let n_terms = v.terms.len();
        v.raw_index.reserve(raw_forms.len());
        for (raw, t) in raw_forms {
            if t as usize >= n_terms {
                return Err(Error::format(format!(
                    "raw form {raw:?} points to missing term {t}"
                )));
            }
            v.raw_index.insert(raw, t);
        }
        let (lo, hi) = settings.ngram_range;
        for ngram in features {
            if ngram.len() < lo || ngram.len() > hi {
                return Err(Error::format(format!(
                    "a feature of {} terms is outside the n-gram range ({lo}, {hi})",
                    ngram.len()
                )));
            }
            if let Some(&t) = ngram.iter().find(|&&t| t as usize >= n_terms) {
                return Err(Error::format(format!(
                    "a feature points to missing term {t}"
                )));
            }
            if !v.insert_new_feature(ngram) {
                return Err(Error::format("a feature appears twice"));
            }
        }
        Ok(v)
    }

    /// Room for this many terms and features (counted from data already in memory).
    fn reserve(&mut self, terms: usize, features: usize) {
        self.terms.reserve(terms);
        self.term_index.reserve(terms);
        self.unigram.reserve(terms);
        self.bigram_index.reserve(features.saturating_sub(terms));
        self.ngram_start.reserve(features);
        self.ngram_terms.reserve(2 * features);
    }

    fn lookup_ngram(&self, ngram: &[TermId]) -> Option<FeatureId> {
        let id = match ngram {
            [t] => *self.unigram.get(*t as usize)?,
            [a, b] => *self.bigram_index.get(&bigram_key(*a, *b))?,
            _ => *self.ngram_index.get(ngram)?,
        };
        (id != NO_FEATURE).then_some(id)
    }

    fn insert_feature(&mut self, ngram: &[TermId]) -> FeatureId {
        let id = self.len() as FeatureId;
        match *ngram {
            [t] => self.unigram[t as usize] = id,
            [a, b] => {
                self.bigram_index.insert(bigram_key(a, b), id);
            }
            _ => {
                self.ngram_index.insert(ngram.into(), id);
            }
        }
        self.ngram_terms.extend_from_slice(ngram);
        self.ngram_start.push(self.ngram_terms.len() as u32);
        id
    }

    /// Inserts a feature unless it exists; whether it was inserted. One hash operation, for
    /// loading models.
    fn insert_new_feature(&mut self, ngram: &[TermId]) -> bool {
        let id = self.len() as FeatureId;
        let fresh = match *ngram {
            [t] => std::mem::replace(&mut self.unigram[t as usize], id) == NO_FEATURE,
            [a, b] => match self.bigram_index.entry(bigram_key(a, b)) {
                std::collections::hash_map::Entry::Occupied(_) => false,
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(id);
                    true
                }
            },
            _ => {
                self.lookup_ngram(ngram).is_none()
                    && self.ngram_index.insert(ngram.into(), id).is_none()
            }
        };
        if fresh {
            self.ngram_terms.extend_from_slice(ngram);
            self.ngram_start.push(self.ngram_terms.len() as u32);
        }
        fresh
    }

    fn intern_term(&mut self, stem: &str, raw: &str) -> TermId {
        if let Some(&t) = self.term_index.get(stem) {
            let term = &mut self.terms[t as usize];
            if raw < &*term.surface {
                term.surface = raw.into();
            }
            return t;
        }
        let t = self.terms.len() as TermId;
        self.term_index.insert(stem.into(), t);
        self.terms.push(Term {
            stem: stem.into(),
            surface: raw.into(),
        });
        self.unigram.push(NO_FEATURE);
        t
    }

    /// Calls `f` with every feature occurrence of `text` that the vocabulary knows, in order.
    /// Unknown words are skipped and break the n-grams that would span them.
    pub(crate) fn for_each_feature(
        &self,
        analyzer: &Analyzer,
        settings: &FeatureSettings,
        text: &str,
        scratch: &mut Scratch,
        mut f: impl FnMut(FeatureId),
    ) {
        let stemmer = WordStemmer::new(analyzer.language());
        normalize_into(text, &mut scratch.normalized);
        scratch.terms.clear();
        scratch.terms.reserve(text.len() / 4 + 4);
        let terms = &mut scratch.terms;
        tokenize(&scratch.normalized, |token| {
            let id = match &token {
                Token::Word(w) => match self.raw_index.get(&**w) {
                    Some(&t) => t,
                    None => self
                        .term_index
                        .get(&*stemmer.stem(w))
                        .copied()
                        .unwrap_or(UNKNOWN),
                },
                other => self
                    .term_index
                    .get(token_str(other))
                    .copied()
                    .unwrap_or(UNKNOWN),
            };
            terms.push(id);
        });
        let (lo, hi) = settings.ngram_range;
        for n in lo..=hi {
            for window in scratch.terms.windows(n) {
                if window.contains(&UNKNOWN) {
                    continue;
                }
                if let Some(id) = self.lookup_ngram(window) {
                    f(id);
                }
            }
        }
    }

    /// Like [`Vocabulary::for_each_feature`], but adds every term and n-gram that is new.
    ///
    /// With `fitting`, every raw word joins the stemming cache and may lower its term's surface
    /// form (training). Without it (`learn`), only words of new terms are cached and existing
    /// surfaces stay, so that `unlearn` can restore the vocabulary exactly.
    pub(crate) fn for_each_feature_growing(
        &mut self,
        analyzer: &Analyzer,
        settings: &FeatureSettings,
        text: &str,
        scratch: &mut Scratch,
        fitting: bool,
        mut f: impl FnMut(FeatureId),
    ) {
        let stemmer = WordStemmer::new(analyzer.language());
        normalize_into(text, &mut scratch.normalized);
        scratch.terms.clear();
        let terms = &mut scratch.terms;
        tokenize(&scratch.normalized, |token| {
            let id = match &token {
                Token::Word(w) => match self.raw_index.get(&**w) {
                    Some(&t) => t,
                    None => {
                        let stem = stemmer.stem(w);
                        let known = self.term_index.get(&*stem).copied();
                        match known {
                            Some(t) if !fitting => t,
                            _ => {
                                let t = self.intern_term(&stem, w);
                                self.raw_index.insert((**w).into(), t);
                                t
                            }
                        }
                    }
                },
                other => {
                    let s = token_str(other);
                    match self.term_index.get(s) {
                        Some(&t) => t,
                        None => self.intern_term(s, s),
                    }
                }
            };
            terms.push(id);
        });
        let (lo, hi) = settings.ngram_range;
        for n in lo..=hi {
            for i in 0..scratch.terms.len().saturating_sub(n - 1) {
                let window = &scratch.terms[i..i + n];
                let id = match self.lookup_ngram(window) {
                    Some(id) => id,
                    None => self.insert_feature(window),
                };
                f(id);
            }
        }
    }

    /// Keeps only the features for which `keep` is true, drops terms no feature uses, and puts
    /// terms and features in canonical order (terms by stem, features by length then terms), so
    /// that equal data gives equal vocabularies whatever order it came in.
    ///
    /// Returns, for each old feature id, its new id (or `None` if dropped).
    pub(crate) fn retain_canonical(
        &mut self,
        keep: impl Fn(FeatureId) -> bool,
    ) -> Vec<Option<FeatureId>> {
        let n_features = self.len();
        let kept_ids: Vec<FeatureId> = (0..n_features as FeatureId).filter(|&f| keep(f)).collect();
        // Which terms survive, and their new ids in stem order.
        let mut used = vec![false; self.terms.len()];
        for &f in &kept_ids {
            for &t in self.feature(f) {
                used[t as usize] = true;
            }
        }
        let mut term_order: Vec<TermId> = (0..self.terms.len() as TermId)
            .filter(|&t| used[t as usize])
            .collect();
        term_order.sort_unstable_by(|&a, &b| {
            self.terms[a as usize]
                .stem
                .cmp(&self.terms[b as usize].stem)
        });
        let mut new_term = vec![UNKNOWN; self.terms.len()];
        for (new, &old) in term_order.iter().enumerate() {
            new_term[old as usize] = new as TermId;
        }
        // Kept features with renumbered terms, then sorted by (length, terms).
        let mut renamed: Vec<TermId> = Vec::with_capacity(self.ngram_terms.len());
        let mut spans: Vec<(u32, u32, FeatureId)> = Vec::with_capacity(kept_ids.len());
        for &f in &kept_ids {
            let start = renamed.len() as u32;
            renamed.extend(self.feature(f).iter().map(|&t| new_term[t as usize]));
            spans.push((start, renamed.len() as u32, f));
        }
        let slice = |&(a, b, _): &(u32, u32, FeatureId)| &renamed[a as usize..b as usize];
        if spans
            .iter()
            .all(|span| slice(span).len() <= 2 && slice(span).iter().all(|&t| t < 1 << 31))
        {
            // Unigrams and bigrams (the default): one integer key per feature sorts fastest.
            let key = |span: &(u32, u32, FeatureId)| match *slice(span) {
                [t] => (1u64 << 62) | (t as u64) << 31,
                [a, b] => (2u64 << 62) | (a as u64) << 31 | b as u64,
                _ => 0,
            };
            spans.sort_unstable_by_key(key);
        } else {
            spans.sort_unstable_by(|x, y| {
                slice(x)
                    .len()
                    .cmp(&slice(y).len())
                    .then_with(|| slice(x).cmp(slice(y)))
            });
        }
        let mut remap = vec![None; n_features];
        for (new, &(_, _, old)) in spans.iter().enumerate() {
            remap[old as usize] = Some(new as FeatureId);
        }

        let old_terms = std::mem::take(&mut self.terms);
        let raw: Vec<(Box<str>, TermId)> = std::mem::take(&mut self.raw_index)
            .into_iter()
            .filter_map(|(raw, t)| {
                (new_term[t as usize] != UNKNOWN).then(|| (raw, new_term[t as usize]))
            })
            .collect();
        let mut v = Vocabulary::default();
        v.reserve(term_order.len(), spans.len());
        for &t in &term_order {
            let term = old_terms[t as usize].clone();
            v.term_index
                .insert(term.stem.clone(), v.terms.len() as TermId);
            v.terms.push(term);
            v.unigram.push(NO_FEATURE);
        }
        v.raw_index = raw.into_iter().collect();
        for span in &spans {
            v.insert_feature(slice(span));
        }
        *self = v;
        remap
    }

    /// Adds the terms and features of `other` that `self` lacks (surface forms take the smaller
    /// of the two), and returns, for each feature of `other`, its id in `self`.
    pub(crate) fn absorb(&mut self, other: &Vocabulary) -> Vec<FeatureId> {
        let mut term_map = Vec::with_capacity(other.terms.len());
        for term in &other.terms {
            term_map.push(self.intern_term(&term.stem, &term.surface));
        }
        for (raw, t) in other.raw_forms() {
            if !self.raw_index.contains_key(raw) {
                self.raw_index.insert(raw.into(), term_map[t as usize]);
            }
        }
        let mut mapped = Vec::new();
        other
            .features()
            .map(|ngram| {
                mapped.clear();
                mapped.extend(ngram.iter().map(|&t| term_map[t as usize]));
                match self.lookup_ngram(&mapped) {
                    Some(id) => id,
                    None => self.insert_feature(&mapped),
                }
            })
            .collect()
    }
}

fn bigram_key(a: TermId, b: TermId) -> u64 {
    (a as u64) << 32 | b as u64
}

/// Sparse feature counts of one message: `(feature id, count)` sorted by feature id.
pub(crate) type SparseCounts = Vec<(FeatureId, u32)>;

/// Turns a list of feature occurrences into sorted sparse counts.
pub(crate) fn to_sparse(mut occurrences: Vec<FeatureId>) -> SparseCounts {
    occurrences.sort_unstable();
    let mut out: SparseCounts = Vec::with_capacity(occurrences.len());
    for f in occurrences {
        match out.last_mut() {
            Some((last, n)) if *last == f => *n += 1,
            _ => out.push((f, 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grow(v: &mut Vocabulary, text: &str) -> Vec<String> {
        let mut scratch = Scratch::default();
        let mut ids = Vec::new();
        v.for_each_feature_growing(
            &Analyzer::default(),
            &FeatureSettings::default(),
            text,
            &mut scratch,
            true,
            |f| ids.push(f),
        );
        ids.iter().map(|&f| v.feature_text(f)).collect()
    }

    fn lookup(v: &Vocabulary, text: &str) -> Vec<String> {
        let mut scratch = Scratch::default();
        let mut ids = Vec::new();
        v.for_each_feature(
            &Analyzer::default(),
            &FeatureSettings::default(),
            text,
            &mut scratch,
            |f| ids.push(f),
        );
        ids.iter().map(|&f| v.feature_text(f)).collect()
    }

    #[test]
    fn unigrams_then_bigrams() {
        let mut v = Vocabulary::default();
        assert_eq!(
            grow(&mut v, "Save 15% now"),
            [
                "save",
                "<percent>",
                "now",
                "save <percent>",
                "<percent> now"
            ]
        );
    }

    #[test]
    fn unknown_words_break_ngrams() {
        let mut v = Vocabulary::default();
        grow(&mut v, "save money now");
        assert_eq!(lookup(&v, "save zebra now"), ["save", "now"]);
        assert_eq!(lookup(&v, "saving money"), ["save", "money", "save money"]);
    }

    #[test]
    fn surfaces_are_the_smallest_raw_form() {
        let mut v = Vocabulary::default();
        grow(&mut v, "IT priority");
        grow(&mut v, "IT priorities");
        assert_eq!(
            lookup(&v, "it priority"),
            ["it", "priorities", "it priorities"]
        );
    }

    #[test]
    fn canonical_order_ignores_input_order() {
        let mut a = Vocabulary::default();
        grow(&mut a, "alpha beta");
        grow(&mut a, "gamma delta");
        let mut b = Vocabulary::default();
        grow(&mut b, "gamma delta");
        grow(&mut b, "alpha beta");
        a.retain_canonical(|_| true);
        b.retain_canonical(|_| true);
        assert_eq!(a, b);
    }

    #[test]
    fn sparse_counts() {
        assert_eq!(to_sparse(vec![3, 1, 3, 2, 3]), vec![(1, 1), (2, 1), (3, 3)]);
    }

    #[test]
    fn settings_are_checked() {
        assert!(FeatureSettings {
            ngram_range: (0, 2),
            min_count: 1
        }
        .check()
        .is_err());
        assert!(FeatureSettings {
            ngram_range: (2, 1),
            min_count: 1
        }
        .check()
        .is_err());
        assert!(FeatureSettings {
            ngram_range: (1, 6),
            min_count: 1
        }
        .check()
        .is_err());
        assert!(FeatureSettings {
            ngram_range: (1, 1),
            min_count: 0
        }
        .check()
        .is_err());
        assert!(FeatureSettings::default().check().is_ok());
    }
}
