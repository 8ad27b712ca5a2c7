//! `/b/{board}`: the board, live. The first visit asks for a name and a
//! colour (remembered in this browser).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::board::Board;
use crate::sync;
use crate::{Brand, tr};

/// Colours people can pick for their cursor and avatar.
const PEOPLE_COLORS: [&str; 8] = [
    "#e4572e", "#2e86ab", "#7b2cbf", "#2a9d8f", "#e9a03b", "#d6336c", "#3a86ff", "#6a994e",
];

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn remembered(key: &str) -> Option<String> {
    storage()?
        .get_item(key)
        .ok()
        .flatten()
        .filter(|v| !v.trim().is_empty())
}

#[component]
pub fn BoardPage(id: String) -> impl IntoView {
    let who = RwSignal::new(remembered("atelier.name").map(|name| {
        let color = remembered("atelier.color")
            .filter(|c| sync::is_css_color(c))
            .unwrap_or_else(|| PEOPLE_COLORS[0].to_owned());
        (name, color)
    }));
    move || match who.get() {
        None => view! { <NamePrompt who=who/> }.into_any(),
        Some((name, color)) => {
            view! { <LiveBoard id=id.clone() name=name color=color/> }.into_any()
        }
    }
}

/// "What should others call you?": a name and a colour.
#[component]
fn NamePrompt(who: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let pick = (js_sys::Math::random() * PEOPLE_COLORS.len() as f64) as usize % PEOPLE_COLORS.len();
    let color = RwSignal::new(PEOPLE_COLORS[pick]);
    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n: String = name.get_untracked().trim().chars().take(40).collect();
        if n.is_empty() {
            return;
        }
        if let Some(s) = storage() {
            let _ = s.set_item("atelier.name", &n);
            let _ = s.set_item("atelier.color", color.get_untracked());
        }
        who.set(Some((n, color.get_untracked().to_owned())));
    };
    view! {
        <div class="prompt-backdrop">
            <form class="prompt" on:submit=join>
                <span class="brand-mark" aria-hidden="true"></span>
                <h1>{tr("Join the board", "Rejoindre le tableau")}</h1>
                <p class="muted">{tr(
                    "Others on this board will see your name next to your cursor and your notes.",
                    "Les autres participants verront votre nom à côté de votre curseur et de vos notes.",
                )}</p>
                <label class="field">
                    <span>{tr("Your name", "Votre nom")}</span>
                    <input type="text" name="name" maxlength="40" placeholder=tr("e.g. Camille", "p. ex. Camille") autofocus
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <div class="field">
                    <span>{tr("Your colour", "Votre couleur")}</span>
                    <div class="color-pick" role="radiogroup">
                        {PEOPLE_COLORS.map(|c| view! {
                            <button type="button" role="radio"
                                class=move || if color.get() == c { "person-swatch active" } else { "person-swatch" }
                                aria-checked=move || (color.get() == c).to_string()
                                style=format!("background:{c}")
                                on:click=move |_| color.set(c)></button>
                        }).collect_view()}
                    </div>
                </div>
                <button class="button primary" type="submit" disabled=move || name.get().trim().is_empty()>
                    {tr("Join board", "Rejoindre le tableau")}
                </button>
            </form>
        </div>
    }
}

#[component]
fn LiveBoard(id: String, name: String, color: String) -> impl IntoView {
    let live = sync::connect(sync::new_doc(), &id, &name, &color);
    let (title, set_title) = signal(String::new());
    let shown_title = move || {
        let t = title.get();
        if t.is_empty() {
            tr("Untitled board", "Tableau sans titre").to_owned()
        } else {
            t
        }
    };
    Effect::new(move |_| {
        document().set_title(&format!("{} · Atelier", shown_title()));
    });
    let status = live.status;
    let peers = live.peers;
    view! {
        <div class="board-shell" data-sync=move || status.get().key()>
            <header class="topbar">
                <Brand/>
                <span class="divider" aria-hidden="true"></span>
                <TitleEditor id=id.clone() title=title/>
                <div class="topbar-right">
                    <ul class="presence" aria-label=tr("People on this board", "Personnes sur ce tableau")>
                        {move || peers.get().into_iter().map(|p| {
                            let initial = initial(&p.name);
                            view! {
                                <li class="avatar" title=p.name.clone() style=format!("background:{}", p.color)>
                                    {initial}
                                </li>
                            }
                        }).collect_view()}
                        <li class="avatar me" title=format!("{name} {}", tr("(you)", "(vous)")) style=format!("background:{color}")>
                            {initial(&name)}
                        </li>
                    </ul>
                    <span class=move || format!("status status-{}", status.get().key()) role="status">
                        <span class="status-dot" aria-hidden="true"></span>
                        {move || status.get().label()}
                    </span>
                    <ShareButton/>
                </div>
            </header>
            <Board live=live.clone() author=name.clone() title=set_title/>
        </div>
    }
}

fn initial(name: &str) -> String {
    name.chars()
        .next()
        .unwrap_or('?')
        .to_uppercase()
        .to_string()
}

/// The board title; click to rename (through the API, so the board list
/// follows).
#[component]
fn TitleEditor(id: String, title: ReadSignal<String>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let save = move |id: String| {
        editing.set(false);
        let new = draft.get_untracked().trim().to_owned();
        if new.is_empty() || new == title.get_untracked() {
            return;
        }
        spawn_local(async move {
            let _ = crate::api::rename_board(&id, &new).await;
        });
    };
    move || {
        let id = id.clone();
        if editing.get() {
            let id2 = id.clone();
            view! {
                <input class="board-title-input" maxlength="200" autofocus
                    prop:value=draft
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        ev.stop_propagation();
                        match ev.key().as_str() {
                            "Enter" => save(id.clone()),
                            "Escape" => editing.set(false),
                            _ => {}
                        }
                    }
                    on:blur=move |_| save(id2.clone())/>
            }
            .into_any()
        } else {
            view! {
                <h1 class="board-title" title=tr("Rename", "Renommer") on:click=move |_| {
                    draft.set(title.get_untracked());
                    editing.set(true);
                }>
                    {move || { let t = title.get(); if t.is_empty() { tr("Untitled board", "Tableau sans titre").to_owned() } else { t } }}
                </h1>
            }
            .into_any()
        }
    }
}

#[component]
fn ShareButton() -> impl IntoView {
    let copied = RwSignal::new(false);
    let share = move |_| {
        let url = window().location().href().unwrap_or_default();
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&url);
        copied.set(true);
        set_timeout(
            move || copied.set(false),
            std::time::Duration::from_millis(1800),
        );
    };
    view! {
        <button class="button primary share" on:click=share>
            {move || if copied.get() { tr("Link copied", "Lien copié") } else { tr("Share", "Partager") }}
        </button>
    }
}
