//! The unified-diff reader on any text: never a panic; the added lines come
//! back sorted, merged and 1-based.
#![no_main]

use hblint::{DiffItem, FileChange, added_lines};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let diff = String::from_utf8_lossy(data).into_owned();
    let added = added_lines(&diff);
    for w in added.windows(2) {
        assert!(w[0].1 < w[1].0, "{added:?}");
    }
    for &(start, end) in &added {
        assert!(1 <= start && start <= end, "{added:?}");
    }
    let change = FileChange::from_item(&DiffItem {
        old_path: "a.md".into(),
        new_path: "a.md".into(),
        new_file: false,
        renamed_file: false,
        deleted_file: false,
        collapsed: false,
        too_large: false,
        diff,
    });
    for &(start, end) in &change.added {
        assert!(change.touches_line(start) && change.touches_line(end));
    }
    let _ = change.added_count();
});
