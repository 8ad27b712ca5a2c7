//! The customer journey map: a typed element (`type: "journey"`), a grid of
//! stages (columns) by lanes (rows), every name and cell a Y.Text edited
//! collaboratively; the emotions lane holds a score from -2 to +2 per
//! stage and per persona, drawn as a curve; a moment of truth marks one
//! interaction within a stage (a cell: a contact occasion, an action),
//! with what is at stake; a board can hold a current and a target map
//! (`variant`).
//!
//! Stored in the element's map (see `docs/board-schema.md`): `variant`,
//! `stages` and `lanes` (arrays of maps `{id, name: Y.Text, …}`), `cells`
//! (map `"lane:stage"` → Y.Text), `scores` (map `"persona:stage"` →
//! number; persona `""` is the map's own curve) and `mots` (map
//! `"lane:stage"` → Y.Text: what is at stake in that moment of truth).
//! Maps from before had one lane for contact occasions and channels
//! (`touchpoints`) and a moment-of-truth flag per stage (`mot`):
//! [`crate::migrate`] splits the lane and moves the flags onto the
//! occasions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use yrs::types::text::TextPrelim;
use yrs::{
    Any, Array, ArrayPrelim, ArrayRef, GetString, Map, MapPrelim, MapRef, Out, ReadTxn,
    TransactionMut,
};

use crate::lang::Lang;
use crate::ymap::{add_ids, edit_text_in, ids};

pub mod compare;
pub mod survey;

type Said = (&'static str, &'static str);

fn say(lang: Lang, (en, fr): Said) -> String {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
    .to_owned()
}

/// The stages a new map starts with.
pub const STAGES: [Said; 3] = [
    ("Before purchase", "Avant l'achat"),
    ("Purchase", "Achat"),
    ("After purchase", "Après l'achat"),
];

/// The lanes a new map starts with: key, name, whether it is the emotions
/// lane.
pub const LANES: [(&str, Said, bool); 7] = [
    ("actions", ("Actions", "Actions"), false),
    (OCCASIONS.0, OCCASIONS.1, false),
    (CHANNELS.0, CHANNELS.1, false),
    ("thoughts", ("Thoughts", "Pensées"), false),
    ("emotions", ("Emotions", "Émotions"), true),
    ("pains", ("Pain points", "Irritants"), false),
    ("opportunities", ("Opportunities", "Opportunités"), false),
];

/// Why customer and company meet (a need of either): never to be
/// confused with where they exchange ([`CHANNELS`]).
pub const OCCASIONS: (&str, Said) = ("occasions", ("Contact occasions", "Occasions de contact"));
/// Where the exchange happens (shop, phone, app, e-mail…).
pub const CHANNELS: (&str, Said) = ("channels", ("Channels", "Canaux"));
/// The lane maps from before had for both (see [`crate::migrate`]).
pub const OLD_TOUCHPOINTS: (&str, Said) = (
    "touchpoints",
    ("Touchpoints and channels", "Points de contact et canaux"),
);

/// Colours of the emotion curves, in order of the personas that have one.
pub const CURVES: [&str; 5] = ["#2a9d8f", "#e4572e", "#3a86ff", "#8338ec", "#e9a03b"];

/// Lowest and highest emotion score.
pub const SCORES: std::ops::RangeInclusive<i8> = -2..=2;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    pub id: String,
    pub name: String,
    /// The emotions lane: scores, not text.
    #[serde(default)]
    pub emotions: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Journey {
    /// `current` or `target`.
    pub variant: String,
    pub stages: Vec<Stage>,
    pub lanes: Vec<Lane>,
    /// `"lane:stage"` → text.
    pub cells: BTreeMap<String, String>,
    /// `"persona:stage"` → score.
    pub scores: BTreeMap<String, i8>,
    /// `"lane:stage"` → the notes the cell cites.
    #[serde(default)]
    pub cites: BTreeMap<String, Vec<String>>,
    /// `"lane:stage"` → what is at stake: the cells that are moments of
    /// truth.
    #[serde(default)]
    pub mots: BTreeMap<String, String>,
    /// What measures the stages, if anything: `nps` or `ces`.
    #[serde(default)]
    pub measure: String,
    /// Stage id → its figure in [`Journey::measure`] (NPS -100 to 100, CES
    /// 1 to 7), as measured after the workshop.
    #[serde(default)]
    pub measures: BTreeMap<String, f64>,
}

