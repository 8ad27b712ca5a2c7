//! `/b/{board}`: the board, live, for whoever holds a share link (`?t=`,
//! then remembered in this browser and taken out of the address bar). The
//! first visit asks for a name and a colour (remembered too).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::board::Board;
use crate::home::Brand;
use crate::lang::tr;
use crate::sync;

/// Colours people can pick for their cursor and avatar.
const PEOPLE_COLORS: [&str; 8] = [
    "#e4572e", "#2e86ab", "#7b2cbf", "#2a9d8f", "#e9a03b", "#d6336c", "#3a86ff", "#6a994e",
];

/// The names of [`PEOPLE_COLORS`], for screen readers: (English, French).
const PEOPLE_COLOR_NAMES: [(&str, &str); 8] = [
    ("Orange", "Orange"),
    ("Blue", "Bleu"),
    ("Purple", "Violet"),
    ("Teal", "Sarcelle"),
    ("Amber", "Ambre"),
    ("Pink", "Rose"),
    ("Bright blue", "Bleu vif"),
    ("Green", "Vert"),
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

/// Keeps the link's token of the address bar (`?t=`) as this browser's
/// link to `board`, and takes it out of the address bar: a copied address
/// does not hand out the role.
fn take_link(board: &str) {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    if let Some(token) = params.get("t").filter(|t| !t.is_empty()) {
        crate::api::remember(board, &token);
        if let Ok(history) = window().history() {
            let path = location.pathname().unwrap_or_default();
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}

#[component]
pub fn BoardPage(id: String) -> impl IntoView {
    take_link(&id);
    let access = {
        let id = id.clone();
        LocalResource::new(move || {
            let id = id.clone();
            async move { crate::api::board(&id).await }
        })
    };
    let who = RwSignal::new(remembered("atelier.name").map(|name| {
        let color = remembered("atelier.color")
            .filter(|c| atelier_shared::is_hex_color(c))
            .unwrap_or_else(|| PEOPLE_COLORS[0].to_owned());
        (name, color)
    }));
    move || {
        match access.get() {
        None => view! { <main class="empty-page"><p class="muted">{tr("Opening the board…", "Ouverture du tableau…")}</p></main> }.into_any(),
        Some(Err((status, reason))) => refusal(status, &reason).into_any(),
        Some(Ok(board)) => match who.get() {
            None => view! { <NamePrompt who=who/> }.into_any(),
            Some((name, color)) => {
                view! { <LiveBoard id=id.clone() name=name color=color role=board.role.as_str().to_owned()/> }.into_any()
            }
        },
    }
    }
}

/// The page shown when this browser's link does not open the board.
fn refusal(status: u16, reason: &str) -> impl IntoView {
    let (title, hint) = match status {
        401 => (
            tr(
                "This board needs a share link",
                "Ce tableau demande un lien de partage",
            ),
            tr(
                "Ask the workshop's facilitator for the link.",
                "Demandez le lien à l'animateur de l'atelier.",
            ),
        ),
        403 if reason.contains("expired") => (
            tr("This link has expired", "Ce lien a expiré"),
            tr(
                "Ask the facilitator for a new one.",
                "Demandez-en un nouveau à l'animateur.",
            ),
        ),
        403 if reason.contains("revoked") => (
            tr("This link was revoked", "Ce lien a été révoqué"),
            tr(
                "The facilitator made a new one: ask for it.",
                "L'animateur en a créé un nouveau : demandez-le.",
            ),
        ),
        403 => (
            tr(
                "This link does not open this board",
                "Ce lien n'ouvre pas ce tableau",
            ),
            tr(
                "Check that it was copied whole, or ask the facilitator again.",
                "Vérifiez qu'il a été copié en entier, ou redemandez-le à l'animateur.",
            ),
        ),
        404 => (
            tr("This board does not exist", "Ce tableau n'existe pas"),
            tr("It may have been deleted.", "Il a peut-être été supprimé."),
        ),
        500 if reason.contains("cannot be read") => (
            tr(
                "This board cannot be opened",
                "Ce tableau ne peut pas être ouvert",
            ),
            tr(
                "Its saved data could not be read. Nothing was changed or deleted: the person who runs this server can restore it from a backup.",
                "Ses données enregistrées n'ont pas pu être lues. Rien n'a été modifié ni supprimé : la personne qui gère ce serveur peut le restaurer depuis une sauvegarde.",
            ),
        ),
        _ => (
            tr(
                "The board could not be opened",
                "Le tableau n'a pas pu être ouvert",
            ),
            tr(
                "The server did not answer: try again in a moment.",
                "Le serveur n'a pas répondu : réessayez dans un instant.",
            ),
        ),
    };
    view! {
        <main class="empty-page refused" data-status=status.to_string()>
            <span class="brand-mark" aria-hidden="true"></span>
            <h1>{title}</h1>
            <p class="muted">{hint}</p>
            <a class="button" href="/">{tr("Back to boards", "Retour aux tableaux")}</a>
        </main>
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
        // No control characters nor invisible marks in what others read.
        let n: String = name
            .get_untracked()
            .trim()
            .chars()
            .filter(|c| !c.is_control() && !atelier_shared::names::is_disguise(*c))
            .take(40)
            .collect();
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
                        {PEOPLE_COLORS.into_iter().zip(PEOPLE_COLOR_NAMES).map(|(c, (en, fr))| view! {
                            <button type="button" role="radio" aria-label=tr(en, fr)
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
fn LiveBoard(id: String, name: String, color: String, role: String) -> impl IntoView {
    let read_only = role == "viewer";
    let facilitator = role == "facilitator";
    let private = sync::PrivateNotes {
        state: crate::board::private_state,
        receive: crate::board::receive_private,
    };
    let live = sync::connect(sync::new_doc(), &id, &name, &color, private);
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
    let ended = Memo::new(move |_| match status.get() {
        sync::Status::Refused => Some((403, "revoked")),
        sync::Status::Expired => Some((403, "expired")),
        sync::Status::Deleted => Some((404, "")),
        sync::Status::Unreadable => Some((500, "cannot be read")),
        _ => None,
    });
    let author = name.clone();
    view! {
        <div class="board-shell" class:read-only=read_only data-sync=move || status.get().key() data-role=role.clone()>
            <header class="topbar">
                <Brand/>
                <span class="divider" aria-hidden="true"></span>
                <TitleEditor id=id.clone() title=title read_only=read_only/>
                {read_only.then(|| view! {
                    <span class="role-pill" title=tr("Your link lets you view the board, not change it", "Votre lien permet de voir le tableau, pas de le modifier")>
                        {tr("View only", "Lecture seule")}
                    </span>
                })}
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
                    <ShareButton id=id.clone() facilitator=facilitator/>
                </div>
            </header>
            // A link revoked or expired, a board deleted or unreadable: the
            // board goes (its timers and sockets with it), a page says why.
            {move || match ended.get() {
                None => view! { <Board live=live.clone() author=author.clone() title=set_title read_only=read_only facilitator=facilitator/> }.into_any(),
                Some((status, reason)) => view! { <div class="refusal-cover">{refusal(status, reason)}</div> }.into_any(),
            }}
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
fn TitleEditor(id: String, title: ReadSignal<String>, read_only: bool) -> impl IntoView {
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
                <h1 class="board-title" title=(!read_only).then(|| tr("Rename", "Renommer")) on:click=move |_| {
                    if read_only {
                        return;
                    }
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

/// Share: the facilitator gets the board's three links (copy, or make a
/// new one to revoke the old); anyone else copies the link they came by.
#[component]
fn ShareButton(id: String, facilitator: bool) -> impl IntoView {
    let copied = RwSignal::new(false);
    let open = RwSignal::new(false);
    let own = id.clone();
    let share = move |_| {
        if facilitator {
            open.update(|o| *o = !*o);
            return;
        }
        let origin = window().location().origin().unwrap_or_default();
        copy(&crate::api::with_token(&own, &format!("{origin}/b/{own}")));
        copied.set(true);
        set_timeout(
            move || copied.set(false),
            std::time::Duration::from_millis(1800),
        );
    };
    view! {
        <button class="button primary share" data-action="share" on:click=share>
            {move || if copied.get() { tr("Link copied", "Lien copié") } else { tr("Share", "Partager") }}
        </button>
        {move || open.get().then(|| view! { {share_links(id.clone(), open)} })}
    }
}

fn copy(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}

/// The facilitator's share dialog: a link per role.
fn share_links(id: String, open: RwSignal<bool>) -> impl IntoView {
    let links = RwSignal::new(None::<Result<crate::api::Links, String>>);
    let copied = RwSignal::new(None::<&'static str>);
    {
        let id = id.clone();
        spawn_local(async move { links.set(Some(crate::api::links(&id).await)) });
    }
    let origin = window().location().origin().unwrap_or_default();
    let rows = move || {
        match links.get() {
        None => view! { <p class="muted">{tr("Loading the links…", "Chargement des liens…")}</p> }.into_any(),
        Some(Err(err)) => view! { <p class="error">{err}</p> }.into_any(),
        Some(Ok(l)) => [
            ("facilitator", tr("Facilitators", "Animateurs"), tr("Run the workshop: links, timer, votes", "Mènent l'atelier : liens, minuteur, votes"), l.facilitator.clone()),
            ("editor", tr("Participants", "Participants"), tr("Add and edit notes, personas, maps", "Ajoutent et modifient notes, personas, parcours"), l.editor.clone()),
            ("viewer", tr("Viewers", "Lecteurs"), tr("See the board live, change nothing", "Voient le tableau en direct, sans rien modifier"), l.viewer.clone()),
        ]
        .into_iter()
        .map(|(role, name, about, token)| {
            let url = format!("{origin}/b/{id}?t={token}");
            let copied_url = url.clone();
            let id = id.clone();
            let regenerate = move |_| {
                let id = id.clone();
                let ask = tr(
                    "Make a new link? The old one stops working at once, and everyone who came by it is disconnected.",
                    "Créer un nouveau lien ? L'ancien cesse aussitôt de marcher, et tous ceux qui l'utilisaient sont déconnectés.",
                );
                crate::dialog::confirm(ask.to_owned(), tr("New link", "Nouveau lien"), move || spawn_local(async move {
                    let fresh = crate::api::regenerate(&id, role).await;
                    if let Ok(l) = &fresh
                        && role == "facilitator"
                    {
                        // This page's own link was among them.
                        crate::api::remember(&id, &l.facilitator);
                    }
                    copied.set(None);
                    links.set(Some(fresh));
                }));
            };
            view! {
                <li class="share-row" data-role=role>
                    <div class="share-who"><strong>{name}</strong><span class="muted">{about}</span></div>
                    <input class="share-url" readonly value=url aria-label=format!("{} · {}", tr("Link", "Lien"), name) on:focus=|ev| {
                        if let Some(input) = ev
                            .target()
                            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                        {
                            input.select();
                        }
                    }/>
                    <button class="button" data-copy=role on:click=move |_| {
                        copy(&copied_url);
                        copied.set(Some(role));
                    }>
                        {move || if copied.get() == Some(role) { tr("Copied", "Copié") } else { tr("Copy", "Copier") }}
                    </button>
                    <button class="link" data-regenerate=role on:click=regenerate
                        title=tr("Make a new link: the old one stops working, and whoever came by it is disconnected",
                            "Créer un nouveau lien : l'ancien ne marche plus, et qui l'utilisait est déconnecté")>
                        {tr("New link", "Nouveau lien")}
                    </button>
                </li>
            }
        })
        .collect_view()
        .into_any(),
    }
    };
    let node = NodeRef::<leptos::html::Div>::new();
    crate::dialog::behave(node, move || open.set(false));
    view! {
        <div class="share-dialog" role="dialog" aria-label=tr("Share links", "Liens de partage") node_ref=node>
            <div class="share-head">
                <h2>{tr("Share this board", "Partager ce tableau")}</h2>
                <button class="dialog-close" title=tr("Close", "Fermer") aria-label=tr("Close", "Fermer") on:click=move |_| open.set(false)>"×"</button>
            </div>
            <p class="muted">{tr(
                "Each link opens the board with its role. A new link revokes the old one.",
                "Chaque lien ouvre le tableau avec son rôle. Un nouveau lien révoque l'ancien.",
            )}</p>
            <ul class="share-list">{rows}</ul>
        </div>
    }
}
