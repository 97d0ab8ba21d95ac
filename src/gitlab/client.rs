//! The GitLab client: the `gitlab` crate's endpoint types, sent by hblint's
//! own request loop on a blocking `reqwest` client.
//!
//! hblint drives the loop itself rather than the crate's `Query`, because it
//! needs what `Query` hides: the status and headers (`x-next-page` for
//! pagination, `Retry-After` on 429), the answer read in pieces under a size
//! limit and a deadline, and each failure classified so that it is retried
//! or explained ([`super::retry`] holds the policy, [`super::error`] the
//! messages). 401/403/404 are explained by naming the variable or permission
//! at fault.
//!
//! Redirects are never followed: `PRIVATE-TOKEN` and `JOB-TOKEN` are custom
//! headers, which HTTP clients keep when they follow a redirect to another
//! host. A 3xx is reported with the address to use instead. The token never
//! appears in any message.

pub use super::error::{ApiError, ApiErrorKind};
use super::error::{Attempted, transport_help};
pub use super::retry::Options;
use super::retry::{Retry, rate_limit_wait};
use gitlab::api::{Endpoint, RestClient};
use serde::de::DeserializeOwned;
use std::fmt;
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where the token came from; it decides the header and whether notes can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// `HBLINT_GITLAB_TOKEN` (or `--token-env` naming another variable).
    Hblint,
    /// `GITLAB_TOKEN`.
    Gitlab,
    /// `CI_JOB_TOKEN`: read-only for merge requests and notes.
    Job,
}

impl TokenSource {
    pub fn variable(self) -> &'static str {
        match self {
            TokenSource::Hblint => "HBLINT_GITLAB_TOKEN",
            TokenSource::Gitlab => "GITLAB_TOKEN",
            TokenSource::Job => "CI_JOB_TOKEN",
        }
    }
}

/// A secret: `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct Token {
    value: String,
    pub source: TokenSource,
}

impl Token {
    pub fn new(value: impl Into<String>, source: TokenSource) -> Token {
        Token {
            value: value.into(),
            source,
        }
    }

    /// The first of `HBLINT_GITLAB_TOKEN`, `GITLAB_TOKEN`, `CI_JOB_TOKEN` that is set and not empty.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Option<Token> {
        [TokenSource::Hblint, TokenSource::Gitlab, TokenSource::Job]
            .into_iter()
            .find_map(|source| {
                get(source.variable())
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .map(|v| Token::new(v, source))
            })
    }

    pub fn is_job_token(&self) -> bool {
        self.source == TokenSource::Job
    }

    /// `text` with every occurrence of the token replaced.
    pub fn redact(&self, text: &str) -> String {
        if self.value.len() < 4 {
            return text.to_owned();
        }
        text.replace(&self.value, "[token]")
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({}, [redacted])", self.source.variable())
    }
}

/// One answer from GitLab.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    /// The request it answers, for messages: `GET`, and the address without its query.
    pub method: String,
    pub url: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    }

    /// `x-next-page` as a number; `None` on the last page.
    pub fn next_page(&self) -> Option<u64> {
        self.header("x-next-page").and_then(|v| v.parse().ok())
    }
}

/// What the hints for error messages need to know about the run.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// How the project was given: "CI_PROJECT_ID" or "--project".
    pub project_source: String,
    pub project: String,
    /// How the MR was given: "CI_MERGE_REQUEST_IID" or "--mr".
    pub mr_source: String,
    pub mr: u64,
}

/// A connected client. It may be shared between threads (the bot's
/// workers); the retry budget is the run's, whichever thread spends it.
pub struct Client {
    inner: Http,
    token: Token,
    options: Options,
    hints: Hints,
    /// Time spent so far on failed attempts and the waits after them.
    spent: Mutex<Duration>,
}

