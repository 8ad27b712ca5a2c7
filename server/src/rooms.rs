//! The registry of boards in memory.
//!
//! **Architecture Invariant:** at most one room per board at a time. Looking
//! a board up and starting its room happen under one lock, and a room leaves
//! the registry (under that lock) before it stops taking messages, so a
//! joiner either reaches the live room or retries on a fresh one, which
//! loads the board from the store: everything the old one acknowledged is
//! there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use atelier_shared::BoardId;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::access::{Grant, Role};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::room::{CloseReason, PeerId, Registration, Remote, Room, RoomContext, RoomMsg};
use crate::store::{Store, StoreError};

/// Messages queued to one room before its senders wait.
const INBOX: usize = 4096;
/// Attempts to reach a room that is closing before giving up.
const ATTEMPTS: usize = 5;

pub(crate) struct Rooms {
    rooms: Mutex<HashMap<BoardId, Entry>>,
    /// Boards whose stored data does not decode, and why: refused until
    /// an administrator deletes or restores them (and the server restarts).
    unreadable: Mutex<HashMap<BoardId, String>>,
    next_generation: std::sync::atomic::AtomicU64,
    /// What every room is given.
    pub(crate) ctx: RoomContext,
    pub(crate) tasks: TaskTracker,
}

struct Entry {
    generation: u64,
    inbox: mpsc::Sender<RoomMsg>,
}

/// A connection's place in a room.
pub(crate) struct Membership {
    pub inbox: mpsc::Sender<RoomMsg>,
    /// Frames for this peer, in order.
    pub frames: crate::queue::Receiver,
    /// Fires when the room disconnects this peer.
    pub closed: oneshot::Receiver<CloseReason>,
}

