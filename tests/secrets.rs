//! The GitLab token never reaches standard output, standard error, a report
//! or the note: every mode runs with a recognisable token in the
//! environment, and every output is searched for it — also when the server
//! echoes the token back in its error pages.

mod fake_gitlab;

use fake_gitlab::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A token no output may contain (also as the `check` modes' environment).
const SECRET: &str = "glpat-SECRETSECRET-hblint-4f9c2e";

const PAGE: &str = "content/handbook/page.md";
const TEXT: &str = "# Page\n\nWe fix teh typo here.\n";

struct Outputs {
    code: Option<i32>,
    texts: Vec<(String, String)>,
}

impl Outputs {
    /// No output holds `secret`.
    fn assert_clean(&self, secret: &str) {
        for (what, text) in &self.texts {
            assert!(!text.contains(secret), "the token is in {what}:\n{text}");
        }
    }
}

fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join(PAGE);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, TEXT).expect("write");
    dir
}

/// Run hblint with the token in every variable hblint reads, with backtraces
/// and the most verbose logging a library could honour.
fn run(
    root: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    token: &str,
    files: &[PathBuf],
) -> Outputs {
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .args(args)
        .current_dir(root)
        .env("HBLINT_GITLAB_TOKEN", token)
        .env("GITLAB_TOKEN", token)
        .env("CI_JOB_TOKEN", token)
        .env("RUST_BACKTRACE", "full")
        .env("RUST_LOG", "trace")
        .env_remove("CI_MERGE_REQUEST_LABELS")
        .envs(env.iter().copied())
        .output()
        .expect("hblint runs");
    let mut texts = vec![
        (
            format!("stdout of {args:?}"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ),
        (
            format!("stderr of {args:?}"),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ),
    ];
    for f in files {
        texts.push((
            f.display().to_string(),
            std::fs::read(f)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default(),
        ));
    }
    Outputs {
        code: out.status.code(),
        texts,
    }
}

#[test]
fn check_in_every_format_and_mode() {
    let dir = checkout();
    let root = dir.path();
    let report = root.join("report.out");
    let reports = [report.clone()];
    let root_arg = root.to_string_lossy().into_owned();
    let report_arg = report.to_string_lossy().into_owned();
    for format in ["human", "json", "codequality", "junit", "note"] {
        let o = run(
            root,
            &[
                "check",
                "--root",
                &root_arg,
                "--format",
                format,
                "--output",
                &report_arg,
            ],
            &[],
            SECRET,
            &reports,
        );
        assert_eq!(o.code, Some(1));
        o.assert_clean(SECRET);
    }
    run(
        root,
        &["check", "--root", &root_arg, "--diff"],
        &[],
        SECRET,
        &[],
    )
    .assert_clean(SECRET);
    let status = Command::new("git")
        .args(["init", "-q"])
        .current_dir(root)
        .status()
        .expect("git");
    assert!(status.success());
    let status = Command::new("git")
        .args(["add", "-A"])
        .current_dir(root)
        .status()
        .expect("git");
    assert!(status.success());
    run(root, &["check", "--staged"], &[], SECRET, &[]).assert_clean(SECRET);
    let o = run(root, &["check", "--staged", "--fix"], &[], SECRET, &[]);
    o.assert_clean(SECRET);
    assert_eq!(
        std::fs::read_to_string(root.join(PAGE)).expect("read"),
        TEXT.replace("teh", "the")
    );
}

fn mr_env(api_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("CI_API_V4_URL", api_url.to_owned()),
        ("CI_PROJECT_ID", PROJECT_ID.to_owned()),
        ("CI_MERGE_REQUEST_IID", MR_IID.to_string()),
        ("HBLINT_RETRY_BASE_MS", "20".to_owned()),
        ("HBLINT_HTTP_TIMEOUT", "5".to_owned()),
    ]
}

fn as_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn mr_dry_run_posting_and_a_refused_token() {
    let fake = FakeGitlab::start();
    fake.state().files = vec![FakeFile::added(PAGE, TEXT)];
    let dir = checkout();
    let root = dir.path();
    fake_gitlab::commit_checkout(root, &fake);
    let root_arg = root.to_string_lossy().into_owned();
    let cq = root.join("cq.json");
    let junit = root.join("junit.xml");
    let (cq_arg, junit_arg) = (
        cq.to_string_lossy().into_owned(),
        junit.to_string_lossy().into_owned(),
    );
    let env = mr_env(&fake.api_url());
    let reports = [cq.clone(), junit.clone()];
    for extra in [&["--dry-run"][..], &[], &["--inline"]] {
        let mut args = vec![
            "mr",
            "--root",
            &root_arg,
            "--codequality",
            &cq_arg,
            "--junit",
            &junit_arg,
        ];
        args.extend_from_slice(extra);
        let o = run(root, &args, &as_refs(&env), BOT_TOKEN, &reports);
        assert_eq!(o.code, Some(1), "{:?}", o.texts);
        o.assert_clean(BOT_TOKEN);
    }
    let notes = serde_json::to_string(&fake.notes()).expect("json");
    assert!(notes.contains("teh"), "a note was posted: {notes}");
    assert!(!notes.contains(BOT_TOKEN), "{notes}");
    // A token the server refuses is named by its variable, never shown.
    let o = run(
        root,
        &["mr", "--root", &root_arg],
        &as_refs(&env),
        SECRET,
        &[],
    );
    assert_eq!(o.code, Some(2));
    o.assert_clean(SECRET);
}

/// A server that answers every request with `status` and a body quoting the
/// token header it received, as a misconfigured proxy might.
fn echo_server(status: u16, content_type: &'static str) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("server");
    let port = server.server_addr().to_ip().map_or(0, |a| a.port());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let token: Vec<String> = request
                .headers()
                .iter()
                .filter(|h| {
                    let name = h.field.as_str().as_str().to_ascii_lowercase();
                    name.contains("token") || name == "authorization"
                })
                .map(|h| h.value.as_str().to_owned())
                .collect();
            let body = if content_type.contains("json") {
                format!(
                    "{{\"message\":\"401 Unauthorized: token {}\"}}",
                    token.join(",")
                )
            } else {
                format!("<html><body>Bad token {}</body></html>", token.join(","))
            };
            let header =
                tiny_http::Header::from_bytes("Content-Type", content_type).expect("header");
            let _ = request.respond(
                tiny_http::Response::from_string(body)
                    .with_status_code(status)
                    .with_header(header),
            );
        }
    });
    format!("http://127.0.0.1:{port}/api/v4")
}

#[test]
fn a_server_that_echoes_the_token_does_not_make_hblint_print_it() {
    let dir = checkout();
    let root = dir.path();
    let root_arg = root.to_string_lossy().into_owned();
    for (status, content_type) in [
        (401, "application/json"),
        (500, "application/json"),
        (502, "text/html"),
        (200, "text/html"),
    ] {
        let env = mr_env(&echo_server(status, content_type));
        let junit = root.join("junit.xml");
        let junit_arg = junit.to_string_lossy().into_owned();
        let o = run(
            root,
            &[
                "mr",
                "--root",
                &root_arg,
                "--dry-run",
                "--junit",
                &junit_arg,
            ],
            &as_refs(&env),
            SECRET,
            std::slice::from_ref(&junit),
        );
        assert_eq!(o.code, Some(2), "{status}: {:?}", o.texts);
        if status != 200 {
            // The server's page is quoted, with the token masked.
            assert!(o.texts[1].1.contains("token [token]"), "{:?}", o.texts[1]);
        }
        o.assert_clean(SECRET);
    }
}
