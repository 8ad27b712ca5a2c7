//! What every view of the board shares: colours, fonts, stacking, the
//! board's language, and the text fields people type in (others' edits
//! come in without moving this user's caret).

use atelier_shared::templates::Lang;
use atelier_shared::{Element, Kind, diff};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::model::model;

/// Stacking order as a CSS z-index (frames may go below zero).
pub fn z_index(z: f64) -> i64 {
    (z.round() as i64).clamp(-1_000_000, 1_000_000)
}

/// A colour from the document goes into inline styles: anything but a
/// plain hex colour falls back to the note yellow.
pub fn safe_color(c: &str) -> &str {
    atelier_shared::color_or(c, "#fff3a3")
}

/// A frame's fill: white unless it has a colour of its own.
pub fn frame_color(c: &str) -> &str {
    atelier_shared::color_or(c, "#ffffff")
}

/// The element under a DOM event's target, if any.
pub fn target_id(target: Option<web_sys::EventTarget>) -> Option<String> {
    let el: web_sys::Element = target?.dyn_into().ok()?;
    el.closest("[data-id]").ok()??.get_attribute("data-id")
}

/// A note colour of [`NOTE_COLORS`] in the language of the interface: its
/// name, and what its notes are called ("Yellow", "Yellow notes").
pub fn color_name(en: &'static str) -> (&'static str, String) {
    let fr = match en {
        "Yellow" => ("Jaune", "Notes jaunes"),
        "Orange" => ("Orange", "Notes orange"),
        "Pink" => ("Rose", "Notes roses"),
        "Violet" => ("Violet", "Notes violettes"),
        "Blue" => ("Bleu", "Notes bleues"),
        "Teal" => ("Turquoise", "Notes turquoise"),
        "Green" => ("Vert", "Notes vertes"),
        "Grey" => ("Gris", "Notes grises"),
        _ => return (en, format!("{en} notes")),
    };
    match crate::lang::ui_lang() {
        Lang::En => (en, format!("{en} notes")),
        Lang::Fr => (fr.0, fr.1.to_owned()),
    }
}

/// The board's template language (chosen at its creation), else the
/// browser's.
pub fn board_lang() -> Lang {
    let model = model();
    let lang = model.board.meta(&yrs::Transact::transact(&model.doc)).lang;
    if lang.is_empty() {
        crate::lang::browser_lang()
    } else {
        Lang::parse(&lang)
    }
}

/// The board's title (as it is now).
pub fn board_title() -> String {
    let model = model();
    model.board.meta(&yrs::Transact::transact(&model.doc)).title
}

/// The largest font size of an element's text (board units).
pub fn max_font(kind: &Kind) -> f64 {
    match kind {
        Kind::Text => 40.0,
        Kind::Shape => 22.0,
        _ => 24.0,
    }
}

/// The font size of an element's label, as its view draws it: a note keeps
/// its bottom line free for who said or wrote it, and a verbatim is shown
/// in quotes.
pub fn label_font(kind: &Kind, text: &str, w: f64, h: f64, verbatim: bool) -> f64 {
    let max = max_font(kind);
    match (kind, verbatim) {
        (Kind::Note, true) => note_font(&format!("«\u{a0}{text}\u{a0}»"), w, h),
        (Kind::Note, false) => note_font(text, w, h),
        _ => fit_font(text, w, h, max),
    }
}

/// A note's font size: one readable size for its size (18 on a default
/// note), the same on every note of that size; a long text shrinks it, a
/// few steps down, never below 9.
pub fn note_font(text: &str, w: f64, h: f64) -> f64 {
    let base = atelier_shared::note_font(w, h);
    let (tw, th) = ((w - 20.0).max(10.0), (h - 32.0).max(10.0));
    [1.0, 0.85, 0.72, 0.6, 0.5]
        .into_iter()
        .map(|scale| (base * scale).round().max(9.0))
        .find(|size| wrapped_lines(text, tw / (size * 0.6)) * size * 1.3 <= th)
        .unwrap_or(9.0)
}

/// The font size that lets `text` fill a `w` × `h` box without overflowing
/// (an estimate from average glyph width, no layout pass).
pub fn fit_font(text: &str, w: f64, h: f64, max: f64) -> f64 {
    let (w, h) = ((w - 20.0).max(10.0), (h - 20.0).max(10.0));
    let mut size = max;
    while size > 8.0 {
        if wrapped_lines(text, w / (size * 0.6)) * size * 1.3 <= h {
            break;
        }
        size -= 1.0;
    }
    size
}

/// Lines `text` takes when wrapped at `per_line` characters, word by word.
fn wrapped_lines(text: &str, per_line: f64) -> f64 {
    let per_line = per_line.floor().max(1.0) as usize;
    let mut lines = 0usize;
    for paragraph in text.split('\n') {
        let mut used = 0usize;
        lines += 1;
        for word in paragraph.split(' ') {
            let len = word.chars().count();
            if used > 0 && used + 1 + len > per_line {
                lines += 1;
                used = 0;
            }
            used += if used > 0 { len + 1 } else { len };
            while used > per_line {
                lines += 1;
                used -= per_line;
            }
        }
    }
    lines as f64
}

/// A text field the user may be typing in: the textarea of an element or
/// the input of a frame title.
pub trait TextField {
    fn value(&self) -> String;
    fn set_value(&self, value: &str);
    fn selection(&self) -> (u32, u32);
    fn select(&self, a: u32, b: u32);
    fn focus_field(&self);
    fn select_all(&self);
}

