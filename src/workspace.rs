//! The handbook tree: which files exist and which page a URL path is served at.

use crate::config::Settings;
use serde::Deserialize;
use std::path::PathBuf;

/// `[links]` in `.hblint.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LinksConfig {}

/// The tree the linted pages live in.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    pub fn new(settings: &Settings) -> Workspace {
        Workspace {
            root: settings.root.clone(),
        }
    }
}
