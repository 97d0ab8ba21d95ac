//! `.hblint.toml` as written: every key, with its default and one doc comment.
//!
//! These structs only describe the file; [`super::Settings::from_toml`]
//! resolves them (globs compiled, word lists and role data read) before any
//! page is read.

use crate::workspace::Links;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// `[rules]`: severity per rule name: `error`, `warning`, `info` or `off`.
    #[serde(default)]
    pub rules: BTreeMap<String, Spanned<String>>,
    /// `[files]`: which files a plain `hblint check` lints.
    #[serde(default)]
    pub files: FilesOptions,
    /// `[spelling]`: accepted words and extra corrections.
    #[serde(default)]
    pub spelling: SpellingOptions,
    /// `[links]`: how URLs map to files.
    #[serde(default)]
    pub links: Links,
    /// `[labels]`: labels a merge request needs when it changes some paths.
    #[serde(default)]
    pub labels: LabelsOptions,
    /// `[[ignore]]`: rules off for paths matching globs.
    #[serde(default)]
    pub ignore: Vec<Spanned<IgnoreOptions>>,
    /// `[roles]`: the role data.
    #[serde(default)]
    pub roles: RolesOptions,
    /// `[terms]`: the list of terms to avoid (the `misused-term` rule).
    #[serde(default)]
    pub terms: TermsOptions,
    /// `[limits]`: the largest and deepest page linted.
    #[serde(default)]
    pub limits: crate::limits::Limits,
}

/// `[files]`: which files a plain `hblint check` lints.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct FilesOptions {
    /// Folders or files (relative to the root) linted when no path is given.
    pub include: Vec<String>,
    /// Globs (relative to the root) never linted, such as `content/archive/**`.
    pub exclude: Vec<Spanned<String>>,
}

/// `[spelling]` in `.hblint.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct SpellingOptions {
    /// Words accepted in this repository (never a typo or a spelling finding).
    pub extra_words: Vec<String>,
    /// Vocabulary files (one word a line, `#` comments), relative to the root.
    pub vocabulary: Vec<Spanned<PathBuf>>,
    /// Handbook misspellings -> corrections, added to `rules/typos.toml`.
    pub corrections: BTreeMap<String, String>,
    /// Leave out the embedded handbook vocabulary (`rules/vocabulary/`).
    pub no_default_vocabulary: bool,
}

/// `[labels]` in `.hblint.toml`: replaces the embedded `rules/labels.toml` when it lists requirements.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LabelsOptions {
    /// `[[labels.require]]`: one label and the paths that need it.
    pub require: Vec<Spanned<RequirementOptions>>,
}

/// One requirement: changing any file matching `paths` needs `label`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RequirementOptions {
    /// The label, as GitLab shows it.
    pub label: String,
    /// Words for the message ("Solutions Architects handbook pages").
    #[serde(default)]
    pub what: Option<String>,
    /// Globs relative to the root.
    pub paths: Vec<String>,
}

/// One `[[ignore]]` table: `rules` never reported on files matching `paths`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IgnoreOptions {
    /// Globs relative to the root, such as `content/handbook/legal/**`.
    pub paths: Vec<String>,
    /// Rule names; empty or absent means every rule.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// `[roles]` in `.hblint.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RolesOptions {
    /// The role data file, relative to the root (default: the embedded `rules/roles.toml`).
    pub data: Option<Spanned<PathBuf>>,
}

/// `[terms]` in `.hblint.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct TermsOptions {
    /// The list of terms to avoid, relative to the root (default: `data/misused_terms.yml`, when the tree has it).
    pub file: Option<Spanned<PathBuf>>,
    /// Also report single words the tree uses on 1% of its pages or more (`Resources`, `Community`).
    pub broad: bool,
}

#[cfg(test)]
mod tests {
    /// The table each options struct describes, as the README names it.
    const TABLES: &[(&str, &str)] = &[
        ("Options", "`.hblint.toml`"),
        ("FilesOptions", "`[files]`"),
        ("SpellingOptions", "`[spelling]`"),
        ("Mount", "`[[links.mount]]`, `[[links.static]]`"),
        ("Links", "`[links]`"),
        ("LabelsOptions", "`[labels]`"),
        ("RequirementOptions", "`[[labels.require]]`"),
        ("IgnoreOptions", "`[[ignore]]`"),
        ("RolesOptions", "`[roles]`"),
        ("TermsOptions", "`[terms]`"),
    ];

    /// One README row per key, from the doc comments of this file and of
    /// `[links]` (`workspace::Links`, read as written): `| table | key | doc |`.
    fn rows() -> Vec<String> {
        let before_tests = |s: &'static str| &s[..s.find("#[cfg(test)]").unwrap_or(s.len())];
        let source = [
            before_tests(include_str!("options.rs")),
            before_tests(include_str!("../workspace/mod.rs")),
        ]
        .join("\n");
        let mut rows = Vec::new();
        let mut table = None;
        let mut doc = String::new();
        let mut rename = None;
        let mut skip = false;
        for line in source.lines().map(str::trim) {
            if let Some(name) = line
                .strip_prefix("pub struct ")
                .and_then(|r| r.strip_suffix(" {"))
            {
                table = TABLES.iter().find(|(s, _)| *s == name).map(|(_, t)| *t);
                doc.clear();
            } else if let Some(d) = line.strip_prefix("/// ") {
                doc = d.to_owned();
            } else if let Some(r) = line
                .strip_prefix("#[serde(rename = \"")
                .and_then(|r| r.strip_suffix("\")]"))
            {
                rename = Some(r.to_owned());
            } else if line == "#[serde(skip)]" {
                skip = true;
            } else if let (Some(t), Some(field)) = (table, line.strip_prefix("pub ")) {
                let Some((name, _)) = field.split_once(':') else {
                    continue;
                };
                let key = rename.take().unwrap_or_else(|| name.replace('_', "-"));
                if !std::mem::take(&mut skip) {
                    rows.push(format!("| {t} | `{key}` | {doc} |"));
                }
                doc.clear();
            } else if line == "}" {
                table = None;
            }
        }
        rows
    }

    #[test]
    fn the_readme_lists_every_key_with_its_doc() {
        let readme = include_str!("../../README.md");
        let rows = rows();
        assert!(rows.len() > 20, "{rows:?}");
        for row in &rows {
            assert!(
                readme.lines().any(|l| l == row),
                "README's configuration table lacks or differs from:\n{row}"
            );
        }
    }
}
