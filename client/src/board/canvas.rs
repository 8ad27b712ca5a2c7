//! The infinite canvas: the camera, what is rendered (only what is near the
//! viewport), and the pointer gestures (pan, select, move, resize, draw).

use std::cell::RefCell;
use std::collections::HashSet;

use atelier_shared::{Kind, Rect};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use super::camera::Camera;
use super::model::{Look, Shape, Tool, Ui, model, ui};
use super::ops::{self, snap};
use super::{overlay, view};

/// What a pointer that went down is doing.
#[derive(Clone, Debug, Default)]
enum Gesture {
    #[default]
    None,
    Pan {
        start: (f64, f64),
        camera: Camera,
    },
    Move {
        start: (f64, f64),
        originals: Vec<(String, Rect)>,
        moved: bool,
    },
    Resize {
        id: String,
        handle: String,
        original: Rect,
    },
    Marquee {
        start: (f64, f64),
        base: HashSet<String>,
    },
    Draw {
        kind: Kind,
        start: (f64, f64),
    },
    Connect {
        from: String,
    },
}

/// A rectangle or line drawn while a gesture runs (board units).
#[derive(Clone, Debug, PartialEq)]
pub enum Preview {
    Marquee(Rect),
    Draw(Kind, Rect),
    Connect { from: Rect, to: (f64, f64) },
}

