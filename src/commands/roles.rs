//! `hblint roles show|extract|check`: the canonical role data.

use super::{EXIT_CLEAN, EXIT_FINDINGS, find_root};
use crate::cli::{RolesCommand, RolesDataArgs, RolesFormat};
use crate::config::Settings;
use crate::document::Document;
use crate::roles::{RolesData, compare, extract, write};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(command: &RolesCommand) -> miette::Result<ExitCode> {
    match command {
        RolesCommand::Show(args) => {
            let (data, name) = load(args, None)?;
            let mut out = std::io::stdout().lock();
            show(&data, &name, &mut out).map_err(|e| miette::miette!("cannot write: {e}"))?;
            Ok(EXIT_CLEAN)
        }
        RolesCommand::Extract {
            page,
            output,
            force,
            data,
        } => extract_page(page, output.as_deref(), *force, data),
        RolesCommand::Check { page, format, data } => check_page(page, data, *format),
    }
}

/// The role data: `--data`, else `[roles] data` of the configuration, else embedded.
fn load(args: &RolesDataArgs, page: Option<&Path>) -> miette::Result<(RolesData, String)> {
    if let Some(path) = &args.data {
        let data = RolesData::read(path).map_err(|e| miette::Report::new(*e))?;
        return Ok((data, path.display().to_string()));
    }
    let root = find_root(args.root.as_deref(), page)?;
    let settings =
        Settings::load(&root, args.config.as_deref()).map_err(|e| miette::Report::new(*e))?;
    Ok((RolesData::clone(&settings.roles), settings.roles_name))
}

fn read_document(page: &Path) -> miette::Result<Document> {
    let bytes =
        std::fs::read(page).map_err(|e| miette::miette!("cannot read {}: {e}", page.display()))?;
    Document::from_bytes(&page.display().to_string(), &bytes).map_err(|e| miette::miette!("{e}"))
}

