//! How each kind of element is drawn, in board units inside the world
//! layer (the camera's transform scales them).

use atelier_shared::{Element, Kind};
use leptos::html;
use leptos::prelude::*;

use super::look::{follow_field, frame_color, label_font, safe_color, z_index};
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
                class.push_str(match e.shape.as_str() {
                    "ellipse" => " shape-ellipse",
                    "image" => " shape-image",
                    _ => " shape-rect",
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
            // Far out, the item dragged notes would cite.
            if ui.drop_target.with(|t| t.as_deref() == Some(e.id.as_str())) {
                class.push_str(" cite-drop");
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
                _ if !e.image.is_empty() => super::images::painted(&e.image),
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
    let text_id = id.clone();
    let vote_id = id.clone();
    let comment_id = id.clone();
    // Someone else typing in it: their colour around it, their name on it.
    let who = super::look::typing_in(id.clone());
    // For the keyboard and screen readers: its kind and text.
    let s = signal.clone();
    let label = move || s.with(super::look::spoken);
    let focus_id = id.clone();
    let s = signal.clone();
    view! {
        <div class=class data-id=id style=style tabindex="0" role="group" aria-label=label
            on:focus=move |ev| super::look::focused(ui, &focus_id, &ev)>
            {move || who.get().map(|(_, c)| view! {
                <span class="typing-ring" style=format!("border-color:{}", super::look::safe_color(&c))></span>
            })}
            {super::look::typing_tag(who)}
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
                        crate::lang::tr("Cited by (click to show):", "Citée par (cliquer pour voir) :"),
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
                let label = support.label_in(crate::lang::ui_lang());
                view! {
                    <button class="el-support" class:none=none
                        title=if none {
                            crate::lang::tr("Nothing backs this item yet: drag interview notes onto it", "Rien n'appuie encore cet élément : glissez-y des notes d'entretien")
                        } else {
                            crate::lang::tr("Highlight the notes it cites", "Mettre en évidence les notes citées")
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
            {super::votes::marks(vote_id)}
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
    let typing_id = id.clone();
    view! {
        <textarea
            class="el-editor"
            node_ref=field
            prop:value=initial
            style=move || format!("font-size:{}px", font.get())
            on:input=move |ev| ops::edit_text(&input_id, &event_target_value(&ev))
            on:focus=move |_| crate::sync::set_typing(Some(&typing_id))
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                ev.stop_propagation();
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    ui.editing.set(None);
                }
            }
            on:blur=move |_| {
                crate::sync::set_typing(None);
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
    let vote_id = id.clone();
    let label = {
        let s = signal.clone();
        move || s.with(super::look::spoken)
    };
    let focus_id = id.clone();
    // What the frame is in a template (Kano's plane draws its curves).
    let zone = signal.with_untracked(|e| e.zone.clone());
    view! {
        <div class=class style=style data-frame=id.clone() data-zone=zone tabindex="0" role="group" aria-label=label
            on:focus=move |ev| super::look::focused(ui, &focus_id, &ev)>
            {super::votes::marks(vote_id)}
            <div class="frame-title" data-id=id.clone()>
                {move || if is_editing.get() {
                    frame_title_editor(title_id.clone(), s.clone()).into_any()
                } else {
                    let s = s.clone();
                    view! {
                        <span>{move || s.with(|e| if e.text.is_empty() { crate::lang::tr("Frame", "Cadre").to_owned() } else { e.text.clone() })}</span>
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

/// Frames stack below every other element, and a smaller frame above a
/// larger one (so a frame drawn inside another, or around it, shows).
fn frame_z_index(w: f64, h: f64) -> i64 {
    -2_000_000 - ((w * h / 1000.0).round() as i64).clamp(0, 1_000_000)
}
