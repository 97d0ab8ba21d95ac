//! Properties of the pipeline on generated pages (`proptest`): findings lie
//! on character boundaries inside their file and their line and column agree
//! with their span; `--fix` applied twice equals once; masking keeps every
//! offset; a page's findings do not depend on the order of the files.

use hblint::Document;
use hblint::Finding;
use hblint::RunFacts;
use hblint::Settings;
use hblint::{Content, SourceFile};
use hblint::{Outcome, RuleSet};
use proptest::prelude::*;
use std::sync::OnceLock;

struct Setup {
    _dir: tempfile::TempDir,
    settings: Settings,
    rules: RuleSet,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = Settings::defaults(dir.path());
        let rules = RuleSet::build(&settings, &[], &[]).expect("rules");
        Setup {
            _dir: dir,
            settings,
            rules,
        }
    })
}

fn lint_pages(pages: &[(String, String)]) -> Outcome {
    lint_with(&setup().rules, pages)
}

fn lint_with(rules: &RuleSet, pages: &[(String, String)]) -> Outcome {
    let s = setup();
    let files: Vec<SourceFile> = pages
        .iter()
        .map(|(path, text)| SourceFile {
            path: path.clone(),
            content: Content::Bytes(text.clone().into_bytes()),
        })
        .collect();
    let workspace = s
        .settings
        .workspace_with_paths(pages.iter().map(|(p, _)| p.clone()).collect());
    let run = RunFacts {
        labels: Some(Vec::new()),
        changed: pages.iter().map(|(p, _)| p.clone()).collect(),
        ..RunFacts::default()
    };
    hblint::lint(&s.settings, rules, &workspace, &files, &run)
}

/// Pieces handbook pages are made of, including the awkward ones: typos,
/// mojibake, links, anchors, code, generator syntax, suppressions, tables,
/// multi-byte characters and every line ending.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("teh ".to_owned()),
        Just("recieve ".to_owned()),
        Just("GitLabâ€™s ".to_owned()),
        Just("Café naïve 日本語 😀 ".to_owned()),
        Just("[link](/handbook/missing-page/#Anchor) ".to_owned()),
        Just("[a](#no-such-heading) ".to_owned()),
        Just("<https://gitlab.com/handbook/x/> ".to_owned()),
        Just("`teh code` ".to_owned()),
        Just("\n```\nteh fenced\n```\n".to_owned()),
        Just("{{< note >}}teh{{< /note >}} ".to_owned()),
        Just("<%= partial('x') %> ".to_owned()),
        Just("{: #custom-id}\n".to_owned()),
        Just("<!-- hblint-disable-next-line typo -->\n".to_owned()),
        Just("<!-- hblint-disable spelling -->\n".to_owned()),
        Just("\n## Heading teh {#Id}\n".to_owned()),
        Just("\n| Role | teh |\n|---|---|\n| Solutions Architect | x |\n".to_owned()),
        Just("\n> quote teh\n".to_owned()),
        Just("\n- item teh\n  - nested\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\t".to_owned()),
        "[a-zA-Z]{1,12} ",
        "\\PC{1,4}",
    ]
}

fn page() -> impl Strategy<Value = String> {
    (
        proptest::option::of(Just("---\ntitle: Teh page\n---\n\n".to_owned())),
        proptest::collection::vec(piece(), 0..40),
    )
        .prop_map(|(fm, pieces)| fm.unwrap_or_default() + &pieces.concat())
}

const PAGE: &str = "content/handbook/p.md";

/// What `hblint check --fix` makes of one page with every rule on: rounds
/// of fixes until none is left. `None` when the fixes do not settle.
fn fix(text: &str) -> Option<String> {
    let plans =
        |outcome: &Outcome| hblint::plan(&outcome.documents_with_fixes(), &outcome.findings);
    let first = lint_pages(&[(PAGE.to_owned(), text.to_owned())]);
    let first_plans = plans(&first);
    let settled = hblint::settle((first, first_plans), |pages| {
        let fixed = String::from_utf8(pages[0].1.clone()).expect("fixes keep UTF-8");
        let again = lint_pages(&[(PAGE.to_owned(), fixed)]);
        let p = plans(&again);
        (again, p)
    });
    if !settled.unsettled.is_empty() {
        return None;
    }
    Some(match settled.pages.first() {
        Some(page) => String::from_utf8(page.new_bytes.clone()).expect("fixes keep UTF-8"),
        None => text.to_owned(),
    })
}

