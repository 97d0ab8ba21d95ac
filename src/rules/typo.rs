//! `typo`: known misspellings, with their correction.

use super::{Context, Rule, RuleMeta};
use crate::config::Settings;
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::spelling::tokenize::words;
use crate::spelling::{Dictionary, GeneralTypos, HandbookTypos, Verdict, Vocabulary, match_case};

pub static META: RuleMeta = RuleMeta {
    name: "typo",
    default_severity: Severity::Error,
    summary: "A known misspelling, with its exact correction",
    fixable: true,
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

#[derive(Default)]
pub struct Typo {
    handbook: HandbookTypos,
    vocabulary: Vocabulary,
}

impl Typo {
    /// What the lists say of `word`: `None` if it is not a known misspelling.
    pub fn corrections(&self, word: &str) -> Option<Vec<String>> {
        if self.vocabulary.accepts(word) || self.handbook.accepts(word) {
            return None;
        }
        let verdict = match self.handbook.check(word) {
            Verdict::Unknown if !is_all_caps(word) => GeneralTypos.check(word),
            v => v,
        };
        match verdict {
            Verdict::Typo(list) => Some(list.iter().map(|c| match_case(word, c)).collect()),
            _ => None,
        }
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

    fn prepare(&mut self, settings: &Settings) -> miette::Result<()> {
        self.handbook = HandbookTypos::embedded();
        for (typo, correction) in &settings.spelling.corrections {
            self.handbook.add_correction(typo, correction);
        }
        self.vocabulary = crate::spelling::vocabulary::from_settings(settings)?;
        Ok(())
    }

    fn check(&self, doc: &Document, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (offset, text) in doc.prose() {
            for token in words(text) {
                let word = token.stem();
                let Some(corrections) = self.corrections(word) else {
                    continue;
                };
                let start = offset + token.offset;
                let range = start..start + word.len();
                let d = match corrections.as_slice() {
                    [] => continue,
                    [one] => {
                        Diagnostic::new(range, format!("`{word}` is a misspelling of `{one}`"))
                            .with_help(format!("replace with `{one}`"))
                            .with_fix(one.clone(), Applicability::Safe)
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
}
