//! `uppercase-anchor`: a link fragment with capital letters.

use super::{Context, FixAvailability, Rule, RuleMeta};
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::links::fragment_range;

pub static META: RuleMeta = RuleMeta {
    name: "uppercase-anchor",
    default_severity: Severity::Warning,
    summary: "A link's #fragment has capital letters; heading ids are lowercase",
    fix: FixAvailability::Sometimes,
    doc: r#"# uppercase-anchor

## What it does
Finds internal links whose `#fragment` has capital letters where the target
anchor is lowercase (or cannot be seen). Generated heading ids are always
lowercase, and browsers match fragments case-sensitively. A fragment that
exactly matches a custom id with capitals (`{#MyId}`) is left alone.

## Why is this bad?
`#Paid-Time-Off` does not scroll to the heading whose id is
`paid-time-off`: the reader lands at the top of the page.

## Example
```markdown
[PTO](/handbook/people/leave/#Paid-Time-Off-PTO)
```
Use instead:
```markdown
[PTO](/handbook/people/leave/#paid-time-off-pto)
```

## How to fix
Run `hblint check --fix`: the fragment is lowercased when the target page has
that lowercase anchor. Turn the rule off with `uppercase-anchor = "off"` in
`[rules]`.
"#,
};

#[derive(Default)]
pub struct UppercaseAnchor;

impl Rule for UppercaseAnchor {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn resolves_links(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let with_fragment = crate::links::resolved_links(doc, ctx.workspace)
            .filter(|(link, _)| link.dest.contains('#'));
        for (link, res) in with_fragment {
            let Some(fragment) = res.link.fragment.as_deref() else {
                continue;
            };
            if !fragment.chars().any(|c| c.is_uppercase()) || fragment.starts_with(":~:") {
                continue;
            }
            let anchors = res.page().and_then(|p| ctx.workspace.anchors(p));
            let lower = fragment.to_lowercase();
            let applicability = match &anchors {
                Some(a) if a.contains(fragment) => continue,
                Some(a) if a.contains(&lower) => Applicability::Safe,
                // Not even a case-insensitive match: that is a broken anchor.
                Some(a) if a.complete && a.case_insensitive(fragment).is_none() => continue,
                _ => Applicability::Unsafe,
            };
            let range = fragment_range(&doc.text, link.range.clone());
            let written = doc.text.get(range.clone()).unwrap_or_default();
            if written.contains('%') || written.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    range,
                    format!("anchor `#{fragment}` has capital letters; heading ids are lowercase"),
                )
                .with_help(format!("use `#{}`", written.to_lowercase()))
                .with_fix(written.to_lowercase(), applicability),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::links::testing::{check, hugo_paths};

    #[test]
    fn capital_fragments_are_lowercased() {
        let text = "## Mixed {#MixedId}\n\n[a](/handbook/values/#Iteration) [b](#MixedId) \
                    [c](/handbook/values/#iteration) [d](/handbook/values/#Nothing-Here) \
                    [e](https://gitlab.com/x#Foo)\n";
        let found = check(
            "uppercase-anchor",
            "content/handbook/about/page.md",
            text,
            &hugo_paths(),
        );
        let got: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|(m, _, fix)| (m.as_str(), fix.as_deref()))
            .collect();
        assert_eq!(got, vec![("Iteration", Some("iteration"))]);
    }
}
