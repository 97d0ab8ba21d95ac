//! The handbook's accepted words: its spelling exceptions, people's names,
//! and whatever a repository adds (`[spelling] extra-words`, vocabulary files).

use super::WordSet;

pub const DEFAULT_EXCEPTIONS: &str = include_str!("../../rules/vocabulary/spelling-exceptions.txt");
pub const DEFAULT_NAMES: &str = include_str!("../../rules/vocabulary/spelling-names.txt");
pub const DEFAULT_TECHNICAL: &str = include_str!("../../rules/vocabulary/technical.txt");

/// Accepted words, matched exactly and case-insensitively; a multi-word entry
/// (`Database Lab`) accepts each of its words.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    exact: WordSet,
    folded: WordSet,
}

impl Vocabulary {
    pub fn embedded() -> Self {
        let mut v = Vocabulary::default();
        v.add_list(DEFAULT_EXCEPTIONS);
        v.add_list(DEFAULT_NAMES);
        v.add_list(DEFAULT_TECHNICAL);
        v
    }

    /// A digest of every accepted word, the same whatever order they were added in.
    pub fn digest(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for set in [&self.exact, &self.folded] {
            let mut words: Vec<&str> = set.iter().map(String::as_str).collect();
            words.sort_unstable();
            for w in words {
                hasher.update(w.as_bytes());
                hasher.update(b"\n");
            }
            hasher.update(b"\0");
        }
        hasher.digest()
    }

    /// Add a list: one entry a line, `#` starts a comment.
    pub fn add_list(&mut self, text: &str) {
        for line in text.lines() {
            let entry = line.split('#').next().unwrap_or("").trim();
            for word in entry.split_whitespace() {
                self.add(word);
            }
        }
    }

    pub fn add(&mut self, word: &str) {
        self.exact.insert(word.to_owned());
        self.folded.insert(word.to_lowercase());
    }

    /// Whether the word (or its possessive stem) is accepted. Every word
    /// added is kept in lowercase too, so the lowercase set alone answers.
    pub fn accepts(&self, word: &str) -> bool {
        super::with_lowercase(word, |lower| self.folded.contains(lower))
    }

    /// The accepted words in lowercase, in no order.
    pub fn folded_words(&self) -> impl Iterator<Item = &str> {
        self.folded.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.exact.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }
}

/// The vocabulary a run uses: the embedded lists (unless turned off), the
/// configured extra words, and the text of the repository's vocabulary files.
pub fn assemble<'a>(
    embedded: bool,
    extra_words: &[String],
    files: impl IntoIterator<Item = &'a str>,
) -> Vocabulary {
    let mut v = if embedded {
        Vocabulary::embedded()
    } else {
        Vocabulary::default()
    };
    for word in extra_words {
        v.add(word);
    }
    for text in files {
        v.add_list(text);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lists_load() {
        let v = Vocabulary::embedded();
        assert!(v.accepts("Alertmanager"));
        assert!(v.accepts("alertmanager"));
        assert!(v.accepts("Lab"), "multi-word entries accept each word");
        assert!(v.accepts("upserting"), "technical words");
        assert!(!v.accepts("serivices"));
    }
}
