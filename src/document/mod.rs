//! One handbook page, read and parsed once into the facts every rule shares.
//!
//! The text is parsed with the `markdown` crate (CommonMark + GFM + YAML
//! frontmatter). Before parsing, generator syntax that is not Markdown —
//! kramdown attribute lists (`{:toc}`, `{: #id}`), ERB tags and Hugo
//! shortcodes — is *masked*: replaced byte for byte with spaces, so that every
//! offset in the masked text is also an offset in the original text.
//!
//! All ranges in this module are byte ranges into [`Document::text`], the file's
//! content without a UTF-8 byte-order mark.

pub mod passage;

use crate::finding::Position;
use crate::limits::{Exceeded, Limits};
use crate::tokenize::Token;
use markdown::mdast::Node;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// The kind of a link found in a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[text](dest)`
    Inline,
    /// `<https://…>` or a bare URL (GFM autolink literal).
    Autolink,
    /// `![alt](src)`
    Image,
    /// `[label]: dest` — the destination of reference-style links.
    Definition,
    /// `<a href="…">` in raw HTML.
    HtmlHref,
    /// `<img src="…">` in raw HTML.
    HtmlSrc,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub kind: LinkKind,
    /// The destination as written (entities and escapes decoded).
    pub dest: String,
    /// Where the destination is written, or the whole link if it cannot be found.
    pub range: Range<usize>,
    /// The visible text of the link (or the alt text of an image).
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    /// The heading's plain text, without any `{#id}` attribute.
    pub text: String,
    /// An explicit id: `## Title {#id}` or a kramdown `{: #id}` on the next line.
    pub custom_id: Option<String>,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Cell {
    /// The cell's Markdown source, trimmed.
    pub text: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
    pub range: Range<usize>,
}

/// An `id` or `name` attribute in raw HTML: an anchor other pages may link to.
#[derive(Debug, Clone)]
pub struct HtmlAnchor {
    pub id: String,
    pub range: Range<usize>,
}

/// An inline suppression comment, `<!-- hblint-… rule, rule -->`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuppressionKind {
    NextLine,
    Disable,
    Enable,
    /// `hblint-` followed by a word hblint does not know (`disable-nextline`):
    /// kept so that it can be reported; it suppresses nothing.
    Unknown(String),
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// Rule names; empty means every rule.
    pub rules: Vec<String>,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Frontmatter {
    pub range: Range<usize>,
    /// The parsed YAML, or `Null` when it did not parse.
    pub value: serde_norway::Value,
    /// The YAML error, with the byte range it points at.
    pub error: Option<(Range<usize>, String)>,
}

impl Frontmatter {
    /// A string list under `key` (a single string counts as a list of one).
    pub fn string_list(&self, key: &str) -> Vec<String> {
        yaml_string_list(&self.value, key)
    }

