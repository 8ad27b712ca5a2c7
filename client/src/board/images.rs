//! Pictures on the board, as on any whiteboard: an image file dropped on
//! the canvas is kept by the server and placed where it fell, at most
//! 480 units on its longer side; dropped on a persona card, it becomes the
//! card's photo. The server checks what it is (PNG, JPEG, GIF or WebP, at
//! most 2 MB); the board's document holds only its id.

use atelier_shared::persona::PersonaEdit;
use atelier_shared::{Element, Kind};
use leptos::prelude::Set;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::model::Ui;
use super::ops;
use crate::lang::tr;

/// The longer side of a dropped picture, in board units.
const SIDE: f64 = 480.0;

/// What a drop on the canvas does with its files: each image is kept and
/// placed from (`x`, `y`) on the board, side by side, or, on a persona
/// card (`onto`), becomes its photo. Other files are left to the import.
pub fn dropped(ui: Ui, files: web_sys::FileList, (x, y): (f64, f64), onto: Option<String>) {
    let files: Vec<web_sys::File> = (0..files.length())
        .filter_map(|i| files.get(i))
        .filter(|f| f.type_().starts_with("image/"))
        .collect();
    if files.is_empty() || ops::read_only() {
        return;
    }
    let board = super::history::board_id();
    leptos::task::spawn_local(async move {
        let mut at = x;
        for file in files {
            let kept = match read(&file).await {
                Ok(bytes) => crate::api::upload_image(&board, &bytes).await,
                Err(why) => Err(why.to_owned()),
            };
            let image = match kept {
                Ok(image) => image,
                Err(why) => return ui.toast.set(Some(format!("{}: {why}", file.name()))),
            };
            if let Some(persona) = &onto {
                ops::with_map(persona, |txn, map| {
                    PersonaEdit { map }.set_photo(txn, &image.id)
                });
                ops::end_step();
                return;
            }
            let scale = SIDE / f64::from(image.width.max(image.height).max(1));
            let (w, h) = (
                (f64::from(image.width) * scale).max(16.0),
                (f64::from(image.height) * scale).max(16.0),
            );
            let mut e = Element::new(ops::new_id(), Kind::Shape, at, y - h / 2.0);
            e.shape = "image".into();
            e.image = image.id;
            e.color = "#ffffff".into();
            (e.w, e.h) = (w, h);
            at += w + 24.0;
            let id = ops::add(vec![e]).remove(0);
            ui.select([id]);
        }
    });
}

/// The persona card under a drop, if any: its id.
pub fn persona_at(target: Option<web_sys::EventTarget>) -> Option<String> {
    let element = target?.dyn_into::<web_sys::Element>().ok()?;
    let card = element.closest(".el-persona").ok()??;
    card.get_attribute("data-id")
}

/// The bytes of `file`, unless it is larger than the server takes.
async fn read(file: &web_sys::File) -> Result<Vec<u8>, &'static str> {
    if file.size() > 2.0 * 1024.0 * 1024.0 {
        return Err(tr(
            "an image is at most 2 MB",
            "une image fait au plus 2 Mo",
        ));
    }
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|_| {
        tr(
            "the file could not be read",
            "le fichier n'a pas pu être lu",
        )
    })?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The style that paints image `id` of this board (a picture, a photo).
pub fn painted(id: &str) -> String {
    if id.is_empty() {
        return String::new();
    }
    let url = crate::api::image_url(&super::history::board_id(), id);
    format!("background:#fff center/cover no-repeat url(\"{url}\")")
}
