//! The y-websocket wire protocol, through `yrs::sync`: frames in, messages
//! out, and the frames a peer sends. One message per websocket frame, since
//! the JavaScript client reads only the first message of a frame.

mod check;
pub mod close;

pub use check::{
    CheckError, MAX_DEPTH, check_awareness, check_frame, check_state_vector, check_update_v1,
    commit_readable, overlaps_pending,
};
pub use close::CloseReason;
use yrs::encoding::read;
use yrs::sync::{Awareness, Message, SyncMessage, awareness::AwarenessUpdate};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact};

/// Why a frame is not a y-websocket message.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("empty frame")]
    Empty,
    #[error("malformed message: {0}")]
    Malformed(#[from] read::Error),
    #[error("refused before decoding: {0}")]
    Refused(#[from] CheckError),
}

/// Decodes one frame into the messages it holds. The first message must be
/// whole (a truncated frame is an error); further messages packed behind it,
/// as some yrs peers send, are read until the buffer ends.
pub fn decode_frame(frame: &[u8]) -> Result<Vec<Message>, ProtocolError> {
    if frame.is_empty() {
        return Err(ProtocolError::Empty);
    }
    check_frame(frame)?;
    let mut decoder = DecoderV1::from(frame);
    let mut messages = vec![Message::decode(&mut decoder)?];
    loop {
        match Message::decode(&mut decoder) {
            Ok(message) => messages.push(message),
            Err(read::Error::EndOfBuffer(_)) => return Ok(messages),
            Err(err) => return Err(err.into()),
        }
    }
}

/// `SyncStep1`: the state vector of `doc`, asking the peer for what it lacks.
pub fn sync_step1(doc: &Doc) -> Vec<u8> {
    let sv = doc.transact().state_vector();
    Message::Sync(SyncMessage::SyncStep1(sv)).encode_v1()
}

/// `SyncStep2`: everything in `doc` that a peer at `sv` has not seen.
/// Never the structs the document holds pending (waiting for changes it
/// has not received): only what is integrated goes out.
pub fn sync_step2(doc: &Doc, sv: &StateVector) -> Vec<u8> {
    let update = doc.transact().encode_diff_v1(sv);
    Message::Sync(SyncMessage::SyncStep2(update)).encode_v1()
}

/// An incremental document update (v1 encoding) as a frame.
pub fn update(update: Vec<u8>) -> Vec<u8> {
    Message::Sync(SyncMessage::Update(update)).encode_v1()
}

/// An awareness update as a frame.
pub fn awareness(update: AwarenessUpdate) -> Vec<u8> {
    Message::Awareness(update).encode_v1()
}

/// Every known awareness state as one frame, or `None` when nobody is there.
pub fn awareness_states(awareness: &Awareness) -> Option<Vec<u8>> {
    let update = awareness.update().ok()?;
    (!update.clients.is_empty()).then(|| self::awareness(update))
}

/// A request for every known awareness state.
pub fn awareness_query() -> Vec<u8> {
    Message::AwarenessQuery.encode_v1()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Map, Text};

    fn doc_with_note() -> Doc {
        let doc = Doc::new();
        // Root types first: `get_or_insert_*` opens its own write transaction.
        let elements = doc.get_or_insert_map("elements");
        let text = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        elements.insert(&mut txn, "n1", yrs::MapPrelim::default());
        text.push(&mut txn, "hello");
        drop(txn);
        doc
    }

    #[test]
    fn round_trips_every_message_kind() {
        let doc = doc_with_note();
        let frames = [
            sync_step1(&doc),
            sync_step2(&doc, &StateVector::default()),
            update(vec![0, 0]),
            awareness_query(),
        ];
        for frame in frames {
            let messages = decode_frame(&frame).unwrap();
            assert_eq!(messages.len(), 1);
            assert_eq!(messages[0].encode_v1(), frame);
        }
    }

    #[test]
    fn reads_packed_messages() {
        let doc = doc_with_note();
        let mut frame = sync_step1(&doc);
        frame.extend(awareness_query());
        let messages = decode_frame(&frame).unwrap();
        assert!(matches!(messages[1], Message::AwarenessQuery));
    }

    #[test]
    fn refuses_empty_truncated_and_unknown_frames() {
        assert!(matches!(decode_frame(&[]), Err(ProtocolError::Empty)));
        let doc = doc_with_note();
        let frame = sync_step2(&doc, &StateVector::default());
        for cut in 1..frame.len() {
            assert!(decode_frame(&frame[..cut]).is_err(), "cut at {cut}");
        }
        // Sync message with an unknown sub-type.
        assert!(decode_frame(&[0, 9, 0]).is_err());
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for len in 0..2000 {
            let frame: Vec<u8> = (0..len % 97)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            let _ = decode_frame(&frame);
        }
    }
}
