//! Unicode normalisation and case folding, the first stage of the text pipeline.
//!
//! The output is a [`NormalizedText`]: NFKC (which also folds fullwidth forms and mathematical
//! alphanumerics to plain letters), lowercase, with invisible characters removed, typographic
//! apostrophes made ASCII, control characters turned into spaces, and Cyrillic and Greek
//! look-alikes of Latin letters folded to Latin inside words that are mostly Latin. The
//! tokenizer only accepts a [`NormalizedText`], so it never sees text that skipped this stage.

use std::ops::Range;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Text that has been through [`normalize_into`]: NFKC, lowercase, no invisible characters.
///
/// A short ASCII text (a typical note) is kept in an inline buffer, so that classifying one
/// allocates nothing; anything else in a `String`.
#[derive(Debug)]
pub(crate) struct NormalizedText {
    text: String,
    /// `Some(n)`: the text is the first `n` bytes of `ascii`, and `text` is unused.
    ascii_len: Option<usize>,
    ascii: [u8; INLINE_ASCII],
}

/// ASCII texts up to this many bytes are normalised into [`NormalizedText`]'s inline buffer:
/// LinkedIn caps a connection note at 300 characters.
const INLINE_ASCII: usize = 512;

impl Default for NormalizedText {
    fn default() -> Self {
        NormalizedText {
            text: String::new(),
            ascii_len: None,
            ascii: [0; INLINE_ASCII],
        }
    }
}

impl NormalizedText {
    pub(crate) fn as_str(&self) -> &str {
        match self.ascii_len {
            // ASCII by construction, so this never falls back.
            Some(n) => std::str::from_utf8(self.ascii.get(..n).unwrap_or_default()).unwrap_or(""),
            None => &self.text,
        }
    }

    /// The `String` to normalise into (the inline buffer is then unused).
    fn string(&mut self) -> &mut String {
        self.ascii_len = None;
        &mut self.text
    }
}

/// Characters that render as nothing and can be slipped into words to break them up.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'              // soft hyphen
        | '\u{034F}'            // combining grapheme joiner
        | '\u{061C}'            // arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // hangul fillers
        | '\u{180B}'..='\u{180F}' // mongolian variation selectors and vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space, joiners, direction marks
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FEFF}'            // byte-order mark, zero-width no-break space
        | '\u{E0000}'..='\u{E007F}' // tags
        | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
    )
}

/// The Latin letter a Cyrillic or Greek letter is commonly used to imitate, if any.
///
/// Only letters that look like a Latin letter in ordinary fonts are listed; the point is to
/// undo "ѕаlе"-style obfuscation, not to transliterate.
pub(crate) fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic, both cases
        'а' | 'А' => 'a',
        'В' => 'b',
        'с' | 'С' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ё' | 'Ё' => 'e',
        'һ' | 'Һ' | 'Н' => 'h',
        'і' | 'І' | 'ӏ' | 'Ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'К' | 'к' => 'k',
        'М' => 'm',
        'о' | 'О' => 'o',
        'р' | 'Р' => 'p',
        'ԛ' | 'Ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'Т' => 't',
        'ԝ' | 'Ԝ' => 'w',
        'х' | 'Х' => 'x',
        'у' | 'У' | 'Ү' | 'ү' => 'y',
        // Greek, both cases
        'α' | 'Α' => 'a',
        'Β' | 'β' => 'b',
        'ε' | 'Ε' => 'e',
        'Η' => 'h',
        'ι' | 'Ι' => 'i',
        'κ' | 'Κ' => 'k',
        'Μ' => 'm',
        'ν' | 'Ν' => 'v',
        'ο' | 'Ο' | 'σ' => 'o',
        'ρ' | 'Ρ' => 'p',
        'τ' | 'Τ' => 't',
        'υ' | 'Υ' => 'u',
        'χ' | 'Χ' => 'x',
        'Ζ' => 'z',
        // Latin letters that imitate other Latin letters
        'ı' => 'i',
        'ɑ' => 'a',
        'ɡ' => 'g',
        _ => return None,
    })
}

fn is_cyrillic_or_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' | '\u{0400}'..='\u{052F}')
}

