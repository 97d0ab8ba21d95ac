//! `--format sarif`: a SARIF 2.1.0 log (OASIS Static Analysis Results
//! Interchange Format) with one run: the rules that reported, and one result
//! per finding with its region (1-based lines and columns, as SARIF's
//! default `columnKind` of UTF-16 code units is close to characters for
//! handbook text).

use super::{Report, ReportContext};
use crate::finding::Severity;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub struct Sarif;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn to_value(ctx: &ReportContext<'_>) -> Value {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &ctx.outcome.findings {
        let next = index.len();
        index.entry(f.rule).or_insert(next);
    }
    let mut rules: Vec<(&str, usize)> = index.iter().map(|(r, i)| (*r, *i)).collect();
    rules.sort_by_key(|(_, i)| *i);
    let rules: Vec<Value> = rules
        .iter()
        .map(|(name, _)| {
            let meta = crate::rules::meta(name);
            json!({
                "id": name,
                "shortDescription": {"text": meta.map_or("", |m| m.summary)},
                "fullDescription": {"text": meta.map_or("", |m| m.doc)},
                "defaultConfiguration": {
                    "level": level(meta.map_or(Severity::Warning, |m| m.default_severity))
                },
            })
        })
        .collect();
    let results: Vec<Value> = ctx
        .outcome
        .findings
        .iter()
        .map(|f| {
            let mut message = f.message.clone();
            if let Some(help) = &f.help {
                message.push_str(&format!(" ({help})"));
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": index.get(f.rule).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.start.line,
                            "startColumn": f.start.column,
                            "endLine": f.end.line,
                            "endColumn": f.end.column.max(f.start.column),
                        }
                    }
                }],
            })
        })
        .collect();
    let notifications: Vec<Value> = ctx
        .outcome
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": e.to_string()},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": e.path()}}}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hblint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": ctx.outcome.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

impl Report for Sarif {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &to_value(ctx))?;
        writeln!(out)
    }
}
