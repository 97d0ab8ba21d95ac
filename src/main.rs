//! The `hblint` binary: parse arguments, dispatch, map errors to exit codes.

use clap::Parser;
use hblint::cli::{Cli, Command};
use hblint::commands::{self, EXIT_TROUBLE};
use std::process::ExitCode;

/// An I/O result as the command's result: a closed pipe (`hblint rules | head`)
/// ends the output quietly, as the reader asked.
fn written(result: std::io::Result<u8>) -> miette::Result<u8> {
    match result {
        Ok(code) => Ok(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(commands::EXIT_CLEAN),
        Err(e) => Err(miette::miette!("{e}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Mr(args) => commands::mr::run(args),
        Command::Bot(args) => commands::bot::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Rules { format } => written(commands::rules::list(
            *format,
            &mut std::io::stdout().lock(),
        )),
        Command::Explain { rule } => written(commands::rules::explain(
            rule,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )),
        Command::InstallHook(args) => commands::hook::run(args),
        Command::Vocab(hblint::cli::VocabCommand::Add { words, root }) => {
            commands::vocab::add(words, root.as_deref())
        }
        Command::Vocab(hblint::cli::VocabCommand::List { root }) => {
            commands::vocab::list(root.as_deref(), &mut std::io::stdout().lock())
        }
        Command::Vocab(hblint::cli::VocabCommand::Remove { words, root }) => {
            commands::vocab::remove(words, root.as_deref())
        }
        Command::Init { root, force } => commands::init::run(root.as_deref(), *force),
        Command::Completions { shell } => written(commands::completions::completions(
            *shell,
            &mut std::io::stdout().lock(),
        )),
        Command::Man { out_dir } => {
            commands::completions::man(out_dir.as_deref(), &mut std::io::stdout().lock())
                .map_err(|e| miette::miette!("cannot write the man page: {e}"))
        }
        Command::Roles { command } => commands::roles::run(command),
        Command::Cache(command) => commands::cache::run(command),
    };
    match result {
        Ok(code) => commands::exit(code),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}
