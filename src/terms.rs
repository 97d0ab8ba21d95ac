//! The handbook's list of terms to avoid (`data/misused_terms.yml`): read,
//! and turned into the phrases the `misused-term` rule looks for.
//!
//! Each entry of the list names terms to `avoid`, what to `use_instead`, and
//! a `reason`. Not every entry names a literal term: the list itself marks
//! the ones that are not (`exclude_from_exports: true`, "not literal or too
//! common"), an `avoid_footnote` limits a term to a sense no matcher can see
//! ("used to describe a person"), and some entries describe a use rather
//! than name a term ("CE to reference a specific code or \"Free\" users",
//! "Master (unless used to describe the mastery …)"). Those are kept out of
//! [`TermList::phrases`] and listed by [`TermList::skipped`].

use crate::error::SourceError;
use serde::Deserialize;
use std::path::Path;

/// Where the list lives in a handbook checkout.
pub const DEFAULT_FILE: &str = "data/misused_terms.yml";

/// The largest list read, in bytes (the handbook's is about 25 KB).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A string or a list of strings: the list writes both.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// One entry as the file writes it. Unknown keys are allowed: the list is
/// the handbook's, and may grow fields hblint does not use.
#[derive(Debug, Deserialize)]
struct RawEntry {
    avoid: OneOrMany,
    #[serde(default)]
    avoid_footnote: Option<OneOrMany>,
    #[serde(default)]
    use_instead: Option<OneOrMany>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    exclude_from_exports: bool,
}

/// One entry of the list.
#[derive(Debug, Clone)]
pub struct Entry {
    pub avoid: Vec<String>,
    /// The options as written, Markdown links reduced to their text.
    pub use_instead: Vec<String>,
    /// The reason, on one line, Markdown links written as `text (url)`.
    pub reason: String,
}

/// A phrase to look for, from an entry's `avoid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// As the list writes it (`GitLabber`, `Rule of thumb`, `POC`).
    pub text: String,
    /// Index of its entry in [`TermList::entries`].
    pub entry: usize,
    /// All capitals (`POC`, `PII`): matched in exactly this case.
    pub acronym: bool,
}

/// Why an `avoid` string is not looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// `exclude_from_exports: true`: the list says it is not literal or too common.
    NotExported,
    /// `avoid_footnote`: wrong only in a sense a matcher cannot see.
    Footnote,
    /// A description of a use, not a term.
    Description,
}

/// The list, ready for matching.
#[derive(Debug, Clone, Default)]
pub struct TermList {
    pub entries: Vec<Entry>,
    pub phrases: Vec<Phrase>,
    pub skipped: Vec<(String, SkipReason)>,
}

/// Words that make an `avoid` string a description of a use rather than a term.
const DESCRIPTION_MARKERS: [&str; 5] = [
    " to reference ",
    " to refer ",
    " as an abbreviation",
    " mentioned in ",
    " when ",
];

