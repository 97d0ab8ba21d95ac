//! Suppression comments and frontmatter `hblint.disable` on any page: never a
//! panic, and every finding is either kept or counted as hidden.
#![no_main]

use hblint::Document;
use hblint::{Diagnostic, Severity};
use hblint::{PathIgnores, RunRules, suppress};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::from_bytes("content/fuzz.md", data) else {
        return;
    };
    // One finding of two rules at the start of every line.
    let mut findings = Vec::new();
    for line in 1..=doc.line_count().min(200) {
        let Some(r) = doc.line_range(line) else {
            continue;
        };
        for rule in ["typo", "spelling"] {
            findings.push(hblint::place(
                Some(&doc),
                &doc.path,
                rule,
                Severity::Error,
                Diagnostic {
                    range: r.clone(),
                    message: String::new(),
                    help: None,
                    fix: None,
                },
            ));
        }
    }
    let total = findings.len();
    let enabled = ["typo", "spelling"];
    let s = suppress(
        &doc.path,
        Some(&doc),
        findings,
        &PathIgnores::default(),
        &RunRules {
            enabled: &enabled,
            all: false,
        },
    );
    assert_eq!(s.kept.len() + s.hidden, total);
    for d in &s.unused {
        assert!(doc.text.get(d.range.clone()).is_some(), "{:?}", d.range);
    }
});
