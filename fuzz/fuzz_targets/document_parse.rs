//! `Document::from_bytes` on any bytes: never a panic, and every range the
//! document holds lies on character boundaries inside its text.
#![no_main]

use hblint::Document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::from_bytes("content/fuzz.md", data) else {
        return;
    };
    assert_eq!(doc.masked().len(), doc.text.len());
    let ranges = doc
        .links
        .iter()
        .map(|l| &l.range)
        .chain(doc.headings.iter().map(|h| &h.range))
        .chain(doc.html_anchors.iter().map(|a| &a.range))
        .chain(doc.suppressions.iter().map(|s| &s.range))
        .chain(doc.prose_ranges.iter())
        .chain(doc.code_ranges.iter())
        .chain(doc.tables.iter().flat_map(|t| {
            std::iter::once(&t.range).chain(
                t.header
                    .iter()
                    .chain(t.rows.iter().flatten())
                    .map(|c| &c.range),
            )
        }));
    for r in ranges {
        assert!(doc.text.get(r.clone()).is_some(), "{r:?}");
        assert!(doc.masked().get(r.clone()).is_some(), "{r:?}");
        let (a, b) = (doc.locate(r.start), doc.locate(r.end));
        assert!((a.line, a.column) <= (b.line, b.column));
    }
    for line in 1..=doc.line_count() {
        let r = doc.line_range(line).expect("every line has a range");
        assert!(doc.text.get(r).is_some());
    }
    for (offset, run) in doc.prose() {
        assert_eq!(&doc.masked()[offset..offset + run.len()], run);
    }
});
