//! The socket and the sync provider: the page's yrs document kept in step
//! with the server over the y-websocket protocol, with reconnection,
//! presence (awareness) and a "saved" signal.
//!
//! All network code of the board page lives here. State is per page (one
//! board), held in thread-locals because the browser is single-threaded
//! and yrs observers must not capture the socket.
//!
//! "All changes saved" comes from the protocol itself: after local changes
//! the provider sends a SyncStep1, and the server answers a peer only after
//! everything that peer sent before is stored (its group-commit order). So
//! the SyncStep2 that comes back proves the changes before it are durable.

use std::cell::RefCell;
use std::collections::VecDeque;

use atelier_shared::protocol::close;
use atelier_shared::{facilitation, protocol};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};
use yrs::sync::{Awareness, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Doc, OffsetKind, Options, Origin, Transact, Update};

mod presence;
pub use presence::{Peer, set_cursor, set_selection, set_typing, set_view};
use presence::{peers, send_presence};

/// Origin of transactions that apply what the server sent: not echoed back
/// and never undone by the local undo manager.
pub const REMOTE: &str = "remote";
/// Longest wait between reconnection attempts, in ms.
const MAX_BACKOFF_MS: f64 = 15_000.0;
/// How long after a local change the provider asks whether it is stored.
const SAVE_CHECK_DELAY_MS: i32 = 250;
/// Awareness is renewed this often so other clients do not time us out.
const AWARENESS_RENEW_MS: i32 = 15_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Syncing,
    /// Connected, local changes not yet confirmed stored.
    Saving,
    /// Connected, everything local is stored on the server.
    Saved,
    Offline,
    /// The link was revoked or the board deleted while connected.
    Refused,
    /// The link expired while connected.
    Expired,
    /// The board was deleted while connected.
    Deleted,
    /// The board's saved data cannot be read on the server (it is kept,
    /// unchanged, for whoever runs the server).
    Unreadable,
}

impl Status {
    /// The value of the page's `data-sync` attribute.
    pub fn key(self) -> &'static str {
        match self {
            Status::Connecting => "connecting",
            Status::Syncing => "syncing",
            Status::Saving => "saving",
            Status::Saved => "saved",
            Status::Offline => "offline",
            Status::Refused | Status::Expired | Status::Deleted => "refused",
            Status::Unreadable => "unreadable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Connecting => crate::lang::tr("Connecting…", "Connexion…"),
            Status::Syncing => crate::lang::tr("Syncing…", "Synchronisation…"),
            Status::Saving => crate::lang::tr("Saving…", "Enregistrement…"),
            Status::Saved => crate::lang::tr(
                "All changes saved",
                "Toutes les modifications sont enregistrées",
            ),
            Status::Offline => crate::lang::tr(
                "Offline · edits kept",
                "Hors ligne · modifications conservées",
            ),
            Status::Refused | Status::Expired | Status::Deleted => crate::lang::tr(
                "This link no longer opens the board",
                "Ce lien n'ouvre plus le tableau",
            ),
            Status::Unreadable => crate::lang::tr(
                "This board's saved data cannot be read",
                "Les données enregistrées de ce tableau sont illisibles",
            ),
        }
    }
}

/// Someone else on the board, from their awareness state.
/// What the provider asks of the page for this user's private notes
/// (kept in a document of their own, see `board/private.rs`): their whole
/// state, sent on every (re)connection, and where the server's copy goes.
#[derive(Clone, Copy)]
pub struct PrivateNotes {
    pub state: fn() -> Option<Vec<u8>>,
    pub receive: fn(&[u8]),
}

/// What the page shows of the board and the connection.
#[derive(Clone)]
pub struct Live {
    pub doc: Doc,
    pub status: ReadSignal<Status>,
    pub peers: ReadSignal<Vec<Peer>>,
    /// The facilitator's settings, as the server last sent them.
    pub facilitation: ReadSignal<facilitation::State>,
    /// Reactions received: (a number, the reaction), newest last.
    pub reactions: ReadSignal<Vec<(u32, facilitation::Reaction)>>,
    /// The server's last refusal of something this user did.
    pub denied: ReadSignal<Option<String>>,
}

