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
    let root = if args.staged && args.common.root.is_none() {
        let cwd = std::env::current_dir()
            .map_err(|e| miette::miette!("cannot read the current directory: {e}"))?;
        crate::git::toplevel(&cwd).map_err(|e| {
            miette::miette!(
                help = "--staged reads the git index: run it inside a git repository",
                "{e}"
            )
        })?
    } else {
        find_root(
            args.common.root.as_deref(),
            args.paths.first().map(|p| p.as_path()),
        )?
    };
    let settings = Settings::load(&root, args.common.config.as_deref())
        .map_err(|e| miette::Report::new(*e))?;
    if !args.inbound.is_empty() {
        let workspace = settings.workspace();
        return inbound(args, &settings, &workspace, RunFacts::default(), started);
    }
    let rules = RuleSet::build(&settings, &args.common.select, &args.common.ignore)?;
    let files = if args.staged {
        crate::git::staged_files(&settings.files, &args.paths)
            .map_err(|e| miette::miette!("{e}"))?
    } else {
        let paths = if args.paths.is_empty() {
            crate::inputs::default_paths(&settings.files)
        } else {
            args.paths.clone()
        };
        crate::inputs::collect(&settings.files, &paths)?
    };
    let mut workspace = settings.workspace();
    workspace.cache = lint::open_cache(&settings, args.cache_dir.as_deref(), args.no_cache);
    let run = RunFacts {
        labels: labels_for_check(args.labels.as_deref(), |k| std::env::var(k).ok()),
        changed: files.iter().map(|f| f.path.clone()).collect(),
        ..RunFacts::default()
    };
    let lint_files = |files: &[crate::inputs::SourceFile]| {
        let progress = progress_bar(args, files.len());
        let tick = || progress.inc(1);
        let outcome = lint::lint_with_progress(&settings, &rules, &workspace, files, &run, &tick);
        progress.finish_and_clear();
        outcome
    };
    let mut outcome = lint_files(&files);
    if args.diff {
        return print_diff(args, &outcome);
    }
    if args.fix {
        let changed = apply_fixes(args, &settings, &files, &outcome)?;
        if changed {
            // Lint again what is now on disk (or in the index), so that the
            // report shows what is left, at its current place.
            let files = if args.staged {
                crate::git::staged_files(&settings.files, &args.paths)
                    .map_err(|e| miette::miette!("{e}"))?
            } else {
                files
            };
            outcome = lint_files(&files);
        }
    }
    write_report(args, &outcome, started)?;
    Ok(exit_code(&outcome))
}

/// `--labels`, else `$CI_MERGE_REQUEST_LABELS` (comma-separated), else unknown.
pub fn labels_for_check(
    flag: Option<&[String]>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<Vec<String>> {
    let clean = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    };
    match flag {
        Some(labels) => Some(clean(labels.to_vec())),
        None => {
            env("CI_MERGE_REQUEST_LABELS").map(|v| clean(v.split(',').map(String::from).collect()))
        }
    }
}

/// A progress bar on standard error for long runs, drawn only on a terminal
/// and never in CI or with `--quiet`.
fn progress_bar(args: &CheckArgs, files: usize) -> indicatif::ProgressBar {
    const LONG_RUN: usize = 200;
    let show = !args.quiet
        && files >= LONG_RUN
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none();
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(files as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} linting {pos}/{len} pages {wide_bar} {percent}%",
    ) {
        bar.set_style(style);
    }
    bar
}

/// `--diff`: print the patch the safe fixes would make; exit 1 when it is not empty.
fn print_diff(args: &CheckArgs, outcome: &Outcome) -> miette::Result<u8> {
    let plans = crate::fix::plan(&outcome.documents_with_fixes(), &outcome.findings);
    let patch = crate::fix::unified_diff(&plans);
    match &args.output {
        Some(path) => std::fs::write(path, &patch)
            .map_err(|e| miette::miette!("cannot write the patch to {}: {e}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(patch.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(miette::miette!("cannot write the patch: {e}")),
            }
        }
    }
    if !args.quiet {
        let fixes: usize = plans.iter().map(|p| p.edits.len()).sum();
        if plans.is_empty() {
            eprintln!("No safe fix to apply");
        } else {
            eprintln!(
                "`--fix` would fix {} in {}",
                crate::report::plural(fixes, "finding"),
                crate::report::plural(plans.len(), "file")
            );
        }
    }
    if !outcome.errors.is_empty() {
        Ok(EXIT_TROUBLE)
    } else if plans.is_empty() {
        Ok(EXIT_CLEAN)
    } else {
        Ok(EXIT_FINDINGS)
    }
}

