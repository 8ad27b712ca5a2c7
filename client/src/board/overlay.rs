//! What is drawn over the elements: this user's selection (handles and the
//! context toolbar), what others have selected, their cursors, and the
//! rectangle or line of a gesture in progress.

use std::collections::HashSet;

use atelier_shared::{Kind, NOTE_COLORS, Rect};
use leptos::prelude::*;

use super::look::{color_name, safe_color};
use super::model::{model, ui};
use super::ops::{self, Align};
use crate::lang::tr;

/// A rectangle or line drawn while a gesture runs (board units).
#[derive(Clone, Debug, PartialEq)]
pub enum Preview {
    Marquee(Rect),
    Draw(Kind, Rect),
    Connect { from: Rect, to: (f64, f64) },
}

/// This user's selection, in screen space so handles keep their size.
#[component]
pub fn Selection() -> impl IntoView {
    let ui = ui();
    let bounds = Memo::new(move |_| {
        ui.layout.track();
        let selection = ui.selection.get();
        let rect = model().scene.bounds_of(selection.iter())?;
        Some(ui.camera.get().rect_to_screen(rect))
    });
    let single_box = Memo::new(move |_| {
        let selection = ui.selection.get();
        if selection.len() != 1 {
            return false;
        }
        // A locked element cannot be resized: no handles.
        if ui
            .facilitation
            .with(|f| selection.iter().any(|id| f.locked.contains(id)))
        {
            return false;
        }
        let id = selection.iter().next().cloned().unwrap_or_default();
        !matches!(model().scene.kind(&id), Some(Kind::Connector) | None)
    });
    view! {
        {move || bounds.get().map(|r| {
            let style = format!(
                "transform:translate({}px,{}px);width:{}px;height:{}px",
                r.x - 1.0, r.y - 1.0, r.w + 2.0, r.h + 2.0
            );
            view! {
                <div class="selection-box" style=style>
                    {single_box.get().then(|| ["nw", "ne", "sw", "se", "n", "e", "s", "w"].map(|h| view! {
                        <span class=format!("handle handle-{h}") data-handle=h></span>
                    }).collect_view())}
                </div>
                <ContextBar rect=r/>
            }
        })}
    }
}

