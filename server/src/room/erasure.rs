//! Erasing an interviewee from a board, or redacting a span of a note
//! ([`Scrub`]): the document (their notes and every citation of them, or
//! the span, sent to everyone like any change), each participant's
//! private notes, the stored log (compacted at once, so no row keeps what
//! was said), and every version. A dry run counts.

use atelier_shared::erase::{Erased, Scrub};
use yrs::Doc;

use super::*;

/// An erasure asked of the room: what, whether to do it or only count,
/// and where the answer goes.
pub(crate) struct Erasure {
    pub what: Scrub,
    pub apply: bool,
    pub done: oneshot::Sender<Result<Erased, StoreError>>,
}

/// `state` (a whole document) read into a document of its own, or `None`
/// if it does not read.
fn doc_of_state(state: &[u8]) -> Option<Doc> {
    protocol::check_update_v1(state).ok()?;
    let update = Update::decode_v1(state).ok()?;
    let doc = Doc::new();
    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut txn = doc.transact_mut();
        txn.apply_update(update).is_ok() && protocol::commit_readable(&mut txn)
    }));
    applied.unwrap_or(false).then_some(doc)
}

/// Counts, or erases from, one whole document held as bytes; the bytes
/// rewritten when something was erased.
fn in_state(state: &[u8], what: &Scrub, apply: bool) -> (Erased, Option<Vec<u8>>) {
    let Some(doc) = doc_of_state(state) else {
        return (Erased::default(), None);
    };
    let board = Board::new(&doc);
    if !apply {
        return (what.count(&doc.transact(), &board), None);
    }
    let erased = what.apply(&mut doc.transact_mut(), &board);
    let rewritten = (!erased.is_empty()).then(|| {
        doc.transact()
            .encode_state_as_update_v1(&StateVector::default())
    });
    (erased, rewritten)
}

impl Room {
    /// The part of an erasure done in memory, within the batch: the
    /// document (the change goes out with the batch, stored first) and
    /// the private notes (stored after the batch).
    pub(super) fn erase_in_memory(&mut self, erasure: &Erasure, out: &mut Outbox) -> Erased {
        let what = &erasure.what;
        let doc = self.awareness.doc().clone();
        let mut erased = if erasure.apply {
            let mut txn = doc.transact_mut();
            let erased = what.apply(&mut txn, &self.board);
            let update = txn.encode_update_v1();
            drop(txn);
            if !erased.is_empty() {
                self.answers.changed(update.len());
                out.change(Target::All, update);
            }
            erased
        } else {
            what.count(&doc.transact(), &self.board)
        };
        for (voter, notes) in self.privates.iter_mut() {
            let (found, rewritten) = in_state(notes, what, erasure.apply);
            if let Some(rewritten) = rewritten {
                *notes = rewritten;
                self.privates_changed.insert(voter.clone());
            }
            erased = erased + found;
        }
        erased
    }

    /// The part of an erasure done in the store, once the batch holding
    /// the document's change is stored: the log compacted into the
    /// document as it now is, every version counted or rewritten, and
    /// the store scrubbed.
    pub(super) async fn erase_stored(
        &mut self,
        erasure: &Erasure,
        mut erased: Erased,
    ) -> Result<Erased, StoreError> {
        let store = self.ctx.store.clone();
        if erasure.apply {
            // A compaction under way holds an older snapshot: it ends
            // first, then the log is replaced by the erased document.
            if let Some(running) = self.compaction.take() {
                let _ = running.await;
            }
            let (snapshot, upto) = self.snapshot();
            store.compact(&self.id, snapshot, upto).await?;
            self.log_len = 0;
        }
        for version in store.versions(&self.id).await? {
            let Some(state) = store.version(&self.id, version.id).await? else {
                continue;
            };
            let (found, rewritten) = in_state(&state, &erasure.what, erasure.apply);
            if !found.is_empty() {
                erased.versions += 1;
            }
            if let Some(rewritten) = rewritten {
                store
                    .replace_version(&self.id, version.id, rewritten)
                    .await?;
            }
        }
        if erasure.apply {
            store.scrub().await?;
            let what = match &erasure.what {
                Scrub::Interviewee(_) => "an interviewee erased",
                Scrub::Span { .. } => "a span of a note redacted",
            };
            info!(
                board = %self.id,
                notes = erased.notes,
                citations = erased.citations,
                versions = erased.versions,
                "{what}"
            );
        }
        Ok(erased)
    }
}
