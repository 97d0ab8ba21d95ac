//! The cache of page results: a run with the cache reports exactly what a
//! run without it reports, through edits, renames, deletions and a
//! settings change, and a damaged cache is never an error.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small Hugo tree: pages linking to each other's anchors, typos, a suppression.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages: &[(&str, &str)] = &[
        (
            "content/handbook/values/_index.md",
            "---\ntitle: Values\n---\n# Values\n\n## Results\n\nWe recieve feedback.\n\n## Iteration {#iterate}\n\nSee [people](/handbook/people/#leave).\n",
        ),
        (
            "content/handbook/people/_index.md",
            "---\ntitle: People\n---\n# People\n\n## Leave\n\nSee [results](/handbook/values/#results) and [iterate](../values/#iterate).\n\nThe serivices team.\n",
        ),
        (
            "content/handbook/people/benefits.md",
            "# Benefits\n\n[Values](/handbook/values/) and [leave](/handbook/people/#leave).\n\n<!-- hblint-disable-next-line typo -->\nWe recieve nothing.\n",
        ),
        (
            "content/handbook/engineering/_index.md",
            "# Engineering\n\n[Benefits](/handbook/people/benefits/) and [gone](/handbook/nowhere/).\n",
        ),
    ];
    for (path, text) in pages {
        write(dir.path(), path, text);
    }
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

