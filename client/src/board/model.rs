//! The board page's model: the yrs document, its reactive projection (the
//! [`Scene`], fed by a deep observer), the local undo manager, and the UI
//! state shared by the canvas and its panels.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use atelier_shared::Board;
use leptos::prelude::*;
use yrs::undo::{Options as UndoOptions, UndoManager};
use yrs::{DeepObservable, Doc, Origin, ReadTxn};

use super::camera::Camera;
pub use super::scene::{Look, Scene, Shape, is_dimmed};
use crate::sync::Peer;

/// Origin of this user's own transactions: the only ones their undo
/// manager tracks, so undo never touches another participant's work.
pub const LOCAL: &str = "local";
/// The origin of this user's changes kept out of the undo history (the
/// steps of a drag); sent like any other.
pub const DRAG: &str = "drag";

/// The tools of the left toolbar (Miro's shortcuts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Select,
    Hand,
    Note,
    Text,
    Shape,
    Connector,
    Frame,
}

/// The board page's document and what is derived from it.
pub struct Model {
    pub doc: Doc,
    pub board: Board,
    pub scene: Scene,
    pub undo: RefCell<UndoManager<()>>,
    /// Shown as `author` on what this user creates.
    pub author: String,
    layout: RwSignal<u64>,
    look: RwSignal<u64>,
    /// Changes from other people not yet announced (moved, changed): they
    /// are announced once an animation frame, however many arrive.
    remote: std::cell::Cell<(bool, bool)>,
}

impl Model {
    /// Re-reads `ids` from `elements` (the board's, or this user's private
    /// notes) into the scene, and says what changed.
    pub fn refresh_from<T: ReadTxn>(&self, txn: &T, elements: &yrs::MapRef, ids: HashSet<String>) {
        let (moved, changed) = self.scene.refresh(txn, elements, ids);
        if moved {
            self.layout.update(|v| *v += 1);
        }
        if moved || changed {
            self.look.update(|v| *v += 1);
        }
    }

    /// As [`Model::refresh_from`] for changes made by someone else: the
    /// scene is read now, but what follows from it (views, the far
    /// canvas, the minimap) runs once in the next animation frame for all
    /// the changes that came before it. A busy board (dozens of remote
    /// edits a second) so costs one update a frame, not one an edit.
    pub fn refresh_remote<T: ReadTxn>(
        &self,
        txn: &T,
        elements: &yrs::MapRef,
        ids: HashSet<String>,
        others: bool,
    ) {
        // What others did is said to a screen reader (see `announce`).
        let said = (others && super::announce::is_on()).then(|| {
            let before: HashSet<String> = ids
                .iter()
                .filter(|id| self.scene.kind(id).is_some())
                .cloned()
                .collect();
            (before, ids.clone())
        });
        let (moved, changed) = self.scene.refresh(txn, elements, ids);
        if let Some((before, touched)) = said {
            // What came and went (not every keystroke or drag step).
            let (mut added, mut removed) = (Vec::new(), 0);
            for id in &touched {
                match (before.contains(id), self.scene.kind(id).is_some()) {
                    (false, true) if added.len() < 3 => {
                        added.extend(self.scene.get(id).map(|e| (e.kind, e.text)))
                    }
                    (false, true) => {
                        added.push((atelier_shared::Kind::Other(String::new()), String::new()))
                    }
                    (true, false) => removed += 1,
                    _ => {}
                }
            }
            super::announce::others_changed(added, 0, removed);
        }
        let (was_moved, was_changed) = self.remote.get();
        if !(moved || changed) {
            return;
        }
        self.remote
            .set((was_moved || moved, was_changed || changed || moved));
        if was_moved || was_changed {
            return; // a frame is already asked for
        }
        request_animation_frame(|| {
            let Some(model) = MODEL.with_borrow(|m| m.clone()) else {
                return;
            };
            let (moved, changed) = model.remote.take();
            if moved {
                model.layout.update(|v| *v += 1);
            }
            if changed {
                model.look.update(|v| *v += 1);
            }
        });
    }
}

thread_local! {
    static MODEL: RefCell<Option<Rc<Model>>> = const { RefCell::new(None) };
}

/// The page's model (set up by [`install`]).
pub fn model() -> Rc<Model> {
    MODEL.with_borrow(|m| m.clone().expect("the board model is installed"))
}

/// Creates the model of `doc`; `layout` is bumped whenever elements move,
/// appear or disappear, `look` whenever anything about them changes.
pub fn install(
    doc: Doc,
    author: String,
    layout: RwSignal<u64>,
    look: RwSignal<u64>,
    title: WriteSignal<String>,
) {
    let board = Board::new(&doc);
    let elements = board.elements().map().clone();
    let mut undo = UndoManager::with_options(UndoOptions {
        capture_timeout_millis: 500,
        tracked_origins: HashSet::from([Origin::from(LOCAL)]),
        capture_transaction: None,
        timestamp: Arc::new(|| js_sys::Date::now() as u64),
        init_undo_stack: Vec::new(),
        init_redo_stack: Vec::new(),
    });
    undo.expand_scope(&doc, &elements);
    let model = Rc::new(Model {
        doc: doc.clone(),
        board: board.clone(),
        scene: Scene::default(),
        undo: RefCell::new(undo),
        author,
        layout,
        look,
        remote: Default::default(),
    });
    MODEL.with_borrow_mut(|m| *m = Some(model));

    let observed = elements.clone();
    elements.observe_deep("atelier-scene", move |txn, events| {
        let ids = atelier_shared::touched(txn, events);
        let Some(model) = MODEL.with_borrow(|m| m.clone()) else {
            return;
        };
        let local = txn
            .origin()
            .is_some_and(|o| *o == Origin::from(LOCAL) || *o == Origin::from(DRAG));
        if local {
            model.refresh_from(txn, &observed, ids);
        } else {
            // (Undo, redo and the reveal are this user's own doing.)
            let others = txn
                .origin()
                .is_some_and(|o| *o == Origin::from(crate::sync::REMOTE));
            model.refresh_remote(txn, &observed, ids, others);
        }
    });
    let meta_board = board.clone();
    let mut last = None;
    let _ = doc.observe_after_transaction("atelier-title", move |txn| {
        let t = meta_board.meta(txn).title;
        if last.as_ref() != Some(&t) {
            last = Some(t.clone());
            title.set(t);
        }
    });
}

