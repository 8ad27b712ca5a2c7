//! The board (or one frame and what it holds) as a standalone SVG picture:
//! frames, notes with their text, shapes, free text, connectors, persona
//! cards and journey maps as titled cards. The browser turns it into a
//! PNG; the JSON API serves it as is.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use crate::element::{Element, Kind, Rect};
use crate::export::Content;
use crate::journey::compare::Cells;

mod cards;

use cards::Cards;

const MARGIN: f64 = 40.0;

fn escape(s: &str) -> String {
    crate::markup::escape(s)
}

/// A colour safe to write into the picture (else `fallback`).
fn color<'a>(c: &'a str, fallback: &'a str) -> &'a str {
    crate::color_or(c, fallback)
}

/// `text` wrapped into lines of at most `per_line` characters, by words
/// (a word longer than a line is cut), at most `max_lines` of them; and
/// whether more text is left. Linear in what it reads, and it reads no
/// further than the lines it returns: a note of megabytes costs what its
/// box shows.
fn wrap(text: &str, per_line: usize, max_lines: usize) -> (Vec<String>, bool) {
    let per_line = per_line.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut count = 0;
    let mut paragraphs = text.split('\n');
    while let Some(paragraph) = paragraphs.next() {
        // (A no-break space keeps a closing quote with its word.)
        for word in paragraph
            .split(|c: char| c.is_whitespace() && c != '\u{a0}')
            .filter(|w| !w.is_empty())
        {
            let mut chars = word.chars().peekable();
            while chars.peek().is_some() {
                let left = per_line - count.min(per_line);
                let word_len = chars.clone().take(per_line + 1).count();
                let fits = word_len + usize::from(count > 0) <= left;
                if count > 0 && !fits {
                    if lines.len() + 1 >= max_lines {
                        lines.push(line);
                        return (lines, true);
                    }
                    lines.push(std::mem::take(&mut line));
                    count = 0;
                    continue;
                }
                if count > 0 {
                    line.push(' ');
                    count += 1;
                }
                // A word longer than a whole line is cut.
                let take = word_len.min(per_line - count.min(per_line)).max(1);
                line.extend(chars.by_ref().take(take));
                count += take;
            }
        }
        if lines.len() + 1 >= max_lines {
            lines.push(line);
            let more = paragraphs.any(|p| !p.trim().is_empty());
            return (lines, more);
        }
        lines.push(std::mem::take(&mut line));
        count = 0;
    }
    (lines, false)
}

/// Text centred (or, for free text, from the top left) in `r`, at the
/// largest size up to `max` that fits.
fn text_block(
    out: &mut String,
    r: Rect,
    text: &str,
    max: f64,
    centred: bool,
    ink: &str,
    italic: bool,
) {
    if text.trim().is_empty() {
        return;
    }
    let (w, h) = ((r.w - 20.0).max(10.0), (r.h - 20.0).max(10.0));
    let room = |size: f64| (h / (size * 1.3)).floor().max(1.0) as usize;
    let mut size = max;
    let (mut lines, mut more) = wrap(text, (w / (size * 0.55)) as usize, room(size));
    while size > 8.0 && more {
        size -= 1.0;
        (lines, more) = wrap(text, (w / (size * 0.55)) as usize, room(size));
    }
    if more && let Some(last) = lines.last_mut() {
        last.push('…');
    }
    let total = lines.len() as f64 * size * 1.3;
    let (x, anchor, top) = if centred {
        (r.x + r.w / 2.0, "middle", r.y + (r.h - total) / 2.0)
    } else {
        (r.x + 10.0, "start", r.y + 10.0)
    };
    let style = if italic { " font-style=\"italic\"" } else { "" };
    let _ = write!(
        out,
        r#"<text x="{x:.1}" font-size="{size}" text-anchor="{anchor}" fill="{ink}"{style}>"#
    );
    for (i, line) in lines.iter().enumerate() {
        let y = top + size * (1.3 * i as f64 + 1.0);
        let _ = write!(
            out,
            r#"<tspan x="{x:.1}" y="{y:.1}">{}</tspan>"#,
            escape(line)
        );
    }
    out.push_str("</text>");
}

