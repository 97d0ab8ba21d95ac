//! `unused-suppression`: a suppression that suppresses nothing; an
//! `[[ignore]]` table that ignores nothing.
//!
//! The engine computes these findings (it alone sees what each suppression
//! hid, see [`crate::suppress`]); the rule holds the name, severity and doc.

use super::{FixAvailability, Rule, RuleMeta};
use crate::finding::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    default_severity: Severity::Warning,
    summary: "A suppression comment or frontmatter entry that suppresses nothing",
    fix: FixAvailability::Never,
    doc: r#"# unused-suppression

## What it does
Reports every suppression that hid no finding in the run:

- `<!-- hblint-disable-next-line RULE -->` with no `RULE` finding on the next line;
- `<!-- hblint-disable RULE -->` with no `RULE` finding before the matching
  `<!-- hblint-enable RULE -->` (or the end of the page);
- `hblint: {disable: [RULE]}` in the frontmatter with no `RULE` finding on the page;
- an `[[ignore]]` table of `.hblint.toml` whose `paths` match no page of the
  tree, or that hid no finding of one of its `rules` (of any rule, for a
  table without `rules`). The finding sits on the table in `.hblint.toml`.
  A table is judged only in a run that linted every page it matches: a
  pre-commit run of three pages cannot tell whether it is still needed.

A suppression of a rule that did not run (turned off in `.hblint.toml`, or
left out by `--select` / `--ignore`) is not judged. A suppression hblint cannot
read (an unknown directive or rule name) is `invalid-suppression`'s.

## Why is this bad?
Suppressions outlive the problem they silenced: the typo gets fixed, the
comment stays, and later hides a real finding on that line.

## Example
```markdown
<!-- hblint-disable-next-line typo -->
This line has no typo any more.
```
Use instead:
```markdown
This line has no typo any more.
```

## How to fix
Remove the comment or the table, or the rule's name from it. To keep a
suppression on purpose, turn this rule off for the
page (`hblint: {disable: [unused-suppression]}`) or in `.hblint.toml`.
"#,
};

/// Its findings come from the engine; it checks nothing itself.
#[derive(Default)]
pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
