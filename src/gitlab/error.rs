//! What went wrong talking to GitLab: one [`ApiError`] per failed call,
//! naming what hblint was doing and the cause; its help names the request
//! (method, address, attempts) and what to do. It is a [`miette::Diagnostic`] with a code per
//! cause, so callers pass it on with `?`.

use std::fmt;

/// What went wrong talking to GitLab, with what hblint was doing.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("cannot {what}: {kind}")]
#[diagnostic(forward(kind))]
pub struct ApiError {
    /// What hblint was doing: "read merge request !12 of project `group/handbook`".
    pub what: String,
    pub kind: ApiErrorKind,
    /// The request once one was sent, on a line of its own ("request: GET
    /// https://…; 3 attempts in 1.5 s"), then what the user should do,
    /// naming the variable or permission at fault.
    #[help]
    pub help: Option<String>,
}

/// The cause, one variant per way a call fails; each has its diagnostic code.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum ApiErrorKind {
    /// GitLab answered with an error status (3xx, 4xx, or a 5xx after the retries).
    #[error("GitLab answered {status}{}", parenthesised(message))]
    #[diagnostic(code(hblint::gitlab::status))]
    Status { status: u16, message: String },
    /// Nothing, or not all of the answer, came within the timeout.
    #[error("GitLab did not answer within {secs:.1} s ({phase})")]
    #[diagnostic(code(hblint::gitlab::timeout))]
    Timeout { secs: f64, phase: &'static str },
    /// Nothing listens at the address (connection refused).
    #[error("connection refused by {0}")]
    #[diagnostic(code(hblint::gitlab::refused))]
    Refused(String),
    /// The host name does not resolve.
    #[error("the host name `{host}` does not resolve ({reason})")]
    #[diagnostic(code(hblint::gitlab::dns))]
    Dns { host: String, reason: String },
    /// The TLS handshake failed: a plain-HTTP server, an unknown certificate authority…
    #[error("the TLS handshake with {host} failed ({reason})")]
    #[diagnostic(code(hblint::gitlab::tls))]
    Tls { host: String, reason: String },
    /// The server's bytes are not HTTP.
    #[error("the server at {host} does not speak HTTP ({reason})")]
    #[diagnostic(code(hblint::gitlab::not_http))]
    NotHttp { host: String, reason: String },
    /// Any other failure of the connection (reset, closed early, cut mid-body).
    #[error("the connection failed ({0})")]
    #[diagnostic(code(hblint::gitlab::transport))]
    Transport(String),
    /// A body that is not JSON where GitLab's API always answers JSON: an
    /// HTML sign-in, error or maintenance page, a proxy's text.
    #[error(
        "GitLab answered {status} with {content_type}, not JSON{}",
        quoted(start)
    )]
    #[diagnostic(code(hblint::gitlab::not_json))]
    NotJson {
        status: u16,
        content_type: String,
        /// The body's first characters.
        start: String,
    },
    /// The answer is larger than hblint reads.
    #[error("the answer is larger than {limit} bytes, the most hblint reads of one answer")]
    #[diagnostic(code(hblint::gitlab::too_large))]
    TooLarge { limit: u64 },
    /// A list longer than the pages hblint reads.
    #[error("the list goes on past {pages} pages of {per_page}, the most hblint reads")]
    #[diagnostic(code(hblint::gitlab::too_many_pages))]
    TooManyPages { pages: u64, per_page: u64 },
    /// JSON that is not what GitLab documents, or a request hblint could not build.
    #[error("unexpected answer from GitLab: {0}")]
    #[diagnostic(code(hblint::gitlab::decode))]
    Decode(String),
}

fn parenthesised(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(" ({message})")
    }
}

fn quoted(start: &str) -> String {
    if start.is_empty() {
        String::new()
    } else {
        format!(": `{start}`")
    }
}

impl ApiError {
    pub fn new(what: impl Into<String>, kind: ApiErrorKind) -> ApiError {
        ApiError {
            what: what.into(),
            kind,
            help: None,
        }
    }

    /// The message with the request, on one line (for summaries and logs).
    pub fn one_line(&self) -> String {
        match self
            .help
            .as_deref()
            .and_then(|h| h.lines().next())
            .and_then(|l| l.strip_prefix("request: "))
        {
            Some(request) => format!("{self} ({request})"),
            None => self.to_string(),
        }
    }

    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ApiErrorKind::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The request a failure is about, for the message: method, address
/// without the query, attempts and time spent; and why retrying stopped
/// early, when it did.
#[derive(Debug, Clone)]
pub struct Attempted {
    pub method: String,
    pub url: String,
    pub attempts: u32,
    pub secs: f64,
    /// "the run's retry budget of 120 s (HBLINT_RETRY_BUDGET) is spent", …
    pub stopped: Option<String>,
}

impl fmt::Display for Attempted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}; {} attempt{} in {:.1} s",
            self.method,
            self.url,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" },
            self.secs
        )?;
        if let Some(why) = &self.stopped {
            write!(f, "; {why}")?;
        }
        Ok(())
    }
}

