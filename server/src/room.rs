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
use std::sync::Arc;
use std::time::Instant;

use atelier_shared::facilitation::{self, Command, Facilitation, Outcome, Refused};
use atelier_shared::{Board, BoardId, protocol};
use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error, info, warn};
use yrs::sync::{Awareness, AwarenessUpdate, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ClientID, ReadTxn, StateVector, Transact, Update, WriteTxn};

use crate::access::{Grant, Role};
use crate::rooms::Rooms;
use crate::store::StoreError;

mod answers;
mod fanout;
mod pending;
mod presence;

use answers::Answers;
use pending::{Pending, Verdict};
use presence::{Link, Owners, PeerPresence};

pub use atelier_shared::protocol::CloseReason;

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
    /// `role`'s link moved to `generation`: peers on older links leave.
    Revoke {
        role: Role,
        generation: u32,
    },
    /// The board is being deleted: close everyone, store nothing more.
    Delete {
        done: oneshot::Sender<()>,
    },
}

struct Peer {
    /// What its link lets it do.
    grant: Grant,
    /// Who it votes as: it said hello, so it speaks facilitation (other
    /// Yjs clients are never sent these custom messages).
    voter: Option<String>,
    /// When it last sent a reaction (they are rate-limited).
    reacted: Option<Instant>,
    /// It was told once that its updates are refused.
    told_read_only: bool,
    out: crate::queue::Sender,
    close: oneshot::Sender<CloseReason>,
    /// Its awareness: the client ids it holds (removed when it leaves),
    /// what waits to be forwarded, its rates.
    presence: PeerPresence,
    /// Its SyncStep1 waiting in the room's `deferred`.
    asked: usize,
    /// An answer to its SyncStep1 is in this batch's outbox.
    answering: bool,
    /// The queue position of its last answer: the next waits until that
    /// is written out.
    answered: u64,
}

impl Peer {
    /// Whether its last answer is out of the way (the next may go).
    fn answer_written(&self) -> bool {
        !self.answering && self.out.written(self.answered)
    }
}

enum Target {
    One(PeerId),
    /// The last frame of an answer to `peer`'s SyncStep1.
    Answer(PeerId),
    AllBut(PeerId),
    All,
    /// The peers that speak facilitation (they said hello).
    Facilitated,
}

/// Frames a batch produced, delivered once the batch is stored, and the
/// changes to the board it made.
#[derive(Default)]
struct Outbox {
    frames: Vec<(Target, Bytes)>,
    /// The batch's changes to the board, in order (v1 updates).
    changes: Vec<Vec<u8>>,
    /// Where the batch's changes go out among `frames`, and to whom when
    /// there is just one.
    changes_at: Option<(usize, Target)>,
    /// Bytes of the answers to SyncStep1 among `frames`.
    answered: usize,
}

impl Outbox {
    fn push(&mut self, target: Target, frame: Vec<u8>) {
        self.frames.push((target, Bytes::from(frame)));
    }

    /// A change to the board: stored, then sent to `target`. The changes
    /// of one batch go out as one update, in the place of the first.
    fn change(&mut self, target: Target, update: Vec<u8>) {
        if self.changes_at.is_none() {
            self.changes_at = Some((self.frames.len(), target));
            self.frames.push((Target::All, Bytes::new()));
        }
        self.changes.push(update);
    }

    /// The batch's changes, to store: one update, merged when there are
    /// several, its frame in the place of the first change.
    fn seal(&mut self) -> Vec<Vec<u8>> {
        let Some((at, target)) = self.changes_at.take() else {
            return Vec::new();
        };
        let changes = std::mem::take(&mut self.changes);
        if changes.len() > 1 {
            match yrs::merge_updates_v1(changes.iter().map(Vec::as_slice)) {
                Ok(merged) => {
                    // It goes to the changes' authors too: an update a
                    // client already has changes nothing there.
                    self.frames[at] = (Target::All, protocol::update(merged.clone()).into());
                    return vec![merged];
                }
                // Never with updates a document encoded; in case, they go
                // out one by one.
                Err(err) => warn!(%err, "merging a batch's changes failed"),
            }
        }
        let mut frames = changes
            .iter()
            .map(|u| Bytes::from(protocol::update(u.clone())));
        self.frames[at] = (target, frames.next().unwrap_or_default());
        let rest: Vec<_> = frames.map(|f| (Target::All, f)).collect();
        self.frames.extend(rest);
        changes
    }
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
    generation: u64,
    awareness: Awareness,
    board: Board,
    peers: HashMap<PeerId, Peer>,
    rooms: Arc<Rooms>,
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
}

