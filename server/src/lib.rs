//! Atelier's server: boards as yrs documents, synced with the y-websocket
//! protocol, stored in SQLite.
//!
//! [`app`] builds the router (tests call it directly); [`run`] serves it on a
//! listener until a shutdown future resolves, then closes every connection,
//! stores what is queued and compacts the boards in memory.

pub mod access;
mod api;
mod config;
mod connection;
mod error;
mod locks;
mod metrics;
mod queue;
mod room;
mod rooms;
mod scripts;
pub mod store;
mod versions;
mod web;

use std::future::Future;
use std::sync::Arc;

use atelier_shared::BoardId;
use axum::Router;
use axum::extract::{Path, Query, State, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, trace, warn};

pub use access::{Keys, Role};
pub use config::{Cli, Command, Config, LinkArgs, Secret, ServeArgs};
pub use error::AppError;
pub use metrics::Metrics;
pub use room::CloseReason;
pub use rooms::RoomError;
pub use store::{MemoryStore, SqliteStore, Store};

use rooms::Rooms;

/// Bytes read from a websocket at a time.
const READ_BUFFER: usize = 16 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    rooms: Arc<Rooms>,
    keys: Keys,
    store: Arc<dyn Store>,
    config: Arc<Config>,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
    connections: Arc<Semaphore>,
    tasks: TaskTracker,
}

impl AppState {
    /// `keys` sign the share links (a `--secret` in `config` wins).
    pub fn new(config: Config, store: Arc<dyn Store>, keys: Keys) -> AppState {
        let keys = match &config.secret {
            Some(secret) => Keys::new(secret.0.as_bytes()),
            None => keys,
        };
        let config = Arc::new(config);
        let metrics = Arc::new(Metrics::default());
        let shutdown = CancellationToken::new();
        let tasks = TaskTracker::new();
        let rooms = Arc::new(Rooms::new(
            store.clone(),
            config.clone(),
            metrics.clone(),
            shutdown.clone(),
            tasks.clone(),
        ));
        AppState {
            rooms,
            keys,
            store,
            connections: Arc::new(Semaphore::new(config.max_connections)),
            config,
            metrics,
            shutdown,
            tasks,
        }
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}

/// The whole HTTP surface: web app, websocket, API, health and metrics.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/ws/{board}", get(websocket))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .merge(api::routes())
        .merge(versions::routes())
        .merge(web::routes())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` resolves; then closes every
/// connection, stores what is queued, compacts and closes the store.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let token = state.shutdown.clone();
    let (tasks, store) = (state.tasks.clone(), state.store.clone());
    // Small frames must not wait for Nagle's algorithm (40 ms tails).
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            trace!(%err, "could not set TCP_NODELAY");
        }
    });
    let stop = token.clone();
    tokio::spawn(async move {
        shutdown.await;
        info!("shutting down");
        stop.cancel();
    });
    axum::serve(listener, app(state))
        .with_graceful_shutdown(token.clone().cancelled_owned())
        .await?;
    token.cancel();
    tasks.close();
    tasks.wait().await;
    if let Err(err) = store.close().await {
        warn!(?err, "closing the store failed");
    }
    info!("stopped");
    Ok(())
}

/// The share link's token, in the query (`?t=`): the y-websocket client
/// passes it as a URL parameter.
#[derive(serde::Deserialize)]
struct TokenQuery {
    t: Option<String>,
}

async fn websocket(
    ws: WebSocketUpgrade,
    Path(board): Path<String>,
    Query(query): Query<TokenQuery>,
    headers: axum::http::HeaderMap,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let board: BoardId = board.parse()?;
    let grant = api::authorize(&state, &board, &headers, query.t.as_deref()).await?;
    if state.shutdown.is_cancelled() {
        return Err(AppError::ShuttingDown);
    }
    let Ok(permit) = state.connections.clone().try_acquire_owned() else {
        state.metrics.connections_refused.inc();
        return Err(AppError::TooManyConnections);
    };
    let max = state.config.max_frame_bytes;
    let tasks = state.tasks.clone();
    Ok(ws
        .max_message_size(max)
        .max_frame_size(max)
        // tungstenite zeroes this much on every read: keep it small.
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| {
            tasks.track_future(async move {
                connection::serve(socket, board, grant, state).await;
                drop(permit);
            })
        })
        .into_response())
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
