//! `spelling`: a word no list knows, close to an English word.

use super::{Context, FixAvailability, Rule, RuleMeta, RunData};
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::spelling::candidates::{Candidate, Lexicon, candidates, candidates_with_lexicon};
use crate::spelling::frequency::TreeFrequency;
use crate::spelling::hunspell::Hunspell;
use crate::spelling::precision::{
    defined_abbreviations, has_non_ascii_letter, is_acronym, is_capitalised, is_foreign_line,
    is_foreign_line_on_foreign_page, is_foreign_page, line_at, place,
};
use crate::spelling::{
    Dictionary, GeneralTypos, HandbookTypos, Verdict, Vocabulary, WithVocabulary, match_case,
};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub static META: RuleMeta = RuleMeta {
    name: "spelling",
    default_severity: Severity::Warning,
    summary: "A word in no dictionary, close to an English word (up to three suggestions)",
    fix: FixAvailability::Never,
    doc: r#"# spelling

## What it does
Finds misspellings that no list knows: a word that is not in the English
dictionary (Hunspell en_US), not in the handbook's vocabulary
(`rules/vocabulary/`, `[spelling] extra-words`, vocabulary files), and one or
two edits (a letter missing, extra, wrong, or two letters swapped) away from
an English word. Up to three suggestions are given, the words the handbook
uses most first.

To stay precise it leaves alone what is usually not a typo:
- acronyms (`SME`, `CMO`, `SMEs`), identifiers (`snake_case`, `camelCase`,
  words with digits), code, URLs, file names, `@mentions` and `#channels`;
- capitalised words in the middle of a sentence (names: `Nicholas Klick`);
- words shorter than four letters (seven when capitalised), parts of
  hyphenated words (`socio-economic`, `pre-emptively`), words split by
  emphasis, code or link markup (`**S**ensitive`, `` `G`ratitude ``,
  `s[ubmit](…)`), words with accents or apostrophes, lines in another
  language (`heures de travail normales`, lorem ipsum; on a page with three
  or more such lines, any line with a foreign word or an accent);
- lowercase abbreviations the page defines in brackets
  (`gitlab-shared-runners-manager-X (gsrm)`) and written-out e-mail
  addresses (`jleary [at] redmonk [dot] com`);
- British spellings (`favourable`, `organiser`) and words built from a known
  word with a common prefix or suffix (`preapproved`, `explorable`);
- words used on three or more pages of the tree (jargon such as `runbook`):
  a typo is a word used once, next to a word used everywhere;
- known misspellings, which the `typo` rule reports with their correction.

## Why is this bad?
A misspelled word reads as careless and cannot be found by search. Lists of
known misspellings miss new ones: `serivices` is in no general list.

## Example
```markdown
Our professional serivices partners.
```
Use instead:
```markdown
Our professional services partners.
```

## How to fix
Pick one of the suggestions. `--fix` never applies them: a spelling
suggestion is a guess that needs a human.

If the word is right (a product, a name, team jargon), accept it: add it to
`[spelling] extra-words` in `.hblint.toml`, or run `hblint vocab add WORD`.
To silence one place: `<!-- hblint-disable-next-line spelling -->`.
"#,
};

/// Minimum letters of a word worth judging.
const MIN_LETTERS: usize = 4;
/// Minimum letters of a capitalised word worth judging: shorter ones are
/// mostly names (`Suli`, `Imre`, `Sheela`).
const MIN_CAPITALISED: usize = 7;
/// A word used on this many pages of the tree is jargon, not a typo...
const JARGON_PAGES: u32 = 3;
/// ...and so is a word used this many times, even on one page (`coachee`).
const JARGON_OCCURRENCES: u32 = 4;

pub struct Spelling {
    /// The dictionary, parsed on the first page that needs it (a run whose
    /// pages all come from the cache never parses it).
    dict: std::sync::OnceLock<Arc<Hunspell>>,
    vocabulary: Arc<Vocabulary>,
    handbook: Arc<HandbookTypos>,
    /// Word -> suggestions (empty: not a misspelling), shared by the pages of a run.
    judged: Memo<Vec<String>>,
    /// The tree's words and names, built once per run on first use.
    lexicon: std::sync::OnceLock<Lexicon>,
    /// Words outside the dictionary already asked about, shared by the pages
    /// of a run: `(token, word)` -> known (a list, a compound, a British or
    /// derived form). The same jargon recurs on thousands of pages.
    known_memo: Memo<bool>,
    /// Word -> whether a dictionary word is close enough to suggest.
    candidates_memo: Memo<bool>,
}

