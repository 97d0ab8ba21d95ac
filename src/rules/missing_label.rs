//! `missing-label`: an MR that changes some pages must carry a label.

use super::{Context, FixAvailability, PathDiagnostic, Rule, RuleMeta, RunData};
use crate::finding::{Diagnostic, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::sync::Arc;

pub static META: RuleMeta = RuleMeta {
    name: "missing-label",
    default_severity: Severity::Error,
    summary: "The merge request changes pages that require a label it does not have",
    doc: r#"# missing-label

## What it does
Checks that a merge request which changes pages under certain paths carries the
label those pages require. The default, from `rules/labels.toml`, requires
`SA-HANDBOOK` on every MR that changes Solutions Architects pages
(`content/handbook/solutions-architects/**`, and the older
`sites/handbook/source/handbook/customer-success/solutions-architects/**`).
It runs only when the MR's labels are known: in `hblint mr`, or with
`hblint check --labels A,B` (default: `$CI_MERGE_REQUEST_LABELS`).

## Why is this bad?
The Solutions Architects handbook asks contributors to add the label so the
team's reviewers see the change. Without it the MR is invisible to them.

## Example
An MR that edits `content/handbook/solutions-architects/_index.md` with the
labels `documentation` only.

## How to fix
Add the label in the MR's sidebar (Labels → `SA-HANDBOOK`) and re-run the
pipeline. Other requirements go in `.hblint.toml`:

```toml
[[labels.require]]
label = "SA-HANDBOOK"
what = "Solutions Architects pages"
paths = ["content/handbook/solutions-architects/**"]
```
"#,
    fix: FixAvailability::Never,
};

/// One requirement: changing any file matching the globs needs `label`.
#[derive(Debug, Clone)]
pub struct LabelRequirement {
    pub label: String,
    /// Words for the message ("Solutions Architects handbook pages").
    pub what: Option<String>,
    pub globs: GlobSet,
}

impl LabelRequirement {
    /// Compile a requirement's path globs; the error says which glob is wrong.
    pub fn new(label: &str, what: Option<&str>, paths: &[String]) -> Result<Self, String> {
        let mut b = GlobSetBuilder::new();
        for p in paths {
            let glob = Glob::new(p)
                .map_err(|e| format!("invalid path glob `{p}` for label `{label}`: {e}"))?;
            b.add(glob);
        }
        let globs = b.build().map_err(|e| format!("label `{label}`: {e}"))?;
        Ok(LabelRequirement {
            label: label.to_owned(),
            what: what.map(str::to_owned),
            globs,
        })
    }
}

/// The embedded default requirements (`[labels]` in TOML).
pub const EMBEDDED: &str = include_str!("../../rules/labels.toml");

pub struct MissingLabel {
    requirements: Arc<[LabelRequirement]>,
}

impl MissingLabel {
    pub fn build(data: &RunData) -> miette::Result<Box<dyn Rule>> {
        Ok(Box::new(MissingLabel {
            requirements: data.labels(),
        }))
    }
}

impl Rule for MissingLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_run(&self, ctx: &Context<'_>, out: &mut Vec<PathDiagnostic>) {
        let Some(labels) = &ctx.run.labels else {
            return;
        };
        for req in self.requirements.iter() {
            if labels
                .iter()
                .any(|l| l.trim().eq_ignore_ascii_case(req.label.trim()))
            {
                continue;
            }
            let mut triggering: Vec<&str> = ctx
                .run
                .changed
                .iter()
                .map(String::as_str)
                .filter(|p| req.globs.is_match(p))
                .collect();
            triggering.sort_unstable();
            triggering.dedup();
            let Some(first) = triggering.first() else {
                continue;
            };
            let what = req.what.as_deref().unwrap_or("pages");
            let shown: Vec<String> = triggering
                .iter()
                .take(3)
                .map(|p| format!("`{p}`"))
                .collect();
            let more = if triggering.len() > 3 {
                format!(" and {} more", triggering.len() - 3)
            } else {
                String::new()
            };
            let message = format!(
                "this merge request changes {what} ({}{more}) but lacks the `{}` label",
                shown.join(", "),
                req.label
            );
            let help = format!(
                "add the `{}` label in the merge request's sidebar (Labels → Edit), then re-run the pipeline",
                req.label
            );
            out.push(PathDiagnostic::new(
                *first,
                Diagnostic::new(0..0, message).with_help(help),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RunFacts;

    fn run(labels: Option<Vec<&str>>, changed: &[&str]) -> Vec<PathDiagnostic> {
        let settings = crate::config::Settings::defaults(std::path::Path::new("/nonexistent"));
        let data = settings.run_data();
        let rule = MissingLabel::build(&data).expect("builds");
        let workspace = settings.workspace();
        let facts = RunFacts {
            labels: labels.map(|l| l.into_iter().map(String::from).collect()),
            deleted: vec![],
            changed: changed.iter().map(|s| s.to_string()).collect(),
            ..RunFacts::default()
        };
        let ctx = Context {
            data: &data,
            workspace: &workspace,
            run: &facts,
            linted: &[],
        };
        let mut out = Vec::new();
        rule.check_run(&ctx, &mut out);
        out
    }

    #[test]
    fn sa_pages_without_the_label_are_reported_once() {
        let out = run(
            Some(vec!["documentation"]),
            &[
                "content/handbook/solutions-architects/_index.md",
                "content/handbook/solutions-architects/career.md",
                "content/handbook/other.md",
            ],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].path,
            "content/handbook/solutions-architects/_index.md"
        );
        assert!(out[0].diagnostic.message.contains("SA-HANDBOOK"));
        assert!(out[0].diagnostic.message.contains("career.md"));
    }

    #[test]
    fn the_label_or_unknown_labels_or_other_pages_mean_silence() {
        let sa =
            ["sites/handbook/source/handbook/customer-success/solutions-architects/index.html.md"];
        assert_eq!(run(Some(vec!["documentation"]), &sa).len(), 1);
        assert!(run(Some(vec!["sa-handbook"]), &sa).is_empty());
        assert!(run(None, &sa).is_empty());
        assert!(run(Some(vec![]), &["content/handbook/marketing/_index.md"]).is_empty());
    }
}
