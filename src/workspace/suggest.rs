//! Suggestions for a broken link: the existing page or file closest to it.

use super::Workspace;
use super::index::{Targets, trigrams};
use crate::cache::deps::{self, Dep};
use crate::links::url_key;
use std::collections::HashMap;

/// What a broken link's author is told.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Suggestion {
    /// The existing page or file closest to the missing URL.
    Page(String),
    /// The file the URL names is in the work tree, not in the tree the
    /// change commits: its path, and what it is missing from.
    NotCommitted { path: String, missing_from: String },
}

impl Workspace {
    /// What to tell of a missing URL: the file it names when only the work
    /// tree has it, else the existing page or file closest to it (one with
    /// the same last segment, a moved page, else the nearest by edit distance).
    pub fn suggest(&self, url: &str) -> Option<Suggestion> {
        let found = self.suggest_unlogged(url);
        deps::record(|| Dep::Suggest {
            url: url.to_owned(),
            answer: deps::digest(&found),
        });
        found
    }

    fn suggest_unlogged(&self, url: &str) -> Option<Suggestion> {
        let key = url_key(url);
        if let Ok(map) = self.suggestions.lock()
            && let Some(s) = map.get(&key)
        {
            return s.clone();
        }
        let found = match self.uncommitted(&key) {
            Some(found) => Some(found),
            None => self.compute_suggestion(&key).map(Suggestion::Page),
        };
        if let Ok(mut map) = self.suggestions.lock() {
            map.insert(key, found.clone());
        }
        found
    }

    /// The work-tree file, absent from the judged tree, served at `key`
    /// (the absent files are a walk's, so all lie in the walked folders).
    fn uncommitted(&self, key: &str) -> Option<Suggestion> {
        let tree = self.committed()?;
        let path = tree
            .absent()
            .filter(|p| self.url_of(p).is_some_and(|u| url_key(&u) == key))
            .min()?;
        Some(Suggestion::NotCommitted {
            path: path.to_owned(),
            missing_from: tree.missing_from().to_owned(),
        })
    }

    pub(super) fn compute_suggestion(&self, key: &str) -> Option<String> {
        let last = key.rsplit('/').next().unwrap_or_default();
        if last.is_empty() {
            return None;
        }
        let targets = self.targets();
        let best_of = |ids: &mut dyn Iterator<Item = usize>| {
            ids.map(|i| (strsim::levenshtein(key, &targets.list[i].0), i))
                .min()
                .map(|(_, i)| targets.list[i].1.clone())
        };
        if let Some(ids) = targets.by_last.get(last) {
            return best_of(&mut ids.iter().copied());
        }
        let limit = (last.chars().count() / 4).max(1);
        let close: Vec<(usize, usize)> = similar_segments(targets, last, limit)
            .into_iter()
            .filter_map(|seg| Some((seg, targets.by_last.get(seg)?)))
            .filter(|(seg, _)| letters_apart(seg, last) <= limit)
            .map(|(seg, ids)| (strsim::osa_distance(seg, last), ids))
            .filter(|(d, _)| *d <= limit)
            .flat_map(|(d, ids)| ids.iter().map(move |&i| (d, i)))
            .collect();
        let min = close.iter().map(|(d, _)| *d).min()?;
        best_of(&mut close.iter().filter(|(d, _)| *d == min).map(|(_, i)| *i))
    }

    /// The one page whose file name is `name` (with or without `.md`).
    pub(super) fn unique_page_named(&self, name: &str) -> Option<String> {
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
}

/// The last segments of the tree that may be within `limit` edits of
/// `last`, from the trigram index: those of a similar length that share
/// enough of `last`'s trigrams. One edit changes at most four trigrams (a
/// transposition), so a segment within `limit` edits shares at least
/// `trigrams - 4 × limit` of them; a segment sharing none at all is left
/// out (only a change in every third letter does that, which is no longer
/// a near miss). Segments too short for trigrams are compared by length.
fn similar_segments<'t>(targets: &'t Targets, last: &str, limit: usize) -> Vec<&'t str> {
    let near_len = |seg: &str| seg.len().abs_diff(last.len()) <= limit;
    if last.len() < 4 {
        return targets
            .segments
            .iter()
            .map(String::as_str)
            .filter(|seg| near_len(seg))
            .collect();
    }
    let grams = trigrams(last);
    let need = grams.len().saturating_sub(4 * limit).max(1);
    let mut shared: HashMap<&str, usize> = HashMap::new();
    for g in &grams {
        for &seg in targets.by_trigram.get(g).into_iter().flatten() {
            let seg = targets.segments[seg].as_str();
            if near_len(seg) {
                *shared.entry(seg).or_default() += 1;
            }
        }
    }
    shared
        .into_iter()
        .filter(|(_, n)| *n >= need)
        .map(|(seg, _)| seg)
        .collect()
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
