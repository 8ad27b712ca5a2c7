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

/// Says hello with `key`, under the field name every server version reads
/// (`voter`, which the server takes as the key the client keeps).
async fn hello(client: &YClient, key: &str) {
    let json = serde_json::json!({ "do": "hello", "voter": key }).to_string();
    client
        .send_raw(
            Message::Custom(atelier_shared::facilitation::COMMAND, json.into_bytes()).encode_v1(),
        )
        .await;
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
    hello(&fac, "fac-voter-key-0001").await;
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
    hello(&rogue, "rogue-voter-key-01").await;
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
    // Default limits: 1 MiB, 10 s.
    let server = TestServer::spawn(&[]).await;
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

/// 8. Half-open requests: 300 connections from one address that send part
/// of their headers and wait (before the fix they held a file descriptor
/// each until the process ran out). One address holds at most
/// `--max-connections-per-ip` connections, each must send its headers
/// within `--header-timeout`, and clients from other addresses are served
/// meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_requests_are_capped_per_address_and_timed_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Default limits: 256 connections an address, headers within 10 s.
    let mut server = TestServer::spawn(&[]).await;
    let pid = server.pid();
    let fds = || std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count());
    let before = fds();
    let mut held = Vec::new();
    for _ in 0..300 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        let Ok(mut tcp) = socket.connect(server.addr).await else {
            continue;
        };
        let _ = tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await;
        held.push(tcp);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let during = fds();
    assert!(
        during <= before + 256 + 16,
        "{before} file descriptors before, {during} during"
    );
    // Another address is served meanwhile.
    assert_eq!(server.get("/healthz").await.0, 200);
    let (fac, ed) = honest(&server, "busy").await;
    still_fine(&server, &fac, &ed, "during-half-open").await;
    // Every half-open request ends: refused at once, or timed out.
    let mut ended = 0;
    for tcp in &mut held {
        let mut buf = [0u8; 256];
        let read = tokio::time::timeout(Duration::from_secs(15), tcp.read(&mut buf)).await;
        if matches!(read, Ok(Ok(_)) | Ok(Err(_))) {
            ended += 1;
        }
    }
    assert_eq!(ended, held.len(), "some half-open requests were kept");
    assert!(server.alive());
    drop((fac, ed));
    server.stop().await;
}

/// An awareness update setting `entries` (client id, clock, JSON).
fn presence(entries: &[(u64, u32, &str)]) -> Vec<u8> {
    use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
    let update = AwarenessUpdate {
        clients: entries
            .iter()
            .map(|(client, clock, json)| {
                (
                    yrs::ClientID::new(*client),
                    AwarenessUpdateEntry {
                        clock: *clock,
                        json: (*json).into(),
                    },
                )
            })
            .collect(),
    };
    protocol::awareness(update)
}

