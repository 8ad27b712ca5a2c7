//! A room on one node of a cluster: what it tells the other nodes' rooms
//! of the same board through the broker, and what it takes from them.
//!
//! - Every batch the room stores goes out once committed, with the
//!   store's sequence numbers (`Stored`); the others apply it, without
//!   storing it again, and send it to their peers.
//! - A room knows up to which sequence number it has applied everything
//!   (`applied`). A message past a hole, a broker reconnection, or a quiet
//!   spell on an active board makes it read what it lacks from the store
//!   (`Store::tail`): the broker may lose messages, the store does not.
//!   Applying an update twice is harmless (CRDT).
//! - Awareness goes out batched per tick; each node says it is alive
//!   every second while it has peers on the board, and the cursors of a
//!   node not heard for [`NODE_TIMEOUT`] are dropped.
//! - Revoked links and deleted boards reach every node's room.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;

use super::*;
use crate::broker::{Broker, Subscription};

/// How long a hole in the sequence may wait for the message that fills it
/// (it may be on its way from another node) before the store is read.
const GAP_WAIT: Duration = Duration::from_millis(300);
/// An active board that heard nothing from the other nodes for this long
/// reads the store, in case what they said was lost.
const QUIET: Duration = Duration::from_secs(3);
/// How often a node with peers on a board says it is alive.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// A node not heard for this long is gone: its users' cursors are dropped.
const NODE_TIMEOUT: Duration = Duration::from_secs(4);
/// How often a room with something to watch (peers, other nodes, a
/// hole) looks at it; otherwise every [`QUIET`].
const TICK: Duration = Duration::from_millis(250);
/// How long awareness changes gather before they go out.
const AWARENESS_TICK: Duration = Duration::from_millis(30);
/// Updates larger than this are not sent through the broker: the others
/// read them from the store (NATS refuses messages over its max payload,
/// 1 MB by default).
const MAX_INLINE: usize = 512 * 1024;
/// The envelope's format.
const VERSION: u8 = 1;

/// What one node tells the others about a board.
#[derive(Debug, PartialEq)]
pub(crate) enum Remote {
    /// Updates stored with the sequence numbers `first..=last`; empty when
    /// they were too large to send (read them from the store).
    Stored {
        first: i64,
        last: i64,
        updates: Vec<Vec<u8>>,
    },
    /// An awareness update of the node's peers.
    Awareness(Vec<u8>),
    /// The node has peers on the board, and has applied every update up
    /// to `last` (a node that has not learns it missed some).
    Alive { last: i64 },
    /// A role's link moved to `generation`.
    Revoke { role: Role, generation: u32 },
    /// The board was deleted.
    Deleted,
    /// The facilitation state as stored, at revision `rev`.
    Facilitation { rev: i64, state: String },
    /// A participant's private notes as stored (none: gone, revealed).
    Private {
        voter: String,
        notes: Option<Vec<u8>>,
    },
}

const STORED: u8 = 0;
const AWARENESS: u8 = 1;
const ALIVE: u8 = 2;
const REVOKE: u8 = 3;
const DELETED: u8 = 4;
const FACILITATION: u8 = 5;
const PRIVATE: u8 = 6;

/// The broker's subject of a board.
pub(crate) fn subject(board: &BoardId) -> String {
    format!("atelier.board.{board}")
}

/// `body` from `node`, encoded with lib0 (yrs' encoding).
pub(crate) fn encode(node: u64, body: &Remote) -> Bytes {
    let mut buf = Vec::new();
    buf.write_u8(VERSION);
    buf.write_var(node);
    match body {
        Remote::Stored {
            first,
            last,
            updates,
        } => {
            buf.write_u8(STORED);
            buf.write_var(*first as u64);
            buf.write_var(*last as u64);
            buf.write_var(updates.len() as u64);
            for update in updates {
                buf.write_buf(update);
            }
        }
        Remote::Awareness(update) => {
            buf.write_u8(AWARENESS);
            buf.write_buf(update);
        }
        Remote::Alive { last } => {
            buf.write_u8(ALIVE);
            buf.write_var(*last as u64);
        }
        Remote::Revoke { role, generation } => {
            buf.write_u8(REVOKE);
            buf.write_string(role.as_str());
            buf.write_var(*generation);
        }
        Remote::Deleted => buf.write_u8(DELETED),
        Remote::Facilitation { rev, state } => {
            buf.write_u8(FACILITATION);
            buf.write_var(*rev as u64);
            buf.write_string(state);
        }
        Remote::Private { voter, notes } => {
            buf.write_u8(PRIVATE);
            buf.write_string(voter);
            match notes {
                Some(notes) => {
                    buf.write_u8(1);
                    buf.write_buf(notes);
                }
                None => buf.write_u8(0),
            }
        }
    }
    Bytes::from(buf)
}

