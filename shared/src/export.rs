//! What leaves a board: the report (`report.rs`: Markdown a consultant
//! pastes into a deck, and what the printable page is made of), the
//! personas and the notes as JSON (re-importable: [`from_json`]), the notes
//! as CSV (in the columns the notes import reads).

mod report;

pub use report::{Extras, markdown, report};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::element::{Element, Kind};
use crate::lang::Lang;
use crate::persona::Persona;
use crate::{Board, BoardMeta, Source};

/// The JSON export's schema name and version.
pub const SCHEMA: &str = "atelier.board/1";

/// A board's content for export: its metadata and elements (sorted
/// top-to-bottom, left-to-right, as a reader goes through them).
#[derive(Default)]
pub struct Content {
    pub meta: BoardMeta,
    pub elements: Vec<Element>,
    /// How each interview was run, as said on the board (see
    /// [`crate::tracker`]).
    pub interviews: Vec<(String, &'static str)>,
    /// Where the board's images are, for pictures that show them: an
    /// address with `{id}` in place of an image's id (the printable
    /// page's, its token in it). Empty: an image is drawn as its frame.
    pub images: String,
    /// Images written into the picture itself (a downloaded SVG, which
    /// must stand alone): id → `data:` address. Before [`Content::images`].
    pub inline_images: HashMap<String, String>,
}

impl Content {
    pub fn read<T: yrs::ReadTxn>(board: &Board, txn: &T) -> Content {
        let mut elements = board.elements().all(txn);
        elements.sort_by(|a, b| {
            (a.y, a.x, &a.id)
                .partial_cmp(&(b.y, b.x, &b.id))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        Content {
            meta: board.meta(txn),
            elements,
            interviews: crate::tracker::modes(txn, board.interviews()),
            images: String::new(),
            inline_images: HashMap::new(),
        }
    }

    /// The address of image `id` (see [`Content::images`]), escaped for
    /// an attribute; `None` where images are not shown.
    pub fn image_href(&self, id: &str) -> Option<String> {
        if let Some(inline) = self.inline_images.get(id) {
            return Some(crate::markup::escape(inline));
        }
        (!self.images.is_empty() && crate::is_image_id(id))
            .then(|| crate::markup::escape(&self.images.replace("{id}", id)))
    }

    /// Every image the board shows (pictures and photos), once.
    pub fn image_ids(&self) -> std::collections::BTreeSet<&str> {
        self.elements
            .iter()
            .flat_map(|e| {
                [
                    Some(e.image.as_str()),
                    e.persona.as_ref().map(|p| p.photo.as_str()),
                ]
            })
            .flatten()
            .filter(|id| crate::is_image_id(id))
            .collect()
    }

    /// The board's language (its templates' words).
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.meta.lang)
    }

    /// Every card: the personas and the stakeholders.
    fn cards(&self) -> impl Iterator<Item = (&Element, &Persona)> {
        self.elements
            .iter()
            .filter_map(|e| Some((e, e.persona.as_deref()?)))
    }

    /// The persona cards (not the stakeholders'), in the report's order.
    fn personas(&self) -> Vec<(&Element, &Persona)> {
        let mut personas: Vec<(&Element, &Persona)> =
            self.cards().filter(|(_, p)| p.is_persona()).collect();
        // The primary first, then by rank (unset last), then left to right.
        personas.sort_by_key(|(e, p)| {
            (
                !p.primary,
                if p.rank == 0 { u8::MAX } else { p.rank },
                e.x as i64,
            )
        });
        personas
    }

    fn notes(&self) -> impl Iterator<Item = &Element> {
        self.elements.iter().filter(|e| e.kind == Kind::Note)
    }

    pub(crate) fn sources(&self) -> HashMap<String, Source> {
        self.notes()
            .map(|e| (e.id.clone(), e.source.clone()))
            .collect()
    }
}

/// The JSON export: the board's metadata, its personas and its notes
/// (ids kept, so citations still point at their notes on re-import).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub schema: String,
    pub title: String,
    #[serde(default)]
    pub lang: String,
    pub personas: Vec<Element>,
    pub notes: Vec<Element>,
    #[serde(default)]
    pub journeys: Vec<Element>,
}

