//! Lists of known misspellings: the handbook's own (`rules/typos.toml`) and
//! the general list of the `typos` project (the `typos-dict` crate, embedded
//! as a sorted text by `build.rs`).

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
        with_lowercase(word, |lower| self.accepted.contains(lower))
    }

    /// The accepted words, in lowercase, in no order.
    pub fn accepted_words(&self) -> impl Iterator<Item = &str> {
        self.accepted.iter().map(String::as_str)
    }

    /// `(misspelling in lowercase, correction)`, in no order.
    pub fn corrections(&self) -> impl Iterator<Item = (&str, &str)> {
        self.corrections
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl Dictionary for HandbookTypos {
    fn check(&self, word: &str) -> Verdict<'_> {
        with_lowercase(word, |lower| match self.corrections.get(lower) {
            Some(c) => Verdict::Typo(vec![Cow::Borrowed(c.as_str())]),
            None => Verdict::Unknown,
        })
    }
}

/// The `typos` project's list of common misspellings.
#[derive(Debug, Default, Clone, Copy)]
pub struct GeneralTypos;

include!(concat!(env!("OUT_DIR"), "/general_typos.rs"));

/// `typo<TAB>correction…` lines in `unicase` order; where each starts
/// (little-endian `u32`s, then the text's length); and a hash table of the
/// ASCII misspellings' lines (see `build.rs`).
static GENERAL_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/general-typos.txt"));
static GENERAL_STARTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/general-typos.idx"));
static GENERAL_HASH: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/general-typos.hash"));

/// The `i`th little-endian `u32` of `bytes`.
fn le_u32(bytes: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        bytes.get(i * 4..i * 4 + 4)?.try_into().ok()?,
    ))
}

impl GeneralTypos {
    /// The corrections the list gives for `word` (any case), as the crate's
    /// own map finds them (the same case-insensitive equality): an ASCII
    /// word in the hash table, any other by a binary search in the order
    /// `build.rs` sorted the lines in.
    fn find(word: &str) -> Option<std::str::Split<'static, char>> {
        if !GENERAL_TYPO_LENGTHS.contains(&word.len()) {
            return None;
        }
        let start = |i: usize| le_u32(GENERAL_STARTS, i).map(|at| at as usize);
        let line = |i: usize| GENERAL_TEXT.get(start(i)?..start(i + 1)? - 1);
        if word.is_ascii() {
            // An ASCII word equals an ASCII misspelling alone (unicase
            // folds no other letter to an ASCII one in the list).
            use super::general_hash::{self, SLOTS};
            let hash = general_hash::hash(word.as_bytes());
            let mut slot = hash as usize;
            for _ in 0..SLOTS {
                slot %= SLOTS;
                if let Some(at) = general_hash::line(le_u32(GENERAL_HASH, slot)?, hash)? {
                    let mut fields = line(at)?.split('\t');
                    if fields.next()?.eq_ignore_ascii_case(word) {
                        return Some(fields);
                    }
                }
                slot += 1;
            }
            return None;
        }
        let wanted = unicase::UniCase::new(word);
        let (mut lo, mut hi) = (0, GENERAL_STARTS.len() / 4 - 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let mut fields = line(mid)?.split('\t');
            let typo = fields.next()?;
            match unicase::UniCase::new(typo).cmp(&wanted) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(fields),
            }
        }
        None
    }
}

impl Dictionary for GeneralTypos {
    fn check(&self, word: &str) -> Verdict<'_> {
        match GeneralTypos::find(word) {
            Some(corrections) => {
                let list: Vec<Cow<'_, str>> = corrections.map(Cow::Borrowed).collect();
                // An empty list marks a word the `typos` project chose to allow.
                match list.is_empty() {
                    true => Verdict::Valid,
                    false => Verdict::Typo(list),
                }
            }
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

    /// The embedded table answers every question as the crate's own map
    /// does: each misspelling in three cases, and near misses of each.
    #[test]
    fn general_list_answers_as_the_typos_dict_map() {
        let crate_answer = |word: &str| -> Verdict<'static> {
            match typos_dict::WORD.find(&unicase::UniCase::new(word)) {
                Some([]) => Verdict::Valid,
                Some(list) => Verdict::Typo(list.iter().map(|c| Cow::Borrowed(*c)).collect()),
                None => Verdict::Unknown,
            }
        };
        let mut typos = 0;
        for (typo, _) in typos_dict::WORD.map.entries() {
            let typo = typo.into_inner();
            let mut chars = typo.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            let capital = first.unwrap_or_default() + chars.as_str();
            let mut shorter = typo.chars();
            shorter.next_back();
            for word in [
                typo.to_owned(),
                typo.to_uppercase(),
                capital,
                format!("{typo}q"),
                format!("a{typo}"),
                shorter.as_str().to_owned(),
            ] {
                assert_eq!(GeneralTypos.check(&word), crate_answer(&word), "{word}");
            }
            typos += 1;
        }
        assert!(typos > 90_000, "{typos} misspellings");
        for word in [
            "",
            "a",
            "straße",
            "STRASSE",
            "сontaining",
            "ſervices",
            "x".repeat(40).as_str(),
        ] {
            assert_eq!(GeneralTypos.check(word), crate_answer(word), "{word}");
        }
    }
}
