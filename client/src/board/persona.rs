//! The persona card: header fields, quote, objective, priority, primary,
//! and six sections of lines, every one edited in place and live for
//! everyone; each line shows how many notes (from how many interviewees)
//! support it, cites the selected notes, and highlights its sources.

use std::collections::{HashMap, HashSet};

use atelier_shared::analysis::{NOT_EVERY_NEED, TagCounts};
use atelier_shared::persona::{self, FIELDS, Line, OUTPUTS, PersonaEdit, Support, title};
use atelier_shared::{Element, Kind, Source};
use leptos::html;
use leptos::prelude::*;

use super::look::{self, take_remote, z_index};
use super::model::{model, ui};
use super::ops;

/// The board's notes, by id, with where they come from (for support
/// counts: a deleted note no longer counts).
pub(super) fn sources() -> HashMap<String, Source> {
    let scene = &model().scene;
    scene
        .ids()
        .into_iter()
        .filter_map(|id| scene.get(&id))
        .filter(|e| e.kind == Kind::Note)
        .map(|e| (e.id, e.source))
        .collect()
}

/// What Enter does in a field.
#[derive(Clone, Copy)]
pub(super) enum Enter {
    /// Ends the edit (a name, a title).
    Done,
    /// Starts a new entry in the text (a journey cell's next line).
    NewLine,
    /// Adds the next line of a persona section after this one.
    NextLine(&'static str),
}

/// A field of a card or a map: its text wraps and the field grows with it
/// (and the card or the map with the field); typed changes go to the
/// document as the smallest edit; others' edits come in without moving
/// the caret.
pub(super) fn field(
    class: &'static str,
    typing: String,
    placeholder: String,
    value: impl Fn() -> String + Clone + Send + Sync + 'static,
    write: impl Fn(String) + 'static,
) -> impl IntoView {
    field_with(class, typing, placeholder, value, write, Enter::Done, None)
}

/// [`field`], with what Enter does and, for a persona line, the new line
/// Enter adds: (persona, line). `typing` names the field for the others:
/// while this user types in it, they see who (`sync::set_typing`), and
/// this user sees who else is in it.
#[allow(clippy::too_many_arguments)]
pub(super) fn field_with(
    class: &'static str,
    typing: String,
    placeholder: String,
    value: impl Fn() -> String + Clone + Send + Sync + 'static,
    write: impl Fn(String) + 'static,
    enter: Enter,
    line: Option<(String, String)>,
) -> impl IntoView {
    let node = NodeRef::<html::Textarea>::new();
    let initial = untrack(value.clone());
    Effect::new(move |_| {
        let text = value();
        if let Some(input) = node.get_untracked() {
            take_remote(&input, &text);
            fit_height(&input);
        }
    });
    let label = placeholder.clone();
    let who = look::typing_in(typing.clone());
    view! {
        <div class="typing-field" class:typing=move || who.with(Option::is_some)
            style=move || who.with(|w| w.as_ref().map(|(_, c)| format!("--typing:{}", look::safe_color(c))))>
        <textarea class=format!("{class} grow") rows="1" placeholder=placeholder aria-label=label node_ref=node
            prop:value=initial
            on:input=move |ev| {
                write(event_target_value(&ev));
                if let Some(input) = node.get_untracked() {
                    fit_height(&input);
                }
                grow_card(node);
            }
            on:focus=move |_| crate::sync::set_typing(Some(&typing))
            on:blur=|_| {
                crate::sync::set_typing(None);
                ops::end_step();
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok()) else {
                    return;
                };
                match (ev.key().as_str(), enter) {
                    ("Escape", _) => {
                        let _ = el.blur();
                    }
                    ("Enter", _) if ev.shift_key() || ev.is_composing() => {}
                    ("Enter", Enter::NewLine) => {}
                    ("Enter", Enter::Done) => {
                        ev.prevent_default();
                        let _ = el.blur();
                    }
                    ("Enter", Enter::NextLine(section)) => {
                        ev.prevent_default();
                        if let Some((persona, after)) = &line {
                            let new = ops::persona_add_line(persona, section, Some(after));
                            focus_line(persona, &new);
                        }
                    }
                    _ => {}
                }
            }
            on:pointerdown=|ev| ev.stop_propagation()
            on:dblclick=|ev| ev.stop_propagation()></textarea>
        {look::typing_tag(who)}
        </div>
    }
}

