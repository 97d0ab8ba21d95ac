//! Tree-wide word frequency: on how many pages of the handbook a word occurs.
//!
//! A word used on many pages is more likely jargon than a typo, and the word a
//! typo was meant to be is usually one the tree uses often. When the run has
//! the whole tree (`hblint check` over the handbook), the counts come from the
//! run's documents. For a small run (a pre-commit check of a few pages) they
//! come from a raw-byte scan of the root's Markdown files, once per run: when
//! a word first needs a judgement, or ahead of need while the pages are
//! checked when they are many ([`crate::rules::RunData::count_words_ahead`]).
//! The run's shared data keeps the table
//! ([`crate::rules::RunData::word_counts`]), so rules never read files
//! themselves.

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

    /// The word lines.
    fn lines(&self) -> &str {
        self.text.get(self.start..).unwrap_or_default()
    }

    fn entries(&self) -> impl Iterator<Item = (&str, Counts)> {
        self.lines()
            .split_terminator('\n')
            .filter_map(|line| StoredTable::parse(line.get(self.prefix..)?))
    }
}

/// The checksum a stored table keeps of its word lines: a table whose lines
/// were damaged, reordered or cut is not looked up in place, but counted
/// again (xxh3: 2 MB in a fraction of a millisecond, against a check of
/// every line).
fn lines_checksum(lines: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(lines.as_bytes())
}

impl TreeFrequency {
    /// Read a stored table into the map before it changes.
    fn materialize(&mut self) {
        if let Some(stored) = self.stored.take() {
            let lines = stored.lines().as_bytes();
            self.counts
                .reserve(memchr::memchr_iter(b'\n', lines).count());
            for (word, c) in stored.entries() {
                self.counts.insert(word.as_bytes().into(), c);
            }
        }
    }

