//! `--fix` and `--diff`: apply the safe fixes of a run's findings.
//!
//! Only fixes marked [`Applicability::Safe`] are applied, never inside code,
//! never one that would change a heading's generated anchor (links to it
//! elsewhere would break), and never two that overlap (the later one is left
//! for a re-run). The new
//! text keeps the file's byte-order mark and line endings (only the fixed
//! ranges change). A file is written beside itself and renamed over the
//! original, with the original's permissions, and only if it still holds the
//! bytes that were linted: each file ends either fixed or untouched, never
//! half-written, and never with a change made since the read lost.

use crate::document::Document;
use crate::finding::{Applicability, Finding, Fix, Placement};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One replacement in a page's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
    pub rule: &'static str,
    pub line: usize,
    /// The text replaced.
    pub original: String,
}

/// The edits to make to one page.
#[derive(Debug, Clone)]
pub struct FilePlan {
    pub path: String,
    pub edits: Vec<Edit>,
    /// The file's new bytes (with the BOM if the file had one).
    pub new_bytes: Vec<u8>,
    /// The file started with a byte-order mark.
    pub bom: bool,
    /// The old and new text, for `--diff`.
    pub old_text: String,
    pub new_text: String,
}

/// Where `fix` stands in `doc`: whether `--fix` may apply it there.
pub fn placement(doc: &Document, fix: &Fix) -> Placement {
    let r = &fix.range;
    match doc.text.get(r.clone()) {
        None => return Placement::Void,
        Some(original) if original == fix.replacement => return Placement::Void,
        Some(_) => {}
    }
    // Never inside code: neither end of the range may fall in it.
    if doc.in_code(r.start) || (r.end > r.start && doc.in_code(r.end - 1)) {
        return Placement::InCode;
    }
    if changes_anchor(doc, r, &fix.replacement).is_some() {
        return Placement::RenamesAnchor;
    }
    Placement::Free
}

/// The safe, non-overlapping fixes among `findings` (all of `doc`'s path).
pub fn edits(doc: &Document, findings: &[&Finding]) -> Vec<Edit> {
    let candidates = findings
        .iter()
        .filter_map(|f| {
            let fix = f.fix.as_ref()?;
            if fix.applicability != Applicability::Safe || placement(doc, fix) != Placement::Free {
                return None;
            }
            Some(Edit {
                range: fix.range.clone(),
                replacement: fix.replacement.clone(),
                rule: f.rule,
                line: f.start.line,
                original: doc.text.get(fix.range.clone())?.to_owned(),
            })
        })
        .collect();
    select(candidates)
}

/// Of one page's candidate edits, those applied together: sorted, each once,
/// and none overlapping one kept before it (the later is left for a re-run).
fn select(mut candidates: Vec<Edit>) -> Vec<Edit> {
    candidates.sort_by_key(|e| (e.range.start, e.range.end));
    candidates.dedup_by(|a, b| a.range == b.range && a.replacement == b.replacement);
    let mut kept: Vec<Edit> = Vec::with_capacity(candidates.len());
    for e in candidates {
        let overlaps = kept.last().is_some_and(|last| {
            e.range.start < last.range.end
                || (e.range.is_empty() && e.range.start == last.range.end)
        });
        if !overlaps {
            kept.push(e);
        }
    }
    kept
}

/// Per rule, how many of `findings` one `--fix` round fixes: the same
/// choice as [`plan`], made from the placements the engine recorded, so no
/// page is read or parsed again.
pub fn fixable_by_rule(findings: &[Finding]) -> std::collections::BTreeMap<&'static str, usize> {
    let mut by_path: std::collections::BTreeMap<&str, Vec<Edit>> = Default::default();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        if fix.applicability == Applicability::Safe && fix.placement == Placement::Free {
            by_path.entry(&f.path).or_default().push(Edit {
                range: fix.range.clone(),
                replacement: fix.replacement.clone(),
                rule: f.rule,
                line: f.start.line,
                original: String::new(),
            });
        }
    }
    let mut fixable = std::collections::BTreeMap::new();
    for edits in by_path.into_values() {
        for e in select(edits) {
            *fixable.entry(e.rule).or_default() += 1;
        }
    }
    fixable
}

