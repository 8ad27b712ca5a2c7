//! Board templates of the CX method, in English and French: frames whose
//! zones take in the notes dropped into them (a zone is a frame with a
//! `zone` key naming it), with a line of guidance in each zone.
//!
//! A template is built as plain [`Element`]s: the server writes them into
//! a new board, the browser inserts them into an open one.

use crate::element::{Element, Kind, Rect};
pub use crate::lang::Lang;

/// A text in both languages.
type Said = (&'static str, &'static str);

fn say(lang: Lang, (en, fr): Said) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// A template as the pickers list it.
#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    /// Its name in URLs and the `template` of a board's `meta`.
    pub id: &'static str,
    pub name: Said,
    pub about: Said,
}

pub static TEMPLATES: [Template; 8] = [
    Template {
        id: "framing",
        name: ("Framing canvas", "Cadrage"),
        about: (
            "The problem, goals, constraints, what the personas are for, the priority questions and the sample",
            "Le problème, les objectifs, les contraintes, l'usage des personas, les questions prioritaires et l'échantillon",
        ),
    },
    Template {
        id: "interview-guide",
        name: ("Interview guide", "Guide d'entretien"),
        about: (
            "Opening, themes, open questions, follow-up questions and closing",
            "Introduction, thèmes, questions ouvertes, relances et conclusion",
        ),
    },
    Template {
        id: "empathy-map",
        name: ("Empathy map", "Carte d'empathie"),
        about: (
            "Says, thinks, does, feels, pains and gains of one persona or segment",
            "Ce que dit, pense, fait et ressent un persona, ses irritants et ses gains",
        ),
    },
    Template {
        id: "stakeholder-map",
        name: ("Stakeholder map", "Carte des parties prenantes"),
        about: (
            "Decision-maker, ally, refractory and the buying group's roles",
            "Décideur, allié, réfractaire et les rôles du groupe d'achat",
        ),
    },
    Template {
        id: "kano",
        name: ("Kano board", "Diagramme de Kano"),
        about: (
            "Expectations sorted into basic, performance and attractive",
            "Les attentes classées en basiques, de performance et attractives",
        ),
    },
    Template {
        id: "affinity",
        name: ("Affinity diagram", "Diagramme des attentes"),
        about: (
            "Notes clustered into named groups",
            "Les notes regroupées par thème",
        ),
    },
    Template {
        id: "personas",
        name: ("Personas", "Personas"),
        about: (
            "Three blank persona cards side by side, to draft from the top clusters",
            "Trois fiches persona vierges côte à côte, à rédiger à partir des principaux regroupements",
        ),
    },
    Template {
        id: "journey-map",
        name: ("Customer journey map", "Parcours client"),
        about: (
            "Stages by lanes, the emotion curve and the moments of truth",
            "Étapes et couloirs, courbe des émotions et moments de vérité",
        ),
    },
];

/// The templates made of cards (persona cards, a journey map) rather than
/// zones: the board's tool bar inserts their cards one by one.
pub const CARDS: [&str; 2] = ["personas", "journey-map"];

/// The stakeholder map's zones that hold a stakeholder card of their kind.
const STAKEHOLDER_CARDS: [&str; 3] = ["decision-maker", "ally", "refractory"];

/// Persona cards in the `personas` template: how many, their gap.
const PERSONAS: usize = 3;
const PERSONA_GAP: f64 = 60.0;