/// A mojibake repair and a link rewrite reveal or shift a typo's fix: one
/// round of fixes left `teh` for a second run.
#[test]
fn fixes_revealed_by_other_fixes_are_made_in_the_same_run() {
    let text = "<https://gitlab.com/handbook/x/> GitLabâ€™s teh <https://gitlab.com/handbook/x/> `teh code`\n";
    let once = fix(text).expect("settles");
    assert!(once.contains("GitLab’s the "), "{once}");
    assert!(once.contains("`teh code`"), "code is never fixed: {once}");
    assert_eq!(fix(&once).as_deref(), Some(once.as_str()));
}

fn sorted(mut findings: Vec<Finding>) -> Vec<String> {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
        .iter()
        .map(|f| format!("{}:{:?}:{}:{}", f.path, f.range, f.rule, f.message))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn findings_lie_on_character_boundaries_and_their_position_agrees(text in page()) {
        let outcome = lint_pages(&[("content/handbook/p.md".to_owned(), text.clone())]);
        let doc = hblint::Document::parse("content/handbook/p.md", text.clone(), false)
            .expect("parses");
        for f in &outcome.findings {
            prop_assert!(f.range.start <= f.range.end && f.range.end <= text.len(), "{f:?}");
            prop_assert!(text.is_char_boundary(f.range.start), "{f:?}");
            prop_assert!(text.is_char_boundary(f.range.end), "{f:?}");
            prop_assert_eq!(doc.locate(f.range.start), f.start);
            prop_assert_eq!(doc.locate(f.range.end), f.end);
            // Line and column, counted by hand.
            let before = &text[..f.range.start];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[line_start..].chars().count() + 1;
            prop_assert_eq!((f.start.line, f.start.column), (line, column));
            if let Some(fix) = &f.fix {
                prop_assert!(text.get(fix.range.clone()).is_some(), "{f:?}");
            }
        }
    }

    /// Every rule on at once: a fix that reveals or moves another is made
    /// in the same run, so a second `--fix` finds nothing left.
    #[test]
    fn fix_applied_twice_equals_once(text in page()) {
        let once = fix(&text);
        prop_assert!(once.is_some(), "the fixes of {:?} do not settle", text);
        let once = once.unwrap_or_default();
        prop_assert_eq!(fix(&once), Some(once));
    }

    #[test]
    fn masking_keeps_every_offset(text in page()) {
        let doc = Document::parse("p.md", text.clone(), false).expect("parses");
        let masked = doc.masked();
        prop_assert_eq!(masked.len(), text.len());
        for ((i, a), b) in text.bytes().enumerate().zip(masked.bytes()) {
            prop_assert!(a == b || b == b' ', "byte {} changed from {} to {}", i, a, b);
            prop_assert_eq!(a == b'\n', b == b'\n');
            prop_assert_eq!(text.is_char_boundary(i), masked.is_char_boundary(i));
        }
    }

    #[test]
    fn findings_do_not_depend_on_the_order_of_the_files(
        pages in proptest::collection::vec(page(), 1..4),
        rotate in 0usize..4,
    ) {
        let named: Vec<(String, String)> = pages
            .into_iter()
            .enumerate()
            .map(|(i, t)| (format!("content/handbook/p{i}.md"), t))
            .collect();
        let mut shuffled = named.clone();
        let n = shuffled.len();
        shuffled.rotate_left(rotate % n);
        shuffled.reverse();
        let a = lint_pages(&named);
        let b = lint_pages(&shuffled);
        prop_assert_eq!(sorted(a.findings), sorted(b.findings));
    }
}
