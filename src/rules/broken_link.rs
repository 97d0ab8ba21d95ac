//! `broken-link`: an internal link whose target page or file does not exist.

use super::{Context, FixAvailability, Rule, RuleMeta};
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::workspace::{Suggestion, Target};

pub static META: RuleMeta = RuleMeta {
    name: "broken-link",
    default_severity: Severity::Error,
    summary: "An internal link whose target page or file does not exist",
    fix: FixAvailability::Never,
    doc: r#"# broken-link

## What it does
Resolves every internal link of the page against the repository tree and
reports the ones that lead nowhere. Internal links are root-relative
(`/handbook/values/`), page-relative (`../x/`, `./x.md`, `../_index.md`),
full URLs on the handbook's own hosts (`https://handbook.gitlab.com/…`,
`https://about.gitlab.com/handbook/…`), images, reference-style definitions,
and `<a href>` / `<img src>` in raw HTML. A URL path is served by the
`[[links.mount]]` folders (Hugo: `x.md`, `x/_index.md`, `x/index.md`) and
the static folders; page `aliases:` and redirect files count as targets.

Other sites, `internal.gitlab.com` and prefixes listed in `[links] skip` are
not checked. A link that climbs out of the repository (`/../../etc/passwd`)
is always broken: hblint never reads outside the root.

## Why is this bad?
Pages move and get renamed; links to them rot silently, and readers land on
a 404 page.

## Example
```markdown
See [our values](/handbook/valeus/).
```
Use instead:
```markdown
See [our values](/handbook/values/).
```

## How to fix
The help names the closest existing page (a page with the same last segment
that moved, or the nearest path by edit distance). Point the link there, or
add the old URL to the moved page's `aliases:`.
To silence one place: `<!-- hblint-disable-next-line broken-link -->`.
"#,
};

#[derive(Default)]
pub struct BrokenLink;

impl Rule for BrokenLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn resolves_links(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (link, res) in crate::links::resolved_links(doc, ctx.workspace) {
            let range = link.range.clone();
            match res.target {
                Target::Escapes => out.push(
                    Diagnostic::new(
                        range,
                        format!("`{}` points outside the repository", link.dest),
                    )
                    .with_help("link to a page of the handbook"),
                ),
                Target::Unpublished(page) => out.push(
                    Diagnostic::new(
                        range,
                        format!(
                            "`{}` leads to `{page}`, which the site does not publish",
                            link.dest
                        ),
                    )
                    .with_help(
                        "the page has `draft: true` or `build: render: never`; link to a published page or publish it",
                    ),
                ),
                Target::Missing => {
                    let mut d = Diagnostic::new(
                        range,
                        format!(
                            "`{}` does not exist (no page or file at `{}`)",
                            link.dest, res.url
                        ),
                    );
                    match ctx.workspace.suggest(&res.url) {
                        Some(Suggestion::NotCommitted { path, missing_from }) => {
                            d = d.with_help(format!(
                                "`{path}` is in the work tree but not in {missing_from}"
                            ));
                        }
                        Some(Suggestion::Page(url)) => {
                            let written = doc.text.get(link.range.clone()) == Some(&link.dest);
                            d = d.with_help(format!("did you mean `{url}`?"));
                            if written {
                                d = d.with_fix(
                                    format!("{url}{}", res.link.suffix),
                                    Applicability::Unsafe,
                                );
                            }
                        }
                        None => {
                            d = d.with_help(
                                "no similar page exists; remove the link or point it at the page that replaced it",
                            )
                        }
                    }
                    out.push(d);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::links::testing::{check, hugo_paths};

    #[test]
    fn finds_missing_pages_and_suggests() {
        let text = "[a](/handbook/valeus/) [b](/handbook/values/) [c](../values/_index.md)\n\
                    [d](/handbook/old-home/leave/) [e](https://handbook.gitlab.com/handbook/nope/)\n";
        let found = check(
            "broken-link",
            "content/handbook/about/_index.md",
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
                ("/handbook/valeus/", Some("/handbook/values/")),
                ("/handbook/old-home/leave/", Some("/handbook/people/leave/")),
                ("https://handbook.gitlab.com/handbook/nope/", None),
            ]
        );
    }

    #[test]
    fn escapes_are_broken() {
        let text = "[x](/handbook/../../../../etc/passwd) [y](../../../../../etc/passwd)\n";
        let found = check(
            "broken-link",
            "content/handbook/about/_index.md",
            text,
            &hugo_paths(),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.iter().all(|(_, msg, _)| msg.contains("outside")),
            "{found:?}"
        );
    }
}
