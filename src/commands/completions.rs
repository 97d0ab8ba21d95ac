//! `hblint completions SHELL` and `hblint man`: generated from the clap definition.

use super::{EXIT_CLEAN, written};
use crate::cli::Cli;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> miette::Result<ExitCode> {
    written(write_completions(shell, out))
}

fn write_completions(
    shell: clap_complete::Shell,
    out: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "hblint", out);
    Ok(EXIT_CLEAN)
}

/// The man page in roff: `hblint man > hblint.1`; with `out_dir`, one page
/// per subcommand too (`hblint.1`, `hblint-check.1`, …), as the main page's
/// SUBCOMMANDS section refers to them.
pub fn man(out_dir: Option<&std::path::Path>, out: &mut dyn Write) -> miette::Result<ExitCode> {
    write_man(out_dir, out).map_err(|e| miette::miette!("cannot write the man page: {e}"))
}

fn write_man(out_dir: Option<&std::path::Path>, out: &mut dyn Write) -> std::io::Result<ExitCode> {
    let cmd = Cli::command();
    match out_dir {
        None => clap_mangen::Man::new(cmd).render(out)?,
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            clap_mangen::generate_to(cmd, dir)?;
            writeln!(out, "Wrote the man pages to {}", dir.display())?;
        }
    }
    Ok(EXIT_CLEAN)
}
