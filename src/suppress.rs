//! Suppressions: the ways a repository or a page silences findings, and the
//! report of suppressions that silence nothing.
//!
//! - `<!-- hblint-disable-next-line RULE, … -->`: the line after the comment;
//! - `<!-- hblint-disable RULE, … -->` … `<!-- hblint-enable RULE, … -->`: a region
//!   (to the end of the file when never re-enabled);
//! - frontmatter `hblint: {disable: [RULE, …]}`: the whole page;
//! - `[[ignore]]` tables in `.hblint.toml`: rules off for paths matching globs.
//!
//! A comment with no rule name applies to every rule. A suppression with an
//! unknown directive (`hblint-disable-nextline`) or an unknown rule name
//! suppresses nothing and becomes an `invalid-suppression` finding; one that
//! hid nothing in a run becomes an `unused-suppression` finding.

use crate::document::{Document, SuppressionKind};
use crate::finding::{Diagnostic, Finding};
use crate::rules::RuleName;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::ops::Range;

/// The compiled `[[ignore]]` tables.
#[derive(Debug, Clone, Default)]
pub struct PathIgnores {
    entries: Vec<IgnoreTable>,
}

#[derive(Debug, Clone)]
struct IgnoreTable {
    globs: GlobSet,
    rules: Vec<RuleName>,
    origin: Option<IgnoreOrigin>,
}

/// Where an `[[ignore]]` table is written: the configuration file (as shown
/// in reports) and the table's first and last position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreOrigin {
    pub path: String,
    pub start: crate::finding::Position,
    pub end: crate::finding::Position,
}

/// An `[[ignore]]` table that ignores nothing: where it is, what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedIgnore {
    pub origin: IgnoreOrigin,
    pub message: String,
    pub help: String,
}

impl PathIgnores {
    /// Compile one table (`rules` empty: every rule) and add it; the error
    /// says what is wrong.
    pub fn add(&mut self, paths: &[String], rules: Vec<RuleName>) -> Result<(), String> {
        self.add_at(paths, rules, None)
    }

