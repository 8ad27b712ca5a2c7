//! Keyboard shortcuts (Miro's) and the clipboard.

use std::collections::HashSet;

use atelier_shared::{Element, Kind, Rect};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::camera::Camera;
use super::model::{Tool, Ui, model};
use super::ops;

/// The clipboard format: `{"atelier":1,"elements":[…]}` as text, under
/// this type and in local storage (for pasting into another board).
const CLIP_TYPE: &str = "application/x-atelier-elements";
const CLIP_KEY: &str = "atelier.clipboard";

/// Whether a key event belongs to a text field rather than the board.
pub(super) fn in_text_field(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA")
                || el.closest("[contenteditable]").ok().flatten().is_some()
        })
}

/// Installs the window listeners for as long as the board page lives.
pub fn install(ui: Ui) {
    let down = window_event_listener(ev::keydown, move |e| keydown(ui, e));
    let up = window_event_listener(ev::keyup, move |e| {
        if e.key() == " " {
            ui.space.set(false);
        }
    });
    let on_copy = window_event_listener(ev::copy, move |e| {
        if !in_text_field(e.target()) && !ui.importing.get_untracked() && copy(ui, &e) {
            e.prevent_default();
        }
    });
    let on_cut = window_event_listener(ev::cut, move |e| {
        if !in_text_field(e.target()) && !ui.importing.get_untracked() && copy(ui, &e) {
            e.prevent_default();
            ops::delete(&ui.selected());
            ui.select([]);
        }
    });
    let on_paste = window_event_listener(ev::paste, move |e| {
        if !in_text_field(e.target()) && !ui.importing.get_untracked() {
            e.prevent_default();
            paste(ui, &e);
        }
    });
    on_cleanup(move || {
        down.remove();
        up.remove();
        on_copy.remove();
        on_cut.remove();
        on_paste.remove();
    });
}

fn keydown(ui: Ui, e: ev::KeyboardEvent) {
    if in_text_field(e.target()) || ui.importing.get_untracked() {
        return;
    }
    let ctrl = e.ctrl_key() || e.meta_key();
    let key = e.key();
    let handled = match (ctrl, e.shift_key(), key.as_str()) {
        (true, false, "z" | "Z") => {
            ops::undo();
            true
        }
        (true, true, "z" | "Z") | (true, false, "y" | "Y") => {
            ops::redo();
            true
        }
        (true, _, "a" | "A") => {
            ui.select(model().scene.ids());
            true
        }
        (true, _, "d" | "D") => {
            duplicate(ui);
            true
        }
        (true, _, "0") => {
            zoom_to(ui, 1.0);
            true
        }
        (true, _, "=" | "+") => {
            zoom_to(ui, ui.camera.get_untracked().zoom * 1.25);
            true
        }
        (true, _, "-") => {
            zoom_to(ui, ui.camera.get_untracked().zoom / 1.25);
            true
        }
        (true, _, _) => false,
        (false, _, " ") => {
            ui.space.set(true);
            true
        }
        (false, _, "v" | "V") => tool(ui, Tool::Select),
        (false, _, "h" | "H") => tool(ui, Tool::Hand),
        (false, _, "n" | "N") => tool(ui, Tool::Note),
        (false, _, "t" | "T") => tool(ui, Tool::Text),
        (false, _, "s" | "S") => tool(ui, Tool::Shape),
        (false, _, "l" | "L") => tool(ui, Tool::Connector),
        (false, _, "f" | "F") => tool(ui, Tool::Frame),
        (false, _, "!") | (false, true, "1") => {
            zoom_to_fit(ui);
            true
        }
        (false, _, "@") | (false, true, "2") => {
            zoom_to_selection(ui);
            true
        }
        (false, _, "+" | "=") => {
            zoom_to(ui, ui.camera.get_untracked().zoom * 1.25);
            true
        }
        (false, _, "-" | "_") => {
            zoom_to(ui, ui.camera.get_untracked().zoom / 1.25);
            true
        }
        (false, _, "Escape") => {
            ui.select([]);
            ui.tool.set(Tool::Select);
            ui.highlight.set(None);
            true
        }
        (false, _, "Delete" | "Backspace") => {
            let selection = ui.selected();
            if !selection.is_empty() {
                ops::delete(&selection);
                ui.select([]);
            }
            true
        }
        (false, _, "Enter") => {
            let selection = ui.selected();
            if selection.len() == 1
                && let Some(id) = selection.into_iter().next()
                && model().scene.kind(&id) != Some(Kind::Connector)
                && !ops::read_only()
                && !ops::is_locked(&id)
            {
                ui.editing.set(Some(id));
            }
            true
        }
        (false, shift, "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
            let step = if shift { 10.0 } else { 1.0 };
            let (dx, dy) = match key.as_str() {
                "ArrowLeft" => (-step, 0.0),
                "ArrowRight" => (step, 0.0),
                "ArrowUp" => (0.0, -step),
                _ => (0.0, step),
            };
            nudge(ui, dx, dy);
            true
        }
        (false, _, "PageUp") => {
            ops::restack(&ui.selected(), true);
            true
        }
        (false, _, "PageDown") => {
            ops::restack(&ui.selected(), false);
            true
        }
        _ => false,
    };
    if handled {
        e.prevent_default();
    }
}

fn tool(ui: Ui, tool: Tool) -> bool {
    ui.tool.set(tool);
    true
}

pub fn zoom_to(ui: Ui, zoom: f64) {
    let (w, h) = ui.viewport.get_untracked();
    ui.camera.update(|c| *c = c.zoom_at(w / 2.0, h / 2.0, zoom));
}

pub fn zoom_to_fit(ui: Ui) {
    let (w, h) = ui.viewport.get_untracked();
    let camera = match model().scene.bounds() {
        Some(bounds) => Camera::fit(bounds, w, h),
        None => Camera::default().centered_on(0.0, 0.0, w, h),
    };
    ui.camera.set(camera);
}

/// Shows the selection (Shift+2, as in Miro), or the whole board.
pub fn zoom_to_selection(ui: Ui) {
    let (w, h) = ui.viewport.get_untracked();
    match model().scene.bounds_of(ui.selected().iter()) {
        Some(bounds) => ui.camera.set(Camera::fit(bounds, w, h)),
        None => zoom_to_fit(ui),
    }
}

fn nudge(ui: Ui, dx: f64, dy: f64) {
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
    let elements = ops::copy_set(&ui.selected());
    if !elements.is_empty() {
        let ids = ops::paste(&elements, 24.0, 24.0);
        ui.select(ids);
    }
}

fn copy(ui: Ui, e: &ev::ClipboardEvent) -> bool {
    let elements = ops::copy_set(&ui.selected());
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

fn paste(ui: Ui, e: &ev::ClipboardEvent) {
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
