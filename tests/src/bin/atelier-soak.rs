//! Soak benchmark: many boards, many connections, for a long time, with
//! attackers at work, then `kill -9`.
//!
//!   cargo build --release -p atelier-server -p atelier-tests --bin atelier --bin atelier-soak
//!   target/release/atelier-soak --boards 200 --clients 2000 --minutes 10
//!
//! Starts the release `atelier` (a data directory of its own, loopback),
//! spreads the clients over the boards (two writers a board, the rest
//! readers), and for the whole run: writers add notes at `--rate` a second,
//! `--churn` readers a second leave and others join, and three viewer
//! links attack without pause (SyncStep1 floods with forged state vectors,
//! awareness hijacks, ghosts, huge names and floods, frames declaring 2^28
//! entries or nesting values a million deep). Every `--sample` seconds it
//! prints one JSON line: the server's resident memory and CPU, the honest
//! clients' delivery latency (edit to arrival) p50/p99 in that window, joins'
//! time to sync, connections. At the end it kills the server with SIGKILL,
//! starts it again on the same data, and checks that every note any client
//! saw is on its board; the last line says how many were lost (must be 0).
//! Exit 1 if any was.

use std::collections::HashSet;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use atelier_server::{Keys, Role};
use atelier_shared::{BoardId, protocol};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Any, Doc, Map, StateVector, Transact, Update};

#[derive(Parser, Debug, Clone)]
struct Args {
    /// The `atelier` binary to run.
    #[arg(long, default_value = "target/release/atelier")]
    server: PathBuf,
    #[arg(long, default_value_t = 200)]
    boards: usize,
    /// Honest connections, spread evenly over the boards.
    #[arg(long, default_value_t = 2000)]
    clients: usize,
    /// Writers a board (the others read).
    #[arg(long, default_value_t = 2)]
    writers: usize,
    /// Notes a second per writer.
    #[arg(long, default_value_t = 0.5)]
    rate: f64,
    /// Readers a second that leave, and as many that join.
    #[arg(long, default_value_t = 5)]
    churn: usize,
    #[arg(long, default_value_t = 10.0)]
    minutes: f64,
    /// Seconds between two reports.
    #[arg(long, default_value_t = 30)]
    sample: u64,
    /// No attackers (for a baseline).
    #[arg(long)]
    peaceful: bool,
}

const SECRET: &str = "the-soak-benchmark-secret";

/// Time origin shared by every client of this process.
static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

