//! What a holder of a link (a viewer's, an editor's) or a bad disk could do
//! to a server, each attack run against the real `atelier` binary as a
//! process of its own: the honest clients keep their board, the server its
//! memory (its own resident set, read from `/proc`), nothing stored is
//! wiped. No timings are asserted: bounds are in bytes and outcomes.

use std::time::Duration;

use atelier_server::Role;
use atelier_shared::facilitation::Command;
use atelier_shared::protocol;
use atelier_tests::client::Ended;
use atelier_tests::{TestServer, YClient, eventually};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::encoder::Encode;
use yrs::{Doc, Map, ReadTxn, StateVector, Transact};

const WAIT: Duration = Duration::from_secs(20);
const MIB: u64 = 1024;

/// A facilitator and an editor on `board`, synced, saying hello.
async fn honest(server: &TestServer, board: &str) -> (YClient, YClient) {
    let mut fac = YClient::connect(&server.ws_as(board, Role::Facilitator))
        .await
        .unwrap();
    let mut ed = YClient::connect(&server.ws_as(board, Role::Editor))
        .await
        .unwrap();
    fac.synced().await;
    ed.synced().await;
    (fac, ed)
}

/// The honest clients still edit together and the server answers.
async fn still_fine(server: &TestServer, a: &YClient, b: &YClient, note: &str) {
    assert!(
        a.is_open() && b.is_open(),
        "an honest client was disconnected"
    );
    a.put_note(note, "still here").await;
    assert!(
        eventually(WAIT, || b.note_text(note).is_some()).await,
        "the board stopped relaying"
    );
    assert_eq!(server.get("/healthz").await.0, 200);
}

/// A raw websocket on `board` as `role` that never reads: an attacker.
async fn raw_socket(
    server: &TestServer,
    board: &str,
    role: Role,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    tokio_tungstenite::connect_async(server.ws_as(board, role))
        .await
        .expect("attacker connects")
        .0
}

/// Fills `board` with about `mib` MiB of note text, through `client`.
async fn fill(client: &YClient, other: &YClient, mib: usize) {
    let blob = "w".repeat(256 * 1024);
    for i in 0..mib * 4 {
        client.put_note(&format!("big-{i}"), &blob).await;
    }
    let last = format!("big-{}", mib * 4 - 1);
    assert!(eventually(WAIT, || other.note_text(&last).is_some()).await);
}

/// 1. SyncStep1 amplification: 32 viewer connections keep asking a ~10 MB
/// board for "what I lack" with state vectors that are not empty, and
/// never read. Before the fix each request re-encoded the whole board into
/// the asker's queue (3.7 GB); now a peer gets one answer at a time, from
/// the one shared encoding, only while the server's outgoing bytes stay
/// under `--max-outgoing-bytes`, and a peer that asks on and on without
/// reading is disconnected (1008).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_step1_floods_from_viewers_cost_one_encoding() {
    let server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "amplify").await;
    fill(&fac, &ed, 10).await;
    let (_, before_peak) = server.rss_kib();
    // A state vector naming a client the board has never seen.
    let mut sv = StateVector::default();
    sv.set_max(yrs::block::ClientID::new(424242), 7);
    let ask = Message::Sync(SyncMessage::SyncStep1(sv)).encode_v1();
    let mut attackers = Vec::new();
    for _ in 0..32 {
        attackers.push(raw_socket(&server, "amplify", Role::Viewer).await);
    }
    for _ in 0..50 {
        for socket in &mut attackers {
            let _ = socket.send(WsMessage::Binary(ask.clone().into())).await;
        }
    }
    still_fine(&server, &fac, &ed, "after-amplify").await;
    // Each asked for more than it read: disconnected.
    assert!(
        server
            .metric_reaches("atelier_protocol_errors_total", |v| v >= 32.0)
            .await,
        "the askers were kept"
    );
    let (_, peak) = server.rss_kib();
    assert!(
        peak < before_peak + 64 * MIB,
        "RSS peak went from {before_peak} KiB to {peak} KiB"
    );
    drop(attackers);
    server.stop().await;
}