/// `https://host/path/api/v4` → (`host/path`, whether plain http).
pub fn split_api_url(api_url: &str) -> Result<(String, bool), String> {
    let url = url::Url::parse(api_url.trim()).map_err(|e| format!("`{api_url}`: {e}"))?;
    let insecure = match url.scheme() {
        "https" => false,
        "http" => true,
        other => return Err(format!("`{api_url}`: unsupported scheme `{other}`")),
    };
    let host = url
        .host_str()
        .ok_or_else(|| format!("`{api_url}` names no host"))?;
    let mut authority = host.to_owned();
    if let Some(port) = url.port() {
        authority.push_str(&format!(":{port}"));
    }
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/api/v4").unwrap_or(path);
    Ok((format!("{authority}{path}"), insecure))
}

/// One failed attempt: the cause, and whether it may be repeated.
struct Failed {
    kind: ApiErrorKind,
    retry: Retry,
    /// The wait the server asked for (`Retry-After`, `RateLimit-Reset`).
    asked: Option<Duration>,
}

impl Client {
    /// A client for the API at `api_url` (as `CI_API_V4_URL` gives it) with
    /// `token`. Nothing is sent yet: the first request shows whether the token works.
    pub fn connect(
        api_url: &str,
        token: Token,
        options: Options,
        hints: Hints,
    ) -> Result<Client, ApiError> {
        let connect_error = |reason: String| {
            ApiError {
            what: "connect to GitLab".into(),
            kind: ApiErrorKind::Transport(reason),
            help: Some(
                "set CI_API_V4_URL (or --gitlab-url) to the API root, such as https://gitlab.com/api/v4"
                    .into(),
            ),
        }
        };
        let (host, insecure) = split_api_url(api_url).map_err(connect_error)?;
        let scheme = if insecure { "http" } else { "https" };
        let base = url::Url::parse(&format!("{scheme}://{host}/api/v4/"))
            .map_err(|e| connect_error(e.to_string()))?;
        // `timeout` bounds sending and waiting for the head, and each read
        // of the body; the attempt's own deadline bounds the whole body.
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("hblint/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .build()
            .map_err(|e| connect_error(e.to_string()))?;
        Ok(Client {
            inner: Http {
                http,
                base,
                token: token.clone(),
            },
            token,
            options,
            hints,
            spent: Mutex::new(Duration::ZERO),
        })
    }

    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Add `d` to the time spent on failures; the new total.
    fn charge(&self, d: Duration) -> Duration {
        let mut spent = self.spent.lock().unwrap_or_else(|e| e.into_inner());
        *spent = spent.saturating_add(d);
        *spent
    }

    /// Send one request under the retry policy of [`super::retry`].
    pub fn send<E: Endpoint>(&self, endpoint: &E, what: &str) -> Result<Response, ApiError> {
        let method = endpoint.method();
        let path = endpoint.endpoint().into_owned();
        let unbuilt = |reason: String| ApiError::new(what, ApiErrorKind::Decode(reason));
        let mut url = endpoint
            .url_base()
            .endpoint_for(&self.inner, &path)
            .map_err(|e| unbuilt(self.token.redact(&e.to_string())))?;
        endpoint.parameters().add_to_url(&mut url);
        let body = endpoint.body().map_err(|e| unbuilt(e.to_string()))?;
        let o = &self.options;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let tried = Instant::now();
            let failed = match self.inner.attempt(&method, &url, body.as_ref(), o) {
                Ok(response) if (200..300).contains(&response.status) => {
                    if let Some(pause) =
                        quota_pause(&response, std::time::SystemTime::now(), o.max_wait)
                    {
                        std::thread::sleep(pause);
                    }
                    return Ok(response);
                }
                Ok(response) => self.refusal(&response, &url),
                Err(failed) => failed,
            };
            let spent = self.charge(tried.elapsed());
            let wait = failed
                .asked
                .unwrap_or_else(|| o.backoff(attempt))
                .min(o.max_wait);
            let left = o.budget.saturating_sub(spent);
            let stopped = if !failed.retry.allows(&method) {
                (failed.retry == Retry::Idempotent)
                    .then(|| format!("a {method} that may have been carried out is not repeated"))
            } else if attempt >= o.attempts {
                Some(format!(
                    "no more attempts (HBLINT_RETRY_ATTEMPTS={})",
                    o.attempts
                ))
            } else if wait > left {
                Some(format!(
                    "the next wait ({:.1} s) is past what is left of the run's retry budget \
                     ({:.1} of {:.1} s, HBLINT_RETRY_BUDGET)",
                    wait.as_secs_f64(),
                    left.as_secs_f64(),
                    o.budget.as_secs_f64()
                ))
            } else {
                std::thread::sleep(wait);
                self.charge(wait);
                attempt += 1;
                continue;
            };
            let attempted = Attempted {
                method: method.to_string(),
                url: strip_query(&url),
                attempts: attempt,
                secs: started.elapsed().as_secs_f64(),
                stopped,
            };
            return Err(self.fail(what, &attempted, failed.kind, &method, &path));
        }
    }

