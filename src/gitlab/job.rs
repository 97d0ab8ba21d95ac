//! The merge-request job: fetch the MR, lint what it changes, write the
//! reports, keep one summary note current and, with `--inline`, open diff
//! discussions on changed lines.
//!
//! ```text
//! GitLab (MR, diffs) ──► changed files ──► lint (checkout or API) ──► scope ──► reports, note, discussions
//! ```
//! A failure to read the MR or its diffs is fatal (exit 2); a failure to post
//! is reported and the exit code still comes from the findings.

use super::client::{ApiError, Client, Hints, Options, Token};
use super::diff::{DiffItem, FileChange};
use super::discussions::{self, Position};
use super::merge_request::{self, CurrentUser, GetMergeRequest, MergeRequest, RawFile, User};
use super::notes::{self, CreateNote, EditNote, Note as ApiNote};
use crate::cli::Scope;
use crate::commands::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};
use crate::config::Settings;
use crate::document::InputError;
use crate::finding::{Finding, Severity};
use crate::inputs::{Content, SourceFile, is_markdown};
use crate::lint::{self, Outcome, RuleSet};
use crate::report::note::{MARKER, Note, message_cell};
use crate::report::{Report, ReportContext};
use crate::rules::RunFacts;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Everything the job needs, resolved from flags and CI variables.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub api_url: String,
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
    /// Colour in the human report.
    pub color: bool,
}

/// The most inline discussions opened by one run.
const MAX_INLINE: usize = 25;

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

/// What the run decided to do with the note, for the log.
fn say(err: &mut dyn Write, line: &str) {
    let _ = writeln!(err, "hblint: {line}");
}