    /// [`PathIgnores::add`] for a table written at `origin`.
    pub fn add_at(
        &mut self,
        paths: &[String],
        rules: Vec<RuleName>,
        origin: Option<IgnoreOrigin>,
    ) -> Result<(), String> {
        if paths.is_empty() {
            return Err("[[ignore]] needs at least one glob in `paths`".into());
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in paths {
            let glob = Glob::new(pattern)
                .map_err(|e| format!("[[ignore]]: invalid glob `{pattern}`: {e}"))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| format!("[[ignore]]: {e}"))?;
        self.entries.push(IgnoreTable {
            globs: set,
            rules,
            origin,
        });
        Ok(())
    }

    /// Whether `rule` is ignored on `path` (root-relative, `/`-separated).
    pub fn ignores(&self, path: &str, rule: &str) -> bool {
        self.ignoring(path, rule).is_some()
    }

    /// The first table that ignores `rule` on `path`.
    pub fn ignoring(&self, path: &str, rule: &str) -> Option<usize> {
        self.entries.iter().position(|t| {
            (t.rules.is_empty() || t.rules.iter().any(|r| r.as_str() == rule))
                && t.globs.is_match(path)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Record where the tables are written, in the order they were added.
    pub fn place(&mut self, origins: Vec<IgnoreOrigin>) {
        for (table, origin) in self.entries.iter_mut().zip(origins) {
            table.origin = Some(origin);
        }
    }

    /// The tables that ignore nothing in this run. `used` holds the
    /// `(table, rule)` pairs that hid a finding ([`Suppressed::ignored_by`]),
    /// `pages` the Markdown pages of the tree and `linted` the pages this run
    /// linted. A table whose globs match no page of the tree ignores nothing
    /// in any run. Otherwise a table is judged only when the run linted every
    /// page it matches (a pre-commit run of three pages cannot tell), and each
    /// of its rules only when that rule ran.
    pub fn unused(
        &self,
        used: &std::collections::HashSet<(usize, &str)>,
        run: &RunRules<'_>,
        pages: &[String],
        linted: &std::collections::HashSet<&str>,
    ) -> Vec<UnusedIgnore> {
        let mut out = Vec::new();
        for (i, table) in self.entries.iter().enumerate() {
            let Some(origin) = &table.origin else {
                continue;
            };
            let mut matched = pages.iter().filter(|p| table.globs.is_match(p.as_str()));
            let Some(first) = matched.next() else {
                out.push(UnusedIgnore {
                    origin: origin.clone(),
                    message: "`[[ignore]]` matches no page of the tree".into(),
                    help: "correct the globs in `paths`, or remove the table".into(),
                });
                continue;
            };
            if !std::iter::once(first)
                .chain(matched)
                .all(|p| linted.contains(p.as_str()))
            {
                continue;
            }
            if table.rules.is_empty() {
                if run.all && !used.iter().any(|(t, _)| *t == i) {
                    out.push(UnusedIgnore {
                        origin: origin.clone(),
                        message: "`[[ignore]]` suppresses no finding".into(),
                        help: "remove the table".into(),
                    });
                }
                continue;
            }
            for rule in &table.rules {
                if run.ran(rule.as_str()) && !used.contains(&(i, rule.as_str())) {
                    out.push(UnusedIgnore {
                        origin: origin.clone(),
                        message: format!("`[[ignore]]` suppresses no `{rule}` finding"),
                        help: format!("remove `{rule}` from the table's `rules`"),
                    });
                }
            }
        }
        out
    }
}

fn matches(rules: &[String], rule: &str) -> bool {
    rules.is_empty() || rules.iter().any(|r| r == rule)
}

/// What suppressing one page's findings left.
#[derive(Debug, Default)]
pub struct Suppressed {
    /// The findings still reported.
    pub kept: Vec<Finding>,
    /// How many were hidden.
    pub hidden: usize,
    /// Suppressions that hid nothing, as `unused-suppression` diagnostics.
    pub unused: Vec<Diagnostic>,
    /// Suppressions that cannot be read (unknown directive or rule name), as
    /// `invalid-suppression` diagnostics; they suppressed nothing.
    pub invalid: Vec<Diagnostic>,
    /// `(table, rule)` of each `[[ignore]]` table that hid a finding.
    pub ignored_by: Vec<(usize, &'static str)>,
}

/// Which rules ran: a suppression of a rule that did not run cannot be judged unused.
pub struct RunRules<'a> {
    /// Names of the rules this run ran.
    pub enabled: &'a [&'static str],
    /// Whether every registered rule ran (a blanket suppression can be judged).
    pub all: bool,
}

impl RunRules<'_> {
    pub fn ran(&self, rule: &str) -> bool {
        self.enabled.contains(&rule)
    }
}

/// One thing that may suppress a finding, and what it suppressed.
struct Source {
    range: Range<usize>,
    rules: Vec<String>,
    used: Vec<bool>,
    any_used: bool,
    what: String,
    /// Why it cannot be read (then it suppresses nothing), with a help.
    invalid: Option<(String, String)>,
}

impl Source {
    fn new(range: Range<usize>, rules: Vec<String>, what: String) -> Source {
        let used = vec![false; rules.len()];
        let known = crate::rules::names();
        let invalid = rules
            .iter()
            .find(|r| !known.contains(&r.as_str()))
            .map(|rule| {
                (
                    format!("`{what}` names an unknown rule `{rule}`: it suppresses nothing"),
                    crate::rules::unknown_rule_help(rule),
                )
            });
        Source {
            range,
            rules,
            used,
            any_used: false,
            what,
            invalid,
        }
    }

    fn applies(&self, rule: &str) -> bool {
        self.invalid.is_none() && matches(&self.rules, rule)
    }

    fn mark(&mut self, rule: &str) {
        self.any_used = true;
        for (i, r) in self.rules.iter().enumerate() {
            if r == rule {
                self.used[i] = true;
            }
        }
    }
}

/// Drop the findings of `path` that the config's path ignores, its frontmatter
/// or its comments suppress. `doc` is `None` for a path that is not a linted
/// document (a deleted page): only path ignores apply.
pub fn suppress(
    path: &str,
    doc: Option<&Document>,
    findings: Vec<Finding>,
    ignores: &PathIgnores,
    run: &RunRules<'_>,
) -> Suppressed {
    let before = findings.len();
    let mut ignored_by = Vec::new();
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| match ignores.ignoring(path, f.rule) {
            Some(table) => {
                ignored_by.push((table, f.rule));
                false
            }
            None => true,
        })
        .collect();
    let Some(doc) = doc else {
        return Suppressed {
            hidden: before - findings.len(),
            kept: findings,
            unused: Vec::new(),
            invalid: Vec::new(),
            ignored_by,
        };
    };

    let mut file_level = doc
        .frontmatter
        .as_ref()
        .map(|f| {
            let rules: Vec<String> = f
                .disabled_rules()
                .into_iter()
                .filter(|r| !r.is_empty())
                .collect();
            Source::new(
                frontmatter_key_range(doc, f.range.clone()),
                rules,
                "hblint.disable".into(),
            )
        })
        .filter(|s| !s.rules.is_empty());
    let mut comments: Vec<(SuppressionKind, Source)> = doc
        .suppressions
        .iter()
        .map(|s| {
            let what = match &s.kind {
                SuppressionKind::NextLine => "hblint-disable-next-line".to_owned(),
                SuppressionKind::Disable => "hblint-disable".to_owned(),
                SuppressionKind::Enable => "hblint-enable".to_owned(),
                SuppressionKind::Unknown(word) => format!("hblint-{word}"),
            };
            let mut source = Source::new(s.range.clone(), s.rules.clone(), what);
            if let SuppressionKind::Unknown(word) = &s.kind {
                source.invalid = Some(unknown_directive(word));
            }
            (s.kind.clone(), source)
        })
        .collect();
    // The line each next-line comment covers.
    let next_lines: Vec<usize> = comments
        .iter()
        .map(|(_, s)| doc.locate(s.range.end).line + 1)
        .collect();

    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        if let Some(fl) = file_level.as_mut()
            && fl.applies(f.rule)
        {
            fl.mark(f.rule);
            continue;
        }
        // A next-line comment first; else the last disable still open at the finding.
        let mut by: Option<usize> = None;
        let mut open: Option<usize> = None;
        for (i, (kind, s)) in comments.iter().enumerate() {
            if s.range.start >= f.range.start {
                break;
            }
            if !s.applies(f.rule) {
                continue;
            }
            match kind {
                SuppressionKind::NextLine => {
                    if f.start.line == next_lines[i] && by.is_none() {
                        by = Some(i);
                    }
                }
                SuppressionKind::Disable => open = Some(i),
                SuppressionKind::Enable => open = None,
                SuppressionKind::Unknown(_) => {}
            }
        }
        match by.or(open) {
            Some(i) => comments[i].1.mark(f.rule),
            None => kept.push(f),
        }
    }

