//! The web app: the HTML shell and static files from `assets/`, and the
//! WebAssembly client built by `cargo xtask` into `target/web`. Release
//! builds embed both, so the `atelier` binary is all a deployment needs;
//! debug builds read them from disk.

use atelier_shared::BoardId;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::{EmbeddedFile, RustEmbed};

use crate::AppState;
use crate::error::AppError;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../assets"]
struct Assets;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../target/web"]
struct Pkg;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/b/{board}", get(board_page))
        .route("/assets/{*path}", get(asset))
        .route("/pkg/{*path}", get(pkg))
}

async fn index() -> Response {
    shell()
}

async fn board_page(Path(board): Path<String>) -> Result<Response, AppError> {
    board.parse::<BoardId>()?;
    Ok(shell())
}

/// What the app's pages may load: its own scripts, styles, images and
/// websocket, WebAssembly, pictures drawn into `data:` and `blob:` URLs
/// (the PNG export), inline style attributes (the board's geometry);
/// nothing inline to run, no frames around it.
const APP_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn shell() -> Response {
    let mut response = match Assets::get("index.html") {
        Some(file) => serve(file, "no-cache"),
        None => (StatusCode::INTERNAL_SERVER_ERROR, "index.html missing").into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(APP_POLICY),
    );
    // A board's address carries its link until the app takes it out.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn asset(Path(path): Path<String>) -> Response {
    // Unversioned names too (the stylesheet must match the client after an
    // upgrade): revalidate, the ETag makes that a 304.
    found(Assets::get(&path), "no-cache")
}

async fn pkg(Path(path): Path<String>) -> Response {
    // The client's file names do not change between builds: revalidate.
    found(Pkg::get(&path), "no-cache")
}

fn found(file: Option<EmbeddedFile>, cache: &'static str) -> Response {
    match file {
        Some(file) => serve(file, cache),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn serve(file: EmbeddedFile, cache: &'static str) -> Response {
    let mime = file.metadata.mimetype().to_owned();
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..12]));
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(&mime) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
