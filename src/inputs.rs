//! Inputs: which files a run lints, and their bytes.
//!
//! Paths given on the command line are walked recursively (respecting
//! `.gitignore`, via the `ignore` crate); only Markdown files (`.md`,
//! `.md.erb`) are kept, minus the `[files] exclude` globs.

use globset::GlobSet;
use std::path::{Component, Path, PathBuf};

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Content {
    /// Read from this path on disk.
    Disk(PathBuf),
    /// Already in memory (the git index, the GitLab API).
    Bytes(Vec<u8>),
}

impl Content {
    /// Its size in bytes: from the file's metadata on disk (0 when it cannot
    /// be read; reading it will say why).
    pub fn size(&self) -> u64 {
        match self {
            Content::Disk(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
            Content::Bytes(bytes) => bytes.len() as u64,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Root-relative, `/`-separated.
    pub path: String,
    pub content: Content,
}

/// Whether a path names a Markdown page hblint lints.
pub fn is_markdown(path: &str) -> bool {
    path.ends_with(".md") || path.ends_with(".md.erb") || path.ends_with(".markdown")
}

/// A root-relative, `/`-separated path for `path` (absolute or relative to the
/// current directory). Paths outside the root keep their own form.
pub fn relative_to_root(root: &Path, path: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let abs = normalize(&abs);
    let root = normalize(root);
    let rel = abs.strip_prefix(&root).unwrap_or(&abs);
    let s: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            Component::RootDir => Some(String::new()),
            _ => None,
        })
        .collect();
    s.join("/")
}

/// Resolve `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A bad path given on the command line.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {reason}")]
pub struct PathError {
    pub path: String,
    pub reason: String,
}

impl PathError {
    /// A path that exists but that hblint does not lint (excluded, not Markdown).
    pub fn is_nothing_to_lint(&self) -> bool {
        self.reason.starts_with("excluded") || self.reason.starts_with("not a Markdown")
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        if self.reason.starts_with("excluded") {
            "remove the path from the command, or narrow [files] exclude in .hblint.toml".into()
        } else if self.reason.starts_with("not a Markdown") {
            "hblint lints .md, .md.erb and .markdown files".into()
        } else {
            "check the path".into()
        }
    }
}

/// Which files a run reads: the root, `[files] include`, the compiled
/// `[files] exclude` globs.
#[derive(Debug, Clone)]
pub struct FileSelection {
    pub root: PathBuf,
    /// Folders or files (relative to the root) linted when no path is given.
    pub include: Vec<String>,
    /// Root-relative paths never linted.
    pub exclude: GlobSet,
    /// The `[files] exclude` globs as written, in the order of `exclude`'s.
    pub exclude_globs: Vec<String>,
}

impl FileSelection {
    /// Every file under `root`, none excluded.
    pub fn all(root: &Path) -> FileSelection {
        FileSelection {
            root: root.to_path_buf(),
            include: Vec::new(),
            exclude: GlobSet::empty(),
            exclude_globs: Vec::new(),
        }
    }
}

/// The default paths of `hblint check` with no arguments: `[files] include`,
/// else the handbook content folder of either layout; `None` when the root
/// has neither (nothing to lint).
pub fn default_paths(settings: &FileSelection) -> Option<Vec<PathBuf>> {
    if !settings.include.is_empty() {
        return Some(
            settings
                .include
                .iter()
                .map(|p| settings.root.join(p))
                .collect(),
        );
    }
    ["content", "sites/handbook/source"]
        .iter()
        .map(|c| settings.root.join(c))
        .find(|p| p.is_dir())
        .map(|p| vec![p])
}

/// Every Markdown file under `paths`, sorted and deduplicated. A path that
/// does not exist is an error. With `explicit` (paths typed by the user), a
/// file given by name that is not Markdown or that `[files] exclude` matches
/// is an error too, so that a CI job never passes by linting nothing.
pub fn collect(
    settings: &FileSelection,
    paths: &[PathBuf],
    explicit: bool,
) -> Result<Vec<SourceFile>, PathError> {
    collect_kept(settings, paths, explicit, None)
}

/// [`collect`], the folders' file list kept in `kept` (a listing file of the
/// cache and its fingerprint) and walked again only when a folder changed
/// (see [`crate::cache::listing`]).
pub fn collect_kept(
    settings: &FileSelection,
    paths: &[PathBuf],
    explicit: bool,
    kept: Option<(PathBuf, u64)>,
) -> Result<Vec<SourceFile>, PathError> {
    let excludes = &settings.exclude;
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for path in paths {
        // A symbolic link that leads nowhere (or in a loop) is still a file
        // given by name: the read reports why it cannot be linted.
        let dangling_link = !path.exists()
            && path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
        if !path.exists() && !dangling_link {
            return Err(PathError {
                path: path.display().to_string(),
                reason: "no such file or folder".into(),
            });
        }
        if path.is_file() || dangling_link {
            let rel = relative_to_root(&settings.root, path);
            if explicit && excludes.is_match(&rel) {
                let globs: Vec<&str> = excludes
                    .matches(&rel)
                    .into_iter()
                    .filter_map(|i| settings.exclude_globs.get(i).map(String::as_str))
                    .collect();
                return Err(PathError {
                    path: path.display().to_string(),
                    reason: format!("excluded by [files] exclude `{}`", globs.join("`, `")),
                });
            }
            if explicit && !is_markdown(&rel) {
                return Err(PathError {
                    path: path.display().to_string(),
                    reason: "not a Markdown page (.md, .md.erb, .markdown)".into(),
                });
            }
            if !excludes.is_match(&rel) {
                files.push(SourceFile {
                    path: rel,
                    content: Content::Disk(path.clone()),
                });
            }
            continue;
        }
        folders.push(path.clone());
    }
    if !folders.is_empty() {
        // Without a canonical root the list is not kept.
        let root = std::fs::canonicalize(&settings.root);
        let kept = kept.filter(|_| root.is_ok());
        let root = root.unwrap_or_else(|_| settings.root.clone());
        let found = crate::cache::listing::walk(
            kept,
            &root,
            &folders,
            |path| std::fs::canonicalize(path).ok(),
            |path| {
                let mut walk = ignore::WalkBuilder::new(path);
                walk.hidden(true).git_ignore(true).require_git(false);
                walk
            },
            |entry| {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return None;
                }
                let rel = relative_to_root(&settings.root, entry.path());
                (is_markdown(&rel) && !excludes.is_match(&rel)).then_some(rel)
            },
        );
        files.extend(found.into_iter().map(|rel| SourceFile {
            content: Content::Disk(settings.root.join(&rel)),
            path: rel,
        }));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_size_is_read_from_disk_or_memory() {
        let dir = tempfile::tempdir().expect("dir");
        let page = dir.path().join("a.md");
        std::fs::write(&page, "12345").expect("write");
        assert_eq!(Content::Disk(page).size(), 5);
        assert_eq!(Content::Disk(dir.path().join("gone.md")).size(), 0);
        assert_eq!(Content::Bytes(b"abc".to_vec()).size(), 3);
    }

    #[test]
    fn relative_paths_use_slashes() {
        let root = Path::new("/r");
        assert_eq!(
            relative_to_root(root, Path::new("/r/content/a.md")),
            "content/a.md"
        );
        assert_eq!(
            relative_to_root(root, Path::new("/r/x/../content/./b.md")),
            "content/b.md"
        );
    }

    #[test]
    fn markdown_extensions() {
        assert!(is_markdown("a/b.md"));
        assert!(is_markdown("a/index.html.md.erb"));
        assert!(!is_markdown("a/b.yml"));
    }
}
