//! `hblint mr`: the merge-request job. Resolves its inputs from flags and CI
//! variables (a missing one is an error naming the variable), then runs the
//! job ([`job`]) on the GitLab library ([`crate::gitlab`]).

mod changes;
mod comment;
pub mod job;
pub mod remote;

use super::find_root;
use crate::cli::MrArgs;
use crate::gitlab::client::{Hints, Options, Token};
use changes::Commit;
use job::Inputs;
use std::io::IsTerminal;
use std::process::ExitCode;
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
    // Every missing input is named at once, so a misconfigured job is mended
    // in one round rather than one variable per pipeline.
    let mut missing: Vec<String> = Vec::new();
    let mut need = |what: String, how: String| missing.push(format!("{what}\n    {how}"));
    let api_url = pick(
        args.gitlab_url.clone(),
        "--gitlab-url",
        &["CI_API_V4_URL"],
        env,
    );
    if api_url.is_none() {
        need(
            "CI_API_V4_URL is not set and --gitlab-url was not given".into(),
            "in a merge request pipeline GitLab sets it; elsewhere pass --gitlab-url https://gitlab.com/api/v4".into(),
        );
    }
    // In a pipeline for a fork's MR, CI_PROJECT_ID is the fork; the MR lives
    // in CI_MERGE_REQUEST_PROJECT_ID ("Predefined CI/CD variables").
    let project = pick(
        args.project.clone(),
        "--project",
        &["CI_MERGE_REQUEST_PROJECT_ID", "CI_PROJECT_ID"],
        env,
    );
    if project.is_none() {
        need(
            "CI_MERGE_REQUEST_PROJECT_ID and CI_PROJECT_ID are not set and --project was not given"
                .into(),
            "in a merge request pipeline GitLab sets them; elsewhere pass --project group/handbook"
                .into(),
        );
    }
    let mr = pick(
        args.mr.map(|n| n.to_string()),
        "--mr",
        &["CI_MERGE_REQUEST_IID"],
        env,
    );
    if mr.is_none() {
        need(
            "CI_MERGE_REQUEST_IID is not set and --mr was not given".into(),
            "run the job only in merge request pipelines \
             (rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"), or pass --mr N"
                .into(),
        );
    }
    let token = Token::from_lookup(|k| env(k));
    if token.is_none() {
        need(
            "no GitLab token: HBLINT_GITLAB_TOKEN, GITLAB_TOKEN and CI_JOB_TOKEN are all unset"
                .into(),
            "create a project access token with the `api` scope and store it in a masked \
             CI/CD variable named HBLINT_GITLAB_TOKEN (GITLAB_TOKEN also works; \
             CI_JOB_TOKEN allows linting but no comment)"
                .into(),
        );
    }
    let (Some((api_url, _)), Some((project, project_source)), Some((mr, mr_source)), Some(token)) =
        (api_url, project, mr, token)
    else {
        return Err(miette::miette!(
            "hblint mr is missing {}:\n  - {}",
            if missing.len() == 1 {
                "an input".to_owned()
            } else {
                format!("{} inputs", missing.len())
            },
            missing.join("\n  - ")
        ));
    };
    let mr: u64 = mr.parse().map_err(|_| {
        miette::miette!("{mr_source} must be a merge request IID (a number), not `{mr}`")
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
        quiet: false,
    })
}

pub fn run(args: &MrArgs) -> miette::Result<ExitCode> {
    let inputs = inputs(args, &|k| std::env::var(k).ok())?;
    job::run(&inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn mr_args(argv: &[&str]) -> MrArgs {
        let cli = Cli::try_parse_from(argv).expect("valid arguments");
        match cli.command {
            Command::Mr(args) => args,
            _ => panic!("not the mr command"),
        }
    }

    #[test]
    fn every_missing_input_is_named_at_once() {
        let args = mr_args(&["hblint", "mr"]);
        let Err(err) = inputs(&args, &|_| None) else {
            panic!("inputs are missing, yet they resolved")
        };
        let text = format!("{err}");
        assert!(text.contains("missing 4 inputs"), "{text}");
        for name in [
            "CI_API_V4_URL",
            "CI_MERGE_REQUEST_PROJECT_ID",
            "CI_MERGE_REQUEST_IID",
            "HBLINT_GITLAB_TOKEN",
        ] {
            assert!(text.contains(name), "{name} not named in: {text}");
        }
    }

    #[test]
    fn one_missing_input_is_named_alone() {
        let args = mr_args(&["hblint", "mr", "--gitlab-url", "http://127.0.0.1:1/api/v4"]);
        let env = |k: &str| match k {
            "CI_PROJECT_ID" => Some("1".to_owned()),
            "CI_MERGE_REQUEST_IID" => Some("7".to_owned()),
            _ => None,
        };
        let Err(err) = inputs(&args, &env) else {
            panic!("the token is missing, yet the inputs resolved")
        };
        let text = format!("{err}");
        assert!(text.contains("missing an input"), "{text}");
        assert!(text.contains("no GitLab token"), "{text}");
        assert!(!text.contains("CI_API_V4_URL"), "{text}");
    }
}
