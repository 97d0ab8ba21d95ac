//! `role-table`: tables keyed by role must agree with the canonical role data.

use super::{Context, FixAvailability, Rule, RuleMeta, RunData};
use crate::document::Document;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::roles::table;

pub static META: RuleMeta = RuleMeta {
    name: "role-table",
    default_severity: Severity::Error,
    summary: "A table keyed by role disagrees with the canonical role data",
    fix: FixAvailability::Never,
    doc: r#"# role-table

## What it does
Checks every Markdown table whose rows are keyed by a role (the first cell is
an abbreviation such as `CSM`, a full name, or both as in
`Renewals Manager (RM)`) and whose header has columns that map to the
canonical role data (`Primary Focus`, `Typical Activities`,
`Engagement Model`, `Hands-on vs. Advisory`, `Abbreviation`, `Full Name`,
`Tier`, and their synonyms, matched ignoring case). Each such cell must
read as the canonical value. Markdown emphasis, links, smart quotes, the
kind of dash and whitespace do not count; words and case do.

It also reports, in a table whose key column is headed `Role`: a row whose
role does not exist, a role listed twice, and, when the table has every
canonical column, a canonical role that has no row. A row whose cells all
hold another role's data is reported once, on its key.

The data is `rules/roles.toml`, or the file named by `[roles] data` in
`.hblint.toml`.

## Why is this bad?
The Customer Success and Solutions Architects pages describe the same seven
roles in many places. A table that says the CSM is designated for Advanced
tier accounts sends customers and team members to the wrong person.

## Example
```markdown
| Role | Engagement Model |
|---|---|
| CSM | Designated owner for Advanced tier accounts |
```
Use instead:
```markdown
| Role | Engagement Model |
|---|---|
| CSM | Designated owner for Essentials tier accounts |
```

## How to fix
Write the canonical value the help shows. If the canonical data itself has
changed, update the roles overview page and run
`hblint roles extract PAGE -o rules/roles.toml --force` (or your
`[roles] data` file), then `hblint roles check PAGE`.
To silence one table: `<!-- hblint-disable-next-line role-table -->` above
the row, or `hblint: {disable: [role-table]}` in the page's frontmatter.
"#,
};

pub struct RoleTable {
    data: crate::rules::run_data::Roles,
}

impl RoleTable {
    pub fn build(data: &RunData) -> miette::Result<Box<dyn Rule>> {
        Ok(Box::new(RoleTable { data: data.roles() }))
    }
}

impl Rule for RoleTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (data, matcher) = &**self.data;
        for t in &doc.tables {
            let Some(rt) = table::classify(data, t, &doc.text) else {
                continue;
            };
            let locate = |offset: usize| doc.locate(offset).line;
            for issue in table::check(data, matcher, &rt, &doc.text, &locate) {
                let mut d = Diagnostic::new(issue.range, issue.message).with_help(issue.help);
                if let Some(r) = issue.replacement {
                    d = d.with_fix(r, Applicability::Unsafe);
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::check_text;

    #[test]
    fn reports_the_differing_cell_only() {
        let text = concat!(
            "| Role | Primary Focus | Engagement Model |\n|---|---|---|\n",
            "| **CSM** | Drive adoption, outcomes, and satisfaction; align, enable, and expand | Designated owner for Advanced tier accounts |\n",
            "| CSE | Technical product expertise at scale | Pooled / on-demand (Success On-Demand tier) |\n",
        );
        let found = check_text(&META, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "Designated owner for Advanced tier accounts");
        assert_eq!(
            found[0].1.as_deref(),
            Some("Designated owner for Essentials tier accounts")
        );
    }

    #[test]
    fn other_tables_are_left_alone() {
        let text = "| Role | Responsibilities |\n|---|---|\n| CSM | Anything |\n\n| Name | Focus |\n|---|---|\n| Jo | x |\n";
        assert!(check_text(&META, text).is_empty());
    }
}
