//! Locks, enforced by the server. Browsers do not change a locked element,
//! but any Yjs client with an editor's link could: an update from someone
//! who is not a facilitator, while elements are locked, is applied under a
//! tracked origin, and if it touched a locked element it is undone at once
//! (yrs' undo manager writes the inverse change), and each locked element
//! it touched is then written afresh from what the server holds (see
//! `rewrite`). Everyone is then sent the net, which changes nothing
//! visible (the author sees its change reverted), and that is what is
//! stored. The guard exists only while something is locked: its observers
//! cost every transaction.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use atelier_shared::Board;
use yrs::undo::{Options, UndoManager};
use yrs::{
    Any, Array, ArrayPrelim, DeepObservable, Doc, GetString, In, Map, MapPrelim, Origin, Out,
    ReadTxn, TextPrelim, Transact, Update,
};

const GUARDED: &str = "guarded";

/// Why an update did not change the board.
#[derive(Debug)]
pub(crate) enum Unapplied {
    /// yrs refused it; the document is as it was.
    Refused(String),
    /// It was integrated, and left a list the board cannot read
    /// (`protocol::commit_readable`): the document is to be dropped.
    Unreadable,
}

/// A clock for the undo manager: every change is a step of its own.
struct Never;

impl yrs::sync::Clock for Never {
    fn now(&self) -> u64 {
        0
    }
}

pub(crate) struct LockGuard {
    elements: yrs::MapRef,
    undo: UndoManager<()>,
    /// The element ids the guarded change touched.
    touched: Arc<Mutex<HashSet<String>>>,
}

impl LockGuard {
    pub(crate) fn new(doc: &Doc, board: &Board) -> LockGuard {
        let elements = board.elements().map().clone();
        let mut undo = UndoManager::with_options(Options {
            capture_timeout_millis: 0,
            tracked_origins: HashSet::from([Origin::from(GUARDED)]),
            capture_transaction: None,
            timestamp: Arc::new(Never),
            init_undo_stack: Vec::new(),
            init_redo_stack: Vec::new(),
        });
        undo.expand_scope(doc, &elements);
        let touched = Arc::new(Mutex::new(HashSet::new()));
        let seen = touched.clone();
        elements.observe_deep("atelier-locks", move |txn, events| {
            if txn.origin() != Some(&Origin::from(GUARDED)) {
                return;
            }
            let ids = atelier_shared::touched(txn, events);
            seen.lock().unwrap_or_else(|e| e.into_inner()).extend(ids);
        });
        LockGuard {
            elements,
            undo,
            touched,
        }
    }

    /// Applies `update` from someone who may not change the `locked`
    /// elements. Returns what it changed (v1 encoding, if anything) and
    /// whether it touched a locked element (then the change returned is
    /// the update and its undoing together: nothing changed).
    pub(crate) fn apply(
        &mut self,
        doc: &Doc,
        update: Update,
        locked: &BTreeSet<String>,
    ) -> Result<(Option<Vec<u8>>, bool), Unapplied> {
        let before = doc.transact().state_vector();
        let changed = {
            let mut txn = doc.transact_mut_with(GUARDED);
            txn.apply_update(update)
                .map_err(|e| Unapplied::Refused(e.to_string()))?;
            let changed = txn.encode_update_v1();
            if !atelier_shared::protocol::commit_readable(&mut txn) {
                return Err(Unapplied::Unreadable);
            }
            changed
        };
        let touched_locked: Vec<String> = self
            .touched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .filter(|id| locked.contains(id))
            .collect();
        let hit = !touched_locked.is_empty();
        if hit {
            self.undo.undo_blocking();
            self.rewrite(doc, &touched_locked);
        }
        self.undo.clear_all();
        if !hit {
            return Ok(((changed != [0, 0]).then_some(changed), false));
        }
        let net = doc.transact().encode_diff_v1(&before);
        Ok((Some(net), true))
    }
}

impl LockGuard {
    /// Writes each of `ids` afresh, as it now reads, in a new map of its
    /// own. yrs' undo places what it brings back beside the blocks the
    /// undone change removed; where the change deleted the element itself,
    /// those blocks are collected (GC), and a peer that reads the board's
    /// encoding drops whatever sits beside a collected block (Yjs' rule),
    /// so a locked note would come back only on the server. A fresh copy
    /// holds fresh blocks only: every peer reads it as the server does.
    fn rewrite(&self, doc: &Doc, ids: &[String]) {
        let mut txn = doc.transact_mut();
        for id in ids {
            if let Some(value) = self.elements.get(&txn, id) {
                let copy = copy(&txn, value);
                self.elements.insert(&mut txn, id.as_str(), copy);
            }
        }
    }
}

