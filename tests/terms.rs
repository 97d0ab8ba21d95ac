//! CLI tests of the `misused-term` rule on `tests/fixtures/terms/`: a tree
//! with the handbook's list (a few entries of its `data/misused_terms.yml`,
//! verbatim), a tree that points `[terms] file` elsewhere, and one with no list.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(tree: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/terms")
        .join(tree)
}

/// A finding as (line, matched text, replacement, applicability, help).
type Found = (u64, String, String, String, String);

fn check(tree: &str, extra: &[&str]) -> (i32, Vec<Found>) {
    let root = fixture(tree);
    let (code, json) = common::check_json(&root, &[&["--select", "misused-term"], extra].concat());
    let found = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            assert_eq!(f["rule"], "misused-term");
            assert_eq!(f["severity"], "warning");
            let path = f["path"].as_str().expect("path");
            let page = std::fs::read_to_string(root.join(path)).expect("page");
            let line = f["line"].as_u64().expect("line");
            let text: String = page
                .lines()
                .nth(line as usize - 1)
                .expect("line")
                .chars()
                .skip(f["column"].as_u64().expect("column") as usize - 1)
                .take(
                    (f["end_column"].as_u64().expect("end") - f["column"].as_u64().expect("col"))
                        as usize,
                )
                .collect();
            (
                line,
                text,
                f["fix"]["replacement"].as_str().unwrap_or("").to_owned(),
                f["fix"]["applicability"].as_str().unwrap_or("").to_owned(),
                f["help"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    (code, found)
}

#[test]
fn the_handbook_list_is_read_from_the_tree() {
    let (code, found) = check("handbook", &[]);
    assert_eq!(code, 0, "warnings only: {found:?}");
    let short: Vec<(u64, &str, &str, &str)> = found
        .iter()
        .map(|f| (f.0, f.1.as_str(), f.2.as_str(), f.3.as_str()))
        .collect();
    assert_eq!(
        short,
        vec![
            (7, "GitLabber", "GitLab team member", "safe"),
            (7, "GitLabbers", "GitLab team members", "safe"),
            (11, "rule of thumb", "", ""),
            (11, "biweekly", "", ""),
            (13, "Obviously", "", ""),
            (15, "Zuora", "", ""),
            (17, "middleman", "", ""),
            (19, "POC", "", ""),
            (19, "employees", "team members", "safe"),
            (27, "GitLabber", "GitLab team member", "unsafe"),
        ]
    );
    // The list's reason and options are the help.
    assert!(
        found[0].4.starts_with(
            "use `GitLab team member` instead. \"GitLabber\" includes both the GitLab community"
        ),
        "{}",
        found[0].4
    );
    assert!(found[4].4.starts_with("Skip this word. "), "{}", found[4].4);
    assert!(
        found[7]
            .4
            .starts_with("use instead: `Proof of concept`, `Point of contact`. "),
        "{}",
        found[7].4
    );
}

#[test]
fn fix_applies_only_the_single_plain_replacements() {
    let root = fixture("handbook");
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .arg("check")
        .arg("--root")
        .arg(&root)
        .args(["--select", "misused-term", "--diff"])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .expect("hblint runs");
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains(
            "+Every GitLab team member can propose a change. All GitLab team members are welcome."
        ),
        "{diff}"
    );
    assert!(
        diff.contains("+We ran a POC last week with all team members."),
        "{diff}"
    );
    assert!(!diff.contains("+## Ask a GitLab team member"), "{diff}");
    assert!(!diff.contains("Guideline"), "{diff}");
}

#[test]
fn a_configured_list_replaces_the_tree_list() {
    let (_, found) = check("elsewhere", &[]);
    let short: Vec<(u64, &str, &str)> = found
        .iter()
        .map(|f| (f.0, f.1.as_str(), f.2.as_str()))
        .collect();
    assert_eq!(short, vec![(5, "manpower", "staffing")]);
    assert_eq!(found[0].4, "use `Staffing` instead. It is gender-specific.");
}

#[test]
fn no_list_means_no_finding() {
    let (code, found) = check("bare", &[]);
    assert_eq!((code, found), (0, vec![]));
}

#[test]
fn a_missing_configured_list_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join(".hblint.toml"),
        "[terms]\nfile = \"nowhere/terms.yml\"\n",
    )
    .expect("write");
    std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
    std::fs::write(dir.path().join("content/a.md"), "Text.\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .arg("check")
        .arg("--root")
        .arg(dir.path())
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("hblint runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nowhere/terms.yml"), "{err}");
}
