//! The ids a page can be linked to with `#fragment`: its headings' slugs,
//! custom ids and HTML anchors, and whether hblint can see all of them.

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
