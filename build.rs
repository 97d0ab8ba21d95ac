//! Names this build of hblint by its sources, for the content cache.
//!
//! The cache keeps results only for the build that computed them. A digest of
//! the sources (`src/`, `rules/`, `Cargo.toml`, `Cargo.lock`) names a build
//! wherever its binary is copied: a CI job that downloads the same release
//! binary as the job that filled the cache gets the same name, while any
//! change to the code or its embedded data gives another.

use std::path::{Path, PathBuf};

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
