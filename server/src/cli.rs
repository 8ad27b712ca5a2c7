//! The `atelier` binary's body: parse the command line, start logging,
//! serve. `main.rs` only calls [`main`]; so does the test suite's copy of
//! the binary, which runs the server as a process of its own.

use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::{
    AppState, Broker, BrokerUrl, Cli, Command, Keys, LinkArgs, PostgresStore, Role, ServeArgs,
    SqliteStore, Store, StoreUrl,
};

/// Runs `atelier` with the process's arguments.
pub fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = match Cli::parse().into_command() {
        Command::Serve(args) => args,
        Command::Link(args) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            return runtime.block_on(link(args));
        }
    };
    // One thread serves a workshop-sized load with the least CPU (no
    // cross-thread wake-ups); more spread many busy boards over cores.
    let runtime = match args.threads {
        0 | 1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build()?,
    };
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let (store, keys) = open_store(&args.store, &args.data_dir).await?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let broker = match &args.broker {
        BrokerUrl::Local => Broker::local(),
        BrokerUrl::Nats(url) => Broker::nats(url).await.context("connecting to NATS")?,
    };
    tracing::info!(%addr, store = ?args.store, broker = ?args.broker, data_dir = %args.data_dir.display(), "Atelier is ready: open http://{addr}/");
    let state = AppState::clustered(args.config, store, keys, broker);
    crate::run(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Prints a share link of a board, at its role's current generation.
async fn link(args: LinkArgs) -> anyhow::Result<()> {
    let board: atelier_shared::BoardId = args.board.parse()?;
    let role = Role::parse(&args.role)
        .with_context(|| format!("role {:?}: facilitator, editor or viewer", args.role))?;
    let (store, keys) = open_store(&args.store, &args.data_dir).await?;
    let keys = match &args.secret {
        Some(secret) => Keys::new(secret.0.as_bytes()),
        None => keys,
    };
    let generation = store.links(&board).await?.of(role);
    let expires = args
        .expires
        .map(|d| crate::access::now_secs() + d.as_secs())
        .unwrap_or(0);
    let token = keys.mint(&board, role, generation, expires);
    if args.token_only {
        println!("{token}");
    } else {
        println!("http://{}/b/{board}?t={token}", args.addr);
    }
    Ok(())
}

/// The store `--store` names, and the key of its share links: SQLite's in
/// the data directory, opened first (a key made in a directory without
/// boards would make the next start take the fresh database for a lost
/// one); a cluster's in PostgreSQL, shared by its nodes.
async fn open_store(
    url: &StoreUrl,
    data_dir: &std::path::Path,
) -> anyhow::Result<(Arc<dyn Store>, Keys)> {
    Ok(match url {
        StoreUrl::Sqlite => {
            let store = SqliteStore::open(data_dir)
                .with_context(|| format!("opening the store in {}", data_dir.display()))?;
            let keys = Keys::load_or_create(data_dir)
                .with_context(|| format!("the share links' key in {}", data_dir.display()))?;
            (Arc::new(store), keys)
        }
        StoreUrl::Postgres(url) => {
            let store = PostgresStore::open(url)
                .await
                .context("opening the PostgreSQL store")?;
            let keys = Keys::new(&store.links_key().await?);
            (Arc::new(store), keys)
        }
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
