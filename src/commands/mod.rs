//! One file per subcommand; each returns the process's exit code.

pub mod cache;
pub mod check;
pub mod completions;
pub mod hook;
pub mod mr;
pub mod roles;
pub mod rules;
pub mod vocab;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes, as ruff and clippy use them.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_TROUBLE: u8 = 2;

pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// The repository root: `--root`; else the nearest folder above `start` (the
/// first path given, or the current directory) that holds a `.hblint.toml`;
/// else the git top level of the current directory; else the current directory.
pub fn find_root(root: Option<&Path>, start: Option<&Path>) -> miette::Result<PathBuf> {
    if let Some(root) = root {
        if !root.is_dir() {
            return Err(miette::miette!(
                help = "pass the folder that holds the handbook repository",
                "--root {}: no such folder",
                root.display()
            ));
        }
        return std::fs::canonicalize(root)
            .map_err(|e| miette::miette!("--root {}: {e}", root.display()));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| miette::miette!("cannot read the current directory: {e}"))?;
    if let Some(start) = start.and_then(|s| std::fs::canonicalize(s).ok()) {
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            if d.join(crate::config::CONFIG_FILE_NAME).is_file() {
                return Ok(d.to_path_buf());
            }
            if d.join(".git").exists() {
                break;
            }
            dir = d.parent();
        }
    }
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let mut dir = cwd.as_path();
    loop {
        if dir.join(".git").exists() {
            return Ok(dir.to_path_buf());
        }
        match dir.parent() {
            Some(parent) => dir = parent,
            None => return Ok(cwd),
        }
    }
}
