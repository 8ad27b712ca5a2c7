//! What a link lets its holder do on a board: the role the server checks
//! and the facilitation commands are allowed by.

use serde::{Deserialize, Serialize};

/// What a link lets its holder do on a board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Facilitator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Facilitator, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Facilitator => "facilitator",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role may change the board's document.
    pub fn writes(self) -> bool {
        self != Role::Viewer
    }
}
