//! Comments on elements: a count on each element with open threads, and a
//! panel for the element being discussed (threads, replies, resolve).

use atelier_shared::comments::{Comment, Comments, Reply};
use leptos::prelude::*;
use yrs::Transact;

use super::model::{model, ui};
use super::ops;
use crate::lang::tr;

/// The board's threads, read again whenever one changes (`rev` is bumped
/// by the `comments` map's observer).
pub fn threads(rev: RwSignal<u64>) -> Memo<Vec<Comment>> {
    let comments = Comments::new(&model().doc);
    // The observer runs inside the transaction that changed the map: the
    // threads are read once it is over (reading the document here would
    // wait for the transaction forever).
    yrs::DeepObservable::observe_deep(comments.map(), "atelier-comments", move |_, _| {
        queue_microtask(move || rev.update(|r| *r += 1))
    });
    Memo::new(move |_| {
        rev.track();
        let model = model();
        Comments::new(&model.doc).all(&model.doc.transact())
    })
}

/// On an element: how many open threads it has (a click opens them).
pub fn badge(id: String) -> impl IntoView {
    let ui = ui();
    let open = {
        let id = id.clone();
        Memo::new(move |_| {
            ui.comments.with(|all| {
                all.iter()
                    .filter(|c| c.element == id && !c.resolved)
                    .count()
            })
        })
    };
    move || {
        let n = open.get();
        let id = id.clone();
        (n > 0).then(|| {
            view! {
                <button class="el-comments" title=tr("Comments", "Commentaires")
                    on:pointerdown=|ev| ev.stop_propagation()
                    on:click=move |_| ui.commenting.set(Some(id.clone()))>
                    {n.to_string()}
                </button>
            }
        })
    }
}

/// "When" a comment was made, short.
fn when(created: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(created as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// The threads of the element being discussed, and a box for a new one.
pub fn panel() -> impl IntoView {
    let ui = ui();
    let draft = RwSignal::new(String::new());
    let element = move || ui.commenting.get().unwrap_or_default();
    let subject = move || {
        let id = element();
        model()
            .scene
            .get(&id)
            .map(|e| e.text.chars().take(60).collect::<String>())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| tr("This element", "Cet élément").to_owned())
    };
    let threads = move || {
        let id = element();
        ui.comments.with(|all| {
            all.iter()
                .filter(|c| c.element == id)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let post = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let comment = Comment {
            id: ops::new_id(),
            element: element(),
            author: model().author.clone(),
            created: js_sys::Date::now() as i64,
            text,
            ..Comment::default()
        };
        ops::comment(&comment);
        draft.set(String::new());
    };
    let node = NodeRef::<leptos::html::Aside>::new();
    crate::dialog::behave(node, move || ui.commenting.set(None));
    view! {
        <aside class="comments-panel" aria-label=tr("Comments", "Commentaires") node_ref=node
            on:pointerdown=|ev| ev.stop_propagation()>
            <div class="panel-head">
                <h3>{tr("Comments", "Commentaires")}</h3>
                <button class="dialog-close" title=tr("Close", "Fermer") aria-label=tr("Close", "Fermer")
                    on:click=move |_| ui.commenting.set(None)>"×"</button>
            </div>
            <p class="comments-subject">{subject}</p>
            <ul class="threads">
                {move || threads().into_iter().map(thread).collect_view()}
            </ul>
            {ui.writes.then(|| view! {
                <textarea class="comment-new" rows="3" placeholder=tr("Add a comment… (Enter to post, Shift+Enter for a new line)", "Ajouter un commentaire… (Entrée pour publier, Maj+Entrée pour aller à la ligne)")
                    prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        // Enter posts, as in Miro; Shift+Enter breaks the line.
                        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                            ev.prevent_default();
                            post();
                        }
                    }></textarea>
                <button class="button primary comment-post" on:click=move |_| post()>{tr("Comment", "Commenter")}</button>
            })}
        </aside>
    }
}

/// One thread: the comment, its replies, a reply box, resolve or reopen.
fn thread(c: Comment) -> impl IntoView {
    let ui = ui();
    let reply = RwSignal::new(String::new());
    let (id, id2) = (c.id.clone(), c.id.clone());
    let resolved = c.resolved;
    let send = move || {
        let text = reply.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let r = Reply {
            author: model().author.clone(),
            created: js_sys::Date::now() as i64,
            text,
        };
        ops::reply(&id, &r);
        reply.set(String::new());
    };
    let lines = std::iter::once((c.author.clone(), c.created, c.text.clone()))
        .chain(c.replies.into_iter().map(|r| (r.author, r.created, r.text)))
        .map(|(author, created, text)| {
            view! {
                <li class="comment">
                    <div class="comment-meta"><strong>{author}</strong>" · "{when(created)}</div>
                    <div class="comment-text">{text}</div>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="thread" class:resolved=resolved data-thread=c.id.clone()>
            <ul class="comments">{lines}</ul>
            {(ui.writes && !resolved).then(|| view! {
                <div class="reply">
                    <input class="reply-text" placeholder=tr("Reply…", "Répondre…")
                        prop:value=reply on:input=move |ev| reply.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { send() }/>
                </div>
            })}
            {ui.writes.then(|| view! {
                <button class="link" data-resolve=id2.clone()
                    on:click=move |_| ops::resolve(&id2, !resolved)>
                    {if resolved { tr("Reopen", "Rouvrir") } else { tr("Resolve", "Résoudre") }}
                </button>
            })}
        </li>
    }
}
