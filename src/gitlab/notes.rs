//! MR notes through the `gitlab` crate's endpoints: list, create, edit; and
//! finding hblint's own note again.

use super::client::{ApiError, Client};
use super::merge_request::built;
use gitlab::api::common::SortOrder;
use gitlab::api::projects::merge_requests::notes::{
    CreateMergeRequestNote, EditMergeRequestNote, MergeRequestNotes, NoteOrderBy,
};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    pub id: u64,
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

/// The most pages of 100 notes read: 10,000 notes. A longer list is an
/// error, not a part taken for the whole: hblint's own note could be past
/// the last page read, and posting a new one would duplicate it.
pub const MAX_PAGES: u64 = 100;

/// Every note of the MR, oldest first.
pub fn list(client: &Client, project: &str, iid: u64) -> Result<Vec<Note>, ApiError> {
    let what = format!("list the notes of merge request !{iid}");
    let endpoint = built(
        MergeRequestNotes::builder()
            .project(project)
            .merge_request(iid)
            .order_by(NoteOrderBy::CreatedAt)
            .sort(SortOrder::Ascending)
            .build(),
        &what,
    )?;
    client.paged_whole(&endpoint, &what, MAX_PAGES)
}

/// Post a new note; its id.
pub fn create(client: &Client, project: &str, iid: u64, body: &str) -> Result<u64, ApiError> {
    let what = format!("comment on merge request !{iid}");
    let endpoint = built(
        CreateMergeRequestNote::builder()
            .project(project)
            .merge_request(iid)
            .body(body)
            .build(),
        &what,
    )?;
    let note: Note = client.json(&endpoint, &what)?;
    Ok(note.id)
}

/// Replace a note's body.
pub fn edit(
    client: &Client,
    project: &str,
    iid: u64,
    note: u64,
    body: &str,
) -> Result<(), ApiError> {
    let what = format!("edit note {note} on merge request !{iid}");
    let endpoint = built(
        EditMergeRequestNote::builder()
            .project(project)
            .merge_request(iid)
            .note(note)
            .body(body)
            .build(),
        &what,
    )?;
    client.send(&endpoint, &what)?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: u64, author: u64, body: &str) -> Note {
        Note {
            id,
            body: body.into(),
            author: Author { id: author },
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
