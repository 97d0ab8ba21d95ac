//! The tree's word counts, kept in the content cache between runs.
//!
//! One file (`words` in the cache folder) holds the tree's table, a digest of
//! the pages it covers (path and content hash of each), and each page's own
//! counts. A run whose pages are all unchanged reads the table and no page;
//! a run where some pages changed subtracts their old counts, counts only the
//! changed pages, and writes the file again. The result is always the table
//! a full count would give. A file that does not parse, or was written by
//! another build, is ignored and rewritten.

use super::frequency::{PageWords, TreeFrequency};
use crate::inputs::SourceFile;
use crate::parallel::par_map;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// Bumped whenever the layout of the file or the way words are counted
/// changes. Version 3: the table's words are sorted, looked up in place,
/// their checksum on the `T` line.
const HEADER: &str = "hblint-tree-words 3";

/// How one page's bytes are read for counting; `None`: the page is not counted.
pub type ReadPage<'r> = dyn for<'t> Fn(&'t SourceFile) -> Option<Cow<'t, [u8]>> + Sync + 'r;

/// The counts of `pages` (each with the hash of its bytes), from `file` when
/// it holds them, else counting only what changed; `tag` names the build and
/// the way pages are read, and `file` is rewritten when anything changed.
pub fn counts(
    file: &Path,
    tag: u64,
    pages: &[(&SourceFile, &str)],
    read: &ReadPage<'_>,
) -> TreeFrequency {
    let mut current: Vec<(&str, &str, usize)> = pages
        .iter()
        .enumerate()
        .map(|(i, (f, hash))| (f.path.as_str(), *hash, i))
        .collect();
    current.sort_unstable();
    // A path with a tab or a line break cannot be stored in this layout.
    if current
        .iter()
        .any(|(p, h, _)| p.contains(['\t', '\n', '\r']) || h.contains(['\t', '\n', '\r']))
    {
        return count_all(&current, pages, read).0;
    }
    let digest = pages_digest(current.iter().map(|(p, h, _)| (*p, *h)));
    // The table alone, when it is of these very pages: their sections (most
    // of the file) are read only when some page changed.
    let opened = Opened::head(file);
    if let Some(head) = opened.as_ref().and_then(Opened::text)
        && let Some(stored) = Stored::parse(head, tag)
        && stored.digest == digest
        && let Some(table) = stored.table()
    {
        return table;
    }
    // The rest from the same open file: the head is not read twice, and a
    // file another run put in place meanwhile is not mixed with this one.
    let text = opened.and_then(Opened::whole);
    let stored = text.as_deref().and_then(|t| Stored::parse(t, tag));
    let (freq, sections) = match stored.and_then(|s| s.update(&current, pages, read)) {
        Some(done) => done,
        None => count_all(&current, pages, read),
    };
    let _ = crate::cache::write_replacing(file, write(tag, digest, &freq, &sections).as_bytes());
    freq
}

/// A page's section of the file: stored text kept as it was, or new counts.
enum Section<'t> {
    Kept(&'t str),
    New {
        path: &'t str,
        hash: &'t str,
        words: Option<PageWords>,
    },
}

/// Count every page.
fn count_all<'t>(
    current: &[(&'t str, &'t str, usize)],
    pages: &[(&SourceFile, &str)],
    read: &ReadPage<'_>,
) -> (TreeFrequency, Vec<Section<'t>>) {
    let counted = par_map(current, |(_, _, i)| {
        read(pages[*i].0).map(|b| super::frequency::page_words(&b))
    });
    let mut freq = TreeFrequency::default();
    let sections = current
        .iter()
        .zip(counted)
        .map(|((path, hash, _), words)| {
            if let Some(w) = &words {
                freq.add_page_words(w);
            }
            Section::New { path, hash, words }
        })
        .collect();
    (freq, sections)
}

/// What names the table [`counts`] gives for `pages` (path and content
/// hash of each) under `tag`: equal keys, equal tables.
pub fn table_key(tag: u64, mut pages: Vec<(&str, &str)>) -> u64 {
    pages.sort_unstable();
    crate::cache::hash_str(&format!("{tag:x} {:x}", pages_digest(pages)))
}

