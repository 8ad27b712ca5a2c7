//! What the board loads on demand: panels opened now and then, each a
//! `#[lazy]` function that `cargo xtask web` splits out of the first load
//! into a WebAssembly chunk of its own, fetched the first time the panel
//! opens (then kept). The first load stays within its budget however many
//! such panels the board grows.

use leptos::prelude::*;

/// The import dialog (notes from a file, a paste, an export).
#[lazy]
pub fn import_dialog() -> AnyView {
    view! { <super::import::ImportDialog/> }.into_any()
}

/// The history panel: versions, compare, view, restore.
#[lazy]
pub fn history_panel() -> AnyView {
    super::history::panel().into_any()
}

/// The outline: the board read as a list.
#[lazy]
pub fn outline_panel() -> AnyView {
    super::outline::panel().into_any()
}
