//! What the merge request changes, and the bytes to lint: from git in a
//! checkout, from the API with `--from-api`.
//!
//! In a checkout the diff is `git diff BASE HEAD` (the MR's own diff, which
//! GitLab computes between the same two commits), and pages are read at HEAD
//! from git: in a merged-results pipeline the checkout is a temporary merge
//! commit, whose lines do not match the MR's diff. Through the API, GitLab's
//! diff limits can hide files or hunks; each gap is reported.

use crate::document::InputError;
use crate::git;
use crate::gitlab::client::{ApiError, Client};
use crate::gitlab::diff::{DiffItem, FileChange};
use crate::gitlab::merge_request::{self, MergeRequest};
use crate::inputs::{Content, SourceFile, is_markdown};
use std::path::Path;

/// The MR's changes and the pages to lint.
#[derive(Debug, Default)]
pub struct Changes {
    pub files: Vec<FileChange>,
    pub sources: Vec<SourceFile>,
    /// Changed pages that were not linted, and why.
    pub refused: Vec<InputError>,
    /// What hblint could not see, for the log and the note.
    pub gaps: Vec<String>,
}

impl Changes {
    /// Changed paths (both sides of renames) and deleted Markdown pages, sorted.
    pub fn changed_and_deleted(&self) -> (Vec<String>, Vec<String>) {
        let mut changed = Vec::new();
        let mut deleted = Vec::new();
        for c in &self.files {
            changed.push(c.new_path.clone());
            if c.renamed || c.deleted {
                changed.push(c.old_path.clone());
                if is_markdown(&c.old_path) {
                    deleted.push(c.old_path.clone());
                }
            }
        }
        changed.sort();
        changed.dedup();
        deleted.sort();
        deleted.dedup();
        (changed, deleted)
    }
}

/// A commit the job needs, and where its id came from (for messages).
#[derive(Debug, Clone)]
pub struct Commit {
    pub sha: String,
    pub source: String,
}

fn missing_commit(root: &Path, what: &str, commit: &Commit) -> miette::Report {
    let help = if git::is_shallow(root) {
        format!(
            "this clone is shallow (GitLab fetches GIT_DEPTH commits, 20 by default) and does not \
             reach {}. Set `variables: GIT_DEPTH: 0` on the hblint job (or a depth that reaches \
             the MR's base), or fetch it in before_script: `git fetch --depth=1 origin {}`",
            commit.sha, commit.sha
        )
    } else {
        format!(
            "fetch it (`git fetch origin {}`), or run hblint in the merge request pipeline's checkout",
            commit.sha
        )
    };
    miette::miette!(
        help = help,
        "the MR's {what} commit {} ({}) is not in the checkout at {}",
        commit.sha,
        commit.source,
        root.display()
    )
}

/// The diff between `base` and `head` in the checkout at `root`, and the
/// changed pages read at `head`.
pub fn from_git(root: &Path, base: &Commit, head: &Commit) -> miette::Result<Changes> {
    if git::toplevel(root).is_err() {
        return Err(miette::miette!(
            help = "run `hblint mr` in the job's git checkout, or pass --from-api to read the \
                    changes from GitLab (that needs an access token: the job token may not read diffs)",
            "{} is not a git checkout",
            root.display()
        ));
    }
    for (what, commit) in [("base", base), ("head", head)] {
        if !git::has_commit(root, &commit.sha) {
            return Err(missing_commit(root, what, commit));
        }
    }
    let raw =
        git::changes_between(root, &base.sha, &head.sha).map_err(|e| miette::miette!("{e}"))?;
    let mut files = Vec::new();
    let mut wanted = Vec::new();
    let mut refused = Vec::new();
    for c in &raw {
        let deleted = c.status == 'D';
        files.push(FileChange::from_item(&DiffItem {
            old_path: c.old_path.clone(),
            new_path: c.new_path.clone(),
            new_file: c.status == 'A',
            renamed_file: c.status == 'R',
            deleted_file: deleted,
            collapsed: false,
            too_large: false,
            diff: c.hunks.clone(),
        }));
        if deleted || !is_markdown(&c.new_path) {
            continue;
        }
        match c.new_mode.as_str() {
            "100644" | "100755" if safe_relative(&c.new_path) => wanted.push(c),
            "100644" | "100755" => refused.push(InputError::Unreadable {
                path: c.new_path.clone(),
                reason: "the path leaves the repository; not read".into(),
            }),
            "120000" => refused.push(InputError::Unreadable {
                path: c.new_path.clone(),
                reason: "a symbolic link; not read".into(),
            }),
            _ => {}
        }
    }
    let ids: Vec<&str> = wanted.iter().map(|c| c.new_blob.as_str()).collect();
    let blobs = git::read_blobs(root, &ids).map_err(|e| miette::miette!("{e}"))?;
    // A blob git does not have is left out.
    let sources = wanted
        .iter()
        .zip(blobs)
        .filter_map(|(c, bytes)| {
            bytes.map(|bytes| SourceFile {
                path: c.new_path.clone(),
                content: Content::Bytes(bytes),
            })
        })
        .collect();
    Ok(Changes {
        files,
        sources,
        refused,
        gaps: Vec::new(),
    })
}

/// The changes as the API lists them and the pages' bytes at `head`, with
/// every gap GitLab's diff limits leave named.
pub fn from_api(
    client: &Client,
    project: &str,
    mr: &MergeRequest,
    head: &str,
) -> Result<Changes, ApiError> {
    let listed = merge_request::changed_files(client, mr, project)?;
    let mut gaps = Vec::new();
    if listed.list_capped {
        gaps.push(format!(
            "GitLab's diff limits cut this merge request's list of changes short (changes_count \
             `{}`): only the {} files it listed were linted. Run the job in a checkout (without \
             --from-api) to lint every changed file.",
            mr.changes_count.as_deref().unwrap_or("?"),
            listed.items.len()
        ));
    }
    for item in listed.without_diff() {
        gaps.push(format!(
            "GitLab sent no diff for `{}` ({}): the whole file was linted, and its findings \
             count as on changed lines.",
            item.new_path,
            if item.too_large {
                "too large"
            } else {
                "collapsed"
            }
        ));
    }
    let files: Vec<FileChange> = listed.items.iter().map(FileChange::from_item).collect();
    let mut sources = Vec::new();
    let mut refused = Vec::new();
    for c in files
        .iter()
        .filter(|c| !c.deleted && is_markdown(&c.new_path))
    {
        if !safe_relative(&c.new_path) {
            refused.push(InputError::Unreadable {
                path: c.new_path.clone(),
                reason: "the path leaves the repository; not read".into(),
            });
            continue;
        }
        let bytes = merge_request::raw_file(client, project, &c.new_path, head)?;
        sources.push(SourceFile {
            path: c.new_path.clone(),
            content: Content::Bytes(bytes),
        });
    }
    Ok(Changes {
        files,
        sources,
        refused,
        gaps,
    })
}

/// A path that stays inside the repository (no `..`, not absolute).
fn safe_relative(path: &str) -> bool {
    !path.starts_with('/')
        && !path.contains('\\')
        && !path.split('/').any(|part| part == ".." || part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_gitlab_stay_inside_the_checkout() {
        assert!(safe_relative("content/handbook/a.md"));
        assert!(!safe_relative("../etc/passwd.md"));
        assert!(!safe_relative("/etc/x.md"));
        assert!(!safe_relative("content//a.md"));
    }
}
