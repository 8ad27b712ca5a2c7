//! Calls to the server's JSON API.

use std::cell::RefCell;
use std::collections::HashMap;

pub use atelier_shared::BoardInfo;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

pub use atelier_shared::api::{BoardView, Links};

thread_local! {
    /// Tokens of this page's boards (also kept in local storage, so a
    /// board opened once reopens; without storage, for this page only).
    static TOKENS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

const TOKEN_KEY: &str = "atelier.link.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The token this browser holds for `board`.
pub fn token(board: &str) -> Option<String> {
    TOKENS
        .with_borrow(|t| t.get(board).cloned())
        .or_else(|| {
            storage()?
                .get_item(&format!("{TOKEN_KEY}{board}"))
                .ok()
                .flatten()
        })
        .filter(|t| !t.is_empty())
}

/// Keeps `token` as this browser's link to `board`.
pub fn remember(board: &str, token: &str) {
    TOKENS.with_borrow_mut(|t| t.insert(board.to_owned(), token.to_owned()));
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("{TOKEN_KEY}{board}"), token);
    }
}

/// Forgets this browser's link to `board` (it no longer opens it).
pub fn forget(board: &str) {
    TOKENS.with_borrow_mut(|t| t.remove(board));
    if let Some(s) = storage() {
        let _ = s.remove_item(&format!("{TOKEN_KEY}{board}"));
    }
}

/// The boards this browser holds a link to.
pub fn known_boards() -> Vec<String> {
    let Some(s) = storage() else {
        return TOKENS.with_borrow(|t| t.keys().cloned().collect());
    };
    (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter_map(|k| k.strip_prefix(TOKEN_KEY).map(str::to_owned))
        .collect()
}

/// `path` with the board's token as `t` (for links and downloads, which
/// cannot carry a header).
pub fn with_token(board: &str, path: &str) -> String {
    match token(board) {
        Some(t) => {
            let join = if path.contains('?') { '&' } else { '?' };
            format!("{path}{join}t={t}")
        }
        None => path.to_owned(),
    }
}

/// The board, if this browser's link opens it; else the HTTP status (0:
/// no answer) and the server's reason.
pub async fn board(id: &str) -> Result<BoardView, (u16, String)> {
    let (_, text) = fetch("GET", &format!("/api/boards/{id}"), None, token(id)).await?;
    serde_json::from_str(&text).map_err(|_| (0, unexpected()))
}

pub async fn create_board(title: &str, template: &str, lang: &str) -> Result<BoardView, String> {
    let body = serde_json::to_string(&atelier_shared::api::NewBoard {
        title: title.to_owned(),
        template: Some(template.to_owned()),
        lang: Some(lang.to_owned()),
    })
    .unwrap_or_default();
    call("POST", "/api/boards", Some(body), None).await
}

pub async fn rename_board(id: &str, title: &str) -> Result<(), String> {
    let body = serde_json::to_string(&atelier_shared::api::BoardPatch {
        title: Some(title.to_owned()),
    })
    .unwrap_or_default();
    call::<serde::de::IgnoredAny>("PATCH", &format!("/api/boards/{id}"), Some(body), token(id))
        .await?;
    Ok(())
}

/// A copy of the board, as it is now, titled `title`; this browser is the
/// copy's facilitator.
pub async fn duplicate_board(id: &str, title: &str) -> Result<BoardView, String> {
    let body = serde_json::to_string(&atelier_shared::api::NewBoard {
        title: title.to_owned(),
        ..Default::default()
    })
    .unwrap_or_default();
    let path = format!("/api/boards/{id}/duplicate");
    let board: BoardView = call("POST", &path, Some(body), token(id)).await?;
    if let Some(token) = &board.token {
        remember(&board.info.id, token);
    }
    Ok(board)
}

/// Deletes the board for everyone (its facilitators may), and forgets it.
pub async fn delete_board(id: &str) -> Result<(), String> {
    fetch("DELETE", &format!("/api/boards/{id}"), None, token(id))
        .await
        .map_err(|(status, message)| worded(status, message))?;
    forget(id);
    Ok(())
}

/// Erases `interviewee` from the board everywhere (`confirm`), or counts
/// what that would take (facilitators).
pub async fn erase(
    id: &str,
    interviewee: &str,
    confirm: bool,
) -> Result<atelier_shared::erase::Erased, String> {
    #[derive(serde::Serialize)]
    struct Ask<'a> {
        interviewee: &'a str,
        confirm: bool,
    }
    let body = serde_json::to_string(&Ask {
        interviewee,
        confirm,
    })
    .unwrap_or_default();
    call(
        "POST",
        &format!("/api/boards/{id}/erase"),
        Some(body),
        token(id),
    )
    .await
}

