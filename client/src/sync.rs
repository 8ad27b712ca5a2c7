//! The socket and the sync provider: the page's yrs document kept in step
//! with the server over the y-websocket protocol, with reconnection.
//!
//! All network code of the client lives here. State is per page (one
//! board), held in thread-locals because the browser is single-threaded
//! and yrs observers must not capture the socket.

use std::cell::RefCell;

use atelier_shared::{Board, protocol};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};
use yrs::sync::{Awareness, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::{Doc, Origin, Transact, Update};

/// Origin of transactions that apply what the server sent: not echoed back.
const REMOTE: &str = "remote";
/// Longest wait between reconnection attempts, in ms.
const MAX_BACKOFF_MS: f64 = 15_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Syncing,
    Synced,
    Offline,
}

impl Status {
    /// The value of the page's `data-sync` attribute.
    pub fn key(self) -> &'static str {
        match self {
            Status::Connecting => "connecting",
            Status::Syncing => "syncing",
            Status::Synced => "synced",
            Status::Offline => "offline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Connecting => "Connecting…",
            Status::Syncing => "Syncing…",
            Status::Synced => "Live",
            Status::Offline => "Offline · reconnecting",
        }
    }
}

/// Someone else on the board, from their awareness state.
#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    pub name: String,
    pub color: String,
}

/// What the page shows of the board and the connection.
#[derive(Clone, Copy)]
pub struct Live {
    pub status: ReadSignal<Status>,
    pub title: ReadSignal<String>,
    pub elements: ReadSignal<u32>,
    pub peers: ReadSignal<Vec<Peer>>,
}

struct State {
    url: String,
    awareness: Awareness,
    attempts: u32,
    status: WriteSignal<Status>,
    peers: WriteSignal<Vec<Peer>>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    static SOCKET: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
    static HANDLERS: RefCell<Option<Handlers>> = const { RefCell::new(None) };
}

/// The socket callbacks, made once and attached to every new socket.
struct Handlers {
    open: Closure<dyn FnMut()>,
    message: Closure<dyn FnMut(MessageEvent)>,
    close: Closure<dyn FnMut(CloseEvent)>,
}

/// Starts syncing `board` as `name` (shown to others in `color`).
pub fn connect(board: &str, name: &str, color: &str) -> Live {
    let (status, set_status) = signal(Status::Connecting);
    let (title, set_title) = signal(String::new());
    let (elements, set_elements) = signal(0u32);
    let (peers, set_peers) = signal(Vec::<Peer>::new());

    let doc = Doc::new();
    let model = Board::new(&doc);
    let mut awareness = Awareness::with_clock(doc.clone(), || js_sys::Date::now() as u64);
    let _ = awareness.set_local_state(serde_json::json!({
        "user": { "name": name, "color": color }
    }));

    // Local changes go to the server as they commit.
    let _ = doc.observe_update_v1("atelier-sync", |txn, event| {
        if txn.origin() == Some(&Origin::from(REMOTE)) {
            return;
        }
        send(protocol::update(event.update.clone()));
    });
    // The page's view of the board follows the document.
    let _ = doc.observe_after_transaction("atelier-view", move |txn| {
        let meta = model.meta(txn);
        set_title.set(meta.title);
        set_elements.set(model.element_count(txn));
    });

    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    STATE.with_borrow_mut(|state| {
        *state = Some(State {
            url: format!("{scheme}://{host}/ws/{board}"),
            awareness,
            attempts: 0,
            status: set_status,
            peers: set_peers,
        })
    });
    HANDLERS.with_borrow_mut(|h| *h = Some(handlers()));
    open_socket();
    Live {
        status,
        title,
        elements,
        peers,
    }
}

