//! Splitting normalised text into tokens: words, symbols (emoji, CJK characters, `!`, `?`) and
//! markers that stand for a class of strings that carry meaning in pitches (money, percentages,
//! URLs, e-mail addresses, phone numbers, other numbers).
//!
//! The scanner moves forward only (each lookahead is bounded by the token it is testing), so it
//! runs in time linear in the length of the text and never panics on any input.

use std::borrow::Cow;
use std::ops::Range;

use super::normalize::NormalizedText;
use crate::lookup::word_head;

/// Words longer than this many bytes become [`Marker::LongWord`]: no real word is that long,
/// and keeping them would let one junk string fill the vocabulary.
pub const MAX_WORD_BYTES: usize = 48;

/// One token of a note.
///
/// Punctuation marks are symbols too: "!!!" is one `!`, a lone "£" is `£`. The notes measured in
/// the shared tokenization study (and nopitch's own SMS results) show they carry signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// A word (letters and digits, with internal apostrophes or `&`), to be stemmed.
    Word(Cow<'a, str>),
    /// An emoji, a CJK character or a punctuation mark: used as it is, never stemmed.
    Symbol(&'a str),
    /// A stand-in for a class of strings.
    Marker(Marker),
}

/// A class of strings replaced by one token, because the class carries the meaning and the
/// exact value does not ("save 15%" and "save 20%" are the same pitch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Marker {
    /// A web address: `https://…`, `www.…` or a bare domain such as `acme.io/demo`.
    Url,
    /// An e-mail address.
    Email,
    /// An amount of money: `$5k`, `€200`, `USD 1,000`, `£1.50`, `500 dollars`.
    Money,
    /// A percentage: `15%`, `15 percent`, `15 per cent`.
    Percent,
    /// A phone number: 7 to 15 digits in groups, or after `+` or `(`.
    Phone,
    /// Any other number, bucketed by its count of integer digits (1 to 5, where 5 means 5 or more).
    Number(u8),
    /// A "word" longer than [`MAX_WORD_BYTES`].
    LongWord,
}

impl Marker {
    /// Every marker, in the order of [`Marker::index`].
    pub(crate) const ALL: [Marker; 11] = [
        Marker::Url,
        Marker::Email,
        Marker::Money,
        Marker::Percent,
        Marker::Phone,
        Marker::Number(1),
        Marker::Number(2),
        Marker::Number(3),
        Marker::Number(4),
        Marker::Number(5),
        Marker::LongWord,
    ];

    /// The marker's position in [`Marker::ALL`] (numbers of 5 or more digits share one). A new
    /// marker goes into both (a test checks that they agree).
    pub(crate) fn index(self) -> usize {
        match self {
            Marker::Url => 0,
            Marker::Email => 1,
            Marker::Money => 2,
            Marker::Percent => 3,
            Marker::Phone => 4,
            Marker::Number(n) => 4 + n.clamp(1, 5) as usize,
            Marker::LongWord => 10,
        }
    }

    /// The term this marker contributes to features, e.g. `<money>`. Angle brackets never occur
    /// in word tokens, so markers cannot collide with words.
    pub fn as_str(self) -> &'static str {
        match self {
            Marker::Url => "<url>",
            Marker::Email => "<email>",
            Marker::Money => "<money>",
            Marker::Percent => "<percent>",
            Marker::Phone => "<phone>",
            Marker::Number(1) => "<num1>",
            Marker::Number(2) => "<num2>",
            Marker::Number(3) => "<num3>",
            Marker::Number(4) => "<num4>",
            Marker::Number(_) => "<num5+>",
            Marker::LongWord => "<long>",
        }
    }
}

const TLDS: &[&str] = &[
    "com", "org", "net", "io", "ai", "co", "app", "dev", "biz", "info", "me", "us", "uk", "de",
    "fr", "nl", "es", "it", "in", "ng", "ke", "gh", "za", "au", "ca", "sg", "hk", "nz", "ie",
    "edu", "gov", "tech", "xyz", "ly", "eu", "ch", "se", "no", "br", "mx", "ph", "jp", "cn", "ru",
    "pl", "ae", "online", "site", "store", "shop", "cloud", "agency", "digital", "pro", "tv", "gg",
];

/// Domain endings that are also common English words.
const WORD_LIKE_TLDS: &[&str] = &["in", "it", "me", "no", "us"];

const CURRENCY_CODES_BEFORE: &[&str] = &[
    "usd", "eur", "gbp", "inr", "rs", "ngn", "kes", "zar", "aud", "cad", "sgd", "chf", "jpy",
    "brl", "mxn", "php", "hkd", "aed", "ghs", "nzd",
];

const CURRENCY_WORDS_AFTER: &[&str] = &[
    "usd",
    "eur",
    "gbp",
    "inr",
    "ngn",
    "kes",
    "zar",
    "aud",
    "cad",
    "sgd",
    "dollars",
    "dollar",
    "bucks",
    "euros",
    "euro",
    "pounds",
    "quid",
    "rupees",
    "naira",
    "cedis",
    "shillings",
    "rand",
    "yen",
    "pesos",
    "reais",
];

