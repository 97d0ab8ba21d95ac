//! `hblint bot`: the sweep over a project's open merge requests, against the fake GitLab.

mod fake_gitlab;

use fake_gitlab::*;
use std::process::Command;

const PAGE: &str = "# Solutions Architects\n\nOur serivices help customers.\n";

fn sha(n: u64) -> String {
    format!("{n:040x}")
}

/// Merge request `iid`: one new page with a typo, at head `sha(iid)`.
fn mr(iid: u64, labels: &[&str]) -> FakeMr {
    FakeMr {
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        files: vec![FakeFile::added(
            &format!("content/handbook/solutions-architects/page-{iid}.md"),
            PAGE,
        )],
        head_sha: sha(iid),
        base_sha: sha(1),
        updated_at: "2026-11-26T10:00:00Z".into(),
        ..FakeMr::default()
    }
}

fn sweep(fake: &FakeGitlab, extra: &[&str]) -> (i32, String, String) {
    let root = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .arg("bot")
        .args(["--project", PROJECT_PATH, "--select", "typo,missing-label"])
        .args(["--root", &root.path().display().to_string()])
        .args(extra)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CI_API_V4_URL", fake.api_url())
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN)
        .env("HBLINT_RETRY_BASE_MS", "10")
        .env("HBLINT_RETRY_ATTEMPTS", "2")
        .env("HBLINT_HTTP_TIMEOUT", "5")
        .output()
        .expect("hblint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_sweep_over_thirty_mrs_survives_a_429_and_a_500() {
    let fake = GitlabWith30::start();
    let fake = &fake.0;
    // !15 is rate limited once (GitLab's 429 with Retry-After); !20's diffs
    // fail with 500 on both attempts.
    fake.fault(
        Some("GET"),
        "/merge_requests/15/diffs",
        FaultKind::RateLimit { retry_after: 1 },
        1,
    );
    fake.fault(
        Some("GET"),
        "/merge_requests/20/diffs",
        FaultKind::ServerError,
        2,
    );
    let (code, stdout, stderr) = sweep(fake, &["--concurrency", "4"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "seen 30, reviewed 28 (notes posted 28, edited 0), skipped 1 (note current), failed 1"
        ),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("failed group/handbook!20:") && stdout.contains("500"),
        "{stdout}"
    );
    for iid in (8..=37).filter(|i| ![20, 12, 34].contains(i)) {
        let notes = fake.bot_notes(iid);
        assert_eq!(notes.len(), 1, "!{iid}: {notes:?}");
        assert!(
            notes[0].contains(&format!("<!-- hblint:reviewed={} -->", sha(iid))),
            "{}",
            notes[0]
        );
        assert!(notes[0].contains("serivices"), "{}", notes[0]);
    }
    // The draft was not listed; the MR with a current note was left alone.
    assert!(fake.bot_notes(34).is_empty());
    assert_eq!(fake.bot_notes(12).len(), 1);
    assert!(fake.bot_notes(12)[0].contains("earlier review"));
    assert!(fake.bot_notes(20).is_empty());

    // The next sweep reviews only the MR that failed.
    let (code, stdout, _) = sweep(fake, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(
            "seen 30, reviewed 1 (notes posted 1, edited 0), skipped 29 (note current), failed 0"
        ),
        "{stdout}"
    );
}

#[test]
fn the_sweep_filters_by_labels_and_update_time_and_can_take_drafts() {
    let fake = GitlabWith30::start();
    let fake = &fake.0;
    let filter = [
        "--label",
        "SA-HANDBOOK",
        "--updated-after",
        "2026-11-26T00:00:00Z",
    ];
    // Even IIDs from 8 to 36 carry the label: fifteen, less !10 (updated
    // before the time) and the draft !34.
    let (_, stdout, _) = sweep(fake, &filter);
    assert!(stdout.contains("seen 13,"), "{stdout}");
    let (_, stdout, _) = sweep(fake, &[&filter[..], &["--drafts"]].concat());
    assert!(stdout.contains("seen 14,"), "{stdout}");
    assert_eq!(fake.bot_notes(34).len(), 1);
    assert!(fake.bot_notes(10).is_empty());
    assert!(fake.bot_notes(9).is_empty());
}

/// The fake with !7 and thirty more MRs: !8 to !37, of which !34 is a draft
/// (so thirty are listed with !7) and !12's note already records its head.
struct GitlabWith30(FakeGitlab);