/// A value of the document as a prelim to write it again (text keeps its
/// characters, not their formatting).
fn copy<T: ReadTxn>(txn: &T, value: Out) -> In {
    match value {
        Out::Any(any) => In::Any(any),
        Out::YMap(map) => In::from(MapPrelim::from_iter(
            map.iter(txn).map(|(key, value)| (key, copy(txn, value))),
        )),
        Out::YArray(array) => In::from(ArrayPrelim::from_iter(
            array.iter(txn).map(|value| copy(txn, value)),
        )),
        Out::YText(text) => In::from(TextPrelim::new(text.get_string(txn))),
        Out::YXmlText(text) => In::from(TextPrelim::new(text.get_string(txn))),
        Out::YXmlElement(xml) => In::Any(Any::from(xml.get_string(txn))),
        Out::YXmlFragment(xml) => In::Any(Any::from(xml.get_string(txn))),
        Out::YDoc(_) | Out::UndefinedRef(_) => In::Any(Any::Null),
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.elements.unobserve_deep("atelier-locks");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_shared::{Element, Kind};
    use yrs::updates::decoder::Decode;
    use yrs::{Map, StateVector};

    fn sync(from: &Doc, to: &Doc) {
        let update = from
            .transact()
            .encode_diff_v1(&to.transact().state_vector());
        to.transact_mut()
            .apply_update(Update::decode_v1(&update).unwrap())
            .unwrap();
    }

    #[test]
    fn a_merged_change_that_rewrites_and_deletes_locked_notes_is_undone_whole() {
        let server = Doc::with_client_id(1);
        let board = Board::new(&server);
        for id in ["a", "b"] {
            let mut note = Element::new(id, Kind::Note, 0.0, 0.0);
            note.text = "decided".into();
            board.elements().insert(&mut server.transact_mut(), &note);
        }
        let bystander = Doc::with_client_id(4);
        sync(&server, &bystander);
        let rogue = Doc::with_client_id(2);
        sync(&server, &rogue);
        let elements = rogue.get_or_insert_map("elements");
        let before = rogue.transact().state_vector();
        let mut changes = Vec::new();
        for id in ["a", "b"] {
            let mut txn = rogue.transact_mut();
            if let Some(yrs::Out::YMap(note)) = elements.get(&txn, id) {
                note.insert(&mut txn, "text", "defaced");
                note.insert(&mut txn, "color", "#000000");
            }
            changes.push(txn.encode_update_v1());
            drop(txn);
            let mut txn = rogue.transact_mut();
            elements.remove(&mut txn, id);
            changes.push(txn.encode_update_v1());
        }
        let _ = before;
        let merged = yrs::merge_updates_v1(changes.iter().map(Vec::as_slice)).unwrap();
        let locked: BTreeSet<String> = ["a".to_string(), "b".to_string()].into();
        let mut guard = LockGuard::new(&server, &board);
        let (net, undone) = guard
            .apply(&server, Update::decode_v1(&merged).unwrap(), &locked)
            .unwrap();
        assert!(undone);
        let txn = server.transact();
        for id in ["a", "b"] {
            let note = board.elements().get(&txn, id).expect("still there");
            assert_eq!(note.text, "decided");
        }
        drop(txn);
        // A new document given the server's whole state sees the same.
        let fresh = Doc::with_client_id(5);
        sync(&server, &fresh);
        let fresh_board = Board::new(&fresh);
        for id in ["a", "b"] {
            let note = fresh_board.elements().get(&fresh.transact(), id);
            assert_eq!(
                note.map(|n| n.text).as_deref(),
                Some("decided"),
                "fresh {id}"
            );
        }
        // Everyone else, given the net, sees the same.
        let net = net.unwrap();
        for other in [Doc::with_client_id(3), bystander] {
            let _ = StateVector::default();
            if other.client_id() == yrs::ClientID::new(3) {
                sync(&rogue, &other);
            }
            other
                .transact_mut()
                .apply_update(Update::decode_v1(&net).unwrap())
                .unwrap();
            let other_board = Board::new(&other);
            let txn = other.transact();
            for id in ["a", "b"] {
                let note = other_board.elements().get(&txn, id);
                assert_eq!(note.map(|n| n.text).as_deref(), Some("decided"), "{id}");
            }
        }
    }
}
