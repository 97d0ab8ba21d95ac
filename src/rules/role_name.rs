//! `role-name`: a role written with a non-canonical name or a wrong abbreviation.

use super::{Context, FixAvailability, Rule, RuleMeta, RunData};
use crate::document::Document;
use crate::document::passage::Passage;
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::roles::RolesData;
use crate::roles::mentions::{Matcher, NameKind, RoleMention};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

pub static META: RuleMeta = RuleMeta {
    name: "role-name",
    default_severity: Severity::Warning,
    summary: "A role written with a non-canonical name or a wrong abbreviation",
    fix: FixAvailability::Sometimes,
    doc: r#"# role-name

## What it does
Finds the customer-facing roles written with a name the role data lists as a
misnomer (`Solution Architect` for `Solutions Architect`, `Renewal Manager`
for `Renewals Manager`), and a full name paired with another role's
abbreviation (`Customer Success Engineer (CSA)`, or `CSA (Customer Success
Engineer)`). Prose, link texts, table cells and the page's `title` and
`description` are checked; code never is.

Words that only look like a role are not names: `Solution Architecture`,
`solutions architecture`. A qualified role whose initials make the
abbreviation (`Channel Solutions Architects (CSA)`) is a different role and
is left alone, as are the proper names listed under `keep` in the role data
(the Salesforce field `Primary Solution Architect`).

## Why is this bad?
One role with two names reads as two roles, and a search for the canonical
name misses the page. A wrong abbreviation sends the reader to the wrong team.

## Example
```markdown
Solution Architects work with the Customer Success Engineer (CSA).
```
Use instead:
```markdown
Solutions Architects work with the Customer Success Engineer (CSE).
```

## How to fix
Run `hblint check --fix`: the canonical name is written in place, keeping the
plural and the case (`solution architects` -> `solutions architects`); a wrong
abbreviation is replaced by the one of the full name next to it.
To add a misnomer, a variant or a kept name, edit the role data
(`rules/roles.toml`, or your `[roles] data` file).
To silence one place: `<!-- hblint-disable-next-line role-name -->`.
"#,
};

static FRONTMATTER_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(title|description|linkTitle):[ \t]*(.*)$").expect("static regex")
});
static QUALIFIER_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([A-Za-z][\w&-]*)\s*$").expect("static regex"));

pub struct RoleName {
    data: crate::rules::run_data::Roles,
}

