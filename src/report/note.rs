//! `--format note`: the merge request comment, in GitLab Markdown.
//!
//! A hidden marker (so the MR job finds its own note again), a headline
//! verdict, the counts per rule, and a table of findings — the first
//! [`VISIBLE_ROWS`] shown, the rest collapsed. Every piece of text that comes
//! from the MR (paths, words, link texts in messages) goes through
//! [`neutralise`] or [`code_span`], so nothing quoted can run a quick action,
//! ping anyone, inject HTML or break the table.

use super::{Report, ReportContext, plural};
use crate::finding::{Finding, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The hidden marker that identifies hblint's summary note.
pub const MARKER: &str = "<!-- hblint:mr-note -->";

/// The second hidden line: the commit the note reviewed, so a sweep can skip
/// a merge request whose note already reflects its head.
const REVIEWED_PREFIX: &str = "<!-- hblint:reviewed=";

/// The commit recorded in a note's hidden marker, if any (a hexadecimal sha).
pub fn reviewed_sha(body: &str) -> Option<&str> {
    let start = body.find(REVIEWED_PREFIX)? + REVIEWED_PREFIX.len();
    let rest = &body[start..];
    let sha = &rest[..rest.find(" -->")?];
    (!sha.is_empty() && sha.len() <= 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(sha)
}

/// Rows shown before the rest is collapsed.
pub const VISIBLE_ROWS: usize = 50;

/// Rows in the note at most; the Code Quality and JUnit reports keep every finding.
pub const MAX_ROWS: usize = 500;

/// The longest note GitLab accepts, in characters ("Notes API": `body`, at
/// most 1,000,000 characters). Rows are dropped until the note fits.
pub const MAX_NOTE_CHARS: usize = 1_000_000;

/// Files listed as not linted, at most.
const MAX_ERROR_LINES: usize = 100;

/// The longest quoted text kept in a cell, in characters.
const MAX_CELL_CHARS: usize = 300;

/// What the note needs to know about the merge request.
#[derive(Debug, Clone, Default)]
pub struct Note {
    /// `https://gitlab.example.com/group/handbook/-/blob/<head sha>`: file:line cells link there.
    pub blob_base: Option<String>,
    /// An earlier note reported findings (so an empty run says they are fixed).
    pub previously_reported: bool,
    /// "the changed lines", "the changed files", "the changed files and the pages they affect".
    pub scope_words: Option<String>,
    /// Lines about what hblint could not see, shown under the findings; quoted
    /// parts (`` `path` ``) become code spans, the rest is neutralised.
    pub notices: Vec<String>,
    /// The commit reviewed, recorded in the hidden marker.
    pub reviewed: Option<String>,
}

/// Make text quoted from a merge request inert in a Markdown table cell or
/// paragraph: one line (so nothing quoted can begin a line); no leading `/`
/// (quick actions); no GitLab reference or mention (a zero-width space
/// follows each `@`, `#`, `!`, `&`, `%`, `~`, `$` that precedes a name or
/// number, and each `:` of `://`, so `@user`, `#12`, `!45`, `&7`,
/// `%"Milestone"`, `~label`, `$3` and issue URLs neither ping nor cross-link);
/// no HTML (`<`, `>`, `&` as entities); the Markdown punctuation that could
/// format, link or split a cell (`` \ ` * _ [ ] | ~ $ { } ``) backslash-escaped;
/// control and bidirectional-override characters dropped; at most 300 characters.
pub fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    let mut count = 0;
    while let Some(c) = chars.next() {
        if count >= MAX_CELL_CHARS {
            out.push('…');
            break;
        }
        count += 1;
        match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push(' '),
            c if c.is_control() => {}
            // Bidirectional overrides can make text read differently from what it is.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' | '#' | '!' | '%' => out.push(c),
            // Emphasis, code, links, strikethrough, math, inline diffs, cells.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            // A leading `/` could start a quick action if the text ever began a line.
            '/' if out.trim_start().is_empty() => out.push_str("\\/"),
            c => out.push(c),
        }
        let next = chars.peek().copied();
        let reference = matches!(c, '@' | '#' | '!' | '&' | '%' | '~' | '$')
            && next.is_some_and(|n| n.is_alphanumeric() || matches!(n, '"' | '_' | '-' | '.'));
        let url = c == ':' && next == Some('/');
        if reference || url {
            out.push('\u{200B}');
        }
    }
    out
}

