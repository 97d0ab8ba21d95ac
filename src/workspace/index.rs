//! The file index: which files exist (paths only, no page is read), the
//! mounts that serve them, and the URL each file is served at.

use super::{Mount, Target, Workspace, source::Files};
use crate::inputs::is_markdown;
use crate::links::{hugo, join_normalize, url_key};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The index's maps: thousands of short keys, hashed fast.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The file index: paths only.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// Every path of the tree, sorted.
    pub(super) paths: Vec<String>,
    /// Lowercased root-relative path → the path as it is on disk (its
    /// place in `paths`).
    pub(super) files: Map<String, u32>,
    /// Markdown pages under the mounts.
    pub(super) pages: Vec<String>,
    /// Hugo's page tree: a content file's key (`links::hugo::base`) → the
    /// file. Built on first need (a `ref` shortcode, a section link).
    bases: OnceLock<Map<String, String>>,
    /// A digest of every path the index was built from. The link targets
    /// are the paths' URLs under the settings (part of the cache's
    /// fingerprint), so it is also their digest.
    pub(super) paths_digest: u64,
    /// The link targets for suggestions, built on the first broken link.
    pub(super) targets: OnceLock<Targets>,
}

/// Every link target of the tree, for suggestions.
#[derive(Debug, Default)]
pub(super) struct Targets {
    /// `(url key, url as shown)`, in path order.
    pub(super) list: Vec<(String, String)>,
    /// Last URL segment → indices into `list`.
    pub(super) by_last: Map<String, Vec<usize>>,
    /// Trigram of a last URL segment → the segments (keys of `by_last`) that hold it.
    pub(super) by_trigram: Map<[u8; 3], Vec<usize>>,
    /// The keys of `by_last`, which `by_trigram` points into.
    pub(super) segments: Vec<String>,
}

impl Workspace {
    pub(super) fn index(&self) -> &Index {
        self.index.get_or_init(|| self.build_index())
    }

