//! The facilitator's controls and what everyone sees of them: the timer,
//! follow me, locks, dot votes, and reactions. The server keeps the state
//! and checks every command against the sender's link; this module sends
//! commands and draws the state.

use std::collections::HashSet;

use atelier_shared::Kind;
use atelier_shared::facilitation::{Command, EMOJI, State};
use leptos::prelude::*;

use super::camera::Camera;
use super::model::{model, ui};
use crate::sync;
use crate::tr;

/// The timer's presets, in minutes.
const PRESETS: [i64; 7] = [1, 3, 5, 10, 15, 20, 30];

/// `ms` as `m:ss` (or `h:mm:ss`).
fn clock(ms: i64) -> String {
    let s = (ms + 999) / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The server's clock now (the state's `now` holds its offset from ours).
fn server_now(state: &State) -> i64 {
    js_sys::Date::now() as i64 + state.now
}

/// The bar at the top of the board: the timer for everyone, the controls
/// for the facilitator, the vote and follow banners for the others.
pub fn facilitation_bar() -> impl IntoView {
    let ui = ui();
    let state = ui.facilitation;
    // A tick while the timer runs.
    let tick = RwSignal::new(0u64);
    let interval = set_interval_with_handle(
        move || {
            if state.with_untracked(|s| s.timer.as_ref().is_some_and(|t| t.running())) {
                tick.update(|t| *t = t.wrapping_add(1));
            }
        },
        std::time::Duration::from_millis(250),
    );
    on_cleanup(move || {
        if let Ok(handle) = interval {
            handle.clear();
        }
    });
    let left = move || {
        tick.track();
        state.with(|s| s.timer.as_ref().map(|t| t.left(server_now(s))))
    };
    // The end of the countdown is said once, loud and clear.
    let ended = RwSignal::new(false);
    Effect::new(move |_| {
        let done = left() == Some(0)
            && state.with_untracked(|s| s.timer.as_ref().is_some_and(|t| t.total_ms > 0));
        if done && !ended.get_untracked() {
            ui.toast
                .set(Some(tr("Time's up!", "Le temps est écoulé !").to_owned()));
        }
        ended.set(done);
    });
    let timer = move || {
        left().map(|ms| {
            let running = state.with(|s| s.timer.as_ref().is_some_and(|t| t.running()));
            view! {
                <span class="timer" class:running=running class:done=move || ended.get() role="timer"
                    aria-label=tr("Time left", "Temps restant")>
                    <svg class="timer-icon" viewBox="0 0 20 20" aria-hidden="true"><circle cx="10" cy="11" r="6.5"/><path d="M10 7.5V11l2.5 1.5M8 2.5h4"/></svg>
                    {move || if ended.get() { tr("Time's up", "Temps écoulé").to_owned() } else { clock(ms) }}
                </span>
            }
        })
    };
    let controls = move || {
        ui.facilitator.then(|| {
            let has_timer = state.with(|s| s.timer.is_some());
            let running = state.with(|s| s.timer.as_ref().is_some_and(|t| t.running()));
            let following = state.with(|s| s.follow.as_ref().is_some_and(|f| f.client == sync::my_client()));
            view! {
                {if has_timer {
                    view! {
                        <button class="fac-btn" class:play=!running data-fac="timer-toggle" title=if running { tr("Pause", "Pause") } else { tr("Start", "Démarrer") }
                            on:click=move |_| sync::command(&if running { Command::TimerPause } else { Command::TimerStart })>
                            <svg viewBox="0 0 20 20" aria-hidden="true">
                                <path d=if running { "M7 5v10M13 5v10" } else { "M7 4.5l8 5.5-8 5.5z" }/>
                            </svg>
                        </button>
                        <button class="fac-btn" data-fac="timer-add" title=tr("One more minute", "Une minute de plus")
                            on:click=|_| sync::command(&Command::TimerAdd { ms: 60_000 })>"+1"</button>
                        <button class="fac-btn" data-fac="timer-clear" title=tr("Remove the timer", "Retirer le minuteur")
                            on:click=|_| sync::command(&Command::TimerClear)>"✕"</button>
                    }.into_any()
                } else {
                    view! {
                        <select class="fac-select" data-fac="timer-set" aria-label=tr("Set a timer", "Régler un minuteur")
                            on:change=move |ev| {
                                if let Ok(min) = event_target_value(&ev).parse::<i64>() {
                                    sync::command(&Command::TimerSet { ms: min * 60_000 });
                                }
                            }>
                            <option value="" selected>{tr("Timer", "Minuteur")}</option>
                            {PRESETS.map(|m| view! { <option value=m.to_string()>{format!("{m} min")}</option> }).collect_view()}
                        </select>
                    }.into_any()
                }}
                <span class="fac-sep"></span>
                <button class="fac-btn wide" class:on=following data-fac="follow"
                    title=tr("Everyone's view follows yours", "La vue de tous suit la vôtre")
                    on:click=move |_| sync::command(&if following {
                        Command::Unfollow
                    } else {
                        Command::Follow { client: sync::my_client(), name: model().author.clone() }
                    })>
                    {if following { tr("Stop follow me", "Arrêter « suivez-moi »") } else { tr("Follow me", "Suivez-moi") }}
                </button>
                <span class="fac-sep"></span>
                {vote_control()}
                {method_controls()}
            }
        })
    };
    view! {
        <div class="facilitation" on:pointerdown=|ev| ev.stop_propagation()>
            {timer}
            {controls}
            {follow_banner()}
            {vote_banner()}
            {method_banners()}
        </div>
    }
}