const MAGNITUDES: &[&str] = &[
    "k", "m", "mm", "mn", "bn", "b", "thousand", "million", "billion", "lakh", "lakhs", "crore",
    "crores", "cr",
];

/// Whether a word of one to three bytes is one of [`CURRENCY_CODES_BEFORE`], by comparing
/// integers rather than strings: every short word of a note is checked.
fn is_currency_code(word: &[u8]) -> bool {
    const fn pack(w: &[u8]) -> u32 {
        let mut k = 0u32;
        let mut i = 0;
        while i < w.len() {
            k = k << 8 | w[i] as u32;
            i += 1;
        }
        k
    }
    const CODES: [u32; CURRENCY_CODES_BEFORE.len()] = {
        let mut out = [0u32; CURRENCY_CODES_BEFORE.len()];
        let mut i = 0;
        while i < out.len() {
            out[i] = pack(CURRENCY_CODES_BEFORE[i].as_bytes());
            i += 1;
        }
        out
    };
    // For each first letter, the last letters of the codes that start with it: most short words
    // ("the", "you", "for") are told apart by these two bits before any comparison.
    const ENDS: [u32; 26] = {
        let mut out = [0u32; 26];
        let mut i = 0;
        while i < CURRENCY_CODES_BEFORE.len() {
            let code = CURRENCY_CODES_BEFORE[i].as_bytes();
            out[(code[0] - b'a') as usize] |= 1 << (code[code.len() - 1] - b'a');
            i += 1;
        }
        out
    };
    let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
        return false;
    };
    if word.len() > 3 || !first.is_ascii_lowercase() || !last.is_ascii_lowercase() {
        return false;
    }
    ENDS[(first - b'a') as usize] >> (last - b'a') & 1 == 1 && CODES.contains(&pack(word))
}

fn is_currency_symbol(c: char) -> bool {
    matches!(
        c,
        '$' | '€'
            | '£'
            | '¥'
            | '₹'
            | '₦'
            | '₵'
            | '₩'
            | '₽'
            | '₺'
            | '₱'
            | '₪'
            | '¢'
            | '₫'
            | '฿'
            | '₴'
    )
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1F3FA}' | '\u{1F400}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}'
        | '\u{2B00}'..='\u{2BFF}' | '\u{2300}'..='\u{23FF}' | '\u{2190}'..='\u{21FF}')
}

fn is_emoji_modifier(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

/// Combining marks of scripts whose words contain them (Indic vowel signs and viramas, Arabic
/// and Hebrew points, Thai vowels, generic combining diacritics). `char::is_alphanumeric` says
/// no to many of them, which would cut such words apart.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}'
        | '\u{0900}'..='\u{0963}' | '\u{0966}'..='\u{0DFF}' | '\u{0E31}'..='\u{0E3A}'
        | '\u{0E47}'..='\u{0E4E}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}' | '\u{3099}'..='\u{309A}')
}

/// Characters that make up a word segment.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    (c.is_alphanumeric() || is_mark(c)) && !is_cjk(c)
}

/// Characters that join word segments into a compound (`acme.io`, `jane@acme.io`, `follow-up`).
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '@' | '-' | '_' | '/' | ':' | '+')
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

/// The tokens of `text`, handed to `emit` in order with the byte range of `text` each one was
/// read from (a marker's whole amount or address, a rejoined word's letters and spaces).
pub(crate) fn tokenize<'a>(text: &'a NormalizedText, emit: impl FnMut(Token<'a>, Range<usize>)) {
    tokenize_with::<true>(text, &mut FnSink(emit))
}

/// Receives tokens. Plain ASCII words and one-byte punctuation, the bulk of a note, come through
/// [`TokenSink::plain_word`] and [`TokenSink::ascii_symbol`], which a caller can implement without
/// building a [`Token`].
pub(crate) trait TokenSink<'a> {
    fn token(&mut self, token: Token<'a>, range: Range<usize>);

    /// A word of ASCII lowercase letters and digits (with `'` or `&` inside: "i'd", "r&d") of at
    /// most [`MAX_WORD_BYTES`] bytes, as `Token::Word` would carry it, and its [`word_head`]
    /// (which a word table needs first).
    #[inline(always)]
    fn plain_word(&mut self, word: &'a str, range: Range<usize>, _head: u64) {
        self.token(Token::Word(Cow::Borrowed(word)), range)
    }

    /// A one-byte ASCII punctuation mark `byte` (`symbol` is its text) and its run, as
    /// `Token::Symbol` would carry it.
    #[inline(always)]
    fn ascii_symbol(&mut self, _byte: u8, symbol: &'a str, range: Range<usize>) {
        self.token(Token::Symbol(symbol), range)
    }
}

/// A closure as a [`TokenSink`].
struct FnSink<F>(F);

