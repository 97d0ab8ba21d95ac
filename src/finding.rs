//! A finding: what a rule reports about one place in one file.
//!
//! Rules produce findings with byte ranges into the document's text; line and
//! column numbers are filled in once, by the engine, when the finding leaves
//! the rule (see [`crate::document::Document::locate`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// How serious a finding is. `Off` only appears in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// `--fix` applies it.
    Safe,
    #[default]
    /// Shown as a suggestion only (for example one of several spelling candidates).
    Unsafe,
}

/// A replacement of one byte range of the document's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub replacement: String,
    #[serde(skip)]
    pub range: Range<usize>,
    #[serde(skip)]
    pub applicability: Applicability,
    /// Whether `--fix` may apply it where it stands, as the engine found when
    /// it placed the finding in its page (see [`crate::fix::placement`]).
    #[serde(skip)]
    pub placement: Placement,
}

/// Where a fix stands in its page's text: what `--fix` needs to know of the
/// page beyond the fix itself, kept so that counting the fixable findings
/// never parses a page again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Not placed in a page yet (a finding about a page the run did not read).
    #[default]
    Unplaced,
    /// `--fix` may apply it.
    Free,
    /// Its range is not in the text, or the text already reads the replacement.
    Void,
    /// It starts or ends inside code.
    InCode,
    /// It would change a heading's generated anchor.
    RenamesAnchor,
}

/// A 1-based line and column (column counted in characters).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// Byte range in the document's text (after any BOM).
    pub range: Range<usize>,
    pub start: Position,
    pub end: Position,
    pub message: String,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Finding {
    /// The order reports use: path, line, column, then rule name.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.path,
            self.start.line,
            self.start.column,
            self.rule,
            &self.message,
        )
    }
}

/// What a rule hands back: a finding before the engine has placed it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            range,
            message: message.into(),
            help: None,
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attach a fix that replaces this diagnostic's range.
    pub fn with_fix(
        mut self,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> Self {
        self.fix = Some(Fix {
            replacement: replacement.into(),
            range: self.range.clone(),
            applicability,
            placement: Placement::Unplaced,
        });
        self
    }
}
