//! `hblint rules` and `hblint explain RULE`.

use super::{EXIT_CLEAN, EXIT_TROUBLE, written};
use std::io::Write;
use std::process::ExitCode;

/// `hblint rules`: every rule with its severity and fix availability.
pub fn list(format: crate::cli::RulesFormat, out: &mut dyn Write) -> miette::Result<ExitCode> {
    written(write_list(format, out))
}

fn write_list(format: crate::cli::RulesFormat, out: &mut dyn Write) -> std::io::Result<ExitCode> {
    let rules = &crate::rules::TABLE;
    if format == crate::cli::RulesFormat::Json {
        let list: Vec<serde_json::Value> = rules
            .iter()
            .map(|e| {
                let m = e.meta;
                serde_json::json!({
                    "name": m.name,
                    "default_severity": m.default_severity.as_str(),
                    "fixable": m.fixable(),
                    "summary": m.summary,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(EXIT_CLEAN);
    }
    let width = rules.iter().map(|e| e.meta.name.len()).max().unwrap_or(0);
    for entry in rules {
        let m = entry.meta;
        let fix = if m.fixable() { " (fixable)" } else { "" };
        writeln!(
            out,
            "{:width$}  {:7}  {}{fix}",
            m.name,
            m.default_severity.as_str(),
            m.summary
        )?;
    }
    Ok(EXIT_CLEAN)
}

/// `hblint explain RULE`: the rule's documentation.
pub fn explain(name: &str, out: &mut dyn Write, err: &mut dyn Write) -> miette::Result<ExitCode> {
    written(write_explanation(name, out, err))
}

fn write_explanation(
    name: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    match crate::rules::meta(name) {
        Some(m) => {
            writeln!(out, "{}", m.doc.trim_end())?;
            writeln!(
                out,
                "\nDefault severity: {}. Fixable: {}.",
                m.default_severity,
                if m.fixable() { "yes" } else { "no" }
            )?;
            Ok(EXIT_CLEAN)
        }
        None => {
            writeln!(
                err,
                "error: unknown rule `{name}`\n  help: {}",
                crate::rules::unknown_rule_help(name)
            )?;
            Ok(EXIT_TROUBLE())
        }
    }
}
