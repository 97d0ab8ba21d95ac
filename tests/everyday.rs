//! Everyday use, driven through the real binary in real temporary git
//! repositories: `--staged`, the pre-commit hook run by `git commit`, `--fix`
//! and `--diff`, suppressions, `vocab add`, completions and the man page.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_hblint");

/// A temporary git repository with a neutral git configuration.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn env(cmd: &mut Command) -> &mut Command {
        cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env_remove("NO_COLOR")
            .env_remove("CI")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
    }

    fn git_output(&self, args: &[&str]) -> Output {
        Self::env(Command::new("git").args(args).current_dir(self.path()))
            .output()
            .expect("git runs")
    }

    fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn hblint(&self, args: &[&str]) -> Output {
        Self::env(Command::new(BIN).args(args).current_dir(self.path()))
            .output()
            .expect("hblint runs")
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::fs::write(&p, bytes).expect("write");
        p
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path().join(rel)).expect("read")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// `(rule, line, message)` of each finding of a `--format json` run.
fn findings(o: &Output) -> Vec<(String, u64, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", stdout(o), stderr(o)));
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const PAGE: &str = "content/handbook/page.md";

#[test]
fn staged_content_not_the_working_tree() {
    let repo = Repo::new();
    repo.write(PAGE, "---\ntitle: T\n---\n\nOur serivices team.\n");
    repo.write(
        "content/handbook/untouched.md",
        "Also teh, but not staged.\n",
    );
    repo.git(&["add", PAGE]);
    // The working tree is fixed, the index is not: the commit would carry the typo.
    repo.write(PAGE, "---\ntitle: T\n---\n\nOur services team.\n");
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let f = findings(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("typo", 5));
    assert!(f[0].2.contains("serivices"));

    // The other way round: a clean index and a dirty working tree pass.
    repo.git(&["add", PAGE]);
    repo.write(PAGE, "---\ntitle: T\n---\n\nOur serivices team.\n");
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(findings(&o).is_empty());
    // Without --staged, the working tree is linted (and the unstaged page too).
    let o = repo.hblint(&["check", "--format", "json"]);
    assert_eq!(findings(&o).len(), 2, "{}", stdout(&o));
}

#[test]
fn staged_from_a_subfolder_with_pathspecs_and_deletions() {
    let repo = Repo::new();
    repo.write("content/handbook/a/x.md", "teh\n");
    repo.write("content/handbook/b/y.md", "addtion\n");
    repo.write("content/handbook/gone.md", "ok\n");
    repo.write("notes.txt", "teh\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "one"]);
    repo.write("content/handbook/a/x.md", "teh again\n");
    repo.write("content/handbook/b/y.md", "addtion again\n");
    repo.write("notes.txt", "teh again\n");
    repo.git(&["add", "."]);
    repo.git(&["rm", "-q", "content/handbook/gone.md"]);
    let sub = repo.path().join("content/handbook/a");
    let o = Repo::env(
        Command::new(BIN)
            .args(["check", "--staged", "--format", "json", "."])
            .current_dir(&sub),
    )
    .output()
    .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths, vec!["content/handbook/a/x.md"], "{}", stderr(&o));
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn staged_outside_a_repository_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = Repo::env(
        Command::new(BIN)
            .args(["check", "--staged"])
            .current_dir(dir.path())
            .env("GIT_CEILING_DIRECTORIES", dir.path()),
    )
    .output()
    .expect("runs");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("git"), "{}", stderr(&o));
}

