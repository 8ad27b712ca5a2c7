//! The elements of a board: typed reads and writes over the `elements` map.
//!
//! Each element is a Y.Map under its id. Reads are forgiving (a missing or
//! mistyped field reads as its default, an unknown `type` is kept as
//! [`Kind::Other`]); writes touch only the keys they name, so fields this
//! version does not know survive every edit. The contract is documented in
//! `docs/board-schema.md`.

use yrs::types::text::TextPrelim;
use yrs::{Any, GetString, Map, MapPrelim, MapRef, Out, ReadTxn, TransactionMut};

use crate::interview::Source;
use crate::journey::Journey;
use crate::persona::Persona;

/// The largest coordinate, size or stacking order read from a board.
pub const MAX_COORD: f64 = 1e7;

/// What an element is (its `type`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Note,
    Text,
    Shape,
    Connector,
    Frame,
    /// A persona card (see `persona.rs`).
    Persona,
    /// A customer journey map (see `journey.rs`).
    Journey,
    /// A type written by a newer or foreign client: kept, not drawn.
    #[serde(untagged)]
    Other(String),
}

impl Kind {
    pub fn parse(s: &str) -> Kind {
        match s {
            "note" => Kind::Note,
            "text" => Kind::Text,
            "shape" => Kind::Shape,
            "connector" => Kind::Connector,
            "frame" => Kind::Frame,
            "persona" => Kind::Persona,
            "journey" => Kind::Journey,
            other => Kind::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Kind::Note => "note",
            Kind::Text => "text",
            Kind::Shape => "shape",
            Kind::Connector => "connector",
            Kind::Frame => "frame",
            Kind::Persona => "persona",
            Kind::Journey => "journey",
            Kind::Other(s) => s,
        }
    }
}

/// One element as read from the document (or as copied to the clipboard).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Element {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub z: f64,
    pub color: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub created: i64,
    /// `rect`, `ellipse`, … for shapes; empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shape: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// For a template's frames: what the frame is (`empathy-map`) or which
    /// of its zones (`empathy-map/says`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub zone: String,
    /// For interview notes: verbatim or observation, who said it, who
    /// collected it, tags.
    #[serde(default, skip_serializing_if = "Source::is_empty")]
    pub source: Source,
    /// The notes this element cites as its evidence (an empathy-map item
    /// that sums up what interviewees said).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
    /// For persona cards: the persona.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<Box<Persona>>,
    /// For journey maps: the map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journey: Option<Box<Journey>>,
    /// For an image (a shape `image`): the id of the picture the board
    /// keeps (see [`is_image_id`]); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image: String,
}

