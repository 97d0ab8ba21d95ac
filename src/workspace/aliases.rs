//! Page `aliases:` and Middleman redirect files: URLs that lead to a page
//! without a file of their own. Read on first need, once per run.

use super::Workspace;
use crate::links::{join_normalize, url_key};
use rayon::prelude::*;
use regex::{Regex, RegexSet};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default)]
pub(super) struct Redirects {
    pub(super) exact: HashSet<String>,
    pub(super) patterns: Option<RegexSet>,
}

impl Workspace {
    /// `aliases:` of every page: URL key → page. Read on first need.
    pub(super) fn aliases(&self) -> &HashMap<String, String> {
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

    pub(super) fn redirects(&self) -> &Redirects {
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
}

/// `aliases:` from a page's YAML frontmatter, without parsing the Markdown.
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