/// 6. Awareness from a viewer's link: overwriting the facilitator's state
/// (to take over "follow me"), 50,000 ghost users, a 1 MB name, a state
/// that is not JSON (the JavaScript provider throws on it), then 100,000
/// updates in a row (before the fix they disconnected 4 of 5 honest
/// clients, and the flooder stayed). A client id is its first
/// connection's, states are small JSON objects, a connection holds a few
/// ids, its updates go out at a bounded rate, and the flooder alone is cut
/// off (1008).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awareness_cannot_be_hijacked_stuffed_or_flooded() {
    let server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "presence").await;
    let facilitator = serde_json::json!({"user": {"name": "Fanny", "color": "#e4572e"}, "view": [0, 0, 800, 600]});
    fac.set_awareness(facilitator.clone()).await;
    let mut others = Vec::new();
    for i in 0..3 {
        let mut c = YClient::connect(&server.ws_as("presence", Role::Editor))
            .await
            .unwrap();
        c.synced().await;
        c.set_awareness(serde_json::json!({"user": {"name": format!("P{i}")}}))
            .await;
        others.push(c);
    }
    let fac_id = fac.client_id();
    assert!(eventually(WAIT, || ed.awareness_of(fac_id).is_some()).await);
    let (_, before_peak) = server.rss_kib();

    let mut viewer = YClient::connect(&server.ws_as("presence", Role::Viewer))
        .await
        .unwrap();
    viewer.synced().await;
    // Hijack: the facilitator's id, a clock far ahead.
    let evil = r#"{"user":{"name":"Evil"},"view":[9999,9999,1,1]}"#;
    viewer
        .send_raw(presence(&[(fac_id.get(), 1_000, evil)]))
        .await;
    // Ghosts, a huge name, not JSON.
    let ghosts: Vec<(u64, u32, &str)> = (0..50_000u64)
        .map(|c| (5_000_000 + c, 1, r#"{"user":{"name":"ghost"}}"#))
        .collect();
    viewer.send_raw(presence(&ghosts)).await;
    let huge = format!(r#"{{"user":{{"name":"{}"}}}}"#, "n".repeat(1 << 20));
    viewer.send_raw(presence(&[(6_000_001, 1, &huge)])).await;
    viewer
        .send_raw(presence(&[(6_000_002, 1, "this is not JSON")]))
        .await;
    still_fine(&server, &fac, &ed, "after-presence").await;
    // What everyone sees: the facilitator as it is, a handful of ids from
    // the viewer, every state a JSON object.
    let mut late = YClient::connect(&server.ws("presence")).await.unwrap();
    late.synced().await;
    assert!(eventually(WAIT, || late.awareness_of(fac_id).is_some()).await);
    for reader in [&ed, &late] {
        let seen: serde_json::Value =
            serde_json::from_str(&reader.awareness_of(fac_id).unwrap()).unwrap();
        assert_eq!(seen, facilitator, "the facilitator's state was overwritten");
        let states = reader.awareness_states();
        assert!(
            states.len() <= 5 + 1 + 4,
            "{} awareness states",
            states.len()
        );
        for (_, json) in states {
            assert!(json.len() <= 16 * 1024);
            let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
            assert!(value.is_object() || value.is_null(), "{json}");
        }
    }

    // The flood: 100,000 updates of the viewer's own state.
    let mut flood = Vec::with_capacity(100_000);
    for clock in 2..100_002u32 {
        flood.push(presence(&[(
            7_000_000,
            clock,
            r#"{"user":{"name":"flood"}}"#,
        )]));
    }
    for frame in flood {
        viewer.send_raw(frame).await;
        if !viewer.is_open() {
            break;
        }
    }
    assert_eq!(viewer.ended(WAIT).await, Some(Ended::Closed(1008)));
    for c in others.iter().chain([&fac, &ed, &late]) {
        assert!(
            c.is_open(),
            "an honest client was disconnected by the flood"
        );
    }
    still_fine(&server, &fac, &ed, "after-flood").await;
    assert!(server.metric("atelier_awareness_dropped_total").await >= 50_000.0 - 4.0);
    let (_, peak) = server.rss_kib();
    assert!(
        peak < before_peak + 64 * MIB,
        "RSS peak went from {before_peak} KiB to {peak} KiB"
    );
    server.stop().await;
}

/// 7. Identities are the server's: one connection saying hello 50 times
/// under 50 names to vote 50 times with one vote a person (before the fix
/// every vote counted), and a viewer saying hello with an editor's voter
/// name to read that editor's private notes (before the fix it got them).
/// A hello is once a connection, and the identity is made from the key
/// the client keeps, the board and the link's role.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identities_cannot_be_chosen_from_the_wire() {
    let server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "ballots").await;
    hello(&fac, "facilitator-key-123").await;
    fac.put_note("n1", "a note to vote for").await;
    assert!(eventually(WAIT, || ed.note_text("n1").is_some()).await);
    fac.command(&Command::VoteOpen {
        scope: None,
        per_person: 1,
        on: Vec::new(),
    })
    .await;
    assert!(
        eventually(WAIT, || fac
            .facilitation()
            .and_then(|s| s.vote)
            .is_some_and(|v| v.open))
        .await
    );
    let mut stuffer = YClient::connect(&server.ws_as("ballots", Role::Editor))
        .await
        .unwrap();
    stuffer.synced().await;
    for i in 0..50 {
        hello(&stuffer, &format!("person-{i}")).await;
        stuffer
            .command(&Command::Vote {
                voter: format!("person-{i}"),
                id: "n1".into(),
            })
            .await;
    }
    // Each later hello is refused (or, before the fix, each vote counted).
    let cast = || {
        fac.facilitation()
            .and_then(|s| s.vote)
            .map_or(0, |v| v.cast)
    };
    assert!(eventually(WAIT, || stuffer.denied().len() >= 49 || cast() > 1).await);
    let vote = fac.facilitation().and_then(|s| s.vote).unwrap();
    assert_eq!((vote.cast, vote.voters), (1, 1), "{vote:?}");

    // Private notes: an editor's, asked for by a viewer with its key.
    fac.command(&Command::PrivateOn).await;
    assert!(eventually(WAIT, || fac.facilitation().is_some_and(|s| s.private)).await);
    let key = "the-editors-own-key";
    hello(&ed, key).await;
    let mine = Doc::new();
    let notes = {
        let elements = mine.get_or_insert_map("elements");
        let mut txn = mine.transact_mut();
        let note = elements.insert(&mut txn, "secret", yrs::MapPrelim::default());
        note.insert(&mut txn, "text", "only mine");
        drop(txn);
        mine.transact().encode_diff_v1(&StateVector::default())
    };
    ed.send_private(notes).await;
    assert!(eventually(WAIT, || fac.facilitation().is_some_and(|s| s.pooled == 1)).await);
    let mut spy = YClient::connect(&server.ws_as("ballots", Role::Viewer))
        .await
        .unwrap();
    spy.synced().await;
    hello(&spy, key).await;
    assert!(eventually(WAIT, || spy.facilitation().is_some()).await);
    // The editor itself, on a second connection with its key, gets them.
    let mut again = YClient::connect(&server.ws_as("ballots", Role::Editor))
        .await
        .unwrap();
    again.synced().await;
    hello(&again, key).await;
    assert!(eventually(WAIT, || !again.privates().is_empty()).await);
    assert!(
        spy.privates().is_empty(),
        "a viewer read an editor's private notes"
    );
    assert!(spy.note_text("secret").is_none());
    drop((spy, again, stuffer));
    server.stop().await;
}