/// Normalises `text` into `out`, reusing its allocation.
///
/// The fast form of [`normalize_reference`] (tests check that they agree): ASCII text in one copy
/// and one lowercasing, and text that is already NFKC and has no Cyrillic or Greek letters in two
/// passes without allocating. Other text takes the reference path. Linear in the length of
/// `text`; never panics.
pub(crate) fn normalize_into(text: &str, out: &mut NormalizedText) {
    if text.is_ascii() {
        if let Some(buf) = out.ascii.get_mut(..text.len()) {
            // As below, in the inline buffer.
            buf.copy_from_slice(text.as_bytes());
            buf.make_ascii_lowercase();
            if has_ascii_control_or_backtick(buf) {
                for b in buf.iter_mut() {
                    if b.is_ascii_control() {
                        *b = b' ';
                    } else if *b == b'`' {
                        *b = b'\'';
                    }
                }
            }
            out.ascii_len = Some(text.len());
            return;
        }
    }
    let out_s = out.string();
    out_s.clear();
    if text.is_ascii() {
        // ASCII is already NFKC and has no invisible characters or look-alikes.
        out_s.push_str(text);
        out_s.make_ascii_lowercase();
        fix_ascii_controls(out_s);
        return;
    }
    // 1. Is the text, once cleaned (invisibles dropped, apostrophes made ASCII), already NFKC,
    // and does it have any letter that could be a look-alike? One pass, nothing allocated.
    let mut lookalike_script = false;
    let mut rest = text;
    let cleaned = std::iter::from_fn(|| loop {
        // One 'a' stands for each ASCII run: enough for the NFKC quick check (ASCII is always
        // normalised and resets combining order).
        let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
        if ascii > 0 {
            rest = &rest[ascii..];
            return Some('a');
        }
        let c = rest.chars().next()?;
        rest = &rest[c.len_utf8()..];
        if is_invisible(c) {
            continue;
        }
        lookalike_script |= is_cyrillic_or_greek(c) || latin_lookalike(c).is_some();
        return Some(ascii_apostrophe(c));
    });
    let quick = is_nfkc_quick(cleaned);
    if quick != IsNormalized::Yes || lookalike_script {
        normalize_reference(text, out);
        return;
    }
    // 2. Lowercase, controls to spaces, decorative marks dropped, ASCII runs whole.
    out_s.reserve(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
        let start = out_s.len();
        out_s.push_str(&rest[..ascii]);
        out_s[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            if is_invisible(c) {
                // Dropped.
            } else if c.is_control() {
                out_s.push(' ');
            } else if is_overlay_on_ascii(c, out_s) {
                // Dropped: s̶a̶l̶e̶ reads as sale.
            } else {
                let c = ascii_apostrophe(c);
                if c.is_ascii() {
                    out_s.push(c);
                } else {
                    out_s.extend(c.to_lowercase());
                }
            }
        }
    }
    fix_ascii_controls(out_s);
}

/// Whether `b` has a byte below 0x20, 0x7F or a backtick, eight bytes at a time: nearly every note
/// has none, and this check runs on every one.
fn has_ascii_control_or_backtick(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        let w = u64::from_le_bytes(a);
        // Each byte's low seven bits, so that no sum below carries into the next byte; in each
        // sum a byte's high bit says one thing about it.
        let x = w & !HIGHS;
        let below_space = !(x + ONES * 0x60);
        let delete = x + ONES;
        let backtick = !((x ^ (ONES * 0x60)) + ONES * 0x7F);
        // Bytes of 0x80 and above are no ASCII control.
        if (below_space | delete | backtick) & !w & HIGHS != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&x| x.is_ascii_control() || x == b'`')
}

/// Typographic apostrophes (and the acute accent used as one) as `'`.
fn ascii_apostrophe(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{FF07}' | '\u{00B4}' => '\'',
        c => c,
    }
}

/// ASCII control characters to spaces, backticks to apostrophes; the same length in bytes.
fn fix_ascii_controls(s: &mut String) {
    if has_ascii_control_or_backtick(s.as_bytes()) {
        *s = s
            .replace(|c: char| c.is_ascii_control(), " ")
            .replace('`', "'");
    }
}

