//! `hblint install-hook`: a git pre-commit hook that runs `hblint check --staged`.

use super::EXIT_CLEAN;
use crate::cli::InstallHookArgs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The line that marks a hook as written by hblint (and so safe to replace).
pub const MARKER: &str = "# Written by `hblint install-hook`.";

/// The hook script, running `program`.
pub fn script(program: &str) -> String {
    let quoted = format!("'{}'", program.replace('\'', r"'\''"));
    format!(
        "#!/bin/sh\n\
         {MARKER}\n\
         # Lints the staged Markdown pages before each commit.\n\
         # Skip it once: git commit --no-verify. Remove it: delete this file.\n\
         if ! command -v {quoted} >/dev/null 2>&1; then\n\
         \techo \"hblint pre-commit hook: {program} not found; install hblint or delete $0\" >&2\n\
         \texit 1\n\
         fi\n\
         {quoted} check --staged\n\
         status=$?\n\
         if [ \"$status\" -eq 1 ]; then\n\
         \techo \"hblint: commit blocked. Apply the safe fixes with \\`hblint check --staged --fix\\`, \
         then commit again (or skip once: git commit --no-verify).\" >&2\n\
         fi\n\
         exit \"$status\"\n"
    )
}

/// `hblint` when the `hblint` on `PATH` is this program, else its absolute path.
fn program() -> String {
    let me = std::env::current_exe().and_then(std::fs::canonicalize).ok();
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("hblint"))
            .find(|p| p.is_file())
            .and_then(|p| std::fs::canonicalize(p).ok())
    });
    match (me, on_path) {
        (Some(me), Some(found)) if me == found => "hblint".to_owned(),
        (Some(me), _) => me.display().to_string(),
        (None, _) => "hblint".to_owned(),
    }
}

pub fn run(args: &InstallHookArgs) -> miette::Result<ExitCode> {
    let cwd = std::env::current_dir()
        .map_err(|e| miette::miette!("cannot read the current directory: {e}"))?;
    let hooks = crate::git::hooks_dir(&cwd).map_err(|e| {
        miette::miette!(
            help = "run `hblint install-hook` inside the git repository",
            "{e}"
        )
    })?;
    let path = install(&hooks, &program(), args.force)?;
    println!("Installed the pre-commit hook: {}", path.display());
    println!("Each `git commit` now runs `hblint check --staged`; skip it once with --no-verify.");
    Ok(EXIT_CLEAN)
}

/// Write the hook into `hooks`; refuse to replace a hook hblint did not write
/// unless `force`, and then keep the old one beside it.
pub fn install(hooks: &Path, program: &str, force: bool) -> miette::Result<PathBuf> {
    std::fs::create_dir_all(hooks)
        .map_err(|e| miette::miette!("cannot create {}: {e}", hooks.display()))?;
    let path = hooks.join("pre-commit");
    let exists = std::fs::symlink_metadata(&path).is_ok();
    let ours = std::fs::read(&path)
        .map(|b| String::from_utf8_lossy(&b).contains(MARKER))
        .unwrap_or(false);
    if exists && !ours {
        if !force {
            return Err(miette::miette!(
                help = "run `hblint install-hook --force` to replace it (the old hook is kept as \
                        pre-commit.hblint-backup), or call `hblint check --staged` from it yourself",
                "{} exists and was not written by hblint",
                path.display()
            ));
        }
        let backup = hooks.join("pre-commit.hblint-backup");
        std::fs::rename(&path, &backup)
            .map_err(|e| miette::miette!("cannot move {} aside: {e}", path.display()))?;
        eprintln!("Kept the previous hook as {}", backup.display());
    }
    crate::fix::write_new(&path, script(program).as_bytes(), 0o755)
        .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_foreign_hooks_unless_forced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let hooks = dir.path().join("hooks");
        let p = install(&hooks, "/opt/it's/hblint", false).expect("installs");
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(
            text.contains("\n'/opt/it'\\''s/hblint' check --staged\n"),
            "{text}"
        );
        // Ours: replaced without --force.
        install(&hooks, "hblint", false).expect("reinstalls");
        std::fs::write(&p, "#!/bin/sh\necho mine\n").expect("write");
        assert!(install(&hooks, "hblint", false).is_err());
        install(&hooks, "hblint", true).expect("forced");
        let backup = std::fs::read_to_string(hooks.join("pre-commit.hblint-backup")).expect("kept");
        assert!(backup.contains("echo mine"));
    }
}
