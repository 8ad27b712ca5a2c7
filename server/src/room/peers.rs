//! The peers of a room: what the room keeps of each connection (its
//! grant, its queue, its answers in flight, its identity), how one joins
//! and how one leaves.

use super::*;

/// One connection on the board, as the room keeps it.
pub(super) struct Peer {
    /// What its link lets it do.
    pub(super) grant: Grant,
    /// Who it votes as: it said hello, so it speaks facilitation (other
    /// Yjs clients are never sent these custom messages).
    pub(super) voter: Option<String>,
    /// When it last sent a reaction (they are rate-limited).
    pub(super) reacted: Option<Instant>,
    /// It was told once that its updates are refused.
    pub(super) told_read_only: bool,
    pub(super) out: crate::queue::Sender,
    pub(super) close: oneshot::Sender<CloseReason>,
    /// Its awareness: the client ids it holds (removed when it leaves),
    /// what waits to be forwarded, its rates.
    pub(super) presence: PeerPresence,
    /// Its SyncStep1 waiting in the room's `deferred`.
    pub(super) asked: usize,
    /// An answer to its SyncStep1 is in this batch's outbox.
    pub(super) answering: bool,
    /// The queue position of its last answer: the next waits until that
    /// is written out.
    pub(super) answered: u64,
}

impl Peer {
    /// Whether its last answer is out of the way (the next may go).
    pub(super) fn answer_written(&self) -> bool {
        !self.answering && self.out.written(self.answered)
    }
}

impl Room {
    pub(super) fn join(
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

    /// Drops a peer (telling it why, when it did not leave by itself) and
    /// announces that the awareness states it had set are gone.
    pub(super) fn remove_peer(
        &mut self,
        peer: PeerId,
        reason: Option<CloseReason>,
        out: &mut Outbox,
    ) {
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
        let ids: Vec<ClientID> = clients.iter().copied().collect();
        self.presence_changed(&ids);
        for client in &clients {
            self.awareness.remove_state(*client);
        }
        match self.awareness.update_with_clients(clients) {
            Ok(update) => out.push(Target::All, protocol::awareness(update)),
            Err(err) => warn!(board = %self.id, ?err, "could not announce departed awareness"),
        }
    }
}
