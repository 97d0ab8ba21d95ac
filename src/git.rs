//! The git repository around a run: the top level, the staged pages read from
//! the index (as they will be committed, not as the working tree has them),
//! the hooks folder, and the changes between two commits with their blobs.
//!
//! Every call runs the `git` program. `--staged` takes three short processes
//! whatever the number of files: `rev-parse --show-toplevel`, `diff --cached
//! --raw` for the staged blobs' ids (so symbolic links and submodules are left
//! out, and any path works), and one `cat-file --batch` for all their bytes.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Something git could not do, with the command and what it said.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("git {command}: {reason}")]
pub struct GitError {
    pub command: String,
    pub reason: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let command = args.join(" ");
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| GitError {
            command: command.clone(),
            reason: format!("cannot run git: {e}"),
        })?;
    if !output.status.success() {
        return Err(GitError {
            command,
            reason: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(output.stdout)
}

fn git_line(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = git(dir, args)?;
    Ok(String::from_utf8_lossy(&out)
        .trim_end_matches(['\n', '\r'])
        .to_owned())
}

/// The top level of the working tree that holds `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    git_line(dir, &["rev-parse", "--show-toplevel"]).map(PathBuf::from)
}

/// The folder git runs hooks from: `core.hooksPath` if set, else the hooks
/// folder of the repository (the common one for a linked worktree).
pub fn hooks_dir(dir: &Path) -> Result<PathBuf, GitError> {
    let p = PathBuf::from(git_line(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
    )?);
    Ok(if p.is_absolute() { p } else { dir.join(p) })
}

/// One staged file: its path relative to the top level and its blob's bytes.
#[derive(Debug, Clone)]
pub struct StagedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A file the index adds or changes: its path (relative to the top level,
/// `/`-separated) and the id of its staged blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedEntry {
    pub path: String,
    pub blob: String,
}

/// The regular files that the index adds, copies or modifies compared with
/// `HEAD` (or with the empty tree before the first commit), limited to
/// `pathspecs` when given. Symbolic links and submodules are left out.
pub fn staged_paths(top: &Path, pathspecs: &[String]) -> Result<Vec<StagedEntry>, GitError> {
    let mut args = vec![
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--diff-filter=ACMR",
        "--",
    ];
    args.extend(pathspecs.iter().map(String::as_str));
    let out = git(top, &args)?;
    // Records: `:old_mode new_mode old_id new_id status` NUL `path` NUL.
    let mut fields = out.split(|&b| b == 0).filter(|f| !f.is_empty());
    let mut entries = Vec::new();
    while let (Some(meta), Some(path)) = (fields.next(), fields.next()) {
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let (Some(mode), Some(blob)) = (parts.get(1), parts.get(3)) else {
            return Err(GitError {
                command: "diff --cached --raw".into(),
                reason: format!("unexpected record `{meta}`"),
            });
        };
        if !mode.starts_with("100") {
            continue;
        }
        entries.push(StagedEntry {
            path: String::from_utf8_lossy(path).into_owned(),
            blob: (*blob).to_owned(),
        });
    }
    Ok(entries)
}

/// The bytes of each entry's blob (staged, or at a commit), read by one
/// `git cat-file --batch`; a missing blob is left out.
pub fn read_index(top: &Path, entries: &[StagedEntry]) -> Result<Vec<StagedFile>, GitError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let error = |reason: String| GitError {
        command: "cat-file --batch".into(),
        reason,
    };
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(top)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| error(format!("cannot run git: {e}")))?;
    let mut stdin = child.stdin.take().ok_or_else(|| error("no stdin".into()))?;
    let request: String = entries.iter().map(|e| format!("{}\n", e.blob)).collect();
    // Write from a thread: git answers while we write, and both pipes are finite.
    let writer = std::thread::spawn(move || {
        let r = stdin.write_all(request.as_bytes());
        drop(stdin);
        r
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| error("no stdout".into()))?;
    let mut reader = BufReader::new(stdout);
    let mut files = Vec::with_capacity(entries.len());
    for entry in entries {
        let path = &entry.path;
        let mut header = String::new();
        let n = reader
            .read_line(&mut header)
            .map_err(|e| error(e.to_string()))?;
        if n == 0 {
            return Err(error(format!("no answer for {path}")));
        }
        let header = header.trim_end();
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            continue;
        }
        let mut parts = header.split(' ');
        let (_oid, kind, size) = (parts.next(), parts.next(), parts.next());
        let size: usize = size
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| error(format!("unexpected answer `{header}` for {path}")))?;
        let mut bytes = vec![0; size];
        reader
            .read_exact(&mut bytes)
            .map_err(|e| error(e.to_string()))?;
        let mut newline = [0u8; 1];
        reader
            .read_exact(&mut newline)
            .map_err(|e| error(e.to_string()))?;
        if kind == Some("blob") {
            files.push(StagedFile {
                path: path.clone(),
                bytes,
            });
        }
    }
    let written = writer
        .join()
        .map_err(|_| error("writer thread failed".into()))?;
    written.map_err(|e| error(e.to_string()))?;
    let status = child.wait().map_err(|e| error(e.to_string()))?;
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        return Err(error(stderr.trim().to_owned()));
    }
    Ok(files)
}

