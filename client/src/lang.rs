//! The interface's language: the browser's, French or English, read once,
//! and `tr("English", "Français")` around every text the interface shows.

use std::sync::OnceLock;

use atelier_shared::templates::Lang;
use leptos::prelude::*;

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

/// What an element is, in the interface's language ("Note", "Cadre").
pub fn kind_word(kind: &atelier_shared::Kind) -> &'static str {
    use atelier_shared::Kind;
    match kind {
        Kind::Note => tr("Note", "Note"),
        Kind::Text => tr("Text", "Texte"),
        Kind::Shape => tr("Shape", "Forme"),
        Kind::Connector => tr("Connector", "Connecteur"),
        Kind::Frame => tr("Frame", "Cadre"),
        Kind::Persona => tr("Persona", "Persona"),
        Kind::Journey => tr("Journey map", "Parcours"),
        Kind::Other(_) => tr("Element", "Élément"),
    }
}
