//! The fuzz targets' bodies: one a reader of bytes from the wire, a file or
//! the disk. Each must end without a panic whatever it is given (libFuzzer
//! reports a panic as a crash). `cargo xtask fuzz` builds and runs them.

use atelier_shared::export::{self, Content};
use atelier_shared::facilitation::{self, Command, Facilitation};
use atelier_shared::{Board, Role, import, protocol};
use yrs::sync::{Awareness, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, Update};

/// A board with the persona, journey and empathy-map templates on it.
fn board() -> (Doc, Board) {
    let doc = Doc::with_client_id(1);
    let board = Board::new(&doc);
    let mut n = 0u32;
    let mut txn = doc.transact_mut();
    for template in ["personas", "journey-map", "empathy-map"] {
        let place = atelier_shared::templates::Placement {
            author: "fuzz",
            z: 1.0,
            ..atelier_shared::templates::Placement::origin(atelier_shared::templates::Lang::Fr)
        };
        let elements = atelier_shared::templates::build(template, &place, || {
            n += 1;
            format!("t{n}")
        });
        for element in elements.iter().flatten() {
            board.elements().insert(&mut txn, element);
        }
    }
    drop(txn);
    (doc, board)
}

thread_local! {
    /// Inside yrs' integration of an update: a panic there is contained.
    static IN_YRS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// libFuzzer's hook aborts on any panic; yrs' may be contained, as the room
/// contains them (`Room::change`): only those outside it are crashes.
fn contain_yrs_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_YRS.with(|flag| flag.get()) {
                fuzzer_hook(info);
            }
        }));
    });
}

/// Checks and applies an update to `doc`, as the room does (a panic in
/// yrs' integration is the room's to contain: then `doc` is dropped).
fn apply(doc: &Doc, bytes: &[u8]) -> bool {
    if protocol::check_update_v1(bytes).is_err() {
        return true;
    }
    let Ok(update) = Update::decode_v1(bytes) else {
        return true;
    };
    if protocol::overlaps_pending(&doc.transact(), &update) {
        return true;
    }
    contain_yrs_panics();
    IN_YRS.with(|flag| flag.set(true));
    // As the server does: a document left unreadable is dropped.
    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut txn = doc.transact_mut();
        txn.apply_update(update).is_err() || protocol::commit_readable(&mut txn)
    }));
    IN_YRS.with(|flag| flag.set(false));
    applied.unwrap_or(false)
}

/// Everything that reads a board, as exports and views do.
fn read_all(doc: &Doc, board: &Board) {
    let content = Content::read(board, &doc.transact());
    let _ = export::markdown(&content);
    let _ = export::notes_csv(&content, b';');
    let _ = export::to_json(&content);
    let _ = atelier_shared::svg::svg(&content, None);
}

pub fn frame(data: &[u8]) {
    let Ok(messages) = protocol::decode_frame(data) else {
        return;
    };
    let doc = Doc::with_client_id(1);
    let mut awareness = Awareness::new(doc.clone());
    for message in messages {
        match message {
            Message::Sync(SyncMessage::SyncStep1(sv)) => {
                let _ = protocol::sync_step2(&doc, &sv);
            }
            Message::Sync(SyncMessage::SyncStep2(u) | SyncMessage::Update(u)) => {
                if !apply(&doc, &u) {
                    return;
                }
            }
            Message::Awareness(update) => {
                let _ = awareness.apply_update(update);
            }
            Message::Custom(facilitation::COMMAND, json) => command(&json),
            Message::Custom(facilitation::PRIVATE, notes) => {
                if !apply(&doc, &notes) {
                    return;
                }
            }
            _ => {}
        }
    }
}

pub fn update(data: &[u8]) {
    let (doc, board) = board();
    if apply(&doc, data) {
        read_all(&doc, &board);
    }
}

pub fn command(data: &[u8]) {
    let Ok(command) = serde_json::from_slice::<Command>(data) else {
        return;
    };
    for role in Role::ALL {
        let mut state = Facilitation::default();
        let _ = state.apply(command.clone(), role, 1_000);
        let _ = state.state_for(Some("v-1"), 2_000);
    }
}

pub fn import(data: &[u8]) {
    let Ok(text) = import::decode(data) else {
        return;
    };
    let notes = match import::sniff("notes", &text) {
        import::Format::Table => import::parse_table(&text).ok().and_then(|table| {
            let mapping = import::Mapping::guess(&table.headers);
            import::notes_from_table(&table, &mapping)
                .ok()
                .map(|(n, _)| n)
        }),
        import::Format::Markdown => import::notes_from_markdown(&text).ok(),
        import::Format::Lines => import::notes_from_lines(&text).ok(),
    };
    if let Some(notes) = notes {
        let mut n = 0u32;
        let place = atelier_shared::templates::Placement::origin(atelier_shared::Lang::En);
        let known = std::collections::HashMap::new();
        let _ = import::pool(&notes, "pool", &place, &known, || {
            n += 1;
            format!("p{n}")
        });
    }
}

pub fn board_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut n = 0u32;
    let mut fresh = || {
        n += 1;
        format!("f{n}")
    };
    if let Ok(elements) = export::from_json(text, Some(&mut fresh)) {
        let _ = atelier_shared::clip::to_update(&elements);
    }
}

pub fn stored(data: &[u8]) {
    // Rows are cut where a 0xFF 0x00 pair stands: the first is the
    // snapshot, the rest the log.
    let mut rows: Vec<Vec<u8>> = vec![Vec::new()];
    let mut bytes = data.iter().peekable();
    while let Some(&b) = bytes.next() {
        if b == 0xff && bytes.peek() == Some(&&0) {
            bytes.next();
            rows.push(Vec::new());
        } else if let Some(row) = rows.last_mut() {
            row.push(b);
        }
    }
    let snapshot = rows.remove(0);
    let stored = atelier_server::store::StoredDoc {
        snapshot: (!snapshot.is_empty()).then_some(snapshot),
        updates: rows,
        last_seq: 0,
    };
    let id = "fuzz".parse().expect("a board id");
    // (`doc_of` contains yrs' panics itself: the board is then unreadable.)
    contain_yrs_panics();
    IN_YRS.with(|flag| flag.set(true));
    let doc = atelier_server::store::doc_of(&id, &stored);
    IN_YRS.with(|flag| flag.set(false));
    if let Ok(doc) = doc {
        read_all(&doc, &Board::new(&doc));
    }
}
