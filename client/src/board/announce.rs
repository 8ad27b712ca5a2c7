//! What others change, said politely to a screen reader: the changes that
//! came from the server are summed up ("Note added: Claims take weeks",
//! "3 added, 1 changed") at most every two seconds, in a live region.

use std::cell::{Cell, RefCell};

use atelier_shared::Kind;
use leptos::prelude::*;

use crate::lang::tr;

#[derive(Default)]
struct Pending {
    /// What was added: (kind, text), the first few.
    added: Vec<(Kind, String)>,
    added_count: usize,
    changed: usize,
    removed: usize,
}

thread_local! {
    static PENDING: RefCell<Pending> = RefCell::new(Pending::default());
    /// Set once the board is shown: the first sync is not news.
    static ON: Cell<bool> = const { Cell::new(false) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    static SAID: RefCell<Option<RwSignal<String>>> = const { RefCell::new(None) };
}

/// The live region of the board page (polite: it waits for the reader).
pub fn region() -> impl IntoView {
    let said = RwSignal::new(String::new());
    SAID.with_borrow_mut(|s| *s = Some(said));
    on_cleanup(|| {
        SAID.with_borrow_mut(|s| *s = None);
        ON.set(false);
    });
    view! { <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">{move || said.get()}</div> }
}

/// Whether others' changes are said (the board is shown).
pub fn is_on() -> bool {
    ON.get()
}

/// From now on, others' changes are said.
pub fn start() {
    ON.set(true);
}

/// Others added `added` (kind and text), changed `changed` and removed
/// `removed` elements.
pub fn others_changed(added: Vec<(Kind, String)>, changed: usize, removed: usize) {
    if !ON.get() || (added.is_empty() && changed == 0 && removed == 0) {
        return;
    }
    PENDING.with_borrow_mut(|p| {
        p.added_count += added.len();
        p.added
            .extend(added.into_iter().take(3usize.saturating_sub(p.added.len())));
        p.changed += changed;
        p.removed += removed;
    });
    if SCHEDULED.replace(true) {
        return;
    }
    set_timeout(
        || {
            SCHEDULED.set(false);
            let pending = PENDING.take();
            let text = say(&pending);
            SAID.with_borrow(|s| {
                if let Some(s) = s {
                    s.set(text);
                }
            });
        },
        std::time::Duration::from_secs(2),
    );
}

fn say(p: &Pending) -> String {
    if p.added_count == 1 && p.changed == 0 && p.removed == 0 {
        let (kind, text) = &p.added[0];
        let short: String = text.chars().take(80).collect();
        return format!(
            "{} {}: {short}",
            crate::lang::kind_word(kind),
            tr("added", "ajouté(e)")
        );
    }
    let mut parts = Vec::new();
    for (n, en, fr) in [
        (p.added_count, "added", "ajouté(s)"),
        (p.changed, "changed", "modifié(s)"),
        (p.removed, "removed", "supprimé(s)"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", tr(en, fr)));
        }
    }
    format!(
        "{} {}",
        tr("Others' changes:", "Changements des autres :"),
        parts.join(", ")
    )
}
