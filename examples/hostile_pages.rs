//! Write the hostile pages of `tests/hostile.rs` to a folder, to measure them
//! by hand: `cargo run --example hostile_pages -- ROOT OUTSIDE`, then
//! `hblint check --root ROOT ROOT/content/hostile/PAGE`.

#[allow(dead_code)] // the expectations are for the tests
#[path = "../tests/hostile/pages.rs"]
mod pages;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let (Some(root), Some(outside)) = (args.next(), args.next()) else {
        eprintln!("usage: hostile_pages ROOT OUTSIDE");
        std::process::exit(2);
    };
    let folder = pages::write_tree(root.as_ref(), outside.as_ref())?;
    println!("{}", folder.display());
    Ok(())
}
