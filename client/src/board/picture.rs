//! The board as a PNG: the server's SVG picture drawn on a canvas in the
//! browser, then downloaded.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Largest side of the PNG, in pixels.
const MAX_SIDE: f64 = 8000.0;

/// Fetches the SVG at `url`, draws it at twice its size (at most
/// [`MAX_SIDE`] pixels a side) and downloads it as `name`. Returns the
/// PNG's size in KB.
pub async fn download_png(url: &str, name: &str) -> Result<usize, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err("no picture".into());
    }
    let svg = JsFuture::from(response.text()?).await?;
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&svg), &bag)?;
    let src = web_sys::Url::create_object_url_with_blob(&blob)?;
    let image = web_sys::HtmlImageElement::new()?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(&src);
    let drawn = JsFuture::from(loaded).await;
    web_sys::Url::revoke_object_url(&src)?;
    drawn?;
    let (w, h) = (image.natural_width() as f64, image.natural_height() as f64);
    let scale = 2f64.min(MAX_SIDE / w.max(h).max(1.0));
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width((w * scale) as u32);
    canvas.set_height((h * scale) as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, w * scale, h * scale)?;
    let data = canvas.to_data_url_with_type("image/png")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&data);
    link.set_download(name);
    link.click();
    Ok(data.len() * 3 / 4 / 1024)
}
