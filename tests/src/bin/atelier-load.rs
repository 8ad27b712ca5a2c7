//! Load generator for y-websocket servers (Atelier first):
//!
//!   cargo run --release -p atelier-tests --bin atelier-load -- \
//!       --url ws://127.0.0.1:8080/ws --clients 200 --writers 10 --rate 10 --edits 50
//!
//! N clients join one room; W of them make M edits each at R edits/s (every
//! 5th edit creates a sticky note in the root map `elements`, the others
//! move the writer's latest note). Each edit carries a marker
//! `#E#writer:seq:micros;`, and every other client records the time from the
//! edit to the frame's arrival (scanning frames, without decoding them, so
//! the harness stays cheap). At the end every client integrates what it
//! received and the documents must agree. Prints one JSON line: connect
//! time, fan-out latency p50/p95/p99/max, deliveries/s, server RSS and CPU
//! (found by port), and the convergence check. Exit 1 if not converged or
//! an edit was lost.
//!
//! `--initial-sync N` instead measures how long a new client takes to
//! receive a board of N notes (median of 5 joins; `--fill-only` writes the
//! board and stops, `--join-only` joins a board written before, the first
//! join loading it from the store if the server was restarted).
//!
//! `--url` may name several servers (comma-separated: the nodes of a
//! cluster): clients are spread over them in turn, and the fan-out latency
//! is also given for deliveries to a client on another node than the
//! writer's (`cross_node_latency_ms`), with each node's CPU and memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use atelier_shared::protocol;
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, Map, MapRef, ReadTxn, StateVector, Transact, Update};

#[derive(Parser, Debug, Clone)]
struct Args {
    /// Websocket base URL; the room is appended as the last path segment.
    /// Several, comma-separated: the nodes of a cluster, clients spread
    /// over them in turn.
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws", value_delimiter = ',')]
    url: Vec<String>,
    /// Room name (default: a fresh one).
    #[arg(long)]
    room: Option<String>,
    #[arg(long, default_value_t = 10)]
    clients: usize,
    /// Writing clients (0 = all).
    #[arg(long, default_value_t = 0)]
    writers: usize,
    /// Edits per writer.
    #[arg(long, default_value_t = 50)]
    edits: usize,
    /// Edits per second per writer.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// Seconds to wait for the last deliveries.
    #[arg(long, default_value_t = 15)]
    quiesce: u64,
    /// Measure a new client's initial sync of a board of this many notes.
    #[arg(long)]
    initial_sync: Option<usize>,
    /// The server is y-sweet: rooms live at `{url}/d/{room}/ws/{room}`.
    #[arg(long)]
    ysweet: bool,
    /// With `--initial-sync`: write the board, then stop.
    #[arg(long)]
    fill_only: bool,
    /// With `--initial-sync`: join a board written before (by `--fill-only`).
    #[arg(long)]
    join_only: bool,
    /// Label echoed in the output.
    #[arg(long, default_value = "atelier")]
    label: String,
}

/// Time origin shared by every client of this process.
static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