/// The anchor of the heading that replacing `range` by `replacement` would
/// rename: a heading without an explicit `{#id}` whose words (as any slug
/// style keeps them: letters and digits, lowercased) change. `None` when the
/// range is in no such heading or the words stay the same (a case change).
pub fn changes_anchor(doc: &Document, range: &Range<usize>, replacement: &str) -> Option<String> {
    let heading = doc.headings.iter().find(|h| {
        h.custom_id.is_none() && h.range.start <= range.start && range.end <= h.range.end
    })?;
    let words = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let before = doc.text.get(heading.range.clone())?;
    let start = range.start - heading.range.start;
    let end = range.end - heading.range.start;
    let after = format!(
        "{}{replacement}{}",
        before.get(..start)?,
        before.get(end..)?
    );
    (words(before) != words(&after))
        .then(|| crate::links::slug::slug(crate::links::slug::SlugStyle::Github, &heading.text))
}

/// The safe fixes among `findings` that [`edits`] holds back because they
/// would rename a heading's anchor: (path, line, original, replacement, anchor).
pub fn held_back(
    documents: &[Document],
    findings: &[Finding],
) -> Vec<(String, usize, String, String, String)> {
    let mut held = Vec::new();
    for f in findings {
        let Some(fix) = f
            .fix
            .as_ref()
            .filter(|x| x.applicability == Applicability::Safe)
        else {
            continue;
        };
        let Ok(i) = documents.binary_search_by(|d| d.path.as_str().cmp(&f.path)) else {
            continue;
        };
        let doc = &documents[i];
        if let Some(anchor) = changes_anchor(doc, &fix.range, &fix.replacement) {
            let original = doc
                .text
                .get(fix.range.clone())
                .unwrap_or_default()
                .to_owned();
            held.push((
                f.path.clone(),
                f.start.line,
                original,
                fix.replacement.clone(),
                anchor,
            ));
        }
    }
    held
}

/// Apply sorted, non-overlapping edits to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let crlf = text.contains("\r\n");
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        if crlf && e.replacement.contains('\n') && !e.replacement.contains("\r\n") {
            out.push_str(&e.replacement.replace('\n', "\r\n"));
        } else {
            out.push_str(&e.replacement);
        }
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The plan for every document with at least one applicable fix.
pub fn plan(documents: &[Document], findings: &[Finding]) -> Vec<FilePlan> {
    let mut plans = Vec::new();
    for doc in documents {
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.path == doc.path).collect();
        let edits = edits(doc, &mine);
        if edits.is_empty() {
            continue;
        }
        let new_text = apply(&doc.text, &edits);
        let mut new_bytes = Vec::with_capacity(new_text.len() + 3);
        if doc.bom {
            new_bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        new_bytes.extend_from_slice(new_text.as_bytes());
        plans.push(FilePlan {
            path: doc.path.clone(),
            edits,
            new_bytes,
            bom: doc.bom,
            old_text: doc.text.clone(),
            new_text,
        });
    }
    plans
}

/// The most rounds of fixes one `--fix` run makes. A fix can reveal or move
/// another (repairing mojibake joins a word the typo list knows; a rewritten
/// link shifts what follows), so the run lints the fixed text again and fixes
/// what it finds, as long as safe fixes remain, up to this many rounds. Fixes
/// still offered after the last round are reported, not applied: rules whose
/// fixes undo each other (a `[spelling] corrections` cycle) cannot loop.
pub const MAX_ROUNDS: usize = 10;

