//! GitLab failing in every way the fake can play, through `hblint mr` (and
//! `hblint bot`): each fault is retried within its bounds or reported with
//! exit 2 and a message naming the host, the request, the cause and what to
//! do, and the Code Quality and JUnit reports (which need only git) are
//! still written. Timeouts and backoffs are set small through the
//! documented variables so that each test ends in seconds; nothing here
//! asserts a duration.

mod fake_gitlab;

use fake_gitlab::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const PAGE: &str = "content/handbook/page.md";
const TEXT: &str = "# Page\n\nWe fix teh typo here.\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    codequality: Option<String>,
    junit: Option<String>,
}

impl Run {
    /// Both reports exist and hold the page's finding.
    fn assert_reports(&self) {
        let cq = self.codequality.as_deref().unwrap_or_else(|| {
            panic!("no Code Quality report:\n{}", self.stderr);
        });
        assert!(cq.contains("\"typo\"") && cq.contains(PAGE), "{cq}");
        let junit = self.junit.as_deref().unwrap_or_else(|| {
            panic!("no JUnit report:\n{}", self.stderr);
        });
        assert!(junit.contains(PAGE) && junit.contains("teh"), "{junit}");
    }

    /// Exit 2, standard error holding every one of `parts`, and both reports written.
    fn assert_reported(&self, parts: &[&str]) {
        assert_eq!(self.code, 2, "{}", self.stderr);
        self.assert_stderr(parts);
        self.assert_reports();
    }

    fn assert_stderr(&self, parts: &[&str]) {
        for part in parts {
            assert!(
                self.stderr.contains(part),
                "standard error lacks `{part}`:\n{}",
                self.stderr
            );
        }
    }
}

/// A git checkout whose MR (on `fake`) adds the page with its typo.
fn checkout(fake: &FakeGitlab) -> tempfile::TempDir {
    fake.state().files = vec![FakeFile::added(PAGE, TEXT)];
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join(PAGE);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(&p, TEXT).expect("write");
    commit_checkout(dir.path(), fake);
    dir
}

/// The fake, a checkout of its MR, and the raw TCP front before it.
fn behind_a_proxy() -> (FakeGitlab, tempfile::TempDir, FaultProxy) {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    let proxy = FaultProxy::start(&fake);
    (fake, dir, proxy)
}

/// `hblint` with the variables of a merge request pipeline pointing at
/// `api_url`, small timeouts and backoffs, the plain error report, and
/// `env` on top.
fn command(fake: &FakeGitlab, api_url: &str, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hblint"));
    for (var, _) in std::env::vars() {
        if var.starts_with("CI_") || var.starts_with("HBLINT_") || var.ends_with("GITLAB_TOKEN") {
            cmd.env_remove(var);
        }
    }
    let (base, head) = {
        let st = fake.state();
        (st.base_sha.clone(), st.head_sha.clone())
    };
    cmd.env("CI_API_V4_URL", api_url)
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("CI_MERGE_REQUEST_IID", MR_IID.to_string())
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", base)
        .env("CI_COMMIT_SHA", head)
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN)
        .env("HBLINT_RETRY_BASE_MS", "10")
        .env("HBLINT_HTTP_TIMEOUT", "3")
        .env("HBLINT_CONNECT_TIMEOUT", "2")
        // miette's plain report: no line wrapped inside a message.
        .env("NO_GRAPHICS", "1")
        .envs(env.iter().copied());
    cmd
}

fn run(mut cmd: Command, reports: Option<(&Path, &Path)>) -> Run {
    let out = cmd.output().expect("hblint runs");
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        codequality: reports.and_then(|(cq, _)| read(cq)),
        junit: reports.and_then(|(_, j)| read(j)),
    }
}

/// `hblint mr` in `root` with both reports asked for.
fn mr(fake: &FakeGitlab, root: &Path, api_url: &str, env: &[(&str, &str)]) -> Run {
    let (cq, junit): (PathBuf, PathBuf) = (root.join("cq.json"), root.join("junit.xml"));
    let _ = std::fs::remove_file(&cq);
    let _ = std::fs::remove_file(&junit);
    let mut cmd = command(fake, api_url, env);
    cmd.arg("mr")
        .arg("--root")
        .arg(root)
        .args(["--select", "typo", "--codequality"])
        .arg(&cq)
        .arg("--junit")
        .arg(&junit);
    run(cmd, Some((&cq, &junit)))
}

/// How many requests the fake received whose line contains `part`.
fn requests(fake: &FakeGitlab, part: &str) -> usize {
    fake.log().iter().filter(|l| l.contains(part)).count()
}