/// The node and message of `bytes`, checked: nothing is allocated beyond
/// what `bytes` holds.
pub(crate) fn decode(bytes: &[u8]) -> Result<(u64, Remote), String> {
    let bad = |e: yrs::encoding::read::Error| e.to_string();
    let mut cursor = Cursor::new(bytes);
    if cursor.read_u8().map_err(bad)? != VERSION {
        return Err("another version of the cluster's messages".into());
    }
    let node: u64 = cursor.read_var().map_err(bad)?;
    let body = match cursor.read_u8().map_err(bad)? {
        STORED => {
            let first: u64 = cursor.read_var().map_err(bad)?;
            let last: u64 = cursor.read_var().map_err(bad)?;
            let count: u64 = cursor.read_var().map_err(bad)?;
            // Each update takes at least one byte: a count beyond what is
            // left is a lie.
            if count > (bytes.len() - cursor.next) as u64 || first > last || last > i64::MAX as u64
            {
                return Err("a stored batch that does not add up".into());
            }
            let mut updates = Vec::with_capacity(count as usize);
            for _ in 0..count {
                updates.push(cursor.read_buf().map_err(bad)?.to_vec());
            }
            Remote::Stored {
                first: first as i64,
                last: last as i64,
                updates,
            }
        }
        AWARENESS => Remote::Awareness(cursor.read_buf().map_err(bad)?.to_vec()),
        ALIVE => {
            let last: u64 = cursor.read_var().map_err(bad)?;
            Remote::Alive {
                last: i64::try_from(last).map_err(|e| e.to_string())?,
            }
        }
        REVOKE => {
            let role = cursor.read_string().map_err(bad)?;
            let role = Role::parse(role).ok_or("an unknown role")?;
            let generation: u32 = cursor.read_var().map_err(bad)?;
            Remote::Revoke { role, generation }
        }
        DELETED => Remote::Deleted,
        FACILITATION => {
            let rev: u64 = cursor.read_var().map_err(bad)?;
            Remote::Facilitation {
                rev: i64::try_from(rev).map_err(|e| e.to_string())?,
                state: cursor.read_string().map_err(bad)?.to_owned(),
            }
        }
        PRIVATE => {
            let voter = cursor.read_string().map_err(bad)?.to_owned();
            let notes = match cursor.read_u8().map_err(bad)? {
                0 => None,
                _ => Some(cursor.read_buf().map_err(bad)?.to_vec()),
            };
            Remote::Private { voter, notes }
        }
        other => return Err(format!("an unknown message {other}")),
    };
    Ok((node, body))
}

/// A room's side of the cluster.
pub(super) struct Cluster {
    broker: Broker,
    subject: String,
    /// Every update up to this sequence number is applied here.
    applied: i64,
    /// Ranges applied past a hole (first → last).
    ahead: BTreeMap<i64, i64>,
    /// The highest sequence number another node said it had applied.
    known: i64,
    /// Since when a hole waits to be filled.
    gap_since: Option<Instant>,
    /// When the room last heard from another node, or read the store.
    heard: Instant,
    next_heartbeat: Instant,
    /// When the room next looks at what it watches.
    next_check: Instant,
    /// Awareness client ids of this node's peers that changed, to send.
    dirty: HashSet<ClientID>,
    awareness_due: Option<Instant>,
    /// Other nodes: when each was last heard.
    nodes: HashMap<u64, Instant>,
    /// Awareness client ids set through other nodes, and by which.
    remote_clients: HashMap<ClientID, u64>,
}

