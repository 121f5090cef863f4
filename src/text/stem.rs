//! Stemming, the last stage of the text pipeline: nopitch's own [`Language`] enum, mapped
//! privately to a Snowball algorithm of `rust-stemmers`.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

/// The language whose Snowball stemmer reduces words to stems ("priorities" → "prioriti").
///
/// Stemming lets "save", "saves" and "saving" count as one feature, which helps a classifier
/// that learns from a few thousand short notes. Choose the language your notes are written in,
/// or [`Language::None`] to use words as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Language {
    /// No stemming: every word form is its own feature.
    None,
    Arabic,
    Danish,
    Dutch,
    #[default]
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

impl Language {
    fn algorithm(self) -> Option<Algorithm> {
        Some(match self {
            Language::None => return None,
            Language::Arabic => Algorithm::Arabic,
            Language::Danish => Algorithm::Danish,
            Language::Dutch => Algorithm::Dutch,
            Language::English => Algorithm::English,
            Language::Finnish => Algorithm::Finnish,
            Language::French => Algorithm::French,
            Language::German => Algorithm::German,
            Language::Greek => Algorithm::Greek,
            Language::Hungarian => Algorithm::Hungarian,
            Language::Italian => Algorithm::Italian,
            Language::Norwegian => Algorithm::Norwegian,
            Language::Portuguese => Algorithm::Portuguese,
            Language::Romanian => Algorithm::Romanian,
            Language::Russian => Algorithm::Russian,
            Language::Spanish => Algorithm::Spanish,
            Language::Swedish => Algorithm::Swedish,
            Language::Tamil => Algorithm::Tamil,
            Language::Turkish => Algorithm::Turkish,
        })
    }
}

/// A stemmer for one language. Building one is cheap (it holds a function pointer), so the
/// analyzer makes one per call instead of storing `rust_stemmers::Stemmer`, which is neither
/// `Clone` nor `Debug`.
pub(crate) struct WordStemmer(Option<Stemmer>, Language);

impl WordStemmer {
    pub(crate) fn new(language: Language) -> WordStemmer {
        WordStemmer(language.algorithm().map(Stemmer::create), language)
    }

    /// The stem of a lowercase word. A word that would stem to "" (rust-stemmers' Greek stemmer
    /// does that to "ισα") is kept as it is, so no token ever vanishes.
    pub(crate) fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        if self.1 == Language::English && english_keeps(word) {
            return Cow::Borrowed(word);
        }
        self.snowball(word)
    }

    /// The stem of a lowercase word if it can be one of the stems `known` was built from, or
    /// `None` where [`StemPrefixes`] proves it cannot (English only): the stem of a name or a
    /// typo is usually nowhere in the vocabulary, and proving that is cheaper than stemming.
    #[inline]
    pub(crate) fn stem_among<'a>(
        &self,
        word: &'a str,
        known: &StemPrefixes,
    ) -> Option<Cow<'a, str>> {
        if self.1 == Language::English {
            if english_keeps(word) {
                return Some(Cow::Borrowed(word));
            }
            if !known.may_hold_english_stem_of(word) {
                return None;
            }
        }
        Some(self.snowball(word))
    }

    fn snowball<'a>(&self, word: &'a str) -> Cow<'a, str> {
        match &self.0 {
            Some(stemmer) => match stemmer.stem(word) {
                Cow::Borrowed("") => Cow::Borrowed(word),
                Cow::Owned(s) if s.is_empty() => Cow::Borrowed(word),
                stem => stem,
            },
            None => Cow::Borrowed(word),
        }
    }
}

/// Word endings that some rule of the Snowball English stemmer acts on: a word ending in none of
/// them is left as it is by every step (the steps are suffix rules that start by matching one
/// of these, in rust-stemmers' `english.rs`), except for the prelude, which removes a leading
/// apostrophe and marks `y` as `Y` (the postlude turns every `Y` back into `y`). Each entry
/// stands for the suffixes of the stemmer's lists that end with it ("s" for "sses", "ness",
/// "ous"...; "l" for "tional", "ful", "al"...; "e" for "ance", "able", "ize"...).
/// `ends_in_a_suffix_ending` checks the same list, by last byte; a test compares the two.
#[cfg(test)]
const ENGLISH_SUFFIX_ENDINGS: &[&str] = &[
    "s", "'", "ed", "ing", "y", "Y", "anci", "enci", "ogi", "li", "iti", "l", "ism", "ion", "er",
    "ator", "e", "ic", "ant", "ent",
];

