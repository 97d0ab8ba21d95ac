//! Heading ids as the site generator makes them.
//!
//! * [`SlugStyle::Github`]: Hugo's default `autoHeadingIDType: github`
//!   (Goldmark): trim, keep letters, digits and `_` (lowercased), turn each
//!   space and `-` into `-`, drop everything else; an empty id is `heading`;
//!   a repeated id gets `-1`, `-2`, … (the first free one).
//! * [`SlugStyle::Kramdown`]: kramdown's `auto_ids` (the Middleman site):
//!   drop leading non-letters, keep ASCII letters, digits, space and `-`,
//!   spaces to `-`, lowercase; empty is `section`; repeats get `-1`, `-2`.
//! * [`SlugStyle::KramdownGfm`]: kramdown's GFM parser (what about.gitlab.com
//!   used): from the heading's raw source, lowercase, drop every character
//!   but word characters, `-`, space and tab, spaces and tabs to `-`;
//!   repeats get `-1`, `-2`.

use serde::Deserialize;
use std::collections::HashMap;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlugStyle {
    #[default]
    Github,
    Kramdown,
    KramdownGfm,
}

/// The id of one heading, before duplicates are numbered.
pub fn slug(style: SlugStyle, text: &str) -> String {
    match style {
        SlugStyle::Github => github(text),
        SlugStyle::Kramdown => kramdown(text),
        SlugStyle::KramdownGfm => kramdown_gfm(text),
    }
}

fn github(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == '-' || c == ' ' {
            out.push('-');
        } else if c == '_' || c.is_alphabetic() || c.is_numeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn kramdown_gfm(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' | '\t' | '-' => Some('-'),
            c if c == '_' || c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

fn kramdown(text: &str) -> String {
    text.trim_start_matches(|c: char| !c.is_ascii_alphabetic())
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' => Some('-'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Numbers repeated ids the way the generator does, in page order.
#[derive(Debug)]
pub struct IdFactory {
    style: SlugStyle,
    used: HashSet<String>,
    counters: HashMap<String, usize>,
}

impl IdFactory {
    pub fn new(style: SlugStyle) -> IdFactory {
        IdFactory {
            style,
            used: HashSet::new(),
            counters: HashMap::new(),
        }
    }

    /// Register an explicit id (`{#id}`): later generated ids avoid it.
    pub fn put(&mut self, id: &str) {
        self.used.insert(id.to_owned());
    }

    /// The id of the next heading with this text.
    pub fn generate(&mut self, text: &str) -> String {
        let mut id = slug(self.style, text);
        if id.is_empty() {
            match self.style {
                SlugStyle::Github => id = "heading".into(),
                SlugStyle::Kramdown => id = "section".into(),
                SlugStyle::KramdownGfm => {}
            }
        }
        match self.style {
            SlugStyle::Github => {
                if self.used.contains(&id) {
                    let mut i = 1;
                    while self.used.contains(&format!("{id}-{i}")) {
                        i += 1;
                    }
                    id = format!("{id}-{i}");
                }
            }
            SlugStyle::Kramdown | SlugStyle::KramdownGfm => {
                if let Some(n) = self.counters.get_mut(&id) {
                    *n += 1;
                    id = format!("{id}-{n}");
                } else {
                    self.counters.insert(id.clone(), 0);
                }
            }
        }
        self.used.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_style_matches_hugo() {
        // Seen on handbook.gitlab.com pages of the corpus.
        assert_eq!(
            slug(SlugStyle::Github, "Paid Time Off (PTO)"),
            "paid-time-off-pto"
        );
        assert_eq!(
            slug(SlugStyle::Github, "Step 1: Create an issue"),
            "step-1-create-an-issue"
        );
        assert_eq!(slug(SlugStyle::Github, "What's new?"), "whats-new");
        assert_eq!(slug(SlugStyle::Github, "A -- B"), "a----b");
        assert_eq!(
            slug(SlugStyle::Github, "snake_case & more"),
            "snake_case--more"
        );
        assert_eq!(slug(SlugStyle::Github, "Café Über"), "café-über");
        assert_eq!(
            slug(SlugStyle::Github, "日本語 タイトル"),
            "日本語-タイトル"
        );
        assert_eq!(slug(SlugStyle::Github, "  Trim me  "), "trim-me");
        assert_eq!(slug(SlugStyle::Github, "🚀 Launch"), "-launch");
    }

    #[test]
    fn kramdown_style() {
        assert_eq!(
            slug(SlugStyle::Kramdown, "1. Getting started"),
            "getting-started"
        );
        assert_eq!(slug(SlugStyle::Kramdown, "Café & more"), "caf--more");
        assert_eq!(slug(SlugStyle::Kramdown, "What's new?"), "whats-new");
    }

    #[test]
    fn kramdown_gfm_style() {
        // Seen in www-gitlab-com links: `#-coworking-or-external-office--space`.
        assert_eq!(
            slug(
                SlugStyle::KramdownGfm,
                "🏢 Coworking or External Office  Space"
            ),
            "-coworking-or-external-office--space"
        );
        assert_eq!(slug(SlugStyle::KramdownGfm, "目次"), "目次");
        assert_eq!(slug(SlugStyle::KramdownGfm, "Q&A: one_two"), "qa-one_two");
    }

    #[test]
    fn duplicates_are_numbered() {
        let mut f = IdFactory::new(SlugStyle::Github);
        assert_eq!(f.generate("Overview"), "overview");
        assert_eq!(f.generate("Overview"), "overview-1");
        f.put("overview-2");
        assert_eq!(f.generate("Overview"), "overview-3");
        assert_eq!(f.generate("!!!"), "heading");
        assert_eq!(f.generate("?"), "heading-1");
        let mut k = IdFactory::new(SlugStyle::Kramdown);
        assert_eq!(k.generate("Tools"), "tools");
        assert_eq!(k.generate("Tools"), "tools-1");
        assert_eq!(k.generate("Tools"), "tools-2");
        assert_eq!(k.generate("123"), "section");
    }
}