/// Where the bytes of a normalised text came from in the original: for each output byte, the
/// byte range of the original character (or characters) that produced it. Implemented by `()`,
/// which tracks nothing (the classify path), and by [`SourceSpans`] (evidence).
pub(crate) trait SourceMap: Default {
    /// Whether anything is tracked (stages that cost more to track skip the work otherwise).
    const TRACKS: bool;
    /// The output grew by `n` bytes made from the original bytes `src`.
    fn push(&mut self, n: usize, src: (u32, u32));
    /// A character of the original at `..end` was dropped after the last output byte: that byte
    /// now covers it too (a strikethrough mark stays with its letter).
    fn extend_last(&mut self, end: u32);
    /// The original bytes of output byte `i`.
    fn at(&self, i: usize) -> (u32, u32);
}

impl SourceMap for () {
    const TRACKS: bool = false;
    #[inline(always)]
    fn push(&mut self, _: usize, _: (u32, u32)) {}
    #[inline(always)]
    fn extend_last(&mut self, _: u32) {}
    #[inline(always)]
    fn at(&self, _: usize) -> (u32, u32) {
        (0, 0)
    }
}

/// The original byte range of every byte of a normalised text.
#[derive(Debug, Default, Clone)]
pub(crate) struct SourceSpans(pub(crate) Vec<(u32, u32)>);

impl SourceMap for SourceSpans {
    const TRACKS: bool = true;
    fn push(&mut self, n: usize, src: (u32, u32)) {
        self.0.extend(std::iter::repeat(src).take(n));
    }
    fn extend_last(&mut self, end: u32) {
        if let Some(last) = self.0.last_mut() {
            last.1 = last.1.max(end);
        }
    }
    fn at(&self, i: usize) -> (u32, u32) {
        self.0.get(i).copied().unwrap_or((0, 0))
    }
}

/// Normalises `text` into `out`, reusing its allocation: the plain algorithm, stage by stage.
///
/// Linear in the length of `text`; never panics.
pub(crate) fn normalize_reference(text: &str, out: &mut NormalizedText) {
    normalize_mapped(text, out, &mut ());
}

/// [`normalize_reference`], recording in `map` where each output byte came from in `text`.
pub(crate) fn normalize_with_sources(text: &str, out: &mut NormalizedText, map: &mut SourceSpans) {
    map.0.clear();
    normalize_mapped(text, out, map);
}

/// Pushes `s` (made from the original bytes `src`) to `out`, mapped.
fn push_mapped<M: SourceMap>(out: &mut String, map: &mut M, s: &str, src: (u32, u32)) {
    out.push_str(s);
    map.push(s.len(), src);
}

/// Pushes a character made from the original bytes `src`, mapped.
fn push_char<M: SourceMap>(out: &mut String, map: &mut M, c: char, src: (u32, u32)) {
    out.push(c);
    map.push(c.len_utf8(), src);
}

/// The original bytes of an input run `from..to` of a stage whose input bytes map through `map`.
fn span_of<M: SourceMap>(map: &M, from: usize, to: usize) -> (u32, u32) {
    (map.at(from).0, map.at(to.saturating_sub(1).max(from)).1)
}

/// Whether NFKC of a text equals the concatenation of NFKC of its pieces when cut before `c`: a
/// starter that neither changes under NFKC nor combines with what precedes it.
fn nfkc_boundary_before(c: char) -> bool {
    c.is_ascii()
        || (unicode_normalization::char::canonical_combining_class(c) == 0
            && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes)
}

