//! Tables (CSV and the like, from Excel or a note app): the separator,
//! the header's columns matched to a note's fields, the notes of the rows.

use std::collections::HashMap;

use super::markdown::unquote;
use super::{ImportError, MAX_NOTES, Note, check_count};
use crate::interview::{Origin, Source, fold, split_tags};
use crate::lang::Lang;

/// The separator of a table: the one of tab, `;` and `,` the header line
/// has most of (ties: tab, then `;`, then `,`).
pub(super) fn delimiter(text: &str) -> u8 {
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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Reads a table: separator found by [`delimiter`], quoted fields (with
/// separators and line breaks inside), rows of any length.
pub fn parse_table(text: &str) -> Result<Table, ImportError> {
    // A byte order mark (Excel writes one) is not part of the first header.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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

/// A folded header without the "number of" before its name: French Excel
/// exports say `N° entretien`, others `No. interview`, `# interview`,
/// `Numéro entretien` or `ID interview`.
fn unnumbered(header: &str) -> String {
    for mark in [
        "n°", "nº", "no.", "no ", "num.", "num ", "numero ", "number ", "#", "id ",
    ] {
        if let Some(rest) = header.strip_prefix(mark) {
            let rest = rest.trim_start();
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    header.to_owned()
}

/// Which column (by index) holds each field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping(pub HashMap<Field, usize>);

impl Mapping {
    /// The mapping the headers suggest: exact names first, then names that
    /// start with one of a field's words.
    pub fn guess(headers: &[String]) -> Mapping {
        let folded: Vec<String> = headers.iter().map(|h| unnumbered(&fold(h))).collect();
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
