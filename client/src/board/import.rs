//! The notes import: a dialog that reads a CSV or Markdown file (chosen or
//! dropped) or pasted text, shows how it reads it (format, column mapping,
//! a preview), and on confirmation lays the notes out in a pool frame, in
//! one undo step. A file it cannot read is reported and changes nothing.

use std::collections::HashMap;

use atelier_shared::import::{
    self, Field, Format, ImportError, Mapping, Note, Reading, Table, interviewer_colors,
};
use atelier_shared::journey::{JourneyEdit, measure_label, survey};
use atelier_shared::templates::Lang;
use atelier_shared::{Element, Kind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::camera::Camera;
use super::model::{model, ui};
use super::ops;
use crate::lang::{plural, tr, ui_lang};

/// Notes the preview shows.
const PREVIEW: usize = 6;

/// What was read: the file's name (empty for a paste) and its text.
#[derive(Clone, Debug, PartialEq)]
struct Input {
    name: String,
    text: String,
}

/// Adds `elements` (from an export) beside what the board holds, keeping
/// their layout, in one undo step, and shows them.
fn place_beside(mut elements: Vec<Element>) {
    let ui = ui();
    let model = model();
    let at = import::pool_origin(model.scene.bounds());
    let (_, hi) = model.scene.z_range();
    drop(model);
    let Some(bounds) = elements
        .iter()
        .map(Element::rect)
        .reduce(|a, b| a.union(&b))
    else {
        return;
    };
    for (i, e) in elements.iter_mut().enumerate() {
        e.x += at.0 - bounds.x;
        e.y += at.1 - bounds.y;
        e.z = hi + 1.0 + i as f64;
    }
    ops::insert(&elements);
    let (w, h) = ui.viewport.get_untracked();
    ui.camera.set(Camera::fit(bounds.at(at.0, at.1), w, h));
}

/// A journey map's id, its (stage id, figure) pairs, and the stage names
/// it lacks.
type MapFigures = (String, Vec<(String, f64)>, Vec<String>);

/// The journey map on the board whose stages `figures` name most (on a
/// tie, the selected one, then a current map rather than a target): its
/// id, (stage id, figure) for each stage named, and the names it lacks.
/// `None` without a journey map.
fn best_map(figures: &survey::Figures) -> Option<MapFigures> {
    let ui = ui();
    let scene = &model().scene;
    let selected = |id: &String| ui.selection.with_untracked(|s| s.contains(id));
    let mut maps: Vec<_> = scene
        .of_kind(Kind::Journey)
        .into_iter()
        .filter_map(|id| {
            let map = scene.get(&id)?.journey?;
            let (found, missing) = figures.matched(&map);
            let rank = (found.len(), selected(&id), map.variant != "target");
            Some((rank, id, found, missing))
        })
        .collect();
    maps.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    maps.into_iter()
        .next()
        .map(|(_, id, found, missing)| (id, found, missing))
}

/// Whether `i` is an Atelier JSON export (read by the server into
/// elements) rather than notes.
fn is_json(i: &Input) -> bool {
    i.name.to_ascii_lowercase().ends_with(".json") || i.text.trim_start().starts_with('{')
}

/// The notes on the board now.
fn board_notes() -> Vec<Element> {
    let scene = &model().scene;
    scene
        .of_kind(Kind::Note)
        .into_iter()
        .filter_map(|id| scene.get(&id))
        .collect()
}

/// The colour each interviewer's notes have on the board (from earlier
/// imports): they keep it.
fn known_colors() -> HashMap<String, String> {
    let mut known = HashMap::new();
    for note in board_notes() {
        if !note.source.interviewer.is_empty() {
            known.entry(note.source.interviewer).or_insert(note.color);
        }
    }
    known
}

/// The pool frame's title, in the board's language: what it holds, where
/// it came from and when (`Interview notes · notes.csv · 2026-12-02 14:05`).
fn pool_title(lang: Lang, source: &str) -> String {
    let (what, pasted) = match lang {
        Lang::En => ("Interview notes", "pasted text"),
        Lang::Fr => ("Notes d'entretien", "texte collé"),
    };
    let source = if source.trim().is_empty() {
        pasted
    } else {
        source
    };
    let d = js_sys::Date::new_0();
    format!(
        "{what} · {source} · {}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

#[component]
pub fn ImportDialog() -> impl IntoView {
    let ui = ui();
    let input = RwSignal::new(None::<Input>);
    let pasted = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let format = RwSignal::new(Format::Lines);
    let mapping = RwSignal::new(Mapping::default());
    let dragging = RwSignal::new(false);

    // A new input, as the server reads it (the CSV reader stays there, out
    // of the web app): its format and, as a table, the mapping its headers
    // suggest. A paste is read once the typing pauses; only the answer
    // for the latest input counts.
    let reading = RwSignal::new(None::<Reading>);
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        reading.set(None);
        let Some(i) = input.get() else {
            return;
        };
        if is_json(&i) {
            return;
        }
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let board = super::history::board_id();
        let wait = if i.name.is_empty() { 200 } else { 0 };
        set_timeout(
            move || {
                if asked.get_value() != n {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let read = crate::api::read_import(&board, &i.name, &i.text).await;
                    if asked.get_value() != n {
                        return;
                    }
                    match read {
                        Ok(read) => {
                            format.set(read.format);
                            reading.set(Some(read));
                        }
                        Err(e) => refused.set(Some(e)),
                    }
                });
            },
            std::time::Duration::from_millis(wait),
        );
    });
    let table = Memo::new(move |_| {
        (format.get() == Format::Table)
            .then(|| reading.with(|r| r.as_ref().map(|r| r.table.clone())))
            .flatten()
    });
    Effect::new(move |_| {
        if let Some(Ok(t)) = table.get() {
            mapping.set(Mapping::guess(&t.headers));
        }
    });
    // An Atelier JSON export (personas and notes), read by the server and
    // sent back as elements with new ids.
    let json = RwSignal::new(None::<Result<Vec<Element>, String>>);
    Effect::new(move |_| {
        let Some(i) = input.get() else {
            json.set(None);
            return;
        };
        if !is_json(&i) {
            json.set(None);
            return;
        }
        json.set(Some(Err(
            tr("Reading the export…", "Lecture de l'export…").to_owned()
        )));
        let board = window()
            .location()
            .pathname()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        leptos::task::spawn_local(async move {
            let read = crate::api::read_export(&board, i.text).await;
            // Only if the input is still the same one.
            if input.with_untracked(|now| now.as_ref().map(|n| n.name == i.name)) == Some(true) {
                json.set(Some(read));
            }
        });
    });
    // A survey's figures per stage (NPS or CES), for a journey map: the
    // map whose stages they name most.
    let survey = Memo::new(move |_| match table.get() {
        Some(Ok(t)) => survey::figures(&t).map(|read| read.map(|f| (best_map(&f), f))),
        _ => None,
    });
    let parsed = Memo::new(move |_| -> Option<Result<(Vec<Note>, usize), String>> {
        if json.with(Option::is_some) || survey.with(Option::is_some) {
            return None;
        }
        let i = input.get()?;
        let read = match format.get() {
            Format::Table => match table.get()? {
                Ok(t) => mapping.with(|m| import::notes_from_table(&t, m)),
                Err(e) => return Some(Err(e)),
            },
            Format::Markdown => import::notes_from_markdown(&i.text).map(|n| (n, 0)),
            Format::Lines => import::notes_from_lines(&i.text).map(|n| (n, 0)),
        };
        Some(read.map_err(|e| e.message(ui_lang())))
    });
    let notes = move || match parsed.get() {
        Some(Ok((notes, _))) => notes,
        _ => Vec::new(),
    };
    // Which notes the board holds already (a second import of the same
    // file says so before anything lands, and leaves them out).
    let there = Memo::new(move |_| {
        let notes = notes();
        let held = board_notes();
        import::already_there(
            &notes,
            held.iter()
                .map(|e| (e.text.as_str(), e.source.interviewee.as_str())),
        )
    });
    let leave_out = RwSignal::new(true);
    let pseudonymise = RwSignal::new(true);
    let to_import = move || {
        let notes = notes();
        if !leave_out.get() {
            return notes;
        }
        let there = there.get();
        notes
            .into_iter()
            .zip(there)
            .filter(|(_, there)| !there)
            .map(|(n, _)| n)
            .collect::<Vec<_>>()
    };
    let error = move || {
        if let Some(Err(e)) = json.get() {
            return Some(e);
        }
        if let Some(Err(e)) = survey.get() {
            return Some(e);
        }
        refused.get().or_else(|| match parsed.get() {
            Some(Err(e)) => Some(e),
            Some(Ok((n, _))) if n.is_empty() => Some(
                tr(
                    "No notes found in this text.",
                    "Aucune note trouvée dans ce texte.",
                )
                .into(),
            ),
            _ => None,
        })
    };

    let read_bytes = move |name: String, bytes: Vec<u8>| match import::decode(&bytes) {
        Ok(text) => {
            refused.set(None);
            input.set(Some(Input { name, text }));
        }
        Err(e) => {
            input.set(None);
            refused.set(Some(e.message(ui_lang())));
        }
    };
    // A file: refused by its size before anything is read.
    let take_file = move |file: web_sys::File| {
        let name = file.name();
        let size = file.size() as usize;
        if size > import::MAX_BYTES {
            input.set(None);
            refused.set(Some(
                ImportError::TooLarge { bytes: size }.message(ui_lang()),
            ));
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => read_bytes(name, js_sys::Uint8Array::new(&buffer).to_vec()),
                Err(_) => refused.set(Some(match ui_lang() {
                    Lang::En => format!("{name} could not be read."),
                    Lang::Fr => format!("{name} n'a pas pu être lu."),
                })),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let field: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(file) = field.and_then(|f| f.files()).and_then(|list| list.get(0)) {
            pasted.set(String::new());
            take_file(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|list| list.get(0))
        {
            pasted.set(String::new());
            take_file(file);
        }
    };
    let on_paste = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        pasted.set(text.clone());
        if text.trim().is_empty() {
            input.set(None);
            refused.set(None);
        } else {
            read_bytes(String::new(), text.into_bytes());
        }
    };

    let close = move || {
        ui.importing.set(false);
    };
    let dialog = NodeRef::<leptos::html::Div>::new();
    crate::dialog::behave(dialog, close);
    let land = move |notes: Vec<Note>| {
        let count = notes.len();
        let model = model();
        let at = import::pool_origin(model.scene.bounds());
        let (_, hi) = model.scene.z_range();
        let author = model.author.clone();
        drop(model);
        let lang = super::look::board_lang();
        let source = input.get_untracked().map(|i| i.name).unwrap_or_default();
        let place = atelier_shared::templates::Placement {
            lang,
            at,
            z: hi + 1.0,
            author: &author,
            created: js_sys::Date::now() as i64,
        };
        let elements = import::pool(
            &notes,
            &pool_title(lang, &source),
            &place,
            &known_colors(),
            ops::new_id,
        );
        let frame = elements[0].rect();
        ops::insert(&elements);
        let (w, h) = ui.viewport.get_untracked();
        ui.camera.set(Camera::fit(frame, w, h));
        ui.select([elements[0].id.clone()]);
        ui.toast.set(Some(match ui_lang() {
            Lang::En => format!("{count} note{} imported", if count == 1 { "" } else { "s" }),
            Lang::Fr => plural(count, "note importée", "notes importées"),
        }));
        close();
    };
    let confirm = move |_| {
        if let Some(Ok((Some((map, found, _)), figures))) = survey.get_untracked() {
            ops::with_map(&map, |txn, m| {
                let edit = JourneyEdit { map: m };
                edit.set_measure_kind(txn, figures.measure);
                for (stage, figure) in &found {
                    edit.set_measure(txn, stage, Some(*figure));
                }
            });
            ops::end_step();
            ui.select([map]);
            let measure = figures.measure.to_uppercase();
            ui.toast.set(Some(match ui_lang() {
                Lang::En => format!(
                    "{measure} set on {}",
                    plural(found.len(), "stage", "stages")
                ),
                Lang::Fr => format!(
                    "{measure} posé sur {}",
                    plural(found.len(), "étape", "étapes")
                ),
            }));
            close();
            return;
        }
        if let Some(Ok(elements)) = json.get_untracked() {
            let count = elements.len();
            place_beside(elements);
            ui.toast.set(Some(match ui_lang() {
                Lang::En => format!("{count} elements imported"),
                Lang::Fr => plural(count, "élément importé", "éléments importés"),
            }));
            close();
            return;
        }
        let notes = to_import();
        if notes.is_empty() {
            return;
        }
        // Interviewees' names become codes before anything lands; the
        // names stay on the server, apart from the board.
        let names = import::interviewee_names(&notes);
        if pseudonymise.get_untracked() && !names.is_empty() {
            let board = super::history::board_id();
            leptos::task::spawn_local(async move {
                match crate::api::pseudonymise(&board, &names).await {
                    Ok(codes) => land(import::pseudonymised(notes, &names, &codes)),
                    Err(e) => ui.toast.set(Some(e)),
                }
            });
            return;
        }
        land(notes);
    };

    let format_picker = move || {
        input.get().is_some().then(|| {
            view! {
                <label class="import-format">
                    <span>{tr("Read as", "Lire comme")}</span>
                    <select on:change=move |ev| format.set(match event_target_value(&ev).as_str() {
                        "table" => Format::Table,
                        "markdown" => Format::Markdown,
                        _ => Format::Lines,
                    })>
                        {[(Format::Table, "table", tr("A table (CSV, columns)", "Un tableau (CSV, colonnes)")),
                          (Format::Markdown, "markdown", tr("Markdown (one bullet a note)", "Markdown (une puce par note)")),
                          (Format::Lines, "lines", tr("One note a line", "Une note par ligne"))]
                            .map(|(f, value, label)| view! {
                                <option value=value selected=move || format.get() == f>{label}</option>
                            }).collect_view()}
                    </select>
                </label>
            }
        })
    };
    let columns = move || {
        let Some(Ok(Table { headers, .. })) = table.get() else {
            return None;
        };
        if survey.with(Option::is_some) {
            return None;
        }
        Some(view! {
            <fieldset class="import-mapping">
                <legend>{tr("Columns", "Colonnes")}</legend>
                {Field::ALL.map(|field| {
                    let headers = headers.clone();
                    view! {
                        <label>
                            <span>{field.label_in(ui_lang())}</span>
                            <select data-field=format!("{field:?}").to_ascii_lowercase()
                                on:change=move |ev| {
                                    let column = event_target_value(&ev).parse::<usize>().ok();
                                    mapping.update(|m| m.set(field, column));
                                }>
                                <option value="" selected=move || mapping.with(|m| m.get(field).is_none())>"—"</option>
                                {headers.into_iter().enumerate().map(|(i, h)| view! {
                                    <option value=i.to_string()
                                        selected=move || mapping.with(|m| m.get(field) == Some(i))>{h}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        })
    };
    let preview = move || {
        let Some(Ok((notes, skipped))) = parsed.get() else {
            return None;
        };
        if notes.is_empty() {
            return None;
        }
        let colors = interviewer_colors(&notes, &known_colors());
        let names = import::interviewee_names(&notes).len();
        let pseudonyms = (names > 0).then(|| {
            let said = tr(
                "Replace interviewees' names by codes (P01, P02…): the names stay apart, for the facilitators",
                "Remplacer les noms des personnes interviewées par des codes (P01, P02…) : les noms restent à part, pour les animateurs",
            );
            view! {
                <label class="import-pseudonymise">
                    <input type="checkbox" data-import="pseudonymise" prop:checked=move || pseudonymise.get()
                        on:change=move |ev| pseudonymise.set(event_target_checked(&ev))/>
                    {said}
                </label>
            }
        });
        let repeated = there.get().iter().filter(|t| **t).count();
        let repeated = (repeated > 0).then(|| {
            let said = match ui_lang() {
                Lang::En => format!(
                    "{repeated} of these {} notes are on the board already (the same words from the same interviewee).",
                    notes.len()
                ),
                Lang::Fr => format!(
                    "{repeated} de ces {} notes sont déjà sur le tableau (les mêmes mots, de la même personne interviewée).",
                    notes.len()
                ),
            };
            view! {
                <div class="import-duplicates" role="status" data-repeated=repeated>
                    <p>{said}</p>
                    <label>
                        <input type="checkbox" prop:checked=move || leave_out.get()
                            on:change=move |ev| leave_out.set(event_target_checked(&ev))/>
                        {tr("Leave them out", "Ne pas les importer à nouveau")}
                    </label>
                </div>
            }
        });
        let distinct = |f: fn(&Note) -> &str| {
            let set: std::collections::HashSet<&str> =
                notes.iter().map(f).filter(|s| !s.is_empty()).collect();
            set.len()
        };
        let mut summary = plural(notes.len(), "note", "notes");
        for (n, one, many) in [
            (
                distinct(|n| &n.source.interviewer),
                tr("interviewer", "intervieweur"),
                tr("interviewers", "intervieweurs"),
            ),
            (
                distinct(|n| &n.source.interviewee),
                tr("interviewee", "interviewé"),
                tr("interviewees", "interviewés"),
            ),
            (
                distinct(|n| &n.source.interview),
                tr("interview", "entretien"),
                tr("interviews", "entretiens"),
            ),
        ] {
            if n > 0 {
                summary.push_str(&format!(" · {}", plural(n, one, many)));
            }
        }
        if skipped > 0 {
            summary.push_str(&format!(
                " · {}",
                plural(
                    skipped,
                    tr("row without text left out", "ligne sans texte ignorée"),
                    tr("rows without text left out", "lignes sans texte ignorées"),
                )
            ));
        }
        let cards = notes
            .iter()
            .take(PREVIEW)
            .map(|note| {
                let color = colors[&note.source.interviewer].clone();
                let verbatim = note.source.origin == Some(atelier_shared::Origin::Verbatim);
                let meta = [
                    note.source.interviewee.as_str(),
                    note.source.interview.as_str(),
                    note.source.interviewer.as_str(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
                let tags = note.source.tags.clone();
                view! {
                    <li class="import-card" class:verbatim=verbatim style=format!("background:{color}")>
                        <span class="import-card-text">{note.text.clone()}</span>
                        <span class="import-card-meta">{meta}</span>
                        {(!tags.is_empty()).then(|| view! {
                            <span class="import-card-tags">
                                {tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}
                            </span>
                        })}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <div class="import-preview">
                <p class="import-summary">{summary}</p>
                {repeated}
                {pseudonyms}
                <ul class="import-cards">{cards}</ul>
            </div>
        })
    };
    let count = move || match (json.get(), survey.get()) {
        (Some(Ok(elements)), _) => elements.len(),
        (_, Some(Ok((Some((_, found, _)), _)))) => found.len(),
        (Some(Err(_)), _) | (_, Some(_)) => 0,
        (None, None) => to_import().len(),
    };
    let survey_summary = move || {
        let Some(Ok((best, figures))) = survey.get() else {
            return None;
        };
        let measure = figures.measure.to_uppercase();
        let (found, missing) = best
            .map(|(_, f, m)| (f.len(), m))
            .unwrap_or((0, Vec::new()));
        let said = match ui_lang() {
            Lang::En => format!(
                "Survey figures: {measure} for {}, {found} of them found on a journey map of the board.",
                plural(figures.stages.len(), "stage", "stages"),
            ),
            Lang::Fr => format!(
                "Résultats d'enquête : {measure} pour {}, dont {found} sur un parcours du tableau.",
                plural(figures.stages.len(), "étape", "étapes"),
            ),
        };
        Some(view! {
            <div class="import-survey">
                <p class="import-summary">{said}</p>
                <ul>
                    {figures.stages.into_iter().map(|(name, figure, answers)| view! {
                        <li>{name}" · "{measure_label(figures.measure, figure)}
                            <small>{match ui_lang() {
                                Lang::En => format!(" ({})", plural(answers, "answer", "answers")),
                                Lang::Fr => format!(" ({})", plural(answers, "réponse", "réponses")),
                            }}</small></li>
                    }).collect_view()}
                </ul>
                {(!missing.is_empty()).then(|| view! {
                    <p class="import-error">{format!("{} {}", tr("No stage of that name:", "Aucune étape de ce nom :"), missing.join(", "))}</p>
                })}
            </div>
        })
    };
    let json_summary = move || {
        let Some(Ok(elements)) = json.get() else {
            return None;
        };
        let personas = elements
            .iter()
            .filter(|e| e.kind == atelier_shared::Kind::Persona)
            .count();
        let notes = elements.len() - personas;
        Some(view! {
            <p class="import-summary">
                {match ui_lang() {
                    Lang::En => format!("An Atelier export: {personas} persona{}, {notes} note{}", if personas == 1 { "" } else { "s" }, if notes == 1 { "" } else { "s" }),
                    Lang::Fr => format!("Un export Atelier : {}, {}", plural(personas, "persona", "personas"), plural(notes, "note", "notes")),
                }}
            </p>
        })
    };

    view! {
        <div class="dialog-backdrop" on:pointerdown=|ev| ev.stop_propagation()>
            <div class="dialog import-dialog" role="dialog" aria-modal="true" aria-labelledby="import-title" node_ref=dialog>
                <header class="dialog-head">
                    <h2 id="import-title">{tr("Import interview notes", "Importer des notes d'entretien")}</h2>
                    <button class="dialog-close" title=tr("Close (Esc)", "Fermer (Esc)") aria-label=tr("Close", "Fermer") on:click=move |_| close()>"×"</button>
                </header>
                <div class="dialog-body">
                <p class="muted">{tr("Notes land in a pool frame beside the board, coloured by interviewer. \
                    A CSV (from a spreadsheet), a Markdown list (a heading per interview, a bullet per note) \
                    or text pasted below.",
                    "Les notes arrivent dans un cadre à côté du tableau, colorées par intervieweur. \
                    Un CSV (d'un tableur), une liste Markdown (un titre par entretien, une puce par note) \
                    ou du texte collé ci-dessous.")}</p>
                <label class="drop-zone" class:dragging=move || dragging.get()
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M10 13V3M6 7l4-4 4 4M4 13v4h12v-4"/></svg>
                    <span>
                        <strong>{tr("Choose a file", "Choisissez un fichier")}</strong>{tr(" or drop it here", " ou déposez-le ici")}
                        <small>{tr("CSV, TSV, Markdown or text · up to 5 MB", "CSV, TSV, Markdown ou texte · 5 Mo au plus")}</small>
                    </span>
                    <input class="import-file" type="file" accept=".csv,.tsv,.md,.markdown,.txt,.json,text/csv,text/markdown,text/plain,application/json"
                        on:change=on_file/>
                </label>
                <textarea class="import-paste" rows="3" placeholder=tr("…or paste notes here: one a line, a Markdown list, or rows copied from a spreadsheet",
                    "…ou collez les notes ici : une par ligne, une liste Markdown, ou des lignes copiées d'un tableur")
                    prop:value=move || pasted.get() on:input=on_paste></textarea>
                {move || error().map(|e| view! { <p class="import-error" role="alert">{e}</p> })}
                {move || input.get().filter(|i| !i.name.is_empty()).map(|i| view! {
                    <p class="import-file-name">{i.name}</p>
                })}
                <div class="import-options">
                    {format_picker}
                    {columns}
                </div>
                {preview}
                {json_summary}
                {survey_summary}
                </div>
                <footer class="dialog-foot">
                    <button class="button" on:click=move |_| close()>{tr("Cancel", "Annuler")}</button>
                    <button class="button primary import-confirm" disabled=move || count() == 0 on:click=confirm>
                        {move || match (count(), json.with(|j| j.is_some()), ui_lang()) {
                            (n, _, Lang::En) if survey.with(Option::is_some) => format!("Set {n} figures on the map"),
                            (n, _, Lang::Fr) if survey.with(Option::is_some) => format!("Poser {n} résultats sur le parcours"),
                            (0, _, _) => tr("Import notes", "Importer les notes").to_owned(),
                            (n, true, Lang::En) => format!("Import {n} elements"),
                            (n, true, Lang::Fr) => format!("Importer {}", plural(n, "élément", "éléments")),
                            (1, false, _) => tr("Import 1 note", "Importer 1 note").to_owned(),
                            (n, false, Lang::En) => format!("Import {n} notes"),
                            (n, false, Lang::Fr) => format!("Importer {n} notes"),
                        }}
                    </button>
                </footer>
            </div>
        </div>
    }
}
