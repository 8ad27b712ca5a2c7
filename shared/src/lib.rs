//! The board model and the y-websocket protocol glue shared by Atelier's
//! server and its WebAssembly client. Nothing here does I/O.
//!
//! A board is a [`yrs::Doc`]; [`Board`] gives typed access to it, and
//! [`protocol`] turns websocket frames into [`yrs::sync::Message`]s and back,
//! one message per frame as the JavaScript `y-websocket` client expects.
//!
//! ```
//! use atelier_shared::{protocol, Board, BoardId};
//! use yrs::{Doc, Transact};
//!
//! let id: BoardId = "persona-workshop".parse().unwrap();
//! assert!("../etc/passwd".parse::<BoardId>().is_err());
//!
//! let doc = Doc::new();
//! let board = Board::new(&doc);
//! board.set_title(&mut doc.transact_mut(), "Claims journey");
//!
//! // What a server sends first on a new connection: its state vector.
//! let frame = protocol::sync_step1(&doc);
//! let messages = protocol::decode_frame(&frame).unwrap();
//! assert_eq!(messages.len(), 1);
//! # let _ = id;
//! ```

pub mod analysis;
pub mod api;
mod board;
mod board_id;
pub mod clip;
pub mod comments;
mod element;
pub mod erase;
pub mod export;
pub mod facilitation;
pub mod history;
pub mod import;
mod interview;
pub mod journey;
pub mod kano;
mod lang;
pub mod markup;
pub mod migrate;
pub mod names;
pub mod notice;
pub mod persona;
pub mod protocol;
mod role;
pub mod script;
pub mod spreadsheet;
pub mod svg;
pub mod templates;
pub mod tracker;
mod ymap;

pub use board::{Board, BoardInfo, BoardMeta};
pub use board_id::{BoardId, BoardIdError};
pub use element::{
    Element, Elements, Kind, MAX_COORD, NOTE_COLORS, Rect, color_or, is_hex_color, is_image_id,
    note_font, touched,
};
pub use interview::{Origin, SOURCE_KEYS, Source, split_tags};
pub use lang::Lang;
pub use role::Role;
pub use ymap::diff;

#[cfg(test)]
pub(crate) mod testing {
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

    /// Brings two documents level, both ways.
    pub fn sync(a: &Doc, b: &Doc) {
        for (from, to) in [(a, b), (b, a)] {
            let update = from
                .transact()
                .encode_state_as_update_v1(&StateVector::default());
            to.transact_mut()
                .apply_update(Update::decode_v1(&update).unwrap())
                .unwrap();
        }
    }
}
