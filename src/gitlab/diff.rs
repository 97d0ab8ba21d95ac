//! Unified diffs → the lines a merge request adds or changes, per file.
//!
//! GitLab's `/diffs` items carry one file's hunks (`@@ -a,b +c,d @@`) in
//! `diff`, and flags for new, renamed and deleted files. hblint needs, for each
//! file, the new-side line numbers that the change added or modified: the
//! `added` scope keeps only findings on those lines, and inline discussions
//! can only be opened on them.

use serde::Deserialize;

/// One changed file as GitLab's `/diffs` and `/changes` endpoints return it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct DiffItem {
    pub old_path: String,
    pub new_path: String,
    #[serde(default)]
    pub new_file: bool,
    #[serde(default)]
    pub renamed_file: bool,
    #[serde(default)]
    pub deleted_file: bool,
    #[serde(default)]
    pub collapsed: bool,
    #[serde(default)]
    pub too_large: bool,
    #[serde(default)]
    pub diff: String,
}

/// What a merge request does to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub old_path: String,
    pub new_path: String,
    pub new_file: bool,
    pub renamed: bool,
    pub deleted: bool,
    /// New-side line ranges (1-based, inclusive) that the change adds or modifies, merged and sorted.
    pub added: Vec<(usize, usize)>,
    /// GitLab sent no hunks (collapsed or too large): treat every line as changed.
    pub whole_file: bool,
}

impl FileChange {
    pub fn from_item(item: &DiffItem) -> FileChange {
        let whole_file =
            !item.deleted_file && item.diff.is_empty() && (item.collapsed || item.too_large);
        FileChange {
            old_path: item.old_path.clone(),
            new_path: item.new_path.clone(),
            new_file: item.new_file,
            renamed: item.renamed_file,
            deleted: item.deleted_file,
            added: added_lines(&item.diff),
            whole_file,
        }
    }

    /// Whether the change added or modified `line` (1-based, new side).
    pub fn touches_line(&self, line: usize) -> bool {
        if self.deleted {
            return false;
        }
        if self.whole_file {
            return true;
        }
        let i = self.added.partition_point(|&(_, end)| end < line);
        self.added.get(i).is_some_and(|&(start, _)| start <= line)
    }

    /// Number of added or modified lines.
    pub fn added_count(&self) -> usize {
        self.added.iter().map(|(s, e)| e - s + 1).sum()
    }
}

/// The new-side start line of a hunk header `@@ -a[,b] +c[,d] @@ …`; `None`
/// for `+0,0` (the file is gone: no line follows) or a start that is no number.
fn hunk_new_start(header: &str) -> Option<usize> {
    let rest = header.strip_prefix("@@ ")?;
    let plus = rest.split_whitespace().find(|part| part.starts_with('+'))?;
    let start = plus[1..].split(',').next()?;
    start.parse().ok().filter(|&start| start >= 1)
}

/// The new-side lines a unified diff adds (`+` lines), as merged inclusive
/// ranges, sorted whatever order the hunks come in. A hunk that would count
/// past the last `usize` line ends there.
pub fn added_lines(diff: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut line = 0usize;
    let mut in_hunk = false;
    for raw in diff.split('\n') {
        if raw.starts_with("@@") {
            match hunk_new_start(raw) {
                Some(start) => {
                    line = start;
                    in_hunk = true;
                }
                None => in_hunk = false,
            }
            continue;
        }
        if !in_hunk {
            continue;
        }
        let added = match raw.as_bytes().first() {
            Some(b'+') => true,
            // A removed line, "\ No newline at end of file", and the split's tail.
            Some(b'-' | b'\\') | None => continue,
            // A context line (" …").
            Some(_) => false,
        };
        if added {
            match ranges.last_mut() {
                Some((_, end)) if end.checked_add(1) == Some(line) => *end = line,
                _ => ranges.push((line, line)),
            }
        }
        match line.checked_add(1) {
            Some(next) => line = next,
            None => in_hunk = false,
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some((_, last)) if start <= last.saturating_add(1) => *last = (*last).max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_and_changed_lines_of_several_hunks() {
        let diff = "@@ -1,3 +1,4 @@\n context\n-old\n+new\n+more\n context\n@@ -10,2 +11,3 @@ ## Heading\n ctx\n+added\n ctx\n";
        assert_eq!(added_lines(diff), vec![(2, 3), (12, 12)]);
    }

    #[test]
    fn new_file_and_no_newline_marker() {
        let diff = "@@ -0,0 +1,3 @@\n+a\n+b\n+c\n\\ No newline at end of file\n";
        assert_eq!(added_lines(diff), vec![(1, 3)]);
        let one = "@@ -1 +1 @@\n-old\n+new\n";
        assert_eq!(added_lines(one), vec![(1, 1)]);
    }

    #[test]
    fn deletions_only_add_nothing() {
        assert!(added_lines("@@ -1,2 +1 @@\n keep\n-gone\n").is_empty());
        assert!(added_lines("").is_empty());
        assert!(added_lines("Binary files differ\n").is_empty());
    }

    #[test]
    fn lines_starting_with_plus_inside_text_are_counted_once() {
        // A page line "++ x" is added as "+++ x": still one added line.
        let diff = "@@ -1,1 +1,2 @@\n a\n+++ x\n";
        assert_eq!(added_lines(diff), vec![(2, 2)]);
    }

    #[test]
    fn hunks_out_of_order_come_back_sorted_and_merged() {
        let diff = "@@ -5,2 +3,2 @@\n+x\n+y\n@@ -1 +1,2 @@\n+a\n+b\n@@ -9 +4 @@\n+z\n";
        assert_eq!(added_lines(diff), vec![(1, 4)]);
    }

    #[test]
    fn hunk_headers_at_the_edge_of_usize_do_not_overflow() {
        let max = usize::MAX;
        let diff = format!(
            "@@ -1 +{max},5 @@\n+a\n+b\n ctx\n@@ -1 +{} @@\n+c\n",
            max - 1
        );
        assert_eq!(added_lines(&diff), vec![(max - 1, max)]);
        // `+0,0` (a deleted file's side) starts no line: a `+` after it is not line 0.
        assert!(added_lines("@@ -1 +0,0 @@\n+a\n").is_empty());
    }

    #[test]
    fn touches_line_uses_ranges_and_flags() {
        let item = DiffItem {
            old_path: "a.md".into(),
            new_path: "a.md".into(),
            diff: "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -20 +20,2 @@\n x\n+y\n".into(),
            ..DiffItem::default()
        };
        let change = FileChange::from_item(&item);
        assert!(!change.touches_line(1));
        assert!(change.touches_line(2));
        assert!(!change.touches_line(3));
        assert!(change.touches_line(21));
        assert_eq!(change.added_count(), 2);
        let big = DiffItem {
            too_large: true,
            diff: String::new(),
            ..item.clone()
        };
        assert!(FileChange::from_item(&big).touches_line(999));
        let gone = DiffItem {
            deleted_file: true,
            ..item
        };
        assert!(!FileChange::from_item(&gone).touches_line(2));
    }
}
