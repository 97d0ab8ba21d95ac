//! Tables keyed by role: which tables are, and how each cell compares with
//! the role data.

use super::mentions::Matcher;
use super::normalize::{plain, same};
use super::{ROLE_COLUMN, RolesData};
use crate::document::{Cell, Table};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static PAIR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\s*\(([^()]+)\)$").expect("static regex"));

/// What a key cell (`CSM`, `Renewals Manager (RM)`) says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Key {
    /// The role its name names.
    pub by_name: Option<usize>,
    /// The abbreviation as written, and the role it names.
    pub abbreviation: Option<(String, Option<usize>)>,
}

impl Key {
    /// The role of the row: by name first (names are the more specific), else by abbreviation.
    pub fn role(&self) -> Option<usize> {
        self.by_name
            .or_else(|| self.abbreviation.as_ref().and_then(|(_, r)| *r))
    }
}

pub fn parse_key(data: &RolesData, cell: &str) -> Key {
    let text = plain(cell);
    let text = text.trim();
    let classify = |part: &str| -> (Option<usize>, Option<(String, Option<usize>)>) {
        let part = part.trim();
        if let Some((r, _)) = data.by_name(part) {
            return (Some(r), None);
        }
        let looks_like_abbreviation = !part.is_empty()
            && !part.contains(' ')
            && part
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_uppercase() || c == 's');
        if looks_like_abbreviation {
            return (None, Some((part.to_owned(), data.by_abbreviation(part))));
        }
        (None, None)
    };
    if let Some(c) = PAIR.captures(text) {
        let (n1, a1) = classify(&c[1]);
        let (n2, a2) = classify(&c[2]);
        return Key {
            by_name: n1.or(n2),
            abbreviation: a2.or(a1),
        };
    }
    let (by_name, abbreviation) = classify(text);
    Key {
        by_name,
        abbreviation,
    }
}

/// A line GFM swallowed into the table after its last row (a paragraph with
/// no `|`, such as a heading of an export): one cell where the header has more.
pub fn is_lazy_row(text: &str, table: &Table, row: &[Cell]) -> bool {
    table.header.len() > 1
        && row.len() <= 1
        && row.first().is_none_or(|c| {
            let start = text[..c.range.start.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let end = text[c.range.end.min(text.len())..]
                .find('\n')
                .map_or(text.len(), |i| c.range.end + i);
            !text[start..end].contains('|')
        })
}

/// A table whose rows are keyed by role and whose header maps to role columns.
#[derive(Debug)]
pub struct RoleTable<'t> {
    pub table: &'t Table,
    pub key_column: usize,
    /// The key column's header is `Role` (or a synonym): every row must be a role.
    pub keyed_by_role: bool,
    /// `(column index, column id)` of every other mapped column.
    pub columns: Vec<(usize, String)>,
}

impl<'t> RoleTable<'t> {
    /// Whether the table has every column of the canonical table.
    pub fn has_all_columns(&self, data: &RolesData) -> bool {
        data.columns[1..]
            .iter()
            .all(|c| self.columns.iter().any(|(_, id)| *id == c.id))
    }
}

/// The table as a role table, if it is one.
pub fn classify<'t>(data: &RolesData, table: &'t Table, text: &str) -> Option<RoleTable<'t>> {
    let mapped: Vec<Option<String>> = table
        .header
        .iter()
        .map(|c| data.column_for_header(&c.text))
        .collect();
    let (key_column, keyed_by_role) = match mapped
        .iter()
        .position(|m| m.as_deref() == Some(ROLE_COLUMN))
    {
        Some(i) => (i, true),
        None => match mapped.first() {
            Some(Some(id)) if id == "abbreviation" || id == "name" => (0, false),
            Some(None) => {
                let keyed = table.rows.len() >= 2
                    && table.rows.iter().all(|row| {
                        row.first()
                            .is_some_and(|c| parse_key(data, &c.text).role().is_some())
                    });
                if !keyed {
                    return None;
                }
                (0, false)
            }
            _ => return None,
        },
    };
    let mut columns: Vec<(usize, String)> = Vec::new();
    for (i, m) in mapped.iter().enumerate() {
        if i == key_column {
            continue;
        }
        if let Some(id) = m
            && id != ROLE_COLUMN
            && !columns.iter().any(|(_, seen)| seen == id)
        {
            columns.push((i, id.clone()));
        }
    }
    if columns.is_empty() {
        return None;
    }
    // Rows keyed by something else (`| Position | Icon | Meaning |` with 1, 2, 3)
    // are not a role table; a table with mostly roles is one, and its other
    // rows are unknown roles.
    let keys: Vec<bool> = table
        .rows
        .iter()
        .filter(|row| !is_lazy_row(text, table, row))
        .filter_map(|row| row.get(key_column))
        .filter(|c| !plain(&c.text).is_empty())
        .map(|c| parse_key(data, &c.text).role().is_some())
        .collect();
    let roles = keys.iter().filter(|k| **k).count();
    if roles == 0 || roles * 2 < keys.len() {
        return None;
    }
    Some(RoleTable {
        table,
        key_column,
        keyed_by_role,
        columns,
    })
}

