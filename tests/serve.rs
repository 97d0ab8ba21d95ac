//! `hblint serve`: the webhook receiver, run as a process against the fake
//! GitLab. Payloads are shaped as the "Webhook events" page documents merge
//! request events (docs.gitlab.com/user/project/integrations/webhook_events/):
//! headers `X-Gitlab-Event: Merge Request Hook`, `X-Gitlab-Token`,
//! `X-Gitlab-Event-UUID`; body with `object_kind`, `event_type`, `user`,
//! `project`, `object_attributes` (`iid`, `action`, `oldrev`, `last_commit`),
//! `labels` and `changes.labels.{previous,current}`.

mod fake_gitlab;

use fake_gitlab::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "webhook-secret-4c1f0e";
const SA_PAGE: &str = "content/handbook/solutions-architects/_index.md";
const PAGE: &str = "# Solutions Architects\n\nOur serivices help customers.\n";

fn sha(n: u64) -> String {
    format!("{n:040x}")
}

struct Service {
    child: Child,
    url: String,
    _root: tempfile::TempDir,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    fn start(fake: &FakeGitlab, extra: &[&str]) -> Service {
        let root = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_hblint"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--project", PROJECT_ID])
            .args(["--gitlab-url", &fake.api_url()])
            .args(["--select", "typo,missing-label", "--workers", "2"])
            .args(["--root", &root.path().display().to_string()])
            .args(extra)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HBLINT_GITLAB_TOKEN", BOT_TOKEN)
            .env("HBLINT_WEBHOOK_SECRET", SECRET)
            .env("HBLINT_RETRY_BASE_MS", "10")
            .stderr(Stdio::piped())
            .spawn()
            .expect("hblint serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the service says where it listens")
                .expect("a line");
            if let Some(addr) = line.strip_prefix("hblint serve: listening on ") {
                break addr.to_owned();
            }
        };
        // Keep draining the log so the service never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Service {
            child,
            url: format!("http://{addr}"),
            _root: root,
        }
    }

    fn post(&self, secret: Option<&str>, kind: &str, uuid: &str, body: Vec<u8>) -> (u16, Duration) {
        let mut request = reqwest::blocking::Client::new()
            .post(format!("{}/", self.url))
            .header("Content-Type", "application/json")
            .header("X-Gitlab-Event", kind)
            .header("X-Gitlab-Event-UUID", uuid)
            .header("X-Gitlab-Instance", "https://gitlab.example.com")
            .body(body);
        if let Some(secret) = secret {
            request = request.header("X-Gitlab-Token", secret);
        }
        let started = Instant::now();
        let status = request
            .send()
            .expect("the service answers")
            .status()
            .as_u16();
        (status, started.elapsed())
    }

    fn event(&self, uuid: &str, payload: &Value) -> u16 {
        self.post(
            Some(SECRET),
            "Merge Request Hook",
            uuid,
            payload.to_string().into_bytes(),
        )
        .0
    }

    fn metric(&self, name: &str) -> u64 {
        let text = reqwest::blocking::get(format!("{}/metrics", self.url))
            .and_then(|r| r.text())
            .expect("metrics");
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from\n{text}"))
    }

    /// Wait (bounded) until the queue is empty and `done` reviews have finished.
    fn settle(&self, done: u64) {
        for _ in 0..600 {
            let finished = self.metric("hblint_reviews_run_total")
                + self.metric("hblint_label_rechecks_total")
                + self.metric("hblint_reviews_skipped_total")
                + self.metric("hblint_reviews_failed_total");
            if finished >= done && self.metric("hblint_queue_depth") == 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the service did not finish {done} reviews");
    }

    fn terminate(mut self) -> i32 {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let status = self.child.wait().expect("exits");
        status.code().unwrap_or(-1)
    }

    /// The service's peak resident memory, from /proc (Linux).
    fn peak_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

/// A merge request event as GitLab sends it.
fn mr_event(
    project: u64,
    iid: u64,
    action: &str,
    head: &str,
    labels: &[&str],
    label_change: Option<&[&str]>,
) -> Value {
    let label = |t: &&str| json!({"id": t.len(), "title": t, "color": "#428BCA", "project_id": project, "type": "ProjectLabel"});
    let mut attributes = json!({
        "id": 90 + iid, "iid": iid, "target_branch": "main", "source_branch": "sa-update",
        "source_project_id": project, "target_project_id": project, "title": "Update SA pages",
        "state": if action == "merge" { "merged" } else { "opened" }, "draft": false,
        "url": format!("https://gitlab.example.com/{PROJECT_PATH}/-/merge_requests/{iid}"),
        "last_commit": {"id": head, "message": "Update", "url": "https://elsewhere.example/commit"},
        "action": action,
    });
    let mut changes = json!({});
    if action == "update" && label_change.is_none() {
        attributes["oldrev"] = json!(sha(1));
    }
    if let Some(previous) = label_change {
        changes["labels"] = json!({
            "previous": previous.iter().map(label).collect::<Vec<_>>(),
            "current": labels.iter().map(label).collect::<Vec<_>>(),
        });
    }
    json!({
        "object_kind": "merge_request", "event_type": "merge_request",
        "user": {"id": HUMAN_ID, "name": "Alice", "username": "alice"},
        "project": {"id": project, "name": "handbook", "path_with_namespace": PROJECT_PATH,
                    "web_url": "https://elsewhere.example/group/handbook",
                    "git_http_url": "https://elsewhere.example/group/handbook.git"},
        "object_attributes": attributes,
        "labels": labels.iter().map(label).collect::<Vec<_>>(),
        "changes": changes,
        "repository": {"name": "handbook", "homepage": "https://elsewhere.example/group/handbook"},
    })
}

fn one_mr(fake: &FakeGitlab) {
    let mut st = fake.state();
    st.head_sha = sha(7);
    st.files = vec![FakeFile::added(SA_PAGE, PAGE)];
}

#[test]
fn secrets_sizes_kinds_projects_and_duplicates() {
    let fake = FakeGitlab::start();
    one_mr(&fake);
    let service = Service::start(&fake, &["--max-body", "65536"]);
    let open = mr_event(1, MR_IID, "open", &sha(7), &["documentation"], None);
    let body = open.to_string().into_bytes();
    let hook = "Merge Request Hook";
    assert_eq!(service.post(None, hook, "u0", body.clone()).0, 401);
    assert_eq!(service.post(Some("wrong"), hook, "u1", body.clone()).0, 401);
    assert_eq!(
        service
            .post(Some(&format!("{SECRET}x")), hook, "u2", body.clone())
            .0,
        401
    );
    let mut big = body.clone();
    big.resize(70_000, b' ');
    assert_eq!(service.post(Some(SECRET), hook, "u3", big).0, 413);
    assert_eq!(
        service
            .post(Some(SECRET), hook, "u4", b"not json".to_vec())
            .0,
        400
    );
    assert_eq!(
        service
            .post(Some(SECRET), "Push Hook", "u5", body.clone())
            .0,
        400
    );
    let elsewhere = mr_event(99, MR_IID, "open", &sha(7), &[], None);
    assert_eq!(service.event("u6", &elsewhere), 403);
    assert_eq!(service.event("u7", &open), 202);
    assert_eq!(service.event("u7", &open), 200, "a redelivery is done once");
    service.settle(1);
    assert_eq!(service.metric("hblint_events_received_total"), 9);
    assert_eq!(service.metric("hblint_events_rejected_total"), 7);
    assert_eq!(service.metric("hblint_events_duplicate_total"), 1);
    assert_eq!(service.metric("hblint_reviews_run_total"), 1);
    assert_eq!(service.metric("hblint_notes_posted_total"), 1);
    let health = reqwest::blocking::get(format!("{}/healthz", service.url)).expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
    let notes = fake.bot_notes(MR_IID);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("serivices"), "{}", notes[0]);
    // The service called the configured GitLab only: the payload's addresses
    // (elsewhere.example) were never used, and every request reached the fake.
    assert!(
        fake.log().iter().all(|l| l.contains(" /api/v4/")),
        "{:?}",
        fake.log()
    );
    assert_eq!(service.terminate(), 0, "SIGTERM stops the service cleanly");
}

