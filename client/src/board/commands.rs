//! What a user asks of the board, whatever asked it (a key, a button, a
//! menu): zoom, nudge, duplicate, copy and paste, and the inserts of
//! templates, persona cards and journey maps. Each change goes through
//! [`ops`].

use std::collections::HashSet;

use atelier_shared::templates::Lang;
use atelier_shared::{Element, Kind, Rect};
use leptos::ev;
use leptos::prelude::*;

use super::camera::Camera;
use super::model::{Ui, model, ui};
use super::ops;

/// The clipboard format: `{"atelier":1,"elements":[…]}` as text, under
/// this type and in local storage (for pasting into another board).
const CLIP_TYPE: &str = "application/x-atelier-elements";
const CLIP_KEY: &str = "atelier.clipboard";

pub fn zoom_to(ui: Ui, zoom: f64) {
    let (w, h) = ui.viewport.get_untracked();
    ui.camera.update(|c| *c = c.zoom_at(w / 2.0, h / 2.0, zoom));
}

thread_local! {
    /// Where the last "fit" put the camera.
    static FITTED: std::cell::Cell<Option<Camera>> = const { std::cell::Cell::new(None) };
}

pub fn zoom_to_fit(ui: Ui) {
    let (w, h) = ui.viewport.get_untracked();
    let camera = match model().scene.bounds() {
        Some(bounds) => Camera::fit_within(bounds, free_area(ui)),
        None => Camera::default().centered_on(0.0, 0.0, w, h),
    };
    FITTED.set(Some(camera));
    ui.camera.set(camera);
}

/// The chrome changed (a banner came or went, a panel opened): a board
/// still as the last fit left it is fitted again in what is now free, so
/// the chrome does not land on it. One the user moved stays where it is.
pub fn refit_if_untouched(ui: Ui) {
    // Once the chrome is drawn and laid out (two frames on).
    request_animation_frame(move || {
        request_animation_frame(move || {
            if FITTED.get().is_some_and(|c| c == ui.camera.get_untracked()) {
                zoom_to_fit(ui);
            }
        })
    });
}

/// Shows the selection (Shift+2, as in Miro), or the whole board.
pub fn zoom_to_selection(ui: Ui) {
    match model().scene.bounds_of(ui.selected().iter()) {
        Some(bounds) => ui.camera.set(Camera::fit_within(bounds, free_area(ui))),
        None => zoom_to_fit(ui),
    }
}

/// The screen boxes of what matches `css`, relative to the board's
/// top-left corner (hidden ones left out).
fn boxes(css: &str) -> Vec<Rect> {
    let doc = document();
    let origin = doc
        .query_selector(".board")
        .ok()
        .flatten()
        .map(|b| b.get_bounding_client_rect());
    let (ox, oy) = origin.map(|r| (r.left(), r.top())).unwrap_or_default();
    let Ok(list) = doc.query_selector_all(css) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        .map(|e| e.get_bounding_client_rect())
        .filter(|r| r.width() > 0.0 && r.height() > 0.0)
        .map(|r| Rect {
            x: r.left() - ox,
            y: r.top() - oy,
            w: r.width(),
            h: r.height(),
        })
        .collect()
}

/// The lowest edge of the chrome along the top (the facilitation bar and
/// its banners), in canvas pixels: what lies above it is covered.
pub fn chrome_top() -> f64 {
    boxes(".facilitation > *")
        .iter()
        .filter(|r| r.y < 200.0)
        .map(Rect::bottom)
        .fold(0.0, f64::max)
}

/// The highest edge of the chrome along the bottom (the reactions), in
/// canvas pixels.
pub fn chrome_bottom(ui: Ui) -> f64 {
    let (_, h) = ui.viewport.get_untracked();
    boxes(".reaction-bar").iter().map(|r| r.y).fold(h, f64::min)
}

