//! `typo`: known misspellings, with their correction.

use super::{Context, FixAvailability, Rule, RuleMeta, RunData};
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::spelling::FastHash;
use crate::spelling::frequency::TreeFrequency;
use crate::spelling::hunspell::Hunspell;
use crate::spelling::precision::{
    is_capitalised, is_compound_fragment, is_foreign_line, line_at, place,
};
use crate::spelling::{Dictionary, GeneralTypos, HandbookTypos, Verdict, Vocabulary, match_case};
use std::collections::HashMap;
use std::sync::Arc;

pub static META: RuleMeta = RuleMeta {
    name: "typo",
    default_severity: Severity::Error,
    summary: "A known misspelling, with its exact correction",
    fix: FixAvailability::Sometimes,
    doc: r#"# typo

## What it does
Finds words that are known misspellings and names the correction. Two lists
are consulted: the handbook's own (`rules/typos.toml`, for example
`serivices` -> `services`) and the general list of the `typos` project
(`addtion` -> `addition`, `teh` -> `the`, and about 40,000 more).

Only prose is checked: never code, URLs, link destinations, e-mail addresses,
file names or identifiers (`snake_case`, `camelCase`, words with digits).
Words in all capitals are judged only against the handbook list, since the
general list mistakes many acronyms for typos.

The handbook list is always trusted. A word only the general list knows is
left alone where it is probably right:
- a short part of a hyphenated word (`mis-configured`, `product-ded`) or a
  part of a compound with digits (`tier2-sme-rollout`);
- a line in another language (`heures de travail normales`);
- a capitalised word in the middle of a sentence next to a name
  (`Nicholas Klick`, `Dan Hom`);
- a word the tree uses on three or more pages and at least a quarter as often
  as its correction (`Canva`, `opps`): jargon or a product, not a slip.

## Why is this bad?
A typo on a handbook page is read by every team member who opens it, and a
misspelled term cannot be found by search.

## Example
```markdown
Our channel resellers and professional serivices partners.
```
Use instead:
```markdown
Our channel resellers and professional services partners.
```

## How to fix
Run `hblint check --fix`: a misspelling with a single correction is fixed in
place, keeping the word's case (`Serivices` -> `Services`). Where the list has
several candidates, choose one by hand.

If the word is right (a product or a name), accept it: add it to
`[spelling] extra-words` in `.hblint.toml`, or run `hblint vocab add WORD`.
To silence one place: `<!-- hblint-disable-next-line typo -->`.
"#,
};

pub struct Typo {
    handbook: Arc<HandbookTypos>,
    vocabulary: Arc<Vocabulary>,
    /// The accepted words and the handbook's misspellings in one table,
    /// built on first use: a word is looked up once, not in three lists.
    listed: std::sync::OnceLock<Listed>,
}

/// Lowercase word -> its correction, or `None`: accepted (by the vocabulary
/// or the handbook list's `accept`, which win over a correction).
type Listed = HashMap<Box<str>, Option<Box<str>>, FastHash>;

/// Which list knows a misspelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Handbook,
    General,
}

/// A word the tree uses on this many pages may be jargon...
const JARGON_PAGES: u32 = 3;
/// ...when it is used at least 1/JARGON_RATIO as often as its correction.
const JARGON_RATIO: u32 = 4;

impl Typo {
    pub fn build(data: &RunData) -> miette::Result<Box<dyn Rule>> {
        Ok(Box::new(Typo {
            handbook: data.handbook_typos(),
            vocabulary: data.vocabulary(),
            listed: std::sync::OnceLock::new(),
        }))
    }

    fn listed(&self) -> &Listed {
        self.listed.get_or_init(|| {
            let mut listed: Listed = self
                .handbook
                .corrections()
                .map(|(typo, correction)| (typo.into(), Some(correction.into())))
                .collect();
            let accepted = self.vocabulary.folded_words();
            for word in accepted.chain(self.handbook.accepted_words()) {
                listed.insert(word.into(), None);
            }
            listed
        })
    }

    fn lookup(&self, word: &str) -> Option<(Vec<String>, Source)> {
        // One lowercase form per word, for every list keyed by it.
        let listed = self.listed();
        let (verdict, source) = crate::spelling::with_lowercase(word, |lower| {
            Some(match listed.get(lower) {
                Some(None) => return None,
                Some(Some(correction)) => (
                    Verdict::Typo(vec![std::borrow::Cow::Borrowed(&**correction)]),
                    Source::Handbook,
                ),
                None if !is_all_caps(word) => (GeneralTypos.check(word), Source::General),
                None => (Verdict::Unknown, Source::Handbook),
            })
        })?;
        match verdict {
            Verdict::Typo(list) => {
                Some((list.iter().map(|c| match_case(word, c)).collect(), source))
            }
            _ => None,
        }
    }

