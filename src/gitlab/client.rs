//! The GitLab client: the `gitlab` crate's endpoint types, sent through
//! hblint's own [`gitlab::api::Client`] (a blocking `reqwest` client).
//!
//! hblint drives the request loop itself rather than `Query`, because it needs
//! what `Query` hides: the response headers (`x-next-page` for pagination,
//! `Retry-After` on 429) and the status, to retry on 429 and 5xx with a
//! bounded backoff and to explain 401/403/404 by naming the variable or
//! permission at fault. Every request runs under a timeout.
//!
//! Redirects are never followed: `PRIVATE-TOKEN` and `JOB-TOKEN` are custom
//! headers, which HTTP clients keep when they follow a redirect to another
//! host. A 3xx is reported with the address to use instead. The token never
//! appears in any message.

use gitlab::api::{Client as _, Endpoint, RestClient};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

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

/// Timeouts and retries.
#[derive(Debug, Clone)]
pub struct Options {
    /// Per request.
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first wait before a retry; doubled each time.
    pub base_backoff: Duration,
    /// The longest single wait, whatever `Retry-After` says.
    pub max_wait: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(30),
            attempts: 5,
            base_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl Options {
    /// The defaults, with `HBLINT_HTTP_TIMEOUT` (seconds), `HBLINT_RETRY_BASE_MS`
    /// and `HBLINT_RETRY_ATTEMPTS` applied when set.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Options {
        let mut o = Options::default();
        let num = |name: &str| get(name).and_then(|v| v.trim().parse::<f64>().ok());
        if let Some(s) = num("HBLINT_HTTP_TIMEOUT").filter(|s| *s > 0.0) {
            o.timeout = Duration::from_secs_f64(s);
        }
        if let Some(ms) = num("HBLINT_RETRY_BASE_MS").filter(|s| *s >= 0.0) {
            o.base_backoff = Duration::from_secs_f64(ms / 1000.0);
        }
        if let Some(n) = num("HBLINT_RETRY_ATTEMPTS").filter(|n| *n >= 1.0) {
            o.attempts = n as u32;
        }
        o
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_backoff.saturating_mul(factor).min(self.max_wait)
    }
}