    /// Rules the page turns off for the whole file: `hblint: {disable: [rule, …]}`.
    pub fn disabled_rules(&self) -> Vec<String> {
        match self.value.get("hblint").and_then(|h| h.get("disable")) {
            Some(serde_norway::Value::Sequence(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(serde_norway::Value::String(s)) => {
                s.split(',').map(|r| r.trim().to_owned()).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// A string list under `key` of a YAML mapping (a single string counts as a
/// list of one; anything else as an empty list).
pub fn yaml_string_list(value: &serde_norway::Value, key: &str) -> Vec<String> {
    match value.get(key) {
        Some(serde_norway::Value::Sequence(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(serde_norway::Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// The file's text without a byte-order mark.
    pub text: String,
    /// The text with generator syntax blanked out (same length as `text`);
    /// `None` when the page has none, so the text is not held twice.
    /// Read it with [`Document::masked`].
    masked: Option<String>,
    /// The file started with a UTF-8 byte-order mark.
    pub bom: bool,
    pub frontmatter: Option<Frontmatter>,
    pub links: Vec<Link>,
    pub headings: Vec<Heading>,
    pub html_anchors: Vec<HtmlAnchor>,
    pub tables: Vec<Table>,
    /// Text a reader reads: not code, HTML, URLs, frontmatter or masked syntax.
    /// Take the words from [`Document::prose`].
    pub prose_ranges: Vec<Range<usize>>,
    /// Fenced, indented and inline code.
    pub code_ranges: Vec<Range<usize>>,
    pub suppressions: Vec<Suppression>,
    line_starts: Vec<usize>,
    /// The words of the prose (start, end), split once for every rule that
    /// judges words. Read them with [`Document::prose_words`].
    prose_words: std::sync::OnceLock<Vec<(usize, usize)>>,
    /// The prose as passages, joined on first use, once per page: several
    /// rules read them. Read them with [`Document::passages`].
    passages: std::sync::OnceLock<Vec<passage::Passage>>,
}

/// Why a file could not be turned into a document.
#[derive(Debug, Clone, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}: not UTF-8 text (invalid byte at line {line}, column {column})")]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
    },
    #[error("{path}: binary file (NUL byte at offset {offset})")]
    Binary { path: String, offset: usize },
    #[error("{path}:{line}:{column}: cannot parse Markdown: {reason}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("{path}:{line}:{column}: {exceeded}")]
    Limit {
        path: String,
        line: usize,
        column: usize,
        exceeded: Exceeded,
    },
}

impl InputError {
    pub fn path(&self) -> &str {
        match self {
            InputError::Unreadable { path, .. }
            | InputError::NotUtf8 { path, .. }
            | InputError::Binary { path, .. }
            | InputError::Parse { path, .. }
            | InputError::Limit { path, .. } => path,
        }
    }
}

static MASKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?s)\{\{<.*?>\}\}",         // Hugo shortcode {{< … >}}
        r"|(?s)\{\{%.*?%\}\}",        // Hugo shortcode {{% … %}}
        r"|(?s)<%.*?%>",              // ERB <%= … %>
        r"|\{::?[^}\n]*\}",           // kramdown {:toc}, {: #id}, {::options … /}
        r"|\{#[^}\n]*\}",             // heading attribute {#id .class}
        r"|\{\.[A-Za-z][\w .#=-]*\}", // attribute list {.class}
    ))
    .expect("static regex")
});
static ATTR_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#([A-Za-z0-9_][\w:.\-]*)").expect("static regex"));
static HTML_HREF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)<(a|img|link|source|iframe)\b[^>]*?\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')"#,
    )
    .expect("static regex")
});
static HTML_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<[a-z][a-z0-9]*\b[^>]*?\s(id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
        .expect("static regex")
});
static SUPPRESSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*hblint-([A-Za-z][A-Za-z-]*)([^>]*?)-->").expect("static regex")
});

impl Document {
    /// Turn a file's bytes into a document within the default [`Limits`].
    /// `path` is the root-relative path.
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<Document, InputError> {
        Document::from_bytes_within(path, bytes, &Limits::default())
    }

    /// Turn a file's bytes into a document, refusing a page past `limits`
    /// before it reaches the Markdown parser.
    pub fn from_bytes_within(
        path: &str,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Document, InputError> {
        let (text, bom) = Document::text_within(path, bytes, limits)?;
        Document::parse(path, text.to_owned(), bom)
    }

    /// A file's text (without BOM) and whether it had one, when the page is
    /// one [`Document::from_bytes_within`] would parse.
    pub fn text_within<'b>(
        path: &str,
        bytes: &'b [u8],
        limits: &Limits,
    ) -> Result<(&'b str, bool), InputError> {
        if let Err(exceeded) = limits.check_size(bytes.len() as u64) {
            return Err(InputError::Limit {
                path: path.to_owned(),
                line: 1,
                column: 1,
                exceeded,
            });
        }
        if let Some(offset) = memchr_nul(bytes) {
            return Err(InputError::Binary {
                path: path.to_owned(),
                offset,
            });
        }
        let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        let text = match std::str::from_utf8(body) {
            Ok(t) => t,
            Err(e) => {
                let valid = &body[..e.valid_up_to()];
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                let column = String::from_utf8_lossy(&valid[line_start..])
                    .chars()
                    .count()
                    + 1;
                return Err(InputError::NotUtf8 {
                    path: path.to_owned(),
                    line,
                    column,
                });
            }
        };
        if let Err(exceeded) = limits.check_text(text) {
            let (line, column) = line_and_column(text, exceeded.offset);
            return Err(InputError::Limit {
                path: path.to_owned(),
                line,
                column,
                exceeded,
            });
        }
        Ok((text, bom))
    }