/// What rounds of fixes made of one page.
#[derive(Debug, Clone)]
pub struct PageFixes {
    pub path: String,
    /// The bytes the page held when it was read: written over only if the
    /// file still holds them.
    pub old_bytes: Vec<u8>,
    /// The bytes after the last round.
    pub new_bytes: Vec<u8>,
    /// Every edit made, round by round (an edit's line is in the text of its round).
    pub edits: Vec<Edit>,
}

/// Fixes applied until none is left, or [`MAX_ROUNDS`] rounds.
#[derive(Debug)]
pub struct Settled<O> {
    /// The lint of the texts the last round left.
    pub outcome: O,
    /// The pages some round changed, by path.
    pub pages: Vec<PageFixes>,
    /// Rounds of fixes applied.
    pub rounds: usize,
    /// Pages still offering safe fixes after the last round, with the rules
    /// that offer them: the fixes did not settle.
    pub unsettled: Vec<(String, Vec<&'static str>)>,
}

/// Apply `first`'s plans, lint the fixed texts again with `relint` (given
/// every page changed so far, with its current bytes; it returns the new
/// outcome and its plans), and repeat until no plan is left or [`MAX_ROUNDS`]
/// rounds are made. Nothing is written: the caller writes each page's
/// final bytes once.
pub fn settle<O>(
    first: (O, Vec<FilePlan>),
    mut relint: impl FnMut(&[(String, Vec<u8>)]) -> (O, Vec<FilePlan>),
) -> Settled<O> {
    let (mut outcome, mut plans) = first;
    let mut pages: Vec<PageFixes> = Vec::new();
    let mut rounds = 0;
    while !plans.is_empty() && rounds < MAX_ROUNDS {
        rounds += 1;
        for plan in plans {
            match pages.iter_mut().find(|p| p.path == plan.path) {
                Some(page) => {
                    page.new_bytes = plan.new_bytes;
                    page.edits.extend(plan.edits);
                }
                None => pages.push(PageFixes {
                    old_bytes: plan.old_bytes(),
                    path: plan.path,
                    new_bytes: plan.new_bytes,
                    edits: plan.edits,
                }),
            }
        }
        let current: Vec<(String, Vec<u8>)> = pages
            .iter()
            .map(|p| (p.path.clone(), p.new_bytes.clone()))
            .collect();
        (outcome, plans) = relint(&current);
    }
    // A page that came back to the bytes it was read with has nothing to write.
    pages.retain(|p| p.new_bytes != p.old_bytes);
    let unsettled = plans
        .iter()
        .map(|p| {
            let mut rules: Vec<&'static str> = p.edits.iter().map(|e| e.rule).collect();
            rules.sort_unstable();
            rules.dedup();
            (p.path.clone(), rules)
        })
        .collect();
    Settled {
        outcome,
        pages,
        rounds,
        unsettled,
    }
}

impl FilePlan {
    /// The bytes the file held when it was linted.
    pub fn old_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.old_text.len() + 3);
        if self.bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        bytes.extend_from_slice(self.old_text.as_bytes());
        bytes
    }
}

/// Why a file's fixes were not written. The file is untouched.
#[derive(Debug, thiserror::Error)]
pub enum Skipped {
    #[error("it changed after it was read; run hblint again")]
    Changed,
    #[error("it is read-only")]
    ReadOnly,
    #[error("it is a symbolic link to {0}, outside the root")]
    OutsideRoot(PathBuf),
    #[error("it is not a regular file")]
    NotAFile,
    #[error("it has {0} hard links, and writing it would split them")]
    HardLinks(u64),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Write a plan's new bytes to `path` (inside `root`) if the file still
/// holds `expected`, the bytes that were linted. A symbolic link is followed
/// when it leads to a file inside the root, so the link stays a link.
pub fn write_fixed(path: &Path, root: &Path, expected: &[u8], new: &[u8]) -> Result<(), Skipped> {
    use std::os::unix::fs::MetadataExt;
    let target = if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        let target = std::fs::canonicalize(path)?;
        let root = std::fs::canonicalize(root)?;
        if !target.starts_with(&root) {
            return Err(Skipped::OutsideRoot(target));
        }
        target
    } else {
        path.to_path_buf()
    };
    let meta = std::fs::metadata(&target)?;
    if !meta.is_file() {
        return Err(Skipped::NotAFile);
    }
    if meta.permissions().readonly() {
        return Err(Skipped::ReadOnly);
    }
    if meta.nlink() > 1 {
        return Err(Skipped::HardLinks(meta.nlink()));
    }
    let unchanged = || -> Result<(), Skipped> {
        // Compared as late as possible: right before the rename.
        if std::fs::read(&target)? == expected {
            Ok(())
        } else {
            Err(Skipped::Changed)
        }
    };
    unchanged()?;
    replace_via_temp(&target, new, meta.permissions(), unchanged)
}