/// Redacts `span` in note `note` everywhere (`confirm`), or counts where
/// it is (facilitators): `notes` is how often the note holds it.
pub async fn redact(
    id: &str,
    note: &str,
    span: &str,
    confirm: bool,
) -> Result<atelier_shared::erase::Erased, String> {
    #[derive(serde::Serialize)]
    struct Ask<'a> {
        note: &'a str,
        span: &'a str,
        confirm: bool,
    }
    let body = serde_json::to_string(&Ask {
        note,
        span,
        confirm,
    })
    .unwrap_or_default();
    call(
        "POST",
        &format!("/api/boards/{id}/redact"),
        Some(body),
        token(id),
    )
    .await
}

/// The codes of the interviewees `names` on the board, in order (stable:
/// a name met before keeps its code).
pub async fn pseudonymise(id: &str, names: &[String]) -> Result<Vec<String>, String> {
    #[derive(serde::Serialize)]
    struct Names<'a> {
        names: &'a [String],
    }
    #[derive(serde::Deserialize)]
    struct Codes {
        codes: Vec<String>,
    }
    let body = serde_json::to_string(&Names { names }).unwrap_or_default();
    let read: Codes = call(
        "POST",
        &format!("/api/boards/{id}/pseudonyms"),
        Some(body),
        token(id),
    )
    .await?;
    Ok(read.codes)
}

pub async fn links(id: &str) -> Result<Links, String> {
    call("GET", &format!("/api/boards/{id}/links"), None, token(id)).await
}

/// A new link for `role`, revoking the earlier ones.
pub async fn regenerate(id: &str, role: &str) -> Result<Links, String> {
    let path = format!("/api/boards/{id}/links/{role}");
    call("POST", &path, None, token(id)).await
}

/// One request, its JSON answer read as `T`; a failure worded for the
/// reader. The request itself is [`fetch`]'s, one copy for all.
async fn call<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<T, String> {
    let (_, text) = fetch(method, url, body, token)
        .await
        .map_err(|(status, message)| worded(status, message))?;
    serde_json::from_str(&text).map_err(|_| unexpected())
}

/// What a person reads of a failed request, in their language: the
/// server's English reason only for a request it found malformed (what
/// was wrong in it).
fn worded(status: u16, message: String) -> String {
    use crate::lang::tr;
    match status {
        0 => tr(
            "No answer from the server: check the connection and try again",
            "Pas de réponse du serveur : vérifiez la connexion et réessayez",
        ),
        400 if !message.is_empty() => return message,
        401 | 403 => tr(
            "Your link does not allow this",
            "Votre lien ne permet pas cela",
        ),
        404 => tr("This board no longer exists", "Ce tableau n'existe plus"),
        413 => tr(
            "This is too large for the server",
            "C'est trop volumineux pour le serveur",
        ),
        429 => tr(
            "Too many requests: try again in a minute",
            "Trop de demandes : réessayez dans une minute",
        ),
        503 => tr(
            "The server is busy or restarting: try again in a moment",
            "Le serveur est occupé ou redémarre : réessayez dans un instant",
        ),
        _ => tr(
            "The server could not do this; nothing was changed",
            "Le serveur n'a pas pu le faire ; rien n'a été modifié",
        ),
    }
    .to_owned()
}

/// One request: the status and body of a success, else the status (0: no
/// answer) and the server's reason. Not generic: one copy in the WASM.
async fn fetch(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<(u16, String), (u16, String)> {
    let response = send(method, url, body.map(|b| JsValue::from_str(&b)), token).await?;
    let text = read_text(&response).await?;
    Ok((response.status(), text))
}

/// A JSON export read by the server into the board's own format: the
/// elements it holds, with fresh ids (the browser keeps no second reader).
pub async fn read_export(
    board: &str,
    json: String,
) -> Result<Vec<atelier_shared::Element>, String> {
    let url = format!("/api/boards/{board}/import/json");
    elements_at("POST", &url, Some(json), token(board)).await
}

/// Notes to import read by the server: the format the text looks like and
/// the text as a table (the CSV reader is not in the web app).
pub async fn read_import(
    board: &str,
    name: &str,
    text: &str,
) -> Result<atelier_shared::import::Reading, String> {
    #[derive(serde::Serialize)]
    struct Ask<'a> {
        name: &'a str,
        text: &'a str,
        lang: &'a str,
    }
    let lang = crate::lang::ui_lang().code();
    let body = serde_json::to_string(&Ask { name, text, lang }).unwrap_or_default();
    let url = format!("/api/boards/{board}/import/read");
    call("POST", &url, Some(body), token(board)).await
}

