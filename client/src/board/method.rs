//! The guided method: the facilitator's private mode button ("Reveal · N"
//! while it is on: N participants hold private notes), the choice of a
//! workshop script and the steps through its phases (each setting the
//! timer, private mode, vote and locks on the server), and, for everyone,
//! the banners of the phase under way and of private mode.

use atelier_shared::facilitation::Command;
use atelier_shared::templates::Lang;
use leptos::prelude::*;

use super::model::ui;
use crate::lang::tr;
use crate::sync;

/// The facilitator's private mode and method controls, in the bar.
pub fn controls() -> impl IntoView {
    let ui = ui();
    let scripts = RwSignal::new(Vec::<(String, String, usize)>::new());
    leptos::task::spawn_local(async move {
        if let Ok(s) = crate::api::scripts().await {
            scripts.set(s);
        }
    });
    let private = move || {
        let (on, pooled) = ui.facilitation.with(|s| (s.private, s.pooled));
        if on {
            view! {
                <button class="fac-btn wide on" data-fac="reveal"
                    title=tr("Put everyone's private notes on the board", "Mettre les notes privées de tous sur le tableau")
                    on:click=|_| sync::command(&Command::Reveal)>
                    {format!("{} · {pooled}", tr("Reveal", "Révéler"))}
                </button>
            }
            .into_any()
        } else {
            view! {
                <button class="fac-btn wide" data-fac="private"
                    title=tr("New notes are seen only by their author until you reveal them",
                        "Les nouvelles notes ne sont vues que par leur auteur jusqu'à ce que vous les révéliez")
                    on:click=|_| sync::command(&Command::PrivateOn)>
                    {tr("Private mode", "Mode privé")}
                </button>
            }
            .into_any()
        }
    };
    let phase_to = move |step: i64| {
        if let Some(p) = ui.facilitation.with_untracked(|s| s.phase.clone()) {
            let index = (p.index as i64 + step).clamp(0, p.count as i64 - 1) as u32;
            sync::command(&Command::Phase {
                script: p.script,
                index,
            });
        }
    };
    let method = move || {
        match ui.facilitation.with(|s| s.phase.clone()) {
        None => view! {
            <select class="fac-select" data-fac="script" aria-label=tr("Run a workshop method", "Conduire une méthode d'atelier")
                on:change=|ev| {
                    let script = event_target_value(&ev);
                    if !script.is_empty() {
                        sync::command(&Command::Phase { script, index: 0 });
                    }
                }>
                <option value="" selected>{tr("Method", "Méthode")}</option>
                {move || scripts.get().into_iter().map(|(id, title, n)| view! {
                    <option value=id>{format!("{title} ({n})")}</option>
                }).collect_view()}
            </select>
        }
        .into_any(),
        Some(p) => {
            let (first, last) = (p.index == 0, p.index + 1 >= p.count);
            view! {
                <span class="method-steps">
                    <button class="fac-btn" data-fac="phase-prev" title=tr("Previous phase", "Étape précédente")
                        disabled=first on:click=move |_| phase_to(-1)>"‹"</button>
                    <span class="phase-step">{format!("{}/{}", p.index + 1, p.count)}</span>
                    <button class="fac-btn" data-fac="phase-next" title=tr("Next phase", "Étape suivante")
                        disabled=last on:click=move |_| phase_to(1)>"›"</button>
                    <button class="fac-btn" data-fac="phase-end" title=tr("End the method", "Terminer la méthode")
                        on:click=|_| crate::dialog::confirm(
                            tr("End the method? Its phases stop here; the board and its versions stay.",
                                "Terminer la méthode ? Ses étapes s'arrêtent ici ; le tableau et ses versions restent.").to_owned(),
                            tr("End the method", "Terminer la méthode"),
                            || sync::command(&Command::PhaseEnd),
                        )>"✕"</button>
                </span>
            }
            .into_any()
        }
        }
    };
    view! {
        <span class="fac-sep"></span>
        {private}
        <span class="fac-sep"></span>
        {method}
    }
}

/// For everyone: the phase of the method under way and what to do in it
/// (for the facilitator, the template it works on), and private mode.
pub fn banners() -> impl IntoView {
    let ui = ui();
    let phase = move || {
        let p = ui.facilitation.with(|s| s.phase.clone())?;
        let french = crate::lang::ui_lang() == Lang::Fr;
        let template = p.template.clone().filter(|_| ui.facilitator);
        Some(view! {
            <div class="banner phase-banner" data-phase=p.index>
                <span class="phase-count">{format!("{}/{}", p.index + 1, p.count)}</span>
                <div class="phase-text">
                    <strong>{p.name.get(french).to_owned()}</strong>
                    <span class="phase-hint banner-detail">{p.hint.get(french).to_owned()}</span>
                </div>
                {template.map(|t| view! {
                    <button class="fac-btn wide" data-template=t.clone()
                        on:click=move |_| super::commands::insert_template(&t, super::look::board_lang())>
                        {tr("Add the template", "Ajouter le modèle")}
                    </button>
                })}
            </div>
        })
    };
    let private = move || {
        ui.facilitation.with(|s| s.private).then(|| {
            view! {
                <div class="banner private-banner" data-private="on">
                    <svg viewBox="0 0 20 20" aria-hidden="true">
                        <rect x="4.5" y="9" width="11" height="8" rx="1.5"/><path d="M7 9V6.5a3 3 0 0 1 6 0V9"/>
                    </svg>
                    <strong>{tr("Private mode", "Mode privé")}</strong>
                    <span class="banner-detail">{if ui.writes {
                        tr(
                            "your new notes are seen only by you until the facilitator reveals them",
                            "vos nouvelles notes ne sont visibles que par vous jusqu'à ce que l'animateur les révèle",
                        )
                    } else {
                        tr("participants are writing privately", "les participants écrivent en privé")
                    }}</span>
                </div>
            }
        })
    };
    view! {
        {phase}
        {private}
    }
}
