//! The panels around the canvas: the tool bar, the zoom controls and the
//! minimap.

use std::collections::HashSet;

use atelier_shared::export;
use atelier_shared::templates::{self, Lang, TEMPLATES};
use atelier_shared::{Kind, NOTE_COLORS, Rect};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::commands::{self, zoom_to, zoom_to_fit};
use super::look::{self, board_lang, color_name};
use super::model::{Shape, Tool, model, ui};
use super::ops;
use crate::lang::tr;

/// Each tool: its name (English, French), key and icon.
const TOOLS: [(Tool, (&str, &str), &str, &str); 7] = [
    (
        Tool::Select,
        ("Select", "Sélection"),
        "V",
        "M5 3l10 6-4.5 1.5L13 16l-2 1-2.5-5.5L5 14z",
    ),
    (
        Tool::Hand,
        ("Hand", "Main"),
        "H",
        "M7 10V4.5a1.2 1.2 0 0 1 2.4 0V9m0-5.5a1.2 1.2 0 0 1 2.4 0V9m0-4a1.2 1.2 0 0 1 2.4 0V10m0-3a1.2 1.2 0 0 1 2.4 0v5a6 6 0 0 1-6 6h-.5a6 6 0 0 1-4.8-2.4L3 13.5a1.3 1.3 0 0 1 2-1.6L7 14",
    ),
    (
        Tool::Note,
        ("Sticky note", "Note adhésive"),
        "N",
        "M4 4h12v8l-4 4H4zM12 16v-4h4",
    ),
    (
        Tool::Text,
        ("Text", "Texte"),
        "T",
        "M4 5V4h12v1M10 4v12M7.5 16h5",
    ),
    (
        Tool::Shape,
        ("Shape", "Forme"),
        "S",
        "M3 5h8v8H3zM14.5 9.5a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7",
    ),
    (
        Tool::Connector,
        ("Connector", "Connecteur"),
        "L",
        "M4 16L15 5M10 5h5v5",
    ),
    (
        Tool::Frame,
        ("Frame", "Cadre"),
        "F",
        "M6 3v14M14 3v14M3 6h14M3 14h14",
    ),
];

