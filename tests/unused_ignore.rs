//! CLI tests of `unused-suppression` on `[[ignore]]` tables: a table whose
//! globs match no page, and a table that hid no finding in a run that linted
//! every page it matches, are reported on the table in `.hblint.toml`; a run
//! that linted only some of a table's pages does not judge it.

mod common;

use std::path::Path;

const CONFIG: &str = r#"[rules]
spelling = "off"

[[ignore]]
paths = ["content/legal/**"]
rules = ["typo"]

[[ignore]]
paths = ["content/archive/**"]
rules = ["typo"]

[[ignore]]
paths = ["content/clean/**"]
rules = ["typo", "mojibake"]
"#;

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join(".hblint.toml"), CONFIG).expect("write");
    for (path, text) in [
        ("content/legal/terms.md", "Our professional serivices.\n"),
        ("content/clean/a.md", "All clean here.\n"),
        ("content/clean/b.md", "Clean too.\n"),
        ("content/other.md", "Other page.\n"),
    ] {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    }
    dir
}

/// `(path, line, column, message)` of the unused-suppression findings.
fn unused(root: &Path, paths: &[&str]) -> Vec<(String, u64, u64, String)> {
    let (_, json) = common::check_json(root, paths);
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unused-suppression")
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn tables_that_ignore_nothing_are_reported_where_they_are_written() {
    let dir = tree();
    let found = unused(dir.path(), &[]);
    // Sorted as every report is: by path, line, column, then message.
    assert_eq!(
        found,
        vec![
            (
                ".hblint.toml".into(),
                8,
                1,
                "`[[ignore]]` matches no page of the tree".into()
            ),
            (
                ".hblint.toml".into(),
                12,
                1,
                "`[[ignore]]` suppresses no `mojibake` finding".into()
            ),
            (
                ".hblint.toml".into(),
                12,
                1,
                "`[[ignore]]` suppresses no `typo` finding".into()
            ),
        ]
    );
}

#[test]
fn a_run_over_part_of_a_tables_pages_does_not_judge_it() {
    let dir = tree();
    let found = unused(
        dir.path(),
        &["content/clean/a.md", "content/legal/terms.md"],
    );
    // `content/clean/**` also matches b.md, which this run did not lint; the
    // legal table hid the typo; only the table that matches nothing is reported.
    assert_eq!(
        found,
        vec![(
            ".hblint.toml".into(),
            8,
            1,
            "`[[ignore]]` matches no page of the tree".into()
        )]
    );
}

#[test]
fn tables_that_hide_the_engines_own_findings_are_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join(".hblint.toml"),
        "[rules]\nspelling = \"off\"\n\n[[ignore]]\npaths = [\"content/drafts/**\"]\n\
         rules = [\"invalid-suppression\", \"unused-suppression\"]\n",
    )
    .expect("write");
    let page = root.join("content/drafts/a.md");
    std::fs::create_dir_all(page.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &page,
        "<!-- hblint-disable-nextline typo -->\nClean.\n\n\
         <!-- hblint-disable-next-line typo -->\nClean too.\n",
    )
    .expect("write");
    // The table hid an invalid and an unused suppression: it is not reported,
    // and neither are they.
    assert_eq!(unused(root, &[]), vec![]);
}
