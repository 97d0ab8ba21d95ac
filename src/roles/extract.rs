//! Read the role facts of a page that holds the comparison table: the table,
//! the full names, the engagement-model spectrum and the handoff, each with
//! its place on the page.

use super::mentions::Matcher;
use super::normalize::{collapse, header_key, plain};
use super::table::{self, parse_key};
use super::{Column, Handoff, PostSales, ROLE_COLUMN, Role, RolesData, Stage};
use crate::document::passage::Passage;
use crate::document::{Cell, Document};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

static NAME_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:[A-Z][\w’'&-]*\s+){0,5}[A-Z][\w’'&-]*)\s*\(([A-Z]{2,6})\)")
        .expect("static regex")
});
static STAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(.+?)\s*\(([^()]*)\)\s*$").expect("static regex"));
static ARROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"→|->").expect("static regex"));
static HANDOFF_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)hand-?\s?off").expect("static regex"));

#[derive(Debug, Clone)]
pub struct PageColumn {
    pub id: String,
    pub header: String,
    pub cell: Cell,
}

#[derive(Debug, Clone)]
pub struct PageRow {
    pub key: Cell,
    pub abbreviation: String,
    /// `(column id, cell)` in the page's order, the key left out.
    pub cells: Vec<(String, Cell)>,
}

