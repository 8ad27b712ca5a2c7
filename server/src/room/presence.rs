//! Awareness (cursors, names, selections, what each one views), kept honest.
//!
//! Awareness states are keyed by a client id the sender picks. Without
//! rules, anyone could overwrite another person's state (and so take over
//! "follow me", which follows the facilitator's state), announce thousands
//! of ghost users, store a megabyte as a name, or a state that is not JSON
//! (the JavaScript provider throws on it), and a flood of updates would
//! fill every other peer's queue. So:
//! - a client id belongs to the connection that first used it, until it
//!   leaves; then, for [`RELEASE`], only a connection on the same link
//!   (role and link generation: a reconnecting browser) may take it back;
//! - a connection holds at most [`MAX_CLIENTS`] client ids;
//! - a state is a JSON object (or null, "gone") of at most [`MAX_STATE`]
//!   bytes;
//! - a connection's updates are forwarded at most [`FORWARD_RATE`] a
//!   second (bursts of [`FORWARD_BURST`]); faster ones are merged and go
//!   out with the next (the latest state of each client wins), and one that
//!   sends more than [`RECEIVE_RATE`] a second (beyond a burst of
//!   [`RECEIVE_BURST`]) is disconnected.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::time::Instant;
use yrs::ClientID;
use yrs::sync::awareness::AwarenessUpdate;

use super::PeerId;
use crate::access::{Grant, Role};

/// How long a departed connection's client ids wait for their link.
pub(super) const RELEASE: Duration = Duration::from_secs(30);
/// Client ids one connection may hold (a browser tab uses one).
pub(super) const MAX_CLIENTS: usize = 4;
/// Largest awareness state, in bytes of JSON.
pub(super) const MAX_STATE: usize = 16 * 1024;
/// Awareness updates forwarded per second per connection, and the burst.
pub(super) const FORWARD_RATE: f64 = 40.0;
pub(super) const FORWARD_BURST: f64 = 20.0;
/// Awareness updates received per second per connection before it is
/// disconnected, and the burst (Atelier's browser sends at most ~33 a
/// second while the pointer moves).
pub(super) const RECEIVE_RATE: f64 = 100.0;
pub(super) const RECEIVE_BURST: f64 = 500.0;

/// A token bucket.
#[derive(Debug)]
pub(super) struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    pub(super) fn full(burst: f64) -> Bucket {
        Bucket {
            tokens: burst,
            at: Instant::now(),
        }
    }

    fn refill(&mut self, rate: f64, burst: f64) {
        let now = Instant::now();
        let gained = now.duration_since(self.at).as_secs_f64() * rate;
        self.tokens = (self.tokens + gained).min(burst);
        self.at = now;
    }

    /// Takes a token if there is one.
    pub(super) fn take(&mut self, rate: f64, burst: f64) -> bool {
        self.refill(rate, burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// When the next token comes.
    pub(super) fn next(&self, rate: f64) -> Instant {
        let missing = (1.0 - self.tokens).max(0.0);
        self.at + Duration::from_secs_f64(missing / rate)
    }
}

/// One connection's side of awareness.
#[derive(Debug)]
pub(super) struct PeerPresence {
    /// Client ids it holds.
    pub(super) clients: HashSet<ClientID>,
    /// Client ids whose state changed and waits to be forwarded.
    pub(super) unsent: HashSet<ClientID>,
    pub(super) forward: Bucket,
    pub(super) receive: Bucket,
}

impl Default for PeerPresence {
    fn default() -> PeerPresence {
        PeerPresence {
            clients: HashSet::new(),
            unsent: HashSet::new(),
            forward: Bucket::full(FORWARD_BURST),
            receive: Bucket::full(RECEIVE_BURST),
        }
    }
}

/// The link a connection came by: who may take its client ids back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Link {
    role: Role,
    generation: Option<u32>,
}

impl Link {
    pub(super) fn of(grant: &Grant) -> Link {
        Link {
            role: grant.role,
            generation: grant.generation,
        }
    }
}

/// Who holds which client id, for the whole room.
#[derive(Default)]
pub(super) struct Owners {
    held: HashMap<ClientID, PeerId>,
    /// Ids whose connection left: the link that may take them back, until when.
    released: HashMap<ClientID, (Link, Instant)>,
}

/// Why an entry of an awareness update was refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    NotYours,
    TooManyClients,
    TooBig,
    NotJson,
    /// A name with control characters or invisible marks.
    Disguised,
}

