//! `/`: the boards this browser holds a link to, and a button to start a
//! new one (whoever starts a board is its facilitator).

use leptos::prelude::*;
use leptos::task::spawn_local;

use atelier_shared::templates::{Lang, TEMPLATES, Template, find};

use crate::api::{self, BoardInfo};
use crate::lang::tr;

#[component]
pub fn Home() -> impl IntoView {
    let boards = LocalResource::new(my_boards);
    let (error, set_error) = signal(None::<String>);
    let (title, set_title) = signal(String::new());
    let template = RwSignal::new("blank".to_owned());
    let lang = RwSignal::new(crate::lang::browser_lang().code().to_owned());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = title.get_untracked();
        let (template, lang) = (template.get_untracked(), lang.get_untracked());
        spawn_local(async move {
            match api::create_board(name.trim(), &template, &lang).await {
                Ok(board) => {
                    if let Some(token) = &board.token {
                        api::remember(&board.info.id, token);
                    }
                    let _ = window()
                        .location()
                        .set_href(&format!("/b/{}", board.info.id));
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
                <h1>{tr("Workshop boards", "Tableaux d'atelier")}</h1>
                <p>{tr(
                    "Empathy maps, personas and journey maps, built live with your team.",
                    "Cartes d'empathie, personas et parcours client, construits en direct avec votre équipe.",
                )}</p>
                <form class="new-board" on:submit=create>
                    <input
                        type="text"
                        placeholder=tr("Name your board, e.g. Claims journey", "Nommez votre tableau, p. ex. Parcours sinistre")
                        maxlength="200"
                        prop:value=title
                        on:input=move |ev| set_title.set(event_target_value(&ev))
                    />
                    <button class="button primary" type="submit">{tr("New board", "Nouveau tableau")}</button>
                </form>
                <div class="new-board-options">
                    <label>
                        <span>{tr("Start from", "Partir de")}</span>
                        <select name="template" on:change=move |ev| template.set(event_target_value(&ev))>
                            <option value="blank" selected>{tr("A blank board", "Un tableau vierge")}</option>
                            {TEMPLATES.iter().map(|t| {
                                let (name, about) = named(t);
                                view! { <option value=t.id>{name}" — "{about}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{tr("Template language", "Langue du modèle")}</span>
                        <select name="lang" on:change=move |ev| lang.set(event_target_value(&ev))>
                            <option value="en" selected=move || lang.get() == "en">"English"</option>
                            <option value="fr" selected=move || lang.get() == "fr">"Français"</option>
                        </select>
                    </label>
                </div>
                {move || error.get().map(|e| view! { <p class="error">{e}</p> })}
            </section>
            <Suspense fallback=|| view! { <p class="muted">{tr("Loading boards…", "Chargement des tableaux…")}</p> }>
                {move || boards.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted">{tr("No boards yet: start one above.", "Aucun tableau pour l'instant : créez-en un ci-dessus.")}</p>
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

/// The boards this browser has a link to, most recently edited first;
/// links that no longer open their board are forgotten.
async fn my_boards() -> Result<Vec<BoardInfo>, String> {
    let mut boards = Vec::new();
    for id in api::known_boards() {
        match api::board(&id).await {
            Ok(view) => boards.push(view.info),
            Err((401 | 403 | 404, _)) => api::forget(&id),
            Err((_, err)) => return Err(err),
        }
    }
    boards.sort_unstable_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    Ok(boards)
}

fn board_card(board: BoardInfo) -> impl IntoView {
    let title = if board.title.is_empty() {
        board.id.clone()
    } else {
        board.title.clone()
    };
    let template = match board.template.as_str() {
        "" | "blank" => tr("Blank board", "Tableau vierge").to_owned(),
        other => find(other).map_or_else(|| other.to_owned(), |t| named(t).0.to_owned()),
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

/// A template's name and what it is about, in the language of the
/// interface.
fn named(t: &Template) -> (&'static str, &'static str) {
    match crate::lang::ui_lang() {
        Lang::En => (t.name.0, t.about.0),
        Lang::Fr => (t.name.1, t.about.1),
    }
}

/// "edited 5 min ago" for a change at `then` (ms), seen at `now`; older
/// than a week, the date.
fn edited(then: f64, now: f64) -> String {
    let minutes = ((now - then) / 60_000.0).max(0.0).floor() as u64;
    let fr = crate::lang::ui_lang() == Lang::Fr;
    match (minutes, fr) {
        (0, _) => tr("edited just now", "modifié à l'instant").to_owned(),
        (1..=59, false) => format!("edited {minutes} min ago"),
        (1..=59, true) => format!("modifié il y a {minutes} min"),
        (60..=1439, false) => format!("edited {} h ago", minutes / 60),
        (60..=1439, true) => format!("modifié il y a {} h", minutes / 60),
        (1440..=10079, false) => format!("edited {} d ago", minutes / 1440),
        (1440..=10079, true) => format!("modifié il y a {} j", minutes / 1440),
        _ => {
            let date = js_sys::Date::new(&then.into());
            let day = date
                .to_locale_date_string("default", &js_sys::Object::new())
                .as_string()
                .unwrap_or_default();
            if fr {
                format!("modifié le {day}")
            } else {
                format!("edited {day}")
            }
        }
    }
}

/// The top bar's brand mark, shared by every page.
#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true"></span>
            <span class="brand-name">"Atelier"</span>
        </a>
    }
}
