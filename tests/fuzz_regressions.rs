//! Inputs for the fuzz targets, replayed on stable: each file under
//! `tests/fuzz/TARGET/` goes through the same checks the target makes
//! (`tests/fuzz/checks.rs`): the inputs a fuzzer found a bug with, and
//! inputs that reach the awkward paths (a byte-order mark with NUL bytes
//! and lone carriage returns, invalid UTF-8, hunk headers at the edge of
//! `usize`, a correction cycle in the configuration, unclosed suppressions,
//! a fix that reveals another).

#[allow(dead_code)]
#[path = "fuzz/checks.rs"]
mod checks;

use std::path::Path;

/// Run `check` on every input kept for `target`; there is at least one.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("the target's inputs")
        .flatten()
        .map(|e| e.path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no input in {}", dir.display());
    for input in inputs {
        let bytes = std::fs::read(&input).expect("read");
        eprintln!("{target}: {}", input.display());
        check(&bytes);
    }
}

#[test]
fn document_parse() {
    replay("document_parse", checks::document_parse);
}

#[test]
fn unified_diff() {
    replay("unified_diff", checks::unified_diff);
}

#[test]
fn config() {
    replay("config", checks::config);
}

#[test]
fn suppressions() {
    replay("suppressions", checks::suppressions);
}

#[test]
fn check_page() {
    replay("check_page", checks::check_page);
}

/// A page on which the `markdown` crate's parser panics ("Cannot push to
/// non-parent", found by the `suppressions` target) is a parse error of that
/// page, said once, never a crash of the run.
#[test]
fn a_parser_panic_is_the_pages_error() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/document_parse/markdown-cannot-push-to-non-parent");
    let bytes = std::fs::read(&page).expect("read");
    let err = hblint::Document::from_bytes("content/p.md", &bytes).expect_err("a parse error");
    assert!(err.to_string().contains("Markdown parser failed"), "{err}");

    let root = tempfile::tempdir().expect("temp dir");
    let content = root.path().join("content");
    std::fs::create_dir_all(&content).expect("mkdir");
    std::fs::write(content.join("p.md"), &bytes).expect("write");
    std::fs::write(content.join("q.md"), "# Fine\n\nTeh page.\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(["check", "--root"])
        .arg(root.path())
        .args(["--format", "concise"])
        .env_remove("CI")
        .output()
        .expect("run hblint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("content/p.md") && stdout.contains("Markdown parser failed"),
        "{stdout}{stderr}"
    );
    // The other page is still linted.
    assert!(stdout.contains("content/q.md"), "{stdout}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
