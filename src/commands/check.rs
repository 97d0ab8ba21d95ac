//! `hblint check`: lint files on disk, or the pages a git change touches
//! (`--staged`, `--changed-since`) keeping the findings the change is
//! responsible for; fix, and report.

use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE, locate_root};
use crate::cli::{CheckArgs, ColorChoice, Format, Scope};
use crate::config::Settings;
use crate::finding::Severity;
use crate::fix::Settled;
use crate::gitlab::diff::FileChange;
use crate::lint::{self, Outcome, RuleSet};
use crate::report::{Report, ReportContext};
use crate::rules::RunFacts;
use crate::workspace::Workspace;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

/// A run that would judge nothing: exit 2 with a one-line reason, or with
/// `--exit-zero` the reason on standard error and exit 0.
/// A thread the run waits for when it ends, however it ends.
struct JoinOnDrop(Option<std::thread::JoinHandle<()>>);

impl Drop for JoinOnDrop {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            let _ = thread.join();
        }
    }
}

fn nothing_to_judge(args: &CheckArgs, reason: String, help: &str) -> miette::Result<ExitCode> {
    if args.exit_zero {
        eprintln!("hblint: {reason}");
        return Ok(EXIT_CLEAN);
    }
    Err(miette::miette!(help = help.to_owned(), "{reason}"))
}

/// The change a `--staged` or `--changed-since` run judges.
fn change_of(args: &CheckArgs) -> Option<crate::git::Change> {
    if args.staged {
        Some(crate::git::Change::Staged)
    } else {
        args.changed_since.clone().map(crate::git::Change::Since)
    }
}