pub fn run(inputs: &Inputs) -> miette::Result<u8> {
    let started = Instant::now();
    let stderr = &mut std::io::stderr();
    let settings = Settings::load(&inputs.root, inputs.config.as_deref())
        .map_err(|e| miette::Report::new(*e))?;
    let rules = RuleSet::build(&settings, &inputs.select, &inputs.ignore)?;

    let client = Client::connect(
        &inputs.api_url,
        inputs.token.clone(),
        inputs.options.clone(),
        inputs.hints.clone(),
    )
    .map_err(|e| e.report())?;
    let project = inputs.project.as_str();
    let iid = inputs.mr;
    let mr: MergeRequest = client
        .json(
            &GetMergeRequest { project, iid },
            &format!("read merge request !{iid} of project `{project}`"),
        )
        .map_err(|e| e.report())?;
    let (items, overflow) =
        merge_request::changed_files(&client, project, iid).map_err(|e| e.report())?;
    if overflow {
        say(
            stderr,
            "GitLab truncated this MR's list of changes (overflow); only the listed files are linted",
        );
    }
    let changes: Vec<FileChange> = items.iter().map(FileChange::from_item).collect();
    let facts = run_facts(&items, &mr);

    let head_sha = mr.head_sha().map(str::to_owned);
    let (files, refused) = if inputs.from_api {
        let Some(sha) = head_sha.as_deref() else {
            return Err(miette::miette!(
                "merge request !{iid} has no head commit yet; retry when GitLab has computed its diff"
            ));
        };
        (
            files_from_api(&client, project, sha, &changes).map_err(|e| e.report())?,
            Vec::new(),
        )
    } else {
        files_from_checkout(&settings, &changes)
    };

    let workspace = settings.workspace();
    let mut outcome = lint::lint(&settings, &rules, &workspace, &files, &facts);
    let nothing_linted = !(files.is_empty() && refused.is_empty()) && outcome.pages.is_empty();
    outcome.errors.extend(refused);
    outcome.errors.sort_by(|a, b| a.path().cmp(b.path()));
    let by_path: HashMap<&str, &FileChange> =
        changes.iter().map(|c| (c.new_path.as_str(), c)).collect();
    let total = outcome.findings.len();
    let Outcome {
        findings,
        errors,
        pages,
        suppressed,
        cached,
    } = outcome;
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| in_scope(f, &by_path, inputs.scope))
        .collect();
    let out_of_scope = total - findings.len();
    let scoped = Outcome {
        findings,
        errors,
        pages,
        suppressed,
        cached,
    };
    let ctx = ReportContext {
        outcome: &scoped,
        elapsed: started.elapsed(),
        color: inputs.color,
        out_of_scope,
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

    let note = Note {
        blob_base: match (mr.project_web_url(), head_sha.as_deref()) {
            (Some(web), Some(sha)) => Some(format!("{web}/-/blob/{sha}")),
            _ => None,
        },
        previously_reported: false,
        scope_words: Some(scope_words(inputs.scope).into()),
    };

    // The human report goes to standard output, or to standard error when
    // standard output carries the note (--dry-run).
    let mut human = Vec::new();
    let _ = crate::report::human::Human.render(&ctx, &mut human);
    if inputs.dry_run {
        let _ = stderr.write_all(&human);
    } else {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&human);
        let _ = out.flush();
    }

    comment(inputs, &client, &mr, &changes, &note, &ctx, stderr);

    let has_errors = scoped
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    Ok(if nothing_linted || (trouble && !has_errors) {
        EXIT_TROUBLE
    } else if has_errors {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Labels, changed and deleted paths, for the run-level rules.
fn run_facts(items: &[DiffItem], mr: &MergeRequest) -> RunFacts {
    let mut changed = Vec::new();
    let mut deleted = Vec::new();
    for item in items {
        changed.push(item.new_path.clone());
        if item.renamed_file || item.deleted_file {
            changed.push(item.old_path.clone());
            if is_markdown(&item.old_path) {
                deleted.push(item.old_path.clone());
            }
        }
    }
    changed.sort();
    changed.dedup();
    deleted.sort();
    deleted.dedup();
    RunFacts {
        labels: Some(mr.labels.clone()),
        deleted,
        changed,
    }
}

/// The changed Markdown pages that still exist, read from the checkout. A page
/// whose real path leaves the checkout (a symlink to `/proc/self/environ`, say)
/// is not read: it becomes an input error, so nothing outside the repository
/// can be quoted into the comment.
fn files_from_checkout(
    settings: &Settings,
    changes: &[FileChange],
) -> (Vec<SourceFile>, Vec<InputError>) {
    let root = std::fs::canonicalize(&settings.root).unwrap_or_else(|_| settings.root.clone());
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for c in changes
        .iter()
        .filter(|c| !c.deleted && is_markdown(&c.new_path))
    {
        if !safe_relative(&c.new_path) {
            errors.push(InputError::Unreadable {
                path: c.new_path.clone(),
                reason: "the path leaves the repository; not read".into(),
            });
            continue;
        }
        let disk = settings.root.join(&c.new_path);
        if let Ok(real) = std::fs::canonicalize(&disk)
            && !real.starts_with(&root)
        {
            errors.push(InputError::Unreadable {
                path: c.new_path.clone(),
                reason: "a symbolic link out of the repository; not read".into(),
            });
            continue;
        }
        files.push(SourceFile {
            path: c.new_path.clone(),
            content: Content::Disk(disk),
        });
    }
    (files, errors)
}

/// Bot mode: the changed pages' bytes at the head commit, through the API.
fn files_from_api(
    client: &Client,
    project: &str,
    sha: &str,
    changes: &[FileChange],
) -> Result<Vec<SourceFile>, ApiError> {
    let mut files = Vec::new();
    for c in changes
        .iter()
        .filter(|c| !c.deleted && is_markdown(&c.new_path))
    {
        let response = client.send(
            &RawFile {
                project,
                path: &c.new_path,
                sha,
            },
            &format!("read {} at {sha}", c.new_path),
        )?;
        files.push(SourceFile {
            path: c.new_path.clone(),
            content: Content::Bytes(response.body),
        });
    }
    Ok(files)
}

/// A path from GitLab that stays inside the checkout (no `..`, not absolute).
fn safe_relative(path: &str) -> bool {
    !path.starts_with('/')
        && !path.contains('\\')
        && !path.split('/').any(|part| part == ".." || part.is_empty())
}

/// Post or edit the summary note (and inline discussions), or say why not.
fn comment(
    inputs: &Inputs,
    client: &Client,
    mr: &MergeRequest,
    changes: &[FileChange],
    note: &Note,
    ctx: &ReportContext<'_>,
    stderr: &mut dyn Write,
) {
    if inputs.no_comment {
        say(stderr, "--no-comment: no comment posted");
        return;
    }
    if inputs.dry_run {
        let body = note.body(ctx);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(body.as_bytes());
        let _ = out.flush();
        say(stderr, "--dry-run: the comment above was not posted");
        return;
    }
    if client.token().is_job_token() {
        say(
            stderr,
            "no comment posted: the only token is CI_JOB_TOKEN, which GitLab lets read merge \
             requests but not comment on them. To get the comment, create a project access token \
             with the `api` scope and the Reporter role, and store it in a masked CI/CD variable \
             named HBLINT_GITLAB_TOKEN. The reports and the exit code are unaffected.",
        );
        return;
    }
    let project = inputs.project.as_str();
    let iid = inputs.mr;
    let posted = (|| -> Result<String, ApiError> {
        let me: User = client.json(&CurrentUser, "read the token's user (GET /user)")?;
        let existing: Vec<ApiNote> = client.paged(
            &notes::ListNotes { project, iid },
            &format!("list the notes of merge request !{iid}"),
            50,
        )?;
        let own = notes::find_own(&existing, me.id, MARKER);
        let previous = own.and_then(|id| existing.iter().find(|n| n.id == id));
        let mut note = note.clone();
        note.previously_reported = previous.is_some_and(|n| !n.body.contains("all clear"));
        let body = note.body(ctx);
        let clean = ctx.outcome.findings.is_empty() && ctx.outcome.errors.is_empty();
        let mut said = match own {
            Some(id) => {
                client.send(
                    &EditNote {
                        project,
                        iid,
                        note: id,
                        body: &body,
                    },
                    &format!("edit note {id} on merge request !{iid}"),
                )?;
                format!("updated the comment (note {id})")
            }
            None if clean => "nothing found and no earlier comment: nothing posted".to_string(),
            None => {
                let created: ApiNote = client.json(
                    &CreateNote {
                        project,
                        iid,
                        body: &body,
                    },
                    &format!("comment on merge request !{iid}"),
                )?;
                format!("posted the comment (note {})", created.id)
            }
        };
        if inputs.inline {
            let opened = inline(client, project, iid, mr, changes, ctx, me.id)?;
            said.push_str(&format!("; opened {opened} inline discussion(s)"));
        }
        Ok(said)
    })();
    match posted {
        Ok(line) => say(stderr, &line),
        Err(e) => {
            let help = e.help.clone().unwrap_or_default();
            say(
                stderr,
                &format!(
                    "warning: {e}. {help} The reports are written and the exit code reflects the findings."
                ),
            );
        }
    }
}

/// One diff discussion per finding on an added line, keyed so re-runs skip it.
fn inline(
    client: &Client,
    project: &str,
    iid: u64,
    mr: &MergeRequest,
    changes: &[FileChange],
    ctx: &ReportContext<'_>,
    user_id: u64,
) -> Result<usize, ApiError> {
    let Some(refs) = &mr.diff_refs else {
        return Ok(0);
    };
    let (Some(base), Some(start), Some(head)) = (
        refs.base_sha.as_deref(),
        refs.start_sha.as_deref(),
        refs.head_sha.as_deref(),
    ) else {
        return Ok(0);
    };
    let existing = discussions::list(client, project, iid)?;
    let known: HashSet<String> = discussions::existing_keys(&existing, user_id)
        .into_iter()
        .collect();
    let by_path: HashMap<&str, &FileChange> =
        changes.iter().map(|c| (c.new_path.as_str(), c)).collect();
    let mut ranks: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut opened = 0;
    for f in &ctx.outcome.findings {
        let rank = ranks
            .entry((f.rule, f.path.as_str(), f.message.as_str()))
            .or_default();
        let key = crate::report::codequality::fingerprint(f.rule, &f.path, &f.message, *rank);
        *rank += 1;
        // The label rule is about the whole MR: the summary note carries it.
        if f.rule == crate::rules::missing_label::META.name {
            continue;
        }
        let Some(change) = by_path.get(f.path.as_str()) else {
            continue;
        };
        if change.whole_file || !change.touches_line(f.start.line) || known.contains(&key) {
            continue;
        }
        if opened >= MAX_INLINE {
            break;
        }
        let mut body = format!(
            "{}\n**hblint** `{}`: {}",
            discussions::key_marker(&key),
            f.rule,
            message_cell(&f.message)
        );
        if let Some(fix) = &f.fix {
            body.push_str(&format!(
                "\n\nSuggestion: {}",
                crate::report::note::code_span(&fix.replacement)
            ));
        } else if let Some(help) = &f.help {
            body.push_str(&format!("\n\n{}", message_cell(help)));
        }
        let position = Position {
            base_sha: base.to_owned(),
            start_sha: start.to_owned(),
            head_sha: head.to_owned(),
            old_path: change.old_path.clone(),
            new_path: change.new_path.clone(),
            new_line: f.start.line,
        };
        discussions::create(client, project, iid, &body, &position)?;
        opened += 1;
    }
    Ok(opened)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Position as Pos;

    #[test]
    fn paths_from_gitlab_stay_inside_the_checkout() {
        assert!(safe_relative("content/handbook/a.md"));
        assert!(!safe_relative("../etc/passwd.md"));
        assert!(!safe_relative("/etc/x.md"));
        assert!(!safe_relative("content//a.md"));
    }

    #[test]
    fn scope_filters_by_added_lines() {
        let item = DiffItem {
            old_path: "a.md".into(),
            new_path: "a.md".into(),
            new_file: false,
            renamed_file: false,
            deleted_file: false,
            collapsed: false,
            too_large: false,
            diff: "@@ -1,2 +1,2 @@\n a\n-b\n+B\n".into(),
        };
        let change = FileChange::from_item(&item);
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
