//! The projection of the board's `elements` map: one signal per element
//! (what views read) and its geometry (what culling, hit-testing and the
//! canvases read, without cloning).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use atelier_shared::{Element, Kind, Rect};
use leptos::prelude::*;
use yrs::{Out, ReadTxn};

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
    /// A frame: its box, title and fill, and whether it is Kano's plane
    /// (its axes and curves drawn on it).
    Frame(Rect, String, String, bool),
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
        // In reading order, as Tab and screen readers go: frame by frame
        // (a frame, then what it holds), each by rows, then columns.
        hits.sort_by_cached_key(|id| (Self::reading_key(&items, id), (*id).clone()));
        hits.into_iter().cloned().collect()
    }

    /// Where element `id` comes when reading the board: its frames' places
    /// from the outermost, then its own, each (row of 40 units, x).
    fn reading_key(items: &HashMap<String, Item>, id: &str) -> Vec<(i64, i64)> {
        let mut chain = Vec::new();
        let mut at = items.get(id);
        while let Some(item) = at {
            chain.push((
                (item.rect.y / 40.0).floor() as i64,
                item.rect.x.floor() as i64,
            ));
            if chain.len() > 16 {
                break;
            }
            at = item.parent.as_deref().and_then(|p| items.get(p));
        }
        chain.reverse();
        chain
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

    /// Every element drawn at the point but frames and connectors, the
    /// one on top first.
    pub fn all_at(&self, x: f64, y: f64) -> Vec<String> {
        let items = self.items.borrow();
        let mut hits: Vec<(&String, f64)> = items
            .iter()
            .filter(|(_, i)| {
                drawable(&i.kind)
                    && i.kind != Kind::Frame
                    && i.ends.is_none()
                    && i.rect.contains_point(x, y)
            })
            .map(|(id, i)| (id, i.stacking()))
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1));
        hits.into_iter().map(|(id, _)| id.clone()).collect()
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
                        Kind::Frame => Shape::Frame(
                            i.rect,
                            e.text.clone(),
                            e.color.clone(),
                            e.zone == atelier_shared::kano::PLANE,
                        ),
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
    pub(super) fn refresh<T: ReadTxn>(
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

    /// The elements `ids` stand for when copied: them, their frames' content
    /// and the connectors between them.
    pub fn copy_set(&self, ids: &HashSet<String>) -> Vec<Element> {
        let mut all = ids.clone();
        all.extend(self.children(ids));
        let links = self.connectors_of(&all);
        all.extend(links);
        let mut elements: Vec<Element> = all.iter().filter_map(|id| self.get(id)).collect();
        // A connector comes along only with both of its ends.
        let present: HashSet<String> = elements.iter().map(|e| e.id.clone()).collect();
        elements.retain(|e| match (&e.from, &e.to) {
            (Some(a), Some(b)) if e.kind == Kind::Connector => {
                present.contains(a) && present.contains(b)
            }
            _ => true,
        });
        elements.sort_unstable_by(|a, b| a.z.total_cmp(&b.z).then_with(|| a.id.cmp(&b.id)));
        elements
    }
}

/// Whether the notes filter leaves `e` out (only notes are filtered).
pub fn is_dimmed(e: &Element, filter: &atelier_shared::analysis::NoteFilter) -> bool {
    e.kind == Kind::Note && !filter.is_empty() && !filter.matches(&e.source)
}

fn drawable(kind: &Kind) -> bool {
    !matches!(kind, Kind::Other(_))
}
