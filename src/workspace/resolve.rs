//! A link's target. Hugo: the render-link hook's `GetPage` and page
//! resources, then the URL the browser is left with, served or not (see
//! `docs/links.md`). Paths (Middleman): the URL looked up through the
//! mounts and page forms. Then pages the generator makes without a file,
//! skipped prefixes and exclusions, and aliases and redirects last.

use super::{Generator, Mount, Resolution, Target, Workspace};
use crate::cache::deps::{self, Dep};
use crate::links::{self, Dest, Internal, hugo, join_normalize, url_key};

impl Workspace {
    /// Ask each mount that serves `url` (pages first, then static files)
    /// for a target: `find(mount, holds_pages, rest of the URL)`. `None`: no
    /// mount serves it (cannot be checked); `Some(None)`: nothing is there.
    fn through_mounts(
        &self,
        url: &str,
        exact_case: bool,
        find: impl Fn(&Mount, bool, &str) -> Option<Target>,
    ) -> Option<Option<Target>> {
        let mut served = false;
        for (mounts, pages) in [
            (&self.config.mount, true),
            (&self.config.static_dirs, false),
        ] {
            for m in mounts {
                let prefix = m.url.trim_end_matches('/');
                let same = |a: &str, b: &str| {
                    if exact_case {
                        a == b
                    } else {
                        a.eq_ignore_ascii_case(b)
                    }
                };
                let rest = if prefix.is_empty() {
                    Some(url)
                } else if same(url, prefix) {
                    Some("/")
                } else {
                    url.get(..prefix.len() + 1)
                        .filter(|p| same(p, &format!("{prefix}/")))
                        .map(|_| &url[prefix.len()..])
                };
                let Some(rest) = rest else { continue };
                served = true;
                if let Some(found) = find(m, pages, rest) {
                    return Some(Some(found));
                }
            }
        }
        served.then_some(None)
    }

    /// Look a root-relative URL path up through the page forms, in any case.
    pub(super) fn lookup_url(&self, url: &str) -> Option<Option<Target>> {
        self.through_mounts(url, false, |m, pages, rest| {
            let dir = m.dir.trim_matches('/');
            let candidate = format!("{dir}{rest}");
            if pages {
                self.lookup_file(&candidate)
                    .or_else(|| self.generated(dir, rest))
            } else if rest.ends_with('/') {
                None
            } else {
                self.file(&candidate).map(Self::as_target)
            }
        })
    }

