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
        hblint_in(self.path(), args)
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

/// hblint run in `dir`, with the repositories' git settings.
fn hblint_in(dir: &Path, args: &[&str]) -> Output {
    Repo::env(Command::new(BIN).args(args).current_dir(dir))
        .output()
        .expect("hblint runs")
}

/// The report of a `--format json` run.
fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", stdout(o), stderr(o)))
}

/// The path of each finding of a `--format json` run.
fn finding_paths(o: &Output) -> Vec<String> {
    json(o)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_owned))
        .collect()
}

/// `(rule, line, message)` of each finding of a `--format json` run.
fn findings(o: &Output) -> Vec<(String, u64, String)> {
    json(o)["findings"]
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
    let o = hblint_in(&sub, &["check", "--staged", "--format", "json", "."]);
    assert_eq!(
        finding_paths(&o),
        vec!["content/handbook/a/x.md"],
        "{}",
        stderr(&o)
    );
    assert_eq!(json(&o)["summary"]["files"], 1);
}

/// git reads the change from the folder the run starts in (or `--root`),
/// while the run finds the top level: paths stay the top level's whatever
/// `diff.relative` says, and path arguments keep meaning what they meant
/// from the current folder.
#[test]
fn staged_paths_hold_from_a_subfolder_with_diff_relative_and_from_outside_with_root() {
    let repo = Repo::new();
    repo.write("content/handbook/a/x.md", "ok\n");
    repo.write("content/handbook/b/y.md", "ok\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "one"]);
    repo.git(&["config", "diff.relative", "true"]);
    repo.write("content/handbook/a/x.md", "teh\n");
    repo.write("content/handbook/b/y.md", "addtion\n");
    repo.git(&["add", "."]);
    // From a subfolder, no path: the whole change, named from the top level.
    let sub = repo.path().join("content/handbook/a");
    let o = hblint_in(&sub, &["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let mut got = finding_paths(&o);
    got.sort();
    assert_eq!(
        got,
        vec!["content/handbook/a/x.md", "content/handbook/b/y.md"],
        "{}",
        stdout(&o)
    );
    // A relative path from the subfolder picks its page alone.
    let o = hblint_in(&sub, &["check", "--staged", "--format", "json", "../b"]);
    assert_eq!(
        finding_paths(&o),
        vec!["content/handbook/b/y.md"],
        "{}",
        stderr(&o)
    );
    // From outside the repository, with --root and a path from there.
    let outside = repo.path().parent().expect("parent");
    let name = repo
        .path()
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let page = format!("{name}/content/handbook/a/x.md");
    let o = hblint_in(
        outside,
        &[
            "check", "--staged", "--format", "json", "--root", &name, &page,
        ],
    );
    assert_eq!(
        finding_paths(&o),
        vec!["content/handbook/a/x.md"],
        "{}",
        stderr(&o)
    );
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
            ("typo", 9),                 // reported
            ("typo", 14),                // after the next-line comment's line
            ("typo", 22),                // after the region
            ("unused-suppression", 26),  // nothing to suppress
            ("invalid-suppression", 29), // unknown rule: suppresses nothing
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
    assert_eq!(findings(&o).len(), 4);
    let o = repo.hblint(&[
        "check",
        "--format",
        "json",
        "--select",
        "mojibake,unused-suppression,invalid-suppression",
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

// ---- Everyday traps: each one a real session of a new user ----

/// A committed handbook page with old problems nobody is touching now.
const OLD_PAGE: &str = "---\ntitle: Values\n---\n\n# Values\n\n\
See [the old page](/handbook/nowhere/) and [another](/handbook/gone-too/).\n\n\
Some old text with teh typo.\n";

fn committed_repo() -> Repo {
    let repo = Repo::new();
    repo.write("content/handbook/values/_index.md", OLD_PAGE);
    repo.write(
        "content/handbook/other.md",
        "---\ntitle: Other\n---\n\nRead [values](/handbook/values/) and [the page](/handbook/target/#our-goals).\n",
    );
    repo.write(
        "content/handbook/target.md",
        "---\ntitle: Target\n---\n\n## Our goals\n\nText.\n",
    );
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "handbook"]);
    repo
}

/// A page in a merge conflict has no one version in the index: a
/// `--staged` run says it is not checked, and checks the rest.
#[test]
fn staged_names_the_pages_in_a_merge_conflict() {
    let repo = committed_repo();
    let target = "content/handbook/target.md";
    let heading = |h: &str| format!("---\ntitle: Target\n---\n\n## {h}\n\nText.\n");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write(target, heading("Their goals"));
    repo.git(&["commit", "-qam", "side"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.write(target, heading("My goals"));
    repo.git(&["commit", "-qam", "main"]);
    let merge = repo.git_output(&["merge", "side"]);
    assert!(!merge.status.success(), "the merge conflicts");
    // Nothing else staged: the conflict is named, not "no Markdown page".
    let o = repo.hblint(&["check", "--staged"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains(
            "not checked, in a merge conflict: content/handbook/target.md; resolve it and `git add` it"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("no Markdown page"), "{}", stderr(&o));
    // Another staged page is checked as usual.
    let other = "content/handbook/other.md";
    repo.write(
        other,
        "---\ntitle: Other\n---\n\nRead [values](/handbook/values/) with serivices.\n",
    );
    repo.git(&["add", other]);
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(finding_paths(&o), vec![other.to_owned()]);
    assert!(stderr(&o).contains("in a merge conflict: content/handbook/target.md"));
    let o = repo.hblint(&["check", "--staged", "--quiet"]);
    assert!(!stderr(&o).contains("merge conflict"), "{}", stderr(&o));
}

#[test]
fn staged_judges_only_the_changed_lines() {
    let repo = committed_repo();
    let page = "content/handbook/values/_index.md";
    // One clean sentence: the old broken links and typo are not the author's.
    repo.write(page, format!("{OLD_PAGE}\nA clean new sentence.\n"));
    repo.git(&["add", page]);
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(findings(&o).is_empty(), "{:?}", findings(&o));
    // `--scope added` is accepted on check, as on mr; `file` shows the old ones.
    let o = repo.hblint(&["check", "--staged", "--scope", "added", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = repo.hblint(&["check", "--staged", "--scope", "file", "--format", "json"]);
    let rules: Vec<String> = findings(&o).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        vec!["broken-link", "broken-link", "typo"],
        "{}",
        stdout(&o)
    );
    // An added typo and an added broken link: blocked with those findings only.
    repo.write(
        page,
        format!(
            "{OLD_PAGE}\nA new sentense with teh typo and [a link](/handbook/missing-page/).\n"
        ),
    );
    repo.git(&["add", page]);
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let got: Vec<(String, u64)> = findings(&o).into_iter().map(|f| (f.0, f.1)).collect();
    assert!(got.iter().all(|(_, line)| *line == 11), "{got:?}");
    assert!(got.iter().any(|(r, _)| r == "typo"), "{got:?}");
    assert!(got.iter().any(|(r, _)| r == "broken-link"), "{got:?}");
    // --scope without a change to judge is a usage error.
    let o = repo.hblint(&["check", "--scope", "added"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--scope needs --staged or --changed-since"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn changed_since_judges_what_the_branch_changed() {
    let repo = committed_repo();
    repo.git(&["checkout", "-qb", "topic"]);
    let page = "content/handbook/values/_index.md";
    repo.write(page, format!("{OLD_PAGE}\nThe branch adds teh typo.\n"));
    repo.git(&["commit", "-qam", "branch"]);
    let o = repo.hblint(&["check", "--changed-since", "main", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let got: Vec<(String, u64)> = findings(&o).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(got, vec![("typo".to_owned(), 11)]);
    let o = repo.hblint(&["check", "--changed-since", "no-such-ref"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such-ref"), "{}", stderr(&o));
}

#[test]
fn deleting_or_renaming_a_linked_page_is_reported() {
    let repo = committed_repo();
    repo.git(&["rm", "-q", "content/handbook/values/_index.md"]);
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let got: Vec<String> = findings(&o).into_iter().map(|f| f.0).collect();
    assert_eq!(got, vec!["link-to-deleted-page"], "{}", stdout(&o));
    repo.git(&["reset", "-q", "--hard"]);
    repo.git(&[
        "mv",
        "content/handbook/values/_index.md",
        "content/handbook/principles.md",
    ]);
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let got: Vec<String> = findings(&o).into_iter().map(|f| f.0).collect();
    assert_eq!(got, vec!["link-to-deleted-page"], "{}", stdout(&o));
}

/// Links are judged against what the commit holds: a page left untracked
/// is missing from it, a page deleted but not staged is still in it, and a
/// heading renamed but not staged keeps its old anchor.
#[test]
fn staged_links_are_judged_against_the_index_not_the_work_tree() {
    let repo = committed_repo();
    let page = "content/handbook/values/_index.md";
    let linking = |link: &str| format!("{OLD_PAGE}\nSee [the link]({link}).\n");
    let staged_rules = |repo: &Repo| -> Vec<(String, u64)> {
        let o = repo.hblint(&["check", "--staged", "--format", "json"]);
        findings(&o).into_iter().map(|f| (f.0, f.1)).collect()
    };
    let help = |repo: &Repo| {
        let o = repo.hblint(&["check", "--staged", "--format", "json"]);
        json(&o)["findings"][0]["help"].as_str().map(str::to_owned)
    };
    repo.write(page, linking("/handbook/new-page/#details"));
    repo.git(&["add", page]);
    assert_eq!(staged_rules(&repo), vec![("broken-link".to_owned(), 11)]);
    assert!(help(&repo).is_some_and(|h| h.starts_with("no similar page")));
    // A new page written but not added: the commit would hold a broken link
    // (the cached finding of the run before is not replayed).
    repo.write(
        "content/handbook/new-page.md",
        "---\ntitle: New\n---\n\n## Details\n",
    );
    assert_eq!(staged_rules(&repo), vec![("broken-link".to_owned(), 11)]);
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(
        json(&o)["findings"][0]["help"],
        "`content/handbook/new-page.md` is in the work tree but not in the index (stage it with `git add`)",
        "{}",
        stdout(&o)
    );
    // Added, it is found.
    repo.git(&["add", "content/handbook/new-page.md"]);
    assert_eq!(staged_rules(&repo), vec![]);
    // A linked page's anchors are read from the index, not the disk.
    let target = "content/handbook/target.md";
    repo.write(
        target,
        "---\ntitle: Target\n---\n\n## Renamed, not staged\n",
    );
    repo.write(page, linking("/handbook/target/#our-goals"));
    repo.git(&["add", page]);
    assert_eq!(staged_rules(&repo), vec![]);
    repo.write(page, linking("/handbook/target/#renamed-not-staged"));
    repo.git(&["add", page]);
    assert_eq!(staged_rules(&repo), vec![("broken-anchor".to_owned(), 11)]);
    // A linked page deleted from the disk but not from the index stays.
    repo.write(page, linking("/handbook/target/#our-goals"));
    repo.git(&["add", page]);
    std::fs::remove_file(repo.path().join(target)).expect("rm");
    assert_eq!(staged_rules(&repo), vec![]);
    // Without --staged the work tree is the tree: the deleted page is gone.
    let o = repo.hblint(&["check", "--format", "json", page]);
    let rules: Vec<String> = findings(&o).into_iter().map(|f| f.0).collect();
    assert!(rules.contains(&"broken-link".to_owned()), "{rules:?}");
}

/// Another page's frontmatter (`aliases:`, `url:`) counts as the index has
/// it: an unstaged edit neither breaks a link nor makes one good, whether
/// the run reads the page or its record from the cache.
#[test]
fn staged_links_read_other_pages_aliases_from_the_index() {
    let repo = committed_repo();
    let page = "content/handbook/values/_index.md";
    let moved = "content/handbook/moved.md";
    let with_alias =
        |alias: &str| format!("---\ntitle: Moved\naliases:\n- {alias}\n---\n\nText.\n");
    repo.write(moved, with_alias("/handbook/old-place/"));
    repo.git(&["add", moved]);
    repo.git(&["commit", "-qm", "a moved page"]);
    let staged = |repo: &Repo, extra: &[&str]| -> Vec<(String, u64)> {
        let mut args = vec!["check", "--staged", "--format", "json"];
        args.extend_from_slice(extra);
        let o = repo.hblint(&args);
        findings(&o).into_iter().map(|f| (f.0, f.1)).collect()
    };
    let link = |target: &str| format!("{OLD_PAGE}\nSee [the page]({target}).\n");
    repo.write(page, link("/handbook/old-place/"));
    repo.git(&["add", page]);
    // Read from the disk (the index's blob), then from the record it left.
    assert_eq!(staged(&repo, &[]), vec![]);
    assert_eq!(staged(&repo, &[]), vec![]);
    // The alias moved on disk only: the commit still holds the old one.
    repo.write(moved, with_alias("/handbook/new-place/"));
    for extra in [&[][..], &[], &["--no-cache"]] {
        assert_eq!(staged(&repo, extra), vec![], "{extra:?}");
    }
    repo.write(page, link("/handbook/new-place/"));
    repo.git(&["add", page]);
    for extra in [&[][..], &[], &["--no-cache"]] {
        assert_eq!(
            staged(&repo, extra),
            vec![("broken-link".to_owned(), 11)],
            "{extra:?}"
        );
    }
    // Staged, the new alias is the tree's.
    repo.git(&["add", moved]);
    for extra in [&[][..], &[], &["--no-cache"]] {
        assert_eq!(staged(&repo, extra), vec![], "{extra:?}");
    }
}

/// `--changed-since` judges links against `HEAD`: a page staged but not
/// committed is not in it.
#[test]
fn changed_since_links_are_judged_against_head() {
    let repo = committed_repo();
    repo.git(&["checkout", "-qb", "topic"]);
    let page = "content/handbook/values/_index.md";
    repo.write(
        page,
        format!("{OLD_PAGE}\nSee [the new page](/handbook/new-page/).\n"),
    );
    repo.git(&["commit", "-qam", "link a page to come"]);
    repo.write("content/handbook/new-page.md", "---\ntitle: New\n---\n");
    repo.git(&["add", "content/handbook/new-page.md"]);
    let o = repo.hblint(&["check", "--changed-since", "main", "--format", "json"]);
    let got: Vec<(String, u64)> = findings(&o).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(got, vec![("broken-link".to_owned(), 11)], "{}", stderr(&o));
    assert_eq!(
        json(&o)["findings"][0]["help"],
        "`content/handbook/new-page.md` is in the work tree but not in `HEAD` (commit it)"
    );
    repo.git(&["commit", "-qm", "the page"]);
    let o = repo.hblint(&["check", "--changed-since", "main", "--format", "json"]);
    assert!(findings(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn renaming_a_heading_reports_the_links_it_breaks() {
    let repo = committed_repo();
    let page = "content/handbook/target.md";
    repo.write(page, "---\ntitle: Target\n---\n\n## Our aims\n\nText.\n");
    repo.git(&["add", page]);
    let o = repo.hblint(&["check", "--staged", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "broken-anchor", "{v}");
    assert_eq!(f["path"], "content/handbook/other.md");
}

#[test]
fn fix_never_renames_a_linked_heading() {
    let repo = Repo::new();
    let page = "content/handbook/progress.md";
    repo.write(
        page,
        "---\ntitle: P\n---\n\n## Our progress teh\n\nSee [progress](#our-progress-teh). Prose with teh typo.\n",
    );
    repo.write(
        "content/handbook/elsewhere.md",
        "---\ntitle: E\n---\n\nSee [it](/handbook/progress/#our-progress-teh).\n",
    );
    let o = repo.hblint(&["check", "--fix", "--format", "json"]);
    let text = String::from_utf8_lossy(&repo.read(page)).into_owned();
    assert!(
        text.contains("## Our progress teh\n"),
        "heading kept: {text}"
    );
    assert!(text.contains("Prose with the typo."), "prose fixed: {text}");
    assert!(
        stderr(&o).contains("would change the heading's anchor #our-progress-teh"),
        "{}",
        stderr(&o)
    );
    // What remains is reported honestly: the heading's typo, and no broken anchor.
    let got: Vec<(String, u64)> = findings(&o).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(got, vec![("typo".to_owned(), 5)], "{}", stdout(&o));
    assert_eq!(code(&o), 1);
    let o = repo.hblint(&["check", "--select", "broken-anchor", "--format", "json"]);
    assert!(findings(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn a_misspelt_suppression_is_an_error_and_suppresses_nothing() {
    let repo = Repo::new();
    repo.write(
        PAGE,
        "# Page\n\n<!-- hblint-disable-nextline typo -->\nOne teh.\n\nTwo teh.\n\n<!-- hblint-disable-next-line tpyo -->\nThree teh.\n",
    );
    let o = repo.hblint(&["check", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let got: Vec<(String, u64)> = findings(&o).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        got,
        vec![
            ("invalid-suppression".to_owned(), 3),
            ("typo".to_owned(), 4),
            ("typo".to_owned(), 6),
            ("invalid-suppression".to_owned(), 8),
            ("typo".to_owned(), 9),
        ]
    );
    let o = repo.hblint(&["check", "--format", "concise"]);
    let out = stdout(&o);
    assert!(
        out.contains("content/handbook/page.md:3:1: error [invalid-suppression] unknown suppression `hblint-disable-nextline`"),
        "{out}"
    );
    let o = repo.hblint(&["check", "--color", "never"]);
    assert!(
        stdout(&o).contains("did you mean `hblint-disable-next-line`?"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("did you mean `typo`?"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_nested_config_never_moves_the_root() {
    let repo = Repo::new();
    repo.write(".hblint.toml", "[files]\ninclude = [\"content\"]\n");
    repo.write(
        "content/handbook/legal/.hblint.toml",
        "[rules]\ntypo = \"off\"\n",
    );
    repo.write(
        "content/handbook/legal/terms.md",
        "# Terms\n\nSee [values](/handbook/values/).\n",
    );
    repo.write("content/handbook/values.md", "# Values\n");
    for args in [
        vec!["check"],
        vec!["check", "content/handbook/legal/terms.md"],
    ] {
        let o = repo.hblint(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains("content/handbook/legal/.hblint.toml is below the root"),
            "{err}"
        );
        assert!(err.contains("[[ignore]]"), "{err}");
    }
    // The root and every setting's origin, as found.
    std::fs::remove_file(repo.path().join("content/handbook/legal/.hblint.toml")).expect("rm");
    let o = repo.hblint(&[
        "check",
        "content/handbook/legal/terms.md",
        "--show-settings",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("# the git top level of the first path"),
        "{out}"
    );
    assert!(
        out.contains("include = [\"content\"]  # set in the configuration"),
        "{out}"
    );
    assert!(out.contains("typo = \"error\"  # default"), "{out}");
    let o = repo.hblint(&[
        "check",
        "content/handbook/legal/terms.md",
        "--format",
        "json",
    ]);
    assert_eq!(
        code(&o),
        0,
        "links resolve from the real root: {}",
        stdout(&o)
    );
}

#[test]
fn nothing_to_lint_is_never_green() {
    let repo = Repo::new();
    repo.write("notes/readme.md", "Notes.\n");
    // No content/ folder and no [files] include.
    let o = repo.hblint(&["check"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("nothing to lint"), "{}", stderr(&o));
    let o = repo.hblint(&["check", "--exit-zero"]);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("nothing to lint"), "{}", stderr(&o));
    // An empty selection.
    let o = repo.hblint(&["check", "notes", "--select", "typo", "--ignore", "typo"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no rule left to run"), "{}", stderr(&o));
    // An explicit path that is excluded, or not Markdown.
    repo.write(".hblint.toml", "[files]\nexclude = [\"notes/**\"]\n");
    repo.write("notes/data.yml", "a: 1\n");
    let o = repo.hblint(&["check", "notes/readme.md"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("excluded by [files] exclude `notes/**`"),
        "{}",
        stderr(&o)
    );
    let o = repo.hblint(&["check", "notes/readme.md", "--exit-zero"]);
    assert_eq!(code(&o), 0, "a report only: {}", stderr(&o));
    repo.write(".hblint.toml", "");
    let o = repo.hblint(&["check", "notes/data.yml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a Markdown page"), "{}", stderr(&o));
    let o = repo.hblint(&["check", "notes/data.yml", "--exit-zero"]);
    assert_eq!(code(&o), 0, "a report only: {}", stderr(&o));
    assert!(stderr(&o).contains("not a Markdown page"), "{}", stderr(&o));
    // The pre-commit hook with no Markdown staged passes.
    repo.write("script.sh", "echo\n");
    repo.git(&["add", "script.sh"]);
    let o = repo.hblint(&["check", "--staged"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn rule_names_are_forgiving_and_errors_say_what_was_meant() {
    let repo = Repo::new();
    repo.write(PAGE, "One teh.\n");
    let o = repo.hblint(&["check", "--select", "tpyo"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("--select"), "{err}");
    assert!(err.contains("unknown rule `tpyo`"), "{err}");
    // A diagnostic like every other error, not clap's plain usage error.
    assert!(err.contains("help: did you mean `typo`?"), "{err}");
    assert!(!err.contains("invalid value"), "{err}");
    let o = repo.hblint(&["check", "--ignore", "typo,speling"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("--ignore"), "{err}");
    assert!(err.contains("help: did you mean `spelling`?"), "{err}");
    let o = repo.hblint(&["check", "--select", "typo, spelling", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    repo.write(
        ".hblint.toml",
        "# settings\n[files]\nexclude = [\"content/[x/**\"]\n",
    );
    let o = repo.hblint(&["check", "--color", "never"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("invalid glob `content/[x/**`"), "{err}");
    assert!(err.contains(".hblint.toml:3:"), "{err}");
}

/// A page with many findings, one a line.
fn noisy_repo(lines: usize) -> Repo {
    let repo = Repo::new();
    let mut text = String::from("# Noisy\n\n");
    for i in 0..lines {
        text.push_str(&format!("Line {i} has teh typo.\n\n"));
    }
    repo.write(PAGE, text);
    repo
}

#[test]
fn output_fits_a_screen() {
    let repo = noisy_repo(3);
    let o = repo.hblint(&["check", "--format", "concise"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "content/handbook/page.md:3:12: error [typo] `teh` is a misspelling of `the`"
    );
    assert_eq!(
        lines.len(),
        5,
        "3 findings, the summary, the fix count: {out}"
    );
    assert!(
        lines[4].starts_with("3 findings fixable with `hblint check --fix`"),
        "{out}"
    );
    // In CI logs, concise is the default.
    let o = Repo::env(Command::new(BIN).args(["check"]).current_dir(repo.path()))
        .env("CI", "true")
        .output()
        .expect("runs");
    let findings_only = |s: &str| s.lines().take(3).map(String::from).collect::<Vec<_>>();
    assert_eq!(findings_only(&stdout(&o)), findings_only(&out));
    // The human report says the same help once.
    let o = repo.hblint(&["check", "--color", "never"]);
    assert_eq!(
        stdout(&o).matches("replace with `the`").count(),
        1,
        "{}",
        stdout(&o)
    );
    // Statistics: a count per rule and what --fix would fix.
    let o = repo.hblint(&["check", "--statistics"]);
    let out = stdout(&o);
    assert!(
        out.contains("     3  typo  error    [*] 3 fixable"),
        "{out}"
    );
    assert!(
        out.contains("Found 3 findings in 1 file; 3 fixable"),
        "{out}"
    );
    // GitHub annotations and SARIF.
    let o = repo.hblint(&["check", "--format", "github"]);
    assert!(
        stdout(&o).starts_with("::error file=content/handbook/page.md,line=3,endLine=3,col=12,endColumn=15,title=hblint (typo)::"),
        "{}",
        stdout(&o)
    );
    let o = repo.hblint(&["check", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif json");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["runs"][0]["tool"]["driver"]["rules"][0]["id"], "typo");
    // `rules --format json`.
    let o = repo.hblint(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("rules json");
    assert!(v.as_array().is_some_and(|a| {
        a.iter()
            .any(|r| r["name"] == "typo" && r["fixable"] == true)
    }));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let repo = noisy_repo(4000);
    for args in [vec!["check", "--format", "concise"], vec!["rules"]] {
        let mut child = Repo::env(Command::new(BIN).args(&args).current_dir(repo.path()))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        let out = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(out).read_line(&mut first).expect("one line");
        // The reader is gone (as `| head -1` goes).
        let o = child.wait_with_output().expect("waits");
        assert!(!first.is_empty());
        assert_eq!(code(&o), if args[0] == "rules" { 0 } else { 1 }, "{args:?}");
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn vocab_list_and_remove_and_init() {
    let repo = Repo::new();
    let o = repo.hblint(&["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let config = String::from_utf8_lossy(&repo.read(".hblint.toml")).into_owned();
    assert!(
        config.contains("# exclude = [\"content/archive/**\"]"),
        "{config}"
    );
    let o = repo.hblint(&["init"]);
    assert_eq!(code(&o), 2, "never overwrites");
    repo.hblint(&["vocab", "add", "Kubecon", "Zoomers"]);
    let o = repo.hblint(&["vocab", "list"]);
    assert_eq!(stdout(&o), "Kubecon\nZoomers\n");
    let o = repo.hblint(&["vocab", "remove", "Zoomers"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = repo.hblint(&["vocab", "list"]);
    assert_eq!(stdout(&o), "Kubecon\n");
    let o = repo.hblint(&["vocab", "remove", "Nope"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("Nope"), "{}", stderr(&o));
}
