//! Tree-wide word frequency: on how many pages of the handbook a word occurs.
//!
//! A word used on many pages is more likely jargon than a typo, and the word a
//! typo was meant to be is usually one the tree uses often. When the run has
//! the whole tree (`hblint check` over the handbook), the counts come from the
//! run's documents. For a small run (a pre-commit check of a few pages) they
//! come from a raw-byte scan of the root's Markdown files, done lazily — only
//! when some word needs a judgement — once per run: the run's shared data keeps the
//! table ([`crate::rules::RunData::word_counts`]), so rules never read
//! files themselves.

use crate::cache::deps::{self, Dep};
use crate::inputs::{FileSelection, SourceFile};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

/// A run with at least this many documents is taken as the tree itself.
pub const TREE_SIZE: usize = 200;

/// Pages, occurrences, the last page that counted the word, capitalised occurrences.
type Counts = (u32, u32, u32, u32);

/// Lowercase word -> (pages that use it, occurrences in all pages).
#[derive(Debug, Default, Clone)]
pub struct TreeFrequency {
    /// Per word: pages, occurrences, the last page that counted it, and
    /// occurrences written with a capital (`Sisense`: a name).
    counts: HashMap<Box<[u8]>, Counts, foldhash::fast::RandomState>,
    total: u32,
    /// A table read from the stored counts of the tree at `HEAD`, its lines
    /// sorted by word and looked up in place: a run that asks about a few
    /// words never builds the map. Set only while `counts` is empty.
    stored: Option<std::sync::Arc<StoredTable>>,
}

/// The stored table's text: from `start` on, one line per word,
/// `PREFIXword<TAB>pages<TAB>occurrences<TAB>capitalised`, sorted by word
/// (the checksum the writer kept with them vouches for their order).
#[derive(Debug)]
struct StoredTable {
    text: String,
    start: usize,
    prefix: usize,
}

impl StoredTable {
    /// The counts of a line: `word<TAB>pages<TAB>occurrences<TAB>capitalised`.
    fn parse(line: &str) -> Option<(&str, Counts)> {
        let mut fields = line.split('\t');
        let word = fields.next()?;
        let pages: u32 = fields.next()?.parse().ok()?;
        let occurrences: u32 = fields.next()?.parse().ok()?;
        let capitalised: u32 = fields.next()?.parse().ok()?;
        fields
            .next()
            .is_none()
            .then_some((word, (pages, occurrences, 0, capitalised)))
    }

    /// A binary search of the lines' bytes: `lo` is always a line's start,
    /// `hi` a line's start or the end.
    fn get(&self, lower: &str) -> Option<Counts> {
        let bytes = self.text.as_bytes();
        let (mut lo, mut hi) = (self.start, bytes.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = memchr::memrchr(b'\n', bytes.get(lo..mid)?).map_or(lo, |i| lo + i + 1);
            let end = memchr::memchr(b'\n', bytes.get(start..hi)?).map_or(hi, |i| start + i);
            let entry = self.text.get(start..end)?.get(self.prefix..)?;
            let word = entry.split_once('\t').map_or(entry, |(w, _)| w);
            match word.cmp(lower) {
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = start,
                std::cmp::Ordering::Equal => return StoredTable::parse(entry).map(|(_, c)| c),
            }
        }
        None
    }

    fn entries(&self) -> impl Iterator<Item = (&str, Counts)> {
        let lines = self.text.get(self.start..).unwrap_or_default();
        lines
            .split_terminator('\n')
            .filter_map(|line| StoredTable::parse(line.get(self.prefix..)?))
    }
}

/// The checksum a stored table keeps of its word lines: a table whose lines
/// were damaged, reordered or cut is not looked up in place, but counted
/// again (xxh3: 2 MB in a fraction of a millisecond, against a check of
/// every line).
pub(crate) fn lines_checksum(lines: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(lines.as_bytes())
}

impl TreeFrequency {
    /// Read a stored table into the map before it changes.
    fn materialize(&mut self) {
        if let Some(stored) = self.stored.take() {
            let lines = stored.text.get(stored.start..).unwrap_or_default();
            self.counts
                .reserve(memchr::memchr_iter(b'\n', lines.as_bytes()).count());
            for (word, c) in stored.entries() {
                self.counts.insert(word.as_bytes().into(), c);
            }
        }
    }

