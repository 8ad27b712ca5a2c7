//! Tagging notes with the needs they show: SPECIFIC (what the solution
//! must do) and CIVILE (how the person wants to be treated). A picker in
//! the selection's context bar lists every need with its one-line
//! definition; a need is ticked when every selected note has it, and a
//! click puts it on (or takes it off) all of them and closes the picker.

use std::collections::HashSet;

use atelier_shared::analysis::{NOT_EVERY_NEED, TYPOLOGIES, classify};
use leptos::prelude::*;

use super::model::model;
use super::ops;
use crate::lang::{tr, ui_lang};

/// The context bar's button and, open, the picker under it.
#[component]
pub fn NeedPicker(notes: HashSet<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    let notes = StoredValue::new(notes);
    // Whether every selected note has need (typology, i): read live.
    let has = move |typology: &'static atelier_shared::analysis::Typology, i: usize| {
        let model = model();
        notes.with_value(|notes| {
            notes.iter().all(|id| {
                model.scene.get(id).is_some_and(|e| {
                    e.source
                        .tags
                        .iter()
                        .any(|t| classify(t) == Some((typology, i)))
                })
            })
        })
    };
    let lang = ui_lang();
    let list = move || {
        open.get().then(|| {
            let typologies = TYPOLOGIES
                .iter()
                .map(|typology| {
                    let typology: &'static atelier_shared::analysis::Typology = typology;
                    let rows = (0..typology.needs.len())
                        .map(|i| {
                            let name = typology.need_in(i, lang).unwrap_or_default();
                            let letter: String = name.chars().take(1).collect();
                            let tag = typology.tag(i).unwrap_or_default();
                            let on = has(typology, i);
                            // A click tags (or untags) and closes, as a
                            // menu does.
                            view! {
                                <li>
                                    <button class="need-choice" class:on=on data-need=tag.clone()
                                        role="menuitemcheckbox" aria-checked=if on { "true" } else { "false" }
                                        on:click=move |_| {
                                            notes.with_value(|ids| ops::set_need(ids, &tag, !on));
                                            open.set(false);
                                        }>
                                        <span class="need-letter">{letter}</span>
                                        <span class="need-text">
                                            <strong>{name}</strong>
                                            <small>{typology.definition_in(i, lang).unwrap_or_default()}</small>
                                        </span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="need-typology" data-typology=typology.name>
                            <h4>{typology.name}<small>{typology.about_in(lang)}</small></h4>
                            <ul role="menu">{rows}</ul>
                        </section>
                    }
                })
                .collect_view();
            view! {
                <div class="need-picker" on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        ev.stop_propagation();
                        open.set(false);
                    }
                }>
                    <div class="need-typologies">{typologies}</div>
                    <p class="need-reminder">{atelier_shared::persona::title(NOT_EVERY_NEED, lang)}</p>
                </div>
            }
        })
    };
    view! {
        <span class="need-anchor">
            <button class="bar-btn bar-need" class:on=move || open.get() data-action="need"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                title=tr("Tag with a need (SPECIFIC, CIVILE)", "Étiqueter avec un besoin (SPECIFIC, CIVILE)")
                on:click=move |_| open.update(|o| *o = !*o)>
                {tr("Need", "Besoin")}
            </button>
            {list}
        </span>
    }
}