/// Whether `id` names an image a board keeps: 32 lowercase hex digits
/// (the first half of its bytes' SHA-256). Anything else is read as no
/// image, so a document cannot make a page fetch an address of its
/// choosing.
pub fn is_image_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Element {
    /// A new element of `kind` at (`x`, `y`) with the default size and
    /// colour for its kind.
    pub fn new(id: impl Into<String>, kind: Kind, x: f64, y: f64) -> Element {
        let (w, h, color) = match kind {
            Kind::Note => (160.0, 160.0, NOTE_COLORS[0].1),
            Kind::Text => (240.0, 48.0, "#1f2430"),
            Kind::Shape => (200.0, 120.0, "#dbeafe"),
            Kind::Frame => (960.0, 640.0, "#ffffff"),
            Kind::Persona => (760.0, 760.0, "#e4572e"),
            Kind::Journey => (1108.0, 760.0, "#2a9d8f"),
            Kind::Connector | Kind::Other(_) => (0.0, 0.0, "#5b6272"),
        };
        let persona = (kind == Kind::Persona).then(|| Box::new(Persona::blank()));
        Element {
            id: id.into(),
            shape: if kind == Kind::Shape {
                "rect".into()
            } else {
                String::new()
            },
            kind,
            x,
            y,
            w,
            h,
            z: 0.0,
            color: color.into(),
            text: String::new(),
            parent: None,
            author: String::new(),
            created: 0,
            from: None,
            to: None,
            persona,
            journey: None,
            zone: String::new(),
            source: Source::default(),
            cites: Vec::new(),
            image: String::new(),
        }
    }

    /// Reads the element stored as `map` under `id`. Numbers are kept
    /// within ±[`MAX_COORD`], so geometry arithmetic stays finite whatever
    /// another client wrote.
    pub fn read<T: ReadTxn>(txn: &T, id: &str, map: &MapRef) -> Element {
        let num = |key| match map.get(txn, key) {
            Some(Out::Any(Any::Number(yrs::any::Number::Float(n)))) if n.is_finite() => {
                n.clamp(-MAX_COORD, MAX_COORD)
            }
            Some(Out::Any(Any::Number(yrs::any::Number::Int(n)))) => {
                (n as f64).clamp(-MAX_COORD, MAX_COORD)
            }
            _ => 0.0,
        };
        let string = |key| match map.get(txn, key) {
            Some(Out::Any(Any::String(s))) => s.to_string(),
            Some(Out::YText(t)) => t.get_string(txn),
            _ => String::new(),
        };
        let opt = |key| Some(string(key)).filter(|s| !s.is_empty());
        Element {
            id: id.to_owned(),
            kind: Kind::parse(&string("type")),
            x: num("x"),
            y: num("y"),
            w: num("w").max(0.0),
            h: num("h").max(0.0),
            z: num("z"),
            color: string("color"),
            text: string("text"),
            parent: opt("parent"),
            author: string("author"),
            created: match map.get(txn, "created") {
                Some(Out::Any(Any::Number(yrs::any::Number::Float(n)))) if n.is_finite() => {
                    n as i64
                }
                Some(Out::Any(Any::Number(yrs::any::Number::Int(n)))) => n,
                _ => 0,
            },
            shape: string("shape"),
            from: opt("from"),
            to: opt("to"),
            zone: string("zone"),
            source: Source::read(txn, map),
            cites: crate::ymap::ids(txn, map.get(txn, "cites")),
            persona: (string("type") == "persona").then(|| Box::new(Persona::read(txn, map))),
            journey: (string("type") == "journey").then(|| Box::new(Journey::read(txn, map))),
            image: Some(string("image"))
                .filter(|i| is_image_id(i))
                .unwrap_or_default(),
        }
    }

    /// The element's rectangle (`x`, `y`, `w`, `h`).
    pub fn rect(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }
}

/// An axis-aligned rectangle in board units.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The smallest rectangle holding both corners.
    pub fn spanning(ax: f64, ay: f64, bx: f64, by: f64) -> Rect {
        Rect {
            x: ax.min(bx),
            y: ay.min(by),
            w: (ax - bx).abs(),
            h: (ay - by).abs(),
        }
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Where the segment from the centre towards `(tx, ty)` leaves the
    /// rectangle (the target itself when it is inside): a connector's end,
    /// the same on the live board and in the exported picture.
    pub fn exit_towards(&self, tx: f64, ty: f64) -> (f64, f64) {
        let (cx, cy) = self.center();
        let (dx, dy) = (tx - cx, ty - cy);
        let reach = |half: f64, d: f64| {
            if d != 0.0 {
                half / d.abs()
            } else {
                f64::INFINITY
            }
        };
        let s = reach(self.w / 2.0, dx)
            .min(reach(self.h / 2.0, dy))
            .min(1.0);
        (cx + dx * s, cy + dy * s)
    }

    pub fn intersects(&self, other: &Rect) -> bool {
        self.x <= other.right()
            && other.x <= self.right()
            && self.y <= other.bottom()
            && other.y <= self.bottom()
    }

    pub fn contains(&self, other: &Rect) -> bool {
        self.x <= other.x
            && self.y <= other.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// The same size with its top-left corner at (`x`, `y`).
    pub fn at(&self, x: f64, y: f64) -> Rect {
        Rect { x, y, ..*self }
    }

    /// The part the two have in common, if any.
    pub fn intersection(&self, other: &Rect) -> Option<Rect> {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        (x <= right && y <= bottom).then_some(Rect {
            x,
            y,
            w: right - x,
            h: bottom - y,
        })
    }

    pub fn contains_point(&self, x: f64, y: f64) -> bool {
        self.x <= x && x <= self.right() && self.y <= y && y <= self.bottom()
    }

    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect {
            x,
            y,
            w: self.right().max(other.right()) - x,
            h: self.bottom().max(other.bottom()) - y,
        }
    }

    pub fn grow(&self, by: f64) -> Rect {
        Rect {
            x: self.x - by,
            y: self.y - by,
            w: self.w + 2.0 * by,
            h: self.h + 2.0 * by,
        }
    }
}

