//! The web app's build output (`target/web`, written by `cargo xtask`) is
//! embedded in release builds; the folder must exist for the crate to
//! compile even before the client was ever built.

fn main() {
    let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/web");
    if let Err(err) = std::fs::create_dir_all(&web) {
        println!("cargo:warning=could not create {}: {err}", web.display());
    }
    println!("cargo:rerun-if-changed=../target/web");
    println!("cargo:rerun-if-changed=../assets");
}