/// `text` as an inline code span that survives a table cell: one line, a
/// fence longer than any backtick run inside, `|` escaped (GFM tables split
/// on it even in code). Mentions, HTML and quick actions are inert in code.
pub fn code_span(text: &str) -> String {
    let mut s: String = text
        .chars()
        .take(MAX_CELL_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    if text.chars().count() > MAX_CELL_CHARS {
        s.push('…');
    }
    let s = s.replace('|', "\\|");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A rule's message, whose `` `quoted` `` parts (words, link targets, labels
/// from the MR) become code spans and whose other text is neutralised.
pub fn message_cell(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    let n = parts.len();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&neutralise(part));
        } else if n.is_multiple_of(2) && i == n - 1 {
            // An unpaired backtick: keep it as a literal.
            out.push_str("\\`");
            out.push_str(&neutralise(part));
        } else {
            out.push_str(&code_span(part));
        }
    }
    out
}

/// `path` percent-encoded for a URL (keeping `/`).
fn url_path(path: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(path, SET).to_string()
}

fn location_cell(f: &Finding, blob_base: Option<&str>) -> String {
    let text = format!("{}:{}", f.path, f.start.line);
    match blob_base {
        Some(base) => format!(
            "[{}]({}/{}#L{})",
            neutralise(&text),
            base.trim_end_matches('/'),
            url_path(&f.path),
            f.start.line
        ),
        None => neutralise(&text),
    }
}

fn suggestion_cell(f: &Finding) -> String {
    match (&f.fix, &f.help) {
        (Some(fix), _) if !fix.replacement.is_empty() => code_span(&fix.replacement),
        (_, Some(help)) => message_cell(help),
        _ => String::new(),
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🔴",
        Severity::Warning => "🟡",
        Severity::Info => "🔵",
    }
}

fn table(findings: &[&Finding], blob_base: Option<&str>, out: &mut String) {
    out.push_str("| | Rule | Where | Message | Suggestion |\n|---|---|---|---|---|\n");
    for f in findings {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            severity_icon(f.severity),
            f.rule,
            location_cell(f, blob_base),
            message_cell(&f.message),
            suggestion_cell(f)
        ));
    }
}

impl Note {
    /// The whole note, at most [`MAX_NOTE_CHARS`] characters: rows are
    /// dropped (the rest pointed to the job's reports) until it fits.
    pub fn body(&self, ctx: &ReportContext<'_>) -> String {
        self.body_within(ctx, MAX_NOTE_CHARS)
    }

    /// The note in at most `max_chars` characters, with as many rows as fit.
    pub fn body_within(&self, ctx: &ReportContext<'_>, max_chars: usize) -> String {
        let mut rows = MAX_ROWS;
        loop {
            let body = self.render_rows(ctx, rows);
            if rows == 0 || body.chars().count() <= max_chars {
                return body;
            }
            rows /= 2;
        }
    }