struct State {
    url: String,
    awareness: Awareness,
    attempts: u32,
    connected: bool,
    synced: bool,
    /// The server closed for good: the link was revoked or the board
    /// deleted. No more reconnecting.
    refused: bool,
    /// The close code and reason that ended it.
    ended: Option<(u16, String)>,
    /// The server cannot read the board's saved data
    /// (`close::BOARD_UNREADABLE`).
    unreadable: bool,
    board: String,
    /// Local changes made so far, and how many of them are known stored.
    local_seq: u64,
    saved_seq: u64,
    /// `local_seq` at each SyncStep1 in flight, oldest first.
    save_checks: VecDeque<u64>,
    save_check_scheduled: bool,
    /// What this user shows the others (see [`presence::Shown`]).
    shown: presence::Shown,
    presence_sent_at: f64,
    presence_scheduled: bool,
    status: WriteSignal<Status>,
    peers: WriteSignal<Vec<Peer>>,
    facilitation: WriteSignal<facilitation::State>,
    reactions: WriteSignal<Vec<(u32, facilitation::Reaction)>>,
    denied: WriteSignal<Option<String>>,
    /// Who this browser votes as (kept in local storage).
    voter: String,
    private: PrivateNotes,
}

impl State {
    fn publish_status(&self) {
        let status = match (self.connected, self.synced) {
            _ if self.unreadable => Status::Unreadable,
            _ if self.refused => match &self.ended {
                Some((close::BOARD_DELETED, _)) => Status::Deleted,
                Some((_, reason)) if reason.contains("expired") => Status::Expired,
                _ => Status::Refused,
            },
            (false, _) if self.attempts == 0 => Status::Connecting,
            (false, _) => Status::Offline,
            (true, false) => Status::Syncing,
            (true, true) if self.local_seq == self.saved_seq => Status::Saved,
            (true, true) => Status::Saving,
        };
        self.status.set(status);
    }
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

/// A new board document. Text offsets count UTF-16 units, as JavaScript
/// Yjs clients and the browser's text fields do.
pub fn new_doc() -> Doc {
    Doc::with_options(Options {
        offset_kind: OffsetKind::Utf16,
        ..Options::default()
    })
}

/// Starts syncing `doc` as board `board`, as `name` shown in `color`.
pub fn connect(doc: Doc, board: &str, name: &str, color: &str, private: PrivateNotes) -> Live {
    let (status, set_status) = signal(Status::Connecting);
    let (peers, set_peers) = signal(Vec::<Peer>::new());
    let (facilitation, set_facilitation) = signal(facilitation::State::default());
    let (reactions, set_reactions) = signal(Vec::new());
    let (denied, set_denied) = signal(None::<String>);

    let mut awareness = Awareness::with_clock(doc.clone(), || js_sys::Date::now() as u64);
    let shown = presence::Shown {
        user: presence::User {
            name: name.to_owned(),
            color: color.to_owned(),
        },
        ..presence::Shown::default()
    };
    let _ = awareness.set_local_state(&shown);

    // Local changes go to the server as they commit.
    let _ = doc.observe_update_v1("atelier-sync", |txn, event| {
        if txn.origin() == Some(&Origin::from(REMOTE)) {
            return;
        }
        send(protocol::update(event.update.clone()));
        STATE.with_borrow_mut(|state| {
            if let Some(state) = state.as_mut() {
                state.local_seq += 1;
                state.publish_status();
            }
        });
        schedule_save_check();
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
            connected: false,
            synced: false,
            refused: false,
            ended: None,
            unreadable: false,
            board: board.to_owned(),
            local_seq: 0,
            saved_seq: 0,
            save_checks: VecDeque::new(),
            save_check_scheduled: false,
            shown,
            presence_sent_at: 0.0,
            presence_scheduled: false,
            status: set_status,
            peers: set_peers,
            facilitation: set_facilitation,
            reactions: set_reactions,
            denied: set_denied,
            voter: voter(),
            private,
        })
    });
    HANDLERS.with_borrow_mut(|h| *h = Some(handlers()));
    open_socket();
    let renew = Closure::<dyn FnMut()>::new(send_presence);
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
        renew.as_ref().unchecked_ref(),
        AWARENESS_RENEW_MS,
    );
    renew.forget();
    Live {
        doc,
        status,
        peers,
        facilitation,
        reactions,
        denied,
    }
}

