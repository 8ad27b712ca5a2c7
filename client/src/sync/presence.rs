//! Presence: what this user shows the others through awareness (name and
//! colour, pointer, selection, the part of the board they see), sent at
//! most every 30 ms, the latest wins; and the others as [`Peer`]s.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yrs::sync::Awareness;

use super::{STATE, protocol, send};

/// Presence (cursor, selection) goes out at most this often, in ms.
const PRESENCE_INTERVAL_MS: f64 = 30.0;

/// Someone else on the board, as their awareness says.
#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    pub client: u64,
    pub name: String,
    pub color: String,
    /// Pointer position in board units, while it is over the board.
    pub cursor: Option<(f64, f64)>,
    pub selection: Vec<String>,
    /// The part of the board they see (x, y, w, h), for those who follow.
    pub view: Option<[f64; 4]>,
    /// The text field they are typing in (see [`set_typing`]).
    pub typing: Option<String>,
}

/// What this user shows the others, as awareness JSON: `user` (name and
/// colour) as any Yjs client reads it, and what Atelier's clients add.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Shown {
    pub user: User,
    /// The pointer, in board units (`null` off the board).
    #[serde(default)]
    pub cursor: Option<Point>,
    #[serde(default)]
    pub selection: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<[f64; 4]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct User {
    pub name: String,
    #[serde(default)]
    pub color: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(super) struct Point {
    pub x: f64,
    pub y: f64,
}

/// What another Yjs client may show and Atelier's do not read otherwise:
/// the user alone.
#[derive(Deserialize)]
struct OnlyUser {
    user: User,
}

/// Tells the others which text field this user is typing in (a note's id,
/// or a card's field: `persona-id/line/line-id`), or that they left it.
pub fn set_typing(field: Option<&str>) {
    let typing = field.map(|f| f.chars().take(200).collect());
    set_presence(|shown| shown.typing = typing);
}

/// Tells the others what part of the board this user sees (for those who
/// follow them).
pub fn set_view(view: [f64; 4]) {
    set_presence(|shown| shown.view = Some(view.map(f64::round)));
}

/// Tells the others where this user's pointer is (in board units; `None`
/// when it left the board). Sent at most every 30 ms, the latest wins.
pub fn set_cursor(cursor: Option<(f64, f64)>) {
    let cursor = cursor.map(|(x, y)| Point {
        x: x.round(),
        y: y.round(),
    });
    set_presence(|shown| shown.cursor = cursor);
}

/// Tells the others what this user has selected.
pub fn set_selection(ids: Vec<String>) {
    set_presence(|shown| shown.selection = ids);
}

fn set_presence(change: impl FnOnce(&mut Shown)) {
    STATE.with_borrow_mut(|state| {
        let Some(state) = state.as_mut() else { return };
        change(&mut state.shown);
        let _ = state.awareness.set_local_state(&state.shown);
    });
    let wait = STATE.with_borrow_mut(|state| {
        let state = state.as_mut()?;
        if state.presence_scheduled {
            return None;
        }
        let since = js_sys::Date::now() - state.presence_sent_at;
        if since >= PRESENCE_INTERVAL_MS {
            return Some(0.0);
        }
        state.presence_scheduled = true;
        Some(PRESENCE_INTERVAL_MS - since)
    });
    match wait {
        Some(0.0) => send_presence(),
        Some(delay) => {
            let later = Closure::once_into_js(|| {
                STATE.with_borrow_mut(|s| {
                    if let Some(s) = s.as_mut() {
                        s.presence_scheduled = false;
                    }
                });
                send_presence();
            });
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
                later.unchecked_ref(),
                delay as i32,
            );
        }
        None => {}
    }
}

pub(super) fn send_presence() {
    let frame = STATE.with_borrow_mut(|state| {
        let state = state.as_mut()?;
        state.presence_sent_at = js_sys::Date::now();
        let me = state.awareness.client_id();
        let update = state.awareness.update_with_clients([me]).ok()?;
        Some(protocol::awareness(update))
    });
    if let Some(frame) = frame {
        send(frame);
    }
}

pub(super) fn peers(awareness: &Awareness) -> Vec<Peer> {
    let me = awareness.client_id();
    let mut peers: Vec<Peer> = awareness
        .iter()
        .filter(|(id, _)| *id != me)
        .filter_map(|(id, state)| {
            let data = state.data.as_deref()?;
            // Another Yjs client may show other things under the same
            // names: its user is still seen.
            let shown = serde_json::from_str::<Shown>(data)
                .or_else(|_| {
                    serde_json::from_str::<OnlyUser>(data).map(|o| Shown {
                        user: o.user,
                        ..Shown::default()
                    })
                })
                .ok()?;
            let cursor = shown
                .cursor
                .map(|p| (p.x, p.y))
                .filter(|(x, y)| x.is_finite() && y.is_finite());
            let mut selection = shown.selection;
            selection.truncate(10_000);
            let view = shown.view.filter(|v| v.iter().all(|x| x.is_finite()));
            let typing = shown.typing.map(|t| t.chars().take(200).collect());
            let user = shown.user;
            Some(Peer {
                client: id.get(),
                view,
                typing,
                name: user.name.chars().take(40).collect::<String>(),
                color: atelier_shared::color_or(&user.color, "#64748b").to_owned(),
                cursor,
                selection,
            })
        })
        .collect();
    peers.sort_unstable_by(|a, b| a.name.cmp(&b.name).then(a.client.cmp(&b.client)));
    peers
}