/// The findings of `hblint check --format json` with `args`.
fn findings(root: &Path, args: &[&str]) -> Vec<Value> {
    let (_, report) = common::check_json(root, args);
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn rules_at(found: &[Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| format!("{} {} {}", f["rule"], f["path"], f["line"]))
        .collect()
}

/// With the cache (twice: writing, then reading) and without: the same findings.
fn same_with_and_without(root: &Path, cache: &Path, extra: &[&str]) -> Vec<Value> {
    let cache_arg = cache.to_str().expect("utf-8 path");
    let mut with: Vec<&str> = vec!["--cache-dir", cache_arg];
    with.extend(extra);
    let mut without: Vec<&str> = vec!["--no-cache"];
    without.extend(extra);
    let first = findings(root, &with);
    let again = findings(root, &with);
    let plain = findings(root, &without);
    assert_eq!(first, plain, "first run with the cache");
    assert_eq!(again, plain, "second run, from the cache");
    plain
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn same_findings_through_edits_renames_deletions_and_settings() {
    let dir = tree();
    let root = dir.path();
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");

    let found = same_with_and_without(root, &cache, &[]);
    let rules = rules_at(&found);
    assert!(
        rules.iter().any(|r| r.contains("\"typo\"")),
        "the fixture has a typo: {rules:?}"
    );
    assert!(
        rules.iter().any(|r| r.contains("\"broken-link\"")),
        "and a broken link: {rules:?}"
    );
    assert!(
        !rules.iter().any(|r| r.contains("\"broken-anchor\"")),
        "no broken anchor yet: {rules:?}"
    );
    assert_eq!(entries(&cache).len(), 4, "one entry a page");

    // A heading renamed on one page breaks the anchors of links on two
    // pages that did not change: their cached findings must not be reused.
    write(
        root,
        "content/handbook/people/_index.md",
        "---\ntitle: People\n---\n# People\n\n## Time off\n\nSee [results](/handbook/values/#results) and [iterate](../values/#iterate).\n\nThe serivices team.\n",
    );
    let found = same_with_and_without(root, &cache, &[]);
    let anchors: Vec<String> = rules_at(&found)
        .into_iter()
        .filter(|r| r.contains("broken-anchor"))
        .collect();
    assert_eq!(anchors.len(), 2, "{anchors:?}");

    // A page renamed: the link to its old URL breaks.
    std::fs::rename(
        root.join("content/handbook/people/benefits.md"),
        root.join("content/handbook/people/perks.md"),
    )
    .expect("rename");
    let found = same_with_and_without(root, &cache, &[]);
    assert!(
        rules_at(&found)
            .iter()
            .any(|r| r.contains("broken-link") && r.contains("engineering")),
        "{found:?}"
    );

    // Another page's frontmatter makes the broken link's URL an alias: the
    // unchanged linking page's cached finding must not be reused.
    write(
        root,
        "content/handbook/people/perks.md",
        "---\naliases:\n  - /handbook/nowhere/\n---\n# Benefits\n\n[Values](/handbook/values/) and [leave](/handbook/people/#leave).\n\n<!-- hblint-disable-next-line typo -->\nWe recieve nothing.\n",
    );
    let found = same_with_and_without(root, &cache, &[]);
    assert!(
        !found.iter().any(|f| f["rule"] == "broken-link"
            && f["message"].as_str().is_some_and(|m| m.contains("nowhere"))),
        "{found:?}"
    );

    // A page deleted: its findings go, the links to it break.
    std::fs::remove_file(root.join("content/handbook/values/_index.md")).expect("delete");
    let found = same_with_and_without(root, &cache, &[]);
    assert!(
        !rules_at(&found)
            .iter()
            .any(|r| r.contains("values/_index.md")),
        "{found:?}"
    );

    // A settings change: the typo is accepted, the broken links turned off.
    write(
        root,
        ".hblint.toml",
        "[rules]\nbroken-link = \"off\"\n\n[spelling]\nextra-words = [\"serivices\"]\n",
    );
    let found = same_with_and_without(root, &cache, &[]);
    assert!(
        !rules_at(&found).iter().any(|r| r.contains("broken-link")),
        "{found:?}"
    );

    // Another rule selection on the same pages.
    same_with_and_without(root, &cache, &["--select", "typo"]);
}

/// Long enough after a write for the run to trust the file's stamp (see
/// `workspace::stamps`: three seconds, and a margin).
const SETTLED: std::time::Duration = std::time::Duration::from_millis(3300);

/// A run of one page reads the anchors of the pages it links to: with the
/// cache, each whole, kept for the next run; without it, only as far as
/// the headings asked when that start shows them all (page `a`), else the
/// start and then the whole page (`c`), or the whole page at once when an
/// id has no likely place (`b`) or a reference is defined below (`refs`). Each way finds the same.
#[test]
fn anchors_of_linked_pages_agree_with_and_without_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let filler = "Some text.\n\n".repeat(40);
    let target = format!(
        "---\ntitle: Target\n---\n# Target\n\n- [Late](#late-part)\n\n## Early Part\n\n{filler}\
         ```\n## Only In Code\n```\n\nSetext Part\n-----------\n\n{filler}\
         ## Late Part\n\n<a id=\"html-anchor\"></a>\n\n## Early Part\n\n{filler}"
    );
    for page in ["a", "b", "c"] {
        write(root, &format!("content/handbook/{page}/_index.md"), &target);
    }
    write(
        root,
        "content/handbook/refs/_index.md",
        &format!("# Refs\n\n## [Named][ref] Here\n\n{filler}[ref]: https://example.com\n"),
    );
    let asked: &[(&str, &[&str])] = &[
        (
            "a",
            &[
                "early-part",
                "Early-Part",
                "setext-part",
                "late-part",
                "html-anchor",
            ],
        ),
        ("b", &["early-part-1", "late-prat"]),
        ("c", &["setext-part", "only-in-code"]),
        // Its start would show `namedref-here`: the definition below it
        // makes the heading's text `Named Here`.
        ("refs", &["namedref-here"]),
    ];
    let links: Vec<String> = asked
        .iter()
        .flat_map(|(page, ids)| {
            ids.iter()
                .map(move |id| format!("[{id}](/handbook/{page}/#{id})"))
        })
        .collect();
    write(
        root,
        "content/handbook/linker.md",
        &format!("# Linker\n\n{}.\n", links.join(" and ")),
    );
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");
    let found = same_with_and_without(root, &cache, &["content/handbook/linker.md"]);
    let mut broken: Vec<&str> = found
        .iter()
        .filter(|f| f["rule"] == "broken-anchor")
        .filter_map(|f| f["message"].as_str())
        .collect();
    broken.sort_unstable();
    assert_eq!(
        broken,
        [
            "no anchor `#late-prat` on `content/handbook/b/_index.md`",
            "no anchor `#namedref-here` on `content/handbook/refs/_index.md`",
            "no anchor `#only-in-code` on `content/handbook/c/_index.md`",
        ]
    );
}

#[test]
fn an_edit_that_keeps_size_and_modification_time_is_still_seen() {
    let dir = tree();
    let root = dir.path();
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");
    let page = root.join("content/handbook/people/_index.md");
    std::thread::sleep(SETTLED);
    // The first run reads every page and keeps their stamps; the second
    // trusts them (the pages settled before it began).
    let found = same_with_and_without(root, &cache, &[]);
    assert!(typo_on(&found, "people/_index.md"), "{found:?}");
    let stamps: Vec<PathBuf> = cache_files(&cache)
        .into_iter()
        .filter(|p| p.ends_with("stamps"))
        .collect();
    assert_eq!(
        stamps.len(),
        1,
        "one stamps file: {:?}",
        cache_files(&cache)
    );

    // The typo fixed in place, same length, modification time set back:
    // only the status-change time tells.
    let modified = std::fs::metadata(&page)
        .and_then(|m| m.modified())
        .expect("mtime");
    let text = std::fs::read_to_string(&page).expect("read");
    let fixed = text.replace("serivices", "services ");
    assert_eq!(fixed.len(), text.len());
    std::fs::write(&page, fixed).expect("write");
    std::fs::File::options()
        .write(true)
        .open(&page)
        .and_then(|f| f.set_modified(modified))
        .expect("set mtime");
    std::thread::sleep(SETTLED);
    let found = same_with_and_without(root, &cache, &[]);
    assert!(!typo_on(&found, "people/_index.md"), "{found:?}");

    // A damaged stamps file is ignored, never an error.
    std::fs::write(&stamps[0], b"\x01\x02 not stamps").expect("write");
    same_with_and_without(root, &cache, &[]);
}

/// Set a file's modification time `days` into the past.
fn age(path: &Path, days: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 24 * 60 * 60);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .expect("set mtime");
}