pub fn run(args: &CheckArgs) -> miette::Result<ExitCode> {
    let started = Instant::now();
    let change = change_of(args);
    if args.scope.is_some() && change.is_none() {
        return Err(miette::miette!(
            help = "a plain `hblint check` reports every finding of the pages it lints",
            "--scope needs --staged or --changed-since: it picks findings by the lines a change touches"
        ));
    }
    // The folder git is asked from: the root given, else the current folder.
    let git_dir = match (&change, &args.common.root) {
        (None, _) => None,
        (Some(_), Some(root)) => Some(root.clone()),
        (Some(_), None) => Some(
            std::env::current_dir()
                .map_err(|e| miette::miette!("cannot read the current directory: {e}"))?,
        ),
    };
    // git reads the change while the run finds its top level, loads the
    // settings and builds the rules.
    let reading_change = change.clone().zip(git_dir.clone()).map(|(change, dir)| {
        let paths = args.paths.clone();
        std::thread::spawn(move || crate::git::changed_files(&dir, &change, &paths))
    });
    // And how the work tree differs from the tree the change commits.
    let reading_drift = change.clone().zip(git_dir.clone()).map(|(change, dir)| {
        std::thread::spawn(move || {
            let top = crate::git::toplevel(&dir)?;
            Ok::<_, crate::git::GitError>((crate::git::judged_files(&top, &change)?, top))
        })
    });
    let (root, found) = if let (Some(cwd), None) = (&git_dir, &args.common.root) {
        let top = crate::git::toplevel(cwd).map_err(|e| {
            miette::miette!(
                help = "--staged and --changed-since read git: run them inside a git repository",
                "{e}"
            )
        })?;
        (top, "the git top level of the current directory".to_owned())
    } else {
        locate_root(
            args.common.root.as_deref(),
            args.paths.first().map(|p| p.as_path()),
        )?
    };
    let settings = Settings::load(&root, args.common.config.as_deref())
        .map_err(|e| miette::Report::new(*e))?;
    let (select, ignore) = (&args.common.select, &args.common.ignore);
    if args.show_settings {
        let rules = RuleSet::build(&settings, select, ignore)?;
        let text = crate::config::describe(&settings, &found, &rules.names(), select, ignore);
        print!("{text}");
        return Ok(EXIT_CLEAN);
    }
    if !args.inbound.is_empty() {
        let workspace = settings.workspace();
        return inbound(args, &settings, &workspace, RunFacts::default(), started);
    }
    let rules = RuleSet::build(&settings, select, ignore)?;
    if rules.names().is_empty() {
        return nothing_to_judge(
            args,
            "no rule left to run: --select, --ignore and [rules] turn every rule off".into(),
            "`hblint rules` lists the rules; `hblint check --show-settings` shows which are on",
        );
    }
    let mut workspace = settings.workspace();
    workspace.cache = lint::open_cache(&settings, args.cache_dir.as_deref(), args.no_cache);
    // Links are judged against the tree the change commits (the index, or
    // `HEAD`), which git finds while the work tree is walked.
    if let (Some(change), Some(reading)) = (&change, reading_drift)
        && rules.resolves_links()
    {
        let (change, root) = (change.clone(), settings.root.clone());
        workspace.judge_committed_tree(move || {
            let (files, top) = reading
                .join()
                .map_err(|_| "git: the thread reading the work tree failed".to_owned())?
                .map_err(|e| e.to_string())?;
            Ok(crate::workspace::CommittedTree::new(
                &top, &root, &change, files,
            ))
        });
    }
    let workspace = std::sync::Arc::new(workspace);
    // What the links need of the tree is read while git answers; every way
    // out of the run waits for it, so that no list is left half written in
    // the cache.
    let _reading = JoinOnDrop((change.is_some() && rules.resolves_links()).then(|| {
        let tree = workspace.clone();
        std::thread::spawn(move || tree.prepare_for_change())
    }));
    let mut facts = RunFacts {
        labels: labels_for_check(args.labels.as_deref(), |k| std::env::var(k).ok()),
        ..RunFacts::default()
    };
    let (files, changes) = match (&change, reading_change) {
        (Some(change), Some(reading)) => {
            let set = reading
                .join()
                .map_err(|_| miette::miette!("git: the thread reading the change failed"))?
                .map_err(|e| miette::miette!("{e}"))?
                .pages(&settings.files);
            if !set.unmerged.is_empty() && !args.quiet {
                eprintln!("{}", unmerged_note(&set.unmerged));
            }
            if set.pages.is_empty() && set.deleted.is_empty() {
                // Nothing of the handbook changed: the commit or push is not ours to judge.
                if !args.quiet && set.unmerged.is_empty() {
                    eprintln!("hblint: no Markdown page {}", change.describe());
                }
                return Ok(EXIT_CLEAN);
            }
            if let Some(reason) = workspace.committed_tree_error() {
                return Err(miette::miette!(
                    help = "hblint judges links against the tree the change commits, which git could not read",
                    "{reason}"
                ));
            }
            facts.deleted = set.deleted.clone();
            facts.lost_anchors = lost_anchors(&set, settings.links.anchor_style, &workspace.cache);
            (set.files(), Some(set))
        }
        _ => {
            let paths = if args.paths.is_empty() {
                match crate::inputs::default_paths(&settings.files) {
                    Some(paths) => paths,
                    None => {
                        return nothing_to_judge(
                            args,
                            format!(
                                "nothing to lint: {} has no content/ or sites/handbook/source folder \
                                 and [files] include is not set",
                                settings.root.display()
                            ),
                            "pass the files or folders to lint, run inside the handbook repository, \
                             or set [files] include in .hblint.toml",
                        );
                    }
                }
            } else {
                args.paths.clone()
            };
            let explicit = !args.paths.is_empty();
            let listing = workspace.cache.listing_file("listing-files");
            let files =
                match crate::inputs::collect_kept(&settings.files, &paths, explicit, listing) {
                    Ok(files) => files,
                    // With --exit-zero, an excluded or non-Markdown path is said
                    // and skipped, like an empty run.
                    Err(e) if args.exit_zero && e.is_nothing_to_lint() => {
                        eprintln!("hblint: {e}");
                        crate::inputs::collect(&settings.files, &paths, false)
                            .map_err(|e| miette::miette!(help = e.help(), "{e}"))?
                            .into_iter()
                            .filter(|f| crate::inputs::is_markdown(&f.path))
                            .collect()
                    }
                    Err(e) => return Err(miette::miette!(help = e.help(), "{e}")),
                };
            if files.is_empty() {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                return nothing_to_judge(
                    args,
                    format!("nothing to lint: no Markdown page in {}", shown.join(", ")),
                    "hblint lints .md, .md.erb and .markdown files not matched by [files] exclude",
                );
            }
            (files, None)
        }
    };
    crate::config::refuse_nested(&settings, files.iter().map(|f| f.path.as_str()))
        .map_err(|e| miette::Report::new(*e))?;
    facts.changed = files.iter().map(|f| f.path.clone()).collect();
    facts.changed.extend(facts.deleted.iter().cloned());
    let scope = args.scope.unwrap_or(Scope::Added);
    let lint_files = |files: &[crate::inputs::SourceFile]| {
        let progress = progress_bar(args, files.len());
        let tick = || progress.inc(1);
        let outcome = lint::lint_with_progress(&settings, &rules, &workspace, files, &facts, &tick);
        progress.finish_and_clear();
        match &changes {
            Some(set) => in_scope(outcome, set, scope),
            None => (outcome, 0),
        }
    };
    let (mut outcome, mut out_of_scope) = lint_files(&files);
    if args.diff {
        let settled = settle_fixes(&files, (outcome, out_of_scope), &lint_files);
        return print_diff(args, &settled);
    }
    if args.fix {
        let settled = settle_fixes(&files, (outcome, out_of_scope), &lint_files);
        let written = apply_fixes(args, &settings, &files, &settled)?;
        let all_written = written == settled.pages.len();
        (outcome, out_of_scope) = settled.outcome;
        // The last round's lint is of the texts now on disk, unless a page
        // was not written or the run judges a change (whose lines and index
        // are read again): then lint again what is now on disk (or in the
        // index), so that the report shows what is left, at its current place.
        if written > 0 && (!all_written || change.is_some()) {
            let files = match &change {
                Some(crate::git::Change::Staged) => crate::git::changed_pages(
                    &settings.files,
                    &crate::git::Change::Staged,
                    &args.paths,
                )
                .map_err(|e| miette::miette!("{e}"))?
                .files(),
                // The fixes went to the working tree, not to HEAD: read them there.
                Some(crate::git::Change::Since(_)) => files
                    .into_iter()
                    .map(|f| crate::inputs::SourceFile {
                        content: crate::inputs::Content::Disk(settings.root.join(&f.path)),
                        path: f.path,
                    })
                    .collect(),
                None => files,
            };
            (outcome, out_of_scope) = lint_files(&files);
        } else if !all_written {
            // Nothing was written: what is on disk is what was linted first.
            (outcome, out_of_scope) = lint_files(&files);
        }
    }
    write_report(
        args,
        settings_notes(&settings),
        &outcome,
        out_of_scope,
        started,
    )?;
    let code = if args.exit_zero && outcome.errors.is_empty() {
        EXIT_CLEAN
    } else {
        exit_code(&outcome)
    };
    // The process ends with this command: the tree's index, the word
    // tables and the findings go back to the system at once, not piece by
    // piece (a tenth of a warm run was spent freeing them).
    std::mem::forget((workspace, rules, outcome));
    Ok(code)
}

