//! The rules: the [`Rule`] trait and the static table of every rule.
//!
//! A rule gets a parsed [`Document`] and the run's [`Context`], and returns
//! [`Diagnostic`]s. It never reads files or calls the network: whatever it
//! needs beyond the document comes from the context (the workspace, the run's
//! shared data) or is handed to it when it is built from the [`RunData`].

use crate::document::Document;
use crate::finding::{Diagnostic, Severity};
use crate::workspace::Workspace;

pub mod broken_anchor;
pub mod broken_link;
pub mod full_url_link;
pub mod invalid_frontmatter;
pub mod invalid_suppression;
pub mod link_to_deleted_page;
pub mod missing_label;
pub mod misused_term;
pub mod mojibake;
pub mod name;
pub mod role_name;
pub mod role_table;
pub mod role_tier;
mod run_data;
pub mod spelling;
pub mod typo;
pub mod unused_suppression;
pub mod uppercase_anchor;

pub use name::{RuleName, UnknownRule};
pub use run_data::{RunData, SharedInputs};

/// What `hblint rules` and `hblint explain` print about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case name, used in config, suppressions and reports.
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Markdown: what it checks, why, an example, how to fix or suppress.
    pub doc: &'static str,
    /// Whether `--fix` can repair its findings.
    pub fix: FixAvailability,
}

/// Whether a rule's findings carry a safe fix (one `--fix` applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    /// Every finding.
    Always,
    /// Some findings (others are suggestions only, or have no repair).
    Sometimes,
    /// No finding.
    Never,
}

impl RuleMeta {
    /// Whether `--fix` can repair some of its findings.
    pub fn fixable(&self) -> bool {
        self.fix != FixAvailability::Never
    }
}

/// Facts about the run that are not in any one document.
#[derive(Debug, Default, Clone)]
pub struct RunFacts {
    /// The MR's labels, when known (`--labels`, `CI_MERGE_REQUEST_LABELS`, the MR job).
    pub labels: Option<Vec<String>>,
    /// Root-relative paths of pages the change deletes (or renames away).
    pub deleted: Vec<String>,
    /// Root-relative paths of every file the change touches (linted or not).
    pub changed: Vec<String>,
    /// Pages the change keeps, with the heading anchors it takes away from
    /// them (a renamed heading): links to these from other pages break.
    pub lost_anchors: Vec<(String, Vec<String>)>,
}

/// What every rule may look at besides its document.
pub struct Context<'a> {
    /// What the run shares between rules (vocabulary, word counts).
    pub data: &'a RunData,
    pub workspace: &'a Workspace,
    pub run: &'a RunFacts,
    /// The paths of every page this run lints, sorted.
    pub linted: &'a [String],
}

/// A diagnostic a run-level rule attaches to a file by path.
#[derive(Debug, Clone)]
pub struct PathDiagnostic {
    pub path: String,
    pub diagnostic: Diagnostic,
    /// Where the range is, for a file that is not one of the run's documents
    /// (the engine can place findings in the run's documents by itself).
    pub position: Option<(crate::finding::Position, crate::finding::Position)>,
}

impl PathDiagnostic {
    pub fn new(path: impl Into<String>, diagnostic: Diagnostic) -> Self {
        PathDiagnostic {
            path: path.into(),
            diagnostic,
            position: None,
        }
    }