/// `c` if it is a plain hex colour (`#rgb` or `#rrggbb`), else `fallback`:
/// what a document says is a colour goes into styles and pictures only
/// when it is one.
/// The readable font size of a note `w` × `h` (board units): 18 on a
/// default note, larger on larger ones. Every view starts from it and
/// shrinks it only for a long text.
pub fn note_font(w: f64, h: f64) -> f64 {
    (w.min(h) / 9.0).round().clamp(14.0, 28.0)
}

pub fn color_or<'a>(c: &'a str, fallback: &'a str) -> &'a str {
    if is_hex_color(c) { c } else { fallback }
}

/// Whether `c` is a plain hex colour (`#rgb` or `#rrggbb`).
pub fn is_hex_color(c: &str) -> bool {
    let hex = c.strip_prefix('#').unwrap_or("");
    matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// The sticky-note palette: (name, colour), the first is the default.
pub const NOTE_COLORS: [(&str, &str); 8] = [
    ("Yellow", "#fff3a3"),
    ("Orange", "#ffd2a8"),
    ("Pink", "#ffc9de"),
    ("Violet", "#e0d4ff"),
    ("Blue", "#c9e4ff"),
    ("Teal", "#bff0e4"),
    ("Green", "#d6f5b8"),
    ("Grey", "#e8e6e1"),
];

/// Writes to the `elements` map. Every method touches only the keys it
/// names; a missing element is left missing (a concurrent delete wins).
#[derive(Clone)]
pub struct Elements {
    map: MapRef,
}

impl Elements {
    pub fn new(map: MapRef) -> Elements {
        Elements { map }
    }

    pub fn map(&self) -> &MapRef {
        &self.map
    }

    /// Every element of the board.
    pub fn all<T: ReadTxn>(&self, txn: &T) -> Vec<Element> {
        self.map
            .iter(txn)
            .filter_map(|(id, value)| match value {
                Out::YMap(map) => Some(Element::read(txn, id, &map)),
                _ => None,
            })
            .collect()
    }

    pub fn get<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<Element> {
        match self.map.get(txn, id)? {
            Out::YMap(map) => Some(Element::read(txn, id, &map)),
            _ => None,
        }
    }

    fn entry<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<MapRef> {
        match self.map.get(txn, id)? {
            Out::YMap(map) => Some(map),
            _ => None,
        }
    }

    /// Stores `element` (its text as a Y.Text) under its id.
    pub fn insert(&self, txn: &mut TransactionMut, element: &Element) {
        let mut fields: Vec<(&str, Any)> = vec![
            ("type", element.kind.as_str().into()),
            ("x", element.x.into()),
            ("y", element.y.into()),
            ("w", element.w.into()),
            ("h", element.h.into()),
            ("z", element.z.into()),
            ("color", element.color.as_str().into()),
            ("author", element.author.as_str().into()),
            ("created", (element.created as f64).into()),
        ];
        let optional = [
            ("parent", element.parent.as_deref()),
            (
                "shape",
                Some(element.shape.as_str()).filter(|s| !s.is_empty()),
            ),
            ("from", element.from.as_deref()),
            ("to", element.to.as_deref()),
            (
                "zone",
                Some(element.zone.as_str()).filter(|s| !s.is_empty()),
            ),
            (
                "image",
                Some(element.image.as_str()).filter(|i| is_image_id(i)),
            ),
        ];
        fields.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| Some((k, Any::from(v?)))),
        );
        fields.extend(element.source.fields());
        let prelim: MapPrelim = fields.into_iter().collect();
        let map = self.map.insert(txn, element.id.as_str(), prelim);
        map.insert(txn, "text", TextPrelim::new(element.text.as_str()));
        if !element.cites.is_empty() {
            crate::ymap::add_ids(txn, &map, "cites", &element.cites);
        }
        if let Some(persona) = &element.persona {
            persona.write(txn, &map);
        }
        if let Some(journey) = &element.journey {
            journey.write(txn, &map);
        }
    }

    pub fn remove(&self, txn: &mut TransactionMut, id: &str) {
        self.map.remove(txn, id);
    }

    /// Element `id` cites `notes` too (each once, whoever cites at the same
    /// time).
    pub fn cite(&self, txn: &mut TransactionMut, id: &str, notes: &[String]) {
        if let Some(map) = self.entry(txn, id) {
            crate::ymap::add_ids(txn, &map, "cites", notes);
        }
    }

    /// Element `id` no longer cites `note`.
    pub fn uncite(&self, txn: &mut TransactionMut, id: &str, note: &str) {
        if let Some(map) = self.entry(txn, id) {
            crate::ymap::remove_id(txn, &map, "cites", note);
        }
    }

    /// Sets a number field (`x`, `y`, `w`, `h`, `z`, …).
    pub fn set_number(&self, txn: &mut TransactionMut, id: &str, key: &str, value: f64) {
        if let Some(map) = self.entry(txn, id) {
            map.insert(txn, key, value);
        }
    }

    /// Moves and resizes in one go, writing only the fields that changed.
    pub fn set_rect(&self, txn: &mut TransactionMut, id: &str, rect: Rect) {
        let Some(current) = self.get(txn, id) else {
            return;
        };
        let Some(map) = self.entry(txn, id) else {
            return;
        };
        for (key, old, new) in [
            ("x", current.x, rect.x),
            ("y", current.y, rect.y),
            ("w", current.w, rect.w),
            ("h", current.h, rect.h),
        ] {
            if old != new {
                map.insert(txn, key, new);
            }
        }
    }

    /// Sets a string field (`color`, `shape`, `from`, …).
    pub fn set_string(&self, txn: &mut TransactionMut, id: &str, key: &str, value: &str) {
        if let Some(map) = self.entry(txn, id) {
            map.insert(txn, key, value);
        }
    }

    /// Sets or clears the frame an element belongs to.
    pub fn set_parent(&self, txn: &mut TransactionMut, id: &str, parent: Option<&str>) {
        if let Some(map) = self.entry(txn, id) {
            match parent {
                Some(p) => {
                    map.insert(txn, "parent", p);
                }
                None => {
                    map.remove(txn, "parent");
                }
            }
        }
    }

    /// Makes the element's text `new` with the smallest edit: the common
    /// prefix and suffix stay, so concurrent typing elsewhere in the same
    /// text merges character by character. A plain-string `text` written by
    /// a foreign client becomes a Y.Text.
    pub fn edit_text(&self, txn: &mut TransactionMut, id: &str, new: &str) {
        if let Some(map) = self.entry(txn, id) {
            crate::ymap::edit_text_in(txn, &map, "text", new);
        }
    }
}