/// One disagreement between a table and the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
    /// The canonical text for the range, when there is one.
    pub replacement: Option<String>,
}

fn header_name(data: &RolesData, rt: &RoleTable<'_>, index: usize, id: &str) -> String {
    rt.table
        .header
        .get(index)
        .map(|c| plain(&c.text))
        .filter(|s| !s.is_empty())
        .or_else(|| data.column(id).map(|c| c.header.clone()))
        .unwrap_or_else(|| id.to_owned())
}

fn tier_list(data: &RolesData, tiers: &[usize]) -> String {
    if tiers.is_empty() {
        return "no tier".to_owned();
    }
    let names: Vec<&str> = tiers.iter().map(|&t| data.tiers[t].name.as_str()).collect();
    match names.as_slice() {
        [one] => format!("the {one} tier"),
        [rest @ .., last] => format!("the {} and {last} tiers", rest.join(", ")),
        [] => String::new(),
    }
}

fn sorted_tiers(mut t: Vec<usize>) -> Vec<usize> {
    t.sort_unstable();
    t.dedup();
    t
}

/// The canonical value of a column for a role, as it is compared.
fn canonical(data: &RolesData, role: usize, id: &str) -> Option<String> {
    let r = &data.roles[role];
    match id {
        "abbreviation" => Some(r.abbreviation.clone()),
        "name" => Some(r.name.clone()),
        "tiers" => Some(
            r.tiers
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => r.cell(other).map(str::to_owned),
    }
}

/// Whether a cell agrees with the data for `role` in column `id`.
fn agrees(data: &RolesData, matcher: &Matcher, role: usize, id: &str, cell: &str) -> bool {
    let r = &data.roles[role];
    match id {
        "abbreviation" => data.by_abbreviation(&plain(cell)) == Some(role),
        // A misnomer still names the role: role-name reports the spelling.
        "name" => data.by_name(&plain(cell)).map(|(i, _)| i) == Some(role),
        "tiers" => {
            let named = sorted_tiers(matcher.tier_names(data, &plain(cell)));
            let want = sorted_tiers(
                r.tiers
                    .iter()
                    .filter_map(|t| data.tier_by_name(t))
                    .collect(),
            );
            named == want
        }
        other => match r.cell(other) {
            Some(value) => same(value, cell),
            None => true,
        },
    }
}

/// Every disagreement between a role table and the data.
pub fn check(
    data: &RolesData,
    matcher: &Matcher,
    rt: &RoleTable<'_>,
    text: &str,
    locate: &dyn Fn(usize) -> usize,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut seen: Vec<(usize, usize)> = Vec::new(); // (role, line of its row)
    for row in &rt.table.rows {
        let Some(key_cell) = row.get(rt.key_column) else {
            continue;
        };
        if plain(&key_cell.text).is_empty() || is_lazy_row(text, rt.table, row) {
            continue;
        }
        let key = parse_key(data, &key_cell.text);
        let Some(role) = key.role() else {
            if rt.keyed_by_role {
                issues.push(Issue {
                    range: key_cell.range.clone(),
                    message: format!("`{}` is not a canonical role", plain(&key_cell.text)),
                    help: format!(
                        "the canonical roles are {}; correct the row or add the role to the role data",
                        data.abbreviations()
                    ),
                    replacement: None,
                });
            }
            continue;
        };
        let r = &data.roles[role];
        if let (Some(by_name), Some((written, None))) = (key.by_name, &key.abbreviation) {
            let expected = &data.roles[by_name];
            issues.push(Issue {
                range: key_cell.range.clone(),
                message: format!(
                    "`{written}` is not the abbreviation of {}: it is {}",
                    expected.name, expected.abbreviation
                ),
                help: format!("write `{} ({})`", expected.name, expected.abbreviation),
                replacement: None,
            });
        }
        let line = locate(key_cell.range.start);
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == role) {
            issues.push(Issue {
                range: key_cell.range.clone(),
                message: format!("{} is listed twice in this table", r.abbreviation),
                help: format!("its first row is on line {first}; keep one row per role"),
                replacement: None,
            });
            continue;
        }
        seen.push((role, line));
        // The cells to compare, and which disagree.
        let mut compared = 0;
        let mut differing: Vec<(&Cell, usize, &str)> = Vec::new();
        let mut missing: Vec<(usize, &str)> = Vec::new();
        for (index, id) in &rt.columns {
            if canonical(data, role, id).is_none() {
                continue;
            }
            match row.get(*index) {
                Some(cell) => {
                    compared += 1;
                    if !agrees(data, matcher, role, id, &cell.text) {
                        differing.push((cell, *index, id));
                    }
                }
                None => missing.push((*index, id)),
            }
        }
        // Every text cell belongs to another role: the key is what is wrong.
        if compared >= 2 && differing.len() == compared {
            let other = (0..data.roles.len()).find(|&o| {
                o != role
                    && differing
                        .iter()
                        .all(|(cell, _, id)| agrees(data, matcher, o, id, &cell.text))
            });
            if let Some(o) = other {
                let found = &data.roles[o];
                issues.push(Issue {
                    range: key_cell.range.clone(),
                    message: format!(
                        "the row keyed `{}` holds the canonical data of {}",
                        plain(&key_cell.text),
                        found.abbreviation
                    ),
                    help: format!(
                        "key the row `{}`, or write {}'s canonical values in its cells",
                        found.key, r.abbreviation
                    ),
                    replacement: Some(found.key.clone()),
                });
                continue;
            }
        }
        for (cell, index, id) in differing {
            let Some(want) = canonical(data, role, id) else {
                continue;
            };
            let column = header_name(data, rt, index, id);
            let mut help = format!("the canonical value is `{want}`");
            let named = sorted_tiers(matcher.tier_names(data, &plain(&cell.text)));
            let designated = sorted_tiers(
                r.tiers
                    .iter()
                    .filter_map(|t| data.tier_by_name(t))
                    .collect(),
            );
            if !named.is_empty() && named != designated {
                help.push_str(&format!(
                    " ({} is designated for {}, not {})",
                    r.abbreviation,
                    tier_list(data, &designated),
                    tier_list(data, &named)
                ));
            }
            let message = if plain(&cell.text).is_empty() {
                format!("the {column} of {} is empty", r.abbreviation)
            } else {
                format!(
                    "the {column} of {} differs from the canonical data",
                    r.abbreviation
                )
            };
            issues.push(Issue {
                range: cell.range.clone(),
                message,
                help,
                replacement: Some(want),
            });
        }
        for (index, id) in missing {
            let column = header_name(data, rt, index, id);
            issues.push(Issue {
                range: key_cell.range.clone(),
                message: format!("the row of {} lacks its {column} cell", r.abbreviation),
                help: format!(
                    "the canonical value is `{}`",
                    canonical(data, role, id).unwrap_or_default()
                ),
                replacement: None,
            });
        }
    }
    if rt.keyed_by_role && rt.has_all_columns(data) {
        let at = rt
            .table
            .header
            .get(rt.key_column)
            .map_or(rt.table.range.start..rt.table.range.start, |c| {
                c.range.clone()
            });
        for (i, role) in data.roles.iter().enumerate() {
            if !seen.iter().any(|(s, _)| *s == i) {
                issues.push(Issue {
                    range: at.clone(),
                    message: format!(
                        "the table lacks a row for {} ({})",
                        role.abbreviation, role.name
                    ),
                    help: format!("add the row: {}", row_markdown(data, rt, i)),
                    replacement: None,
                });
            }
        }
    }
    issues
}