/// Help for the causes that are not about a status (the client's `explain`
/// covers 3xx, 401, 403, 404): what to check or do.
pub fn transport_help(kind: &ApiErrorKind) -> Option<String> {
    const URL: &str = "CI_API_V4_URL (or --gitlab-url)";
    Some(match kind {
        ApiErrorKind::Refused(host) => format!(
            "nothing answers at {host}: check that {URL} names your GitLab's API and that the \
             runner can reach it; if GitLab is down or restarting, re-run the job later"
        ),
        ApiErrorKind::Dns { host, .. } => format!(
            "check the host name in {URL} (`{host}`) and the runner's DNS; a host ending in \
             .invalid or .test never resolves"
        ),
        ApiErrorKind::Tls { .. } => format!(
            "check the scheme in {URL}: https:// for a GitLab that serves TLS, http:// only for \
             a plain-HTTP one; a certificate from a private authority must be trusted by the \
             runner (SSL_CERT_FILE)"
        ),
        ApiErrorKind::NotHttp { .. } => format!(
            "something other than GitLab listens at that address: check the host and port in {URL}"
        ),
        ApiErrorKind::Timeout { .. } => "GitLab or the network is slow: re-run the job; raise \
             HBLINT_HTTP_TIMEOUT (or --timeout) if GitLab is known to be slow"
            .to_string(),
        ApiErrorKind::Transport(_) => {
            "the connection to GitLab broke: re-run the job; if it keeps failing, check proxies \
             between the runner and GitLab"
                .to_string()
        }
        ApiErrorKind::NotJson { content_type, .. } if content_type.contains("html") => format!(
            "an HTML page answered instead of GitLab's API: a sign-in or maintenance page, a \
             proxy, or an address that is not the API root. Check that {URL} ends in /api/v4 \
             and that the runner reaches GitLab without a sign-in page"
        ),
        ApiErrorKind::NotJson { .. } | ApiErrorKind::Decode(_) => format!(
            "the answer is not what GitLab's API documents: check that {URL} is your GitLab's \
             API root and that no proxy rewrites its answers"
        ),
        ApiErrorKind::TooLarge { .. } => {
            "the merge request is too large to review through the API: run `hblint mr` in the \
             job's checkout (without --from-api)"
                .to_string()
        }
        ApiErrorKind::TooManyPages { .. } => {
            "hblint stops there rather than read without end; its own note may be further, so it \
             posts no second one"
                .to_string()
        }
        ApiErrorKind::Status { status: 429, .. } => "GitLab's rate limit stopped hblint: \
             re-run the job later, or ask an administrator about the limits \
             (Admin → Settings → Network → User and IP rate limits)"
            .to_string(),
        ApiErrorKind::Status {
            status: 500..=599, ..
        } => "GitLab is failing or restarting: re-run the job later".to_string(),
        ApiErrorKind::Status { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::Diagnostic;

    #[test]
    fn codes_and_help_come_with_the_error() {
        let mut e = ApiError::new(
            "read merge request !7",
            ApiErrorKind::Refused("127.0.0.1:9".into()),
        );
        e.help = transport_help(&e.kind);
        assert_eq!(
            e.code().map(|c| c.to_string()).as_deref(),
            Some("hblint::gitlab::refused")
        );
        let help = e.help().map(|h| h.to_string()).unwrap_or_default();
        assert!(help.contains("CI_API_V4_URL"), "{help}");
        let text = e.to_string();
        assert_eq!(
            text,
            "cannot read merge request !7: connection refused by 127.0.0.1:9"
        );
        e.help = Some(format!(
            "request: GET http://127.0.0.1:9/x; 1 attempt in 0.0 s\n{help}"
        ));
        assert_eq!(
            e.one_line(),
            "cannot read merge request !7: connection refused by 127.0.0.1:9 \
             (GET http://127.0.0.1:9/x; 1 attempt in 0.0 s)"
        );
    }

    #[test]
    fn an_html_page_is_named_as_such() {
        let kind = ApiErrorKind::NotJson {
            status: 200,
            content_type: "text/html; charset=utf-8".into(),
            start: "<!DOCTYPE html>".into(),
        };
        assert_eq!(
            kind.to_string(),
            "GitLab answered 200 with text/html; charset=utf-8, not JSON: `<!DOCTYPE html>`"
        );
        assert!(transport_help(&kind).is_some_and(|h| h.contains("/api/v4")));
        let status = ApiErrorKind::Status {
            status: 404,
            message: String::new(),
        };
        assert_eq!(status.to_string(), "GitLab answered 404");
        assert_eq!(transport_help(&status), None);
    }

    #[test]
    fn the_request_is_described_with_its_attempts() {
        let a = Attempted {
            method: "GET".into(),
            url: "https://gl.example/api/v4/user".into(),
            attempts: 1,
            secs: 0.04,
            stopped: Some("TLS errors are not retried".into()),
        };
        assert_eq!(
            a.to_string(),
            "GET https://gl.example/api/v4/user; 1 attempt in 0.0 s; TLS errors are not retried"
        );
    }
}
