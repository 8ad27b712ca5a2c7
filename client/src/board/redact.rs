//! Redacting a span of a note (facilitators): the note's text in a panel,
//! the words to hide selected in it; the server counts where they are
//! (the note, the versions), then, once confirmed, replaces them with
//! `█████` in the board, its versions and history, and on its disk.

use leptos::prelude::*;

use super::model::{model, ui};
use crate::lang::{plural, tr, ui_lang};
use atelier_shared::templates::Lang;

/// The panel for the note being redacted (`ui.redacting`).
pub fn panel() -> impl IntoView {
    let ui = ui();
    let note = ui.redacting.get_untracked().unwrap_or_default();
    let text = model().scene.get(&note).map(|e| e.text).unwrap_or_default();
    let area = NodeRef::<leptos::html::Textarea>::new();
    let node = NodeRef::<leptos::html::Aside>::new();
    crate::dialog::behave(node, move || ui.redacting.set(None));
    let redact = move |_| {
        let Some(area) = area.get_untracked() else {
            return;
        };
        let (start, end) = (
            area.selection_start().ok().flatten().unwrap_or(0),
            area.selection_end().ok().flatten().unwrap_or(0),
        );
        // The selection's bounds count UTF-16 units, as the page does.
        let span: String = js_sys::JsString::from(area.value())
            .substring(start, end)
            .into();
        if span.trim().is_empty() {
            ui.toast.set(Some(
                tr(
                    "Select the words to redact first",
                    "Sélectionnez d'abord les mots à masquer",
                )
                .to_owned(),
            ));
            return;
        }
        let board = super::history::board_id();
        let note = note.clone();
        leptos::task::spawn_local(async move {
            let counted = match crate::api::redact(&board, &note, &span, false).await {
                Ok(counted) => counted,
                Err(e) => return ui.toast.set(Some(e)),
            };
            let versions = plural(counted.versions, "version", "versions");
            let question = match ui_lang() {
                Lang::En => format!(
                    "Redact “{span}” ({} in the note{})? It becomes █████ on the board, in its versions and history and in every export. This cannot be undone.",
                    plural(counted.notes, "time", "times"),
                    if counted.versions == 0 {
                        String::new()
                    } else {
                        format!(", and in {versions}")
                    },
                ),
                Lang::Fr => format!(
                    "Masquer « {span} » ({} dans la note{}) ? Le texte devient █████ sur le tableau, dans ses versions et son historique et dans tous les exports. C'est définitif.",
                    plural(counted.notes, "fois", "fois"),
                    if counted.versions == 0 {
                        String::new()
                    } else {
                        format!(", et dans {versions}")
                    },
                ),
            };
            crate::dialog::confirm(question, tr("Redact", "Masquer"), move || {
                leptos::task::spawn_local(async move {
                    let said = crate::api::redact(&board, &note, &span, true)
                        .await
                        .map(|_| tr("Redacted everywhere", "Masqué partout").to_owned());
                    ui.redacting.set(None);
                    ui.toast.set(Some(said.unwrap_or_else(|e| e)));
                });
            });
        });
    };
    view! {
        <aside class="comments-panel redact-panel" aria-label=tr("Redact", "Masquer") node_ref=node
            on:pointerdown=|ev| ev.stop_propagation()>
            <div class="panel-head">
                <h3>{tr("Redact part of the note", "Masquer une partie de la note")}</h3>
                <button class="dialog-close" title=tr("Close", "Fermer") aria-label=tr("Close", "Fermer")
                    on:click=move |_| ui.redacting.set(None)>"×"</button>
            </div>
            <p class="comments-subject">{tr(
                "Verbatims are personal data: select what must not be kept (a name, an address, a phone number).",
                "Les verbatims sont des données personnelles : sélectionnez ce qui ne doit pas être gardé (un nom, une adresse, un numéro).",
            )}</p>
            <textarea class="comment-new redact-text" rows="6" readonly node_ref=area prop:value=text></textarea>
            <button class="button primary" data-action="redact-selection" on:click=redact>
                {tr("Redact the selection…", "Masquer la sélection…")}
            </button>
        </aside>
    }
}
