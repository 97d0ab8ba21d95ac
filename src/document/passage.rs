//! Passages: the prose of a paragraph, list item or table cell read as one
//! string, across inline markup (`**CSA** for [Advanced](…) tier` reads
//! `CSA for Advanced tier`), with a map back to byte offsets in the page.

use super::Document;
use std::ops::Range;

#[derive(Debug, Clone, Default)]
pub struct Passage {
    /// The visible text.
    pub text: String,
    /// `(start in text, start in the page, length)` of each prose run.
    segments: Vec<(usize, usize, usize)>,
}

impl Passage {
    /// A passage of one run of text at `offset` in the page.
    pub fn single(offset: usize, text: &str) -> Passage {
        Passage {
            text: text.to_owned(),
            segments: vec![(0, offset, text.len())],
        }
    }

    fn push(&mut self, offset: usize, text: &str) {
        self.segments.push((self.text.len(), offset, text.len()));
        self.text.push_str(text);
    }

    fn segment_of(&self, at: usize) -> Option<&(usize, usize, usize)> {
        let i = self.segments.partition_point(|s| s.0 <= at);
        self.segments.get(i.checked_sub(1)?)
    }

    /// The page offset of a text offset (an offset in a joining space maps to
    /// the end of the run before it).
    pub fn source_offset(&self, at: usize) -> usize {
        match self.segment_of(at) {
            Some(&(start, src, len)) => src + (at - start).min(len),
            None => 0,
        }
    }

    /// The page range of a text range.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.source_offset(r.start);
        let end = match self.segment_of(r.end.saturating_sub(1).max(r.start)) {
            Some(&(s, src, len)) => src + (r.end - s).min(len),
            None => start,
        };
        start..end.max(start)
    }

    /// Whether a text range lies in one run of the page (so that replacing
    /// its page range cannot break markup).
    pub fn is_contiguous(&self, r: Range<usize>) -> bool {
        match self.segment_of(r.start) {
            Some(&(s, _, len)) => r.end <= s + len,
            None => false,
        }
    }
}

/// The page's prose as passages (read them with [`Document::passages`]).
pub(super) fn split(doc: &Document) -> Vec<Passage> {
    let mut out: Vec<Passage> = Vec::new();
    let mut current = Passage::default();
    let mut last_end: Option<usize> = None;
    for (offset, text) in doc.prose() {
        if let Some(end) = last_end {
            let gap = doc.text.get(end..offset).unwrap_or("\n\n");
            if breaks(gap) {
                out.push(std::mem::take(&mut current));
            } else if gap.contains(|c: char| c.is_whitespace() || c == '<') {
                current.text.push(' ');
            }
        }
        current.push(offset, text);
        last_end = Some(offset + text.len());
    }
    if !current.segments.is_empty() {
        out.push(current);
    }
    out
}

/// Whether the markup between two runs ends a passage: a blank line, a table
/// cell boundary, code, or a new block on the next line.
fn breaks(gap: &str) -> bool {
    if gap.contains('`') || gap.contains('|') {
        return true;
    }
    let normalized = match gap.contains('\r') {
        true => std::borrow::Cow::Owned(gap.replace('\r', "")),
        false => std::borrow::Cow::Borrowed(gap),
    };
    if normalized.contains("\n\n") {
        return true;
    }
    normalized.split('\n').skip(1).any(|line| {
        let t = line.trim_start();
        t.starts_with(['#', '>', '-', '*', '+'])
            || t.split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::parse("t.md", text.to_owned(), false).expect("parses")
    }

    #[test]
    fn markup_is_read_through_and_mapped_back() {
        let d = doc("The **CSA** for [Advanced](/x/) tier\ncustomers.\n\n- next item\n");
        let ps = d.passages();
        assert_eq!(ps[0].text, "The CSA for Advanced tier\ncustomers.");
        assert_eq!(ps[1].text, "next item");
        let at = ps[0].text.find("Advanced").expect("word");
        let r = ps[0].source_range(at..at + 8);
        assert_eq!(&d.text[r], "Advanced");
        let at = ps[0].text.find("CSA for").expect("phrase");
        assert!(!ps[0].is_contiguous(at..at + 7));
        assert!(ps[0].is_contiguous(at..at + 3));
    }

    #[test]
    fn cells_and_code_split_passages() {
        let d = doc("| CSM | Essentials tier |\n|---|---|\n| a | b |\n\nThe `CSM` for x\n");
        let texts: Vec<_> = d.passages().iter().map(|p| p.text.clone()).collect();
        assert!(texts.contains(&"CSM".to_owned()), "{texts:?}");
        assert!(texts.contains(&"Essentials tier".to_owned()), "{texts:?}");
        assert!(texts.contains(&" for x".to_owned()), "{texts:?}");
    }
}