/// This browser's lasting voter id (its ballot survives a reload).
fn voter() -> String {
    let storage = window().local_storage().ok().flatten();
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item("atelier.voter").ok().flatten())
        .filter(|id| !id.is_empty() && id.len() <= 64)
    {
        return id;
    }
    let id = format!("{:016x}", (js_sys::Math::random() * 2f64.powi(53)) as u64);
    if let Some(s) = storage {
        let _ = s.set_item("atelier.voter", &id);
    }
    id
}

/// This browser's voter id.
pub fn my_voter() -> String {
    STATE.with_borrow(|s| s.as_ref().map(|s| s.voter.clone()).unwrap_or_default())
}

/// Sends a facilitation command; the server checks it and answers with
/// the new state (or a refusal).
pub fn command(command: &facilitation::Command) {
    send(command_frame(command));
}

/// Sends a change of this user's private notes (to the server alone).
pub fn send_private(update: Vec<u8>) {
    send(Message::Custom(facilitation::PRIVATE, update).encode_v1());
}

fn command_frame(command: &facilitation::Command) -> Vec<u8> {
    let json = serde_json::to_vec(command).unwrap_or_default();
    Message::Custom(facilitation::COMMAND, json).encode_v1()
}

/// The state the server sent; its `now` becomes the offset of the
/// server's clock from this browser's.
fn read_state(data: &[u8]) -> Option<facilitation::State> {
    let mut state: facilitation::State = serde_json::from_slice(data).ok()?;
    state.now -= js_sys::Date::now() as i64;
    Some(state)
}

/// This user's awareness client id (what others follow).
pub fn my_client() -> u64 {
    STATE.with_borrow(|s| {
        s.as_ref()
            .map(|s| s.awareness.client_id().get())
            .unwrap_or(0)
    })
}

fn schedule_save_check() {
    let schedule = STATE.with_borrow_mut(|state| {
        let state = state.as_mut()?;
        if state.save_check_scheduled {
            return None;
        }
        state.save_check_scheduled = true;
        Some(())
    });
    if schedule.is_none() {
        return;
    }
    let check = Closure::once_into_js(|| {
        let frame = STATE.with_borrow_mut(|state| {
            let state = state.as_mut()?;
            state.save_check_scheduled = false;
            if !state.connected || state.saved_seq == state.local_seq {
                return None;
            }
            state.save_checks.push_back(state.local_seq);
            Some(protocol::sync_step1(state.awareness.doc()))
        });
        if let Some(frame) = frame {
            send(frame);
        }
    });
    let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
        check.unchecked_ref(),
        SAVE_CHECK_DELAY_MS,
    );
}

