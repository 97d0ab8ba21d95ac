//! The merge request and its changed files: `GET …/merge_requests/:iid`,
//! `…/diffs` (paginated) and, on servers without it, the older `…/changes`,
//! with the signs of GitLab's diff limits; a file's bytes at a commit; the
//! token's own user.
//!
//! GitLab applies its merge request diff limits to these answers and says so
//! only in the data ("Merge request API", docs.gitlab.com/api/merge_requests/):
//! `changes_count` becomes a string such as `"1000+"`, `overflow` is true on
//! `/changes`, and an item that is `collapsed` or `too_large` has an empty `diff`.

use super::client::{ApiError, ApiErrorKind, Client};
use super::diff::DiffItem;
use gitlab::api::Endpoint;
use gitlab::api::projects::merge_requests::{MergeRequest as GetMr, MergeRequestDiffs};
use gitlab::api::projects::repository::files::FileRaw;
use http::Method;
use serde::Deserialize;
use std::borrow::Cow;

/// The token's own user (`GET /user`), to recognise hblint's own notes.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    #[serde(default)]
    pub username: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
pub struct DiffRefs {
    pub base_sha: Option<String>,
    pub head_sha: Option<String>,
    pub start_sha: Option<String>,
}

/// The fields of a merge request that hblint uses.
#[derive(Debug, Clone, Deserialize)]
pub struct MergeRequest {
    pub iid: u64,
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub web_url: String,
    /// A string: `"12"`, or `"1000+"` past the diff limits.
    #[serde(default)]
    pub changes_count: Option<String>,
    /// `null` right after creation.
    #[serde(default)]
    pub diff_refs: Option<DiffRefs>,
    /// A draft MR. (GitLab also sends the older `work_in_progress`; an
    /// alias would make the two a duplicate field.)
    #[serde(default)]
    pub draft: bool,
}

impl MergeRequest {
    /// The head commit: `diff_refs.head_sha`, else `sha`.
    pub fn head_sha(&self) -> Option<&str> {
        self.diff_refs
            .as_ref()
            .and_then(|d| d.head_sha.as_deref())
            .or(self.sha.as_deref())
    }

    /// The base commit of the MR's diff, when GitLab has computed it.
    pub fn base_sha(&self) -> Option<&str> {
        self.diff_refs.as_ref().and_then(|d| d.base_sha.as_deref())
    }

    /// The project's web address, from the MR's (`…/group/p/-/merge_requests/12` → `…/group/p`).
    pub fn project_web_url(&self) -> Option<&str> {
        self.web_url
            .find("/-/merge_requests/")
            .map(|i| &self.web_url[..i])
    }

    /// `changes_count` ends in `+`: GitLab listed only part of the changes.
    pub fn changes_capped(&self) -> bool {
        self.changes_count
            .as_deref()
            .is_some_and(|c| c.trim().ends_with('+'))
    }
}

/// A builder's error (a required field left out) as an [`ApiError`].
pub(super) fn built<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> Result<T, ApiError> {
    r.map_err(|e| ApiError {
        what: what.to_owned(),
        kind: ApiErrorKind::Decode(e.to_string()),
        help: None,
    })
}

/// `GET …/merge_requests/:iid`.
pub fn get(client: &Client, project: &str, iid: u64) -> Result<MergeRequest, ApiError> {
    let what = format!("read merge request !{iid} of project `{project}`");
    let endpoint = built(
        GetMr::builder().project(project).merge_request(iid).build(),
        &what,
    )?;
    client.json(&endpoint, &what)
}

/// `GET /user`.
pub fn current_user(client: &Client) -> Result<User, ApiError> {
    let what = "read the token's user (GET /user)";
    let endpoint = built(gitlab::api::users::CurrentUser::builder().build(), what)?;
    client.json(&endpoint, what)
}

/// `GET …/repository/files/:path/raw?ref=sha`: a file's bytes at a commit.
pub fn raw_file(
    client: &Client,
    project: &str,
    path: &str,
    sha: &str,
) -> Result<Vec<u8>, ApiError> {
    let what = format!("read {path} at {sha}");
    let endpoint = built(
        FileRaw::builder()
            .project(project)
            .file_path(path)
            .ref_(sha)
            .build(),
        &what,
    )?;
    Ok(client.send(&endpoint, &what)?.body)
}

