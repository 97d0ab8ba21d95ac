//! Two build steps: a name for this build, and the general misspellings table.
//!
//! The name: the content cache keeps results only for the build that computed
//! them. A digest of the sources (`src/`, `rules/`, `Cargo.toml`,
//! `Cargo.lock`) names a build wherever its binary is copied: a CI job that
//! downloads the same release binary as the job that filled the cache gets
//! the same name, while any change to the code or its embedded data gives
//! another.
//!
//! The table: the `typos-dict` crate holds its 96,000 misspellings as
//! `&'static str` pairs, which a position-independent binary must relocate
//! one by one when it starts (about 250,000 relocations, 5 ms of every run).
//! Written here as one text, a table of offsets and a hash table, the same
//! list costs nothing until a word is looked up (`src/spelling/typo_list.rs`).

use std::path::{Path, PathBuf};

// The lookup half (`line`) is the binary's.
#[allow(dead_code)]
#[path = "src/spelling/general_hash.rs"]
mod general_hash;

fn main() {
    let mut files = Vec::new();
    for dir in ["src", "rules"] {
        println!("cargo:rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={file}");
        files.push(PathBuf::from(file));
    }
    files.sort();
    // FNV-1a, 64 bits: stable across compilers and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for file in &files {
        feed(file.to_string_lossy().replace('\\', "/").as_bytes());
        feed(&[0]);
        // A file that cannot be read still changes the name, by its absence.
        feed(&std::fs::read(file).unwrap_or_default());
        feed(&[0]);
    }
    println!("cargo:rustc-env=HBLINT_SOURCE_DIGEST={hash:016x}");
    general_typos();
}

/// `general-typos.txt`: one line per misspelling, `typo<TAB>correction…`,
/// sorted in the case-insensitive order of `unicase` (the order the lookup
/// searches in); `general-typos.idx`: each line's start as a little-endian
/// `u32`, then the text's length; `general-typos.hash`: for each of
/// [`general_hash::SLOTS`] slots, 0 or an ASCII misspelling's line with bits
/// of its hash (open addressing, linear probing; see `general_hash::slot`);
/// `general_typos.rs`: the shortest and longest typo, which bound a lookup
/// as the crate's own map does.
fn general_typos() {
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    let mut entries: Vec<(&str, &[&str])> = typos_dict::WORD
        .map
        .entries()
        .map(|(typo, corrections)| (typo.into_inner(), *corrections))
        .collect();
    entries.sort_by(|a, b| unicase::UniCase::new(a.0).cmp(&unicase::UniCase::new(b.0)));
    let (mut text, mut starts) = (String::new(), Vec::new());
    let mut start = |text: &String| {
        let at = u32::try_from(text.len()).unwrap_or_else(|_| panic!("the list passed 4 GiB"));
        starts.extend_from_slice(&at.to_le_bytes());
    };
    for (typo, corrections) in &entries {
        start(&text);
        let fields = std::iter::once(typo).chain(corrections.iter());
        for (i, field) in fields.enumerate() {
            assert!(
                !field.contains(['\t', '\n']) && !field.is_empty(),
                "typos-dict entry {typo:?} cannot be written as a line"
            );
            if i > 0 {
                text.push('\t');
            }
            text.push_str(field);
        }
        text.push('\n');
    }
    start(&text);
    let mut slots = vec![0u32; general_hash::SLOTS];
    for (line, (typo, _)) in entries.iter().enumerate() {
        if !typo.is_ascii() {
            // Found by a binary search; an ASCII word never equals it.
            assert!(
                !typo.to_lowercase().is_ascii(),
                "typos-dict entry {typo:?} folds to ASCII: the hash table must hold it"
            );
            continue;
        }
        let hash = general_hash::hash(typo.as_bytes());
        let mut i = hash as usize % general_hash::SLOTS;
        while slots[i] != 0 {
            i = (i + 1) % general_hash::SLOTS;
        }
        slots[i] = general_hash::slot(line, hash).unwrap_or_else(|| {
            panic!("typos-dict has more misspellings than general_hash::LINE_BITS can number")
        });
    }
    let hash: Vec<u8> = slots.iter().flat_map(|s| s.to_le_bytes()).collect();
    let range = &typos_dict::WORD.range;
    let consts = format!(
        "/// The shortest and longest misspelling, in bytes.\n\
         pub(crate) const GENERAL_TYPO_LENGTHS: std::ops::RangeInclusive<usize> = {}..={};\n",
        range.start(),
        range.end()
    );
    for (name, bytes) in [
        ("general-typos.txt", text.as_bytes()),
        ("general-typos.idx", &starts[..]),
        ("general-typos.hash", &hash[..]),
        ("general_typos.rs", consts.as_bytes()),
    ] {
        if let Err(e) = std::fs::write(out.join(name), bytes) {
            panic!("cannot write {name} in OUT_DIR: {e}");
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}
