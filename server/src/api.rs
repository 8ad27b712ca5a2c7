//! The JSON API: list, create, read and rename boards.

use atelier_shared::export::{self, Content};
use atelier_shared::templates::{self, Lang};
use atelier_shared::{Board, BoardId, BoardMeta};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use yrs::{Doc, Transact};

use crate::AppState;
use crate::error::AppError;
use crate::store::{BoardInfo, StoreError, now_ms};

/// Longest board title accepted, in characters.
const MAX_TITLE: usize = 200;
/// Longest template name accepted.
const MAX_TEMPLATE: usize = 64;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/boards", get(list).post(create))
        .route("/api/boards/{id}", get(read).patch(update))
        .route("/api/boards/{id}/export/{file}", get(export))
}

/// A board's personas as a Markdown report (`personas.md`), its personas
/// and notes as JSON (`board.json`, re-importable), its notes as CSV
/// (`notes.csv`), the board or a frame as SVG (`board.svg?frame=…`), read
/// from what is stored (everything any client has seen).
#[derive(Deserialize)]
struct ExportQuery {
    /// For `board.svg`: only this frame and what it holds.
    frame: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let id: BoardId = id.parse()?;
    let info = state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    let stored = state.store.load(&id).await?;
    let doc = crate::room::doc_of(&id, &stored);
    let content = Content::read(&Board::new(&doc), &doc.transact());
    let (body, mime) = match file.as_str() {
        "personas.md" => (export::markdown(&content), "text/markdown; charset=utf-8"),
        "board.json" => (
            serde_json::to_string_pretty(&export::to_json(&content))
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
            "application/json",
        ),
        "notes.csv" => (export::notes_csv(&content), "text/csv; charset=utf-8"),
        "board.svg" => (
            atelier_shared::svg::svg(&content, query.frame.as_deref()).ok_or(AppError::NotFound)?,
            "image/svg+xml",
        ),
        _ => return Err(AppError::NotFound),
    };
    // The file is named after the board: letters, digits and dashes.
    let stem: String = info
        .title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let stem = if stem.is_empty() {
        id.to_string()
    } else {
        stem
    };
    let disposition = format!("attachment; filename=\"{stem}-{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewBoard {
    #[serde(default)]
    title: String,
    #[serde(default)]
    template: Option<String>,
    /// `en` or `fr`: the language of the template's texts.
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoardPatch {
    title: Option<String>,
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<BoardInfo>>, AppError> {
    Ok(Json(state.store.list().await?))
}

async fn create(
    State(state): State<AppState>,
    Json(new): Json<NewBoard>,
) -> Result<(StatusCode, Json<BoardInfo>), AppError> {
    let title = valid_title(new.title)?;
    let template = new.template.unwrap_or_else(|| "blank".into());
    if template.len() > MAX_TEMPLATE || template != "blank" && templates::find(&template).is_none()
    {
        let known: Vec<&str> = templates::TEMPLATES.iter().map(|t| t.id).collect();
        return Err(AppError::BadRequest(format!(
            "template: one of blank, {}",
            known.join(", ")
        )));
    }
    let lang = match new.lang.as_deref() {
        None | Some("en") => Lang::En,
        Some("fr") => Lang::Fr,
        Some(_) => return Err(AppError::BadRequest("lang: en or fr".into())),
    };
    let now = now_ms();
    let meta = BoardMeta {
        title,
        template,
        created: now,
        lang: lang.code().to_owned(),
    };
    // The first update writes `meta` (and the template's elements) into the
    // document, so every client reads them from the board itself.
    let first_update = {
        let doc = Doc::new();
        let board = Board::new(&doc);
        let mut txn = doc.transact_mut();
        board.init(&mut txn, &meta);
        let mut n = 0u32;
        let elements = templates::build(&meta.template, lang, (0.0, 0.0), 1.0, "", now, || {
            n += 1;
            format!("t{n}")
        });
        for element in elements.iter().flatten() {
            board.elements().insert(&mut txn, element);
        }
        txn.encode_update_v1()
    };
    for _ in 0..3 {
        let id = BoardId::random(rand::random::<u64>);
        let info = BoardInfo {
            id: id.to_string(),
            title: meta.title.clone(),
            template: meta.template.clone(),
            created: now,
            updated: now,
        };
        match state.store.create(&info, first_update.clone()).await {
            Ok(()) => return Ok((StatusCode::CREATED, Json(info))),
            Err(StoreError::Exists) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(AppError::Store(StoreError::Exists))
}

async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<BoardInfo>, AppError> {
    let id: BoardId = id.parse()?;
    info(&state, &id).await
}

async fn info(state: &AppState, id: &BoardId) -> Result<Json<BoardInfo>, AppError> {
    state
        .store
        .info(id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(patch): Json<BoardPatch>,
) -> Result<Json<BoardInfo>, AppError> {
    let id: BoardId = id.parse()?;
    // 404 before anything is loaded.
    let _exists = info(&state, &id).await?;
    if let Some(title) = patch.title {
        state.rooms.set_title(&id, valid_title(title)?).await?;
    }
    info(&state, &id).await
}

fn valid_title(title: String) -> Result<String, AppError> {
    let title = title.trim().to_owned();
    if title.chars().count() > MAX_TITLE {
        return Err(AppError::BadRequest(format!(
            "title: at most {MAX_TITLE} characters"
        )));
    }
    if title.chars().any(char::is_control) {
        return Err(AppError::BadRequest("title: no control characters".into()));
    }
    Ok(title)
}
