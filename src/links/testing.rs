//! Helpers for the link rules' unit tests: a small tree on disk, one page linted.

use crate::config::Settings;
use crate::document::Document;
use crate::rules::{Context, RunFacts};

/// A small Hugo tree: `(path, content)`.
pub fn hugo_paths() -> Vec<(&'static str, &'static str)> {
    vec![
        ("content/_index.md", "# Home\n"),
        (
            "content/handbook/_index.md",
            "---\ntitle: Handbook\n---\n## Contents\n",
        ),
        (
            "content/handbook/values/_index.md",
            "---\ntitle: Values\naliases:\n- /handbook/our-values/\n---\n## Iteration\n\n## Iteration\n\n### Results {#results-first}\n\n<a name=\"old-anchor\"></a>\n\n## Say \"why\", not just \"what\"\n",
        ),
        ("content/handbook/about/_index.md", "# About\n\n## Intro\n"),
        (
            "content/handbook/about/history.md",
            "# History\n\n## 2014: Start\n",
        ),
        (
            "content/handbook/people/leave.md",
            "# Leave\n\n## Paid Time Off (PTO)\n",
        ),
        ("content/handbook/people/bundle/index.md", "# Bundle\n"),
        ("content/handbook/people/bundle/chart.png", ""),
        (
            "content/handbook/with-include.md",
            "# X\n\n{{% include \"includes/a.md\" %}}\n",
        ),
        ("static/images/logo.png", ""),
    ]
}

/// Run one rule on `text` as the page `path` of a tree holding `files`.
/// Returns `(text at the finding's range, message, fix)`.
pub fn check(
    rule: &str,
    path: &str,
    text: &str,
    files: &[(&str, &str)],
) -> Vec<(String, String, Option<String>)> {
    check_with(rule, path, text, files, "", &RunFacts::default())
}

pub fn check_with(
    rule: &str,
    path: &str,
    text: &str,
    files: &[(&str, &str)],
    config: &str,
    run: &RunFacts,
) -> Vec<(String, String, Option<String>)> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (p, content) in files.iter().chain(std::iter::once(&(path, text))) {
        let full = dir.path().join(p);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, content).expect("write");
    }
    let settings = if config.is_empty() {
        Settings::defaults(dir.path())
    } else {
        Settings::from_toml(dir.path(), std::path::Path::new(".hblint.toml"), config)
            .expect("valid config")
    };
    let name: crate::rules::RuleName = rule.parse().expect("registered rule");
    let data = settings.run_data();
    let r = (crate::rules::entry(name).build)(&data).expect("rule builds");
    let doc = Document::parse(path, text.to_owned(), false).expect("parses");
    let workspace = settings.workspace();
    let linted = crate::rules::testing::prepare(&data, &workspace, &doc);
    let ctx = Context {
        data: &data,
        workspace: &workspace,
        run,
        linted: &linted,
    };
    let mut out = Vec::new();
    r.check(&doc, &ctx, &mut out);
    out.into_iter()
        .map(|d| {
            (
                text.get(d.range.clone()).unwrap_or_default().to_owned(),
                d.message,
                d.fix.map(|f| f.replacement),
            )
        })
        .collect()
}
