//! The tree a change commits, where it differs from the work tree: a
//! `--staged` run judges links against the index and a `--changed-since`
//! run against `HEAD`, so an untracked page does not make a link good, and
//! an unstaged edit does not make one broken.

use super::Workspace;
use crate::git::Change;
use crate::spelling::FastHash;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

/// The judged tree's files (root-relative paths), checked against the
/// work tree only where the run looks: a file's bytes when they are read.
#[derive(Debug, Default)]
pub struct CommittedTree {
    /// The git top level, where the blobs are read.
    top: PathBuf,
    /// The files of the judged tree, with their blob ids (none for a
    /// symbolic link or an unmerged path: the work tree's stands).
    files: HashMap<String, Option<String>, FastHash>,
    /// The judged tree, as the help of a broken link names it.
    missing_from: String,
    /// The blobs read from git so far (files the work tree has otherwise).
    read: Mutex<HashMap<String, Option<Arc<Vec<u8>>>>>,
    /// The work tree's files that a walk lists and the judged tree lacks,
    /// sorted (known once [`CommittedTree::apply`] has run).
    untracked: OnceLock<Vec<String>>,
}

/// What the judged tree has at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum InTree {
    /// What the work tree has.
    AsOnDisk,
    /// Nothing.
    Absent,
    /// These bytes (`None`: git could not read them).
    Bytes(Option<Arc<Vec<u8>>>),
}

impl CommittedTree {
    /// The judged tree of the work tree at `top`, from its `files` (paths
    /// relative to `top`, see [`crate::git::judged_files`]), for a workspace
    /// rooted at `root` (inside `top`): files outside the root are dropped.
    pub fn new(
        top: &Path,
        root: &Path,
        change: &Change,
        files: Vec<(String, Option<String>)>,
    ) -> CommittedTree {
        let below = canonical(root)
            .strip_prefix(canonical(top))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let mut kept = HashMap::with_capacity_and_hasher(files.len(), FastHash::default());
        kept.extend(files.into_iter().filter_map(|(path, id)| {
            if below.is_empty() {
                return Some((path, id));
            }
            let rel = path.strip_prefix(below.as_str())?.strip_prefix('/')?;
            Some((rel.to_owned(), id))
        }));
        let missing_from = match change {
            Change::Staged => "the index (stage it with `git add`)",
            Change::Since(_) => "`HEAD` (commit it)",
        };
        CommittedTree {
            top: top.to_path_buf(),
            files: kept,
            missing_from: missing_from.to_owned(),
            read: Mutex::default(),
            untracked: OnceLock::new(),
        }
    }