/// NFKC of the piece `range` of `text` (whose bytes map through `in_map`), pushed to `out` and
/// mapped: character by character where NFKC of each character (with its combining marks) gives
/// the same as NFKC of the piece (fullwidth and ligature letters, accents), else all to the piece.
fn nfkc_piece_mapped<M: SourceMap>(
    text: &str,
    range: Range<usize>,
    in_map: &M,
    out: &mut String,
    map: &mut M,
) {
    let piece = &text[range.clone()];
    let whole: String = piece.nfkc().collect();
    let starts: Vec<usize> = piece
        .char_indices()
        .filter(|&(i, c)| i == 0 || unicode_normalization::char::canonical_combining_class(c) == 0)
        .map(|(i, _)| i)
        .chain(std::iter::once(piece.len()))
        .collect();
    let parts: Vec<(String, (u32, u32))> = starts
        .windows(2)
        .map(|w| {
            let part: String = piece[w[0]..w[1]].nfkc().collect();
            let src = span_of(in_map, range.start + w[0], range.start + w[1]);
            (part, src)
        })
        .collect();
    if parts
        .iter()
        .map(|(p, _)| p.as_str())
        .eq(std::iter::once(whole.as_str()))
        || parts.iter().map(|(p, _)| p.len()).sum::<usize>() == whole.len()
            && parts.iter().map(|(p, _)| p.as_str()).collect::<String>() == whole
    {
        for (part, src) in &parts {
            push_mapped(out, map, part, *src);
        }
    } else {
        push_mapped(out, map, &whole, span_of(in_map, range.start, range.end));
    }
}

fn normalize_mapped<M: SourceMap>(text: &str, out: &mut NormalizedText, map: &mut M) {
    let out_s = out.string();
    out_s.clear();
    if text.is_ascii() {
        // Fast path: ASCII is already NFKC and has no invisible characters or look-alikes.
        out_s.push_str(text);
        out_s.make_ascii_lowercase();
        if M::TRACKS {
            for i in 0..text.len() as u32 {
                map.push(1, (i, i + 1));
            }
        }
        if out_s.bytes().any(|b| b.is_ascii_control() || b == b'`') {
            *out_s = out_s
                .replace(|c: char| c.is_ascii_control(), " ")
                .replace('`', "'");
        }
        return;
    }
    // 1. Drop invisible characters and make apostrophes ASCII, copying ASCII runs whole.
    let mut cleaned = String::with_capacity(text.len());
    let mut cleaned_map = M::default();
    let mut lookalike_script = false;
    // The non-ASCII characters, with one 'a' standing for each ASCII run between them: enough
    // for the NFKC quick check (ASCII is always normalised and resets combining order).
    let mut for_quick_check: Vec<char> = Vec::new();
    let mut at = 0usize;
    while at < text.len() {
        let rest = &text[at..];
        let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
        if ascii > 0 {
            for_quick_check.push('a');
        }
        cleaned.push_str(&rest[..ascii]);
        if M::TRACKS {
            for i in at..at + ascii {
                cleaned_map.push(1, (i as u32, i as u32 + 1));
            }
        }
        at += ascii;
        if let Some(c) = text[at..].chars().next() {
            let src = (at as u32, (at + c.len_utf8()) as u32);
            at += c.len_utf8();
            if is_invisible(c) {
                continue;
            }
            lookalike_script |= is_cyrillic_or_greek(c) || latin_lookalike(c).is_some();
            for_quick_check.push(c);
            let c = match c {
                '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{FF07}' | '\u{00B4}' => '\'',
                c => c,
            };
            push_char(&mut cleaned, &mut cleaned_map, c, src);
        }
    }
    // 2. NFKC, when the text is not already in it. Tracked, piece by piece between boundaries
    // (where NFKC of the whole is NFKC of the pieces), each piece's output mapped to the piece.
    let (nfkc, nfkc_map) = match is_nfkc_quick(for_quick_check.into_iter()) {
        IsNormalized::Yes => (cleaned, cleaned_map),
        _ => {
            let n: String = cleaned.nfkc().collect();
            lookalike_script |= n
                .chars()
                .any(|c| is_cyrillic_or_greek(c) || latin_lookalike(c).is_some());
            let mut n_map = M::default();
            if M::TRACKS {
                let mut pieces = String::with_capacity(n.len());
                let mut start = 0;
                let cuts = cleaned
                    .char_indices()
                    .filter(|&(i, c)| i > 0 && nfkc_boundary_before(c))
                    .map(|(i, _)| i)
                    .chain(std::iter::once(cleaned.len()));
                for end in cuts {
                    nfkc_piece_mapped(&cleaned, start..end, &cleaned_map, &mut pieces, &mut n_map);
                    start = end;
                }
                if pieces != n {
                    // Never seen (tests look for it); every byte then maps to the whole text.
                    n_map = M::default();
                    n_map.push(n.len(), (0, text.len() as u32));
                }
            }
            (n, n_map)
        }
    };
    out_s.reserve(nfkc.len());
    if !lookalike_script {
        // 3. Lowercase, controls to spaces, ASCII runs whole.
        let mut at = 0usize;
        while at < nfkc.len() {
            let rest = &nfkc[at..];
            let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
            let start = out_s.len();
            out_s.push_str(&rest[..ascii]);
            out_s[start..].make_ascii_lowercase();
            if M::TRACKS {
                for i in at..at + ascii {
                    map.push(1, nfkc_map.at(i));
                }
            }
            at += ascii;
            if let Some(c) = nfkc[at..].chars().next() {
                let src = span_of(&nfkc_map, at, at + c.len_utf8());
                at += c.len_utf8();
                if c.is_control() {
                    push_char(out_s, map, ' ', src);
                } else if is_overlay_on_ascii(c, out_s) {
                    // Dropped: s̶a̶l̶e̶ reads as sale.
                    map.extend_last(src.1);
                } else {
                    for l in c.to_lowercase() {
                        push_char(out_s, map, l, src);
                    }
                }
            }
        }
        if out_s.bytes().any(|b| b.is_ascii_control() || b == b'`') {
            *out_s = out_s
                .replace(|c: char| c.is_ascii_control(), " ")
                .replace('`', "'");
        }
        return;
    }
    // 3. Fold look-alikes word by word, lowercase, controls to spaces.
    let latin_text = is_mostly_latin(&nfkc);
    let mut at = 0usize;
    while let Some(c) = nfkc[at..].chars().next() {
        if c.is_alphabetic() {
            let rest = &nfkc[at..];
            let end = rest
                .char_indices()
                .find(|&(_, c)| !c.is_alphabetic())
                .map_or(rest.len(), |(i, _)| i);
            push_word(&rest[..end], at, &nfkc_map, latin_text, out_s, map);
            at += end;
        } else {
            let src = span_of(&nfkc_map, at, at + c.len_utf8());
            if c.is_control() {
                push_char(out_s, map, ' ', src);
            } else if is_overlay_on_ascii(c, out_s) {
                // Dropped, as above.
                map.extend_last(src.1);
            } else if c == '`' {
                push_char(out_s, map, '\'', src);
            } else {
                for l in c.to_lowercase() {
                    push_char(out_s, map, l, src);
                }
            }
            at += c.len_utf8();
        }
    }
}

