//! `hblint rules` and `hblint explain RULE`.

use super::{EXIT_CLEAN, EXIT_TROUBLE};
use std::io::Write;

pub fn list(out: &mut dyn Write) -> std::io::Result<u8> {
    let rules = &crate::rules::TABLE;
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

pub fn explain(name: &str, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
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
                "error: unknown rule `{name}`\n  help: known rules: {}",
                crate::rules::names().join(", ")
            )?;
            Ok(EXIT_TROUBLE)
        }
    }
}
