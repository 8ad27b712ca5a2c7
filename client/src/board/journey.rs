//! The customer journey map: stages (columns) by lanes (rows), names and
//! cells edited in place and live; the emotions lane as a curve per
//! persona from -2 to +2, scored stage by stage; a moment of truth marked
//! on a cell (an occasion, an action) with what is at stake; current or
//! target.

use atelier_shared::journey::compare::{self, Cells};
use atelier_shared::journey::{
    CURVES, EXPERIENCE_LANES, Journey, JourneyEdit, Lane, MEASURES, SCORES, Stage, measure_label,
    parse_figure,
};
use atelier_shared::persona::Support;
use atelier_shared::templates::Lang;
use atelier_shared::{Element, Kind};
use leptos::prelude::*;

use super::look::{self, z_index};
use super::model::{model, ui};
use super::ops;
use super::persona::{Enter, field, field_with};

/// Board units: the lane names' column, a stage's column, the curve's height.
const NAMES: f64 = 220.0;
const COLUMN: f64 = 280.0;
const CURVE: f64 = 150.0;

fn fr(lang: Lang, en: &'static str, fr: &'static str) -> &'static str {
    if lang == Lang::Fr { fr } else { en }
}

/// The personas of the board: (id, name).
fn personas() -> Vec<(String, String)> {
    let scene = &model().scene;
    scene
        .of_kind(Kind::Persona)
        .into_iter()
        .filter_map(|id| scene.get(&id))
        .filter(|e| e.persona.as_ref().is_some_and(|p| p.is_persona()))
        .map(|e| {
            let name = e.persona.map(|p| p.name).unwrap_or_default();
            (
                e.id,
                if name.is_empty() {
                    "Persona".to_owned()
                } else {
                    name
                },
            )
        })
        .collect()
}

/// The cells of map `id` (`me`) that change between the board's current
/// journey and its target: in a target, against the first current map
/// on the board; in the current map, against its one target (none when
/// there are several: which would it be?).
fn changed_cells(id: &str, me: &Journey) -> Cells {
    let scene = &model().scene;
    let others: Vec<Journey> = scene
        .of_kind(Kind::Journey)
        .into_iter()
        .filter(|o| o != id)
        .filter_map(|o| scene.get(&o)?.journey.map(|j| *j))
        .collect();
    let is_target = |j: &Journey| j.variant == "target";
    if is_target(me) {
        return others
            .iter()
            .find(|j| !is_target(j))
            .map(|current| compare::changed_cells(current, me).1)
            .unwrap_or_default();
    }
    match others.iter().filter(|j| is_target(j)).collect::<Vec<_>>()[..] {
        [target] => compare::changed_cells(me, target).0,
        _ => Cells::new(),
    }
}

/// Puts target map `id` beside the board's first current map, top edges
/// aligned, to read them side by side.
fn beside_current(id: &str) {
    let scene = &model().scene;
    let current = scene.of_kind(Kind::Journey).into_iter().find_map(|o| {
        let e = scene.get(&o)?;
        (o != id && e.journey.as_ref()?.variant != "target").then(|| e.rect())
    });
    let (Some(current), Some(me)) = (current, scene.rect(id)) else {
        return;
    };
    let at = atelier_shared::Rect {
        x: current.right() + 80.0,
        y: current.y,
        ..me
    };
    ops::place(&[(id.to_owned(), at)]);
}

fn edit(id: &str, f: impl FnOnce(&mut yrs::TransactionMut, &JourneyEdit)) {
    ops::with_map(id, |txn, map| f(txn, &JourneyEdit { map }));
}

