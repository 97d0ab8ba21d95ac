//! The git repository around a run: the top level, the pages a change adds,
//! modifies or deletes (read from the index or a commit, as they will be
//! committed, not as the working tree has them), their changed lines, the
//! files of the tree a change judges (its links are judged against them),
//! the hooks folder, and the changes between two commits with their blobs.
//!
//! Every call runs the `git` program. `--staged` and `--changed-since` take
//! four short processes whatever the number of files: `rev-parse
//! --show-toplevel` (asked once per folder, with the folder's tree at `HEAD`
//! for the word counts, see [`repo`]), `diff --raw`
//! for the old and new blobs' ids (so symbolic links and submodules are left
//! out, and any path works), one `cat-file --batch` for all their bytes, and
//! `ls-files --stage` (`ls-tree -r HEAD`) for the judged tree's files.
//! [`changed_files`] needs no top level until its end, so a run starts it
//! first and asks `rev-parse` meanwhile.
//! The changed lines come from comparing the two sides in process.

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
    repo(dir).map(|r| r.top)
}

/// Where hblint keeps its cache in the git folder of the work tree that
/// holds `dir` (`hblint/cache`, absolute).
pub fn cache_dir(dir: &Path) -> Result<PathBuf, GitError> {
    repo(dir).map(|r| r.cache)
}

/// The id of the tree of `dir` at `HEAD`, and where hblint keeps the word
/// counts of that tree (`hblint/word-frequency` in the git folder); `None`
/// before the first commit. The answer the run's first question of `dir`
/// brought (see [`repo`]) is used once: `HEAD` does not move within a run,
/// but may between two runs in one process (the tests, the bot).
pub fn head_tree(dir: &Path) -> Result<Option<(String, PathBuf)>, GitError> {
    let words = |repo: &Repo, tree: Option<String>| {
        tree.map(|tree| (tree, repo.cache.with_file_name("word-frequency")))
    };
    if let Some(repo) = asked().get_mut(dir)
        && let Some(tree) = repo.tree.take()
    {
        return Ok(words(repo, tree));
    }
    let mut repo = ask(dir)?;
    if let Some(kept) = asked().get_mut(dir) {
        kept.tree = None;
    }
    let tree = repo.tree.take().flatten();
    Ok(words(&repo, tree))
}

/// What `git rev-parse` says of a folder that cannot change while hblint
/// runs: its work tree's top level, hblint's folder in the git folder, and
/// the folder's tree at `HEAD`.
#[derive(Debug, Clone)]
struct Repo {
    top: PathBuf,
    cache: PathBuf,
    /// `Some(None)`: no commit yet; `None`: used already, or not asked of
    /// this folder (kept for the top level from a folder below it).
    tree: Option<Option<String>>,
}

type Asked = std::sync::Mutex<std::collections::HashMap<PathBuf, Repo>>;

/// What each folder asked has answered, in this process.
fn asked() -> std::sync::MutexGuard<'static, std::collections::HashMap<PathBuf, Repo>> {
    static ASKED: std::sync::LazyLock<Asked> = std::sync::LazyLock::new(Asked::default);
    ASKED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// [`Repo`] of `dir`, asked of git once per folder per process (a run asks
/// from the current folder, the root, the cache, the change and the word
/// counts: one process instead of five). Failures are not kept.
fn repo(dir: &Path) -> Result<Repo, GitError> {
    if let Some(repo) = asked().get(dir) {
        return Ok(repo.clone());
    }
    // One question at a time: the threads of a run that start by asking of
    // the same folder wait for the first answer instead of asking again.
    static ASKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ASKING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(repo) = asked().get(dir) {
        return Ok(repo.clone());
    }
    ask(dir)
}

