//! The handbook tree: which files exist, which page a URL path is served at,
//! and (lazily, once per run) the anchors of the pages links point at.
//!
//! The index is built once per run from file paths only: no page is read to
//! build it. Page contents are read only when needed, each at most once:
//! a page's anchors when a link to it carries a `#fragment` (reusing the
//! run's parsed [`Document`] when the page is being linted), and the pages'
//! `aliases:` and the redirect files when some link does not resolve by path.
//!
//! Resolution never touches a path outside the root: `..` that climbs above
//! the top and symlinks that point out of the root make a link broken.

use crate::config::Settings;
use crate::document::Document;
use crate::inputs::is_markdown;
use crate::links::slug::{IdFactory, SlugStyle};
use crate::links::{self, Dest, Internal, join_normalize, url_key};
use rayon::prelude::*;
use regex::{Regex, RegexSet};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// A URL prefix served from a folder of the repository.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mount {
    /// URL path prefix, such as `/handbook/`.
    pub url: String,
    /// Folder relative to the root, such as `content/handbook`.
    pub dir: String,
}

/// `[links]` in `.hblint.toml`. The defaults fit today's Hugo handbook.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LinksConfig {
    /// `[[links.mount]]`: URL prefixes served from page folders (default `/` from `content`).
    pub mount: Vec<Mount>,
    /// `[[links.static]]`: URL prefixes served from folders of plain files (default `/` from `static`).
    #[serde(rename = "static")]
    pub static_dirs: Vec<Mount>,
    /// Files listing root-relative paths of static files, standing in for a missing static folder.
    pub static_lists: Vec<String>,
    /// The files a page URL can be served from; `{}` is the URL path below the mount.
    pub page_forms: Vec<String>,
    /// The handbook's own hosts (`host` or `host/prefix`): full URLs there are internal links.
    pub hosts: Vec<String>,
    /// URL path prefixes never checked (pages that live in another repository).
    pub skip: Vec<String>,
    /// Middleman-style redirect files (`data/redirects.yml`): their sources are valid targets.
    pub redirects: Vec<String>,
    /// How the site generator turns headings into ids: `github` (Hugo) or `kramdown` (Middleman).
    pub anchor_style: SlugStyle,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            mount: vec![Mount {
                url: "/".into(),
                dir: "content".into(),
            }],
            static_dirs: vec![Mount {
                url: "/".into(),
                dir: "static".into(),
            }],
            static_lists: vec!["static-files.txt".into()],
            page_forms: vec!["{}.md".into(), "{}/_index.md".into(), "{}/index.md".into()],
            hosts: vec![
                "handbook.gitlab.com".into(),
                "about.gitlab.com/handbook".into(),
            ],
            skip: Vec::new(),
            redirects: vec!["data/redirects.yml".into()],
            anchor_style: SlugStyle::Github,
        }
    }
}

/// What a link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A Markdown page (root-relative file path).
    Page(String),
    /// Any other file (image, PDF…).
    File(String),
    /// A page's `aliases:` entry; the page is given.
    Alias(String),
    /// A source of a redirect file.
    Redirect,
    /// A page the generator makes without a file (home page, top-level section list).
    Generated,
    /// Nothing in the tree.
    Missing,
    /// The path climbs out of the root.
    Escapes,
}

/// A link looked up in the workspace.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub target: Target,
    pub link: Internal,
    /// The root-relative URL path the link names (best effort for relative links).
    pub url: String,
}

impl Resolution {
    /// The page whose anchors a fragment must match, if any.
    pub fn page(&self) -> Option<&str> {
        match &self.target {
            Target::Page(p) | Target::Alias(p) => Some(p),
            _ => None,
        }
    }
}

/// The ids a page can be linked to with `#fragment`.
#[derive(Debug, Default)]
pub struct AnchorSet {
    pub ids: HashSet<String>,
    /// In page order, for suggestions.
    pub list: Vec<String>,
    /// False when the page pulls in content hblint cannot see (Hugo `include`
    /// shortcodes, ERB partials): a missing anchor may then be there.
    pub complete: bool,
}