macro_rules! text_field {
    ($t:ty) => {
        impl TextField for $t {
            fn value(&self) -> String {
                <$t>::value(self)
            }
            fn set_value(&self, value: &str) {
                <$t>::set_value(self, value)
            }
            fn selection(&self) -> (u32, u32) {
                (
                    self.selection_start().ok().flatten().unwrap_or(0),
                    self.selection_end().ok().flatten().unwrap_or(0),
                )
            }
            fn select(&self, a: u32, b: u32) {
                let _ = self.set_selection_range(a, b);
            }
            fn focus_field(&self) {
                let _ = self.focus();
            }
            fn select_all(&self) {
                <$t>::select(self)
            }
        }
    };
}
text_field!(web_sys::HtmlTextAreaElement);
text_field!(web_sys::HtmlInputElement);

/// Wires the text field `get` returns (`get(true)` tracks it) to the
/// element in `signal`: focused once it is in the page (a node ref is set
/// before that), caret at the end or everything selected; others' edits
/// come in without moving this user's caret.
pub fn follow_field<T: TextField + 'static>(
    get: impl Fn(bool) -> Option<T> + Copy + 'static,
    signal: ArcRwSignal<Element>,
    select_all: bool,
) {
    Effect::new(move |_| {
        if get(true).is_some() {
            request_animation_frame(move || {
                if let Some(el) = get(false) {
                    el.focus_field();
                    if select_all {
                        el.select_all();
                    } else {
                        let end = el.value().encode_utf16().count() as u32;
                        el.select(end, end);
                    }
                }
            });
        }
    });
    Effect::new(move |_| {
        let text = signal.with(|e| e.text.clone());
        if let Some(el) = get(false) {
            take_remote(&el, &text);
        }
    });
}

/// Shows `text` (changed by someone else) in `field` without moving this
/// user's caret or selection.
pub fn take_remote(field: &impl TextField, text: &str) {
    let current = field.value();
    if current != text {
        let (a, b) = field.selection();
        let (a, b) = follow_caret(&current, text, a, b);
        field.set_value(text);
        field.select(a, b);
    }
}

/// Where a selection (`a`, `b`, UTF-16 offsets) in a field showing
/// `current` goes when someone else's edit turns it into `text`.
fn follow_caret(current: &str, text: &str, a: u32, b: u32) -> (u32, u32) {
    let (start, removed, inserted) = diff(current, text);
    let at = current[..start].encode_utf16().count() as u32;
    let removed = current[start..start + removed].encode_utf16().count() as u32;
    let inserted = inserted.encode_utf16().count() as u32;
    let shift = |pos: u32| {
        if pos <= at {
            pos
        } else if pos <= at + removed {
            at + inserted
        } else {
            pos - removed + inserted
        }
    };
    (shift(a), shift(b))
}

/// Who else is typing in text field `field` (see `sync::set_typing`):
/// their name and colour, the first of them.
pub fn typing_in(field: String) -> Memo<Option<(String, String)>> {
    let typing = super::model::ui().typing;
    Memo::new(move |_| typing.with(|t| t.get(&field).cloned()))
}

/// The tag on a field someone else is typing in: their name, in their
/// colour.
pub fn typing_tag(who: Memo<Option<(String, String)>>) -> impl IntoView {
    move || {
        who.get().map(|(name, color)| {
            let label = match crate::lang::ui_lang() {
                Lang::En => format!("{name} is typing"),
                Lang::Fr => format!("{name} écrit"),
            };
            view! {
                <span class="typing-tag" style=format!("background:{}", safe_color(&color)) role="status">{label}</span>
            }
        })
    }
}

/// What a screen reader says of an element: its kind, then its text
/// ("Note: Claims take weeks", "Frame: Pains").
pub fn spoken(e: &Element) -> String {
    let kind = match &e.kind {
        Kind::Note if e.source.origin == Some(atelier_shared::Origin::Verbatim) => {
            crate::lang::tr("Verbatim", "Verbatim")
        }
        kind => crate::lang::kind_word(kind),
    };
    let text = match &e.persona {
        Some(p) => p.name.clone(),
        None => e.text.chars().take(300).collect(),
    };
    let source = e.source.label();
    match (text.trim().is_empty(), source.is_empty()) {
        (true, _) => kind.to_owned(),
        (false, true) => format!("{kind}: {text}"),
        (false, false) => format!("{kind}: {text} ({source})"),
    }
}

/// An element took the keyboard's focus (Tab): it is selected, and
/// brought into view when it is not. (A click selects by itself.)
pub fn focused(ui: super::model::Ui, id: &str, ev: &leptos::ev::FocusEvent) {
    let keyboard = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.matches(":focus-visible").unwrap_or(false));
    if !keyboard || ui.selection.with_untracked(|s| s.contains(id)) {
        return;
    }
    ui.select([id.to_owned()]);
    let Some(r) = model().scene.rect(id) else {
        return;
    };
    let (w, h) = ui.viewport.get_untracked();
    let camera = ui.camera.get_untracked();
    let shown = camera.rect_to_screen(r);
    if shown.x < 0.0 || shown.y < 0.0 || shown.right() > w || shown.bottom() > h {
        let (cx, cy) = r.center();
        ui.camera.set(camera.centered_on(cx, cy, w, h));
    }
}
