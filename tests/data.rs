//! The embedded data: each list and file parses and holds what the rules need.
//! A parse failure here would otherwise show up only as missing findings.

use hblint::Hunspell;
use hblint::RolesData;
use hblint::Settings;
use hblint::{DEFAULT_TYPOS_TOML, HandbookTypos};
use hblint::{Dictionary, GeneralTypos, Verdict, Vocabulary};

#[test]
fn handbook_typo_list_parses_and_corrects() {
    let list = HandbookTypos::from_toml(DEFAULT_TYPOS_TOML).expect("rules/typos.toml parses");
    assert!(!list.is_empty(), "rules/typos.toml corrects no word");
    assert_eq!(
        list.check("serivices"),
        Verdict::Typo(vec!["services".into()])
    );
    assert_eq!(HandbookTypos::embedded().len(), list.len());
}

#[test]
fn general_typo_list_is_there() {
    assert!(matches!(GeneralTypos.check("teh"), Verdict::Typo(_)));
    assert_eq!(GeneralTypos.check("the"), Verdict::Unknown);
}

#[test]
fn hunspell_dictionary_loads() {
    let dict = Hunspell::en_us().expect("the embedded en_US dictionary loads");
    assert!(dict.is_word("services"));
    assert!(dict.is_word("London"));
    assert!(!dict.is_word("serivices"));
}

#[test]
fn vocabulary_lists_load() {
    let v = Vocabulary::embedded();
    assert!(v.len() > 100, "only {} accepted words", v.len());
    assert!(v.accepts("Alertmanager"));
}

#[test]
fn role_data_is_valid() {
    let data = RolesData::embedded().expect("rules/roles.toml is valid");
    assert_eq!(data.roles.len(), 7);
    assert!(!data.columns.is_empty());
}

#[test]
fn defaults_resolve_with_labels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = Settings::load(dir.path(), None).expect("the embedded defaults resolve");
    let sa = settings
        .labels
        .iter()
        .find(|r| r.label == "SA-HANDBOOK")
        .expect("rules/labels.toml requires SA-HANDBOOK");
    assert!(
        sa.globs
            .is_match("content/handbook/solutions-architects/_index.md")
    );
    assert!(!sa.globs.is_match("content/handbook/marketing/_index.md"));
    assert_eq!(settings.roles.roles.len(), 7);
}