/// Whether the Snowball English stemmer returns `word` unchanged, decided without running it
/// (most names, products and typos in a note end in a letter no rule acts on): words of fewer
/// than three characters are never stemmed, and a word that does not start with an apostrophe,
/// has no `Y`, and ends in none of `ENGLISH_SUFFIX_ENDINGS` meets no rule. `false` means
/// "run the stemmer", not that the stem differs.
pub(crate) fn english_keeps(word: &str) -> bool {
    let mut chars = word.chars();
    if chars.next().is_none() || chars.next().is_none() || chars.next().is_none() {
        return true;
    }
    !word.starts_with('\'') && !ends_in_a_suffix_ending(word.as_bytes()) && !word.contains('Y')
}

/// Whether `word` ends in one of `ENGLISH_SUFFIX_ENDINGS`, by its last byte first (every
/// word missing from the stemming cache is checked).
fn ends_in_a_suffix_ending(word: &[u8]) -> bool {
    let ends = |suffix: &[u8]| word.ends_with(suffix);
    match word.last() {
        Some(b's' | b'\'' | b'y' | b'Y' | b'l' | b'e') => true,
        Some(b'd') => ends(b"ed"),
        Some(b'g') => ends(b"ing"),
        Some(b'i') => ends(b"anci") || ends(b"enci") || ends(b"ogi") || ends(b"li") || ends(b"iti"),
        Some(b'm') => ends(b"ism"),
        Some(b'n') => ends(b"ion"),
        Some(b'r') => ends(b"er") || ends(b"ator"),
        Some(b'c') => ends(b"ic"),
        Some(b't') => ends(b"ant") || ends(b"ent"),
        _ => false,
    }
}

/// How many leading bytes of a stem [`StemPrefixes`] records.
const PREFIX_BYTES: usize = 8;

/// A byte as [`StemPrefixes`] compares it: `y` and `Y` count as `i`, because the stemmer turns
/// a final `y` into `i` ("cry" → "cri") and marks some `y` as `Y` for a while.
#[inline]
const fn fold(b: u8) -> u8 {
    match b {
        b'y' | b'Y' => b'i',
        b => b,
    }
}

/// One rewrite of a word's end that a step of the Snowball English stemmer may make: `suffix`
/// and `extra` more bytes before it replaced by `with`.
struct Rewrite {
    suffix: &'static [u8],
    /// 1 for step 1b's undoubling ("hopp" → "hop"), which needs a doubled letter there.
    extra: usize,
    with: &'static [u8],
    /// Where the suffix must start: anywhere (0), in R1 (1) or in R2 (2).
    region: u8,
}

const fn rw(suffix: &'static str, extra: usize, with: &'static str) -> Rewrite {
    Rewrite {
        suffix: suffix.as_bytes(),
        extra,
        with: with.as_bytes(),
        region: 0,
    }
}

/// A rewrite whose suffix must start in R1 (`region` 1) or R2 (2).
const fn rw_in(region: u8, suffix: &'static str, with: &'static str) -> Rewrite {
    Rewrite {
        suffix: suffix.as_bytes(),
        extra: 0,
        with: with.as_bytes(),
        region,
    }
}

