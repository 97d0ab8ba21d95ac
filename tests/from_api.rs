//! `hblint mr --from-api` without a checkout: the fake GitLab serves a
//! fixture repository (its tree with keyset pagination, its raw files at
//! the MR's commits, both from git), and the findings must equal those of
//! `hblint mr` in a checkout of the same commits.

mod fake_gitlab;

use fake_gitlab::*;
use std::path::Path;

use fake_gitlab::{commit_all as commit, git_in as git, write_file as write};

const CONFIG: &str = "[rules]\ntypo = \"warning\"\n\n[links]\nskip = [\"/handbook/skipped/\"]\n";

/// The base commit's files: settings that change the findings (a rule's
/// severity, a skipped prefix, the link checker's exclusions), redirects,
/// a generated static file list, pages with aliases, a slug and a draft.
const BASE: &[(&str, &str)] = &[
    (".hblint.toml", CONFIG),
    (
        ".hugolint.yaml",
        "exclude:\n  - pattern: '^/handbook/excluded/'\n",
    ),
    (
        "data/redirects.yml",
        "- sources: /handbook/moved-away/\n  target: /handbook/values/\n  comp_op: '='\n",
    ),
    ("static-files.txt", "static/images/generated.png\n"),
    ("static/images/logo.png", "png"),
    ("README.md", "# The handbook repository\n"),
    ("content/_index.md", "# Home\n"),
    ("content/handbook/_index.md", "# Handbook\n"),
    (
        "content/handbook/values.md",
        "---\ntitle: Values\naliases: [/handbook/our-values/]\n---\n# Values\n\n## Collaboration\n\nText.\n",
    ),
    (
        "content/handbook/renamed.md",
        "---\ntitle: Renamed\nslug: published-name\n---\n# Renamed\n\n## Section One\n",
    ),
    (
        "content/handbook/draft.md",
        "---\ntitle: Draft\ndraft: true\n---\n# Draft\n",
    ),
    ("content/handbook/old.md", "# Old\n\nGone soon.\n"),
    (
        "content/handbook/linker.md",
        "# Linker\n\nSee [the old page](/handbook/old/).\n",
    ),
    (
        "content/handbook/team/_index.md",
        "# Team\n\n## Who We Are\n",
    ),
];

const NEW_PAGE: &str = "content/handbook/new.md";
const NEW_TEXT: &str = "---
title: New
---
# New page

Teh team works here.