    /// Count the words of each page's text.
    pub fn from_pages<'a>(pages: impl IntoIterator<Item = &'a str>) -> TreeFrequency {
        let mut freq = TreeFrequency::default();
        for text in pages {
            freq.add_page(text.as_bytes());
        }
        freq
    }

    fn add_page(&mut self, bytes: &[u8]) {
        self.materialize();
        self.total += 1;
        let page = self.total;
        for_each_word(bytes, |lower, capital| {
            let entry = match self.counts.get_mut(lower) {
                Some(e) => e,
                None => self.counts.entry(lower.into()).or_insert((0, 0, 0, 0)),
            };
            entry.1 += 1;
            if capital {
                entry.3 += 1;
            }
            if entry.2 != page {
                entry.0 += 1;
                entry.2 = page;
            }
        });
    }

    /// Add one more page, counted by [`page_words`].
    pub(crate) fn add_page_words(&mut self, words: &PageWords) {
        self.materialize();
        self.total += 1;
        for (word, (occurrences, capitalised)) in words {
            let entry = match self.counts.get_mut(word) {
                Some(e) => e,
                None => self.counts.entry(word.clone()).or_insert((0, 0, 0, 0)),
            };
            entry.0 += 1;
            entry.1 += occurrences;
            entry.3 += capitalised;
        }
    }

    /// Take out a page that was added with these `(word, occurrences,
    /// capitalised)`; `None` if the table never held them.
    pub(crate) fn remove_page<'w>(
        &mut self,
        words: impl IntoIterator<Item = (&'w str, u32, u32)>,
    ) -> Option<()> {
        self.materialize();
        self.total = self.total.checked_sub(1)?;
        for (word, occurrences, capitalised) in words {
            let entry = self.counts.get_mut(word.as_bytes())?;
            entry.0 = entry.0.checked_sub(1)?;
            entry.1 = entry.1.checked_sub(occurrences)?;
            entry.3 = entry.3.checked_sub(capitalised)?;
            if entry.0 == 0 {
                self.counts.remove(word.as_bytes());
            }
        }
        Some(())
    }

    /// Whether the table is looked up in place in stored text.
    #[cfg(test)]
    pub(crate) fn is_stored(&self) -> bool {
        self.stored.is_some()
    }

    /// How many pages were counted (not logged as a question).
    pub(crate) fn total(&self) -> u32 {
        self.total
    }

    /// Every word with its pages, occurrences and capitalised occurrences, sorted.
    #[cfg(test)]
    pub(crate) fn sorted(&self) -> (u32, Vec<(String, u32, u32, u32)>) {
        let all = self
            .sorted_entries()
            .into_iter()
            .map(|(w, p, o, c)| (w.to_owned(), p, o, c))
            .collect();
        (self.total, all)
    }

    /// [`TreeFrequency::entries`] sorted by word: the order the stored
    /// tables keep, so that they are looked up in place.
    pub(crate) fn sorted_entries(&self) -> Vec<(&str, u32, u32, u32)> {
        let mut all: Vec<_> = self.entries().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// Add another table's counts (of other pages).
    fn merge(&mut self, mut other: TreeFrequency) {
        self.materialize();
        other.materialize();
        self.total += other.total;
        for (word, (pages, occurrences, _, capitalised)) in other.counts {
            let entry = self.counts.entry(word).or_insert((0, 0, 0, 0));
            entry.0 += pages;
            entry.3 += capitalised;
            entry.1 += occurrences;
        }
    }

    /// Count pages on every core.
    fn count_parallel<T: Sync>(
        items: &[T],
        bytes: impl for<'t> Fn(&'t T) -> Option<Cow<'t, [u8]>> + Sync,
    ) -> Self {
        let chunks: Vec<&[T]> = items
            .chunks(crate::parallel::chunk_size(items.len()))
            .collect();
        let parts = crate::parallel::par_map(&chunks, |part| {
            let mut freq = TreeFrequency::default();
            for item in *part {
                if let Some(b) = bytes(item) {
                    freq.add_page(&b);
                }
            }
            freq
        });
        let mut all = TreeFrequency::default();
        for part in parts {
            all.merge(part);
        }
        all
    }

    fn get(&self, word: &str) -> Option<Counts> {
        super::with_lowercase(word, |lower| match &self.stored {
            Some(stored) => stored.get(lower),
            None => self.counts.get(lower.as_bytes()).copied(),
        })
    }

    /// On how many pages `word` (any case) occurs.
    pub fn pages(&self, word: &str) -> u32 {
        let answer = self.get(word).map_or(0, |c| c.0);
        deps::record(|| Dep::WordPages {
            word: word.to_owned(),
            answer,
        });
        answer
    }

    /// How many times `word` occurs written with a capital.
    pub fn capitalised(&self, word: &str) -> u32 {
        self.get(word).map_or(0, |c| c.3)
    }

    /// How many times `word` (any case) occurs in all pages.
    pub fn occurrences(&self, word: &str) -> u32 {
        let answer = self.get(word).map_or(0, |c| c.1);
        deps::record(|| Dep::WordOccurrences {
            word: word.to_owned(),
            answer,
        });
        answer
    }

    /// Every word with its pages, occurrences and capitalised occurrences.
    pub fn entries(&self) -> impl Iterator<Item = (&str, u32, u32, u32)> {
        let stored = self
            .stored
            .iter()
            .flat_map(|s| s.entries())
            .map(|(w, c)| (w, c.0, c.1, c.3));
        self.counts
            .iter()
            .filter_map(|(word, c)| std::str::from_utf8(word).ok().map(|w| (w, c.0, c.1, c.3)))
            .chain(stored)
    }

    /// How many pages were counted.
    pub fn total_pages(&self) -> u32 {
        deps::record(|| Dep::TotalPages { answer: self.total });
        self.total
    }
}

