//! What a run's settings are and where they came from (`--show-settings`),
//! and the refusal of a configuration file below the root.

use super::{CONFIG_FILE_NAME, ConfigError, Settings};
use crate::error::SourceError;
use crate::rules::RuleName;
use std::fmt::Write;

/// The configuration file's keys, to tell a set value from a default.
fn written_keys(settings: &Settings) -> toml::Table {
    settings
        .config_path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
        .unwrap_or_default()
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
        let root_config = settings.config_path.as_ref().map_or_else(
            || format!("<root>/{CONFIG_FILE_NAME}"),
            |p| p.display().to_string(),
        );
        return Err(SourceError::new(
            &shown,
            &text,
            format!(
                "{shown} is below the root {} and would be ignored",
                settings.root.display()
            ),
            None,
            Some(format!(
                "hblint reads one configuration, at the root ({root_config}). Move these settings \
                 there (`[[ignore]] paths = [\"{dir}/**\"]` turns rules off for this folder), or \
                 lint this folder as its own root with `--root {dir}`"
            )),
        ));
    }
    Ok(())
}

/// `--show-settings`: the resolved settings, each with where it came from.
pub fn describe(
    settings: &Settings,
    root_found: &str,
    enabled: &[&str],
    select: &[RuleName],
    ignore: &[RuleName],
) -> String {
    let written = written_keys(settings);
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
    for entry in &crate::rules::TABLE {
        let (name, m) = (entry.name, entry.meta);
        let configured = settings.severities.get(&name);
        let severity = match configured {
            Some(Some(s)) => s.as_str(),
            Some(None) => "off",
            None => m.default_severity.as_str(),
        };
        let source = if !select.is_empty() && !select.contains(&name) {
            "not run: not in --select"
        } else if ignore.contains(&name) {
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
    let links = &settings.links;
    let mounts: Vec<String> = links
        .mount
        .iter()
        .map(|m| format!("{} <- {}", m.url, m.dir))
        .collect();
    let sections: [(&str, Vec<(&str, String)>); 3] = [
        (
            "files",
            vec![
                ("include", list(&settings.files.include)),
                ("exclude", list(&settings.files.exclude_globs)),
            ],
        ),
        (
            "spelling",
            vec![
                (
                    "extra-words",
                    format!("{} accepted words in all", settings.vocabulary.len()),
                ),
                (
                    "corrections",
                    format!("{} corrections", settings.corrections.len()),
                ),
            ],
        ),
        (
            "links",
            vec![
                ("anchor-style", format!("{:?}", links.anchor_style)),
                ("mount", list(&mounts)),
                ("hosts", list(&links.hosts)),
                ("skip", list(&links.skip)),
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
