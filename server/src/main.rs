//! `atelier`: see `cli.rs`.

fn main() -> anyhow::Result<()> {
    atelier_server::cli::main()
}
