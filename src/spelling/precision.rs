//! Precision filters shared by `typo` and `spelling`: facts about a word in
//! its place that make it unlikely to be a misspelling.
//!
//! - acronyms (`SME`, `CMO`, `SMEs`) and mixed case are not judged;
//! - a capitalised word in the middle of a sentence is a name (`Nicholas Klick`);
//! - short fragments of hyphenated compounds (`mis-configured`, `product-ded`)
//!   and compounds with digits (`tier2-sme-rollout`) are not words;
//! - a line written in another language (`heures de travail normales`) is skipped.

use std::collections::HashSet;
use std::sync::LazyLock;

/// `SME`, `CMO`, `SMEs`, `ACLs`: all capitals, with an optional plural `s`.
pub fn is_acronym(word: &str) -> bool {
    let body = word.strip_suffix('s').unwrap_or(word);
    let mut letters = 0;
    for c in body.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return false;
        }
        letters += 1;
    }
    letters >= 2
}

/// `Canva`: an initial capital followed by lowercase letters.
pub fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && !is_acronym(word)
}

/// Whether `word` has a letter outside ASCII (`normales` does not; `répartis` does).
pub fn has_non_ascii_letter(word: &str) -> bool {
    word.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
}

/// What the text around a word says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place<'a> {
    /// The word opens a sentence, a line, a table cell or a list item.
    pub sentence_start: bool,
    /// The word joined to others by hyphens (`mis-configured`), or the word itself.
    pub compound: &'a str,
    /// The word before and after it on the line, if any.
    pub previous: Option<&'a str>,
    pub next: Option<&'a str>,
    /// Emphasis splits a word here: `**S**ensitive`, `SA**F**E`.
    pub glued: bool,
}

impl Place<'_> {
    pub fn in_compound(&self) -> bool {
        self.compound.contains('-')
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '\'' || c == '’'
}

/// Describe the place of the word at `start..end` of `text` (the page's text).
pub fn place(text: &str, start: usize, end: usize) -> Place<'_> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before = &text[line_start..start];
    let after = &text[end..line_end];

    // The compound: extend over `-` joined word characters.
    let mut c_start = start;
    while let Some(c) = text[line_start..c_start].chars().next_back() {
        if is_word_char(c) || (c == '-' && text[line_start..c_start - 1].ends_with(is_word_char)) {
            c_start -= c.len_utf8();
        } else {
            break;
        }
    }
    let mut c_end = end;
    while let Some(c) = text[c_end..line_end].chars().next() {
        if is_word_char(c) || (c == '-' && text[c_end + 1..line_end].starts_with(is_word_char)) {
            c_end += c.len_utf8();
        } else {
            break;
        }
    }
    let compound = &text[c_start..c_end];

    let opener = |c: char| c.is_whitespace() || "*_[(\"'“‘`>#|~".contains(c);
    let trimmed = before.trim_end_matches(opener);
    let sentence_start = match trimmed.chars().next_back() {
        None => true,
        Some(c) => ".!?:;|".contains(c) || (c == '-' && trimmed.trim_end() != trimmed),
    } || is_list_marker(trimmed);

    let previous = before[..before.len() - (start - c_start).min(before.len())]
        .split(|c: char| !is_word_char(c))
        .rfind(|w| !w.is_empty());
    let next = after[c_end - end..]
        .split(|c: char| !is_word_char(c))
        .find(|w| !w.is_empty());
    let glued = glued_before(before) || glued_after(after);
    Place {
        sentence_start,
        compound,
        previous,
        next,
        glued,
    }
}

/// `**S`, `(E)`, `` `G` `` or `s[` right before the word: emphasis, code or
/// link markup with a letter before it (`` `G`ratitude ``, `s[ubmit](…)`).
fn glued_before(before: &str) -> bool {
    let stripped = before.trim_end_matches(['*', '_', ')', '`', '[', ']']);
    stripped.len() < before.len() && stripped.ends_with(char::is_alphanumeric)
}

/// `**E`, `` `x` `` or `](…)x` right after the word.
fn glued_after(after: &str) -> bool {
    let stripped = after.trim_start_matches(['*', '_', '`', '[', ']']);
    stripped.len() < after.len() && stripped.starts_with(char::is_alphanumeric)
}

/// `1.`, `-`, `*`, `+` at the start of a line (after indentation).
fn is_list_marker(s: &str) -> bool {
    let s = s.trim();
    s.is_empty()
        || s == "-"
        || s == "+"
        || s == "*"
        || (s.ends_with('.') && s[..s.len() - 1].chars().all(|c| c.is_ascii_digit()))
}