    /// A diagnostic in a page read for this check: placed with that page.
    pub fn in_document(doc: &Document, diagnostic: Diagnostic) -> Self {
        let position = Some((
            doc.locate(diagnostic.range.start),
            doc.locate(diagnostic.range.end),
        ));
        PathDiagnostic {
            path: doc.path.clone(),
            diagnostic,
            position,
        }
    }
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Check one document.
    fn check(&self, _doc: &Document, _ctx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Check the run as a whole (labels, deleted pages); called once.
    fn check_run(&self, _ctx: &Context<'_>, _out: &mut Vec<PathDiagnostic>) {}

    /// Whether it resolves links against the tree: the engine then lists the
    /// tree's files while it reads the run's pages, not after.
    fn resolves_links(&self) -> bool {
        false
    }

    /// Whether it asks the tree's word counts ([`RunData::word_counts`]): a
    /// small run with much to check then counts them while its pages are
    /// parsed, and runs it last on each page.
    fn asks_word_counts(&self) -> bool {
        false
    }
}

/// One row of the table: a rule's name, its metadata, and how to build it
/// from the run's shared data.
pub struct Entry {
    pub name: RuleName,
    pub meta: &'static RuleMeta,
    pub build: fn(&RunData) -> miette::Result<Box<dyn Rule>>,
}

fn unit<R: Rule + Default + 'static>(_: &RunData) -> miette::Result<Box<dyn Rule>> {
    Ok(Box::new(R::default()))
}

const fn row(
    name: RuleName,
    meta: &'static RuleMeta,
    build: fn(&RunData) -> miette::Result<Box<dyn Rule>>,
) -> Entry {
    Entry { name, meta, build }
}

/// Every rule, in the order `hblint rules` lists them.
#[rustfmt::skip]
pub static TABLE: [Entry; RuleName::COUNT] = [
    row(RuleName::Typo, &typo::META, typo::Typo::build),
    row(RuleName::Spelling, &spelling::META, spelling::Spelling::build),
    row(RuleName::MisusedTerm, &misused_term::META, misused_term::MisusedTerm::build),
    row(RuleName::Mojibake, &mojibake::META, unit::<mojibake::Mojibake>),
    row(RuleName::InvalidFrontmatter, &invalid_frontmatter::META, unit::<invalid_frontmatter::InvalidFrontmatter>),
    row(RuleName::BrokenLink, &broken_link::META, unit::<broken_link::BrokenLink>),
    row(RuleName::BrokenAnchor, &broken_anchor::META, unit::<broken_anchor::BrokenAnchor>),
    row(RuleName::FullUrlLink, &full_url_link::META, unit::<full_url_link::FullUrlLink>),
    row(RuleName::UppercaseAnchor, &uppercase_anchor::META, unit::<uppercase_anchor::UppercaseAnchor>),
    row(RuleName::LinkToDeletedPage, &link_to_deleted_page::META, unit::<link_to_deleted_page::LinkToDeletedPage>),
    row(RuleName::MissingLabel, &missing_label::META, missing_label::MissingLabel::build),
    row(RuleName::UnusedSuppression, &unused_suppression::META, unit::<unused_suppression::UnusedSuppression>),
    row(RuleName::InvalidSuppression, &invalid_suppression::META, unit::<invalid_suppression::InvalidSuppression>),
    row(RuleName::RoleTable, &role_table::META, role_table::RoleTable::build),
    row(RuleName::RoleName, &role_name::META, role_name::RoleName::build),
    row(RuleName::RoleTier, &role_tier::META, role_tier::RoleTier::build),
];

/// A rule's row in the table.
pub fn entry(name: RuleName) -> &'static Entry {
    &TABLE[name as usize]
}

/// Find a rule's metadata by name.
pub fn meta(name: &str) -> Option<&'static RuleMeta> {
    name.parse::<RuleName>().ok().map(|n| entry(n).meta)
}

/// All rule names, for error messages and completions.
pub fn names() -> Vec<&'static str> {
    TABLE.iter().map(|e| e.meta.name).collect()
}

