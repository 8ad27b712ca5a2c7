//! The facilitator's controls and what everyone sees of them: the timer,
//! follow me, locks and reactions (dot votes in [`super::votes`], the
//! guided method in [`super::method`]). The server keeps the state
//! and checks every command against the sender's link; this module sends
//! commands and draws the state.

use std::collections::HashSet;

use atelier_shared::facilitation::{Command, EMOJI, State};
use leptos::prelude::*;

use super::camera::Camera;
use super::icons;
use super::model::{model, ui};
use crate::lang::tr;
use crate::sync;

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
                {super::votes::control()}
                {super::method::controls()}
            }
        })
    };
    view! {
        <div class="facilitation" on:pointerdown=|ev| ev.stop_propagation()>
            <div class="fac-row">
                {timer}
                {controls}
            </div>
            <div class="fac-banners" class:folded=move || !ui.banners_open.get()>
                {follow_banner()}
                {super::votes::banner()}
                {super::method::banners()}
                <button class="fac-fold" aria-expanded=move || ui.banners_open.get().to_string()
                    title=move || if ui.banners_open.get() { tr("Fold the banners", "Replier les bandeaux") } else { tr("Unfold the banners", "Déplier les bandeaux") }
                    aria-label=move || if ui.banners_open.get() { tr("Fold the banners", "Replier les bandeaux") } else { tr("Unfold the banners", "Déplier les bandeaux") }
                    on:click=move |_| ui.banners_open.update(|o| *o = !*o)>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><path d=move || if ui.banners_open.get() { "M5 12.5l5-5 5 5" } else { "M5 7.5l5 5 5-5" }/></svg>
                </button>
            </div>
        </div>
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
    move || {
        let f = leader()?;
        let on = ui.following.get();
        let said = if on {
            format!("{} {}", tr("Following", "Vous suivez"), f.name)
        } else {
            format!("{} {}", f.name, tr("leads the way", "guide la visite"))
        };
        Some(view! {
            <span class="banner follow" class:paused=!on>
                {said}
                <button class="link" data-fac="follow-toggle" on:click=move |_| ui.following.update(|on| *on = !*on)>
                    {if on { tr("Stop following", "Ne plus suivre") } else { tr("Follow", "Suivre") }}
                </button>
            </span>
        })
    }
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
                {icons::lock(!locked)}
            </button>
            <span class="bar-sep"></span>
        }
    })
}

/// The reactions bar (anyone who can write) and the reactions floating up
/// (each drawn once as it arrives; gone from sight when its animation ends,
/// from the page when it falls off the short list `sync` keeps).
pub fn reactions() -> impl IntoView {
    let ui = ui();
    let send = move |emoji: &'static str| {
        sync::command(&Command::React {
            emoji: emoji.to_owned(),
            name: model().author.clone(),
        })
    };
    // Only those that arrived since the page opened float up.
    let shown_from = ui
        .reactions
        .with_untracked(|r| r.last().map_or(0, |(n, _)| n + 1));
    view! {
        {ui.writes.then(|| view! {
            <div class="reaction-bar" role="group" aria-label=tr("Reactions", "Réactions") on:pointerdown=|ev| ev.stop_propagation()>
                {EMOJI.map(|e| view! {
                    <button class="reaction-btn" data-react=e title=icons::reaction_name(e) aria-label=icons::reaction_name(e)
                        on:click=move |_| send(e)>{icons::reaction(e)}</button>
                }).collect_view()}
            </div>
        })}
        <div class="reactions" aria-hidden="true">
            <For each=move || ui.reactions.get().into_iter().filter(move |(n, _)| *n >= shown_from)
                key=|(n, _)| *n
                children=|(n, reaction)| view! {
                    // Spread over the width, the same place for everyone.
                    <span class="reaction" style=format!("left:{}%", 15 + (n * 37) % 70)>
                        {icons::reaction(&reaction.emoji)}
                        <span class="reaction-name">{reaction.name}</span>
                    </span>
                }/>
        </div>
    }
}
