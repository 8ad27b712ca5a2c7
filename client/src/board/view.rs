//! How each kind of element is drawn, in board units inside the world
//! layer (the camera's transform scales them).

use atelier_shared::{Element, Kind, diff};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::model::{model, ui};
use super::ops;

/// One element by id; nothing for kinds this version does not draw.
pub fn element(id: String) -> AnyView {
    let Some(signal) = model().scene.signal(&id) else {
        return ().into_any();
    };
    let kind = signal.with_untracked(|e| e.kind.clone());
    match kind {
        Kind::Note | Kind::Text | Kind::Shape => boxed(id, signal).into_any(),
        Kind::Frame => frame(id, signal).into_any(),
        Kind::Connector => connector(id, signal).into_any(),
        Kind::Persona => super::persona::persona(id, signal).into_any(),
        Kind::Journey => super::journey::journey(id, signal).into_any(),
        Kind::Other(_) => ().into_any(),
    }
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
        (Kind::Note, true) => fit_font(&format!("« {text} »"), w, h - 12.0, max),
        (Kind::Note, false) => fit_font(text, w, h - 12.0, max),
        _ => fit_font(text, w, h, max),
    }
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

fn boxed(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let ui = ui();
    let sel_id = id.clone();
    let edit_id = id.clone();
    let is_editing = Memo::new(move |_| ui.editing.with(|e| e.as_deref() == Some(&edit_id)));
    let s = signal.clone();
    let class = move || {
        let selected = ui.selection.with(|sel| sel.contains(&sel_id));
        s.with(|e| {
            let mut class = format!("el el-{}", e.kind.as_str());
            if e.kind == Kind::Shape {
                class.push_str(if e.shape == "ellipse" {
                    " shape-ellipse"
                } else {
                    " shape-rect"
                });
            }
            match e.source.origin {
                Some(atelier_shared::Origin::Verbatim) => class.push_str(" verbatim"),
                Some(atelier_shared::Origin::Observation) => class.push_str(" observation"),
                None => {}
            }
            let highlighted = ui.highlight.with(|h| h.as_ref().map(|h| h.contains(&e.id)));
            match highlighted {
                Some(true) => class.push_str(" source"),
                Some(false) if e.kind == Kind::Note => class.push_str(" dimmed"),
                _ => {
                    if ui.filter.with(|f| super::model::is_dimmed(e, f)) {
                        class.push_str(" dimmed");
                    }
                }
            }
            if selected {
                class.push_str(" selected");
            }
            if ui.facilitation.with(|f| f.locked.contains(&e.id)) {
                class.push_str(" locked");
            }
            if e.kind == Kind::Note && super::private::is_private(&e.id) {
                class.push_str(" private");
            }
            if is_editing.get() {
                class.push_str(" editing");
            }
            class
        })
    };
    let s = signal.clone();
    let style = move || {
        s.with(|e| {
            let color = safe_color(&e.color);
            let paint = match e.kind {
                Kind::Text => format!("color:{color}"),
                _ => format!("background:{color}"),
            };
            format!(
                "transform:translate({}px,{}px);width:{}px;height:{}px;z-index:{};{paint}",
                e.x,
                e.y,
                e.w,
                e.h,
                z_index(e.z)
            )
        })
    };
    let s = signal.clone();
    let font = Memo::new(move |_| {
        s.with(|e| {
            let verbatim = e.source.origin == Some(atelier_shared::Origin::Verbatim);
            label_font(&e.kind, &e.text, e.w, e.h, verbatim)
        })
    });
    let s = signal.clone();
    // An interview note shows who said it (interviewee · interview) and
    // who collected it; any other note, who wrote it.
    let author = move || {
        s.with(|e| match e.kind {
            Kind::Note if !e.source.interviewer.is_empty() => e.source.interviewer.clone(),
            Kind::Note => e.author.clone(),
            _ => String::new(),
        })
    };
    let s = signal.clone();
    let source = move || s.with(|e| e.source.label());
    // Where this note is cited: its own memo, so a citation elsewhere does
    // not redraw it.
    let cited = {
        let id = id.clone();
        Memo::new(move |_| ui.cited.with(|c| c.get(&id).cloned()))
    };
    // An empathy-map item: its evidence, or a flag.
    let support_cites = {
        let s = signal.clone();
        Memo::new(move |_| s.with(|e| e.cites.clone()))
    };
    let support = {
        let s = signal.clone();
        Memo::new(move |_| {
            if !s.with(super::cite::is_item_element) {
                return None;
            }
            let cites = support_cites.get();
            if !cites.is_empty() {
                // A cited note deleted or edited elsewhere.
                ui.look.track();
            }
            Some(super::cite::support_of(&cites))
        })
    };
    let s = signal.clone();
    let text_id = id.clone();
    let vote_id = id.clone();
    let comment_id = id.clone();
    view! {
        <div class=class data-id=id style=style>
            {move || if is_editing.get() {
                editor(text_id.clone(), s.clone(), font).into_any()
            } else {
                let s = s.clone();
                view! {
                    <div class="el-label" style=move || format!("font-size:{}px", font.get())>
                        {move || s.with(|e| e.text.clone())}
                    </div>
                }.into_any()
            }}
            <span class="el-source">{source}</span>
            {move || {
                let places = cited.get().unwrap_or_default();
                (!places.is_empty()).then(|| {
                    let n = places.len();
                    let title = format!(
                        "{}\n{}",
                        crate::tr("Cited by (click to show):", "Citée par (cliquer pour voir) :"),
                        places.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")
                    );
                    let by: Vec<String> = places.into_iter().map(|(id, _)| id).collect();
                    view! {
                        <span class="el-cited" title=title
                            on:pointerdown=|ev| ev.stop_propagation()
                            on:click=move |_| ui.select(by.clone())>
                            "❝ "{n}
                        </span>
                    }
                })
            }}
            {move || support.get().map(|support| {
                let none = support.notes == 0;
                let label = support.label_in(crate::ui_lang());
                view! {
                    <button class="el-support" class:none=none
                        title=if none {
                            crate::tr("Nothing backs this item yet: drag interview notes onto it", "Rien n'appuie encore cet élément : glissez-y des notes d'entretien")
                        } else {
                            crate::tr("Highlight the notes it cites", "Mettre en évidence les notes citées")
                        }
                        on:pointerdown=|ev| ev.stop_propagation()
                        on:click=move |_| {
                            let cites = support_cites.with_untracked(|c| c.clone());
                            if !cites.is_empty() {
                                ui.highlight.set(Some(cites.into_iter().collect()));
                            }
                        }>
                        {label}
                    </button>
                }
            })}
            <span class="el-author">{author}</span>
            {super::facilitate::vote_marks(vote_id)}
            {super::comments::badge(comment_id)}
        </div>
    }
}