/// Diagnostics in the pages of the tree that may link to `targets` and that
/// the run does not lint, each read through the workspace and given to `check`.
pub fn in_inbound_pages(
    ctx: &Context<'_>,
    targets: &[String],
    check: impl Fn(&Document) -> Vec<Diagnostic> + Sync,
) -> Vec<PathDiagnostic> {
    use rayon::prelude::*;
    let linted = |p: &str| ctx.linted.binary_search_by(|l| l.as_str().cmp(p)).is_ok();
    ctx.workspace
        .inbound_candidates(targets)
        .into_par_iter()
        .filter(|p| !linted(p))
        .flat_map_iter(|path| {
            ctx.workspace
                .read_page(&path)
                .map(|doc| {
                    check(&doc)
                        .into_iter()
                        .map(|d| PathDiagnostic::in_document(&doc, d))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// The known rule name closest to `name` (`tpyo` → `typo`), if one is close.
pub fn closest_name(name: &str) -> Option<&'static str> {
    names()
        .into_iter()
        .map(|known| (strsim::damerau_levenshtein(name, known), known))
        .filter(|(d, known)| *d <= 2.max(known.len() / 4))
        .min()
        .map(|(_, known)| known)
}

/// The help for an unknown rule name: the closest known one, else the list.
pub fn unknown_rule_help(name: &str) -> String {
    match closest_name(name) {
        Some(known) => format!("did you mean `{known}`? (`hblint rules` lists every rule)"),
        None => format!("known rules: {}", names().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_rule_names_are_suggested() {
        assert_eq!(closest_name("tpyo"), Some("typo"));
        assert_eq!(closest_name("broken-links"), Some("broken-link"));
        assert_eq!(closest_name("nothing-like-it"), None);
        assert!(unknown_rule_help("tpyo").contains("`typo`"));
    }

    #[test]
    fn names_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for (i, e) in TABLE.iter().enumerate() {
            assert_eq!(e.name as usize, i, "{} is out of place", e.meta.name);
            assert_eq!(e.name.as_str(), e.meta.name);
            let m = e.meta;
            assert!(seen.insert(m.name), "duplicate rule {}", m.name);
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                m.name
            );
            for section in ["## What it does", "## Why", "## Example", "## How to fix"] {
                assert!(m.doc.contains(section), "{} doc lacks {section}", m.name);
            }
        }
    }
}

#[cfg(test)]
mod asks_word_counts {
    use super::*;

    /// Each rule says truly whether it asks the tree's word counts: the
    /// engine runs the rules that do last on a page, and a small run counts
    /// the tree while its pages are checked only when one of them runs.
    #[test]
    fn rules_that_ask_the_word_counts_say_so() {
        // A misspelling no list knows, one the general list knows, and a
        // common word of the terms to avoid.
        let text = "Our professional services partnres.\n\nSee the abotu page.\n\n\
                    Obviously, a GitLabber wrote it.\n";
        let root = tempfile::tempdir().expect("temporary root");
        let terms = root.path().join(crate::terms::DEFAULT_FILE);
        std::fs::create_dir_all(terms.parent().expect("a folder")).expect("data folder");
        std::fs::write(
            &terms,
            "- avoid: [Obviously]\n  use_instead: [Skip this word]\n  reason: It discourages questions.\n",
        )
        .expect("terms written");
        let settings = crate::config::Settings::load(root.path(), None).expect("settings");
        let mut asking = Vec::new();
        for entry in &TABLE {
            let (_, rule, data) = testing::checked(entry.meta, text, &settings);
            assert_eq!(
                data.word_counts_built(),
                rule.asks_word_counts(),
                "{}",
                entry.name.as_str()
            );
            if rule.asks_word_counts() {
                asking.push(entry.name.as_str());
            }
        }
        assert_eq!(asking, ["typo", "spelling", "misused-term"]);
    }
}

/// Helpers for the rules' unit tests.
#[cfg(test)]
pub mod testing {
    use super::*;

    /// Run one rule on `text`; return each finding's text and fix replacement.
    pub fn check_text(meta: &RuleMeta, text: &str) -> Vec<(String, Option<String>)> {
        check_text_with(
            meta,
            text,
            &crate::config::Settings::defaults(std::path::Path::new("/nonexistent-root")),
        )
    }

    pub fn check_text_with(
        meta: &RuleMeta,
        text: &str,
        settings: &crate::config::Settings,
    ) -> Vec<(String, Option<String>)> {
        diagnostics(meta, text, settings)
            .into_iter()
            .map(|d| {
                let matched = text.get(d.range.clone()).unwrap_or_default().to_owned();
                (matched, d.fix.map(|f| f.replacement))
            })
            .collect()
    }

    pub fn diagnostics(
        meta: &RuleMeta,
        text: &str,
        settings: &crate::config::Settings,
    ) -> Vec<Diagnostic> {
        checked(meta, text, settings).0
    }

    /// [`diagnostics`], with the rule that found them and the run's shared
    /// data it read.
    pub fn checked(
        meta: &RuleMeta,
        text: &str,
        settings: &crate::config::Settings,
    ) -> (Vec<Diagnostic>, Box<dyn Rule>, RunData) {
        let name: RuleName = meta.name.parse().expect("registered rule");
        let data = settings.run_data();
        let rule = (entry(name).build)(&data).expect("rule builds");
        let doc =
            Document::parse("content/handbook/test.md", text.to_owned(), false).expect("parses");
        let workspace = settings.workspace();
        let run = RunFacts::default();
        let linted = prepare(&data, &workspace, &doc);
        let ctx = Context {
            data: &data,
            workspace: &workspace,
            run: &run,
            linted: &linted,
        };
        let mut out = Vec::new();
        rule.check(&doc, &ctx, &mut out);
        (out, rule, data)
    }

    /// Make `doc` the one page of a run, as the engine does: its anchors
    /// and its text are the run's. Returns the run's linted paths.
    pub fn prepare(data: &RunData, workspace: &Workspace, doc: &Document) -> Vec<String> {
        workspace.settle_anchors(doc);
        data.set_pages(vec![crate::inputs::SourceFile {
            path: doc.path.clone(),
            content: crate::inputs::Content::Bytes(doc.text.clone().into_bytes()),
        }]);
        vec![doc.path.clone()]
    }
}
