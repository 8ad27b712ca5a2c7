//! Writes the seed corpus (`corpus/<target>/seed-*`): real frames, updates,
//! commands, notes files, exports and stored rows, for libFuzzer to start
//! from. Run again when a format changes: `cargo run --bin make-seeds`.

use std::path::Path;

use atelier_shared::export::{self, Content};
use atelier_shared::facilitation::{self, Command};
use atelier_shared::{Board, Element, Kind, protocol};
use yrs::sync::{Awareness, Message};
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact};

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&dir).expect("corpus dir");
    std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("seed");
}

fn main() {
    // A board: templates, notes, an edit, a deletion.
    let doc = Doc::with_client_id(7);
    let board = Board::new(&doc);
    let mut n = 0u32;
    let template = {
        let mut txn = doc.transact_mut();
        for t in ["personas", "journey-map", "empathy-map"] {
            let place = atelier_shared::templates::Placement {
                author: "seed",
                z: 1.0,
                ..atelier_shared::templates::Placement::origin(atelier_shared::templates::Lang::En)
            };
            let elements = atelier_shared::templates::build(t, &place, || {
                n += 1;
                format!("t{n}")
            });
            for element in elements.iter().flatten() {
                board.elements().insert(&mut txn, element);
            }
        }
        txn.encode_update_v1()
    };
    let before = doc.transact().state_vector();
    let notes = {
        let mut txn = doc.transact_mut();
        for i in 0..3 {
            let mut note = Element::new(&format!("n{i}"), Kind::Note, 10.0 * i as f64, 0.0);
            note.text = format!("« Where is my file? » {i}");
            board.elements().insert(&mut txn, &note);
        }
        txn.encode_update_v1()
    };
    let deletion = {
        let mut txn = doc.transact_mut();
        board.elements().remove(&mut txn, "n1");
        txn.encode_update_v1()
    };
    let whole = doc.transact().encode_diff_v1(&StateVector::default());
    let since = doc.transact().encode_diff_v1(&before);
    for (name, update) in [
        ("template", &template),
        ("notes", &notes),
        ("deletion", &deletion),
        ("whole", &whole),
        ("since", &since),
    ] {
        write("update", name, update);
        write(
            "frame",
            &format!("update-{name}"),
            &protocol::update(update.clone()),
        );
    }
    write("frame", "step1", &protocol::sync_step1(&doc));
    write("frame", "step2", &protocol::sync_step2(&doc, &before));
    let mut awareness = Awareness::new(doc.clone());
    awareness
        .set_local_state(serde_json::json!({"user": {"name": "Camille", "color": "#e4572e"}, "cursor": [1.5, 2.0]}))
        .expect("state");
    write(
        "frame",
        "awareness",
        &protocol::awareness(awareness.update().expect("update")),
    );
    write("frame", "query", &protocol::awareness_query());
    write(
        "frame",
        "auth",
        &Message::Auth(Some("read-only".into())).encode_v1(),
    );
    let hello = serde_json::to_vec(&Command::Hello { key: "k".into() }).expect("json");
    write(
        "frame",
        "hello",
        &Message::Custom(facilitation::COMMAND, hello).encode_v1(),
    );
    write(
        "frame",
        "private",
        &Message::Custom(facilitation::PRIVATE, notes.clone()).encode_v1(),
    );

    // Commands, every kind.
    let commands = [
        Command::TimerSet { ms: 600_000 },
        Command::TimerStart,
        Command::TimerPause,
        Command::TimerAdd { ms: 60_000 },
        Command::TimerClear,
        Command::Follow {
            client: 42,
            name: "Fanny".into(),
        },
        Command::Unfollow,
        Command::Lock {
            ids: vec!["n0".into()],
        },
        Command::Unlock {
            ids: vec!["n0".into()],
        },
        Command::VoteOpen {
            scope: Some("t1".into()),
            per_person: 3,
            on: Vec::new(),
        },
        Command::VoteClose,
        Command::VoteClear,
        Command::Vote {
            voter: "v".into(),
            id: "n0".into(),
        },
        Command::Unvote {
            voter: "v".into(),
            id: "n0".into(),
        },
        Command::React {
            emoji: "👍".into(),
            name: "Ann".into(),
        },
        Command::Hello { key: "key".into() },
        Command::PrivateOn,
        Command::Reveal,
        Command::Phase {
            script: "co-construction".into(),
            index: 1,
        },
        Command::PhaseEnd,
    ];
    for (i, command) in commands.iter().enumerate() {
        write(
            "command",
            &i.to_string(),
            &serde_json::to_vec(command).expect("json"),
        );
    }

    // Notes files: the shared samples, and other encodings and shapes.
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    for name in ["interview-notes.csv", "interview-notes.md"] {
        if let Ok(bytes) = std::fs::read(samples.join(name)) {
            write("import", name, &bytes);
        }
    }
    write(
        "import",
        "tsv",
        b"Interviewer\tInterviewee\tVerbatim\nAnn\tC01\t\"Too long\"\n",
    );
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "Texte;Segment\nD\u{e9}lai;PME\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    write("import", "utf16", &utf16);
    write(
        "import",
        "cp1252",
        b"Note\nD\xe9lai trop long\n\x93Citation\x94\n",
    );
    write("import", "lines", b"one note\nanother note\n\n- a bullet\n");

    // A JSON export, and stored rows (snapshot, then log).
    let content = Content::read(&board, &doc.transact());
    let json = serde_json::to_vec(&export::to_json(&content)).expect("json");
    write("board_json", "export", &json);
    let mut stored = template.clone();
    stored.extend([0xff, 0x00]);
    stored.extend(&notes);
    stored.extend([0xff, 0x00]);
    stored.extend(&deletion);
    write("stored", "rows", &stored);
    write("stored", "snapshot", &whole);
}