    fn render_rows(&self, ctx: &ReportContext<'_>, max_rows: usize) -> String {
        let o = ctx.outcome;
        let scope = self.scope_words.as_deref().unwrap_or("the linted files");
        let errors = o.count(Severity::Error);
        let warnings = o.count(Severity::Warning);
        let infos = o.count(Severity::Info);
        let mut s = String::new();
        s.push_str(MARKER);
        s.push('\n');
        if let Some(sha) = self
            .reviewed
            .as_deref()
            .filter(|sha| !sha.is_empty() && sha.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            s.push_str(&format!("{REVIEWED_PREFIX}{sha} -->\n"));
        }
        if o.findings.is_empty() && o.errors.is_empty() {
            s.push_str("### ✅ hblint: all clear\n\n");
            if self.previously_reported {
                s.push_str(&format!(
                    "Every finding reported earlier is fixed: nothing left on {scope}. Thank you!\n"
                ));
            } else {
                s.push_str(&format!("No findings on {scope}.\n"));
            }
        } else {
            let icon = if errors > 0 { "❌" } else { "⚠️" };
            let mut counts = Vec::new();
            if errors > 0 {
                counts.push(plural(errors, "error"));
            }
            if warnings > 0 {
                counts.push(plural(warnings, "warning"));
            }
            if infos > 0 {
                counts.push(plural(infos, "note"));
            }
            if counts.is_empty() {
                counts.push("no findings".into());
            }
            let files: std::collections::BTreeSet<&str> =
                o.findings.iter().map(|f| f.path.as_str()).collect();
            s.push_str(&format!(
                "### {icon} hblint found {} on {scope}\n\n",
                counts.join(" and "),
            ));
            if !o.findings.is_empty() {
                s.push_str(&format!(
                    "In {} of {}. ",
                    plural(files.len(), "file"),
                    plural(o.files(), "linted file")
                ));
            }
            if errors > 0 {
                s.push_str("Errors fail the `hblint` job; fix them and push again, and this note updates itself.\n");
            } else {
                s.push_str("Warnings do not fail the job.\n");
            }
            let mut by_rule: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
            for f in &o.findings {
                let e = by_rule.entry(f.rule).or_insert((0, f.severity));
                e.0 += 1;
                e.1 = e.1.max(f.severity);
            }
            if !by_rule.is_empty() {
                s.push_str("\n| Rule | Severity | Findings |\n|---|---|---:|\n");
                for (rule, (n, sev)) in &by_rule {
                    s.push_str(&format!("| `{rule}` | {sev} | {n} |\n"));
                }
            }
            let findings: Vec<&Finding> = o.findings.iter().collect();
            if !findings.is_empty() {
                s.push('\n');
                let listed = &findings[..findings.len().min(max_rows)];
                let (shown, rest) = listed.split_at(listed.len().min(VISIBLE_ROWS));
                table(shown, self.blob_base.as_deref(), &mut s);
                if !rest.is_empty() {
                    s.push_str(&format!(
                        "\n<details><summary>{} more {}</summary>\n\n",
                        rest.len(),
                        if rest.len() == 1 {
                            "finding"
                        } else {
                            "findings"
                        }
                    ));
                    table(rest, self.blob_base.as_deref(), &mut s);
                    s.push_str("\n</details>\n");
                }
                if findings.len() > listed.len() {
                    s.push_str(&format!(
                        "\n{} more not listed here: see the job's Code Quality and test reports.\n",
                        findings.len() - listed.len()
                    ));
                }
            }
            if !o.errors.is_empty() {
                s.push_str(&format!(
                    "\n{} could not be linted:\n\n",
                    plural(o.errors.len(), "file")
                ));
                for e in o.errors.iter().take(MAX_ERROR_LINES) {
                    s.push_str(&format!("- {}\n", message_cell(&e.to_string())));
                }
                if o.errors.len() > MAX_ERROR_LINES {
                    s.push_str(&format!(
                        "- and {} more: see the job's reports\n",
                        o.errors.len() - MAX_ERROR_LINES
                    ));
                }
            }
        }
        for notice in &self.notices {
            s.push_str(&format!("\n⚠️ {}\n", message_cell(notice)));
        }
        let mut footer = vec![format!("hblint {}", env!("CARGO_PKG_VERSION"))];
        footer.push(plural(o.files(), "file") + " linted");
        if ctx.out_of_scope > 0 {
            footer.push(format!(
                "{} outside {scope} not shown",
                plural(ctx.out_of_scope, "finding")
            ));
        }
        if o.suppressed > 0 {
            footer.push(format!("{} suppressed", o.suppressed));
        }
        footer.push("this note is updated on every pipeline".into());
        s.push_str(&format!("\n<sub>{}</sub>\n", footer.join(" · ")));
        s
    }
}

