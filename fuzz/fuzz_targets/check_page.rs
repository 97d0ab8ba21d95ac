//! Fuzz target `check_page`: see `check_page` in `tests/fuzz/checks.rs`, whose checks
//! `tests/fuzz_regressions.rs` also replays on stable for every input kept
//! under `tests/fuzz/check_page/`.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_page(data));
