//! `--format codequality`: GitLab's Code Quality report (the MR widget).
//!
//! A JSON array of issues. The fingerprint hashes the rule, the path, the
//! message and the finding's rank among identical ones in that file — not the
//! line — so a finding keeps its fingerprint when lines above it move, and the
//! widget does not report it as fixed and new again.

use super::{Report, ReportContext};
use crate::finding::Severity;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Write};

pub struct CodeQuality;

/// GitLab's severity names.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn fingerprint(rule: &str, path: &str, message: &str, rank: usize) -> String {
    let mut h = Sha256::new();
    for part in [rule, path, message, &rank.to_string()] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    // The first 16 bytes: 32 hex digits.
    let mut hex = format!("{:x}", h.finalize());
    hex.truncate(32);
    hex
}

pub fn to_value(ctx: &ReportContext<'_>) -> Value {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<Value> = ctx
        .outcome
        .findings
        .iter()
        .map(|f| {
            let rank = seen
                .entry((f.rule, f.path.as_str(), f.message.as_str()))
                .or_default();
            let fp = fingerprint(f.rule, &f.path, &f.message, *rank);
            *rank += 1;
            let description = match &f.help {
                Some(help) => format!("{} ({help})", f.message),
                None => f.message.clone(),
            };
            json!({
                "type": "issue",
                "description": description,
                "check_name": f.rule,
                "fingerprint": fp,
                "severity": severity(f.severity),
                "location": {
                    "path": f.path,
                    "lines": {"begin": f.start.line, "end": f.end.line.max(f.start.line)},
                },
            })
        })
        .collect();
    Value::Array(issues)
}

impl Report for CodeQuality {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &to_value(ctx))?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Position};
    use crate::lint::Outcome;

    fn finding(line: usize, message: &str) -> Finding {
        Finding {
            rule: "typo",
            severity: Severity::Error,
            path: "content/a.md".into(),
            range: 0..1,
            start: Position { line, column: 1 },
            end: Position { line, column: 2 },
            message: message.into(),
            help: None,
            fix: None,
        }
    }

    fn render(findings: Vec<Finding>) -> Value {
        let outcome = Outcome {
            findings,
            ..Outcome::default()
        };
        to_value(&ReportContext {
            outcome: &outcome,
            elapsed: Default::default(),
            color: false,
            out_of_scope: 0,
            notes: Vec::new(),
        })
    }

    #[test]
    fn fingerprints_survive_moved_lines_and_stay_unique() {
        let before = render(vec![finding(3, "`teh`"), finding(9, "`teh`")]);
        let after = render(vec![finding(13, "`teh`"), finding(19, "`teh`")]);
        assert_eq!(before[0]["fingerprint"], after[0]["fingerprint"]);
        assert_eq!(before[1]["fingerprint"], after[1]["fingerprint"]);
        assert_ne!(before[0]["fingerprint"], before[1]["fingerprint"]);
        assert_eq!(after[0]["location"]["lines"]["begin"], 13);
        assert_eq!(after[0]["severity"], "major");
        assert_eq!(after[0]["check_name"], "typo");
    }

    /// GitLab keeps fingerprints between pipelines: their text must not
    /// change (the first 16 bytes of SHA-256 over the NUL-ended parts).
    #[test]
    fn a_fingerprint_is_the_first_half_of_its_digest_in_hex() {
        assert_eq!(
            super::fingerprint("typo", "a.md", "m", 0),
            "22ea5aaef26f250a47b5844384e6b681"
        );
    }
}
