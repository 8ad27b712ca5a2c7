//! Atelier's web app: the pages, mounted on `<body>` when the WebAssembly
//! module starts. The board page keeps its own yrs document, synced over
//! the server's websocket by [`sync`].

mod api;
mod board;
mod board_page;
mod dialog;
mod home;
mod lang;
mod sync;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::lang::{tr, ui_lang};

/// Which page a path shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    Home,
    Board(String),
    NotFound,
}

impl Page {
    pub fn from_path(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "" => Page::Home,
            other => match other.strip_prefix("/b/") {
                Some(id) if id.parse::<atelier_shared::BoardId>().is_ok() => {
                    Page::Board(id.to_owned())
                }
                _ => Page::NotFound,
            },
        }
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    let path = window().location().pathname().unwrap_or_default();
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", ui_lang().code());
    }
    let page = Page::from_path(&path);
    leptos::mount::mount_to_body(move || {
        let page = match page.clone() {
            Page::Home => home::Home().into_any(),
            Page::Board(id) => view! { <board_page::BoardPage id=id/> }.into_any(),
            Page::NotFound => view! {
                <main class="empty-page">
                    <h1>{tr("This board does not exist", "Ce tableau n'existe pas")}</h1>
                    <a class="button" href="/">{tr("Back to boards", "Retour aux tableaux")}</a>
                </main>
            }
            .into_any(),
        };
        view! {
            {page}
            <dialog::Confirmations/>
        }
    });
}
