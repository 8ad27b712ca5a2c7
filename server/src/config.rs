//! Command line and environment: every flag can also come from an
//! `ATELIER_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "atelier", version, about = "Atelier: live CX workshop boards")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `atelier` alone is `atelier serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
}

// Made once at start-up: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app and the boards' websockets.
    Serve(ServeArgs),
    /// Print a share link of a board (signed with the data directory's key,
    /// or `--secret`), e.g. for a bot or a load test.
    Link(LinkArgs),
}

#[derive(Args, Debug, Clone)]
pub struct LinkArgs {
    /// The board's id.
    pub board: String,
    /// facilitator, editor or viewer.
    #[arg(long, default_value = "editor")]
    pub role: String,
    /// Where the server's key is (its `--data-dir`).
    #[arg(long, env = "ATELIER_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// The server's `--store` (a cluster keeps its key in PostgreSQL).
    #[arg(
        long,
        env = "ATELIER_STORE",
        default_value = "sqlite",
        hide_env_values = true
    )]
    pub store: StoreUrl,
    /// The server's `--secret`, if it has one.
    #[arg(long, env = "ATELIER_SECRET", hide_env_values = true)]
    pub secret: Option<Secret>,
    /// How long the link is valid (`7d`, `2h`); default: until revoked.
    #[arg(long, value_parser = humantime::parse_duration)]
    pub expires: Option<Duration>,
    /// Print only the token, not the board's URL.
    #[arg(long)]
    pub token_only: bool,
    /// The server's address, for the URL.
    #[arg(long, env = "ATELIER_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

impl Cli {
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ATELIER_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Directory of the SQLite database (created if missing).
    #[arg(long, env = "ATELIER_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Where boards are kept: `sqlite` (a file in `--data-dir`), or a
    /// PostgreSQL shared by the nodes of a cluster
    /// (`postgres://user:password@host:port/database`).
    #[arg(
        long,
        env = "ATELIER_STORE",
        default_value = "sqlite",
        hide_env_values = true
    )]
    pub store: StoreUrl,
    /// How the nodes of a cluster tell each other what changed: `local`
    /// (one node), or a NATS server (`nats://host:port`).
    #[arg(long, env = "ATELIER_BROKER", default_value = "local")]
    pub broker: BrokerUrl,
    /// Threads serving connections and boards (1: a single-threaded
    /// runtime, the most frugal; storage runs on its own threads).
    #[arg(long, env = "ATELIER_THREADS", default_value_t = 1)]
    pub threads: usize,
    #[command(flatten)]
    pub config: Config,
}

