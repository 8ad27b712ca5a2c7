//! The report: what a workshop found, as Markdown a consultant pastes
//! into a deck, and as the printable page the server makes of it
//! ([`Extras`]: the vote ranking, and where each persona card's and
//! journey map's picture goes).

use std::collections::HashMap;

use super::Content;
use crate::Source;
use crate::analysis::{NOT_EVERY_NEED, TagCounts};
use crate::element::{Element, Kind};
use crate::journey::compare::{self, Change};
use crate::journey::measure_label;
use crate::kano;
use crate::lang::Lang;
use crate::persona::{self, KINDS, Persona, SECTIONS, Support, title};
use crate::tracker;

/// What the report holds beyond the board's document.
#[derive(Default)]
pub struct Extras<'a> {
    /// The last dot vote's results, most voted first: (element id, votes).
    pub votes: &'a [(String, u32)],
    /// Whether to mark where each persona card's and journey map's picture
    /// goes: a line `<!--figure:ID-->` under its heading, which the
    /// printable page replaces with the picture (a Markdown reader shows
    /// nothing of it); and a line `<!--pair:CURRENT:TARGET-->` where a
    /// target journey is compared with the current one, which it replaces
    /// with both maps side by side.
    pub figures: bool,
}

/// The report without extras: see [`report`].
pub fn markdown(content: &Content) -> String {
    report(content, &Extras::default())
}

/// The personas, then the journey maps, the vote ranking, the clusters'
/// need profiles and each zoned template's zones with their notes, as
/// Markdown; every persona line with its support and the codes of the
/// interviewees behind it, unsupported lines marked.
pub fn report(content: &Content, extras: &Extras) -> String {
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
    for (e, p) in &personas {
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
        out.push_str(&figure(extras, e));
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
        out.push_str(&card_sections(p, &SECTIONS, lang, &notes, &sources));
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
        out.push_str(&format!("\n## {heading} ({variant})\n"));
        out.push_str(&figure(extras, e));
        out.push('\n');
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
    out.push_str(&comparisons(content, lang, extras));
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
    out.push_str(&ranking(content, extras.votes, lang));
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
    out.push_str(&interviews(content, lang));
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
    // The stakeholder cards follow the stakeholder map, or stand where it
    // would.
    let mut cards = Some(stakeholders(content, extras, &notes, &sources));
    for map in zoned {
        if ZONED.iter().position(|z| *z == map.zone) > Some(2) {
            out.push_str(&cards.take().unwrap_or_default());
        }
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
            let items = |inside: &[&Element]| {
                let mut out = String::new();
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
                out
            };
            // Kano's plane: each expectation in the class where it sits.
            if zone.zone == kano::PLANE {
                out.push_str(&format!(
                    "\n_{}_\n",
                    title(
                        (
                            "Each expectation in the class of the curve nearest to where it was placed.",
                            "Chaque attente dans la classe de la courbe la plus proche de là où elle a été placée.",
                        ),
                        lang
                    )
                ));
                for class in kano::CLASSES {
                    let of: Vec<&Element> = inside
                        .iter()
                        .copied()
                        .filter(|n| kano::classify(zone.rect(), n.rect()) == class)
                        .collect();
                    if !of.is_empty() {
                        let (name, about) = (class.name(lang), class.about(lang));
                        out.push_str(&format!("\n### {name}\n\n_{about}_\n\n{}", items(&of)));
                    }
                }
                continue;
            }
            out.push_str(&format!("\n### {}\n\n{}", md(&zone.text), items(&inside)));
        }
    }
    out.push_str(&cards.take().unwrap_or_default());
    out
}

