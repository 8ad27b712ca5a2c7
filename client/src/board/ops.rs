//! Every change this user makes to the board: one yrs transaction each,
//! with the local origin (so it is sent, and undoable by this user only).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use atelier_shared::comments::{Comment, Comments, Reply};
use atelier_shared::persona::{Line, PersonaEdit};
use atelier_shared::{Element, Elements, Kind, Rect};
use leptos::prelude::Set;
use yrs::{Map, Out, Transact, TransactionMut};

use super::model::{LOCAL, model};

/// Grid step for snapping, in board units.
pub const SNAP: f64 = 12.0;

pub fn snap(v: f64) -> f64 {
    (v / SNAP).round() * SNAP
}

/// Runs `f` in one local transaction on the board and, when this user
/// holds private notes, in one on those (each change names its ids: an id
/// a document does not hold is left alone there). Never call it while the
/// scene is borrowed: the deep observer refreshes the scene when it commits.
pub fn edit<R>(f: impl Fn(&mut TransactionMut, &Elements) -> R) -> R {
    let mut result = None;
    let mut run = |txn: &mut TransactionMut, elements: &Elements| {
        let r = f(txn, elements);
        result.get_or_insert(r);
    };
    run_main(&mut run);
    if !read_only() {
        super::private::edit(&mut run);
    }
    result.expect("the change ran")
}

/// As [`edit`], on the board document alone.
pub fn edit_main<R>(f: impl FnOnce(&mut TransactionMut, &Elements) -> R) -> R {
    let mut f = Some(f);
    let mut result = None;
    run_main(&mut |txn, elements| {
        if let Some(f) = f.take() {
            result = Some(f(txn, elements));
        }
    });
    result.expect("the change ran")
}

/// Runs `f` in one local transaction on the board document (not generic:
/// one copy in the WASM, however many kinds of change call it).
fn run_main(f: &mut dyn FnMut(&mut TransactionMut, &Elements)) {
    if read_only() {
        // A view-only link changes nothing: the change is made on an empty
        // document that is thrown away (the server would refuse it anyway).
        let scratch = yrs::Doc::new();
        let board = atelier_shared::Board::new(&scratch);
        let mut txn = scratch.transact_mut();
        return f(&mut txn, board.elements());
    }
    let model = model();
    let mut txn = model.doc.transact_mut_with(LOCAL);
    f(&mut txn, model.board.elements())
}

thread_local! {
    static READ_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Elements the facilitator locked: nobody moves or edits them.
    static LOCKED: RefCell<std::collections::BTreeSet<String>> = const { RefCell::new(std::collections::BTreeSet::new()) };
}

pub fn set_locked(ids: std::collections::BTreeSet<String>) {
    LOCKED.set(ids);
}

pub fn is_locked(id: &str) -> bool {
    LOCKED.with_borrow(|l| l.contains(id))
}

/// `ids` without the locked ones; when some were, the user is told why
/// they did not change.
fn unlocked<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<&'a String> {
    let mut refused = false;
    let kept = LOCKED.with_borrow(|l| {
        ids.into_iter()
            .filter(|id| {
                let locked = l.contains(*id);
                refused |= locked;
                !locked
            })
            .collect()
    });
    if refused {
        say_locked();
    }
    kept
}

/// Tells the user that what they tried to change is locked.
pub fn say_locked() {
    super::model::ui().toast.set(Some(
        crate::lang::tr(
            "Locked by the facilitator: it cannot be moved or changed.",
            "Verrouillé par l'animateur : impossible de le déplacer ou de le modifier.",
        )
        .into(),
    ));
}

/// This page holds a view-only link: no change leaves it.
pub fn read_only() -> bool {
    READ_ONLY.get()
}

pub fn set_read_only(read_only: bool) {
    READ_ONLY.set(read_only);
}

/// A fresh element id.
pub fn new_id() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..12)
        .map(|_| ALPHABET[(js_sys::Math::random() * 36.0) as usize % 36] as char)
        .collect()
}