/// The template named `id` (not `blank`).
pub fn find(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

/// A zone: its key, title and guidance, and where it sits in the template
/// (relative to the template's top-left corner).
struct Zone {
    key: &'static str,
    title: Said,
    hint: Said,
    rect: Rect,
    color: &'static str,
}

fn rect(x: f64, y: f64, w: f64, h: f64) -> Rect {
    Rect { x, y, w, h }
}

const PAPER: &str = "#fbfaf7";

/// Zones side by side: `w` × `h`, from x = 40, `step` apart, at `y`.
fn in_a_row(
    zones: impl IntoIterator<Item = (&'static str, Said, Said, &'static str)>,
    y: f64,
    step: f64,
    w: f64,
    h: f64,
) -> Vec<Zone> {
    zones
        .into_iter()
        .enumerate()
        .map(|(i, (key, title, hint, color))| Zone {
            key,
            title,
            hint,
            rect: rect(40.0 + i as f64 * step, y, w, h),
            color,
        })
        .collect()
}

fn zones(id: &str) -> Option<(Rect, Vec<Zone>)> {
    let zone = |key, title, hint, rect, color| Zone {
        key,
        title,
        hint,
        rect,
        color,
    };
    Some(match id {
        "framing" => {
            let zones: [(&str, Said, Said, &str); 6] = [
                (
                    "problem",
                    ("The problem", "Le problème"),
                    (
                        "What question must the personas answer? For whom, and why now?",
                        "À quelle question les personas doivent-ils répondre ? Pour qui, et pourquoi maintenant ?",
                    ),
                    "#fdecef",
                ),
                (
                    "goals",
                    ("Goals", "Objectifs"),
                    (
                        "What the project must achieve, and how we will know",
                        "Ce que le projet doit atteindre, et comment nous le saurons",
                    ),
                    "#eaf7e1",
                ),
                (
                    "constraints",
                    ("Constraints", "Contraintes"),
                    (
                        "Time, budget, people, data, rules (GDPR)",
                        "Délais, budget, équipes, données, règles (RGPD)",
                    ),
                    "#f3f0ea",
                ),
                (
                    "uses",
                    ("What the personas are for", "À quoi serviront les personas"),
                    (
                        "Who will use them, in which decisions (offers, journeys, training…)",
                        "Qui s'en servira, pour quelles décisions (offres, parcours, formation…)",
                    ),
                    "#e8f1fd",
                ),
                (
                    "questions",
                    ("Priority questions", "Questions prioritaires"),
                    (
                        "What we most need to learn from the customers",
                        "Ce que nous avons le plus besoin d'apprendre des clients",
                    ),
                    "#fff6d6",
                ),
                (
                    "sample",
                    (
                        "The sample and its criteria",
                        "L'échantillon et ses critères",
                    ),
                    (
                        "Whom to interview, how many, chosen how (segments, seniority, channel)",
                        "Qui interroger, combien, choisis comment (segments, ancienneté, canal)",
                    ),
                    "#f1eafc",
                ),
            ];
            let zones = zones
                .into_iter()
                .enumerate()
                .map(|(i, (key, title, hint, color))| {
                    let (col, row) = ((i % 3) as f64, (i / 3) as f64);
                    zone(
                        key,
                        title,
                        hint,
                        rect(40.0 + col * 600.0, 40.0 + row * 480.0, 560.0, 440.0),
                        color,
                    )
                })
                .collect();
            (rect(0.0, 0.0, 1880.0, 1000.0), zones)
        }
        "interview-guide" => {
            let steps: [(&str, Said, Said, &str); 5] = [
                (
                    "opening",
                    ("Opening", "Introduction"),
                    (
                        "Who we are, why we are listening, how long; consent to take notes",
                        "Qui nous sommes, pourquoi nous écoutons, combien de temps ; accord pour la prise de notes",
                    ),
                    "#f3f0ea",
                ),
                (
                    "themes",
                    ("Themes", "Thèmes"),
                    (
                        "The themes to explore, in the order of the conversation",
                        "Les thèmes à explorer, dans l'ordre de l'échange",
                    ),
                    "#e8f1fd",
                ),
                (
                    "questions",
                    ("Open questions", "Questions ouvertes"),
                    (
                        "One note a question: “Tell me about the last time…”",
                        "Une note par question : « Racontez-moi la dernière fois que… »",
                    ),
                    "#eaf7e1",
                ),
                (
                    "follow-ups",
                    ("Follow-up questions", "Relances"),
                    (
                        "To go deeper: “Why?”, “What did you feel?”, “And then?”",
                        "Pour approfondir : « Pourquoi ? », « Qu'avez-vous ressenti ? », « Et ensuite ? »",
                    ),
                    "#fff6d6",
                ),
                (
                    "closing",
                    ("Closing", "Conclusion"),
                    (
                        "What else should we know? Thanks, and what happens next",
                        "Que devrions-nous savoir d'autre ? Remerciements et suite",
                    ),
                    "#f3f0ea",
                ),
            ];
            (
                rect(0.0, 0.0, 2000.0, 900.0),
                in_a_row(steps, 40.0, 384.0, 360.0, 820.0),
            )
        }
        "empathy-map" => (
            rect(0.0, 0.0, 1640.0, 1420.0),
            vec![
                zone(
                    "says",
                    ("Says", "Dit"),
                    (
                        "What do they say out loud? Verbatims here.",
                        "Qu'est-ce qu'il dit ? Les verbatims ici.",
                    ),
                    rect(40.0, 200.0, 760.0, 420.0),
                    PAPER,
                ),
                zone(
                    "thinks",
                    ("Thinks", "Pense"),
                    (
                        "What goes through their mind, and what they keep to themselves?",
                        "Ce qui lui passe par la tête, et qu'il garde pour lui ?",
                    ),
                    rect(840.0, 200.0, 760.0, 420.0),
                    PAPER,
                ),
                zone(
                    "does",
                    ("Does", "Fait"),
                    (
                        "What do they do? What did you see?",
                        "Que fait-il ? Qu'avez-vous observé ?",
                    ),
                    rect(40.0, 660.0, 760.0, 420.0),
                    PAPER,
                ),
                zone(
                    "feels",
                    ("Feels", "Ressent"),
                    (
                        "What do they feel? Worries, pride, relief…",
                        "Que ressent-il ? Inquiétudes, fierté, soulagement…",
                    ),
                    rect(840.0, 660.0, 760.0, 420.0),
                    PAPER,
                ),
                zone(
                    "pains",
                    ("Pains", "Irritants"),
                    (
                        "Fears, frustrations, obstacles",
                        "Peurs, frustrations, obstacles",
                    ),
                    rect(40.0, 1120.0, 760.0, 260.0),
                    "#fdecef",
                ),
                zone(
                    "gains",
                    ("Gains", "Gains"),
                    (
                        "Wants, needs, measures of success",
                        "Envies, besoins, ce qui serait une réussite",
                    ),
                    rect(840.0, 1120.0, 760.0, 260.0),
                    "#eaf7e1",
                ),
            ],
        ),
        // One plane, the two axes and the three curves drawn on it (see
        // `kano.rs`); labels added by `build`.
        "kano" => (
            rect(0.0, 0.0, 1960.0, 1240.0),
            vec![zone(
                "plane",
                ("Fulfilment × satisfaction", "Réalisation × satisfaction"),
                (
                    "Place each expectation: further right when better fulfilled, higher when it satisfies more. It takes the class of the nearest curve.",
                    "Placez chaque attente : plus à droite si elle est mieux réalisée, plus haut si elle satisfait davantage. Elle prend la classe de la courbe la plus proche.",
                ),
                rect(40.0, 60.0, 1880.0, 1140.0),
                PAPER,
            )],
        ),
        "affinity" => (
            rect(0.0, 0.0, 1880.0, 1280.0),
            (0..6)
                .map(|i| {
                    let (col, row) = ((i % 3) as f64, (i / 3) as f64);
                    let title: Said = [
                        ("Theme 1", "Thème 1"),
                        ("Theme 2", "Thème 2"),
                        ("Theme 3", "Thème 3"),
                        ("Theme 4", "Thème 4"),
                        ("Theme 5", "Thème 5"),
                        ("Theme 6", "Thème 6"),
                    ][i];
                    zone(
                        "group",
                        title,
                        (
                            "Rename the theme; drop the notes that belong together",
                            "Renommez le thème ; déposez les notes qui vont ensemble",
                        ),
                        rect(40.0 + col * 600.0, 40.0 + row * 620.0, 560.0, 580.0),
                        PAPER,
                    )
                })
                .collect(),
        ),
        "stakeholder-map" => {
            let top = [
                (
                    "decision-maker",
                    ("Decision-maker", "Décideur"),
                    (
                        "Who decides, and on what grounds?",
                        "Qui décide, et sur quels critères ?",
                    ),
                    "#e8f1fd",
                ),
                (
                    "ally",
                    ("Ally", "Allié"),
                    (
                        "Who is on our side, and why?",
                        "Qui nous soutient, et pourquoi ?",
                    ),
                    "#eaf7e1",
                ),
                (
                    "refractory",
                    ("Refractory", "Réfractaire"),
                    (
                        "Who resists, and what do they fear?",
                        "Qui résiste, et que craint-il ?",
                    ),
                    "#fdecef",
                ),
            ];
            // The buying group's roles, as a buying-group member's card
            // offers them.
            let roles = crate::persona::kind("buyer").choices[0].options;
            let mut zones = in_a_row(top, 40.0, 600.0, 560.0, 780.0);
            zones.extend(roles.iter().enumerate().map(|(i, &(key, title))| {
                zone(
                    key,
                    title,
                    ("Buying group role", "Rôle dans le groupe d'achat"),
                    rect(40.0 + i as f64 * 286.0, 900.0, 260.0, 360.0),
                    PAPER,
                )
            }));
            (rect(0.0, 0.0, 1800.0, 1300.0), zones)
        }
        _ => return None,
    })
}

/// Where a template is put and whose it is.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// The language of its titles and hints.
    pub lang: Lang,
    /// Its top-left corner on the board.
    pub at: (f64, f64),
    /// Its elements are stacked from this z up.
    pub z: f64,
    pub author: &'a str,
    /// When, in ms since the Unix epoch.
    pub created: i64,
}

