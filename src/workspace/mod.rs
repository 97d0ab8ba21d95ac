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
//!
//! The tree is the root on disk, or (without a checkout) a list of paths and
//! a [`PageSource`] that reads each file only when it is needed.
//!
//! | room | job |
//! |---|---|
//! | [`index`] | the file index, mounts, the URL of a file, file lookup |
//! | [`resolve`] | a link's target: URL lookup, generated pages, skips |
//! | [`aliases`] | page `aliases:` and redirect files |
//! | [`suggest`] | the closest existing page for a broken link |
//! | [`inbound`] | the pages that may link to a deleted page |
//! | [`source`] | where the files come from: the root, or a [`PageSource`] |
//! | [`committed`] | the tree a change commits, where the work tree differs |
//! | [`stamps`] | what unchanged files gave the last run, without reading them |

mod aliases;
mod committed;
mod inbound;
mod index;
mod pages;
mod resolve;
mod source;
mod stamps;
mod suggest;

use crate::cache::Cache;
use crate::document::Document;
use crate::limits::Limits;
use crate::links::slug::SlugStyle;
use crate::links::{Internal, join_normalize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use crate::links::anchors::AnchorSet;
pub use crate::links::exclude::LinkExcludes;
use aliases::Redirects;
pub use committed::CommittedTree;
use index::Index;
pub use pages::{RunPage, anchors_of_bytes, load, read};
use source::Files;
pub use source::PageSource;
pub use suggest::Suggestion;

/// A URL prefix served from a folder of the repository.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mount {
    /// URL path prefix, such as `/handbook/`.
    pub url: String,
    /// Folder relative to the root, such as `content/handbook`.
    pub dir: String,
}

/// `[links]` in `.hblint.toml`: how URLs map to files. The defaults fit
/// today's Hugo handbook. The settings fill in `excludes` from the tree's
/// link checker configuration; every other field is the key as written.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Links {
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
    /// How a written link becomes a URL: `hugo` (the render-link hook and `GetPage`) or `paths` (file and URL paths only, as Middleman).
    pub generator: Generator,
    /// Link checker configurations whose `exclude: - pattern:` regexes are links never checked (`.hugolint.yaml`).
    pub exclude_files: Vec<String>,
    /// Not a key: the exclusions read from the first of `exclude_files` the tree has.
    #[serde(skip)]
    pub excludes: Option<Arc<LinkExcludes>>,
}

impl Default for Links {
    fn default() -> Self {
        let root = |dir: &str| Mount {
            url: "/".into(),
            dir: dir.into(),
        };
        Links {
            mount: vec![root("content")],
            static_dirs: vec![root("static")],
            static_lists: vec!["static-files.txt".into()],
            page_forms: vec!["{}.md".into(), "{}/_index.md".into(), "{}/index.md".into()],
            hosts: vec![
                "handbook.gitlab.com".into(),
                "about.gitlab.com/handbook".into(),
            ],
            skip: Vec::new(),
            redirects: vec!["data/redirects.yml".into()],
            anchor_style: SlugStyle::Github,
            generator: Generator::Hugo,
            exclude_files: vec![".hugolint.yaml".into()],
            excludes: None,
        }
    }
}

/// How a written link becomes a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generator {
    /// Hugo: the render-link hook looks the destination up with `GetPage`,
    /// then as a page resource; only what it cannot find is left to the browser.
    #[default]
    Hugo,
    /// File and URL paths only (Middleman).
    Paths,
}

/// What a link points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    /// A page the site does not publish (`draft: true`, `build: render: never`).
    Unpublished(String),
    /// The path climbs out of the root.
    Escapes,
}

/// A link looked up in the workspace.
#[derive(Debug, Clone, Hash)]
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

type AnchorCell = Arc<OnceLock<Option<Arc<AnchorSet>>>>;

