//! Spelling: the dictionaries and the handbook's vocabulary.
//!
//! As in `typos`, a dictionary answers one question about a word — valid,
//! a known misspelling with corrections, or unknown — and the handbook's
//! accepted words wrap any dictionary as an override ([`WithVocabulary`]).

pub mod candidates;
pub mod frequency;
// The layout half (`slot`) is the build's (`build.rs`).
#[allow(dead_code)]
pub(crate) mod general_hash;
pub mod hunspell;
pub mod precision;
pub mod typo_list;
pub mod vocabulary;
pub mod word_cache;

use std::borrow::Cow;

pub use typo_list::{GeneralTypos, HandbookTypos};
pub use vocabulary::Vocabulary;

/// What a dictionary says about one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// A word of the language, or an accepted handbook word.
    Valid,
    /// A known misspelling, with its corrections (best first).
    Typo(Vec<Cow<'a, str>>),
    /// The dictionary does not know the word.
    Unknown,
}

pub trait Dictionary: Send + Sync {
    fn check(&self, word: &str) -> Verdict<'_>;
}

/// A dictionary behind the handbook's accepted words: accepted words are valid.
pub struct WithVocabulary<'v, D> {
    pub vocabulary: &'v Vocabulary,
    pub inner: D,
}

impl<D: Dictionary> Dictionary for WithVocabulary<'_, D> {
    fn check(&self, word: &str) -> Verdict<'_> {
        if self.vocabulary.accepts(word) {
            Verdict::Valid
        } else {
            self.inner.check(word)
        }
    }
}

/// The hasher of the word tables: fast on short keys, not keyed against
/// flooding (the words come from the repository being linted).
pub type FastHash = foldhash::fast::RandomState;
/// A set of words with [`FastHash`].
pub type WordSet = std::collections::HashSet<String, FastHash>;

/// Longest ASCII word lowercased on the stack; longer ones allocate.
const STACK_WORD: usize = 64;

/// Call `f` with the lowercase form of `word`, computed once and without an
/// allocation for an ASCII word of up to 64 letters (nearly every word of
/// prose): a word with no uppercase letter is its own lowercase form.
pub fn with_lowercase<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    if word.is_ascii() {
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return f(word);
        }
        if word.len() <= STACK_WORD {
            let mut buf = [0u8; STACK_WORD];
            let lower = &mut buf[..word.len()];
            lower.copy_from_slice(word.as_bytes());
            lower.make_ascii_lowercase();
            // ASCII in, ASCII out: always UTF-8.
            if let Ok(lower) = std::str::from_utf8(lower) {
                return f(lower);
            }
        }
    }
    f(&word.to_lowercase())
}

/// Write `correction` in the case of `original`: `Serivices` -> `Services`.
pub fn match_case(original: &str, correction: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    let all_upper = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
    if all_upper {
        return correction.to_uppercase();
    }
    let first_upper = original.chars().next().is_some_and(char::is_uppercase);
    if first_upper {
        let mut chars = correction.chars();
        return match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
    }
    correction.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_is_kept() {
        assert_eq!(match_case("serivices", "services"), "services");
        assert_eq!(match_case("Serivices", "services"), "Services");
        assert_eq!(match_case("SERIVICES", "services"), "SERVICES");
    }

    #[test]
    fn lowercase_once_matches_to_lowercase() {
        let long = "A".repeat(STACK_WORD + 1);
        for word in [
            "plain",
            "GitLab",
            "SERVICES",
            "Café",
            "ÉTÉ",
            "ǅemal",
            long.as_str(),
        ] {
            with_lowercase(word, |lower| {
                assert_eq!(lower, word.to_lowercase(), "{word}")
            });
        }
    }
}
