//! One websocket connection: reads frames into its room, writes the room's
//! frames out, pings, and closes with a code that says why.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use atelier_shared::{BoardId, protocol};
use bytes::Bytes;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tracing::{Instrument, debug, info_span, warn};

use crate::AppState;
use crate::access::Grant;
use crate::room::{CloseReason, PeerId, RoomMsg};

/// Most y-websocket messages one frame may hold.
const MAX_MESSAGES_PER_FRAME: usize = 16;

/// Frames written before one flush.
const WRITE_BATCH: usize = 64;
/// How long a closing handshake may take.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// Messages longer than this go out as fragments of this size, cut from
/// the shared buffer: a connection's write buffer never holds a whole
/// board (the websocket library keeps its largest size for good).
const FRAGMENT: usize = 64 * 1024;

static NEXT_PEER: AtomicU64 = AtomicU64::new(1);

/// Serves one peer of `board` until either side ends the connection.
/// Generic over the socket: a tungstenite stream or any sink and stream of
/// websocket messages.
pub(crate) async fn serve<S>(socket: S, board: BoardId, grant: Grant, state: AppState)
where
    S: Sink<Message, Error = WsError> + Stream<Item = Result<Message, WsError>> + Send + 'static,
{
    let peer = NEXT_PEER.fetch_add(1, Ordering::Relaxed);
    let span = info_span!("peer", board = %board, peer, role = grant.role.as_str());
    async move {
        let metrics = state.metrics.clone();
        metrics.connections.inc();
        metrics.connections_total.inc();
        let (sink, mut stream) = socket.split();
        // An expiring link closes its connection when it expires.
        let expiry = grant.expires.map(|at| {
            let left = at.saturating_sub(crate::access::now_secs());
            tokio::time::Instant::now() + Duration::from_secs(left)
        });
        let (reason, sink) = match state.rooms.join(&board, peer, grant).await {
            Ok(mut member) => {
                debug!("joined");
                // The writer is a task of its own: a frame going out must
                // not poll (and so wake) the reader.
                let (stop, stopped) = oneshot::channel();
                let timing = (state.config.heartbeat, state.config.write_timeout);
                let mut frames = member.frames;
                let mut writer = tokio::spawn(
                    async move {
                        let mut sink = sink;
                        let reason = write(&mut sink, &mut frames, timing, stopped).await;
                        (reason, sink)
                    }
                    .in_current_span(),
                );
                let mut sink = None;
                let (reason, told) = tokio::select! {
                    biased;
                    reason = &mut member.closed => (reason.unwrap_or(CloseReason::RoomFailed), true),
                    reason = read(&mut stream, &member.inbox, peer, &state) => (reason, false),
                    done = &mut writer => match done {
                        Ok((reason, s)) => {
                            sink = Some(s);
                            (reason, false)
                        }
                        Err(_) => (CloseReason::ClientGone, false),
                    },
                    _ = state.shutdown.cancelled() => (CloseReason::Shutdown, false),
                    _ = crate::room::sleep_until(expiry) => (CloseReason::Expired, false),
                };
                // A room that stops taking messages tells each peer why
                // right after (or dies, dropping the reason): ask it.
                let reason = match reason {
                    CloseReason::RoomFailed if !told => member.closed.await.unwrap_or(reason),
                    reason => reason,
                };
                let _ = member.inbox.send(RoomMsg::Leave { peer }).await;
                if sink.is_none() {
                    let _ = stop.send(());
                    // A writer stuck on a peer that does not read is dropped,
                    // and the socket with it.
                    match tokio::time::timeout(CLOSE_TIMEOUT, &mut writer).await {
                        Ok(Ok((_, s))) => sink = Some(s),
                        Ok(Err(_)) => {}
                        Err(_) => writer.abort(),
                    }
                }
                (reason, sink)
            }
            Err(crate::rooms::RoomError::Unreadable) => {
                warn!("the board's stored data cannot be read: refused");
                (CloseReason::Unreadable, Some(sink))
            }
            Err(err) => {
                warn!(%err, "could not join the board");
                (CloseReason::RoomFailed, Some(sink))
            }
        };
        debug!(?reason, "closing");
        if let Some(mut sink) = sink
            && reason != CloseReason::ClientGone
        {
            let frame = CloseFrame {
                code: CloseCode::from(reason.code()),
                reason: reason.text().into(),
            };
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
        }
        metrics.connections.dec();
    }
    .instrument(span)
    .await
}

