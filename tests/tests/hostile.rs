//! Bad input and bad peers: each costs only its own connection.

use std::time::Duration;

use atelier_server::Config;
use atelier_tests::client::Ended;
use atelier_tests::{TestServer, YClient, eventually};
use tokio_tungstenite::tungstenite::Message as WsMessage;

const WAIT: Duration = Duration::from_secs(10);

/// Two well-behaved clients on `board`, synced.
async fn bystanders(server: &TestServer, board: &str) -> (YClient, YClient) {
    let mut a = YClient::connect(&server.ws(board)).await.unwrap();
    let mut b = YClient::connect(&server.ws(board)).await.unwrap();
    a.synced().await;
    b.synced().await;
    (a, b)
}

/// The bystanders still edit together after the attack.
async fn still_fine(a: &YClient, b: &YClient, note: &str) {
    assert!(a.is_open() && b.is_open(), "a bystander was disconnected");
    a.put_note(note, "still here").await;
    assert!(
        eventually(WAIT, || b.note_text(note).is_some()).await,
        "the room stopped relaying"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_close_only_their_socket() {
    let server = TestServer::start(Config::default()).await;
    let (a, b) = bystanders(&server, "hostile").await;
    let garbage: Vec<(&str, WsMessage, u16)> = vec![
        ("empty", WsMessage::Binary(Vec::new().into()), 1007),
        (
            "unknown sync type",
            WsMessage::Binary(vec![0, 7, 1, 2].into()),
            1007,
        ),
        // Sync/Update announcing 100 bytes but carrying 3.
        (
            "truncated",
            WsMessage::Binary(vec![0, 2, 100, 1, 2, 3].into()),
            1007,
        ),
        // A whole message whose update payload is not a yrs update.
        (
            "garbage update",
            WsMessage::Binary(vec![0, 2, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f].into()),
            1007,
        ),
        // Awareness message whose inner update is cut short.
        (
            "bad awareness",
            WsMessage::Binary(vec![1, 5, 1, 0x80].into()),
            1007,
        ),
        ("text frame", WsMessage::Text("hello".into()), 1003),
        // Ten thousand awareness queries in one frame: each would be
        // answered with every state.
        (
            "packed frame",
            WsMessage::Binary(vec![3u8; 10_000].into()),
            1007,
        ),
    ];
    for (i, (what, frame, code)) in garbage.into_iter().enumerate() {
        let mut attacker = YClient::connect(&server.ws("hostile")).await.unwrap();
        attacker.synced().await;
        attacker.send_message(frame).await;
        assert_eq!(
            attacker.ended(WAIT).await,
            Some(Ended::Closed(code)),
            "{what}: wrong close"
        );
        still_fine(&a, &b, &format!("after-{i}")).await;
    }
    assert!(server.metric("atelier_protocol_errors_total").await >= 6.0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_closes_only_its_socket() {
    let config = Config {
        max_frame_bytes: 64 * 1024,
        ..Config::default()
    };
    let server = TestServer::start(config).await;
    let (a, b) = bystanders(&server, "big").await;
    let mut attacker = YClient::connect(&server.ws("big")).await.unwrap();
    attacker.synced().await;
    attacker
        .send_raw(atelier_shared::protocol::update(vec![0; 200 * 1024]))
        .await;
    let ended = attacker.ended(WAIT).await;
    assert!(
        matches!(ended, Some(Ended::Closed(1009)) | Some(Ended::Dropped)),
        "oversized frame: {ended:?}"
    );
    still_fine(&a, &b, "after-big").await;
    // A frame just under the limit is fine.
    let mut ok = YClient::connect(&server.ws("big")).await.unwrap();
    ok.synced().await;
    ok.put_note("big-note", &"x".repeat(60 * 1024)).await;
    assert!(eventually(WAIT, || a.note_text("big-note").is_some()).await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_reader_is_disconnected_and_slows_nobody() {
    let config = Config {
        peer_queue: 64,
        // A batch's notes go out merged, in fewer, bigger frames: the
        // bound that the stalled peer reaches is the bytes one.
        peer_queue_bytes: 8 * 1024 * 1024,
        ..Config::default()
    };
    let server = TestServer::start(config).await;
    let (a, b) = bystanders(&server, "stall").await;
    // A client that completes the handshake and then never reads.
    let (stalled, _) = tokio_tungstenite::connect_async(server.ws("stall"))
        .await
        .unwrap();
    // Big updates fill the stalled peer's socket buffers, then its queue.
    let blob = "y".repeat(32 * 1024);
    for i in 0..800 {
        a.put_note(&format!("n{i}"), &blob).await;
        if i % 100 == 99 {
            // The others keep receiving as the writer goes.
            let seen = format!("n{i}");
            assert!(
                eventually(WAIT, || b.note_text(&seen).is_some()).await,
                "bystander stuck at {i}: store {} s over {} commits, slow peers {}",
                server.metric("atelier_store_latency_seconds_sum").await,
                server.metric("atelier_store_latency_seconds_count").await,
                server.metric("atelier_slow_peers_total").await
            );
        }
    }
    assert!(eventually(WAIT, || b.element_count() == 800).await);
    assert!(
        server
            .metric_reaches("atelier_slow_peers_total", |v| v >= 1.0)
            .await,
        "the stalled peer was never disconnected"
    );
    assert_eq!(
        server.metric("atelier_slow_peers_total").await,
        1.0,
        "a healthy peer was taken for slow"
    );
    assert!(a.is_open() && b.is_open());
    drop(stalled);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_peers_time_out_and_live_ones_stay() {
    let config = Config {
        heartbeat: Duration::from_millis(100),
        idle_timeout: Duration::from_millis(400),
        ..Config::default()
    };
    let server = TestServer::start(config).await;
    // This one reads (so it answers pings with pongs).
    let mut live = YClient::connect(&server.ws("beat")).await.unwrap();
    live.synced().await;
    // This one never reads: no pong, no message.
    let (silent, _) = tokio_tungstenite::connect_async(server.ws("beat"))
        .await
        .unwrap();
    assert!(
        server
            .metric_reaches("atelier_connections", |v| v == 1.0)
            .await,
        "a silent peer was kept"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(live.is_open(), "a live peer timed out");
    drop(silent);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_are_refused() {
    let config = Config {
        max_connections: 2,
        ..Config::default()
    };
    let server = TestServer::start(config).await;
    let (a, b) = bystanders(&server, "full").await;
    let third = tokio_tungstenite::connect_async(server.ws("full")).await;
    match third {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503)
        }
        other => panic!("third connection: {:?}", other.map(|_| ())),
    }
    assert_eq!(
        server.metric("atelier_connections_refused_total").await,
        1.0
    );
    still_fine(&a, &b, "full-note").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_board_ids_are_refused_before_anything_happens() {
    let server = TestServer::start(Config::default()).await;
    for bad in [
        "a.b",
        "..",
        "%2e%2e%2fetc",
        "x'%20or%201=1",
        &"x".repeat(65),
    ] {
        let result = tokio_tungstenite::connect_async(server.ws_bare(bad)).await;
        match result {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), 400, "{bad}")
            }
            other => panic!("{bad}: {:?}", other.map(|_| ())),
        }
    }
    // Query parameters are not part of the room name.
    let mut a = YClient::connect(&format!("{}&token=abc", server.ws("same")))
        .await
        .unwrap();
    let mut b = YClient::connect(&server.ws("same")).await.unwrap();
    a.synced().await;
    b.synced().await;
    a.put_note("q", "query ignored").await;
    assert!(eventually(WAIT, || b.note_text("q").is_some()).await);
    assert_eq!(server.metric("atelier_rooms_loaded").await, 1.0);
    server.stop().await;
}
