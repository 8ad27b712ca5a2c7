//! The persona card: a typed element (`type: "persona"`) with its header
//! fields and its sections of lines (the six of the template, then the
//! workshop's four outputs), every field and line a Y.Text edited
//! collaboratively, every line able to cite the notes that support it.
//!
//! Stored in the element's map (see `docs/board-schema.md`):
//! `name`, `nickname`, `role`, `segment`, `quote`, `objective`,
//! `priority` (Y.Text: the persona's own priority, a sentence), `rank`
//! (number, the persona's place among the board's personas, 1 first),
//! `primary` (bool), and `sections`: a map from a section key to an array
//! of lines, each a map `{id, text: Y.Text, cites: [note id, …]}`. Boards
//! from before kept the rank under `priority` (a number): read as the
//! rank, and moved there by [`crate::migrate`].

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use yrs::types::text::TextPrelim;
use yrs::{
    Any, Array, ArrayPrelim, ArrayRef, GetString, Map, MapPrelim, MapRef, Out, ReadTxn,
    TransactionMut,
};

use crate::interview::Source;
use crate::lang::Lang;
use crate::ymap::{add_ids, edit_text_in, ids, remove_id};

/// The header fields that are texts, with their labels.
pub const FIELDS: [(&str, (&str, &str)); 7] = [
    ("name", ("Name", "Nom")),
    ("nickname", ("Nickname", "Surnom")),
    ("role", ("Role", "Rôle")),
    ("segment", ("Segment", "Segment")),
    ("quote", ("Quote", "Citation")),
    ("objective", ("Objective", "Objectif")),
    ("priority", ("Priority", "Priorité")),
];

/// The sections of a persona, in order, with their titles: the
/// template's six, then the workshop's four outputs ([`OUTPUTS`]).
pub const SECTIONS: [(&str, (&str, &str)); 10] = [
    ("demographic", ("Demographic", "Démographique")),
    ("psychological", ("Psychological", "Psychologique")),
    ("professional", ("Professional", "Professionnel")),
    ("relational", ("Relational", "Relationnel")),
    ("motivational", ("Motivational", "Motivationnel")),
    ("buying", ("Buying modalities", "Modalités d'achat")),
    ("experience", ("Lived experience", "Vécu")),
    ("expectations", ("Expectations", "Attentes")),
    ("delights", ("Delights", "Enchantements")),
    ("irritants", ("Irritants", "Irritants")),
];

/// A text in both languages.
type Said = (&'static str, &'static str);

/// What a card stands for: a persona (key `""`, the default) or one of
/// the stakeholders the method maps: the decision-maker, an ally, a
/// refractory, a member of the buying group. Each has its own sections
/// (lines that cite evidence, as a persona's) and choices (one option
/// each, stored as its key). A card's lines of another kind stay in its
/// map, unread, should it be turned back.
pub struct CardKind {
    pub key: &'static str,
    pub name: Said,
    pub sections: &'static [(&'static str, Said)],
    pub choices: &'static [Choice],
}

/// A choice of a stakeholder card: its key, its label and its options.
pub struct Choice {
    pub key: &'static str,
    pub name: Said,
    pub options: &'static [(&'static str, Said)],
}

