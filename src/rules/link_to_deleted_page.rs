//! `link-to-deleted-page`: pages that still link to a page the change deletes or renames.

use super::{Context, FixAvailability, PathDiagnostic, Rule, RuleMeta};
use crate::document::Document;
use crate::finding::{Diagnostic, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "link-to-deleted-page",
    default_severity: Severity::Error,
    summary: "A page still links to a page that the change deletes or renames",
    fix: FixAvailability::Never,
    doc: r#"# link-to-deleted-page

## What it does
When the change deletes or renames a page (the MR job passes its deletions),
or when run as `hblint check --inbound PAGE`, finds every page of the tree
that still links to it: by URL, by file path, or by a relative path.

The scan stays fast on the whole handbook: the raw bytes of every page are
searched (in parallel) for the page's last URL segment or file name first;
only the pages that mention it are parsed.

## Why is this bad?
Moving a page breaks every link to it in pages the change does not touch, so
nobody reviewing the change sees them.

## Example
The change deletes `content/handbook/old-page.md`, and
`content/handbook/other.md` keeps:
```markdown
See [the old page](/handbook/old-page/).
```

## How to fix
Point those links at the page's new place, or keep the old URL working by
adding it to the new page's `aliases:`.
To silence one place: `<!-- hblint-disable-next-line link-to-deleted-page -->`.
"#,
};

#[derive(Default)]
pub struct LinkToDeletedPage;

fn findings(doc: &Document, ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for link in &doc.links {
        for deleted in &ctx.run.deleted {
            if deleted != &doc.path && ctx.workspace.names_page(&doc.path, &link.dest, deleted) {
                out.push(
                    Diagnostic::new(
                        link.range.clone(),
                        format!(
                            "`{}` links to `{deleted}`, a page being deleted or renamed",
                            link.dest
                        ),
                    )
                    .with_help(
                        "point the link at the page's new place, or add the old URL to its `aliases:`",
                    ),
                );
                break;
            }
        }
    }
    out
}

impl Rule for LinkToDeletedPage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn resolves_links(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !ctx.run.deleted.is_empty() {
            out.extend(findings(doc, ctx));
        }
    }

    /// The pages of the tree that this run does not lint.
    fn check_run(&self, ctx: &Context<'_>, out: &mut Vec<PathDiagnostic>) {
        if ctx.run.deleted.is_empty() {
            return;
        }
        let found = super::in_inbound_pages(ctx, &ctx.run.deleted, |doc| findings(doc, ctx));
        out.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use crate::links::testing::{check_with, hugo_paths};
    use crate::rules::RunFacts;

    #[test]
    fn links_to_the_deleted_page_by_any_shape() {
        let run = RunFacts {
            deleted: vec!["content/handbook/people/leave.md".into()],
            ..RunFacts::default()
        };
        let text = "[a](/handbook/people/leave/#pto) [b](../people/leave.md) \
                    [c](https://handbook.gitlab.com/handbook/people/leave) [d](/handbook/people/) \
                    [e](/handbook/people/leave-policy/)\n";
        let found = check_with(
            "link-to-deleted-page",
            "content/handbook/about/x.md",
            text,
            &hugo_paths(),
            "",
            &run,
        );
        let got: Vec<&str> = found.iter().map(|(m, _, _)| m.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "/handbook/people/leave/#pto",
                "../people/leave.md",
                "https://handbook.gitlab.com/handbook/people/leave"
            ]
        );
    }

    #[test]
    fn check_run_scans_the_pages_not_linted() {
        use crate::config::Settings;
        use crate::rules::{Context, Rule};
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |p: &str, t: &str| {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, t).expect("write");
        };
        write(
            "content/handbook/a.md",
            "# A\n\nSee [gone](/handbook/gone/).\n",
        );
        write("content/handbook/b.md", "# B\n\nNothing here.\n");
        write("content/handbook/sub/c.md", "# C\n\n[up](../gone.md)\n");
        let settings = Settings::defaults(dir.path());
        let workspace = settings.workspace();
        let data = settings.run_data();
        let run = RunFacts {
            deleted: vec!["content/handbook/gone.md".into()],
            ..RunFacts::default()
        };
        let ctx = Context {
            data: &data,
            workspace: &workspace,
            run: &run,
            linted: &[],
        };
        let mut out = Vec::new();
        super::LinkToDeletedPage.check_run(&ctx, &mut out);
        let got: Vec<(String, String)> = out
            .into_iter()
            .map(|p| {
                let line = p.position.map_or(0, |(start, _)| start.line);
                (p.path, format!("line {line}: {}", p.diagnostic.message))
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "content/handbook/a.md".to_owned(),
                    "line 3: `/handbook/gone/` links to `content/handbook/gone.md`, a page being deleted or renamed".to_owned()
                ),
                (
                    "content/handbook/sub/c.md".to_owned(),
                    "line 3: `../gone.md` links to `content/handbook/gone.md`, a page being deleted or renamed".to_owned()
                ),
            ]
        );
    }
}