/// A combining mark left on an ASCII letter after NFKC (which composes every accent a language
/// uses, such as é), so it can only be decoration: strikethrough, underline, "Zalgo" text.
fn is_overlay_on_ascii(c: char, out: &str) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
        && out
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_alphanumeric())
}

/// Whether the text is Latin-script text in disguise rather than real Cyrillic or Greek: fewer
/// than one letter in ten is a Cyrillic or Greek letter *without* a Latin look-alike. Russian or
/// Greek prose is full of letters like и, л, ж, λ, ω; "Ѕаvе 15% оn уоur SАР" has none.
fn is_mostly_latin(text: &str) -> bool {
    let (mut letters, mut foreign) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if is_cyrillic_or_greek(c) && latin_lookalike(c).is_none() {
            foreign += 1;
        }
    }
    foreign * 10 < letters
}

/// Lowercases one alphabetic run into `out`, folding look-alikes if the word is disguised Latin:
/// it mixes Latin with Cyrillic/Greek, or it is made only of look-alikes inside a Latin text.
///
/// `word` starts at byte `at` of the stage's input, whose bytes map through `in_map`; the output is
/// mapped into `map`.
fn push_word<M: SourceMap>(
    word: &str,
    at: usize,
    in_map: &M,
    latin_text: bool,
    out: &mut String,
    map: &mut M,
) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
        if M::TRACKS {
            for i in at..at + word.len() {
                map.push(1, in_map.at(i));
            }
        }
        return;
    }
    let mut has_latin = false;
    let mut has_other = false;
    let mut all_lookalike = true;
    // Latin letters that imitate ASCII ones (ı, ɑ, ɡ), and any other non-ASCII letter.
    let mut has_imitator = false;
    let mut has_foreign = false;
    for c in word.chars() {
        if is_cyrillic_or_greek(c) {
            has_other = true;
            if latin_lookalike(c).is_none() {
                all_lookalike = false;
            }
        } else if c.is_ascii_alphabetic() {
            has_latin = true;
        } else if latin_lookalike(c).is_some() {
            has_imitator = true;
        } else {
            has_foreign = true;
        }
    }
    let fold = (has_other && ((has_latin && all_lookalike_or_latin(word)) || (latin_text && all_lookalike)))
        // "fıx ɑ deal": imitators among plain ASCII letters (Turkish words with ş, ç, ğ… stay).
        || (has_imitator && !has_other && !has_foreign);
    for (i, c) in word.char_indices() {
        let src = span_of(in_map, at + i, at + i + c.len_utf8());
        match (fold, latin_lookalike(c)) {
            (true, Some(l)) => push_char(out, map, l, src),
            _ => {
                for l in c.to_lowercase() {
                    push_char(out, map, l, src);
                }
            }
        }
    }
}