/// Where the browser does not size a field to its text (CSS
/// `field-sizing`), it is sized here: as high as its text.
fn fit_height(field: &web_sys::HtmlTextAreaElement) {
    thread_local! {
        static SIZES_ITSELF: bool =
            web_sys::css::supports_with_value("field-sizing", "content").unwrap_or(false);
    }
    if SIZES_ITSELF.with(|s| *s) {
        return;
    }
    let style = web_sys::HtmlElement::style(field);
    let _ = style.set_property("height", "auto");
    let _ = style.set_property("height", &format!("{}px", field.scroll_height()));
}

/// Once drawn, the card or map holding `field` keeps the height its text
/// takes (see [`ops::grow_to`]).
fn grow_card(field: NodeRef<html::Textarea>) {
    request_animation_frame(move || {
        let Some(card) = field
            .get_untracked()
            .and_then(|f| f.closest(".el-persona, .el-journey").ok().flatten())
        else {
            return;
        };
        let Ok(card) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(card) else {
            return;
        };
        if let Some(id) = card.get_attribute("data-id") {
            ops::grow_to(&id, card.offset_height() as f64);
        }
    });
}

/// Stores card or map `id` as tall as it is drawn (see [`ops::grow_to`]).
pub(super) fn grow_drawn(id: &str) {
    let css = format!(".el-persona[data-id='{id}'], .el-journey[data-id='{id}']");
    if let Some(card) = document()
        .query_selector(&css)
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        ops::grow_to(id, card.offset_height() as f64);
    }
}

/// Puts the caret in line `line` of persona `persona` once it is drawn.
fn focus_line(persona: &str, line: &str) {
    let css = format!(".el-persona[data-id='{persona}'] [data-line='{line}'] textarea");
    let persona = persona.to_owned();
    request_animation_frame(move || {
        grow_drawn(&persona);
        if let Some(el) = document()
            .query_selector(&css)
            .ok()
            .flatten()
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    });
}