/// Common words of other languages that are not English words: two of them
/// on one line mark the line as written in that language.
static FOREIGN: LazyLock<HashSet<&'static str, crate::spelling::FastHash>> = LazyLock::new(|| {
    [
        // French
        "les",
        "des",
        "du",
        "est",
        "une",
        "dans",
        "pour",
        "avec",
        "sont",
        "sur",
        "leur",
        "leurs",
        "aux",
        "qui",
        "que",
        "pas",
        "nous",
        "vous",
        "ils",
        "elles",
        "elle",
        "un",
        "chaque",
        "cette",
        "ces",
        "sera",
        "être",
        "été",
        "selon",
        "ou",
        "et",
        "le",
        "la",
        "de",
        "en",
        "au",
        // Spanish, Portuguese, Italian
        "el",
        "los",
        "las",
        "una",
        "por",
        "para",
        "con",
        "del",
        "es",
        "y",
        "su",
        "sus",
        "como",
        "pero",
        "muy",
        "se",
        "lo",
        "al",
        "más",
        "te",
        "ka",
        "kia",
        "ora",
        "não",
        "uma",
        "com",
        "os",
        "da",
        "do",
        "il",
        "è",
        "tuo",
        "suo",
        "sono",
        "questo",
        "nel",
        "di",
        "che",
        "della",
        "gli",
        // Latin placeholder text
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "sed",
        "ut",
        "eiusmod",
        "consectetur",
        // German, Dutch
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "mit",
        "ein",
        "eine",
        "auf",
        "für",
        "zu",
        "het",
        "een",
        "van",
        "niet",
        "ook",
        "zijn",
        "wij",
    ]
    .into_iter()
    .collect()
});

/// The length in bytes of the longest word of [`FOREIGN`]: a longer word
/// is not looked up.
static FOREIGN_LONGEST: LazyLock<usize> =
    LazyLock::new(|| FOREIGN.iter().map(|w| w.len()).max().unwrap_or(0));

/// English words that are also in [`FOREIGN`]: they count only with a
/// foreign-looking neighbour, so that "a la carte" stays English.
const SHARED_WITH_ENGLISH: [&str; 6] = ["die", "do", "pas", "es", "ou", "zu"];

/// Whether a line reads as another language: at least three common words of
/// other languages, or two together with a word with non-ASCII letters.
pub fn is_foreign_line(line: &str) -> bool {
    let (stopwords, accented) = foreign_signals(line);
    stopwords >= 3 || (stopwords >= 2 && accented >= 1) || accented >= 3
}

/// Whether a line of a page written mostly in another language reads as
/// that language: one common foreign word or one accented word is enough
/// there (`- Adaptation du mobilier;`, `(h) Chaque pièce jointe est-elle pertinente?`).
pub fn is_foreign_line_on_foreign_page(line: &str) -> bool {
    let (stopwords, accented) = foreign_signals(line);
    stopwords + accented >= 1
}

/// Lines of a page that read as another language from which the whole page
/// counts as written in it.
pub const FOREIGN_PAGE_LINES: usize = 3;

/// Whether at least [`FOREIGN_PAGE_LINES`] lines of `text` read as another language.
pub fn is_foreign_page(text: &str) -> bool {
    text.lines().filter(|l| is_foreign_line(l)).count() >= FOREIGN_PAGE_LINES
}

/// How many common words of other languages, and how many words with
/// non-ASCII letters, a line has.
fn foreign_signals(line: &str) -> (usize, usize) {
    let mut stopwords = 0;
    let mut accented = 0;
    for word in line
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if crate::spelling::with_lowercase(word, |lower| {
            lower.len() <= *FOREIGN_LONGEST
                && FOREIGN.contains(lower)
                && !SHARED_WITH_ENGLISH.contains(&lower)
        }) {
            stopwords += 1;
        }
        if has_non_ascii_letter(word) {
            accented += 1;
        }
    }
    (stopwords, accented)
}

/// The line of `text` around `offset`.
pub fn line_at(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    &text[start..end]
}

