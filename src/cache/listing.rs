//! The file list of a walk, kept between runs: reading the handbook's 1,300
//! folders is most of what a pre-commit run over three pages costs, and
//! their stamps say whether any of them changed. [`walk`] is the one walk
//! that keeps its answer: the tree's index and the pages a run lints.
//!
//! A folder's times change whenever an entry is added to it, removed or
//! renamed, so the list a walk gave still holds while every folder it read
//! keeps its stamp. What the walk left out is steered by ignore files: those
//! inside the walked folders (edited in place without touching their
//! folder), those of every folder above (`.gitignore`, `.ignore`, and
//! `.git/info/exclude`, which the walk reads up to `/`), and git's global
//! excludes file. Their stamps, or their absence, are kept too.
//!
//! A stamp is trusted only when the walk began [`super::stamp::RACY_NS`]
//! after it. A walk that meets a symbolic link or a nested `.git` is not
//! kept: what they list depends on more than their folder.

use super::stamp::{Stamp, now_ns};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped whenever the layout of the listing file changes.
const FORMAT: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Listing {
    format: u32,
    fingerprint: u64,
    /// When the walk began (ns since the epoch).
    started: i64,
    /// The root, canonical.
    root: PathBuf,
    /// The folders the walk started from, as given.
    starts: Vec<PathBuf>,
    /// Every folder the walk read, and the walked folders that were
    /// missing: absolute path → stamp (`None` when missing).
    dirs: Vec<(PathBuf, Option<Stamp>)>,
    /// Every ignore file that may steer the walk: absolute path → stamp
    /// (`None` when there was none).
    steering: Vec<(PathBuf, Option<Stamp>)>,
    /// The `.git` entry of every folder above: absolute path → what it is
    /// (see [`git_state`]).
    gits: Vec<(PathBuf, Option<Stamp>)>,
    /// git's global excludes file, with its stamp.
    global: Option<(PathBuf, Option<Stamp>)>,
    /// The walk's answer: root-relative paths of the files, in walk order.
    files: Vec<String>,
}

/// The stamp of whatever is at `path` now, not following a last symbolic link.
fn stamp_of(path: &Path) -> Option<Stamp> {
    Stamp::of_any(&std::fs::symlink_metadata(path).ok()?)
}

/// `path` with its stamp now (`None`: nothing there), as the listing keeps it.
fn stamped(path: PathBuf) -> (PathBuf, Option<Stamp>) {
    let stamp = stamp_of(&path);
    (path, stamp)
}

/// The names of the ignore files a walk reads in each folder.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

impl Listing {
    /// A listing to fill by a walk from `root` (canonical) that begins now.
    fn begin(root: &Path, starts: &[PathBuf], fingerprint: u64) -> Listing {
        Listing {
            format: FORMAT,
            fingerprint,
            started: i64::try_from(now_ns()).unwrap_or(0),
            root: root.to_path_buf(),
            starts: starts.to_vec(),
            ..Listing::default()
        }
    }

    /// The listing kept in `file`, if it was walked from `starts` under
    /// `root` and `fingerprint`, and nothing it read has changed since.
    fn load(file: &Path, fingerprint: u64, root: &Path, starts: &[PathBuf]) -> Option<Listing> {
        let bytes = std::fs::read(file).ok()?;
        let listing: Listing = postcard::from_bytes(&bytes).ok()?;
        let holds = listing.format == FORMAT
            && listing.fingerprint == fingerprint
            && listing.root == root
            && listing.starts == starts
            && listing.is_current();
        holds.then_some(listing)
    }

    /// Whether every stamp the listing holds is the one on disk now, and
    /// had settled when the walk began.
    fn is_current(&self) -> bool {
        let started = i128::from(self.started);
        let same = |(path, kept): &(PathBuf, Option<Stamp>)| {
            let now = stamp_of(path);
            now == *kept && now.is_none_or(|s| s.settled_before(started))
        };
        // One `statx` per folder (about 1,350 on the handbook): on every core.
        crate::parallel::par_map(&self.dirs, same)
            .into_iter()
            .all(|b| b)
            && self.steering.iter().all(same)
            && self
                .gits
                .iter()
                .all(|(path, kept)| git_state(path) == *kept)
            && self.global.as_ref().is_none_or(same)
            && self.global.as_ref().map(|(p, _)| p) == global_excludes_path().as_ref()
    }

