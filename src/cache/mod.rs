//! The content-hash cache: what a page's check found, kept between runs.
//!
//! Per page, keyed by a hash of its bytes and a fingerprint of everything
//! else that can change the result (hblint's build, the settings, the word
//! lists and role data), an [`Entry`] keeps the page's anchors (for links
//! from other pages) and, once the page has been checked, its findings and
//! the questions about the rest of the tree those findings depended on
//! ([`deps`]). A run re-parses only the pages whose entry is missing or whose
//! questions get a different answer now.
//!
//! Files live under `.hblint-cache/` at the root, or `hblint/cache` in the
//! git folder when the root is in a git work tree, in one folder per
//! fingerprint; opening the cache removes the folders of other fingerprints. Each entry is written to a
//! fresh temporary file and renamed into place, so two runs sharing a cache
//! never see half a file (and `main` waits for a write in flight before the
//! process ends, see [`close_writes`]); an entry that cannot be read, does not parse, or
//! belongs to another page, build or settings is ignored and rewritten.

pub mod deps;
pub(crate) mod listing;
pub(crate) mod stamp;

use crate::finding::{Applicability, Finding, Fix, Placement, Position, Severity};
use crate::links::anchors::AnchorSet;
use crate::rules::RuleName;
use deps::Dep;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Bumped whenever the layout of [`Entry`] changes.
const FORMAT: u32 = 4;

/// The folder name under the root when there is no git folder.
pub const DIR_NAME: &str = ".hblint-cache";

/// A fast 128-bit hash of a page's bytes, in hex.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// A fast 64-bit hash of any text.
pub fn hash_str(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// The cache folder for `root`: `hblint/cache` in its git folder when it is
/// in a git work tree, else `.hblint-cache` at the root.
pub fn default_dir(root: &Path) -> PathBuf {
    crate::git::cache_dir(root).unwrap_or_else(|_| root.join(DIR_NAME))
}

/// A page's anchors as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Anchors {
    pub list: Vec<String>,
    pub complete: bool,
}

impl Anchors {
    pub fn of(set: &AnchorSet) -> Anchors {
        Anchors {
            list: set.list.clone(),
            complete: set.complete,
        }
    }

    pub fn to_set(&self) -> AnchorSet {
        AnchorSet::new(self.list.clone(), self.complete)
    }
}

/// A finding as stored: the rule by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFinding {
    rule: String,
    severity: Severity,
    range: std::ops::Range<usize>,
    start: Position,
    end: Position,
    message: String,
    help: Option<String>,
    /// The replacement, its range, whether `--fix` applies it and where it stands.
    fix: Option<(String, std::ops::Range<usize>, bool, Placement)>,
}

impl StoredFinding {
    pub fn of(f: &Finding) -> StoredFinding {
        StoredFinding {
            rule: f.rule.to_owned(),
            severity: f.severity,
            range: f.range.clone(),
            start: f.start,
            end: f.end,
            message: f.message.clone(),
            help: f.help.clone(),
            fix: f.fix.as_ref().map(|x| {
                (
                    x.replacement.clone(),
                    x.range.clone(),
                    x.applicability == Applicability::Safe,
                    x.placement,
                )
            }),
        }
    }

    /// The finding of page `path`; `None` for a rule this build does not know.
    pub fn to_finding(&self, path: &str) -> Option<Finding> {
        let rule = self.rule.parse::<RuleName>().ok()?.as_str();
        Some(Finding {
            rule,
            severity: self.severity,
            path: path.to_owned(),
            range: self.range.clone(),
            start: self.start,
            end: self.end,
            message: self.message.clone(),
            help: self.help.clone(),
            fix: self
                .fix
                .as_ref()
                .map(|(replacement, range, safe, placement)| Fix {
                    replacement: replacement.clone(),
                    range: range.clone(),
                    applicability: if *safe {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    },
                    placement: *placement,
                }),
        })
    }
}