    /// A non-2xx answer as a failed attempt.
    fn refusal(&self, response: &Response, url: &url::Url) -> Failed {
        let status = response.status;
        if (300..400).contains(&status) {
            return Failed {
                kind: ApiErrorKind::Status {
                    status,
                    message: redirect_message(status, response.header("location"), url),
                },
                retry: Retry::Never,
                asked: None,
            };
        }
        // `Retry-After` also comes with 503 (RFC 9110, 10.2.3).
        let asked = matches!(status, 429 | 503)
            .then(|| {
                rate_limit_wait(
                    response.header("retry-after"),
                    response.header("ratelimit-reset"),
                    std::time::SystemTime::now(),
                )
            })
            .flatten();
        Failed {
            kind: ApiErrorKind::Status {
                status,
                message: error_message(&response.body),
            },
            retry: Retry::for_status(status),
            asked,
        }
    }

    /// The error for a request that failed for good, with its help.
    fn fail(
        &self,
        what: &str,
        attempted: &Attempted,
        kind: ApiErrorKind,
        method: &http::Method,
        path: &str,
    ) -> ApiError {
        let redact = |s: &str| self.token.redact(s);
        let kind = match kind {
            ApiErrorKind::Status { status, message } => ApiErrorKind::Status {
                status,
                message: redact(&message),
            },
            ApiErrorKind::Transport(reason) => ApiErrorKind::Transport(redact(&reason)),
            other => other,
        };
        let mut err = ApiError::new(what, kind);
        let help = explain(&err, &self.token, &self.hints, method, path)
            .or_else(|| transport_help(&err.kind));
        err.help = Some(with_request(&attempted.to_string(), help));
        err
    }

    /// Send and decode the JSON answer.
    pub fn json<T: DeserializeOwned, E: Endpoint>(
        &self,
        endpoint: &E,
        what: &str,
    ) -> Result<T, ApiError> {
        let response = self.send(endpoint, what)?;
        self.decode(&response, what)
    }

    /// A JSON answer as `T`. A body that is not JSON at all (an HTML page,
    /// a proxy's text) is told apart from JSON of the wrong shape.
    fn decode<T: DeserializeOwned>(&self, r: &Response, what: &str) -> Result<T, ApiError> {
        serde_json::from_slice(&r.body).map_err(|e| {
            let content_type = r.header("content-type").unwrap_or("no content type");
            let first = r.body.iter().find(|b| !b.is_ascii_whitespace());
            let kind = if !content_type.contains("json") || first == Some(&b'<') {
                let text = String::from_utf8_lossy(&r.body);
                let start: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
                ApiErrorKind::NotJson {
                    status: r.status,
                    content_type: content_type.to_owned(),
                    start: self
                        .token
                        .redact(&start.chars().take(80).collect::<String>()),
                }
            } else {
                ApiErrorKind::Decode(e.to_string())
            };
            let mut err = ApiError::new(what, kind);
            err.help = Some(with_request(
                &format!("{} {}", r.method, r.url),
                transport_help(&err.kind),
            ));
            err
        })
    }

    /// Every item of a paginated list: follows `x-next-page` (not the
    /// short-page heuristic) up to `max_pages` pages, and stops there.
    pub fn paged<T: DeserializeOwned, E: Endpoint>(
        &self,
        endpoint: &E,
        what: &str,
        max_pages: u64,
    ) -> Result<Vec<T>, ApiError> {
        self.pages(endpoint, what, max_pages, false)
    }