/// What went wrong talking to GitLab, with what hblint was doing.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// "read merge request !12", "edit note 301", …
    pub what: String,
    pub kind: ApiErrorKind,
    /// What the user should do, naming the variable or permission at fault.
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApiErrorKind {
    /// GitLab answered with an error status.
    Status { status: u16, message: String },
    /// No answer within the timeout.
    Timeout { secs: f64 },
    /// Connection refused, DNS, TLS…
    Transport(String),
    /// The answer is not what GitLab documents.
    Decode(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ApiErrorKind::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ApiErrorKind::Status { status, message } => {
                write!(f, "cannot {}: GitLab answered {status}", self.what)?;
                if !message.is_empty() {
                    write!(f, " ({message})")?;
                }
                Ok(())
            }
            ApiErrorKind::Timeout { secs } => write!(
                f,
                "cannot {}: GitLab did not answer within {secs:.1} s",
                self.what
            ),
            ApiErrorKind::Transport(reason) => {
                write!(f, "cannot {}: cannot reach GitLab: {reason}", self.what)
            }
            ApiErrorKind::Decode(reason) => write!(
                f,
                "cannot {}: unexpected answer from GitLab: {reason}",
                self.what
            ),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// As a miette report with its help.
    pub fn report(&self) -> miette::Report {
        match &self.help {
            Some(help) => miette::miette!(help = help.clone(), "{self}"),
            None => miette::miette!("{self}"),
        }
    }
}

/// One answer from GitLab.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
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

/// A connected client.
pub struct Client {
    inner: Arc<Http>,
    token: Token,
    options: Options,
    hints: Hints,
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
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("hblint/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            // A backstop: each request is abandoned after `options.timeout` already.
            .timeout(options.timeout.saturating_add(Duration::from_secs(5)))
            .build()
            .map_err(|e| connect_error(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Http {
                http,
                base,
                token: token.clone(),
            }),
            token,
            options,
            hints,
        })
    }

    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Send one request, retrying 429 (after `Retry-After`), 5xx, timeouts and
    /// transport errors with exponential backoff, at most `attempts` times.
    pub fn send<E: Endpoint>(&self, endpoint: &E, what: &str) -> Result<Response, ApiError> {
        let method = endpoint.method();
        let path = endpoint.endpoint().into_owned();
        let fail = |kind: ApiErrorKind| {
            let mut err = ApiError {
                what: what.to_owned(),
                kind,
                help: None,
            };
            err.help = explain(&err, &self.token, &self.hints, method.clone(), &path);
            err
        };
        let mut url = endpoint
            .url_base()
            .endpoint_for(&*self.inner, &path)
            .map_err(|e| fail(ApiErrorKind::Transport(self.token.redact(&e.to_string()))))?;
        endpoint.parameters().add_to_url(&mut url);
        let body = endpoint
            .body()
            .map_err(|e| fail(ApiErrorKind::Decode(e.to_string())))?;
        let mut attempt = 1;
        loop {
            let mut request = http::Request::builder()
                .method(method.clone())
                .uri(url.as_str());
            let data = match &body {
                Some((mime, data)) => {
                    request = request.header(http::header::CONTENT_TYPE, *mime);
                    data.clone()
                }
                None => Vec::new(),
            };
            let inner = Arc::clone(&self.inner);
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let result = inner.rest(request, data).map(|r| {
                    let (parts, body) = r.into_parts();
                    Response {
                        status: parts.status.as_u16(),
                        headers: parts.headers,
                        body: body.to_vec(),
                    }
                });
                let _ = tx.send(result.map_err(|e| e.to_string()));
            });
            let (wait, failure) = match rx.recv_timeout(self.options.timeout) {
                Ok(Ok(response)) if (200..300).contains(&response.status) => {
                    if let Some(pause) = quota_pause(
                        &response,
                        std::time::SystemTime::now(),
                        self.options.max_wait,
                    ) {
                        std::thread::sleep(pause);
                    }
                    return Ok(response);
                }
                Ok(Ok(response)) if (300..400).contains(&response.status) => {
                    let message =
                        redirect_message(response.status, response.header("location"), &url);
                    (
                        None,
                        ApiErrorKind::Status {
                            status: response.status,
                            message,
                        },
                    )
                }
                Ok(Ok(response)) => {
                    let status = response.status;
                    let message = error_message(&response.body);
                    if status == 429 {
                        let after = response
                            .header("retry-after")
                            .and_then(|v| v.parse::<f64>().ok())
                            .map(Duration::from_secs_f64)
                            .unwrap_or_else(|| self.options.backoff(attempt))
                            .min(self.options.max_wait);
                        (Some(after), ApiErrorKind::Status { status, message })
                    } else if status >= 500 {
                        (
                            Some(self.options.backoff(attempt)),
                            ApiErrorKind::Status { status, message },
                        )
                    } else {
                        (None, ApiErrorKind::Status { status, message })
                    }
                }
                Ok(Err(reason)) => (
                    Some(self.options.backoff(attempt)),
                    ApiErrorKind::Transport(self.token.redact(&reason)),
                ),
                Err(_) => (
                    Some(self.options.backoff(attempt)),
                    ApiErrorKind::Timeout {
                        secs: self.options.timeout.as_secs_f64(),
                    },
                ),
            };
            // A POST that timed out, failed in transit or got a 500 may have
            // been carried out: repeating it could post twice. Only a 429 or
            // a 502/503/504 (the request never reached GitLab's application) is
            // retried for it; the next pipeline finds a note that did land.
            let replayable = method != http::Method::POST
                || matches!(&failure, ApiErrorKind::Status { status, .. } if matches!(status, 429 | 502..=504));
            match wait {
                Some(wait) if replayable && attempt < self.options.attempts => {
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                _ => {
                    let failure = match failure {
                        ApiErrorKind::Status { status, message } => ApiErrorKind::Status {
                            status,
                            message: self.token.redact(&message),
                        },
                        other => other,
                    };
                    return Err(fail(failure));
                }
            }
        }
    }

    /// Send and decode the JSON answer.
    pub fn json<T: DeserializeOwned, E: Endpoint>(
        &self,
        endpoint: &E,
        what: &str,
    ) -> Result<T, ApiError> {
        let response = self.send(endpoint, what)?;
        decode(&response.body, what)
    }

    /// Every item of a paginated list: follows `x-next-page` (not the
    /// short-page heuristic) up to `max_pages` pages.
    pub fn paged<T: DeserializeOwned, E: Endpoint>(
        &self,
        endpoint: &E,
        what: &str,
        max_pages: u64,
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
            let batch: Vec<T> = decode(&response.body, what)?;
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
                _ => return Ok(items),
            }
        }
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
const PER_PAGE: u64 = 100;

