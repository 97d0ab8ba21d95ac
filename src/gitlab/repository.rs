//! The repository at a commit, without a checkout: its file list
//! (`GET …/repository/tree`, recursive, keyset pagination) and a file's
//! bytes (`GET …/repository/files/:path/raw`).
//!
//! "Repositories API", List repository tree (docs.gitlab.com/api/repositories/):
//! `ref`, `recursive`, `per_page` (default 20), `pagination=keyset` and
//! `page_token`; iterating with `?page=N` is unsupported since GitLab 15.0.
//! "REST API", Keyset-based pagination (docs.gitlab.com/api/rest/): the next
//! page is named by the `Link` header's `rel="next"` (absent on the last
//! page, and "you should use only the given link … instead of building your
//! own URL"); `per_page` is at most 100. GitLab's tree handler
//! (`lib/api/repositories.rb`) answers `404 Tree Not Found` for a ref that
//! names no commit.

use super::client::{ApiError, ApiErrorKind, Client, Response, project_id};
use gitlab::api::Endpoint;
use http::Method;
use serde::Deserialize;
use std::borrow::Cow;

/// The most entries of a tree read (files and folders): 2,000 pages of 100.
/// A larger tree is an error rather than a partial list, which would make
/// links to the files left out look broken.
pub const MAX_TREE_ENTRIES: usize = 200_000;

/// Entries per page asked for (GitLab's maximum).
const PER_PAGE: u64 = 100;

/// One entry of the tree, as GitLab lists it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct TreeEntry {
    /// The blob's or tree's object id.
    #[serde(default)]
    pub id: String,
    /// `blob`, `tree` or `commit` (a submodule).
    #[serde(rename = "type")]
    pub kind: String,
    /// Root-relative.
    pub path: String,
    /// `100644`, `100755`, `120000` (a symbolic link), `040000`, `160000`.
    #[serde(default)]
    pub mode: String,
}

impl TreeEntry {
    /// A regular file (not a folder, a submodule or a symbolic link).
    pub fn is_file(&self) -> bool {
        self.kind == "blob" && matches!(self.mode.as_str(), "100644" | "100755")
    }
}

/// `GET /projects/:id/repository/tree` with the query of one page.
struct TreePage<'a> {
    project: &'a str,
    query: &'a [(String, String)],
}

impl Endpoint for TreePage<'_> {
    fn method(&self) -> Method {
        Method::GET
    }

    fn endpoint(&self) -> Cow<'static, str> {
        format!("projects/{}/repository/tree", project_id(self.project)).into()
    }

    fn parameters(&self) -> gitlab::api::QueryParams<'_> {
        let mut params = gitlab::api::QueryParams::default();
        for (key, value) in self.query {
            params.push(key.as_str(), value.as_str());
        }
        params
    }
}

