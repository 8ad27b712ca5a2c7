//! The JSON API: list, create, read, rename and delete boards, their share
//! links and their exports. Every board route checks the caller's token.

use std::collections::HashMap;

use atelier_shared::api::{BoardPatch, BoardView, Links, NewBoard};
use atelier_shared::export::{self, Content};
use atelier_shared::facilitation::Facilitation;
use atelier_shared::import;
use atelier_shared::templates::{self, Lang};
use atelier_shared::{Board, BoardId, BoardMeta};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tracing::info;
use yrs::{Doc, ReadTxn, Transact};

use crate::AppState;
use crate::access::{self, Generations, Grant, Refusal, Role};
use crate::error::AppError;
use crate::guard::{BoardAccess, token_of};
use crate::store::{BoardInfo, StoreError, now_ms};

/// Longest board title accepted, in characters.
const MAX_TITLE: usize = 200;
/// Longest template name accepted.
const MAX_TEMPLATE: usize = 64;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/boards", get(list).post(create))
        .route("/api/boards/{id}", get(read).patch(update).delete(delete))
        .route("/api/boards/{id}/duplicate", post(duplicate))
        .route("/api/templates/{template}/elements", get(template_elements))
        .route("/api/boards/{id}/links", get(links))
        .route("/api/boards/{id}/links/{role}", post(regenerate))
        .route("/api/boards/{id}/export/{file}", get(export))
        .route(
            "/api/boards/{id}/import/json",
            post(read_export).layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT)),
        )
        .route(
            "/api/boards/{id}/import/read",
            post(read_import).layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT)),
        )
}

/// Notes to import, as the browser sends them to be read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportText {
    /// The file's name (empty for a paste).
    #[serde(default)]
    name: String,
    text: String,
    /// The reader's language (`en`, `fr`), for why a table does not read.
    #[serde(default)]
    lang: String,
}

/// Reads notes to import for the browser (editors): the format the text
/// looks like and the text as a table (`import::Reading`). Nothing is
/// written: the browser maps the columns and adds the notes itself.
async fn read_import(
    State(state): State<AppState>,
    access: BoardAccess,
    Json(import): Json<ImportText>,
) -> Result<Json<import::Reading>, AppError> {
    access.at_least(&state, Role::Editor)?;
    if import.text.len() > import::MAX_BYTES {
        let bytes = import.text.len();
        return Err(AppError::BadRequest(
            import::ImportError::TooLarge { bytes }.to_string(),
        ));
    }
    let name: String = import.name.chars().take(260).collect();
    let lang = Lang::parse(&import.lang);
    Ok(Json(
        blocking(move || Ok(import::read(&name, &import.text, lang))).await?,
    ))
}

/// Largest JSON export read back, in bytes.
const MAX_IMPORT: usize = 16 * 1024 * 1024;

/// A fresh element id, as the browser makes them: 12 random characters
/// of `0-9a-z`.
fn fresh_id() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..12)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[derive(Deserialize)]
struct TemplateQuery {
    /// `en` or `fr` (English otherwise).
    #[serde(default)]
    lang: String,
}

/// A template's elements for the browser to insert into an open board:
/// built at the origin, nobody's, stacked from z 0, with fresh ids, as a
/// yrs update the board's clip reader reads. The browser moves them to
/// where they go and makes them its user's, in one undo step. (Templates
/// are built here, not in the browser: their texts in both languages stay
/// out of the web app's first load.) Anyone may read a template.
async fn template_elements(
    Path(template): Path<String>,
    Query(query): Query<TemplateQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&query.lang);
    let elements = templates::build(&template, &templates::Placement::origin(lang), fresh_id)
        .ok_or(AppError::NotFound)?;
    let update = atelier_shared::clip::to_update(&elements);
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], update).into_response())
}

/// Most image bytes one downloaded picture holds; past it, an image is
/// drawn as its frame.
const MAX_INLINE_IMAGES: usize = 24 * 1024 * 1024;