/// Whether a hyphenated compound is an identifier (`tier2-sme-rollout`) or the
/// word is a short part of one (`mis-`, `-ded`), rather than a word of its own.
pub fn is_compound_fragment(place: &Place<'_>, word: &str) -> bool {
    place.glued
        || (place.in_compound()
            && (place
                .compound
                .chars()
                .any(|c| c.is_ascii_digit() || c == '_')
                || word.chars().count() <= 4
                || place
                    .compound
                    .split('-')
                    .any(|part| part.chars().count() == 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of<'a>(text: &'a str, word: &str) -> Place<'a> {
        let start = text.find(word).expect("word in text");
        place(text, start, start + word.len())
    }

    #[test]
    fn acronyms_and_capitals() {
        for w in ["SME", "CMO", "HSA", "SMEs", "ACLs"] {
            assert!(is_acronym(w), "{w}");
        }
        for w in ["Sme", "sme", "A", "Canva"] {
            assert!(!is_acronym(w), "{w}");
        }
        assert!(is_capitalised("Canva"));
        assert!(!is_capitalised("SME"));
        assert!(!is_capitalised("canva"));
    }

    #[test]
    fn names_mid_sentence_are_not_sentence_starts() {
        let text =
            "Ask Nicholas Klick. Klick knows.\n| Member | Dan Hom |\n- Heros pilot\n1. **Linz** is";
        assert!(!place_of(text, "Nicholas").sentence_start);
        let klick = place_of(text, "Klick");
        assert!(!klick.sentence_start);
        assert_eq!(klick.previous, Some("Nicholas"));
        let second = text.find("Klick knows").expect("second");
        assert!(place(text, second, second + 5).sentence_start);
        assert!(place_of(text, "Member").sentence_start, "table cell");
        assert!(!place_of(text, "Hom").sentence_start);
        assert!(place_of(text, "Ask").sentence_start, "start of text");
        assert!(place_of(text, "Heros").sentence_start, "list item");
        assert!(place_of(text, "Linz").sentence_start, "bold list item");
    }

    #[test]
    fn hyphenated_compounds() {
        let text = "likely mis-categorized in tier2-sme-rollout and product-ded with well-knwon";
        let mis = place_of(text, "mis");
        assert_eq!(mis.compound, "mis-categorized");
        assert!(is_compound_fragment(&mis, "mis"));
        let sme = place_of(text, "sme");
        assert_eq!(sme.compound, "tier2-sme-rollout");
        assert!(is_compound_fragment(&sme, "sme"));
        assert!(is_compound_fragment(&place_of(text, "ded"), "ded"));
        let knwon = place_of(text, "knwon");
        assert!(
            !is_compound_fragment(&knwon, "knwon"),
            "a long part is judged"
        );
        let plain = place_of(text, "likely");
        assert!(!plain.in_compound());
        let thon = place_of("join a source-a-thon now", "thon");
        assert!(is_compound_fragment(&thon, "thon"));
    }

    #[test]
    fn emphasis_inside_a_word() {
        let text = "is **S**ensitive and SA**F**E or **bold** words for (E)xtracting";
        assert!(place_of(text, "ensitive").glued);
        assert!(place_of(text, "xtracting").glued);
        assert!(place_of(text, "SA").glued);
        assert!(!place_of(text, "bold").glued);
        assert!(!place_of(text, "words").glued);
    }

    #[test]
    fn foreign_lines() {
        assert!(is_foreign_line(
            "en dehors de leurs heures de travail normales et pendant leurs congés"
        ));
        assert!(is_foreign_line(
            "Der Server ist nicht erreichbar und die Seite"
        ));
        assert!(!is_foreign_line(
            "The services team and the sales team meet on Tuesday."
        ));
        assert!(!is_foreign_line(
            "Order a la carte, or die trying, es una broma"
        ));
        assert!(!is_foreign_line("See the café and the résumé"));
        assert!(is_foreign_line("- a. “Su evento se reprogramó.”"));
        assert!(is_foreign_line(
            "- a. “Il tuo evento è stato riprogrammato.”"
        ));
    }
}

/// Lowercase abbreviations a page defines in place: a word in brackets
/// made of the initials of the words (or hyphenated parts) right before it,
/// `gitlab-shared-runners-manager-X (gsrm)`, `Total Addressable Market (tam)`.
pub fn defined_abbreviations(text: &str) -> HashSet<String> {
    static IN_BRACKETS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\(([A-Za-z]{2,8})\)").unwrap_or_else(|_| {
            regex::Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("valid pattern"))
        })
    });
    let mut out = HashSet::new();
    for c in IN_BRACKETS.captures_iter(text) {
        let (Some(whole), Some(word)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let word = word.as_str().to_lowercase();
        let before = &text[..whole.start()];
        let initials: String = before
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .rev()
            .take(word.len() + 1)
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_lowercase)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if initials.contains(&word) {
            out.insert(word);
        }
    }
    out
}

/// Words that name what a link points at: a word of the link's text that
/// also occurs in its destination (`[Powtoon](https://www.powtoon.com/)`,
/// `[upcase](https://shopify.github.io/liquid/filters/upcase/)`).
pub fn link_names(doc: &crate::document::Document) -> HashSet<String> {
    let mut names = HashSet::new();
    for link in &doc.links {
        let dest = link.dest.to_lowercase();
        for word in link
            .text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 3)
        {
            let lower = word.to_lowercase();
            // `[nkeys](…/nkey_auth)`: the plural of a name in the destination.
            let singular = lower.strip_suffix('s').unwrap_or(&lower);
            if dest.contains(&lower) || (singular.len() >= 3 && dest.contains(singular)) {
                names.insert(lower);
            }
        }
    }
    names
}

#[cfg(test)]
mod link_tests {
    #[test]
    fn link_texts_that_name_their_target() {
        let doc = crate::document::Document::parse(
            "a.md",
            "Use [Powtoon](https://www.powtoon.com/) or [the docs](https://x.example/help).\n"
                .into(),
            false,
        )
        .expect("parses");
        let names = super::link_names(&doc);
        assert!(names.contains("powtoon"));
        assert!(!names.contains("docs"));
    }
}
