//! How the nodes of a cluster tell each other what changed on a board:
//! core NATS (`--broker nats://…`), or, for one node, nothing that leaves
//! the process (`local`, the default).
//!
//! **Architecture Invariant:** nothing relies on the broker for
//! durability. It may drop, repeat or reorder messages, and a node never
//! receives its own: the store is the truth, and each room numbers what
//! it publishes by the store's sequence, so a gap is seen and read from
//! the store (see `room/cluster.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::{broadcast, watch};
use tracing::{info, warn};

/// Messages a local subscriber may fall behind by before it misses some
/// (as a NATS subscriber can: the room reads the store then).
const LOCAL_CAPACITY: usize = 1024;
/// How long a node waits for its first connection to NATS at start.
const FIRST_CONNECT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("connecting to NATS: {0}")]
    Connect(String),
    #[error("NATS: {0}")]
    Nats(String),
}

/// A connection to the broker, one per node; cheap to clone.
#[derive(Clone)]
pub struct Broker {
    /// This node's number, in every message it publishes.
    node: u64,
    /// Made by [`Broker::local`]: no other node can exist.
    alone: bool,
    kind: Kind,
    /// Counts the connections to the broker made again after a loss (or
    /// after messages were dropped): what was published meanwhile is lost.
    resyncs: watch::Receiver<u64>,
}

#[derive(Clone)]
enum Kind {
    Local(Hub),
    Nats(async_nats::Client),
}

/// A local subject: each message with the node that sent it.
type Channel = broadcast::Sender<(u64, Bytes)>;

/// The in-process broker: subjects shared by the brokers made from it (one
/// node, or several nodes in one test process).
#[derive(Clone, Default)]
pub struct Hub {
    subjects: Arc<Mutex<HashMap<String, Channel>>>,
}

impl Hub {
    pub fn new() -> Hub {
        Hub::default()
    }

    /// A node's connection to this hub.
    pub fn broker(&self, node: u64) -> Broker {
        let (_, resyncs) = watch::channel(0);
        Broker {
            node,
            alone: false,
            kind: Kind::Local(self.clone()),
            resyncs,
        }
    }

    fn sender(&self, subject: &str) -> Channel {
        let mut subjects = self.subjects.lock().unwrap_or_else(|e| e.into_inner());
        subjects.retain(|_, s| s.receiver_count() > 0);
        subjects
            .entry(subject.to_owned())
            .or_insert_with(|| broadcast::channel(LOCAL_CAPACITY).0)
            .clone()
    }
}

impl Broker {
    /// One node alone: what it publishes reaches nobody.
    pub fn local() -> Broker {
        Broker {
            alone: true,
            ..Hub::new().broker(rand::random())
        }
    }

