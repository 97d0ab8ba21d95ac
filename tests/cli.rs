//! CLI tests of `hblint check`, `rules` and `explain`: the real binary, real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hblint(args: &[&str], cwd: &Path) -> Output {
    // `$CI` would make the concise report the default.
    Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .args(args)
        .current_dir(cwd)
        .env_remove("CI_MERGE_REQUEST_LABELS")
        .env("NO_COLOR", "1")
        .output()
        .expect("run hblint")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// Findings of one rule as (path, line, column, end_column, fix).
fn findings_of(v: &serde_json::Value, rule: &str) -> Vec<(String, u64, u64, u64, Option<String>)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                f["end_column"].as_u64().unwrap_or(0),
                f["fix"]["replacement"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn example_handbook_shows_the_seed_defects_at_their_places() {
    let out = hblint(
        &[
            "check",
            "--root",
            "examples/handbook",
            "--select",
            "typo,mojibake",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let sa = "content/handbook/solutions-architects/_index.md".to_owned();
    let career = "content/handbook/solutions-architects/career-development.md".to_owned();
    let typos = findings_of(&v, "typo");
    assert!(
        typos.contains(&(sa, 25, 163, 172, Some("services".into()))),
        "{typos:?}"
    );
    assert!(
        typos.contains(&(career.clone(), 51, 93, 100, Some("addition".into()))),
        "{typos:?}"
    );
    let mojibake = findings_of(&v, "mojibake");
    assert_eq!(mojibake, vec![(career, 48, 67, 70, Some("’".into()))]);
    // Nothing on the kramdown TOC lines of either page.
    for f in v["findings"].as_array().expect("findings") {
        let line = f["line"].as_u64().unwrap_or(0);
        assert!(!(6..=10).contains(&line), "finding on a TOC line: {f}");
    }
}

#[test]
fn json_report_follows_the_contract() {
    let out = hblint(
        &[
            "check",
            "--root",
            "examples/handbook",
            "--select",
            "typo,mojibake",
            "--format",
            "json",
        ],
        &repo(),
    );
    let v = json(&out);
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        for key in ["rule", "severity", "path", "message"] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(f[key].as_u64().is_some_and(|n| n >= 1), "{key} in {f}");
        }
        assert!(!f["path"].as_str().unwrap_or("\\").contains('\\'));
    }
    let keys: Vec<(String, u64, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "findings are sorted by path, line, column");
    let s = &v["summary"];
    assert!(s["files"].as_u64().is_some_and(|n| n >= 2));
    assert_eq!(
        s["errors"].as_u64().unwrap_or(0)
            + s["warnings"].as_u64().unwrap_or(0)
            + s["infos"].as_u64().unwrap_or(0),
        findings.len() as u64
    );
}

#[test]
fn output_is_identical_from_run_to_run() {
    let args = ["check", "--root", "examples/handbook", "--format", "json"];
    let a = hblint(&args, &repo());
    let b = hblint(&args, &repo());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn human_report_shows_line_span_help_and_summary() {
    let out = hblint(
        &[
            "check",
            "--root",
            "examples/handbook",
            "--select",
            "typo,mojibake",
        ],
        &repo(),
    );
    let text = stdout(&out);
    assert!(
        text.contains("content/handbook/solutions-architects/_index.md:25:163"),
        "{text}"
    );
    assert!(text.contains("professional serivices partners"), "{text}");
    assert!(text.contains("replace with `services`"), "{text}");
    assert!(text.contains("─────────"), "the span is underlined: {text}");
    assert!(!text.contains('\u{1b}'), "no colour when piped: {text}");
    let summary = text
        .lines()
        .find(|l| l.starts_with("Found "))
        .unwrap_or_default();
    assert!(
        summary.starts_with("Found 3 errors and 0 warnings in 2 of "),
        "{summary}"
    );
}

#[test]
fn clean_files_exit_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("ok.md"),
        "# Fine\n\nAll words are right here.\n",
    )
    .expect("write");
    let out = hblint(&["check", "--root", ".", "ok.md"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("No findings in 1 file"));
}

#[test]
fn unreadable_binary_and_non_utf8_files_are_reported_and_the_rest_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.md"), "A serivices typo.\n").expect("write");
    std::fs::write(p.join("latin1.md"), b"caf\xe9 au lait\n").expect("write");
    std::fs::write(p.join("binary.md"), b"PNG\0\0\x01").expect("write");
    let out = hblint(&["check", "--root", ".", ".", "--format", "json"], p);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        findings_of(&v, "typo").len(),
        1,
        "the good file is still checked"
    );
    let errors = v["file_errors"].as_array().expect("file_errors");
    let messages: Vec<&str> = errors
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("latin1.md")
            && m.contains("not UTF-8")
            && m.contains("line 1, column 4")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("binary.md") && m.contains("binary")),
        "{messages:?}"
    );
}

