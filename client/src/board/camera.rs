//! The camera: where the board is on screen and how large.

use atelier_shared::Rect;

pub const MIN_ZOOM: f64 = 0.05;
pub const MAX_ZOOM: f64 = 4.0;

/// Screen position = board position × `zoom` + (`x`, `y`), in CSS pixels
/// relative to the canvas' top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        }
    }
}

impl Camera {
    pub fn to_board(self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.x) / self.zoom, (sy - self.y) / self.zoom)
    }

    pub fn to_screen(self, bx: f64, by: f64) -> (f64, f64) {
        (bx * self.zoom + self.x, by * self.zoom + self.y)
    }

    pub fn rect_to_screen(self, r: Rect) -> Rect {
        let (x, y) = self.to_screen(r.x, r.y);
        Rect {
            x,
            y,
            w: r.w * self.zoom,
            h: r.h * self.zoom,
        }
    }

    /// The part of the board a `w` × `h` canvas shows.
    pub fn visible(self, w: f64, h: f64) -> Rect {
        let (x, y) = self.to_board(0.0, 0.0);
        Rect {
            x,
            y,
            w: w / self.zoom,
            h: h / self.zoom,
        }
    }

    /// Zooms to `zoom`, keeping the board point under (`sx`, `sy`) still.
    pub fn zoom_at(self, sx: f64, sy: f64, zoom: f64) -> Camera {
        let zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
        let (bx, by) = self.to_board(sx, sy);
        Camera {
            x: sx - bx * zoom,
            y: sy - by * zoom,
            zoom,
        }
    }

    /// Shows `r` whole in a `w` × `h` canvas, with a margin, at most 100 %.
    pub fn fit(r: Rect, w: f64, h: f64) -> Camera {
        let margin = 64.0;
        let zoom = ((w - 2.0 * margin) / r.w.max(1.0))
            .min((h - 2.0 * margin) / r.h.max(1.0))
            .clamp(MIN_ZOOM, 1.0);
        let (cx, cy) = r.center();
        Camera {
            x: w / 2.0 - cx * zoom,
            y: h / 2.0 - cy * zoom,
            zoom,
        }
    }

    /// Shows `r` whole in the part `area` of the canvas (the part no
    /// chrome covers), with a small margin, at most 100 %.
    pub fn fit_within(r: Rect, area: Rect) -> Camera {
        let margin = 24.0;
        let zoom = ((area.w - 2.0 * margin) / r.w.max(1.0))
            .min((area.h - 2.0 * margin) / r.h.max(1.0))
            .clamp(MIN_ZOOM, 1.0);
        let (cx, cy) = r.center();
        let (sx, sy) = area.center();
        Camera {
            x: sx - cx * zoom,
            y: sy - cy * zoom,
            zoom,
        }
    }

    /// Centres board point (`bx`, `by`) in a `w` × `h` canvas.
    pub fn centered_on(self, bx: f64, by: f64, w: f64, h: f64) -> Camera {
        Camera {
            x: w / 2.0 - bx * self.zoom,
            y: h / 2.0 - by * self.zoom,
            zoom: self.zoom,
        }
    }

    /// The culling rectangle: the visible part grown by an eighth of a
    /// screen on every side and rounded outwards to a grid whose step is a power of
    /// two, so neither small pans nor small zooms change it (and nothing
    /// is re-rendered until they add up).
    pub fn culling(self, w: f64, h: f64) -> Rect {
        let v = self.visible(w, h);
        let step = 2f64.powf((v.w.max(v.h) / 8.0).max(1.0).log2().ceil());
        let snap_down = |a: f64| (a / step).floor() * step;
        let snap_up = |a: f64| (a / step).ceil() * step;
        let x0 = snap_down(v.x - v.w / 8.0);
        let y0 = snap_down(v.y - v.h / 8.0);
        let x1 = snap_up(v.right() + v.w / 8.0);
        let y1 = snap_up(v.bottom() + v.h / 8.0);
        Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        }
    }
}