/// Answers kept for the run's other pages: key -> answer.
#[derive(Default)]
struct Memo<V>(RwLock<HashMap<Box<str>, V, crate::spelling::FastHash>>);

impl<V: Clone> Memo<V> {
    fn get(&self, key: &str) -> Option<V> {
        self.0.read().ok()?.get(key).cloned()
    }

    /// The answer kept for `key`, else `answer()`, kept.
    fn get_or(&self, key: &str, answer: impl FnOnce() -> V) -> V {
        if let Some(kept) = self.get(key) {
            return kept;
        }
        let found = answer();
        if let Ok(mut memo) = self.0.write() {
            memo.insert(key.into(), found.clone());
        }
        found
    }
}

impl Spelling {
    pub fn build(data: &RunData) -> miette::Result<Box<dyn Rule>> {
        Ok(Box::new(Spelling {
            dict: std::sync::OnceLock::new(),
            vocabulary: data.vocabulary(),
            handbook: data.handbook_typos(),
            judged: Memo::default(),
            lexicon: std::sync::OnceLock::new(),
            known_memo: Memo::default(),
            candidates_memo: Memo::default(),
        }))
    }

    /// The embedded en_US dictionary (see [`Hunspell::built_in`]).
    fn dict(&self) -> &Hunspell {
        self.dict.get_or_init(Hunspell::built_in)
    }

    /// Whether any list or the dictionary accepts the word (or calls it a known typo,
    /// which is the `typo` rule's business).
    fn known(&self, dict: &Hunspell, token: &str, word: &str) -> bool {
        // Most words are English: ask the dictionary first, it allocates nothing.
        if dict.is_word(word) {
            return true;
        }
        let key = match token == word {
            true => std::borrow::Cow::Borrowed(word),
            false => std::borrow::Cow::Owned(format!("{token}\0{word}")),
        };
        self.known_memo
            .get_or(&key, || self.known_outside_dictionary(dict, token, word))
    }

    /// [`Spelling::known`] for a word the dictionary does not have as written.
    fn known_outside_dictionary(&self, dict: &Hunspell, token: &str, word: &str) -> bool {
        let with_vocabulary = WithVocabulary {
            vocabulary: &self.vocabulary,
            inner: dict,
        };
        self.handbook.accepts(word)
            || with_vocabulary.check(word) == Verdict::Valid
            || ["s", "es", "ed", "d", "ing"].iter().any(|suffix| {
                word.strip_suffix(suffix)
                    .is_some_and(|stem| stem.len() >= 3 && self.vocabulary.accepts(stem))
            })
            || (token != word && dict.is_word(token))
            || !matches!(self.handbook.check(word), Verdict::Unknown)
            || !matches!(GeneralTypos.check(word), Verdict::Unknown)
            || splits_into_words(dict, word)
            || british_variant(dict, word)
            || derived_form(dict, &word.to_lowercase(), 2)
    }

    /// Whether a dictionary word is close enough to `word` to suggest.
    fn has_candidates(&self, dict: &Hunspell, word: &str) -> bool {
        let key = word.to_lowercase();
        if let Some(found) = self.judged.get(&key) {
            return !found.is_empty();
        }
        self.candidates_memo
            .get_or(&key, || !suggestions_without_tree(dict, &key).is_empty())
    }

    /// The suggestions for a word that no list knows, or none when it is
    /// probably right (jargon used across the tree, nothing close).
    fn judge(&self, dict: &Hunspell, freq: &TreeFrequency, word: &str) -> Vec<String> {
        let key = word.to_lowercase();
        self.judged.get_or(&key, || {
            let lexicon = self.lexicon.get_or_init(|| Lexicon::new(dict, freq));
            suggestions(dict, freq, lexicon, &key)
        })
    }
}

fn link_names_of(doc: &Document) -> std::collections::HashSet<String> {
    crate::spelling::precision::link_names(doc)
}