impl TermList {
    /// Read the list: `file` (relative to the root) when configured, else
    /// `data/misused_terms.yml` under the root. No list (and no configured
    /// file) is an empty list; a configured file that is missing, or a list
    /// that does not parse, is an error naming the file (and the line).
    pub fn load(root: &Path, file: Option<&Path>) -> Result<TermList, Box<SourceError>> {
        let (path, configured) = match file {
            Some(file) => (root.join(file), true),
            None => (root.join(DEFAULT_FILE), false),
        };
        let shown = path.display().to_string();
        let fail = |message: String| SourceError::new(&shown, "", message, None, None);
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !configured => {
                return Ok(TermList::default());
            }
            Err(e) => return Err(fail(format!("cannot read the list of terms {shown}: {e}"))),
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(fail(format!(
                "the list of terms {shown} is {} bytes, more than the {MAX_FILE_BYTES} hblint reads",
                meta.len()
            )));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| fail(format!("cannot read the list of terms {shown}: {e}")))?;
        TermList::parse(&shown, &text)
    }

    /// Parse the list's text; `name` is the file shown in errors.
    pub fn parse(name: &str, text: &str) -> Result<TermList, Box<SourceError>> {
        let raw: Vec<RawEntry> = serde_norway::from_str::<Option<Vec<RawEntry>>>(text)
            .map_err(|e| {
                let span = e.location().map(|l| l.index()..l.index());
                SourceError::new(
                    name,
                    text,
                    format!("the list of terms {name} is not valid: {e}"),
                    span,
                    Some("see the list's own example at its top".into()),
                )
            })?
            .unwrap_or_default();
        let mut list = TermList::default();
        for raw in raw {
            let index = list.entries.len();
            let avoid = raw.avoid.into_vec();
            let footnote = raw
                .avoid_footnote
                .map(OneOrMany::into_vec)
                .is_some_and(|f| f.iter().any(|s| !s.trim().is_empty()));
            for term in &avoid {
                let term = term.trim();
                if term.is_empty() {
                    continue;
                }
                let skip = if raw.exclude_from_exports {
                    Some(SkipReason::NotExported)
                } else if footnote {
                    Some(SkipReason::Footnote)
                } else {
                    None
                };
                if let Some(reason) = skip {
                    list.skipped.push((term.to_owned(), reason));
                    continue;
                }
                match phrases_of(term) {
                    Some(found) => list.phrases.extend(found.into_iter().map(|text| Phrase {
                        acronym: is_acronym(&text),
                        text,
                        entry: index,
                    })),
                    None => list
                        .skipped
                        .push((term.to_owned(), SkipReason::Description)),
                }
            }
            list.entries.push(Entry {
                avoid,
                use_instead: raw
                    .use_instead
                    .map(OneOrMany::into_vec)
                    .unwrap_or_default()
                    .iter()
                    .map(|o| link_texts(o.trim().trim_matches('"')))
                    .collect(),
                reason: one_line(&raw.reason),
            });
        }
        Ok(list)
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

/// The phrases an `avoid` string names, or `None` when it describes a use:
/// `Reduction in Force (RiF)` names `Reduction in Force` and `RiF`;
/// `Master (unless …)` and `CE to reference …` describe.
fn phrases_of(term: &str) -> Option<Vec<String>> {
    let lower = format!(" {} ", term.to_lowercase());
    if DESCRIPTION_MARKERS.iter().any(|m| lower.contains(m)) {
        return None;
    }
    let Some(open) = term.find('(') else {
        return plain(term).then(|| vec![term.to_owned()]);
    };
    let head = term[..open].trim();
    let inner = term[open + 1..].trim_end().strip_suffix(')')?.trim();
    // Only an abbreviation of the head may stand in the brackets.
    let initials: String = head
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .collect();
    let abbreviation = inner.chars().all(char::is_alphabetic)
        && inner.to_lowercase() == initials.to_lowercase()
        && inner.len() >= 2;
    (abbreviation && plain(head)).then(|| vec![head.to_owned(), inner.to_owned()])
}

/// Letters, spaces, hyphens and apostrophes only.
fn plain(term: &str) -> bool {
    !term.is_empty()
        && term
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '’')
}

/// `POC`, `PII`: two or more letters, all capitals.
fn is_acronym(term: &str) -> bool {
    term.chars().count() >= 2 && term.chars().all(|c| c.is_ascii_uppercase())
}

/// `[text](url)` -> `text`.
fn link_texts(s: &str) -> String {
    rewrite_links(s, |text, _| text.to_owned())
}

/// Runs of whitespace to one space, `[text](url)` to `text (url)`, escapes dropped.
fn one_line(s: &str) -> String {
    let s = rewrite_links(s, |text, url| format!("{text} ({url})"));
    s.replace("\\\"", "\"")
        .trim_start_matches('\\')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn rewrite_links(s: &str, link: impl Fn(&str, &str) -> String) -> String {
    static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\[([^\]]*)\]\(([^)\s]*)\)").unwrap_or_else(|_| never())
    });
    LINK.replace_all(s, |c: &regex::Captures<'_>| link(&c[1], &c[2]))
        .into_owned()
}

