//! Facilitation: what a workshop's facilitator sets for everyone (the
//! timer, follow me, locks, dot votes) and the reactions anyone sends.
//!
//! It is kept by the server, not in the board document: only the server
//! changes it, on commands it checks against the sender's role (a
//! participant cannot start the timer or lock a frame, whatever their
//! client sends). It travels as y-websocket custom messages, which other
//! Yjs clients ignore: [`COMMAND`] from a client (JSON [`Command`]),
//! [`STATE`] from the server (JSON [`State`], on joining and on each
//! change), [`REACTION`] from the server (JSON [`Reaction`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Custom message tags.
pub const COMMAND: u8 = 90;
pub const STATE: u8 = 91;
pub const REACTION: u8 = 92;

/// The reactions people can send.
pub const EMOJI: [&str; 6] = ["👍", "❤️", "😂", "😮", "🎉", "🤔"];
/// Longest timer, and most votes per person.
pub const MAX_TIMER_MS: i64 = 4 * 3600 * 1000;
pub const MAX_VOTES: u8 = 20;
/// Most locked elements kept (a board holds fewer), and most voters.
const MAX_IDS: usize = 20_000;
const MAX_VOTERS: usize = 1_000;

/// A countdown: running until `ends_at` (server time, ms), or paused with
/// `left_ms` to go.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub total_ms: i64,
    #[serde(default)]
    pub ends_at: Option<i64>,
    #[serde(default)]
    pub left_ms: i64,
}

impl Timer {
    /// What is left at `now` (server time), never below 0.
    pub fn left(&self, now: i64) -> i64 {
        match self.ends_at {
            Some(end) => (end - now).max(0),
            None => self.left_ms.max(0),
        }
    }

    pub fn running(&self) -> bool {
        self.ends_at.is_some()
    }
}

/// Everyone's view follows this person's (facilitator's) view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Follow {
    /// Their awareness client id: their viewport is in their awareness.
    pub client: u64,
    pub name: String,
}

/// A dot vote: open on the board (or a frame), so many votes a person;
/// ballots are secret until it closes, then the ranking stays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// A frame's id, or none for the whole board.
    #[serde(default)]
    pub scope: Option<String>,
    pub per_person: u8,
    pub open: bool,
    /// While open: how many votes were cast in all (not on what).
    #[serde(default)]
    pub cast: u32,
    /// How many people voted.
    #[serde(default)]
    pub voters: u32,
    /// Once closed: (element id, votes), most voted first.
    #[serde(default)]
    pub results: Vec<(String, u32)>,
}

/// What one participant is sent: the shared state, and their own ballot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The server's clock (ms) when this was sent: clients count the timer
    /// down by it.
    #[serde(default)]
    pub now: i64,
    #[serde(default)]
    pub timer: Option<Timer>,
    #[serde(default)]
    pub follow: Option<Follow>,
    #[serde(default)]
    pub locked: BTreeSet<String>,
    #[serde(default)]
    pub vote: Option<Vote>,
    /// The recipient's own votes in the open vote.
    #[serde(default)]
    pub mine: Vec<String>,
}

/// An emoji someone sent, floating over everyone's board for a moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    pub emoji: String,
    pub name: String,
}

/// What a client asks the server to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum Command {
    /// Sets the timer to `ms`, paused.
    TimerSet {
        ms: i64,
    },
    TimerStart,
    TimerPause,
    TimerAdd {
        ms: i64,
    },
    TimerClear,
    /// Everyone follows this sender's view.
    Follow {
        client: u64,
        name: String,
    },
    Unfollow,
    Lock {
        ids: Vec<String>,
    },
    Unlock {
        ids: Vec<String>,
    },
    VoteOpen {
        #[serde(default)]
        scope: Option<String>,
        per_person: u8,
    },
    VoteClose,
    VoteClear,
    /// A participant's vote (a dot) on an element, or one taken back.
    /// `voter` is the participant's own lasting id.
    Vote {
        voter: String,
        id: String,
    },
    Unvote {
        voter: String,
        id: String,
    },
    React {
        emoji: String,
        name: String,
    },
    /// Who this connection votes as (its own ballot comes back with the
    /// state).
    Hello {
        voter: String,
    },
}