/// Every rewrite of rust-stemmers' English stemmer (`english.rs`) that step `step` may make to
/// a word (folded) ending in `last`, without the conditions under which it applies other than
/// its region: step 1a's apostrophes and plurals (steps 0 and 1 here), 1b ("ed", "ing"... cut,
/// then perhaps an "e" added or a doubled letter undoubled; step 2), then the stemmer's steps
/// 2, 3, 4 and 5 (3 to 6 here). Step 1c turns a final `y` into `i`, which [`fold`] stands for;
/// the suffixes are folded too ("edly" is "edli").
fn english_rewrites(step: usize, last: u8) -> &'static [Rewrite] {
    match (step, last) {
        (0, b'\'') => const { &[rw("'", 0, ""), rw("'s'", 0, "")] },
        (0, b's') => const { &[rw("'s", 0, "")] },
        (1, b's') => {
            const {
                &[
                    rw("sses", 0, "ss"),
                    rw("ies", 0, "i"),
                    rw("ies", 0, "ie"),
                    rw("s", 0, ""),
                ]
            }
        }
        (1, b'd') => const { &[rw("ied", 0, "i"), rw("ied", 0, "ie")] },
        (2, b'd') => {
            const {
                &[
                    rw_in(1, "eed", "ee"),
                    rw("ed", 0, ""),
                    rw("ed", 0, "e"),
                    rw("ed", 1, ""),
                ]
            }
        }
        (2, b'i') => {
            const {
                &[
                    rw_in(1, "eedli", "ee"),
                    rw("edli", 0, ""),
                    rw("edli", 0, "e"),
                    rw("edli", 1, ""),
                    rw("ingli", 0, ""),
                    rw("ingli", 0, "e"),
                    rw("ingli", 1, ""),
                ]
            }
        }
        (2, b'g') => const { &[rw("ing", 0, ""), rw("ing", 0, "e"), rw("ing", 1, "")] },
        (3, b'i') => {
            const {
                &[
                    rw_in(1, "anci", "ance"),
                    rw_in(1, "enci", "ence"),
                    rw_in(1, "ogi", "og"),
                    rw_in(1, "li", ""),
                    rw_in(1, "bli", "ble"),
                    rw_in(1, "abli", "able"),
                    rw_in(1, "alli", "al"),
                    rw_in(1, "fulli", "ful"),
                    rw_in(1, "lessli", "less"),
                    rw_in(1, "ousli", "ous"),
                    rw_in(1, "entli", "ent"),
                    rw_in(1, "aliti", "al"),
                    rw_in(1, "biliti", "ble"),
                    rw_in(1, "iviti", "ive"),
                ]
            }
        }
        (3, b'l') => const { &[rw_in(1, "tional", "tion"), rw_in(1, "ational", "ate")] },
        (3, b'm') => const { &[rw_in(1, "alism", "al")] },
        (3, b'n') => const { &[rw_in(1, "ation", "ate"), rw_in(1, "ization", "ize")] },
        (3, b'r') => const { &[rw_in(1, "izer", "ize"), rw_in(1, "ator", "ate")] },
        (3, b's') => {
            const {
                &[
                    rw_in(1, "iveness", "ive"),
                    rw_in(1, "fulness", "ful"),
                    rw_in(1, "ousness", "ous"),
                ]
            }
        }
        (4, b'e') => {
            const {
                &[
                    rw_in(1, "icate", "ic"),
                    rw_in(2, "ative", ""),
                    rw_in(1, "alize", "al"),
                ]
            }
        }
        (4, b'i') => const { &[rw_in(1, "iciti", "ic")] },
        (4, b'l') => {
            const {
                &[
                    rw_in(1, "ical", "ic"),
                    rw_in(1, "tional", "tion"),
                    rw_in(1, "ational", "ate"),
                    rw_in(1, "ful", ""),
                ]
            }
        }
        (4, b's') => const { &[rw_in(1, "ness", "")] },
        (5, b'c') => const { &[rw_in(2, "ic", "")] },
        (5, b'e') => {
            const {
                &[
                    rw_in(2, "ance", ""),
                    rw_in(2, "ence", ""),
                    rw_in(2, "able", ""),
                    rw_in(2, "ible", ""),
                    rw_in(2, "ate", ""),
                    rw_in(2, "ive", ""),
                    rw_in(2, "ize", ""),
                ]
            }
        }
        (5, b'i') => const { &[rw_in(2, "iti", "")] },
        (5, b'l') => const { &[rw_in(2, "al", "")] },
        (5, b'm') => const { &[rw_in(2, "ism", "")] },
        (5, b'n') => const { &[rw_in(2, "ion", "")] },
        (5, b'r') => const { &[rw_in(2, "er", "")] },
        (5, b's') => const { &[rw_in(2, "ous", "")] },
        (5, b't') => {
            const {
                &[
                    rw_in(2, "ant", ""),
                    rw_in(2, "ent", ""),
                    rw_in(2, "ment", ""),
                    rw_in(2, "ement", ""),
                ]
            }
        }
        (6, b'e') => const { &[rw_in(1, "e", "")] },
        (6, b'l') => const { &[rw_in(2, "l", "")] },
        _ => &[],
    }
}

/// The number of steps of [`english_rewrites`].
const ENGLISH_STEPS: usize = 7;

