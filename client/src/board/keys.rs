//! Keyboard shortcuts (Miro's) and the clipboard events, each turned into
//! a [`commands`] call.

use atelier_shared::Kind;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::commands;
use super::model::{Tool, Ui, model};
use super::ops;

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
        if !in_text_field(e.target()) && !ui.importing.get_untracked() && commands::copy(ui, &e) {
            e.prevent_default();
        }
    });
    let on_cut = window_event_listener(ev::cut, move |e| {
        if !in_text_field(e.target()) && !ui.importing.get_untracked() && commands::copy(ui, &e) {
            e.prevent_default();
            ops::delete(&ui.selected());
            ui.select([]);
        }
    });
    let on_paste = window_event_listener(ev::paste, move |e| {
        if !in_text_field(e.target()) && !ui.importing.get_untracked() {
            e.prevent_default();
            commands::paste(ui, &e);
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
    if e.key() == "Escape" {
        // An open menu closes first; a dialog closes itself (see
        // `dialog::behave`).
        if ui.templates.get_untracked() || ui.exports.get_untracked() {
            ui.templates.set(false);
            ui.exports.set(false);
            e.prevent_default();
            return;
        }
        if e.default_prevented() || crate::dialog::any_open() {
            return;
        }
    }
    if in_text_field(e.target()) || ui.importing.get_untracked() {
        return;
    }
    // Keys in a panel or a dialog are theirs; Enter and Space on a
    // focused button or link press it.
    let target = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    if let Some(el) = &target {
        let in_panel = el
            .closest(".outline-panel, .history-panel, .notes-panel, .vote-results, .comments-panel, [role=dialog], [role=menu]")
            .ok()
            .flatten()
            .is_some();
        let control = matches!(el.tag_name().as_str(), "BUTTON" | "A" | "SELECT");
        if in_panel || (control && matches!(e.key().as_str(), "Enter" | " ")) {
            return;
        }
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
            commands::duplicate(ui);
            true
        }
        (true, _, "0") => {
            commands::zoom_to(ui, 1.0);
            true
        }
        (true, _, "=" | "+") => {
            commands::zoom_to(ui, ui.camera.get_untracked().zoom * 1.25);
            true
        }
        (true, _, "-") => {
            commands::zoom_to(ui, ui.camera.get_untracked().zoom / 1.25);
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
            commands::zoom_to_fit(ui);
            true
        }
        (false, _, "@") | (false, true, "2") => {
            commands::zoom_to_selection(ui);
            true
        }
        (false, _, "+" | "=") => {
            commands::zoom_to(ui, ui.camera.get_untracked().zoom * 1.25);
            true
        }
        (false, _, "-" | "_") => {
            commands::zoom_to(ui, ui.camera.get_untracked().zoom / 1.25);
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
            commands::nudge(ui, dx, dy);
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
