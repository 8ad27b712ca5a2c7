//! Answers to SyncStep1, without letting anyone make the room re-encode
//! the whole board at will.
//!
//! The whole board is encoded once (a SyncStep2 frame every peer that
//! needs it shares) and kept across changes until they outweigh it: a
//! peer that lacks part of that encoding (a joiner, a reconnecting
//! browser, a state vector from nowhere) gets the changes made since
//! (encoded once too, until the next change) and then the encoding; it
//! holds the changes pending until the encoding they build on arrives. Only a
//! peer that holds everything the encoding holds gets a diff of its own,
//! and what that diff holds is what changed since the encoding.

use bytes::Bytes;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact};

use atelier_shared::protocol;

/// Changed bytes below which the whole-board encoding is kept, however
/// small the board.
const KEEP_BELOW: usize = 64 * 1024;

#[derive(Default)]
pub(super) struct Answers {
    /// The whole board as a SyncStep2 frame, and the state it holds.
    full: Option<(StateVector, Bytes)>,
    /// What changed since `full`, as an update frame (until the next change).
    since: Option<Bytes>,
    /// The answer to a peer that has everything (until the next change):
    /// what most of the SyncStep1 of a live board call for.
    current: Option<Bytes>,
    /// Bytes of changes applied since `full` was encoded.
    changed: usize,
}

impl Answers {
    /// The board changed by an update of `bytes` bytes.
    pub(super) fn changed(&mut self, bytes: usize) {
        self.changed = self.changed.saturating_add(bytes.max(1));
        self.since = None;
        self.current = None;
    }

    /// The size of the whole-board answer, if it is encoded: what a peer
    /// that lacks it will be sent.
    pub(super) fn full_len(&self) -> Option<usize> {
        self.full.as_ref().map(|(_, frame)| frame.len())
    }

    /// The frames that bring a peer at `sv` level with `doc`.
    pub(super) fn answer(&mut self, doc: &Doc, sv: &StateVector) -> Vec<Bytes> {
        let txn = doc.transact();
        if !sv.is_empty() && covers(sv, &txn.state_vector()) {
            let current = self.current.get_or_insert_with(|| {
                let diff = txn.encode_diff_v1(sv);
                Message::Sync(SyncMessage::SyncStep2(diff))
                    .encode_v1()
                    .into()
            });
            return vec![current.clone()];
        }
        // Renewed first: what a peer lacks beyond it stays small.
        let stale = self
            .full
            .as_ref()
            .is_some_and(|(_, frame)| self.changed > KEEP_BELOW.max(frame.len() / 4));
        if self.full.is_none() || stale {
            let state = txn.encode_diff_v1(&StateVector::default());
            let frame = Message::Sync(SyncMessage::SyncStep2(state)).encode_v1();
            self.full = Some((txn.state_vector(), frame.into()));
            self.since = None;
            self.changed = 0;
        }
        let Some((held, full)) = &self.full else {
            return Vec::new();
        };
        if !sv.is_empty() && covers(sv, held) {
            let diff = txn.encode_diff_v1(sv);
            return vec![
                Message::Sync(SyncMessage::SyncStep2(diff))
                    .encode_v1()
                    .into(),
            ];
        }
        // What changed since goes first: a client applies it as soon as
        // the encoding arrives, so the SyncStep2 it takes for "synced"
        // leaves it with the whole board (y-websocket's `synced` event).
        let mut frames = Vec::with_capacity(2);
        if self.changed > 0 {
            let since = self
                .since
                .get_or_insert_with(|| protocol::update(txn.encode_diff_v1(held)).into());
            frames.push(since.clone());
        }
        frames.push(full.clone());
        frames
    }
}

