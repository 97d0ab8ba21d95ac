//! `hblint vocab add|remove WORD…` and `hblint vocab list`: the words the
//! repository's vocabulary file accepts.
//!
//! The file is the first of `[spelling] vocabulary` in `.hblint.toml`; when
//! none is configured, `.hblint/vocabulary.txt` is created and added to the
//! configuration, which is edited as text (one line inserted or a section
//! appended) so that nothing the user wrote — comments, order, layout — is lost.

use super::{EXIT_CLEAN, find_root};
use crate::config::options::Options;
use crate::config::{CONFIG_FILE_NAME, parse_options, read_config};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const DEFAULT_VOCABULARY: &str = ".hblint/vocabulary.txt";

pub fn add(words: &[String], root: Option<&Path>) -> miette::Result<ExitCode> {
    let root = find_root(root, None)?;
    let outcome = add_words(&root, words)?;
    if let Some(config) = &outcome.config_changed {
        println!(
            "Referenced {} in {}",
            outcome.file.display(),
            config.display()
        );
    }
    if outcome.added.is_empty() {
        println!("Already accepted: {}", words.join(", "));
    } else {
        println!(
            "Added to {}: {}",
            outcome.file.display(),
            outcome.added.join(", ")
        );
    }
    Ok(EXIT_CLEAN)
}

/// The configuration's options as written (unresolved: a vocabulary file
/// that is missing is not an error here).
fn options_at(root: &Path) -> miette::Result<Options> {
    Ok(
        match read_config(root, None).map_err(|e| miette::Report::new(*e))? {
            Some((path, text)) => {
                parse_options(&path, &text).map_err(|e| miette::Report::new(*e))?
            }
            None => Options::default(),
        },
    )
}

/// `hblint vocab list`: every word the repository accepts, one a line: the
/// vocabulary files' words, then `[spelling] extra-words`.
pub fn list(root: Option<&Path>, out: &mut dyn std::io::Write) -> miette::Result<ExitCode> {
    let root = find_root(root, None)?;
    let options = options_at(&root)?;
    let mut words = BTreeSet::new();
    for file in &options.spelling.vocabulary {
        let path = root.join(file.get_ref());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| miette::miette!("cannot read {}: {e}", path.display()))?;
        words.extend(entries(&text));
    }
    words.extend(options.spelling.extra_words.iter().cloned());
    let mut text = String::new();
    for w in &words {
        text.push_str(w);
        text.push('\n');
    }
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(miette::miette!("cannot write the list: {e}")),
    }
    Ok(EXIT_CLEAN)
}

/// The words of a vocabulary file: its lines without comments and blanks.
fn entries(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
}

