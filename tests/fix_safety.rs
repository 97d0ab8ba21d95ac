//! `hblint check --fix` never loses a byte the user wrote: read-only files,
//! symbolic links, hard links, mixed line endings, byte-order marks and two
//! runs at once leave every file either fixed or untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TYPOS: &str = "# Page\n\nWe fix teh typo and recieve the rest.\n";
const FIXED: &str = "# Page\n\nWe fix the typo and receive the rest.\n";

fn fix(root: &Path, paths: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(["check", "--fix", "--select", "typo", "--root"])
        .arg(root)
        .args(paths)
        .env_remove("CI_MERGE_REQUEST_LABELS")
        .output()
        .expect("hblint runs")
}

fn page(root: &Path, rel: &str, text: &[u8]) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, text).expect("write");
    p
}

/// Files left beside the pages by an interrupted write.
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".hblint-"))
        .collect()
}

#[test]
fn a_read_only_file_is_left_alone_and_the_others_are_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let locked = page(dir.path(), "content/locked.md", TYPOS.as_bytes());
    let open = page(dir.path(), "content/open.md", TYPOS.as_bytes());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = fix(dir.path(), &[dir.path().join("content")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/locked.md: not fixed: it is read-only"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&locked).expect("read"), TYPOS);
    assert_eq!(std::fs::read_to_string(&open).expect("read"), FIXED);
    let mode = std::fs::metadata(&locked)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o444);
    // The findings left on the read-only page are still reported.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(temporary_files(&dir.path().join("content")).is_empty());
}

#[test]
fn a_symlink_inside_the_root_stays_a_link_to_the_fixed_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real = page(dir.path(), "content/real.md", TYPOS.as_bytes());
    let link = dir.path().join("content/link.md");
    std::os::unix::fs::symlink("real.md", &link).expect("symlink");
    let out = fix(dir.path(), std::slice::from_ref(&link));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).expect("read"), FIXED);
}

#[test]
fn a_symlink_leading_out_of_the_root_is_neither_read_nor_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = page(dir.path(), "outside/page.md", TYPOS.as_bytes());
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("content")).expect("mkdir");
    let link = root.join("content/link.md");
    std::os::unix::fs::symlink(&outside, &link).expect("symlink");
    let out = fix(&root, std::slice::from_ref(&link));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("symbolic link leads outside the root"),
        "{stdout}"
    );
    assert!(!stdout.contains("recieve"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), TYPOS);
}

#[test]
fn a_file_with_hard_links_is_not_split() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = page(dir.path(), "content/a.md", TYPOS.as_bytes());
    let b = dir.path().join("content/b.txt");
    std::fs::hard_link(&a, &b).expect("hard link");
    let out = fix(dir.path(), std::slice::from_ref(&a));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/a.md: not fixed: it has 2 hard links"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&a).expect("read"), TYPOS);
    assert_eq!(std::fs::read_to_string(&b).expect("read"), TYPOS);
}

#[test]
fn mixed_line_endings_and_the_bom_are_kept_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original: &[u8] =
        b"\xEF\xBB\xBF# Page\r\n\r\nteh first line\nand recieve the second\r\nlast teh\rline\n";
    let p = page(dir.path(), "content/mixed.md", original);
    let out = fix(dir.path(), std::slice::from_ref(&p));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: &[u8] =
        b"\xEF\xBB\xBF# Page\r\n\r\nthe first line\nand receive the second\r\nlast the\rline\n";
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(&p).expect("read")),
        String::from_utf8_lossy(expected)
    );
}

#[test]
fn three_runs_at_once_end_as_one_run_and_leave_nothing_half_written() {
    let body = TYPOS.repeat(200);
    let tree = |dir: &Path| {
        for i in 0..60 {
            page(dir, &format!("content/p{i:02}.md"), body.as_bytes());
        }
    };
    // What one run makes of the tree.
    let alone = tempfile::tempdir().expect("tempdir");
    tree(alone.path());
    fix(alone.path(), &[alone.path().join("content")]);
    let dir = tempfile::tempdir().expect("tempdir");
    tree(dir.path());
    let content = dir.path().join("content");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_hblint"))
            .args(["check", "--fix", "--quiet", "--select", "typo", "--root"])
            .arg(dir.path())
            .arg(&content)
            .spawn()
            .expect("hblint starts")
    };
    let runs: Vec<_> = (0..3).map(|_| spawn()).collect();
    for mut run in runs {
        let status = run.wait().expect("hblint ends");
        assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    }
    for i in 0..60 {
        let name = format!("content/p{i:02}.md");
        let expected = std::fs::read(alone.path().join(&name)).expect("read");
        assert_ne!(expected, body.as_bytes(), "one run fixes {name}");
        let text = std::fs::read(dir.path().join(&name)).expect("read");
        assert!(
            text == expected,
            "{name} differs from what one run makes of it"
        );
    }
    assert!(temporary_files(&content).is_empty());
}

fn hblint(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(args)
        .arg("--root")
        .arg(root)
        .arg(root.join("content"))
        .env_remove("CI_MERGE_REQUEST_LABELS")
        .env_remove("CI")
        .output()
        .expect("hblint runs")
}

/// A mojibake repair or a URL fix reveals or shifts another fix: one
/// `--fix` makes them all, and a second changes nothing.
#[test]
fn fixes_revealed_by_other_fixes_are_made_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "<https://gitlab.com/handbook/x/> GitLabâ€™s teh <https://gitlab.com/handbook/x/> `teh code`\n";
    let p = page(dir.path(), "content/handbook/p.md", text.as_bytes());
    let out = hblint(dir.path(), &["check", "--fix", "--no-cache"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mojibake `â€™` -> `’`"), "{stderr}");
    assert!(stderr.contains("typo `teh` -> `the`"), "{stderr}");
    assert!(!stderr.contains("did not settle"), "{stderr}");
    let once = std::fs::read(&p).expect("read");
    let once_text = String::from_utf8_lossy(&once);
    assert!(once_text.contains("GitLab’s the "), "{once_text}");
    assert!(once_text.contains("`teh code`"), "{once_text}");

    // No fixable finding is left: the patch is empty and the report offers none.
    let diff = hblint(dir.path(), &["check", "--diff", "--no-cache"]);
    assert_eq!(
        diff.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    assert!(
        diff.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    let check = hblint(dir.path(), &["check", "--no-cache"]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(!report.contains("fixable"), "{report}");

    let again = hblint(dir.path(), &["check", "--fix", "--no-cache"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!stderr.contains("fixed "), "{stderr}");
    assert_eq!(std::fs::read(&p).expect("read"), once);
}

/// `[spelling] corrections` that correct each other never settle: the run
/// stops after its last round and says so, and the finding is reported.
#[test]
fn fixes_that_undo_each_other_stop_and_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    page(
        dir.path(),
        ".hblint.toml",
        b"[spelling]\ncorrections = { wibble = \"wobble\", wobble = \"wibble\" }\n",
    );
    let text = "# Page\n\nA wibble here.\n";
    let p = page(dir.path(), "content/handbook/p.md", text.as_bytes());
    let out = hblint(
        dir.path(),
        &["check", "--fix", "--select", "typo", "--no-cache"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.contains(
            "content/handbook/p.md: the fixes did not settle after 10 rounds (still offered by: typo)"
        ),
        "{stderr}"
    );
    // Ten rounds of wibble -> wobble -> wibble bring the page back to where
    // it was: nothing to write, and the finding is still reported.
    assert_eq!(std::fs::read_to_string(&p).expect("read"), text);
    assert!(!stderr.contains("Fixed "), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("wibble"), "{stdout}");
}