/// The staged Markdown pages under `settings.root`, as inputs read from the
/// index: the pages `hblint check --staged [PATHS]` lints. `paths` (relative to
/// the current directory) limit the pages; `[files] exclude` applies.
pub fn staged_files(
    settings: &crate::inputs::FileSelection,
    paths: &[PathBuf],
) -> Result<Vec<crate::inputs::SourceFile>, String> {
    let top = toplevel(&settings.root).map_err(|e| e.to_string())?;
    let pathspecs: Vec<String> = paths
        .iter()
        .map(|p| crate::inputs::relative_to_root(&top, p))
        .map(|p| if p.is_empty() { ".".to_owned() } else { p })
        .collect();
    let excludes = &settings.exclude;
    let names: Vec<StagedEntry> = staged_paths(&top, &pathspecs)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|e| crate::inputs::is_markdown(&e.path))
        .collect();
    let mut files: Vec<crate::inputs::SourceFile> = read_index(&top, &names)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|f| crate::inputs::SourceFile {
            path: crate::inputs::relative_to_root(&settings.root, &top.join(&f.path)),
            content: crate::inputs::Content::Bytes(f.bytes),
        })
        .filter(|f| !excludes.is_match(&f.path))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Stage the working-tree content of `paths` (after `--fix --staged`).
pub fn add(top: &Path, paths: &[String]) -> Result<(), GitError> {
    if paths.is_empty() {
        return Ok(());
    }
    let mut args = vec!["add", "--"];
    args.extend(paths.iter().map(String::as_str));
    git(top, &args).map(|_| ())
}

/// One file changed between two commits, as `git diff --raw -M` and `-U0` see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitChange {
    pub old_path: String,
    pub new_path: String,
    /// `A`, `M`, `D`, `R`, `C` or `T`.
    pub status: char,
    /// The file's mode at the newer commit (`100644`, `120000` for a symbolic link, `000000` if deleted).
    pub new_mode: String,
    /// The blob id at the newer commit.
    pub new_blob: String,
    /// The unified diff with no context lines, from the first `@@` on (empty for binary or pure renames).
    pub hunks: String,
}

/// Whether `rev` names a commit present in the repository.
pub fn has_commit(top: &Path, rev: &str) -> bool {
    git(top, &["cat-file", "-e", &format!("{rev}^{{commit}}")]).is_ok()
}

/// Whether the repository is a shallow clone (`GIT_DEPTH`).
pub fn is_shallow(top: &Path) -> bool {
    git_line(top, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s == "true")
}

/// `rev` as a full commit id.
pub fn commit_id(top: &Path, rev: &str) -> Result<String, GitError> {
    git_line(
        top,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )
}