impl Placement<'static> {
    /// At the board's origin, at the bottom of the stack, nobody's: a new
    /// board's template.
    pub fn origin(lang: Lang) -> Placement<'static> {
        Placement {
            lang,
            at: (0.0, 0.0),
            z: 0.0,
            author: "",
            created: 0,
        }
    }
}

/// The Kano plane's labels: its axes' ends and its curves (placed beside
/// the curves `kano.rs` draws), in their colours.
const KANO_LABELS: [(Said, (f64, f64, f64), &str); 7] = [
    (("Delighted", "Enchanté"), (992.0, 124.0, 300.0), "#5b6272"),
    (
        ("Dissatisfied", "Mécontent"),
        (992.0, 1150.0, 300.0),
        "#5b6272",
    ),
    (
        ("Not fulfilled", "Non réalisé"),
        (56.0, 640.0, 260.0),
        "#5b6272",
    ),
    (
        ("Fully fulfilled", "Pleinement réalisé"),
        (1644.0, 640.0, 260.0),
        "#5b6272",
    ),
    (
        ("Attractive", "Attractifs"),
        (1100.0, 300.0, 300.0),
        "#b86e00",
    ),
    (
        ("Performance", "Performance"),
        (1450.0, 420.0, 300.0),
        "#2a6fdb",
    ),
    (("Basic", "Basiques"), (1480.0, 700.0, 300.0), "#7a4f9a"),
];

