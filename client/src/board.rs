//! The board: the canvas, its panels, and the model they share.

mod announce;
mod camera;
mod canvas;
mod chrome;
mod cite;
mod commands;
mod comments;
mod facilitate;
mod far;
mod gesture;
mod history;
mod icons;
mod images;
mod import;
mod journey;
mod keys;
mod later;
mod look;
mod method;
mod model;
mod needs;
mod notes_panel;
mod ops;
mod outline;
mod overlay;
mod persona;
mod picture;
mod private;
mod redact;
mod scene;
mod view;
mod votes;

use std::collections::HashSet;

use leptos::prelude::*;

pub use model::{Tool, Ui};

use crate::sync::Live;

/// The board's canvas and panels, on the document `live` keeps in sync.
#[component]
pub fn Board(
    live: Live,
    author: String,
    title: WriteSignal<String>,
    read_only: bool,
    facilitator: bool,
) -> impl IntoView {
    ops::set_read_only(read_only);
    let layout = RwSignal::new(0u64);
    let look = RwSignal::new(0u64);
    model::install(live.doc.clone(), author, layout, look, title);
    let ui = Ui {
        facilitation: live.facilitation,
        reactions: live.reactions,
        facilitator,
        writes: !read_only,
        following: RwSignal::new(true),
        comments: comments::threads(RwSignal::new(0)),
        commenting: RwSignal::new(None),
        redacting: RwSignal::new(None),
        camera: RwSignal::new(camera::Camera::default()),
        viewport: RwSignal::new((1280.0, 720.0)),
        tool: RwSignal::new(Tool::Select),
        selection: RwSignal::new(HashSet::new()),
        editing: RwSignal::new(None),
        layout,
        look,
        snap: RwSignal::new(true),
        space: RwSignal::new(false),
        note_color: RwSignal::new(atelier_shared::NOTE_COLORS[0].1),
        peers: live.peers,
        typing: {
            let peers = live.peers;
            Memo::new(move |_| {
                peers.with(|p| {
                    p.iter()
                        .filter_map(|p| {
                            Some((p.typing.clone()?, (p.name.clone(), p.color.clone())))
                        })
                        .collect()
                })
            })
        },
        toast: RwSignal::new(None),
        pointer: StoredValue::new(None),
        importing: RwSignal::new(false),
        panel: RwSignal::new(false),
        history: RwSignal::new(false),
        outline: RwSignal::new(false),
        templates: RwSignal::new(false),
        exports: RwSignal::new(false),
        results_open: RwSignal::new(true),
        drop_target: RwSignal::new(None),
        banners_open: RwSignal::new(true),
        highlight: RwSignal::new(None),
        cited: Memo::new(move |_| {
            look.track();
            let scene = &model::model().scene;
            // The few elements that cite, without going through every id.
            let citing: Vec<atelier_shared::Element> = scene
                .of_kind(atelier_shared::Kind::Persona)
                .into_iter()
                .chain(scene.of_kind(atelier_shared::Kind::Journey))
                .chain(scene.citing())
                .filter_map(|id| scene.get(&id))
                .collect();
            atelier_shared::persona::places(&citing, crate::lang::ui_lang())
        }),
        filter: RwSignal::new(Default::default()),
    };
    provide_context(ui);
    keys::install(ui);
    // Locked elements stay put for everyone; the server's refusals are said.
    Effect::new(move |_| {
        ops::set_locked(ui.facilitation.with(|s| s.locked.clone()));
    });
    // Private mode: new notes stay with their author until it ends, when
    // they go onto the board.
    Effect::new(move |_| {
        let on = ui.facilitation.with(|s| s.private);
        private::set_on(on && ui.writes);
        if !on && private::any() {
            ops::reveal_private();
        }
    });
    // The chrome's place changed (a banner, the results, a side panel): a
    // board left as fitted is fitted anew (a board the user moved stays).
    Effect::new(move |_| {
        ui.facilitation.track();
        for shown in [
            ui.banners_open,
            ui.results_open,
            ui.panel,
            ui.history,
            ui.outline,
        ] {
            shown.track();
        }
        commands::refit_if_untouched(ui);
    });
    // One side panel at a time: opening one closes the others.
    for (own, others) in [
        (ui.outline, [ui.history, ui.panel]),
        (ui.history, [ui.outline, ui.panel]),
        (ui.panel, [ui.outline, ui.history]),
    ] {
        Effect::new(move |_| {
            if own.get() {
                for other in others {
                    if other.get_untracked() {
                        other.set(false);
                    }
                }
            }
        });
    }
    let denied = live.denied;
    Effect::new(move |_| {
        // The server says a code; it is worded in this person's language.
        if let Some(reason) = denied.get() {
            let text = match atelier_shared::notice::Notice::read(&reason) {
                Some(notice) => notice.text(crate::lang::ui_lang()).to_owned(),
                None => reason,
            };
            ui.toast.set(Some(text));
        }
    });

    // Once the first sync has brought the board, show all of it.
    let fitted = StoredValue::new(false);
    Effect::new(move |_| {
        let status = live.status.get();
        let (w, _) = ui.viewport.get();
        if !fitted.get_value()
            && w > 0.0
            && matches!(
                status,
                crate::sync::Status::Saved | crate::sync::Status::Saving
            )
        {
            fitted.set_value(true);
            commands::zoom_to_fit(ui);
            // From now on, what others change is news.
            announce::start();
            // For the browser benchmark: when the synced board was first
            // painted, in ms since navigation started.
            // (The second animation frame comes after that paint.)
            request_animation_frame(|| {
                request_animation_frame(|| {
                    canvas::mark_opened();
                    let ready = window().performance().map(|p| p.now()).unwrap_or_default();
                    if let Some(board) = document().query_selector(".board").ok().flatten() {
                        let _ = board.set_attribute("data-ready-ms", &format!("{ready:.0}"));
                    }
                })
            });
        }
    });
    // Whatever disappears from the board leaves the selection.
    Effect::new(move |_| {
        layout.track();
        let selection = ui.selection.get_untracked();
        let scene = &model::model().scene;
        if selection.iter().any(|id| scene.kind(id).is_none()) {
            ui.select(selection.into_iter().filter(|id| scene.kind(id).is_some()));
        }
    });
    // Leaving a text box empty removes it (as in Miro); leaving any text
    // ends that undo step.
    let last_edit = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let now = ui.editing.get();
        if let Some(previous) = last_edit.get_value()
            && now.as_ref() != Some(&previous)
        {
            ops::end_step();
            if let Some(e) = model::model().scene.get(&previous)
                && e.kind == atelier_shared::Kind::Text
                && e.text.trim().is_empty()
            {
                ops::delete(&HashSet::from([previous]));
            }
        }
        last_edit.set_value(now);
    });
    // A toast goes away after a few seconds (unless replaced meanwhile).
    Effect::new(move |_| {
        if let Some(shown) = ui.toast.get() {
            set_timeout(
                move || {
                    if ui.toast.get_untracked().as_deref() == Some(shown.as_str()) {
                        ui.toast.set(None);
                    }
                },
                std::time::Duration::from_secs(4),
            );
        }
    });
    let count = move || {
        layout.track();
        model::model().scene.len()
    };

    view! {
        <div class="board" class:read-only=read_only data-elements=count>
            <canvas::Canvas/>
            <chrome::Toolbar/>
            {facilitate::facilitation_bar()}
            {votes::results()}
            {facilitate::reactions()}
            <div class="bottom-right">
                <chrome::Minimap/>
                <chrome::ZoomControls/>
            </div>
            {move || ui.toast.get().map(|t| view! { <div class="toast" role="status">{t}</div> })}
            {announce::region()}
            {move || ui.panel.get().then(|| view! { <notes_panel::NotesPanel/> })}
            {move || ui.importing.get().then(|| Suspend::new(later::import_dialog()))}
            {move || ui.commenting.get().is_some().then(comments::panel)}
            {move || ui.redacting.get().is_some().then(redact::panel)}
            {move || ui.history.get().then(|| Suspend::new(later::history_panel()))}
            {move || ui.outline.get().then(|| Suspend::new(later::outline_panel()))}
        </div>
    }
}

/// This user's private notes, for the server on (re)connecting.
pub fn private_state() -> Option<Vec<u8>> {
    private::full_state()
}

/// The server gave back this user's private notes.
pub fn receive_private(update: &[u8]) {
    private::receive(update);
}
