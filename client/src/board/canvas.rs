//! The infinite canvas: the camera, what is rendered (only what is near the
//! viewport; far out, the [`far`] layer), and where the pointer events go
//! ([`gesture`]).

use std::collections::HashSet;

use atelier_shared::{Kind, Rect};
use leptos::html;
use leptos::prelude::*;
use web_sys::PointerEvent;

use super::camera::Camera;
use super::model::{Tool, model, ui};
use super::ops;
use super::overlay::{self, Preview};
use super::{far, gesture, view};

thread_local! {
    /// Whether the board has been rendered once (see [`advance`]).
    static OPENED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Pointer position relative to the canvas, in CSS pixels.
fn local(ev: &PointerEvent, canvas: &web_sys::HtmlElement) -> (f64, f64) {
    let r = canvas.get_bounding_client_rect();
    (
        ev.client_x() as f64 - r.left(),
        ev.client_y() as f64 - r.top(),
    )
}

#[component]
pub fn Canvas() -> impl IntoView {
    let ui = ui();
    let canvas = NodeRef::<html::Div>::new();
    let preview = RwSignal::new(None::<Preview>);

    // The canvas' size follows the window.
    let measure = move || {
        if let Some(el) = canvas.get_untracked() {
            let r = el.get_bounding_client_rect();
            ui.viewport.set((r.width(), r.height()));
        }
    };
    Effect::new(move |_| {
        if canvas.get().is_some() {
            measure();
        }
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| measure());

    // Culling: only what is near the viewport is rendered.
    let cull = Memo::new(move |_| {
        let (w, h) = ui.viewport.get();
        ui.camera.get().culling(w, h)
    });
    // Far out, the board is drawn on one 2D canvas instead of as elements
    // (see [`far::draw`]); only what is selected or being edited stays in the
    // DOM, on top, so its text can be edited and its handles used, and the
    // persona cards, which are few and must read as cards.
    let far = Memo::new(move |_| ui.camera.get().zoom < far::FAR_ZOOM);
    let visible = Memo::new(move |_| {
        ui.layout.track();
        if far.get() {
            let scene = &model().scene;
            let mut ids: Vec<String> = ui.selection.with(|s| s.iter().cloned().collect());
            ids.extend(ui.editing.get());
            ids.extend(ui.drop_target.get());
            ids.extend(scene.cards_in(cull.get()));
            // While a vote is open, what it takes (clusters, notes) stays
            // in the DOM with its + (a few hundred at most).
            let vote = ui.facilitation.with(|s| s.vote.clone().filter(|v| v.open));
            if let Some(vote) = vote.filter(|_| ui.writes) {
                ids.extend(
                    scene
                        .visible(cull.get())
                        .into_iter()
                        .filter(|id| scene.kind(id).is_some_and(|k| vote.takes(k.as_str())))
                        .take(300),
                );
            }
            ids.retain(|id| scene.rect(id).is_some());
            ids.sort();
            ids.dedup();
            return ids;
        }
        model().scene.visible(cull.get())
    });
    // What the DOM holds follows `visible`, but elements that enter are
    // added at most ENTER_PER_FRAME a frame: a zoom or a long pan never
    // stalls on creating hundreds of notes at once.
    let rendered = RwSignal::new(Vec::<String>::new());
    let catching_up = StoredValue::new(false);
    Effect::new(move |_| {
        visible.track();
        if !catching_up.get_value() {
            advance(visible, rendered, catching_up);
        }
    });
    let far_layer = NodeRef::<html::Canvas>::new();
    // What the far canvas draws (all but what the DOM shows), re-read only
    // when elements change; numbered so the bitmap knows when it is stale.
    let generation = StoredValue::new(0u64);
    // Redrawing the whole board costs tens of ms on a big one: at most ten
    // times a second, however busy the board (the selection and what is
    // being edited are in the DOM, on top, at once).
    let look = super::model::throttled(ui.look, std::time::Duration::from_millis(100));
    let shapes = Memo::new(move |_| {
        look.track();
        generation.update_value(|g| *g += 1);
        let shapes = if far.get() {
            // Frames are drawn here even when in the DOM too (there, they
            // only take clicks and votes): their fill is below what they hold.
            let scene = &model().scene;
            let except: HashSet<String> = visible
                .get()
                .into_iter()
                .filter(|id| scene.kind(id) != Some(Kind::Frame))
                .collect();
            ui.filter.with(|filter| scene.shapes(&except, filter))
        } else {
            Vec::new()
        };
        (generation.get_value(), shapes)
    });
    // The far bitmap belongs to this board: another board starts afresh.
    on_cleanup(far::forget);
    // Set once the camera has stayed still for a moment: the bitmap is then
    // redrawn at exactly the camera's scale, so text ends sharp after a zoom.
    let settled = RwSignal::new(None::<Camera>);
    Effect::new(move |_| {
        let camera = ui.camera.get();
        let (w, h) = ui.viewport.get();
        if far.get()
            && let Some(canvas) = far_layer.get()
        {
            let sharp = settled.get() == Some(camera);
            let blurred = shapes.with(|(generation, shapes)| {
                far::draw(&canvas, *generation, shapes, camera, w, h, sharp)
            });
            if blurred {
                set_timeout(
                    move || {
                        if ui.camera.get_untracked() == camera {
                            settled.set(Some(camera));
                        }
                    },
                    std::time::Duration::from_millis(200),
                );
            }
        }
    });

    let world_style = move || {
        let c = ui.camera.get();
        format!("transform:translate({}px,{}px) scale({})", c.x, c.y, c.zoom)
    };
    // `--zoom` (outlines and labels that keep their screen size) changes
    // only when the zoom does: a pan restyles the world layer alone.
    let zoom = Memo::new(move |_| ui.camera.get().zoom);
    let zoom_var = move || format!("--zoom:{}", zoom.get());
    let grid_style = move || {
        let c = ui.camera.get();
        let mut step = 24.0 * c.zoom;
        while step < 12.0 {
            step *= 4.0;
        }
        format!(
            "background-size:{step}px {step}px;background-position:{}px {}px",
            c.x.rem_euclid(step),
            c.y.rem_euclid(step)
        )
    };
    let canvas_class = move || {
        let tool = if ui.space.get() {
            Tool::Hand
        } else {
            ui.tool.get()
        };
        format!("canvas tool-{}", tool_name(tool))
    };

    let on_down = move |ev: PointerEvent| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let el: web_sys::HtmlElement = el.into();
        let at = local(&ev, &el);
        gesture::down(ui, &ev, at, preview);
        let _ = el.set_pointer_capture(ev.pointer_id());
    };
    let on_move = move |ev: PointerEvent| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let el: web_sys::HtmlElement = el.into();
        let at = local(&ev, &el);
        let board = ui.camera.get_untracked().to_board(at.0, at.1);
        crate::sync::set_cursor(Some(board));
        ui.pointer.set_value(Some(board));
        gesture::moved(ui, &ev, at, preview);
    };
    let on_up = move |ev: PointerEvent| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let el: web_sys::HtmlElement = el.into();
        let at = local(&ev, &el);
        gesture::up(ui, &ev, at, preview);
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let r = el.get_bounding_client_rect();
        let at = (
            ev.client_x() as f64 - r.left(),
            ev.client_y() as f64 - r.top(),
        );
        let scale = match ev.delta_mode() {
            1 => 16.0,
            2 => 400.0,
            _ => 1.0,
        };
        let (dx, dy) = (ev.delta_x() * scale, ev.delta_y() * scale);
        ui.camera.update(|c| {
            if ev.ctrl_key() || ev.meta_key() {
                // ctrl+wheel, and a trackpad pinch (which Chromium reports so).
                *c = c.zoom_at(at.0, at.1, c.zoom * (-dy * 0.01).exp());
            } else if ev.shift_key() && dx == 0.0 {
                c.x -= dy;
            } else {
                c.x -= dx;
                c.y -= dy;
            }
        });
    };
    let on_dblclick = move |ev: leptos::ev::MouseEvent| {
        // The canvas captured the pointer: ask what is under it (far out,
        // the model: most elements are drawn on the far canvas).
        let hit = gesture::id_at(ev.client_x(), ev.client_y()).or_else(|| {
            let el = canvas.get_untracked()?;
            let r = el.get_bounding_client_rect();
            let camera = ui.camera.get_untracked();
            let (x, y) = camera.to_board(
                ev.client_x() as f64 - r.left(),
                ev.client_y() as f64 - r.top(),
            );
            (camera.zoom < far::FAR_ZOOM)
                .then(|| model().scene.at(x, y))
                .flatten()
        });
        if let Some(id) = hit {
            ui.select([id.clone()]);
            if !ops::read_only() && !ops::is_locked(&id) {
                ui.editing.set(Some(id));
            }
        } else if ui.tool.get_untracked() == Tool::Select
            && let Some(el) = canvas.get_untracked()
        {
            // Double-click on empty board: a sticky note there.
            let r = el.get_bounding_client_rect();
            let (x, y) = ui.camera.get_untracked().to_board(
                ev.client_x() as f64 - r.left(),
                ev.client_y() as f64 - r.top(),
            );
            let color = ui.note_color.get_untracked();
            let id = ops::create(
                Kind::Note,
                Rect {
                    x,
                    y,
                    w: 0.0,
                    h: 0.0,
                },
                Some(color),
            );
            ui.select([id.clone()]);
            if !ops::read_only() && !ops::is_locked(&id) {
                ui.editing.set(Some(id));
            }
        }
    };

    view! {
        <div
            class=canvas_class
            style=zoom_var
            node_ref=canvas
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:pointerleave=move |_| {
                crate::sync::set_cursor(None);
                ui.pointer.set_value(None);
            }
            // The board manages focus itself: a press on the canvas must not
            // take it from the note being edited.
            on:mousedown=|ev| {
                if !super::keys::in_text_field(ev.target()) {
                    ev.prevent_default();
                }
            }
            on:wheel=on_wheel
            on:dblclick=on_dblclick
            on:contextmenu=|ev| ev.prevent_default()
            // An image file dropped: a picture where it falls, or a card's photo.
            on:dragover=|ev| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| {
                let Some(files) = ev.data_transfer().and_then(|d| d.files()) else { return };
                ev.prevent_default();
                let Some(el) = canvas.get_untracked() else { return };
                let r = el.get_bounding_client_rect();
                let at = ui.camera.get_untracked().to_board(ev.client_x() as f64 - r.left(), ev.client_y() as f64 - r.top());
                super::images::dropped(ui, files, at, super::images::persona_at(ev.target()));
            }
        >
            <div class="grid" style=grid_style></div>
            <svg class="defs" width="0" height="0" aria-hidden="true">
                <defs>
                    <marker id="atelier-arrow" viewBox="0 0 10 10" refX="9" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" fill="context-stroke"></path>
                    </marker>
                </defs>
            </svg>
            <canvas class="far-layer" node_ref=far_layer style:display=move || if far.get() { "block" } else { "none" }></canvas>
            <div class="world" class:far=move || far.get() style=world_style>
                <For each=move || rendered.get() key=|id| id.clone() children=view::element/>
                <overlay::RemoteSelections/>
                <overlay::Drawing preview=preview/>
            </div>
            <overlay::Selection/>
            <overlay::Cursors/>
        </div>
    }
}