impl Command {
    /// Whether only a facilitator may send it.
    pub fn facilitator_only(&self) -> bool {
        !matches!(
            self,
            Command::Vote { .. }
                | Command::Unvote { .. }
                | Command::React { .. }
                | Command::Hello { .. }
        )
    }
}

/// Why a command is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    NotFacilitator,
    ReadOnly,
    Invalid(&'static str),
}

/// What applying a command calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The state changed: send it to everyone (and store it).
    Changed,
    /// Nothing changed.
    Same,
    /// Send this reaction to everyone (nothing to store).
    React(Reaction),
}

/// The server's facilitation state of one board: what everyone is shown,
/// and the open vote's ballots.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facilitation {
    /// (`now` and `mine` are filled in per recipient by [`Facilitation::state_for`].)
    #[serde(flatten)]
    pub shown: State,
    /// The open vote's ballots: voter → elements (one entry a dot).
    #[serde(default)]
    pub ballots: BTreeMap<String, Vec<String>>,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64
}

impl Facilitation {
    /// Applies `command` from someone whose link is `facilitator` (or an
    /// editor), at server time `now`.
    pub fn apply(
        &mut self,
        command: Command,
        facilitator: bool,
        writes: bool,
        now: i64,
    ) -> Result<Outcome, Refused> {
        if !writes && !matches!(command, Command::Hello { .. }) {
            return Err(Refused::ReadOnly);
        }
        if command.facilitator_only() && !facilitator {
            return Err(Refused::NotFacilitator);
        }
        let before = self.clone();
        match command {
            Command::TimerSet { ms } => {
                if !(1000..=MAX_TIMER_MS).contains(&ms) {
                    return Err(Refused::Invalid("timer: 1 s to 4 h"));
                }
                self.shown.timer = Some(Timer {
                    total_ms: ms,
                    ends_at: None,
                    left_ms: ms,
                });
            }
            Command::TimerStart => {
                if let Some(t) = &mut self.shown.timer
                    && !t.running()
                    && t.left_ms > 0
                {
                    t.ends_at = Some(now + t.left_ms);
                }
            }
            Command::TimerPause => {
                if let Some(t) = &mut self.shown.timer
                    && t.running()
                {
                    t.left_ms = t.left(now);
                    t.ends_at = None;
                }
            }
            Command::TimerAdd { ms } => {
                if !(-MAX_TIMER_MS..=MAX_TIMER_MS).contains(&ms) {
                    return Err(Refused::Invalid("timer: at most 4 h"));
                }
                if let Some(t) = &mut self.shown.timer {
                    let left = (t.left(now) + ms).clamp(0, MAX_TIMER_MS);
                    t.total_ms = (t.total_ms + ms).clamp(left, MAX_TIMER_MS);
                    match &mut t.ends_at {
                        Some(end) => *end = now + left,
                        None => t.left_ms = left,
                    }
                }
            }
            Command::TimerClear => self.shown.timer = None,
            Command::Follow { client, name } => {
                self.shown.follow = Some(Follow {
                    client,
                    name: name.chars().take(40).collect(),
                })
            }
            Command::Unfollow => self.shown.follow = None,
            Command::Lock { ids } => {
                if self.shown.locked.len() + ids.len() > MAX_IDS || !ids.iter().all(|i| valid_id(i))
                {
                    return Err(Refused::Invalid("lock: element ids"));
                }
                self.shown.locked.extend(ids);
            }
            Command::Unlock { ids } => {
                for id in ids {
                    self.shown.locked.remove(&id);
                }
            }
            Command::VoteOpen { scope, per_person } => {
                if !(1..=MAX_VOTES).contains(&per_person) {
                    return Err(Refused::Invalid("vote: 1 to 20 votes a person"));
                }
                if scope.as_deref().is_some_and(|s| !valid_id(s)) {
                    return Err(Refused::Invalid("vote: scope"));
                }
                self.ballots.clear();
                self.shown.vote = Some(Vote {
                    scope,
                    per_person,
                    open: true,
                    ..Vote::default()
                });
            }
            Command::VoteClose => {
                if let Some(vote) = self.shown.vote.as_mut().filter(|v| v.open) {
                    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
                    for id in self.ballots.values().flatten() {
                        *counts.entry(id).or_default() += 1;
                    }
                    let mut results: Vec<(String, u32)> = counts
                        .into_iter()
                        .map(|(id, n)| (id.to_owned(), n))
                        .collect();
                    results.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    vote.results = results;
                    vote.open = false;
                    self.ballots.clear();
                }
            }
            Command::VoteClear => {
                self.shown.vote = None;
                self.ballots.clear();
            }
            Command::Vote { voter, id } => {
                let Some(vote) = self.shown.vote.as_ref().filter(|v| v.open) else {
                    return Err(Refused::Invalid("no vote is open"));
                };
                if !valid_id(&voter) || !valid_id(&id) {
                    return Err(Refused::Invalid("vote: ids"));
                }
                let per_person = vote.per_person as usize;
                if !self.ballots.contains_key(&voter) && self.ballots.len() >= MAX_VOTERS {
                    return Err(Refused::Invalid("vote: too many voters"));
                }
                let ballot = self.ballots.entry(voter).or_default();
                if ballot.len() >= per_person {
                    return Err(Refused::Invalid("no votes left"));
                }
                ballot.push(id);
            }
            Command::Unvote { voter, id } => {
                if let Some(ballot) = self.ballots.get_mut(&voter)
                    && let Some(at) = ballot.iter().position(|v| *v == id)
                {
                    ballot.remove(at);
                }
            }
            Command::Hello { .. } => {}
            Command::React { emoji, name } => {
                if !EMOJI.contains(&emoji.as_str()) {
                    return Err(Refused::Invalid("reaction: not one of the offered emoji"));
                }
                return Ok(Outcome::React(Reaction {
                    emoji,
                    name: name.chars().take(40).collect(),
                }));
            }
        }
        if let Some(vote) = self.shown.vote.as_mut().filter(|v| v.open) {
            vote.cast = self.ballots.values().map(|b| b.len() as u32).sum();
            vote.voters = self.ballots.values().filter(|b| !b.is_empty()).count() as u32;
        }
        Ok(if *self == before {
            Outcome::Same
        } else {
            Outcome::Changed
        })
    }