/// The elements of template `id`, placed as `place` says; `id_of` makes
/// element ids. The first element is the template's outer frame. `None`
/// for an unknown template.
pub fn build(
    id: &str,
    place: &Placement,
    mut id_of: impl FnMut() -> String,
) -> Option<Vec<Element>> {
    let Placement {
        lang,
        at,
        z,
        author,
        created,
    } = *place;
    let template = find(id)?;
    if CARDS.contains(&id) {
        return Some(cards(id, lang, at, z, author, created, id_of));
    }
    let (outer, zones) = zones(id)?;
    let mut elements = Vec::new();
    let mut push = |mut e: Element, rect: Rect| {
        e.x = at.0 + rect.x;
        e.y = at.1 + rect.y;
        e.w = rect.w;
        e.h = rect.h;
        e.z = z + elements.len() as f64;
        e.author = author.to_owned();
        e.created = created;
        elements.push(e);
    };
    let frame_id = id_of();
    let mut frame = Element::new(frame_id.clone(), Kind::Frame, 0.0, 0.0);
    frame.text = say(lang, template.name).to_owned();
    frame.zone = template.id.to_owned();
    push(frame, outer);
    let mut last_zone = None;
    for zone in zones {
        let zone_id = id_of();
        last_zone = Some(zone_id.clone());
        let mut frame = Element::new(zone_id.clone(), Kind::Frame, 0.0, 0.0);
        frame.text = say(lang, zone.title).to_owned();
        frame.color = zone.color.to_owned();
        frame.parent = Some(frame_id.clone());
        frame.zone = format!("{}/{}", template.id, zone.key);
        push(frame, zone.rect);
        let mut hint = Element::new(id_of(), Kind::Text, 0.0, 0.0);
        hint.text = say(lang, zone.hint).to_owned();
        hint.color = "#8a8f9c".to_owned();
        hint.parent = Some(zone_id.clone());
        push(
            hint,
            rect(
                zone.rect.x + 16.0,
                zone.rect.y + 14.0,
                zone.rect.w - 32.0,
                40.0,
            ),
        );
        // The stakeholder map's top zones each hold a card of their kind.
        if id == "stakeholder-map" && STAKEHOLDER_CARDS.contains(&zone.key) {
            let mut card = Element::new(id_of(), Kind::Persona, 0.0, 0.0);
            card.persona = Some(Box::new(crate::persona::Persona::blank_of(zone.key)));
            card.color = "#2a6fdb".to_owned();
            card.parent = Some(zone_id);
            let r = zone.rect;
            push(card, rect(r.x + 20.0, r.y + 64.0, r.w - 40.0, r.h - 84.0));
        }
    }
    if id == "kano" {
        for (said, (x, y, w), color) in KANO_LABELS {
            let mut label = Element::new(id_of(), Kind::Text, 0.0, 0.0);
            label.text = say(lang, said).to_owned();
            label.color = color.to_owned();
            label.parent = last_zone.clone();
            push(label, rect(x, y, w, 40.0));
        }
    }
    if id == "empathy-map" {
        let mut centre = Element::new(id_of(), Kind::Shape, 0.0, 0.0);
        centre.shape = "ellipse".to_owned();
        centre.color = "#ffffff".to_owned();
        centre.text = say(lang, ("Persona / segment", "Persona / segment")).to_owned();
        centre.parent = Some(frame_id);
        push(centre, rect(620.0, 30.0, 400.0, 120.0));
    }
    Some(elements)
}

