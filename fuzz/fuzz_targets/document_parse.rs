//! Fuzz target `document_parse`: see `document_parse` in `tests/fuzz/checks.rs`, whose checks
//! `tests/fuzz_regressions.rs` also replays on stable for every input kept
//! under `tests/fuzz/document_parse/`.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::document_parse(data));
