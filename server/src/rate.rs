//! Rate limits per client address (token buckets), for what is cheap to
//! ask and dear to keep, such as creating boards. Addresses whose bucket
//! is full again are forgotten, so the table holds only the recent ones.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct PerAddress {
    /// Tokens a minute, and the most an address holds.
    per_minute: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Entries beyond which full buckets are swept out.
const SWEEP_ABOVE: usize = 1024;

impl PerAddress {
    pub(crate) fn new(per_minute: u32) -> PerAddress {
        PerAddress {
            per_minute: f64::from(per_minute),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `ip`: whether it had one left.
    pub(crate) fn take(&self, ip: IpAddr) -> bool {
        self.take_at(ip, Instant::now())
    }

    fn take_at(&self, ip: IpAddr, now: Instant) -> bool {
        let rate = self.per_minute / 60.0;
        let full = self.per_minute;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > SWEEP_ABOVE {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < full
            });
        }
        let (tokens, at) = buckets.entry(ip).or_insert((full, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(full);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// How long until `ip` has a token again (for `Retry-After`).
    pub(crate) fn wait(&self) -> Duration {
        Duration::from_secs_f64(60.0 / self.per_minute.max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_rate_and_others_theirs() {
        let limit = PerAddress::new(3);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let start = Instant::now();
        assert!((0..3).all(|_| limit.take_at(a, start)));
        assert!(!limit.take_at(a, start));
        assert!(limit.take_at(b, start));
        assert!(
            limit.take_at(a, start + Duration::from_secs(20)),
            "one a 20 s"
        );
        assert!(!limit.take_at(a, start + Duration::from_secs(21)));
    }
}
