//! Typed access to a board document.
//!
//! The schema is a public contract (any Yjs client may read and write it):
//! the root map `meta` holds `title`, `template`, `created` (ms since the
//! epoch) and `lang`; the root map `elements` holds the board's elements by id;
//! the root map `interviews` how each interview was run (see `tracker.rs`).
//! Unknown keys are kept and ignored.

use yrs::{Any, Doc, Map, MapRef, Out, ReadTxn, TransactionMut};

use crate::element::Elements;

/// Board metadata as stored in the document's `meta` map.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BoardMeta {
    pub title: String,
    pub template: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created: i64,
    /// The language of its template texts (`en`, `fr`), chosen at creation.
    #[serde(default)]
    pub lang: String,
}

/// A board as the JSON API lists it (`GET /api/boards`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BoardInfo {
    pub id: String,
    pub title: String,
    pub template: String,
    /// Creation time, ms since the Unix epoch.
    pub created: i64,
    /// Time of the last stored change, ms since the Unix epoch.
    pub updated: i64,
}

/// Handles to the root types of one board document.
#[derive(Clone)]
pub struct Board {
    meta: MapRef,
    elements: Elements,
    interviews: MapRef,
}

impl Board {
    pub fn new(doc: &Doc) -> Board {
        Board {
            meta: doc.get_or_insert_map("meta"),
            elements: Elements::new(doc.get_or_insert_map("elements")),
            interviews: doc.get_or_insert_map("interviews"),
        }
    }

    pub fn elements(&self) -> &Elements {
        &self.elements
    }

    /// How each interview was run (see [`crate::tracker`]).
    pub fn interviews(&self) -> &MapRef {
        &self.interviews
    }

    /// Writes all of `meta` (a board's first change, made by its creator).
    pub fn init(&self, txn: &mut TransactionMut, meta: &BoardMeta) {
        self.set_title(txn, &meta.title);
        self.meta
            .insert(txn, "template", Any::from(meta.template.as_str()));
        self.meta.insert(txn, "created", Any::from(meta.created));
        if !meta.lang.is_empty() {
            self.meta.insert(txn, "lang", Any::from(meta.lang.as_str()));
        }
    }

    pub fn set_title(&self, txn: &mut TransactionMut, title: &str) {
        self.meta.insert(txn, "title", Any::from(title));
    }

    /// The metadata as far as it is present; missing or mistyped fields are
    /// left at their defaults rather than failing.
    pub fn meta<T: ReadTxn>(&self, txn: &T) -> BoardMeta {
        let string = |key| match self.meta.get(txn, key) {
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        };
        let created = match self.meta.get(txn, "created") {
            Some(Out::Any(Any::Number(n))) => n.as_i64().unwrap_or_default(),
            _ => 0,
        };
        BoardMeta {
            title: string("title"),
            template: string("template"),
            created,
            lang: string("lang"),
        }
    }

    /// How many elements the board holds.
    pub fn element_count<T: ReadTxn>(&self, txn: &T) -> u32 {
        self.elements.map().len(txn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::Transact;

    #[test]
    fn meta_round_trips_and_tolerates_garbage() {
        let doc = Doc::new();
        let board = Board::new(&doc);
        let meta = BoardMeta {
            title: "Parcours sinistre".into(),
            template: "journey".into(),
            created: 1_700_000_000_000,
            lang: "fr".into(),
        };
        board.init(&mut doc.transact_mut(), &meta);
        assert_eq!(board.meta(&doc.transact()), meta);

        // A foreign client writes a number where a title belongs: read as empty.
        let other = Doc::new();
        other
            .get_or_insert_map("meta")
            .insert(&mut other.transact_mut(), "title", 42);
        assert_eq!(Board::new(&other).meta(&other.transact()).title, "");
    }
}