/// The board's images as `data:` addresses, by id, up to
/// [`MAX_INLINE_IMAGES`] bytes in all.
async fn inline_images(
    state: &AppState,
    id: &BoardId,
    doc: &Doc,
) -> Result<HashMap<String, String>, AppError> {
    use base64::Engine;
    let ids: Vec<String> = {
        let content = Content::read(&Board::new(doc), &doc.transact());
        content.image_ids().into_iter().map(str::to_owned).collect()
    };
    let mut inline = HashMap::new();
    let mut total = 0;
    for image in ids {
        let Some((mime, bytes)) = state.store.image(id, &image).await? else {
            continue;
        };
        total += bytes.len();
        if total > MAX_INLINE_IMAGES {
            break;
        }
        let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
        inline.insert(image, format!("data:{mime};base64,{data}"));
    }
    Ok(inline)
}

/// A JSON export (`atelier.board/1`) read for the browser: its elements
/// with fresh ids, as a yrs update the board's own reader reads
/// (`application/octet-stream`). Nothing is written: the browser adds them
/// to its board, in its own undo step.
async fn read_export(
    State(state): State<AppState>,
    access: BoardAccess,
    body: String,
) -> Result<Response, AppError> {
    access.at_least(&state, Role::Editor)?;
    let mut fresh = fresh_id;
    let update = blocking(move || {
        let elements = export::from_json(&body, Some(&mut fresh))
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(atelier_shared::clip::to_update(&elements))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], update).into_response())
}

fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let admin = state.config.admin_token.as_ref().map(|s| s.0.as_str());
    match token_of(headers, None) {
        Some(token) if access::is_admin(admin, token) => Ok(()),
        _ => {
            state.metrics.access_refused.inc();
            Err(Refusal::NotAdmin.into())
        }
    }
}

fn links_of(state: &AppState, board: &BoardId, g: &Generations) -> Links {
    let mint = |role| state.keys.mint(board, role, g.of(role), 0);
    Links {
        facilitator: mint(Role::Facilitator),
        editor: mint(Role::Editor),
        viewer: mint(Role::Viewer),
    }
}

/// The board's three links (facilitator only).
async fn links(
    State(state): State<AppState>,
    access: BoardAccess,
) -> Result<Json<Links>, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    let generations = state.store.links(&id).await?;
    Ok(Json(links_of(&state, &id, &generations)))
}

/// A new link for `role`, revoking the earlier ones: whoever is connected
/// through one of them is disconnected (facilitator only).
async fn regenerate(
    State(state): State<AppState>,
    access: BoardAccess,
    Path((_, role)): Path<(String, String)>,
) -> Result<Json<Links>, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    let role = Role::parse(&role)
        .ok_or_else(|| AppError::BadRequest("role: facilitator, editor or viewer".into()))?;
    let generations = state.store.regenerate(&id, role).await?;
    state.rooms.revoke(&id, role, generations.of(role)).await;
    info!(board = %id, role = role.as_str(), "share link regenerated");
    Ok(Json(links_of(&state, &id, &generations)))
}

/// Deletes a board (its facilitators, or the instance admin): everyone on
/// it is disconnected and every link to it revoked.
async fn delete(
    State(state): State<AppState>,
    access: BoardAccess,
) -> Result<StatusCode, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    state.rooms.delete(&id).await;
    state.rooms.forget_unreadable(&id);
    if state.store.delete(&id).await? {
        info!(board = %id, "board deleted");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}

/// The files a board exports.
const EXPORTS: [&str; 4] = ["personas.md", "board.json", "notes.csv", "board.svg"];

/// Runs `f` on the blocking pool: reading or rendering a whole board is
/// CPU work that must not hold up the runtime (every board's sync).
pub(crate) async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, AppError> + Send + 'static,
) -> Result<R, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Store(StoreError::Worker(e)))?
}

/// Board `id`'s document as stored (everything any client has seen),
/// decoded off the runtime. A board whose stored data does not decode is
/// refused from then on, its rows untouched.
pub(crate) async fn board_doc(state: &AppState, id: &BoardId) -> Result<Doc, AppError> {
    if state.rooms.is_unreadable(id) {
        return Err(crate::rooms::RoomError::Unreadable.into());
    }
    let stored = state.store.load(id).await?;
    let board = id.clone();
    let read = blocking(move || Ok(crate::store::doc_of(&board, &stored))).await?;
    read.map_err(|err| {
        if let StoreError::Unreadable { .. } = err {
            state.rooms.mark_unreadable(id, err.to_string());
        }
        AppError::Store(err)
    })
}

