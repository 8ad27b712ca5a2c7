//! The interview notes panel: who said what on this board, a filter that
//! highlights the matching notes (the others are dimmed, for this user
//! only), counts per need of the SPECIFIC and CIVILE typologies for the
//! board, a frame or the selection, and the notes that say the same thing
//! (shown, or stacked into one cluster).

use std::collections::{BTreeSet, HashSet};

use atelier_shared::analysis::{self, NoteFilter, TYPOLOGIES, TagCounts};
use atelier_shared::templates::Lang;
use atelier_shared::tracker;
use atelier_shared::{Element, Kind};
use leptos::prelude::*;

use super::model::{model, ui};
use super::ops;
use crate::lang::{plural, tr, ui_lang};

/// Every interview note of the board (notes with a source), by id.
fn interview_notes() -> Vec<Element> {
    let scene = &model().scene;
    let mut notes: Vec<Element> = scene
        .ids()
        .iter()
        .filter_map(|id| scene.get(id))
        .filter(|e| e.kind == Kind::Note && !e.source.is_empty())
        .collect();
    notes.sort_unstable_by(|a, b| {
        (a.y, a.x, &a.id)
            .partial_cmp(&(b.y, b.x, &b.id))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    notes
}

/// What the counts are about: one selected frame (its notes), a selection
/// of notes, or the whole board.
fn scope(selection: &HashSet<String>) -> (String, Option<HashSet<String>>) {
    let scene = &model().scene;
    if selection.len() == 1
        && let Some(id) = selection.iter().next()
        && let Some(frame) = scene.get(id).filter(|e| e.kind == Kind::Frame)
    {
        let inside: HashSet<String> = scene.children(selection).into_iter().collect();
        let title = if frame.text.is_empty() {
            tr("Frame", "Cadre").to_owned()
        } else {
            frame.text
        };
        let label = match ui_lang() {
            Lang::En => format!("In “{title}”"),
            Lang::Fr => format!("Dans « {title} »"),
        };
        return (label, Some(inside));
    }
    // A persona: the notes behind it.
    if selection.len() == 1
        && let Some(id) = selection.iter().next()
        && let Some(persona) = scene.get(id).and_then(|e| e.persona)
    {
        let cited: HashSet<String> = persona.cited().into_iter().map(str::to_owned).collect();
        let name = if persona.name.trim().is_empty() {
            "Persona".to_owned()
        } else {
            persona.name
        };
        let label = match ui_lang() {
            Lang::En => format!("Behind {name}"),
            Lang::Fr => format!("Derrière {name}"),
        };
        return (label, Some(cited));
    }
    let notes: HashSet<String> = selection
        .iter()
        .filter(|id| scene.kind(id) == Some(Kind::Note))
        .cloned()
        .collect();
    if !notes.is_empty() {
        let n = notes.len();
        let label = match ui_lang() {
            Lang::En => format!(
                "In the selection ({n} note{})",
                if n == 1 { "" } else { "s" }
            ),
            Lang::Fr => format!("Dans la sélection ({})", plural(n, "note", "notes")),
        };
        return (label, Some(notes));
    }
    (tr("Whole board", "Tout le tableau").to_owned(), None)
}

#[component]
pub fn NotesPanel() -> impl IntoView {
    let ui = ui();
    let notes = Memo::new(move |_| {
        ui.look.track();
        interview_notes()
    });
    let values = move |f: fn(&Element) -> Vec<String>| {
        notes.with(|notes| {
            notes
                .iter()
                .flat_map(f)
                .filter(|v| !v.is_empty())
                .collect::<BTreeSet<String>>()
        })
    };
    let summary = move || {
        let n = notes.with(Vec::len);
        if n == 0 {
            return tr(
                "No interview notes yet: import them with the toolbar's import button.",
                "Pas encore de notes d'entretien : importez-les avec le bouton d'import de la barre d'outils.",
            )
            .to_owned();
        }
        let interviewers = values(|e| vec![e.source.interviewer.clone()]).len();
        let interviewees = values(|e| vec![e.source.interviewee.clone()]).len();
        format!(
            "{} · {} · {}",
            plural(n, "note", "notes"),
            plural(
                interviewers,
                tr("interviewer", "intervieweur"),
                tr("interviewers", "intervieweurs")
            ),
            plural(
                interviewees,
                tr("interviewee", "interviewé"),
                tr("interviewees", "interviewés")
            )
        )
    };
    let matching = move || {
        let filter = ui.filter.get();
        if filter.is_empty() {
            return None;
        }
        let (n, total) = notes.with(|notes| {
            (
                notes.iter().filter(|e| filter.matches(&e.source)).count(),
                notes.len(),
            )
        });
        Some(match ui_lang() {
            Lang::En => format!("{n} of {total} notes match"),
            Lang::Fr => format!(
                "{} sur {total} {}",
                plural(n, "note", "notes"),
                if n > 1 { "correspondent" } else { "correspond" }
            ),
        })
    };

    let filter_select =
        move |label: &'static str,
              key: &'static str,
              options: fn(&Element) -> Vec<String>,
              field: fn(&mut NoteFilter) -> &mut Option<String>| {
            let current = move || {
                let mut f = ui.filter.get();
                field(&mut f).clone()
            };
            view! {
                <label class="panel-field">
                    <span>{label}</span>
                    <select data-filter=key on:change=move |ev| {
                        let value = event_target_value(&ev);
                        ui.filter.update(|f| *field(f) = Some(value).filter(|v| !v.is_empty()));
                    }>
                        <option value="" selected=move || current().is_none()>{tr("All", "Tous")}</option>
                        {move || values(options).into_iter().map(|v| {
                            let (value, label) = (v.clone(), v.clone());
                            view! {
                                <option value=value selected=move || current().as_deref() == Some(v.as_str())>{label}</option>
                            }
                        }).collect_view()}
                    </select>
                </label>
            }
        };

    let counts = Memo::new(move |_| {
        let (label, only) = ui.selection.with(scope);
        let counts = notes.with(|notes| {
            TagCounts::of(
                notes
                    .iter()
                    .filter(|e| only.as_ref().is_none_or(|o| o.contains(&e.id)))
                    .map(|e| &e.source),
            )
        });
        (label, counts)
    });
    // The needs of each typology, then the other tags, each a button that
    // highlights its notes (a second click clears it).
    let toggle_need = move |tag: String| {
        ui.filter.update(|f| {
            let same = f
                .tag
                .as_deref()
                .is_some_and(|have| analysis::classify(have) == analysis::classify(&tag));
            f.tag = (!same).then_some(tag);
        });
    };
    let needs = move || {
        let (_, counts) = counts.get();
        let active = ui.filter.with(|f| f.tag.clone());
        let is_active = |tag: &str| {
            active
                .as_deref()
                .is_some_and(|have| analysis::classify(have) == analysis::classify(tag))
        };
        let typologies = TYPOLOGIES
            .iter()
            .enumerate()
            .map(|(t, typology)| {
                let max = counts.needs[t].iter().copied().max().unwrap_or(0).max(1);
                let rows = typology
                    .needs
                    .iter()
                    .enumerate()
                    .map(|(i, (en, _))| {
                        let name = typology.need_in(i, ui_lang()).unwrap_or(en).to_owned();
                        let n = counts.needs[t][i];
                        let tag = format!("{}:{en}", typology.name);
                        let active = is_active(&tag);
                        let chosen = tag.clone();
                        view! {
                            <li>
                                <button class="need" class:active=active data-need=tag
                                    title=tr("Highlight the notes tagged with this need", "Mettre en évidence les notes étiquetées avec ce besoin")
                                    on:click=move |_| toggle_need(chosen.clone())>
                                    <span class="need-name">{name}</span>
                                    <span class="need-bar"><span style=format!("width:{}%", n * 100 / max)></span></span>
                                    <span class="need-count">{n}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="typology" data-typology=typology.name>
                        <h4>{typology.name}<small>{typology.about_in(ui_lang())}</small></h4>
                        <ul>{rows}</ul>
                    </section>
                }
            })
            .collect_view();
        let others = (!counts.other.is_empty()).then(|| {
            let chips = counts
                .other
                .into_iter()
                .map(|(tag, n)| {
                    let on = active.as_deref() == Some(tag.as_str());
                    let (chosen, label) = (tag.clone(), tag.clone());
                    view! {
                        <button class="tag-chip" class:active=on data-tag=tag
                            on:click=move |_| ui.filter.update(|f| {
                                f.tag = (f.tag.as_deref() != Some(&chosen)).then(|| chosen.clone());
                            })>
                            {label}<span>{n}</span>
                        </button>
                    }
                })
                .collect_view();
            view! { <div class="other-tags">{chips}</div> }
        });
        view! { {typologies} {others} }
    };

    // Near-identical notes: among every note of the board, not only the
    // interview notes.
    let duplicates = Memo::new(move |_| {
        ui.look.track();
        let scene = &model().scene;
        let all: Vec<Element> = scene
            .ids()
            .iter()
            .filter_map(|id| scene.get(id))
            .filter(|e| e.kind == Kind::Note)
            .collect();
        let groups = analysis::duplicates(all.iter().map(|e| (e.id.as_str(), e.text.as_str())));
        groups
            .into_iter()
            .map(|ids| {
                let text = all
                    .iter()
                    .find(|e| e.id == ids[0])
                    .map(|e| e.text.clone())
                    .unwrap_or_default();
                (text, ids)
            })
            .collect::<Vec<_>>()
    });
    let duplicate_rows = move || {
        let groups = duplicates.get();
        if groups.is_empty() {
            return view! {
                <li class="panel-empty">{tr("No two notes say the same thing.", "Aucune note n'en répète une autre.")}</li>
            }
            .into_any();
        }
        groups
            .into_iter()
            .map(|(text, ids)| {
                let count = format!("×{}", ids.len());
                let stacked = ids.clone();
                view! {
                    <li class="duplicate">
                        <span class="duplicate-text">{text}</span>
                        <span class="duplicate-count">{count}</span>
                        <span class="duplicate-actions">
                            <button class="link" on:click=move |_| ui.select(ids.clone())>{tr("Select", "Sélectionner")}</button>
                            <button class="link" title=tr("Pile them up where the first one is", "Les empiler là où est la première")
                                on:click=move |_| ops::stack(&stacked)>{tr("Stack", "Empiler")}</button>
                        </span>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let duplicate_title = move || {
        let n = duplicates.with(Vec::len);
        if n == 0 {
            tr("Duplicates", "Doublons").to_owned()
        } else {
            format!(
                "{} · {}",
                tr("Duplicates", "Doublons"),
                plural(n, tr("group", "groupe"), tr("groups", "groupes"))
            )
        }
    };

    // A facilitator erases the interviewee highlighted: their notes and
    // every citation of them, everywhere, after seeing what it takes.
    let erase = move || {
        let who = ui.filter.with(|f| f.interviewee.clone())?;
        ui.facilitator.then(|| {
            let label = match ui_lang() {
                Lang::En => format!("Erase {who} everywhere…"),
                Lang::Fr => format!("Supprimer {who} partout…"),
            };
            view! {
                <button class="link danger erase-interviewee" data-erase=who.clone()
                    title=tr("Verbatims are personal data: erase this interviewee's notes and every citation of them, from the board, its versions and its history",
                        "Les verbatims sont des données personnelles : effacer les notes de cette personne et toutes leurs citations, du tableau, de ses versions et de son historique")
                    on:click=move |_| {
                        let who = who.clone();
                        let board = super::history::board_id();
                        leptos::task::spawn_local(async move {
                            let counted = match crate::api::erase(&board, &who, false).await {
                                Ok(counted) => counted,
                                Err(e) => return ui.toast.set(Some(e)),
                            };
                            let versions = plural(counted.versions, "version", "versions");
                            let question = match ui_lang() {
                                Lang::En => format!(
                                    "Erase {who}: {} and {}, on the board{}? This cannot be undone.",
                                    plural(counted.notes, "note", "notes"),
                                    plural(counted.citations, "citation", "citations"),
                                    if counted.versions == 0 { String::new() } else { format!(" and in {versions}") },
                                ),
                                Lang::Fr => format!(
                                    "Supprimer {who} : {} et {}, sur le tableau{} ? C'est définitif.",
                                    plural(counted.notes, "note", "notes"),
                                    plural(counted.citations, "citation", "citations"),
                                    if counted.versions == 0 { String::new() } else { format!(" et dans {versions}") },
                                ),
                            };
                            crate::dialog::confirm(question, tr("Erase", "Supprimer"), move || {
                                leptos::task::spawn_local(async move {
                                    match crate::api::erase(&board, &who, true).await {
                                        Ok(_) => {
                                            ui.filter.update(|f| f.interviewee = None);
                                            ui.toast.set(Some(match ui_lang() {
                                                Lang::En => format!("{who} erased"),
                                                Lang::Fr => format!("{who} supprimé partout"),
                                            }));
                                        }
                                        Err(e) => ui.toast.set(Some(e)),
                                    }
                                });
                            });
                        });
                    }>
                    {label}
                </button>
            }
        })
    };
    // Who is behind the codes: for the facilitators, on a page of its own
    // (the server's; the names never reach the board).
    let pseudonyms =
        move || {
            ui.facilitator.then(|| {
            let board = super::history::board_id();
            let href = crate::api::with_token(
                &board,
                &format!("/api/boards/{board}/privacy?lang={}", crate::lang::ui_lang().code()),
            );
            view! {
                <section class="panel-section">
                    <a class="link" data-pseudonyms="show" target="_blank" rel="noopener" href=href>
                        {tr("Who is behind the codes…", "Qui est derrière les codes…")}
                    </a>
                </section>
            }
        })
        };
    // The interview tracker: each interviewer's interviews in order, how
    // each was run (said here, or suggested by its place), a click
    // highlights the notes it produced.
    let rev = RwSignal::new(0u64);
    yrs::Observable::observe(
        &model().doc.get_or_insert_map("interviews"),
        "atelier-interviews",
        move |_, _| {
            // Read once the changing transaction is over.
            queue_microtask(move || {
                rev.try_update(|r| *r += 1);
            })
        },
    );
    let interviews = move || {
        rev.track();
        let modes = {
            let model = model();
            let interviews = model.doc.get_or_insert_map("interviews");
            tracker::modes(&yrs::Transact::transact(&model.doc), &interviews)
        };
        let all = notes.with(|n| tracker::tracker(n, &modes));
        (!all.is_empty()).then(|| {
            view! {
                <section class="panel-section tracker">
                    <h4>{tr("Interviews", "Entretiens")}</h4>
                    {all.into_iter().map(|who| view! {
                        <h5>{if who.name.is_empty() { tr("Interviewer not named", "Enquêteur non nommé").to_owned() } else { who.name }}</h5>
                        <ol class="interviews">
                            {who.interviews.into_iter().map(|i| {
                                let (id, pick) = (i.id.clone(), i.id.clone());
                                let said = format!("{} · {} · {}", i.id, i.interviewees.join(", "), plural(i.notes.len(), "note", "notes"));
                                view! {
                                    <li data-interview=i.id.clone()>
                                        <button class="link" on:click=move |_| ui.filter.set(NoteFilter { interview: Some(pick.clone()), ..NoteFilter::default() })>{said}</button>
                                        <select data-interview-mode=id.clone() class=if i.suggested { "suggested" } else { "" } disabled=!ui.writes
                                            aria-label=tr("How it was run", "Comment il a été mené")
                                            on:change=move |ev| ops::set_interview_mode(&id, &event_target_value(&ev))>
                                            {tracker::MODES.iter().map(|(key, (en, fr))| view! {
                                                <option value=*key selected=i.mode == *key>{tr(en, fr)}</option>
                                            }).collect_view()}
                                        </select>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }).collect_view()}
                </section>
            }
        })
    };
    let node = NodeRef::<leptos::html::Aside>::new();
    crate::dialog::behave(node, move || ui.panel.set(false));
    view! {
        <aside class="notes-panel" aria-label=tr("Interview notes", "Notes d'entretien") node_ref=node on:pointerdown=|ev| ev.stop_propagation()
            on:wheel=|ev| ev.stop_propagation()>
            <header class="panel-head">
                <h3>{tr("Interview notes", "Notes d'entretien")}</h3>
                <button class="dialog-close" title=tr("Close", "Fermer") aria-label=tr("Close", "Fermer") on:click=move |_| ui.panel.set(false)>"×"</button>
            </header>
            <p class="panel-summary">{summary}</p>
            <section class="panel-section">
                <h4>{tr("Highlight", "Mettre en évidence")}</h4>
                <div class="panel-filters">
                    {filter_select(tr("Interviewer", "Intervieweur"), "interviewer", |e| vec![e.source.interviewer.clone()], |f| &mut f.interviewer)}
                    {filter_select(tr("Interviewee", "Interviewé"), "interviewee", |e| vec![e.source.interviewee.clone()], |f| &mut f.interviewee)}
                    {filter_select("Segment", "segment", |e| vec![e.source.segment.clone()], |f| &mut f.segment)}
                    {filter_select(tr("Tag", "Étiquette"), "tag", |e| e.source.tags.clone(), |f| &mut f.tag)}
                </div>
                {move || matching().map(|m| view! {
                    <p class="panel-match">{m}
                        <button class="link" on:click=move |_| ui.filter.set(NoteFilter::default())>{tr("Clear", "Effacer")}</button>
                    </p>
                })}
                {erase}
            </section>
            <section class="panel-section">
                <h4>{tr("Needs", "Besoins")} <small class="panel-scope">{move || counts.with(|(label, _)| label.clone())}</small></h4>
                <div class="needs">{needs}</div>
                <p class="need-reminder">{tr(atelier_shared::analysis::NOT_EVERY_NEED.0, atelier_shared::analysis::NOT_EVERY_NEED.1)}</p>
            </section>
            <section class="panel-section">
                <h4>{duplicate_title}</h4>
                <ul class="duplicates">{duplicate_rows}</ul>
            </section>
            {interviews}
            {pseudonyms}
        </aside>
    }
}
