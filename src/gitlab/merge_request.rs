//! The merge request and its changed files: `GET …/merge_requests/:iid`,
//! `…/diffs` (paginated) and, on servers without it, the older `…/changes`.

use super::client::{ApiError, Client, project_id};
use super::diff::DiffItem;
use gitlab::api::Endpoint;
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

pub struct CurrentUser;

impl Endpoint for CurrentUser {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        "user".into()
    }
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
    pub title: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub web_url: String,
    /// `null` right after creation.
    #[serde(default)]
    pub diff_refs: Option<DiffRefs>,
}

impl MergeRequest {
    /// The head commit: `diff_refs.head_sha`, else `sha`.
    pub fn head_sha(&self) -> Option<&str> {
        self.diff_refs
            .as_ref()
            .and_then(|d| d.head_sha.as_deref())
            .or(self.sha.as_deref())
    }

    /// The project's web address, from the MR's (`…/group/p/-/merge_requests/12` → `…/group/p`).
    pub fn project_web_url(&self) -> Option<&str> {
        self.web_url
            .find("/-/merge_requests/")
            .map(|i| &self.web_url[..i])
    }
}

fn mr_path(project: &str, iid: u64) -> String {
    format!("projects/{}/merge_requests/{iid}", project_id(project))
}

pub struct GetMergeRequest<'a> {
    pub project: &'a str,
    pub iid: u64,
}

impl Endpoint for GetMergeRequest<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        mr_path(self.project, self.iid).into()
    }
}

/// `GET …/merge_requests/:iid/diffs` (GitLab 15.7+), paginated.
pub struct Diffs<'a> {
    pub project: &'a str,
    pub iid: u64,
}

impl Endpoint for Diffs<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!("{}/diffs", mr_path(self.project, self.iid)).into()
    }
}

/// `GET …/merge_requests/:iid/changes` (deprecated, one answer).
pub struct Changes<'a> {
    pub project: &'a str,
    pub iid: u64,
}

impl Endpoint for Changes<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!("{}/changes", mr_path(self.project, self.iid)).into()
    }
}

#[derive(Debug, Deserialize)]
struct ChangesAnswer {
    #[serde(default)]
    changes: Vec<DiffItem>,
    #[serde(default)]
    overflow: bool,
}

/// `GET …/repository/files/:path/raw?ref=sha`: a file's bytes at a commit (bot mode).
pub struct RawFile<'a> {
    pub project: &'a str,
    pub path: &'a str,
    pub sha: &'a str,
}

impl Endpoint for RawFile<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!(
            "projects/{}/repository/files/{}/raw",
            project_id(self.project),
            project_id(self.path)
        )
        .into()
    }
    fn parameters(&self) -> gitlab::api::QueryParams<'_> {
        let mut p = gitlab::api::QueryParams::default();
        p.push("ref", self.sha);
        p
    }
}

/// The most pages of 100 changed files read (GitLab caps diffs far below this).
const MAX_DIFF_PAGES: u64 = 100;

/// Every changed file: `/diffs` with pagination; `/changes` when the server lacks `/diffs`.
/// Also says whether GitLab truncated the list (`overflow`).
pub fn changed_files(
    client: &Client,
    project: &str,
    iid: u64,
) -> Result<(Vec<DiffItem>, bool), ApiError> {
    match client.paged(
        &Diffs { project, iid },
        &format!("list the changed files of merge request !{iid}"),
        MAX_DIFF_PAGES,
    ) {
        Ok(items) => Ok((items, false)),
        Err(e) if matches!(e.status(), Some(404) | Some(405)) => {
            // Older GitLab: no /diffs. A 404 for the MR itself fails here too.
            let answer: ChangesAnswer = client.json(
                &Changes { project, iid },
                &format!("list the changes of merge request !{iid}"),
            )?;
            Ok((answer.changes, answer.overflow))
        }
        Err(e) => Err(e),
    }
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
        assert_eq!(
            mr.project_web_url(),
            Some("https://gitlab.example.com/group/handbook")
        );
        let fresh: MergeRequest =
            serde_json::from_str(r#"{"iid": 1, "diff_refs": null, "sha": "abc"}"#).expect("parses");
        assert_eq!(fresh.head_sha(), Some("abc"));
    }

    #[test]
    fn endpoints_encode_the_project_path() {
        let e = Diffs {
            project: "group/handbook",
            iid: 7,
        };
        assert_eq!(
            e.endpoint(),
            "projects/group%2Fhandbook/merge_requests/7/diffs"
        );
        let raw = RawFile {
            project: "1",
            path: "content/a b.md",
            sha: "s",
        };
        assert_eq!(
            raw.endpoint(),
            "projects/1/repository/files/content%2Fa%20b%2Emd/raw"
        );
    }
}
