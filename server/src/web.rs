//! The web app: the shell and the files `cargo xtask web` lays out in
//! `target/web` (see `xtask/src/web.rs`), and the static files of
//! `assets/`. Release builds embed both, so the `atelier` binary is all a
//! deployment needs; debug builds read them from disk.
//!
//! Every file of `target/web` but the shell has a hash of its bytes in its
//! name: browsers keep it a year without asking again (`immutable`). The
//! shell names them, and is revalidated on each visit (its ETag makes that
//! a 304): a returning visitor downloads nothing else. Each file is sent
//! in the best encoding the request accepts among those made at build
//! time (brotli, gzip), or as it is.

use atelier_shared::BoardId;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
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
struct Web;

/// The shell: asked again on every visit.
const REVALIDATE: &str = "no-cache";
/// A file whose name changes with its bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/b/{board}", get(board_page))
        .route("/assets/{*path}", get(asset))
        .route("/pkg/{*path}", get(pkg))
}

async fn index(headers: HeaderMap) -> Response {
    shell(&headers)
}

async fn board_page(Path(board): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    board.parse::<BoardId>()?;
    Ok(shell(&headers))
}

/// What the app's pages may load: its own scripts, styles, images and
/// websocket, WebAssembly, pictures drawn into `data:` and `blob:` URLs
/// (the PNG export), inline style attributes (the board's geometry);
/// nothing inline to run, no frames around it.
const APP_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn shell(request: &HeaderMap) -> Response {
    let mut response = web_file("index.html", request, REVALIDATE).unwrap_or_else(|| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the web app is not built: run `cargo xtask web`",
        )
            .into_response()
    });
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
    // Names without a hash: revalidate.
    match Assets::get(&path) {
        Some(file) => {
            let mime = file.metadata.mimetype().to_owned();
            respond(file, &mime, None, REVALIDATE)
        }
        None => not_found(),
    }
}

async fn pkg(Path(path): Path<String>, headers: HeaderMap) -> Response {
    if path == "index.html" {
        return not_found();
    }
    web_file(&path, &headers, IMMUTABLE).unwrap_or_else(not_found)
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// The file `name` of `target/web`, in the best encoding `request`
/// accepts, or `None` if there is no such file.
fn web_file(name: &str, request: &HeaderMap, cache: &'static str) -> Option<Response> {
    let plain = Web::get(name)?;
    // The type is the file's, whatever its encoding.
    let mime = plain.metadata.mimetype().to_owned();
    let accepted = request.get(header::ACCEPT_ENCODING);
    for coding in preferred_codings(accepted) {
        let file = match coding {
            Coding::Identity => return Some(respond(plain, &mime, Some(request), cache)),
            Coding::Brotli => Web::get(&format!("{name}.br")),
            Coding::Gzip => Web::get(&format!("{name}.gz")),
        };
        if let Some(file) = file {
            let mut response = respond(file, &mime, Some(request), cache);
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, coding.header());
            return Some(response);
        }
    }
    Some(respond(plain, &mime, Some(request), cache))
}

/// `file` as a response: its type, caching and ETag; a 304 when `request`
/// holds that ETag already. Responses of `target/web` vary with the
/// encodings the request accepts.
fn respond(
    file: EmbeddedFile,
    mime: &str,
    request: Option<&HeaderMap>,
    cache: &'static str,
) -> Response {
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..12]));
    let unchanged = request
        .and_then(|r| r.get(header::IF_NONE_MATCH))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        file.data.into_owned().into_response()
    };
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(mime) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if request.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// The encodings made at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => "identity",
        })
    }
}

/// The encodings an `Accept-Encoding` header allows, best first (RFC 9110,
/// 12.5.3): by the weight it gives each (`*` for those it does not name),
/// then brotli before gzip (smaller) before none. A coding weighted 0 is
/// refused; with no header, only the identity. If the header refuses
/// everything, the identity is left last all the same (a body the client
/// may not like beats a 406 a browser would show as an error).
fn preferred_codings(header: Option<&HeaderValue>) -> Vec<Coding> {
    let Some(value) = header.and_then(|v| v.to_str().ok()) else {
        return vec![Coding::Identity];
    };
    let mut named: Vec<(String, u16)> = Vec::new();
    for item in value.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let weight = parts
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .or_else(|| p.trim().strip_prefix("Q="))
            })
            .find_map(quality)
            .unwrap_or(1000);
        named.push((name, weight));
    }
    let weight_of = |names: &[&str], default: u16| {
        named
            .iter()
            .filter(|(n, _)| names.contains(&n.as_str()))
            .map(|&(_, w)| w)
            .max()
            .or_else(|| named.iter().find(|(n, _)| n == "*").map(|&(_, w)| w))
            .unwrap_or(default)
    };
    let mut codings = vec![
        (Coding::Brotli, weight_of(&["br"], 0)),
        (Coding::Gzip, weight_of(&["gzip", "x-gzip"], 0)),
        // The identity is acceptable unless refused by name or by `*`.
        (Coding::Identity, weight_of(&["identity"], 1)),
    ];
    codings.retain(|&(_, w)| w > 0);
    // A stable sort: equal weights keep brotli, gzip, identity.
    codings.sort_by_key(|&(_, w)| std::cmp::Reverse(w));
    let mut codings: Vec<Coding> = codings.into_iter().map(|(c, _)| c).collect();
    if !codings.contains(&Coding::Identity) {
        codings.push(Coding::Identity);
    }
    codings
}

/// A quality value (`0`, `0.5`, `1.000`) in thousandths.
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codings(header: &str) -> Vec<Coding> {
        preferred_codings(Some(&HeaderValue::from_str(header).unwrap()))
    }

    #[test]
    fn the_best_encoding_the_request_accepts_comes_first() {
        use Coding::*;
        // What Chromium and Firefox send: gzip named first, brotli chosen.
        assert_eq!(codings("gzip, deflate, br, zstd"), [Brotli, Gzip, Identity]);
        assert_eq!(codings("gzip"), [Gzip, Identity]);
        assert_eq!(preferred_codings(None), [Identity]);
        assert_eq!(codings(""), [Identity]);
        // Weights rule; 0 refuses.
        assert_eq!(codings("br;q=0.5, gzip;q=0.8"), [Gzip, Brotli, Identity]);
        assert_eq!(codings("br;q=0, gzip"), [Gzip, Identity]);
        assert_eq!(codings("BR;Q=1.0"), [Brotli, Identity]);
        // `*` stands for what is not named, the identity included.
        assert_eq!(codings("*"), [Brotli, Gzip, Identity]);
        assert_eq!(codings("gzip;q=0, *;q=0.5"), [Brotli, Identity]);
        assert_eq!(codings("br, identity;q=0"), [Brotli, Identity]);
        // Nonsense weights are ignored (taken as 1).
        assert_eq!(codings("gzip;q=2, br;q=0.0001"), [Brotli, Gzip, Identity]);
        assert_eq!(quality("0.5"), Some(500));
        assert_eq!(quality("1"), Some(1000));
        assert_eq!(quality("1.5"), None);
    }
}
