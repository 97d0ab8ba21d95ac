//! The `hblint` binary: everything is in the library's [`hblint::main`].

fn main() -> std::process::ExitCode {
    hblint::main()
}