/// Lower bounds of where the Snowball English stemmer's regions R1 and R2 start in `word`: R1
/// just after the first non-vowel that follows a vowel, R2 the same from R1 on (in bytes; a `y`
/// at the start or after a vowel is not a vowel, as the stemmer marks it). The stemmer starts R1
/// later for words beginning "gener", "commun" or "arsen"; these bounds are never later.
fn english_regions(word: &[u8]) -> [usize; 2] {
    let mut regions = [word.len(); 2];
    let (mut found, mut previous_vowel, mut seen_vowel) = (0, false, false);
    for (i, &c) in word.iter().enumerate() {
        let vowel = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' => true,
            b'y' => i > 0 && !previous_vowel,
            _ => false,
        };
        if seen_vowel && !vowel {
            regions[found] = i + 1;
            found += 1;
            if found == 2 {
                break;
            }
            seen_vowel = false;
        } else {
            seen_vowel |= vowel;
        }
        previous_vowel = vowel;
    }
    regions
}

/// The longest word [`english_kept_prefix`] follows through the stemmer's rewrites.
const REWRITTEN_BYTES: usize = 64;

/// A word part-way through the stemmer, folded: `len` bytes of `buf`, of which the first `kept`
/// are the original word's.
#[derive(Clone, Copy)]
struct Rewritten {
    buf: [u8; REWRITTEN_BYTES],
    len: usize,
    kept: usize,
    /// Where R1 and R2 start (see [`english_regions`]).
    regions: [usize; 2],
}

impl Rewritten {
    /// The word after `rewrite`, if its suffix matches (folded) where the rule allows it;
    /// `Err` if the result would not fit (nothing is proved then).
    fn apply(&self, rewrite: &Rewrite) -> Result<Option<Self>, ()> {
        let n = rewrite.suffix.len();
        let cut = n + rewrite.extra;
        let word = &self.buf[..self.len];
        if cut > self.len || !word.ends_with(rewrite.suffix) {
            return Ok(None);
        }
        if let Some(&start) = self.regions.get((rewrite.region as usize).wrapping_sub(1)) {
            if self.len - n < start {
                return Ok(None);
            }
        }
        if rewrite.extra > 0 {
            let doubled = word.get(self.len - n - 1);
            if self.len < n + 2
                || word.get(self.len - n - 2) != doubled
                || !matches!(
                    doubled,
                    Some(b'b' | b'd' | b'f' | b'g' | b'm' | b'n' | b'p' | b'r' | b't')
                )
            {
                return Ok(None);
            }
        }
        let mut next = *self;
        next.len -= cut;
        next.kept = next.kept.min(next.len);
        let end = next.len + rewrite.with.len();
        next.buf
            .get_mut(next.len..end)
            .ok_or(())?
            .copy_from_slice(rewrite.with);
        next.len = end;
        Ok(Some(next))
    }
}

/// The fewest leading bytes of the original word that any path through the steps from `from`
/// on keeps as they are, or any number up to `enough` once it is clear there are no more.
fn fewest_kept(word: &Rewritten, from: usize, enough: usize) -> usize {
    let mut fewest = word.kept;
    for step in from..ENGLISH_STEPS {
        let Some(&last) = word.buf.get(word.len.wrapping_sub(1)) else {
            return fewest;
        };
        for rewrite in english_rewrites(step, last) {
            if fewest <= enough {
                return fewest;
            }
            match word.apply(rewrite) {
                Ok(Some(next)) => fewest = fewest.min(fewest_kept(&next, step + 1, enough)),
                Ok(None) => {}
                Err(()) => return 0,
            }
        }
    }
    fewest
}

/// How many leading bytes of a lowercase word the Snowball English stemmer is sure to keep
/// (up to [`fold`]): every step rewrites only the word's end, so whatever path its conditions
/// choose, the stem starts with the bytes every rewrite path keeps. The whole-word exceptions
/// ("dying" → "die", "skies" → "sky"...), a leading apostrophe and words longer than 64 bytes
/// are left out: 0.
fn english_kept_prefix(word: &str, enough: usize) -> usize {
    let b = word.as_bytes();
    if b.len() > REWRITTEN_BYTES
        || b.first() == Some(&b'\'')
        || matches!(
            word,
            "skis"
                | "skies"
                | "dying"
                | "lying"
                | "tying"
                | "idly"
                | "gently"
                | "ugly"
                | "early"
                | "only"
                | "singly"
        )
    {
        return 0;
    }
    let mut start = Rewritten {
        buf: [0; REWRITTEN_BYTES],
        len: b.len(),
        kept: b.len(),
        regions: english_regions(b),
    };
    for (to, &from) in start.buf.iter_mut().zip(b) {
        *to = fold(from);
    }
    fewest_kept(&start, 0, enough)
}