/// The height [`para`] takes for `text` in `w` at `size`.
fn height(text: &str, w: f64, size: f64, max_lines: usize) -> f64 {
    let text = text.trim();
    if text.is_empty() {
        return 0.0;
    }
    wrap(text, (w / (size * 0.55)) as usize, max_lines).0.len() as f64 * size * 1.3
}

/// Text from the top left at `(x, y)` wrapped into `w` at `size`, at most
/// `max_lines` lines (the last cut with "…"); the height it took.
#[allow(clippy::too_many_arguments)]
fn para(
    out: &mut String,
    (x, y): (f64, f64),
    w: f64,
    size: f64,
    text: &str,
    ink: &str,
    style: &str,
    max_lines: usize,
) -> f64 {
    let text = text.trim();
    if text.is_empty() || max_lines == 0 {
        return 0.0;
    }
    let (mut lines, more) = wrap(text, (w / (size * 0.55)) as usize, max_lines);
    if more && let Some(last) = lines.last_mut() {
        last.push('…');
    }
    let _ = write!(
        out,
        r#"<text x="{x:.1}" font-size="{size}" fill="{ink}"{style}>"#
    );
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            out,
            r#"<tspan x="{x:.1}" y="{:.1}">{}</tspan>"#,
            y + size * (1.3 * i as f64 + 1.0),
            escape(line)
        );
    }
    out.push_str("</text>");
    lines.len() as f64 * size * 1.3
}

/// The picture of the board, or of frame `frame` and what it holds (its
/// elements, their elements, …, and connectors between them). `None` when
/// there is nothing to draw or no such frame.
pub fn svg(content: &Content, frame: Option<&str>) -> Option<String> {
    let by_id: HashMap<&str, &Element> = content
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let keep: HashSet<&str> = match frame {
        None => by_id.keys().copied().collect(),
        Some(f) => {
            by_id.get(f).filter(|e| e.kind == Kind::Frame)?;
            let mut keep = HashSet::from([f]);
            // Descendants, however deep.
            loop {
                let before = keep.len();
                for e in &content.elements {
                    if e.parent.as_deref().is_some_and(|p| keep.contains(p)) {
                        keep.insert(e.id.as_str());
                    }
                }
                if keep.len() == before {
                    break keep;
                }
            }
        }
    };
    draw(content, keep, &Cells::new())
}

/// Kano's two axes through the middle of `plane` and its three curves,
/// in the colours of their labels (see `kano.rs`).
fn kano_plane(out: &mut String, plane: Rect) {
    let (cx, cy) = plane.center();
    for d in [
        format!("M{:.1},{cy:.1} H{:.1}", plane.x + 8.0, plane.right() - 8.0),
        format!("M{cx:.1},{:.1} V{:.1}", plane.bottom() - 8.0, plane.y + 8.0),
    ] {
        let _ = write!(
            out,
            r##"<path d="{d}" stroke="#8a8f9c" stroke-width="2" marker-end="url(#arrow)" fill="none"/>"##
        );
    }
    for (class, stroke) in [
        (crate::kano::Class::Attractive, "#b86e00"),
        (crate::kano::Class::Performance, "#2a6fdb"),
        (crate::kano::Class::Basic, "#7a4f9a"),
    ] {
        let _ = write!(
            out,
            r##"<path d="{}" stroke="{stroke}" stroke-width="3" fill="none" opacity=".7"/>"##,
            crate::kano::path(class, plane)
        );
    }
}

/// The picture of persona card or journey map `id` alone (the printable
/// report's figures). `None` for anything else.
pub fn card(content: &Content, id: &str) -> Option<String> {
    content
        .elements
        .iter()
        .find(|e| e.id == id && matches!(e.kind, Kind::Persona | Kind::Journey))?;
    draw(content, HashSet::from([id]), &Cells::new())
}

/// Journey maps `current` and `target` as pictures to set side by side,
/// the cells that change from one to the other outlined in each
/// ([`crate::journey::compare::changed_cells`]). `None` unless both are
/// journey maps.
pub fn compared(content: &Content, current: &str, target: &str) -> Option<(String, String)> {
    let map = |id: &str| {
        content
            .elements
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.journey.as_deref())
    };
    let (before, after) = crate::journey::compare::changed_cells(map(current)?, map(target)?);
    Some((
        draw(content, HashSet::from([current]), &before)?,
        draw(content, HashSet::from([target]), &after)?,
    ))
}