/// The page entries of the cache (not the stamps or the sweep's marker).
fn entries(cache: &Path) -> Vec<PathBuf> {
    cache_files(cache)
        .into_iter()
        .filter(|p| {
            p.parent().and_then(Path::parent).is_some_and(|d| {
                d.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("pages-"))
            })
        })
        .collect()
}

#[test]
fn entries_of_old_contents_are_swept_once_a_day() {
    let dir = tree();
    let root = dir.path();
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");
    same_with_and_without(root, &cache, &[]);
    assert_eq!(entries(&cache).len(), 4);
    let swept = cache_files(&cache)
        .into_iter()
        .find(|p| p.ends_with("swept"))
        .expect("the first full run sweeps");

    // An edit: the page's old entry stays until the next sweep, a day on.
    write(
        root,
        "content/handbook/engineering/_index.md",
        "# Engineering\n\nNo links.\n",
    );
    same_with_and_without(root, &cache, &[]);
    assert_eq!(entries(&cache).len(), 5);
    for file in entries(&cache) {
        age(&file, 2);
    }
    // A run over part of the tree never sweeps.
    same_with_and_without(root, &cache, &["content/handbook/values"]);
    assert_eq!(entries(&cache).len(), 5);
    age(&swept, 2);
    same_with_and_without(root, &cache, &[]);
    assert_eq!(entries(&cache).len(), 4, "{:?}", entries(&cache));
}

/// Whether `found` has a `typo` finding on `path`.
fn typo_on(found: &[Value], path: &str) -> bool {
    found
        .iter()
        .any(|f| f["rule"] == "typo" && f["path"].as_str().is_some_and(|p| p.ends_with(path)))
}