/// `timebox` = `time` + `box`: a compound of two English words is jargon, not a typo.
fn splits_into_words(dict: &Hunspell, word: &str) -> bool {
    let lower = word.to_lowercase();
    (3..lower.len().saturating_sub(2)).any(|i| {
        lower.is_char_boundary(i) && dict.is_word(&lower[..i]) && dict.is_word(&lower[i..])
    })
}

/// British spellings of American words: `favourable`, `organiser`,
/// `theatre`, `offence`, `modeller`, `analyse`, `catalogue` are right.
fn british_variant(dict: &Hunspell, word: &str) -> bool {
    const SWAPS: [(&str, &str); 11] = [
        ("grey", "gray"),
        ("our", "or"),
        ("ise", "ize"),
        ("isi", "izi"),
        ("isa", "iza"),
        ("yse", "yze"),
        ("ysi", "yzi"),
        ("tre", "ter"),
        ("ence", "ense"),
        ("ll", "l"),
        ("ogue", "og"),
    ];
    let lower = word.to_lowercase();
    SWAPS.iter().any(|(gb, us)| {
        lower
            .match_indices(gb)
            .any(|(i, _)| dict.is_word(&format!("{}{us}{}", &lower[..i], &lower[i + gb.len()..])))
    })
}

/// A word English builds from a known word with a common prefix or suffix:
/// `preapproved`, `unactivated`, `explorable`, `norming`, `specced`, `greyed`.
/// Hunspell's affix rules do not allow every such word; a slip of the
/// fingers rarely leaves a known stem behind (`usded`, `serivices`).
fn derived_form(dict: &Hunspell, lower: &str, depth: u8) -> bool {
    const PREFIXES: [&str; 24] = [
        "un", "re", "pre", "de", "non", "co", "multi", "sub", "over", "under", "self", "cross",
        "inter", "mis", "dis", "anti", "auto", "micro", "meta", "hyper", "super", "semi", "post",
        "cyber",
    ];
    const SUFFIXES: [&str; 18] = [
        "s", "es", "ed", "d", "ing", "er", "ers", "able", "ables", "ability", "ization",
        "izations", "ly", "ness", "ment", "ments", "ist", "ists",
    ];
    if depth == 0 {
        return false;
    }
    let known =
        |stem: &str| stem.len() >= 3 && (dict.is_word(stem) || derived_form(dict, stem, depth - 1));
    for prefix in PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix)
            && rest.len() >= 4
            && known(rest)
        {
            return true;
        }
    }
    for suffix in SUFFIXES {
        let Some(stem) = lower.strip_suffix(suffix) else {
            continue;
        };
        if known(stem) || known(&format!("{stem}e")) {
            return true;
        }
        // A doubled final consonant: `specced` -> `spec`.
        let b = stem.as_bytes();
        if b.len() >= 4 && b[b.len() - 1] == b[b.len() - 2] && known(&stem[..stem.len() - 1]) {
            return true;
        }
    }
    false
}

/// Up to three suggestions for a lowercase word, or none: the dictionary's
/// and the tree's words and names.
fn suggestions(
    dict: &Hunspell,
    freq: &TreeFrequency,
    lexicon: &Lexicon,
    word: &str,
) -> Vec<String> {
    if freq.pages(word) >= JARGON_PAGES || freq.occurrences(word) >= JARGON_OCCURRENCES {
        return Vec::new();
    }
    close_enough(word, candidates_with_lexicon(dict, freq, lexicon, word, 3))
}

/// The suggestions before the tree's counts are known.
fn suggestions_without_tree(dict: &Hunspell, word: &str) -> Vec<String> {
    close_enough(word, candidates(dict, None, word, 3))
}

/// A word of five letters or fewer takes only one-edit suggestions.
fn close_enough(word: &str, found: Vec<Candidate>) -> Vec<String> {
    let short = word.chars().count() <= 5;
    found
        .into_iter()
        .filter(|c| !short || c.distance == 1)
        .map(|c| c.word)
        .collect()
}

