//! `invalid-frontmatter`: YAML frontmatter that does not parse.

use super::{Context, FixAvailability, Rule, RuleMeta};
use crate::document::Document;
use crate::finding::{Diagnostic, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "invalid-frontmatter",
    default_severity: Severity::Error,
    summary: "The page's YAML frontmatter does not parse",
    fix: FixAvailability::Never,
    doc: r#"# invalid-frontmatter

## What it does
Parses the YAML frontmatter between the `---` lines at the top of a page and
reports the first syntax error, at its line.

## Why is this bad?
The site generator stops on a page whose frontmatter does not parse (or
silently drops its title, aliases and settings), and hblint cannot read the
page's aliases or its own `hblint:` settings.

## Example
```markdown
---
title: [Unclosed
---
```
Use instead:
```markdown
---
title: "[Unclosed"
---
```

## How to fix
Correct the YAML at the reported line; quote values that start with `[`,
`{`, `*`, `&` or contain `: `.
"#,
};

#[derive(Default)]
pub struct InvalidFrontmatter;

impl Rule for InvalidFrontmatter {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if let Some((range, message)) = doc.frontmatter.as_ref().and_then(|f| f.error.as_ref()) {
            out.push(
                Diagnostic::new(
                    range.clone(),
                    format!("the YAML frontmatter does not parse: {message}"),
                )
                .with_help("correct the YAML; quote values that contain `: ` or start with `[`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::check_text;

    #[test]
    fn reports_bad_yaml_only() {
        assert_eq!(check_text(&META, "---\ntitle: [x\n---\n\nBody\n").len(), 1);
        assert!(check_text(&META, "---\ntitle: ok\n---\n\nBody\n").is_empty());
        assert!(check_text(&META, "No frontmatter\n").is_empty());
    }
}
