//! `hblint check`: lint files on disk and report.

use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE, find_root};
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::config::Settings;
use crate::finding::Severity;
use crate::lint::{self, Outcome, RuleSet};
use crate::report::{Report, ReportContext};
use crate::rules::RunFacts;
use crate::workspace::Workspace;
use std::io::{IsTerminal, Write};
use std::time::Instant;

pub fn run(args: &CheckArgs) -> miette::Result<u8> {
    let started = Instant::now();
    let root = find_root(
        args.common.root.as_deref(),
        args.paths.first().map(|p| p.as_path()),
    )?;
    let settings = Settings::load(&root, args.common.config.as_deref())
        .map_err(|e| miette::Report::new(*e))?;
    let rules = RuleSet::build(&settings, &args.common.select, &args.common.ignore)?;
    let paths = if args.paths.is_empty() {
        crate::inputs::default_paths(&settings)
    } else {
        args.paths.clone()
    };
    let files = crate::inputs::collect(&settings, &paths).map_err(|e| miette::miette!("{e}"))?;
    let workspace = Workspace::new(&settings);
    let run = RunFacts::default();
    let outcome = lint::lint(&settings, &rules, &workspace, &files, &run);
    write_report(args, &outcome, started)?;
    Ok(exit_code(&outcome))
}

/// 2 if a file could not be linted, else 1 if any error-severity finding, else 0.
pub fn exit_code(outcome: &Outcome) -> u8 {
    if !outcome.errors.is_empty() {
        EXIT_TROUBLE
    } else if outcome
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Whether the human report gets colour: `--color`, `NO_COLOR`, a terminal.
pub fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn write_report(args: &CheckArgs, outcome: &Outcome, started: Instant) -> miette::Result<()> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let ctx = ReportContext {
        outcome,
        elapsed: started.elapsed(),
        color: use_color(args.common.color, to_terminal),
        out_of_scope: 0,
    };
    let report: Box<dyn Report> = match args.format {
        Format::Human => Box::new(crate::report::human::Human),
        Format::Json => Box::new(crate::report::json::Json),
    };
    let mut buffer = Vec::new();
    report
        .render(&ctx, &mut buffer)
        .map_err(|e| miette::miette!("cannot render the report: {e}"))?;
    match &args.output {
        Some(path) => std::fs::write(path, &buffer)
            .map_err(|e| miette::miette!("cannot write the report to {}: {e}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`hblint check | head`) is not an error.
            match stdout.write_all(&buffer).and_then(|()| stdout.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(miette::miette!("cannot write the report: {e}")),
            }
        }
    }
}
