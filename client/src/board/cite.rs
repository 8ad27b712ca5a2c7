//! Citing by dragging: notes dropped onto a persona line, a journey cell
//! or an empathy-map item become its evidence (they go back where they
//! were, and the citation is one undo step). While notes are dragged, the
//! line, cell or item under the pointer is outlined.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use atelier_shared::journey::JourneyEdit;
use atelier_shared::persona::Support;
use atelier_shared::{Element, Kind, Source};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::model::{model, ui};
use super::ops;

/// What dragged notes can be dropped onto to cite them.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A persona's line: persona id, section key, line id.
    Line(String, String, String),
    /// A journey map's cell: map id, lane id, stage id.
    Cell(String, String, String),
    /// An item of an empathy-map zone that sums up what was said.
    Item(String),
}

/// Most notes one drop cites (a bigger drag is a move).
const MAX_DRAGGED: usize = 500;

/// What is being dragged, worked out once per gesture.
struct Drag {
    ids: HashSet<String>,
    /// The dragged notes, sorted; empty when anything else is dragged along
    /// (or too many): then nothing is cited.
    notes: Vec<String>,
    /// They are all interview notes (what an empathy-map item cites).
    interview: bool,
}

thread_local! {
    static DRAG: RefCell<Option<Drag>> = const { RefCell::new(None) };
    /// The target under the pointer and the DOM element outlined for it
    /// (none far out, where the item is drawn on the canvas: then it is
    /// `Ui::drop_target`, brought into the DOM and outlined there).
    static OUTLINED: RefCell<Option<(Target, Option<web_sys::Element>)>> = const { RefCell::new(None) };
}

impl Drag {
    fn of(ids: &[(String, atelier_shared::Rect)]) -> Drag {
        let scene = &model().scene;
        let ids: HashSet<String> = ids.iter().map(|(id, _)| id.clone()).collect();
        let mut notes = Vec::new();
        let mut interview = true;
        if ids.len() <= MAX_DRAGGED {
            for id in &ids {
                match scene.get(id) {
                    Some(e) if e.kind == Kind::Note => {
                        interview &= !e.source.is_empty();
                        notes.push(id.clone());
                    }
                    _ => {
                        notes.clear();
                        break;
                    }
                }
            }
        }
        notes.sort();
        Drag {
            ids,
            notes,
            interview,
        }
    }
}

/// Whether element `id` may cite notes: see [`is_item_element`].
pub fn is_item(id: &str) -> bool {
    model().scene.get(id).is_some_and(|e| is_item_element(&e))
}

/// Whether `e` may cite notes: a note written by the team (not an
/// interview note) inside a zone of an empathy map. (The zones' hints are
/// text, not items.)
pub fn is_item_element(e: &Element) -> bool {
    e.kind == Kind::Note
        && e.source.is_empty()
        && e.parent
            .as_deref()
            .and_then(|p| model().scene.get(p))
            .is_some_and(|zone| zone.zone.starts_with("empathy-map/"))
}

/// The support of `cites`, reading only the cited notes.
pub fn support_of(cites: &[String]) -> Support {
    let scene = &model().scene;
    let sources: HashMap<String, Source> = cites
        .iter()
        .filter_map(|id| scene.get(id))
        .filter(|e| e.kind == Kind::Note)
        .map(|e| (e.id, e.source))
        .collect();
    Support::of_notes(cites, &sources)
}

/// The drop target under the window point (`board` in board units),
/// ignoring the `dragged` elements themselves (which are under the
/// pointer), with the DOM element to outline. Far out, where the items
/// are drawn on the canvas, the model says what is under the pointer.
fn under(
    (x, y): (i32, i32),
    board: (f64, f64),
    far: bool,
    dragged: &HashSet<String>,
) -> Option<(Target, Option<web_sys::Element>)> {
    let hits = document().elements_from_point(x as f32, y as f32);
    for hit in hits.iter() {
        let Ok(el) = hit.dyn_into::<web_sys::Element>() else {
            continue;
        };
        let owner = el.closest("[data-id]").ok().flatten();
        let owner_id = owner.as_ref().and_then(|o| o.get_attribute("data-id"));
        if owner_id.as_ref().is_some_and(|id| dragged.contains(id)) {
            continue;
        }
        let Some(owner_id) = owner_id else {
            // The canvas or the page: far out, an item drawn there.
            return far
                .then(|| {
                    model()
                        .scene
                        .all_at(board.0, board.1)
                        .into_iter()
                        .find(|id| !dragged.contains(id))
                        .filter(|id| is_item(id))
                })
                .flatten()
                .map(|id| (Target::Item(id), None));
        };
        if let Some(line) = el.closest("[data-line]").ok().flatten() {
            let section = line
                .closest("[data-section]")
                .ok()
                .flatten()
                .and_then(|s| s.get_attribute("data-section"))?;
            let id = line.get_attribute("data-line")?;
            return Some((Target::Line(owner_id, section, id), Some(line)));
        }
        if let Some(cell) = el.closest("[data-cell]").ok().flatten() {
            let key = cell.get_attribute("data-cell")?;
            let (lane, stage) = key.split_once(':')?;
            return Some((
                Target::Cell(owner_id, lane.to_owned(), stage.to_owned()),
                Some(cell),
            ));
        }
        return match owner {
            Some(owner) if is_item(&owner_id) => Some((Target::Item(owner_id), Some(owner))),
            _ => None,
        };
    }
    None
}

