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
use crate::interview::{Origin, Source, fold, split_tags};
use crate::lang::Lang;

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

/// Text from a file's bytes: UTF-8 (with or without a BOM), UTF-16 with a
/// BOM, or else Windows-1252 (what French Excel writes). Binary data is
/// refused.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        utf16(rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        utf16(rest, u16::from_be_bytes)?
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
        }
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if text.contains('\0') || controls * 100 > text.chars().count().max(1) {
        return Err(ImportError::NotText);
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text)
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, ImportError> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| ImportError::NotText)
}

/// One byte of Windows-1252 (Latin-1 with printable characters in
/// 0x80–0x9f).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// How a text is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Columns with a header row.
    Table,
    /// Bullets (one a note) under headings (one an interview).
    Markdown,
    /// One note a line.
    Lines,
}

/// The format of `text`, from the file name's extension when it says, else
/// from the text: several lines with the same number of separators are a
/// table; bullets or headings are Markdown.
pub fn sniff(name: &str, text: &str) -> Format {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv" | "tsv") => return Format::Table,
        Some("md" | "markdown") => return Format::Markdown,
        _ => {}
    }
    // Markdown: most lines are headings or bullets (tested first: bullets
    // with a comma each would also pass for a table).
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let marked = lines
        .iter()
        .filter(|l| is_heading(l.trim()) || bullet(l.trim()).is_some())
        .count();
    if marked > 0 && marked * 2 >= lines.len() {
        return Format::Markdown;
    }
    // A table: its first records (quotes understood) have two fields or
    // more, and most as many as the header (spreadsheets drop trailing
    // empty cells now and then).
    let widths: Vec<usize> = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
        .take(6)
        .map(|r| r.len())
        .collect();
    let full = widths.iter().filter(|&&w| w == widths[0]).count();
    if widths.len() >= 2 && widths.iter().all(|&w| w >= 2) && full * 2 > widths.len() {
        return Format::Table;
    }
    if marked > 0 {
        return Format::Markdown;
    }
    Format::Lines
}

/// The separator of a table: the one of tab, `;` and `,` the header line
/// has most of (ties: tab, then `;`, then `,`).
fn delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b'\t', b';', b',']
        .into_iter()
        .max_by_key(|&d| {
            (
                header.bytes().filter(|&b| b == d).count(),
                d == b'\t',
                d == b';',
            )
        })
        .unwrap_or(b',')
}

/// A table: its header and rows (empty rows left out).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Reads a table: separator found by [`delimiter`], quoted fields (with
/// separators and line breaks inside), rows of any length.
pub fn parse_table(text: &str) -> Result<Table, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // (A header and one row more than an import takes are enough to say so.)
    for record in reader.records().take(MAX_NOTES + 2) {
        let record = record.map_err(|e| ImportError::Csv {
            line: e.position().map(|p| p.line()).unwrap_or(0),
            message: match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "text that is not UTF-8".to_owned(),
                _ => e.to_string(),
            },
        })?;
        let row: Vec<String> = record.iter().map(|f| f.trim().to_owned()).collect();
        if row.iter().any(|f| !f.is_empty()) {
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return Err(ImportError::Empty);
    }
    let headers = rows.remove(0);
    Ok(Table { headers, rows })
}

/// What a table's column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Text,
    Origin,
    Interviewee,
    Segment,
    Interviewer,
    Interview,
    Tags,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Text,
        Field::Origin,
        Field::Interviewee,
        Field::Segment,
        Field::Interviewer,
        Field::Interview,
        Field::Tags,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Text => "Text",
            Field::Origin => "Verbatim / observation",
            Field::Interviewee => "Interviewee",
            Field::Segment => "Segment",
            Field::Interviewer => "Interviewer",
            Field::Interview => "Interview",
            Field::Tags => "Tags",
        }
    }

    /// [`Field::label`] in `lang`.
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, _) => self.label(),
            (Lang::Fr, Field::Text) => "Texte",
            (Lang::Fr, Field::Origin) => "Verbatim / observation",
            (Lang::Fr, Field::Interviewee) => "Interviewé",
            (Lang::Fr, Field::Segment) => "Segment",
            (Lang::Fr, Field::Interviewer) => "Intervieweur",
            (Lang::Fr, Field::Interview) => "Entretien",
            (Lang::Fr, Field::Tags) => "Étiquettes",
        }
    }

    /// Header names (folded: lower case, no accents) that say this field.
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Text => &[
                "text",
                "texte",
                "note",
                "notes",
                "verbatim",
                "citation",
                "quote",
                "contenu",
                "content",
                "remarque",
                "commentaire",
                "comment",
            ],
            Field::Origin => &["kind", "type", "nature", "genre", "origin", "source"],
            Field::Interviewee => &[
                "interviewee",
                "interviewe",
                "client",
                "customer",
                "participant",
                "respondent",
                "repondant",
                "code",
                "personne",
            ],
            Field::Segment => &[
                "segment",
                "profil",
                "profile",
                "cible",
                "persona",
                "population",
            ],
            Field::Interviewer => &[
                "interviewer",
                "intervieweur",
                "intervieweuse",
                "enqueteur",
                "enqueteuse",
                "auteur",
                "author",
                "consultant",
                "collecte par",
                "by",
            ],
            Field::Interview => &[
                "interview",
                "entretien",
                "interview id",
                "id entretien",
                "session",
                "rencontre",
            ],
            Field::Tags => &[
                "tags",
                "tag",
                "etiquettes",
                "etiquette",
                "labels",
                "label",
                "themes",
                "theme",
            ],
        }
    }
}

