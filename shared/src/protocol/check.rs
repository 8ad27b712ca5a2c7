//! Frames checked before yrs decodes them.
//!
//! yrs reserves memory for the counts a message declares (clients of a
//! state vector, blocks of an update, entries of an awareness update) and
//! decodes nested `Any` values by recursion. A few hostile bytes can so
//! declare 2^28 entries (hundreds of MB reserved for nothing) or nest
//! arrays a million deep (the stack overflows and the process dies). This
//! walk reads the lib0 v1 encoding without allocating anything, and
//! refuses every count larger than the bytes left could hold and every
//! value nested deeper than [`MAX_DEPTH`]: what passes costs yrs at most a
//! small multiple of the frame's own size.

use yrs::encoding::read;

/// How deep `Any` values (arrays in maps in arrays...) may nest.
pub const MAX_DEPTH: usize = 64;

/// Why bytes were refused before decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("message cut short")]
    Truncated,
    #[error("a message's payload is cut short")]
    Payload,
    #[error("a count of {declared} with only {left} bytes left")]
    Count { declared: u64, left: usize },
    #[error("a number longer than 64 bits")]
    Overflow,
    #[error("values nested deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("a client id of more than 53 bits")]
    ClientId,
    #[error("clocks beyond 32 bits")]
    Clock,
    #[error("a client's blocks in two places of one update")]
    Repeated,
    #[error("unknown {0} tag {1}")]
    Unknown(&'static str, u8),
}

impl From<CheckError> for read::Error {
    fn from(err: CheckError) -> read::Error {
        match err {
            CheckError::Truncated => read::Error::EndOfBuffer(0),
            _ => read::Error::UnexpectedValue,
        }
    }
}

/// A cursor over lib0 v1 bytes that never allocates.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, at: 0 }
    }

    fn left(&self) -> usize {
        self.buf.len() - self.at
    }

    fn is_empty(&self) -> bool {
        self.left() == 0
    }

    fn u8(&mut self) -> Result<u8, CheckError> {
        let b = *self.buf.get(self.at).ok_or(CheckError::Truncated)?;
        self.at += 1;
        Ok(b)
    }

    fn skip(&mut self, n: usize) -> Result<(), CheckError> {
        if n > self.left() {
            return Err(CheckError::Truncated);
        }
        self.at += n;
        Ok(())
    }

    /// An unsigned lib0 varint.
    fn var(&mut self) -> Result<u64, CheckError> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.u8()?;
            if shift > 63 || (shift == 63 && (b & 0x7f) > 1) {
                return Err(CheckError::Overflow);
            }
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    /// A varint yrs reads as 32 bits (buffer lengths, flags): yrs drops the
    /// bits beyond 32 where this would read them, so a longer value is
    /// refused outright (reading it differently would let yrs go on
    /// reading bytes this walk never checked).
    fn var32(&mut self) -> Result<u64, CheckError> {
        let value = self.var()?;
        if value > u64::from(u32::MAX) {
            return Err(CheckError::Overflow);
        }
        Ok(value)
    }

    /// A signed lib0 varint (its bits do not matter here, only its end).
    fn signed(&mut self) -> Result<(), CheckError> {
        for _ in 0..10 {
            if self.u8()? & 0x80 == 0 {
                return Ok(());
            }
        }
        Err(CheckError::Overflow)
    }

    /// A client id: Yjs' are 53-bit numbers (JavaScript's safe integers);
    /// yrs keeps only 53 bits, so a longer one would pass for another
    /// client.
    fn client(&mut self) -> Result<u64, CheckError> {
        let id = self.var()?;
        if id >> 53 != 0 {
            return Err(CheckError::ClientId);
        }
        Ok(id)
    }

    /// A clock (or a length of clocks): yrs counts them in 32 bits.
    fn clock(&mut self) -> Result<u64, CheckError> {
        let clock = self.var()?;
        if clock > u64::from(u32::MAX) {
            return Err(CheckError::Clock);
        }
        Ok(clock)
    }

    /// An id: a client and a clock.
    fn id(&mut self) -> Result<(), CheckError> {
        self.client()?;
        self.clock().map(drop)
    }

    /// A count of items of at least `min` bytes each, checked against what
    /// is left.
    fn count(&mut self, min: usize) -> Result<u64, CheckError> {
        let declared = self.var()?;
        let left = self.left();
        if declared.saturating_mul(min as u64) > left as u64 {
            return Err(CheckError::Count { declared, left });
        }
        Ok(declared)
    }

    /// A length-prefixed buffer (strings too: yrs checks their UTF-8).
    fn buf(&mut self) -> Result<&'a [u8], CheckError> {
        let len = self.var32()?;
        if len > self.left() as u64 {
            return Err(CheckError::Truncated);
        }
        let start = self.at;
        self.at += len as usize;
        Ok(&self.buf[start..self.at])
    }
}

