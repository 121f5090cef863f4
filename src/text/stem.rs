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
pub(crate) struct WordStemmer(Option<Stemmer>);

impl WordStemmer {
    pub(crate) fn new(language: Language) -> WordStemmer {
        WordStemmer(language.algorithm().map(Stemmer::create))
    }

    /// The stem of a lowercase word. A word that would stem to "" (rust-stemmers' Greek stemmer
    /// does that to "ισα") is kept as it is, so no token ever vanishes.
    pub(crate) fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
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
