//! Configuration: `.hblint.toml` resolved into [`Settings`] before any page is read.
//!
//! [`options`] describes the file as written; [`Settings::from_toml`] turns it
//! into resolved parts (compiled globs, read word lists, role data, label
//! requirements, link mounts) and reports every error at its line. Every
//! setting has an embedded default built from the files in `rules/`, so
//! hblint works with no configuration at all. The parts are handed down to
//! the rules and the workspace; nothing below this module imports it.

pub mod options;
mod show;

pub use show::{describe, refuse_nested};

use crate::error::SourceError;
use crate::finding::Severity;
use crate::inputs::FileSelection;
use crate::limits::Limits;
use crate::roles::{self, RolesData};
use crate::rules::missing_label::{self, LabelRequirement};
use crate::rules::name::UnknownRule;
use crate::rules::{RuleName, RunData, SharedInputs};
use crate::spelling::{Vocabulary, vocabulary};
use crate::suppress::PathIgnores;
use crate::workspace::{Links, Workspace};
use globset::{Glob, GlobSetBuilder};
use options::{LabelsOptions, Options};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CONFIG_FILE_NAME: &str = ".hblint.toml";

/// A configuration file that cannot be used, with the place that is wrong.
pub type ConfigError = SourceError;

/// Resolved settings for one run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    /// The configuration file in use, if any.
    pub config_path: Option<PathBuf>,
    /// Severity per rule as configured; `None` turns a rule off.
    /// Rules not named here keep their default severity.
    pub severities: BTreeMap<RuleName, Option<Severity>>,
    /// `[files]`: which files a plain `hblint check` lints.
    pub files: FileSelection,
    /// `[links]`: how URLs map to files.
    pub links: Links,
    /// `[[ignore]]`: rules off for paths matching globs.
    pub ignore: PathIgnores,
    /// The role data in use, and how it is named in messages.
    pub roles: roles::Shared,
    pub roles_name: String,
    /// Accepted words: the embedded lists, `extra-words`, the vocabulary files.
    pub vocabulary: Arc<Vocabulary>,
    /// `[spelling] corrections`.
    pub corrections: BTreeMap<String, String>,
    /// `[labels]`, else the embedded `rules/labels.toml`.
    pub labels: Arc<[LabelRequirement]>,
    /// `[terms]`: the list of terms to avoid (empty when the tree has none).
    pub terms: Arc<crate::terms::TermList>,
    /// `[terms] broad`.
    pub terms_broad: bool,
    /// `[limits]`: the largest and deepest page linted.
    pub limits: Limits,
}

/// The configuration file in use and its text: `config` if given, else
/// `<root>/.hblint.toml` if present.
pub fn read_config(
    root: &Path,
    config: Option<&Path>,
) -> Result<Option<(PathBuf, String)>, Box<ConfigError>> {
    let path = match config {
        Some(p) => p.to_path_buf(),
        None => {
            let p = root.join(CONFIG_FILE_NAME);
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        SourceError::new(
            &path.display().to_string(),
            "",
            format!("cannot read configuration {}: {e}", path.display()),
            None,
            Some("check the path given to --config".into()),
        )
    })?;
    Ok(Some((path, text)))
}

/// The options a configuration file's text sets, unresolved.
pub fn parse_options(path: &Path, text: &str) -> Result<Options, Box<ConfigError>> {
    let name = path.display().to_string();
    toml::from_str(text).map_err(|e| {
        SourceError::new(
            &name,
            text,
            format!("invalid configuration in {name}: {}", e.message()),
            e.span(),
            Some("see the configuration reference in the README".into()),
        )
    })
}

/// What is wrong with the options: a message at a byte range of the
/// configuration file (with a help text), or an error in another file.
enum Fault {
    At(String, Option<Range<usize>>, Option<String>),
    File(Box<SourceError>),
}

impl Fault {
    /// The error, placed in the configuration file `name` whose text is `text`.
    fn in_file(self, name: &str, text: &str) -> Box<SourceError> {
        match self {
            Fault::At(message, span, help) => SourceError::new(name, text, message, span, help),
            Fault::File(e) => e,
        }
    }
}

impl Settings {
    /// Settings with every default and no configuration file.
    pub fn defaults(root: &Path) -> Settings {
        match Settings::resolve(root, None, Options::default()) {
            Ok(settings) => settings,
            // The embedded defaults are checked by the tests (`tests/data.rs`).
            Err(fault) => panic!("embedded defaults are invalid: {}", fault.in_file("", "")),
        }
    }

    /// Load `config` if given, else `<root>/.hblint.toml` if present, else defaults.
    pub fn load(root: &Path, config: Option<&Path>) -> Result<Settings, Box<ConfigError>> {
        match read_config(root, config)? {
            None => Settings::resolve(root, None, Options::default())
                .map_err(|fault| fault.in_file("", "")),
            Some((path, text)) => Settings::from_toml(root, &path, &text),
        }
    }

