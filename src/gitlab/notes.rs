//! MR notes: list, create, edit; and finding hblint's own note again.

use super::client::{ApiError, Client, project_id};
use gitlab::api::{Endpoint, FormParams};
use http::Method;
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    pub id: u64,
    #[serde(default)]
    pub username: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Note {
    pub id: u64,
    #[serde(default)]
    pub body: String,
    pub author: Author,
    #[serde(default)]
    pub system: bool,
}

pub struct ListNotes<'a> {
    pub project: &'a str,
    pub iid: u64,
}

impl Endpoint for ListNotes<'_> {
    fn method(&self) -> Method {
        Method::GET
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!(
            "projects/{}/merge_requests/{}/notes",
            project_id(self.project),
            self.iid
        )
        .into()
    }
    fn parameters(&self) -> gitlab::api::QueryParams<'_> {
        let mut p = gitlab::api::QueryParams::default();
        p.push("sort", "asc").push("order_by", "created_at");
        p
    }
}

pub struct CreateNote<'a> {
    pub project: &'a str,
    pub iid: u64,
    pub body: &'a str,
}

impl Endpoint for CreateNote<'_> {
    fn method(&self) -> Method {
        Method::POST
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!(
            "projects/{}/merge_requests/{}/notes",
            project_id(self.project),
            self.iid
        )
        .into()
    }
    fn body(&self) -> Result<Option<(&'static str, Vec<u8>)>, gitlab::api::BodyError> {
        let mut p = FormParams::default();
        p.push("body", self.body);
        p.into_body()
    }
}

pub struct EditNote<'a> {
    pub project: &'a str,
    pub iid: u64,
    pub note: u64,
    pub body: &'a str,
}

impl Endpoint for EditNote<'_> {
    fn method(&self) -> Method {
        Method::PUT
    }
    fn endpoint(&self) -> Cow<'static, str> {
        format!(
            "projects/{}/merge_requests/{}/notes/{}",
            project_id(self.project),
            self.iid,
            self.note
        )
        .into()
    }
    fn body(&self) -> Result<Option<(&'static str, Vec<u8>)>, gitlab::api::BodyError> {
        let mut p = FormParams::default();
        p.push("body", self.body);
        p.into_body()
    }
}

/// hblint's own summary note: written by `user_id` and carrying `marker`.
/// A note by anyone else is never picked, whatever it contains.
pub fn find_own(notes: &[Note], user_id: u64, marker: &str) -> Option<u64> {
    notes
        .iter()
        .filter(|n| !n.system && n.author.id == user_id && n.body.contains(marker))
        .map(|n| n.id)
        .min()
}

/// What [`upsert`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Created(u64),
    Edited(u64),
    /// Nothing to say: no earlier note and nothing found.
    Skipped,
}

/// Edit hblint's note in place, or create it; with `create_if_missing` false
/// and no earlier note, post nothing.
pub fn upsert(
    client: &Client,
    project: &str,
    iid: u64,
    user_id: u64,
    marker: &str,
    body: &str,
    create_if_missing: bool,
) -> Result<Posted, ApiError> {
    let notes: Vec<Note> = client.paged(
        &ListNotes { project, iid },
        &format!("list the notes of merge request !{iid}"),
        50,
    )?;
    match find_own(&notes, user_id, marker) {
        Some(id) => {
            client.send(
                &EditNote {
                    project,
                    iid,
                    note: id,
                    body,
                },
                &format!("edit note {id} on merge request !{iid}"),
            )?;
            Ok(Posted::Edited(id))
        }
        None if !create_if_missing => Ok(Posted::Skipped),
        None => {
            let note: Note = client.json(
                &CreateNote { project, iid, body },
                &format!("comment on merge request !{iid}"),
            )?;
            Ok(Posted::Created(note.id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: u64, author: u64, body: &str) -> Note {
        Note {
            id,
            body: body.into(),
            author: Author {
                id: author,
                username: String::new(),
            },
            system: false,
        }
    }

    #[test]
    fn only_our_own_note_with_the_marker_is_found() {
        let m = "<!-- hblint:mr-note -->";
        let notes = vec![
            note(1, 7, &format!("{m} quoted by a human")),
            note(2, 9, "our unrelated comment"),
            note(3, 9, &format!("{m}\nsummary")),
        ];
        assert_eq!(find_own(&notes, 9, m), Some(3));
        assert_eq!(find_own(&notes, 8, m), None);
        assert_eq!(find_own(&notes[..2], 9, m), None);
    }
}
