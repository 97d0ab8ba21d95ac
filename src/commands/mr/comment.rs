//! The job's voice on the merge request: one summary note kept current and,
//! with `--inline`, one diff discussion per finding on an added line, with a
//! GitLab suggestion block when the finding has a safe fix.
//!
//! Just before writing, the MR is read again: if its head is no longer the
//! commit this run linted, a newer pipeline owns the note and nothing is
//! written (pipelines can finish out of order).

use super::job::{Inputs, say};
use crate::document::Document;
use crate::finding::{Applicability, Finding};
use crate::gitlab::client::{ApiError, Client};
use crate::gitlab::diff::FileChange;
use crate::gitlab::discussions::{self, Position};
use crate::gitlab::merge_request::{self, MergeRequest};
use crate::gitlab::notes;
use crate::report::ReportContext;
use crate::report::note::{MARKER, Note, message_cell};
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// The most inline discussions opened by one run.
const MAX_INLINE: usize = 25;

/// What the comment needs from the job.
pub struct Job<'a> {
    pub inputs: &'a Inputs,
    pub client: &'a Client,
    /// The commit whose content was linted.
    pub head: &'a str,
    pub changes: &'a [FileChange],
}

/// What happened to the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// `--no-comment`, `--dry-run`, or a job token: nothing was written.
    NotWritten,
    /// A new note.
    Posted(u64),
    /// The earlier note, edited in place.
    Edited(u64),
    /// Nothing found and no earlier note: nothing to say.
    NothingToSay,
    /// The MR moved on to another head commit: the note was left alone.
    Moved,
    /// GitLab failed (after the retries): the job ends with exit 2, so that
    /// a comment left stale is not mistaken for a current one.
    Failed(String),
    /// GitLab refused the token (401/403): a setting to change, said with
    /// how; the exit code stays that of the findings, as with a job token.
    Refused(String),
}

/// Post or edit the summary note (and inline discussions), or say why not.
pub fn comment(
    job: &Job<'_>,
    note: &Note,
    ctx: &ReportContext<'_>,
    stderr: &mut dyn Write,
) -> Said {
    let inputs = job.inputs;
    if inputs.no_comment {
        say(stderr, "--no-comment: no comment posted");
        return Said::NotWritten;
    }
    if inputs.dry_run {
        let body = note.body(ctx);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(body.as_bytes());
        let _ = out.flush();
        say(stderr, "--dry-run: the comment above was not posted");
        return Said::NotWritten;
    }
    if job.client.token().is_job_token() {
        say(
            stderr,
            "no comment posted: CI_JOB_TOKEN may not write notes. To get the comment, store a \
             project access token (`api` scope, Reporter role) in a masked CI/CD variable named \
             HBLINT_GITLAB_TOKEN; the reports and the exit code do not depend on it.",
        );
        return Said::NotWritten;
    }
    match post(job, note, ctx) {
        Ok((said, line)) => {
            say(stderr, &line);
            said
        }
        Err(e) => {
            let help = e
                .help
                .as_ref()
                .map(|h| format!(" {}.", h.replace('\n', "; ").trim_end_matches('.')))
                .unwrap_or_default();
            let refused = matches!(
                e.kind,
                crate::gitlab::error::ApiErrorKind::Status {
                    status: 401 | 403,
                    ..
                }
            );
            let then = if refused {
                "The reports are written and the exit code reflects the findings."
            } else {
                "The reports are written; the job ends with exit 2, as the comment may be out of date."
            };
            say(stderr, &format!("warning: {e}.{help} {then}"));
            if refused {
                Said::Refused(e.to_string())
            } else {
                Said::Failed(e.to_string())
            }
        }
    }
}