/// The part of the canvas no chrome covers: below the facilitation bar,
/// right of the toolbar, above the reactions, left of an open panel. The
/// board is fitted there, so nothing of it starts under the chrome.
pub fn free_area(ui: Ui) -> Rect {
    let (w, h) = ui.viewport.get_untracked();
    let top = chrome_top() + 8.0;
    let left = boxes(".toolbar")
        .iter()
        .map(Rect::right)
        .fold(0.0, f64::max)
        + 8.0;
    let right = boxes(".notes-panel, .history-panel, .outline-panel, .vote-results")
        .iter()
        .map(|r| r.x)
        .fold(w, f64::min)
        - 8.0;
    let bottom = chrome_bottom(ui) - 8.0;
    if right - left < 200.0 || bottom - top < 160.0 {
        return Rect {
            x: 0.0,
            y: 0.0,
            w,
            h,
        };
    }
    Rect::spanning(left, top, right, bottom)
}

/// Selects element `id` and brings it to the middle of the view, whole,
/// at 100 % at most.
pub fn show(ui: Ui, id: &str) {
    let Some(r) = model().scene.rect(id) else {
        return;
    };
    ui.select([id.to_owned()]);
    // In the middle of what the chrome and the open panel leave free.
    let area = free_area(ui);
    let zoom = Camera::fit_within(r.grow(r.w.max(r.h) / 2.0), area)
        .zoom
        .min(1.0);
    let (cx, cy) = r.center();
    let (sx, sy) = area.center();
    ui.camera.set(Camera {
        x: sx - cx * zoom,
        y: sy - cy * zoom,
        zoom,
    });
}

pub fn nudge(ui: Ui, dx: f64, dy: f64) {
    let selection = ui.selected();
    let model = model();
    let mut ids = selection.clone();
    ids.extend(model.scene.children(&selection));
    let rects: Vec<(String, Rect)> = ids
        .iter()
        .filter_map(|id| {
            let r = model.scene.rect(id)?;
            Some((id.clone(), r.at(r.x + dx, r.y + dy)))
        })
        .collect();
    drop(model);
    ops::place(&rects);
}

pub fn duplicate(ui: Ui) {
    let elements = model().scene.copy_set(&ui.selected());
    if !elements.is_empty() {
        let ids = ops::paste(&elements, 24.0, 24.0);
        ui.select(ids);
    }
}

pub fn copy(ui: Ui, e: &ev::ClipboardEvent) -> bool {
    let elements = model().scene.copy_set(&ui.selected());
    if elements.is_empty() {
        return false;
    }
    let plain = elements
        .iter()
        .filter(|e| !e.text.is_empty())
        .map(|e| e.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let json = atelier_shared::clip::to_text(&elements);
    if let Some(data) = e.clipboard_data() {
        let _ = data.set_data(CLIP_TYPE, &json);
        let _ = data.set_data("text/plain", &plain);
    }
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(CLIP_KEY, &json);
        let _ = storage.set_item("atelier.clipboard.text", &plain);
    }
    true
}

pub fn paste(ui: Ui, e: &ev::ClipboardEvent) {
    let data = e.clipboard_data();
    let get = |t: &str| {
        data.as_ref()
            .and_then(|d| d.get_data(t).ok())
            .unwrap_or_default()
    };
    let storage = window().local_storage().ok().flatten();
    let stored = |k: &str| storage.as_ref().and_then(|s| s.get_item(k).ok().flatten());
    let plain = get("text/plain");
    let mut json = get(CLIP_TYPE);
    // Some browsers drop custom types between pages: the copy kept in
    // local storage stands in when the plain text is still ours.
    // (An empty clipboard, as headless browsers have, also takes it.)
    if json.is_empty()
        && (plain.is_empty() || stored("atelier.clipboard.text").as_deref() == Some(plain.as_str()))
    {
        json = stored(CLIP_KEY).unwrap_or_default();
    }
    let (cx, cy) = ui
        .pointer
        .get_value()
        .unwrap_or_else(|| ui.canvas_center_on_board());
    if let Some(elements) = atelier_shared::clip::from_text(&json).filter(|e| !e.is_empty()) {
        let ids: HashSet<&String> = elements.iter().map(|e| &e.id).collect();
        let Some(bounds) = elements
            .iter()
            .filter(|e| e.kind != Kind::Connector)
            .map(|e| e.rect())
            .reduce(|a, b| a.union(&b))
        else {
            return;
        };
        // Pasted where the pointer is (or mid-screen); shifted when that
        // would land exactly on the originals.
        let (bx, by) = bounds.center();
        let (mut dx, mut dy) = (ops::snap(cx - bx), ops::snap(cy - by));
        if dx.abs() < 24.0
            && dy.abs() < 24.0
            && ids.iter().any(|id| model().scene.rect(id).is_some())
        {
            dx = 24.0;
            dy = 24.0;
        }
        let new = ops::paste(&elements, dx, dy);
        ui.select(new);
    } else if !plain.trim().is_empty() {
        // Plain text: one sticky note per line, in a grid.
        let lines: Vec<&str> = plain
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(200)
            .collect();
        let cols = (lines.len() as f64).sqrt().ceil().max(1.0) as usize;
        let color = ui.note_color.get_untracked();
        let x0 = cx - (cols as f64 * 180.0) / 2.0;
        let y0 = cy - ((lines.len().div_ceil(cols)) as f64 * 180.0) / 2.0;
        let notes = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let (col, row) = (i % cols, i / cols);
                let x = ops::snap(x0 + col as f64 * 180.0);
                let y = ops::snap(y0 + row as f64 * 180.0);
                let mut note = Element::new(ops::new_id(), Kind::Note, x, y);
                note.color = color.to_owned();
                note.text = (*line).to_owned();
                note
            })
            .collect();
        ui.select(ops::add(notes));
    }
}