fn handlers() -> Handlers {
    Handlers {
        open: Closure::new(|| {
            let frames = STATE.with_borrow_mut(|state| {
                let state = state.as_mut()?;
                state.attempts = 0;
                state.connected = true;
                state.synced = false;
                // The first SyncStep2 answers this SyncStep1; it proves
                // nothing about edits made offline (those go out in our
                // answer to the server's SyncStep1, checked afterwards).
                state.save_checks.clear();
                state.save_checks.push_back(state.saved_seq);
                state.publish_status();
                let mut frames = vec![protocol::sync_step1(state.awareness.doc())];
                if let Ok(update) = state.awareness.update() {
                    frames.push(protocol::awareness(update));
                }
                // Who we vote as, so our own ballot comes back.
                frames.push(command_frame(&facilitation::Command::Hello {
                    key: state.voter.clone(),
                }));
                // Private notes written offline (the server keeps them, or
                // puts them on the board if they were revealed meanwhile).
                if let Some(notes) = (state.private.state)() {
                    frames.push(Message::Custom(facilitation::PRIVATE, notes).encode_v1());
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
        close: Closure::new(|event: CloseEvent| {
            SOCKET.with_borrow_mut(|socket| *socket = None);
            let delay = STATE.with_borrow_mut(|state| {
                let state = state.as_mut()?;
                state.connected = false;
                state.attempts += 1;
                // The link was revoked, the board deleted, or its saved
                // data cannot be read: no reconnecting.
                if close::is_final(event.code()) && !state.refused {
                    state.refused = true;
                    state.ended = Some((event.code(), event.reason()));
                }
                state.unreadable |= event.code() == close::BOARD_UNREADABLE;
                state.publish_status();
                // Everyone else is gone from our view until we are back (the
                // server sends the states it knows again on reconnect; one
                // that left meanwhile must not come back as a ghost).
                let me = state.awareness.client_id();
                let others: Vec<_> = state
                    .awareness
                    .iter()
                    .map(|(id, _)| id)
                    .filter(|id| *id != me)
                    .collect();
                for id in others {
                    state.awareness.remove_state(id);
                }
                state.peers.set(Vec::new());
                if state.refused {
                    return None;
                }
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
    let Some((url, board)) =
        STATE.with_borrow(|s| s.as_ref().map(|s| (s.url.clone(), s.board.clone())))
    else {
        return;
    };
    // The link's token, read at each attempt: a facilitator who made a new
    // link for themselves reconnects with it.
    let url = match crate::api::token(&board) {
        Some(token) => format!("{url}?t={token}"),
        None => url,
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
    let mut check_saved = false;
    let mut private = Vec::new();
    let mut receive_private: Option<fn(&[u8])> = None;
    let replies = STATE.with_borrow_mut(|state| {
        let Some(state) = state.as_mut() else {
            return Vec::new();
        };
        receive_private = Some(state.private.receive);
        let mut replies = Vec::new();
        for message in messages {
            match message {
                Message::Sync(SyncMessage::SyncStep1(sv)) => {
                    replies.push(protocol::sync_step2(state.awareness.doc(), &sv));
                    check_saved = state.local_seq != state.saved_seq;
                }
                Message::Sync(SyncMessage::SyncStep2(update)) => {
                    apply_remote(state.awareness.doc(), &update);
                    if let Some(seq) = state.save_checks.pop_front() {
                        state.saved_seq = state.saved_seq.max(seq);
                    }
                    state.synced = true;
                    state.publish_status();
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
                Message::Custom(facilitation::STATE, data) => {
                    if let Some(received) = read_state(&data) {
                        state.facilitation.set(received);
                    }
                }
                Message::Custom(facilitation::REACTION, data) => {
                    let reaction = serde_json::from_slice::<facilitation::Reaction>(&data).ok();
                    if let Some(reaction) = reaction {
                        leptos::prelude::Update::update(&state.reactions, |r| {
                            let n = r.last().map_or(0, |(n, _)| n + 1);
                            r.push((n, reaction));
                            // Those long gone are dropped.
                            if r.len() > 24 {
                                r.remove(0);
                            }
                        });
                    }
                }
                Message::Auth(reason) => state.denied.set(reason),
                Message::Custom(facilitation::PRIVATE, notes) => private.push(notes),
                Message::Custom(..) => {}
            }
        }
        replies
    });
    for reply in replies {
        send(reply);
    }
    if let Some(receive) = receive_private {
        for notes in private {
            receive(&notes);
        }
    }
    if check_saved {
        schedule_save_check();
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
