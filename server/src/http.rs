//! The HTTP server: accepts connections and serves the router on each
//! (HTTP/1.1, with upgrades for websockets). Done here rather than by
//! `axum::serve` for two bounds a hostile client would otherwise get
//! around: a connection must send its request headers within
//! `--header-timeout` (half-open requests once exhausted the file
//! descriptors), and one address holds at most `--max-connections-per-ip`
//! connections at once (HTTP and websockets alike).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use tracing::{debug, trace, warn};

use crate::metrics::Metrics;

/// How long open HTTP requests may take to finish once shutdown begins.
const DRAIN: Duration = Duration::from_secs(5);

/// Connections open per client address.
#[derive(Clone, Default)]
struct PerAddress(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection's place in [`PerAddress`], given back when the last
/// holder drops it: the HTTP connection, and the websocket it became.
#[derive(Clone)]
pub(crate) struct Held {
    _slot: Arc<Slot>,
}

struct Slot {
    table: PerAddress,
    ip: IpAddr,
}

impl PerAddress {
    /// A place for a connection from `ip`, if it holds fewer than `max`
    /// (0: no cap).
    fn take(&self, ip: IpAddr, max: usize) -> Option<Slot> {
        let mut table = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let open = table.entry(ip).or_default();
        if max > 0 && *open >= max {
            return None;
        }
        *open += 1;
        Some(Slot {
            table: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut table = self.table.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = table.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                table.remove(&self.ip);
            }
        }
    }
}

/// What the accept loop needs to know.
pub(crate) struct Limits {
    pub(crate) header_timeout: Duration,
    pub(crate) per_ip: usize,
}

/// Serves `app` on `listener` until `shutdown` is cancelled, then lets the
/// open requests finish (websockets end through the same token). Each
/// request carries its client's address (`ConnectInfo<SocketAddr>`).
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) {
    let open = tokio_util::task::TaskTracker::new();
    let per_address = PerAddress::default();
    loop {
        let (tcp, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, mostly: wait, then go on.
                    warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(slot) = per_address.take(peer.ip(), limits.per_ip) else {
            metrics.connections_refused.inc();
            debug!(%peer, "too many connections from one address: refused");
            continue;
        };
        // Small frames must not wait for Nagle's algorithm (40 ms tails).
        if let Err(err) = tcp.set_nodelay(true) {
            trace!(%err, "could not set TCP_NODELAY");
        }
        let held = Held {
            _slot: Arc::new(slot),
        };
        let service = app
            .clone()
            .map_request(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.extensions_mut().insert(held.clone());
                request.map(axum::body::Body::new)
            });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service))
            .with_upgrades();
        let shutdown = shutdown.clone();
        open.spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                _ = shutdown.cancelled() => {
                    // The request under way finishes; no new one starts.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(err) = ended {
                trace!(%peer, %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    open.close();
    if tokio::time::timeout(DRAIN, open.wait()).await.is_err() {
        debug!("some requests were still open at shutdown");
    }
}
