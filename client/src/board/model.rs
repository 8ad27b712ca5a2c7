//! The board page's model: the yrs document, a reactive projection of its
//! elements (one signal per element, fed by a deep observer), the local
//! undo manager, and the UI state shared by the canvas and its panels.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use atelier_shared::{Board, Element, Kind, Rect};
use leptos::prelude::*;
use yrs::undo::{Options as UndoOptions, UndoManager};
use yrs::{DeepObservable, Doc, Origin, Out, ReadTxn};

use super::camera::Camera;
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

/// What the page keeps about one element: its signal (what views read)
/// and its geometry (what culling and hit-testing read, without cloning).
struct Item {
    signal: ArcRwSignal<Element>,
    rect: Rect,
    z: f64,
    kind: Kind,
    parent: Option<String>,
    ends: Option<(String, String)>,
    /// It cites notes (an empathy-map item).
    cites: bool,
}

/// An element reduced to what a canvas draws of it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A note, free text or shape: its box, what it is, colour and text.
    Box(Rect, Look),
    /// A frame: its box, title and fill.
    Frame(Rect, String, String),
    /// A connector, from edge to edge, with its colour.
    Line((f64, f64), (f64, f64), String),
}

/// What a canvas needs to draw a note, free text or shape like its view.
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    pub kind: Kind,
    pub ellipse: bool,
    pub color: String,
    pub text: String,
    /// A verbatim: drawn in quotes.
    pub verbatim: bool,
    /// Left out by the notes filter: drawn faint.
    pub dimmed: bool,
}

impl Item {
    /// Order among its peers: `z`, except that frames stack by size (a
    /// smaller frame above a larger one), as `view::frame_z_index` draws.
    fn stacking(&self) -> f64 {
        if self.kind == Kind::Frame {
            -(self.rect.w * self.rect.h)
        } else {
            self.z
        }
    }
}

/// The projection of the `elements` map.
#[derive(Default)]
pub struct Scene {
    items: RefCell<HashMap<String, Item>>,
}

impl Scene {
    pub fn signal(&self, id: &str) -> Option<ArcRwSignal<Element>> {
        self.items.borrow().get(id).map(|i| i.signal.clone())
    }

    pub fn get(&self, id: &str) -> Option<Element> {
        self.items
            .borrow()
            .get(id)
            .map(|i| i.signal.get_untracked())
    }

    pub fn rect(&self, id: &str) -> Option<Rect> {
        self.items.borrow().get(id).map(|i| i.rect)
    }