    /// [`Client::paged`] for lists that must be whole (hblint's own note,
    /// its discussions): a list longer than `max_pages` pages is an error
    /// rather than a part taken for the whole.
    pub fn paged_whole<T: DeserializeOwned, E: Endpoint>(
        &self,
        endpoint: &E,
        what: &str,
        max_pages: u64,
    ) -> Result<Vec<T>, ApiError> {
        self.pages(endpoint, what, max_pages, true)
    }

    fn pages<T: DeserializeOwned, E: Endpoint>(
        &self,
        endpoint: &E,
        what: &str,
        max_pages: u64,
        whole: bool,
    ) -> Result<Vec<T>, ApiError> {
        let mut items = Vec::new();
        let mut page = 1;
        loop {
            let paged = Paged {
                inner: endpoint,
                page,
                per_page: PER_PAGE,
            };
            let response = self.send(&paged, what)?;
            let batch: Vec<T> = self.decode(&response, what)?;
            let (count, empty) = (batch.len(), batch.is_empty());
            items.extend(batch);
            // `x-next-page` is empty on the last page. A proxy may strip the
            // header: then a full page means there may be another.
            let next = match response.header("x-next-page") {
                Some(_) => response.next_page(),
                None => (count as u64 >= PER_PAGE).then_some(page + 1),
            };
            match next {
                Some(next) if next > page && !empty && page < max_pages => page = next,
                Some(next) if next > page && !empty && whole => {
                    let mut err = ApiError::new(
                        what,
                        ApiErrorKind::TooManyPages {
                            pages: max_pages,
                            per_page: PER_PAGE,
                        },
                    );
                    err.help = Some(with_request(
                        &format!("{} {}", response.method, response.url),
                        transport_help(&err.kind),
                    ));
                    return Err(err);
                }
                _ => return Ok(items),
            }
        }
    }
}

/// The help of a failed request: the request on its own line (method,
/// address, attempts, why retrying stopped), then what to do.
fn with_request(request: &str, help: Option<String>) -> String {
    match help {
        Some(help) => format!("request: {request}\n{help}"),
        None => format!("request: {request}"),
    }
}

/// How long to wait after a successful answer that used up the quota:
/// GitLab's rate limit headers ("Rate limits", docs.gitlab.com/security/rate_limits/)
/// say `RateLimit-Remaining: 0` and give `RateLimit-Reset` as a Unix time.
/// The next request would get a 429, so the client waits until the reset
/// (at most `max_wait`). `None` while quota remains or without the headers.
pub fn quota_pause(
    response: &Response,
    now: std::time::SystemTime,
    max_wait: Duration,
) -> Option<Duration> {
    let remaining: u64 = response.header("ratelimit-remaining")?.parse().ok()?;
    if remaining > 0 {
        return None;
    }
    let reset: u64 = response.header("ratelimit-reset")?.parse().ok()?;
    let now = now.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(reset.saturating_sub(now).max(1)).min(max_wait))
}

/// Items per page asked for (GitLab's maximum).
pub const PER_PAGE: u64 = 100;

/// The HTTP side: the token header, no redirects, answers read under the
/// size limit and the attempt's deadline.
struct Http {
    http: reqwest::blocking::Client,
    /// `https://host/path/api/v4/`
    base: url::Url,
    token: Token,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

impl RestClient for Http {
    type Error = HttpError;

