//! HTML markup in message content, turned into the text a reader would see.
//!
//! A small fraction of LinkedIn messages (sponsored messages and some InMails) hold HTML. Content
//! counts as HTML only when it contains a known tag (`<p>`, `<br>`, `<a …>`, `<table>`, …), so a
//! person writing `x < y` or `<3` keeps their text. Tags become line breaks or nothing,
//! `<script>`/`<style>` blocks and comments are dropped, entities are decoded. Entities are
//! decoded in plain text too (`&amp;` is never meant literally in a message).

use std::borrow::Cow;

use serde::Serialize;

/// What markup a message's content had: none, inline markup, or a layout (tables, images, several
/// links, inline styles, a whole document) such as sponsored messages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Markup {
    /// Plain text.
    #[default]
    None,
    /// HTML markup (paragraphs, line breaks, a link), no layout.
    Inline,
    /// An HTML layout: tables, images, two or more links, inline styles or a whole document.
    Layout,
}

/// Tags whose presence makes content HTML.
const KNOWN_TAGS: &[&str] = &[
    "a",
    "b",
    "body",
    "blockquote",
    "br",
    "center",
    "div",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "html",
    "i",
    "img",
    "li",
    "meta",
    "ol",
    "p",
    "span",
    "strong",
    "style",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "title",
    "tr",
    "u",
    "ul",
    "script",
];

/// Tags after which a reader sees a new line.
const BLOCK_TAGS: &[&str] = &[
    "blockquote",
    "br",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "table",
    "tr",
    "ul",
];

/// The tag name at the start of `s` (just after `<` and an optional `/`), lower-cased.
fn tag_name(s: &str) -> String {
    s.bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .take(12)
        .map(|b| b.to_ascii_lowercase() as char)
        .collect()
}

/// Whether the text contains at least one known HTML tag.
fn has_known_tag(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with("!--")
            || rest
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("!doctype"))
        {
            return true;
        }
        let name = tag_name(rest.strip_prefix('/').unwrap_or(rest));
        let after = rest
            .strip_prefix('/')
            .unwrap_or(rest)
            .as_bytes()
            .get(name.len())
            .copied();
        if !name.is_empty()
            && KNOWN_TAGS.contains(&name.as_str())
            && matches!(after, Some(b'>' | b' ' | b'/' | b'\t' | b'\n' | b'\r'))
        {
            return true;
        }
    }
    false
}