/// 5. Exports of a heavy board: a 2.4 MB note among thousands (before the
/// fix an SVG export froze every board for 17 s: it ran on the runtime's
/// one thread, and wrapping text was quadratic). Exports now render on
/// the blocking pool: while one renders, the boards keep syncing (an edit
/// gets through before the export is done), and text is wrapped only as
/// far as its box shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heavy_export_does_not_hold_up_the_boards() {
    let server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "heavy").await;
    fac.put_note("huge", &"verbatim ".repeat(270_000)).await;
    let elements = fac.elements();
    for batch in 0..30 {
        fac.edit(|txn| {
            for i in 0..200 {
                let note = elements.insert(txn, format!("n{batch}-{i}"), yrs::MapPrelim::default());
                note.insert(txn, "type", "note");
                note.insert(txn, "x", f64::from(i * 250));
                note.insert(txn, "y", f64::from(batch * 250));
                note.insert(
                    txn,
                    "text",
                    "a customer said something worth a note ".repeat(20),
                );
            }
        })
        .await;
    }
    assert!(eventually(WAIT, || ed.note_text("n29-199").is_some()).await);
    let token = server.token("heavy", Role::Viewer);
    let exports: Vec<_> = (0..3)
        .map(|_| {
            let (addr, token) = (server.addr, token.clone());
            tokio::spawn(async move {
                let url = format!("/api/boards/heavy/export/board.svg?t={token}");
                let started = tokio::time::Instant::now();
                let status = raw_get(addr, &url).await;
                (status, started.elapsed())
            })
        })
        .collect();
    // While they render, an edit goes from one client to the other.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let sent = tokio::time::Instant::now();
    fac.put_note("during", "while exporting").await;
    assert!(eventually(WAIT, || ed.note_text("during").is_some()).await);
    let relayed = sent.elapsed();
    for export in exports {
        let (status, took) = export.await.unwrap();
        assert_eq!(status, 200);
        assert!(
            relayed < took,
            "the edit took {relayed:?}, longer than an export ({took:?}): the board waited"
        );
    }
    server.stop().await;
}