/// A unified patch of the plans, with `a/` and `b/` prefixes as `git apply` reads.
pub fn unified_diff(plans: &[FilePlan]) -> String {
    plans
        .iter()
        .map(|p| file_diff(&p.path, &p.old_text, &p.new_text))
        .collect()
}

/// [`unified_diff`] of what rounds of fixes made of each page.
pub fn patch(pages: &[PageFixes]) -> String {
    let text = |bytes: &[u8]| -> String {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        String::from_utf8_lossy(body).into_owned()
    };
    pages
        .iter()
        .map(|p| file_diff(&p.path, &text(&p.old_bytes), &text(&p.new_bytes)))
        .collect()
}

fn file_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// given the original's permissions, then renamed over it. A symbolic link is
/// followed, so the link stays a link.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target: PathBuf = if path.is_symlink() {
        std::fs::canonicalize(path)?
    } else {
        path.to_path_buf()
    };
    let permissions = std::fs::metadata(&target)?.permissions();
    replace_via_temp(&target, bytes, permissions, || Ok::<(), std::io::Error>(()))
}

/// Write a file atomically with the given Unix mode (a new file, or one whose
/// permissions are to be replaced).
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    replace_via_temp(path, bytes, std::fs::Permissions::from_mode(mode), || {
        Ok::<(), std::io::Error>(())
    })
}

