//! `/`: the boards this browser holds a link to, and a button to start a
//! new one (whoever starts a board is its facilitator).

use leptos::prelude::*;
use leptos::task::spawn_local;

use atelier_shared::templates::{Lang, TEMPLATES, Template, find};

use atelier_shared::Role;

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
                    Ok(list) => view! { <BoardList list=list changed=move || boards.refetch() error=set_error/> }.into_any(),
                    Err(err) => view! { <p class="error">{err}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The boards this browser has a link to, most recently edited first,
/// with the role its link gives; links that no longer open their board
/// are forgotten.
async fn my_boards() -> Result<Vec<(BoardInfo, Role)>, String> {
    let mut boards = Vec::new();
    for id in api::known_boards() {
        match api::board(&id).await {
            Ok(view) => boards.push((view.info, view.role)),
            Err((401 | 403 | 404, _)) => api::forget(&id),
            Err((_, err)) => return Err(err),
        }
    }
    boards
        .sort_unstable_by(|(a, _), (b, _)| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    Ok(boards)
}

/// The boards, searched by title (or template) as one types.
#[component]
fn BoardList(
    list: Vec<(BoardInfo, Role)>,
    changed: impl Fn() + Copy + Send + Sync + 'static,
    error: WriteSignal<Option<String>>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let total = list.len();
    let list = StoredValue::new(list);
    let shown = move || {
        let q = query.get().trim().to_lowercase();
        list.with_value(|l| {
            l.iter()
                .filter(|(b, _)| {
                    q.is_empty()
                        || b.title.to_lowercase().contains(&q)
                        || template_name(&b.template).to_lowercase().contains(&q)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="boards">
            <div class="boards-head">
                <h2>{tr("Your boards", "Vos tableaux")}</h2>
                {(total > 1).then(|| view! {
                    <input class="board-search" type="search" aria-label=tr("Search the boards", "Chercher un tableau")
                        placeholder=tr("Search by name or template", "Chercher par nom ou modèle")
                        prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                })}
            </div>
            {move || {
                let boards = shown();
                if boards.is_empty() {
                    view! { <p class="muted">{tr("No board matches.", "Aucun tableau ne correspond.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="board-list">
                            {boards.into_iter().map(|(b, role)| view! { <BoardCard board=b role=role changed=changed error=error/> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

fn template_name(id: &str) -> String {
    match id {
        "" | "blank" => tr("Blank board", "Tableau vierge").to_owned(),
        other => find(other).map_or_else(|| other.to_owned(), |t| named(t).0.to_owned()),
    }
}

/// A board: its name, template and last change, and what this browser's
/// link lets it do (rename: editors; copy: anyone; delete: facilitators).
#[component]
fn BoardCard(
    board: BoardInfo,
    role: Role,
    changed: impl Fn() + Copy + Send + Sync + 'static,
    error: WriteSignal<Option<String>>,
) -> impl IntoView {
    let title = if board.title.is_empty() {
        board.id.clone()
    } else {
        board.title.clone()
    };
    let template = template_name(&board.template);
    let when = edited(board.updated as f64, js_sys::Date::now());
    let menu = RwSignal::new(false);
    let renaming = RwSignal::new(false);
    let id = StoredValue::new(board.id.clone());
    let name = StoredValue::new(title.clone());
    let done = move |result: Result<(), String>| match result {
        Ok(()) => changed(),
        Err(e) => error.set(Some(e)),
    };
    let rename = move |new: String| {
        renaming.set(false);
        let new = new.trim().to_owned();
        if new.is_empty() || new == name.get_value() {
            return;
        }
        spawn_local(async move { done(api::rename_board(&id.get_value(), &new).await) });
    };
    let duplicate = move |_| {
        menu.set(false);
        let title: String = match crate::lang::ui_lang() {
            Lang::En => format!("Copy of {}", name.get_value()),
            Lang::Fr => format!("Copie de {}", name.get_value()),
        }
        .chars()
        .take(200)
        .collect();
        spawn_local(async move {
            done(
                api::duplicate_board(&id.get_value(), &title)
                    .await
                    .map(|_| ()),
            )
        });
    };
    let delete = move |_| {
        menu.set(false);
        let ask = match crate::lang::ui_lang() {
            Lang::En => format!(
                "Delete “{}” for everyone? Its links stop working; this cannot be undone.",
                name.get_value()
            ),
            Lang::Fr => format!(
                "Supprimer «\u{a0}{}\u{a0}» pour tout le monde ? Ses liens cessent de marcher ; c'est définitif.",
                name.get_value()
            ),
        };
        crate::dialog::confirm(ask, tr("Delete", "Supprimer"), move || {
            spawn_local(async move { done(api::delete_board(&id.get_value()).await) })
        });
    };
    // A click anywhere else, or Esc, closes the menu.
    let item = NodeRef::<leptos::html::Li>::new();
    let away = window_event_listener(leptos::ev::pointerdown, move |e| {
        let inside = item.get_untracked().zip(e.target()).is_some_and(|(li, t)| {
            wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).is_ok_and(|n| li.contains(Some(&n)))
        });
        if !inside && menu.get_untracked() {
            menu.set(false);
        }
    });
    let esc = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && menu.get_untracked() {
            menu.set(false);
        }
    });
    on_cleanup(move || {
        away.remove();
        esc.remove();
    });
    // The name field takes the focus, its text selected.
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = field.get() {
            request_animation_frame(move || {
                let _ = input.focus();
                input.select();
            });
        }
    });
    view! {
        <li class="board-item" data-board=board.id.clone() node_ref=item>
            {move || if renaming.get() {
                view! {
                    <div class="board-card renaming">
                        <input class="board-rename" maxlength="200" node_ref=field aria-label=tr("Board name", "Nom du tableau")
                            prop:value=name.get_value()
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                                "Enter" => rename(event_target_value(&ev)),
                                "Escape" => renaming.set(false),
                                _ => {}
                            }
                            on:blur=move |ev| if renaming.get_untracked() { rename(event_target_value(&ev)) }/>
                        <span class="board-card-meta">{template.clone()} " · " {when.clone()}</span>
                    </div>
                }.into_any()
            } else {
                view! {
                    <a class="board-card" href=format!("/b/{}", id.get_value())>
                        <span class="board-card-title">{name.get_value()}</span>
                        <span class="board-card-meta">{template.clone()} " · " {when.clone()}</span>
                    </a>
                }.into_any()
            }}
            <button class="board-more" aria-haspopup="menu" aria-expanded=move || menu.get().to_string()
                aria-label=format!("{} · {}", tr("Board actions", "Actions du tableau"), title)
                on:click=move |_| menu.update(|m| *m = !*m)>
                <svg viewBox="0 0 20 20" aria-hidden="true"><circle cx="5" cy="10" r="1.6"/><circle cx="10" cy="10" r="1.6"/><circle cx="15" cy="10" r="1.6"/></svg>
            </button>
            {move || menu.get().then(|| view! {
                <div class="board-menu" role="menu">
                    {(role >= Role::Editor).then(|| view! {
                        <button role="menuitem" data-board-action="rename" on:click=move |_| { menu.set(false); renaming.set(true); }>
                            {tr("Rename", "Renommer")}
                        </button>
                    })}
                    <button role="menuitem" data-board-action="duplicate" on:click=duplicate>{tr("Duplicate", "Dupliquer")}</button>
                    {(role == Role::Facilitator).then(|| view! {
                        <button role="menuitem" class="danger" data-board-action="delete" on:click=delete>{tr("Delete", "Supprimer")}</button>
                    })}
                </div>
            })}
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
