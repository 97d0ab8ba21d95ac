//! Fuzz target `suppressions`: see `suppressions` in `tests/fuzz/checks.rs`, whose checks
//! `tests/fuzz_regressions.rs` also replays on stable for every input kept
//! under `tests/fuzz/suppressions/`.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::suppressions(data));