/// What a `--staged` run says of the pages in a merge conflict: the index
/// holds no one version of them, so they are not judged (git refuses to
/// commit them until they are resolved).
fn unmerged_note(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut list = paths
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        list.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    let them = if paths.len() == 1 { "it" } else { "them" };
    format!(
        "hblint: not checked, in a merge conflict: {list}; resolve {them} and `git add` {them}, then check again"
    )
}

/// Keep the findings `scope` reports for a change; count the others.
fn in_scope(mut outcome: Outcome, set: &crate::git::ChangeSet, scope: Scope) -> (Outcome, usize) {
    let changes: Vec<FileChange> = set
        .pages
        .iter()
        .map(|p| FileChange {
            old_path: p.path.clone(),
            new_path: p.path.clone(),
            new_file: p.old_text.is_empty(),
            renamed: false,
            deleted: false,
            added: p.added.clone(),
            whole_file: false,
        })
        .collect();
    let by_path: HashMap<&str, &FileChange> =
        changes.iter().map(|c| (c.new_path.as_str(), c)).collect();
    let dropped = outcome.retain_findings(|f| super::mr::job::in_scope(f, &by_path, scope));
    (outcome, dropped)
}

/// The heading anchors each modified page had before the change and has no
/// more: links to them from other pages break. A side whose bytes the cache
/// has seen is not parsed; one parsed here is kept in the cache.
fn lost_anchors(
    set: &crate::git::ChangeSet,
    style: crate::links::slug::SlugStyle,
    cache: &crate::cache::Cache,
) -> Vec<(String, Vec<String>)> {
    // Each side as a page of its own, within the default limits.
    let limits = crate::limits::Limits::default();
    let anchors = |path: &str, bytes: &[u8]| {
        crate::workspace::anchors_of_bytes(cache, path, bytes, None, &limits, style).map(|a| a.list)
    };
    let mut lost = Vec::new();
    for page in &set.pages {
        if page.old_text.is_empty() {
            continue;
        }
        let (Some(old), Some(new)) = (
            anchors(&page.path, page.old_text.as_bytes()),
            anchors(&page.path, &page.bytes),
        ) else {
            continue;
        };
        // `#top` always leads somewhere (see `AnchorSet::contains`).
        let gone: Vec<String> = old
            .into_iter()
            .filter(|a| a != "top" && !new.contains(a))
            .collect();
        if !gone.is_empty() {
            lost.push((page.path.clone(), gone));
        }
    }
    lost
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
fn print_diff(args: &CheckArgs, settled: &Settled<(Outcome, usize)>) -> miette::Result<ExitCode> {
    let (outcome, _) = &settled.outcome;
    let plans = &settled.pages;
    let patch = crate::fix::patch(plans);
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
        Ok(EXIT_TROUBLE())
    } else if plans.is_empty() {
        Ok(EXIT_CLEAN)
    } else {
        Ok(EXIT_FINDINGS)
    }
}

