//! `--statistics`: how many findings each rule reported, and how many of them
//! `--fix` would fix, most frequent first.

use super::{ReportContext, plural};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// `fixable`: per rule, the findings `--fix` would fix (the caller plans the fixes).
pub fn render(
    ctx: &ReportContext<'_>,
    fixable: &BTreeMap<&str, usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut rows: BTreeMap<&str, (usize, crate::finding::Severity)> = BTreeMap::new();
    for f in &ctx.outcome.findings {
        let row = rows.entry(f.rule).or_insert((0, f.severity));
        row.0 += 1;
        row.1 = row.1.max(f.severity);
    }
    let mut rows: Vec<(&str, usize, crate::finding::Severity)> =
        rows.into_iter().map(|(r, (n, s))| (r, n, s)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (rule, n, severity) in &rows {
        let fix = match fixable.get(rule).copied().unwrap_or(0) {
            0 => String::new(),
            k => format!("  [*] {k} fixable"),
        };
        let line = format!("{n:>6}  {rule:width$}  {:7}{fix}", severity.as_str());
        writeln!(out, "{}", line.trim_end())?;
    }
    let total_fixable: usize = fixable.values().sum();
    if rows.is_empty() {
        writeln!(out, "{}", super::human::summary(ctx))?;
    } else {
        writeln!(
            out,
            "Found {} in {}; {} fixable with `hblint check --fix`",
            plural(ctx.outcome.findings.len(), "finding"),
            plural(ctx.outcome.files(), "file"),
            total_fixable
        )?;
    }
    Ok(())
}
