//! `misused-term`: a term the handbook's own list (`data/misused_terms.yml`) says to avoid.

use super::{Context, FixAvailability, Rule, RuleMeta, RunData};
use crate::document::Document;
use crate::document::passage::Passage;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::spelling::candidates::NAME_CAPITALISED_PERCENT;
use crate::spelling::frequency::TreeFrequency;
use crate::spelling::precision::place;
use crate::terms::{Phrase, TermList};
use crate::tokenize::non_words;
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

pub static META: RuleMeta = RuleMeta {
    name: "misused-term",
    default_severity: Severity::Warning,
    summary: "A term the handbook's list of misused terms says to avoid",
    fix: FixAvailability::Sometimes,
    doc: r#"# misused-term

## What it does
Finds the terms that the handbook's editors agreed to avoid, as listed in the
tree's own `data/misused_terms.yml` (`avoid`, `use_instead`, `reason`):
`GitLabber` (use "GitLab team member"), `rule of thumb`, `whitelist`,
`top of the hour`, `biweekly` and the rest. The help gives the list's reason
and its `use_instead` options.

A term is matched as whole words, across inline markup (`rule of *thumb*`),
with a plural `s`: `GitLabbers`. Case is read as the list writes it: a term
in capitals (`POC`, `PII`) is matched only in capitals, and a title-case term
(`High Availability`, `GitLab SaaS`) names something, so its later words must
be capitalised (`high availability` of a database is left alone); the first
letter is free (`Rule of thumb` matches `rule of thumb`). A one-word term written with a capital in
the middle of a sentence is a name, not the word (`Middleman`, the site
generator, against `middleman`). Never reported: code, link destinations,
URLs, paths and file names, a term inside quotation marks or right after
"the term" / "the word" (a mention of the term itself: `"GitLabber" includes
both …`, `The term **Functional Group** is no longer used`), a common word the
tree nearly always writes with a capital (a name there: `Middleman`, the site
generator, even as `middleman server`), and a term inside
the text of one of its own `use_instead` options (`Zuora Billing` is what the
list asks for). A few terms English uses in several senses are reported only
next to a word of the sense the list means (`rules/vocabulary/term-senses.toml`:
backlog `grooming`, not grooming in a dress code).

Entries the list does not mean literally are left out: those marked
`exclude_from_exports: true` (the list's own flag for "not literal or too
common"), those with an `avoid_footnote` (a sense such as "used to describe a
person" that no matcher can see), and entries that describe a use rather than
name a term (`CE to reference a specific code …`, `Master (unless …)`).

A single word that the tree uses on at least 1% of its pages (and on ten or
more) is in ordinary use with senses the list does not mean (`resources`,
`community`, `training`, `search`): it is reported only with
`[terms] broad = true`.

When the tree has no list, the rule is silent. Point it at another list with
`[terms] file = "path/to/terms.yml"` in `.hblint.toml` (relative to the root).

## Why is this bad?
The list is what the handbook's editors agreed on ("GitLabber" includes the
wider community; "biweekly" is ambiguous). A term that slips back in is easy
to miss in review.

## Example
```markdown
Every GitLabber can propose a change.
```
Use instead:
```markdown
Every GitLab team member can propose a change.
```

## How to fix
Use one of the list's options. `--fix` applies one only when the list gives
exactly one plain replacement (`GitLabber` -> `GitLab team member`, keeping a
plural and a capital), and never in a heading whose anchor is its text.
To silence one place: `<!-- hblint-disable-next-line misused-term -->`.
"#,
};

/// A single word on at least this share of the tree's pages is in ordinary use...
const BROAD_PER_MILLE: u32 = 10;
/// ...and on at least this many pages.
const BROAD_MIN_PAGES: u32 = 10;
/// A `use_instead` option longer than this is advice, not a replacement.
const MAX_REPLACEMENT_WORDS: usize = 4;