    /// What `voter` (if known) is sent at server time `now`: everything but
    /// the others' ballots.
    pub fn state_for(&self, voter: Option<&str>, now: i64) -> State {
        State {
            now,
            mine: voter
                .and_then(|v| self.ballots.get(v))
                .cloned()
                .unwrap_or_default(),
            ..self.shown.clone()
        }
    }

    /// The voter ids that have a ballot (each is sent its own).
    pub fn voters(&self) -> impl Iterator<Item = &str> {
        self.ballots.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        f: &mut Facilitation,
        c: Command,
        facilitator: bool,
        now: i64,
    ) -> Result<Outcome, Refused> {
        f.apply(c, facilitator, true, now)
    }

    #[test]
    fn the_timer_counts_down_pauses_and_takes_more_time() {
        let mut f = Facilitation::default();
        assert_eq!(
            run(&mut f, Command::TimerSet { ms: 600_000 }, true, 0),
            Ok(Outcome::Changed)
        );
        run(&mut f, Command::TimerStart, true, 1_000).unwrap();
        let t = f.shown.timer.clone().unwrap();
        assert_eq!(t.left(61_000), 540_000);
        run(&mut f, Command::TimerPause, true, 61_000).unwrap();
        assert_eq!(
            f.shown.timer.as_ref().unwrap().left(999_999),
            540_000,
            "paused"
        );
        run(&mut f, Command::TimerAdd { ms: 60_000 }, true, 70_000).unwrap();
        assert_eq!(f.shown.timer.as_ref().unwrap().left(0), 600_000);
        run(&mut f, Command::TimerStart, true, 100_000).unwrap();
        assert_eq!(
            f.shown.timer.as_ref().unwrap().left(800_000),
            0,
            "never below 0"
        );
        assert!(run(&mut f, Command::TimerSet { ms: 0 }, true, 0).is_err());
        assert_eq!(
            run(&mut f, Command::TimerClear, true, 0),
            Ok(Outcome::Changed)
        );
        assert_eq!(run(&mut f, Command::TimerClear, true, 0), Ok(Outcome::Same));
    }