fn micros() -> u64 {
    ORIGIN.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// What the honest clients saw: latencies since the last report, joins'
/// sync times, and every note seen (board, writer, seq).
#[derive(Default)]
struct Seen {
    latencies: Vec<u32>,
    joins: Vec<u32>,
    notes: HashSet<(usize, usize, u64)>,
}

struct Server {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Server {
    fn start(binary: &Path, data: &Path) -> Result<Server> {
        let mut child = std::process::Command::new(binary)
            .args(["serve", "--addr", "127.0.0.1:0", "--secret", SECRET])
            .args(["--max-connections-per-ip", "0"])
            .arg("--data-dir")
            .arg(data)
            .env("RUST_LOG", "warn,atelier_server::cli=info")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find("http://") {
                    let rest = &line[at + 7..];
                    let end = rest.find('/').unwrap_or(rest.len());
                    if let (Some(tx), Ok(addr)) = (tx.take(), rest[..end].parse::<SocketAddr>()) {
                        let _ = tx.send(addr);
                    }
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .context("the server did not say where it listens")?;
        Ok(Server { child, addr })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown, as when the process dies.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// utime + stime, in clock ticks (100 a second).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some((_, after)) = stat.rsplit_once(')') else {
        return 0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

struct Links {
    keys: Keys,
    addr: SocketAddr,
}

impl Links {
    fn url(&self, board: usize, role: Role) -> String {
        let id: BoardId = format!("soak-{board}").parse().expect("board id");
        let token = self.keys.mint(&id, role, 0, 0);
        format!("ws://{}/ws/{id}?t={token}", self.addr)
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects and waits for the board's state (SyncStep2): the time it took.
async fn join(url: &str) -> Result<(Socket, Duration)> {
    let started = Instant::now();
    let (mut socket, _) = connect(url).await?;
    socket
        .send(WsMessage::Binary(protocol::sync_step1(&Doc::new()).into()))
        .await?;
    loop {
        match tokio::time::timeout(Duration::from_secs(60), socket.next()).await {
            Ok(Some(Ok(WsMessage::Binary(data)))) => {
                let synced = protocol::decode_frame(&data).is_ok_and(|messages| {
                    messages
                        .iter()
                        .any(|m| matches!(m, Message::Sync(SyncMessage::SyncStep2(_))))
                });
                if synced {
                    return Ok((socket, started.elapsed()));
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => bail!("no sync from {url}"),
        }
    }
}

/// A websocket with TCP_NODELAY, as browsers and the server use: without
/// it, Nagle's algorithm holds a writer's small frames for the server's
/// delayed ACK (a 40 ms tail that is the harness's, not the server's).
async fn connect(
    url: &str,
) -> Result<(
    Socket,
    tokio_tungstenite::tungstenite::handshake::client::Response,
)> {
    Ok(tokio_tungstenite::connect_async_with_config(url, None, true).await?)
}

/// `(writer, seq, micros)` of every marker `#E#writer:seq:micros;` in a frame.
fn markers(data: &[u8]) -> Vec<(usize, u64, u64)> {
    let mut found = Vec::new();
    let mut rest = data;
    while let Some(at) = find(rest, b"#E#") {
        rest = &rest[at + 3..];
        let Some(end) = find(rest, b";") else { break };
        let text = String::from_utf8_lossy(&rest[..end]);
        let mut parts = text.split(':');
        if let (Some(w), Some(s), Some(t)) = (parts.next(), parts.next(), parts.next())
            && let (Ok(w), Ok(s), Ok(t)) = (w.parse(), s.parse(), t.parse())
        {
            found.push((w, s, t));
        }
        rest = &rest[end..];
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A reader: records what arrives until the socket ends or `stop` fires.
async fn read(
    mut socket: futures_util::stream::SplitStream<Socket>,
    board: usize,
    me: Option<usize>,
    seen: Arc<Mutex<Seen>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let message = tokio::select! {
            message = socket.next() => message,
            _ = stop.changed() => return,
        };
        let Some(Ok(WsMessage::Binary(data))) = message else {
            if matches!(message, None | Some(Err(_))) {
                return;
            }
            continue;
        };
        let now = micros();
        let found = markers(&data);
        if found.is_empty() {
            continue;
        }
        let mut seen = seen.lock().expect("seen");
        for (writer, seq, at) in found {
            seen.notes.insert((board, writer, seq));
            if Some(writer) != me {
                seen.latencies
                    .push(now.saturating_sub(at).min(u64::from(u32::MAX)) as u32);
            }
        }
    }
}

/// A writer: a note every `1/rate` s, each with a marker, until `stop`.
async fn write(
    mut sink: futures_util::stream::SplitSink<Socket, WsMessage>,
    board: usize,
    writer: usize,
    rate: f64,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let doc = Doc::new();
    let elements = doc.get_or_insert_map("elements");
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    for seq in 0u64.. {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let update = {
            let mut txn = doc.transact_mut();
            let id = format!("w{writer}-{seq}");
            let note = elements.insert(&mut txn, id.as_str(), yrs::MapPrelim::default());
            note.insert(&mut txn, "type", "note");
            note.insert(&mut txn, "x", (seq % 40) as f64 * 220.0);
            note.insert(&mut txn, "y", (writer % 10) as f64 * 220.0);
            let text = format!("board {board} #E#{writer}:{seq}:{};", micros());
            note.insert(&mut txn, "text", Any::from(text));
            txn.encode_update_v1()
        };
        let frame = WsMessage::Binary(protocol::update(update).into());
        if sink.send(frame).await.is_err() {
            return;
        }
    }
}

/// The attacks of a viewer's link, over and over, on boards in turn.
async fn attack(links: Arc<Links>, kind: usize, boards: usize, attacks: Arc<AtomicU64>) {
    let mut deep = vec![1, 1, 7, 0, 0b1000, 1, 1, b'a', 1];
    for _ in 0..500_000 {
        deep.extend([117, 1]);
    }
    deep.extend([126, 0]);
    let deep = protocol::update(deep);
    let mut forged = StateVector::default();
    forged.set_max(yrs::ClientID::new(424_242), 7);
    let ask = Message::Sync(SyncMessage::SyncStep1(forged)).encode_v1();
    for round in 0usize.. {
        let board = (round * 7 + kind) % boards;
        let Ok((mut socket, _)) = connect(&links.url(board, Role::Viewer)).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let frames: Vec<Vec<u8>> = match kind {
            // 1: SyncStep1 with state vectors from nowhere, never reading.
            0 => vec![ask.clone(); 64],
            // 6: awareness: another's id, ghosts, a huge name, not JSON,
            // then a flood.
            1 => {
                let mut frames = vec![
                    presence(&[(1, 1000, r#"{"user":{"name":"Evil"}}"#)]),
                    presence(
                        &(0..5000u64)
                            .map(|c| (9_000_000 + c, 1, r#"{"user":{"name":"ghost"}}"#))
                            .collect::<Vec<_>>(),
                    ),
                    presence(&[(
                        8_000_001,
                        1,
                        &format!(r#"{{"name":"{}"}}"#, "n".repeat(1 << 20)),
                    )]),
                    presence(&[(8_000_002, 1, "not JSON")]),
                ];
                for clock in 2..2000 {
                    frames.push(presence(&[(8_000_003, clock, r#"{"user":{"name":"f"}}"#)]));
                }
                frames
            }
            // 9: declared lengths and depths.
            _ => vec![
                vec![0, 0, 5, 0x80, 0x80, 0x80, 0x80, 0x01],
                vec![1, 5, 0x80, 0x80, 0x80, 0x80, 0x01],
                deep.clone(),
            ],
        };
        for frame in frames {
            attacks.fetch_add(1, Ordering::Relaxed);
            if socket.send(WsMessage::Binary(frame.into())).await.is_err() {
                break;
            }
        }
        // Held open a while without reading (the flood's point), then gone.
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(socket);
    }
}

fn presence(entries: &[(u64, u32, &str)]) -> Vec<u8> {
    use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
    protocol::awareness(AwarenessUpdate {
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
    })
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    (f64::from(sorted[i]) / 100.0).round() / 10.0
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    micros();
    let data = std::env::temp_dir().join(format!("atelier-soak-{}", std::process::id()));
    std::fs::create_dir_all(&data)?;
    let server = Server::start(&args.server, &data)?;
    let pid = server.pid();
    let links = Arc::new(Links {
        keys: Keys::new(SECRET.as_bytes()),
        addr: server.addr,
    });
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (stop, stopped) = tokio::sync::watch::channel(false);

    // Everyone joins.
    let per_board = (args.clients / args.boards).max(1);
    let mut readers = Vec::new();
    for board in 0..args.boards {
        for i in 0..per_board {
            let writer = (i < args.writers).then_some(board * args.writers + i);
            let role = if writer.is_some() {
                Role::Editor
            } else {
                Role::Viewer
            };
            let (socket, took) = join(&links.url(board, role)).await?;
            seen.lock()
                .expect("seen")
                .joins
                .push(took.as_micros() as u32);
            let (sink, stream) = socket.split();
            let reader = tokio::spawn(read(stream, board, writer, seen.clone(), stopped.clone()));
            match writer {
                Some(w) => {
                    tokio::spawn(write(sink, board, w, args.rate, stopped.clone()));
                }
                None => readers.push((board, reader, sink)),
            }
        }
    }
    eprintln!(
        "{} connections on {} boards; running {} min",
        per_board * args.boards,
        args.boards,
        args.minutes
    );
    let attacks = Arc::new(AtomicU64::new(0));
    if !args.peaceful {
        for kind in 0..3 {
            tokio::spawn(attack(links.clone(), kind, args.boards, attacks.clone()));
        }
    }

    // Churn and reports until the end.
    let end = Instant::now() + Duration::from_secs_f64(args.minutes * 60.0);
    let mut next_report = Instant::now() + Duration::from_secs(args.sample);
    let mut cpu_at = (Instant::now(), cpu_ticks(pid));
    let mut rss_max = 0;
    let mut churn = tokio::time::interval(Duration::from_secs(1));
    while Instant::now() < end {
        churn.tick().await;
        for _ in 0..args.churn.min(readers.len()) {
            let at = rand::random_range(0..readers.len());
            let (board, reader, sink) = readers.swap_remove(at);
            drop(sink);
            reader.abort();
            let links = links.clone();
            let (seen, stopped) = (seen.clone(), stopped.clone());
            match join(&links.url(board, Role::Viewer)).await {
                Ok((socket, took)) => {
                    seen.lock()
                        .expect("seen")
                        .joins
                        .push(took.as_micros() as u32);
                    let (sink, stream) = socket.split();
                    let reader = tokio::spawn(read(stream, board, None, seen, stopped));
                    readers.push((board, reader, sink));
                }
                Err(err) => eprintln!("a join failed: {err}"),
            }
        }
        let rss = rss_kib(pid);
        rss_max = rss_max.max(rss);
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(args.sample);
            let (mut latencies, mut joins) = {
                let mut seen = seen.lock().expect("seen");
                (
                    std::mem::take(&mut seen.latencies),
                    std::mem::take(&mut seen.joins),
                )
            };
            latencies.sort_unstable();
            joins.sort_unstable();
            let ticks = cpu_ticks(pid);
            let cpu = (ticks - cpu_at.1) as f64 / cpu_at.0.elapsed().as_secs_f64();
            cpu_at = (Instant::now(), ticks);
            let line = serde_json::json!({
                "t_s": (micros() / 1_000_000),
                "rss_mb": rss / 1024,
                "rss_max_mb": rss_max / 1024,
                "cpu_pct": cpu.round(),
                "deliveries": latencies.len(),
                "latency_ms": {"p50": percentile(&latencies, 0.5), "p99": percentile(&latencies, 0.99)},
                "join_ms": {"p50": percentile(&joins, 0.5), "p99": percentile(&joins, 0.99), "joins": joins.len()},
                "attack_frames": attacks.load(Ordering::Relaxed),
                "notes_seen": seen.lock().expect("seen").notes.len(),
            });
            println!("{line}");
        }
    }

    // The end: writers stop, the last deliveries arrive, then SIGKILL.
    let _ = stop.send(true);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let notes = std::mem::take(&mut seen.lock().expect("seen").notes);
    server.kill();
    let server = Server::start(&args.server, &data)?;
    let links = Links {
        keys: Keys::new(SECRET.as_bytes()),
        addr: server.addr,
    };
    let mut lost = 0;
    for board in 0..args.boards {
        let held = board_notes(&links.url(board, Role::Viewer)).await?;
        lost += notes
            .iter()
            .filter(|(b, w, s)| *b == board && !held.contains(&format!("w{w}-{s}")))
            .count();
    }
    // Every board was loaded again in the new process (rooms stay 30 s
    // after their last client): what the boards weigh in memory.
    let line = serde_json::json!({
        "after_kill_9": {"notes_seen": notes.len(), "lost": lost},
        "rss_max_mb": rss_max / 1024,
        "rss_all_boards_reloaded_mb": rss_kib(server.pid()) / 1024,
    });
    println!("{line}");
    server.kill();
    let _ = std::fs::remove_dir_all(&data);
    if lost > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// The note ids of a board, as a fresh client reads them.
async fn board_notes(url: &str) -> Result<HashSet<String>> {
    let (mut socket, _) = connect(url).await?;
    socket
        .send(WsMessage::Binary(protocol::sync_step1(&Doc::new()).into()))
        .await?;
    let doc = Doc::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(60), socket.next()).await {
            Ok(Some(Ok(WsMessage::Binary(data)))) => {
                let mut synced = false;
                for message in protocol::decode_frame(&data).unwrap_or_default() {
                    if let Message::Sync(SyncMessage::SyncStep2(u) | SyncMessage::Update(u)) =
                        &message
                    {
                        if let Ok(update) = Update::decode_v1(u) {
                            let _ = doc.transact_mut().apply_update(update);
                        }
                        synced |= matches!(message, Message::Sync(SyncMessage::SyncStep2(_)));
                    }
                }
                if synced {
                    break;
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => bail!("no sync from {url}"),
        }
    }
    let elements = doc.get_or_insert_map("elements");
    let txn = doc.transact();
    Ok(elements.keys(&txn).map(str::to_owned).collect())
}