/// What the room's loop waits for besides its inbox.
pub(super) struct Listening {
    pub(super) sub: Subscription,
    pub(super) resyncs: tokio::sync::watch::Receiver<u64>,
}

impl Listening {
    /// The next message from another node; never, once the broker is gone.
    pub(super) async fn next(listening: &mut Option<Listening>) -> Wake {
        let Some(l) = listening else {
            return std::future::pending().await;
        };
        tokio::select! {
            message = l.sub.next() => match message {
                Some(bytes) => Wake::Message(bytes),
                None => {
                    *listening = None;
                    Wake::Resync
                }
            },
            changed = l.resyncs.changed() => {
                if changed.is_err() {
                    l.resyncs = tokio::sync::watch::channel(0).1;
                }
                Wake::Resync
            }
        }
    }
}

pub(super) enum Wake {
    Message(Bytes),
    Resync,
}

impl Cluster {
    /// Subscribes to the board's subject: called before the board is read
    /// from the store, so nothing stored after that read is missed.
    pub(super) async fn join(
        broker: &Broker,
        board: &BoardId,
    ) -> Result<Option<(Cluster, Listening)>, StoreError> {
        if !broker.is_cluster() {
            return Ok(None);
        }
        let subject = subject(board);
        let sub = broker
            .subscribe(&subject)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let now = Instant::now();
        let mut resyncs = broker.resyncs();
        resyncs.mark_unchanged();
        Ok(Some((
            Cluster {
                broker: broker.clone(),
                subject,
                applied: 0,
                ahead: BTreeMap::new(),
                known: 0,
                gap_since: None,
                heard: now,
                next_heartbeat: now,
                next_check: now,
                dirty: HashSet::new(),
                awareness_due: None,
                nodes: HashMap::new(),
                remote_clients: HashMap::new(),
            },
            Listening { sub, resyncs },
        )))
    }

    /// The store was read up to `last_seq`.
    pub(super) fn loaded(&mut self, last_seq: i64) {
        self.applied = self.applied.max(last_seq);
        self.heard = Instant::now();
        self.settle();
    }

    /// Updates `first..=last` are applied here.
    fn mark(&mut self, first: i64, last: i64) {
        if last <= self.applied {
            return;
        }
        if first <= self.applied + 1 {
            self.applied = last;
        } else {
            let end = self.ahead.entry(first).or_insert(last);
            *end = (*end).max(last);
        }
        self.settle();
    }

    /// Absorbs the ranges that now follow `applied`; starts or stops the
    /// wait for a hole.
    fn settle(&mut self) {
        while let Some((&first, &last)) = self.ahead.first_key_value() {
            if first > self.applied + 1 {
                break;
            }
            self.applied = self.applied.max(last);
            self.ahead.pop_first();
        }
        self.gap_since = if self.ahead.is_empty() && self.known <= self.applied {
            None
        } else {
            self.gap_since.or(Some(Instant::now()))
        };
    }

    /// Another node has applied every update up to `last`.
    fn behind(&mut self, last: i64) {
        self.known = self.known.max(last);
        self.settle();
    }

    /// When the room's loop must call [`Room::cluster_tick`]: always
    /// ahead of the last tick (each tick moves `next_check` on).
    pub(super) fn due(&self) -> Instant {
        match self.awareness_due {
            Some(at) => at.min(self.next_check),
            None => self.next_check,
        }
    }

    pub(super) async fn publish(&self, body: &Remote) {
        let bytes = encode(self.broker.node(), body);
        if let Err(err) = self.broker.publish(&self.subject, bytes).await {
            // The others read the store when they notice.
            warn!(subject = %self.subject, %err, "publishing to the cluster failed");
        }
    }

    /// Awareness of `clients` (this node's peers) changed.
    pub(super) fn presence_changed(&mut self, clients: impl IntoIterator<Item = ClientID>) {
        self.dirty.extend(clients);
        if !self.dirty.is_empty() && self.awareness_due.is_none() {
            self.awareness_due = Some(Instant::now() + AWARENESS_TICK);
        }
    }
}