thread_local! {
    static GESTURE: RefCell<Gesture> = const { RefCell::new(Gesture::None) };
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
    // (see [`draw_far`]); only what is selected or being edited stays in the
    // DOM, on top, so its text can be edited and its handles used, and the
    // persona cards, which are few and must read as cards.
    let far = Memo::new(move |_| ui.camera.get().zoom < FAR_ZOOM);
    let visible = Memo::new(move |_| {
        ui.layout.track();
        if far.get() {
            let scene = &model().scene;
            let mut ids: Vec<String> = ui.selection.with(|s| s.iter().cloned().collect());
            ids.extend(ui.editing.get());
            ids.extend(scene.cards_in(cull.get()));
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
            let except: HashSet<String> = visible.get().into_iter().collect();
            ui.filter
                .with(|filter| model().scene.shapes(&except, filter))
        } else {
            Vec::new()
        };
        (generation.get_value(), shapes)
    });
    // The far bitmap belongs to this board: another board starts afresh.
    on_cleanup(|| FAR_CACHE.with_borrow_mut(|cache| *cache = None));
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
                draw_far(&canvas, *generation, shapes, camera, w, h, sharp)
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
        pointer_down(ui, &ev, at, preview);
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
        pointer_move(ui, &ev, at, preview);
    };
    let on_up = move |ev: PointerEvent| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let el: web_sys::HtmlElement = el.into();
        let at = local(&ev, &el);
        pointer_up(ui, &ev, at, preview);
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
        let hit = id_at(ev.client_x(), ev.client_y()).or_else(|| {
            let el = canvas.get_untracked()?;
            let r = el.get_bounding_client_rect();
            let camera = ui.camera.get_untracked();
            let (x, y) = camera.to_board(
                ev.client_x() as f64 - r.left(),
                ev.client_y() as f64 - r.top(),
            );
            (camera.zoom < FAR_ZOOM)
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
            <div class="world" style=world_style>
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

/// Below this zoom the board is drawn on a canvas (see [`draw_far`]): at
/// these sizes hundreds of notes are on screen, and painting them as
/// elements costs more than a frame.
pub const FAR_ZOOM: f64 = 0.5;

/// The far view's bitmap: the board (or, when the board is too large for
/// one bitmap at this zoom, the part around the view) drawn once, then only
/// copied (moved and scaled) while panning and zooming.
struct FarCache {
    canvas: web_sys::HtmlCanvasElement,
    /// Board area the bitmap covers, and its pixels per board unit.
    area: Rect,
    scale: f64,
    generation: u64,
}

thread_local! {
    static FAR_CACHE: RefCell<Option<FarCache>> = const { RefCell::new(None) };
}

/// Largest side of the far view's bitmap, in pixels.
const FAR_CACHE_MAX: f64 = 4096.0;

/// Below this size on screen (pixels) text is not drawn: it could not be read.
const FAR_TEXT_MIN: f64 = 3.0;

const INK: &str = "#1f2430";

fn context_2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Draws what of `shapes` meets `area` (frame titles aside) at `scale`
/// pixels per board unit, with board point (`area.x`, `area.y`) at the
/// canvas' origin, as the elements' views look.
fn paint_shapes(ctx: &web_sys::CanvasRenderingContext2d, shapes: &[Shape], area: Rect, scale: f64) {
    let _ = ctx.set_transform(scale, 0.0, 0.0, scale, -area.x * scale, -area.y * scale);
    // Setting a style crosses into JavaScript: only when it changes.
    let mut fill = String::new();
    let mut set_fill = |ctx: &web_sys::CanvasRenderingContext2d, color: &str| {
        if fill != color {
            ctx.set_fill_style_str(color);
            fill.clear();
            fill.push_str(color);
        }
    };
    ctx.set_line_width(1.5 / scale);
    ctx.set_text_baseline("middle");
    for shape in shapes {
        match shape {
            Shape::Frame(r, _, color) if r.intersects(&area) => {
                ctx.set_global_alpha(1.0);
                set_fill(ctx, view::frame_color(color));
                ctx.fill_rect(r.x, r.y, r.w, r.h);
                ctx.set_stroke_style_str("#d9d5cc");
                ctx.stroke_rect(r.x, r.y, r.w, r.h);
            }
            Shape::Box(r, look) if r.intersects(&area) => {
                ctx.set_global_alpha(if look.dimmed { 0.2 } else { 1.0 });
                let color = view::safe_color(&look.color);
                let min = 1.0 / scale;
                let readable = look.kind != Kind::Text && look.text.is_empty()
                    || view::max_font(&look.kind) * scale >= FAR_TEXT_MIN;
                match look.kind {
                    Kind::Text if !readable => {
                        set_fill(ctx, "#b9bcc4");
                        ctx.fill_rect(r.x, r.y, r.w.max(min), r.h.max(min));
                    }
                    Kind::Text => {}
                    Kind::Persona | Kind::Journey => {
                        // A card: white, its accent band at the top.
                        set_fill(ctx, "rgba(31, 36, 48, .12)");
                        ctx.fill_rect(r.x + 2.0, r.y + 6.0, r.w, r.h);
                        set_fill(ctx, "#ffffff");
                        ctx.fill_rect(r.x, r.y, r.w, r.h);
                        set_fill(ctx, color);
                        ctx.fill_rect(r.x, r.y, r.w, 18.0_f64.min(r.h));
                    }
                    Kind::Shape => {
                        set_fill(ctx, color);
                        ctx.set_stroke_style_str("rgba(31, 36, 48, .55)");
                        ctx.begin_path();
                        if look.ellipse {
                            let (cx, cy) = r.center();
                            let _ = ctx.ellipse(
                                cx,
                                cy,
                                r.w / 2.0,
                                r.h / 2.0,
                                0.0,
                                0.0,
                                std::f64::consts::TAU,
                            );
                        } else {
                            ctx.rect(r.x, r.y, r.w, r.h);
                        }
                        ctx.fill();
                        ctx.stroke();
                    }
                    _ => {
                        // A sticky note's shadow, then the note.
                        if r.w * scale > 8.0 {
                            set_fill(ctx, "rgba(31, 36, 48, .10)");
                            ctx.fill_rect(r.x + 1.0, r.y + 3.0, r.w, r.h);
                        }
                        set_fill(ctx, color);
                        ctx.fill_rect(r.x, r.y, r.w.max(min), r.h.max(min));
                    }
                }
                if readable && !look.text.is_empty() {
                    let ink = if look.kind == Kind::Text { color } else { INK };
                    set_fill(ctx, ink);
                    paint_text(ctx, *r, look, scale);
                }
            }
            Shape::Line(a, b, color) if Rect::spanning(a.0, a.1, b.0, b.1).intersects(&area) => {
                ctx.set_global_alpha(1.0);
                // As the view draws it: 2.5 units wide, an arrow at the end.
                let color = view::safe_color(color);
                ctx.set_stroke_style_str(color);
                ctx.set_line_width(2.5);
                ctx.begin_path();
                ctx.move_to(a.0, a.1);
                ctx.line_to(b.0, b.1);
                ctx.stroke();
                let angle = (b.1 - a.1).atan2(b.0 - a.0);
                let head = |turn: f64| {
                    (
                        b.0 - 16.0 * (angle + turn).cos(),
                        b.1 - 16.0 * (angle + turn).sin(),
                    )
                };
                let (l, r) = (head(0.45), head(-0.45));
                set_fill(ctx, color);
                ctx.begin_path();
                ctx.move_to(b.0, b.1);
                ctx.line_to(l.0, l.1);
                ctx.line_to(r.0, r.1);
                ctx.close_path();
                ctx.fill();
                ctx.set_line_width(1.5 / scale);
            }
            _ => {}
        }
    }
}

/// An element's text as its view lays it out: the fitted font size, 10
/// units of padding, lines wrapped at word boundaries (a word too long for
/// a line is cut), centred, except free text (left, from the top). Lines
/// that do not fit are left out, as the view hides them.
fn paint_text(ctx: &web_sys::CanvasRenderingContext2d, r: Rect, look: &Look, scale: f64) {
    let size = view::label_font(&look.kind, &look.text, r.w, r.h, look.verbatim);
    if size * scale < FAR_TEXT_MIN {
        return;
    }
    let weight = match look.kind {
        Kind::Note => 450,
        Kind::Text => 500,
        _ => 400,
    };
    let style = if look.verbatim { "italic " } else { "" };
    ctx.set_font(&format!("{style}{weight} {size}px system-ui, sans-serif"));
    let width = (r.w - 20.0).max(1.0);
    let fits = |line: &str| {
        ctx.measure_text(line)
            .map(|m| m.width() <= width)
            .unwrap_or(true)
    };
    let quoted;
    let text = if look.verbatim {
        quoted = format!("« {} »", look.text);
        &quoted
    } else {
        &look.text
    };
    let height = size * 1.3;
    let room = ((r.h - if look.kind == Kind::Note { 32.0 } else { 20.0 }) / height)
        .floor()
        .max(1.0) as usize;
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        if lines.len() > room {
            break;
        }
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if lines.len() > room {
                break;
            }
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: cut it where it overflows.
            for c in word.chars() {
                line.push(c);
                if line.chars().count() > 1 && !fits(&line) {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines.truncate(room);
    let total = lines.len() as f64 * height;
    let (x, top) = if look.kind == Kind::Text {
        ctx.set_text_align("left");
        (r.x + 10.0, r.y + 10.0)
    } else {
        ctx.set_text_align("center");
        (r.x + r.w / 2.0, r.y + (r.h - total) / 2.0)
    };
    for (i, line) in lines.iter().enumerate() {
        let _ = ctx.fill_text(line, x, top + (i as f64 + 0.5) * height);
    }
}

/// Draws the board, far out, on `canvas` (sized to the viewport at the
/// screen's pixel ratio): the cached bitmap, redrawn only when the shapes
/// changed (`generation`), the view left the area it covers, or the zoom
/// moved away from its scale (well away while the camera moves; at all
/// once it is `settled`); then the frame titles at their screen size.
/// Returns whether the bitmap is shown at another scale than its own
/// (slightly blurred): the caller redraws it once the camera settles.
fn draw_far(
    canvas: &web_sys::HtmlCanvasElement,
    generation: u64,
    shapes: &[Shape],
    camera: Camera,
    w: f64,
    h: f64,
    settled: bool,
) -> bool {
    let ratio = window().device_pixel_ratio().max(1.0);
    let (pw, ph) = ((w * ratio) as u32, (h * ratio) as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let Some(ctx) = context_2d(canvas) else {
        return false;
    };
    let wanted = camera.zoom * ratio;
    // The scale a bitmap of `area` can have at this zoom (its size is capped).
    let fitting = |area: Rect| {
        wanted
            .min(FAR_CACHE_MAX / area.w.max(1.0))
            .min(FAR_CACHE_MAX / area.h.max(1.0))
    };
    let tolerance = if settled { 0.97..=1.03 } else { 0.6..=1.7 };
    let whole = model().scene.bounds().map(|b| b.grow(40.0));
    let view = camera.visible(w, h);
    let mut blurred = false;
    FAR_CACHE.with_borrow_mut(|cache| {
        let Some(whole) = whole else {
            *cache = None;
            return;
        };
        let shown = view.intersection(&whole);
        let stale = cache.as_ref().is_none_or(|c| {
            c.generation != generation
                || !tolerance.contains(&(c.scale / fitting(c.area)))
                || shown.is_some_and(|shown| !c.area.contains(&shown))
        });
        if stale {
            // The whole board when it fits one bitmap at this zoom, else
            // the part around the view (the culling rectangle).
            let area = if whole.w * wanted <= FAR_CACHE_MAX && whole.h * wanted <= FAR_CACHE_MAX {
                whole
            } else {
                match camera.culling(w, h).intersection(&whole) {
                    Some(area) => area,
                    None => {
                        *cache = None;
                        return;
                    }
                }
            };
            let scale = fitting(area);
            let bitmap = match cache.take() {
                Some(c) => c.canvas,
                None => match document()
                    .create_element("canvas")
                    .ok()
                    .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
                {
                    Some(c) => c,
                    None => return,
                },
            };
            bitmap.set_width((area.w * scale).ceil() as u32);
            bitmap.set_height((area.h * scale).ceil() as u32);
            if let Some(bctx) = context_2d(&bitmap) {
                paint_shapes(&bctx, shapes, area, scale);
            }
            *cache = Some(FarCache {
                canvas: bitmap,
                area,
                scale,
                generation,
            });
        }
        if let Some(c) = cache {
            blurred = !(0.97..=1.03).contains(&(c.scale / fitting(c.area)));
        }
    });
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    FAR_CACHE.with_borrow(|cache| {
        if let Some(c) = cache {
            let to = camera.rect_to_screen(c.area);
            let _ = ctx
                .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    &c.canvas,
                    0.0,
                    0.0,
                    c.canvas.width() as f64,
                    c.canvas.height() as f64,
                    to.x,
                    to.y,
                    to.w,
                    to.h,
                );
        }
    });
    // Frame titles keep their size on screen; frames come first.
    ctx.set_font("600 13px system-ui, sans-serif");
    ctx.set_fill_style_str("#5b6272");
    ctx.set_text_baseline("alphabetic");
    ctx.set_text_align("left");
    let mut written = Vec::new();
    for shape in shapes {
        let Shape::Frame(r, title, _) = shape else {
            break;
        };
        let (x, y) = camera.to_screen(r.x, r.y);
        let room = r.w * camera.zoom;
        if x < w && y < h + 20.0 && room >= 24.0 {
            let title = fitted(
                &ctx,
                if title.is_empty() {
                    crate::tr("Frame", "Cadre")
                } else {
                    title
                },
                room,
            );
            // Larger frames come first: a smaller one's title that would
            // overlap one already written is left out (far out, a zone's
            // title would cover its template's).
            let width = ctx.measure_text(&title).map(|m| m.width()).unwrap_or(room);
            let spot = Rect {
                x,
                y: y - 20.0,
                w: width,
                h: 16.0,
            };
            if written.iter().all(|other: &Rect| !other.intersects(&spot)) {
                let _ = ctx.fill_text(&title, x, y - 6.0);
                written.push(spot);
            }
        }
    }
    blurred
}

/// `text` as it fits in `room` pixels with the context's font: cut with an
/// ellipsis when it is too long.
fn fitted(ctx: &web_sys::CanvasRenderingContext2d, text: &str, room: f64) -> String {
    let width = |s: &str| ctx.measure_text(s).map(|m| m.width()).unwrap_or(0.0);
    if width(text) <= room {
        return text.to_owned();
    }
    // The longest prefix that fits with its ellipsis, by bisection.
    let chars: Vec<char> = text.chars().collect();
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect();
        if width(&format!("{candidate}…")) <= room {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let cut: String = chars[..lo].iter().collect();
    format!("{}…", cut.trim_end())
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

fn pointer_down(ui: Ui, ev: &PointerEvent, at: (f64, f64), preview: RwSignal<Option<Preview>>) {
    let camera = ui.camera.get_untracked();
    let board = camera.to_board(at.0, at.1);
    let tool = if ui.space.get_untracked() {
        Tool::Hand
    } else {
        ui.tool.get_untracked()
    };
    let target = ev.target();
    let handle = target
        .clone()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-handle]").ok().flatten())
        .and_then(|el| el.get_attribute("data-handle"));
    let mut hit = view::target_id(target);
    if hit.is_none() && camera.zoom < FAR_ZOOM {
        // Drawn on the far canvas: hit-test the model.
        hit = model().scene.at(board.0, board.1);
    }
    if ev.button() == 1 || tool == Tool::Hand || ev.button() == 2 && hit.is_none() {
        set(Gesture::Pan { start: at, camera });
        return;
    }
    if ev.button() != 0 {
        return;
    }
    if ui.editing.get_untracked().is_some() {
        ui.editing.set(None);
    }
    let gesture = match tool {
        Tool::Hand => unreachable!("handled above"),
        Tool::Select => {
            if let (Some(handle), Some(id)) = (handle, single(ui)) {
                let original = model().scene.rect(&id).unwrap_or_default();
                Gesture::Resize {
                    id,
                    handle,
                    original,
                }
            } else if let Some(id) = hit {
                let mut selection = ui.selected();
                if ev.shift_key() {
                    if !selection.remove(&id) {
                        selection.insert(id);
                    }
                    ui.select(selection);
                    Gesture::None
                } else {
                    if !selection.contains(&id) {
                        selection = HashSet::from([id]);
                        ui.select(selection.clone());
                    }
                    move_gesture(board, &selection)
                }
            } else {
                let base = if ev.shift_key() {
                    ui.selected()
                } else {
                    ui.select([]);
                    HashSet::new()
                };
                Gesture::Marquee { start: board, base }
            }
        }
        Tool::Note | Tool::Text => {
            let kind = if tool == Tool::Note {
                Kind::Note
            } else {
                Kind::Text
            };
            let color = (kind == Kind::Note).then(|| ui.note_color.get_untracked());
            let id = ops::create(
                kind,
                Rect {
                    x: board.0,
                    y: board.1,
                    w: 0.0,
                    h: 0.0,
                },
                color,
            );
            ui.tool.set(Tool::Select);
            ui.select([id.clone()]);
            if !ops::read_only() && !ops::is_locked(&id) {
                ui.editing.set(Some(id));
            }
            Gesture::None
        }
        Tool::Shape | Tool::Frame => Gesture::Draw {
            kind: if tool == Tool::Shape {
                Kind::Shape
            } else {
                Kind::Frame
            },
            start: board,
        },
        Tool::Connector => match hit {
            Some(from) if model().scene.kind(&from) != Some(Kind::Connector) => {
                Gesture::Connect { from }
            }
            _ => Gesture::None,
        },
    };
    preview.set(None);
    set(gesture);
}

fn move_gesture(start: (f64, f64), selection: &HashSet<String>) -> Gesture {
    let model = model();
    let mut ids = selection.clone();
    // A frame carries what is inside it.
    ids.extend(model.scene.children(selection));
    let originals = ids
        .into_iter()
        .filter(|id| model.scene.kind(id) != Some(Kind::Connector))
        .filter_map(|id| Some((id.clone(), model.scene.rect(&id)?)))
        .collect();
    Gesture::Move {
        start,
        originals,
        moved: false,
    }
}

fn single(ui: Ui) -> Option<String> {
    let selection = ui.selected();
    (selection.len() == 1)
        .then(|| selection.into_iter().next())
        .flatten()
}

fn set(gesture: Gesture) {
    GESTURE.with_borrow_mut(|g| *g = gesture);
}

fn pointer_move(ui: Ui, ev: &PointerEvent, at: (f64, f64), preview: RwSignal<Option<Preview>>) {
    let camera = ui.camera.get_untracked();
    let board = camera.to_board(at.0, at.1);
    let snapping = ui.snap.get_untracked() != ev.alt_key();
    let gesture = GESTURE.with_borrow(|g| g.clone());
    match gesture {
        Gesture::None => {}
        Gesture::Pan { start, camera } => ui.camera.set(Camera {
            x: camera.x + at.0 - start.0,
            y: camera.y + at.1 - start.1,
            zoom: camera.zoom,
        }),
        Gesture::Move {
            start,
            originals,
            moved,
        } => {
            let (mut dx, mut dy) = (board.0 - start.0, board.1 - start.1);
            if !moved && (dx.abs() + dy.abs()) * camera.zoom < 3.0 {
                return;
            }
            if snapping && let Some((_, first)) = originals.first() {
                dx = snap(first.x + dx) - first.x;
                dy = snap(first.y + dy) - first.y;
            }
            let rects: Vec<(String, Rect)> = originals
                .iter()
                .map(|(id, r)| {
                    (
                        id.clone(),
                        Rect {
                            x: r.x + dx,
                            y: r.y + dy,
                            ..*r
                        },
                    )
                })
                .collect();
            // Untracked while it moves: the gesture is one undo step,
            // written when it ends, however long the user hesitates.
            ops::place_untracked(&rects);
            super::cite::hover(ev.client_x(), ev.client_y(), &originals);
            GESTURE.with_borrow_mut(|g| {
                if let Gesture::Move { moved, .. } = g {
                    *moved = true;
                }
            });
        }
        Gesture::Resize {
            id,
            handle,
            original,
        } => {
            let (mut x0, mut y0, mut x1, mut y1) =
                (original.x, original.y, original.right(), original.bottom());
            let (bx, by) = snap_point(board, snapping);
            if handle.contains('w') {
                x0 = bx.min(x1 - 24.0);
            }
            if handle.contains('e') {
                x1 = bx.max(x0 + 24.0);
            }
            if handle.contains('n') {
                y0 = by.min(y1 - 24.0);
            }
            if handle.contains('s') {
                y1 = by.max(y0 + 24.0);
            }
            ops::place(&[(
                id,
                Rect {
                    x: x0,
                    y: y0,
                    w: x1 - x0,
                    h: y1 - y0,
                },
            )]);
        }
        Gesture::Marquee { start, base } => {
            let area = Rect::spanning(start.0, start.1, board.0, board.1);
            preview.set(Some(Preview::Marquee(area)));
            let mut selection = base;
            selection.extend(model().scene.inside(area));
            if selection != ui.selection.get_untracked() {
                ui.select(selection);
            }
        }
        Gesture::Draw { kind, start } => {
            preview.set(Some(Preview::Draw(kind, drawn(start, board, snapping))));
        }
        Gesture::Connect { from } => {
            if let Some(rect) = model().scene.rect(&from) {
                preview.set(Some(Preview::Connect {
                    from: rect,
                    to: board,
                }));
            }
        }
    }
}

/// A board point on the grid when snapping.
fn snap_point(p: (f64, f64), snapping: bool) -> (f64, f64) {
    if snapping { (snap(p.0), snap(p.1)) } else { p }
}

/// The rectangle a draw gesture from `start` to `end` makes.
fn drawn(start: (f64, f64), end: (f64, f64), snapping: bool) -> Rect {
    let (sx, sy) = snap_point(start, snapping);
    let (ex, ey) = snap_point(end, snapping);
    Rect::spanning(sx, sy, ex, ey)
}

fn pointer_up(ui: Ui, ev: &PointerEvent, at: (f64, f64), preview: RwSignal<Option<Preview>>) {
    let board = ui.camera.get_untracked().to_board(at.0, at.1);
    let gesture = GESTURE.with_borrow_mut(std::mem::take);
    preview.set(None);
    match gesture {
        Gesture::Move {
            originals,
            moved: true,
            ..
        } => {
            let cancelled = ev.type_() == "pointercancel";
            // Dropped onto a line, a cell or an item: cited, not moved.
            if !super::cite::drop(&originals, cancelled) {
                // The move, as one tracked change from where it started.
                let model = model();
                let now: Vec<(String, Rect)> = originals
                    .iter()
                    .filter_map(|(id, _)| Some((id.clone(), model.scene.rect(id)?)))
                    .collect();
                drop(model);
                ops::place_untracked(&originals);
                ops::place(&now);
                let moved: HashSet<String> = originals.into_iter().map(|(id, _)| id).collect();
                ops::reparent(&moved);
                ops::end_step();
            }
        }
        Gesture::Resize { .. } => ops::end_step(),
        Gesture::Draw { kind, start } => {
            let snapping = ui.snap.get_untracked() != ev.alt_key();
            let mut area = drawn(start, board, snapping);
            if area.w < 16.0 || area.h < 16.0 {
                // A click: the default size, centred where it was.
                area = Rect {
                    x: start.0,
                    y: start.1,
                    w: 0.0,
                    h: 0.0,
                };
            }
            let id = ops::create(kind.clone(), area, None);
            if kind == Kind::Frame {
                // A frame drawn around elements takes them in.
                let inside: HashSet<String> = model()
                    .scene
                    .inside(model().scene.rect(&id).unwrap_or_default())
                    .into_iter()
                    .filter(|e| *e != id)
                    .collect();
                ops::reparent(&inside);
            }
            ui.tool.set(Tool::Select);
            ui.select([id]);
        }
        Gesture::Connect { from } => {
            if let Some(to) = id_at(ev.client_x(), ev.client_y())
                && to != from
                && model().scene.kind(&to) != Some(Kind::Connector)
            {
                let id = ops::connect(&from, &to);
                ui.select([id]);
            }
        }
        Gesture::Marquee { .. } | Gesture::Pan { .. } | Gesture::None | Gesture::Move { .. } => {}
    }
}

/// The element drawn at a point of the window.
fn id_at(client_x: i32, client_y: i32) -> Option<String> {
    let el = document().element_from_point(client_x as f32, client_y as f32)?;
    view::target_id(Some(el.into()))
}