/// `--fix`: write the safe fixes; report each to standard error. With
/// `--staged`, a file is fixed only when its working-tree content is the
/// staged content, and is then staged again, so that the fix is committed and
/// no unstaged work is ever overwritten or staged by surprise.
fn apply_fixes(
    args: &CheckArgs,
    settings: &Settings,
    files: &[crate::inputs::SourceFile],
    outcome: &Outcome,
) -> miette::Result<bool> {
    let plans = crate::fix::plan(&outcome.documents_with_fixes(), &outcome.findings);
    let mut restage = Vec::new();
    let (mut fixes, mut fixed_files) = (0, 0);
    for plan in &plans {
        let Some(file) = files.iter().find(|f| f.path == plan.path) else {
            continue;
        };
        let disk = match &file.content {
            crate::inputs::Content::Disk(p) => p.clone(),
            crate::inputs::Content::Bytes(staged) => {
                let p = settings.root.join(&plan.path);
                if std::fs::read(&p).ok().as_deref() != Some(staged.as_slice()) {
                    eprintln!(
                        "{}: not fixed: the working tree differs from the index; stage or stash \
                         the unstaged changes, then run `hblint check --staged --fix` again",
                        plan.path
                    );
                    continue;
                }
                restage.push(plan.path.clone());
                p
            }
        };
        crate::fix::write_atomically(&disk, &plan.new_bytes)
            .map_err(|e| miette::miette!("{}: cannot write the fixes: {e}", plan.path))?;
        fixes += plan.edits.len();
        fixed_files += 1;
        if !args.quiet {
            for e in &plan.edits {
                eprintln!(
                    "fixed {}:{}: {} `{}` -> `{}`",
                    plan.path, e.line, e.rule, e.original, e.replacement
                );
            }
        }
    }
    if !restage.is_empty() {
        crate::git::add(&settings.root, &restage)?;
    }
    if !args.quiet && fixed_files > 0 {
        eprintln!(
            "Fixed {} in {}",
            crate::report::plural(fixes, "finding"),
            crate::report::plural(fixed_files, "file")
        );
    }
    Ok(fixed_files > 0)
}

/// `--inbound PAGE`: lint only the pages that may link to PAGE, for links to it.
fn inbound(
    args: &CheckArgs,
    settings: &Settings,
    workspace: &Workspace,
    mut run: RunFacts,
    started: Instant,
) -> miette::Result<u8> {
    for page in &args.inbound {
        let rel = crate::workspace::inside_root(&settings.root, page).ok_or_else(|| {
            miette::miette!(
                help = "give the page's path inside the repository, such as content/handbook/x.md",
                "--inbound {}: not inside the root {}",
                page.display(),
                settings.root.display()
            )
        })?;
        run.deleted.push(rel);
    }
    let select = if args.common.select.is_empty() {
        vec![crate::rules::RuleName::LinkToDeletedPage]
    } else {
        args.common.select.clone()
    };
    let rules = RuleSet::build(settings, &select, &args.common.ignore)?;
    let files: Vec<crate::inputs::SourceFile> = workspace
        .inbound_candidates(&run.deleted)
        .into_iter()
        .map(|path| crate::inputs::SourceFile {
            content: crate::inputs::Content::Disk(settings.root.join(&path)),
            path,
        })
        .collect();
    let outcome = lint::lint(settings, &rules, workspace, &files, &run);
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
        Format::Human if args.quiet => Box::new(crate::report::human::HumanQuiet),
        Format::Human => Box::new(crate::report::human::Human),
        Format::Json => Box::new(crate::report::json::Json),
        Format::Codequality => Box::new(crate::report::codequality::CodeQuality),
        Format::Junit => Box::new(crate::report::junit::Junit),
        Format::Note => Box::new(crate::report::note::Note::default()),
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