/// The leading bytes (up to [`PREFIX_BYTES`]) of a vocabulary's stems, folded, in a bit set: a
/// filter with false positives only, which lets most unknown English words skip the stemmer.
///
/// Sound because the stem of a word starts with the word's first [`english_kept_prefix`] bytes
/// (folded): if no stem starts with them, the word's stem is not a known stem. A test checks
/// that property of the stemmer on generated words.
#[derive(Clone, Default)]
pub(crate) struct StemPrefixes {
    /// Bits set by [`StemPrefixes::slot`]; a power of two long, or empty.
    bits: Vec<u64>,
    /// Stems inserted since the set was sized.
    stems: usize,
}

impl std::fmt::Debug for StemPrefixes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StemPrefixes")
            .field("bits", &(self.bits.len() * 64))
            .field("stems", &self.stems)
            .finish()
    }
}

impl StemPrefixes {
    /// An empty set with room for about `stems` stems.
    pub(crate) fn with_room(stems: usize) -> StemPrefixes {
        // About 32 bits per stem: most prefixes are shared, so a few percent of the bits are set.
        let words = (stems.max(64) * 32 / 64).next_power_of_two();
        StemPrefixes {
            bits: vec![0; words],
            stems: 0,
        }
    }

    /// Whether it has no room (it is empty, or holds so many stems that its false positives
    /// grow): then it should be rebuilt with more.
    pub(crate) fn is_full(&self) -> bool {
        self.stems * 16 >= self.bits.len() * 64
    }