/// A regex that can never match, for a static pattern that (impossibly) fails.
fn never() -> regex::Regex {
    regex::Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("valid pattern"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"
- avoid:
  - GitLabber
  use_instead:
  - GitLab team member
  reason: \"GitLabber" includes both the GitLab community and people who work at GitLab. [use "GitLab team member" instead](https://handbook.gitlab.com/x/).
  exclude_from_exports: false

- avoid:
  - CE to reference a specific code or "Free" users
  use_instead:
  - Free or Paid users to refer to types of users.
  reason: distributions
  exclude_from_exports: false

- avoid:
  - They
  use_instead:
  - The Product team (example)
  reason: one team
  exclude_from_exports: true

- avoid:
  - Non-technical
  avoid_footnote:
  - used to describe a person
  use_instead:
  - Usually, people mean "non-engineering."
  reason: Everyone has technical knowledge.
  exclude_from_exports: false

- avoid:
  - Reduction in Force (RiF)
  - Master (unless used to describe the mastery of a specific topic. )
  - POC
  use_instead:
  - "[Boring solution](/handbook/values/#boring-solutions)"
  reason: |
    Several
    lines.
"#;

    #[test]
    fn literal_terms_are_kept_and_the_rest_is_listed() {
        let list = TermList::parse("misused_terms.yml", LIST).expect("parses");
        let texts: Vec<&str> = list.phrases.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["GitLabber", "Reduction in Force", "RiF", "POC"]);
        assert!(list.phrases[3].acronym);
        assert!(!list.phrases[0].acronym);
        let skipped: Vec<(&str, SkipReason)> =
            list.skipped.iter().map(|(t, r)| (t.as_str(), *r)).collect();
        assert_eq!(
            skipped,
            vec![
                (
                    "CE to reference a specific code or \"Free\" users",
                    SkipReason::Description
                ),
                ("They", SkipReason::NotExported),
                ("Non-technical", SkipReason::Footnote),
                (
                    "Master (unless used to describe the mastery of a specific topic. )",
                    SkipReason::Description
                ),
            ]
        );
        assert_eq!(list.entries[4].use_instead, vec!["Boring solution"]);
        assert_eq!(list.entries[4].reason, "Several lines.");
        assert_eq!(
            list.entries[0].reason,
            "\"GitLabber\" includes both the GitLab community and people who work at GitLab. \
             use \"GitLab team member\" instead (https://handbook.gitlab.com/x/)."
        );
    }

    #[test]
    fn a_broken_list_names_the_file_and_place() {
        let e = TermList::parse("data/misused_terms.yml", "- avoid: [x\n  reason: y\n")
            .expect_err("invalid");
        let text = format!("{e:?}");
        assert!(text.contains("data/misused_terms.yml"), "{text}");
        let empty = TermList::parse("t.yml", "# only a comment\n").expect("empty list");
        assert!(empty.is_empty());
    }

    #[test]
    fn no_list_is_an_empty_list_unless_one_is_configured() {
        let dir = tempfile::tempdir().expect("tempdir");
        let none = TermList::load(dir.path(), None).expect("no list");
        assert!(none.is_empty());
        let configured = Some(Path::new("lists/terms.yml"));
        let e = TermList::load(dir.path(), configured).expect_err("missing file");
        assert!(e.to_string().contains("lists/terms.yml"), "{e}");
        std::fs::create_dir_all(dir.path().join("lists")).expect("mkdir");
        std::fs::write(
            dir.path().join("lists/terms.yml"),
            "- avoid: [Manpower]\n  use_instead: [Staffing]\n  reason: gendered\n",
        )
        .expect("write");
        let list = TermList::load(dir.path(), configured).expect("loads");
        assert_eq!(list.phrases[0].text, "Manpower");
        assert_eq!(list.entries[0].use_instead, vec!["Staffing"]);
    }
}
