//! CLI tests of the link rules on small trees copied from the two handbook layouts.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/links")
        .join(name)
}

/// Run `hblint check --format json` with `args`; return the exit code and findings.
fn check(root: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let (code, report) = common::check_json(root, args);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    (code, findings)
}

/// `(rule, path, line, column, help or fix)` of each finding.
fn brief(findings: &[Value]) -> Vec<(String, String, u64, u64, String)> {
    findings
        .iter()
        .map(|f| {
            let fix = f["fix"]["replacement"].as_str().map(|r| format!("fix {r}"));
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                fix.unwrap_or_else(|| f["help"].as_str().unwrap_or_default().to_owned()),
            )
        })
        .collect()
}

const LINK_RULES: &str = "broken-link,broken-anchor,uppercase-anchor,full-url-link";

#[test]
fn hugo_valid_shapes_and_real_pages_have_no_findings() {
    let root = fixture("hugo");
    let (code, findings) = check(
        &root,
        &[
            "--select",
            "broken-link,broken-anchor,uppercase-anchor",
            "content/handbook/hblint-cases/valid-shapes.md",
            "content/handbook/company/culture/all-remote/guide/legal.md",
            "content/handbook/security/product-security/vulnerability-management/closing-issues.md",
            "content/handbook/security/security-operations/red-team/opportunistic-attacks/_index.md",
        ],
    );
    assert_eq!(brief(&findings), vec![]);
    assert_eq!(code, 0);
}

#[test]
fn hugo_broken_shapes_exact_positions_and_suggestions() {
    let root = fixture("hugo");
    let (code, findings) = check(
        &root,
        &[
            "--select",
            LINK_RULES,
            "content/handbook/hblint-cases/broken-shapes.md",
        ],
    );
    let p = "content/handbook/hblint-cases/broken-shapes.md";
    let expect = |rule: &str, line: u64, column: u64, help: &str| {
        (rule.to_owned(), p.to_owned(), line, column, help.to_owned())
    };
    assert_eq!(
        brief(&findings),
        vec![
            expect(
                "broken-link",
                7,
                17,
                "fix /handbook/security/security-operations/red-team/stealth-operations/"
            ),
            expect("broken-link", 8, 11, "fix /handbook/security/"),
            expect("broken-anchor", 9, 37, "fix reporting-an-incident"),
            expect("broken-anchor", 10, 17, "fix intro"),
            expect(
                "broken-link",
                11,
                20,
                "no similar page exists; remove the link or point it at the page that replaced it"
            ),
            expect("broken-link", 12, 13, "link to a page of the handbook"),
            expect("uppercase-anchor", 13, 35, "fix reporting-an-incident"),
            expect(
                "full-url-link",
                14,
                15,
                "fix /handbook/security/#reporting-an-incident"
            ),
            expect(
                "broken-link",
                15,
                21,
                "no similar page exists; remove the link or point it at the page that replaced it"
            ),
            expect(
                "broken-anchor",
                16,
                36,
                "its anchors include `#security-vision-and-mission`, `#division-structure`, \
                 `#secure-the-product---the-product-security-department`, \
                 `#protect-the-company---the-security-operations-department`, \
                 `#lead-with-data---the-threat-management-department`"
            ),
            expect(
                "broken-link",
                19,
                8,
                "no similar page exists; remove the link or point it at the page that replaced it"
            ),
        ]
    );
    assert_eq!(code, 1);
    let escape = &findings[5];
    assert!(
        escape["message"]
            .as_str()
            .is_some_and(|m| m.contains("outside the repository")),
        "{escape}"
    );
}