    /// Parse a page's text (without BOM).
    pub fn parse(path: &str, text: String, bom: bool) -> Result<Document, InputError> {
        let (masked, masked_spans) = mask(&text);
        let line_starts = line_starts(&text);
        let mut doc = Document {
            path: path.to_owned(),
            text,
            masked,
            bom,
            frontmatter: None,
            links: Vec::new(),
            headings: Vec::new(),
            html_anchors: Vec::new(),
            tables: Vec::new(),
            prose_ranges: Vec::new(),
            code_ranges: Vec::new(),
            suppressions: Vec::new(),
            line_starts,
            prose_words: std::sync::OnceLock::new(),
            passages: std::sync::OnceLock::new(),
        };
        let mut options = markdown::ParseOptions::gfm();
        // The parser's frontmatter construct, when it opens a fence it cannot
        // close, backs out leaving list items unbalanced and panics on a list
        // that follows (markdown-rs issue 213: `---`, a blank line, `- item`).
        // Without a closing fence the page has no frontmatter anyway.
        options.constructs.frontmatter = has_closed_frontmatter(doc.masked());
        let parsed = match parse_guarded(doc.masked(), &options) {
            Ok(parsed) => parsed,
            Err(panic) => {
                return Err(InputError::Parse {
                    path: doc.path.clone(),
                    line: 1,
                    column: 1,
                    reason: format!(
                        "the Markdown parser failed on this page ({panic}), a defect of the \
                         `markdown` crate; the page is not linted"
                    ),
                });
            }
        };
        let tree = match parsed {
            Ok(tree) => tree,
            Err(message) => {
                let (line, column) = message
                    .place
                    .as_ref()
                    .map(|place| match place.as_ref() {
                        markdown::message::Place::Point(p) => (p.line, p.column),
                        markdown::message::Place::Position(p) => (p.start.line, p.start.column),
                    })
                    .unwrap_or((1, 1));
                return Err(InputError::Parse {
                    path: doc.path.clone(),
                    line,
                    column,
                    reason: message.reason,
                });
            }
        };
        let mut walker = Walker {
            doc: &mut doc,
            definitions_seen: Vec::new(),
        };
        walker.walk(&tree);
        doc.attach_custom_ids(&masked_spans);
        Ok(doc)
    }

    /// The text with generator syntax blanked out, byte for byte: every
    /// offset in it is an offset in [`Document::text`].
    pub fn masked(&self) -> &str {
        self.masked.as_deref().unwrap_or(&self.text)
    }

    /// The 1-based line and character column of a byte offset.
    pub fn locate(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_index];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// The byte range of a 1-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        line_range_in(&self.text, &self.line_starts, line)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The prose runs of the page: `(offset, text)` where `text` is taken from
    /// the masked text, so generator syntax reads as blanks.
    pub fn prose(&self) -> impl Iterator<Item = (usize, &str)> {
        self.prose_ranges
            .iter()
            .map(|r| (r.start, &self.masked()[r.clone()]))
    }

    /// The words of the prose worth judging ([`crate::tokenize::words`]),
    /// with their offsets in the text; split on first use, once per page.
    pub fn prose_words(&self) -> impl Iterator<Item = Token<'_>> {
        let spans = self.prose_words.get_or_init(|| {
            self.prose()
                .flat_map(|(offset, text)| {
                    crate::tokenize::words(text).into_iter().map(move |t| {
                        let start = offset + t.offset;
                        (start, start + t.word.len())
                    })
                })
                .collect()
        });
        let masked = self.masked();
        spans.iter().map(move |&(start, end)| Token {
            offset: start,
            word: &masked[start..end],
        })
    }

    /// The prose as passages ([`passage::Passage`]): a paragraph, list item
    /// or table cell read as one string across inline markup.
    pub fn passages(&self) -> &[passage::Passage] {
        self.passages.get_or_init(|| passage::split(self))
    }

    /// Whether a byte offset lies in code (fenced, indented or inline).
    pub fn in_code(&self, offset: usize) -> bool {
        let i = self.code_ranges.partition_point(|r| r.end <= offset);
        self.code_ranges
            .get(i)
            .is_some_and(|r| r.start <= offset && offset < r.end)
    }

    /// The ranges of the headings whose anchor is their text (no custom
    /// id): a fix there would change the anchor and break links to it.
    pub fn text_anchored_headings(&self) -> Vec<Range<usize>> {
        self.headings
            .iter()
            .filter(|h| h.custom_id.is_none())
            .map(|h| h.range.clone())
            .collect()
    }

    /// The page's frontmatter `title`, if any.
    pub fn title(&self) -> Option<&str> {
        self.frontmatter.as_ref()?.value.get("title")?.as_str()
    }

    fn attach_custom_ids(&mut self, masked: &[Range<usize>]) {
        for heading in &mut self.headings {
            // `## Title {#id}`: an attribute inside the heading's own range.
            // `{: #id}` alone on the line right after the heading (kramdown).
            let next_line_end = self.text[heading.range.end..]
                .find('\n')
                .and_then(|nl| {
                    let start = heading.range.end + nl + 1;
                    self.text[start..]
                        .find('\n')
                        .map(|e| start + e)
                        .or(Some(self.text.len()))
                })
                .unwrap_or(heading.range.end);
            for span in masked {
                if span.start < heading.range.start || span.start > next_line_end {
                    continue;
                }
                let attr = &self.text[span.clone()];
                let own = span.end <= heading.range.end;
                let kramdown_next_line = !own && attr.starts_with("{:") && !attr.starts_with("{::");
                if !(own || kramdown_next_line)
                    || !(attr.starts_with("{#") || attr.starts_with("{:"))
                {
                    continue;
                }
                if let Some(c) = ATTR_ID.captures(attr) {
                    heading.custom_id = Some(c[1].to_owned());
                }
            }
        }
    }
}