/// Write `canonical` in the case of `original`, word by word.
pub fn recase(original: &str, canonical: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return canonical.to_uppercase();
    }
    if letters.iter().all(|c| c.is_lowercase()) {
        return canonical.to_lowercase();
    }
    let words: Vec<&str> = original.split_whitespace().collect();
    let targets: Vec<&str> = canonical.split(' ').collect();
    if words.len() != targets.len() {
        return canonical.to_owned();
    }
    words
        .iter()
        .zip(&targets)
        .map(|(w, t)| {
            let mut chars = t.chars();
            match (
                w.chars().next().is_some_and(char::is_uppercase),
                chars.next(),
            ) {
                (true, Some(first)) => first.to_uppercase().chain(chars).collect(),
                (false, Some(_)) => t.to_lowercase(),
                _ => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The initials of the last words before `end` in `text`, longest first
/// (`Channel Solutions Architects` -> `CSA`, `SA`, `A`).
fn initials_before(text: &str, end: usize, words: usize) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = &text[..end];
    for _ in 0..words {
        let Some(c) = QUALIFIER_WORD.captures(rest) else {
            break;
        };
        let Some(w) = c.get(1) else { break };
        found.push(
            w.as_str()
                .chars()
                .next()
                .unwrap_or(' ')
                .to_ascii_uppercase(),
        );
        rest = &rest[..w.start()];
    }
    (1..=found.len())
        .map(|n| found[..n].iter().rev().collect())
        .collect()
}

impl RoleName {
    fn check_passage(
        &self,
        data: &RolesData,
        matcher: &Matcher,
        p: &Passage,
        anchors: &[Range<usize>],
        out: &mut Vec<Diagnostic>,
    ) {
        let text = &p.text;
        let mentions = matcher.roles(data, text);
        for (i, m) in mentions.iter().enumerate() {
            if m.kind == NameKind::Misnomer {
                self.misnomer(data, p, m, anchors, out);
            }
            let Some(next) = mentions.get(i + 1) else {
                continue;
            };
            self.pairing(data, p, m, next, anchors, out);
        }
    }

    fn misnomer(
        &self,
        data: &RolesData,
        p: &Passage,
        m: &RoleMention,
        anchors: &[Range<usize>],
        out: &mut Vec<Diagnostic>,
    ) {
        let role = &data.roles[m.role];
        // Kept proper names (ignoring case: `Renewal Manager notes` is the field too).
        let lower = p.text.to_lowercase();
        let kept = lower.len() == p.text.len()
            && role.keep.iter().any(|k| {
                lower
                    .match_indices(k.to_lowercase().as_str())
                    .any(|(at, _)| at <= m.name.start && m.name.end <= at + k.len())
            });
        if kept || in_quotes(&p.text, m.range.clone()) {
            return;
        }
        let written = &p.text[m.name.clone()];
        let replacement = recase(written, &role.name);
        let shown = &p.text[m.range.clone()];
        let mut d = Diagnostic::new(
            p.source_range(m.name.clone()),
            format!(
                "`{shown}` is not the canonical name of the role: write `{replacement}{}`",
                &p.text[m.name.end..m.range.end]
            ),
        )
        .with_help(format!(
            "the role is the {} ({}); `{}` is a misnomer",
            role.name, role.abbreviation, written
        ));
        if p.is_contiguous(m.name.clone()) {
            d = with_fix(d, replacement, anchors);
        }
        out.push(d);
    }

    /// `Name (ABBR)` or `ABBR (Name)` where the two are different roles.
    fn pairing(
        &self,
        data: &RolesData,
        p: &Passage,
        a: &RoleMention,
        b: &RoleMention,
        anchors: &[Range<usize>],
        out: &mut Vec<Diagnostic>,
    ) {
        if a.role == b.role {
            return;
        }
        let text = &p.text;
        let between = &text[a.range.end..b.range.start];
        let after = &text[b.range.end..];
        if !(between.trim() == "(" && after.trim_start().starts_with(')')) {
            return;
        }
        let (name, abbreviation) = match (a.kind, b.kind) {
            (NameKind::Abbreviation, NameKind::Abbreviation) => return,
            (NameKind::Abbreviation, _) => (b, a),
            (_, NameKind::Abbreviation) => (a, b),
            _ => return,
        };
        let written = &text[abbreviation.name.clone()];
        // `Channel Solutions Architects (CSA)`: a qualified role whose
        // initials make the abbreviation is another role.
        if abbreviation.range.start > name.range.start {
            let words = data.roles[name.role].name.split(' ').count() + 2;
            if initials_before(text, name.range.end, words)
                .iter()
                .any(|i| i == written)
            {
                return;
            }
        }
        let role = &data.roles[name.role];
        let other = &data.roles[abbreviation.role];
        let start = a.range.start;
        let end = b.range.end + after.find(')').map_or(0, |i| i + 1);
        let shown = &text[start..end];
        let mut d = Diagnostic::new(
            p.source_range(abbreviation.name.clone()),
            format!(
                "`{shown}` pairs the {} with the abbreviation of the {} ({})",
                role.name, other.name, other.abbreviation
            ),
        )
        .with_help(format!(
            "the abbreviation of the {} is {}",
            role.name, role.abbreviation
        ));
        if p.is_contiguous(abbreviation.name.clone()) {
            d = with_fix(d, role.abbreviation.clone(), anchors);
        }
        out.push(d);
    }
}

/// Whether a range of text lies inside a quotation on its line
/// (`named "Allows Solution Architects to request …"` quotes a name).
fn in_quotes(text: &str, r: std::ops::Range<usize>) -> bool {
    let line_start = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[r.end..].find('\n').map_or(text.len(), |i| r.end + i);
    let before = &text[line_start..r.start];
    let after = &text[r.end..line_end];
    let straight = before.matches('"').count() % 2 == 1 && after.contains('"');
    let curly = before
        .rfind('“')
        .is_some_and(|open| !before[open..].contains('”'))
        && after.contains('”');
    straight || curly
}

/// Attach a fix: safe, except in a heading whose anchor is its text, where
/// the change would break links to the anchor (shown, never applied).
fn with_fix(d: Diagnostic, replacement: String, anchors: &[Range<usize>]) -> Diagnostic {
    let in_anchor = anchors
        .iter()
        .any(|h| h.start <= d.range.start && d.range.end <= h.end);
    if in_anchor {
        let help = format!(
            "{}; this heading's anchor changes with its text: fix it by hand and update links to it",
            d.help.clone().unwrap_or_default()
        );
        d.with_help(help)
            .with_fix(replacement, Applicability::Unsafe)
    } else {
        d.with_fix(replacement, Applicability::Safe)
    }
}

/// The `title` and `description` values of the frontmatter, as passages.
fn frontmatter_passages(doc: &Document) -> Vec<Passage> {
    let Some(fm) = &doc.frontmatter else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut in_value = false;
    let mut offset = fm.range.start;
    for line in doc.text[fm.range.clone()].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(c) = FRONTMATTER_KEY.captures(body) {
            in_value = true;
            if let Some(v) = c.get(2) {
                // A quoted YAML scalar: the value is inside the quotes.
                let raw = v.as_str().trim_end();
                let quoted = raw.len() >= 2
                    && ((raw.starts_with('"') && raw.ends_with('"'))
                        || (raw.starts_with('\'') && raw.ends_with('\'')));
                if quoted {
                    out.push(Passage::single(
                        offset + v.start() + 1,
                        &raw[1..raw.len() - 1],
                    ));
                } else {
                    out.push(Passage::single(offset + v.start(), raw));
                }
            }
        } else if in_value && body.starts_with([' ', '\t']) {
            out.push(Passage::single(offset, body));
        } else {
            in_value = false;
        }
        offset += line.len();
    }
    out
}

impl RoleName {
    pub fn build(data: &RunData) -> miette::Result<Box<dyn Rule>> {
        Ok(Box::new(RoleName { data: data.roles() }))
    }
}

impl Rule for RoleName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (data, matcher) = &**self.data;
        let anchors: Vec<Range<usize>> = doc
            .headings
            .iter()
            .filter(|h| h.custom_id.is_none())
            .map(|h| h.range.clone())
            .collect();
        for p in frontmatter_passages(doc).iter().chain(doc.passages()) {
            self.check_passage(data, matcher, p, &anchors, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::check_text;

    fn found(text: &str) -> Vec<(String, Option<String>)> {
        check_text(&META, text)
    }

    #[test]
    fn misnomers_keep_plural_and_case() {
        let f = found(
            "Solution Architects, a solution architect's view, SOLUTION ARCHITECT, Renewal Managers.\n",
        );
        let pairs: Vec<_> = f.iter().map(|(m, r)| (m.as_str(), r.as_deref())).collect();
        assert_eq!(
            pairs,
            vec![
                ("Solution Architect", Some("Solutions Architect")),
                ("solution architect", Some("solutions architect")),
                ("SOLUTION ARCHITECT", Some("SOLUTIONS ARCHITECT")),
                ("Renewal Manager", Some("Renewals Manager")),
            ]
        );
    }

    #[test]
    fn not_role_names() {
        let text = "Solution Architecture team, solutions architecture, `Solution Architect`, \
                    the Primary Solution Architect field, Channel Solutions Architects (CSA), \
                    the form \"Allows Solution Architects to ask\", Renewal Manager notes.\n";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn wrong_abbreviation_pairings() {
        let f = found(
            "A Customer Success Engineer (CSA), Customer Success Engineers (CSAs) and CSA (Customer Success Manager); Customer Success Architect (CSA) is right.\n",
        );
        let pairs: Vec<_> = f.iter().map(|(m, r)| (m.as_str(), r.as_deref())).collect();
        assert_eq!(
            pairs,
            vec![
                ("CSA", Some("CSE")),
                ("CSA", Some("CSE")),
                ("CSA", Some("CSM"))
            ]
        );
    }

    #[test]
    fn frontmatter_title_and_description() {
        let f = found(
            "---\ntitle: \"Solution Architect Guide\"\ndescription: >-\n  For Solution Architects\n---\n\nBody\n",
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].0, "Solution Architect");
        assert_eq!(f[0].1.as_deref(), Some("Solutions Architect"));
    }

    #[test]
    fn fixes_in_headings_are_not_applied() {
        let settings = crate::config::Settings::defaults(std::path::Path::new("/r"));
        let text = "## Solution Architect Models\n\n## Solution Architect Notes {#notes}\n";
        let d = crate::rules::testing::diagnostics(&META, text, &settings);
        let applicability: Vec<_> = d
            .iter()
            .map(|d| d.fix.as_ref().map(|f| f.applicability))
            .collect();
        assert_eq!(
            applicability,
            [Some(Applicability::Unsafe), Some(Applicability::Safe)]
        );
    }

    #[test]
    fn fixes_are_idempotent() {
        let text = "Solution Architects and a Customer Success Engineer (CSA).\n";
        let settings = crate::config::Settings::defaults(std::path::Path::new("/r"));
        let mut fixed = text.to_owned();
        let mut d = crate::rules::testing::diagnostics(&META, text, &settings);
        d.sort_by_key(|d| std::cmp::Reverse(d.range.start));
        for x in d {
            let f = x.fix.expect("fix");
            fixed.replace_range(f.range, &f.replacement);
        }
        assert_eq!(
            fixed,
            "Solutions Architects and a Customer Success Engineer (CSE).\n"
        );
        assert!(check_text(&META, &fixed).is_empty());
    }

    #[test]
    fn recase_words() {
        assert_eq!(
            recase("Solution architect", "Solutions Architect"),
            "Solutions architect"
        );
        assert_eq!(
            recase("PS Engineer", "Professional Services Engineer"),
            "Professional Services Engineer"
        );
    }
}
