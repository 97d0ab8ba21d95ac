//! Configuration: `.hblint.toml` validated into [`Settings`] before any rule runs.
//!
//! Every setting has an embedded default built from the files in `rules/`, so
//! hblint works with no configuration at all. An unknown key or a bad value is
//! an error that points at its line in the configuration file.

use crate::finding::Severity;
use crate::limits::Limits;
use crate::roles::RolesConfig;
use crate::rules::missing_label::LabelsConfig;
use crate::spelling::SpellingConfig;
use crate::workspace::LinksConfig;
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const CONFIG_FILE_NAME: &str = ".hblint.toml";

/// A configuration file that cannot be used, with the place that is wrong.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(hblint::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[label("here")]
    pub span: Option<SourceSpan>,
    #[help]
    pub help: Option<String>,
}

/// `.hblint.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    files: FilesConfig,
    #[serde(default)]
    spelling: SpellingConfig,
    #[serde(default)]
    links: LinksConfig,
    #[serde(default)]
    labels: LabelsConfig,
    #[serde(default)]
    ignore: Vec<Spanned<crate::suppress::IgnoreConfig>>,
    #[serde(default)]
    roles: RolesConfig,
    #[serde(default)]
    limits: Limits,
}

/// `[files]`: which files a plain `hblint check` lints.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct FilesConfig {
    /// Folders or files (relative to the root) linted when no path is given.
    pub include: Vec<String>,
    /// Globs (relative to the root) never linted, such as `content/archive/**`.
    pub exclude: Vec<String>,
}

/// Validated settings for one run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    /// The configuration file in use, if any.
    pub config_path: Option<PathBuf>,
    /// Severity per rule name as configured; `None` turns a rule off.
    /// Rules not named here keep their default severity.
    pub severities: BTreeMap<String, Option<Severity>>,
    pub files: FilesConfig,
    pub spelling: SpellingConfig,
    pub links: LinksConfig,
    /// `[labels]`: required MR labels (empty: the embedded `rules/labels.toml`).
    pub labels: LabelsConfig,
    /// `[[ignore]]`: rules off for paths matching globs.
    pub ignore: crate::suppress::PathIgnores,
    pub roles: RolesConfig,
    /// `[limits]`: the largest and deepest page linted.
    pub limits: Limits,
}

impl Settings {
    /// Settings with every default and no configuration file.
    pub fn defaults(root: &Path) -> Settings {
        Settings {
            root: root.to_path_buf(),
            config_path: None,
            severities: BTreeMap::new(),
            files: FilesConfig::default(),
            spelling: SpellingConfig::default(),
            links: LinksConfig::default(),
            labels: LabelsConfig::default(),
            ignore: crate::suppress::PathIgnores::default(),
            roles: RolesConfig::default(),
            limits: Limits::default(),
        }
    }

    /// Load `config` if given, else `<root>/.hblint.toml` if present, else defaults.
    pub fn load(root: &Path, config: Option<&Path>) -> Result<Settings, Box<ConfigError>> {
        let path = match config {
            Some(p) => Some(p.to_path_buf()),
            None => {
                let p = root.join(CONFIG_FILE_NAME);
                p.is_file().then_some(p)
            }
        };
        let Some(path) = path else {
            return Ok(Settings::defaults(root));
        };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Box::new(ConfigError {
                message: format!("cannot read configuration {}: {e}", path.display()),
                source_code: NamedSource::new(path.display().to_string(), String::new()),
                span: None,
                help: Some("check the path given to --config".into()),
            })
        })?;
        Settings::from_toml(root, &path, &text)
    }

    /// Validate a configuration file's text.
    pub fn from_toml(root: &Path, path: &Path, text: &str) -> Result<Settings, Box<ConfigError>> {
        let error =
            |message: String, span: Option<std::ops::Range<usize>>, help: Option<String>| {
                Box::new(ConfigError {
                    message,
                    source_code: NamedSource::new(path.display().to_string(), text.to_owned()),
                    span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
                    help,
                })
            };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            error(
                format!(
                    "invalid configuration in {}: {}",
                    path.display(),
                    e.message()
                ),
                e.span(),
                Some("see the configuration reference in the README".into()),
            )
        })?;
        let known = crate::rules::names();
        let mut severities = BTreeMap::new();
        for (name, value) in raw.rules {
            if !known.contains(&name.as_str()) {
                return Err(error(
                    format!("unknown rule `{name}` in [rules]"),
                    Some(value.span()),
                    Some(format!("known rules: {}", known.join(", "))),
                ));
            }
            let severity = match value.get_ref().as_str() {
                "off" => None,
                "info" => Some(Severity::Info),
                "warning" | "warn" => Some(Severity::Warning),
                "error" => Some(Severity::Error),
                other => {
                    return Err(error(
                        format!("invalid severity `{other}` for rule `{name}`"),
                        Some(value.span()),
                        Some("use one of: error, warning, info, off".into()),
                    ));
                }
            };
            severities.insert(name, severity);
        }
        let mut ignore = crate::suppress::PathIgnores::default();
        for table in &raw.ignore {
            ignore
                .add(table.get_ref())
                .map_err(|m| error(m, Some(table.span()), None))?;
        }
        Ok(Settings {
            root: root.to_path_buf(),
            config_path: Some(path.to_path_buf()),
            severities,
            files: raw.files,
            spelling: raw.spelling,
            links: raw.links,
            labels: raw.labels,
            ignore,
            roles: raw.roles,
            limits: raw.limits,
        })
    }

    /// A path relative to the root, resolved.
    pub fn root_path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, Box<ConfigError>> {
        Settings::from_toml(Path::new("/r"), Path::new(".hblint.toml"), text)
    }

    #[test]
    fn severities_and_off() {
        let s = parse("[rules]\ntypo = \"warning\"\nmojibake = \"off\"\n").expect("valid");
        assert_eq!(s.severities["typo"], Some(Severity::Warning));
        assert_eq!(s.severities["mojibake"], None);
    }

    #[test]
    fn unknown_rule_points_at_its_line() {
        let text = "[rules]\ntypo = \"warning\"\nno-such-rule = \"off\"\n";
        let e = parse(text).expect_err("invalid");
        assert!(e.message.contains("no-such-rule"));
        let span = e.span.expect("span");
        let line = text[..span.offset()].matches('\n').count() + 1;
        assert_eq!(line, 3);
    }

    #[test]
    fn limits_are_read_and_checked() {
        let s = parse("[limits]\nnesting-depth = 200\nfile-size = 10000000\n").expect("valid");
        assert_eq!(s.limits.nesting_depth, 200);
        assert_eq!(s.limits.file_size, 10_000_000);
        assert_eq!(s.limits.links, Limits::default().links);
        let e = parse("[limits]\nnesting = 3\n").expect_err("unknown key");
        assert!(e.message.contains("nesting"), "{}", e.message);
        let e = parse("[limits]\nlinks = -1\n").expect_err("negative");
        assert!(e.span.is_some());
    }

    #[test]
    fn bad_severity_and_unknown_key() {
        let e = parse("[rules]\ntypo = \"loud\"\n").expect_err("invalid");
        assert!(e.message.contains("loud"));
        let e = parse("[spelling]\nextra-wrds = []\n").expect_err("invalid");
        assert!(e.message.contains("extra-wrds"), "{}", e.message);
        assert!(e.span.is_some());
    }
}