#[test]
fn tree_word_counts_follow_edits_renames_and_deletions_of_other_pages() {
    // `acheive` is in the general typo list (not the handbook's); used on three pages and its
    // correction on none, it is taken for jargon. The verdict on a page that
    // never changes follows the tree's counts, which the cache keeps.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "content/a.md", "# A\n\nAn acheive to the plan.\n");
    write(root, "content/b.md", "# B\n\nOne more acheive.\n");
    write(root, "content/c.md", "# C\n\nThe acheive again.\n");
    write(root, "content/d.md", "# D\n\nNothing here.\n");
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");

    let found = same_with_and_without(root, &cache, &[]);
    assert!(!typo_on(&found, "a.md"), "jargon on three pages: {found:?}");
    assert!(
        cache.join("words-root").is_file(),
        "the tree's counts are kept"
    );

    // A rename: the counts are the same, so is the verdict.
    std::fs::rename(root.join("content/b.md"), root.join("content/b2.md")).expect("rename");
    let found = same_with_and_without(root, &cache, &[]);
    assert!(!typo_on(&found, "a.md"), "{found:?}");

    // An edit elsewhere: two pages left, so `a.md` (unchanged) has a typo.
    write(root, "content/c.md", "# C\n\nThe plan again.\n");
    let found = same_with_and_without(root, &cache, &[]);
    assert!(typo_on(&found, "a.md"), "{found:?}");

    // A new page uses it: three again.
    write(root, "content/e.md", "# E\n\nAn acheive, surely.\n");
    let found = same_with_and_without(root, &cache, &[]);
    assert!(!typo_on(&found, "a.md"), "{found:?}");

    // A deletion: two again.
    std::fs::remove_file(root.join("content/e.md")).expect("delete");
    let found = same_with_and_without(root, &cache, &[]);
    assert!(typo_on(&found, "a.md"), "{found:?}");

    // A damaged counts file is recounted, never an error.
    std::fs::write(cache.join("words-root"), "hblint-tree-words 1 zz\nT\tx\n").expect("write");
    same_with_and_without(root, &cache, &[]);
}

#[test]
fn a_valid_entry_is_reused_and_a_damaged_one_is_ignored() {
    let dir = tree();
    let root = dir.path();
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");
    let arg = cache.to_str().expect("utf-8 path");
    let plain = findings(root, &["--no-cache"]);
    assert_eq!(findings(root, &["--cache-dir", arg]), plain);

    // Change a stored message (by as many bytes: entries are binary, each
    // string after its length): the next run prints it, so the page was
    // not checked again.
    let (stored, changed): (&[u8], &[u8]) = (b"is a misspelling of", b"was stored, not new");
    assert_eq!(stored.len(), changed.len());
    let mut edited = 0;
    for file in cache_files(&cache) {
        let mut bytes = std::fs::read(&file).expect("entry");
        let mut found = false;
        while let Some(at) = bytes.windows(stored.len()).position(|w| w == stored) {
            bytes[at..at + stored.len()].copy_from_slice(changed);
            found = true;
        }
        if found {
            std::fs::write(&file, &bytes).expect("write");
            edited += 1;
        }
    }
    assert!(edited > 0, "a typo finding was stored");
    let reused = findings(root, &["--cache-dir", arg]);
    assert!(
        reused.iter().any(|f| f["message"]
            .as_str()
            .unwrap_or_default()
            .contains("was stored, not new")),
        "{reused:?}"
    );

    // Damaged, cut short and foreign entries: ignored and rewritten.
    for (i, file) in cache_files(&cache).into_iter().enumerate() {
        let whole = std::fs::read(&file).expect("entry");
        let junk: Vec<u8> = match i % 3 {
            0 => b"\x00\xff not an entry".to_vec(),
            1 => b"{\"format\": 1}".to_vec(),
            _ => whole[..whole.len() / 2].to_vec(),
        };
        std::fs::write(&file, junk).expect("write");
    }
    assert_eq!(findings(root, &["--cache-dir", arg]), plain);
    assert_eq!(findings(root, &["--cache-dir", arg]), plain);

    // `hblint cache clean` removes the folder.
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(["cache", "clean", "--cache-dir", arg])
        .output()
        .expect("hblint runs");
    assert!(out.status.success(), "{out:?}");
    assert!(!cache.exists());
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(["cache", "clean", "--cache-dir", arg])
        .output()
        .expect("hblint runs");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("No cache"));
}

