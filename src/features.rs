//! Features and vocabulary: terms (stems, symbols, markers) and their n-grams, mapped to dense
//! feature ids, and the sparse counts of a message.
//!
//! A message's features are never a dense row: classification looks each n-gram up and adds its
//! weights as it goes, and training keeps `(feature, count)` pairs. The vocabulary also caches
//! "raw token → term", so a word seen in training is never stemmed again at classification time.

use std::ops::Range;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lookup::{BigramTable, PairMap, StrMap};
use crate::text::normalize::{normalize_with_sources, SourceMap, SourceSpans};
use crate::text::tokenize::{tokenize_into, TokenSink};
use crate::text::{
    normalize_into, token_str, tokenize, Analyzer, Marker, NormalizedText, StemPrefixes, Token,
    WordStemmer,
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

/// Where one term's stem and surface form are in [`Vocabulary`]'s text arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TermText {
    stem: (u32, u32),
    /// The lexicographically smallest raw token seen for it in training: a real word a person
    /// recognises ("priorities" rather than "prioriti"), chosen so that merging models agrees
    /// with training on the union of their data.
    surface: (u32, u32),
}

/// Scratch buffers for turning a text into features; one per call keeps `&self` methods free of
/// locks, and their inline parts hold a usual note without allocating.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    normalized: NormalizedText,
    terms: TermBuffer,
}

/// The terms of a text in order: the first [`INLINE_TERMS`] inline (a note has a few dozen),
/// the whole list on the heap once it is longer.
#[derive(Debug)]
struct TermBuffer {
    inline: [TermId; INLINE_TERMS],
    len: usize,
    /// Every term, once there are more than fit inline; empty otherwise.
    heap: Vec<TermId>,
}

const INLINE_TERMS: usize = 160;

impl Default for TermBuffer {
    fn default() -> Self {
        TermBuffer {
            inline: [UNKNOWN; INLINE_TERMS],
            len: 0,
            heap: Vec::new(),
        }
    }
}

impl TermBuffer {
    fn clear(&mut self) {
        self.len = 0;
        self.heap.clear();
    }

    #[inline(always)]
    fn push(&mut self, t: TermId) {
        if self.heap.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = t;
                self.len += 1;
                return;
            }
            self.heap.reserve(2 * INLINE_TERMS);
            self.heap.extend_from_slice(&self.inline);
        }
        self.heap.push(t);
    }
}

impl std::ops::Deref for TermBuffer {
    type Target = [TermId];

    fn deref(&self) -> &[TermId] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
}

/// Terms and n-gram features learned from training data.
///
/// Everything is stored flat: the terms' strings in one arena, the features' terms in another
/// (`ngram_terms`, cut by `ngram_start`), words in [`StrMap`]s that keep keys inside their slots,
/// and the bigrams of a canonical vocabulary in a [`BigramTable`] of packed 8-byte slots (one
/// probe per lookup). A vocabulary has 100,000+ features; building, loading or querying one
/// should not mean 100,000 small allocations, a table of pointers to chase, or a cache miss per
/// key comparison.
#[derive(Debug, Clone)]
pub(crate) struct Vocabulary {
    /// The stems and surface forms of the terms, concatenated.
    text: String,
    terms: Vec<TermText>,
    /// Stem → term.
    term_index: StrMap,
    /// The terms of one-byte symbols (by byte) and of markers (at 128 + [`Marker::index`]), or
    /// `UNKNOWN`: a note's punctuation and markers are looked up without hashing.
    symbol_terms: [TermId; SYMBOL_SLOTS],
    /// The stemming cache: raw (normalised) word → term.
    raw_index: StrMap,
    /// The terms' stems' prefixes: most words missing from the stemming cache are proved
    /// unknown by this, without being stemmed.
    stem_prefixes: StemPrefixes,
    /// Unigram feature of each term, or `NO_FEATURE`.
    unigram: Vec<FeatureId>,
    /// Whether every term's unigram is the feature of the same number, as in a canonical
    /// vocabulary (unigrams first, in term order, and a kept bigram's terms always kept): then
    /// a word's feature is known without reading `unigram`.
    unigram_is_term: bool,
    /// The bigrams of a canonical vocabulary, features `bigram_base..bigram_base + n` in
    /// increasing (first, second) order, by their place in that block: one hash probe, usually
    /// one cache line, per lookup. Empty while training.
    bigram_base: FeatureId,
    bigram_block: BigramTable,
    /// Bigrams outside the block: all of them while training (or in a vocabulary too large for
    /// a [`BigramTable`]), those added by `learn`.
    bigram_index: PairMap,
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
            text: String::new(),
            terms: Vec::new(),
            term_index: StrMap::default(),
            symbol_terms: [UNKNOWN; SYMBOL_SLOTS],
            raw_index: StrMap::default(),
            stem_prefixes: StemPrefixes::default(),
            unigram: Vec::new(),
            unigram_is_term: false,
            bigram_base: 0,
            bigram_block: BigramTable::default(),
            bigram_index: PairMap::default(),
            ngram_index: FxHashMap::default(),
            ngram_terms: Vec::new(),
            ngram_start: vec![0],
        }
    }
}