impl Report for Note {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.body(ctx).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Fix, Position};
    use crate::lint::Outcome;

    /// No line may start (after spaces) with `/`, `@` may not be followed by a name,
    /// no raw `<tag`, and every table row keeps its cell count.
    fn assert_inert(note: &str) {
        for line in note.lines() {
            assert!(
                !line.trim_start().starts_with('/'),
                "quick action possible: {line}"
            );
            let mut rest = line;
            while let Some(i) = rest.find('@') {
                let next = rest[i + 1..].chars().next();
                assert_eq!(next, Some('\u{200B}'), "mention possible: {line}");
                rest = &rest[i + 1..];
            }
            for tag in ["<script", "<img", "<a ", "<div", "<iframe", "<!--x"] {
                assert!(!line.contains(tag), "raw HTML in: {line}");
            }
        }
    }

    #[test]
    fn neutralise_makes_hostile_text_inert() {
        let cases = [
            "/merge",
            "\n/approve",
            "x\r\n/label ~SA-HANDBOOK",
            "@all please look",
            "ping @group/sub",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "a | b | c",
            "[click](javascript:alert(1))",
            "`code` and **bold**",
            "$x^2$ and {: #id} and #123 and !12",
            "\u{202E}evil",
            "back\\slash",
        ];
        for c in cases {
            let n = neutralise(c);
            assert!(!n.contains('\n') && !n.contains('\r'), "{c:?} → {n:?}");
            assert!(!n.starts_with('/'), "{c:?} → {n:?}");
            assert!(!n.contains('<') && !n.contains('>'), "{c:?} → {n:?}");
            assert!(!n.contains('\u{202E}'));
            // Every `|` is escaped, so no cell breaks.
            for (i, _) in n.match_indices('|') {
                assert_eq!(&n[i - 1..i], "\\", "{c:?} → {n:?}");
            }
            assert_inert(&format!("| {n} |"));
            assert_inert(&n);
        }
        assert_eq!(neutralise("plain words"), "plain words");
        assert_eq!(neutralise("/merge"), "\\/merge");
        assert_eq!(neutralise("a&b"), "a&amp;\u{200B}b");
        assert!(neutralise(&"x".repeat(1000)).chars().count() <= MAX_CELL_CHARS + 1);
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code_span("teh"), "`teh`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("a\nb"), "`a b`");
    }

    #[test]
    fn messages_keep_quoted_words_as_code() {
        assert_eq!(
            message_cell("`serivices` is a misspelling of `services`"),
            "`serivices` is a misspelling of `services`"
        );
        let m = message_cell("link text `@all /merge <b>` is odd");
        assert!(m.contains("`@all /merge <b>`"), "{m}");
        let odd = message_cell("unpaired ` tick @all");
        assert!(odd.contains("@\u{200B}all"), "{odd}");
        assert!(!odd.contains(" ` "), "{odd}");
    }

    fn finding(path: &str, line: usize, msg: &str) -> Finding {
        Finding {
            rule: "typo",
            severity: Severity::Error,
            path: path.into(),
            range: 0..1,
            start: Position { line, column: 1 },
            end: Position { line, column: 2 },
            message: msg.into(),
            help: None,
            fix: Some(Fix {
                replacement: "the".into(),
                range: 0..1,
                applicability: Default::default(),
                placement: Default::default(),
            }),
        }
    }

    fn body(note: &Note, findings: Vec<Finding>, out_of_scope: usize) -> String {
        let outcome = Outcome {
            findings,
            ..Outcome::default()
        };
        note.body(&ReportContext {
            outcome: &outcome,
            elapsed: Default::default(),
            color: false,
            out_of_scope,
            notes: Vec::new(),
        })
    }

    #[test]
    fn hostile_paths_and_messages_stay_inert_and_tables_keep_shape() {
        let note = Note {
            blob_base: Some("https://gl.example/g/p/-/blob/abc".into()),
            ..Note::default()
        };
        let b = body(
            &note,
            vec![
                finding("content/@all|x/\n/merge.md", 3, "`teh` near <b>@all</b>"),
                finding("content/a (1).md", 4, "bad `x|y` | z"),
            ],
            2,
        );
        assert!(b.starts_with(MARKER));
        assert_inert(&b);
        for row in b.lines().filter(|l| l.starts_with("| 🔴")) {
            let cells = row.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 6, "{row}");
        }
        assert!(b.contains("content/a%20%281%29.md#L4"), "{b}");
        assert!(b.contains("2 findings outside"), "{b}");
    }

    #[test]
    fn rows_beyond_fifty_are_collapsed() {
        let findings: Vec<Finding> = (1..=60).map(|i| finding("a.md", i, "`teh`")).collect();
        let b = body(&Note::default(), findings, 0);
        assert!(
            b.contains("<details><summary>10 more findings</summary>"),
            "{b}"
        );
        let before = b.split("<details>").next().unwrap_or("");
        assert_eq!(before.matches("| 🔴").count(), 50);
    }

    #[test]
    fn gitlab_references_neither_link_nor_ping() {
        for (text, sigil) in [
            ("see #123", "#"),
            ("merged in !45", "!"),
            ("epic &12", "&amp;"),
            ("milestone %\"Q3 plan\"", "%"),
            ("label ~frontend", "\\~"),
            ("snippet $7", "\\$"),
            ("ping @alice", "@"),
            ("group/project#9", "#"),
        ] {
            let n = neutralise(text);
            let at = n.find(sigil).unwrap_or_else(|| panic!("{text:?} → {n:?}"));
            assert_eq!(
                n[at + sigil.len()..].chars().next(),
                Some('\u{200B}'),
                "{text:?} → {n:?}"
            );
        }
        let url = neutralise("https://gitlab.com/g/p/-/issues/1");
        assert!(url.starts_with("https:\u{200B}//"), "{url}");
        // Sigils before spaces or at the end stay as they are.
        assert_eq!(neutralise("100% sure, C# !"), "100% sure, C# !");
    }

    #[test]
    fn a_note_over_gitlabs_limit_drops_rows_until_it_fits() {
        let findings: Vec<Finding> = (1..=400)
            .map(|i| finding(&format!("{}.md", "é".repeat(250)), i, "`teh`"))
            .collect();
        let outcome = Outcome {
            findings,
            ..Outcome::default()
        };
        let ctx = ReportContext {
            outcome: &outcome,
            elapsed: Default::default(),
            color: false,
            out_of_scope: 0,
            notes: Vec::new(),
        };
        let note = Note {
            blob_base: Some("https://gitlab.example.com/g/p/-/blob/abc".into()),
            ..Note::default()
        };
        let full = note.body_within(&ctx, usize::MAX);
        let limit = full.chars().count() / 3;
        let cut = note.body_within(&ctx, limit);
        assert!(cut.chars().count() <= limit);
        let rows = cut.matches("| 🔴").count();
        assert!(rows > 0 && rows < 400, "{rows}");
        assert!(cut.contains(&format!("{} more not listed here", 400 - rows)));
        assert_eq!(
            note.body(&ctx),
            full,
            "under 1,000,000 characters nothing is cut"
        );
    }

    #[test]
    fn very_long_runs_are_capped() {
        let findings: Vec<Finding> = (1..=700).map(|i| finding("a.md", i, "`teh`")).collect();
        let b = body(&Note::default(), findings, 0);
        assert_eq!(b.matches("| 🔴").count(), MAX_ROWS);
        assert!(b.contains("200 more not listed here"), "{b}");
    }

    #[test]
    fn all_clear_says_fixed_only_after_findings() {
        let fixed = body(
            &Note {
                previously_reported: true,
                ..Note::default()
            },
            vec![],
            0,
        );
        assert!(
            fixed.contains("all clear") && fixed.contains("fixed"),
            "{fixed}"
        );
        let clean = body(&Note::default(), vec![], 0);
        assert!(
            clean.contains("all clear") && !clean.contains("fixed"),
            "{clean}"
        );
    }

    #[test]
    fn the_reviewed_commit_is_recorded_and_read_back() {
        let note = Note {
            reviewed: Some("e82eb4a0".into()),
            ..Note::default()
        };
        let b = body(&note, vec![], 0);
        assert!(b.starts_with(MARKER), "{b}");
        assert_eq!(reviewed_sha(&b), Some("e82eb4a0"));
        assert_eq!(reviewed_sha(&body(&Note::default(), vec![], 0)), None);
        // Anything but a hexadecimal sha is neither written nor read.
        let odd = Note {
            reviewed: Some("x --> <b>".into()),
            ..Note::default()
        };
        assert_eq!(reviewed_sha(&body(&odd, vec![], 0)), None);
        assert_eq!(reviewed_sha("<!-- hblint:reviewed=zz -->"), None);
    }
}