/// The element ids a transaction touched, from a deep observer's events on
/// the `elements` map.
pub fn touched(
    txn: &yrs::TransactionMut,
    events: &yrs::types::Events,
) -> std::collections::HashSet<String> {
    use yrs::types::{Event, PathSegment};
    let mut ids = std::collections::HashSet::new();
    for event in events.iter() {
        match event.path().front() {
            Some(PathSegment::Key(id)) => {
                ids.insert(id.to_string());
            }
            Some(PathSegment::Index(_)) => {}
            None => {
                if let Event::Map(map) = event {
                    ids.extend(map.keys(txn).keys().map(|key| key.to_string()));
                }
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Options, Transact};

    fn doc(client: u64) -> Doc {
        Doc::with_options(Options {
            client_id: yrs::block::ClientID::new(client),
            offset_kind: yrs::OffsetKind::Utf16,
            ..Options::default()
        })
    }

    use crate::testing::sync;

    #[test]
    fn two_people_citing_notes_in_one_item_at_once_keep_both() {
        let (a, b) = (doc(1), doc(2));
        let mut item = Element::new("s", Kind::Note, 0.0, 0.0);
        item.cites = vec!["n1".into()];
        Elements::new(a.get_or_insert_map("elements")).insert(&mut a.transact_mut(), &item);
        sync(&a, &b);
        let (ea, eb) = (
            Elements::new(a.get_or_insert_map("elements")),
            Elements::new(b.get_or_insert_map("elements")),
        );
        ea.cite(&mut a.transact_mut(), "s", &["n2".into(), "n1".into()]);
        eb.cite(&mut b.transact_mut(), "s", &["n3".into()]);
        sync(&a, &b);
        for (d, e) in [(&a, &ea), (&b, &eb)] {
            let mut cites = e.get(&d.transact(), "s").unwrap().cites;
            cites.sort();
            assert_eq!(cites, ["n1", "n2", "n3"]);
        }
        ea.uncite(&mut a.transact_mut(), "s", "n1");
        assert_eq!(ea.get(&a.transact(), "s").unwrap().cites, ["n2", "n3"]);
    }

    #[test]
    fn elements_round_trip() {
        let doc = doc(1);
        let elements = Elements::new(doc.get_or_insert_map("elements"));
        let mut note = Element::new("n1", Kind::Note, 10.0, 20.0);
        note.text = "Le client rappelle trois fois".into();
        note.author = "Ana".into();
        note.created = 1_700_000_000_000;
        let mut arrow = Element::new("c1", Kind::Connector, 0.0, 0.0);
        arrow.from = Some("n1".into());
        arrow.to = Some("n2".into());
        {
            let mut txn = doc.transact_mut();
            elements.insert(&mut txn, &note);
            elements.insert(&mut txn, &arrow);
        }
        let txn = doc.transact();
        assert_eq!(elements.get(&txn, "n1"), Some(note));
        assert_eq!(elements.get(&txn, "c1"), Some(arrow));
        assert_eq!(elements.all(&txn).len(), 2);
    }

    #[test]
    fn unknown_types_and_fields_survive_edits() {
        let doc = doc(1);
        let map = doc.get_or_insert_map("elements");
        let elements = Elements::new(map.clone());
        {
            let mut txn = doc.transact_mut();
            let foreign: MapPrelim = [
                ("type", Any::from("hologram")),
                ("x", Any::from("not a number")),
                ("sparkle", Any::from(true)),
            ]
            .into_iter()
            .collect();
            map.insert(&mut txn, "h1", foreign);
            map.insert(&mut txn, "junk", 42);
        }
        let read = elements.get(&doc.transact(), "h1").unwrap();
        assert_eq!(read.kind, Kind::Other("hologram".into()));
        assert_eq!(read.x, 0.0);
        assert_eq!(elements.get(&doc.transact(), "junk"), None);

        elements.set_rect(
            &mut doc.transact_mut(),
            "h1",
            Rect {
                x: 5.0,
                y: 6.0,
                w: 7.0,
                h: 8.0,
            },
        );
        let txn = doc.transact();
        let Some(Out::YMap(entry)) = map.get(&txn, "h1") else {
            panic!("h1 is gone")
        };
        assert_eq!(entry.get(&txn, "sparkle"), Some(Out::Any(Any::Bool(true))));
        assert_eq!(elements.get(&txn, "h1").unwrap().x, 5.0);
        assert!(map.get(&txn, "junk").is_some());
    }

    #[test]
    fn concurrent_typing_in_one_note_merges() {
        let (a, b) = (doc(1), doc(2));
        let ea = Elements::new(a.get_or_insert_map("elements"));
        let eb = Elements::new(b.get_or_insert_map("elements"));
        let mut note = Element::new("n", Kind::Note, 0.0, 0.0);
        note.text = "Délai trop long".into();
        ea.insert(&mut a.transact_mut(), &note);
        sync(&a, &b);

        ea.edit_text(&mut a.transact_mut(), "n", "Délai 🙁 trop long");
        eb.edit_text(&mut b.transact_mut(), "n", "Délai trop long !");
        sync(&a, &b);
        let text_a = ea.get(&a.transact(), "n").unwrap().text;
        assert_eq!(text_a, "Délai 🙁 trop long !");
        assert_eq!(eb.get(&b.transact(), "n").unwrap().text, text_a);
    }

    #[test]
    fn huge_numbers_are_clamped_and_times_kept() {
        let doc = doc(1);
        let map = doc.get_or_insert_map("elements");
        {
            let mut txn = doc.transact_mut();
            let prelim: MapPrelim = [
                ("type", Any::from("note")),
                ("x", Any::from(1e308)),
                ("w", Any::from(-1e308)),
                ("created", Any::from(1_795_000_000_000.0)),
            ]
            .into_iter()
            .collect();
            map.insert(&mut txn, "n", prelim);
        }
        let e = Elements::new(map).get(&doc.transact(), "n").unwrap();
        assert_eq!((e.x, e.w), (MAX_COORD, 0.0));
        assert!(e.rect().right().is_finite());
        assert_eq!(e.created, 1_795_000_000_000);
    }

    #[test]
    fn plain_string_text_becomes_a_y_text() {
        let doc = doc(1);
        let map = doc.get_or_insert_map("elements");
        let elements = Elements::new(map.clone());
        {
            let mut txn = doc.transact_mut();
            let prelim: MapPrelim = [("text", Any::from("old"))].into_iter().collect();
            map.insert(&mut txn, "n", prelim);
        }
        assert_eq!(elements.get(&doc.transact(), "n").unwrap().text, "old");
        elements.edit_text(&mut doc.transact_mut(), "n", "new");
        let txn = doc.transact();
        assert_eq!(elements.get(&txn, "n").unwrap().text, "new");
        let Some(Out::YMap(entry)) = map.get(&txn, "n") else {
            panic!()
        };
        assert!(matches!(entry.get(&txn, "text"), Some(Out::YText(_))));
    }

    #[test]
    fn a_connector_leaves_a_box_at_its_edge_or_ends_at_a_target_inside() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 50.0,
        };
        assert_eq!(r.exit_towards(300.0, 25.0), (100.0, 25.0));
        assert_eq!(r.exit_towards(50.0, -100.0), (50.0, 0.0));
        assert_eq!(r.exit_towards(60.0, 30.0), (60.0, 30.0));
        assert_eq!(r.exit_towards(50.0, 25.0), (50.0, 25.0));
    }

    #[test]
    fn only_plain_hex_colours_pass() {
        assert_eq!(color_or("#A0b", "x"), "#A0b");
        assert_eq!(color_or("#a0b1c2", "x"), "#a0b1c2");
        for bad in ["red", "#12", "#1234", "#ggg", "url(x)", "", "#a0b1c2;x"] {
            assert_eq!(color_or(bad, "x"), "x", "{bad}");
        }
    }

    #[test]
    fn rect_geometry() {
        let a = Rect::spanning(10.0, 10.0, 0.0, 0.0);
        assert_eq!(
            a,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 10.0,
                h: 10.0
            }
        );
        let b = Rect {
            x: 5.0,
            y: 5.0,
            w: 10.0,
            h: 10.0,
        };
        assert!(a.intersects(&b));
        assert_eq!(
            a.intersection(&b),
            Some(Rect::spanning(5.0, 5.0, 10.0, 10.0))
        );
        assert_eq!(a.intersection(&Rect::spanning(20.0, 0.0, 30.0, 5.0)), None);
        assert!(!a.contains(&b));
        assert!(a.union(&b).contains(&b));
        assert!(!a.intersects(&Rect {
            x: 11.0,
            y: 0.0,
            w: 1.0,
            h: 1.0
        }));
        assert_eq!(a.center(), (5.0, 5.0));
    }
}
