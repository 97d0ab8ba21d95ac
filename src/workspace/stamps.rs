//! File stamps: what a file's bytes gave when a run last read it (their
//! content hash, git blob id and the page's frontmatter), trusted while the
//! file's metadata is unchanged, so that an unchanged tree is not read
//! again; git's index and ruff's cache do the same. A run that judges the
//! index or `HEAD` finds a record by the tree's blob id instead.
//!
//! A stamp is the file's device, inode, size, and modification and
//! status-change times. Any write changes both times, and a file renamed
//! into place has another inode; the status-change time cannot be set back
//! (`touch -d` and `cp -p` change it). A write in the same clock tick as the
//! stamp was taken could leave all of them equal, so a stamp is trusted only
//! when both times lie [`crate::cache::stamp::RACY_NS`] before the run that
//! took it began: git's "racy clean" rule. Such a file is read again, and
//! stamped anew, until then.
//!
//! The stamps live in one file of the cache generation (so new settings or
//! a new build start afresh); a file that cannot be read or parsed, or
//! belongs to another generation, counts as none: every file is read.

use super::aliases::Frontmatter;
use crate::cache::Cache;
pub(super) use crate::cache::stamp::Stamp;
use crate::cache::stamp::{StampRoot, now_ns};
use crate::spelling::FastHash;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Bumped whenever the layout of the stamps file changes.
const FORMAT: u32 = 2;

/// What a file's bytes gave when they were read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Record {
    pub(super) stamp: Stamp,
    /// [`crate::cache::content_hash`] of the bytes.
    pub(super) hash: String,
    /// The page's frontmatter as [`super::aliases`] reads it.
    pub(super) frontmatter: Option<Frontmatter>,
    /// The id git gives the bytes as a blob ([`crate::git::blob_id`]): a
    /// run that judges the index or `HEAD` finds a file's record by the
    /// tree's blob id, without looking at the file.
    pub(super) blob: String,
}

#[derive(Serialize, Deserialize)]
struct StampsFile {
    format: u32,
    fingerprint: u64,
    /// When the run that wrote the file began (ns since the epoch).
    started: i64,
    records: Vec<(String, Record)>,
}

/// The stamps of one run: last run's, and the ones taken now.
#[derive(Debug, Default)]
pub(super) struct Stamps {
    file: Option<PathBuf>,
    fingerprint: u64,
    /// When this run began (ns since the epoch).
    started: i128,
    /// The stamps file as read, and when its run began.
    old: HashMap<String, Record, FastHash>,
    old_started: i128,
    /// Taken by this run.
    fresh: Mutex<HashMap<String, Record, FastHash>>,
    /// The root, for [`Stamps::lookup_in_root`].
    root: Option<StampRoot>,
}

