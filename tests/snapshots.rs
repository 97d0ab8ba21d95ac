//! The findings on each fixture tree, pinned: a change in a message, a
//! position, a severity or a fix shows up in review as a snapshot diff
//! (`cargo insta review`). Also checks each rule's declared fix availability
//! against what it emits on the fixtures, and pins the MR note.

use hblint::Applicability;
use hblint::{FixAvailability, TABLE};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `hblint check` on a fixture tree: `(root, config, paths, extra args)`.
struct Run {
    name: &'static str,
    root: &'static str,
    config: Option<&'static str>,
    paths: &'static [&'static str],
    args: &'static [&'static str],
}

const RUNS: &[Run] = &[
    Run {
        name: "everyday",
        root: "tests/fixtures/everyday",
        config: Some("tests/fixtures/everyday/hblint.toml"),
        paths: &[],
        args: &[],
    },
    Run {
        name: "links-hugo",
        root: "tests/fixtures/links/hugo",
        config: None,
        paths: &[],
        args: &[],
    },
    Run {
        name: "links-middleman",
        root: "tests/fixtures/links/middleman",
        config: Some("examples/middleman.hblint.toml"),
        paths: &[],
        args: &[],
    },
    Run {
        name: "spelling",
        root: "tests/fixtures/spelling",
        config: None,
        paths: &[],
        args: &[],
    },
    Run {
        name: "terms",
        root: "tests/fixtures/terms/handbook",
        config: None,
        paths: &[],
        args: &[],
    },
    Run {
        name: "roles",
        root: "tests/fixtures/roles",
        config: None,
        paths: &["."],
        args: &[],
    },
    Run {
        name: "example-handbook",
        root: "examples/handbook",
        config: None,
        paths: &[],
        args: &["--labels", "documentation"],
    },
];

fn check(run: &Run, format: &str) -> String {
    let root = repo().join(run.root);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hblint"));
    cmd.current_dir(&root)
        .args([
            "check", "--root", ".", "--format", format, "--color", "never",
        ])
        .args(run.args)
        .args(run.paths)
        .env_remove("CI_MERGE_REQUEST_LABELS")
        .env("NO_COLOR", "1");
    if let Some(config) = run.config {
        cmd.arg("--config").arg(repo().join(config));
    }
    let out = cmd.output().expect("run hblint");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}: {}",
        run.name,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The human report without its timing (`[0.12s]`).
fn without_timing(text: &str) -> String {
    let re = regex::Regex::new(r" \[\d+\.\d+s\]").expect("valid regex");
    re.replace_all(text, "").into_owned()
}

#[test]
fn findings_on_the_fixture_trees() {
    for run in RUNS {
        insta::assert_snapshot!(format!("{}-json", run.name), check(run, "json"));
        insta::assert_snapshot!(
            format!("{}-human", run.name),
            without_timing(&check(run, "human"))
        );
    }
}

/// The MR note is a contract: the MR job posts it, edits it in place on
/// every pipeline and reviewers read it. Pinned on the example handbook, next
/// to its human report (the version in the footer is masked).
#[test]
fn the_note_on_the_example_handbook() {
    let run = RUNS
        .iter()
        .find(|r| r.name == "example-handbook")
        .expect("the example run");
    let note = check(run, "note").replace(
        concat!("hblint ", env!("CARGO_PKG_VERSION")),
        "hblint [version]",
    );
    assert!(note.starts_with("<!-- hblint:mr-note -->"), "{note}");
    insta::assert_snapshot!("example-handbook-note", note);
}

#[test]
fn fix_availability_matches_the_findings() {
    // rule -> (findings, findings with a safe fix)
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for run in RUNS {
        let v: Value = serde_json::from_str(&check(run, "json")).expect("json report");
        for f in v["findings"].as_array().into_iter().flatten() {
            let rule = f["rule"].as_str().unwrap_or_default().to_owned();
            let safe = f["fix"]["applicability"]
                == serde_json::to_value(Applicability::Safe).expect("serialises");
            let entry = seen.entry(rule).or_default();
            entry.0 += 1;
            entry.1 += usize::from(safe);
        }
    }
    for entry in &TABLE {
        let name = entry.meta.name;
        let (found, safe) = seen.get(name).copied().unwrap_or_default();
        match entry.meta.fix {
            FixAvailability::Never => {
                assert_eq!(
                    safe, 0,
                    "{name} declares no fix but fixed {safe} of {found}"
                )
            }
            FixAvailability::Sometimes => assert!(
                safe > 0,
                "{name} declares fixes but fixed none of {found} findings on the fixtures"
            ),
            FixAvailability::Always => assert_eq!(
                safe, found,
                "{name} declares a fix for every finding but fixed {safe} of {found}"
            ),
        }
    }
}
