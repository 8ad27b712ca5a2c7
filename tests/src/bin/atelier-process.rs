//! The `atelier` binary, built in this package too, so the integration
//! tests can run the server as a process of its own
//! (`CARGO_BIN_EXE_atelier-process`): to measure its memory, or kill it.

fn main() -> anyhow::Result<()> {
    atelier_server::cli::main()
}