/// How many times the fake received exactly `line` ("GET /api/v4/…").
fn exactly(fake: &FakeGitlab, line: &str) -> usize {
    fake.log().iter().filter(|l| *l == line).count()
}

fn bot_notes(fake: &FakeGitlab) -> usize {
    fake.bot_notes(MR_IID).len()
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn connection_refused_is_retried_then_reported_and_the_reports_are_written() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    let port = closed_port();
    let r = mr(
        &fake,
        dir.path(),
        &format!("http://127.0.0.1:{port}/api/v4"),
        &[("HBLINT_RETRY_ATTEMPTS", "3")],
    );
    r.assert_reported(&[
        &format!("connection refused by 127.0.0.1:{port}"),
        &format!("GET http://127.0.0.1:{port}/api/v4/projects/1/merge_requests/7"),
        "3 attempts",
        "hblint::gitlab::refused",
        "CI_API_V4_URL",
        "linting from git and CI variables alone",
    ]);
    assert!(r.stdout.contains("teh"), "{}", r.stdout);
}

#[test]
fn a_host_that_does_not_resolve_is_named() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    let r = mr(
        &fake,
        dir.path(),
        "https://gitlab.invalid/api/v4",
        &[("HBLINT_RETRY_ATTEMPTS", "2")],
    );
    r.assert_reported(&[
        "the host name `gitlab.invalid` does not resolve",
        "hblint::gitlab::dns",
        "https://gitlab.invalid/api/v4/projects/1/merge_requests/7",
    ]);
}

#[test]
fn tls_to_a_plain_http_server_is_reported_at_once() {
    let (fake, dir, proxy) = behind_a_proxy();
    let r = mr(
        &fake,
        dir.path(),
        &format!("https://127.0.0.1:{}/api/v4", proxy.port),
        &[],
    );
    r.assert_reported(&[
        &format!("the TLS handshake with 127.0.0.1:{} failed", proxy.port),
        "1 attempt in",
        "hblint::gitlab::tls",
        "http:// only for",
    ]);
    assert!(fake.notes().is_empty());
}

#[test]
fn a_server_speaking_garbage_is_reported_at_once() {
    let (fake, dir, proxy) = behind_a_proxy();
    proxy.fault("/api/v4/", RawKind::Garbage, 100);
    let r = mr(&fake, dir.path(), &proxy.api_url(), &[]);
    r.assert_reported(&[
        &format!("the server at 127.0.0.1:{} does not speak HTTP", proxy.port),
        "1 attempt in",
        "hblint::gitlab::not_http",
    ]);
    assert_eq!(proxy.played().len(), 1, "{:?}", proxy.played());
}