/// The digest of the sorted `(path, hash)` list.
fn pages_digest<'a>(current: impl IntoIterator<Item = (&'a str, &'a str)>) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (path, hash) in current {
        hasher.update(path.as_bytes());
        hasher.update(b"\0");
        hasher.update(hash.as_bytes());
        hasher.update(b"\n");
    }
    hasher.digest()
}

/// A stored file, parsed as far as needed.
struct Stored<'t> {
    digest: u64,
    /// The table's lines (`T` and `W`), unparsed until asked for.
    head: &'t str,
    /// The page sections, from the first `S` line on.
    body: &'t str,
}

impl<'t> Stored<'t> {
    fn parse(text: &'t str, tag: u64) -> Option<Stored<'t>> {
        let (first, rest) = text.split_once('\n')?;
        let mut fields = first.rsplitn(3, ' ');
        let digest = u64::from_str_radix(fields.next()?, 16).ok()?;
        let file_tag = u64::from_str_radix(fields.next()?, 16).ok()?;
        if fields.next()? != HEADER || file_tag != tag {
            return None;
        }
        let split = rest.find("\nS\t").map_or(rest.len(), |i| i + 1);
        let (head, body) = rest.split_at(split);
        Some(Stored { digest, head, body })
    }

    /// The tree's table: `T\tTOTAL\tCHECKSUM`, then
    /// `W\tword\tpages\toccurrences\tcapitalised` sorted by word, looked up
    /// in place (the checksum is the `W` lines').
    fn table(&self) -> Option<TreeFrequency> {
        let (first, _) = self.head.split_once('\n')?;
        let (total, checksum) = first.strip_prefix("T\t")?.split_once('\t')?;
        let checksum = u64::from_str_radix(checksum, 16).ok()?;
        let (head, start) = (self.head.to_owned(), first.len() + 1);
        TreeFrequency::in_place(total.parse().ok()?, head, start, "W\t", checksum)
    }

    /// Each section by `(path, hash)`: `S\tpath\thash\tCOUNTED` then
    /// `word\toccurrences\tcapitalised` lines; the text includes the `S` line.
    fn sections(&self) -> Option<HashMap<(&'t str, &'t str), &'t str>> {
        let mut out = HashMap::new();
        let mut rest = self.body;
        while !rest.is_empty() {
            let end = rest.find("\nS\t").map_or(rest.len(), |i| i + 1);
            let (section, next) = rest.split_at(end);
            let first = section.lines().next()?;
            let mut f = first.strip_prefix("S\t")?.split('\t');
            let key = (f.next()?, f.next()?);
            out.insert(key, section);
            rest = next;
        }
        Some(out)
    }

    /// The table for `current`, from this file's table: the sections of pages
    /// that are gone or changed are subtracted, new and changed pages counted.
    fn update<'c>(
        &self,
        current: &[(&'c str, &'c str, usize)],
        pages: &[(&SourceFile, &str)],
        read: &ReadPage<'_>,
    ) -> Option<(TreeFrequency, Vec<Section<'c>>)>
    where
        't: 'c,
    {
        let mut freq = self.table()?;
        let mut old = self.sections()?;
        let mut sections = Vec::with_capacity(current.len());
        let mut fresh = Vec::new();
        for (n, (path, hash, _)) in current.iter().enumerate() {
            match old.remove(&(*path, *hash)) {
                Some(text) => sections.push(Section::Kept(text)),
                None => {
                    fresh.push(n);
                    sections.push(Section::New {
                        path,
                        hash,
                        words: None,
                    });
                }
            }
        }
        for gone in old.values() {
            subtract(&mut freq, gone)?;
        }
        let counted = par_map(&fresh, |n| {
            read(pages[current[*n].2].0).map(|b| super::frequency::page_words(&b))
        });
        for (n, words) in fresh.into_iter().zip(counted) {
            if let Some(w) = &words {
                freq.add_page_words(w);
            }
            if let Section::New { words: slot, .. } = &mut sections[n] {
                *slot = words;
            }
        }
        Some((freq, sections))
    }
}

/// A stored file, open, and its start read up to its first page section
/// (`\nS\t`): the header line and the table, read in blocks until the
/// sections begin.
struct Opened {
    file: std::fs::File,
    read: Vec<u8>,
    /// How many bytes of `read` are the head.
    head: usize,
}

