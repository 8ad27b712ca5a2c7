//! Images on a board (a picture on the canvas, a persona's photo): kept
//! by the store with the board, never in its document, which holds only
//! their ids. An upload is bounded before it is read (2 MiB), must be a
//! PNG, JPEG, GIF or WebP whose header says a sensible size, and is named
//! by its bytes' hash (the same picture twice is kept once); a board keeps
//! at most [`MAX_IMAGES`] of them, [`MAX_BOARD_IMAGE_BYTES`] in all.
//! Served with its type, never sniffed, cached by the browser for good (an
//! id never changes its bytes).

use atelier_shared::api::UploadedImage;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use tracing::info;

use crate::AppState;
use crate::access::Role;
use crate::error::AppError;
use crate::guard::BoardAccess;

/// Largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// Most images one board keeps, and most bytes of them.
pub const MAX_IMAGES: usize = 500;
pub const MAX_BOARD_IMAGE_BYTES: usize = 100 * 1024 * 1024;
/// Widest and tallest image accepted, in pixels.
const MAX_SIDE: usize = 16_384;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/boards/{id}/images",
            post(upload).layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES)),
        )
        .route("/api/boards/{id}/images/{image}", get(image))
}

/// What an upload is: its type and size, or why it is refused.
pub(crate) fn examine(bytes: &[u8]) -> Result<(&'static str, usize, usize), String> {
    use imagesize::ImageType;
    if bytes.is_empty() {
        return Err("the image is empty".into());
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!("an image is at most {} MB", MAX_IMAGE_BYTES >> 20));
    }
    let mime = match imagesize::image_type(bytes) {
        Ok(ImageType::Png) => "image/png",
        Ok(ImageType::Jpeg) => "image/jpeg",
        Ok(ImageType::Gif) => "image/gif",
        Ok(ImageType::Webp) => "image/webp",
        _ => return Err("not an image this board takes: PNG, JPEG, GIF or WebP".into()),
    };
    let size = imagesize::blob_size(bytes).map_err(|_| "the image's header does not read")?;
    if size.width == 0 || size.height == 0 || size.width > MAX_SIDE || size.height > MAX_SIDE {
        return Err(format!(
            "an image is 1 to {MAX_SIDE} pixels wide and high ({} × {} given)",
            size.width, size.height
        ));
    }
    Ok((mime, size.width, size.height))
}

/// An image's id: the first 32 hex digits of its bytes' SHA-256.
pub(crate) fn id_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Keeps an image for the board (editors); answers its id and size.
async fn upload(
    State(state): State<AppState>,
    access: BoardAccess,
    bytes: Bytes,
) -> Result<(StatusCode, Json<UploadedImage>), AppError> {
    let board = access.at_least(&state, Role::Editor)?.id;
    state.store.info(&board).await?.ok_or(AppError::NotFound)?;
    let (mime, width, height) = examine(&bytes).map_err(AppError::BadRequest)?;
    let id = id_of(&bytes);
    if state.store.image(&board, &id).await?.is_none() {
        // A board full of images takes no more (the same one again, yes).
        let (count, held) = state.store.images_held(&board).await?;
        if count >= MAX_IMAGES || held + bytes.len() > MAX_BOARD_IMAGE_BYTES {
            return Err(AppError::BadRequest(format!(
                "this board keeps at most {MAX_IMAGES} images and {} MB of them",
                MAX_BOARD_IMAGE_BYTES >> 20
            )));
        }
        state
            .store
            .put_image(&board, &id, mime, bytes.to_vec())
            .await?;
        info!(%board, image = %id, bytes = bytes.len(), "image kept");
    }
    Ok((
        StatusCode::CREATED,
        Json(UploadedImage {
            id,
            width: width as u32,
            height: height as u32,
        }),
    ))
}

/// An image of the board (anyone the board lets in; the token may be in
/// the address, as an `<img>` cannot send a header).
async fn image(
    State(state): State<AppState>,
    BoardAccess { id: board, .. }: BoardAccess,
    Path((_, image)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !atelier_shared::is_image_id(&image) {
        return Err(AppError::NotFound);
    }
    let (mime, bytes) = state
        .store
        .image(&board, &image)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1 × 1 PNG.
    pub(crate) const PIXEL: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn only_raster_images_of_a_sensible_size_are_taken() {
        assert_eq!(examine(PIXEL), Ok(("image/png", 1, 1)));
        assert!(examine(b"").is_err());
        assert!(examine(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>").is_err());
        assert!(examine(b"GIF89a").is_err(), "a header cut short");
        // A PNG header claiming 100,000 pixels wide.
        let mut wide = PIXEL.to_vec();
        wide[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(examine(&wide).unwrap_err().contains("16384"));
        assert!(examine(&vec![0u8; MAX_IMAGE_BYTES + 1]).is_err());
        let id = id_of(PIXEL);
        assert!(atelier_shared::is_image_id(&id), "{id}");
    }
}