impl Rule for Spelling {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn asks_word_counts(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let dict = self.dict();
        let mut freq: Option<Arc<TreeFrequency>> = None;
        let mut link_names = None;
        let mut foreign_page = None;
        let mut abbreviations = None;
        for token in doc.prose_words() {
            let word = token.stem();
            if word.chars().count() < MIN_LETTERS
                || word.contains(['\'', '’'])
                || is_acronym(word)
                || word.chars().filter(|c| c.is_uppercase()).count() > 1
                || (is_capitalised(word) && word.chars().count() < MIN_CAPITALISED)
                || has_non_ascii_letter(word)
                || self.known(dict, token.word, word)
            {
                continue;
            }
            let start = token.offset;
            let end = start + word.len();
            let at = place(&doc.text, start, end);
            if (is_capitalised(word) && !at.sentence_start)
                || at.glued
                || at.in_compound()
                || (is_capitalised(word)
                    && [at.previous, at.next]
                        .into_iter()
                        .flatten()
                        .any(crate::rules::typo::is_name))
                || link_names
                    .get_or_insert_with(|| link_names_of(doc))
                    .contains(&word.to_lowercase())
                || is_foreign_line(line_at(&doc.text, start))
                || (*foreign_page.get_or_insert_with(|| is_foreign_page(&doc.text))
                    && is_foreign_line_on_foreign_page(line_at(&doc.text, start)))
                || abbreviations
                    .get_or_insert_with(|| defined_abbreviations(&doc.text))
                    .contains(&word.to_lowercase())
            {
                continue;
            }
            // The tree's counts are needed only for a word with a close
            // dictionary word: most pages never pay for them.
            if !self.has_candidates(dict, word) {
                continue;
            }
            let freq = freq.get_or_insert_with(|| ctx.data.word_counts()).clone();
            let found = self.judge(dict, &freq, word);
            if found.is_empty() {
                continue;
            }
            let found: Vec<String> = found.iter().map(|c| match_case(word, c)).collect();
            let list = found
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Diagnostic::new(
                    start..end,
                    format!("`{word}` is not in the dictionary; did you mean {list}?"),
                )
                .with_help(format!("did you mean {list}?"))
                .with_fix(found[0].clone(), Applicability::Unsafe),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check_text, check_text_with, diagnostics};

    fn settings(toml: &str) -> crate::config::Settings {
        crate::config::Settings::from_toml(
            std::path::Path::new("/nonexistent-root"),
            std::path::Path::new(".hblint.toml"),
            toml,
        )
        .expect("valid config")
    }

    #[test]
    fn finds_an_unlisted_misspelling_with_suggestions() {
        let found = check_text(&META, "Our professional services partnres.\n");
        assert_eq!(found, vec![("partnres".into(), Some("partners".into()))]);
    }

    #[test]
    fn finds_serivices_when_the_handbook_list_does_not_know_it() {
        let s = settings("");
        let data = s.run_data();
        // Forget the handbook list: `serivices` is then a word no list knows.
        let rule = Spelling {
            dict: std::sync::OnceLock::new(),
            vocabulary: data.vocabulary(),
            handbook: Arc::new(HandbookTypos::default()),
            judged: Memo::default(),
            lexicon: std::sync::OnceLock::new(),
            known_memo: Memo::default(),
            candidates_memo: Memo::default(),
        };
        let doc = Document::parse("a.md", "Professional serivices partners.\n".into(), false)
            .expect("parses");
        let workspace = s.workspace();
        let run = crate::rules::RunFacts::default();
        let linted = crate::rules::testing::prepare(&data, &workspace, &doc);
        let ctx = Context {
            data: &data,
            workspace: &workspace,
            run: &run,
            linted: &linted,
        };
        let mut out = Vec::new();
        rule.check(&doc, &ctx, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].message.contains("`services`"), "{}", out[0].message);
        let fix = out[0].fix.as_ref().expect("suggestion");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        // How to accept a word is said once per report, not in every help.
        assert_eq!(out[0].help.as_deref(), Some("did you mean `services`?"));
    }

    #[test]
    fn known_typos_are_left_to_the_typo_rule() {
        assert!(check_text(&META, "Professional serivices, in addtion.\n").is_empty());
    }

    #[test]
    fn skips_acronyms_names_digits_and_short_words() {
        let text = "The SME and CMOs met. We asked Nicholas Klickk about it. \
                    Versoin2 and verison_x and camelCasee. A teh.\n";
        assert!(
            check_text(&META, text).is_empty(),
            "{:?}",
            check_text(&META, text)
        );
    }