#[test]
fn default_folder_is_at_the_root_outside_git() {
    let dir = tree();
    let root = dir.path();
    // Not a git work tree (a temporary folder), so the cache is `.hblint-cache`.
    let in_git = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--git-dir"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if in_git {
        return;
    }
    let plain = findings(root, &["--no-cache"]);
    assert!(!root.join(".hblint-cache").exists());
    assert_eq!(findings(root, &[]), plain);
    assert!(root.join(".hblint-cache").is_dir());
    assert_eq!(findings(root, &[]), plain);
}

/// Each CI job downloads the release binary afresh: a copy of the same build
/// (another path, another modification time) must find the entries the
/// first run wrote, not start a new generation of the cache.
#[test]
fn a_copy_of_the_same_binary_finds_the_cache() {
    let dir = tree();
    let root = dir.path();
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");
    let cache_arg = cache.to_str().expect("utf-8 path");
    let first = findings(root, &["--cache-dir", cache_arg]);
    let written = cache_files(&cache);
    assert!(
        written
            .iter()
            .any(|p| p.to_string_lossy().contains("pages-")),
        "entries written: {written:?}"
    );

    let bin = tempfile::tempdir().expect("tempdir");
    let copy = bin.path().join("hblint");
    std::fs::copy(env!("CARGO_BIN_EXE_hblint"), &copy).expect("copy the binary");
    let (_, report) = common::check_json_with(&copy, root, &["--cache-dir", cache_arg]);
    assert_eq!(
        report["findings"].as_array().cloned().unwrap_or_default(),
        first,
        "the copy reports the same findings"
    );
    let after = cache_files(&cache);
    assert_eq!(
        after, written,
        "the copy reused the entries, wrote no new generation"
    );
}

/// CI jobs check the tree out in build folders whose path can differ from
/// job to job: the same tree elsewhere finds the entries, and the findings
/// are the same.
#[test]
fn the_same_tree_elsewhere_finds_the_cache() {
    let first_tree = tree();
    let second_tree = tree();
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");
    let cache_arg = cache.to_str().expect("utf-8 path");
    let first = findings(first_tree.path(), &["--cache-dir", cache_arg]);
    let written = cache_files(&cache);
    let second = findings(second_tree.path(), &["--cache-dir", cache_arg]);
    let after = cache_files(&cache);
    assert_eq!(second, first, "the same findings");
    assert_eq!(after, written, "the entries were reused, none written");
}

fn broken_link_on(found: &[Value], path: &str) -> bool {
    found.iter().any(|f| {
        f["rule"] == "broken-link" && f["path"].as_str().is_some_and(|p| p.ends_with(path))
    })
}

#[test]
fn files_added_or_ignored_in_a_settled_tree_are_seen() {
    let dir = tree();
    let root = dir.path();
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = cache_dir.path().join("cache");
    std::thread::sleep(SETTLED);
    // The first run walks the tree and keeps its file lists (the tree's and
    // the linted pages'); the second trusts them (no folder has changed).
    let found = same_with_and_without(root, &cache, &[]);
    assert!(broken_link_on(&found, "engineering/_index.md"), "{found:?}");
    assert!(
        cache_files(&cache).iter().any(|p| p.ends_with("listing")),
        "{:?}",
        cache_files(&cache)
    );

    // A page in a new folder (the folder above it has changed) is linted,
    // and a link to it resolves.
    write(
        root,
        "content/handbook/nowhere/_index.md",
        "# Nowhere\n\nThe serivices team.\n",
    );
    std::thread::sleep(SETTLED);
    let found = same_with_and_without(root, &cache, &[]);
    assert!(
        !broken_link_on(&found, "engineering/_index.md"),
        "{found:?}"
    );
    assert!(typo_on(&found, "nowhere/_index.md"), "{found:?}");

    // An ignore file rewritten in place leaves its folder as it was.
    write(root, "content/handbook/.gitignore", "# nothing\n");
    std::thread::sleep(SETTLED);
    same_with_and_without(root, &cache, &[]);
    write(root, "content/handbook/.gitignore", "nowhere/\n");
    std::thread::sleep(SETTLED);
    let found = same_with_and_without(root, &cache, &[]);
    assert!(broken_link_on(&found, "engineering/_index.md"), "{found:?}");
    assert!(!typo_on(&found, "nowhere/_index.md"), "{found:?}");
}