fn micros() -> u64 {
    ORIGIN.get_or_init(Instant::now).elapsed().as_micros() as u64
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    micros();
    let room = args
        .room
        .clone()
        .unwrap_or_else(|| format!("load-{}", rand::random::<u32>()));
    let servers: Vec<Option<u32>> = args
        .url
        .iter()
        .map(|url| {
            url.split("://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|host| host.rsplit(':').next())
                .and_then(|p| p.parse::<u16>().ok())
                .and_then(proc_stats::pid_listening_on)
        })
        .collect();
    match args.initial_sync {
        Some(notes) => initial_sync(&args, &room, notes, servers[0]).await,
        None => fan_out(&args, &room, &servers).await,
    }
}

/// One server's (node's) resource use during a run.
struct NodeStats {
    pid: Option<u32>,
    rss_idle: Option<u64>,
    cpu_before: Option<u64>,
    rss_max: Arc<AtomicU64>,
}

impl NodeStats {
    fn start(pid: Option<u32>) -> NodeStats {
        let rss_idle = pid.and_then(proc_stats::rss_kb);
        NodeStats {
            pid,
            rss_idle,
            cpu_before: None,
            rss_max: Arc::new(AtomicU64::new(rss_idle.unwrap_or(0))),
        }
    }

    /// Samples the resident memory every 100 ms until aborted.
    fn sample(&mut self) -> Option<tokio::task::JoinHandle<()>> {
        self.cpu_before = self.pid.and_then(proc_stats::cpu_ticks);
        let (pid, rss_max) = (self.pid?, self.rss_max.clone());
        Some(tokio::spawn(async move {
            loop {
                if let Some(kb) = proc_stats::rss_kb(pid) {
                    rss_max.fetch_max(kb, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }))
    }

    fn cpu_pct(&self, run_secs: f64) -> Option<f64> {
        let after = self.pid.and_then(proc_stats::cpu_ticks)?;
        Some((after - self.cpu_before?) as f64 / proc_stats::ticks_per_sec() / run_secs * 100.0)
    }
}

/// What one client saw.
#[derive(Default)]
struct Seen {
    latencies: Vec<u32>,
    /// Those of edits written through another node.
    cross: Vec<u32>,
    payloads: Vec<Vec<u8>>,
    markers: u64,
}

async fn fan_out(args: &Args, room: &str, servers: &[Option<u32>]) -> Result<()> {
    let n = args.clients;
    let w = if args.writers == 0 {
        n
    } else {
        args.writers.min(n)
    };
    let nodes = args.url.len();
    let urls: Vec<String> = (0..nodes).map(|i| room_url(args, i, room)).collect();
    let mut stats: Vec<NodeStats> = servers.iter().map(|pid| NodeStats::start(*pid)).collect();
    let expected = (w * args.edits) as u64;

    // Connect everyone and wait for each initial sync.
    let started = Instant::now();
    let mut clients = Vec::with_capacity(n);
    let mut connect_ms = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        let url = &urls[i % nodes];
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .with_context(|| format!("connecting to {url}"))?;
        let (mut sink, mut stream) = socket.split();
        sink.send(WsMessage::Binary(protocol::sync_step1(&Doc::new()).into()))
            .await?;
        // Wait for SyncStep2.
        loop {
            match tokio::time::timeout(Duration::from_secs(30), stream.next()).await {
                Ok(Some(Ok(WsMessage::Binary(data)))) => {
                    if let Ok(msgs) = protocol::decode_frame(&data)
                        && msgs
                            .iter()
                            .any(|m| matches!(m, Message::Sync(SyncMessage::SyncStep2(_))))
                    {
                        break;
                    }
                }
                Ok(Some(Ok(_))) => {}
                _ => bail!("no initial sync from {url}"),
            }
        }
        connect_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        clients.push((sink, stream));
    }
    let connect_total_ms = started.elapsed().as_secs_f64() * 1000.0;

    let received = Arc::new(AtomicU64::new(0));
    let samplers: Vec<_> = stats.iter_mut().filter_map(NodeStats::sample).collect();
    let run_started = Instant::now();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut readers = Vec::new();
    let mut writers = Vec::new();
    let mut idle_sinks = Vec::new();
    for (i, (sink, mut stream)) in clients.into_iter().enumerate() {
        let received = received.clone();
        let writer_index = (i < w).then_some(i);
        let mut stopped = stopped.clone();
        readers.push(tokio::spawn(async move {
            let mut seen = Seen::default();
            loop {
                let msg = tokio::select! {
                    msg = stream.next() => match msg {
                        Some(Ok(msg)) => msg,
                        _ => break,
                    },
                    _ = stopped.changed() => break,
                };
                let WsMessage::Binary(data) = msg else {
                    continue;
                };
                let now = micros();
                let mut found = 0;
                for (writer, ts) in markers(&data) {
                    if Some(writer) != writer_index {
                        let latency = now.saturating_sub(ts).min(u32::MAX as u64) as u32;
                        seen.latencies.push(latency);
                        // Client k is on node k % nodes, writers included.
                        if writer % nodes != i % nodes {
                            seen.cross.push(latency);
                        }
                        found += 1;
                    }
                }
                if found > 0 {
                    seen.markers += found;
                    received.fetch_add(found, Ordering::Relaxed);
                }
                for m in protocol::decode_frame(&data).unwrap_or_default() {
                    if let Message::Sync(SyncMessage::Update(u) | SyncMessage::SyncStep2(u)) = m {
                        seen.payloads.push(u);
                    }
                }
            }
            seen
        }));
        match writer_index {
            Some(index) => writers.push(tokio::spawn(write(sink, index, args.edits, args.rate))),
            None => idle_sinks.push(sink),
        }
    }
    // Writers finish, then deliveries settle.
    let mut writer_docs = Vec::new();
    let mut writer_sinks = Vec::new();
    for handle in writers {
        if let Some((doc, sink)) = handle.await? {
            writer_docs.push(doc);
            writer_sinks.push(sink);
        }
    }
    let want = expected * (n as u64 - 1);
    let deadline = Instant::now() + Duration::from_secs(args.quiesce);
    while received.load(Ordering::Relaxed) < want && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let run_secs = run_started.elapsed().as_secs_f64();
    for sampler in samplers {
        sampler.abort();
    }
    let _ = stop.send(true);
    let mut seen = Vec::new();
    for reader in readers {
        seen.push(reader.await?);
    }
    drop((writer_sinks, idle_sinks));
    let delivered = received.load(Ordering::Relaxed);
    let mut latencies: Vec<u32> = seen.iter().flat_map(|s| s.latencies.clone()).collect();
    latencies.sort_unstable();
    let mut cross: Vec<u32> = seen.iter().flat_map(|s| s.cross.clone()).collect();
    cross.sort_unstable();

    // Convergence: a new client's view (on each node) must contain every
    // writer's state.
    let mut check = Ok(());
    for url in &urls {
        check = check.and(convergence(url, &writer_docs, &seen).await);
    }
    let pct = |latencies: &[u32], p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i] as f64 / 1000.0
    };
    let summary_of = |l: &[u32]| {
        serde_json::json!({
            "p50": round(pct(l, 0.50)), "p95": round(pct(l, 0.95)), "p99": round(pct(l, 0.99)),
            "max": round(pct(l, 1.0)), "samples": l.len(),
        })
    };
    let per_node: Vec<serde_json::Value> = stats
        .iter()
        .map(|s| {
            serde_json::json!({
                "pid": s.pid,
                "rss_idle_mb": s.rss_idle.map(|kb| round(kb as f64 / 1024.0)),
                "rss_max_mb": s.pid.map(|_| round(s.rss_max.load(Ordering::Relaxed) as f64 / 1024.0)),
                "cpu_pct": s.cpu_pct(run_secs).map(round),
            })
        })
        .collect();
    let first = &stats[0];
    connect_ms.sort_by(|a, b| a.total_cmp(b));
    let summary = serde_json::json!({
        "label": args.label,
        "clients": n,
        "writers": w,
        "edits_per_writer": args.edits,
        "rate": args.rate,
        "connect_total_ms": round(connect_total_ms),
        "connect_p99_ms": round(connect_ms[(connect_ms.len() * 99 / 100).min(connect_ms.len() - 1)]),
        "nodes": nodes,
        "latency_ms": summary_of(&latencies),
        "cross_node_latency_ms": (nodes > 1).then(|| summary_of(&cross)),
        "per_node": per_node,
        "run_s": round(run_secs),
        "deliveries": delivered,
        "deliveries_expected": want,
        "deliveries_per_s": round(delivered as f64 / run_secs),
        "server_pid": first.pid,
        "server_rss_idle_mb": first.rss_idle.map(|kb| round(kb as f64 / 1024.0)),
        "server_rss_max_mb": first.pid.map(|_| round(first.rss_max.load(Ordering::Relaxed) as f64 / 1024.0)),
        "server_cpu_pct": first.cpu_pct(run_secs).map(round),
        "converged": check.is_ok(),
        "lost": want.saturating_sub(delivered),
    });
    println!("{summary}");
    if let Err(err) = check {
        eprintln!("not converged: {err}");
        std::process::exit(1);
    }
    if delivered < want {
        eprintln!("lost {} deliveries", want - delivered);
        std::process::exit(1);
    }
    Ok(())
}

/// One writer: its own document, M edits at R/s, each sent as one update.
async fn write<S>(mut sink: S, index: usize, edits: usize, rate: f64) -> Option<(Doc, S)>
where
    S: futures_util::Sink<WsMessage> + Unpin,
{
    let doc = Doc::new();
    let elements = doc.get_or_insert_map("elements");
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    let mut latest: Option<String> = None;
    for seq in 0..edits {
        tick.tick().await;
        let marker = format!("#E#{index}:{seq}:{};", micros());
        let update = {
            let mut txn = doc.transact_mut();
            if seq % 5 == 0 || latest.is_none() {
                let id = format!("w{index}-{seq}");
                let note = elements.insert(&mut txn, id.as_str(), yrs::MapPrelim::default());
                note.insert(&mut txn, "x", (seq * 10) as f64);
                note.insert(&mut txn, "y", (index * 10) as f64);
                note.insert(&mut txn, "text", Any::from(format!("note {seq}")));
                note.insert(&mut txn, "e", Any::from(marker));
                latest = Some(id);
            } else if let Some(id) = &latest
                && let Some(yrs::Out::YMap(note)) = elements.get(&txn, id)
            {
                note.insert(&mut txn, "x", (seq * 10) as f64);
                note.insert(&mut txn, "y", (seq * 3) as f64);
                note.insert(&mut txn, "e", Any::from(marker));
            }
            txn.encode_update_v1()
        };
        if sink
            .send(WsMessage::Binary(protocol::update(update).into()))
            .await
            .is_err()
        {
            return None;
        }
    }
    // The socket stays open (with the caller) while the others receive.
    Some((doc, sink))
}

/// `(writer, micros)` of every marker in a frame.
fn markers(data: &[u8]) -> Vec<(usize, u64)> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(at) = find(rest, b"#E#") {
        rest = &rest[at + 3..];
        let Some(end) = rest.iter().position(|b| *b == b';') else {
            break;
        };
        if let Ok(text) = std::str::from_utf8(&rest[..end]) {
            let mut parts = text.split(':');
            if let (Some(w), Some(_), Some(ts)) = (parts.next(), parts.next(), parts.next())
                && let (Ok(w), Ok(ts)) = (w.parse(), ts.parse())
            {
                out.push((w, ts));
            }
        }
        rest = &rest[end..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A fresh client's document must hold every writer's state.
async fn convergence(url: &str, writers: &[Doc], clients: &[Seen]) -> Result<()> {
    let (doc, _) = join_and_sync(url).await?;
    let have = doc.transact().state_vector();
    // Every client, integrating what it received, has the server's state.
    for (i, client) in clients.iter().enumerate() {
        let mine = Doc::new();
        {
            let mut txn = mine.transact_mut();
            for payload in &client.payloads {
                txn.apply_update(Update::decode_v1(payload)?)?;
            }
        }
        // Writers also hold their own edits, which the server never echoes.
        let sv = mine.transact().state_vector();
        for (c, clock) in have.iter() {
            let own = writers
                .get(i)
                .is_some_and(|w| w.transact().state_vector().get(c) >= *clock);
            if sv.get(c) < *clock && !own {
                bail!("client {i} lacks client {c}'s edits up to {clock}");
            }
        }
    }
    for (i, writer) in writers.iter().enumerate() {
        let theirs = writer.transact().state_vector();
        for (client, clock) in theirs.iter() {
            if have.get(client) < *clock {
                bail!(
                    "writer {i}: client {client} at {clock}, server has {}",
                    have.get(client)
                );
            }
        }
    }
    let elements: MapRef = doc.get_or_insert_map("elements");
    let count = elements.len(&doc.transact());
    let expected: u32 = writers
        .iter()
        .map(|w| w.get_or_insert_map("elements").len(&w.transact()))
        .sum();
    if count != expected {
        bail!("{count} notes on the server, {expected} written");
    }
    Ok(())
}

/// How long a join took.
#[derive(Clone, Copy)]
struct Join {
    /// From connecting until the server's SyncStep2 (the whole board) arrived.
    received: Duration,
    /// Until this client had also decoded and integrated it (client work,
    /// the same whatever the server).
    integrated: Duration,
}

/// Joins `url` with an empty document; returns it once synced.
async fn join_and_sync(url: &str) -> Result<(Doc, Join)> {
    let started = Instant::now();
    let (socket, _) = tokio_tungstenite::connect_async(url).await?;
    let (mut sink, mut stream) = socket.split();
    let doc = Doc::new();
    sink.send(WsMessage::Binary(protocol::sync_step1(&doc).into()))
        .await?;
    loop {
        let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(60), stream.next()).await
        else {
            bail!("no sync from {url}");
        };
        let WsMessage::Binary(data) = msg else {
            continue;
        };
        for m in protocol::decode_frame(&data).unwrap_or_default() {
            if let Message::Sync(SyncMessage::SyncStep2(u)) = m {
                let received = started.elapsed();
                let update = Update::decode_v1(&u)?;
                doc.transact_mut().apply_update(update)?;
                let integrated = started.elapsed();
                let _ = sink.close().await;
                return Ok((
                    doc,
                    Join {
                        received,
                        integrated,
                    },
                ));
            }
        }
    }
}

async fn initial_sync(args: &Args, room: &str, notes: usize, server: Option<u32>) -> Result<()> {
    let url = room_url(args, 0, room);
    if args.join_only {
        return joins(args, &url, notes, None, server).await;
    }
    // Fill the board: notes in batches of 100 per update.
    let (socket, _) = tokio_tungstenite::connect_async(&url).await?;
    let (mut sink, mut stream) = socket.split();
    let doc = Doc::new();
    let elements = doc.get_or_insert_map("elements");
    sink.send(WsMessage::Binary(protocol::sync_step1(&doc).into()))
        .await?;
    for batch in 0..notes.div_ceil(100) {
        let update = {
            let mut txn = doc.transact_mut();
            for i in batch * 100..((batch + 1) * 100).min(notes) {
                let note = elements.insert(&mut txn, format!("n{i}"), yrs::MapPrelim::default());
                note.insert(&mut txn, "type", "note");
                note.insert(&mut txn, "x", ((i % 100) * 220) as f64);
                note.insert(&mut txn, "y", ((i / 100) * 220) as f64);
                note.insert(&mut txn, "color", "#f2c94c");
                note.insert(
                    &mut txn,
                    "text",
                    Any::from(format!("Verbatim {i}: the claim took three weeks")),
                );
            }
            txn.encode_update_v1()
        };
        sink.send(WsMessage::Binary(protocol::update(update).into()))
            .await?;
    }
    let size = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default())
        .len();
    // Let the server store everything before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    if args.fill_only {
        let _ = sink.close().await;
        println!(
            "{}",
            serde_json::json!({"label": args.label, "filled_notes": notes, "board_kib": round(size as f64 / 1024.0)})
        );
        return Ok(());
    }
    joins(args, &url, notes, Some(size), server).await?;
    let _ = sink.close().await;
    drop(stream.next());
    Ok(())
}

