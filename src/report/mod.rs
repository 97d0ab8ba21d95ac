//! Reports: render findings, decide nothing.
//!
//! One file per output format, each behind [`Report`].

pub mod codequality;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod note;
pub mod sarif;
pub mod statistics;

use crate::lint::Outcome;
use std::io::{self, Write};
use std::time::Duration;

/// What every report may show besides the findings.
pub struct ReportContext<'a> {
    pub outcome: &'a Outcome,
    /// Wall time of the run, for the human summary.
    pub elapsed: Duration,
    /// Colour and Unicode art (human report only).
    pub color: bool,
    /// Findings left out by scope (MR job), for summaries.
    pub out_of_scope: usize,
    /// What the run read besides the pages, said in the human summary
    /// (`22 link exclusions read from .hugolint.yaml`).
    pub notes: Vec<String>,
}

pub trait Report {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// `error`, `errors`: the plural when `n` is not one.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
