//! `--format github`: GitHub Actions workflow commands, one per finding, so
//! that findings show as annotations on the pull request's files.
//!
//! The syntax is GitHub's "Workflow commands for GitHub Actions": `::error
//! file={name},line={line},endLine={endLine},col={col},endColumn={endColumn},title={title}::{message}`
//! (also `::warning` and `::notice`). Values are escaped as the runner's
//! `command.ts` does: in the message `%`, `\r`, `\n`; in properties also `:`
//! and `,`.

use super::{Report, ReportContext};
use crate::finding::Severity;
use std::io::{self, Write};

pub struct Github;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

impl Report for Github {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        for error in &ctx.outcome.errors {
            writeln!(
                out,
                "::error file={},title=hblint::{}",
                escape_property(error.path()),
                escape_data(&error.to_string())
            )?;
        }
        for f in &ctx.outcome.findings {
            let mut message = f.message.clone();
            if let Some(help) = &f.help {
                message.push('\n');
                message.push_str(help);
            }
            writeln!(
                out,
                "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                command(f.severity),
                escape_property(&f.path),
                f.start.line,
                f.end.line,
                f.start.column,
                f.end.column,
                escape_property(&format!("hblint ({})", f.rule)),
                escape_data(&message)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