#[test]
fn a_body_that_stalls_once_is_read_again() {
    let (fake, dir, proxy) = behind_a_proxy();
    proxy.fault("/merge_requests/7", RawKind::StallBody, 1);
    let r = mr(
        &fake,
        dir.path(),
        &proxy.api_url(),
        &[("HBLINT_HTTP_TIMEOUT", "0.5")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.assert_stderr(&["posted the comment"]);
    r.assert_reports();
    assert_eq!(proxy.played().len(), 1);
    assert_eq!(bot_notes(&fake), 1);
}

#[test]
fn a_body_that_always_stalls_ends_in_exit_2() {
    let (fake, dir, proxy) = behind_a_proxy();
    proxy.fault("/merge_requests/7", RawKind::StallBody, 100);
    let r = mr(
        &fake,
        dir.path(),
        &proxy.api_url(),
        &[
            ("HBLINT_HTTP_TIMEOUT", "0.5"),
            ("HBLINT_RETRY_ATTEMPTS", "2"),
        ],
    );
    r.assert_reported(&[
        "GitLab did not answer within 0.5 s (reading the answer)",
        "2 attempts",
        "hblint::gitlab::timeout",
        "HBLINT_HTTP_TIMEOUT",
    ]);
    assert_eq!(proxy.played().len(), 2, "{:?}", proxy.played());
}

#[test]
fn a_truncated_body_is_read_again_or_reported() {
    let (fake, dir, proxy) = behind_a_proxy();
    proxy.fault("/merge_requests/7", RawKind::CutBody, 2);
    let r = mr(&fake, dir.path(), &proxy.api_url(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(bot_notes(&fake), 1);

    proxy.fault("/merge_requests/7", RawKind::CutBody, 100);
    let r = mr(
        &fake,
        dir.path(),
        &proxy.api_url(),
        &[("HBLINT_RETRY_ATTEMPTS", "3")],
    );
    r.assert_reported(&["the answer broke off after", "3 attempts"]);
}

#[test]
fn a_body_that_is_not_json_is_reported_not_retried() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    fake.fault(Some("GET"), "/merge_requests/7", FaultKind::PlainText, 100);
    let r = mr(&fake, dir.path(), &fake.api_url(), &[]);
    r.assert_reported(&[
        "GitLab answered 200 with text/plain, not JSON: `OK`",
        "hblint::gitlab::not_json",
    ]);
    assert_eq!(requests(&fake, "/merge_requests/7"), 1);
}

#[test]
fn an_html_page_with_status_200_is_named_as_such() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    fake.fault(Some("GET"), "/merge_requests/7", FaultKind::SignInPage, 100);
    let r = mr(&fake, dir.path(), &fake.api_url(), &[]);
    r.assert_reported(&[
        "GitLab answered 200 with text/html; charset=utf-8, not JSON: `<!DOCTYPE html>",
        "an HTML page answered instead of GitLab's API",
        "ends in /api/v4",
    ]);
    assert!(fake.notes().is_empty());
}

#[test]
fn a_storm_of_502s_is_weathered() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    fake.fault(None, "/api/v4/", FaultKind::BadGateway, 4);
    let r = mr(&fake, dir.path(), &fake.api_url(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.assert_stderr(&["posted the comment"]);
    r.assert_reports();
    assert_eq!(bot_notes(&fake), 1);
    // Four 502s, the answer, and the read again before posting.
    assert_eq!(
        exactly(&fake, "GET /api/v4/projects/1/merge_requests/7?"),
        6
    );
}

#[test]
fn a_storm_of_502s_that_does_not_pass_ends_in_exit_2() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    fake.fault(None, "/api/v4/", FaultKind::BadGateway, 1000);
    let r = mr(&fake, dir.path(), &fake.api_url(), &[]);
    r.assert_reported(&[
        "GitLab answered 502 (GitLab is not responding (502))",
        "5 attempts",
        "hblint::gitlab::status",
        "re-run the job later",
    ]);
    assert_eq!(requests(&fake, "/merge_requests/7"), 5);
}

#[test]
fn the_retry_budget_bounds_a_storm() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    fake.fault(None, "/api/v4/", FaultKind::BadGateway, 1000);
    let r = mr(
        &fake,
        dir.path(),
        &fake.api_url(),
        &[
            ("HBLINT_RETRY_ATTEMPTS", "1000"),
            ("HBLINT_RETRY_BASE_MS", "50"),
            ("HBLINT_RETRY_BUDGET", "0.5"),
        ],
    );
    r.assert_reported(&["retry budget", "HBLINT_RETRY_BUDGET"]);
    // 50 + 100 + 200 ms fit in the budget; the wait of 400 ms does not.
    assert_eq!(requests(&fake, "/merge_requests/7"), 4);
}

#[test]
fn a_429_without_retry_after_backs_off_and_goes_on() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    fake.fault(
        Some("GET"),
        "/merge_requests/7",
        FaultKind::RateLimitBare,
        2,
    );
    let r = mr(&fake, dir.path(), &fake.api_url(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(bot_notes(&fake), 1);
    // Two 429s, the answer, and the read again before posting.
    assert_eq!(
        exactly(&fake, "GET /api/v4/projects/1/merge_requests/7?"),
        4
    );

    fake.fault(None, "/merge_requests/7", FaultKind::RateLimitBare, 100);
    let r = mr(
        &fake,
        dir.path(),
        &fake.api_url(),
        &[("HBLINT_RETRY_ATTEMPTS", "3")],
    );
    r.assert_reported(&[
        "GitLab answered 429 (Retry later)",
        "3 attempts",
        "rate limit",
    ]);
}

#[test]
fn a_ten_megabyte_diff_names_its_file_as_not_linted() {
    let fake = FakeGitlab::start();
    let big_path = "content/handbook/big.md";
    let line = "A line of an enormous generated page, repeated to make ten megabytes.\n";
    let big = line.repeat(10 * 1024 * 1024 / line.len() + 1);
    fake.state().files = vec![FakeFile::added(PAGE, TEXT), FakeFile::added(big_path, &big)];
    let root = tempfile::tempdir().expect("temp dir");
    let (cq, junit) = (root.path().join("cq.json"), root.path().join("junit.xml"));
    let mut cmd = command(&fake, &fake.api_url(), &[]);
    cmd.arg("mr")
        .arg("--root")
        .arg(root.path())
        .args(["--select", "typo", "--from-api", "--no-comment"])
        .arg("--codequality")
        .arg(&cq)
        .arg("--junit")
        .arg(&junit);
    let r = run(cmd, Some((&cq, &junit)));
    // The other page's typo decides the exit code; the big page is a file error.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(big_path) && r.stdout.contains("file-size"),
        "{}",
        r.stdout
    );
    r.assert_reports();
    assert!(
        r.junit.as_deref().is_some_and(|j| j.contains(big_path)),
        "{:?}",
        r.junit
    );
}

#[test]
fn five_thousand_notes_over_fifty_pages_hold_our_note_which_is_edited() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    for i in 0..3_700 {
        fake.add_note(HUMAN_ID, &format!("review comment {i}"));
    }
    let ours = fake.add_note(BOT_ID, "<!-- hblint:mr-note -->\nan earlier review");
    for i in 3_700..4_999 {
        fake.add_note(HUMAN_ID, &format!("review comment {i}"));
    }
    assert_eq!(fake.notes().len(), 5_000);
    let r = mr(&fake, dir.path(), &fake.api_url(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.assert_stderr(&[&format!("updated the comment (note {ours})")]);
    assert_eq!(bot_notes(&fake), 1);
    assert_eq!(fake.notes().len(), 5_000);
    assert!(requests(&fake, "/notes?") >= 50);
    assert_eq!(requests(&fake, "page=51"), 0);
}

#[test]
fn past_the_page_cap_no_second_note_is_posted() {
    let fake = FakeGitlab::start();
    let dir = checkout(&fake);
    for i in 0..10_001 {
        fake.add_note(HUMAN_ID, &format!("review comment {i}"));
    }
    let r = mr(&fake, dir.path(), &fake.api_url(), &[]);
    // The comment could not be kept current: the job says so with exit 2.
    assert_eq!(r.code, 2, "{}", r.stderr);
    r.assert_stderr(&[
        "the list goes on past 100 pages of 100",
        "posts no second one",
    ]);
    r.assert_reports();
    assert_eq!(bot_notes(&fake), 0);
}

/// `hblint bot` over the fake's project at `api_url`.
fn bot(fake: &FakeGitlab, api_url: &str, env: &[(&str, &str)]) -> Run {
    let root = tempfile::tempdir().expect("temp dir");
    let mut cmd = command(fake, api_url, env);
    cmd.arg("bot")
        .args(["--project", PROJECT_PATH, "--select", "typo", "--root"])
        .arg(root.path());
    run(cmd, None)
}

#[test]
fn the_bot_reports_an_unreachable_gitlab() {
    let fake = FakeGitlab::start();
    fake.state().files = vec![FakeFile::added(PAGE, TEXT)];
    let port = closed_port();
    let r = bot(
        &fake,
        &format!("http://127.0.0.1:{port}/api/v4"),
        &[("HBLINT_RETRY_ATTEMPTS", "2")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    r.assert_stderr(&[
        &format!("connection refused by 127.0.0.1:{port}"),
        "GET http://127.0.0.1",
        "/api/v4/user",
        "2 attempts",
    ]);
}

#[test]
fn the_bot_weathers_a_502_storm_and_names_one_that_lasts() {
    let fake = FakeGitlab::start();
    fake.state().files = vec![FakeFile::added(PAGE, TEXT)];
    fake.fault(Some("GET"), "/merge_requests", FaultKind::BadGateway, 3);
    let r = bot(&fake, &fake.api_url(), &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("seen 1, reviewed 1"), "{}", r.stdout);
    assert_eq!(bot_notes(&fake), 1);

    fake.fault(Some("GET"), "/merge_requests", FaultKind::BadGateway, 1000);
    let r = bot(&fake, &fake.api_url(), &[("HBLINT_RETRY_ATTEMPTS", "2")]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("failed project `group/handbook`")
            && r.stdout.contains("GitLab answered 502"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_bot_names_the_request_of_a_merge_request_that_fails() {
    let fake = FakeGitlab::start();
    fake.state().files = vec![FakeFile::added(PAGE, TEXT)];
    fake.fault(
        Some("GET"),
        "/merge_requests/7/diffs",
        FaultKind::BadGateway,
        1000,
    );
    let r = bot(&fake, &fake.api_url(), &[("HBLINT_RETRY_ATTEMPTS", "2")]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "failed group/handbook!7: cannot list the changed files of merge request !7: \
             GitLab answered 502 (GitLab is not responding (502)) (GET http://127.0.0.1:"
        ) && r.stdout.contains("/merge_requests/7/diffs; 2 attempts in"),
        "{}",
        r.stdout
    );
}