impl Opened {
    fn head(path: &Path) -> Option<Opened> {
        use std::io::Read;
        const BLOCK: usize = 1 << 20;
        let mut file = std::fs::File::open(path).ok()?;
        let mut read = Vec::new();
        loop {
            let searched = read.len().saturating_sub(2);
            let got = (&mut file).take(BLOCK as u64).read_to_end(&mut read).ok()?;
            if let Some(i) = memchr::memmem::find(&read[searched..], b"\nS\t") {
                let head = searched + i + 1;
                return Some(Opened { file, read, head });
            }
            if got < BLOCK {
                let head = read.len();
                return Some(Opened { file, read, head });
            }
        }
    }

    /// The head as text.
    fn text(&self) -> Option<&str> {
        std::str::from_utf8(self.read.get(..self.head)?).ok()
    }

    /// The whole file.
    fn whole(mut self) -> Option<String> {
        use std::io::Read;
        self.file.read_to_end(&mut self.read).ok()?;
        String::from_utf8(self.read).ok()
    }
}

/// Take one stored section's counts out of `freq`.
fn subtract(freq: &mut TreeFrequency, section: &str) -> Option<()> {
    let mut lines = section.lines();
    let counted = lines.next()?.rsplit('\t').next()? == "1";
    if !counted {
        return Some(());
    }
    let mut words = Vec::new();
    for line in lines {
        let mut f = line.split('\t');
        let word = f.next()?;
        let occurrences: u32 = f.next()?.parse().ok()?;
        let capitalised: u32 = f.next()?.parse().ok()?;
        words.push((word, occurrences, capitalised));
    }
    freq.remove_page(words)
}

