//! Configuration: `.hblint.toml` validated into [`Settings`] before any rule runs.
//!
//! Every setting has an embedded default built from the files in `rules/`, so
//! hblint works with no configuration at all. An unknown key or a bad value is
//! an error that points at its line in the configuration file.

use crate::finding::Severity;
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
                let at = key_span(text, "rules", &name).or(Some(value.span()));
                return Err(error(
                    format!("unknown rule `{name}` in [rules]"),
                    at,
                    Some(crate::rules::unknown_rule_help(&name)),
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
        for pattern in raw.files.exclude.iter().chain(&raw.files.include) {
            if let Err(e) = globset::Glob::new(pattern) {
                return Err(error(
                    format!("invalid glob `{pattern}` in [files]: {}", e.kind()),
                    value_span(text, pattern),
                    Some("globs use `*`, `**`, `?`, `[…]` and `{a,b}`".into()),
                ));
            }
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
        })
    }

    /// The configuration file's keys, to tell a set value from a default.
    fn written_keys(&self) -> toml::Table {
        self.config_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| t.parse::<toml::Table>().ok())
            .unwrap_or_default()
    }

    /// A path relative to the root, resolved.
    pub fn root_path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }
}

/// The span of `"value"` (quoted as TOML writes it) in a configuration text.
fn value_span(text: &str, value: &str) -> Option<std::ops::Range<usize>> {
    ["\"", "'"].iter().find_map(|q| {
        let quoted = format!("{q}{value}{q}");
        text.find(&quoted).map(|i| i..i + quoted.len())
    })
}

/// The span of `key` at the start of a line in `[section]`.
fn key_span(text: &str, section: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let header = format!("[{section}]");
    let from = text.find(&header)? + header.len();
    let mut at = from;
    for line in text[from..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            return None;
        }
        let lead = line.len() - trimmed.len();
        let bare = trimmed.trim_start_matches(['"', '\'']);
        if bare.starts_with(key) {
            return Some(at + lead..at + lead + key.len());
        }
        at += line.len();
    }
    None
}

/// A `.hblint.toml` in a folder between the root and a linted page is not
/// read: say so, rather than lint with settings the user did not mean.
pub fn refuse_nested<'a>(
    settings: &Settings,
    pages: impl Iterator<Item = &'a str>,
) -> Result<(), Box<ConfigError>> {
    let mut folders: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for page in pages {
        let mut rest = page;
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !folders.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    let used = settings
        .config_path
        .as_ref()
        .and_then(|p| std::fs::canonicalize(p).ok());
    for dir in folders {
        let candidate = settings.root.join(dir).join(CONFIG_FILE_NAME);
        if !candidate.is_file() || std::fs::canonicalize(&candidate).ok() == used {
            continue;
        }
        let shown = format!("{dir}/{CONFIG_FILE_NAME}");
        let text = std::fs::read_to_string(&candidate).unwrap_or_default();
        return Err(Box::new(ConfigError {
            message: format!(
                "{shown} is below the root {} and would be ignored",
                settings.root.display()
            ),
            source_code: NamedSource::new(shown, text),
            span: None,
            help: Some(format!(
                "hblint reads one configuration, at the root ({}). Move these settings there \
                 (`[[ignore]] paths = [\"{dir}/**\"]` turns rules off for this folder), or lint \
                 this folder as its own root with `--root {dir}`",
                settings.config_path.as_ref().map_or_else(
                    || format!("<root>/{CONFIG_FILE_NAME}"),
                    |p| p.display().to_string()
                )
            )),
        }));
    }
    Ok(())
}

/// `--show-settings`: the resolved settings, each with where it came from.
pub fn describe(
    settings: &Settings,
    root_found: &str,
    enabled: &[&str],
    select: &[String],
    ignore: &[String],
) -> String {
    use std::fmt::Write;
    let written = settings.written_keys();
    let config = settings.config_path.as_ref().map_or_else(
        || "none (embedded defaults)".to_owned(),
        |p| p.display().to_string(),
    );
    let set_in = |section: &str, key: &str| -> &str {
        let set = written
            .get(section)
            .and_then(|t| t.as_table())
            .is_some_and(|t| t.contains_key(key));
        if set {
            "set in the configuration"
        } else {
            "default"
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "root = {}  # {root_found}", settings.root.display());
    let _ = writeln!(out, "config = {config}");
    let _ = writeln!(out, "\n[rules]");
    for rule in crate::rules::registry() {
        let m = rule.meta();
        let configured = settings.severities.get(m.name);
        let severity = match configured {
            Some(Some(s)) => s.as_str(),
            Some(None) => "off",
            None => m.default_severity.as_str(),
        };
        let source = if !select.is_empty() && !select.iter().any(|s| s == m.name) {
            "not run: not in --select"
        } else if ignore.iter().any(|s| s == m.name) {
            "not run: --ignore"
        } else if configured.is_some() {
            "set in the configuration"
        } else {
            "default"
        };
        let on = if enabled.contains(&m.name) {
            ""
        } else {
            " (off)"
        };
        let _ = writeln!(out, "{} = \"{severity}\"{on}  # {source}", m.name);
    }
    let list = |v: &[String]| format!("{v:?}");
    let sp = &settings.spelling;
    let vocab: Vec<String> = sp
        .vocabulary
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mounts: Vec<String> = settings
        .links
        .mount
        .iter()
        .map(|m| format!("{} <- {}", m.url, m.dir))
        .collect();
    let sections: [(&str, Vec<(&str, String)>); 3] = [
        (
            "files",
            vec![
                ("include", list(&settings.files.include)),
                ("exclude", list(&settings.files.exclude)),
            ],
        ),
        (
            "spelling",
            vec![
                ("extra-words", format!("{} words", sp.extra_words.len())),
                ("vocabulary", list(&vocab)),
                (
                    "no-default-vocabulary",
                    sp.no_default_vocabulary.to_string(),
                ),
            ],
        ),
        (
            "links",
            vec![
                ("anchor-style", format!("{:?}", settings.links.anchor_style)),
                ("mount", list(&mounts)),
                ("hosts", list(&settings.links.hosts)),
            ],
        ),
    ];
    for (section, keys) in sections {
        let _ = writeln!(out, "\n[{section}]");
        for (key, value) in keys {
            let _ = writeln!(out, "{key} = {value}  # {}", set_in(section, key));
        }
    }
    let ignores = written
        .get("ignore")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    let _ = writeln!(out, "\n[[ignore]] tables: {ignores}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_globs_and_misspelt_rules_point_at_their_line() {
        let text = "[files]\nexclude = [\"content/[oops/**\"]\n";
        let e = parse(text).expect_err("invalid");
        assert!(e.message.contains("content/[oops/**"), "{}", e.message);
        let span = e.span.expect("span");
        assert_eq!(text[..span.offset()].matches('\n').count() + 1, 2);
        let e = parse("[rules]\ntpyo = \"off\"\n").expect_err("invalid");
        assert!(e.help.as_deref().unwrap_or_default().contains("`typo`"));
    }

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
    fn bad_severity_and_unknown_key() {
        let e = parse("[rules]\ntypo = \"loud\"\n").expect_err("invalid");
        assert!(e.message.contains("loud"));
        let e = parse("[spelling]\nextra-wrds = []\n").expect_err("invalid");
        assert!(e.message.contains("extra-wrds"), "{}", e.message);
        assert!(e.span.is_some());
    }
}
