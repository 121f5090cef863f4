//! Text analysis: the fixed pipeline that turns a note into terms.
//!
//! ```text
//! note ─▶ normalize ─▶ tokenize ─▶ stem ─▶ terms
//!         NFKC, lowercase,   words, symbols,   Snowball stem
//!         strip invisibles,  markers (<money>, of each word;
//!         fold look-alikes   <percent>, <url>…) symbols and markers
//!                                              pass unchanged
//! ```
//!
//! [`Analyzer`] runs the whole pipeline. The classifier itself does not stem every word it
//! sees: its vocabulary caches "raw token → term", so known words skip the stemmer.
//!
//! ```
//! use nopitch::text::{Analyzer, Language};
//! let analyzer = Analyzer::new(Language::English);
//! assert_eq!(
//!     analyzer.terms("Save 15% on your SAP licensing!"),
//!     ["save", "<percent>", "on", "your", "sap", "licens", "!"]
//! );
//! ```

pub(crate) mod normalize;
mod stem;
pub(crate) mod tokenize;

pub use stem::Language;
pub use tokenize::{Marker, Token, MAX_WORD_BYTES};

pub(crate) use normalize::{normalize_into, NormalizedText};
pub(crate) use stem::{StemPrefixes, WordStemmer};
pub(crate) use tokenize::tokenize;

/// The text pipeline with its one setting, the stemming language.
///
/// Cheap to build and to clone; all methods take `&self`, so one analyzer can serve many threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Analyzer {
    language: Language,
}

impl Analyzer {
    /// An analyzer that stems with `language`'s Snowball stemmer.
    pub fn new(language: Language) -> Analyzer {
        Analyzer { language }
    }

    /// The stemming language.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The tokens of `text` before stemming, as strings: words as normalised, symbols as they
    /// are, markers as `<name>`. Never panics; linear in the length of `text`.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let mut normalized = NormalizedText::default();
        normalize_into(text, &mut normalized);
        let mut out = Vec::new();
        tokenize(&normalized, |token, _| {
            out.push(token_str(&token).to_string())
        });
        out
    }

    /// Calls `f` with each token of `text` in order, without allocating per token (one buffer
    /// for the normalised text per call). Never panics; linear in the length of `text`.
    pub fn for_each_token(&self, text: &str, mut f: impl FnMut(&Token<'_>)) {
        let mut normalized = NormalizedText::default();
        normalize_into(text, &mut normalized);
        tokenize(&normalized, |token, _| f(&token));
    }

    /// The terms of `text`: its tokens with every word stemmed. These are what features are
    /// made of. Never panics; linear in the length of `text`.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let stemmer = WordStemmer::new(self.language);
        let mut normalized = NormalizedText::default();
        normalize_into(text, &mut normalized);
        let mut out = Vec::new();
        tokenize(&normalized, |token, _| {
            out.push(match &token {
                Token::Word(w) => stemmer.stem(w).into_owned(),
                other => token_str(other).to_string(),
            })
        });
        out
    }
}

/// A token's text: the word, the symbol, or the marker's `<name>`.
pub(crate) fn token_str<'t>(token: &'t Token<'_>) -> &'t str {
    match token {
        Token::Word(w) => w,
        Token::Symbol(s) => s,
        Token::Marker(m) => m.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_stemmed_tokens() {
        let a = Analyzer::new(Language::English);
        assert_eq!(
            a.terms("We're saving hospitals 20% — book a demo at acme.io"),
            [
                "we'r",
                "save",
                "hospit",
                "<percent>",
                "book",
                "a",
                "demo",
                "at",
                "<url>"
            ]
        );
    }

    #[test]
    fn empty_and_whitespace_only_give_no_terms() {
        let a = Analyzer::default();
        assert!(a.terms("").is_empty());
        assert!(a.terms(" \n\t ").is_empty());
    }
}
