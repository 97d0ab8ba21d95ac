//! Pages as the cross-page rules see them: their anchors, each found at most
//! once per run — from the cache when the page's bytes are unchanged, from
//! the run's own parse when the page is linted, else by parsing the page
//! (without a cache, first only the start that shows the anchors asked).
//!
//! A linted page that another page links into before its own turn is parsed
//! here and *parked*: the engine takes the parsed document when the page's
//! turn comes, so no page is parsed twice and no page waits for another.

use super::Workspace;
use super::stamps::{Record, Stamp, Stamps};
use crate::cache::{self, Anchors, deps};
use crate::document::{Document, InputError};
use crate::inputs::{Content, SourceFile};
use crate::limits::{Limits, ReadError};
use crate::links::anchors::{AnchorSet, decisive_prefix};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// A page of this run, as the engine registers it before the rules run.
#[derive(Debug, Clone)]
pub enum RunPage {
    /// Unchanged since the cache entry: its anchors are known.
    Cached(Arc<AnchorSet>),
    /// To be parsed: where its bytes are.
    Source(Content),
}

/// The bytes of a file of the run, within `limits`: a file past the size
/// limit is not read at all, and a path inside `root` that a symbolic link
/// leads out of the root is not read.
pub fn read<'a>(
    file: &'a SourceFile,
    root: &Path,
    limits: &Limits,
) -> Result<Cow<'a, [u8]>, InputError> {
    read_stamped(file, root, limits).map(|(bytes, _)| bytes)
}

/// [`read`], with the file's stamp taken before its bytes were read (none
/// for bytes already in memory).
fn read_stamped<'a>(
    file: &'a SourceFile,
    root: &Path,
    limits: &Limits,
) -> Result<(Cow<'a, [u8]>, Option<Stamp>), InputError> {
    let unreadable = |reason: String| InputError::Unreadable {
        path: file.path.clone(),
        reason,
    };
    match &file.content {
        Content::Bytes(bytes) => Ok((Cow::Borrowed(bytes.as_slice()), None)),
        Content::Disk(path) => {
            let opened = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
            let meta = opened.metadata().map_err(|e| unreadable(e.to_string()))?;
            if leaves_root(root, path, &opened) {
                return Err(unreadable("a symbolic link leads outside the root".into()));
            }
            match limits.read_open_len(opened, meta.len()) {
                Ok(bytes) => Ok((Cow::Owned(bytes), Stamp::of(&meta))),
                Err(ReadError::Exceeded(exceeded)) => Err(InputError::Limit {
                    path: file.path.clone(),
                    line: 1,
                    column: 1,
                    exceeded,
                }),
                Err(ReadError::Io(e)) => Err(unreadable(e.to_string())),
            }
        }
    }
}

/// Read and parse one file of the run, within `limits` (see [`read`]).
pub fn load(file: &SourceFile, root: &Path, limits: &Limits) -> Result<Document, InputError> {
    Document::from_bytes_within(&file.path, &read(file, root, limits)?, limits)
}

/// Whether `path`, written inside `root` and open as `opened`, really lies
/// outside it (through a symbolic link). A path that cannot be resolved is
/// left to the read to report.
fn leaves_root(root: &Path, path: &Path, opened: &std::fs::File) -> bool {
    let written = crate::inputs::normalize(&absolute(path));
    if !written.starts_with(crate::inputs::normalize(&absolute(root))) {
        return false;
    }
    match (real_root(root), real_path(path, opened)) {
        (Some(root), Some(real)) => !real.starts_with(root),
        _ => false,
    }
}

/// Where the open file really is. On Linux one `readlink` of its descriptor
/// answers (and answers for the file that was opened, not for whatever the
/// path names a moment later); elsewhere the path is resolved.
fn real_path(path: &Path, opened: &std::fs::File) -> Option<std::path::PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let link = std::fs::read_link(format!("/proc/self/fd/{}", opened.as_raw_fd()));
        if let Ok(real) = link
            && real.is_absolute()
        {
            return Some(real);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = opened;
    std::fs::canonicalize(path).ok()
}

/// The real path of a run's root, resolved once for consecutive reads
/// under the same root (a run reads thousands of pages under one root).
fn real_root(root: &Path) -> Option<std::path::PathBuf> {
    static LAST: std::sync::Mutex<Option<(std::path::PathBuf, std::path::PathBuf)>> =
        std::sync::Mutex::new(None);
    if let Ok(last) = LAST.lock()
        && let Some((written, real)) = last.as_ref()
        && written == root
    {
        return Some(real.clone());
    }
    let real = std::fs::canonicalize(root).ok()?;
    if let Ok(mut last) = LAST.lock() {
        *last = Some((root.to_path_buf(), real.clone()));
    }
    Some(real)
}

