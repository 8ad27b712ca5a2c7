//! How busy a board's fan-out is, to decide whether it batches.
//!
//! Merging a board's changes into one frame a window (`--coalesce`) halves
//! the server's CPU on a busy board (fewer, larger sends) but delays each
//! change by up to a window. It pays only where sends are many: the board
//! counts its deliveries (changes times the connections they go to) and
//! batches while they run above `--coalesce-above` a second. Deliveries,
//! not frames: merging changes the frames, not the deliveries, so the
//! decision does not flip because of itself.

use std::time::Duration;

use tokio::time::Instant;

/// How often the rate is taken.
const SPAN: Duration = Duration::from_millis(500);

pub(super) struct Fanout {
    /// Deliveries a second above which the board batches; 0: always.
    above: u64,
    since: Instant,
    deliveries: u64,
    busy: bool,
}

impl Fanout {
    pub(super) fn new(above: u64) -> Fanout {
        Fanout {
            above,
            since: Instant::now(),
            deliveries: 0,
            busy: above == 0,
        }
    }

    /// A batch delivered `changes` changes to `peers` connections.
    pub(super) fn delivered(&mut self, changes: usize, peers: usize) {
        self.deliveries += (changes * peers) as u64;
        let elapsed = self.since.elapsed();
        if elapsed >= SPAN {
            let rate = self.deliveries as f64 / elapsed.as_secs_f64();
            self.busy = self.above == 0 || rate > self.above as f64;
            self.since = Instant::now();
            self.deliveries = 0;
        }
    }

    /// Whether the board batches its changes now.
    pub(super) fn busy(&self) -> bool {
        self.busy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_board_batches_while_its_deliveries_run_high() {
        let mut f = Fanout::new(1000);
        assert!(!f.busy());
        // 200 connections, 10 changes a second: 2,000 deliveries a second.
        for _ in 0..10 {
            tokio::time::advance(Duration::from_millis(100)).await;
            f.delivered(1, 200);
        }
        assert!(f.busy());
        // Quiet again.
        for _ in 0..10 {
            tokio::time::advance(Duration::from_millis(100)).await;
            f.delivered(0, 200);
        }
        assert!(!f.busy());
        assert!(Fanout::new(0).busy(), "0: always");
    }
}