    /// The bit of a folded prefix of `n` bytes packed into `key`.
    #[inline]
    fn slot(&self, key: u64, n: usize) -> (usize, u64) {
        let h = (key ^ (n as u64).rotate_right(8)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // The top bits of the product: the only ones every bit of the key reaches.
        let n_bits = (self.bits.len() * 64) as u64;
        let bit = (h >> (n_bits.leading_zeros() + 1)) as usize & (n_bits as usize - 1);
        (bit / 64, 1 << (bit % 64))
    }

    /// Records a stem.
    pub(crate) fn insert(&mut self, stem: &str) {
        if self.bits.is_empty() {
            return;
        }
        let mut key = 0u64;
        for (i, &c) in stem.as_bytes().iter().take(PREFIX_BYTES).enumerate() {
            key |= (fold(c) as u64) << (8 * i);
            let (word, mask) = self.slot(key, i + 1);
            self.bits[word] |= mask;
        }
        self.stems += 1;
    }

    /// Whether the Snowball English stem of `word` (lowercase) may be one of the stems; `false`
    /// only if it is certainly none of them.
    #[inline]
    pub(crate) fn may_hold_english_stem_of(&self, word: &str) -> bool {
        if self.bits.is_empty() {
            return true;
        }
        // How many leading bytes of the word begin some stem (a stem that begins with more
        // begins with fewer too, so the first miss ends the count).
        let b = word.as_bytes();
        let most = b.len().min(PREFIX_BYTES);
        let (mut key, mut begins) = (0u64, 0);
        while begins < most {
            key |= (fold(b[begins]) as u64) << (8 * begins);
            let (w, mask) = self.slot(key, begins + 1);
            if !self.bits.get(w).is_some_and(|w| w & mask != 0) {
                break;
            }
            begins += 1;
        }
        // The stem begins with the word's first `english_kept_prefix` bytes (up to
        // `PREFIX_BYTES`): a known stem only if those begin some stem.
        begins == most || english_kept_prefix(word, begins) <= begins
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_stems() {
        let s = WordStemmer::new(Language::English);
        assert_eq!(s.stem("priorities"), "prioriti");
        assert_eq!(s.stem("saving"), "save");
        assert_eq!(s.stem("connection"), "connect");
    }

    /// `english_keeps` never skips a word the stemmer would change: every string of up to four
    /// characters over letters that matter to the rules (vowels, suffix letters, apostrophe, `Y`)
    /// and a few that do not, and every such string followed by a suffix fragment.
    #[test]
    fn english_keeps_only_words_the_stemmer_keeps() {
        let stemmer = Stemmer::create(Algorithm::English);
        let alphabet: Vec<char> = "aeiouysldgnrtcmbk'Yzé".chars().collect();
        let fragments = [
            "", "s", "ss", "ed", "ing", "ly", "ness", "ful", "tion", "ator", "al", "ic", "er",
            "ive", "ous", "ent", "ment", "ance", "able", "iti", "li", "ogi", "ism", "e", "l", "y",
            "or", "on", "ar", "um", "ix", "ah", "ok", "ez",
        ];
        let mut words = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..4 {
            let mut longer = Vec::new();
            for w in &words {
                for &c in &alphabet {
                    longer.push(format!("{w}{c}"));
                }
            }
            all.extend(longer.iter().cloned());
            words = longer;
        }
        let mut checked = 0;
        for w in &all {
            for f in fragments {
                let word = format!("{w}{f}");
                if english_keeps(&word) {
                    assert_eq!(stemmer.stem(&word), word.as_str(), "{word:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    /// Words whose endings run through every rewrite of the English stemmer and chains of them:
    /// every string of up to three letters that matter to its rules, followed by each ending.
    fn words_with_suffix_chains() -> Vec<String> {
        let alphabet: Vec<char> = "aeiyobcdlnrstg'Yé".chars().collect();
        let endings = [
            "",
            "s",
            "'s",
            "'",
            "'s'",
            "ss",
            "sses",
            "ies",
            "ied",
            "us",
            "ed",
            "eed",
            "eedly",
            "edly",
            "ing",
            "ingly",
            "ings",
            "bled",
            "ating",
            "izing",
            "ated",
            "hopping",
            "ly",
            "ily",
            "y",
            "anci",
            "enci",
            "ogi",
            "logi",
            "li",
            "bli",
            "abli",
            "alli",
            "fulli",
            "lessli",
            "ousli",
            "entli",
            "aliti",
            "biliti",
            "iviti",
            "tional",
            "ational",
            "alism",
            "ation",
            "ization",
            "izations",
            "izer",
            "ator",
            "iveness",
            "fulness",
            "ousness",
            "icate",
            "ative",
            "alize",
            "iciti",
            "ical",
            "ful",
            "ness",
            "ic",
            "ance",
            "ence",
            "able",
            "ible",
            "ate",
            "ive",
            "ize",
            "iti",
            "al",
            "ism",
            "ion",
            "sion",
            "tion",
            "er",
            "ous",
            "ant",
            "ent",
            "ment",
            "ement",
            "e",
            "l",
            "ll",
            "abilities",
            "ically",
            "ousnesses",
            "ement's",
            "ationally",
            "fully",
            "ingness",
            "edness",
            "alities",
            "encies",
            "ancies",
            "ator's",
            "y's",
            "ying",
            "yed",
            "ey",
            "gener",
            "commun",
            "arsen",
        ];
        let mut stems = vec![String::new()];
        let mut words = Vec::new();
        for _ in 0..3 {
            let mut longer = Vec::new();
            for w in &stems {
                for &c in &alphabet {
                    longer.push(format!("{w}{c}"));
                }
            }
            for w in &longer {
                for e in endings {
                    words.push(format!("{w}{e}"));
                }
            }
            stems = longer;
        }
        words.extend(
            [
                "skis",
                "skies",
                "dying",
                "lying",
                "tying",
                "idly",
                "gently",
                "ugly",
                "early",
                "only",
                "singly",
                "sky",
                "news",
                "howe",
                "atlas",
                "cosmos",
                "bias",
                "andes",
                "inning",
                "outing",
                "canning",
                "herring",
                "earring",
                "proceed",
                "exceed",
                "succeed",
                "generously",
                "communities",
                "arsenals",
                "yyyyy",
                "yayed",
                "ayying",
            ]
            .map(String::from),
        );
        words
    }

    /// The stem of every word starts with the word's first `english_kept_prefix` bytes, folded:
    /// the property that makes [`StemPrefixes`] sound.
    #[test]
    fn english_stems_keep_the_kept_prefix() {
        let stemmer = WordStemmer::new(Language::English);
        let mut longer_than_two = 0;
        for word in words_with_suffix_chains() {
            let stem = stemmer.stem(&word);
            let n = english_kept_prefix(&word, 0);
            let folded = |s: &[u8]| s.iter().map(|&b| fold(b)).collect::<Vec<_>>();
            assert!(
                n <= stem.len() && folded(&stem.as_bytes()[..n]) == folded(&word.as_bytes()[..n]),
                "{word:?} stems to {stem:?}, kept {n}"
            );
            longer_than_two += usize::from(n > 2);
        }
        assert!(longer_than_two > 50_000, "{longer_than_two}");
    }

    /// A word whose stem is among the stems a set was built from is never ruled out, and most
    /// words whose stems are not are.
    #[test]
    fn stem_prefixes_never_rule_out_a_known_stem() {
        let stemmer = WordStemmer::new(Language::English);
        let words = words_with_suffix_chains();
        let stems: Vec<String> = words
            .iter()
            .step_by(7)
            .map(|w| stemmer.stem(w).into_owned())
            .collect();
        let mut set = StemPrefixes::with_room(stems.len());
        for s in &stems {
            set.insert(s);
        }
        let known: std::collections::HashSet<&str> = stems.iter().map(String::as_str).collect();
        let mut ruled_out = 0;
        for word in &words {
            let stem = stemmer.stem(word);
            if known.contains(stem.as_ref()) {
                assert!(set.may_hold_english_stem_of(word), "{word:?} ({stem:?})");
                assert!(stemmer.stem_among(word, &set).is_some(), "{word:?}");
            } else if !set.may_hold_english_stem_of(word) {
                ruled_out += 1;
                if !english_keeps(word) {
                    assert_eq!(stemmer.stem_among(word, &set), None);
                }
            }
        }
        assert!(ruled_out > 0);
        let names = ["dracula", "okafors", "brightwave", "zenara", "kaltenbach"];
        let mut set = StemPrefixes::with_room(10);
        for s in ["connect", "priorit", "save", "sale", "call"] {
            set.insert(s);
        }
        for name in names {
            assert!(!set.may_hold_english_stem_of(name), "{name}");
        }
        for word in ["connections", "saving", "sales", "calling"] {
            assert!(set.may_hold_english_stem_of(word), "{word}");
        }
    }

    /// The last-byte dispatch agrees with the list of endings.
    #[test]
    fn suffix_endings_by_last_byte_are_the_list() {
        for word in words_with_suffix_chains()
            .iter()
            .map(String::as_str)
            .chain(["", "x", "ator", "xic", "xYz", "xY", "café", "anci", "Y"])
        {
            let by_list = ENGLISH_SUFFIX_ENDINGS.iter().any(|e| word.ends_with(e));
            assert_eq!(
                ends_in_a_suffix_ending(word.as_bytes()),
                by_list,
                "{word:?}"
            );
        }
    }

    #[test]
    fn english_keeps_is_not_vacuous() {
        for w in [
            "dana",
            "okafor",
            "brightwav",
            "sap",
            "txt",
            "ok",
            "a",
            "café",
        ] {
            assert!(english_keeps(w), "{w}");
        }
        for w in [
            "priorities",
            "saving",
            "'tis",
            "hospital",
            "happy",
            "connection",
        ] {
            assert!(!english_keeps(w), "{w}");
        }
    }

    #[test]
    fn greek_word_that_stems_to_nothing_is_kept() {
        let s = WordStemmer::new(Language::Greek);
        assert_eq!(s.stem("ισα"), "ισα");
        assert!(!s.stem("καλημέρα").is_empty());
    }

    #[test]
    fn no_stemming() {
        let s = WordStemmer::new(Language::None);
        assert_eq!(s.stem("priorities"), "priorities");
    }

    #[test]
    fn every_language_stems_odd_words_without_panicking() {
        for lang in [
            Language::Arabic,
            Language::Danish,
            Language::Dutch,
            Language::English,
            Language::Finnish,
            Language::French,
            Language::German,
            Language::Greek,
            Language::Hungarian,
            Language::Italian,
            Language::Norwegian,
            Language::Portuguese,
            Language::Romanian,
            Language::Russian,
            Language::Spanish,
            Language::Swedish,
            Language::Tamil,
            Language::Turkish,
        ] {
            let s = WordStemmer::new(lang);
            for w in [
                "",
                "a",
                "ισα",
                "привет",
                "🙌",
                "'s",
                "x'",
                "ааааааааа",
                "नमस्ते",
            ] {
                let _ = s.stem(w);
            }
        }
    }
}