impl Room {
    /// Loads the board and serves it until it is idle, the server stops or
    /// the store fails.
    pub(crate) async fn run(
        id: BoardId,
        generation: u64,
        rooms: Arc<Rooms>,
        mut inbox: mpsc::Receiver<RoomMsg>,
    ) {
        let metrics = rooms.metrics.clone();
        metrics.rooms_loaded.inc();
        let exit = match Room::load(id.clone(), generation, rooms.clone()).await {
            Ok(mut room) => {
                let exit = room.serve(&mut inbox).await;
                room.finish(exit, &mut inbox).await;
                exit
            }
            Err(err) => {
                metrics.store_errors.inc();
                error!(board = %id, %err, "loading the board failed");
                if let StoreError::Unreadable { .. } = err {
                    // Refused from now on; nothing of it is touched.
                    rooms.mark_unreadable(&id, err.to_string());
                }
                Exit::Failed
            }
        };
        if matches!(exit, Exit::Failed) {
            // Joiners waiting in the inbox get their ack dropped and retry.
            rooms.remove(&id, generation);
        }
        metrics.rooms_loaded.dec();
    }

    async fn load(id: BoardId, generation: u64, rooms: Arc<Rooms>) -> Result<Room, StoreError> {
        let started = Instant::now();
        let stored = rooms.store.load(&id).await?;
        rooms.metrics.board_loads.inc();
        let doc = crate::store::doc_of(&id, &stored)?;
        let board = Board::new(&doc);
        // A state that does not read (an older shape) starts afresh.
        let facilitation = rooms
            .store
            .facilitation(&id)
            .await?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let privates: HashMap<String, Vec<u8>> =
            rooms.store.privates(&id).await?.into_iter().collect();
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
        let generations = rooms.store.links(&id).await?;
        let mut facilitation: Facilitation = facilitation;
        let fanout = fanout::Fanout::new(rooms.config.coalesce_above);
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
            generation,
            awareness: Awareness::new(doc),
            board,
            peers: HashMap::new(),
            rooms,
            log_len: stored.updates.len(),
            last_seq: stored.last_seq,
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
            privates,
            privates_changed: HashSet::new(),
            version_due: None,
            generations,
            locks: None,
            last_batch: None,
        })
    }

    async fn serve(&mut self, inbox: &mut mpsc::Receiver<RoomMsg>) -> Exit {
        let grace = self.rooms.config.room_grace;
        let shutdown = self.rooms.shutdown.clone();
        let max_batch = MAX_BATCH.min(self.rooms.config.peer_queue / 2).max(1);
        let coalesce = self.rooms.config.coalesce;
        loop {
            let idle_deadline = self.empty_since.map(|since| since + grace);
            let pending_deadline = self.pending.due(self.rooms.config.pending_timeout);
            let retry =
                (!self.deferred.is_empty()).then(|| tokio::time::Instant::now() + DEFERRED_RETRY);
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
                self.rooms.metrics.store_errors.inc();
                error!(board = %self.id, ?err, "storing updates failed; disconnecting everyone to resync");
                return Exit::Failed;
            }

            if self.deleting.is_some() {
                return Exit::Deleted;
            }
        }
    }

    /// Leaves the registry, then stores what is still queued, closes the
    /// remaining connections and compacts the log.
    async fn finish(&mut self, exit: Exit, inbox: &mut mpsc::Receiver<RoomMsg>) {
        self.rooms.remove(&self.id, self.generation);
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
                self.rooms.metrics.store_errors.inc();
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
                RoomMsg::Revoke { role, generation } => {
                    self.generations.set(role, generation);
                    let revoked: Vec<PeerId> = self
                        .peers
                        .iter()
                        .filter(|(_, p)| p.grant.revoked_by(role, generation))
                        .map(|(id, _)| *id)
                        .collect();
                    for peer in revoked {
                        info!(board = %self.id, peer, role = role.as_str(), "link revoked: disconnecting");
                        self.remove_peer(peer, Some(CloseReason::Revoked), &mut out);
                    }
                }
                RoomMsg::Delete { done } => {
                    self.deleting = Some(done);
                    break;
                }
            }
        }
        let changes = out.changes.len();
        self.fanout.delivered(changes, self.peers.len());
        let updates = out.seal();
        if !updates.is_empty() {
            let metrics = &self.rooms.metrics;
            let count = updates.len();
            metrics.updates.add(changes as u64);
            metrics
                .update_bytes
                .add(updates.iter().map(|u| u.len() as u64).sum());
            let started = Instant::now();
            let stored = self.rooms.store.append(&self.id, updates).await;
            metrics.observe_store(started.elapsed());
            match stored {
                Ok(seq) => {
                    self.last_seq = seq;
                    self.log_len += count;
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
            let _ = done.send(self.rooms.store.set_title(&self.id, &title).await);
        }
        for voter in std::mem::take(&mut self.privates_changed) {
            let notes = self.privates.get(&voter).cloned();
            self.rooms
                .store
                .set_private(&self.id, &voter, notes)
                .await?;
        }
        if let Some(name) = self.version_due.take() {
            let (state, _) = self.snapshot();
            self.rooms
                .store
                .save_version(&self.id, &name, true, state)
                .await?;
        }
        if self.facilitation.shown.locked.is_empty() {
            self.locks = None;
        }
        if std::mem::take(&mut self.facilitation_changed) {
            let json = serde_json::to_string(&self.facilitation)
                .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
            self.rooms.store.set_facilitation(&self.id, &json).await?;
            let peers: Vec<PeerId> = self.peers.keys().copied().collect();
            for peer in peers {
                self.send_facilitation(peer, &mut out);
            }
        }
        self.deliver(out);
        self.maybe_compact();
        Ok(())
    }

    fn join(
        &mut self,
        peer: PeerId,
        grant: Grant,
        tx: crate::queue::Sender,
        close: oneshot::Sender<CloseReason>,
        joined: oneshot::Sender<()>,
        out: &mut Outbox,
    ) {
        // Authorised on a link that has since been regenerated (or the
        // board deleted): it does not come in.
        if grant
            .generation
            .is_some_and(|g| g != self.generations.of(grant.role))
        {
            info!(board = %self.id, peer, "a join on a revoked link refused");
            let _ = close.send(CloseReason::Revoked);
            let _ = joined.send(());
            return;
        }
        self.peers.insert(
            peer,
            Peer {
                grant,
                voter: None,
                reacted: None,
                told_read_only: false,
                out: tx,
                close,
                presence: PeerPresence::default(),
                asked: 0,
                answering: false,
                answered: 0,
            },
        );
        self.empty_since = None;
        out.push(
            Target::One(peer),
            protocol::sync_step1(self.awareness.doc()),
        );
        if let Some(states) = protocol::awareness_states(&self.awareness) {
            out.push(Target::One(peer), states);
        }
        let _ = joined.send(());
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
                    self.rooms.metrics.protocol_errors.inc();
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
            Message::Custom(facilitation::COMMAND, data) => self.command(peer, &data, out),
            Message::Custom(facilitation::PRIVATE, data) => self.private_notes(peer, data, out),
            Message::Custom(tag, _) => {
                debug!(board = %self.id, peer, tag, "ignoring a custom message")
            }
        }
    }

    /// The facilitation state as `peer` sees it (its own ballot only), if
    /// it speaks facilitation.
    fn send_facilitation(&self, peer: PeerId, out: &mut Outbox) {
        let Some(p) = self.peers.get(&peer).filter(|p| p.voter.is_some()) else {
            return;
        };
        let state = self
            .facilitation
            .state_for(p.voter.as_deref(), crate::store::now_ms());
        if let Ok(json) = serde_json::to_vec(&state) {
            out.push(
                Target::One(peer),
                Message::Custom(facilitation::STATE, json).encode_v1(),
            );
        }
    }

    /// A facilitation command from `peer`, checked against its role: a
    /// refusal is told to it alone (y-protocols' permission-denied).
    fn command(&mut self, peer: PeerId, data: &[u8], out: &mut Outbox) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        let command: Command = match serde_json::from_slice(data) {
            Ok(command) => command,
            Err(err) => {
                debug!(board = %self.id, peer, %err, "unreadable facilitation command");
                out.push(
                    Target::One(peer),
                    Message::Auth(Some(format!("unreadable command: {err}"))).encode_v1(),
                );
                return;
            }
        };
        let command = match command {
            Command::Hello { key } => {
                let key: String = key.chars().take(256).collect();
                let voter = self.rooms.keys.voter(&self.id, p.grant.role, &key);
                // One identity a connection: it cannot vote as many people.
                if p.voter.as_ref().is_some_and(|v| *v != voter) {
                    out.push(
                        Target::One(peer),
                        Message::Auth(Some("one hello a connection".into())).encode_v1(),
                    );
                    return;
                }
                p.voter = Some(voter.clone());
                self.send_facilitation(peer, out);
                if let Some(notes) = self.privates.get(&voter) {
                    out.push(
                        Target::One(peer),
                        Message::Custom(facilitation::PRIVATE, notes.clone()).encode_v1(),
                    );
                }
                return;
            }
            Command::Phase { script, index } => {
                let facilitator = p.grant.role == Role::Facilitator;
                self.enter_phase(peer, facilitator, &script, index, out);
                return;
            }
            // A ballot is the sender's own, whatever id the command names.
            Command::Vote { .. } | Command::Unvote { .. } if p.voter.is_none() => {
                out.push(
                    Target::One(peer),
                    Message::Auth(Some("say hello before voting".into())).encode_v1(),
                );
                return;
            }
            Command::Vote { id, .. } => Command::Vote {
                voter: p.voter.clone().unwrap_or_default(),
                id,
            },
            Command::Unvote { id, .. } => Command::Unvote {
                voter: p.voter.clone().unwrap_or_default(),
                id,
            },
            // Reactions: two a second at most from each peer, the rest dropped.
            Command::React { .. }
                if p.reacted
                    .is_some_and(|at| at.elapsed() < std::time::Duration::from_millis(500)) =>
            {
                return;
            }
            other => other,
        };
        if matches!(command, Command::React { .. }) {
            p.reacted = Some(Instant::now());
        }
        let (facilitator, writes) = (p.grant.role == Role::Facilitator, p.grant.role.writes());
        match self
            .facilitation
            .apply(command, facilitator, writes, crate::store::now_ms())
        {
            Ok(Outcome::Changed) => self.facilitation_changed = true,
            Ok(Outcome::Reveal) => self.reveal(out),
            Ok(Outcome::Same) => {}
            Ok(Outcome::React(reaction)) => {
                if let Ok(json) = serde_json::to_vec(&reaction) {
                    out.push(
                        Target::Facilitated,
                        Message::Custom(facilitation::REACTION, json).encode_v1(),
                    );
                }
            }
            Err(refused) => self.refuse_command(peer, refused, out),
        }
    }

    /// Tells `peer` alone why its command was refused.
    fn refuse_command(&self, peer: PeerId, refused: Refused, out: &mut Outbox) {
        self.rooms.metrics.access_refused.inc();
        let reason = match refused {
            Refused::NotFacilitator => crate::access::Refusal::NotFacilitator.to_string(),
            Refused::ReadOnly => crate::access::Refusal::ReadOnly.to_string(),
            Refused::Invalid(why) => why.to_owned(),
        };
        debug!(board = %self.id, peer, %reason, "facilitation command refused");
        out.push(Target::One(peer), Message::Auth(Some(reason)).encode_v1());
    }

    /// The facilitator steps to phase `index` of a workshop script: its
    /// timer, private mode, vote and locks take over (revealing private
    /// notes when the phase is not private), and the board is kept as a
    /// version named after the phase.
    fn enter_phase(
        &mut self,
        peer: PeerId,
        facilitator: bool,
        script: &str,
        index: u32,
        out: &mut Outbox,
    ) {
        if !facilitator {
            return self.refuse_command(peer, Refused::NotFacilitator, out);
        }
        let Some(script) = self
            .rooms
            .scripts
            .all()
            .iter()
            .find(|s| s.id == script)
            .cloned()
        else {
            return self.refuse_command(peer, Refused::Invalid("phase: unknown script"), out);
        };
        let (french, elements) = {
            let txn = self.awareness.doc().transact();
            (
                self.board.meta(&txn).lang == "fr",
                self.board.elements().all(&txn),
            )
        };
        let ids_of_kinds = |kinds: &[String]| {
            elements
                .into_iter()
                .filter(|e| kinds.iter().any(|k| k == e.kind.as_str()))
                .map(|e| e.id)
                .collect()
        };
        let now = crate::store::now_ms();
        match self
            .facilitation
            .enter_phase(&script, index as usize, now, ids_of_kinds)
        {
            Ok(reveal) => {
                if reveal {
                    self.reveal(out);
                }
                self.facilitation_changed = true;
                let name = script.phases[index as usize].name.get(french);
                let word = if french { "Étape" } else { "Phase" };
                self.version_due = Some(format!("{word} {} · {name}", index + 1));
                info!(board = %self.id, script = %script.id, index, "workshop phase");
            }
            Err(refused) => self.refuse_command(peer, refused, out),
        }
    }

    /// Private mode ends: every participant's private notes go onto the
    /// board (stored and sent to everyone like any update), each author's
    /// through the lock guard on its own: what touches a locked element is
    /// undone, and only that author's notes with it.
    fn reveal(&mut self, out: &mut Outbox) {
        self.facilitation.shown.private = false;
        for (voter, notes) in std::mem::take(&mut self.privates) {
            debug!(board = %self.id, %voter, bytes = notes.len(), "revealing private notes");
            if let Err(err) = self.change(&notes, Role::Editor, None, Target::All, out) {
                warn!(board = %self.id, %err, "private notes that do not apply");
            }
            self.privates_changed.insert(voter);
        }
        self.facilitation.shown.pooled = 0;
        self.facilitation_changed = true;
    }

    /// Replaces the document in memory by the stored one (after an update
    /// broke it), keeping everyone's awareness; what was built on the old
    /// document (answers, the lock guard, what was pending) goes with it.
    async fn reload(&mut self) -> Result<(), StoreError> {
        let stored = self.rooms.store.load(&self.id).await?;
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
        Ok(())
    }

    /// Answers `peer`'s SyncStep1 with what it lacks, from the shared
    /// encoding of the board when it lacks part of that. Every SyncStep1 is
    /// answered, in order, but a peer has one answer on its way at a time
    /// (the next waits until it is written out), at most [`MAX_ASKED`]
    /// waiting, and an answer goes only when its queue and the server's
    /// outgoing bytes have room for it: nobody makes the room encode or
    /// queue copies of the board at will.
    fn answer_step1(&mut self, peer: PeerId, sv: &StateVector, out: &mut Outbox) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        if p.asked >= MAX_ASKED {
            self.rooms.metrics.protocol_errors.inc();
            warn!(board = %self.id, peer, "SyncStep1 after SyncStep1 without reading the answers");
            return self.remove_peer(peer, Some(CloseReason::TooManyRequests), out);
        }
        p.asked += 1;
        self.deferred.push_back((peer, sv.clone()));
        self.answer_deferred(out);
    }

    /// Answers the SyncStep1 that wait, in order, while the server's
    /// outgoing bytes leave room for them: what peers make the server
    /// queue for them at once is bounded (`--max-outgoing-bytes`), and a
    /// flood waits instead of growing the server's memory.
    fn answer_deferred(&mut self, out: &mut Outbox) {
        let max = self.rooms.config.max_outgoing_bytes;
        let mut waiting = std::mem::take(&mut self.deferred);
        // Peers whose earlier request still waits: theirs stay in order.
        let mut held = HashSet::new();
        while let Some((peer, sv)) = waiting.pop_front() {
            let Some(p) = self.peers.get(&peer) else {
                continue;
            };
            if held.contains(&peer) || !p.answer_written() {
                held.insert(peer);
                self.deferred.push_back((peer, sv));
                continue;
            }
            // The board's encoding, if the peer lacks part of it, is what
            // it would be sent: it must fit before anything is encoded.
            let len = self.answers.full_len().unwrap_or(0);
            if len > p.out.room() {
                self.too_slow(peer, out);
                continue;
            }
            // What this batch queued is not counted by the peers' queues yet.
            let queued = self.rooms.outgoing.bytes() + out.answered;
            if queued > 0 && queued + len > max {
                self.rooms.metrics.sync_requests_deferred.inc();
                self.deferred.push_back((peer, sv));
                self.deferred.extend(waiting);
                return;
            }
            if let Some(p) = self.peers.get_mut(&peer) {
                p.asked -= 1;
                p.answering = true;
            }
            out.answered += self.answer_now(peer, &sv, out);
        }
    }

    /// Queues the answer to `peer`'s SyncStep1: its size in bytes.
    fn answer_now(&mut self, peer: PeerId, sv: &StateVector, out: &mut Outbox) -> usize {
        let mut frames = self.answers.answer(self.awareness.doc(), sv);
        let len = frames.iter().map(Bytes::len).sum();
        let last = frames.pop();
        for frame in frames {
            out.frames.push((Target::One(peer), frame));
        }
        if let Some(last) = last {
            out.frames.push((Target::Answer(peer), last));
        }
        len
    }

    /// An awareness update from `peer`: what it may set is applied (see
    /// `presence`), and forwarded to the others at the peer's rate, merged
    /// when it goes faster; a peer that floods is disconnected.
    fn awareness_from(&mut self, peer: PeerId, update: AwarenessUpdate, out: &mut Outbox) {
        use presence::{RECEIVE_BURST, RECEIVE_RATE};
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        if !p.presence.receive.take(RECEIVE_RATE, RECEIVE_BURST) {
            self.rooms.metrics.protocol_errors.inc();
            warn!(board = %self.id, peer, "awareness flood: disconnecting");
            return self.remove_peer(peer, Some(CloseReason::Flood), out);
        }
        let link = Link::of(&p.grant);
        let (kept, refused) = self.owners.filter(peer, link, &mut p.presence, update);
        if !refused.is_empty() {
            self.rooms
                .metrics
                .awareness_dropped
                .add(refused.len() as u64);
            debug!(board = %self.id, peer, ?refused, "awareness entries refused");
        }
        if kept.clients.is_empty() {
            return;
        }
        match self.awareness.apply_update_summary(kept) {
            Ok(Some(summary)) => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.presence.unsent.extend(summary.all_changes());
                }
                self.forward_presence(peer, out);
            }
            Ok(None) => {}
            Err(err) => {
                warn!(board = %self.id, peer, %err, "refusing an awareness update");
                self.remove_peer(peer, Some(CloseReason::Malformed), out);
            }
        }
    }

    /// Sends the others what changed of `peer`'s awareness, if its rate
    /// allows now; otherwise it goes when it does.
    fn forward_presence(&mut self, peer: PeerId, out: &mut Outbox) {
        use presence::{FORWARD_BURST, FORWARD_RATE};
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        if p.presence.unsent.is_empty() {
            return;
        }
        if !p.presence.forward.take(FORWARD_RATE, FORWARD_BURST) {
            let next = p.presence.forward.next(FORWARD_RATE);
            self.presence_due = Some(self.presence_due.map_or(next, |due| due.min(next)));
            return;
        }
        let clients: Vec<ClientID> = p.presence.unsent.drain().collect();
        match self.awareness.update_with_clients(clients) {
            Ok(update) => out.push(Target::AllBut(peer), protocol::awareness(update)),
            Err(err) => warn!(board = %self.id, ?err, "awareness to forward not found"),
        }
    }

    /// Disconnects a peer whose queue cannot take what it must be sent (it
    /// resyncs when it reconnects).
    fn too_slow(&mut self, peer: PeerId, out: &mut Outbox) {
        self.rooms.metrics.slow_peers.inc();
        warn!(board = %self.id, peer, "peer too slow, disconnecting");
        self.remove_peer(peer, Some(CloseReason::TooSlow), out);
    }

    /// Applies a change to the board from someone of role `author` (sent
    /// by `peer`, unless the server applies it, as at a reveal): stored,
    /// then sent to `to`. **Every change a client wrote reaches the board
    /// here**: updates, SyncStep2, private notes, reveals (restores and
    /// imports come as updates). While something is locked, a change from
    /// anyone but a facilitator goes through the lock guard: if it touches
    /// a locked element it is undone, everyone (its author too) gets the
    /// net, and the author is told why. Structs it leaves pending are
    /// counted and bounded (see `pending`). An error: the bytes are no
    /// update.
    fn change(
        &mut self,
        bytes: &[u8],
        author: Role,
        peer: Option<PeerId>,
        to: Target,
        out: &mut Outbox,
    ) -> Result<(), String> {
        protocol::check_update_v1(bytes).map_err(|e| e.to_string())?;
        let update = Update::decode_v1(bytes).map_err(|e| e.to_string())?;
        let doc = self.awareness.doc().clone();
        if protocol::overlaps_pending(&doc.transact(), &update) {
            return Err("an update that rewrites structs already waiting for theirs".into());
        }
        let guarded = author != Role::Facilitator && !self.facilitation.shown.locked.is_empty();
        // yrs can panic on crafted updates it decodes fine (fuzzing found
        // an integration that subtracts past zero): the panic stays here,
        // and the document, which it may have left half done, is dropped
        // with the room (see `poisoned`).
        let (board, locks, locked) = (
            &self.board,
            &mut self.locks,
            &self.facilitation.shown.locked,
        );
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if guarded {
                locks
                    .get_or_insert_with(|| crate::locks::LockGuard::new(&doc, board))
                    .apply(&doc, update, locked)
            } else {
                let mut txn = doc.transact_mut();
                txn.apply_update(update).map_err(|e| e.to_string())?;
                let changed = txn.encode_update_v1();
                // An update with no block and no deletion encodes as [0, 0].
                Ok(((changed != [0, 0]).then_some(changed), false))
            }
        }));
        let (changed, undone) = match applied {
            Ok(applied) => applied?,
            Err(_) => {
                self.poisoned = true;
                return Err("an update that breaks the document's integration".into());
            }
        };
        let holds_pending = doc.transact().has_missing_updates();
        let max_pending = self.rooms.config.max_pending_bytes;
        let verdict = self
            .pending
            .applied(peer, bytes.len(), holds_pending, max_pending);
        if let Some(update) = changed {
            self.answers.changed(update.len());
            // An undone change goes back to its author too.
            out.change(if undone { Target::All } else { to }, update);
        }
        if let (true, Some(peer)) = (undone, peer) {
            debug!(board = %self.id, peer, "a change to a locked element undone");
            self.rooms.metrics.access_refused.inc();
            out.push(
                Target::One(peer),
                Message::Auth(Some(
                    "locked: only the facilitator can change a locked element".into(),
                ))
                .encode_v1(),
            );
        }
        self.drop_pending(verdict, out);
        Ok(())
    }

    /// Drops what the board holds pending, when `verdict` says so, and
    /// disconnects the peers that sent it.
    fn drop_pending(&mut self, verdict: Verdict, out: &mut Outbox) {
        let Verdict::Drop(peers) = verdict else {
            return;
        };
        self.awareness.doc().transact_mut().prune_pending();
        self.rooms.metrics.pending_dropped.inc();
        warn!(board = %self.id, ?peers, "updates waiting for changes never received: dropped");
        for peer in peers {
            self.remove_peer(peer, Some(CloseReason::MissingDeps), out);
        }
    }

    /// A participant's private notes (a yrs update of their own document):
    /// kept apart and sent to nobody else while private mode is on; once it
    /// is off (they were offline at the reveal), they go onto the board.
    fn private_notes(&mut self, peer: PeerId, data: Vec<u8>, out: &mut Outbox) {
        let Some(p) = self.peers.get(&peer) else {
            return;
        };
        if !p.grant.role.writes() {
            return self.refuse_update(peer, &data, out);
        }
        let Some(voter) = p.voter.clone() else {
            out.push(
                Target::One(peer),
                Message::Auth(Some("say hello before private notes".into())).encode_v1(),
            );
            return;
        };
        if !self.facilitation.shown.private {
            debug!(board = %self.id, peer, bytes = data.len(), "private notes onto the board");
            let author = p.grant.role;
            if let Err(err) = self.change(&data, author, Some(peer), Target::All, out) {
                warn!(board = %self.id, peer, %err, "unreadable private notes");
                self.rooms.metrics.protocol_errors.inc();
                self.remove_peer(peer, Some(CloseReason::Malformed), out);
            }
            return;
        }
        if let Err(err) = protocol::check_update_v1(&data) {
            warn!(board = %self.id, peer, %err, "unreadable private notes");
            self.rooms.metrics.protocol_errors.inc();
            return self.remove_peer(peer, Some(CloseReason::Malformed), out);
        }
        let merged = match self.privates.get(&voter) {
            Some(old) => yrs::merge_updates_v1([old.as_slice(), data.as_slice()]),
            None => Update::decode_v1(&data).map(|_| data.clone()),
        };
        let refusal = match merged {
            Err(err) => {
                warn!(board = %self.id, peer, %err, "unreadable private notes");
                self.rooms.metrics.protocol_errors.inc();
                return self.remove_peer(peer, Some(CloseReason::Malformed), out);
            }
            Ok(m) if m.len() > MAX_PRIVATE_BYTES => Some("private notes: too many (1 MiB at most)"),
            Ok(_)
                if !self.privates.contains_key(&voter)
                    && self.privates.len() >= MAX_PRIVATE_AUTHORS =>
            {
                Some("private notes: too many participants")
            }
            Ok(merged) => {
                self.privates.insert(voter.clone(), merged);
                None
            }
        };
        if let Some(why) = refusal {
            return out.push(
                Target::One(peer),
                Message::Auth(Some(why.into())).encode_v1(),
            );
        }
        self.privates_changed.insert(voter.clone());
        let pooled = self.privates.len() as u32;
        if self.facilitation.shown.pooled != pooled {
            self.facilitation.shown.pooled = pooled;
            self.facilitation_changed = true;
        }
        // The author's other tabs see them too.
        let frame = Message::Custom(facilitation::PRIVATE, data).encode_v1();
        let others: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(id, o)| **id != peer && o.voter.as_deref() == Some(voter.as_str()))
            .map(|(id, _)| *id)
            .collect();
        for other in others {
            out.push(Target::One(other), frame.clone());
        }
    }

    /// A view-only peer sent an update: it is not applied nor relayed. The
    /// peer is told once (y-protocols' permission-denied message); an empty
    /// SyncStep2 (a viewer with nothing of its own) is no attempt.
    fn refuse_update(&mut self, peer: PeerId, bytes: &[u8], out: &mut Outbox) {
        let empty = protocol::check_update_v1(bytes).is_ok()
            && Update::decode_v1(bytes)
                .is_ok_and(|u| u.state_vector().is_empty() && u.delete_set().is_empty());
        if empty {
            return;
        }
        self.rooms.metrics.updates_refused.inc();
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        if !std::mem::replace(&mut p.told_read_only, true) {
            debug!(board = %self.id, peer, "update from a view-only link refused");
            out.push(
                Target::One(peer),
                Message::Auth(Some(crate::access::Refusal::ReadOnly.to_string())).encode_v1(),
            );
        }
    }

    /// Drops a peer (telling it why, when it did not leave by itself) and
    /// announces that the awareness states it had set are gone.
    fn remove_peer(&mut self, peer: PeerId, reason: Option<CloseReason>, out: &mut Outbox) {
        let Some(gone) = self.peers.remove(&peer) else {
            return;
        };
        self.pending.forget(peer);
        if let Some(reason) = reason {
            let _ = gone.close.send(reason);
        }
        if self.peers.is_empty() {
            self.empty_since = Some(tokio::time::Instant::now());
        }
        let clients = gone.presence.clients;
        if clients.is_empty() {
            return;
        }
        self.owners.release(&clients, Link::of(&gone.grant));
        for client in &clients {
            self.awareness.remove_state(*client);
        }
        match self.awareness.update_with_clients(clients) {
            Ok(update) => out.push(Target::All, protocol::awareness(update)),
            Err(err) => warn!(board = %self.id, ?err, "could not announce departed awareness"),
        }
    }

    /// Queues each frame to its peers; peers whose queue is full are
    /// disconnected, and their departure is delivered in turn.
    fn deliver(&mut self, mut out: Outbox) {
        let metrics = self.rooms.metrics.clone();
        while !out.frames.is_empty() {
            let mut too_slow = Vec::new();
            for (target, frame) in out.frames.drain(..) {
                let mut send = |id: PeerId, peer: &Peer| match peer.out.try_send(&frame) {
                    Ok(()) => {
                        metrics.frames_out.inc();
                        metrics.bytes_out.add(frame.len() as u64);
                    }
                    Err(crate::queue::Refused::Full) => too_slow.push(id),
                    // Its connection ended; its Leave is on the way.
                    Err(crate::queue::Refused::Closed) => {}
                };
                match target {
                    Target::One(id) => {
                        if let Some(peer) = self.peers.get(&id) {
                            send(id, peer);
                        }
                    }
                    Target::Answer(id) => {
                        if let Some(peer) = self.peers.get_mut(&id) {
                            send(id, peer);
                            peer.answering = false;
                            peer.answered = peer.out.position();
                        }
                    }
                    Target::AllBut(origin) => {
                        for (id, peer) in &self.peers {
                            if *id != origin {
                                send(*id, peer);
                            }
                        }
                    }
                    Target::All => {
                        for (id, peer) in &self.peers {
                            send(*id, peer);
                        }
                    }
                    Target::Facilitated => {
                        for (id, peer) in self.peers.iter().filter(|(_, p)| p.voter.is_some()) {
                            send(*id, peer);
                        }
                    }
                }
            }
            too_slow.sort_unstable();
            too_slow.dedup();
            for id in too_slow {
                self.too_slow(id, &mut out);
            }
        }
    }

    fn maybe_compact(&mut self) {
        let running = self.compaction.as_ref().is_some_and(|c| !c.is_finished());
        if running || self.log_len < self.rooms.config.compact_after {
            return;
        }
        let (snapshot, upto) = self.snapshot();
        let (store, metrics, id) = (
            self.rooms.store.clone(),
            self.rooms.metrics.clone(),
            self.id.clone(),
        );
        self.log_len = 0;
        self.compaction = Some(tokio::spawn(async move {
            match store.compact(&id, snapshot, upto).await {
                Ok(()) => metrics.compactions.inc(),
                Err(err) => {
                    metrics.store_errors.inc();
                    warn!(board = %id, ?err, "compaction failed; the log stays as it is");
                }
            }
        }));
    }

    async fn compact_now(&mut self) {
        let (snapshot, upto) = self.snapshot();
        match self.rooms.store.compact(&self.id, snapshot, upto).await {
            Ok(()) => {
                self.rooms.metrics.compactions.inc();
                self.log_len = 0;
            }
            Err(err) => warn!(board = %self.id, ?err, "compaction failed"),
        }
    }

    /// The whole document as one update, and the last stored seq it covers.
    fn snapshot(&self) -> (Vec<u8>, i64) {
        let txn = self.awareness.doc().transact();
        (txn.encode_diff_v1(&StateVector::default()), self.last_seq)
    }
}