#[derive(Default)]
pub struct MisusedTerm {
    list: Arc<TermList>,
    /// Every phrase, longest first, with an optional plural; compiled on
    /// the first page checked (a run whose pages all come from the cache
    /// never needs it).
    pattern: std::sync::OnceLock<Option<Regex>>,
    /// Lowercase phrase (spaces single) -> its index in `list.phrases`.
    by_text: HashMap<String, usize>,
    /// Lowercase term -> the words that mark the sense the list means
    /// (`rules/vocabulary/term-senses.toml`).
    senses: HashMap<String, Vec<String>>,
    /// Per phrase: an English word in lowercase (`middleman`, not `Zuora`),
    /// so that a capital in the middle of a sentence makes it a name. Asked
    /// of the dictionary on the first page that needs it.
    common: std::sync::OnceLock<Vec<bool>>,
    broad: bool,
}

/// A match of a phrase in a passage.
struct Hit<'p> {
    phrase: &'p Phrase,
    /// Index of the phrase in the list.
    index: usize,
    /// In the passage's text: the phrase with its plural.
    range: Range<usize>,
    plural: bool,
}

impl MisusedTerm {
    fn hits<'s>(&'s self, pattern: &Regex, passage: &Passage) -> Vec<Hit<'s>> {
        let text = passage.text.as_str();
        let mut out = Vec::new();
        let mut skips: Option<Vec<Range<usize>>> = None;
        for c in pattern.captures_iter(text) {
            let (Some(whole), Some(term)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let key = normalise(term.as_str());
            let Some(&index) = self.by_text.get(&key) else {
                continue;
            };
            let phrase = &self.list.phrases[index];
            let plural = c.get(2).is_some();
            if (phrase.acronym && (term.as_str() != phrase.text || whole.as_str().ends_with('S')))
                || !same_capitals(&phrase.text, term.as_str())
            {
                continue;
            }
            if joined(text, whole.range()) {
                continue;
            }
            let skips = skips.get_or_insert_with(|| non_words(text));
            if skips
                .iter()
                .any(|s| s.start < whole.end() && whole.start() < s.end)
            {
                continue;
            }
            out.push(Hit {
                phrase,
                index,
                range: whole.range(),
                plural,
            });
        }
        out
    }

    /// Whether a hit is a use of the term that the list means.
    fn meant(
        &self,
        doc: &Document,
        passage: &Passage,
        hit: &Hit<'_>,
        freq: &mut dyn FnMut() -> Arc<TreeFrequency>,
    ) -> bool {
        let text = passage.text.as_str();
        let matched = &text[hit.range.clone()];
        let phrase = hit.phrase;
        let entry = &self.list.entries[phrase.entry];
        if in_quotation(text, hit.range.clone()) || is_mention(&text[..hit.range.start]) {
            return false;
        }
        if let Some(markers) = self.senses.get(&phrase.text.to_lowercase())
            && !text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| markers.iter().any(|m| m.eq_ignore_ascii_case(w)))
        {
            return false;
        }
        if entry
            .use_instead
            .iter()
            .any(|option| inside_option(text, hit.range.clone(), option, &phrase.text))
        {
            return false;
        }
        let one_word = !phrase.text.contains(' ');
        if one_word && self.common().get(hit.index).copied().unwrap_or(false) {
            let capitalised = matched.chars().next().is_some_and(char::is_uppercase);
            let page = passage.source_range(hit.range.clone());
            if capitalised && !place(&doc.text, page.start, page.end).sentence_start {
                return false;
            }
        }
        if one_word && self.common().get(hit.index).copied().unwrap_or(false) {
            // A common word the tree nearly always writes with a capital is
            // a name there (`Middleman`, the site generator), even in lowercase.
            let freq = freq();
            let all = freq.occurrences(&phrase.text);
            if all >= BROAD_MIN_PAGES
                && freq.capitalised(&phrase.text) * 100 >= all * NAME_CAPITALISED_PERCENT
            {
                return false;
            }
        }
        if one_word && !self.broad {
            let freq = freq();
            let pages = freq.pages(&phrase.text);
            if pages >= BROAD_MIN_PAGES && pages * 1000 >= freq.total_pages() * BROAD_PER_MILLE {
                return false;
            }
        }
        true
    }

    fn diagnostic(&self, passage: &Passage, hit: &Hit<'_>, anchors: &[Range<usize>]) -> Diagnostic {
        let text = passage.text.as_str();
        let matched = &text[hit.range.clone()];
        let entry = &self.list.entries[hit.phrase.entry];
        let range = passage.source_range(hit.range.clone());
        let options: Vec<String> = entry.use_instead.iter().map(|o| format!("`{o}`")).collect();
        let advice = match options.as_slice() {
            [] => String::new(),
            [one] if is_instruction(&entry.use_instead[0]) => {
                format!("{}. ", one.trim_matches('`'))
            }
            [one] => format!("use {one} instead. "),
            many => format!("use instead: {}. ", many.join(", ")),
        };
        let mut d = Diagnostic::new(
            range.clone(),
            format!("`{matched}` is on the handbook's list of terms to avoid"),
        )
        .with_help(format!("{advice}{}", entry.reason));
        if let [option] = entry.use_instead.as_slice()
            && is_replacement(option)
        {
            let start = range.start;
            let at = place_start(passage, hit, start);
            let replacement = replacement(option, matched, hit.plural, at);
            let safe = passage.is_contiguous(hit.range.clone())
                && !anchors
                    .iter()
                    .any(|h| h.start <= range.start && range.end <= h.end);
            d = d.with_fix(
                replacement,
                if safe {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
            );
        }
        d
    }
}

