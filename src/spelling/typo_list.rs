//! Lists of known misspellings: the handbook's own (`rules/typos.toml`) and
//! the general list of the `typos` project (the `typos-dict` crate).

use super::{Dictionary, FastHash, Verdict, WordSet, with_lowercase};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// The embedded handbook list.
pub const DEFAULT_TYPOS_TOML: &str = include_str!("../../rules/typos.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TyposFile {
    #[serde(default)]
    corrections: BTreeMap<String, String>,
    #[serde(default)]
    accept: AcceptTable,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptTable {
    #[serde(default)]
    words: Vec<String>,
}

/// The handbook's misspellings and the words it accepts against the general list.
#[derive(Debug, Default)]
pub struct HandbookTypos {
    corrections: HashMap<String, String, FastHash>,
    accepted: WordSet,
}

impl HandbookTypos {
    pub fn from_toml(source: &str) -> Result<Self, toml::de::Error> {
        let file: TyposFile = toml::from_str(source)?;
        Ok(HandbookTypos {
            corrections: file
                .corrections
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            accepted: file.accept.words.iter().map(|w| w.to_lowercase()).collect(),
        })
    }

    /// The embedded list. It is part of the binary, so a parse error is a
    /// defect of the build, never of a run: it panics with the parser's
    /// message, and `tests/data.rs` and the tests below parse the list.
    pub fn embedded() -> Self {
        match Self::from_toml(DEFAULT_TYPOS_TOML) {
            Ok(list) => list,
            Err(e) => panic!("the embedded rules/typos.toml does not parse: {e}"),
        }
    }

    /// How many misspellings the list corrects.
    pub fn len(&self) -> usize {
        self.corrections.len()
    }

    pub fn is_empty(&self) -> bool {
        self.corrections.is_empty()
    }

    pub fn add_correction(&mut self, typo: &str, correction: &str) {
        self.corrections
            .insert(typo.to_lowercase(), correction.to_owned());
    }

    /// Whether the handbook accepts a word the general list would flag.
    pub fn accepts(&self, word: &str) -> bool {
        with_lowercase(word, |lower| self.accepts_folded(lower))
    }

    /// [`HandbookTypos::accepts`] of a word already in lowercase.
    pub fn accepts_folded(&self, lower: &str) -> bool {
        self.accepted.contains(lower)
    }

    /// [`Dictionary::check`] of a word already in lowercase.
    pub fn check_folded(&self, lower: &str) -> Verdict<'_> {
        match self.corrections.get(lower) {
            Some(c) => Verdict::Typo(vec![Cow::Borrowed(c.as_str())]),
            None => Verdict::Unknown,
        }
    }
}

impl Dictionary for HandbookTypos {
    fn check(&self, word: &str) -> Verdict<'_> {
        with_lowercase(word, |lower| self.check_folded(lower))
    }
}

/// The `typos` project's list of common misspellings.
#[derive(Debug, Default, Clone, Copy)]
pub struct GeneralTypos;

impl Dictionary for GeneralTypos {
    fn check(&self, word: &str) -> Verdict<'_> {
        let key = unicase::UniCase::new(word);
        match typos_dict::WORD.find(&key) {
            // An empty list marks a word the `typos` project chose to allow.
            Some([]) => Verdict::Valid,
            Some(list) => Verdict::Typo(list.iter().map(|c| Cow::Borrowed(*c)).collect()),
            None => Verdict::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_knows_the_seed_typos() {
        let list = HandbookTypos::embedded();
        assert_eq!(
            list.check("serivices"),
            Verdict::Typo(vec![Cow::Borrowed("services")])
        );
        assert_eq!(
            list.check("Addtion"),
            Verdict::Typo(vec![Cow::Borrowed("addition")])
        );
        assert_eq!(list.check("services"), Verdict::Unknown);
    }

    #[test]
    fn general_list_knows_common_misspellings() {
        assert!(matches!(GeneralTypos.check("addtion"), Verdict::Typo(_)));
        assert!(matches!(GeneralTypos.check("teh"), Verdict::Typo(_)));
        assert_eq!(GeneralTypos.check("services"), Verdict::Unknown);
    }
}
