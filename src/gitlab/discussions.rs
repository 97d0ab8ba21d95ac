//! Diff discussions for `--inline`: one per finding on a changed line, each
//! tagged with a hidden key so that a re-run never opens the same one twice.

use super::client::{ApiError, Client, project_id};
use super::notes::Note;
use gitlab::api::{Endpoint, FormParams};
use http::Method;
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Deserialize)]
pub struct Discussion {
    pub id: String,
    #[serde(default)]
    pub notes: Vec<Note>,
}

pub struct ListDiscussions<'a> {
    pub project: &'a str,
    pub iid: u64,
}

impl Endpoint for ListDiscussions<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!(
            "projects/{}/merge_requests/{}/discussions",
            project_id(self.project),
            self.iid
        )
        .into()
    }
}

/// Where a diff discussion is anchored.
#[derive(Debug, Clone)]
pub struct Position {
    pub base_sha: String,
    pub start_sha: String,
    pub head_sha: String,
    pub old_path: String,
    pub new_path: String,
    /// An added line, on the new side.
    pub new_line: usize,
}

pub struct CreateDiscussion<'a> {
    pub project: &'a str,
    pub iid: u64,
    pub body: &'a str,
    pub position: &'a Position,
}

impl Endpoint for CreateDiscussion<'_> {
    fn method(&self) -> Method {
        Method::POST
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!(
            "projects/{}/merge_requests/{}/discussions",
            project_id(self.project),
            self.iid
        )
        .into()
    }
    fn body(&self) -> Result<Option<(&'static str, Vec<u8>)>, gitlab::api::BodyError> {
        let p = self.position;
        let mut f = FormParams::default();
        f.push("body", self.body)
            .push("position[position_type]", "text")
            .push("position[base_sha]", p.base_sha.as_str())
            .push("position[start_sha]", p.start_sha.as_str())
            .push("position[head_sha]", p.head_sha.as_str())
            .push("position[old_path]", p.old_path.as_str())
            .push("position[new_path]", p.new_path.as_str())
            .push("position[new_line]", p.new_line as u64);
        f.into_body()
    }
}

/// The hidden key hblint puts in each inline discussion it opens.
pub fn key_marker(key: &str) -> String {
    format!("<!-- hblint:inline {key} -->")
}

/// The keys of every inline discussion hblint (as `user_id`) already opened.
pub fn existing_keys(discussions: &[Discussion], user_id: u64) -> Vec<String> {
    let mut keys = Vec::new();
    for d in discussions {
        for n in &d.notes {
            if n.author.id != user_id {
                continue;
            }
            let mut rest = n.body.as_str();
            while let Some(i) = rest.find("<!-- hblint:inline ") {
                let after = &rest[i + "<!-- hblint:inline ".len()..];
                match after.find(" -->") {
                    Some(end) => {
                        keys.push(after[..end].to_owned());
                        rest = &after[end..];
                    }
                    None => break,
                }
            }
        }
    }
    keys
}

pub fn list(client: &Client, project: &str, iid: u64) -> Result<Vec<Discussion>, ApiError> {
    client.paged(
        &ListDiscussions { project, iid },
        &format!("list the discussions of merge request !{iid}"),
        50,
    )
}

pub fn create(
    client: &Client,
    project: &str,
    iid: u64,
    body: &str,
    position: &Position,
) -> Result<(), ApiError> {
    client.send(
        &CreateDiscussion {
            project,
            iid,
            body,
            position,
        },
        &format!(
            "open a discussion on {}:{} in merge request !{iid}",
            position.new_path, position.new_line
        ),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gitlab::notes::Author;

    #[test]
    fn keys_come_only_from_our_own_notes() {
        let d = Discussion {
            id: "a".into(),
            notes: vec![
                Note {
                    id: 1,
                    body: format!("x {}", key_marker("k1")),
                    author: Author {
                        id: 5,
                        username: String::new(),
                    },
                    system: false,
                },
                Note {
                    id: 2,
                    body: key_marker("k2"),
                    author: Author {
                        id: 6,
                        username: String::new(),
                    },
                    system: false,
                },
            ],
        };
        assert_eq!(existing_keys(&[d], 5), vec!["k1".to_string()]);
    }
}