/// A board's personas as a Markdown report (`personas.md`), its personas
/// and notes as JSON (`board.json`, re-importable), its notes as CSV
/// (`notes.csv`), the board or a frame as SVG (`board.svg?frame=…`), read
/// from what is stored (everything any client has seen).
#[derive(Deserialize)]
struct ExportQuery {
    /// For `board.svg`: only this frame and what it holds.
    frame: Option<String>,
    /// For `notes.csv`: `comma`, `semicolon` or `tab` (else the board's
    /// language says).
    sep: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    BoardAccess { id, .. }: BoardAccess,
    Path((_, file)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let info = state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    if !EXPORTS.contains(&file.as_str()) {
        return Err(AppError::NotFound);
    }
    let doc = board_doc(&state, &id).await?;
    let votes = votes_of(&state, &id).await?;
    let frame = query.frame;
    let separator = query.sep;
    // A downloaded picture stands alone: its images are written into it.
    let inline_images = if file == "board.svg" {
        inline_images(&state, &id, &doc).await?
    } else {
        HashMap::new()
    };
    // Rendering a big board takes a while: never on the runtime's threads.
    let rendered = blocking(move || {
        let content = Content {
            inline_images,
            ..Content::read(&Board::new(&doc), &doc.transact())
        };
        Ok(match file.as_str() {
            "personas.md" => Some((
                export::report(
                    &content,
                    &export::Extras {
                        votes: &votes,
                        figures: false,
                    },
                ),
                "text/markdown; charset=utf-8",
            )),
            "board.json" => Some((
                serde_json::to_string_pretty(&export::to_json(&content))
                    .map_err(|e| AppError::BadRequest(e.to_string()))?,
                "application/json",
            )),
            "notes.csv" => {
                let separator = match separator.as_deref() {
                    Some("semicolon") => b';',
                    Some("comma") => b',',
                    Some("tab") => b'\t',
                    _ => export::csv_separator(content.lang()),
                };
                Some((
                    export::notes_csv(&content, separator),
                    "text/csv; charset=utf-8",
                ))
            }
            "board.svg" => {
                atelier_shared::svg::svg(&content, frame.as_deref()).map(|svg| (svg, SVG))
            }
            _ => None,
        }
        .map(|(body, mime)| (body, mime, file)))
    })
    .await?;
    let (body, mime, file) = rendered.ok_or(AppError::NotFound)?;
    // The file is named after the board.
    let name = export::file_name(&info.title, id.as_ref(), &file);
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut response = (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response();
    if mime == SVG {
        picture_policy(response.headers_mut());
    }
    Ok(response)
}

/// The last dot vote's results (element id, votes), most voted first, as
/// the board's facilitation state keeps them; none when no vote closed.
pub(crate) async fn votes_of(
    state: &AppState,
    id: &BoardId,
) -> Result<Vec<(String, u32)>, AppError> {
    let stored = state.store.facilitation(id).await?;
    Ok(stored
        .and_then(|json| serde_json::from_str::<Facilitation>(&json).ok())
        .and_then(|f| f.shown.vote)
        .map(|v| v.results)
        .unwrap_or_default())
}

pub(crate) const SVG: &str = "image/svg+xml";

/// An SVG opened on its own runs no script and loads nothing: it is a
/// picture of what people wrote.
pub(crate) fn picture_policy(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        ),
    );
}

/// Every board (instance admin only).
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<BoardInfo>>, AppError> {
    require_admin(&state, &headers)?;
    Ok(Json(state.store.list().await?))
}

/// A new board; whoever creates it is its facilitator (the response
/// carries the facilitator's token).
async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Json(new): Json<NewBoard>,
) -> Result<(StatusCode, Json<BoardView>), AppError> {
    may_create(&state, &headers, client)?;
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
        let place = templates::Placement {
            z: 1.0,
            created: now,
            ..templates::Placement::origin(lang)
        };
        let elements = templates::build(&meta.template, &place, || {
            n += 1;
            format!("t{n}")
        });
        for element in elements.iter().flatten() {
            board.elements().insert(&mut txn, element);
        }
        txn.encode_update_v1()
    };
    store_new(&state, &meta, first_update).await
}