/// One page's words: lowercase word -> (occurrences, capitalised occurrences).
pub(crate) type PageWords = HashMap<Box<[u8]>, (u32, u32), foldhash::fast::RandomState>;

/// Count one page's words.
pub(crate) fn page_words(bytes: &[u8]) -> PageWords {
    let mut words = PageWords::default();
    for_each_word(bytes, |lower, capital| {
        let entry = match words.get_mut(lower) {
            Some(e) => e,
            None => words.entry(lower.into()).or_insert((0, 0)),
        };
        entry.0 += 1;
        entry.1 += u32::from(capital);
    });
    words
}

/// Call `f` with each counted word of `bytes` in lowercase (two letters or
/// more), and whether it was written with a capital. One buffer for all.
fn for_each_word(bytes: &[u8], mut f: impl FnMut(&[u8], bool)) {
    let mut buf: Vec<u8> = Vec::with_capacity(32);
    for word in raw_words(bytes) {
        if word.len() < 2 {
            continue;
        }
        let capital = word[0].is_ascii_uppercase();
        if word.is_ascii() {
            if !word.iter().any(u8::is_ascii_uppercase) {
                f(word, capital);
                continue;
            }
            buf.clear();
            buf.extend(word.iter().map(u8::to_ascii_lowercase));
        } else {
            buf.clear();
            buf.extend(String::from_utf8_lossy(word).to_lowercase().bytes());
        }
        f(&buf, capital);
    }
}

/// Maximal runs of letters (ASCII letters and any non-ASCII byte), so that
/// `GitLab's` counts `gitlab` and `s`, and `café` stays one word. The right
/// single quote `’` (E2 80 99) ends a word as `'` does: `recc’s` counts `recc`.
/// No allocation: each word is a slice of `bytes`.
pub(crate) fn raw_words(bytes: &[u8]) -> RawWords<'_> {
    RawWords { bytes, pos: 0 }
}

const QUOTE: &[u8] = "’".as_bytes();

pub(crate) struct RawWords<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic() || b >= 0x80
}

