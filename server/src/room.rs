//! One board in memory: a task that alone owns the board's document and
//! awareness, and the peers connected to it.
//!
//! The task takes whatever messages are queued (a batch), applies them,
//! merges the changes they made into one update, appends it to the store
//! (group commit) and only then delivers the frames the batch produced:
//! under load, each peer gets one frame a batch, not one an update.
//! **Architecture Invariant:** no peer but its sender receives an update
//! before the store has committed it. Each update is encoded once; every
//! peer gets the same bytes. A peer whose queue is full is disconnected
//! (it resyncs when it reconnects), never skipped.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use atelier_shared::facilitation::{self, Command, Facilitation, Outcome, Refused};
use atelier_shared::notice::Notice;
use atelier_shared::{Board, BoardId, protocol};
use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error, info, warn};
use yrs::sync::{Awareness, AwarenessUpdate, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ClientID, ReadTxn, StateVector, Transact, Update, WriteTxn};

use crate::access::{Grant, Role};
use crate::store::StoreError;

mod answers;
mod awareness;
mod changes;
mod cluster;
mod compaction;
mod context;
pub(crate) mod erasure;
mod facilitating;
mod fanout;
mod outbox;
mod peers;
mod pending;
mod presence;

use answers::Answers;
use outbox::{Outbox, Target};
use peers::Peer;
use pending::{Pending, Verdict};
use presence::{Link, Owners, PeerPresence};

pub use atelier_shared::protocol::CloseReason;
pub(crate) use cluster::{Remote, encode as encode_remote, subject};
pub(crate) use context::{Registration, RoomContext};

pub type PeerId = u64;

/// The most messages one batch takes from the inbox. A batch also takes at
/// most half a peer queue, so a burst alone never makes a healthy peer look
/// slow.
const MAX_BATCH: usize = 256;
/// SyncStep1 one peer may have waiting for an answer: a y-websocket client
/// sends one when it connects, Atelier's browser one now and then to learn
/// that its edits are stored; a peer that asks for more without reading
/// the answers is disconnected.
const MAX_ASKED: usize = 8;
/// How often answers waiting for outgoing room are tried again.
const DEFERRED_RETRY: std::time::Duration = std::time::Duration::from_millis(50);
/// The most private notes one participant holds (encoded), and the most
/// participants holding some.
const MAX_PRIVATE_BYTES: usize = 1024 * 1024;
const MAX_PRIVATE_AUTHORS: usize = 1_000;