impl Room {
    /// The room stored `updates` as `first..=last`: the others are told.
    pub(super) async fn publish_stored(&mut self, first: i64, last: i64, updates: Vec<Vec<u8>>) {
        let Some(cluster) = &mut self.cluster else {
            return;
        };
        cluster.mark(first, last);
        let size: usize = updates.iter().map(Vec::len).sum();
        let updates = if size > MAX_INLINE {
            Vec::new()
        } else {
            updates
        };
        cluster
            .publish(&Remote::Stored {
                first,
                last,
                updates,
            })
            .await;
    }

    /// A message from another node's room.
    pub(super) async fn remote(&mut self, bytes: &[u8], out: &mut Outbox) {
        let Some(cluster) = &mut self.cluster else {
            return;
        };
        let (node, body) = match decode(bytes) {
            Ok(message) => message,
            Err(why) => {
                warn!(board = %self.id, %why, "a cluster message that does not read");
                return;
            }
        };
        let now = Instant::now();
        cluster.heard = now;
        let new_node = cluster.nodes.insert(node, now).is_none();
        if new_node {
            // A node that just loaded the board learns who is here.
            let clients = self.local_clients();
            if let Some(cluster) = &mut self.cluster {
                cluster.presence_changed(clients);
            }
        }
        match body {
            Remote::Stored {
                first,
                last,
                updates,
            } => {
                let applied = self.cluster.as_ref().map_or(0, |c| c.applied);
                if last > applied {
                    if updates.is_empty() {
                        self.resync(out).await;
                    } else {
                        for update in &updates {
                            self.apply_stored(update, out);
                        }
                        if let Some(cluster) = &mut self.cluster {
                            cluster.mark(first, last);
                        }
                    }
                }
            }
            Remote::Awareness(update) => self.remote_awareness(node, &update, out),
            Remote::Alive { last } => {
                if let Some(cluster) = &mut self.cluster {
                    cluster.behind(last);
                }
            }
            Remote::Revoke { role, generation } => self.revoke(role, generation, out),
            Remote::Deleted => {
                info!(board = %self.id, "the board was deleted on another node");
                self.deleted_elsewhere = true;
            }
            Remote::Facilitation { rev, state } => self.remote_facilitation(rev, &state, out),
            Remote::Private { voter, notes } => match notes {
                Some(notes) => {
                    self.privates.insert(voter, notes);
                }
                None => {
                    self.privates.remove(&voter);
                }
            },
        }
    }

