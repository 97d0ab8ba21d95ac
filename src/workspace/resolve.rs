//! A link's target: its URL looked up through the mounts and page forms,
//! pages the generator makes without a file, skipped prefixes, and the
//! aliases and redirects as a last resort.

use super::{Resolution, Target, Workspace};
use crate::cache::deps::{self, Dep};
use crate::links::{self, Dest, join_normalize, url_key};

impl Workspace {
    /// Look a root-relative URL path up. `None`: no mount serves it (cannot be
    /// checked); `Some(None)`: a mount serves it but nothing is there.
    pub(super) fn lookup_url(&self, url: &str) -> Option<Option<Target>> {
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
    /// hblint can check (another site, a skipped prefix, generator syntax).
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