    fn rest_endpoint(&self, endpoint: &str) -> Result<url::Url, gitlab::api::ApiError<HttpError>> {
        Ok(self.base.join(endpoint)?)
    }
}

impl Http {
    /// One attempt: send, then read the answer in pieces, never more than
    /// `o.max_answer_bytes` and never past `o.timeout` in all.
    fn attempt(
        &self,
        method: &http::Method,
        url: &url::Url,
        body: Option<&(&'static str, Vec<u8>)>,
        o: &Options,
    ) -> Result<Response, Failed> {
        let header = if self.token.is_job_token() {
            "JOB-TOKEN"
        } else {
            "PRIVATE-TOKEN"
        };
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(header, self.token.value.as_str());
        if let Some((mime, data)) = body {
            request = request
                .header(http::header::CONTENT_TYPE, *mime)
                .body(data.clone());
        }
        let started = Instant::now();
        let mut response = request.send().map_err(|e| classify(e, url, o))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let too_large = || Failed {
            kind: ApiErrorKind::TooLarge {
                limit: o.max_answer_bytes,
            },
            retry: Retry::Never,
            asked: None,
        };
        if response
            .content_length()
            .is_some_and(|len| len > o.max_answer_bytes)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if started.elapsed() > o.timeout {
                return Err(Failed {
                    kind: ApiErrorKind::Timeout {
                        secs: o.timeout.as_secs_f64(),
                        phase: "reading the answer",
                    },
                    retry: Retry::Idempotent,
                    asked: None,
                });
            }
            match response.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    if (bytes.len() + n) as u64 > o.max_answer_bytes {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(broken_body(&e, bytes.len(), o)),
            }
        }
        Ok(Response {
            status,
            headers,
            body: bytes,
            method: method.to_string(),
            url: strip_query(url),
        })
    }
}

/// `host:port` of an address, for messages.
fn authority(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The texts of an error's causes, outermost first, without the address.
fn causes(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        texts.push(s.to_string());
        source = s.source();
    }
    texts
}

/// Whether an I/O error of `kind` is among the causes.
fn has_io_kind(e: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    let mut source = e.source();
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        source = s.source();
    }
    false
}

