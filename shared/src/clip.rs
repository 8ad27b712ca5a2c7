//! Elements as bytes: a yrs update of a document that holds only them,
//! read back with the board's own reader. It carries elements between
//! boards (the clipboard, as text) and from the server to the browser (a
//! JSON export the server read): one format, and no second, derived JSON
//! reader in the WebAssembly.

use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

use crate::{Board, Element};

/// What starts clipboard text that holds elements.
const PREFIX: &str = "atelier-elements/1:";

/// `elements` as a yrs update (v1).
pub fn to_update(elements: &[Element]) -> Vec<u8> {
    let doc = Doc::new();
    let board = Board::new(&doc);
    let mut txn = doc.transact_mut();
    for e in elements {
        board.elements().insert(&mut txn, e);
    }
    drop(txn);
    doc.transact()
        .encode_state_as_update_v1(&StateVector::default())
}

/// The elements of an update made by [`to_update`] (ordered by stacking,
/// then id); `None` when the bytes are not one.
pub fn from_update(bytes: &[u8]) -> Option<Vec<Element>> {
    let update = Update::decode_v1(bytes).ok()?;
    let doc = Doc::new();
    let board = Board::new(&doc);
    doc.transact_mut().apply_update(update).ok()?;
    let txn = doc.transact();
    if txn.store().pending_update().is_some() {
        return None;
    }
    let mut elements = board.elements().all(&txn);
    elements.sort_unstable_by(|a, b| a.z.total_cmp(&b.z).then_with(|| a.id.cmp(&b.id)));
    Some(elements)
}

/// `elements` as clipboard text.
pub fn to_text(elements: &[Element]) -> String {
    format!("{PREFIX}{}", base64(&to_update(elements)))
}

/// The elements of clipboard text made by [`to_text`].
pub fn from_text(text: &str) -> Option<Vec<Element>> {
    from_update(&unbase64(text.trim().strip_prefix(PREFIX)?)?)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unbase64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut n, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        n = n << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kind;

    #[test]
    fn elements_travel_as_text_and_come_back_whole() {
        let mut note = Element::new("a", Kind::Note, 10.0, 20.0);
        note.text = "Où en est mon dossier ? 🚗".into();
        note.source.interviewee = "C01".into();
        note.cites = vec!["x".into()];
        note.z = 2.0;
        let mut persona = Element::new("p", Kind::Persona, 300.0, 0.0);
        persona.persona.as_mut().unwrap().name = "Julie".into();
        persona.z = 1.0;
        let text = to_text(&[note.clone(), persona.clone()]);
        assert!(text.starts_with(PREFIX));
        assert_eq!(from_text(&text), Some(vec![persona, note]));
        for bad in [
            "",
            "hello",
            "atelier-elements/1:!!!!",
            "atelier-elements/1:AAAA",
        ] {
            assert_eq!(from_text(bad).map(|e| e.len()).unwrap_or(0), 0, "{bad}");
        }
        for n in 0..10u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(97)).collect();
            assert_eq!(unbase64(&base64(&bytes)), Some(bytes));
        }
    }
}
