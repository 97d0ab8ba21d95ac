//! The ids a page can be linked to with `#fragment`: its headings' slugs,
//! custom ids and HTML anchors, whether hblint can see all of them, and how
//! much of a page's start a parse needs to show one.

use crate::document::Document;
use crate::links::slug::{IdFactory, SlugStyle};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The ids a page can be linked to with `#fragment`. A run keeps one per
/// page until its end (other pages may link to it later), so it is compact:
/// each id is held once, with a sorted index for lookups.
#[derive(Debug, Default)]
pub struct AnchorSet {
    /// In page order, each once, for suggestions.
    pub list: Vec<String>,
    /// Positions in `list`, in the order of the ids they hold.
    sorted: Vec<u32>,
    /// False when the page pulls in content hblint cannot see (Hugo `include`
    /// shortcodes, ERB partials): a missing anchor may then be there.
    pub complete: bool,
}

impl AnchorSet {
    /// The set of `list` (in page order; repeated ids are kept once).
    pub fn new(list: Vec<String>, complete: bool) -> AnchorSet {
        let mut seen = HashSet::with_capacity(list.len());
        let mut list: Vec<String> = list
            .into_iter()
            .filter(|a| seen.insert(a.clone()))
            .collect();
        list.shrink_to_fit();
        let mut sorted: Vec<u32> = (0..list.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        sorted.sort_unstable_by(|a, b| list[*a as usize].cmp(&list[*b as usize]));
        AnchorSet {
            list,
            sorted,
            complete,
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        id == "top"
            || self
                .sorted
                .binary_search_by(|i| self.list[*i as usize].as_str().cmp(id))
                .is_ok()
    }

    /// Whether a link's `#id` finds its place: the id, or one equal to it but for case
    /// (browsers and Hugo's renderers differ there; `uppercase-anchor` asks about case).
    pub fn matches(&self, id: &str) -> bool {
        self.contains(id) || self.case_insensitive(id).is_some()
    }

    /// An id equal to `id` but for case.
    pub fn case_insensitive(&self, id: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|a| a.eq_ignore_ascii_case(id) || a.to_lowercase() == id.to_lowercase())
            .map(String::as_str)
    }

    /// The closest id to `id`, if one is close enough to be a likely intent.
    pub fn closest(&self, id: &str) -> Option<&str> {
        let id_l = id.to_lowercase();
        let limit = (id_l.chars().count() / 3).max(2);
        let id_chars = id_l.chars().count();
        self.list
            .iter()
            .filter_map(|a| {
                let prefix = a.starts_with(&id_l) || id_l.starts_with(a.as_str());
                // The distance is at least the difference in length: skip the
                // anchors that cannot be close before computing it.
                if !prefix && a.chars().count().abs_diff(id_chars) > limit {
                    return None;
                }
                let d = strsim::osa_distance(&id_l, a);
                (d <= limit || prefix).then_some((d, a))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, a)| a.as_str())
    }

    /// The anchors of a parsed page.
    pub fn of(doc: &Document, style: SlugStyle) -> AnchorSet {
        static ATTR: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"\{:?\s*#([A-Za-z0-9_][\w:.\-]*)[^}\n]*\}").expect("static regex")
        });
        let mut list = Vec::new();
        let mut factory = IdFactory::new(style);
        for h in &doc.headings {
            let id = match &h.custom_id {
                Some(id) => {
                    factory.put(id);
                    id.clone()
                }
                None if style == SlugStyle::KramdownGfm => {
                    // Links in the wild use the id with and without the text
                    // of raw HTML tags (`<i class="fa …"></i> Title`): accept both.
                    let raw = raw_heading_text(&doc.text, h.range.clone());
                    let bare = strip_tags(&raw);
                    if bare != raw {
                        let collapsed = bare.split_whitespace().collect::<Vec<_>>().join(" ");
                        let collapsed = if bare.starts_with(char::is_whitespace) {
                            format!(" {collapsed}")
                        } else {
                            collapsed
                        };
                        for variant in [bare, collapsed] {
                            let id = crate::links::slug::slug(style, &variant);
                            if !id.is_empty() {
                                list.push(id);
                            }
                        }
                    }
                    factory.generate(&raw)
                }
                None => factory.generate(&h.text),
            };
            list.push(id);
        }
        for a in &doc.html_anchors {
            list.push(a.id.clone());
        }
        // `{#id}` / `{: #id}` attribute lists on any block, not only headings.
        for c in ATTR.captures_iter(&doc.text) {
            list.push(c[1].to_owned());
        }
        AnchorSet::new(list, !generates_content(&doc.text))
    }
}

