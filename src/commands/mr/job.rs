//! The merge-request job's flow.
//!
//! ```text
//! git (BASE..HEAD) or API ──► changed pages at HEAD ──► lint ──► scope ──► reports ──► note, discussions
//! ```
//! Reading the changes is fatal when it fails (exit 2). In a checkout, a
//! failure to read the MR from GitLab ends the job with exit 2 too, but
//! after the lint and the reports, which need only git. The comment is not
//! fatal: a failure to post is reported and the exit code still comes from
//! the findings.

use super::changes::{self, Changes, Commit};
use super::comment;
pub use super::comment::Said;
use super::remote;
use crate::cli::Scope;
use crate::commands::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};
use crate::config::Settings;
use crate::finding::{Finding, Severity};
use crate::gitlab::client::{ApiError, Client, Hints, Options, Token};
use crate::gitlab::diff::FileChange;
use crate::gitlab::merge_request::{self, MergeRequest};
use crate::lint::{self, Outcome, RuleSet};
use crate::report::note::Note;
use crate::report::{Report, ReportContext};
use crate::rules::RunFacts;
use crate::workspace::{PageSource, Workspace};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Everything the job needs, resolved from flags and CI variables.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub api_url: String,
    /// The project that holds the MR (in a fork pipeline, not the fork).
    pub project: String,
    pub mr: u64,
    pub token: Token,
    pub hints: Hints,
    pub options: Options,
    pub root: PathBuf,
    pub config: Option<PathBuf>,
    pub select: Vec<crate::rules::RuleName>,
    pub ignore: Vec<crate::rules::RuleName>,
    pub scope: Scope,
    pub codequality: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub dry_run: bool,
    pub no_comment: bool,
    pub inline: bool,
    pub from_api: bool,
    /// The MR's base commit (`--base`, `CI_MERGE_REQUEST_DIFF_BASE_SHA`).
    pub base: Option<Commit>,
    /// The MR's head commit (`--head`, `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA`, `CI_COMMIT_SHA`).
    pub head: Option<Commit>,
    /// `CI_MERGE_REQUEST_LABELS`, as of the pipeline's creation.
    pub labels_env: Option<String>,
    /// The MR project's web address (`CI_MERGE_REQUEST_PROJECT_URL`).
    pub project_url: Option<String>,
    /// Colour in the human report.
    pub color: bool,
    /// Print no human report (the bot and the service).
    pub quiet: bool,
}

fn scope_words(scope: Scope) -> &'static str {
    match scope {
        Scope::Added => "the changed lines",
        Scope::File => "the changed files",
        Scope::All => "the changed files and the pages they affect",
    }
}

/// Whether `f` is reported under `scope`. Findings on files outside the diff
/// come from run-level rules (a page that links to a deleted one): the MR
/// caused them, so every scope keeps them. The label rule is about the whole
/// MR and is always kept.
pub fn in_scope(f: &Finding, changes: &HashMap<&str, &FileChange>, scope: Scope) -> bool {
    if f.rule == crate::rules::missing_label::META.name {
        return true;
    }
    match (scope, changes.get(f.path.as_str())) {
        (Scope::All, _) => true,
        (_, None) => true,
        (Scope::File, Some(_)) => true,
        (Scope::Added, Some(change)) => change.touches_line(f.start.line),
    }
}

/// One line of the job's log.
pub fn say(err: &mut dyn Write, line: &str) {
    let _ = writeln!(err, "hblint: {line}");
}

