//! Helpers shared by the CLI tests.

use std::path::Path;
use std::process::Command;

/// Run `hblint check --root ROOT --format json ARGS…` in ROOT (no CI, no
/// colour); return the exit code and the parsed report.
pub fn check_json(root: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    check_json_with(Path::new(env!("CARGO_BIN_EXE_hblint")), root, args)
}

/// [`check_json`] with the binary at `bin` (a copy of hblint's).
pub fn check_json_with(bin: &Path, root: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::new(bin)
        .env_remove("CI")
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(["--format", "json"])
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("hblint runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "JSON report ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}
