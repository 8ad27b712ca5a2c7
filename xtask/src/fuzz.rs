//! `cargo xtask fuzz [SECONDS]`: coverage-guided fuzzing (libFuzzer) of
//! everything Atelier reads from the wire, files and the disk. The targets
//! live in `tests/fuzz` (a crate of its own, outside the workspace); they
//! are built with the instrumentation flags cargo-fuzz uses, which stable
//! rustc takes, into `target/fuzz`. Each runs from its committed corpus
//! (`tests/fuzz/corpus/<target>`, read only) for SECONDS; what it finds
//! new stays in `target/fuzz/corpus`, a crash in `target/fuzz/artifacts`,
//! and fails the command.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// One target a reader: see `tests/fuzz/src/lib.rs`.
pub const TARGETS: [&str; 6] = [
    "frame",
    "update",
    "command",
    "import",
    "board_json",
    "stored",
];

const FLAGS: &str = "--cfg fuzzing -Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares";

pub fn run(root: &Path, seconds: u64) -> Result<()> {
    let host = host_triple()?;
    crate::step("building the fuzz targets (libFuzzer)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--release", "--target", &host, "--target-dir"])
        .arg(root.join("target/fuzz"))
        .arg("--manifest-path")
        .arg(root.join("tests/fuzz/Cargo.toml"))
        // Build scripts and proc macros get no instrumentation: with an
        // explicit --target, RUSTFLAGS reach only the target's code.
        .env("RUSTFLAGS", FLAGS);
    for target in TARGETS {
        build.args(["--bin", target]);
    }
    crate::check(&mut build).context("building the fuzz targets")?;
    let bin = root.join("target/fuzz").join(&host).join("release");
    let artifacts = root.join("target/fuzz/artifacts");
    std::fs::create_dir_all(&artifacts)?;
    for target in TARGETS {
        crate::step(&format!("fuzzing `{target}` for {seconds} s"));
        let found = root.join("target/fuzz/corpus").join(target);
        std::fs::create_dir_all(&found)?;
        let seeds = root.join("tests/fuzz/corpus").join(target);
        let out = Command::new(bin.join(target))
            .arg(&found)
            .arg(&seeds)
            .arg(format!("-max_total_time={seconds}"))
            .arg("-max_len=65536")
            .arg("-rss_limit_mb=2048")
            .arg("-timeout=10")
            .arg(format!(
                "-artifact_prefix={}/{target}-",
                artifacts.display()
            ))
            .arg("-print_final_stats=1")
            .output()
            .with_context(|| format!("running the fuzz target {target}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let summary: Vec<&str> = log
            .lines()
            .filter(|l| l.starts_with("stat::number_of_executed_units") || l.starts_with("Done"))
            .collect();
        println!("  {}", summary.join("; "));
        if !out.status.success() {
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!(
                "fuzz target `{target}` failed ({}); its input is in {}:\n{}",
                out.status,
                artifacts.display(),
                tail.join("\n")
            );
        }
    }
    Ok(())
}

/// Checks the fuzz crate's formatting (it is outside the workspace).
pub fn check_format(root: &Path) -> Result<()> {
    crate::cargo(&[
        "fmt",
        "--manifest-path",
        &root.join("tests/fuzz/Cargo.toml").to_string_lossy(),
        "--check",
    ])
}

fn host_triple() -> Result<String> {
    let info = crate::output("rustc", &["-vV"]).context("rustc -vV")?;
    info.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")
}