/// What checking the page found, valid for runs with the same `run` key
/// while every one of `deps` gets the same answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checked {
    /// Digest of the rules that ran and the run's facts the rules read.
    pub run: u64,
    pub findings: Vec<StoredFinding>,
    /// Findings hidden by suppressions.
    pub hidden: usize,
    /// `(table, rule)` of each `[[ignore]]` table that hid a finding.
    pub ignored_by: Vec<(usize, String)>,
    pub deps: Vec<Dep>,
    /// The tree's link-target digest when it was checked: suggestions for
    /// broken links hold while it is the same.
    pub targets: u64,
    /// The key of the tree's word counts when it was checked (see
    /// `RunData::word_counts_key`): the answers about words hold while it is
    /// the same.
    pub words: Option<u64>,
    /// The tree's links digest when it was checked (see
    /// `Workspace::links_digest`): the resolutions of links hold while it
    /// is the same.
    pub links: Option<u64>,
}

/// One page's cache entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    format: u32,
    fingerprint: u64,
    pub path: String,
    pub hash: String,
    pub anchors: Anchors,
    pub checked: Option<Checked>,
}

/// An open cache (or none: every lookup misses, nothing is written).
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
    fingerprint: u64,
    /// The entry files this run read or wrote (see [`Cache::sweep`]).
    used: Arc<Mutex<HashSet<PathBuf>>>,
}

/// How long after a sweep the next may run.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

impl Cache {
    /// No cache: `--no-cache`.
    pub fn disabled() -> Cache {
        Cache {
            dir: None,
            fingerprint: 0,
            used: Arc::default(),
        }
    }