    #[test]
    fn only_a_facilitator_runs_the_workshop_and_viewers_do_nothing() {
        let mut f = Facilitation::default();
        for c in [
            Command::TimerSet { ms: 60_000 },
            Command::Lock {
                ids: vec!["a".into()],
            },
            Command::VoteOpen {
                scope: None,
                per_person: 3,
            },
            Command::Follow {
                client: 1,
                name: "Eve".into(),
            },
        ] {
            assert_eq!(run(&mut f, c, false, 0), Err(Refused::NotFacilitator));
        }
        assert_eq!(f, Facilitation::default());
        let react = Command::React {
            emoji: "🎉".into(),
            name: "Eve".into(),
        };
        assert!(matches!(
            run(&mut f, react.clone(), false, 0),
            Ok(Outcome::React(_))
        ));
        assert_eq!(f.apply(react, false, false, 0), Err(Refused::ReadOnly));
        let odd = Command::React {
            emoji: "<script>".into(),
            name: "Eve".into(),
        };
        assert!(run(&mut f, odd, false, 0).is_err());
    }

    #[test]
    fn a_dot_vote_is_secret_until_closed_then_ranked() {
        let mut f = Facilitation::default();
        run(
            &mut f,
            Command::VoteOpen {
                scope: Some("frame".into()),
                per_person: 2,
            },
            true,
            0,
        )
        .unwrap();
        let vote = |voter: &str, id: &str| Command::Vote {
            voter: voter.into(),
            id: id.into(),
        };
        run(&mut f, vote("ann", "x"), false, 0).unwrap();
        run(&mut f, vote("ann", "x"), false, 0).unwrap();
        assert_eq!(
            run(&mut f, vote("ann", "y"), false, 0),
            Err(Refused::Invalid("no votes left"))
        );
        run(&mut f, vote("ben", "y"), false, 0).unwrap();
        run(
            &mut f,
            Command::Unvote {
                voter: "ann".into(),
                id: "x".into(),
            },
            false,
            0,
        )
        .unwrap();
        run(&mut f, vote("ann", "y"), false, 0).unwrap();
        // Others see how many voted, not on what.
        let seen = f.state_for(Some("ben"), 5);
        let v = seen.vote.clone().unwrap();
        assert_eq!((v.cast, v.voters, v.results.len()), (3, 2, 0));
        assert_eq!(seen.mine, ["y"]);
        let json = serde_json::to_string(&f.state_for(Some("ben"), 5)).unwrap();
        assert!(!json.contains("ann"), "{json}");
        // Closed: the ranking, and no more ballots.
        run(&mut f, Command::VoteClose, true, 0).unwrap();
        let v = f.shown.vote.clone().unwrap();
        assert!(!v.open);
        assert_eq!(v.results, [("y".to_owned(), 2), ("x".to_owned(), 1)]);
        assert!(run(&mut f, vote("ben", "x"), false, 0).is_err());
        // The stored form reads back.
        let stored = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<Facilitation>(&stored).unwrap(), f);
        // Commands arrive as JSON.
        let c: Command = serde_json::from_str(r#"{"do":"vote-open","per_person":3}"#).unwrap();
        assert_eq!(
            c,
            Command::VoteOpen {
                scope: None,
                per_person: 3
            }
        );
    }
}