impl<'a> Iterator for RawWords<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let bytes = self.bytes;
        loop {
            while self.pos < bytes.len() && !is_letter(bytes[self.pos]) {
                self.pos += 1;
            }
            if self.pos >= bytes.len() {
                return None;
            }
            if bytes[self.pos..].starts_with(QUOTE) {
                self.pos += QUOTE.len();
                continue;
            }
            let start = self.pos;
            while self.pos < bytes.len()
                && is_letter(bytes[self.pos])
                && !(bytes[self.pos] == QUOTE[0] && bytes[self.pos..].starts_with(QUOTE))
            {
                self.pos += 1;
            }
            return Some(&bytes[start..self.pos]);
        }
    }
}

/// Where the tree's counts are kept between runs (see [`super::word_cache`]):
/// the file, the fingerprint they hold under, and the content hash of each
/// of the run's pages (`None` where the run did not hash it).
/// The content hash of a file (root-relative path, path on disk) known
/// without reading it, if it is.
pub type KnownHash = std::sync::Arc<dyn Fn(&str, &std::path::Path) -> Option<String> + Send + Sync>;

pub struct Kept<'a> {
    pub file: PathBuf,
    pub fingerprint: u64,
    pub hashes: &'a [Option<String>],
    /// Where the root's file list is kept (see [`crate::cache::listing`]).
    pub listing: Option<(PathBuf, u64)>,
    /// The hashes the workspace's file stamps vouch for: those files are not read.
    pub known: Option<KnownHash>,
}

