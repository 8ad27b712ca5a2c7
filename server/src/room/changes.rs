//! How changes reach the board and peers get it: answers to SyncStep1
//! (from the shared encoding, one at a time per peer, within the server's
//! outgoing bytes), and `change`, the one path every update a client
//! writes takes onto the board (lock guard, pending bound, contained yrs
//! panics).

use super::*;
use crate::locks::Unapplied;

impl Room {
    /// Answers `peer`'s SyncStep1 with what it lacks, from the shared
    /// encoding of the board when it lacks part of that. Every SyncStep1 is
    /// answered, in order, but a peer has one answer on its way at a time
    /// (the next waits until it is written out), at most [`MAX_ASKED`]
    /// waiting, and an answer goes only when its queue and the server's
    /// outgoing bytes have room for it: nobody makes the room encode or
    /// queue copies of the board at will.
    pub(super) fn answer_step1(&mut self, peer: PeerId, sv: &StateVector, out: &mut Outbox) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        if p.asked >= MAX_ASKED {
            self.ctx.metrics.protocol_errors.inc();
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
    pub(super) fn answer_deferred(&mut self, out: &mut Outbox) {
        let max = self.ctx.config.max_outgoing_bytes;
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
            let queued = self.ctx.outgoing.bytes() + out.answered;
            if queued > 0 && queued + len > max {
                self.ctx.metrics.sync_requests_deferred.inc();
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
    pub(super) fn answer_now(&mut self, peer: PeerId, sv: &StateVector, out: &mut Outbox) -> usize {
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
    pub(super) fn change(
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
        // with the room (see `poisoned`). So is a document the update left
        // unreadable (a string in a list, see `commit_readable`): it is
        // read back from the store, which never got the update.
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
                txn.apply_update(update)
                    .map_err(|e| Unapplied::Refused(e.to_string()))?;
                let changed = txn.encode_update_v1();
                if !protocol::commit_readable(&mut txn) {
                    return Err(Unapplied::Unreadable);
                }
                // An update with no block and no deletion encodes as [0, 0].
                Ok(((changed != [0, 0]).then_some(changed), false))
            }
        }));
        let (changed, undone) = match applied {
            Ok(Ok(applied)) => applied,
            Ok(Err(Unapplied::Refused(why))) => return Err(why),
            Ok(Err(Unapplied::Unreadable)) => {
                self.poisoned = true;
                return Err("an update that puts text in a list".into());
            }
            Err(_) => {
                self.poisoned = true;
                return Err("an update that breaks the document's integration".into());
            }
        };
        let holds_pending = doc.transact().has_missing_updates();
        let max_pending = self.ctx.config.max_pending_bytes;
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
            self.ctx.metrics.access_refused.inc();
            out.push(
                Target::One(peer),
                Message::Auth(Some(Notice::Locked.wire())).encode_v1(),
            );
        }
        self.drop_pending(verdict, out);
        Ok(())
    }

    /// Drops what the board holds pending, when `verdict` says so, and
    /// disconnects the peers that sent it.
    pub(super) fn drop_pending(&mut self, verdict: Verdict, out: &mut Outbox) {
        let Verdict::Drop(peers) = verdict else {
            return;
        };
        self.awareness.doc().transact_mut().prune_pending();
        self.ctx.metrics.pending_dropped.inc();
        warn!(board = %self.id, ?peers, "updates waiting for changes never received: dropped");
        for peer in peers {
            self.remove_peer(peer, Some(CloseReason::MissingDeps), out);
        }
    }

    /// A view-only peer sent an update: it is not applied nor relayed. The
    /// peer is told once (y-protocols' permission-denied message); an empty
    /// SyncStep2 (a viewer with nothing of its own) is no attempt.
    pub(super) fn refuse_update(&mut self, peer: PeerId, bytes: &[u8], out: &mut Outbox) {
        let empty = protocol::check_update_v1(bytes).is_ok()
            && Update::decode_v1(bytes)
                .is_ok_and(|u| u.state_vector().is_empty() && u.delete_set().is_empty());
        if empty {
            return;
        }
        self.ctx.metrics.updates_refused.inc();
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        if !std::mem::replace(&mut p.told_read_only, true) {
            debug!(board = %self.id, peer, "update from a view-only link refused");
            out.push(
                Target::One(peer),
                Message::Auth(Some(Notice::ReadOnly.wire())).encode_v1(),
            );
        }
    }

    /// Disconnects a peer whose queue cannot take what it must be sent (it
    /// resyncs when it reconnects).
    pub(super) fn too_slow(&mut self, peer: PeerId, out: &mut Outbox) {
        self.ctx.metrics.slow_peers.inc();
        warn!(board = %self.id, peer, "peer too slow, disconnecting");
        self.remove_peer(peer, Some(CloseReason::TooSlow), out);
    }
}