    let mut unused = Vec::new();
    let mut invalid = Vec::new();
    for s in file_level.iter().chain(comments.iter().map(|(_, s)| s)) {
        if let Some((message, help)) = &s.invalid {
            invalid.push(Diagnostic::new(s.range.clone(), message.clone()).with_help(help.clone()));
        }
    }
    let sources = file_level
        .iter()
        .chain(comments.iter().filter_map(|(kind, s)| {
            // An enable comment suppresses nothing by design.
            (*kind != SuppressionKind::Enable).then_some(s)
        }))
        .filter(|s| s.invalid.is_none());
    for s in sources {
        for (i, rule) in s.rules.iter().enumerate() {
            if !s.used[i] && run.ran(rule) {
                unused.push(
                    Diagnostic::new(
                        s.range.clone(),
                        format!("`{}` suppresses no `{rule}` finding", s.what),
                    )
                    .with_help(format!("remove `{rule}` from the suppression")),
                );
            }
        }
        if s.rules.is_empty() && !s.any_used && run.all {
            unused.push(
                Diagnostic::new(
                    s.range.clone(),
                    format!("`{}` suppresses no finding", s.what),
                )
                .with_help("remove the comment"),
            );
        }
    }
    // Comments in code blocks are examples, not suppressions.
    unused.retain(|d| !doc.in_code(d.range.start));
    invalid.retain(|d| !doc.in_code(d.range.start));
    Suppressed {
        hidden: before - kept.len(),
        kept,
        unused,
        invalid,
        ignored_by,
    }
}

