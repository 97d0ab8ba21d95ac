//! What the rules of one run share, built once and handed to every rule:
//! the accepted words, the handbook's typo list, the role data and its
//! matcher, the label requirements, and the tree's word counts.

use crate::cache::Cache;
use crate::inputs::{FileSelection, SourceFile};
use crate::roles::{self, mentions::Matcher};
use crate::spelling::frequency::{self, TreeFrequency};
use crate::spelling::{HandbookTypos, Vocabulary};
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, OnceLock};

use super::missing_label::LabelRequirement;

/// The resolved settings the shared data is built from.
#[derive(Debug, Clone)]
pub struct SharedInputs {
    /// The files a plain `hblint check` reads: the tree the word counts cover.
    pub files: FileSelection,
    /// Accepted words: embedded lists, `extra-words`, vocabulary files.
    pub vocabulary: Arc<Vocabulary>,
    /// `[spelling] corrections`, added to the handbook's typo list.
    pub corrections: BTreeMap<String, String>,
    /// The role data in use.
    pub roles: roles::Shared,
    /// The label requirements in use.
    pub labels: Arc<[LabelRequirement]>,
    /// The list of terms to avoid, and whether broad words are reported.
    pub terms: Arc<crate::terms::TermList>,
    pub terms_broad: bool,
}

/// The role data and the matcher of its names, built on first use.
pub type Roles =
    Arc<LazyLock<(roles::Shared, Matcher), Box<dyn FnOnce() -> (roles::Shared, Matcher) + Send>>>;

/// The run's pages as the word counts see them.
#[derive(Clone)]
struct RunPages {
    files: Vec<SourceFile>,
    hashes: Vec<Option<String>>,
    words_file: Option<(std::path::PathBuf, u64)>,
    /// Where the root's file list is kept, for a scan of the root.
    listing_file: Option<(std::path::PathBuf, u64)>,
    /// Hashes of the root's files known from their stamps.
    known: Option<frequency::KnownHash>,
}

/// The run's shared data. Each part is built on first use, once.
pub struct RunData {
    inputs: SharedInputs,
    handbook: OnceLock<Arc<HandbookTypos>>,
    roles: OnceLock<Roles>,
    /// Shared with a thread that counts ahead ([`RunData::count_words_ahead`]).
    word_counts: Arc<OnceLock<Arc<TreeFrequency>>>,
    word_counts_key: OnceLock<Option<u64>>,
    /// The run's pages, which the word counts cover when they are the tree,
    /// with their content hashes and the cache (when it is on).
    pages: OnceLock<RunPages>,
}

impl RunData {
    pub fn new(inputs: SharedInputs) -> RunData {
        RunData {
            inputs,
            handbook: OnceLock::new(),
            roles: OnceLock::new(),
            word_counts: Arc::new(OnceLock::new()),
            word_counts_key: OnceLock::new(),
            pages: OnceLock::new(),
        }
    }

    pub fn vocabulary(&self) -> Arc<Vocabulary> {
        self.inputs.vocabulary.clone()
    }

    /// The embedded handbook typo list with the configured corrections.
    pub fn handbook_typos(&self) -> Arc<HandbookTypos> {
        self.handbook
            .get_or_init(|| {
                let mut list = HandbookTypos::embedded();
                for (typo, correction) in &self.inputs.corrections {
                    list.add_correction(typo, correction);
                }
                Arc::new(list)
            })
            .clone()
    }

    /// The role data with the matcher of its names, built when a rule
    /// first reads them (a run whose pages all come from the cache never
    /// compiles the matcher).
    pub fn roles(&self) -> Roles {
        self.roles
            .get_or_init(|| {
                let data = self.inputs.roles.clone();
                Arc::new(LazyLock::new(Box::new(move || {
                    let matcher = Matcher::new(&data);
                    (data, matcher)
                })))
            })
            .clone()
    }

    /// The list of terms to avoid, and `[terms] broad`.
    pub fn terms(&self) -> (Arc<crate::terms::TermList>, bool) {
        (self.inputs.terms.clone(), self.inputs.terms_broad)
    }

