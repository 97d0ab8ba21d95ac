//! Split prose into the words a spell checker should judge.
//!
//! Like `typos`, the tokenizer first finds what is not a word at all — URLs,
//! e-mail addresses, paths and file names, `@mentions`, `#channels`, hashes —
//! and skips it;
//! then it skips identifiers (`snake_case`, `camelCase`, words with digits).

use regex::Regex;
use std::sync::LazyLock;

/// What is not a word (see [`non_words`]), without its flags.
const NON_WORDS: &str = concat!(
    r"\b(?:https?|ftp|mailto|file)://?[^\s<>()\[\]]+",
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
);

static SKIP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){NON_WORDS}")).expect("static regex"));

/// [`SKIP`] for ASCII text, with ASCII classes. On ASCII text `\w`, `\s`,
/// `\b` and case folding match what their Unicode forms match, and the
/// automaton is a fraction of the size: the regex engine builds it state by
/// state as text comes, and for the Unicode form that was most of the time
/// a short run spent finding words.
static SKIP_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(&format!("(?i-u){NON_WORDS}")).expect("static regex")
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
    if !may_hold_non_words(text) {
        return Vec::new();
    }
    if text.is_ascii() {
        return SKIP_ASCII
            .find_iter(text.as_bytes())
            .map(|m| m.range())
            .collect();
    }
    SKIP.find_iter(text).map(|m| m.range()).collect()
}

/// Whether [`SKIP`] can match in `text`. Each of its alternatives holds one
/// of `@ # / $ % & [ (` (a URL has its `/`), or a `.` with something other
/// than a space after it (`www.x`, `.env`, `file.md`, `a.b`); most prose has
/// none of them (a sentence's full stop is followed by a space or ends the
/// text), and is not searched.
fn may_hold_non_words(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| match b {
        b'@' | b'#' | b'/' | b'$' | b'%' | b'&' | b'[' | b'(' => true,
        b'.' => bytes
            .get(i + 1)
            .is_some_and(|next| !next.is_ascii_whitespace()),
        _ => false,
    })
}

/// The words of `text` that are prose, not identifiers or addresses.
pub fn words(text: &str) -> Vec<Token<'_>> {
    let skips = non_words(text);
    let mut out = Vec::new();
    let mut next_skip = 0;
    let mut keep = |start: usize, end: usize| {
        while next_skip < skips.len() && skips[next_skip].end <= start {
            next_skip += 1;
        }
        if skips
            .get(next_skip)
            .is_some_and(|s| s.start < end && start < s.end)
        {
            return;
        }
        let word = &text[start..end];
        if is_identifier(word) {
            return;
        }
        out.push(Token {
            offset: start,
            word,
        });
    };
    if text.is_ascii() {
        for range in AsciiWords::new(text.as_bytes()) {
            keep(range.start, range.end);
        }
    } else {
        for m in WORD.find_iter(text) {
            keep(m.start(), m.end());
        }
    }
    out
}

