//! The ids a page can be linked to with `#fragment`: its headings' slugs,
//! custom ids and HTML anchors, and whether hblint can see all of them.

use crate::document::Document;
use crate::links::slug::{IdFactory, SlugStyle};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The ids a page can be linked to with `#fragment`.
#[derive(Debug, Default)]
pub struct AnchorSet {
    pub ids: HashSet<String>,
    /// In page order, for suggestions.
    pub list: Vec<String>,
    /// False when the page pulls in content hblint cannot see (Hugo `include`
    /// shortcodes, ERB partials): a missing anchor may then be there.
    pub complete: bool,
}

impl AnchorSet {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id) || id == "top"
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

    fn insert(&mut self, id: String) {
        if self.ids.insert(id.clone()) {
            self.list.push(id);
        }
    }

    /// The anchors of a parsed page.
    pub fn of(doc: &Document, style: SlugStyle) -> AnchorSet {
        static ATTR: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"\{:?\s*#([A-Za-z0-9_][\w:.\-]*)[^}\n]*\}").expect("static regex")
        });
        let mut set = AnchorSet {
            complete: !generates_content(&doc.text),
            ..AnchorSet::default()
        };
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
                                set.insert(id);
                            }
                        }
                    }
                    factory.generate(&raw)
                }
                None => factory.generate(&h.text),
            };
            set.insert(id);
        }
        for a in &doc.html_anchors {
            set.insert(a.id.clone());
        }
        // `{#id}` / `{: #id}` attribute lists on any block, not only headings.
        for c in ATTR.captures_iter(&doc.text) {
            set.insert(c[1].to_owned());
        }
        set
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