    /// Pages the generator makes without a file: the home page of a mount
    /// and the list page of a top-level section folder.
    pub(super) fn generated(&self, dir: &str, rest: &str) -> Option<Target> {
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

    pub(super) fn skipped(&self, url: &str) -> bool {
        let lower = url.to_lowercase();
        self.config.skip.iter().any(|s| {
            let s = s.to_lowercase();
            lower.starts_with(&s) || format!("{lower}/") == s
        })
    }

    /// Resolve the link `dest` written in the page `from`. `None`: not a link
    /// hblint can check (another site, a skipped prefix or exclusion,
    /// generator syntax).
    pub fn resolve(&self, from: &str, dest: &str) -> Option<Resolution> {
        let found = deps::paused(|| self.resolve_unlogged(from, dest));
        deps::record(|| Dep::Resolve {
            from: from.to_owned(),
            dest: dest.to_owned(),
            answer: deps::digest(&found),
        });
        found
    }

    fn resolve_unlogged(&self, from: &str, dest: &str) -> Option<Resolution> {
        let Dest::Internal(link) = links::parse(dest, &self.config.hosts) else {
            return None;
        };
        let res = if link.path.is_empty() {
            let url = self.page_url(from).unwrap_or_default();
            Resolution {
                target: Target::Page(from.to_owned()),
                link,
                url,
            }
        } else {
            match self.config.generator {
                Generator::Hugo if self.content_path(from).is_some() => {
                    self.resolve_hugo(from, link)?
                }
                _ => self.resolve_paths(from, link)?,
            }
        };
        if let Some(ex) = &self.config.excludes
            && ex.skips(dest.trim(), &res.url, res.link.fragment.as_deref())
        {
            return None;
        }
        Some(res)
    }

    /// The URL a page is published at: its `url:` or `slug:` when it has
    /// one, else the one its path gives (Hugo writes it in lower case).
    pub fn page_url(&self, page: &str) -> Option<String> {
        let url = self.url_of(page)?;
        if self.config.generator == Generator::Paths {
            return Some(url);
        }
        if let Some(moved) = self.moved_url(page) {
            return Some(moved);
        }
        Some(url.to_lowercase().replace(' ', "-"))
    }

    /// Hugo: the embedded render-link hook. A destination that is not a
    /// full URL goes to `GetPage`, then to the page's own resources; what
    /// neither finds is written as it is, and the browser resolves it
    /// against the page's URL, where the site must serve it.
    fn resolve_hugo(&self, from: &str, link: Internal) -> Option<Resolution> {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let by_url = if link.rooted {
            join_normalize("", &link.path)
        } else {
            let by_file = join_normalize(dir, &link.path);
            let base = self.page_url(from);
            let by_url = base
                .as_deref()
                .and_then(|base| join_normalize(base, &link.path));
            if by_file.is_none() && by_url.is_none() {
                return Some(Resolution {
                    target: Target::Escapes,
                    url: link.path.clone(),
                    link,
                });
            }
            // A browser stops `..` at the site's root.
            let trailing = if link.path.ends_with('/') { "/" } else { "" };
            by_url
                .or_else(|| base.map(|b| format!("{}{trailing}", hugo::clean_join(&b, &link.path))))
        };
        let Some(url) = by_url else {
            return Some(Resolution {
                target: Target::Escapes,
                url: link.path.clone(),
                link,
            });
        };
        let mut unpublished = None;
        if !link.full_url
            && let Some(found) = self.hook_lookup(from, &link.path, &mut unpublished)
        {
            let url = match &found {
                Target::Page(p) | Target::File(p) => {
                    self.page_url(p).unwrap_or_else(|| url.clone())
                }
                _ => url.clone(),
            };
            return Some(Resolution {
                target: found,
                link,
                url,
            });
        }
        if self.skipped(&url) {
            return None;
        }
        let target = match self.served(&url)? {
            Some(t) => t,
            None => match (self.fallback(&url), unpublished) {
                (Target::Missing, Some(page)) => Target::Unpublished(page),
                (t, _) => t,
            },
        };
        Some(Resolution { target, link, url })
    }

    /// What the render hook finds for `path` written in `from`:
    /// `GetPage`, then the page's resources (a bundle's own files). A page
    /// the site does not publish is not found; it is kept in `unpublished`.
    fn hook_lookup(
        &self,
        from: &str,
        path: &str,
        unpublished: &mut Option<String>,
    ) -> Option<Target> {
        let content = self.content_path(from)?;
        let path = path.strip_prefix("./").unwrap_or(path);
        let bases = self.bases();
        for key in hugo::get_page_keys(&content, path) {
            if let Some(file) = bases.get(&key) {
                if !self.is_unpublished(file) {
                    return Some(Self::as_target(file));
                }
                unpublished.get_or_insert_with(|| file.clone());
            }
        }
        // `Resources.Get`: only bundles (`index.md`, `_index.md`) have
        // resources, the files below their folder.
        let name = from.rsplit('/').next().unwrap_or(from);
        let bundle = name.starts_with("index.") || name.starts_with("_index.");
        if !bundle || path.is_empty() || path.starts_with('/') {
            return None;
        }
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let file = join_normalize(dir, path)?;
        let file = file.trim_end_matches('/');
        if !file.starts_with(&format!("{dir}/")) || hugo::is_content(file) {
            return None;
        }
        self.file(file).map(|f| Target::File(f.to_owned()))
    }

    /// What the site serves at a URL path, case and all: a page's published
    /// URL (`/x/`, `/x`, `/x/index.html`), a static or content file, a page
    /// the generator makes. `None`: no mount serves it; `Some(None)`: nothing there.
    fn served(&self, url: &str) -> Option<Option<Target>> {
        self.through_mounts(url, true, |m, pages, rest| {
            let dir = m.dir.trim_matches('/');
            let file = format!("{dir}{rest}");
            if !rest.ends_with('/')
                && let Some(f) = self.file(&file)
                && f == file
                && !(pages && hugo::is_content(f))
            {
                return Some(Target::File(f.to_owned()));
            }
            if pages {
                self.page_served_at(url, dir, rest)
            } else {
                None
            }
        })
    }

    /// The page published at `url` (`rest` below the mount of folder `dir`).
    fn page_served_at(&self, url: &str, dir: &str, rest: &str) -> Option<Target> {
        let trimmed = |u: &str| {
            let u = u.strip_suffix("index.html").unwrap_or(u);
            u.trim_end_matches('/').to_owned()
        };
        let want = trimmed(url);
        let meta = self.meta();
        if let Some((page, _)) = meta.moved.iter().find(|(_, u)| trimmed(u) == want) {
            return Some(Target::Page(page.clone()));
        }
        let page_path = trimmed(rest);
        let last = page_path.rsplit('/').next().unwrap_or_default();
        if last.contains('.') || page_path != page_path.to_lowercase() {
            return None;
        }
        match self
            .bases()
            .get(&hugo::base(&format!("{page_path}/_index.md")))
        {
            Some(file)
                if !meta.moved.contains_key(file)
                    && !meta.unpublished.contains(file)
                    && self
                        .url_of(file)
                        .is_some_and(|u| trimmed(&u.to_lowercase()) == want) =>
            {
                Some(Self::as_target(file))
            }
            _ => self.generated(dir, rest),
        }
    }

    /// Paths only (Middleman): the link names a file, or a URL one of the
    /// page forms serves, relative to the page's file or its URL.
    fn resolve_paths(&self, from: &str, link: Internal) -> Option<Resolution> {
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
    pub(super) fn fallback(&self, url: &str) -> Target {
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

    /// Whether the link `dest` in `from` names `page` (which may no longer
    /// exist): by URL, by file path, or through the page forms.
    pub fn names_page(&self, from: &str, dest: &str, page: &str) -> bool {
        let found = deps::paused(|| self.names_page_unlogged(from, dest, page));
        deps::record(|| Dep::NamesPage {
            from: from.to_owned(),
            dest: dest.to_owned(),
            page: page.to_owned(),
            answer: found,
        });
        found
    }

    fn names_page_unlogged(&self, from: &str, dest: &str, page: &str) -> bool {
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
}