/// The frequency table for a run: its pages when they are the tree, else
/// the root's Markdown files (if they are more than the run's pages). The
/// run's shared data keeps the result ([`crate::rules::RunData::word_counts`]).
/// With `kept`, only pages changed since the stored counts are read.
pub fn count(
    settings: &FileSelection,
    pages: &[SourceFile],
    kept: Option<Kept<'_>>,
) -> TreeFrequency {
    let read_page = reader(|file: &SourceFile| {
        let bytes =
            crate::workspace::read(file, &settings.root, &crate::limits::Limits::default()).ok()?;
        // Pages that cannot be linted (binary, not UTF-8) are not counted.
        if bytes.contains(&0) || std::str::from_utf8(&bytes).is_err() {
            return None;
        }
        // The text of a page, as its document holds it: no byte-order mark.
        Some(match bytes {
            Cow::Borrowed(b) => Cow::Borrowed(b.strip_prefix(BOM).unwrap_or(b)),
            Cow::Owned(b) if b.starts_with(BOM) => Cow::Owned(b[BOM.len()..].to_vec()),
            owned => owned,
        })
    });
    let from_pages = |kept: Option<Kept<'_>>| {
        if let Some(kept) = kept
            && kept.hashes.len() == pages.len()
        {
            let pairs: Option<Vec<(&SourceFile, &str)>> = pages
                .iter()
                .zip(kept.hashes)
                .map(|(p, h)| Some((p, h.as_deref()?)))
                .collect();
            if let Some(pairs) = pairs {
                return super::word_cache::counts(&kept.file, kept.fingerprint, &pairs, &read_page);
            }
        }
        TreeFrequency::count_parallel(pages, read_page)
    };
    if pages.len() >= TREE_SIZE {
        return from_pages(kept);
    }
    let scanned = scan_root_cached(settings, kept.as_ref());
    if scanned.total < pages.len() as u32 {
        from_pages(None)
    } else {
        scanned
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A page reader whose bytes may borrow from the page (names the closure's lifetimes).
fn reader<F>(f: F) -> F
where
    F: for<'t> Fn(&'t SourceFile) -> Option<Cow<'t, [u8]>> + Sync,
{
    f
}

/// Count the words of the root's Markdown files (the default paths of
/// `hblint check`), reading raw bytes. Unreadable files are skipped: this is
/// a statistic, not a check.
pub fn scan_root(settings: &FileSelection) -> TreeFrequency {
    let paths =
        crate::inputs::default_paths(settings).unwrap_or_else(|| vec![settings.root.clone()]);
    let files = crate::inputs::collect(settings, &paths, false).unwrap_or_default();
    TreeFrequency::count_parallel(&files, |file| match &file.content {
        crate::inputs::Content::Disk(path) => std::fs::read(path).ok().map(Cow::Owned),
        crate::inputs::Content::Bytes(bytes) => Some(Cow::Borrowed(bytes.as_slice())),
    })
}

/// [`scan_root`] with the content cache: the root's files are hashed and
/// only those changed since the stored counts are counted.
fn scan_root_kept(settings: &FileSelection, kept: &Kept<'_>) -> TreeFrequency {
    let paths =
        crate::inputs::default_paths(settings).unwrap_or_else(|| vec![settings.root.clone()]);
    let files = crate::inputs::collect_kept(settings, &paths, false, kept.listing.clone())
        .unwrap_or_default();
    let raw = |file: &SourceFile| -> Option<Vec<u8>> {
        match &file.content {
            crate::inputs::Content::Disk(path) => std::fs::read(path).ok(),
            crate::inputs::Content::Bytes(bytes) => Some(bytes.clone()),
        }
    };
    let hash = |f: &SourceFile| {
        if let (Some(known), crate::inputs::Content::Disk(path)) = (&kept.known, &f.content)
            && let Some(hash) = known(&f.path, path)
        {
            return Some(hash);
        }
        raw(f).map(|b| crate::cache::content_hash(&b))
    };
    let hashes = crate::parallel::par_map(&files, hash);
    // An unreadable file has no hash: it is neither counted nor stored.
    let pairs: Vec<(&SourceFile, &str)> = files
        .iter()
        .zip(&hashes)
        .filter_map(|(f, h)| Some((f, h.as_deref()?)))
        .collect();
    // Raw bytes, unlike the run's pages (a byte-order mark is counted, a
    // binary page too): a file of its own, so the two never overwrite each other.
    let file = kept.file.with_file_name("words-root");
    super::word_cache::counts(&file, kept.fingerprint, &pairs, &|f| raw(f).map(Cow::Owned))
}

/// [`scan_root`], kept between runs in a git repository: the counts of the
/// tree at `HEAD` are stored in the git folder (`hblint/word-frequency`),
/// keyed by `HEAD`'s tree id, and recounted when `HEAD` moves. A few pages
/// changed since `HEAD` barely move a tree-wide statistic, so a pre-commit
/// run pays for the count once per commit, not once per run. When they must
/// be counted, the content cache (`kept`) saves reading unchanged pages.
/// Outside git, or when the file cannot be read or written, the tree is
/// counted through `kept`, or in full without it.
pub fn scan_root_cached(settings: &FileSelection, kept: Option<&Kept<'_>>) -> TreeFrequency {
    let count = || match kept {
        Some(kept) => scan_root_kept(settings, kept),
        None => scan_root(settings),
    };
    let Some((tree, cache)) = crate::git::head_tree(&settings.root).ok().flatten() else {
        return count();
    };
    if let Some(freq) = std::fs::read_to_string(&cache)
        .ok()
        .and_then(|text| TreeFrequency::from_cache(text, &tree))
    {
        return freq;
    }
    let freq = count();
    if let Some(dir) = cache.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        // A fresh temporary name: two runs that overlap never share one.
        let _ = crate::fix::write_new(&cache, freq.to_cache(&tree).as_bytes(), 0o644);
    }
    freq
}

impl TreeFrequency {
    /// The cache file: a header line `hblint-word-frequency 4 TREE PAGES
    /// CHECKSUM`, then `word<TAB>pages<TAB>occurrences<TAB>capitalised` lines
    /// sorted by word (their [`lines_checksum`] in the header).
    fn to_cache(&self, tree: &str) -> String {
        let mut lines = String::new();
        for (word, pages, occurrences, capitalised) in self.sorted_entries() {
            // A word with a tab or a line break cannot be stored (none can be one).
            if !word.contains(['\t', '\n', '\r']) {
                lines.push_str(&format!("{word}\t{pages}\t{occurrences}\t{capitalised}\n"));
            }
        }
        let checksum = lines_checksum(&lines);
        format!("{CACHE_HEADER} {tree} {} {checksum:x}\n{lines}", self.total)
    }