impl GitlabWith30 {
    fn start() -> GitlabWith30 {
        let fake = FakeGitlab::start();
        {
            let mut st = fake.state();
            st.head_sha = sha(7);
            st.files = vec![FakeFile::added("content/handbook/other.md", PAGE)];
        }
        for iid in 8..=37 {
            let labels: &[&str] = if iid % 2 == 0 {
                &["documentation", "SA-HANDBOOK"]
            } else {
                &["documentation"]
            };
            let mut m = mr(iid, labels);
            m.draft = iid == 34;
            if iid == 10 {
                m.updated_at = "2026-11-20T10:00:00Z".into();
            }
            fake.add_mr(iid, m);
        }
        fake.add_note_to(
            12,
            BOT_ID,
            &format!(
                "<!-- hblint:mr-note -->\n<!-- hblint:reviewed={} -->\nearlier review",
                sha(12)
            ),
        );
        GitlabWith30(fake)
    }
}

use fake_gitlab::git_in as git;

#[test]
fn the_settings_of_the_mrs_head_commit_apply_without_a_checkout() {
    let fake = FakeGitlab::start();
    let repo = tempfile::tempdir().expect("temp dir");
    let page = "content/handbook/solutions-architects/_index.md";
    write_file(repo.path(), page, PAGE);
    git(repo.path(), &["init", "-q"]);
    let first = commit_all(repo.path(), "a page");
    fake.serve_repository(repo.path());
    {
        let mut st = fake.state();
        st.files = vec![FakeFile::added(page, PAGE)];
        st.head_sha = first;
        st.labels = vec!["documentation".into()];
    }
    let (code, stdout, stderr) = sweep(&fake, &[]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let notes = fake.bot_notes(MR_IID);
    assert_eq!(notes.len(), 1, "{stdout}\n{stderr}");
    assert!(notes[0].contains("serivices"), "{}", notes[0]);

    // The next commit adds a .hblint.toml that ignores the typo rule there:
    // the sweep reads it from the repository at the new head.
    std::fs::write(
        repo.path().join(".hblint.toml"),
        "[[ignore]]\npaths = [\"content/handbook/**\"]\nrules = [\"typo\"]\n",
    )
    .expect("write");
    let second = commit_all(repo.path(), "settings");
    fake.state().head_sha = second;
    let (code, stdout, stderr) = sweep(&fake, &[]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let notes = fake.bot_notes(MR_IID);
    assert_eq!(notes.len(), 1, "edited in place: {notes:?}");
    assert!(!notes[0].contains("serivices"), "{}", notes[0]);
    assert!(
        fake.log()
            .iter()
            .any(|l| l.contains("/repository/files/.hblint.toml/raw")
                || l.contains("%2Ehblint%2Etoml")),
        "{:?}",
        fake.log()
    );
}

/// The README's scheduled pipeline, run by gitlab-ci-local (shell executor)
/// against the fake: the template downloads and checks the binary, and the
/// `hblint-bot` job reviews the MR updated within the last day, with no
/// checkout of the handbook's pages. The README includes the template from
/// the hblint project; here the same file is included locally.
#[test]
fn the_readme_scheduled_pipeline_runs_in_gitlab_ci_local() {
    use sha2::{Digest, Sha256};
    let on_path = |name: &str| {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    };
    let (Some(tool), Some(_)) = (on_path("gitlab-ci-local"), on_path("rsync")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "gitlab-ci-local or rsync is not installed: .ci/run installs both"
        );
        eprintln!("\n\n*** SKIPPED: gitlab-ci-local or rsync is not installed ***\n");
        return;
    };
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let block = readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("hblint-bot:"))
        .expect("the README's scheduled pipeline");
    let ci = block.replace(
        "  - project: gitlab-com/hblint\n    file: /templates/hblint.gitlab-ci.yml",
        "  - local: /templates/hblint.gitlab-ci.yml",
    );
    assert!(ci.contains("hblint bot --project"), "{ci}");

    let fake = FakeGitlab::start();
    let binary = std::fs::read(env!("CARGO_BIN_EXE_hblint")).expect("the binary");
    let sum = format!("{:x}  hblint\n", Sha256::digest(&binary));
    let now = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .expect("date runs");
    let now = String::from_utf8_lossy(&now.stdout).trim().to_owned();

    let project = tempfile::tempdir().expect("temp dir");
    let root = project.path();
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/hblint.gitlab-ci.yml"
    ))
    .expect("template");
    let page = "content/handbook/solutions-architects/_index.md";
    for (path, text) in [
        (".gitlab-ci.yml", ci.as_str()),
        ("templates/hblint.gitlab-ci.yml", template.as_str()),
        (page, PAGE),
    ] {
        write_file(root, path, text);
    }
    git(root, &["init", "-q"]);
    commit_all(root, "the handbook");
    add_origin(root);
    let head = git(root, &["rev-parse", "HEAD"]);
    fake.serve_repository(root);
    {
        let mut st = fake.state();
        st.artifacts.insert("hblint".into(), binary);
        st.artifacts
            .insert("hblint.sha256".into(), sum.into_bytes());
    }
    fake.add_mr(
        8,
        FakeMr {
            labels: vec!["documentation".into()],
            files: vec![FakeFile::added(page, PAGE)],
            head_sha: head,
            base_sha: sha(1),
            updated_at: now,
            ..FakeMr::default()
        },
    );

    let mut cmd = ci_local_command(
        &tool,
        root,
        &[
            ("CI_PIPELINE_SOURCE", "schedule".to_string()),
            ("CI_API_V4_URL", fake.api_url()),
            ("CI_JOB_TOKEN", JOB_TOKEN.to_string()),
            ("CI_PROJECT_ID", PROJECT_ID.to_string()),
            ("HBLINT_GITLAB_TOKEN", BOT_TOKEN.to_string()),
        ],
    );
    cmd.arg("hblint-bot");
    let out = cmd.output().expect("gitlab-ci-local runs");
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if let Ok(dir) = std::env::var("HBLINT_EVIDENCE_DIR") {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            std::path::Path::new(&dir).join("gitlab-ci-local-bot.log"),
            &log,
        );
    }
    assert!(
        log.contains("hblint: OK"),
        "the checksum was checked: {log}"
    );
    // !7 was updated more than a day ago: only !8 is listed and reviewed.
    assert!(
        log.contains("seen 1, reviewed 1 (notes posted 1, edited 0)"),
        "{log}"
    );
    let notes = fake.bot_notes(8);
    assert_eq!(notes.len(), 1, "{log}");
    assert!(notes[0].contains("serivices"), "{}", notes[0]);
    assert!(fake.bot_notes(MR_IID).is_empty());
}

