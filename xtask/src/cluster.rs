//! `cargo xtask cluster`: a local three-node demo of a cluster. A
//! throwaway PostgreSQL and a nats-server (Debian's, started on loopback
//! ports in a temporary directory) and three `atelier` nodes on them, until
//! Ctrl-C; then everything is stopped and the temporary cluster removed.

use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

// Shared with the tests, which use all of it.
#[allow(dead_code)]
#[path = "../../tests/src/engines.rs"]
mod engines;

/// The nodes' ports: 8081, 8082, 8083.
const FIRST_PORT: u16 = 8081;
const NODES: u16 = 3;

pub fn run(root: &Path) -> Result<()> {
    crate::ensure_engines()?;
    crate::web::build(root)?;
    crate::step("building the release server");
    crate::cargo(&["build", "--release", "-p", "atelier-server"])?;
    let binary = root.join("target/release/atelier");

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("listening for Ctrl-C")?;

    crate::step("starting PostgreSQL and nats-server on loopback");
    let pg = engines::Postgres::start()?;
    let nats = engines::Nats::start()?;
    let mut nodes: Vec<Child> = Vec::new();
    for i in 0..NODES {
        let port = FIRST_PORT + i;
        let data = std::env::temp_dir().join(format!("atelier-cluster-node{port}"));
        let child = Command::new(&binary)
            .arg("serve")
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data)
            .args(["--store", &pg.url(), "--broker", &nats.url()])
            .spawn()
            .with_context(|| format!("starting node {port}"))?;
        nodes.push(child);
    }
    println!();
    println!("Atelier cluster: three nodes sharing every board");
    for i in 0..NODES {
        println!("  node {}: http://127.0.0.1:{}/", i + 1, FIRST_PORT + i);
    }
    println!("  PostgreSQL: {}", pg.url());
    println!("  NATS:       {}", nats.url());
    println!("A board opened on one node is live on the others. Ctrl-C stops everything.");
    println!();

    while !stop.load(Ordering::SeqCst) {
        if let Some((i, status)) = nodes
            .iter_mut()
            .enumerate()
            .find_map(|(i, n)| n.try_wait().ok().flatten().map(|s| (i, s)))
        {
            println!("node {} exited ({status}): stopping the cluster", i + 1);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    crate::step("stopping the nodes, nats-server and PostgreSQL");
    for node in &mut nodes {
        let _ = Command::new("kill")
            .args(["-TERM", &node.id().to_string()])
            .status();
    }
    for node in &mut nodes {
        let _ = node.wait();
    }
    drop(nats);
    drop(pg);
    Ok(())
}
