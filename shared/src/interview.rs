//! What an interview note carries besides its text: whether it is a
//! verbatim or an observation, who said it, who collected it, and tags.
//! Stored as flat keys of the note's map (see `docs/board-schema.md`).

use serde::{Deserialize, Serialize};
use yrs::{Any, Map, MapRef, Out, ReadTxn, TransactionMut};

/// A verbatim (the customer's exact words) or an observation (what the
/// interviewer saw or understood).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Verbatim,
    Observation,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Verbatim => "verbatim",
            Origin::Observation => "observation",
        }
    }

    /// Reads the words spreadsheets use for it (English and French).
    pub fn parse(s: &str) -> Option<Origin> {
        match fold(s).as_str() {
            "verbatim" | "quote" | "citation" | "verbatims" | "v" => Some(Origin::Verbatim),
            "observation" | "obs" | "observed" | "o" | "constat" => Some(Origin::Observation),
            _ => None,
        }
    }
}

/// Where an interview note comes from. Every part is optional: an ordinary
/// sticky note has none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The interviewee's code (`C01`): people are not named on the board.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interviewee: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub segment: String,
    /// Who ran the interview and wrote the note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interviewer: String,
    /// The interview's id (`E01`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interview: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// The element keys a [`Source`] is stored under.
pub const SOURCE_KEYS: [&str; 6] = [
    "origin",
    "interviewee",
    "segment",
    "interviewer",
    "interview",
    "tags",
];

impl Source {
    pub fn is_empty(&self) -> bool {
        *self == Source::default()
    }

    /// Reads the source keys of an element's map, forgivingly: an unknown
    /// origin reads as none; tags may be an array of strings or one string
    /// separated by `;`.
    pub fn read<T: ReadTxn>(txn: &T, map: &MapRef) -> Source {
        let string = |key| match map.get(txn, key) {
            Some(Out::Any(Any::String(s))) => s.trim().to_string(),
            Some(Out::YText(t)) => yrs::GetString::get_string(&t, txn).trim().to_string(),
            _ => String::new(),
        };
        let tags = match map.get(txn, "tags") {
            Some(Out::Any(Any::Array(items))) => items
                .iter()
                .filter_map(|item| match item {
                    Any::String(s) => Some(s.trim().to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
                .collect(),
            Some(Out::Any(Any::String(s))) => split_tags(&s),
            _ => Vec::new(),
        };
        Source {
            origin: Origin::parse(&string("origin")),
            interviewee: string("interviewee"),
            segment: string("segment"),
            interviewer: string("interviewer"),
            interview: string("interview"),
            tags,
        }
    }

    /// The keys to store for this source (the empty parts are left out).
    pub fn fields(&self) -> Vec<(&'static str, Any)> {
        let mut fields = Vec::new();
        if let Some(origin) = self.origin {
            fields.push(("origin", Any::from(origin.as_str())));
        }
        for (key, value) in [
            ("interviewee", &self.interviewee),
            ("segment", &self.segment),
            ("interviewer", &self.interviewer),
            ("interview", &self.interview),
        ] {
            if !value.is_empty() {
                fields.push((key, Any::from(value.as_str())));
            }
        }
        if !self.tags.is_empty() {
            let tags: Vec<Any> = self.tags.iter().map(|t| Any::from(t.as_str())).collect();
            fields.push(("tags", Any::from(tags)));
        }
        fields
    }

    /// Replaces the source keys of an element's map by this source's.
    pub fn write(&self, txn: &mut TransactionMut, map: &MapRef) {
        for key in SOURCE_KEYS {
            map.remove(txn, key);
        }
        for (key, value) in self.fields() {
            map.insert(txn, key, value);
        }
    }

    /// "C01 · E01" style label for the note's corner.
    pub fn label(&self) -> String {
        [self.interviewee.as_str(), self.interview.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Tags written as one string: `a;b`, `a, b` or `a|b`.
pub fn split_tags(s: &str) -> Vec<String> {
    s.split([';', ',', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Lower case without accents, spaces collapsed: how header names and
/// values are compared. The accents are those of French and the other
/// Western European languages the samples use; a Unicode decomposition
/// (`unicode-normalization`) would fold every script but adds 55 KB
/// (brotli) to the web app, which compares the same way.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        out.push(match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ÿ' => 'y',
            '_' | '-' | '·' => ' ',
            c => c,
        });
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, MapPrelim, Transact};

    #[test]
    fn fold_drops_accents_case_and_extra_spaces() {
        assert_eq!(fold("  Interviewé  "), "interviewe");
        assert_eq!(fold("ÉTIQUETTES_ça-va·là"), "etiquettes ca va la");
        assert_eq!(fold("Prénom  Über\tcœur"), "prenom uber cœur");
        assert_eq!(fold("N° entretien"), "n° entretien");
    }

    #[test]
    fn a_source_round_trips_and_reads_forgivingly() {
        let doc = Doc::new();
        let elements = doc.get_or_insert_map("elements");
        let source = Source {
            origin: Some(Origin::Verbatim),
            interviewee: "C01".into(),
            segment: "Jeune conducteur".into(),
            interviewer: "Claire".into(),
            interview: "E01".into(),
            tags: vec!["SPECIFIC:Sécurité".into(), "irritant".into()],
        };
        let mut txn = doc.transact_mut();
        let map = elements.insert(&mut txn, "n", MapPrelim::default());
        source.write(&mut txn, &map);
        assert_eq!(Source::read(&txn, &map), source);
        assert_eq!(source.label(), "C01 · E01");

        // Another client's spelling: tags as one string, an unknown origin.
        map.insert(&mut txn, "tags", "a; b ;; c");
        map.insert(&mut txn, "origin", "hearsay");
        let read = Source::read(&txn, &map);
        assert_eq!(read.tags, ["a", "b", "c"]);
        assert_eq!(read.origin, None);

        Source::default().write(&mut txn, &map);
        assert!(Source::read(&txn, &map).is_empty());
    }

    #[test]
    fn origins_in_two_languages() {
        assert_eq!(Origin::parse("Verbatim"), Some(Origin::Verbatim));
        assert_eq!(Origin::parse(" Citation "), Some(Origin::Verbatim));
        assert_eq!(Origin::parse("OBSERVATION"), Some(Origin::Observation));
        assert_eq!(Origin::parse(""), None);
    }
}
