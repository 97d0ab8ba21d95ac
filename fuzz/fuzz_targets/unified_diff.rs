//! Fuzz target `unified_diff`: see `unified_diff` in `tests/fuzz/checks.rs`, whose checks
//! `tests/fuzz_regressions.rs` also replays on stable for every input kept
//! under `tests/fuzz/unified_diff/`.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::unified_diff(data));
