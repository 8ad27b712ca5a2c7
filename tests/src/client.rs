//! A y-websocket client over tokio-tungstenite with its own yrs document:
//! what any Rust bot joining a board would be.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atelier_shared::{facilitation, protocol};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::sync::{Awareness, Message, SyncMessage};
use yrs::types::ToJson;
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Any, ClientID, Doc, GetString, Map, MapRef, ReadTxn, Transact, TransactionMut, Update};

/// How the connection ended, once it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The server sent a close frame with this code.
    Closed(u16),
    /// The TCP connection ended without a close frame.
    Dropped,
}

/// What the server said about facilitation.
#[derive(Default)]
struct Heard {
    state: Option<facilitation::State>,
    reactions: Vec<facilitation::Reaction>,
    /// Private notes the server sent back (yrs updates).
    privates: Vec<Vec<u8>>,
}

pub struct YClient {
    pub doc: Doc,
    awareness: Arc<Mutex<Awareness>>,
    out: mpsc::Sender<WsMessage>,
    synced: watch::Receiver<bool>,
    ended: watch::Receiver<Option<Ended>>,
    /// Binary frames received so far.
    frames: Arc<std::sync::atomic::AtomicU64>,
    /// Reasons of the permission-denied messages received.
    denied: Arc<Mutex<Vec<String>>>,
    /// Facilitation states and reactions received, newest last.
    heard: Arc<Mutex<Heard>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl YClient {
    /// Connects with a fresh document.
    pub async fn connect(url: &str) -> anyhow::Result<YClient> {
        YClient::connect_with(url, Doc::new()).await
    }

    /// Connects with `doc` (e.g. one that was edited offline): the sync
    /// handshake exchanges what each side lacks.
    pub async fn connect_with(url: &str, doc: Doc) -> anyhow::Result<YClient> {
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        let (mut sink, mut stream) = socket.split();
        let awareness = Arc::new(Mutex::new(Awareness::new(doc.clone())));
        let (out, mut out_rx) = mpsc::channel::<WsMessage>(1024);
        let (synced_tx, synced) = watch::channel(false);
        let (ended_tx, ended) = watch::channel(None);
        let frames = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let denied = Arc::new(Mutex::new(Vec::new()));
        let heard = Arc::new(Mutex::new(Heard::default()));

        let writer = tokio::spawn(async move {
            while let Some(msg) = out_rx.recv().await {
                if sink.send(msg).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let reader = {
            let (awareness, out, frames, denied, heard) = (
                awareness.clone(),
                out.clone(),
                frames.clone(),
                denied.clone(),
                heard.clone(),
            );
            tokio::spawn(async move {
                let end = loop {
                    match stream.next().await {
                        Some(Ok(WsMessage::Binary(data))) => {
                            frames.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let replies = handle(&awareness, &data, &synced_tx, &denied, &heard);
                            for reply in replies {
                                let _ = out.send(WsMessage::Binary(reply.into())).await;
                            }
                        }
                        Some(Ok(WsMessage::Close(frame))) => {
                            break Ended::Closed(frame.map_or(1005, |f| u16::from(f.code)));
                        }
                        Some(Ok(_)) => {}
                        Some(Err(_)) | None => break Ended::Dropped,
                    }
                };
                let _ = ended_tx.send(Some(end));
            })
        };
        // The client side of the handshake: our state vector.
        let client = YClient {
            doc: doc.clone(),
            awareness,
            out,
            synced,
            ended,
            frames,
            denied,
            heard,
            tasks: vec![writer, reader],
        };
        client.send_raw(protocol::sync_step1(&doc)).await;
        Ok(client)
    }

    /// Waits for the server's SyncStep2 (its whole state).
    pub async fn synced(&mut self) {
        tokio::time::timeout(Duration::from_secs(10), self.synced.wait_for(|s| *s))
            .await
            .expect("synced within 10 s")
            .expect("connection alive");
    }

    /// Waits for the server's SyncStep2; false if the connection ended first.
    pub async fn synced_quietly(&mut self) -> bool {
        self.synced.wait_for(|s| *s).await.is_ok()
    }

    /// Makes a local change and sends it as one update.
    pub async fn edit<R>(&self, f: impl FnOnce(&mut TransactionMut) -> R) -> R {
        let (result, update) = {
            let mut txn = self.doc.transact_mut();
            let result = f(&mut txn);
            (result, txn.encode_update_v1())
        };
        self.send_raw(protocol::update(update)).await;
        result
    }

    /// Sets a sticky note `id` in `elements` (a nested map with `text`).
    pub async fn put_note(&self, id: &str, text: &str) {
        let elements = self.elements();
        self.edit(|txn| {
            let note = elements.insert(txn, id, yrs::MapPrelim::default());
            note.insert(txn, "type", "note");
            note.insert(txn, "text", Any::from(text));
        })
        .await;
    }

    /// Element `id` as the board schema reads it.
    pub fn element(&self, id: &str) -> Option<atelier_shared::Element> {
        atelier_shared::Elements::new(self.elements()).get(&self.doc.transact(), id)
    }

    /// Every element of the board, as the board schema reads them.
    pub fn all_elements(&self) -> Vec<atelier_shared::Element> {
        atelier_shared::Elements::new(self.elements()).all(&self.doc.transact())
    }

    /// Adds `element` through the board schema.
    pub async fn add(&self, element: &atelier_shared::Element) {
        let elements = atelier_shared::Elements::new(self.elements());
        self.edit(|txn| elements.insert(txn, element)).await;
    }

    pub fn elements(&self) -> MapRef {
        self.doc.get_or_insert_map("elements")
    }

    /// The `text` of note `id`, if the document has it.
    pub fn note_text(&self, id: &str) -> Option<String> {
        self.text_in("elements", id)
    }

    /// The text of comment `id` (root map `comments`), if the document has it.
    pub fn comment_text(&self, id: &str) -> Option<String> {
        self.text_in("comments", id)
    }

    /// The plain `text` of entry `id` of the root map `root`.
    fn text_in(&self, root: &str, id: &str) -> Option<String> {
        let map = self.doc.get_or_insert_map(root);
        let txn = self.doc.transact();
        match map.get(&txn, id)? {
            yrs::Out::YMap(entry) => match entry.get(&txn, "text")? {
                yrs::Out::Any(Any::String(s)) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn element_count(&self) -> u32 {
        let elements = self.elements();
        elements.len(&self.doc.transact())
    }

    /// The board's content as canonical JSON (see [`snapshot_of`]).
    pub fn snapshot(&self) -> String {
        snapshot_of(&self.doc)
    }

    pub fn state_vector(&self) -> yrs::StateVector {
        self.doc.transact().state_vector()
    }

    /// Sets this client's awareness state and announces it.
    pub async fn set_awareness(&self, state: serde_json::Value) {
        let frame = {
            let mut awareness = self.awareness.lock().expect("awareness");
            awareness
                .set_local_state(state)
                .expect("serializable awareness");
            protocol::awareness(awareness.update().expect("awareness update"))
        };
        self.send_raw(frame).await;
    }

    /// Ids of the other clients whose awareness state is known and set.
    pub fn peers(&self) -> Vec<ClientID> {
        let awareness = self.awareness.lock().expect("awareness");
        let me = awareness.client_id();
        awareness
            .iter()
            .filter(|(id, state)| *id != me && state.data.is_some())
            .map(|(id, _)| id)
            .collect()
    }

    /// The awareness state this client knows for `client`, as JSON text.
    pub fn awareness_of(&self, client: ClientID) -> Option<String> {
        let awareness = self.awareness.lock().expect("awareness");
        awareness
            .iter()
            .find(|(id, _)| *id == client)
            .and_then(|(_, state)| state.data.as_deref().map(str::to_owned))
    }

    /// Every awareness state this client knows (its own too), as JSON text.
    pub fn awareness_states(&self) -> Vec<(ClientID, String)> {
        let awareness = self.awareness.lock().expect("awareness");
        awareness
            .iter()
            .filter_map(|(id, state)| Some((id, state.data.as_deref()?.to_owned())))
            .collect()
    }

    pub fn client_id(&self) -> ClientID {
        self.doc.client_id()
    }

    /// Sends a facilitation command (a y-websocket custom message).
    pub async fn command(&self, command: &facilitation::Command) {
        let json = serde_json::to_vec(command).expect("command JSON");
        self.send_raw(Message::Custom(facilitation::COMMAND, json).encode_v1())
            .await;
    }

    /// The last facilitation state the server sent.
    pub fn facilitation(&self) -> Option<facilitation::State> {
        self.heard.lock().expect("heard").state.clone()
    }

    /// The reactions the server relayed.
    pub fn reactions(&self) -> Vec<facilitation::Reaction> {
        self.heard.lock().expect("heard").reactions.clone()
    }

    /// The private notes the server sent this client (its own, on hello).
    pub fn privates(&self) -> Vec<Vec<u8>> {
        self.heard.lock().expect("heard").privates.clone()
    }

    /// Sends private notes: `update` of a document of their own.
    pub async fn send_private(&self, update: Vec<u8>) {
        self.send_raw(Message::Custom(facilitation::PRIVATE, update).encode_v1())
            .await;
    }

    /// The permission-denied messages the server sent (their reasons).
    pub fn denied(&self) -> Vec<String> {
        self.denied.lock().expect("denied").clone()
    }

    pub fn frames_received(&self) -> u64 {
        self.frames.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sends one binary frame as is.
    pub async fn send_raw(&self, frame: impl Into<Bytes>) {
        let _ = self.out.send(WsMessage::Binary(frame.into())).await;
    }

    /// Sends any websocket message as is.
    pub async fn send_message(&self, msg: WsMessage) {
        let _ = self.out.send(msg).await;
    }

    /// How the connection ended, waiting up to `timeout` for it to end.
    pub async fn ended(&mut self, timeout: Duration) -> Option<Ended> {
        let _ = tokio::time::timeout(timeout, self.ended.wait_for(|e| e.is_some())).await;
        self.ended.borrow().clone()
    }

    pub fn is_open(&self) -> bool {
        self.ended.borrow().is_none()
    }

    /// Closes with a close handshake and returns the document.
    pub async fn close(mut self) -> Doc {
        let _ = self.out.send(WsMessage::Close(None)).await;
        let _ = self.ended(Duration::from_secs(5)).await;
        self.doc.clone()
    }

    /// Drops the TCP connection without a close frame, as a crashed browser
    /// tab would, and returns the document.
    pub fn abort(self) -> Doc {
        self.doc.clone()
    }
}

impl Drop for YClient {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Applies one incoming frame; returns the replies it calls for.
fn handle(
    awareness: &Mutex<Awareness>,
    frame: &[u8],
    synced: &watch::Sender<bool>,
    denied: &Mutex<Vec<String>>,
    heard: &Mutex<Heard>,
) -> Vec<Vec<u8>> {
    let Ok(messages) = protocol::decode_frame(frame) else {
        return Vec::new();
    };
    let mut awareness = awareness.lock().expect("awareness");
    let mut replies = Vec::new();
    for message in messages {
        match message {
            Message::Sync(SyncMessage::SyncStep1(sv)) => {
                replies.push(protocol::sync_step2(awareness.doc(), &sv));
            }
            Message::Sync(SyncMessage::SyncStep2(update)) => {
                apply(awareness.doc(), &update);
                let _ = synced.send(true);
            }
            Message::Sync(SyncMessage::Update(update)) => apply(awareness.doc(), &update),
            Message::Awareness(update) => {
                let _ = awareness.apply_update(update);
            }
            Message::AwarenessQuery => {
                if let Ok(update) = awareness.update() {
                    replies.push(protocol::awareness(update));
                }
            }
            Message::Auth(reason) => denied
                .lock()
                .expect("denied")
                .push(reason.unwrap_or_default()),
            Message::Custom(facilitation::STATE, data) => {
                if let Ok(state) = serde_json::from_slice(&data) {
                    heard.lock().expect("heard").state = Some(state);
                }
            }
            Message::Custom(facilitation::REACTION, data) => {
                if let Ok(reaction) = serde_json::from_slice(&data) {
                    heard.lock().expect("heard").reactions.push(reaction);
                }
            }
            Message::Custom(facilitation::PRIVATE, data) => {
                heard.lock().expect("heard").privates.push(data);
            }
            Message::Custom(..) => {}
        }
    }
    replies
}

fn apply(doc: &Doc, update: &[u8]) {
    if let Ok(update) = Update::decode_v1(update) {
        let _ = doc.transact_mut().apply_update(update);
    }
}

/// A board's content (`meta`, `elements` and the text `shared` the tests
/// type into) as canonical JSON, for convergence checks.
pub fn snapshot_of(doc: &Doc) -> String {
    let meta = doc.get_or_insert_map("meta");
    let elements = doc.get_or_insert_map("elements");
    let shared = doc.get_or_insert_text("shared");
    let txn = doc.transact();
    let json = |any: Any| serde_json::to_value(any).unwrap_or_default();
    serde_json::json!({
        "meta": json(meta.to_json(&txn)),
        "elements": json(elements.to_json(&txn)),
        "shared": shared.get_string(&txn),
    })
    .to_string()
}