    /// Note a folder to walk that is not walked: missing, not a folder, or
    /// a link out of the root.
    fn unwalked(&mut self, dir: &Path) {
        self.dirs.push(stamped(dir.to_path_buf()));
    }

    /// Note an entry the walk met (a folder is met before it is read), and
    /// a folder's ignore files (hidden ones too: a walk that skips hidden
    /// entries still reads them); `false` when the listing cannot be kept:
    /// a symbolic link (what it lists depends on its target), a nested
    /// `.git`, or unreadable metadata.
    fn note(&mut self, entry: &ignore::DirEntry) -> bool {
        let Some(kind) = entry.file_type() else {
            return false;
        };
        if kind.is_symlink() || entry.file_name() == ".git" {
            return false;
        }
        if !kind.is_dir() {
            return true;
        }
        let dir = entry.path();
        let Ok(meta) = entry.metadata() else {
            return false;
        };
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            return false;
        }
        self.dirs.push((dir.to_path_buf(), Stamp::of_any(&meta)));
        // One that is missing is covered by the folder's stamp: creating it
        // changes the folder.
        for name in IGNORE_FILES {
            let found = stamped(dir.join(name));
            if found.1.is_some() {
                self.steering.push(found);
            }
        }
        true
    }

    /// Note the ignore files of every folder above a walked folder, and
    /// how each folder's `.git` leads to its excludes file; a folder above
    /// two walked folders is noted once.
    fn above(&mut self, walked: &Path) {
        for dir in walked.ancestors().skip(1) {
            let git = dir.join(".git");
            // Noted for an earlier walked folder, with every folder above.
            if self.gits.iter().any(|(noted, _)| *noted == git) {
                break;
            }
            for name in IGNORE_FILES {
                self.steering.push(stamped(dir.join(name)));
            }
            let state = git_state(&git);
            if let Some(exclude) = exclude_file(&git) {
                self.steering.push(stamped(exclude));
            }
            self.gits.push((git, state));
        }
    }

    /// Close the listing with the walk's files and git's global excludes file.
    fn finish(mut self, files: &[String]) -> Listing {
        self.global = global_excludes_path().map(stamped);
        self.files = files.to_vec();
        self
    }

    /// Keep the listing in `file`; a cache that cannot be written is skipped.
    fn save(&self, file: &Path) {
        if let Ok(bytes) = postcard::to_stdvec(self) {
            let _ = crate::cache::write_replacing(file, &bytes);
        }
    }
}

/// The files under the folders `starts`, as `each` names the entries of a
/// walk `build` makes from each folder: the answer of the last walk while
/// nothing it read has changed, else a walk, whose answer is kept in `kept`
/// (the listing file and its fingerprint; `None`: nothing is kept).
/// `walkable` gives the canonical folder a start leads to, `None` to skip
/// it (missing, or out of bounds); `root` is canonical.
pub(crate) fn walk(
    kept: Option<(PathBuf, u64)>,
    root: &Path,
    starts: &[PathBuf],
    walkable: impl Fn(&Path) -> Option<PathBuf>,
    build: impl Fn(&Path) -> ignore::WalkBuilder,
    mut each: impl FnMut(&ignore::DirEntry) -> Option<String>,
) -> Vec<String> {
    if let Some((file, fingerprint)) = &kept
        && let Some(listing) = Listing::load(file, *fingerprint, root, starts)
    {
        return listing.files;
    }
    let mut listing = Listing::begin(root, starts, kept.as_ref().map_or(0, |k| k.1));
    let mut keep = kept.is_some();
    let mut out = Vec::new();
    for start in starts {
        let Some(real) = walkable(start) else {
            listing.unwalked(start);
            continue;
        };
        listing.above(&real);
        for entry in build(start).build().flatten() {
            if keep {
                keep = listing.note(&entry);
            }
            out.extend(each(&entry));
        }
    }
    if let Some((file, _)) = kept
        && keep
    {
        listing.finish(&out).save(&file);
    }
    out
}

