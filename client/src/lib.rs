//! Atelier's web app: the pages, mounted on `<body>` when the WebAssembly
//! module starts. The board page keeps its own yrs document, synced over
//! the server's websocket by [`sync`].

mod api;
mod board;
mod board_page;
mod home;
mod sync;

use std::sync::OnceLock;

use atelier_shared::templates::Lang;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

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
    leptos::mount::mount_to_body(move || match page.clone() {
        Page::Home => home::Home().into_any(),
        Page::Board(id) => view! { <board_page::BoardPage id=id/> }.into_any(),
        Page::NotFound => view! {
            <main class="empty-page">
                <h1>{tr("This board does not exist", "Ce tableau n'existe pas")}</h1>
                <a class="button" href="/">{tr("Back to boards", "Retour aux tableaux")}</a>
            </main>
        }
        .into_any(),
    });
}

/// The language the browser asks for (French or English).
pub fn browser_lang() -> Lang {
    Lang::parse(&window().navigator().language().unwrap_or_default())
}

/// The language of the interface: the browser's, read once. (A board's
/// template texts have their own, chosen when it was created.)
pub fn ui_lang() -> Lang {
    static UI_LANG: OnceLock<Lang> = OnceLock::new();
    *UI_LANG.get_or_init(browser_lang)
}

/// `en` or `fr`, in the language of the interface.
pub fn tr(en: &'static str, fr: &'static str) -> &'static str {
    match ui_lang() {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// `n` and the word for it in the language of the interface: "1 note",
/// "2 notes"; in French 0 is singular too ("0 note").
pub fn plural(n: usize, one: &str, many: &str) -> String {
    let single = n == 1 || (n == 0 && ui_lang() == Lang::Fr);
    format!("{n} {}", if single { one } else { many })
}

/// The top bar's brand mark, shared by every page.
#[component]
fn Brand() -> impl IntoView {
    view! {
        <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true"></span>
            <span class="brand-name">"Atelier"</span>
        </a>
    }
}

/// `s` made safe inside HTML text and attribute values (the shared
/// escape, for the lists still written as HTML).
pub use atelier_shared::markup::escape as esc;

/// What an event hit: the nearest element matching `css`, from its target
/// up (for the handlers of lists written as HTML text).
pub fn hit(ev: &web_sys::Event, css: &str) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest(css).ok().flatten())
}
