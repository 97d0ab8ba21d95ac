//! `missing-label`: an MR that changes some pages must carry a label.

use super::{Context, PathDiagnostic, Rule, RuleMeta};
use crate::config::Settings;
use crate::finding::{Diagnostic, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

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
    fixable: false,
};

/// One requirement: changing any file matching `paths` needs `label`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Requirement {
    pub label: String,
    /// Words for the message ("Solutions Architects handbook pages").
    #[serde(default)]
    pub what: Option<String>,
    pub paths: Vec<String>,
}

/// `[labels]` in `.hblint.toml`: replaces the embedded `rules/labels.toml` when it lists requirements.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LabelsConfig {
    pub require: Vec<Requirement>,
}

const EMBEDDED: &str = include_str!("../../rules/labels.toml");

/// The embedded default requirements.
pub fn default_requirements() -> miette::Result<Vec<Requirement>> {
    let config: LabelsConfig = toml::from_str(EMBEDDED)
        .map_err(|e| miette::miette!("embedded rules/labels.toml: {}", e.message()))?;
    Ok(config.require)
}

#[derive(Default)]
pub struct MissingLabel {
    requirements: Vec<(Requirement, GlobSet)>,
}

impl MissingLabel {
    fn compile(requirements: Vec<Requirement>) -> miette::Result<Vec<(Requirement, GlobSet)>> {
        requirements
            .into_iter()
            .map(|r| {
                let mut b = GlobSetBuilder::new();
                for p in &r.paths {
                    let glob = Glob::new(p).map_err(|e| {
                        miette::miette!(
                            help =
                                "globs are relative to the root, such as `content/handbook/x/**`",
                            "invalid path glob `{p}` for label `{}`: {e}",
                            r.label
                        )
                    })?;
                    b.add(glob);
                }
                let set = b
                    .build()
                    .map_err(|e| miette::miette!("label `{}`: {e}", r.label))?;
                Ok((r, set))
            })
            .collect()
    }
}

impl Rule for MissingLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn prepare(&mut self, settings: &Settings) -> miette::Result<()> {
        let requirements = if settings.labels.require.is_empty() {
            default_requirements()?
        } else {
            settings.labels.require.clone()
        };
        self.requirements = MissingLabel::compile(requirements)?;
        Ok(())
    }

    fn check_run(&self, ctx: &Context<'_>, out: &mut Vec<PathDiagnostic>) {
        let Some(labels) = &ctx.run.labels else {
            return;
        };
        for (req, globs) in &self.requirements {
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
                .filter(|p| globs.is_match(p))
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
    use crate::workspace::Workspace;

    fn run(labels: Option<Vec<&str>>, changed: &[&str]) -> Vec<PathDiagnostic> {
        let settings = Settings::defaults(std::path::Path::new("/nonexistent"));
        let mut rule = MissingLabel::default();
        rule.prepare(&settings).expect("prepares");
        let workspace = Workspace::new(&settings);
        let facts = RunFacts {
            labels: labels.map(|l| l.into_iter().map(String::from).collect()),
            deleted: vec![],
            changed: changed.iter().map(|s| s.to_string()).collect(),
            ..RunFacts::default()
        };
        let ctx = Context {
            settings: &settings,
            workspace: &workspace,
            run: &facts,
            documents: &[],
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

    #[test]
    fn embedded_defaults_parse() {
        let reqs = default_requirements().expect("parses");
        assert_eq!(reqs[0].label, "SA-HANDBOOK");
        assert_eq!(reqs[0].paths.len(), 2);
    }
}
