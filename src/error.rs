//! Errors that point into a file: the configuration, the role data, a word list.

use miette::{Diagnostic, NamedSource, SourceSpan};
use std::ops::Range;

/// A file that cannot be used, with the place that is wrong.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(hblint::file))]
pub struct SourceError {
    pub message: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[label("here")]
    pub span: Option<SourceSpan>,
    #[help]
    pub help: Option<String>,
}

impl SourceError {
    /// An error at `span` (a byte range) of the file `name` whose text is `text`.
    pub fn new(
        name: &str,
        text: &str,
        message: String,
        span: Option<Range<usize>>,
        help: Option<String>,
    ) -> Box<SourceError> {
        Box::new(SourceError {
            message,
            source_code: NamedSource::new(name, text.to_owned()),
            span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
            help,
        })
    }
}