pub fn to_json(content: &Content) -> Export {
    Export {
        schema: SCHEMA.to_owned(),
        title: content.meta.title.clone(),
        lang: content.meta.lang.clone(),
        personas: content.cards().map(|(e, _)| e.clone()).collect(),
        notes: content.notes().cloned().collect(),
        journeys: content
            .elements
            .iter()
            .filter(|e| e.kind == Kind::Journey)
            .cloned()
            .collect(),
    }
}

/// Why a JSON file cannot be imported.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum JsonError {
    #[error("This is not an Atelier export: {0}")]
    Invalid(String),
    #[error("This export is of another kind ({0}); Atelier reads {SCHEMA}.")]
    Schema(String),
}

/// Reads a JSON export back: the personas and notes to add to a board.
/// Elements keep their ids unless `fresh` gives new ones (importing into a
/// board that already holds them); citations follow the notes' new ids.
pub fn from_json(
    text: &str,
    mut fresh: Option<&mut dyn FnMut() -> String>,
) -> Result<Vec<Element>, JsonError> {
    let export: Export =
        serde_json::from_str(text).map_err(|e| JsonError::Invalid(e.to_string()))?;
    if export.schema != SCHEMA {
        return Err(JsonError::Schema(export.schema));
    }
    let mut elements: Vec<Element> = export
        .notes
        .into_iter()
        .filter(|e| e.kind == Kind::Note)
        .chain(
            export
                .personas
                .into_iter()
                .filter(|e| e.kind == Kind::Persona),
        )
        .chain(
            export
                .journeys
                .into_iter()
                .filter(|e| e.kind == Kind::Journey),
        )
        .collect();
    if let Some(fresh) = fresh.as_mut() {
        // Every element gets an id of its own (two that shared one in a
        // hand-edited file stay two); citations follow the first of them.
        let mut renamed: HashMap<String, String> = HashMap::new();
        for e in &mut elements {
            let new = fresh();
            renamed.entry(e.id.clone()).or_insert_with(|| new.clone());
            e.id = new;
        }
        for e in &mut elements {
            e.parent = None;
            e.cites = e
                .cites
                .iter()
                .filter_map(|c| renamed.get(c).cloned())
                .collect();
            if let Some(j) = e.journey.as_mut() {
                for ids in j.cites.values_mut() {
                    *ids = ids.iter().filter_map(|c| renamed.get(c).cloned()).collect();
                }
                j.scores = std::mem::take(&mut j.scores)
                    .into_iter()
                    .map(|(key, score)| match key.rsplit_once(':') {
                        Some((p, stage)) if !p.is_empty() => match renamed.get(p) {
                            Some(new) => (format!("{new}:{stage}"), score),
                            None => (key, score),
                        },
                        _ => (key, score),
                    })
                    .collect();
            }
            if let Some(p) = e.persona.as_mut() {
                for (_, lines) in &mut p.sections {
                    for line in lines {
                        line.cites = line
                            .cites
                            .iter()
                            .filter_map(|c| renamed.get(c).cloned())
                            .collect();
                    }
                }
            }
        }
    }
    Ok(elements)
}

/// The CSV separator a spreadsheet in `lang` expects: French Excel reads
/// `;` (its decimal mark is the comma), others `,`.
pub fn csv_separator(lang: Lang) -> u8 {
    match lang {
        Lang::Fr => b';',
        Lang::En => b',',
    }
}

/// The name a download of `file` from a board takes: the board's title in
/// lower-case letters without accents, digits and dashes (its id when that
/// leaves nothing), then the file (`claims-workshop-board.png`).
pub fn file_name(title: &str, id: &str, file: &str) -> String {
    let folded = crate::interview::fold(title);
    let stem = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let stem = if stem.is_empty() { id } else { &stem };
    format!("{stem}-{file}")
}