fn extract_page(
    page: &Path,
    output: Option<&Path>,
    force: bool,
    args: &RolesDataArgs,
) -> miette::Result<ExitCode> {
    if let Some(out) = output
        && out.exists()
        && !force
    {
        return Err(miette::miette!(
            help = "pass --force to overwrite it, or choose another file with -o",
            "{} already exists",
            out.display()
        ));
    }
    let (base, _) = load(args, Some(page))?;
    let doc = read_document(page)?;
    let facts = extract::read_page(&doc, &base).map_err(|e| miette::miette!("{e}"))?;
    let (data, warnings) = facts.to_data(&base);
    let text = write::to_toml(&data);
    // What is written must load again: a page can name what the data cannot hold.
    RolesData::parse(&page.display().to_string(), &text).map_err(|e| {
        miette::miette!(
            help = "correct the page, then extract again",
            "the role data extracted from {} is not valid: {}",
            page.display(),
            e.message
        )
    })?;
    let mut err = std::io::stderr().lock();
    for w in &warnings {
        let _ = writeln!(err, "warning: {}: {w}", page.display());
    }
    match output {
        Some(out) => {
            std::fs::write(out, &text)
                .map_err(|e| miette::miette!("cannot write {}: {e}", out.display()))?;
            let _ = writeln!(
                err,
                "wrote {} ({} roles) from {}",
                out.display(),
                data.roles.len(),
                page.display()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .map_err(|e| miette::miette!("cannot write: {e}"))?;
        }
    }
    Ok(EXIT_CLEAN)
}

fn check_page(page: &Path, args: &RolesDataArgs, format: RolesFormat) -> miette::Result<ExitCode> {
    let (data, name) = load(args, Some(page))?;
    let doc = read_document(page)?;
    let facts = extract::read_page(&doc, &data).map_err(|e| miette::miette!("{e}"))?;
    let differences = compare::compare(&facts, &data, &data);
    let mut out = std::io::stdout().lock();
    let shown = page.display().to_string();
    let written = write_differences(&doc, &differences, &shown, &name, format, &mut out);
    written.map_err(|e| miette::miette!("cannot write: {e}"))?;
    Ok(if differences.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// The differences as `format` writes them, each located once.
///
/// Human: one `PAGE:LINE:COLUMN: message` line and a `help:` line per
/// difference, then a count. JSON: `{"version": 1, "page", "data",
/// "differences": [{line, column, end_line, end_column, message, help}],
/// "count"}`: positions 1-based, columns in characters.
fn write_differences(
    doc: &Document,
    differences: &[compare::Difference],
    page: &str,
    name: &str,
    format: RolesFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let located = differences
        .iter()
        .map(|d| (doc.locate(d.range.start), doc.locate(d.range.end), d));
    match format {
        RolesFormat::Human => {
            for (p, _, d) in located {
                writeln!(out, "{page}:{}:{}: {}", p.line, p.column, d.message)?;
                writeln!(out, "  help: {}", d.help)?;
            }
            match differences.len() {
                0 => writeln!(out, "no difference between {page} and {name}"),
                1 => writeln!(out, "1 difference between {page} and {name}"),
                n => writeln!(out, "{n} differences between {page} and {name}"),
            }
        }
        RolesFormat::Json => {
            let items: Vec<serde_json::Value> = located
                .map(|(start, end, d)| {
                    serde_json::json!({
                        "line": start.line,
                        "column": start.column,
                        "end_line": end.line,
                        "end_column": end.column,
                        "message": d.message,
                        "help": d.help,
                    })
                })
                .collect();
            let value = serde_json::json!({
                "version": 1,
                "page": page,
                "data": name,
                "differences": items,
                "count": differences.len(),
            });
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        }
    }
}

/// Print the data: a summary table, the comparison table, the spectrum and the handoff.
pub fn show(data: &RolesData, name: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{} ({name})\n", data.title)?;
    let rows: Vec<[String; 5]> = data
        .roles
        .iter()
        .map(|r| {
            let after: Vec<String> = data
                .handoff
                .post_sales
                .iter()
                .filter(|p| p.role == r.abbreviation)
                .map(|p| p.tiers.join(", "))
                .collect();
            let after = if data.handoff.pre_sales == r.abbreviation {
                "pre-sales".to_owned()
            } else if after.is_empty() {
                "-".to_owned()
            } else {
                after.join(", ")
            };
            [
                r.abbreviation.clone(),
                r.name.clone(),
                if r.tiers.is_empty() {
                    "-".to_owned()
                } else {
                    r.tiers.join(", ")
                },
                data.engagement(&r.abbreviation).unwrap_or("-").to_owned(),
                after,
            ]
        })
        .collect();
    let header = [
        "ROLE",
        "NAME",
        "TIERS",
        "ENGAGEMENT",
        "TAKES OVER AFTER THE SALE",
    ];
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(header[i].len()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    writeln!(out, "{}", line(&header.map(str::to_owned)))?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    writeln!(out)?;
    let headers: Vec<&str> = data.columns.iter().map(|c| c.header.as_str()).collect();
    writeln!(out, "| {} |", headers.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(headers.len()))?;
    for r in &data.roles {
        let cells: Vec<String> = data
            .columns
            .iter()
            .map(|c| r.cell(&c.id).unwrap_or("").replace('|', "\\|"))
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out)?;
    let spectrum: Vec<String> = data
        .spectrum
        .iter()
        .map(|s| format!("{} ({})", s.model, s.roles.join(", ")))
        .collect();
    writeln!(out, "Engagement-model spectrum: {}", spectrum.join(" → "))?;
    let post: Vec<String> = data
        .handoff
        .post_sales
        .iter()
        .map(|p| format!("{} for {}", p.role, p.tiers.join(" and ")))
        .collect();
    writeln!(
        out,
        "Handoff: {} (pre-sales) → {}",
        data.handoff.pre_sales,
        post.join("; ")
    )?;
    Ok(())
}
