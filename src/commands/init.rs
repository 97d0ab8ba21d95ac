//! `hblint init`: write a commented `.hblint.toml` at the root, every key at
//! its default and commented out, so that the file documents itself.

use super::{EXIT_CLEAN, find_root};
use crate::config::{CONFIG_FILE_NAME, Settings};
use std::path::Path;
use std::process::ExitCode;

/// The file `hblint init` writes. Every line that sets something is a
/// comment: the file changes nothing until a line is uncommented.
pub const TEMPLATE: &str = r#"# hblint configuration. Every key is optional: hblint works with none.
# `hblint check --show-settings` prints what is in force and where it came from.
# hblint reads this one file, at the repository root; a .hblint.toml in a
# subfolder is an error (use [[ignore]] for per-folder rules).

[rules]
# A severity per rule: "error", "warning", "info" or "off" (`hblint rules` lists them).
# typo = "error"
# spelling = "warning"
# unused-suppression = "warning"

[files]
# Folders or files linted by a plain `hblint check` (default: content/, or
# sites/handbook/source in the older layout).
# include = ["content"]
# Globs never linted, even when named on the command line (then it is an error).
# exclude = ["content/archive/**"]

[spelling]
# Words accepted in this repository; `hblint vocab add WORD` keeps them in a file instead.
# extra-words = ["GitLab"]
# vocabulary = [".hblint/vocabulary.txt"]
# corrections = { "mergable" = "mergeable" }
# no-default-vocabulary = false

[links]
# How the site generator makes heading ids: "github" (Hugo) or "kramdown" (Middleman).
# anchor-style = "github"
# URL prefixes of pages that live in another repository: never checked.
# skip = ["/job-families/", "/blog/"]
# The handbook's own hosts: full URLs there are internal links.
# hosts = ["handbook.gitlab.com", "about.gitlab.com/handbook"]

# Rules off for some paths (per-folder settings):
# [[ignore]]
# paths = ["content/handbook/legal/**"]
# rules = ["spelling"]
"#;

pub fn run(root: Option<&Path>, force: bool) -> miette::Result<ExitCode> {
    let root = find_root(root, None)?;
    let path = root.join(CONFIG_FILE_NAME);
    if path.exists() && !force {
        return Err(miette::miette!(
            help = "`hblint check --show-settings` shows what it sets; pass --force to replace it",
            "{} exists already",
            path.display()
        ));
    }
    // The template must be a valid configuration: checked before it is written.
    Settings::from_toml(&root, &path, TEMPLATE).map_err(|e| miette::Report::new(*e))?;
    crate::fix::write_new(&path, TEMPLATE.as_bytes(), 0o644)
        .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
    println!(
        "Wrote {} (every setting commented out at its default)",
        path.display()
    );
    Ok(EXIT_CLEAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_valid_and_sets_nothing() {
        let s = Settings::from_toml(Path::new("/r"), Path::new(CONFIG_FILE_NAME), TEMPLATE)
            .expect("valid");
        assert!(s.severities.is_empty());
        assert!(s.files.include.is_empty() && s.files.exclude.is_empty());
        // Each commented line, uncommented, is valid too.
        let uncommented: String = TEMPLATE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") || rest.starts_with('[') => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        // (Options only: the vocabulary file it names does not exist here.)
        let o = crate::config::parse_options(Path::new(CONFIG_FILE_NAME), &uncommented)
            .expect("uncommented template is valid");
        let exclude: Vec<&str> = o
            .files
            .exclude
            .iter()
            .map(|g| g.get_ref().as_str())
            .collect();
        assert_eq!(exclude, vec!["content/archive/**"]);
    }
}
