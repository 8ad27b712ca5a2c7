//! The Kano model on two axes: functional fulfilment (left, not fulfilled;
//! right, fully fulfilled) and satisfaction (bottom, dissatisfied; top,
//! delighted). The Kano board's plane (zone `kano/plane`) draws the three
//! classic curves, and an expectation placed on it takes the class of the
//! curve nearest to it:
//!
//! - **basic** (must-be): dissatisfaction when missing, no more than
//!   neutral when there, `v = -(1 - t)²` with `t = (u + 1) / 2`;
//! - **performance**: satisfaction grows with fulfilment, `v = u`;
//! - **attractive** (delighter): neutral when missing, delight when there,
//!   `v = t²`.
//!
//! `u` and `v` run from -1 to 1 across the plane. The stylesheet's
//! drawing of the plane (`assets/atelier.css`, `kano/plane`) and the SVG
//! export's ([`path`]) follow these curves.

use crate::element::Rect;
use crate::lang::Lang;

/// The zone of a Kano board that is the plane of the two axes.
pub const PLANE: &str = "kano/plane";

/// A class of the Kano model, in the order the report lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Basic,
    Performance,
    Attractive,
}

pub const CLASSES: [Class; 3] = [Class::Basic, Class::Performance, Class::Attractive];

impl Class {
    /// The class's curve: satisfaction `v` at fulfilment `u` (both -1..1).
    pub fn curve(self, u: f64) -> f64 {
        let t = (u.clamp(-1.0, 1.0) + 1.0) / 2.0;
        match self {
            Class::Basic => -(1.0 - t) * (1.0 - t),
            Class::Performance => u.clamp(-1.0, 1.0),
            Class::Attractive => t * t,
        }
    }

    /// Its name, in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Class::Basic, Lang::En) => "Basic",
            (Class::Basic, Lang::Fr) => "Basiques",
            (Class::Performance, Lang::En) => "Performance",
            (Class::Performance, Lang::Fr) => "Performance",
            (Class::Attractive, Lang::En) => "Attractive",
            (Class::Attractive, Lang::Fr) => "Attractifs",
        }
    }

    /// What it means, in `lang`.
    pub fn about(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Class::Basic, Lang::En) => "must-be: expected, noticed only when missing",
            (Class::Basic, Lang::Fr) => {
                "incontournables : attendus, remarqués seulement s'ils manquent"
            }
            (Class::Performance, Lang::En) => "more is better: satisfaction grows with them",
            (Class::Performance, Lang::Fr) => {
                "proportionnels : plus il y en a, plus le client est satisfait"
            }
            (Class::Attractive, Lang::En) => "delighters: the wow nobody asked for",
            (Class::Attractive, Lang::Fr) => "enchanteurs : l'effet waouh que personne n'a demandé",
        }
    }
}

/// Where `at` (a point on the board) sits on `plane`: (fulfilment,
/// satisfaction), each from -1 to 1 (clamped), satisfaction up.
pub fn position(plane: Rect, at: (f64, f64)) -> (f64, f64) {
    let span = |d: f64, len: f64| {
        if len > 0.0 {
            (2.0 * d / len - 1.0).clamp(-1.0, 1.0)
        } else {
            0.0
        }
    };
    (
        span(at.0 - plane.x, plane.w),
        -span(at.1 - plane.y, plane.h),
    )
}

/// The class of an expectation whose card is `card` on `plane`: the curve
/// nearest its centre, measured up or down (a tie goes to performance,
/// the middle curve).
pub fn classify(plane: Rect, card: Rect) -> Class {
    let (u, v) = position(plane, (card.x + card.w / 2.0, card.y + card.h / 2.0));
    let gap = |c: Class| (v - c.curve(u)).abs();
    let mut best = Class::Performance;
    for c in CLASSES {
        if gap(c) < gap(best) {
            best = c;
        }
    }
    best
}

/// Curve `class` across `plane`, as an SVG path's data (board units).
pub fn path(class: Class, plane: Rect) -> String {
    const STEPS: usize = 24;
    let mut d = String::new();
    for i in 0..=STEPS {
        let u = -1.0 + 2.0 * i as f64 / STEPS as f64;
        let v = class.curve(u);
        let x = plane.x + (u + 1.0) / 2.0 * plane.w;
        let y = plane.y + (1.0 - v) / 2.0 * plane.h;
        d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane() -> Rect {
        Rect {
            x: 100.0,
            y: 100.0,
            w: 1000.0,
            h: 800.0,
        }
    }

    /// A card of 200 × 100 centred on (u, v).
    fn card_at(u: f64, v: f64) -> Rect {
        let p = plane();
        let cx = p.x + (u + 1.0) / 2.0 * p.w;
        let cy = p.y + (1.0 - v) / 2.0 * p.h;
        Rect {
            x: cx - 100.0,
            y: cy - 50.0,
            w: 200.0,
            h: 100.0,
        }
    }

    #[test]
    fn an_expectation_takes_the_class_of_the_nearest_curve() {
        // Missing makes them angry, present is only normal: basic.
        assert_eq!(classify(plane(), card_at(0.8, -0.1)), Class::Basic);
        assert_eq!(classify(plane(), card_at(-0.9, -0.9)), Class::Performance);
        assert_eq!(classify(plane(), card_at(-0.2, -0.6)), Class::Basic);
        // Along the diagonal: performance.
        assert_eq!(classify(plane(), card_at(0.5, 0.5)), Class::Performance);
        // Delight without being asked for: attractive.
        assert_eq!(classify(plane(), card_at(-0.6, 0.1)), Class::Attractive);
        assert_eq!(classify(plane(), card_at(0.7, 0.95)), Class::Attractive);
        assert_eq!(classify(plane(), card_at(-1.0, 1.0)), Class::Attractive);
        // Off the plane: as at its nearest edge.
        assert_eq!(classify(plane(), card_at(3.0, -3.0)), Class::Basic);
    }

    #[test]
    fn the_curves_meet_where_the_model_says() {
        // Fully fulfilled: a basic need is neutral, a delighter delights.
        assert_eq!(Class::Basic.curve(1.0), 0.0);
        assert_eq!(Class::Attractive.curve(1.0), 1.0);
        // Missing: a basic need angers, a delighter is not missed.
        assert_eq!(Class::Basic.curve(-1.0), -1.0);
        assert_eq!(Class::Attractive.curve(-1.0), 0.0);
        let d = path(Class::Performance, plane());
        assert!(d.starts_with("M100.0,900.0 L"), "{d}");
        assert!(d.ends_with("L1100.0,100.0"), "{d}");
    }
}
