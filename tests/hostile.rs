//! Hostile pages through every mode (`check`, `check --fix`, `check --staged`,
//! `mr --dry-run`): each ends with a finding or a file error naming what is
//! wrong, never a hang, a crash or a panic, and every other page is linted.
//!
//! The pages are generated here (see `hostile/pages.rs`), never committed.
//! Every run is capped by `ulimit`: an address space of 4 GiB and 300 s of CPU,
//! guards that turn a runaway page into a failed test instead of a stalled
//! job. The measured time and memory of each page are in the README
//! ("What hblint promises") and come from `scripts/hostile`.

#[path = "hostile/pages.rs"]
mod pages;

mod fake_gitlab;

use serde_json::Value;
use std::ffi::OsStr;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ADDRESS_SPACE_KB: u64 = 4 * 1024 * 1024;
const CPU_SECONDS: u64 = 300;

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    pages: PathBuf,
    outside: PathBuf,
}

fn tree() -> Tree {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    let pages = pages::write_tree(&root, &outside).expect("hostile tree");
    Tree {
        _dir: dir,
        root,
        pages,
        outside,
    }
}

/// hblint under the resource caps, from `cwd`, with no GitLab variables.
fn hblint(cwd: &Path, args: &[&OsStr], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KB} && ulimit -t {CPU_SECONDS} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_hblint"))
        .args(args)
        .current_dir(cwd);
    for var in [
        "HBLINT_GITLAB_TOKEN",
        "GITLAB_TOKEN",
        "CI_JOB_TOKEN",
        "CI_MERGE_REQUEST_LABELS",
        "CI_API_V4_URL",
        "CI_PROJECT_ID",
        "CI_MERGE_REQUEST_IID",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("hblint runs");
    assert_eq!(
        out.status.signal(),
        None,
        "hblint was killed (stack overflow, memory or CPU cap): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

/// `hblint check --root ROOT [--fix] --format json PATH`.
fn check_json(t: &Tree, path: &OsStr, fix: bool) -> Output {
    let mut args = vec![os("check"), os("--root"), t.root.as_os_str()];
    if fix {
        args.push(os("--fix"));
    }
    args.extend([os("--format"), os("json"), path]);
    hblint(&t.root, &args, &[])
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The file errors of a JSON report, by path.
fn file_errors(report: &Value) -> Vec<(String, String)> {
    report["file_errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["path"].as_str().unwrap_or_default().to_owned(),
                        e["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every page has its file error, and the others are linted (the page with
/// the shell name keeps its typo finding unless it was fixed).
fn assert_each_page_reported(report: &Value, prefix: &str, fixed: bool) {
    let errors = file_errors(report);
    for page in pages::all() {
        let path = format!("{prefix}{}", page.name);
        let found: Vec<&String> = errors
            .iter()
            .filter(|(p, _)| *p == path)
            .map(|(_, m)| m)
            .collect();
        match page.error {
            Some(expected) => {
                assert_eq!(found.len(), 1, "{path}: {errors:?}");
                assert!(found[0].contains(expected), "{path}: {}", found[0]);
            }
            None => assert!(found.is_empty(), "{path}: {found:?}"),
        }
    }
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let shell_page = format!("{prefix}{}", pages::SHELL_NAME);
    assert_eq!(
        findings
            .iter()
            .any(|f| f["path"] == shell_page.as_str() && f["rule"] == "typo"),
        !fixed,
        "the page with a newline in its name is linted: {findings:?}"
    );
}

#[test]
fn each_page_alone_ends_with_its_file_error() {
    let t = tree();
    for page in pages::all() {
        let path = t.pages.join(page.name);
        let out = check_json(&t, path.as_os_str(), false);
        let report = json(&out);
        let errors = file_errors(&report);
        match page.error {
            Some(expected) => {
                assert_eq!(out.status.code(), Some(2), "{}", page.name);
                assert_eq!(errors.len(), 1, "{}: {errors:?}", page.name);
                assert!(errors[0].1.contains(expected), "{}: {errors:?}", page.name);
            }
            None => assert!(errors.is_empty(), "{}: {errors:?}", page.name),
        }
    }
}

#[test]
fn the_folder_through_check_names_every_page_and_reads_nothing_outside() {
    let t = tree();
    let out = check_json(&t, t.pages.as_os_str(), false);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    assert_each_page_reported(&report, "content/hostile/", false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("This file is outside the root"), "{text}");
    assert!(!text.contains("root:x:0:0"), "{text}");
    assert!(
        !t.root.join("pwned").exists() && !t.pages.join("pwned").exists(),
        "a file name ran as a command"
    );
    // Links that climb out of the root are reported as broken, not followed.
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let escapes = findings
        .iter()
        .filter(|f| f["path"] == "content/hostile/escapes.md")
        .count();
    assert!(escapes >= 1, "{findings:?}");
}

#[test]
fn symlinks_leaving_the_root_or_looping_are_file_errors_when_named() {
    let t = tree();
    for (name, expected) in [
        ("leak.md", "outside the root"),
        ("loop-a.md", "cannot read"),
    ] {
        let out = check_json(&t, t.pages.join(name).as_os_str(), false);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let errors = file_errors(&json(&out));
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert!(errors[0].1.contains(expected), "{name}: {errors:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("This file is outside the root"), "{text}");
    }
}

/// Every byte of every file under `dir`, by path (symlinks by target).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap_or_default();
                out.push((path, target.into_os_string().into_encoded_bytes()));
            } else if meta.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fix_changes_only_the_fixable_page_and_nothing_outside() {
    let t = tree();
    let outside_before = snapshot(&t.outside);
    let before = snapshot(&t.pages);
    let out = check_json(&t, t.pages.as_os_str(), true);
    assert_eq!(out.status.code(), Some(2));
    assert_each_page_reported(&json(&out), "content/hostile/", true);
    assert_only_the_shell_page_fixed(&before, &snapshot(&t.pages));
    assert_eq!(snapshot(&t.outside), outside_before);
}

/// After `--fix`: only the page with the shell name changed, `teh` → `the`.
fn assert_only_the_shell_page_fixed(before: &[(PathBuf, Vec<u8>)], after: &[(PathBuf, Vec<u8>)]) {
    assert_eq!(before.len(), after.len());
    for ((path, old), (path2, new)) in before.iter().zip(after) {
        assert_eq!(path, path2);
        if path.file_name() == Some(OsStr::new(pages::SHELL_NAME)) {
            let expected = String::from_utf8_lossy(old).replace("teh end", "the end");
            assert_eq!(String::from_utf8_lossy(new), expected);
        } else {
            assert!(old == new, "{} changed", path.display());
        }
    }
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(root)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn the_folder_through_check_staged_and_staged_fix() {
    let t = tree();
    git(&t.root, &["init", "-q"]);
    git(&t.root, &["add", "-A"]);
    let args = |fix: bool| {
        let mut a = vec![os("check"), os("--staged"), os("--format"), os("json")];
        if fix {
            a.push(os("--fix"));
        }
        a
    };
    let out = hblint(&t.root, &args(false), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_each_page_reported(&json(&out), "content/hostile/", false);

    let before = snapshot(&t.pages);
    let out = hblint(&t.root, &args(true), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_each_page_reported(&json(&out), "content/hostile/", true);
    assert_only_the_shell_page_fixed(&before, &snapshot(&t.pages));
}

#[test]
fn the_folder_through_mr_dry_run() {
    use fake_gitlab::*;
    let t = tree();
    let fake = FakeGitlab::start();
    // The MR adds every page whose bytes are text (the API carries JSON strings).
    let mut files = Vec::new();
    for page in pages::all() {
        if let Ok(text) = std::str::from_utf8(&page.bytes) {
            files.push(FakeFile::added(
                &format!("content/hostile/{}", page.name),
                text,
            ));
        }
    }
    let shell = std::fs::read_to_string(t.pages.join(pages::SHELL_NAME)).expect("read");
    files.push(FakeFile::added(
        &format!("content/hostile/{}", pages::SHELL_NAME),
        &shell,
    ));
    files.push(FakeFile::added("content/hostile/leak.md", "outside.md"));
    fake.state().files = files;
    fake_gitlab::commit_checkout(&t.root, &fake);
    let junit = t.root.join("junit.xml");
    let out = hblint(
        &t.root,
        &[
            os("mr"),
            os("--root"),
            t.root.as_os_str(),
            os("--dry-run"),
            os("--junit"),
            junit.as_os_str(),
        ],
        &[
            ("HBLINT_GITLAB_TOKEN", BOT_TOKEN),
            ("CI_API_V4_URL", &fake.api_url()),
            ("CI_PROJECT_ID", PROJECT_ID),
            ("CI_MERGE_REQUEST_IID", &MR_IID.to_string()),
            ("HBLINT_RETRY_BASE_MS", "20"),
            ("HBLINT_HTTP_TIMEOUT", "5"),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The MR job exits 1 when error findings are reported beside the pages
    // it could not lint (2 only when there is nothing else to report).
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let note = String::from_utf8_lossy(&out.stdout);
    assert!(note.contains("could not be linted"), "{note}");
    assert!(!note.contains("This file is outside the root"), "{note}");
    let junit = std::fs::read_to_string(&junit).expect("the report is written");
    for page in pages::all() {
        if std::str::from_utf8(&page.bytes).is_err() {
            continue;
        }
        let case = format!("name=\"content/hostile/{}\"", page.name);
        let Some(at) = junit.find(&case) else {
            assert!(page.error.is_none(), "{case} missing: {junit}");
            continue;
        };
        if let Some(expected) = page.error {
            let rest = &junit[at..];
            let case_end = rest.find("</testcase>").unwrap_or(rest.len());
            let key = expected.trim_matches('`');
            assert!(
                rest[..case_end].contains(key),
                "{case}: {}",
                &rest[..case_end]
            );
        }
    }
    assert!(fake.notes().is_empty(), "--dry-run posts nothing");
}