/// Whether this request may create a board: the admin always; others
/// unless creation is the admin's alone, 30 a minute from one address.
fn may_create(
    state: &AppState,
    headers: &HeaderMap,
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
) -> Result<(), AppError> {
    let admin = token_of(headers, None).is_some_and(|token| {
        access::is_admin(
            state.config.admin_token.as_ref().map(|s| s.0.as_str()),
            token,
        )
    });
    if !admin {
        if state.config.create_boards == "admin" {
            state.metrics.access_refused.inc();
            return Err(Refusal::NotAdmin.into());
        }
        if let Some(axum::Extension(axum::extract::ConnectInfo(addr))) = client
            && !state.creations.take(addr.ip())
        {
            return Err(AppError::TooManyRequests(state.creations.wait()));
        }
    }
    Ok(())
}

/// Stores a new board of `meta` whose document starts with
/// `first_update`, under a fresh id; its facilitator's view.
async fn store_new(
    state: &AppState,
    meta: &BoardMeta,
    first_update: Vec<u8>,
) -> Result<(StatusCode, Json<BoardView>), AppError> {
    let now = meta.created;
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
            Ok(()) => {
                let generations = state.store.links(&id).await?;
                let token =
                    state
                        .keys
                        .mint(&id, Role::Facilitator, generations.of(Role::Facilitator), 0);
                let view = BoardView {
                    info,
                    role: Role::Facilitator,
                    token: Some(token),
                };
                return Ok((StatusCode::CREATED, Json(view)));
            }
            Err(StoreError::Exists) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(AppError::Store(StoreError::Exists))
}

/// A copy of a board under a new title (`{"title": …}`), as it is now:
/// every element, its template and language, and its images; none of its
/// links, versions or private notes. Any link to the board may copy it (it reads the whole
/// board anyway); whoever copies is the copy's facilitator.
async fn duplicate(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    access: BoardAccess,
    Json(new): Json<NewBoard>,
) -> Result<(StatusCode, Json<BoardView>), AppError> {
    let id = access.at_least(&state, Role::Viewer)?.id;
    may_create(&state, &headers, client)?;
    let title = valid_title(new.title)?;
    let doc = board_doc(&state, &id).await?;
    let now = now_ms();
    let (meta, update) = blocking(move || {
        let board = Board::new(&doc);
        let mut txn = doc.transact_mut();
        board.set_title(&mut txn, &title);
        let meta = BoardMeta {
            created: now,
            ..board.meta(&txn)
        };
        Ok((meta, txn.encode_diff_v1(&yrs::StateVector::default())))
    })
    .await?;
    let (status, view) = store_new(&state, &meta, update).await?;
    // Its pictures come with it.
    let copy: BoardId = view.0.info.id.parse()?;
    state.store.copy_images(&id, &copy).await?;
    info!(from = %id, to = %copy, "board duplicated");
    Ok((status, view))
}

async fn read(
    State(state): State<AppState>,
    BoardAccess { id, grant }: BoardAccess,
) -> Result<Json<BoardView>, AppError> {
    if state.rooms.is_unreadable(&id) {
        return Err(crate::rooms::RoomError::Unreadable.into());
    }
    info(&state, &id, grant).await
}

async fn info(state: &AppState, id: &BoardId, grant: Grant) -> Result<Json<BoardView>, AppError> {
    let info = state.store.info(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(BoardView {
        info,
        role: grant.role,
        token: None,
    }))
}

async fn update(
    State(state): State<AppState>,
    access: BoardAccess,
    Json(patch): Json<BoardPatch>,
) -> Result<Json<BoardView>, AppError> {
    let BoardAccess { id, grant } = access.at_least(&state, Role::Editor)?;
    // 404 before anything is loaded.
    let _exists = info(&state, &id, grant).await?;
    if let Some(title) = patch.title {
        state.rooms.set_title(&id, valid_title(title)?).await?;
    }
    info(&state, &id, grant).await
}

fn valid_title(title: String) -> Result<String, AppError> {
    let title = title.trim().to_owned();
    if title.chars().count() > MAX_TITLE {
        return Err(AppError::BadRequest(format!(
            "title: at most {MAX_TITLE} characters"
        )));
    }
    atelier_shared::names::check(&title)
        .map_err(|why| AppError::BadRequest(format!("title: {why}")))?;
    Ok(title)
}
