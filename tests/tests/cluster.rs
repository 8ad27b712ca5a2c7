//! A cluster's engines: the PostgreSQL store and the NATS broker, each
//! against a real server of its own (see `atelier_tests::engines`).

use std::sync::Arc;
use std::time::Duration;

use atelier_server::store::{StoredDoc, contract, merged};
use atelier_server::{PostgresStore, Role, Store};
use atelier_shared::BoardId;
use atelier_tests::client::snapshot_of;
use atelier_tests::engines::{Nats, Postgres};
use atelier_tests::{Ended, TestServer, YClient, eventually};
use rand::Rng;

#[tokio::test]
async fn postgres_meets_the_store_contract_and_keeps_one_key() {
    let pg = Postgres::start().expect("PostgreSQL");
    let store = PostgresStore::open(&pg.url()).await.unwrap();
    contract::check(&store).await;
    // A second node opens the same tables and reads the same key.
    let key = store.links_key().await.unwrap();
    assert!(key.len() >= 16);
    let other = PostgresStore::open(&pg.url()).await.unwrap();
    assert_eq!(other.links_key().await.unwrap(), key);
    assert_eq!(other.list().await.unwrap().len(), 2);
}

#[tokio::test]
async fn nats_meets_the_broker_contract() {
    let nats = Nats::start().expect("nats-server");
    let a = atelier_server::Broker::nats(&nats.url()).await.unwrap();
    let b = atelier_server::Broker::nats(&nats.url()).await.unwrap();
    atelier_server::broker::contract::check(&a, &b).await;
    assert!(a.is_cluster());
}

/// Nodes append to one board at once: the sequence numbers are given once
/// each, without a hole, and a compaction racing them (twice at once)
/// loses nothing, even what the compacting node never applied.
#[tokio::test]
async fn nodes_append_and_compact_one_board_at_once() {
    let pg = Postgres::start().expect("PostgreSQL");
    let nodes: Vec<Arc<PostgresStore>> = [0, 1, 2]
        .map(|_| async { Arc::new(PostgresStore::open(&pg.url()).await.unwrap()) })
        .into_iter()
        .collect::<futures_util::future::JoinAll<_>>()
        .await;
    let id: BoardId = "busy".parse().unwrap();
    let texts: Vec<String> = (0..60).map(|i| format!("<{i}>")).collect();
    let updates = contract::independent_edits(&texts);
    let mut writers = Vec::new();
    for (n, node) in nodes.iter().enumerate() {
        let (node, id) = (node.clone(), id.clone());
        let mine: Vec<Vec<u8>> = updates.iter().skip(n).step_by(3).cloned().collect();
        writers.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for update in mine {
                seqs.push(node.append(&id, vec![update]).await.unwrap());
            }
            seqs
        }));
    }
    // Two nodes compact while the others write; the first node only
    // knows the first update.
    let first = merged(
        &id,
        &StoredDoc {
            snapshot: None,
            updates: updates[..1].to_vec(),
            last_seq: 1,
        },
    )
    .unwrap();
    for _ in 0..5 {
        let (a, b) = (nodes[0].clone(), nodes[1].clone());
        let (ida, idb) = (id.clone(), id.clone());
        let (fa, fb) = (first.clone(), first.clone());
        let upto = nodes[2].load(&id).await.unwrap().last_seq;
        let (ra, rb) = tokio::join!(async move { a.compact(&ida, fa, upto).await }, async move {
            b.compact(&idb, fb, upto).await
        });
        ra.unwrap();
        rb.unwrap();
    }
    let mut seqs: Vec<i64> = Vec::new();
    for writer in writers {
        seqs.extend(writer.await.unwrap());
    }
    seqs.sort();
    assert_eq!(seqs, (1..=60).collect::<Vec<i64>>(), "each number once");
    let stored = nodes[1].load(&id).await.unwrap();
    assert_eq!(stored.last_seq, 60);
    let text = contract::text_of(&id, &stored);
    for t in &texts {
        assert!(text.contains(t.as_str()), "{t} lost: {text}");
    }
}

/// Three `atelier` nodes on one PostgreSQL and one nats-server.
struct Cluster {
    pg: Postgres,
    nats: Nats,
    nodes: Vec<TestServer>,
}

