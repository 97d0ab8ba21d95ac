//! Where a text names a role or a tier.

use super::RolesData;
use regex::Regex;
use std::ops::Range;

/// How a role is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// The canonical name or an accepted variant.
    Canonical,
    /// A misnomer (`Solution Architect`).
    Misnomer,
    /// The abbreviation (`CSM`).
    Abbreviation,
}

#[derive(Debug, Clone)]
pub struct RoleMention {
    pub role: usize,
    pub kind: NameKind,
    /// The whole mention, with any plural `s`.
    pub range: Range<usize>,
    /// The name itself, without the plural `s`.
    pub name: Range<usize>,
    pub plural: bool,
}

#[derive(Debug, Clone)]
pub struct TierMention {
    pub tier: usize,
    pub range: Range<usize>,
}

/// Finds role names, abbreviations and tier names in text.
#[derive(Debug)]
pub struct Matcher {
    names: Regex,
    abbreviations: Regex,
    tiers: Regex,
    tier_context: Regex,
    tier_joiner: Regex,
}

fn alternation(mut words: Vec<String>) -> String {
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    words
        .iter()
        .map(|w| {
            regex::escape(w.trim())
                .split(' ')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect::<Vec<_>>()
        .join("|")
}

impl Matcher {
    pub fn new(data: &RolesData) -> Matcher {
        let names: Vec<String> = data
            .roles
            .iter()
            .flat_map(|r| {
                std::iter::once(r.name.clone())
                    .chain(r.variants.iter().cloned())
                    .chain(r.misnomers.iter().cloned())
            })
            .collect();
        let abbreviations: Vec<String> =
            data.roles.iter().map(|r| r.abbreviation.clone()).collect();
        let tiers: Vec<String> = data
            .tiers
            .iter()
            .flat_map(|t| std::iter::once(t.name.clone()).chain(t.variants.iter().cloned()))
            .collect();
        let build = |pattern: String| Regex::new(&pattern).unwrap_or_else(|_| never());
        Matcher {
            names: build(format!(r"(?i)\b({})(s)?\b", alternation(names))),
            abbreviations: build(format!(r"\b({})(s)?\b", alternation(abbreviations))),
            tiers: build(format!(r"\b({})\b", alternation(tiers))),
            tier_context: build(
                r"^(?:\s+Success)?\s+(?:[Tt]iers?|[Cc]ustomers?|[Aa]ccounts?|[Ss]ubscriptions?|[Ss]ubscribers?|[Pp]lans?)\b"
                    .to_owned(),
            ),
            tier_joiner: build(r"^(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*/\s*)$".to_owned()),
        }
    }

    /// Every role mention in `text`, in order.
    pub fn roles(&self, data: &RolesData, text: &str) -> Vec<RoleMention> {
        let mut out = Vec::new();
        for c in self.names.captures_iter(text) {
            let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let Some((role, canonical)) = data.by_name(name.as_str()) else {
                continue;
            };
            out.push(RoleMention {
                role,
                kind: if canonical {
                    NameKind::Canonical
                } else {
                    NameKind::Misnomer
                },
                range: all.range(),
                name: name.range(),
                plural: c.get(2).is_some(),
            });
        }
        for c in self.abbreviations.captures_iter(text) {
            let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            // An abbreviation glued to a hyphen or slash path is part of a
            // longer token (`CSM-led`, `team/CSM`) and still counts; one in an
            // identifier (`CSM_x`) never matches thanks to `\b`.
            let Some(role) = data.by_abbreviation(name.as_str()) else {
                continue;
            };
            out.push(RoleMention {
                role,
                kind: NameKind::Abbreviation,
                range: all.range(),
                name: name.range(),
                plural: c.get(2).is_some(),
            });
        }
        out.sort_by_key(|m| m.range.start);
        out
    }

    /// Every tier named in `text`, in any context (for a `Tier` column's cells).
    pub fn tier_names(&self, data: &RolesData, text: &str) -> Vec<usize> {
        self.tiers
            .find_iter(text)
            .filter_map(|m| data.tier_by_name(m.as_str()))
            .collect()
    }

    /// Every tier named in `text` in a tier context: followed by `tier`,
    /// `customers`, `accounts`… (`Advanced and Signature tier customers`), or
    /// written with its `Success` prefix (`Success On-Demand`).
    pub fn tiers(&self, data: &RolesData, text: &str) -> Vec<TierMention> {
        let raw: Vec<(usize, Range<usize>)> = self
            .tiers
            .find_iter(text)
            .filter_map(|m| data.tier_by_name(m.as_str()).map(|t| (t, m.range())))
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            // A list of tiers: `Advanced and Signature`, `Essentials, Advanced or Signature`.
            let mut j = i;
            while j + 1 < raw.len()
                && self
                    .tier_joiner
                    .is_match(&text[raw[j].1.end..raw[j + 1].1.start])
            {
                j += 1;
            }
            let list_end = raw[j].1.end;
            let in_context = self.tier_context.is_match(&text[list_end..])
                || raw[i..=j]
                    .iter()
                    .any(|(_, r)| text[r.clone()].starts_with("Success"));
            if in_context {
                out.extend(raw[i..=j].iter().map(|(t, r)| TierMention {
                    tier: *t,
                    range: r.clone(),
                }));
            }
            i = j + 1;
        }
        out
    }
}

/// A pattern built from escaped names always compiles; should it not, match nothing.
fn never() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("a valid empty-class regex"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_name_misnomer_and_abbreviation() {
        let d = RolesData::embedded().expect("valid");
        let m = Matcher::new(&d);
        let text = "Solution Architects and the CSMs, a Customer Success Architect (CSA), not Solution Architecture.";
        let found: Vec<_> = m
            .roles(&d, text)
            .into_iter()
            .map(|x| {
                (
                    &text[x.range.clone()],
                    d.roles[x.role].abbreviation.as_str(),
                    x.kind,
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("Solution Architects", "SA", NameKind::Misnomer),
                ("CSMs", "CSM", NameKind::Abbreviation),
                ("Customer Success Architect", "CSA", NameKind::Canonical),
                ("CSA", "CSA", NameKind::Abbreviation),
            ]
        );
    }

    #[test]
    fn tiers_need_a_tier_context() {
        let d = RolesData::embedded().expect("valid");
        let m = Matcher::new(&d);
        let names = |text: &str| -> Vec<String> {
            m.tiers(&d, text)
                .into_iter()
                .map(|t| d.tiers[t.tier].name.clone())
                .collect()
        };
        assert_eq!(
            names("for Advanced and Signature tier customers"),
            ["Advanced", "Signature"]
        );
        assert_eq!(
            names("Pooled / on-demand (Success On-Demand tier)"),
            ["On-Demand"]
        );
        assert_eq!(names("Essentials accounts"), ["Essentials"]);
        assert!(names("GitLab Security Essentials course, Advanced CI/CD").is_empty());
        assert!(names("an advanced tier").is_empty());
    }
}