    /// Validate and resolve a configuration file's text.
    pub fn from_toml(root: &Path, path: &Path, text: &str) -> Result<Settings, Box<ConfigError>> {
        let options = parse_options(path, text)?;
        let spans: Vec<Range<usize>> = options.ignore.iter().map(|t| t.span()).collect();
        let mut settings = Settings::resolve(root, Some(path), options)
            .map_err(|fault| fault.in_file(&path.display().to_string(), text))?;
        // Where each `[[ignore]]` table is, for `unused-suppression`.
        let shown =
            crate::workspace::inside_root(root, path).unwrap_or_else(|| path.display().to_string());
        settings.ignore.place(
            spans
                .into_iter()
                .map(|span| crate::suppress::IgnoreOrigin {
                    path: shown.clone(),
                    start: position_in(text, span.start),
                    end: position_in(text, span.end),
                })
                .collect(),
        );
        Ok(settings)
    }

    /// Turn the options into resolved settings; an error names its span in the file.
    fn resolve(root: &Path, path: Option<&Path>, options: Options) -> Result<Settings, Fault> {
        let mut severities = BTreeMap::new();
        for (name, value) in options.rules {
            let rule: RuleName = name.parse().map_err(|e: UnknownRule| {
                Fault::At(
                    format!("{e} in [rules]"),
                    Some(value.span()),
                    Some(e.suggestion()),
                )
            })?;
            let severity = match value.get_ref().as_str() {
                "off" => None,
                "info" => Some(Severity::Info),
                "warning" | "warn" => Some(Severity::Warning),
                "error" => Some(Severity::Error),
                other => {
                    return Err(Fault::At(
                        format!("invalid severity `{other}` for rule `{name}`"),
                        Some(value.span()),
                        Some("use one of: error, warning, info, off".into()),
                    ));
                }
            };
            severities.insert(rule, severity);
        }

        let mut ignore = PathIgnores::default();
        for table in &options.ignore {
            let rules = table
                .get_ref()
                .rules
                .iter()
                .map(|r| r.parse::<RuleName>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    Fault::At(
                        format!("[[ignore]]: {e}: {}", e.suggestion()),
                        Some(table.span()),
                        None,
                    )
                })?;
            ignore
                .add(&table.get_ref().paths, rules)
                .map_err(|m| Fault::At(m, Some(table.span()), None))?;
        }

        let mut exclude = GlobSetBuilder::new();
        for pattern in &options.files.exclude {
            let glob = Glob::new(pattern.get_ref()).map_err(|e| {
                Fault::At(
                    format!(
                        "invalid glob `{}` in [files] exclude: {e}",
                        pattern.get_ref()
                    ),
                    Some(pattern.span()),
                    None,
                )
            })?;
            exclude.add(glob);
        }
        let exclude = exclude
            .build()
            .map_err(|e| Fault::At(format!("[files] exclude: {e}"), None, None))?;
        let files = FileSelection {
            root: root.to_path_buf(),
            include: options.files.include,
            exclude,
            exclude_globs: options
                .files
                .exclude
                .iter()
                .map(|p| p.get_ref().clone())
                .collect(),
        };

        let spelling = &options.spelling;
        let mut lists = Vec::with_capacity(spelling.vocabulary.len());
        for file in &spelling.vocabulary {
            let full = root.join(file.get_ref());
            let text = std::fs::read_to_string(&full).map_err(|e| {
                Fault::At(
                    format!("cannot read vocabulary file {}: {e}", full.display()),
                    Some(file.span()),
                    Some("fix or remove the path in [spelling] vocabulary".into()),
                )
            })?;
            lists.push(text);
        }
        let vocabulary = vocabulary::assemble(
            !spelling.no_default_vocabulary,
            &spelling.extra_words,
            lists.iter().map(String::as_str),
        );

        let (roles, roles_name) = match &options.roles.data {
            None => (RolesData::embedded(), roles::EMBEDDED_NAME.to_owned()),
            Some(rel) => {
                let full = root.join(rel.get_ref());
                (RolesData::read(&full), full.display().to_string())
            }
        };
        let roles = roles.map_err(Fault::File)?;

        let terms_file = options.terms.file.as_ref();
        let terms = crate::terms::TermList::load(root, terms_file.map(|f| f.get_ref().as_path()))
            .map_err(|e| match terms_file {
            // A configured file that cannot be read: point at its key.
            Some(f) if e.source_code.inner().is_empty() => Fault::At(
                e.message,
                Some(f.span()),
                Some("fix or remove `file` in [terms]".into()),
            ),
            _ => Fault::File(e),
        })?;