/// The safe fixes of `first`, applied round after round (see
/// [`crate::fix::settle`]): each round lints the run's files again, the
/// pages fixed so far with their fixed bytes. Nothing is written; pages
/// whose fixes do not settle are said on standard error.
fn settle_fixes(
    files: &[crate::inputs::SourceFile],
    first: (Outcome, usize),
    lint_files: &dyn Fn(&[crate::inputs::SourceFile]) -> (Outcome, usize),
) -> Settled<(Outcome, usize)> {
    let plans_of =
        |outcome: &Outcome| crate::fix::plan(&outcome.documents_with_fixes(), &outcome.findings);
    let plans = plans_of(&first.0);
    let settled = crate::fix::settle((first, plans), |fixed| {
        let fixed: HashMap<&str, &Vec<u8>> = fixed.iter().map(|(p, b)| (p.as_str(), b)).collect();
        let files: Vec<crate::inputs::SourceFile> = files
            .iter()
            .map(|f| match fixed.get(f.path.as_str()) {
                Some(bytes) => crate::inputs::SourceFile {
                    path: f.path.clone(),
                    content: crate::inputs::Content::Bytes((*bytes).clone()),
                },
                None => f.clone(),
            })
            .collect();
        let next = lint_files(&files);
        let plans = plans_of(&next.0);
        (next, plans)
    });
    for (path, rules) in &settled.unsettled {
        eprintln!(
            "{path}: the fixes did not settle after {max} rounds (still offered by: {}); \
             {max} rounds are applied and the rest is reported. Fixes that undo each other, \
             such as `[spelling] corrections` that correct each other, never settle",
            rules.join(", "),
            max = crate::fix::MAX_ROUNDS,
        );
    }
    settled
}