/// A sweep reviews many MRs of one repository: a page unchanged between
/// their heads (the same blob) is read through the API once.
#[test]
fn a_sweep_reads_an_unchanged_page_once_for_all_its_mrs() {
    let fake = FakeGitlab::start();
    let repo = tempfile::tempdir().expect("temp dir");
    let root = repo.path();
    let target = "content/handbook/values.md";
    write_file(root, target, "# Values\n\n## Collaboration\n");
    git(root, &["init", "-q"]);
    commit_all(root, "base");
    let mut heads = Vec::new();
    for name in ["a", "b"] {
        let page = format!("content/handbook/{name}.md");
        let text = format!(
            "# {name}\n\n[v](/handbook/values/#collaboration) [w](/handbook/values/#nope)\n"
        );
        write_file(root, &page, &text);
        let head = commit_all(root, name);
        heads.push((page, text, head));
    }
    fake.serve_repository(root);
    {
        let mut st = fake.state();
        let (page, text, head) = &heads[0];
        st.files = vec![FakeFile::added(page, text)];
        st.head_sha = head.clone();
    }
    let (page, text, head) = &heads[1];
    fake.add_mr(
        8,
        FakeMr {
            labels: vec!["documentation".into()],
            files: vec![FakeFile::added(page, text)],
            head_sha: head.clone(),
            base_sha: sha(1),
            updated_at: "2026-11-26T10:00:00Z".into(),
            ..FakeMr::default()
        },
    );
    let out = Command::new(env!("CARGO_BIN_EXE_hblint"))
        .arg("bot")
        .args(["--project", PROJECT_PATH, "--select", "broken-anchor"])
        .args(["--concurrency", "1"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CI_API_V4_URL", fake.api_url())
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN)
        .env("HBLINT_HTTP_TIMEOUT", "5")
        .current_dir(tempfile::tempdir().expect("temp dir").path())
        .output()
        .expect("hblint runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("reviewed 2"), "{stdout}");
    for iid in [MR_IID, 8] {
        let notes = fake.bot_notes(iid);
        assert_eq!(notes.len(), 1, "!{iid}");
        assert!(notes[0].contains("#nope"), "{}", notes[0]);
        assert!(notes[0].contains("found 1 error"), "{}", notes[0]);
    }
    let reads = fake
        .log()
        .iter()
        .filter(|l| l.contains("/repository/files/") && l.contains("values"))
        .count();
    assert_eq!(reads, 1, "{:?}", fake.log());
    // Each MR's tree was listed at its own head.
    let trees: Vec<String> = fake
        .log()
        .into_iter()
        .filter(|l| l.contains("/repository/tree"))
        .collect();
    assert_eq!(trees.len(), 2, "{trees:?}");
}
