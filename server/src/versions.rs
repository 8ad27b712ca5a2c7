//! A board's history over the JSON API: named versions (whole-document
//! snapshots, taken on demand or by the server at each workshop phase),
//! each viewable as a picture, comparable with another or with the board
//! as it is, and readable by the browser to restore it (as a new change of
//! its own: see `atelier_shared::history::restore`). Also the workshop
//! scripts facilitators can run.

use atelier_shared::api::NewVersion;
use atelier_shared::export::Content;
use atelier_shared::history::{self, Changes, Version};
use atelier_shared::script::Script;
use atelier_shared::{Board, BoardId, Element};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tracing::info;
use yrs::{Doc, ReadTxn, StateVector, Transact};

use crate::AppState;
use crate::access::Role;
use crate::error::AppError;
use crate::guard::BoardAccess;

/// Longest version name, in characters.
const MAX_NAME: usize = 120;
/// Most versions saved by hand on one board (each is a whole document).
const MAX_SAVED: usize = 200;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/scripts", get(scripts))
        .route("/api/boards/{id}/versions", get(list).post(save))
        .route("/api/boards/{id}/versions/{v}/board.svg", get(picture))
        .route("/api/boards/{id}/versions/{v}/elements", get(elements))
        .route("/api/boards/{id}/versions/{v}/changes", get(changes))
}

/// The workshop scripts (anyone may read them).
async fn scripts(State(state): State<AppState>) -> Json<Vec<Script>> {
    Json(state.rooms.ctx.scripts.all().to_vec())
}

async fn list(
    State(state): State<AppState>,
    BoardAccess { id, .. }: BoardAccess,
) -> Result<Json<Vec<Version>>, AppError> {
    Ok(Json(state.store.versions(&id).await?))
}

/// Keeps the board as it is (everything stored) under a name (editors).
async fn save(
    State(state): State<AppState>,
    access: BoardAccess,
    Json(new): Json<NewVersion>,
) -> Result<(StatusCode, Json<Version>), AppError> {
    let id = access.at_least(&state, Role::Editor)?.id;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::BadRequest(format!(
            "a version's name: 1 to {MAX_NAME} characters"
        )));
    }
    atelier_shared::names::check(name)
        .map_err(|why| AppError::BadRequest(format!("a version's name: {why}")))?;
    state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    let saved = state.store.versions(&id).await?;
    if saved.iter().filter(|v| !v.auto).count() >= MAX_SAVED {
        return Err(AppError::BadRequest(format!(
            "this board already keeps {MAX_SAVED} saved versions"
        )));
    }
    let doc = crate::api::board_doc(&state, &id).await?;
    let bytes =
        crate::api::blocking(move || Ok(doc.transact().encode_diff_v1(&StateVector::default())))
            .await?;
    let version = state.store.save_version(&id, name, false, bytes).await?;
    info!(board = %id, version = version.id, "version saved");
    Ok((StatusCode::CREATED, Json(version)))
}

/// A version's document, or the board as it is for `now`.
async fn doc_at(state: &AppState, id: &BoardId, version: &str) -> Result<Doc, AppError> {
    if version == "now" {
        return crate::api::board_doc(state, id).await;
    }
    let v: i64 = version.parse().map_err(|_| AppError::NotFound)?;
    let bytes = state
        .store
        .version(id, v)
        .await?
        .ok_or(AppError::NotFound)?;
    let stored = crate::store::StoredDoc {
        snapshot: Some(bytes),
        ..Default::default()
    };
    let board = id.clone();
    let doc = crate::api::blocking(move || Ok(crate::store::doc_of(&board, &stored))).await?;
    Ok(doc?)
}

fn elements_of(doc: &Doc) -> Vec<Element> {
    let board = Board::new(doc);
    board.elements().all(&doc.transact())
}

/// A version as an SVG picture (viewed read-only in the browser).
async fn picture(
    State(state): State<AppState>,
    BoardAccess { id, .. }: BoardAccess,
    Path((_, v)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let doc = doc_at(&state, &id, &v).await?;
    let svg = crate::api::blocking(move || {
        let content = Content::read(&Board::new(&doc), &doc.transact());
        atelier_shared::svg::svg(&content, None).ok_or(AppError::NotFound)
    })
    .await?;
    let disposition = format!("inline; filename=\"{id}-version-{v}.svg\"");
    let mut response = (
        [
            (header::CONTENT_TYPE, crate::api::SVG.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        svg,
    )
        .into_response();
    crate::api::picture_policy(response.headers_mut());
    Ok(response)
}

/// A version's elements as a yrs update the board's own reader reads
/// (what the browser restores from).
async fn elements(
    State(state): State<AppState>,
    BoardAccess { id, .. }: BoardAccess,
    Path((_, v)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let doc = doc_at(&state, &id, &v).await?;
    let update =
        crate::api::blocking(move || Ok(atelier_shared::clip::to_update(&elements_of(&doc))))
            .await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], update).into_response())
}

#[derive(Deserialize)]
struct ChangesQuery {
    /// The later version's id, or `now` (the default).
    to: Option<String>,
}

/// What changed from version `v` to another (or to the board as it is).
async fn changes(
    State(state): State<AppState>,
    BoardAccess { id, .. }: BoardAccess,
    Path((_, v)): Path<(String, String)>,
    Query(query): Query<ChangesQuery>,
) -> Result<Json<Changes>, AppError> {
    let old = doc_at(&state, &id, &v).await?;
    let to = query.to.as_deref().unwrap_or("now");
    let new = doc_at(&state, &id, to).await?;
    let changes =
        crate::api::blocking(move || Ok(history::diff(&elements_of(&old), &elements_of(&new))))
            .await?;
    Ok(Json(changes))
}
