//! A peer's outgoing queue: bounded in frames and in bytes. A batch's
//! changes go out merged, so frames vary in size; the byte bound keeps a
//! peer that does not read from holding more than its share of memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use tokio::sync::mpsc;

/// The room's end.
pub(crate) struct Sender {
    tx: mpsc::Sender<Bytes>,
    queued: Arc<AtomicUsize>,
    max_bytes: usize,
}

/// The connection's end.
pub(crate) struct Receiver {
    rx: mpsc::Receiver<Bytes>,
    queued: Arc<AtomicUsize>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The peer is too far behind.
    Full,
    /// Its connection ended.
    Closed,
}

/// A queue of at most `frames` frames and `max_bytes` bytes (a frame
/// bigger than that still goes into an empty queue).
pub(crate) fn queue(frames: usize, max_bytes: usize) -> (Sender, Receiver) {
    let (tx, rx) = mpsc::channel(frames);
    let queued = Arc::new(AtomicUsize::new(0));
    let sender = Sender {
        tx,
        queued: queued.clone(),
        max_bytes,
    };
    (sender, Receiver { rx, queued })
}

impl Sender {
    pub(crate) fn try_send(&self, frame: &Bytes) -> Result<(), Refused> {
        let queued = self.queued.load(Ordering::Acquire);
        if queued > 0 && queued + frame.len() > self.max_bytes {
            return Err(Refused::Full);
        }
        // Counted before it is queued: the writer may take it and count it
        // out at once, on another thread.
        self.queued.fetch_add(frame.len(), Ordering::AcqRel);
        let refused = match self.tx.try_send(frame.clone()) {
            Ok(()) => return Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => Refused::Full,
            Err(mpsc::error::TrySendError::Closed(_)) => Refused::Closed,
        };
        self.queued.fetch_sub(frame.len(), Ordering::AcqRel);
        Err(refused)
    }
}

impl Receiver {
    /// Up to `limit` frames into `into`; 0 once the room dropped its end.
    pub(crate) async fn recv_many(&mut self, into: &mut Vec<Bytes>, limit: usize) -> usize {
        self.rx.recv_many(into, limit).await
    }

    /// `frame` left the queue (it is written out).
    pub(crate) fn sent(&self, frame: &Bytes) {
        self.queued.fetch_sub(frame.len(), Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounded_in_frames_and_in_bytes() {
        let (tx, mut rx) = queue(3, 100);
        let big = Bytes::from(vec![0; 150]);
        let small = Bytes::from(vec![0; 40]);
        assert_eq!(tx.try_send(&big), Ok(()), "an empty queue takes any frame");
        assert_eq!(tx.try_send(&small), Err(Refused::Full), "over the bytes");
        let mut got = Vec::new();
        assert_eq!(rx.recv_many(&mut got, 8).await, 1);
        rx.sent(&got[0]);
        assert_eq!(tx.try_send(&small), Ok(()));
        assert_eq!(tx.try_send(&small), Ok(()));
        assert_eq!(tx.try_send(&small), Err(Refused::Full), "over the bytes");
        let tiny = Bytes::from(vec![0; 1]);
        assert_eq!(tx.try_send(&tiny), Ok(()));
        assert_eq!(tx.try_send(&tiny), Err(Refused::Full), "over the frames");
        drop(rx);
        assert_eq!(tx.try_send(&Bytes::new()), Err(Refused::Closed));
    }
}
