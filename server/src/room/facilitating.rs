//! The room's facilitation: the commands peers send as custom messages
//! (hello, timer, follow, votes, locks, phases, private mode), the state
//! each peer is sent (with its own ballot), and private notes, kept per
//! author and applied to the board at the reveal.

use super::*;

impl Room {
    /// The facilitation state as `peer` sees it (its own ballot only), if
    /// it speaks facilitation.
    pub(super) fn send_facilitation(&self, peer: PeerId, out: &mut Outbox) {
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
    pub(super) fn command(&mut self, peer: PeerId, data: &[u8], out: &mut Outbox) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        let command: Command = match serde_json::from_slice(data) {
            Ok(command) => command,
            Err(err) => {
                debug!(board = %self.id, peer, %err, "unreadable facilitation command");
                out.push(
                    Target::One(peer),
                    Message::Auth(Some(Notice::UnreadableCommand.wire())).encode_v1(),
                );
                return;
            }
        };
        let command = match command {
            Command::Hello { key } => {
                let key: String = key.chars().take(256).collect();
                let voter = self.ctx.keys.voter(&self.id, p.grant.role, &key);
                // One identity a connection: it cannot vote as many people.
                if p.voter.as_ref().is_some_and(|v| *v != voter) {
                    out.push(
                        Target::One(peer),
                        Message::Auth(Some(Notice::OneHello.wire())).encode_v1(),
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
                    Message::Auth(Some(Notice::HelloBeforeVoting.wire())).encode_v1(),
                );
                return;
            }
            // A vote goes on what the open vote takes (notes, clusters).
            Command::Vote { id, .. } => {
                let kind = self
                    .board
                    .elements()
                    .get(&self.awareness.doc().transact(), &id)
                    .map(|e| e.kind);
                let vote = self.facilitation.shown.vote.as_ref().filter(|v| v.open);
                if let (Some(vote), Some(kind)) = (vote, &kind)
                    && !vote.takes(kind.as_str())
                {
                    return self.refuse_command(
                        peer,
                        Refused::Invalid(Notice::VoteNotInScope),
                        out,
                    );
                }
                Command::Vote {
                    voter: p.voter.clone().unwrap_or_default(),
                    id,
                }
            }
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
        let role = p.grant.role;
        match self
            .facilitation
            .apply(command, role, crate::store::now_ms())
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
    pub(super) fn refuse_command(&self, peer: PeerId, refused: Refused, out: &mut Outbox) {
        self.ctx.metrics.access_refused.inc();
        let reason = match refused {
            Refused::NotFacilitator => Notice::NotFacilitator,
            Refused::ReadOnly => Notice::ReadOnly,
            Refused::Invalid(why) => why,
        }
        .wire();
        debug!(board = %self.id, peer, %reason, "facilitation command refused");
        out.push(Target::One(peer), Message::Auth(Some(reason)).encode_v1());
    }

    /// The facilitator steps to phase `index` of a workshop script: its
    /// timer, private mode, vote and locks take over (revealing private
    /// notes when the phase is not private), and the board is kept as a
    /// version named after the phase.
    pub(super) fn enter_phase(
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
            .ctx
            .scripts
            .all()
            .iter()
            .find(|s| s.id == script)
            .cloned()
        else {
            return self.refuse_command(peer, Refused::Invalid(Notice::UnknownScript), out);
        };
        let elements = self.board.elements().all(&self.awareness.doc().transact());
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
                // Named in both languages: each reader sees theirs.
                let name = &script.phases[index as usize].name;
                self.version_due = Some(atelier_shared::history::phase_version_name(index, name));
                info!(board = %self.id, script = %script.id, index, "workshop phase");
            }
            Err(refused) => self.refuse_command(peer, refused, out),
        }
    }

    /// Private mode ends: every participant's private notes go onto the
    /// board (stored and sent to everyone like any update), each author's
    /// through the lock guard on its own: what touches a locked element is
    /// undone, and only that author's notes with it.
    pub(super) fn reveal(&mut self, out: &mut Outbox) {
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

    /// A participant's private notes (a yrs update of their own document):
    /// kept apart and sent to nobody else while private mode is on; once it
    /// is off (they were offline at the reveal), they go onto the board.
    pub(super) fn private_notes(&mut self, peer: PeerId, data: Vec<u8>, out: &mut Outbox) {
        let Some(p) = self.peers.get(&peer) else {
            return;
        };
        if !p.grant.role.writes() {
            return self.refuse_update(peer, &data, out);
        }
        let Some(voter) = p.voter.clone() else {
            out.push(
                Target::One(peer),
                Message::Auth(Some(Notice::HelloBeforePrivate.wire())).encode_v1(),
            );
            return;
        };
        if !self.facilitation.shown.private {
            debug!(board = %self.id, peer, bytes = data.len(), "private notes onto the board");
            let author = p.grant.role;
            if let Err(err) = self.change(&data, author, Some(peer), Target::All, out) {
                warn!(board = %self.id, peer, %err, "unreadable private notes");
                self.ctx.metrics.protocol_errors.inc();
                self.remove_peer(peer, Some(CloseReason::Malformed), out);
            }
            return;
        }
        if let Err(err) = protocol::check_update_v1(&data) {
            warn!(board = %self.id, peer, %err, "unreadable private notes");
            self.ctx.metrics.protocol_errors.inc();
            return self.remove_peer(peer, Some(CloseReason::Malformed), out);
        }
        let merged = match self.privates.get(&voter) {
            Some(old) => yrs::merge_updates_v1([old.as_slice(), data.as_slice()]),
            None => Update::decode_v1(&data).map(|_| data.clone()),
        };
        let refusal = match merged {
            Err(err) => {
                warn!(board = %self.id, peer, %err, "unreadable private notes");
                self.ctx.metrics.protocol_errors.inc();
                return self.remove_peer(peer, Some(CloseReason::Malformed), out);
            }
            Ok(m) if m.len() > MAX_PRIVATE_BYTES => Some(Notice::PrivateTooBig),
            Ok(_)
                if !self.privates.contains_key(&voter)
                    && self.privates.len() >= MAX_PRIVATE_AUTHORS =>
            {
                Some(Notice::PrivateTooMany)
            }
            Ok(merged) => {
                self.privates.insert(voter.clone(), merged);
                None
            }
        };
        if let Some(why) = refusal {
            return out.push(
                Target::One(peer),
                Message::Auth(Some(why.wire())).encode_v1(),
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
}