/// Creates an element of `kind` on `rect` (or the kind's default size,
/// centred on the rectangle's origin) and returns its id.
pub fn create(kind: Kind, at: Rect, color: Option<&str>) -> String {
    let model = model();
    let (_, hi) = model.scene.z_range();
    let mut element = Element::new(new_id(), kind.clone(), at.x, at.y);
    if at.w > 0.0 && at.h > 0.0 {
        element.w = at.w;
        element.h = at.h;
    } else {
        element.x = snap(at.x - element.w / 2.0);
        element.y = snap(at.y - element.h / 2.0);
    }
    if let Some(color) = color {
        element.color = color.to_owned();
    }
    // (Frames are stacked by size, below everything else: see
    // `view::frame_z_index`.)
    element.z = hi + 1.0;
    element.author = model.author.clone();
    element.created = js_sys::Date::now() as i64;
    if kind == Kind::Frame {
        element.text = crate::lang::tr("Frame", "Cadre").into();
    }
    if kind != Kind::Frame {
        let (cx, cy) = element.rect().center();
        element.parent = model.scene.frame_at(cx, cy, &HashSet::new());
    }
    let id = element.id.clone();
    drop(model);
    store_new(std::slice::from_ref(&element));
    end_step();
    id
}

/// Stores new elements: notes in this user's private document while
/// private mode is on, the rest on the board.
fn store_new(elements: &[Element]) {
    let private = super::private::creates_private();
    let (mine, board): (Vec<&Element>, Vec<&Element>) = elements
        .iter()
        .partition(|e| private && e.kind == Kind::Note);
    if !board.is_empty() {
        edit_main(|txn, els| {
            for e in board {
                els.insert(txn, e);
            }
        });
    }
    if !mine.is_empty() {
        super::private::add(&mut |txn, els| {
            for e in &mine {
                els.insert(txn, e);
            }
        });
    }
}

/// Adds `elements` on top, by this user, in one transaction and one undo
/// step (each in the frame under its centre); returns their ids.
pub fn add(mut elements: Vec<Element>) -> Vec<String> {
    let model = model();
    let (_, hi) = model.scene.z_range();
    let now = js_sys::Date::now() as i64;
    for (i, e) in elements.iter_mut().enumerate() {
        e.z = hi + 1.0 + i as f64;
        e.author = model.author.clone();
        e.created = now;
        if e.kind != Kind::Frame {
            let (cx, cy) = e.rect().center();
            e.parent = model.scene.frame_at(cx, cy, &HashSet::new());
        }
    }
    drop(model);
    store_new(&elements);
    end_step();
    elements.into_iter().map(|e| e.id).collect()
}

/// Stores `elements` as they are (ids, order, parents, authors), in one
/// transaction and one undo step.
pub fn insert(elements: &[Element]) {
    store_new(elements);
    end_step();
}

/// Runs `f` on element `id`'s map, in one local transaction (for the
/// typed elements' own edits: personas, journey maps).
pub fn with_map(id: &str, f: impl FnOnce(&mut TransactionMut, &yrs::MapRef)) {
    if is_locked(id) {
        return;
    }
    edit_main(|txn, elements| {
        if let Some(Out::YMap(map)) = elements.map().get(txn, id) {
            f(txn, &map);
        }
    });
}

fn persona_edit(id: &str, f: impl FnOnce(&mut TransactionMut, &PersonaEdit)) {
    with_map(id, |txn, map| f(txn, &PersonaEdit { map }));
}

pub fn persona_field(id: &str, key: &str, text: &str) {
    persona_edit(id, |txn, p| p.set_field(txn, key, text));
}

pub fn persona_line(id: &str, section: &str, line: &str, text: &str) {
    persona_edit(id, |txn, p| p.edit_line(txn, section, line, text));
}

/// A new empty line in `section` of persona `id`, after line `after` (at
/// the end without it); its id.
pub fn persona_add_line(id: &str, section: &str, after: Option<&str>) -> String {
    let line = Line {
        id: new_id(),
        ..Line::default()
    };
    persona_edit(id, |txn, p| p.add_line_after(txn, section, &line, after));
    end_step();
    line.id
}

pub fn persona_remove_line(id: &str, section: &str, line: &str) {
    persona_edit(id, |txn, p| p.remove_line(txn, section, line));
    end_step();
}

/// The selected notes become sources of the line.
pub fn persona_cite(id: &str, section: &str, line: &str) {
    let notes = super::model::ui().selected_notes();
    if notes.is_empty() {
        super::model::ui().toast.set(Some(
            crate::lang::tr(
                "Select the notes to cite first, then cite them here.",
                "Sélectionnez d'abord les notes à citer, puis citez-les ici.",
            )
            .into(),
        ));
        return;
    }
    persona_edit(id, |txn, p| p.cite(txn, section, line, &notes));
    end_step();
}