async fn read<S>(
    stream: &mut S,
    inbox: &mpsc::Sender<RoomMsg>,
    peer: PeerId,
    state: &AppState,
) -> CloseReason
where
    S: Stream<Item = Result<Message, WsError>> + Unpin,
{
    let metrics = &state.metrics;
    loop {
        let next = tokio::time::timeout(state.config.idle_timeout, stream.next()).await;
        let message = match next {
            Err(_) => return CloseReason::Idle,
            Ok(None) => return CloseReason::ClientGone,
            Ok(Some(Err(err))) => return read_error(err, state),
            Ok(Some(Ok(message))) => message,
        };
        match message {
            Message::Binary(data) => {
                metrics.frames_in.inc();
                metrics.bytes_in.add(data.len() as u64);
                match protocol::decode_frame(&data) {
                    // y-websocket clients send one message a frame: a frame
                    // packed with thousands (each answer a copy of the
                    // board) is an attack, not a client.
                    Ok(messages) if messages.len() > MAX_MESSAGES_PER_FRAME => {
                        metrics.protocol_errors.inc();
                        warn!(messages = messages.len(), "too many messages in one frame");
                        return CloseReason::Malformed;
                    }
                    Ok(messages) => {
                        let frame = RoomMsg::Frame { peer, messages };
                        if inbox.send(frame).await.is_err() {
                            return CloseReason::RoomFailed;
                        }
                    }
                    Err(err) => {
                        metrics.protocol_errors.inc();
                        warn!(%err, bytes = data.len(), "malformed frame");
                        return CloseReason::Malformed;
                    }
                }
            }
            Message::Text(_) => {
                metrics.protocol_errors.inc();
                warn!("text frame refused");
                return CloseReason::TextFrame;
            }
            Message::Close(_) => return CloseReason::ClientGone,
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    }
}

fn read_error(err: WsError, state: &AppState) -> CloseReason {
    match err {
        WsError::Capacity(capacity) => {
            state.metrics.protocol_errors.inc();
            warn!(%capacity, "oversized message");
            CloseReason::TooBig
        }
        WsError::Protocol(protocol) => {
            state.metrics.protocol_errors.inc();
            warn!(%protocol, "websocket protocol violation");
            CloseReason::Malformed
        }
        err => {
            debug!(%err, "connection lost");
            CloseReason::ClientGone
        }
    }
}

/// `frame` as websocket messages: itself, or fragments of [`FRAGMENT`]
/// bytes sharing its buffer.
fn fragments(frame: &Bytes) -> impl Iterator<Item = Message> + '_ {
    let whole = frame.len() <= FRAGMENT;
    let count = frame.len().div_ceil(FRAGMENT).max(1);
    (0..count).map(move |i| {
        if whole {
            return Message::Binary(frame.clone());
        }
        let part = frame.slice(i * FRAGMENT..((i + 1) * FRAGMENT).min(frame.len()));
        let opcode = if i == 0 {
            OpCode::Data(Data::Binary)
        } else {
            OpCode::Data(Data::Continue)
        };
        Message::Frame(Frame::message(part, opcode, i + 1 == count))
    })
}

/// Frames taken from a peer's queue: they count (in the peer's and the
/// server's outgoing bytes) until they are flushed to the socket, or
/// dropped with the writer, whatever ends it.
struct Taken<'a> {
    frames: &'a mut crate::queue::Receiver,
    batch: Vec<Bytes>,
}

impl Taken<'_> {
    fn sent(&mut self) {
        for frame in self.batch.drain(..) {
            self.frames.sent(&frame);
        }
    }
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        self.sent();
    }
}

/// Writes the room's frames, several per flush when they queue up, and
/// pings every `heartbeat`; a batch not taken by the peer within
/// `write_timeout` ends the connection.
async fn write<S>(
    sink: &mut S,
    frames: &mut crate::queue::Receiver,
    (heartbeat, write_timeout): (Duration, Duration),
    mut stop: oneshot::Receiver<()>,
) -> CloseReason
where
    S: Sink<Message, Error = WsError> + Unpin,
{
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    let mut batch = Taken {
        frames,
        batch: Vec::with_capacity(WRITE_BATCH),
    };
    loop {
        // Frames first: while they flow, the timer and the stop signal are
        // not polled for every one of them.
        tokio::select! {
            biased;
            n = batch.frames.recv_many(&mut batch.batch, WRITE_BATCH) => {
                if n == 0 {
                    return CloseReason::RoomFailed;
                }
                // A peer that takes longer than this to take a batch is
                // not reading: it goes (and resyncs when it comes back).
                let written = tokio::time::timeout(write_timeout, async {
                    for frame in &batch.batch {
                        for message in fragments(frame) {
                            sink.feed(message).await?;
                        }
                    }
                    sink.flush().await
                })
                .await;
                match written {
                    Ok(Ok(())) => batch.sent(),
                    Ok(Err(_)) => return CloseReason::ClientGone,
                    Err(_) => return CloseReason::TooSlow,
                }
            }
            _ = &mut stop => return CloseReason::ClientGone,
            _ = ping.tick() => {
                if sink.send(Message::Ping(Bytes::new())).await.is_err() {
                    return CloseReason::ClientGone;
                }
            }
        }
    }
}
