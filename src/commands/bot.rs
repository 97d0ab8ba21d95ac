//! `hblint bot`: a sweep for a scheduled pipeline. It lists a project's open
//! merge requests, skips those whose note already records their head commit,
//! and reviews the rest through the API (as `hblint mr --from-api`) with
//! bounded concurrency. One failing MR never stops the sweep; the summary
//! says what was seen, reviewed, skipped and failed, and why.
//!
//! [`Setup`] and [`review_one`] are shared with `hblint serve`.

use super::mr::job::{self, Inputs, Review};
use super::{EXIT_CLEAN, EXIT_TROUBLE, find_root};
use crate::cli::{BotArgs, BotCommon};
use crate::gitlab::client::{Client, Hints, Options, Token};
use crate::gitlab::merge_request::{self, MergeRequest};
use crate::gitlab::merge_requests::{self, Filter};
use crate::gitlab::notes;
use crate::report::note::{MARKER, reviewed_sha};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What every review of the bot and the service shares: the MR job's
/// inputs but for the merge request, which each review sets.
#[derive(Debug, Clone)]
pub struct Setup {
    job: Inputs,
}

impl Setup {
    /// From the flags and the environment (`env` reads a variable). The token
    /// must be an access token: the job token may not write notes.
    pub fn new(b: &BotCommon, env: &dyn Fn(&str) -> Option<String>) -> miette::Result<Setup> {
        let api_url = b
            .gitlab_url
            .clone()
            .or_else(|| env("CI_API_V4_URL").filter(|v| !v.trim().is_empty()))
            .ok_or_else(|| {
                miette::miette!(
                    help = "pass --gitlab-url https://gitlab.com/api/v4 (in a pipeline GitLab sets CI_API_V4_URL)",
                    "the GitLab API root is unknown: --gitlab-url was not given and CI_API_V4_URL is not set"
                )
            })?;
        let token = Token::from_lookup(|k| env(k))
            .filter(|t| !t.is_job_token())
            .ok_or_else(|| {
                miette::miette!(
                    help = "create a project or group access token with the `api` scope (Reporter \
                            role) and put it in HBLINT_GITLAB_TOKEN",
                    "the bot needs an access token in HBLINT_GITLAB_TOKEN (or GITLAB_TOKEN); \
                     CI_JOB_TOKEN may not write notes"
                )
            })?;
        let mut options = Options::from_env(|k| env(k));
        if let Some(secs) = b.timeout {
            if !(secs > 0.0 && secs.is_finite()) {
                return Err(miette::miette!(
                    "--timeout must be a positive number of seconds"
                ));
            }
            options.timeout = Duration::from_secs_f64(secs);
        }
        Ok(Setup {
            job: Inputs {
                api_url,
                project: String::new(),
                mr: 0,
                token,
                hints: Hints::default(),
                options,
                root: find_root(b.common.root.as_deref(), None)?,
                config: b.common.config.clone(),
                select: b.common.select.clone(),
                ignore: b.common.ignore.clone(),
                scope: b.scope,
                codequality: None,
                junit: None,
                dry_run: false,
                no_comment: false,
                inline: b.inline,
                from_api: true,
                base: None,
                head: None,
                labels_env: None,
                project_url: None,
                color: false,
                quiet: true,
            },
        })
    }

    /// The MR job's inputs for one merge request, reviewed from the API.
    pub fn inputs(&self, project: &str, iid: u64) -> Inputs {
        Inputs {
            project: project.to_owned(),
            mr: iid,
            hints: Hints {
                project_source: "--project".into(),
                project: project.to_owned(),
                mr_source: "the merge request list".into(),
                mr: iid,
            },
            ..self.job.clone()
        }
    }

    /// A client for the configured GitLab (nothing is sent yet).
    pub fn client(&self) -> miette::Result<Client> {
        Ok(Client::connect(
            &self.job.api_url,
            self.job.token.clone(),
            self.job.options.clone(),
            Hints::default(),
        )?)
    }
}

/// Review one merge request: the job's log lines go to `log`. A note that
/// could not be written counts as a failure.
pub fn review_one(
    setup: &Setup,
    client: &Client,
    project: &str,
    iid: u64,
    log: &mut dyn Write,
) -> Result<Review, String> {
    let review = job::review(&setup.inputs(project, iid), client, log).map_err(|e| {
        e.downcast_ref::<crate::gitlab::client::ApiError>()
            .map_or_else(|| e.to_string(), |api| api.one_line())
    })?;
    match &review.said {
        job::Said::Failed(why) | job::Said::Refused(why) => Err(why.clone()),
        _ => Ok(review),
    }
}