impl AnchorSet {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id) || id == "top"
    }

    /// An id equal to `id` but for case.
    pub fn case_insensitive(&self, id: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|a| a.eq_ignore_ascii_case(id) || a.to_lowercase() == id.to_lowercase())
            .map(String::as_str)
    }

    /// The closest id to `id`, if one is close enough to be a likely intent.
    pub fn closest(&self, id: &str) -> Option<&str> {
        let id_l = id.to_lowercase();
        let limit = (id_l.chars().count() / 3).max(2);
        let id_chars = id_l.chars().count();
        self.list
            .iter()
            .filter_map(|a| {
                let prefix = a.starts_with(&id_l) || id_l.starts_with(a.as_str());
                // The distance is at least the difference in length: skip the
                // anchors that cannot be close before computing it.
                if !prefix && a.chars().count().abs_diff(id_chars) > limit {
                    return None;
                }
                let d = strsim::osa_distance(&id_l, a);
                (d <= limit || prefix).then_some((d, a))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, a)| a.as_str())
    }

    fn insert(&mut self, id: String) {
        if self.ids.insert(id.clone()) {
            self.list.push(id);
        }
    }

    /// The anchors of a parsed page.
    pub fn of(doc: &Document, style: SlugStyle) -> AnchorSet {
        static ATTR: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"\{:?\s*#([A-Za-z0-9_][\w:.\-]*)[^}\n]*\}").expect("static regex")
        });
        let mut set = AnchorSet {
            complete: !generates_content(&doc.text),
            ..AnchorSet::default()
        };
        let mut factory = IdFactory::new(style);
        for h in &doc.headings {
            let id = match &h.custom_id {
                Some(id) => {
                    factory.put(id);
                    id.clone()
                }
                None if style == SlugStyle::KramdownGfm => {
                    // Links in the wild use the id with and without the text
                    // of raw HTML tags (`<i class="fa …"></i> Title`): accept both.
                    let raw = raw_heading_text(&doc.text, h.range.clone());
                    let bare = strip_tags(&raw);
                    if bare != raw {
                        let collapsed = bare.split_whitespace().collect::<Vec<_>>().join(" ");
                        let collapsed = if bare.starts_with(char::is_whitespace) {
                            format!(" {collapsed}")
                        } else {
                            collapsed
                        };
                        for variant in [bare, collapsed] {
                            let id = crate::links::slug::slug(style, &variant);
                            if !id.is_empty() {
                                set.insert(id);
                            }
                        }
                    }
                    factory.generate(&raw)
                }
                None => factory.generate(&h.text),
            };
            set.insert(id);
        }
        for a in &doc.html_anchors {
            set.insert(a.id.clone());
        }
        // `{#id}` / `{: #id}` attribute lists on any block, not only headings.
        for c in ATTR.captures_iter(&doc.text) {
            set.insert(c[1].to_owned());
        }
        set
    }
}

/// A heading's Markdown source without its `#` marks, closing `#`s,
/// attribute list or setext underline.
fn raw_heading_text(text: &str, range: std::ops::Range<usize>) -> String {
    let src = text.get(range).unwrap_or_default();
    let first = src.lines().next().unwrap_or_default();
    let mut t = first.trim().trim_start_matches('#').trim();
    if let Some(i) = t.find("{#").or_else(|| t.find("{:")) {
        t = t[..i].trim_end();
    }
    let closed = t.trim_end_matches('#');
    if closed.len() < t.len() && (closed.is_empty() || closed.ends_with(' ')) {
        t = closed.trim_end();
    }
    t.to_owned()
}

/// The text without raw HTML tags (`<i class="fas fa-x"></i>`).
fn strip_tags(text: &str) -> String {
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"</?[A-Za-z][^>]*>").expect("static regex"));
    TAG.replace_all(text, "").into_owned()
}

/// Shortcodes that only wrap or style the page's own Markdown: whatever
/// headings they hold are in the page text. Any other shortcode (`include`,
/// `team`, `performance-indicators`…) may render anchors hblint cannot see.
const WRAPPER_SHORTCODES: &[&str] = &[
    "alert",
    "details",
    "panel",
    "note",
    "label",
    "card",
    "cardpane",
    "pageinfo",
    "youtube",
    "vimeo",
    "ref",
    "relref",
    "tab",
    "tabs",
    "warning",
    "tip",
    "comment",
    "figure",
    "blockpane",
    "alertpane",
    "sisense",
    "tableau",
    "gdoc",
    "iframe",
    "mermaid",
    "member-by-name",
    "member-by-gitlab",
    "member-and-role-by-gitlab",
];