fn write(tag: u64, digest: u64, freq: &TreeFrequency, sections: &[Section<'_>]) -> String {
    let mut out = String::with_capacity(1 << 20);
    let _ = writeln!(out, "{HEADER} {tag:x} {digest:x}");
    let (table, checksum) = freq.stored_lines("W\t");
    let _ = writeln!(out, "T\t{}\t{checksum:x}", freq.total());
    out.push_str(&table);
    for section in sections {
        match section {
            Section::Kept(text) => {
                out.push_str(text);
                if !text.ends_with('\n') {
                    out.push('\n');
                }
            }
            Section::New { path, hash, words } => {
                let _ = writeln!(out, "S\t{path}\t{hash}\t{}", u8::from(words.is_some()));
                for (word, (occurrences, capitalised)) in words.iter().flatten() {
                    if let Ok(word) = std::str::from_utf8(word) {
                        let _ = writeln!(out, "{word}\t{occurrences}\t{capitalised}");
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Content;

    fn page(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.to_owned(),
            content: Content::Bytes(text.as_bytes().to_vec()),
        }
    }

    fn read(file: &SourceFile) -> Option<Cow<'_, [u8]>> {
        match &file.content {
            Content::Bytes(b) if !b.contains(&0) => Some(Cow::Borrowed(b.as_slice())),
            _ => None,
        }
    }

    /// The counts through the file, and the same counted from scratch.
    fn both(file: &Path, files: &[SourceFile]) -> (TreeFrequency, TreeFrequency) {
        let hashes: Vec<String> = files
            .iter()
            .map(|f| match &f.content {
                Content::Bytes(b) => crate::cache::content_hash(b),
                Content::Disk(_) => String::new(),
            })
            .collect();
        let pairs: Vec<(&SourceFile, &str)> = files
            .iter()
            .zip(&hashes)
            .map(|(f, h)| (f, h.as_str()))
            .collect();
        let kept = counts(file, 7, &pairs, &read);
        let fresh = TreeFrequency::from_pages(files.iter().filter_map(|f| match &f.content {
            Content::Bytes(b) if !b.contains(&0) => std::str::from_utf8(b).ok(),
            _ => None,
        }));
        (kept, fresh)
    }

    #[test]
    fn edits_renames_and_deletions_give_the_counts_of_a_full_count() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("words");
        let mut files = vec![
            page("a.md", "Services and services, café"),
            page("b.md", "the SERVICES recc’s"),
            page("c.md", "Sisense here"),
            page("d.md", "binary\0page"),
        ];
        let (kept, fresh) = both(&file, &files);
        assert_eq!(kept.sorted(), fresh.sorted());
        assert!(file.is_file());
        // Unchanged: read back from the file.
        let (kept, fresh) = both(&file, &files);
        assert_eq!(kept.sorted(), fresh.sorted());
        // An edit, a rename, a deletion and a new page.
        files[0] = page("a.md", "Services only");
        files[1].path = "moved/b.md".into();
        files.remove(2);
        files.push(page("e.md", "café au lait Sisense"));
        let (kept, fresh) = both(&file, &files);
        assert_eq!(kept.sorted(), fresh.sorted());
        assert_eq!(kept.pages("sisense"), 1);
        assert_eq!(kept.pages("services"), 2);
        // The binary page becomes text.
        files[2] = page("d.md", "binary page");
        let (kept, fresh) = both(&file, &files);
        assert_eq!(kept.sorted(), fresh.sorted());
        assert_eq!(kept.total_pages(), 4);
    }

    #[test]
    fn unchanged_pages_read_the_sorted_table_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("words");
        // Enough words that the table spans more than one block.
        let many: String = (0..80_000).map(|i| format!("w{} ", base26(i))).collect();
        let files = vec![page("a.md", &many), page("b.md", "zebra apple")];
        both(&file, &files);
        let text = std::fs::read_to_string(&file).expect("written");
        let opened = Opened::head(&file).expect("head");
        let head = opened.text().expect("text").to_owned();
        assert_eq!(
            opened.whole().as_deref(),
            Some(text.as_str()),
            "then the rest"
        );
        assert!(head.len() > 1 << 20, "{}", head.len());
        assert!(head == text[..text.find("\nS\t").expect("sections") + 1]);
        let words: Vec<&str> = head
            .lines()
            .filter_map(|l| l.strip_prefix("W\t")?.split('\t').next())
            .collect();
        assert!(words.is_sorted(), "the table is sorted");
        // Read back in place: the stored table, no map.
        let (kept, fresh) = both(&file, &files);
        assert!(kept.is_stored());
        assert!(kept.sorted() == fresh.sorted());
        // A table out of order (an older layout) is recounted, and rewritten.
        let (first, rest) = text.split_once("\nW\t").expect("table");
        let swapped = format!("{first}\nW\tzzzz\t1\t1\t0\nW\t{rest}");
        std::fs::write(&file, swapped).expect("write");
        let (kept, fresh) = both(&file, &files);
        assert!(!kept.is_stored(), "counted again");
        assert!(kept.sorted() == fresh.sorted());
        let (kept, _) = both(&file, &files);
        assert!(kept.is_stored(), "rewritten in order");
    }

    /// `i` in letters (`a`, `b`, … `ba`): words the counter keeps.
    fn base26(mut i: usize) -> String {
        let mut out = Vec::new();
        loop {
            out.push(b'a' + (i % 26) as u8);
            i /= 26;
            if i == 0 {
                break;
            }
        }
        String::from_utf8(out).expect("letters")
    }

    #[test]
    fn damaged_or_foreign_files_are_recounted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("words");
        let files = vec![page("a.md", "one two"), page("b.md", "two three")];
        for junk in [
            "",
            "garbage",
            "hblint-tree-words 1 7 0\nT\tx\n",
            "hblint-tree-words 1 8 0\n",
        ] {
            std::fs::write(&file, junk).expect("write");
            let (kept, fresh) = both(&file, &files);
            assert_eq!(kept.sorted(), fresh.sorted(), "{junk:?}");
        }
        // A table that does not parse, with a stale digest: recounted.
        let (kept, _) = both(&file, &files);
        assert_eq!(kept.pages("two"), 2);
        let text = std::fs::read_to_string(&file).expect("read");
        let (first, rest) = text.split_once('\n').expect("header");
        let stale = format!("{} 1", first.rsplit_once(' ').expect("digest").0);
        let broken = format!("{stale}\n{}", rest.replace("W\ttwo\t", "W\ttwo\tx"));
        std::fs::write(&file, broken).expect("write");
        let (kept, fresh) = both(&file, &files);
        assert_eq!(kept.sorted(), fresh.sorted());
    }
}
