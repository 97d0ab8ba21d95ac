//! The command line as typed: raw arguments, validated later into settings.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "hblint",
    version,
    about = "Lint GitLab handbook pages and merge requests: typos, spelling, mojibake, links, anchors, roles and labels",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Markdown files or folders (default: the handbook content under --root)
    Check(CheckArgs),
    /// List every rule: name, default severity, one line
    Rules,
    /// Print a rule's documentation
    Explain {
        /// The rule's name, as `hblint rules` lists it
        rule: String,
    },
    /// Install a git pre-commit hook that runs `hblint check --staged`
    InstallHook(InstallHookArgs),
    /// Manage the repository's accepted words
    #[command(subcommand)]
    Vocab(VocabCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) generated from the command line definition
    Man {
        /// Write hblint.1 and one page per subcommand (hblint-check.1, …) into DIR
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct InstallHookArgs {
    /// Replace an existing pre-commit hook that hblint did not write (kept as pre-commit.hblint-backup)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum VocabCommand {
    /// Add words to the repository vocabulary file (sorted, deduplicated)
    Add {
        /// The words to accept
        #[arg(required = true)]
        words: Vec<String>,
        /// Repository root (default: git top level of the current dir, else the current dir)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options every linting command shares.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Repository root for resolving links (default: git top level of the current dir, else the current dir)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file (default: <root>/.hblint.toml if present, else the embedded defaults)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules
    #[arg(long, value_delimiter = ',', value_name = "RULE,…")]
    pub select: Vec<String>,
    /// Run every rule but these
    #[arg(long, value_delimiter = ',', value_name = "RULE,…")]
    pub ignore: Vec<String>,
    /// When to use colour in the human report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files or folders to lint
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lint the staged content of staged Markdown files (pre-commit)
    #[arg(long)]
    pub staged: bool,
    /// Apply safe fixes in place (with --staged: only to files without unstaged changes, then re-stage them)
    #[arg(long)]
    pub fix: bool,
    /// Print the safe fixes as a unified patch instead of writing them
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Print the findings only: no summary, no progress, no fix report
    #[arg(long, short = 'q')]
    pub quiet: bool,
}