pub fn persona(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let ui = ui();
    let lang = look::board_lang();
    let s = signal.clone();
    let sel_id = id.clone();
    let class = move || {
        let mut class = "el el-persona".to_owned();
        if ui.selection.with(|sel| sel.contains(&sel_id)) {
            class.push_str(" selected");
        }
        if s.with(|e| e.persona.as_ref().is_some_and(|p| p.primary)) {
            class.push_str(" primary");
        }
        class
    };
    let s = signal.clone();
    let style = move || {
        s.with(|e| {
            format!(
                "transform:translate({}px,{}px);width:{}px;min-height:{}px;z-index:{};--accent:{}",
                e.x,
                e.y,
                e.w,
                e.h,
                z_index(e.z),
                look::safe_color(&e.color)
            )
        })
    };
    let read = {
        let s = signal.clone();
        move |key: &'static str| {
            let s = s.clone();
            move || {
                s.with(|e| {
                    e.persona
                        .as_ref()
                        .map(|p| p.field(key).to_owned())
                        .unwrap_or_default()
                })
            }
        }
    };
    let initials = {
        let name = read("name");
        move || {
            let initials: String = name()
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .flat_map(char::to_uppercase)
                .collect::<String>();
            if initials.is_empty() {
                "?".to_owned()
            } else {
                initials
            }
        }
    };
    let input = |key: &'static str, class: &'static str| {
        let id = id.clone();
        let label = FIELDS
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, l)| title(*l, lang))
            .unwrap_or(key);
        field(
            class,
            format!("{id}/{key}"),
            label.to_owned(),
            read(key),
            move |text| ops::persona_field(&id, key, &text),
        )
    };
    let s = signal.clone();
    let rank = Memo::new(move |_| s.with(|e| e.persona.as_ref().map(|p| p.rank).unwrap_or(0)));
    let s = signal.clone();
    let primary = Memo::new(move |_| s.with(|e| e.persona.as_ref().is_some_and(|p| p.primary)));
    let (pid, qid) = (id.clone(), id.clone());
    let sources = Memo::new(move |_| {
        ui.look.track();
        sources()
    });
    // What the card stands for: a persona, or a stakeholder with sections
    // and choices of its own (what only a persona has is hidden by the
    // stylesheet, from `data-kind`).
    let kind = {
        let s = signal.clone();
        Memo::new(move |_| {
            s.with(|e| {
                e.persona
                    .as_ref()
                    .map(|p| persona::kind(&p.kind).key)
                    .unwrap_or("")
            })
        })
    };
    // Every kind's sections, each shown on the cards of its kinds (by the
    // stylesheet, from `data-kinds`): turning a card into another kind
    // draws nothing anew.
    let sections = persona::every_section()
        .into_iter()
        .map(|(key, names, kinds)| {
            let key: &'static str = key;
            let s = signal.clone();
            let lines = move || {
                s.with(|e| e.persona.as_ref().map(|p| p.lines(key).to_vec()).unwrap_or_default())
            };
            let ids = move || lines().into_iter().map(|l| l.id).collect::<Vec<String>>();
            let persona_id = id.clone();
            let line = move |line_id: String| {
                line_view(persona_id.clone(), key, line_id, signal_of(&persona_id), sources)
            };
            let add_id = id.clone();
            // The workshop's outputs come last, under a heading of their own.
            let outputs = (key == OUTPUTS[0]).then(|| view! {
                <h4 class="persona-outputs">{title(("What the workshop found", "Ce que l'atelier a trouvé"), lang)}</h4>
            });
            view! {
                {outputs}
                <section class="persona-section" class:output=OUTPUTS.contains(&key) data-section=key data-kinds=kinds>
                    <h5>{title(names, lang)}</h5>
                    <ul>
                        <For each=ids key=|l| l.clone() children=line/>
                    </ul>
                    <button class="add-line" on:pointerdown=|ev| ev.stop_propagation()
                        on:click=move |_| {
                            let new = ops::persona_add_line(&add_id, key, None);
                            focus_line(&add_id, &new);
                        }>
                        {match lang { atelier_shared::templates::Lang::Fr => "+ Ajouter une ligne", _ => "+ Add a line" }}
                    </button>
                </section>
            }
        })
        .collect_view();
    // Every kind's choices, each shown on the cards of its kind.
    let choices = persona::KINDS
        .iter()
        .flat_map(|k| k.choices.iter().map(move |c| (k.key, c)))
        .map(|(kind, c)| {
            let (s, id) = (signal.clone(), id.clone());
            let chosen = Memo::new(move |_| {
                s.with(|e| e.persona.as_ref().map(|p| p.choice(c.key).to_owned()))
                    .unwrap_or_default()
            });
            let options = std::iter::once(("", "—"))
                .chain(c.options.iter().map(|(o, said)| (*o, title(*said, lang))))
                .collect();
            let change = move |option: String| {
                ops::with_map(&id, |txn, map| {
                    PersonaEdit { map }.set_choice(txn, c.key, &option)
                });
                ops::end_step();
            };
            view! {
                <label class="persona-choice" data-kinds=kind data-choice=c.key>
                    <span>{title(c.name, lang)}</span>
                    {select(title(c.name, lang), options, chosen, Box::new(change))}
                </label>
            }
        })
        .collect_view();
    let critical = {
        let s = signal.clone();
        Memo::new(move |_| s.with(|e| e.persona.as_ref().is_some_and(|p| p.critical)))
    };
    let (kid, cid) = (id.clone(), id.clone());
    let photo = {
        let s = signal.clone();
        Memo::new(move |_| {
            s.with(|e| {
                e.persona
                    .as_ref()
                    .map(|p| p.photo.clone())
                    .unwrap_or_default()
            })
        })
    };
    let kinds = persona::KINDS
        .iter()
        .map(|k| (k.key, title(k.name, lang)))
        .collect();
    let kind_now = Memo::new(move |_| kind.get().to_owned());
    let set_kind = move |key: String| {
        ops::with_map(&kid, |txn, map| PersonaEdit { map }.set_kind(txn, &key));
        ops::end_step();
    };
    let ranks = [("0", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")].into();
    let rank_now = Memo::new(move |_| rank.get().to_string());
    // The needs the notes behind the persona show, most first.
    let profile = {
        let s = signal.clone();
        Memo::new(move |_| {
            let cited: HashSet<String> = s.with(|e| {
                e.persona
                    .as_ref()
                    .map(|p| p.cited().into_iter().map(str::to_owned).collect())
                    .unwrap_or_default()
            });
            sources.with(|all| {
                let counts = TagCounts::of(cited.iter().filter_map(|id| all.get(id)));
                let found: Vec<(String, String, &'static str, usize)> = counts
                    .found()
                    .into_iter()
                    .map(|(t, i, n)| {
                        let name = t.need_in(i, lang).unwrap_or_default().to_owned();
                        (t.tag(i).unwrap_or_default(), name, t.name, n)
                    })
                    .collect();
                (counts.notes, found)
            })
        })
    };
    // The profile comes and goes with what the lines cite: the card,
    // drawn taller, is stored so.
    {
        let id = id.clone();
        Effect::new(move |_| {
            profile.track();
            let id = id.clone();
            request_animation_frame(move || grow_drawn(&id));
        });
    }
    let needs = move || {
        let (notes, found) = profile.get();
        (!found.is_empty()).then(|| {
            let max = found.iter().map(|(.., n)| *n).max().unwrap_or(1).max(1);
            let of = match lang {
                atelier_shared::templates::Lang::Fr => format!("sur {notes} note{}", if notes == 1 { "" } else { "s" }),
                _ => format!("from {notes} note{}", if notes == 1 { "" } else { "s" }),
            };
            view! {
                <section class="persona-needs" title=title(NOT_EVERY_NEED, lang)>
                    <h5>{title(("Need profile", "Profil de besoins"), lang)}<small>{of}</small></h5>
                    <ul>
                        {found.into_iter().map(|(tag, name, typology, n)| view! {
                            <li class="persona-need" data-need=tag>
                                <span class="need-name">{name}<small>{typology}</small></span>
                                <span class="need-bar"><span style=format!("width:{}%", n * 100 / max)></span></span>
                                <span class="need-count">{n}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    };
    let spoken = {
        let s = signal.clone();
        move || s.with(look::spoken)
    };
    let focus_id = id.clone();
    view! {
        <div class=class data-id=id.clone() data-kind=move || match kind.get() { "" => "persona", k => k } style=style tabindex="0" role="group" aria-label=spoken
            on:focus=move |ev| look::focused(ui, &focus_id, &ev)>
            <header class="persona-head">
                <div class="persona-avatar" title=crate::lang::tr("Drop an image here for a photo", "Déposez une image ici pour la photo")
                    style=move || photo.with(|p| super::images::painted(p))>{initials}</div>
                <div class="persona-who">
                    {input("name", "persona-name")}
                    {input("nickname", "persona-nickname")}
                    {input("role", "persona-role")}
                    {input("segment", "persona-segment")}
                </div>
                <div class="persona-flags" on:pointerdown=|ev| ev.stop_propagation()>
                    <span class="persona-kind">{select(crate::lang::tr("What the card stands for", "Ce que représente la fiche"), kinds, kind_now, Box::new(set_kind))}</span>
                    <button class="persona-critical" class:on=move || critical.get()
                        on:click=move |_| {
                            let on = !critical.get_untracked();
                            ops::with_map(&cid, |txn, map| PersonaEdit { map }.set_critical(txn, on));
                            ops::end_step();
                        }>
                        {move || if critical.get() { crate::lang::tr("★ Most critical", "★ Le plus critique") } else { crate::lang::tr("☆ Most critical", "☆ Le plus critique") }}
                    </button>
                    <button class="persona-primary" class:on=move || primary.get() title=crate::lang::tr("The primary persona (one per board)", "Le persona principal (un par tableau)")
                        on:click=move |_| ops::persona_primary(&pid, !primary.get_untracked())>
                        {move || if primary.get() { crate::lang::tr("★ Primary", "★ Principal") } else { crate::lang::tr("☆ Primary", "☆ Principal") }}
                    </button>
                    <label class="persona-rank" title=crate::lang::tr("The persona's place among the board's personas", "La place du persona parmi ceux du tableau")>
                        <span>{crate::lang::tr("Rank", "Rang")}</span>
                        {select(crate::lang::tr("Rank", "Rang"), ranks, rank_now, Box::new(move |r| ops::persona_rank(&qid, r.parse().unwrap_or(0))))}
                    </label>
                </div>
            </header>
            <div class="persona-quote">"“"{input("quote", "persona-quote-field")}"”"</div>
            <div class="persona-objective">
                <span>{title(("Objective", "Objectif"), lang)}</span>
                {input("objective", "persona-objective-field")}
            </div>
            <div class="persona-objective persona-priority">
                <span>{title(("Priority", "Priorité"), lang)}</span>
                {input("priority", "persona-priority-field")}
            </div>
            <div class="persona-choices">{choices}</div>
            <div class="persona-sections">{sections}</div>
            {needs}
        </div>
    }
}

/// A drop-down of `options` (value, label) showing `current`; `change`
/// gets the value chosen. One shape for every such list of a card (one
/// copy in the WASM).
fn select(
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    current: Memo<String>,
    change: Box<dyn Fn(String)>,
) -> AnyView {
    view! {
        <select aria-label=label on:change=move |ev| change(event_target_value(&ev))>
            {options.into_iter().map(|(value, text)| view! {
                <option value=value selected=move || current.with(|c| c == value)>{text}</option>
            }).collect_view()}
        </select>
    }
    .into_any()
}

fn signal_of(id: &str) -> Option<ArcRwSignal<Element>> {
    model().scene.signal(id)
}

/// One line of a section: its text, its support, cite, remove.
fn line_view(
    persona: String,
    section: &'static str,
    line_id: String,
    signal: Option<ArcRwSignal<Element>>,
    sources: Memo<HashMap<String, Source>>,
) -> impl IntoView {
    let ui = ui();
    let Some(signal) = signal else {
        return ().into_any();
    };
    let line = {
        let line_id = line_id.clone();
        move || -> Line {
            signal.with(|e| {
                e.persona
                    .as_ref()
                    .and_then(|p| p.lines(section).iter().find(|l| l.id == line_id).cloned())
                    .unwrap_or_default()
            })
        }
    };
    let text = {
        let line = line.clone();
        move || line().text
    };
    let support = {
        let line = line.clone();
        Memo::new(move |_| sources.with(|s| Support::of(&line(), s)))
    };
    let (p1, p2, p3, l1, l2, l3) = (
        persona.clone(),
        persona.clone(),
        persona.clone(),
        line_id.clone(),
        line_id.clone(),
        line_id.clone(),
    );
    let cited = {
        let line = line.clone();
        move || line().cites
    };
    view! {
        <li class="persona-line" class:unsupported=move || support.get().notes == 0 data-line=line_id.clone()>
            {field_with("persona-line-field", format!("{persona}/line/{line_id}"), crate::lang::tr("A line", "Une ligne").to_owned(), text, move |t| ops::persona_line(&p1, section, &l1, &t),
                Enter::NextLine(section), Some((persona.clone(), line_id.clone())))}
            <button class="support" class:none=move || support.get().notes == 0
                title=crate::lang::tr("Highlight the notes this line cites", "Mettre en évidence les notes citées par cette ligne")
                on:pointerdown=|ev| ev.stop_propagation()
                on:click=move |_| {
                    let ids: HashSet<String> = cited().into_iter().collect();
                    ui.highlight.set((!ids.is_empty()).then_some(ids));
                }>
                {move || support.get().label_in(crate::lang::ui_lang())}
            </button>
            <button class="line-btn cite" title=crate::lang::tr("Cite the selected notes", "Citer les notes sélectionnées")
                on:pointerdown=|ev| ev.stop_propagation()
                on:click=move |_| ops::persona_cite(&p2, section, &l2)>"❝+"</button>
            <button class="line-btn" title=crate::lang::tr("Remove the line", "Supprimer la ligne")
                on:pointerdown=|ev| ev.stop_propagation()
                on:click=move |_| ops::persona_remove_line(&p3, section, &l3)>"×"</button>
        </li>
    }
    .into_any()
}