/// Whether the page pulls in content hblint cannot see: a shortcode other
/// than the wrappers, or an ERB tag (Middleman partials).
fn generates_content(text: &str) -> bool {
    static SHORTCODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{\{[<%]\s*([A-Za-z][\w/-]*)").expect("static regex"));
    text.contains("<%")
        || SHORTCODE
            .captures_iter(text)
            .any(|c| !WRAPPER_SHORTCODES.contains(&&c[1]))
}

/// The file index: paths only.
#[derive(Debug, Default)]
struct Index {
    /// Lowercased root-relative path → the path as it is on disk.
    files: HashMap<String, String>,
    /// Markdown pages under the mounts.
    pages: Vec<String>,
    /// Every link target, for suggestions: `(url key, url as shown)`.
    targets: Vec<(String, String)>,
    /// Last URL segment → indices into `targets`.
    by_last: HashMap<String, Vec<usize>>,
}

#[derive(Debug, Default)]
struct Redirects {
    exact: HashSet<String>,
    patterns: Option<RegexSet>,
}

type AnchorCell = Arc<OnceLock<Option<Arc<AnchorSet>>>>;

/// The tree the linted pages live in.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: LinksConfig,
    /// The run's limits, for the pages read besides the linted ones.
    limits: crate::limits::Limits,
    /// Given paths instead of a walk (tests, API runs).
    given: Option<Vec<String>>,
    index: OnceLock<Index>,
    aliases: OnceLock<HashMap<String, String>>,
    redirects: OnceLock<Redirects>,
    anchors: Mutex<HashMap<String, AnchorCell>>,
    suggestions: Mutex<HashMap<String, Option<String>>>,
    word_frequency: OnceLock<Arc<crate::spelling::frequency::TreeFrequency>>,
}

impl Workspace {
    /// The workspace of `settings.root`; the tree is walked on first use.
    pub fn new(settings: &Settings) -> Workspace {
        Workspace {
            root: settings.root.clone(),
            config: settings.links.clone(),
            limits: settings.limits,
            given: None,
            index: OnceLock::new(),
            aliases: OnceLock::new(),
            redirects: OnceLock::new(),
            anchors: Mutex::new(HashMap::new()),
            suggestions: Mutex::new(HashMap::new()),
            word_frequency: OnceLock::new(),
        }
    }

    /// How often each word occurs in the tree, counted once per run on first
    /// use: from the run's documents when they are the tree, else from the
    /// root's Markdown files (see `spelling::frequency`).
    pub fn word_frequency(
        &self,
        settings: &Settings,
        documents: &[Document],
    ) -> Arc<crate::spelling::frequency::TreeFrequency> {
        self.word_frequency
            .get_or_init(|| Arc::new(crate::spelling::frequency::count(settings, documents)))
            .clone()
    }

    /// A workspace whose files are exactly `paths` (root-relative), for tests
    /// and runs without a checkout. Pages are still read from the root when
    /// their anchors or aliases are needed.
    pub fn with_paths(settings: &Settings, paths: Vec<String>) -> Workspace {
        let mut w = Workspace::new(settings);
        w.given = Some(paths);
        w
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| self.build_index())
    }

    fn build_index(&self) -> Index {
        let mut paths: Vec<String> = match &self.given {
            Some(p) => p.clone(),
            None => self.walk(),
        };
        if self.given.is_none() {
            for list in &self.config.static_lists {
                let Some(rel) = join_normalize("", list) else {
                    continue;
                };
                if let Ok(text) = std::fs::read_to_string(self.root.join(&rel)) {
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
        let mut index = Index::default();
        for path in paths {
            if is_markdown(&path) && self.mount_of(&path, &self.config.mount).is_some() {
                index.pages.push(path.clone());
            }
            if let Some(url) = self.url_of(&path) {
                let key = url_key(&url);
                let last = key.rsplit('/').next().unwrap_or_default().to_owned();
                index
                    .by_last
                    .entry(last)
                    .or_default()
                    .push(index.targets.len());
                index.targets.push((key, url));
            }
            index.files.insert(path.to_lowercase(), path);
        }
        index
    }

    /// Every file under the mounted and static folders, not following
    /// symlinks that lead out of the root.
    fn walk(&self) -> Vec<String> {
        let Ok(root) = std::fs::canonicalize(&self.root) else {
            return Vec::new();
        };
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
        let mut out = Vec::new();
        for dir in dirs {
            let path = root.join(&dir);
            match std::fs::canonicalize(&path) {
                Ok(real) if real.starts_with(&root) && real.is_dir() => {}
                _ => continue,
            }
            let walker = ignore::WalkBuilder::new(&path)
                .hidden(false)
                .git_ignore(true)
                .require_git(false)
                .follow_links(false)
                .build();
            for entry in walker.flatten() {
                let Some(ft) = entry.file_type() else {
                    continue;
                };
                if ft.is_symlink() {
                    match std::fs::canonicalize(entry.path()) {
                        Ok(real) if real.starts_with(&root) && real.is_file() => {}
                        _ => continue,
                    }
                } else if !ft.is_file() {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&root) else {
                    continue;
                };
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
        out
    }

    /// The mount whose folder holds `file`, longest folder first, and the
    /// rest of the path (starting with `/`).
    fn mount_of<'m>(&self, file: &'m str, mounts: &'m [Mount]) -> Option<(&'m Mount, &'m str)> {
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

    fn forms_longest_first(&self) -> Vec<&str> {
        let mut forms: Vec<&str> = self.config.page_forms.iter().map(String::as_str).collect();
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms
    }

    /// The URL path a file is served at: a page's URL (`/handbook/a/`) or a
    /// plain file's (`/images/x.png`).
    pub fn url_of(&self, file: &str) -> Option<String> {
        if let Some((mount, rest)) = self.mount_of(file, &self.config.mount) {
            let base = mount.url.trim_end_matches('/');
            if is_markdown(file) {
                for form in self.forms_longest_first() {
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

    fn file(&self, path: &str) -> Option<&str> {
        self.index()
            .files
            .get(&path.trim_start_matches('/').to_lowercase())
            .map(String::as_str)
    }

    fn as_target(file: &str) -> Target {
        if is_markdown(file) {
            Target::Page(file.to_owned())
        } else {
            Target::File(file.to_owned())
        }
    }

    /// A file path, or a folder/stem served as a page through the page forms.
    fn lookup_file(&self, path: &str) -> Option<Target> {
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

    /// Look a root-relative URL path up. `None`: no mount serves it (cannot be
    /// checked); `Some(None)`: a mount serves it but nothing is there.
    fn lookup_url(&self, url: &str) -> Option<Option<Target>> {
        let mut served = false;
        for (mounts, pages) in [
            (&self.config.mount, true),
            (&self.config.static_dirs, false),
        ] {
            for m in mounts {
                let prefix = m.url.trim_end_matches('/');
                let rest = if prefix.is_empty() {
                    Some(url)
                } else if url.eq_ignore_ascii_case(prefix) {
                    Some("/")
                } else {
                    url.get(..prefix.len() + 1)
                        .filter(|p| p.eq_ignore_ascii_case(&format!("{prefix}/")))
                        .map(|_| &url[prefix.len()..])
                };
                let Some(rest) = rest else { continue };
                served = true;
                let dir = m.dir.trim_matches('/');
                let candidate = format!("{dir}{rest}");
                let found = if pages {
                    self.lookup_file(&candidate)
                        .or_else(|| self.generated(dir, rest))
                } else if rest.ends_with('/') {
                    None
                } else {
                    self.file(&candidate).map(Self::as_target)
                };
                if found.is_some() {
                    return Some(found);
                }
            }
        }
        served.then_some(None)
    }

    /// Pages the generator makes without a file: the home page of a mount
    /// and the list page of a top-level section folder.
    fn generated(&self, dir: &str, rest: &str) -> Option<Target> {
        let section = rest.trim_matches('/');
        if section.is_empty() {
            return Some(Target::Generated);
        }
        if section.contains('/') {
            return None;
        }
        let prefix = format!("{dir}/{section}/").to_lowercase();
        let prefix = prefix.trim_start_matches('/');
        self.index()
            .files
            .keys()
            .any(|f| f.starts_with(prefix))
            .then_some(Target::Generated)
    }

    fn skipped(&self, url: &str) -> bool {
        let lower = url.to_lowercase();
        self.config.skip.iter().any(|s| {
            let s = s.to_lowercase();
            lower.starts_with(&s) || format!("{lower}/") == s
        })
    }

    /// Resolve the link `dest` written in the page `from`. `None`: not a link
    /// hblint can check (another site, a skipped prefix, generator syntax).
    pub fn resolve(&self, from: &str, dest: &str) -> Option<Resolution> {
        let Dest::Internal(link) = links::parse(dest, &self.config.hosts) else {
            return None;
        };
        if link.path.is_empty() {
            let url = self.url_of(from).unwrap_or_default();
            return Some(Resolution {
                target: Target::Page(from.to_owned()),
                link,
                url,
            });
        }
        if link.rooted {
            let Some(url) = join_normalize("", &link.path) else {
                return Some(Resolution {
                    target: Target::Escapes,
                    url: link.path.clone(),
                    link,
                });
            };
            if self.skipped(&url) {
                return None;
            }
            let found = self.lookup_url(&url)?;
            let target = found.unwrap_or_else(|| self.fallback(&url));
            return Some(Resolution { target, link, url });
        }
        // Relative: to the page's file (Hugo's render hook), else to its URL.
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let by_file = join_normalize(dir, &link.path);
        let mut tries: Vec<String> = by_file.iter().cloned().collect();
        // A leaf bundle (`x/index.md`) resolves page references from its parent.
        if from.ends_with("/index.md")
            && let Some(parent) = dir.rsplit_once('/').map(|(p, _)| p)
            && let Some(j) = join_normalize(parent, &link.path)
        {
            tries.push(j);
        }
        for j in &tries {
            if let Some(t) = self.lookup_file(j) {
                let url = self.url_of(j).unwrap_or_else(|| j.clone());
                return Some(Resolution {
                    target: t,
                    link,
                    url,
                });
            }
        }
        // Hugo's GetPage also finds a page by a unique file name (`leave.md`).
        if !link.path.contains('/')
            && let Some(page) = self.unique_page_named(&link.path)
        {
            let url = self.url_of(&page).unwrap_or_default();
            return Some(Resolution {
                target: Target::Page(page),
                link,
                url,
            });
        }
        let by_url = self
            .url_of(from)
            .and_then(|base| join_normalize(&base, &link.path));
        match by_url {
            Some(url) => {
                if self.skipped(&url) {
                    return None;
                }
                let target = match self.lookup_url(&url) {
                    Some(Some(t)) => t,
                    Some(None) => self.fallback(&url),
                    None if by_file.is_some() => Target::Missing,
                    None => return None,
                };
                Some(Resolution { target, link, url })
            }
            None => Some(Resolution {
                target: if by_file.is_some() {
                    Target::Missing
                } else {
                    Target::Escapes
                },
                url: link.path.clone(),
                link,
            }),
        }
    }

    /// A path that is no file: an alias or a redirect, else missing.
    fn fallback(&self, url: &str) -> Target {
        let key = url_key(url);
        if let Some(page) = self.aliases().get(&key) {
            return Target::Alias(page.clone());
        }
        let r = self.redirects();
        if r.exact.contains(&key) || r.patterns.as_ref().is_some_and(|p| p.is_match(url)) {
            return Target::Redirect;
        }
        Target::Missing
    }

    /// `aliases:` of every page: URL key → page. Read on first need.
    fn aliases(&self) -> &HashMap<String, String> {
        self.aliases.get_or_init(|| {
            let pages = &self.index().pages;
            let found: Vec<(String, String)> = pages
                .par_iter()
                .flat_map_iter(|page| {
                    let aliases = self
                        .limits
                        .read(&self.root.join(page))
                        .ok()
                        .map(|b| frontmatter_aliases(&b, &self.limits))
                        .unwrap_or_default();
                    let base = self.url_of(page).unwrap_or_default();
                    aliases
                        .into_iter()
                        .filter_map(|a| {
                            let parent = base.trim_end_matches('/').rsplit_once('/')?.0.to_owned();
                            let url = if a.starts_with('/') || a.contains("://") {
                                a.split_once("://").map_or(a.clone(), |(_, r)| {
                                    r.find('/').map_or("/".into(), |i| r[i..].to_owned())
                                })
                            } else {
                                format!("{parent}/{a}")
                            };
                            Some((url_key(&url), page.clone()))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            found.into_iter().collect()
        })
    }

    fn redirects(&self) -> &Redirects {
        self.redirects.get_or_init(|| {
            let mut r = Redirects::default();
            let mut patterns = Vec::new();
            for file in &self.config.redirects {
                let Some(rel) = join_normalize("", file) else {
                    continue;
                };
                let Ok(text) = std::fs::read_to_string(self.root.join(rel.trim_start_matches('/')))
                else {
                    continue;
                };
                let Ok(serde_norway::Value::Sequence(entries)) =
                    serde_norway::from_str::<serde_norway::Value>(&text)
                else {
                    continue;
                };
                for e in entries {
                    let sources: Vec<String> = match e.get("sources") {
                        Some(serde_norway::Value::String(s)) => vec![s.clone()],
                        Some(serde_norway::Value::Sequence(s)) => s
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect(),
                        _ => Vec::new(),
                    };
                    let regex = e.get("comp_op").and_then(|v| v.as_str()) == Some("~");
                    for s in sources {
                        if regex {
                            patterns.push(s);
                        } else {
                            r.exact.insert(url_key(&s));
                        }
                    }
                }
            }
            patterns.retain(|p| Regex::new(p).is_ok());
            r.patterns = RegexSet::new(&patterns).ok().filter(|s| !s.is_empty());
            r
        })
    }

    /// Read and parse a page of the tree that the run does not lint. Only
    /// paths from the index are read, so never a file outside the root;
    /// `None` for a path the index does not know, or a page that cannot be read.
    pub fn read_page(&self, page: &str) -> Option<Document> {
        let real = self.file(page)?;
        let bytes = self.limits.read(&self.root.join(real)).ok()?;
        Document::from_bytes_within(real, &bytes, &self.limits).ok()
    }

    /// The anchors of `page`, parsed at most once per run: from the run's
    /// documents when the page is linted, else read from the root.
    pub fn anchors(&self, page: &str, documents: &[Document]) -> Option<Arc<AnchorSet>> {
        let cell = {
            let mut map = self.anchors.lock().ok()?;
            map.entry(page.to_owned()).or_default().clone()
        };
        cell.get_or_init(|| {
            let style = self.config.anchor_style;
            if let Ok(i) = documents.binary_search_by(|d| d.path.as_str().cmp(page)) {
                return Some(Arc::new(AnchorSet::of(&documents[i], style)));
            }
            let doc = self.read_page(page)?;
            Some(Arc::new(AnchorSet::of(&doc, style)))
        })
        .clone()
    }

    /// The existing page or file closest to a missing URL: one with the same
    /// last segment (a moved page), else the nearest by edit distance.
    pub fn suggest(&self, url: &str) -> Option<String> {
        let key = url_key(url);
        if let Ok(map) = self.suggestions.lock()
            && let Some(s) = map.get(&key)
        {
            return s.clone();
        }
        let found = self.compute_suggestion(&key);
        if let Ok(mut map) = self.suggestions.lock() {
            map.insert(key, found.clone());
        }
        found
    }

    fn compute_suggestion(&self, key: &str) -> Option<String> {
        let index = self.index();
        let last = key.rsplit('/').next().unwrap_or_default();
        if last.is_empty() {
            return None;
        }
        let best_of = |ids: &mut dyn Iterator<Item = usize>| {
            ids.map(|i| (strsim::levenshtein(key, &index.targets[i].0), i))
                .min()
                .map(|(_, i)| index.targets[i].1.clone())
        };
        if let Some(ids) = index.by_last.get(last) {
            return best_of(&mut ids.iter().copied());
        }
        let limit = (last.chars().count() / 4).max(1);
        let close: Vec<(usize, usize)> = index
            .by_last
            .iter()
            .filter(|(seg, _)| {
                seg.len().abs_diff(last.len()) <= limit && letters_apart(seg, last) <= limit
            })
            .map(|(seg, ids)| (strsim::osa_distance(seg, last), ids))
            .filter(|(d, _)| *d <= limit)
            .flat_map(|(d, ids)| ids.iter().map(move |&i| (d, i)))
            .collect();
        let min = close.iter().map(|(d, _)| *d).min()?;
        best_of(&mut close.iter().filter(|(d, _)| *d == min).map(|(_, i)| *i))
    }

    /// The one page whose file name is `name` (with or without `.md`).
    fn unique_page_named(&self, name: &str) -> Option<String> {
        let name = name.to_lowercase();
        let with_ext = if name.ends_with(".md") {
            name.clone()
        } else {
            format!("{name}.md")
        };
        let mut found = self.pages().iter().filter(|p| {
            let file = p.rsplit('/').next().unwrap_or(p).to_lowercase();
            file == with_ext
        });
        let first = found.next()?;
        found.next().is_none().then(|| first.clone())
    }

    /// Markdown pages of the tree (root-relative).
    pub fn pages(&self) -> &[String] {
        &self.index().pages
    }

    /// Whether the tree has this file.
    pub fn exists(&self, path: &str) -> bool {
        self.file(path).is_some()
    }

    /// Whether the link `dest` in `from` names `page` (which may no longer
    /// exist): by URL, by file path, or through the page forms.
    pub fn names_page(&self, from: &str, dest: &str, page: &str) -> bool {
        let Dest::Internal(link) = links::parse(dest, &self.config.hosts) else {
            return false;
        };
        if link.path.is_empty() {
            return false;
        }
        let page_key = self.url_of(page).map(|u| url_key(&u));
        let same_url = |url: &str| page_key.as_deref() == Some(url_key(url).as_str());
        if link.rooted {
            return join_normalize("", &link.path).is_some_and(|u| same_url(&u));
        }
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        if let Some(j) = join_normalize(dir, &link.path) {
            let t = j.trim_end_matches('/');
            if t.eq_ignore_ascii_case(page)
                || self
                    .config
                    .page_forms
                    .iter()
                    .any(|f| f.replace("{}", t).eq_ignore_ascii_case(page))
            {
                return true;
            }
        }
        self.url_of(from)
            .and_then(|base| join_normalize(&base, &link.path))
            .is_some_and(|u| same_url(&u))
    }

    /// Pages of the tree that may link to one of `targets`: a fast scan of
    /// raw bytes (in parallel) for the targets' last URL segment or file stem,
    /// plus the pages in the targets' folders (relative links such as `../`).
    /// The caller parses only these.
    pub fn inbound_candidates(&self, targets: &[String]) -> Vec<String> {
        let mut needles: Vec<String> = Vec::new();
        let mut folders: Vec<String> = Vec::new();
        for t in targets {
            if let Some(url) = self.url_of(t) {
                let key = url_key(&url);
                if let Some(last) = key.rsplit('/').next().filter(|l| !l.is_empty()) {
                    needles.push(last.to_owned());
                }
            }
            let file = t.rsplit('/').next().unwrap_or(t);
            let stem = file.split('.').next().unwrap_or(file);
            let index_page = stem == "_index" || stem == "index";
            if !stem.is_empty() && !index_page {
                needles.push(stem.to_lowercase());
            }
            // Pages below an index page reach it with `../` alone.
            if index_page && let Some((dir, _)) = t.rsplit_once('/') {
                folders.push(format!("{dir}/"));
            }
        }
        needles.sort();
        needles.dedup();
        // The segment as a link writes it: after `/`, `(`, a quote, `:` or a
        // space, and before `/`, `#`, `?`, `)`, a quote, `>`, `.md`, `.html`
        // or the end of the line. Prose mentions of the word do not match.
        let pattern = format!(
            r#"(?im)[/("':\s](?:{})(?:[/#?)"'>]|\.md|\.html|\s*$)"#,
            needles
                .iter()
                .map(|n| regex::escape(n))
                .collect::<Vec<_>>()
                .join("|")
        );
        let Ok(re) = regex::bytes::RegexBuilder::new(&pattern).build() else {
            return Vec::new();
        };
        let mut found: Vec<String> = self
            .pages()
            .par_iter()
            .filter(|p| !targets.contains(p))
            .filter(|p| {
                folders.iter().any(|f| p.starts_with(f.as_str()))
                    || (!needles.is_empty()
                        && std::fs::read(self.root.join(p.as_str()))
                            .is_ok_and(|bytes| re.is_match(&bytes)))
            })
            .cloned()
            .collect();
        found.sort();
        found
    }
}

/// `aliases:` from a page's YAML frontmatter, without parsing the Markdown
/// (none from a page past the limits).
fn frontmatter_aliases(bytes: &[u8], limits: &crate::limits::Limits) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) else {
        return Vec::new();
    };
    if limits.check_text(text).is_err() {
        return Vec::new();
    }
    let Some(body) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Vec::new();
    };
    let end = body
        .find("\n---")
        .map_or(body.len(), |i| i + 1)
        .min(body.len());
    let yaml = &body[..end];
    if !yaml.contains("aliases") {
        return Vec::new();
    }
    let Ok(value) = serde_norway::from_str::<serde_norway::Value>(yaml) else {
        return Vec::new();
    };
    crate::document::yaml_string_list(&value, "aliases")
}

/// A root-relative path for a page named on the command line, if it lies
/// inside `root`: a relative path that names no file from the current
/// folder is taken as relative to the root (the page may be gone already).
pub fn inside_root(root: &Path, path: &Path) -> Option<String> {
    if path.is_relative() && !path.exists() {
        let text = path.to_string_lossy().replace('\\', "/");
        let rel = join_normalize("", &text)?;
        return (!rel.is_empty() && !rel.starts_with('/')).then_some(rel);
    }
    let rel = crate::inputs::relative_to_root(root, path);
    (!rel.starts_with('/') && !rel.is_empty()).then_some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hugo(paths: &[&str]) -> Workspace {
        let settings = Settings::defaults(Path::new("/nonexistent-root"));
        Workspace::with_paths(&settings, paths.iter().map(|p| p.to_string()).collect())
    }

    fn middleman(paths: &[&str]) -> Workspace {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/middleman.hblint.toml"),
        )
        .expect("example config");
        let settings = Settings::from_toml(
            Path::new("/nonexistent-root"),
            Path::new("middleman.hblint.toml"),
            &text,
        )
        .expect("example config is valid");
        Workspace::with_paths(&settings, paths.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn hugo_urls_of_pages_and_files() {
        let w = hugo(&[]);
        assert_eq!(
            w.url_of("content/handbook/a/b.md").as_deref(),
            Some("/handbook/a/b/")
        );
        assert_eq!(
            w.url_of("content/handbook/a/_index.md").as_deref(),
            Some("/handbook/a/")
        );
        assert_eq!(
            w.url_of("content/handbook/a/index.md").as_deref(),
            Some("/handbook/a/")
        );
        assert_eq!(w.url_of("content/_index.md").as_deref(), Some("/"));
        assert_eq!(
            w.url_of("content/handbook/a/x.png").as_deref(),
            Some("/handbook/a/x.png")
        );
        assert_eq!(
            w.url_of("static/images/x.png").as_deref(),
            Some("/images/x.png")
        );
        assert_eq!(w.url_of("README.md"), None);
    }

    #[test]
    fn middleman_urls_and_forms() {
        let w = middleman(&[
            "sites/handbook/source/handbook/a/index.html.md",
            "sites/handbook/source/handbook/a/b.html.md",
            "sites/handbook/source/handbook/c/index.html.md.erb",
            "sites/uncategorized/source/job-families/sales/x/index.html.md",
        ]);
        assert_eq!(
            w.url_of("sites/handbook/source/handbook/a/b.html.md")
                .as_deref(),
            Some("/handbook/a/b/")
        );
        let target = |from: &str, dest: &str| w.resolve(from, dest).map(|r| r.target);
        let from = "sites/handbook/source/handbook/a/index.html.md";
        let page = |p: &str| Some(Target::Page(p.to_owned()));
        assert_eq!(
            target(from, "/handbook/a/b/"),
            page("sites/handbook/source/handbook/a/b.html.md")
        );
        assert_eq!(
            target(from, "/handbook/a/b.html"),
            page("sites/handbook/source/handbook/a/b.html.md")
        );
        assert_eq!(
            target(from, "https://about.gitlab.com/handbook/c/"),
            page("sites/handbook/source/handbook/c/index.html.md.erb")
        );
        assert_eq!(
            target(from, "/job-families/sales/x/"),
            page("sites/uncategorized/source/job-families/sales/x/index.html.md")
        );
        assert_eq!(target(from, "/company/team/"), None, "no mount serves it");
        assert_eq!(target(from, "/handbook/nope/"), Some(Target::Missing));
    }

    #[test]
    fn hugo_relative_forms() {
        let w = hugo(&[
            "content/handbook/a/_index.md",
            "content/handbook/a/b.md",
            "content/handbook/a/bundle/index.md",
            "content/handbook/a/bundle/img.png",
            "content/handbook/c/unique-name.md",
        ]);
        let target = |from: &str, dest: &str| w.resolve(from, dest).map(|r| r.target);
        let page = |p: &str| Some(Target::Page(p.to_owned()));
        let b = "content/handbook/a/b.md";
        assert_eq!(
            target(b, "../a/_index.md"),
            page("content/handbook/a/_index.md")
        );
        assert_eq!(
            target(b, "./index.md"),
            page("content/handbook/a/_index.md")
        );
        assert_eq!(
            target(b, "bundle/"),
            page("content/handbook/a/bundle/index.md")
        );
        assert_eq!(
            target(b, "unique-name.md"),
            page("content/handbook/c/unique-name.md")
        );
        let bundle = "content/handbook/a/bundle/index.md";
        assert_eq!(
            target(bundle, "img.png"),
            Some(Target::File("content/handbook/a/bundle/img.png".into()))
        );
        assert_eq!(target(bundle, "b.md"), page("content/handbook/a/b.md"));
        assert_eq!(target(b, "#x"), page(b));
        assert_eq!(target(b, "/"), Some(Target::Generated));
        assert_eq!(target(b, "/handbook/"), Some(Target::Generated));
        assert_eq!(target(b, "../../../../x"), Some(Target::Escapes));
        assert_eq!(target(b, "/HANDBOOK/A/B/"), page(b));
    }

    #[test]
    fn aliases_and_redirects_are_targets() {
        let dir = tempfile::tempdir().expect("temp dir");
        let page = dir.path().join("content/handbook/new.md");
        std::fs::create_dir_all(page.parent().expect("parent")).expect("mkdir");
        std::fs::write(
            &page,
            "---\ntitle: New\naliases: [/handbook/old/, older]\n---\n# New\n",
        )
        .expect("write");
        std::fs::create_dir_all(dir.path().join("data")).expect("mkdir");
        std::fs::write(
            dir.path().join("data/redirects.yml"),
            "- sources: /handbook/moved/\n  target: /handbook/new/\n  comp_op: '='\n\
             - sources: [/handbook/gone-a/, /handbook/gone-b]\n  target: /handbook/new/\n\
             - sources: ^/handbook/prefix/.*\n  target: /handbook/new/\n  comp_op: '~'\n",
        )
        .expect("write");
        let w = Workspace::new(&Settings::defaults(dir.path()));
        let target = |dest: &str| w.resolve("content/handbook/new.md", dest).map(|r| r.target);
        let alias = Some(Target::Alias("content/handbook/new.md".into()));
        assert_eq!(target("/handbook/old/"), alias);
        assert_eq!(target("/handbook/older"), alias);
        assert_eq!(target("/handbook/moved"), Some(Target::Redirect));
        assert_eq!(target("/handbook/gone-b/"), Some(Target::Redirect));
        assert_eq!(
            target("/handbook/prefix/deep/page/"),
            Some(Target::Redirect)
        );
        assert_eq!(target("/handbook/other/"), Some(Target::Missing));
    }

    #[test]
    fn suggestions_prefer_a_moved_page() {
        let w = hugo(&[
            "content/handbook/people/leave.md",
            "content/handbook/people/leaves.md",
            "content/handbook/values.md",
        ]);
        assert_eq!(
            w.suggest("/handbook/old/leave/").as_deref(),
            Some("/handbook/people/leave/")
        );
        assert_eq!(
            w.suggest("/handbook/valeus/").as_deref(),
            Some("/handbook/values/")
        );
        assert_eq!(w.suggest("/handbook/zzzzzz/"), None);
    }

    #[test]
    fn inbound_prefilter_skips_prose_mentions() {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |p: &str, t: &str| {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, t).expect("write");
        };
        write("content/handbook/values/_index.md", "# Values\n");
        write("content/handbook/values/child.md", "[up](../)\n");
        write("content/handbook/prose.md", "Our values matter, values.\n");
        write("content/handbook/link.md", "[v](/handbook/values/#x)\n");
        write(
            "content/handbook/ref.md",
            "[v][r]\n\n[r]: ../handbook/values\n",
        );
        let w = Workspace::new(&Settings::defaults(dir.path()));
        assert_eq!(
            w.inbound_candidates(&["content/handbook/values/_index.md".into()]),
            vec![
                "content/handbook/link.md".to_owned(),
                "content/handbook/ref.md".to_owned(),
                "content/handbook/values/child.md".to_owned(),
            ]
        );
    }
}

/// A lower bound of the edit distance of two strings, from their letters
/// alone: each edit adds or removes at most one letter of each kind, so the
/// distance is at least the larger count of letters one has and the other
/// lacks. Cheap enough to skip most strings before the real distance.
fn letters_apart(a: &str, b: &str) -> usize {
    let mut counts = [0i32; 128];
    let (mut other_a, mut other_b) = (0usize, 0usize);
    for c in a.chars() {
        match counts.get_mut(c as usize) {
            Some(n) => *n += 1,
            None => other_a += 1,
        }
    }
    for c in b.chars() {
        match counts.get_mut(c as usize) {
            Some(n) => *n -= 1,
            None => other_b += 1,
        }
    }
    let only_a: usize = counts.iter().filter(|n| **n > 0).map(|n| *n as usize).sum();
    let only_b: usize = counts
        .iter()
        .filter(|n| **n < 0)
        .map(|n| (-*n) as usize)
        .sum();
    // Letters outside ASCII are not told apart: count them as possibly equal.
    (only_a.saturating_sub(other_b)).max(only_b.saturating_sub(other_a))
}

#[cfg(test)]
mod letters_apart_tests {
    use super::letters_apart;

    #[test]
    fn is_a_lower_bound_of_the_edit_distance() {
        for (a, b) in [
            ("values", "valeus"),
            ("leave", "leaves"),
            ("paid-time-off", "paid-time-of"),
            ("café", "cafe"),
            ("abc", "xyz"),
            ("", "abc"),
        ] {
            assert!(letters_apart(a, b) <= strsim::osa_distance(a, b), "{a} {b}");
        }
        assert_eq!(letters_apart("abc", "xyz"), 3);
        assert_eq!(letters_apart("values", "valeus"), 0);
    }
}
