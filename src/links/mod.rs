//! Link destinations: what a written destination means before it is looked up.
//!
//! [`parse`] splits a destination into path, query and fragment, decodes
//! percent-encoding, and says whether it is a same-page anchor, a
//! root-relative path, a page-relative path or a full URL on one of the
//! handbook's own hosts. Anything else (other sites, `mailto:`, generator
//! syntax) is [`Dest::Skip`]: it cannot be checked offline.

pub mod anchors;
pub mod exclude;
pub mod hugo;
pub mod slug;
#[cfg(test)]
pub mod testing;

use percent_encoding::percent_decode_str;

/// A destination that hblint can check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Internal {
    /// The path, percent-decoded; empty for a same-page `#anchor`.
    pub path: String,
    /// Starts with `/` (root-relative or full URL), else relative to the page.
    pub rooted: bool,
    /// Written as a full URL on a handbook host (`https://handbook.gitlab.com/…`).
    pub full_url: bool,
    /// The fragment, percent-decoded, without `#`; `None` if there is no `#`.
    pub fragment: Option<String>,
    /// The query and fragment as written (`?a=b#c`), to rebuild the link.
    pub suffix: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    Internal(Internal),
    Skip,
}

/// Split `dest` into its parts. `hosts` are the handbook's own hosts, each
/// `host` or `host/prefix` (`about.gitlab.com/handbook`).
pub fn parse(dest: &str, hosts: &[String]) -> Dest {
    let dest = dest.trim();
    if dest.is_empty()
        || dest.contains(char::is_whitespace)
        || dest.contains("{{")
        || dest.contains("<%")
    {
        return Dest::Skip;
    }
    let (rest, full_url) = if let Some(after) = strip_scheme(dest) {
        let (host_port, path) = match after.find(['/', '?', '#']) {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        let host = host_port
            .rsplit('@')
            .next()
            .unwrap_or(host_port)
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let path_only = path.split(['?', '#']).next().unwrap_or_default();
        let own = hosts.iter().any(|h| {
            let (h_host, h_prefix) = match h.find('/') {
                Some(i) => (&h[..i], h[i..].trim_end_matches('/')),
                None => (h.as_str(), ""),
            };
            h_host.eq_ignore_ascii_case(&host)
                && (h_prefix.is_empty()
                    || path_only == h_prefix
                    || path_only.starts_with(&format!("{h_prefix}/")))
        });
        if !own {
            return Dest::Skip;
        }
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        (path, true)
    } else if has_other_scheme(dest) {
        return Dest::Skip;
    } else {
        (dest.to_owned(), false)
    };
    let (before_fragment, fragment) = match rest.find('#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest.as_str(), None),
    };
    let (path, query) = match before_fragment.find('?') {
        Some(i) => (&before_fragment[..i], &before_fragment[i..]),
        None => (before_fragment, ""),
    };
    let suffix = format!(
        "{query}{}",
        fragment.map(|f| format!("#{f}")).unwrap_or_default()
    );
    Dest::Internal(Internal {
        path: decode(path),
        rooted: path.starts_with('/'),
        full_url,
        fragment: fragment.map(decode),
        suffix,
    })
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `https://x` / `http://x` / `//x` → the part after the slashes.
fn strip_scheme(dest: &str) -> Option<&str> {
    let lower = dest.get(..8).unwrap_or(dest).to_ascii_lowercase();
    if lower.starts_with("https://") {
        Some(&dest[8..])
    } else if lower.starts_with("http://") {
        Some(&dest[7..])
    } else {
        dest.strip_prefix("//")
    }
}

/// `mailto:`, `tel:`, `ftp://`, `slack://`…: a scheme before any `/`, `?` or `#`.
fn has_other_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// Join `rel` onto `base` (both `/`-separated) and resolve `.` and `..`.
/// `None` when `..` climbs above the top: such a path escapes the root.
pub fn join_normalize(base: &str, rel: &str) -> Option<String> {
    let joined = if rel.starts_with('/') || base.is_empty() {
        rel.to_owned()
    } else {
        format!("{}/{rel}", base.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if joined.starts_with('/') {
        out.insert(0, '/');
    }
    if (joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/.."))
        && !out.ends_with('/')
    {
        out.push('/');
    }
    Some(out)
}

/// The key two URL paths share when they name the same page: lowercase,
/// no trailing `/`, `index.html` or `.html`.
pub fn url_key(path: &str) -> String {
    let mut p = path.to_lowercase();
    for suffix in ["/index.html", ".html"] {
        if let Some(s) = p.strip_suffix(suffix) {
            p = s.to_owned();
        }
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

/// The byte range of a link's `#fragment` (after the `#`) as written, else the
/// whole destination.
pub fn fragment_range(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    match text.get(range.clone()).and_then(|s| s.find('#')) {
        Some(i) => range.start + i + 1..range.end,
        None => range,
    }
}

/// Whether a link is one a reader follows: not a `<link href>` (stylesheets
/// and icons come from the site's theme, which is not in the repository).
/// The links of a page that lead somewhere hblint can check, each with what it
/// resolves to: the shared first step of every link rule.
pub fn resolved_links<'d>(
    doc: &'d crate::document::Document,
    workspace: &'d crate::workspace::Workspace,
) -> impl Iterator<Item = (&'d crate::document::Link, crate::workspace::Resolution)> + 'd {
    doc.links
        .iter()
        .filter(|link| is_navigational(&doc.text, link))
        .filter_map(|link| Some((link, workspace.resolve(&doc.path, &link.dest)?)))
}

pub fn is_navigational(text: &str, link: &crate::document::Link) -> bool {
    if link.kind != crate::document::LinkKind::HtmlHref {
        return true;
    }
    let before = text.get(..link.range.start).unwrap_or_default();
    let tag = before
        .rfind('<')
        .map(|i| &before[i + 1..])
        .unwrap_or_default();
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    !name.eq_ignore_ascii_case("link")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<String> {
        vec![
            "handbook.gitlab.com".into(),
            "about.gitlab.com/handbook".into(),
        ]
    }

    fn internal(dest: &str) -> Internal {
        match parse(dest, &hosts()) {
            Dest::Internal(i) => i,
            Dest::Skip => panic!("{dest} skipped"),
        }
    }

    #[test]
    fn shapes() {
        let i = internal("/handbook/a/b/?x=1#Some%20Thing");
        assert_eq!(i.path, "/handbook/a/b/");
        assert!(i.rooted && !i.full_url);
        assert_eq!(i.fragment.as_deref(), Some("Some Thing"));
        assert_eq!(i.suffix, "?x=1#Some%20Thing");
        let i = internal("#anchor");
        assert_eq!(i.path, "");
        assert_eq!(i.fragment.as_deref(), Some("anchor"));
        let i = internal("./x.md#y");
        assert_eq!((i.path.as_str(), i.rooted), ("./x.md", false));
        let i = internal("https://handbook.gitlab.com/handbook/values/#iteration");
        assert!(i.full_url && i.rooted);
        assert_eq!(i.path, "/handbook/values/");
        let i = internal("https://about.gitlab.com/handbook");
        assert_eq!(i.path, "/handbook");
        let i = internal("/handbook/caf%C3%A9/");
        assert_eq!(i.path, "/handbook/café/");
    }

    #[test]
    fn skipped() {
        for d in [
            "https://about.gitlab.com/company/",
            "https://about.gitlab.com/handbookish/",
            "https://internal.gitlab.com/handbook/x/",
            "https://gitlab.com/gitlab-org/gitlab",
            "mailto:a@b.c",
            "tel:+1",
            "",
            "{{< ref \"x\" >}}",
            "slack://channel",
        ] {
            assert_eq!(parse(d, &hosts()), Dest::Skip, "{d}");
        }
    }

    #[test]
    fn joining_never_climbs_out() {
        assert_eq!(
            join_normalize("content/handbook/a", "../b.md").as_deref(),
            Some("content/handbook/b.md")
        );
        assert_eq!(
            join_normalize("/handbook/a/", "../").as_deref(),
            Some("/handbook/")
        );
        assert_eq!(join_normalize("", "/handbook/../../../../etc/passwd"), None);
        assert_eq!(join_normalize("content", "../../x"), None);
    }

    #[test]
    fn keys() {
        assert_eq!(url_key("/Handbook/A/"), "/handbook/a");
        assert_eq!(url_key("/handbook/a/index.html"), "/handbook/a");
        assert_eq!(url_key("/handbook/a.html"), "/handbook/a");
        assert_eq!(url_key("/"), "/");
    }
}
