//! `/b/{board}`: the board, live.

use leptos::prelude::*;

use crate::Brand;
use crate::sync::{self, Status};

const COLORS: [&str; 8] = [
    "#e4572e", "#2e86ab", "#7b2cbf", "#2a9d8f", "#e9a03b", "#d6336c", "#3a86ff", "#6a994e",
];

#[component]
pub fn BoardPage(id: String) -> impl IntoView {
    let name = display_name();
    let color = COLORS[(js_sys::Math::random() * COLORS.len() as f64) as usize % COLORS.len()];
    let live = sync::connect(&id, &name, color);
    let title = move || {
        let t = live.title.get();
        if t.is_empty() {
            "Untitled board".to_owned()
        } else {
            t
        }
    };
    Effect::new(move |_| {
        document().set_title(&format!("{} · Atelier", title()));
    });
    view! {
        <div class="board-shell" data-sync=move || live.status.get().key()>
            <header class="topbar">
                <Brand/>
                <span class="divider" aria-hidden="true"></span>
                <h1 class="board-title">{title}</h1>
                <div class="topbar-right">
                    <ul class="presence" aria-label="People on this board">
                        {move || live.peers.get().into_iter().map(|p| {
                            let initial = p.name.chars().next().unwrap_or('?').to_uppercase().to_string();
                            view! {
                                <li class="avatar" title=p.name.clone() style=format!("background:{}", p.color)>
                                    {initial}
                                </li>
                            }
                        }).collect_view()}
                        <li class="avatar me" title=format!("{name} (you)") style=format!("background:{color}")>
                            {name.chars().next().unwrap_or('?').to_uppercase().to_string()}
                        </li>
                    </ul>
                    <span class=move || format!("status status-{}", live.status.get().key())>
                        <span class="status-dot" aria-hidden="true"></span>
                        {move || live.status.get().label()}
                    </span>
                </div>
            </header>
            <main class="canvas">
                <div class="canvas-card">
                    {move || match (live.status.get(), live.elements.get()) {
                        (Status::Connecting | Status::Syncing, _) => view! {
                            <p class="muted">"Opening the board…"</p>
                        }.into_any(),
                        (_, 0) => view! {
                            <h2>"An empty board"</h2>
                            <p class="muted">"Everyone who opens this link joins you here, live."</p>
                        }.into_any(),
                        (_, n) => view! {
                            <h2>{format!("{n} element{}", if n == 1 { "" } else { "s" })}</h2>
                            <p class="muted">"Kept in sync with everyone on this board."</p>
                        }.into_any(),
                    }}
                </div>
            </main>
        </div>
    }
}

/// The name shown to others: remembered in this browser.
fn display_name() -> String {
    let storage = window().local_storage().ok().flatten();
    if let Some(name) = storage
        .as_ref()
        .and_then(|s| s.get_item("atelier.name").ok().flatten())
        .filter(|n| !n.trim().is_empty())
    {
        return name;
    }
    let name = format!("Guest {}", 100 + (js_sys::Math::random() * 900.0) as u32);
    if let Some(storage) = storage {
        let _ = storage.set_item("atelier.name", &name);
    }
    name
}
