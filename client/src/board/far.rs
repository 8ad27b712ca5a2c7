//! The far-out layer: below [`FAR_ZOOM`] the board is drawn on one 2D
//! canvas, from a cached bitmap, as each kind's view would draw it (the
//! same fonts and connector ends as the live board and the SVG export).

use std::cell::RefCell;

use atelier_shared::{Kind, Rect};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::camera::Camera;
use super::look;
use super::model::{Look, Shape, model};

/// Below this zoom the board is drawn on a canvas (see [`draw`]): at
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

/// Kano's plane as the stylesheet draws it in the DOM: the two axes, and
/// the three curves (`shared/src/kano.rs`), each one quadratic through the
/// same control point, the plane's centre.
fn kano_plane(ctx: &web_sys::CanvasRenderingContext2d, r: &Rect) {
    let at = |u: f64, v: f64| (r.x + u * r.w, r.y + v * r.h);
    let (cx, cy) = at(0.5, 0.5);
    ctx.set_stroke_style_str("#8a8f9c");
    ctx.begin_path();
    ctx.move_to(r.x, cy);
    ctx.line_to(r.x + r.w, cy);
    ctx.move_to(cx, r.y + r.h);
    ctx.line_to(cx, r.y);
    ctx.stroke();
    for (from, to, color) in [
        ((0.0, 0.5), (1.0, 0.0), "#b86e00"),
        ((0.0, 1.0), (1.0, 0.0), "#2a6fdb"),
        ((0.0, 1.0), (1.0, 0.5), "#7a4f9a"),
    ] {
        let (a, b) = (at(from.0, from.1), at(to.0, to.1));
        ctx.set_stroke_style_str(color);
        ctx.begin_path();
        ctx.move_to(a.0, a.1);
        ctx.quadratic_curve_to(cx, cy, b.0, b.1);
        ctx.stroke();
    }
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
            Shape::Frame(r, _, color, plane) if r.intersects(&area) => {
                ctx.set_global_alpha(1.0);
                set_fill(ctx, look::frame_color(color));
                ctx.fill_rect(r.x, r.y, r.w, r.h);
                ctx.set_stroke_style_str("#d9d5cc");
                ctx.stroke_rect(r.x, r.y, r.w, r.h);
                if *plane {
                    kano_plane(ctx, r);
                }
            }
            Shape::Box(r, look) if r.intersects(&area) => {
                ctx.set_global_alpha(if look.dimmed { 0.2 } else { 1.0 });
                let color = look::safe_color(&look.color);
                let min = 1.0 / scale;
                let readable = look.kind != Kind::Text && look.text.is_empty()
                    || look::max_font(&look.kind) * scale >= FAR_TEXT_MIN;
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
                let color = look::safe_color(color);
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
    let size = look::label_font(&look.kind, &look.text, r.w, r.h, look.verbatim);
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
        quoted = format!("«\u{a0}{}\u{a0}»", look.text);
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
pub fn draw(
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
        let Shape::Frame(r, title, ..) = shape else {
            break;
        };
        let (x, y) = camera.to_screen(r.x, r.y);
        let room = r.w * camera.zoom;
        if x < w && y < h + 20.0 && room >= 24.0 {
            let title = fitted(
                &ctx,
                if title.is_empty() {
                    crate::lang::tr("Frame", "Cadre")
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

/// Drops the far bitmap: it belongs to one board, another starts afresh.
pub fn forget() {
    FAR_CACHE.with_borrow_mut(|cache| *cache = None);
}
