//! `hblint mr` against the fake GitLab: the note's life cycle, labels, scope,
//! pagination, faults, tokens and hostile input; `real` holds what a real
//! GitLab adds (job tokens, forks, merged results, diff limits, redirects,
//! superseded pipelines, note size, suggestions, the CI templates run).

#[path = "mr/ci_local.rs"]
mod ci_local;
mod fake_gitlab;
#[path = "mr/real.rs"]
mod real;

use fake_gitlab::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const SA_INDEX: &str = "content/handbook/solutions-architects/_index.md";
const SA_CAREER: &str = "content/handbook/solutions-architects/career-development.md";
/// The rules whose findings these tests pin (other rules may flag the seed pages' links).
const RULES: &str = "typo,mojibake,missing-label";

fn seed(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mr")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixed(text: &str) -> String {
    text.replace("serivices", "services")
        .replace("GitLabâ€™s", "GitLab’s")
        .replace("addtion", "addition")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A folder holding `files` (not a git checkout).
fn checkout(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    dir
}

/// Run git in `dir` with a fixed identity; its trimmed standard output.
fn git(dir: &Path, args: &[&str]) -> String {
    git_in(dir, args)
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(&p, text).expect("write");
}

/// Commit the work tree; the new commit's id.
fn commit(root: &Path, message: &str) -> String {
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "--allow-empty", "-m", message]);
    git(root, &["rev-parse", "HEAD"])
}

/// A git checkout of the fake's MR: a base commit with the files' old
/// content, then the head commit with the new; the fake's MR points at both.
fn repo(fake: &FakeGitlab) -> tempfile::TempDir {
    repo_with(fake, &[])
}

/// [`repo`], with `extra` files already in the base commit.
fn repo_with(fake: &FakeGitlab, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    for (path, text) in extra {
        write(root, path, text);
    }
    let files = fake.state().files.clone();
    for f in &files {
        if let Some(base) = &f.base {
            write(root, &f.old_path, base);
        }
    }
    let base = commit(root, "base");
    for f in &files {
        if f.deleted || f.renamed {
            let _ = std::fs::remove_file(root.join(&f.old_path));
        }
        if let Some(text) = &f.content {
            write(root, &f.new_path, text);
        }
    }
    let head = commit(root, "head");
    let mut st = fake.state();
    st.base_sha = base;
    st.head_sha = head;
    dir
}

/// The command for `hblint mr` in `root` against `fake`, with the CI
/// variables of a merge request pipeline (and none from the caller's CI).
fn mr_command(fake: &FakeGitlab, root: &Path) -> Command {
    let mut cmd = mr_pipeline(fake);
    cmd.arg("--root").arg(root);
    cmd
}

