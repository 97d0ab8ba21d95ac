//! `--format junit`: one test case per linted file; a file with findings
//! fails, its failure listing every finding (GitLab shows it in the MR's
//! test report).

use super::{Report, ReportContext};
use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub struct Junit;

pub fn to_string(ctx: &ReportContext<'_>) -> Result<String, quick_junit::SerializeError> {
    let outcome = ctx.outcome;
    let mut files: BTreeMap<&str, Vec<&crate::finding::Finding>> = BTreeMap::new();
    for d in &outcome.pages {
        files.entry(d.path.as_str()).or_default();
    }
    for f in &outcome.findings {
        files.entry(f.path.as_str()).or_default().push(f);
    }
    let mut suite = TestSuite::new("hblint");
    for (path, findings) in &files {
        let status = if findings.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let first = findings[0];
            s.set_message(format!(
                "{} finding{}; first: line {}: {}",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                first.start.line,
                first.message
            ));
            s.set_type("hblint");
            let description: Vec<String> = findings
                .iter()
                .map(|f| {
                    let mut line = format!(
                        "{path}:{}:{}: {} [{}] {}",
                        f.start.line, f.start.column, f.severity, f.rule, f.message
                    );
                    if let Some(help) = &f.help {
                        line.push_str(&format!("\n    help: {help}"));
                    }
                    line
                })
                .collect();
            s.set_description(description.join("\n"));
            s
        };
        let mut case = TestCase::new(*path, status);
        case.set_classname("hblint");
        suite.add_test_case(case);
    }
    for e in &outcome.errors {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
        s.set_message(e.to_string());
        let mut case = TestCase::new(e.path(), s);
        case.set_classname("hblint");
        suite.add_test_case(case);
    }
    let mut report = JReport::new("hblint");
    report.add_test_suite(suite);
    report.to_string()
}

impl Report for Junit {
    fn render(&self, ctx: &ReportContext<'_>, out: &mut dyn Write) -> io::Result<()> {
        let xml = to_string(ctx).map_err(io::Error::other)?;
        out.write_all(xml.as_bytes())?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Position, Severity};
    use crate::lint::Outcome;

    #[test]
    fn one_case_per_file_failing_with_its_findings() {
        let f = |path: &str, line| Finding {
            rule: "typo",
            severity: Severity::Error,
            path: path.into(),
            range: 0..1,
            start: Position { line, column: 4 },
            end: Position { line, column: 5 },
            message: "`teh` <is> & a misspelling".into(),
            help: Some("replace with `the`".into()),
            fix: None,
        };
        let outcome = Outcome {
            findings: vec![f("a.md", 2), f("a.md", 7), f("b.md", 1)],
            ..Outcome::default()
        };
        let xml = to_string(&ReportContext {
            outcome: &outcome,
            elapsed: Default::default(),
            color: false,
            out_of_scope: 0,
            notes: Vec::new(),
        })
        .expect("serialises");
        assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
        assert_eq!(xml.matches("<failure").count(), 2, "{xml}");
        assert!(xml.contains("a.md:7:4: error [typo]"), "{xml}");
        assert!(xml.contains("&lt;is&gt; &amp;"), "{xml}");
        let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("valid XML");
        assert_eq!(parsed.test_suites[0].test_cases.len(), 2);
    }
}