pub fn journey(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let ui = ui();
    let lang = look::board_lang();
    let data = {
        let s = signal.clone();
        Memo::new(move |_| s.with(|e| e.journey.as_deref().cloned().unwrap_or_default()))
    };
    let s = signal.clone();
    let sel_id = id.clone();
    let class = move || {
        let mut class = "el el-journey".to_owned();
        if ui.selection.with(|sel| sel.contains(&sel_id)) {
            class.push_str(" selected");
        }
        if data.with(|j| j.variant == "target") {
            class.push_str(" target");
        }
        class
    };
    let style = move || {
        let n = data.with(|j| j.stages.len()).max(1) as f64;
        s.with(|e| {
            format!(
                "transform:translate({}px,{}px);width:{}px;min-height:{}px;z-index:{};--columns:{}",
                e.x,
                e.y,
                e.w.max(NAMES + n * COLUMN + 48.0),
                e.h,
                z_index(e.z),
                n
            )
        })
    };
    // Whose emotions the score buttons set ("" is the map's own curve).
    let scoring = RwSignal::new(String::new());
    // What changes from the current map to its target, outlined in both.
    let changed = {
        let id = id.clone();
        Memo::new(move |_| {
            ui.look.track();
            data.with(|me| changed_cells(&id, me))
        })
    };
    let people = Memo::new(move |_| {
        ui.look.track();
        personas()
    });

    let (i1, i2, i3, i4, i5) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    // The grid's structure: re-rendered when stages or lanes come, go or
    // move, not when a name or a cell is typed in (the fields follow).
    let stages = Memo::new(move |_| {
        data.with(|j| j.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
    });
    let lane_keys = Memo::new(move |_| {
        data.with(|j| {
            j.lanes
                .iter()
                .map(|l| (l.id.clone(), l.emotions))
                .collect::<Vec<_>>()
        })
    });
    let header = move || {
        let ids = stages.get();
        let n = ids.len();
        ids.into_iter()
            .enumerate()
            .map(|(index, stage)| stage_head(i1.clone(), stage, index, n, data, lang))
            .collect_view()
    };
    let lanes = move || {
        lane_keys
            .get()
            .into_iter()
            .map(|(lane, emotions)| {
                lane_row(
                    i2.clone(),
                    lane,
                    emotions,
                    data,
                    stages,
                    scoring,
                    people,
                    changed,
                    lang,
                )
            })
            .collect_view()
    };
    // Lanes added, a stake or the survey's row: the map, drawn taller,
    // is stored so.
    {
        let id = id.clone();
        Effect::new(move |_| {
            data.track();
            let id = id.clone();
            request_animation_frame(move || super::persona::grow_drawn(&id));
        });
    }
    let spoken = {
        let s = signal.clone();
        move || s.with(look::spoken)
    };
    let focus_id = id.clone();
    view! {
        <div class=class data-id=id.clone() style=style tabindex="0" role="group" aria-label=spoken
            on:focus=move |ev| look::focused(ui, &focus_id, &ev)>
            <header class="journey-head" on:pointerdown=|ev| ev.stop_propagation()>
                <h3>{fr(lang, "Customer journey map", "Parcours client")}</h3>
                <div class="journey-variant" role="radiogroup">
                    {[("current", fr(lang, "Current", "Actuel")), ("target", fr(lang, "Target", "Cible"))].map(|(v, label)| {
                        let id = i3.clone();
                        view! {
                            <button role="radio" data-variant=v class:on=move || data.with(|j| j.variant == v)
                                on:click=move |_| { ops::with_map(&id, |txn, map| { yrs::Map::insert(map, txn, "variant", v); }); ops::end_step(); }>
                                {label}
                            </button>
                        }
                    }).collect_view()}
                </div>
                <button class="journey-beside" title=fr(lang, "Put this target beside the current map; what changes is outlined in both", "Placer cette cible à côté du parcours actuel ; ce qui change est encadré dans les deux")
                    on:click=move |_| beside_current(&i5)>{fr(lang, "⇆ Beside the current", "⇆ À côté de l'actuel")}</button>
                <button class="journey-add" data-add="stage" on:click=move |_| {
                    let stage = Stage { id: ops::new_id(), name: fr(lang, "New stage", "Nouvelle étape").into() };
                    edit(&i4, |txn, j| {
                        j.add_stage(txn, &stage);
                        j.fit_width(txn, NAMES + 48.0, COLUMN);
                    });
                    ops::end_step();
                }>{fr(lang, "+ Stage", "+ Étape")}</button>
                <button class="journey-add" data-add="lane" on:click={
                    let id = id.clone();
                    move |_| {
                        let lane = Lane { id: ops::new_id(), name: fr(lang, "New lane", "Nouvelle ligne").into(), emotions: false };
                        edit(&id, |txn, j| j.add_lane(txn, &lane));
                        ops::end_step();
                    }
                }>{fr(lang, "+ Lane", "+ Ligne")}</button>
                // Designed, delivered and perceived experience can differ:
                // three lanes to tell them apart, once.
                <button class="journey-add" data-add="experience"
                    title=fr(lang, "Lanes for the experience as designed, delivered and perceived", "Des lignes pour l'expérience conçue, délivrée et perçue")
                    disabled=move || data.with(|j| j.lanes.iter().any(|l| l.id == EXPERIENCE_LANES[0].0))
                    on:click={
                    let id = id.clone();
                    move |_| {
                        edit(&id, |txn, j| {
                            for (key, name) in EXPERIENCE_LANES {
                                j.add_lane(txn, &Lane { id: key.to_owned(), name: fr(lang, name.0, name.1).into(), emotions: false });
                            }
                        });
                        ops::end_step();
                    }
                }>{fr(lang, "+ Experience lanes", "+ Lignes d'expérience")}</button>
            </header>
            <div class="journey-grid">
                <div class="journey-corner">{fr(lang, "Stages →", "Étapes →")}</div>
                {header}
                {lanes}
            </div>
        </div>
    }
}

/// A stage's header: its name, move and remove.
fn stage_head(
    id: String,
    stage_id: String,
    index: usize,
    count: usize,
    data: Memo<Journey>,
    lang: Lang,
) -> impl IntoView {
    let name = {
        let sid = stage_id.clone();
        move || {
            data.with(|j| {
                j.stages
                    .iter()
                    .find(|s| s.id == sid)
                    .map(|s| s.name.clone())
                    .unwrap_or_default()
            })
        }
    };
    let (j1, j3, j4, j5) = (id.clone(), id.clone(), id.clone(), id);
    let (s1, s3, s4, s5) = (
        stage_id.clone(),
        stage_id.clone(),
        stage_id.clone(),
        stage_id.clone(),
    );
    view! {
        <div class="journey-stage" data-stage=stage_id on:pointerdown=|ev| ev.stop_propagation()>
            {field("journey-stage-name", format!("{j1}/stage/{s1}"), fr(lang, "Stage", "Étape").to_owned(), name, move |t| edit(&j1, |txn, j| j.rename_stage(txn, &s1, &t)))}
            <div class="journey-stage-tools">
                <span class="journey-stage-move">
                    <button title=fr(lang, "Move left", "Vers la gauche") disabled=index == 0
                        on:click=move |_| { edit(&j3, |txn, j| j.move_stage(txn, &s3, -1)); ops::end_step(); }>"←"</button>
                    <button title=fr(lang, "Move right", "Vers la droite") disabled=index + 1 == count
                        on:click=move |_| { edit(&j4, |txn, j| j.move_stage(txn, &s4, 1)); ops::end_step(); }>"→"</button>
                    <button title=fr(lang, "Remove the stage", "Supprimer l'étape") disabled=count == 1
                        on:click=move |_| {
                            edit(&j5, |txn, j| {
                                j.remove_stage(txn, &s5);
                                j.fit_width(txn, NAMES + 48.0, COLUMN);
                            });
                            ops::end_step();
                        }>"×"</button>
                </span>
            </div>
        </div>
    }
}

/// A lane: its name, then a cell per stage; the emotions lane: the curves
/// and the score buttons.
#[allow(clippy::too_many_arguments)]
fn lane_row(
    id: String,
    lane_id: String,
    is_emotions: bool,
    data: Memo<Journey>,
    stages: Memo<Vec<String>>,
    scoring: RwSignal<String>,
    people: Memo<Vec<(String, String)>>,
    changed: Memo<Cells>,
    lang: Lang,
) -> impl IntoView {
    let name = {
        let lid = lane_id.clone();
        move || {
            data.with(|j| {
                j.lanes
                    .iter()
                    .find(|l| l.id == lid)
                    .map(|l| l.name.clone())
                    .unwrap_or_default()
            })
        }
    };
    let (j1, l1, jm) = (id.clone(), lane_id.clone(), id.clone());
    let head = view! {
        <div class="journey-lane" class:emotions=is_emotions data-lane=lane_id.clone() on:pointerdown=|ev| ev.stop_propagation()>
            {field("journey-lane-name", format!("{j1}/lane/{l1}"), fr(lang, "Lane", "Ligne").to_owned(), name, move |t| edit(&j1, |txn, j| j.rename_lane(txn, &l1, &t)))}
            {is_emotions.then(|| view! {
                <label class="journey-scoring">
                    <span>{fr(lang, "Scores of", "Notes de")}</span>
                    <select on:change=move |ev| scoring.set(event_target_value(&ev))>
                        <option value="" selected=move || scoring.with(String::is_empty)>{fr(lang, "this map", "ce parcours")}</option>
                        {move || people.get().into_iter().map(|(pid, pname)| {
                            let p = pid.clone();
                            view! { <option value=pid selected=move || scoring.with(|s| *s == p)>{pname}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="journey-scoring journey-measure-kind">
                    <span>{fr(lang, "Stages measured by", "Étapes mesurées par")}</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(&jm, |txn, j| j.set_measure_kind(txn, &v));
                        ops::end_step();
                    }>
                        <option value="" selected=move || data.with(|j| j.measure.is_empty())>{fr(lang, "no survey", "aucune enquête")}</option>
                        {MEASURES.iter().map(|(key, name, _, _)| {
                            let key: &'static str = key;
                            view! { <option value=key selected=move || data.with(|j| j.measure == key)>{fr(lang, name.0, name.1)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
        </div>
    };
    if is_emotions {
        return view! { {head} {emotions(id, data, scoring, people)} }.into_any();
    }
    let notes_sources = Memo::new(move |_| {
        ui().look.track();
        super::persona::sources()
    });
    let cells = move || {
        stages
            .get()
            .into_iter()
            .map(|stage| {
                let (lid, sid) = (lane_id.clone(), stage);
                let text = {
                    let (lid, sid) = (lid.clone(), sid.clone());
                    move || data.with(|j| j.cell(&lid, &sid).to_owned())
                };
                let jid = id.clone();
                let key = format!("{lid}:{sid}");
                let differs = {
                    let cell = (lid.clone(), sid.clone());
                    move || changed.with(|c| c.contains(&cell))
                };
                let cites = {
                    let (lid, sid) = (lid.clone(), sid.clone());
                    Memo::new(move |_| data.with(|j| j.cited(&lid, &sid).to_vec()))
                };
                let support = Memo::new(move |_| {
                    let sources = notes_sources.get();
                    cites.with(|c| Support::of_notes(c, &sources))
                });
                let (cite_id, cite_lane, cite_stage) = (id.clone(), lid.clone(), sid.clone());
                let stake = {
                    let (lid, sid) = (lid.clone(), sid.clone());
                    Memo::new(move |_| data.with(|j| j.mot(&lid, &sid).map(str::to_owned)))
                };
                let (mot_id, mot_lane, mot_stage) = (id.clone(), lid.clone(), sid.clone());
                let stake_field = {
                    let (jid, lid, sid) = (id.clone(), lid.clone(), sid.clone());
                    move || {
                        stake.get().is_some().then(|| {
                            let (jid, lid, sid) = (jid.clone(), lid.clone(), sid.clone());
                            view! {
                                <div class="journey-mot">
                                    <span class="journey-mot-label">{fr(lang, "◆ Moment of truth · at stake:", "◆ Moment de vérité · enjeu :")}</span>
                                    {field("journey-stake-field", format!("{jid}/stake/{lid}:{sid}"), fr(lang, "What is won or lost here (trust, the sale…)", "Ce qui se gagne ou se perd ici (confiance, vente…)").to_owned(),
                                        move || stake.get().unwrap_or_default(),
                                        move |t| edit(&jid, |txn, j| j.set_stake(txn, &lid, &sid, &t)))}
                                </div>
                            }
                        })
                    }
                };
                view! {
                    <div class="journey-cell" class:mot=move || stake.with(Option::is_some) class:changed=differs data-cell=key on:pointerdown=|ev| ev.stop_propagation()>
                        {field_with("journey-cell-field", format!("{jid}/cell/{lid}:{sid}"), fr(lang, "One entry a line", "Une entrée par ligne").to_owned(), text, move |t| edit(&jid, |txn, j| j.set_cell(txn, &lid, &sid, &t)), Enter::NewLine, None)}
                        {stake_field}
                        <div class="journey-cell-evidence">
                            <button class="mot-flag" class:on=move || stake.with(Option::is_some)
                                aria-pressed=move || if stake.with(Option::is_some) { "true" } else { "false" }
                                title=fr(lang, "A moment of truth: a critical interaction where trust is won or lost", "Un moment de vérité : une interaction critique où la confiance se gagne ou se perd")
                                on:click=move |_| {
                                    let on = stake.with_untracked(Option::is_none);
                                    edit(&mot_id, |txn, j| j.set_mot(txn, &mot_lane, &mot_stage, on));
                                    ops::end_step();
                                }>"◆"</button>
                            {move || (support.get().notes > 0).then(|| view! {
                                <button class="support" title=crate::lang::tr("Highlight the notes this cell cites", "Mettre en évidence les notes citées par cette case")
                                    on:click=move |_| {
                                        let ids: std::collections::HashSet<String> = cites.get_untracked().into_iter().collect();
                                        ui().highlight.set(Some(ids));
                                    }>{move || support.get().label_in(crate::lang::ui_lang())}</button>
                            })}
                            <button class="line-btn cite" title=crate::lang::tr("Cite the selected notes", "Citer les notes sélectionnées")
                                on:click=move |_| {
                                    let notes = ui().selected_notes();
                                    if notes.is_empty() {
                                        ui().toast.set(Some(crate::lang::tr("Select the notes to cite first, then cite them here.", "Sélectionnez d'abord les notes à citer, puis citez-les ici.").into()));
                                        return;
                                    }
                                    edit(&cite_id, |txn, j| j.cite_cell(txn, &cite_lane, &cite_stage, &notes));
                                    ops::end_step();
                                }>"❝+"</button>
                        </div>
                    </div>
                }
            })
            .collect_view()
    };
    view! { {head} {cells} }.into_any()
}

/// The emotions lane: one curve per persona scored (and the map's own),
/// a zero line, and per stage the buttons that set the chosen curve's score.
fn emotions(
    id: String,
    data: Memo<Journey>,
    scoring: RwSignal<String>,
    people: Memo<Vec<(String, String)>>,
) -> impl IntoView {
    let y = |score: i8| CURVE / 2.0 - score as f64 * (CURVE / 2.0 - 14.0) / 2.0;
    let curves = move || {
        let j = data.get();
        let n = j.stages.len().max(1) as f64;
        let names = people.get();
        let width = n * COLUMN;
        let paths = j
            .curves()
            .into_iter()
            .enumerate()
            .map(|(i, persona)| {
                let color = CURVES[i % CURVES.len()];
                let points: Vec<(f64, f64)> = j
                    .curve(&persona)
                    .into_iter()
                    .map(|(stage, score)| ((stage as f64 + 0.5) * COLUMN, y(score)))
                    .collect();
                let d = points
                    .iter()
                    .enumerate()
                    .map(|(k, (x, y))| format!("{}{x:.1} {y:.1}", if k == 0 { "M" } else { " L" }))
                    .collect::<String>();
                let label = if persona.is_empty() {
                    String::new()
                } else {
                    names.iter().find(|(pid, _)| *pid == persona).map(|(_, n)| n.clone()).unwrap_or_default()
                };
                let last = points.last().copied();
                view! {
                    <g class="curve" data-persona=persona.clone()>
                        <path d=d stroke=color></path>
                        {points.into_iter().map(|(x, y)| view! { <circle cx=x cy=y r="6" fill=color></circle> }).collect_view()}
                        {last.map(|(x, y)| view! { <text x=x + 10.0 y=y - 8.0 fill=color>{label}</text> })}
                    </g>
                }
            })
            .collect_view();
        // The survey's figures, on the curve, stage by stage.
        let figures = j
            .stages
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, *j.measures.get(&s.id)?)))
            .map(|(i, v)| {
                let label = measure_label(&j.measure, v);
                view! { <text class="measure" x=(i as f64 + 0.5) * COLUMN y="18" text-anchor="middle">{label}</text> }
            })
            .collect_view();
        view! {
            <svg class="journey-curves" width=width height=CURVE viewBox=format!("0 0 {width} {CURVE}")>
                <line class="zero" x1="0" y1=y(0) x2=width y2=y(0)></line>
                {paths}
                {figures}
            </svg>
        }
    };
    let jid = id.clone();
    let buttons = move || {
        let j = data.get();
        j.stages
            .iter()
            .map(|stage| {
                let sid = stage.id.clone();
                let jid = id.clone();
                view! {
                    <div class="journey-scores" data-stage=sid.clone() on:pointerdown=|ev| ev.stop_propagation()>
                        {SCORES.map(|score| {
                            let (sid, jid) = (sid.clone(), jid.clone());
                            let current = {
                                let sid = sid.clone();
                                move || data.with(|j| j.score(&scoring.get(), &sid)) == Some(score)
                            };
                            view! {
                                <button class="score" class:on=current data-score=score.to_string()
                                    on:click=move |_| {
                                        let persona = scoring.get_untracked();
                                        let same = data.with_untracked(|j| j.score(&persona, &sid)) == Some(score);
                                        edit(&jid, |txn, j| j.set_score(txn, &persona, &sid, (!same).then_some(score)));
                                        ops::end_step();
                                    }>
                                    {if score > 0 { format!("+{score}") } else { score.to_string() }}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                }
            })
            .collect_view()
    };
    // The figures entered, stage by stage, when a survey measures them.
    let measures = move || {
        let j = data.get();
        let (lo, hi) = MEASURES
            .iter()
            .find(|(k, ..)| *k == j.measure)
            .map(|(_, _, lo, hi)| (*lo, *hi))?;
        let name = j.measure.to_uppercase();
        let inputs = j
            .stages
            .iter()
            .map(|stage| {
                let sid = stage.id.clone();
                let key = sid.clone();
                let jid = jid.clone();
                let value = j.measures.get(&sid).map(|v| v.to_string()).unwrap_or_default();
                let label = format!("{name} · {}", stage.name);
                view! {
                    <label class="journey-figure" data-stage=key on:pointerdown=|ev| ev.stop_propagation()>
                        <span>{name.clone()}</span>
                        <input type="number" min=lo max=hi step="any" value=value aria-label=label
                            on:change=move |ev| {
                                let v = parse_figure(&event_target_value(&ev));
                                edit(&jid, |txn, j| j.set_measure(txn, &sid, v.map(|v| v.clamp(lo, hi))));
                                ops::end_step();
                            }/>
                    </label>
                }
            })
            .collect_view();
        Some(view! { <div class="journey-score-row journey-figures">{inputs}</div> })
    };
    view! {
        <div class="journey-emotions">
            {curves}
            <div class="journey-score-row">{buttons}</div>
            {measures}
        </div>
    }
}
