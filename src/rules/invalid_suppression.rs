//! `invalid-suppression`: a suppression comment hblint cannot read, which
//! therefore suppresses nothing.
//!
//! The engine computes these findings while it applies suppressions (see
//! [`crate::suppress`]); the rule holds the name, severity and doc.

use super::{FixAvailability, Rule, RuleMeta};
use crate::finding::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "invalid-suppression",
    default_severity: Severity::Error,
    summary: "A suppression with an unknown directive or rule name: it suppresses nothing",
    fix: FixAvailability::Never,
    doc: r#"# invalid-suppression

## What it does
Reports, at its line, every suppression hblint cannot read:

- a comment whose directive is not one of `hblint-disable-next-line`,
  `hblint-disable` and `hblint-enable` (such as markdownlint's habit
  `<!-- hblint-disable-nextline typo -->`);
- a comment or a frontmatter `hblint: {disable: […]}` that names a rule hblint
  does not know (`tpyo`).

Such a suppression suppresses nothing at all: not even the rules it names
correctly. The help says what was probably meant.

## Why is this bad?
A misspelt directive used to be read as a wider one (`hblint-disable-nextline
typo` opened a `hblint-disable` region to the end of the page), and a misspelt
rule name silences nothing while looking as if it did. Either way the page
says one thing and the linter does another.

## Example
```markdown
<!-- hblint-disable-nextline tpyo -->
```
Use instead:
```markdown
<!-- hblint-disable-next-line typo -->
```

## How to fix
Correct the directive or the rule name (`hblint rules` lists the names). It
cannot be silenced by another comment; turn it off in `.hblint.toml` if you
must (`[rules] invalid-suppression = "off"`, or an `[[ignore]]` table).
"#,
};

/// Its findings come from the engine; it checks nothing itself.
#[derive(Default)]
pub struct InvalidSuppression;

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