/// `GET …/merge_requests/:iid/changes` (deprecated, one answer); the `gitlab`
/// crate has no endpoint type for it.
pub struct Changes<'a> {
    pub project: &'a str,
    pub iid: u64,
}

impl Endpoint for Changes<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!(
            "projects/{}/merge_requests/{}/changes",
            super::client::project_id(self.project),
            self.iid
        )
        .into()
    }
}

#[derive(Debug, Deserialize)]
struct ChangesAnswer {
    #[serde(default)]
    changes: Vec<DiffItem>,
    #[serde(default)]
    overflow: bool,
}

/// The most pages of 100 changed files read (GitLab caps diffs far below this).
const MAX_DIFF_PAGES: u64 = 100;

/// The changed files as the API lists them, and whether GitLab cut the list short.
#[derive(Debug, Clone)]
pub struct ChangedFiles {
    pub items: Vec<DiffItem>,
    /// `overflow` on `/changes`, or `changes_count` ending in `+`.
    pub list_capped: bool,
}

impl ChangedFiles {
    /// Items whose diff GitLab left out (collapsed or too large).
    pub fn without_diff(&self) -> impl Iterator<Item = &DiffItem> {
        self.items
            .iter()
            .filter(|i| !i.deleted_file && i.diff.is_empty() && (i.collapsed || i.too_large))
    }
}

/// Every changed file: `/diffs` with pagination; `/changes` when the server lacks `/diffs`.
pub fn changed_files(
    client: &Client,
    mr: &MergeRequest,
    project: &str,
) -> Result<ChangedFiles, ApiError> {
    let iid = mr.iid;
    let what = format!("list the changed files of merge request !{iid}");
    let diffs = built(
        MergeRequestDiffs::builder()
            .project(project)
            .merge_request(iid)
            .build(),
        &what,
    )?;
    let (items, overflow) = match client.paged(&diffs, &what, MAX_DIFF_PAGES) {
        Ok(items) => (items, false),
        Err(e) if matches!(e.status(), Some(404) | Some(405)) => {
            // Older GitLab: no /diffs. A 404 for the MR itself fails here too.
            let answer: ChangesAnswer = client.json(
                &Changes { project, iid },
                &format!("list the changes of merge request !{iid}"),
            )?;
            (answer.changes, answer.overflow)
        }
        Err(e) => return Err(e),
    };
    Ok(ChangedFiles {
        items,
        list_capped: overflow || mr.changes_capped(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_request_fields_as_gitlab_documents_them() {
        let json = r#"{"id": 155016530, "iid": 133, "project_id": 15513260, "title": "Update SA pages",
            "state": "opened", "draft": false, "sha": "e82eb4a0", "labels": ["SA-HANDBOOK"],
            "web_url": "https://gitlab.example.com/group/handbook/-/merge_requests/133",
            "changes_count": "1", "diff_refs": {"base_sha": "1162f719", "head_sha": "e82eb4a0", "start_sha": "1162f719"}}"#;
        let mr: MergeRequest = serde_json::from_str(json).expect("parses");
        assert_eq!(mr.head_sha(), Some("e82eb4a0"));
        assert_eq!(mr.base_sha(), Some("1162f719"));
        assert!(!mr.changes_capped());
        assert_eq!(
            mr.project_web_url(),
            Some("https://gitlab.example.com/group/handbook")
        );
        let fresh: MergeRequest = serde_json::from_str(
            r#"{"iid": 1, "diff_refs": null, "sha": "abc", "changes_count": "1000+"}"#,
        )
        .expect("parses");
        assert_eq!(fresh.head_sha(), Some("abc"));
        assert!(fresh.changes_capped());
    }

    #[test]
    fn the_changes_endpoint_encodes_the_project_path() {
        let e = Changes {
            project: "group/handbook",
            iid: 7,
        };
        assert_eq!(
            e.endpoint(),
            "projects/group%2Fhandbook/merge_requests/7/changes"
        );
    }
}