/// Five joins of a board of `notes` notes (`size` bytes, if known): the
/// first, then the median.
async fn joins(
    args: &Args,
    url: &str,
    notes: usize,
    size: Option<usize>,
    server: Option<u32>,
) -> Result<()> {
    let (mut received, mut integrated) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let (joined, took) = join_and_sync(url).await?;
        let have = joined.get_or_insert_map("elements").len(&joined.transact());
        if have as usize != notes {
            bail!("a new client received {have} of {notes} notes");
        }
        received.push(took.received.as_secs_f64() * 1000.0);
        integrated.push(took.integrated.as_secs_f64() * 1000.0);
    }
    let first_ms = round(received[0]);
    let ms = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v.iter().map(|t| round(*t)).collect::<Vec<_>>()
    };
    let (received, integrated) = (ms(&mut received), ms(&mut integrated));
    println!(
        "{}",
        serde_json::json!({
            "label": args.label,
            "initial_sync_notes": notes,
            "board_kib": size.map(|size| round(size as f64 / 1024.0)),
            "first_join_ms": first_ms,
            "initial_sync_ms_median": received[2],
            "initial_sync_ms": received,
            "integrated_ms_median": integrated[2],
            "server_rss_mb": server.and_then(proc_stats::rss_kb).map(|kb| round(kb as f64 / 1024.0)),
        })
    );
    Ok(())
}