/// The server's tunables, passed explicitly to everything that needs them.
#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Largest websocket message accepted, in bytes; larger ones close the socket.
    #[arg(long, env = "ATELIER_MAX_FRAME_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_frame_bytes: usize,
    /// Most websocket connections served at once; more are refused with 503.
    #[arg(long, env = "ATELIER_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Connections one client address may hold open at once (HTTP and
    /// websockets); more are refused. A whole team behind one office NAT
    /// shares an address: keep it above the largest workshop. 0: no cap
    /// (behind a reverse proxy, every client has the proxy's address).
    #[arg(long, env = "ATELIER_MAX_CONNECTIONS_PER_IP", default_value_t = 256)]
    pub max_connections_per_ip: usize,
    /// How long a connection may take to send its request headers.
    #[arg(long, env = "ATELIER_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: Duration,
    /// Frames queued for one peer before it counts as too slow and is disconnected.
    #[arg(long, env = "ATELIER_PEER_QUEUE", default_value_t = 2048)]
    pub peer_queue: usize,
    /// Bytes queued for one peer before it counts as too slow and is disconnected.
    #[arg(long, env = "ATELIER_PEER_QUEUE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub peer_queue_bytes: usize,
    /// How long a board with nobody connected stays in memory.
    #[arg(long, env = "ATELIER_ROOM_GRACE", default_value = "30s", value_parser = humantime::parse_duration)]
    pub room_grace: Duration,
    /// Boards with a busy fan-out (`--coalesce-above`) send their changes
    /// at most once per this window, merged: fewer, larger frames, about
    /// half the server's CPU for up to one display frame of delay
    /// (BENCHMARKS.md). The first change after a quiet spell goes out at
    /// once. 0: every batch at once.
    #[arg(long, env = "ATELIER_COALESCE", default_value = "16ms", value_parser = humantime::parse_duration)]
    pub coalesce: Duration,
    /// Deliveries a second (changes times the connections they go to)
    /// above which a board batches by `--coalesce`; below, every change
    /// goes out at once (its fan-out is cheap). 0: always batch.
    #[arg(long, env = "ATELIER_COALESCE_ABOVE", default_value_t = 30_000)]
    pub coalesce_above: u64,
    /// Interval of the server's websocket pings.
    #[arg(long, env = "ATELIER_HEARTBEAT", default_value = "20s", value_parser = humantime::parse_duration)]
    pub heartbeat: Duration,
    /// A peer that takes longer than this to take what it is sent (it does
    /// not read) is disconnected.
    #[arg(long, env = "ATELIER_WRITE_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub write_timeout: Duration,
    /// Bytes queued to every peer of the server at once, beyond which
    /// answers that send a whole board wait for room: how much memory
    /// peers can make the server hold for them.
    #[arg(long, env = "ATELIER_MAX_OUTGOING_BYTES", default_value_t = 256 * 1024 * 1024)]
    pub max_outgoing_bytes: usize,
    /// A peer silent for this long is disconnected.
    #[arg(long, env = "ATELIER_IDLE_TIMEOUT", default_value = "40s", value_parser = humantime::parse_duration)]
    pub idle_timeout: Duration,
    /// Bytes of updates a board holds pending (waiting for changes it never
    /// received) before it drops them and disconnects their senders.
    #[arg(long, env = "ATELIER_MAX_PENDING_BYTES", default_value_t = 1024 * 1024)]
    pub max_pending_bytes: usize,
    /// How long a board holds updates pending before it drops them and
    /// disconnects their senders (they resync when they reconnect).
    #[arg(long, env = "ATELIER_PENDING_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub pending_timeout: Duration,
    /// Stored updates after which a board's log is compacted into a snapshot.
    #[arg(long, env = "ATELIER_COMPACT_AFTER", default_value_t = 1000)]
    pub compact_after: usize,
    /// The key that signs share links. Default: one made once and kept in
    /// the data directory (`secret.key`); changing it invalidates every link.
    #[arg(long, env = "ATELIER_SECRET", hide_env_values = true)]
    pub secret: Option<Secret>,
    /// The instance admin's token: lists and deletes boards, opens any
    /// board as its facilitator (`Authorization: Bearer …`). Unset: no admin.
    #[arg(long, env = "ATELIER_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,
    /// Who may create boards: `anyone` who reaches the server, or only
    /// the `admin` (with `--admin-token`).
    #[arg(long, env = "ATELIER_CREATE_BOARDS", default_value = "anyone", value_parser = ["anyone", "admin"])]
    pub create_boards: String,
    /// Boards one address may create a minute (the admin's are not counted).
    #[arg(long, env = "ATELIER_CREATE_RATE", default_value_t = 30)]
    pub create_rate: u32,
    /// A token `/metrics` asks for (`Authorization: Bearer …`); unset:
    /// `/metrics` is open, as Prometheus scrapers usually expect on a
    /// private network.
    #[arg(long, env = "ATELIER_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,
    /// A directory of workshop scripts (`*.json`) offered beside the
    /// shipped co-construction script (a file with the same `id` replaces it).
    #[arg(long, env = "ATELIER_SCRIPTS_DIR")]
    pub scripts_dir: Option<PathBuf>,
}

/// `--store`: SQLite in the data directory, or PostgreSQL.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    Sqlite,
    Postgres(String),
}