pub static KINDS: [CardKind; 5] = [
    CardKind {
        key: "",
        name: ("Persona", "Persona"),
        sections: &SECTIONS,
        choices: &[],
    },
    CardKind {
        key: "decision-maker",
        name: ("Decision-maker", "Décideur"),
        sections: &[
            ("strengths", ("Strengths", "Forces")),
            ("weaknesses", ("Weaknesses", "Faiblesses")),
            ("opportunities", ("Opportunities", "Opportunités")),
            ("threats", ("Threats", "Menaces")),
            // Their boss, their teams, the people close to them.
            ("influencers", ("Influencers", "Influenceurs")),
            ("interests", ("Interests", "Intérêts")),
            (
                "gains",
                ("What they expect to gain", "Ce qu'il espère y gagner"),
            ),
        ],
        choices: &[],
    },
    CardKind {
        key: "ally",
        name: ("Ally", "Allié"),
        sections: &[
            // Links to the other stakeholders.
            ("links", ("Links to stakeholders", "Liens avec les autres")),
            ("interests", ("Interests", "Intérêts")),
            (
                "gains",
                ("What they expect to gain", "Ce qu'il espère y gagner"),
            ),
        ],
        choices: &[],
    },
    CardKind {
        key: "refractory",
        name: ("Refractory", "Réfractaire"),
        sections: &[
            ("reassurance", ("Reassurance planned", "Réassurance prévue")),
            ("stance", ("Stance over time", "Position dans le temps")),
        ],
        choices: &[
            Choice {
                key: "case",
                name: ("Case", "Cas"),
                options: &[
                    (
                        "no-interest",
                        ("No interest in the project", "Pas d'intérêt pour le projet"),
                    ),
                    (
                        "slows",
                        ("Wants to slow the project", "Veut freiner le projet"),
                    ),
                ],
            },
            Choice {
                key: "cause",
                name: ("Cause", "Cause"),
                options: &[
                    ("imposed", ("The project is imposed", "Projet imposé")),
                    (
                        "past",
                        ("A bad past experience", "Mauvaise expérience passée"),
                    ),
                    ("workload", ("Workload", "Charge de travail")),
                    ("threatened", ("Role threatened", "Rôle menacé")),
                ],
            },
            Choice {
                key: "since",
                name: ("Stance", "Position"),
                options: &[
                    (
                        "always",
                        ("Refractory from the start", "Réfractaire dès le début"),
                    ),
                    (
                        "former-ally",
                        (
                            "Former ally turned refractory",
                            "Ancien allié devenu réfractaire",
                        ),
                    ),
                    ("won-over", ("Won over", "Rallié")),
                ],
            },
        ],
    },
    CardKind {
        key: "buyer",
        name: ("Buying-group member", "Membre du groupe d'achat"),
        sections: &[
            ("needs", ("Needs per stage", "Besoins par étape")),
            ("channels", ("Preferred channels", "Canaux préférés")),
        ],
        choices: &[Choice {
            key: "cycle",
            name: ("Role in the buying cycle", "Rôle dans le cycle d'achat"),
            options: &[
                ("strategist", ("Strategist", "Stratège")),
                ("prescriber", ("Prescriber", "Prescripteur")),
                ("user", ("User", "Utilisateur")),
                ("payer", ("Payer", "Payeur")),
                ("buyer", ("Buyer", "Acheteur")),
                (
                    "final-decision-maker",
                    ("Final decision-maker", "Décideur final"),
                ),
            ],
        }],
    },
];

/// Every kind's sections once, in order: (key, title, the kinds that have
/// it, space-separated, a persona's as `persona`).
pub fn every_section() -> Vec<(&'static str, Said, String)> {
    let mut all: Vec<(&'static str, Said, String)> = Vec::new();
    for kind in &KINDS {
        let name = if kind.key.is_empty() {
            "persona"
        } else {
            kind.key
        };
        for &(key, said) in kind.sections {
            match all.iter_mut().find(|(k, ..)| *k == key) {
                Some((.., kinds)) => {
                    kinds.push(' ');
                    kinds.push_str(name);
                }
                None => all.push((key, said, name.to_owned())),
            }
        }
    }
    all
}

/// The kind of card `key` names (a persona's for an unknown key).
pub fn kind(key: &str) -> &'static CardKind {
    KINDS.iter().find(|k| k.key == key).unwrap_or(&KINDS[0])
}

/// The sections that are the workshop's output for each persona (the
/// last of [`SECTIONS`]).
pub const OUTPUTS: [&str; 4] = ["experience", "expectations", "delights", "irritants"];

pub fn title(pair: (&'static str, &'static str), lang: Lang) -> &'static str {
    match lang {
        Lang::En => pair.0,
        Lang::Fr => pair.1,
    }
}

/// One line of a section and the notes it cites.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
}

/// A persona as read from its element.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "PersonaJson")]
pub struct Persona {
    pub name: String,
    pub nickname: String,
    pub role: String,
    /// The segment the persona stands for.
    pub segment: String,
    pub quote: String,
    pub objective: String,
    /// The persona's own priority, a sentence.
    pub priority: String,
    /// The persona's place among the board's personas, 1 first; 0 when
    /// not set.
    pub rank: u8,
    pub primary: bool,
    /// What the card stands for: `""` a persona, else a stakeholder (the
    /// key of one of [`KINDS`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// A buying-group member's mark: the most critical person.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub critical: bool,
    /// The kind's choices made: (choice key, option key).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<(String, String)>,
    /// The card's photo: the id of an image the board keeps (see
    /// [`crate::is_image_id`]), or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub photo: String,
    /// Lines by section key (every section of the kind present).
    pub sections: Vec<(String, Vec<Line>)>,
}