/// Outlines the drop target under the pointer (window point `at`, board
/// point `board`) while the elements of `originals` are dragged (nothing
/// when they cannot be cited there), at any zoom.
pub fn hover(
    ui: super::model::Ui,
    at: (i32, i32),
    board: (f64, f64),
    originals: &[(String, atelier_shared::Rect)],
) {
    let far = ui.camera.get_untracked().zoom < super::far::FAR_ZOOM;
    let target = DRAG.with_borrow_mut(|drag| {
        let drag = drag.get_or_insert_with(|| Drag::of(originals));
        if drag.notes.is_empty() {
            return None;
        }
        // An item takes interview notes only: stickies of the team dropped
        // on one are just moved.
        under(at, board, far, &drag.ids)
            .filter(|(t, _)| drag.interview || !matches!(t, Target::Item(_)))
    });
    // Far out, an item is brought into the DOM and outlined by its view.
    // (Once there, it is found in the DOM: it stays the target.)
    let far_item = match &target {
        Some((Target::Item(id), _)) if far => Some(id.clone()),
        _ => None,
    };
    if ui.drop_target.get_untracked() != far_item {
        ui.drop_target.set(far_item);
    }
    OUTLINED.with_borrow_mut(|outlined| {
        if outlined.as_ref().map(|(_, el)| el) == target.as_ref().map(|(_, el)| el) {
            *outlined = target;
            return;
        }
        if let Some((_, Some(old))) = outlined.take() {
            let _ = old.class_list().remove_1("cite-drop");
        }
        if let Some((_, Some(new))) = &target {
            let _ = new.class_list().add_1("cite-drop");
        }
        *outlined = target;
    });
}

/// Ends a drag: when it ends on the outlined target (and was not
/// cancelled), the notes go back to `originals` and cite it. Whether they
/// did.
pub fn drop(
    ui: super::model::Ui,
    originals: &[(String, atelier_shared::Rect)],
    cancelled: bool,
) -> bool {
    let notes = DRAG
        .with_borrow_mut(Option::take)
        .map(|d| d.notes)
        .unwrap_or_default();
    if ui.drop_target.get_untracked().is_some() {
        ui.drop_target.set(None);
    }
    let Some((target, outlined)) = OUTLINED.with_borrow_mut(Option::take) else {
        return false;
    };
    if let Some(outlined) = outlined {
        let _ = outlined.class_list().remove_1("cite-drop");
    }
    if cancelled || notes.is_empty() {
        return false;
    }
    ops::place_untracked(originals);
    cite(&target, &notes);
    true
}

/// Citing by picking: a selection of one empathy-map item and interview
/// notes (nothing else) offers to cite the notes in the item.
pub fn picked(selection: &HashSet<String>) -> Option<(String, Vec<String>)> {
    if selection.len() < 2 || selection.len() > 500 {
        return None;
    }
    let scene = &model().scene;
    let (items, notes): (Vec<&String>, Vec<&String>) = selection.iter().partition(|id| is_item(id));
    let [item] = items[..] else {
        return None;
    };
    let mut notes: Vec<String> = notes
        .into_iter()
        .filter(|id| scene.kind(id) == Some(Kind::Note))
        .cloned()
        .collect();
    notes.sort();
    (notes.len() + 1 == selection.len()).then(|| (item.clone(), notes))
}

/// `target` cites `notes` too, in one undo step, and says so.
pub fn cite(target: &Target, notes: &[String]) {
    match target {
        Target::Line(persona, section, line) => {
            ops::with_map(persona, |txn, map| {
                atelier_shared::persona::PersonaEdit { map }.cite(txn, section, line, notes)
            });
        }
        Target::Cell(journey, lane, stage) => {
            ops::with_map(journey, |txn, map| {
                JourneyEdit { map }.cite_cell(txn, lane, stage, notes)
            });
        }
        Target::Item(id) => ops::edit(|txn, elements| elements.cite(txn, id, notes)),
    }
    ops::end_step();
    let n = notes.len();
    ui().toast.set(Some(match crate::lang::ui_lang() {
        atelier_shared::templates::Lang::Fr => {
            format!("{n} note{} citée{} comme appui", s(n), s(n))
        }
        atelier_shared::templates::Lang::En => format!("{n} note{} cited as evidence", s(n)),
    }));
}

/// The plural `s` (0 and 1 are singular in French, and here in English).
fn s(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}