fn ask(dir: &Path) -> Result<Repo, GitError> {
    let failed = |reason: String| GitError {
        command: "rev-parse --show-toplevel".into(),
        reason,
    };
    let output = Command::new("git")
        .args(["rev-parse", "--path-format=absolute", "--show-toplevel"])
        .args([
            "--git-path",
            "hblint/cache",
            "--verify",
            "--quiet",
            "HEAD:./",
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    let (Some(top), Some(cache)) = (lines.next(), lines.next()) else {
        let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(failed(match said.is_empty() {
            true => format!("unexpected answer {text:?}"),
            false => said,
        }));
    };
    // `--verify --quiet` fails with nothing more to say before the first
    // commit; the two lines before it are still true.
    let tree = match (output.status.success(), lines.next()) {
        (true, Some(tree)) => Some(tree.trim().to_owned()),
        _ => None,
    };
    let repo = Repo {
        top: PathBuf::from(top),
        cache: PathBuf::from(cache),
        tree: Some(tree),
    };
    let mut map = asked();
    map.insert(dir.to_path_buf(), repo.clone());
    // The top level asks the same of itself (but for its tree).
    map.entry(repo.top.clone()).or_insert_with(|| Repo {
        tree: None,
        ..repo.clone()
    });
    Ok(repo)
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

/// Which change a run judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The index against `HEAD` (or the empty tree before the first commit):
    /// what `git commit` would record.
    Staged,
    /// `HEAD` against its merge base with a ref (`origin/main`): what a merge
    /// request from this branch would show.
    Since(String),
}

impl Change {
    /// The `git diff` arguments that select this change.
    fn diff_args(&self) -> Vec<String> {
        match self {
            Change::Staged => vec!["diff".into(), "--cached".into()],
            Change::Since(base) => vec!["diff".into(), format!("{base}...HEAD")],
        }
    }

    /// What to call the change in messages.
    pub fn describe(&self) -> String {
        match self {
            Change::Staged => "staged".into(),
            Change::Since(base) => format!("changed since {base}"),
        }
    }
}

/// A file the change adds, modifies or deletes: its path (relative to the
/// top level, `/`-separated), the id of its old blob (all zeros when the
/// change adds it) and of its new blob (all zeros when it deletes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffEntry {
    pub path: String,
    pub old_blob: String,
    pub blob: String,
    pub deleted: bool,
    /// In the middle of a merge conflict (`--staged` only): the index holds
    /// no one version of it to judge.
    pub unmerged: bool,
}

fn is_null_id(id: &str) -> bool {
    id.bytes().all(|b| b == b'0')
}

/// The regular files that `change` adds, modifies, deletes or renames in
/// the work tree that holds `dir` (paths relative to its top level),
/// limited to `pathspecs` when given. A rename is the old path deleted (so
/// its inbound links are judged) and the new one modified from the old
/// content. An unmerged path (a merge conflict in the index) is listed as
/// such. Symbolic links and submodules are left out.
pub fn diff_entries(
    dir: &Path,
    change: &Change,
    pathspecs: &[String],
) -> Result<Vec<DiffEntry>, GitError> {
    if let Change::Since(base) = change {
        verify_commit(dir, base)?;
    }
    let mut args = change.diff_args();
    args.extend(
        [
            // Paths from the top level, whatever `diff.relative` says.
            "--no-relative",
            "--raw",
            "-z",
            "--no-abbrev",
            "--find-renames",
            "--diff-filter=ACMRDU",
            "--",
        ]
        .map(String::from),
    );
    args.extend(pathspecs.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = git(dir, &args)?;
    // Records: `:old_mode new_mode old_id new_id status` NUL `path` NUL, and
    // for a rename (`R…`) `old_path` NUL `new_path` NUL.
    let mut fields = out.split(|&b| b == 0).filter(|f| !f.is_empty());
    let mut entries = Vec::new();
    while let (Some(meta), Some(mut path)) = (fields.next(), fields.next()) {
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let (Some(old_mode), Some(mode), Some(old_blob), Some(blob), Some(status)) = (
            parts.first(),
            parts.get(1),
            parts.get(2),
            parts.get(3),
            parts.get(4),
        ) else {
            return Err(GitError {
                command: "diff --raw".into(),
                reason: format!("unexpected record `{meta}`"),
            });
        };
        if status.starts_with('U') {
            entries.push(DiffEntry {
                path: String::from_utf8_lossy(path).into_owned(),
                old_blob: (*old_blob).to_owned(),
                blob: (*blob).to_owned(),
                deleted: false,
                unmerged: true,
            });
            continue;
        }
        if status.starts_with('R') {
            // The old path is gone (its inbound links break); the new one is
            // compared with the old content, so moved lines are not "added".
            let Some(new_path) = fields.next() else {
                return Err(GitError {
                    command: "diff --raw".into(),
                    reason: format!("rename without a new path: `{meta}`"),
                });
            };
            if old_mode.starts_with("100") {
                entries.push(DiffEntry {
                    path: String::from_utf8_lossy(path).into_owned(),
                    old_blob: (*old_blob).to_owned(),
                    blob: "0".repeat(blob.len()),
                    deleted: true,
                    unmerged: false,
                });
            }
            path = new_path;
        }
        let deleted = status.starts_with('D');
        let kept_mode = if deleted { old_mode } else { mode };
        if !kept_mode.starts_with("100") {
            continue;
        }
        // A file that was a symbolic link before has no old text to compare.
        let old_blob = if old_mode.starts_with("100") {
            (*old_blob).to_owned()
        } else {
            "0".repeat(blob.len())
        };
        entries.push(DiffEntry {
            path: String::from_utf8_lossy(path).into_owned(),
            old_blob,
            blob: (*blob).to_owned(),
            deleted,
            unmerged: false,
        });
    }
    Ok(entries)
}

/// `REF` must name a commit; a name starting with `-` would be read as an option.
fn verify_commit(top: &Path, base: &str) -> Result<(), GitError> {
    let refused = |reason: String| GitError {
        command: format!("rev-parse --verify {base}"),
        reason,
    };
    if base.is_empty() || base.starts_with('-') {
        return Err(refused("not a commit name".into()));
    }
    git(
        top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .map(|_| ())
    .map_err(|_| refused(format!("`{base}` names no commit (try `git fetch` first)")))
}

/// The bytes of each blob id, read by one `git cat-file --batch`, in the
/// order given; `None` for an id git does not have.
pub fn read_blobs(top: &Path, ids: &[&str]) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    if ids.is_empty() {
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
    let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
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
    let mut blobs = Vec::with_capacity(ids.len());
    for id in ids {
        let mut header = String::new();
        let n = reader
            .read_line(&mut header)
            .map_err(|e| error(e.to_string()))?;
        if n == 0 {
            return Err(error(format!("no answer for {id}")));
        }
        let header = header.trim_end();
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            blobs.push(None);
            continue;
        }
        let mut parts = header.split(' ');
        let (_oid, kind, size) = (parts.next(), parts.next(), parts.next());
        let size: usize = size
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| error(format!("unexpected answer `{header}` for {id}")))?;
        let mut bytes = vec![0; size];
        reader
            .read_exact(&mut bytes)
            .map_err(|e| error(e.to_string()))?;
        let mut newline = [0u8; 1];
        reader
            .read_exact(&mut newline)
            .map_err(|e| error(e.to_string()))?;
        blobs.push((kind == Some("blob")).then_some(bytes));
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
    Ok(blobs)
}

/// The new-side lines (1-based, inclusive ranges, sorted) that `new` adds or
/// changes compared with `old`.
pub fn added_lines(old: &str, new: &str) -> Vec<(usize, usize)> {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_lines(old, new);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for op in diff.ops() {
        if let similar::DiffOp::Insert {
            new_index, new_len, ..
        }
        | similar::DiffOp::Replace {
            new_index, new_len, ..
        } = *op
        {
            if new_len == 0 {
                continue;
            }
            let (start, end) = (new_index + 1, new_index + new_len);
            match ranges.last_mut() {
                Some((_, last)) if *last + 1 >= start => *last = end.max(*last),
                _ => ranges.push((start, end)),
            }
        }
    }
    ranges
}

/// A changed Markdown page as a run sees it.
#[derive(Debug, Clone)]
pub struct ChangedPage {
    /// Root-relative, `/`-separated.
    pub path: String,
    /// The new side's bytes (the index, or `HEAD`).
    pub bytes: Vec<u8>,
    /// The old side's text (empty for a new page).
    pub old_text: String,
    /// Lines the change adds or modifies.
    pub added: Vec<(usize, usize)>,
}

/// What a change does to the Markdown pages under the root.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    /// Pages added or modified, sorted by path.
    pub pages: Vec<ChangedPage>,
    /// Root-relative paths of Markdown pages the change deletes (or renames away).
    pub deleted: Vec<String>,
    /// Root-relative paths of Markdown pages in a merge conflict: not judged.
    pub unmerged: Vec<String>,
}

impl ChangeSet {
    /// The inputs to lint: the new side's bytes.
    pub fn files(&self) -> Vec<crate::inputs::SourceFile> {
        self.pages
            .iter()
            .map(|p| crate::inputs::SourceFile {
                path: p.path.clone(),
                content: crate::inputs::Content::Bytes(p.bytes.clone()),
            })
            .collect()
    }
}

/// The Markdown pages under `settings.root` that `change` adds, modifies or
/// deletes, read from git (the index or `HEAD`, never the working tree).
/// `paths` (relative to the current directory) limit the pages; `[files]
/// exclude` applies.
pub fn changed_pages(
    settings: &crate::inputs::FileSelection,
    change: &Change,
    paths: &[PathBuf],
) -> Result<ChangeSet, String> {
    let files = changed_files(&settings.root, change, paths).map_err(|e| e.to_string())?;
    Ok(files.pages(settings))
}

/// The Markdown files a change adds, modifies or deletes in the work tree
/// that holds a folder, with both sides' bytes and the changed lines: all
/// that [`changed_pages`] asks of git, read before the settings are known
/// (a run reads them while it loads its settings), so that
/// [`ChangedFiles::pages`] only picks.
#[derive(Debug)]
pub struct ChangedFiles {
    top: PathBuf,
    /// Paths relative to the top level.
    pages: Vec<ChangedPage>,
    deleted: Vec<String>,
    unmerged: Vec<String>,
}

/// [`ChangedFiles`] of the work tree that holds `dir`; `paths` (relative to
/// the current directory) limit them.
pub fn changed_files(
    dir: &Path,
    change: &Change,
    paths: &[PathBuf],
) -> Result<ChangedFiles, GitError> {
    // Absolute, so that git reads them from `dir` as the user meant them
    // from the current folder.
    let pathspecs: Vec<String> = paths
        .iter()
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
        .map(|p| crate::inputs::normalize(&p).to_string_lossy().into_owned())
        .collect();
    let (unmerged, entries): (Vec<DiffEntry>, Vec<DiffEntry>) =
        diff_entries(dir, change, &pathspecs)?
            .into_iter()
            .filter(|e| crate::inputs::is_markdown(&e.path))
            .partition(|e| e.unmerged);
    let (deleted, kept): (Vec<DiffEntry>, Vec<DiffEntry>) =
        entries.into_iter().partition(|e| e.deleted);
    let mut ids: Vec<&str> = Vec::with_capacity(kept.len() * 2);
    for e in &kept {
        ids.push(&e.blob);
        ids.push(if is_null_id(&e.old_blob) {
            &e.blob
        } else {
            &e.old_blob
        });
    }
    let mut blobs = read_blobs(dir, &ids)?.into_iter();
    let mut pages = Vec::with_capacity(kept.len());
    for e in kept {
        let (Some(new), Some(old)) = (blobs.next(), blobs.next()) else {
            break;
        };
        let Some(bytes) = new else {
            continue;
        };
        let old_text = match (is_null_id(&e.old_blob), old) {
            (false, Some(old)) => String::from_utf8_lossy(&old).into_owned(),
            _ => String::new(),
        };
        let added = added_lines(&old_text, &String::from_utf8_lossy(&bytes));
        pages.push(ChangedPage {
            path: e.path,
            bytes,
            old_text,
            added,
        });
    }
    let deleted = deleted.into_iter().map(|e| e.path).collect();
    // Asked once per folder: a run has usually asked it meanwhile.
    let top = toplevel(dir)?;
    Ok(ChangedFiles {
        top,
        pages,
        deleted,
        unmerged: unmerged.into_iter().map(|e| e.path).collect(),
    })
}

impl ChangedFiles {
    /// The pages under `settings.root` that `[files] exclude` keeps, with
    /// root-relative paths, sorted.
    pub fn pages(self, settings: &crate::inputs::FileSelection) -> ChangeSet {
        let rel = |p: &str| crate::inputs::relative_to_root(&settings.root, &self.top.join(p));
        let kept = |p: &String| !settings.exclude.is_match(p);
        let mut pages: Vec<ChangedPage> = self
            .pages
            .into_iter()
            .map(|page| ChangedPage {
                path: rel(&page.path),
                ..page
            })
            .filter(|page| kept(&page.path))
            .collect();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        let paths = |list: &[String]| {
            let mut paths: Vec<String> = list.iter().map(|p| rel(p)).filter(kept).collect();
            paths.sort();
            paths
        };
        ChangeSet {
            pages,
            deleted: paths(&self.deleted),
            unmerged: paths(&self.unmerged),
        }
    }
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

/// The files of the tree a change judges: the index for [`Change::Staged`],
/// `HEAD` for [`Change::Since`]. A commit holds what its links are judged
/// against, not untracked files or unstaged edits. Each file's path
/// (relative to the top level) and, for a regular file, its blob id; a
/// symbolic link or an unmerged path has none (the work tree's stands).
/// Read from the index or the commit alone: no file of the work tree is
/// looked at, so the question costs the same whatever the tree's size on
/// disk (submodules are left out).
pub fn judged_files(
    top: &Path,
    change: &Change,
) -> Result<Vec<(String, Option<String>)>, GitError> {
    let args: &[&str] = match change {
        // `mode id stage` TAB `path`
        Change::Staged => &["ls-files", "-z", "--stage"],
        // `mode type id` TAB `path`
        Change::Since(_) => &["ls-tree", "-r", "-z", "--full-tree", "HEAD"],
    };
    let out = git(top, args)?;
    let mut files: Vec<(String, Option<String>)> = Vec::new();
    for record in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, path)) = record.split_once('\t') else {
            return Err(GitError {
                command: args.join(" "),
                reason: format!("unexpected record `{record}`"),
            });
        };
        let mut parts = meta.split(' ');
        let (mode, id, merged) = match change {
            Change::Staged => (parts.next(), parts.next(), parts.next() == Some("0")),
            Change::Since(_) => (parts.next(), parts.nth(1), true),
        };
        let (Some(mode), Some(id)) = (mode, id) else {
            return Err(GitError {
                command: args.join(" "),
                reason: format!("unexpected record `{record}`"),
            });
        };
        if mode.starts_with("160") {
            continue;
        }
        let id = (mode.starts_with("100") && merged).then(|| id.to_owned());
        files.push((path.to_owned(), id));
    }
    // An unmerged path has one entry per side: kept once, without an id.
    // (git lists paths sorted, but by bytes: sorted again only if need be.)
    if !files.is_sorted() {
        files.sort();
    }
    files.dedup_by(|later, first| {
        let same = later.0 == first.0;
        if same {
            first.1 = None;
        }
        same
    });
    Ok(files)
}