/// A role's row in a table's column order, as GFM.
fn row_markdown(data: &RolesData, rt: &RoleTable<'_>, role: usize) -> String {
    let mut cells = vec![String::new(); rt.table.header.len().max(1)];
    if let Some(c) = cells.get_mut(rt.key_column) {
        *c = data.roles[role].key.clone();
    }
    for (index, id) in &rt.columns {
        if let (Some(c), Some(v)) = (cells.get_mut(*index), canonical(data, role, id)) {
            *c = v;
        }
    }
    format!("`| {} |`", cells.join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn doc(text: &str) -> Document {
        Document::parse("t.md", text.to_owned(), false).expect("parses")
    }

    #[test]
    fn keys_of_every_form() {
        let d = RolesData::embedded().expect("valid");
        assert_eq!(parse_key(&d, "CSM").role(), Some(0));
        assert_eq!(parse_key(&d, "**Renewals Manager (RM)**").role(), Some(4));
        assert_eq!(parse_key(&d, "SA (Solutions Architect)").role(), Some(5));
        assert_eq!(parse_key(&d, "[CSEs](/x/)").role(), Some(1));
        assert_eq!(parse_key(&d, "TAM").role(), None);
        let k = parse_key(&d, "Renewals Manager (RS)");
        assert_eq!(k.by_name, Some(4));
        assert_eq!(k.abbreviation, Some(("RS".to_owned(), None)));
    }

    #[test]
    fn which_tables_are_role_tables() {
        let d = RolesData::embedded().expect("valid");
        let t = doc("| Role | Responsibilities |\n|---|---|\n| SA | x |\n");
        assert!(classify(&d, &t.tables[0], &t.text).is_none());
        let t = doc("| Role | Name | Location |\n|---|---|---|\n| SA | Jo | Here |\n");
        assert!(classify(&d, &t.tables[0], &t.text).is_none());
        let t = doc("| Role | Focus |\n|---|---|\n| 1 | x |\n| 2 | y |\n");
        assert!(classify(&d, &t.tables[0], &t.text).is_none());
        let t = doc(
            "| Acronym | Meaning |\n|---|---|\n| CSM | Customer Success Manager |\n| TAM | Total Addressable Market |\n",
        );
        let rt = classify(&d, &t.tables[0], &t.text).expect("role table");
        assert!(!rt.keyed_by_role);
        let m = Matcher::new(&d);
        assert!(check(&d, &m, &rt, &t.text, &|_| 1).is_empty());
    }

    #[test]
    fn cells_are_compared_normalised() {
        let d = RolesData::embedded().expect("valid");
        let m = Matcher::new(&d);
        let t = doc(concat!(
            "| Role | Engagement Model | Tier |\n|---|---|---|\n",
            "| CSM | *Designated* owner for Essentials tier accounts | Essentials |\n",
            "| CSA | Designated for Advanced tier | Advanced, Signature |\n",
            "| TAM | x | y |\n| CSM | again | Essentials |\n"
        ));
        let rt = classify(&d, &t.tables[0], &t.text).expect("role table");
        let issues = check(&d, &m, &rt, &t.text, &|_| 3);
        let messages: Vec<_> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the Engagement Model of CSA differs from the canonical data",
                "`TAM` is not a canonical role",
                "CSM is listed twice in this table",
            ]
        );
        assert!(
            issues[0]
                .help
                .contains("`Designated for Advanced and Signature tiers`")
        );
    }
}
#[cfg(test)]
mod lazy_rows {
    use super::*;
    use crate::document::Document;

    #[test]
    fn a_swallowed_paragraph_is_not_a_row() {
        let d = Document::parse(
            "t.md",
            "| Role | Focus |\n|---|---|\n| CSM | x |\n| TAM |\nKey Distinctions\n".to_owned(),
            false,
        )
        .expect("parses");
        let t = &d.tables[0];
        let lazy: Vec<bool> = t.rows.iter().map(|r| is_lazy_row(&d.text, t, r)).collect();
        assert_eq!(lazy, [false, false, true], "{:?}", t.rows);
    }
}