/// A failure to send or to get the answer's head, classified. `reqwest`
/// marks connection and timeout failures; the rest is told apart by the
/// causes' texts (hyper's and rustls's errors are not part of hblint's API).
fn classify(e: reqwest::Error, url: &url::Url, o: &Options) -> Failed {
    let host = authority(url);
    let texts = causes(&e);
    let joined = texts.join(": ");
    let lower = joined.to_ascii_lowercase();
    let reason = texts.last().cloned().unwrap_or_else(|| e.to_string());
    let failed = |kind, retry| Failed {
        kind,
        retry,
        asked: None,
    };
    let tls = [
        "tls",
        "certificate",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if e.is_timeout() {
        let (secs, phase, retry) = if e.is_connect() {
            (o.connect_timeout, "connecting", Retry::Always)
        } else {
            (o.timeout, "waiting for the answer", Retry::Idempotent)
        };
        return failed(
            ApiErrorKind::Timeout {
                secs: secs.as_secs_f64(),
                phase,
            },
            retry,
        );
    }
    // A TLS failure, in the handshake or later, is never retried.
    if tls {
        return failed(
            ApiErrorKind::Tls {
                host,
                reason: joined,
            },
            Retry::Never,
        );
    }
    if e.is_connect() {
        if has_io_kind(&e, std::io::ErrorKind::ConnectionRefused) {
            return failed(ApiErrorKind::Refused(host), Retry::Always);
        }
        if lower.contains("dns error") || lower.contains("lookup address") {
            return failed(
                ApiErrorKind::Dns {
                    host: url.host_str().unwrap_or("?").to_owned(),
                    reason,
                },
                Retry::Always,
            );
        }
        return failed(ApiErrorKind::Transport(joined), Retry::Always);
    }
    if lower.contains("invalid http") || lower.contains("parse") || lower.contains("invalid status")
    {
        return failed(
            ApiErrorKind::NotHttp {
                host,
                reason: joined,
            },
            Retry::Never,
        );
    }
    failed(
        ApiErrorKind::Transport(if joined.is_empty() {
            e.without_url().to_string()
        } else {
            joined
        }),
        Retry::Idempotent,
    )
}

/// A failure while reading the body: a stall past the timeout, or an answer
/// cut off (fewer bytes than `Content-Length`, a reset).
fn broken_body(e: &std::io::Error, read: usize, o: &Options) -> Failed {
    let mut reason = e.to_string();
    for c in causes(e) {
        reason.push_str(&format!(": {c}"));
    }
    let timed_out = e.kind() == std::io::ErrorKind::TimedOut
        || reason.to_ascii_lowercase().contains("timed out");
    let kind = if timed_out {
        ApiErrorKind::Timeout {
            secs: o.timeout.as_secs_f64(),
            phase: "reading the answer",
        }
    } else {
        ApiErrorKind::Transport(format!("the answer broke off after {read} bytes: {reason}"))
    };
    Failed {
        kind,
        retry: Retry::Idempotent,
        asked: None,
    }
}

/// A 3xx: where GitLab points, with the token never sent there.
fn redirect_message(status: u16, location: Option<&str>, from: &url::Url) -> String {
    match location.and_then(|l| from.join(l).ok()) {
        Some(to) => {
            let same = to.origin() == from.origin();
            format!(
                "GitLab answered {status} with a redirect to {}{}; hblint follows no redirect, \
                 so no token went there",
                strip_query(&to),
                if same { "" } else { " (another origin)" }
            )
        }
        None => format!("GitLab answered {status} (a redirect without a location)"),
    }
}

fn strip_query(u: &url::Url) -> String {
    let mut u = u.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// GitLab's error text from a JSON body (`message` or `error`), else the body's first line.
fn error_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let m = v.get("message").or_else(|| v.get("error"));
        return match m {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => v.to_string(),
        };
    }
    let text = String::from_utf8_lossy(body);
    // An HTML error page (a proxy's 502): its title says it best.
    let lower = text.to_ascii_lowercase();
    let title = lower
        .find("<title>")
        .map(|i| i + "<title>".len())
        .and_then(|start| Some(start..start + lower.get(start..)?.find("</title>")?))
        .and_then(|r| text.get(r));
    title
        .or_else(|| text.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .trim()
        .chars()
        .take(200)
        .collect()
}

/// Help for 401, 403 and 404, naming the variable or permission at fault.
fn explain(
    err: &ApiError,
    token: &Token,
    hints: &Hints,
    method: &http::Method,
    path: &str,
) -> Option<String> {
    let var = token.source.variable();
    let writes = method != http::Method::GET;
    match err.status()? {
        300..=399 => Some(
            "set CI_API_V4_URL (or --gitlab-url) to the address GitLab points to, \
             after checking that it is your GitLab"
                .to_string(),
        ),
        401 => Some(format!(
            "GitLab does not accept the token in {var}: it is wrong, expired or revoked. \
             Create a project access token with the `api` scope (Settings → Access tokens) \
             and store it in a masked CI/CD variable named HBLINT_GITLAB_TOKEN"
        )),
        403 if writes && token.is_job_token() => Some(
            "CI_JOB_TOKEN may only read merge requests and notes; to comment, store a project \
             access token with the `api` scope in a masked CI/CD variable named HBLINT_GITLAB_TOKEN"
                .to_string(),
        ),
        403 if writes => Some(format!(
            "the token in {var} may not write to this merge request: it needs the `api` scope \
             and at least the Reporter role in the project"
        )),
        403 => Some(format!(
            "the token in {var} may not read this project: it needs the `read_api` or `api` scope \
             and access to project `{}`",
            hints.project
        )),
        404 if path.contains("/notes/") || path.contains("/discussions/") => {
            Some("the note hblint wanted to edit is gone; the next run posts a new one".to_string())
        }
        404 => Some(format!(
            "project `{}` ({}) or merge request !{} ({}) does not exist, or the token in {var} \
             cannot see it; check both values and the token's project",
            hints.project,
            if hints.project_source.is_empty() {
                "CI_PROJECT_ID"
            } else {
                &hints.project_source
            },
            hints.mr,
            if hints.mr_source.is_empty() {
                "CI_MERGE_REQUEST_IID"
            } else {
                &hints.mr_source
            },
        )),
        _ => None,
    }
}

/// An endpoint with `page` and `per_page` added.
struct Paged<'a, E> {
    inner: &'a E,
    page: u64,
    per_page: u64,
}

impl<E: Endpoint> Endpoint for Paged<'_, E> {
    fn method(&self) -> http::Method {
        self.inner.method()
    }

    fn endpoint(&self) -> std::borrow::Cow<'static, str> {
        self.inner.endpoint()
    }

    fn parameters(&self) -> gitlab::api::QueryParams<'_> {
        let mut params = self.inner.parameters();
        params
            .push("page", self.page)
            .push("per_page", self.per_page);
        params
    }
}

