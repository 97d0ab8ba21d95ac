//! The English dictionary: Hunspell's en_US (from Debian's `hunspell-en-us`,
//! SCOWL word lists; see `rules/hunspell/COPYRIGHT`), read by `spellbook`.
//!
//! It answers [`Verdict::Valid`] for a word of the language and
//! [`Verdict::Unknown`] otherwise: corrections come from the candidate
//! generator ([`super::candidates`]), not from the dictionary.

use super::{Dictionary, Verdict};
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

pub const EN_US_AFF: &str = include_str!("../../rules/hunspell/en_US.aff");
pub const EN_US_DIC: &str = include_str!("../../rules/hunspell/en_US.dic");

/// A Hunspell dictionary.
pub struct Hunspell {
    dict: spellbook::Dictionary,
    /// This dictionary's answers in [`SEEN`]: never 0, never another's.
    id: u64,
}

/// The ids of the dictionaries made so far.
static DICTIONARIES: AtomicU64 = AtomicU64::new(0);

/// Slots of [`SEEN`], on each thread.
const SEEN_SLOTS: usize = 4096;
/// The longest word kept in [`SEEN`], in bytes.
const SEEN_LEN: usize = 22;

/// A recent answer of [`Hunspell::is_word`]: its dictionary (0: none yet),
/// the word and the answer.
#[derive(Clone, Copy)]
struct Seen {
    dict: u64,
    len: u8,
    known: bool,
    word: [u8; SEEN_LEN],
}

thread_local! {
    /// Each thread's recent answers, a word to the slot its hash picks:
    /// prose repeats its words, and comparing a word with its slot costs
    /// much less than a check. 4,096 slots of 32 bytes a thread; a word
    /// whose slot is taken replaces the word there.
    static SEEN: RefCell<Vec<Seen>> = RefCell::new(vec![
        Seen { dict: 0, len: 0, known: false, word: [0; SEEN_LEN] };
        SEEN_SLOTS
    ]);
}

impl std::fmt::Debug for Hunspell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hunspell").finish_non_exhaustive()
    }
}

impl Hunspell {
    /// Parse a dictionary from its `.aff` and `.dic` texts.
    pub fn new(aff: &str, dic: &str) -> Result<Hunspell, String> {
        spellbook::Dictionary::new(aff, dic)
            .map(|dict| Hunspell {
                dict,
                id: DICTIONARIES.fetch_add(1, Ordering::Relaxed) + 1,
            })
            .map_err(|e| e.to_string())
    }

    /// The embedded en_US dictionary, parsed once per process (about 0.1 s).
    pub fn en_us() -> Result<Arc<Hunspell>, String> {
        static EN_US: OnceLock<Result<Arc<Hunspell>, String>> = OnceLock::new();
        EN_US
            .get_or_init(|| Hunspell::new(EN_US_AFF, EN_US_DIC).map(Arc::new))
            .clone()
    }

    /// [`Hunspell::en_us`] for the rules: the dictionary is part of the
    /// build, so a build whose copy does not parse is broken, and says so.
    pub fn built_in() -> Arc<Hunspell> {
        match Hunspell::en_us() {
            Ok(dict) => dict,
            Err(e) => panic!("the embedded en_US Hunspell dictionary does not parse: {e}"),
        }
    }

    /// Whether `word` is a word of the language, in the case written
    /// (Hunspell accepts `Services` and `SERVICES` for `services`, but not
    /// `london` for `London`).
    pub fn is_word(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        if bytes.len() > SEEN_LEN {
            return self.dict.check(word);
        }
        let slot = foldhash::fast::FixedState::default().hash_one(bytes) as usize % SEEN_SLOTS;
        SEEN.with_borrow_mut(|seen| {
            let s = &mut seen[slot];
            if s.dict == self.id && s.word[..usize::from(s.len)] == *bytes {
                return s.known;
            }
            // The check reads the dictionary only, never this table.
            let known = self.dict.check(word);
            *s = Seen {
                dict: self.id,
                len: bytes.len() as u8,
                known,
                word: [0; SEEN_LEN],
            };
            s.word[..bytes.len()].copy_from_slice(bytes);
            known
        })
    }

    /// Hunspell's own suggestions without the slow n-gram pass: replacement
    /// table, swapped, doubled, missing and extra letters, keyboard neighbours.
    pub fn suggest(&self, word: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.dict
            .suggester()
            .with_ngram_suggestions(false)
            .suggest(word, &mut out);
        out
    }
}