/// The floating toolbar above a selection: colour, shape, order, align,
/// duplicate, delete.
#[component]
fn ContextBar(rect: Rect) -> impl IntoView {
    let ui = ui();
    if ui.editing.get_untracked().is_some() {
        return ().into_any();
    }
    let selection = ui.selected();
    let kinds: HashSet<String> = selection
        .iter()
        .filter_map(|id| model().scene.kind(id))
        .map(|k| k.as_str().to_owned())
        .collect();
    // Locked: nothing that would change it is offered, and it says so.
    let locked = selection.iter().any(|id| ops::is_locked(id));
    let colorable = !locked && kinds.iter().all(|k| k == "note" || k == "shape");
    let shapes = !locked && kinds.len() == 1 && kinds.contains("shape");
    let many = !locked && selection.len() > 1;
    let notes_only = !locked && kinds.len() == 1 && kinds.contains("note");
    // Above the selection, or below it when the chrome at the top is there.
    let floor = super::commands::chrome_top() + 8.0;
    let top = if rect.y - 56.0 >= floor {
        rect.y - 56.0
    } else if rect.bottom() + 64.0 < super::commands::chrome_bottom(ui) {
        rect.bottom() + 12.0
    } else {
        floor.max(8.0)
    };
    let left = rect.x + rect.w / 2.0;
    let style = format!("transform:translate({left}px,{top}px) translateX(-50%)");
    let sel = move || ui.selected();
    view! {
        <div class="context-bar" style=style on:pointerdown=|ev| ev.stop_propagation()>
            {locked.then(|| view! {
                <span class="bar-locked" data-locked="" title=tr("Locked by the facilitator: nobody can move or change it",
                    "Verrouillé par l'animateur : personne ne peut le déplacer ni le modifier")>
                    {super::icons::lock(true)}
                    {tr("Locked", "Verrouillé")}
                </span>
                <span class="bar-sep"></span>
            })}
            {colorable.then(|| view! {
                <div class="swatches" role="group" aria-label=tr("Colour", "Couleur")>
                    {NOTE_COLORS.iter().map(|(name, color)| {
                        let color = *color;
                        let name = color_name(name).0;
                        view! {
                            <button class="swatch" title=name aria-label=name style=format!("background:{color}")
                                on:click=move |_| ops::set_string(&sel(), "color", color)></button>
                        }
                    }).collect_view()}
                </div>
                <span class="bar-sep"></span>
            })}
            {shapes.then(|| view! {
                <button class="bar-btn" title="Rectangle" on:click=move |_| ops::set_string(&sel(), "shape", "rect")>
                    <svg viewBox="0 0 20 20"><rect x="3" y="5" width="14" height="10" rx="1.5"/></svg>
                </button>
                <button class="bar-btn" title="Ellipse" on:click=move |_| ops::set_string(&sel(), "shape", "ellipse")>
                    <svg viewBox="0 0 20 20"><ellipse cx="10" cy="10" rx="7" ry="5.5"/></svg>
                </button>
                <span class="bar-sep"></span>
            })}
            {many.then(|| view! {
                {[(Align::Left, tr("Align left", "Aligner à gauche"), "M4 3v14M7 6h9M7 12h6"),
                  (Align::Center, tr("Align centres", "Centrer horizontalement"), "M10 3v14M5 6h10M7 12h6"),
                  (Align::Right, tr("Align right", "Aligner à droite"), "M16 3v14M4 6h9M7 12h6"),
                  (Align::Top, tr("Align top", "Aligner en haut"), "M3 4h14M6 7v9M12 7v6"),
                  (Align::Middle, tr("Align middles", "Centrer verticalement"), "M3 10h14M6 5v10M12 7v6"),
                  (Align::Bottom, tr("Align bottom", "Aligner en bas"), "M3 16h14M6 4v9M12 7v6")]
                    .map(|(how, title, d)| view! {
                        <button class="bar-btn" title=title on:click=move |_| ops::align(&sel(), how)>
                            <svg viewBox="0 0 20 20"><path d=d/></svg>
                        </button>
                    }).collect_view()}
                <span class="bar-sep"></span>
            })}
            {super::cite::picked(&selection).map(|(item, notes)| {
                let n = notes.len();
                let title = match crate::lang::ui_lang() {
                    atelier_shared::templates::Lang::En => format!("Cite the {n} selected note{} in this item", if n > 1 { "s" } else { "" }),
                    atelier_shared::templates::Lang::Fr => if n > 1 { format!("Citer les {n} notes sélectionnées dans cet élément") } else { "Citer la note sélectionnée dans cet élément".to_owned() },
                };
                view! {
                    <button class="bar-btn bar-cite" data-action="cite-in-item" title=title
                        on:click=move |_| super::cite::cite(&super::cite::Target::Item(item.clone()), &notes)>
                        "❝+ "{n}
                    </button>
                    <span class="bar-sep"></span>
                }
            })}
            {notes_only.then(|| view! {
                <super::needs::NeedPicker notes=selection.clone()/>
                <span class="bar-sep"></span>
            })}
            {(notes_only && ui.facilitator && selection.len() == 1).then(|| {
                let id = selection.iter().next().cloned().unwrap_or_default();
                view! {
                    <button class="bar-btn" data-action="redact" title=tr("Redact part of the note (personal data)", "Masquer une partie de la note (données personnelles)")
                        on:click=move |_| ui.redacting.set(Some(id.clone()))>
                        <svg viewBox="0 0 20 20"><rect x="3" y="8" width="14" height="5" class="filled"/><path d="M3 4h14M3 17h9"/></svg>
                    </button>
                }
            })}
            {super::facilitate::lock_button(&selection)}
            {(selection.len() == 1).then(|| {
                let id = selection.iter().next().cloned().unwrap_or_default();
                view! {
                    <button class="bar-btn" data-action="comment" title=tr("Comment", "Commenter")
                        on:click=move |_| ui.commenting.set(Some(id.clone()))>
                        <svg viewBox="0 0 20 20"><path d="M4 4h12v9H8l-4 3z"/></svg>
                    </button>
                    {(!locked).then(|| view! { <span class="bar-sep"></span> })}
                }
            })}
            {(!locked).then(|| view! {
            <button class="bar-btn" title=tr("Bring to front (PgUp)", "Mettre au premier plan (PgUp)") on:click=move |_| ops::restack(&sel(), true)>
                <svg viewBox="0 0 20 20"><rect x="7" y="3" width="10" height="10" rx="1.5" class="filled"/><path d="M3 7v10h10"/></svg>
            </button>
            <button class="bar-btn" title=tr("Send to back (PgDn)", "Mettre à l'arrière-plan (PgDn)") on:click=move |_| ops::restack(&sel(), false)>
                <svg viewBox="0 0 20 20"><rect x="3" y="7" width="10" height="10" rx="1.5"/><path d="M7 3h10v10" /></svg>
            </button>
            <button class="bar-btn" title=tr("Duplicate (Ctrl+D)", "Dupliquer (Ctrl+D)") on:click=move |_| super::commands::duplicate(ui)>
                <svg viewBox="0 0 20 20"><rect x="7" y="7" width="10" height="10" rx="1.5"/><path d="M13 4H5a1 1 0 0 0-1 1v8"/></svg>
            </button>
            <button class="bar-btn danger" title=tr("Delete (Del)", "Supprimer (Suppr)") on:click=move |_| {
                ops::delete(&sel());
                ui.select([]);
            }>
                <svg viewBox="0 0 20 20"><path d="M4 6h12M8 6V4h4v2M6 6l1 11h6l1-11"/></svg>
            </button>
            })}
        </div>
    }
    .into_any()
}