/// `source`, followed at most once every `every`: a view that redraws the
/// whole board (the minimap, the far canvas) keeps up with a busy board at
/// a few redraws a second instead of one an edit. The last change always
/// comes through.
pub fn throttled(source: RwSignal<u64>, every: std::time::Duration) -> ReadSignal<u64> {
    let (out, set_out) = signal(source.get_untracked());
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        source.track();
        if waiting.get_value() {
            return;
        }
        waiting.set_value(true);
        set_timeout(
            move || {
                waiting.set_value(false);
                set_out.set(source.get_untracked());
            },
            every,
        );
    });
    out
}

/// UI state shared by the canvas and its panels (all `Copy` signals).
#[derive(Clone, Copy)]
pub struct Ui {
    /// The facilitator's settings (timer, follow, locks, vote) and the
    /// reactions, from the server.
    pub facilitation: ReadSignal<atelier_shared::facilitation::State>,
    pub reactions: ReadSignal<Vec<(u32, atelier_shared::facilitation::Reaction)>>,
    /// This page's link: the facilitator's; one that writes (not a viewer).
    pub facilitator: bool,
    pub writes: bool,
    /// This user follows the leader's view (until they stop).
    pub following: RwSignal<bool>,
    /// The board's comment threads, and the element whose threads are open.
    pub comments: Memo<Vec<atelier_shared::comments::Comment>>,
    pub commenting: RwSignal<Option<String>>,
    /// The note a facilitator is redacting part of (see `redact.rs`).
    pub redacting: RwSignal<Option<String>>,
    pub camera: RwSignal<Camera>,
    /// Canvas size in CSS pixels.
    pub viewport: RwSignal<(f64, f64)>,
    pub tool: RwSignal<Tool>,
    pub selection: RwSignal<HashSet<String>>,
    pub editing: RwSignal<Option<String>>,
    pub layout: RwSignal<u64>,
    /// Bumped on any change to any element (colour and text included).
    pub look: RwSignal<u64>,
    pub snap: RwSignal<bool>,
    /// Space held: the hand tool while it is down.
    pub space: RwSignal<bool>,
    pub note_color: RwSignal<&'static str>,
    pub peers: ReadSignal<Vec<Peer>>,
    /// Who is typing in which text field (a note's id, a card's field):
    /// their name and colour. Changes only when someone enters or leaves a
    /// field, not as pointers move.
    pub typing: Memo<HashMap<String, (String, String)>>,
    /// A short message at the bottom of the screen.
    pub toast: RwSignal<Option<String>>,
    /// Where the pointer is on the board, while it is over the canvas
    /// (pastes land there).
    pub pointer: StoredValue<Option<(f64, f64)>>,
    /// The notes import dialog is open (the board's shortcuts rest).
    pub importing: RwSignal<bool>,
    /// The interview notes panel is open.
    pub panel: RwSignal<bool>,
    /// The history panel is open.
    pub history: RwSignal<bool>,
    /// The outline panel (the board as a list) is open.
    pub outline: RwSignal<bool>,
    /// The templates menu is open.
    pub templates: RwSignal<bool>,
    /// The export menu is open.
    pub exports: RwSignal<bool>,
    /// Far out, the empathy-map item dragged notes would cite if dropped
    /// now: brought into the DOM and outlined.
    pub drop_target: RwSignal<Option<String>>,
    /// The vote results panel is unfolded.
    pub results_open: RwSignal<bool>,
    /// The facilitation banners show their details (folded: one line each).
    pub banners_open: RwSignal<bool>,
    /// The notes a persona line cites, highlighted (the others dimmed).
    pub highlight: RwSignal<Option<HashSet<String>>>,
    /// Where each note is cited: (the citing element, what cites it, as
    /// "Julie · Motivational").
    pub cited: Memo<HashMap<String, Vec<(String, String)>>>,
    /// Which interview notes are highlighted (the others are dimmed), for
    /// this user only.
    pub filter: RwSignal<atelier_shared::analysis::NoteFilter>,
}

pub fn ui() -> Ui {
    expect_context::<Ui>()
}

impl Ui {
    /// The notes among the selection.
    pub fn selected_notes(&self) -> Vec<String> {
        let model = model();
        self.selected()
            .into_iter()
            .filter(|n| model.scene.kind(n) == Some(atelier_shared::Kind::Note))
            .collect()
    }

    /// Selects exactly `ids` and tells the others.
    pub fn select(&self, ids: impl IntoIterator<Item = String>) {
        let set: HashSet<String> = ids.into_iter().collect();
        crate::sync::set_selection(set.iter().cloned().collect());
        self.selection.set(set);
    }

    pub fn selected(&self) -> HashSet<String> {
        self.selection.get_untracked()
    }

    pub fn canvas_center_on_board(&self) -> (f64, f64) {
        let (w, h) = self.viewport.get_untracked();
        self.camera.get_untracked().to_board(w / 2.0, h / 2.0)
    }
}
