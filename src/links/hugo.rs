//! Hugo's own rules for turning a written link into a page, modelled on its
//! source (gohugoio/hugo): the embedded render-link hook
//! (`tpl/tplimpl/embedded/templates/_markup/render-link.html`) and
//! `GetPage` (`hugolib/pagecollections.go`, `common/paths/pathparser.go`).
//! See `docs/links.md` for the whole chain.

/// Extensions Hugo reads as content (its default content formats).
const CONTENT_EXTS: &[&str] = &[
    "md", "markdown", "mdown", "html", "htm", "adoc", "asciidoc", "org", "pandoc", "pdc", "rst",
];

/// Whether a file name has a content extension.
pub fn is_content(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| CONTENT_EXTS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// `paths.HasExt`: a `.` in the last path element.
fn has_ext(p: &str) -> bool {
    p.rsplit('/').next().unwrap_or(p).contains('.')
}

/// `path.Join` of a rooted base and a reference: `.` and `..` resolved,
/// `..` stopping at the root.
pub fn clean_join(base: &str, rel: &str) -> String {
    let joined = if rel.starts_with('/') {
        rel.to_owned()
    } else {
        format!("{base}/{rel}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A content path's key in Hugo's page tree (`Path.Base`): lower case,
/// spaces as `-`, no content extension, no last `index` / `_index`.
/// `/a/b/_index.md`, `/a/b/index.md`, `/a/b.md` and `/A/b` are all `/a/b`;
/// a file that is not content keeps its extension (`/a/b.png`).
pub fn base(content_path: &str) -> String {
    let p = content_path.to_lowercase().replace(' ', "-");
    let p = p.trim_end_matches('/');
    let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
    let out = match name.rsplit_once('.') {
        Some((stem, ext)) if CONTENT_EXTS.contains(&ext) => {
            if stem == "index" || stem == "_index" {
                dir.to_owned()
            } else {
                format!("{dir}/{stem}")
            }
        }
        _ => p.to_owned(),
    };
    if out.is_empty() {
        "/".into()
    } else if out.starts_with('/') {
        out
    } else {
        format!("/{out}")
    }
}

/// The page kind of a content file, from its name.
fn kind(content_path: &str) -> (bool, bool) {
    let name = content_path.rsplit('/').next().unwrap_or(content_path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    (stem == "_index", stem == "index")
}

/// The folder of a content file (`Path.Dir`).
pub fn dir(content_path: &str) -> &str {
    match content_path.rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((d, _)) => d,
    }
}

/// `Path.ContainerDir`: for a leaf bundle (`x/index.md`) the folder above
/// the bundle, else the file's folder.
fn container_dir(content_path: &str) -> &str {
    let d = dir(content_path);
    if kind(content_path).1 { dir(d) } else { d }
}

/// The page-tree keys `Page.GetPage(path)` tries, in order, for a link
/// written in the page at `from` (a content path such as
/// `/handbook/a/_index.md`). `path` is the destination's path with a
/// leading `./` removed, as the render hook passes it.
///
/// `getContentNode`: one trailing `/` trimmed; without an extension `.md` is
/// added (`x/index` also tries `x/index/index.md`), the empty path is the
/// home page. `getContentNodeForRef`: a path not starting with `/` is first
/// joined to the page's folder (a branch bundle's own folder; for a path
/// with an extension starting with `../` too), else to its container
/// folder (a leaf bundle's parent); then, unless it starts with `.`, it is
/// taken from the content root. The lookup by bare file name is for `ref`
/// only, not for `GetPage`, so the render hook never does it.
pub fn get_page_keys(from: &str, path: &str) -> Vec<String> {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let r = if trimmed.is_empty() { "/" } else { trimmed };
    let had_ext = has_ext(r);
    let refs: Vec<String> = if had_ext {
        vec![r.to_owned()]
    } else if r == "/" {
        vec!["/_index.md".into()]
    } else if r.ends_with("/index") {
        vec![format!("{r}/index.md"), format!("{r}.md")]
    } else {
        vec![format!("{r}.md")]
    };
    let (branch, _) = kind(from);
    let mut keys = Vec::new();
    for r in refs {
        if !r.starts_with('/') {
            let base_dir = if branch || (had_ext && r.starts_with("../")) {
                dir(from)
            } else {
                container_dir(from)
            };
            keys.push(base(&clean_join(base_dir, &r)));
        }
        if r.starts_with('.') {
            continue;
        }
        keys.push(base(&clean_join("/", &r)));
    }
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        for (path, want) in [
            ("/a/b/_index.md", "/a/b"),
            ("/a/b/index.md", "/a/b"),
            ("/a/b.md", "/a/b"),
            ("/A/My Page.md", "/a/my-page"),
            ("/a/b.png", "/a/b.png"),
            ("/_index.md", "/"),
            ("/_index.html", "/"),
            ("/a/b.html", "/a/b"),
            ("/a/v1.2", "/a/v1.2"),
        ] {
            assert_eq!(base(path), want, "{path}");
        }
    }

    #[test]
    fn get_page_from_each_page_kind() {
        // A branch bundle resolves from its own folder, then from the root.
        assert_eq!(
            get_page_keys("/h/psdm/_index.md", "psdm/sprint0/_index.md"),
            vec!["/h/psdm/psdm/sprint0", "/psdm/sprint0"]
        );
        assert_eq!(get_page_keys("/h/a/_index.md", "b/"), vec!["/h/a/b", "/b"]);
        // A regular page resolves from its folder.
        assert_eq!(get_page_keys("/h/a/x.md", "y.md"), vec!["/h/a/y", "/y"]);
        assert_eq!(get_page_keys("/h/a/x.md", "../y/"), vec!["/h/y"]);
        // A leaf bundle resolves from the folder above it, but `../x.md`
        // (with an extension) from its own folder.
        assert_eq!(get_page_keys("/h/a/x/index.md", "y"), vec!["/h/a/y", "/y"]);
        assert_eq!(get_page_keys("/h/a/x/index.md", "../y/"), vec!["/h/y"]);
        assert_eq!(get_page_keys("/h/a/x/index.md", "../y.md"), vec!["/h/a/y"]);
        // Rooted paths, the home page, `x/index`.
        assert_eq!(get_page_keys("/h/a.md", "/h/b/"), vec!["/h/b"]);
        assert_eq!(get_page_keys("/h/a.md", ""), vec!["/"]);
        assert_eq!(
            get_page_keys("/h/a.md", "/h/b/index"),
            vec!["/h/b/index", "/h/b"]
        );
        // `..` stops at the root.
        assert_eq!(get_page_keys("/h/a.md", "../../../x.md"), vec!["/x"]);
    }

    #[test]
    fn content_files() {
        assert!(is_content("/a/b.md") && is_content("/a/b.HTML"));
        assert!(!is_content("/a/b.png") && !is_content("/a/b"));
    }
}