pub fn persona_rank(id: &str, rank: u8) {
    persona_edit(id, |txn, p| p.set_rank(txn, rank));
    end_step();
}

/// Marks persona `id` primary (and no other), or not.
pub fn persona_primary(id: &str, primary: bool) {
    let model = model();
    let others: Vec<String> = model
        .scene
        .of_kind(Kind::Persona)
        .into_iter()
        .filter(|o| o != id)
        .collect();
    drop(model);
    edit(|txn, elements| {
        for other in others
            .iter()
            .map(String::as_str)
            .chain(primary.then_some(id))
        {
            if let Some(Out::YMap(map)) = elements.map().get(txn, other) {
                PersonaEdit { map: &map }.set_primary(txn, other == id && primary);
            }
        }
        if !primary && let Some(Out::YMap(map)) = elements.map().get(txn, id) {
            PersonaEdit { map: &map }.set_primary(txn, false);
        }
    });
    end_step();
}

/// A connector from `from` to `to`.
pub fn connect(from: &str, to: &str) -> String {
    let model = model();
    let (_, hi) = model.scene.z_range();
    let mut element = Element::new(new_id(), Kind::Connector, 0.0, 0.0);
    element.from = Some(from.to_owned());
    element.to = Some(to.to_owned());
    element.z = hi + 1.0;
    element.author = model.author.clone();
    element.created = js_sys::Date::now() as i64;
    let id = element.id.clone();
    drop(model);
    edit_main(|txn, elements| elements.insert(txn, &element));
    end_step();
    id
}

/// Moves elements to the given rectangles.
/// As [`place`], outside the undo history (sent to the others all the
/// same): the steps of a drag, before it is written as one change.
pub fn place_untracked(rects: &[(String, Rect)]) {
    if read_only() {
        return;
    }
    {
        let model = model();
        let mut txn = model.doc.transact_mut_with(super::model::DRAG);
        for (id, rect) in rects.iter().filter(|(id, _)| !is_locked(id)) {
            model.board.elements().set_rect(&mut txn, id, *rect);
        }
    }
    super::private::drag(&mut |txn, elements| {
        for (id, rect) in rects {
            elements.set_rect(txn, id, *rect);
        }
    });
}

/// A card or a map grew with its text past its stored height: it is
/// stored so (selection, fitting, exports and others' minimaps follow);
/// never shrunk, never for a locked one.
pub fn grow_to(id: &str, h: f64) {
    let Some(r) = model().scene.rect(id) else {
        return;
    };
    if h <= r.h + 1.0 || is_locked(id) || read_only() {
        return;
    }
    edit(|txn, elements| elements.set_rect(txn, id, Rect { h: h.ceil(), ..r }));
}

/// Moves or resizes elements to `rects`, as one change (the end of a
/// drag, a nudge); what is locked stays, and the user is told why.
pub fn place(rects: &[(String, Rect)]) {
    if rects.iter().any(|(id, _)| is_locked(id)) {
        say_locked();
    }
    edit(|txn, elements| {
        for (id, rect) in rects.iter().filter(|(id, _)| !is_locked(id)) {
            elements.set_rect(txn, id, *rect);
        }
    });
}

/// After a move: each moved element belongs to the frame it was dropped
/// in (or to none).
pub fn reparent(ids: &HashSet<String>) {
    let model = model();
    let changes: Vec<(String, Option<String>)> = ids
        .iter()
        .filter_map(|id| {
            let e = model.scene.get(id)?;
            if matches!(e.kind, Kind::Frame | Kind::Connector) {
                return None;
            }
            let (cx, cy) = e.rect().center();
            let frame = model.scene.frame_at(cx, cy, &HashSet::from([id.clone()]));
            (frame != e.parent).then(|| (id.clone(), frame))
        })
        .collect();
    drop(model);
    if !changes.is_empty() {
        edit(|txn, elements| {
            for (id, frame) in &changes {
                elements.set_parent(txn, id, frame.as_deref());
            }
        });
    }
}

/// What deleting `ids` removes: them, what their frames hold, and the
/// connectors that would be left dangling.
pub fn with_dependents(ids: &HashSet<String>) -> HashSet<String> {
    let model = model();
    let mut all = ids.clone();
    all.extend(model.scene.children(ids));
    all.extend(model.scene.connectors_of(&all));
    all
}

