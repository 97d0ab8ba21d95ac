//! `--format concise`: one line per finding, `path:line:col: severity [rule]
//! message`, as compilers and ruff print them, so editors jump to the place
//! and `grep` finds it; then the summary line.

use super::{Report, ReportContext};
use std::io::{self, Write};

pub struct Concise {
    /// Leave out the summary line (`--quiet`).
    pub quiet: bool,
}

impl Report for Concise {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        for error in &ctx.outcome.errors {
            writeln!(out, "{}: error [unreadable] {error}", error.path())?;
        }
        for f in &ctx.outcome.findings {
            writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                f.path,
                f.start.line,
                f.start.column,
                f.severity,
                f.rule,
                one_line(&f.message)
            )?;
        }
        if !self.quiet {
            writeln!(out, "{}", super::human::summary(ctx))?;
        }
        Ok(())
    }
}

/// A message on one line: newlines become spaces.
pub fn one_line(message: &str) -> String {
    message.split(['\n', '\r']).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Position, Severity};
    use crate::lint::Outcome;

    #[test]
    fn one_line_per_finding() {
        let outcome = Outcome {
            findings: vec![Finding {
                rule: "typo",
                severity: Severity::Error,
                path: "content/a.md".into(),
                range: 0..3,
                start: Position { line: 3, column: 7 },
                end: Position {
                    line: 3,
                    column: 10,
                },
                message: "`teh` is a misspelling\nof `the`".into(),
                help: Some("replace with `the`".into()),
                fix: None,
            }],
            ..Outcome::default()
        };
        let ctx = ReportContext {
            outcome: &outcome,
            elapsed: std::time::Duration::ZERO,
            color: false,
            out_of_scope: 0,
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        Concise { quiet: true }
            .render(&ctx, &mut out)
            .expect("renders");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "content/a.md:3:7: error [typo] `teh` is a misspelling of `the`\n"
        );
    }
}