/// The first page's query: the whole tree at `sha`, keyset-paginated.
fn first_query(sha: &str) -> Vec<(String, String)> {
    [
        ("ref", sha.to_owned()),
        ("recursive", "true".to_owned()),
        ("pagination", "keyset".to_owned()),
        ("per_page", PER_PAGE.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The target of the `rel="next"` link of a `Link` header (RFC 8288), if any.
pub fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let params_end = after[close..].find('<').map_or(after.len(), |i| close + i);
        let params = &after[close + 1..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            p.strip_prefix("rel=").is_some_and(|v| {
                v.trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(target.to_owned());
        }
        rest = &after[params_end..];
    }
    None
}

/// The query of the next page, from an answer's `Link` header; `None` on
/// the last page. The link's own query is kept as GitLab gave it; its
/// scheme, host and path are not used: every request goes to the API the
/// client was configured with (the project is named in the path already,
/// so an `id` parameter is dropped).
fn next_query(response: &Response, what: &str) -> Result<Option<Vec<(String, String)>>, ApiError> {
    let Some(link) = response.header("link").and_then(next_link) else {
        return Ok(None);
    };
    let url = url::Url::parse(&link).map_err(|e| ApiError {
        what: what.to_owned(),
        kind: ApiErrorKind::Decode(format!("the next page's link `{link}` is not a URL: {e}")),
        help: None,
    })?;
    Ok(Some(
        url.query_pairs()
            .filter(|(k, _)| k != "id")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    ))
}

/// Every entry of the repository's tree at `sha`, following keyset
/// pagination; at most `max_entries`, else an error.
pub fn tree(
    client: &Client,
    project: &str,
    sha: &str,
    max_entries: usize,
) -> Result<Vec<TreeEntry>, ApiError> {
    let what = format!("list the files of project `{project}` at {sha}");
    let mut entries: Vec<TreeEntry> = Vec::new();
    let mut query = first_query(sha);
    loop {
        let response = client.send(
            &TreePage {
                project,
                query: &query,
            },
            &what,
        )?;
        let batch: Vec<TreeEntry> =
            serde_json::from_slice(&response.body).map_err(|e| ApiError {
                what: what.clone(),
                kind: ApiErrorKind::Decode(e.to_string()),
                help: None,
            })?;
        let empty = batch.is_empty();
        entries.extend(batch);
        if entries.len() > max_entries {
            return Err(ApiError {
                what,
                kind: ApiErrorKind::Decode(format!(
                    "the tree has more than {max_entries} entries, the most hblint reads"
                )),
                help: Some("run `hblint mr` in a checkout of the merge request instead".into()),
            });
        }
        match next_query(&response, &what)? {
            // A next link that names this same page again would never end.
            Some(next) if !empty && next != query => query = next,
            _ => return Ok(entries),
        }
    }
}

/// `GET …/repository/files/:path/raw?ref=sha`: a file's bytes at a commit;
/// `None` when the commit has no such file (404).
pub fn file_at(
    client: &Client,
    project: &str,
    path: &str,
    sha: &str,
) -> Result<Option<Vec<u8>>, ApiError> {
    match super::merge_request::raw_file(client, project, path, sha) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_others() {
        let header = "<https://gitlab.example.com/api/v4/projects/2/repository/tree?id=2&page_token=abc%3D&pagination=keyset&per_page=20&recursive=false>; rel=\"next\", \
                      <https://gitlab.example.com/api/v4/projects/2/repository/tree?page=1>; rel=\"first\"";
        assert_eq!(
            next_link(header).as_deref(),
            Some(
                "https://gitlab.example.com/api/v4/projects/2/repository/tree?id=2&page_token=abc%3D&pagination=keyset&per_page=20&recursive=false"
            )
        );
        assert_eq!(
            next_link("<https://x/a?page=1>; rel=\"first\", <https://x/a?page=9>; rel=\"last\""),
            None
        );
        assert_eq!(
            next_link("<https://x/a?p=2>; rel=next").as_deref(),
            Some("https://x/a?p=2")
        );
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn the_tree_endpoint_encodes_the_project() {
        let query = first_query("abc");
        let page = TreePage {
            project: "group/handbook",
            query: &query,
        };
        assert_eq!(page.endpoint(), "projects/group%2Fhandbook/repository/tree");
        assert!(query.contains(&("pagination".into(), "keyset".into())));
        assert!(query.contains(&("per_page".into(), "100".into())));
    }

    #[test]
    fn only_regular_files_count() {
        let json = r#"[{"id":"a","name":"html","type":"tree","path":"files/html","mode":"040000"},
            {"id":"b","name":"x.md","type":"blob","path":"files/x.md","mode":"100644"},
            {"id":"c","name":"l","type":"blob","path":"files/l","mode":"120000"},
            {"id":"d","name":"s","type":"commit","path":"s","mode":"160000"}]"#;
        let entries: Vec<TreeEntry> = serde_json::from_str(json).expect("parses");
        let files: Vec<&str> = entries
            .iter()
            .filter(|e| e.is_file())
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(files, ["files/x.md"]);
    }
}
