//! One extractor authorises every board route: [`BoardAccess`] reads the
//! board's id from the path (`{id}` or `{board}`) and the caller's token
//! (`Authorization: Bearer …`, else `?t=…`: links and downloads cannot set
//! headers), and checks it against the board's link generations. A handler
//! that takes it runs only for a caller the board lets in; one that needs
//! more than a viewer says so with [`BoardAccess::at_least`] or
//! [`BoardAccess::admin`].
//!
//! Answers: 400 for a malformed board id, 401 without a token, 403 for a
//! token that is forged, expired, revoked, for another board or too weak.

use std::collections::HashMap;

use atelier_shared::BoardId;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use tracing::debug;

use crate::AppState;
use crate::access::{self, Grant, Refusal, Role};
use crate::error::AppError;

/// A caller let into board `id` with `grant`.
#[derive(Debug, Clone)]
pub(crate) struct BoardAccess {
    pub(crate) id: BoardId,
    pub(crate) grant: Grant,
}

#[derive(Deserialize)]
struct TokenQuery {
    t: Option<String>,
}

impl FromRequestParts<AppState> for BoardAccess {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let id: BoardId = params
            .get("id")
            .or_else(|| params.get("board"))
            .ok_or(AppError::NotFound)?
            .parse()?;
        let query = Query::<TokenQuery>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| q.t)
            .unwrap_or_default();
        let grant = authorize(state, &id, &parts.headers, query.as_deref()).await?;
        Ok(BoardAccess { id, grant })
    }
}

impl BoardAccess {
    /// The caller's role must be at least `least` (403 otherwise).
    pub(crate) fn at_least(self, state: &AppState, least: Role) -> Result<BoardAccess, AppError> {
        if self.grant.role >= least {
            return Ok(self);
        }
        state.metrics.access_refused.inc();
        Err(match least {
            Role::Facilitator => Refusal::NotFacilitator,
            _ => Refusal::ReadOnly,
        }
        .into())
    }
}