/// A heading's Markdown source without its `#` marks, closing `#`s,
/// attribute list or setext underline.
fn raw_heading_text(text: &str, range: std::ops::Range<usize>) -> String {
    let src = text.get(range).unwrap_or_default();
    let first = src.lines().next().unwrap_or_default();
    let mut t = first.trim().trim_start_matches('#').trim();
    if let Some(i) = t.find("{#").or_else(|| t.find("{:")) {
        t = t[..i].trim_end();
    }
    let closed = t.trim_end_matches('#');
    if closed.len() < t.len() && (closed.is_empty() || closed.ends_with(' ')) {
        t = closed.trim_end();
    }
    t.to_owned()
}

/// The text without raw HTML tags (`<i class="fas fa-x"></i>`).
fn strip_tags(text: &str) -> String {
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"</?[A-Za-z][^>]*>").expect("static regex"));
    TAG.replace_all(text, "").into_owned()
}

/// Shortcodes that only wrap or style the page's own Markdown: whatever
/// headings they hold are in the page text. Any other shortcode (`include`,
/// `team`, `performance-indicators`…) may render anchors hblint cannot see.
const WRAPPER_SHORTCODES: &[&str] = &[
    "alert",
    "details",
    "panel",
    "note",
    "label",
    "card",
    "cardpane",
    "pageinfo",
    "youtube",
    "vimeo",
    "ref",
    "relref",
    "tab",
    "tabs",
    "warning",
    "tip",
    "comment",
    "figure",
    "blockpane",
    "alertpane",
    "sisense",
    "tableau",
    "gdoc",
    "iframe",
    "mermaid",
    "member-by-name",
    "member-by-gitlab",
    "member-and-role-by-gitlab",
];