/// 9. Declared lengths: a SyncStep1 of 8 bytes declaring 2^28 clients, an
/// awareness update declaring as many, and an update nesting arrays a
/// million deep (before the fix: 523 MB reserved per frame, and a stack
/// overflow that killed the process). Each closes its own socket (1007).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_lengths_and_depths_are_checked_before_decoding() {
    let server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "lengths").await;
    let (_, before_peak) = server.rss_kib();
    let mut deep = vec![1, 1, 7, 0, 0b1000, 1, 1, b'a', 1];
    for _ in 0..1_000_000 {
        deep.extend([117, 1]);
    }
    deep.extend([126, 0]);
    let frames: Vec<(&str, Vec<u8>)> = vec![
        (
            "state vector of 2^28",
            vec![0, 0, 5, 0x80, 0x80, 0x80, 0x80, 0x01],
        ),
        (
            "awareness of 2^28",
            vec![1, 5, 0x80, 0x80, 0x80, 0x80, 0x01],
        ),
        ("nested a million deep", protocol::update(deep)),
    ];
    for (what, frame) in frames {
        for _ in 0..20 {
            let mut attacker = YClient::connect(&server.ws_as("lengths", Role::Viewer))
                .await
                .unwrap();
            attacker.synced().await;
            attacker.send_raw(frame.clone()).await;
            assert_eq!(
                attacker.ended(WAIT).await,
                Some(Ended::Closed(1007)),
                "{what}"
            );
        }
    }
    still_fine(&server, &fac, &ed, "after-lengths").await;
    let (_, peak) = server.rss_kib();
    assert!(
        peak < before_peak + 100 * MIB,
        "RSS peak went from {before_peak} KiB to {peak} KiB"
    );
    server.stop().await;
}

/// What an attacker with an editor's link builds: an update of its own
/// document that deletes `id` and one that rewrites its text.
fn tamper(doc: &Doc, id: &str) -> (Vec<u8>, Vec<u8>) {
    let elements = doc.get_or_insert_map("elements");
    let rewrite = {
        let mut txn = doc.transact_mut();
        if let Some(yrs::Out::YMap(note)) = elements.get(&txn, id) {
            note.insert(&mut txn, "text", "defaced");
            note.insert(&mut txn, "color", "#000000");
        }
        txn.encode_update_v1()
    };
    let delete = {
        let mut txn = doc.transact_mut();
        elements.remove(&mut txn, id);
        txn.encode_update_v1()
    };
    (rewrite, delete)
}

