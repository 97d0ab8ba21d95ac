//! Spelling candidates: dictionary words one or two edits away from a word.
//!
//! Hunspell's full suggester (with its n-gram pass) takes about 28 ms a word
//! on this machine: far too slow for thousands of words. Instead, as Norvig's
//! corrector does, generate every word one edit away (a letter deleted,
//! inserted, replaced, or two neighbours swapped), keep those the dictionary
//! knows (0.3 µs a check), and only when none is found ask Hunspell's
//! suggester without n-grams (about 0.5 ms: its replacement table, keyboard
//! neighbours, split words), keeping its answers that are at most two edits
//! away. A full two-edit search of the dictionary is left out on purpose: it
//! costs 250,000 dictionary checks a word and mostly finds noise. The tree's
//! own words and names ([`Lexicon`]) are few enough to search two edits deep.
//! Candidates are ranked by edit distance, then by how often the tree uses
//! them, then alphabetically, so the output is stable.

use super::frequency::TreeFrequency;
use super::hunspell::Hunspell;
use std::collections::BTreeSet;

const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";

/// The strings one edit (Damerau: deletion, insertion, substitution,
/// adjacent transposition) away from `word`, over the letters a-z, that
/// `keep` accepts. The edits are written into one buffer and only those
/// kept are copied: a ten-letter word has about 550 of them and few are
/// kept. (The few edits made twice, such as a letter inserted before or
/// after the same letter, are asked twice.)
fn kept_edits1(word: &str, keep: impl Fn(&str) -> bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for_each_edit1(word, |edit| {
        if edit != word && !out.contains(edit) && keep(edit) {
            out.insert(edit.to_owned());
        }
    });
    out
}

/// Hand `f` each string one edit away from `word` (and `word` itself when
/// a swap exchanges two equal letters), some more than once.
fn for_each_edit1(word: &str, mut f: impl FnMut(&str)) {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let mut buf = String::with_capacity(word.len() + 4);
    let mut edit = |buf: &mut String, before: &[char], middle: &[char], after: &[char]| {
        buf.clear();
        buf.extend(before.iter().chain(middle).chain(after));
        f(buf);
    };
    for i in 0..n {
        edit(&mut buf, &chars[..i], &[], &chars[i + 1..]);
    }
    for i in 0..n.saturating_sub(1) {
        edit(
            &mut buf,
            &chars[..i],
            &[chars[i + 1], chars[i]],
            &chars[i + 2..],
        );
    }
    for i in 0..n {
        for c in LETTERS.chars() {
            if chars[i] != c {
                edit(&mut buf, &chars[..i], &[c], &chars[i + 1..]);
            }
        }
    }
    for i in 0..=n {
        for c in LETTERS.chars() {
            edit(&mut buf, &chars[..i], &[c], &chars[i..]);
        }
    }
}

/// The optimal string alignment distance (edits with adjacent transpositions).
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// A dictionary word close to a misspelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub word: String,
    pub distance: usize,
    /// Pages of the tree that use the word (0 when the tree is not known).
    pub pages: u32,
}

/// Up to `limit` dictionary words at most two edits from `word` (lowercase),
/// best first.
pub fn candidates(
    dict: &Hunspell,
    freq: Option<&TreeFrequency>,
    word: &str,
    limit: usize,
) -> Vec<Candidate> {
    let lower = word.to_lowercase();
    let mut found: Vec<Candidate> = kept_edits1(&lower, |w| dict.is_word(w))
        .into_iter()
        .map(|w| Candidate {
            distance: distance(&lower, &w),
            word: w,
            pages: 0,
        })
        .collect();
    if found.is_empty() {
        found = dict
            .suggest(&lower)
            .into_iter()
            .filter(|w| !w.contains([' ', '-']) && w.to_lowercase() != lower)
            .map(|w| Candidate {
                distance: distance(&lower, &w.to_lowercase()),
                word: w,
                pages: 0,
            })
            .filter(|c| c.distance <= 2)
            .collect();
    }
    if let Some(freq) = freq {
        for c in &mut found {
            c.pages = freq.pages(&c.word);
        }
    }
    rank(&mut found, limit);
    found
}

/// A word of the tree must be used on this many pages to be suggested.
pub const LEXICON_PAGES: u32 = 5;
/// A word written with a capital in this share (per cent) of its uses is a
/// name (`Sisense`, `Gainsight`): sentence starts alone stay far below it.
pub const NAME_CAPITALISED_PERCENT: u32 = 90;

