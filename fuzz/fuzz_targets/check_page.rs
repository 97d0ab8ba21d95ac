//! The whole `check` pipeline on one page: every rule, the fixes and every
//! report format. Never a panic; findings lie on character boundaries; fixing
//! twice equals fixing once.
#![no_main]

use hblint::Settings;
use hblint::{Content, SourceFile};
use hblint::RuleSet;
use hblint::{Report, ReportContext};
use hblint::RunFacts;
use hblint::Workspace;
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

fn lint(bytes: &[u8]) -> hblint::Outcome {
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
    hblint::lint(&s.settings, &s.rules, &s.workspace, &files, &run)
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
        Box::new(hblint::Human),
        Box::new(hblint::Json),
        Box::new(hblint::CodeQuality),
        Box::new(hblint::Junit),
        Box::new(hblint::Note::default()),
    ];
    for report in reports {
        let mut out = Vec::new();
        report.render(&ctx, &mut out).expect("renders");
    }
    let plans = hblint::plan(&outcome.documents, &outcome.findings);
    let _ = hblint::unified_diff(&plans);
    // Fixes settle: overlapping fixes are left for a re-run, but a few
    // re-runs leave nothing to fix.
    let mut bytes = match plans.first() {
        Some(plan) => plan.new_bytes.clone(),
        None => return,
    };
    for _ in 0..4 {
        let again = lint(&bytes);
        match hblint::plan(&again.documents, &again.findings).first() {
            Some(plan) => bytes = plan.new_bytes.clone(),
            None => return,
        }
    }
    panic!("fixes do not settle after five runs");
});