/// The cards of template `id` (one of [`CARDS`]): blank persona cards side
/// by side, or a journey map (current).
fn cards(
    id: &str,
    lang: Lang,
    at: (f64, f64),
    z: f64,
    author: &str,
    created: i64,
    mut id_of: impl FnMut() -> String,
) -> Vec<Element> {
    let mut elements = Vec::new();
    if id == "personas" {
        let (w, _) = persona_size();
        for (i, color) in ["#e4572e", "#2a9d8f", "#3a86ff"]
            .into_iter()
            .enumerate()
            .take(PERSONAS)
        {
            let mut card = Element::new(
                id_of(),
                Kind::Persona,
                at.0 + i as f64 * (w + PERSONA_GAP),
                at.1,
            );
            card.color = color.to_owned();
            elements.push(card);
        }
    } else {
        let mut map = Element::new(id_of(), Kind::Journey, at.0, at.1);
        map.journey = Some(Box::new(crate::journey::Journey::new(
            lang, "current", &mut id_of,
        )));
        elements.push(map);
    }
    for (i, e) in elements.iter_mut().enumerate() {
        e.z = z + i as f64;
        e.author = author.to_owned();
        e.created = created;
    }
    elements
}

fn persona_size() -> (f64, f64) {
    let card = Element::new("", Kind::Persona, 0.0, 0.0);
    (card.w, card.h)
}