/// The facilitator's private mode button ("Reveal · N" while it is on: N
/// participants hold private notes) and the guided method (pick a script,
/// then step through its phases, each setting the timer, private mode,
/// vote and locks). Written as HTML text with one click and one change
/// handler (by `data-fac`): typed views cost the WASM far more.
fn method_controls() -> impl IntoView {
    let ui = ui();
    let scripts = RwSignal::new(Vec::<(String, String, usize)>::new());
    leptos::task::spawn_local(async move {
        if let Ok(s) = crate::api::scripts().await {
            scripts.set(s);
        }
    });
    let html = move || {
        let (on, pooled, phase) = ui
            .facilitation
            .with(|s| (s.private, s.pooled, s.phase.clone()));
        let mut h = String::from("<span class=\"fac-sep\"></span>");
        h += &if on {
            format!(
                "<button class=\"fac-btn wide on\" data-fac=\"reveal\" title=\"{}\">{} · {pooled}</button>",
                tr(
                    "Put everyone's private notes on the board",
                    "Mettre les notes privées de tous sur le tableau"
                ),
                tr("Reveal", "Révéler")
            )
        } else {
            format!(
                "<button class=\"fac-btn wide\" data-fac=\"private\" title=\"{}\">{}</button>",
                tr(
                    "New notes are seen only by their author until you reveal them",
                    "Les nouvelles notes ne sont vues que par leur auteur jusqu'à ce que vous les révéliez"
                ),
                tr("Private mode", "Mode privé")
            )
        };
        h += "<span class=\"fac-sep\"></span>";
        match phase {
            None => {
                h += &format!(
                    "<select class=\"fac-select\" data-fac=\"script\" aria-label=\"{}\"><option value=\"\" selected>{}</option>",
                    tr("Run a workshop method", "Conduire une méthode d'atelier"),
                    tr("Method", "Méthode")
                );
                for (id, title, n) in scripts.get() {
                    h += &format!(
                        "<option value=\"{}\">{} ({n})</option>",
                        crate::esc(&id),
                        crate::esc(&title)
                    );
                }
                h += "</select>";
            }
            Some(p) => {
                h += &format!(
                    "<span class=\"method-steps\"><button class=\"fac-btn\" data-fac=\"phase-prev\" title=\"{}\"{}>‹</button>\
                     <span class=\"phase-step\">{}/{}</span>\
                     <button class=\"fac-btn\" data-fac=\"phase-next\" title=\"{}\"{}>›</button>\
                     <button class=\"fac-btn\" data-fac=\"phase-end\" title=\"{}\">✕</button></span>",
                    tr("Previous phase", "Étape précédente"),
                    if p.index == 0 { " disabled" } else { "" },
                    p.index + 1,
                    p.count,
                    tr("Next phase", "Étape suivante"),
                    if p.index + 1 >= p.count {
                        " disabled"
                    } else {
                        ""
                    },
                    tr("End the method", "Terminer la méthode"),
                );
            }
        }
        h
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
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let action = crate::hit(&ev, "button[data-fac]").and_then(|t| t.get_attribute("data-fac"));
        match action.as_deref() {
            Some("reveal") => sync::command(&Command::Reveal),
            Some("private") => sync::command(&Command::PrivateOn),
            Some("phase-prev") => phase_to(-1),
            Some("phase-next") => phase_to(1),
            Some("phase-end") => sync::command(&Command::PhaseEnd),
            _ => {}
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let script = event_target_value(&ev);
        if !script.is_empty() {
            sync::command(&Command::Phase { script, index: 0 });
        }
    };
    view! { <span class="fac-html" on:click=on_click on:change=on_change inner_html=html></span> }
}

/// For everyone: the phase of the method under way and what to do in it
/// (for the facilitator, the template it works on), and private mode.
fn method_banners() -> impl IntoView {
    let ui = ui();
    let html = move || {
        let (private, phase) = ui.facilitation.with(|s| (s.private, s.phase.clone()));
        let mut h = String::new();
        if let Some(p) = phase {
            let french = crate::ui_lang() == atelier_shared::templates::Lang::Fr;
            h += &format!(
                "<div class=\"banner phase-banner\" data-phase=\"{}\"><span class=\"phase-count\">{}/{}</span>\
                 <div class=\"phase-text\"><strong>{}</strong><span class=\"phase-hint\">{}</span></div>{}</div>",
                p.index,
                p.index + 1,
                p.count,
                crate::esc(p.name.get(french)),
                crate::esc(p.hint.get(french)),
                match p.template.filter(|_| ui.facilitator) {
                    Some(t) => format!(
                        "<button class=\"fac-btn wide\" data-template=\"{}\">{}</button>",
                        crate::esc(&t),
                        tr("Add the template", "Ajouter le modèle")
                    ),
                    None => String::new(),
                }
            );
        }
        if private {
            h += &format!(
                "<div class=\"banner private-banner\" data-private=\"on\"><svg viewBox=\"0 0 20 20\" aria-hidden=\"true\">\
                 <rect x=\"4.5\" y=\"9\" width=\"11\" height=\"8\" rx=\"1.5\"/><path d=\"M7 9V6.5a3 3 0 0 1 6 0V9\"/></svg>{}</div>",
                if ui.writes {
                    tr(
                        "Private mode: your new notes are seen only by you until the facilitator reveals them",
                        "Mode privé : vos nouvelles notes ne sont visibles que par vous jusqu'à ce que l'animateur les révèle",
                    )
                } else {
                    tr(
                        "Participants are writing privately",
                        "Les participants écrivent en privé",
                    )
                }
            );
        }
        h
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let template =
            crate::hit(&ev, "[data-template]").and_then(|t| t.get_attribute("data-template"));
        if let Some(t) = template {
            super::chrome::insert_template(&t, super::chrome::board_lang());
        }
    };
    view! { <span class="fac-html" on:click=on_click inner_html=html></span> }
}

/// The facilitator's vote button: open (on the selected frame, or the
/// board), close, clear.
fn vote_control() -> impl IntoView {
    let ui = ui();
    let vote = move || ui.facilitation.with(|s| s.vote.clone());
    move || {
        match vote() {
        Some(v) if v.open => view! {
            <button class="fac-btn wide on" data-fac="vote-close" on:click=|_| sync::command(&Command::VoteClose)>
                {format!("{} · {}", tr("Close the vote", "Clore le vote"), v.cast)}
            </button>
        }
        .into_any(),
        Some(_) => view! {
            <button class="fac-btn wide" data-fac="vote-clear" on:click=|_| sync::command(&Command::VoteClear)>
                {tr("Clear the results", "Effacer les résultats")}
            </button>
        }
        .into_any(),
        None => view! {
            <button class="fac-btn wide" data-fac="vote-open"
                title=tr("A dot vote on the selected frame, or the board: 3 votes each", "Un vote par gommettes sur le cadre sélectionné, ou le tableau : 3 votes chacun")
                on:click=move |_| {
                    let selection = ui.selected();
                    let scope = (selection.len() == 1)
                        .then(|| selection.into_iter().next())
                        .flatten()
                        .filter(|id| model().scene.kind(id) == Some(Kind::Frame));
                    sync::command(&Command::VoteOpen { scope, per_person: 3 });
                }>
                {tr("Dot vote", "Vote")}
            </button>
        }
        .into_any(),
    }
    }
}

/// "Following Fatou · Stop": the others' view follows the facilitator's,
/// until they stop it (a new "follow me" brings them back).
fn follow_banner() -> impl IntoView {
    let ui = ui();
    let leader = move || {
        ui.facilitation
            .with(|s| s.follow.clone())
            .filter(|f| f.client != sync::my_client())
    };
    // A new "follow me" follows again (not any other change of state).
    Effect::new(move |before: Option<Option<u64>>| {
        let now = leader().map(|f| f.client);
        if now.is_some() && before.flatten() != now {
            ui.following.set(true);
        }
        now
    });
    // The leader's view, fitted to ours.
    Effect::new(move |_| {
        let Some(f) = leader() else { return };
        if !ui.following.get() {
            return;
        }
        let view = ui.peers.with(|peers| {
            peers
                .iter()
                .find(|p| p.client == f.client)
                .and_then(|p| p.view)
        });
        if let Some([x, y, w, h]) = view {
            let (vw, vh) = ui.viewport.get_untracked();
            let fit = Camera::fit(atelier_shared::Rect { x, y, w, h }, vw, vh);
            // `fit` leaves a margin: the same part of the board, edge to edge.
            ui.camera.set(
                Camera {
                    zoom: (vw / w).min(vh / h),
                    ..fit
                }
                .centered_on(x + w / 2.0, y + h / 2.0, vw, vh),
            );
        }
    });
    // The leader tells where they look.
    Effect::new(move |_| {
        let me = ui.facilitation.with(|s| {
            s.follow
                .as_ref()
                .is_some_and(|f| f.client == sync::my_client())
        });
        if me {
            let camera = ui.camera.get();
            let (w, h) = ui.viewport.get();
            let (x, y) = camera.to_board(0.0, 0.0);
            sync::set_view([x, y, w / camera.zoom, h / camera.zoom]);
        }
    });
    // (HTML text and one click handler, as the method's controls.)
    let html = move || {
        leader().map_or_else(String::new, |f| {
            let on = ui.following.get();
            let name = crate::esc(&f.name);
            format!(
                "<span class=\"banner follow{}\">{}<button class=\"link\" data-fac=\"follow-toggle\">{}</button></span>",
                if on { "" } else { " paused" },
                if on {
                    format!("{} {name}", tr("Following", "Vous suivez"))
                } else {
                    format!("{name} {}", tr("leads the way", "guide la visite"))
                },
                if on { tr("Stop following", "Ne plus suivre") } else { tr("Follow", "Suivre") }
            )
        })
    };
    let toggle = move |ev: leptos::ev::MouseEvent| {
        let on_button = crate::hit(&ev, "[data-fac='follow-toggle']").is_some();
        if on_button {
            ui.following.update(|on| *on = !*on);
        }
    };
    view! { <span class="fac-html" on:click=toggle inner_html=html></span> }
}

/// "Dot vote · 2 of 3 votes left", or the results once closed (HTML text).
fn vote_banner() -> impl IntoView {
    let ui = ui();
    let html = move || {
        let (vote, mine) = ui.facilitation.with(|s| (s.vote.clone(), s.mine.len()));
        let Some(vote) = vote else {
            return String::new();
        };
        if vote.open {
            let left = (vote.per_person as usize).saturating_sub(mine);
            return format!(
                "<span class=\"banner vote\" data-votes-left=\"{left}\">{}</span>",
                match crate::ui_lang() {
                    atelier_shared::templates::Lang::En => format!(
                        "Dot vote · {left} of {} votes left: click ＋ on a note",
                        vote.per_person
                    ),
                    atelier_shared::templates::Lang::Fr => format!(
                        "Vote · {left} sur {} restants : cliquez ＋ sur une note",
                        vote.per_person
                    ),
                }
            );
        }
        let scene = &model().scene;
        let rows: String = vote
            .results
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, (id, n))| {
                let text: String = scene
                    .get(id)
                    .map(|e| e.text.chars().take(40).collect())
                    .unwrap_or_else(|| "…".to_owned());
                format!(
                    "<li><b>{}.</b> {}<span class=\"vote-count\">● {n}</span></li>",
                    i + 1,
                    crate::esc(&text)
                )
            })
            .collect();
        format!(
            "<div class=\"banner results\"><strong>{}</strong><ol>{rows}</ol></div>",
            tr("Vote results", "Résultats du vote")
        )
    };
    view! { <span class="fac-html" inner_html=html></span> }
}

