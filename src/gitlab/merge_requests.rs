//! A project's open merge requests (`GET /projects/:id/merge_requests`),
//! filtered as the "Merge requests API" documents it: `state=opened`,
//! `updated_after` (ISO 8601), `labels` (all of them, comma-separated) and
//! `wip=no` to leave drafts out.

use super::client::{ApiError, Client, project_id};
use super::merge_request::MergeRequest;
use gitlab::api::{Endpoint, QueryParams};
use http::Method;
use std::borrow::Cow;

/// Which open merge requests to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those updated at or after this time (ISO 8601, as GitLab takes it).
    pub updated_after: Option<String>,
    /// Only those with every one of these labels.
    pub labels: Vec<String>,
    /// Drafts too.
    pub drafts: bool,
}

/// The list endpoint, newest update first.
pub struct OpenMergeRequests<'a> {
    pub project: &'a str,
    pub filter: &'a Filter,
}

impl Endpoint for OpenMergeRequests<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!("projects/{}/merge_requests", project_id(self.project)).into()
    }
    fn parameters(&self) -> QueryParams<'_> {
        let mut p = QueryParams::default();
        p.push("state", "opened")
            .push("order_by", "updated_at")
            .push("sort", "desc");
        if let Some(after) = &self.filter.updated_after {
            p.push("updated_after", after.as_str());
        }
        if !self.filter.labels.is_empty() {
            p.push("labels", self.filter.labels.join(","));
        }
        if !self.filter.drafts {
            p.push("wip", "no");
        }
        p
    }
}

/// The most pages of 100 merge requests read in one sweep.
pub const MAX_PAGES: u64 = 50;

/// Every open merge request of `project` that `filter` keeps.
pub fn list_open(
    client: &Client,
    project: &str,
    filter: &Filter,
) -> Result<Vec<MergeRequest>, ApiError> {
    let what = format!("list the open merge requests of project `{project}`");
    let mut listed: Vec<MergeRequest> =
        client.paged(&OpenMergeRequests { project, filter }, &what, MAX_PAGES)?;
    // `wip=no` is the server's filter; older servers ignore it.
    if !filter.drafts {
        listed.retain(|mr| !mr.draft);
    }
    Ok(listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_carries_the_filter() {
        let filter = Filter {
            updated_after: Some("2026-11-01T00:00:00Z".into()),
            labels: vec!["SA-HANDBOOK".into(), "documentation".into()],
            drafts: false,
        };
        let e = OpenMergeRequests {
            project: "group/handbook",
            filter: &filter,
        };
        assert_eq!(e.endpoint(), "projects/group%2Fhandbook/merge_requests");
        let mut url = url::Url::parse("https://gl.example/api/v4/x").expect("url");
        e.parameters().add_to_url(&mut url);
        let q = url.query().unwrap_or_default().to_owned();
        for part in [
            "state=opened",
            "updated_after=2026-11-01T00%3A00%3A00Z",
            "labels=SA-HANDBOOK%2Cdocumentation",
            "wip=no",
        ] {
            assert!(q.contains(part), "{q} lacks {part}");
        }
        let all = Filter {
            drafts: true,
            ..Filter::default()
        };
        let mut url = url::Url::parse("https://gl.example/api/v4/x").expect("url");
        OpenMergeRequests {
            project: "1",
            filter: &all,
        }
        .parameters()
        .add_to_url(&mut url);
        assert!(!url.query().unwrap_or_default().contains("wip"));
    }
}