/// What the tree adds to the dictionary's suggestions: the English words it
/// uses, and the brand and product names it learns (a word used on
/// [`LEXICON_PAGES`] pages or more, nearly always capitalised, that the
/// dictionary does not know). Unlike the one-edit search, it is searched two
/// edits deep: a few thousand words, filtered by length and letters first.
#[derive(Debug, Default)]
pub struct Lexicon {
    words: Vec<LexiconWord>,
}

#[derive(Debug)]
struct LexiconWord {
    /// As suggested: lowercase, or capitalised for a name.
    shown: String,
    key: String,
    pages: u32,
    letters: [u8; 26],
}

fn letters(word: &str) -> [u8; 26] {
    let mut counts = [0u8; 26];
    for b in word.bytes() {
        if b.is_ascii_lowercase() {
            let slot = &mut counts[usize::from(b - b'a')];
            *slot = slot.saturating_add(1);
        }
    }
    counts
}

impl Lexicon {
    pub fn new(dict: &Hunspell, freq: &TreeFrequency) -> Lexicon {
        let mut words: Vec<LexiconWord> = freq
            .entries()
            .filter(|(key, pages, _, _)| {
                *pages >= LEXICON_PAGES
                    && key.len() >= 4
                    && key.bytes().all(|b| b.is_ascii_lowercase())
            })
            .filter_map(|(key, pages, occurrences, capitalised)| {
                let shown = if dict.is_word(key) {
                    key.to_owned()
                } else if capitalised * 100 >= occurrences * NAME_CAPITALISED_PERCENT {
                    let mut chars = key.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())?
                } else {
                    return None;
                };
                Some(LexiconWord {
                    shown,
                    key: key.to_owned(),
                    pages,
                    letters: letters(key),
                })
            })
            .collect();
        words.sort_by(|a, b| a.key.cmp(&b.key));
        Lexicon { words }
    }

    /// Words at most `max` edits from `word` (lowercase).
    pub fn near(&self, word: &str, max: usize) -> Vec<Candidate> {
        let own = letters(word);
        self.words
            .iter()
            .filter(|w| w.key.len().abs_diff(word.len()) <= max && w.key != word)
            .filter(|w| {
                let differing: usize = own
                    .iter()
                    .zip(&w.letters)
                    .map(|(a, b)| usize::from(a.abs_diff(*b)))
                    .sum();
                differing <= 2 * max
            })
            .filter_map(|w| {
                let d = distance(word, &w.key);
                (d <= max).then(|| Candidate {
                    word: w.shown.clone(),
                    distance: d,
                    pages: w.pages,
                })
            })
            .collect()
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.words.len()
    }
}

/// [`candidates`], with the tree's words and names as further candidates:
/// one edit away, or two for a word of eight letters or more.
pub fn candidates_with_lexicon(
    dict: &Hunspell,
    freq: &TreeFrequency,
    lexicon: &Lexicon,
    word: &str,
    limit: usize,
) -> Vec<Candidate> {
    let lower = word.to_lowercase();
    let mut found = candidates(dict, Some(freq), &lower, usize::MAX);
    let reach = if lower.chars().count() >= 8 { 2 } else { 1 };
    found.extend(lexicon.near(&lower, reach));
    rank(&mut found, limit);
    found
}