/// The message and help for `hblint-WORD`, an unknown directive.
fn unknown_directive(word: &str) -> (String, String) {
    const KNOWN: [&str; 3] = ["disable-next-line", "disable", "enable"];
    let closest = KNOWN
        .iter()
        .min_by_key(|k| strsim::damerau_levenshtein(word, k))
        .copied()
        .unwrap_or("disable-next-line");
    (
        format!("unknown suppression `hblint-{word}`: it suppresses nothing"),
        format!(
            "did you mean `hblint-{closest}`? The directives are `hblint-disable-next-line`, \
             `hblint-disable` and `hblint-enable`"
        ),
    )
}

/// The `hblint:` key in the frontmatter, or the frontmatter's first line.
fn frontmatter_key_range(doc: &Document, fm: Range<usize>) -> Range<usize> {
    let text = doc.text.get(fm.clone()).unwrap_or_default();
    let at = text
        .match_indices("hblint:")
        .find(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
        .map(|(i, _)| i);
    match at {
        Some(i) => fm.start + i..fm.start + i + "hblint".len(),
        None => fm.start..fm.start + text.find('\n').unwrap_or(text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn finding(doc: &Document, rule: &'static str, word: &str) -> Finding {
        let start = doc.text.find(word).expect("word in text");
        let range = start..start + word.len();
        Finding {
            rule,
            severity: Severity::Error,
            path: doc.path.clone(),
            start: doc.locate(range.start),
            end: doc.locate(range.end),
            range,
            message: String::new(),
            help: None,
            fix: None,
        }
    }

    fn run_all() -> RunRules<'static> {
        static ALL: std::sync::LazyLock<Vec<&'static str>> =
            std::sync::LazyLock::new(crate::rules::names);
        RunRules {
            enabled: &ALL,
            all: true,
        }
    }

    fn apply(text: &str, words: &[(&'static str, &str)]) -> (Vec<String>, Vec<String>) {
        let (kept, unused, _) = apply_all(text, words);
        (kept, unused)
    }

    fn apply_all(
        text: &str,
        words: &[(&'static str, &str)],
    ) -> (Vec<String>, Vec<String>, Vec<String>) {
        let doc = Document::parse("p.md", text.to_owned(), false).expect("parses");
        let found = words.iter().map(|(r, w)| finding(&doc, r, w)).collect();
        let s = suppress(
            "p.md",
            Some(&doc),
            found,
            &PathIgnores::default(),
            &run_all(),
        );
        let kept = s
            .kept
            .iter()
            .map(|f| doc.text[f.range.clone()].to_owned())
            .collect();
        let unused = s.unused.iter().map(|d| d.message.clone()).collect();
        let invalid = s
            .invalid
            .iter()
            .map(|d| format!("{} | {}", d.message, d.help.as_deref().unwrap_or_default()))
            .collect();
        (kept, unused, invalid)
    }

    #[test]
    fn misspelt_directives_and_rule_names_suppress_nothing() {
        let text = "<!-- hblint-disable-nextline typo -->\nalpha\nbeta\n\n\
                    <!-- hblint-disable-next-line tpyo, typo -->\ngamma\n";
        let (kept, unused, invalid) = apply_all(
            text,
            &[("typo", "alpha"), ("typo", "beta"), ("typo", "gamma")],
        );
        assert_eq!(kept, vec!["alpha", "beta", "gamma"]);
        assert!(unused.is_empty(), "{unused:?}");
        assert_eq!(invalid.len(), 2, "{invalid:?}");
        assert!(
            invalid[0].contains("`hblint-disable-nextline`"),
            "{invalid:?}"
        );
        assert!(invalid[0].contains("did you mean `hblint-disable-next-line`?"));
        assert!(invalid[1].contains("unknown rule `tpyo`"), "{invalid:?}");
        assert!(invalid[1].contains("did you mean `typo`?"), "{invalid:?}");
    }

    #[test]
    fn next_line_only_covers_the_next_line() {
        let (kept, unused) = apply(
            "<!-- hblint-disable-next-line typo -->\nalpha\nbeta\n",
            &[("typo", "alpha"), ("typo", "beta")],
        );
        assert_eq!(kept, vec!["beta"]);
        assert!(unused.is_empty(), "{unused:?}");
    }

    #[test]
    fn regions_open_and_close() {
        let text = "alpha\n\n<!-- hblint-disable typo -->\n\nbeta\n\n<!-- hblint-enable typo -->\n\ngamma\n";
        let (kept, unused) = apply(
            text,
            &[("typo", "alpha"), ("typo", "beta"), ("typo", "gamma")],
        );
        assert_eq!(kept, vec!["alpha", "gamma"]);
        assert!(unused.is_empty(), "{unused:?}");
    }

    #[test]
    fn blanket_disable_and_rule_specific_enable() {
        let text =
            "<!-- hblint-disable -->\n\nalpha beta\n\n<!-- hblint-enable typo -->\n\ngamma delta\n";
        let (kept, _) = apply(
            text,
            &[
                ("typo", "alpha"),
                ("mojibake", "beta"),
                ("typo", "gamma"),
                ("mojibake", "delta"),
            ],
        );
        assert_eq!(kept, vec!["gamma"]);
    }

    #[test]
    fn frontmatter_disables_the_page() {
        let text = "---\ntitle: T\nhblint:\n  disable: [typo]\n---\n\nalpha beta\n";
        let (kept, unused) = apply(text, &[("typo", "alpha"), ("mojibake", "beta")]);
        assert_eq!(kept, vec!["beta"]);
        assert!(unused.is_empty());
    }

    #[test]
    fn unused_and_unknown_suppressions_are_reported() {
        let text = "---\nhblint:\n  disable: [mojibake]\n---\n\n<!-- hblint-disable-next-line typo -->\nclean line\n\n<!-- hblint-disable-next-line no-such-rule -->\nx\n\n<!-- hblint-disable -->\n";
        let (_, unused, invalid) = apply_all(text, &[]);
        assert_eq!(
            unused,
            vec![
                "`hblint.disable` suppresses no `mojibake` finding",
                "`hblint-disable-next-line` suppresses no `typo` finding",
                "`hblint-disable` suppresses no finding",
            ]
        );
        assert_eq!(invalid.len(), 1);
        assert!(invalid[0].starts_with(
            "`hblint-disable-next-line` names an unknown rule `no-such-rule`: it suppresses nothing"
        ));
    }

    #[test]
    fn rules_that_did_not_run_are_not_judged() {
        let doc = Document::parse(
            "p.md",
            "<!-- hblint-disable-next-line typo -->\nx\n<!-- hblint-disable -->\n".into(),
            false,
        )
        .expect("parses");
        let run = RunRules {
            enabled: &["mojibake"],
            all: false,
        };
        let s = suppress(
            "p.md",
            Some(&doc),
            Vec::new(),
            &PathIgnores::default(),
            &run,
        );
        assert!(s.unused.is_empty());
    }

    #[test]
    fn path_ignores_match_globs_and_rules() {
        let mut ignores = PathIgnores::default();
        ignores
            .add(&["content/legal/**".into()], vec![RuleName::Typo])
            .expect("valid");
        assert!(ignores.ignores("content/legal/a/b.md", "typo"));
        assert!(!ignores.ignores("content/legal/a/b.md", "mojibake"));
        assert!(!ignores.ignores("content/other.md", "typo"));
        assert!(ignores.add(&["x/[".into()], vec![]).is_err());
        assert!(ignores.add(&[], vec![]).is_err());
    }
}