fn room_url(args: &Args, node: usize, room: &str) -> String {
    let base = args.url[node].trim_end_matches('/');
    if args.ysweet {
        format!("{base}/d/{room}/ws/{room}")
    } else {
        format!("{base}/{room}")
    }
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Reading a server's figures from `/proc` (Linux).
mod proc_stats {
    /// The pid of the process listening on `port` (IPv4 or IPv6 loopback).
    pub fn pid_listening_on(port: u16) -> Option<u32> {
        let mut inodes = Vec::new();
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let Ok(text) = std::fs::read_to_string(table) else {
                continue;
            };
            for line in text.lines().skip(1) {
                let cols: Vec<&str> = line.split_whitespace().collect();
                if cols.len() > 9 && cols[3] == "0A" {
                    let local_port = cols[1]
                        .rsplit(':')
                        .next()
                        .and_then(|p| u16::from_str_radix(p, 16).ok());
                    if local_port == Some(port) {
                        inodes.push(format!("socket:[{}]", cols[9]));
                    }
                }
            }
        }
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
                continue;
            };
            for fd in fds.flatten() {
                if let Ok(target) = std::fs::read_link(fd.path())
                    && inodes.iter().any(|i| target.to_string_lossy() == *i)
                {
                    return Some(pid);
                }
            }
        }
        None
    }

    pub fn rss_kb(pid: u32) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    /// utime + stime, in clock ticks.
    pub fn cpu_ticks(pid: u32) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let after = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    }

    pub fn ticks_per_sec() -> f64 {
        100.0
    }
}