/// Whether a peer at `sv` holds everything `held` does.
fn covers(sv: &StateVector, held: &StateVector) -> bool {
    held.iter().all(|(client, clock)| sv.get(client) >= *clock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::decoder::Decode;
    use yrs::{GetString, Text, Update};

    fn write(doc: &Doc, text: &str) -> usize {
        let t = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        let len = t.len(&txn);
        t.insert(&mut txn, len, text);
        txn.encode_update_v1().len()
    }

    /// What a peer that starts from `sv` of `peer` has after the frames.
    fn receive(peer: &Doc, frames: &[Bytes]) -> String {
        for frame in frames {
            let update = match Message::decode_v1(frame).unwrap() {
                Message::Sync(SyncMessage::SyncStep2(u) | SyncMessage::Update(u)) => u,
                other => panic!("{other:?}"),
            };
            peer.transact_mut()
                .apply_update(Update::decode_v1(&update).unwrap())
                .unwrap();
        }
        let t = peer.get_or_insert_text("t");
        t.get_string(&peer.transact())
    }

    #[test]
    fn joiners_share_one_encoding_across_changes() {
        let doc = Doc::with_client_id(1);
        write(&doc, "hello");
        let mut answers = Answers::default();
        let first = answers.answer(&doc, &StateVector::default());
        assert_eq!(first.len(), 1);
        let n = write(&doc, " world");
        answers.changed(n);
        let second = answers.answer(&doc, &StateVector::default());
        assert_eq!(second.len(), 2, "what changed since, then the encoding");
        assert_eq!(second[1].as_ptr(), first[0].as_ptr(), "the same bytes");
        let third = answers.answer(&doc, &StateVector::default());
        assert_eq!(third[0].as_ptr(), second[0].as_ptr(), "the change too");
        // The change first, waiting, then the encoding: all of it.
        assert_eq!(receive(&Doc::with_client_id(2), &second), "hello world");
    }

    #[test]
    fn a_state_vector_older_than_the_encoding_gets_the_encoding() {
        let doc = Doc::with_client_id(1);
        write(&doc, "a");
        let mut answers = Answers::default();
        let first = answers.answer(&doc, &StateVector::default());
        write(&doc, "b");
        answers.changed(1);
        // A state vector naming other clients at high clocks still lacks
        // what the encoding holds: it gets the shared bytes.
        let mut forged = StateVector::default();
        forged.set_max(yrs::block::ClientID::new(77), 1 << 30);
        let answer = answers.answer(&doc, &forged);
        assert_eq!(answer.last().unwrap().as_ptr(), first[0].as_ptr());
    }

    #[test]
    fn an_up_to_date_peer_gets_only_what_changed() {
        let doc = Doc::with_client_id(1);
        write(&doc, &"x".repeat(10_000));
        let mut answers = Answers::default();
        let full = answers.answer(&doc, &StateVector::default());
        let peer = Doc::with_client_id(2);
        receive(&peer, &full);
        let n = write(&doc, "y");
        answers.changed(n);
        let sv = peer.transact().state_vector();
        let diff = answers.answer(&doc, &sv);
        assert_eq!(diff.len(), 1);
        assert!(diff[0].len() < 100, "{} bytes", diff[0].len());
        assert!(receive(&peer, &diff).ends_with("xy"));
    }

    #[test]
    fn a_peer_that_holds_an_old_encoding_gets_a_new_one_not_a_diff_of_its_own() {
        let doc = Doc::with_client_id(1);
        let mut answers = Answers::default();
        // Encoded while the board was empty: everyone "holds" it.
        answers.answer(&doc, &StateVector::default());
        let n = write(&doc, &"q".repeat(4 * KEEP_BELOW));
        answers.changed(n);
        let mut forged = StateVector::default();
        forged.set_max(yrs::block::ClientID::new(9), 1);
        let first = answers.answer(&doc, &forged);
        let second = answers.answer(&doc, &forged);
        assert_eq!(first.len(), 1);
        assert_eq!(
            first[0].as_ptr(),
            second[0].as_ptr(),
            "one encoding for both"
        );
    }

    #[test]
    fn peers_that_have_everything_share_one_answer_until_the_next_change() {
        let doc = Doc::with_client_id(1);
        write(&doc, "all");
        let mut answers = Answers::default();
        let sv = doc.transact().state_vector();
        let a = answers.answer(&doc, &sv);
        let b = answers.answer(&doc, &sv);
        assert_eq!(a[0].as_ptr(), b[0].as_ptr());
        let n = write(&doc, " more");
        answers.changed(n);
        let c = answers.answer(&doc, &doc.transact().state_vector());
        assert_ne!(c[0].as_ptr(), a[0].as_ptr());
    }

    #[test]
    fn the_encoding_is_renewed_once_changes_outweigh_it() {
        let doc = Doc::with_client_id(1);
        write(&doc, "start");
        let mut answers = Answers::default();
        let first = answers.answer(&doc, &StateVector::default());
        let n = write(&doc, &"z".repeat(KEEP_BELOW + 1));
        answers.changed(n);
        let renewed = answers.answer(&doc, &StateVector::default());
        assert_eq!(renewed.len(), 1);
        assert_ne!(renewed[0].as_ptr(), first[0].as_ptr());
    }
}
