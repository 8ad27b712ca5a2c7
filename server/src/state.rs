//! What every handler shares: the registry of rooms, the store, the keys
//! that sign links, the configuration, the metrics and the server's
//! lifetime (shutdown, tasks, connection slots).

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::broker::Broker;
use crate::rooms::Rooms;
use crate::{Config, Keys, Metrics, Store, rate};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub(crate) rooms: Arc<Rooms>,
    pub(crate) keys: Keys,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) config: Arc<Config>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) shutdown: CancellationToken,
    pub(crate) connections: Arc<Semaphore>,
    pub(crate) tasks: TaskTracker,
    /// Boards each address may still create.
    pub(crate) creations: Arc<rate::PerAddress>,
}

impl AppState {
    /// One node alone: `keys` sign the share links (a `--secret` in
    /// `config` wins).
    pub fn new(config: Config, store: Arc<dyn Store>, keys: Keys) -> AppState {
        AppState::clustered(config, store, keys, Broker::local())
    }

    /// A node of a cluster: its boards are shared with the other nodes
    /// through `broker` (and `store`, which they share).
    pub fn clustered(
        config: Config,
        store: Arc<dyn Store>,
        keys: Keys,
        broker: Broker,
    ) -> AppState {
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
            broker,
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