/// Checks one websocket frame: the messages packed in it. As
/// [`super::decode_frame`] reads them, the first must be whole and a
/// message cut short behind it ends the frame.
pub fn check_frame(frame: &[u8]) -> Result<(), CheckError> {
    let mut r = Reader::new(frame);
    message(&mut r)?;
    while !r.is_empty() {
        match message(&mut r) {
            Err(CheckError::Truncated) => return Ok(()),
            other => other?,
        }
    }
    Ok(())
}

fn message(r: &mut Reader) -> Result<(), CheckError> {
    // A payload whole in the frame but cut short inside is malformed, not
    // the frame's end.
    let inner = |checked: Result<(), CheckError>| {
        checked.map_err(|e| match e {
            CheckError::Truncated => CheckError::Payload,
            other => other,
        })
    };
    match r.var()? {
        // Sync
        0 => match r.var()? {
            0 => inner(check_state_vector(r.buf()?)),
            1 | 2 => inner(check_update_v1(r.buf()?)),
            other => Err(CheckError::Unknown("sync message", other as u8)),
        },
        // Awareness
        1 => inner(check_awareness(r.buf()?)),
        // Auth: a reason, and its text when permission is denied.
        2 => {
            if r.var()? == 0 {
                r.buf()?;
            }
            Ok(())
        }
        // Awareness query
        3 => Ok(()),
        tag if tag > u64::from(u8::MAX) => Err(CheckError::Overflow),
        // Custom messages carry a buffer of their own.
        _ => r.buf().map(drop),
    }
}

/// A state vector: (client, clock) pairs.
pub fn check_state_vector(bytes: &[u8]) -> Result<(), CheckError> {
    let mut r = Reader::new(bytes);
    let n = r.count(2)?;
    for _ in 0..n {
        r.id()?;
    }
    Ok(())
}

/// An awareness update: (client, clock, JSON state) entries.
pub fn check_awareness(bytes: &[u8]) -> Result<(), CheckError> {
    let mut r = Reader::new(bytes);
    let n = r.count(3)?;
    for _ in 0..n {
        r.id()?;
        r.buf()?;
    }
    Ok(())
}

/// A yrs update (lib0 v1): blocks per client, then the delete set.
pub fn check_update_v1(bytes: &[u8]) -> Result<(), CheckError> {
    let mut r = Reader::new(bytes);
    let clients = r.count(3)?;
    // Yjs writes each client's blocks once, in order; yrs would queue a
    // second run behind the first, out of order, which its integration
    // does not survive. (At most a third of the bytes: bounded.)
    let mut seen = std::collections::HashSet::new();
    for _ in 0..clients {
        let blocks = r.count(2)?;
        if !seen.insert(r.client()?) {
            return Err(CheckError::Repeated);
        }
        // yrs adds each block's length to the clock (in 32 bits): the sum
        // of what the blocks may be must fit.
        let mut clock = r.clock()?;
        for _ in 0..blocks {
            clock += block(&mut r)?;
            if clock > u64::from(u32::MAX) {
                return Err(CheckError::Clock);
            }
        }
    }
    delete_set(&mut r)
}

