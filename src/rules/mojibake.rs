//! `mojibake`: UTF-8 text that was decoded as Windows-1252 and saved again.

use super::{Context, FixAvailability, Rule, RuleMeta};
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "mojibake",
    default_severity: Severity::Error,
    summary: "Garbled characters from UTF-8 read as Windows-1252 (`GitLabâ€™s`)",
    fix: FixAvailability::Sometimes,
    doc: r#"# mojibake

## What it does
Finds text that was UTF-8, was decoded as Windows-1252 (or Latin-1) by some
tool, and was saved again: `GitLabâ€™s` for `GitLab’s`, `â€œquotedâ€` for
`“quoted”`, `cafÃ©` for `café`, `Â ` for a no-break space. The finding
carries the repaired text, found by encoding the garbled characters back to
Windows-1252 and decoding the bytes as UTF-8; only sequences that decode
cleanly are reported, so real accented words are left alone. When the bytes
decode to a character that text rarely holds (`‚Ç¨` would become `Ǩ`: that
garbling went through Mac Roman and was `€`), the finding has no repair.

## Why is this bad?
Readers see noise in the middle of words, search cannot find the word, and
the garbling spreads when the page is copied.

## Example
```markdown
Grow skill sets that are focused on GitLabâ€™s product offering.
```
Use instead:
```markdown
Grow skill sets that are focused on GitLab’s product offering.
```

## How to fix
Run `hblint check --fix`, which writes the repaired characters. Code blocks
and inline code are never checked or changed. To silence one place:
`<!-- hblint-disable-next-line mojibake -->`.
"#,
};

#[derive(Default)]
pub struct Mojibake;

/// The Windows-1252 byte for a character, if it has one.
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{0}'..='\u{7f}' | '\u{a0}'..='\u{ff}' | '\u{80}'..='\u{9f}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(b)
}

/// How many continuation bytes a UTF-8 lead byte announces.
fn continuation_count(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(1),
        0xE0..=0xEF => Some(2),
        0xF0..=0xF4 => Some(3),
        _ => None,
    }
}

/// One garbled run: its byte range in `text` and the repaired text.
#[derive(Debug, PartialEq, Eq)]
pub struct Garbled {
    pub range: std::ops::Range<usize>,
    pub repaired: String,
}

/// Find every garbled run in `text`.
pub fn find(text: &str) -> Vec<Garbled> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out: Vec<Garbled> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let Some(need) = cp1252_byte(c).and_then(continuation_count) else {
            i += 1;
            continue;
        };
        let mut bytes = vec![cp1252_byte(c).unwrap_or(0)];
        let mut j = i + 1;
        while j < chars.len() && bytes.len() <= need {
            match cp1252_byte(chars[j].1) {
                Some(b @ 0x80..=0xBF) => bytes.push(b),
                _ => break,
            }
            j += 1;
        }
        // A trailing no-break space stands for a lost 0xA0 byte, and a
        // sequence cut one byte short at `â€` most often was a quote mark.
        let decoded = if bytes.len() == need + 1 {
            String::from_utf8(bytes).ok()
        } else {
            None
        };
        match decoded {
            Some(repaired) => {
                let end = chars.get(j).map_or(text.len(), |(o, _)| *o);
                match out.last_mut() {
                    Some(last) if last.range.end == start => {
                        last.range.end = end;
                        last.repaired.push_str(&repaired);
                    }
                    _ => out.push(Garbled {
                        range: start..end,
                        repaired,
                    }),
                }
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

/// Whether a repair gives characters that real text holds: Latin letters with
/// accents, Greek and Cyrillic, punctuation, currency, symbols, arrows,
/// dingbats, CJK, Hangul and emoji.
fn plausible(repaired: &str) -> bool {
    repaired.chars().all(|c| {
        matches!(c as u32,
            0xA0..=0x17F
            | 0x370..=0x52F
            | 0x2000..=0x27BF
            | 0x3000..=0x9FFF
            | 0xAC00..=0xD7AF
            | 0xFF00..=0xFFEF
            | 0x2B00..=0x2BFF
            | 0x1F000..=0x1FAFF)
    })
}

impl Rule for Mojibake {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if doc.text.is_ascii() {
            return;
        }
        for g in find(&doc.text) {
            if doc.in_code(g.range.start) {
                continue;
            }
            let garbled = &doc.text[g.range.clone()];
            let d = if plausible(&g.repaired) {
                Diagnostic::new(
                    g.range.clone(),
                    format!(
                        "`{garbled}` is garbled text (mojibake) for `{}`",
                        g.repaired
                    ),
                )
                .with_help(format!("replace with `{}`", g.repaired))
                .with_fix(g.repaired, Applicability::Safe)
            } else {
                // The bytes decode, but to a character text rarely holds: the
                // garbling went through another encoding (Mac Roman turns `€`
                // into `‚Ç¨`). Report it, but offer no repair.
                Diagnostic::new(
                    g.range.clone(),
                    format!("`{garbled}` looks like garbled text (mojibake)"),
                )
                .with_help("retype the character that was meant here")
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::check_text;

    #[test]
    fn repairs_common_garbling() {
        assert_eq!(
            find("GitLabâ€™s product"),
            vec![Garbled {
                range: 6..6 + "â€™".len(),
                repaired: "’".into()
            }]
        );
        assert_eq!(find("cafÃ© and â€œquotesâ€\u{9d}")[0].repaired, "é");
        assert_eq!(find("â€œquotesâ€\u{9d}")[0].repaired, "“");
        assert_eq!(find("a â€” b")[0].repaired, "—");
    }

    #[test]
    fn real_text_is_left_alone() {
        for text in [
            "café naïve façade São Paulo Zürich",
            "“quotes” — dashes – ’apostrophes’ … ©®™",
            "日本語のページ",
            "Ã alone, â then space",
        ] {
            assert!(find(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn implausible_repairs_are_reported_without_a_fix() {
        // Mac Roman garbling of `€`: the Windows-1252 reading of `Ç¨` would be `Ǩ`.
        let found = check_text(&META, "Up to ‚Ç¨150 for frames\n");
        assert_eq!(found, vec![("Ç¨".to_owned(), None)]);
        assert!(plausible("’"));
        assert!(plausible("é"));
        assert!(plausible("日本"));
        assert!(!plausible("Ǩ"));
    }

    #[test]
    fn rule_reports_with_fix_and_skips_code() {
        let found = check_text(&META, "On GitLabâ€™s offering, `GitLabâ€™s`\n");
        assert_eq!(found, vec![("â€™".to_owned(), Some("’".to_owned()))]);
    }
}
