//! What a batch sends: its frames, each for some peers, and its changes to
//! the board, merged into one update that takes the place of the first
//! (`Outbox`); delivered to the peers' queues once the batch is stored
//! (`Room::deliver`).

use super::*;

pub(super) enum Target {
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
pub(super) struct Outbox {
    pub(super) frames: Vec<(Target, Bytes)>,
    /// The batch's changes to the board, in order (v1 updates).
    pub(super) changes: Vec<Vec<u8>>,
    /// Where the batch's changes go out among `frames`, and to whom when
    /// there is just one.
    pub(super) changes_at: Option<(usize, Target)>,
    /// Bytes of the answers to SyncStep1 among `frames`.
    pub(super) answered: usize,
}

impl Outbox {
    pub(super) fn push(&mut self, target: Target, frame: Vec<u8>) {
        self.frames.push((target, Bytes::from(frame)));
    }

    /// A change to the board: stored, then sent to `target`. The changes
    /// of one batch go out as one update, in the place of the first.
    pub(super) fn change(&mut self, target: Target, update: Vec<u8>) {
        if self.changes_at.is_none() {
            self.changes_at = Some((self.frames.len(), target));
            self.frames.push((Target::All, Bytes::new()));
        }
        self.changes.push(update);
    }

    /// The batch's changes, to store: one update, merged when there are
    /// several, its frame in the place of the first change.
    pub(super) fn seal(&mut self) -> Vec<Vec<u8>> {
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

impl Room {
    /// Queues each frame to its peers; peers whose queue is full are
    /// disconnected, and their departure is delivered in turn.
    pub(super) fn deliver(&mut self, mut out: Outbox) {
        let metrics = self.ctx.metrics.clone();
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