fn output(mut cmd: Command) -> Run {
    let out = cmd.output().expect("hblint runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn hblint(fake: &FakeGitlab, root: &Path, token: Option<(&str, &str)>, args: &[&str]) -> Run {
    let mut cmd = mr_command(fake, root);
    cmd.args(args);
    if let Some((var, value)) = token {
        cmd.env(var, value);
    }
    output(cmd)
}

fn bot() -> Option<(&'static str, &'static str)> {
    Some(("HBLINT_GITLAB_TOKEN", BOT_TOKEN))
}

fn bot_notes(fake: &FakeGitlab) -> Vec<Value> {
    fake.notes()
        .into_iter()
        .filter(|n| n["author"]["id"].as_u64() == Some(BOT_ID))
        .collect()
}

/// An MR adding both seed pages, without the label.
fn seed_mr(fake: &FakeGitlab) -> tempfile::TempDir {
    let (index, career) = (
        seed("solutions-architects-handbook.md"),
        seed("sa-career-development.md"),
    );
    fake.state().files = vec![
        FakeFile::added(SA_INDEX, &index),
        FakeFile::added(SA_CAREER, &career),
    ];
    repo(fake)
}

#[test]
fn first_run_posts_one_note_second_edits_it_and_fixing_clears_it() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let root = dir.path();

    let first = hblint(&fake, root, bot(), &["--select", RULES]);
    assert_eq!(first.code, 1, "{}\n{}", first.stdout, first.stderr);
    let notes = bot_notes(&fake);
    assert_eq!(notes.len(), 1, "{notes:?}");
    let body = notes[0]["body"].as_str().unwrap_or_default().to_owned();
    assert!(body.starts_with("<!-- hblint:mr-note -->"), "{body}");
    assert!(body.contains("serivices"), "{body}");
    assert!(body.contains("addtion"), "{body}");
    assert!(body.contains("`missing-label`"), "{body}");
    assert!(body.contains("SA-HANDBOOK"), "{body}");
    let head = fake.state().head_sha.clone();
    assert!(
        body.contains(&format!(
            "https://gitlab.example.com/{PROJECT_PATH}/-/blob/{head}/content/handbook/solutions-architects/_index.md#L25"
        )),
        "{body}"
    );
    assert!(
        first.stderr.contains("posted the comment"),
        "{}",
        first.stderr
    );

    let second = hblint(&fake, root, bot(), &["--select", RULES]);
    assert_eq!(second.code, 1);
    let notes = bot_notes(&fake);
    assert_eq!(notes.len(), 1, "still one note: {notes:?}");
    assert!(
        fake.log()
            .iter()
            .any(|l| l.starts_with("PUT ") && l.contains("/notes/"))
    );
    assert!(
        second.stderr.contains("updated the comment"),
        "{}",
        second.stderr
    );

    // Fix the pages and add the label.
    let (index, career) = (
        fixed(&seed("solutions-architects-handbook.md")),
        fixed(&seed("sa-career-development.md")),
    );
    {
        let mut st = fake.state();
        st.files = vec![
            FakeFile::added(SA_INDEX, &index),
            FakeFile::added(SA_CAREER, &career),
        ];
        st.labels.push("SA-HANDBOOK".into());
    }
    let fixed_checkout = repo(&fake);
    let third = hblint(&fake, fixed_checkout.path(), bot(), &["--select", RULES]);
    assert_eq!(third.code, 0, "{}\n{}", third.stdout, third.stderr);
    let notes = bot_notes(&fake);
    assert_eq!(notes.len(), 1);
    let body = notes[0]["body"].as_str().unwrap_or_default();
    assert!(
        body.contains("all clear") && body.contains("fixed"),
        "{body}"
    );
    assert!(!body.contains("serivices"), "{body}");
}

#[test]
fn a_clean_mr_without_an_earlier_note_gets_no_note() {
    let fake = FakeGitlab::start();
    let text = "# Title\n\nAll good here.\n";
    fake.state().files = vec![FakeFile::added("content/handbook/a.md", text)];
    let dir = repo(&fake);
    let run = hblint(&fake, dir.path(), bot(), &["--select", RULES]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fake.notes().is_empty());
    assert!(run.stderr.contains("nothing posted"), "{}", run.stderr);
}

#[test]
fn a_humans_note_with_the_marker_is_never_edited() {
    let fake = FakeGitlab::start();
    let human_body = "I copied this: <!-- hblint:mr-note --> /merge";
    let human = fake.add_note(HUMAN_ID, human_body);
    let dir = seed_mr(&fake);
    for _ in 0..2 {
        let run = hblint(&fake, dir.path(), bot(), &["--select", RULES]);
        assert_eq!(run.code, 1, "{}", run.stderr);
    }
    let notes = fake.notes();
    assert_eq!(notes.len(), 2, "{notes:?}");
    let h = notes
        .iter()
        .find(|n| n["id"].as_u64() == Some(human))
        .expect("human note");
    assert_eq!(h["body"], human_body);
    assert_eq!(bot_notes(&fake).len(), 1);
    assert!(
        !fake
            .log()
            .iter()
            .any(|l| l.contains(&format!("/notes/{human}")))
    );
}

