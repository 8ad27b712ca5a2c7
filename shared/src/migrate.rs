//! Boards from before a change of the model, brought up to date in place:
//! one transaction, idempotent, nothing lost. The server runs it when it
//! loads a board (the change is stored and sent like any other); readers
//! still read the old forms, for versions kept from before.
//!
//! - A persona's rank was kept under `priority` (a number): it moves to
//!   `rank`, and `priority` becomes the persona's own priority, a text.
//! - A journey map had one lane, `touchpoints`, for contact occasions and
//!   channels, which the method keeps apart: it becomes the occasions lane
//!   (renamed only if it still has its default name; its cells stay), and
//!   an empty channels lane follows it.
//! - A journey map flagged whole stages as moments of truth (`mot` on a
//!   stage): each flag moves onto that stage's occasion (its cell in the
//!   old lane), with an empty stake to fill in.

use yrs::types::text::TextPrelim;
use yrs::{Any, Array, ArrayRef, GetString, Map, MapPrelim, MapRef, Out, TransactionMut};

use crate::journey::{CHANNELS, OCCASIONS, OLD_TOUCHPOINTS, cell_key};
use crate::{Board, Lang};

/// Brings every element of `board` up to date; whether anything changed.
pub fn migrate(txn: &mut TransactionMut, board: &Board) -> bool {
    let lang = Lang::parse(&board.meta(txn).lang);
    let maps: Vec<MapRef> = board
        .elements()
        .map()
        .iter(txn)
        .filter_map(|(_, v)| match v {
            Out::YMap(m) => Some(m),
            _ => None,
        })
        .collect();
    let mut changed = false;
    for map in maps {
        match map.get(txn, "type") {
            Some(Out::Any(Any::String(kind))) if &*kind == "persona" => {
                changed |= persona(txn, &map);
            }
            Some(Out::Any(Any::String(kind))) if &*kind == "journey" => {
                changed |= journey(txn, &map, lang);
            }
            _ => {}
        }
    }
    changed
}

fn persona(txn: &mut TransactionMut, map: &MapRef) -> bool {
    let Some(Out::Any(Any::Number(rank))) = map.get(txn, "priority") else {
        return false;
    };
    let rank = match rank {
        yrs::any::Number::Float(n) if n.is_finite() => n.clamp(0.0, 9.0),
        yrs::any::Number::Int(n) => n.clamp(0, 9) as f64,
        _ => 0.0,
    };
    if map.get(txn, "rank").is_none() {
        map.insert(txn, "rank", Any::from(rank));
    }
    map.insert(txn, "priority", TextPrelim::new(""));
    true
}

fn items(txn: &TransactionMut, map: &MapRef, key: &str) -> Option<(ArrayRef, Vec<MapRef>)> {
    let Some(Out::YArray(array)) = map.get(txn, key) else {
        return None;
    };
    let items = array
        .iter(txn)
        .filter_map(|o| match o {
            Out::YMap(m) => Some(m),
            _ => None,
        })
        .collect();
    Some((array, items))
}

fn id_of(txn: &TransactionMut, map: &MapRef) -> String {
    match map.get(txn, "id") {
        Some(Out::Any(Any::String(s))) => s.to_string(),
        _ => String::new(),
    }
}