/// A mixed-script word is folded only if every non-Latin letter in it has a Latin look-alike.
fn all_lookalike_or_latin(word: &str) -> bool {
    word.chars()
        .all(|c| !is_cyrillic_or_greek(c) || latin_lookalike(c).is_some())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        let mut out = NormalizedText::default();
        normalize_into(s, &mut out);
        out.as_str().to_string()
    }

    #[test]
    fn ascii_is_lowercased_and_controls_become_spaces() {
        assert_eq!(norm("Hello\tWORLD\u{7}!"), "hello world !");
    }

    #[test]
    fn nfkc_folds_fullwidth_and_math_letters() {
        assert_eq!(norm("ＳＡＬＥ"), "sale");
        assert_eq!(norm("𝐟𝐫𝐞𝐞 𝓭𝓮𝓶𝓸"), "free demo");
        assert_eq!(norm("ﬁnance"), "finance");
    }

    #[test]
    fn decorative_marks_on_ascii_letters_are_dropped_but_accents_stay() {
        assert_eq!(
            norm("s\u{336}a\u{336}l\u{336}e\u{336} n\u{332}o\u{332}w"),
            "sale now"
        );
        assert_eq!(norm("cafe\u{301} déjà"), "café déjà");
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(norm("de\u{200B}mo fr\u{00AD}ee\u{FEFF}"), "demo free");
    }

    #[test]
    fn typographic_apostrophes_become_ascii() {
        assert_eq!(norm("I\u{2019}d love"), "i'd love");
        assert_eq!(norm("don`t"), "don't");
        assert_eq!(norm("don`t — ok"), "don't — ok");
    }

    #[test]
    fn cyrillic_and_greek_lookalikes_fold_in_latin_words() {
        // "sаle" with a Cyrillic а, "dеmо" with Cyrillic е and о, "ΙΤ" in Greek capitals.
        assert_eq!(norm("s\u{0430}le d\u{0435}m\u{043E}"), "sale demo");
        assert_eq!(
            norm("Your \u{0399}\u{03A4} priorities"),
            "your it priorities"
        );
    }

    #[test]
    fn latin_imitators_fold_among_ascii_letters_only() {
        assert_eq!(norm("fıx ɑ deɑl"), "fix a deal");
        assert_eq!(norm("kılıç"), "kılıç");
    }

    #[test]
    fn a_text_written_entirely_in_lookalikes_is_folded() {
        assert_eq!(norm("Вооk а dіѕсоvеrу саll"), "book a discovery call");
    }

    #[test]
    fn real_russian_greek_hindi_chinese_are_not_mangled() {
        assert_eq!(norm("Привет, коллега"), "привет, коллега");
        assert_eq!(norm("Καλημέρα σας"), "καλημέρα σας");
        assert_eq!(norm("नमस्ते दोस्त"), "नमस्ते दोस्त");
        assert_eq!(norm("你好，朋友"), "你好,朋友");
        // A short all-look-alike Russian word in Russian text stays Russian.
        assert_eq!(norm("Это сор"), "это сор");
    }

    fn reference(s: &str) -> String {
        let mut out = NormalizedText::default();
        normalize_reference(s, &mut out);
        out.as_str().to_string()
    }

    /// Texts for comparing the fast path with the reference: every line of the shipped data
    /// sets, and seeded random strings from pools of characters that exercise each stage.
    pub(crate) fn sample_texts() -> Vec<String> {
        let mut texts = Vec::new();
        for file in [
            include_str!("../../datasets/connection_requests.csv"),
            include_str!("../../datasets/obfuscated_pitches.csv"),
            include_str!("../../datasets/sample_invitations.csv"),
        ] {
            texts.extend(file.lines().map(String::from));
        }
        let pools: &[&[char]] = &[
            &['a', 'B', ' ', '`', '\t', '\u{7}', '\'', '.', '1'],
            &[
                '\u{2019}', '\u{00B4}', '\u{FF07}', '\u{200B}', '\u{00AD}', '\u{FEFF}',
            ],
            &[
                '\u{0301}', '\u{0336}', '\u{0332}', 'e', 'E', 'é', 'İ', 'ß', 'ﬁ',
            ],
            &['а', 'е', 'о', 'с', 'Ν', 'ο', 'ı', 'ɑ', 'и', 'λ', 'ж'],
            &[
                'Ｓ', 'ａ', '𝐟', '½', '㎞', '\u{85}', '가', '\u{1100}', '\u{1161}',
            ],
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..3000 {
            let len = next(24);
            let text: String = (0..len)
                .map(|_| {
                    let pool = pools[next(pools.len())];
                    pool[next(pool.len())]
                })
                .collect();
            texts.push(text);
        }
        texts
    }

    #[test]
    fn control_and_backtick_detection_is_exact() {
        for filler in [b'a', b' ', 0x7E, 0x80, 0xFF] {
            for len in 0..20 {
                for pos in 0..len {
                    for byte in 0u8..=0xFF {
                        let mut b = vec![filler; len];
                        b[pos] = byte;
                        let expected = byte.is_ascii_control() || byte == b'`';
                        assert_eq!(has_ascii_control_or_backtick(&b), expected, "{b:?}");
                    }
                }
            }
        }
        assert!(!has_ascii_control_or_backtick("é ï ü".as_bytes()));
    }

    #[test]
    fn fast_path_equals_the_reference() {
        for text in sample_texts() {
            assert_eq!(norm(&text), reference(&text), "{text:?}");
        }
    }

    /// The tracked normaliser gives the same text, and every output byte maps to whole
    /// characters of the original, in order.
    #[test]
    fn source_spans_are_exact_and_valid() {
        let mut texts = sample_texts();
        texts.extend(
            [
                "ﬁnance ½ ㎞",
                "Ｓａｌｅ",
                "s\u{336}a\u{336}l\u{336}e\u{336}",
                "de\u{200B}mo",
                "ѕаlе",
            ]
            .map(String::from),
        );
        for text in texts {
            let mut out = NormalizedText::default();
            let mut map = SourceSpans::default();
            normalize_with_sources(&text, &mut out, &mut map);
            assert_eq!(out.as_str(), reference(&text), "{text:?}");
            assert_eq!(map.0.len(), out.as_str().len(), "{text:?}");
            let mut previous = 0;
            for &(a, b) in &map.0 {
                let (a, b) = (a as usize, b as usize);
                assert!(a < b || text.is_empty(), "{text:?}: empty source {a}..{b}");
                assert!(
                    text.get(a..b).is_some(),
                    "{text:?}: {a}..{b} is not a slice"
                );
                assert!(a >= previous, "{text:?}: sources go backwards");
                previous = a;
            }
        }
    }

    #[test]
    fn empty_and_odd_input() {
        assert_eq!(norm(""), "");
        assert_eq!(norm("\u{0}\u{1}"), "  ");
        assert_eq!(norm("👋🏽"), "👋🏽");
    }
}
