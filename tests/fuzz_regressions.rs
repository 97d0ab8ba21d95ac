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
