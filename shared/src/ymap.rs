//! Helpers over Y.Maps the board's typed elements share: a Y.Text field
//! edited by its smallest change, and lists of note ids (citations) kept
//! as Y.Arrays so that two people citing at once both keep theirs.

use std::collections::HashSet;

use yrs::types::text::TextPrelim;
use yrs::{
    Any, Array, ArrayPrelim, ArrayRef, GetString, Map, MapRef, OffsetKind, Out, ReadTxn, Text,
    TransactionMut,
};

/// Makes the Y.Text under `key` of `map` read `new` with the smallest edit
/// (a plain string there, or nothing, becomes a Y.Text).
pub(crate) fn edit_text_in(txn: &mut TransactionMut, map: &MapRef, key: &str, new: &str) {
    let text = match map.get(txn, key) {
        Some(Out::YText(text)) => text,
        _ => {
            map.insert(txn, key, TextPrelim::new(new));
            return;
        }
    };
    let old = text.get_string(txn);
    if old == new {
        return;
    }
    let kind = txn.doc().offset_kind();
    let (start, removed, inserted) = diff(&old, new);
    let index = offset(&old[..start], kind);
    let len = offset(&old[start..start + removed], kind);
    if len > 0 {
        text.remove_range(txn, index, len);
    }
    if !inserted.is_empty() {
        text.insert(txn, index, inserted);
    }
}

/// The length of `s` in the document's offset unit.
fn offset(s: &str, kind: OffsetKind) -> u32 {
    match kind {
        OffsetKind::Bytes => s.len() as u32,
        OffsetKind::Utf16 => s.encode_utf16().count() as u32,
    }
}

/// The single replacement that turns `old` into `new`: byte index in
/// `old`, bytes removed from `old`, the text inserted (all on char
/// boundaries).
pub fn diff<'a>(old: &str, new: &'a str) -> (usize, usize, &'a str) {
    let prefix: usize = old
        .chars()
        .zip(new.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let suffix: usize = old[prefix..]
        .chars()
        .rev()
        .zip(new[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    (
        prefix,
        old.len() - prefix - suffix,
        &new[prefix..new.len() - suffix],
    )
}

/// Note ids stored as a Y.Array of strings (two people citing at once both
/// keep their citations), or as a plain array (older or foreign writers);
/// each id once, in order.
pub(crate) fn ids<T: ReadTxn>(txn: &T, value: Option<Out>) -> Vec<String> {
    let mut ids: Vec<String> = match value {
        Some(Out::YArray(a)) => a
            .iter(txn)
            .filter_map(|id| match id {
                Out::Any(Any::String(s)) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        Some(Out::Any(Any::Array(a))) => a
            .iter()
            .filter_map(|id| match id {
                Any::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

/// The Y.Array of ids under `key` of `map` (a plain array there becomes one).
fn id_array(txn: &mut TransactionMut, map: &MapRef, key: &str) -> ArrayRef {
    match map.get(txn, key) {
        Some(Out::YArray(a)) => a,
        other => {
            let old = ids(txn, other);
            let array = map.insert(txn, key, ArrayPrelim::default());
            for id in old {
                array.push_back(txn, id.as_str());
            }
            array
        }
    }
}

/// Adds the `notes` missing from the ids under `key` of `map`.
pub(crate) fn add_ids(txn: &mut TransactionMut, map: &MapRef, key: &str, notes: &[String]) {
    let array = id_array(txn, map, key);
    let mut have: HashSet<String> = ids(txn, Some(Out::YArray(array.clone())))
        .into_iter()
        .collect();
    for note in notes {
        if have.insert(note.clone()) {
            array.push_back(txn, note.as_str());
        }
    }
}

/// Removes `note` (every copy) from the ids under `key` of `map`.
pub(crate) fn remove_id(txn: &mut TransactionMut, map: &MapRef, key: &str, note: &str) {
    let array = id_array(txn, map, key);
    let at: Vec<u32> = array
        .iter(txn)
        .enumerate()
        .filter(|(_, id)| matches!(id, Out::Any(Any::String(s)) if &**s == note))
        .map(|(i, _)| i as u32)
        .collect();
    for i in at.into_iter().rev() {
        array.remove(txn, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_is_minimal_and_char_safe() {
        assert_eq!(diff("abc", "abc"), (3, 0, ""));
        assert_eq!(diff("abc", "abXc"), (2, 0, "X"));
        assert_eq!(diff("aéc", "ac"), (1, 2, ""));
        assert_eq!(diff("🙂", "🙃"), (0, 4, "🙃"));
        assert_eq!(diff("", "new"), (0, 0, "new"));
    }
}