pub fn delete(ids: &HashSet<String>) {
    let all = with_dependents(ids);
    edit(|txn, elements| {
        for id in unlocked(&all) {
            elements.remove(txn, id);
        }
    });
    end_step();
}

pub fn edit_text(id: &str, text: &str) {
    if is_locked(id) {
        return;
    }
    edit(|txn, elements| elements.edit_text(txn, id, text));
}

pub fn set_string(ids: &HashSet<String>, key: &str, value: &str) {
    edit(|txn, elements| {
        for id in unlocked(ids) {
            elements.set_string(txn, id, key, value);
        }
    });
    end_step();
}

/// Tags the notes `ids` with need `tag` (`SPECIFIC:Security`), or takes
/// it off: each keeps its other tags; a need is there once, in whichever
/// language it was written.
pub fn set_need(ids: &HashSet<String>, tag: &str, on: bool) {
    let tags: Vec<(String, Vec<String>)> = {
        let model = model();
        ids.iter()
            .filter(|id| !is_locked(id))
            .filter_map(|id| Some((id.clone(), model.scene.get(id)?.source.tags)))
            .collect()
    };
    edit(|txn, elements| {
        for (id, have) in &tags {
            let tags: Vec<yrs::Any> = atelier_shared::analysis::with_need(have, tag, on)
                .iter()
                .map(|t| yrs::Any::from(t.as_str()))
                .collect();
            if let Some(Out::YMap(map)) = elements.map().get(txn, id) {
                map.insert(txn, "tags", yrs::Any::from(tags));
            }
        }
    });
    end_step();
}

/// Brings `ids` to the front (or sends them to the back), keeping their
/// order among themselves.
pub fn restack(ids: &HashSet<String>, front: bool) {
    let model = model();
    let (lo, hi) = model.scene.z_range();
    let mut elements: Vec<(f64, String)> = ids
        .iter()
        .filter_map(|id| Some((model.scene.get(id)?.z, id.clone())))
        .collect();
    elements.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    drop(model);
    let n = elements.len() as f64;
    edit(|txn, els| {
        for (i, (_, id)) in elements.iter().enumerate() {
            let z = if front {
                hi + 1.0 + i as f64
            } else {
                lo - n + i as f64
            };
            els.set_number(txn, id, "z", z);
        }
    });
    end_step();
}

/// Piles `ids` up where the first one is (each a little below and right
/// of the one before, on top of each other), in its frame: a cluster of
/// notes that say the same thing. One undo step.
pub fn stack(ids: &[String]) {
    let model = model();
    let Some(first) = ids.first().and_then(|id| model.scene.get(id)) else {
        return;
    };
    let (_, hi) = model.scene.z_range();
    let rects: Vec<(String, Rect)> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let step = 14.0 * i as f64;
            let r = model.scene.rect(id)?;
            Some((id.clone(), r.at(first.x + step, first.y + step)))
        })
        .collect();
    drop(model);
    edit(|txn, els| {
        for (i, (id, rect)) in rects.iter().enumerate() {
            els.set_rect(txn, id, *rect);
            els.set_number(txn, id, "z", hi + 1.0 + i as f64);
            els.set_parent(txn, id, first.parent.as_deref());
        }
    });
    end_step();
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    Top,
    Middle,
    Bottom,
}

pub fn align(ids: &HashSet<String>, how: Align) {
    let model = model();
    let Some(bounds) = model.scene.bounds_of(ids) else {
        return;
    };
    let rects: Vec<(String, Rect)> = ids
        .iter()
        .filter_map(|id| {
            let mut r = model.scene.rect(id)?;
            if model.scene.kind(id)? == Kind::Connector {
                return None;
            }
            match how {
                Align::Left => r.x = bounds.x,
                Align::Center => r.x = bounds.center().0 - r.w / 2.0,
                Align::Right => r.x = bounds.right() - r.w,
                Align::Top => r.y = bounds.y,
                Align::Middle => r.y = bounds.center().1 - r.h / 2.0,
                Align::Bottom => r.y = bounds.bottom() - r.h,
            }
            Some((id.clone(), r))
        })
        .collect();
    drop(model);
    place(&rects);
    end_step();
}