/// The text a reader would see, and what markup it had. Borrowed when nothing changes.
///
/// ```
/// use nopitch::linkedin::{html_to_text, Markup};
/// let (text, markup) = html_to_text("<p>Hi Sam,</p><p>Try <b>Premium</b> free &amp; save</p>");
/// assert_eq!(text, "Hi Sam,\n\nTry Premium free & save");
/// assert_eq!(markup, Markup::Inline);
/// assert_eq!(html_to_text("if x < y > z, I <3 it").0, "if x < y > z, I <3 it");
/// ```
pub fn html_to_text(text: &str) -> (Cow<'_, str>, Markup) {
    if !text.contains('<') || !has_known_tag(text) {
        return (decode_entities(text), Markup::None);
    }
    let mut out = String::with_capacity(text.len());
    let (mut links, mut images, mut tables, mut styled, mut document) = (0, 0, 0, false, false);
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        push_collapsed(&mut out, &rest[..i]);
        rest = &rest[i..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |j| &comment[j + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else {
            // A `<` that opens nothing: text.
            push_collapsed(&mut out, rest);
            rest = "";
            break;
        };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        let closing = tag.starts_with('/');
        let name = tag_name(tag.strip_prefix('/').unwrap_or(tag));
        let lower = tag.to_ascii_lowercase();
        if lower.contains("style=") {
            styled = true;
        }
        match name.as_str() {
            "a" if !closing && lower.contains("href") => links += 1,
            "img" => images += 1,
            "table" if !closing => tables += 1,
            "script" | "style" | "title" | "head" if !closing => {
                document |= name == "head";
                // Skip the block's content up to its closing tag.
                let end = format!("</{name}");
                let lower_rest = rest.to_ascii_lowercase();
                rest = match lower_rest.find(&end) {
                    Some(j) => rest[j..].find('>').map_or("", |k| &rest[j + k + 1..]),
                    None => "",
                };
                continue;
            }
            "html" | "body" => document = true,
            _ if lower.starts_with("!doctype") => document = true,
            _ => {}
        }
        if BLOCK_TAGS.contains(&name.as_str()) {
            while out.ends_with(' ') {
                out.pop();
            }
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else if matches!(name.as_str(), "td" | "th") && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
    }
    push_collapsed(&mut out, rest);
    let decoded = decode_entities(&out).into_owned();
    // Trim every line and drop blank lines at either end.
    let mut text = String::with_capacity(decoded.len());
    let mut blank = false;
    for line in decoded.lines().map(str::trim) {
        if line.is_empty() {
            blank = !text.is_empty();
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        text.push_str(line);
    }
    let markup = if tables > 0 || images > 0 || links >= 2 || styled || document {
        Markup::Layout
    } else {
        Markup::Inline
    };
    (Cow::Owned(text), markup)
}

/// Appends HTML source text with its whitespace collapsed to single spaces.
fn push_collapsed(out: &mut String, source: &str) {
    for (i, word) in source.split_ascii_whitespace().enumerate() {
        let starts_with_space = i > 0 || source.starts_with(|c: char| c.is_ascii_whitespace());
        if starts_with_space && !out.is_empty() && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        out.push_str(word);
    }
    if source.ends_with(|c: char| c.is_ascii_whitespace())
        && !source.trim().is_empty()
        && !out.ends_with([' ', '\n'])
    {
        out.push(' ');
    }
}

/// A named entity's character.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "laquo" => '«',
        "raquo" => '»',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "aacute" => 'á',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "szlig" => 'ß',
        _ => return None,
    })
}

/// Decodes `&amp;`, `&#39;`, `&#x2019;` and the common named entities; anything else is kept.
pub(crate) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let semi = rest[1..]
            .bytes()
            .take(10)
            .position(|b| b == b';')
            .map(|p| p + 1);
        let decoded = semi.and_then(|end| {
            let body = &rest[1..end];
            let c = if let Some(num) = body.strip_prefix('#') {
                let value = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                value.and_then(char::from_u32).filter(|&c| c != '\0')
            } else {
                named_entity(body)
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
                changed = true;
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_told_from_inline_markup() {
        let ad = "<html><head><style>p{color:red}</style></head><body><table><tr><td>\
                  <img src=\"x.png\"></td><td><p>Unlock <b>Premium</b> today</p>\
                  <a href=\"https://x\">Try free</a> | <a href=\"https://y\">Unsubscribe</a></td></tr></table></body></html>";
        let (text, markup) = html_to_text(ad);
        assert_eq!(markup, Markup::Layout);
        assert_eq!(text, "Unlock Premium today\nTry free | Unsubscribe");
        let (text, markup) = html_to_text("Hi Jordan,<br>Great to meet you.<br/><br/>Best, Ana");
        assert_eq!(markup, Markup::Inline);
        assert_eq!(text, "Hi Jordan,\nGreat to meet you.\n\nBest, Ana");
    }

    #[test]
    fn entities_and_text_that_only_looks_like_html() {
        assert_eq!(
            decode_entities("Q&amp;A &#39;24 &#x2019; &bogus; AT&T"),
            "Q&A '24 ’ &bogus; AT&T"
        );
        assert!(matches!(decode_entities("AT&T; R&D"), Cow::Borrowed(_)));
        for text in ["x < y > z", "<3", "see <https://example.com>", "a<b", "<"] {
            assert_eq!(
                html_to_text(text),
                (Cow::Borrowed(text), Markup::None),
                "{text:?}"
            );
        }
        // Unterminated tags and comments never panic.
        for text in [
            "<p>hi <a href",
            "<p><!-- never closed",
            "<p>&#xFFFFFFFF; &#55296;",
            "<script>x",
        ] {
            let _ = html_to_text(text);
        }
    }
}