impl<'a, F: FnMut(Token<'a>, Range<usize>)> TokenSink<'a> for FnSink<F> {
    #[inline(always)]
    fn token(&mut self, token: Token<'a>, range: Range<usize>) {
        (self.0)(token, range)
    }
}

/// [`tokenize`] into a [`TokenSink`].
pub(crate) fn tokenize_into<'a>(text: &'a NormalizedText, sink: &mut impl TokenSink<'a>) {
    tokenize_with::<true>(text, sink)
}

/// [`tokenize`], with its shortcuts for the bulk of a note (`FAST`) or without them (the plain
/// scanner, which tests compare it with).
fn tokenize_with<'a, const FAST: bool>(text: &'a NormalizedText, emit: &mut impl TokenSink<'a>) {
    let s = text.as_str();
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        // Shortcuts for the bulk of a note: ASCII spaces, plain lowercase words and punctuation,
        // which the general scanner below would emit the same way (see `plain_word_end`).
        match b.get(i).filter(|_| FAST) {
            Some(b' ') => {
                i += 1;
                continue;
            }
            Some(x) if x.is_ascii_lowercase() => {
                if let Some(end) = plain_word_end(s, i) {
                    match s.get(i..end) {
                        Some(w) if w.len() <= MAX_WORD_BYTES => {
                            emit.plain_word(w, i..end, word_head_in(b, i, w.len()))
                        }
                        _ => emit.token(Token::Marker(Marker::LongWord), i..end),
                    }
                    i = end;
                    continue;
                }
            }
            // Punctuation that starts nothing else (a phone number, an amount), as below.
            Some(&x) if x.is_ascii_punctuation() && !matches!(x, b'+' | b'(' | b'$') => {
                let start = i;
                i += 1;
                while b.get(i) == Some(&x) {
                    i += 1;
                }
                emit.ascii_symbol(x, &s[start..start + 1], start..i);
                continue;
            }
            _ => {}
        }
        let Some(c) = char_at(s, i) else { break };
        let len = c.len_utf8();
        if c.is_whitespace() {
            i += len;
            continue;
        }
        if let Some(end) = url_with_scheme(s, i) {
            emit.token(Token::Marker(Marker::Url), i..end);
            i = end;
            continue;
        }
        if c == '+' || c == '(' || c.is_ascii_digit() {
            if let Some(end) = phone(s, i) {
                emit.token(Token::Marker(Marker::Phone), i..end);
                i = end;
                continue;
            }
        }
        if is_currency_symbol(c) {
            let mut j = i + len;
            if s[j..].starts_with(' ') {
                j += 1;
            }
            if s[j..].starts_with(|c: char| c.is_ascii_digit()) {
                let (end, _) = number(s, j);
                let end = skip_magnitude(s, end);
                emit.token(Token::Marker(Marker::Money), i..end);
                i = end;
            } else {
                i += len;
            }
            continue;
        }
        if c.is_ascii_digit() {
            i = scan_number(s, i, emit);
            continue;
        }
        if is_word_char(c) {
            i = scan_compound(s, i, emit);
            continue;
        }
        if c.is_ascii_punctuation() || is_currency_symbol(c) {
            // Punctuation carries signal ("!", "?", "£", "&"): one token per run of the same mark.
            let end = s[i..].find(|x: char| x != c).map_or(s.len(), |k| i + k);
            emit.token(Token::Symbol(&s[i..i + len]), i..end);
            i = end;
            continue;
        }
        if is_cjk(c) || is_emoji(c) {
            let start = i;
            i += len;
            while let Some(m) = char_at(s, i).filter(|&m| is_emoji_modifier(m)) {
                i += m.len_utf8();
            }
            emit.token(Token::Symbol(&s[start..start + len]), start..i);
            continue;
        }
        i += len;
    }
}