struct Walker<'d> {
    doc: &'d mut Document,
    definitions_seen: Vec<String>,
}

impl Walker<'_> {
    fn range(node: &Node) -> Option<Range<usize>> {
        node.position().map(|p| p.start.offset..p.end.offset)
    }

    /// Find `needle` in the node's source, searching backwards; fall back to the node.
    fn dest_range(&self, node: Range<usize>, needle: &str) -> Range<usize> {
        if needle.is_empty() {
            return node;
        }
        match self
            .doc
            .text
            .get(node.clone())
            .and_then(|s| s.rfind(needle))
        {
            Some(i) => node.start + i..node.start + i + needle.len(),
            None => node,
        }
    }

    fn walk(&mut self, node: &Node) {
        let Some(range) = Self::range(node) else {
            self.walk_children(node);
            return;
        };
        match node {
            Node::Yaml(yaml) => self.frontmatter(range, &yaml.value),
            Node::Toml(_) => {}
            Node::Code(_) | Node::InlineCode(_) | Node::Math(_) | Node::InlineMath(_) => {
                self.doc.code_ranges.push(range);
            }
            Node::Html(html) => self.html(range, &html.value),
            Node::Text(_) => self.doc.prose_ranges.push(range),
            Node::Heading(h) => {
                let mut text = String::new();
                plain_text(node, &mut text);
                self.doc.headings.push(Heading {
                    level: h.depth,
                    text: text.trim().to_owned(),
                    custom_id: None,
                    range,
                });
                self.walk_children(node);
            }
            Node::Link(link) => {
                let source = &self.doc.text[range.clone()];
                let is_autolink = !source.starts_with('[');
                let mut text = String::new();
                plain_text(node, &mut text);
                self.doc.links.push(Link {
                    kind: if is_autolink {
                        LinkKind::Autolink
                    } else {
                        LinkKind::Inline
                    },
                    dest: link.url.clone(),
                    range: self.dest_range(range.clone(), &link.url),
                    text,
                });
                if !is_autolink {
                    self.walk_children(node);
                }
            }
            Node::Image(image) => {
                self.doc.links.push(Link {
                    kind: LinkKind::Image,
                    dest: image.url.clone(),
                    range: self.dest_range(range.clone(), &image.url),
                    text: image.alt.clone(),
                });
                self.push_alt_text(range, &image.alt);
            }
            Node::ImageReference(image) => self.push_alt_text(range, &image.alt),
            Node::Definition(def) => {
                if !self.definitions_seen.contains(&def.identifier) {
                    self.definitions_seen.push(def.identifier.clone());
                    self.doc.links.push(Link {
                        kind: LinkKind::Definition,
                        dest: def.url.clone(),
                        range: self.dest_range(range, &def.url),
                        text: def.label.clone().unwrap_or_default(),
                    });
                }
            }
            Node::Table(_) => {
                self.table(node, range);
                self.walk_children(node);
            }
            _ => self.walk_children(node),
        }
    }

    fn walk_children(&mut self, node: &Node) {
        if let Some(children) = node.children() {
            for child in children {
                self.walk(child);
            }
        }
    }

    /// An image's alt text is prose too: find it between the brackets.
    fn push_alt_text(&mut self, range: Range<usize>, alt: &str) {
        if alt.is_empty() {
            return;
        }
        let source = &self.doc.text[range.clone()];
        if let Some(i) = source.find(alt) {
            self.doc
                .prose_ranges
                .push(range.start + i..range.start + i + alt.len());
        }
    }

    fn frontmatter(&mut self, range: Range<usize>, yaml: &str) {
        // The YAML body starts after the opening `---` line.
        let body_start = self.doc.text[range.clone()]
            .find('\n')
            .map_or(range.start, |i| range.start + i + 1);
        let (value, error) = match serde_norway::from_str::<serde_norway::Value>(yaml) {
            Ok(v) => (v, None),
            Err(e) => {
                let at = e
                    .location()
                    .map_or(range.start, |l| (body_start + l.index()).min(range.end));
                let message = e.to_string();
                let message = match message.rfind(" at line ") {
                    Some(i) => message[..i].to_owned(),
                    None => message,
                };
                (serde_norway::Value::Null, Some((at..at, message)))
            }
        };
        self.doc.frontmatter = Some(Frontmatter {
            range,
            value,
            error,
        });
    }

    fn html(&mut self, range: Range<usize>, html: &str) {
        let base = range.start;
        for c in SUPPRESSION.captures_iter(html) {
            let kind = match &c[1] {
                "disable-next-line" => SuppressionKind::NextLine,
                "disable" => SuppressionKind::Disable,
                "enable" => SuppressionKind::Enable,
                other => SuppressionKind::Unknown(other.to_owned()),
            };
            let rules = c[2]
                .split([',', ' ', '\t', '\n'])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect();
            let m = c.get(0).map_or(0..0, |m| m.range());
            self.doc.suppressions.push(Suppression {
                kind,
                rules,
                range: base + m.start..base + m.end,
            });
        }
        if html.starts_with("<!--") {
            return;
        }
        for c in HTML_HREF.captures_iter(html) {
            let Some(value) = c.get(3).or_else(|| c.get(4)) else {
                continue;
            };
            let kind = if c[2].eq_ignore_ascii_case("src") {
                LinkKind::HtmlSrc
            } else {
                LinkKind::HtmlHref
            };
            self.doc.links.push(Link {
                kind,
                dest: decode_html_entities(value.as_str()),
                range: base + value.start()..base + value.end(),
                text: String::new(),
            });
        }
        for c in HTML_ID.captures_iter(html) {
            let Some(value) = c.get(2).or_else(|| c.get(3)) else {
                continue;
            };
            self.doc.html_anchors.push(HtmlAnchor {
                id: value.as_str().to_owned(),
                range: base + value.start()..base + value.end(),
            });
        }
    }

    fn table(&mut self, node: &Node, range: Range<usize>) {
        let Some(rows) = node.children() else { return };
        let mut cells_of = |row: &Node| -> Vec<Cell> {
            row.children()
                .map(|cells| {
                    cells
                        .iter()
                        .filter_map(|cell| {
                            let r = Self::range(cell)?;
                            Some(self.cell(r))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut iter = rows.iter();
        let header = iter.next().map(&mut cells_of).unwrap_or_default();
        let rows = iter.map(cells_of).collect();
        self.doc.tables.push(Table {
            header,
            rows,
            range,
        });
    }

    fn cell(&self, r: Range<usize>) -> Cell {
        let raw = &self.doc.text[r.clone()];
        let lead = raw.len() - raw.trim_start_matches(['|', ' ', '\t']).len();
        let inner = &raw[lead..];
        let mut trimmed = inner.trim_end_matches([' ', '\t', '\r', '\n']);
        if trimmed.ends_with('|') && !trimmed.ends_with("\\|") {
            trimmed = trimmed[..trimmed.len() - 1].trim_end_matches([' ', '\t']);
        }
        Cell {
            text: trimmed.to_owned(),
            range: r.start + lead..r.start + lead + trimmed.len(),
        }
    }
}

/// The visible text of a node, as a reader sees it.
fn plain_text(node: &Node, out: &mut String) {
    match node {
        Node::Text(t) => out.push_str(&t.value),
        Node::InlineCode(c) => out.push_str(&c.value),
        Node::Image(i) => out.push_str(&i.alt),
        Node::Break(_) => out.push(' '),
        _ => {
            if let Some(children) = node.children() {
                for child in children {
                    plain_text(child, out);
                }
            }
        }
    }
}

/// The spans of `text` the parser sees as spaces (shortcodes, ERB tags,
/// attribute lists).
pub(crate) fn masked_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    MASKS.find_iter(text).map(|m| m.range())
}

/// Blank out generator syntax, byte for byte (newlines kept): the masked
/// text (`None` when there is nothing to mask) and the masked spans.
fn mask(text: &str) -> (Option<String>, Vec<Range<usize>>) {
    let spans: Vec<Range<usize>> = masked_spans(text).collect();
    if spans.is_empty() {
        return (None, spans);
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in &spans {
        for b in &mut bytes[span.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Only whole UTF-8 sequences were replaced by ASCII spaces; the rest is untouched.
    let masked = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (Some(masked), spans)
}

thread_local! {
    /// Set while this thread runs the parser: its panics are caught and
    /// reported as the page's error, so the panic hook stays silent.
    static PARSING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The `markdown` crate's parse, with a panic of the parser (it has known
/// ones on some inputs, found by fuzzing) caught and returned as its message.
fn parse_guarded(
    text: &str,
    options: &markdown::ParseOptions,
) -> Result<Result<markdown::mdast::Node, markdown::message::Message>, String> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PARSING.with(|p| p.get()) {
                previous(info);
            }
        }));
    });
    PARSING.with(|p| p.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        markdown::to_mdast(text, options)
    }));
    PARSING.with(|p| p.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned())
    })
}

