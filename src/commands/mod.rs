//! One file per subcommand; each returns the process's exit code.

pub mod bot;
pub mod cache;
pub mod check;
pub mod completions;
pub mod hook;
pub mod init;
pub mod mr;
pub mod roles;
pub mod rules;
pub mod serve;
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

/// The repository root: `--root`; else the git top level of the first path
/// (or of the current directory); outside git, the nearest folder above that
/// holds a `.hblint.toml`; else the current directory. A `.hblint.toml` below
/// the root never moves it (see [`crate::config::refuse_nested`]).
pub fn find_root(root: Option<&Path>, start: Option<&Path>) -> miette::Result<PathBuf> {
    locate_root(root, start).map(|(root, _)| root)
}

/// [`find_root`], with how the root was found (for `--show-settings`).
pub fn locate_root(root: Option<&Path>, start: Option<&Path>) -> miette::Result<(PathBuf, String)> {
    if let Some(root) = root {
        if !root.is_dir() {
            return Err(miette::miette!(
                help = "pass the folder that holds the handbook repository",
                "--root {}: no such folder",
                root.display()
            ));
        }
        return std::fs::canonicalize(root)
            .map(|r| (r, "--root".to_owned()))
            .map_err(|e| miette::miette!("--root {}: {e}", root.display()));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| miette::miette!("cannot read the current directory: {e}"))?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let (from, what) = match start.and_then(|s| std::fs::canonicalize(s).ok()) {
        Some(s) if s.is_dir() => (s, "the first path"),
        Some(s) => (
            s.parent().map_or_else(|| cwd.clone(), Path::to_path_buf),
            "the first path",
        ),
        None => (cwd.clone(), "the current directory"),
    };
    let mut nearest_config = None;
    let mut dir = Some(from.as_path());
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return Ok((d.to_path_buf(), format!("the git top level of {what}")));
        }
        if nearest_config.is_none() && d.join(crate::config::CONFIG_FILE_NAME).is_file() {
            nearest_config = Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    Ok(match nearest_config {
        Some(d) => (
            d,
            format!("the nearest folder above {what} with a .hblint.toml (no git repository)"),
        ),
        None => (
            cwd,
            "the current directory (no git repository, no .hblint.toml)".to_owned(),
        ),
    })
}