#[component]
pub fn Toolbar() -> impl IntoView {
    let ui = ui();
    // A click anywhere but in an open menu (or on its button) closes it.
    // (Seen before anything else: many parts of the page keep their
    // presses to themselves.)
    let away = Closure::<dyn FnMut(web_sys::PointerEvent)>::new(move |e: web_sys::PointerEvent| {
        if !(ui.templates.get_untracked() || ui.exports.get_untracked()) {
            return;
        }
        let inside = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| {
                el.closest(".template-menu, [data-action='templates'], [data-action='export']")
                    .ok()
                    .flatten()
            })
            .is_some();
        if !inside {
            ui.templates.set(false);
            ui.exports.set(false);
        }
    });
    let _ = window().add_event_listener_with_callback_and_bool(
        "pointerdown",
        away.as_ref().unchecked_ref(),
        true,
    );
    let away = send_wrapper::SendWrapper::new(away);
    on_cleanup(move || {
        let _ = window().remove_event_listener_with_callback_and_bool(
            "pointerdown",
            away.as_ref().unchecked_ref(),
            true,
        );
    });
    view! {
        <nav class="toolbar" aria-label=tr("Tools", "Outils") on:pointerdown=|ev| ev.stop_propagation()>
            {TOOLS.map(|(tool, (en, fr), key, d)| { let name = tr(en, fr); view! {
                <button
                    class=move || if ui.tool.get() == tool { "tool active" } else { "tool" }
                    title=format!("{name} ({key})")
                    aria-label=name
                    data-tool=key.to_ascii_lowercase()
                    on:click=move |_| ui.tool.set(tool)
                >
                    <svg viewBox="0 0 20 20"><path d=d/></svg>
                    {(tool == Tool::Note).then(|| view! {
                        <span class="tool-dot" style=move || format!("background:{}", ui.note_color.get())></span>
                    })}
                </button>
            }}).collect_view()}
            <div class="tool-colors" role="group" aria-label=tr("Sticky note colour", "Couleur des notes adhésives")>
                {NOTE_COLORS.iter().map(|(name, color)| {
                    let color = *color;
                    view! {
                        <button
                            class=move || if ui.note_color.get() == color { "mini-swatch active" } else { "mini-swatch" }
                            title=color_name(name).1
                            style=format!("background:{color}")
                            on:click=move |_| { ui.note_color.set(color); ui.tool.set(Tool::Note); }
                        ></button>
                    }
                }).collect_view()}
            </div>
            <span class="tool-sep"></span>
            {toggle(ui.templates, tr("Templates: persona, empathy map, stakeholder map, Kano, affinity",
                "Modèles : persona, carte d'empathie, carte des parties prenantes, Kano, affinités"), "templates",
                "M3 3h6v6H3zM11 3h6v6h-6zM3 11h6v6H3zM11 11h6v6h-6z")}
            <button class="tool" title=tr("Import interview notes", "Importer des notes d'entretien")
                aria-label=tr("Import interview notes", "Importer des notes d'entretien")
                data-action="import" on:click=move |_| ui.importing.set(true)>
                <svg viewBox="0 0 20 20"><path d="M10 3v9M6.5 8.5L10 12l3.5-3.5M4 12v4h12v-4"/></svg>
            </button>
            {toggle(ui.exports, tr("Export: personas report, JSON, notes", "Exporter : rapport personas, JSON, notes"), "export",
                "M10 12V3M6.5 6.5L10 3l3.5 3.5M4 12v4h12v-4")}
            {toggle(ui.history, tr("History: versions, changes, restore", "Historique : versions, changements, restauration"), "history",
                "M3.5 10a6.5 6.5 0 1 0 2-4.7M3 3v3.5h3.5M10 6.5V10l2.5 1.5")}
            {toggle(ui.outline, tr("Outline: the board as a list, for the keyboard and screen readers",
                "Plan : le tableau en liste, pour le clavier et les lecteurs d'écran"), "outline",
                "M4 4.5h3M4 10h3M4 15.5h3M9 4.5h7M11 10h5M11 15.5h5")}
            {toggle(ui.panel, tr("Interview notes: highlight, needs, duplicates",
                "Notes d'entretien : mise en évidence, besoins, doublons"), "notes",
                "M4 5h12M4 10h12M4 15h7M14 13.5l1.5 1.5 3-3")}
            <button class="tool" title=tr("Undo (Ctrl+Z)", "Annuler (Ctrl+Z)") aria-label=tr("Undo", "Annuler") on:click=|_| { ops::undo(); }>
                <svg viewBox="0 0 20 20"><path d="M7 5L3 9l4 4M3 9h9a5 5 0 0 1 0 10h-2"/></svg>
            </button>
            <button class="tool" title=tr("Redo (Ctrl+Shift+Z)", "Rétablir (Ctrl+Shift+Z)") aria-label=tr("Redo", "Rétablir") on:click=|_| { ops::redo(); }>
                <svg viewBox="0 0 20 20"><path d="M13 5l4 4-4 4M17 9H8a5 5 0 0 0 0 10h2"/></svg>
            </button>
        </nav>
        // The menus sit beside the tool bar, outside it (it scrolls when the
        // window is short).
        {move || ui.templates.get().then(|| view! { <TemplateMenu/> })}
        {move || ui.exports.get().then(|| view! { <ExportMenu/> })}
    }
}

/// A menu item's two lines: its name and what it is.
fn item_text(name: String, about: String) -> impl IntoView {
    view! {
        <span class="template-name">{name}</span>
        <span class="template-about">{about}</span>
    }
}

/// The templates the toolbar inserts, in the board's language.
#[component]
fn TemplateMenu() -> impl IntoView {
    let ui = ui();
    let lang = board_lang();
    let fr = lang == Lang::Fr;
    let mut items = vec![
        (
            "persona",
            if fr { "Fiche persona" } else { "Persona" },
            if fr {
                "Identité, citation, objectif et six rubriques, chaque ligne étayée par des notes"
            } else {
                "Identity, quote, objective and six sections, every line backed by notes"
            },
        ),
        (
            "journey",
            if fr {
                "Parcours client"
            } else {
                "Customer journey map"
            },
            if fr {
                "Étapes et lignes, la courbe des émotions par persona, les moments de vérité"
            } else {
                "Stages by lanes, the emotion curve of each persona, moments of truth"
            },
        ),
    ];
    items.extend(
        TEMPLATES
            .iter()
            .filter(|t| !templates::CARDS.contains(&t.id))
            .map(|t| {
                if fr {
                    (t.id, t.name.1, t.about.1)
                } else {
                    (t.id, t.name.0, t.about.0)
                }
            }),
    );
    let insert = move |id: &str| {
        match id {
            "persona" => commands::insert_persona(),
            "journey" => commands::insert_journey(lang),
            id => commands::insert_template(id, lang),
        }
        ui.templates.set(false);
    };
    view! {
        <div class="template-menu" role="menu" aria-label=tr("Templates", "Modèles")>
            <p class="template-menu-title">{tr("Insert a template", "Insérer un modèle")}</p>
            {items.into_iter().map(|(id, name, about)| view! {
                <button class="template-item" role="menuitem" data-template=id on:click=move |_| insert(id)>
                    {item_text(name.to_owned(), about.to_owned())}
                </button>
            }).collect_view()}
        </div>
    }
}

