//! The tree's own link checker exclusions (`.hugolint.yaml`): links whose
//! URL matches one of its `exclude: - pattern:` regexes are never checked,
//! so hblint can stand in for that checker.

use crate::error::SourceError;
use regex::RegexSet;

/// The `exclude` patterns of one link checker configuration.
#[derive(Debug)]
pub struct LinkExcludes {
    /// The file they were read from, as configured (`.hugolint.yaml`).
    pub file: String,
    patterns: RegexSet,
}

impl LinkExcludes {
    /// Read `exclude: [{pattern: REGEX}, …]` from the YAML `text` of `file`.
    /// A file that is not such a list, or a pattern that does not compile,
    /// is an error at its line.
    pub fn parse(file: &str, text: &str) -> Result<LinkExcludes, Box<SourceError>> {
        let fail = |message: String, at: Option<std::ops::Range<usize>>| {
            SourceError::new(
                file,
                text,
                message,
                at,
                Some(
                    "each entry of `exclude` is `- pattern: 'REGEX'`; or drop the file from `[links] exclude-files`"
                        .into(),
                ),
            )
        };
        let value: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
            let at = e.location().map(|l| l.index()..l.index() + 1);
            fail(format!("invalid YAML in {file}: {e}"), at)
        })?;
        let mut patterns = Vec::new();
        match value.get("exclude") {
            None | Some(serde_norway::Value::Null) => {}
            Some(serde_norway::Value::Sequence(items)) => {
                for item in items {
                    match item.get("pattern").and_then(|p| p.as_str()) {
                        Some(p) => patterns.push(p.to_owned()),
                        None => {
                            return Err(fail(
                                format!("an `exclude` entry of {file} has no `pattern` string"),
                                None,
                            ));
                        }
                    }
                }
            }
            Some(_) => {
                return Err(fail(format!("`exclude` in {file} is not a list"), None));
            }
        }
        for p in &patterns {
            if let Err(e) = regex::Regex::new(p) {
                let at = text.find(p.as_str()).map(|i| i..i + p.len());
                return Err(fail(
                    format!("invalid exclude pattern `{p}` in {file}: {e}"),
                    at,
                ));
            }
        }
        let patterns = RegexSet::new(&patterns)
            .map_err(|e| fail(format!("exclude patterns of {file}: {e}"), None))?;
        Ok(LinkExcludes {
            file: file.to_owned(),
            patterns,
        })
    }

    /// How many patterns were read.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether a link is excluded: its destination as written, or the
    /// root-relative URL it leads to (with `#fragment` when it has one),
    /// matches a pattern. The checker's patterns are written against
    /// root-relative URLs (`^/handbook/engineering/?#`).
    pub fn skips(&self, written: &str, url: &str, fragment: Option<&str>) -> bool {
        if self.patterns.is_match(written) || self.patterns.is_match(url) {
            return true;
        }
        fragment.is_some_and(|f| self.patterns.is_match(&format!("{url}#{f}")))
    }

    /// The run summary's words for them: `12 link exclusions read from .hugolint.yaml`.
    pub fn summary(&self) -> String {
        let n = self.len();
        format!(
            "{n} link exclusion{} read from {}",
            if n == 1 { "" } else { "s" },
            self.file
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUGOLINT: &str = "exclude:\n # static\n - pattern: '^/pdfs/'\n\n# comment\n - pattern: '^/handbook/engineering/?#'\n";

    #[test]
    fn reads_the_patterns_and_matches_urls() {
        let e = LinkExcludes::parse(".hugolint.yaml", HUGOLINT).expect("valid");
        assert_eq!(e.len(), 2);
        assert!(e.skips("/pdfs/a.pdf", "/pdfs/a.pdf", None));
        assert!(e.skips("../engineering/#x", "/handbook/engineering/", Some("x")));
        assert!(e.skips(
            "/handbook/engineering#x",
            "/handbook/engineering",
            Some("x")
        ));
        assert!(!e.skips("/handbook/engineering/", "/handbook/engineering/", None));
        assert!(!e.skips(
            "/handbook/engineering/x/#y",
            "/handbook/engineering/x/",
            Some("y")
        ));
        assert_eq!(e.summary(), "2 link exclusions read from .hugolint.yaml");
    }

    #[test]
    fn errors_name_the_place() {
        let err = LinkExcludes::parse("h.yaml", "exclude:\n - pattern: '^/a/(('\n")
            .expect_err("bad regex");
        assert!(err.to_string().contains("invalid exclude pattern"), "{err}");
        let err = LinkExcludes::parse("h.yaml", "exclude: 3\n").expect_err("not a list");
        assert!(err.to_string().contains("not a list"), "{err}");
        let err = LinkExcludes::parse("h.yaml", "exclude:\n - url: x\n").expect_err("no pattern");
        assert!(err.to_string().contains("no `pattern`"), "{err}");
        assert!(LinkExcludes::parse("h.yaml", "exclude: [\n").is_err());
        let empty = LinkExcludes::parse("h.yaml", "other: 1\n").expect("no exclude key");
        assert!(empty.is_empty());
    }
}
