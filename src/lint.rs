//! The engine: documents in, findings out.
//!
//! ```text
//! inputs ──► documents (parsed once, in parallel) ──► rules ──► findings (placed, suppressed, sorted)
//! ```

use crate::config::Settings;
use crate::document::{Document, InputError};
use crate::finding::{Diagnostic, Finding, Severity};
use crate::inputs::{Content, SourceFile};
use crate::limits::{Limits, ReadError};
use crate::rules::{Context, PathDiagnostic, Rule, RuleName, RunData, RunFacts};
use crate::suppress;
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// The rules that will run, each with its effective severity, and the data
/// they share.
pub struct RuleSet {
    data: RunData,
    rules: Vec<(RuleName, Box<dyn Rule>, Severity)>,
}

impl RuleSet {
    /// Every rule that the settings and `--select` / `--ignore` leave on,
    /// built from the run's shared data.
    pub fn build(
        settings: &Settings,
        select: &[RuleName],
        ignore: &[RuleName],
    ) -> miette::Result<RuleSet> {
        let data = settings.run_data();
        let mut rules = Vec::new();
        for entry in &crate::rules::TABLE {
            let name = entry.name;
            if !select.is_empty() && !select.contains(&name) {
                continue;
            }
            if ignore.contains(&name) {
                continue;
            }
            let severity = match settings.severities.get(&name) {
                Some(Some(s)) => *s,
                Some(None) => continue,
                None => entry.meta.default_severity,
            };
            rules.push((name, (entry.build)(&data)?, severity));
        }
        Ok(RuleSet { data, rules })
    }

    pub fn is_enabled(&self, name: RuleName) -> bool {
        self.rules.iter().any(|(n, _, _)| *n == name)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.rules.iter().map(|(n, _, _)| n.as_str()).collect()
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

    /// Keep the findings `keep` accepts; return how many were dropped.
    pub fn retain_findings(&mut self, keep: impl FnMut(&Finding) -> bool) -> usize {
        let before = self.findings.len();
        self.findings.retain(keep);
        before - self.findings.len()
    }

    pub fn document(&self, path: &str) -> Option<&Document> {
        self.documents
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.documents[i])
    }
}

/// Read and parse one file, within `limits`: a file past the size limit is
/// not read at all, and a path inside `root` that a symbolic link leads out
/// of the root is not read.
pub fn load(file: &SourceFile, root: &Path, limits: &Limits) -> Result<Document, InputError> {
    match &file.content {
        Content::Bytes(bytes) => Document::from_bytes_within(&file.path, bytes, limits),
        Content::Disk(path) if leaves_root(root, path) => Err(InputError::Unreadable {
            path: file.path.clone(),
            reason: "a symbolic link leads outside the root".into(),
        }),
        Content::Disk(path) => match limits.read(path) {
            Ok(bytes) => Document::from_bytes_within(&file.path, &bytes, limits),
            Err(ReadError::Exceeded(exceeded)) => Err(InputError::Limit {
                path: file.path.clone(),
                line: 1,
                column: 1,
                exceeded,
            }),
            Err(ReadError::Io(e)) => Err(InputError::Unreadable {
                path: file.path.clone(),
                reason: e.to_string(),
            }),
        },
    }
}

/// Whether `path`, written inside `root`, really lies outside it (through a
/// symbolic link). A path that cannot be resolved is left to the read to report.
fn leaves_root(root: &Path, path: &Path) -> bool {
    let written = crate::inputs::normalize(&absolute(path));
    if !written.starts_with(crate::inputs::normalize(&absolute(root))) {
        return false;
    }
    match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(root), Ok(real)) => !real.starts_with(root),
        _ => false,
    }
}