/// git's global excludes file as the walk finds it (from git's global
/// configuration files, read anew each time).
fn global_excludes_path() -> Option<PathBuf> {
    ignore::gitignore::gitconfig_excludes_path()
}

/// What a `.git` entry is: a folder (the same however often git writes
/// into it: its own times change with every `git add`), a file with its
/// stamp (a linked work tree's pointer), or nothing.
fn git_state(git: &Path) -> Option<Stamp> {
    let meta = std::fs::symlink_metadata(git).ok()?;
    match meta.is_dir() {
        true => Some(Stamp::default()),
        false => Stamp::of_any(&meta),
    }
}

/// The `info/exclude` file of the repository a `.git` entry leads to: in
/// the folder itself, or (a linked work tree's `.git` file, `gitdir: X`) in
/// the common folder `X/commondir` names.
fn exclude_file(git: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(git).ok()?;
    if meta.is_dir() {
        return Some(git.join("info/exclude"));
    }
    let text = std::fs::read_to_string(git).ok()?;
    let gitdir = PathBuf::from(text.lines().next()?.strip_prefix("gitdir: ")?);
    let gitdir = match gitdir.is_absolute() {
        true => gitdir,
        false => git.parent()?.join(gitdir),
    };
    let common = std::fs::read_to_string(gitdir.join("commondir")).ok()?;
    let common = PathBuf::from(common.lines().next()?);
    let common = match common.is_absolute() {
        true => common,
        false => gitdir.join(common),
    };
    Some(common.join("info/exclude"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A listing of `root`'s folder `content` as a walk that began at
    /// `started` (ns) keeps it.
    fn listing(root: &Path, started: i128) -> Listing {
        let mut l = Listing::begin(root, &[root.join("content")], 7);
        l.started = i64::try_from(started).expect("time");
        let content = root.join("content");
        l.above(&content);
        for entry in ignore::WalkBuilder::new(&content).hidden(false).build() {
            assert!(l.note(&entry.expect("entry")), "kept");
        }
        l.unwalked(&root.join("static"));
        l.finish(&["content/a/x.md".to_owned()])
    }

    fn tree() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("content/a")).expect("mkdir");
        std::fs::write(root.join("content/a/x.md"), "x").expect("write");
        std::fs::write(root.join("content/.gitignore"), "*.tmp\n").expect("write");
        let root = std::fs::canonicalize(root).expect("canonical");
        (dir, root)
    }

    /// Whether the listing kept as of a walk `started` holds after `change`.
    fn holds_after(change: impl FnOnce(&Path)) -> bool {
        let (dir, root) = tree();
        let file = dir.path().join("listing");
        listing(&root, now_ns() + 10_000_000_000).save(&file);
        assert!(
            Listing::load(&file, 7, &root, &[root.join("content")]).is_some(),
            "holds before"
        );
        change(&root);
        Listing::load(&file, 7, &root, &[root.join("content")]).is_some()
    }

    /// Write `text` to `rel` under `dir`.
    fn put(dir: &Path, rel: &str, text: &str) {
        std::fs::write(dir.join(rel), text).expect("write");
    }

    #[test]
    fn holds_while_nothing_it_read_changes() {
        assert!(holds_after(|_| {}));
        // A page edited in place changes no folder: the list still holds.
        assert!(holds_after(|r| put(r, "content/a/x.md", "y")));
    }

    #[test]
    fn a_file_added_removed_or_renamed_in_a_read_folder_voids_it() {
        assert!(!holds_after(|r| put(r, "content/a/new.md", "n")));
        assert!(!holds_after(|r| std::fs::remove_file(
            r.join("content/a/x.md")
        )
        .expect("remove")));
        assert!(!holds_after(|r| std::fs::rename(
            r.join("content/a/x.md"),
            r.join("content/a/y.md")
        )
        .expect("rename")));
        assert!(!holds_after(
            |r| std::fs::create_dir(r.join("content/b")).expect("mkdir")
        ));
    }

    #[test]
    fn an_ignore_file_edited_or_added_above_voids_it() {
        assert!(!holds_after(|r| put(r, "content/.gitignore", "*.md\n")));
        // Above the walked folder: the root, and a folder above the root.
        assert!(!holds_after(|r| put(r, ".gitignore", "a/\n")));
        assert!(!holds_after(|r| put(
            r.parent().expect("parent"),
            ".ignore",
            "a/\n"
        )));
        assert!(!holds_after(|r| {
            std::fs::create_dir_all(r.join(".git/info")).expect("mkdir");
            put(r, ".git/info/exclude", "a/\n");
        }));
        // A walked folder that was missing and now exists.
        assert!(!holds_after(
            |r| std::fs::create_dir(r.join("static")).expect("mkdir")
        ));
    }

    #[test]
    fn a_racy_or_foreign_listing_is_not_trusted() {
        let (dir, root) = tree();
        let file = dir.path().join("listing");
        // Walked while the folders were being written: not trusted.
        listing(&root, now_ns()).save(&file);
        assert!(Listing::load(&file, 7, &root, &[root.join("content")]).is_none());
        listing(&root, now_ns() + 10_000_000_000).save(&file);
        assert!(
            Listing::load(&file, 8, &root, &[root.join("content")]).is_none(),
            "another generation"
        );
        assert!(
            Listing::load(&file, 7, &root.join("content"), &[root.join("content")]).is_none(),
            "another root"
        );
        assert!(
            Listing::load(&file, 7, &root, &[root.join("content/a")]).is_none(),
            "another start"
        );
        std::fs::write(&file, b"\x01\x02damaged").expect("write");
        assert!(
            Listing::load(&file, 7, &root, &[root.join("content")]).is_none(),
            "damaged"
        );
    }

    #[test]
    fn a_walk_that_meets_a_nested_repository_or_a_link_is_not_kept() {
        for hidden in [false, true] {
            let (_dir, root) = tree();
            std::fs::create_dir_all(root.join("content/a/.git")).expect("mkdir");
            let content = root.join("content");
            let mut l = Listing::begin(&root, std::slice::from_ref(&content), 7);
            let kept = ignore::WalkBuilder::new(&content)
                .hidden(hidden)
                .build()
                .flatten()
                .all(|e| l.note(&e));
            assert!(!kept, "nested .git, hidden {hidden}");
        }
        let (_dir, root) = tree();
        std::os::unix::fs::symlink(root.join("content/a/x.md"), root.join("content/y.md"))
            .expect("symlink");
        let content = root.join("content");
        let mut l = Listing::begin(&root, std::slice::from_ref(&content), 7);
        let kept = ignore::WalkBuilder::new(&content)
            .build()
            .flatten()
            .all(|e| l.note(&e));
        assert!(!kept, "a symbolic link");
    }

    #[test]
    fn a_linked_work_tree_leads_to_the_common_excludes_file() {
        let dir = tempfile::tempdir().expect("dir");
        let common = dir.path().join("main/.git");
        let linked = common.join("worktrees/w");
        std::fs::create_dir_all(&linked).expect("mkdir");
        std::fs::write(linked.join("commondir"), "../..\n").expect("write");
        let tree = dir.path().join("w");
        std::fs::create_dir_all(&tree).expect("mkdir");
        std::fs::write(tree.join(".git"), format!("gitdir: {}\n", linked.display()))
            .expect("write");
        let found = exclude_file(&tree.join(".git")).expect("found");
        assert_eq!(found, linked.join("../..").join("info/exclude"));
        assert_eq!(
            exclude_file(&common),
            Some(common.join("info/exclude")),
            "a plain .git folder"
        );
    }
}