/// The tree the linted pages live in.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Links,
    /// The page forms, longest first: the order `url_of` tries them in.
    forms_longest_first: Vec<String>,
    /// The run's limits, for the pages read besides the linted ones.
    limits: Limits,
    /// Which files the tree has and where they are read.
    files: Files,
    index: OnceLock<Index>,
    meta: OnceLock<aliases::PageMeta>,
    /// See [`Workspace::links_digest`].
    links_digest: OnceLock<u64>,
    /// Pages' frontmatter the engine read before `meta` was built.
    noted_frontmatter: Mutex<HashMap<String, Option<aliases::Frontmatter>>>,
    /// Pages' placements read one by one (a remote tree).
    placed: Mutex<HashMap<String, aliases::Placed>>,
    redirects: OnceLock<Redirects>,
    anchors: Mutex<HashMap<String, AnchorCell>>,
    /// The anchors of the starts of a page parsed for its ids, until the
    /// page is parsed whole (see `Workspace::has_anchors`).
    anchor_starts: Mutex<HashMap<String, pages::Start>>,
    suggestions: Mutex<HashMap<String, Option<Suggestion>>>,
    /// Where pages' anchors are kept between runs.
    pub cache: Cache,
    /// The files' stamps, opened from `cache` on first use.
    stamps: OnceLock<Arc<stamps::Stamps>>,
    /// The run's own pages, registered by the engine.
    run_pages: std::sync::RwLock<HashMap<String, RunPage>>,
    /// Linted pages parsed early for their anchors, waiting for their turn.
    parked: Mutex<HashMap<String, Document>>,
    /// The tree a change commits, where the work tree differs (`--staged`).
    committed: committed::Pending,
}

impl Workspace {
    /// The workspace of `root`; the tree is walked on first use.
    pub fn new(root: &Path, links: Links) -> Workspace {
        let mut forms_longest_first = links.page_forms.clone();
        forms_longest_first.sort_by_key(|f| std::cmp::Reverse(f.len()));
        Workspace {
            root: root.to_path_buf(),
            forms_longest_first,
            config: links,
            limits: Limits::default(),
            files: Files::Walk,
            index: OnceLock::new(),
            meta: OnceLock::new(),
            links_digest: OnceLock::new(),
            noted_frontmatter: Mutex::new(HashMap::new()),
            placed: Mutex::new(HashMap::new()),
            redirects: OnceLock::new(),
            anchors: Mutex::new(HashMap::new()),
            anchor_starts: Mutex::new(HashMap::new()),
            suggestions: Mutex::new(HashMap::new()),
            cache: Cache::disabled(),
            stamps: OnceLock::new(),
            run_pages: Default::default(),
            parked: Mutex::new(HashMap::new()),
            committed: Default::default(),
        }
    }

    /// A workspace whose files are exactly `paths` (root-relative), for
    /// tests. Pages are still read from the root when their anchors or
    /// aliases are needed.
    pub fn with_paths(root: &Path, links: Links, paths: Vec<String>) -> Workspace {
        let mut w = Workspace::new(root, links);
        w.files = Files::Given(paths);
        w
    }

    /// A workspace without a checkout: the tree's files are `paths` (the
    /// repository's, root-relative; those a walk of the mounted and static
    /// folders would not list are left out) and every file is read from
    /// `source`, only when needed. `root` is only a name for messages.
    pub fn from_source(
        root: &Path,
        links: Links,
        paths: Vec<String>,
        source: Arc<dyn PageSource>,
    ) -> Workspace {
        let mut w = Workspace::new(root, links);
        w.files = Files::Remote { paths, source };
        w
    }

    /// The same workspace, reading pages within `limits`.
    pub fn within(mut self, limits: Limits) -> Workspace {
        self.limits = limits;
        self
    }

    /// Read and parse a page of the tree that the run does not lint. Only
    /// paths from the index are read, so never a file outside the root;
    /// `None` for a path the index does not know, or a page that cannot be read.
    pub fn read_page(&self, page: &str) -> Option<Document> {
        let real = self.file(page)?;
        let bytes = self.read_file(real)?;
        Document::from_bytes_within(real, &bytes, &self.limits).ok()
    }

    /// Markdown pages of the tree (root-relative).
    pub fn pages(&self) -> &[String] {
        &self.index().pages
    }

    /// Whether the tree has this file.
    pub fn exists(&self, path: &str) -> bool {
        self.file(path).is_some()
    }
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
    use crate::config::Settings;

    fn hugo(paths: &[&str]) -> Workspace {
        let settings = Settings::defaults(Path::new("/nonexistent-root"));
        settings.workspace_with_paths(paths.iter().map(|p| p.to_string()).collect())
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
        settings.workspace_with_paths(paths.iter().map(|p| p.to_string()).collect())
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
        // The render hook's `GetPage` does no lookup by bare file name
        // (that is `ref`'s), so a name from another folder is broken.
        assert_eq!(target(b, "unique-name.md"), Some(Target::Missing));
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
        let w = Settings::defaults(dir.path()).workspace();
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
            w.suggest("/handbook/old/leave/"),
            Some(Suggestion::Page("/handbook/people/leave/".into()))
        );
        assert_eq!(
            w.suggest("/handbook/valeus/"),
            Some(Suggestion::Page("/handbook/values/".into()))
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
        let w = Settings::defaults(dir.path()).workspace();
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