/// 2. Locks through private notes: an editor sends a change to a locked
/// note as private notes (custom message 93), with private mode off (it
/// went straight onto the board) and on (it landed at the reveal). Both
/// now go through the lock guard: the locked note stays as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_notes_cannot_change_locked_elements() {
    let server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "locks").await;
    for id in ["kept", "kept-2"] {
        fac.put_note(id, "decided").await;
    }
    assert!(eventually(WAIT, || ed.note_text("kept-2").is_some()).await);
    fac.command(&Command::Hello {
        voter: "fac-voter-key-0001".into(),
    })
    .await;
    fac.command(&Command::Lock {
        ids: vec!["kept".into(), "kept-2".into()],
    })
    .await;
    assert!(
        eventually(WAIT, || fac
            .facilitation()
            .is_some_and(|s| s.locked.len() == 2))
        .await
    );

    let mut rogue = YClient::connect(&server.ws_as("locks", Role::Editor))
        .await
        .unwrap();
    rogue.synced().await;
    rogue
        .command(&Command::Hello {
            voter: "rogue-voter-key-01".into(),
        })
        .await;
    // Private mode off: straight at the board, and undone at once.
    let (rewrite, delete) = tamper(&rogue.doc, "kept");
    rogue.send_private(rewrite).await;
    rogue.send_private(delete).await;
    assert!(eventually(WAIT, || !rogue.denied().is_empty()).await);
    assert!(eventually(WAIT, || rogue.note_text("kept").is_some()).await);
    // Private mode on: kept until the reveal.
    fac.command(&Command::PrivateOn).await;
    assert!(eventually(WAIT, || fac.facilitation().is_some_and(|s| s.private)).await);
    let (rewrite, delete) = tamper(&rogue.doc, "kept-2");
    rogue.send_private(rewrite).await;
    rogue.send_private(delete).await;
    assert!(eventually(WAIT, || fac.facilitation().is_some_and(|s| s.pooled >= 1)).await);
    fac.command(&Command::Reveal).await;
    assert!(eventually(WAIT, || fac.facilitation().is_some_and(|s| !s.private)).await);
    still_fine(&server, &fac, &ed, "after-locks").await;
    let mut late = YClient::connect(&server.ws("locks")).await.unwrap();
    late.synced().await;
    for reader in [&fac, &ed, &late] {
        for id in ["kept", "kept-2"] {
            assert_eq!(reader.note_text(id).as_deref(), Some("decided"), "{id}");
        }
    }
    // And as stored, after a restart.
    let dir = server.data_dir.clone();
    drop((fac, ed, rogue, late));
    server.stop().await;
    let server = TestServer::spawn_in(&dir, &[]).await;
    let mut check = YClient::connect(&server.ws("locks")).await.unwrap();
    check.synced().await;
    for id in ["kept", "kept-2"] {
        assert_eq!(check.note_text(id).as_deref(), Some("decided"));
    }
    server.stop().await;
}

/// Updates of client `client` whose blocks start at clock `from`: the
/// board never saw the clocks before, so they wait there (pending).
fn gapped_update(client: u64, from: u32, text: &str) -> Vec<u8> {
    let doc = Doc::with_client_id(client);
    let t = doc.get_or_insert_text("gap");
    {
        let mut txn = doc.transact_mut();
        yrs::Text::insert(&t, &mut txn, 0, &"p".repeat(from as usize));
    }
    let sv = doc.transact().state_vector();
    let mut txn = doc.transact_mut();
    let len = yrs::Text::len(&t, &txn);
    yrs::Text::insert(&t, &mut txn, len, text);
    drop(txn);
    doc.transact().encode_diff_v1(&sv)
}

/// 3. Updates with missing dependencies: an editor sends updates whose
/// blocks wait for clocks that never come (before the fix: held without
/// bound, written into snapshots, sent to every joiner). A board holds at
/// most `--max-pending-bytes` of them for at most `--pending-timeout`,
/// then drops them and closes their sender (1008); a joiner never gets
/// them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_waiting_for_missing_changes_are_bounded() {
    let server = TestServer::spawn(&["--pending-timeout", "2s"]).await;
    let (fac, ed) = honest(&server, "pending").await;
    let (_, before_peak) = server.rss_kib();
    // Too many bytes: closed at once.
    let mut hoarder = YClient::connect(&server.ws_as("pending", Role::Editor))
        .await
        .unwrap();
    hoarder.synced().await;
    let chunk = "m".repeat(512 * 1024);
    for i in 0..60u64 {
        hoarder
            .send_raw(protocol::update(gapped_update(1000 + i, 5, &chunk)))
            .await;
    }
    assert_eq!(hoarder.ended(WAIT).await, Some(Ended::Closed(1008)));
    // Too long: closed when the timeout passes.
    let mut waiter = YClient::connect(&server.ws_as("pending", Role::Editor))
        .await
        .unwrap();
    waiter.synced().await;
    waiter
        .send_raw(protocol::update(gapped_update(2000, 3, "MARKER-PENDING")))
        .await;
    // Meanwhile a joiner is not sent what waits.
    let mut joiner = YClient::connect(&server.ws_as("pending", Role::Viewer))
        .await
        .unwrap();
    joiner.synced().await;
    let text = joiner.doc.get_or_insert_text("gap");
    assert_eq!(
        yrs::GetString::get_string(&text, &joiner.doc.transact()),
        "",
        "a joiner got pending structs"
    );
    assert!(!joiner.doc.transact().has_missing_updates());
    assert_eq!(waiter.ended(WAIT).await, Some(Ended::Closed(1008)));
    assert!(server.metric("atelier_pending_dropped_total").await >= 2.0);
    still_fine(&server, &fac, &ed, "after-pending").await;
    let (_, peak) = server.rss_kib();
    assert!(
        peak < before_peak + 150 * MIB,
        "RSS peak went from {before_peak} KiB to {peak} KiB"
    );
    server.stop().await;
}