pub(crate) enum RoomMsg {
    Join {
        peer: PeerId,
        grant: Grant,
        out: crate::queue::Sender,
        close: oneshot::Sender<CloseReason>,
        joined: oneshot::Sender<()>,
    },
    Frame {
        peer: PeerId,
        messages: Vec<Message>,
    },
    Leave {
        peer: PeerId,
    },
    SetTitle {
        title: String,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    /// Erase (or count) an interviewee's notes everywhere.
    Erase(erasure::Erasure),
    /// `role`'s link moved to `generation`: peers on older links leave.
    Revoke {
        role: Role,
        generation: u32,
    },
    /// The board is being deleted: close everyone, store nothing more.
    Delete {
        done: oneshot::Sender<()>,
    },
    /// A message from the board's room on another node (`room/cluster.rs`).
    Remote(Bytes),
    /// Messages from the other nodes may have been lost: read the store.
    Resync,
}

#[derive(Clone, Copy)]
enum Exit {
    Idle,
    Shutdown,
    Failed,
    Deleted,
}

pub(crate) struct Room {
    id: BoardId,
    awareness: Awareness,
    board: Board,
    peers: HashMap<PeerId, Peer>,
    ctx: RoomContext,
    /// Updates stored since the last snapshot.
    log_len: usize,
    last_seq: i64,
    compaction: Option<tokio::task::JoinHandle<()>>,
    empty_since: Option<tokio::time::Instant>,
    /// Answers to SyncStep1: the whole board encoded once, shared.
    answers: Answers,
    /// What the board holds pending, bounded.
    pending: Pending,
    /// How many deliveries its changes make: whether it batches them.
    fanout: fanout::Fanout,
    /// SyncStep1 waiting for the server's outgoing bytes to make room.
    deferred: std::collections::VecDeque<(PeerId, StateVector)>,
    /// yrs panicked applying an update: the document in memory may be half
    /// changed. The batch stops there, what it changed before is stored,
    /// and the document is loaded afresh from the store before anything
    /// else reads it; only the update's sender is disconnected.
    poisoned: bool,
    /// Who holds which awareness client id.
    owners: Owners,
    /// When awareness held back (a peer over its rate) may next go out.
    presence_due: Option<tokio::time::Instant>,
    /// Set when the board is being deleted: acknowledged once the room has
    /// closed.
    deleting: Option<oneshot::Sender<()>>,
    /// The facilitator's settings (timer, follow, locks, vote), kept by the
    /// room and stored apart from the document.
    facilitation: Facilitation,
    /// It changed in this batch: store it, then send it to everyone.
    facilitation_changed: bool,
    /// Its revision in the store: another node's newer state replaces it,
    /// and a change made here over an older one is made again on the
    /// newer (see `store_facilitation`).
    facilitation_rev: i64,
    /// Another node changed it in this batch: send it to everyone.
    facilitation_heard: bool,
    /// The facilitation commands of this batch (in a cluster), made again
    /// if another node changed the state meanwhile.
    commands: Vec<(PeerId, Vec<u8>)>,
    /// Private notes by author (voter id): each a yrs update of a document
    /// of their own, never relayed, applied to the board when revealed.
    privates: HashMap<String, Vec<u8>>,
    /// Authors whose private notes changed in this batch (stored after it).
    privates_changed: HashSet<String>,
    /// A phase began in this batch: the board is kept as a version of
    /// this name once the batch is stored.
    version_due: Option<String>,
    /// The board's link generations: a join authorised on an older link
    /// (regenerated, or the board deleted, in the meantime) is refused.
    generations: crate::access::Generations,
    /// Undoes what non-facilitators change of locked elements (made when
    /// something is locked, dropped when nothing is).
    locks: Option<crate::locks::LockGuard>,
    /// When the last batch was taken (`--coalesce`); none after a full
    /// batch, so a backlog goes on at once.
    last_batch: Option<tokio::time::Instant>,
    /// The board's rooms on the other nodes of a cluster, if any.
    cluster: Option<cluster::Cluster>,
    /// What the room hears from them (taken by its loop).
    listening: Option<cluster::Listening>,
    /// Another node deleted the board: the room closes, storing nothing.
    deleted_elsewhere: bool,
}

impl Room {
    /// Loads the board and serves it until it is idle, the server stops or
    /// the store fails.
    pub(crate) async fn run(
        id: BoardId,
        ctx: RoomContext,
        mut registration: Registration,
        mut inbox: mpsc::Receiver<RoomMsg>,
    ) {
        let metrics = ctx.metrics.clone();
        metrics.rooms_loaded.inc();
        match Room::load(id.clone(), ctx).await {
            Ok(mut room) => {
                let exit = room.serve(&mut inbox).await;
                room.finish(exit, &mut inbox, &mut registration).await;
            }
            Err(err) => {
                metrics.store_errors.inc();
                error!(board = %id, %err, "loading the board failed");
                if let StoreError::Unreadable { .. } = err {
                    // Refused from now on; nothing of it is touched.
                    registration.unreadable(err.to_string());
                }
                // Joiners waiting in the inbox get their ack dropped and retry.
                registration.leave();
            }
        }
        metrics.rooms_loaded.dec();
    }