/// On a note: its dots. While a vote is open, a ＋ to vote (when in the
/// vote's frame) and this user's dots, each one click to take back; once
/// closed, the count.
pub fn vote_marks(id: String) -> impl IntoView {
    let ui = ui();
    move || {
        let (vote, mine) = ui
            .facilitation
            .with(|s| (s.vote.clone(), s.mine.iter().filter(|m| **m == id).count()));
        let vote = vote?;
        if !vote.open {
            let n = vote
                .results
                .iter()
                .find(|(v, _)| *v == id)
                .map(|(_, n)| *n)?;
            return Some(view! { <span class="el-votes" title=tr("Votes", "Votes")>{format!("● {n}")}</span> }.into_any());
        }
        if !ui.writes || !in_scope(&id, vote.scope.as_deref()) {
            return None;
        }
        let (add, take) = (id.clone(), id.clone());
        Some(
            view! {
                <span class="el-vote" on:pointerdown=|ev| ev.stop_propagation()>
                    {(0..mine).map(|_| {
                        let take = take.clone();
                        view! {
                            <button class="dot mine" title=tr("Take this vote back", "Reprendre ce vote")
                                on:click=move |_| sync::command(&Command::Unvote { voter: sync::my_voter(), id: take.clone() })>"●"</button>
                        }
                    }).collect_view()}
                    <button class="dot add" data-vote=add.clone() title=tr("Vote for this", "Voter pour")
                        on:click=move |_| sync::command(&Command::Vote { voter: sync::my_voter(), id: add.clone() })>"＋"</button>
                </span>
            }
            .into_any(),
        )
    }
}