/// The matches of [`WORD`] in ASCII text, without the regex engine: a run of
/// letters, digits and `_`, then any number of `'` + letters (`don't`).
struct AsciiWords<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> AsciiWords<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        AsciiWords { bytes, pos: 0 }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Iterator for AsciiWords<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.bytes;
        while self.pos < b.len() && !is_word_byte(b[self.pos]) {
            self.pos += 1;
        }
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        while self.pos < b.len() && is_word_byte(b[self.pos]) {
            self.pos += 1;
        }
        while self.pos + 1 < b.len()
            && b[self.pos] == b'\''
            && b[self.pos + 1].is_ascii_alphabetic()
        {
            self.pos += 2;
            while self.pos < b.len() && b[self.pos].is_ascii_alphabetic() {
                self.pos += 1;
            }
        }
        Some(start..self.pos)
    }
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
    fn ascii_fast_path_finds_what_the_regex_finds() {
        let samples = [
            "don't stop, it's O'Neil's rock'n'roll' x' 'quoted' a''b _under_score_ 9lives v1.2",
            "GitLab's cafe--menu (see: foo/bar) e-mail @team #chan $HOME %20 &amp; a.b.c",
            "",
            "'",
            "x",
        ];
        let mut text = String::new();
        for s in samples {
            text.push_str(s);
            text.push('\n');
        }
        // Every short string over a small alphabet, too.
        let alphabet = [b'a', b'Z', b'7', b'_', b'\'', b' ', b'.', b'-'];
        for n in 0..=4u32 {
            for i in 0..alphabet.len().pow(n) {
                let mut k = i;
                for _ in 0..n {
                    text.push(char::from(alphabet[k % alphabet.len()]));
                    k /= alphabet.len();
                }
                text.push('\n');
            }
        }
        for line in text.lines() {
            let fast: Vec<_> = AsciiWords::new(line.as_bytes()).collect();
            let slow: Vec<_> = WORD.find_iter(line).map(|m| m.range()).collect();
            assert_eq!(fast, slow, "{line:?}");
        }
    }

    /// The text of `picks`, indexes into `alphabet`.
    fn text_of(alphabet: &[&str], picks: &[usize]) -> String {
        picks.iter().map(|&i| alphabet[i]).collect()
    }

    /// `check` every text of up to `max` pieces of `alphabet`.
    fn every_text(alphabet: &[&str], max: u32, mut check: impl FnMut(&str)) {
        for n in 0..=max {
            for i in 0..alphabet.len().pow(n) {
                let picks: Vec<usize> = (0..n)
                    .scan(i, |k, _| {
                        let digit = *k % alphabet.len();
                        *k /= alphabet.len();
                        Some(digit)
                    })
                    .collect();
                check(&text_of(alphabet, &picks));
            }
        }
    }

    /// Text that [`may_hold_non_words`] lets through unsearched has no
    /// match of [`SKIP`]: on every short string over the characters its
    /// alternatives are built from, and on random longer ones.
    #[test]
    fn text_left_unsearched_holds_no_non_word() {
        let unsearched_has_none = |text: &str| {
            assert!(
                may_hold_non_words(text) || SKIP.find(text).is_none(),
                "{text:?} holds {:?}",
                SKIP.find(text)
            );
        };
        // The characters and words the alternatives are built from.
        let alphabet = [
            "a", "Z", "1", "_", "-", "+", ".", " ", "\n", "é", "\u{a0}", "@", "#", "/", ":", "(",
            ")", "[", "]", "$", "%", "&", ";", "at", "www", "ftp", "md", "http",
        ];
        every_text(&alphabet, 4, unsearched_has_none);
        for text in [
            "Read the handbook. Then ask.",
            "www. and www.x",
            "a file.md here",
            "edit .env now",
            "e.g. this",
            "bob (at) example",
        ] {
            unsearched_has_none(text);
        }
        proptest::proptest!(|(picks in proptest::collection::vec(0..alphabet.len(), 0..24))| {
            unsearched_has_none(&text_of(&alphabet, &picks));
        });
    }

    /// On ASCII text the ASCII form of the regex finds exactly what the
    /// Unicode form finds.
    #[test]
    fn ascii_text_gets_the_same_non_words_from_either_regex() {
        let same = |text: &str| {
            let unicode: Vec<_> = SKIP.find_iter(text).map(|m| m.range()).collect();
            let ascii: Vec<_> = SKIP_ASCII
                .find_iter(text.as_bytes())
                .map(|m| m.range())
                .collect();
            assert_eq!(ascii, unicode, "{text:?}");
        };
        let alphabet = [
            "a", "K", "s", "S", "k", "1", "_", "-", "+", ".", " ", "\t", "\x0b", "\n", "@", "#",
            "/", ":", "(", ")", "[", "]", "$", "%", "&", ";", "~", "at", "www", "FTP", "md",
            "Http", "com", "f", "mailto",
        ];
        every_text(&alphabet, 3, same);
        for line in include_str!("../tests/fixtures/links/middleman/sites/handbook/source/handbook/support/workflows/working-on-tickets.html.md").lines() {
            if line.is_ascii() {
                same(line);
            }
        }
        proptest::proptest!(|(picks in proptest::collection::vec(0..alphabet.len(), 0..40))| {
            same(&text_of(&alphabet, &picks));
        });
    }

    #[test]
    fn prose_without_marks_is_not_searched_and_prose_with_them_is() {
        assert!(!may_hold_non_words("Our services partners. They help."));
        assert!(!may_hold_non_words("ends with a stop."));
        for text in ["see https://x", "a.b", "@team", "#chan", "$HOME", "(at)"] {
            assert!(may_hold_non_words(text), "{text}");
        }
    }

    #[test]
    fn hyphenated_words_are_split() {
        assert_eq!(list("tell-show-tell"), vec!["tell", "show", "tell"]);
    }
}
