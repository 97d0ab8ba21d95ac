//! `hblint serve`: a webhook receiver for GitLab merge request events.
//!
//! ```text
//! POST / ──► secret, size, kind, project, delivery ──► queue (one job per MR) ──► workers ──► review or label re-check ──► note
//! ```
//! The handler answers at once; reviews run on worker threads (the GitLab
//! client is blocking), one per merge request at a time. Only the configured
//! GitLab URL is ever called: nothing in a payload names where to connect.

mod event;
mod queue;

use super::bot::{Setup, review_one};
use super::mr::job::{self, Kept, Said};
use crate::cli::ServeArgs;
use crate::gitlab::client::Client;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use event::{Payload, Wanted};
use queue::{Job, Key, Pushed, Queue};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;
use subtle::ConstantTimeEq;

/// Delivery ids remembered to recognise a redelivery.
const SEEN_DELIVERIES: usize = 10_000;
/// Merge requests whose last review is kept for label re-checks.
const KEPT_REVIEWS: usize = 256;

/// A map that forgets its oldest entries beyond a capacity.
struct Recent<K, V> {
    map: HashMap<K, V>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> Recent<K, V> {
    fn new(capacity: usize) -> Self {
        Recent {
            map: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
            while self.order.len() > self.capacity {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }

    fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let v = self.map.remove(key)?;
        self.order.retain(|k| k != key);
        Some(v)
    }
}

#[derive(Default)]
struct Metrics {
    received: AtomicU64,
    rejected: AtomicU64,
    duplicates: AtomicU64,
    superseded: AtomicU64,
    dropped: AtomicU64,
    ignored: AtomicU64,
    reviews: AtomicU64,
    label_rechecks: AtomicU64,
    current: AtomicU64,
    failed: AtomicU64,
    posted: AtomicU64,
    edited: AtomicU64,
    gitlab_errors: AtomicU64,
}

struct Service {
    setup: Setup,
    client: Client,
    projects: Vec<String>,
    secret: [u8; 32],
    max_body: usize,
    queue: Mutex<Queue>,
    wake: Condvar,
    stopping: AtomicBool,
    seen: Mutex<Recent<String, ()>>,
    kept: Mutex<Recent<Key, Kept>>,
    /// The head commit each MR's note last reflected.
    reviewed: Mutex<Recent<Key, String>>,
    metrics: Metrics,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// One structured log line (JSON) on standard error.
fn log_line(fields: serde_json::Value) {
    eprintln!("{fields}");
}

impl Service {
    /// `X-Gitlab-Token` equals the secret; compared in constant time (over
    /// digests, so the length does not show either).
    fn secret_ok(&self, headers: &HeaderMap) -> bool {
        headers
            .get("x-gitlab-token")
            .is_some_and(|v| bool::from(digest(v.as_bytes()).ct_eq(&self.secret)))
    }

    /// The configured project the payload's project is, if any.
    fn project(&self, p: &event::Project) -> Option<String> {
        let id = p.id.to_string();
        self.projects
            .iter()
            .find(|c| {
                **c == id || (!p.path_with_namespace.is_empty() && **c == p.path_with_namespace)
            })
            .cloned()
    }

    fn metrics_text(&self) -> String {
        let m = &self.metrics;
        let depth = lock(&self.queue).depth() as u64;
        let mut s = String::new();
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let rows: [(&str, &str, &str, u64); 14] = [
            (
                "hblint_events_received_total",
                "counter",
                "Webhook deliveries received.",
                get(&m.received),
            ),
            (
                "hblint_events_rejected_total",
                "counter",
                "Deliveries refused (secret, size, kind, project, body).",
                get(&m.rejected),
            ),
            (
                "hblint_events_duplicate_total",
                "counter",
                "Redeliveries of an event already handled.",
                get(&m.duplicates),
            ),
            (
                "hblint_events_superseded_total",
                "counter",
                "Queued jobs replaced by a newer event for the same MR.",
                get(&m.superseded),
            ),
            (
                "hblint_events_dropped_total",
                "counter",
                "Queued jobs dropped because the MR was closed or merged.",
                get(&m.dropped),
            ),
            (
                "hblint_events_ignored_total",
                "counter",
                "Merge request events that ask for no review.",
                get(&m.ignored),
            ),
            (
                "hblint_reviews_run_total",
                "counter",
                "Full reviews run.",
                get(&m.reviews),
            ),
            (
                "hblint_label_rechecks_total",
                "counter",
                "Label-only re-checks run.",
                get(&m.label_rechecks),
            ),
            (
                "hblint_reviews_skipped_total",
                "counter",
                "Reviews skipped: the note already reflected the head.",
                get(&m.current),
            ),
            (
                "hblint_reviews_failed_total",
                "counter",
                "Reviews that failed.",
                get(&m.failed),
            ),
            (
                "hblint_notes_posted_total",
                "counter",
                "Notes posted.",
                get(&m.posted),
            ),
            (
                "hblint_notes_edited_total",
                "counter",
                "Notes edited in place.",
                get(&m.edited),
            ),
            (
                "hblint_gitlab_errors_total",
                "counter",
                "GitLab requests that failed after retries.",
                get(&m.gitlab_errors),
            ),
            (
                "hblint_queue_depth",
                "gauge",
                "Merge requests waiting for review.",
                depth,
            ),
        ];
        for (name, kind, help, value) in rows {
            s.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            ));
        }
        s
    }

    fn count_said(&self, said: &Said) {
        match said {
            Said::Posted(_) => bump(&self.metrics.posted),
            Said::Edited(_) => bump(&self.metrics.edited),
            _ => {}
        }
    }

    /// Run one job; the outcome in words.
    fn work(&self, key: &Key, job: Job) -> String {
        let (project, iid) = (key.0.as_str(), key.1);
        let mut log = Vec::new();
        let head = match job {
            Job::Labels(labels) => {
                let kept = lock(&self.kept).remove(key);
                if let Some(mut kept) = kept {
                    let inputs = self.setup.inputs(project, iid);
                    match job::relabel(&inputs, &self.client, &mut kept, labels, &mut log) {
                        Ok(Said::Moved) => {}
                        Ok(Said::Failed(why) | Said::Refused(why)) => {
                            bump(&self.metrics.gitlab_errors);
                            bump(&self.metrics.failed);
                            return format!("label re-check failed: {why}");
                        }
                        Ok(said) => {
                            bump(&self.metrics.label_rechecks);
                            self.count_said(&said);
                            lock(&self.kept).insert(key.clone(), kept);
                            return format!("labels re-checked: {said:?}");
                        }
                        Err(e) => {
                            bump(&self.metrics.failed);
                            return format!("label re-check failed: {e}");
                        }
                    }
                }
                None
            }
            Job::Review { head } => head,
        };
        if let Some(head) = head
            && lock(&self.reviewed).get(key) == Some(&head)
        {
            bump(&self.metrics.current);
            return format!("skipped: the note already reflects {head}");
        }
        match review_one(&self.setup, &self.client, project, iid, &mut log) {
            Ok(review) => {
                bump(&self.metrics.reviews);
                self.count_said(&review.said);
                let said = format!("reviewed {}: {:?}", review.kept.head, review.said);
                if review.said != Said::Moved {
                    lock(&self.reviewed).insert(key.clone(), review.kept.head.clone());
                }
                lock(&self.kept).insert(key.clone(), review.kept);
                said
            }
            Err(why) => {
                bump(&self.metrics.gitlab_errors);
                bump(&self.metrics.failed);
                format!("review failed: {}", why.lines().next().unwrap_or_default())
            }
        }
    }

    fn worker(&self) {
        loop {
            let (key, job) = {
                let mut q = lock(&self.queue);
                loop {
                    if self.stopping.load(Ordering::SeqCst) {
                        return;
                    }
                    if let Some(next) = q.take() {
                        break next;
                    }
                    q = self.wake.wait(q).unwrap_or_else(|e| e.into_inner());
                }
            };
            let started = Instant::now();
            let kind = match &job {
                Job::Review { .. } => "review",
                Job::Labels(_) => "labels",
            };
            let outcome = self.work(&key, job);
            lock(&self.queue).done(&key);
            self.wake.notify_all();
            log_line(serde_json::json!({
                "kind": "review", "project": key.0, "mr": key.1, "action": kind,
                "outcome": outcome, "duration_ms": started.elapsed().as_millis() as u64,
            }));
        }
    }

    /// Handle one delivery: the status and a short answer.
    async fn receive(
        &self,
        headers: &HeaderMap,
        body: Body,
    ) -> (StatusCode, String, serde_json::Value) {
        bump(&self.metrics.received);
        let reject = |status: StatusCode, why: &str| {
            bump(&self.metrics.rejected);
            (status, why.to_owned(), serde_json::json!({}))
        };
        if !self.secret_ok(headers) {
            return reject(StatusCode::UNAUTHORIZED, "wrong or missing X-Gitlab-Token");
        }
        let declared = headers
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > self.max_body) {
            return reject(StatusCode::PAYLOAD_TOO_LARGE, "body over the size limit");
        }
        let Ok(bytes) = axum::body::to_bytes(body, self.max_body).await else {
            return reject(StatusCode::PAYLOAD_TOO_LARGE, "body over the size limit");
        };
        let kind = headers
            .get("x-gitlab-event")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if kind != "Merge Request Hook" {
            return reject(
                StatusCode::BAD_REQUEST,
                "only merge request events are handled (X-Gitlab-Event: Merge Request Hook)",
            );
        }
        let payload: Payload = match serde_json::from_slice(&bytes) {
            Ok(p) => p,
            Err(_) => {
                return reject(
                    StatusCode::BAD_REQUEST,
                    "the body is not a merge request event",
                );
            }
        };
        if payload.object_kind != "merge_request" {
            return reject(StatusCode::BAD_REQUEST, "object_kind is not merge_request");
        }
        let fields = serde_json::json!({
            "project": payload.project.path_with_namespace, "mr": payload.object_attributes.iid,
            "action": payload.action(),
        });
        let Some(project) = self.project(&payload.project) else {
            bump(&self.metrics.rejected);
            return (StatusCode::FORBIDDEN, "project not served".into(), fields);
        };
        if let Some(uuid) = headers
            .get("x-gitlab-event-uuid")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 100)
        {
            let mut seen = lock(&self.seen);
            if seen.get(&uuid.to_owned()).is_some() {
                bump(&self.metrics.duplicates);
                return (
                    StatusCode::OK,
                    "duplicate delivery: already handled".into(),
                    fields,
                );
            }
            seen.insert(uuid.to_owned(), ());
        }
        let key: Key = (project, payload.object_attributes.iid);
        let job = match payload.wanted() {
            Wanted::Review { head } => Job::Review { head },
            Wanted::Labels(labels) => Job::Labels(labels),
            Wanted::Drop => {
                if lock(&self.queue).drop_mr(&key) {
                    bump(&self.metrics.dropped);
                }
                lock(&self.kept).remove(&key);
                return (
                    StatusCode::OK,
                    "closed or merged: queued work dropped".into(),
                    fields,
                );
            }
            Wanted::Nothing => {
                bump(&self.metrics.ignored);
                return (StatusCode::OK, "nothing to review".into(), fields);
            }
        };
        let pushed = lock(&self.queue).push(key, job);
        match pushed {
            Pushed::Added => {
                self.wake.notify_one();
                (StatusCode::ACCEPTED, "queued".into(), fields)
            }
            Pushed::Superseded => {
                bump(&self.metrics.superseded);
                (
                    StatusCode::ACCEPTED,
                    "queued (superseded a waiting event)".into(),
                    fields,
                )
            }
            Pushed::Full => {
                bump(&self.metrics.rejected);
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the review queue is full; retry later".into(),
                    fields,
                )
            }
        }
    }
}

