//! The JSON bodies of the server's API that the browser reads: one type
//! each, serialised by the server and read by the client.

use serde::{Deserialize, Serialize};

use crate::{BoardInfo, Role};

/// A board as the API returns it: its metadata, the caller's role, and
/// for its creator the facilitator's token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    #[serde(flatten)]
    pub info: BoardInfo,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// The tokens of a board's three share links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    pub facilitator: String,
    pub editor: String,
    pub viewer: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_bodies_round_trip_through_json() {
        let view = BoardView {
            info: BoardInfo {
                id: "ateliers-sinistres".into(),
                title: "Parcours « sinistre »".into(),
                template: "journey-map".into(),
                created: 1,
                updated: 2,
            },
            role: Role::Editor,
            token: None,
        };
        let json = serde_json::to_string(&view).unwrap();
        // Flat, as the API has always answered; no token unless there is one.
        assert!(json.contains(r#""id":"ateliers-sinistres""#) && !json.contains("token"));
        assert_eq!(serde_json::from_str::<BoardView>(&json).unwrap(), view);
        let with_token = BoardView {
            token: Some("t".into()),
            role: Role::Facilitator,
            ..view
        };
        let json = serde_json::to_string(&with_token).unwrap();
        assert_eq!(
            serde_json::from_str::<BoardView>(&json).unwrap(),
            with_token
        );
        let links = Links {
            facilitator: "f".into(),
            editor: "e".into(),
            viewer: "v".into(),
        };
        let json = serde_json::to_string(&links).unwrap();
        assert_eq!(serde_json::from_str::<Links>(&json).unwrap(), links);
    }
}
