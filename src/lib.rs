//! hblint: a linter for merge requests to the GitLab handbook.
//!
//! Data flows one way:
//! inputs → [`document`]s → [`rules`] → [`finding`]s → [`report`]s.

pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod document;
pub mod error;
pub mod finding;
pub mod fix;
pub mod git;
pub mod gitlab;
pub mod inputs;
pub mod limits;
pub mod links;
pub mod lint;
pub mod report;
pub mod roles;
pub mod rules;
pub mod spelling;
pub mod suppress;
pub mod terms;
pub mod workspace;
