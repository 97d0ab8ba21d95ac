//! Limits: how much of a page hblint reads, and how deep, so that no page an
//! MR author writes can stall or crash a run.
//!
//! Every limit has a default well above the largest real handbook page and a
//! key in the `[limits]` table of `.hblint.toml`. The page checks
//! ([`Limits::check_text`]) are one linear pass over the text, made before the
//! Markdown parser sees it: the parser's cost grows faster than the input on
//! deep nesting, long paragraphs and wide tables, so a page past a limit is
//! never parsed. It becomes a file error that names the limit, and every other
//! page is still linted.

use serde::Deserialize;

/// The limits of one run. Sizes are in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Limits {
    /// Largest page read. Larger files are not read at all.
    pub file_size: usize,
    /// Longest line.
    pub line_length: usize,
    /// Deepest nesting of block quotes and list items, counted from each
    /// line's prefix: one level per `>` or list marker and per two columns of
    /// indentation (code fences are skipped).
    pub nesting_depth: usize,
    /// Most links (`[text](dest)`, `[label]: dest`, `<URL>`) on one page.
    pub links: usize,
    /// Most emphasis and bracket characters (`*`, `_`, `~`, `[`, `]`) in one
    /// paragraph or other block between blank lines: the parser matches them
    /// in time that grows with the square of their number.
    pub inline_marks: usize,
    /// Most cells in one table (columns times rows, the header and the
    /// delimiter row included).
    pub table_cells: usize,
    /// Most lines on one page: the parser's time grows with the square of
    /// the number of blocks (headings, list items, fences, paragraphs).
    pub lines: usize,
    /// Most tables on one page (outside code fences): each costs the
    /// parser more than any other block.
    pub tables: usize,
    /// Largest YAML frontmatter.
    pub frontmatter_size: usize,
    /// Most YAML aliases (`*name`) in a frontmatter: each one copies the
    /// anchored value, so a handful can expand to gigabytes.
    pub yaml_aliases: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_size: 4 * 1024 * 1024,
            line_length: 256 * 1024,
            nesting_depth: 64,
            links: 5_000,
            inline_marks: 10_000,
            table_cells: 8_192,
            lines: 20_000,
            tables: 500,
            frontmatter_size: 64 * 1024,
            yaml_aliases: 64,
        }
    }
}

/// A page past one of the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// The `[limits]` key.
    pub key: &'static str,
    /// What was found, and the limit.
    pub found: usize,
    pub max: usize,
    /// Where it was found (byte offset into the text).
    pub offset: usize,
}

impl Exceeded {
    /// What the limit measures, for messages.
    pub fn what(&self) -> &'static str {
        match self.key {
            "file-size" => "bytes in the file",
            "line-length" => "bytes on one line",
            "nesting-depth" => "levels of nested block quotes and lists",
            "links" => "links on the page",
            "table-cells" => "cells in one table",
            "lines" => "lines on the page",
            "tables" => "tables on the page",
            "inline-marks" => "emphasis and bracket characters in one block",
            "frontmatter-size" => "bytes of frontmatter",
            "yaml-aliases" => "YAML aliases in the frontmatter",
            _ => "units",
        }
    }
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "over the `{}` limit: {} {} (at most {}); the page is not linted. Raise \
             `[limits] {}` in .hblint.toml to lint it",
            self.key,
            self.found,
            self.what(),
            self.max,
            self.key
        )
    }
}

/// Why [`Limits::read`] returned no bytes.
#[derive(Debug)]
pub enum ReadError {
    Exceeded(Exceeded),
    Io(std::io::Error),
}

impl Limits {
    /// A file's bytes, never reading more than one byte past `file-size`
    /// (the file may grow between the size check and the read).
    pub fn read(&self, path: &std::path::Path) -> Result<Vec<u8>, ReadError> {
        self.read_open(std::fs::File::open(path).map_err(ReadError::Io)?)
    }

    /// [`Limits::read`] of a file already open.
    pub fn read_open(&self, file: std::fs::File) -> Result<Vec<u8>, ReadError> {
        let len = file.metadata().map_err(ReadError::Io)?.len();
        self.read_open_len(file, len)
    }

    /// [`Limits::read_open`] of a file whose metadata says it holds `len` bytes.
    pub fn read_open_len(&self, file: std::fs::File, len: u64) -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        self.check_size(len).map_err(ReadError::Exceeded)?;
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.take(self.file_size as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(ReadError::Io)?;
        self.check_size(bytes.len() as u64)
            .map_err(ReadError::Exceeded)?;
        Ok(bytes)
    }

