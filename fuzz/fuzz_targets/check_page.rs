//! The whole `check` pipeline on one page: every rule, the fixes and every
//! report format. Never a panic; findings lie on character boundaries; fixing
//! twice equals fixing once.
#![no_main]

use hblint::config::Settings;
use hblint::inputs::{Content, SourceFile};
use hblint::lint::{self, RuleSet};
use hblint::report::{Report, ReportContext};
use hblint::rules::RunFacts;
use hblint::workspace::Workspace;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const PAGE: &str = "content/handbook/fuzz.md";

struct Setup {
    settings: Settings,
    rules: RuleSet,
    workspace: Workspace,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let root = std::env::temp_dir().join("hblint-fuzz-root");
        let _ = std::fs::create_dir_all(root.join("content/handbook"));
        let settings = Settings::defaults(&root);
        let rules = RuleSet::build(&settings, &[], &[]).expect("rules load");
        let workspace = settings.workspace_with_paths(vec![PAGE.to_owned()]);
        Setup {
            settings,
            rules,
            workspace,
        }
    })
}

fn lint(bytes: &[u8]) -> lint::Outcome {
    let s = setup();
    let files = [SourceFile {
        path: PAGE.to_owned(),
        content: Content::Bytes(bytes.to_vec()),
    }];
    let run = RunFacts {
        labels: Some(Vec::new()),
        changed: vec![PAGE.to_owned()],
        ..RunFacts::default()
    };
    lint::lint(&s.settings, &s.rules, &s.workspace, &files, &run)
}

fuzz_target!(|data: &[u8]| {
    let outcome = lint(data);
    for doc in &outcome.documents {
        for f in outcome.findings.iter().filter(|f| f.path == doc.path) {
            assert!(doc.text.get(f.range.clone()).is_some(), "{f:?}");
            assert_eq!(doc.locate(f.range.start), f.start, "{f:?}");
        }
    }
    let ctx = ReportContext {
        outcome: &outcome,
        elapsed: std::time::Duration::ZERO,
        color: true,
        out_of_scope: 0,
    };
    let reports: [Box<dyn Report>; 5] = [
        Box::new(hblint::report::human::Human),
        Box::new(hblint::report::json::Json),
        Box::new(hblint::report::codequality::CodeQuality),
        Box::new(hblint::report::junit::Junit),
        Box::new(hblint::report::note::Note::default()),
    ];
    for report in reports {
        let mut out = Vec::new();
        report.render(&ctx, &mut out).expect("renders");
    }
    let plans = hblint::fix::plan(&outcome.documents, &outcome.findings);
    let _ = hblint::fix::unified_diff(&plans);
    // Fixes settle: overlapping fixes are left for a re-run, but a few
    // re-runs leave nothing to fix.
    let mut bytes = match plans.first() {
        Some(plan) => plan.new_bytes.clone(),
        None => return,
    };
    for _ in 0..4 {
        let again = lint(&bytes);
        match hblint::fix::plan(&again.documents, &again.findings).first() {
            Some(plan) => bytes = plan.new_bytes.clone(),
            None => return,
        }
    }
    panic!("fixes do not settle after five runs");
});
