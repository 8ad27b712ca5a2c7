//! Helpers for Atelier's tests: a real server on port 0 with its own
//! runtime (so a test can crash it), and a real y-websocket client that
//! keeps its own yrs document.

pub mod browser;
pub mod client;
pub mod engines;
pub mod server;

pub use client::{Ended, YClient};
pub use server::TestServer;

use std::time::Duration;

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
pub async fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The `atelier` binary built in this package (`src/bin/atelier-process.rs`),
/// beside the test executables (`target/<profile>/deps/..`).
pub fn server_binary() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("CARGO_BIN_EXE_atelier-process") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("the test's own path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    dir.join(format!("atelier-process{}", std::env::consts::EXE_SUFFIX))
}

/// A directory of its own under the system temp dir.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "atelier-{name}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Logs to the test output when `RUST_LOG` is set.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_test_writer()
        .try_init();
}