impl Stamps {
    /// The stamps kept in `cache` (none when it is disabled) of the files
    /// under `root`.
    pub(super) fn open(cache: &Cache, root: &Path) -> Stamps {
        let started = now_ns();
        let Some((file, fingerprint)) = cache.stamps_file() else {
            return Stamps::default();
        };
        let read = std::fs::read(&file)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<StampsFile>(&bytes).ok())
            .filter(|f| f.format == FORMAT && f.fingerprint == fingerprint);
        let (old, old_started) = match read {
            Some(f) => (f.records.into_iter().collect(), i128::from(f.started)),
            None => (HashMap::default(), 0),
        };
        Stamps {
            file: Some(file),
            fingerprint,
            started,
            old,
            old_started,
            fresh: Mutex::new(HashMap::default()),
            root: Some(StampRoot::open(root)),
        }
    }

    pub(super) fn is_enabled(&self) -> bool {
        self.file.is_some()
    }

    /// What `rel`, on disk at `path`, gave when last read, if its stamp is
    /// unchanged and was taken when the file had settled.
    pub(super) fn lookup(&self, rel: &str, path: &Path) -> Option<Record> {
        if !self.is_enabled() {
            return None;
        }
        let stamp = Stamp::of(&std::fs::symlink_metadata(path).ok()?)?;
        self.known(rel, stamp)
    }

    /// [`Stamps::lookup`] of the file at `rel` under the root, stamped
    /// relative to the open root (see [`StampRoot`]).
    pub(super) fn lookup_in_root(&self, rel: &str) -> Option<Record> {
        let stamp = self.root.as_ref()?.file(rel)?;
        self.known(rel, stamp)
    }

    /// What `rel` gave when last read, if `stamp` is still its stamp and
    /// was taken when the file had settled.
    fn known(&self, rel: &str, stamp: Stamp) -> Option<Record> {
        if let Some(r) = self.fresh.lock().ok()?.get(rel)
            && r.stamp == stamp
            && stamp.settled_before(self.started)
        {
            return Some(r.clone());
        }
        self.old
            .get(rel)
            .filter(|r| r.stamp == stamp && stamp.settled_before(self.old_started))
            .cloned()
    }

    /// What `take` takes of the record `rel` gave when a run last read it
    /// as the bytes of blob `id` (without copying the rest): true whatever
    /// the file on disk is now, since the blob id names the bytes (no file
    /// is looked at, and no stamp need have settled).
    pub(super) fn with_blob<T>(
        &self,
        rel: &str,
        id: &str,
        take: impl Fn(&Record) -> T,
    ) -> Option<T> {
        if !self.is_enabled() {
            return None;
        }
        // Last run's first, without a lock: a record of the same blob says
        // the same of it, whichever run took it.
        if let Some(r) = self.old.get(rel)
            && r.blob == id
        {
            return Some(take(r));
        }
        self.fresh
            .lock()
            .ok()?
            .get(rel)
            .filter(|r| r.blob == id)
            .map(take)
    }

    /// Keep what `rel`'s bytes gave; `stamp` must be taken before they were
    /// read. A stamp last run kept but could not trust yet is kept again,
    /// under this run's start, so that it settles.
    pub(super) fn record(&self, rel: &str, record: Record) {
        let known = |old: &Record| *old == record && old.stamp.settled_before(self.old_started);
        if !self.is_enabled() || self.old.get(rel).is_some_and(known) {
            return;
        }
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.insert(rel.to_owned(), record);
        }
    }

    /// Write the stamps for the next run, when this run took new ones:
    /// last run's, except for files `exists` says are gone, and this run's.
    /// The file is dated by this run's start, so a stamp of last run's is
    /// carried over only if it had settled before last run began: a racy
    /// one, dated anew, would pass for settled. A cache that cannot be
    /// written is skipped silently.
    pub(super) fn save(&self, exists: impl Fn(&str) -> bool) {
        let Some(file) = &self.file else {
            return;
        };
        let Ok(fresh) = self.fresh.lock() else {
            return;
        };
        if fresh.is_empty() {
            return;
        }
        let mut all: HashMap<&str, &Record> = self
            .old
            .iter()
            .filter(|(rel, r)| r.stamp.settled_before(self.old_started) && exists(rel))
            .map(|(rel, r)| (rel.as_str(), r))
            .collect();
        all.extend(fresh.iter().map(|(rel, r)| (rel.as_str(), r)));
        let mut records: Vec<(String, Record)> = all
            .into_iter()
            .map(|(rel, r)| (rel.to_owned(), r.clone()))
            .collect();
        records.sort_by(|a, b| a.0.cmp(&b.0));
        let out = StampsFile {
            format: FORMAT,
            fingerprint: self.fingerprint,
            started: i64::try_from(self.started).unwrap_or(0),
            records,
        };
        if let Ok(bytes) = postcard::to_stdvec(&out) {
            let _ = crate::cache::write_replacing(file, &bytes);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::cache::stamp::RACY_NS;

    fn stamps(dir: &Path) -> Stamps {
        Stamps::open(&Cache::open(dir.join("cache"), 7), dir)
    }

    fn record(path: &Path, hash: &str) -> Record {
        Record {
            stamp: Stamp::of(&std::fs::metadata(path).expect("meta")).expect("a file"),
            hash: hash.into(),
            frontmatter: None,
            blob: format!("blob of {hash}"),
        }
    }

    /// Set a file's modification time `secs` into the past (its
    /// status-change time stays now).
    fn age(path: &Path, secs: u64) {
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
        let f = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open");
        f.set_modified(when).expect("set mtime");
    }

    #[test]
    fn a_fresh_stamp_is_racy_and_read_again() {
        let dir = tempfile::tempdir().expect("dir");
        let page = dir.path().join("a.md");
        std::fs::write(&page, "one").expect("write");
        let s = stamps(dir.path());
        s.record("a.md", record(&page, "h1"));
        // Taken within the racy window of this run: not trusted, now or next run.
        assert_eq!(s.lookup("a.md", &page), None);
        s.save(|_| true);
        assert_eq!(stamps(dir.path()).lookup("a.md", &page), None);
    }

    /// Write the stamps file of generation 7 as a run that began at `started`.
    fn write_stamps(dir: &Path, started: i128, records: Vec<(String, Record)>) {
        let file = StampsFile {
            format: FORMAT,
            fingerprint: 7,
            started: i64::try_from(started).expect("time"),
            records,
        };
        let path = stamps(dir).file.expect("enabled");
        crate::cache::write_replacing(&path, &postcard::to_stdvec(&file).expect("encode"))
            .expect("write");
    }

    #[test]
    fn a_settled_stamp_holds_until_the_file_changes() {
        let dir = tempfile::tempdir().expect("dir");
        let page = dir.path().join("a.md");
        std::fs::write(&page, "one").expect("write");
        age(&page, 60);
        let r = record(&page, "h1");
        // Taken by a run that began just now: the status change is too recent.
        write_stamps(dir.path(), now_ns(), vec![("a.md".into(), r.clone())]);
        assert_eq!(stamps(dir.path()).lookup("a.md", &page), None);
        // Taken by a run that began well after both times: trusted.
        write_stamps(
            dir.path(),
            now_ns() + 2 * RACY_NS,
            vec![("a.md".into(), r.clone())],
        );
        let s = stamps(dir.path());
        assert_eq!(s.lookup("a.md", &page), Some(r));
        assert_eq!(s.lookup("b.md", &page), None, "another file's stamp");
        // Same size, modification time set back: the status change shows.
        std::fs::write(&page, "two").expect("write");
        age(&page, 60);
        assert_eq!(s.lookup("a.md", &page), None);
        // Replaced by a new file (a rename into place): another inode.
        let mut moved = record(&page, "h2");
        moved.stamp.ino += 1;
        write_stamps(
            dir.path(),
            now_ns() + 2 * RACY_NS,
            vec![("a.md".into(), moved)],
        );
        assert_eq!(stamps(dir.path()).lookup("a.md", &page), None);
        // Another generation, or a damaged file: no stamps.
        assert!(
            Stamps::open(&Cache::open(dir.path().join("cache"), 8), dir.path())
                .old
                .is_empty()
        );
        std::fs::write(s.file.as_ref().expect("enabled"), b"\xff\xff").expect("write");
        assert!(stamps(dir.path()).old.is_empty());
    }

    #[test]
    fn a_racy_stamp_is_taken_again_so_that_it_settles() {
        let dir = tempfile::tempdir().expect("dir");
        let page = dir.path().join("a.md");
        std::fs::write(&page, "one").expect("write");
        let r = record(&page, "h1");
        // Kept by a run that began as the page was written: not trusted.
        write_stamps(dir.path(), now_ns(), vec![("a.md".into(), r.clone())]);
        let s = stamps(dir.path());
        assert_eq!(s.lookup("a.md", &page), None);
        // Read again, the same stamp is kept under this run's start.
        s.record("a.md", r);
        s.save(|_| true);
        let path = s.file.clone().expect("enabled");
        let file: StampsFile =
            postcard::from_bytes(&std::fs::read(path).expect("read")).expect("decode");
        assert_eq!(i128::from(file.started), s.started);
    }

    /// `a.md` and `b.md` written in `dir`.
    fn two_pages(dir: &Path) -> (PathBuf, PathBuf) {
        let (a, b) = (dir.join("a.md"), dir.join("b.md"));
        std::fs::write(&a, "a").expect("write");
        std::fs::write(&b, "b").expect("write");
        (a, b)
    }

    #[test]
    fn a_racy_stamp_no_run_read_again_is_not_carried_over() {
        let dir = tempfile::tempdir().expect("dir");
        let (a, b) = two_pages(dir.path());
        // `a.md` was stamped by a run that began as it was written.
        write_stamps(
            dir.path(),
            now_ns(),
            vec![("a.md".into(), record(&a, "ha"))],
        );
        // A later run reads only `b.md`, and saves.
        let s = stamps(dir.path());
        s.record("b.md", record(&b, "hb"));
        s.save(|_| true);
        // Dated by the later run, `a.md`'s stamp would pass for settled.
        let kept: Vec<String> = stamps(dir.path()).old.into_keys().collect();
        assert_eq!(kept, ["b.md"]);
    }

    #[test]
    fn saving_drops_files_that_are_gone_and_keeps_the_rest() {
        let dir = tempfile::tempdir().expect("dir");
        let (a, b) = two_pages(dir.path());
        // Stamped by a run that began well after both were written.
        write_stamps(
            dir.path(),
            now_ns() + 2 * RACY_NS,
            vec![
                ("a.md".into(), record(&a, "ha")),
                ("b.md".into(), record(&b, "hb")),
            ],
        );
        let s = stamps(dir.path());
        assert_eq!(s.old.len(), 2);
        s.record("c.md", record(&a, "hc"));
        s.save(|rel| rel != "b.md");
        let mut kept: Vec<_> = stamps(dir.path()).old.into_keys().collect();
        kept.sort();
        assert_eq!(kept, ["a.md", "c.md"]);
    }

    #[test]
    fn a_record_is_found_by_its_blob_whatever_the_file_is_now() {
        let dir = tempfile::tempdir().expect("dir");
        let (a, _) = two_pages(dir.path());
        let r = record(&a, "ha");
        // Kept by a run that began as the file was written: its stamp is
        // racy, but the blob id names the bytes the record is of.
        write_stamps(dir.path(), now_ns(), vec![("a.md".into(), r.clone())]);
        std::fs::remove_file(&a).expect("rm");
        let s = stamps(dir.path());
        assert_eq!(s.with_blob("a.md", "blob of ha", Record::clone), Some(r));
        assert_eq!(s.with_blob("a.md", "another blob", Record::clone), None);
        assert_eq!(
            s.with_blob("b.md", "blob of ha", Record::clone),
            None,
            "another path"
        );
        // This run's records count too.
        s.record("b.md", record(dir.path().join("b.md").as_path(), "hb"));
        assert!(s.with_blob("b.md", "blob of hb", Record::clone).is_some());
    }

    #[test]
    fn a_disabled_cache_keeps_no_stamps() {
        let dir = tempfile::tempdir().expect("dir");
        let page = dir.path().join("a.md");
        std::fs::write(&page, "one").expect("write");
        let s = Stamps::open(&Cache::disabled(), Path::new("."));
        s.record("a.md", record(&page, "h"));
        assert_eq!(s.lookup("a.md", &page), None);
        s.save(|_| true);
        assert!(!dir.path().join("cache").exists());
    }
}