    /// The cache in `dir` for results under `fingerprint` (see [`fingerprint`]).
    pub fn open(dir: PathBuf, fingerprint: u64) -> Cache {
        Cache {
            dir: Some(dir),
            fingerprint,
            used: Arc::default(),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.dir.is_some()
    }

    /// Where the tree's word counts are kept (see `spelling::word_cache`),
    /// with the fingerprint they are valid under.
    pub fn words_file(&self) -> Option<(PathBuf, u64)> {
        Some((self.dir.as_ref()?.join("words"), self.fingerprint))
    }

    /// Where the tree's file stamps are kept (see `workspace::stamps`), with
    /// the fingerprint they are valid under: in this generation's folder.
    pub fn stamps_file(&self) -> Option<(PathBuf, u64)> {
        Some((self.pages_dir()?.join("stamps"), self.fingerprint))
    }

    /// Where the file list of a walk is kept (see [`listing`]), with the
    /// fingerprint it is valid under: `name` in this generation's folder.
    pub fn listing_file(&self, name: &str) -> Option<(PathBuf, u64)> {
        Some((self.pages_dir()?.join(name), self.fingerprint))
    }

    fn entry_path(&self, path: &str, hash: &str) -> Option<PathBuf> {
        let key =
            xxhash_rust::xxh3::xxh3_128(format!("{}\0{path}\0{hash}", self.fingerprint).as_bytes());
        let key = format!("{key:032x}");
        Some(self.pages_dir()?.join(&key[..2]).join(&key[2..]))
    }

    /// The folder of this fingerprint's entries: one generation of the
    /// cache (a build of hblint with one set of settings).
    fn pages_dir(&self) -> Option<PathBuf> {
        Some(
            self.dir
                .as_ref()?
                .join(format!("pages-{:016x}", self.fingerprint)),
        )
    }

    /// Remove the entries of other generations (another build or other
    /// settings), so that the folder does not grow with every upgrade. A run
    /// under other settings that shares the folder loses only time. Called
    /// once per run, when the run opens the cache.
    pub fn forget_other_generations(&self) {
        let (Some(dir), Some(mine)) = (&self.dir, self.pages_dir()) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let generation = name == "pages" || name.starts_with("pages-");
            if generation && entry.path() != mine {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    /// The entry of `path` with content `hash`, if one was stored under this
    /// fingerprint and reads back whole.
    pub fn load(&self, path: &str, hash: &str) -> Option<Entry> {
        let file = self.entry_path(path, hash)?;
        let bytes = std::fs::read(&file).ok()?;
        let entry: Entry = postcard::from_bytes(&bytes).ok()?;
        let valid = entry.format == FORMAT
            && entry.fingerprint == self.fingerprint
            && entry.path == path
            && entry.hash == hash;
        valid.then(|| {
            self.mark_used(file);
            entry
        })
    }

    fn mark_used(&self, file: PathBuf) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(file);
        }
    }

    /// Remove the entries this run neither read nor wrote: the pages' older
    /// contents, and pages gone from the tree. Only a run that read every
    /// page of the tree may call it; it runs at most once a day (a file
    /// `swept` keeps the time), and spares entries written in the last day,
    /// which another run sharing the cache may have written.
    pub fn sweep(&self) {
        let Some(dir) = self.pages_dir() else {
            return;
        };
        let marker = dir.join("swept");
        let age = |p: &Path| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
        };
        if age(&marker).is_some_and(|a| a < SWEEP_EVERY) {
            return;
        }
        let Ok(used) = self.used.lock() else {
            return;
        };
        for sub in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            // Entries live two levels down: `pages-FP/ab/cdef…`.
            if !sub.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            for entry in std::fs::read_dir(sub.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = entry.path();
                if !used.contains(&path) && age(&path).is_some_and(|a| a >= SWEEP_EVERY) {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        let _ = write_replacing(&marker, b"");
    }

    /// A new entry for `path` with content `hash`.
    pub fn entry(&self, path: &str, hash: &str, anchors: Anchors) -> Entry {
        Entry {
            format: FORMAT,
            fingerprint: self.fingerprint,
            path: path.to_owned(),
            hash: hash.to_owned(),
            anchors,
            checked: None,
        }
    }

    /// Store an entry; a cache that cannot be written is skipped silently
    /// (it only costs time on the next run).
    pub fn store(&self, entry: &Entry) {
        let Some(file) = self.entry_path(&entry.path, &entry.hash) else {
            return;
        };
        if let Ok(bytes) = postcard::to_stdvec(entry) {
            let _ = write_replacing(&file, &bytes);
        }
        self.mark_used(file);
    }

    /// Store the anchors of a page that was parsed only for them, unless an
    /// entry for the same content is already there.
    pub fn store_anchors(&self, path: &str, hash: &str, anchors: Anchors) {
        if self.is_enabled() && self.load(path, hash).is_none() {
            self.store(&self.entry(path, hash, anchors));
        }
    }
}

/// Whether files may still be written; writes in flight hold it shared.
struct WriteGate(std::sync::RwLock<bool>);

impl WriteGate {
    /// `write()`, unless the gate is closed (then nothing, and `None`).
    fn pass<T>(&self, write: impl FnOnce() -> T) -> Option<T> {
        let open = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        open.then(write)
    }

    /// Close the gate once the writes in flight are done.
    fn close(&self) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = false;
    }
}

/// The gate of every cache file: a thread that counts the tree's words in
/// the background may outlive the run's work, and the process must not end
/// in the middle of its write.
static WRITES: WriteGate = WriteGate(std::sync::RwLock::new(true));

/// `write()`, unless the process is ending ([`close_writes`]): the cache
/// files and the tree's stored word counts are written through it.
pub(crate) fn while_open<T>(write: impl FnOnce() -> T) -> Option<T> {
    WRITES.pass(write)
}

/// Wait for the cache writes in flight and refuse later ones: called by
/// `main` before the process ends, whatever threads are still at work.
pub fn close_writes() {
    WRITES.close();
}

/// Write a file through a fresh temporary file in the same folder, renamed
/// into place: readers see the old or the new file, never a part. Nothing
/// is written once the process is ending.
pub(crate) fn write_replacing(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    while_open(|| write_replacing_now(file, bytes)).unwrap_or(Ok(()))
}

fn write_replacing_now(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".entry-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// The fingerprint of everything besides a page's bytes that can change what
/// its check finds: this build of hblint, named by a digest of its sources
/// (so that a copy of the same binary, as each CI job downloads, finds the
/// cache another job filled), and the resolved settings (which hold the word
/// lists, role data, link mounts and severities).
pub fn fingerprint(settings_digest: &str) -> u64 {
    hash_str(&format!(
        "hblint {} {FORMAT} {}\n{settings_digest}",
        env!("CARGO_PKG_VERSION"),
        env!("HBLINT_SOURCE_DIGEST"),
    ))
}

/// Remove the cache folder; `Ok(false)` when there was none.
pub fn clean(dir: &Path) -> std::io::Result<bool> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed gate refuses writes, and closing waits for the write in
    /// flight: the process never ends in the middle of a cache file.
    #[test]
    fn the_write_gate_closes_after_the_write_in_flight() {
        let gate = std::sync::Arc::new(WriteGate(std::sync::RwLock::new(true)));
        assert_eq!(gate.pass(|| 1), Some(1));
        let (started, wait) = std::sync::mpsc::channel();
        let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (gate, finished) = (gate.clone(), finished.clone());
            std::thread::spawn(move || {
                gate.pass(|| {
                    started.send(()).expect("send");
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    finished.store(true, std::sync::atomic::Ordering::SeqCst);
                })
            })
        };
        wait.recv().expect("the write started");
        gate.close();
        assert!(
            finished.load(std::sync::atomic::Ordering::SeqCst),
            "closing waited for the write"
        );
        assert_eq!(writer.join().expect("writer"), Some(()));
        assert_eq!(gate.pass(|| 2), None, "a closed gate refuses");
    }