/// Adds copies of `elements` moved by (`dx`, `dy`), with fresh ids, on top;
/// returns the new ids of what was selected (not frame content).
pub fn paste(elements: &[Element], dx: f64, dy: f64) -> Vec<String> {
    let model = model();
    let (_, hi) = model.scene.z_range();
    let author = model.author.clone();
    drop(model);
    let ids: HashMap<String, String> = elements.iter().map(|e| (e.id.clone(), new_id())).collect();
    let now = js_sys::Date::now() as i64;
    let copies: Vec<Element> = elements
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut c = e.clone();
            c.id = ids[&e.id].clone();
            c.x += dx;
            c.y += dy;
            c.z = hi + 1.0 + i as f64;
            c.author = author.clone();
            c.created = now;
            c.parent = e.parent.as_ref().and_then(|p| ids.get(p).cloned());
            c.from = e.from.as_ref().and_then(|p| ids.get(p).cloned());
            c.to = e.to.as_ref().and_then(|p| ids.get(p).cloned());
            c
        })
        .collect();
    store_new(&copies);
    end_step();
    let copied_parents: HashSet<&String> = elements.iter().map(|e| &e.id).collect();
    elements
        .iter()
        .filter(|e| {
            !e.parent
                .as_ref()
                .is_some_and(|p| copied_parents.contains(p))
        })
        .map(|e| ids[&e.id].clone())
        .collect()
}

/// Makes the board's elements those of a version, as one change and one
/// undo step.
pub fn restore(version: &[Element]) {
    let current = {
        let m = model();
        let txn = yrs::Transact::transact(&m.doc);
        m.board.elements().all(&txn)
    };
    edit_main(|txn, els| atelier_shared::history::restore(txn, els, &current, version));
    end_step();
}

/// Ends the current undo step: the next change is undone separately.
pub fn end_step() {
    model().undo.borrow_mut().reset();
}

pub fn undo() -> bool {
    let model = model();
    let mut undo = model.undo.borrow_mut();
    undo.undo_blocking()
}

pub fn redo() -> bool {
    let model = model();
    let mut undo = model.undo.borrow_mut();
    undo.redo_blocking()
}

/// Writes to the `comments` map in one local transaction (nothing with a
/// view-only link).
fn edit_comments(f: impl FnOnce(&mut TransactionMut, &Comments)) {
    if read_only() {
        return;
    }
    let model = model();
    let comments = Comments::new(&model.doc);
    let mut txn = model.doc.transact_mut_with(LOCAL);
    f(&mut txn, &comments);
}

/// Says how interview `id` was run (see `atelier_shared::tracker`).
pub fn set_interview_mode(id: &str, mode: &str) {
    if read_only() {
        return;
    }
    let model = model();
    let interviews = model.doc.get_or_insert_map("interviews");
    let mut txn = model.doc.transact_mut_with(LOCAL);
    atelier_shared::tracker::set_mode(&mut txn, &interviews, id, mode);
}

/// A new comment thread.
pub fn comment(comment: &Comment) {
    edit_comments(|txn, c| c.add(txn, comment));
}

/// A reply to thread `thread`.
pub fn reply(thread: &str, reply: &Reply) {
    edit_comments(|txn, c| c.reply(txn, thread, reply));
}

/// Thread `thread` resolved, or reopened.
pub fn resolve(thread: &str, resolved: bool) {
    edit_comments(|txn, c| c.set_resolved(txn, thread, resolved));
}

/// Origin of the merge of this user's private notes into the board: sent,
/// but not an undo step (it is not a change the user made just now).
const REVEAL: &str = "reveal";

/// Merges this user's private notes into the board at the reveal (the
/// server has put them there too: the same changes, nothing doubled).
pub fn reveal_private() {
    let Some((update, ids)) = super::private::take() else {
        return;
    };
    let m = model();
    if let Some(update) = update {
        let mut txn = m.doc.transact_mut_with(REVEAL);
        if let Err(err) = txn.apply_update(update) {
            leptos::logging::warn!("could not reveal private notes: {err}");
        }
    }
    // Notes that are not on the board after all (deleted meanwhile) leave
    // the scene. The undo history goes: its private steps would act on a
    // document that is no more.
    m.undo.borrow_mut().clear_all();
    let elements = m.board.elements().map().clone();
    m.refresh_from(&m.doc.transact(), &elements, ids);
    super::private::revealed();
}
