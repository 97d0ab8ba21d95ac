//! `--format human`: miette reports grouped by file, the source line with the
//! span underlined, the help with the suggestion, and a one-line summary.

use super::{Report, ReportContext, plural};
use crate::finding::{Finding, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};

pub struct Human;

/// How many characters of a long line to show on each side of the span.
const WINDOW: usize = 60;

/// The one source line of a finding, cropped around the span so that long
/// handbook lines stay readable. Its name carries the real line and column.
#[derive(Debug)]
struct Snippet {
    name: String,
    text: String,
    line: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _before: usize,
        _after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let _ = span;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            (0, self.text.len()).into(),
            self.line,
            0,
            1,
        )))
    }
}

#[derive(Debug)]
struct FindingDiagnostic {
    finding_message: String,
    rule: &'static str,
    severity: Severity,
    help: Option<String>,
    snippet: Option<Snippet>,
    span: SourceSpan,
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.finding_message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None, self.span,
        ))))
    }
}

/// Crop `line` around `start..end` (byte offsets in the line) to a window of
/// characters; return the cropped text and the span's offsets in it.
fn crop(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let start = start.min(line.len());
    let end = end.clamp(start, line.len());
    let before: Vec<(usize, char)> = line[..start].char_indices().collect();
    let from = if before.len() > WINDOW {
        before[before.len() - WINDOW].0
    } else {
        0
    };
    let after_chars: Vec<(usize, char)> = line[end..].char_indices().collect();
    let to = if after_chars.len() > WINDOW {
        end + after_chars[WINDOW].0
    } else {
        line.len()
    };
    let mut text = String::new();
    let mut offset = 0;
    if from > 0 {
        text.push('…');
        offset = '…'.len_utf8();
    }
    text.push_str(&line[from..to]);
    if to < line.len() {
        text.push('…');
    }
    // Tabs would shift the underline: show them as one space each.
    let text = text.replace('\t', " ");
    (text, offset + start - from, offset + end - from)
}

/// A finding for display; `doc` is the text of its page.
fn diagnostic(f: &Finding, doc: Option<&crate::lint::PageText>) -> FindingDiagnostic {
    let name = format!("{}:{}:{}", f.path, f.start.line, f.start.column);
    let mut snippet = None;
    let mut span: SourceSpan = (0, 0).into();
    if let Some(doc) = doc
        && let Some(line_range) = doc.line_range(f.start.line)
    {
        let line = &doc.text[line_range.clone()];
        let s = f.range.start.saturating_sub(line_range.start);
        let e = if f.end.line == f.start.line {
            f.range.end.saturating_sub(line_range.start)
        } else {
            line.len()
        };
        let (text, s, e) = crop(line, s, e);
        span = (s, e.saturating_sub(s).max(usize::from(e == s))).into();
        snippet = Some(Snippet {
            name: name.clone(),
            text,
            line: f.start.line - 1,
        });
    }
    let message = if snippet.is_none() {
        format!("{} ({name})", f.message)
    } else {
        f.message.clone()
    };
    FindingDiagnostic {
        finding_message: message,
        rule: f.rule,
        severity: f.severity,
        help: f.help.clone(),
        snippet,
        span,
    }
}

/// `--quiet`: the findings only, no summary.
pub struct HumanQuiet;

impl Report for HumanQuiet {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        render_findings(ctx, out).map(|_| ())
    }
}

impl Report for Human {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut words = render_findings(ctx, out)?;
        if !ctx.outcome.findings.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{}", summary(ctx))?;
        words.sort_unstable();
        words.dedup();
        if !words.is_empty() {
            const SHOWN: usize = 5;
            let more = if words.len() > SHOWN { " …" } else { "" };
            writeln!(
                out,
                "A word is right? Accept it with `hblint vocab add {}{more}` (the repository \
                 vocabulary) or in `[spelling] extra-words` of .hblint.toml.",
                words[..words.len().min(SHOWN)].join(" ")
            )?;
        }
        Ok(())
    }
}

/// Print the findings, each page's text read once; return the words the
/// `typo` and `spelling` findings flag, for the closing hint.
fn render_findings(ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<Vec<String>> {
    let theme = if ctx.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .without_primary_span_start()
        .with_context_lines(0)
        .with_links(false);
    let outcome = ctx.outcome;
    for error in &outcome.errors {
        writeln!(out, "error: {error}")?;
    }
    let mut current: Option<&str> = None;
    let mut text = None;
    // The same advice for the same rule is said once, at its first finding.
    let mut said: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    let mut words = Vec::new();
    for f in &outcome.findings {
        if current != Some(f.path.as_str()) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "── {} ──", f.path)?;
            current = Some(&f.path);
            text = outcome.text(&f.path);
        }
        if (f.rule == "typo" || f.rule == "spelling")
            && let Some(word) = text.as_ref().and_then(|t| t.text.get(f.range.clone()))
        {
            words.push(word.to_owned());
        }
        let mut d = diagnostic(f, text.as_ref());
        if let Some(help) = f.help.as_deref()
            && !said.insert((f.rule, help))
        {
            d.help = None;
        }
        let mut rendered = String::new();
        handler
            .render_report(&mut rendered, &d)
            .map_err(io::Error::other)?;
        out.write_all(rendered.as_bytes())?;
    }
    Ok(words)
}

/// The closing line: counts, the worst rules, the time.
pub fn summary(ctx: &ReportContext<'_>) -> String {
    let o = ctx.outcome;
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &o.findings {
        *by_rule.entry(f.rule).or_default() += 1;
    }
    let files_with: std::collections::BTreeSet<&str> =
        o.findings.iter().map(|f| f.path.as_str()).collect();
    let mut line = if o.findings.is_empty() {
        format!("No findings in {}", plural(o.files(), "file"))
    } else {
        let rules = by_rule
            .iter()
            .map(|(r, n)| format!("{r}: {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Run-level findings (pages a deletion breaks) may lie outside the
        // files linted: then "N of M" would not hold.
        let place = if files_with.len() <= o.files() {
            format!("{} of {}", files_with.len(), plural(o.files(), "file"))
        } else {
            format!(
                "{} ({} linted)",
                plural(files_with.len(), "file"),
                o.files()
            )
        };
        format!(
            "Found {} and {} in {place} ({rules})",
            plural(o.count(Severity::Error), "error"),
            plural(o.count(Severity::Warning), "warning"),
        )
    };
    if o.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", o.suppressed));
    }
    if ctx.out_of_scope > 0 {
        line.push_str(&format!("; {} outside the changed lines", ctx.out_of_scope));
    }
    for note in &ctx.notes {
        line.push_str(&format!("; {note}"));
    }
    if !o.errors.is_empty() {
        line.push_str(&format!(
            "; {} could not be read",
            plural(o.errors.len(), "file")
        ));
    }
    line.push_str(&format!(" [{:.2}s]", ctx.elapsed.as_secs_f64()));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_keeps_short_lines_and_trims_long_ones() {
        let (t, s, e) = crop("short line here", 6, 10);
        assert_eq!((t.as_str(), s, e), ("short line here", 6, 10));
        let long = format!("{}TARGET{}", "a".repeat(200), "b".repeat(200));
        let (t, s, e) = crop(&long, 200, 206);
        assert_eq!(&t[s..e], "TARGET");
        assert!(t.starts_with('…') && t.ends_with('…'));
        assert!(t.chars().count() < 130);
    }
}