#[test]
fn middleman_layout_with_the_example_config() {
    let root = fixture("middleman");
    let (code, findings) = check(
        &root,
        &[
            "--select",
            LINK_RULES,
            "sites/handbook/source/handbook/hblint-cases/index.html.md",
            "sites/handbook/source/handbook/support/workflows/meeting-frt-sla.html.md",
            "sites/handbook/source/handbook/customer-success/csm/customer-segments-and-metrics/index.html.md",
            "sites/handbook/source/handbook/security/awards/leaderboard-fy21.html.md",
            "sites/uncategorized/source/job-families/engineering/vulnerability-research-manager/index.html.md",
        ],
    );
    let cases = "sites/handbook/source/handbook/hblint-cases/index.html.md";
    assert_eq!(
        brief(&findings),
        vec![
            (
                "broken-anchor".into(),
                cases.into(),
                14,
                90,
                "fix tools".into()
            ),
            (
                "full-url-link".into(),
                cases.into(),
                20,
                14,
                "fix /handbook/customer-success/csm/segment/".into()
            ),
            (
                "broken-link".into(),
                cases.into(),
                22,
                10,
                "no similar page exists; remove the link or point it at the page that replaced it"
                    .into()
            ),
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn inbound_lists_every_page_linking_to_a_page() {
    let root = fixture("hugo");
    let (code, findings) = check(
        &root,
        &[
            "--inbound",
            "content/handbook/security/security-operations/red-team/stealth-operations.md",
        ],
    );
    let got: Vec<(String, u64)> = brief(&findings)
        .into_iter()
        .map(|(rule, path, line, _, _)| {
            assert_eq!(rule, "link-to-deleted-page");
            (path, line)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("content/handbook/hblint-cases/valid-shapes.md".into(), 37),
            (
                "content/handbook/security/security-operations/red-team/_index.md".into(),
                54
            ),
            (
                "content/handbook/security/security-operations/red-team/how-we-operate/rules-of-engagement.md".into(),
                23
            ),
            (
                "content/handbook/security/security-operations/red-team/opportunistic-attacks/_index.md".into(),
                6
            ),
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn inbound_outside_the_root_is_a_usage_error() {
    let root = fixture("hugo");
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .args(["check", "--root"])
        .arg(&root)
        .args(["--inbound", "/etc/passwd"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside the root"));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_broken_links() {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.md"), "# Secret\n\n## Key\n").expect("write");
    let root = tempfile::tempdir().expect("temp dir");
    let handbook = root.path().join("content/handbook");
    std::fs::create_dir_all(&handbook).expect("mkdir");
    std::fs::write(handbook.join("inside.md"), "# Inside\n\n## Here\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), handbook.join("escape.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), handbook.join("outdir")).expect("symlink");
    std::os::unix::fs::symlink(handbook.join("inside.md"), handbook.join("alias.md"))
        .expect("symlink");
    std::fs::write(
        handbook.join("page.md"),
        "[a](/handbook/escape/) [b](./escape.md#key) [c](/handbook/outdir/secret/) \
         [d](/handbook/alias/#here) [e](/handbook/inside/)\n",
    )
    .expect("write");
    let (code, findings) = check(
        root.path(),
        &[
            "--select",
            "broken-link,broken-anchor",
            "content/handbook/page.md",
        ],
    );
    let got: Vec<(String, u64)> = brief(&findings)
        .into_iter()
        .map(|(rule, _, _, column, _)| (rule, column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("broken-link".into(), 5),
            ("broken-link".into(), 28),
            ("broken-link".into(), 49),
        ]
    );
    assert_eq!(code, 1);
}

/// Every shape of Hugo's render-link hook and `GetPage` (see docs/links.md),
/// with the tree's `.hugolint.yaml` exclusions.
#[test]
fn hugo_exact_semantics_of_the_render_hook() {
    let root = fixture("hugo-exact");
    let (code, findings) = check(&root, &["--select", "broken-link,broken-anchor"]);
    assert_eq!(code, 1);
    let got: Vec<(String, String, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let psdm = "content/handbook/psdm/_index.md";
    let want: Vec<(&str, &str, u64, &str)> = vec![
        (
            "broken-anchor",
            "content/handbook/leaf/index.md",
            9,
            "no anchor `#only-here` on `content/handbook/_index.md`",
        ),
        (
            "broken-link",
            "content/handbook/psdm/_index.md",
            7,
            "`psdm/discovery/_index.md` does not exist (no page or file at `/handbook/psdm/psdm/discovery/_index.md`)",
        ),
        (
            "broken-link",
            psdm,
            14,
            "`draft-page/` leads to `content/handbook/psdm/draft-page.md`, which the site does not publish",
        ),
        (
            "broken-link",
            psdm,
            15,
            "`hidden/` leads to `content/handbook/psdm/hidden/_index.md`, which the site does not publish",
        ),
        (
            "broken-link",
            psdm,
            17,
            "`unique-elsewhere.md` does not exist (no page or file at `/handbook/psdm/unique-elsewhere.md`)",
        ),
        (
            "broken-link",
            psdm,
            20,
            "`https://handbook.gitlab.com/handbook/Values/` does not exist (no page or file at `/handbook/Values/`)",
        ),
        (
            "broken-link",
            psdm,
            24,
            "`/handbook/generated-gone/` does not exist (no page or file at `/handbook/generated-gone/`)",
        ),
        (
            "broken-link",
            "content/handbook/regular.md",
            8,
            "`leaf/chart.png` does not exist (no page or file at `/handbook/regular/leaf/chart.png`)",
        ),
        (
            "broken-link",
            "content/handbook/regular.md",
            10,
            "`values-old/` does not exist (no page or file at `/handbook/regular/values-old/`)",
        ),
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want: Vec<(String, String, u64, String)> = want
        .into_iter()
        .map(|(r, p, l, m)| (r.to_owned(), p.to_owned(), l, m.to_owned()))
        .collect();
    want.sort();
    assert_eq!(got_sorted, want);
}

#[test]
fn the_summary_says_the_link_exclusions_were_read() {
    let root = fixture("hugo-exact");
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(["check", "--root"])
        .arg(&root)
        .args(["--select", LINK_RULES, "--color", "never"])
        .arg("content/handbook/values.md")
        .current_dir(&root)
        .output()
        .expect("hblint runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("; 2 link exclusions read from .hugolint.yaml"),
        "{stdout}"
    );
}

#[test]
fn a_bad_exclusion_pattern_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
    std::fs::write(dir.path().join("content/a.md"), "# A\n").expect("write");
    std::fs::write(
        dir.path().join(".hugolint.yaml"),
        "exclude:\n - pattern: '^/ok/'\n - pattern: '^/bad/(('\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(["check", "--root"])
        .arg(dir.path())
        .args(["--color", "never"])
        .current_dir(dir.path())
        .output()
        .expect("hblint runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr.contains("invalid exclude pattern `^/bad/((`"),
        "{stderr}"
    );
    assert!(stderr.contains(".hugolint.yaml:3"), "{stderr}");
}
