//! `broken-anchor`: a `#fragment` that matches no anchor of the target page.

use super::{Context, FixAvailability, PathDiagnostic, Rule, RuleMeta};
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::links::fragment_range;
use std::collections::{BTreeMap, HashMap};

pub static META: RuleMeta = RuleMeta {
    name: "broken-anchor",
    default_severity: Severity::Error,
    summary: "A link's #fragment matches no heading or anchor of the target page",
    fix: FixAvailability::Never,
    doc: r#"# broken-anchor

## What it does
For every internal link with a `#fragment` (same-page `#x`, `/handbook/a/#x`,
`./x.md#y`, full handbook URLs), checks that the target page has that anchor:
a heading id as the site generator makes it (Hugo: GitHub-style, lowercase,
punctuation dropped, spaces to `-`, repeated headings `-1`, `-2`; Middleman:
kramdown, with `[links] anchor-style = "kramdown"`), a custom id
(`## Title {#id}`, `{: #id}`), or an `id=` / `<a name=…>` in raw HTML.

A target page is parsed only when one of its anchors must be checked, once
per run, and its anchors are kept in the cache. A run without a cache
(`--no-cache`) parses it only as far as the headings the links ask for,
when that start of the page shows them all (at most 16 of them at once).
Pages that pull in content hblint cannot see (Hugo `include`
shortcodes, ERB partials) are not judged. A fragment that matches an anchor
but for its case is left to `uppercase-anchor`.

## Why is this bad?
When a heading is renamed, links to it still open the page but land at the
top, and the reader cannot find the section they were sent to.

## Example
```markdown
See [PTO](/handbook/people/leave/#paid-time-of).
```
Use instead:
```markdown
See [PTO](/handbook/people/leave/#paid-time-off-pto).
```

## How to fix
The help names the closest anchor of the target page. Point the link there,
or give the renamed heading its old id: `## New title {#old-id}`.
To silence one place: `<!-- hblint-disable-next-line broken-anchor -->`.
"#,
};

#[derive(Default)]
pub struct BrokenAnchor;

impl Rule for BrokenAnchor {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn resolves_links(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        findings(doc, ctx, None, out);
    }

    /// Pages the run does not lint that link to an anchor the change takes
    /// away (a renamed heading): only those links are judged.
    fn check_run(&self, ctx: &Context<'_>, out: &mut Vec<PathDiagnostic>) {
        if ctx.run.lost_anchors.is_empty() {
            return;
        }
        let targets: Vec<String> = ctx
            .run
            .lost_anchors
            .iter()
            .map(|(p, _)| p.clone())
            .collect();
        let found = super::in_inbound_pages(ctx, &targets, |doc| {
            let mut diagnostics = Vec::new();
            findings(doc, ctx, Some(&ctx.run.lost_anchors), &mut diagnostics);
            diagnostics
        });
        out.extend(found);
    }
}

/// The broken fragments of `doc`'s links; with `only`, just those naming an
/// anchor that the change took away from its page.
fn findings(
    doc: &Document,
    ctx: &Context<'_>,
    only: Option<&[(String, Vec<String>)]>,
    out: &mut Vec<Diagnostic>,
) {
    {
        let with_fragment: Vec<_> = crate::links::resolved_links(doc, ctx.workspace)
            .filter(|(link, _)| link.dest.contains('#'))
            .collect();
        // The links whose fragment is judged, with their page and fragment.
        let judged: Vec<_> = with_fragment
            .iter()
            .filter_map(|(link, res)| {
                let (page, fragment) = (res.page()?, res.link.fragment.as_deref()?);
                let skipped =
                    fragment.is_empty() || fragment.starts_with(":~:") || fragment.starts_with('/');
                let in_scope = only.is_none_or(|lost| {
                    lost.iter()
                        .any(|(p, ids)| p == page && ids.iter().any(|id| id == fragment))
                });
                (!skipped && in_scope).then_some((link, page, fragment))
            })
            .collect();
        // Each page is asked about all of its fragments at once, so that one
        // start of it can show them all.
        let mut by_page: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (_, page, fragment) in &judged {
            by_page.entry(page).or_default().push(fragment);
        }
        let mut found: HashMap<(&str, &str), Option<bool>> = HashMap::new();
        for (page, mut fragments) in by_page {
            fragments.sort_unstable();
            fragments.dedup();
            let answers = ctx.workspace.has_anchors(page, &fragments);
            found.extend(fragments.into_iter().map(|f| (page, f)).zip(answers));
        }
        for (link, page, fragment) in judged {
            // Mostly found in the start of the page: its full set of
            // anchors is needed only for a fragment it lacks.
            if found.get(&(page, fragment)).copied().flatten() != Some(false) {
                continue;
            }
            let Some(anchors) = ctx.workspace.anchors(page) else {
                continue;
            };
            if !anchors.complete {
                continue;
            }
            let range = fragment_range(&doc.text, link.range.clone());
            let shown = if page == doc.path {
                "this page".to_owned()
            } else {
                format!("`{page}`")
            };
            let mut d =
                Diagnostic::new(range.clone(), format!("no anchor `#{fragment}` on {shown}"));
            match anchors.closest(fragment) {
                Some(best) => {
                    d = d.with_help(format!("did you mean `#{best}`?"));
                    if doc.text.get(range).is_some_and(|s| !s.contains('%')) {
                        d = d.with_fix(best.to_owned(), Applicability::Unsafe);
                    }
                }
                None if anchors.list.is_empty() => {
                    d = d.with_help("the target page has no headings or anchors; link to the page");
                }
                None => {
                    let some: Vec<String> = anchors
                        .list
                        .iter()
                        .take(5)
                        .map(|a| format!("`#{a}`"))
                        .collect();
                    d = d.with_help(format!("its anchors include {}", some.join(", ")));
                }
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::links::testing::{check, hugo_paths};

    #[test]
    fn finds_missing_anchors_with_suggestions() {
        let text = "# Page\n\n## Local Part\n\n[a](#local-part) [b](#local-prat) \
                    [c](/handbook/values/#iteration-1) [d](/handbook/values/#iteratoin)\n\
                    [e](../values/_index.md#results-first) [f](/handbook/our-values/#old-anchor)\n\
                    [g](/handbook/people/leave/#paid-time-off-pto) [h](/handbook/people/leave/#pto)\n\
                    [i](/handbook/with-include/#anything) [j](/handbook/values/#say-why-not-just-what)\n\
                    [k](/handbook/values/#top) [l](/handbook/values/#Iteration)\n";
        let found = check(
            "broken-anchor",
            "content/handbook/about/page.md",
            text,
            &hugo_paths(),
        );
        let got: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|(m, _, fix)| (m.as_str(), fix.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("local-prat", Some("local-part")),
                ("iteratoin", Some("iteration")),
                ("pto", None),
            ],
            "{found:?}"
        );
    }
}