fn journey(txn: &mut TransactionMut, map: &MapRef, board_lang: Lang) -> bool {
    let mut changed = false;
    let Some((lanes, lane_maps)) = items(txn, map, "lanes") else {
        return false;
    };
    let ids: Vec<String> = lane_maps.iter().map(|m| id_of(txn, m)).collect();
    let old = ids.iter().position(|id| id == OLD_TOUCHPOINTS.0);
    let occasions = old.map(|_| OLD_TOUCHPOINTS.0).or_else(|| {
        ids.iter()
            .any(|id| id == OCCASIONS.0)
            .then_some(OCCASIONS.0)
    });
    if let Some(at) = old.filter(|_| !ids.iter().any(|id| id == CHANNELS.0)) {
        let lane = &lane_maps[at];
        let name = match lane.get(txn, "name") {
            Some(Out::YText(t)) => t.get_string(txn),
            _ => String::new(),
        };
        // The language of the defaults it still has, else the board's.
        let (en, fr) = OLD_TOUCHPOINTS.1;
        let lang = if name == fr {
            Lang::Fr
        } else if name == en {
            Lang::En
        } else {
            board_lang
        };
        let say = |(en, fr): (&'static str, &'static str)| match lang {
            Lang::En => en,
            Lang::Fr => fr,
        };
        if name == en || name == fr {
            lane.insert(txn, "name", TextPrelim::new(say(OCCASIONS.1)));
        }
        let channels = lanes.insert(txn, at as u32 + 1, MapPrelim::default());
        channels.insert(txn, "id", Any::from(CHANNELS.0));
        channels.insert(txn, "name", TextPrelim::new(say(CHANNELS.1)));
        channels.insert(txn, "emotions", Any::from(false));
        changed = true;
    }
    // Moments of truth flagged on whole stages move onto their occasion.
    let flagged: Vec<(MapRef, String)> = items(txn, map, "stages")
        .map(|(_, stages)| stages)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.get(txn, "mot").is_some())
        .map(|m| {
            let id = id_of(txn, &m);
            (m, id)
        })
        .collect();
    if flagged.is_empty() {
        return changed;
    }
    let lane = occasions.unwrap_or(OCCASIONS.0);
    let mots = match map.get(txn, "mots") {
        Some(Out::YMap(m)) => m,
        _ => map.insert(txn, "mots", MapPrelim::default()),
    };
    for (stage, id) in flagged {
        let on = matches!(stage.get(txn, "mot"), Some(Out::Any(Any::Bool(true))));
        let key = cell_key(lane, &id);
        if on && !id.is_empty() && mots.get(txn, &key).is_none() {
            mots.insert(txn, key, TextPrelim::new(""));
        }
        stage.remove(txn, "mot");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::Journey;
    use crate::persona::Persona;
    use crate::{BoardMeta, Element, Kind};
    use yrs::{ArrayPrelim, Doc, Transact};

    /// A board as Atelier wrote it before: a persona ranked 2 under
    /// `priority`, a French journey map with the merged lane (two cells
    /// in it) and its purchase stage flagged.
    fn old_board() -> (Doc, Board) {
        let doc = Doc::new();
        let board = Board::new(&doc);
        let mut txn = doc.transact_mut();
        board.init(
            &mut txn,
            &BoardMeta {
                lang: "fr".into(),
                ..BoardMeta::default()
            },
        );
        let elements = board.elements().map().clone();
        let p = elements.insert(&mut txn, "p", MapPrelim::default());
        p.insert(&mut txn, "type", "persona");
        p.insert(&mut txn, "name", TextPrelim::new("Julie"));
        p.insert(&mut txn, "priority", Any::from(2.0));
        let j = elements.insert(&mut txn, "j", MapPrelim::default());
        j.insert(&mut txn, "type", "journey");
        let lanes = j.insert(&mut txn, "lanes", ArrayPrelim::default());
        for (id, name) in [
            ("actions", "Actions"),
            ("touchpoints", "Points de contact et canaux"),
            ("pains", "Irritants"),
        ] {
            let l = lanes.push_back(&mut txn, MapPrelim::default());
            l.insert(&mut txn, "id", id);
            l.insert(&mut txn, "name", TextPrelim::new(name));
            l.insert(&mut txn, "emotions", false);
        }
        let stages = j.insert(&mut txn, "stages", ArrayPrelim::default());
        for (id, mot) in [("s1", false), ("s2", true)] {
            let s = stages.push_back(&mut txn, MapPrelim::default());
            s.insert(&mut txn, "id", id);
            s.insert(&mut txn, "name", TextPrelim::new(id));
            s.insert(&mut txn, "mot", mot);
        }
        let cells = j.insert(&mut txn, "cells", MapPrelim::default());
        cells.insert(
            &mut txn,
            "touchpoints:s1",
            TextPrelim::new("Publicité · site web"),
        );
        cells.insert(
            &mut txn,
            "touchpoints:s2",
            TextPrelim::new("Signature · agence"),
        );
        drop(txn);
        (doc, board)
    }

    #[test]
    fn an_old_board_migrates_once_and_loses_nothing() {
        let (doc, board) = old_board();
        assert!(migrate(&mut doc.transact_mut(), &board));
        let txn = doc.transact();
        let all: Vec<Element> = board.elements().all(&txn);
        let persona: &Persona = all
            .iter()
            .find(|e| e.kind == Kind::Persona)
            .and_then(|e| e.persona.as_deref())
            .unwrap();
        assert_eq!((persona.rank, persona.priority.as_str()), (2, ""));
        let journey: &Journey = all.iter().find_map(|e| e.journey.as_deref()).unwrap();
        let lanes: Vec<(&str, &str)> = journey
            .lanes
            .iter()
            .map(|l| (l.id.as_str(), l.name.as_str()))
            .collect();
        assert_eq!(
            lanes,
            [
                ("actions", "Actions"),
                ("touchpoints", "Occasions de contact"),
                ("channels", "Canaux"),
                ("pains", "Irritants")
            ]
        );
        // The cells stay in the occasions lane; the flag is on its cell.
        assert_eq!(journey.cell("touchpoints", "s1"), "Publicité · site web");
        assert_eq!(journey.cell("touchpoints", "s2"), "Signature · agence");
        assert_eq!(journey.mot("touchpoints", "s2"), Some(""));
        assert_eq!(journey.mot("touchpoints", "s1"), None);
        drop(txn);

        // A second run changes nothing; a renamed lane keeps its name.
        assert!(!migrate(&mut doc.transact_mut(), &board));
    }

    #[test]
    fn a_lane_renamed_by_the_team_keeps_its_name() {
        let (doc, board) = old_board();
        {
            let mut txn = doc.transact_mut();
            let j = match board.elements().map().get(&txn, "j") {
                Some(Out::YMap(m)) => m,
                _ => unreachable!(),
            };
            let (_, lanes) = items(&txn, &j, "lanes").unwrap();
            lanes[1].insert(&mut txn, "name", TextPrelim::new("Où et pourquoi"));
        }
        assert!(migrate(&mut doc.transact_mut(), &board));
        let txn = doc.transact();
        let journey = board
            .elements()
            .get(&txn, "j")
            .and_then(|e| e.journey)
            .unwrap();
        assert_eq!(journey.lanes[1].name, "Où et pourquoi");
        assert_eq!(journey.lanes[2].name, "Canaux", "the board's language");
    }

    #[test]
    fn a_board_of_today_is_left_alone() {
        let doc = Doc::new();
        let board = Board::new(&doc);
        let mut n = 0;
        let mut e = Element::new("j", Kind::Journey, 0.0, 0.0);
        e.journey = Some(Box::new(Journey::new(Lang::En, "current", || {
            n += 1;
            format!("s{n}")
        })));
        let mut p = Element::new("p", Kind::Persona, 0.0, 0.0);
        p.persona = Some(Box::new(Persona::blank()));
        {
            let mut txn = doc.transact_mut();
            board.elements().insert(&mut txn, &e);
            board.elements().insert(&mut txn, &p);
        }
        assert!(!migrate(&mut doc.transact_mut(), &board));
    }
}