/// Whether the page pulls in content hblint cannot see: a shortcode other
/// than the wrappers, or an ERB tag (Middleman partials).
fn generates_content(text: &str) -> bool {
    static SHORTCODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{\{[<%]\s*([A-Za-z][\w/-]*)").expect("static regex"));
    text.contains("<%")
        || SHORTCODE
            .captures_iter(text)
            .any(|c| !WRAPPER_SHORTCODES.contains(&&c[1]))
}

/// The most ids one start of a page is cut for: a page asked about more is
/// parsed whole (each id is searched for in every candidate line).
pub const START_IDS: usize = 16;

/// How much of a page's start a parse needs to show that each of `ids` is
/// one of its anchors, when a line near the start could hold each: through
/// the line after the first line that both looks like a place for an id (a
/// heading, a `{#id}` attribute list, an HTML `id=` or `name=`, a line a
/// setext underline follows) and holds the id's letters and digits in
/// order, for the id whose place comes last.
///
/// The `markdown` crate decides a line's block by the lines before it, so
/// a heading in that start is a heading of the whole page, with the same
/// id: the start stops after the next line (a setext underline), after the
/// frontmatter, and never inside a shortcode or ERB tag; and nothing after
/// it may define a link reference (`[x]: url`, `[^note]:`), which can change
/// a heading's text above it. `None` when an id has no such line, when the
/// rest of the page defines references, or for more than [`START_IDS`] ids:
/// only the whole page can answer then. A start that does not show an id
/// says nothing about it: the caller parses the whole page.
pub fn decisive_prefix(text: &str, ids: &[&str]) -> Option<usize> {
    if ids.is_empty() || ids.len() > START_IDS {
        return None;
    }
    let mut wanted: Vec<String> = ids
        .iter()
        .map(|id| letters_and_digits(id).collect())
        .collect();
    if wanted.iter().any(String::is_empty) {
        return None;
    }
    wanted.sort_unstable();
    wanted.dedup();
    let body = crate::document::frontmatter_len(text).unwrap_or(0);
    let mut lines = text
        .get(body..)?
        .split_inclusive('\n')
        .scan(body, |start, line| {
            let at = *start;
            *start += line.len();
            Some((at, line))
        })
        .peekable();
    let mut cut = None;
    while let Some((_, line)) = lines.next() {
        let next = lines.peek().map(|(at, next)| (*at + next.len(), *next));
        let underlined = next.is_some_and(|(_, n)| is_setext_underline(n));
        if !(underlined || may_hold_id(line)) {
            continue;
        }
        let have: String = letters_and_digits(line).collect();
        wanted.retain(|want| !have.contains(want.as_str()));
        if wanted.is_empty() {
            cut = Some(next.map_or(text.len(), |(end, _)| end));
            break;
        }
    }
    let mut cut = cut?;
    // A shortcode or ERB tag open at the cut is masked whole in the page,
    // and not at all in the start: move the cut past it.
    for span in crate::document::masked_spans(text) {
        if span.start >= cut {
            break;
        }
        if span.end > cut {
            let rest = text.get(span.end..)?;
            cut = span.end + rest.find('\n').map_or(rest.len(), |i| i + 1);
        }
    }
    let rest = text.get(cut..)?;
    (cut < text.len() && !rest.contains("]:")).then_some(cut)
}

/// The lowercase letters and digits of `s`, in order: what a heading's text
/// and its slug have in common.
fn letters_and_digits(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

/// A line that may give an id by itself: an ATX heading (inside quotes and
/// list items too), an attribute list, or an HTML tag with `id` or `name`.
fn may_hold_id(line: &str) -> bool {
    let mut rest = line.trim_start();
    // Block quote marks and list markers before the heading's `#`.
    loop {
        let stripped = rest
            .strip_prefix('>')
            .or_else(|| {
                rest.strip_prefix(['-', '*', '+'])
                    .filter(|r| r.starts_with(' '))
            })
            .or_else(|| {
                let digits =
                    rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                (digits > 0)
                    .then(|| rest.get(digits..))
                    .flatten()
                    .and_then(|r| r.strip_prefix(['.', ')']))
                    .filter(|r| r.starts_with(' '))
            });
        match stripped {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    rest.starts_with('#') || line.contains("{#") || line.contains("{:") || has_id_attribute(line)
}

/// Whether `line` has an `id=` or `name=` attribute (any case, spaces
/// around `=`), as the HTML anchors of a page are found.
fn has_id_attribute(line: &str) -> bool {
    if !line.contains('=') {
        return false;
    }
    let lower = line.to_ascii_lowercase();
    ["id", "name"].iter().any(|attr| {
        lower.match_indices(attr).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + attr.len()..].trim_start();
            before.is_some_and(char::is_whitespace) && after.starts_with('=')
        })
    })
}

/// `===` or `---` alone on a line (up to three spaces before it).
fn is_setext_underline(line: &str) -> bool {
    let t = line.trim_end();
    let indent = t.len() - t.trim_start_matches(' ').len();
    let t = t.trim_start_matches(' ');
    indent <= 3 && !t.is_empty() && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    /// The anchors of the whole page and of the start `decisive_prefix` gives.
    fn both(text: &str, id: &str) -> (bool, Option<bool>) {
        let style = SlugStyle::default();
        let full = Document::parse("p.md", text.to_owned(), false).expect("parses");
        let whole = AnchorSet::of(&full, style).matches(id);
        let start = decisive_prefix(text, &[id]).map(|cut| {
            let doc = Document::parse("p.md", text[..cut].to_owned(), false).expect("parses");
            AnchorSet::of(&doc, style).matches(id)
        });
        (whole, start)
    }

    #[test]
    fn the_start_through_the_heading_shows_it() {
        let text = "---\ntitle: Foo Bar\n---\nIntro.\n\n## Foo Bar\n\nText.\n\n## Later\n\nMore.\n";
        let cut = decisive_prefix(text, &["foo-bar"]).expect("a start");
        assert_eq!(
            &text[..cut],
            "---\ntitle: Foo Bar\n---\nIntro.\n\n## Foo Bar\n\n"
        );
        assert_eq!(both(text, "foo-bar"), (true, Some(true)));
        assert_eq!(both(text, "Foo-Bar"), (true, Some(true)));
    }

    #[test]
    fn tables_of_contents_and_prose_are_no_place_for_an_id() {
        let text = "- [Foo Bar](#foo-bar)\n\nFoo bar is here.\n\n## Foo Bar\n\nx\n\ny\n";
        let cut = decisive_prefix(text, &["foo-bar"]).expect("a start");
        assert!(
            text[..cut].ends_with("## Foo Bar\n\n"),
            "{:?}",
            &text[..cut]
        );
    }

    #[test]
    fn only_id_and_name_attributes_make_an_html_place() {
        assert!(has_id_attribute(r#"<a id="x"></a>"#));
        assert!(has_id_attribute(r#"<a NAME = 'x'>"#));
        assert!(!has_id_attribute(r#"<img width=32 alt="the id card">"#));
        assert!(!has_id_attribute("grid=3 and the uid=4"));
    }

    #[test]
    fn setext_attribute_and_html_ids_are_found() {
        let text = "Intro\n\nFoo Bar\n-------\n\nx\n\n## Other {#custom-id}\n\n<a name=\"here-it-is\"></a>\n\nend\n";
        assert_eq!(both(text, "foo-bar"), (true, Some(true)));
        assert_eq!(both(text, "custom-id"), (true, Some(true)));
        assert_eq!(both(text, "here-it-is"), (true, Some(true)));
    }

    #[test]
    fn a_heading_inside_code_is_not_taken() {
        let text = "```\n## Foo Bar\n```\n\nx\n\n## Foo Bar\n\ny\n\nz\n";
        // The fenced line is found first; its start shows no heading.
        assert_eq!(both(text, "foo-bar"), (true, Some(false)));
        let open = "```\n## Foo Bar\n\nx\n\ny\n";
        assert_eq!(both(open, "foo-bar"), (false, Some(false)));
        let html = "<div>\n\n## Foo Bar\n\n</div>\n\nx\n";
        let (whole, start) = both(html, "foo-bar");
        assert_eq!(start.unwrap_or(whole), whole);
    }

    #[test]
    fn later_reference_definitions_leave_it_to_the_whole_page() {
        let text = "## [Foo][ref] Bar\n\ntext\n\n[ref]: https://example.com\n";
        assert_eq!(decisive_prefix(text, &["fooref-bar"]), None);
        assert_eq!(decisive_prefix(text, &["foo-bar"]), None);
        assert_eq!(both(text, "foo-bar"), (true, None));
    }

    #[test]
    fn a_shortcode_open_at_the_cut_moves_it() {
        let text = "{{< note\n## Foo Bar\nstill in it\n>}}\n\ntext\n\nmore\n";
        let cut = decisive_prefix(text, &["foo-bar"]).expect("a start");
        assert_eq!(&text[..cut], "{{< note\n## Foo Bar\nstill in it\n>}}\n");
        assert_eq!(both(text, "foo-bar"), (false, Some(false)));
    }

    #[test]
    fn duplicates_keep_their_numbers() {
        let text = "## Foo\n\nx\n\n## Foo\n\ny\n\n## Bar\n\nz\n";
        assert_eq!(both(text, "foo-1"), (true, None));
        assert_eq!(both(text, "foo"), (true, Some(true)));
    }

    /// Over a real tree (`HBLINT_CORPUS=DIR cargo test --release -- --ignored
    /// starts_agree`): every start shows only ids of its whole page, and
    /// shows most of them (printed with the share of bytes parsed).
    #[test]
    #[ignore]
    fn starts_agree_with_whole_pages_on_a_corpus() {
        let Ok(root) = std::env::var("HBLINT_CORPUS") else {
            return;
        };
        let style = SlugStyle::default();
        let (mut asked, mut shown, mut parsed, mut whole_bytes) = (0usize, 0usize, 0usize, 0usize);
        for entry in ignore::WalkBuilder::new(root).build().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let Ok(doc) = Document::parse("p.md", text.clone(), false) else {
                continue;
            };
            let full = AnchorSet::of(&doc, style);
            let mut ids: Vec<(bool, String)> =
                full.list.iter().map(|id| (true, id.clone())).collect();
            ids.extend(full.list.iter().map(|id| (false, format!("{id}-x"))));
            for (real, id) in &ids {
                let id = id.as_str();
                if !real {
                    // An id the page lacks: the start must not show it.
                    if let Some(cut) = decisive_prefix(&text, &[id]) {
                        let start = Document::parse("p.md", text[..cut].to_owned(), false)
                            .expect("a start parses");
                        assert!(
                            !AnchorSet::of(&start, style).matches(id),
                            "{}: `{id}`",
                            path.display()
                        );
                    }
                    continue;
                }
                asked += 1;
                whole_bytes += text.len();
                let Some(cut) = decisive_prefix(&text, &[id]) else {
                    parsed += text.len();
                    continue;
                };
                let start =
                    Document::parse("p.md", text[..cut].to_owned(), false).expect("a start parses");
                let set = AnchorSet::of(&start, style);
                for got in &set.list {
                    assert!(
                        full.matches(got),
                        "{}: `{got}` only in the start",
                        path.display()
                    );
                }
                if set.matches(id) {
                    shown += 1;
                    parsed += cut;
                } else {
                    parsed += cut + text.len();
                }
            }
        }
        eprintln!(
            "{asked} ids asked, {shown} shown by a start; {:.1} % of the bytes parsed",
            100.0 * parsed as f64 / whole_bytes.max(1) as f64
        );
    }

    #[test]
    fn several_ids_are_cut_for_together_and_not_too_many() {
        let text = "# Page\n\n## One\n\nx\n\n## Two\n\ny\n\n## Three\n\nz\n";
        let through = |ids: &[&str]| decisive_prefix(text, ids).map(|cut| &text[..cut]);
        assert_eq!(
            through(&["two", "one"]),
            Some("# Page\n\n## One\n\nx\n\n## Two\n\n")
        );
        assert_eq!(through(&["one", "missing"]), None);
        assert_eq!(through(&["one"; START_IDS]), Some("# Page\n\n## One\n\n"));
        assert_eq!(through(&["one"; START_IDS + 1]), None);
    }

    #[test]
    fn no_place_or_no_letters_gives_none() {
        assert_eq!(decisive_prefix("## Foo\n\ntext\n", &["bar"]), None);
        assert_eq!(decisive_prefix("## Foo\n\ntext\n", &["---"]), None);
        // The last line: the start would be the whole page.
        assert_eq!(decisive_prefix("text\n\n## Foo", &["foo"]), None);
    }
}
