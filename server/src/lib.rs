//! Atelier's server: boards as yrs documents, synced with the y-websocket
//! protocol, stored in SQLite.
//!
//! [`app`] builds the router (tests call it directly); [`run`] serves it on a
//! listener until a shutdown future resolves, then closes every connection,
//! stores what is queued and compacts the boards in memory.

pub mod access;
mod api;
pub mod broker;
pub mod cli;
mod config;
mod connection;
mod error;
mod guard;
mod http;
mod images;
mod locks;
mod metrics;
mod pages;
mod privacy;
mod queue;
mod rate;
mod room;
mod rooms;
mod scripts;
mod state;
pub mod store;
mod versions;
mod web;
mod ws;

use std::future::Future;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tracing::{info, warn};

pub use access::{Keys, Role};
pub use broker::{Broker, Hub};
pub use config::{BrokerUrl, Cli, Command, Config, LinkArgs, Secret, ServeArgs, StoreUrl};
pub use error::AppError;
pub use metrics::Metrics;
pub use room::CloseReason;
pub use rooms::RoomError;
pub use state::AppState;
pub use store::{MemoryStore, PostgresStore, SqliteStore, Store};

/// Bytes read from a websocket at a time.
const READ_BUFFER: usize = 16 * 1024;

/// The whole HTTP surface: web app, websocket, API, health and metrics.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/ws/{board}", get(websocket))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .merge(api::routes())
        .merge(versions::routes())
        .merge(privacy::routes())
        .merge(images::routes())
        .merge(pages::routes())
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
    let broker = state.rooms.ctx.broker.clone();
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
    broker.flush().await;
    if let Err(err) = store.close().await {
        warn!(?err, "closing the store failed");
    }
    info!("stopped");
    Ok(())
}

/// The board's websocket (the y-websocket client passes the link's token
/// as the URL parameter `t`).
async fn websocket(
    ws: ws::Upgrade,
    guard::BoardAccess { id: board, grant }: guard::BoardAccess,
    held: Option<axum::Extension<http::Held>>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
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
