//! The outline: the board as a tree, for the keyboard and screen readers
//! (WCAG 2.2 AA where the free canvas cannot be): frames and zones with
//! what they hold (notes, texts, shapes), persona cards with their fields
//! and lines, journey maps by stage and lane. Every text is a field that
//! edits the board as the canvas does, live for everyone; "Show" finds the
//! element on the canvas.

use std::collections::HashMap;

use atelier_shared::{Element, Kind};
use leptos::prelude::*;

use super::look;
use super::model::{model, ui};
use super::ops;
use crate::lang::tr;

/// Most elements the outline lists (the rest are counted).
const MOST: usize = 600;

/// A branch of the tree: an element and what it holds.
#[derive(Clone, PartialEq)]
struct Branch {
    id: String,
    children: Vec<Branch>,
}

/// The board as branches, in reading order (the canvas' Tab order):
/// the top-level elements and, under each frame, what it holds.
fn tree() -> (Vec<Branch>, usize) {
    let scene = &model().scene;
    let everything = atelier_shared::Rect {
        x: -1e9,
        y: -1e9,
        w: 2e9,
        h: 2e9,
    };
    let ids = scene.visible(everything);
    let total = ids.len();
    let elements: Vec<Element> = ids
        .iter()
        .take(MOST)
        .filter_map(|id| scene.get(id))
        .filter(|e| !matches!(e.kind, Kind::Connector | Kind::Other(_)))
        .collect();
    let mut children: HashMap<String, Vec<Element>> = HashMap::new();
    let listed: std::collections::HashSet<String> = elements.iter().map(|e| e.id.clone()).collect();
    let mut roots = Vec::new();
    for e in elements {
        match e.parent.clone().filter(|p| listed.contains(p)) {
            Some(p) => children.entry(p).or_default().push(e),
            None => roots.push(e),
        }
    }
    fn grow(e: Element, children: &mut HashMap<String, Vec<Element>>, depth: usize) -> Branch {
        let kids = if depth < 8 {
            children.remove(&e.id).unwrap_or_default()
        } else {
            Vec::new()
        };
        Branch {
            children: kids
                .into_iter()
                .map(|k| grow(k, children, depth + 1))
                .collect(),
            id: e.id,
        }
    }
    (
        roots
            .into_iter()
            .map(|e| grow(e, &mut children, 0))
            .collect(),
        total,
    )
}

/// The outline panel.
pub fn panel() -> impl IntoView {
    let ui = ui();
    // Rebuilt when elements come, go or move (not as text is typed: the
    // texts follow their elements' signals, so typing here keeps its field).
    let branches = Memo::new(move |_| {
        ui.layout.track();
        tree()
    });
    let node = NodeRef::<leptos::html::Aside>::new();
    crate::dialog::behave(node, move || ui.outline.set(false));
    view! {
        <aside class="outline-panel" aria-label=tr("Outline of the board", "Plan du tableau") node_ref=node
            on:pointerdown=|ev| ev.stop_propagation()>
            <header class="panel-head">
                <h3>{tr("Outline", "Plan")}</h3>
                <button class="dialog-close" data-outline="close" title=tr("Close", "Fermer") aria-label=tr("Close", "Fermer")
                    on:click=move |_| ui.outline.set(false)>"×"</button>
            </header>
            <p class="muted outline-about">{tr(
                "The board as a list, frame by frame: every text can be read and edited here, live.",
                "Le tableau en liste, cadre par cadre : chaque texte se lit et se modifie ici, en direct.",
            )}</p>
            {move || {
                let (list, total) = branches.get();
                view! {
                    <ul class="outline-tree" role="list">
                        {list.into_iter().map(branch).collect_view()}
                    </ul>
                    {(total > MOST).then(|| view! {
                        <p class="muted">{match crate::lang::ui_lang() {
                            atelier_shared::templates::Lang::En => format!("And {} more elements: zoom in on the board.", total - MOST),
                            atelier_shared::templates::Lang::Fr => format!("Et {} éléments de plus : zoomez sur le tableau.", total - MOST),
                        }}</p>
                    })}
                }
            }}
        </aside>
    }
}