#[test]
fn a_missing_path_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hblint(&["check", "--root", ".", "nope.md"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.md"), "{}", stderr(&out));
}

#[test]
fn bad_config_points_at_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join(".hblint.toml"),
        "[rules]\ntypo = \"warning\"\nspeling = \"off\"\n",
    )
    .expect("write");
    std::fs::write(p.join("a.md"), "Text.\n").expect("write");
    let out = hblint(&["check", "--root", ".", "a.md"], p);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown rule `speling`"), "{err}");
    assert!(
        err.contains(".hblint.toml:3:"),
        "names the file and line: {err}"
    );

    std::fs::write(p.join(".hblint.toml"), "[rules]\ntypo = \"loud\"\n").expect("write");
    let err = stderr(&hblint(&["check", "--root", ".", "a.md"], p));
    assert!(
        err.contains("invalid severity `loud`") && err.contains(".hblint.toml:2:"),
        "{err}"
    );

    std::fs::write(p.join(".hblint.toml"), "[rules\n").expect("write");
    let out = hblint(&["check", "--root", ".", "a.md"], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".hblint.toml:1:"), "{}", stderr(&out));
}

#[test]
fn config_changes_severity_and_turns_rules_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("a.md"), "A serivices typo and GitLabâ€™s garble.\n").expect("write");
    std::fs::write(
        p.join(".hblint.toml"),
        "[rules]\ntypo = \"warning\"\nmojibake = \"off\"\n",
    )
    .expect("write");
    let out = hblint(&["check", "--root", ".", "a.md", "--format", "json"], p);
    assert_eq!(out.status.code(), Some(0), "warnings alone exit 0");
    let v = json(&out);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["findings"][0]["severity"], "warning");

    std::fs::remove_file(p.join(".hblint.toml")).expect("rm");
    let v = json(&hblint(
        &[
            "check", "--root", ".", "a.md", "--format", "json", "--ignore", "typo",
        ],
        p,
    ));
    assert_eq!(findings_of(&v, "typo").len(), 0);
    assert_eq!(findings_of(&v, "mojibake").len(), 1);
    let v = json(&hblint(
        &[
            "check", "--root", ".", "a.md", "--format", "json", "--select", "typo",
        ],
        p,
    ));
    assert_eq!(findings_of(&v, "mojibake").len(), 0);
    let out = hblint(&["check", "--root", ".", "a.md", "--select", "nope"], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule `nope`"));
}

#[test]
fn generator_syntax_never_produces_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("g.md"),
        "## On this page\n{:.no_toc .hidden-md .hidden-lg}\n\n- TOC\n{:toc .hidden-md .hidden-lg}\n\n\
         {::options parse_block_html=\"true\" /}\n\n<%= partial(\"includes/addtion\") %>\n\n\
         {{< alert serivices=\"addtion\" >}}\nFine text.\n{{< /alert >}}\n\n{{% note teh %}}\n",
    )
    .expect("write");
    let out = hblint(&["check", "--root", ".", "g.md", "--format", "json"], p);
    assert_eq!(json(&out)["findings"], serde_json::json!([]));
}

#[test]
fn positions_are_right_with_crlf_bom_tabs_and_multibyte_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("w.md"),
        "\u{feff}# Título\r\n\r\nÜber\tnaïve serivices\r\n".as_bytes(),
    )
    .expect("write");
    let v = json(&hblint(
        &["check", "--root", ".", "w.md", "--format", "json"],
        p,
    ));
    assert_eq!(
        findings_of(&v, "typo"),
        vec![("w.md".into(), 3, 12, 21, Some("services".into()))]
    );
}

#[test]
fn rules_and_explain() {
    let out = hblint(&["rules"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for rule in ["typo", "mojibake", "invalid-frontmatter"] {
        assert!(
            text.lines().any(|l| l.starts_with(rule)),
            "{rule} in {text}"
        );
    }
    let out = hblint(&["explain", "mojibake"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("## What it does") && text.contains("GitLabâ€™s"),
        "{text}"
    );
    let out = hblint(&["explain", "nope"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule"));
}

#[test]
fn report_goes_to_the_output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("r.json");
    let out = hblint(
        &[
            "check",
            "--root",
            "examples/handbook",
            "--format",
            "json",
            "--output",
            report.to_str().unwrap_or_default(),
        ],
        &repo(),
    );
    assert!(out.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(v["version"], 1);
}

#[test]
fn the_output_file_is_replaced_whole_keeping_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("r.json");
    std::fs::write(&report, "an older report").expect("write");
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let args = |path: &Path| {
        let path = path.to_str().unwrap_or_default().to_owned();
        vec![
            "check".to_owned(),
            "--root".into(),
            "examples/handbook".into(),
            "--format".into(),
            "json".into(),
            "--output".into(),
            path,
        ]
    };
    let run = |path: &Path| {
        let a = args(path);
        hblint(&a.iter().map(String::as_str).collect::<Vec<_>>(), &repo())
    };
    run(&report);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(v["version"], 1);
    let mode = std::fs::metadata(&report)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    // Nothing but the report is left in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);

    // A folder that does not exist: a clear error, no report.
    let missing = dir.path().join("no/such/folder/r.json");
    let out = run(&missing);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write the report to"),
        "{}",
        stderr(&out)
    );
    assert!(!missing.exists());
}