#[test]
fn hook_blocks_a_commit_with_a_typo_and_passes_when_fixed() {
    let repo = Repo::new();
    repo.write("README.md", "Start.\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "start"]);

    let o = repo.hblint(&["install-hook"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let hook = repo.path().join(".git/hooks/pre-commit");
    let mode = std::fs::metadata(&hook).expect("hook").permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "executable");

    repo.write(PAGE, "Our serivices team.\n");
    repo.git(&["add", PAGE]);
    let o = repo.git_output(&["commit", "-m", "typo"]);
    assert!(!o.status.success(), "the hook must block the commit");
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("serivices"), "{all}");
    assert!(all.contains("hblint: commit blocked"), "{all}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "1");

    repo.write(PAGE, "Our services team.\n");
    repo.git(&["add", PAGE]);
    let o = repo.git_output(&["commit", "-m", "fixed"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");

    // Reinstalling over our own hook is fine; a foreign hook needs --force.
    assert_eq!(code(&repo.hblint(&["install-hook"])), 0);
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").expect("write");
    let o = repo.hblint(&["install-hook"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        "#!/bin/sh\nexit 0\n"
    );
    assert_eq!(code(&repo.hblint(&["install-hook", "--force"])), 0);
    assert!(
        repo.path()
            .join(".git/hooks/pre-commit.hblint-backup")
            .exists()
    );
}

#[test]
fn hook_follows_core_hooks_path_and_worktrees() {
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let o = repo.hblint(&["install-hook"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(repo.path().join(".githooks/pre-commit").is_file());

    let repo = Repo::new();
    repo.write("README.md", "x\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "x"]);
    let wt = repo.path().join("wt");
    repo.git(&["worktree", "add", "-q", "wt"]);
    let o = Repo::env(Command::new(BIN).arg("install-hook").current_dir(&wt))
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(repo.path().join(".git/hooks/pre-commit").is_file());
}

#[test]
fn fix_keeps_crlf_bom_and_permissions_and_is_idempotent() {
    let repo = Repo::new();
    let original = b"\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\n\r\nOur serivices, in addtion.\r\n\r\n```\r\nteh code\r\n```\r\n\r\nOne of several: ther.\r\n";
    let p = repo.write(PAGE, original);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");

    let o = repo.hblint(&["check", "--fix", PAGE]);
    let err = stderr(&o);
    assert!(err.contains("typo `serivices` -> `services`"), "{err}");
    assert!(err.contains("Fixed 2 findings in 1 file"), "{err}");
    let fixed = repo.read(PAGE);
    let expected: &[u8] = b"\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\n\r\nOur services, in addition.\r\n\r\n```\r\nteh code\r\n```\r\n\r\nOne of several: ther.\r\n";
    assert_eq!(
        String::from_utf8_lossy(&fixed),
        String::from_utf8_lossy(expected)
    );
    let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // What is left is reported: the word with several candidates is never fixed.
    let out = stdout(&o);
    assert!(out.contains("`ther` is a misspelling"), "{out}");
    assert!(!out.contains("serivices"), "{out}");

    // A second run changes nothing.
    let o = repo.hblint(&["check", "--fix", PAGE]);
    assert!(!stderr(&o).contains("Fixed"), "{}", stderr(&o));
    assert_eq!(repo.read(PAGE), fixed);
    let o = repo.hblint(&["check", "--diff", PAGE]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(repo.path().join("content/handbook"))
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn diff_prints_a_patch_that_git_applies_and_writes_nothing() {
    let repo = Repo::new();
    let text = "Line one.\nOur serivices team.\nLine three.\n";
    repo.write(PAGE, text);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "x"]);
    let o = repo.hblint(&["check", "--diff", PAGE]);
    assert_eq!(code(&o), 1, "a pending fix exits 1");
    let patch = stdout(&o);
    assert_eq!(
        patch,
        format!(
            "--- a/{PAGE}\n+++ b/{PAGE}\n@@ -1,3 +1,3 @@\n Line one.\n-Our serivices team.\n+Our services team.\n Line three.\n"
        )
    );
    assert_eq!(repo.read(PAGE), text.as_bytes(), "--diff writes nothing");
    repo.write("fix.patch", &patch);
    repo.git(&["apply", "--check", "fix.patch"]);
}

#[test]
fn fix_with_staged_only_touches_files_whose_working_tree_is_the_index() {
    let repo = Repo::new();
    repo.write("content/handbook/clean.md", "Our serivices team.\n");
    repo.write("content/handbook/half.md", "In addtion.\n");
    repo.git(&["add", "."]);
    // half.md has an unstaged change on top of the staged typo.
    repo.write("content/handbook/half.md", "In addtion.\nUnstaged work.\n");
    let o = repo.hblint(&["check", "--staged", "--fix", "--format", "json"]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "content/handbook/half.md: not fixed: the working tree differs from the index"
        ),
        "{err}"
    );
    assert_eq!(
        repo.read("content/handbook/clean.md"),
        b"Our services team.\n"
    );
    assert_eq!(
        repo.read("content/handbook/half.md"),
        b"In addtion.\nUnstaged work.\n",
        "unstaged work is never touched"
    );
    // The fix is staged, so the report (of the index) shows only half.md.
    assert_eq!(
        repo.git(&["show", ":content/handbook/clean.md"]),
        "Our services team.\n"
    );
    let f = findings(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].2.contains("addtion"));
    assert_eq!(code(&o), 1);
}

#[test]
fn every_suppression_form_and_unused_suppressions() {
    let repo = Repo::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/everyday");
    for rel in [
        "content/handbook/suppressions.md",
        "content/handbook/legal/terms.md",
    ] {
        repo.write(rel, std::fs::read(fixtures.join(rel)).expect("fixture"));
    }
    repo.write(
        ".hblint.toml",
        std::fs::read(fixtures.join("hblint.toml")).expect("fixture"),
    );
    let o = repo.hblint(&["check", "--format", "json"]);
    let f = findings(&o);
    let got: Vec<(&str, u64)> = f.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(
        got,
        vec![
            ("typo", 9),                // reported
            ("typo", 14),               // after the next-line comment's line
            ("typo", 22),               // after the region
            ("unused-suppression", 26), // nothing to suppress
            ("unused-suppression", 29), // unknown rule
        ],
        "{f:?}"
    );
    assert!(f[3].2.contains("suppresses no `typo` finding"), "{f:?}");
    assert!(f[4].2.contains("unknown rule `tpyo`"), "{f:?}");
    assert_eq!(code(&o), 1);

    // The human summary counts what was suppressed.
    let o = repo.hblint(&["check", "--color", "never"]);
    let out = stdout(&o);
    assert!(out.contains("; 5 suppressed"), "{out}");

    // Turning the rule off silences the unused suppressions; --select of
    // another rule does not judge typo suppressions.
    let o = repo.hblint(&[
        "check",
        "--format",
        "json",
        "--ignore",
        "unused-suppression",
    ]);
    assert_eq!(findings(&o).len(), 3);
    let o = repo.hblint(&[
        "check",
        "--format",
        "json",
        "--select",
        "mojibake,unused-suppression",
    ]);
    let f = findings(&o);
    assert_eq!(f.len(), 1, "only the unknown rule name: {f:?}");
}

#[test]
fn ignore_tables_are_validated() {
    let repo = Repo::new();
    repo.write(PAGE, "ok\n");
    repo.write(
        ".hblint.toml",
        "[rules]\ntypo = \"error\"\n\n[[ignore]]\npaths = [\"content/**\"]\nrules = [\"no-such\"]\n",
    );
    let o = repo.hblint(&["check"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such"), "{}", stderr(&o));
}

#[test]
fn quiet_color_and_no_color() {
    let repo = Repo::new();
    repo.write(PAGE, "Our serivices team.\n");
    let o = repo.hblint(&["check", "--quiet", "--color", "never"]);
    let out = stdout(&o);
    assert!(out.contains("serivices"));
    assert!(!out.contains("Found"), "{out}");
    let o = repo.hblint(&["check"]);
    let out = stdout(&o);
    assert!(out.contains("Found 1 error"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when piped: {out}");
    let o = repo.hblint(&["check", "--color", "always"]);
    assert!(stdout(&o).contains('\x1b'));
    let o = Repo::env(
        Command::new(BIN)
            .args(["check", "--color", "auto"])
            .current_dir(repo.path())
            .env("NO_COLOR", "1"),
    )
    .output()
    .expect("runs");
    assert!(!stdout(&o).contains('\x1b'));
    // Piped: no progress bar on standard error, even on a long run.
    for i in 0..220 {
        repo.write(&format!("content/handbook/many/p{i}.md"), "Fine.\n");
    }
    let o = repo.hblint(&["check"]);
    assert!(stdout(&o).contains("of 221 files"), "{}", stdout(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn vocab_add_accepts_words() {
    let repo = Repo::new();
    repo.write(PAGE, "Our serivices team.\n");
    repo.write(
        ".hblint.toml",
        "# keep me\n[rules]\nmojibake = \"warning\"\n",
    );
    let o = repo.hblint(&["vocab", "add", "serivices", "Zed", "serivices"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(repo.read(".hblint/vocabulary.txt"), b"serivices\nZed\n");
    let config = String::from_utf8(repo.read(".hblint.toml")).expect("utf8");
    assert!(
        config.starts_with("# keep me\n[rules]\nmojibake = \"warning\"\n"),
        "{config}"
    );
    let o = repo.hblint(&["check", "--format", "json"]);
    assert!(findings(&o).is_empty(), "{}", stdout(&o));
    let o = repo.hblint(&["vocab", "add", "apple"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        repo.read(".hblint/vocabulary.txt"),
        b"apple\nserivices\nZed\n"
    );
}

#[test]
fn completions_and_man_page() {
    for (shell, needle) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef hblint"),
        ("fish", "complete -c hblint"),
    ] {
        let o = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(code(&o), 0);
        let out = stdout(&o);
        assert!(out.contains(needle), "{shell}: {out}");
        assert!(
            out.contains("install-hook") && out.contains("--staged"),
            "{shell}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("hblint.bash");
    let o = Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .expect("runs");
    std::fs::write(&script, &o.stdout).expect("write");
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash");
    assert!(syntax.success(), "the bash script parses");

    let o = Command::new(BIN).arg("man").output().expect("runs");
    assert_eq!(code(&o), 0);
    let man = stdout(&o);
    assert!(man.contains(".TH hblint 1"), "{man}");
    assert!(man.contains("hblint\\-check(1)"), "{man}");
    let pages = dir.path().join("man");
    let o = Command::new(BIN)
        .args(["man", "--out-dir"])
        .arg(&pages)
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let check = std::fs::read_to_string(pages.join("hblint-check.1")).expect("hblint-check.1");
    assert!(check.contains(".TH hblint-check 1"), "{check}");
    assert!(check.contains("\\-\\-staged"), "{check}");
    assert!(pages.join("hblint-install-hook.1").is_file());
}