fn absolute(path: &Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Lint `files` with `rules`.
pub fn lint(
    settings: &Settings,
    rules: &RuleSet,
    workspace: &Workspace,
    files: &[SourceFile],
    run: &RunFacts,
) -> Outcome {
    lint_with_progress(settings, rules, workspace, files, run, &|| {})
}

/// [`lint`], calling `tick` once per file linted (from any thread).
pub fn lint_with_progress(
    settings: &Settings,
    rules: &RuleSet,
    workspace: &Workspace,
    files: &[SourceFile],
    run: &RunFacts,
    tick: &(dyn Fn() + Sync),
) -> Outcome {
    let loaded: Vec<Result<Document, InputError>> = files
        .par_iter()
        .map(|f| {
            let r = load(f, &settings.root, &settings.limits);
            if r.is_err() {
                tick();
            }
            r
        })
        .collect();
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
        data: &rules.data,
        workspace,
        run,
        documents: &documents,
    };

    // Run-level findings first, by path, so that suppressions see them too.
    let by_path: HashMap<&str, &Document> =
        documents.iter().map(|d| (d.path.as_str(), d)).collect();
    let mut run_level: HashMap<String, Vec<Finding>> = HashMap::new();
    for (name, rule, severity) in &rules.rules {
        let mut out: Vec<PathDiagnostic> = Vec::new();
        rule.check_run(&ctx, &mut out);
        for pd in out {
            let doc = by_path.get(pd.path.as_str()).copied();
            let mut f = place(doc, &pd.path, name.as_str(), *severity, pd.diagnostic);
            if let (None, Some((start, end))) = (doc, pd.position) {
                f.start = start;
                f.end = end;
            }
            run_level.entry(pd.path).or_default().push(f);
        }
    }

    let enabled = rules.names();
    let run_rules = suppress::RunRules {
        enabled: &enabled,
        all: enabled.len() == RuleName::COUNT,
    };
    let severity_of = |name: RuleName| {
        rules
            .rules
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, s)| *s)
    };
    let unused_severity = severity_of(RuleName::UnusedSuppression);
    let invalid_severity = severity_of(RuleName::InvalidSuppression);
    let per_document: Vec<suppress::Suppressed> = documents
        .par_iter()
        .map(|doc| {
            let mut found = run_level.get(&doc.path).cloned().unwrap_or_default();
            for (name, rule, severity) in &rules.rules {
                let mut diagnostics = Vec::new();
                rule.check(doc, &ctx, &mut diagnostics);
                let name = name.as_str();
                found.extend(
                    diagnostics
                        .into_iter()
                        .map(|d| place(Some(doc), &doc.path, name, *severity, d)),
                );
            }
            let mut s =
                suppress::suppress(&doc.path, Some(doc), found, &settings.ignore, &run_rules);
            let invalid = std::mem::take(&mut s.invalid);
            if let Some(severity) = invalid_severity {
                // Not silenced by comments (they are what is wrong); the
                // config's `[[ignore]]` still applies, and counts as used.
                let name = RuleName::InvalidSuppression.as_str();
                for d in invalid {
                    match settings.ignore.ignoring(&doc.path, name) {
                        Some(table) => s.ignored_by.push((table, name)),
                        None => s.kept.push(place(Some(doc), &doc.path, name, severity, d)),
                    }
                }
            }
            if let Some(severity) = unused_severity {
                // The engine's own findings obey the page's and the config's
                // suppressions of `unused-suppression` too.
                let unused = std::mem::take(&mut s.unused)
                    .into_iter()
                    .map(|d| {
                        place(
                            Some(doc),
                            &doc.path,
                            RuleName::UnusedSuppression.as_str(),
                            severity,
                            d,
                        )
                    })
                    .collect();
                let again = suppress::suppress(
                    &doc.path,
                    Some(doc),
                    unused,
                    &settings.ignore,
                    &suppress::RunRules {
                        enabled: &[],
                        all: false,
                    },
                );
                s.kept.extend(again.kept);
                s.ignored_by.extend(again.ignored_by);
            }
            tick();
            s
        })
        .collect();

    let mut findings = Vec::new();
    let mut suppressed = 0;
    let mut ignored_by = std::collections::HashSet::new();
    for s in per_document {
        findings.extend(s.kept);
        suppressed += s.hidden;
        ignored_by.extend(s.ignored_by);
    }
    for (path, found) in run_level {
        if by_path.contains_key(path.as_str()) {
            continue;
        }
        let s = suppress::suppress(&path, None, found, &settings.ignore, &run_rules);
        findings.extend(s.kept);
        suppressed += s.hidden;
        ignored_by.extend(s.ignored_by);
    }
    if let Some(severity) = unused_severity
        && !settings.ignore.is_empty()
    {
        let linted: std::collections::HashSet<&str> = by_path.keys().copied().collect();
        for u in settings
            .ignore
            .unused(&ignored_by, &run_rules, workspace.pages(), &linted)
        {
            findings.push(Finding {
                rule: RuleName::UnusedSuppression.as_str(),
                severity,
                path: u.origin.path,
                range: 0..0,
                start: u.origin.start,
                end: u.origin.end,
                message: u.message,
                help: Some(u.help),
                fix: None,
            });
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