/// 4. A snapshot that does not decode: the board is refused (close 4500,
/// a 500 that says so from the API, `/healthz` unhealthy), its rows stay
/// byte for byte what they were, and nothing is ever compacted over them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_snapshot_is_refused_and_kept() {
    let server = TestServer::spawn(&["--compact-after", "5"]).await;
    let dir = server.data_dir.clone();
    let (fac, ed) = honest(&server, "corrupt").await;
    for i in 0..20 {
        fac.put_note(&format!("n{i}"), "a note worth keeping").await;
    }
    assert!(eventually(WAIT, || ed.note_text("n19").is_some()).await);
    let mut other = YClient::connect(&server.ws("healthy")).await.unwrap();
    let mut witness = YClient::connect(&server.ws("healthy")).await.unwrap();
    other.synced().await;
    witness.synced().await;
    other.put_note("h", "another board").await;
    assert!(eventually(WAIT, || witness.note_text("h").is_some()).await);
    drop((fac, ed, other, witness));
    server.stop().await;

    // The disk flips bytes in the middle of the snapshot.
    let db = dir.join("atelier.db");
    let damaged = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut data: Vec<u8> = conn
            .query_row(
                "SELECT data FROM snapshots WHERE board = 'corrupt'",
                [],
                |r| r.get(0),
            )
            .expect("the board was compacted");
        let mid = data.len() / 2;
        data[mid..mid + 16].fill(0xff);
        conn.execute(
            "UPDATE snapshots SET data = ?1 WHERE board = 'corrupt'",
            [&data],
        )
        .unwrap();
        data
    };
    let stored = |table: &str| -> Vec<Vec<u8>> {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT data FROM {table} WHERE board = 'corrupt' ORDER BY 1"
            ))
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let log_before = stored("updates");

    let server = TestServer::spawn_in(&dir, &["--compact-after", "5"]).await;
    for _ in 0..3 {
        let mut refused = YClient::connect(&server.ws("corrupt")).await.unwrap();
        assert_eq!(refused.ended(WAIT).await, Some(Ended::Closed(4500)));
        // A refused board sends no state; writes never reach it.
        refused.put_note("over", "written over").await;
    }
    let (status, body) = server.get("/healthz").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("corrupt"), "{body}");
    let token = server.token("corrupt", Role::Viewer);
    let (status, body) = server
        .request_with(&token, "GET", "/api/boards/corrupt/export/board.json", None)
        .await;
    assert_eq!(status, 500);
    assert!(body.contains("cannot be read"), "{body}");
    // Other boards are served as ever.
    let mut fine = YClient::connect(&server.ws("healthy")).await.unwrap();
    fine.synced().await;
    assert_eq!(fine.note_text("h").as_deref(), Some("another board"));
    drop(fine);
    server.stop().await;
    assert_eq!(
        stored("snapshots"),
        vec![damaged],
        "the snapshot was touched"
    );
    assert_eq!(stored("updates"), log_before, "the log was touched");
}

/// 4. A data directory that has its boards' key but lost its database is
/// a start-up error, not an empty server.
#[tokio::test]
async fn a_lost_database_beside_its_key_stops_the_start() {
    let dir = atelier_tests::temp_dir("lost-db");
    std::fs::write(dir.join("secret.key"), [9u8; 32]).unwrap();
    let out = std::process::Command::new(atelier_tests::server_binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("missing or empty"), "{said}");
    assert!(!dir.join("atelier.db").exists());
}
