//! Structs a board holds pending: an update whose blocks wait for changes
//! the board never received stays in the document, unapplied, until they
//! come. Nothing a client sends may sit there without bound: the room
//! counts what is pending, and when it passes `--max-pending-bytes` or
//! waits longer than `--pending-timeout`, drops it and disconnects the
//! peers that sent it (they resync when they reconnect, sending what they
//! really have). Pending structs are never stored, snapshotted or sent:
//! every encoding of the board leaves them out (`encode_diff_v1`).

use std::collections::HashSet;
use std::time::Duration;

use tokio::time::Instant;

use super::PeerId;

#[derive(Default)]
pub(super) struct Pending {
    /// Bytes of the updates that left something pending (an upper bound
    /// of what is held).
    bytes: usize,
    since: Option<Instant>,
    /// The peers whose updates are among it.
    from: HashSet<PeerId>,
}

/// What to do after an update was applied.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Fine,
    /// Too much is pending: drop it and disconnect these peers.
    Drop(Vec<PeerId>),
}

impl Pending {
    /// An update of `len` bytes from `peer` (none: the server's own) was
    /// applied, and the document now holds something pending or not.
    pub(super) fn applied(
        &mut self,
        peer: Option<PeerId>,
        len: usize,
        holds_pending: bool,
        max_bytes: usize,
    ) -> Verdict {
        if !holds_pending {
            *self = Pending::default();
            return Verdict::Fine;
        }
        self.bytes = self.bytes.saturating_add(len);
        self.since.get_or_insert_with(Instant::now);
        self.from.extend(peer);
        if self.bytes > max_bytes {
            return self.take();
        }
        Verdict::Fine
    }

    /// When what is pending has waited too long, if anything is.
    pub(super) fn due(&self, timeout: Duration) -> Option<Instant> {
        self.since.map(|since| since + timeout)
    }

    /// Forgets what is pending: the peers that sent it.
    pub(super) fn take(&mut self) -> Verdict {
        let mut from: Vec<PeerId> = std::mem::take(&mut self.from).into_iter().collect();
        from.sort_unstable();
        *self = Pending::default();
        Verdict::Drop(from)
    }

    /// `peer` left: it no longer needs disconnecting.
    pub(super) fn forget(&mut self, peer: PeerId) {
        self.from.remove(&peer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_in_bytes() {
        let mut p = Pending::default();
        assert_eq!(p.applied(Some(1), 600, true, 1000), Verdict::Fine);
        assert!(p.due(Duration::from_secs(1)).is_some());
        assert_eq!(
            p.applied(Some(2), 600, true, 1000),
            Verdict::Drop(vec![1, 2])
        );
        assert!(p.due(Duration::from_secs(1)).is_none());
    }

    #[test]
    fn resolved_pending_is_forgotten() {
        let mut p = Pending::default();
        p.applied(Some(1), 600, true, 1000);
        assert_eq!(p.applied(Some(3), 10, false, 1000), Verdict::Fine);
        assert!(p.due(Duration::from_secs(1)).is_none());
        assert_eq!(p.applied(Some(2), 600, true, 1000), Verdict::Fine);
        p.forget(2);
        assert_eq!(p.take(), Verdict::Drop(vec![]));
    }
}