/// `GET path` over a plain socket: the status.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tcp.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The smaller holes, each closed: pictures and pages say what they are
/// and what they may load, the admin token does not make boards by opening
/// them, board creation is rate-limited per address (or the admin's
/// alone), titles and names hold no invisible marks, `/metrics` can be
/// closed, and a frame over the size limit closes with 1009.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_smaller_holes_are_closed() {
    const ADMIN: &str = "the-admin-token-of-this-test";
    const METRICS: &str = "the-metrics-token-of-this-test";
    let server = TestServer::spawn(&[
        "--admin-token",
        ADMIN,
        "--metrics-token",
        METRICS,
        "--create-rate",
        "5",
        "--max-frame-bytes",
        "65536",
    ])
    .await;
    // Headers: the app page, an exported and a version's picture.
    let head = server.raw_head("/").await;
    assert!(
        head.contains("content-security-policy: default-src 'self'"),
        "{head}"
    );
    assert!(
        head.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert!(head.contains("referrer-policy: no-referrer"), "{head}");
    let (fac, ed) = honest(&server, "pictures").await;
    fac.put_note("n", "<script>alert(1)</script>").await;
    assert!(eventually(WAIT, || ed.note_text("n").is_some()).await);
    let token = server.token("pictures", Role::Viewer);
    let head = server
        .raw_head(&format!("/api/boards/pictures/export/board.svg?t={token}"))
        .await;
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    assert!(head.contains("sandbox"), "{head}");
    assert!(head.contains("content-disposition: attachment"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    let editor = server.token("pictures", Role::Editor);
    let (status, body) = server
        .request_with(
            &editor,
            "POST",
            "/api/boards/pictures/versions",
            Some(r#"{"name":"before"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let version: serde_json::Value = serde_json::from_str(&body).unwrap();
    let head = server
        .raw_head(&format!(
            "/api/boards/pictures/versions/{}/board.svg?t={token}",
            version["id"]
        ))
        .await;
    assert!(head.contains("content-disposition: inline"), "{head}");
    assert!(head.contains("sandbox"), "{head}");
    // Names that hide what they say.
    for bad in ["invoice\u{202E}fdp.exe", "ad\u{200B}min"] {
        let body = serde_json::json!({ "name": bad }).to_string();
        let (status, _) = server
            .request_with(
                &editor,
                "POST",
                "/api/boards/pictures/versions",
                Some(&body),
            )
            .await;
        assert_eq!(status, 400, "{bad:?} as a version's name");
        let body = serde_json::json!({ "title": bad }).to_string();
        let (status, _) = server.request("POST", "/api/boards", Some(&body)).await;
        assert_eq!(status, 400, "{bad:?} as a title");
    }
    // The admin opens what exists, and makes nothing by opening.
    let admin_ws = |board: &str| format!("ws://{}/ws/{board}?t={ADMIN}", server.addr);
    match tokio_tungstenite::connect_async(admin_ws("never-made")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 404),
        other => panic!(
            "the admin opened a board that does not exist: {:?}",
            other.map(|_| ())
        ),
    }
    let (status, _) = server
        .request_with(ADMIN, "GET", "/api/boards/never-made", None)
        .await;
    assert_eq!(status, 404, "a board was made by opening it");
    // Creation: 5 a minute from one address (the two refused titles above
    // were two of them); the admin is not counted.
    let mut statuses = Vec::new();
    for i in 0..5 {
        let body = serde_json::json!({ "title": format!("board {i}") }).to_string();
        statuses.push(server.request("POST", "/api/boards", Some(&body)).await.0);
    }
    assert_eq!(statuses, [201, 201, 201, 429, 429]);
    let (status, _) = server
        .request_with(ADMIN, "POST", "/api/boards", Some(r#"{"title":"admin's"}"#))
        .await;
    assert_eq!(status, 201);
    // Metrics behind their token; counters only go up.
    assert_eq!(server.get("/metrics").await.0, 401);
    let (status, first) = server.request_with(METRICS, "GET", "/metrics", None).await;
    assert_eq!(status, 200);
    let (_, second) = server.request_with(METRICS, "GET", "/metrics", None).await;
    let counters = |text: &str| -> Vec<(String, f64)> {
        let kinds: std::collections::HashMap<&str, &str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE "))
            .filter_map(|l| l.split_once(' '))
            .collect();
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(' '))
            .filter(|(name, _)| kinds.get(name) == Some(&"counter"))
            .map(|(name, value)| (name.to_owned(), value.parse().unwrap()))
            .collect()
    };
    for ((name, a), (_, b)) in counters(&first).into_iter().zip(counters(&second)) {
        assert!(b >= a, "{name} went down: {a} then {b}");
    }
    // A frame over the limit closes with 1009.
    let mut big = YClient::connect(&server.ws("pictures")).await.unwrap();
    big.synced().await;
    big.send_raw(protocol::update(vec![0; 200 * 1024])).await;
    assert_eq!(big.ended(WAIT).await, Some(Ended::Closed(1009)));
    still_fine(&server, &fac, &ed, "after-small-holes").await;
    drop((fac, ed));
    server.stop().await;
    // An instance where only the admin makes boards.
    let closed = TestServer::spawn(&["--admin-token", ADMIN, "--create-boards", "admin"]).await;
    let (status, _) = closed.request("POST", "/api/boards", Some("{}")).await;
    assert_eq!(status, 403);
    let (status, _) = closed
        .request_with(ADMIN, "POST", "/api/boards", Some("{}"))
        .await;
    assert_eq!(status, 201);
    closed.stop().await;
}

/// Sends the frames of the fuzzing input `seed` (kept in the frame
/// corpus) to `board` as an editor, one message at a time while the socket
/// is open, and returns how the socket ended.
async fn replay_found(server: &TestServer, board: &str, seed: &str) -> Option<Ended> {
    let found = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus/frame")
            .join(seed),
    )
    .unwrap();
    let messages = protocol::decode_frame(&found).unwrap();
    let mut attacker = YClient::connect(&server.ws_as(board, Role::Editor))
        .await
        .unwrap();
    attacker.synced().await;
    for message in messages {
        attacker.send_raw(message.encode_v1()).await;
        if !attacker.is_open() {
            break;
        }
    }
    attacker.ended(WAIT).await
}

/// An update yrs decodes but cannot integrate (fuzzing found a sequence
/// that makes its integration subtract past zero, a panic): the room
/// contains it, stores what came before, reads the board back from the
/// store, and disconnects the sender alone (1007). The others go on
/// editing together, on the same connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_that_breaks_yrs_costs_only_its_sender() {
    let mut server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "poison").await;
    fac.put_note("before", "written before").await;
    assert!(eventually(WAIT, || ed.note_text("before").is_some()).await);
    let ended = replay_found(&server, "poison", "regression-yrs-integration-panic").await;
    assert_eq!(ended, Some(Ended::Closed(1007)));
    assert!(server.alive());
    still_fine(&server, &fac, &ed, "after-poison").await;
    let mut late = YClient::connect(&server.ws("poison")).await.unwrap();
    late.synced().await;
    for id in ["before", "after-poison"] {
        assert!(late.note_text(id).is_some(), "{id} is not on the board");
    }
    server.stop().await;
}

/// Updates that write clocks already waiting in the board's pending
/// update (fuzzing found six 40-byte updates, the same one three times
/// among them, after which yrs' integration looped forever and the board,
/// on the default single runtime thread the whole server, froze): the
/// second writer of a waiting clock is refused (1007) before yrs merges
/// the two; the board, the server and the honest clients carry on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clocks_written_twice_while_they_wait_cannot_freeze_the_board() {
    let server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "loop").await;
    let ended = replay_found(&server, "loop", "regression-pending-overlap-hang").await;
    assert_eq!(ended, Some(Ended::Closed(1007)));
    still_fine(&server, &fac, &ed, "after-loop").await;
    let mut late = YClient::connect(&server.ws("loop")).await.unwrap();
    late.synced().await;
    assert!(late.note_text("after-loop").is_some());
    server.stop().await;
}