    /// Connects to the NATS server at `url`. A node starts even while NATS
    /// is unreachable, and connects when it can: until then, and whenever
    /// the connection is lost, other nodes' changes reach it by the store.
    pub async fn nats(url: &str) -> Result<Broker, BrokerError> {
        let node: u64 = rand::random();
        let (resynced, resyncs) = watch::channel(0u64);
        let resynced = Arc::new(resynced);
        let client = async_nats::ConnectOptions::new()
            .name(format!("atelier-{node:016x}"))
            .no_echo()
            .retry_on_initial_connect()
            .max_reconnects(None)
            .connection_timeout(Duration::from_secs(5))
            .reconnect_delay_callback(|attempts| {
                Duration::from_millis((100 * attempts as u64).min(2_000))
            })
            .event_callback(move |event| {
                let resynced = resynced.clone();
                async move {
                    match event {
                        async_nats::Event::Connected => {
                            info!("connected to NATS");
                            resynced.send_modify(|n| *n += 1);
                        }
                        async_nats::Event::SlowConsumer(_) => {
                            warn!("NATS dropped messages for a slow subscriber: resyncing");
                            resynced.send_modify(|n| *n += 1);
                        }
                        async_nats::Event::Disconnected => warn!("disconnected from NATS"),
                        other => info!(event = %other, "NATS"),
                    }
                }
            })
            .connect(url)
            .await
            .map_err(|e| BrokerError::Connect(e.to_string()))?;
        // The first connection is awaited a while (what a node publishes
        // before it is made is lost); past that, the node starts anyway.
        let started = std::time::Instant::now();
        while client.connection_state() != async_nats::connection::State::Connected {
            if started.elapsed() > FIRST_CONNECT {
                warn!(
                    url,
                    "NATS is unreachable: starting without it, connecting when it can"
                );
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(Broker {
            node,
            alone: false,
            kind: Kind::Nats(client),
            resyncs,
        })
    }

    pub fn node(&self) -> u64 {
        self.node
    }

    /// Whether other nodes may exist.
    pub fn is_cluster(&self) -> bool {
        !self.alone
    }

    /// Sends `payload` to the other nodes subscribed to `subject`; it may
    /// be lost.
    pub async fn publish(&self, subject: &str, payload: Bytes) -> Result<(), BrokerError> {
        match &self.kind {
            Kind::Local(hub) => {
                // Nobody listening is not an error.
                let _ = hub.sender(subject).send((self.node, payload));
                Ok(())
            }
            Kind::Nats(client) => client
                .publish(subject.to_owned(), payload)
                .await
                .map_err(|e| BrokerError::Nats(e.to_string())),
        }
    }

    /// What other nodes publish on `subject` from now on.
    pub async fn subscribe(&self, subject: &str) -> Result<Subscription, BrokerError> {
        Ok(match &self.kind {
            Kind::Local(hub) => Subscription::Local {
                node: self.node,
                rx: hub.sender(subject).subscribe(),
            },
            Kind::Nats(client) => {
                let subscriber = client
                    .subscribe(subject.to_owned())
                    .await
                    .map_err(|e| BrokerError::Nats(e.to_string()))?;
                barrier(client, self.node).await;
                Subscription::Nats(subscriber)
            }
        })
    }

    /// Changes each time messages may have been lost (a new connection to
    /// the broker, or a subscriber that fell behind).
    pub fn resyncs(&self) -> watch::Receiver<u64> {
        self.resyncs.clone()
    }

    /// Sends what is buffered (at shutdown).
    pub async fn flush(&self) {
        if let Kind::Nats(client) = &self.kind
            && let Err(err) = client.flush().await
        {
            warn!(%err, "flushing NATS");
        }
    }
}

/// Returns once the NATS server has processed what this client sent
/// before (a subscription is in force from then on: `flush` only writes
/// the socket). A request nobody answers makes the round trip: the server
/// answers "no responders" itself, after what came before it.
async fn barrier(client: &async_nats::Client, node: u64) {
    let subject = format!("atelier.barrier.{node:016x}");
    let request = client.request(subject, Bytes::new());
    if tokio::time::timeout(Duration::from_secs(2), request)
        .await
        .is_err()
    {
        warn!("NATS did not answer within 2 s: a subscription may start late");
    }
}

/// Messages published on one subject by other nodes.
pub enum Subscription {
    Local {
        node: u64,
        rx: broadcast::Receiver<(u64, Bytes)>,
    },
    Nats(async_nats::Subscriber),
}

impl Subscription {
    /// The next message; `None` once the broker is gone. Messages a local
    /// subscriber fell behind on are skipped, as NATS would drop them.
    pub async fn next(&mut self) -> Option<Bytes> {
        match self {
            Subscription::Local { node, rx } => loop {
                match rx.recv().await {
                    Ok((from, payload)) if from != *node => return Some(payload),
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            },
            Subscription::Nats(subscriber) => subscriber.next().await.map(|m| m.payload),
        }
    }
}

/// The behaviour every broker must have, run against the local one here
/// and against NATS by the cluster tests (feature `contract`).
#[cfg(any(test, feature = "contract"))]
pub mod contract {
    use super::*;

    /// `a` and `b` are two nodes' brokers on the same bus.
    pub async fn check(a: &Broker, b: &Broker) {
        let wait = Duration::from_secs(5);
        let mut on_b = b.subscribe("atelier.board.one").await.unwrap();
        let mut also_on_b = b.subscribe("atelier.board.one").await.unwrap();
        let mut on_a = a.subscribe("atelier.board.one").await.unwrap();
        let mut elsewhere = b.subscribe("atelier.board.two").await.unwrap();
        a.flush().await;
        b.flush().await;
        a.publish("atelier.board.one", Bytes::from_static(b"from a"))
            .await
            .unwrap();
        a.flush().await;
        for sub in [&mut on_b, &mut also_on_b] {
            let got = tokio::time::timeout(wait, sub.next()).await.unwrap();
            assert_eq!(got.as_deref(), Some(&b"from a"[..]));
        }
        b.publish("atelier.board.one", Bytes::from_static(b"from b"))
            .await
            .unwrap();
        b.flush().await;
        // A node does not hear itself: a's subscription gets b's only.
        let got = tokio::time::timeout(wait, on_a.next()).await.unwrap();
        assert_eq!(got.as_deref(), Some(&b"from b"[..]));
        assert!(
            tokio::time::timeout(Duration::from_millis(200), on_b.next())
                .await
                .is_err(),
            "b heard itself"
        );
        assert!(
            tokio::time::timeout(Duration::from_millis(100), elsewhere.next())
                .await
                .is_err(),
            "another subject's subscriber heard it"
        );
        // Publishing where nobody listens is fine.
        a.publish("atelier.board.nobody", Bytes::new())
            .await
            .unwrap();
        assert_ne!(a.node(), b.node());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_local_hub_meets_the_broker_contract() {
        let hub = Hub::new();
        contract::check(&hub.broker(1), &hub.broker(2)).await;
        assert!(hub.broker(1).is_cluster());
        assert!(!Broker::local().is_cluster());
    }

    #[tokio::test]
    async fn a_local_subscriber_that_falls_behind_misses_messages_but_goes_on() {
        let hub = Hub::new();
        let (a, b) = (hub.broker(1), hub.broker(2));
        let mut sub = b.subscribe("s").await.unwrap();
        for i in 0..LOCAL_CAPACITY + 10 {
            a.publish("s", Bytes::from(i.to_string())).await.unwrap();
        }
        let first = sub.next().await.unwrap();
        assert_ne!(&first[..], b"0", "the oldest were dropped");
        a.publish("s", Bytes::from_static(b"last")).await.unwrap();
        let mut seen = Vec::new();
        while let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(100), sub.next()).await {
            seen.push(m);
        }
        assert_eq!(seen.last().map(|m| &m[..]), Some(&b"last"[..]));
    }
}