/// Whether `update` writes clocks the document already holds pending
/// (structs waiting for changes it never received), under other content.
///
/// Yjs gives each (client, clock) one struct. An update that names a
/// clock already waiting in the pending update with other content makes
/// yrs merge the two; once the missing changes come, its integration
/// links the structs into a cycle and loops forever (fuzzing found a
/// frame that froze the board this way). Clocks the board holds already
/// are trimmed by yrs itself; only what waits needs this check. A peer
/// never sends a client's structs before their predecessors (it writes
/// to one server, in order): what waits is refused a second time, even
/// unchanged, until the room drops it (`--pending-timeout`).
pub fn overlaps_pending<T: yrs::ReadTxn>(txn: &T, update: &yrs::Update) -> bool {
    let Some(pending) = txn.store().pending_update() else {
        return false;
    };
    !update
        .insertions(true)
        .intersect(&pending.update.insertions(true))
        .is_empty()
}

/// Commits `txn` and says whether every list it changed can still be
/// read. A list (Y.Array, XML children) holds values, embeds and types;
/// strings belong in texts. Hostile bytes can still put a string in a
/// list (an item's parent is only known once it is integrated), and yrs
/// reads a list's strings by chars while it counts them in the
/// document's offset unit: with a non-ASCII string in a list, reading the
/// list (`iter`, `get`, `to_json`) never returns (fuzzing found a stored
/// board whose persona section did that). Such a list counts more units
/// than blocks: in a document counting bytes (the server's) every
/// non-ASCII string in a list shows that way. The caller drops what
/// fails: the document is not to be read.
pub fn commit_readable(txn: &mut yrs::TransactionMut) -> bool {
    use yrs::types::TypeRef;
    txn.commit();
    txn.changed_parent_types()
        .iter()
        .all(|branch| match branch.type_ref() {
            TypeRef::Array | TypeRef::XmlElement(_) | TypeRef::XmlFragment => {
                branch.len() == branch.content_len()
            }
            _ => true,
        })
}

const HAS_ORIGIN: u8 = 0b1000_0000;
const HAS_RIGHT_ORIGIN: u8 = 0b0100_0000;
const HAS_PARENT_SUB: u8 = 0b0010_0000;

/// One block: at most how many clocks it takes.
fn block(r: &mut Reader) -> Result<u64, CheckError> {
    let info = r.u8()?;
    // GC and skip: a length. yrs takes the whole byte for these two (flags
    // and all); any other byte is an item, whose ids it reads first.
    if info == 0 || info == 10 {
        return r.clock();
    }
    if info & HAS_ORIGIN != 0 {
        r.id()?;
    }
    if info & HAS_RIGHT_ORIGIN != 0 {
        r.id()?;
    }
    if info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN) == 0 {
        // The parent: a root type's name, or an item's id.
        if r.var32()? == 1 {
            r.buf()?;
        } else {
            r.id()?;
        }
        if info & HAS_PARENT_SUB != 0 {
            r.buf()?;
        }
    }
    content(r, info)
}

/// An item's content: at most how many clocks it takes (a string's
/// length in UTF-16 units is at most its length in bytes).
fn content(r: &mut Reader, info: u8) -> Result<u64, CheckError> {
    match info & 0b1111 {
        // Deleted: a length.
        1 => r.clock(),
        // JSON: yrs reads one string more than the count it declares.
        2 => {
            let n = r.count(1)?;
            for _ in 0..=n {
                r.buf()?;
            }
            Ok(n + 1)
        }
        // A string.
        4 => r.buf().map(|s| s.len() as u64),
        // Binary, embed (JSON text).
        3 | 5 => r.buf().map(|_| 1),
        // Format: key and JSON value.
        6 => {
            r.buf()?;
            r.buf().map(|_| 1)
        }
        // A shared type: its type ref, and an XML element's name.
        7 => match r.u8()? {
            3 => r.buf().map(|_| 1),
            0..=6 | 9 | 15 => Ok(1),
            other => Err(CheckError::Unknown("type ref", other)),
        },
        // Any values.
        8 => {
            let n = r.count(1)?;
            for _ in 0..n {
                any(r, 0)?;
            }
            Ok(n)
        }
        // A sub-document: its guid and options.
        9 => {
            r.buf()?;
            any(r, 0).map(|()| 1)
        }
        other => Err(CheckError::Unknown("content", other)),
    }
}