impl Persona {
    /// A persona with every section present and empty.
    pub fn blank() -> Persona {
        Persona::blank_of("")
    }

    /// A card of kind `key` (see [`KINDS`]) with every section present
    /// and empty.
    pub fn blank_of(key: &str) -> Persona {
        let kind = kind(key);
        Persona {
            kind: kind.key.to_owned(),
            sections: kind
                .sections
                .iter()
                .map(|(k, _)| (k.to_string(), Vec::new()))
                .collect(),
            ..Persona::default()
        }
    }

    /// Whether the card is a persona (not a stakeholder).
    pub fn is_persona(&self) -> bool {
        self.kind.is_empty()
    }

    /// The option chosen for choice `key` (`""` when none).
    pub fn choice(&self, key: &str) -> &str {
        self.choices
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn field(&self, key: &str) -> &str {
        match key {
            "name" => &self.name,
            "nickname" => &self.nickname,
            "role" => &self.role,
            "segment" => &self.segment,
            "quote" => &self.quote,
            "objective" => &self.objective,
            "priority" => &self.priority,
            _ => "",
        }
    }

    /// Every note a line of the persona cites, once.
    pub fn cited(&self) -> std::collections::BTreeSet<&str> {
        self.sections
            .iter()
            .flat_map(|(_, lines)| lines.iter().flat_map(|l| l.cites.iter()))
            .map(String::as_str)
            .collect()
    }

    pub fn lines(&self, section: &str) -> &[Line] {
        self.sections
            .iter()
            .find(|(k, _)| k == section)
            .map(|(_, l)| l.as_slice())
            .unwrap_or(&[])
    }

    /// Reads the persona keys of an element's map, forgivingly.
    pub fn read<T: ReadTxn>(txn: &T, map: &MapRef) -> Persona {
        let text = |key| match map.get(txn, key) {
            Some(Out::YText(t)) => t.get_string(txn),
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        };
        let number = |key| match map.get(txn, key) {
            Some(Out::Any(Any::Number(yrs::any::Number::Float(n)))) if n.is_finite() => {
                Some(n.clamp(0.0, 9.0) as u8)
            }
            Some(Out::Any(Any::Number(yrs::any::Number::Int(n)))) => Some(n.clamp(0, 9) as u8),
            _ => None,
        };
        // Before, the rank was kept under `priority`.
        let rank = number("rank").or_else(|| number("priority")).unwrap_or(0);
        let sections_map = match map.get(txn, "sections") {
            Some(Out::YMap(m)) => Some(m),
            _ => None,
        };
        let card = kind(&text("kind"));
        let choices = card
            .choices
            .iter()
            .filter_map(|c| {
                let chosen = text(c.key);
                c.options
                    .iter()
                    .any(|(o, _)| *o == chosen)
                    .then(|| (c.key.to_owned(), chosen))
            })
            .collect();
        let sections = card
            .sections
            .iter()
            .map(|(key, _)| {
                let lines = match sections_map.as_ref().and_then(|m| m.get(txn, key)) {
                    Some(Out::YArray(lines)) => lines
                        .iter(txn)
                        .filter_map(|line| match line {
                            Out::YMap(line) => Some(read_line(txn, &line)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                (key.to_string(), lines)
            })
            .collect();
        Persona {
            name: text("name"),
            nickname: text("nickname"),
            role: text("role"),
            segment: text("segment"),
            quote: text("quote"),
            objective: text("objective"),
            priority: text("priority"),
            rank,
            primary: matches!(map.get(txn, "primary"), Some(Out::Any(Any::Bool(true)))),
            kind: card.key.to_owned(),
            photo: Some(text("photo"))
                .filter(|p| crate::is_image_id(p))
                .unwrap_or_default(),
            critical: matches!(map.get(txn, "critical"), Some(Out::Any(Any::Bool(true)))),
            choices,
            sections,
        }
    }

    /// Writes the whole persona into an element's map (a new persona, or
    /// a pasted one).
    pub fn write(&self, txn: &mut TransactionMut, map: &MapRef) {
        for (key, _) in FIELDS {
            map.insert(txn, key, TextPrelim::new(self.field(key)));
        }
        map.insert(txn, "rank", Any::from(self.rank as f64));
        map.insert(txn, "primary", Any::from(self.primary));
        if crate::is_image_id(&self.photo) {
            map.insert(txn, "photo", Any::from(self.photo.as_str()));
        }
        if !self.is_persona() {
            map.insert(txn, "kind", Any::from(self.kind.as_str()));
            map.insert(txn, "critical", Any::from(self.critical));
            for (key, option) in &self.choices {
                map.insert(txn, key.as_str(), Any::from(option.as_str()));
            }
        }
        let sections = map.insert(txn, "sections", MapPrelim::default());
        for &(key, _) in kind(&self.kind).sections {
            let lines = sections.insert(txn, key, ArrayPrelim::default());
            for line in self.lines(key) {
                push_line(txn, &lines, line);
            }
        }
    }
}

/// A persona as JSON holds it: exports from before have the rank as a
/// number under `priority`.
#[derive(Deserialize)]
struct PersonaJson {
    #[serde(default)]
    name: String,
    #[serde(default)]
    nickname: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    segment: String,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    objective: String,
    #[serde(default)]
    priority: Option<PriorityJson>,
    #[serde(default)]
    rank: Option<u8>,
    #[serde(default)]
    primary: bool,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    critical: bool,
    #[serde(default)]
    choices: Vec<(String, String)>,
    #[serde(default)]
    photo: String,
    #[serde(default)]
    sections: Vec<(String, Vec<Line>)>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PriorityJson {
    Text(String),
    Rank(u8),
}

impl From<PersonaJson> for Persona {
    fn from(p: PersonaJson) -> Persona {
        let (priority, old_rank) = match p.priority {
            Some(PriorityJson::Text(text)) => (text, None),
            Some(PriorityJson::Rank(rank)) => (String::new(), Some(rank)),
            None => (String::new(), None),
        };
        Persona {
            name: p.name,
            nickname: p.nickname,
            role: p.role,
            segment: p.segment,
            quote: p.quote,
            objective: p.objective,
            priority,
            rank: p.rank.or(old_rank).unwrap_or(0).min(9),
            primary: p.primary,
            kind: p.kind,
            critical: p.critical,
            choices: p.choices,
            photo: Some(p.photo)
                .filter(|p| crate::is_image_id(p))
                .unwrap_or_default(),
            sections: p.sections,
        }
    }
}

fn read_line<T: ReadTxn>(txn: &T, map: &MapRef) -> Line {
    Line {
        id: match map.get(txn, "id") {
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        },
        text: match map.get(txn, "text") {
            Some(Out::YText(t)) => t.get_string(txn),
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        },
        cites: ids(txn, map.get(txn, "cites")),
    }
}

fn push_line(txn: &mut TransactionMut, lines: &ArrayRef, line: &Line) {
    let map = lines.push_back(txn, MapPrelim::default());
    fill_line(txn, &map, line);
}

fn fill_line(txn: &mut TransactionMut, map: &MapRef, line: &Line) {
    map.insert(txn, "id", Any::from(line.id.as_str()));
    map.insert(txn, "text", TextPrelim::new(line.text.as_str()));
    set_cites_in(txn, map, &line.cites);
}

fn set_cites_in(txn: &mut TransactionMut, map: &MapRef, cites: &[String]) {
    map.insert(txn, "cites", ArrayPrelim::default());
    add_ids(txn, map, "cites", cites);
}

/// Edits of one persona element's map. Each touches only what it names,
/// so two people editing different lines, or the same line, merge.
pub struct PersonaEdit<'a> {
    pub map: &'a MapRef,
}

impl PersonaEdit<'_> {
    /// A header field, with the smallest text change.
    pub fn set_field(&self, txn: &mut TransactionMut, key: &str, text: &str) {
        edit_text_in(txn, self.map, key, text);
    }

    pub fn set_rank(&self, txn: &mut TransactionMut, rank: u8) {
        self.map.insert(txn, "rank", Any::from(rank as f64));
    }

    pub fn set_primary(&self, txn: &mut TransactionMut, primary: bool) {
        self.map.insert(txn, "primary", Any::from(primary));
    }

    /// What the card stands for (a key of [`KINDS`]; an unknown key is
    /// a persona). Its lines of the other kinds are kept.
    pub fn set_kind(&self, txn: &mut TransactionMut, key: &str) {
        self.map.insert(txn, "kind", Any::from(kind(key).key));
    }

    /// The card's photo (an image id; empty: none).
    pub fn set_photo(&self, txn: &mut TransactionMut, image: &str) {
        self.map.insert(txn, "photo", Any::from(image));
    }

    /// A buying-group member's mark as the most critical person.
    pub fn set_critical(&self, txn: &mut TransactionMut, critical: bool) {
        self.map.insert(txn, "critical", Any::from(critical));
    }

    /// Choice `key` of the card's kind set to `option` (`""`: none).
    pub fn set_choice(&self, txn: &mut TransactionMut, key: &str, option: &str) {
        self.map.insert(txn, key, Any::from(option));
    }

    fn lines(&self, txn: &mut TransactionMut, section: &str) -> ArrayRef {
        let sections = match self.map.get(txn, "sections") {
            Some(Out::YMap(m)) => m,
            _ => self.map.insert(txn, "sections", MapPrelim::default()),
        };
        match sections.get(txn, section) {
            Some(Out::YArray(a)) => a,
            _ => sections.insert(txn, section, ArrayPrelim::default()),
        }
    }

    fn line(&self, txn: &mut TransactionMut, section: &str, id: &str) -> Option<(u32, MapRef)> {
        let lines = self.lines(txn, section);
        lines
            .iter(txn)
            .enumerate()
            .find_map(|(i, line)| match line {
                Out::YMap(m) if matches!(m.get(txn, "id"), Some(Out::Any(Any::String(s))) if &*s == id) => {
                    Some((i as u32, m))
                }
                _ => None,
            })
    }

    pub fn add_line(&self, txn: &mut TransactionMut, section: &str, line: &Line) {
        let lines = self.lines(txn, section);
        push_line(txn, &lines, line);
    }

    /// `line` right after line `after` of `section` (at its end when there
    /// is no such line).
    pub fn add_line_after(
        &self,
        txn: &mut TransactionMut,
        section: &str,
        line: &Line,
        after: Option<&str>,
    ) {
        let Some((index, _)) = after.and_then(|a| self.line(txn, section, a)) else {
            return self.add_line(txn, section, line);
        };
        let lines = self.lines(txn, section);
        let map = lines.insert(txn, index + 1, MapPrelim::default());
        fill_line(txn, &map, line);
    }

    pub fn edit_line(&self, txn: &mut TransactionMut, section: &str, id: &str, text: &str) {
        if let Some((_, line)) = self.line(txn, section, id) {
            edit_text_in(txn, &line, "text", text);
        }
    }

    pub fn remove_line(&self, txn: &mut TransactionMut, section: &str, id: &str) {
        if let Some((index, _)) = self.line(txn, section, id) {
            self.lines(txn, section).remove(txn, index);
        }
    }

    /// Adds `notes` to what a line cites (each once).
    pub fn cite(&self, txn: &mut TransactionMut, section: &str, id: &str, notes: &[String]) {
        if let Some((_, line)) = self.line(txn, section, id) {
            add_ids(txn, &line, "cites", notes);
        }
    }

    pub fn uncite(&self, txn: &mut TransactionMut, section: &str, id: &str, note: &str) {
        if let Some((_, line)) = self.line(txn, section, id) {
            remove_id(txn, &line, "cites", note);
        }
    }
}

/// How well a line is supported: the notes it cites that still exist, and
/// how many different interviewees they come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Support {
    pub notes: usize,
    pub interviewees: usize,
}

impl Support {
    /// `sources`: the board's notes by id (a deleted note no longer counts).
    pub fn of(line: &Line, sources: &HashMap<String, Source>) -> Support {
        Support::of_notes(&line.cites, sources)
    }

    /// The support of any citation (a persona line, a journey cell).
    pub fn of_notes(cites: &[String], sources: &HashMap<String, Source>) -> Support {
        let cited: Vec<&Source> = cites
            .iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .filter_map(|id| sources.get(id))
            .collect();
        let interviewees: HashSet<&str> = cited
            .iter()
            .map(|s| s.interviewee.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        Support {
            notes: cited.len(),
            interviewees: interviewees.len(),
        }
    }

    /// "3 notes · 2 interviewees", or "No support".
    pub fn label(self) -> String {
        self.label_in(Lang::En)
    }

    /// [`Support::label`] in `lang` ("3 notes · 2 interviewés", "Aucun appui").
    pub fn label_in(self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        if self.notes == 0 {
            return if fr { "Aucun appui" } else { "No support" }.into();
        }
        // French: 0 and 1 are singular.
        let s = |n: usize| if n > 1 { "s" } else { "" };
        let mut label = format!("{} note{}", self.notes, s(self.notes));
        if self.interviewees > 0 {
            let who = if fr { "interviewé" } else { "interviewee" };
            label.push_str(&format!(
                " · {} {who}{}",
                self.interviewees,
                s(self.interviewees)
            ));
        }
        label
    }
}

/// Where each note is cited: note id → (the citing element's id, a label:
/// "Julie · Motivational" for a persona line, "Customer journey map ·
/// Purchase · Pain points" for a journey cell, "“Lost in the process”" (in
/// French « … ») for an item), labels in `lang`.
pub fn places<'a>(
    elements: impl IntoIterator<Item = &'a crate::Element>,
    lang: Lang,
) -> HashMap<String, Vec<(String, String)>> {
    let mut cited: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut add = |notes: &[String], id: &str, label: String| {
        for note in notes {
            cited
                .entry(note.clone())
                .or_default()
                .push((id.to_owned(), label.clone()));
        }
    };
    for e in elements {
        if !e.cites.is_empty() {
            let mut text: String = e.text.trim().chars().take(40).collect();
            if e.text.trim().chars().count() > 40 {
                text.push('…');
            }
            let quoted = match lang {
                Lang::En => format!("“{text}”"),
                Lang::Fr => format!("« {text} »"),
            };
            add(&e.cites, &e.id, quoted);
        }
        if let Some(p) = &e.persona {
            let name = if p.name.trim().is_empty() {
                "Persona"
            } else {
                p.name.trim()
            };
            for (key, names) in SECTIONS {
                for line in p.lines(key) {
                    add(
                        &line.cites,
                        &e.id,
                        format!("{name} · {}", title(names, lang)),
                    );
                }
            }
        }
        if let Some(j) = &e.journey {
            let map = title(("Customer journey map", "Parcours client"), lang);
            for stage in &j.stages {
                for lane in &j.lanes {
                    let cites = j.cited(&lane.id, &stage.id);
                    if !cites.is_empty() {
                        add(
                            cites,
                            &e.id,
                            format!("{map} · {} · {}", stage.name, lane.name),
                        );
                    }
                }
            }
        }
    }
    cited
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Transact};

    fn sample() -> Persona {
        let mut p = Persona {
            name: "Julie".into(),
            nickname: "the pragmatic".into(),
            role: "Young driver".into(),
            quote: "I want to know where my claim stands".into(),
            segment: "Young drivers, first claim".into(),
            objective: "Settle fast".into(),
            priority: "Get back on the road without a fight".into(),
            rank: 1,
            primary: true,
            sections: SECTIONS
                .iter()
                .map(|(k, _)| (k.to_string(), Vec::new()))
                .collect(),
            ..Persona::default()
        };
        p.sections[0].1.push(Line {
            id: "l1".into(),
            text: "25-30, lives in Lyon".into(),
            cites: vec!["n1".into()],
        });
        p
    }

    #[test]
    fn a_stakeholder_card_keeps_its_kind_choices_and_sections() {
        let mut card = Persona::blank_of("refractory");
        card.name = "Marc".into();
        card.choices = vec![
            ("case".into(), "slows".into()),
            ("since".into(), "former-ally".into()),
        ];
        let stance = card
            .sections
            .iter()
            .position(|(k, _)| k == "stance")
            .unwrap();
        card.sections[stance].1.push(Line {
            id: "s1".into(),
            text: "Q1 ally, Q3 refractory after the reorganisation".into(),
            cites: vec!["n9".into()],
        });
        let doc = Doc::new();
        let map = doc.get_or_insert_map("card");
        card.write(&mut doc.transact_mut(), &map);
        let read = Persona::read(&doc.transact(), &map);
        assert_eq!(read, card);
        assert!(!read.is_persona());
        assert_eq!(read.choice("since"), "former-ally");
        assert_eq!(read.choice("cause"), "");
        // JSON keeps all of it.
        let json = serde_json::to_string(&read).unwrap();
        assert_eq!(serde_json::from_str::<Persona>(&json).unwrap(), card);

        // An option the kind does not offer is not read; turning the card
        // into a buying-group member, and back, loses none of its lines.
        let edit = PersonaEdit { map: &map };
        edit.set_choice(&mut doc.transact_mut(), "cause", "<script>");
        assert_eq!(Persona::read(&doc.transact(), &map).choice("cause"), "");
        edit.set_kind(&mut doc.transact_mut(), "buyer");
        edit.set_critical(&mut doc.transact_mut(), true);
        let buyer = Persona::read(&doc.transact(), &map);
        assert_eq!(buyer.kind, "buyer");
        assert!(buyer.critical && buyer.choices.is_empty());
        assert_eq!(
            buyer
                .sections
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            ["needs", "channels"]
        );
        edit.set_kind(&mut doc.transact_mut(), "refractory");
        assert_eq!(
            Persona::read(&doc.transact(), &map).lines("stance"),
            card.lines("stance")
        );
        // An unknown kind is a persona.
        edit.set_kind(&mut doc.transact_mut(), "villain");
        assert!(Persona::read(&doc.transact(), &map).is_persona());
    }

    #[test]
    fn a_persona_round_trips_and_edits_merge() {
        let doc = Doc::with_options(yrs::Options {
            offset_kind: yrs::OffsetKind::Utf16,
            ..Default::default()
        });
        let elements = doc.get_or_insert_map("elements");
        let mut txn = doc.transact_mut();
        let map = elements.insert(&mut txn, "p", MapPrelim::default());
        let persona = sample();
        persona.write(&mut txn, &map);
        assert_eq!(Persona::read(&txn, &map), persona);

        let edit = PersonaEdit { map: &map };
        edit.set_field(&mut txn, "name", "Julie M.");
        edit.add_line(
            &mut txn,
            "motivational",
            &Line {
                id: "l2".into(),
                text: "Wants no surprises".into(),
                cites: vec![],
            },
        );
        edit.edit_line(&mut txn, "demographic", "l1", "25-30, lives near Lyon");
        edit.cite(
            &mut txn,
            "motivational",
            "l2",
            &["n2".into(), "n3".into(), "n2".into()],
        );
        edit.uncite(&mut txn, "motivational", "l2", "n3");
        edit.set_rank(&mut txn, 2);
        edit.set_field(&mut txn, "priority", "Get back on the road fast");
        edit.add_line(
            &mut txn,
            "irritants",
            &Line {
                id: "l3".into(),
                text: "Repeating her story to every advisor".into(),
                cites: vec!["n4".into()],
            },
        );
        let read = Persona::read(&txn, &map);
        assert_eq!(read.name, "Julie M.");
        assert_eq!(read.rank, 2);
        assert_eq!(read.priority, "Get back on the road fast");
        assert_eq!(read.segment, "Young drivers, first claim");
        assert_eq!(read.lines("irritants")[0].cites, ["n4"]);
        assert_eq!(read.lines("demographic")[0].text, "25-30, lives near Lyon");
        assert_eq!(read.lines("motivational")[0].cites, ["n2"]);
        edit.remove_line(&mut txn, "demographic", "l1");
        assert!(Persona::read(&txn, &map).lines("demographic").is_empty());
        // Missing or foreign keys read as empty, never fail.
        let bare = elements.insert(&mut txn, "q", MapPrelim::default());
        bare.insert(&mut txn, "sections", "garbage");
        let empty = Persona::read(&txn, &bare);
        assert_eq!(empty.sections.len(), SECTIONS.len());
        assert!(empty.sections.iter().all(|(_, l)| l.is_empty()));
    }

    #[test]
    fn citations_made_at_once_by_two_people_both_stay() {
        use yrs::updates::decoder::Decode;
        use yrs::{ReadTxn, Update};
        let a = Doc::new();
        {
            let elements = a.get_or_insert_map("elements");
            let mut txn = a.transact_mut();
            let map = elements.insert(&mut txn, "p", MapPrelim::default());
            sample().write(&mut txn, &map);
        }
        let b = Doc::new();
        let sync = |from: &Doc, to: &Doc| {
            let update = from
                .transact()
                .encode_state_as_update_v1(&to.transact().state_vector());
            to.transact_mut()
                .apply_update(Update::decode_v1(&update).unwrap())
                .unwrap();
        };
        sync(&a, &b);
        for (doc, note) in [(&a, "n2"), (&b, "n3")] {
            let elements = doc.get_or_insert_map("elements");
            let mut txn = doc.transact_mut();
            let Some(Out::YMap(map)) = elements.get(&txn, "p") else {
                panic!("no persona");
            };
            PersonaEdit { map: &map }.cite(&mut txn, "demographic", "l1", &[note.to_owned()]);
        }
        sync(&a, &b);
        sync(&b, &a);
        for doc in [&a, &b] {
            let elements = doc.get_or_insert_map("elements");
            let txn = doc.transact();
            let Some(Out::YMap(map)) = elements.get(&txn, "p") else {
                panic!("no persona");
            };
            let mut cites = Persona::read(&txn, &map).lines("demographic")[0]
                .cites
                .clone();
            cites.sort();
            assert_eq!(cites, ["n1", "n2", "n3"]);
        }
    }

    #[test]
    fn support_counts_notes_and_interviewees() {
        let source = |who: &str| Source {
            interviewee: who.into(),
            ..Source::default()
        };
        let sources: HashMap<String, Source> = [
            ("a".to_string(), source("C01")),
            ("b".to_string(), source("C01")),
            ("c".to_string(), source("C02")),
        ]
        .into();
        let line = |cites: &[&str]| Line {
            id: "l".into(),
            text: "x".into(),
            cites: cites.iter().map(|c| c.to_string()).collect(),
        };
        let s = Support::of(&line(&["a", "b", "c", "gone", "a"]), &sources);
        assert_eq!(
            s,
            Support {
                notes: 3,
                interviewees: 2
            }
        );
        assert_eq!(s.label(), "3 notes · 2 interviewees");
        assert_eq!(Support::of(&line(&[]), &sources).label(), "No support");
        assert_eq!(s.label_in(Lang::Fr), "3 notes · 2 interviewés");
        assert_eq!(Support::of(&line(&["gone"]), &sources).notes, 0);
        let mut card = crate::Element::new("p1", crate::Kind::Persona, 0.0, 0.0);
        card.persona = Some(Box::new(sample()));
        let mut item = crate::Element::new("s1", crate::Kind::Note, 0.0, 0.0);
        item.text = "Lost in the process".into();
        item.cites = vec!["n1".into()];
        let cited = places([&card, &item], Lang::Fr);
        assert_eq!(
            cited["n1"],
            [
                ("p1".into(), "Julie · Démographique".into()),
                ("s1".into(), "« Lost in the process »".into())
            ]
        );
    }

    #[test]
    fn a_persona_from_before_keeps_its_rank_and_gains_the_outputs() {
        // Before: the rank under `priority`, six sections.
        let doc = Doc::new();
        let elements = doc.get_or_insert_map("elements");
        let mut txn = doc.transact_mut();
        let map = elements.insert(&mut txn, "p", MapPrelim::default());
        map.insert(&mut txn, "name", TextPrelim::new("Karim"));
        map.insert(&mut txn, "priority", Any::from(2.0));
        let read = Persona::read(&txn, &map);
        assert_eq!((read.rank, read.priority.as_str()), (2, ""));
        assert_eq!(read.sections.len(), SECTIONS.len());
        assert!(OUTPUTS.iter().all(|o| read.lines(o).is_empty()));

        // An export from before, and one from now.
        let old: Persona =
            serde_json::from_str(r#"{"name":"Karim","priority":3,"primary":false}"#).unwrap();
        assert_eq!((old.rank, old.priority.as_str()), (3, ""));
        let now = serde_json::to_string(&sample()).unwrap();
        assert_eq!(serde_json::from_str::<Persona>(&now).unwrap(), sample());
    }
}