#[derive(Debug, thiserror::Error)]
pub enum RoomError {
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error("the board is unavailable")]
    Unavailable,
    #[error(
        "this board's stored data cannot be read: it is kept as it is, unchanged, for an administrator to restore"
    )]
    Unreadable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Rooms {
    pub(crate) fn new(
        store: Arc<dyn Store>,
        config: Arc<Config>,
        metrics: Arc<Metrics>,
        (shutdown, tasks): (CancellationToken, TaskTracker),
        keys: crate::access::Keys,
        broker: crate::broker::Broker,
    ) -> Rooms {
        let scripts = Arc::new(crate::scripts::Scripts::load(config.scripts_dir.as_deref()));
        Rooms {
            rooms: Mutex::new(HashMap::new()),
            unreadable: Mutex::new(HashMap::new()),
            next_generation: Default::default(),
            ctx: RoomContext {
                store,
                config,
                metrics,
                shutdown,
                scripts,
                outgoing: Default::default(),
                keys,
                broker,
            },
            tasks,
        }
    }

    /// The inbox of `board`'s room, starting the room if it is not running.
    fn inbox(self: &Arc<Self>, board: &BoardId) -> Result<mpsc::Sender<RoomMsg>, RoomError> {
        if self.ctx.shutdown.is_cancelled() {
            return Err(RoomError::ShuttingDown);
        }
        if self.is_unreadable(board) {
            return Err(RoomError::Unreadable);
        }
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = rooms.get(board)
            && !entry.inbox.is_closed()
        {
            return Ok(entry.inbox.clone());
        }
        let generation = self
            .next_generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(INBOX);
        rooms.insert(
            board.clone(),
            Entry {
                generation,
                inbox: tx.clone(),
            },
        );
        // The room leaves the registry through a weak handle: a registry
        // dropped first (tests) leaves nothing to do.
        let (leaving, marking) = (Arc::downgrade(self), Arc::downgrade(self));
        let (id, marked) = (board.clone(), board.clone());
        let registration = Registration::new(
            move || {
                if let Some(rooms) = leaving.upgrade() {
                    rooms.remove(&id, generation);
                }
            },
            move |why| {
                if let Some(rooms) = marking.upgrade() {
                    rooms.mark_unreadable(&marked, why);
                }
            },
        );
        self.tasks
            .spawn(Room::run(board.clone(), self.ctx.clone(), registration, rx));
        Ok(tx)
    }

    /// The inbox of `board`'s room if it is loaded (without loading it).
    fn loaded(&self, board: &BoardId) -> Option<mpsc::Sender<RoomMsg>> {
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms
            .get(board)
            .map(|e| e.inbox.clone())
            .filter(|inbox| !inbox.is_closed())
    }

    /// Disconnects whoever holds a link of `role` older than `generation`.
    /// On every node.
    pub(crate) async fn revoke(&self, board: &BoardId, role: Role, generation: u32) {
        if let Some(inbox) = self.loaded(board) {
            let _ = inbox.send(RoomMsg::Revoke { role, generation }).await;
        }
        self.tell_cluster(board, &Remote::Revoke { role, generation })
            .await;
    }

    /// Tells the rooms of `board` on the other nodes.
    async fn tell_cluster(&self, board: &BoardId, body: &Remote) {
        let broker = &self.ctx.broker;
        if broker.is_cluster() {
            let bytes = crate::room::encode_remote(broker.node(), body);
            if let Err(err) = broker.publish(&crate::room::subject(board), bytes).await {
                tracing::warn!(%board, %err, "telling the other nodes failed");
            }
        }
    }

    /// Closes `board`'s room, if loaded, without storing anything more:
    /// everyone on it is told the board was deleted.
    pub(crate) async fn delete(&self, board: &BoardId) {
        self.tell_cluster(board, &Remote::Deleted).await;
        if let Some(inbox) = self.loaded(board) {
            let (done, closed) = oneshot::channel();
            if inbox.send(RoomMsg::Delete { done }).await.is_ok() {
                let _ = closed.await;
            }
        }
    }

    /// `board`'s stored data does not decode: it is refused from now on.
    pub(crate) fn mark_unreadable(&self, board: &BoardId, why: String) {
        let mut unreadable = self.unreadable.lock().unwrap_or_else(|e| e.into_inner());
        unreadable.insert(board.clone(), why);
    }

    pub(crate) fn is_unreadable(&self, board: &BoardId) -> bool {
        let unreadable = self.unreadable.lock().unwrap_or_else(|e| e.into_inner());
        unreadable.contains_key(board)
    }

    /// The boards refused for unreadable data, and why (for `/healthz`).
    pub(crate) fn unreadable(&self) -> Vec<(BoardId, String)> {
        let unreadable = self.unreadable.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<_> = unreadable
            .iter()
            .map(|(id, why)| (id.clone(), why.clone()))
            .collect();
        all.sort();
        all
    }

    /// The board was deleted: its id may be used afresh.
    pub(crate) fn forget_unreadable(&self, board: &BoardId) {
        let mut unreadable = self.unreadable.lock().unwrap_or_else(|e| e.into_inner());
        unreadable.remove(board);
    }

    /// Forgets `board`'s room if it is still the one of that generation.
    pub(crate) fn remove(&self, board: &BoardId, generation: u64) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if rooms.get(board).is_some_and(|e| e.generation == generation) {
            rooms.remove(board);
        }
    }

    /// Joins `board` as `peer`: the room sends it SyncStep1 and the known
    /// awareness states first.
    pub(crate) async fn join(
        self: &Arc<Self>,
        board: &BoardId,
        peer: PeerId,
        grant: Grant,
    ) -> Result<Membership, RoomError> {
        for _ in 0..ATTEMPTS {
            let inbox = self.inbox(board)?;
            let (frames_tx, frames) = crate::queue::queue(
                self.ctx.config.peer_queue,
                self.ctx.config.peer_queue_bytes,
                self.ctx.outgoing.clone(),
            );
            let (close, closed) = oneshot::channel();
            let (joined_tx, joined) = oneshot::channel();
            let join = RoomMsg::Join {
                peer,
                grant,
                out: frames_tx,
                close,
                joined: joined_tx,
            };
            // Either fails only if the room closed meanwhile: try a new one.
            if inbox.send(join).await.is_ok() && joined.await.is_ok() {
                return Ok(Membership {
                    inbox,
                    frames,
                    closed,
                });
            }
        }
        Err(RoomError::Unavailable)
    }

    /// Sets the board's title in its document (live for everyone connected)
    /// and in its metadata.
    pub(crate) async fn set_title(
        self: &Arc<Self>,
        board: &BoardId,
        title: String,
    ) -> Result<(), RoomError> {
        for _ in 0..ATTEMPTS {
            let inbox = self.inbox(board)?;
            let (done_tx, done) = oneshot::channel();
            let msg = RoomMsg::SetTitle {
                title: title.clone(),
                done: done_tx,
            };
            if inbox.send(msg).await.is_ok()
                && let Ok(result) = done.await
            {
                return Ok(result?);
            }
        }
        Err(RoomError::Unavailable)
    }

    /// Takes `what` out of `board` everywhere (`apply`), or counts what
    /// that would take.
    pub(crate) async fn erase(
        self: &Arc<Self>,
        board: &BoardId,
        what: atelier_shared::erase::Scrub,
        apply: bool,
    ) -> Result<atelier_shared::erase::Erased, RoomError> {
        for _ in 0..ATTEMPTS {
            let inbox = self.inbox(board)?;
            let (done_tx, done) = oneshot::channel();
            let msg = RoomMsg::Erase(crate::room::erasure::Erasure {
                what: what.clone(),
                apply,
                done: done_tx,
            });
            if inbox.send(msg).await.is_ok()
                && let Ok(result) = done.await
            {
                return Ok(result?);
            }
        }
        Err(RoomError::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    /// A join authorised on a link that was regenerated before it reached
    /// the room (loaded or not) is refused; one on the current link is not.
    /// (Time is paused: a wait ends once every task has run, at once.)
    #[tokio::test(start_paused = true)]
    async fn a_join_on_a_link_revoked_meanwhile_is_refused() {
        let store = Arc::new(MemoryStore::new());
        let rooms = Arc::new(Rooms::new(
            store.clone(),
            Arc::new(Config::default()),
            Arc::new(Metrics::default()),
            (CancellationToken::new(), TaskTracker::new()),
            crate::access::Keys::new(b"a test key of sixteen bytes"),
            crate::broker::Broker::local(),
        ));
        let board: BoardId = "race".parse().unwrap();
        store.regenerate(&board, Role::Editor).await.unwrap();
        let grant = |generation| Grant {
            role: Role::Editor,
            generation: Some(generation),
            expires: None,
        };
        let closed = |c: oneshot::Receiver<CloseReason>| async {
            tokio::time::timeout(std::time::Duration::from_secs(2), c)
                .await
                .ok()
                .and_then(Result::ok)
        };
        let stale = rooms.join(&board, 1, grant(0)).await.unwrap();
        assert_eq!(closed(stale.closed).await, Some(CloseReason::Revoked));
        let current = rooms.join(&board, 2, grant(1)).await.unwrap();
        // The room is loaded now: a second regeneration reaches it.
        store.regenerate(&board, Role::Editor).await.unwrap();
        rooms.revoke(&board, Role::Editor, 2).await;
        assert_eq!(closed(current.closed).await, Some(CloseReason::Revoked));
        let late = rooms.join(&board, 3, grant(1)).await.unwrap();
        assert_eq!(closed(late.closed).await, Some(CloseReason::Revoked));
        let fine = rooms.join(&board, 4, grant(2)).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let mut closed = fine.closed;
        assert!(closed.try_recv().is_err(), "the current link stays");
    }
}