/// `--fix`: write the safe fixes; report each to standard error. With
/// `--staged`, a file is fixed only when its working-tree content is the
/// staged content, and is then staged again, so that the fix is committed and
/// no unstaged work is ever overwritten or staged by surprise. Returns how
/// many files were written.
fn apply_fixes(
    args: &CheckArgs,
    settings: &Settings,
    files: &[crate::inputs::SourceFile],
    settled: &Settled<(Outcome, usize)>,
) -> miette::Result<usize> {
    let (outcome, _) = &settled.outcome;
    let plans = &settled.pages;
    if !args.quiet {
        // Only a fix placed in a heading's anchor, or in code (a heading's
        // code span), can be held back: only those pages are parsed again.
        use crate::finding::Placement;
        let documents = outcome.documents_with(|fix| {
            matches!(fix.placement, Placement::RenamesAnchor | Placement::InCode)
        });
        for (path, line, original, replacement, anchor) in
            crate::fix::held_back(&documents, &outcome.findings)
        {
            eprintln!(
                "not fixed {path}:{line}: `{original}` -> `{replacement}` would change the heading's \
                 anchor #{anchor} and break links to it; fix the heading and its links together, \
                 or keep the anchor with `{{#{anchor}}}` after the heading"
            );
        }
    }
    let mut restage = Vec::new();
    let (mut fixes, mut fixed_files) = (0, 0);
    for plan in plans {
        let Some(file) = files.iter().find(|f| f.path == plan.path) else {
            continue;
        };
        let disk = match &file.content {
            crate::inputs::Content::Disk(p) => p.clone(),
            crate::inputs::Content::Bytes(staged) => {
                let p = settings.root.join(&plan.path);
                if std::fs::read(&p).ok().as_deref() != Some(staged.as_slice()) {
                    if args.staged {
                        eprintln!(
                            "{}: not fixed: the working tree differs from the index; stage or \
                             stash the unstaged changes, then run `hblint check --staged --fix` again",
                            plan.path
                        );
                    } else {
                        eprintln!(
                            "{}: not fixed: the working tree differs from HEAD; commit or stash \
                             the changes, then run the fix again",
                            plan.path
                        );
                    }
                    continue;
                }
                p
            }
        };
        if let Err(why) =
            crate::fix::write_fixed(&disk, &settings.root, &plan.old_bytes, &plan.new_bytes)
        {
            eprintln!("{}: not fixed: {why}", plan.path);
            continue;
        }
        // Only a staged page is staged again; other in-memory content (such as
        // `--changed-since`) was written to the working tree alone.
        if args.staged && matches!(file.content, crate::inputs::Content::Bytes(_)) {
            restage.push(plan.path.clone());
        }
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
    Ok(fixed_files)
}

/// `--inbound PAGE`: lint only the pages that may link to PAGE, for links to it.
fn inbound(
    args: &CheckArgs,
    settings: &Settings,
    workspace: &Workspace,
    mut run: RunFacts,
    started: Instant,
) -> miette::Result<ExitCode> {
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
    write_report(args, settings_notes(settings), &outcome, 0, started)?;
    Ok(exit_code(&outcome))
}

/// 2 if a file could not be linted, else 1 if any error-severity finding, else 0.
pub fn exit_code(outcome: &Outcome) -> ExitCode {
    if !outcome.errors.is_empty() {
        EXIT_TROUBLE()
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

/// What the settings read besides the pages, for the summary.
fn settings_notes(settings: &Settings) -> Vec<String> {
    settings
        .links
        .excludes
        .iter()
        .map(|e| e.summary())
        .collect()
}

/// The report format: `--format`, else concise in CI logs, else human.
fn format_of(args: &CheckArgs) -> Format {
    args.format.unwrap_or_else(|| {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            Format::Concise
        } else {
            Format::Human
        }
    })
}

fn write_report(
    args: &CheckArgs,
    notes: Vec<String>,
    outcome: &Outcome,
    out_of_scope: usize,
    started: Instant,
) -> miette::Result<()> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let ctx = ReportContext {
        outcome,
        elapsed: started.elapsed(),
        color: use_color(args.common.color, to_terminal),
        out_of_scope,
        notes,
    };
    let format = format_of(args);
    // The report streams to its destination: a report of thousands of
    // findings is never held whole. `--output` goes through a temporary file
    // beside it, renamed into place once complete.
    let (mut buffer, temp): (Box<dyn Write>, _) = match &args.output {
        Some(path) => {
            let temp = crate::fix::temp_beside(path).map_err(|e| {
                miette::miette!("cannot write the report to {}: {e}", path.display())
            })?;
            // The file's permissions if it exists, else the usual `rw-r--r--`.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let permissions = std::fs::metadata(path)
                    .map(|m| m.permissions())
                    .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
                let _ = temp.as_file().set_permissions(permissions);
            }
            let file = temp.reopen().map_err(|e| {
                miette::miette!("cannot write the report to {}: {e}", path.display())
            })?;
            (Box::new(std::io::BufWriter::new(file)), Some(temp))
        }
        None => (
            Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout().lock(),
            )),
            None,
        ),
    };
    let rendered = if args.statistics {
        crate::report::statistics::render(
            &ctx,
            &crate::fix::fixable_by_rule(&outcome.findings),
            &mut buffer,
        )
    } else {
        let report: Box<dyn Report> = match format {
            Format::Human if args.quiet => Box::new(crate::report::human::HumanQuiet),
            Format::Human => Box::new(crate::report::human::Human),
            Format::Concise => Box::new(crate::report::concise::Concise { quiet: args.quiet }),
            Format::Json => Box::new(crate::report::json::Json),
            Format::Github => Box::new(crate::report::github::Github),
            Format::Sarif => Box::new(crate::report::sarif::Sarif),
            Format::Codequality => Box::new(crate::report::codequality::CodeQuality),
            Format::Junit => Box::new(crate::report::junit::Junit),
            Format::Note => Box::new(crate::report::note::Note::default()),
        };
        report.render(&ctx, &mut buffer).and_then(|()| {
            let says_summary = matches!(format, Format::Human | Format::Concise);
            let fixable: usize = match says_summary && !args.quiet && !args.fix {
                true => crate::fix::fixable_by_rule(&outcome.findings)
                    .values()
                    .sum(),
                false => 0,
            };
            if fixable > 0 {
                writeln!(
                    buffer,
                    "{} fixable with `hblint check{} --fix` (`--diff` shows the patch)",
                    crate::report::plural(fixable, "finding"),
                    match &args.changed_since {
                        _ if args.staged => " --staged".to_owned(),
                        Some(base) => format!(" --changed-since {base}"),
                        None => String::new(),
                    }
                )?;
            }
            Ok(())
        })
    };
    let written = rendered.and_then(|()| buffer.flush());
    drop(buffer);
    match (&args.output, temp) {
        (Some(path), Some(temp)) => written
            .and_then(|()| temp.persist(path).map(|_| ()).map_err(|e| e.error))
            .map_err(|e| miette::miette!("cannot write the report to {}: {e}", path.display())),
        _ => match written {
            Ok(()) => Ok(()),
            // A closed pipe (`hblint check | head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(miette::miette!("cannot write the report: {e}")),
        },
    }
}