/// The measures a stage can be given: key, name, lowest and highest.
pub const MEASURES: [(&str, Said, f64, f64); 2] = [
    (
        "nps",
        ("NPS (would recommend)", "NPS (recommandation)"),
        -100.0,
        100.0,
    ),
    ("ces", ("CES (effort)", "CES (effort)"), 1.0, 7.0),
];

/// The lanes that tell the experience as designed, delivered and
/// perceived apart (optional: added on demand).
pub const EXPERIENCE_LANES: [(&str, Said); 3] = [
    ("designed", ("Designed experience", "Expérience conçue")),
    ("delivered", ("Delivered experience", "Expérience délivrée")),
    ("perceived", ("Perceived experience", "Expérience perçue")),
];

/// A figure as typed in a field (`-24`, `+12`, `3.5`, `3,5`), to a tenth;
/// `None` for anything else. (Read by hand: the browser app leaves out
/// the standard library's float parsing, several KB of WASM.)
pub fn parse_figure(s: &str) -> Option<f64> {
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = s.split_once(['.', ',']).unwrap_or((s, ""));
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) || int.len() > 6 {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let tenth = frac.bytes().next().map_or(0, |b| i64::from(b - b'0'));
    let tenths = whole * 10 + tenth;
    Some(if negative { -tenths } else { tenths } as f64 / 10.0)
}

/// A measure's figure as shown: `NPS +12`, `CES 3.5`.
pub fn measure_label(measure: &str, value: f64) -> String {
    match measure {
        "nps" => format!("NPS {:+}", value.round() as i64),
        _ => {
            let v = (value * 10.0).round() / 10.0;
            format!("{} {v}", measure.to_uppercase())
        }
    }
}

pub fn cell_key(lane: &str, stage: &str) -> String {
    format!("{lane}:{stage}")
}

impl Journey {
    /// A new map in `lang`, ids from `id`.
    pub fn new(lang: Lang, variant: &str, mut id: impl FnMut() -> String) -> Journey {
        Journey {
            variant: variant.to_owned(),
            stages: STAGES
                .iter()
                .map(|s| Stage {
                    id: id(),
                    name: say(lang, *s),
                })
                .collect(),
            lanes: LANES
                .iter()
                .map(|(key, name, emotions)| Lane {
                    id: (*key).to_owned(),
                    name: say(lang, *name),
                    emotions: *emotions,
                })
                .collect(),
            ..Journey::default()
        }
    }

