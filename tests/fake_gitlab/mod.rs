//! A fake GitLab for the MR job's tests: a stateful HTTP server on 127.0.0.1,
//! started by each test, serving the REST endpoints hblint calls as GitLab
//! documents them (`/user`, `/job`, the MR, `/diffs` with `page`/`per_page`
//! and the `x-next-page`/`x-total` headers, `/changes`, notes list/create/edit,
//! discussions, raw files), checking the token header, and injecting faults
//! (429 with `Retry-After`, 500, slow replies, 401).
//!
//! It refuses what GitLab refuses, each rule from GitLab's documentation:
//! - the job token reaches only the endpoints of the job token access table
//!   ("GitLab CI/CD job token", docs.gitlab.com/ci/jobs/ci_job_token/; merge
//!   requests only where GitLab added them, issue gitlab-org/gitlab#545150),
//!   and only its own project; on a private project everything else is `404`;
//! - a fork's pipeline has `CI_PROJECT_ID` = the fork, which holds no MR
//!   ("Predefined CI/CD variables", docs.gitlab.com/ci/variables/predefined_variables/);
//! - the diff limits ("Merge request API", docs.gitlab.com/api/merge_requests/):
//!   `changes_count` becomes `"N+"` and the list stops; `collapsed` and
//!   `too_large` items carry an empty `diff`;
//! - a note over 1,000,000 characters is refused with `400` ("Notes API",
//!   docs.gitlab.com/api/notes/);
//! - a diff discussion needs the MR's current `head_sha` and a line of the diff
//!   ("Discussions API", docs.gitlab.com/api/discussions/);
//! - redirects: [`FakeGitlab::redirect_to`] answers `308` towards a second
//!   listener on 127.0.0.2 ([`Recorder`]) that keeps every token it receives;
//! - the repository tree and raw files ([`tree_route`], [`repository_file`]),
//!   from a git repository on disk ([`FakeGitlab::serve_repository`]) or, without
//!   one, from the MR's files: rules in [`tree_route`].

#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tiny_http::{Header, Response, Server};

pub const PROJECT_ID: &str = "1";
/// A fork of the project: it holds no merge request.
pub const FORK_ID: &str = "2";
pub const FORK_PATH: &str = "alice/handbook";
/// The most characters in a note's body (GitLab's validation).
pub const MAX_NOTE_CHARS: usize = 1_000_000;
/// The project that publishes the hblint binary.
pub const HBLINT_PROJECT: &str = "gitlab-com/hblint";
pub const PROJECT_PATH: &str = "group/handbook";
pub const MR_IID: u64 = 7;
pub const BOT_TOKEN: &str = "glpat-bot-secret-0123456789";
pub const HUMAN_TOKEN: &str = "glpat-human-secret-987654";
pub const JOB_TOKEN: &str = "job-token-secret-abcdef";
pub const BOT_ID: u64 = 100;
pub const HUMAN_ID: u64 = 200;
pub const BASE_SHA: &str = "1162f7190000000000000000000000000000base";
pub const HEAD_SHA: &str = "e82eb4a00000000000000000000000000000head";

#[derive(Debug, Clone)]
pub enum FaultKind {
    /// 429 with `Retry-After: secs` and GitLab's plain-text body.
    RateLimit { retry_after: u64 },
    /// 500 with a JSON message.
    ServerError,
    /// Answer normally, after this long.
    Slow(Duration),
    /// 401, whatever the token.
    Unauthorized,
    /// 403, as for a token without the `api` scope.
    Forbidden,
    /// 502 with the HTML page GitLab's nginx serves while Puma is down
    /// (`public/502.html`, "GitLab is not responding").
    BadGateway,
    /// 429 without `Retry-After` or `RateLimit-Reset`, as GitLab.com answered
    /// from some of its limiters (gitlab-org/gitlab#365728).
    RateLimitBare,
    /// 200 with an HTML sign-in page, as a single sign-on proxy in front of
    /// GitLab answers.
    SignInPage,
    /// 200 with a plain-text body, as a misconfigured proxy answers.
    PlainText,
}

#[derive(Debug, Clone)]
pub struct Fault {
    /// Applies to requests whose method is this (or any, if `None`)…
    pub method: Option<&'static str>,
    /// …and whose path contains this.
    pub path_contains: String,
    pub kind: FaultKind,
    /// How many requests it hits.
    pub remaining: usize,
}

/// One changed file of the MR.
#[derive(Debug, Clone)]
pub struct FakeFile {
    pub old_path: String,
    pub new_path: String,
    pub new_file: bool,
    pub renamed: bool,
    pub deleted: bool,
    pub diff: String,
    /// The file's content at the head commit (for the raw-file endpoint).
    pub content: Option<String>,
    /// The file's content at the base commit (`None` for a new file).
    pub base: Option<String>,
    /// GitLab collapsed the diff (over the collapse limits): `diff` is sent empty.
    pub collapsed: bool,
    /// Over the size limit: `diff` is sent empty.
    pub too_large: bool,
}

impl FakeFile {
    /// A new file: every line added.
    pub fn added(path: &str, content: &str) -> FakeFile {
        let lines: Vec<&str> = content.lines().collect();
        let mut diff = format!("@@ -0,0 +1,{} @@\n", lines.len());
        for l in &lines {
            diff.push('+');
            diff.push_str(l);
            diff.push('\n');
        }
        FakeFile {
            old_path: path.into(),
            new_path: path.into(),
            new_file: true,
            renamed: false,
            deleted: false,
            diff,
            content: Some(content.into()),
            base: None,
            collapsed: false,
            too_large: false,
        }
    }

    /// An existing file whose lines `changed` (1-based) were modified.
    pub fn modified(path: &str, content: &str, changed: &[usize]) -> FakeFile {
        let lines: Vec<&str> = content.lines().collect();
        let mut diff = format!("@@ -1,{} +1,{} @@\n", lines.len(), lines.len());
        let mut base = String::new();
        for (i, l) in lines.iter().enumerate() {
            if changed.contains(&(i + 1)) {
                diff.push_str(&format!("-old line {}\n+{l}\n", i + 1));
                base.push_str(&format!("old line {}\n", i + 1));
            } else {
                diff.push_str(&format!(" {l}\n"));
                base.push_str(&format!("{l}\n"));
            }
        }
        FakeFile {
            old_path: path.into(),
            new_path: path.into(),
            new_file: false,
            renamed: false,
            deleted: false,
            diff,
            content: Some(content.into()),
            base: Some(base),
            collapsed: false,
            too_large: false,
        }
    }