    pub fn labels(&self) -> Arc<[LabelRequirement]> {
        self.inputs.labels.clone()
    }

    /// Tell the word counts which pages the run lints (once, before the rules run).
    pub fn set_pages(&self, files: Vec<SourceFile>) {
        self.set_run_pages(files, Vec::new(), &Cache::disabled(), None);
    }

    /// [`RunData::set_pages`], with the hash of each page's bytes where the run computed it,
    /// the cache that keeps the counts between runs, and the hashes of the
    /// root's files that their stamps vouch for.
    pub fn set_run_pages(
        &self,
        files: Vec<SourceFile>,
        hashes: Vec<Option<String>>,
        cache: &Cache,
        known: Option<frequency::KnownHash>,
    ) {
        let _ = self.pages.set(RunPages {
            files,
            hashes,
            words_file: cache.words_file(),
            listing_file: cache.listing_file("listing-files"),
            known,
        });
    }

    /// A key that names the table [`RunData::word_counts`] gives, known
    /// without building it: two runs with the same key have the same table.
    /// `None` when the table is not counted from the run's hashed pages.
    pub fn word_counts_key(&self) -> Option<u64> {
        *self.word_counts_key.get_or_init(|| {
            let run = self.pages.get()?;
            let (_, fingerprint) = run.words_file.as_ref()?;
            if run.files.len() < frequency::TREE_SIZE || run.hashes.len() != run.files.len() {
                return None;
            }
            let pages = run
                .files
                .iter()
                .zip(&run.hashes)
                .map(|(f, h)| Some((f.path.as_str(), h.as_deref()?)))
                .collect::<Option<Vec<_>>>()?;
            Some(crate::spelling::word_cache::table_key(*fingerprint, pages))
        })
    }

    /// Whether [`RunData::word_counts`] was asked (and so built).
    #[cfg(test)]
    pub(crate) fn word_counts_built(&self) -> bool {
        self.word_counts.get().is_some()
    }

    /// How often each word occurs in the tree, counted on first use: from the
    /// run's pages when they are the tree, else from the root's Markdown
    /// files (see `spelling::frequency`).
    pub fn word_counts(&self) -> Arc<TreeFrequency> {
        self.word_counts
            .get_or_init(|| Arc::new(count_words(&self.inputs.files, self.pages.get())))
            .clone()
    }

    /// Start counting the tree's words on a thread of its own, for a small
    /// run that is about to check pages: a rule that asks for the counts
    /// then waits for this count, not for a second one. If no rule asks, the
    /// count is not waited for: the process may end before it does (`main`
    /// lets a cache file being written finish first).
    pub fn count_words_ahead(&self) {
        if self.word_counts.get().is_some() {
            return;
        }
        // The thread owns what it reads: copies of the settings and of the
        // run's pages (fewer than `frequency::TREE_SIZE`).
        let cell = self.word_counts.clone();
        let files = self.inputs.files.clone();
        let run = self.pages.get().cloned();
        // Without a thread, the count is made when a rule first asks.
        let _ = std::thread::Builder::new()
            .name("hblint-word-counts".into())
            .spawn(move || {
                cell.get_or_init(|| Arc::new(count_words(&files, run.as_ref())));
            });
    }
}

/// The count [`RunData::word_counts`] keeps: of the run's pages when they
/// are the tree, else of the root's files (see [`frequency::count`]).
fn count_words(files: &FileSelection, run: Option<&RunPages>) -> TreeFrequency {
    let pages = run.map_or(&[][..], |r| r.files.as_slice());
    let kept = run.and_then(|r| {
        let (file, fingerprint) = r.words_file.clone()?;
        Some(frequency::Kept {
            file,
            fingerprint,
            hashes: &r.hashes,
            listing: r.listing_file.clone(),
            known: r.known.clone(),
        })
    });
    crate::cache::deps::paused(|| frequency::count(files, pages, kept))
}
