//! What every dialog, panel and viewer does: it takes the focus when it
//! opens and gives it back when it closes, and Esc closes it (the one on
//! top only, when several are open). And the in-app confirmation asked
//! before an act that cannot be taken back.

use std::cell::{Cell, RefCell};

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::lang::tr;

thread_local! {
    /// The dialogs open now, the last one on top.
    static OPEN: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(0) };
    /// What the confirmation runs when it is accepted.
    static ON_YES: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
    /// The question asked now: (question, the act's name).
    static ASKED: RwSignal<Option<(String, &'static str)>> = RwSignal::new(None);
}

/// Makes the element `node` refers to a dialog: focused once it is in the
/// page (the focus goes back where it was when the dialog goes), closed by
/// `close` on Esc when it is the dialog on top.
pub fn behave<E>(node: NodeRef<E>, close: impl Fn() + 'static)
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    OPEN.with_borrow_mut(|open| open.push(id));
    let before = send_wrapper::SendWrapper::new(document().active_element());
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let el: web_sys::HtmlElement = el.unchecked_into();
            if !el.has_attribute("tabindex") {
                let _ = el.set_attribute("tabindex", "-1");
            }
            // Unless something inside it (a field) already took the focus.
            if !el.contains(
                document()
                    .active_element()
                    .as_ref()
                    .map(|a| a.unchecked_ref()),
            ) {
                let _ = el.focus();
            }
        }
    });
    let esc = window_event_listener(ev::keydown, move |e| {
        let on_top = OPEN.with_borrow(|open| open.last() == Some(&id));
        if e.key() == "Escape" && on_top && !e.default_prevented() {
            e.prevent_default();
            close();
        }
    });
    on_cleanup(move || {
        esc.remove();
        OPEN.with_borrow_mut(|open| open.retain(|o| *o != id));
        if let Some(el) = before
            .take()
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|b| b.is_connected())
        {
            let _ = el.focus();
        }
    });
}

/// Whether a dialog is open (Esc is then its own).
pub fn any_open() -> bool {
    OPEN.with_borrow(|open| !open.is_empty())
}

/// Asks `question` in the page; `act` names what happens (the button that
/// does it) and `then` runs only if the user confirms.
pub fn confirm(question: String, act: &'static str, then: impl FnOnce() + 'static) {
    ON_YES.set(Some(Box::new(then)));
    ASKED.with(|a| a.set(Some((question, act))));
}

/// Where the confirmations appear: once in each page.
#[component]
pub fn Confirmations() -> impl IntoView {
    let asked = ASKED.with(|a| *a);
    move || {
        asked.get().map(|(question, act)| {
            let node = NodeRef::<leptos::html::Div>::new();
            let cancel = move || {
                ON_YES.set(None);
                asked.set(None);
            };
            behave(node, cancel);
            let yes = move |_| {
                asked.set(None);
                if let Some(then) = ON_YES.take() {
                    then();
                }
            };
            view! {
                <div class="confirm-backdrop">
                    <div class="confirm-dialog" role="alertdialog" aria-modal="true" aria-label=act node_ref=node>
                        <p class="confirm-question">{question}</p>
                        <div class="dialog-foot">
                            <button class="button" data-confirm="no" on:click=move |_| cancel()>{tr("Cancel", "Annuler")}</button>
                            <button class="button primary danger" data-confirm="yes" on:click=yes>{act}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