#[derive(Debug, Clone)]
pub struct PageStage {
    pub model: String,
    pub roles: Vec<String>,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct PagePostSales {
    pub role: String,
    pub tiers: Vec<String>,
    pub range: Range<usize>,
}

/// Everything a page says about the roles.
#[derive(Debug, Clone)]
pub struct PageRoles {
    pub title: Option<String>,
    pub table_range: Range<usize>,
    pub columns: Vec<PageColumn>,
    pub rows: Vec<PageRow>,
    /// Abbreviation -> the full name written next to it, and where.
    pub names: BTreeMap<String, (String, Range<usize>)>,
    pub spectrum: Option<Vec<PageStage>>,
    pub pre_sales: Option<(String, Range<usize>)>,
    pub post_sales: Option<Vec<PagePostSales>>,
    /// Where the handoff section starts, if there is one.
    pub handoff_range: Option<Range<usize>>,
}

fn slug(header: &str) -> String {
    header_key(header)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Read a page. `base` gives the vocabulary (header synonyms, name variants,
/// tier names); the page gives every fact.
pub fn read_page(doc: &Document, base: &RolesData) -> Result<PageRoles, String> {
    let matcher = Matcher::new(base);
    let best = doc
        .tables
        .iter()
        .filter_map(|t| table::classify(base, t, &doc.text))
        .filter(|rt| rt.keyed_by_role)
        .max_by_key(|rt| rt.columns.len())
        .ok_or_else(|| {
            format!(
                "{}: no table keyed by role (a `Role` column) with columns of the role data",
                doc.path
            )
        })?;
    let t = best.table;
    let mut columns = Vec::new();
    for (i, cell) in t.header.iter().enumerate() {
        let header = plain(&cell.text);
        let id = if i == best.key_column {
            ROLE_COLUMN.to_owned()
        } else {
            base.column_for_header(&cell.text)
                .unwrap_or_else(|| slug(&header))
        };
        columns.push(PageColumn {
            id,
            header,
            cell: cell.clone(),
        });
    }
    let mut rows = Vec::new();
    for row in &t.rows {
        let Some(key) = row.get(best.key_column) else {
            continue;
        };
        if plain(&key.text).is_empty() || table::is_lazy_row(&doc.text, t, row) {
            continue;
        }
        let parsed = parse_key(base, &key.text);
        let abbreviation = match (&parsed.abbreviation, parsed.by_name) {
            (Some((written, _)), _) => written.trim_end_matches('s').to_owned(),
            (None, Some(r)) => base.roles[r].abbreviation.clone(),
            (None, None) => plain(&key.text)
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect::<String>()
                .to_uppercase(),
        };
        let cells = columns
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != best.key_column)
            .filter_map(|(i, c)| row.get(i).map(|cell| (c.id.clone(), cell.clone())))
            .collect();
        rows.push(PageRow {
            key: key.clone(),
            abbreviation,
            cells,
        });
    }
    let passages = doc.passages();
    let names = full_names(base, &rows, passages);
    let spectrum = spectrum(passages);
    let (handoff_range, pre_sales, post_sales) = handoff(doc, base, &matcher, passages);
    let title = doc.title().map(str::to_owned).or_else(|| {
        doc.headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.clone())
    });
    Ok(PageRoles {
        title,
        table_range: t.range.clone(),
        columns,
        rows,
        names,
        spectrum,
        pre_sales,
        post_sales,
        handoff_range,
    })
}

/// `Customer Success Manager (CSM)`: the name written next to each
/// abbreviation of the table, first occurrence first.
fn full_names(
    base: &RolesData,
    rows: &[PageRow],
    passages: &[Passage],
) -> BTreeMap<String, (String, Range<usize>)> {
    let mut names = BTreeMap::new();
    for p in passages {
        for c in NAME_PAIR.captures_iter(&p.text) {
            let (Some(words), Some(abbr)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let abbr = abbr.as_str().to_owned();
            if names.contains_key(&abbr) || !rows.iter().any(|r| r.abbreviation == abbr) {
                continue;
            }
            let all: Vec<(usize, &str)> = words
                .as_str()
                .split_whitespace()
                .map(|w| (w.as_ptr() as usize - p.text.as_ptr() as usize, w))
                .collect();
            let take = match base.role(&abbr) {
                Some(r) => r.name.split(' ').count(),
                None => abbr.chars().count(),
            }
            .min(all.len());
            let chosen = &all[all.len() - take..];
            let Some(&(start, _)) = chosen.first() else {
                continue;
            };
            let end = words.end();
            let name = collapse(&p.text[start..end]);
            names.insert(abbr, (name, p.source_range(start..end)));
        }
    }
    names
}

/// `Pooled (CSE) → Named/Designated (CSM, CSA, ASE) → …`
fn spectrum(passages: &[Passage]) -> Option<Vec<PageStage>> {
    for p in passages {
        for line in line_spans(&p.text) {
            let text = &p.text[line.clone()];
            if !(text.contains('→') || text.contains("->")) {
                continue;
            }
            let mut stages = Vec::new();
            let mut bounds: Vec<Range<usize>> = Vec::new();
            let mut from = 0;
            for m in ARROW.find_iter(text) {
                bounds.push(from..m.start());
                from = m.end();
            }
            bounds.push(from..text.len());
            for b in bounds {
                let part = &text[b.clone()];
                let start = line.start + b.start + (part.len() - part.trim_start().len());
                let range = start..start + part.trim().len();
                let Some(c) = STAGE.captures(part) else {
                    stages.clear();
                    break;
                };
                stages.push(PageStage {
                    model: collapse(&c[1]),
                    roles: c[2]
                        .split([',', '/'])
                        .map(|r| r.trim().to_owned())
                        .filter(|r| !r.is_empty())
                        .collect(),
                    range: p.source_range(range),
                });
            }
            if stages.len() >= 2 {
                return Some(stages);
            }
        }
    }
    None
}

fn line_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices('\n') {
        out.push(start..i);
        start = i + 1;
    }
    out.push(start..text.len());
    out
}

type HandoffFacts = (
    Option<Range<usize>>,
    Option<(String, Range<usize>)>,
    Option<Vec<PagePostSales>>,
);

/// The handoff section: the pre-sales role, then `ROLE for TIER customers` items.
fn handoff(
    doc: &Document,
    base: &RolesData,
    matcher: &Matcher,
    passages: &[Passage],
) -> HandoffFacts {
    // The section under a heading that says "handoff"; in an export without
    // headings, from the first paragraph that says it to the next heading.
    let (heading_range, section) = match doc
        .headings
        .iter()
        .enumerate()
        .find(|(_, h)| HANDOFF_HEADING.is_match(&h.text))
    {
        Some((i, heading)) => {
            let end = doc.headings[i + 1..]
                .iter()
                .find(|h| h.level <= heading.level)
                .map_or(doc.text.len(), |h| h.range.start);
            (heading.range.clone(), heading.range.end..end)
        }
        None => {
            let Some(p) = passages.iter().find(|p| HANDOFF_HEADING.is_match(&p.text)) else {
                return (None, None, None);
            };
            let start = p.source_offset(0);
            let end = doc
                .headings
                .iter()
                .find(|h| h.range.start > start)
                .map_or(doc.text.len(), |h| h.range.start);
            (start..start, start..end)
        }
    };
    let mut pre_sales = None;
    let mut post = Vec::new();
    for p in passages {
        let at = p.source_offset(0);
        if !section.contains(&at) {
            continue;
        }
        let roles = matcher.roles(base, &p.text);
        if pre_sales.is_none() && p.text.to_lowercase().contains("pre-sales") {
            if let Some(m) = roles.first() {
                pre_sales = Some((
                    base.roles[m.role].abbreviation.clone(),
                    p.source_range(m.range.clone()),
                ));
            }
            continue;
        }
        let Some(first) = roles.first() else { continue };
        if first.range.start != 0 || !p.text[first.range.end..].trim_start().starts_with("for ") {
            continue;
        }
        let tiers: Vec<String> = matcher
            .tiers(base, &p.text)
            .into_iter()
            .map(|t| base.tiers[t.tier].name.clone())
            .collect();
        if tiers.is_empty() {
            continue;
        }
        post.push(PagePostSales {
            role: base.roles[first.role].abbreviation.clone(),
            tiers,
            range: p.source_range(0..p.text.trim_end().len()),
        });
    }
    let post = (!post.is_empty()).then_some(post);
    (Some(heading_range), pre_sales, post)
}

impl PageRoles {
    /// The role data the page describes, with `base`'s vocabulary. Returns
    /// the data and warnings about facts the page lacks (kept from `base`).
    pub fn to_data(&self, base: &RolesData) -> (RolesData, Vec<String>) {
        let matcher = Matcher::new(base);
        let mut warnings = Vec::new();
        let columns = self
            .columns
            .iter()
            .map(|c| Column {
                id: c.id.clone(),
                header: c.header.clone(),
                synonyms: base
                    .column(&c.id)
                    .map(|b| b.synonyms.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let mut roles: Vec<Role> = Vec::new();
        for row in &self.rows {
            if roles.iter().any(|r| r.abbreviation == row.abbreviation) {
                warnings.push(format!(
                    "{} has two rows; the first is kept",
                    row.abbreviation
                ));
                continue;
            }
            let known = base.role(&row.abbreviation);
            let name = match (self.names.get(&row.abbreviation), known) {
                (Some((n, _)), _) => n.clone(),
                (None, Some(k)) => {
                    warnings.push(format!(
                        "the page never writes `NAME ({})`; the name `{}` is kept",
                        row.abbreviation, k.name
                    ));
                    k.name.clone()
                }
                (None, None) => {
                    warnings.push(format!(
                        "the page never writes the full name of {}",
                        row.abbreviation
                    ));
                    plain(&row.key.text)
                }
            };
            let mut tiers: Vec<usize> = row
                .cells
                .iter()
                .flat_map(|(_, c)| matcher.tiers(base, &plain(&c.text)))
                .map(|t| t.tier)
                .collect();
            tiers.sort_unstable();
            tiers.dedup();
            roles.push(Role {
                abbreviation: row.abbreviation.clone(),
                name,
                key: plain(&row.key.text),
                tiers: tiers.iter().map(|&t| base.tiers[t].name.clone()).collect(),
                variants: known.map(|k| k.variants.clone()).unwrap_or_default(),
                misnomers: known.map(|k| k.misnomers.clone()).unwrap_or_default(),
                keep: known.map(|k| k.keep.clone()).unwrap_or_default(),
                cells: row
                    .cells
                    .iter()
                    .map(|(id, c)| (id.clone(), plain(&c.text)))
                    .collect(),
            });
        }
        let spectrum = match &self.spectrum {
            Some(s) => s
                .iter()
                .map(|s| Stage {
                    model: s.model.clone(),
                    roles: s.roles.clone(),
                })
                .collect(),
            None => {
                warnings.push("the page has no engagement-model spectrum (`A (X) → B (Y)`); the data's is kept".into());
                base.spectrum.clone()
            }
        };
        let handoff = Handoff {
            pre_sales: match &self.pre_sales {
                Some((r, _)) => r.clone(),
                None => {
                    warnings.push(
                        "the page names no pre-sales role in a handoff section; the data's is kept"
                            .into(),
                    );
                    base.handoff.pre_sales.clone()
                }
            },
            post_sales: match &self.post_sales {
                Some(p) => p
                    .iter()
                    .map(|p| PostSales {
                        role: p.role.clone(),
                        tiers: p.tiers.clone(),
                    })
                    .collect(),
                None => {
                    warnings.push(
                        "the page lists no `ROLE for TIER customers` handoff; the data's is kept"
                            .into(),
                    );
                    base.handoff.post_sales.clone()
                }
            },
        };
        let data = RolesData {
            title: self.title.clone().unwrap_or_else(|| base.title.clone()),
            columns,
            tiers: base.tiers.clone(),
            roles,
            spectrum,
            handoff,
            header_keys: Default::default(),
        };
        (data, warnings)
    }
}