impl Cluster {
    async fn start(nodes: usize) -> Cluster {
        let pg = Postgres::start().expect("PostgreSQL");
        let nats = Nats::start().expect("nats-server");
        let mut cluster = Cluster {
            pg,
            nats,
            nodes: Vec::new(),
        };
        for _ in 0..nodes {
            let node = cluster.node().await;
            cluster.nodes.push(node);
        }
        cluster
    }

    /// One more node.
    async fn node(&self) -> TestServer {
        self.node_with(&[]).await
    }

    /// One more node, with `args` besides the cluster's.
    async fn node_with(&self, args: &[&str]) -> TestServer {
        let (store, broker) = (self.pg.url(), self.nats.url());
        let mut all = vec!["--store", &store, "--broker", &broker];
        all.extend_from_slice(args);
        TestServer::spawn(&all).await
    }

    /// The board as PostgreSQL holds it.
    async fn stored(&self, board: &str) -> String {
        let store = PostgresStore::open(&self.pg.url()).await.unwrap();
        let id: BoardId = board.parse().unwrap();
        let stored = store.load(&id).await.unwrap();
        let doc = atelier_server::store::doc_of(&id, &stored).unwrap();
        snapshot_of(&doc)
    }

    /// Asserts that PostgreSQL holds the board as `client` has it (the last
    /// rows may take a moment: a room stores before it delivers, but the
    /// client's own edits reach it as it sends them).
    async fn holds(&self, board: &str, client: &YClient) {
        let expected = client.snapshot();
        let mut stored = String::new();
        for _ in 0..50 {
            stored = self.stored(board).await;
            if stored == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(stored, expected, "the PostgreSQL copy differs");
    }
}

const WAIT: Duration = Duration::from_secs(30);

/// Whether every client holds `count` elements and the same board.
fn converged(clients: &[YClient], count: u32) -> bool {
    clients.iter().all(|c| c.element_count() == count)
        && clients
            .windows(2)
            .all(|w| w[0].snapshot() == w[1].snapshot())
}

async fn connect(node: &TestServer, board: &str) -> YClient {
    let mut client = YClient::connect(&node.ws(board)).await.unwrap();
    client.synced().await;
    client
}

#[tokio::test]
async fn edits_spread_over_three_nodes_converge_and_postgresql_holds_them() {
    let cluster = Cluster::start(3).await;
    let board = "spread";
    let mut clients = Vec::new();
    for i in 0..6 {
        clients.push(connect(&cluster.nodes[i % 3], board).await);
    }
    // Each adds notes and rewrites others' at random, all at once.
    let mut rng = rand::rng();
    for round in 0..15 {
        for (i, client) in clients.iter().enumerate() {
            client
                .put_note(&format!("n{i}-{round}"), &format!("note {i} {round}"))
                .await;
            if round > 0 {
                let (j, r) = (rng.random_range(0..6), rng.random_range(0..round));
                client
                    .put_note(&format!("n{j}-{r}"), &format!("rewritten by {i}"))
                    .await;
            }
        }
    }
    assert!(
        eventually(WAIT, || converged(&clients, 90)).await,
        "the clients did not converge: {:?}",
        clients
            .iter()
            .map(YClient::element_count)
            .collect::<Vec<_>>()
    );
    // PostgreSQL has exactly what every client has.
    cluster.holds(board, &clients[0]).await;
}

/// Awareness crosses nodes; a node that dies takes its users' cursors.
#[tokio::test]
async fn cursors_cross_nodes_and_go_with_a_dead_node() {
    let mut cluster = Cluster::start(2).await;
    let board = "cursors";
    let ann = connect(&cluster.nodes[0], board).await;
    let ben = connect(&cluster.nodes[1], board).await;
    ann.set_awareness(serde_json::json!({"user": {"name": "Ann"}}))
        .await;
    ben.set_awareness(serde_json::json!({"user": {"name": "Ben"}}))
        .await;
    let (ann_id, ben_id) = (ann.client_id(), ben.client_id());
    assert!(
        eventually(WAIT, || ann
            .awareness_of(ben_id)
            .is_some_and(|s| s.contains("Ben"))
            && ben.awareness_of(ann_id).is_some_and(|s| s.contains("Ann")))
        .await,
        "names did not cross"
    );
    // A third node loading the board learns who is there.
    let third = cluster.node().await;
    let cid = connect(&third, board).await;
    assert!(
        eventually(WAIT, || cid.awareness_of(ann_id).is_some()
            && cid.awareness_of(ben_id).is_some())
        .await,
        "a node that joins late does not see the others"
    );
    // Ben's node dies: his cursor leaves Ann's board within seconds.
    let dead = cluster.nodes.remove(1);
    dead.crash();
    assert!(
        eventually(WAIT, || ann.awareness_of(ben_id).is_none()).await,
        "a dead node's cursor stays"
    );
    assert!(ann.is_open());
    drop(third);
}

#[tokio::test]
async fn a_node_that_joins_a_board_being_written_is_never_stale() {
    let cluster = Cluster::start(2).await;
    let board = "joining";
    let writer = connect(&cluster.nodes[0], board).await;
    let writing = async {
        for i in 0..150 {
            writer.put_note(&format!("w{i}"), "written on A").await;
            tokio::time::sleep(Duration::from_millis(4)).await;
        }
    };
    let joining = async {
        tokio::time::sleep(Duration::from_millis(250)).await;
        // The board is loaded on B while A writes.
        let mut joiners = Vec::new();
        for _ in 0..3 {
            joiners.push(connect(&cluster.nodes[1], board).await);
        }
        joiners
    };
    let ((), joiners) = tokio::join!(writing, joining);
    let mut all = joiners;
    all.push(writer);
    assert!(
        eventually(WAIT, || converged(&all, 150)).await,
        "stale: {:?}",
        all.iter().map(YClient::element_count).collect::<Vec<_>>()
    );
    // And what B's clients write reaches A.
    all[0].put_note("from-b", "written on B").await;
    assert!(eventually(WAIT, || converged(&all, 151)).await);
}

#[tokio::test]
async fn a_regenerated_link_disconnects_its_users_on_every_node() {
    let cluster = Cluster::start(3).await;
    let board = "revoked";
    let mut editors = Vec::new();
    for node in &cluster.nodes {
        let mut editor = YClient::connect(&node.ws_as(board, Role::Editor))
            .await
            .unwrap();
        editor.synced().await;
        editors.push(editor);
    }
    let viewer = connect(&cluster.nodes[2], board).await;
    let (status, _) = cluster.nodes[0]
        .request_with(
            &cluster.nodes[0].token(board, Role::Facilitator),
            "POST",
            &format!("/api/boards/{board}/links/editor"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    for editor in &mut editors {
        assert_eq!(editor.ended(WAIT).await, Some(Ended::Closed(4403)));
    }
    assert!(viewer.is_open(), "another role's link stays");
    // The old link is refused on every node; the new one works.
    for node in &cluster.nodes {
        let mut old = YClient::connect(&node.ws_as(board, Role::Editor)).await;
        if let Ok(old) = &mut old {
            assert!(old.ended(WAIT).await.is_some(), "the old link still works");
        }
        let mut fresh = YClient::connect(&format!(
            "{}?t={}",
            node.ws_bare(board),
            node.token_at(board, Role::Editor, 1)
        ))
        .await
        .unwrap();
        fresh.synced().await;
    }
}

#[tokio::test]
async fn nats_restarted_during_edits_costs_a_resync_not_data() {
    let mut cluster = Cluster::start(2).await;
    let board = "broker-down";
    let clients = [
        connect(&cluster.nodes[0], board).await,
        connect(&cluster.nodes[1], board).await,
    ];
    for i in 0..20 {
        clients[i % 2].put_note(&format!("before-{i}"), "x").await;
    }
    assert!(eventually(WAIT, || converged(&clients, 20)).await);
    cluster.nats.stop();
    for i in 0..20 {
        clients[i % 2].put_note(&format!("during-{i}"), "x").await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cluster.nats.start_again().unwrap();
    for i in 0..20 {
        clients[i % 2].put_note(&format!("after-{i}"), "x").await;
    }
    assert!(
        eventually(WAIT, || converged(&clients, 60)).await,
        "not converged after the broker came back: {:?}",
        clients
            .iter()
            .map(YClient::element_count)
            .collect::<Vec<_>>()
    );
    assert!(clients.iter().all(YClient::is_open), "clients noticed");
}

/// Each writer adds its note of `round`, all at once.
async fn write_round(writers: &[YClient], round: usize) {
    let ids: Vec<String> = (0..writers.len())
        .map(|i| format!("w{i}-{round}"))
        .collect();
    let futures: Vec<_> = writers
        .iter()
        .zip(&ids)
        .map(|(w, id)| w.put_note(id, "x"))
        .collect();
    futures_util::future::join_all(futures).await;
}

/// `kill -9` of a node under a 20-writer load: every note any client saw
/// is on the board afterwards, and the other nodes' clients never notice.
#[tokio::test]
async fn a_node_killed_mid_load_loses_nothing_anyone_saw() {
    let mut cluster = Cluster::start(3).await;
    let board = "killed";
    let mut writers = Vec::new();
    for i in 0..20 {
        writers.push(connect(&cluster.nodes[i % 3], board).await);
    }
    for round in 0..10 {
        write_round(&writers, round).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Node 2 dies (its writers are 2, 5, 8…): they reconnect elsewhere
    // with what they hold, as the browser app does.
    let killed = cluster.nodes.remove(2);
    killed.crash();
    let mut survivors = Vec::new();
    let mut moved = Vec::new();
    for (i, writer) in writers.into_iter().enumerate() {
        if i % 3 == 2 {
            moved.push(writer.abort());
        } else {
            survivors.push(writer);
        }
    }
    for round in 10..20 {
        write_round(&survivors, round).await;
    }
    let mut all = survivors;
    for (k, doc) in moved.into_iter().enumerate() {
        let mut back = YClient::connect_with(&cluster.nodes[k % 2].ws(board), doc)
            .await
            .unwrap();
        back.synced().await;
        all.push(back);
    }
    // Everything any client saw: the union of their notes.
    let seen: std::collections::BTreeSet<String> = all
        .iter()
        .flat_map(|c| c.all_elements().into_iter().map(|e| e.id))
        .collect();
    assert!(
        eventually(WAIT, || all
            .iter()
            .all(|c| c.element_count() as usize >= seen.len())
            && converged(&all, all[0].element_count()))
        .await,
        "lost after the kill: {:?}",
        all.iter().map(YClient::element_count).collect::<Vec<_>>()
    );
    assert!(
        all[..all.len() - 6].iter().all(YClient::is_open),
        "a survivor's client noticed"
    );
    let stored = cluster.stored(board).await;
    for id in &seen {
        assert!(stored.contains(&format!("\"{id}\"")), "{id} not stored");
    }
}

/// PostgreSQL stopped for a few seconds during edits: the clients are told
/// (their connection ends, as the room cannot store), nothing that was
/// acknowledged is lost, and once it is back the clients (which kept their
/// edits, as the browser app does) reconnect and carry on.
#[tokio::test]
async fn postgresql_stopped_for_a_while_is_told_and_loses_nothing() {
    let cluster = Cluster::start(2).await;
    let board = "store-down";
    let mut clients = vec![
        connect(&cluster.nodes[0], board).await,
        connect(&cluster.nodes[1], board).await,
    ];
    for i in 0..10 {
        clients[i % 2].put_note(&format!("before-{i}"), "x").await;
    }
    assert!(eventually(WAIT, || converged(&clients, 10)).await);
    cluster.pg.stop().unwrap();
    for i in 0..6 {
        clients[i % 2].put_note(&format!("during-{i}"), "x").await;
    }
    for client in &mut clients {
        assert!(
            client.ended(WAIT).await.is_some(),
            "a client was not told that its edits could not be stored"
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.pg.start_again().unwrap();
    let mut back = Vec::new();
    for (i, client) in clients.into_iter().enumerate() {
        let doc = client.abort();
        let url = cluster.nodes[i].ws(board);
        let started = std::time::Instant::now();
        let client = loop {
            if let Ok(mut client) = YClient::connect_with(&url, doc.clone()).await
                && tokio::time::timeout(Duration::from_secs(3), client.synced_quietly())
                    .await
                    .unwrap_or(false)
            {
                break client;
            }
            assert!(started.elapsed() < WAIT, "the board did not come back");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        back.push(client);
    }
    back[0].put_note("after", "x").await;
    assert!(
        eventually(WAIT, || converged(&back, 17)).await,
        "lost: {:?}",
        back.iter().map(YClient::element_count).collect::<Vec<_>>()
    );
    cluster.holds(board, &back[0]).await;
}

/// A facilitator and participants on different nodes: what the server
/// keeps beside the document is the same everywhere.
#[tokio::test]
async fn facilitation_holds_across_nodes() {
    use atelier_shared::facilitation::Command;
    let cluster = Cluster::start(3).await;
    let board = "facilitated";
    let [a, b, c] = [&cluster.nodes[0], &cluster.nodes[1], &cluster.nodes[2]];
    let fac = hello(a, board, Role::Facilitator, "fatou").await;
    let ben = hello(b, board, Role::Editor, "ben").await;
    let cid = hello(c, board, Role::Editor, "cid").await;
    fac.put_note("n1", "Claims take weeks").await;
    fac.put_note("n2", "Nobody calls back").await;
    assert!(
        eventually(WAIT, || ben.element_count() == 2
            && cid.element_count() == 2)
        .await
    );

    // A timer started on A counts down on C.
    fac.command(&Command::TimerSet { ms: 300_000 }).await;
    fac.command(&Command::TimerStart).await;
    assert!(
        eventually(WAIT, || cid
            .facilitation()
            .and_then(|s| s.timer)
            .is_some_and(|t| t.ends_at.is_some() && t.total_ms == 300_000))
        .await,
        "the timer did not reach C"
    );

    // Follow me, from A, on C.
    fac.command(&Command::Follow {
        client: fac.client_id().get(),
        name: "Fatou".into(),
    })
    .await;
    assert!(
        eventually(WAIT, || cid
            .facilitation()
            .and_then(|s| s.follow)
            .is_some_and(|f| f.name == "Fatou"))
        .await,
        "follow me did not reach C"
    );

    // A vote opened on A, cast from B and C at once: the same results
    // everywhere.
    fac.command(&Command::VoteOpen {
        scope: None,
        per_person: 2,
        on: Vec::new(),
    })
    .await;
    assert!(
        eventually(WAIT, || ben
            .facilitation()
            .and_then(|s| s.vote)
            .is_some_and(|v| v.open)
            && cid
                .facilitation()
                .and_then(|s| s.vote)
                .is_some_and(|v| v.open))
        .await
    );
    let vote = |id: &str| Command::Vote {
        voter: String::new(),
        id: id.into(),
    };
    let (on1, on2) = (vote("n1"), vote("n2"));
    tokio::join!(ben.command(&on1), cid.command(&on1));
    tokio::join!(ben.command(&on2), cid.command(&on1));
    let cast = |client: &YClient| client.facilitation().and_then(|s| s.vote).map(|v| v.cast);
    assert!(
        eventually(WAIT, || [&fac, &ben, &cid]
            .iter()
            .all(|c| cast(c) == Some(4)))
        .await,
        "votes lost: {:?}",
        [&fac, &ben, &cid].map(cast)
    );
    fac.command(&Command::VoteClose).await;
    let results = |client: &YClient| {
        client
            .facilitation()
            .and_then(|s| s.vote)
            .filter(|v| !v.open)
            .map(|v| v.results)
    };
    assert!(
        eventually(WAIT, || [&ben, &cid]
            .iter()
            .all(|c| results(c) == results(&fac))
            && results(&fac)
                == Some(vec![("n1".to_owned(), 3), ("n2".to_owned(), 1)]))
        .await,
        "results differ: {:?}",
        [&fac, &ben, &cid].map(results)
    );

    // A lock set through A holds against an update sent to C.
    fac.command(&Command::Lock {
        ids: vec!["n1".into()],
    })
    .await;
    assert!(
        eventually(WAIT, || cid
            .facilitation()
            .is_some_and(|s| s.locked.contains("n1")))
        .await
    );
    cid.put_note("n1", "Rewritten on C").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        eventually(WAIT, || [&fac, &ben, &cid]
            .iter()
            .all(|c| c.note_text("n1").as_deref() == Some("Claims take weeks")))
        .await,
        "a locked note changed through another node"
    );

    // A private note written through B: nobody sees it until the reveal
    // on A, then everyone, once.
    fac.command(&Command::PrivateOn).await;
    assert!(eventually(WAIT, || ben.facilitation().is_some_and(|s| s.private)).await);
    let own = yrs::Doc::new();
    ben.send_private(private_note(&own, "ben-1", "Wants a call back"))
        .await;
    assert!(
        eventually(WAIT, || fac.facilitation().is_some_and(|s| s.pooled == 1)).await,
        "A does not know a note is pooled"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        [&fac, &cid].iter().all(|c| c.element("ben-1").is_none()),
        "a private note was seen before the reveal"
    );
    fac.command(&Command::Reveal).await;
    assert!(
        eventually(WAIT, || [&fac, &ben, &cid].iter().all(|c| c
            .element("ben-1")
            .is_some_and(|e| e.text == "Wants a call back")))
        .await,
        "the revealed note did not reach everyone: {:?}",
        [&fac, &ben, &cid].map(|c| c.element("ben-1").map(|e| e.text))
    );
    assert!(
        eventually(WAIT, || [&fac, &ben, &cid]
            .iter()
            .all(|c| c.element_count() == 3))
        .await,
        "revealed more than once"
    );
    let stored = cluster.stored(board).await;
    assert!(stored.contains("Wants a call back"));
}

async fn hello(node: &TestServer, board: &str, role: Role, key: &str) -> YClient {
    use atelier_shared::facilitation::Command;
    let mut client = YClient::connect(&node.ws_as(board, role)).await.unwrap();
    client.synced().await;
    client.command(&Command::Hello { key: key.into() }).await;
    assert!(eventually(WAIT, || client.facilitation().is_some()).await);
    client
}

/// A document of one's own holding one note: what a browser sends as its
/// private notes.
fn private_note(doc: &yrs::Doc, id: &str, text: &str) -> Vec<u8> {
    use yrs::{ReadTxn, StateVector, Transact};
    let board = atelier_shared::Board::new(doc);
    let mut note = atelier_shared::Element::new(id, atelier_shared::Kind::Note, 0.0, 0.0);
    note.text = text.into();
    board.elements().insert(&mut doc.transact_mut(), &note);
    doc.transact()
        .encode_state_as_update_v1(&StateVector::default())
}

/// Two nodes compacting one board's log again and again while both write
/// to it: the board stays whole, in every client and in PostgreSQL.
#[tokio::test]
async fn nodes_compacting_one_board_at_once_keep_it_whole() {
    let mut cluster = Cluster::start(0).await;
    for _ in 0..2 {
        let node = cluster.node_with(&["--compact-after", "5"]).await;
        cluster.nodes.push(node);
    }
    let board = "compacted";
    let clients = [
        connect(&cluster.nodes[0], board).await,
        connect(&cluster.nodes[1], board).await,
    ];
    for round in 0..40 {
        write_round(&clients, round).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        eventually(WAIT, || converged(&clients, 80)).await,
        "{:?}",
        clients
            .iter()
            .map(YClient::element_count)
            .collect::<Vec<_>>()
    );
    cluster.holds(board, &clients[0]).await;
    let done = [
        cluster.nodes[0].metric("atelier_compactions_total").await,
        cluster.nodes[1].metric("atelier_compactions_total").await,
    ];
    assert!(done.iter().all(|n| *n > 0.0), "both compacted: {done:?}");
    // A fresh node loads it whole from the snapshot and what follows.
    let fresh = cluster.node().await;
    let late = connect(&fresh, board).await;
    assert_eq!(late.snapshot(), clients[0].snapshot());
}

/// In the browser: a board open on one node shows what a bot writes
/// through another; with PostgreSQL stopped, an edit is not saved and the
/// status says so; once it is back, the browser reconnects and the edit is
/// saved, seen through the other node.
#[tokio::test]
async fn a_browser_on_one_node_sees_another_and_is_told_when_postgresql_stops() {
    use atelier_shared::{Element, Kind};
    let cluster = Cluster::start(2).await;
    let board = cluster.nodes[0].new_board("Claims journey").await;
    let mut bot = connect(&cluster.nodes[1], &board).await;
    let b = atelier_tests::browser::Browser::start()
        .await
        .expect("browser");
    let run = async {
        b.join(&cluster.nodes[0].board_url(&board), "Ann").await?;
        let mut note = Element::new("from-b", Kind::Note, 0.0, 0.0);
        note.text = "Written through node B".into();
        bot.add(&note).await;
        b.until(
            "the note written through node B is drawn",
            "const n = document.querySelector(\"[data-id='from-b']\");
             return !!n && n.textContent.includes('Written through node B');",
        )
        .await?;
        b.screenshot("cluster-note-from-another-node").await?;

        cluster.pg.stop()?;
        let at = b.center_of("[data-id='from-b']").await?;
        b.double_click_at(at.0, at.1).await?;
        b.editor_ready().await?;
        b.type_text(" (edited while the store was down)").await?;
        b.type_text("\u{e00c}").await?;
        b.until(
            "the status says the board is not saved",
            "return document.querySelector('.board-shell').dataset.sync !== 'saved';",
        )
        .await?;
        b.screenshot("cluster-store-down").await?;

        cluster.pg.start_again()?;
        b.until(
            "saved again once PostgreSQL is back",
            "return document.querySelector('.board-shell').dataset.sync === 'saved';",
        )
        .await?;
        // The other node's clients see it (the bot reconnects, as the
        // browser did: its room failed too if it tried to store).
        if !bot.is_open() || bot.ended(Duration::from_millis(10)).await.is_some() {
            bot = connect(&cluster.nodes[1], &board).await;
        }
        anyhow::ensure!(
            eventually(WAIT, || bot.element("from-b").is_some_and(|e| e
                .text
                .ends_with("(edited while the store was down)")))
            .await,
            "the edit did not reach node B: {:?}",
            bot.element("from-b").map(|e| e.text)
        );
        Ok::<(), anyhow::Error>(())
    };
    let outcome = run.await;
    b.close().await;
    outcome.unwrap();
}

/// What lives in PostgreSQL or in the link is the same on every node: a
/// version saved through one is listed and drawn by another; a link that
/// expires closes its connection whatever node it reached; comments are in
/// the document, like notes.
#[tokio::test]
async fn versions_comments_and_expiring_links_on_every_node() {
    let cluster = Cluster::start(2).await;
    let [a, b] = [&cluster.nodes[0], &cluster.nodes[1]];
    let board = a.new_board("Claims journey").await;
    let bot = connect(a, &board).await;
    let mut note = atelier_shared::Element::new("n1", atelier_shared::Kind::Note, 0.0, 0.0);
    note.text = "Weeks".into();
    bot.add(&note).await;
    bot.edit(|txn| {
        use yrs::WriteTxn;
        let comments = txn.get_or_insert_map("comments");
        let comment = yrs::Map::insert(&comments, txn, "c1", yrs::MapPrelim::default());
        yrs::Map::insert(&comment, txn, "element", "n1");
        yrs::Map::insert(&comment, txn, "text", "Which claims?");
    })
    .await;
    let on_b = connect(b, &board).await;
    assert!(
        eventually(WAIT, || on_b.snapshot() == bot.snapshot()).await,
        "the board differs on B"
    );
    assert!(
        eventually(WAIT, || on_b.comment_text("c1").as_deref()
            == Some("Which claims?"))
        .await,
        "the comment did not reach B"
    );

    let editor = a.token(&board, Role::Editor);
    let (status, body) = a
        .request_with(
            &editor,
            "POST",
            &format!("/api/boards/{board}/versions"),
            Some(r#"{"name":"Before the vote"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let saved: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (status, list) = b
        .request_with(
            &editor,
            "GET",
            &format!("/api/boards/{board}/versions"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(list.contains("Before the vote"), "{list}");
    let (status, svg) = b
        .request_with(
            &editor,
            "GET",
            &format!("/api/boards/{board}/versions/{}/board.svg", saved["id"]),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(svg.contains(">Weeks<"), "{svg}");

    // A link that expires in two seconds, used on B: closed then.
    let soon = a.keys.mint(
        &board.parse().unwrap(),
        Role::Editor,
        0,
        atelier_server::access::now_secs() + 2,
    );
    let mut brief = YClient::connect(&format!("{}?t={soon}", b.ws_bare(&board)))
        .await
        .unwrap();
    brief.synced().await;
    assert_eq!(brief.ended(WAIT).await, Some(Ended::Closed(4403)));
    assert!(
        YClient::connect(&format!("{}?t={soon}", a.ws_bare(&board)))
            .await
            .is_err(),
        "an expired link is refused on A too"
    );
}