    fn from_cache(text: String, tree: &str) -> Option<TreeFrequency> {
        let (head, _) = text.split_once('\n')?;
        let mut header = head.rsplitn(4, ' ');
        let checksum = u64::from_str_radix(header.next()?, 16).ok()?;
        let total: u32 = header.next()?.parse().ok()?;
        if header.next()? != tree || header.next()? != CACHE_HEADER {
            return None;
        }
        let start = head.len() + 1;
        TreeFrequency::in_place(total, text, start, "", checksum)
    }

    /// A table of `total` pages looked up in place in `text`: from byte
    /// `start` on, lines `PREFIXword<TAB>pages<TAB>occurrences<TAB>capitalised`
    /// sorted by word, whose [`lines_checksum`] is `checksum`; `None` if it
    /// is not.
    pub(crate) fn in_place(
        total: u32,
        text: String,
        start: usize,
        prefix: &str,
        checksum: u64,
    ) -> Option<TreeFrequency> {
        if lines_checksum(text.get(start..)?) != checksum {
            return None;
        }
        Some(TreeFrequency {
            total,
            stored: Some(std::sync::Arc::new(StoredTable {
                text,
                start,
                prefix: prefix.len(),
            })),
            ..TreeFrequency::default()
        })
    }
}

/// Version 4: the words sorted, so that they are looked up in place, and
/// their checksum in the header.
const CACHE_HEADER: &str = "hblint-word-frequency 4";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pages_not_occurrences_in_any_case() {
        let f =
            TreeFrequency::from_pages(["Services and services", "the SERVICES", "café au lait"]);
        assert_eq!(f.pages("services"), 2);
        assert_eq!(f.occurrences("services"), 3);
        assert_eq!(f.pages("Services"), 2);
        assert_eq!(f.pages("café"), 1);
        assert_eq!(f.pages("missing"), 0);
        let g = TreeFrequency::from_pages(["recc’s and recc’s"]);
        assert_eq!(g.occurrences("recc"), 2);
        assert_eq!(f.total_pages(), 3);
    }

    #[test]
    fn a_stored_table_is_looked_up_in_place_and_read_whole_on_change() {
        let f = TreeFrequency::from_pages(["Zeta alpha Beta", "beta gamma", "Café naïve alpha"]);
        let text = f.to_cache("t");
        let back = TreeFrequency::from_cache(text.clone(), "t").expect("valid");
        assert!(back.counts.is_empty() && back.stored.is_some());
        let words = |t: &TreeFrequency| {
            let mut all: Vec<_> = t
                .entries()
                .map(|(w, p, o, c)| (w.to_owned(), p, o, c))
                .collect();
            all.sort();
            all
        };
        assert_eq!(words(&back), words(&f));
        for w in ["alpha", "BETA", "café", "zeta", "missing", "", "aaa", "zzz"] {
            assert_eq!(back.pages(w), f.pages(w), "{w}");
            assert_eq!(back.occurrences(w), f.occurrences(w), "{w}");
            assert_eq!(back.capitalised(w), f.capitalised(w), "{w}");
        }
        // A change reads the stored table into the map first.
        let mut changed = back.clone();
        changed.add_page_words(&page_words(b"delta"));
        assert!(changed.stored.is_none());
        assert_eq!(changed.pages("beta"), 2);
        assert_eq!(changed.pages("delta"), 1);
        // Lines changed after the checksum was taken (a word out of order,
        // repeated, a bad count, a line cut or lost): none.
        let (header, lines) = text.split_once('\n').expect("header");
        let damaged = [
            lines.replacen("alpha", "zzzzz", 1),
            lines.replacen("beta\t", "alpha\t", 1),
            lines.replacen('\t', "\tx", 1),
            lines[..lines.len() - 3].to_owned(),
            lines.split_once('\n').expect("lines").1.to_owned(),
            String::new(),
        ];
        for body in damaged {
            assert!(
                TreeFrequency::from_cache(format!("{header}\n{body}"), "t").is_none(),
                "{body}"
            );
        }
        // Lines whose checksum matches are trusted, but a line that does not
        // parse answers nothing rather than a wrong count; the search never
        // leaves the lines.
        let odd = "a\t1\tx\t0\nb\t1\t1\nc\t2\t3\t1\nd\t9999999999\t1\t0\ne\t1\t1\t0\t0\n";
        let total = 4;
        let trusted = TreeFrequency::in_place(total, odd.to_owned(), 0, "", lines_checksum(odd))
            .expect("checksum matches");
        for (word, pages) in [
            ("a", 0),
            ("b", 0),
            ("c", 2),
            ("d", 0),
            ("e", 0),
            ("", 0),
            ("zz", 0),
        ] {
            assert_eq!(trusted.pages(word), pages, "{word}");
        }
        assert_eq!(trusted.entries().count(), 1);
    }

    #[test]
    fn cache_round_trips_and_is_keyed_by_tree() {
        let f = TreeFrequency::from_pages(["Services and services", "the SERVICES", "café"]);
        let text = f.to_cache("abc123");
        let back = TreeFrequency::from_cache(text.clone(), "abc123").expect("same tree");
        assert_eq!(back.pages("services"), 2);
        assert_eq!(back.occurrences("services"), 3);
        assert_eq!(back.pages("café"), 1);
        assert_eq!(back.total_pages(), 3);
        assert!(TreeFrequency::from_cache(text, "def456").is_none());
        assert!(TreeFrequency::from_cache("garbage".into(), "abc123").is_none());
    }

    #[test]
    fn git_roots_keep_the_counts_between_runs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(root)
                .args(args)
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        };
        if !git(&["init", "-q"]) {
            return; // no git on this machine: nothing to cache
        }
        let commit = |message: &str| {
            git(&["add", "."])
                && git(&[
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@t",
                    "commit",
                    "-qm",
                    message,
                ])
        };
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::fs::write(root.join("content/a.md"), "runbook here").expect("write");
        assert!(commit("a"));
        let settings = FileSelection::all(root);
        assert_eq!(scan_root_cached(&settings, None).pages("runbook"), 1);
        let (_, cache) = crate::git::head_tree(root)
            .ok()
            .flatten()
            .expect("git cache path");
        assert!(cache.is_file(), "the counts were stored");
        // Same HEAD: the stored counts are used, even though a page changed.
        std::fs::write(root.join("content/b.md"), "runbook again").expect("write");
        assert_eq!(scan_root_cached(&settings, None).pages("runbook"), 1);
        // A new commit: counted again.
        assert!(commit("b"));
        assert_eq!(scan_root_cached(&settings, None).pages("runbook"), 2);
        // Another root in the same repository keeps its own counts.
        std::fs::create_dir_all(root.join("other")).expect("mkdir");
        std::fs::write(root.join("other/x.md"), "checklist").expect("write");
        assert!(commit("c"));
        let other = FileSelection::all(&root.join("other"));
        assert_eq!(scan_root_cached(&other, None).pages("checklist"), 1);
        assert_eq!(scan_root_cached(&other, None).pages("runbook"), 0);
        assert_eq!(scan_root_cached(&settings, None).pages("runbook"), 2);
    }

    #[test]
    fn root_scan_reads_the_markdown_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).expect("mkdir");
        std::fs::write(content.join("a.md"), "runbook here").expect("write");
        std::fs::write(content.join("b.md"), "another runbook").expect("write");
        std::fs::write(content.join("c.txt"), "runbook ignored").expect("write");
        let settings = FileSelection::all(dir.path());
        let f = scan_root(&settings);
        assert_eq!(f.total_pages(), 2);
        assert_eq!(f.pages("runbook"), 2);
        let counted = count(&settings, &[], None);
        assert_eq!(counted.pages("runbook"), 2);
    }
}

/// Timing on the real handbook: `HBLINT_CORPUS=/path cargo test --release -- --ignored scan_timing --nocapture`.
#[cfg(test)]
mod timing {
    #[test]
    #[ignore]
    fn scan_timing() {
        let Ok(root) = std::env::var("HBLINT_CORPUS") else {
            return;
        };
        let settings = crate::inputs::FileSelection::all(std::path::Path::new(&root));
        let t = std::time::Instant::now();
        let f = super::scan_root(&settings);
        eprintln!("scan of {} pages: {:?}", f.total_pages(), t.elapsed());
    }
}
