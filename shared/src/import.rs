//! Interview notes from files and pasted text: CSV (any separator, from
//! Excel or a note app), Markdown (one bullet a note, headings naming the
//! interview) or plain lines. Decoding, parsing and the column mapping
//! live here; placing the notes on the board is [`pool`].
//!
//! Nothing here touches the board: a file that cannot be read yields an
//! [`ImportError`] that says why, and the caller changes nothing.

use std::collections::HashMap;
use std::fmt;

use crate::element::{Element, Kind, NOTE_COLORS, Rect};
use crate::interview::Source;
use crate::interview::fold;
use crate::lang::Lang;
use crate::templates::Placement;

mod markdown;
mod table;
mod text;

pub use markdown::{notes_from_lines, notes_from_markdown};
pub use table::{Field, Mapping, Table, notes_from_table, parse_table};
pub use text::{Format, decode, sniff};

/// An import's text as the server reads it for the browser (`POST
/// /api/boards/{id}/import/read`): the format it looks like, and the text
/// read as a table, or why it does not read as one (in the asker's
/// language). The browser reads Markdown and lines itself; the CSV reader
/// stays on the server, out of the web app.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    pub format: Format,
    pub table: Result<Table, String>,
}

/// Reads `text` (from a file named `name`, empty for a paste) for a
/// reader of `lang`.
pub fn read(name: &str, text: &str, lang: Lang) -> Reading {
    Reading {
        format: sniff(name, text),
        table: parse_table(text).map_err(|e| e.message(lang)),
    }
}

/// Largest file (or paste) read, in bytes: a few thousand notes fit in a
/// fraction of it.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// Most notes one import adds.
pub const MAX_NOTES: usize = 5000;

#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    TooLarge { bytes: usize },
    Empty,
    NotText,
    Csv { line: u64, message: String },
    NoTextColumn,
    TooMany { notes: usize },
}

