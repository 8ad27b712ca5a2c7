//! Atelier's server: boards as yrs documents, synced with the y-websocket
//! protocol, stored in SQLite.
//!
//! [`app`] builds the router (tests call it directly); [`run`] serves it on a
//! listener until a shutdown future resolves, then closes every connection,
//! stores what is queued and compacts the boards in memory.

pub mod access;
mod api;
pub mod cli;
mod config;
mod connection;
mod error;
mod http;
mod locks;
mod metrics;
mod queue;
mod rate;
mod room;
mod rooms;
mod scripts;
pub mod store;
mod versions;
mod web;
mod ws;

use std::future::Future;
use std::sync::Arc;

use atelier_shared::BoardId;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

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
    /// Boards each address may still create.
    creations: Arc<rate::PerAddress>,
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
            (shutdown.clone(), tasks.clone()),
            keys.clone(),
        ));
        AppState {
            creations: Arc::new(rate::PerAddress::new(config.create_rate)),
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
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .merge(api::routes())
        .merge(versions::routes())
        .merge(web::routes())
        // Every answer is what its Content-Type says, never sniffed.
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                axum::http::HeaderValue::from_static("nosniff"),
            ),
        )
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
    let stop = token.clone();
    tokio::spawn(async move {
        shutdown.await;
        info!("shutting down");
        stop.cancel();
    });
    let limits = http::Limits {
        header_timeout: state.config.header_timeout,
        per_ip: state.config.max_connections_per_ip,
    };
    let metrics = state.metrics.clone();
    http::serve(listener, app(state), limits, metrics, token.clone()).await;
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
    ws: ws::Upgrade,
    Path(board): Path<String>,
    Query(query): Query<TokenQuery>,
    headers: axum::http::HeaderMap,
    held: Option<axum::Extension<http::Held>>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let board: BoardId = board.parse()?;
    let grant = api::authorize(&state, &board, &headers, query.t.as_deref()).await?;
    // The admin opens boards that exist; it makes none by opening one.
    if grant == access::Grant::ADMIN && state.store.info(&board).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if state.shutdown.is_cancelled() {
        return Err(AppError::ShuttingDown);
    }
    let Ok(permit) = state.connections.clone().try_acquire_owned() else {
        state.metrics.connections_refused.inc();
        return Err(AppError::TooManyConnections);
    };
    let max = state.config.max_frame_bytes;
    let tasks = state.tasks.clone();
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(max))
        .max_frame_size(Some(max))
        // tungstenite zeroes this much on every read: keep it small.
        .read_buffer_size(READ_BUFFER);
    Ok(ws.on_upgrade(config, move |socket| {
        tasks.track_future(async move {
            connection::serve(socket, board, grant, state).await;
            // The connection counts for its address until it ends.
            drop((permit, held));
        })
    }))
}

/// `ok`, or 503 and what is wrong: boards whose stored data does not read
/// make the store unhealthy (they are refused, kept for an administrator).
async fn healthz(State(state): State<AppState>) -> Response {
    let unreadable = state.rooms.unreadable();
    if unreadable.is_empty() {
        return "ok".into_response();
    }
    let mut body = format!(
        "store unhealthy: {} board(s) with stored data that cannot be read\n",
        unreadable.len()
    );
    for (board, why) in unreadable {
        body.push_str(&format!("{board}: {why}\n"));
    }
    (axum::http::StatusCode::SERVICE_UNAVAILABLE, body).into_response()
}

async fn metrics(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = &state.config.metrics_token {
        let given = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !given.is_some_and(|given| access::is_admin(Some(&token.0), given)) {
            return Err(access::Refusal::Missing.into());
        }
    }
    Ok((
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response())
}
