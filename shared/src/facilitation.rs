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

use crate::Role;
use crate::notice::Notice;
pub use crate::script::MAX_VOTES;
pub use crate::script::VOTABLE;
use crate::script::{Script, Text};

/// Custom message tags.
pub const COMMAND: u8 = 90;
pub const STATE: u8 = 91;
pub const REACTION: u8 = 92;
/// A participant's private notes: a yrs update (v1) of a document of
/// their own holding only them, both ways (see [`Facilitation::private`]).
pub const PRIVATE: u8 = 93;

/// The reactions people can send.
pub const EMOJI: [&str; 6] = ["👍", "❤️", "😂", "😮", "🎉", "🤔"];
/// Longest timer.
pub const MAX_TIMER_MS: i64 = 4 * 3600 * 1000;

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
    /// The kinds of element it takes votes on (`note`, `frame`): a vote
    /// on clusters takes frames. None named: notes and frames.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<String>,
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
    /// Private mode: new notes are seen by their author only (they are
    /// not in the document) until the facilitator reveals them.
    #[serde(default)]
    pub private: bool,
    /// How many participants hold private notes.
    #[serde(default)]
    pub pooled: u32,
    /// The guided method's current phase.
    #[serde(default)]
    pub phase: Option<Phase>,
}

/// Where a workshop script is: what everyone is shown of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub script: String,
    pub title: Text,
    /// From 0.
    pub index: u32,
    pub count: u32,
    pub name: Text,
    #[serde(default)]
    pub hint: Text,
    #[serde(default)]
    pub template: Option<String>,
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
        /// The kinds voted on (see [`Vote::on`]).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        on: Vec<String>,
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
    /// The connection speaks facilitation. `key` is a secret the client
    /// keeps (a browser, in its storage): the server makes the person's
    /// identity (ballot, private notes) from it, the board and the link's
    /// role, so nobody can be someone else without their key. Said once a
    /// connection.
    Hello {
        #[serde(alias = "voter")]
        key: String,
    },
    /// Private mode on: new notes stay with their authors.
    PrivateOn,
    /// Private mode off: every private note goes onto the board.
    Reveal,
    /// Enters phase `index` (from 0) of script `script`.
    Phase {
        script: String,
        index: u32,
    },
    /// Leaves the script (its locks go, its vote closes, notes are revealed).
    PhaseEnd,
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
    Invalid(Notice),
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
    /// The state changed and private notes are to be revealed: put them
    /// on the board.
    Reveal,
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
    /// What the current phase locked (unlocked when it ends).
    #[serde(default)]
    pub phase_locks: BTreeSet<String>,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64
}

impl Vote {
    /// Whether an element of kind `kind` takes votes in this vote.
    pub fn takes(&self, kind: &str) -> bool {
        if self.on.is_empty() {
            kind == "note" || kind == "frame"
        } else {
            self.on.iter().any(|k| k == kind)
        }
    }
}