/// ASCII letters and digits: the bytes of a plain word.
static ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The end of the word at `i` if it is a plain word, which the general scanner would emit as it
/// is: ASCII letters and digits starting with a lowercase letter, with `'` or `&` inside it
/// before another letter or digit ("i'd", "r&d"), followed by the end of the text or an ASCII
/// byte that neither continues it (`'` or `&` before a word character) nor joins it to another
/// segment (a joiner before a word character). It is then not a URL with a scheme (checked),
/// a number or a phone number (it starts with a letter) or an e-mail address or domain (no joiner);
/// it is not a currency code before an amount (see `amount_at`);
/// and a single letter counts only before a space and a word of two or more letters or digits,
/// where it cannot start a spaced-out word ("s a l e").
#[inline(always)]
fn plain_word_end(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut j = ascii_word_end(b, i + 1);
    // An apostrophe or `&` before another letter or digit continues the word ("i'd", "r&d"),
    // as in `segment_end`.
    while matches!(b.get(j), Some(b'\'' | b'&'))
        && b.get(j + 1).is_some_and(|&x| ASCII_WORD[x as usize])
    {
        j = ascii_word_end(b, j + 1);
    }
    let word_at = |k: usize| {
        b.get(k)
            .is_some_and(|&x| !x.is_ascii() || ASCII_WORD[x as usize])
    };
    let ends = match b.get(j) {
        None => true,
        Some(&n) if !n.is_ascii() => false,
        Some(&n) if matches!(n, b'\'' | b'&') || is_joiner(n as char) => !word_at(j + 1),
        Some(_) => true,
    };
    if !ends {
        return None;
    }
    let len = j - i;
    if len == 1 {
        let before_word = b.get(j) == Some(&b' ')
            && b.get(j + 1).is_some_and(|&x| ASCII_WORD[x as usize])
            && b.get(j + 2).is_some_and(|&x| ASCII_WORD[x as usize]);
        return before_word.then_some(j);
    }
    if len <= 3 && amount_at(b, j) && is_currency_code(&b[i..j]) {
        return None;
    }
    // A URL with a scheme starts "http:", "https:" or "www.": a plain word followed by ':' or '.'.
    if matches!(b.get(j), Some(b':' | b'.')) && url_with_scheme(s, i).is_some() {
        return None;
    }
    Some(j)
}

/// The [`word_head`] of the `len` bytes of `b` at `i` (`len` ≥ 1), in one load when `b` goes on
/// for eight bytes: no branch on the word's length, which varies from word to word.
#[inline(always)]
fn word_head_in(b: &[u8], i: usize, len: usize) -> u64 {
    match b.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        Some(chunk) => u64::from_le_bytes(*chunk) & u64::MAX >> (64 - 8 * len.clamp(1, 8)),
        None => word_head(b.get(i..i + len).unwrap_or(&[])),
    }
}

