//! Persona cards and journey maps in the picture: titled cards with their
//! sections, lines, support badges, cells and emotion curves.

use std::collections::HashMap;
use std::fmt::Write;

use super::{escape, height, para};

/// Most lines a field of a card or a map shows in a picture: whole, as
/// the board shows it, within a bound.
const LONG: usize = 40;

/// A cell's text as entries: one a line, each bulleted when there are
/// several.
fn entries(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() < 2 {
        return lines.concat();
    }
    lines
        .iter()
        .map(|l| format!("• {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
use crate::analysis::TagCounts;
use crate::element::Rect;
use crate::interview::Source;
use crate::journey::{CURVES, Journey, measure_label};
use crate::lang::Lang;
use crate::persona::{self, OUTPUTS, Persona, Support, title};

/// What persona cards and journey maps need from the rest of the board.
pub(super) struct Cards<'a> {
    pub(super) lang: Lang,
    pub(super) sources: &'a HashMap<String, Source>,
    /// Persona names by id (for the journey's curves).
    pub(super) names: &'a HashMap<&'a str, &'a str>,
    /// Where the photos are (see [`crate::export::Content::image_href`]).
    pub(super) content: &'a crate::export::Content,
    /// Journey cells to outline: what changes from a current map to its
    /// target (lane id, stage id).
    pub(super) changed: &'a crate::journey::compare::Cells,
}

impl Cards<'_> {
    /// A support badge ("3 notes · 2 interviewees", or "No support" in
    /// red) at `(x, y)`; its height.
    pub(super) fn badge(&self, out: &mut String, (x, y): (f64, f64), cites: &[String]) -> f64 {
        let support = Support::of_notes(cites, self.sources);
        let label = support.label_in(self.lang);
        let (fill, ink) = if support.notes == 0 {
            ("#fdecea", "#b42318")
        } else {
            ("#e3f4f1", "#1d7a6c")
        };
        let w = label.chars().count() as f64 * 5.6 + 14.0;
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="16" rx="8" fill="{fill}"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="600" fill="{ink}">{}</text>"##,
            x + 7.0,
            y + 11.5,
            escape(&label)
        );
        20.0
    }

    /// A persona card as the board shows it: avatar, name, nickname, role,
    /// segment, primary and rank, quote, objective and priority, then the
    /// sections (the workshop's outputs last) in two columns, every line
    /// whole with its support. The card grows with its
    /// text: the bottom of what was drawn.
    pub(super) fn persona(&self, out: &mut String, r: Rect, p: &Persona, accent: &str) -> f64 {
        let lang = self.lang;
        let (left, top) = (r.x + 28.0, r.y + 36.0);
        let inner = r.w - 56.0;
        let initial: String = p.name.trim().chars().take(1).collect();
        let _ = write!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="38" fill="{accent}"/><text x="{:.1}" y="{:.1}" font-size="32" font-weight="700" fill="#ffffff" text-anchor="middle">{}</text>"##,
            left + 38.0,
            top + 38.0,
            left + 38.0,
            top + 50.0,
            escape(&initial.to_uppercase())
        );
        // Her photo over the initial, in the circle, where photos show.
        if let Some(href) = self.content.image_href(&p.photo) {
            let _ = write!(
                out,
                r##"<clipPath id="photo-{id}"><circle cx="{cx:.1}" cy="{cy:.1}" r="38"/></clipPath><image href="{href}" x="{x:.1}" y="{y:.1}" width="76" height="76" preserveAspectRatio="xMidYMid slice" clip-path="url(#photo-{id})"/>"##,
                id = p.photo,
                cx = left + 38.0,
                cy = top + 38.0,
                x = left,
                y = top,
            );
        }
        // A stakeholder's kind and choices say who they are.
        let kind = persona::kind(&p.kind);
        let name = if p.name.trim().is_empty() {
            title(kind.name, lang)
        } else {
            p.name.trim()
        };
        let mut tags = Vec::new();
        if p.primary {
            tags.push(format!("★ {}", title(("Primary", "Principal"), lang)));
        }
        if p.critical {
            tags.push(format!(
                "★ {}",
                title(("Most critical", "Le plus critique"), lang)
            ));
        }
        if p.rank > 0 {
            tags.push(format!("{} {}", title(("Rank", "Rang"), lang), p.rank));
        }
        // The name takes the width the tags (top right) leave.
        let text_x = left + 96.0;
        let named = para(
            out,
            (text_x, top),
            if tags.is_empty() {
                inner - 96.0
            } else {
                inner - 260.0
            },
            28.0,
            name,
            "#1f2430",
            r#" font-weight="700""#,
            2,
        );
        let segment = (!p.segment.trim().is_empty()).then(|| {
            format!(
                "{}: {}",
                title(("Segment", "Segment"), lang),
                p.segment.trim()
            )
        });
        let choices: Vec<String> = kind
            .choices
            .iter()
            .filter_map(|c| {
                let chosen = p.choice(c.key);
                let (_, said) = c.options.iter().find(|(o, _)| *o == chosen)?;
                Some(title(*said, lang).to_owned())
            })
            .collect();
        let sub: Vec<&str> = [
            if p.is_persona() || p.name.trim().is_empty() {
                ""
            } else {
                title(kind.name, lang)
            },
            p.nickname.trim(),
            p.role.trim(),
        ]
        .into_iter()
        .chain(segment.as_deref())
        .chain(choices.iter().map(String::as_str))
        .filter(|s| !s.is_empty())
        .collect();
        let subbed = para(
            out,
            (text_x, top + named + 6.0),
            inner - 260.0,
            15.0,
            &sub.join(" · "),
            "#5b6272",
            "",
            4,
        );
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="13" font-weight="600" fill="#5b6272" text-anchor="end">{}</text>"##,
            r.right() - 28.0,
            top + 16.0,
            escape(&tags.join(" · "))
        );
        let mut y = (top + 96.0).max(top + named + subbed + 20.0);
        if !p.quote.trim().is_empty() {
            let mut quote = String::new();
            let h = para(
                &mut quote,
                (left + 16.0, y + 10.0),
                inner - 32.0,
                16.0,
                &format!("“{}”", p.quote.trim()),
                "#1f2430",
                r#" font-style="italic""#,
                LONG,
            );
            let _ = write!(
                out,
                r##"<rect x="{left:.1}" y="{y:.1}" width="{inner:.1}" height="{:.1}" rx="6" fill="#f6f4ef"/>"##,
                h + 20.0
            );
            out.push_str(&quote);
            y += h + 32.0;
        }
        for (key, label) in [
            ("objective", ("Objective", "Objectif")),
            ("priority", ("Priority", "Priorité")),
        ] {
            let text = p.field(key);
            if text.trim().is_empty() {
                continue;
            }
            let label = title(label, lang).to_uppercase();
            let _ = write!(
                out,
                r##"<text x="{left:.1}" y="{:.1}" font-size="11" font-weight="700" fill="#5b6272">{}</text>"##,
                y + 13.0,
                escape(&label)
            );
            y += para(
                out,
                (left + 96.0, y),
                inner - 96.0,
                14.0,
                text,
                "#1f2430",
                "",
                LONG,
            )
            .max(16.0)
                + 14.0;
        }
        // The sections, two by two.
        let column = (inner - 24.0) / 2.0;
        for pair in kind.sections.chunks(2) {
            if pair[0].0 == OUTPUTS[0] {
                let _ = write!(
                    out,
                    r##"<rect x="{left:.1}" y="{:.1}" width="{inner:.1}" height="3" fill="{accent}"/><text x="{left:.1}" y="{:.1}" font-size="14" font-weight="700" fill="#1f2430">{}</text>"##,
                    y + 6.0,
                    y + 28.0,
                    escape(title(
                        ("What the workshop found", "Ce que l'atelier a trouvé"),
                        lang
                    ))
                );
                y += 38.0;
            }
            let _ = write!(
                out,
                r##"<line x1="{left:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ebe8e1"/>"##,
                left + inner
            );
            let mut bottom = y;
            for (i, (key, names)) in pair.iter().enumerate() {
                let x = left + i as f64 * (column + 24.0);
                let mut at = y + 12.0;
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{:.1}" font-size="11" font-weight="700" fill="{accent}" letter-spacing=".5">{}</text>"##,
                    at + 11.0,
                    escape(&title(*names, lang).to_uppercase())
                );
                at += 20.0;
                for line in p.lines(key).iter().filter(|l| !l.text.trim().is_empty()) {
                    let h = para(
                        out,
                        (x + 10.0, at),
                        column - 10.0,
                        13.0,
                        &line.text,
                        "#1f2430",
                        "",
                        LONG,
                    );
                    let _ = write!(
                        out,
                        r##"<rect x="{x:.1}" y="{at:.1}" width="3" height="{:.1}" rx="1.5" fill="{}"/>"##,
                        h + 20.0,
                        if Support::of(line, self.sources).notes == 0 {
                            "#f4b4ab"
                        } else {
                            "#2a9d8f"
                        }
                    );
                    at += h + 2.0;
                    at += self.badge(out, (x + 10.0, at), &line.cites) + 4.0;
                }
                bottom = bottom.max(at);
            }
            y = bottom + 8.0;
        }
        // The needs the notes behind the persona show, most first, drawn.
        let counts = TagCounts::of(p.cited().into_iter().filter_map(|id| self.sources.get(id)));
        let found = counts.found();
        if !found.is_empty() {
            let _ = write!(
                out,
                r##"<line x1="{left:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ebe8e1"/><text x="{left:.1}" y="{:.1}" font-size="11" font-weight="700" fill="#1f2430" letter-spacing=".5">{}</text>"##,
                left + inner,
                y + 23.0,
                escape(&title(("Need profile", "Profil de besoins"), lang).to_uppercase())
            );
            y += 34.0;
            let max = found.iter().map(|(_, _, n)| *n).max().unwrap_or(1).max(1) as f64;
            let column = (inner - 24.0) / 2.0;
            for (k, (typology, i, n)) in found.iter().enumerate() {
                let x = left + (k % 2) as f64 * (column + 24.0);
                let row = y + (k / 2) as f64 * 22.0;
                let bar = (column - 190.0).max(40.0);
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{:.1}" font-size="12" fill="#1f2430">{} <tspan fill="#5b6272" font-size="9">{}</tspan></text><rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="8" rx="4" fill="#efede8"/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="8" rx="4" fill="{accent}"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="600" fill="#1f2430" text-anchor="end">{n}</text>"##,
                    row + 12.0,
                    escape(typology.need_in(*i, lang).unwrap_or_default()),
                    typology.name,
                    x + 150.0,
                    row + 4.0,
                    x + 150.0,
                    row + 4.0,
                    bar * *n as f64 / max,
                    x + column,
                    row + 12.0
                );
            }
            y += found.len().div_ceil(2) as f64 * 22.0 + 8.0;
        }
        y
    }

    /// A journey map: its title, the stages (moments of truth flagged) by
    /// the lanes, every cell with its text whole (each line an entry) and
    /// its support, the emotions lane as a curve per persona. Rows and the
    /// stages' heading grow with their text: the bottom of what was drawn.
    pub(super) fn journey(&self, out: &mut String, r: Rect, j: &Journey) -> f64 {
        let lang = self.lang;
        let variant = if j.variant == "target" {
            title(("Target", "Cible"), lang)
        } else {
            title(("Current", "Actuel"), lang)
        };
        let heading = format!(
            "{} · {variant}",
            title(("Customer journey map", "Parcours client"), lang)
        );
        para(
            out,
            (r.x + 24.0, r.y + 24.0),
            r.w - 48.0,
            20.0,
            &heading,
            "#1f2430",
            r#" font-weight="700""#,
            1,
        );
        let (left, top) = (r.x + 24.0, r.y + 68.0);
        let n = j.stages.len().max(1) as f64;
        let names_w = 220.0_f64.min((r.w - 48.0) / 3.0);
        let col = (r.w - 48.0 - names_w) / n;
        let curve_h = 150.0;
        // The stages' heading: as high as the longest name needs.
        let head = j
            .stages
            .iter()
            .map(|s| height(&s.name, col - 20.0, 14.0, LONG) + 12.0)
            .fold(48.0, f64::max);
        let _ = write!(
            out,
            r##"<rect x="{left:.1}" y="{top:.1}" width="{names_w:.1}" height="{head:.1}" fill="#efede8"/><text x="{:.1}" y="{:.1}" font-size="11" font-weight="700" fill="#5b6272">{}</text>"##,
            left + 10.0,
            top + 20.0,
            escape(title(("STAGES →", "ÉTAPES →"), lang))
        );
        for (i, stage) in j.stages.iter().enumerate() {
            let x = left + names_w + i as f64 * col;
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{top:.1}" width="{col:.1}" height="{head:.1}" fill="#e3f4f1" stroke="#ffffff"/>"##
            );
            para(
                out,
                (x + 10.0, top + 6.0),
                col - 20.0,
                14.0,
                &stage.name,
                "#1f2430",
                r#" font-weight="600""#,
                LONG,
            );
        }
        // The lanes, each as high as its fullest cell or its name.
        let mut y = top + head;
        for lane in &j.lanes {
            let h = if lane.emotions {
                curve_h
            } else {
                j.stages
                    .iter()
                    .map(|s| {
                        let cites = if j.cited(&lane.id, &s.id).is_empty() {
                            0.0
                        } else {
                            24.0
                        };
                        let mot = j
                            .mot(&lane.id, &s.id)
                            .map(|stake| height(stake, col - 16.0, 12.0, LONG) + 24.0)
                            .unwrap_or(0.0);
                        height(&entries(j.cell(&lane.id, &s.id)), col - 16.0, 13.0, LONG)
                            + cites
                            + mot
                            + 16.0
                    })
                    .fold(
                        height(&lane.name, names_w - 20.0, 13.0, LONG) + 16.0,
                        f64::max,
                    )
                    .max(56.0)
            };
            let _ = write!(
                out,
                r##"<rect x="{left:.1}" y="{y:.1}" width="{names_w:.1}" height="{h:.1}" fill="#f8f7f3" stroke="#ebe8e1"/>"##
            );
            para(
                out,
                (left + 10.0, y + 8.0),
                names_w - 20.0,
                13.0,
                &lane.name,
                "#1f2430",
                r#" font-weight="700""#,
                LONG,
            );
            for (i, stage) in j.stages.iter().enumerate() {
                let x = left + names_w + i as f64 * col;
                let mot = j.mot(&lane.id, &stage.id).filter(|_| !lane.emotions);
                let fill = if mot.is_some() { "#fdf0c8" } else { "#ffffff" };
                let _ = write!(
                    out,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{col:.1}" height="{h:.1}" fill="{fill}" stroke="#ebe8e1"/>"##
                );
                // What changes between a current map and its target.
                if self.changed.contains(&(lane.id.clone(), stage.id.clone())) {
                    let _ = write!(
                        out,
                        r##"<rect class="changed" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#2a6fdb" fill-opacity=".08" stroke="#2a6fdb" stroke-width="3"/>"##,
                        x + 2.0,
                        y + 2.0,
                        col - 4.0,
                        h - 4.0
                    );
                }
                if lane.emotions {
                    continue;
                }
                let mut used = para(
                    out,
                    (x + 8.0, y + 6.0),
                    col - 16.0,
                    13.0,
                    &entries(j.cell(&lane.id, &stage.id)),
                    "#1f2430",
                    "",
                    LONG,
                );
                if let Some(stake) = mot {
                    let _ = write!(
                        out,
                        r##"<text x="{:.1}" y="{:.1}" font-size="11" font-weight="700" fill="#8a5a00">◆ {}</text>"##,
                        x + 8.0,
                        y + used + 22.0,
                        escape(title(("Moment of truth", "Moment de vérité"), lang))
                    );
                    used += 24.0;
                    used += para(
                        out,
                        (x + 8.0, y + 6.0 + used),
                        col - 16.0,
                        12.0,
                        stake,
                        "#6b4a00",
                        r#" font-style="italic""#,
                        LONG,
                    );
                }
                let cites = j.cited(&lane.id, &stage.id);
                if !cites.is_empty() {
                    self.badge(out, (x + 8.0, y + 10.0 + used), cites);
                }
            }
            if lane.emotions {
                self.curves(out, (left + names_w, y), col, curve_h, j);
            }
            y += h;
        }
        y
    }

    /// The emotion curves over the emotions lane at `(x, y)`, `h` high.
    fn curves(&self, out: &mut String, (x, y): (f64, f64), col: f64, h: f64, j: &Journey) {
        let at = |score: i8| y + h / 2.0 - score as f64 * (h / 2.0 - 16.0) / 2.0;
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#b8b4aa" stroke-dasharray="4 4"/>"##,
            at(0),
            x + col * j.stages.len() as f64,
            at(0)
        );
        // The survey's figure of each stage, over the curve.
        for (i, stage) in j.stages.iter().enumerate() {
            if let Some(v) = j.measures.get(&stage.id) {
                let _ = write!(
                    out,
                    r##"<text x="{:.1}" y="{:.1}" font-size="13" font-weight="700" fill="#1f2430" text-anchor="middle">{}</text>"##,
                    x + (i as f64 + 0.5) * col,
                    y + 16.0,
                    escape(&measure_label(&j.measure, *v))
                );
            }
        }
        for (i, persona) in j.curves().iter().enumerate() {
            let ink = CURVES[i % CURVES.len()];
            let points: Vec<(f64, f64)> = j
                .curve(persona)
                .into_iter()
                .map(|(stage, score)| (x + (stage as f64 + 0.5) * col, at(score)))
                .collect();
            let d: Vec<String> = points
                .iter()
                .map(|(px, py)| format!("{px:.1},{py:.1}"))
                .collect();
            let _ = write!(
                out,
                r##"<polyline points="{}" fill="none" stroke="{ink}" stroke-width="3" stroke-linejoin="round"/>"##,
                d.join(" ")
            );
            for (px, py) in &points {
                let _ = write!(
                    out,
                    r##"<circle cx="{px:.1}" cy="{py:.1}" r="5" fill="{ink}"/>"##
                );
            }
            let name = self.names.get(persona.as_str()).copied().unwrap_or("");
            if let (Some((px, py)), false) = (points.last(), name.is_empty()) {
                let _ = write!(
                    out,
                    r##"<text x="{:.1}" y="{:.1}" font-size="12" font-weight="700" fill="{ink}">{}</text>"##,
                    px + 9.0,
                    py - 8.0,
                    escape(name)
                );
            }
        }
    }
}
