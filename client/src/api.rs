//! Calls to the server's JSON API.

pub use atelier_shared::BoardInfo;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

pub async fn list_boards() -> Result<Vec<BoardInfo>, String> {
    call("GET", "/api/boards", None).await
}

pub async fn create_board(title: &str, template: &str, lang: &str) -> Result<BoardInfo, String> {
    let body =
        serde_json::json!({ "title": title, "template": template, "lang": lang }).to_string();
    call("POST", "/api/boards", Some(body)).await
}

pub async fn rename_board(id: &str, title: &str) -> Result<BoardInfo, String> {
    let body = serde_json::json!({ "title": title }).to_string();
    call("PATCH", &format!("/api/boards/{id}"), Some(body)).await
}

async fn call<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<String>,
) -> Result<T, String> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body));
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(describe)?;
    request
        .headers()
        .set("content-type", "application/json")
        .map_err(describe)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)?;
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?
        .as_string()
        .unwrap_or_default();
    if !response.ok() {
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or(text);
        return Err(message);
    }
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

fn describe(err: JsValue) -> String {
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}
