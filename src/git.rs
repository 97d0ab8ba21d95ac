//! The git repository around a run: the top level, the staged pages read from
//! the index (as they will be committed, not as the working tree has them),
//! and the hooks folder.
//!
//! Every call runs the `git` program: two processes for `--staged` whatever
//! the number of files (`git diff --cached` for the names, one
//! `git cat-file --batch` for every blob).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Something git could not do, with the command and what it said.
#[derive(Debug, thiserror::Error)]
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

/// Paths (relative to the top level, `/`-separated) that the index adds,
/// copies, modifies or renames compared with `HEAD` (or with the empty tree
/// before the first commit), limited to `pathspecs` when given.
pub fn staged_paths(top: &Path, pathspecs: &[String]) -> Result<Vec<String>, GitError> {
    let mut args = vec![
        "-c",
        "core.quotepath=off",
        "diff",
        "--cached",
        "--name-only",
        "-z",
        "--no-renames",
        "--diff-filter=ACMR",
        "--",
    ];
    args.extend(pathspecs.iter().map(String::as_str));
    let out = git(top, &args)?;
    Ok(out
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}

/// The index's bytes of each path, read by one `git cat-file --batch`.
/// A path git no longer has in the index is left out.
pub fn read_index(top: &Path, paths: &[String]) -> Result<Vec<StagedFile>, GitError> {
    // `:path` names the stage-0 blob; a newline in a path cannot go through --batch.
    let paths: Vec<&String> = paths.iter().filter(|p| !p.contains('\n')).collect();
    if paths.is_empty() {
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
    let request: String = paths.iter().map(|p| format!(":{p}\n")).collect();
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
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
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
                path: (*path).clone(),
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
    settings: &crate::config::Settings,
    paths: &[PathBuf],
) -> Result<Vec<crate::inputs::SourceFile>, String> {
    let top = toplevel(&settings.root).map_err(|e| e.to_string())?;
    let pathspecs: Vec<String> = paths
        .iter()
        .map(|p| crate::inputs::relative_to_root(&top, p))
        .map(|p| if p.is_empty() { ".".to_owned() } else { p })
        .collect();
    let mut excludes = globset::GlobSetBuilder::new();
    for pattern in &settings.files.exclude {
        let glob = globset::Glob::new(pattern)
            .map_err(|e| format!("{pattern}: invalid glob in [files] exclude: {e}"))?;
        excludes.add(glob);
    }
    let excludes = excludes.build().map_err(|e| e.to_string())?;
    let names: Vec<String> = staged_paths(&top, &pathspecs)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|p| crate::inputs::is_markdown(p))
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
        let paths = staged_paths(&top, &[]).expect("paths");
        assert_eq!(paths, vec!["a.md", "b c.md"]);
        let files = read_index(&top, &paths).expect("index");
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].bytes, b"staged\n");
        assert_eq!(files[1].bytes, b"second\n");
        assert!(hooks_dir(d).expect("hooks").ends_with(".git/hooks"));
    }
}
