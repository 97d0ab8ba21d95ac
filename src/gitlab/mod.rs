//! GitLab: the API client wrapper (merge request, diffs, notes, discussions)
//! and the merge-request job that ties them to the linter.

pub mod client;
pub mod diff;
pub mod discussions;
pub mod job;
pub mod merge_request;
pub mod notes;