/// The MR, when the token may read it. A job token that may not (GitLab
/// before the job token could read merge requests, a fork's token, a private
/// project) is no error: the job goes on from git and CI variables.
fn read_mr(
    inputs: &Inputs,
    client: &Client,
    stderr: &mut dyn Write,
) -> Result<Option<MergeRequest>, ApiError> {
    match merge_request::get(client, &inputs.project, inputs.mr) {
        Ok(mr) => Ok(Some(mr)),
        Err(e) if inputs.token.is_job_token() && matches!(e.status(), Some(401 | 403 | 404)) => {
            say(
                stderr,
                &format!(
                    "the job token cannot read merge request !{} of project `{}` (GitLab answered \
                     {}); linting from git and CI variables alone",
                    inputs.mr,
                    inputs.project,
                    e.status().unwrap_or_default()
                ),
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The changes, from git or (`--from-api`) from GitLab, and the commit linted.
fn read_changes(
    inputs: &Inputs,
    client: &Client,
    mr: Option<&MergeRequest>,
) -> miette::Result<(Changes, String)> {
    let from_mr = |sha: Option<&str>| {
        sha.map(|sha| Commit {
            sha: sha.to_owned(),
            source: "the merge request's diff_refs".into(),
        })
    };
    if inputs.from_api {
        if inputs.token.is_job_token() {
            return Err(miette::miette!(
                help = "run without --from-api in the job's checkout, or store a project access \
                        token with the `read_api` scope in HBLINT_GITLAB_TOKEN",
                "--from-api needs an access token: the job token may not read a merge request's diffs"
            ));
        }
        let Some(mr) = mr else {
            return Err(miette::miette!(
                "--from-api: the merge request could not be read"
            ));
        };
        let Some(head) = mr.head_sha() else {
            return Err(miette::miette!(
                "merge request !{} has no head commit yet; retry when GitLab has computed its diff",
                mr.iid
            ));
        };
        let changes = changes::from_api(client, &inputs.project, mr, head)?;
        return Ok((changes, head.to_owned()));
    }
    let head = inputs
        .head
        .clone()
        .or_else(|| from_mr(mr.and_then(MergeRequest::head_sha)))
        .ok_or_else(|| {
            miette::miette!(
                help = "GitLab sets CI_COMMIT_SHA (and CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in \
                        merged-results pipelines); elsewhere pass --head SHA",
                "cannot tell the merge request's head commit"
            )
        })?;
    let base = inputs
        .base
        .clone()
        .or_else(|| from_mr(mr.and_then(MergeRequest::base_sha)))
        .ok_or_else(|| {
            miette::miette!(
                help = "GitLab sets CI_MERGE_REQUEST_DIFF_BASE_SHA in merge request pipelines; \
                        elsewhere pass --base SHA",
                "cannot tell the merge request's base commit"
            )
        })?;
    let changes = changes::from_git(&inputs.root, &base, &head)?;
    Ok((changes, head.sha))
}

/// The MR's labels: from the API when the MR was read, else from
/// `CI_MERGE_REQUEST_LABELS`; the log says which.
fn labels(
    inputs: &Inputs,
    mr: Option<&MergeRequest>,
    stderr: &mut dyn Write,
) -> Option<Vec<String>> {
    if let Some(mr) = mr {
        say(
            stderr,
            "labels: read from the merge request through the API",
        );
        return Some(mr.labels.clone());
    }
    match &inputs.labels_env {
        Some(list) => {
            say(
                stderr,
                "labels: from CI_MERGE_REQUEST_LABELS (as they were when the pipeline was created)",
            );
            Some(
                list.split(',')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        }
        None => {
            say(
                stderr,
                "labels: unknown (the merge request could not be read and CI_MERGE_REQUEST_LABELS \
                 is not set); the label rule is skipped",
            );
            None
        }
    }
}

pub fn run(inputs: &Inputs) -> miette::Result<ExitCode> {
    let client = connect(inputs)?;
    Ok(review(inputs, &client, &mut std::io::stderr())?.exit)
}

/// The client for `inputs` (nothing is sent yet).
pub fn connect(inputs: &Inputs) -> miette::Result<Client> {
    Ok(Client::connect(
        &inputs.api_url,
        inputs.token.clone(),
        inputs.options.clone(),
        inputs.hints.clone(),
    )?)
}

/// What one review did.
pub struct Review {
    /// The job's exit code.
    pub exit: ExitCode,
    /// What happened to the note.
    pub said: comment::Said,
    /// What a later label-only re-check needs.
    pub kept: Kept,
}

/// A review's findings and changes, kept so that a label change can be
/// re-checked without linting again.
pub struct Kept {
    /// The commit linted.
    pub head: String,
    /// The settings it was linted with (the tree's at that commit).
    pub settings: Arc<Settings>,
    pub files: Vec<FileChange>,
    /// The findings in scope, the label rule's among them.
    pub outcome: Outcome,
    pub out_of_scope: usize,
    pub note: Note,
}

/// The settings and the workspace of one review: from the checkout at
/// `--root`, or (`--from-api`) from the repository at the head commit.
struct Tree {
    settings: Arc<Settings>,
    workspace: Workspace,
    /// The repository read through the API, for its gaps.
    remote: Option<Arc<remote::Remote>>,
}

/// The tree at `head` through the API: its file list, its `.hblint.toml`
/// (or the `--config` file given) and the files that names, and pages read
/// only when the run needs them.
fn remote_tree(inputs: &Inputs, changes: &Changes, head: &str) -> miette::Result<Tree> {
    let client = connect(inputs)?;
    let remote = Arc::new(remote::Remote::list(
        client,
        &inputs.project,
        head,
        &changes.sources,
    )?);
    let dir = tempfile::Builder::new()
        .prefix("hblint-settings-")
        .tempdir()
        .map_err(|e| miette::miette!("cannot make a temporary folder: {e}"))?;
    let settings = remote::settings(&remote, dir.path(), inputs.config.as_deref())?;
    let workspace = remote::workspace(&settings, Arc::clone(&remote));
    Ok(Tree {
        settings: Arc::new(settings),
        workspace,
        remote: Some(remote),
    })
}

/// Lint the merge request, write the reports and post or edit the note.
pub fn review(inputs: &Inputs, client: &Client, stderr: &mut dyn Write) -> miette::Result<Review> {
    let started = Instant::now();
    // In a checkout, a bad configuration stops the job before any request.
    let local = if inputs.from_api {
        None
    } else {
        let settings = Settings::load(&inputs.root, inputs.config.as_deref())
            .map_err(|e| miette::Report::new(*e))?;
        RuleSet::build(&settings, &inputs.select, &inputs.ignore)?;
        Some(settings)
    };

    // In a checkout with both commits known, the lint needs nothing from
    // GitLab: a failure to read the MR is kept, the reports are written,
    // and the job ends with it (exit 2). Otherwise it ends the job now.
    let (mr, unread) = match read_mr(inputs, client, stderr) {
        Ok(mr) => (mr, None),
        Err(e) if !inputs.from_api && inputs.base.is_some() && inputs.head.is_some() => {
            say(
                stderr,
                "warning: GitLab could not be read (the error follows at the end); linting from \
                 git and CI variables alone, writing the reports, posting no comment",
            );
            (None, Some(e))
        }
        Err(e) => return Err(e.into()),
    };
    let (mut changes, head) = read_changes(inputs, client, mr.as_ref())?;
    let tree = match local {
        Some(settings) => Tree {
            workspace: settings.workspace(),
            settings: Arc::new(settings),
            remote: None,
        },
        None => remote_tree(inputs, &changes, &head)?,
    };
    let settings = &tree.settings;
    let rules = RuleSet::build(settings, &inputs.select, &inputs.ignore)?;
    for gap in &changes.gaps {
        say(stderr, &format!("warning: {gap}"));
    }
    let (changed, deleted) = changes.changed_and_deleted();
    let facts = RunFacts {
        labels: labels(inputs, mr.as_ref(), stderr),
        deleted,
        changed,
        ..RunFacts::default()
    };

    let mut workspace = tree.workspace;
    // A CI cache of page results (the template restores it): `$HBLINT_CACHE_DIR`.
    if let Some(dir) = std::env::var_os("HBLINT_CACHE_DIR").filter(|d| !d.is_empty()) {
        workspace.cache = lint::open_cache(settings, Some(std::path::Path::new(&dir)), false);
    }
    let mut outcome = lint::lint(settings, &rules, &workspace, &changes.sources, &facts);
    if let Some(remote) = &tree.remote {
        for gap in remote.gaps() {
            say(stderr, &format!("warning: {gap}"));
            changes.gaps.push(gap);
        }
    }
    let nothing_linted =
        !(changes.sources.is_empty() && changes.refused.is_empty()) && outcome.pages.is_empty();
    outcome.errors.extend(changes.refused.iter().cloned());
    outcome.errors.sort_by(|a, b| a.path().cmp(b.path()));
    let by_path: HashMap<&str, &FileChange> = changes
        .files
        .iter()
        .map(|c| (c.new_path.as_str(), c))
        .collect();
    let out_of_scope = outcome.retain_findings(|f| in_scope(f, &by_path, inputs.scope));
    let scoped = outcome;
    let ctx = ReportContext {
        outcome: &scoped,
        elapsed: started.elapsed(),
        color: inputs.color,
        out_of_scope,
        notes: Vec::new(),
    };

    // Reports first: they are written whatever happens to the comment.
    let mut trouble = false;
    for (path, report) in [
        (
            &inputs.codequality,
            &crate::report::codequality::CodeQuality as &dyn Report,
        ),
        (&inputs.junit, &crate::report::junit::Junit as &dyn Report),
    ] {
        if let Some(path) = path {
            let mut buffer = Vec::new();
            let written = report
                .render(&ctx, &mut buffer)
                .and_then(|()| std::fs::write(path, &buffer));
            if let Err(e) = written {
                say(
                    stderr,
                    &format!("cannot write the report {}: {e}", path.display()),
                );
                trouble = true;
            }
        }
    }

    let web = inputs
        .project_url
        .as_deref()
        .or_else(|| mr.as_ref().and_then(MergeRequest::project_web_url));
    let note = Note {
        blob_base: web.map(|web| format!("{}/-/blob/{head}", web.trim_end_matches('/'))),
        previously_reported: false,
        scope_words: Some(scope_words(inputs.scope).into()),
        notices: changes.gaps.clone(),
        reviewed: Some(head.clone()),
    };

    // The human report goes to standard output, or to standard error when
    // standard output carries the note (--dry-run); a service prints none.
    if !inputs.quiet {
        let mut human = Vec::new();
        let _ = crate::report::human::Human.render(&ctx, &mut human);
        if inputs.dry_run {
            let _ = stderr.write_all(&human);
        } else {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&human);
            let _ = out.flush();
        }
    }

    if let Some(e) = unread {
        return Err(e.into());
    }
    let said = comment::comment(
        &comment::Job {
            inputs,
            client,
            head: &head,
            changes: &changes.files,
        },
        &note,
        &ctx,
        stderr,
    );

    let has_errors = scoped
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    // A note GitLab failed to write may be stale: not a clean job.
    let stale = matches!(said, comment::Said::Failed(_));
    let exit = if nothing_linted || stale || (trouble && !has_errors) {
        EXIT_TROUBLE()
    } else if has_errors {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    Ok(Review {
        exit,
        said,
        kept: Kept {
            head,
            settings: tree.settings,
            files: changes.files,
            outcome: scoped,
            out_of_scope,
            note,
        },
    })
}

/// A label change: the label rule alone runs again on the kept changes with
/// `labels`, its findings replace the earlier ones, and the note is edited.
/// No page is read or linted. The note is left alone (and
/// [`comment::Said::Moved`] returned) when the MR's head is no longer the
/// kept commit: a full review is due.
pub fn relabel(
    inputs: &Inputs,
    client: &Client,
    kept: &mut Kept,
    labels: Vec<String>,
    stderr: &mut dyn Write,
) -> miette::Result<comment::Said> {
    let label_rule = crate::rules::RuleName::MissingLabel;
    let settings = Arc::clone(&kept.settings);
    let all = RuleSet::build(&settings, &inputs.select, &inputs.ignore)?;
    if all.is_enabled(label_rule) {
        let only = RuleSet::build(&settings, &[label_rule], &[])?;
        let changes = Changes {
            files: kept.files.clone(),
            ..Changes::default()
        };
        let (changed, deleted) = changes.changed_and_deleted();
        let facts = RunFacts {
            labels: Some(labels),
            deleted,
            changed,
            ..RunFacts::default()
        };
        let fresh = lint::lint(&settings, &only, &settings.workspace(), &[], &facts);
        let findings = &mut kept.outcome.findings;
        findings.retain(|f| f.rule != crate::rules::missing_label::META.name);
        findings.extend(fresh.findings);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    let ctx = ReportContext {
        outcome: &kept.outcome,
        elapsed: std::time::Duration::ZERO,
        color: false,
        out_of_scope: kept.out_of_scope,
        notes: Vec::new(),
    };
    Ok(comment::comment(
        &comment::Job {
            inputs,
            client,
            head: &kept.head,
            changes: &kept.files,
        },
        &kept.note,
        &ctx,
        stderr,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Position as Pos;

    #[test]
    fn scope_filters_by_added_lines() {
        // Line 2 changed.
        let change = FileChange {
            old_path: "a.md".into(),
            new_path: "a.md".into(),
            new_file: false,
            renamed: false,
            deleted: false,
            added: vec![(2, 2)],
            whole_file: false,
        };
        let map: HashMap<&str, &FileChange> = [("a.md", &change)].into_iter().collect();
        let f = |path: &str, line, rule| Finding {
            rule,
            severity: Severity::Error,
            path: path.into(),
            range: 0..1,
            start: Pos { line, column: 1 },
            end: Pos { line, column: 1 },
            message: String::new(),
            help: None,
            fix: None,
        };
        assert!(in_scope(&f("a.md", 2, "typo"), &map, Scope::Added));
        assert!(!in_scope(&f("a.md", 1, "typo"), &map, Scope::Added));
        assert!(in_scope(&f("a.md", 1, "typo"), &map, Scope::File));
        assert!(in_scope(&f("a.md", 1, "missing-label"), &map, Scope::Added));
        assert!(in_scope(&f("other.md", 9, "typo"), &map, Scope::Added));
    }
}
