//! Private mode: the notes this user writes while it is on live in a
//! document of their own, drawn on this board only and sent to the server
//! alone (custom message [`facilitation::PRIVATE`]), which keeps them apart
//! from the board and gives them back on reconnect. When the facilitator
//! reveals them, the server puts everyone's on the board; this page merges
//! its own too (the same changes: nothing is doubled) and starts a fresh
//! private document, with a client id of its own, for the next round.
//!
//! Edits to a private note go to the private document: [`super::ops::edit`]
//! runs each change on both documents (an id only one holds is left alone
//! in the other), and new notes go where [`creates_private`] says.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use atelier_shared::{Board, Elements};
use leptos::prelude::Update as _;
use leptos::prelude::*;
use yrs::updates::decoder::Decode;
use yrs::{DeepObservable, Doc, Origin, ReadTxn, StateVector, Transact, TransactionMut, Update};

use super::model::model;
use crate::sync::{self, REMOTE};

thread_local! {
    static PRIVATE: RefCell<Option<(Doc, Board)>> = const { RefCell::new(None) };
    /// The ids the private document holds.
    static IDS: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
    /// Private mode is on (the server said so).
    static ON: Cell<bool> = const { Cell::new(false) };
    /// Bumped when a note becomes private or stops being private (their
    /// look depends on it).
    static CHANGED: RwSignal<u64> = RwSignal::new(0);
}

pub fn set_on(on: bool) {
    ON.set(on);
}

/// New notes are private now.
pub fn creates_private() -> bool {
    ON.get()
}

/// Whether `id` is one of this user's private notes (tracks the change).
pub fn is_private(id: &str) -> bool {
    CHANGED.with(|c| c.track());
    IDS.with_borrow(|ids| ids.contains(id))
}

/// Whether this user holds private notes.
pub fn any() -> bool {
    IDS.with_borrow(|ids| !ids.is_empty())
}

/// The private document (made on first use).
fn private() -> (Doc, Board) {
    if let Some(p) = PRIVATE.with_borrow(Clone::clone) {
        return p;
    }
    let doc = sync::new_doc();
    let board = Board::new(&doc);
    // Changes made here go to the server alone.
    let _ = doc.observe_update_v1("atelier-private", |txn, event| {
        if txn.origin() != Some(&Origin::from(REMOTE)) {
            sync::send_private(event.update.clone());
        }
    });
    let observed = board.elements().map().clone();
    board
        .elements()
        .map()
        .observe_deep("atelier-private-scene", move |txn, events| {
            let ids = atelier_shared::touched(txn, events);
            let held = IDS.with_borrow_mut(|held| {
                let before = held.len();
                for id in &ids {
                    if yrs::Map::contains_key(&observed, txn, id) {
                        held.insert(id.clone());
                    } else {
                        held.remove(id);
                    }
                }
                held.len() != before
            });
            model().refresh_from(txn, &observed, ids);
            if held {
                CHANGED.with(|c| c.update(|v| *v += 1));
            }
        });
    // One undo history for both documents: Ctrl+Z takes back a private
    // note as any other change.
    model()
        .undo
        .borrow_mut()
        .expand_scope(&doc, board.elements().map());
    PRIVATE.with_borrow_mut(|p| *p = Some((doc.clone(), board.clone())));
    (doc, board)
}

/// Runs `f` on the private document, if this user has private notes.
pub fn edit(f: &mut dyn FnMut(&mut TransactionMut, &Elements)) {
    if any() {
        run(super::model::LOCAL, f);
    }
}

/// As [`edit`], for the steps of a drag (sent, not undoable).
pub fn drag(f: &mut dyn FnMut(&mut TransactionMut, &Elements)) {
    if any() {
        run(super::model::DRAG, f);
    }
}

/// Runs `f` (which adds notes) on the private document.
pub fn add(f: &mut dyn FnMut(&mut TransactionMut, &Elements)) {
    run(super::model::LOCAL, f);
}

fn run(origin: &str, f: &mut dyn FnMut(&mut TransactionMut, &Elements)) {
    let (doc, board) = private();
    let mut txn = doc.transact_mut_with(origin);
    f(&mut txn, board.elements());
}

/// The server gave back this user's private notes (on reconnect, or from
/// another tab).
pub fn receive(update: &[u8]) {
    let Ok(update) = Update::decode_v1(update) else {
        return;
    };
    let (doc, _) = private();
    let mut txn = doc.transact_mut_with(REMOTE);
    if let Err(err) = txn.apply_update(update) {
        leptos::logging::warn!("could not apply private notes: {err}");
    }
}

/// Everything held privately, for the server on (re)connecting.
pub fn full_state() -> Option<Vec<u8>> {
    any().then(|| {
        let (doc, _) = private();
        doc.transact()
            .encode_state_as_update_v1(&StateVector::default())
    })
}

/// Ends this round of private notes: hands over everything they hold (as
/// one update, for [`super::ops::reveal_private`] to merge into the board)
/// and the ids they held; a fresh private document comes with the next
/// private note.
pub fn take() -> Option<(Option<Update>, HashSet<String>)> {
    let (doc, _) = PRIVATE.with_borrow_mut(Option::take)?;
    let state = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    let ids = IDS.take();
    Some((Update::decode_v1(&state).ok(), ids))
}

/// The revealed notes are the board's now: their look changes.
pub fn revealed() {
    CHANGED.with(|c| c.update(|v| *v += 1));
}
