//! The template's job run by a GitLab CI runner nobody here wrote:
//! gitlab-ci-local (npm), shell executor, against the fake GitLab. It checks
//! the job's rules, variables, binary download with its checksum, and
//! artifacts. Without the tool the test is skipped loudly, except in CI
//! (`CI=true`), where `.ci/run` installs it and its absence is a failure.

use super::*;
use sha2::{Digest, Sha256};

fn on_path(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[test]
fn the_template_job_runs_in_gitlab_ci_local_against_the_fake() {
    // gitlab-ci-local copies the checkout with rsync for its shell executor.
    let (Some(tool), Some(_)) = (on_path("gitlab-ci-local"), on_path("rsync")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "gitlab-ci-local or rsync is not installed: .ci/run installs both"
        );
        eprintln!(
            "\n\n*** SKIPPED: gitlab-ci-local or rsync is not installed; the template's job was \
             NOT run. Install them as .ci/run does (`npm install -g gitlab-ci-local@4.62.0`, \
             `apt-get install rsync`). ***\n"
        );
        return;
    };
    let fake = FakeGitlab::start();
    // The hblint project publishes the binary and its checksum.
    let binary = std::fs::read(env!("CARGO_BIN_EXE_hblint")).expect("the binary");
    let sum = format!("{:x}  hblint\n", Sha256::digest(&binary));
    {
        let mut st = fake.state();
        st.artifacts.insert("hblint".into(), binary);
        st.artifacts
            .insert("hblint.sha256".into(), sum.into_bytes());
        st.files = vec![FakeFile::added(
            "content/handbook/page.md",
            "# Page\n\nWe recieve requests.\n",
        )];
    }
    let plain =
        std::fs::read_to_string(repo_file("templates/hblint.gitlab-ci.yml")).expect("template");
    let component =
        std::fs::read_to_string(repo_file("templates/hblint/template.yml")).expect("component");
    let cases = [
        (
            "plain include",
            "include:\n  - local: /templates/hblint.gitlab-ci.yml\n\nhblint:\n  variables:\n    HBLINT_ARGS: --select typo\n",
            "gitlab-ci-local",
        ),
        (
            "component",
            "include:\n  - local: /templates/hblint/template.yml\n    inputs:\n      args: --select typo\n",
            "gitlab-ci-local-component",
        ),
    ];
    for (what, ci, evidence) in cases {
        run_case(&tool, &fake, (what, ci, evidence), &plain, &component);
    }
}

/// One pipeline file (`what`, its text, the name of its saved log) run by gitlab-ci-local.
fn run_case(
    tool: &Path,
    fake: &FakeGitlab,
    (what, ci, evidence): (&str, &str, &str),
    plain: &str,
    component: &str,
) {
    let dir = repo_with(
        fake,
        &[
            (".gitlab-ci.yml", ci),
            ("templates/hblint.gitlab-ci.yml", plain),
            ("templates/hblint/template.yml", component),
        ],
    );
    let root = dir.path();
    add_origin(root);
    let base = fake.state().base_sha.clone();
    let mut cmd = ci_local_command(
        tool,
        root,
        &[
            ("CI_PIPELINE_SOURCE", "merge_request_event".to_string()),
            ("CI_API_V4_URL", fake.api_url()),
            ("CI_JOB_TOKEN", JOB_TOKEN.to_string()),
            ("CI_MERGE_REQUEST_IID", MR_IID.to_string()),
            ("CI_MERGE_REQUEST_PROJECT_ID", PROJECT_ID.to_string()),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base),
            ("CI_MERGE_REQUEST_LABELS", "documentation".to_string()),
        ],
    );
    cmd.arg("hblint");
    let run = output(cmd);
    if let Ok(dir) = std::env::var("HBLINT_EVIDENCE_DIR") {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            Path::new(&dir).join(format!("{evidence}.log")),
            format!("{}{}\nexit code: {}\n", run.stdout, run.stderr, run.code),
        );
    }
    let log = format!("{}\n{}", run.stdout, run.stderr);
    // The job ran, downloaded and checked the binary, linted, and failed by
    // its findings (exit 1), which the template allows.
    assert!(
        log.contains("hblint: OK"),
        "{what}: checksum checked: {log}"
    );
    assert!(log.contains("recieve"), "{log}");
    assert!(
        log.contains("labels: from CI_MERGE_REQUEST_LABELS"),
        "{log}"
    );
    assert!(log.contains("no comment posted"), "{log}");
    assert!(fake.notes().is_empty(), "{what}");
    let artifacts = root.join(".gitlab-ci-local/artifacts/hblint");
    let cq = std::fs::read_to_string(artifacts.join("gl-code-quality-report.json"))
        .unwrap_or_else(|e| panic!("{}: {e}\n{log}", artifacts.display()));
    assert!(
        cq.contains("\"check_name\":\"typo\"") || cq.contains("\"typo\""),
        "{cq}"
    );
    assert!(artifacts.join("hblint-junit.xml").is_file(), "{log}");
}