/// Every file under `top` (a repository or a folder in one; paths relative to
/// it) that differs between the commits `base` and `head`, renames detected,
/// each with its added lines as zero-context hunks. Two processes:
/// `diff --raw -z` for paths, modes and blob ids, and `diff -U0` for the
/// hunks; git lists files in the same order in both.
pub fn changes_between(top: &Path, base: &str, head: &str) -> Result<Vec<CommitChange>, GitError> {
    let raw = git(
        top,
        &[
            "diff",
            "--raw",
            "-z",
            "--no-abbrev",
            "-M",
            "--no-ext-diff",
            base,
            head,
            "--",
        ],
    )?;
    let bad = |reason: String| GitError {
        command: format!("diff --raw {base} {head}"),
        reason,
    };
    // Records: `:old_mode new_mode old_id new_id status` NUL `path` NUL
    // (`… R100` NUL `old` NUL `new` NUL for a rename or copy).
    let mut fields = raw.split(|&b| b == 0).filter(|f| !f.is_empty());
    let mut changes = Vec::new();
    while let Some(meta) = fields.next() {
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let (Some(mode), Some(blob), Some(status)) = (
            parts.get(1),
            parts.get(3),
            parts.get(4).and_then(|s| s.chars().next()),
        ) else {
            return Err(bad(format!("unexpected record `{meta}`")));
        };
        let path = |f: Option<&[u8]>| {
            f.map(|p| String::from_utf8_lossy(p).into_owned())
                .ok_or_else(|| bad(format!("no path after `{meta}`")))
        };
        let old_path = path(fields.next())?;
        let new_path = if matches!(status, 'R' | 'C') {
            path(fields.next())?
        } else {
            old_path.clone()
        };
        changes.push(CommitChange {
            old_path,
            new_path,
            status,
            new_mode: (*mode).to_owned(),
            new_blob: (*blob).to_owned(),
            hunks: String::new(),
        });
    }
    let patch = git(
        top,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "-U0",
            "-M",
            "--relative",
            "--no-color",
            "--no-ext-diff",
            base,
            head,
            "--",
        ],
    )?;
    let patch = String::from_utf8_lossy(&patch);
    // Each file's section starts with a `diff --git` line; inside -U0 hunks
    // every line starts with `+`, `-`, `@` or `\`, so the split is exact.
    let mut sections: Vec<&str> = Vec::new();
    let mut rest = patch.as_ref();
    while let Some(i) = rest.find("diff --git ") {
        let after = &rest[i + 1..];
        let end = after.find("\ndiff --git ").map_or(after.len(), |e| e + 1);
        sections.push(&rest[i..i + 1 + end]);
        rest = &after[end..];
    }
    if sections.len() != changes.len() {
        return Err(bad(format!(
            "{} files in the raw diff but {} in the patch",
            changes.len(),
            sections.len()
        )));
    }
    for (change, section) in changes.iter_mut().zip(sections) {
        change.hunks = match section.find("\n@@") {
            Some(i) => section[i + 1..].to_owned(),
            None => String::new(),
        };
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git runs")
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn staged_content_comes_from_the_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        run(d, &["init", "-q"]);
        std::fs::write(d.join("a.md"), "staged\n").expect("write");
        std::fs::write(d.join("b c.md"), "second\n").expect("write");
        run(d, &["add", "a.md", "b c.md"]);
        std::fs::write(d.join("a.md"), "working tree\n").expect("write");
        let top = toplevel(d).expect("toplevel");
        std::os::unix::fs::symlink("a.md", d.join("link.md")).expect("symlink");
        std::fs::write(d.join("new\nline.md"), "odd name\n").expect("write");
        run(d, &["add", "link.md", "new\nline.md"]);
        let entries = staged_paths(&top, &[]).expect("paths");
        let names: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(names, vec!["a.md", "b c.md", "new\nline.md"], "no symlink");
        let files = read_index(&top, &entries).expect("index");
        assert_eq!(files.len(), 3);
        assert_eq!(files[0].bytes, b"staged\n");
        assert_eq!(files[1].bytes, b"second\n");
        assert_eq!(files[2].bytes, b"odd name\n");
        assert!(hooks_dir(d).expect("hooks").ends_with(".git/hooks"));
    }
    fn commit_all(dir: &Path, message: &str) -> String {
        run(dir, &["add", "-A"]);
        run(
            dir,
            &[
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                message,
            ],
        );
        git_line(dir, &["rev-parse", "HEAD"]).expect("HEAD")
    }

    #[test]
    fn changes_between_two_commits_with_renames_deletions_and_hunks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        run(d, &["init", "-q"]);
        std::fs::write(d.join("keep.md"), "a\nb\nc\n").expect("write");
        std::fs::write(d.join("old name.md"), "same text\nover lines\nthree\n").expect("write");
        std::fs::write(d.join("gone.md"), "bye\n").expect("write");
        let base = commit_all(d, "base");
        std::fs::write(d.join("keep.md"), "a\nB\nc\nd\n").expect("write");
        std::fs::rename(d.join("old name.md"), d.join("new\tname.md")).expect("rename");
        std::fs::remove_file(d.join("gone.md")).expect("rm");
        std::fs::write(d.join("added.md"), "x\n").expect("write");
        let head = commit_all(d, "head");
        assert!(has_commit(d, &base) && has_commit(d, &head));
        assert!(!has_commit(d, "0123456789012345678901234567890123456789"));
        assert!(!is_shallow(d));
        let changes = changes_between(d, &base, &head).expect("diff");
        let by: std::collections::HashMap<&str, &CommitChange> =
            changes.iter().map(|c| (c.new_path.as_str(), c)).collect();
        assert_eq!(changes.len(), 4, "{changes:?}");
        assert_eq!(by["keep.md"].status, 'M');
        assert_eq!(
            by["keep.md"].hunks,
            "@@ -2 +2 @@ a\n-b\n+B\n@@ -3,0 +4 @@ c\n+d\n"
        );
        assert_eq!(by["new\tname.md"].status, 'R');
        assert_eq!(by["new\tname.md"].old_path, "old name.md");
        assert_eq!(by["new\tname.md"].hunks, "");
        assert_eq!(by["gone.md"].status, 'D');
        assert_eq!(by["added.md"].status, 'A');
        let blobs = read_index(
            d,
            &[StagedEntry {
                path: "added.md".into(),
                blob: by["added.md"].new_blob.clone(),
            }],
        )
        .expect("blobs");
        assert_eq!(blobs[0].bytes, b"x\n");
    }
}