/// A tool bar button that opens and closes a menu or panel.
fn toggle(
    open: RwSignal<bool>,
    title: &'static str,
    action: &'static str,
    icon: &'static str,
) -> impl IntoView {
    view! {
        <button class=move || if open.get() { "tool active" } else { "tool" }
            title=title aria-label=title.split(':').next().unwrap_or(title).trim_end()
            data-action=action on:click=move |_| open.update(|o| *o = !*o)>
            <svg viewBox="0 0 20 20"><path d=icon/></svg>
        </button>
    }
}

/// Downloads of the board, from the JSON API: the files as links, the
/// pictures of the whole board (or the selected frame) and of each frame,
/// the PNGs drawn here from the SVG. Every file is named after the board.
#[component]
fn ExportMenu() -> impl IntoView {
    let ui = ui();
    let path = window().location().pathname().unwrap_or_default();
    let id = path.rsplit('/').next().unwrap_or_default().to_owned();
    let title = look::board_title();
    // One selected frame: the pictures are of it, else of the whole board.
    let selected = {
        let selected = ui.selected();
        let scene = &model().scene;
        (selected.len() == 1)
            .then(|| selected.into_iter().next())
            .flatten()
            .filter(|f| scene.kind(f) == Some(Kind::Frame))
    };
    let what = if selected.is_some() {
        tr("The selected frame", "Le cadre sélectionné")
    } else {
        tr("The whole board", "Tout le tableau")
    };
    // Downloads carry the board's link (a link cannot send a header).
    let url = {
        let id = id.clone();
        move |file: &str| crate::api::with_token(&id, &format!("/api/boards/{id}/export/{file}"))
    };
    let svg_of = {
        let url = url.clone();
        move |frame: Option<&str>| match frame {
            Some(f) => url(&format!("board.svg?frame={f}")),
            None => url("board.svg"),
        }
    };
    // The other separator than the board's language's, for another Excel.
    let (other_sep, other_about) = match look::board_lang() {
        Lang::Fr => (
            "comma",
            tr(
                "CSV with commas (an English Excel)",
                "CSV avec virgules (Excel en anglais)",
            ),
        ),
        Lang::En => (
            "semicolon",
            tr(
                "CSV with semicolons (a French Excel)",
                "CSV avec points-virgules (Excel en français)",
            ),
        ),
    };
    let files = [
        (
            "personas.md",
            url("personas.md"),
            tr("Personas report", "Rapport personas"),
            tr(
                "Markdown, each line with the verbatims behind it",
                "Markdown, chaque ligne avec les verbatims qui l'étayent",
            ),
        ),
        (
            "board.json",
            url("board.json"),
            tr("Personas and notes", "Personas et notes"),
            tr(
                "JSON, to import into another board",
                "JSON, à importer dans un autre tableau",
            ),
        ),
        (
            "notes.csv",
            url("notes.csv"),
            tr("Interview notes", "Notes d'entretien"),
            tr(
                "CSV for Excel, with the zone each note is in",
                "CSV pour Excel, avec la zone de chaque note",
            ),
        ),
        (
            "notes-other.csv",
            url(&format!("notes.csv?sep={other_sep}")),
            tr("Interview notes", "Notes d'entretien"),
            other_about,
        ),
    ];
    let link = move |file: &'static str, href: String, name: &'static str, about: &'static str| {
        view! {
            <a class="template-item" data-export=file download="" href=href
                on:click=move |_| ui.exports.set(false)>
                {item_text(name.to_owned(), about.to_owned())}
            </a>
        }
    };
    // A PNG of the board or one frame, drawn from its SVG, saved as `name`.
    let png = move |svg: String, name: String| {
        ui.exports.set(false);
        leptos::task::spawn_local(async move {
            let message = match super::picture::download_png(&svg, &name).await {
                Ok(kb) => match crate::lang::ui_lang() {
                    Lang::En => format!("{name} downloaded ({kb} KB)"),
                    Lang::Fr => format!("{name} téléchargé ({kb} Ko)"),
                },
                Err(_) => tr(
                    "The picture could not be made.",
                    "L'image n'a pas pu être créée.",
                )
                .to_owned(),
            };
            ui.toast.set(Some(message));
        });
    };
    let picture_name = {
        let (title, id) = (title.clone(), id.clone());
        move |frame: Option<&str>| {
            let frame = frame.and_then(|f| model().scene.get(f)).map(|f| f.text);
            match frame {
                Some(f) => export::file_name(&format!("{title} {f}"), &id, "frame.png"),
                None => export::file_name(&title, &id, "board.png"),
            }
        }
    };
    let board_png = {
        let (svg, name) = (
            svg_of(selected.as_deref()),
            picture_name(selected.as_deref()),
        );
        move |_| png(svg.clone(), name.clone())
    };
    // Each frame on its own (the top-level ones, top to bottom).
    let frames = {
        let scene = &model().scene;
        let mut frames: Vec<(String, String, f64, f64)> = scene
            .of_kind(Kind::Frame)
            .into_iter()
            .filter_map(|f| scene.get(&f))
            .filter(|f| f.parent.is_none())
            .map(|f| (f.id, f.text, f.y, f.x))
            .collect();
        frames.sort_by(|a, b| {
            (a.2, a.3)
                .partial_cmp(&(b.2, b.3))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        frames.truncate(30);
        frames
    };
    let frame_rows = frames
        .into_iter()
        .map(|(f, text, ..)| {
            let name = if text.trim().is_empty() { tr("Frame", "Cadre").to_owned() } else { text };
            let (svg, png_svg, png_name) = (svg_of(Some(&f)), svg_of(Some(&f)), picture_name(Some(&f)));
            view! {
                <li class="export-frame" data-frame=f.clone()>
                    <span class="export-frame-name">{name}</span>
                    <a class="link" data-export="frame.svg" download="" href=svg on:click=move |_| ui.exports.set(false)>"SVG"</a>
                    <button class="link" data-export="frame.png" on:click=move |_| png(png_svg.clone(), png_name.clone())>"PNG"</button>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let has_frames = !frame_rows.is_empty();
    view! {
        <div class="template-menu export-menu" role="dialog" aria-label=tr("Export", "Exporter")>
            <p class="template-menu-title">{tr("Export", "Exporter")}</p>
            {files.into_iter().map(|(file, href, name, about)| link(file, href, name, about)).collect_view()}
            <a class="template-item" data-export="report.html" target="_blank" rel="noopener"
                href=crate::api::with_token(&id, &format!("/api/boards/{id}/report.html"))
                on:click=move |_| ui.exports.set(false)>
                {item_text(
                    tr("Printable report (PDF)", "Rapport imprimable (PDF)").to_owned(),
                    tr("The report with the persona cards and the journeys drawn: print it or save it as a PDF",
                       "Le rapport avec les cartes personas et les parcours dessinés : à imprimer ou enregistrer en PDF").to_owned(),
                )}
            </a>
            {link("board.svg", svg_of(selected.as_deref()), tr("Picture (SVG)", "Image (SVG)"), what)}
            <button class="template-item" data-export="board.png" on:click=board_png>
                {item_text(tr("Picture (PNG)", "Image (PNG)").to_owned(), what.to_owned())}
            </button>
            {has_frames.then(|| view! {
                <p class="template-menu-title">{tr("Each frame", "Chaque cadre")}</p>
                <ul class="export-frames">{frame_rows}</ul>
            })}
        </div>
    }
}

#[component]
pub fn ZoomControls() -> impl IntoView {
    let ui = ui();
    let percent = move || format!("{:.0}%", ui.camera.get().zoom * 100.0);
    view! {
        <div class="zoom-bar" on:pointerdown=|ev| ev.stop_propagation()>
            <button class=move || if ui.snap.get() { "zoom-btn snap on" } else { "zoom-btn snap" }
                title=tr("Snap to grid (hold Alt to invert)", "Aligner sur la grille (Alt pour inverser)") on:click=move |_| ui.snap.update(|s| *s = !*s)>
                <svg viewBox="0 0 20 20"><path d="M4 4h2v2H4zM9 4h2v2H9zM14 4h2v2h-2zM4 9h2v2H4zM9 9h2v2H9zM14 9h2v2h-2zM4 14h2v2H4zM9 14h2v2H9zM14 14h2v2h-2z"/></svg>
            </button>
            <span class="bar-sep"></span>
            <button class="zoom-btn" title=tr("Zoom out (-)", "Zoom arrière (-)") aria-label=tr("Zoom out", "Zoom arrière")
                on:click=move |_| zoom_to(ui, ui.camera.get_untracked().zoom / 1.25)>"−"</button>
            <button class="zoom-level" title=tr("Reset to 100% (Ctrl+0)", "Revenir à 100 % (Ctrl+0)") on:click=move |_| zoom_to(ui, 1.0)>{percent}</button>
            <button class="zoom-btn" title=tr("Zoom in (+)", "Zoom avant (+)") aria-label=tr("Zoom in", "Zoom avant")
                on:click=move |_| zoom_to(ui, ui.camera.get_untracked().zoom * 1.25)>"+"</button>
            <button class="zoom-btn" title=tr("Zoom to fit (Shift+1)", "Ajuster à l'écran (Shift+1)") aria-label=tr("Zoom to fit", "Ajuster à l'écran") on:click=move |_| zoom_to_fit(ui)>
                <svg viewBox="0 0 20 20"><path d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4"/></svg>
            </button>
        </div>
    }
}

/// The area the minimap shows: the board's content with a margin (or the
/// first screen of an empty board). It does not follow the camera, so
/// panning never redraws the map.
fn minimap_area(content: Option<Rect>, view: Rect) -> Rect {
    match content {
        Some(c) => c.grow(c.w.max(c.h) * 0.15 + 200.0),
        None => view.grow(200.0),
    }
}

const MAP_W: f64 = 200.0;
const MAP_H: f64 = 130.0;

#[component]
pub fn Minimap() -> impl IntoView {
    let ui = ui();
    let canvas = NodeRef::<html::Canvas>::new();
    let content = Memo::new(move |_| {
        ui.layout.track();
        model().scene.bounds()
    });
    let area = Memo::new(move |_| {
        let content = content.get();
        let (w, h) = ui.viewport.get();
        let view = ui.camera.with_untracked(|c| c.visible(w, h));
        minimap_area(content, view)
    });
    let scale = move |a: Rect| (MAP_W / a.w).min(MAP_H / a.h);
    // Redrawn when elements change (at most 4 times a second) or the area
    // changes, not on every pan.
    let look = super::model::throttled(ui.look, std::time::Duration::from_millis(250));
    Effect::new(move |_| {
        look.track();
        let a = area.get();
        let Some(el) = canvas.get() else { return };
        let Ok(Some(ctx)) = el.get_context("2d") else {
            return;
        };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else {
            return;
        };
        let k = scale(a);
        ctx.clear_rect(0.0, 0.0, MAP_W, MAP_H);
        for shape in model().scene.shapes(&HashSet::new(), &Default::default()) {
            match shape {
                Shape::Frame(r, ..) => {
                    ctx.set_stroke_style_str("#c9c5bb");
                    ctx.stroke_rect(
                        (r.x - a.x) * k,
                        (r.y - a.y) * k,
                        (r.w * k).max(1.0),
                        (r.h * k).max(1.0),
                    );
                }
                Shape::Box(r, look) => {
                    let color = if look.kind == Kind::Text {
                        "#b9bcc4"
                    } else {
                        look::safe_color(&look.color)
                    };
                    ctx.set_fill_style_str(color);
                    ctx.fill_rect(
                        (r.x - a.x) * k,
                        (r.y - a.y) * k,
                        (r.w * k).max(1.0),
                        (r.h * k).max(1.0),
                    );
                }
                Shape::Line(..) => {}
            }
        }
    });
    let viewport_style = move || {
        let a = area.get();
        let k = scale(a);
        let (w, h) = ui.viewport.get();
        let v = ui.camera.get().visible(w, h);
        format!(
            "transform:translate({}px,{}px);width:{}px;height:{}px",
            (v.x - a.x) * k,
            (v.y - a.y) * k,
            v.w * k,
            v.h * k
        )
    };
    let jump = move |ev: leptos::ev::PointerEvent| {
        ev.stop_propagation();
        if ev.buttons() & 1 == 0 {
            return;
        }
        let Some(target) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let r = target.get_bounding_client_rect();
        let a = area.get_untracked();
        let k = scale(a);
        let bx = a.x + (ev.client_x() as f64 - r.left()) / k;
        let by = a.y + (ev.client_y() as f64 - r.top()) / k;
        let (w, h) = ui.viewport.get_untracked();
        ui.camera.update(|c| *c = c.centered_on(bx, by, w, h));
    };
    view! {
        <div class="minimap" title=tr("Minimap: click or drag to move", "Mini-carte : cliquez ou faites glisser pour vous déplacer")
            on:pointerdown=jump on:pointermove=jump>
            <canvas node_ref=canvas width=MAP_W height=MAP_H></canvas>
            <div class="minimap-view" style=viewport_style></div>
        </div>
    }
}