fn branch(b: Branch) -> AnyView {
    let ui = ui();
    let id = b.id.clone();
    let Some(signal) = model().scene.signal(&id) else {
        return ().into_any();
    };
    let kind = signal.with_untracked(|e| e.kind.clone());
    let show_button = {
        let (id, signal) = (id.clone(), signal.clone());
        view! {
            <button class="link outline-show"
                aria-label=move || format!("{} · {}", tr("Show on the board", "Montrer sur le tableau"), signal.with(look::spoken))
                on:click=move |_| super::commands::show(ui, &id)>{tr("Show", "Montrer")}</button>
        }
    };
    let body = match kind {
        Kind::Frame => {
            let s = signal.clone();
            let heading = move || {
                s.with(|e| {
                    if e.text.trim().is_empty() {
                        tr("Frame", "Cadre").to_owned()
                    } else {
                        e.text.clone()
                    }
                })
            };
            view! {
                <div class="outline-row outline-frame">
                    <strong>{heading}</strong>
                    {show_button}
                </div>
                {(!b.children.is_empty()).then(|| view! {
                    <ul role="list">{b.children.into_iter().map(branch).collect_view()}</ul>
                })}
            }
            .into_any()
        }
        Kind::Persona => {
            let s = signal.clone();
            let content = move || s.with(persona_fields);
            view! {
                {show_button}
                {content}
            }
            .into_any()
        }
        Kind::Journey => {
            let s = signal.clone();
            let content = move || s.with(journey_fields);
            view! {
                {show_button}
                {content}
            }
            .into_any()
        }
        _ => {
            let s = signal.clone();
            let label = move || s.with(look::spoken);
            let editable = ui.writes && !ops::is_locked(&id);
            let text_id = id.clone();
            let node = NodeRef::<leptos::html::Textarea>::new();
            let initial = signal.with_untracked(|e| e.text.clone());
            let s = signal.clone();
            Effect::new(move |_| {
                let text = s.with(|e| e.text.clone());
                if let Some(field) = node.get_untracked() {
                    look::take_remote(&field, &text);
                }
            });
            view! {
                <div class="outline-row outline-item">
                    {if editable {
                        view! {
                            <textarea class="outline-text grow" rows="1" aria-label=label node_ref=node prop:value=initial
                                on:input=move |ev| ops::edit_text(&text_id, &event_target_value(&ev))
                                on:blur=|_| ops::end_step()></textarea>
                        }.into_any()
                    } else {
                        view! { <span class="outline-text">{label}</span> }.into_any()
                    }}
                    {show_button}
                </div>
            }
            .into_any()
        }
    };
    view! { <li class="outline-branch" data-outline=id>{body}</li> }.into_any()
}

/// A persona card's fields and lines, read as a list.
fn persona_fields(e: &Element) -> AnyView {
    let p = e.persona.as_deref().cloned().unwrap_or_default();
    let name = if p.name.trim().is_empty() {
        "Persona".to_owned()
    } else {
        p.name.clone()
    };
    let sections = atelier_shared::persona::kind(&p.kind)
        .sections
        .iter()
        .map(|(key, names)| {
            let lines = p.lines(key).to_vec();
            let title = atelier_shared::persona::title(*names, crate::lang::ui_lang());
            view! {
                <li>
                    <span class="outline-label">{title}</span>
                    <ul role="list">
                        {lines.into_iter().map(|l| view! { <li class="outline-line">{l.text}</li> }).collect_view()}
                    </ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="outline-row"><strong>{format!("{} · {name}", tr("Persona", "Persona"))}</strong></div>
        <ul role="list" class="outline-fields">
            {(!p.quote.trim().is_empty()).then(|| view! { <li><span class="outline-label">{tr("Quote", "Citation")}</span>" "{p.quote.clone()}</li> })}
            {(!p.objective.trim().is_empty()).then(|| view! { <li><span class="outline-label">{tr("Objective", "Objectif")}</span>" "{p.objective.clone()}</li> })}
            {sections}
        </ul>
    }
    .into_any()
}

/// A journey map by stage, each with its lanes' cells, read as a list.
fn journey_fields(e: &Element) -> AnyView {
    let j = e.journey.as_deref().cloned().unwrap_or_default();
    let stages = j
        .stages
        .iter()
        .map(|s| {
            let cells = j
                .lanes
                .iter()
                .filter(|l| !l.emotions)
                .map(|l| {
                    let mut text = j.cell(&l.id, &s.id).to_owned();
                    if let Some(stake) = j.mot(&l.id, &s.id) {
                        text.push_str(&format!(
                            " · ◆ {}: {stake}",
                            tr("moment of truth, at stake", "moment de vérité, enjeu")
                        ));
                    }
                    view! { <li><span class="outline-label">{l.name.clone()}</span>" "{text}</li> }
                })
                .collect_view();
            view! {
                <li>
                    <span class="outline-label">{s.name.clone()}</span>
                    <ul role="list">{cells}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="outline-row"><strong>{tr("Journey map", "Parcours")}</strong></div>
        <ul role="list" class="outline-fields">{stages}</ul>
    }
    .into_any()
}