impl PartialEq for Vocabulary {
    fn eq(&self, other: &Self) -> bool {
        // The indexes are derived from these.
        self.terms.len() == other.terms.len()
            && self.term_pairs().eq(other.term_pairs())
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

    fn arena(&self, (start, end): (u32, u32)) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// The stem (or symbol, or marker) of a term.
    pub(crate) fn stem(&self, t: TermId) -> &str {
        self.arena(self.terms[t as usize].stem)
    }

    /// A term's readable form: the smallest raw word seen for it.
    pub(crate) fn surface(&self, t: TermId) -> &str {
        self.arena(self.terms[t as usize].surface)
    }

    /// Every term as `(stem, surface)`, in term order.
    pub(crate) fn term_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.terms
            .iter()
            .map(|t| (self.arena(t.stem), self.arena(t.surface)))
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

    /// Calls `f` with every entry of the stemming cache: raw word and its term.
    pub(crate) fn for_each_raw_form(&self, f: impl FnMut(&str, TermId)) {
        self.raw_index.for_each(f)
    }

    /// A feature as a person would read it: its terms' surface forms joined by spaces.
    pub(crate) fn feature_text(&self, feature: FeatureId) -> String {
        let mut out = String::new();
        for (i, &t) in self.feature(feature).iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(self.surface(t));
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
        self.feature(feature)
            .iter()
            .any(|&t| self.stem(t).chars().all(|c| c.is_ascii_punctuation()))
    }

    /// Appends a term (not yet in the vocabulary) and returns its id.
    fn push_term(&mut self, stem: &str, surface: &str) -> TermId {
        let t = self.terms.len() as TermId;
        if let Some(slot) = symbol_slot(stem) {
            self.symbol_terms[slot] = t;
        }
        let stem = self.push_text(stem);
        let surface = self.push_text(surface);
        self.terms.push(TermText { stem, surface });
        self.unigram.push(NO_FEATURE);
        self.unigram_is_term = false;
        if self.stem_prefixes.is_full() {
            let mut prefixes = StemPrefixes::with_room(2 * self.terms.len());
            for t in 0..self.terms.len() as TermId {
                prefixes.insert(self.stem(t));
            }
            self.stem_prefixes = prefixes;
        } else {
            let (start, end) = stem;
            let stem = self.text.get(start as usize..end as usize).unwrap_or("");
            self.stem_prefixes.insert(stem);
        }
        t
    }

    fn push_text(&mut self, s: &str) -> (u32, u32) {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        (start, self.text.len() as u32)
    }

    /// Rebuilds a vocabulary from its parts (used by model loading), checking every index. The
    /// features are given as one list of term ids (`ngram_terms`) and where each feature ends in
    /// it (`ngram_ends`), which the vocabulary keeps.
    pub(crate) fn from_parts<'a>(
        terms: impl ExactSizeIterator<Item = (&'a str, &'a str)>,
        raw_forms: impl ExactSizeIterator<Item = (&'a str, TermId)>,
        ngram_terms: Vec<TermId>,
        mut ngram_ends: Vec<u32>,
        settings: &FeatureSettings,
    ) -> Result<Vocabulary> {
        let mut v = Vocabulary::default();
        v.reserve(terms.len(), ngram_ends.len());
        v.raw_index = StrMap::with_capacity(raw_forms.len());
        for (stem, surface) in terms {
            if stem.is_empty() || surface.is_empty() {
                return Err(Error::format("an empty term"));
            }
            let t = v.terms.len() as TermId;
            if v.term_index.insert(stem, t).is_some() {
                return Err(Error::format(format!("term {stem:?} appears twice")));
            }
            v.push_term(stem, surface);
        }
        let n_terms = v.terms.len();
        for (raw, t) in raw_forms {
            if t as usize >= n_terms {
                return Err(Error::format(format!(
                    "raw form {raw:?} points to missing term {t}"
                )));
            }
            v.raw_index.insert(raw, t);
        }
        if let Some(&t) = ngram_terms.iter().find(|&&t| t as usize >= n_terms) {
            return Err(Error::format(format!(
                "a feature points to missing term {t}"
            )));
        }
        ngram_ends.insert(0, 0);
        v.ngram_terms = ngram_terms;
        v.ngram_start = ngram_ends;
        let well_formed = v.ngram_start.windows(2).all(|w| w[0] <= w[1])
            && v.ngram_start.last().copied() == Some(v.ngram_terms.len() as u32);
        if !well_formed {
            return Err(Error::format("the features are not a list of n-grams"));
        }
        let (lo, hi) = settings.ngram_range;
        for f in 0..v.len() as FeatureId {
            let ngram = v.feature(f);
            if ngram.len() < lo || ngram.len() > hi {
                return Err(Error::format(format!(
                    "a feature of {} terms is outside the n-gram range ({lo}, {hi})",
                    ngram.len()
                )));
            }
            // Bigrams are indexed below, all at once.
            let fresh = match *ngram {
                [t] => std::mem::replace(&mut v.unigram[t as usize], f) == NO_FEATURE,
                [_, _] => true,
                _ => v.ngram_index.insert(ngram.into(), f).is_none(),
            };
            if !fresh {
                return Err(Error::format("a feature appears twice"));
            }
        }
        if !v.index_bigrams() {
            return Err(Error::format("a feature appears twice"));
        }
        Ok(v)
    }

    /// Indexes the bigrams: as a [`BigramTable`] if they are one block of features in strictly
    /// increasing (first, second) order, as in a canonical vocabulary, else in the hash map.
    /// `false` if a bigram appears twice. Both indexes must hold nothing else.
    fn index_bigrams(&mut self) -> bool {
        self.unigram_is_term = (0..)
            .zip(&self.unigram)
            .all(|(t, &u): (FeatureId, _)| u == t);
        if self.index_bigram_block() {
            return true;
        }
        // Not in canonical order (a model saved after `learn`), or too large for a table.
        self.bigram_index = PairMap::default();
        for f in 0..self.len() as FeatureId {
            if let [a, b] = *self.feature(f) {
                if !self.bigram_index.get_or_insert(a, b, f).1 {
                    return false;
                }
            }
        }
        true
    }

    /// Indexes the bigrams as one [`BigramTable`] if they are one block of features in strictly
    /// increasing (first, second) order (which also proves each appears once); whether they
    /// were. Clears the bigram hash map.
    fn index_bigram_block(&mut self) -> bool {
        self.bigram_base = 0;
        self.bigram_block = BigramTable::default();
        self.bigram_index = PairMap::default();
        // One pass over the features: the bigrams' first and last feature ids, and whether they
        // are one block in increasing order (compared on both terms packed into one number).
        let (mut first, mut last, mut count) = (0 as FeatureId, 0 as FeatureId, 0usize);
        let mut sorted = true;
        let mut previous: Option<u64> = None;
        for (f, w) in self.ngram_start.windows(2).enumerate() {
            let [from, to] = [w[0] as usize, w[1] as usize];
            let Some(&[a, b]) = self.ngram_terms.get(from..to) else {
                continue;
            };
            let key = (a as u64) << 32 | b as u64;
            if count == 0 {
                first = f as FeatureId;
            }
            sorted &= previous.map_or(true, |p| p < key);
            previous = Some(key);
            last = f as FeatureId;
            count += 1;
        }
        if count == 0 {
            return true;
        }
        if !(sorted && (last - first) as usize + 1 == count) {
            return false;
        }
        let bigrams = (first..first + count as FeatureId).map(|f| match *self.feature(f) {
            [a, b] => (a, b),
            // Every feature of the block is a bigram (counted above).
            _ => (u32::MAX, u32::MAX),
        });
        match BigramTable::new(bigrams) {
            Some(table) => {
                self.bigram_base = first;
                self.bigram_block = table;
                true
            }
            None => false,
        }
    }

    /// The bigram feature `(a, b)`, if any.
    #[inline]
    fn lookup_bigram(&self, a: TermId, b: TermId) -> Option<FeatureId> {
        if let Some(place) = self.bigram_block.get(a, b) {
            return Some(self.bigram_base + place);
        }
        if self.bigram_index.is_empty() {
            return None;
        }
        self.bigram_index.get(a, b)
    }

    /// Room for about `n` bigrams in the hash map of a vocabulary being trained.
    pub(crate) fn reserve_bigrams(&mut self, n: usize) {
        if self.bigram_index.is_empty() {
            self.bigram_index = PairMap::with_capacity(n);
        }
    }

    /// Room for this many terms and features (counted from data already in memory).
    fn reserve(&mut self, terms: usize, features: usize) {
        self.terms.reserve(terms);
        if self.term_index.len() == 0 {
            self.term_index = StrMap::with_capacity(terms);
        }
        if self.terms.is_empty() {
            self.stem_prefixes = StemPrefixes::with_room(terms);
        }
        self.unigram.reserve(terms);
        self.ngram_start.reserve(features);
        self.ngram_terms.reserve(2 * features);
    }

    fn lookup_ngram(&self, ngram: &[TermId]) -> Option<FeatureId> {
        let id = match ngram {
            [t] => *self.unigram.get(*t as usize)?,
            [a, b] => self.lookup_bigram(*a, *b)?,
            _ => *self.ngram_index.get(ngram)?,
        };
        (id != NO_FEATURE).then_some(id)
    }

    fn insert_feature(&mut self, ngram: &[TermId]) -> FeatureId {
        let id = self.len() as FeatureId;
        match *ngram {
            [t] => {
                self.unigram[t as usize] = id;
                self.unigram_is_term &= id == t;
            }
            [a, b] => {
                self.bigram_index.get_or_insert(a, b, id);
            }
            _ => {
                self.ngram_index.insert(ngram.into(), id);
            }
        }
        self.ngram_terms.extend_from_slice(ngram);
        self.ngram_start.push(self.ngram_terms.len() as u32);
        id
    }

    fn intern_term(&mut self, stem: &str, raw: &str) -> TermId {
        if let Some(t) = self.term_index.get(stem) {
            if raw < self.surface(t) {
                let surface = self.push_text(raw);
                self.terms[t as usize].surface = surface;
            }
            return t;
        }
        let t = self.terms.len() as TermId;
        self.term_index.insert(stem, t);
        self.push_term(stem, raw)
    }

    /// The term of a word missing from the stemming cache, or `UNKNOWN`.
    #[inline]
    fn stem_term(&self, word: &str, stemmer: &WordStemmer) -> TermId {
        stemmer
            .stem_among(word, &self.stem_prefixes)
            .and_then(|stem| self.term_index.get(&stem))
            .unwrap_or(UNKNOWN)
    }

    /// The term of one token, or `UNKNOWN`: words through the stemming cache, then the stemmer.
    #[inline]
    fn term_of(&self, token: &Token<'_>, stemmer: &WordStemmer) -> TermId {
        match token {
            Token::Word(w) => match self.raw_index.get(w) {
                Some(t) => t,
                None => self.stem_term(w, stemmer),
            },
            Token::Symbol(s) => match symbol_slot(s) {
                Some(slot) => self.symbol_terms[slot],
                None => self.term_index.get(s).unwrap_or(UNKNOWN),
            },
            Token::Marker(m) => match self.symbol_terms.get(MARKER_SLOTS + m.index()) {
                Some(&t) => t,
                None => self.term_index.get(m.as_str()).unwrap_or(UNKNOWN),
            },
        }
    }

    /// Calls `f` with every feature occurrence of `text` that the vocabulary knows: unigrams in
    /// text order, then bigrams in text order, and so on. Unknown words are skipped and break the
    /// n-grams that would span them.
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
        let (lo, hi) = settings.ngram_range;
        let mut sink = TermSink {
            vocabulary: self,
            stemmer: &stemmer,
            terms: &mut scratch.terms,
            unigrams: lo == 1,
            f: &mut f,
        };
        tokenize_into(&scratch.normalized, &mut sink);
        for n in lo.max(2)..=hi {
            if n == 2 {
                for w in scratch.terms.windows(2) {
                    if w[0] != UNKNOWN && w[1] != UNKNOWN {
                        if let Some(id) = self.lookup_bigram(w[0], w[1]) {
                            f(id);
                        }
                    }
                }
                continue;
            }
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

    /// Calls `f` with every feature occurrence of `text` that the vocabulary knows, in the order
    /// of [`Vocabulary::for_each_feature`], and with the byte range of `text` (the original,
    /// before normalisation) that the occurrence's words were read from. Slower than
    /// `for_each_feature` (it maps the normalised text back to the original): for evidence only.
    pub(crate) fn for_each_feature_span(
        &self,
        analyzer: &Analyzer,
        settings: &FeatureSettings,
        text: &str,
        mut f: impl FnMut(FeatureId, Range<usize>),
    ) {
        let stemmer = WordStemmer::new(analyzer.language());
        let mut normalized = NormalizedText::default();
        let mut sources = SourceSpans::default();
        normalize_with_sources(text, &mut normalized, &mut sources);
        // Each token's term and its range in the original text.
        let mut tokens: Vec<(TermId, Range<usize>)> = Vec::new();
        tokenize(&normalized, |token, range| {
            let original = range
                .clone()
                .map(|i| sources.at(i))
                .fold((u32::MAX, 0), |(start, end), (a, b)| {
                    (start.min(a), end.max(b))
                });
            // Token ranges are never empty; an empty fold would give an empty span at 0.
            let span = if original.0 <= original.1 {
                original.0 as usize..original.1 as usize
            } else {
                0..0
            };
            tokens.push((self.term_of(&token, &stemmer), span));
        });
        let (lo, hi) = settings.ngram_range;
        let mut ngram: Vec<TermId> = Vec::with_capacity(hi);
        for n in lo..=hi {
            for window in tokens.windows(n) {
                ngram.clear();
                ngram.extend(window.iter().map(|(t, _)| *t));
                if ngram.contains(&UNKNOWN) {
                    continue;
                }
                if let Some(id) = self.lookup_ngram(&ngram) {
                    f(id, window[0].1.start..window[n - 1].1.end);
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
        tokenize(&scratch.normalized, |token, _| {
            let id = match &token {
                Token::Word(w) => match self.raw_index.get(w) {
                    Some(t) => t,
                    None => {
                        let stem = stemmer.stem(w);
                        let known = self.term_index.get(&stem);
                        match known {
                            Some(t) if !fitting => t,
                            _ => {
                                let t = self.intern_term(&stem, w);
                                self.raw_index.insert(w, t);
                                t
                            }
                        }
                    }
                },
                other => {
                    let s = token_str(other);
                    let known = match symbol_slot(s) {
                        Some(slot) => Some(self.symbol_terms[slot]).filter(|&t| t != UNKNOWN),
                        None => self.term_index.get(s),
                    };
                    match known {
                        Some(t) => t,
                        None => self.intern_term(s, s),
                    }
                }
            };
            terms.push(id);
        });
        let (lo, hi) = settings.ngram_range;
        for n in lo..=hi {
            if n == 1 {
                for &t in scratch.terms.iter() {
                    let id = match self.unigram[t as usize] {
                        NO_FEATURE => self.insert_feature(&[t]),
                        id => id,
                    };
                    f(id);
                }
                continue;
            }
            if n == 2 && self.bigram_block.is_empty() {
                // While training every bigram is in the hash map: one probe finds or adds it.
                for w in scratch.terms.windows(2) {
                    let next = self.len() as FeatureId;
                    let (id, new) = self.bigram_index.get_or_insert(w[0], w[1], next);
                    if new {
                        self.ngram_terms.extend_from_slice(w);
                        self.ngram_start.push(self.ngram_terms.len() as u32);
                    }
                    f(id);
                }
                continue;
            }
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
        // Sorted on the first eight bytes as one number first (zero-padded, big-endian: the
        // same order as the bytes), so that most comparisons need not follow the pointers.
        let mut by_stem: Vec<(u64, &str, TermId)> = (0..self.terms.len() as TermId)
            .filter(|&t| used[t as usize])
            .map(|t| {
                let stem = self.stem(t);
                let mut head = [0u8; 8];
                let n = stem.len().min(8);
                head[..n].copy_from_slice(&stem.as_bytes()[..n]);
                (u64::from_be_bytes(head), stem, t)
            })
            .collect();
        by_stem.sort_unstable();
        let term_order: Vec<TermId> = by_stem.into_iter().map(|(_, _, t)| t).collect();
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
            // Unigrams and bigrams (the default): unigrams by term, then bigrams bucketed by
            // first term and sorted by second within each bucket (small), which is the same
            // order as a sort by (length, terms) in linear time.
            let n_terms = term_order.len();
            let mut unigrams: Vec<Option<(u32, u32, FeatureId)>> = vec![None; n_terms];
            let mut bucket_len = vec![0u32; n_terms + 1];
            for span in &spans {
                match *slice(span) {
                    [t] => unigrams[t as usize] = Some(*span),
                    [a, _] => bucket_len[a as usize + 1] += 1,
                    _ => {}
                }
            }
            for t in 0..n_terms {
                bucket_len[t + 1] += bucket_len[t];
            }
            let mut next = bucket_len.clone();
            let mut bigrams =
                vec![(0u32, (0u32, 0u32, 0 as FeatureId)); bucket_len[n_terms] as usize];
            for span in &spans {
                if let [a, b] = *slice(span) {
                    bigrams[next[a as usize] as usize] = (b, *span);
                    next[a as usize] += 1;
                }
            }
            for t in 0..n_terms {
                bigrams[bucket_len[t] as usize..bucket_len[t + 1] as usize]
                    .sort_unstable_by_key(|&(b, _)| b);
            }
            spans = unigrams
                .into_iter()
                .flatten()
                .chain(bigrams.into_iter().map(|(_, span)| span))
                .collect();
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

        let mut v = Vocabulary::default();
        v.reserve(term_order.len(), spans.len());
        for &t in &term_order {
            let (stem, surface) = (self.stem(t), self.surface(t));
            v.term_index.insert(stem, v.terms.len() as TermId);
            v.push_term(stem, surface);
        }
        v.raw_index = self.raw_index.remapped(self.raw_index.len(), |t| {
            Some(new_term[t as usize]).filter(|&t| t != UNKNOWN)
        });
        for span in &spans {
            let ngram = slice(span);
            if ngram.len() == 2 {
                v.ngram_terms.extend_from_slice(ngram);
                v.ngram_start.push(v.ngram_terms.len() as u32);
            } else {
                v.insert_feature(ngram);
            }
        }
        // Sorted by construction, so each bigram appears once.
        v.index_bigrams();
        *self = v;
        remap
    }

    /// Adds the terms and features of `other` that `self` lacks (surface forms take the smaller
    /// of the two), and returns, for each feature of `other`, its id in `self`.
    pub(crate) fn absorb(&mut self, other: &Vocabulary) -> Vec<FeatureId> {
        let mut term_map = Vec::with_capacity(other.terms.len());
        for (stem, surface) in other.term_pairs() {
            term_map.push(self.intern_term(stem, surface));
        }
        other.for_each_raw_form(|raw, t| {
            if self.raw_index.get(raw).is_none() {
                self.raw_index.insert(raw, term_map[t as usize]);
            }
        });
        let mut mapped = Vec::new();
        other
            .features()
            .map(|ngram| {
                mapped.clear();
                mapped.extend(ngram.iter().map(|&t| term_map[t as usize]));
                if let (&[a, b], true) = (mapped.as_slice(), self.bigram_block.is_empty()) {
                    // Every bigram is in the hash map: one probe finds or adds it.
                    let next = self.len() as FeatureId;
                    let (id, new) = self.bigram_index.get_or_insert(a, b, next);
                    if new {
                        self.ngram_terms.extend_from_slice(&mapped);
                        self.ngram_start.push(self.ngram_terms.len() as u32);
                    }
                    return id;
                }
                match self.lookup_ngram(&mapped) {
                    Some(id) => id,
                    None => self.insert_feature(&mapped),
                }
            })
            .collect()
    }
}

/// Turns tokens into terms (and unigram features) as the tokenizer finds them, with the
/// lookup of plain words inlined into the tokenizer's loop.
struct TermSink<'v, F> {
    vocabulary: &'v Vocabulary,
    stemmer: &'v WordStemmer,
    terms: &'v mut TermBuffer,
    unigrams: bool,
    f: &'v mut F,
}

impl<F: FnMut(FeatureId)> TermSink<'_, F> {
    #[inline(always)]
    fn push(&mut self, t: TermId) {
        if self.unigrams && t != UNKNOWN {
            if self.vocabulary.unigram_is_term {
                (self.f)(t);
            } else {
                let u = self.vocabulary.unigram[t as usize];
                if u != NO_FEATURE {
                    (self.f)(u);
                }
            }
        }
        self.terms.push(t);
    }
}

impl<'a, F: FnMut(FeatureId)> TokenSink<'a> for TermSink<'_, F> {
    fn token(&mut self, token: Token<'a>, _: Range<usize>) {
        let t = self.vocabulary.term_of(&token, self.stemmer);
        self.push(t);
    }

    #[inline(always)]
    fn ascii_symbol(&mut self, byte: u8, _: &'a str, _: Range<usize>) {
        debug_assert!(byte.is_ascii());
        let t = self.vocabulary.symbol_terms[byte as usize & 0x7F];
        self.push(t);
    }

    #[inline(always)]
    fn plain_word(&mut self, word: &'a str, _: Range<usize>, head: u64) {
        let v = self.vocabulary;
        let t = match v.raw_index.get_with_head(word, head) {
            Some(t) => t,
            None => v.stem_term(word, self.stemmer),
        };
        self.push(t);
    }
}

/// Room in [`Vocabulary`]'s table of symbol and marker terms.
const MARKER_SLOTS: usize = 128;
const SYMBOL_SLOTS: usize = MARKER_SLOTS + Marker::ALL.len();

/// Where a symbol's or marker's term is kept in the table of symbol terms, if it has a place.
#[inline]
fn symbol_slot(s: &str) -> Option<usize> {
    match s.as_bytes() {
        [b] if b.is_ascii() => Some(*b as usize),
        [b'<', ..] => Marker::ALL
            .iter()
            .position(|m| m.as_str() == s)
            .map(|i| MARKER_SLOTS + i),
        _ => None,
    }
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
    fn features_are_the_same_before_and_after_growing_a_canonical_vocabulary() {
        // A canonical vocabulary finds a word's unigram by its term number; one that has grown
        // since (as `learn` grows it) must stop doing so.
        let mut v = Vocabulary::default();
        grow(&mut v, "save money now on cloud spend");
        grow(&mut v, "great working with you at acme");
        v.retain_canonical(|_| true);
        assert!(v.unigram_is_term);
        let text = "great to save money with acme now, zebra cloud";
        let before = lookup(&v, text);
        assert!(before.contains(&"acme".to_string()) && before.contains(&"save money".to_string()));
        let mut scratch = Scratch::default();
        v.for_each_feature_growing(
            &Analyzer::default(),
            &FeatureSettings::default(),
            "zebra stripes",
            &mut scratch,
            false,
            |_| {},
        );
        assert!(!v.unigram_is_term);
        let after = lookup(&v, text);
        assert_eq!(after.iter().filter(|f| *f == "zebra").count(), 1);
        let without_zebra: Vec<_> = after.iter().filter(|f| !f.contains("zebra")).collect();
        assert_eq!(without_zebra, before.iter().collect::<Vec<_>>());
        v.retain_canonical(|_| true);
        assert!(v.unigram_is_term);
        assert_eq!(lookup(&v, text), after);
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
