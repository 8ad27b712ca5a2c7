//! Real server, real websocket clients: convergence, late joiners,
//! awareness, offline edits, restarts and crashes.

use std::time::Duration;

use atelier_server::Config;
use atelier_tests::{TestServer, YClient, eventually};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use yrs::{Map, Text, Transact};

const WAIT: Duration = Duration::from_secs(10);

async fn converged(clients: &[YClient]) -> bool {
    eventually(WAIT, || {
        let first = clients[0].snapshot();
        clients.iter().all(|c| c.snapshot() == first)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_concurrent_edits_converge() {
    let server = TestServer::start(Config::default()).await;
    let mut clients = Vec::new();
    for _ in 0..6 {
        let mut c = YClient::connect(&server.ws("converge")).await.unwrap();
        c.synced().await;
        clients.push(c);
    }
    // Each client edits concurrently: notes created, moved, deleted, and
    // characters typed into one shared text.
    let mut edits = Vec::new();
    for (i, client) in clients.iter().enumerate() {
        let seed = 0xA7E1 + i as u64;
        edits.push(async move {
            let mut rng = StdRng::seed_from_u64(seed);
            let text = client.doc.get_or_insert_text("shared");
            let elements = client.elements();
            for step in 0..60 {
                let id = format!("c{i}-n{}", rng.random_range(0..10));
                let choice = rng.random_range(0..4);
                let pos = rng.random_range(0..1000u32);
                client
                    .edit(|txn| match choice {
                        0 => {
                            let note = elements.insert(txn, id.as_str(), yrs::MapPrelim::default());
                            note.insert(txn, "x", step as f64);
                        }
                        1 => {
                            elements.insert(txn, id.as_str(), pos as f64);
                        }
                        2 => {
                            elements.remove(txn, &id);
                        }
                        _ => {
                            let len = text.len(txn);
                            text.insert(txn, pos % (len + 1), &format!("{i}"));
                        }
                    })
                    .await;
                if step % 7 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        });
    }
    futures_util::future::join_all(edits).await;
    assert!(converged(&clients).await, "clients diverged");
    let text = clients[0].doc.get_or_insert_text("shared");
    assert!(text.len(&clients[0].doc.transact()) > 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_joiner_gets_everything() {
    let server = TestServer::start(Config::default()).await;
    let mut a = YClient::connect(&server.ws("late")).await.unwrap();
    a.synced().await;
    for i in 0..50 {
        a.put_note(&format!("n{i}"), &format!("note {i}")).await;
    }
    let mut b = YClient::connect(&server.ws("late")).await.unwrap();
    b.synced().await;
    assert!(eventually(WAIT, || b.element_count() == 50).await);
    assert_eq!(b.note_text("n42").as_deref(), Some("note 42"));
    // The server reuses one encoding of the whole board for joiners until
    // the board changes: a joiner after a change must see it.
    a.put_note("n50", "after the first joiner").await;
    let mut c = YClient::connect(&server.ws("late")).await.unwrap();
    c.synced().await;
    assert!(eventually(WAIT, || c.element_count() == 51).await);
    assert!(converged(&[a, b, c]).await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_busy_board_sends_its_changes_together_once_per_window() {
    // Every board counts as busy here; the window is long so a slow
    // machine cannot split the burst below across two windows.
    let config = Config {
        coalesce: Duration::from_secs(2),
        coalesce_above: 0,
        ..Config::default()
    };
    let server = TestServer::start(config).await;
    let mut a = YClient::connect(&server.ws("busy")).await.unwrap();
    a.synced().await;
    let mut b = YClient::connect(&server.ws("busy")).await.unwrap();
    b.synced().await;
    // After a quiet spell, a change goes out at once.
    a.put_note("n0", "first").await;
    assert!(eventually(WAIT, || b.element_count() == 1).await);
    let before = b.frames_received();
    // A burst within the window: held, then sent as one merged update.
    for i in 1..4 {
        a.put_note(&format!("n{i}"), "burst").await;
    }
    assert!(eventually(WAIT, || b.element_count() == 4).await);
    assert_eq!(
        b.frames_received() - before,
        1,
        "the burst came as one frame"
    );
    // The author gets the merged update too, and nothing changes there.
    assert!(converged(&[a, b]).await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awareness_appears_and_disappears_on_close_and_on_abort() {
    let server = TestServer::start(Config::default()).await;
    let mut watcher = YClient::connect(&server.ws("aw")).await.unwrap();
    watcher.synced().await;

    let mut polite = YClient::connect(&server.ws("aw")).await.unwrap();
    polite.synced().await;
    polite
        .set_awareness(serde_json::json!({"user": {"name": "Ana", "color": "#e11d48"}}))
        .await;
    let polite_id = polite.client_id();
    assert!(eventually(WAIT, || watcher.peers().contains(&polite_id)).await);

    // A late joiner is told who is there on connect.
    let mut late = YClient::connect(&server.ws("aw")).await.unwrap();
    late.synced().await;
    assert!(eventually(WAIT, || late.peers().contains(&polite_id)).await);

    polite.close().await;
    assert!(
        eventually(WAIT, || !watcher.peers().contains(&polite_id)).await,
        "state stayed after a graceful close"
    );

    let mut rude = YClient::connect(&server.ws("aw")).await.unwrap();
    rude.synced().await;
    rude.set_awareness(serde_json::json!({"user": {"name": "Bo"}}))
        .await;
    let rude_id = rude.client_id();
    assert!(eventually(WAIT, || watcher.peers().contains(&rude_id)).await);
    rude.abort();
    assert!(
        eventually(WAIT, || !watcher.peers().contains(&rude_id)).await,
        "ghost cursor after an abrupt disconnect"
    );
    assert!(eventually(WAIT, || !late.peers().contains(&rude_id)).await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_merge_on_reconnect() {
    let server = TestServer::start(Config::default()).await;
    let mut a = YClient::connect(&server.ws("offline")).await.unwrap();
    let mut b = YClient::connect(&server.ws("offline")).await.unwrap();
    a.synced().await;
    b.synced().await;
    a.put_note("shared", "before").await;
    assert!(eventually(WAIT, || b.note_text("shared").is_some()).await);

    // B goes offline and keeps editing its own document.
    let b_doc = b.close().await;
    let elements = b_doc.get_or_insert_map("elements");
    elements.insert(
        &mut b_doc.transact_mut(),
        "offline-b",
        "written on the train",
    );
    a.put_note("online-a", "written meanwhile").await;

    let mut b = YClient::connect_with(&server.ws("offline"), b_doc)
        .await
        .unwrap();
    b.synced().await;
    assert!(eventually(WAIT, || b.note_text("online-a").is_some()).await);
    let a_elements = a.elements();
    assert!(
        eventually(WAIT, || a_elements
            .get(&a.doc.transact(), "offline-b")
            .is_some())
        .await,
        "offline edit did not reach the other client"
    );
    assert!(converged(&[a, b]).await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loses_nothing() {
    let config = Config {
        compact_after: 5, // exercise compaction on the way
        ..Config::default()
    };
    let server = TestServer::start(config.clone()).await;
    let dir = server.data_dir.clone();
    let mut a = YClient::connect(&server.ws("restart")).await.unwrap();
    a.synced().await;
    for i in 0..45 {
        a.put_note(&format!("n{i}"), "kept").await;
        // A batch's changes are stored as one row: wait for a commit now
        // and then, so the log grows past --compact-after.
        if i % 5 == 4 {
            let commits = f64::from(i / 5 + 1);
            assert!(
                server
                    .metric_reaches("atelier_store_latency_seconds_count", |v| v >= commits)
                    .await
            );
        }
    }
    let mut b = YClient::connect(&server.ws("restart")).await.unwrap();
    b.synced().await;
    assert!(eventually(WAIT, || b.element_count() == 45).await);
    // The log grew past --compact-after: a snapshot was written meanwhile.
    assert!(
        server
            .metric_reaches("atelier_compactions_total", |v| v >= 1.0)
            .await,
        "no background compaction"
    );
    let before = a.snapshot();
    drop((a, b));
    server.stop().await;

    let server = TestServer::start_in(&dir, config).await;
    let mut c = YClient::connect(&server.ws("restart")).await.unwrap();
    c.synced().await;
    assert_eq!(c.snapshot(), before);
    assert!(server.metric("atelier_board_loads_total").await >= 1.0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_loses_nothing_any_client_has_seen() {
    let server = TestServer::start(Config::default()).await;
    let dir = server.data_dir.clone();
    let mut writer = YClient::connect(&server.ws("crash")).await.unwrap();
    let mut reader = YClient::connect(&server.ws("crash")).await.unwrap();
    writer.synced().await;
    reader.synced().await;
    for i in 0..30 {
        writer.put_note(&format!("n{i}"), &format!("v{i}")).await;
    }
    // Whatever the reader has received must survive the crash.
    assert!(eventually(WAIT, || reader.element_count() == 30).await);
    let seen = reader.snapshot();
    server.crash();
    drop((writer, reader));

    let server = TestServer::start_in(&dir, Config::default()).await;
    let mut after = YClient::connect(&server.ws("crash")).await.unwrap();
    after.synced().await;
    assert_eq!(after.snapshot(), seen);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_joins_load_the_board_once() {
    let server = TestServer::start(Config::default()).await;
    let url = server.ws("stampede");
    let joins = (0..24).map(|_| {
        let url = url.clone();
        async move {
            let mut c = YClient::connect(&url).await.unwrap();
            c.synced().await;
            c
        }
    });
    let clients = futures_util::future::join_all(joins).await;
    assert_eq!(server.metric("atelier_board_loads_total").await, 1.0);
    assert_eq!(server.metric("atelier_rooms_loaded").await, 1.0);
    clients[3].put_note("hello", "everyone").await;
    assert!(
        eventually(WAIT, || clients
            .iter()
            .all(|c| c.note_text("hello").is_some()))
        .await
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_board_leaves_memory_and_comes_back_whole() {
    let config = Config {
        room_grace: Duration::from_millis(200),
        ..Config::default()
    };
    let server = TestServer::start(config).await;
    let mut a = YClient::connect(&server.ws("idle")).await.unwrap();
    a.synced().await;
    a.put_note("n", "still here").await;
    let before = a.snapshot();
    a.close().await;
    assert!(
        server
            .metric_reaches("atelier_rooms_loaded", |v| v == 0.0)
            .await,
        "room stayed in memory"
    );
    assert!(server.metric("atelier_compactions_total").await >= 1.0);
    let mut b = YClient::connect(&server.ws("idle")).await.unwrap();
    b.synced().await;
    assert_eq!(b.snapshot(), before);
    assert_eq!(server.metric("atelier_board_loads_total").await, 2.0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_connections_with_going_away() {
    let server = TestServer::start(Config::default()).await;
    let mut a = YClient::connect(&server.ws("bye")).await.unwrap();
    a.synced().await;
    server.stop().await;
    assert_eq!(
        a.ended(WAIT).await,
        Some(atelier_tests::client::Ended::Closed(1001))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_speaks_first_and_answers_awareness_queries() {
    use atelier_shared::protocol;
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    use yrs::sync::{Message, SyncMessage};

    let server = TestServer::start(Config::default()).await;
    let mut present = YClient::connect(&server.ws("query")).await.unwrap();
    present.synced().await;
    present
        .set_awareness(serde_json::json!({"user": {"name": "Ana"}}))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    let (mut raw, _) = tokio_tungstenite::connect_async(server.ws("query"))
        .await
        .unwrap();
    let mut next = async || loop {
        let frame = tokio::time::timeout(WAIT, raw.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("no error");
        if let WsMessage::Binary(data) = frame {
            let messages = protocol::decode_frame(&data).unwrap();
            assert_eq!(messages.len(), 1, "one message per frame");
            return messages.into_iter().next().unwrap();
        }
    };
    // On connect: SyncStep1, then the known awareness states, as two frames.
    // (Facilitation is sent only to clients that ask for it.)
    assert!(matches!(
        next().await,
        Message::Sync(SyncMessage::SyncStep1(_))
    ));
    let Message::Awareness(states) = next().await else {
        panic!("awareness states expected second")
    };
    assert!(states.clients.contains_key(&present.client_id()));
    raw.send(WsMessage::Binary(protocol::awareness_query().into()))
        .await
        .unwrap();
    let answer = loop {
        let frame = tokio::time::timeout(WAIT, raw.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let WsMessage::Binary(data) = frame {
            break protocol::decode_frame(&data).unwrap().remove(0);
        }
    };
    let Message::Awareness(states) = answer else {
        panic!("awareness expected, got {answer:?}")
    };
    assert!(states.clients.contains_key(&present.client_id()));
    server.stop().await;
}

/// A board written before the model changed (a persona's rank under
/// `priority`, a journey map with one lane for occasions and channels and
/// a stage flagged as a moment of truth) is brought up to date when the
/// server loads it: the rank kept, the lane split with its cells, the
/// flag on the stage's occasion; everyone gets the change, it is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_from_before_is_brought_up_to_date_when_loaded() {
    use yrs::types::text::TextPrelim;
    use yrs::{Any, Array, ArrayPrelim, MapPrelim};
    let server = TestServer::start(Config::default()).await;
    let dir = server.data_dir.clone();
    let mut old = YClient::connect(&server.ws("before")).await.unwrap();
    let mut reader = YClient::connect(&server.ws("before")).await.unwrap();
    old.synced().await;
    reader.synced().await;
    let elements = old.elements();
    old.edit(|txn| {
        let p = elements.insert(txn, "p", MapPrelim::default());
        p.insert(txn, "type", "persona");
        p.insert(txn, "name", TextPrelim::new("Julie"));
        p.insert(txn, "priority", Any::from(2.0));
        let j = elements.insert(txn, "j", MapPrelim::default());
        j.insert(txn, "type", "journey");
        let lanes = j.insert(txn, "lanes", ArrayPrelim::default());
        for (id, name) in [
            ("actions", "Actions"),
            ("touchpoints", "Touchpoints and channels"),
        ] {
            let l = lanes.push_back(txn, MapPrelim::default());
            l.insert(txn, "id", id);
            l.insert(txn, "name", TextPrelim::new(name));
        }
        let stages = j.insert(txn, "stages", ArrayPrelim::default());
        let s = stages.push_back(txn, MapPrelim::default());
        s.insert(txn, "id", "s1");
        s.insert(txn, "name", TextPrelim::new("Claim"));
        s.insert(txn, "mot", true);
        let cells = j.insert(txn, "cells", MapPrelim::default());
        cells.insert(
            txn,
            "touchpoints:s1",
            TextPrelim::new("Declares the claim · phone"),
        );
    })
    .await;
    assert!(eventually(WAIT, || reader.element_count() == 2).await);
    drop((old, reader));
    server.stop().await;

    let server = TestServer::start_in(&dir, Config::default()).await;
    let mut after = YClient::connect(&server.ws("before")).await.unwrap();
    after.synced().await;
    let persona = after.element("p").unwrap().persona.unwrap();
    assert_eq!((persona.rank, persona.priority.as_str()), (2, ""));
    let journey = after.element("j").unwrap().journey.unwrap();
    let lanes: Vec<(&str, &str)> = journey
        .lanes
        .iter()
        .map(|l| (l.id.as_str(), l.name.as_str()))
        .collect();
    assert_eq!(
        lanes,
        [
            ("actions", "Actions"),
            ("touchpoints", "Contact occasions"),
            ("channels", "Channels")
        ]
    );
    assert_eq!(
        journey.cell("touchpoints", "s1"),
        "Declares the claim · phone"
    );
    assert_eq!(journey.mot("touchpoints", "s1"), Some(""));
    let snapshot = after.snapshot();
    drop(after);
    server.stop().await;

    // Stored: a third start reads the same board, and changes nothing.
    let server = TestServer::start_in(&dir, Config::default()).await;
    let mut again = YClient::connect(&server.ws("before")).await.unwrap();
    again.synced().await;
    assert_eq!(again.snapshot(), snapshot);
    server.stop().await;
}
