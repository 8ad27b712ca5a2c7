//! Workshop scripts: the guided method a facilitator steps through, one
//! phase at a time. A script is data (JSON, see
//! `assets/scripts/co-construction.json`), not code: each phase says how
//! long it runs, whether notes are private, whether a dot vote is open,
//! which kinds of element are locked, and which template it works on.
//! Entering a phase ([`crate::facilitation::Facilitation::enter_phase`])
//! sets all of that at once.

use serde::{Deserialize, Serialize};

/// Most votes per person in a dot vote.
pub const MAX_VOTES: u8 = 20;

/// A text in the two languages of the interface.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub en: String,
    /// The English text when missing.
    #[serde(default)]
    pub fr: String,
}

impl Text {
    pub fn get(&self, french: bool) -> &str {
        if french && !self.fr.is_empty() {
            &self.fr
        } else {
            &self.en
        }
    }
}

/// One step of a script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseDef {
    pub name: Text,
    /// What the participants do, in a sentence or two.
    #[serde(default)]
    pub hint: Text,
    /// The timer, started when the phase begins (none: the timer is cleared).
    #[serde(default)]
    pub minutes: Option<u32>,
    /// New notes are seen only by their author while the phase runs; the
    /// next phase without it reveals them.
    #[serde(default)]
    pub private: bool,
    /// A dot vote on the whole board with so many votes a person, closed
    /// (results shown) when the phase ends.
    #[serde(default)]
    pub vote: Option<u8>,
    /// The kinds of element the vote is on (`frame`: the clusters); none
    /// named, notes and frames.
    #[serde(default)]
    pub vote_on: Vec<String>,
    /// Kinds of element locked while the phase runs (`note`, `frame`, …).
    #[serde(default)]
    pub lock: Vec<String>,
    /// The template the phase works on (offered to the facilitator).
    #[serde(default)]
    pub template: Option<String>,
}

/// The kinds of element a vote may be on.
pub const VOTABLE: [&str; 4] = ["note", "frame", "persona", "shape"];

/// A workshop script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Text,
    pub phases: Vec<PhaseDef>,
}

/// Why a script file cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScriptError {
    #[error("not a script: {0}")]
    Json(String),
    #[error("script id: 1 to 64 letters, digits or dashes")]
    Id,
    #[error("a script has 1 to 30 phases")]
    Phases,
    #[error("phase {0}: {1}")]
    Phase(usize, &'static str),
}

/// The one shipped with Atelier.
pub const CO_CONSTRUCTION: &str = include_str!("../../assets/scripts/co-construction.json");

impl Script {
    /// Reads and checks a script.
    pub fn parse(json: &str) -> Result<Script, ScriptError> {
        let script: Script =
            serde_json::from_str(json).map_err(|e| ScriptError::Json(e.to_string()))?;
        let id_ok = !script.id.is_empty()
            && script.id.len() <= 64
            && script
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !id_ok {
            return Err(ScriptError::Id);
        }
        if !(1..=30).contains(&script.phases.len()) {
            return Err(ScriptError::Phases);
        }
        for (i, phase) in script.phases.iter().enumerate() {
            let n = i + 1;
            if phase.name.en.trim().is_empty() {
                return Err(ScriptError::Phase(n, "a name is needed"));
            }
            if phase.minutes.is_some_and(|m| !(1..=240).contains(&m)) {
                return Err(ScriptError::Phase(n, "minutes: 1 to 240"));
            }
            if phase.vote.is_some_and(|v| !(1..=MAX_VOTES).contains(&v)) {
                return Err(ScriptError::Phase(n, "vote: 1 to 20 votes a person"));
            }
            if phase.vote_on.len() > 4
                || !phase.vote_on.iter().all(|k| VOTABLE.contains(&k.as_str()))
            {
                return Err(ScriptError::Phase(
                    n,
                    "vote_on: note, frame, persona, shape",
                ));
            }
            if phase.lock.len() > 8 {
                return Err(ScriptError::Phase(n, "lock: at most 8 kinds"));
            }
        }
        Ok(script)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_script_is_the_co_construction_method() {
        let script = Script::parse(CO_CONSTRUCTION).unwrap();
        assert_eq!(script.id, "co-construction");
        let p = &script.phases;
        assert_eq!(p.len(), 6);
        assert!(
            p[0].private && p[0].minutes == Some(10),
            "pool privately, 10 min"
        );
        assert!(!p[1].private, "reveal and cluster");
        assert_eq!(p[2].vote, Some(3), "3 dots each");
        // The analysis first: an empathy map per cluster, then the
        // personas drafted from the maps, then the primary's journey.
        assert_eq!(p[3].template.as_deref(), Some("empathy-map"));
        assert_eq!(p[4].template.as_deref(), Some("personas"));
        assert_eq!(p[5].template.as_deref(), Some("journey-map"));
        for phase in p {
            assert!(!phase.name.fr.is_empty() && !phase.hint.en.is_empty());
        }
    }

    #[test]
    fn bad_scripts_are_refused_with_the_reason() {
        assert!(matches!(Script::parse("{"), Err(ScriptError::Json(_))));
        let base = r#"{"id":"x y","title":{"en":"T"},"phases":[{"name":{"en":"A"}}]}"#;
        assert_eq!(Script::parse(base), Err(ScriptError::Id));
        let none = r#"{"id":"x","title":{"en":"T"},"phases":[]}"#;
        assert_eq!(Script::parse(none), Err(ScriptError::Phases));
        let long = r#"{"id":"x","title":{"en":"T"},"phases":[{"name":{"en":"A"},"minutes":999}]}"#;
        assert_eq!(
            Script::parse(long),
            Err(ScriptError::Phase(1, "minutes: 1 to 240"))
        );
        let typo = r#"{"id":"x","title":{"en":"T"},"phases":[{"name":{"en":"A"},"minutse":9}]}"#;
        assert!(matches!(Script::parse(typo), Err(ScriptError::Json(_))));
        let ok = r#"{"id":"x","title":{"en":"T"},"phases":[{"name":{"en":"A"}}]}"#;
        let s = Script::parse(ok).unwrap();
        assert_eq!(
            s.phases[0].name.get(true),
            "A",
            "English stands in for French"
        );
    }
}