#[test]
fn missing_label_found_then_cleared_when_the_label_is_added() {
    let fake = FakeGitlab::start();
    let text = "# SA\n\nA clean page.\n";
    fake.state().files = vec![FakeFile::added(SA_INDEX, text)];
    let dir = repo(&fake);
    let cq = dir.path().join("cq.json");
    let cq_arg = cq.to_string_lossy().into_owned();
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", RULES, "--codequality", &cq_arg],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&cq).expect("report")).expect("json");
    assert_eq!(report.as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(report[0]["check_name"], "missing-label");
    assert!(
        report[0]["description"]
            .as_str()
            .unwrap_or("")
            .contains("SA-HANDBOOK")
    );

    fake.state().labels = vec!["SA-HANDBOOK".into()];
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", RULES, "--codequality", &cq_arg],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&cq).expect("report")).expect("json");
    assert_eq!(report, Value::Array(vec![]));
    let body = bot_notes(&fake)[0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(body.contains("all clear"), "{body}");
}

#[test]
fn scope_added_reports_only_changed_lines_and_counts_the_rest() {
    let fake = FakeGitlab::start();
    let text = "# Page\n\nteh old typo\n\nA new line with recieve.\n";
    fake.state().files = vec![FakeFile::modified("content/handbook/p.md", text, &[5])];
    let dir = repo(&fake);
    let added = hblint(&fake, dir.path(), bot(), &["--select", "typo", "--dry-run"]);
    assert_eq!(added.code, 1, "{}", added.stderr);
    assert!(added.stdout.contains("recieve"), "{}", added.stdout);
    assert!(!added.stdout.contains("`teh`"), "{}", added.stdout);
    assert!(
        added.stdout.contains("1 finding outside the changed lines"),
        "{}",
        added.stdout
    );
    let file = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", "typo", "--dry-run", "--scope", "file"],
    );
    assert!(
        file.stdout.contains("`teh`") && file.stdout.contains("recieve"),
        "{}",
        file.stdout
    );
    assert!(fake.notes().is_empty(), "--dry-run posts nothing");
    assert!(
        !fake
            .log()
            .iter()
            .any(|l| l.starts_with("POST") || l.starts_with("PUT"))
    );
}

#[test]
fn two_hundred_fifty_changed_files_are_paged_and_all_linted() {
    let fake = FakeGitlab::start();
    let mut files = Vec::new();
    let mut disk = Vec::new();
    for i in 0..250 {
        let path = format!("content/handbook/team-{i:03}/_index.md");
        let text = if i % 50 == 0 {
            format!("# Team {i}\n\nWe recieve requests.\n")
        } else {
            format!("# Team {i}\n\nAll fine.\n")
        };
        files.push(FakeFile::added(&path, &text));
        disk.push((path, text));
    }
    fake.state().files = files;
    let dir = repo(&fake);
    let junit = dir.path().join("junit.xml");
    let junit_arg = junit.to_string_lossy().into_owned();
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", "typo", "--junit", &junit_arg, "--from-api"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let xml = std::fs::read_to_string(&junit).expect("junit");
    assert_eq!(xml.matches("<testcase ").count(), 250);
    assert_eq!(xml.matches("<failure").count(), 5);
    let log = fake.log();
    for page in 1..=3 {
        assert!(
            log.iter()
                .any(|l| l.contains("/diffs?") && l.contains(&format!("page={page}&"))),
            "{log:?}"
        );
    }
    assert!(
        !log.iter()
            .any(|l| l.contains("/diffs?") && l.contains("page=4&"))
    );
    let body = bot_notes(&fake)[0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(body.contains("5 errors"), "{body}");
}

#[test]
fn rate_limits_server_errors_and_slow_replies_are_retried() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    fake.fault(
        Some("GET"),
        "/merge_requests/7",
        FaultKind::RateLimit { retry_after: 1 },
        1,
    );
    fake.fault(
        Some("GET"),
        "/notes",
        FaultKind::Slow(Duration::from_millis(1500)),
        1,
    );
    fake.fault(Some("GET"), "/notes", FaultKind::ServerError, 2);
    fake.fault(Some("GET"), "/user", FaultKind::ServerError, 1);
    fake.fault(
        Some("POST"),
        "/notes",
        FaultKind::RateLimit { retry_after: 0 },
        1,
    );
    let started = std::time::Instant::now();
    let run = hblint_with_env(&fake, dir.path(), &[("HBLINT_HTTP_TIMEOUT", "0.5")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("posted the comment"), "{}", run.stderr);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert_eq!(bot_notes(&fake).len(), 1);
    let log = fake.log();
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("GET") && l.contains("/notes?"))
            .count(),
        4,
        "{log:?}"
    );
    assert_eq!(
        log.iter().filter(|l| l.starts_with("POST")).count(),
        2,
        "{log:?}"
    );
}

