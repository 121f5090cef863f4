//! Repairing UTF-8 text that was decoded as Latin-1 or Windows-1252 on its way into the export
//! (`é` shown as `Ã©`, `’` as `â€™`, an emoji as `ðŸ˜€`).
//!
//! Each mis-decoded character stands for one byte, so a run of them that spells a valid UTF-8
//! sequence (a lead byte `0xC2..=0xF4` and its continuation bytes `0x80..=0xBF`) is put back
//! together. Legitimate text almost never has such runs, but to keep names like `CAFÉ’s` intact a
//! lone two-byte run is repaired only when its lead is `Â` or `Ã` (Latin-1 letters and symbols,
//! by far the most common case); other runs are repaired when the text has at least two of them
//! or a three- or four-byte one.

use std::borrow::Cow;

/// Windows-1252's characters for the bytes `0x80..=0x9F` (`None`: undefined, decoders then give
/// the Latin-1 control character of the same value).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The byte a mis-decoded character stood for, if it can stand for one.
fn byte_of(c: char) -> Option<u8> {
    let u = c as u32;
    if u <= 0xFF {
        return Some(u as u8);
    }
    if u > 0x2122 {
        return None;
    }
    CP1252_HIGH
        .iter()
        .position(|&m| m == Some(c))
        .map(|i| 0x80 + i as u8)
}

/// One repairable run: its byte range in the text and the character it stands for.
struct Run {
    start: usize,
    end: usize,
    repaired: char,
    strong: bool,
}

/// The text with UTF-8-read-as-Latin-1 runs put back together; borrowed when nothing changes.
///
/// ```
/// use nopitch::linkedin::repair_mojibake;
/// assert_eq!(repair_mojibake("CafÃ© â€œLa Plumeâ€\u{9d} ðŸ˜€"), "Café “La Plume” 😀");
/// assert_eq!(repair_mojibake("São Paulo, naïve, CAFÉ’s"), "São Paulo, naïve, CAFÉ’s");
/// ```
pub fn repair_mojibake(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut runs: Vec<Run> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        // A lead byte read as Latin-1 is one of `Â`..`ô` (U+00C2..U+00F4).
        let lead = match c as u32 {
            u @ 0xC2..=0xF4 => u as u8,
            _ => continue,
        };
        let needed = match lead {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            _ => 3,
        };
        let mut bytes = [lead, 0, 0, 0];
        let mut lookahead = chars.clone();
        let mut end = start + c.len_utf8();
        let mut complete = true;
        for slot in bytes.iter_mut().skip(1).take(needed) {
            match lookahead.next() {
                Some((i, next)) => match byte_of(next) {
                    Some(b @ 0x80..=0xBF) => {
                        *slot = b;
                        end = i + next.len_utf8();
                    }
                    _ => {
                        complete = false;
                        break;
                    }
                },
                None => {
                    complete = false;
                    break;
                }
            }
        }
        if !complete {
            continue;
        }
        let Some(repaired) = std::str::from_utf8(&bytes[..=needed])
            .ok()
            .and_then(|s| s.chars().next())
        else {
            continue;
        };
        runs.push(Run {
            start,
            end,
            repaired,
            strong: needed > 1 || lead == 0xC2 || lead == 0xC3,
        });
        chars = lookahead;
    }
    if runs.is_empty() || (runs.len() < 2 && !runs.iter().any(|r| r.strong)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for run in &runs {
        out.push_str(&text[at..run.start]);
        out.push(run.repaired);
        at = run.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_windows_1252_and_latin_1_readings() {
        assert_eq!(repair_mojibake("RenÃ©e MÃ¼ller"), "Renée Müller");
        assert_eq!(repair_mojibake("Iâ€™d love to"), "I’d love to");
        assert_eq!(repair_mojibake("â€” and â€“ â€¦"), "— and – …");
        // Strict Latin-1 decoding leaves C1 control characters instead of cp1252's symbols.
        assert_eq!(repair_mojibake("I\u{e2}\u{80}\u{99}d"), "I’d");
        assert_eq!(repair_mojibake("ðŸ‘‹ hi"), "👋 hi");
        assert_eq!(repair_mojibake("ÐŸÑ€Ð¸Ð²ÐµÑ‚"), "Привет");
        assert_eq!(repair_mojibake("Â©2024"), "©2024");
    }

    #[test]
    fn leaves_correct_text_alone() {
        for text in [
            "",
            "plain ascii",
            "Renée Müller, Zoë, Łukasz, Ørsted",
            "CAFÉ’s menu",
            "SÃO PAULO",
            "naïve façade — “quoted”",
            "中文 русский ελληνικά 🎉",
            "Ã",
            "â€",
        ] {
            assert!(
                matches!(repair_mojibake(text), Cow::Borrowed(_)),
                "{text:?} -> {:?}",
                repair_mojibake(text)
            );
        }
    }
}