/// What the sweep did with one merge request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Swept {
    Reviewed(job::Said),
    /// The note already records the head commit.
    Current,
    Failed(String),
}

/// Whether the note of `mr` written by `user_id` records its head commit.
fn note_is_current(
    client: &Client,
    project: &str,
    mr: &MergeRequest,
    user_id: u64,
) -> Result<bool, String> {
    let Some(head) = mr.head_sha() else {
        return Ok(false);
    };
    let existing = notes::list(client, project, mr.iid).map_err(|e| e.one_line())?;
    Ok(notes::find_own(&existing, user_id, MARKER)
        .and_then(|id| existing.iter().find(|n| n.id == id))
        .and_then(|n| reviewed_sha(&n.body))
        .is_some_and(|sha| sha == head))
}

fn sweep_one(
    setup: &Setup,
    client: &Client,
    project: &str,
    mr: &MergeRequest,
    user_id: u64,
    force: bool,
    log: &mut dyn Write,
) -> Swept {
    if !force {
        match note_is_current(client, project, mr, user_id) {
            Ok(true) => return Swept::Current,
            Ok(false) => {}
            Err(why) => return Swept::Failed(why),
        }
    }
    match review_one(setup, client, project, mr.iid, log) {
        Ok(review) => Swept::Reviewed(review.said),
        Err(why) => Swept::Failed(why),
    }
}

pub fn run(args: &BotArgs) -> miette::Result<ExitCode> {
    let env = |k: &str| std::env::var(k).ok();
    let setup = Setup::new(&args.bot, &env)?;
    let mut projects = args.project.clone();
    if projects.is_empty() {
        projects.extend(env("CI_PROJECT_ID").filter(|p| !p.trim().is_empty()));
    }
    if projects.is_empty() {
        return Err(miette::miette!(
            help = "pass --project group/handbook (in a pipeline GitLab sets CI_PROJECT_ID)",
            "no project to sweep: --project was not given and CI_PROJECT_ID is not set"
        ));
    }
    let client = setup.client()?;
    let me = merge_request::current_user(&client)?;
    let filter = Filter {
        updated_after: args.updated_after.clone(),
        labels: args.label.clone(),
        drafts: args.drafts,
    };
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut todo: Vec<(String, MergeRequest)> = Vec::new();
    for project in &projects {
        match merge_requests::list_open(&client, project, &filter) {
            Ok(list) => todo.extend(list.into_iter().map(|mr| (project.clone(), mr))),
            Err(e) => failed.push((format!("project `{project}`"), e.one_line())),
        }
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Swept)>> = Mutex::new(Vec::new());
    let stderr = Mutex::new(std::io::stderr());
    let workers = usize::from(args.concurrency).min(todo.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some((project, mr)) = todo.get(i) else {
                        break;
                    };
                    let mut log = Vec::new();
                    let swept =
                        sweep_one(&setup, &client, project, mr, me.id, args.force, &mut log);
                    let mut err = stderr.lock().unwrap_or_else(|e| e.into_inner());
                    for line in String::from_utf8_lossy(&log).lines() {
                        let _ = writeln!(err, "{project}!{} {line}", mr.iid);
                    }
                    drop(err);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, swept));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let (mut reviewed, mut current, mut posted, mut edited) = (0, 0, 0, 0);
    for (i, swept) in &results {
        let Some((project, mr)) = todo.get(*i) else {
            continue;
        };
        match swept {
            Swept::Reviewed(said) => {
                reviewed += 1;
                match said {
                    job::Said::Posted(_) => posted += 1,
                    job::Said::Edited(_) => edited += 1,
                    _ => {}
                }
            }
            Swept::Current => current += 1,
            Swept::Failed(why) => failed.push((format!("{project}!{}", mr.iid), why.clone())),
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "hblint bot: seen {}, reviewed {reviewed} (notes posted {posted}, edited {edited}), \
         skipped {current} (note current), failed {}",
        todo.len(),
        failed.len()
    );
    for (what, why) in &failed {
        let _ = writeln!(out, "  failed {what}: {why}");
    }
    Ok(if failed.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_TROUBLE()
    })
}
