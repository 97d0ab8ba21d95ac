//! The GitLab client's retry policy: timeouts, which failures are tried
//! again, how long to wait, and a time budget for failures per run.
//!
//! It follows GitLab's own clients and the advice of its rate-limit pages:
//! - retried: connection errors (refused, reset, DNS), timeouts, an answer
//!   cut off mid-body, `429`, and `500`, `502`, `503`, `504` (python-gitlab's
//!   `RETRYABLE_TRANSIENT_ERROR_CODES`; hashicorp/go-retryablehttp's
//!   `baseRetryPolicy`, which the GitLab Go client and so reviewdog use,
//!   retries connection errors, `429` and `5xx` but never `501`);
//! - never retried: any other `4xx` (the request is wrong; repeating it
//!   changes nothing), TLS failures (go-retryablehttp gives up on
//!   certificate errors too), a server that does not speak HTTP, a body that
//!   is not JSON, an answer past the size limit;
//! - a `POST` is repeated only when GitLab cannot have carried it out: the
//!   connection was refused or never made, or the answer is `429`,
//!   `502`, `503` or `504` (the request never reached GitLab's application).
//!   A `POST` that timed out or failed mid-answer may have landed; the next
//!   pipeline finds a note that did and edits it.
//! - the wait: `Retry-After` on `429` ("Rate limits", docs.gitlab.com/security/rate_limits/),
//!   else `RateLimit-Reset` (a Unix time, as the GitLab Go client's
//!   `rateLimitBackoff` reads it), else exponential backoff from
//!   `base_backoff`; never more than `max_wait` at once.
//! - the budget: the time spent on failed attempts and waits adds up over
//!   the whole run (every request of `hblint mr`, every merge request of
//!   `hblint bot`); once it is spent, no request is retried again.

use std::time::{Duration, SystemTime};

/// Timeouts, attempts and the budget.
#[derive(Debug, Clone)]
pub struct Options {
    /// One attempt: the whole exchange, from sending to the answer's last byte.
    pub timeout: Duration,
    /// Making the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first wait before a retry; doubled each time.
    pub base_backoff: Duration,
    /// The longest single wait, whatever `Retry-After` says.
    pub max_wait: Duration,
    /// The most time one run spends on failed attempts and waits.
    pub budget: Duration,
    /// The most bytes read of one answer.
    pub max_answer_bytes: u64,
}

/// The largest answer hblint reads: a page of 100 diffs at GitLab's highest
/// `diff_max_patch_bytes` setting (500 KiB, "Diff limits administration",
/// docs.gitlab.com/administration/diff_limits/) is at most about 50 MB; with
/// the default 200 KiB, 20 MB. A raw page file past the `file-size` limit is
/// refused after reading anyway.
pub const MAX_ANSWER_BYTES: u64 = 32 * 1024 * 1024;

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            attempts: 5,
            base_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            budget: Duration::from_secs(120),
            max_answer_bytes: MAX_ANSWER_BYTES,
        }
    }
}

impl Options {
    /// The defaults, with these variables applied when set to a number:
    /// `HBLINT_HTTP_TIMEOUT` (seconds per attempt), `HBLINT_CONNECT_TIMEOUT`
    /// (seconds), `HBLINT_RETRY_ATTEMPTS`, `HBLINT_RETRY_BASE_MS` (the first
    /// backoff), `HBLINT_RETRY_MAX_WAIT` (seconds, the longest wait) and
    /// `HBLINT_RETRY_BUDGET` (seconds per run).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Options {
        let mut o = Options::default();
        let num = |name: &str| {
            get(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        let secs = |name: &str| {
            num(name)
                .filter(|s| *s >= 0.0 && *s < 1e9)
                .map(Duration::from_secs_f64)
        };
        if let Some(d) = secs("HBLINT_HTTP_TIMEOUT").filter(|d| !d.is_zero()) {
            o.timeout = d;
        }
        if let Some(d) = secs("HBLINT_CONNECT_TIMEOUT").filter(|d| !d.is_zero()) {
            o.connect_timeout = d;
        }
        if let Some(ms) = num("HBLINT_RETRY_BASE_MS").filter(|s| *s >= 0.0 && *s < 1e12) {
            o.base_backoff = Duration::from_secs_f64(ms / 1000.0);
        }
        if let Some(n) = num("HBLINT_RETRY_ATTEMPTS").filter(|n| *n >= 1.0) {
            o.attempts = n.min(1000.0) as u32;
        }
        if let Some(d) = secs("HBLINT_RETRY_MAX_WAIT") {
            o.max_wait = d;
        }
        if let Some(d) = secs("HBLINT_RETRY_BUDGET") {
            o.budget = d;
        }
        o
    }

    /// The wait before attempt `attempt + 1`, after `attempt` failed.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_backoff.saturating_mul(factor).min(self.max_wait)
    }
}