/// Whether the hit opens a sentence of the page (for the case of a replacement).
fn place_start(passage: &Passage, hit: &Hit<'_>, start: usize) -> bool {
    hit.range.start == 0
        || passage.text[..hit.range.start]
            .trim_end()
            .ends_with(['.', '!', '?', ':'])
        || start == 0
}

/// `The term **Functional Group** is …`, `the word "X"`: the text before a
/// hit that makes it a mention of the term, not a use.
fn is_mention(before: &str) -> bool {
    let last = before
        .trim_end_matches(|c: char| c.is_whitespace() || ":*_\"“'‘`".contains(c))
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase();
    [
        "term", "terms", "word", "words", "phrase", "phrases", "say", "says", "saying",
    ]
    .contains(&last.as_str())
}

/// A phrase the list writes in title case (`High Availability`, `GitLab
/// SaaS`) names something: its later words must be capitalised as written,
/// so that `high availability` of a database is not the named term. The
/// first letter is free (`Rule of thumb` matches `rule of thumb`).
fn same_capitals(phrase: &str, matched: &str) -> bool {
    phrase
        .split_whitespace()
        .zip(matched.split_whitespace())
        .skip(1)
        .all(|(p, m)| !p.starts_with(char::is_uppercase) || m.starts_with(char::is_uppercase))
}

/// Lowercase, with runs of whitespace as one space.
fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `GitLabber`, `CultureAmp`: a capital after the first letter.
fn has_inner_capital(s: &str) -> bool {
    s.chars().skip(1).any(char::is_uppercase)
}

/// Whether the match is part of a longer word or compound: a word character,
/// or a hyphen, slash or dot joined to one, right before or after it.
fn joined(text: &str, r: Range<usize>) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..r.start].chars().rev().take(2).collect::<Vec<_>>();
    let after = text[r.end..].chars().take(2).collect::<Vec<_>>();
    let touches = |near: &[char]| match near {
        [c, ..] if word(*c) => true,
        [c, d, ..] if "-/.@".contains(*c) && word(*d) => true,
        _ => false,
    };
    touches(&before) || touches(&after)
}