    pub fn deleted(path: &str) -> FakeFile {
        FakeFile {
            old_path: path.into(),
            new_path: path.into(),
            new_file: false,
            renamed: false,
            deleted: true,
            diff: "@@ -1 +0,0 @@\n-gone\n".into(),
            content: None,
            base: Some("gone\n".into()),
            collapsed: false,
            too_large: false,
        }
    }

    fn json(&self) -> Value {
        json!({
            "old_path": self.old_path, "new_path": self.new_path,
            "a_mode": "100644", "b_mode": if self.deleted { "0" } else { "100644" },
            "new_file": self.new_file, "renamed_file": self.renamed, "deleted_file": self.deleted,
            "generated_file": false, "collapsed": self.collapsed, "too_large": self.too_large,
            "diff": if self.collapsed || self.too_large { "" } else { self.diff.as_str() },
        })
    }
}

#[derive(Debug)]
pub struct State {
    /// token → (user id, username, is a job token)
    pub tokens: HashMap<String, (u64, String, bool)>,
    pub labels: Vec<String>,
    pub files: Vec<FakeFile>,
    pub notes: Vec<Value>,
    pub discussions: Vec<Value>,
    pub faults: Vec<Fault>,
    /// "GET /api/v4/…?…" for every request, in order.
    pub log: Vec<String>,
    /// Whether `/diffs` exists (GitLab ≥ 15.7); `/changes` always does.
    pub has_diffs: bool,
    /// Send no `x-*` pagination headers (as a stripping proxy would).
    pub strip_pagination_headers: bool,
    /// Every token header value seen (to check which header was used).
    pub auth_headers: Vec<String>,
    /// The project is private: what a token may not reach answers 404.
    pub private: bool,
    /// The project whose pipeline the job token belongs to.
    pub job_project: String,
    /// The job token may read the MR and its notes (GitLab versions with
    /// issue 545150 done); older versions refuse them too.
    pub job_token_reads_mr: bool,
    /// Every request a job token made outside the job token table.
    pub job_token_refused: Vec<String>,
    /// The MR's commits.
    pub head_sha: String,
    pub base_sha: String,
    /// The diff limit on the number of files: beyond it, the list stops and
    /// `changes_count` reads `"N+"`.
    pub max_files: Option<usize>,
    /// Answer every API request with a `308` to this origin.
    pub redirect_to: Option<String>,
    /// Files of the hblint project's latest `build-release` job, by name,
    /// served at `…/projects/gitlab-com%2Fhblint/jobs/artifacts/:ref/raw/:name?job=build-release`.
    pub artifacts: HashMap<String, Vec<u8>>,
    /// More merge requests than !7, by IID (the sweep and the service).
    pub others: std::collections::BTreeMap<u64, FakeMr>,
    /// A git repository whose commits the tree and raw file endpoints serve.
    pub repository: Option<std::path::PathBuf>,
    /// Tree pages served, keyset-paginated (`page_token` given or not).
    pub tree_pages: usize,
    /// The IID the request at hand is about.
    current_iid: u64,
    next_id: u64,
}

/// A merge request besides !7: the same fields, swapped in while a request
/// about it is answered.
#[derive(Debug, Clone, Default)]
pub struct FakeMr {
    pub labels: Vec<String>,
    pub files: Vec<FakeFile>,
    pub notes: Vec<Value>,
    pub discussions: Vec<Value>,
    pub head_sha: String,
    pub base_sha: String,
    pub draft: bool,
    /// ISO 8601, compared as text with `updated_after`.
    pub updated_at: String,
}

impl State {
    fn swap(&mut self, mr: &mut FakeMr) {
        std::mem::swap(&mut self.labels, &mut mr.labels);
        std::mem::swap(&mut self.files, &mut mr.files);
        std::mem::swap(&mut self.notes, &mut mr.notes);
        std::mem::swap(&mut self.discussions, &mut mr.discussions);
        std::mem::swap(&mut self.head_sha, &mut mr.head_sha);
        std::mem::swap(&mut self.base_sha, &mut mr.base_sha);
    }
}

pub struct FakeGitlab {
    server: Arc<Server>,
    state: Arc<Mutex<State>>,
    pub port: u16,
}

impl Drop for FakeGitlab {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl FakeGitlab {
    pub fn start() -> FakeGitlab {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let mut tokens = HashMap::new();
        tokens.insert(
            BOT_TOKEN.to_string(),
            (BOT_ID, "hblint-bot".to_string(), false),
        );
        tokens.insert(
            HUMAN_TOKEN.to_string(),
            (HUMAN_ID, "alice".to_string(), false),
        );
        tokens.insert(JOB_TOKEN.to_string(), (BOT_ID + 1, "job".to_string(), true));
        let state = Arc::new(Mutex::new(State {
            tokens,
            labels: vec!["documentation".into()],
            files: Vec::new(),
            notes: Vec::new(),
            discussions: Vec::new(),
            faults: Vec::new(),
            log: Vec::new(),
            has_diffs: true,
            strip_pagination_headers: false,
            auth_headers: Vec::new(),
            private: true,
            job_project: PROJECT_ID.to_string(),
            job_token_reads_mr: false,
            job_token_refused: Vec::new(),
            head_sha: HEAD_SHA.to_string(),
            base_sha: BASE_SHA.to_string(),
            max_files: None,
            redirect_to: None,
            artifacts: HashMap::new(),
            others: std::collections::BTreeMap::new(),
            repository: None,
            tree_pages: 0,
            current_iid: MR_IID,
            next_id: 1000,
        }));
        let (srv, st) = (Arc::clone(&server), Arc::clone(&state));
        std::thread::spawn(move || {
            for request in srv.incoming_requests() {
                let st = Arc::clone(&st);
                std::thread::spawn(move || handle(request, &st));
            }
        });
        FakeGitlab {
            server,
            state,
            port,
        }
    }

    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/v4", self.port)
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn fault(
        &self,
        method: Option<&'static str>,
        path_contains: &str,
        kind: FaultKind,
        times: usize,
    ) {
        self.state().faults.push(Fault {
            method,
            path_contains: path_contains.into(),
            kind,
            remaining: times,
        });
    }