/// The picture of the elements `keep`, and of the connectors between them;
/// the journey cells `changed` outlined.
fn draw<'a>(
    content: &'a Content,
    mut keep: HashSet<&'a str>,
    changed: &'a Cells,
) -> Option<String> {
    let by_id: HashMap<&str, &Element> = content
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    // Connectors whose both ends are drawn.
    for e in &content.elements {
        if e.kind == Kind::Connector
            && e.from.as_deref().is_some_and(|f| keep.contains(f))
            && e.to.as_deref().is_some_and(|t| keep.contains(t))
        {
            keep.insert(e.id.as_str());
        }
    }
    let drawn: Vec<&Element> = content
        .elements
        .iter()
        .filter(|e| keep.contains(e.id.as_str()) && !matches!(e.kind, Kind::Other(_)))
        .collect();
    let sources = content.sources();
    let names: HashMap<&str, &str> = content
        .elements
        .iter()
        .filter_map(|e| Some((e.id.as_str(), e.persona.as_deref()?.name.as_str())))
        .collect();
    let cards = Cards {
        lang: content.lang(),
        sources: &sources,
        names: &names,
        content,
        changed,
    };
    // Persona cards and journey maps first: they grow with their text.
    let mut grown: HashMap<&str, (String, f64)> = HashMap::new();
    for e in &drawn {
        let r = e.rect();
        let mut inner = String::new();
        let bottom = match (&e.kind, &e.persona, &e.journey) {
            (Kind::Persona, Some(p), _) => {
                cards.persona(&mut inner, r, p, color(&e.color, "#e4572e"))
            }
            (Kind::Journey, _, Some(j)) => cards.journey(&mut inner, r, j),
            _ => continue,
        };
        grown.insert(e.id.as_str(), (inner, r.h.max(bottom - r.y + 26.0)));
    }
    let rect_of = |e: &Element| match grown.get(e.id.as_str()) {
        Some((_, h)) => Rect { h: *h, ..e.rect() },
        None => e.rect(),
    };
    let bounds = drawn
        .iter()
        .filter(|e| e.kind != Kind::Connector)
        .map(|e| rect_of(e))
        .reduce(|a, b| a.union(&b))?
        .grow(MARGIN);
    // Frames below (larger first), then the rest by stacking order.
    let mut order = drawn.clone();
    order.sort_by(|a, b| {
        let key = |e: &Element| match e.kind {
            Kind::Frame => (0, -(e.w * e.h)),
            _ => (1, e.z),
        };
        key(a).0.cmp(&key(b).0).then(key(a).1.total_cmp(&key(b).1))
    });
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="{x:.1} {y:.1} {w:.1} {h:.1}" font-family="Inter, Segoe UI, system-ui, sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#5b6272"/></marker></defs><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="#fbfaf7"/>"##,
        x = bounds.x,
        y = bounds.y,
        w = bounds.w,
        h = bounds.h
    );
    for e in order {
        let r = rect_of(e);
        match &e.kind {
            Kind::Frame => {
                let _ = write!(
                    out,
                    r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="{}" stroke="#d9d5cc"/><text x="{:.1}" y="{:.1}" font-size="14" font-weight="600" fill="#5b6272">{}</text>"##,
                    r.x,
                    r.y,
                    r.w,
                    r.h,
                    color(&e.color, "#ffffff"),
                    r.x,
                    r.y - 8.0,
                    escape(&e.text)
                );
                if e.zone == crate::kano::PLANE {
                    kano_plane(&mut out, r);
                }
            }
            Kind::Note => {
                let _ = write!(
                    out,
                    r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="{}" stroke="rgba(31,36,48,.12)"/>"##,
                    r.x,
                    r.y,
                    r.w,
                    r.h,
                    color(&e.color, "#fff3a3")
                );
                let verbatim = e.source.origin == Some(crate::Origin::Verbatim);
                let text = if verbatim {
                    format!("«\u{a0}{}\u{a0}»", e.text)
                } else {
                    e.text.clone()
                };
                text_block(
                    &mut out,
                    Rect { h: r.h - 12.0, ..r },
                    &text,
                    crate::note_font(r.w, r.h),
                    true,
                    "#1f2430",
                    verbatim,
                );
                let label = e.source.label();
                if !label.is_empty() {
                    let _ = write!(
                        out,
                        r##"<text x="{:.1}" y="{:.1}" font-size="10" font-weight="600" fill="#7a7f8c">{}</text>"##,
                        r.x + 8.0,
                        r.bottom() - 7.0,
                        escape(&label)
                    );
                } else if !e.cites.is_empty() {
                    cards.badge(&mut out, (r.x + 6.0, r.bottom() - 22.0), &e.cites);
                }
            }
            Kind::Shape => {
                let fill = color(&e.color, "#dbeafe");
                if e.shape == "ellipse" {
                    let (cx, cy) = r.center();
                    let _ = write!(
                        out,
                        r##"<ellipse cx="{cx:.1}" cy="{cy:.1}" rx="{:.1}" ry="{:.1}" fill="{fill}" stroke="#5b6272" stroke-width="2"/>"##,
                        r.w / 2.0,
                        r.h / 2.0
                    );
                } else if let Some(href) = content.image_href(&e.image) {
                    let _ = write!(
                        out,
                        r##"<image href="{href}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" preserveAspectRatio="xMidYMid slice"/>"##,
                        r.x, r.y, r.w, r.h
                    );
                } else {
                    let _ = write!(
                        out,
                        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{fill}" stroke="#5b6272" stroke-width="2"/>"##,
                        r.x, r.y, r.w, r.h
                    );
                }
                if e.image.is_empty() {
                    text_block(&mut out, r, &e.text, 22.0, true, "#1f2430", false);
                }
            }
            Kind::Text => text_block(
                &mut out,
                r,
                &e.text,
                40.0,
                false,
                color(&e.color, "#1f2430"),
                false,
            ),
            Kind::Connector => {
                let ends = e
                    .from
                    .as_deref()
                    .and_then(|f| by_id.get(f))
                    .zip(e.to.as_deref().and_then(|t| by_id.get(t)));
                if let Some((a, b)) = ends {
                    let (ra, rb) = (a.rect(), b.rect());
                    let (ca, cb) = (ra.center(), rb.center());
                    let (x1, y1) = ra.exit_towards(cb.0, cb.1);
                    let (x2, y2) = rb.exit_towards(ca.0, ca.1);
                    let _ = write!(
                        out,
                        r##"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{}" stroke-width="2.5" marker-end="url(#arrow)"/>"##,
                        color(&e.color, "#5b6272")
                    );
                }
            }
            Kind::Persona | Kind::Journey => {
                let _ = write!(
                    out,
                    r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="14" fill="#ffffff" stroke="#e4e2dc"/><path d="M{:.1} {:.1}a14 14 0 0 1 14 -14h{:.1}a14 14 0 0 1 14 14z" fill="{}"/>"##,
                    r.x,
                    r.y,
                    r.w,
                    r.h,
                    r.x,
                    r.y + 14.0,
                    r.w - 28.0,
                    color(&e.color, "#e4572e"),
                );
                if let Some((inner, _)) = grown.get(e.id.as_str()) {
                    out.push_str(inner);
                }
            }
            Kind::Other(_) => {}
        }
    }
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrapping_is_by_words_bounded_and_linear() {
        let (lines, more) = super::wrap("one two three four", 9, 10);
        assert_eq!(lines, ["one two", "three", "four"]);
        assert!(!more);
        let (lines, more) = super::wrap("one two three four", 9, 2);
        assert_eq!(lines, ["one two", "three"]);
        assert!(more);
        let (lines, _) = super::wrap("abcdefghij", 4, 10);
        assert_eq!(lines, ["abcd", "efgh", "ij"], "a long word is cut");
        let (lines, more) = super::wrap("a\n\nb", 10, 10);
        assert_eq!((lines.len(), more), (3, false));
        // Megabytes in one note: only what the lines hold is read.
        let huge = "word ".repeat(500_000);
        let (lines, more) = super::wrap(&huge, 30, 5);
        assert_eq!(lines.len(), 5);
        assert!(more);
    }

    use super::*;
    use crate::BoardMeta;

    fn element(id: &str, kind: Kind, x: f64, y: f64) -> Element {
        Element::new(id, kind, x, y)
    }

    /// The words of the picture's text, in order.
    fn words(svg: &str) -> String {
        svg.split("<tspan")
            .skip(1)
            .filter_map(|t| t.split('>').nth(1)?.split('<').next())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn cards_and_maps_hold_their_whole_text_and_grow_with_it() {
        let long = "Artisan, travaille seul, toujours sur chantier, fait ses devis le soir \
            après le dîner et ne répond au téléphone qu'entre deux interventions urgentes fin";
        let mut persona = crate::persona::Persona::blank();
        persona.name = "Julien".into();
        persona.quote = long.into();
        persona.sections[0].1 = (0..12)
            .map(|i| crate::persona::Line {
                id: format!("l{i}"),
                text: format!("{long} {i}"),
                cites: vec![],
            })
            .collect();
        let mut card = element("p", Kind::Persona, 0.0, 0.0);
        (card.w, card.h) = (900.0, 600.0);
        card.persona = Some(Box::new(persona));
        let mut journey = crate::journey::Journey::new(crate::Lang::En, "current", {
            let mut n = 0;
            move || {
                n += 1;
                format!("j{n}")
            }
        });
        let (lane, stage) = (journey.lanes[0].id.clone(), journey.stages[0].id.clone());
        journey.stages[0].name = long.into();
        journey.cells.insert(
            crate::journey::cell_key(&lane, &stage),
            format!("Calls the agency\n{long}"),
        );
        let mut map = element("j", Kind::Journey, 0.0, 2000.0);
        (map.w, map.h) = (1400.0, 500.0);
        map.journey = Some(Box::new(journey));
        let content = Content {
            meta: BoardMeta::default(),
            elements: vec![card, map],
            ..Content::default()
        };
        let picture = svg(&content, None).unwrap();
        let text = words(&picture);
        // Every line whole, to its last word, and the cell's entries bulleted.
        for i in 0..12 {
            assert!(
                text.contains(&format!("urgentes fin {i}")),
                "line {i}: {text}"
            );
        }
        assert!(text.contains("• Calls the agency"), "{text}");
        assert_eq!(
            text.matches("urgentes fin").count(),
            12 + 1 + 1 + 1,
            "{text}"
        );
        assert!(!text.contains('…'), "nothing cut: {text}");
        // The card grew past its stored height, and the picture with it.
        let height: f64 = picture
            .split("height=\"")
            .nth(1)
            .and_then(|h| h.split('"').next()?.parse().ok())
            .unwrap();
        assert!(height > 2000.0 + 500.0 + 100.0, "{height}");
    }

    #[test]
    fn the_board_and_one_frame_as_pictures() {
        let mut frame = element("f", Kind::Frame, 0.0, 0.0);
        frame.text = "Pains & <gains>".into();
        let mut inside = element("a", Kind::Note, 40.0, 40.0);
        inside.text = "Trop de papiers à remplir pour un simple bris de glace".into();
        inside.parent = Some("f".into());
        inside.source.interviewee = "C01".into();
        let mut outside = element("b", Kind::Note, 2000.0, 0.0);
        outside.text = "Elsewhere".into();
        let mut link = element("c", Kind::Connector, 0.0, 0.0);
        link.from = Some("a".into());
        link.to = Some("b".into());
        let content = Content {
            meta: BoardMeta::default(),
            elements: vec![frame, inside, outside, link],
            ..Content::default()
        };
        let board = svg(&content, None).unwrap();
        assert!(board.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(board.ends_with("</svg>"));
        assert!(board.contains("Pains &amp; &lt;gains&gt;"), "escaped");
        assert!(board.contains("Elsewhere"));
        assert!(board.contains("marker-end"), "the connector");
        assert!(board.contains(">C01<"));
        // Every line of the note's text is there, in order.
        let words: String = board
            .split("<tspan")
            .skip(1)
            .filter_map(|t| t.split('>').nth(1)?.split('<').next())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(words.contains("Trop de papiers"), "{words}");
        let only = svg(&content, Some("f")).unwrap();
        assert!(!only.contains("Elsewhere"), "only the frame's content");
        assert!(
            !only.contains("marker-end"),
            "a connector to outside is left out"
        );
        assert!(svg(&content, Some("a")).is_none(), "not a frame");
        assert!(svg(&Content::default(), None).is_none());
    }
}