/// The id git gives `bytes` as a blob, in the hash of `like` (an id of the
/// repository: 40 hex digits for SHA-1, 64 for SHA-256).
pub fn blob_id(bytes: &[u8], like: &str) -> String {
    use sha1::Digest;
    let header = format!("blob {}\0", bytes.len());
    if like.len() == 64 {
        let mut h = sha2::Sha256::new();
        h.update(header.as_bytes());
        h.update(bytes);
        format!("{:x}", h.finalize())
    } else {
        let mut h = sha1::Sha1::new();
        h.update(header.as_bytes());
        h.update(bytes);
        format!("{:x}", h.finalize())
    }
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
pub(crate) mod tests {
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

    /// One question answers the top level, the cache folder and the tree at
    /// `HEAD`; the tree is used once, so a commit between two runs of one
    /// process is seen; before the first commit there is no tree, but the
    /// rest is answered.
    #[test]
    fn the_tree_at_head_comes_with_the_top_level_and_is_used_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = &dir.path().canonicalize().expect("canonical");
        run(d, &["init", "-q"]);
        std::fs::create_dir(d.join("sub")).expect("mkdir");
        let sub = d.join("sub");
        assert_eq!(toplevel(&sub).expect("toplevel"), *d);
        assert_eq!(head_tree(&sub).expect("asked"), None, "no commit yet");
        let commit = |text: &str| {
            std::fs::write(sub.join("a.md"), text).expect("write");
            commit_all(d, "c");
            let out = Command::new("git")
                .args(["rev-parse", "HEAD:sub"])
                .current_dir(d)
                .output()
                .expect("git runs");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        let first = commit("one");
        assert_eq!(toplevel(&sub).expect("toplevel"), *d, "kept");
        let (tree, words) = head_tree(&sub).expect("asked").expect("a commit");
        assert_eq!(tree, first, "the folder's own tree, not the top level's");
        assert_eq!(
            words,
            cache_dir(d)
                .expect("cache")
                .with_file_name("word-frequency")
        );
        let second = commit("two");
        assert_ne!(first, second);
        let (tree, _) = head_tree(&sub).expect("asked").expect("a commit");
        assert_eq!(tree, second, "asked again, not the first answer");
        // The top level, known from the question below it, asks of itself.
        let top_tree = head_tree(d).expect("asked").expect("a commit").0;
        assert_ne!(top_tree, second);
    }

    #[test]
    fn added_lines_are_the_new_sides_inserts_and_replacements() {
        assert_eq!(added_lines("", "a\nb\n"), vec![(1, 2)]);
        assert_eq!(
            added_lines("a\nb\nc\n", "a\nB\nc\nd\n"),
            vec![(2, 2), (4, 4)]
        );
        assert!(added_lines("a\nb\n", "a\n").is_empty());
        assert!(added_lines("same\n", "same\n").is_empty());
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
        let entries = diff_entries(&top, &Change::Staged, &[]).expect("paths");
        let names: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(names, vec!["a.md", "b c.md", "new\nline.md"], "no symlink");
        let ids: Vec<&str> = entries.iter().map(|e| e.blob.as_str()).collect();
        let blobs = read_blobs(&top, &ids).expect("index");
        assert_eq!(blobs.len(), 3);
        assert_eq!(blobs[0].as_deref(), Some(&b"staged\n"[..]));
        assert_eq!(blobs[1].as_deref(), Some(&b"second\n"[..]));
        assert_eq!(blobs[2].as_deref(), Some(&b"odd name\n"[..]));
        assert!(hooks_dir(d).expect("hooks").ends_with(".git/hooks"));
    }

    /// The judged tree's files: the index's, or `HEAD`'s, with blob ids
    /// for regular files and none for symbolic links; a blob id is what
    /// git computes.
    #[test]
    fn the_judged_files_are_the_index_or_head() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = &dir.path().canonicalize().expect("canonical");
        run(d, &["init", "-q"]);
        let write = |rel: &str, text: &str| std::fs::write(d.join(rel), text).expect("write");
        write("kept.md", "kept\n");
        write("unindexed.md", "committed, then removed from the index\n");
        std::os::unix::fs::symlink("kept.md", d.join("link.md")).expect("symlink");
        commit_all(d, "c");
        let blob = |spec: &str| {
            let out = Command::new("git")
                .args(["rev-parse", spec])
                .current_dir(d)
                .output()
                .expect("git runs");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        run(d, &["rm", "-q", "--cached", "unindexed.md"]);
        write("added.md", "staged, new\n");
        run(d, &["add", "added.md"]);
        write("untracked.md", "new\n");
        let kept = blob(":kept.md");
        assert_eq!(kept, blob_id(b"kept\n", &kept));
        assert_eq!(
            judged_files(d, &Change::Staged).expect("index"),
            vec![
                ("added.md".to_owned(), Some(blob(":added.md"))),
                ("kept.md".to_owned(), Some(kept.clone())),
                ("link.md".to_owned(), None),
            ]
        );
        assert_eq!(
            judged_files(d, &Change::Since("HEAD".into())).expect("HEAD"),
            vec![
                ("kept.md".to_owned(), Some(kept)),
                ("link.md".to_owned(), None),
                ("unindexed.md".to_owned(), Some(blob("HEAD:unindexed.md"))),
            ]
        );
        // SHA-256 ids are 64 hex digits (`git hash-object` in such a repository).
        assert_eq!(
            blob_id(b"", &"0".repeat(64)),
            "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813"
        );
    }

    /// Commit everything under `dir` as a test author: the commit's id.
    pub(crate) fn commit_all(dir: &Path, message: &str) -> String {
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

    /// A path in a merge conflict is listed as unmerged, with no blob to
    /// read; a staged page beside it is listed as usual.
    #[test]
    fn staged_lists_a_merge_conflict_as_unmerged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        run(d, &["init", "-q", "-b", "main"]);
        std::fs::write(d.join("a.md"), "base\n").expect("write");
        std::fs::write(d.join("b.md"), "base\n").expect("write");
        commit_all(d, "base");
        run(d, &["checkout", "-q", "-b", "side"]);
        std::fs::write(d.join("a.md"), "theirs\n").expect("write");
        commit_all(d, "side");
        run(d, &["checkout", "-q", "main"]);
        std::fs::write(d.join("a.md"), "ours\n").expect("write");
        commit_all(d, "main");
        let merged = Command::new("git")
            .args([
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.com",
                "merge",
                "-q",
                "side",
            ])
            .current_dir(d)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git runs");
        assert!(!merged.status.success(), "the merge conflicts");
        std::fs::write(d.join("b.md"), "staged\n").expect("write");
        run(d, &["add", "b.md"]);
        let top = toplevel(d).expect("toplevel");
        let entries = diff_entries(&top, &Change::Staged, &[]).expect("entries");
        let listed: Vec<(&str, bool)> = entries
            .iter()
            .map(|e| (e.path.as_str(), e.unmerged))
            .collect();
        assert_eq!(listed, vec![("a.md", true), ("b.md", false)]);
        let changed = changed_files(&top, &Change::Staged, &[]).expect("changed");
        assert_eq!(changed.unmerged, vec!["a.md".to_owned()]);
        let pages: Vec<&str> = changed.pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(pages, vec!["b.md"]);
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
        let blobs = read_blobs(d, &[by["added.md"].new_blob.as_str()]).expect("blobs");
        assert_eq!(blobs[0].as_deref(), Some(&b"x\n"[..]));
    }
}
