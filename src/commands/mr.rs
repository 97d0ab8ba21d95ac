//! `hblint mr`: the merge-request job. Resolves its inputs from flags and CI
//! variables (a missing one is an error naming the variable), then runs
//! [`crate::gitlab::job`].

use super::find_root;
use crate::cli::MrArgs;
use crate::gitlab::client::{Hints, Options, Token};
use crate::gitlab::job::{self, Inputs};
use std::io::IsTerminal;
use std::time::Duration;

/// Flags first, then the CI variable; the name of the source wins for messages.
fn pick(
    flag: Option<String>,
    var: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, String)> {
    let flag_name = match var {
        "CI_API_V4_URL" => "--gitlab-url",
        "CI_PROJECT_ID" => "--project",
        _ => "--mr",
    };
    flag.map(|v| (v, flag_name.to_owned())).or_else(|| {
        env(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .map(|v| (v, var.to_owned()))
    })
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
    let (api_url, _) = pick(args.gitlab_url.clone(), "CI_API_V4_URL", env)
        .ok_or_else(|| missing("CI_API_V4_URL", "--gitlab-url", "https://gitlab.com/api/v4"))?;
    let (project, project_source) = pick(args.project.clone(), "CI_PROJECT_ID", env)
        .ok_or_else(|| missing("CI_PROJECT_ID", "--project", "group/handbook"))?;
    let (mr, mr_source) = pick(args.mr.map(|n| n.to_string()), "CI_MERGE_REQUEST_IID", env)
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
            mr_source,
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
        color: super::check::use_color(args.common.color, std::io::stdout().is_terminal()),
    })
}

pub fn run(args: &MrArgs) -> miette::Result<u8> {
    let inputs = inputs(args, &|k| std::env::var(k).ok())?;
    job::run(&inputs)
}