/// Whether element `id` is in the vote's frame (any element when the vote
/// is on the whole board).
fn in_scope(id: &str, scope: Option<&str>) -> bool {
    let Some(frame) = scope else {
        return true;
    };
    let scene = &model().scene;
    let mut at = scene.get(id).and_then(|e| e.parent);
    for _ in 0..16 {
        match at {
            Some(p) if p == frame => return true,
            Some(p) => at = scene.get(&p).and_then(|e| e.parent),
            None => return false,
        }
    }
    false
}

/// The facilitator's lock button for the selection (frames with what they
/// hold).
pub fn lock_button(selection: &HashSet<String>) -> impl IntoView + use<> {
    let ui = ui();
    let mut ids: Vec<String> = selection.iter().cloned().collect();
    ids.extend(model().scene.children(selection));
    ids.sort();
    ids.dedup();
    let locked = ui
        .facilitation
        .with_untracked(|s| ids.iter().any(|id| s.locked.contains(id)));
    ui.facilitator.then(|| {
        view! {
            <button class="bar-btn" data-action=if locked { "unlock" } else { "lock" }
                title=if locked { tr("Unlock", "Déverrouiller") } else { tr("Lock: nobody can move or edit it", "Verrouiller : personne ne peut le déplacer ni le modifier") }
                on:click=move |_| sync::command(&if locked { Command::Unlock { ids: ids.clone() } } else { Command::Lock { ids: ids.clone() } })>
                {if locked { "🔓" } else { "🔒" }}
            </button>
            <span class="bar-sep"></span>
        }
    })
}

