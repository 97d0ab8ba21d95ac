//! Spelling: the tokenizer, the dictionaries and the handbook's vocabulary.
//!
//! As in `typos`, a dictionary answers one question about a word — valid,
//! a known misspelling with corrections, or unknown — and the handbook's
//! accepted words wrap any dictionary as an override ([`WithVocabulary`]).

pub mod candidates;
pub mod frequency;
pub mod hunspell;
pub mod precision;
pub mod tokenize;
pub mod typo_list;
pub mod vocabulary;

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
}
