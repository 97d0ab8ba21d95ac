//! Text normalisation for comparing a page with the role data.
//!
//! Two cells agree when they read the same: Markdown emphasis, links, inline
//! code and `<br>` do not count, nor do smart quotes against straight ones,
//! the kind of dash (`—`, `–`, `-`, `--`) and the spaces around it, or runs of
//! whitespace. Case and words do count.

use regex::Regex;
use std::sync::LazyLock;

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"!?\[([^\]]*)\]\([^)]*\)|!?\[([^\]]*)\]\[[^\]]*\]").expect("static regex")
});
static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][^<>]*>").expect("static regex"));
static UNDERSCORE_EMPHASIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w])_+|_+($|[^\w])").expect("static regex"));

/// A Markdown cell's text as a reader sees it: no emphasis markers, link
/// syntax, code backticks, HTML tags or escapes; whitespace collapsed.
/// Typography (quotes, dashes) is kept.
pub fn plain(markdown: &str) -> String {
    let mut s = markdown.replace("\\|", "|");
    s = LINK
        .replace_all(&s, |c: &regex::Captures<'_>| {
            c.get(1)
                .or_else(|| c.get(2))
                .map_or(String::new(), |m| m.as_str().to_owned())
        })
        .into_owned();
    s = HTML_TAG.replace_all(&s, " ").into_owned();
    s = crate::document::decode_html_entities(&s);
    s = s
        .replace("**", "")
        .replace("~~", "")
        .replace(['*', '`'], "");
    s = UNDERSCORE_EMPHASIS.replace_all(&s, "$1$2").into_owned();
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    collapse(&out)
}

/// The comparison key of a cell: [`plain`], then quotes and dashes unified.
pub fn compare_key(markdown: &str) -> String {
    let s = plain(markdown);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => out.push('\''),
            '“' | '”' | '„' | '‟' | '″' | '«' | '»' => out.push('"'),
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => out.push('-'),
            '\u{a0}' | '\u{2009}' | '\u{202f}' => out.push(' '),
            '…' => out.push_str("..."),
            c => out.push(c),
        }
    }
    // `--` and `---` are dashes too; spaces around a dash do not count.
    let mut s = out;
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let mut result = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev_dash = result.ends_with('-');
            let next_dash = chars[i + 1..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_some_and(|&c| c == '-');
            if prev_dash || next_dash || result.ends_with(' ') {
                continue;
            }
            result.push(' ');
        } else {
            result.push(c);
        }
    }
    result.trim().to_owned()
}

/// Whether two cells read the same.
pub fn same(a: &str, b: &str) -> bool {
    compare_key(a) == compare_key(b)
}

/// A name folded for lookup: [`compare_key`] in lower case.
pub fn fold(text: &str) -> String {
    compare_key(text).to_lowercase()
}

/// A header folded for matching: lower case, no punctuation but `/`, `(` and
/// `)`, hyphens read as spaces (`Hands-On vs. Advisory` = `hands on vs advisory`).
pub fn header_key(text: &str) -> String {
    let s = compare_key(text).to_lowercase();
    let s: String = s
        .chars()
        .map(|c| match c {
            '-' | '_' => ' ',
            c if c.is_alphanumeric() || c.is_whitespace() || "/()".contains(c) => c,
            _ => ' ',
        })
        .collect();
    collapse(&s)
}

/// Whitespace runs to one space, trimmed.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_links_and_html_do_not_count() {
        assert_eq!(
            plain("**Designated** for _Advanced_ and [Signature](/x/) tiers<br>"),
            "Designated for Advanced and Signature tiers"
        );
        assert_eq!(plain("snake_case `code` a\\|b"), "snake_case code a|b");
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(plain("R&amp;D&nbsp;&mdash; a&amp;lt;b"), "R&D — a&lt;b");
        assert_eq!(plain("&#8220;x&#x201D; &rsquo;"), "“x” ’");
        assert!(same("Sales &amp; Support", "Sales & Support"));
    }

    #[test]
    fn quotes_dashes_and_spaces_do_not_count() {
        assert!(same(
            "Explicitly hands-on — can be “hands on keyboard”",
            "Explicitly hands-on - can be \"hands on keyboard\""
        ));
        assert!(same("Advisory — not", "Advisory--not"));
        assert!(same("a  b\u{a0}c", "a b c"));
        assert!(!same("hands-on", "hands on"));
        assert!(!same("Advisory", "advisory"));
        assert!(!same("Essentials tier", "Advanced tier"));
    }

    #[test]
    fn headers_fold() {
        assert_eq!(
            header_key("**Hands-On vs. Advisory**"),
            "hands on vs advisory"
        );
        assert_eq!(header_key("Tier(s)"), "tier(s)");
    }
}
