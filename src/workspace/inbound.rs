//! The pages that may link to a deleted or renamed page: a fast scan of
//! raw bytes, so that only these are parsed.

use super::Workspace;
use crate::links::url_key;
use rayon::prelude::*;

impl Workspace {
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
                        && self
                            .read_any(p.as_str())
                            .is_some_and(|bytes| re.is_match(&bytes)))
            })
            .cloned()
            .collect();
        found.sort();
        found
    }
}
