//! Page `aliases:` and Middleman redirect files: URLs that lead to a page
//! without a file of their own. Read on first need, once per run.

use super::Workspace;
use crate::links::{join_normalize, url_key};
use regex::{Regex, RegexSet};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default)]
pub(super) struct Redirects {
    pub(super) exact: HashSet<String>,
    pub(super) patterns: Option<RegexSet>,
}

/// What pages' frontmatter says about where they are published.
#[derive(Debug, Default)]
pub(super) struct PageMeta {
    /// `aliases:`: URL key → page.
    pub(super) aliases: HashMap<String, String>,
    /// Pages published somewhere else than their path says (`url:`, `slug:`): page → URL.
    pub(super) moved: HashMap<String, String>,
    /// Pages Hugo does not publish (`draft: true`, `build: render: never`).
    pub(super) unpublished: HashSet<String>,
}

impl Workspace {
    /// `aliases:` of every page: URL key → page. Read on first need.
    pub(super) fn aliases(&self) -> &HashMap<String, String> {
        &self.meta().aliases
    }

    /// Keep the frontmatter of a page the engine has read from the root
    /// anyway, so that [`Workspace::meta`] need not read the file again.
    pub(super) fn note_frontmatter(&self, page: &str, found: Option<Frontmatter>) {
        if self.is_remote() || self.meta.get().is_some() {
            return;
        }
        if let Ok(mut noted) = self.noted_frontmatter.lock() {
            noted.insert(page.to_owned(), found);
        }
    }

    /// The frontmatter of every page, read once, on first need.
    pub(super) fn meta(&self) -> &PageMeta {
        self.meta.get_or_init(|| {
            let pages = &self.index().pages;
            let noted = self
                .noted_frontmatter
                .lock()
                .map(|mut n| std::mem::take(&mut *n))
                .unwrap_or_default();
            // Plain threads: this runs inside a rayon worker's `OnceLock`.
            let found: Vec<Option<Frontmatter>> =
                crate::parallel::par_map(pages, |page| match noted.get(page) {
                    Some(fm) => fm.clone(),
                    None => self.page_frontmatter(page),
                });
            let mut meta = PageMeta::default();
            for (page, fm) in pages.iter().zip(found) {
                let Some(fm) = fm else {
                    continue;
                };
                let page = page.clone();
                let placed = self.place(&page, fm);
                for key in placed.aliases {
                    meta.aliases.insert(key, page.clone());
                }
                if let Some(url) = placed.moved {
                    meta.moved.insert(page.clone(), url);
                }
                if placed.unpublished {
                    meta.unpublished.insert(page);
                }
            }
            meta
        })
    }

    /// Where one page's frontmatter publishes it.
    fn place(&self, page: &str, fm: Frontmatter) -> Placed {
        let base = self.url_of(page).unwrap_or_default();
        let parent = base
            .trim_end_matches('/')
            .rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_owned());
        let aliases = fm
            .aliases
            .into_iter()
            .map(|a| {
                let url = if a.starts_with('/') || a.contains("://") {
                    a.split_once("://").map_or(a.clone(), |(_, r)| {
                        r.find('/').map_or("/".into(), |i| r[i..].to_owned())
                    })
                } else {
                    format!("{parent}/{a}")
                };
                url_key(&url)
            })
            .collect();
        let moved = match (fm.url, fm.slug) {
            (Some(url), _) if url.starts_with('/') => Some(url),
            (Some(url), _) => Some(format!("/{url}")),
            (None, Some(slug)) => Some(format!("{parent}/{slug}/")),
            (None, None) => None,
        };
        Placed {
            aliases,
            moved,
            unpublished: fm.unpublished,
        }
    }

    /// The URL `page` is published at when its frontmatter moves it
    /// (`url:`, `slug:`).
    pub(super) fn moved_url(&self, page: &str) -> Option<String> {
        match self.placed_alone(page) {
            Some(placed) => placed.moved,
            None => self.meta().moved.get(page).cloned(),
        }
    }

    /// Whether the site leaves `page` out (`draft: true`, `build: render: never`).
    pub(super) fn is_unpublished(&self, page: &str) -> bool {
        match self.placed_alone(page) {
            Some(placed) => placed.unpublished,
            None => self.meta().unpublished.contains(page),
        }
    }

    /// One page's placement, read on its own. Only a workspace that reads
    /// its files from a remote source does so, until a lookup needs every
    /// page's frontmatter (`None` then, and always from disk, where reading
    /// every page at once is cheap).
    fn placed_alone(&self, page: &str) -> Option<Placed> {
        if !self.is_remote() || self.meta.get().is_some() {
            return None;
        }
        if let Some(placed) = self.placed.lock().ok()?.get(page) {
            return Some(placed.clone());
        }
        let placed = self
            .read_file(page)
            .and_then(|bytes| frontmatter(&bytes, &self.limits))
            .map(|fm| self.place(page, fm))
            .unwrap_or_default();
        self.placed
            .lock()
            .ok()?
            .insert(page.to_owned(), placed.clone());
        Some(placed)
    }

    pub(super) fn redirects(&self) -> &Redirects {
        self.redirects.get_or_init(|| {
            let mut r = Redirects::default();
            let mut patterns = Vec::new();
            for file in &self.config.redirects {
                let Some(rel) = join_normalize("", file) else {
                    continue;
                };
                let Some(text) = self.read_text(rel.trim_start_matches('/')) else {
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
}

/// Where a page's frontmatter publishes it.
#[derive(Debug, Clone, Default)]
pub(super) struct Placed {
    /// `aliases:` as URL keys.
    aliases: Vec<String>,
    /// `url:` or `slug:`.
    moved: Option<String>,
    unpublished: bool,
}

/// The frontmatter keys that say where a page is published.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct Frontmatter {
    aliases: Vec<String>,
    url: Option<String>,
    slug: Option<String>,
    unpublished: bool,
}

/// A page's YAML frontmatter, without parsing the Markdown; `None` when it
/// has none of the keys that matter here.
pub(super) fn frontmatter(bytes: &[u8], limits: &crate::limits::Limits) -> Option<Frontmatter> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
    limits.check_frontmatter_only(text).ok()?;
    let body = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let end = body
        .find("\n---")
        .map_or(body.len(), |i| i + 1)
        .min(body.len());
    let yaml = &body[..end];
    if !["aliases", "url", "slug", "draft", "render"]
        .iter()
        .any(|k| yaml.contains(k))
    {
        return None;
    }
    let value = serde_norway::from_str::<serde_norway::Value>(yaml).ok()?;
    let string = |k: &str| {
        value
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let render = value.get("build").and_then(|b| b.get("render"));
    let never = render.is_some_and(|r| {
        r.as_str().is_some_and(|s| s.eq_ignore_ascii_case("never")) || r.as_bool() == Some(false)
    });
    Some(Frontmatter {
        aliases: crate::document::yaml_string_list(&value, "aliases"),
        url: string("url"),
        slug: string("slug"),
        unpublished: value.get("draft").and_then(|d| d.as_bool()) == Some(true) || never,
    })
}