fn absolute(path: &Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Workspace {
    /// The content hash of a file of the run, noting a page's frontmatter
    /// on the way: from the file's stamp when it is unchanged since a run
    /// read it, else read (within the limits, as [`read`]).
    pub fn probe(&self, file: &SourceFile) -> Result<String, InputError> {
        let Content::Disk(path) = &file.content else {
            return Ok(cache::content_hash(&read(file, &self.root, &self.limits)?));
        };
        if let Some(known) = self.stamps().lookup(&file.path, path) {
            self.note_frontmatter(&file.path, known.frontmatter);
            return Ok(known.hash);
        }
        let (bytes, stamp) = read_stamped(file, &self.root, &self.limits)?;
        let record = self.stamp(&file.path, &bytes, stamp);
        self.note_frontmatter(&file.path, record.frontmatter);
        Ok(record.hash)
    }

    /// The stamps of the root's files (none for a remote tree, or without a cache).
    pub(super) fn stamps(&self) -> &Arc<Stamps> {
        self.stamps.get_or_init(|| {
            Arc::new(match self.is_remote() {
                true => Stamps::default(),
                false => Stamps::open(&self.cache, &self.root),
            })
        })
    }

    /// The content hash of a file (root-relative path, path on disk) that
    /// its stamp still vouches for, for code outside the workspace that
    /// hashes the root's files (the word scan); `None` without stamps.
    pub fn stamped_hashes(&self) -> Option<crate::spelling::frequency::KnownHash> {
        let stamps = self.stamps().clone();
        if !stamps.is_enabled() {
            return None;
        }
        Some(Arc::new(move |rel: &str, path: &Path| {
            stamps.lookup(rel, path).map(|r| r.hash)
        }))
    }

    /// What a file's bytes give the stamps: their hash and frontmatter,
    /// kept for the next run under `stamp`.
    pub(super) fn stamp(&self, rel: &str, bytes: &[u8], stamp: Option<Stamp>) -> Record {
        let kept = stamp.is_some() && self.stamps().is_enabled();
        let record = Record {
            stamp: stamp.unwrap_or_default(),
            hash: cache::content_hash(bytes),
            frontmatter: super::aliases::frontmatter(bytes, &self.limits),
            blob: match kept {
                true => self.blob_id(bytes),
                false => String::new(),
            },
        };
        if kept {
            self.stamps().record(rel, record.clone());
        }
        record
    }

    /// Keep the stamps this run took for the next one.
    pub fn save_stamps(&self) {
        let index = self.index.get();
        self.stamps()
            .save(|rel| index.is_none_or(|i| i.files.contains_key(&rel.to_lowercase())));
    }

    /// Register the run's pages before the rules run. Anchors found for an
    /// earlier run (before `--fix` changed pages) are forgotten.
    pub fn register_run(&self, pages: HashMap<String, RunPage>) {
        if let Ok(mut map) = self.anchors.lock() {
            map.clear();
        }
        if let Ok(mut parked) = self.parked.lock() {
            parked.clear();
        }
        if let Ok(mut run) = self.run_pages.write() {
            *run = pages;
        }
    }

    /// The parsed document of a linted page that another page's links made
    /// parse early, if any; the caller owns it from now on.
    pub fn take_parked(&self, page: &str) -> Option<Document> {
        self.parked.lock().ok()?.remove(page)
    }

    /// The anchors of a linted page the engine has just parsed: the ones
    /// already found if another page asked first, else these.
    pub fn settle_anchors(&self, doc: &Document) -> Arc<AnchorSet> {
        let cell = self.anchor_cell(&doc.path);
        cell.get_or_init(|| Some(Arc::new(AnchorSet::of(doc, self.config.anchor_style))))
            .clone()
            .unwrap_or_else(|| Arc::new(AnchorSet::of(doc, self.config.anchor_style)))
    }

    fn anchor_cell(&self, page: &str) -> super::AnchorCell {
        match self.anchors.lock() {
            Ok(mut map) => map.entry(page.to_owned()).or_default().clone(),
            Err(_) => Default::default(),
        }
    }

    /// The anchors of `page`, found at most once per run.
    pub fn anchors(&self, page: &str) -> Option<Arc<AnchorSet>> {
        let found = self
            .anchor_cell(page)
            .get_or_init(|| deps::paused(|| self.find_anchors(page)))
            .clone();
        deps::record(|| deps::Dep::Anchors {
            page: page.to_owned(),
            answer: deps::digest(&found.as_deref().map(|a| (&a.list, a.complete))),
        });
        found
    }

    /// Whether `page` has the anchor `id` (or one equal to it but for case),
    /// `None` when the page cannot be read. See [`Workspace::has_anchors`].
    pub fn has_anchor(&self, page: &str, id: &str) -> Option<bool> {
        self.has_anchors(page, &[id]).into_iter().next().flatten()
    }

    /// [`Workspace::has_anchor`] for each of `ids`, asked together. A run
    /// with a cache parses the page whole, once, and keeps its anchors for
    /// the next run. A run without one parses it, the first time it is
    /// asked, only as far as it takes to show them all ([`decisive_prefix`]),
    /// and keeps the anchors of that start for the page's next questions;
    /// later ids past it take a longer start, within a budget (see
    /// [`Workspace::anchors_of_start`]). It parses the page whole, once,
    /// when no start can show an id.
    pub fn has_anchors(&self, page: &str, ids: &[&str]) -> Vec<Option<bool>> {
        let cell = self.anchor_cell(page);
        let whole = |found: &Option<Arc<AnchorSet>>| {
            ids.iter()
                .map(|id| found.as_ref().map(|s| s.matches(id)))
                .collect()
        };
        let answers = match cell.get() {
            Some(found) => whole(found),
            None => deps::paused(|| {
                let start = self
                    .anchor_starts
                    .lock()
                    .ok()
                    .and_then(|starts| starts.get(page).cloned());
                if let Some(start) = &start
                    && ids.iter().all(|id| start.set.matches(id))
                {
                    return vec![Some(true); ids.len()];
                }
                match self.locate_anchors(page) {
                    Located::Set(found) => whole(cell.get_or_init(|| found)),
                    Located::Bytes { real, bytes, hash } => {
                        if !self.cache.is_enabled()
                            && let Some(start) = self.anchors_of_start(real, &bytes, ids, start)
                        {
                            let shown = ids.iter().all(|id| start.set.matches(id));
                            if let Ok(mut starts) = self.anchor_starts.lock() {
                                starts.insert(page.to_owned(), start);
                            }
                            if shown {
                                return vec![Some(true); ids.len()];
                            }
                        }
                        whole(cell.get_or_init(|| self.anchors_of(real, &bytes, hash)))
                    }
                }
            }),
        };
        for (id, answer) in ids.iter().zip(&answers) {
            deps::record(|| deps::Dep::HasAnchor {
                page: page.to_owned(),
                id: (*id).to_owned(),
                answer: *answer,
            });
        }
        answers
    }

    /// The anchors of the start of `bytes` that shows every one of `ids`
    /// ([`decisive_prefix`]), when there is one; only for a page the whole
    /// parse would take (its limits). After an `earlier` start that did not
    /// show them, only a longer one, and only while all the starts parsed
    /// stay within the page's length: a page asked many times in turn
    /// costs at most twice its whole parse. The new start's anchors are
    /// kept with the earlier ones.
    fn anchors_of_start(
        &self,
        path: &str,
        bytes: &[u8],
        ids: &[&str],
        earlier: Option<Start>,
    ) -> Option<Start> {
        let (text, bom) = Document::text_within(path, bytes, &self.limits).ok()?;
        let cut = decisive_prefix(text, ids)?;
        let (spent, list) = match earlier {
            None => (cut, Vec::new()),
            Some(earlier) if cut > earlier.cut && earlier.spent + cut <= text.len() => {
                (earlier.spent + cut, earlier.set.list.clone())
            }
            Some(_) => return None,
        };
        let doc = Document::parse(path, text.get(..cut)?.to_owned(), bom).ok()?;
        let found = AnchorSet::of(&doc, self.config.anchor_style);
        let set = match list.is_empty() {
            true => found,
            false => AnchorSet::new(list.into_iter().chain(found.list).collect(), found.complete),
        };
        Some(Start {
            cut,
            spent,
            set: Arc::new(set),
        })
    }

    fn anchors_of(&self, real: &str, bytes: &[u8], hash: Option<String>) -> Option<Arc<AnchorSet>> {
        let style = self.config.anchor_style;
        anchors_of_bytes(&self.cache, real, bytes, hash, &self.limits, style).map(Arc::new)
    }

    fn find_anchors(&self, page: &str) -> Option<Arc<AnchorSet>> {
        match self.locate_anchors(page) {
            Located::Set(found) => found,
            Located::Bytes { real, bytes, hash } => self.anchors_of(real, &bytes, hash),
        }
    }

    /// A page's anchors when the run or the cache knows them, else its bytes.
    fn locate_anchors<'p>(&'p self, page: &'p str) -> Located<'p> {
        let style = self.config.anchor_style;
        let registered = self
            .run_pages
            .read()
            .ok()
            .and_then(|m| m.get(page).cloned());
        let set = |found: Option<AnchorSet>| Located::Set(found.map(Arc::new));
        match registered {
            Some(RunPage::Cached(found)) => return Located::Set(Some(found)),
            Some(RunPage::Source(content)) => {
                let file = SourceFile {
                    path: page.to_owned(),
                    content,
                };
                let Ok(doc) = load(&file, &self.root, &self.limits) else {
                    return Located::Set(None);
                };
                let found = AnchorSet::of(&doc, style);
                if let Ok(mut parked) = self.parked.lock() {
                    parked.insert(page.to_owned(), doc);
                }
                return set(Some(found));
            }
            None => {}
        }
        let Some(real) = self.file(page) else {
            return Located::Set(None);
        };
        if let Some(judged) = self.committed_record(real, |r| r.hash.clone()) {
            // The judged tree's bytes: known by their blob id, read only
            // when the cache has not kept their anchors.
            let Some((hash, bytes)) = judged else {
                return Located::Set(None);
            };
            if let Some(entry) = self.cache.load(real, &hash) {
                return set(Some(entry.anchors.to_set()));
            }
            let bytes = match bytes {
                Some(bytes) => bytes,
                None => match self.read_file(real) {
                    Some(bytes) => bytes,
                    None => return Located::Set(None),
                },
            };
            return Located::Bytes {
                real,
                bytes,
                hash: Some(hash),
            };
        }
        let stamps = self.stamps();
        if let Some(known) = stamps.lookup_in_root(real)
            && let Some(entry) = self.cache.load(real, &known.hash)
        {
            return set(Some(entry.anchors.to_set()));
        }
        // Read and stamped for the next run, hashed once; without stamps
        // (no cache, a remote tree), read as it is.
        let read = match stamps.is_enabled() {
            true => self
                .read_recorded(real)
                .map(|(bytes, record)| (bytes, Some(record.hash))),
            false => self.read_file(real).map(|bytes| (bytes, None)),
        };
        match read {
            Some((bytes, hash)) => Located::Bytes { real, bytes, hash },
            None => Located::Set(None),
        }
    }
}

/// The anchors a page's starts showed (see [`Workspace::has_anchors`]): the
/// longest start's length, the bytes all its starts took, and their anchors.
#[derive(Debug, Clone)]
pub(super) struct Start {
    pub(super) cut: usize,
    pub(super) spent: usize,
    pub(super) set: Arc<AnchorSet>,
}

/// Where a page's anchors are: known (or the page unreadable), or to be
/// found in its bytes.
enum Located<'p> {
    Set(Option<Arc<AnchorSet>>),
    Bytes {
        real: &'p str,
        bytes: Vec<u8>,
        hash: Option<String>,
    },
}

/// The anchors of `path` holding `bytes` (whose content hash is `hash`,
/// when the caller has it): from the cache when it has seen these bytes,
/// else parsed (within `limits`) and kept in the cache.
pub fn anchors_of_bytes(
    cache: &cache::Cache,
    path: &str,
    bytes: &[u8],
    hash: Option<String>,
    limits: &Limits,
    style: crate::links::slug::SlugStyle,
) -> Option<AnchorSet> {
    let hash = cache
        .is_enabled()
        .then(|| hash.unwrap_or_else(|| cache::content_hash(bytes)));
    if let Some(hash) = &hash
        && let Some(entry) = cache.load(path, hash)
    {
        return Some(entry.anchors.to_set());
    }
    let doc = Document::from_bytes_within(path, bytes, limits).ok()?;
    let set = AnchorSet::of(&doc, style);
    if let Some(hash) = &hash {
        cache.store_anchors(path, hash, Anchors::of(&set));
    }
    Some(set)
}