/// The notes as CSV, in the columns the notes import reads (so a CSV
/// export is also an import), plus the zone each note is in; UTF-8 with a
/// byte order mark (so Excel reads it as UTF-8), cells split by
/// `separator` (see [`csv_separator`]).
pub fn notes_csv(content: &Content, separator: u8) -> String {
    let frames: HashMap<&str, &Element> = content
        .elements
        .iter()
        .filter(|e| e.kind == Kind::Frame)
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(separator)
        .from_writer("\u{feff}".as_bytes().to_vec());
    let _ = writer.write_record([
        "interviewer",
        "interviewee",
        "segment",
        "interview",
        "kind",
        "text",
        "tags",
        "zone",
    ]);
    for note in content.notes() {
        let s = &note.source;
        let zone = note
            .parent
            .as_deref()
            .and_then(|p| frames.get(p))
            .map(|f| f.text.as_str())
            .unwrap_or("");
        // Every cell: any of them may hold what someone typed or imported.
        let cells = [
            s.interviewer.as_str(),
            s.interviewee.as_str(),
            s.segment.as_str(),
            s.interview.as_str(),
            s.origin.map(|o| o.as_str()).unwrap_or(""),
            &note.text,
            &s.tags.join(";"),
            zone,
        ];
        let _ = writer.write_record(cells.map(crate::spreadsheet::safe));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persona::Line;
    use crate::{Element, Origin};
    use yrs::{Doc, Transact};

    pub(super) fn board() -> (Doc, Board) {
        let doc = Doc::new();
        let board = Board::new(&doc);
        {
            let mut txn = doc.transact_mut();
            board.init(
                &mut txn,
                &BoardMeta {
                    title: "Sinistre auto".into(),
                    template: "empathy-map".into(),
                    created: 1,
                    lang: "en".into(),
                },
            );
            let mut n = 0;
            let place = crate::templates::Placement {
                z: 1.0,
                created: 1,
                ..crate::templates::Placement::origin(Lang::En)
            };
            for e in crate::templates::build("empathy-map", &place, || {
                n += 1;
                format!("t{n}")
            })
            .unwrap()
            {
                board.elements().insert(&mut txn, &e);
            }
            let says = board
                .elements()
                .all(&txn)
                .into_iter()
                .find(|e| e.zone == "empathy-map/says")
                .unwrap();
            for (i, (who, text)) in [("C01", "Where is my file?"), ("C02", "Nobody calls back")]
                .into_iter()
                .enumerate()
            {
                let mut note =
                    Element::new(format!("n{i}"), Kind::Note, 100.0 + i as f64 * 200.0, 300.0);
                note.text = text.into();
                note.parent = Some(says.id.clone());
                note.source.interviewee = who.into();
                note.source.interview = format!("E0{i}");
                note.source.origin = Some(Origin::Verbatim);
                note.source.tags = vec!["SPECIFIC:Confort".into(), "irritant".into()];
                board.elements().insert(&mut txn, &note);
            }
            // Two items summing up what was said: one cites both notes.
            for (id, text, cites) in [
                ("s1", "Lost in the process", vec!["n0".into(), "n1".into()]),
                ("s2", "Angry at the insurer", vec![]),
            ] {
                let mut item = Element::new(id, Kind::Note, 500.0, 300.0);
                item.text = text.into();
                item.parent = Some(says.id.clone());
                item.cites = cites;
                board.elements().insert(&mut txn, &item);
            }
            let mut persona = Element::new("p", Kind::Persona, 2000.0, 0.0);
            let p = persona.persona.as_mut().unwrap();
            p.name = "Julie".into();
            p.nickname = "the pragmatic".into();
            p.quote = "Just tell me where it stands".into();
            p.primary = true;
            p.rank = 1;
            p.segment = "Young drivers".into();
            p.priority = "Get back on the road".into();
            p.sections[9].1 = vec![Line {
                id: "l9".into(),
                text: "Repeating her story".into(),
                cites: vec!["n1".into()],
            }];
            p.sections[4].1 = vec![
                Line {
                    id: "l1".into(),
                    text: "Wants to follow her claim".into(),
                    cites: vec!["n0".into(), "n1".into()],
                },
                Line {
                    id: "l2".into(),
                    text: "Prefers an app to a call".into(),
                    cites: vec![],
                },
            ];
            board.elements().insert(&mut txn, &persona);
            let mut k = 0;
            let mut journey = Element::new("j", Kind::Journey, 0.0, 2000.0);
            let mut map = crate::journey::Journey::new(Lang::En, "current", || {
                k += 1;
                format!("s{k}")
            });
            map.cells
                .insert("actions:s1".into(), "Compares | quotes".into());
            map.cells
                .insert("occasions:s2".into(), "Signs the contract".into());
            map.mots
                .insert("occasions:s2".into(), "Trust in the advisor".into());
            map.measure = "nps".into();
            map.measures.insert("s2".into(), -18.0);
            map.scores.insert(":s1".into(), 1);
            map.scores.insert("p:s2".into(), -2);
            journey.journey = Some(Box::new(map));
            board.elements().insert(&mut txn, &journey);
        }
        (doc, board)
    }

    #[test]
    fn the_svg_draws_what_persona_cards_and_journey_maps_hold() {
        let (doc, board) = board();
        let content = Content::read(&board, &doc.transact());
        let svg = crate::svg::svg(&content, None).unwrap();
        if let Ok(path) = std::env::var("ATELIER_SVG_OUT") {
            std::fs::write(path, &svg).unwrap();
        }
        for expected in [
            ">Julie<",
            "the pragmatic",
            "Just tell me where it stands",
            "★ Primary · Rank 1",
            "Segment: Young drivers",
            "PRIORITY",
            "Get back on the road",
            "IRRITANTS",
            "Repeating her story",
            "Trust in the advisor",
            "NEED PROFILE",
            "NPS -18",
            "MOTIVATIONAL",
            "Wants to follow her claim",
            "2 notes · 2 interviewees",
            "No support",
            "Customer journey map · Current",
            "Moment of truth",
            "Compares | quotes",
            "<polyline",
        ] {
            assert!(svg.contains(expected), "{expected} missing");
        }
    }

    #[test]
    fn json_round_trips_through_a_board() {
        let (doc, board) = board();
        let first = to_json(&Content::read(&board, &doc.transact()));
        let text = serde_json::to_string_pretty(&first).unwrap();
        // Into a fresh board, ids kept: the same export comes out.
        let elements = from_json(&text, None).unwrap();
        let other = Doc::new();
        let copy = Board::new(&other);
        {
            let mut txn = other.transact_mut();
            copy.init(
                &mut txn,
                &BoardMeta {
                    title: first.title.clone(),
                    lang: first.lang.clone(),
                    ..BoardMeta::default()
                },
            );
            for e in &elements {
                copy.elements().insert(&mut txn, e);
            }
        }
        let mut again = to_json(&Content::read(&copy, &other.transact()));
        // (Notes kept their ids; their frames did not come along.)
        let mut expected = first.clone();
        for n in &mut expected.notes {
            n.parent = None;
        }
        for n in &mut again.notes {
            n.parent = None;
        }
        assert_eq!(again, expected);
        // With fresh ids, citations follow the notes.
        let mut k = 0;
        let mut fresh = || {
            k += 1;
            format!("new{k}")
        };
        let renamed = from_json(&text, Some(&mut fresh)).unwrap();
        let persona = renamed.iter().find_map(|e| e.persona.as_ref()).unwrap();
        let cites = &persona.lines("motivational")[0].cites;
        let ids: Vec<&str> = renamed.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(cites.len(), 2);
        assert!(cites.iter().all(|c| ids.contains(&c.as_str())));
        let item = renamed
            .iter()
            .find(|e| e.text == "Lost in the process")
            .unwrap();
        assert_eq!(item.cites.len(), 2);
        assert!(item.cites.iter().all(|c| ids.contains(&c.as_str())));
        // A journey's persona curve follows the persona's new id.
        let persona_id = renamed
            .iter()
            .find(|e| e.persona.is_some())
            .unwrap()
            .id
            .clone();
        let journey = renamed.iter().find_map(|e| e.journey.as_ref()).unwrap();
        assert_eq!(journey.curve(&persona_id), [(1, -2)]);
        // Two elements sharing an id in a hand-edited file stay two.
        let doubled = text.replacen("\"id\": \"n1\"", "\"id\": \"n0\"", 1);
        let mut m = 0;
        let mut fresh2 = || {
            m += 1;
            format!("x{m}")
        };
        let twice = from_json(&doubled, Some(&mut fresh2)).unwrap();
        let ids: std::collections::HashSet<&str> = twice.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), twice.len(), "{doubled}");
        // Not an export: a clear refusal.
        assert!(matches!(
            from_json("{\"a\":1}", None),
            Err(JsonError::Invalid(_))
        ));
        assert!(matches!(
            from_json(&text.replace(SCHEMA, "other/9"), None),
            Err(JsonError::Schema(_))
        ));
    }

    #[test]
    fn the_notes_csv_reads_back_as_an_import() {
        let (doc, board) = board();
        let csv = notes_csv(&Content::read(&board, &doc.transact()), b',');
        assert!(csv.starts_with("\u{feff}interviewer,"), "{csv}");
        let table = crate::import::parse_table(&csv).unwrap();
        let mapping = crate::import::Mapping::guess(&table.headers);
        let (notes, _) = crate::import::notes_from_table(&table, &mapping).unwrap();
        assert_eq!(notes.len(), 4, "every note, the items summing up too");
        assert_eq!(notes[0].text, "Where is my file?");
        assert_eq!(notes[0].source.interviewee, "C01");
        assert_eq!(notes[0].source.origin, Some(Origin::Verbatim));
        assert_eq!(notes[0].source.tags, ["SPECIFIC:Confort", "irritant"]);
        assert!(csv.lines().nth(1).unwrap().ends_with(",Says"), "{csv}");
        // A formula is not a formula in the export, and comes back as text.
        let mut content = Content::read(&board, &doc.transact());
        content
            .elements
            .iter_mut()
            .find(|e| e.id == "n0")
            .unwrap()
            .text = "=1+1".into();
        let csv = notes_csv(&content, b',');
        assert!(csv.contains(",'=1+1,"), "{csv}");
        let table = crate::import::parse_table(&csv).unwrap();
        let mapping = crate::import::Mapping::guess(&table.headers);
        let (notes, _) = crate::import::notes_from_table(&table, &mapping).unwrap();
        assert_eq!(notes[0].text, "=1+1");
    }

    #[test]
    fn the_notes_csv_for_a_french_excel() {
        let (doc, board) = board();
        let csv = notes_csv(
            &Content::read(&board, &doc.transact()),
            csv_separator(Lang::Fr),
        );
        assert!(csv.starts_with("\u{feff}interviewer;interviewee;"), "{csv}");
        // The import reads it back, separator and mark included.
        let table = crate::import::parse_table(&csv).unwrap();
        assert_eq!(table.headers[0], "interviewer");
        let mapping = crate::import::Mapping::guess(&table.headers);
        let (notes, _) = crate::import::notes_from_table(&table, &mapping).unwrap();
        assert_eq!(notes.len(), 4);
        assert_eq!(notes[0].source.tags, ["SPECIFIC:Confort", "irritant"]);
    }

    #[test]
    fn download_names_say_the_board() {
        assert_eq!(
            file_name("Claims workshop", "b1", "board.png"),
            "claims-workshop-board.png"
        );
        assert_eq!(
            file_name("Sinistre auto — été", "b1", "notes.csv"),
            "sinistre-auto-ete-notes.csv"
        );
        assert_eq!(file_name("", "b1", "personas.md"), "b1-personas.md");
    }

    #[test]
    fn no_cell_of_the_notes_csv_runs_as_a_formula() {
        let (doc, board) = board();
        let mut content = Content::read(&board, &doc.transact());
        let note = content.elements.iter_mut().find(|e| e.id == "n0").unwrap();
        note.source.interviewer = "=HYPERLINK(\"http://evil\")".into();
        note.source.interviewee = "+cmd|' /C calc'!A0".into();
        note.source.segment = "@SUM(1+1)".into();
        note.source.interview = "-2+3".into();
        note.source.tags = vec!["\t=1+2".into()];
        note.text = " \r=1+1\0".into();
        let csv = notes_csv(&content, b';');
        let table = crate::import::parse_table(&csv).unwrap();
        let row = &table.rows[0];
        for cell in row {
            let first = cell.chars().next().unwrap_or(' ');
            assert!(
                !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r'),
                "{cell:?} in {row:?}"
            );
            assert!(!cell.contains('\0'));
        }
        // And it reads back as written (but the NUL).
        let mapping = crate::import::Mapping::guess(&table.headers);
        let (notes, _) = crate::import::notes_from_table(&table, &mapping).unwrap();
        let s = &notes[0].source;
        assert_eq!(s.interviewer, "=HYPERLINK(\"http://evil\")");
        assert_eq!(s.interviewee, "+cmd|' /C calc'!A0");
        assert_eq!(s.segment, "@SUM(1+1)");
        assert_eq!(s.interview, "-2+3");
    }
}