/// Each target journey map against the current one (the first on the
/// board): what changes, stage by stage; nothing without both.
fn comparisons(content: &Content, lang: Lang, extras: &Extras) -> String {
    let maps = || {
        content
            .elements
            .iter()
            .filter_map(|e| Some((e, e.journey.as_deref()?)))
    };
    let Some((current_element, current)) = maps().find(|(_, j)| j.variant != "target") else {
        return String::new();
    };
    let mut out = String::new();
    for (target_element, target) in maps().filter(|(_, j)| j.variant == "target") {
        out.push_str(&format!(
            "\n## {}\n\n",
            title(
                (
                    "From the current journey to the target",
                    "Du parcours actuel au parcours cible"
                ),
                lang
            )
        ));
        let (a, b) = (
            figure(extras, current_element),
            figure(extras, target_element),
        );
        if !a.is_empty() && !b.is_empty() {
            out.push_str(&format!(
                "<!--pair:{}:{}-->\n\n{}\n\n",
                current_element.id,
                target_element.id,
                title(
                    (
                        "_Outlined in blue in both maps: the cells that change._",
                        "_Encadrées en bleu dans les deux parcours : les cases qui changent._"
                    ),
                    lang
                )
            ));
        }
        let changes = compare::changes(current, target);
        if changes.is_empty() {
            out.push_str(title(
                ("_No difference._\n", "_Aucune différence._\n"),
                lang,
            ));
        }
        let text = |t: &str| {
            let t = t
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(md)
                .collect::<Vec<_>>()
                .join(" · ");
            if t.is_empty() { "—".to_owned() } else { t }
        };
        let figure =
            |f: Option<(&str, f64)>| f.map_or("—".to_owned(), |(m, v)| measure_label(m, v));
        for change in changes {
            out.push_str(&match change {
                Change::Stage { name, added } => format!(
                    "- **{}**: {}\n",
                    md(name),
                    match (added, lang) {
                        (true, Lang::En) => "a new stage",
                        (true, Lang::Fr) => "une nouvelle étape",
                        (false, Lang::En) => "the stage is dropped",
                        (false, Lang::Fr) => "l'étape disparaît",
                    }
                ),
                Change::Cell {
                    stage,
                    lane,
                    from,
                    to,
                } => format!(
                    "- **{}** · {}: {} → {}\n",
                    md(stage),
                    md(lane),
                    text(from),
                    text(to)
                ),
                Change::Figure { stage, from, to } => {
                    format!("- **{}**: {} → {}\n", md(stage), figure(from), figure(to))
                }
            });
        }
    }
    out
}

