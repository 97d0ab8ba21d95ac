//! The canonical role data: the seven customer-facing roles, their table, the
//! tiers they are designated for, the engagement-model spectrum and the
//! pre-sales to post-sales handoff.
//!
//! The data lives in `rules/roles.toml` (embedded) or in the file named by
//! `[roles] data` in `.hblint.toml`. It is loaded and validated once per run,
//! then read by the rules `role-table`, `role-name` and `role-tier` and by
//! `hblint roles show|extract|check`.

pub mod compare;
pub mod extract;
pub mod mentions;
pub mod normalize;
pub mod table;
pub mod write;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The embedded default data.
pub const EMBEDDED: &str = include_str!("../../rules/roles.toml");
/// How the embedded data is named in messages.
pub const EMBEDDED_NAME: &str = "rules/roles.toml (embedded)";

/// Role data that cannot be used, with the place that is wrong.
pub type DataError = crate::error::SourceError;

/// One column of the comparison table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Column {
    /// Stable id; the first column's id is `role`.
    pub id: String,
    /// The header as the page writes it.
    pub header: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Tier {
    pub name: String,
    #[serde(default)]
    pub variants: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Role {
    pub abbreviation: String,
    pub name: String,
    /// The role's cell in the table's first column, as written.
    pub key: String,
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Other accepted names.
    #[serde(default)]
    pub variants: Vec<String>,
    /// Non-canonical names, rewritten to `name` by `role-name`.
    #[serde(default)]
    pub misnomers: Vec<String>,
    /// Proper names that contain a misnomer and stay as written.
    #[serde(default)]
    pub keep: Vec<String>,
    /// The text of each table column, by column id.
    #[serde(default)]
    pub cells: BTreeMap<String, String>,
}

impl Role {
    /// The role's value for a column (the key for the `role` column).
    pub fn cell(&self, column: &str) -> Option<&str> {
        if column == ROLE_COLUMN {
            return Some(&self.key);
        }
        self.cells.get(column).map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Stage {
    pub model: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PostSales {
    pub role: String,
    pub tiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Handoff {
    pub pre_sales: String,
    #[serde(default)]
    pub post_sales: Vec<PostSales>,
}

/// The whole data file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RolesData {
    #[serde(default)]
    pub title: String,
    #[serde(rename = "column")]
    pub columns: Vec<Column>,
    #[serde(rename = "tier", default)]
    pub tiers: Vec<Tier>,
    #[serde(rename = "role")]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub spectrum: Vec<Stage>,
    #[serde(default)]
    pub handoff: Handoff,
    /// What [`RolesData::column_for_header`] compares a header with, worked
    /// out on first use: the data's, not a part of it.
    #[serde(skip)]
    header_keys: HeaderKeys,
}

/// Each column's header and synonyms, then the extras', as header keys
/// ([`normalize::header_key`]) with the column's id, in the order they are
/// tried. Derived from the data: equal whatever it holds, and a copy starts
/// empty, so a copy whose columns are then changed works its keys out anew.
#[derive(Debug, Default)]
struct HeaderKeys(OnceLock<Vec<(String, String)>>);

impl Clone for HeaderKeys {
    fn clone(&self) -> HeaderKeys {
        HeaderKeys::default()
    }
}

impl PartialEq for HeaderKeys {
    fn eq(&self, _: &HeaderKeys) -> bool {
        true
    }
}

impl Eq for HeaderKeys {}

/// The id of the table's first column.
pub const ROLE_COLUMN: &str = "role";

/// Columns other pages may use that the overview table does not have:
/// `(id, headers)`. Matched like the table's own columns.
pub const EXTRA_COLUMNS: &[(&str, &[&str])] = &[
    (
        "abbreviation",
        &["Abbreviation", "Acronym", "Abbr", "Short Name"],
    ),
    (
        "name",
        &["Full Name", "Role Title", "Meaning", "Stands For"],
    ),
    (
        "tiers",
        &[
            "Tier",
            "Tiers",
            "Tier(s)",
            "Success Tier",
            "Success Tiers",
            "Designated Tiers",
            "Service Tier",
        ],
    ),
];

impl RolesData {
    /// The embedded default data.
    pub fn embedded() -> Result<RolesData, Box<DataError>> {
        RolesData::parse(EMBEDDED_NAME, EMBEDDED)
    }

    /// Read and validate a data file.
    pub fn read(path: &Path) -> Result<RolesData, Box<DataError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            DataError::new(
                &path.display().to_string(),
                "",
                format!("cannot read role data {}: {e}", path.display()),
                None,
                Some("check `[roles] data` in .hblint.toml (relative to the root)".into()),
            )
        })?;
        RolesData::parse(&path.display().to_string(), &text)
    }

    /// Parse and validate the text of a data file.
    pub fn parse(name: &str, text: &str) -> Result<RolesData, Box<DataError>> {
        let error = |message: String, span: Option<std::ops::Range<usize>>| {
            DataError::new(
                name,
                text,
                message,
                span,
                Some("see docs/roles.md for the format of the role data".into()),
            )
        };
        let data: RolesData = toml::from_str(text).map_err(|e| {
            error(
                format!("invalid role data in {name}: {}", e.message()),
                e.span(),
            )
        })?;
        data.validate().map_err(|(message, needle)| {
            let span = needle.and_then(|n| text.find(&n).map(|i| i..i + n.len()));
            error(format!("invalid role data in {name}: {message}"), span)
        })?;
        Ok(data)
    }

    /// Check the cross-references. The error names a string to point at.
    fn validate(&self) -> Result<(), (String, Option<String>)> {
        if self.columns.first().map(|c| c.id.as_str()) != Some(ROLE_COLUMN) {
            return Err((
                format!("the first [[column]] must have id = \"{ROLE_COLUMN}\""),
                None,
            ));
        }
        let mut ids = Vec::new();
        for c in &self.columns {
            if ids.contains(&c.id.as_str()) {
                return Err((
                    format!("column `{}` is listed twice", c.id),
                    Some(c.id.clone()),
                ));
            }
            ids.push(c.id.as_str());
        }
        if self.roles.is_empty() {
            return Err(("no [[role]] is defined".into(), None));
        }
        let mut abbreviations: Vec<&str> = Vec::new();
        for role in &self.roles {
            if role.abbreviation.trim().is_empty() || role.name.trim().is_empty() {
                return Err(("a role lacks its abbreviation or name".into(), None));
            }
            if abbreviations.contains(&role.abbreviation.as_str()) {
                return Err((
                    format!("role `{}` is defined twice", role.abbreviation),
                    Some(format!("abbreviation = \"{}\"", role.abbreviation)),
                ));
            }
            abbreviations.push(&role.abbreviation);
            for tier in &role.tiers {
                if self.tier(tier).is_none() {
                    return Err((
                        format!(
                            "role `{}` names the unknown tier `{tier}`",
                            role.abbreviation
                        ),
                        Some(format!("\"{tier}\"")),
                    ));
                }
            }
            for column in role.cells.keys() {
                if !ids.contains(&column.as_str()) {
                    return Err((
                        format!(
                            "role `{}` has a cell for `{column}`, which is not a [[column]]",
                            role.abbreviation
                        ),
                        Some(format!("{column} =")),
                    ));
                }
            }
        }
        let known = |abbr: &str| abbreviations.contains(&abbr);
        for stage in &self.spectrum {
            for r in &stage.roles {
                if !known(r) {
                    return Err((
                        format!(
                            "[[spectrum]] `{}` names the unknown role `{r}`",
                            stage.model
                        ),
                        Some(format!("\"{r}\"")),
                    ));
                }
            }
        }
        if !self.handoff.pre_sales.is_empty() && !known(&self.handoff.pre_sales) {
            return Err((
                format!(
                    "[handoff] names the unknown role `{}`",
                    self.handoff.pre_sales
                ),
                Some(format!("pre-sales = \"{}\"", self.handoff.pre_sales)),
            ));
        }
        for p in &self.handoff.post_sales {
            if !known(&p.role) {
                return Err((
                    format!("[[handoff.post-sales]] names the unknown role `{}`", p.role),
                    Some(format!("role = \"{}\"", p.role)),
                ));
            }
            for tier in &p.tiers {
                if self.tier(tier).is_none() {
                    return Err((
                        format!("[[handoff.post-sales]] names the unknown tier `{tier}`"),
                        Some(format!("\"{tier}\"")),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn role(&self, abbreviation: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.abbreviation == abbreviation)
    }

    pub fn role_index(&self, abbreviation: &str) -> Option<usize> {
        self.roles
            .iter()
            .position(|r| r.abbreviation == abbreviation)
    }

    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name == name)
    }

    pub fn column(&self, id: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }

    /// The role an abbreviation names (`CSM`, `CSMs`, `csm` does not count).
    pub fn by_abbreviation(&self, word: &str) -> Option<usize> {
        let word = word.trim();
        let bare = word
            .strip_suffix("'s")
            .or_else(|| word.strip_suffix("’s"))
            .or_else(|| word.strip_suffix('s'))
            .unwrap_or(word);
        self.roles
            .iter()
            .position(|r| r.abbreviation == word || r.abbreviation == bare)
    }

    /// The role a name names: the name, a variant or a misnomer, singular or
    /// plural, in any case. Returns the role and whether the name is canonical
    /// (the name or a variant).
    pub fn by_name(&self, text: &str) -> Option<(usize, bool)> {
        let t = normalize::fold(text);
        let singular = t
            .strip_suffix("'s")
            .or_else(|| t.strip_suffix("s'"))
            .or_else(|| t.strip_suffix('s'))
            .unwrap_or(&t);
        for (i, role) in self.roles.iter().enumerate() {
            let canonical = std::iter::once(&role.name).chain(&role.variants);
            for name in canonical {
                let n = normalize::fold(name);
                if n == t || n == singular {
                    return Some((i, true));
                }
            }
            for name in &role.misnomers {
                let n = normalize::fold(name);
                if n == t || n == singular {
                    return Some((i, false));
                }
            }
        }
        None
    }

    /// The tier a name names (the name or a variant, ignoring case).
    pub fn tier_by_name(&self, text: &str) -> Option<usize> {
        let t = normalize::fold(text);
        self.tiers.iter().position(|tier| {
            std::iter::once(&tier.name)
                .chain(&tier.variants)
                .any(|n| normalize::fold(n) == t)
        })
    }

    /// The role that takes over accounts of a tier after the deal closes.
    pub fn post_sales_role(&self, tier: &str) -> Option<&str> {
        self.handoff
            .post_sales
            .iter()
            .find(|p| p.tiers.iter().any(|t| t == tier))
            .map(|p| p.role.as_str())
    }

    /// Whether pairing a role with a tier agrees with the data: the role is
    /// designated for the tier, or takes its accounts over after the sale.
    pub fn role_serves_tier(&self, abbreviation: &str, tier: &str) -> bool {
        self.role(abbreviation)
            .is_some_and(|r| r.tiers.iter().any(|t| t == tier))
            || self.post_sales_role(tier) == Some(abbreviation)
    }

    /// The engagement model (spectrum stage) of a role.
    pub fn engagement(&self, abbreviation: &str) -> Option<&str> {
        self.spectrum
            .iter()
            .find(|s| s.roles.iter().any(|r| r == abbreviation))
            .map(|s| s.model.as_str())
    }

    /// The columns a table header maps to: the table's own columns, then the extras.
    pub fn column_for_header(&self, header: &str) -> Option<String> {
        let h = normalize::header_key(header);
        if h.is_empty() {
            return None;
        }
        let keys = self.header_keys.0.get_or_init(|| {
            let own = self.columns.iter().flat_map(|c| {
                std::iter::once(&c.header)
                    .chain(&c.synonyms)
                    .map(|s| (normalize::header_key(s), c.id.clone()))
            });
            let extra = EXTRA_COLUMNS.iter().flat_map(|(id, headers)| {
                headers
                    .iter()
                    .map(|s| (normalize::header_key(s), (*id).to_owned()))
            });
            own.chain(extra).collect()
        });
        keys.iter()
            .find(|(key, _)| *key == h)
            .map(|(_, id)| id.clone())
    }

    /// `CSM, CSE, …` for help texts.
    pub fn abbreviations(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.abbreviation.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The data the rules share, loaded once per run.
pub type Shared = Arc<RolesData>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_is_valid_and_complete() {
        let d = RolesData::embedded().expect("valid");
        let abbrs: Vec<_> = d.roles.iter().map(|r| r.abbreviation.as_str()).collect();
        assert_eq!(abbrs, ["CSM", "CSE", "CSA", "PSE", "RM", "SA", "ASE"]);
        assert_eq!(d.columns.len(), 5);
        for role in &d.roles {
            for c in &d.columns[1..] {
                assert!(
                    role.cell(&c.id).is_some(),
                    "{} lacks {}",
                    role.abbreviation,
                    c.id
                );
            }
        }
        assert_eq!(d.post_sales_role("Essentials"), Some("CSM"));
        assert_eq!(d.post_sales_role("Signature"), Some("CSA"));
        assert_eq!(d.engagement("ASE"), Some("Named/Designated"));
        assert!(d.role_serves_tier("ASE", "Signature"));
        assert!(!d.role_serves_tier("CSM", "Advanced"));
    }

    #[test]
    fn lookups_by_name_abbreviation_and_header() {
        let d = RolesData::embedded().expect("valid");
        assert_eq!(d.by_abbreviation("CSMs"), Some(0));
        assert_eq!(d.by_abbreviation("SA"), Some(5));
        assert_eq!(d.by_abbreviation("csm"), None);
        assert_eq!(d.by_name("Solutions Architects"), Some((5, true)));
        assert_eq!(d.by_name("solution architect"), Some((5, false)));
        assert_eq!(d.by_name("Solution Architecture"), None);
        assert_eq!(
            d.column_for_header("**Hands-On vs Advisory**").as_deref(),
            Some("hands-on-vs-advisory")
        );
        assert_eq!(
            d.column_for_header("focus").as_deref(),
            Some("primary-focus")
        );
        assert_eq!(d.column_for_header("Responsibilities"), None);
        assert_eq!(d.tier_by_name("Success On-Demand"), Some(0));
    }

    #[test]
    fn header_keys_follow_the_data_and_do_not_change_its_equality() {
        let fresh = RolesData::embedded().expect("valid");
        let asked = fresh.clone();
        assert_eq!(
            asked.column_for_header("Abbr").as_deref(),
            Some("abbreviation")
        );
        assert_eq!(asked, fresh);
        // A column's own header wins over an extra column's, as before, and
        // a copy of data already asked works its keys out from its own columns.
        let mut data = asked.clone();
        data.columns[1].synonyms.push("Acronym".into());
        let id = data.columns[1].id.clone();
        assert_eq!(data.column_for_header("acronym"), Some(id));
    }

    #[test]
    fn bad_data_points_at_its_place() {
        let bad = EMBEDDED.replacen("tiers = [\"Essentials\"]", "tiers = [\"Gold\"]", 1);
        let e = RolesData::parse("x.toml", &bad).expect_err("invalid");
        assert!(e.message.contains("Gold"), "{}", e.message);
        assert!(e.span.is_some());
        let e = RolesData::parse("x.toml", "[[role]]\nabbreviation = 1\n").expect_err("invalid");
        assert!(e.span.is_some());
    }
}