impl std::str::FromStr for StoreUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<StoreUrl, String> {
        match s {
            "sqlite" => Ok(StoreUrl::Sqlite),
            url if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(StoreUrl::Postgres(url.to_owned()))
            }
            _ => Err("`sqlite`, or a `postgres://…` URL".into()),
        }
    }
}

/// Its password is never printed.
impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreUrl::Sqlite => f.write_str("sqlite"),
            StoreUrl::Postgres(_) => f.write_str("postgres://…"),
        }
    }
}

/// `--broker`: none (one node), or NATS.
#[derive(Clone, PartialEq, Eq)]
pub enum BrokerUrl {
    Local,
    Nats(String),
}

/// Its credentials, if any, are never printed.
impl std::fmt::Debug for BrokerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BrokerUrl::Local => f.write_str("local"),
            BrokerUrl::Nats(_) => f.write_str("nats://…"),
        }
    }
}

impl std::str::FromStr for BrokerUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<BrokerUrl, String> {
        match s {
            "local" => Ok(BrokerUrl::Local),
            url if url.starts_with("nats://") => Ok(BrokerUrl::Nats(url.to_owned())),
            _ => Err("`local`, or a `nats://…` URL".into()),
        }
    }
}

/// A secret from the command line or the environment: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl std::str::FromStr for Secret {
    type Err = String;

    fn from_str(s: &str) -> Result<Secret, String> {
        if s.len() < 8 {
            return Err("at least 8 characters".into());
        }
        Ok(Secret(s.to_owned()))
    }
}

impl Default for Config {
    /// The flags' defaults, without reading the environment.
    fn default() -> Config {
        Config {
            max_frame_bytes: 16 * 1024 * 1024,
            max_connections: 10_000,
            max_connections_per_ip: 256,
            header_timeout: Duration::from_secs(10),
            peer_queue: 2048,
            peer_queue_bytes: 64 * 1024 * 1024,
            room_grace: Duration::from_secs(30),
            coalesce: Duration::from_millis(16),
            coalesce_above: 30_000,
            heartbeat: Duration::from_secs(20),
            write_timeout: Duration::from_secs(30),
            max_outgoing_bytes: 256 * 1024 * 1024,
            idle_timeout: Duration::from_secs(40),
            max_pending_bytes: 1024 * 1024,
            pending_timeout: Duration::from_secs(10),
            compact_after: 1000,
            secret: None,
            admin_token: None,
            create_boards: "anyone".into(),
            create_rate: 30,
            metrics_token: None,
            scripts_dir: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_atelier_is_serve_with_defaults() {
        let Command::Serve(args) = Cli::parse_from(["atelier"]).into_command() else {
            panic!("not serve")
        };
        assert_eq!(args.config.max_frame_bytes, 16 * 1024 * 1024);
        let Command::Serve(args) = Cli::parse_from([
            "atelier",
            "serve",
            "--addr",
            "127.0.0.1:9000",
            "--data-dir",
            "./boards",
            "--heartbeat",
            "5s",
        ])
        .into_command() else {
            panic!("not serve")
        };
        assert_eq!(args.addr.port(), 9000);
        assert_eq!(args.config.heartbeat, Duration::from_secs(5));
        assert_eq!(args.store, StoreUrl::Sqlite);
        assert_eq!(args.broker, BrokerUrl::Local);
        let Command::Serve(args) = Cli::parse_from([
            "atelier",
            "--store",
            "postgres://atelier:hunter22@db:5432/atelier",
            "--broker",
            "nats://nats:4222",
        ])
        .into_command() else {
            panic!("not serve")
        };
        assert!(matches!(args.store, StoreUrl::Postgres(ref url) if url.ends_with("/atelier")));
        assert_eq!(
            format!("{:?}", args.store),
            "postgres://…",
            "no password printed"
        );
        assert_eq!(args.broker, BrokerUrl::Nats("nats://nats:4222".into()));
        assert!(Cli::try_parse_from(["atelier", "--store", "mysql://x"]).is_err());
    }
}
