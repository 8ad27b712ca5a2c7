//! Awareness through the room: each update checked against the presence
//! rules (`presence.rs`) and forwarded at the sender's rate, merged beyond.

use super::*;

impl Room {
    /// An awareness update from `peer`: what it may set is applied (see
    /// `presence`), and forwarded to the others at the peer's rate, merged
    /// when it goes faster; a peer that floods is disconnected.
    pub(super) fn awareness_from(
        &mut self,
        peer: PeerId,
        update: AwarenessUpdate,
        out: &mut Outbox,
    ) {
        use presence::{RECEIVE_BURST, RECEIVE_RATE};
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        if !p.presence.receive.take(RECEIVE_RATE, RECEIVE_BURST) {
            self.ctx.metrics.protocol_errors.inc();
            warn!(board = %self.id, peer, "awareness flood: disconnecting");
            return self.remove_peer(peer, Some(CloseReason::Flood), out);
        }
        let link = Link::of(&p.grant);
        let (kept, refused) = self.owners.filter(peer, link, &mut p.presence, update);
        if !refused.is_empty() {
            self.ctx.metrics.awareness_dropped.add(refused.len() as u64);
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
    pub(super) fn forward_presence(&mut self, peer: PeerId, out: &mut Outbox) {
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
        self.presence_changed(&clients);
        match self.awareness.update_with_clients(clients) {
            Ok(update) => out.push(Target::AllBut(peer), protocol::awareness(update)),
            Err(err) => warn!(board = %self.id, ?err, "awareness to forward not found"),
        }
    }
}
