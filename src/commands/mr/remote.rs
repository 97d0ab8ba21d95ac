//! `--from-api` without a checkout: the repository at the MR's head commit
//! as the workspace sees it. The file list is the repository tree (one
//! listing per run); the settings come from the tree's `.hblint.toml` and
//! the files it names; a page's bytes are fetched only when the run needs
//! them (a target's anchors or frontmatter), each at most once.
//!
//! Bounds: at most [`MAX_FILES_READ`] files and [`MAX_BYTES_READ`] bytes are
//! fetched per run (the changed pages, already read with the diff, do not
//! count); past them a file reads as missing and the note says so.
//!
//! A long-lived process (the service, a sweep) reviews many MRs of one
//! repository: files are kept by their blob id (the tree lists it), which
//! names their bytes, so a file unchanged between two heads is fetched once
//! per process, within [`MAX_SHARED_BYTES`].

use crate::config::{self, CONFIG_FILE_NAME, Settings};
use crate::gitlab::client::{ApiError, Client};
use crate::gitlab::repository::{self, MAX_TREE_ENTRIES};
use crate::inputs::{Content, SourceFile};
use crate::workspace::{PageSource, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The most files fetched for one review, besides the changed pages.
pub const MAX_FILES_READ: usize = 10_000;
/// The most bytes fetched for one review, besides the changed pages.
pub const MAX_BYTES_READ: usize = 256 * 1024 * 1024;
/// The most bytes kept by blob id for later reviews of the process.
pub const MAX_SHARED_BYTES: usize = 128 * 1024 * 1024;

/// Files' bytes by blob id, shared by the reviews of the process.
#[derive(Default)]
struct Blobs {
    bytes: HashMap<String, Arc<Vec<u8>>>,
    total: usize,
}

static BLOBS: std::sync::LazyLock<Mutex<Blobs>> = std::sync::LazyLock::new(Default::default);

impl Blobs {
    fn get(id: &str) -> Option<Arc<Vec<u8>>> {
        BLOBS.lock().ok()?.bytes.get(id).cloned()
    }

    /// Keep `bytes` under `id` while the bound allows.
    fn keep(id: &str, bytes: &Arc<Vec<u8>>) {
        let Ok(mut blobs) = BLOBS.lock() else {
            return;
        };
        if blobs.total + bytes.len() <= MAX_SHARED_BYTES && !blobs.bytes.contains_key(id) {
            blobs.total += bytes.len();
            blobs.bytes.insert(id.to_owned(), Arc::clone(bytes));
        }
    }
}

/// The repository's files at one commit, read through the API.
pub struct Remote {
    client: Client,
    project: String,
    sha: String,
    /// Every regular file of the tree, with its blob id.
    files: HashMap<String, String>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// What each path read as; `None`: no such file, or it could not be read.
    read: HashMap<String, Option<Arc<Vec<u8>>>>,
    fetched: usize,
    bytes: usize,
    /// Files not read because a bound was reached.
    over_bounds: usize,
    /// Files GitLab would not give, and why.
    failed: Vec<String>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("project", &self.project)
            .field("sha", &self.sha)
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl Remote {
    /// The tree of `project` at `sha` (one listing, keyset-paginated), with
    /// the changed pages' bytes already known.
    pub fn list(
        client: Client,
        project: &str,
        sha: &str,
        known: &[SourceFile],
    ) -> Result<Remote, ApiError> {
        let files = repository::tree(&client, project, sha, MAX_TREE_ENTRIES)?
            .into_iter()
            .filter(repository::TreeEntry::is_file)
            .map(|e| (e.path, e.id))
            .collect();
        let mut state = State::default();
        for file in known {
            if let Content::Bytes(bytes) = &file.content {
                state
                    .read
                    .insert(file.path.clone(), Some(Arc::new(bytes.clone())));
            }
        }
        Ok(Remote {
            client,
            project: project.to_owned(),
            sha: sha.to_owned(),
            files,
            state: Mutex::new(state),
        })
    }

    /// Every regular file of the tree, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.files.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// Whether the tree has this file.
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// A file's bytes, or an error naming what GitLab said; `Ok(None)` when
    /// the tree has no such file. Not cached and not counted: for the
    /// settings' own files, read once before the run.
    pub fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ApiError> {
        if !self.has(path) {
            return Ok(None);
        }
        repository::file_at(&self.client, &self.project, path, &self.sha)
    }
}

impl PageSource for Remote {
    fn read(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        {
            let mut state = self.state.lock().ok()?;
            if let Some(known) = state.read.get(path) {
                return known.clone();
            }
            let Some(id) = self.files.get(path) else {
                state.read.insert(path.to_owned(), None);
                return None;
            };
            if let Some(bytes) = Blobs::get(id) {
                state.read.insert(path.to_owned(), Some(Arc::clone(&bytes)));
                return Some(bytes);
            }
            if state.fetched >= MAX_FILES_READ || state.bytes >= MAX_BYTES_READ {
                state.over_bounds += 1;
                state.read.insert(path.to_owned(), None);
                return None;
            }
            state.fetched += 1;
        }
        // The request is made without the lock: pages are read in parallel.
        let answer = repository::file_at(&self.client, &self.project, path, &self.sha);
        let mut state = self.state.lock().ok()?;
        let bytes = match answer {
            Ok(Some(bytes)) if state.bytes + bytes.len() <= MAX_BYTES_READ => {
                state.bytes += bytes.len();
                let bytes = Arc::new(bytes);
                if let Some(id) = self.files.get(path) {
                    Blobs::keep(id, &bytes);
                }
                Some(bytes)
            }
            Ok(Some(_)) => {
                state.over_bounds += 1;
                state.bytes = MAX_BYTES_READ;
                None
            }
            Ok(None) => None,
            Err(e) => {
                state.failed.push(e.to_string());
                None
            }
        };
        state.read.insert(path.to_owned(), bytes.clone());
        bytes
    }

    fn gaps(&self) -> Vec<String> {
        let Ok(state) = self.state.lock() else {
            return Vec::new();
        };
        let mut gaps = Vec::new();
        if state.over_bounds > 0 {
            gaps.push(format!(
                "{} files of the repository were not read: a review reads at most {MAX_FILES_READ} \
                 files and {} MiB through the API. Links into them may be reported wrongly; run \
                 the job in a checkout (without --from-api) to check them.",
                state.over_bounds,
                MAX_BYTES_READ / (1024 * 1024)
            ));
        }
        for failure in &state.failed {
            gaps.push(format!(
                "{failure}: links into that file may be reported wrongly."
            ));
        }
        gaps
    }
}

/// The settings of the tree at the commit: its `.hblint.toml` (or the
/// `--config` file given) and the files that names (vocabulary, role data,
/// terms, the link checker's exclusions), written into `dir`, which stands
/// for the repository's root. A bad file is an error naming it and its line.
pub fn settings(remote: &Remote, dir: &Path, config: Option<&Path>) -> miette::Result<Settings> {
    let text =
        match config {
            Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
                miette::miette!("cannot read configuration {}: {e}", path.display())
            })?),
            None => fetch_text(remote, CONFIG_FILE_NAME)?,
        };
    let named = dir.join(CONFIG_FILE_NAME);
    let mut wanted: Vec<PathBuf> = vec![PathBuf::from(crate::terms::DEFAULT_FILE)];
    if let Some(text) = &text {
        let options =
            config::parse_options(config.unwrap_or(&named), text).map_err(|e| renamed(*e, dir))?;
        wanted.extend(
            options
                .spelling
                .vocabulary
                .iter()
                .map(|v| v.get_ref().clone()),
        );
        wanted.extend(options.roles.data.iter().map(|d| d.get_ref().clone()));
        wanted.extend(options.terms.file.iter().map(|f| f.get_ref().clone()));
        wanted.extend(options.links.exclude_files.iter().map(PathBuf::from));
    } else {
        wanted.extend(
            crate::workspace::Links::default()
                .exclude_files
                .into_iter()
                .map(PathBuf::from),
        );
    }
    for rel in wanted {
        let Some(rel) = crate::links::join_normalize("", &rel.to_string_lossy()) else {
            continue;
        };
        let rel = rel.trim_start_matches('/');
        if rel.is_empty() {
            continue;
        }
        if let Some(text) = fetch_text(remote, rel)? {
            let full = dir.join(rel);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).map_err(|e| miette::miette!("{e}"))?;
            }
            std::fs::write(&full, text).map_err(|e| miette::miette!("{e}"))?;
        }
    }
    match (text, config) {
        (None, _) => Settings::load(dir, None).map_err(|e| renamed(*e, dir)),
        // A local file keeps its own name in errors.
        (Some(text), Some(path)) => {
            Settings::from_toml(dir, path, &text).map_err(|e| miette::Report::new(*e))
        }
        (Some(text), None) => {
            std::fs::write(&named, &text).map_err(|e| miette::miette!("{e}"))?;
            Settings::from_toml(dir, &named, &text).map_err(|e| renamed(*e, dir))
        }
    }
}

/// A file of the tree as text; `None` when the tree has no such file.
fn fetch_text(remote: &Remote, path: &str) -> miette::Result<Option<String>> {
    let Some(bytes) = remote.fetch(path)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| miette::miette!("{path} at {} is not UTF-8 text", remote.sha))
}

/// A settings error with the stand-in folder's path replaced by the
/// repository-relative path of the file, as a checkout would show it.
fn renamed(mut e: crate::error::SourceError, dir: &Path) -> miette::Report {
    let prefix = format!("{}/", dir.display());
    let name = e.source_code.name().replace(&prefix, "");
    let text = e.source_code.inner().clone();
    e.source_code = miette::NamedSource::new(name, text);
    e.message = e.message.replace(&prefix, "");
    miette::Report::new(e)
}

/// The workspace of the tree at the commit, reading every file through `remote`.
pub fn workspace(settings: &Settings, remote: Arc<Remote>) -> Workspace {
    let paths = remote.paths();
    Workspace::from_source(&settings.root, settings.links.clone(), paths, remote)
        .within(settings.limits)
}