/// Elements the server sends in the board's own format (a yrs update).
async fn elements_at(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<Vec<atelier_shared::Element>, String> {
    let response = send(method, url, body.map(|b| JsValue::from_str(&b)), token)
        .await
        .map_err(|(status, e)| worded(status, e))?;
    let buffer = JsFuture::from(response.array_buffer().map_err(describe)?)
        .await
        .map_err(describe)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    atelier_shared::clip::from_update(&bytes).ok_or_else(unexpected)
}

/// One request; a response that is not a success becomes its status and
/// the server's reason (status 0: no answer). Not generic: one copy in the
/// WASM.
async fn send(
    method: &str,
    url: &str,
    body: Option<JsValue>,
    token: Option<String>,
) -> Result<Response, (u16, String)> {
    let no_answer = |e: JsValue| (0, describe(e));
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&body);
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(no_answer)?;
    request
        .headers()
        .set("content-type", "application/json")
        .map_err(no_answer)?;
    if let Some(token) = token {
        request
            .headers()
            .set("authorization", &format!("Bearer {token}"))
            .map_err(no_answer)?;
    }
    let window = web_sys::window().ok_or((0, "no window".to_owned()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(no_answer)?
        .dyn_into()
        .map_err(no_answer)?;
    if !response.ok() {
        let text = read_text(&response).await?;
        #[derive(serde::Deserialize)]
        struct Refusal {
            error: String,
        }
        let message = serde_json::from_str::<Refusal>(&text)
            .map(|r| r.error)
            .unwrap_or(text);
        return Err((response.status(), message));
    }
    Ok(response)
}

async fn read_text(response: &Response) -> Result<String, (u16, String)> {
    let no_answer = |e: JsValue| (0, describe(e));
    Ok(JsFuture::from(response.text().map_err(no_answer)?)
        .await
        .map_err(no_answer)?
        .as_string()
        .unwrap_or_default())
}

/// An answer the client cannot read (a server of another version).
fn unexpected() -> String {
    crate::lang::tr(
        "Unexpected answer from the server: reload the page",
        "Réponse inattendue du serveur : rechargez la page",
    )
    .to_owned()
}

fn describe(err: JsValue) -> String {
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}

pub use atelier_shared::history::Version;

/// The board's versions, newest first.
pub async fn versions(board: &str) -> Result<Vec<Version>, String> {
    call(
        "GET",
        &format!("/api/boards/{board}/versions"),
        None,
        token(board),
    )
    .await
}

/// Keeps the board as it is under `name`.
pub async fn save_version(board: &str, name: &str) -> Result<Version, String> {
    let body = serde_json::to_string(&atelier_shared::api::NewVersion {
        name: name.to_owned(),
    })
    .unwrap_or_default();
    call(
        "POST",
        &format!("/api/boards/{board}/versions"),
        Some(body),
        token(board),
    )
    .await
}

/// What changed from version `from` to `to` (a version's id, or `now`).
pub async fn changes(
    board: &str,
    from: &str,
    to: &str,
) -> Result<atelier_shared::history::Changes, String> {
    let path = format!("/api/boards/{board}/versions/{from}/changes?to={to}");
    call("GET", &path, None, token(board)).await
}

/// The elements of version `id` (to restore them).
pub async fn version_elements(
    board: &str,
    id: i64,
) -> Result<Vec<atelier_shared::Element>, String> {
    let url = format!("/api/boards/{board}/versions/{id}/elements");
    elements_at("GET", &url, None, token(board)).await
}

/// Has the server keep `bytes` (an image file) for `board`: its id and
/// size, or why not (too big, not an image), worded.
pub async fn upload_image(
    board: &str,
    bytes: &[u8],
) -> Result<atelier_shared::api::UploadedImage, String> {
    let url = format!("/api/boards/{board}/images");
    let body = js_sys::Uint8Array::from(bytes);
    let response = send("POST", &url, Some(body.into()), token(board))
        .await
        .map_err(|(status, e)| worded(status, e))?;
    let text = read_text(&response)
        .await
        .map_err(|(status, e)| worded(status, e))?;
    serde_json::from_str(&text).map_err(|_| unexpected())
}

/// The address of image `id` of `board`, its token in it (an `<img>`
/// sends no header).
pub fn image_url(board: &str, id: &str) -> String {
    with_token(board, &format!("/api/boards/{board}/images/{id}"))
}

/// Template `id`'s elements in `lang`, at the origin, nobody's, with
/// fresh ids (built by the server).
pub async fn template(
    id: &str,
    lang: atelier_shared::templates::Lang,
) -> Result<Vec<atelier_shared::Element>, String> {
    let url = format!("/api/templates/{id}/elements?lang={}", lang.code());
    elements_at("GET", &url, None, None).await
}

/// The workshop scripts: (id, title in the interface's language, number
/// of phases).
pub async fn scripts() -> Result<Vec<(String, String, usize)>, String> {
    let scripts: Vec<atelier_shared::script::Script> =
        call("GET", "/api/scripts", None, None).await?;
    let french = crate::lang::ui_lang() == atelier_shared::templates::Lang::Fr;
    Ok(scripts
        .into_iter()
        .map(|s| {
            let title = if french && !s.title.fr.is_empty() {
                s.title.fr
            } else {
                s.title.en
            };
            (s.id, title, s.phases.len())
        })
        .collect())
}