    /// Applies an update another node stored (checked as every stored
    /// item is), and sends what it changed to this node's peers.
    fn apply_stored(&mut self, bytes: &[u8], out: &mut Outbox) {
        let Ok(update) = protocol::check_update_v1(bytes)
            .map_err(|e| e.to_string())
            .and_then(|()| Update::decode_v1(bytes).map_err(|e| e.to_string()))
        else {
            warn!(board = %self.id, "another node sent an update that does not read");
            return;
        };
        let doc = self.awareness.doc().clone();
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut txn = doc.transact_mut();
            txn.apply_update(update).map_err(|e| e.to_string())?;
            let changed = txn.encode_update_v1();
            if !protocol::commit_readable(&mut txn) {
                return Err("it puts text in a list".to_owned());
            }
            Ok(changed)
        }));
        match applied {
            Ok(Ok(changed)) if changed != [0, 0] => {
                self.answers.changed(changed.len());
                // What the lock guard knew of the board is stale.
                self.locks = None;
                out.push(Target::All, protocol::update(changed));
            }
            Ok(Ok(_)) => {}
            Ok(Err(why)) => {
                warn!(board = %self.id, %why, "an update from another node refused");
                self.poisoned = true;
            }
            Err(_) => self.poisoned = true,
        }
    }

    /// Reads from the store what this node may have missed, and applies it.
    pub(super) async fn resync(&mut self, out: &mut Outbox) {
        let Some(cluster) = &mut self.cluster else {
            return;
        };
        let after = cluster.applied;
        cluster.heard = Instant::now();
        let stored = match self.ctx.store.tail(&self.id, after).await {
            Ok(stored) => stored,
            Err(err) => {
                warn!(board = %self.id, %err, "reading what other nodes stored failed; trying again later");
                return;
            }
        };
        let items: Vec<&Vec<u8>> = stored.snapshot.iter().chain(&stored.updates).collect();
        if !items.is_empty() {
            self.ctx.metrics.cluster_resyncs.inc();
            debug!(board = %self.id, after, last = stored.last_seq, items = items.len(), "read from the store what other nodes stored");
        }
        for item in items {
            self.apply_stored(item, out);
        }
        if let Some(cluster) = &mut self.cluster {
            cluster.loaded(stored.last_seq);
        }
    }

    /// Heartbeats, awareness to send, dead nodes, holes and quiet spells.
    pub(super) async fn cluster_tick(&mut self) {
        let active = !self.peers.is_empty();
        let now = Instant::now();
        let Some(cluster) = &mut self.cluster else {
            return;
        };
        if cluster.awareness_due.is_some_and(|at| at <= now) {
            cluster.awareness_due = None;
            let clients: Vec<ClientID> = cluster.dirty.drain().collect();
            if let Ok(update) = self.awareness.update_with_clients(clients) {
                cluster
                    .publish(&Remote::Awareness(update.encode_v1()))
                    .await;
            }
        }
        if active && cluster.next_heartbeat <= now {
            cluster.next_heartbeat = now + HEARTBEAT;
            let last = cluster.applied;
            cluster.publish(&Remote::Alive { last }).await;
        }
        // Nodes gone quiet: their users' cursors go.
        let gone: Vec<u64> = cluster
            .nodes
            .iter()
            .filter(|(_, at)| **at + NODE_TIMEOUT <= now)
            .map(|(node, _)| *node)
            .collect();
        let mut dropped = Vec::new();
        for node in gone {
            cluster.nodes.remove(&node);
            cluster.remote_clients.retain(|client, n| {
                if *n == node {
                    dropped.push(*client);
                }
                *n != node
            });
        }
        let hole = cluster.gap_since.is_some_and(|at| at + GAP_WAIT <= now);
        let quiet = active && cluster.heard + QUIET <= now;
        let watching = active || hole || cluster.gap_since.is_some() || !cluster.nodes.is_empty();
        cluster.next_check = now + if watching { TICK } else { QUIET };
        if !dropped.is_empty() {
            info!(board = %self.id, cursors = dropped.len(), "a node went quiet: its users' cursors dropped");
            for client in &dropped {
                self.awareness.remove_state(*client);
            }
            let mut out = Outbox::default();
            if let Ok(update) = self.awareness.update_with_clients(dropped) {
                out.push(Target::All, protocol::awareness(update));
            }
            self.deliver(out);
        }
        if hole || quiet {
            let mut out = Outbox::default();
            self.resync(&mut out).await;
            self.deliver(out);
            if std::mem::take(&mut self.poisoned)
                && let Err(err) = self.reload().await
            {
                warn!(board = %self.id, %err, "reloading the board failed");
            }
        }
    }

    /// Awareness from another node's peers: applied and sent to this node's.
    fn remote_awareness(&mut self, node: u64, bytes: &[u8], out: &mut Outbox) {
        let Ok(update) = AwarenessUpdate::decode_v1(bytes) else {
            warn!(board = %self.id, "awareness from another node that does not read");
            return;
        };
        // A client id one of this node's peers holds stays theirs.
        let local = self.local_clients();
        let mut kept = update;
        kept.clients.retain(|client, _| !local.contains(client));
        if let Some(cluster) = &mut self.cluster {
            for (client, entry) in &kept.clients {
                if entry.json.as_ref() == "null" {
                    cluster.remote_clients.remove(client);
                } else {
                    cluster.remote_clients.insert(*client, node);
                }
            }
        }
        if kept.clients.is_empty() {
            return;
        }
        if let Ok(Some(summary)) = self.awareness.apply_update_summary(kept)
            && let Ok(update) = self.awareness.update_with_clients(summary.all_changes())
        {
            out.push(Target::All, protocol::awareness(update));
        }
    }

    /// The facilitation state another node stored: it replaces this one's
    /// if newer, and this node's peers are sent it. When it ends private
    /// mode, the private notes this node still holds (written here while
    /// the reveal happened there) go onto the board.
    fn remote_facilitation(&mut self, rev: i64, json: &str, out: &mut Outbox) {
        // A change of this batch is stored over the newer state, at its
        // end (see `store_facilitation`): it is not thrown away here.
        if rev <= self.facilitation_rev || self.facilitation_changed {
            return;
        }
        let Ok(state) = serde_json::from_str::<Facilitation>(json) else {
            warn!(board = %self.id, "a facilitation state from another node that does not read");
            return;
        };
        let was_private = self.facilitation.shown.private;
        self.facilitation = state;
        self.facilitation_rev = rev;
        self.locks = None;
        if was_private && !self.facilitation.shown.private {
            for (voter, notes) in std::mem::take(&mut self.privates) {
                if let Err(err) = self.change(&notes, Role::Editor, None, Target::All, out) {
                    warn!(board = %self.id, %err, "private notes that do not apply");
                }
                self.privates_changed.insert(voter);
            }
        }
        self.facilitation_heard = true;
    }

    /// The awareness client ids this node's peers hold.
    fn local_clients(&self) -> HashSet<ClientID> {
        self.peers
            .values()
            .flat_map(|p| p.presence.clients.iter().copied())
            .collect()
    }

    /// Awareness of this node's `clients` changed: the others hear of it.
    pub(super) fn presence_changed(&mut self, clients: &[ClientID]) {
        if let Some(cluster) = &mut self.cluster {
            cluster.presence_changed(clients.iter().copied());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_back_and_garbage_is_refused() {
        let all = [
            Remote::Stored {
                first: 3,
                last: 4,
                updates: vec![vec![1, 2], vec![]],
            },
            Remote::Awareness(vec![9; 40]),
            Remote::Alive { last: 12 },
            Remote::Revoke {
                role: Role::Editor,
                generation: 7,
            },
            Remote::Deleted,
            Remote::Facilitation {
                rev: 9,
                state: "{}".into(),
            },
            Remote::Private {
                voter: "v".into(),
                notes: Some(vec![0, 0]),
            },
            Remote::Private {
                voter: "v".into(),
                notes: None,
            },
        ];
        for body in all {
            let bytes = encode(42, &body);
            assert_eq!(decode(&bytes).unwrap(), (42, body));
            // Cut anywhere, it is refused, never a panic.
            for cut in 0..bytes.len() {
                let _ = decode(&bytes[..cut]);
            }
        }
        // A count of updates past the end allocates nothing.
        let mut lie = vec![VERSION, 1, STORED, 1, 2];
        lie.write_var(u64::MAX);
        assert!(decode(&lie).is_err());
        assert!(decode(&[2, 1, ALIVE, 0]).is_err(), "another version");
        assert!(decode(&[VERSION, 1, 99]).is_err());
    }

    #[test]
    fn holes_are_seen_and_filled() {
        let broker = crate::broker::Hub::new().broker(1);
        let mut cluster = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                Cluster::join(&broker, &"b".parse().unwrap())
                    .await
                    .unwrap()
                    .unwrap()
                    .0
            });
        cluster.loaded(10);
        cluster.mark(11, 12);
        assert_eq!((cluster.applied, cluster.gap_since), (12, None));
        cluster.mark(15, 15);
        assert!(cluster.gap_since.is_some(), "13 and 14 missing");
        cluster.mark(13, 13);
        assert_eq!(cluster.applied, 13);
        cluster.mark(14, 14);
        assert_eq!((cluster.applied, cluster.gap_since), (15, None));
        cluster.mark(20, 21);
        cluster.loaded(25);
        assert_eq!(cluster.applied, 25);
        assert!(cluster.ahead.is_empty() && cluster.gap_since.is_none());
        // Another node's heartbeat says it has more: a hole to read.
        cluster.behind(24);
        assert!(cluster.gap_since.is_none());
        cluster.behind(27);
        assert!(cluster.gap_since.is_some());
        cluster.loaded(27);
        assert!(cluster.gap_since.is_none());
    }
}
