//! CLI tests of the role data: `hblint roles show|extract|check` and the rules
//! `role-table`, `role-name` and `role-tier`, on fixtures that mutate the
//! canonical comparison table one field at a time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hblint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hblint"))
        .env_remove("CI")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run hblint")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/roles")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).expect("fixture")
}

/// The 1-based line and character column of the `nth` occurrence of `needle`
/// on the line that contains `line_marker`.
fn position(text: &str, line_marker: &str, needle: &str) -> (u64, u64) {
    for (i, line) in text.lines().enumerate() {
        if line.contains(line_marker) {
            let at = line
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} not on its line"));
            return ((i + 1) as u64, (line[..at].chars().count() + 1) as u64);
        }
    }
    panic!("no line with {line_marker}");
}

/// `(rule, line, column, message, help)` of every finding of a check.
fn findings(file: &str, rules: &str) -> Vec<(String, u64, u64, String, String)> {
    let dir = fixtures();
    let out = hblint(
        &[
            "check",
            "--root",
            dir.to_str().expect("utf-8 path"),
            file,
            "--select",
            rules,
            "--format",
            "json",
        ],
        &dir,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&out), stderr(&out)));
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or_default().to_owned(),
                f["help"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn roles_check(file: &str) -> Output {
    hblint(&["roles", "check", file], &fixtures())
}

#[test]
fn the_example_page_matches_the_data_and_extracts_to_it() {
    let page = "examples/handbook/content/handbook/customer-success/roles-overview.md";
    let out = hblint(&["roles", "check", page], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).starts_with("no difference between"),
        "{}",
        stdout(&out)
    );

    let out = hblint(&["roles", "extract", page], &repo());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), include_str!("../rules/roles.toml"));
    assert!(
        stderr(&out).is_empty(),
        "no warning expected: {}",
        stderr(&out)
    );

    let out = hblint(
        &[
            "check",
            "--root",
            "examples/handbook",
            "examples/handbook/content/handbook/customer-success/roles-overview.md",
            "--select",
            "role-table,role-name,role-tier",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["findings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_changed_tier_is_reported_at_its_cell() {
    let text = fixture_text("changed-tier.md");
    let (line, column) = position(&text, "| CSM |", "Designated owner for Advanced");
    let found = findings("changed-tier.md", "role-table,role-name,role-tier");
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, l, c, message, help) = &found[0];
    assert_eq!((rule.as_str(), *l, *c), ("role-table", line, column));
    assert_eq!(
        message,
        "the Engagement Model of CSM differs from the canonical data"
    );
    assert!(
        help.contains("`Designated owner for Essentials tier accounts`"),
        "{help}"
    );
    assert!(
        help.contains("designated for the Essentials tier, not the Advanced tier"),
        "{help}"
    );

    let out = roles_check("changed-tier.md");
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    assert!(
        s.contains(&format!("changed-tier.md:{line}:{column}: the Engagement Model of CSM differs from the role data\n  help: the data's value is `Designated owner for Essentials tier accounts`")),
        "{s}"
    );
    assert!(
        s.ends_with("1 difference between changed-tier.md and rules/roles.toml (embedded)\n"),
        "{s}"
    );
}

#[test]
fn swapped_abbreviations_are_reported_on_the_keys_and_the_names() {
    let text = fixture_text("swapped-abbreviation.md");
    let csa_row = position(&text, "| CSA | Technical product", "CSA");
    let cse_row = position(&text, "| CSE | Highest-rated", "CSE");
    let (intro, _) = position(&text, "Roles covered include", "Roles");
    let found = findings("swapped-abbreviation.md", "role-table,role-name");
    let placed: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.1, f.2)).collect();
    let wrong_cse = position(
        &text,
        "Roles covered include",
        "CSA), Customer Success Architect",
    );
    let wrong_csa = position(&text, "Roles covered include", "CSE), Professional");
    assert_eq!(
        placed,
        vec![
            ("role-name", intro, wrong_cse.1),
            ("role-name", intro, wrong_csa.1),
            ("role-table", csa_row.0, csa_row.1),
            ("role-table", cse_row.0, cse_row.1),
        ]
    );
    assert_eq!(
        found[2].3,
        "the row keyed `CSA` holds the canonical data of CSE"
    );
    assert_eq!(
        found[2].4,
        "key the row `CSE`, or write CSA's canonical values in its cells"
    );
    assert_eq!(
        found[0].4,
        "the abbreviation of the Customer Success Engineer is CSE"
    );

    let out = roles_check("swapped-abbreviation.md");
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    assert!(
        s.contains("the table's rows are in another order than in the role data"),
        "{s}"
    );
    assert!(s.contains("`Customer Success Engineer (CSA)` differs from the role data\n  help: the data's name of CSA is `Customer Success Architect`"), "{s}");
    let (l, c) = position(&text, "| CSA | Technical product", "Technical product");
    assert!(
        s.contains(&format!(
            ":{l}:{c}: the Primary Focus of CSA differs from the role data"
        )),
        "{s}"
    );
    assert!(
        s.ends_with(
            "11 differences between swapped-abbreviation.md and rules/roles.toml (embedded)\n"
        ),
        "{s}"
    );
}