#[test]
fn a_post_that_times_out_is_reported_not_repeated() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    fake.fault(
        Some("POST"),
        "/notes",
        FaultKind::Slow(Duration::from_millis(1200)),
        1,
    );
    let run = hblint_with_env(&fake, dir.path(), &[("HBLINT_HTTP_TIMEOUT", "0.4")]);
    // The comment may be out of date: the job says so with exit 2.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("did not answer"), "{}", run.stderr);
    // The server carried it out late; the next pipeline edits that note.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(bot_notes(&fake).len(), 1);
    let run = hblint(&fake, dir.path(), bot(), &["--select", RULES]);
    assert_eq!(run.code, 1);
    assert_eq!(bot_notes(&fake).len(), 1);
    assert!(run.stderr.contains("updated the comment"), "{}", run.stderr);
}

fn hblint_with_env(fake: &FakeGitlab, root: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = mr_command(fake, root);
    cmd.args(["--select", RULES])
        .env("CI_PROJECT_ID", PROJECT_PATH)
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN);
    for (k, v) in env {
        cmd.env(k, v);
    }
    output(cmd)
}

#[test]
fn persistent_server_errors_end_in_exit_2_after_bounded_retries() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    fake.fault(
        Some("GET"),
        "/merge_requests/7",
        FaultKind::ServerError,
        100,
    );
    let run = hblint(&fake, dir.path(), bot(), &["--select", RULES]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("500"), "{}", run.stderr);
    let tries = fake
        .log()
        .iter()
        .filter(|l| l.contains("/merge_requests/7"))
        .count();
    assert_eq!(tries, 5, "five attempts, then give up");
}

#[test]
fn a_bad_token_is_explained_without_printing_it() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let run = hblint(
        &fake,
        dir.path(),
        Some(("GITLAB_TOKEN", "glpat-wrong-token-5555")),
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("401"), "{}", run.stderr);
    assert!(run.stderr.contains("GITLAB_TOKEN"), "{}", run.stderr);
    assert!(run.stderr.contains("`api` scope"), "{}", run.stderr);
    assert!(!run.stderr.contains("glpat-wrong") && !run.stdout.contains("glpat-wrong"));

    fake.fault(None, "/merge_requests", FaultKind::Unauthorized, 1);
    let run = hblint(&fake, dir.path(), bot(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("HBLINT_GITLAB_TOKEN"), "{}", run.stderr);
    assert!(!run.stderr.contains(BOT_TOKEN) && !run.stdout.contains(BOT_TOKEN));
}

#[test]
fn a_wrong_project_or_mr_names_the_variables() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let run = hblint(&fake, dir.path(), bot(), &["--project", "group/other"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("404"), "{}", run.stderr);
    assert!(run.stderr.contains("--project"), "{}", run.stderr);
    assert!(
        run.stderr.contains("CI_MERGE_REQUEST_IID"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_inputs_name_the_variable() {
    let fake = FakeGitlab::start();
    let dir = checkout(&[]);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hblint"));
    cmd.arg("mr").arg("--root").arg(dir.path());
    for var in ["CI_API_V4_URL", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID"] {
        cmd.env_remove(var);
    }
    cmd.env("CI_API_V4_URL", fake.api_url());
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("CI_PROJECT_ID") && err.contains("--project"),
        "{err}"
    );
}

#[test]
fn a_job_token_lints_and_reports_but_explains_why_no_comment() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let cq = dir.path().join("gl-code-quality.json");
    let cq_arg = cq.to_string_lossy().into_owned();
    let run = hblint(
        &fake,
        dir.path(),
        Some(("CI_JOB_TOKEN", JOB_TOKEN)),
        &["--select", RULES, "--codequality", &cq_arg],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(fake.notes().is_empty());
    assert!(
        run.stderr.contains("CI_JOB_TOKEN") && run.stderr.contains("HBLINT_GITLAB_TOKEN"),
        "{}",
        run.stderr
    );
    assert!(cq.is_file());
    assert!(
        fake.state()
            .auth_headers
            .iter()
            .all(|h| h.starts_with("JOB-TOKEN"))
    );
    assert!(!run.stderr.contains(JOB_TOKEN));
}

#[test]
fn posting_failure_still_writes_reports_and_ends_in_exit_2() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    fake.fault(Some("POST"), "/notes", FaultKind::ServerError, 100);
    let junit = dir.path().join("junit.xml");
    let junit_arg = junit.to_string_lossy().into_owned();
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", RULES, "--junit", &junit_arg],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("exit 2"), "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: cannot comment"),
        "{}",
        run.stderr
    );
    assert!(junit.is_file());
}