/// The first byte at or after `j` that is not an ASCII letter or digit (or `b.len()`). Eight
/// bytes at a time: the end of a word is found without a branch per byte, whose exit the CPU
/// would mispredict once per word.
#[inline(always)]
fn ascii_word_end(b: &[u8], mut j: usize) -> usize {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn each(x: u8) -> u64 {
        x as u64 * 0x0101_0101_0101_0101
    }
    // Per byte, the high bit is set where the byte is in `lo..=hi` (for bytes below 0x80).
    let in_range = |x: u64, lo: u8, hi: u8| {
        x.wrapping_add(each(0x80 - lo)) & !x.wrapping_add(each(0x7F - hi)) & HIGH
    };
    while let Some(chunk) = b.get(j..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*chunk);
        let x = w & LOW;
        let word =
            (in_range(x, b'0', b'9') | in_range(x, b'A', b'Z') | in_range(x, b'a', b'z')) & !w;
        let other = !word & HIGH;
        if other != 0 {
            return j + (other.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < b.len() && ASCII_WORD[b[j] as usize] {
        j += 1;
    }
    j
}

/// Whether an amount follows a word ending at `j` as `scan_compound` reads one after a currency
/// code: an optional `.`, an optional space, then a digit. Checked before the code itself: most
/// short words are followed by a space and a letter.
#[inline]
fn amount_at(b: &[u8], mut j: usize) -> bool {
    if b.get(j) == Some(&b'.') {
        j += 1;
    }
    if b.get(j) == Some(&b' ') {
        j += 1;
    }
    b.get(j).is_some_and(u8::is_ascii_digit)
}

/// `http://`, `https://` or `www.` at `i` (at the start of a word): the end of the URL.
fn url_with_scheme(s: &str, i: usize) -> Option<usize> {
    let rest = &s[i..];
    if !rest.starts_with(['h', 'w']) {
        return None;
    }
    if !(rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www.")) {
        return None;
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>'))
        .unwrap_or(rest.len());
    Some(i + end)
}

/// A phone number starting at `i`, if there is one: the end of it.
fn phone(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut j = i;
    let starts_plus = b[j] == b'+';
    if starts_plus {
        j += 1;
    }
    let mut digits = 0usize;
    let mut groups = 0usize;
    let mut has_paren = false;
    let mut end = i;
    while j < b.len() {
        // Separators: at most two in a row (") " or " - ").
        let mut k = j;
        let mut seps = 0;
        while k < b.len() && matches!(b[k], b' ' | b'-' | b'.' | b'(' | b')') && seps < 3 {
            has_paren |= b[k] == b'(';
            k += 1;
            seps += 1;
        }
        if k >= b.len() || !b[k].is_ascii_digit() || (seps == 0 && groups > 0) {
            break;
        }
        let start = k;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        digits += k - start;
        groups += 1;
        end = k;
        j = k;
        if digits > 15 {
            return None;
        }
    }
    // A phone number must not run straight into a word ("2024abc") or continue as a decimal/list.
    if b.get(end)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'%' || c == b',')
    {
        return None;
    }
    let ok = (7..=15).contains(&digits)
        && (starts_plus || has_paren || groups >= 3 || (groups == 1 && digits >= 10));
    ok.then_some(end)
}

/// Digits with `,` or `.` between digits, from `i`: the end and the count of integer digits.
fn number(s: &str, i: usize) -> (usize, usize) {
    let b = s.as_bytes();
    let mut j = i;
    let mut int_digits = 0;
    let mut in_fraction = false;
    while j < b.len() {
        if b[j].is_ascii_digit() {
            if !in_fraction {
                int_digits += 1;
            }
            j += 1;
        } else if matches!(b[j], b',' | b'.') && b.get(j + 1).is_some_and(|c| c.is_ascii_digit()) {
            in_fraction |= b[j] == b'.';
            j += 1;
        } else {
            break;
        }
    }
    (j, int_digits)
}

/// The word starting at `i` (ASCII letters only) and its end, if the next thing is a word.
fn next_ascii_word(s: &str, i: usize) -> Option<(&str, usize)> {
    let rest = s.get(i..)?;
    let end = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    (end > 0).then(|| (&rest[..end], i + end))
}

/// Skips a magnitude ("k", "million", " bn") after an amount of money.
fn skip_magnitude(s: &str, i: usize) -> usize {
    for gap in [0, 1] {
        if gap == 1 && !s[i..].starts_with(' ') {
            break;
        }
        if let Some((w, end)) = next_ascii_word(s, i + gap) {
            if MAGNITUDES.contains(&w) {
                return end;
            }
        }
    }
    i
}

/// A number at `i`: percent, money (with a currency word after it), or a plain number.
fn scan_number<'a>(s: &'a str, i: usize, emit: &mut impl TokenSink<'a>) -> usize {
    let (end, digits) = number(s, i);
    let rest = &s[end..];
    if rest.starts_with('%') {
        emit.token(Token::Marker(Marker::Percent), i..end + 1);
        return end + 1;
    }
    if rest.starts_with(" %") {
        emit.token(Token::Marker(Marker::Percent), i..end + 2);
        return end + 2;
    }
    // Letters glued to the number: "5k" is a number with a magnitude, "3rd" or "24x7" a word.
    if let Some((w, wend)) = next_ascii_word(s, end) {
        if !MAGNITUDES.contains(&w) {
            return scan_compound(s, i, emit);
        }
        if let Some(after) = currency_word_after(s, wend) {
            emit.token(Token::Marker(Marker::Money), i..after);
            return after;
        }
        emit.token(Token::Marker(Marker::Number(digits.min(5) as u8)), i..wend);
        return wend;
    }
    if rest.starts_with(' ') {
        if let Some((w, wend)) = next_ascii_word(s, end + 1) {
            if matches!(w, "percent" | "pct" | "percentage") {
                emit.token(Token::Marker(Marker::Percent), i..wend);
                return wend;
            }
            let cent_ends = s[wend..]
                .strip_prefix(" cent")
                .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric()));
            if w == "per" && cent_ends {
                emit.token(Token::Marker(Marker::Percent), i..wend + 5);
                return wend + 5;
            }
        }
    }
    if let Some(after) = currency_word_after(s, skip_magnitude(s, end)) {
        emit.token(Token::Marker(Marker::Money), i..after);
        return after;
    }
    emit.token(Token::Marker(Marker::Number(digits.min(5) as u8)), i..end);
    end
}

/// A currency word after an amount (" dollars", " usd"): the end of it.
fn currency_word_after(s: &str, i: usize) -> Option<usize> {
    let start = if s[i..].starts_with(' ') { i + 1 } else { i };
    let (w, end) = next_ascii_word(s, start)?;
    CURRENCY_WORDS_AFTER.contains(&w).then_some(end)
}