    #[test]
    fn a_capitalised_typo_opening_a_sentence_is_found() {
        let found = check_text(&META, "Partnres are welcome.\n");
        assert_eq!(found, vec![("Partnres".into(), Some("Partners".into()))]);
    }

    #[test]
    fn skips_foreign_lines_and_compound_fragments() {
        let text = "Les heures de travail normales sont pour les réunions.\n\n\
                    A mis-configured runner and a tier2-smee-rollout.\n";
        assert!(
            check_text(&META, text).is_empty(),
            "{:?}",
            check_text(&META, text)
        );
    }

    #[test]
    fn accepted_words_are_not_reported() {
        let s = settings("[spelling]\nextra-words = [\"servicse\"]\n");
        assert!(check_text_with(&META, "Our servicse partners.\n", &s).is_empty());
    }

    #[test]
    fn at_most_three_suggestions_never_safe() {
        let d = diagnostics(&META, "The catt sat.\n", &settings(""));
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.matches('`').count() <= 2 + 3 * 2,
            "{}",
            d[0].message
        );
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Unsafe)
        );
    }

    #[test]
    fn names_and_link_targets_are_not_judged() {
        let text = "| Klaudiaa Magda | Sr Data Scientist |\n\nUse [Powtoonn](https://www.powtoonn.com/).\n";
        assert!(
            check_text(&META, text).is_empty(),
            "{:?}",
            check_text(&META, text)
        );
    }

    #[test]
    fn inflections_of_vocabulary_words_are_right() {
        let s = settings("[spelling]\nextra-words = [\"flurb\"]\n");
        assert!(check_text_with(&META, "Many flurbs were flurbed.\n", &s).is_empty());
    }

    #[test]
    fn british_spellings_are_right() {
        let dict = Hunspell::en_us().expect("dictionary");
        for w in [
            "favourable",
            "organiser",
            "theatre",
            "offence",
            "modeller",
            "recognising",
        ] {
            assert!(british_variant(&dict, w), "{w}");
        }
        assert!(!british_variant(&dict, "serivices"));
        assert!(check_text(&META, "A favourable organiser.\n").is_empty());
    }

    #[test]
    fn derived_forms_of_known_words_are_right() {
        let dict = Hunspell::en_us().expect("dictionary");
        for w in [
            "preapproved",
            "unactivated",
            "explorable",
            "norming",
            "specced",
            "rebooking",
        ] {
            assert!(derived_form(&dict, w, 2), "{w}");
        }
        for w in ["serivices", "knoweledge", "addtion"] {
            assert!(!derived_form(&dict, w, 2), "{w}");
        }
    }

    #[test]
    fn glued_markup_foreign_pages_and_defined_abbreviations_are_not_judged() {
        let text = "- `G`ratitude and `R`epudiation; please s[ubmit it](https://x.example/).\n\n\
                    - **gitlab-shared-runners-manager-X** (gsrm): connected to GitLab.com.\n\
                    - Sentry for gsrm machines.\n\n\
                    Reach her at jleary [at] redmonk [dot] com.\n";
        assert!(
            check_text(&META, text).is_empty(),
            "{:?}",
            check_text(&META, text)
        );
        let french = "Les heures de travail normales sont pour les réunions.\n\n\
                      Nous avons des bureaux pour les équipes.\n\n\
                      Les congés sont dans le calendrier de chaque équipe.\n\n\
                      - Adaptation du mobilier;\n";
        assert!(
            check_text(&META, french).is_empty(),
            "{:?}",
            check_text(&META, french)
        );
        // One foreign-looking word on an English page does not hide a typo.
        let english = "Adaptation du mobilier and a partnres list.\n";
        assert_eq!(
            check_text(&META, english).len(),
            2,
            "{:?}",
            check_text(&META, english)
        );
    }

    #[test]
    fn compounds_of_two_words_are_jargon() {
        let dict = Hunspell::en_us().expect("dictionary");
        assert!(splits_into_words(&dict, "timebox"));
        assert!(!splits_into_words(&dict, "serivices"));
    }
}
