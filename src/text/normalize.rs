//! Unicode normalisation and case folding, the first stage of the text pipeline.
//!
//! The output is a [`NormalizedText`]: NFKC (which also folds fullwidth forms and mathematical
//! alphanumerics to plain letters), lowercase, with invisible characters removed, typographic
//! apostrophes made ASCII, control characters turned into spaces, and Cyrillic and Greek
//! look-alikes of Latin letters folded to Latin inside words that are mostly Latin. The
//! tokenizer only accepts a [`NormalizedText`], so it never sees text that skipped this stage.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Text that has been through [`normalize_into`]: NFKC, lowercase, no invisible characters.
#[derive(Debug, Default)]
pub(crate) struct NormalizedText {
    text: String,
}

impl NormalizedText {
    pub(crate) fn as_str(&self) -> &str {
        &self.text
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
    let out_s = &mut out.text;
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
    // Whether some byte of `w` is zero (the classic test: exact as a whole).
    let zero_byte = |w: u64| (w.wrapping_sub(ONES) & !w & HIGHS) != 0;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        let w = u64::from_le_bytes(a);
        // A byte below 0x20 has its three top bits clear; 0x7F and 0x60 are matched exactly.
        if zero_byte(w & 0xE0E0_E0E0_E0E0_E0E0)
            || zero_byte(w ^ 0x7F7F_7F7F_7F7F_7F7F)
            || zero_byte(w ^ 0x6060_6060_6060_6060)
        {
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

/// Normalises `text` into `out`, reusing its allocation: the plain algorithm, stage by stage.
///
/// Linear in the length of `text`; never panics.
pub(crate) fn normalize_reference(text: &str, out: &mut NormalizedText) {
    let out_s = &mut out.text;
    out_s.clear();
    if text.is_ascii() {
        // Fast path: ASCII is already NFKC and has no invisible characters or look-alikes.
        out_s.push_str(text);
        out_s.make_ascii_lowercase();
        if out_s.bytes().any(|b| b.is_ascii_control() || b == b'`') {
            *out_s = out_s
                .replace(|c: char| c.is_ascii_control(), " ")
                .replace('`', "'");
        }
        return;
    }
    // 1. Drop invisible characters and make apostrophes ASCII, copying ASCII runs whole.
    let mut cleaned = String::with_capacity(text.len());
    let mut lookalike_script = false;
    // The non-ASCII characters, with one 'a' standing for each ASCII run between them: enough
    // for the NFKC quick check (ASCII is always normalised and resets combining order).
    let mut for_quick_check: Vec<char> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
        if ascii > 0 {
            for_quick_check.push('a');
        }
        cleaned.push_str(&rest[..ascii]);
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            if is_invisible(c) {
                continue;
            }
            lookalike_script |= is_cyrillic_or_greek(c) || latin_lookalike(c).is_some();
            for_quick_check.push(c);
            cleaned.push(match c {
                '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{FF07}' | '\u{00B4}' => '\'',
                c => c,
            });
        }
    }
    // 2. NFKC, when the text is not already in it.
    let nfkc = match is_nfkc_quick(for_quick_check.into_iter()) {
        IsNormalized::Yes => cleaned,
        _ => {
            let n: String = cleaned.nfkc().collect();
            lookalike_script |= n
                .chars()
                .any(|c| is_cyrillic_or_greek(c) || latin_lookalike(c).is_some());
            n
        }
    };
    out_s.reserve(nfkc.len());
    if !lookalike_script {
        // 3. Lowercase, controls to spaces, ASCII runs whole.
        let mut rest = nfkc.as_str();
        while !rest.is_empty() {
            let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
            let start = out_s.len();
            out_s.push_str(&rest[..ascii]);
            out_s[start..].make_ascii_lowercase();
            rest = &rest[ascii..];
            if let Some(c) = rest.chars().next() {
                rest = &rest[c.len_utf8()..];
                if c.is_control() {
                    out_s.push(' ');
                } else if is_overlay_on_ascii(c, out_s) {
                    // Dropped: s̶a̶l̶e̶ reads as sale.
                } else {
                    out_s.extend(c.to_lowercase());
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
    let mut rest = nfkc.as_str();
    while let Some(c) = rest.chars().next() {
        if c.is_alphabetic() {
            let end = rest
                .char_indices()
                .find(|&(_, c)| !c.is_alphabetic())
                .map_or(rest.len(), |(i, _)| i);
            push_word(&rest[..end], latin_text, out_s);
            rest = &rest[end..];
        } else {
            if c.is_control() {
                out_s.push(' ');
            } else if is_overlay_on_ascii(c, out_s) {
                // Dropped, as above.
            } else if c == '`' {
                out_s.push('\'');
            } else {
                out_s.extend(c.to_lowercase());
            }
            rest = &rest[c.len_utf8()..];
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
fn push_word(word: &str, latin_text: bool, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
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
    for c in word.chars() {
        match (fold, latin_lookalike(c)) {
            (true, Some(l)) => out.push(l),
            _ => out.extend(c.to_lowercase()),
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
        out.text
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
        out.text
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
        for len in 0..20 {
            for pos in 0..len {
                for byte in 0u8..=0x7F {
                    let mut b = vec![b'a'; len];
                    b[pos] = byte;
                    let expected = byte.is_ascii_control() || byte == b'`';
                    assert_eq!(has_ascii_control_or_backtick(&b), expected, "{b:?}");
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

    #[test]
    fn empty_and_odd_input() {
        assert_eq!(norm(""), "");
        assert_eq!(norm("\u{0}\u{1}"), "  ");
        assert_eq!(norm("👋🏽"), "👋🏽");
    }
}