fn handlers() -> Handlers {
    Handlers {
        open: Closure::new(|| {
            let frames = STATE.with_borrow_mut(|state| {
                let state = state.as_mut()?;
                state.attempts = 0;
                state.status.set(Status::Syncing);
                let mut frames = vec![protocol::sync_step1(state.awareness.doc())];
                if let Ok(update) = state.awareness.update() {
                    frames.push(protocol::awareness(update));
                }
                Some(frames)
            });
            // One message per frame.
            for frame in frames.unwrap_or_default() {
                send(frame);
            }
        }),
        message: Closure::new(|event: MessageEvent| {
            if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                receive(&js_sys::Uint8Array::new(&buffer).to_vec());
            }
        }),
        close: Closure::new(|_: CloseEvent| {
            SOCKET.with_borrow_mut(|socket| *socket = None);
            let delay = STATE.with_borrow_mut(|state| {
                let state = state.as_mut()?;
                state.status.set(Status::Offline);
                state.attempts += 1;
                // Jittered exponential backoff: a restarted server is not
                // hit by every client at the same instant.
                let base = (250.0 * 2f64.powi(state.attempts.min(8) as i32)).min(MAX_BACKOFF_MS);
                Some(base * (0.5 + js_sys::Math::random() * 0.5))
            });
            if let Some(delay) = delay {
                let retry = Closure::once_into_js(open_socket);
                let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
                    retry.unchecked_ref(),
                    delay as i32,
                );
            }
        }),
    }
}

fn open_socket() {
    let Some(url) = STATE.with_borrow(|s| s.as_ref().map(|s| s.url.clone())) else {
        return;
    };
    let Ok(socket) = WebSocket::new(&url) else {
        return;
    };
    socket.set_binary_type(BinaryType::Arraybuffer);
    HANDLERS.with_borrow(|handlers| {
        if let Some(h) = handlers {
            socket.set_onopen(Some(h.open.as_ref().unchecked_ref()));
            socket.set_onmessage(Some(h.message.as_ref().unchecked_ref()));
            socket.set_onclose(Some(h.close.as_ref().unchecked_ref()));
        }
    });
    SOCKET.with_borrow_mut(|s| *s = Some(socket));
}

fn send(frame: Vec<u8>) {
    SOCKET.with_borrow(|socket| {
        if let Some(socket) = socket
            && socket.ready_state() == WebSocket::OPEN
        {
            let _ = socket.send_with_u8_array(&frame);
        }
    });
}

/// Applies one frame from the server and answers what calls for an answer.
fn receive(frame: &[u8]) {
    let Ok(messages) = protocol::decode_frame(frame) else {
        leptos::logging::warn!("ignoring a malformed frame from the server");
        return;
    };
    let replies = STATE.with_borrow_mut(|state| {
        let Some(state) = state.as_mut() else {
            return Vec::new();
        };
        let mut replies = Vec::new();
        for message in messages {
            match message {
                Message::Sync(SyncMessage::SyncStep1(sv)) => {
                    replies.push(protocol::sync_step2(state.awareness.doc(), &sv));
                }
                Message::Sync(SyncMessage::SyncStep2(update)) => {
                    apply_remote(state.awareness.doc(), &update);
                    state.status.set(Status::Synced);
                }
                Message::Sync(SyncMessage::Update(update)) => {
                    apply_remote(state.awareness.doc(), &update)
                }
                Message::Awareness(update) => {
                    let _ = state.awareness.apply_update(update);
                    state.peers.set(peers(&state.awareness));
                }
                Message::AwarenessQuery => {
                    if let Ok(update) = state.awareness.update() {
                        replies.push(protocol::awareness(update));
                    }
                }
                Message::Auth(_) | Message::Custom(..) => {}
            }
        }
        replies
    });
    for reply in replies {
        send(reply);
    }
}

fn apply_remote(doc: &Doc, update: &[u8]) {
    match Update::decode_v1(update) {
        Ok(update) => {
            let mut txn = doc.transact_mut_with(REMOTE);
            if let Err(err) = txn.apply_update(update) {
                leptos::logging::warn!("could not apply an update: {err}");
            }
        }
        Err(err) => leptos::logging::warn!("could not decode an update: {err}"),
    }
}

fn peers(awareness: &Awareness) -> Vec<Peer> {
    let me = awareness.client_id();
    let mut peers: Vec<Peer> = awareness
        .iter()
        .filter(|(id, _)| *id != me)
        .filter_map(|(_, state)| {
            let json: serde_json::Value = serde_json::from_str(state.data.as_deref()?).ok()?;
            let user = json.get("user")?;
            Some(Peer {
                name: user.get("name")?.as_str()?.to_owned(),
                color: user
                    .get("color")
                    .and_then(|c| c.as_str())
                    .unwrap_or("#64748b")
                    .to_owned(),
            })
        })
        .collect();
    peers.sort_by(|a, b| a.name.cmp(&b.name));
    peers
}