- [values](/handbook/values/)
- [values anchor](/handbook/values/#collaboration)
- [values bad anchor](/handbook/values/#colaboration)
- [alias](/handbook/our-values/)
- [slug page](/handbook/published-name/)
- [slug anchor](/handbook/published-name/#section-one)
- [slug bad anchor](/handbook/published-name/#section-two)
- [draft](/handbook/draft/)
- [redirect](/handbook/moved-away/)
- [excluded](/handbook/excluded/anything/)
- [skipped](/handbook/skipped/x/)
- [broken](/handbook/nowhere/)
- [logo](/images/logo.png)
- [generated](/images/generated.png)
- [relative](team/)
- [team anchor](../handbook/team/#who-we-are)
- [team bad anchor](/handbook/team/#who-we-were)
- [old](/handbook/old/)
- [readme](/README.md)
";

/// A repository with the base commit, 150 more files (so that the tree
/// takes two pages of 100), and a head commit that adds a page and deletes
/// another; the fake serves it and its MR points at both commits.
fn fixture(fake: &FakeGitlab) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    for (path, text) in BASE {
        write(root, path, text);
    }
    for i in 0..150 {
        write(root, &format!("static/files/f{i:03}.txt"), "x\n");
    }
    let base = commit(root, "base");
    write(root, NEW_PAGE, NEW_TEXT);
    std::fs::remove_file(root.join("content/handbook/old.md")).expect("remove");
    let head = commit(root, "head");
    fake.serve_repository(root);
    let mut st = fake.state();
    st.files = vec![
        FakeFile::added(NEW_PAGE, NEW_TEXT),
        FakeFile::deleted("content/handbook/old.md"),
    ];
    st.base_sha = base;
    st.head_sha = head;
    st.labels = vec!["documentation".into()];
    drop(st);
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `hblint mr` with a merge request pipeline's variables, in `cwd`.
fn mr(fake: &FakeGitlab, cwd: &Path, args: &[&str]) -> Run {
    let mut cmd = mr_pipeline(fake);
    cmd.args(args)
        .current_dir(cwd)
        .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN);
    let out = cmd.output().expect("hblint runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The human report without its run time (`[0.34s]`).
fn without_timing(report: &str) -> String {
    report
        .lines()
        .map(|l| match l.rfind(" [") {
            Some(i) if l.ends_with("s]") => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The raw files the fake was asked for, decoded.
fn raw_requests(fake: &FakeGitlab) -> Vec<String> {
    fake.log()
        .iter()
        .filter_map(|l| {
            let (_, rest) = l.split_once("/repository/files/")?;
            let (file, _) = rest.split_once("/raw")?;
            Some(file.replace("%2F", "/").replace("%2E", "."))
        })
        .collect()
}

#[test]
fn findings_through_the_api_equal_those_of_a_checkout() {
    let fake = FakeGitlab::start();
    let repo = fixture(&fake);
    let out = tempfile::tempdir().expect("temp dir");
    let (local_cq, api_cq) = (out.path().join("local.json"), out.path().join("api.json"));

    let local = mr(
        &fake,
        repo.path(),
        &["--no-comment", "--codequality", &local_cq.to_string_lossy()],
    );
    assert_eq!(local.code, 1, "{}\n{}", local.stdout, local.stderr);
    assert!(
        !fake.log().iter().any(|l| l.contains("/repository/tree")),
        "a checkout run lists no tree"
    );

    // No checkout: an empty folder is the current directory.
    let empty = tempfile::tempdir().expect("temp dir");
    let api = mr(
        &fake,
        empty.path(),
        &[
            "--from-api",
            "--no-comment",
            "--codequality",
            &api_cq.to_string_lossy(),
        ],
    );
    assert_eq!(api.code, 1, "{}\n{}", api.stdout, api.stderr);

    let (local_json, api_json) = (read(&local_cq), read(&api_cq));
    assert_eq!(local_json, api_json, "Code Quality reports differ");
    assert_eq!(
        without_timing(&local.stdout),
        without_timing(&api.stdout),
        "human reports differ"
    );

    // The findings are the ones the fixture is built for, so the comparison
    // above is not between two empty reports.
    let findings: serde_json::Value = serde_json::from_str(&api_json).expect("JSON");
    let found: Vec<(String, String)> = findings
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| {
            (
                f["check_name"].as_str().unwrap_or_default().to_owned(),
                f["location"]["path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    for (rule, path) in [
        ("typo", NEW_PAGE),
        ("broken-anchor", NEW_PAGE),
        ("broken-link", NEW_PAGE),
        ("link-to-deleted-page", "content/handbook/linker.md"),
    ] {
        assert!(
            found.iter().any(|(r, p)| r == rule && p == path),
            "no {rule} in {path}: {found:?}"
        );
    }
    let broken_links = found.iter().filter(|(r, _)| r == "broken-link").count();
    let broken_anchors = found.iter().filter(|(r, _)| r == "broken-anchor").count();
    assert_eq!(
        (broken_links, broken_anchors),
        (4, 3),
        "nowhere, the draft, the old page and the README; three bad anchors: {found:?}"
    );
    // `typo = "warning"` in the tree's .hblint.toml applies.
    let typo = findings
        .as_array()
        .and_then(|all| all.iter().find(|f| f["check_name"] == "typo"))
        .expect("a typo finding");
    assert_eq!(typo["severity"], "minor", "{typo}");

    // The tree came in two keyset pages through the configured URL.
    let tree: Vec<String> = fake
        .log()
        .into_iter()
        .filter(|l| l.contains("/repository/tree"))
        .collect();
    assert_eq!(tree.len(), 2, "{tree:?}");
    assert!(tree[0].contains("pagination=keyset") && tree[0].contains("per_page=100"));
    assert!(tree[1].contains("page_token="), "{tree:?}");
    assert!(
        tree.iter()
            .all(|l| l.starts_with("GET /api/v4/projects/1/")),
        "{tree:?}"
    );
    // The settings' files were read from the repository.
    let raw = raw_requests(&fake);
    for file in [
        ".hblint.toml",
        ".hugolint.yaml",
        "data/redirects.yml",
        "static-files.txt",
    ] {
        assert!(raw.iter().any(|r| r == file), "{file} not read: {raw:?}");
    }
}

#[test]
fn only_the_pages_a_review_needs_are_read() {
    let fake = FakeGitlab::start();
    let repo = fixture(&fake);
    let small = "content/handbook/small.md";
    let page =
        "# Small\n\n[values](/handbook/values/#collaboration) and [team](/handbook/team/).\n";
    write(repo.path(), small, page);
    let head = commit(repo.path(), "a small page");
    {
        let mut st = fake.state();
        st.files = vec![FakeFile::added(small, page)];
        st.head_sha = head;
    }
    let empty = tempfile::tempdir().expect("temp dir");
    let run = mr(&fake, empty.path(), &["--from-api", "--no-comment"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let raw = raw_requests(&fake);
    for unread in [
        "content/handbook/renamed.md",
        "content/handbook/draft.md",
        "content/handbook/linker.md",
        "static/images/logo.png",
    ] {
        assert!(!raw.iter().any(|r| r == unread), "{unread} read: {raw:?}");
    }
    assert!(
        raw.iter().any(|r| r == "content/handbook/team/_index.md"),
        "{raw:?}"
    );
}

#[test]
fn a_bad_configuration_in_the_tree_names_its_file_and_line() {
    let fake = FakeGitlab::start();
    let repo = fixture(&fake);
    write(
        repo.path(),
        ".hblint.toml",
        "[rules]\ntypo = \"warning\"\nbroken-link = \"loud\"\n",
    );
    let head = commit(repo.path(), "bad settings");
    fake.state().head_sha = head;
    let empty = tempfile::tempdir().expect("temp dir");
    let run = mr(&fake, empty.path(), &["--from-api", "--no-comment"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("invalid severity `loud`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(".hblint.toml:3"), "{}", run.stderr);
    assert!(!run.stderr.contains("hblint-settings-"), "{}", run.stderr);
}

#[test]
fn a_tree_without_settings_uses_the_defaults() {
    let fake = FakeGitlab::start();
    let repo = fixture(&fake);
    std::fs::remove_file(repo.path().join(".hblint.toml")).expect("remove");
    let head = commit(repo.path(), "no settings");
    fake.state().head_sha = head;
    let out = tempfile::tempdir().expect("temp dir");
    let cq = out.path().join("cq.json");
    let run = mr(
        &fake,
        out.path(),
        &[
            "--from-api",
            "--no-comment",
            "--codequality",
            &cq.to_string_lossy(),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = read(&cq);
    // Without `typo = "warning"` a typo is an error; `/handbook/skipped/` is checked.
    let findings: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let typo = findings
        .as_array()
        .and_then(|all| all.iter().find(|f| f["check_name"] == "typo"))
        .expect("a typo finding");
    assert_eq!(typo["severity"], "major", "{typo}");
    assert!(json.contains("/handbook/skipped/x/"), "{json}");
}

#[test]
fn an_unknown_head_commit_stops_the_review() {
    let fake = FakeGitlab::start();
    let _repo = fixture(&fake);
    fake.state().head_sha = "0".repeat(40);
    let empty = tempfile::tempdir().expect("temp dir");
    let run = mr(&fake, empty.path(), &["--from-api", "--no-comment"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("404"), "{}", run.stderr);
}

/// The fake's tree endpoint refuses and clamps as GitLab does.
#[test]
fn the_fake_tree_answers_as_gitlab_documents() {
    let fake = FakeGitlab::start();
    let _repo = fixture(&fake);
    let head = fake.state().head_sha.clone();
    let client = reqwest::blocking::Client::new();
    let get = |query: &str| {
        client
            .get(format!(
                "{}/projects/{PROJECT_ID}/repository/tree?{query}",
                fake.api_url()
            ))
            .header("PRIVATE-TOKEN", BOT_TOKEN)
            .send()
            .expect("the fake answers")
    };
    let clamped = get(&format!(
        "ref={head}&recursive=true&pagination=keyset&per_page=500"
    ));
    assert_eq!(clamped.status(), 200);
    assert!(clamped.headers().get("link").is_some());
    let entries: Vec<serde_json::Value> = clamped.json().expect("JSON");
    assert_eq!(entries.len(), 100, "per_page is at most 100");
    assert_eq!(
        get(&format!("ref={}&pagination=keyset", "f".repeat(40))).status(),
        404
    );
    assert_eq!(get(&format!("ref={head}&pagination=pages")).status(), 400);
    assert_eq!(get(&format!("ref={head}&pagination=none")).status(), 400);
    let top: Vec<serde_json::Value> = get(&format!("ref={head}&pagination=keyset"))
        .json()
        .expect("JSON");
    assert!(top.len() <= 20, "per_page defaults to 20");
    assert!(
        top.iter()
            .all(|e| !e["path"].as_str().unwrap_or("/").contains('/'))
    );
}
