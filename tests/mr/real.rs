//! What a real GitLab adds to the MR job, each against the strict fake:
//! the job token's table, forks, merged-results checkouts, shallow clones,
//! diff limits, redirects, pipelines that finish out of order, the note size
//! limit and suggestion blocks.

use super::*;

/// A page whose line 3 has a typo with a safe fix.
const PAGE: &str = "content/handbook/page.md";
const PAGE_TEXT: &str = "# Page\n\nWe recieve requests.\n";

fn job() -> Option<(&'static str, &'static str)> {
    Some(("CI_JOB_TOKEN", JOB_TOKEN))
}

fn reports(dir: &Path) -> (String, String, Vec<String>) {
    let cq = dir.join("gl-code-quality-report.json");
    let junit = dir.join("hblint-junit.xml");
    (
        cq.to_string_lossy().into_owned(),
        junit.to_string_lossy().into_owned(),
        vec![
            "--codequality".into(),
            cq.to_string_lossy().into_owned(),
            "--junit".into(),
            junit.to_string_lossy().into_owned(),
        ],
    )
}

/// Save a job log for the record when HBLINT_EVIDENCE_DIR is set: the
/// variables that differ from a plain MR pipeline, the log, the exit code, and
/// every request the fake GitLab received.
fn keep_log(name: &str, setup: &str, run: &Run, fake: &FakeGitlab) {
    if let Ok(dir) = std::env::var("HBLINT_EVIDENCE_DIR") {
        let _ = std::fs::create_dir_all(&dir);
        let requests = fake.log().join("\n");
        let _ = std::fs::write(
            Path::new(&dir).join(format!("{name}.log")),
            format!(
                "$ {setup} hblint mr …\n{}{}exit code: {}\n\nrequests received by the fake GitLab:\n{requests}\n",
                run.stdout, run.stderr, run.code
            ),
        );
    }
}

#[test]
fn a_job_token_alone_lints_from_git_writes_both_reports_and_calls_only_what_it_may() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let out = tempfile::tempdir().expect("temp dir");
    let (cq, junit, args) = reports(out.path());
    let mut cmd = mr_command(&fake, dir.path());
    cmd.args(["--select", RULES])
        .args(&args)
        .env("CI_JOB_TOKEN", JOB_TOKEN)
        .env("CI_MERGE_REQUEST_LABELS", "documentation");
    let run = output(cmd);
    keep_log(
        "job-token-only",
        "CI_PROJECT_ID=1 CI_JOB_TOKEN=… CI_MERGE_REQUEST_LABELS=documentation (private project, GitLab without job-token MR access)",
        &run,
        &fake,
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&cq).expect("cq")).expect("json");
    let checks: Vec<&str> = report
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["check_name"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        checks.contains(&"typo") && checks.contains(&"missing-label"),
        "{checks:?}"
    );
    assert!(
        std::fs::read_to_string(&junit)
            .expect("junit")
            .contains("<failure")
    );
    assert!(fake.notes().is_empty());
    assert!(
        run.stderr.contains("labels: from CI_MERGE_REQUEST_LABELS"),
        "{}",
        run.stderr
    );
    let how: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("HBLINT_GITLAB_TOKEN"))
        .collect();
    assert_eq!(
        how.len(),
        1,
        "one line on how to enable the comment: {}",
        run.stderr
    );
    // An older GitLab: the job token may not read the MR; it was asked once, nothing else.
    let refused = fake.state().job_token_refused.clone();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].ends_with("/merge_requests/7"), "{refused:?}");
    assert!(
        !fake
            .log()
            .iter()
            .any(|l| l.contains("/diffs") || l.contains("/user") || l.contains("/changes"))
    );
}

#[test]
fn a_job_token_that_may_read_the_mr_takes_the_labels_from_the_api() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    {
        let mut st = fake.state();
        st.job_token_reads_mr = true;
        st.labels = vec!["SA-HANDBOOK".into()];
    }
    let mut cmd = mr_command(&fake, dir.path());
    cmd.args(["--select", RULES])
        .env("CI_JOB_TOKEN", JOB_TOKEN)
        .env("CI_MERGE_REQUEST_LABELS", "stale-label");
    let run = output(cmd);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("labels: read from the merge request"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("missing-label"), "{}", run.stdout);
    assert!(fake.state().job_token_refused.is_empty());
    assert!(fake.notes().is_empty());
}

