//! `/`: the boards of this server, and a button to start a new one.

use leptos::prelude::*;
use leptos::task::spawn_local;

use atelier_shared::templates::{TEMPLATES, find};

use crate::Brand;
use crate::api::{self, BoardInfo};

#[component]
pub fn Home() -> impl IntoView {
    let boards = LocalResource::new(api::list_boards);
    let (error, set_error) = signal(None::<String>);
    let (title, set_title) = signal(String::new());
    let template = RwSignal::new("blank".to_owned());
    let lang = RwSignal::new(crate::browser_lang().code().to_owned());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = title.get_untracked();
        let (template, lang) = (template.get_untracked(), lang.get_untracked());
        spawn_local(async move {
            match api::create_board(name.trim(), &template, &lang).await {
                Ok(board) => {
                    let _ = window().location().set_href(&format!("/b/{}", board.id));
                }
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    view! {
        <header class="topbar">
            <Brand/>
        </header>
        <main class="home">
            <section class="home-intro">
                <h1>"Workshop boards"</h1>
                <p>"Empathy maps, personas and journey maps, built live with your team."</p>
                <form class="new-board" on:submit=create>
                    <input
                        type="text"
                        placeholder="Name your board, e.g. Claims journey"
                        maxlength="200"
                        prop:value=title
                        on:input=move |ev| set_title.set(event_target_value(&ev))
                    />
                    <button class="button primary" type="submit">"New board"</button>
                </form>
                <div class="new-board-options">
                    <label>
                        <span>"Start from"</span>
                        <select name="template" on:change=move |ev| template.set(event_target_value(&ev))>
                            <option value="blank" selected>"A blank board"</option>
                            {TEMPLATES.iter().map(|t| view! {
                                <option value=t.id>{t.name.0}" — "{t.about.0}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>"Template language"</span>
                        <select name="lang" on:change=move |ev| lang.set(event_target_value(&ev))>
                            <option value="en" selected=move || lang.get() == "en">"English"</option>
                            <option value="fr" selected=move || lang.get() == "fr">"Français"</option>
                        </select>
                    </label>
                </div>
                {move || error.get().map(|e| view! { <p class="error">{e}</p> })}
            </section>
            <Suspense fallback=|| view! { <p class="muted">"Loading boards…"</p> }>
                {move || boards.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted">"No boards yet: start one above."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="board-list">
                            {list.into_iter().map(board_card).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <p class="error">{err}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

fn board_card(board: BoardInfo) -> impl IntoView {
    let title = if board.title.is_empty() {
        board.id.clone()
    } else {
        board.title.clone()
    };
    let template = match board.template.as_str() {
        "" | "blank" => "Blank board".to_owned(),
        other => find(other).map_or_else(|| other.to_owned(), |t| t.name.0.to_owned()),
    };
    let when = edited(board.updated as f64, js_sys::Date::now());
    view! {
        <li>
            <a class="board-card" href=format!("/b/{}", board.id)>
                <span class="board-card-title">{title}</span>
                <span class="board-card-meta">{template} " · " {when}</span>
            </a>
        </li>
    }
}

/// "edited 5 min ago" for a change at `then` (ms), seen at `now`; older
/// than a week, the date.
fn edited(then: f64, now: f64) -> String {
    let minutes = ((now - then) / 60_000.0).max(0.0).floor() as u64;
    match minutes {
        0 => "edited just now".to_owned(),
        1..=59 => format!("edited {minutes} min ago"),
        60..=1439 => format!("edited {} h ago", minutes / 60),
        1440..=10079 => format!("edited {} d ago", minutes / 1440),
        _ => {
            let date = js_sys::Date::new(&then.into());
            let day = date
                .to_locale_date_string("default", &js_sys::Object::new())
                .as_string()
                .unwrap_or_default();
            format!("edited {day}")
        }
    }
}
