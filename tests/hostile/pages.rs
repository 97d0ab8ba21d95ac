//! Hostile pages, generated (never committed): each is what an MR author
//! could write to stall, crash or mislead a linter.

use std::path::Path;

/// One generated page: its file name, bytes, and what the file error about
/// it says (`None`: the page is linted).
pub struct Page {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub error: Option<&'static str>,
}

/// `n` nested block quotes on one line, then a word.
pub fn nested_quotes(n: usize) -> Vec<u8> {
    let mut s = ">".repeat(n);
    s.push_str(" quoted\n");
    s.into_bytes()
}

/// `n` nested list levels, each indented under the one before.
pub fn nested_lists(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * (n + 8));
    for level in 0..n {
        s.push_str(&"  ".repeat(level));
        s.push_str("- item\n");
    }
    s.into_bytes()
}

/// One line of `bytes` bytes: words, no newline.
pub fn single_line(bytes: usize) -> Vec<u8> {
    let mut s = "word ".repeat(bytes / 5 + 1);
    s.truncate(bytes);
    s.into_bytes()
}

/// `n` inline links in one paragraph.
pub fn many_links(n: usize) -> Vec<u8> {
    let mut s = String::from("# Links\n\n");
    for i in 0..n {
        s.push_str(&format!("[link {i}](/handbook/page-{i}/) "));
    }
    s.push('\n');
    s.into_bytes()
}

/// `n` inline links in one paragraph, ten to a line.
pub fn many_links_wrapped(n: usize) -> Vec<u8> {
    let mut s = String::from("# Links\n\n");
    for i in 0..n {
        s.push_str(&format!("[link {i}](/handbook/page-{i}/)"));
        s.push(if i % 10 == 9 { '\n' } else { ' ' });
    }
    s.push('\n');
    s.into_bytes()
}

/// `n` nested emphasis spans on one line: `*a *a … b … c* c*`.
pub fn nested_emphasis(n: usize) -> Vec<u8> {
    format!("{}b{}\n", "*a ".repeat(n), " c*".repeat(n)).into_bytes()
}

/// A table `columns` wide with one body row.
/// `count` headings, each followed by a blank line: the parser's time grows
/// with the square of their number.
pub fn many_headings(count: usize) -> Vec<u8> {
    (0..count)
        .map(|i| format!("## Heading {i}\n\n"))
        .collect::<String>()
        .into_bytes()
}

/// `count` small tables, one after another.
pub fn many_tables(count: usize) -> Vec<u8> {
    (0..count)
        .map(|i| format!("| a | b |\n|---|---|\n| {i} | x |\n\n"))
        .collect::<String>()
        .into_bytes()
}

pub fn wide_table(columns: usize) -> Vec<u8> {
    let mut s = String::new();
    for row in ["h", "---", "c"] {
        s.push('|');
        for _ in 0..columns {
            s.push_str(row);
            s.push('|');
        }
        s.push('\n');
    }
    s.into_bytes()
}

/// A frontmatter of about `bytes` bytes of plain keys.
pub fn big_frontmatter(bytes: usize) -> Vec<u8> {
    let mut s = String::from("---\ntitle: Big\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "key{i}: a value that is long enough to fill the block\n"
        ));
        i += 1;
    }
    s.push_str("---\n\nBody\n");
    s.into_bytes()
}