/// The 1-based line and character column of a byte offset, without an index.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Whether `text` starts with a frontmatter block as the parser's grammar
/// has it: a fence of exactly three `-` (or `+`) and spaces or tabs on the
/// first line, then a line that is the same fence (any line ending).
fn has_closed_frontmatter(text: &str) -> bool {
    frontmatter_len(text).is_some()
}

/// The length of the page's frontmatter (through its closing fence's line
/// ending), when it has a closed one.
pub(crate) fn frontmatter_len(text: &str) -> Option<usize> {
    let is_fence = |line: &str, marker: char| {
        let rest = line.trim_end_matches([' ', '\t']);
        rest.len() == 3 && rest.chars().all(|c| c == marker)
    };
    // `\r\n` splits into a line and an empty one, which is no fence.
    let mut lines = text.split(['\n', '\r']);
    let first = lines.next()?;
    let marker = ['-', '+'].into_iter().find(|&m| is_fence(first, m))?;
    let mut end = first.len();
    for line in lines {
        end += 1 + line.len();
        if is_fence(line, marker) {
            // Through the line ending (`\r\n` counts both).
            let rest = text.get(end..).unwrap_or_default();
            let ending = if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(!rest.is_empty())
            };
            return Some(end + ending);
        }
    }
    None
}

