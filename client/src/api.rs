//! Calls to the server's JSON API.

use std::cell::RefCell;
use std::collections::HashMap;

pub use atelier_shared::BoardInfo;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// A board as the API returns it: its metadata, the caller's role, and
/// for its creator the facilitator's token.
/// (Read by hand from JSON: a derived reader per type weighs on the WASM.)
#[derive(Clone, Debug, PartialEq)]
pub struct BoardView {
    pub id: String,
    pub title: String,
    pub template: String,
    pub created: i64,
    pub updated: i64,
    pub role: String,
    pub token: Option<String>,
}

impl BoardView {
    fn read(v: &serde_json::Value) -> Option<BoardView> {
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let int = |k: &str| v.get(k).and_then(|x| x.as_i64()).unwrap_or(0);
        Some(BoardView {
            id: text("id")?,
            title: text("title").unwrap_or_default(),
            template: text("template").unwrap_or_default(),
            created: int("created"),
            updated: int("updated"),
            role: text("role")?,
            token: text("token"),
        })
    }
}

impl BoardView {
    pub fn info(self) -> BoardInfo {
        BoardInfo {
            id: self.id,
            title: self.title,
            template: self.template,
            created: self.created,
            updated: self.updated,
        }
    }
}

/// The three share links' tokens of a board.
#[derive(Clone, Debug, PartialEq)]
pub struct Links {
    pub facilitator: String,
    pub editor: String,
    pub viewer: String,
}

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
    let v = call_status("GET", &format!("/api/boards/{id}"), None, token(id)).await?;
    BoardView::read(&v).ok_or((0, "unexpected answer".to_owned()))
}

pub async fn create_board(title: &str, template: &str, lang: &str) -> Result<BoardView, String> {
    let body =
        serde_json::json!({ "title": title, "template": template, "lang": lang }).to_string();
    let v = call("POST", "/api/boards", Some(body), None).await?;
    BoardView::read(&v).ok_or_else(|| "unexpected answer".to_owned())
}

pub async fn rename_board(id: &str, title: &str) -> Result<(), String> {
    let body = serde_json::json!({ "title": title }).to_string();
    call("PATCH", &format!("/api/boards/{id}"), Some(body), token(id)).await?;
    Ok(())
}

fn read_links(v: &serde_json::Value) -> Result<Links, String> {
    let text = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(str::to_owned)
            .ok_or_else(|| "unexpected answer".to_owned())
    };
    Ok(Links {
        facilitator: text("facilitator")?,
        editor: text("editor")?,
        viewer: text("viewer")?,
    })
}

pub async fn links(id: &str) -> Result<Links, String> {
    read_links(&call("GET", &format!("/api/boards/{id}/links"), None, token(id)).await?)
}

/// A new link for `role`, revoking the earlier ones.
pub async fn regenerate(id: &str, role: &str) -> Result<Links, String> {
    let path = format!("/api/boards/{id}/links/{role}");
    read_links(&call("POST", &path, None, token(id)).await?)
}

async fn call(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<serde_json::Value, String> {
    call_status(method, url, body, token)
        .await
        .map_err(|(_, message)| message)
}

async fn call_status(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<serde_json::Value, (u16, String)> {
    let (status, text) = fetch(method, url, body, token).await?;
    serde_json::from_str(&text).map_err(|e| (status, e.to_string()))
}

/// One request: the status and body of a success, else the status (0: no
/// answer) and the server's reason. Not generic: one copy in the WASM.
async fn fetch(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<(u16, String), (u16, String)> {
    let response = send(method, url, body, token).await?;
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

/// Elements the server sends in the board's own format (a yrs update).
async fn elements_at(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<Vec<atelier_shared::Element>, String> {
    let response = send(method, url, body, token).await.map_err(|(_, e)| e)?;
    let buffer = JsFuture::from(response.array_buffer().map_err(describe)?)
        .await
        .map_err(describe)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    atelier_shared::clip::from_update(&bytes).ok_or_else(|| "unexpected answer".to_owned())
}

/// One request; a response that is not a success becomes its status and
/// the server's reason (status 0: no answer). Not generic: one copy in the
/// WASM.
async fn send(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<Response, (u16, String)> {
    let no_answer = |e: JsValue| (0, describe(e));
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body));
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
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
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

fn describe(err: JsValue) -> String {
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}

/// A version of a board, as listed (read by hand: serde's derived readers
/// weigh on the WASM).
#[derive(Clone, PartialEq)]
pub struct Version {
    pub id: i64,
    pub name: String,
    pub created: i64,
    pub auto: bool,
}

/// The board's versions, newest first.
pub async fn versions(board: &str) -> Result<Vec<Version>, String> {
    let v = call(
        "GET",
        &format!("/api/boards/{board}/versions"),
        None,
        token(board),
    )
    .await?;
    Ok(v.as_array()
        .map(|a| a.iter().filter_map(read_version).collect())
        .unwrap_or_default())
}

fn read_version(v: &serde_json::Value) -> Option<Version> {
    Some(Version {
        id: v.get("id")?.as_i64()?,
        name: v.get("name")?.as_str()?.to_owned(),
        created: v.get("created").and_then(|c| c.as_i64()).unwrap_or(0),
        auto: v.get("auto").and_then(|a| a.as_bool()).unwrap_or(false),
    })
}

/// Keeps the board as it is under `name`.
pub async fn save_version(board: &str, name: &str) -> Result<Version, String> {
    let body = serde_json::json!({ "name": name }).to_string();
    let v = call(
        "POST",
        &format!("/api/boards/{board}/versions"),
        Some(body),
        token(board),
    )
    .await?;
    read_version(&v).ok_or_else(|| "unexpected answer".to_owned())
}

/// What changed from version `from` to `to` (a version's id, or `now`).
pub async fn changes(
    board: &str,
    from: &str,
    to: &str,
) -> Result<atelier_shared::history::Changes, String> {
    let path = format!("/api/boards/{board}/versions/{from}/changes?to={to}");
    let v = call("GET", &path, None, token(board)).await?;
    let ids = |key: &str| -> Vec<String> {
        v.get(key)
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(atelier_shared::history::Changes {
        added: ids("added"),
        removed: ids("removed"),
        moved: ids("moved"),
        edited: ids("edited"),
    })
}

/// The elements of version `id` (to restore them).
pub async fn version_elements(
    board: &str,
    id: i64,
) -> Result<Vec<atelier_shared::Element>, String> {
    let url = format!("/api/boards/{board}/versions/{id}/elements");
    elements_at("GET", &url, None, token(board)).await
}

/// The workshop scripts: (id, title in the interface's language, number
/// of phases).
pub async fn scripts() -> Result<Vec<(String, String, usize)>, String> {
    let v = call("GET", "/api/scripts", None, None).await?;
    let french = crate::ui_lang() == atelier_shared::templates::Lang::Fr;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| {
                    let title = s.get("title")?;
                    let fr = title
                        .get("fr")
                        .and_then(|t| t.as_str())
                        .filter(|t| french && !t.is_empty());
                    Some((
                        s.get("id")?.as_str()?.to_owned(),
                        fr.or(title.get("en")?.as_str())?.to_owned(),
                        s.get("phases")?.as_array()?.len(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default())
}
