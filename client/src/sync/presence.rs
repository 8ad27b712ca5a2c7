//! Presence: what this user shows the others through awareness (name and
//! colour, pointer, selection, the part of the board they see), sent at
//! most every 30 ms, the latest wins; and the others as [`Peer`]s.

use leptos::prelude::*;
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

/// Tells the others which text field this user is typing in (a note's id,
/// or a card's field: `persona-id/line/line-id`), or that they left it.
pub fn set_typing(field: Option<&str>) {
    set_presence_field(
        "typing",
        match field {
            Some(f) => serde_json::json!(f.chars().take(200).collect::<String>()),
            None => serde_json::Value::Null,
        },
    );
}

/// Tells the others what part of the board this user sees (for those who
/// follow them).
pub fn set_view(view: [f64; 4]) {
    set_presence_field("view", serde_json::json!(view.map(f64::round)));
}

/// Tells the others where this user's pointer is (in board units; `None`
/// when it left the board). Sent at most every 30 ms, the latest wins.
pub fn set_cursor(cursor: Option<(f64, f64)>) {
    set_presence_field(
        "cursor",
        match cursor {
            Some((x, y)) => serde_json::json!({ "x": x.round(), "y": y.round() }),
            None => serde_json::Value::Null,
        },
    );
}

/// Tells the others what this user has selected.
pub fn set_selection(ids: Vec<String>) {
    set_presence_field("selection", serde_json::json!(ids));
}

fn set_presence_field(key: &str, value: serde_json::Value) {
    STATE.with_borrow_mut(|state| {
        let Some(state) = state.as_mut() else { return };
        let mut json: serde_json::Value = state
            .awareness
            .local_state_raw()
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_else(|| serde_json::json!({}));
        json[key] = value;
        state.awareness.set_local_state_raw(json.to_string());
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
            let json: serde_json::Value = serde_json::from_str(state.data.as_deref()?).ok()?;
            let user = json.get("user")?;
            let cursor = json
                .get("cursor")
                .and_then(|c| Some((c.get("x")?.as_f64()?, c.get("y")?.as_f64()?)));
            let selection = json
                .get("selection")
                .and_then(|s| s.as_array())
                .map(|ids| {
                    ids.iter()
                        .filter_map(|id| id.as_str().map(str::to_owned))
                        .take(10_000)
                        .collect()
                })
                .unwrap_or_default();
            let view = json.get("view").and_then(|v| {
                let v = v.as_array()?;
                let n: Vec<f64> = v.iter().filter_map(|x| x.as_f64()).collect();
                (n.len() == 4 && n.iter().all(|x| x.is_finite())).then(|| [n[0], n[1], n[2], n[3]])
            });
            let typing = json
                .get("typing")
                .and_then(|t| t.as_str())
                .map(|t| t.chars().take(200).collect());
            Some(Peer {
                client: id.get(),
                view,
                typing,
                name: user
                    .get("name")?
                    .as_str()?
                    .chars()
                    .take(40)
                    .collect::<String>(),
                color: user
                    .get("color")
                    .and_then(|c| c.as_str())
                    .map(|c| atelier_shared::color_or(c, "#64748b"))
                    .unwrap_or("#64748b")
                    .to_owned(),
                cursor,
                selection,
            })
        })
        .collect();
    peers.sort_unstable_by(|a, b| a.name.cmp(&b.name).then(a.client.cmp(&b.client)));
    peers
}