/// The size of template `id` (its outer frame, or its cards), to place it.
pub fn size(id: &str) -> Option<(f64, f64)> {
    match id {
        "personas" => {
            let (w, h) = persona_size();
            Some((PERSONAS as f64 * (w + PERSONA_GAP) - PERSONA_GAP, h))
        }
        "journey-map" => {
            let map = Element::new("", Kind::Journey, 0.0, 0.0);
            Some((map.w, map.h))
        }
        _ => zones(id).map(|(outer, _)| (outer.w, outer.h)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(id: &str, lang: Lang) -> Vec<Element> {
        let mut n = 0;
        let place = Placement {
            lang,
            at: (100.0, 50.0),
            z: 1.0,
            author: "Ann",
            created: 5,
        };
        build(id, &place, || {
            n += 1;
            format!("t{n}")
        })
        .unwrap()
    }

    #[test]
    fn the_card_templates() {
        let personas = built("personas", Lang::Fr);
        assert_eq!(personas.len(), 3);
        assert!(
            personas
                .iter()
                .all(|e| e.kind == Kind::Persona && e.persona.is_some())
        );
        for pair in personas.windows(2) {
            assert!(!pair[0].rect().intersects(&pair[1].rect()), "side by side");
            assert_eq!(pair[0].y, pair[1].y, "one row, one layout");
        }
        let bounds = personas
            .iter()
            .map(|e| e.rect())
            .reduce(|a, b| a.union(&b))
            .unwrap();
        assert_eq!(Some((bounds.w, bounds.h)), size("personas"));
        let journey = built("journey-map", Lang::Fr);
        assert_eq!(journey.len(), 1);
        let map = journey[0].journey.as_deref().unwrap();
        assert_eq!(map.stages[0].name, "Avant l'achat");
        assert_eq!(map.variant, "current");
        assert_eq!(Some((journey[0].w, journey[0].h)), size("journey-map"));
        let ids: std::collections::HashSet<&str> = map
            .stages
            .iter()
            .map(|s| s.id.as_str())
            .chain([journey[0].id.as_str()])
            .collect();
        assert_eq!(ids.len(), 4, "ids are unique");
    }

    #[test]
    fn every_template_is_zones_inside_one_frame() {
        for template in TEMPLATES.iter().filter(|t| !CARDS.contains(&t.id)) {
            let elements = built(template.id, Lang::En);
            let outer = &elements[0];
            assert_eq!(outer.kind, Kind::Frame);
            assert_eq!(outer.zone, template.id);
            assert_eq!((outer.x, outer.y), (100.0, 50.0));
            assert_eq!(Some((outer.w, outer.h)), size(template.id));
            let zones: Vec<&Element> = elements
                .iter()
                .filter(|e| e.kind == Kind::Frame && e.id != outer.id)
                .collect();
            // Kano's is one plane, the others several zones.
            let least = if template.id == "kano" { 1 } else { 3 };
            assert!(zones.len() >= least, "{}", template.id);
            for e in &elements[1..] {
                assert!(outer.rect().contains(&e.rect()), "{} {e:?}", template.id);
                assert!(e.parent.is_some());
            }
            // Zones do not overlap: a dropped note belongs to one of them.
            for (i, a) in zones.iter().enumerate() {
                assert!(a.zone.starts_with(&format!("{}/", template.id)));
                for b in &zones[i + 1..] {
                    assert!(!a.rect().intersects(&b.rect()), "{} and {}", a.text, b.text);
                }
            }
            // Ids are unique.
            let ids: std::collections::HashSet<_> = elements.iter().map(|e| &e.id).collect();
            assert_eq!(ids.len(), elements.len());
        }
        assert!(build("nope", &Placement::origin(Lang::En), String::new).is_none());
    }

    #[test]
    fn the_kano_plane_holds_its_labels_each_in_its_class() {
        let elements = built("kano", Lang::Fr);
        let plane = elements
            .iter()
            .find(|e| e.zone == crate::kano::PLANE)
            .unwrap();
        let label = |text: &str| {
            elements
                .iter()
                .find(|e| e.kind == Kind::Text && e.text == text)
                .unwrap_or_else(|| panic!("{text}"))
        };
        for class in crate::kano::CLASSES {
            let l = label(class.name(Lang::Fr));
            assert_eq!(l.parent.as_deref(), Some(plane.id.as_str()));
            // Each curve's label sits where the plane classifies it.
            assert_eq!(crate::kano::classify(plane.rect(), l.rect()), class);
        }
        label("Pleinement réalisé");
    }

    #[test]
    fn the_empathy_map_in_both_languages() {
        let titles = |lang| -> Vec<String> {
            built("empathy-map", lang)
                .into_iter()
                .filter(|e| e.kind == Kind::Frame)
                .map(|e| e.text)
                .collect()
        };
        assert_eq!(
            titles(Lang::En),
            [
                "Empathy map",
                "Says",
                "Thinks",
                "Does",
                "Feels",
                "Pains",
                "Gains"
            ]
        );
        assert_eq!(
            titles(Lang::Fr),
            [
                "Carte d'empathie",
                "Dit",
                "Pense",
                "Fait",
                "Ressent",
                "Irritants",
                "Gains"
            ]
        );
        assert_eq!(Lang::parse("fr-FR"), Lang::Fr);
        assert_eq!(Lang::parse("en-GB"), Lang::En);
    }
}