impl Owners {
    /// Keeps the entries of `update` that `peer` (on `link`, holding
    /// `presence`) may set, claiming the client ids it uses first; returns
    /// what it kept and the refusals.
    pub(super) fn filter(
        &mut self,
        peer: PeerId,
        link: Link,
        presence: &mut PeerPresence,
        mut update: AwarenessUpdate,
    ) -> (AwarenessUpdate, Vec<Refusal>) {
        let now = Instant::now();
        self.released.retain(|_, (_, until)| *until > now);
        let mut refused = Vec::new();
        update.clients.retain(|client, entry| {
            let verdict = match self.held.get(client) {
                Some(owner) if *owner != peer => Err(Refusal::NotYours),
                Some(_) => Ok(()),
                None => match self.released.get(client) {
                    Some((owner, _)) if *owner != link => Err(Refusal::NotYours),
                    _ if presence.clients.len() >= MAX_CLIENTS => Err(Refusal::TooManyClients),
                    _ => Ok(()),
                },
            }
            .and_then(|()| check_state(&entry.json));
            match verdict {
                Ok(()) => {
                    if self.held.insert(*client, peer).is_none() {
                        self.released.remove(client);
                        presence.clients.insert(*client);
                    }
                    true
                }
                Err(why) => {
                    refused.push(why);
                    false
                }
            }
        });
        (update, refused)
    }

    /// `peer` left, holding `clients`: they wait for its link.
    pub(super) fn release(&mut self, clients: &HashSet<ClientID>, link: Link) {
        let until = Instant::now() + RELEASE;
        for client in clients {
            self.held.remove(client);
            self.released.insert(*client, (link, until));
        }
    }
}

/// A state is a JSON object, or null (the client is gone), and small; the
/// name it shows (`user.name`, as y-websocket clients set it, or `name`)
/// holds no invisible marks.
fn check_state(json: &str) -> Result<(), Refusal> {
    if json.len() > MAX_STATE {
        return Err(Refusal::TooBig);
    }
    let state = match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Null) => return Ok(()),
        Ok(state @ serde_json::Value::Object(_)) => state,
        _ => return Err(Refusal::NotJson),
    };
    let names = [&state["name"], &state["user"]["name"]];
    let disguised = names
        .iter()
        .filter_map(|name| name.as_str())
        .any(|name| atelier_shared::names::check(name).is_err());
    if disguised {
        return Err(Refusal::Disguised);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::sync::awareness::AwarenessUpdateEntry;

    fn update(entries: &[(u64, &str)]) -> AwarenessUpdate {
        AwarenessUpdate {
            clients: entries
                .iter()
                .map(|(client, json)| {
                    (
                        ClientID::new(*client),
                        AwarenessUpdateEntry {
                            clock: 1,
                            json: (*json).into(),
                        },
                    )
                })
                .collect(),
        }
    }

    const EDITOR: Link = Link {
        role: Role::Editor,
        generation: Some(0),
    };
    const VIEWER: Link = Link {
        role: Role::Viewer,
        generation: Some(0),
    };

    #[test]
    fn a_client_id_is_its_first_connections() {
        let mut owners = Owners::default();
        let (mut a, mut b) = (PeerPresence::default(), PeerPresence::default());
        let (kept, refused) = owners.filter(1, EDITOR, &mut a, update(&[(7, r#"{"n":"a"}"#)]));
        assert_eq!((kept.clients.len(), refused.len()), (1, 0));
        let (kept, refused) = owners.filter(2, VIEWER, &mut b, update(&[(7, r#"{"n":"x"}"#)]));
        assert!(kept.clients.is_empty());
        assert_eq!(refused, vec![Refusal::NotYours]);
        // Gone: only its link takes it back while it is released.
        owners.release(&a.clients, EDITOR);
        let (kept, _) = owners.filter(2, VIEWER, &mut b, update(&[(7, "{}")]));
        assert!(kept.clients.is_empty());
        let mut c = PeerPresence::default();
        let (kept, _) = owners.filter(3, EDITOR, &mut c, update(&[(7, "{}")]));
        assert_eq!(kept.clients.len(), 1);
    }

    #[test]
    fn states_are_small_json_objects_and_clients_few() {
        let mut owners = Owners::default();
        let mut a = PeerPresence::default();
        let big = format!(r#"{{"name":"{}"}}"#, "x".repeat(MAX_STATE));
        let disguised = r#"{"user":{"name":"ad\u202emin"}}"#;
        let (kept, refused) = owners.filter(
            1,
            EDITOR,
            &mut a,
            update(&[
                (1, "not json"),
                (2, "[1,2]"),
                (3, &big),
                (4, "null"),
                (5, disguised),
            ]),
        );
        assert_eq!(kept.clients.len(), 1, "null (gone) is fine");
        assert_eq!(refused.len(), 4);
        assert!(refused.contains(&Refusal::Disguised));
        let many: Vec<(u64, &str)> = (10..20).map(|c| (c, "{}")).collect();
        let (kept, refused) = owners.filter(1, EDITOR, &mut a, update(&many));
        assert_eq!(kept.clients.len(), MAX_CLIENTS - 1);
        assert!(refused.iter().all(|r| *r == Refusal::TooManyClients));
    }

    #[test]
    fn buckets_refill_at_their_rate() {
        let mut bucket = Bucket::full(2.0);
        assert!(bucket.take(10.0, 2.0));
        assert!(bucket.take(10.0, 2.0));
        assert!(!bucket.take(10.0, 2.0));
        assert!(bucket.next(10.0) > bucket.at);
    }
}