#[test]
fn a_missing_row_is_reported_on_the_header() {
    let text = fixture_text("missing-row.md");
    let (line, column) = position(&text, "| Role | Primary Focus", "Role");
    let found = findings("missing-row.md", "role-table");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1, found[0].2), (line, column));
    assert_eq!(
        found[0].3,
        "the table lacks a row for ASE (Assigned Support Engineer)"
    );
    assert!(
        found[0].4.starts_with(
            "add the row: `| Assigned Support Engineer (ASE) | Proactive platform stability"
        ),
        "{}",
        found[0].4
    );

    let out = roles_check("missing-row.md");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(&format!(
            "missing-row.md:{line}:1: the table lacks the row of ASE (Assigned Support Engineer)"
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_extra_row_is_an_unknown_role() {
    let text = fixture_text("extra-row.md");
    let (line, column) = position(&text, "| TAM |", "TAM");
    let found = findings("extra-row.md", "role-table");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1, found[0].2), (line, column));
    assert_eq!(found[0].3, "`TAM` is not a canonical role");
    assert!(found[0].4.contains("CSM, CSE, CSA, PSE, RM, SA, ASE"));

    let out = roles_check("extra-row.md");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(&format!(
            "extra-row.md:{line}:{column}: the row `TAM` is not a role of the role data"
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_reordered_column_changes_the_data_but_not_the_cells() {
    assert!(findings("reordered-column.md", "role-table").is_empty());
    let text = fixture_text("reordered-column.md");
    let (line, column) = position(&text, "| Role | Primary Focus", "Role");
    let out = roles_check("reordered-column.md");
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    assert!(s.contains(&format!("reordered-column.md:{line}:{column}: the table's columns are in another order than in the role data")), "{s}");
    assert!(s.contains("1 difference"), "{s}");
}

#[test]
fn emphasis_links_quotes_and_dashes_do_not_count() {
    let text = fixture_text("emphasis-quotes.md");
    assert!(
        text.contains("**CSM**")
            && text.contains("\"hands on keyboard\"")
            && text.contains("Advisory -- not")
    );
    assert!(findings("emphasis-quotes.md", "role-table,role-name,role-tier").is_empty());
    let out = roles_check("emphasis-quotes.md");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn the_career_page_shows_role_name_findings() {
    let page = "examples/handbook/content/handbook/solutions-architects/career-development.md";
    let out = hblint(
        &[
            "check",
            "--root",
            "examples/handbook",
            page,
            "--select",
            "role-name",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "role-name is a warning: {}",
        stdout(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let found: Vec<(u64, u64, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                f["fix"]["replacement"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let text = std::fs::read_to_string(repo().join(page)).expect("page");
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices("Solution Architect") {
            let rest = &line[at + "Solution Architect".len()..];
            if rest.starts_with("ure") {
                continue; // `Solution Architecture` is not a role name
            }
            expected.push((
                (i + 1) as u64,
                (line[..at].chars().count() + 1) as u64,
                "Solutions Architect".to_owned(),
            ));
        }
    }
    assert_eq!(
        expected.len(),
        4,
        "the seed page names the role wrongly four times"
    );
    assert_eq!(found, expected);
}

#[test]
fn extract_never_overwrites_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("roles.toml");
    std::fs::write(&target, "keep me\n").expect("write");
    let page = fixtures().join("canonical.md");
    let page = page.to_str().expect("utf-8");
    let t = target.to_str().expect("utf-8");
    let out = hblint(&["roles", "extract", page, "-o", t], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep me\n");

    let out = hblint(&["roles", "extract", page, "-o", t, "--force"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        include_str!("../rules/roles.toml")
    );
}

#[test]
fn extract_from_a_mutated_page_writes_the_mutation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = fixtures().join("changed-tier.md");
    let out = hblint(
        &["roles", "extract", page.to_str().expect("utf-8")],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(s.contains("engagement-model = \"Designated owner for Advanced tier accounts\""));
    // The CSM's tiers follow its row.
    assert!(s.contains("abbreviation = \"CSM\"\nname = \"Customer Success Manager\"\nkey = \"CSM\"\ntiers = [\"Advanced\"]"), "{s}");
}

#[test]
fn a_repository_can_use_its_own_role_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = include_str!("../rules/roles.toml")
        .replace(
            "Designated owner for Essentials tier accounts",
            "Designated owner for Advanced tier accounts",
        )
        .replacen("tiers = [\"Essentials\"]", "tiers = [\"Advanced\"]", 1);
    std::fs::write(dir.path().join("my-roles.toml"), data).expect("write");
    std::fs::write(
        dir.path().join(".hblint.toml"),
        "[roles]\ndata = \"my-roles.toml\"\n",
    )
    .expect("write");
    std::fs::copy(
        fixtures().join("changed-tier.md"),
        dir.path().join("page.md"),
    )
    .expect("copy");
    let root = dir.path().to_str().expect("utf-8");
    let out = hblint(
        &[
            "check",
            "--root",
            root,
            "page.md",
            "--select",
            "role-table",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = hblint(&["roles", "check", "page.md", "--root", root], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("my-roles.toml"), "{}", stdout(&out));

    // A broken data file is a clear error that names its place, exit 2.
    std::fs::write(
        dir.path().join("my-roles.toml"),
        "title = \"x\"\n[[column]]\nid = 3\n",
    )
    .expect("write");
    let out = hblint(
        &["check", "--root", root, "page.md", "--select", "role-table"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("my-roles.toml"), "{}", stderr(&out));
}

#[test]
fn show_prints_the_data_as_tables() {
    let out = hblint(&["roles", "show"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let s = stdout(&out);
    let csa = s.lines().find(|l| l.starts_with("CSA ")).expect("CSA row");
    assert!(
        csa.contains("Customer Success Architect")
            && csa.contains("Advanced, Signature")
            && csa.contains("Named/Designated"),
        "{csa}"
    );
    assert!(s.contains(
        "| Role | Primary Focus | Typical Activities | Engagement Model | Hands-on vs. Advisory |"
    ));
    assert!(s.contains("Pooled (CSE) → Named/Designated (CSM, CSA, ASE) → Project-scoped (PSE) → Opportunity-scoped (SA)"));
    assert!(s.contains("Handoff: SA (pre-sales) → CSE for On-Demand; CSM for Essentials; CSA for Advanced and Signature"));
}

#[test]
fn role_tier_and_role_name_in_prose() {
    let found = findings("prose.md", "role-name,role-tier");
    let text = fixture_text("prose.md");
    let got: Vec<(&str, u64, u64)> = found.iter().map(|f| (f.0.as_str(), f.1, f.2)).collect();
    let expect = vec![
        (
            "role-tier",
            position(&text, "takes over", "CSM for Advanced").0,
            position(&text, "takes over", "CSM for Advanced").1,
        ),
        (
            "role-tier",
            position(&text, "owns Essentials", "CSA owns").0,
            position(&text, "owns Essentials", "CSA owns").1,
        ),
        (
            "role-name",
            position(&text, "Solution Architects meet", "Solution").0,
            position(&text, "Solution Architects meet", "Solution").1,
        ),
    ];
    assert_eq!(got, expect, "{found:?}");
    assert!(
        found[0].4.contains("Advanced tier accounts go to the CSA"),
        "{}",
        found[0].4
    );
}

#[test]
fn the_raw_seed_export_matches_too() {
    // The page as exported (no Markdown headings, a stray last line) reads
    // the same: the line GFM swallows into the table is not a row, and the
    // handoff is found by its paragraph.
    let out = roles_check("seed-export.txt");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = hblint(&["roles", "extract", "seed-export.txt"], &fixtures());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), include_str!("../rules/roles.toml"));
}

#[test]
fn fix_writes_canonical_names_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("page.md");
    std::fs::write(
        &page,
        "# Team\n\nSolution Architects work with the Customer Success Engineer (CSA).\n\n\
         ## Solution Architect Models\n\nA solution architect's view.\n",
    )
    .expect("write");
    let root = dir.path().to_str().expect("utf-8");
    let out = hblint(
        &[
            "check",
            "--root",
            root,
            "page.md",
            "--select",
            "role-name",
            "--fix",
        ],
        dir.path(),
    );
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let fixed = std::fs::read_to_string(&page).expect("read");
    assert_eq!(
        fixed,
        "# Team\n\nSolutions Architects work with the Customer Success Engineer (CSE).\n\n\
         ## Solution Architect Models\n\nA solutions architect's view.\n",
        "the heading keeps its anchor: its fix is shown, not applied"
    );
    let again = hblint(
        &[
            "check",
            "--root",
            root,
            "page.md",
            "--select",
            "role-name",
            "--fix",
        ],
        dir.path(),
    );
    assert!(again.status.code().is_some_and(|c| c < 2));
    assert_eq!(std::fs::read_to_string(&page).expect("read"), fixed);
}

#[test]
fn roles_check_writes_json_for_tools() {
    let text = fixture_text("changed-tier.md");
    let (line, column) = position(
        &text,
        "Designated owner for Advanced",
        "Designated owner for Advanced",
    );
    let out = hblint(
        &["roles", "check", "changed-tier.md", "--format", "json"],
        &fixtures(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&out)));
    assert_eq!(v["version"], 1);
    assert_eq!(v["page"], "changed-tier.md");
    assert_eq!(v["data"], "rules/roles.toml (embedded)");
    assert_eq!(v["count"], 1);
    let d = &v["differences"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(column))
    );
    assert_eq!(
        d["message"],
        "the Engagement Model of CSM differs from the role data"
    );
    assert_eq!(
        d["help"].as_str().map(|h| h
            .starts_with("the data's value is `Designated owner for Essentials tier accounts`")),
        Some(true)
    );
    assert!(d["end_column"].as_u64() > d["column"].as_u64());

    let clean = hblint(
        &["roles", "check", "canonical.md", "--format", "json"],
        &fixtures(),
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let v: serde_json::Value = serde_json::from_slice(&clean.stdout).expect("JSON");
    assert_eq!(v["count"], 0);
    assert_eq!(v["differences"], serde_json::json!([]));
}