    /// Whether a general-list hit is probably right where it stands.
    fn probably_right(
        &self,
        doc: &Document,
        ctx: &Context<'_>,
        freq: &mut Option<Arc<TreeFrequency>>,
        range: std::ops::Range<usize>,
        corrections: &[String],
    ) -> bool {
        let word = &doc.text[range.clone()];
        let at = place(&doc.text, range.start, range.end);
        if is_compound_fragment(&at, word) || is_foreign_line(line_at(&doc.text, range.start)) {
            return true;
        }
        if is_capitalised(word)
            && !at.sentence_start
            && [at.previous, at.next].into_iter().flatten().any(is_name)
        {
            return true;
        }
        let freq = freq.get_or_insert_with(|| ctx.data.word_counts());
        let pages = freq.pages(word);
        let best = corrections.iter().map(|c| freq.pages(c)).max().unwrap_or(0);
        pages >= JARGON_PAGES && pages * JARGON_RATIO >= best
    }
}

/// A capitalised word that English knows only as a name (`Nicholas`) or not
/// at all (`Ahmad`, `Marketo`). The dictionary is loaded on first use.
pub fn is_name(word: &str) -> bool {
    if !is_capitalised(word) {
        return false;
    }
    match Hunspell::en_us() {
        Ok(dict) => !dict.is_word(&word.to_lowercase()),
        Err(_) => false,
    }
}

fn is_all_caps(word: &str) -> bool {
    word.chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
}

impl Rule for Typo {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn asks_word_counts(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut freq = None;
        for token in doc.prose_words() {
            let word = token.stem();
            let Some((corrections, source)) = self.lookup(word) else {
                continue;
            };
            let start = token.offset;
            let range = start..start + word.len();
            if source == Source::General
                && self.probably_right(doc, ctx, &mut freq, range.clone(), &corrections)
            {
                continue;
            }
            let d = match corrections.as_slice() {
                [] => continue,
                [one] => {
                    // A capitalised word that only the general list knows is
                    // as likely a name (`Ines`, `Liberato`) as a typo: shown,
                    // never applied by `--fix`.
                    let applicability = if source == Source::General
                        && word.chars().next().is_some_and(char::is_uppercase)
                    {
                        Applicability::Unsafe
                    } else {
                        Applicability::Safe
                    };
                    Diagnostic::new(range, format!("`{word}` is a misspelling of `{one}`"))
                        .with_help(format!("replace with `{one}`"))
                        .with_fix(one.clone(), applicability)
                }
                [first, ..] => {
                    let list = corrections
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    Diagnostic::new(range, format!("`{word}` is a misspelling"))
                        .with_help(format!("did you mean one of {list}?"))
                        .with_fix(first.clone(), Applicability::Unsafe)
                }
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
    fn finds_handbook_and_general_typos_with_case() {
        let found = check_text(&META, "Our Serivices team, in addtion, said teh.\n");
        let words: Vec<_> = found
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_deref()))
            .collect();
        assert_eq!(
            words,
            vec![
                ("Serivices", Some("Services")),
                ("addtion", Some("addition")),
                ("teh", Some("the")),
            ]
        );
    }

    #[test]
    fn capitalised_general_list_hits_are_never_fixed_automatically() {
        let settings = crate::config::Settings::defaults(std::path::Path::new("/nonexistent-root"));
        let found = crate::rules::testing::diagnostics(
            &META,
            "Say hi to Ines and teh team. Serivices too.\n",
            &settings,
        );
        let applicability: Vec<_> = found
            .iter()
            .map(|d| d.fix.as_ref().map(|f| f.applicability))
            .collect();
        assert_eq!(
            applicability,
            vec![
                Some(Applicability::Unsafe), // Ines: a name as likely as a typo
                Some(Applicability::Safe),   // teh
                Some(Applicability::Safe),   // Serivices: the handbook's own list
            ]
        );
    }

    #[test]
    fn never_in_code_urls_or_identifiers() {
        let text = "`serivices` [ok](https://x.example/serivices) serivices_x addtion2 \
                    serivices.md bob@serivices.com\n\n```\naddtion\n```\n";
        assert!(check_text(&META, text).is_empty());
    }

    #[test]
    fn accepted_words_are_not_typos() {
        let settings = crate::config::Settings::from_toml(
            std::path::Path::new("/r"),
            std::path::Path::new(".hblint.toml"),
            "[spelling]\nextra-words = [\"teh\"]\n",
        )
        .expect("valid");
        let found = crate::rules::testing::check_text_with(&META, "teh end\n", &settings);
        assert!(found.is_empty());
    }

    #[test]
    fn an_accepted_word_wins_over_the_handbook_list_in_any_case() {
        let text = "Our serivices and Serivices, in addtion.\n";
        let found = check_text(&META, text);
        assert_eq!(found.len(), 3, "{found:?}");
        let settings = crate::config::Settings::from_toml(
            std::path::Path::new("/r"),
            std::path::Path::new(".hblint.toml"),
            "[spelling]\nextra-words = [\"SERIVICES\"]\n",
        )
        .expect("valid");
        let found = crate::rules::testing::check_text_with(&META, text, &settings);
        assert_eq!(found, vec![("addtion".into(), Some("addition".into()))]);
    }

    #[test]
    fn an_unlisted_all_caps_word_is_not_looked_up_in_the_general_list() {
        assert!(check_text(&META, "TEH end\n").is_empty());
        assert_eq!(check_text(&META, "teh end\n").len(), 1);
    }
}