/// A string put straight into a list (a persona's section): Yjs never
/// writes one, and yrs, which reads a list's strings by chars but counts
/// them in bytes, would loop forever on the first read of that list
/// (fuzzing found a stored board that did). The room sees it before
/// anything reads the list, drops the document it left, reads the board
/// back from the store, and disconnects the sender alone (1007). The
/// others go on; the persona reads and exports as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_string_put_in_a_list_costs_only_its_sender() {
    let mut server = TestServer::spawn(&[]).await;
    let (fac, ed) = honest(&server, "lists").await;
    let mut persona = atelier_shared::Element::new("p1", atelier_shared::Kind::Persona, 0.0, 0.0);
    persona.persona.as_mut().unwrap().name = "Julie".into();
    fac.add(&persona).await;
    let mut attacker =
        YClient::connect_with(&server.ws_as("lists", Role::Editor), Doc::with_client_id(7))
            .await
            .unwrap();
    attacker.synced().await;
    assert!(eventually(WAIT, || attacker.element("p1").is_some()).await);
    // The persona's first section, a list the facilitator made.
    let list = {
        let elements = attacker.elements();
        let txn = attacker.doc.transact();
        let Some(yrs::Out::YMap(p1)) = elements.get(&txn, "p1") else {
            panic!("no persona")
        };
        let Some(yrs::Out::YMap(sections)) = p1.get(&txn, "sections") else {
            panic!("no sections")
        };
        let Some(yrs::Out::YArray(list)) = sections.get(&txn, "demographic") else {
            panic!("no section")
        };
        let yrs::branch::BranchID::Nested(id) = list.as_ref().id() else {
            panic!("a root")
        };
        id
    };
    // One string item of client 7, its parent named: the list.
    let text = "« Where is my file? »";
    let mut update = yrs::updates::encoder::EncoderV1::new();
    {
        use yrs::encoding::write::Write;
        for n in [1, 1, 7, 0, 4, 0, list.client.get(), u64::from(list.clock)] {
            update.write_var(n);
        }
        update.write_string(text);
        update.write_var(0u32);
    }
    let frame = Message::Sync(SyncMessage::Update(yrs::updates::encoder::Encoder::to_vec(
        update,
    )))
    .encode_v1();
    attacker.send_raw(frame).await;
    assert_eq!(attacker.ended(WAIT).await, Some(Ended::Closed(1007)));
    assert!(server.alive());
    still_fine(&server, &fac, &ed, "after-list").await;
    let mut late = YClient::connect(&server.ws("lists")).await.unwrap();
    late.synced().await;
    assert_eq!(late.element("p1").unwrap().persona.unwrap().name, "Julie");
    let t = server.token("lists", Role::Viewer);
    let (status, md) = server
        .get(&format!("/api/boards/lists/export/personas.md?t={t}"))
        .await;
    assert_eq!(status, 200, "{md}");
    assert!(md.contains("### Julie") && !md.contains("Where is"), "{md}");
    server.stop().await;
}