/// The reactions bar (anyone who can write) and the reactions floating up.
pub fn reactions() -> impl IntoView {
    let ui = ui();
    // Each new reaction is added to the layer once and removed when it has
    // floated away (plain DOM: a keyed list would cost the WASM more).
    let layer = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |seen: Option<u32>| {
        let mut seen = seen.unwrap_or(0);
        let Some(layer) = layer.get() else {
            return seen;
        };
        for (n, reaction) in ui.reactions.get() {
            if n < seen {
                continue;
            }
            seen = n + 1;
            let Ok(el) = document().create_element("span") else {
                continue;
            };
            el.set_class_name("reaction");
            // Spread over the width, the same place for everyone.
            let _ = el.set_attribute("style", &format!("left:{}%", 15 + (n * 37) % 70));
            el.set_inner_html(
                "<span class=\"reaction-emoji\"></span><span class=\"reaction-name\"></span>",
            );
            if let (Some(emoji), Some(name)) = (el.first_element_child(), el.last_element_child()) {
                emoji.set_text_content(Some(&reaction.emoji));
                name.set_text_content(Some(&reaction.name));
            }
            let _ = layer.append_child(&el);
            set_timeout(move || el.remove(), std::time::Duration::from_millis(3000));
        }
        seen
    });
    let send = move |emoji: &'static str| {
        sync::command(&Command::React {
            emoji: emoji.to_owned(),
            name: model().author.clone(),
        })
    };
    view! {
        {ui.writes.then(|| view! {
            <div class="reaction-bar" role="group" aria-label=tr("Reactions", "Réactions") on:pointerdown=|ev| ev.stop_propagation()>
                {EMOJI.map(|e| view! { <button class="reaction-btn" data-react=e on:click=move |_| send(e)>{e}</button> }).collect_view()}
            </div>
        })}
        <div class="reactions" aria-hidden="true" node_ref=layer></div>
    }
}