async fn webhook(
    State(svc): State<Arc<Service>>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    let started = Instant::now();
    let (status, answer, mut fields) = svc.receive(&headers, body).await;
    if let serde_json::Value::Object(map) = &mut fields {
        map.insert("kind".into(), "event".into());
        map.insert("status".into(), status.as_u16().into());
        map.insert("outcome".into(), answer.clone().into());
        map.insert(
            "duration_ms".into(),
            (started.elapsed().as_secs_f64() * 1000.0).into(),
        );
        if let Some(uuid) = headers
            .get("x-gitlab-event-uuid")
            .and_then(|v| v.to_str().ok())
        {
            map.insert(
                "delivery".into(),
                uuid.chars().take(100).collect::<String>().into(),
            );
        }
    }
    log_line(fields);
    (status, answer)
}

async fn metrics(
    State(svc): State<Arc<Service>>,
) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        svc.metrics_text(),
    )
}

async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

pub fn run(args: &ServeArgs) -> miette::Result<ExitCode> {
    let env = |k: &str| std::env::var(k).ok();
    let setup = Setup::new(&args.bot, &env)?;
    let secret = env("HBLINT_WEBHOOK_SECRET")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            miette::miette!(
                help = "choose a long random string, set it as the webhook's Secret token in GitLab, \
                        and export it as HBLINT_WEBHOOK_SECRET",
                "HBLINT_WEBHOOK_SECRET is not set: the service refuses to accept unauthenticated events"
            )
        })?;
    // Built outside the runtime: the blocking client may not be created in it.
    let client = setup.client()?;
    let service = Arc::new(Service {
        setup,
        client,
        projects: args.projects.clone(),
        secret: digest(secret.as_bytes()),
        max_body: args.max_body,
        queue: Mutex::new(Queue::new(args.queue)),
        wake: Condvar::new(),
        stopping: AtomicBool::new(false),
        seen: Mutex::new(Recent::new(SEEN_DELIVERIES)),
        kept: Mutex::new(Recent::new(KEPT_REVIEWS)),
        reviewed: Mutex::new(Recent::new(SEEN_DELIVERIES)),
        metrics: Metrics::default(),
    });
    let workers: Vec<_> = (0..args.workers)
        .map(|_| {
            let svc = Arc::clone(&service);
            std::thread::spawn(move || svc.worker())
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| miette::miette!("cannot start the HTTP runtime: {e}"))?;
    let app = Router::new()
        .route("/", post(webhook))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(Arc::clone(&service));
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| miette::miette!("cannot listen on {}: {e}", args.listen))?;
        let local = listener
            .local_addr()
            .map_err(|e| miette::miette!("cannot read the listening address: {e}"))?;
        eprintln!("hblint serve: listening on {local}");
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| miette::miette!("the HTTP server failed: {e}"))
    });
    service.stopping.store(true, Ordering::SeqCst);
    let dropped = lock(&service.queue).clear();
    service.wake.notify_all();
    for w in workers {
        let _ = w.join();
    }
    eprintln!("hblint serve: stopped; {dropped} queued review(s) dropped");
    served.map(|()| super::EXIT_CLEAN)
}