#[test]
fn a_fork_pipeline_lints_the_mr_of_the_upstream_project() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    // The fork's pipeline: its job token belongs to the fork, which holds no MR.
    fake.state().job_project = FORK_ID.into();
    let out = tempfile::tempdir().expect("temp dir");
    let (cq, _, args) = reports(out.path());
    let mut cmd = mr_command(&fake, dir.path());
    cmd.args(["--select", RULES])
        .args(&args)
        .env("CI_PROJECT_ID", FORK_ID)
        .env("CI_MERGE_REQUEST_PROJECT_ID", PROJECT_ID)
        .env("CI_JOB_TOKEN", JOB_TOKEN)
        .env("CI_MERGE_REQUEST_LABELS", "documentation");
    let run = output(cmd);
    keep_log(
        "fork",
        "CI_PROJECT_ID=2 (the fork) CI_MERGE_REQUEST_PROJECT_ID=1 CI_JOB_TOKEN=… (the fork's) CI_MERGE_REQUEST_LABELS=documentation",
        &run,
        &fake,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(std::path::Path::new(&cq).is_file());
    assert!(
        fake.log()
            .iter()
            .all(|l| !l.contains(&format!("/projects/{FORK_ID}/"))),
        "{:?}",
        fake.log()
    );
    assert!(run.stderr.contains("`1`"), "{}", run.stderr);

    // With an access token (a pipeline run in the parent project), the note
    // lands on the upstream MR.
    let mut cmd = mr_command(&fake, dir.path());
    cmd.args(["--select", RULES])
        .env("CI_PROJECT_ID", FORK_ID)
        .env("CI_MERGE_REQUEST_PROJECT_ID", PROJECT_ID)
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN);
    let run = output(cmd);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(bot_notes(&fake).len(), 1);
}

#[test]
fn a_merged_results_pipeline_lints_the_mr_head_with_its_own_line_numbers() {
    let fake = FakeGitlab::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, PAGE, "# Page\n\none\ntwo\nthree\n");
    let base = commit(root, "base");
    git(root, &["checkout", "-q", "-b", "mr"]);
    write(
        root,
        PAGE,
        "# Page\n\none\ntwo\nthree\n\nWe recieve requests.\n",
    );
    let head = commit(root, "mr change");
    // The target branch moved on: two lines (one with a typo) above the MR's change.
    git(root, &["checkout", "-q", "main"]);
    write(
        root,
        PAGE,
        "Teh top line.\nAnother.\n# Page\n\none\ntwo\nthree\n",
    );
    commit(root, "target change");
    git(root, &["merge", "-q", "--no-ff", "-m", "merge", "mr"]);
    let merge = git(root, &["rev-parse", "HEAD"]);
    {
        let mut st = fake.state();
        st.base_sha = base;
        st.head_sha = head.clone();
        st.files = vec![FakeFile::modified(
            PAGE,
            "# Page\n\none\ntwo\nthree\n\nWe recieve requests.\n",
            &[6, 7],
        )];
    }
    let mut cmd = mr_command(&fake, root);
    cmd.args(["--select", "typo", "--scope", "file"])
        .env("CI_COMMIT_SHA", &merge)
        .env("CI_MERGE_REQUEST_EVENT_TYPE", "merged_result")
        .env("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", &head)
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN);
    let run = output(cmd);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let body = bot_notes(&fake)[0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        body.contains(&format!("/-/blob/{head}/{PAGE}#L7")),
        "{body}"
    );
    assert!(!body.contains("#L9"), "{body}");
    assert!(
        !body.contains("Teh"),
        "the target branch's line is not the MR's: {body}"
    );
}

#[test]
fn a_base_missing_from_a_shallow_clone_is_explained() {
    let fake = FakeGitlab::start();
    let full = seed_mr(&fake);
    let shallow = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", full.path().display());
    git(shallow.path(), &["clone", "-q", "--depth=1", &url, "clone"]);
    let run = hblint(
        &fake,
        &shallow.path().join("clone"),
        bot(),
        &["--select", RULES],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("GIT_DEPTH") && run.stderr.contains("shallow"),
        "{}",
        run.stderr
    );
    assert!(fake.notes().is_empty());
}

#[test]
fn diff_limits_through_the_api_name_every_gap() {
    let fake = FakeGitlab::start();
    let mut big = FakeFile::added("content/handbook/big.md", PAGE_TEXT);
    big.too_large = true;
    {
        let mut st = fake.state();
        st.files = vec![
            FakeFile::added("content/handbook/a.md", PAGE_TEXT),
            big,
            FakeFile::added("content/handbook/c.md", PAGE_TEXT),
        ];
        st.max_files = Some(2);
    }
    let dir = checkout(&[]);
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", "typo", "--from-api"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("changes_count `2+`"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no diff for `content/handbook/big.md` (too large)"),
        "{}",
        run.stderr
    );
    let body = bot_notes(&fake)[0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        body.contains("cut this merge request") && body.contains("big.md"),
        "{body}"
    );
    assert!(
        !body.contains("c.md"),
        "the unlisted file is not invented: {body}"
    );
}