/// The text field of the element being edited. Typing is written to the
/// element's Y.Text as the smallest change; others' typing in the same
/// text comes in without moving this user's caret.
fn editor(id: String, signal: ArcRwSignal<Element>, font: Memo<f64>) -> impl IntoView {
    let ui = ui();
    let field = NodeRef::<html::Textarea>::new();
    let initial = signal.with_untracked(|e| e.text.clone());
    follow_field(
        move |tracked| {
            if tracked {
                field.get()
            } else {
                field.get_untracked()
            }
        },
        signal.clone(),
        false,
    );
    let input_id = id.clone();
    view! {
        <textarea
            class="el-editor"
            node_ref=field
            prop:value=initial
            style=move || format!("font-size:{}px", font.get())
            on:input=move |ev| ops::edit_text(&input_id, &event_target_value(&ev))
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                ev.stop_propagation();
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    ui.editing.set(None);
                }
            }
            on:blur=move |_| {
                ops::end_step();
                if ui.editing.get_untracked().as_deref() == Some(id.as_str()) {
                    ui.editing.set(None);
                }
            }
            on:pointerdown=|ev| ev.stop_propagation()
        ></textarea>
    }
}

fn frame(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let ui = ui();
    let sel_id = id.clone();
    let edit_id = id.clone();
    let is_editing = Memo::new(move |_| ui.editing.with(|e| e.as_deref() == Some(&edit_id)));
    let s = signal.clone();
    let style = move || {
        s.with(|e| {
            format!(
                "transform:translate({}px,{}px);width:{}px;height:{}px;z-index:{};background:{}",
                e.x,
                e.y,
                e.w,
                e.h,
                frame_z_index(e.w, e.h),
                frame_color(&e.color)
            )
        })
    };
    let class = move || {
        if ui.selection.with(|sel| sel.contains(&sel_id)) {
            "el el-frame selected"
        } else {
            "el el-frame"
        }
    };
    let s = signal.clone();
    let title_id = id.clone();
    view! {
        <div class=class style=style>
            <div class="frame-title" data-id=id.clone()>
                {move || if is_editing.get() {
                    frame_title_editor(title_id.clone(), s.clone()).into_any()
                } else {
                    let s = s.clone();
                    view! {
                        <span>{move || s.with(|e| if e.text.is_empty() { crate::tr("Frame", "Cadre").to_owned() } else { e.text.clone() })}</span>
                    }.into_any()
                }}
            </div>
        </div>
    }
}