#[test]
fn a_label_added_by_event_clears_the_missing_label_finding_without_linting_again() {
    let fake = FakeGitlab::start();
    one_mr(&fake);
    let service = Service::start(&fake, &[]);
    let open = mr_event(1, MR_IID, "open", &sha(7), &["documentation"], None);
    assert_eq!(service.event("a1", &open), 202);
    service.settle(1);
    let notes = fake.bot_notes(MR_IID);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("missing-label"), "{}", notes[0]);
    let diffs_before = fake.log().iter().filter(|l| l.contains("/diffs")).count();

    // Someone adds the label: GitLab runs no pipeline, but sends the event.
    fake.state().labels = vec!["documentation".into(), "SA-HANDBOOK".into()];
    let labelled = mr_event(
        1,
        MR_IID,
        "update",
        &sha(7),
        &["documentation", "SA-HANDBOOK"],
        Some(&["documentation"]),
    );
    assert_eq!(service.event("a2", &labelled), 202);
    service.settle(2);
    assert_eq!(service.metric("hblint_label_rechecks_total"), 1);
    assert_eq!(service.metric("hblint_notes_edited_total"), 1);
    let notes = fake.bot_notes(MR_IID);
    assert_eq!(notes.len(), 1, "one note, edited in place");
    assert!(!notes[0].contains("missing-label"), "{}", notes[0]);
    assert!(
        notes[0].contains("serivices"),
        "the other findings stay: {}",
        notes[0]
    );
    let log = fake.log();
    assert_eq!(
        log.iter().filter(|l| l.contains("/diffs")).count(),
        diffs_before,
        "no page was read again: {log:?}"
    );
}

