//! `hblint completions SHELL` and `hblint man`: generated from the clap definition.

use super::EXIT_CLEAN;
use crate::cli::Cli;
use clap::CommandFactory;
use std::io::Write;

pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<u8> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "hblint", out);
    Ok(EXIT_CLEAN)
}

/// The man page in roff: `hblint man > hblint.1`, `man ./hblint.1`. The
/// subcommands follow the main page, each in its own section.
pub fn man(out: &mut dyn Write) -> std::io::Result<u8> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        writeln!(out, ".SH \"HBLINT {}\"", name.to_uppercase())?;
        let sub = sub.clone().bin_name(format!("hblint {name}"));
        let man = clap_mangen::Man::new(sub);
        man.render_description_section(out)?;
        writeln!(out, ".SS SYNOPSIS")?;
        man.render_synopsis_section(out)?;
        man.render_options_section(out)?;
    }
    Ok(EXIT_CLEAN)
}