/// Adds a persona card beside the last one (personas share one layout,
/// side by side), or beside the board.
pub fn insert_persona() {
    let ui = ui();
    let model = model();
    let last = model
        .scene
        .of_kind(Kind::Persona)
        .into_iter()
        .filter_map(|id| model.scene.rect(&id))
        .max_by(|a, b| a.x.total_cmp(&b.x));
    let (x, y) = match last {
        Some(r) => (r.right() + 60.0, r.y),
        None => atelier_shared::import::pool_origin(model.scene.bounds()),
    };
    drop(model);
    let mut persona = atelier_shared::Element::new(ops::new_id(), Kind::Persona, x, y);
    persona.color = "#e4572e".into();
    let id = ops::add(vec![persona]).remove(0);
    let (w, h) = ui.viewport.get_untracked();
    if let Some(r) = super::model::model().scene.rect(&id) {
        ui.camera.set(Camera::fit(r, w, h));
    }
    ui.select([id]);
}

/// Adds a journey map (current) beside the board.
pub fn insert_journey(lang: Lang) {
    let ui = ui();
    let at = atelier_shared::import::pool_origin(model().scene.bounds());
    let mut map = atelier_shared::Element::new(ops::new_id(), Kind::Journey, at.0, at.1);
    map.journey = Some(Box::new(atelier_shared::journey::Journey::new(
        lang,
        "current",
        ops::new_id,
    )));
    let id = ops::add(vec![map]).remove(0);
    let (w, h) = ui.viewport.get_untracked();
    if let Some(r) = model().scene.rect(&id) {
        ui.camera.set(Camera::fit(r, w, h));
    }
    ui.select([id]);
}

/// Inserts template `id` beside what the board holds, in one undo step,
/// and shows it. The server builds it (its texts stay out of the web
/// app); a template that cannot be had is said in a toast.
pub fn insert_template(id: &str, lang: Lang) {
    let (id, ui) = (id.to_owned(), ui());
    leptos::task::spawn_local(async move {
        let mut elements = match crate::api::template(&id, lang).await {
            Ok(elements) if !elements.is_empty() => elements,
            Ok(_) => return,
            Err(e) => return ui.toast.set(Some(e)),
        };
        let model = model();
        let at = atelier_shared::import::pool_origin(model.scene.bounds());
        let (_, hi) = model.scene.z_range();
        let author = model.author.clone();
        drop(model);
        let now = js_sys::Date::now() as i64;
        for e in &mut elements {
            e.x += at.0;
            e.y += at.1;
            e.z += hi + 1.0;
            e.author.clone_from(&author);
            e.created = now;
        }
        ops::insert(&elements);
        let (w, h) = ui.viewport.get_untracked();
        ui.camera.set(Camera::fit(elements[0].rect(), w, h));
        ui.select([elements[0].id.clone()]);
    });
}