    /// Count the words of each page's text.
    pub fn from_pages<'a>(pages: impl IntoIterator<Item = &'a str>) -> TreeFrequency {
        let mut counter = Counter::default();
        for text in pages {
            counter.add_page(text.as_bytes());
        }
        counter.finish()
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

    /// Count pages on every core.
    fn count_parallel<T: Sync>(
        items: &[T],
        bytes: impl for<'t> Fn(&'t T) -> Option<Cow<'t, [u8]>> + Sync,
    ) -> Self {
        let chunks: Vec<&[T]> = items
            .chunks(crate::parallel::chunk_size(items.len()))
            .collect();
        let parts = crate::parallel::par_map(&chunks, |part| {
            let mut counter = Counter::default();
            for item in *part {
                if let Some(b) = bytes(item) {
                    counter.add_page(&b);
                }
            }
            counter
        });
        let mut parts = parts.into_iter();
        let mut all = parts.next().unwrap_or_default();
        for part in parts {
            all.merge(part);
        }
        all.finish()
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

/// The tree's counts while its pages are read, turned into a
/// [`TreeFrequency`] once, at the end.
type Counter = Tally<Counts>;

impl Counter {
    /// Add another counter's counts (of other pages).
    fn merge(&mut self, other: Counter) {
        self.pages += other.pages;
        let add = |entry: &mut Counts, (pages, occurrences, _, capitalised): Counts| {
            entry.0 += pages;
            entry.1 += occurrences;
            entry.3 += capitalised;
        };
        for (key, counts) in other.packed {
            add(self.packed.entry(key).or_default(), counts);
        }
        for (word, counts) in other.long {
            add(self.long.entry(word).or_default(), counts);
        }
    }

    fn finish(self) -> TreeFrequency {
        TreeFrequency {
            total: self.pages,
            counts: self.into_map(),
            stored: None,
        }
    }
}

/// One page's words: lowercase word -> (occurrences, capitalised occurrences).
pub(crate) type PageWords = HashMap<Box<[u8]>, (u32, u32), foldhash::fast::RandomState>;

/// Count one page's words.
pub(crate) fn page_words(bytes: &[u8]) -> PageWords {
    let mut words = Tally::<(u32, u32)>::default();
    words.add_page(bytes);
    words.into_map()
}

/// A word's counts, one occurrence more.
trait Count: Default {
    fn add(&mut self, page: u32, capital: bool);
}

/// One page's counts of a word: occurrences, capitalised occurrences.
impl Count for (u32, u32) {
    fn add(&mut self, _page: u32, capital: bool) {
        self.0 += 1;
        self.1 += u32::from(capital);
    }
}

/// The tree's counts of a word (see [`Counts`]).
impl Count for Counts {
    fn add(&mut self, page: u32, capital: bool) {
        self.1 += 1;
        self.3 += u32::from(capital);
        if self.2 != page {
            self.0 += 1;
            self.2 = page;
        }
    }
}

/// Words counted while pages are read. Most words are short: those of up to
/// [`PACKED`] bytes are keyed by a `u128` (see [`pack`]), hashed and compared
/// without reading memory elsewhere; longer ones by their bytes.
#[derive(Default)]
struct Tally<V> {
    packed: HashMap<u128, V, foldhash::fast::RandomState>,
    long: HashMap<Box<[u8]>, V, foldhash::fast::RandomState>,
    /// Pages counted: the number of the page being read.
    pages: u32,
}

impl<V: Count> Tally<V> {
    fn add_page(&mut self, bytes: &[u8]) {
        self.pages += 1;
        for_each_word(bytes, self);
    }

    /// Every word as bytes. A word is packed exactly when it has at most
    /// [`PACKED`] bytes, so the two maps never share one.
    fn into_map(self) -> HashMap<Box<[u8]>, V, foldhash::fast::RandomState> {
        let mut all = self.long;
        all.reserve(self.packed.len());
        all.extend(self.packed.into_iter().map(|(k, v)| (unpack(k), v)));
        all
    }
}

/// Where [`for_each_word`] hands each lowercase word, and whether it was
/// written with a capital.
trait Words {
    /// A word of at most [`PACKED`] bytes, packed.
    fn packed(&mut self, key: u128, capital: bool);
    /// A longer word.
    fn long(&mut self, word: &[u8], capital: bool);
}

impl<V: Count> Words for Tally<V> {
    // Inlined into the word scan: most words end here.
    #[inline(always)]
    fn packed(&mut self, key: u128, capital: bool) {
        self.packed.entry(key).or_default().add(self.pages, capital);
    }

    fn long(&mut self, word: &[u8], capital: bool) {
        // Looked up first: a word already counted is not copied.
        match self.long.get_mut(word) {
            Some(v) => v.add(self.pages, capital),
            None => self
                .long
                .entry(word.into())
                .or_default()
                .add(self.pages, capital),
        }
    }
}

/// The longest word kept packed.
const PACKED: usize = 16;

/// `word` (at most [`PACKED`] bytes) little-endian, zero-padded: a word has
/// no zero byte, so the packing is one-to-one and its length is known back.
fn pack(word: &[u8]) -> u128 {
    u128::from_le_bytes(padded(word))
}

/// The first `N` bytes of `bytes`, zero-padded past its end.
fn padded<const N: usize>(bytes: &[u8]) -> [u8; N] {
    if let Some(first) = bytes.first_chunk() {
        return *first;
    }
    let mut buf = [0; N];
    for (to, from) in buf.iter_mut().zip(bytes) {
        *to = *from;
    }
    buf
}

/// The bytes of a packed word.
fn unpack(key: u128) -> Box<[u8]> {
    let len = PACKED - (key.leading_zeros() / 8) as usize;
    key.to_le_bytes()[..len].into()
}

const QUOTE: &[u8] = "’".as_bytes();

/// Hand `words` each counted word of `bytes` in lowercase (two letters or
/// more).
///
/// Words are maximal runs of letters (ASCII letters and any non-ASCII
/// byte), so that `GitLab's` counts `gitlab` and `s`, and `café` stays one
/// word. The right single quote `’` (E2 80 99) ends a word as `'` does:
/// `recc’s` counts `recc`.
fn for_each_word(bytes: &[u8], words: &mut impl Words) {
    let mut buf = Vec::with_capacity(32);
    let mut word = |start: usize, end: usize, ascii: bool| {
        let (Some(text), Some(run)) = (bytes.get(start..), bytes.get(start..end)) else {
            return;
        };
        if ascii {
            ascii_word(run, text, &mut buf, words);
        } else {
            split_quotes(run, |part| {
                if part.is_ascii() {
                    ascii_word(part, part, &mut buf, words);
                } else {
                    other_word(part, words);
                }
            });
        }
    };
    // The run of letters still open at the end of the block before: its
    // start, and whether it has a non-ASCII byte there.
    let mut open: Option<(usize, bool)> = None;
    let blocks = bytes.chunks_exact(BLOCK);
    // The last block is padded with zeros, which are not letters: it ends
    // the run that the text ends in.
    let last = padded::<BLOCK>(blocks.remainder());
    let blocks = blocks.filter_map(|b| b.first_chunk::<BLOCK>());
    for (base, block) in (0..).step_by(BLOCK).zip(blocks.chain([&last])) {
        let (letters, high) = block_masks(block);
        // A bit where a byte is a letter and the one before is not, or
        // the other way round: each run of letters starts at one and ends
        // at the next.
        let mut edges = letters ^ ((letters << 1) | u64::from(open.is_some()));
        // The bit where the open run's part in this block starts.
        let mut from = 0;
        while edges != 0 {
            let bit = edges.trailing_zeros();
            edges &= edges - 1;
            match open.take() {
                None => {
                    open = Some((base + bit as usize, false));
                    from = bit;
                }
                Some((start, non_ascii)) => {
                    let part = high & below(bit) & !below(from);
                    word(start, base + bit as usize, !non_ascii && part == 0);
                }
            }
        }
        if let Some((_, non_ascii)) = &mut open {
            *non_ascii |= high & !below(from) != 0;
        }
    }
}

// Letters are found a block at a time, as bits of a `u64`, and runs of
// letters from the bits: no branch is taken per byte, and the work on one
// word does not wait for the search for the next.
const BLOCK: usize = 64;
const ONES: u64 = u64::from_le_bytes([1; 8]);
const HIGH: u64 = ONES * 0x80;

/// The letters and the non-ASCII bytes of a block, a bit for each byte.
fn block_masks(block: &[u8; BLOCK]) -> (u64, u64) {
    let mut letter_bits = 0;
    let mut high_bits = 0;
    for (i, eight) in block.as_chunks::<8>().0.iter().enumerate() {
        let x = u64::from_le_bytes(*eight);
        letter_bits |= gather(letters(x)) << (8 * i);
        high_bits |= gather(x & HIGH) << (8 * i);
    }
    (letter_bits, high_bits)
}

/// Bit 5 of each byte: set, an ASCII letter is lowercase.
const CASE: u64 = ONES * 0x20;
/// Added to a byte below 0x80: bit 7 set from `a` on.
const FROM_A: u64 = ONES * (0x80 - b'a' as u64);
/// Added to a byte below 0x80: bit 7 set past `z`.
const PAST_Z: u64 = ONES * (0x80 - b'z' as u64 - 1);

/// Bit 7 of each byte of `x` that is a letter: non-ASCII, or an ASCII byte
/// that, lowercase, lies in `a..=z`. With bit 7 clear the sums never carry
/// into the next byte.
fn letters(x: u64) -> u64 {
    let lower = (x | CASE) & !HIGH;
    (x | ((lower + FROM_A) & !(lower + PAST_Z))) & HIGH
}

/// Bit 7 of each byte of `m` (nothing else set) as the low eight bits: the
/// multiplication moves bit 7 of byte `k` to bit `56 + k`, without carries.
fn gather(m: u64) -> u64 {
    (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The bits below `bit` (at most 63).
fn below(bit: u32) -> u64 {
    (1 << bit) - 1
}

/// Call `f` with each part of a run of letters between right single quotes.
fn split_quotes(run: &[u8], mut f: impl FnMut(&[u8])) {
    let mut rest = run;
    let mut from = 0;
    while let Some(i) = memchr::memchr(QUOTE[0], &rest[from..]).map(|i| from + i) {
        if rest[i..].starts_with(QUOTE) {
            f(&rest[..i]);
            rest = &rest[i + QUOTE.len()..];
            from = 0;
        } else {
            from = i + 1;
        }
    }
    f(rest);
}

/// All ASCII letters are lowercase with this bit set.
const LOWER: u128 = u128::from_le_bytes([0x20; PACKED]);

/// An ASCII word; `text` is the text from its first byte on, packed in one
/// load and cut to the word's length.
#[inline(always)]
fn ascii_word(word: &[u8], text: &[u8], buf: &mut Vec<u8>, words: &mut impl Words) {
    if word.len() < 2 {
        return;
    }
    let capital = word.first().is_some_and(u8::is_ascii_uppercase);
    if word.len() <= PACKED {
        let keep = u128::MAX
            .checked_shr(8 * (PACKED - word.len()) as u32)
            .unwrap_or(0);
        words.packed((pack(text) | LOWER) & keep, capital);
    } else if word.iter().any(u8::is_ascii_uppercase) {
        buf.clear();
        buf.extend(word.iter().map(u8::to_ascii_lowercase));
        words.long(buf, capital);
    } else {
        words.long(word, capital);
    }
}

/// A word with a non-ASCII byte, lowercased as Unicode says (`ÉCOLE`:
/// `école`; a byte that is not UTF-8 as U+FFFD).
fn other_word(word: &[u8], words: &mut impl Words) {
    if word.len() < 2 {
        return;
    }
    let capital = word.first().is_some_and(u8::is_ascii_uppercase);
    let lower = String::from_utf8_lossy(word).to_lowercase();
    // The lowercase form may be shorter (`K`, the Kelvin sign, is `k`):
    // it is keyed by its own length, as every word is.
    if lower.len() <= PACKED {
        words.packed(pack(lower.as_bytes()), capital);
    } else {
        words.long(lower.as_bytes(), capital);
    }
}

/// The content hash of a file (root-relative path, path on disk) known
/// without reading it, if it is.
pub type KnownHash = std::sync::Arc<dyn Fn(&str, &std::path::Path) -> Option<String> + Send + Sync>;

/// Where the tree's counts are kept between runs (see [`super::word_cache`]):
/// the file, the fingerprint they hold under, and the content hash of each
/// of the run's pages (`None` where the run did not hash it).
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
        crate::cache::while_open(|| {
            let _ = crate::fix::write_new(&cache, freq.to_cache(&tree).as_bytes(), 0o644);
        });
    }
    freq
}

impl TreeFrequency {
    /// The cache file: a header line `hblint-word-frequency 4 TREE PAGES
    /// CHECKSUM`, then `word<TAB>pages<TAB>occurrences<TAB>capitalised` lines
    /// sorted by word (their [`lines_checksum`] in the header).
    fn to_cache(&self, tree: &str) -> String {
        let (lines, checksum) = self.stored_lines("");
        format!("{CACHE_HEADER} {tree} {} {checksum:x}\n{lines}", self.total)
    }

    /// The word lines of a stored table, each `PREFIXword<TAB>pages<TAB>
    /// occurrences<TAB>capitalised`, sorted by word (as [`in_place`] reads
    /// them), and their [`lines_checksum`].
    ///
    /// [`in_place`]: TreeFrequency::in_place
    pub(crate) fn stored_lines(&self, prefix: &str) -> (String, u64) {
        use std::fmt::Write as _;
        let mut lines = String::with_capacity(1 << 20);
        for (word, pages, occurrences, capitalised) in self.sorted_entries() {
            // A word with a tab or a line break cannot be stored (none can be one).
            if !word.contains(['\t', '\n', '\r']) {
                let _ = writeln!(
                    lines,
                    "{prefix}{word}\t{pages}\t{occurrences}\t{capitalised}"
                );
            }
        }
        let checksum = lines_checksum(&lines);
        (lines, checksum)
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

    /// The counting as it was before keys were packed: words found by a
    /// byte-by-byte scan, every word keyed by its bytes. The counter must
    /// agree with it exactly.
    pub(super) mod reference {
        use super::super::{Counts, PageWords, TreeFrequency};
        use std::collections::HashMap;

        const QUOTE: &[u8] = "’".as_bytes();

        fn is_letter(b: u8) -> bool {
            b.is_ascii_alphabetic() || b >= 0x80
        }

        fn raw_words(bytes: &[u8]) -> RawWords<'_> {
            RawWords { bytes, pos: 0 }
        }

        struct RawWords<'a> {
            bytes: &'a [u8],
            pos: usize,
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

        pub fn from_pages(pages: &[&[u8]]) -> TreeFrequency {
            let mut counts: HashMap<Box<[u8]>, Counts, _> = HashMap::default();
            for (page, bytes) in (1..).zip(pages) {
                for_each_word(bytes, |lower, capital| {
                    let entry = match counts.get_mut(lower) {
                        Some(e) => e,
                        None => counts.entry(lower.into()).or_insert((0, 0, 0, 0)),
                    };
                    entry.1 += 1;
                    entry.3 += u32::from(capital);
                    if entry.2 != page {
                        entry.0 += 1;
                        entry.2 = page;
                    }
                });
            }
            TreeFrequency {
                counts,
                total: pages.len() as u32,
                stored: None,
            }
        }

        pub fn page_words(bytes: &[u8]) -> PageWords {
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
    }

    pub(super) fn sorted_page(words: &PageWords) -> Vec<(Vec<u8>, (u32, u32))> {
        let mut all: Vec<_> = words.iter().map(|(w, c)| (w.to_vec(), *c)).collect();
        all.sort();
        all
    }

    /// The counter, the parallel counter and one page's counts agree with
    /// [`reference`] on `pages`.
    fn agrees_with_reference(pages: &[&[u8]]) {
        let expected = reference::from_pages(pages);
        let mut counter = Counter::default();
        for page in pages {
            counter.add_page(page);
        }
        let counted = counter.finish();
        assert_eq!(counted.sorted(), expected.sorted());
        assert_eq!(counted.total_pages(), expected.total_pages());
        let parallel = TreeFrequency::count_parallel(pages, |p| Some(Cow::Borrowed(*p)));
        assert_eq!(parallel.sorted(), expected.sorted());
        assert_eq!(parallel.total_pages(), expected.total_pages());
        for page in pages {
            assert_eq!(
                sorted_page(&page_words(page)),
                sorted_page(&reference::page_words(page)),
                "{}",
                String::from_utf8_lossy(page)
            );
        }
    }

    #[test]
    fn packed_keys_count_exactly_as_bytes_do() {
        let pages: &[&[u8]] = &[
            b"GitLab's gitlab GITLAB Gitlab gitLab. It is GitLab's; GitLab",
            "recc’s ’quoted’ it’s’’’ ’’ a’b x’yz ’ab ab’ Don’t DON’T".as_bytes(),
            // 16 and 17 bytes, in every case, mid-text and at the very end.
            b"abcdefghijklmnop ABCDEFGHIJKLMNOP abcdefghijklmnopq ABCDEFGHIJKLMNOPQ Abcdefghijklmnop",
            b"abcdefghijklmnopq",
            b"Abcdefghijklmnop",
            b"x Abcdefghijklmno",
            "café Café CAFÉ ÉCOLE école straße STRASSE Straße Ünïcødé ümlaut".as_bytes(),
            // Invalid UTF-8, a cut quote, a quote right after a lead byte.
            b"bad \xff\xfe bytes ab\xffcd \xe2\x80 trailing\xe2\x80 q\xe2\xe2\x80\x99s \xe2\x80\x99\xe2\x80\x99",
            b"a I x y abc123def 42 A1 b2b ab_cd tab\tline\r\nend",
            // Lowercase forms shorter or longer than the word: the Kelvin
            // sign is `k`, `İ` is `i` and a combining dot, `ẞ` is `ß`.
            "\u{212A} \u{212A}elvin kelvin KELVIN İİİİİİİİ İstanbul ẞẞẞẞẞẞ aaaaaaaaaaaaaaẞ"
                .as_bytes(),
            "ééééééé éééééééé ÉÉÉÉÉÉÉÉ ééééééééé abcdefghijklmné abcdefghijklmnoé".as_bytes(),
            b"",
            b"a",
            b"...   ---",
            b"the the The THE the",
            b"the end",
        ];
        agrees_with_reference(pages);
        // Words that cross the edges of the 64-byte blocks the scan reads,
        // with a non-ASCII byte before, at or after an edge.
        let long = "abcdefghijklmnopqrstuvwxyz".repeat(6);
        let shifted: Vec<Vec<u8>> = (0..=130)
            .map(|n| {
                format!(
                    "{}Straße’s GitLab {long} é{long} {long}é {long}É{long} x{}",
                    " ".repeat(n),
                    "ab".repeat(n)
                )
                .into_bytes()
            })
            .collect();
        let shifted: Vec<&[u8]> = shifted.iter().map(Vec::as_slice).collect();
        agrees_with_reference(&shifted);
        // The same word on several pages: pages, not occurrences.
        let f = TreeFrequency::from_pages(["GitLab and gitlab", "GITLAB", "none"]);
        assert_eq!(f.pages("gitlab"), 2);
        assert_eq!(f.occurrences("gitlab"), 3);
        assert_eq!(f.capitalised("gitlab"), 2);
        assert_eq!(f.total_pages(), 3);
    }

    #[test]
    fn packed_keys_round_trip() {
        for word in [&b"ab"[..], b"abcdefghijklmnop", "é".as_bytes(), b"\x80\xff"] {
            assert_eq!(&*unpack(pack(word)), word);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Pages made of pieces that meet at word edges in every way.
        #[test]
        fn any_text_counts_as_the_reference_does(
            pages in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "a", "B", "z", "Q", "gitlab", "GitLab", "abcdefghijklmno", " ", ".", "'",
                        "1", "’", "\u{e2}", "é", "É", "ß", "\u{212A}", "İ", "ẞ",
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl",
                        "                                ",
                    ]),
                    0..60,
                ),
                1..5,
            ),
            raw in proptest::collection::vec(
                proptest::sample::select(vec![0xe2u8, 0x80, 0x99, 0xff, b'a', b'Z', b' ']),
                0..40,
            ),
        ) {
            let mut texts: Vec<Vec<u8>> = pages.iter().map(|p| p.concat().into_bytes()).collect();
            texts.push(raw);
            let all: Vec<&[u8]> = texts.iter().map(Vec::as_slice).collect();
            agrees_with_reference(&all);
        }
    }

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
        let commit = |message: &str| !crate::git::tests::commit_all(root, message).is_empty();
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
    /// The handbook the ignored timings read (`HBLINT_CORPUS`), if given.
    fn corpus() -> Option<crate::inputs::FileSelection> {
        let root = std::env::var("HBLINT_CORPUS").ok()?;
        Some(crate::inputs::FileSelection::all(std::path::Path::new(
            &root,
        )))
    }

    #[test]
    #[ignore]
    fn scan_timing() {
        let Some(settings) = corpus() else {
            return;
        };
        let t = std::time::Instant::now();
        let f = super::scan_root(&settings);
        eprintln!("scan of {} pages: {:?}", f.total_pages(), t.elapsed());
    }

    /// The counters against the reference on every page of the handbook, on
    /// one thread, timed: `HBLINT_CORPUS=/path cargo test --release -- --ignored count_timing --nocapture`.
    #[test]
    #[ignore]
    fn count_timing() {
        let Some(settings) = corpus() else {
            return;
        };
        let paths =
            crate::inputs::default_paths(&settings).unwrap_or_else(|| vec![settings.root.clone()]);
        let files = crate::inputs::collect(&settings, &paths, false).unwrap_or_default();
        let texts: Vec<Vec<u8>> = files
            .iter()
            .filter_map(|file| match &file.content {
                crate::inputs::Content::Disk(path) => std::fs::read(path).ok(),
                crate::inputs::Content::Bytes(bytes) => Some(bytes.clone()),
            })
            .collect();
        let pages: Vec<&[u8]> = texts.iter().map(Vec::as_slice).collect();
        let best = |f: &dyn Fn() -> super::TreeFrequency| {
            (0..5)
                .map(|_| {
                    let t = std::time::Instant::now();
                    std::hint::black_box(f());
                    t.elapsed()
                })
                .min()
        };
        let reference = || super::tests::reference::from_pages(&pages);
        let counter = || {
            let mut counter = super::Counter::default();
            for page in &pages {
                counter.add_page(page);
            }
            counter.finish()
        };
        let page_words = || {
            for page in &pages {
                std::hint::black_box(super::page_words(page));
            }
            super::TreeFrequency::default()
        };
        let reference_page_words = || {
            for page in &pages {
                std::hint::black_box(super::tests::reference::page_words(page));
            }
            super::TreeFrequency::default()
        };
        assert_eq!(counter().sorted(), reference().sorted());
        for page in &pages {
            assert_eq!(
                super::tests::sorted_page(&super::page_words(page)),
                super::tests::sorted_page(&super::tests::reference::page_words(page))
            );
        }
        struct Xor(u128);
        impl super::Words for Xor {
            fn packed(&mut self, key: u128, capital: bool) {
                self.0 ^= key + u128::from(capital);
            }
            fn long(&mut self, word: &[u8], _capital: bool) {
                self.0 ^= word.len() as u128;
            }
        }
        let scan = || {
            let mut x = Xor(0);
            for page in &pages {
                super::for_each_word(page, &mut x);
            }
            std::hint::black_box(x.0);
            super::TreeFrequency::default()
        };
        eprintln!("scan only: {:?}", best(&scan));
        let bytes: usize = pages.iter().map(|p| p.len()).sum();
        eprintln!(
            "{} pages, {bytes} bytes, {} words",
            pages.len(),
            counter().counts.len()
        );
        eprintln!("reference: {:?}", best(&reference));
        eprintln!("counter: {:?}", best(&counter));
        eprintln!("reference page_words: {:?}", best(&reference_page_words));
        eprintln!("page_words: {:?}", best(&page_words));
    }
}