/// The byte range of a 1-based line of `text` whose lines start at
/// `line_starts`, without its line ending.
pub fn line_range_in(text: &str, line_starts: &[usize], line: usize) -> Option<Range<usize>> {
    let start = *line_starts.get(line.checked_sub(1)?)?;
    let end = line_starts.get(line).copied().unwrap_or(text.len());
    let slice = text.get(start..end)?;
    let trimmed = slice.trim_end_matches(['\n', '\r']);
    Some(start..start + trimmed.len())
}

/// Where each line of `text` starts.
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// An attribute value or a cell as a reader sees it: every HTML entity
/// (named, decimal, hexadecimal) decoded once, so `&amp;lt;` reads `&lt;`.
pub fn decode_html_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::parse("t.md", text.to_owned(), false).expect("parses")
    }

    #[test]
    fn prose_words_are_each_segments_words_at_their_offsets_in_the_text() {
        let d = doc("# Our serivices\n\nSee `code` and https://x.io/a then GitLab's addtion.\n");
        let split: Vec<(usize, String)> = d
            .prose()
            .flat_map(|(offset, text)| {
                crate::tokenize::words(text)
                    .into_iter()
                    .map(move |t| (offset + t.offset, t.word.to_owned()))
            })
            .collect();
        let shared: Vec<(usize, String)> = d
            .prose_words()
            .map(|t| (t.offset, t.word.to_owned()))
            .collect();
        assert_eq!(shared, split);
        assert!(shared.iter().any(|(_, w)| w == "addtion"), "{shared:?}");
        for (offset, word) in &shared {
            assert_eq!(&d.text[*offset..offset + word.len()], word);
        }
        // Split once: the second pass reads the same spans.
        assert_eq!(d.prose_words().count(), shared.len());
    }

    #[test]
    fn entities_decode_once() {
        assert_eq!(decode_html_entities("a&amp;lt;b"), "a&lt;b");
        assert_eq!(decode_html_entities("&lt;&gt;&quot;&#39;&amp;"), "<>\"'&");
        assert_eq!(decode_html_entities("&#47;x&#x2F;y&#X2f;"), "/x/y/");
        assert_eq!(
            decode_html_entities("caf&eacute;&nbsp;&mdash;"),
            "café\u{a0}—"
        );
        assert_eq!(decode_html_entities("/a?b=1&c=2"), "/a?b=1&c=2");
        assert_eq!(decode_html_entities("&unknown; &"), "&unknown; &");
    }

    #[test]
    fn html_hrefs_are_decoded_once() {
        let d = doc("<a href=\"/a/?x=1&amp;amp;y=2&#38;z\">x</a>\n");
        assert_eq!(d.links[0].dest, "/a/?x=1&amp;y=2&z");
    }

    #[test]
    fn offsets_are_bytes_and_columns_are_characters() {
        let d = doc("# Café\n\nVoilà un mot [lien](/a/b/) ici\n");
        let link = &d.links[0];
        assert_eq!(&d.text[link.range.clone()], "/a/b/");
        let p = d.locate(link.range.start);
        assert_eq!((p.line, p.column), (3, 21));
    }

    #[test]
    fn crlf_lines_and_columns() {
        let d = doc("a\r\nb [x](/y)\r\n");
        let p = d.locate(d.links[0].range.start);
        assert_eq!((p.line, p.column), (2, 7));
        assert_eq!(d.line_range(2).map(|r| &d.text[r]), Some("b [x](/y)"));
    }

    #[test]
    fn bom_is_stripped_and_remembered() {
        let d = Document::from_bytes("t.md", b"\xEF\xBB\xBFword [x](/y)\n").expect("parses");
        assert!(d.bom);
        assert_eq!(d.locate(d.links[0].range.start).column, 10);
    }

    #[test]
    fn tabs_count_as_one_column() {
        let d = doc("x\t[a](/b)\n");
        assert_eq!(d.locate(d.links[0].range.start).column, 7);
    }

    #[test]
    fn kramdown_erb_and_shortcodes_are_masked_but_offsets_stay() {
        let text = "## On this page\n{:.no_toc .hidden-md}\n\n- TOC\n{:toc .hidden-md}\n\nSee <%= partial('x') %> and {{< tip >}}mispeling{{< /tip >}} {{% note %}}.\n{::options parse_block_html=\"true\" /}\n";
        let d = doc(text);
        assert_eq!(d.masked().len(), d.text.len());
        let prose: String = d.prose().map(|(_, t)| t).collect::<Vec<_>>().join("|");
        assert!(!prose.contains("toc"), "{prose}");
        assert!(!prose.contains("partial"), "{prose}");
        assert!(!prose.contains("tip"), "{prose}");
        assert!(!prose.contains("options"), "{prose}");
        assert!(prose.contains("mispeling"));
        let (off, run) = d
            .prose()
            .find(|(_, t)| t.contains("mispeling"))
            .expect("run");
        let at = off + run.find("mispeling").expect("word");
        assert_eq!(&d.text[at..at + 9], "mispeling");
    }

    #[test]
    fn headings_with_custom_ids() {
        let d = doc("## Title {#custom-id}\n\n### Other\n{: #kram-id}\n\n#### Plain\n");
        assert_eq!(d.headings.len(), 3);
        assert_eq!(d.headings[0].text, "Title");
        assert_eq!(d.headings[0].custom_id.as_deref(), Some("custom-id"));
        assert_eq!(d.headings[1].custom_id.as_deref(), Some("kram-id"));
        assert_eq!(d.headings[2].custom_id, None);
    }

    #[test]
    fn links_of_every_shape() {
        let d = doc(concat!(
            "[a](/handbook/a/ \"t\") ![img](/images/x.png) <https://x.example/>\n",
            "[ref][r] and https://bare.example/path\n\n",
            "[r]: ../other.md#frag\n\n",
            "<a href=\"/handbook/b/#c\">b</a> <img src='/images/y.png'>\n"
        ));
        let kinds: Vec<_> = d.links.iter().map(|l| (l.kind, l.dest.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (LinkKind::Inline, "/handbook/a/"),
                (LinkKind::Image, "/images/x.png"),
                (LinkKind::Autolink, "https://x.example/"),
                (LinkKind::Autolink, "https://bare.example/path"),
                (LinkKind::Definition, "../other.md#frag"),
                (LinkKind::HtmlHref, "/handbook/b/#c"),
                (LinkKind::HtmlSrc, "/images/y.png"),
            ]
        );
        for l in &d.links {
            assert_eq!(&d.text[l.range.clone()], l.dest, "{l:?}");
        }
    }

    #[test]
    fn prose_skips_code_urls_and_html() {
        let d = doc(
            "Text `codeword` <span>tagword</span> https://url.example/wordx\n\n```\nfenced\n```\n",
        );
        let prose: Vec<&str> = d.prose().map(|(_, t)| t).collect();
        let joined = prose.join("|");
        assert!(joined.contains("Text"));
        assert!(joined.contains("tagword"), "text between tags is prose");
        assert!(!joined.contains("codeword"));
        assert!(!joined.contains("fenced"));
        assert!(!joined.contains("url.example"));
        assert!(d.in_code(d.text.find("codeword").expect("word")));
    }

    #[test]
    fn tables_with_cell_ranges() {
        let d = doc("| Role | Focus |\n|---|---|\n| CSM | Adoption *and* outcomes |\n");
        let t = &d.tables[0];
        assert_eq!(t.header[1].text, "Focus");
        assert_eq!(t.rows[0][1].text, "Adoption *and* outcomes");
        assert_eq!(&d.text[t.rows[0][0].range.clone()], "CSM");
    }

    #[test]
    fn an_unclosed_fence_before_a_list_parses_without_frontmatter() {
        // Each panicked inside the parser with the frontmatter construct on.
        for text in [
            "---\n\n- 111\n- 222\n- 333\n",
            "---\n<<ed users\n1. k <<<<<<",
            "+++\r\n\r\n1. one\r\n",
        ] {
            let d = Document::parse("p.md", text.into(), false).expect("parses");
            assert!(d.frontmatter.is_none(), "{text:?}");
        }
        assert!(has_closed_frontmatter("--- \r\ntitle: x\r---\t\n\n- a\n"));
        assert!(has_closed_frontmatter("+++\n+++"));
        assert!(!has_closed_frontmatter("----\ntitle: x\n----\n"));
        assert!(!has_closed_frontmatter("---\ntitle: x\n+++\n"));
        let closed =
            Document::parse("p.md", "---\ntitle: T\n---\n\n- a\n".into(), false).expect("parses");
        assert_eq!(closed.title(), Some("T"));
    }

    #[test]
    fn frontmatter_values_and_errors() {
        let d =
            doc("---\ntitle: Hello\naliases:\n- /old/\nhblint:\n  disable: [typo]\n---\n\nBody\n");
        let fm = d.frontmatter.as_ref().expect("frontmatter");
        assert_eq!(d.title(), Some("Hello"));
        assert_eq!(fm.string_list("aliases"), vec!["/old/"]);
        assert_eq!(fm.disabled_rules(), vec!["typo"]);
        let bad = doc("---\ntitle: [unclosed\n---\n\nBody\n");
        assert!(
            bad.frontmatter
                .as_ref()
                .and_then(|f| f.error.as_ref())
                .is_some()
        );
    }

    #[test]
    fn suppression_comments() {
        let d =
            doc("<!-- hblint-disable-next-line typo, spelling -->\nx\n\n<!-- hblint-disable -->\n");
        assert_eq!(d.suppressions.len(), 2);
        assert_eq!(d.suppressions[0].kind, SuppressionKind::NextLine);
        assert_eq!(d.suppressions[0].rules, vec!["typo", "spelling"]);
        assert!(d.suppressions[1].rules.is_empty());
    }

    #[test]
    fn binary_and_non_utf8_inputs() {
        assert!(matches!(
            Document::from_bytes("b.md", b"abc\0def"),
            Err(InputError::Binary { offset: 3, .. })
        ));
        match Document::from_bytes("l.md", b"ok\nbad \xff here") {
            Err(InputError::NotUtf8 { line, column, .. }) => assert_eq!((line, column), (2, 5)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
