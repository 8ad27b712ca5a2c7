//! Verbatims are personal data: interviewees pseudonymised as their notes
//! are imported (the names kept here, apart from the board, for its
//! facilitators only, and forgotten on demand), and an interviewee erased
//! from a board everywhere.

use atelier_shared::BoardId;
use atelier_shared::erase::{Erased, Scrub};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tracing::info;

use crate::AppState;
use crate::access::Role;
use crate::error::AppError;
use crate::guard::BoardAccess;

/// Most names pseudonymised in one request (an import's interviewees).
const MAX_NAMES: usize = 1_000;
/// Longest name or code, in characters.
const MAX_NAME: usize = 200;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/boards/{id}/erase", post(erase))
        .route("/api/boards/{id}/redact", post(redact))
        .route(
            "/api/boards/{id}/pseudonyms",
            post(pseudonymise).get(pseudonyms).delete(forget),
        )
}

/// An interviewee to erase from a board, by their code on the notes;
/// without `confirm`, only what it would take is counted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EraseRequest {
    interviewee: String,
    #[serde(default)]
    confirm: bool,
}

/// Erases an interviewee (facilitators): every note from them and every
/// citation of those notes, in the board, the private notes, the stored
/// log and every version, and the name behind their code; or,
/// unconfirmed, counts what that would take.
async fn erase(
    State(state): State<AppState>,
    access: BoardAccess,
    Json(request): Json<EraseRequest>,
) -> Result<Json<Erased>, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    let interviewee = request.interviewee.trim();
    if interviewee.is_empty() || interviewee.chars().count() > 64 {
        return Err(AppError::BadRequest(
            "interviewee: their code, 1 to 64 characters".into(),
        ));
    }
    state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    let what = Scrub::Interviewee(interviewee.to_owned());
    let erased = state.rooms.erase(&id, what, request.confirm).await?;
    if request.confirm {
        state
            .store
            .forget_pseudonyms(&id, Some(interviewee.to_owned()))
            .await?;
    }
    Ok(Json(erased))
}

/// A span of a note to redact; without `confirm`, only counted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedactRequest {
    note: String,
    span: String,
    #[serde(default)]
    confirm: bool,
}

/// Longest span redacted at once, in characters (a note is at most a few
/// thousand).
const MAX_SPAN: usize = 2_000;

/// Redacts a span of a note (facilitators): each time it occurs in the
/// note, in the board, the private notes, the stored log and every
/// version, it becomes `█████`; or, unconfirmed, counts the occurrences
/// (`notes`) and the versions that hold it.
async fn redact(
    State(state): State<AppState>,
    access: BoardAccess,
    Json(request): Json<RedactRequest>,
) -> Result<Json<Erased>, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    let span_len = request.span.chars().count();
    if request.span.trim().is_empty() || span_len > MAX_SPAN {
        return Err(AppError::BadRequest(format!(
            "span: the text to redact, 1 to {MAX_SPAN} characters"
        )));
    }
    if request.note.is_empty() || request.note.len() > 64 {
        return Err(AppError::BadRequest("note: a note's id".into()));
    }
    state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    let what = Scrub::Span {
        note: request.note,
        span: request.span,
    };
    Ok(Json(state.rooms.erase(&id, what, request.confirm).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    names: Vec<String>,
}

#[derive(Serialize)]
struct Codes {
    codes: Vec<String>,
}

/// The codes of the interviewees named (whoever imports notes: editors):
/// a name met before keeps its code. Names are not given back here.
async fn pseudonymise(
    State(state): State<AppState>,
    access: BoardAccess,
    Json(request): Json<Names>,
) -> Result<Json<Codes>, AppError> {
    let id = access.at_least(&state, Role::Editor)?.id;
    if request.names.len() > MAX_NAMES {
        return Err(AppError::BadRequest(format!(
            "at most {MAX_NAMES} names at once"
        )));
    }
    let names: Vec<String> = request.names.iter().map(|n| n.trim().to_owned()).collect();
    if names
        .iter()
        .any(|n| n.is_empty() || n.chars().count() > MAX_NAME)
    {
        return Err(AppError::BadRequest(format!(
            "a name: 1 to {MAX_NAME} characters"
        )));
    }
    state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    let codes = state.store.pseudonymise(&id, names).await?;
    Ok(Json(Codes { codes }))
}

#[derive(Serialize)]
struct Pseudonym {
    code: String,
    name: String,
}

/// Who is behind each code (facilitators).
async fn pseudonyms(
    State(state): State<AppState>,
    access: BoardAccess,
) -> Result<Json<Vec<Pseudonym>>, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    let all = state.store.pseudonyms(&id).await?;
    Ok(Json(
        all.into_iter()
            .map(|(code, name)| Pseudonym { code, name })
            .collect(),
    ))
}

#[derive(Deserialize)]
struct Which {
    code: Option<String>,
}

/// Forgets the name behind one code (`?code=P03`) or behind every code
/// (facilitators): the board keeps its codes.
async fn forget(
    State(state): State<AppState>,
    access: BoardAccess,
    Query(which): Query<Which>,
) -> Result<StatusCode, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    forget_names(&state, &id, which.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forgets the name behind `code`, or behind every code, on the board
/// and on the disk (the store is scrubbed).
pub(crate) async fn forget_names(
    state: &AppState,
    id: &BoardId,
    code: Option<String>,
) -> Result<(), AppError> {
    state.store.info(id).await?.ok_or(AppError::NotFound)?;
    let forgotten = state.store.forget_pseudonyms(id, code).await?;
    info!(board = %id, forgotten, "pseudonyms forgotten");
    state.store.scrub().await?;
    Ok(())
}