    pub fn cell(&self, lane: &str, stage: &str) -> &str {
        self.cells
            .get(&cell_key(lane, stage))
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn score(&self, persona: &str, stage: &str) -> Option<i8> {
        self.scores.get(&cell_key(persona, stage)).copied()
    }

    /// The personas (ids, `""` for the map's own) that have scores.
    pub fn curves(&self) -> Vec<String> {
        let mut personas: Vec<String> = self
            .scores
            .keys()
            .filter_map(|k| k.rsplit_once(':').map(|(p, _)| p.to_owned()))
            .collect();
        personas.sort();
        personas.dedup();
        personas
    }

    /// The curve of `persona`: (stage index, score) for the stages scored.
    pub fn curve(&self, persona: &str) -> Vec<(usize, i8)> {
        self.stages
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, self.score(persona, &s.id)?)))
            .collect()
    }

    pub fn read<T: ReadTxn>(txn: &T, map: &MapRef) -> Journey {
        let text_of = |m: &MapRef, key: &str| match m.get(txn, key) {
            Some(Out::YText(t)) => t.get_string(txn),
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        };
        let items = |key: &str| -> Vec<MapRef> {
            match map.get(txn, key) {
                Some(Out::YArray(a)) => a
                    .iter(txn)
                    .filter_map(|o| match o {
                        Out::YMap(m) => Some(m),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let flag =
            |m: &MapRef, key: &str| matches!(m.get(txn, key), Some(Out::Any(Any::Bool(true))));
        // A stage moved by two people at once is there twice: shown once.
        let mut seen = std::collections::HashSet::new();
        let stages = items("stages")
            .iter()
            .map(|m| Stage {
                id: text_of(m, "id"),
                name: text_of(m, "name"),
            })
            .filter(|s| seen.insert(s.id.clone()))
            .collect();
        let lanes = items("lanes")
            .iter()
            .map(|m| Lane {
                id: text_of(m, "id"),
                name: text_of(m, "name"),
                emotions: flag(m, "emotions"),
            })
            .collect();
        // The texts, and the finite numbers, of a child map.
        let texts = |key: &str| -> BTreeMap<String, String> {
            match map.get(txn, key) {
                Some(Out::YMap(m)) => m
                    .iter(txn)
                    .filter_map(|(k, v)| match v {
                        Out::YText(t) => Some((k.to_owned(), t.get_string(txn))),
                        _ => None,
                    })
                    .collect(),
                _ => BTreeMap::new(),
            }
        };
        let numbers = |key: &str| -> Vec<(String, f64)> {
            match map.get(txn, key) {
                Some(Out::YMap(m)) => m
                    .iter(txn)
                    .filter_map(|(k, v)| match v {
                        Out::Any(Any::Number(yrs::any::Number::Float(n))) if n.is_finite() => {
                            Some((k.to_owned(), n))
                        }
                        Out::Any(Any::Number(yrs::any::Number::Int(n))) => {
                            Some((k.to_owned(), n as f64))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let cells = texts("cells");
        let scores = numbers("scores")
            .into_iter()
            .map(|(k, n)| (k, n.round().clamp(-2.0, 2.0) as i8))
            .collect();
        let mots = texts("mots");
        let cites = match map.get(txn, "cites") {
            Some(Out::YMap(cites)) => cites
                .iter(txn)
                .map(|(k, v)| (k.to_owned(), ids(txn, Some(v))))
                .filter(|(_, ids)| !ids.is_empty())
                .collect(),
            _ => BTreeMap::new(),
        };
        let measure = match map.get(txn, "measure") {
            Some(Out::Any(Any::String(s))) if MEASURES.iter().any(|(k, ..)| **k == *s) => {
                s.to_string()
            }
            _ => String::new(),
        };
        let bounds = MEASURES
            .iter()
            .find(|(k, ..)| *k == measure)
            .map(|(_, _, lo, hi)| (*lo, *hi));
        let measures = match bounds {
            Some((lo, hi)) => numbers("measures")
                .into_iter()
                .map(|(k, n)| (k, n.clamp(lo, hi)))
                .collect(),
            None => BTreeMap::new(),
        };
        Journey {
            cites,
            mots,
            measure,
            measures,
            variant: match map.get(txn, "variant") {
                Some(Out::Any(Any::String(s))) if &*s == "target" => "target".into(),
                _ => "current".into(),
            },
            stages,
            lanes,
            cells,
            scores,
        }
    }

    pub fn write(&self, txn: &mut TransactionMut, map: &MapRef) {
        map.insert(txn, "variant", Any::from(self.variant.as_str()));
        let stages = map.insert(txn, "stages", ArrayPrelim::default());
        for stage in &self.stages {
            push_stage(txn, &stages, stage);
        }
        let lanes = map.insert(txn, "lanes", ArrayPrelim::default());
        for lane in &self.lanes {
            push_lane(txn, &lanes, lane);
        }
        let cells = map.insert(txn, "cells", MapPrelim::default());
        for (k, v) in &self.cells {
            cells.insert(txn, k.as_str(), TextPrelim::new(v.as_str()));
        }
        if !self.measure.is_empty() {
            map.insert(txn, "measure", Any::from(self.measure.as_str()));
        }
        let measures = map.insert(txn, "measures", MapPrelim::default());
        for (k, v) in &self.measures {
            measures.insert(txn, k.as_str(), Any::from(*v));
        }
        let scores = map.insert(txn, "scores", MapPrelim::default());
        for (k, v) in &self.scores {
            scores.insert(txn, k.as_str(), Any::from(*v as f64));
        }
        let mots = map.insert(txn, "mots", MapPrelim::default());
        for (k, stake) in &self.mots {
            mots.insert(txn, k.as_str(), TextPrelim::new(stake.as_str()));
        }
        let cites = map.insert(txn, "cites", MapPrelim::default());
        for (k, ids) in &self.cites {
            add_ids(txn, &cites, k, ids);
        }
    }

    /// What is at stake in cell (`lane`, `stage`), if it is a moment of
    /// truth.
    pub fn mot(&self, lane: &str, stage: &str) -> Option<&str> {
        self.mots.get(&cell_key(lane, stage)).map(String::as_str)
    }

    /// The moments of truth in reading order (stage by stage, lane by
    /// lane): stage, lane, the cell's text, what is at stake.
    pub fn moments(&self) -> Vec<(&Stage, &Lane, &str, &str)> {
        self.stages
            .iter()
            .flat_map(|stage| {
                self.lanes.iter().filter_map(move |lane| {
                    let stake = self.mot(&lane.id, &stage.id)?;
                    Some((stage, lane, self.cell(&lane.id, &stage.id), stake))
                })
            })
            .collect()
    }

    /// The notes cell (`lane`, `stage`) cites.
    pub fn cited(&self, lane: &str, stage: &str) -> &[String] {
        self.cites
            .get(&cell_key(lane, stage))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

fn push_stage(txn: &mut TransactionMut, stages: &ArrayRef, stage: &Stage) {
    let m = stages.push_back(txn, MapPrelim::default());
    fill_stage(txn, &m, stage);
}

fn fill_stage(txn: &mut TransactionMut, m: &MapRef, stage: &Stage) {
    m.insert(txn, "id", Any::from(stage.id.as_str()));
    m.insert(txn, "name", TextPrelim::new(stage.name.as_str()));
}

fn push_lane(txn: &mut TransactionMut, lanes: &ArrayRef, lane: &Lane) {
    let m = lanes.push_back(txn, MapPrelim::default());
    m.insert(txn, "id", Any::from(lane.id.as_str()));
    m.insert(txn, "name", TextPrelim::new(lane.name.as_str()));
    m.insert(txn, "emotions", Any::from(lane.emotions));
}

/// Edits of one journey element's map; each touches only what it names.
pub struct JourneyEdit<'a> {
    pub map: &'a MapRef,
}

impl JourneyEdit<'_> {
    fn array(&self, txn: &mut TransactionMut, key: &str) -> ArrayRef {
        match self.map.get(txn, key) {
            Some(Out::YArray(a)) => a,
            _ => self.map.insert(txn, key, ArrayPrelim::default()),
        }
    }

    fn child_map(&self, txn: &mut TransactionMut, key: &str) -> MapRef {
        match self.map.get(txn, key) {
            Some(Out::YMap(m)) => m,
            _ => self.map.insert(txn, key, MapPrelim::default()),
        }
    }

    /// Index and map of the item `id` of array `key`.
    fn find(&self, txn: &mut TransactionMut, key: &str, id: &str) -> Option<(u32, MapRef)> {
        let array = self.array(txn, key);
        array.iter(txn).enumerate().find_map(|(i, o)| match o {
            Out::YMap(m) if matches!(m.get(txn, "id"), Some(Out::Any(Any::String(s))) if &*s == id) => {
                Some((i as u32, m))
            }
            _ => None,
        })
    }

    pub fn add_stage(&self, txn: &mut TransactionMut, stage: &Stage) {
        let stages = self.array(txn, "stages");
        push_stage(txn, &stages, stage);
    }

    pub fn rename_stage(&self, txn: &mut TransactionMut, id: &str, name: &str) {
        self.rename(txn, "stages", id, name);
    }

    /// Renames item `id` of array `key` (a stage or a lane).
    fn rename(&self, txn: &mut TransactionMut, key: &str, id: &str, name: &str) {
        if let Some((_, m)) = self.find(txn, key, id) {
            edit_text_in(txn, &m, "name", name);
        }
    }

    /// Marks cell (`lane`, `stage`) a moment of truth (its stake empty),
    /// or unmarks it (its stake goes with it).
    pub fn set_mot(&self, txn: &mut TransactionMut, lane: &str, stage: &str, mot: bool) {
        let mots = self.child_map(txn, "mots");
        let key = cell_key(lane, stage);
        match (mot, mots.get(txn, &key)) {
            (true, Some(Out::YText(_))) => {}
            (true, _) => {
                mots.insert(txn, key, TextPrelim::new(""));
            }
            (false, _) => {
                mots.remove(txn, &key);
            }
        }
    }

    /// Chooses what measures the stages (`nps`, `ces`, or none: ""); the
    /// figures of another measure go.
    pub fn set_measure_kind(&self, txn: &mut TransactionMut, measure: &str) {
        if !measure.is_empty() && !MEASURES.iter().any(|(k, ..)| *k == measure) {
            return;
        }
        let same = matches!(self.map.get(txn, "measure"), Some(Out::Any(Any::String(s))) if &*s == measure);
        if same {
            return;
        }
        self.map.insert(txn, "measure", Any::from(measure));
        self.map.insert(txn, "measures", MapPrelim::default());
    }

    /// Sets (or with `None` clears) the figure of `stage`, within the
    /// measure's bounds.
    pub fn set_measure(&self, txn: &mut TransactionMut, stage: &str, value: Option<f64>) {
        let measures = self.child_map(txn, "measures");
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                measures.insert(txn, stage, Any::from(v.clamp(-100.0, 100.0)));
            }
            None => {
                measures.remove(txn, stage);
            }
        }
    }

    /// What is at stake in the moment of truth at (`lane`, `stage`).
    pub fn set_stake(&self, txn: &mut TransactionMut, lane: &str, stage: &str, text: &str) {
        let mots = self.child_map(txn, "mots");
        edit_text_in(txn, &mots, &cell_key(lane, stage), text);
    }

    /// Moves a stage `by` places (negative: left), within the map. (The
    /// stage is written again at its new place: a concurrent edit of its
    /// name during the move keeps the name as it was read.)
    pub fn move_stage(&self, txn: &mut TransactionMut, id: &str, by: i32) {
        let stages = self.array(txn, "stages");
        let len = stages.len(txn) as i32;
        let Some((index, map)) = self.find(txn, "stages", id) else {
            return;
        };
        let to = (index as i32 + by).clamp(0, len - 1) as u32;
        if to == index {
            return;
        }
        let stage = Stage {
            id: id.to_owned(),
            name: match map.get(txn, "name") {
                Some(Out::YText(t)) => t.get_string(txn),
                _ => String::new(),
            },
        };
        stages.remove(txn, index);
        let m = stages.insert(txn, to, MapPrelim::default());
        fill_stage(txn, &m, &stage);
    }

    /// Removes a stage, its cells and its scores.
    pub fn remove_stage(&self, txn: &mut TransactionMut, id: &str) {
        if let Some((index, _)) = self.find(txn, "stages", id) {
            self.array(txn, "stages").remove(txn, index);
        }
        self.child_map(txn, "measures").remove(txn, id);
        let suffix = format!(":{id}");
        for key in ["cells", "scores", "cites", "mots"] {
            let m = self.child_map(txn, key);
            let gone: Vec<String> = m
                .keys(txn)
                .filter(|k| k.ends_with(&suffix))
                .map(str::to_owned)
                .collect();
            for k in gone {
                m.remove(txn, &k);
            }
        }
    }

    /// Sets the element's width to hold its stages: `fixed` plus `per_stage`
    /// for each (the map grows and shrinks with its stages).
    pub fn fit_width(&self, txn: &mut TransactionMut, fixed: f64, per_stage: f64) {
        let stages = self.array(txn, "stages").len(txn) as f64;
        self.map
            .insert(txn, "w", Any::from(fixed + per_stage * stages.max(1.0)));
    }

    pub fn add_lane(&self, txn: &mut TransactionMut, lane: &Lane) {
        let lanes = self.array(txn, "lanes");
        push_lane(txn, &lanes, lane);
    }

    pub fn rename_lane(&self, txn: &mut TransactionMut, id: &str, name: &str) {
        self.rename(txn, "lanes", id, name);
    }

    pub fn set_cell(&self, txn: &mut TransactionMut, lane: &str, stage: &str, text: &str) {
        let cells = self.child_map(txn, "cells");
        edit_text_in(txn, &cells, &cell_key(lane, stage), text);
    }

    /// Adds `notes` to what cell (`lane`, `stage`) cites (each once).
    pub fn cite_cell(&self, txn: &mut TransactionMut, lane: &str, stage: &str, notes: &[String]) {
        let cites = self.child_map(txn, "cites");
        let key = cell_key(lane, stage);
        add_ids(txn, &cites, &key, notes);
    }

    /// Sets (or with `None` clears) the score of `persona` at `stage`.
    pub fn set_score(
        &self,
        txn: &mut TransactionMut,
        persona: &str,
        stage: &str,
        score: Option<i8>,
    ) {
        let scores = self.child_map(txn, "scores");
        match score {
            Some(s) => {
                scores.insert(
                    txn,
                    cell_key(persona, stage),
                    Any::from(s.clamp(-2, 2) as f64),
                );
            }
            None => {
                scores.remove(txn, &cell_key(persona, stage));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Transact};

    #[test]
    fn a_journey_round_trips_and_is_edited_in_place() {
        let doc = Doc::new();
        let elements = doc.get_or_insert_map("elements");
        let mut txn = doc.transact_mut();
        let map = elements.insert(&mut txn, "j", MapPrelim::default());
        let mut n = 0;
        let journey = Journey::new(Lang::Fr, "current", || {
            n += 1;
            format!("s{n}")
        });
        assert_eq!(journey.stages[0].name, "Avant l'achat");
        assert_eq!(journey.lanes.iter().filter(|l| l.emotions).count(), 1);
        journey.write(&mut txn, &map);
        assert_eq!(Journey::read(&txn, &map), journey);

        let edit = JourneyEdit { map: &map };
        edit.add_stage(
            &mut txn,
            &Stage {
                id: "s4".into(),
                name: "Sinistre".into(),
            },
        );
        edit.rename_stage(&mut txn, "s2", "Souscription");
        edit.set_cell(&mut txn, "occasions", "s4", "Déclarer un sinistre");
        edit.set_mot(&mut txn, "occasions", "s4", true);
        edit.set_stake(
            &mut txn,
            "occasions",
            "s4",
            "La confiance se gagne ou se perd",
        );
        edit.set_mot(&mut txn, "channels", "s2", true);
        edit.set_mot(&mut txn, "channels", "s2", false);
        edit.set_cell(&mut txn, "actions", "s4", "Déclare le sinistre");
        edit.set_score(&mut txn, "", "s1", Some(1));
        edit.set_score(&mut txn, "", "s4", Some(-7));
        edit.set_score(&mut txn, "julie", "s4", Some(-1));
        edit.cite_cell(
            &mut txn,
            "pains",
            "s4",
            &["n1".into(), "n2".into(), "n1".into()],
        );
        edit.set_measure_kind(&mut txn, "nps");
        edit.set_measure(&mut txn, "s1", Some(12.4));
        edit.set_measure(&mut txn, "s4", Some(-340.0));
        edit.move_stage(&mut txn, "s4", -1);
        let j = Journey::read(&txn, &map);
        assert_eq!(j.measure, "nps");
        assert_eq!(j.measures.get("s4"), Some(&-100.0), "within NPS");
        assert_eq!(measure_label("nps", j.measures["s1"]), "NPS +12");
        assert_eq!(measure_label("ces", 3.46), "CES 3.5");
        for (typed, read) in [
            ("-24", Some(-24.0)),
            ("+12", Some(12.0)),
            ("3,5", Some(3.5)),
            (" 3.57 ", Some(3.5)),
            (".5", Some(0.5)),
            ("", None),
            ("-", None),
            ("1e3", None),
            ("12a", None),
        ] {
            assert_eq!(parse_figure(typed), read, "{typed:?}");
        }
        let names: Vec<&str> = j.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Avant l'achat", "Souscription", "Sinistre", "Après l'achat"]
        );
        let lanes: Vec<&str> = j.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(lanes[1..3], ["Occasions de contact", "Canaux"]);
        let moments: Vec<(&str, &str, &str, &str)> = j
            .moments()
            .into_iter()
            .map(|(s, l, cell, stake)| (s.name.as_str(), l.id.as_str(), cell, stake))
            .collect();
        assert_eq!(
            moments,
            [(
                "Sinistre",
                "occasions",
                "Déclarer un sinistre",
                "La confiance se gagne ou se perd"
            )]
        );
        assert_eq!(j.cell("actions", "s4"), "Déclare le sinistre");
        assert_eq!(j.curve(""), [(0, 1), (2, -2)], "clamped to -2");
        assert_eq!(j.curves(), ["", "julie"]);
        assert_eq!(j.cited("pains", "s4"), ["n1", "n2"]);
        edit.move_stage(&mut txn, "s1", 1);
        let names: Vec<String> = Journey::read(&txn, &map)
            .stages
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(names, ["s2", "s1", "s4", "s3"]);
        edit.remove_stage(&mut txn, "s4");
        let j = Journey::read(&txn, &map);
        assert_eq!(j.stages.len(), 3);
        assert!(j.cells.is_empty() && j.curve("julie").is_empty() && j.cites.is_empty());
        edit.add_lane(
            &mut txn,
            &Lane {
                id: "l7".into(),
                name: "Verbatims".into(),
                emotions: false,
            },
        );
        edit.rename_lane(&mut txn, "l7", "Citations");
        assert_eq!(
            Journey::read(&txn, &map).lanes.last().unwrap().name,
            "Citations"
        );
        edit.set_score(&mut txn, "", "s1", None);
        assert!(Journey::read(&txn, &map).curve("").is_empty());
    }
}
