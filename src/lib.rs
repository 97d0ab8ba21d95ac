//! hblint: a linter for merge requests to the GitLab handbook.
//!
//! Data flows one way:
//! inputs → `document`s → `rules` → `finding`s → `report`s.
//!
//! The modules are private to the crate. The binary calls [`main`]; the
//! integration tests (`tests/`), the benches (`benches/`) and the fuzz targets
//! (`fuzz/`) use the small surface re-exported below:
//! - settings and inputs: [`Settings`], [`SourceFile`], [`Content`], [`default_paths`];
//! - a page and the engine: [`Document`], [`RuleSet`], [`lint()`], [`Outcome`],
//!   [`place`], [`suppress()`] with [`PathIgnores`] and [`RunRules`];
//! - the rule registry: [`RuleName`], [`TABLE`], [`entry`], [`Context`],
//!   [`RunFacts`], [`FixAvailability`];
//! - findings and what is made of them: [`Finding`], [`Diagnostic`],
//!   [`Severity`], [`Applicability`], [`plan`], [`unified_diff`], the fix
//!   rounds ([`settle`], [`patch`], [`FilePlan`], [`MAX_ROUNDS`]), the
//!   [`Report`] formats ([`Human`], [`Json`], [`CodeQuality`], [`Junit`],
//!   [`Note`]) with their [`ReportContext`];
//! - the embedded data: [`HandbookTypos`], [`DEFAULT_TYPOS_TOML`],
//!   [`GeneralTypos`], [`Hunspell`], [`Vocabulary`], [`Dictionary`],
//!   [`Verdict`], [`words`], [`TreeFrequency`], [`RolesData`];
//! - the tree and the MR diff: [`Workspace`], [`added_lines`], [`DiffItem`],
//!   [`FileChange`].

pub(crate) mod cache;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub(crate) mod document;
pub(crate) mod error;
pub(crate) mod finding;
pub(crate) mod fix;
pub(crate) mod git;
pub(crate) mod gitlab;
pub(crate) mod inputs;
pub(crate) mod limits;
pub(crate) mod links;
pub(crate) mod lint;
pub(crate) mod parallel;
pub(crate) mod report;
pub(crate) mod roles;
pub(crate) mod rules;
pub(crate) mod spelling;
pub(crate) mod suppress;
pub(crate) mod terms;
pub(crate) mod tokenize;
pub(crate) mod workspace;

pub use config::Settings;
pub use document::Document;
pub use finding::{Applicability, Diagnostic, Finding, Severity};
pub use fix::{FilePlan, MAX_ROUNDS, Settled, patch, plan, settle, unified_diff};
pub use gitlab::diff::{DiffItem, FileChange, added_lines};
pub use inputs::{Content, SourceFile, default_paths};
pub use lint::{Outcome, RuleSet, lint, place};
pub use report::codequality::CodeQuality;
pub use report::human::Human;
pub use report::json::Json;
pub use report::junit::Junit;
pub use report::note::Note;
pub use report::{Report, ReportContext};
pub use roles::RolesData;
pub use rules::{Context, FixAvailability, RuleName, RunFacts, TABLE, entry};
pub use spelling::frequency::TreeFrequency;
pub use spelling::hunspell::Hunspell;
pub use spelling::typo_list::{DEFAULT_TYPOS_TOML, HandbookTypos};
pub use spelling::{Dictionary, GeneralTypos, Verdict, Vocabulary};
pub use suppress::{PathIgnores, RunRules, suppress};
pub use tokenize::words;
pub use workspace::Workspace;

/// The `hblint` command: parse the command line, run the subcommand, print
/// an error as a diagnostic on standard error (exit 2).
pub fn main() -> std::process::ExitCode {
    let cli = match <cli::Cli as clap::Parser>::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli::refused(e),
    };
    let code = match commands::dispatch(&cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            commands::EXIT_TROUBLE()
        }
    };
    // A thread may still count the tree's words in the background (see
    // `rules::RunData::count_words_ahead`): the process ends, but not
    // in the middle of a cache file.
    cache::close_writes();
    code
}