/// A word or compound (`follow-up`, `acme.io/demo`, `jane@acme.io`, `f.r.e.e`) at `i`.
fn scan_compound<'a>(s: &'a str, i: usize, emit: &mut impl TokenSink<'a>) -> usize {
    // Segments: word characters with internal apostrophes or '&'; joined by one joiner each.
    // (`plain_word_end` takes a shortcut through this function: keep the two in step.)
    let mut j = i;
    let mut joiners = 0usize;
    loop {
        j = segment_end(s, j);
        match char_at(s, j) {
            Some(c) if is_joiner(c) && char_at(s, j + 1).is_some_and(is_word_char) => {
                joiners += 1;
                j += 1;
            }
            _ => break,
        }
    }
    let compound = &s[i..j];
    if joiners > 0 {
        if let Some(at) = compound.find('@') {
            if at > 0 && compound[at + 1..].contains('.') {
                emit.token(Token::Marker(Marker::Email), i..j);
                return j;
            }
        }
        let host = compound.split('/').next().unwrap_or("");
        if let Some((_, tld)) = host.rsplit_once('.') {
            // "soon.In the…" is a missing space, not a domain: endings that are also English
            // words count only with a path or a second dot ("acme.in/x", "acme.co.in").
            let word_like = WORD_LIKE_TLDS.contains(&tld);
            let domain_shaped =
                !word_like || compound.contains('/') || host.matches('.').count() >= 2;
            if TLDS.contains(&tld) && domain_shaped && !host.contains('@') {
                emit.token(Token::Marker(Marker::Url), i..j);
                return j;
            }
        }
        // "f.r.e.e", "s-a-l-e": letter-spaced words are rejoined.
        let parts = compound.split(is_joiner);
        if joiners >= 2 && parts.clone().all(is_one_char) {
            emit_word(Cow::Owned(parts.collect()), i..j, emit);
            return j;
        }
        let mut start = i;
        for part in compound.split(is_joiner) {
            emit_word(Cow::Borrowed(part), start..start + part.len(), emit);
            // The part, then its joiner (always one byte).
            start += part.len() + 1;
        }
        return j;
    }
    // A single letter followed by more single letters separated by single spaces: "s a l e".
    let mut chars = compound.chars();
    if chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none() {
        // "in a f r e e trial" is "in a free trial": inside a sentence, the words "a" and "i" do
        // not start a spaced run when the letters after them make one on their own. At the start
        // of a sentence they do ("I n t e r e s t e d?").
        let mid_sentence = s[..i]
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == ',');
        if mid_sentence && matches!(compound, "a" | "i") {
            let next = s
                .get(j + 1..j + 2)
                .filter(|n| s[j..].starts_with(' ') && n.chars().all(|c| c.is_ascii_alphabetic()));
            if let Some(next) = next {
                let (joined, end) = letter_spaced(s, j + 2, next);
                if let Some(word) = joined {
                    emit_word(Cow::Borrowed(compound), i..j, emit);
                    emit_word(Cow::Owned(word), j + 1..end, emit);
                    return end;
                }
            }
        }
        let (joined, end) = letter_spaced(s, j, compound);
        if let Some(word) = joined {
            emit_word(Cow::Owned(word), i..end, emit);
            return end;
        }
    }
    // A currency code before an amount: "usd 1,000", "rs 500", "rs. 500".
    if compound.len() <= 3 && CURRENCY_CODES_BEFORE.contains(&compound) {
        let mut k = j;
        if s[k..].starts_with('.') {
            k += 1;
        }
        if s[k..].starts_with(' ') {
            k += 1;
        }
        if s[k..].starts_with(|c: char| c.is_ascii_digit()) {
            let (end, _) = number(s, k);
            let end = skip_magnitude(s, end);
            emit.token(Token::Marker(Marker::Money), i..end);
            return end;
        }
    }
    emit_word(Cow::Borrowed(compound), i..j, emit);
    j
}

fn is_one_char(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some() && chars.next().is_none()
}