    /// A note written by a user, as the API would store it.
    pub fn add_note(&self, author: u64, body: &str) -> u64 {
        let mut st = self.state();
        let note = new_note(&mut st, author, body);
        let id = note["id"].as_u64().unwrap_or(0);
        st.notes.push(note);
        id
    }

    pub fn notes(&self) -> Vec<Value> {
        self.state().notes.clone()
    }

    /// Another open merge request.
    pub fn add_mr(&self, iid: u64, mr: FakeMr) {
        self.state().others.insert(iid, mr);
    }

    /// The notes of merge request `iid`.
    pub fn notes_of(&self, iid: u64) -> Vec<Value> {
        let st = self.state();
        if iid == MR_IID {
            return st.notes.clone();
        }
        st.others
            .get(&iid)
            .map(|m| m.notes.clone())
            .unwrap_or_default()
    }

    /// The bodies of the bot's notes on merge request `iid`.
    pub fn bot_notes(&self, iid: u64) -> Vec<String> {
        self.notes_of(iid)
            .iter()
            .filter(|n| n["author"]["id"].as_u64() == Some(BOT_ID))
            .filter_map(|n| n["body"].as_str().map(str::to_owned))
            .collect()
    }

    /// A note written by `author` on merge request `iid`.
    pub fn add_note_to(&self, iid: u64, author: u64, body: &str) {
        let mut st = self.state();
        let note = new_note(&mut st, author, body);
        match st.others.get_mut(&iid) {
            Some(mr) => mr.notes.push(note),
            None => st.notes.push(note),
        }
    }

    pub fn log(&self) -> Vec<String> {
        self.state().log.clone()
    }
}

fn username(st: &State, id: u64) -> String {
    st.tokens
        .values()
        .find(|(uid, _, _)| *uid == id)
        .map(|(_, n, _)| n.clone())
        .unwrap_or_default()
}

fn new_note(st: &mut State, author: u64, body: &str) -> Value {
    st.next_id += 1;
    json!({
        "id": st.next_id, "type": null, "body": body,
        "author": {"id": author, "username": username(st, author)},
        "created_at": "2026-11-25T10:00:00Z", "updated_at": "2026-11-25T10:00:00Z",
        "system": false, "noteable_id": 2, "noteable_type": "MergeRequest", "noteable_iid": MR_IID,
        "project_id": 1, "resolvable": false, "confidential": false, "internal": false,
    })
}

/// The changed files as GitLab lists them, within the diff limits.
fn listed(st: &State) -> Vec<Value> {
    let limit = st.max_files.unwrap_or(usize::MAX);
    st.files.iter().take(limit).map(FakeFile::json).collect()
}

fn changes_count(st: &State) -> String {
    match st.max_files {
        Some(limit) if st.files.len() > limit => format!("{limit}+"),
        _ => st.files.len().to_string(),
    }
}

fn mr_json(st: &State) -> Value {
    let iid = st.current_iid;
    let draft = st.others.get(&iid).is_some_and(|m| m.draft);
    let updated = st
        .others
        .get(&iid)
        .map(|m| m.updated_at.clone())
        .unwrap_or_else(|| "2026-11-25T10:00:00Z".into());
    json!({
        "id": 155016530 + iid, "iid": iid, "draft": draft, "work_in_progress": draft,
        "updated_at": updated, "project_id": 1, "title": "Update SA pages",
        "state": "opened", "draft": false, "source_branch": "sa-update", "target_branch": "main",
        "sha": st.head_sha, "labels": st.labels,
        "web_url": format!("https://gitlab.example.com/{PROJECT_PATH}/-/merge_requests/{iid}"),
        "changes_count": changes_count(st),
        "author": {"id": HUMAN_ID, "username": "alice"},
        "diff_refs": {"base_sha": st.base_sha, "head_sha": st.head_sha, "start_sha": st.base_sha},
    })
}

type Reply = (u16, Vec<(String, String)>, Vec<u8>);

fn artifact(bytes: &[u8]) -> Reply {
    (
        200,
        vec![("Content-Type".into(), "application/octet-stream".into())],
        bytes.to_vec(),
    )
}

fn json_reply(status: u16, v: Value) -> Reply {
    (
        status,
        vec![("Content-Type".into(), "application/json".into())],
        v.to_string().into_bytes(),
    )
}

fn message(status: u16, text: &str) -> Reply {
    json_reply(status, json!({"message": text}))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn handle(mut request: tiny_http::Request, state: &Arc<Mutex<State>>) {
    let method = request.method().as_str().to_uppercase();
    let raw_url = request.url().to_owned();
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let token = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("PRIVATE-TOKEN") || h.field.equiv("JOB-TOKEN"))
        .map(|h| {
            (
                h.field.as_str().as_str().to_uppercase(),
                h.value.as_str().to_owned(),
            )
        });

    let (path, query) = match raw_url.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (raw_url.clone(), String::new()),
    };
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();

