//! A file's stamp: its device, inode, size, and modification and
//! status-change times. Any write changes both times, and a file renamed
//! into place has another inode; the status-change time cannot be set back
//! (`touch -d` and `cp -p` change it). A write in the same clock tick as the
//! stamp was taken could leave all of them equal, so a stamp is trusted only
//! when both times lie [`RACY_NS`] before the run that took it began: git's
//! "racy clean" rule.

use serde::{Deserialize, Serialize};

/// How long before the recording run began a file's times must lie for its
/// stamp to be trusted: wider than any filesystem's timestamp granularity
/// (2 s on FAT).
pub(crate) const RACY_NS: i128 = 3_000_000_000;

/// A file's identity and times, from its metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub(crate) mtime: i64,
    /// Status-change time, nanoseconds since the epoch.
    pub(crate) ctime: i64,
}

impl Stamp {
    /// The stamp of a regular file's metadata; `None` for anything else, or
    /// off Unix.
    pub(crate) fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        meta.file_type().is_file().then_some(())?;
        Stamp::of_any(meta)
    }

    /// The stamp of any entry's metadata (a folder's times change when an
    /// entry is added, removed or renamed in it); `None` off Unix.
    pub(crate) fn of_any(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stamp {
                dev: meta.dev(),
                ino: meta.ino(),
                len: meta.len(),
                mtime: nanos(meta.mtime(), meta.mtime_nsec())?,
                ctime: nanos(meta.ctime(), meta.ctime_nsec())?,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether a run that began at `started` (ns) saw the file settled.
    pub(crate) fn settled_before(&self, started: i128) -> bool {
        i128::from(self.mtime.max(self.ctime)) + RACY_NS < started
    }
}

/// A folder whose files are stamped by their path relative to it. On Linux
/// the folder is held open and each file is asked of it (`statx` at the
/// folder's descriptor), so the kernel walks the path from the folder, not
/// from `/`: a tree's stamps are taken thousands at a time.
#[derive(Debug)]
pub(crate) struct StampRoot {
    path: std::path::PathBuf,
    #[cfg(target_os = "linux")]
    fd: Option<std::os::fd::OwnedFd>,
}

impl StampRoot {
    pub(crate) fn open(path: &std::path::Path) -> StampRoot {
        StampRoot {
            path: path.to_path_buf(),
            #[cfg(target_os = "linux")]
            fd: rustix::fs::open(
                path,
                rustix::fs::OFlags::PATH
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .ok(),
        }
    }

    /// The stamp of the regular file at `rel` (relative to the folder, a
    /// symbolic link not followed), as [`Stamp::of`] gives it.
    pub(crate) fn file(&self, rel: &str) -> Option<Stamp> {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.fd {
            use rustix::fs::{AtFlags, FileType, StatxFlags};
            let x = rustix::fs::statx(fd, rel, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::BASIC_STATS)
                .ok()?;
            if FileType::from_raw_mode(x.stx_mode.into()) != FileType::RegularFile {
                return None;
            }
            // The device as std's metadata gives it (`makedev` of the two numbers).
            return Some(Stamp {
                dev: rustix::fs::makedev(x.stx_dev_major, x.stx_dev_minor),
                ino: x.stx_ino,
                len: x.stx_size,
                mtime: nanos(x.stx_mtime.tv_sec, x.stx_mtime.tv_nsec.into())?,
                ctime: nanos(x.stx_ctime.tv_sec, x.stx_ctime.tv_nsec.into())?,
            });
        }
        Stamp::of(&std::fs::symlink_metadata(self.path.join(rel)).ok()?)
    }
}

/// A time of a file's metadata in nanoseconds since the epoch; `None` past
/// what an `i64` holds.
#[cfg(unix)]
fn nanos(secs: i64, nsecs: i64) -> Option<i64> {
    secs.checked_mul(1_000_000_000)?.checked_add(nsecs)
}

/// Now, in nanoseconds since the epoch.
pub(crate) fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_taken_in_a_folder_is_the_stamp_of_the_files_metadata() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join("a/b")).expect("mkdir");
        let page = dir.path().join("a/b/page.md");
        std::fs::write(&page, "some bytes").expect("write");
        let root = StampRoot::open(dir.path());
        let meta = std::fs::symlink_metadata(&page).expect("meta");
        assert_eq!(root.file("a/b/page.md"), Stamp::of(&meta));
        assert!(root.file("a/b/page.md").is_some());
        // Folders, missing files and symbolic links have no file stamp.
        assert_eq!(root.file("a/b"), None);
        assert_eq!(root.file("a/b/gone.md"), None);
        std::os::unix::fs::symlink(&page, dir.path().join("link.md")).expect("symlink");
        assert_eq!(root.file("link.md"), None);
        // A folder that cannot be opened asks each path as it is.
        let missing = StampRoot::open(&dir.path().join("nowhere"));
        assert_eq!(missing.file("a/b/page.md"), None);
    }
}