/// The interview tracker: each interviewer's interviews in order, how
/// each was run, who was met and how many notes it produced; nothing
/// without notes that name their interview.
fn interviews(content: &Content, lang: Lang) -> String {
    let all = tracker::tracker(&content.elements, &content.interviews);
    if all.is_empty() {
        return String::new();
    }
    let mut out = format!("\n## {}\n", title(("Interviews", "Entretiens"), lang));
    for interviewer in all {
        let name = if interviewer.name.is_empty() {
            title(("Interviewer not named", "Enquêteur non nommé"), lang).to_owned()
        } else {
            md(&interviewer.name)
        };
        out.push_str(&format!("\n### {name}\n\n"));
        for (i, interview) in interviewer.interviews.iter().enumerate() {
            let who = interview
                .interviewees
                .iter()
                .map(|w| md(w))
                .collect::<Vec<_>>()
                .join(", ");
            let how = tracker::mode_name(interview.mode, lang);
            let n = interview.notes.len();
            out.push_str(&format!(
                "{}. {} — {who} — {how} — {n} note{}\n",
                i + 1,
                md(&interview.id),
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    out
}

/// Where the printable page puts `e`'s picture (see [`Extras::figures`]).
fn figure(extras: &Extras, e: &Element) -> String {
    let plain =
        e.id.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if extras.figures && plain && !e.id.is_empty() {
        format!("\n<!--figure:{}-->\n", e.id)
    } else {
        String::new()
    }
}

/// The vote's results as a ranked list (what is still on the board), most
/// voted first; nothing without a vote.
fn ranking(content: &Content, votes: &[(String, u32)], lang: Lang) -> String {
    let by_id: HashMap<&str, &Element> = content
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut rows = String::new();
    for (rank, (e, n)) in votes
        .iter()
        .filter_map(|(id, n)| Some((*by_id.get(id.as_str())?, *n)))
        .enumerate()
    {
        let what = match (&e.kind, &e.persona) {
            (Kind::Note, _) => said(e),
            (_, Some(p)) => md(&p.name),
            _ => md(&e.text),
        };
        let what = if what.is_empty() {
            title(("(untitled)", "(sans titre)"), lang).to_owned()
        } else {
            what
        };
        let votes = match (lang, n) {
            (Lang::En, 1) => "1 vote".to_owned(),
            (Lang::En, n) => format!("{n} votes"),
            (Lang::Fr, 1) => "1 voix".to_owned(),
            (Lang::Fr, n) => format!("{n} voix"),
        };
        rows.push_str(&format!("{}. {what} — **{votes}**\n", rank + 1));
    }
    if rows.is_empty() {
        return rows;
    }
    let heading = title(("Vote ranking", "Classement du vote"), lang);
    format!("\n## {heading}\n\n{rows}")
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
/// A card's sections that hold lines, each line with its evidence and the
/// verbatims under it.
fn card_sections(
    p: &Persona,
    sections: &[(&str, (&'static str, &'static str))],
    lang: Lang,
    notes: &HashMap<&str, &Element>,
    sources: &HashMap<String, Source>,
) -> String {
    let fr = lang == Lang::Fr;
    let mut out = String::new();
    for &(key, names) in sections {
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
            let evidence = evidence(&line.cites, notes, sources, fr);
            out.push_str(&format!("- {}{evidence}\n", md(&line.text)));
            // What the interviewees said, under the line it backs.
            out.push_str(&quotes(&line.cites, notes, fr));
        }
    }
    out
}

/// The stakeholder cards (decision-maker, allies, refractories, the
/// buying group, in that order), each with its kind, its choices, its
/// quote and its sections; `""` when the board has none filled in.
fn stakeholders(
    content: &Content,
    extras: &Extras,
    notes: &HashMap<&str, &Element>,
    sources: &HashMap<String, Source>,
) -> String {
    let lang = content.lang();
    let mut cards: Vec<(&Element, &Persona)> = content
        .cards()
        .filter(|(_, p)| !p.is_persona() && !is_blank(p))
        .collect();
    cards.sort_by_key(|(e, p)| {
        let order = KINDS.iter().position(|k| k.key == p.kind);
        (order, !p.critical, e.x as i64)
    });
    if cards.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n## {}\n",
        title(("Stakeholders", "Parties prenantes"), lang)
    );
    for (e, p) in cards {
        let kind = persona::kind(&p.kind);
        let name = if p.name.trim().is_empty() {
            title(kind.name, lang).to_owned()
        } else {
            format!("{} — {}", md(&p.name), title(kind.name, lang))
        };
        out.push_str(&format!("\n### {name}\n"));
        out.push_str(&figure(extras, e));
        let mut tags = Vec::new();
        if !p.role.trim().is_empty() {
            tags.push(md(&p.role));
        }
        for choice in kind.choices {
            let chosen = p.choice(choice.key);
            if let Some((_, said)) = choice.options.iter().find(|(o, _)| *o == chosen) {
                tags.push(format!(
                    "{}: {}",
                    title(choice.name, lang),
                    title(*said, lang)
                ));
            }
        }
        if p.critical {
            tags.push(
                title(
                    ("the most critical person", "la personne la plus critique"),
                    lang,
                )
                .to_owned(),
            );
        }
        if !tags.is_empty() {
            out.push_str(&format!("\n*{}*\n", tags.join(" · ")));
        }
        if !p.quote.trim().is_empty() {
            out.push_str(&format!("\n> {}\n", md(&p.quote)));
        }
        out.push_str(&card_sections(p, kind.sections, lang, notes, sources));
    }
    out
}

fn is_blank(p: &Persona) -> bool {
    [&p.name, &p.nickname, &p.role, &p.quote, &p.objective]
        .iter()
        .all(|f| f.trim().is_empty())
        && p.choices.is_empty()
        && p.photo.is_empty()
        && !p.critical
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Board;
    use crate::export::tests::board;
    use yrs::{Doc, Transact};

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
            5,
            "Julie, Persona 1, the moments of truth, the interviewer, Says: {md}"
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
            for template in ["kano", "framing", "stakeholder-map", "interview-guide"] {
                let place = crate::templates::Placement {
                    at: (0.0, y),
                    ..crate::templates::Placement::origin(Lang::En)
                };
                let mut built = crate::templates::build(template, &place, || {
                    n += 1;
                    format!("{template}-{n}")
                })
                .unwrap();
                y += 3000.0;
                // The stakeholder map's cards, two of the three filled in.
                for e in &mut built {
                    let Some(p) = e.persona.as_mut() else {
                        continue;
                    };
                    let line = |text: &str| crate::persona::Line {
                        id: text.into(),
                        text: text.into(),
                        cites: Vec::new(),
                    };
                    let mut lines = |key: &str, text: &str| {
                        let at = p.sections.iter().position(|(k, _)| k == key).unwrap();
                        p.sections[at].1.push(line(text));
                    };
                    match p.kind.as_str() {
                        "decision-maker" => {
                            lines("strengths", "Knows the claims process by heart");
                            lines("gains", "A lower cost per claim");
                            p.name = "Claire Martin".into();
                        }
                        "refractory" => {
                            lines("reassurance", "Show the pilot's workload figures");
                            p.name = "Marc".into();
                            p.choices = vec![
                                ("case".into(), "slows".into()),
                                ("cause".into(), "workload".into()),
                            ];
                        }
                        _ => {}
                    }
                }
                for e in &built {
                    board.elements().insert(&mut txn, e);
                }
                // Where each note sits in its zone (the Kano plane's class
                // follows from it: up-left delights, down-right is basic).
                for (zone, text, (u, v)) in [
                    ("kano/plane", "Photos of the repair, live", (0.1, 0.1)),
                    ("kano/plane", "The car is repaired", (0.9, 0.55)),
                    ("framing/problem", "Claims take three weeks", (0.1, 0.1)),
                    (
                        "interview-guide/questions",
                        "Tell me about your last claim",
                        (0.1, 0.1),
                    ),
                ] {
                    if let Some(z) = built.iter().find(|e| e.zone == zone) {
                        let mut note = Element::new(
                            format!("{zone}-{text}"),
                            Kind::Note,
                            z.x + u * z.w - 80.0,
                            z.y + v * z.h - 80.0,
                        );
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
        assert!(at("## Interview guide") < at("## Stakeholder map"), "{md}");
        // The stakeholder cards follow their map; the blank ally is left out.
        assert!(at("## Stakeholder map") < at("## Stakeholders"), "{md}");
        assert!(at("## Stakeholders") < at("## Kano board"), "{md}");
        assert!(
            md.contains(
                "### Claire Martin — Decision-maker\n\n#### Strengths\n\n- Knows the claims process by heart"
            ),
            "{md}"
        );
        assert!(
            md.contains("#### What they expect to gain\n\n- A lower cost per claim"),
            "{md}"
        );
        assert!(
            md.contains(
                "### Marc — Refractory\n\n*Case: Wants to slow the project · Cause: Workload*"
            ),
            "{md}"
        );
        assert!(at("Claire Martin") < at("### Marc"), "{md}");
        assert!(!md.contains("— Ally"), "{md}");
        assert!(
            md.contains("### The problem\n\n- Claims take three weeks"),
            "{md}"
        );
        assert!(
            md.contains("### Open questions\n\n- Tell me about your last claim"),
            "{md}"
        );
        assert!(
            md.contains(
                "### Basic\n\n_must-be: expected, noticed only when missing_\n\n- The car is repaired"
            ),
            "{md}"
        );
        assert!(
            md.contains("### Attractive\n\n_delighters: the wow nobody asked for_\n\n- Photos of the repair, live"),
            "{md}"
        );
        assert!(at("### Basic") < at("### Attractive"), "{md}");
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
    fn the_report_ranks_what_was_voted_on_and_marks_where_pictures_go() {
        let (doc, board) = board();
        let content = Content::read(&board, &doc.transact());
        let persona = content.personas()[0].0.id.clone();
        let votes = [
            ("n1".to_owned(), 3),
            ("gone".to_owned(), 2),
            ("n0".to_owned(), 1),
        ];
        let md = report(
            &content,
            &Extras {
                votes: &votes,
                figures: true,
            },
        );
        // Most voted first; what left the board is left out.
        let ranking = &md[md.find("## Vote ranking").expect(&md)..];
        assert!(
            ranking.contains(
                "1. « Nobody calls back » (C02 · E01) — **3 votes**\n\
                 2. « Where is my file? » (C01 · E00) — **1 vote**\n"
            ),
            "{md}"
        );
        assert!(md.contains(&format!("\n<!--figure:{persona}-->\n")), "{md}");
        // The Markdown download has neither.
        let plain = markdown(&content);
        assert!(!plain.contains("<!--figure") && !plain.contains("Vote ranking"));
    }

    #[test]
    fn the_report_says_what_changes_from_the_current_journey_to_the_target() {
        let (doc, board) = board();
        let mut content = Content::read(&board, &doc.transact());
        let mut target = content
            .elements
            .iter()
            .find(|e| e.journey.is_some())
            .unwrap()
            .clone();
        target.id = "t".into();
        let map = target.journey.as_mut().unwrap();
        map.variant = "target".into();
        map.cells
            .insert("actions:s1".into(), "Compares online".into());
        map.measures.insert("s2".into(), 10.0);
        let (s1, s2, actions) = (
            map.stages[0].name.clone(),
            map.stages[1].name.clone(),
            map.lanes[0].name.clone(),
        );
        let current = content
            .elements
            .iter()
            .find(|e| e.journey.is_some())
            .unwrap()
            .id
            .clone();
        content.elements.push(target);
        let md = markdown(&content);
        let list = format!(
            "- **{s1}** · {actions}: Compares \\| quotes → Compares online\n\
             - **{s2}**: NPS -18 → NPS +10\n"
        );
        assert!(
            md.contains(&format!(
                "## From the current journey to the target\n\n{list}"
            )),
            "{md}"
        );
        // The printable page draws both maps side by side above the list.
        let printable = report(
            &content,
            &Extras {
                votes: &[],
                figures: true,
            },
        );
        assert!(
            printable.contains(&format!(
                "## From the current journey to the target\n\n<!--pair:{current}:t-->\n\n\
                 _Outlined in blue in both maps: the cells that change._\n\n{list}"
            )),
            "{printable}"
        );
    }

    #[test]
    fn the_report_tracks_each_interviewer_s_interviews() {
        let (doc, board) = board();
        crate::tracker::set_mode(&mut doc.transact_mut(), board.interviews(), "E01", "alone");
        let md = markdown(&Content::read(&board, &doc.transact()));
        assert!(
            md.contains(
                "## Interviews\n\n### Interviewer not named\n\n\
                 1. E00 — C01 — Listened (expert) — 1 note\n\
                 2. E01 — C02 — Alone — 1 note\n"
            ),
            "{md}"
        );
    }
}
