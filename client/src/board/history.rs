//! The history panel: the board's versions (saved by someone, or by the
//! server at each workshop phase), each viewed read-only as a picture,
//! compared with another or with the board as it is (counts, and a
//! highlight of what changed), and restored as a new change: the board as
//! it was just before is saved as a version first, and the restore is one
//! undo step.

use atelier_shared::history::{self, Changes};
use atelier_shared::templates::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::model::ui;
use super::ops;
use crate::api::{self, Version};
use crate::lang::{plural, tr};

pub(super) fn board_id() -> String {
    let path = window().location().pathname().unwrap_or_default();
    path.rsplit('/').next().unwrap_or_default().to_owned()
}

/// A version's name in the reader's language.
fn named(name: &str) -> String {
    history::version_name(name, crate::lang::ui_lang()).to_owned()
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
    /// What changed, element by element: (how, id, what it is, still on
    /// the board).
    changed: Vec<(&'static str, String, String, bool)>,
    /// The version viewed as a picture: (name, picture URL).
    viewing: Option<(String, String)>,
    busy: bool,
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
                        // What was removed is named from the older version.
                        let before = match from.parse::<i64>() {
                            Ok(v) if !c.removed.is_empty() => {
                                api::version_elements(&board, v).await.unwrap_or_default()
                            }
                            _ => Vec::new(),
                        };
                        let changed = named_changes(&c, &before);
                        shown.update(|s| {
                            s.changes = Some((from, to, c));
                            s.changed = changed;
                        });
                    }
                    Err(e) => ui.toast.set(Some(e)),
                }
            });
        }
    };
    let restore = {
        let (board, load) = (board.clone(), load.clone());
        move |v: Version| {
            let ask = match crate::lang::ui_lang() {
                Lang::En => format!(
                    "Restore the version “{}”? The board as it is now is saved as a version first.",
                    named(&v.name)
                ),
                Lang::Fr => format!(
                    "Restaurer la version «\u{a0}{}\u{a0}» ? Le tableau tel qu'il est est d'abord enregistré comme version.",
                    named(&v.name)
                ),
            };
            let (board, load) = (board.clone(), load.clone());
            crate::dialog::confirm(ask, tr("Restore", "Restaurer"), move || {
                let (board, load) = (board.clone(), load.clone());
                shown.update(|s| s.busy = true);
                spawn_local(async move {
                    // Named for the readers of both languages.
                    // (Each half short: a version's name holds 120 characters.)
                    let clip = |lang: Lang| -> String {
                        let name = history::version_name(&v.name, lang);
                        if name.chars().count() <= 36 {
                            return name.to_owned();
                        }
                        let mut cut: String = name.chars().take(35).collect();
                        cut.push('…');
                        cut
                    };
                    let before = history::both_names(
                        &format!("Before restoring “{}”", clip(Lang::En)),
                        &format!("Avant de restaurer «\u{a0}{}\u{a0}»", clip(Lang::Fr)),
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
                                named(&v.name)
                            )));
                            load();
                        }
                        Err(e) => ui.toast.set(Some(e)),
                    }
                });
            });
        }
    };
    let writes = ui.writes;
    let from = NodeRef::<leptos::html::Select>::new();
    let to = NodeRef::<leptos::html::Select>::new();
    let name = NodeRef::<leptos::html::Input>::new();
    let on_submit = {
        let (board, load) = (board.clone(), load.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(input) = name.get_untracked() else {
                return;
            };
            let name = input.value().trim().to_owned();
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
    let close = move || {
        ui.history.set(false);
        ui.highlight.set(None);
    };
    let compare_picked = {
        let compare = compare.clone();
        move |_| {
            let value = |r: NodeRef<leptos::html::Select>| r.get_untracked().map(|s| s.value());
            if let (Some(from), Some(to)) = (value(from), value(to)) {
                compare(from, to);
            }
        }
    };
    // The versions to compare, and the board now; `selected` is chosen.
    let options = move |selected: String| {
        let versions = shown.with(|s| s.versions.clone());
        view! {
            <option value="now" selected=selected == "now">{tr("The board now", "Le tableau actuel")}</option>
            {versions.into_iter().map(|v| {
                let id = v.id.to_string();
                let chosen = selected == id;
                view! { <option value=id selected=chosen>{format!("{} · {}", named(&v.name), when(v.created))}</option> }
            }).collect_view()}
        }
    };
    let picked = move || {
        shown.with(|s| match &s.changes {
            Some((f, t, _)) => (f.clone(), t.clone()),
            None => (
                s.versions
                    .first()
                    .map(|v| v.id.to_string())
                    .unwrap_or_default(),
                "now".to_owned(),
            ),
        })
    };
    let changes = move || {
        shown
            .with(|s| s.changes.as_ref().map(|(_, _, c)| summary(c)))
            .map(|(counts, text)| {
                let items = shown.with(|s| s.changed.clone());
                view! {
                    <p class="history-changes" data-changes=counts>
                        {text}
                        <button class="link" data-history="clear" on:click=move |_| {
                            ui.highlight.set(None);
                            shown.update(|s| {
                                s.changes = None;
                                s.changed.clear();
                            });
                        }>{tr("Clear", "Effacer")}</button>
                    </p>
                    <ul class="history-changed">
                        {items.into_iter().map(|(how, id, what, here)| {
                            let jump = id.clone();
                            view! {
                                <li data-changed=id.clone() data-how=how>
                                    <span class=format!("change-how change-{how}")>{how_word(how)}</span>
                                    {if here {
                                        view! {
                                            <button class="change-what link" title=tr("Show it on the board", "Le montrer sur le tableau")
                                                on:click=move |_| super::commands::show(ui, &jump)>{what}</button>
                                        }.into_any()
                                    } else {
                                        view! { <span class="change-what gone">{what}</span> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })
    };
    let versions = {
        let board = board.clone();
        move || {
            let (list, busy) = shown.with(|s| (s.versions.clone(), s.busy));
            list.into_iter()
                .map(|v| {
                    let picture = format!("/api/boards/{board}/versions/{}/board.svg", v.id);
                    let (viewed, since, restored) = (named(&v.name), v.id.to_string(), v.clone());
                    let (compare, restore) = (compare.clone(), restore.clone());
                    view! {
                        <li class="version" data-version=named(&v.name)>
                            <div class="version-name">
                                <span>{named(&v.name)}</span>
                                {v.auto.then(|| view! { <span class="version-auto">{tr("phase", "étape")}</span> })}
                            </div>
                            <div class="version-meta">{when(v.created)}</div>
                            <div class="version-actions">
                                <button class="link" data-history="view"
                                    on:click=move |_| shown.update(|s| s.viewing = Some((viewed.clone(), picture.clone())))>
                                    {tr("View", "Voir")}
                                </button>
                                <button class="link" data-history="since" on:click=move |_| compare(since.clone(), "now".into())>
                                    {tr("Changes since", "Changements depuis")}
                                </button>
                                {writes.then(|| view! {
                                    <button class="link" data-history="restore" disabled=busy on:click=move |_| restore(restored.clone())>
                                        {tr("Restore", "Restaurer")}
                                    </button>
                                })}
                            </div>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let count = move || {
        plural(
            shown.with(|s| s.versions.len()),
            tr("version", "version"),
            tr("versions", "versions"),
        )
    };
    let viewing = move || {
        shown.with(|s| s.viewing.clone()).map(|(name, url)| {
            let node = NodeRef::<leptos::html::Div>::new();
            crate::dialog::behave(node, move || shown.update(|s| s.viewing = None));
            let label = name.clone();
            view! {
                <div class="version-view" role="dialog" aria-label=label node_ref=node>
                    <header>
                        <strong>{name}</strong>
                        <span class="version-readonly">{tr("Read-only", "Lecture seule")}</span>
                        <span class="version-hint muted">{tr("Ctrl+wheel or + − to zoom, drag to move", "Ctrl+molette ou + − pour zoomer, glisser pour déplacer")}</span>
                        <button class="dialog-close" data-history="unview" title=tr("Close", "Fermer") aria-label=tr("Close", "Fermer")
                            on:click=move |_| shown.update(|s| s.viewing = None)>"×"</button>
                    </header>
                    <Zoomable src=api::with_token(&board_id(), &url)/>
                </div>
            }
        })
    };
    let panel = NodeRef::<leptos::html::Aside>::new();
    crate::dialog::behave(panel, close);
    view! {
        <div class="history" on:pointerdown=|ev| ev.stop_propagation()>
            <aside class="history-panel" aria-label=tr("History", "Historique") node_ref=panel>
                <header class="panel-head">
                    <h3>{tr("History", "Historique")}</h3>
                    <button class="dialog-close" data-history="close" title=tr("Close", "Fermer") aria-label=tr("Close", "Fermer") on:click=move |_| close()>"×"</button>
                </header>
                {writes.then(|| view! {
                    <form class="history-save" on:submit=on_submit>
                        <input class="history-name" name="name" maxlength="120" node_ref=name
                            placeholder=tr("Name this version", "Nommer cette version")/>
                        <button class="button primary" type="submit">{tr("Save", "Enregistrer")}</button>
                    </form>
                })}
                <section class="panel-section history-compare">
                    <h4>{tr("Compare", "Comparer")}</h4>
                    <div class="panel-filters">
                        <label class="panel-field">{tr("From", "De")}
                            <select data-history-select="from" node_ref=from>{move || options(picked().0)}</select>
                        </label>
                        <label class="panel-field">{tr("To", "À")}
                            <select data-history-select="to" node_ref=to>{move || options(picked().1)}</select>
                        </label>
                    </div>
                    <button class="button" data-history="compare" on:click=compare_picked>{tr("Show the changes", "Voir les changements")}</button>
                    {changes}
                </section>
                <section class="panel-section">
                    <h4>{count}</h4>
                    <ul class="versions">{versions}</ul>
                </section>
            </aside>
            {viewing}
        </div>
    }
}

/// A version's picture, large: fitted at first, then zoomed with the
/// buttons, + and − or Ctrl+wheel, and moved by dragging.
#[component]
fn Zoomable(src: String) -> impl IntoView {
    // None: fitted to the viewer.
    let zoom = RwSignal::new(None::<f64>);
    let img = NodeRef::<leptos::html::Img>::new();
    let pane = NodeRef::<leptos::html::Div>::new();
    let scale_now = move || {
        zoom.get_untracked().unwrap_or_else(|| {
            img.get_untracked()
                .map(|i| i.client_width() as f64 / (i.natural_width().max(1)) as f64)
                .unwrap_or(1.0)
        })
    };
    let set = move |z: f64| zoom.set(Some(z.clamp(0.05, 8.0)));
    let dragging = StoredValue::new(None::<(i32, i32)>);
    view! {
        <div class="zoom-tools" role="group" aria-label=tr("Zoom", "Zoom")>
            <button class="fac-btn" data-zoom="out" aria-label=tr("Zoom out", "Dézoomer") on:click=move |_| set(scale_now() / 1.25)>"−"</button>
            <button class="fac-btn" data-zoom="fit" on:click=move |_| zoom.set(None)>
                {move || zoom.get().map_or_else(|| tr("Fit", "Ajusté").to_owned(), |z| format!("{:.0} %", z * 100.0))}
            </button>
            <button class="fac-btn" data-zoom="in" aria-label=tr("Zoom in", "Zoomer") on:click=move |_| set(scale_now() * 1.25)>"+"</button>
        </div>
        <div class="version-pane" class:fitted=move || zoom.get().is_none() node_ref=pane tabindex="0"
            aria-label=tr("The version, read-only", "La version, en lecture seule")
            on:wheel=move |ev: leptos::ev::WheelEvent| {
                if ev.ctrl_key() || ev.meta_key() {
                    ev.prevent_default();
                    set(scale_now() * if ev.delta_y() < 0.0 { 1.15 } else { 1.0 / 1.15 });
                }
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let key = ev.key();
                match key.as_str() {
                    "+" | "=" => set(scale_now() * 1.25),
                    "-" => set(scale_now() / 1.25),
                    "0" => zoom.set(None),
                    _ => return,
                }
                // (The board behind does not zoom too.)
                ev.stop_propagation();
            }
            on:pointerdown=move |ev: leptos::ev::PointerEvent| dragging.set_value(Some((ev.client_x(), ev.client_y())))
            on:pointermove=move |ev: leptos::ev::PointerEvent| {
                if let (Some((x, y)), Some(p)) = (dragging.get_value(), pane.get_untracked()) {
                    p.scroll_by_with_x_and_y((x - ev.client_x()) as f64, (y - ev.client_y()) as f64);
                    dragging.set_value(Some((ev.client_x(), ev.client_y())));
                }
            }
            on:pointerup=move |_| dragging.set_value(None)
            on:pointerleave=move |_| dragging.set_value(None)>
            <img alt="" src=src node_ref=img draggable="false"
                style=move || zoom.get().map(|z| {
                    let w = img.get_untracked().map(|i| i.natural_width()).unwrap_or(0) as f64;
                    format!("width:{:.0}px", w * z)
                })/>
        </div>
    }
}

/// Each changed element with what it is (its kind and the start of its
/// text), named from the board as it is, or from `before` (the older
/// version) for what was removed; at most 200.
fn named_changes(
    c: &Changes,
    before: &[atelier_shared::Element],
) -> Vec<(&'static str, String, String, bool)> {
    let scene = &super::model::model().scene;
    let groups: [(&'static str, &Vec<String>); 4] = [
        ("added", &c.added),
        ("edited", &c.edited),
        ("moved", &c.moved),
        ("removed", &c.removed),
    ];
    groups
        .into_iter()
        .flat_map(|(how, ids)| ids.iter().map(move |id| (how, id)))
        .take(200)
        .map(|(how, id)| {
            let now = scene.get(id);
            let here = now.is_some();
            let what = now
                .or_else(|| before.iter().find(|e| e.id == *id).cloned())
                .map_or_else(
                    || tr("An element", "Un élément").to_owned(),
                    |e| describe(&e),
                );
            (how, id.clone(), what, here)
        })
        .collect()
}

/// "Note · Claims take weeks…": an element's kind and the start of its text.
fn describe(e: &atelier_shared::Element) -> String {
    use atelier_shared::Kind;
    let kind = crate::lang::kind_word(&e.kind);
    let text = match (&e.kind, &e.persona) {
        (Kind::Persona, Some(p)) => p.name.clone(),
        _ => e.text.clone(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return kind.to_owned();
    }
    // The first words, up to 48 characters, never cut mid-word.
    let mut short = String::new();
    for word in text.split(' ') {
        if !short.is_empty() && short.chars().count() + word.chars().count() > 48 {
            short.push('…');
            break;
        }
        if !short.is_empty() {
            short.push(' ');
        }
        short.push_str(word);
    }
    format!("{kind} · {short}")
}

fn how_word(how: &str) -> &'static str {
    match how {
        "added" => tr("Added", "Ajouté"),
        "removed" => tr("Removed", "Supprimé"),
        "moved" => tr("Moved", "Déplacé"),
        _ => tr("Edited", "Modifié"),
    }
}

/// What a comparison found: the four counts (for tests), and in words.
fn summary(c: &Changes) -> (String, String) {
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
    (counts, text)
}