/// Whether a range lies inside a quotation of its passage: an odd number of
/// straight quotes before it and one after, or an open curly quote.
fn in_quotation(text: &str, r: Range<usize>) -> bool {
    let before = &text[..r.start];
    let after = &text[r.end..];
    let straight = before.matches('"').count() % 2 == 1 && after.contains('"');
    let curly = before
        .rfind('“')
        .is_some_and(|open| !before[open..].contains('”'))
        && after.contains('”');
    let single = before.ends_with(['\'', '‘']) && after.starts_with(['\'', '’']);
    straight || curly || single
}

/// Whether the hit is the term inside the text of one of its own options:
/// `Zuora Billing` for the term `Zuora`, `marketing homepage` for `Homepage`.
fn inside_option(text: &str, r: Range<usize>, option: &str, phrase: &str) -> bool {
    let option_lower = option.to_lowercase();
    let phrase_lower = phrase.to_lowercase();
    option_lower.match_indices(&phrase_lower).any(|(i, _)| {
        let before = i;
        let after = option_lower.len() - i - phrase_lower.len();
        let (Some(start), Some(end)) = (r.start.checked_sub(before), Some(r.end + after)) else {
            return false;
        };
        text.get(start..end)
            .is_some_and(|s| s.to_lowercase() == option_lower)
    })
}

/// `Skip this word`, `Alternatively, …`: advice, not words to put in place.
fn is_instruction(option: &str) -> bool {
    const VERBS: [&str; 8] = [
        "skip",
        "remove",
        "omit",
        "use",
        "refer",
        "call",
        "say",
        "alternatively",
    ];
    let first = option
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase();
    VERBS.contains(&first.as_str()) || option.trim_end().ends_with('.')
}

/// A short plain option that can stand where the term stood.
fn is_replacement(option: &str) -> bool {
    !is_instruction(option)
        && option.split_whitespace().count() <= MAX_REPLACEMENT_WORDS
        && !option.to_lowercase().split_whitespace().any(|w| w == "or")
        && option
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
}

/// The option in the place of `matched`: `GitLabbers` -> `GitLab team members`,
/// `Obviously,` at a sentence start keeps its capital.
fn replacement(option: &str, matched: &str, plural: bool, sentence_start: bool) -> String {
    let first_word = option.split_whitespace().next().unwrap_or("");
    let mut out = if has_inner_capital(first_word) {
        option.to_owned()
    } else {
        let mut chars = option.chars();
        match chars.next() {
            Some(c) => c.to_lowercase().chain(chars).collect(),
            None => String::new(),
        }
    };
    if matched.chars().next().is_some_and(char::is_uppercase) || sentence_start {
        let mut chars = out.chars();
        out = match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
    }
    if plural && !out.ends_with('s') {
        out.push('s');
    }
    out
}