/// `hblint vocab remove WORD…`: take words out of the vocabulary file that
/// `vocab add` writes to. A word that is not there is an error.
pub fn remove(words: &[String], root: Option<&Path>) -> miette::Result<ExitCode> {
    let root = find_root(root, None)?;
    let options = options_at(&root)?;
    let Some(file) = options.spelling.vocabulary.first().map(|f| f.get_ref()) else {
        return Err(miette::miette!(
            help = "`hblint vocab add WORD` creates one",
            "no vocabulary file: [spelling] vocabulary is not set"
        ));
    };
    let path = root.join(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| miette::miette!("cannot read {}: {e}", path.display()))?;
    let present: BTreeSet<String> = entries(&text).collect();
    let missing: Vec<&String> = words.iter().filter(|w| !present.contains(*w)).collect();
    if !missing.is_empty() {
        let in_config: Vec<&&String> = missing
            .iter()
            .filter(|w| options.spelling.extra_words.contains(w))
            .collect();
        let help = if in_config.is_empty() {
            "`hblint vocab list` prints the accepted words (the match is exact, case included)"
                .to_owned()
        } else {
            format!(
                "{} is in `[spelling] extra-words` of .hblint.toml: remove it there",
                in_config
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(miette::miette!(
            help = help,
            "not in {}: {}",
            file.display(),
            missing
                .iter()
                .map(|w| w.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let kept: String = text
        .lines()
        .filter(|l| !words.iter().any(|w| w == l.trim()))
        .map(|l| format!("{l}\n"))
        .collect();
    crate::fix::write_atomically(&path, kept.as_bytes())
        .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
    println!("Removed from {}: {}", file.display(), words.join(", "));
    Ok(EXIT_CLEAN)
}

#[derive(Debug)]
pub struct Added {
    /// The vocabulary file, relative to the root.
    pub file: PathBuf,
    pub added: Vec<String>,
    /// The configuration file, when it had to be created or edited.
    pub config_changed: Option<PathBuf>,
}

pub fn add_words(root: &Path, words: &[String]) -> miette::Result<Added> {
    for w in words {
        if w.trim().is_empty() || w.chars().any(|c| c.is_whitespace() || c == '#') {
            return Err(miette::miette!(
                help = "pass one word at a time, without spaces or `#`",
                "cannot accept `{w}` as a word"
            ));
        }
    }
    let options = options_at(root)?;
    let (file, config_changed) = match options.spelling.vocabulary.first() {
        Some(f) => (f.get_ref().clone(), None),
        None => {
            let config = root.join(CONFIG_FILE_NAME);
            reference_vocabulary(&config)?;
            (PathBuf::from(DEFAULT_VOCABULARY), Some(config))
        }
    };
    let path = root.join(&file);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(miette::miette!("cannot read {}: {e}", path.display())),
    };
    let (new_text, added) = merge(&text, words);
    if !added.is_empty() || !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| miette::miette!("cannot create {}: {e}", dir.display()))?;
        }
        write_file(&path, &new_text)?;
    }
    Ok(Added {
        file,
        added,
        config_changed,
    })
}

/// The vocabulary with `words` added: leading comment lines kept on top, the
/// words sorted (case-insensitively, then exactly) and deduplicated. Returns
/// the new text and the words that were not there yet.
pub fn merge(text: &str, words: &[String]) -> (String, Vec<String>) {
    let mut header = Vec::new();
    let mut entries = BTreeSet::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('#') && entries.is_empty() {
            header.push(line.to_owned());
        } else {
            entries.insert((t.to_lowercase(), t.to_owned()));
        }
    }
    let mut added = Vec::new();
    for w in words {
        if entries.insert((w.to_lowercase(), w.clone())) && !added.contains(w) {
            added.push(w.clone());
        }
    }
    let mut out = String::new();
    for h in header {
        out.push_str(&h);
        out.push('\n');
    }
    for (_, e) in entries {
        out.push_str(&e);
        out.push('\n');
    }
    (out, added)
}

/// Make `.hblint.toml` name the default vocabulary file: create it, or set
/// `vocabulary = [...]` in its `[spelling]` table (added when absent). The
/// file is edited with `toml_edit`, so comments and formatting stay; the
/// result is validated before it is written.
fn reference_vocabulary(config: &Path) -> miette::Result<()> {
    let line = format!("vocabulary = [\"{DEFAULT_VOCABULARY}\"]");
    let by_hand = || {
        format!(
            "add `{line}` under [spelling] in {} by hand",
            config.display()
        )
    };
    let text = match std::fs::read_to_string(config) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(miette::miette!("cannot read {}: {e}", config.display())),
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| {
        miette::miette!(
            help = by_hand(),
            "cannot add the vocabulary file to the configuration: {e}"
        )
    })?;
    if !doc.contains_key("spelling") {
        let mut table = toml_edit::Table::new();
        table.decor_mut().set_prefix(format!(
            "{}# Words accepted in this repository (`hblint vocab add WORD`).\n",
            if text.is_empty() { "" } else { "\n" }
        ));
        doc.insert("spelling", toml_edit::Item::Table(table));
    }
    let Some(spelling) = doc.get_mut("spelling").and_then(|s| s.as_table_like_mut()) else {
        return Err(miette::miette!(
            help = by_hand(),
            "cannot add the vocabulary file to {}: `spelling` is not a table",
            config.display()
        ));
    };
    spelling.insert(
        "vocabulary",
        toml_edit::value(toml_edit::Array::from_iter([DEFAULT_VOCABULARY])),
    );
    let new_text = doc.to_string();
    let options = parse_options(config, &new_text).map_err(|e| {
        miette::miette!(
            help = by_hand(),
            "cannot add the vocabulary file to the configuration: {}",
            e.message
        )
    })?;
    if options
        .spelling
        .vocabulary
        .first()
        .map(|p| p.get_ref().as_path())
        != Some(Path::new(DEFAULT_VOCABULARY))
    {
        return Err(miette::miette!(
            "cannot add the vocabulary file to {}; {}",
            config.display(),
            by_hand()
        ));
    }
    write_file(config, &new_text)?;
    Ok(())
}

/// Write a user's file atomically (a temporary file renamed over it),
/// keeping its permissions.
fn write_file(path: &Path, text: &str) -> miette::Result<()> {
    let written = if path.exists() {
        crate::fix::write_atomically(path, text.as_bytes())
    } else {
        crate::fix::write_new(path, text.as_bytes(), 0o644)
    };
    written.map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn merge_sorts_dedups_and_keeps_the_header() {
        let (text, added) = merge(
            "# accepted words\nZebra\napple\n",
            &["Mango".into(), "apple".into(), "Mango".into()],
        );
        assert_eq!(text, "# accepted words\napple\nMango\nZebra\n");
        assert_eq!(added, vec!["Mango"]);
    }

    #[test]
    fn config_is_created_or_edited_without_loss() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        add_words(root, &["Kubecon".into()]).expect("added");
        let config = std::fs::read_to_string(root.join(CONFIG_FILE_NAME)).expect("config");
        assert!(config.contains(DEFAULT_VOCABULARY));
        assert_eq!(
            std::fs::read_to_string(root.join(DEFAULT_VOCABULARY)).expect("vocab"),
            "Kubecon\n"
        );

        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let original = "# my settings\n[rules]\ntypo = \"warning\" # loud\n\n[spelling]\nextra-words = [\"Foo\"]\n";
        std::fs::write(root.join(CONFIG_FILE_NAME), original).expect("write");
        add_words(root, &["Bar".into()]).expect("added");
        let config = std::fs::read_to_string(root.join(CONFIG_FILE_NAME)).expect("config");
        assert!(config.starts_with("# my settings\n[rules]\ntypo = \"warning\" # loud\n"));
        assert!(config.contains("extra-words = [\"Foo\"]"));
        let s = Settings::load(root, None).expect("valid");
        assert!(s.vocabulary.accepts("Bar"));
        // A second word goes to the same file, the config is left alone.
        add_words(root, &["Aardvark".into()]).expect("added");
        assert_eq!(
            std::fs::read_to_string(root.join(CONFIG_FILE_NAME)).expect("config"),
            config
        );
        assert_eq!(
            std::fs::read_to_string(root.join(DEFAULT_VOCABULARY)).expect("vocab"),
            "Aardvark\nBar\n"
        );
    }
}
