//! Rule names as a type: parsed once, wherever a name is written (the command
//! line, `[rules]` and `[[ignore]]` in `.hblint.toml`, suppression comments).

use std::fmt;
use std::str::FromStr;

/// Every rule, in the order `hblint rules` lists them (the order of
/// [`super::TABLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleName {
    Typo,
    Spelling,
    MisusedTerm,
    Mojibake,
    InvalidFrontmatter,
    BrokenLink,
    BrokenAnchor,
    FullUrlLink,
    UppercaseAnchor,
    LinkToDeletedPage,
    MissingLabel,
    UnusedSuppression,
    InvalidSuppression,
    RoleTable,
    RoleName,
    RoleTier,
}

impl RuleName {
    pub const COUNT: usize = 16;

    /// Every name, in table order.
    pub fn all() -> impl Iterator<Item = RuleName> {
        super::TABLE.iter().map(|e| e.name)
    }

    /// The stable kebab-case name used in configuration, suppressions and reports.
    pub fn as_str(self) -> &'static str {
        super::entry(self).meta.name
    }
}

impl fmt::Display for RuleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for RuleName {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// A name that is no rule's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}`")]
pub struct UnknownRule(pub String);

impl UnknownRule {
    /// `known rules: typo, spelling, …`
    pub fn help() -> String {
        format!("known rules: {}", super::names().join(", "))
    }

    /// What was probably meant (`tpyo` → "did you mean `typo`?"), else the list.
    pub fn suggestion(&self) -> String {
        super::unknown_rule_help(&self.0)
    }
}

impl FromStr for RuleName {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::TABLE
            .iter()
            .find(|e| e.meta.name == s)
            .map(|e| e.name)
            .ok_or_else(|| UnknownRule(s.to_owned()))
    }
}

impl<'de> serde::Deserialize<'de> for RuleName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(RuleName::all().count(), RuleName::COUNT);
        for name in RuleName::all() {
            assert_eq!(name.as_str().parse::<RuleName>(), Ok(name));
        }
        let e = "tpyo".parse::<RuleName>().expect_err("unknown");
        assert_eq!(e.to_string(), "unknown rule `tpyo`");
    }
}
