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
const ENGLISH_SUFFIX_ENDINGS: &[&str] = &[
    "s", "'", "ed", "ing", "y", "Y", "anci", "enci", "ogi", "li", "iti", "l", "ism", "ion", "er",
    "ator", "e", "ic", "ant", "ent",
];

/// Whether the Snowball English stemmer returns `word` unchanged, decided without running it
/// (most names, products and typos in a note end in a letter no rule acts on): words of fewer
/// than three characters are never stemmed, and a word that does not start with an apostrophe,
/// has no `Y`, and ends in none of [`ENGLISH_SUFFIX_ENDINGS`] meets no rule. `false` means
/// "run the stemmer", not that the stem differs.
pub(crate) fn english_keeps(word: &str) -> bool {
    let mut chars = word.chars();
    if chars.next().is_none() || chars.next().is_none() || chars.next().is_none() {
        return true;
    }
    !word.starts_with('\'')
        && !word.contains('Y')
        && !ENGLISH_SUFFIX_ENDINGS.iter().any(|e| word.ends_with(e))
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