impl ImportError {
    /// What went wrong, in `lang` (the `Display` text is the English one).
    /// A CSV error's detail comes from the CSV reader, in English.
    pub fn message(&self, lang: Lang) -> String {
        let (en, fr): (String, String) = match self {
            ImportError::TooLarge { bytes } => {
                let (size, max) = (*bytes as f64 / 1_048_576.0, MAX_BYTES / 1_048_576);
                // A decimal comma in French.
                let taille = format!("{size:.1}").replace('.', ",");
                (
                    format!(
                        "This file is {size:.1} MB; notes are imported from files of at most {max} MB."
                    ),
                    format!(
                        "Ce fichier fait {taille} Mo ; les notes sont importées de fichiers de {max} Mo au plus."
                    ),
                )
            }
            ImportError::Empty => (
                "There is nothing to import: the file is empty.".into(),
                "Il n'y a rien à importer : le fichier est vide.".into(),
            ),
            ImportError::NotText => (
                "This is not a text file. Export the notes as CSV or Markdown, or paste them."
                    .into(),
                "Ce n'est pas un fichier texte. Exportez les notes en CSV ou en Markdown, ou collez-les."
                    .into(),
            ),
            ImportError::Csv { line, message } => (
                format!("The CSV cannot be read at line {line}: {message}."),
                format!("Le CSV ne peut pas être lu à la ligne {line} : {message}."),
            ),
            ImportError::NoTextColumn => (
                "No column holds the notes' text. Choose it in \"Text\" below.".into(),
                "Aucune colonne ne contient le texte des notes. Choisissez-la dans « Texte » ci-dessous."
                    .into(),
            ),
            ImportError::TooMany { .. } => (
                format!(
                    "This holds more than {MAX_NOTES} notes, more than one import takes; split the file."
                ),
                format!(
                    "Il y a plus de {MAX_NOTES} notes, plus qu'un import n'en prend ; découpez le fichier."
                ),
            ),
        };
        match lang {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ImportError {}

/// A note to import: its text and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub text: String,
    pub source: Source,
}

/// Whether an interviewee column's value is a person's name rather than
/// a code (`C01`, `E-12`, `P03`): a space, or a word in small letters.
/// Names are pseudonymised on import.
pub fn looks_like_a_name(s: &str) -> bool {
    let s = s.trim();
    s.chars().any(char::is_whitespace) || s.chars().filter(|c| c.is_lowercase()).count() >= 2
}

/// The distinct interviewee names among `notes` (see
/// [`looks_like_a_name`]), in the order met.
pub fn interviewee_names(notes: &[Note]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for note in notes {
        let who = note.source.interviewee.trim();
        if looks_like_a_name(who) && !names.iter().any(|n| n == who) {
            names.push(who.to_owned());
        }
    }
    names
}

/// `notes` with each interviewee named in `names` replaced by the code at
/// the same place in `codes`.
pub fn pseudonymised(mut notes: Vec<Note>, names: &[String], codes: &[String]) -> Vec<Note> {
    for note in &mut notes {
        let who = note.source.interviewee.trim().to_owned();
        if let Some(code) = names
            .iter()
            .position(|n| *n == who)
            .and_then(|i| codes.get(i))
        {
            note.source.interviewee = code.clone();
        }
    }
    notes
}

fn check_count(notes: usize) -> Result<(), ImportError> {
    if notes > MAX_NOTES {
        return Err(ImportError::TooMany { notes });
    }
    Ok(())
}

/// The colour of each interviewer's notes: an interviewer `known` on the
/// board (from an earlier import) keeps theirs; a new one takes the first
/// colour no interviewer has yet, in [`NOTE_COLORS`]' order (grey for notes
/// nobody is named as having taken).
pub fn interviewer_colors(
    notes: &[Note],
    known: &HashMap<String, String>,
) -> HashMap<String, String> {
    let mut colors: HashMap<String, String> = HashMap::new();
    let mut taken: Vec<String> = known.values().cloned().collect();
    let mut next = 0;
    for note in notes {
        let who = &note.source.interviewer;
        if colors.contains_key(who) {
            continue;
        }
        let color = if who.is_empty() {
            NOTE_COLORS[7].1.to_owned()
        } else if let Some(c) = known.get(who) {
            c.clone()
        } else {
            // The first colour nobody has, else round again.
            let free = NOTE_COLORS[..7]
                .iter()
                .map(|(_, c)| *c)
                .find(|c| !taken.iter().any(|t| t == c));
            let c = free.unwrap_or_else(|| {
                next += 1;
                NOTE_COLORS[(next - 1) % 7].1
            });
            c.to_owned()
        };
        taken.push(color.clone());
        colors.insert(who.clone(), color);
    }
    colors
}

/// Which of `notes` the board holds already: the same text (whatever its
/// case, accents and spaces) from the same interviewee, among `board`'s
/// (text, interviewee) pairs.
pub fn already_there<'a>(
    notes: &[Note],
    board: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<bool> {
    let held: std::collections::HashSet<(String, String)> = board
        .into_iter()
        .map(|(text, who)| (fold(text), fold(who)))
        .collect();
    notes
        .iter()
        .map(|n| held.contains(&(fold(&n.text), fold(&n.source.interviewee))))
        .collect()
}

/// Notes a pool row holds.
pub const POOL_COLUMNS: usize = 10;

/// The pool: a frame titled `title` whose top-left corner is at `at`,
/// holding the notes in rows, grouped by interviewer then interview (in
/// their order of appearance), each coloured by its interviewer. `id`
/// makes element ids; `z` is the first stacking order to use.
pub fn pool(
    notes: &[Note],
    title: &str,
    place: &Placement,
    known: &HashMap<String, String>,
    mut id: impl FnMut() -> String,
) -> Vec<Element> {
    const GAP: f64 = 20.0;
    const PAD: f64 = 40.0;
    let (at, z, author, created) = (place.at, place.z, place.author, place.created);
    let colors = interviewer_colors(notes, known);
    let first_seen = |key: &dyn Fn(&Note) -> &str| {
        let mut order: HashMap<String, usize> = HashMap::new();
        for note in notes {
            let n = order.len();
            order.entry(key(note).to_owned()).or_insert(n);
        }
        order
    };
    let by_interviewer = first_seen(&|n: &Note| n.source.interviewer.as_str());
    let by_interview = first_seen(&|n: &Note| n.source.interview.as_str());
    let mut order: Vec<&Note> = notes.iter().collect();
    order.sort_by_key(|n| {
        (
            by_interviewer[&n.source.interviewer],
            by_interview[&n.source.interview],
        )
    });
    let cell = 160.0 + GAP;
    let columns = POOL_COLUMNS.min(notes.len()).max(1);
    let rows = notes.len().div_ceil(columns).max(1);
    let frame_id = id();
    let mut frame = Element::new(frame_id.clone(), Kind::Frame, at.0, at.1);
    frame.w = 2.0 * PAD + columns as f64 * cell - GAP;
    frame.h = 2.0 * PAD + rows as f64 * cell - GAP;
    frame.z = z;
    frame.text = title.to_owned();
    frame.author = author.to_owned();
    frame.created = created;
    let mut elements = vec![frame];
    for (i, note) in order.into_iter().enumerate() {
        let (col, row) = ((i % columns) as f64, (i / columns) as f64);
        let mut element = Element::new(
            id(),
            Kind::Note,
            at.0 + PAD + col * cell,
            at.1 + PAD + row * cell,
        );
        element.z = z + 1.0 + i as f64;
        element.color = colors[&note.source.interviewer].clone();
        element.text = note.text.clone();
        element.parent = Some(frame_id.clone());
        element.author = author.to_owned();
        element.created = created;
        element.source = note.source.clone();
        elements.push(element);
    }
    elements
}

/// Where a pool goes: right of what the board holds (or at the origin).
pub fn pool_origin(bounds: Option<Rect>) -> (f64, f64) {
    match bounds {
        Some(b) => ((b.right() + 200.0).round(), b.y.round()),
        None => (0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interview::Origin;

    const SAMPLE_CSV: &str = include_str!("../tests/data/interview-notes.csv");
    const SAMPLE_MD: &str = include_str!("../tests/data/interview-notes.md");

    fn read_table(text: &str) -> (Vec<Note>, usize) {
        let table = parse_table(text).unwrap();
        notes_from_table(&table, &Mapping::guess(&table.headers)).unwrap()
    }

    #[test]
    fn the_sample_csv_maps_itself() {
        assert_eq!(sniff("interview-notes.csv", SAMPLE_CSV), Format::Table);
        assert_eq!(sniff("", SAMPLE_CSV), Format::Table);
        let table = parse_table(SAMPLE_CSV).unwrap();
        let mapping = Mapping::guess(&table.headers);
        let column = |f| mapping.get(f).map(|i| table.headers[i].as_str());
        assert_eq!(column(Field::Text), Some("text"));
        assert_eq!(column(Field::Origin), Some("kind"));
        assert_eq!(column(Field::Interviewee), Some("interviewee"));
        assert_eq!(column(Field::Interviewer), Some("interviewer"));
        assert_eq!(column(Field::Interview), Some("interview"));
        assert_eq!(column(Field::Segment), Some("segment"));
        assert_eq!(column(Field::Tags), Some("tags"));
        let (notes, skipped) = notes_from_table(&table, &mapping).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(notes.len(), table.rows.len());
        let first = &notes[0];
        assert!(first.text.starts_with("J'ai déclaré mon accident"));
        assert_eq!(first.source.origin, Some(Origin::Verbatim));
        assert_eq!(first.source.interviewee, "C01");
        assert_eq!(first.source.interviewer, "Claire");
        assert_eq!(first.source.interview, "E01");
        assert_eq!(first.source.tags, ["SPECIFIC:Sécurité", "irritant"]);
        assert_eq!(notes[2].source.origin, Some(Origin::Observation));
        assert!(notes[2].source.tags.is_empty());
    }

    #[test]
    fn french_excel_semicolons_windows_1252_quoted_line_breaks_and_empty_rows() {
        // "Entretien;Interviewé;Texte;Étiquettes" in Windows-1252, a quoted
        // field with a line break and a separator, an empty row, a short row.
        let mut bytes: Vec<u8> = Vec::new();
        bytes.extend(b"Entretien;Interview\xe9;Texte;\xc9tiquettes\r\n");
        bytes.extend(b"E01;C01;\"Je veux savoir o\xf9 en est\r\nmon dossier; vite\";CIVILE:Consid\xe9ration\r\n");
        bytes.extend(b";;;\r\n");
        bytes.extend(b"E02;C02;\x93Trop de papiers\x94\r\n");
        bytes.extend(b"E02;C02;;\r\n");
        let text = decode(&bytes).unwrap();
        assert!(text.starts_with("Entretien;Interviewé;Texte;Étiquettes"));
        assert_eq!(sniff("export.txt", &text), Format::Table);
        let (notes, skipped) = read_table(&text);
        assert_eq!(notes.len(), 2);
        assert_eq!(skipped, 1, "the row without text");
        assert_eq!(
            notes[0].text,
            "Je veux savoir où en est\r\nmon dossier; vite"
        );
        assert_eq!(notes[0].source.interviewee, "C01");
        assert_eq!(notes[0].source.tags, ["CIVILE:Considération"]);
        assert_eq!(notes[1].text, "Trop de papiers");
        assert_eq!(notes[1].source.origin, Some(Origin::Verbatim));
    }

    #[test]
    fn numbered_columns_and_a_byte_order_mark_are_mapped() {
        // French Excel: "N° entretien", with a BOM before the first header.
        let text = "\u{feff}N° entretien;Interviewé;Intervieweur;Verbatim\nE01;C01;Claire;Je veux savoir\n";
        let table = parse_table(text).unwrap();
        assert_eq!(table.headers[0], "N° entretien");
        let mapping = Mapping::guess(&table.headers);
        assert_eq!(mapping.get(Field::Interview), Some(0));
        assert_eq!(mapping.get(Field::Interviewee), Some(1));
        assert_eq!(mapping.get(Field::Interviewer), Some(2));
        assert_eq!(mapping.get(Field::Text), Some(3));
        let (notes, _) = notes_from_table(&table, &mapping).unwrap();
        assert_eq!(notes[0].source.interview, "E01");
        assert_eq!(notes[0].source.interviewee, "C01");
        assert_eq!(notes[0].source.interviewer, "Claire");
        for (header, field) in [
            ("No. interview", Field::Interview),
            ("# entretien", Field::Interview),
            ("Numéro entretien", Field::Interview),
            ("ID interview", Field::Interview),
            ("N° client", Field::Interviewee),
        ] {
            let mapping = Mapping::guess(&[header.to_owned(), "text".to_owned()]);
            assert_eq!(mapping.get(field), Some(0), "{header}");
        }
    }

    #[test]
    fn utf16_and_tabs_from_a_spreadsheet() {
        let text = "Note\tInterviewer\n« Lent »\tKarim\n";
        let mut bytes = vec![0xff, 0xfe];
        for unit in text.encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let text = decode(&bytes).unwrap();
        assert_eq!(sniff("", &text), Format::Table);
        let (notes, _) = read_table(&text);
        assert_eq!(notes[0].text, "Lent");
        assert_eq!(notes[0].source.interviewer, "Karim");
        assert_eq!(notes[0].source.origin, Some(Origin::Verbatim));
    }

    #[test]
    fn broken_files_say_why_and_yield_nothing() {
        assert_eq!(decode(b""), Err(ImportError::Empty));
        assert_eq!(decode(b" \n\r\n "), Err(ImportError::Empty));
        let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(decode(&garbage), Err(ImportError::NotText));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(decode(png), Err(ImportError::NotText));
        let huge = vec![b'a'; MAX_BYTES + 1];
        assert_eq!(
            decode(&huge),
            Err(ImportError::TooLarge {
                bytes: MAX_BYTES + 1
            })
        );
        assert!(decode(&huge).unwrap_err().to_string().contains("5 MB"));
        let too_large = ImportError::TooLarge { bytes: 6_500_000 };
        assert_eq!(too_large.to_string(), too_large.message(Lang::En));
        assert_eq!(
            too_large.message(Lang::Fr),
            "Ce fichier fait 6,2 Mo ; les notes sont importées de fichiers de 5 Mo au plus."
        );
        assert!(
            ImportError::NoTextColumn
                .message(Lang::Fr)
                .contains("« Texte »")
        );
        assert_eq!(Field::Text.label_in(Lang::Fr), "Texte");
        assert_eq!(Field::Tags.label_in(Lang::En), Field::Tags.label());
        // No column says "text": the user is asked to choose one.
        // A header that starts like another field's name is not taken for it.
        let table = parse_table("Interviewer (nom);Interviewé(e);Texte\nAnn;C01;x\n").unwrap();
        let mapping = Mapping::guess(&table.headers);
        assert_eq!(mapping.get(Field::Interviewer), Some(0));
        assert_eq!(mapping.get(Field::Interviewee), Some(1));
        let table = parse_table("who,when\nAnn,today\n").unwrap();
        let mapping = Mapping::guess(&table.headers);
        assert_eq!(
            notes_from_table(&table, &mapping),
            Err(ImportError::NoTextColumn)
        );
        let mut chosen = mapping.clone();
        chosen.set(Field::Text, Some(1));
        assert_eq!(
            notes_from_table(&table, &chosen).unwrap().0[0].text,
            "today"
        );
        // An unterminated quote runs to the end of the file: one odd row,
        // read, not a crash.
        let table = parse_table("text\n\"never closed\nsecond line\n").unwrap();
        assert_eq!(table.rows.len(), 1);
        // More notes than one import takes.
        let many = "x\n".repeat(MAX_NOTES + 1);
        assert_eq!(
            notes_from_lines(&many),
            Err(ImportError::TooMany {
                notes: MAX_NOTES + 1
            })
        );
    }

    #[test]
    fn the_sample_markdown_names_each_interview() {
        assert_eq!(sniff("notes.md", SAMPLE_MD), Format::Markdown);
        assert_eq!(sniff("", SAMPLE_MD), Format::Markdown);
        let notes = notes_from_markdown(SAMPLE_MD).unwrap();
        assert_eq!(notes.len(), 6);
        let first = &notes[0];
        assert_eq!(first.source.interview, "E01");
        assert_eq!(first.source.interviewee, "C01");
        assert_eq!(first.source.segment, "jeune conducteur");
        assert_eq!(first.source.interviewer, "Claire");
        assert_eq!(first.source.origin, Some(Origin::Verbatim));
        assert!(first.text.starts_with("J'ai déclaré"), "{}", first.text);
        assert_eq!(notes[2].source.origin, Some(Origin::Observation));
        assert_eq!(notes[3].source.interviewer, "Karim");
        assert_eq!(notes[3].source.segment, "artisan");
    }

    #[test]
    fn markdown_continuations_numbering_and_plain_lines() {
        let md = "## Interview 4\n1. first point\n   goes on here\n2) second\n- [ ] a task\n\nloose line\n";
        let notes = notes_from_markdown(md).unwrap();
        let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            texts,
            ["first point goes on here", "second", "a task", "loose line"]
        );
        assert_eq!(notes[0].source.interview, "Interview 4");
        let lines = notes_from_lines("- one\n\n  two  \n“three”\n").unwrap();
        let texts: Vec<&str> = lines.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["one", "two", "three"]);
        assert_eq!(lines[2].source.origin, Some(Origin::Verbatim));
        assert!(lines[0].source.is_empty());
        assert_eq!(sniff("", "one\ntwo\n"), Format::Lines);
        assert_eq!(
            sniff("", "- Lent, trop lent\n- Papiers, encore\n"),
            Format::Markdown,
            "bullets with a comma each are not a table"
        );
    }

    #[test]
    fn an_interviewer_keeps_a_colour_across_imports() {
        let note = |who: &str| Note {
            text: "x".into(),
            source: Source {
                interviewer: who.into(),
                ..Source::default()
            },
        };
        // Claire has yellow from a first import; Karim comes new.
        let known = HashMap::from([("Claire".to_owned(), NOTE_COLORS[0].1.to_owned())]);
        let colors = interviewer_colors(&[note("Karim"), note("Claire"), note("")], &known);
        assert_eq!(colors["Claire"], NOTE_COLORS[0].1);
        assert_eq!(
            colors["Karim"], NOTE_COLORS[1].1,
            "the first colour nobody has"
        );
        assert_eq!(colors[""], NOTE_COLORS[7].1);
    }

    #[test]
    fn notes_the_board_holds_already_are_found() {
        let (notes, _) = read_table(SAMPLE_CSV);
        let board = [
            (
                notes[0].text.to_uppercase(),
                notes[0].source.interviewee.clone(),
            ),
            (notes[1].text.clone(), "someone else".to_owned()),
        ];
        let there = already_there(&notes, board.iter().map(|(t, w)| (t.as_str(), w.as_str())));
        assert!(there[0], "the same words, another case");
        assert!(!there[1], "the same words from someone else");
        assert_eq!(there.iter().filter(|t| **t).count(), 1);
    }

    #[test]
    fn the_pool_is_a_frame_of_notes_grouped_and_coloured_by_interviewer() {
        let (notes, _) = read_table(SAMPLE_CSV);
        let mut n = 0;
        let place = Placement {
            lang: Lang::En,
            at: (1000.0, 0.0),
            z: 5.0,
            author: "Ann",
            created: 7,
        };
        let elements = pool(&notes, "Interview notes", &place, &HashMap::new(), || {
            n += 1;
            format!("e{n}")
        });
        let frame = &elements[0];
        assert_eq!(frame.kind, Kind::Frame);
        assert_eq!(frame.text, "Interview notes");
        assert_eq!(elements.len(), notes.len() + 1);
        let inside = elements[1..]
            .iter()
            .all(|e| e.parent.as_deref() == Some("e1") && frame.rect().contains(&e.rect()));
        assert!(inside, "every note inside the frame");
        // One colour per interviewer, different interviewers differ.
        let mut colors: HashMap<&str, &str> = HashMap::new();
        for e in &elements[1..] {
            let c = colors.entry(&e.source.interviewer).or_insert(&e.color);
            assert_eq!(*c, e.color);
        }
        let distinct: std::collections::HashSet<_> = colors.values().collect();
        assert_eq!(distinct.len(), colors.len());
        // Grouped: each interviewer's notes are contiguous.
        let order: Vec<&str> = elements[1..]
            .iter()
            .map(|e| e.source.interviewer.as_str())
            .collect();
        let mut seen = Vec::new();
        for who in order {
            if seen.last() != Some(&who) {
                assert!(!seen.contains(&who), "{who} comes back");
                seen.push(who);
            }
        }
        // No two notes overlap.
        for (i, a) in elements[1..].iter().enumerate() {
            for b in &elements[i + 2..] {
                assert!(
                    a.rect()
                        .intersection(&b.rect())
                        .is_none_or(|r| r.w == 0.0 || r.h == 0.0)
                );
            }
        }
        assert_eq!(pool_origin(None), (0.0, 0.0));
    }
}
