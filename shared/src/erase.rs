//! Erasing an interviewee (verbatims are personal data: the right to
//! erasure): every note from them, and every citation of those notes
//! (persona lines, journey cells, items that sum notes up), in one
//! transaction; or redacting a span of one note (a name, an address said
//! in passing): each time it occurs, replaced by [`REDACTED`]. What is deleted is collected by yrs (its text leaves the
//! document's encoding); the server then compacts the board's log and
//! erases the same from each version and each participant's private notes.

use serde::{Deserialize, Serialize};
use yrs::{Map, MapRef, Out, ReadTxn, TransactionMut};

use crate::persona::PersonaEdit;
use crate::{Board, Element};

/// What an erasure takes (or would take).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erased {
    /// Notes from the interviewee.
    pub notes: usize,
    /// Citations of those notes.
    pub citations: usize,
    /// Versions of the board that held any of them.
    #[serde(default)]
    pub versions: usize,
}

impl Erased {
    pub fn is_empty(&self) -> bool {
        self.notes == 0 && self.citations == 0
    }
}

/// The sum of two counts (a board and a participant's private notes).
impl std::ops::Add for Erased {
    type Output = Erased;

    fn add(self, other: Erased) -> Erased {
        Erased {
            notes: self.notes + other.notes,
            citations: self.citations + other.citations,
            versions: self.versions + other.versions,
        }
    }
}

/// The notes of `interviewee` (their code, as the notes give it) and
/// every place that cites one: (element id, what cites it).
struct Found {
    notes: Vec<String>,
    citations: Vec<(String, Citing)>,
}

enum Citing {
    /// The element itself (an item summing notes up).
    Element(String),
    /// A persona's line: section, line id, note.
    Line(String, String, String),
    /// A journey cell: its key, note.
    Cell(String, String),
}

fn find(elements: &[Element], interviewee: &str) -> Found {
    let interviewee = interviewee.trim();
    let notes: Vec<String> = elements
        .iter()
        .filter(|e| !interviewee.is_empty() && e.source.interviewee.trim() == interviewee)
        .map(|e| e.id.clone())
        .collect();
    let is_erased = |id: &String| notes.contains(id);
    let mut citations = Vec::new();
    for e in elements {
        for note in e.cites.iter().filter(|n| is_erased(n)) {
            citations.push((e.id.clone(), Citing::Element(note.clone())));
        }
        if let Some(p) = &e.persona {
            for (section, lines) in &p.sections {
                for line in lines {
                    for note in line.cites.iter().filter(|n| is_erased(n)) {
                        citations.push((
                            e.id.clone(),
                            Citing::Line(section.clone(), line.id.clone(), note.clone()),
                        ));
                    }
                }
            }
        }
        if let Some(j) = &e.journey {
            for (cell, cites) in &j.cites {
                for note in cites.iter().filter(|n| is_erased(n)) {
                    citations.push((e.id.clone(), Citing::Cell(cell.clone(), note.clone())));
                }
            }
        }
    }
    Found { notes, citations }
}

/// What erasing `interviewee` would take from `board`.
pub fn count<T: ReadTxn>(txn: &T, board: &Board, interviewee: &str) -> Erased {
    let found = find(&board.elements().all(txn), interviewee);
    Erased {
        notes: found.notes.len(),
        citations: found.citations.len(),
        versions: 0,
    }
}

/// Erases every note of `interviewee` from `board`, and every citation
/// of them; what it took.
pub fn erase(txn: &mut TransactionMut, board: &Board, interviewee: &str) -> Erased {
    let found = find(&board.elements().all(txn), interviewee);
    let elements = board.elements();
    for (id, citing) in &found.citations {
        match citing {
            Citing::Element(note) => elements.uncite(txn, id, note),
            Citing::Line(section, line, note) => {
                if let Some(map) = entry(txn, board, id) {
                    PersonaEdit { map: &map }.uncite(txn, section, line, note);
                }
            }
            Citing::Cell(cell, note) => {
                if let Some(map) = entry(txn, board, id)
                    && let Some(Out::YMap(cites)) = map.get(txn, "cites")
                {
                    crate::ymap::remove_id(txn, &cites, cell, note);
                }
            }
        }
    }
    for note in &found.notes {
        elements.remove(txn, note);
    }
    Erased {
        notes: found.notes.len(),
        citations: found.citations.len(),
        versions: 0,
    }
}

/// What stands where a span was redacted (of one length, whatever it
/// hid).
pub const REDACTED: &str = "█████";

/// What to take out of a board: an interviewee, or a span of one note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scrub {
    /// Every note of the interviewee (their code) and every citation.
    Interviewee(String),
    /// Each occurrence of `span` in note `note`'s text.
    Span { note: String, span: String },
}

impl Scrub {
    /// What this would take from `board`. A redaction counts the
    /// occurrences it would replace as `notes`.
    pub fn count<T: ReadTxn>(&self, txn: &T, board: &Board) -> Erased {
        match self {
            Scrub::Interviewee(who) => count(txn, board, who),
            Scrub::Span { note, span } => Erased {
                notes: occurrences(txn, board, note, span).map_or(0, |(_, n)| n),
                ..Erased::default()
            },
        }
    }

    /// Takes it from `board`: what it took.
    pub fn apply(&self, txn: &mut TransactionMut, board: &Board) -> Erased {
        match self {
            Scrub::Interviewee(who) => erase(txn, board, who),
            Scrub::Span { note, span } => {
                let Some((text, found)) = occurrences(txn, board, note, span) else {
                    return Erased::default();
                };
                if found > 0 {
                    board
                        .elements()
                        .edit_text(txn, note, &text.replace(span.as_str(), REDACTED));
                }
                Erased {
                    notes: found,
                    ..Erased::default()
                }
            }
        }
    }
}

