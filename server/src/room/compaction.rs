//! Compaction: once the log is long enough, the board's snapshot replaces
//! the updates it merges, off the room's task.

use super::*;

impl Room {
    pub(super) fn maybe_compact(&mut self) {
        let running = self.compaction.as_ref().is_some_and(|c| !c.is_finished());
        if running || self.log_len < self.ctx.config.compact_after {
            return;
        }
        let (snapshot, upto) = self.snapshot();
        let (store, metrics, id) = (
            self.ctx.store.clone(),
            self.ctx.metrics.clone(),
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

    pub(super) async fn compact_now(&mut self) {
        let (snapshot, upto) = self.snapshot();
        match self.ctx.store.compact(&self.id, snapshot, upto).await {
            Ok(()) => {
                self.ctx.metrics.compactions.inc();
                self.log_len = 0;
            }
            Err(err) => warn!(board = %self.id, ?err, "compaction failed"),
        }
    }

    /// The whole document as one update, and the last stored seq it covers.
    pub(super) fn snapshot(&self) -> (Vec<u8>, i64) {
        let txn = self.awareness.doc().transact();
        (txn.encode_diff_v1(&StateVector::default()), self.last_seq)
    }
}