fn build_pattern(list: &TermList) -> Option<Regex> {
    let mut texts: Vec<&str> = list.phrases.iter().map(|p| p.text.as_str()).collect();
    if texts.is_empty() {
        return None;
    }
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    texts.dedup();
    let alternation = texts
        .iter()
        .map(|t| {
            t.split_whitespace()
                .map(|w| regex::escape(&w.replace('’', "'")).replace('\'', "['’]"))
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&format!(r"(?i)\b({alternation})(e?s)?\b")).ok()
}

/// The embedded sense markers.
const SENSES: &str = include_str!("../../rules/vocabulary/term-senses.toml");

fn senses() -> miette::Result<HashMap<String, Vec<String>>> {
    #[derive(serde::Deserialize)]
    struct Senses {
        senses: HashMap<String, Vec<String>>,
    }
    let parsed: Senses = toml::from_str(SENSES)
        .map_err(|e| miette::miette!("rules/vocabulary/term-senses.toml is not valid: {e}"))?;
    Ok(parsed.senses)
}

impl MisusedTerm {
    /// Per phrase, whether it is an English word in lowercase (asked of the
    /// embedded dictionary, see `Hunspell::built_in`).
    fn common(&self) -> &[bool] {
        self.common.get_or_init(|| {
            let dict = crate::spelling::hunspell::Hunspell::built_in();
            self.list
                .phrases
                .iter()
                .map(|p| !p.acronym && dict.is_word(&p.text.to_lowercase()))
                .collect()
        })
    }

    pub fn build(data: &RunData) -> miette::Result<Box<dyn Rule>> {
        let (list, broad) = data.terms();
        Ok(Box::new(MisusedTerm::with_list(list, broad)?))
    }

    fn with_list(list: Arc<TermList>, broad: bool) -> miette::Result<MisusedTerm> {
        Ok(MisusedTerm {
            senses: senses()?,
            pattern: std::sync::OnceLock::new(),
            by_text: list
                .phrases
                .iter()
                .enumerate()
                .map(|(i, p)| (normalise(&p.text.replace('’', "'")), i))
                .collect(),
            common: std::sync::OnceLock::new(),
            list,
            broad,
        })
    }
}

impl Rule for MisusedTerm {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn asks_word_counts(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(pattern) = self.pattern.get_or_init(|| build_pattern(&self.list)) else {
            return;
        };
        let anchors = doc.text_anchored_headings();
        let mut freq: Option<Arc<TreeFrequency>> = None;
        let mut get_freq = || freq.get_or_insert_with(|| ctx.data.word_counts()).clone();
        for passage in doc.passages() {
            for hit in self.hits(pattern, passage) {
                if self.meant(doc, passage, &hit, &mut get_freq) {
                    out.push(self.diagnostic(passage, &hit, &anchors));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"
- avoid: [GitLabber]
  use_instead: [GitLab team member]
  reason: It includes the wider community.
- avoid: [Rule of thumb]
  use_instead: [Guideline or Heuristic]
  reason: Dubious origins.
- avoid: [Obviously]
  use_instead: [Skip this word]
  reason: It discourages questions.
- avoid: [POC]
  use_instead: [Proof of concept, Point of contact]
  reason: Ambiguous.
- avoid: [Middleman]
  use_instead: [Go-between, intermediary]
  reason: Gendered.
- avoid: [Zuora]
  use_instead: [Zuora Billing, Zuora Revenue]
  reason: Which product?
- avoid: [Grooming]
  use_instead: [Refinement]
  reason: Negative connotations.
- avoid: [High Availability]
  use_instead: [Reference Architecture]
  reason: Trade-offs.
- avoid: [Resources]
  use_instead: [People]
  reason: We are more than our output.
"#;

    fn check(text: &str, broad: bool) -> Vec<(String, Option<String>, Option<Applicability>)> {
        check_in(text, broad, "The resources here.\n")
    }

    /// Check `text` in a tree of ten more pages that read `other`.
    fn check_in(
        text: &str,
        broad: bool,
        other: &str,
    ) -> Vec<(String, Option<String>, Option<Applicability>)> {
        let list = TermList::parse("t.yml", LIST).expect("list");
        let rule = MisusedTerm::with_list(Arc::new(list), broad).expect("rule");
        let settings = crate::config::Settings::defaults(std::path::Path::new("/nonexistent-root"));
        let data = settings.run_data();
        let doc = Document::parse("content/a.md", text.to_owned(), false).expect("parses");
        // Ten other pages (by default, using `resources`: a broad word in a tree of eleven).
        let mut others: Vec<Document> = (0..10)
            .map(|i| {
                Document::parse(&format!("content/o{i}.md"), other.into(), false).expect("parses")
            })
            .collect();
        others.insert(0, doc);
        let workspace = settings.workspace();
        let run = crate::rules::RunFacts::default();
        data.set_pages(
            others
                .iter()
                .map(|d| crate::inputs::SourceFile {
                    path: d.path.clone(),
                    content: crate::inputs::Content::Bytes(d.text.clone().into_bytes()),
                })
                .collect(),
        );
        let linted: Vec<String> = others.iter().map(|d| d.path.clone()).collect();
        let ctx = Context {
            data: &data,
            workspace: &workspace,
            run: &run,
            linted: &linted,
        };
        let mut out = Vec::new();
        rule.check(&others[0], &ctx, &mut out);
        out.into_iter()
            .map(|d| {
                let fix = d.fix.as_ref().map(|f| f.replacement.clone());
                let applicability = d.fix.as_ref().map(|f| f.applicability);
                (text[d.range].to_owned(), fix, applicability)
            })
            .collect()
    }

    #[test]
    fn terms_with_one_plain_option_are_fixed_keeping_plural_and_case() {
        let found = check(
            "Every GitLabber and all gitlabbers agree.\n\nGitLabbers meet.\n",
            false,
        );
        assert_eq!(
            found,
            vec![
                (
                    "GitLabber".into(),
                    Some("GitLab team member".into()),
                    Some(Applicability::Safe)
                ),
                (
                    "gitlabbers".into(),
                    Some("GitLab team members".into()),
                    Some(Applicability::Safe)
                ),
                (
                    "GitLabbers".into(),
                    Some("GitLab team members".into()),
                    Some(Applicability::Safe)
                ),
            ]
        );
    }

    #[test]
    fn advice_and_several_options_are_never_a_fix() {
        let found = check(
            "As a rule of thumb, it is obviously a POC.\n\nObviously, yes.\n",
            false,
        );
        let words: Vec<(&str, bool)> = found
            .iter()
            .map(|(w, fix, _)| (w.as_str(), fix.is_some()))
            .collect();
        assert_eq!(
            words,
            vec![
                ("rule of thumb", false),
                ("obviously", false),
                ("POC", false),
                ("Obviously", false)
            ]
        );
    }

    #[test]
    fn across_markup_found_but_not_fixed() {
        let found = check("A rule of *thumb* here.\n", false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "rule of *thumb");
    }

    #[test]
    fn quotes_code_urls_names_and_the_options_themselves_are_left_alone() {
        let text = "\"GitLabber\" includes the community. Use `GitLabber` in code.\n\n\
                    See [the page](https://example.com/gitlabber/) and content/gitlabber/x.md.\n\n\
                    The Middleman site and Zuora Billing are fine, as are poc and POCs-like anti-gitlabber.\n";
        assert!(check(text, false).is_empty(), "{:?}", check(text, false));
        let found = check("Zuora sends invoices. A middleman helps.\n", false);
        let words: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(words, vec!["Zuora", "middleman"]);
    }

    #[test]
    fn headings_get_no_safe_fix() {
        let found = check("## Ask a GitLabber\n\nText.\n", false);
        assert_eq!(found[0].2, Some(Applicability::Unsafe));
        let found = check("## Ask a GitLabber {#ask}\n\nText.\n", false);
        assert_eq!(found[0].2, Some(Applicability::Safe));
    }

    #[test]
    fn mentions_title_case_names_and_other_senses_are_left_alone() {
        let text = "The term **GitLabber** is gone. The word rule of thumb too.\n\n\
                    Gitaly provides high availability.\n\n\
                    Use good judgment in appearance and grooming.\n\n\
                    Backlog grooming happens weekly.\n\n\
                    We sell High Availability.\n";
        let found: Vec<String> = check(text, false).into_iter().map(|f| f.0).collect();
        assert_eq!(found, vec!["grooming", "High Availability"]);
    }

    #[test]
    fn a_word_the_tree_writes_as_a_name_and_said_words_are_not_uses() {
        let text = "Start a middleman server. Never say: obviously.\n";
        assert!(check_in(text, false, "The Middleman site.\n").is_empty());
        let found: Vec<String> = check_in(text, false, "A page.\n")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(found, vec!["middleman"]);
    }

    #[test]
    fn broad_words_only_when_asked() {
        assert!(check("Resources are listed.\n", false).is_empty());
        assert_eq!(check("Resources are listed.\n", true).len(), 1);
    }
}