/// Whether a failed attempt may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// GitLab cannot have carried the request out: repeat any method.
    Always,
    /// The request may have been carried out: repeat only what is idempotent
    /// (`GET`, `PUT` of the same body, `DELETE`), never a `POST`.
    Idempotent,
    /// Repeating changes nothing.
    Never,
}

impl Retry {
    /// For a status GitLab answered.
    pub fn for_status(status: u16) -> Retry {
        match status {
            429 | 502..=504 => Retry::Always,
            500 => Retry::Idempotent,
            _ => Retry::Never,
        }
    }

    pub fn allows(self, method: &http::Method) -> bool {
        match self {
            Retry::Always => true,
            Retry::Idempotent => method != http::Method::POST && method != http::Method::PATCH,
            Retry::Never => false,
        }
    }
}

/// How long a `429` asks to wait: `Retry-After` (seconds or an HTTP date),
/// else `RateLimit-Reset` (a Unix time); `None` without either.
pub fn rate_limit_wait(
    retry_after: Option<&str>,
    reset: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(v) = retry_after.map(str::trim) {
        if let Ok(secs) = v.parse::<f64>()
            && secs.is_finite()
            && secs >= 0.0
        {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
        if let Ok(at) = httpdate(v) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    let reset: u64 = reset?.trim().parse().ok()?;
    let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(reset.saturating_sub(now)))
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's IMF-fixdate).
fn httpdate(v: &str) -> Result<SystemTime, ()> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return Err(());
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)
    .ok_or(())? as i64
        + 1;
    let day: i64 = day.parse().map_err(|_| ())?;
    let year: i64 = year.parse().map_err(|_| ())?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().map_err(|_| ()))
        .collect::<Result<_, _>>()?;
    let [h, m, s] = hms.as_slice() else {
        return Err(());
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3_600 + m * 60 + s;
    u64::try_from(secs)
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_the_environment() {
        let env = |k: &str| match k {
            "HBLINT_HTTP_TIMEOUT" => Some("2.5".to_string()),
            "HBLINT_CONNECT_TIMEOUT" => Some("0.2".to_string()),
            "HBLINT_RETRY_BASE_MS" => Some("10".to_string()),
            "HBLINT_RETRY_ATTEMPTS" => Some("nonsense".to_string()),
            "HBLINT_RETRY_BUDGET" => Some("3".to_string()),
            "HBLINT_RETRY_MAX_WAIT" => Some("inf".to_string()),
            _ => None,
        };
        let o = Options::from_env(env);
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert_eq!(o.connect_timeout, Duration::from_millis(200));
        assert_eq!(o.base_backoff, Duration::from_millis(10));
        assert_eq!(o.attempts, Options::default().attempts);
        assert_eq!(o.budget, Duration::from_secs(3));
        assert_eq!(o.max_wait, Options::default().max_wait);
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
        assert_eq!(o.backoff(40), Duration::from_millis(500));
    }

    #[test]
    fn which_statuses_are_retried_for_which_methods() {
        let (get, post, put) = (http::Method::GET, http::Method::POST, http::Method::PUT);
        for s in [429, 502, 503, 504] {
            assert!(Retry::for_status(s).allows(&post), "{s}");
        }
        assert!(Retry::for_status(500).allows(&get));
        assert!(Retry::for_status(500).allows(&put));
        assert!(!Retry::for_status(500).allows(&post));
        for s in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert!(!Retry::for_status(s).allows(&get), "{s}");
        }
    }

    #[test]
    fn the_wait_a_429_asks_for() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            rate_limit_wait(Some("7"), None, now),
            Some(Duration::from_secs(7))
        );
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        assert_eq!(
            rate_limit_wait(Some("Sun, 06 Nov 1994 08:50:07 GMT"), None, now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            rate_limit_wait(None, Some("784111790"), now),
            Some(Duration::from_secs(13))
        );
        assert_eq!(
            rate_limit_wait(Some("soon"), Some("784111700"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(rate_limit_wait(None, None, now), None);
        assert_eq!(rate_limit_wait(Some("later"), None, now), None);
    }
}
