//! Counters for `GET /metrics`, in the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Upper bounds of the store latency histogram, in seconds.
const LATENCY_BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

#[derive(Default)]
pub struct Metrics {
    pub connections: Gauge,
    pub connections_total: Counter,
    pub connections_refused: Counter,
    pub rooms_loaded: Gauge,
    pub board_loads: Counter,
    pub updates: Counter,
    pub update_bytes: Counter,
    pub frames_in: Counter,
    pub bytes_in: Counter,
    pub frames_out: Counter,
    pub bytes_out: Counter,
    pub protocol_errors: Counter,
    pub slow_peers: Counter,
    pub store_errors: Counter,
    pub compactions: Counter,
    pub cluster_resyncs: Counter,
    pub access_refused: Counter,
    pub updates_refused: Counter,
    pub sync_requests_deferred: Counter,
    pub pending_dropped: Counter,
    pub awareness_dropped: Counter,
    store_latency: Histogram,
}

#[derive(Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.add(1);
    }
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }
}

#[derive(Default)]
pub struct Gauge(AtomicU64);

impl Gauge {
    pub fn inc(&self) {
        self.0.fetch_add(1, Relaxed);
    }
    pub fn dec(&self) {
        self.0.fetch_sub(1, Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }
}

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    pub fn observe_store(&self, took: Duration) {
        let h = &self.store_latency;
        let secs = took.as_secs_f64();
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&h.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
        h.count.fetch_add(1, Relaxed);
        h.sum_micros.fetch_add(took.as_micros() as u64, Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut line = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        let counters: [(&str, &str, &Counter); 19] = [
            (
                "atelier_connections_total",
                "Websocket connections accepted.",
                &self.connections_total,
            ),
            (
                "atelier_connections_refused_total",
                "Websocket connections refused at the limit.",
                &self.connections_refused,
            ),
            (
                "atelier_board_loads_total",
                "Boards loaded from the store into memory.",
                &self.board_loads,
            ),
            (
                "atelier_updates_total",
                "Document updates applied, stored and broadcast.",
                &self.updates,
            ),
            (
                "atelier_update_bytes_total",
                "Bytes of stored document updates.",
                &self.update_bytes,
            ),
            (
                "atelier_frames_received_total",
                "Websocket messages received.",
                &self.frames_in,
            ),
            (
                "atelier_bytes_received_total",
                "Websocket payload bytes received.",
                &self.bytes_in,
            ),
            (
                "atelier_frames_sent_total",
                "Websocket messages queued to peers.",
                &self.frames_out,
            ),
            (
                "atelier_bytes_sent_total",
                "Websocket payload bytes queued to peers.",
                &self.bytes_out,
            ),
            (
                "atelier_protocol_errors_total",
                "Connections closed for a malformed or oversized message.",
                &self.protocol_errors,
            ),
            (
                "atelier_slow_peers_total",
                "Peers disconnected for not keeping up.",
                &self.slow_peers,
            ),
            (
                "atelier_store_errors_total",
                "Failed store operations.",
                &self.store_errors,
            ),
            (
                "atelier_compactions_total",
                "Board logs compacted into snapshots.",
                &self.compactions,
            ),
            (
                "atelier_cluster_resyncs_total",
                "Times a board read from the store what other nodes stored and the broker did not bring.",
                &self.cluster_resyncs,
            ),
            (
                "atelier_access_refused_total",
                "Requests and connections refused for a missing, forged, expired or revoked link, or a role too low.",
                &self.access_refused,
            ),
            (
                "atelier_updates_refused_total",
                "Updates refused because the connection's link is view-only.",
                &self.updates_refused,
            ),
            (
                "atelier_sync_requests_deferred_total",
                "Answers to SyncStep1 that waited for the server's outgoing bytes to make room.",
                &self.sync_requests_deferred,
            ),
            (
                "atelier_pending_dropped_total",
                "Times a board dropped updates waiting for changes it never received (too many, or too long).",
                &self.pending_dropped,
            ),
            (
                "atelier_awareness_dropped_total",
                "Awareness entries refused: another connection's client, too many clients, too big, not JSON.",
                &self.awareness_dropped,
            ),
        ];
        for (name, help, counter) in counters {
            line(name, "counter", help, counter.get().to_string());
        }
        line(
            "atelier_connections",
            "gauge",
            "Open websocket connections.",
            self.connections.get().to_string(),
        );
        line(
            "atelier_rooms_loaded",
            "gauge",
            "Boards in memory.",
            self.rooms_loaded.get().to_string(),
        );

        let h = &self.store_latency;
        let name = "atelier_store_latency_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Latency of store appends (one group commit each).\n# TYPE {name} histogram"
        );
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&h.buckets) {
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Relaxed)
            );
        }
        let count = h.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            h.sum_micros.load(Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count {count}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.updates.add(3);
        m.connections.inc();
        m.observe_store(Duration::from_micros(700));
        let text = m.render();
        assert!(text.contains("atelier_updates_total 3\n"));
        assert!(text.contains("atelier_connections 1\n"));
        assert!(text.contains("atelier_store_latency_seconds_bucket{le=\"0.0005\"} 0\n"));
        assert!(text.contains("atelier_store_latency_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("atelier_store_latency_seconds_count 1\n"));
    }
}