/// Note `note`'s text and how often `span` occurs in it (never for an
/// empty span); `None` without such a note.
fn occurrences<T: ReadTxn>(
    txn: &T,
    board: &Board,
    note: &str,
    span: &str,
) -> Option<(String, usize)> {
    let text = board.elements().get(txn, note)?.text;
    let found = if span.trim().is_empty() {
        0
    } else {
        text.matches(span).count()
    };
    Some((text, found))
}

fn entry(txn: &TransactionMut, board: &Board, id: &str) -> Option<MapRef> {
    match board.elements().map().get(txn, id) {
        Some(Out::YMap(map)) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::Journey;
    use crate::persona::{Line, Persona};
    use crate::{Kind, Lang};
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, StateVector, Transact, Update};

    const SECRET: &str = "Mme Durand, 12 rue des Lilas";

    /// Two interviewees' notes; a persona line, a journey cell and an item
    /// citing both.
    fn board() -> (Doc, Board) {
        let doc = Doc::new();
        let board = Board::new(&doc);
        let mut txn = doc.transact_mut();
        for (id, who, text) in [
            (
                "a",
                "C01",
                format!("« {SECRET} : j'attends depuis 3 semaines »"),
            ),
            ("b", "C02", "« Personne ne me rappelle »".to_owned()),
        ] {
            let mut note = Element::new(id, Kind::Note, 0.0, 0.0);
            note.text = text;
            note.source.interviewee = who.into();
            board.elements().insert(&mut txn, &note);
        }
        let mut item = Element::new("item", Kind::Note, 0.0, 300.0);
        item.text = "Waiting without news".into();
        item.cites = vec!["a".into(), "b".into()];
        board.elements().insert(&mut txn, &item);
        let mut persona = Element::new("p", Kind::Persona, 500.0, 0.0);
        let mut p = Persona::blank();
        p.sections[9].1.push(Line {
            id: "l".into(),
            text: "Left without news".into(),
            cites: vec!["a".into(), "b".into()],
        });
        persona.persona = Some(Box::new(p));
        board.elements().insert(&mut txn, &persona);
        let mut journey = Element::new("j", Kind::Journey, 0.0, 900.0);
        let mut j = Journey::new(Lang::Fr, "current", || "s1".into());
        j.cites
            .insert("pains:s1".into(), vec!["a".into(), "b".into()]);
        journey.journey = Some(Box::new(j));
        board.elements().insert(&mut txn, &journey);
        drop(txn);
        (doc, board)
    }

    #[test]
    fn an_erased_interviewee_leaves_nothing_in_the_document() {
        let (doc, board) = board();
        let expected = Erased {
            notes: 1,
            citations: 3,
            versions: 0,
        };
        assert_eq!(count(&doc.transact(), &board, "C01"), expected);
        assert_eq!(erase(&mut doc.transact_mut(), &board, " C01 "), expected);

        // Nothing of theirs is left: not the note, not a citation, not a
        // byte of what they said in the document's encoding.
        let txn = doc.transact();
        let all = board.elements().all(&txn);
        assert!(all.iter().all(|e| e.id != "a"));
        assert!(all.iter().any(|e| e.id == "b"), "the others stay");
        let item = all.iter().find(|e| e.id == "item").unwrap();
        assert_eq!(item.cites, ["b"]);
        let p = all.iter().find_map(|e| e.persona.as_deref()).unwrap();
        assert_eq!(p.lines("irritants")[0].cites, ["b"]);
        let j = all.iter().find_map(|e| e.journey.as_deref()).unwrap();
        assert_eq!(j.cited("pains", "s1"), ["b"]);
        let state = txn.encode_state_as_update_v1(&StateVector::default());
        let needle = "Durand".as_bytes();
        assert!(!state.windows(needle.len()).any(|w| w == needle));

        // Read back elsewhere, the same; a second erasure finds nothing.
        let copy = Doc::new();
        copy.transact_mut()
            .apply_update(Update::decode_v1(&state).unwrap())
            .unwrap();
        let again = Board::new(&copy);
        assert_eq!(count(&copy.transact(), &again, "C01"), Erased::default());
        assert!(
            count(&copy.transact(), &again, "").is_empty(),
            "no code: nothing"
        );
    }

    #[test]
    fn a_redacted_span_leaves_nothing_in_the_document() {
        let (doc, board) = board();
        let scrub = Scrub::Span {
            note: "a".into(),
            span: SECRET.into(),
        };
        let found = Erased {
            notes: 1,
            ..Erased::default()
        };
        assert_eq!(scrub.count(&doc.transact(), &board), found);
        assert_eq!(scrub.apply(&mut doc.transact_mut(), &board), found);
        let txn = doc.transact();
        let a = board.elements().get(&txn, "a").unwrap();
        assert_eq!(
            a.text,
            format!("« {REDACTED} : j'attends depuis 3 semaines »")
        );
        // The note, its source and its citations stay.
        assert_eq!(a.source.interviewee, "C01");
        let item = board.elements().get(&txn, "item").unwrap();
        assert_eq!(item.cites, ["a", "b"]);
        let state = txn.encode_state_as_update_v1(&StateVector::default());
        let needle = "Durand".as_bytes();
        assert!(!state.windows(needle.len()).any(|w| w == needle));
        drop(txn);
        // Found no more; an empty span or another note: nothing.
        assert!(scrub.apply(&mut doc.transact_mut(), &board).is_empty());
        for (note, span) in [("a", " "), ("b", SECRET), ("nowhere", "x")] {
            let other = Scrub::Span {
                note: note.into(),
                span: span.into(),
            };
            assert!(other.apply(&mut doc.transact_mut(), &board).is_empty());
        }
    }
}
