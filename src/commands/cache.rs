//! `hblint cache clean`: remove the cache of page results.

use super::{EXIT_CLEAN, find_root};
use crate::cli::CacheCommand;
use std::process::ExitCode;

pub fn run(command: &CacheCommand) -> miette::Result<ExitCode> {
    match command {
        CacheCommand::Clean { root, cache_dir } => {
            let dir = match cache_dir {
                Some(dir) => dir.clone(),
                None => crate::cache::default_dir(&find_root(root.as_deref(), None)?),
            };
            let removed = crate::cache::clean(&dir).map_err(|e| {
                miette::miette!("cannot remove the cache folder {}: {e}", dir.display())
            })?;
            if removed {
                eprintln!("Removed the cache {}", dir.display());
            } else {
                eprintln!("No cache at {}", dir.display());
            }
            Ok(EXIT_CLEAN)
        }
    }
}