/// Resolves at `deadline`, or never.
pub(crate) async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, GetString, Text};

    fn edit(doc: &Doc, text: &str) -> Vec<u8> {
        let t = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        let len = t.len(&txn);
        t.insert(&mut txn, len, text);
        txn.encode_update_v1()
    }

    fn update_of(frame: &Bytes) -> Vec<u8> {
        match Message::decode_v1(frame).expect("a message") {
            Message::Sync(SyncMessage::Update(update)) => update,
            other => panic!("not an update: {other:?}"),
        }
    }

    #[test]
    fn one_change_goes_to_its_target_in_its_place() {
        let doc = Doc::new();
        let mut out = Outbox::default();
        out.push(Target::One(1), vec![1]);
        out.change(Target::AllBut(7), edit(&doc, "a"));
        out.push(Target::One(2), vec![2]);
        let stored = out.seal();
        assert_eq!(stored.len(), 1);
        assert_eq!(out.frames.len(), 3);
        assert!(matches!(out.frames[1].0, Target::AllBut(7)));
        assert_eq!(update_of(&out.frames[1].1), stored[0]);
    }

    #[test]
    fn a_batch_of_changes_goes_out_as_one_merged_update_to_everyone() {
        let (a, b) = (Doc::with_client_id(1), Doc::with_client_id(2));
        let mut out = Outbox::default();
        out.push(Target::One(1), vec![1]);
        out.change(Target::AllBut(1), edit(&a, "left "));
        out.push(Target::One(2), vec![2]);
        out.change(Target::AllBut(2), edit(&b, "right"));
        out.change(Target::AllBut(1), edit(&a, "more"));
        let stored = out.seal();
        assert_eq!(stored.len(), 1, "one row for the batch");
        assert_eq!(out.frames.len(), 3, "one frame for the three changes");
        assert!(matches!(out.frames[1].0, Target::All));
        let merged = update_of(&out.frames[1].1);
        assert_eq!(merged, stored[0]);
        // A client that has none of it gets all of it.
        let c = Doc::new();
        let t = c.get_or_insert_text("t");
        c.transact_mut()
            .apply_update(Update::decode_v1(&merged).unwrap())
            .unwrap();
        let text = t.get_string(&c.transact());
        assert!(
            text.contains("left more") && text.contains("right"),
            "{text}"
        );
    }

    #[test]
    fn a_batch_without_changes_stores_nothing() {
        let mut out = Outbox::default();
        out.push(Target::All, vec![1]);
        assert!(out.seal().is_empty());
        assert_eq!(out.frames.len(), 1);
    }
}
