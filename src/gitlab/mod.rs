//! GitLab as a library: the API client (its retry policy and its errors),
//! typed endpoints (merge request, open merge requests, notes, discussions,
//! the repository tree and files) and the diff parser. It knows nothing of
//! the linter or the command line; `hblint mr` builds its job on it.

pub mod client;
pub mod diff;
pub mod discussions;
pub mod error;
pub mod merge_request;
pub mod merge_requests;
pub mod notes;
pub mod repository;
pub mod retry;