/// Called once the board has been shown whole (after the first fit): from
/// then on, entering elements are added a few per frame.
pub fn mark_opened() {
    OPENED.set(true);
}

/// How many elements may enter the DOM in one animation frame.
const ENTER_PER_FRAME: usize = 40;

/// One step of bringing `rendered` to `visible`: everything that left goes,
/// up to [`ENTER_PER_FRAME`] of what came in is added (all of it the first
/// time, so a board opens whole), and the next step is due next frame
/// while some is missing.
fn advance(
    visible: Memo<Vec<String>>,
    rendered: RwSignal<Vec<String>>,
    catching_up: StoredValue<bool>,
) {
    let target = visible.get_untracked();
    let shown: HashSet<String> = rendered.with_untracked(|r| r.iter().cloned().collect());
    let first = !OPENED.get();
    let mut budget = if first { usize::MAX } else { ENTER_PER_FRAME };
    let next: Vec<String> = target
        .iter()
        .filter(|id| {
            shown.contains(*id)
                || (budget > 0 && {
                    budget -= 1;
                    true
                })
        })
        .cloned()
        .collect();
    let done = next.len() == target.len();
    rendered.set(next);
    catching_up.set_value(!done);
    if !done {
        request_animation_frame(move || advance(visible, rendered, catching_up));
    }
}

pub fn tool_name(tool: Tool) -> &'static str {
    match tool {
        Tool::Select => "select",
        Tool::Hand => "hand",
        Tool::Note => "note",
        Tool::Text => "text",
        Tool::Shape => "shape",
        Tool::Connector => "connector",
        Tool::Frame => "frame",
    }
}