impl Dictionary for Hunspell {
    fn check(&self, word: &str) -> Verdict<'_> {
        if self.is_word(word) {
            Verdict::Valid
        } else {
            Verdict::Unknown
        }
    }
}

impl<D: Dictionary + ?Sized> Dictionary for Arc<D> {
    fn check(&self, word: &str) -> Verdict<'_> {
        (**self).check(word)
    }
}

impl<D: Dictionary + ?Sized> Dictionary for &D {
    fn check(&self, word: &str) -> Verdict<'_> {
        (**self).check(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spelling::{Vocabulary, WithVocabulary};

    fn en_us() -> Arc<Hunspell> {
        Hunspell::en_us().expect("embedded dictionary parses")
    }

    #[test]
    fn knows_english_words_in_any_case() {
        let d = en_us();
        for w in [
            "services", "Services", "SERVICES", "addition", "London", "isn't",
        ] {
            assert_eq!(d.check(w), Verdict::Valid, "{w}");
        }
        for w in ["serivices", "addtion", "london"] {
            assert_eq!(d.check(w), Verdict::Unknown, "{w}");
        }
    }

    #[test]
    fn vocabulary_overrides_the_dictionary() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.add("Alertmanager");
        let d = WithVocabulary {
            vocabulary: &vocabulary,
            inner: en_us(),
        };
        assert_eq!(d.check("alertmanager"), Verdict::Valid);
        assert_eq!(d.check("serivices"), Verdict::Unknown);
        assert_eq!(d.check("services"), Verdict::Valid);
    }

    #[test]
    fn suggestions_include_the_obvious_correction() {
        let d = en_us();
        assert!(d.suggest("serivices").iter().any(|s| s == "services"));
        assert!(d.suggest("addtion").iter().any(|s| s == "addition"));
    }

    #[test]
    fn answers_kept_on_a_thread_stay_with_their_dictionary() {
        let ours = Hunspell::new(
            "SET UTF-8\n",
            "2\nrunbook\nsupercalifragilisticexpialidocious\n",
        )
        .expect("parses");
        let other = Hunspell::new("SET UTF-8\n", "1\nplaybook\n").expect("parses");
        for _ in 0..2 {
            assert!(ours.is_word("runbook"));
            assert!(!other.is_word("runbook"));
            assert!(other.is_word("playbook"));
            assert!(!ours.is_word("playbook"));
            // Longer than a slot holds: asked each time.
            assert!(ours.is_word("supercalifragilisticexpialidocious"));
            assert!(!other.is_word("supercalifragilisticexpialidocious"));
        }
        // A dictionary made where another was dropped has its own answers.
        drop(other);
        let again = Hunspell::new("SET UTF-8\n", "1\nrunbook\n").expect("parses");
        assert!(!again.is_word("playbook"));
        assert!(again.is_word("runbook"));
    }

    #[test]
    fn a_broken_dictionary_is_an_error_not_a_panic() {
        assert!(Hunspell::new("FLAG num\nSFX\n", "x\nword/abc\n").is_err());
    }

    /// Timings on this machine: `cargo test --release -- --ignored --nocapture timings`.
    #[test]
    #[ignore]
    fn timings() {
        let t = std::time::Instant::now();
        let d = Hunspell::new(EN_US_AFF, EN_US_DIC).expect("parses");
        eprintln!("load: {:?}", t.elapsed());
        let words = [
            "serivices",
            "addtion",
            "documentaiton",
            "recieve",
            "dogfooding",
            "kubernetes",
        ];
        let t = std::time::Instant::now();
        for _ in 0..1000 {
            for w in words {
                std::hint::black_box(d.is_word(w));
            }
        }
        eprintln!("check: {:?} per word", t.elapsed() / 6000);
        let t = std::time::Instant::now();
        for w in words {
            std::hint::black_box(d.suggest(w));
        }
        eprintln!("suggest (no n-gram): {:?} per word", t.elapsed() / 6);
        let t = std::time::Instant::now();
        let mut out = Vec::new();
        for w in words {
            d.dict.suggest(w, &mut out);
        }
        eprintln!("suggest (with n-gram): {:?} per word", t.elapsed() / 6);
    }
}
