//! One file per subcommand; each returns the process's exit code, and
//! [`dispatch`] picks the one the command line names.

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

use crate::cli::{Cli, Command, VocabCommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes, as ruff and clippy use them: 0 clean, 1 findings, 2 trouble.
pub const EXIT_CLEAN: ExitCode = ExitCode::SUCCESS;
/// 1: `ExitCode::FAILURE` is 1 on every platform hblint builds for (a test checks it).
pub const EXIT_FINDINGS: ExitCode = ExitCode::FAILURE;

/// 2: hblint could not judge (bad settings, a file it could not read, an API
/// failure). A function: `ExitCode` has no constant but 0 and 1.
#[allow(non_snake_case)]
pub fn EXIT_TROUBLE() -> ExitCode {
    ExitCode::from(2)
}

/// Run the subcommand the command line names.
pub fn dispatch(cli: &Cli) -> miette::Result<ExitCode> {
    match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Mr(args) => mr::run(args),
        Command::Bot(args) => bot::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Rules { format } => rules::list(*format, &mut std::io::stdout().lock()),
        Command::Explain { rule } => rules::explain(
            rule,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        ),
        Command::InstallHook(args) => hook::run(args),
        Command::Vocab(VocabCommand::Add { words, root }) => vocab::add(words, root.as_deref()),
        Command::Vocab(VocabCommand::List { root }) => {
            vocab::list(root.as_deref(), &mut std::io::stdout().lock())
        }
        Command::Vocab(VocabCommand::Remove { words, root }) => {
            vocab::remove(words, root.as_deref())
        }
        Command::Init { root, force } => init::run(root.as_deref(), *force),
        Command::Completions { shell } => {
            completions::completions(*shell, &mut std::io::stdout().lock())
        }
        Command::Man { out_dir } => {
            completions::man(out_dir.as_deref(), &mut std::io::stdout().lock())
        }
        Command::Roles { command } => roles::run(command),
        Command::Cache(command) => cache::run(command),
    }
}

/// An I/O result as the command's result: a closed pipe (`hblint rules | head`)
/// ends the output quietly, as the reader asked.
pub(crate) fn written(result: std::io::Result<ExitCode>) -> miette::Result<ExitCode> {
    match result {
        Ok(code) => Ok(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_CLEAN),
        Err(e) => Err(miette::miette!("{e}")),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_zero_one_two() {
        assert_eq!(EXIT_CLEAN, ExitCode::from(0));
        assert_eq!(EXIT_FINDINGS, ExitCode::from(1));
        assert_eq!(EXIT_TROUBLE(), ExitCode::from(2));
    }
}
