//! Atelier's build tooling: `cargo xtask run` and `cargo xtask test`, the
//! two commands a newcomer needs. Each installs what is missing (the wasm32
//! target, Chromium and chromedriver, the npm packages of the interop test,
//! PostgreSQL and nats-server for the multi-node tests) and is safe to run
//! again.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

mod cluster;
mod fuzz;
mod web;

/// Seconds each fuzz target runs in `cargo xtask test`.
const FUZZ_IN_TEST: u64 = 15;

const USAGE: &str = "\
usage: cargo xtask <command>

  run [-- ARGS]   build the web app and the release server, then start
                  `atelier ARGS` (default: serve on 127.0.0.1:8080, ./data)
  test            install what the suite needs and run all of it:
                  formatting, clippy, unit, integration, interop and
                  browser tests
  cluster         a local three-node demo: PostgreSQL and nats-server on
                  loopback, three nodes on ports 8081-8083, until Ctrl-C
  web             build the web app into target/web only (hashed names,
                  brotli and gzip beside each file)
  fuzz [SECONDS]  fuzz everything read from the wire, files and the disk
                  (libFuzzer), each target for SECONDS (default 60)
";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.skip_while(|a| a == "--").collect();
    let root = root();
    std::env::set_current_dir(&root)?;
    match command.as_str() {
        "run" => run(&root, &rest),
        "test" => test(&root),
        "cluster" => cluster::run(&root),
        "web" => web::build(&root),
        "fuzz" => {
            let seconds = rest.first().map(|s| s.parse()).transpose()?;
            fuzz::run(&root, seconds.unwrap_or(60))
        }
        "" | "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

fn run(root: &Path, args: &[String]) -> Result<()> {
    web::build(root)?;
    step("building the release server");
    cargo(&["build", "--release", "-p", "atelier-server"])?;
    let binary = root.join("target/release/atelier");
    step(&format!("starting {}", binary.display()));
    let status = Command::new(&binary).args(args).status()?;
    if !status.success() {
        bail!("atelier exited with {status}");
    }
    Ok(())
}

fn test(root: &Path) -> Result<()> {
    step("checking formatting");
    cargo(&["fmt", "--all", "--check"])?;
    fuzz::check_format(root)?;
    web::build(root)?;
    ensure_browser()?;
    ensure_engines()?;
    ensure_npm_packages(&root.join("tests/js"))?;
    step("clippy (server, shared, tests, xtask)");
    cargo(&[
        "clippy",
        "--workspace",
        "--exclude",
        "atelier-client",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy (client, wasm32)");
    cargo(&[
        "clippy",
        "-p",
        "atelier-client",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ])?;
    step("the test suite");
    test_suite()?;
    fuzz::run(root, FUZZ_IN_TEST)
}

/// Runs `cargo test`, echoing its output, and ends with one line that sums
/// up every test binary's `test result:` line.
fn test_suite() -> Result<()> {
    use std::io::{BufRead, BufReader};
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo)
        .args(["test", "--workspace", "--exclude", "atelier-client"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("starting cargo test")?;
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            if let Some(result) = line.strip_prefix("test result: ") {
                for part in result.split(';') {
                    let mut words = part.split_whitespace().rev();
                    let (Some(kind), Some(count)) = (words.next(), words.next()) else {
                        continue;
                    };
                    let count: u64 = count.parse().unwrap_or(0);
                    match kind {
                        "passed" => passed += count,
                        "failed" => failed += count,
                        _ => {}
                    }
                }
            }
        }
    }
    let status = child.wait()?;
    println!("tests: {passed} passed, {failed} failed");
    if !status.success() {
        bail!("cargo test failed with {status}");
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target");
    check(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
        .context("rustup target add wasm32-unknown-unknown")
}

/// Debian's Chromium and chromedriver, for the browser tests.
fn ensure_browser() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's PostgreSQL and nats-server, for the multi-node tests (each
/// test starts throwaway ones of its own on loopback ports, and stops them).
pub(crate) fn ensure_engines() -> Result<()> {
    let postgres = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .any(|version| version.path().join("bin/initdb").exists());
    let nats = [
        "/usr/sbin/nats-server",
        "/usr/bin/nats-server",
        "/usr/local/bin/nats-server",
    ]
    .iter()
    .any(|p| Path::new(p).exists());
    let missing: Vec<&str> = [(!postgres, "postgresql"), (!nats, "nats-server")]
        .into_iter()
        .filter_map(|(missing, package)| missing.then_some(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(&missing)
}

/// Node and npm, and the interop test's packages from its lock file.
fn ensure_npm_packages(dir: &Path) -> Result<()> {
    if output("node", &["--version"]).is_none() || output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    let installed = dir.join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&installed).and_then(|m| m.modified()),
        std::fs::metadata(dir.join("package-lock.json")).and_then(|m| m.modified()),
    ) {
        (Ok(installed), Ok(lock)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    step("installing the interop test's npm packages (npm ci)");
    check(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
    .context("npm ci in tests/js")
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let root = output("id", &["-u"]).is_some_and(|id| id.trim() == "0");
    let list = packages.join(" ");
    if !root {
        bail!(
            "missing Debian packages; install them with:\n  sudo apt-get update && sudo apt-get install -y {list}"
        );
    }
    step(&format!("installing {list} (apt-get)"));
    check(
        Command::new("apt-get")
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    check(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
    .with_context(|| format!("apt-get install {list}"))
}

pub(crate) fn cargo(args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    check(Command::new(cargo).args(args)).with_context(|| format!("cargo {}", args.join(" ")))
}

fn check(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("starting {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(crate) fn step(what: &str) {
    println!("==> {what}");
}