#[test]
fn a_redirect_is_reported_and_no_token_leaves_the_origin() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let recorder = Recorder::start().expect("127.0.0.2 is a loopback address");
    fake.redirect_to(&recorder.origin);
    for token in [bot(), job()] {
        let run = hblint(&fake, dir.path(), token, &["--select", RULES]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("308"), "{}", run.stderr);
        assert!(run.stderr.contains(&recorder.origin), "{}", run.stderr);
        assert!(run.stderr.contains("CI_API_V4_URL"), "{}", run.stderr);
    }
    assert_eq!(recorder.seen(), Vec::<String>::new());
}

#[test]
fn an_older_pipeline_finishing_last_leaves_the_newer_note_alone() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let old_head = fake.state().head_sha.clone();
    let first = hblint(&fake, dir.path(), bot(), &["--select", RULES]);
    assert_eq!(first.code, 1, "{}", first.stderr);

    // A newer push fixes the pages; its pipeline finishes first.
    let root = dir.path();
    for (path, name) in [
        (SA_INDEX, "solutions-architects-handbook.md"),
        (SA_CAREER, "sa-career-development.md"),
    ] {
        write(root, path, &fixed(&seed(name)));
    }
    let new_head = commit(root, "fix");
    {
        let mut st = fake.state();
        st.head_sha = new_head;
        st.labels.push("SA-HANDBOOK".into());
    }
    let newer = hblint(&fake, root, bot(), &["--select", RULES]);
    assert_eq!(newer.code, 0, "{}", newer.stderr);
    let settled = bot_notes(&fake)[0]["body"].clone();
    assert!(settled.as_str().unwrap_or_default().contains("all clear"));

    // The older pipeline finishes last.
    let out = tempfile::tempdir().expect("temp dir");
    let (cq, _, args) = reports(out.path());
    let mut cmd = mr_command(&fake, root);
    cmd.args(["--select", RULES])
        .args(&args)
        .env("CI_COMMIT_SHA", &old_head)
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN);
    let late = output(cmd);
    assert_eq!(late.code, 1, "{}", late.stderr);
    assert!(
        late.stderr.contains("comment left alone"),
        "{}",
        late.stderr
    );
    assert!(std::path::Path::new(&cq).is_file());
    assert_eq!(bot_notes(&fake).len(), 1);
    assert_eq!(bot_notes(&fake)[0]["body"], settled);
}

#[test]
fn a_note_that_would_pass_gitlabs_limit_drops_rows() {
    let fake = FakeGitlab::start();
    // Long paths of four-byte characters grow each row's link ninefold.
    let segment: String = "😀".repeat(60);
    let path = format!("content/{segment}/{segment}/{segment}/{segment}.md");
    let text = format!("# Many\n\n{}", "We recieve requests.\n".repeat(600));
    fake.state().files = vec![FakeFile::added(&path, &text)];
    let dir = repo(&fake);
    let run = hblint(&fake, dir.path(), bot(), &["--select", "typo"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("posted the comment"), "{}", run.stderr);
    let notes = bot_notes(&fake);
    assert_eq!(notes.len(), 1);
    let body = notes[0]["body"].as_str().unwrap_or_default();
    assert!(body.chars().count() <= MAX_NOTE_CHARS);
    assert!(body.contains("more not listed here"), "{}", &body[..500]);
}

#[test]
fn inline_fixes_come_as_suggestions_of_the_exact_head_line() {
    let fake = FakeGitlab::start();
    let text = "# Page\n\nKeep this.\n\n  - We recieve `code` requests.\n";
    fake.state().files = vec![FakeFile::modified(PAGE, text, &[5])];
    let dir = repo(&fake);
    let run = hblint(&fake, dir.path(), bot(), &["--select", "typo", "--inline"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let st = fake.state();
    assert_eq!(st.discussions.len(), 1, "{}", run.stderr);
    let body = st.discussions[0]["notes"][0]["body"]
        .as_str()
        .unwrap_or_default();
    assert!(
        body.contains("```suggestion:-0+0\n  - We receive `code` requests.\n```"),
        "{body}"
    );
    assert_eq!(st.discussions[0]["notes"][0]["position"]["new_line"], 5);
}