/// Best first: fewer edits, then more pages of the tree, then alphabetical;
/// one entry per word (any case).
fn rank(found: &mut Vec<Candidate>, limit: usize) {
    found.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then(b.pages.cmp(&a.pages))
            .then(a.word.to_lowercase().cmp(&b.word.to_lowercase()))
            .then(a.word.cmp(&b.word))
    });
    let mut seen = std::collections::HashSet::new();
    found.retain(|c| seen.insert(c.word.to_lowercase()));
    found.truncate(limit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(c: &[Candidate]) -> Vec<&str> {
        c.iter().map(|c| c.word.as_str()).collect()
    }

    #[test]
    fn edits1_covers_every_kind_of_edit() {
        let e = kept_edits1("form", |_| true);
        assert!(e.contains("from"), "transposition");
        assert!(e.contains("for"), "deletion");
        assert!(e.contains("forms"), "insertion");
        assert!(e.contains("farm"), "substitution");
        assert!(!e.contains("form"));
        // n deletions + (n-1) swaps + 25n substitutions + 26(n+1) insertions, minus repeats.
        assert!(e.len() <= 4 + 3 + 25 * 4 + 26 * 5);
    }

    /// The edits as they were first written: a string built for each.
    fn reference_edits1(word: &str) -> BTreeSet<String> {
        let chars: Vec<char> = word.chars().collect();
        let n = chars.len();
        let mut out = BTreeSet::new();
        let join = |v: &[char]| v.iter().collect::<String>();
        for i in 0..n {
            let mut v = chars.clone();
            v.remove(i);
            out.insert(join(&v));
        }
        for i in 0..n.saturating_sub(1) {
            let mut v = chars.clone();
            v.swap(i, i + 1);
            out.insert(join(&v));
        }
        for i in 0..n {
            for c in LETTERS.chars() {
                if chars[i] != c {
                    let mut v = chars.clone();
                    v[i] = c;
                    out.insert(join(&v));
                }
            }
        }
        for i in 0..=n {
            for c in LETTERS.chars() {
                let mut v = chars.clone();
                v.insert(i, c);
                out.insert(join(&v));
            }
        }
        out.remove(word);
        out
    }

    #[test]
    fn edits_from_one_buffer_are_the_edits_built_one_by_one() {
        for word in ["", "a", "aa", "form", "committee", "café", "naïve", "zz9"] {
            let reference = reference_edits1(word);
            assert_eq!(kept_edits1(word, |_| true), reference, "{word}");
            let vowel_free = |w: &str| !w.contains(['a', 'e', 'i', 'o', 'u']);
            let kept: BTreeSet<String> = reference.into_iter().filter(|w| vowel_free(w)).collect();
            assert_eq!(kept_edits1(word, vowel_free), kept, "{word}");
        }
    }

    #[test]
    fn distance_counts_a_swap_as_one_edit() {
        assert_eq!(distance("recieve", "receive"), 1);
        assert_eq!(distance("serivices", "services"), 1);
        assert_eq!(distance("addtion", "addition"), 1);
        assert_eq!(distance("abc", "abc"), 0);
    }

    #[test]
    fn finds_the_correction_of_one_and_two_edit_typos() {
        let dict = Hunspell::en_us().expect("dictionary");
        let c = candidates(&dict, None, "serivices", 3);
        assert_eq!(c.first().map(|c| c.word.as_str()), Some("services"));
        assert!(words(&candidates(&dict, None, "addtion", 3)).contains(&"addition"));
        let c = candidates(&dict, None, "thier", 3);
        assert!(words(&c).contains(&"their"), "{c:?}");
        assert!(c.len() <= 3 && c.iter().all(|c| c.distance <= 2));
    }

    #[test]
    fn tree_frequency_ranks_equally_close_candidates() {
        let dict = Hunspell::en_us().expect("dictionary");
        // `thier` is one swap from `their` and one substitution from `thief`/`thier`-like words.
        let freq = TreeFrequency::from_pages(["their their", "their", "thief"]);
        let c = candidates(&dict, Some(&freq), "thier", 3);
        assert_eq!(c.first().map(|c| c.word.as_str()), Some("their"), "{c:?}");
        assert_eq!(c[0].pages, 2);
    }

    #[test]
    fn the_tree_adds_its_names_and_two_edit_words() {
        let dict = Hunspell::en_us().expect("dictionary");
        let pages: Vec<String> = (0..6)
            .map(|i| format!("Sisense dashboards. See Sisense {i}. The observability of it."))
            .collect();
        let freq = TreeFrequency::from_pages(pages.iter().map(String::as_str));
        let lexicon = Lexicon::new(&dict, &freq);
        assert!(lexicon.len() >= 2, "{lexicon:?}");
        // A name the tree learned: one edit away, used on every page.
        let c = candidates_with_lexicon(&dict, &freq, &lexicon, "sisence", 3);
        assert_eq!(c.first().map(|c| c.word.as_str()), Some("Sisense"), "{c:?}");
        // Two edits in a long word: the tree's word is found.
        let c = candidates_with_lexicon(&dict, &freq, &lexicon, "obeservabilty", 3);
        assert!(words(&c).contains(&"observability"), "{c:?}");
        // A word used on few pages is not a name to suggest.
        let few = TreeFrequency::from_pages(["Sisense here.", "Sisense there."]);
        assert!(Lexicon::new(&dict, &few).near("sisence", 1).is_empty());
    }

    #[test]
    fn nothing_close_means_no_candidate() {
        let dict = Hunspell::en_us().expect("dictionary");
        assert!(candidates(&dict, None, "xqzvwkj", 3).is_empty());
    }
}
