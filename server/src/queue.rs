//! A peer's outgoing queue: bounded in frames and in bytes. A batch's
//! changes go out merged, so frames vary in size; the byte bound keeps a
//! peer that does not read from holding more than its share of memory.
//! A frame counts until the connection has flushed it to the socket (the
//! websocket library copies it into its write buffer meanwhile), and every
//! queue of the server adds to one total ([`Outgoing`]), which bounds what
//! the server lets peers make it send at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use bytes::Bytes;
use tokio::sync::mpsc;

/// Bytes queued or being written to every peer of the server.
#[derive(Clone, Default)]
pub(crate) struct Outgoing(Arc<AtomicUsize>);

impl Outgoing {
    pub(crate) fn bytes(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }
}

/// The room's end.
pub(crate) struct Sender {
    tx: mpsc::Sender<Bytes>,
    queued: Arc<AtomicUsize>,
    total: Outgoing,
    max_bytes: usize,
    /// Frames queued so far (a frame's position is this count once it is in).
    pushed: AtomicU64,
    /// Frames written out so far.
    written: Arc<AtomicU64>,
}

/// The connection's end.
pub(crate) struct Receiver {
    rx: mpsc::Receiver<Bytes>,
    queued: Arc<AtomicUsize>,
    total: Outgoing,
    written: Arc<AtomicU64>,
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
pub(crate) fn queue(frames: usize, max_bytes: usize, total: Outgoing) -> (Sender, Receiver) {
    let (tx, rx) = mpsc::channel(frames);
    let queued = Arc::new(AtomicUsize::new(0));
    let written = Arc::new(AtomicU64::new(0));
    let sender = Sender {
        tx,
        total: total.clone(),
        queued: queued.clone(),
        max_bytes,
        pushed: AtomicU64::new(0),
        written: written.clone(),
    };
    (
        sender,
        Receiver {
            rx,
            queued,
            total,
            written,
        },
    )
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
        self.total.0.fetch_add(frame.len(), Ordering::AcqRel);
        let refused = match self.tx.try_send(frame.clone()) {
            Ok(()) => {
                self.pushed.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            Err(mpsc::error::TrySendError::Full(_)) => Refused::Full,
            Err(mpsc::error::TrySendError::Closed(_)) => Refused::Closed,
        };
        self.queued.fetch_sub(frame.len(), Ordering::AcqRel);
        self.total.0.fetch_sub(frame.len(), Ordering::AcqRel);
        Err(refused)
    }
}

impl Sender {
    /// Bytes this queue can still take before the peer counts as too slow.
    pub(crate) fn room(&self) -> usize {
        self.max_bytes
            .saturating_sub(self.queued.load(Ordering::Acquire))
    }

    /// How many frames were queued so far: the last one's position.
    pub(crate) fn position(&self) -> u64 {
        self.pushed.load(Ordering::Relaxed)
    }

    /// Whether the frame at `position` is written out.
    pub(crate) fn written(&self, position: u64) -> bool {
        self.written.load(Ordering::Acquire) >= position
    }
}

impl Receiver {
    /// Up to `limit` frames into `into`; 0 once the room dropped its end.
    /// Each counts until it is [`Receiver::sent`].
    pub(crate) async fn recv_many(&mut self, into: &mut Vec<Bytes>, limit: usize) -> usize {
        self.rx.recv_many(into, limit).await
    }

    /// `frame` is written out (flushed to the socket).
    pub(crate) fn sent(&self, frame: &Bytes) {
        self.queued.fetch_sub(frame.len(), Ordering::AcqRel);
        self.total.0.fetch_sub(frame.len(), Ordering::AcqRel);
        self.written.fetch_add(1, Ordering::AcqRel);
    }
}

impl Drop for Receiver {
    /// Frames never written count no more.
    fn drop(&mut self) {
        self.rx.close();
        while let Ok(frame) = self.rx.try_recv() {
            self.sent(&frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounded_in_frames_and_in_bytes() {
        let total = Outgoing::default();
        let (tx, mut rx) = queue(3, 100, total.clone());
        let big = Bytes::from(vec![0; 150]);
        let small = Bytes::from(vec![0; 40]);
        assert_eq!(tx.try_send(&big), Ok(()), "an empty queue takes any frame");
        assert_eq!(tx.try_send(&small), Err(Refused::Full), "over the bytes");
        let mut got = Vec::new();
        assert_eq!(rx.recv_many(&mut got, 8).await, 1);
        rx.sent(&got[0]);
        assert_eq!(total.bytes(), 0);
        assert_eq!(tx.try_send(&small), Ok(()));
        assert_eq!(tx.try_send(&small), Ok(()));
        assert_eq!(total.bytes(), 80);
        assert_eq!(tx.try_send(&small), Err(Refused::Full), "over the bytes");
        let tiny = Bytes::from(vec![0; 1]);
        assert_eq!(tx.try_send(&tiny), Ok(()));
        assert_eq!(tx.try_send(&tiny), Err(Refused::Full), "over the frames");
        drop(rx);
        assert_eq!(tx.try_send(&Bytes::new()), Err(Refused::Closed));
        assert_eq!(total.bytes(), 0, "what was never written counts no more");
    }

    #[tokio::test]
    async fn tells_when_a_frame_is_written() {
        let (tx, mut rx) = queue(8, 1000, Outgoing::default());
        let frame = Bytes::from(vec![0; 10]);
        tx.try_send(&frame).unwrap();
        tx.try_send(&frame).unwrap();
        let second = tx.position();
        assert_eq!(second, 2);
        assert!(!tx.written(second));
        assert_eq!(tx.room(), 980);
        let mut got = Vec::new();
        rx.recv_many(&mut got, 1).await;
        rx.sent(&got[0]);
        assert!(tx.written(1) && !tx.written(second));
        got.clear();
        rx.recv_many(&mut got, 1).await;
        rx.sent(&got[0]);
        assert!(tx.written(second));
        assert_eq!(tx.room(), 1000);
    }
}