/// Outlines of what the others have selected, in their colour.
#[component]
pub fn RemoteSelections() -> impl IntoView {
    let ui = ui();
    let outlines = Memo::new(move |_| {
        ui.layout.track();
        let scene = &model().scene;
        ui.peers
            .get()
            .into_iter()
            .flat_map(|peer| {
                let color = peer.color.clone();
                let name = peer.name.clone();
                peer.selection
                    .into_iter()
                    .take(200)
                    .filter_map(|id| Some((scene.bounds_of([&id])?, color.clone(), name.clone())))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    });
    view! {
        {move || outlines.get().into_iter().map(|(r, color, name)| {
            let style = format!(
                "transform:translate({}px,{}px);width:{}px;height:{}px;border-color:{}",
                r.x, r.y, r.w, r.h, safe_color(&color)
            );
            view! {
                <div class="remote-selection" style=style>
                    <span class="remote-tag" style=format!("background:{}", safe_color(&color))>{name}</span>
                </div>
            }
        }).collect_view()}
    }
}

/// The marquee, the shape being drawn, the connector being dragged.
#[component]
pub fn Drawing(preview: RwSignal<Option<Preview>>) -> impl IntoView {
    move || {
        preview.get().map(|p| match p {
            Preview::Marquee(r) => view! {
                <div class="marquee" style=box_style(r)></div>
            }
            .into_any(),
            Preview::Draw(kind, r) => view! {
                <div class=format!("drawing drawing-{}", kind.as_str()) style=box_style(r)></div>
            }
            .into_any(),
            Preview::Connect { from, to } => {
                let (x1, y1) = from.exit_towards(to.0, to.1);
                view! {
                    <svg class="el-connector drawing-line">
                        <path class="line" d=format!("M{x1} {y1} L{} {}", to.0, to.1)
                            stroke="#5b6272" marker-end="url(#atelier-arrow)"></path>
                    </svg>
                }
                .into_any()
            }
        })
    }
}

fn box_style(r: Rect) -> String {
    format!(
        "transform:translate({}px,{}px);width:{}px;height:{}px",
        r.x, r.y, r.w, r.h
    )
}

/// The others' pointers with their names.
#[component]
pub fn Cursors() -> impl IntoView {
    let ui = ui();
    let pointing = move || {
        ui.peers
            .get()
            .into_iter()
            .filter(|p| p.cursor.is_some())
            .collect::<Vec<_>>()
    };
    view! {
        <For
            each=pointing
            key=|p| p.client
            children=move |peer| {
                let client = peer.client;
                let style = move || {
                    let camera = ui.camera.get();
                    ui.peers.with(|peers| {
                        let p = peers.iter().find(|p| p.client == client)?;
                        let (bx, by) = p.cursor?;
                        let (x, y) = camera.to_screen(bx, by);
                        Some(format!("transform:translate({x}px,{y}px)"))
                    }).unwrap_or_else(|| "display:none".into())
                };
                let color = safe_color(&peer.color).to_owned();
                view! {
                    <div class="cursor" style=style data-peer=peer.name.clone()>
                        <svg viewBox="0 0 16 20" width="16" height="20">
                            <path d="M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z" fill=color.clone() stroke="#fff" stroke-width="1.5"/>
                        </svg>
                        <span class="cursor-name" style=format!("background:{color}")>{peer.name.clone()}</span>
                    </div>
                }
            }
        />
    }
}