#[test]
fn servers_without_diffs_fall_back_to_changes() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    fake.state().has_diffs = false;
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", RULES, "--no-comment", "--from-api"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("serivices"), "{}", run.stdout);
    assert!(fake.log().iter().any(|l| l.contains("/changes")));
    assert!(fake.notes().is_empty(), "--no-comment");
}

#[test]
fn inline_discussions_are_opened_once() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let run = hblint(&fake, dir.path(), bot(), &["--select", RULES, "--inline"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let first = fake.state().discussions.len();
    assert_eq!(
        first, 3,
        "one per typo or mojibake finding, none for the label: {}",
        run.stderr
    );
    let run = hblint(&fake, dir.path(), bot(), &["--select", RULES, "--inline"]);
    assert_eq!(run.code, 1);
    assert_eq!(fake.state().discussions.len(), first, "no duplicates");
    let st = fake.state();
    let body = st.discussions[0]["notes"][0]["body"]
        .as_str()
        .unwrap_or_default();
    assert!(body.contains("hblint:inline"), "{body}");
}

#[test]
fn bot_mode_reads_files_through_the_api() {
    let fake = FakeGitlab::start();
    let index = seed("solutions-architects-handbook.md");
    fake.state().files = vec![FakeFile::added(SA_INDEX, &index)];
    let empty = checkout(&[]);
    let run = hblint(
        &fake,
        empty.path(),
        bot(),
        &[
            "--select",
            RULES,
            "--from-api",
            "--dry-run",
            "--project",
            PROJECT_PATH,
            "--mr",
            "7",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("serivices"), "{}", run.stdout);
    assert!(
        fake.log()
            .iter()
            .any(|l| l.contains("/repository/files/") && l.contains(HEAD_SHA))
    );
}

#[test]
fn hostile_file_names_and_link_texts_stay_inert() {
    let fake = FakeGitlab::start();
    let path = "content/handbook/@all <img src=x>|/merge.md";
    let text = "# Hi @all\n\n/approve teh [<b>@group</b> | x](/merge) and recieve\n";
    fake.state().files = vec![FakeFile::added(path, text)];
    let dir = repo(&fake);
    let run = hblint(&fake, dir.path(), bot(), &["--select", "typo"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let body = bot_notes(&fake)[0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for line in body.lines() {
        assert!(!line.trim_start().starts_with('/'), "{line}");
        assert!(!line.contains("<img") && !line.contains("<b>"), "{line}");
        let mut rest = line;
        while let Some(i) = rest.find('@') {
            let in_code = rest[..i].matches('`').count() % 2 == 1;
            assert!(
                in_code || rest[i + 1..].starts_with('\u{200B}'),
                "mention in {line}"
            );
            rest = &rest[i + 1..];
        }
        if line.starts_with("| 🔴") {
            assert_eq!(line.replace("\\|", "").matches('|').count(), 6, "{line}");
        }
    }
    assert!(
        body.contains("%40all%20%3Cimg%20src%3Dx%3E%7C/merge.md#L3"),
        "{body}"
    );
}

fn check(root: &Path, args: &[&str], labels_env: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hblint"));
    cmd.arg("check").arg("--root").arg(root).args(args);
    cmd.env_remove("CI_MERGE_REQUEST_LABELS");
    if let Some(l) = labels_env {
        cmd.env("CI_MERGE_REQUEST_LABELS", l);
    }
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn check_runs_the_label_rule_only_when_labels_are_known() {
    let text = "# SA\n\nClean.\n";
    let dir = checkout(&[(SA_INDEX, text)]);
    let none = check(dir.path(), &["--select", RULES], None);
    assert_eq!(none.code, 0, "{}", none.stdout);
    let without = check(
        dir.path(),
        &["--select", RULES, "--labels", "documentation"],
        None,
    );
    assert_eq!(without.code, 1, "{}", without.stdout);
    assert!(without.stdout.contains("SA-HANDBOOK"), "{}", without.stdout);
    let from_env = check(
        dir.path(),
        &["--select", RULES],
        Some("documentation,Other"),
    );
    assert_eq!(from_env.code, 1, "{}", from_env.stdout);
    let with = check(
        dir.path(),
        &["--select", RULES],
        Some("documentation,SA-HANDBOOK"),
    );
    assert_eq!(with.code, 0, "{}", with.stdout);
    let flag_wins = check(
        dir.path(),
        &["--select", RULES, "--labels", "SA-HANDBOOK"],
        Some("x"),
    );
    assert_eq!(flag_wins.code, 0, "{}", flag_wins.stdout);
}

#[test]
fn label_requirements_come_from_the_config_section() {
    let config = "[[labels.require]]\nlabel = \"MARKETING\"\nwhat = \"marketing pages\"\npaths = [\"content/handbook/marketing/**\"]\n";
    let dir = checkout(&[
        (".hblint.toml", config),
        ("content/handbook/marketing/a.md", "# M\n"),
        (SA_INDEX, "# SA\n"),
    ]);
    let run = check(
        dir.path(),
        &["--select", "missing-label", "--labels", "x"],
        None,
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("MARKETING") && !run.stdout.contains("SA-HANDBOOK"),
        "{}",
        run.stdout
    );
    let bad = checkout(&[(
        ".hblint.toml",
        "[[labels.require]]\nlabel = \"X\"\npath = []\n",
    )]);
    let run = check(bad.path(), &[], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("path"), "{}", run.stderr);
}

#[test]
fn check_renders_codequality_junit_and_note() {
    let index = seed("solutions-architects-handbook.md");
    let dir = checkout(&[(SA_INDEX, &index)]);
    let cq = check(
        dir.path(),
        &["--select", RULES, "--format", "codequality"],
        None,
    );
    assert_eq!(cq.code, 1);
    let v: Value = serde_json::from_str(&cq.stdout).expect("json");
    assert_eq!(v[0]["check_name"], "typo");
    assert_eq!(v[0]["location"]["path"], SA_INDEX);
    assert_eq!(v[0]["location"]["lines"]["begin"], 25);
    assert_eq!(v[0]["fingerprint"].as_str().map(str::len), Some(32));
    // Lines move: the fingerprint stays.
    let moved = checkout(&[(SA_INDEX, &format!("\n\n\n{index}"))]);
    let cq2 = check(
        moved.path(),
        &["--select", RULES, "--format", "codequality"],
        None,
    );
    let v2: Value = serde_json::from_str(&cq2.stdout).expect("json");
    assert_eq!(v[0]["fingerprint"], v2[0]["fingerprint"]);
    assert_eq!(v2[0]["location"]["lines"]["begin"], 28);

    let junit = check(dir.path(), &["--select", RULES, "--format", "junit"], None);
    assert!(
        junit
            .stdout
            .contains("<testcase name=\"content/handbook/solutions-architects/_index.md\""),
        "{}",
        junit.stdout
    );
    assert!(junit.stdout.contains("<failure"), "{}", junit.stdout);

    let note = check(dir.path(), &["--select", RULES, "--format", "note"], None);
    assert!(
        note.stdout.starts_with("<!-- hblint:mr-note -->"),
        "{}",
        note.stdout
    );
    assert!(note.stdout.contains("| `typo` |"), "{}", note.stdout);
}

fn repo_file(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn ci_files_pass_gitlabs_schema() {
    // The component's jobs: the document after its `spec` header.
    let component = std::fs::read_to_string(repo_file("templates/hblint/template.yml"))
        .expect("read the component");
    let jobs = tempfile::tempdir().expect("temp dir");
    let component_jobs = jobs.path().join("component-jobs.yml");
    let (_, body) = component.split_once("\n---\n").expect("a spec header");
    std::fs::write(&component_jobs, body).expect("write");
    let component_jobs = component_jobs.to_string_lossy().into_owned();
    let files = [
        ".gitlab-ci.yml",
        "templates/hblint.gitlab-ci.yml",
        "tests/fixtures/mr/handbook.gitlab-ci.yml",
        component_jobs.as_str(),
    ];
    let run = |paths: &[&str]| {
        Command::new("check-jsonschema")
            .args(["--builtin-schema", "vendor.gitlab-ci"])
            .args(paths.iter().map(|p| repo_file(p)))
            .output()
    };
    match run(&files) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "check-jsonschema is not on PATH: schema validation skipped (.ci/run installs it)"
            );
        }
        Err(e) => panic!("check-jsonschema: {e}"),
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            // The validator does reject a broken file.
            let bad = run(&["tests/fixtures/mr/broken.gitlab-ci.yml"]).expect("runs");
            assert!(!bad.status.success());
        }
    }
}

/// `job` with the keys of the hidden job it `extends` filled in (one level, as the files use it).
fn resolved(yaml: &Value, job: &str) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    if let Some(parent) = yaml[job]["extends"].as_str()
        && let Some(p) = yaml[parent].as_object()
    {
        out.extend(p.clone());
    }
    if let Some(own) = yaml[job].as_object() {
        out.extend(own.clone());
    }
    out
}

#[test]
fn the_template_defines_a_ready_mr_job() {
    let template = std::fs::read_to_string(repo_file("templates/hblint/template.yml"))
        .expect("read the component");
    // A component: a `spec: inputs` header, `---`, then the jobs.
    let (header, body) = template.split_once("\n---\n").expect("a spec header");
    let spec: Value = serde_norway::from_str(header).expect("valid YAML");
    for input in ["stage", "scope", "args", "version", "sha256"] {
        assert!(spec["spec"]["inputs"][input].is_object(), "input {input}");
    }
    let component = body
        .replace("$[[ inputs.scope ]]", "$HBLINT_SCOPE")
        .replace("$[[ inputs.args ]]", "$HBLINT_ARGS");
    for (file, text) in [
        (
            "templates/hblint.gitlab-ci.yml",
            std::fs::read_to_string(repo_file("templates/hblint.gitlab-ci.yml")).expect("read"),
        ),
        ("templates/hblint/template.yml", component),
        (
            ".gitlab-ci.yml",
            std::fs::read_to_string(repo_file(".gitlab-ci.yml")).expect("read"),
        ),
    ] {
        let yaml: Value = serde_norway::from_str(&text).expect("valid YAML");
        let job = Value::Object(resolved(&yaml, "hblint"));
        assert_eq!(
            job["rules"][0]["if"], "$CI_PIPELINE_SOURCE == \"merge_request_event\"",
            "{file}"
        );
        assert_eq!(job["variables"]["GIT_DEPTH"], 0, "{file}");
        assert_eq!(job["interruptible"], true, "{file}");
        assert_eq!(job["artifacts"]["when"], "always", "{file}");
        assert_eq!(
            job["artifacts"]["reports"]["codequality"],
            "gl-code-quality-report.json"
        );
        assert_eq!(job["artifacts"]["reports"]["junit"], "hblint-junit.xml");
        let script = job["script"][0].as_str().unwrap_or_default();
        assert!(
            script.contains("hblint mr")
                && script.contains("--codequality gl-code-quality-report.json"),
            "{file}: {script}"
        );
        let setup = job["before_script"].to_string();
        assert!(setup.contains("ca-certificates"), "{file}: {setup}");
        assert!(setup.contains("sha256sum -c"), "{file}: {setup}");
        // The default branch's report, the widget's base.
        let baseline = Value::Object(resolved(&yaml, "hblint-baseline"));
        assert!(
            baseline["rules"][0]["if"]
                .as_str()
                .unwrap_or_default()
                .contains("$CI_DEFAULT_BRANCH"),
            "{file}"
        );
        assert_eq!(
            baseline["artifacts"]["reports"]["codequality"],
            "gl-code-quality-report.json"
        );
        if file.starts_with("templates/") {
            assert_eq!(job["needs"], Value::Array(vec![]), "{file}");
        }
    }
    // The binary is built on the Debian release the jobs run on (glibc).
    let own: Value = serde_norway::from_str(
        &std::fs::read_to_string(repo_file(".gitlab-ci.yml")).expect("read"),
    )
    .expect("valid YAML");
    assert_eq!(own["build-release"]["image"], "rust:1.95-bookworm");
    let plain: Value = serde_norway::from_str(
        &std::fs::read_to_string(repo_file("templates/hblint.gitlab-ci.yml")).expect("read"),
    )
    .expect("valid YAML");
    assert_eq!(plain[".hblint-setup"]["image"], "debian:bookworm-slim");
    assert_eq!(
        spec["spec"]["inputs"]["image"]["default"],
        "debian:bookworm-slim"
    );
    let include = std::fs::read_to_string(repo_file("tests/fixtures/mr/handbook.gitlab-ci.yml"))
        .expect("read");
    assert_eq!(include.lines().count(), 3, "the include is three lines");
}

/// Prints the notes of the seed MR (both seed pages added, no label) after a
/// first and a second pipeline, for docs/mr.md:
/// `cargo test --test mr -- --ignored --nocapture seed_mr_notes`.
#[test]
#[ignore]
fn seed_mr_notes() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    let dry = hblint(&fake, dir.path(), bot(), &["--dry-run"]);
    println!("===== --dry-run (exit {}) =====\n{}", dry.code, dry.stdout);
    let first = hblint(&fake, dir.path(), bot(), &[]);
    let notes = bot_notes(&fake);
    println!(
        "===== first pipeline (exit {}): {} =====\n{}",
        first.code,
        first.stderr.lines().last().unwrap_or_default(),
        notes[0]["body"].as_str().unwrap_or_default()
    );
    let second = hblint(&fake, dir.path(), bot(), &[]);
    let notes = bot_notes(&fake);
    println!(
        "===== second pipeline (exit {}): {}; notes by hblint: {} =====\n{}",
        second.code,
        second.stderr.lines().last().unwrap_or_default(),
        notes.len(),
        notes[0]["body"].as_str().unwrap_or_default()
    );
    assert_eq!(notes.len(), 1);
    let (index, career) = (
        fixed(&seed("solutions-architects-handbook.md")),
        fixed(&seed("sa-career-development.md")),
    );
    std::fs::write(dir.path().join(SA_INDEX), &index).expect("write");
    std::fs::write(dir.path().join(SA_CAREER), &career).expect("write");
    {
        let mut st = fake.state();
        st.files = vec![
            FakeFile::added(SA_INDEX, &index),
            FakeFile::added(SA_CAREER, &career),
        ];
        st.labels.push("SA-HANDBOOK".into());
    }
    let third = hblint(&fake, dir.path(), bot(), &[]);
    let notes = bot_notes(&fake);
    println!(
        "===== fixed, label added (exit {}): {} =====\n{}",
        third.code,
        third.stderr.lines().last().unwrap_or_default(),
        notes[0]["body"].as_str().unwrap_or_default()
    );
}

#[test]
fn a_symlink_out_of_the_checkout_is_not_read() {
    let fake = FakeGitlab::start();
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "TOP-SECRET teh recieve\n").expect("write");
    let good = "# Fine\n\nteh\n";
    fake.state().files = vec![FakeFile::added("content/handbook/ok.md", good)];
    let dir = repo(&fake);
    // The MR adds a symbolic link to a file outside the repository.
    std::os::unix::fs::symlink(&secret, dir.path().join("content/handbook/leak.md"))
        .expect("symlink");
    let head = commit(dir.path(), "link");
    fake.state().head_sha = head;
    let run = hblint(&fake, dir.path(), bot(), &["--select", "typo", "--dry-run"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stdout.contains("TOP") && !run.stdout.contains("recieve"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("leak.md") && run.stdout.contains("symbolic link"),
        "{}",
        run.stdout
    );
}

#[test]
fn pages_are_followed_even_when_a_proxy_strips_the_headers() {
    let fake = FakeGitlab::start();
    let mut files = Vec::new();
    let mut disk = Vec::new();
    for i in 0..230 {
        let path = format!("content/handbook/p{i:03}.md");
        let text = format!("# P{i}\n\nserivices\n");
        files.push(FakeFile::added(&path, &text));
        disk.push((path, text));
    }
    {
        let mut st = fake.state();
        st.files = files;
        st.strip_pagination_headers = true;
    }
    let dir = repo(&fake);
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", "typo", "--no-comment", "--from-api"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("in 230 of 230 files"),
        "{}",
        run.stdout.lines().last().unwrap_or_default()
    );
}

#[test]
fn a_token_without_the_api_scope_is_explained_when_posting() {
    let fake = FakeGitlab::start();
    let dir = seed_mr(&fake);
    fake.fault(Some("POST"), "/notes", FaultKind::Forbidden, 1);
    let cq = dir.path().join("cq.json");
    let cq_arg = cq.to_string_lossy().into_owned();
    let run = hblint(
        &fake,
        dir.path(),
        bot(),
        &["--select", RULES, "--codequality", &cq_arg],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("403"), "{}", run.stderr);
    assert!(
        run.stderr.contains("HBLINT_GITLAB_TOKEN") && run.stderr.contains("`api` scope"),
        "{}",
        run.stderr
    );
    assert!(cq.is_file());
    assert!(fake.notes().is_empty());
    assert_eq!(
        fake.log().iter().filter(|l| l.starts_with("POST")).count(),
        1,
        "a 403 is not retried"
    );
}
