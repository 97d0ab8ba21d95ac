//! The engine: documents in, findings out.
//!
//! ```text
//! inputs ──► documents (parsed once, in parallel) ──► rules ──► findings (placed, suppressed, sorted)
//! ```

use crate::config::Settings;
use crate::document::{Document, InputError, SuppressionKind};
use crate::finding::{Diagnostic, Finding, Severity};
use crate::inputs::{Content, SourceFile};
use crate::rules::{Context, PathDiagnostic, Rule, RunFacts};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::HashMap;

/// The rules that will run, each with its effective severity.
pub struct RuleSet {
    rules: Vec<(Box<dyn Rule>, Severity)>,
}

impl RuleSet {
    /// Every rule that the settings and `--select` / `--ignore` leave on,
    /// prepared (dictionaries and data loaded).
    pub fn build(
        settings: &Settings,
        select: &[String],
        ignore: &[String],
    ) -> miette::Result<RuleSet> {
        let known = crate::rules::names();
        for name in select.iter().chain(ignore) {
            if !known.contains(&name.as_str()) {
                return Err(miette::miette!(
                    help = format!("known rules: {}", known.join(", ")),
                    "unknown rule `{name}`"
                ));
            }
        }
        let mut rules = Vec::new();
        for mut rule in crate::rules::registry() {
            let meta = rule.meta();
            if !select.is_empty() && !select.iter().any(|s| s == meta.name) {
                continue;
            }
            if ignore.iter().any(|s| s == meta.name) {
                continue;
            }
            let severity = match settings.severities.get(meta.name) {
                Some(Some(s)) => *s,
                Some(None) => continue,
                None => meta.default_severity,
            };
            rule.prepare(settings)?;
            rules.push((rule, severity));
        }
        Ok(RuleSet { rules })
    }

    pub fn is_enabled(&self, name: &str) -> bool {
        self.rules.iter().any(|(r, _)| r.meta().name == name)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.rules.iter().map(|(r, _)| r.meta().name).collect()
    }
}

/// Everything a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Sorted by path, line, column.
    pub findings: Vec<Finding>,
    /// Files that could not be linted, with the reason.
    pub errors: Vec<InputError>,
    /// The parsed documents, sorted by path.
    pub documents: Vec<Document>,
    /// Findings hidden by inline or frontmatter suppressions.
    pub suppressed: usize,
}

impl Outcome {
    pub fn files(&self) -> usize {
        self.documents.len() + self.errors.len()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn document(&self, path: &str) -> Option<&Document> {
        self.documents
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.documents[i])
    }
}

/// Read and parse one file.
pub fn load(file: &SourceFile) -> Result<Document, InputError> {
    match &file.content {
        Content::Bytes(bytes) => Document::from_bytes(&file.path, bytes),
        Content::Disk(path) => match std::fs::read(path) {
            Ok(bytes) => Document::from_bytes(&file.path, &bytes),
            Err(e) => Err(InputError::Unreadable {
                path: file.path.clone(),
                reason: e.to_string(),
            }),
        },
    }
}

/// Lint `files` with `rules`.
pub fn lint(
    settings: &Settings,
    rules: &RuleSet,
    workspace: &Workspace,
    files: &[SourceFile],
    run: &RunFacts,
) -> Outcome {
    let loaded: Vec<Result<Document, InputError>> = files.par_iter().map(load).collect();
    let mut documents = Vec::with_capacity(loaded.len());
    let mut errors = Vec::new();
    for result in loaded {
        match result {
            Ok(doc) => documents.push(doc),
            Err(e) => errors.push(e),
        }
    }
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    let ctx = Context {
        settings,
        workspace,
        run,
        documents: &documents,
    };

    let per_document: Vec<(Vec<Finding>, usize)> = documents
        .par_iter()
        .map(|doc| {
            let mut found = Vec::new();
            for (rule, severity) in &rules.rules {
                let mut diagnostics = Vec::new();
                rule.check(doc, &ctx, &mut diagnostics);
                let name = rule.meta().name;
                found.extend(
                    diagnostics
                        .into_iter()
                        .map(|d| place(Some(doc), &doc.path, name, *severity, d)),
                );
            }
            suppress(doc, found)
        })
        .collect();

    let mut findings = Vec::new();
    let mut suppressed = 0;
    for (found, hidden) in per_document {
        findings.extend(found);
        suppressed += hidden;
    }

    let by_path: HashMap<&str, &Document> =
        documents.iter().map(|d| (d.path.as_str(), d)).collect();
    for (rule, severity) in &rules.rules {
        let mut out: Vec<PathDiagnostic> = Vec::new();
        rule.check_run(&ctx, &mut out);
        for pd in out {
            let doc = by_path.get(pd.path.as_str()).copied();
            findings.push(place(
                doc,
                &pd.path,
                rule.meta().name,
                *severity,
                pd.diagnostic,
            ));
        }
    }

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    errors.sort_by(|a, b| a.path().cmp(b.path()));
    Outcome {
        findings,
        errors,
        documents,
        suppressed,
    }
}

/// Turn a rule's diagnostic into a finding with line and column.
pub fn place(
    doc: Option<&Document>,
    path: &str,
    rule: &'static str,
    severity: Severity,
    d: Diagnostic,
) -> Finding {
    let (start, end) = match doc {
        Some(doc) => (doc.locate(d.range.start), doc.locate(d.range.end)),
        None => Default::default(),
    };
    let start = if start.line == 0 {
        crate::finding::Position { line: 1, column: 1 }
    } else {
        start
    };
    let end = if end.line == 0 { start } else { end };
    Finding {
        rule,
        severity,
        path: path.to_owned(),
        range: d.range,
        start,
        end,
        message: d.message,
        help: d.help,
        fix: d.fix,
    }
}

/// Drop the findings that the page suppresses; return the rest and how many were dropped.
fn suppress(doc: &Document, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
    let file_level = doc
        .frontmatter
        .as_ref()
        .map(|f| f.disabled_rules())
        .unwrap_or_default();
    if file_level.is_empty() && doc.suppressions.is_empty() {
        return (findings, 0);
    }
    let matches =
        |rules: &[String], rule: &str| rules.is_empty() || rules.iter().any(|r| r == rule);
    let before = findings.len();
    let kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            if matches(&file_level, f.rule) && !file_level.is_empty() {
                return false;
            }
            let mut disabled = false;
            for s in &doc.suppressions {
                match s.kind {
                    SuppressionKind::NextLine => {
                        let end_line = doc.locate(s.range.end).line;
                        if f.start.line == end_line + 1 && matches(&s.rules, f.rule) {
                            return false;
                        }
                    }
                    SuppressionKind::Disable
                        if s.range.start < f.range.start && matches(&s.rules, f.rule) =>
                    {
                        disabled = true;
                    }
                    SuppressionKind::Enable
                        if s.range.start < f.range.start && matches(&s.rules, f.rule) =>
                    {
                        disabled = false;
                    }
                    _ => {}
                }
            }
            !disabled
        })
        .collect();
    let hidden = before - kept.len();
    (kept, hidden)
}