/// The "billion laughs": nine levels of aliases, each ten times the one below.
pub fn yaml_bomb() -> Vec<u8> {
    let mut s = String::from(
        "---\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..10 {
        let prev = level - 1;
        let items = vec![format!("*a{prev}"); 10].join(",");
        s.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    s.push_str("title: bomb\n---\n\nBody\n");
    s.into_bytes()
}

/// Links that try to leave the root by percent-encoding, `..` and absolute paths.
pub fn escaping_links() -> Vec<u8> {
    concat!(
        "# Escapes\n\n",
        "[a](/handbook/%2e%2e/%2e%2e/etc/passwd) ",
        "[b](../../../../../../etc/passwd) ",
        "[c](/handbook/..%2f..%2f..%2fetc/passwd) ",
        "[d](file:///etc/passwd) ",
        "[e](/handbook/outside/secret/) ",
        "[f](%2e%2e/%2e%2e/%2e%2e/etc/shadow)\n"
    )
    .as_bytes()
    .to_vec()
}

/// The pages at the sizes the issue names, and smaller ones that reach each
/// limit without being too large to read.
pub fn all() -> Vec<Page> {
    let mut nul = b"# Title\n\nText with a NUL".to_vec();
    nul.extend_from_slice(b"\0 byte in the middle\n");
    let mut invalid = b"# Title\n\nText with ".to_vec();
    invalid.extend_from_slice(b"\xC3\x28 invalid UTF-8 \xFF\xFE in the middle\n");
    let page = |name, bytes, error| Page { name, bytes, error };
    vec![
        page("quotes.md", nested_quotes(100_000), Some("`nesting-depth`")),
        page("lists.md", nested_lists(3_000), Some("`file-size`")),
        page("lists-500.md", nested_lists(500), Some("`nesting-depth`")),
        page(
            "line.md",
            single_line(20 * 1024 * 1024),
            Some("`file-size`"),
        ),
        page(
            "line-1mb.md",
            single_line(1024 * 1024),
            Some("`line-length`"),
        ),
        page("links.md", many_links(200_000), Some("`file-size`")),
        page(
            "links-wrapped.md",
            many_links_wrapped(30_000),
            Some("`links`"),
        ),
        page("table.md", wide_table(10_000), Some("`table-cells`")),
        page("headings.md", many_headings(40_000), Some("`lines`")),
        page("tables.md", many_tables(5_000), Some("`tables`")),
        page(
            "emphasis.md",
            nested_emphasis(40_000),
            Some("`inline-marks`"),
        ),
        page("brackets.md", b"[".repeat(200_000), Some("`inline-marks`")),
        page("nul.md", nul, Some("binary file (NUL byte")),
        page("invalid-utf8.md", invalid, Some("not UTF-8 text")),
        page(
            "frontmatter.md",
            big_frontmatter(5 * 1024 * 1024),
            Some("`file-size`"),
        ),
        page(
            "frontmatter-1mb.md",
            big_frontmatter(1024 * 1024),
            Some("`frontmatter-size`"),
        ),
        page("yaml-bomb.md", yaml_bomb(), Some("`yaml-aliases`")),
        page("escapes.md", escaping_links(), None),
    ]
}

/// The page whose name has a newline and shell characters.
pub const SHELL_NAME: &str = "a\nb $(touch pwned) `id`; rm -rf x | y & z.md";

/// Write every hostile page into `dir/content/hostile/`, with the file-system
/// tricks beside them: a symlink loop, a path with a newline and shell
/// characters, and symlinks that leave the root. `outside` is a folder outside
/// the root the links may point at. Returns the folder of the pages.
pub fn write_tree(dir: &Path, outside: &Path) -> std::io::Result<std::path::PathBuf> {
    let pages = dir.join("content/hostile");
    std::fs::create_dir_all(&pages)?;
    for page in all() {
        std::fs::write(pages.join(page.name), &page.bytes)?;
    }
    std::fs::write(
        pages.join(SHELL_NAME),
        "# Shell\n\nA page whose name has a newline and shell characters: teh end.\n",
    )?;
    std::os::unix::fs::symlink("loop-b", pages.join("loop-a.md"))?;
    std::os::unix::fs::symlink("loop-a.md", pages.join("loop-b"))?;
    std::os::unix::fs::symlink(".", pages.join("self"))?;
    std::fs::create_dir_all(outside)?;
    std::fs::write(
        outside.join("secret.md"),
        "# Outside\n\nThis file is outside the root: teh end.\n",
    )?;
    std::os::unix::fs::symlink(outside.join("secret.md"), pages.join("leak.md"))?;
    std::os::unix::fs::symlink(outside, pages.join("outside"))?;
    Ok(pages)
}
