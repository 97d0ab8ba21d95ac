//! Split prose into the words a spell checker should judge.
//!
//! Like `typos`, the tokenizer first finds what is not a word at all — URLs,
//! e-mail addresses, paths and file names, `@mentions`, `#channels`, hashes —
//! and skips it;
//! then it skips identifiers (`snake_case`, `camelCase`, words with digits).

use regex::Regex;
use std::sync::LazyLock;

static SKIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:https?|ftp|mailto|file)://?[^\s<>()\[\]]+",
        r"|\bwww\.[^\s<>()\[\]]+",
        r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        r"|\b[\w.+-]+\s*[\[(]at[\])]\s*[\w-]+",
        r"|@[\w.-]+",
        r"|\B#[\w-]+",
        r"|(?:^|\s)\.\w[\w.-]*",
        r"|[\w.-]*(?:/[\w.@%~+-]+)+/?",
        r"|\b[\w-]+\.(?:md|erb|html?|ya?ml|json|toml|txt|csv|png|jpe?g|gif|svg|pdf|rb|py|go|rs|js|ts|sh|xml|zip|tar|gz|com|org|io|net|dev)\b",
        r"|\$\w+",
        r"|%[0-9A-Fa-f]{2}",
        r"|&#?\w+;",
        r"|\b[a-z]\w*\.[a-z]\w*[a-z]\b",
    ))
    .expect("static regex")
});

static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{Nd}_][\p{L}\p{M}\p{Nd}_]*(?:['’][\p{L}]+)*").expect("static regex")
});

/// A word worth judging: its byte offset in the text and the word itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub offset: usize,
    pub word: &'a str,
}

impl<'a> Token<'a> {
    /// The word without a trailing possessive (`GitLab's` -> `GitLab`).
    pub fn stem(&self) -> &'a str {
        for suffix in ["'s", "’s", "'", "’"] {
            if let Some(s) = self.word.strip_suffix(suffix) {
                return s;
            }
        }
        self.word
    }
}

/// Whether a word is an identifier rather than prose: digits, underscores, or
/// an uppercase letter after a lowercase one (`camelCase`, `GitLab`).
pub fn is_identifier(word: &str) -> bool {
    let mut prev_lower = false;
    for c in word.chars() {
        if c.is_ascii_digit() || c.is_numeric() || c == '_' {
            return true;
        }
        if c.is_uppercase() && prev_lower {
            return true;
        }
        prev_lower = c.is_lowercase();
    }
    false
}

/// The ranges of `text` that are not words: URLs, e-mail addresses, paths,
/// file names, `@mentions`, `#channels`, variables and entities.
pub fn non_words(text: &str) -> Vec<std::ops::Range<usize>> {
    SKIP.find_iter(text).map(|m| m.range()).collect()
}

/// The words of `text` that are prose, not identifiers or addresses.
pub fn words(text: &str) -> Vec<Token<'_>> {
    let skips = non_words(text);
    let mut out = Vec::new();
    let mut next_skip = 0;
    for m in WORD.find_iter(text) {
        while next_skip < skips.len() && skips[next_skip].end <= m.start() {
            next_skip += 1;
        }
        if skips
            .get(next_skip)
            .is_some_and(|s| s.start < m.end() && m.start() < s.end)
        {
            continue;
        }
        let word = m.as_str();
        if is_identifier(word) {
            continue;
        }
        out.push(Token {
            offset: m.start(),
            word,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> Vec<&str> {
        words(text).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn plain_words_with_offsets() {
        let t = words("The café's menu");
        assert_eq!(t[1].word, "café's");
        assert_eq!(t[1].offset, 4);
        assert_eq!(t[1].stem(), "café");
        assert_eq!(t[2].offset, "The café's ".len());
    }

    #[test]
    fn skips_urls_emails_paths_and_files() {
        let text = "see https://gitlab.com/serivices/x www.addtion.com mail bob.serivices@example.com \
                    at content/handbook/serivices/ or serivices.md and @serivices #cmo then words";
        assert_eq!(
            list(text),
            vec!["see", "mail", "at", "or", "and", "then", "words"]
        );
    }

    #[test]
    fn skips_written_out_email_addresses() {
        assert_eq!(
            list("mail jleary [at] redmonk [dot] com or bob (at) example today"),
            vec!["mail", "dot", "com", "or", "today"]
        );
    }

    #[test]
    fn skips_identifiers() {
        let text = "snake_case camelCase Demo2Win GitLab sha 1a2b3c4 plain";
        assert_eq!(list(text), vec!["sha", "plain"]);
    }

    #[test]
    fn dotfiles_and_leading_marks() {
        assert_eq!(
            list("edit .Rprofile and \u{fe0f}Important"),
            vec!["edit", "and", "Important"]
        );
    }

    #[test]
    fn hyphenated_words_are_split() {
        assert_eq!(list("tell-show-tell"), vec!["tell", "show", "tell"]);
    }
}