    pub fn kind(&self, id: &str) -> Option<Kind> {
        self.items.borrow().get(id).map(|i| i.kind.clone())
    }

    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    /// Ids of every drawable element.
    pub fn ids(&self) -> Vec<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(_, i)| drawable(&i.kind))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Where a connector's ends are, if both exist.
    fn connector_rect(items: &HashMap<String, Item>, ends: &(String, String)) -> Option<Rect> {
        let a = items.get(&ends.0)?.rect;
        let b = items.get(&ends.1)?.rect;
        Some(a.union(&b))
    }

    /// Elements touching `view`, in id order: the DOM keeps a stable order
    /// as elements come and go (stacking is the CSS z-index, from `z`).
    pub fn visible(&self, view: Rect) -> Vec<String> {
        let items = self.items.borrow();
        let mut hits: Vec<&String> = items
            .iter()
            .filter(|(_, i)| drawable(&i.kind))
            .filter(|(_, i)| match &i.ends {
                Some(ends) => {
                    Self::connector_rect(&items, ends).is_some_and(|r| r.intersects(&view))
                }
                None => i.rect.intersects(&view),
            })
            .map(|(id, _)| id)
            .collect();
        hits.sort_unstable();
        hits.into_iter().cloned().collect()
    }

    /// The elements of `kind`, without going through every id (the hot
    /// paths that look for the few personas and journey maps of a board).
    pub fn of_kind(&self, kind: Kind) -> Vec<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(_, i)| i.kind == kind)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The elements (other than persona cards and journey maps) that cite
    /// notes.
    pub fn citing(&self) -> Vec<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(_, i)| i.cites)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The persona cards and journey maps meeting `view` (far out they stay
    /// in the DOM: few, and read as what they are, not as shapes).
    pub fn cards_in(&self, view: Rect) -> Vec<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(_, i)| {
                matches!(i.kind, Kind::Persona | Kind::Journey) && i.rect.intersects(&view)
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Elements whose rectangle lies inside `area` (connectors: both ends).
    pub fn inside(&self, area: Rect) -> Vec<String> {
        let items = self.items.borrow();
        items
            .iter()
            .filter(|(_, i)| drawable(&i.kind))
            .filter(|(_, i)| match &i.ends {
                Some(ends) => Self::connector_rect(&items, ends).is_some_and(|r| area.contains(&r)),
                None => area.contains(&i.rect),
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The topmost element (not a connector) under a board point.
    pub fn at(&self, x: f64, y: f64) -> Option<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(_, i)| drawable(&i.kind) && i.ends.is_none() && i.rect.contains_point(x, y))
            .max_by(|a, b| {
                (a.1.kind != Kind::Frame, a.1.stacking())
                    .partial_cmp(&(b.1.kind != Kind::Frame, b.1.stacking()))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .map(|(id, _)| id.clone())
    }

    /// The frame holding the point, other than `except`: the smallest
    /// (the one drawn on top).
    pub fn frame_at(&self, x: f64, y: f64, except: &HashSet<String>) -> Option<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(id, i)| {
                i.kind == Kind::Frame && !except.contains(*id) && i.rect.contains_point(x, y)
            })
            .min_by(|a, b| (a.1.rect.w * a.1.rect.h).total_cmp(&(b.1.rect.w * b.1.rect.h)))
            .map(|(id, _)| id.clone())
    }

    /// Elements whose `parent` is one of `frames`.
    pub fn children(&self, frames: &HashSet<String>) -> Vec<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(_, i)| i.parent.as_ref().is_some_and(|p| frames.contains(p)))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Connectors with an end in `ids`.
    pub fn connectors_of(&self, ids: &HashSet<String>) -> Vec<String> {
        self.items
            .borrow()
            .iter()
            .filter(|(_, i)| {
                i.ends
                    .as_ref()
                    .is_some_and(|(a, b)| ids.contains(a) || ids.contains(b))
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Bounds of `ids` (connectors by their ends).
    pub fn bounds_of<'a>(&self, ids: impl IntoIterator<Item = &'a String>) -> Option<Rect> {
        let items = self.items.borrow();
        ids.into_iter()
            .filter_map(|id| {
                let item = items.get(id)?;
                match &item.ends {
                    Some(ends) => Self::connector_rect(&items, ends),
                    None => Some(item.rect),
                }
            })
            .reduce(|a, b| a.union(&b))
    }

    /// Bounds of the whole board.
    pub fn bounds(&self) -> Option<Rect> {
        self.items
            .borrow()
            .values()
            .filter(|i| drawable(&i.kind) && i.ends.is_none())
            .map(|i| i.rect)
            .reduce(|a, b| a.union(&b))
    }

    /// (lowest, highest) stacking order on the board.
    pub fn z_range(&self) -> (f64, f64) {
        self.items
            .borrow()
            .values()
            .map(|i| i.z)
            .fold(None, |acc: Option<(f64, f64)>, z| match acc {
                None => Some((z, z)),
                Some((lo, hi)) => Some((lo.min(z), hi.max(z))),
            })
            .unwrap_or((0.0, 0.0))
    }

    /// Every element but those in `except` as a flat shape, frames first
    /// then by stacking order, for the canvas-drawn views (the minimap, the
    /// far-out board).
    pub fn shapes(
        &self,
        except: &HashSet<String>,
        filter: &atelier_shared::analysis::NoteFilter,
    ) -> Vec<Shape> {
        let items = self.items.borrow();
        let mut shapes: Vec<(bool, f64, Shape)> = items
            .iter()
            .filter(|(id, i)| drawable(&i.kind) && !except.contains(*id))
            .filter_map(|(_, i)| {
                let shape = match &i.ends {
                    Some(ends) => {
                        let ra = items.get(&ends.0)?.rect;
                        let rb = items.get(&ends.1)?.rect;
                        let (a, b) = (ra.center(), rb.center());
                        Shape::Line(
                            ra.exit_towards(b.0, b.1),
                            rb.exit_towards(a.0, a.1),
                            i.signal.with_untracked(|e| e.color.clone()),
                        )
                    }
                    None => i.signal.with_untracked(|e| match i.kind {
                        Kind::Frame => Shape::Frame(i.rect, e.text.clone(), e.color.clone()),
                        _ => Shape::Box(
                            i.rect,
                            Look {
                                kind: i.kind.clone(),
                                ellipse: e.shape == "ellipse",
                                color: e.color.clone(),
                                text: match &e.persona {
                                    Some(p) => p.name.clone(),
                                    None => e.text.clone(),
                                },
                                verbatim: e.source.origin == Some(atelier_shared::Origin::Verbatim),
                                dimmed: is_dimmed(e, filter),
                            },
                        ),
                    }),
                };
                Some((i.kind != Kind::Frame, i.stacking(), shape))
            })
            .collect();
        shapes.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        shapes.into_iter().map(|(_, _, s)| s).collect()
    }

    /// Re-reads `ids` from the document. Returns (layout, look): whether
    /// anything that moves elements on screen (geometry, order,
    /// membership) changed, and whether anything changed at all.
    fn refresh<T: ReadTxn>(
        &self,
        txn: &T,
        elements: &yrs::MapRef,
        ids: HashSet<String>,
    ) -> (bool, bool) {
        let mut items = self.items.borrow_mut();
        let mut layout = false;
        let mut look = false;
        for id in ids {
            let element = match yrs::Map::get(elements, txn, &id) {
                Some(Out::YMap(map)) => Some(Element::read(txn, &id, &map)),
                _ => None,
            };
            match element {
                None => layout |= items.remove(&id).is_some(),
                Some(element) => {
                    let ends = match (&element.kind, &element.from, &element.to) {
                        (Kind::Connector, Some(a), Some(b)) => Some((a.clone(), b.clone())),
                        _ => None,
                    };
                    match items.get_mut(&id) {
                        Some(item) => {
                            layout |= item.rect != element.rect()
                                || item.z != element.z
                                || item.kind != element.kind
                                || item.parent != element.parent
                                || item.ends != ends;
                            item.rect = element.rect();
                            item.z = element.z;
                            item.kind = element.kind.clone();
                            item.parent = element.parent.clone();
                            item.ends = ends;
                            item.cites = !element.cites.is_empty();
                            if item.signal.with_untracked(|old| *old != element) {
                                look = true;
                                item.signal.set(element);
                            }
                        }
                        None => {
                            layout = true;
                            items.insert(
                                id,
                                Item {
                                    rect: element.rect(),
                                    z: element.z,
                                    kind: element.kind.clone(),
                                    parent: element.parent.clone(),
                                    ends,
                                    cites: !element.cites.is_empty(),
                                    signal: ArcRwSignal::new(element),
                                },
                            );
                        }
                    }
                }
            }
        }
        (layout, look)
    }
}

/// Whether the notes filter leaves `e` out (only notes are filtered).
pub fn is_dimmed(e: &Element, filter: &atelier_shared::analysis::NoteFilter) -> bool {
    e.kind == Kind::Note && !filter.is_empty() && !filter.matches(&e.source)
}

fn drawable(kind: &Kind) -> bool {
    !matches!(kind, Kind::Other(_))
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
    ) {
        let (moved, changed) = self.scene.refresh(txn, elements, ids);
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
            model.refresh_remote(txn, &observed, ids);
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
    /// The templates menu is open.
    pub templates: RwSignal<bool>,
    /// The export menu is open.
    pub exports: RwSignal<bool>,
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