    async fn load(id: BoardId, ctx: RoomContext) -> Result<Room, StoreError> {
        let started = Instant::now();
        // Subscribed before the read: what another node stores after it
        // arrives (or leaves a hole that is read).
        let (mut cluster, listening) = match cluster::Cluster::join(&ctx.broker, &id).await? {
            Some((cluster, listening)) => (Some(cluster), Some(listening)),
            None => (None, None),
        };
        let stored = ctx.store.load(&id).await?;
        ctx.metrics.board_loads.inc();
        let doc = crate::store::doc_of(&id, &stored)?;
        let board = Board::new(&doc);
        // A board from before a change of the model is brought up to date
        // once, stored like any change before anyone sees it.
        let (mut last_seq, mut log_len) = (stored.last_seq, stored.updates.len());
        let migrated = {
            let mut txn = doc.transact_mut();
            atelier_shared::migrate::migrate(&mut txn, &board).then(|| txn.encode_update_v1())
        };
        if let Some(update) = migrated {
            last_seq = ctx.store.append(&id, vec![update]).await?;
            log_len += 1;
            info!(board = %id, "board brought up to date with the model");
        }
        // A state that does not read (an older shape) starts afresh.
        let (facilitation, facilitation_rev) = ctx.store.facilitation_rev(&id).await?;
        let facilitation = facilitation
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let privates: HashMap<String, Vec<u8>> =
            ctx.store.privates(&id).await?.into_iter().collect();
        for (voter, notes) in &privates {
            let check = protocol::check_update_v1(notes)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    Update::decode_v1(notes)
                        .map(drop)
                        .map_err(|e| e.to_string())
                });
            if let Err(why) = check {
                return Err(StoreError::Unreadable {
                    board: id.to_string(),
                    what: format!("the private notes of {voter}"),
                    why,
                });
            }
        }
        let generations = ctx.store.links(&id).await?;
        if let Some(cluster) = &mut cluster {
            cluster.loaded(last_seq);
        }
        let mut facilitation: Facilitation = facilitation;
        let fanout = fanout::Fanout::new(ctx.config.coalesce_above);
        facilitation.shown.pooled = privates.len() as u32;
        info!(
            board = %id,
            updates = stored.updates.len(),
            snapshot = stored.snapshot.is_some(),
            ms = started.elapsed().as_millis() as u64,
            "board loaded"
        );
        Ok(Room {
            id,
            awareness: Awareness::new(doc),
            board,
            peers: HashMap::new(),
            ctx,
            log_len,
            last_seq,
            compaction: None,
            empty_since: Some(tokio::time::Instant::now()),
            answers: Answers::default(),
            pending: Pending::default(),
            fanout,
            deferred: Default::default(),
            poisoned: false,
            owners: Owners::default(),
            presence_due: None,
            deleting: None,
            facilitation,
            facilitation_changed: false,
            facilitation_rev,
            facilitation_heard: false,
            commands: Vec::new(),
            privates,
            privates_changed: HashSet::new(),
            version_due: None,
            generations,
            locks: None,
            last_batch: None,
            cluster,
            listening,
            deleted_elsewhere: false,
        })
    }

    async fn serve(&mut self, inbox: &mut mpsc::Receiver<RoomMsg>) -> Exit {
        let grace = self.ctx.config.room_grace;
        let shutdown = self.ctx.shutdown.clone();
        let max_batch = MAX_BATCH.min(self.ctx.config.peer_queue / 2).max(1);
        let coalesce = self.ctx.config.coalesce;
        let mut listening = self.listening.take();
        loop {
            let idle_deadline = self.empty_since.map(|since| since + grace);
            let pending_deadline = self.pending.due(self.ctx.config.pending_timeout);
            let retry =
                (!self.deferred.is_empty()).then(|| tokio::time::Instant::now() + DEFERRED_RETRY);
            let cluster_due = self.cluster.as_ref().map(cluster::Cluster::due);
            let first = tokio::select! {
                biased;
                _ = shutdown.cancelled() => return Exit::Shutdown,
                msg = inbox.recv() => match msg {
                    Some(msg) => msg,
                    None => return Exit::Shutdown,
                },
                _ = sleep_until(pending_deadline) => {
                    let verdict = self.pending.take();
                    let mut out = Outbox::default();
                    self.drop_pending(verdict, &mut out);
                    self.deliver(out);
                    continue;
                }
                _ = sleep_until(retry) => {
                    let mut out = Outbox::default();
                    self.answer_deferred(&mut out);
                    self.deliver(out);
                    continue;
                }
                _ = sleep_until(self.presence_due) => {
                    let mut out = Outbox::default();
                    self.presence_due = None;
                    let peers: Vec<PeerId> = self.peers.keys().copied().collect();
                    for peer in peers {
                        self.forward_presence(peer, &mut out);
                    }
                    self.deliver(out);
                    continue;
                }
                wake = cluster::Listening::next(&mut listening) => match wake {
                    cluster::Wake::Message(bytes) => RoomMsg::Remote(bytes),
                    cluster::Wake::Resync => RoomMsg::Resync,
                },
                _ = sleep_until(cluster_due) => {
                    self.cluster_tick().await;
                    continue;
                }
                _ = sleep_until(idle_deadline) => return Exit::Idle,
            };
            // A board with a busy fan-out that sent a batch within the
            // window gathers until the window has passed.
            if self.fanout.busy()
                && let Some(due) = self.last_batch.map(|at| at + coalesce)
                && due > tokio::time::Instant::now()
            {
                tokio::select! {
                    biased;
                    _ = shutdown.cancelled() => {}
                    _ = tokio::time::sleep_until(due) => {}
                }
            }
            let mut batch = Vec::with_capacity(8);
            batch.push(first);
            while batch.len() < max_batch {
                match inbox.try_recv() {
                    Ok(msg) => batch.push(msg),
                    Err(_) => break,
                }
            }
            // A full batch leaves a backlog: the next one goes at once.
            self.last_batch = (batch.len() < max_batch).then(tokio::time::Instant::now);
            if let Err(err) = self.process(batch).await {
                self.ctx.metrics.store_errors.inc();
                error!(board = %self.id, ?err, "storing updates failed; disconnecting everyone to resync");
                return Exit::Failed;
            }

            if self.deleting.is_some() || self.deleted_elsewhere {
                return Exit::Deleted;
            }
        }
    }

    /// Leaves the registry, then stores what is still queued, closes the
    /// remaining connections and compacts the log.
    async fn finish(
        &mut self,
        exit: Exit,
        inbox: &mut mpsc::Receiver<RoomMsg>,
        registration: &mut Registration,
    ) {
        registration.leave();
        inbox.close();
        let reason = match exit {
            Exit::Failed => CloseReason::RoomFailed,
            Exit::Deleted => CloseReason::Deleted,
            Exit::Idle | Exit::Shutdown => CloseReason::Shutdown,
        };
        let keep = !matches!(exit, Exit::Failed | Exit::Deleted);
        if keep {
            // Frames that arrived before the inbox closed are stored; joins
            // among them see their ack dropped and retry on a new room.
            let mut rest = Vec::new();
            while let Ok(msg) = inbox.try_recv() {
                if !matches!(msg, RoomMsg::Join { .. }) {
                    rest.push(msg);
                }
            }
            if !rest.is_empty() && self.process(rest).await.is_err() {
                self.ctx.metrics.store_errors.inc();
                error!(board = %self.id, "storing the last updates failed");
            }
        }
        for (_, peer) in self.peers.drain() {
            let _ = peer.close.send(reason);
        }
        if let Some(running) = self.compaction.take() {
            let _ = running.await;
        }
        if self.log_len > 0 && keep {
            self.compact_now().await;
        }
        if let Some(done) = self.deleting.take() {
            let _ = done.send(());
        }
        debug!(board = %self.id, "room closed");
    }

    async fn process(&mut self, batch: Vec<RoomMsg>) -> Result<(), StoreError> {
        let mut out = Outbox::default();
        let mut title_acks = Vec::new();
        let mut erasures = Vec::new();
        for msg in batch {
            if self.poisoned {
                break;
            }
            match msg {
                RoomMsg::Join {
                    peer,
                    grant,
                    out: tx,
                    close,
                    joined,
                } => self.join(peer, grant, tx, close, joined, &mut out),
                RoomMsg::Frame { peer, messages } => {
                    for message in messages {
                        if !self.peers.contains_key(&peer) || self.poisoned {
                            break; // kicked earlier in this batch
                        }
                        self.handle(peer, message, &mut out);
                    }
                }
                RoomMsg::Leave { peer } => self.remove_peer(peer, None, &mut out),
                RoomMsg::SetTitle { title, done } => {
                    let update = {
                        let mut txn = self.awareness.doc().transact_mut();
                        self.board.set_title(&mut txn, &title);
                        txn.encode_update_v1()
                    };
                    self.answers.changed(update.len());
                    out.change(Target::All, update);
                    title_acks.push((done, title));
                }
                RoomMsg::Erase(erasure) => {
                    let erased = self.erase_in_memory(&erasure, &mut out);
                    erasures.push((erasure, erased));
                }
                RoomMsg::Revoke { role, generation } => self.revoke(role, generation, &mut out),
                RoomMsg::Delete { done } => {
                    self.deleting = Some(done);
                    break;
                }
                RoomMsg::Remote(bytes) => {
                    self.remote(&bytes, &mut out).await;
                    if self.deleted_elsewhere {
                        break;
                    }
                }
                RoomMsg::Resync => self.resync(&mut out).await,
            }
        }
        let changes = out.changes.len();
        self.fanout.delivered(changes, self.peers.len());
        let updates = out.seal();
        if !updates.is_empty() {
            let metrics = &self.ctx.metrics;
            let count = updates.len();
            let told = self.cluster.is_some().then(|| updates.clone());
            metrics.updates.add(changes as u64);
            metrics
                .update_bytes
                .add(updates.iter().map(|u| u.len() as u64).sum());
            let started = Instant::now();
            let stored = self.ctx.store.append(&self.id, updates).await;
            metrics.observe_store(started.elapsed());
            match stored {
                Ok(seq) => {
                    self.last_seq = seq;
                    self.log_len += count;
                    if let Some(updates) = told {
                        self.publish_stored(seq - count as i64 + 1, seq, updates)
                            .await;
                    }
                }
                Err(err) => {
                    for (done, _) in title_acks {
                        let _ = done.send(Err(StoreError::Io(std::io::Error::other(
                            "the board could not be stored",
                        ))));
                    }
                    return Err(err);
                }
            }
        }
        // What came before the update that broke the document is stored:
        // the document is read back from the store, whole.
        if std::mem::take(&mut self.poisoned) {
            error!(board = %self.id, "an update broke the document in memory: reloading it");
            self.reload().await?;
        }
        for (done, title) in title_acks {
            let _ = done.send(self.ctx.store.set_title(&self.id, &title).await);
        }
        for voter in std::mem::take(&mut self.privates_changed) {
            let notes = self.privates.get(&voter).cloned();
            self.ctx
                .store
                .set_private(&self.id, &voter, notes.clone())
                .await?;
            self.tell_cluster(&cluster::Remote::Private { voter, notes })
                .await;
        }
        for (erasure, erased) in erasures {
            let result = self.erase_stored(&erasure, erased).await;
            let _ = erasure.done.send(result);
        }
        if let Some(name) = self.version_due.take() {
            let (state, _) = self.snapshot();
            self.ctx
                .store
                .save_version(&self.id, &name, true, state)
                .await?;
        }
        if self.facilitation.shown.locked.is_empty() {
            self.locks = None;
        }
        let commands = std::mem::take(&mut self.commands);
        let heard = std::mem::take(&mut self.facilitation_heard);
        let changed = std::mem::take(&mut self.facilitation_changed);
        if changed {
            self.store_facilitation(commands).await?;
        }
        if changed || heard {
            let peers: Vec<PeerId> = self.peers.keys().copied().collect();
            for peer in peers {
                self.send_facilitation(peer, &mut out);
            }
        }
        self.deliver(out);
        self.maybe_compact();
        Ok(())
    }

    fn handle(&mut self, peer: PeerId, message: Message, out: &mut Outbox) {
        match message {
            Message::Sync(SyncMessage::SyncStep1(sv)) => self.answer_step1(peer, &sv, out),
            Message::Sync(SyncMessage::SyncStep2(bytes) | SyncMessage::Update(bytes))
                if !self.peers.get(&peer).is_some_and(|p| p.grant.role.writes()) =>
            {
                self.refuse_update(peer, &bytes, out);
            }
            Message::Sync(SyncMessage::SyncStep2(bytes) | SyncMessage::Update(bytes)) => {
                let author = self.peers.get(&peer).map(|p| p.grant.role);
                let author = author.unwrap_or(Role::Viewer);
                if let Err(err) = self.change(&bytes, author, Some(peer), Target::AllBut(peer), out)
                {
                    warn!(board = %self.id, peer, %err, "refusing an update");
                    self.ctx.metrics.protocol_errors.inc();
                    self.remove_peer(peer, Some(CloseReason::Malformed), out);
                }
            }
            Message::Awareness(update) => self.awareness_from(peer, update, out),
            Message::AwarenessQuery => {
                if let Some(states) = protocol::awareness_states(&self.awareness) {
                    out.push(Target::One(peer), states);
                }
            }
            Message::Auth(_) => {}
            Message::Custom(facilitation::COMMAND, data) => {
                if self.cluster.is_some() {
                    self.commands.push((peer, data.clone()));
                }
                self.command(peer, &data, out)
            }
            Message::Custom(facilitation::PRIVATE, data) => self.private_notes(peer, data, out),
            Message::Custom(tag, _) => {
                debug!(board = %self.id, peer, tag, "ignoring a custom message")
            }
        }
    }

    /// Stores the facilitation state this batch changed, over the revision
    /// it was changed from. If another node stored a newer one meanwhile,
    /// that one is read and this batch's commands are made again on it
    /// (their answers were sent already); then the others are told.
    async fn store_facilitation(
        &mut self,
        commands: Vec<(PeerId, Vec<u8>)>,
    ) -> Result<(), StoreError> {
        const ATTEMPTS: usize = 8;
        for _ in 0..ATTEMPTS {
            let json = serde_json::to_string(&self.facilitation)
                .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
            let stored = self
                .ctx
                .store
                .swap_facilitation(&self.id, self.facilitation_rev, &json)
                .await?;
            if let Some(rev) = stored {
                self.facilitation_rev = rev;
                self.tell_cluster(&cluster::Remote::Facilitation { rev, state: json })
                    .await;
                return Ok(());
            }
            debug!(board = %self.id, "another node changed the facilitation: making this batch's commands again on its state");
            let (json, rev) = self.ctx.store.facilitation_rev(&self.id).await?;
            self.facilitation = json
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default();
            self.facilitation_rev = rev;
            self.locks = None;
            let mut again = Outbox::default();
            for (peer, data) in &commands {
                self.command(*peer, data, &mut again);
            }
            if self.facilitation.shown.private {
                self.facilitation.shown.pooled = self.privates.len() as u32;
            }
            if !again.changes.is_empty() {
                warn!(board = %self.id, "a command made again changed the board: not stored");
            }
        }
        Err(StoreError::Io(std::io::Error::other(
            "the facilitation state kept changing under this node",
        )))
    }

    /// Tells the board's rooms on the other nodes, if any.
    async fn tell_cluster(&self, body: &cluster::Remote) {
        if let Some(cluster) = &self.cluster {
            cluster.publish(body).await;
        }
    }

    /// `role`'s link moved to `generation`: peers on older links leave.
    fn revoke(&mut self, role: Role, generation: u32, out: &mut Outbox) {
        self.generations.set(role, generation);
        let revoked: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.grant.revoked_by(role, generation))
            .map(|(id, _)| *id)
            .collect();
        for peer in revoked {
            info!(board = %self.id, peer, role = role.as_str(), "link revoked: disconnecting");
            self.remove_peer(peer, Some(CloseReason::Revoked), out);
        }
    }

    /// Replaces the document in memory by the stored one (after an update
    /// broke it), keeping everyone's awareness; what was built on the old
    /// document (answers, the lock guard, what was pending) goes with it.
    async fn reload(&mut self) -> Result<(), StoreError> {
        let stored = self.ctx.store.load(&self.id).await?;
        let doc = crate::store::doc_of(&self.id, &stored)?;
        let mut awareness = Awareness::new(doc.clone());
        if let Ok(states) = self.awareness.update() {
            let _ = awareness.apply_update(states);
        }
        self.board = Board::new(&doc);
        self.awareness = awareness;
        self.locks = None;
        self.answers = Answers::default();
        self.pending = Pending::default();
        self.last_seq = stored.last_seq;
        self.log_len = stored.updates.len();
        if let Some(cluster) = &mut self.cluster {
            cluster.loaded(stored.last_seq);
        }
        Ok(())
    }
}

/// Resolves at `deadline`, or never.
pub(crate) async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
