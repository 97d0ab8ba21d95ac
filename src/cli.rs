//! The command line as typed: raw arguments, validated later into settings.

use crate::rules::{RuleName, UnknownRule};
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
    Rules {
        /// `text` (one line per rule) or `json` (name, severity, fixable, summary)
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// The merge-request job: lint what an MR changes, report, and keep one comment current
    Mr(MrArgs),
    /// Sweep a project's open merge requests and bring each one's note up to date (a scheduled pipeline)
    Bot(BotArgs),
    /// Receive GitLab merge request webhooks and keep each MR's note current
    Serve(ServeArgs),
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
    /// The cache of page results that `check` keeps between runs
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Write a commented .hblint.toml with every setting at its default
    Init {
        /// Repository root (default: git top level of the current dir, else the current dir)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Overwrite an existing .hblint.toml
        #[arg(long)]
        force: bool,
    },
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
    /// The canonical role data: show it, extract it from a page, check a page against it
    Roles {
        #[command(subcommand)]
        command: RolesCommand,
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
    /// Print the accepted words of the repository vocabulary file, one a line
    List {
        /// Repository root (default: git top level of the current dir, else the current dir)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Remove words from the repository vocabulary file
    Remove {
        /// The words to stop accepting
        #[arg(required = true)]
        words: Vec<String>,
        /// Repository root (default: git top level of the current dir, else the current dir)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

/// `hblint rules --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RolesCommand {
    /// Print the role data as a table
    Show(RolesDataArgs),
    /// Write role data (roles.toml) from a page that holds the comparison table
    Extract {
        /// The page (Markdown) that holds the comparison table
        page: PathBuf,
        /// Write to FILE instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite FILE if it exists
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        data: RolesDataArgs,
    },
    /// Report every difference between a page and the role data (exit 1 on differences)
    Check {
        /// The page (Markdown) that holds the comparison table
        page: PathBuf,
        /// `human` (PAGE:LINE:COLUMN lines) or `json` (one object, for tools)
        #[arg(long, value_enum, default_value_t = RolesFormat::Human)]
        format: RolesFormat,
        #[command(flatten)]
        data: RolesDataArgs,
    },
}

/// The output of `hblint roles check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RolesFormat {
    Human,
    Json,
}

/// Where the role data comes from.
#[derive(Debug, Clone, Args)]
pub struct RolesDataArgs {
    /// Repository root (default: git top level of the current dir, else the current dir)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file whose `[roles] data` names the data (default: <root>/.hblint.toml)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The role data file itself (default: `[roles] data`, else the embedded rules/roles.toml)
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with their source line and help, grouped by file (the default on a terminal)
    Human,
    /// One line per finding: `path:line:col: severity [rule] message` (the default when $CI is set)
    Concise,
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`)
    Github,
    /// SARIF 2.1.0, for code-scanning tools
    Sarif,
    /// GitLab Code Quality JSON
    Codequality,
    /// JUnit XML, one test case per file
    Junit,
    /// The MR comment in Markdown
    Note,
}

/// Which findings of the changed files the MR job reports (as reviewdog's filter modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scope {
    /// Only findings on lines the MR adds or changes
    Added,
    /// Every finding in the files the MR changes
    File,
    /// Every finding of the run
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// A rule name as typed after `--select` / `--ignore`: spaces around it are
/// ignored (`--select "typo, spelling"`), a misspelt one says what was meant.
fn rule_name(s: &str) -> Result<RuleName, UnknownRule> {
    s.trim().parse::<RuleName>()
}

/// A command line clap refused. An unknown rule name is reported as every
/// other error is, as a diagnostic saying what was meant (exit 2); anything
/// else (`--help`, `--version`, a missing argument) as clap reports it.
pub fn refused(e: clap::Error) -> std::process::ExitCode {
    let unknown = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<UnknownRule>());
    let Some(unknown) = unknown else { e.exit() };
    let flag = match e.get(clap::error::ContextKind::InvalidArg) {
        Some(clap::error::ContextValue::String(flag)) => flag.clone(),
        _ => "a rule list".to_owned(),
    };
    let report = miette::miette!(help = unknown.suggestion(), "{flag}: {unknown}");
    eprintln!("{report:?}");
    crate::commands::EXIT_TROUBLE()
}

/// Options every linting command shares.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Repository root for resolving links (default: the git top level of the first path, else of the current dir; outside git, the nearest folder above with a .hblint.toml, else the current dir)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file (default: <root>/.hblint.toml if present, else the embedded defaults; a .hblint.toml below the root is an error)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (comma-separated; spaces around names are ignored)
    #[arg(long, value_delimiter = ',', value_name = "RULE,…", value_parser = rule_name)]
    pub select: Vec<RuleName>,
    /// Run every rule but these (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULE,…", value_parser = rule_name)]
    pub ignore: Vec<RuleName>,
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
    /// Report format (default: concise when $CI is set, else human)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lint the staged content of staged Markdown files (pre-commit); reports the changed lines only (see --scope); links are judged against the index
    #[arg(long)]
    pub staged: bool,
    /// Lint the pages HEAD changes since its merge base with REF (such as origin/main), as the MR job would; links are judged against HEAD
    #[arg(long, value_name = "REF", conflicts_with = "staged")]
    pub changed_since: Option<String>,
    /// With --staged or --changed-since: report findings on added lines (default), in changed files, or all
    #[arg(long, value_enum)]
    pub scope: Option<Scope>,
    /// Apply safe fixes in place (with --staged: only to files without unstaged changes, then re-stage them)
    #[arg(long)]
    pub fix: bool,
    /// Print the safe fixes as a unified patch instead of writing them
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Print the findings only: no summary, no progress, no fix report
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print a count of findings per rule, and how many `--fix` would fix, instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even with findings or nothing to lint (a report only); unusable settings still exit 2
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the resolved settings and where each came from, then exit
    #[arg(long)]
    pub show_settings: bool,
    /// MR labels, for the missing-label rule (default: $CI_MERGE_REQUEST_LABELS; without either it does not run)
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub labels: Option<Vec<String>>,
    /// Report every page of the tree that links to PAGE (a page about to be deleted or renamed)
    #[arg(long, value_name = "PAGE")]
    pub inbound: Vec<PathBuf>,
    /// Keep each page's results in DIR between runs (default: hblint/cache in the git folder, else .hblint-cache at the root)
    #[arg(long, value_name = "DIR", env = "HBLINT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache: parse and check every page
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Remove the cache folder
    Clean {
        /// Repository root (default: git top level of the current dir, else the current dir)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The cache folder, if not the default one
        #[arg(long, value_name = "DIR", env = "HBLINT_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct MrArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The GitLab API root (default: $CI_API_V4_URL), such as https://gitlab.com/api/v4
    #[arg(long, value_name = "URL")]
    pub gitlab_url: Option<String>,
    /// The MR's project: id or path such as group/handbook (default: $CI_MERGE_REQUEST_PROJECT_ID, else $CI_PROJECT_ID)
    #[arg(long, value_name = "ID|PATH")]
    pub project: Option<String>,
    /// The merge request's IID (default: $CI_MERGE_REQUEST_IID)
    #[arg(long, value_name = "IID")]
    pub mr: Option<u64>,
    /// The MR's base commit (default: $CI_MERGE_REQUEST_DIFF_BASE_SHA)
    #[arg(long, value_name = "SHA")]
    pub base: Option<String>,
    /// The MR's head commit (default: $CI_MERGE_REQUEST_SOURCE_BRANCH_SHA, else $CI_COMMIT_SHA)
    #[arg(long, value_name = "SHA")]
    pub head: Option<String>,
    /// Which findings to report: on added lines, in changed files, or all
    #[arg(long, value_enum, default_value_t = Scope::Added)]
    pub scope: Scope,
    /// Write a GitLab Code Quality report to FILE
    #[arg(long, value_name = "FILE")]
    pub codequality: Option<PathBuf>,
    /// Write a JUnit XML report to FILE
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print the comment instead of posting it
    #[arg(long)]
    pub dry_run: bool,
    /// Post no comment
    #[arg(long, conflicts_with = "dry_run")]
    pub no_comment: bool,
    /// Also open one diff discussion per finding on a changed line (never twice)
    #[arg(long)]
    pub inline: bool,
    /// Without a checkout: the changes from the MR's /diffs, the file list, settings and pages of the repository at its head through the API (needs an access token)
    #[arg(long)]
    pub from_api: bool,
    /// Seconds to wait for each GitLab answer
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
}

/// What the bot and the service share: where GitLab is and how to review.
#[derive(Debug, Clone, Args)]
pub struct BotCommon {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The GitLab API root (default: $CI_API_V4_URL), such as https://gitlab.com/api/v4
    #[arg(long, value_name = "URL")]
    pub gitlab_url: Option<String>,
    /// Which findings to report: on added lines, in changed files, or all
    #[arg(long, value_enum, default_value_t = Scope::Added)]
    pub scope: Scope,
    /// Also open one diff discussion per finding on a changed line (never twice)
    #[arg(long)]
    pub inline: bool,
    /// Seconds to wait for each GitLab answer
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
}

#[derive(Debug, Clone, Args)]
pub struct BotArgs {
    #[command(flatten)]
    pub bot: BotCommon,
    /// The project whose open MRs to sweep: id or path (default: $CI_PROJECT_ID); repeat for more
    #[arg(long, value_name = "ID|PATH")]
    pub project: Vec<String>,
    /// Only MRs updated at or after this time (ISO 8601, such as 2026-11-01T00:00:00Z)
    #[arg(long, value_name = "TIME")]
    pub updated_after: Option<String>,
    /// Only MRs that carry every one of these labels
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub label: Vec<String>,
    /// Draft MRs too
    #[arg(long)]
    pub drafts: bool,
    /// Review even when the note already reflects the MR's head commit
    #[arg(long)]
    pub force: bool,
    /// MRs reviewed at the same time (1 to 16)
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub concurrency: u8,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub bot: BotCommon,
    /// Address to listen on, such as 0.0.0.0:8080 (events are POSTed to /)
    #[arg(long, value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The projects whose events are accepted: id or path; repeat for more
    #[arg(long = "project", value_name = "ID|PATH", required = true)]
    pub projects: Vec<String>,
    /// The largest event body accepted, in bytes (larger ones get 413)
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Merge requests waiting for review at most (beyond it events get 503)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub queue: usize,
    /// Reviews run at the same time (1 to 16)
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub workers: u8,
}