fn post(job: &Job<'_>, note: &Note, ctx: &ReportContext<'_>) -> Result<(Said, String), ApiError> {
    let (client, project, iid) = (job.client, job.inputs.project.as_str(), job.inputs.mr);
    let now = merge_request::get(client, project, iid)?;
    if let Some(current) = now.head_sha()
        && current != job.head
    {
        return Ok((
            Said::Moved,
            format!(
                "comment left alone: merge request !{iid} has moved on to {current}, and this \
                 pipeline linted {}; the newer pipeline updates the comment. The reports of this \
                 run are written.",
                job.head
            ),
        ));
    }
    let me = merge_request::current_user(client)?;
    let existing = notes::list(client, project, iid)?;
    let own = notes::find_own(&existing, me.id, MARKER);
    let previous = own.and_then(|id| existing.iter().find(|n| n.id == id));
    let mut note = note.clone();
    note.previously_reported = previous.is_some_and(|n| !n.body.contains("all clear"));
    let body = note.body(ctx);
    let clean = ctx.outcome.findings.is_empty() && ctx.outcome.errors.is_empty();
    let (outcome, mut said) = match own {
        Some(id) => {
            notes::edit(client, project, iid, id, &body)?;
            (Said::Edited(id), format!("updated the comment (note {id})"))
        }
        None if clean => (
            Said::NothingToSay,
            "nothing found and no earlier comment: nothing posted".to_string(),
        ),
        None => {
            let id = notes::create(client, project, iid, &body)?;
            (Said::Posted(id), format!("posted the comment (note {id})"))
        }
    };
    if job.inputs.inline {
        let opened = inline(job, &now, ctx, me.id)?;
        said.push_str(&format!("; opened {opened} inline discussion(s)"));
    }
    Ok((outcome, said))
}

/// A GitLab suggestion replacing the finding's line by the same line with
/// only the fix applied ("Suggest changes": ```` ```suggestion:-0+0 ````; a
/// longer fence when the line holds backticks). `None` unless the fix is
/// safe and stays on one line.
pub fn suggestion(f: &Finding, doc: &Document) -> Option<String> {
    let fix = f.fix.as_ref()?;
    if fix.applicability != Applicability::Safe || fix.replacement.contains('\n') {
        return None;
    }
    let text = doc.text.as_str();
    let (start, end) = (fix.range.start, fix.range.end);
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    if text[start..end].contains('\n') {
        return None;
    }
    let line = text[line_start..line_end].trim_end_matches('\r');
    let fixed = format!(
        "{}{}{}",
        &text[line_start..start],
        fix.replacement,
        &line[(end - line_start).min(line.len())..]
    );
    let longest = fixed.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    Some(format!("{fence}suggestion:-0+0\n{fixed}\n{fence}"))
}

/// One diff discussion per finding on an added line, keyed so re-runs skip it.
fn inline(
    job: &Job<'_>,
    mr: &MergeRequest,
    ctx: &ReportContext<'_>,
    user_id: u64,
) -> Result<usize, ApiError> {
    let (client, project, iid) = (job.client, job.inputs.project.as_str(), job.inputs.mr);
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
    let by_path: HashMap<&str, &FileChange> = job
        .changes
        .iter()
        .map(|c| (c.new_path.as_str(), c))
        .collect();
    // The run keeps no text: a page whose fix becomes a suggestion block is
    // parsed again, once, when its first such finding comes.
    let mut docs: HashMap<&str, Option<Document>> = HashMap::new();
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
        let block = match &f.fix {
            Some(_) => docs
                .entry(f.path.as_str())
                .or_insert_with(|| ctx.outcome.document(&f.path))
                .as_ref()
                .and_then(|d| suggestion(f, d)),
            None => None,
        };
        match (block, &f.fix, &f.help) {
            (Some(block), _, _) => body.push_str(&format!("\n\n{block}")),
            (None, Some(fix), _) => body.push_str(&format!(
                "\n\nSuggestion: {}",
                crate::report::note::code_span(&fix.replacement)
            )),
            (None, None, Some(help)) => body.push_str(&format!("\n\n{}", message_cell(help))),
            (None, None, None) => {}
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
    use crate::finding::{Fix, Severity};

    #[test]
    fn a_suggestion_is_the_line_with_only_the_fix_applied() {
        let doc = Document::parse(
            "a.md",
            "# T\r\n\r\n> teh ```x``` end\r\nlast\r\n".into(),
            false,
        )
        .expect("parses");
        let at = doc.text.find("teh").expect("teh");
        let span = at..at + 3;
        let fixed_by = |replacement: &str, applicability| Finding {
            fix: Some(Fix {
                replacement: replacement.into(),
                range: span.clone(),
                applicability,
                placement: Default::default(),
            }),
            rule: "typo",
            severity: Severity::Error,
            path: doc.path.clone(),
            start: doc.locate(at),
            end: doc.locate(span.end),
            range: span.clone(),
            message: "`teh`".into(),
            help: None,
        };
        assert_eq!(
            suggestion(&fixed_by("the", Applicability::Safe), &doc).as_deref(),
            Some("````suggestion:-0+0\n> the ```x``` end\n````")
        );
        assert_eq!(
            suggestion(&fixed_by("the", Applicability::Unsafe), &doc),
            None
        );
        assert_eq!(
            suggestion(&fixed_by("the\nextra", Applicability::Safe), &doc),
            None
        );
    }
}
