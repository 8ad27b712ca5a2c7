//! The JSON bodies of the server's API that the browser sends and reads:
//! one type each, used by the server and by the client.

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

/// A new board (`POST /api/boards`): its title, and the template and the
/// language of its texts, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBoard {
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// `en` or `fr`: the language of the template's texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// A change to a board's metadata (`PATCH /api/boards/{id}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A version to keep (`POST /api/boards/{id}/versions`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    pub name: String,
}

/// An image the board keeps (`POST /api/boards/{id}/images`): its id
/// and size in pixels.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedImage {
    pub id: String,
    pub width: u32,
    pub height: u32,
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
        let new = NewBoard {
            title: "Ateliers".into(),
            template: Some("personas".into()),
            lang: Some("fr".into()),
        };
        let json = serde_json::to_string(&new).unwrap();
        assert_eq!(serde_json::from_str::<NewBoard>(&json).unwrap(), new);
        // What the API has always taken: fields left out, nothing else.
        assert_eq!(
            serde_json::from_str::<NewBoard>("{}").unwrap(),
            NewBoard::default()
        );
        assert!(serde_json::from_str::<NewBoard>(r#"{"owner":"x"}"#).is_err());
        let patch = BoardPatch {
            title: Some("Renamed".into()),
        };
        let json = serde_json::to_string(&patch).unwrap();
        assert_eq!(serde_json::from_str::<BoardPatch>(&json).unwrap(), patch);
        let version = NewVersion {
            name: "Phase 2".into(),
        };
        let json = serde_json::to_string(&version).unwrap();
        assert_eq!(serde_json::from_str::<NewVersion>(&json).unwrap(), version);
    }
}
