//! Where the tree's files come from: the root on disk (walked, read), or a
//! listing and a source of bytes from elsewhere (the repository at a commit,
//! read through the GitLab API) with no checkout at all.

use super::Workspace;
use std::sync::Arc;

/// The bytes of the tree's files, one at a time, for a workspace without a
/// checkout. A source reads each file at most once per run and keeps its own
/// bounds; what it could not read it names in [`PageSource::gaps`].
pub trait PageSource: Send + Sync + std::fmt::Debug {
    /// The bytes of the root-relative file `path`; `None` when the tree has
    /// no such file, or the source could not (or may no longer) read it.
    fn read(&self, path: &str) -> Option<Arc<Vec<u8>>>;

    /// What the source could not read, for the job's log and note.
    fn gaps(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Which files the tree has, and where their bytes are read.
#[derive(Debug, Clone)]
pub(super) enum Files {
    /// The mounted and static folders of the root, walked on first use.
    Walk,
    /// Exactly these paths; pages are read from the root (tests).
    Given(Vec<String>),
    /// Exactly these paths (the repository tree at a commit); every file,
    /// pages and the files the settings name alike, is read from `source`.
    Remote {
        paths: Vec<String>,
        source: Arc<dyn PageSource>,
    },
}

impl Workspace {
    /// Whether the tree's files are read from a [`PageSource`] rather than the root.
    pub(super) fn is_remote(&self) -> bool {
        matches!(self.files, Files::Remote { .. })
    }

    /// A file of the tree, within the run's limits: from the root, or the
    /// remote source. `None` when it cannot be read or is over the limits.
    pub(super) fn read_file(&self, rel: &str) -> Option<Vec<u8>> {
        match &self.files {
            Files::Remote { source, .. } => {
                let bytes = source.read(rel)?;
                self.limits.check_size(bytes.len() as u64).ok()?;
                Some(bytes.as_ref().clone())
            }
            Files::Walk | Files::Given(_) => self.limits.read(&self.root.join(rel)).ok(),
        }
    }

    /// A file of the tree whatever its size (a redirect file, a static file
    /// list, a page scanned for links): from the root, or the remote source.
    pub(super) fn read_any(&self, rel: &str) -> Option<Vec<u8>> {
        match &self.files {
            Files::Remote { source, .. } => Some(source.read(rel)?.as_ref().clone()),
            Files::Walk | Files::Given(_) => std::fs::read(self.root.join(rel)).ok(),
        }
    }

    /// [`Workspace::read_any`] as UTF-8 text.
    pub(super) fn read_text(&self, rel: &str) -> Option<String> {
        String::from_utf8(self.read_any(rel)?).ok()
    }

    /// Whether a walk of the root would list `path`: it lies in a mounted
    /// or static folder.
    pub(super) fn in_walked_dirs(&self, path: &str) -> bool {
        self.walked_dirs().iter().any(|dir| {
            dir.is_empty()
                || path
                    .strip_prefix(dir.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    }
}