fn frame_title_editor(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let ui = ui();
    let field = NodeRef::<html::Input>::new();
    follow_field(
        move |tracked| {
            if tracked {
                field.get()
            } else {
                field.get_untracked()
            }
        },
        signal.clone(),
        true,
    );
    let input_id = id.clone();
    view! {
        <input
            class="frame-title-editor"
            node_ref=field
            prop:value=signal.with_untracked(|e| e.text.clone())
            on:input=move |ev| ops::edit_text(&input_id, &event_target_value(&ev))
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                ev.stop_propagation();
                if ev.key() == "Escape" || ev.key() == "Enter" {
                    ev.prevent_default();
                    ui.editing.set(None);
                }
            }
            on:blur=move |_| {
                ops::end_step();
                if ui.editing.get_untracked().as_deref() == Some(id.as_str()) {
                    ui.editing.set(None);
                }
            }
            on:pointerdown=|ev| ev.stop_propagation()
        />
    }
}

/// A text field the user may be typing in: the textarea of an element or
/// the input of a frame title.
pub(super) trait TextField {
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
fn follow_field<T: TextField + 'static>(
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
pub(super) fn take_remote(field: &impl TextField, text: &str) {
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

fn connector(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let ui = ui();
    let (from, to) = signal.with_untracked(|e| (e.from.clone(), e.to.clone()));
    let scene = &model().scene;
    let (Some(a), Some(b)) = (
        from.and_then(|f| scene.signal(&f)),
        to.and_then(|t| scene.signal(&t)),
    ) else {
        return ().into_any();
    };
    let path = move || {
        let ra = a.with(|e| e.rect());
        let rb = b.with(|e| e.rect());
        let (bx, by) = rb.center();
        let (ax, ay) = ra.center();
        let (x1, y1) = ra.exit_towards(bx, by);
        let (x2, y2) = rb.exit_towards(ax, ay);
        format!("M{x1:.1} {y1:.1} L{x2:.1} {y2:.1}")
    };
    let sel_id = id.clone();
    let class = move || {
        if ui.selection.with(|sel| sel.contains(&sel_id)) {
            "el-connector selected"
        } else {
            "el-connector"
        }
    };
    let s = signal.clone();
    let style = move || s.with(|e| format!("z-index:{}", z_index(e.z)));
    let s = signal.clone();
    let stroke = move || s.with(|e| safe_color(&e.color).to_owned());
    view! {
        <svg class=class style=style>
            <path class="hit" d=path.clone() data-id=id.clone()></path>
            <path class="line" d=path stroke=stroke marker-end="url(#atelier-arrow)"></path>
        </svg>
    }
    .into_any()
}

/// Stacking order as a CSS z-index (frames may go below zero).
pub(super) fn z_index(z: f64) -> i64 {
    (z.round() as i64).clamp(-1_000_000, 1_000_000)
}

/// Frames stack below every other element, and a smaller frame above a
/// larger one (so a frame drawn inside another, or around it, shows).
fn frame_z_index(w: f64, h: f64) -> i64 {
    -2_000_000 - ((w * h / 1000.0).round() as i64).clamp(0, 1_000_000)
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