#[test]
fn a_burst_of_100_events_for_10_mrs_is_reviewed_once_per_head_commit() {
    let fake = FakeGitlab::start();
    one_mr(&fake);
    for iid in 8..=16 {
        fake.add_mr(
            iid,
            FakeMr {
                labels: vec!["SA-HANDBOOK".into()],
                files: vec![FakeFile::added(
                    &format!("content/handbook/p{iid}.md"),
                    PAGE,
                )],
                head_sha: sha(iid),
                base_sha: sha(1),
                updated_at: "2026-11-26T10:00:00Z".into(),
                ..FakeMr::default()
            },
        );
    }
    let service = Service::start(&fake, &[]);
    let mut latencies = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    for round in 0..10u64 {
        for iid in 7..=16u64 {
            let action = if round == 0 { "open" } else { "update" };
            let event = mr_event(1, iid, action, &sha(iid), &["SA-HANDBOOK"], None);
            // Every fifth round redelivers the previous round's event.
            let uuid = if round % 5 == 4 {
                format!("{iid}-{}", round - 1)
            } else {
                format!("{iid}-{round}")
            };
            let started = Instant::now();
            let status = service.event(&uuid, &event);
            latencies.push(started.elapsed());
            *statuses.entry(status).or_insert(0) += 1;
        }
    }
    service.settle(10);
    let received = service.metric("hblint_events_received_total");
    let reviews = service.metric("hblint_reviews_run_total");
    let skipped = service.metric("hblint_reviews_skipped_total");
    let duplicates = service.metric("hblint_events_duplicate_total");
    let superseded = service.metric("hblint_events_superseded_total");
    let posted = service.metric("hblint_notes_posted_total");
    let edited = service.metric("hblint_notes_edited_total");
    assert_eq!(received, 100);
    assert_eq!(duplicates, 20);
    assert_eq!(reviews, 10, "one review per head commit");
    assert_eq!(posted, 10);
    assert_eq!(edited, 0);
    for iid in 7..=16 {
        assert_eq!(fake.bot_notes(iid).len(), 1, "!{iid}");
        let diffs = fake
            .log()
            .iter()
            .filter(|l| l.contains(&format!("/merge_requests/{iid}/diffs")))
            .count();
        assert_eq!(diffs, 1, "!{iid} linted once");
    }
    latencies.sort();
    let peak = service.peak_kib();
    // The figures for the record (no timing is asserted).
    eprintln!(
        "burst: statuses {statuses:?}; received {received}, reviews {reviews}, skipped (head already \
         reviewed) {skipped}, superseded {superseded}, duplicates {duplicates}, notes posted \
         {posted}, edited {edited}; answer latency median {:?}, p95 {:?}, max {:?}; peak RSS {} KiB",
        latencies[latencies.len() / 2],
        latencies[latencies.len() * 95 / 100],
        latencies[latencies.len() - 1],
        peak.map_or("unknown".to_string(), |k| k.to_string()),
    );
    assert_eq!(service.terminate(), 0);
}
