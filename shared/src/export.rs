//! What leaves a board: the personas (and the empathy maps' zones) as a
//! Markdown report a consultant pastes into a deck, the personas and the
//! notes as JSON (re-importable: [`from_json`]), the notes as CSV (in the
//! columns the notes import reads).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::analysis::{NOT_EVERY_NEED, TagCounts};
use crate::element::{Element, Kind};
use crate::journey::measure_label;
use crate::lang::Lang;
use crate::persona::{Persona, SECTIONS, Support, title};
use crate::{Board, BoardMeta, Source};

/// The JSON export's schema name and version.
pub const SCHEMA: &str = "atelier.board/1";

/// A board's content for export: its metadata and elements (sorted
/// top-to-bottom, left-to-right, as a reader goes through them).
pub struct Content {
    pub meta: BoardMeta,
    pub elements: Vec<Element>,
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
        }
    }

    /// The board's language (its templates' words).
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.meta.lang)
    }

    fn personas(&self) -> Vec<(&Element, &Persona)> {
        let mut personas: Vec<(&Element, &Persona)> = self
            .elements
            .iter()
            .filter_map(|e| Some((e, e.persona.as_deref()?)))
            .collect();
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

/// The personas, then each empathy map's zones with their notes, as
/// Markdown; every persona line with its support and the codes of the
/// interviewees behind it, unsupported lines marked.
pub fn markdown(content: &Content) -> String {
    let lang = content.lang();
    let fr = lang == Lang::Fr;
    let sources = content.sources();
    let notes: HashMap<&str, &Element> = content.notes().map(|e| (e.id.as_str(), e)).collect();
    let mut out = String::new();
    let heading = if content.meta.title.is_empty() {
        "Atelier".to_owned()
    } else {
        md(&content.meta.title)
    };
    out.push_str(&format!("# {heading}\n"));
    let personas = content.personas();
    if !personas.is_empty() {
        out.push_str("\n## Personas\n");
    }
    let mut untitled = 0;
    for (_, p) in &personas {
        // A card nobody filled in says nothing: it is left out.
        if is_blank(p) {
            continue;
        }
        let name = if p.name.trim().is_empty() {
            untitled += 1;
            format!("Persona {untitled}")
        } else {
            md(&p.name)
        };
        out.push_str(&format!("\n### {name}"));
        if !p.nickname.is_empty() {
            out.push_str(&format!(" — {}", md(&p.nickname)));
        }
        out.push('\n');
        let mut tags = Vec::new();
        if p.primary {
            tags.push(
                if fr {
                    "persona principal"
                } else {
                    "primary persona"
                }
                .to_owned(),
            );
        }
        if p.rank > 0 {
            tags.push(format!("{} {}", if fr { "rang" } else { "rank" }, p.rank));
        }
        if !p.segment.trim().is_empty() {
            let label = title(("segment", "segment"), lang);
            tags.insert(0, format!("{label}: {}", md(&p.segment)));
        }
        if !p.role.is_empty() {
            tags.insert(0, md(&p.role));
        }
        if !tags.is_empty() {
            out.push_str(&format!("\n*{}*\n", tags.join(" · ")));
        }
        if !p.quote.is_empty() {
            out.push_str(&format!("\n> {}\n", md(&p.quote)));
        }
        for (key, label) in [
            ("objective", ("Objective", "Objectif")),
            ("priority", ("Priority", "Priorité")),
        ] {
            let text = p.field(key);
            if !text.trim().is_empty() {
                let label = title(label, lang);
                out.push_str(&format!("\n**{label}:** {}\n", md(text)));
            }
        }
        // The needs the notes behind her show.
        let profile = TagCounts::of(p.cited().into_iter().filter_map(|id| sources.get(id)));
        out.push_str(&need_profile(&profile, lang, "####"));
        for (key, names) in SECTIONS {
            let lines: Vec<_> = p
                .lines(key)
                .iter()
                .filter(|l| !l.text.trim().is_empty())
                .collect();
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("\n#### {}\n\n", title(names, lang)));
            for line in lines {
                let evidence = evidence(&line.cites, &notes, &sources, fr);
                out.push_str(&format!("- {}{evidence}\n", md(&line.text)));
                // What the interviewees said, under the line it backs.
                out.push_str(&quotes(&line.cites, &notes, fr));
            }
        }
    }
    // Journey maps: a table of lanes by stages, the emotions as scores.
    for e in &content.elements {
        let Some(j) = e.journey.as_deref() else {
            continue;
        };
        let variant = match (j.variant.as_str(), fr) {
            ("target", false) => "target",
            ("target", true) => "cible",
            (_, false) => "current",
            (_, true) => "actuel",
        };
        let heading = if fr {
            "Parcours client"
        } else {
            "Customer journey map"
        };
        out.push_str(&format!("\n## {heading} ({variant})\n\n"));
        let cell = md;
        out.push_str(&format!("| {} |", if fr { "Étape" } else { "Stage" }));
        for stage in &j.stages {
            out.push_str(&format!(" {} |", cell(&stage.name)));
        }
        out.push_str(&format!("\n|---|{}\n", "---|".repeat(j.stages.len())));
        for lane in &j.lanes {
            out.push_str(&format!("| **{}** |", cell(&lane.name)));
            for stage in &j.stages {
                let text = if lane.emotions {
                    j.curves()
                        .iter()
                        .filter_map(|p| {
                            let score = j.score(p, &stage.id)?;
                            let who = if p.is_empty() {
                                String::new()
                            } else {
                                let name = content
                                    .elements
                                    .iter()
                                    .find(|e| e.id == *p)
                                    .and_then(|e| e.persona.as_ref())
                                    .map(|p| p.name.clone())
                                    .unwrap_or_default();
                                format!("{} ", md(&name))
                            };
                            Some(format!("{who}{score:+}"))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    let support = Support::of_notes(j.cited(&lane.id, &stage.id), &sources);
                    // A cell's entries, one a line on the board, in one table cell.
                    let mut text = j
                        .cell(&lane.id, &stage.id)
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(cell)
                        .collect::<Vec<_>>()
                        .join(" · ");
                    if j.mot(&lane.id, &stage.id).is_some() {
                        text.insert_str(0, "◆ ");
                    }
                    if support.notes > 0 {
                        let n = support.notes;
                        format!("{text} _({n} note{})_", if n == 1 { "" } else { "s" })
                    } else {
                        text
                    }
                };
                out.push_str(&format!(" {text} |"));
            }
            out.push('\n');
        }
        // The survey's figure for each stage.
        if !j.measures.is_empty() {
            out.push_str(&format!("| **{}** |", j.measure.to_uppercase()));
            for stage in &j.stages {
                let figure = j
                    .measures
                    .get(&stage.id)
                    .map(|v| measure_label(&j.measure, *v))
                    .unwrap_or_default();
                out.push_str(&format!(" {figure} |"));
            }
            out.push('\n');
        }
        let moments = j.moments();
        if !moments.is_empty() {
            out.push_str(if fr {
                "\n### ◆ Moments de vérité\n\n"
            } else {
                "\n### ◆ Moments of truth\n\n"
            });
            for (stage, lane, text, stake) in moments {
                let what = text
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(md)
                    .collect::<Vec<_>>()
                    .join(" · ");
                let what = if what.is_empty() {
                    md(&lane.name)
                } else {
                    what
                };
                let stake = if stake.trim().is_empty() {
                    if fr {
                        "enjeu à préciser"
                    } else {
                        "stake to be stated"
                    }
                    .to_owned()
                } else {
                    md(stake)
                };
                let at = if fr { "enjeu" } else { "at stake" };
                out.push_str(&format!(
                    "- **{}** · {} — {what} — *{at}: {stake}*\n",
                    md(&stage.name),
                    md(&lane.name)
                ));
            }
        }
    }
    // Empathy maps: each zone and the notes in it.
    let frames: Vec<&Element> = content
        .elements
        .iter()
        .filter(|e| e.kind == Kind::Frame)
        .collect();
    // The needs of each cluster: a frame people drew, or a group of the
    // affinity diagram, and the notes in it (a template's zones are not
    // clusters).
    let clusters: Vec<(&Element, TagCounts)> = frames
        .iter()
        .filter(|f| f.zone.is_empty() || f.zone.starts_with("affinity/"))
        .map(|f| {
            let inside = content
                .notes()
                .filter(|n| n.parent.as_deref() == Some(f.id.as_str()))
                .map(|n| &n.source);
            (*f, TagCounts::of(inside))
        })
        .filter(|(_, counts)| !counts.found().is_empty())
        .collect();
    if !clusters.is_empty() {
        out.push_str(if fr {
            "\n## Profils de besoins par groupe\n"
        } else {
            "\n## Need profiles by cluster\n"
        });
        for (frame, counts) in clusters {
            let name = if frame.text.trim().is_empty() {
                title(("Cluster", "Groupe"), lang).to_owned()
            } else {
                md(&frame.text)
            };
            out.push_str(&format!("\n### {name}\n"));
            out.push_str(&need_profile(&counts, lang, "####"));
        }
    }
    // Every template made of zones, in the method's order: the framing
    // and the interview guide, the stakeholders, the empathy maps, the
    // affinity diagram, the Kano classification; each zone and its notes.
    const ZONED: [&str; 6] = [
        "framing",
        "interview-guide",
        "stakeholder-map",
        "empathy-map",
        "affinity",
        "kano",
    ];
    let mut zoned: Vec<&&Element> = frames
        .iter()
        .filter(|f| ZONED.contains(&f.zone.as_str()))
        .collect();
    zoned.sort_by_key(|f| ZONED.iter().position(|z| *z == f.zone));
    for map in zoned {
        out.push_str(&format!("\n## {}\n", md(&map.text)));
        let prefix = format!("{}/", map.zone);
        for zone in frames
            .iter()
            .filter(|z| z.parent.as_deref() == Some(map.id.as_str()) && z.zone.starts_with(&prefix))
        {
            let inside: Vec<&Element> = content
                .notes()
                .filter(|n| n.parent.as_deref() == Some(zone.id.as_str()))
                .collect();
            // An empty zone is left out: the report holds what was found.
            if inside.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {}\n\n", md(&zone.text)));
            for note in inside {
                // An item summing up what was said shows its evidence.
                if note.source.is_empty() {
                    let evidence = evidence(&note.cites, &notes, &sources, fr);
                    out.push_str(&format!("- {}{evidence}\n", said(note)));
                    out.push_str(&quotes(&note.cites, &notes, fr));
                } else {
                    out.push_str(&format!("- {}\n", said(note)));
                }
            }
        }
    }
    out
}

/// A need profile in Markdown: each need found, most first, with a bar and
/// its count, under a `level` heading; nothing when no note shows a need.
/// It says how many notes it counts, and that not every need is to be
/// found.
fn need_profile(counts: &TagCounts, lang: Lang, level: &str) -> String {
    let found = counts.found();
    if found.is_empty() {
        return String::new();
    }
    let heading = title(("Need profile", "Profil de besoins"), lang);
    let of = match lang {
        Lang::En => format!(
            "from {} note{}",
            counts.notes,
            if counts.notes == 1 { "" } else { "s" }
        ),
        Lang::Fr => format!(
            "sur {} note{}",
            counts.notes,
            if counts.notes == 1 { "" } else { "s" }
        ),
    };
    let mut out = format!("\n{level} {heading} ({of})\n\n");
    for (typology, i, n) in found {
        let name = typology.need_in(i, lang).unwrap_or_default();
        let bar = "▇".repeat(n.min(20));
        out.push_str(&format!("- {name} · {} {bar} {n}\n", typology.name));
    }
    out.push_str(&format!("\n_{}_\n", title(NOT_EVERY_NEED, lang)));
    out
}

/// Text someone wrote, as Markdown that says it and nothing more: on one
/// line (a line break cannot start a heading or a list), and every mark
/// that opens HTML, an entity, a link or image, emphasis, code, a table
/// cell or a heading backslash-escaped (CommonMark takes an escaped mark
/// literally). Always written after a prefix (`- `, `> `, `### `), so what
/// only counts at the start of a line cannot count.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether nobody wrote anything on a persona card.
fn is_blank(p: &Persona) -> bool {
    [&p.name, &p.nickname, &p.role, &p.quote, &p.objective]
        .iter()
        .all(|f| f.trim().is_empty())
        && p.sections
            .iter()
            .all(|(_, lines)| lines.iter().all(|l| l.text.trim().is_empty()))
}

/// A note as the report quotes it: a verbatim in quotes, then who said it
/// (`« Where is my file? » (C01 · E00)`).
fn said(note: &Element) -> String {
    let text = md(&note.text);
    let text = if note.source.origin == Some(crate::Origin::Verbatim) {
        format!("« {text} »")
    } else {
        text
    };
    let code = md(&note.source.label());
    if code.is_empty() {
        text
    } else {
        format!("{text} ({code})")
    }
}

/// At most this many notes are quoted under a line.
const QUOTED: usize = 8;

/// The notes a line cites, quoted as a list under it (the first
/// [`QUOTED`], then how many more).
fn quotes(cites: &[String], notes: &HashMap<&str, &Element>, fr: bool) -> String {
    let cited: Vec<&Element> = cites
        .iter()
        .filter_map(|id| notes.get(id.as_str()).copied())
        .filter(|n| !n.text.trim().is_empty())
        .collect();
    let mut out = String::new();
    for note in cited.iter().take(QUOTED) {
        out.push_str(&format!("  - {}\n", said(note)));
    }
    if cited.len() > QUOTED {
        let more = cited.len() - QUOTED;
        out.push_str(&if fr {
            format!("  - … et {more} autre{}\n", if more > 1 { "s" } else { "" })
        } else {
            format!("  - … and {more} more\n")
        });
    }
    out
}

/// " _(2 notes: C01, C02)_" after a line citing `cites`, or
/// " _(no supporting note)_".
fn evidence(
    cites: &[String],
    notes: &HashMap<&str, &Element>,
    sources: &HashMap<String, Source>,
    fr: bool,
) -> String {
    let support = Support::of_notes(cites, sources);
    if support.notes == 0 {
        let flag = if fr {
            "aucune note à l'appui"
        } else {
            "no supporting note"
        };
        return format!(" _({flag})_");
    }
    let mut codes: Vec<String> = cites
        .iter()
        .filter_map(|id| notes.get(id.as_str()))
        .map(|n| md(&n.source.interviewee))
        .filter(|c| !c.is_empty())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let count = format!(
        "{} note{}",
        support.notes,
        if support.notes > 1 { "s" } else { "" }
    );
    let who = match (codes.is_empty(), fr) {
        (true, _) => String::new(),
        (false, false) => format!(": {}", codes.join(", ")),
        (false, true) => format!(" : {}", codes.join(", ")),
    };
    format!(" _({count}{who})_")
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
        personas: content
            .personas()
            .into_iter()
            .map(|(e, _)| e.clone())
            .collect(),
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

    fn board() -> (Doc, Board) {
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
    fn the_markdown_report() {
        let (doc, board) = board();
        let md = markdown(&Content::read(&board, &doc.transact()));
        assert!(md.starts_with("# Sinistre auto\n"), "{md}");
        assert!(md.contains("### Julie — the pragmatic"), "{md}");
        assert!(
            md.contains("*segment: Young drivers · primary persona · rank 1*"),
            "{md}"
        );
        assert!(md.contains("**Priority:** Get back on the road"), "{md}");
        assert!(md.contains("| **NPS** |  | NPS -18 |  |"), "{md}");
        assert!(
            md.contains("#### Irritants\n\n- Repeating her story"),
            "{md}"
        );
        // The needs the notes behind her show, and the reminder.
        assert!(
            md.contains(
                "#### Need profile (from 2 notes)\n\n- Comfort · SPECIFIC ▇▇ 2\n\n\
                 _Not every need is present in every customer"
            ),
            "{md}"
        );
        assert!(
            md.contains(
                "### ◆ Moments of truth\n\n- **Purchase** · Contact occasions — \
                 Signs the contract — *at stake: Trust in the advisor*"
            ),
            "{md}"
        );
        assert!(md.contains("> Just tell me where it stands"), "{md}");
        assert!(md.contains("#### Motivational"), "{md}");
        // Each line quotes what was said behind it.
        assert!(
            md.contains(
                "- Wants to follow her claim _(2 notes: C01, C02)_\n  \
                 - « Where is my file? » (C01 · E00)\n  - « Nobody calls back » (C02 · E01)\n"
            ),
            "{md}"
        );
        assert!(
            md.contains("- Prefers an app to a call _(no supporting note)_"),
            "{md}"
        );
        assert!(
            md.contains("### Says\n\n- « Where is my file? » (C01 · E00)"),
            "{md}"
        );
        assert!(
            md.contains("- Lost in the process _(2 notes: C01, C02)_\n  - « Where is my file? »"),
            "{md}"
        );
        assert!(
            md.contains("- Angry at the insurer _(no supporting note)_\n"),
            "{md}"
        );
        // Empty zones and empty cards are left out, no placeholder.
        assert!(!md.contains("### Thinks"), "{md}");
        assert!(!md.contains("_(empty)_") && !md.contains("### ?"), "{md}");
        assert!(md.contains("## Customer journey map (current)"), "{md}");
        assert!(
            md.contains("| Stage | Before purchase | Purchase | After purchase |"),
            "{md}"
        );
        assert!(
            md.contains("| **Actions** | Compares \\| quotes |  |  |"),
            "{md}"
        );
        assert!(md.contains("| **Emotions** | +1 | Julie -2 |  |"), "{md}");
    }

    #[test]
    fn the_markdown_report_says_what_was_written_and_nothing_more() {
        let (doc, board) = board();
        let mut content = Content::read(&board, &doc.transact());
        let julie = content
            .elements
            .iter_mut()
            .find_map(|e| e.persona.as_mut())
            .unwrap();
        julie.name = "<img src=x onerror=alert(1)>".into();
        julie.quote = "fine\n# Injected heading\n<script>alert(1)</script>".into();
        julie.objective = "[click](javascript:alert(1)) **bold** | cell".into();
        let md = markdown(&content);
        // Every `<` is escaped: no tag reaches a renderer.
        let raw_tags = md
            .match_indices('<')
            .filter(|(i, _)| !md[..*i].ends_with('\\'));
        assert_eq!(raw_tags.count(), 0, "{md}");
        assert!(!md.contains("\n# Injected"), "{md}");
        assert!(
            md.contains("\\[click\\](javascript:alert(1)) \\*\\*bold\\*\\* \\| cell"),
            "{md}"
        );
        assert!(md.contains("### \\<img src=x onerror=alert(1)\\>"), "{md}");
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
    fn a_report_leaves_out_blank_cards_and_names_untitled_ones() {
        let (doc, board) = board();
        let mut content = Content::read(&board, &doc.transact());
        let mut blank = Element::new("blank", Kind::Persona, 3000.0, 0.0);
        blank.persona = Some(Box::new(Persona::blank()));
        let mut untitled = Element::new("untitled", Kind::Persona, 4000.0, 0.0);
        let mut p = Persona::blank();
        p.quote = "I want it simple".into();
        untitled.persona = Some(Box::new(p));
        content.elements.extend([blank, untitled]);
        let md = markdown(&content);
        assert!(md.contains("### Persona 1\n\n> I want it simple"), "{md}");
        assert_eq!(
            md.matches("\n### ").count(),
            4,
            "Julie, Persona 1, the moments of truth, Says: {md}"
        );
    }

    #[test]
    fn the_report_covers_the_framing_the_guide_and_the_kano_classification() {
        let doc = Doc::new();
        let board = Board::new(&doc);
        {
            let mut txn = doc.transact_mut();
            let mut n = 0;
            let mut y = 0.0;
            // Kano first on the board: the report still follows the method.
            for template in ["kano", "framing", "interview-guide"] {
                let place = crate::templates::Placement {
                    at: (0.0, y),
                    ..crate::templates::Placement::origin(Lang::En)
                };
                let built = crate::templates::build(template, &place, || {
                    n += 1;
                    format!("{template}-{n}")
                })
                .unwrap();
                y += 3000.0;
                for e in &built {
                    board.elements().insert(&mut txn, e);
                }
                for (zone, text) in [
                    ("kano/attractive", "Photos of the repair, live"),
                    ("kano/basic", "The car is repaired"),
                    ("framing/problem", "Claims take three weeks"),
                    ("interview-guide/questions", "Tell me about your last claim"),
                ] {
                    if let Some(z) = built.iter().find(|e| e.zone == zone) {
                        let mut note = Element::new(format!("{zone}-note"), Kind::Note, z.x, z.y);
                        note.text = text.into();
                        note.parent = Some(z.id.clone());
                        board.elements().insert(&mut txn, &note);
                    }
                }
            }
        }
        let md = markdown(&Content::read(&board, &doc.transact()));
        let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s} missing: {md}"));
        assert!(at("## Framing canvas") < at("## Interview guide"), "{md}");
        assert!(at("## Interview guide") < at("## Kano board"), "{md}");
        assert!(
            md.contains("### The problem\n\n- Claims take three weeks"),
            "{md}"
        );
        assert!(
            md.contains("### Open questions\n\n- Tell me about your last claim"),
            "{md}"
        );
        assert!(md.contains("### Basic\n\n- The car is repaired"), "{md}");
        assert!(
            md.contains("### Attractive\n\n- Photos of the repair, live"),
            "{md}"
        );
        assert!(!md.contains("### Goals"), "empty zones are left out: {md}");
    }

    #[test]
    fn each_cluster_has_its_need_profile_in_the_report() {
        let (doc, board) = board();
        let mut content = Content::read(&board, &doc.transact());
        let mut cluster = Element::new("waiting", Kind::Frame, 0.0, 5000.0);
        cluster.text = "Waiting for news".into();
        let mut notes = Vec::new();
        for (i, tags) in [
            vec!["CIVILE:Considération".to_owned()],
            vec![
                "CIVILE:Consideration".to_owned(),
                "SPECIFIC:Security".to_owned(),
            ],
            vec![],
        ]
        .into_iter()
        .enumerate()
        {
            let mut note = Element::new(format!("w{i}"), Kind::Note, 40.0, 5040.0);
            note.text = format!("Waited {i} weeks");
            note.parent = Some("waiting".into());
            note.source.tags = tags;
            notes.push(note);
        }
        content.elements.push(cluster);
        content.elements.extend(notes);
        let md = markdown(&content);
        assert!(
            md.contains(
                "## Need profiles by cluster\n\n### Waiting for news\n\n\
                 #### Need profile (from 3 notes)\n\n\
                 - Consideration · CIVILE ▇▇ 2\n- Security · SPECIFIC ▇ 1\n"
            ),
            "{md}"
        );
        // An empathy map's zones are no clusters.
        assert!(!md.contains("### Says\n\n#### Need profile"), "{md}");
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
