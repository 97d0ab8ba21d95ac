//! `full-url-link`: a full URL to a handbook page where a root-relative link belongs.

use super::{Context, FixAvailability, Rule, RuleMeta};
use crate::document::{Document, LinkKind};
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::workspace::Target;

pub static META: RuleMeta = RuleMeta {
    name: "full-url-link",
    default_severity: Severity::Warning,
    summary: "A full handbook URL where a root-relative link belongs",
    fix: FixAvailability::Sometimes,
    doc: r#"# full-url-link

## What it does
Finds links written as full URLs on the handbook's own hosts
(`https://handbook.gitlab.com/handbook/values/`,
`https://about.gitlab.com/handbook/values/`; see `[links] hosts`) that lead
to a page or file of this repository.

## Why is this bad?
Full URLs break in review apps and local previews, bypass the site's own
link checks, and keep pointing at an old host after the handbook moves
(`about.gitlab.com/handbook` became `handbook.gitlab.com`).

## Example
```markdown
See [our values](https://handbook.gitlab.com/handbook/values/#iteration).
```
Use instead:
```markdown
See [our values](/handbook/values/#iteration).
```

## How to fix
Run `hblint check --fix`: the URL becomes its root-relative path, keeping the
query and the fragment. Bare URLs (autolinks) are reported without a fix,
since their text is the URL. Turn the rule off with `full-url-link = "off"`.
"#,
};

#[derive(Default)]
pub struct FullUrlLink;

impl Rule for FullUrlLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (link, res) in crate::links::resolved_links(doc, ctx.workspace) {
            if !res.link.full_url {
                continue;
            }
            if matches!(
                res.target,
                Target::Missing | Target::Escapes | Target::Unpublished(_)
            ) {
                continue;
            }
            let path = match link.dest.find("://") {
                Some(i) => {
                    let after = &link.dest[i + 3..];
                    after.find(['/', '?', '#']).map_or("/", |j| &after[j..])
                }
                None => continue,
            };
            let path = if path.starts_with('/') {
                path.to_owned()
            } else {
                format!("/{path}")
            };
            let mut d = Diagnostic::new(
                link.range.clone(),
                format!("full URL to a handbook page; use the root-relative link `{path}`"),
            )
            .with_help(format!("replace with `{path}`"));
            let written = doc.text.get(link.range.clone()) == Some(link.dest.as_str());
            if written && link.kind != LinkKind::Autolink {
                d = d.with_fix(path, Applicability::Safe);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::links::testing::{check, hugo_paths};

    #[test]
    fn full_urls_become_root_relative() {
        let text = "[a](https://handbook.gitlab.com/handbook/values/#iteration) \
                    [b](https://about.gitlab.com/handbook/about/?x=1) \
                    [c](https://about.gitlab.com/company/) [d](https://handbook.gitlab.com/handbook/nope/) \
                    [e](/handbook/values/) https://handbook.gitlab.com/handbook/values/\n";
        let found = check(
            "full-url-link",
            "content/handbook/x.md",
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
                (
                    "https://handbook.gitlab.com/handbook/values/#iteration",
                    Some("/handbook/values/#iteration")
                ),
                (
                    "https://about.gitlab.com/handbook/about/?x=1",
                    Some("/handbook/about/?x=1")
                ),
                ("https://handbook.gitlab.com/handbook/values/", None),
            ]
        );
    }
}
