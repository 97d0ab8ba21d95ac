//! The `hblint` binary: parse arguments, dispatch, map errors to exit codes.

use clap::Parser;
use hblint::cli::{Cli, Command};
use hblint::commands::{self, EXIT_TROUBLE};
use miette::IntoDiagnostic;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Mr(args) => commands::mr::run(args),
        Command::Rules => commands::rules::list(&mut std::io::stdout().lock()).into_diagnostic(),
        Command::Explain { rule } => commands::rules::explain(
            rule,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )
        .into_diagnostic(),
        Command::InstallHook(args) => commands::hook::run(args),
        Command::Vocab(hblint::cli::VocabCommand::Add { words, root }) => {
            commands::vocab::add(words, root.as_deref())
        }
        Command::Completions { shell } => {
            commands::completions::completions(*shell, &mut std::io::stdout().lock())
                .into_diagnostic()
        }
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