    /// The work tree's files that the judged tree lacks (those a walk listed).
    pub(super) fn absent(&self) -> impl Iterator<Item = &str> {
        self.untracked
            .get()
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// What the judged tree is, for a broken link's help.
    pub(super) fn missing_from(&self) -> &str {
        &self.missing_from
    }

    /// The blob id the judged tree has at `rel`: `None` when it has no such
    /// file, `Some(None)` when the work tree's file stands (a symbolic link,
    /// an unmerged path).
    pub(super) fn blob(&self, rel: &str) -> Option<Option<&str>> {
        self.files.get(rel).map(Option::as_deref)
    }

    /// A blob id of the repository's hash (SHA-1 unless its ids say
    /// SHA-256), for [`crate::git::blob_id`].
    pub(super) fn like(&self) -> &str {
        self.files
            .values()
            .flatten()
            .next()
            .map_or(SHA1_LIKE, String::as_str)
    }

    /// The bytes the judged tree has at `rel`, `disk` being its path in the
    /// work tree: the work tree's when they are the same blob (read once,
    /// hashed), else the blob read from git. A file over `max_bytes` on
    /// disk is left to the caller's own read (and limits).
    pub(super) fn at(&self, rel: &str, disk: &Path, max_bytes: u64) -> InTree {
        let Some(id) = self.files.get(rel) else {
            return InTree::Absent;
        };
        let Some(id) = id else {
            return InTree::AsOnDisk;
        };
        if let Some(bytes) = self.read.lock().ok().and_then(|r| r.get(rel).cloned()) {
            return InTree::Bytes(bytes);
        }
        match std::fs::symlink_metadata(disk) {
            Ok(meta) if meta.is_file() && meta.len() > max_bytes => return InTree::AsOnDisk,
            Ok(meta) if meta.is_file() => {
                if let Ok(bytes) = std::fs::read(disk)
                    && crate::git::blob_id(&bytes, id) == *id
                {
                    return InTree::Bytes(Some(Arc::new(bytes)));
                }
            }
            _ => {}
        }
        InTree::Bytes(self.ask_git(rel, id))
    }

    /// The blob `id` at `rel`, read from git once (`None`: git could not).
    pub(super) fn read_from_git(&self, rel: &str, id: &str) -> Option<Arc<Vec<u8>>> {
        if let Some(bytes) = self.read.lock().ok().and_then(|r| r.get(rel).cloned()) {
            return bytes;
        }
        self.ask_git(rel, id)
    }

    /// [`CommittedTree::read_from_git`] once its bytes are known not to be kept.
    fn ask_git(&self, rel: &str, id: &str) -> Option<Arc<Vec<u8>>> {
        let bytes = crate::git::read_blobs(&self.top, &[id])
            .ok()
            .and_then(|mut blobs| blobs.pop().flatten())
            .map(Arc::new);
        if let Ok(mut read) = self.read.lock() {
            read.insert(rel.to_owned(), bytes.clone());
        }
        bytes
    }

    /// Apply to a walk of the work tree (root-relative paths): the files the
    /// judged tree lacks go (and are kept for [`CommittedTree::absent`]), and
    /// its files that the work tree has deleted come back when `keep` says a
    /// walk would have listed them.
    pub(super) fn apply(&self, paths: &mut Vec<String>, keep: impl Fn(&str) -> bool) {
        let (kept, mut gone): (Vec<String>, Vec<String>) = std::mem::take(paths)
            .into_iter()
            .partition(|p| self.files.contains_key(p));
        *paths = kept;
        gone.sort_unstable();
        let _ = self.untracked.set(gone);
        let listed: HashSet<&str, FastHash> = paths.iter().map(String::as_str).collect();
        let mut back: Vec<String> = self
            .files
            .iter()
            .filter(|(p, id)| id.is_some() && !listed.contains(p.as_str()) && keep(p))
            .map(|(p, _)| p.clone())
            .collect();
        paths.append(&mut back);
    }
}

/// What [`CommittedTree::like`] says of a repository with no blob: SHA-1.
const SHA1_LIKE: &str = "0000000000000000000000000000000000000000";

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The judged tree of a run, found by git on a thread of its own while the
/// run walks the work tree: taken once, by the first that needs it.
#[derive(Debug, Default)]
pub(super) struct Pending {
    thread: Mutex<Option<JoinHandle<Result<CommittedTree, String>>>>,
    found: OnceLock<Result<Option<Arc<CommittedTree>>, String>>,
}

impl Pending {
    fn get(&self) -> &Result<Option<Arc<CommittedTree>>, String> {
        self.found.get_or_init(|| {
            let thread = self.thread.lock().ok().and_then(|mut t| t.take());
            match thread {
                None => Ok(None),
                Some(thread) => match thread.join() {
                    Ok(found) => found.map(|tree| Some(Arc::new(tree))),
                    Err(_) => Err("the thread reading the work tree's changes failed".into()),
                },
            }
        })
    }
}

impl Workspace {
    /// Judge links against the tree `find` gives (run now on a thread of
    /// its own) instead of the work tree as it is.
    pub fn judge_committed_tree(
        &mut self,
        find: impl FnOnce() -> Result<CommittedTree, String> + Send + 'static,
    ) {
        self.committed = Pending {
            thread: Mutex::new(Some(std::thread::spawn(find))),
            found: OnceLock::new(),
        };
    }

    /// Why the judged tree could not be read, if it could not (the run
    /// then stops: its links would be judged against the wrong tree).
    pub fn committed_tree_error(&self) -> Option<String> {
        self.committed.get().as_ref().err().cloned()
    }

    /// The judged tree where it differs from the work tree, if the run has one.
    pub(super) fn committed(&self) -> Option<&CommittedTree> {
        self.committed.get().as_ref().ok()?.as_deref()
    }

    /// The id git gives `bytes` as a blob, in the judged tree's hash
    /// (SHA-1 when the run judges none).
    pub(super) fn blob_id(&self, bytes: &[u8]) -> String {
        let like = self.committed().map_or(SHA1_LIKE, CommittedTree::like);
        crate::git::blob_id(bytes, like)
    }

