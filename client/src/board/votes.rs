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
                    sync::command(&Command::VoteOpen { scope, per_person: 3 });
                }>
                {tr("Dot vote", "Vote")}
            </button>
        }
        .into_any(),
    }
    }
}

/// "Dot vote · 2 of 3 votes left", or the results once closed.
pub fn banner() -> impl IntoView {
    let ui = ui();
    move || {
        let (vote, mine) = ui.facilitation.with(|s| (s.vote.clone(), s.mine.len()));
        let vote = vote?;
        if vote.open {
            let left = (vote.per_person as usize).saturating_sub(mine);
            let text = match crate::lang::ui_lang() {
                Lang::En => format!(
                    "Dot vote · {left} of {} votes left: click + on a note",
                    vote.per_person
                ),
                Lang::Fr => format!(
                    "Vote · {left} sur {} restants : cliquez + sur une note",
                    vote.per_person
                ),
            };
            return Some(
                view! { <span class="banner vote" data-votes-left=left>{text}</span> }.into_any(),
            );
        }
        let scene = &model().scene;
        let rows = vote
            .results
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, (id, n))| {
                let text: String = scene
                    .get(id)
                    .map(|e| e.text.chars().take(40).collect())
                    .unwrap_or_else(|| "…".to_owned());
                view! {
                    <li><b>{format!("{}.", i + 1)}</b>" "{text}<span class="vote-count">{format!("● {n}")}</span></li>
                }
            })
            .collect_view();
        Some(
            view! {
                <div class="banner results">
                    <strong>{tr("Vote results", "Résultats du vote")}</strong>
                    <ol>{rows}</ol>
                </div>
            }
            .into_any(),
        )
    }
}

/// On a note: its dots. While a vote is open, a + to vote (when in the
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
