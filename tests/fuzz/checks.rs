//! What each fuzz target asserts of one input, shared by the fuzz targets
//! (`fuzz/fuzz_targets/`, nightly) and by `tests/fuzz_regressions.rs`, which
//! replays the inputs kept under `tests/fuzz/TARGET/` on stable. Each
//! function panics when the input breaks what hblint promises.

use hblint::{
    Content, Diagnostic, DiffItem, Document, FileChange, Outcome, PathIgnores, Report,
    ReportContext, RuleSet, RunFacts, RunRules, Settings, Severity, SourceFile, Workspace,
    added_lines, suppress,
};
use std::path::Path;
use std::sync::OnceLock;

/// `Document::from_bytes` on any bytes: never a panic, and every range the
/// document holds lies on character boundaries inside its text.
pub fn document_parse(data: &[u8]) {
    let Ok(doc) = Document::from_bytes("content/fuzz.md", data) else {
        return;
    };
    assert_eq!(doc.masked().len(), doc.text.len());
    let ranges = doc
        .links
        .iter()
        .map(|l| &l.range)
        .chain(doc.headings.iter().map(|h| &h.range))
        .chain(doc.html_anchors.iter().map(|a| &a.range))
        .chain(doc.suppressions.iter().map(|s| &s.range))
        .chain(doc.prose_ranges.iter())
        .chain(doc.code_ranges.iter())
        .chain(doc.tables.iter().flat_map(|t| {
            std::iter::once(&t.range).chain(
                t.header
                    .iter()
                    .chain(t.rows.iter().flatten())
                    .map(|c| &c.range),
            )
        }));
    for r in ranges {
        assert!(doc.text.get(r.clone()).is_some(), "{r:?}");
        assert!(doc.masked().get(r.clone()).is_some(), "{r:?}");
        let (a, b) = (doc.locate(r.start), doc.locate(r.end));
        assert!((a.line, a.column) <= (b.line, b.column), "{r:?}");
    }
    for line in 1..=doc.line_count() {
        let r = doc.line_range(line).expect("every line has a range");
        assert!(doc.text.get(r).is_some());
    }
    for (offset, run) in doc.prose() {
        assert_eq!(&doc.masked()[offset..offset + run.len()], run);
    }
}

/// The unified-diff reader on any text: never a panic; the added lines come
/// back sorted, merged and 1-based.
pub fn unified_diff(data: &[u8]) {
    let diff = String::from_utf8_lossy(data).into_owned();
    let added = added_lines(&diff);
    for w in added.windows(2) {
        assert!(w[0].1 < w[1].0, "{added:?}");
    }
    for &(start, end) in &added {
        assert!(1 <= start && start <= end, "{added:?}");
    }
    let change = FileChange::from_item(&DiffItem {
        old_path: "a.md".into(),
        new_path: "a.md".into(),
        diff,
        ..DiffItem::default()
    });
    for &(start, end) in &change.added {
        assert!(change.touches_line(start) && change.touches_line(end));
    }
    let _ = change.added_count();
}

/// The configuration loader on any text: never a panic, and an error renders
/// with its span inside the file.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Settings::from_toml(Path::new("/r"), Path::new(".hblint.toml"), text) {
        Ok(settings) => {
            let _ = hblint::default_paths(&settings.files);
        }
        Err(e) => {
            if let Some(span) = e.span {
                assert!(span.offset() + span.len() <= text.len(), "{span:?}");
            }
            let mut out = String::new();
            miette::GraphicalReportHandler::new()
                .render_report(&mut out, e.as_ref())
                .expect("renders");
        }
    }
}

/// Suppression comments and frontmatter `hblint.disable` on any page: never a
/// panic, and every finding is either kept or counted as hidden.
pub fn suppressions(data: &[u8]) {
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
    for d in s.unused.iter().chain(&s.invalid) {
        assert!(doc.text.get(d.range.clone()).is_some(), "{:?}", d.range);
    }
}

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

fn lint_page(bytes: &[u8]) -> Outcome {
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

fn plans(outcome: &Outcome) -> Vec<hblint::FilePlan> {
    hblint::plan(&outcome.documents_with_fixes(), &outcome.findings)
}

/// The whole `check` pipeline on one page: every rule, every report format
/// and `--fix`. Never a panic; findings lie on character boundaries where the
/// page's own parse puts them; the fixes settle within their rounds, so
/// fixing twice equals fixing once.
pub fn check_page(data: &[u8]) {
    let outcome = lint_page(data);
    if let Ok(doc) = Document::from_bytes(PAGE, data) {
        for f in &outcome.findings {
            assert!(doc.text.get(f.range.clone()).is_some(), "{f:?}");
            assert_eq!(doc.locate(f.range.start), f.start, "{f:?}");
        }
    }
    let ctx = ReportContext {
        outcome: &outcome,
        elapsed: std::time::Duration::ZERO,
        color: true,
        out_of_scope: 0,
        notes: Vec::new(),
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
    let first = plans(&outcome);
    let _ = hblint::unified_diff(&first);
    let settled = hblint::settle((outcome, first), |pages| {
        let again = lint_page(&pages[0].1);
        let p = plans(&again);
        (again, p)
    });
    assert!(
        settled.unsettled.is_empty(),
        "fixes do not settle after {} rounds: {:?}",
        hblint::MAX_ROUNDS,
        settled.unsettled
    );
    let _ = hblint::patch(&settled.pages);
    for page in &settled.pages {
        assert_eq!(page.old_bytes, data);
        assert!(
            std::str::from_utf8(&page.new_bytes).is_ok(),
            "fixes keep UTF-8"
        );
    }
}