/// The end of a segment: word characters, with `'` or `&` allowed between word characters.
fn segment_end(s: &str, mut j: usize) -> usize {
    let b = s.as_bytes();
    loop {
        // ASCII fast path.
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let Some(c) = char_at(s, j) else { break };
        if is_word_char(c) {
            j += c.len_utf8();
        } else if (c == '\'' || c == '&') && char_at(s, j + 1).is_some_and(is_word_char) {
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// After a one-letter word ending at `j`, collects "s a l e"-style letters separated by one
/// space (or `*`): the joined word if there are at least three letters, and where it ends.
fn letter_spaced(s: &str, j: usize, first: &str) -> (Option<String>, usize) {
    // Find the run first; allocate only when it is long enough to rejoin.
    let mut letters = 1;
    let mut end = j;
    while let Some(sep) = char_at(s, end).filter(|c| matches!(c, ' ' | '*' | '·')) {
        let at = end + sep.len_utf8();
        let Some(letter) = char_at(s, at).filter(|c| c.is_alphabetic() && !is_cjk(*c)) else {
            break;
        };
        let after = at + letter.len_utf8();
        if char_at(s, after).is_some_and(is_word_char) {
            break;
        }
        letters += 1;
        end = after;
    }
    if letters < 3 {
        return (None, j);
    }
    let mut word = String::from(first);
    word.extend(s[j..end].chars().filter(|c| !matches!(c, ' ' | '*' | '·')));
    (Some(word), end)
}

fn emit_word<'a>(word: Cow<'a, str>, range: Range<usize>, emit: &mut impl TokenSink<'a>) {
    if word.len() > MAX_WORD_BYTES {
        emit.token(Token::Marker(Marker::LongWord), range);
    } else {
        emit.token(Token::Word(word), range);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::text::normalize::normalize_into;

    /// The tokens of `text` as strings: words as they are, markers as `<name>`.
    pub(crate) fn tokens(text: &str) -> Vec<String> {
        let mut n = NormalizedText::default();
        normalize_into(text, &mut n);
        let mut out = Vec::new();
        tokenize(&n, |t, _| {
            out.push(match t {
                Token::Word(w) => w.into_owned(),
                Token::Symbol(s) => s.to_string(),
                Token::Marker(m) => m.as_str().to_string(),
            })
        });
        out
    }

    fn assert_tokens(text: &str, expected: &[&str]) {
        assert_eq!(tokens(text), expected, "tokens of {text:?}");
    }

    #[test]
    fn words_and_contractions() {
        assert_tokens(
            "I'd love to hear about your IT priorities",
            &[
                "i'd",
                "love",
                "to",
                "hear",
                "about",
                "your",
                "it",
                "priorities",
            ],
        );
        assert_tokens(
            "Don't miss O'Brien's 'quote'",
            &["don't", "miss", "o'brien's", "'", "quote", "'"],
        );
        assert_tokens("R&D and AT&T", &["r&d", "and", "at&t"]);
    }

    #[test]
    fn hyphenated_words_are_split() {
        assert_tokens(
            "a follow-up with our co-founder",
            &["a", "follow", "up", "with", "our", "co", "founder"],
        );
    }

    #[test]
    fn percentages() {
        assert_tokens(
            "save 15% or 15 percent or 2.5 per cent",
            &["save", "<percent>", "or", "<percent>", "or", "<percent>"],
        );
    }

    #[test]
    fn money() {
        assert_tokens(
            "$5k €200 USD 1,000 £1.50 Rs. 500 500 dollars $2 million",
            &[
                "<money>", "<money>", "<money>", "<money>", "<money>", "<money>", "<money>",
            ],
        );
    }

    #[test]
    fn urls_and_emails() {
        assert_tokens(
            "see https://acme.io/demo?x=1, www.acme.com or calendly.com/jane-doe",
            &["see", "<url>", "<url>", "or", "<url>"],
        );
        assert_tokens(
            "mail jane.doe+x@acme.co.uk today",
            &["mail", "<email>", "today"],
        );
        // A missing space after a full stop is not a domain.
        assert_tokens("done.Looking forward", &["done", "looking", "forward"]);
        assert_tokens("Hi Sam.It was great", &["hi", "sam", "it", "was", "great"]);
        assert_tokens(
            "see acme.in/demo or acme.co.in",
            &["see", "<url>", "or", "<url>"],
        );
    }

    #[test]
    fn phone_numbers_and_numbers() {
        assert_tokens(
            "call +1 (555) 123-4567 or 0803 123 4567",
            &["call", "<phone>", "or", "<phone>"],
        );
        assert_tokens(
            "in 2019 we had 5 sites and 120 staff",
            &[
                "in", "<num4>", "we", "had", "<num1>", "sites", "and", "<num3>", "staff",
            ],
        );
        assert_tokens(
            "the 2019-2020 season",
            &["the", "<num4>", "-", "<num4>", "season"],
        );
        assert_tokens(
            "5k followers, 3rd time",
            &["<num1>", "followers", ",", "3rd", "time"],
        );
    }

    #[test]
    fn emoji_and_punctuation() {
        assert_tokens(
            "Great work!!! 🙌🏽🚀 right?",
            &["great", "work", "!", "🙌", "🚀", "right", "?"],
        );
    }

    #[test]
    fn cjk_characters_are_single_tokens() {
        assert_tokens("你好朋友", &["你", "好", "朋", "友"]);
    }

    #[test]
    fn other_scripts_stay_whole() {
        assert_tokens("Привет коллега", &["привет", "коллега"]);
        assert_tokens("नमस्ते दोस्त", &["नमस्ते", "दोस्त"]);
    }

    #[test]
    fn letter_spaced_and_dotted_words_are_rejoined() {
        assert_tokens("s a l e now", &["sale", "now"]);
        assert_tokens("f.r.e.e demo", &["free", "demo"]);
        assert_tokens("plan a or b", &["plan", "a", "or", "b"]);
        assert_tokens("in a f r e e trial", &["in", "a", "free", "trial"]);
        assert_tokens("in a ! b c", &["in", "a", "!", "b", "c"]);
        assert_tokens("3 per centimetre", &["<num1>", "per", "centimetre"]);
        assert_tokens("I n t e r e s t e d?", &["interested", "?"]);
        assert_tokens("a b c", &["abc"]);
        assert_tokens("e.g. this", &["e", "g", ".", "this"]);
    }

    /// The tokens, with the shortcuts or without.
    fn tokens_with<const FAST: bool>(text: &str) -> Vec<(Token<'static>, Range<usize>)> {
        let mut n = NormalizedText::default();
        normalize_into(text, &mut n);
        let mut out = Vec::new();
        tokenize_with::<FAST>(
            &n,
            &mut FnSink(|t: Token<'_>, range: Range<usize>| {
                let t = match t {
                    Token::Word(w) => Token::Word(Cow::Owned(w.into_owned())),
                    Token::Symbol(s) => Token::Word(Cow::Owned(format!("symbol {s}"))),
                    Token::Marker(m) => Token::Marker(m),
                };
                out.push((t, range))
            }),
        );
        out
    }

    /// Every token's range is a non-empty slice of the normalised text, after the one before;
    /// a word's range holds its letters in order.
    #[test]
    fn token_ranges_slice_the_text_in_order() {
        let mut texts = crate::text::normalize::tests::sample_texts();
        texts.extend(
            [
                "f.r.e.e demo",
                "in a f r e e trial",
                "s a l e",
                "s-a-l-e now",
                "$5k",
                "usd 1,000",
                "15 per cent",
                "call +1 (555) 123-4567",
                "jo@acme.io",
                "follow-up",
                "🙌🏽 ok",
            ]
            .map(String::from),
        );
        for text in texts {
            let mut n = NormalizedText::default();
            normalize_into(&text, &mut n);
            let s = n.as_str();
            let mut previous_end = 0;
            tokenize(&n, |t, range| {
                let slice = s.get(range.clone());
                assert!(
                    slice.is_some_and(|x| !x.is_empty()),
                    "{text:?}: {range:?} of {s:?}"
                );
                assert!(range.start >= previous_end, "{text:?}: {range:?} overlaps");
                previous_end = range.end;
                if let Token::Word(w) = t {
                    let mut letters = slice.unwrap_or("").chars();
                    assert!(
                        w.chars().all(|c| letters.any(|l| l == c)),
                        "{text:?}: {w:?} is not in {slice:?}"
                    );
                }
            });
        }
    }

    #[test]
    fn shortcuts_give_the_plain_scanners_tokens() {
        let mut texts = crate::text::normalize::tests::sample_texts();
        texts.extend(
            [
                "www. x",
                "www.acme.io",
                "http: //x",
                "https://a.b/c",
                "usd 100",
                "rs. 500",
                "usd100",
                "rs.500",
                "gbp. 7k",
                "inr .5",
                "usd x",
                "rs.x",
                "eur  5",
                "eur",
                "a b c",
                "in a f r e e trial",
                "i d",
                "i do",
                "x y zz",
                "a1 b2",
                "don't",
                "don' t",
                "at&t",
                "r& d",
                "i'd love it",
                "o'brien's 'quote'",
                "it's.",
                "it's. www.x",
                "don't-care",
                "we're@acme.io",
                "i'",
                "i''d",
                "i'&d",
                "a'b'c'd'e'f'g'h'i'j",
                "x'é",
                "x'1 usd'5",
                "rock'n'roll&blues",
                "you're, we've; they'll!",
                "a'b.c",
                "http'x://a.b",
                "done.looking",
                "done. looking",
                "e.g. this",
                "ok.",
                "ok-",
                "ok- go",
                "ok-go",
                "a.b",
                "s a l e now",
                "hi!!! ok??",
                "(555) 123 4567",
                "+1 555",
                "$5",
                "# tag",
                "email jo@acme.io.",
                "café au lait",
                "naïve",
                "x\u{301}y",
            ]
            .map(String::from),
        );
        for text in texts {
            assert_eq!(
                tokens_with::<true>(&text),
                tokens_with::<false>(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_marker_has_its_place() {
        for (i, m) in Marker::ALL.iter().enumerate() {
            assert_eq!(m.index(), i, "{m:?}");
        }
        assert_eq!(Marker::Number(9).index(), Marker::Number(5).index());
    }

    #[test]
    fn empty_and_junk() {
        assert_tokens("", &[]);
        assert_tokens("   \t\n ", &[]);
        assert_tokens("...,,;;", &[".", ",", ";"]);
        let long = "a".repeat(1000);
        assert_tokens(&long, &["<long>"]);
    }

    /// The eight-bytes-at-a-time scans against byte-by-byte ones, from every position of random
    /// texts of 1 to 32 bytes: mostly letters and digits (so that words run over several
    /// 8-byte blocks), the rest any of the 256 byte values; and each byte value after a word,
    /// at each place of a block.
    #[test]
    fn word_ends_and_heads_are_found_as_byte_by_byte() {
        let mut seed = 1u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 32
        };
        const WORDY: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for _ in 0..30_000 {
            let len = next() as usize % 32 + 1;
            let bytes: Vec<u8> = (0..len)
                .map(|_| match next() % 8 {
                    0 => next() as u8,
                    _ => WORDY[next() as usize % WORDY.len()],
                })
                .collect();
            for j in 0..=len {
                let mut k = j;
                while k < len && ASCII_WORD[bytes[k] as usize] {
                    k += 1;
                }
                assert_eq!(ascii_word_end(&bytes, j), k, "{bytes:?} {j}");
                for n in 1..=len - j {
                    let head = word_head(&bytes[j..j + n]);
                    assert_eq!(word_head_in(&bytes, j, n), head, "{bytes:?} {j} {n}");
                }
            }
        }
        for x in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = [b'w'; 20];
                bytes[at] = x;
                let expect = if ASCII_WORD[x as usize] { 20 } else { at };
                assert_eq!(ascii_word_end(&bytes, 0), expect, "{x} at {at}");
            }
        }
    }
}