    // Faults first.
    let fault = {
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        st.log.push(format!("{method} {raw_url}"));
        if let Some((name, value)) = &token {
            st.auth_headers.push(format!("{name}: {value}"));
        }
        let hit = st.faults.iter_mut().find(|f| {
            f.remaining > 0
                && f.method.is_none_or(|m| m == method)
                && path.contains(&f.path_contains)
        });
        hit.map(|f| {
            f.remaining -= 1;
            f.kind.clone()
        })
    };
    let reply: Reply = match fault {
        Some(FaultKind::RateLimit { retry_after }) => (
            429,
            vec![
                ("Retry-After".into(), retry_after.to_string()),
                ("RateLimit-Name".into(), "throttle_authenticated_api".into()),
                ("RateLimit-Limit".into(), "60".into()),
                ("RateLimit-Observed".into(), "61".into()),
                ("RateLimit-Remaining".into(), "0".into()),
                ("Content-Type".into(), "text/plain".into()),
            ],
            b"Retry later\n".to_vec(),
        ),
        Some(FaultKind::ServerError) => message(500, "500 Internal Server Error"),
        Some(FaultKind::Unauthorized) => message(401, "401 Unauthorized"),
        Some(FaultKind::Forbidden) => json_reply(
            403,
            json!({"error": "insufficient_scope", "error_description": "The request requires higher privileges than provided by the access token.", "scope": "api"}),
        ),
        Some(FaultKind::BadGateway) => (
            502,
            vec![("Content-Type".into(), "text/html".into())],
            GITLAB_502_PAGE.as_bytes().to_vec(),
        ),
        Some(FaultKind::RateLimitBare) => (
            429,
            vec![("Content-Type".into(), "text/plain".into())],
            b"Retry later\n".to_vec(),
        ),
        Some(FaultKind::SignInPage) => (
            200,
            vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            SIGN_IN_PAGE.as_bytes().to_vec(),
        ),
        Some(FaultKind::PlainText) => (
            200,
            vec![("Content-Type".into(), "text/plain".into())],
            b"OK\n".to_vec(),
        ),
        Some(FaultKind::Slow(d)) => {
            std::thread::sleep(d);
            route(state, &method, &path, &params, &body, token.as_ref())
        }
        None => route(state, &method, &path, &params, &body, token.as_ref()),
    };
    let (status, mut headers, text) = reply;
    if state
        .lock()
        .map(|st| st.strip_pagination_headers)
        .unwrap_or(false)
    {
        headers.retain(|(k, _)| !k.starts_with("x-"));
    }
    let mut response = Response::from_data(text).with_status_code(status);
    for (k, v) in headers {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

/// Whether the job token may make this request: the job token access table
/// ("GitLab CI/CD job token" page) lists `GET /job`, raw repository files of
/// the job's project and, since issue 545150, `GET` of a merge request and its
/// notes. Not diffs, changes, versions, discussions, `GET /user` nor any write.
fn job_token_allowed(st: &State, method: &str, seg: &[&str]) -> bool {
    match (method, seg) {
        ("GET", ["job"]) => true,
        // "Download job artifacts": allowed from projects whose job token
        // allowlist holds the caller (here the hblint project's).
        ("GET", ["projects", HBLINT_PROJECT, "jobs", "artifacts", _, "raw", _]) => true,
        ("GET", ["projects", p, "repository", "files", _, "raw"]) => *p == st.job_project,
        ("GET", ["projects", p, "merge_requests", _])
        | ("GET", ["projects", p, "merge_requests", _, "notes"]) => {
            st.job_token_reads_mr && *p == st.job_project
        }
        _ => false,
    }
}

fn route(
    state: &Arc<Mutex<State>>,
    method: &str,
    path: &str,
    params: &HashMap<String, String>,
    body: &str,
    token: Option<&(String, String)>,
) -> Reply {
    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(origin) = st.redirect_to.clone() {
        // A moved instance: every API path answers a permanent redirect.
        return (
            308,
            vec![("Location".into(), format!("{origin}{path}"))],
            Vec::new(),
        );
    }
    let Some((header, value)) = token else {
        return message(401, "401 Unauthorized");
    };
    let Some((user_id, user_name, is_job)) = st.tokens.get(value).cloned() else {
        return message(401, "401 Unauthorized");
    };
    if is_job != (header == "JOB-TOKEN") {
        return message(401, "401 Unauthorized");
    }
    let Some(rest) = path.strip_prefix("/api/v4/") else {
        return message(404, "404 Not found");
    };
    let segments: Vec<String> = rest.split('/').map(percent_decode).collect();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    if is_job && !job_token_allowed(&st, method, &seg) {
        st.job_token_refused.push(format!("{method} {path}"));
        return match seg.as_slice() {
            ["user"] => message(401, "401 Unauthorized"),
            _ if st.private => message(404, "404 Project Not Found"),
            _ => message(403, "403 Forbidden"),
        };
    }
    match (method, seg.as_slice()) {
        ("GET", ["user"]) => json_reply(
            200,
            json!({"id": user_id, "username": user_name, "name": user_name, "state": "active"}),
        ),
        ("GET", ["job"]) => json_reply(200, json!({"id": 42, "status": "running"})),
        (
            "GET",
            [
                "projects",
                HBLINT_PROJECT,
                "jobs",
                "artifacts",
                _,
                "raw",
                name,
            ],
        ) => match st.artifacts.get(*name) {
            Some(bytes) if params.get("job").map(String::as_str) == Some("build-release") => {
                artifact(bytes)
            }
            _ => message(404, "404 Not found"),
        },
        (_, ["projects", p, rest @ ..]) => {
            if *p == FORK_ID || *p == FORK_PATH {
                // The fork exists but holds no merge request !7.
                return message(404, "404 Not found");
            }
            if *p != PROJECT_ID && *p != PROJECT_PATH {
                return message(404, "404 Project Not Found");
            }
            project_route(&mut st, method, rest, params, body, user_id, is_job)
        }
        _ => message(404, "404 Not found"),
    }
}

/// GitLab's answer to a note body over the limit.
fn too_long(text: &str) -> Option<Reply> {
    (text.chars().count() > MAX_NOTE_CHARS).then(|| {
        json_reply(
            400,
            json!({"message": {"note": ["is too long (maximum is 1000000 characters)"]}}),
        )
    })
}

fn project_route(
    st: &mut State,
    method: &str,
    rest: &[&str],
    params: &HashMap<String, String>,
    body: &str,
    user_id: u64,
    is_job: bool,
) -> Reply {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    if let ("GET", ["repository", "tree"]) = (method, rest) {
        return tree_route(st, params);
    }
    if let Some(repo) = st.repository.clone()
        && let ["repository", "files", file, "raw"] = rest
    {
        return repository_file(&repo, file, params);
    }
    if let ["repository", "files", file, "raw"] = rest {
        let wanted = params.get("ref").cloned().unwrap_or_default();
        let files = if wanted == st.head_sha {
            Some(&st.files)
        } else {
            st.others
                .values()
                .find(|m| m.head_sha == wanted)
                .map(|m| &m.files)
        };
        return match files
            .into_iter()
            .flatten()
            .find(|f| f.new_path == *file)
            .and_then(|f| f.content.clone())
        {
            Some(c) => (
                200,
                vec![("Content-Type".into(), "text/plain".into())],
                c.into_bytes(),
            ),
            _ => message(404, "404 File Not Found"),
        };
    }
    if let ("GET", ["merge_requests"]) = (method, rest) {
        return mr_list(st, params);
    }
    let ["merge_requests", iid, tail @ ..] = rest else {
        return message(404, "404 Not found");
    };
    let Some(iid) = iid.parse::<u64>().ok() else {
        return message(404, "404 Not found");
    };
    with_mr(st, iid, |st| {
        mr_route(st, method, tail, params, &form, user_id, is_job)
    })
    .unwrap_or_else(|| message(404, "404 Not found"))
}

/// Answer with merge request `iid`'s fields swapped into the state's (the
/// placeholder left in `others` keeps its draft flag and update time).
fn with_mr<R>(st: &mut State, iid: u64, f: impl FnOnce(&mut State) -> R) -> Option<R> {
    if iid == MR_IID {
        return Some(f(st));
    }
    let mut other = st.others.remove(&iid)?;
    st.swap(&mut other);
    st.current_iid = iid;
    let placeholder = FakeMr {
        draft: other.draft,
        updated_at: other.updated_at.clone(),
        ..FakeMr::default()
    };
    st.others.insert(iid, placeholder);
    let reply = f(st);
    st.others.remove(&iid);
    st.swap(&mut other);
    st.current_iid = MR_IID;
    st.others.insert(iid, other);
    Some(reply)
}

/// `GET /projects/:id/merge_requests` ("Merge requests API": `state`,
/// `updated_after`, `labels` (all of them), `wip=yes|no`), paginated.
fn mr_list(st: &mut State, params: &HashMap<String, String>) -> Reply {
    if params.get("state").is_some_and(|s| s != "opened") {
        return paged(&[], params);
    }
    let wanted: Vec<&str> = params
        .get("labels")
        .map(|l| l.split(',').filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    let mut iids: Vec<u64> = std::iter::once(MR_IID)
        .chain(st.others.keys().copied())
        .collect();
    iids.sort_unstable();
    let mut items = Vec::new();
    for iid in iids {
        let (labels, draft, updated) = match st.others.get(&iid) {
            Some(m) => (m.labels.clone(), m.draft, m.updated_at.clone()),
            None => (st.labels.clone(), false, "2026-11-25T10:00:00Z".to_string()),
        };
        if !wanted.iter().all(|w| labels.iter().any(|l| l == w)) {
            continue;
        }
        match params.get("wip").map(String::as_str) {
            Some("no") if draft => continue,
            Some("yes") if !draft => continue,
            _ => {}
        }
        if params
            .get("updated_after")
            .is_some_and(|after| updated.as_str() < after.as_str())
        {
            continue;
        }
        if let Some(mut item) = with_mr(st, iid, |st| mr_json(st)) {
            // The list leaves out diff_refs and changes_count.
            if let Value::Object(map) = &mut item {
                map.remove("diff_refs");
                map.remove("changes_count");
            }
            items.push(item);
        }
    }
    paged(&items, params)
}

fn mr_route(
    st: &mut State,
    method: &str,
    tail: &[&str],
    params: &HashMap<String, String>,
    form: &HashMap<String, String>,
    user_id: u64,
    is_job: bool,
) -> Reply {
    match (method, tail) {
        ("GET", []) => json_reply(200, mr_json(st)),
        ("GET", ["diffs"]) if st.has_diffs => {
            let page: usize = params
                .get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1);
            let per_page: usize = params
                .get("per_page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(20)
                .clamp(1, 100);
            let all = listed(st);
            let total = all.len();
            let pages = total.div_ceil(per_page).max(1);
            let items: Vec<Value> = all
                .into_iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .collect();
            let next = if page < pages {
                (page + 1).to_string()
            } else {
                String::new()
            };
            let mut reply = json_reply(200, Value::Array(items));
            reply.1.extend([
                ("x-page".into(), page.to_string()),
                ("x-per-page".into(), per_page.to_string()),
                ("x-next-page".into(), next),
                ("x-total".into(), total.to_string()),
                ("x-total-pages".into(), pages.to_string()),
            ]);
            reply
        }
        ("GET", ["changes"]) => {
            let mut mr = mr_json(st);
            mr["changes"] = Value::Array(listed(st));
            mr["overflow"] = json!(st.max_files.is_some_and(|m| st.files.len() > m));
            json_reply(200, mr)
        }
        ("GET", ["notes"]) => paged(&st.notes, params),
        ("POST", ["notes"]) => {
            if is_job {
                return message(403, "403 Forbidden");
            }
            let Some(text) = form.get("body") else {
                return json_reply(400, json!({"message": {"note": ["can't be blank"]}}));
            };
            if let Some(refused) = too_long(text) {
                return refused;
            }
            let note = new_note(st, user_id, text);
            st.notes.push(note.clone());
            json_reply(201, note)
        }
        ("PUT", ["notes", id]) => {
            if is_job {
                return message(403, "403 Forbidden");
            }
            let id: u64 = id.parse().unwrap_or(0);
            let Some(note) = st.notes.iter_mut().find(|n| n["id"].as_u64() == Some(id)) else {
                return message(404, "404 Not found");
            };
            if note["author"]["id"].as_u64() != Some(user_id) {
                return message(403, "403 Forbidden");
            }
            if let Some(text) = form.get("body") {
                if let Some(refused) = too_long(text) {
                    return refused;
                }
                note["body"] = json!(text);
                note["updated_at"] = json!("2026-11-25T11:00:00Z");
            }
            json_reply(200, note.clone())
        }
        ("GET", ["discussions"]) => paged(&st.discussions, params),
        ("POST", ["discussions"]) => {
            if is_job {
                return message(403, "403 Forbidden");
            }
            let line: Option<u64> = form.get("position[new_line]").and_then(|l| l.parse().ok());
            let path = form.get("position[new_path]").cloned().unwrap_or_default();
            let on_diff = st.files.iter().any(|f| {
                f.new_path == path
                    && line.is_some_and(|l| {
                        hblint::added_lines(&f.diff)
                            .iter()
                            .any(|(s, e)| (*s as u64) <= l && l <= (*e as u64))
                    })
            });
            if !on_diff || form.get("position[head_sha]") != Some(&st.head_sha) {
                return json_reply(
                    400,
                    json!({"message": "400 Bad request - Note {:line_code=>[\"can't be blank\"]}"}),
                );
            }
            let mut note = new_note(
                st,
                user_id,
                form.get("body").map(String::as_str).unwrap_or(""),
            );
            note["type"] = json!("DiffNote");
            note["position"] = json!({"new_path": path, "new_line": line, "head_sha": st.head_sha});
            st.next_id += 1;
            let d = json!({"id": format!("d{}", st.next_id), "individual_note": false, "notes": [note]});
            st.discussions.push(d.clone());
            json_reply(201, d)
        }
        _ => message(404, "404 Not found"),
    }
}

fn paged(items: &[Value], params: &HashMap<String, String>) -> Reply {
    let page: usize = params
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let per_page: usize = params
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(20)
        .clamp(1, 100);
    let pages = items.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .cloned()
        .collect();
    let mut reply = json_reply(200, Value::Array(slice));
    reply.1.extend([
        ("x-page".into(), page.to_string()),
        ("x-per-page".into(), per_page.to_string()),
        (
            "x-next-page".into(),
            if page < pages {
                (page + 1).to_string()
            } else {
                String::new()
            },
        ),
        ("x-total".into(), items.len().to_string()),
        ("x-total-pages".into(), pages.to_string()),
    ]);
    reply
}

/// A second listener on another loopback address (so another origin), the
/// target of [`FakeGitlab::redirect_to`]: it answers every request with an
/// empty JSON object and keeps every token header it receives.
pub struct Recorder {
    server: Arc<Server>,
    seen: Arc<Mutex<Vec<String>>>,
    pub origin: String,
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl Recorder {
    /// `None` when 127.0.0.2 cannot be bound (a system without the whole 127/8 on loopback).
    pub fn start() -> Option<Recorder> {
        let server = Arc::new(Server::http("127.0.0.2:0").ok()?);
        let port = server.server_addr().to_ip()?.port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (srv, log) = (Arc::clone(&server), Arc::clone(&seen));
        std::thread::spawn(move || {
            for request in srv.incoming_requests() {
                let mut entry = format!("{} {}", request.method(), request.url());
                for h in request.headers() {
                    if h.field.equiv("PRIVATE-TOKEN")
                        || h.field.equiv("JOB-TOKEN")
                        || h.field.equiv("Authorization")
                    {
                        entry.push_str(&format!(" {}: {}", h.field, h.value));
                    }
                }
                log.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
                let _ = request.respond(Response::from_string("{}").with_status_code(200));
            }
        });
        Some(Recorder {
            server,
            seen,
            origin: format!("http://127.0.0.2:{port}"),
        })
    }

    /// Every request received, with any token header it carried.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl FakeGitlab {
    /// From now on, answer every API request with a `308` to `origin`.
    pub fn redirect_to(&self, origin: &str) {
        self.state().redirect_to = Some(origin.to_owned());
    }
}

/// `git` in `repo`, its standard output; `None` when it fails.
fn git_output(repo: &std::path::Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The entries of the tree at `reference` as GitLab lists them (`id`,
/// `name`, `type`, `path`, `mode`), folders before their contents; `None`
/// when the reference names no commit.
fn tree_entries(st: &State, reference: &str) -> Option<Vec<Value>> {
    if let Some(repo) = &st.repository {
        let commit = format!("{reference}^{{commit}}");
        git_output(repo, &["rev-parse", "--verify", "--quiet", &commit])?;
        let listing = git_output(
            repo,
            &["ls-tree", "-r", "-t", "-z", "--full-tree", reference],
        )?;
        return Some(
            listing
                .split(|b| *b == 0)
                .filter_map(|line| {
                    let line = std::str::from_utf8(line).ok()?;
                    let (meta, path) = line.split_once('\t')?;
                    let mut meta = meta.split(' ');
                    let (mode, kind, id) = (meta.next()?, meta.next()?, meta.next()?);
                    let name = path.rsplit('/').next().unwrap_or(path);
                    Some(json!({"id": id, "name": name, "type": kind, "path": path, "mode": mode}))
                })
                .collect(),
        );
    }
    // Without a repository: the MR's files with content at its head commit.
    let files = if reference == st.head_sha {
        &st.files
    } else {
        &st.others.values().find(|m| m.head_sha == reference)?.files
    };
    // Object ids name the content, as git's do.
    let object_id = |text: &str| {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(text.as_bytes()))[..40].to_owned()
    };
    let mut paths: Vec<(String, &str, String)> = Vec::new();
    for f in files {
        let Some(content) = &f.content else {
            continue;
        };
        let mut dir = f.new_path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            paths.push((parent.to_owned(), "tree", object_id(parent)));
            dir = parent;
        }
        paths.push((f.new_path.clone(), "blob", object_id(content)));
    }
    paths.sort();
    paths.dedup();
    Some(
        paths
            .into_iter()
            .map(|(path, kind, id)| {
                let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
                let mode = if kind == "tree" { "040000" } else { "100644" };
                json!({"id": id, "name": name, "type": kind, "path": path, "mode": mode})
            })
            .collect(),
    )
}

/// `GET /projects/:id/repository/tree` as GitLab answers it ("Repositories
/// API", docs.gitlab.com/api/repositories/#list-repository-tree, and
/// `lib/api/repositories.rb`, `lib/gitlab/pagination/gitaly_keyset_pager.rb`):
/// - `pagination` is `legacy` (the default), `keyset` or `none`; anything
///   else is `400`, and `none` only with `recursive=true`;
/// - a `ref` that names no commit is `404 Tree Not Found`;
/// - `per_page` defaults to 20 and is at most 100 ("REST API", Pagination);
/// - with keyset pagination, a full page carries `Link: <…>; rel="next"` whose
///   query holds an opaque `page_token`; a page that is not full has no
///   `Link`, so a full last page is followed by an empty one. The link names
///   `gitlab.example.com` (GitLab writes its external URL there): a client
///   that follows the link's host instead of its own API fails;
/// - legacy pagination is offset pagination (`page`, `x-next-page`).
fn tree_route(st: &mut State, params: &HashMap<String, String>) -> Reply {
    let pagination = params.get("pagination").map_or("legacy", String::as_str);
    let recursive = params.get("recursive").map(String::as_str) == Some("true");
    if !matches!(pagination, "legacy" | "keyset" | "none") {
        return json_reply(
            400,
            json!({"error": "pagination does not have a valid value"}),
        );
    }
    if pagination == "none" && !recursive {
        return json_reply(
            400,
            json!({"error": "pagination cannot be \"none\" unless \"recursive\" is true"}),
        );
    }
    let reference = params
        .get("ref")
        .cloned()
        .unwrap_or_else(|| st.head_sha.clone());
    let Some(mut entries) = tree_entries(st, &reference) else {
        return message(404, "404 Tree Not Found");
    };
    if !recursive {
        entries.retain(|e| e["path"].as_str().is_some_and(|p| !p.contains('/')));
    }
    match pagination {
        "none" => json_reply(200, Value::Array(entries)),
        "legacy" => paged(&entries, params),
        _ => {
            st.tree_pages += 1;
            let per_page: usize = params
                .get("per_page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(20)
                .clamp(1, 100);
            let start = match params.get("page_token") {
                None => 0,
                Some(token) => {
                    let Some(after) = decode_token(token) else {
                        return message(400, "400 Bad request - invalid page_token");
                    };
                    entries
                        .iter()
                        .position(|e| e["path"].as_str() == Some(after.as_str()))
                        .map_or(entries.len(), |i| i + 1)
                }
            };
            let page: Vec<Value> = entries.iter().skip(start).take(per_page).cloned().collect();
            let mut reply = json_reply(200, Value::Array(page.clone()));
            if page.len() == per_page
                && let Some(last) = page.last().and_then(|e| e["path"].as_str())
            {
                let mut next = url::form_urlencoded::Serializer::new(String::new());
                next.append_pair("id", PROJECT_ID)
                    .append_pair("page_token", &encode_token(last))
                    .append_pair("pagination", "keyset")
                    .append_pair("per_page", &per_page.to_string())
                    .append_pair("recursive", if recursive { "true" } else { "false" })
                    .append_pair("ref", &reference);
                reply.1.push((
                    "Link".into(),
                    format!(
                        "<https://gitlab.example.com/api/v4/projects/{PROJECT_ID}/repository/tree?{}>; rel=\"next\"",
                        next.finish()
                    ),
                ));
            }
            reply
        }
    }
}

/// An opaque page token: the last path, hex-encoded.
fn encode_token(path: &str) -> String {
    path.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// `GET /projects/:id/repository/files/:file_path/raw?ref=` from the
/// repository: the blob's bytes, or `404 File Not Found` ("Repository files
/// API", docs.gitlab.com/api/repository_files/).
fn repository_file(repo: &std::path::Path, file: &str, params: &HashMap<String, String>) -> Reply {
    let reference = params.get("ref").map_or("HEAD", String::as_str);
    let object = format!("{reference}:{file}");
    match git_output(repo, &["cat-file", "blob", &object]) {
        Some(bytes) => (
            200,
            vec![("Content-Type".into(), "text/plain".into())],
            bytes,
        ),
        None => message(404, "404 File Not Found"),
    }
}

impl FakeGitlab {
    /// Serve the repository tree and raw files from the git repository at `repo`.
    pub fn serve_repository(&self, repo: &std::path::Path) {
        self.state().repository = Some(repo.to_path_buf());
    }
}

/// Run git in `dir` with a fixed identity and no system configuration; its
/// trimmed standard output (a failure fails the test).
pub fn git_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Give the repository at `root` the remote `origin` a GitLab checkout has.
pub fn add_origin(root: &std::path::Path) {
    git_in(
        root,
        &[
            "remote",
            "add",
            "origin",
            "https://gitlab.example.com/group/handbook.git",
        ],
    );
}

/// Write `text` to the file `path` below `root`, making its folders.
pub fn write_file(root: &std::path::Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

/// Commit every change of the work tree at `root`; the new commit's id.
pub fn commit_all(root: &std::path::Path, message: &str) -> String {
    git_in(root, &["add", "-A"]);
    git_in(root, &["commit", "-q", "--allow-empty", "-m", message]);
    git_in(root, &["rev-parse", "HEAD"])
}

/// Make `root` a git checkout whose head commit adds every file to an empty
/// base commit, and tell the fake GitLab the two commits.
pub fn commit_checkout(root: &std::path::Path, fake: &FakeGitlab) {
    git_in(root, &["init", "-q"]);
    git_in(root, &["commit", "-q", "--allow-empty", "-m", "base"]);
    let base = git_in(root, &["rev-parse", "HEAD"]);
    let head = commit_all(root, "head");
    let mut st = fake.state();
    st.base_sha = base;
    st.head_sha = head;
}

/// The start of GitLab's own 502 page (omnibus `public/502.html`).
pub const GITLAB_502_PAGE: &str = "<!DOCTYPE html>\n<html>\n<head>\n  <meta content=\"width=device-width, initial-scale=1, maximum-scale=1\" name=\"viewport\">\n  <title>GitLab is not responding (502)</title>\n</head>\n<body>\n  <h1>502</h1>\n  <h3>Whoops, GitLab is taking too much time to respond.</h3>\n</body>\n</html>\n";

/// A single sign-on proxy's page, served with status 200.
pub const SIGN_IN_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Sign in · Example SSO</title></head>\n<body><form method=\"post\" action=\"/login\"></form></body>\n</html>\n";

/// Faults below HTTP, which tiny_http cannot play: a raw TCP front on
/// 127.0.0.1 that passes each request to the fake GitLab (one request per
/// connection, `Connection: close` both ways) unless a [`RawFault`] takes it.
/// A TLS handshake sent to it is answered `400` at once, as nginx answers
/// one on a plain-HTTP port.
pub struct FaultProxy {
    pub port: u16,
    faults: Arc<Mutex<Vec<RawFault>>>,
    played: Arc<Mutex<Vec<String>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawKind {
    /// The real answer's head and half its body, then nothing for 10 s.
    StallBody,
    /// The real answer's head (its `Content-Length` kept) and half its body,
    /// then the connection closes.
    CutBody,
    /// Bytes that are not HTTP (an SSH banner), then the connection closes.
    Garbage,
}

#[derive(Debug, Clone)]
pub struct RawFault {
    pub path_contains: String,
    pub kind: RawKind,
    pub remaining: usize,
}

impl FaultProxy {
    pub fn start(fake: &FakeGitlab) -> FaultProxy {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("an address").port();
        let backend = fake.port;
        let faults: Arc<Mutex<Vec<RawFault>>> = Arc::new(Mutex::new(Vec::new()));
        let played = Arc::new(Mutex::new(Vec::new()));
        let (f, p) = (Arc::clone(&faults), Arc::clone(&played));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (f, p) = (Arc::clone(&f), Arc::clone(&p));
                std::thread::spawn(move || proxy_one(stream, backend, &f, &p));
            }
        });
        FaultProxy {
            port,
            faults,
            played,
        }
    }

    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/v4", self.port)
    }

    /// Play `kind` on the next `times` requests whose path contains `path_contains`.
    pub fn fault(&self, path_contains: &str, kind: RawKind, times: usize) {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RawFault {
                path_contains: path_contains.into(),
                kind,
                remaining: times,
            });
    }

    /// "KIND METHOD PATH" for every fault played.
    pub fn played(&self) -> Vec<String> {
        self.played
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// A message head (up to the blank line) and the bytes read past it.
fn read_message_head(stream: &mut impl std::io::Read) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            return Some((head, buf[end + 4..].to_vec()));
        }
        let n = stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// `head` with its `Connection` header replaced by `Connection: close`.
fn closing(head: &str) -> String {
    let mut lines: Vec<&str> = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    format!("{}\r\n\r\n", lines.join("\r\n"))
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.split("\r\n").find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

/// The fake's whole answer to one request: (head, body).
fn ask_backend(backend: u16, head: &str, body: &[u8]) -> Option<(String, Vec<u8>)> {
    use std::io::{Read, Write};
    let mut up = std::net::TcpStream::connect(("127.0.0.1", backend)).ok()?;
    up.write_all(closing(head).as_bytes()).ok()?;
    up.write_all(body).ok()?;
    let (answer_head, mut rest) = read_message_head(&mut up)?;
    up.read_to_end(&mut rest).ok()?;
    Some((answer_head, rest))
}

fn proxy_one(
    mut client: std::net::TcpStream,
    backend: u16,
    faults: &Mutex<Vec<RawFault>>,
    played: &Mutex<Vec<String>>,
) {
    use std::io::{Read, Write};
    // A TLS handshake (a record of type 22) on this plain-HTTP port gets a
    // 400 at once, as nginx answers it; tiny_http would wait for a request head.
    let mut first = [0u8; 1];
    if client.peek(&mut first).is_ok_and(|n| n == 1) && first[0] == 0x16 {
        let _ = client.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    let Some((head, mut body)) = read_message_head(&mut client) else {
        return;
    };
    let length: usize = header_value(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        match client.read(&mut chunk) {
            Ok(n) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let request_line = head.lines().next().unwrap_or("").to_owned();
    let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    let fault = {
        let mut faults = faults.lock().unwrap_or_else(|e| e.into_inner());
        faults
            .iter_mut()
            .find(|f| f.remaining > 0 && path.contains(&f.path_contains))
            .map(|f| {
                f.remaining -= 1;
                f.kind
            })
    };
    if let Some(kind) = fault {
        let method = request_line.split(' ').next().unwrap_or("");
        played
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(format!("{kind:?} {method} {path}"));
    }
    if fault == Some(RawKind::Garbage) {
        let _ = client.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02\x03 protocol mismatch\r\n");
        return;
    }
    let Some((answer_head, answer)) = ask_backend(backend, &head, &body) else {
        return;
    };
    let _ = client.write_all(closing(&answer_head).as_bytes());
    match fault {
        Some(RawKind::StallBody) | Some(RawKind::CutBody) => {
            let _ = client.write_all(&answer[..answer.len() / 2]);
            let _ = client.flush();
            if fault == Some(RawKind::StallBody) {
                std::thread::sleep(Duration::from_secs(10));
            }
        }
        _ => {
            let _ = client.write_all(&answer);
        }
    }
}

/// The command for `hblint mr` against `fake` with the CI variables of a
/// merge request pipeline (and none from the caller's CI), retrying fast.
pub fn mr_pipeline(fake: &FakeGitlab) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hblint"));
    cmd.arg("mr");
    for (var, _) in std::env::vars() {
        if var.starts_with("CI_") || var.ends_with("GITLAB_TOKEN") || var == "NO_COLOR" {
            cmd.env_remove(var);
        }
    }
    let (base, head) = {
        let st = fake.state();
        (st.base_sha.clone(), st.head_sha.clone())
    };
    cmd.env("CI_API_V4_URL", fake.api_url())
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("CI_MERGE_REQUEST_IID", MR_IID.to_string())
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", base)
        .env("CI_COMMIT_SHA", head)
        .env("HBLINT_RETRY_BASE_MS", "20")
        .env("HBLINT_HTTP_TIMEOUT", "5");
    cmd
}

/// gitlab-ci-local (`tool`) in `root`: the shell executor, none of the
/// caller's CI variables, and `variables` given as pipeline variables.
pub fn ci_local_command(
    tool: &std::path::Path,
    root: &std::path::Path,
    variables: &[(&str, String)],
) -> std::process::Command {
    let mut cmd = std::process::Command::new(tool);
    cmd.current_dir(root);
    for (var, _) in std::env::vars() {
        if var.starts_with("CI_") || var.ends_with("GITLAB_TOKEN") || var == "GITLAB_CI" {
            cmd.env_remove(var);
        }
    }
    cmd.args(["--force-shell-executor", "--no-color"]);
    for (k, v) in variables {
        cmd.arg("--variable").arg(format!("{k}={v}"));
    }
    cmd
}
