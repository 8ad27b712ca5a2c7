//! Dot votes: the facilitator's button (open on the selected frame or the
//! board, close, clear), the banner (votes left, then the results) and the
//! dots on each note. Ballots are secret on the server until the vote
//! closes.

use atelier_shared::Kind;
use atelier_shared::facilitation::Command;
use atelier_shared::templates::Lang;
use leptos::prelude::*;

use super::model::{model, ui};
use crate::lang::tr;
use crate::sync;

/// The facilitator's vote button: open (on the selected frame, or the
/// board), close, clear.
pub fn control() -> impl IntoView {
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
                    sync::command(&Command::VoteOpen { scope, per_person: 3, on: Vec::new() });
                }>
                {tr("Dot vote", "Vote")}
            </button>
        }
        .into_any(),
    }
    }
}

/// "Dot vote · 2 of 3 votes left" while a vote is open.
pub fn banner() -> impl IntoView {
    let ui = ui();
    move || {
        let (vote, mine) = ui.facilitation.with(|s| (s.vote.clone(), s.mine.len()));
        let vote = vote?;
        if vote.open {
            let left = (vote.per_person as usize).saturating_sub(mine);
            let (notes, clusters) = (vote.takes("note"), vote.takes("frame"));
            let on = match (notes, clusters) {
                (true, true) => tr("a note or a cluster", "une note ou un groupe"),
                (false, true) => tr("a cluster", "un groupe"),
                _ => tr("a note", "une note"),
            };
            let text = match crate::lang::ui_lang() {
                Lang::En => format!(
                    "Dot vote · {left} of {} votes left: click + on {on}",
                    vote.per_person
                ),
                Lang::Fr => format!(
                    "Vote · {left} sur {} restants : cliquez + sur {on}",
                    vote.per_person
                ),
            };
            return Some(
                view! { <span class="banner vote" data-votes-left=left>{text}</span> }.into_any(),
            );
        }
        None
    }
}

/// Once a vote is closed: its results, a panel of its own (folded or not)
/// with every voted text whole.
pub fn results() -> impl IntoView {
    let ui = ui();
    move || {
        let vote = ui.facilitation.with(|s| s.vote.clone())?;
        if vote.open || vote.results.is_empty() {
            return None;
        }
        let scene = &model().scene;
        let rows = vote
            .results
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, (id, n))| {
                // The whole text (the panel wraps it); a cluster by its name.
                let text: String = scene
                    .get(id)
                    .map(|e| match (e.kind, e.text.trim().is_empty()) {
                        (Kind::Frame, true) => tr("Untitled cluster", "Groupe sans titre").to_owned(),
                        (_, true) => "…".to_owned(),
                        (_, false) => e.text.clone(),
                    })
                    .unwrap_or_else(|| tr("(deleted)", "(supprimé)").to_owned());
                let jump = id.clone();
                view! {
                    <li>
                        <button class="result" data-result=id.clone() title=tr("Show it on the board", "Le montrer sur le tableau")
                            on:click=move |_| super::commands::show(ui, &jump)>
                            <b>{format!("{}.", i + 1)}</b>
                            <span class="result-text">{text}</span>
                            <span class="vote-count">{format!("● {n}")}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        let open = ui.results_open;
        Some(
            view! {
                <aside class="vote-results" class:collapsed=move || !open.get() aria-label=tr("Vote results", "Résultats du vote")>
                    <button class="panel-toggle" aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)>
                        <strong>{tr("Vote results", "Résultats du vote")}</strong>
                        <span aria-hidden="true">{move || if open.get() { "▾" } else { "▸" }}</span>
                    </button>
                    <ol hidden=move || !open.get()>{rows}</ol>
                </aside>
            }
            .into_any(),
        )
    }
}

/// On a note or a cluster (a frame), as the vote takes them: its dots. While a vote is open, a + to vote (when in the
/// vote's frame) and this user's dots, each one click to take back; once
/// closed, the count.
pub fn marks(id: String) -> impl IntoView {
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
        let takes = model()
            .scene
            .kind(&id)
            .is_some_and(|k| vote.takes(k.as_str()));
        if !ui.writes || !takes || !in_scope(&id, vote.scope.as_deref()) {
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
                        on:click=move |_| sync::command(&Command::Vote { voter: sync::my_voter(), id: add.clone() })>
                        <svg class="icon" viewBox="0 0 20 20" aria-hidden="true"><path d="M10 4.5v11M4.5 10h11"/></svg>
                    </button>
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
