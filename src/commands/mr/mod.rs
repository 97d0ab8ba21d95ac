//! `hblint mr`: the merge-request job. Resolves its inputs from flags and CI
//! variables (a missing one is an error naming the variable), then runs the
//! job ([`job`]) on the GitLab library ([`crate::gitlab`]).

mod changes;
mod comment;
pub mod job;

use super::find_root;
use crate::cli::MrArgs;
use crate::gitlab::client::{Hints, Options, Token};
use changes::Commit;
use job::Inputs;
use std::io::IsTerminal;
use std::time::Duration;

/// The flag if given, else the first of `vars` that is set and not empty,
/// with the name of its source for messages.
fn pick(
    flag: Option<String>,
    flag_name: &str,
    vars: &[&str],
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, String)> {
    flag.map(|v| (v, flag_name.to_owned())).or_else(|| {
        vars.iter().find_map(|var| {
            env(var)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .map(|v| (v, (*var).to_owned()))
        })
    })
}

/// The MR's head: `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA` is set only in
/// merged-results pipelines, where `CI_COMMIT_SHA` is a temporary merge
/// commit; elsewhere `CI_COMMIT_SHA` is the head ("Predefined CI/CD variables").
fn head_commit(args: &MrArgs, env: &dyn Fn(&str) -> Option<String>) -> Option<Commit> {
    let merged = env("CI_MERGE_REQUEST_EVENT_TYPE")
        .is_some_and(|t| matches!(t.trim(), "merged_result" | "merge_train"));
    let vars: &[&str] = if merged {
        &["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"]
    } else {
        &["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "CI_COMMIT_SHA"]
    };
    pick(args.head.clone(), "--head", vars, env).map(|(sha, source)| Commit { sha, source })
}

/// Resolve every input; `env` reads a variable.
pub fn inputs(args: &MrArgs, env: &dyn Fn(&str) -> Option<String>) -> miette::Result<Inputs> {
    let missing = |var: &str, flag: &str, example: &str| {
        miette::miette!(
            help = format!(
                "in a merge request pipeline GitLab sets {var}; elsewhere pass {flag} {example}"
            ),
            "{var} is not set and {flag} was not given"
        )
    };
    let (api_url, _) = pick(
        args.gitlab_url.clone(),
        "--gitlab-url",
        &["CI_API_V4_URL"],
        env,
    )
    .ok_or_else(|| missing("CI_API_V4_URL", "--gitlab-url", "https://gitlab.com/api/v4"))?;
    // In a pipeline for a fork's MR, CI_PROJECT_ID is the fork; the MR lives
    // in CI_MERGE_REQUEST_PROJECT_ID ("Predefined CI/CD variables").
    let (project, project_source) = pick(
        args.project.clone(),
        "--project",
        &["CI_MERGE_REQUEST_PROJECT_ID", "CI_PROJECT_ID"],
        env,
    )
    .ok_or_else(|| missing("CI_PROJECT_ID", "--project", "group/handbook"))?;
    let (mr, mr_source) = pick(
        args.mr.map(|n| n.to_string()),
        "--mr",
        &["CI_MERGE_REQUEST_IID"],
        env,
    )
        .ok_or_else(|| {
            miette::miette!(
                help = "run the job only in merge request pipelines \
                        (rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"), or pass --mr N",
                "CI_MERGE_REQUEST_IID is not set and --mr was not given"
            )
        })?;
    let mr: u64 = mr.parse().map_err(|_| {
        miette::miette!("{mr_source} must be a merge request IID (a number), not `{mr}`")
    })?;
    let token = Token::from_lookup(|k| env(k)).ok_or_else(|| {
        miette::miette!(
            help = "create a project access token with the `api` scope and store it in a masked \
                    CI/CD variable named HBLINT_GITLAB_TOKEN (GITLAB_TOKEN also works; \
                    CI_JOB_TOKEN allows linting but no comment)",
            "no GitLab token: HBLINT_GITLAB_TOKEN, GITLAB_TOKEN and CI_JOB_TOKEN are all unset"
        )
    })?;
    let mut options = Options::from_env(|k| env(k));
    if let Some(secs) = args.timeout {
        if !(secs > 0.0 && secs.is_finite()) {
            return Err(miette::miette!(
                "--timeout must be a positive number of seconds"
            ));
        }
        options.timeout = Duration::from_secs_f64(secs);
    }
    let root = find_root(args.common.root.as_deref(), None)?;
    Ok(Inputs {
        api_url,
        hints: Hints {
            project_source,
            project: project.clone(),
            mr_source: mr_source.clone(),
            mr,
        },
        project,
        mr,
        token,
        options,
        root,
        config: args.common.config.clone(),
        select: args.common.select.clone(),
        ignore: args.common.ignore.clone(),
        scope: args.scope,
        codequality: args.codequality.clone(),
        junit: args.junit.clone(),
        dry_run: args.dry_run,
        no_comment: args.no_comment,
        inline: args.inline,
        from_api: args.from_api,
        base: pick(
            args.base.clone(),
            "--base",
            &["CI_MERGE_REQUEST_DIFF_BASE_SHA"],
            env,
        )
        .map(|(sha, source)| Commit { sha, source }),
        head: head_commit(args, env),
        // Unset in a merge request pipeline means the MR had no labels.
        labels_env: env("CI_MERGE_REQUEST_LABELS")
            .or_else(|| (mr_source == "CI_MERGE_REQUEST_IID").then(String::new)),
        project_url: env("CI_MERGE_REQUEST_PROJECT_URL")
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty()),
        color: super::check::use_color(args.common.color, std::io::stdout().is_terminal()),
    })
}

pub fn run(args: &MrArgs) -> miette::Result<u8> {
    let inputs = inputs(args, &|k| std::env::var(k).ok())?;
    job::run(&inputs)
}