impl Facilitation {
    /// Applies `command` from someone whose link is `facilitator` (or an
    /// editor), at server time `now`.
    pub fn apply(&mut self, command: Command, role: Role, now: i64) -> Result<Outcome, Refused> {
        if !role.writes() && !matches!(command, Command::Hello { .. }) {
            return Err(Refused::ReadOnly);
        }
        if command.facilitator_only() && role != Role::Facilitator {
            return Err(Refused::NotFacilitator);
        }
        let before = self.clone();
        match command {
            Command::TimerSet { ms } => {
                if !(1000..=MAX_TIMER_MS).contains(&ms) {
                    return Err(Refused::Invalid(Notice::TimerRange));
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
                    return Err(Refused::Invalid(Notice::TimerTooLong));
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
                    return Err(Refused::Invalid(Notice::LockIds));
                }
                self.shown.locked.extend(ids);
            }
            Command::Unlock { ids } => {
                for id in ids {
                    self.shown.locked.remove(&id);
                }
            }
            Command::VoteOpen {
                scope,
                per_person,
                on,
            } => {
                if !(1..=MAX_VOTES).contains(&per_person) {
                    return Err(Refused::Invalid(Notice::VoteBudget));
                }
                if scope.as_deref().is_some_and(|s| !valid_id(s))
                    || on.len() > 4
                    || !on.iter().all(|k| VOTABLE.contains(&k.as_str()))
                {
                    return Err(Refused::Invalid(Notice::VoteScope));
                }
                self.ballots.clear();
                self.shown.vote = Some(Vote {
                    scope,
                    per_person,
                    on,
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
                    return Err(Refused::Invalid(Notice::NoVoteOpen));
                };
                if !valid_id(&voter) || !valid_id(&id) {
                    return Err(Refused::Invalid(Notice::VoteIds));
                }
                let per_person = vote.per_person as usize;
                if !self.ballots.contains_key(&voter) && self.ballots.len() >= MAX_VOTERS {
                    return Err(Refused::Invalid(Notice::TooManyVoters));
                }
                let ballot = self.ballots.entry(voter).or_default();
                if ballot.len() >= per_person {
                    return Err(Refused::Invalid(Notice::NoVotesLeft));
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
            Command::PrivateOn => self.shown.private = true,
            Command::Reveal => {
                let was = std::mem::take(&mut self.shown.private);
                return Ok(if was || self.shown.pooled > 0 {
                    Outcome::Reveal
                } else {
                    Outcome::Same
                });
            }
            // Entering a phase needs the script and the board: see
            // `enter_phase`.
            Command::Phase { .. } => return Err(Refused::Invalid(Notice::UnknownScript)),
            Command::PhaseEnd => {
                let reveal = self.leave_phase();
                self.shown.phase = None;
                return Ok(if reveal {
                    Outcome::Reveal
                } else {
                    Outcome::Changed
                });
            }
            Command::React { emoji, name } => {
                if !EMOJI.contains(&emoji.as_str()) {
                    return Err(Refused::Invalid(Notice::NotAnEmoji));
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

    /// Enters phase `index` of `script` at server time `now`: its timer
    /// (started), private mode, vote and locks replace the last phase's.
    /// `ids_of_kinds` gives the board's elements of the kinds the phase
    /// locks. Returns whether private notes are to be revealed (the last
    /// phase was private and this one is not).
    pub fn enter_phase(
        &mut self,
        script: &Script,
        index: usize,
        now: i64,
        ids_of_kinds: impl FnOnce(&[String]) -> Vec<String>,
    ) -> Result<bool, Refused> {
        let Some(def) = script.phases.get(index) else {
            return Err(Refused::Invalid(Notice::NoSuchPhase));
        };
        let was_private = self.leave_phase_but_private();
        let reveal = (was_private || self.shown.pooled > 0) && !def.private;
        self.shown.private = def.private;
        self.shown.timer = def.minutes.map(|m| {
            let ms = i64::from(m) * 60_000;
            Timer {
                total_ms: ms,
                ends_at: Some(now + ms),
                left_ms: ms,
            }
        });
        if let Some(per_person) = def.vote {
            self.ballots.clear();
            self.shown.vote = Some(Vote {
                scope: None,
                per_person,
                on: def.vote_on.clone(),
                open: true,
                ..Vote::default()
            });
        }
        if !def.lock.is_empty() {
            let ids: BTreeSet<String> = ids_of_kinds(&def.lock)
                .into_iter()
                .filter(|id| !self.shown.locked.contains(id))
                .take(MAX_IDS.saturating_sub(self.shown.locked.len()))
                .collect();
            self.shown.locked.extend(ids.iter().cloned());
            self.phase_locks = ids;
        }
        self.shown.phase = Some(Phase {
            script: script.id.clone(),
            title: script.title.clone(),
            index: index as u32,
            count: script.phases.len() as u32,
            name: def.name.clone(),
            hint: def.hint.clone(),
            template: def.template.clone(),
        });
        Ok(reveal)
    }

    /// Undoes what the current phase set but private mode: its locks go,
    /// its open vote closes (the results stay). Returns whether private
    /// mode is on.
    fn leave_phase_but_private(&mut self) -> bool {
        for id in std::mem::take(&mut self.phase_locks) {
            self.shown.locked.remove(&id);
        }
        if self.shown.vote.as_ref().is_some_and(|v| v.open) {
            let _ = self.apply(Command::VoteClose, Role::Facilitator, 0);
        }
        self.shown.private
    }

    /// Leaves the current phase; returns whether notes are to be revealed.
    fn leave_phase(&mut self) -> bool {
        let private = self.leave_phase_but_private();
        self.shown.private = false;
        private || self.shown.pooled > 0
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
        let role = if facilitator {
            Role::Facilitator
        } else {
            Role::Editor
        };
        f.apply(c, role, now)
    }

    /// The messages both sides exchange, as JSON, read back the same:
    /// every command a client sends, and the state the server sends.
    #[test]
    fn commands_and_states_round_trip_through_json() {
        let ids = vec!["a".to_owned(), "b\"q".to_owned()];
        let commands = [
            Command::TimerSet { ms: 600_000 },
            Command::TimerStart,
            Command::TimerPause,
            Command::TimerAdd { ms: 60_000 },
            Command::TimerClear,
            Command::Follow {
                client: 42,
                name: "Fatou « facilitatrice »".into(),
            },
            Command::Unfollow,
            Command::Lock { ids: ids.clone() },
            Command::Unlock { ids },
            Command::VoteOpen {
                scope: Some("frame-1".into()),
                per_person: 3,
                on: Vec::new(),
            },
            Command::VoteOpen {
                scope: None,
                per_person: 5,
                on: Vec::new(),
            },
            Command::VoteClose,
            Command::VoteClear,
            Command::Vote {
                voter: "v".into(),
                id: "n1".into(),
            },
            Command::Unvote {
                voter: "v".into(),
                id: "n1".into(),
            },
            Command::React {
                emoji: "👍".into(),
                name: "Eve".into(),
            },
            Command::Hello { key: "k".into() },
            Command::PrivateOn,
            Command::Reveal,
            Command::Phase {
                script: "co-construction".into(),
                index: 2,
            },
            Command::PhaseEnd,
        ];
        for command in commands {
            let json = serde_json::to_string(&command).unwrap();
            assert_eq!(
                serde_json::from_str::<Command>(&json).unwrap(),
                command,
                "{json}"
            );
        }
        // What older clients send is still read.
        let hello: Command = serde_json::from_str(r#"{"do":"hello","voter":"k"}"#).unwrap();
        assert_eq!(hello, Command::Hello { key: "k".into() });
        let mut f = Facilitation::default();
        run(&mut f, Command::TimerSet { ms: 60_000 }, true, 0).unwrap();
        run(
            &mut f,
            Command::VoteOpen {
                scope: None,
                per_person: 2,
                on: Vec::new(),
            },
            true,
            0,
        )
        .unwrap();
        run(
            &mut f,
            Command::Lock {
                ids: vec!["x".into()],
            },
            true,
            0,
        )
        .unwrap();
        let state = f.state_for(Some("ben"), 5);
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<State>(&json).unwrap(), state);
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
                on: Vec::new(),
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
        assert_eq!(f.apply(react, Role::Viewer, 0), Err(Refused::ReadOnly));
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
                on: Vec::new(),
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
            Err(Refused::Invalid(Notice::NoVotesLeft))
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
                per_person: 3,
                on: Vec::new(),
            }
        );
    }

    #[test]
    fn each_phase_sets_timer_privacy_vote_and_locks_and_undoes_the_last() {
        let script = Script::parse(crate::script::CO_CONSTRUCTION).unwrap();
        let mut f = Facilitation::default();
        let notes = |kinds: &[String]| {
            assert_eq!(kinds, ["note"]);
            vec!["n1".to_owned(), "n2".to_owned()]
        };
        // 1. Pool privately: 10 minutes running, private on.
        assert_eq!(f.enter_phase(&script, 0, 1_000, notes), Ok(false));
        assert!(f.shown.private);
        assert_eq!(f.shown.timer.as_ref().unwrap().left(1_000), 600_000);
        assert!(f.shown.timer.as_ref().unwrap().running());
        let phase = f.shown.phase.clone().unwrap();
        assert_eq!((phase.index, phase.count), (0, 6));
        // 2. Reveal and cluster: leaving private mode reveals.
        assert_eq!(f.enter_phase(&script, 1, 2_000, notes), Ok(true));
        assert!(!f.shown.private);
        // 3. Vote: 3 dots each, notes locked.
        f.shown.locked.insert("frame-locked-by-hand".into());
        assert_eq!(f.enter_phase(&script, 2, 3_000, notes), Ok(false));
        assert_eq!(
            f.shown.vote.as_ref().map(|v| (v.open, v.per_person)),
            Some((true, 3))
        );
        assert!(f.shown.locked.contains("n1") && f.shown.locked.contains("n2"));
        run(
            &mut f,
            Command::Vote {
                voter: "v".into(),
                id: "n1".into(),
            },
            false,
            3_500,
        )
        .unwrap();
        // 4. An empathy map per cluster: the vote closes with its results,
        // the phase's locks go (not the facilitator's own).
        assert_eq!(f.enter_phase(&script, 3, 4_000, notes), Ok(false));
        let vote = f.shown.vote.clone().unwrap();
        assert!(!vote.open);
        assert_eq!(vote.results, [("n1".to_owned(), 1)]);
        assert_eq!(
            f.shown.locked.iter().collect::<Vec<_>>(),
            ["frame-locked-by-hand"]
        );
        assert_eq!(
            f.shown.phase.as_ref().unwrap().template.as_deref(),
            Some("empathy-map")
        );
        assert!(
            f.enter_phase(&script, 6, 5_000, notes).is_err(),
            "no such phase"
        );
        // Leaving the script from a private phase reveals.
        f.enter_phase(&script, 0, 6_000, notes).unwrap();
        assert_eq!(
            run(&mut f, Command::PhaseEnd, true, 7_000),
            Ok(Outcome::Reveal)
        );
        assert!(f.shown.phase.is_none() && !f.shown.private);
        // Only a facilitator steps through, turns private mode on or reveals.
        for c in [Command::PhaseEnd, Command::PrivateOn, Command::Reveal] {
            assert_eq!(run(&mut f, c, false, 8_000), Err(Refused::NotFacilitator));
        }
        assert_eq!(
            run(&mut f, Command::PrivateOn, true, 8_000),
            Ok(Outcome::Changed)
        );
        assert_eq!(
            run(&mut f, Command::Reveal, true, 8_000),
            Ok(Outcome::Reveal)
        );
        assert_eq!(run(&mut f, Command::Reveal, true, 8_000), Ok(Outcome::Same));
    }
}