fn any(r: &mut Reader, depth: usize) -> Result<(), CheckError> {
    if depth >= MAX_DEPTH {
        return Err(CheckError::TooDeep);
    }
    match r.u8()? {
        // undefined, null, true, false
        127 | 126 | 121 | 120 => Ok(()),
        125 => r.signed(),
        124 => r.skip(4),
        123 | 122 => r.skip(8),
        119 | 116 => r.buf().map(drop),
        118 => {
            let n = r.count(2)?;
            for _ in 0..n {
                r.buf()?;
                any(r, depth + 1)?;
            }
            Ok(())
        }
        117 => {
            let n = r.count(1)?;
            for _ in 0..n {
                any(r, depth + 1)?;
            }
            Ok(())
        }
        other => Err(CheckError::Unknown("value", other)),
    }
}

fn delete_set(r: &mut Reader) -> Result<(), CheckError> {
    let clients = r.count(2)?;
    for _ in 0..clients {
        r.client()?;
        let ranges = r.count(2)?;
        for _ in 0..ranges {
            // yrs adds the length to the clock, in 32 bits.
            if r.clock()? + r.clock()? > u64::from(u32::MAX) {
                return Err(CheckError::Clock);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::types::ToJson;
    use yrs::updates::encoder::Encode;
    use yrs::{Any, Array, Doc, Map, MapPrelim, ReadTxn, StateVector, Text, Transact, WriteTxn};

    /// A document with every kind of content a board or a Yjs client
    /// writes: maps, texts with formatting, arrays of values, nested
    /// types, deletions.
    fn busy_doc() -> Doc {
        let doc = Doc::with_client_id(7);
        let mut txn = doc.transact_mut();
        let elements = txn.get_or_insert_map("elements");
        let note = elements.insert(&mut txn, "n1", MapPrelim::default());
        note.insert(&mut txn, "x", 12.5);
        note.insert(&mut txn, "big", i64::MAX);
        note.insert(&mut txn, "tags", Any::from(vec![Any::from("a"), Any::Null]));
        let nested = Any::from(std::collections::HashMap::from([(
            "k".to_string(),
            Any::from(vec![Any::from(true), Any::from(vec![1u8, 2, 3])]),
        )]));
        note.insert(&mut txn, "nested", nested);
        let text = txn.get_or_insert_text("t");
        text.insert(&mut txn, 0, "hello wörld");
        text.remove_range(&mut txn, 2, 3);
        let array = txn.get_or_insert_array("a");
        array.insert_range(&mut txn, 0, [1, 2, 3]);
        array.remove(&mut txn, 1);
        elements.remove(&mut txn, "gone");
        drop(txn);
        let _ = doc.to_json(&doc.transact());
        doc
    }

    #[test]
    fn what_yrs_writes_passes() {
        let doc = busy_doc();
        let update = doc.transact().encode_diff_v1(&StateVector::default());
        check_update_v1(&update).unwrap();
        check_state_vector(&doc.transact().state_vector().encode_v1()).unwrap();
        check_update_v1(&[0, 0]).unwrap();
        let frame = super::super::sync_step2(&doc, &StateVector::default());
        check_frame(&frame).unwrap();
        check_frame(&super::super::sync_step1(&doc)).unwrap();
    }

    #[test]
    fn declared_counts_beyond_the_bytes_are_refused() {
        // SyncStep1 whose state vector declares 2^28 clients in 8 bytes.
        let frame = [0, 0, 5, 0x80, 0x80, 0x80, 0x80, 0x01];
        assert!(matches!(check_frame(&frame), Err(CheckError::Count { .. })));
        // An update declaring a million clients, then a million blocks.
        assert!(check_update_v1(&[0xc0, 0x84, 0x3d]).is_err());
        assert!(check_update_v1(&[1, 0xc0, 0x84, 0x3d, 1, 0]).is_err());
        // An awareness update declaring 2^28 entries.
        let frame = [1, 5, 0x80, 0x80, 0x80, 0x80, 0x01];
        assert!(check_frame(&frame).is_err());
    }

    #[test]
    fn a_length_yrs_would_read_in_32_bits_is_refused_beyond_them() {
        // (found by fuzzing: a custom message whose length 80 80 80 80 80
        // 18 is 24 << 35 here, but 192 to yrs, which then read on into a
        // state vector with a 60-bit client id)
        let mut frame = vec![3];
        frame.extend([13, 0x80, 0x80, 0x80, 0x80, 0x80, 0x18]);
        frame.extend([0u8; 192]);
        assert_eq!(check_frame(&frame), Err(CheckError::Overflow));
        assert!(super::super::decode_frame(&frame).is_err());
    }

    #[test]
    fn a_gc_tag_with_item_flags_is_read_as_yrs_reads_it() {
        // (found by fuzzing: info 0xe0 is no GC to yrs but an item with
        // an origin, a right origin and a key; its right origin had a
        // 60-bit client id the check skipped as the GC's length)
        let found = [
            0x00, 0x02, 0x27, 0x02, 0x00, 0x2e, 0x07, 0x01, 0xea, 0xf0, 0x00, 0x00, 0xe0, 0xfb,
            0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x70, 0x61,
            0x72, 0x65, 0x6e, 0x74, 0x37, 0x37, 0x37, 0x37, 0x37, 0x37, 0x37, 0x37, 0x37, 0x37,
            0x37, 0x37, 0x37,
        ];
        assert!(check_frame(&found).is_err());
        assert!(super::super::decode_frame(&found).is_err());
    }

    #[test]
    fn a_payload_cut_short_inside_a_whole_message_is_refused() {
        // (found by fuzzing: an empty SyncStep2 let the next message, a
        // state vector with a 60-bit client id, through)
        let mut frame = vec![2, 2, 0, 1, 0];
        frame.extend([
            0, 0, 11, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10, 1,
        ]);
        assert!(check_frame(&frame).is_err());
        assert!(super::super::decode_frame(&frame).is_err());
    }

    #[test]
    fn clocks_that_would_overflow_are_refused() {
        // (found by fuzzing: a delete set range of clock + length > 2^32)
        let ds = [
            0, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0xff, 0x0f,
        ];
        assert_eq!(check_update_v1(&ds), Err(CheckError::Clock));
        // A GC block as long as the clock space, after a clock.
        let gc = [1, 2, 1, 5, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 1, 0];
        assert_eq!(check_update_v1(&gc), Err(CheckError::Clock));
    }

    #[test]
    fn client_ids_longer_than_53_bits_are_refused() {
        // (found by fuzzing: yrs would keep 53 bits of it, another client)
        let frame = [
            0x3a, 0, 1, 9, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x70,
        ];
        assert_eq!(check_frame(&frame), Err(CheckError::ClientId));
        let mut sv = vec![0, 0, 11, 1];
        sv.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10, 1]);
        sv[2] = (sv.len() - 3) as u8;
        assert_eq!(check_frame(&sv), Err(CheckError::ClientId));
    }

    #[test]
    fn values_nested_too_deep_are_refused() {
        // One client, one block of Any content holding arrays in arrays.
        let depth = 100_000;
        let mut update = vec![1, 1, 7, 0, 0b1000, 1, 1, b'a', 1];
        for _ in 0..depth {
            update.extend([117, 1]);
        }
        update.extend([126, 0]);
        assert_eq!(check_update_v1(&update), Err(CheckError::TooDeep));
        let mut shallow = vec![1, 1, 7, 0, 0b1000, 1, 1, b'a', 1];
        for _ in 0..10 {
            shallow.extend([117, 1]);
        }
        shallow.extend([126, 0]);
        check_update_v1(&shallow).unwrap();
        let doc = Doc::new();
        doc.transact_mut()
            .apply_update(yrs::Update::decode_v1(&shallow).unwrap())
            .unwrap();
    }

    #[test]
    fn clocks_waiting_in_the_pending_update_are_not_written_twice() {
        use yrs::{GetString, Text, Transact, Update};
        // Client 116 wrote 40 characters; the board gets them from clock
        // 32 on (0..32 missing): they wait.
        let write = |text: &str| {
            let doc = Doc::with_client_id(116);
            let t = doc.get_or_insert_text("t");
            t.insert(&mut doc.transact_mut(), 0, text);
            assert_eq!(t.get_string(&doc.transact()).len(), 40);
            doc
        };
        let (one, two) = (write(&"a".repeat(40)), write(&"b".repeat(40)));
        let from = |clock: u32| StateVector::from_iter([(yrs::block::ClientID::new(116), clock)]);
        let board = Doc::new();
        let first = Update::decode_v1(&one.transact().encode_diff_v1(&from(32))).unwrap();
        board.transact_mut().apply_update(first).unwrap();
        assert!(board.transact().has_missing_updates());
        // The same clocks again, other content: refused.
        let clash = Update::decode_v1(&two.transact().encode_diff_v1(&from(35))).unwrap();
        assert!(overlaps_pending(&board.transact(), &clash));
        // Even the same content: one client's structs are never pending
        // twice (a peer whose update waited resends it once the board
        // dropped what was pending).
        let again = Update::decode_v1(&one.transact().encode_diff_v1(&from(0))).unwrap();
        assert!(overlaps_pending(&board.transact(), &again));
        // Another client's clocks: fine.
        let other = Doc::with_client_id(117);
        other
            .get_or_insert_text("t")
            .insert(&mut other.transact_mut(), 0, "c");
        let other = other.transact().encode_diff_v1(&StateVector::default());
        let other = Update::decode_v1(&other).unwrap();
        assert!(!overlaps_pending(&board.transact(), &other));
        // Nothing pending: nothing to overlap.
        assert!(!overlaps_pending(&Doc::new().transact(), &clash));
    }

    #[test]
    fn every_cut_of_a_real_frame_is_refused_or_read_without_panic() {
        let doc = busy_doc();
        let frame = super::super::sync_step2(&doc, &StateVector::default());
        for cut in 1..frame.len() {
            assert!(check_frame(&frame[..cut]).is_err(), "cut at {cut}");
        }
    }

    use yrs::Update;
    use yrs::updates::decoder::Decode;

    /// One string item from client 2, put straight into the list that
    /// client 1 made first (clock 0): what a Yjs client never writes.
    fn string_in_list(text: &str) -> Vec<u8> {
        let mut bytes = vec![1, 1, 2, 0, 4, 0, 1, 0, text.len() as u8];
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(&[0]);
        bytes
    }

    fn board_with_a_list() -> Doc {
        let doc = Doc::with_client_id(1);
        let m = doc.get_or_insert_map("m");
        m.insert(&mut doc.transact_mut(), "l", yrs::ArrayPrelim::default());
        doc
    }

    #[test]
    fn a_string_put_in_a_list_is_seen_before_anything_reads_the_list() {
        let doc = board_with_a_list();
        let update = string_in_list("« é »");
        check_update_v1(&update).unwrap();
        let mut txn = doc.transact_mut();
        txn.apply_update(Update::decode_v1(&update).unwrap())
            .unwrap();
        // (Reading the list now would never return: yrs counts 9 bytes
        // and reads 5 chars.)
        assert!(!commit_readable(&mut txn));

        // Plain ASCII reads as it counts (one char a value): harmless.
        let doc = board_with_a_list();
        let mut txn = doc.transact_mut();
        let update = Update::decode_v1(&string_in_list("ab")).unwrap();
        txn.apply_update(update).unwrap();
        assert!(commit_readable(&mut txn));
        drop(txn);
        let list = match doc.get_or_insert_map("m").get(&doc.transact(), "l") {
            Some(yrs::Out::YArray(list)) => list,
            other => panic!("{other:?}"),
        };
        assert_eq!(list.iter(&doc.transact()).count(), 2);

        // What a board writes passes: values, maps and texts in lists.
        let doc = board_with_a_list();
        let other = Doc::with_client_id(3);
        let update = {
            let m = other.get_or_insert_map("m");
            let mut txn = other.transact_mut();
            let list = m.insert(&mut txn, "l", yrs::ArrayPrelim::default());
            list.push_back(&mut txn, "« é »");
            let line = list.push_back(&mut txn, MapPrelim::default());
            line.insert(&mut txn, "text", yrs::TextPrelim::new("« é » 🎉"));
            txn.encode_update_v1()
        };
        let mut txn = doc.transact_mut();
        txn.apply_update(Update::decode_v1(&update).unwrap())
            .unwrap();
        assert!(commit_readable(&mut txn));
    }
}