    /// What the judged tree has at `rel`.
    pub(super) fn in_tree(&self, rel: &str) -> InTree {
        match self.committed() {
            None => InTree::AsOnDisk,
            Some(tree) => tree.at(rel, &self.root.join(rel), self.limits.file_size as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of `files` (path, bytes) at `top`, their blob ids those of the
    /// bytes given, as if read from git.
    fn tree(top: &Path, files: &[(&str, &[u8])]) -> CommittedTree {
        let id = |b: &[u8]| crate::git::blob_id(b, &"0".repeat(40));
        CommittedTree {
            top: top.to_path_buf(),
            files: files
                .iter()
                .map(|(p, b)| ((*p).to_owned(), Some(id(b))))
                .collect(),
            missing_from: "the index".into(),
            read: Mutex::new(
                files
                    .iter()
                    .map(|(p, b)| (format!("{p} (git)"), Some(Arc::new(b.to_vec()))))
                    .collect(),
            ),
            untracked: OnceLock::new(),
        }
    }

    #[test]
    fn a_walk_loses_the_untracked_and_regains_the_deleted_it_would_list() {
        let t = tree(
            Path::new("/nonexistent"),
            &[
                ("content/gone.md", b"g"),
                ("content/kept.md", b"k"),
                ("other/x.md", b"x"),
            ],
        );
        let mut paths: Vec<String> = ["content/kept.md", "content/new.md"]
            .map(String::from)
            .into();
        t.apply(&mut paths, |p| p.starts_with("content/"));
        paths.sort();
        assert_eq!(paths, vec!["content/gone.md", "content/kept.md"]);
        assert_eq!(t.absent().collect::<Vec<_>>(), vec!["content/new.md"]);
        assert!(t.blob("content/kept.md").is_some() && t.blob("content/new.md").is_none());
    }

    #[test]
    fn the_bytes_are_the_work_trees_when_the_same_blob_else_gits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("same.md"), "same\n").expect("write");
        std::fs::write(d.join("edited.md"), "edited on disk\n").expect("write");
        let t = tree(d, &[("same.md", b"same\n"), ("edited.md", b"committed\n")]);
        assert_eq!(
            t.at("same.md", &d.join("same.md"), 1 << 20),
            InTree::Bytes(Some(Arc::new(b"same\n".to_vec())))
        );
        // Not the disk's; git (here, no repository) cannot read the blob.
        assert_eq!(
            t.at("edited.md", &d.join("edited.md"), 1 << 20),
            InTree::Bytes(None)
        );
        assert_eq!(t.at("new.md", &d.join("new.md"), 1 << 20), InTree::Absent);
        assert_eq!(
            t.at("same.md", &d.join("same.md"), 2),
            InTree::AsOnDisk,
            "over the size limit: the caller's read refuses it"
        );
    }

    #[test]
    fn paths_outside_the_root_are_dropped_and_the_rest_made_root_relative() {
        let dir = tempfile::tempdir().expect("tempdir");
        let top = dir.path();
        std::fs::create_dir_all(top.join("site")).expect("mkdir");
        let files = vec![
            ("site/content/a.md".to_owned(), None),
            ("elsewhere/b.md".to_owned(), None),
        ];
        let t = CommittedTree::new(top, &top.join("site"), &Change::Staged, files);
        assert_eq!(t.blob("content/a.md"), Some(None));
        assert_eq!(t.blob("elsewhere/b.md"), None);
    }

    #[test]
    fn a_workspace_without_a_judged_tree_reads_the_work_tree() {
        let w = Workspace::new(Path::new("/r"), super::super::Links::default());
        assert_eq!(w.in_tree("content/a.md"), InTree::AsOnDisk);
        assert_eq!(w.committed_tree_error(), None);
    }

    #[test]
    fn a_failed_git_question_is_an_error_of_the_run() {
        let mut w = Workspace::new(Path::new("/r"), super::super::Links::default());
        w.judge_committed_tree(|| Err("git ls-files: not a repository".into()));
        assert_eq!(w.in_tree("content/a.md"), InTree::AsOnDisk);
        assert_eq!(
            w.committed_tree_error().as_deref(),
            Some("git ls-files: not a repository")
        );
    }
}
