//! Where the tree's files come from: the root on disk (walked, read), or a
//! listing and a source of bytes from elsewhere (the repository at a commit,
//! read through the GitLab API) with no checkout at all.

use super::Workspace;
use super::aliases::{Frontmatter, frontmatter};
use super::committed::InTree;
use super::stamps::{Record, Stamp};
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
        if let Some(bytes) = self.committed_bytes(rel) {
            let bytes = bytes?;
            self.limits.check_size(bytes.len() as u64).ok()?;
            return Some(Arc::unwrap_or_clone(bytes));
        }
        self.read_file_as_listed(rel)
    }

    /// [`Workspace::read_file`] from where the tree's files are, without
    /// the judged tree's blobs.
    fn read_file_as_listed(&self, rel: &str) -> Option<Vec<u8>> {
        match &self.files {
            Files::Remote { source, .. } => {
                let bytes = source.read(rel)?;
                self.limits.check_size(bytes.len() as u64).ok()?;
                Some(bytes.as_ref().clone())
            }
            Files::Walk | Files::Given(_) => self.limits.read(&self.root.join(rel)).ok(),
        }
    }

    /// The bytes the judged tree has at `rel`, when the run judges a
    /// commit's tree (`Some(None)`: it has no such file, or git could not
    /// read it); `None` where the work tree's file is the one to read (no
    /// judged tree, a symbolic link, an unmerged path, a file over the size
    /// limit).
    pub(super) fn committed_bytes(&self, rel: &str) -> Option<Option<Arc<Vec<u8>>>> {
        match self.in_tree(rel) {
            InTree::AsOnDisk => None,
            InTree::Absent => Some(None),
            InTree::Bytes(bytes) => Some(bytes),
        }
    }

    /// A file of the root read within the run's limits, with what its bytes
    /// give the stamps (kept for the next run).
    pub(super) fn read_recorded(&self, rel: &str) -> Option<(Vec<u8>, Record)> {
        let opened = std::fs::File::open(self.root.join(rel)).ok()?;
        let meta = opened.metadata().ok()?;
        let bytes = self.limits.read_open_len(opened, meta.len()).ok()?;
        let record = self.stamp(rel, &bytes, Stamp::of(&meta));
        Some((bytes, record))
    }

    /// What `take` takes of the record of the judged tree's file at `rel`
    /// (its content hash and frontmatter), when the run judges a commit's
    /// tree and that has a blob there: from the stamps when a run has read
    /// that blob (no file is looked at, nothing else copied), else from the
    /// work tree when it holds the blob (stamped for the next run), else
    /// from git; with the bytes when they were read. `None` when the work
    /// tree's file is the one to read (no judged tree, a symbolic link, an
    /// unmerged path, a file over the size limit); `Some(None)` when the
    /// judged tree has no such file or git could not read it.
    pub(super) fn committed_record<T>(
        &self,
        rel: &str,
        take: impl Fn(&Record) -> T,
    ) -> Option<Option<(T, Option<Vec<u8>>)>> {
        let tree = self.committed()?;
        let id = match tree.blob(rel) {
            None => return Some(None),
            Some(id) => id?,
        };
        let stamps = self.stamps();
        if let Some(known) = stamps.with_blob(rel, id, &take) {
            return Some(Some((known, None)));
        }
        let on_disk = match stamps.is_enabled() {
            true => self.read_recorded(rel),
            false => None,
        };
        let bytes = match on_disk {
            Some((bytes, record)) if record.blob == id => {
                return Some(Some((take(&record), Some(bytes))));
            }
            // The work tree holds other bytes.
            Some(_) => match tree.read_from_git(rel, id) {
                Some(bytes) => bytes,
                None => return Some(None),
            },
            None => match tree.at(rel, &self.root.join(rel), self.limits.file_size as u64) {
                InTree::AsOnDisk => return None,
                InTree::Absent | InTree::Bytes(None) => return Some(None),
                InTree::Bytes(Some(bytes)) => bytes,
            },
        };
        if self.limits.check_size(bytes.len() as u64).is_err() {
            return Some(None);
        }
        let bytes = Arc::unwrap_or_clone(bytes);
        let record = Record {
            stamp: Stamp::default(),
            hash: crate::cache::content_hash(&bytes),
            frontmatter: frontmatter(&bytes, &self.limits),
            blob: id.to_owned(),
        };
        Some(Some((take(&record), Some(bytes))))
    }

    /// A page's frontmatter: as the judged tree has it when the run judges
    /// one, else from its stamp when it is unchanged since a run read it,
    /// else read (and stamped, when the tree keeps stamps).
    pub(super) fn page_frontmatter(&self, rel: &str) -> Option<Frontmatter> {
        // Every page of the tree is asked: its record's frontmatter alone is taken.
        if let Some(judged) = self.committed_record(rel, |r| r.frontmatter.clone()) {
            return judged?.0;
        }
        let stamps = self.stamps();
        if !stamps.is_enabled() {
            return frontmatter(&self.read_file_as_listed(rel)?, &self.limits);
        }
        match stamps.lookup_in_root(rel) {
            Some(known) => known.frontmatter,
            None => self.read_recorded(rel)?.1.frontmatter,
        }
    }

    /// A file of the tree whatever its size (a redirect file, a static file
    /// list, a page scanned for links): from the root, or the remote source.
    pub(super) fn read_any(&self, rel: &str) -> Option<Vec<u8>> {
        if let Some(bytes) = self.committed_bytes(rel) {
            return Some(Arc::unwrap_or_clone(bytes?));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::workspace::Target;
    use std::collections::HashMap;
    use std::path::Path;
    use std::sync::Mutex;

    /// Files in memory, counting the reads of each.
    #[derive(Debug, Default)]
    struct Memory {
        files: HashMap<String, Arc<Vec<u8>>>,
        reads: Mutex<Vec<String>>,
    }

    impl PageSource for Memory {
        fn read(&self, path: &str) -> Option<Arc<Vec<u8>>> {
            if let Ok(mut reads) = self.reads.lock() {
                reads.push(path.to_owned());
            }
            self.files.get(path).cloned()
        }
    }

    fn workspace(files: &[(&str, &str)]) -> (Workspace, Arc<Memory>) {
        let memory = Arc::new(Memory {
            files: files
                .iter()
                .map(|(p, t)| ((*p).to_owned(), Arc::new(t.as_bytes().to_vec())))
                .collect(),
            reads: Mutex::new(Vec::new()),
        });
        let settings = Settings::defaults(Path::new("/nonexistent-root"));
        let paths = files.iter().map(|(p, _)| (*p).to_owned()).collect();
        let source: Arc<dyn PageSource> = memory.clone();
        let w = Workspace::from_source(&settings.root, settings.links.clone(), paths, source)
            .within(settings.limits);
        (w, memory)
    }

    fn reads(memory: &Memory) -> Vec<String> {
        let mut r = memory.reads.lock().map(|r| r.clone()).unwrap_or_default();
        r.sort();
        r.dedup();
        r
    }

    #[test]
    fn a_remote_tree_reads_only_the_pages_a_link_needs() {
        let (w, memory) = workspace(&[
            ("README.md", "# Repository\n"),
            ("content/handbook/a.md", "# A\n"),
            (
                "content/handbook/b.md",
                "---\nslug: bee\n---\n# B\n\n## Part\n",
            ),
            ("content/handbook/c.md", "# C\n"),
            ("static/img/x.png", "png"),
            ("static-files.txt", "static/img/generated.png\n"),
        ]);
        // The walk's folders only, plus the static list's files.
        assert_eq!(
            w.pages(),
            [
                "content/handbook/a.md",
                "content/handbook/b.md",
                "content/handbook/c.md"
            ]
        );
        assert!(w.exists("static/img/generated.png"));
        assert!(!w.exists("README.md"));
        let target = |dest: &str| w.resolve("content/handbook/a.md", dest).map(|r| r.target);
        // Found by its path; its frontmatter says where it is published.
        let b = w.resolve("content/handbook/a.md", "b.md").expect("a link");
        assert_eq!(b.target, Target::Page("content/handbook/b.md".into()));
        assert_eq!(b.url, "/handbook/bee/");
        let anchors = w.anchors("content/handbook/b.md").expect("anchors");
        assert!(anchors.contains("part"));
        assert!(
            !reads(&memory).contains(&"content/handbook/c.md".to_owned()),
            "{:?}",
            reads(&memory)
        );
        // A URL no page's path gives may be a page's `url:`: that needs
        // every page's frontmatter.
        assert_eq!(
            target("/img/generated.png"),
            Some(Target::File("static/img/generated.png".into()))
        );
        assert!(reads(&memory).contains(&"content/handbook/c.md".to_owned()));
    }

    #[test]
    fn without_a_cache_a_linked_page_is_parsed_only_as_far_as_its_anchors() {
        let page = "content/handbook/b.md";
        let text = "# B\n\n## Early\n\nText.\n\n```\n## In code\n```\n\n## Late\n\nEnd.\n";
        let (w, _) = workspace(&[("content/handbook/a.md", "# A\n"), (page, text)]);
        let whole_parsed = |w: &Workspace| {
            w.anchors
                .lock()
                .ok()
                .and_then(|m| m.get(page).map(|cell| cell.get().is_some()))
                .unwrap_or(false)
        };
        assert_eq!(
            w.has_anchors(page, &["early", "Early"]),
            [Some(true), Some(true)]
        );
        let start = w
            .anchor_starts
            .lock()
            .ok()
            .and_then(|m| m.get(page).cloned());
        assert_eq!(
            start.map(|s| s.set.list.clone()),
            Some(vec!["b".to_owned(), "early".to_owned()])
        );
        assert!(!whole_parsed(&w), "the start showed it");
        // An id past the start, or in code only: the whole page answers.
        assert_eq!(w.has_anchor(page, "in-code"), Some(false));
        assert!(whole_parsed(&w));
        assert_eq!(w.has_anchor(page, "late"), Some(true));
        assert_eq!(w.has_anchor("content/handbook/nowhere.md", "x"), None);
    }

    #[test]
    fn a_later_id_takes_a_longer_start_within_the_pages_length() {
        let page = "content/handbook/b.md";
        let filler = "Text that is no heading at all.\n\n".repeat(20);
        let text = format!("# B\n\n## Early\n\n{filler}## Middle\n\n{filler}## Late\n\nEnd.\n");
        let (w, _) = workspace(&[("content/handbook/a.md", "# A\n"), (page, &text)]);
        let parsed = |w: &Workspace| {
            let start = w
                .anchor_starts
                .lock()
                .ok()
                .and_then(|m| m.get(page).cloned());
            let whole = w
                .anchors
                .lock()
                .ok()
                .and_then(|m| m.get(page).map(|cell| cell.get().is_some()))
                .unwrap_or(false);
            (start.map(|s| (s.cut, s.spent, s.set.list.clone())), whole)
        };
        let through = |heading: &str| text.find(heading).map(|i| i + heading.len() + 1);
        assert_eq!(w.has_anchor(page, "early"), Some(true));
        let early = through("## Early\n").expect("in the page");
        assert_eq!(
            parsed(&w),
            (
                Some((early, early, vec!["b".into(), "early".into()])),
                false
            )
        );
        // Past the first start: a longer one, its anchors kept with the first's.
        assert_eq!(w.has_anchors(page, &["middle"]), [Some(true)]);
        let middle = through("## Middle\n").expect("in the page");
        let list = ["b", "early", "middle"].map(String::from).to_vec();
        assert_eq!(parsed(&w), (Some((middle, early + middle, list)), false));
        assert_eq!(w.has_anchors(page, &["early", "middle"]), [Some(true); 2]);
        // A third start would take the starts past the page's length: whole.
        assert!(early + middle + through("## Late\n").expect("in the page") > text.len());
        assert_eq!(w.has_anchor(page, "late"), Some(true));
        assert!(parsed(&w).1, "parsed whole");
        assert_eq!(w.has_anchor(page, "nowhere"), Some(false));
    }
    #[test]
    fn an_alias_needs_every_page_once() {
        let (w, memory) = workspace(&[
            ("content/handbook/a.md", "# A\n"),
            (
                "content/handbook/b.md",
                "---\naliases: [/handbook/old-b/]\n---\n# B\n",
            ),
            ("content/handbook/c.md", "# C\n"),
        ]);
        let target = |dest: &str| w.resolve("content/handbook/a.md", dest).map(|r| r.target);
        assert_eq!(
            target("/handbook/old-b/"),
            Some(Target::Alias("content/handbook/b.md".into()))
        );
        assert_eq!(target("/handbook/nowhere/"), Some(Target::Missing));
        let all = reads(&memory);
        for page in w.pages() {
            assert!(all.contains(page), "{page} not read: {all:?}");
        }
        let pages_read = memory
            .reads
            .lock()
            .map(|r| r.iter().filter(|p| p.ends_with(".md")).count())
            .unwrap_or_default();
        // Each page once for the frontmatter scan, and `a.md` once more
        // for its own placement before the scan was needed.
        assert!(pages_read <= 4, "{pages_read} page reads: {all:?}");
    }
}