        Ok(Settings {
            root: root.to_path_buf(),
            config_path: path.map(Path::to_path_buf),
            severities,
            files,
            links: links(root, options.links)?,
            ignore,
            roles: Arc::new(roles),
            roles_name,
            vocabulary: Arc::new(vocabulary),
            corrections: options.spelling.corrections,
            labels: labels(&options.labels)?,
            terms: Arc::new(terms),
            terms_broad: options.terms.broad,
            limits: options.limits,
        })
    }

    /// A path relative to the root, resolved.
    pub fn root_path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// The workspace of the root; the tree is walked on first use.
    pub fn workspace(&self) -> Workspace {
        Workspace::new(&self.root, self.links.clone()).within(self.limits)
    }

    /// A workspace whose files are exactly `paths` (root-relative).
    pub fn workspace_with_paths(&self, paths: Vec<String>) -> Workspace {
        Workspace::with_paths(&self.root, self.links.clone(), paths).within(self.limits)
    }

    /// The data the rules of one run share.
    pub fn run_data(&self) -> RunData {
        RunData::new(SharedInputs {
            files: self.files.clone(),
            vocabulary: self.vocabulary.clone(),
            corrections: self.corrections.clone(),
            roles: self.roles.clone(),
            labels: self.labels.clone(),
            terms: self.terms.clone(),
            terms_broad: self.terms_broad,
        })
    }
}

/// The 1-based line and character column of a byte offset of `text`.
fn position_in(text: &str, offset: usize) -> crate::finding::Position {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    crate::finding::Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// The `[links]` settings, with the exclusions of the first link checker
/// configuration of `exclude-files` that the tree has.
fn links(root: &Path, mut links: Links) -> Result<Links, Fault> {
    let mut excludes = None;
    for file in &links.exclude_files {
        let Some(rel) = crate::links::join_normalize("", file) else {
            continue;
        };
        let full = root.join(rel.trim_start_matches('/'));
        if !full.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&full).map_err(|e| {
            Fault::File(SourceError::new(
                &full.display().to_string(),
                "",
                format!("cannot read {}: {e}", full.display()),
                None,
                Some("remove it from `[links] exclude-files` or make it readable".into()),
            ))
        })?;
        excludes = Some(Arc::new(
            crate::links::exclude::LinkExcludes::parse(file, &text).map_err(Fault::File)?,
        ));
        break;
    }
    links.excludes = excludes;
    Ok(links)
}

/// The configured label requirements, else the embedded ones.
fn labels(o: &LabelsOptions) -> Result<Arc<[LabelRequirement]>, Fault> {
    let compile = |r: &options::RequirementOptions| {
        LabelRequirement::new(&r.label, r.what.as_deref(), &r.paths)
    };
    if o.require.is_empty() {
        let embedded: LabelsOptions = toml::from_str(missing_label::EMBEDDED).map_err(|e| {
            Fault::At(
                format!("embedded rules/labels.toml: {}", e.message()),
                None,
                None,
            )
        })?;
        return embedded
            .require
            .iter()
            .map(|r| compile(r.get_ref()).map_err(|m| Fault::At(m, None, None)))
            .collect();
    }
    o.require
        .iter()
        .map(|r| {
            compile(r.get_ref()).map_err(|m| {
                Fault::At(
                    m,
                    Some(r.span()),
                    Some("globs are relative to the root, such as `content/handbook/x/**`".into()),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, Box<ConfigError>> {
        Settings::from_toml(Path::new("/r"), Path::new(".hblint.toml"), text)
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
    fn severities_and_off() {
        let s = parse("[rules]\ntypo = \"warning\"\nmojibake = \"off\"\n").expect("valid");
        assert_eq!(s.severities[&RuleName::Typo], Some(Severity::Warning));
        assert_eq!(s.severities[&RuleName::Mojibake], None);
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

    fn line_of(text: &str, e: &ConfigError) -> usize {
        let span = e.span.expect("span");
        text[..span.offset()].matches('\n').count() + 1
    }

    #[test]
    fn files_globs_and_labels_are_checked_at_their_line() {
        let text = "[files]\nexclude = [\"ok/**\", \"bad/[\"]\n";
        let e = parse(text).expect_err("invalid glob");
        assert!(e.message.contains("bad/["), "{}", e.message);
        assert_eq!(line_of(text, &e), 2);

        let text = "[rules]\n\n[[labels.require]]\nlabel = \"X\"\npaths = [\"a/[\"]\n";
        let e = parse(text).expect_err("invalid label glob");
        assert!(e.message.contains("label `X`"), "{}", e.message);
        assert_eq!(line_of(text, &e), 3);

        let text = "[[ignore]]\npaths = [\"x/**\"]\nrules = [\"nope\"]\n";
        let e = parse(text).expect_err("unknown rule");
        assert!(e.message.contains("unknown rule `nope`"), "{}", e.message);
    }

    #[test]
    fn a_missing_vocabulary_file_is_an_error_at_its_line() {
        let text = "[spelling]\nextra-words = []\nvocabulary = [\"missing.txt\"]\n";
        let e = parse(text).expect_err("missing file");
        assert!(e.message.contains("missing.txt"), "{}", e.message);
        assert_eq!(line_of(text, &e), 3);
    }

    #[test]
    fn role_data_errors_point_into_the_data_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("roles.toml"),
            "[[role]]\nabbreviation = 1\n",
        )
        .expect("write");
        let e = Settings::from_toml(
            dir.path(),
            Path::new(".hblint.toml"),
            "[roles]\ndata = \"roles.toml\"\n",
        )
        .expect_err("bad role data");
        assert!(e.message.contains("role data"), "{}", e.message);
        assert!(e.span.is_some());
    }
}
