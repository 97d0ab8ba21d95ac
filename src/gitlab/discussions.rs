//! Diff discussions through the `gitlab` crate's endpoints: list, open one on
//! an added line, and the hidden key that lets a re-run skip its own.

use super::client::{ApiError, Client};
use super::merge_request::built;
use super::notes::Note;
use gitlab::api::projects::merge_requests::discussions::{
    CreateMergeRequestDiscussion, MergeRequestDiscussions, Position as ApiPosition, TextPosition,
};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Discussion {
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// Where a diff discussion is anchored: an added line on the new side.
#[derive(Debug, Clone)]
pub struct Position {
    pub base_sha: String,
    pub start_sha: String,
    pub head_sha: String,
    pub old_path: String,
    pub new_path: String,
    pub new_line: usize,
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

/// The most pages of 100 discussions read: 5,000. A longer list is an
/// error: a discussion hblint opened could be past the last page, and
/// opening it again would duplicate it.
pub const MAX_PAGES: u64 = 50;

/// Every discussion of the MR.
pub fn list(client: &Client, project: &str, iid: u64) -> Result<Vec<Discussion>, ApiError> {
    let what = format!("list the discussions of merge request !{iid}");
    let endpoint = built(
        MergeRequestDiscussions::builder()
            .project(project)
            .merge_request(iid)
            .build(),
        &what,
    )?;
    client.paged_whole(&endpoint, &what, MAX_PAGES)
}

pub fn create(
    client: &Client,
    project: &str,
    iid: u64,
    body: &str,
    p: &Position,
) -> Result<(), ApiError> {
    let what = format!(
        "open a discussion on {}:{} in merge request !{iid}",
        p.new_path, p.new_line
    );
    let text = built(
        TextPosition::builder()
            .old_path(p.old_path.as_str())
            .new_path(p.new_path.as_str())
            .new_line(p.new_line as u64)
            .build(),
        &what,
    )?;
    let position = built(
        ApiPosition::builder()
            .base_sha(p.base_sha.as_str())
            .start_sha(p.start_sha.as_str())
            .head_sha(p.head_sha.as_str())
            .text_position(text)
            .build(),
        &what,
    )?;
    let endpoint = built(
        CreateMergeRequestDiscussion::builder()
            .project(project)
            .merge_request(iid)
            .body(body)
            .position(position)
            .build(),
        &what,
    )?;
    client.send(&endpoint, &what)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gitlab::notes::Author;

    #[test]
    fn keys_come_only_from_our_own_notes() {
        let d = Discussion {
            notes: vec![
                Note {
                    id: 1,
                    body: format!("x {}", key_marker("k1")),
                    author: Author { id: 5 },
                    system: false,
                },
                Note {
                    id: 2,
                    body: key_marker("k2"),
                    author: Author { id: 6 },
                    system: false,
                },
            ],
        };
        assert_eq!(existing_keys(&[d], 5), vec!["k1".to_string()]);
    }
}
