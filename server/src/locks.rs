//! Locks, enforced by the server. Browsers do not change a locked element,
//! but any Yjs client with an editor's link could: an update from someone
//! who is not a facilitator, while elements are locked, is applied under a
//! tracked origin, and if it touched a locked element it is undone at once
//! (yrs' undo manager writes the inverse change). Everyone is then sent the
//! net of both, which changes nothing visible (the author sees its change
//! reverted), and that is what is stored. The guard exists only while
//! something is locked: its observers cost every transaction.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use atelier_shared::Board;
use yrs::undo::{Options, UndoManager};
use yrs::{DeepObservable, Doc, Origin, ReadTxn, Transact, Update};

const GUARDED: &str = "guarded";

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
    ) -> Result<(Option<Vec<u8>>, bool), String> {
        let before = doc.transact().state_vector();
        let changed = {
            let mut txn = doc.transact_mut_with(GUARDED);
            txn.apply_update(update).map_err(|e| e.to_string())?;
            txn.encode_update_v1()
        };
        let hit = {
            let mut touched = self.touched.lock().unwrap_or_else(|e| e.into_inner());
            let hit = touched.iter().any(|id| locked.contains(id));
            touched.clear();
            hit
        };
        if hit {
            self.undo.undo_blocking();
        }
        self.undo.clear_all();
        if !hit {
            return Ok(((changed != [0, 0]).then_some(changed), false));
        }
        let net = doc.transact().encode_state_as_update_v1(&before);
        Ok((Some(net), true))
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.elements.unobserve_deep("atelier-locks");
    }
}
