//! CLI tests of the `typo` and `spelling` rules on `tests/fixtures/spelling/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spelling")
}

/// A finding as (rule, path, line, column, word, replacement).
type Found = (String, String, u64, u64, String, String);

/// Run `hblint check` with JSON output; return the exit code and the findings.
fn check(args: &[&str]) -> (i32, Vec<Found>) {
    let root = fixtures();
    let (code, json) = common::check_json(&root, args);
    let text = |path: &str, line: u64, col: u64, end: u64| -> String {
        let page = std::fs::read_to_string(root.join(path)).expect("fixture");
        let line = page.lines().nth(line as usize - 1).expect("line");
        line.chars()
            .skip(col as usize - 1)
            .take((end - col) as usize)
            .collect()
    };
    let findings = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let path = f["path"].as_str().expect("path").to_owned();
            let line = f["line"].as_u64().expect("line");
            let column = f["column"].as_u64().expect("column");
            let end = f["end_column"].as_u64().expect("end column");
            (
                f["rule"].as_str().expect("rule").to_owned(),
                path.clone(),
                line,
                column,
                text(&path, line, column, end),
                f["fix"]["replacement"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    (code, findings)
}

fn words_of(findings: &[Found], rule: &str, path: &str) -> Vec<(String, String)> {
    findings
        .iter()
        .filter(|f| f.0 == rule && f.1 == path)
        .map(|f| (f.4.clone(), f.5.clone()))
        .collect()
}

const TYPOS: &str = "content/handbook/typos.md";
const SPELLING: &str = "content/handbook/spelling.md";

#[test]
fn typo_finds_listed_misspellings_only_in_prose() {
    let (code, found) = check(&["--select", "typo", "content/handbook/typos.md"]);
    assert_eq!(code, 1, "typo findings are errors");
    assert_eq!(
        words_of(&found, "typo", TYPOS),
        vec![
            ("serivices".into(), "services".into()),
            ("addtion".into(), "addition".into()),
            ("teh".into(), "the".into()),
        ]
    );
    let place: Vec<(u64, u64)> = found.iter().map(|f| (f.2, f.3)).collect();
    assert_eq!(place, vec![(7, 40), (9, 4), (9, 13)]);
}

#[test]
fn typo_and_spelling_leave_a_clean_page_alone() {
    let (code, found) = check(&["--select", "typo,spelling", "content/handbook/clean.md"]);
    assert_eq!(code, 0);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn spelling_finds_unlisted_misspellings_with_suggestions() {
    let (code, found) = check(&["--select", "spelling", "content/handbook/spelling.md"]);
    assert_eq!(code, 0, "spelling findings are warnings");
    assert_eq!(
        words_of(&found, "spelling", SPELLING),
        vec![
            ("quoata".into(), "quota".into()),
            ("Partnres".into(), "Partners".into()),
        ]
    );
}

#[test]
fn spelling_does_not_repeat_typo_findings() {
    let (_, found) = check(&["--select", "spelling", "content/handbook/typos.md"]);
    assert!(words_of(&found, "spelling", TYPOS).is_empty(), "{found:?}");
}

#[test]
fn accepted_words_silence_both_rules() {
    let config = fixtures().join("accept.toml");
    let config = config.to_str().expect("utf-8 path");
    let (_, found) = check(&[
        "--config",
        config,
        "--select",
        "typo,spelling",
        "content/handbook/spelling.md",
        "content/handbook/typos.md",
    ]);
    let words: Vec<&str> = found.iter().map(|f| f.4.as_str()).collect();
    assert_eq!(words, vec!["addtion", "teh"], "{found:?}");
}

#[test]
fn help_tells_how_to_accept_a_word() {
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .arg("check")
        .arg("--root")
        .arg(fixtures())
        .current_dir(fixtures())
        .args([
            "--format",
            "human",
            "--color",
            "never",
            "--select",
            "spelling",
            "content/handbook/spelling.md",
        ])
        .output()
        .expect("hblint runs");
    // Said once, under the findings, with the words flagged.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("extra-words").count(), 1, "{stdout}");
    assert!(
        stdout.contains("extra-words"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("hblint vocab add Partnres quoata"),
        "{stdout}"
    );
}

#[test]
fn rules_list_and_explain_spelling() {
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .args(["explain", "spelling"])
        .output()
        .expect("hblint runs");
    assert!(out.status.success());
    let doc = String::from_utf8_lossy(&out.stdout);
    assert!(
        doc.contains("## What it does") && doc.contains("hblint vocab add"),
        "{doc}"
    );
}

/// `coachee` is on three pages of the fixture tree, so it is jargon even when
/// only one page is linted (the root's pages are counted); alone in a tree it
/// is judged like any other word.
#[test]
fn tree_frequency_comes_from_the_root_on_small_runs() {
    let (_, found) = check(&["--select", "spelling", "content/handbook/spelling.md"]);
    assert!(!found.iter().any(|f| f.4 == "coachee"), "{found:?}");

    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("content/handbook/alone.md");
    std::fs::create_dir_all(page.parent().expect("parent")).expect("mkdir");
    std::fs::write(&page, "# Alone\n\nThe coachee agreed.\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .arg("check")
        .arg("--root")
        .arg(dir.path())
        .current_dir(dir.path())
        .args([
            "--format",
            "json",
            "--select",
            "spelling",
            "content/handbook/alone.md",
        ])
        .output()
        .expect("hblint runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("`coachee` is not in the dictionary"),
        "{stdout}"
    );
}
