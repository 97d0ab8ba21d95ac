//! `hblint roles check`: every difference between a page and the role data.

use super::RolesData;
use super::extract::PageRoles;
use super::normalize::{plain, same};
use std::ops::Range;

/// One difference, placed on the page when it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
}

fn diff(range: Range<usize>, message: String, help: String) -> Difference {
    Difference {
        range,
        message,
        help,
    }
}

/// Whether the items both lists share come in the same order.
fn same_order<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let a: Vec<&T> = a.iter().filter(|x| b.contains(x)).collect();
    let b: Vec<&T> = b.iter().filter(|x| a.contains(x)).collect();
    a == b
}

/// Every difference between what the page says and `data`.
pub fn compare(page: &PageRoles, data: &RolesData, base_for_tiers: &RolesData) -> Vec<Difference> {
    let mut out = Vec::new();
    let (from_page, _) = page.to_data(base_for_tiers);
    let table_start = page.table_range.start..page.table_range.start;

    // Columns.
    for c in &page.columns {
        match data.column(&c.id) {
            None => out.push(diff(
                c.cell.range.clone(),
                format!("the column `{}` is not in the role data", c.header),
                format!(
                    "the data's columns are {}",
                    data.columns
                        .iter()
                        .map(|c| format!("`{}`", c.header))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(d) if !same(&d.header, &c.header) => out.push(diff(
                c.cell.range.clone(),
                format!("the header `{}` differs from the role data", c.header),
                format!("the data's header is `{}`", d.header),
            )),
            Some(_) => {}
        }
    }
    for d in &data.columns {
        if !page.columns.iter().any(|c| c.id == d.id) {
            out.push(diff(
                table_start.clone(),
                format!("the table lacks the column `{}`", d.header),
                "add the column, or remove it from the role data".into(),
            ));
        }
    }
    let page_ids: Vec<&str> = page.columns.iter().map(|c| c.id.as_str()).collect();
    let data_ids: Vec<&str> = data.columns.iter().map(|c| c.id.as_str()).collect();
    if !same_order(&page_ids, &data_ids) {
        let headers = |ids: &[&str], from_data: bool| -> String {
            ids.iter()
                .map(|id| {
                    let h = if from_data {
                        data_header(id, &data.columns)
                    } else {
                        page.columns
                            .iter()
                            .find(|c| c.id == *id)
                            .map_or(id.to_string(), |c| c.header.clone())
                    };
                    format!("`{h}`")
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let at = page
            .columns
            .first()
            .map_or(table_start.clone(), |c| c.cell.range.clone());
        out.push(diff(
            at,
            "the table's columns are in another order than in the role data".into(),
            format!(
                "the data's order is {}; the page has {}",
                headers(&data_ids, true),
                headers(&page_ids, false)
            ),
        ));
    }

    // Rows.
    let mut seen: Vec<&str> = Vec::new();
    for row in &page.rows {
        let abbr = row.abbreviation.as_str();
        let Some(role) = data.role(abbr) else {
            out.push(diff(
                row.key.range.clone(),
                format!(
                    "the row `{}` is not a role of the role data",
                    plain(&row.key.text)
                ),
                format!("the data's roles are {}", data.abbreviations()),
            ));
            continue;
        };
        if seen.contains(&abbr) {
            out.push(diff(
                row.key.range.clone(),
                format!("{abbr} has a second row"),
                "keep one row per role".into(),
            ));
            continue;
        }
        seen.push(abbr);
        if !same(&role.key, &row.key.text) {
            out.push(diff(
                row.key.range.clone(),
                format!(
                    "the key `{}` differs from the role data",
                    plain(&row.key.text)
                ),
                format!("the data's key is `{}`", role.key),
            ));
        }
        let mut cell_differs = false;
        for (id, cell) in &row.cells {
            let Some(want) = role.cells.get(id) else {
                continue;
            };
            if !same(want, &cell.text) {
                cell_differs = true;
                let header = page
                    .columns
                    .iter()
                    .find(|c| &c.id == id)
                    .map_or(id.clone(), |c| c.header.clone());
                out.push(diff(
                    cell.range.clone(),
                    format!("the {header} of {abbr} differs from the role data"),
                    format!("the data's value is `{want}`"),
                ));
            }
        }
        if !cell_differs
            && let Some(p) = from_page.role(abbr)
            && p.tiers != role.tiers
        {
            out.push(diff(
                row.key.range.clone(),
                format!("the tiers of {abbr} differ from the role data"),
                format!("the page names {:?}, the data {:?}", p.tiers, role.tiers),
            ));
        }
    }
    let page_roles: Vec<&str> = page
        .rows
        .iter()
        .map(|r| r.abbreviation.as_str())
        .filter(|a| data.role(a).is_some())
        .collect();
    let data_roles: Vec<&str> = data.roles.iter().map(|r| r.abbreviation.as_str()).collect();
    for r in &data.roles {
        if !page_roles.contains(&r.abbreviation.as_str()) {
            out.push(diff(
                table_start.clone(),
                format!("the table lacks the row of {} ({})", r.abbreviation, r.name),
                "add the row, or remove the role from the role data".into(),
            ));
        }
    }
    let mut dedup = page_roles.clone();
    dedup.dedup();
    if !same_order(&dedup, &data_roles) {
        out.push(diff(
            table_start.clone(),
            "the table's rows are in another order than in the role data".into(),
            format!(
                "the data's order is {}; the page has {}",
                data_roles.join(", "),
                dedup.join(", ")
            ),
        ));
    }

    // Full names.
    for r in &data.roles {
        if !page_roles.contains(&r.abbreviation.as_str()) {
            continue;
        }
        match page.names.get(&r.abbreviation) {
            Some((name, range)) if name != &r.name => out.push(diff(
                range.clone(),
                format!("`{name} ({})` differs from the role data", r.abbreviation),
                format!("the data's name of {} is `{}`", r.abbreviation, r.name),
            )),
            Some(_) => {}
            None => {
                let at = page
                    .rows
                    .iter()
                    .find(|row| row.abbreviation == r.abbreviation)
                    .map_or(table_start.clone(), |row| row.key.range.clone());
                out.push(diff(
                    at,
                    format!("the page never writes `{} ({})`", r.name, r.abbreviation),
                    "name the role in full once, with its abbreviation in brackets".into(),
                ));
            }
        }
    }

    // The engagement-model spectrum.
    let show_spectrum = |stages: &[(String, Vec<String>)]| -> String {
        stages
            .iter()
            .map(|(m, r)| format!("{m} ({})", r.join(", ")))
            .collect::<Vec<_>>()
            .join(" → ")
    };
    let data_spectrum: Vec<(String, Vec<String>)> = data
        .spectrum
        .iter()
        .map(|s| (s.model.clone(), s.roles.clone()))
        .collect();
    match &page.spectrum {
        None => out.push(diff(
            0..0,
            "the page has no engagement-model spectrum".into(),
            format!("the data's spectrum is `{}`", show_spectrum(&data_spectrum)),
        )),
        Some(stages) => {
            let page_spectrum: Vec<(String, Vec<String>)> = stages
                .iter()
                .map(|s| (s.model.clone(), s.roles.clone()))
                .collect();
            if page_spectrum != data_spectrum {
                let at = stages
                    .iter()
                    .zip(&data_spectrum)
                    .find(|(p, d)| p.model != d.0 || p.roles != d.1)
                    .map(|(p, _)| p.range.clone())
                    .or_else(|| stages.last().map(|s| s.range.clone()))
                    .unwrap_or(0..0);
                out.push(diff(
                    at,
                    "the engagement-model spectrum differs from the role data".into(),
                    format!("the data's spectrum is `{}`", show_spectrum(&data_spectrum)),
                ));
            }
        }
    }

    // The handoff.
    let handoff_at = page.handoff_range.clone().unwrap_or(0..0);
    match &page.pre_sales {
        Some((r, range)) if *r != data.handoff.pre_sales => out.push(diff(
            range.clone(),
            format!("the pre-sales role `{r}` differs from the role data"),
            format!("the data's pre-sales role is {}", data.handoff.pre_sales),
        )),
        Some(_) => {}
        None => out.push(diff(
            handoff_at.clone(),
            "the page names no pre-sales role in a handoff section".into(),
            format!("the data's pre-sales role is {}", data.handoff.pre_sales),
        )),
    }
    let items = page.post_sales.clone().unwrap_or_default();
    for item in &items {
        match data.handoff.post_sales.iter().find(|p| p.role == item.role) {
            Some(p) if p.tiers == item.tiers => {}
            Some(p) => out.push(diff(
                item.range.clone(),
                format!("the handoff to {} differs from the role data", item.role),
                format!(
                    "the data hands {} tier accounts to the {}",
                    p.tiers.join(" and "),
                    item.role
                ),
            )),
            None => out.push(diff(
                item.range.clone(),
                format!(
                    "the role data hands no accounts to {} after the sale",
                    item.role
                ),
                "remove the item, or add it to [[handoff.post-sales]]".into(),
            )),
        }
    }
    for p in &data.handoff.post_sales {
        if !items.iter().any(|i| i.role == p.role) {
            out.push(diff(
                handoff_at.clone(),
                format!(
                    "the handoff lacks `{} for {} customers`",
                    p.role,
                    p.tiers.join(" and ")
                ),
                "add the item to the handoff list".into(),
            ));
        }
    }
    out.sort_by_key(|d| d.range.start);
    out
}

fn data_header(id: &str, columns: &[super::Column]) -> String {
    columns
        .iter()
        .find(|c| c.id == id)
        .map_or(id.to_owned(), |c| c.header.clone())
}