    /// The `file-size` check, before a file is read.
    pub fn check_size(&self, len: u64) -> Result<(), Exceeded> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        within("file-size", len, self.file_size, 0)
    }

    /// The limits that guard reading a page's frontmatter alone (its size,
    /// the frontmatter's size and YAML aliases), without scanning the body.
    pub fn check_frontmatter_only(&self, text: &str) -> Result<(), Exceeded> {
        self.check_size(text.len() as u64)?;
        self.check_frontmatter(text).map(|_| ())
    }

    /// Every limit on a page's text, in one pass, before it is parsed.
    pub fn check_text(&self, text: &str) -> Result<(), Exceeded> {
        self.check_size(text.len() as u64)?;
        let frontmatter_end = self.check_frontmatter(text)?;
        let mut links = 0;
        let mut tables = 0;
        let mut fence: Option<(u8, usize)> = None;
        // Emphasis and bracket characters since the last blank line.
        let mut marks = 0;
        // The open table: its columns and the cells so far.
        let mut table: Option<(usize, usize)> = None;
        let mut offset = 0;
        for (number, line) in text.split_inclusive('\n').enumerate() {
            let at = offset;
            offset += line.len();
            within("line-length", line.len(), self.line_length, at)?;
            within("lines", number + 1, self.lines, at)?;
            if at < frontmatter_end {
                continue;
            }
            let prefix = container_prefix(line);
            let rest = &line[prefix.len..];
            if let Some(f) = fence_marker(rest) {
                fence = match fence {
                    None => Some(f),
                    Some((c, n)) if f.0 == c && f.1 >= n && rest.trim_end().len() == f.1 => None,
                    open => open,
                };
                continue;
            }
            if line.trim().is_empty() {
                table = None;
                marks = 0;
                continue;
            }
            if fence.is_some() {
                continue;
            }
            within("nesting-depth", prefix.depth, self.nesting_depth, at)?;
            links += count_links(rest);
            within("links", links, self.links, at)?;
            marks += rest
                .bytes()
                .filter(|b| matches!(b, b'*' | b'_' | b'~' | b'[' | b']'))
                .count();
            within("inline-marks", marks, self.inline_marks, at)?;
            let cells = match table {
                Some(ref mut t) => {
                    t.1 += t.0;
                    t.1
                }
                None => match delimiter_row_columns(rest) {
                    Some(columns) => {
                        tables += 1;
                        within("tables", tables, self.tables, at)?;
                        table = Some((columns, columns * 2));
                        columns * 2
                    }
                    None => 0,
                },
            };
            within("table-cells", cells, self.table_cells, at)?;
        }
        Ok(())
    }

    /// The frontmatter checks; returns where the frontmatter ends (0 if none).
    fn check_frontmatter(&self, text: &str) -> Result<usize, Exceeded> {
        let Some(body) = text
            .strip_prefix("---\n")
            .or_else(|| text.strip_prefix("---\r\n"))
        else {
            return Ok(0);
        };
        let start = text.len() - body.len();
        let mut end = text.len();
        let mut offset = start;
        for line in body.split_inclusive('\n') {
            if line.trim_end() == "---" {
                end = offset + line.len();
                break;
            }
            offset += line.len();
        }
        within("frontmatter-size", end - start, self.frontmatter_size, 0)?;
        let aliases = count_yaml_aliases(&text[start..end]);
        within("yaml-aliases", aliases, self.yaml_aliases, start)?;
        Ok(end)
    }
}

/// `Err` when `found` is over `max`.
fn within(key: &'static str, found: usize, max: usize, offset: usize) -> Result<(), Exceeded> {
    if found > max {
        return Err(Exceeded {
            key,
            found,
            max,
            offset,
        });
    }
    Ok(())
}

/// The container prefix of a line: block-quote markers, list markers and
/// indentation, and the nesting depth it stands for.
struct Prefix {
    len: usize,
    depth: usize,
}

fn container_prefix(line: &str) -> Prefix {
    let bytes = line.as_bytes();
    let (mut i, mut columns, mut markers) = (0, 0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b' ' => columns += 1,
            b'\t' => columns += 4,
            b'>' => markers += 1,
            b'-' | b'*' | b'+' if matches!(bytes.get(i + 1), Some(b' ' | b'\t')) => markers += 1,
            b'0'..=b'9' => {
                let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                let after = i + digits;
                if digits <= 9
                    && matches!(bytes.get(after), Some(b'.' | b')'))
                    && matches!(bytes.get(after + 1), Some(b' ' | b'\t'))
                {
                    markers += 1;
                    i = after + 1;
                    continue;
                }
                break;
            }
            _ => break,
        }
        i += 1;
    }
    Prefix {
        len: i,
        depth: markers + columns / 2,
    }
}

/// A code fence opening or closing line: its character and length.
fn fence_marker(rest: &str) -> Option<(u8, usize)> {
    let c = *rest.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = rest.bytes().take_while(|&b| b == c).count();
    (n >= 3).then_some((c, n))
}

/// An upper bound of the links a line starts: inline links and images
/// (`](`), link definitions (`]:`) and autolinks (`<http`, `<mailto:`).
fn count_links(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut n = 0;
    for (i, w) in bytes.windows(2).enumerate() {
        match w {
            [b']', b'(' | b':'] => n += 1,
            [b'<', b'h' | b'H' | b'm' | b'M'] => {
                let rest = &bytes[i + 1..];
                if rest.len() >= 5
                    && (rest[..5].eq_ignore_ascii_case(b"http:")
                        || rest[..5].eq_ignore_ascii_case(b"https")
                        || rest[..5].eq_ignore_ascii_case(b"mailt"))
                {
                    n += 1;
                }
            }
            _ => {}
        }
    }
    n
}

