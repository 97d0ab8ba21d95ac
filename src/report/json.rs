//! `--format json`: one object, as the design's CLI contract fixes it.

use super::{Report, ReportContext};
use crate::finding::Severity;
use serde_json::{Value, json};
use std::io::{self, Write};

pub struct Json;

/// The JSON value of a run (also used by tests and other reports).
pub fn to_value(ctx: &ReportContext<'_>) -> Value {
    let outcome = ctx.outcome;
    let findings: Vec<Value> = outcome
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity.as_str(),
                "path": f.path,
                "line": f.start.line,
                "column": f.start.column,
                "end_line": f.end.line,
                "end_column": f.end.column,
                "message": f.message,
                "help": f.help,
                "fix": f.fix.as_ref().map(|x| json!({
                    "replacement": x.replacement,
                    "applicability": x.applicability,
                })),
            })
        })
        .collect();
    let file_errors: Vec<Value> = outcome
        .errors
        .iter()
        .map(|e| json!({"path": e.path(), "message": e.to_string()}))
        .collect();
    json!({
        "version": 1,
        "findings": findings,
        "file_errors": file_errors,
        "summary": {
            "files": outcome.files(),
            "errors": outcome.count(Severity::Error),
            "warnings": outcome.count(Severity::Warning),
            "infos": outcome.count(Severity::Info),
            "suppressed": outcome.suppressed,
            "out_of_scope": ctx.out_of_scope,
        }
    })
}

impl Report for Json {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &to_value(ctx))?;
        writeln!(out)
    }
}