    /// Whether `run` (root-relative paths) holds every page of the tree; `false`
    /// when the run has not needed the tree's file list.
    pub fn is_whole_tree<'a>(&self, run: impl IntoIterator<Item = &'a str>) -> bool {
        let Some(index) = self.index.get() else {
            return false;
        };
        let run: std::collections::HashSet<&str> = run.into_iter().collect();
        index.pages.iter().all(|p| run.contains(p.as_str()))
    }

    /// Read now what a run that judges a change asks of the tree when it
    /// checks links: the files' stamps and the file list, side by side. A
    /// run calls it on a thread of its own while git answers. (Every page's
    /// frontmatter is left to the first link that needs it: a page without
    /// links needs none, and the first link comes as soon as the file list
    /// is built.)
    pub fn prepare_for_change(&self) {
        std::thread::scope(|s| {
            s.spawn(|| self.stamps());
            self.index();
        });
    }

    /// Build the tree's file list now, if no lookup has yet.
    pub fn prepare_index(&self) {
        self.index();
    }

    pub(super) fn build_index(&self) -> Index {
        let mut paths: Vec<String> = match &self.files {
            Files::Walk => {
                let mut paths = self.walk();
                if let Some(tree) = self.committed() {
                    tree.apply(&mut paths, |p| self.in_walked_dirs(p));
                }
                paths
            }
            Files::Given(p) => p.clone(),
            Files::Remote { paths, .. } => paths
                .iter()
                .filter(|p| self.in_walked_dirs(p))
                .cloned()
                .collect(),
        };
        if !matches!(self.files, Files::Given(_)) {
            for list in &self.config.static_lists {
                let Some(rel) = join_normalize("", list) else {
                    continue;
                };
                if let Some(text) = self.read_text(&rel) {
                    paths.extend(
                        text.lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty() && !l.starts_with('#'))
                            .filter_map(|l| join_normalize("", l))
                            .map(|l| l.trim_start_matches('/').to_owned()),
                    );
                }
            }
        }
        paths.sort();
        paths.dedup();
        // A suggestion also reads the work tree's files the judged tree lacks.
        let paths_digest = match self.committed() {
            None => crate::cache::deps::digest(&paths),
            Some(tree) => {
                // Sorted already, as `apply` keeps them.
                let absent: Vec<&str> = tree.absent().collect();
                crate::cache::deps::digest(&(&paths, absent))
            }
        };
        let mut index = Index {
            paths_digest,
            files: Map::with_capacity_and_hasher(paths.len(), Default::default()),
            ..Index::default()
        };
        for (i, path) in paths.iter().enumerate() {
            if is_markdown(path) && self.mount_of(path, &self.config.mount).is_some() {
                index.pages.push(path.clone());
            }
            if let Ok(i) = u32::try_from(i) {
                index.files.insert(path.to_lowercase(), i);
            }
        }
        index.paths = paths;
        index
    }

    /// A digest of everything a link's resolution reads from the tree: the
    /// file paths, where pages' frontmatter publishes them, and the redirect
    /// files. `None` until the pages' frontmatter has been read (this run's
    /// resolutions did not need it); reading it is left to [`Workspace::links_digest`].
    pub fn links_digest_known(&self) -> Option<u64> {
        self.meta.get()?;
        Some(self.links_digest())
    }

    /// [`Workspace::links_digest_known`], reading the pages' frontmatter if need be.
    pub fn links_digest(&self) -> u64 {
        *self.links_digest.get_or_init(|| {
            let meta = self.meta();
            let mut aliases: Vec<_> = meta.aliases.iter().collect();
            aliases.sort();
            let mut moved: Vec<_> = meta.moved.iter().collect();
            moved.sort();
            let mut unpublished: Vec<_> = meta.unpublished.iter().collect();
            unpublished.sort();
            let redirects = self.redirects();
            let mut exact: Vec<_> = redirects.exact.iter().collect();
            exact.sort();
            let patterns = redirects.patterns.as_ref().map(|p| p.patterns());
            crate::cache::deps::digest(&(
                self.index().paths_digest,
                aliases,
                moved,
                unpublished,
                exact,
                patterns,
            ))
        })
    }

    /// A digest of every link target of the tree: a broken link's
    /// suggestion cannot change while it stays the same.
    pub fn targets_digest(&self) -> u64 {
        self.index().paths_digest
    }

    /// Hugo's page tree: a content file's key (`links::hugo::base`) → the file.
    pub(super) fn bases(&self) -> &Map<String, String> {
        let index = self.index();
        index.bases.get_or_init(|| {
            let mut bases = Map::default();
            for path in &index.paths {
                if let Some(content) = self.content_path(path)
                    && hugo::is_content(&content)
                {
                    bases
                        .entry(hugo::base(&content))
                        .or_insert_with(|| path.clone());
                }
            }
            bases
        })
    }

    /// The tree's link targets, built on first need.
    pub(super) fn targets(&self) -> &Targets {
        let index = self.index();
        index.targets.get_or_init(|| {
            let mut targets = Targets::default();
            for path in &index.paths {
                let Some(url) = self.url_of(path) else {
                    continue;
                };
                let key = url_key(&url);
                let last = key.rsplit('/').next().unwrap_or_default().to_owned();
                targets
                    .by_last
                    .entry(last)
                    .or_default()
                    .push(targets.list.len());
                targets.list.push((key, url));
            }
            for seg in targets.by_last.keys() {
                for t in trigrams(seg) {
                    targets
                        .by_trigram
                        .entry(t)
                        .or_default()
                        .push(targets.segments.len());
                }
                targets.segments.push(seg.clone());
            }
            targets
        })
    }

    /// A file's path in Hugo's content tree (`/handbook/a/_index.md`): its
    /// path below the mount that holds it, under the mount's URL.
    pub(super) fn content_path(&self, file: &str) -> Option<String> {
        let (mount, rest) = self.mount_of(file, &self.config.mount)?;
        Some(format!("{}{rest}", mount.url.trim_end_matches('/')))
    }

    /// Every file under the mounted and static folders, not following
    /// symlinks that lead out of the root: last run's list while nothing it
    /// was read from has changed (see [`super::listing`]), else a walk.
    pub(super) fn walk(&self) -> Vec<String> {
        let Ok(root) = std::fs::canonicalize(&self.root) else {
            return Vec::new();
        };
        let starts: Vec<PathBuf> = self.walked_dirs().iter().map(|d| root.join(d)).collect();
        crate::cache::listing::walk(
            self.cache.listing_file("listing"),
            &root,
            &starts,
            |path| match std::fs::canonicalize(path) {
                Ok(real) if real.starts_with(&root) && real.is_dir() => Some(real),
                _ => None,
            },
            |path| {
                let mut walk = ignore::WalkBuilder::new(path);
                walk.hidden(false)
                    .git_ignore(true)
                    .require_git(false)
                    .follow_links(false);
                walk
            },
            |entry| listed(&root, entry),
        )
    }

    /// The mounted and static folders (root-relative, `""` for the root).
    pub(super) fn walked_dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = self
            .config
            .mount
            .iter()
            .chain(&self.config.static_dirs)
            .filter_map(|m| join_normalize("", &m.dir))
            .map(|d| d.trim_matches('/').to_owned())
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// The mount whose folder holds `file`, longest folder first, and the
    /// rest of the path (starting with `/`).
    pub(super) fn mount_of<'m>(
        &self,
        file: &'m str,
        mounts: &'m [Mount],
    ) -> Option<(&'m Mount, &'m str)> {
        mounts
            .iter()
            .filter_map(|m| {
                let dir = m.dir.trim_matches('/');
                let rest = if dir.is_empty() {
                    Some(file)
                } else {
                    file.strip_prefix(dir).filter(|r| r.starts_with('/'))
                };
                rest.map(|r| (m, r, dir.len()))
            })
            .max_by_key(|(_, _, len)| *len)
            .map(|(m, r, _)| (m, r))
    }

    /// The URL path a file is served at: a page's URL (`/handbook/a/`) or a
    /// plain file's (`/images/x.png`).
    pub fn url_of(&self, file: &str) -> Option<String> {
        if let Some((mount, rest)) = self.mount_of(file, &self.config.mount) {
            let base = mount.url.trim_end_matches('/');
            if is_markdown(file) {
                for form in &self.forms_longest_first {
                    let suffix = form.trim_start_matches("{}");
                    if let Some(r) = rest.strip_suffix(suffix) {
                        let suffix_is_dir = suffix.starts_with('/');
                        if suffix_is_dir || !r.is_empty() {
                            return Some(format!("{base}{r}/"));
                        }
                    }
                }
            }
            return Some(format!("{base}{rest}"));
        }
        let (mount, rest) = self.mount_of(file, &self.config.static_dirs)?;
        Some(format!("{}{rest}", mount.url.trim_end_matches('/')))
    }

    pub(super) fn file(&self, path: &str) -> Option<&str> {
        let index = self.index();
        let at = index
            .files
            .get(&path.trim_start_matches('/').to_lowercase())?;
        index.paths.get(*at as usize).map(String::as_str)
    }

    pub(super) fn as_target(file: &str) -> Target {
        if is_markdown(file) {
            Target::Page(file.to_owned())
        } else {
            Target::File(file.to_owned())
        }
    }

    /// A file path, or a folder/stem served as a page through the page forms.
    pub(super) fn lookup_file(&self, path: &str) -> Option<Target> {
        let trimmed = path.trim_end_matches('/');
        if !path.ends_with('/')
            && let Some(f) = self.file(trimmed)
        {
            return Some(Self::as_target(f));
        }
        let mut stems: Vec<&str> = vec![trimmed];
        for ext in [".html", ".md"] {
            if let Some(s) = trimmed.strip_suffix(ext) {
                stems.push(s);
                // Hugo treats `x/index.md` and `x/_index.md` as the page `x`.
                for index in ["/index", "/_index"] {
                    if let Some(dir) = s.strip_suffix(index) {
                        stems.push(dir);
                    }
                }
            }
        }
        for stem in stems {
            for form in &self.config.page_forms {
                let candidate = form.replace("{}", stem);
                if let Some(f) = self.file(&candidate) {
                    return Some(Self::as_target(f));
                }
            }
        }
        None
    }
}

/// The trigrams of a string's bytes (`leave` → `lea`, `eav`, `ave`); a
/// string shorter than three bytes is its own, padded with `\0`.
pub(super) fn trigrams(s: &str) -> Vec<[u8; 3]> {
    let b = s.as_bytes();
    if b.len() < 3 {
        let mut t = [0u8; 3];
        t[..b.len()].copy_from_slice(b);
        return vec![t];
    }
    let mut out: Vec<[u8; 3]> = b.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The root-relative path of a file a walk met: a file, or a symbolic link
/// to a file inside the root.
fn listed(root: &std::path::Path, entry: &ignore::DirEntry) -> Option<String> {
    let ft = entry.file_type()?;
    if ft.is_symlink() {
        match std::fs::canonicalize(entry.path()) {
            Ok(real) if real.starts_with(root) && real.is_file() => {}
            _ => return None,
        }
    } else if !ft.is_file() {
        return None;
    }
    let rel = entry.path().strip_prefix(root).ok()?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(rel.join("/"))
}