/// The HTTP side: the `gitlab` crate's [`gitlab::api::Client`], with the token
/// header and no redirects.
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

impl gitlab::api::Client for Http {
    fn rest(
        &self,
        request: http::request::Builder,
        body: Vec<u8>,
    ) -> Result<http::Response<bytes::Bytes>, gitlab::api::ApiError<HttpError>> {
        let header = if self.token.is_job_token() {
            "JOB-TOKEN"
        } else {
            "PRIVATE-TOKEN"
        };
        let request = request
            .header(header, self.token.value.as_str())
            .body(body)
            .map_err(|e| gitlab::api::ApiError::client(HttpError(e.to_string())))?;
        let request = reqwest::blocking::Request::try_from(request)
            .map_err(|e| gitlab::api::ApiError::client(HttpError(e.to_string())))?;
        let response = self
            .http
            .execute(request)
            .map_err(|e| gitlab::api::ApiError::client(HttpError(without_url(e))))?;
        let mut out = http::Response::builder()
            .status(response.status())
            .version(response.version());
        for (name, value) in response.headers() {
            out = out.header(name, value);
        }
        let bytes = response
            .bytes()
            .map_err(|e| gitlab::api::ApiError::client(HttpError(without_url(e))))?;
        out.body(bytes)
            .map_err(|e| gitlab::api::ApiError::client(HttpError(e.to_string())))
    }
}

/// A transport error's text, with its causes, without the URL.
fn without_url(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
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
    text.lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError {
        what: what.to_owned(),
        kind: ApiErrorKind::Decode(e.to_string()),
        help: None,
    })
}

/// Help for 401, 403 and 404, naming the variable or permission at fault.
fn explain(
    err: &ApiError,
    token: &Token,
    hints: &Hints,
    method: http::Method,
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
    fn options_from_the_environment() {
        let env = |k: &str| match k {
            "HBLINT_HTTP_TIMEOUT" => Some("2.5".to_string()),
            "HBLINT_RETRY_BASE_MS" => Some("10".to_string()),
            "HBLINT_RETRY_ATTEMPTS" => Some("nonsense".to_string()),
            _ => None,
        };
        let o = Options::from_env(env);
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert_eq!(o.base_backoff, Duration::from_millis(10));
        assert_eq!(o.attempts, Options::default().attempts);
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
    fn backoff_doubles_and_is_bounded() {
        let o = Options {
            base_backoff: Duration::from_millis(100),
            max_wait: Duration::from_millis(500),
            ..Options::default()
        };
        assert_eq!(o.backoff(1), Duration::from_millis(100));
        assert_eq!(o.backoff(2), Duration::from_millis(200));
        assert_eq!(o.backoff(4), Duration::from_millis(500));
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
        let help = explain(&err, &token, &Hints::default(), http::Method::POST, "x").expect("help");
        assert!(help.contains("HBLINT_GITLAB_TOKEN"), "{help}");
        let err = ApiError {
            kind: ApiErrorKind::Status {
                status: 401,
                message: String::new(),
            },
            ..err
        };
        let help = explain(&err, &token, &Hints::default(), http::Method::GET, "x").expect("help");
        assert!(help.contains("CI_JOB_TOKEN"), "{help}");
    }
}
