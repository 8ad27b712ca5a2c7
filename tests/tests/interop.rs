//! Any Yjs client can join: the JavaScript `y-websocket` client and a Rust
//! client edit one board through the server and converge.
//!
//! Needs Node and `tests/js/node_modules` (`cargo xtask test` installs them).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use atelier_server::Config;
use atelier_tests::{TestServer, YClient, eventually};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use yrs::{GetString, Map, Text, Transact};

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_javascript_yjs_client_and_a_rust_client_converge() {
    assert!(
        js_dir().join("node_modules/y-websocket").exists(),
        "tests/js/node_modules is missing: run `cargo xtask test` (it runs `npm ci` there)"
    );
    let server = TestServer::start(Config::default()).await;
    let mut rust = YClient::connect(&server.ws("interop")).await.unwrap();
    rust.synced().await;

    let mut node = tokio::process::Command::new("node")
        .arg("interop.mjs")
        .arg(format!("ws://{}/ws", server.addr))
        .arg("interop")
        .arg(server.token("interop", atelier_server::Role::Editor))
        .current_dir(js_dir())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node is installed");
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let next = tokio::time::timeout(Duration::from_secs(20), lines.next_line());
    assert_eq!(next.await.unwrap().unwrap().as_deref(), Some("SYNCED"));

    // The JS client's note, its typing and its awareness reach Rust.
    let elements = rust.elements();
    assert!(
        eventually(Duration::from_secs(10), || elements
            .get(&rust.doc.transact(), "js-note")
            .is_some())
        .await,
        "the JS note never arrived"
    );
    assert!(
        eventually(Duration::from_secs(10), || !rust.peers().is_empty()).await,
        "the JS client's awareness never arrived"
    );
    rust.put_note("rust-note", "Written by yrs").await;
    let shared = rust.doc.get_or_insert_text("shared");
    rust.edit(|txn| {
        let len = shared.len(txn);
        shared.insert(txn, len, "rust");
    })
    .await;

    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("JS result in time")
        .unwrap()
        .expect("a RESULT line");
    let js: Value = serde_json::from_str(line.strip_prefix("RESULT ").expect("RESULT")).unwrap();
    let status = node.wait().await.unwrap();
    assert!(status.success(), "node exited with {status}");

    let mine: Value = serde_json::from_str(&rust.snapshot()).unwrap();
    assert_eq!(js["elements"], mine["elements"], "elements diverged");
    assert_eq!(
        js["shared"].as_str().unwrap(),
        shared.get_string(&rust.doc.transact())
    );
    assert_eq!(js["elements"]["js-note"]["text"], "Written by Yjs");
    assert_eq!(js["elements"]["rust-note"]["text"], "Written by yrs");
    // Leaving removes the JS client's cursor.
    assert!(eventually(Duration::from_secs(10), || rust.peers().is_empty()).await);
    server.stop().await;
}