/// Which column (by index) holds each field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping(pub HashMap<Field, usize>);

impl Mapping {
    /// The mapping the headers suggest: exact names first, then names that
    /// start with one of a field's words.
    pub fn guess(headers: &[String]) -> Mapping {
        let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
        let mut mapping = HashMap::new();
        for exact in [true, false] {
            for field in Field::ALL {
                if mapping.contains_key(&field) {
                    continue;
                }
                let found = folded.iter().enumerate().find(|(i, h)| {
                    !mapping.values().any(|v| v == i)
                        && field.names().iter().any(|name| {
                            // A name, or a name then something else
                            // (`interviewer (nom)`): never a longer word
                            // (`interviewe` is not `interviewer`).
                            *h == name
                                || !exact
                                    && h.strip_prefix(name).is_some_and(|rest| {
                                        !rest.starts_with(char::is_alphanumeric)
                                    })
                        })
                });
                if let Some((i, _)) = found {
                    mapping.insert(field, i);
                }
            }
        }
        Mapping(mapping)
    }

    pub fn get(&self, field: Field) -> Option<usize> {
        self.0.get(&field).copied()
    }

    pub fn set(&mut self, field: Field, column: Option<usize>) {
        match column {
            Some(c) => {
                self.0.insert(field, c);
            }
            None => {
                self.0.remove(&field);
            }
        }
    }
}

/// A note to import: its text and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub text: String,
    pub source: Source,
}

/// The notes of a table read through `mapping`. Rows without text are
/// skipped; the count of those is returned beside the notes.
pub fn notes_from_table(
    table: &Table,
    mapping: &Mapping,
) -> Result<(Vec<Note>, usize), ImportError> {
    let text = mapping.get(Field::Text).ok_or(ImportError::NoTextColumn)?;
    let cell = |row: &Vec<String>, field| {
        mapping
            .get(field)
            .and_then(|i| row.get(i))
            .map(|c| crate::spreadsheet::plain(c).to_owned())
            .unwrap_or_default()
    };
    let mut notes = Vec::new();
    let mut skipped = 0;
    for row in &table.rows {
        let body = row.get(text).map(String::as_str).unwrap_or("").trim();
        if body.is_empty() {
            skipped += 1;
            continue;
        }
        // (A `'` before a formula sign is how exports keep spreadsheets
        // from running it: not part of the note.)
        let body = crate::spreadsheet::plain(body);
        let (body, quoted) = unquote(body);
        let source = Source {
            origin: Origin::parse(&cell(row, Field::Origin)).or(quoted.then_some(Origin::Verbatim)),
            interviewee: cell(row, Field::Interviewee),
            segment: cell(row, Field::Segment),
            interviewer: cell(row, Field::Interviewer),
            interview: cell(row, Field::Interview),
            tags: split_tags(&cell(row, Field::Tags)),
        };
        notes.push(Note {
            text: body.to_owned(),
            source,
        });
    }
    check_count(notes.len())?;
    Ok((notes, skipped))
}

fn check_count(notes: usize) -> Result<(), ImportError> {
    if notes > MAX_NOTES {
        return Err(ImportError::TooMany { notes });
    }
    Ok(())
}

/// The notes of a Markdown text: each bullet is a note (lines indented
/// under it continue it); a heading below the first level names the
/// interview of the bullets that follow, as `E01 — C01, segment (Claire)`
/// (interview, interviewee, segment, interviewer; any part may be left out).
/// A note in quotes (« », “ ”, " ") is a verbatim, else an observation.
pub fn notes_from_markdown(text: &str) -> Result<Vec<Note>, ImportError> {
    let mut notes: Vec<Note> = Vec::new();
    let mut context = Source::default();
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            open = false;
            continue;
        }
        if is_heading(trimmed) {
            let level = trimmed.chars().take_while(|&c| c == '#').count();
            if level > 1 {
                context = heading_source(trimmed.trim_start_matches('#').trim());
            }
            open = false;
            continue;
        }
        if notes.len() > MAX_NOTES {
            break;
        }
        if let Some(item) = bullet(trimmed) {
            notes.push(Note {
                text: item.to_owned(),
                source: context.clone(),
            });
            open = true;
        } else if open && line.starts_with([' ', '\t']) {
            if let Some(last) = notes.last_mut() {
                last.text.push(' ');
                last.text.push_str(trimmed);
            }
        } else {
            notes.push(Note {
                text: trimmed.to_owned(),
                source: context.clone(),
            });
            open = false;
        }
    }
    let notes = finish(notes);
    check_count(notes.len())?;
    Ok(notes)
}

