//! The interview tracker: who interviewed whom, in which order and how —
//! listening to an expert, coached with a debrief, then alone (the
//! method's apprenticeship) — each interview linked to the notes it
//! produced. Interviews are read from the notes' sources (interviewer,
//! interview, interviewee); how each was run is kept in the board's root
//! map `interviews` (interview id → `listened`, `coached` or `alone`).
//! An interview not yet said is suggested by its place in its
//! interviewer's order: the first listened, the second coached, the rest
//! alone.

use yrs::{Any, Map, MapRef, Out, ReadTxn, TransactionMut};

use crate::element::{Element, Kind};
use crate::lang::Lang;

/// How an interview was run: key and name.
pub const MODES: [(&str, (&str, &str)); 3] = [
    ("listened", ("Listened (expert)", "Écouté (expert)")),
    ("coached", ("Coached, debriefed", "Coaché, débriefé")),
    ("alone", ("Alone", "Seul")),
];

/// Longest interview id kept (a code such as `E01`).
const MAX_ID: usize = 64;

/// One interview and what it produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Interview {
    pub id: String,
    /// Who was interviewed (their codes), in the order met.
    pub interviewees: Vec<String>,
    /// The notes it produced (element ids).
    pub notes: Vec<String>,
    /// How it was run (one of [`MODES`]).
    pub mode: &'static str,
    /// Whether `mode` is only suggested by its place in the order.
    pub suggested: bool,
}

/// An interviewer and their interviews, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Interviewer {
    pub name: String,
    pub interviews: Vec<Interview>,
}

/// The modes said so far (see the module's doc): (interview id, mode).
pub fn modes<T: ReadTxn>(txn: &T, map: &MapRef) -> Vec<(String, &'static str)> {
    map.iter(txn)
        .filter_map(|(id, mode)| {
            let Out::Any(Any::String(mode)) = mode else {
                return None;
            };
            let known = MODES.iter().find(|(key, _)| **key == *mode)?.0;
            Some((id.to_string(), known))
        })
        .collect()
}

/// Says how interview `id` was run; an unknown mode is ignored.
pub fn set_mode(txn: &mut TransactionMut, map: &MapRef, id: &str, mode: &str) {
    if id.is_empty() || id.len() > MAX_ID || !MODES.iter().any(|(key, _)| *key == mode) {
        return;
    }
    map.insert(txn, id, Any::from(mode));
}

/// The name of `mode` in `lang`.
pub fn mode_name(mode: &str, lang: Lang) -> &'static str {
    let (_, (en, fr)) = MODES
        .iter()
        .find(|(key, _)| *key == mode)
        .copied()
        .unwrap_or(MODES[2]);
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// Every interviewer's interviews, read from the notes among `elements`
/// (those that name their interview), with the modes said in `modes`.
/// Interviewers by name, their interviews by id (`E2` before `E10`).
/// (Kept in sorted vectors: a board has tens of interviews, and the web
/// app stays lighter than with maps and a sort.)
pub fn tracker(elements: &[Element], modes: &[(String, &'static str)]) -> Vec<Interviewer> {
    let mut all: Vec<Interviewer> = Vec::new();
    for note in elements.iter().filter(|e| e.kind == Kind::Note) {
        let s = &note.source;
        let (name, id) = (s.interviewer.trim(), s.interview.trim());
        if id.is_empty() {
            continue;
        }
        let at = match all.binary_search_by(|w| w.name.as_str().cmp(name)) {
            Ok(at) => at,
            Err(at) => {
                all.insert(
                    at,
                    Interviewer {
                        name: name.to_owned(),
                        interviews: Vec::new(),
                    },
                );
                at
            }
        };
        let list = &mut all[at].interviews;
        let at = match list.binary_search_by(|i| (i.id.len(), i.id.as_str()).cmp(&(id.len(), id))) {
            Ok(at) => at,
            Err(at) => {
                list.insert(
                    at,
                    Interview {
                        id: id.to_owned(),
                        interviewees: Vec::new(),
                        notes: Vec::new(),
                        mode: "",
                        suggested: true,
                    },
                );
                at
            }
        };
        let interview = &mut list[at];
        interview.notes.push(note.id.clone());
        let who = s.interviewee.trim();
        if !who.is_empty() && !interview.interviewees.iter().any(|w| w == who) {
            interview.interviewees.push(who.to_owned());
        }
    }
    for interviewer in &mut all {
        for (i, interview) in interviewer.interviews.iter_mut().enumerate() {
            match modes.iter().find(|(id, _)| *id == interview.id) {
                Some((_, mode)) => {
                    interview.mode = mode;
                    interview.suggested = false;
                }
                None => interview.mode = MODES[i.min(2)].0,
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Transact};

    fn note(id: &str, interviewer: &str, interview: &str, interviewee: &str) -> Element {
        let mut e = Element::new(id, Kind::Note, 0.0, 0.0);
        e.source.interviewer = interviewer.into();
        e.source.interview = interview.into();
        e.source.interviewee = interviewee.into();
        e
    }

    #[test]
    fn each_interviewer_s_interviews_in_order_with_how_they_were_run() {
        let elements = vec![
            note("a", "Claire", "E10", "C05"),
            note("b", "Claire", "E2", "C02"),
            note("c", "Claire", "E1", "C01"),
            note("d", "Claire", "E1", "C01"),
            note("e", "Marc", "E3", "C03"),
            note("f", "", "", "C09"),
        ];
        let doc = Doc::new();
        let map = doc.get_or_insert_map("interviews");
        {
            let mut txn = doc.transact_mut();
            set_mode(&mut txn, &map, "E2", "alone");
            set_mode(&mut txn, &map, "E3", "nonsense");
            set_mode(&mut txn, &map, "", "alone");
        }
        let said = modes(&doc.transact(), &map);
        assert_eq!(said.len(), 1, "{said:?}");
        let all = tracker(&elements, &said);
        assert_eq!(all.len(), 2);
        let claire = &all[0];
        assert_eq!(claire.name, "Claire");
        let ids: Vec<&str> = claire.interviews.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["E1", "E2", "E10"]);
        let first = &claire.interviews[0];
        assert_eq!(first.notes, ["c", "d"]);
        assert_eq!(first.interviewees, ["C01"]);
        assert_eq!((first.mode, first.suggested), ("listened", true));
        assert_eq!(
            (claire.interviews[1].mode, claire.interviews[1].suggested),
            ("alone", false)
        );
        assert_eq!(claire.interviews[2].mode, "alone");
        // Marc's first is suggested as listened: the unknown mode is not kept.
        assert_eq!(
            (all[1].interviews[0].mode, all[1].interviews[0].suggested),
            ("listened", true)
        );
        assert_eq!(mode_name("coached", Lang::Fr), "Coaché, débriefé");
    }
}