/// The number of columns of a GFM table delimiter row (`|---|:-:|`), if the
/// line is one.
fn delimiter_row_columns(rest: &str) -> Option<usize> {
    let row = rest.trim();
    if !row.contains('-') {
        return None;
    }
    let inner = row.strip_prefix('|').unwrap_or(row);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut columns = 0;
    for cell in inner.split('|') {
        let cell = cell.trim();
        let dashes = cell.trim_start_matches(':').trim_end_matches(':');
        if dashes.is_empty() || !dashes.bytes().all(|b| b == b'-') {
            return None;
        }
        columns += 1;
    }
    (columns > 1 || row.contains('|')).then_some(columns)
}

/// An upper bound of the aliases in a YAML text: `*` followed by an anchor
/// name, at the start of a value (after a space, `[`, `{`, `,`, `:` or `-`).
fn count_yaml_aliases(yaml: &str) -> usize {
    let bytes = yaml.as_bytes();
    let mut n = 0;
    for i in 0..bytes.len() {
        if bytes[i] != b'*' {
            continue;
        }
        let before = i.checked_sub(1).map_or(b'\n', |j| bytes[j]);
        let after = bytes.get(i + 1).copied().unwrap_or(b' ');
        if matches!(
            before,
            b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':' | b'-'
        ) && (after.is_ascii_alphanumeric() || after == b'_' || after == b'-')
        {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Option<&'static str> {
        Limits::default().check_text(text).err().map(|e| e.key)
    }

    #[test]
    fn an_ordinary_page_passes() {
        let page = "---\ntitle: A page\n---\n\n# Title\n\n> quote\n> > nested\n\n- a\n  - b\n    1. c\n\n| a | b |\n|---|:-:|\n| c | d |\n\n[x](/y/) <https://z.example/>\n\n```\n                                                                                                                                          deep code\n```\n";
        assert_eq!(key(page), None);
    }

    #[test]
    fn each_limit_names_its_key() {
        let limits = Limits {
            nesting_depth: 3,
            links: 2,
            table_cells: 7,
            lines: 8,
            tables: 2,
            inline_marks: 8,
            line_length: 20,
            frontmatter_size: 30,
            yaml_aliases: 1,
            file_size: 1000,
        };
        let check = |t: &str| limits.check_text(t).err().map(|e| e.key);
        assert_eq!(check("> > > > deep\n"), Some("nesting-depth"));
        assert_eq!(
            check("- a\n  - b\n    - c\n      - d\n"),
            Some("nesting-depth")
        );
        assert_eq!(check("[a](b) [c](d)\n[e]: f\n"), Some("links"));
        assert_eq!(check("|a|b|c|d|\n|-|-|-|-|\n"), Some("table-cells"));
        assert_eq!(check("|a|b|\n|-|-|\n|c|d|\n|e|f|\n"), Some("table-cells"));
        assert_eq!(check("|a|b|\n|-|-|\n|c|d|\n\n|a|b|\n|-|-|\n"), None);
        assert_eq!(check("|a|\n|-|\n\n|b|\n|-|\n\n|c|\n|-|\n"), Some("tables"));
        assert_eq!(check("|a|\n|-|\n\n```\n|b|\n|-|\n```\n"), None);
        assert_eq!(check("1\n2\n3\n4\n5\n6\n7\n8\n"), None);
        assert_eq!(check("1\n2\n3\n4\n5\n6\n7\n8\n9"), Some("lines"));
        assert_eq!(check("a line that is far too long\n"), Some("line-length"));
        assert_eq!(
            check("---\ntitle: a frontmatter over thirty bytes\n---\n"),
            Some("frontmatter-size")
        );
        assert_eq!(
            check("---\na: &a [x]\nb: [*a, *a]\n---\n"),
            Some("yaml-aliases")
        );
        assert_eq!(check(&"x".repeat(1001)), Some("file-size"));
        assert_eq!(check("```\n> > > > in code\n```\n"), None);
        assert_eq!(
            check("*a _b ~c\n[d] e_ f*\n~g h~ i\n"),
            Some("inline-marks")
        );
        assert_eq!(check("*a _b ~c\n\n[d] e_ f*\n~g h~ i\n"), None);
    }

    #[test]
    fn the_message_names_the_key_and_the_numbers() {
        let e = Limits::default()
            .check_text(&">".repeat(100))
            .expect_err("too deep");
        let message = e.to_string();
        assert!(message.contains("`nesting-depth`"), "{message}");
        assert!(message.contains("100 levels"), "{message}");
        assert!(message.contains("at most 64"), "{message}");
        assert!(message.contains("[limits] nesting-depth"), "{message}");
    }

    #[test]
    fn delimiter_rows() {
        assert_eq!(delimiter_row_columns("|---|:-:|---:|"), Some(3));
        assert_eq!(delimiter_row_columns("--- | ---"), Some(2));
        assert_eq!(delimiter_row_columns("---"), None);
        assert_eq!(delimiter_row_columns("| a | b |"), None);
    }
}
