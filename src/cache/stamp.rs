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
            let ns = |s: i64, n: i64| s.checked_mul(1_000_000_000)?.checked_add(n);
            Some(Stamp {
                dev: meta.dev(),
                ino: meta.ino(),
                len: meta.len(),
                mtime: ns(meta.mtime(), meta.mtime_nsec())?,
                ctime: ns(meta.ctime(), meta.ctime_nsec())?,
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

/// Now, in nanoseconds since the epoch.
pub(crate) fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0))
}
