//! What a page's findings depended on outside the page itself.
//!
//! While the rules check one page, the workspace and the word counts log each
//! question they answer about the rest of the tree (where a link goes, which
//! anchors a page has, how many pages use a word) with a digest of the answer.
//! A later run reuses the page's cached findings only if every question still
//! gets the same answer. The log is per thread, so pages checked in parallel
//! never mix their questions.

use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// One question about the tree and the digest of its answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Dep {
    /// `Workspace::resolve(from, dest)`.
    Resolve {
        from: String,
        dest: String,
        answer: u64,
    },
    /// `Workspace::names_page(from, dest, page)`.
    NamesPage {
        from: String,
        dest: String,
        page: String,
        answer: bool,
    },
    /// `Workspace::anchors(page)`.
    Anchors { page: String, answer: u64 },
    /// `Workspace::has_anchor(page, id)`.
    HasAnchor {
        page: String,
        id: String,
        answer: Option<bool>,
    },
    /// `Workspace::suggest(url)`: depends only on the tree's file list.
    Suggest { url: String, answer: u64 },
    /// On how many pages a word occurs.
    WordPages { word: String, answer: u32 },
    /// How often a word occurs.
    WordOccurrences { word: String, answer: u32 },
    /// How many pages the word counts cover.
    TotalPages { answer: u32 },
}

thread_local! {
    /// Open logs, innermost last; `None` while logging is paused. A stack, so
    /// that a page checked by a worker thread while it waits inside another
    /// page's check keeps its own log.
    static LOGS: RefCell<Vec<Option<Vec<Dep>>>> = const { RefCell::new(Vec::new()) };
}

/// Start logging this thread's questions, until [`finish`].
pub fn start() {
    LOGS.with(|logs| logs.borrow_mut().push(Some(Vec::new())));
}

/// Stop the log [`start`] opened: the questions asked since, each once, sorted.
pub fn finish() -> Vec<Dep> {
    let mut deps = LOGS
        .with(|logs| logs.borrow_mut().pop())
        .flatten()
        .unwrap_or_default();
    deps.sort();
    deps.dedup();
    deps
}

/// Log a question, if this thread is logging. `make` runs only then.
pub fn record(make: impl FnOnce() -> Dep) {
    LOGS.with(|logs| {
        if let Some(Some(list)) = logs.borrow_mut().last_mut() {
            list.push(make());
        }
    });
}

/// Run `f` with logging paused (a question asked to answer another is not logged).
pub fn paused<T>(f: impl FnOnce() -> T) -> T {
    LOGS.with(|logs| logs.borrow_mut().push(None));
    let out = f();
    LOGS.with(|logs| logs.borrow_mut().pop());
    out
}

/// A digest of an answer, stable for one build of hblint (the cache's
/// fingerprint names the build).
pub fn digest<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_only_between_start_and_finish_each_question_once() {
        record(|| Dep::TotalPages { answer: 1 });
        start();
        record(|| Dep::TotalPages { answer: 2 });
        record(|| Dep::TotalPages { answer: 2 });
        paused(|| record(|| Dep::TotalPages { answer: 3 }));
        record(|| Dep::WordPages {
            word: "a".into(),
            answer: 4,
        });
        let deps = finish();
        assert_eq!(
            deps,
            vec![
                Dep::WordPages {
                    word: "a".into(),
                    answer: 4
                },
                Dep::TotalPages { answer: 2 },
            ]
        );
        record(|| Dep::TotalPages { answer: 5 });
        assert!(finish().is_empty());
        // Nested logs keep apart.
        start();
        record(|| Dep::TotalPages { answer: 6 });
        start();
        record(|| Dep::TotalPages { answer: 7 });
        assert_eq!(finish(), vec![Dep::TotalPages { answer: 7 }]);
        assert_eq!(finish(), vec![Dep::TotalPages { answer: 6 }]);
    }
}
