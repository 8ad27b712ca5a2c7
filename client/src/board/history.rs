//! The history panel: the board's versions (saved by someone, or by the
//! server at each workshop phase), each viewed read-only as a picture,
//! compared with another or with the board as it is (counts, and a
//! highlight of what changed), and restored as a new change: the board as
//! it was just before is saved as a version first, and the restore is one
//! undo step.
//!
//! The panel is written as HTML text with one click handler that reads the
//! `data-history` action of what was clicked: a tree of typed views for a
//! list this simple would cost the WASM more than all the rest of it.

use atelier_shared::history::Changes;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::model::{model, ui};
use super::ops;
use crate::api::{self, Version};
use crate::{esc, plural, tr};

fn board_id() -> String {
    let path = window().location().pathname().unwrap_or_default();
    path.rsplit('/').next().unwrap_or_default().to_owned()
}

/// `ms` since the epoch as the local time, with the day when not today.
fn when(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let today = js_sys::Date::new_0();
    let time = format!("{:02}:{:02}", d.get_hours(), d.get_minutes());
    if d.to_date_string() == today.to_date_string() {
        time
    } else {
        format!("{}/{} {time}", d.get_date(), d.get_month() + 1)
    }
}

#[derive(Clone, Default)]
struct Shown {
    versions: Vec<Version>,
    /// The last comparison: (from, to, what changed).
    changes: Option<(String, String, Changes)>,
    /// The version viewed as a picture: (name, picture URL).
    viewing: Option<(String, String)>,
    busy: bool,
}

/// The panel's HTML.
fn render(s: &Shown, board: &str, writes: bool) -> String {
    let mut h = String::with_capacity(4096);
    let close = tr("Close", "Fermer");
    h += &format!(
        "<aside class=\"history-panel\" aria-label=\"{title}\"><header class=\"panel-head\"><h3>{title}</h3>\
         <button class=\"dialog-close\" data-history=\"close\" title=\"{close}\" aria-label=\"{close}\">×</button></header>",
        title = tr("History", "Historique"),
    );
    if writes {
        h += &format!(
            "<form class=\"history-save\"><input class=\"history-name\" name=\"name\" maxlength=\"120\" placeholder=\"{}\">\
             <button class=\"button primary\" type=\"submit\">{}</button></form>",
            tr("Name this version", "Nommer cette version"),
            tr("Save", "Enregistrer"),
        );
    }
    let (from, to) = s
        .changes
        .as_ref()
        .map(|(f, t, _)| (f.as_str(), t.as_str()))
        .unwrap_or(("", "now"));
    let options = |selected: &str| {
        let mut o = format!(
            "<option value=\"now\"{}>{}</option>",
            if selected == "now" { " selected" } else { "" },
            tr("The board now", "Le tableau actuel")
        );
        for v in &s.versions {
            let id = v.id.to_string();
            o += &format!(
                "<option value=\"{id}\"{}>{} · {}</option>",
                if selected == id { " selected" } else { "" },
                esc(&v.name),
                when(v.created)
            );
        }
        o
    };
    h += &format!(
        "<section class=\"panel-section history-compare\"><h4>{}</h4><div class=\"panel-filters\">\
         <label class=\"panel-field\">{}<select data-history-select=\"from\">{}</select></label>\
         <label class=\"panel-field\">{}<select data-history-select=\"to\">{}</select></label></div>\
         <button class=\"button\" data-history=\"compare\">{}</button>",
        tr("Compare", "Comparer"),
        tr("From", "De"),
        options(
            if from.is_empty() {
                s.versions
                    .first()
                    .map(|v| v.id.to_string())
                    .unwrap_or_default()
            } else {
                from.to_owned()
            }
            .as_str()
        ),
        tr("To", "À"),
        options(to),
        tr("Show the changes", "Voir les changements"),
    );
    if let Some((_, _, c)) = &s.changes {
        let counts = format!(
            "{} {} {} {}",
            c.added.len(),
            c.removed.len(),
            c.moved.len(),
            c.edited.len()
        );
        let text = if c.is_empty() {
            tr("No change", "Aucun changement").to_owned()
        } else {
            [
                (c.added.len(), tr("added", "ajouté(s)")),
                (c.removed.len(), tr("removed", "supprimé(s)")),
                (c.moved.len(), tr("moved", "déplacé(s)")),
                (c.edited.len(), tr("edited", "modifié(s)")),
            ]
            .iter()
            .map(|(n, what)| format!("{n} {what}"))
            .collect::<Vec<_>>()
            .join(" · ")
        };
        h += &format!(
            "<p class=\"history-changes\" data-changes=\"{counts}\">{text}\
             <button class=\"link\" data-history=\"clear\">{}</button></p>",
            tr("Clear", "Effacer")
        );
    }
    h += &format!(
        "</section><section class=\"panel-section\"><h4>{}</h4><ul class=\"versions\">",
        plural(
            s.versions.len(),
            tr("version", "version"),
            tr("versions", "versions")
        )
    );
    for v in &s.versions {
        let name = esc(&v.name);
        h += &format!(
            "<li class=\"version\" data-version=\"{name}\"><div class=\"version-name\"><span>{name}</span>{}</div>\
             <div class=\"version-meta\">{}</div><div class=\"version-actions\">\
             <button class=\"link\" data-history=\"view\" data-id=\"{id}\">{}</button>\
             <button class=\"link\" data-history=\"since\" data-id=\"{id}\">{}</button>{}</div></li>",
            if v.auto {
                format!(
                    "<span class=\"version-auto\">{}</span>",
                    tr("phase", "étape")
                )
            } else {
                String::new()
            },
            when(v.created),
            tr("View", "Voir"),
            tr("Changes since", "Changements depuis"),
            if writes {
                format!(
                    "<button class=\"link\" data-history=\"restore\" data-id=\"{}\"{}>{}</button>",
                    v.id,
                    if s.busy { " disabled" } else { "" },
                    tr("Restore", "Restaurer")
                )
            } else {
                String::new()
            },
            id = v.id,
        );
    }
    h += "</ul></section></aside>";
    if let Some((name, _)) = &s.viewing {
        h += &format!(
            "<div class=\"version-view\" role=\"dialog\"><header><strong>{}</strong><span class=\"version-readonly\">{}</span>\
             <button class=\"dialog-close\" data-history=\"unview\" title=\"{close}\" aria-label=\"{close}\">×</button></header>\
             <img alt=\"\" src=\"{}\"></div>",
            esc(name),
            tr("Read-only", "Lecture seule"),
            esc(&api::with_token(
                board,
                &s.viewing.as_ref().map(|v| v.1.clone()).unwrap_or_default()
            )),
        );
    }
    h
}