/// A temporary file in `target`'s folder, to be renamed over it: a fresh
/// name, created exclusively (never written through a file or link already
/// there), removed when dropped unless persisted.
pub fn temp_beside(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}.hblint-"))
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// Write a temporary file beside `target` (a fresh name, so that two runs
/// never share one), give it `permissions`, check `before_rename`, and rename
/// it over `target`; on failure the temporary file is removed and `target` is
/// untouched.
fn replace_via_temp<E: From<std::io::Error>>(
    target: &Path,
    bytes: &[u8],
    permissions: std::fs::Permissions,
    before_rename: impl FnOnce() -> Result<(), E>,
) -> Result<(), E> {
    use std::io::Write;
    let mut file = temp_beside(target)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.as_file().set_permissions(permissions)?;
    before_rename()?;
    file.persist(target).map_err(|e| E::from(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Fix, Severity};

    fn finding(doc: &Document, word: &str, replacement: &str, app: Applicability) -> Finding {
        let start = doc.text.find(word).expect("word");
        let range = start..start + word.len();
        Finding {
            rule: "typo",
            severity: Severity::Error,
            path: doc.path.clone(),
            start: doc.locate(start),
            end: doc.locate(range.end),
            range: range.clone(),
            message: String::new(),
            help: None,
            fix: Some(Fix {
                replacement: replacement.into(),
                range,
                applicability: app,
                placement: Default::default(),
            }),
        }
    }

    #[test]
    fn safe_fixes_outside_code_without_overlap() {
        let doc = Document::parse(
            "p.md",
            "teh cat `teh` and addtion\r\nmore\r\n".into(),
            false,
        )
        .expect("parses");
        let code_start = doc.text.find("`teh`").expect("code") + 1;
        let mut in_code = finding(&doc, "teh", "the", Applicability::Safe);
        in_code.range = code_start..code_start + 3;
        if let Some(f) = in_code.fix.as_mut() {
            f.range = in_code.range.clone();
        }
        let fs = [
            finding(&doc, "teh", "the", Applicability::Safe),
            in_code,
            finding(&doc, "addtion", "addition", Applicability::Safe),
            finding(&doc, "dtion", "xx", Applicability::Safe),
            finding(&doc, "cat", "dog", Applicability::Unsafe),
        ];
        let refs: Vec<&Finding> = fs.iter().collect();
        let e = edits(&doc, &refs);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(
            apply(&doc.text, &e),
            "the cat `teh` and addition\r\nmore\r\n"
        );
    }

    #[test]
    fn counting_from_placements_agrees_with_the_plan() {
        let doc = Document::parse(
            "p.md",
            "## Our teh\n\nteh cat `teh` and addtion, teh teh.\n".into(),
            false,
        )
        .expect("parses");
        let mut fs: Vec<Finding> = doc
            .text
            .match_indices("teh")
            .map(|(at, _)| {
                let mut f = finding(&doc, "teh", "the", Applicability::Safe);
                f.start = doc.locate(at);
                f.range = at..at + 3;
                if let Some(x) = f.fix.as_mut() {
                    x.range = at..at + 3;
                }
                f
            })
            .collect();
        // Two fixes of one range (kept once) and an overlapping one (left).
        fs.push(fs[1].clone());
        let mut overlapping = finding(&doc, "teh", "the", Applicability::Safe);
        let at = fs[1].range.start + 1;
        overlapping.range = at..at + 2;
        if let Some(x) = overlapping.fix.as_mut() {
            x.range = at..at + 2;
        }
        fs.push(overlapping);
        fs.push(finding(&doc, "addtion", "addition", Applicability::Unsafe));
        for f in &mut fs {
            if let Some(x) = f.fix.as_mut() {
                x.placement = placement(&doc, x);
            }
        }
        let planned: usize = plan(std::slice::from_ref(&doc), &fs)
            .iter()
            .map(|p| p.edits.len())
            .sum();
        let counted: usize = fixable_by_rule(&fs).values().sum();
        // The heading's (renames its anchor), the code span's and the
        // unsafe one are not fixable; the prose's three are.
        assert_eq!((planned, counted), (3, 3));
        // Unplaced fixes are never counted.
        for f in &mut fs {
            if let Some(x) = f.fix.as_mut() {
                x.placement = Placement::Unplaced;
            }
        }
        assert!(fixable_by_rule(&fs).is_empty());
    }

    #[test]
    fn fixes_that_rename_a_heading_anchor_are_held_back() {
        let doc = Document::parse(
            "p.md",
            "## Our progress teh\n\n## Kept teh {#kept}\n\nSee [it](#our-progress-teh), teh.\n"
                .into(),
            false,
        )
        .expect("parses");
        let at = |nth: usize| doc.text.match_indices("teh").nth(nth).expect("teh").0;
        let fs: Vec<Finding> = [0, 1, 3]
            .iter()
            .map(|&n| {
                let mut f = finding(&doc, "teh", "the", Applicability::Safe);
                let r = at(n)..at(n) + 3;
                f.start = doc.locate(r.start);
                f.range = r.clone();
                if let Some(x) = f.fix.as_mut() {
                    x.range = r;
                }
                f
            })
            .collect();
        let refs: Vec<&Finding> = fs.iter().collect();
        let e = edits(&doc, &refs);
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(
            lines,
            vec![3, 5],
            "the heading with an explicit id and the prose"
        );
        let held = held_back(std::slice::from_ref(&doc), &fs);
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].4, "our-progress-teh");
    }

    #[test]
    fn diff_has_headers_and_hunks() {
        let doc = Document::parse("p.md", "one\nteh two\nthree\n".into(), false).expect("parses");
        let fs = [finding(&doc, "teh", "the", Applicability::Safe)];
        let plans = plan(std::slice::from_ref(&doc), &fs);
        let d = unified_diff(&plans);
        assert!(
            d.starts_with("--- a/p.md\n+++ b/p.md\n@@ -1,3 +1,3 @@\n"),
            "{d}"
        );
        assert!(d.contains("-teh two\n+the two\n"), "{d}");
    }

    /// The plans that replace `word` by `replacement` in `text`, if it is there.
    fn replacing(text: &str, word: &str, replacement: &str) -> Vec<FilePlan> {
        let doc = Document::parse("p.md", text.into(), false).expect("parses");
        if !doc.text.contains(word) {
            return Vec::new();
        }
        let fs = [finding(&doc, word, replacement, Applicability::Safe)];
        plan(std::slice::from_ref(&doc), &fs)
    }

    fn current_text(pages: &[(String, Vec<u8>)]) -> String {
        String::from_utf8(pages[0].1.clone()).expect("UTF-8")
    }

    #[test]
    fn fixes_are_applied_again_until_none_is_left() {
        // The first fix reveals the second, which reveals nothing.
        let first = replacing("A GitLabâ€™s teh page.\n", "â€™", "’");
        let mut lints = 0;
        let settled = settle(((), first), |pages| {
            lints += 1;
            ((), replacing(&current_text(pages), "teh", "the"))
        });
        assert_eq!(settled.rounds, 2);
        assert_eq!(lints, 2, "one lint after each round");
        assert!(settled.unsettled.is_empty());
        assert_eq!(settled.pages.len(), 1);
        let page = &settled.pages[0];
        assert_eq!(page.old_bytes, "A GitLabâ€™s teh page.\n".as_bytes());
        assert_eq!(page.new_bytes, "A GitLab’s the page.\n".as_bytes());
        let originals: Vec<&str> = page.edits.iter().map(|e| e.original.as_str()).collect();
        assert_eq!(originals, ["â€™", "teh"]);
    }

    #[test]
    fn fixes_that_never_settle_stop_after_the_last_round_and_are_reported() {
        let toggle = |text: &str| {
            if text.contains("wibble") {
                replacing(text, "wibble", "wobble")
            } else {
                replacing(text, "wobble", "wibble")
            }
        };
        let mut lints = 0;
        let settled = settle(((), toggle("A wibble.\n")), |pages| {
            lints += 1;
            ((), toggle(&current_text(pages)))
        });
        assert_eq!(settled.rounds, MAX_ROUNDS);
        assert_eq!(lints, MAX_ROUNDS);
        assert_eq!(settled.unsettled, [("p.md".to_owned(), vec!["typo"])]);
        // An even number of rounds brings the page back: nothing to write.
        assert_eq!(MAX_ROUNDS % 2, 0);
        assert!(settled.pages.is_empty(), "{:?}", settled.pages);
    }

    #[test]
    fn nothing_to_fix_is_no_round() {
        let settled = settle(((), Vec::new()), |_| panic!("no lint without a fix"));
        assert_eq!(settled.rounds, 0);
        assert!(settled.pages.is_empty() && settled.unsettled.is_empty());
    }

    #[test]
    fn a_fix_keeps_permissions_and_leaves_no_temporary_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("x.md");
        std::fs::write(&p, "old").expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        write_fixed(&p, dir.path(), b"old", b"new").expect("written");
        assert_eq!(std::fs::read(&p).expect("read"), b"new");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_file_changed_since_the_read_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("x.md");
        std::fs::write(&p, "edited meanwhile").expect("write");
        let e = write_fixed(&p, dir.path(), b"old", b"new").expect_err("skipped");
        assert!(matches!(e, Skipped::Changed), "{e:?}");
        assert_eq!(std::fs::read(&p).expect("read"), b"edited meanwhile");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }
}