/// The notes of plain text: one a line (bullets and numbering removed).
pub fn notes_from_lines(text: &str) -> Result<Vec<Note>, ImportError> {
    let notes = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(MAX_NOTES + 1)
        .map(|l| Note {
            text: bullet(l).unwrap_or(l).to_owned(),
            source: Source::default(),
        })
        .collect();
    let notes = finish(notes);
    check_count(notes.len())?;
    Ok(notes)
}

/// Quotes make a verbatim; notes from a named interview without quotes are
/// observations.
fn finish(notes: Vec<Note>) -> Vec<Note> {
    notes
        .into_iter()
        .filter_map(|mut note| {
            let (text, quoted) = unquote(note.text.trim());
            if text.is_empty() {
                return None;
            }
            note.text = text.to_owned();
            if quoted {
                note.source.origin = Some(Origin::Verbatim);
            } else if !note.source.is_empty() {
                note.source.origin = Some(Origin::Observation);
            }
            Some(note)
        })
        .collect()
}

fn is_heading(line: &str) -> bool {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

/// The item of a bullet or numbered line (`- x`, `* x`, `+ x`, `1. x`,
/// `1) x`, `- [ ] x`), if the line is one.
fn bullet(line: &str) -> Option<&str> {
    let rest = if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
        .or_else(|| line.strip_prefix("• "))
    {
        rest
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        let after = &line[digits..];
        if digits == 0 || !(after.starts_with(". ") || after.starts_with(") ")) {
            return None;
        }
        &after[2..]
    };
    let rest = rest.trim();
    Some(
        rest.strip_prefix("[ ] ")
            .or_else(|| rest.strip_prefix("[x] "))
            .unwrap_or(rest)
            .trim(),
    )
}

/// `E01 — C01, jeune conducteur (Claire)` as a source.
fn heading_source(heading: &str) -> Source {
    let mut rest = heading.trim();
    let mut source = Source::default();
    if let Some(open) = rest.rfind('(')
        && rest.ends_with(')')
    {
        source.interviewer = rest[open + 1..rest.len() - 1].trim().to_owned();
        rest = rest[..open].trim();
    }
    let (interview, who) = match [" — ", " – ", " - ", ": "]
        .iter()
        .find_map(|sep| rest.split_once(sep))
    {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (rest, ""),
    };
    source.interview = interview.to_owned();
    if !who.is_empty() {
        let (code, segment) = who.split_once(',').unwrap_or((who, ""));
        source.interviewee = code.trim().to_owned();
        source.segment = segment.trim().to_owned();
    }
    source
}

/// The text inside matching quotes, and whether there were any.
fn unquote(text: &str) -> (&str, bool) {
    for (open, close) in [("«", "»"), ("“", "”"), ("\"", "\""), ("„", "“")] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && !inner.trim().is_empty()
        {
            return (inner.trim(), true);
        }
    }
    (text, false)
}

/// The colour of each interviewer's notes: the palette in order of first
/// appearance (grey, the last, for notes without an interviewer).
pub fn interviewer_colors(notes: &[Note]) -> HashMap<String, &'static str> {
    let mut colors = HashMap::new();
    for note in notes {
        let n = colors.len();
        colors
            .entry(note.source.interviewer.clone())
            .or_insert_with(|| {
                if note.source.interviewer.is_empty() {
                    NOTE_COLORS[7].1
                } else {
                    NOTE_COLORS[n % 7].1
                }
            });
    }
    colors
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
    at: (f64, f64),
    z: f64,
    author: &str,
    created: i64,
    mut id: impl FnMut() -> String,
) -> Vec<Element> {
    const GAP: f64 = 20.0;
    const PAD: f64 = 40.0;
    let colors = interviewer_colors(notes);
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
        element.color = colors[&note.source.interviewer].to_owned();
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
    fn the_pool_is_a_frame_of_notes_grouped_and_coloured_by_interviewer() {
        let (notes, _) = read_table(SAMPLE_CSV);
        let mut n = 0;
        let elements = pool(
            &notes,
            "Interview notes",
            (1000.0, 0.0),
            5.0,
            "Ann",
            7,
            || {
                n += 1;
                format!("e{n}")
            },
        );
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