/// The value of the `<select>` or `<input>` matching `css` in the panel.
fn field(css: &str) -> String {
    document()
        .query_selector(css)
        .ok()
        .flatten()
        .and_then(|e| js_sys::Reflect::get(&e, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

pub fn panel() -> impl IntoView {
    let ui = ui();
    let board = board_id();
    let shown = RwSignal::new(Shown::default());
    let load = {
        let board = board.clone();
        move || {
            let board = board.clone();
            spawn_local(async move {
                match api::versions(&board).await {
                    Ok(v) => shown.update(|s| s.versions = v),
                    Err(e) => ui.toast.set(Some(e)),
                }
            })
        }
    };
    load();
    let compare = {
        let board = board.clone();
        move |from: String, to: String| {
            let board = board.clone();
            spawn_local(async move {
                match api::changes(&board, &from, &to).await {
                    Ok(c) => {
                        let lit: std::collections::HashSet<String> = c
                            .added
                            .iter()
                            .chain(&c.moved)
                            .chain(&c.edited)
                            .cloned()
                            .collect();
                        ui.highlight.set((!c.is_empty()).then_some(lit));
                        shown.update(|s| s.changes = Some((from, to, c)));
                    }
                    Err(e) => ui.toast.set(Some(e)),
                }
            });
        }
    };
    let restore = {
        let (board, load) = (board.clone(), load.clone());
        move |v: Version| {
            let ask = format!(
                "{} « {} » ?",
                tr("Restore the version", "Restaurer la version"),
                v.name
            );
            if !window().confirm_with_message(&ask).unwrap_or(false) {
                return;
            }
            let (board, load) = (board.clone(), load.clone());
            shown.update(|s| s.busy = true);
            spawn_local(async move {
                let before = format!(
                    "{} « {} »",
                    tr("Before restoring", "Avant de restaurer"),
                    v.name
                );
                let done = match api::save_version(&board, &before).await {
                    Ok(_) => api::version_elements(&board, v.id).await,
                    Err(e) => Err(e),
                };
                shown.update(|s| s.busy = false);
                match done {
                    Ok(elements) => {
                        ops::restore(&elements);
                        ui.toast.set(Some(format!(
                            "{} « {} »",
                            tr("Restored", "Restauré"),
                            v.name
                        )));
                        load();
                    }
                    Err(e) => ui.toast.set(Some(e)),
                }
            });
        }
    };
    let on_click = {
        let board = board.clone();
        move |ev: leptos::ev::MouseEvent| {
            let Some(target) = crate::hit(&ev, "[data-history]") else {
                return;
            };
            let action = target.get_attribute("data-history").unwrap_or_default();
            let id = target.get_attribute("data-id").unwrap_or_default();
            let version = shown
                .with_untracked(|s| s.versions.iter().find(|v| v.id.to_string() == id).cloned());
            match (action.as_str(), version) {
                ("close", _) => {
                    ui.history.set(false);
                    ui.highlight.set(None);
                }
                ("compare", _) => compare(
                    field("[data-history-select=from]"),
                    field("[data-history-select=to]"),
                ),
                ("clear", _) => {
                    ui.highlight.set(None);
                    shown.update(|s| s.changes = None);
                }
                ("unview", _) => shown.update(|s| s.viewing = None),
                ("view", Some(v)) => {
                    let url = format!("/api/boards/{board}/versions/{}/board.svg", v.id);
                    shown.update(|s| s.viewing = Some((v.name, url)));
                }
                ("since", Some(v)) => compare(v.id.to_string(), "now".into()),
                ("restore", Some(v)) => restore(v),
                _ => {}
            }
        }
    };
    let on_submit = {
        let (board, load) = (board.clone(), load.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let name = field(".history-name").trim().to_owned();
            if name.is_empty() {
                return;
            }
            let (board, load) = (board.clone(), load.clone());
            spawn_local(async move {
                match api::save_version(&board, &name).await {
                    Ok(_) => load(),
                    Err(e) => ui.toast.set(Some(e)),
                }
            });
        }
    };
    let writes = ui.writes;
    view! {
        <div class="history" on:pointerdown=|ev| ev.stop_propagation() on:click=on_click on:submit=on_submit
            inner_html=move || shown.with(|s| render(s, &board, writes))></div>
    }
}

/// The board's elements as they are now (for a restore).
pub fn current() -> Vec<atelier_shared::Element> {
    let m = model();
    let txn = yrs::Transact::transact(&m.doc);
    m.board.elements().all(&txn)
}
