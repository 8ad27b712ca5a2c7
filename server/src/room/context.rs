//! What a room is given when the registry starts it: the services it uses
//! (`RoomContext`) and its one way back to the registry (`Registration`).
//! A room knows nothing else of the server.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::access::Keys;
use crate::broker::Broker;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::queue::Outgoing;
use crate::scripts::Scripts;
use crate::store::Store;

/// The services every room shares.
#[derive(Clone)]
pub(crate) struct RoomContext {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) config: Arc<Config>,
    pub(crate) metrics: Arc<Metrics>,
    /// Cancelled when the server stops.
    pub(crate) shutdown: CancellationToken,
    /// The workshop scripts facilitators can run.
    pub(crate) scripts: Arc<Scripts>,
    /// Bytes queued to every peer, all boards together.
    pub(crate) outgoing: Outgoing,
    /// The server's key: voters' identities are made with it.
    pub(crate) keys: Keys,
    /// The other nodes of a cluster, if any.
    pub(crate) broker: Broker,
}

type Leave = Box<dyn FnOnce() + Send>;
type Unreadable = Box<dyn Fn(String) + Send>;

/// A room's place in the registry: it leaves it once (before it stops
/// taking messages, so a joiner reaches the live room or starts a new
/// one), and reports a board whose stored data cannot be read.
pub(crate) struct Registration {
    leave: Option<Leave>,
    unreadable: Unreadable,
}

impl Registration {
    pub(crate) fn new(
        leave: impl FnOnce() + Send + 'static,
        unreadable: impl Fn(String) + Send + 'static,
    ) -> Registration {
        Registration {
            leave: Some(Box::new(leave)),
            unreadable: Box::new(unreadable),
        }
    }

    /// Leaves the registry (once; later calls do nothing).
    pub(crate) fn leave(&mut self) {
        if let Some(leave) = self.leave.take() {
            leave();
        }
    }

    /// The board's stored data does not decode: it is refused from now on.
    pub(crate) fn unreadable(&self, why: String) {
        (self.unreadable)(why);
    }
}