/// `group/project` or `42` as the `:id` of a project URL.
pub fn project_id(project: &str) -> String {
    percent_encoding::utf8_percent_encode(project, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_order_and_redaction() {
        let env = |name: &str| match name {
            "GITLAB_TOKEN" => Some("glpat-secret-1234".to_string()),
            "CI_JOB_TOKEN" => Some("job".to_string()),
            "HBLINT_GITLAB_TOKEN" => Some("  ".to_string()),
            _ => None,
        };
        let t = Token::from_lookup(env).expect("a token");
        assert_eq!(t.source, TokenSource::Gitlab);
        assert!(!format!("{t:?}").contains("secret"));
        assert_eq!(t.redact("x glpat-secret-1234 y"), "x [token] y");
        assert!(Token::from_lookup(|_| None).is_none());
    }

    #[test]
    fn api_urls_split_into_host_and_scheme() {
        assert_eq!(
            split_api_url("https://gitlab.com/api/v4").expect("ok"),
            ("gitlab.com".to_string(), false)
        );
        assert_eq!(
            split_api_url("http://127.0.0.1:8080/api/v4/").expect("ok"),
            ("127.0.0.1:8080".to_string(), true)
        );
        assert_eq!(
            split_api_url("https://example.org/gitlab/api/v4").expect("ok"),
            ("example.org/gitlab".to_string(), false)
        );
        assert!(split_api_url("ftp://x/api/v4").is_err());
        assert!(split_api_url("not a url").is_err());
    }

    #[test]
    fn a_used_up_quota_waits_until_the_reset() {
        let answer = |remaining: &str, reset: &str| {
            let mut headers = http::HeaderMap::new();
            for (k, v) in [
                ("ratelimit-remaining", remaining),
                ("ratelimit-reset", reset),
            ] {
                if let Ok(v) = http::HeaderValue::from_str(v) {
                    headers.insert(k, v);
                }
            }
            Response {
                status: 200,
                headers,
                body: Vec::new(),
                method: "GET".into(),
                url: "http://gl.example/api/v4/user".into(),
            }
        };
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_000);
        let max = Duration::from_secs(60);
        assert_eq!(
            quota_pause(&answer("0", "1003"), now, max),
            Some(Duration::from_secs(3))
        );
        assert_eq!(quota_pause(&answer("0", "5000"), now, max), Some(max));
        assert_eq!(
            quota_pause(&answer("0", "900"), now, max),
            Some(Duration::from_secs(1))
        );
        assert_eq!(quota_pause(&answer("5", "1003"), now, max), None);
        assert_eq!(quota_pause(&answer("0", "soon"), now, max), None);
    }

    #[test]
    fn project_paths_are_encoded() {
        assert_eq!(project_id("group/sub/handbook"), "group%2Fsub%2Fhandbook");
        assert_eq!(project_id("42"), "42");
    }

    #[test]
    fn errors_name_the_variable() {
        let token = Token::new("abcd1234", TokenSource::Job);
        let err = ApiError {
            what: "post".into(),
            kind: ApiErrorKind::Status {
                status: 403,
                message: "403 Forbidden".into(),
            },
            help: None,
        };
        let help =
            explain(&err, &token, &Hints::default(), &http::Method::POST, "x").expect("help");
        assert!(help.contains("HBLINT_GITLAB_TOKEN"), "{help}");
        let err = ApiError {
            kind: ApiErrorKind::Status {
                status: 401,
                message: String::new(),
            },
            ..err
        };
        let help = explain(&err, &token, &Hints::default(), &http::Method::GET, "x").expect("help");
        assert!(help.contains("CI_JOB_TOKEN"), "{help}");
    }

    /// A listener on 127.0.0.1 that plays `script` on every connection.
    fn script_server(script: fn(std::net::TcpStream)) -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || script(stream));
            }
        });
        port
    }

    /// Read the request head, so the client sees its request taken.
    fn read_head(stream: &mut std::net::TcpStream) {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 65_536 {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
    }

    /// `GET /user` once against `api_url`, with short timeouts and no retry.
    fn one_try(api_url: &str) -> ApiError {
        let options = Options {
            timeout: Duration::from_millis(300),
            connect_timeout: Duration::from_millis(300),
            attempts: 1,
            max_answer_bytes: 4096,
            ..Options::default()
        };
        let client = Client::connect(
            api_url,
            Token::new("glpat-test-1234", TokenSource::Hblint),
            options,
            Hints::default(),
        )
        .expect("client");
        let user = gitlab::api::users::CurrentUser::builder()
            .build()
            .expect("endpoint");
        match client.json::<serde_json::Value, _>(&user, "read the user") {
            Ok(v) => panic!("{api_url} answered {v}"),
            Err(e) => e,
        }
    }

    #[test]
    fn each_transport_failure_is_told_apart() {
        use std::io::Write;
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let e = one_try(&format!("http://127.0.0.1:{closed}/api/v4"));
        assert_eq!(
            e.kind,
            ApiErrorKind::Refused(format!("127.0.0.1:{closed}")),
            "{e}"
        );
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.starts_with("request: GET http://127.0.0.1:")),
            "{e:?}"
        );

        let e = one_try("http://gitlab.invalid/api/v4");
        assert!(
            matches!(&e.kind, ApiErrorKind::Dns { host, .. } if host == "gitlab.invalid"),
            "{e:?}"
        );

        let plain = script_server(|mut s| {
            // A TLS hello holds no blank line: answer the first bytes, as a plain server does.
            let _ = s.read(&mut [0u8; 512]);
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        });
        let e = one_try(&format!("https://127.0.0.1:{plain}/api/v4"));
        assert!(matches!(e.kind, ApiErrorKind::Tls { .. }), "{e:?}");

        let garbage = script_server(|mut s| {
            read_head(&mut s);
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 not http at all\r\n\r\n");
        });
        let e = one_try(&format!("http://127.0.0.1:{garbage}/api/v4"));
        assert!(matches!(e.kind, ApiErrorKind::NotHttp { .. }), "{e:?}");

        let stall = script_server(|mut s| {
            read_head(&mut s);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": ",
            );
            std::thread::sleep(Duration::from_secs(3));
        });
        let e = one_try(&format!("http://127.0.0.1:{stall}/api/v4"));
        assert!(
            matches!(
                e.kind,
                ApiErrorKind::Timeout {
                    phase: "reading the answer",
                    ..
                }
            ),
            "{e:?}"
        );

        let cut = script_server(|mut s| {
            read_head(&mut s);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": 1",
            );
        });
        let e = one_try(&format!("http://127.0.0.1:{cut}/api/v4"));
        assert!(
            matches!(&e.kind, ApiErrorKind::Transport(r) if r.contains("broke off after 8 bytes")),
            "{e:?}"
        );

        let endless = script_server(|mut s| {
            read_head(&mut s);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
            while s.write_all(chunk.as_bytes()).is_ok() {}
        });
        let e = one_try(&format!("http://127.0.0.1:{endless}/api/v4"));
        assert_eq!(e.kind, ApiErrorKind::TooLarge { limit: 4096 }, "{e:?}");

        let html = script_server(|mut s| {
            read_head(&mut s);
            let body = "<!DOCTYPE html>\n<html><head><title>Sign in · GitLab</title></head></html>";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        });
        let e = one_try(&format!("http://127.0.0.1:{html}/api/v4"));
        assert!(
            matches!(&e.kind, ApiErrorKind::NotJson { status: 200, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn an_html_error_page_is_summed_up_by_its_title() {
        let page =
            b"<!DOCTYPE html>\n<html>\n<head>\n<title>GitLab is not responding (502)</title>";
        assert_eq!(error_message(page), "GitLab is not responding (502)");
        assert_eq!(error_message(b"\n\nRetry later\n"), "Retry later");
        assert_eq!(
            error_message(br#"{"message": "404 Not found"}"#),
            "404 Not found"
        );
    }
}