    #[test]
    fn entries_round_trip_and_foreign_or_corrupt_files_miss() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(dir.path().to_path_buf(), 7);
        let anchors = Anchors {
            list: vec!["a".into()],
            complete: true,
        };
        let mut entry = cache.entry("content/a.md", "h1", anchors.clone());
        entry.checked = Some(Checked {
            run: 1,
            findings: Vec::new(),
            hidden: 2,
            ignored_by: Vec::new(),
            deps: vec![Dep::TotalPages { answer: 3 }],
            targets: 0,
            links: None,
            words: None,
        });
        cache.store(&entry);
        let back = cache.load("content/a.md", "h1").expect("stored");
        assert_eq!(back.anchors.list, vec!["a".to_owned()]);
        assert_eq!(back.checked.map(|c| c.hidden), Some(2));
        assert!(cache.load("content/a.md", "h2").is_none(), "other content");
        assert!(cache.load("content/b.md", "h1").is_none(), "other page");
        let other = Cache::open(dir.path().to_path_buf(), 8);
        assert!(other.load("content/a.md", "h1").is_none(), "other settings");
        // Another generation's entries go when a run of this one opens the cache.
        other.store(&other.entry("content/a.md", "h1", anchors.clone()));
        other.forget_other_generations();
        assert!(other.load("content/a.md", "h1").is_some(), "its own stay");
        assert!(
            cache.load("content/a.md", "h1").is_none(),
            "the other's are gone"
        );
        cache.store(&entry);
        // A damaged file is a miss, and is replaced by the next store.
        let file = cache.entry_path("content/a.md", "h1").expect("path");
        std::fs::write(&file, b"{not json").expect("write");
        assert!(cache.load("content/a.md", "h1").is_none());
        cache.store_anchors("content/a.md", "h1", anchors.clone());
        assert!(cache.load("content/a.md", "h1").is_some());
        // Anchors only never replace a checked entry.
        cache.store(&entry);
        cache.store_anchors("content/a.md", "h1", anchors);
        assert!(
            cache
                .load("content/a.md", "h1")
                .expect("kept")
                .checked
                .is_some()
        );
        assert!(clean(dir.path()).expect("clean"));
        assert!(!clean(dir.path()).expect("clean again"));
        assert!(Cache::disabled().load("content/a.md", "h1").is_none());
    }
}
