//! The pointer gestures on the canvas: pan, select, marquee, move, resize,
//! draw and connect. A pointer that goes down starts one [`Gesture`]; its
//! moves update it (and the preview the overlay draws); its release ends it
//! as one change.

use std::cell::RefCell;
use std::collections::HashSet;

use atelier_shared::{Kind, Rect};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use super::camera::Camera;
use super::look;
use super::model::{Tool, Ui, model};
use super::ops::{self, snap};
use super::overlay::Preview;

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

thread_local! {
    static GESTURE: RefCell<Gesture> = const { RefCell::new(Gesture::None) };
}

pub fn down(ui: Ui, ev: &PointerEvent, at: (f64, f64), preview: RwSignal<Option<Preview>>) {
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
    let mut hit = look::target_id(target);
    if hit.is_none() && camera.zoom < super::far::FAR_ZOOM {
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

pub fn moved(ui: Ui, ev: &PointerEvent, at: (f64, f64), preview: RwSignal<Option<Preview>>) {
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
            super::cite::hover(ui, (ev.client_x(), ev.client_y()), board, &originals);
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

pub fn up(ui: Ui, ev: &PointerEvent, at: (f64, f64), preview: RwSignal<Option<Preview>>) {
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
            if !super::cite::drop(ui, &originals, cancelled) {
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
            ui.select([id.clone()]);
            // Typing goes into it at once (a frame's title, a shape's label).
            if matches!(kind, Kind::Shape | Kind::Frame) && !ops::read_only() {
                ui.editing.set(Some(id));
            }
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
pub fn id_at(client_x: i32, client_y: i32) -> Option<String> {
    let el = document().element_from_point(client_x as f32, client_y as f32)?;
    look::target_id(Some(el.into()))
}