/// The token a request carries: `Authorization: Bearer …`, else `query`.
pub(crate) fn token_of<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or(query)
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// What the request's token lets it do on `board` (the instance admin
/// token: everything). Refused: missing, forged, expired or revoked.
async fn authorize(
    state: &AppState,
    board: &BoardId,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Grant, AppError> {
    let token = token_of(headers, query).ok_or(Refusal::Missing)?;
    if access::is_admin(
        state.config.admin_token.as_ref().map(|s| s.0.as_str()),
        token,
    ) {
        return Ok(Grant::ADMIN);
    }
    let generations = state.store.links(board).await?;
    match state
        .keys
        .check(board, token, &generations, access::now_secs())
    {
        Ok(grant) => Ok(grant),
        Err(refusal) => {
            state.metrics.access_refused.inc();
            debug!(board = %board, %refusal, "token refused");
            Err(refusal.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Method, Request};
    use tower::ServiceExt;

    use super::*;
    use crate::store::BoardInfo;
    use crate::{Config, Keys, MemoryStore, Secret};

    const ADMIN: &str = "the-instance-admin-token";

    async fn state_with_board(id: &BoardId) -> AppState {
        let store = Arc::new(MemoryStore::new());
        let info = BoardInfo {
            id: id.to_string(),
            title: "Guarded".into(),
            template: String::new(),
            created: 0,
            updated: 0,
        };
        crate::Store::create(&*store, &info, Vec::new())
            .await
            .unwrap();
        let config = Config {
            admin_token: Some(Secret(ADMIN.into())),
            ..Config::default()
        };
        AppState::new(config, store, Keys::new(b"a secret for the guard's tests"))
    }

    /// The status of `method path` with `token` (as a Bearer header).
    async fn status(state: &AppState, method: Method, path: &str, token: Option<&str>) -> u16 {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = if path.ends_with("/versions") {
            Body::from(r#"{"name":"v"}"#)
        } else {
            Body::from("{}")
        };
        let request = request
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .unwrap();
        crate::app(state.clone())
            .oneshot(request)
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    #[tokio::test]
    async fn every_board_route_answers_401_403_and_404_through_one_guard() {
        let id: BoardId = "guarded-board".parse().unwrap();
        let other: BoardId = "another-board".parse().unwrap();
        let state = state_with_board(&id).await;
        let mint = |board: &BoardId, role| state.keys.mint(board, role, 0, 0);
        let viewer = mint(&id, Role::Viewer);
        let editor = mint(&id, Role::Editor);
        let facilitator = mint(&id, Role::Facilitator);
        let b = format!("/api/boards/{id}");
        let routes = [
            (Method::GET, b.clone(), Role::Viewer),
            (Method::PATCH, b.clone(), Role::Editor),
            (Method::GET, format!("{b}/links"), Role::Facilitator),
            (Method::POST, format!("{b}/duplicate"), Role::Viewer),
            (Method::GET, format!("{b}/export/notes.csv"), Role::Viewer),
            (Method::POST, format!("{b}/import/json"), Role::Editor),
            (Method::GET, format!("{b}/versions"), Role::Viewer),
            (Method::POST, format!("{b}/versions"), Role::Editor),
            (
                Method::GET,
                format!("{b}/versions/now/changes"),
                Role::Viewer,
            ),
            (
                Method::GET,
                format!("{b}/versions/now/elements"),
                Role::Viewer,
            ),
            (
                Method::GET,
                format!("{b}/versions/now/board.svg"),
                Role::Viewer,
            ),
            // Last: it revokes the viewers' link.
            (Method::POST, format!("{b}/links/viewer"), Role::Facilitator),
        ];
        for (method, path, least) in &routes {
            let at = |s: u16| format!("{method} {path}: {s}");
            // No token: 401. Forged, or another board's: 403.
            let s = status(&state, method.clone(), path, None).await;
            assert_eq!(s, 401, "{}", at(s));
            let s = status(&state, method.clone(), path, Some("v1.forged.token")).await;
            assert_eq!(s, 403, "{}", at(s));
            let foreign = mint(&other, Role::Facilitator);
            let s = status(&state, method.clone(), path, Some(&foreign)).await;
            assert_eq!(s, 403, "{}", at(s));
            // A role below the route's: 403; at it: let in.
            for (role, token) in [
                (Role::Viewer, &viewer),
                (Role::Editor, &editor),
                (Role::Facilitator, &facilitator),
            ] {
                let s = status(&state, method.clone(), path, Some(token)).await;
                if role < *least {
                    assert_eq!(s, 403, "{} as {role:?}", at(s));
                } else {
                    assert!(![401, 403, 404].contains(&s), "{} as {role:?}", at(s));
                }
            }
        }
        // The viewers' link was regenerated: the old one is refused.
        assert_eq!(status(&state, Method::GET, &b, Some(&viewer)).await, 403);
        // Deleting is the facilitators' (and the admin's), not an editor's.
        let s = status(&state, Method::DELETE, &b, Some(&editor)).await;
        assert_eq!(s, 403);
        // A board that does not exist, with a link signed for it: 404.
        let missing: BoardId = "no-such-board".parse().unwrap();
        let token = mint(&missing, Role::Facilitator);
        let path = format!("/api/boards/{missing}");
        assert_eq!(status(&state, Method::GET, &path, Some(&token)).await, 404);
        assert_eq!(
            status(&state, Method::DELETE, &path, Some(ADMIN)).await,
            404
        );
        // A malformed board id: 400, before any token is read.
        assert_eq!(
            status(&state, Method::GET, "/api/boards/..%2F", None).await,
            400
        );
        // Its facilitator deletes; then the board is gone for every link.
        assert_eq!(
            status(&state, Method::DELETE, &b, Some(&facilitator)).await,
            204
        );
        assert_eq!(status(&state, Method::GET, &b, Some(ADMIN)).await, 404);
        assert_eq!(status(&state, Method::DELETE, &b, Some(ADMIN)).await, 404);
    }
}
