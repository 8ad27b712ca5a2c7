//! The CX workshop in real browsers: interview notes imported from files
//! and pasted text, seen live by a second participant, checked in the
//! document by a Rust Yjs client.
//!
//! Needs `target/web` (built by `cargo xtask test`) and Debian's chromium.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use atelier_server::Config;
use atelier_shared::{Kind, Origin};
use atelier_tests::browser::{Browser, with_browsers};
use atelier_tests::{TestServer, YClient, eventually};

const WAIT: Duration = Duration::from_secs(10);

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/tests/data")
        .join(name)
        .canonicalize()
        .expect("sample file")
}

/// The sample CSV's notes, as the shared import reads them.
fn sample_notes() -> Vec<atelier_shared::import::Note> {
    let text = std::fs::read_to_string(sample("interview-notes.csv")).expect("sample");
    let table = atelier_shared::import::parse_table(&text).expect("table");
    let mapping = atelier_shared::import::Mapping::guess(&table.headers);
    atelier_shared::import::notes_from_table(&table, &mapping)
        .expect("notes")
        .0
}

/// The file the export menu's link `file` downloads, as text (the menu
/// must be open).
async fn fetch_export(b: &Browser, file: &str) -> Result<serde_json::Value> {
    b.eval_async(&format!(
        "const a = document.querySelector(\"[data-export='{file}']\");
         fetch(a.href).then(r => r.text()).then(done);"
    ))
    .await
}

/// Picks `value` in the `<select>` under `css`, as a user would.
async fn select(b: &Browser, css: &str, value: &str) -> Result<()> {
    b.eval(&format!(
        "const s = document.querySelector({css:?}); s.value = {value:?};
         s.dispatchEvent(new Event('change', {{bubbles: true}})); return s.value;"
    ))
    .await?;
    Ok(())
}

/// Card or map `id` is stored at least as tall as `b` draws it (so
/// selection, fitting and exports follow).
async fn stored_as_drawn(b: &Browser, bot: &YClient, id: &str) -> Result<()> {
    let drawn = b
        .eval(&format!(
            "return document.querySelector(\".el-persona[data-id='{id}'], .el-journey[data-id='{id}']\").offsetHeight;"
        ))
        .await?
        .as_f64()
        .unwrap_or_default();
    ensure!(
        eventually(WAIT, || bot.element(id).is_some_and(|p| p.h + 1.0 >= drawn)).await,
        "the card is drawn {drawn} high, stored {:?}",
        bot.element(id).map(|p| p.h)
    );
    Ok(())
}

/// Opens the import dialog and gives it `path` as the chosen file.
async fn choose_file(b: &Browser, path: &std::path::Path) -> Result<()> {
    if b.eval("return !document.querySelector('.import-dialog');")
        .await?
        == true
    {
        b.click_css("[data-action='import']").await?;
    }
    let field = b.wait_for(".import-file").await?;
    field
        .send_keys(path.to_str().context("path")?)
        .await
        .context("choosing the file")?;
    Ok(())
}

/// Interview notes from the sample CSV land in a pool frame, with who said
/// them, coloured by interviewer, for both participants; broken files and
/// unknown columns are explained and change nothing; undo takes the
/// import back in one step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_notes_are_imported_into_a_pool() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Sinistre auto").await;
    let dir = atelier_tests::temp_dir("import");
    with_browsers(server, &["en-US", "en-US"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;

        // Garbage: a clear message, nothing to import, nothing changed.
        let garbage = dir.join("photo.csv");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        std::fs::write(&garbage, bytes)?;
        choose_file(ann, &garbage).await?;
        ann.until(
            "garbage is refused",
            "const e = document.querySelector('.import-error'); return !!e && e.textContent.includes('not a text file');",
        )
        .await?;
        ensure!(
            ann.eval("return document.querySelector('.import-confirm').disabled;").await? == true,
            "garbage can be imported"
        );
        ann.screenshot("import-refused").await?;

        // The sample CSV: mapped by its headers, previewed, imported.
        choose_file(ann, &sample("interview-notes.csv")).await?;
        ann.until(
            "the preview counts the notes",
            "const s = document.querySelector('.import-summary'); return !!s && s.textContent.startsWith('30 notes');",
        )
        .await?;
        let text_column = ann
            .eval("const s = document.querySelector(\"select[data-field='text']\"); return s.options[s.selectedIndex].textContent;")
            .await?;
        ensure!(text_column == "text", "text read from {text_column}");
        ensure!(
            ann.eval("return document.querySelectorAll('.import-card').length;").await? == 6,
            "no preview cards"
        );
        ann.screenshot("import-preview").await?;
        ann.click_css(".import-confirm").await?;
        ensure!(
            eventually(WAIT, || bot.all_elements().len() == 31).await,
            "{} elements after the import",
            bot.all_elements().len()
        );
        let all = bot.all_elements();
        let frame = all
            .iter()
            .find(|e| e.kind == Kind::Frame)
            .context("no pool frame")?;
        // Named after what it holds, where it came from and when.
        ensure!(
            frame.text.starts_with("Interview notes · interview-notes.csv · 20"),
            "{}",
            frame.text
        );
        let notes: Vec<_> = all.iter().filter(|e| e.kind == Kind::Note).collect();
        ensure!(notes.len() == 30);
        ensure!(notes.iter().all(|n| n.parent.as_deref() == Some(frame.id.as_str())));
        let first = notes
            .iter()
            .find(|n| n.text.starts_with("J'ai déclaré mon accident"))
            .context("the first verbatim")?;
        ensure!(first.source.origin == Some(Origin::Verbatim), "{first:?}");
        ensure!(first.source.interviewee == "C01" && first.source.interviewer == "Claire");
        ensure!(first.source.tags == ["SPECIFIC:Sécurité", "irritant"]);
        // Claire's notes share a colour that Karim's do not.
        let color_of = |who: &str| {
            notes
                .iter()
                .filter(|n| n.source.interviewer == who)
                .map(|n| n.color.clone())
                .collect::<std::collections::HashSet<_>>()
        };
        let (claire, karim) = (color_of("Claire"), color_of("Karim"));
        ensure!(claire.len() == 1 && karim.len() == 1 && claire != karim);

        // Ben sees them appear, drawn as verbatims with their source.
        ben.until(
            "Ben has the notes",
            "return document.querySelector('.board').dataset.elements === '31';",
        )
        .await?;
        ann.until("the dialog closes", "return !document.querySelector('.import-dialog');")
            .await?;
        ann.until(
            "a verbatim shows who said it",
            "return [...document.querySelectorAll('.el-note.verbatim .el-source')].some(s => s.textContent === 'C01 · E01');",
        )
        .await?;
        ann.screenshot("import-pool").await?;

        // One undo takes the whole import back; redo brings it again.
        ann.ctrl('z').await?;
        ensure!(
            eventually(WAIT, || bot.all_elements().is_empty()).await,
            "undo left {}",
            bot.all_elements().len()
        );
        ann.chord(&[fantoccini::key::Key::Control], 'y').await?;
        ensure!(eventually(WAIT, || bot.all_elements().len() == 31).await);

        // The same file again: the dialog says they are all there already
        // and leaves them out (nothing to import), unless asked.
        choose_file(ann, &sample("interview-notes.csv")).await?;
        ann.until(
            "the repeats are found",
            "const d = document.querySelector('.import-duplicates'); return !!d && d.dataset.repeated === '30'
                && d.textContent.startsWith('30 of these 30 notes are on the board already');",
        )
        .await?;
        ensure!(
            ann.eval("return document.querySelector('.import-confirm').disabled;").await? == true,
            "the repeats would land again"
        );
        ann.screenshot("import-repeats").await?;
        ann.click_css(".import-duplicates input").await?;
        ann.until(
            "unticked, they can be imported",
            "return !document.querySelector('.import-confirm').disabled;",
        )
        .await?;
        ann.click_css(".dialog-foot .button:not(.primary)").await?;
        ensure!(bot.all_elements().len() == 31, "Cancel imported");

        // The notes panel: highlight one interviewer's notes (for Ann only).
        let expected = sample_notes();
        ann.click_css("[data-action='notes']").await?;
        let interviewers: std::collections::HashSet<_> =
            expected.iter().map(|n| n.source.interviewer.as_str()).collect();
        ann.until(
            "the panel sums the notes up",
            &format!(
                "const p = document.querySelector('.panel-summary'); return !!p && p.textContent.startsWith('30 notes · {} interviewers');",
                interviewers.len()
            ),
        )
        .await?;
        select(ann, "select[data-filter='interviewer']", "Karim").await?;
        let karims = expected.iter().filter(|n| n.source.interviewer == "Karim").count();
        ann.until(
            "only Karim's notes stand out",
            &format!(
                "return document.querySelectorAll('.el-note:not(.dimmed)').length === {karims}
                    && document.querySelectorAll('.el-note.dimmed').length === {};",
                30 - karims
            ),
        )
        .await?;
        ensure!(
            ben.eval("return document.querySelectorAll('.el-note.dimmed').length;").await? == 0,
            "Ann's filter dimmed Ben's board"
        );
        ann.screenshot("notes-panel-filter").await?;
        ann.click_css(".panel-match .link").await?;
        // Counts per need, as the shared analysis counts them.
        let counts = atelier_shared::analysis::TagCounts::of(expected.iter().map(|n| &n.source));
        for (i, (need, _)) in atelier_shared::analysis::SPECIFIC.needs.iter().enumerate() {
            let shown = ann
                .eval(&format!(
                    "return document.querySelector(\"[data-need='SPECIFIC:{need}'] .need-count\").textContent;"
                ))
                .await?;
            ensure!(
                shown.as_str() == Some(counts.needs[0][i].to_string().as_str()),
                "{need}: {shown} shown, {} counted",
                counts.needs[0][i]
            );
        }
        // A need highlights its notes, whichever language tagged them.
        ann.click_css("[data-need='SPECIFIC:Security']").await?;
        ann.until(
            "the need's notes stand out",
            &format!(
                "return document.querySelectorAll('.el-note:not(.dimmed)').length === {};",
                counts.needs[0][0]
            ),
        )
        .await?;
        ann.click_css("[data-need='SPECIFIC:Security']").await?;

        // A note that says the same thing again is found, and stacked.
        let original = bot
            .all_elements()
            .into_iter()
            .find(|e| e.text.starts_with("Ce que je veux, c'est savoir où en est mon dossier"))
            .context("the note to repeat")?;
        let mut again = atelier_shared::Element::new("again", Kind::Note, 3000.0, 3000.0);
        again.text = "ce que je veux c'est savoir ou en est mon dossier sans appeler".into();
        bot.add(&again).await;
        ann.until(
            "the duplicate is found",
            "return [...document.querySelectorAll('.notes-panel h4')].some(h => h.textContent === 'Duplicates · 1 group');",
        )
        .await?;
        ann.screenshot("notes-panel").await?;
        ann.click_css(".duplicate-actions .link[title^='Pile']").await?;
        ensure!(
            eventually(WAIT, || {
                let (a, b) = (bot.element(&original.id), bot.element("again"));
                match (a, b) {
                    (Some(a), Some(b)) => {
                        let (first, second) = if a.z < b.z { (a, b) } else { (b, a) };
                        (second.x - first.x - 14.0).abs() < 0.5
                            && (second.y - first.y - 14.0).abs() < 0.5
                            && second.parent == first.parent
                    }
                    _ => false,
                }
            })
            .await,
            "not stacked: {:?} {:?}",
            bot.element(&original.id),
            bot.element("again")
        );
        ann.click_css(".panel-head .dialog-close").await?;
        let elements = bot.elements();
        bot.edit(|txn| {
            yrs::Map::remove(&elements, txn, "again");
        })
        .await;
        ensure!(eventually(WAIT, || bot.all_elements().len() == 31).await);

        // Columns it cannot guess: it asks for the text column.
        let odd = dir.join("odd.csv");
        std::fs::write(&odd, "who;said\nAnn;Trop d'attente\nBob;\n")?;
        choose_file(ann, &odd).await?;
        ann.until(
            "the text column is asked for",
            "const e = document.querySelector('.import-error'); return !!e && e.textContent.includes('Choose it');",
        )
        .await?;
        select(ann, "select[data-field='text']", "1").await?;
        ann.until(
            "the chosen column is read",
            "const s = document.querySelector('.import-summary'); return !!s && s.textContent.startsWith('1 note') && s.textContent.includes('1 row without text');",
        )
        .await?;
        ann.click_css(".import-confirm").await?;
        ensure!(
            eventually(WAIT, || bot.all_elements().iter().any(|e| e.text == "Trop d'attente")).await,
            "the chosen column was not imported"
        );

        // Pasted text, then Cancel: nothing added.
        let before = bot.all_elements().len();
        ann.click_css("[data-action='import']").await?;
        let paste = ann.wait_for(".import-paste").await?;
        paste.send_keys("- « Lent »\n- Rappel promis").await?;
        ann.until(
            "the pasted notes are read",
            "const s = document.querySelector('.import-summary'); return !!s && s.textContent.startsWith('2 notes');",
        )
        .await?;
        ann.click_css(".dialog-foot .button:not(.primary)").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(bot.all_elements().len() == before, "Cancel imported");
        Ok(())
    })
    .await;
}

/// A board made from a template on the home page (in French, by a French
/// browser: the interface speaks French to her and English to Ben), the
/// other templates inserted from the toolbar, and notes that belong to the
/// zone they are dropped in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_start_from_templates_and_zones_take_notes() {
    let server = TestServer::start(Config::default()).await;
    let mut bot = None;
    with_browsers(server, &["fr-FR", "en-US"], async |server, browsers| {
        let [b, ben] = browsers else {
            unreachable!()
        };
        // The home page: an empathy map, in French.
        b.client.goto(&server.http("/")).await?;
        b.until(
            "the home page speaks French",
            "return document.documentElement.lang === 'fr'
                && document.querySelector('h1').textContent === \"Tableaux d'atelier\"
                && document.querySelector(\"select[name='lang']\").value === 'fr';",
        )
        .await?;
        let title = b.wait_for(".new-board input").await?;
        title.send_keys("Persona Julie").await?;
        select(b, "select[name='template']", "empathy-map").await?;
        select(b, "select[name='lang']", "fr").await?;
        b.click_css(".new-board button[type='submit']").await?;
        b.give_name("Ann").await?;
        let url = b.client.current_url().await?;
        let id = url
            .path()
            .rsplit('/')
            .next()
            .context("board id")?
            .to_owned();
        let client = bot.insert(YClient::connect(&server.ws(&id)).await?);
        client.synced().await;
        // Ben joins by a participant's link and follows everything live.
        ben.join(&server.board_url_as(&id, atelier_server::Role::Editor), "Ben")
            .await?;
        // Each in their own language; the template's texts in the board's.
        b.until(
            "Ann's board speaks French",
            "return document.querySelector(\"[data-action='import']\").title === \"Importer des notes d'entretien\"
                && document.querySelector('.status').textContent.includes('enregistrées');",
        )
        .await?;
        ben.until(
            "Ben's board speaks English",
            "return document.querySelector(\"[data-action='import']\").title === 'Import interview notes'
                && document.querySelector('.status').textContent.includes('All changes saved');",
        )
        .await?;
        let ben_sees = |n: usize| {
            format!("return document.querySelector('.board').dataset.elements === '{n}';")
        };
        let frames = |c: &YClient| -> Vec<atelier_shared::Element> {
            c.all_elements()
                .into_iter()
                .filter(|e| e.kind == Kind::Frame)
                .collect()
        };
        let zone = |c: &YClient, zone: &str| frames(c).into_iter().find(|e| e.zone == zone);
        let says = zone(client, "empathy-map/says").context("no Says zone")?;
        ensure!(says.text == "Dit", "{says:?}");
        let titles: Vec<String> = frames(client).into_iter().map(|f| f.text).collect();
        for title in [
            "Carte d'empathie",
            "Dit",
            "Pense",
            "Fait",
            "Ressent",
            "Irritants",
            "Gains",
        ] {
            ensure!(
                titles.iter().any(|t| t == title),
                "no {title} in {titles:?}"
            );
        }
        b.screenshot("template-empathy-map-new").await?;

        // A note made in a zone belongs to it; one dragged into another
        // zone then belongs to that one.
        let feels = zone(client, "empathy-map/feels").context("no Feels zone")?;
        let (sx, sy) = b.screen_of(says.x + 200.0, says.y + 200.0).await?;
        b.type_text("n").await?;
        b.click_at(sx, sy).await?;
        b.editor_ready().await?;
        b.type_text("Je veux être rappelée").await?;
        b.type_text("\u{e00c}").await?;
        let note = || {
            bot.as_ref()
                .unwrap()
                .all_elements()
                .into_iter()
                .find(|e| e.text == "Je veux être rappelée")
        };
        ensure!(
            eventually(WAIT, || note()
                .is_some_and(|n| n.parent.as_deref() == Some(says.id.as_str())))
            .await,
            "the note is not in Says: {:?}",
            note()
        );
        let id_of_note = note().unwrap().id;
        let from = b.center_of(&format!("[data-id='{id_of_note}']")).await?;
        let to = b
            .screen_of(feels.x + feels.w / 2.0, feels.y + feels.h / 2.0)
            .await?;
        b.drag(from, to).await?;
        ensure!(
            eventually(WAIT, || note()
                .is_some_and(|n| n.parent.as_deref() == Some(feels.id.as_str())))
            .await,
            "the note is not in Feels: {:?}",
            note()
        );
        b.screenshot("template-empathy-map").await?;
        let count = bot.as_ref().unwrap().all_elements().len();
        ben.until("Ben has the map and the note", &ben_sees(count))
            .await?;
        ben.screenshot("template-empathy-map-ben").await?;

        // The toolbar inserts the others, in the board's language.
        for (template, zone_key, title) in [
            ("stakeholder-map", "stakeholder-map/ally", "Allié"),
            ("kano", "kano/plane", "Réalisation × satisfaction"),
            ("affinity", "affinity/group", "Thème 1"),
        ] {
            b.click_css("[data-action='templates']").await?;
            b.click_css(&format!("[data-template='{template}']"))
                .await?;
            let client = bot.as_ref().unwrap();
            ensure!(
                eventually(WAIT, || zone(client, template).is_some()
                    && frames(client)
                        .iter()
                        .any(|z| z.zone == zone_key && z.text == title))
                .await,
                "{template} was not inserted"
            );
            // Each lands beside the rest: no two templates overlap.
            let outer: Vec<atelier_shared::Rect> = frames(client)
                .iter()
                .filter(|f| !f.zone.is_empty() && !f.zone.contains('/'))
                .map(|f| f.rect())
                .collect();
            for (i, a) in outer.iter().enumerate() {
                ensure!(
                    outer[i + 1..].iter().all(|b| !a.intersects(b)),
                    "templates overlap"
                );
            }
        }
        b.type_text("!").await?; // Shift+1: the whole board
        b.screenshot("templates").await?;
        let count = bot.as_ref().unwrap().all_elements().len();
        ben.until("Ben has every template", &ben_sees(count))
            .await?;

        // A new board from each of the other templates, in English.
        for template in ["stakeholder-map", "kano", "affinity", "personas", "journey-map"] {
            ben.client.goto(&server.http("/")).await?;
            let title = ben.wait_for(".new-board input").await?;
            title.send_keys(template).await?;
            select(ben, "select[name='template']", template).await?;
            select(ben, "select[name='lang']", "en").await?;
            ben.click_css(".new-board button[type='submit']").await?;
            ben.wait_for(".board-shell[data-sync='saved']").await?;
            let expected = atelier_shared::templates::build(
                template,
                &atelier_shared::templates::Placement::origin(
                    atelier_shared::templates::Lang::En,
                ),
                String::new,
            )
            .context("template")?;
            ben.until(&format!("the {template} board"), &ben_sees(expected.len()))
                .await?;
            let cards = match template {
                "personas" => Some((".el-persona", 3)),
                "journey-map" => Some((".el-journey", 1)),
                _ => None,
            };
            if let Some((css, n)) = cards {
                ben.until(
                    &format!("the {template} cards"),
                    &format!("return document.querySelectorAll('{css}').length === {n};"),
                )
                .await?;
                ben.screenshot(&format!("template-{template}")).await?;
            }
            if template == "kano" {
                ben.screenshot("template-kano").await?;
                ben.click_css("[aria-label='Zoom in']").await?;
                ben.click_css("[aria-label='Zoom in']").await?;
                ben.screenshot("template-kano-near").await?;
                // Near, the plane is in the page, drawn by the stylesheet.
                ben.wait_for(".el-frame[data-zone='kano/plane']").await?;
            }
        }
        Ok(())
    })
    .await;
}

/// A persona card written by two people at once, whose lines cite the
/// interview notes that support them: counts of notes and interviewees,
/// unsupported lines flagged, sources highlighted, citations on the notes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persona_cites_the_notes_behind_it() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Personas").await;
    for (i, who) in ["C01", "C01", "C02"].into_iter().enumerate() {
        let mut note =
            atelier_shared::Element::new(format!("v{i}"), Kind::Note, i as f64 * 200.0, 0.0);
        note.text = format!("Verbatim {i}");
        note.source.interviewee = who.into();
        note.source.origin = Some(Origin::Verbatim);
        bot.add(&note).await;
    }
    let persona = || {
        bot.all_elements()
            .into_iter()
            .find(|e| e.kind == Kind::Persona)
    };
    with_browsers(server, &["en-US", "en-US"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;
        ann.click_css("[data-action='templates']").await?;
        ann.click_css("[data-template='persona']").await?;
        ann.wait_for(".el-persona").await?;
        ensure!(eventually(WAIT, || persona().is_some()).await, "no persona");
        let pid = persona().unwrap().id;

        // Ann names her; Ben sees it.
        ann.click_css(".el-persona .persona-name").await?;
        ann.type_text("Julie").await?;
        ensure!(
            eventually(WAIT, || persona().and_then(|p| p.persona).is_some_and(|p| p.name == "Julie")).await,
            "the name is not in the document"
        );
        ben.until(
            "Ben sees the name",
            "const f = document.querySelector('.el-persona .persona-name'); return !!f && f.value === 'Julie';",
        )
        .await?;
        // ... and that Ann is in that field, before typing in it himself.
        ben.until(
            "Ben sees who is typing",
            "const w = document.querySelector('.el-persona .persona-name').closest('.typing-field');
             return w.classList.contains('typing') && w.querySelector('.typing-tag').textContent === 'Ann is typing';",
        )
        .await?;
        ben.screenshot("persona-typing").await?;

        // A line in Motivational, unsupported until it cites notes.
        // She leaves the field: the mark goes.
        ann.type_text("\u{e00c}").await?;
        ben.until(
            "the mark goes",
            "return !document.querySelector('.el-persona .typing-tag');",
        )
        .await?;
        // "+ Add a line" puts the caret in the new line.
        ann.click_css("[data-section='motivational'] .add-line").await?;
        ann.wait_for("[data-section='motivational'] .persona-line-field").await?;
        ann.until(
            "the caret is in the new line",
            "return !!document.activeElement && document.activeElement.classList.contains('persona-line-field');",
        )
        .await?;
        ann.type_text("Wants to know where her claim stands").await?;
        ann.wait_for("[data-section='motivational'] .persona-line.unsupported").await?;
        let line = || {
            persona()
                .and_then(|p| p.persona)
                .and_then(|p| p.lines("motivational").first().cloned())
        };
        ensure!(
            eventually(WAIT, || line().is_some_and(|l| l.text == "Wants to know where her claim stands")).await,
            "the line is not in the document: {:?}",
            line()
        );
        // Enter: the next line, the caret in it; a long text wraps whole,
        // and the card (as stored) grows with it.
        ann.type_text("\u{e007}").await?;
        // As a user does, she types once the caret is in the new line
        // (it moves there on the next frame).
        ann.until(
            "the caret is in the second line",
            "const f = document.querySelectorAll(\"[data-section='motivational'] .persona-line-field\")[1];
             return !!f && document.activeElement === f;",
        )
        .await?;
        let long = "Artisan, works alone, always on a building site, writes her quotes at night after dinner and answers the phone only between two urgent jobs";
        ann.type_text(long).await?;
        ensure!(
            eventually(WAIT, || persona()
                .and_then(|p| p.persona)
                .is_some_and(|p| p.lines("motivational").len() == 2 && p.lines("motivational")[1].text == long))
            .await,
            "Enter did not start the next line"
        );
        ann.until(
            "the long line wraps, whole",
            "const f = document.querySelectorAll(\"[data-section='motivational'] .persona-line-field\")[1];
             return f.scrollHeight <= f.clientHeight + 1 && f.clientHeight > 40;",
        )
        .await?;
        stored_as_drawn(ann, &bot, &pid).await?;
        ann.screenshot("persona-long-line").await?;

        // Select every note (and the card), cite them from the line.
        ann.type_text("\u{e00c}").await?;
        ann.click_at(640.0, 620.0).await?;
        ann.ctrl('a').await?;
        ann.click_css("[data-section='motivational'] .cite").await?;
        ensure!(
            eventually(WAIT, || line().is_some_and(|l| l.cites.len() == 3)).await,
            "cites: {:?}",
            line()
        );
        for b in [&ann, &ben] {
            b.until(
                "the line shows its support",
                "const s = document.querySelector(\"[data-section='motivational'] .support\"); return !!s && s.textContent === '3 notes · 2 interviewees';",
            )
            .await?;
        }
        // Its sources light up; each note says it is cited.
        ann.click_css("[data-section='motivational'] .support").await?;
        ann.type_text("!").await?; // the whole board
        ann.until(
            "the sources are highlighted",
            "return document.querySelectorAll('.el-note.source').length === 3
                && [...document.querySelectorAll('.el-note .el-cited')].every(c => c.textContent.includes('1'));",
        )
        .await?;
        ann.screenshot("persona-evidence").await?;

        // Ben marks her primary.
        ben.click_at(640.0, 600.0).await?;
        ben.type_text("!").await?;
        ben.wait_for(".el-persona .persona-primary").await?;
        let at = ben.center_of(".el-persona .persona-primary").await?;
        ben.click_at(at.0, at.1).await?;
        ensure!(
            eventually(WAIT, || persona().and_then(|p| p.persona).is_some_and(|p| p.primary)).await,
            "not primary"
        );
        ann.wait_for(".el-persona.primary").await?;
        ensure!(persona().map(|p| p.id) == Some(pid));

        // The segment she stands for and her own priority (a sentence);
        // then the workshop's outputs: an irritant, by Ben.
        ann.click_css(".el-persona .persona-segment").await?;
        ann.type_text("Young drivers, first claim").await?;
        ann.click_css(".el-persona .persona-priority-field").await?;
        ann.type_text("Get back on the road without a fight").await?;
        ann.type_text("\u{e00c}").await?;
        ben.click_css("[data-section='irritants'] .add-line").await?;
        ben.wait_for("[data-section='irritants'] .persona-line-field").await?;
        ben.type_text("Repeating her story to every advisor").await?;
        ensure!(
            eventually(WAIT, || persona().and_then(|p| p.persona).is_some_and(|p| p.segment == "Young drivers, first claim"
                && p.priority == "Get back on the road without a fight"
                && p.lines("irritants").first().is_some_and(|l| l.text == "Repeating her story to every advisor")))
            .await,
            "{:?}",
            persona().and_then(|p| p.persona)
        );
        ben.type_text("\u{e00c}").await?;
        ann.until(
            "the outputs come under their heading",
            "const h = document.querySelector('.el-persona .persona-outputs');
             return !!h && h.nextElementSibling.dataset.section === 'experience';",
        )
        .await?;
        ann.screenshot("persona-outputs").await?;

        // Export: the menu's report is the persona with its evidence.
        ann.click_css("[data-action='export']").await?;
        let report = fetch_export(ann, "personas.md").await?;
        let report = report.as_str().unwrap_or_default().to_owned();
        ensure!(report.contains("### Julie"), "{report}");
        ensure!(report.contains("*segment: Young drivers, first claim · primary persona*"), "{report}");
        ensure!(report.contains("**Priority:** Get back on the road without a fight"), "{report}");
        ensure!(report.contains("#### Irritants\n\n- Repeating her story to every advisor"), "{report}");
        ensure!(
            report.contains("- Wants to know where her claim stands _(3 notes: C01, C02)_"),
            "{report}"
        );
        // The JSON export, imported again: a second persona citing copies
        // of the notes.
        let json = fetch_export(ann, "board.json").await?;
        // Esc closes the menu; so does a click anywhere else.
        ann.type_text("\u{e00c}").await?;
        ann.until("Esc closed the menu", "return !document.querySelector('.export-menu');").await?;
        ann.click_css("[data-action='templates']").await?;
        ann.wait_for(".template-menu").await?;
        ann.click_at(1150.0, 300.0).await?; // the board, right of the card
        ann.until("a click away closed the menu", "return !document.querySelector('.template-menu');").await?;
        ann.click_css("[data-action='import']").await?;
        ann.wait_for(".import-paste").await?;
        ann.eval(&format!(
            "const t = document.querySelector('.import-paste'); t.value = {json};
             t.dispatchEvent(new Event('input', {{bubbles: true}})); return true;"
        ))
        .await?;
        ann.until(
            "the export is recognised",
            "const s = document.querySelector('.import-summary'); return !!s && s.textContent === 'An Atelier export: 1 persona, 3 notes';",
        )
        .await?;
        ann.click_css(".import-confirm").await?;
        ensure!(
            eventually(WAIT, || {
                let all = bot.all_elements();
                let personas: Vec<_> = all.iter().filter_map(|e| e.persona.as_ref()).collect();
                let ids: std::collections::HashSet<&str> = all.iter().map(|e| e.id.as_str()).collect();
                personas.len() == 2
                    && all.iter().filter(|e| e.kind == Kind::Note).count() == 6
                    && personas.iter().all(|p| {
                        p.lines("motivational")
                            .first()
                            .is_some_and(|l| l.cites.len() == 3 && l.cites.iter().all(|c| ids.contains(c.as_str())))
                    })
            })
            .await,
            "the re-import: {:?}",
            bot.all_elements().iter().map(|e| (&e.id, &e.kind)).collect::<Vec<_>>()
        );
        // The board as a picture: the SVG, and a PNG made in the browser.
        ann.click_css("[data-action='export']").await?;
        let svg = fetch_export(ann, "board.svg").await?;
        ensure!(
            svg.as_str().is_some_and(|s| s.starts_with("<svg") && s.contains("Julie") && s.contains("«\u{a0}Verbatim")),
            "{svg}"
        );
        ann.click_css("[data-export='board.png']").await?;
        // Named after the board, as every download.
        ann.until(
            "the PNG is made",
            "const t = document.querySelector('.toast'); return !!t && /^[a-z0-9-]+-board\\.png downloaded \\(\\d+ KB\\)$/.test(t.textContent);",
        )
        .await?;
        // Each frame can be exported on its own.
        let shown = "return Number(document.querySelector('.board').dataset.elements);";
        let before = ann.eval(shown).await?.as_u64().unwrap_or_default();
        let mut frame = atelier_shared::Element::new("evidence", Kind::Frame, -900.0, 0.0);
        frame.text = "Evidence".into();
        bot.add(&frame).await;
        ann.until(
            "the frame reached the page",
            &format!("return Number(document.querySelector('.board').dataset.elements) === {};", before + 1),
        )
        .await?;
        ann.click_css("[data-action='export']").await?;
        ann.wait_for(".export-frame[data-frame='evidence'] [data-export='frame.png']").await?;
        ann.screenshot("export-menu").await?;
        ann.click_css(".export-frame[data-frame='evidence'] [data-export='frame.png']").await?;
        ann.until(
            "the frame's PNG is made",
            "const t = document.querySelector('.toast'); return !!t && /-frame\\.png downloaded \\(\\d+ KB\\)$/.test(t.textContent);",
        )
        .await?;
        Ok(())
    })
    .await;
}

/// A journey map built by two people: stages renamed, added, moved;
/// contact occasions and channels in two lanes; a moment of truth on an
/// occasion, with its stake; cells; emotion scores drawn as a curve for the map and
/// for a persona; current then target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_map_with_its_emotion_curve() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Parcours").await;
    let mut julie = atelier_shared::Element::new("julie", Kind::Persona, -900.0, 0.0);
    julie.persona.as_mut().unwrap().name = "Julie".into();
    bot.add(&julie).await;
    let mut heard = atelier_shared::Element::new("heard", Kind::Note, -900.0, 900.0);
    heard.text = "I had to send the same photos three times".into();
    heard.source.interviewee = "C07".into();
    bot.add(&heard).await;
    let journey = || {
        bot.all_elements()
            .into_iter()
            .find_map(|e| e.journey.map(|j| *j))
    };
    with_browsers(server, &["en-US", "en-US"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;
        ann.click_css("[data-action='templates']").await?;
        ann.click_css("[data-template='journey']").await?;
        ann.wait_for(".el-journey").await?;
        ensure!(eventually(WAIT, || journey().is_some_and(|j| j.stages.len() == 3 && j.lanes.len() == 7)).await);
        let lanes: Vec<String> = journey().unwrap().lanes.into_iter().map(|l| l.name).collect();
        ensure!(lanes[1..3] == ["Contact occasions", "Channels"], "{lanes:?}");
        let first = journey().unwrap().stages[0].id.clone();

        // Rename the first stage; add one; move it left; a moment of truth
        // on its occasion, with what is at stake.
        let name = ann.wait_for(&format!("[data-stage='{first}'] .journey-stage-name")).await?;
        name.click().await?;
        ann.ctrl('a').await?;
        ann.type_text("Discover").await?;
        ann.click_css("[data-add='stage']").await?;
        ensure!(eventually(WAIT, || journey().is_some_and(|j| j.stages.len() == 4 && j.stages[0].name == "Discover")).await);
        // The map grows with its stages.
        ensure!(
            eventually(WAIT, || bot.all_elements().iter().any(|e| e.kind == Kind::Journey && e.w == 220.0 + 48.0 + 4.0 * 280.0)).await,
            "the map did not widen"
        );
        let added = journey().unwrap().stages[3].id.clone();
        ann.click_css(&format!("[data-stage='{added}'] .journey-stage-move button[title='Move left']")).await?;
        ensure!(
            eventually(WAIT, || journey().is_some_and(|j| j.stages[2].id == added)).await,
            "{:?}",
            journey().map(|j| j.stages)
        );
        let occasion = ann.wait_for(&format!("[data-cell='occasions:{added}'] textarea")).await?;
        occasion.click().await?;
        ann.type_text("Files a claim").await?;
        ann.click_css(&format!("[data-cell='occasions:{added}'] .mot-flag")).await?;
        let stake = ann.wait_for(&format!("[data-cell='occasions:{added}'] .journey-stake-field")).await?;
        stake.click().await?;
        ann.type_text("Trust: will they pay, and fast?").await?;
        ensure!(
            eventually(WAIT, || journey().is_some_and(|j| j.mot("occasions", &added) == Some("Trust: will they pay, and fast?")
                && j.cell("occasions", &added) == "Files a claim")).await,
            "{:?}",
            journey().map(|j| j.mots)
        );
        ben.until(
            "the moment of truth is marked for the other participant",
            &format!("const c = document.querySelector(\"[data-cell='occasions:{added}']\"); return !!c && c.classList.contains('mot') && c.querySelector('.journey-stake-field').value === 'Trust: will they pay, and fast?';"),
        )
        .await?;
        ann.screenshot("journey-moment-of-truth").await?;
        // The whole map in view (it grew with the stake): Esc, then fit.
        ann.type_text("\u{e00c}").await?;
        ann.type_text("!").await?;
        // A cell.
        let cell = ann.wait_for(&format!("[data-cell='actions:{first}'] textarea")).await?;
        cell.click().await?;
        ann.type_text("Compares quotes online").await?;
        ensure!(eventually(WAIT, || journey().is_some_and(|j| j.cell("actions", &first) == "Compares quotes online")).await);
        // Several entries in a cell, one a line.
        ann.type_text("\u{e007}Asks a neighbour").await?;
        ensure!(
            eventually(WAIT, || journey().is_some_and(|j| j.cell("actions", &first) == "Compares quotes online\nAsks a neighbour")).await,
            "the second entry: {:?}",
            journey().map(|j| j.cell("actions", &first).to_owned())
        );

        // Scores for the map, then for Julie: two curves.
        let stages: Vec<String> = journey().unwrap().stages.into_iter().map(|s| s.id).collect();
        for (stage, score) in stages.iter().zip(["1", "-1", "-2", "2"]) {
            ann.click_css(&format!(".journey-scores[data-stage='{stage}'] [data-score='{score}']")).await?;
        }
        select(ann, ".journey-scoring select", "julie").await?;
        for (stage, score) in stages.iter().zip(["0", "1"]) {
            ann.click_css(&format!(".journey-scores[data-stage='{stage}'] [data-score='{score}']")).await?;
        }
        ensure!(
            eventually(WAIT, || journey().is_some_and(|j| j.curve("").len() == 4 && j.curve("julie") == [(0, 0), (1, 1)])).await,
            "{:?}",
            journey().map(|j| j.scores)
        );
        for b in [&ann, &ben] {
            b.until(
                "both curves are drawn",
                "const g = [...document.querySelectorAll('.journey-curves .curve')];
                 return g.length === 2 && g.some(c => c.dataset.persona === 'julie' && c.querySelectorAll('circle').length === 2)
                     && g.some(c => c.dataset.persona === '' && c.querySelectorAll('circle').length === 4);",
            )
            .await?;
        }
        // After the workshop: the stages' NPS, on the curve for everyone.
        select(ann, ".journey-measure-kind select", "nps").await?;
        let figure = ann.wait_for(&format!(".journey-figure[data-stage='{first}'] input")).await?;
        figure.click().await?;
        ann.type_text("-24\u{e004}").await?; // Tab: the figure is set
        ensure!(
            eventually(WAIT, || journey().is_some_and(|j| j.measure == "nps" && j.measures.get(&first) == Some(&-24.0))).await,
            "{:?}",
            journey().map(|j| (j.measure, j.measures))
        );
        ben.until(
            "the figure is on the curve",
            "const t = document.querySelector('.journey-curves .measure'); return !!t && t.textContent === 'NPS -24';",
        )
        .await?;
        // Designed, delivered and perceived experience: three lanes, once.
        ann.click_css("[data-add='experience']").await?;
        ensure!(
            eventually(WAIT, || journey().is_some_and(|j| j.lanes.iter().filter(|l| ["designed", "delivered", "perceived"].contains(&l.id.as_str())).count() == 3)).await,
            "{:?}",
            journey().map(|j| j.lanes)
        );
        ann.wait_for("[data-add='experience']:disabled").await?;
        // The map, three lanes taller, is stored as tall as it is drawn.
        let jid = bot.all_elements().into_iter().find(|e| e.kind == Kind::Journey).map(|e| e.id).unwrap_or_default();
        stored_as_drawn(ann, &bot, &jid).await?;
        ann.screenshot("journey-after-the-workshop").await?;
        // A cell cites the selected notes (Ctrl+A: the note among others).
        ann.type_text("\u{e00c}").await?;
        ann.ctrl('a').await?;
        ann.click_css(&format!("[data-cell='pains:{first}'] .cite")).await?;
        ensure!(
            eventually(WAIT, || journey().is_some_and(|j| j.cited("pains", &first) == ["heard"])).await,
            "{:?}",
            journey().map(|j| j.cites)
        );
        ben.until(
            "the cell shows its support",
            &format!("const s = document.querySelector(\"[data-cell='pains:{first}'] .support\"); return !!s && s.textContent === '1 note · 1 interviewee';"),
        )
        .await?;
        ann.click_css("[data-variant='target']").await?;
        ensure!(eventually(WAIT, || journey().is_some_and(|j| j.variant == "target")).await);
        ben.wait_for(".el-journey.target").await?;
        ann.screenshot("journey-map").await?;
        Ok(())
    })
    .await;
}

/// Notes dragged onto a persona line, an empathy-map item or a journey
/// cell become its evidence and go back where they were; both
/// participants see the support; a plain sticky dropped on an item is
/// only moved; undo takes a citation back; far out, a drop onto a journey
/// cell cites too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_dragged_onto_a_line_an_item_or_a_cell_are_cited() {
    use atelier_shared::persona::Line;
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Evidence").await;
    let mut persona = atelier_shared::Element::new("p", Kind::Persona, 0.0, 0.0);
    if let Some(p) = persona.persona.as_mut() {
        p.name = "Julie".into();
        if let Some((_, lines)) = p.sections.iter_mut().find(|(k, _)| k == "motivational") {
            lines.push(Line {
                id: "l1".into(),
                text: "Wants to know where her claim stands".into(),
                cites: vec![],
            });
        }
    }
    bot.add(&persona).await;
    for (i, who) in ["C01", "C02"].into_iter().enumerate() {
        let mut note = atelier_shared::Element::new(
            format!("v{i}"),
            Kind::Note,
            800.0,
            40.0 + 200.0 * i as f64,
        );
        note.text = format!("Verbatim {i}");
        note.source.interviewee = who.into();
        note.source.origin = Some(Origin::Verbatim);
        bot.add(&note).await;
    }
    let mut zone = atelier_shared::Element::new("z", Kind::Frame, 1000.0, 0.0);
    (zone.w, zone.h, zone.zone, zone.text) =
        (600.0, 400.0, "empathy-map/says".into(), "Says".into());
    bot.add(&zone).await;
    for (id, x, text) in [
        ("s1", 1040.0, "Lost in the process"),
        ("s2", 1240.0, "Angry"),
    ] {
        let mut item = atelier_shared::Element::new(id, Kind::Note, x, 60.0);
        item.text = text.into();
        item.parent = Some("z".into());
        bot.add(&item).await;
    }
    let element = |id: &str| bot.element(id).expect("element");
    let line = || {
        element("p")
            .persona
            .and_then(|p| p.lines("motivational").first().cloned())
            .expect("line")
    };
    with_browsers(server, &["en-US", "en-US"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;
        for b in [&ann, &ben] {
            b.type_text("!").await?;
            // Items that cite nothing are flagged (not the zone's hint).
            b.until(
                "the items are flagged",
                "return [...document.querySelectorAll('.el-support.none')].length === 2
                    && !document.querySelector(\"[data-id='h'] .el-support\");",
            )
            .await?;
        }

        // A verbatim dragged onto the persona's line.
        let from = ann.screen_of(880.0, 120.0).await?;
        let to = ann.center_of("[data-line='l1']").await?;
        ann.drag(from, to).await?;
        ensure!(
            eventually(WAIT, || line().cites == ["v0"]).await,
            "cites: {:?}",
            line()
        );
        let v0 = element("v0");
        ensure!((v0.x, v0.y) == (800.0, 40.0), "the note went back: {v0:?}");
        for b in [&ann, &ben] {
            b.until(
                "the line shows its support",
                "const s = document.querySelector(\"[data-line='l1'] .support\"); return !!s && s.textContent === '1 note · 1 interviewee';",
            )
            .await?;
        }
        // The note says where it is cited; clicking shows the persona.
        ann.until(
            "the note names its line",
            "const c = document.querySelector(\"[data-id='v0'] .el-cited\"); return !!c && c.title.includes('Julie');",
        )
        .await?;
        ann.click_css("[data-id='v0'] .el-cited").await?;
        ann.wait_for(".el-persona.selected").await?;

        // The other one onto the empathy-map item "Lost in the process".
        ann.type_text("\u{e00c}").await?;
        let from = ann.screen_of(880.0, 320.0).await?;
        let to = ann.screen_of(1120.0, 140.0).await?;
        ann.drag(from, to).await?;
        ensure!(
            eventually(WAIT, || element("s1").cites == ["v1"]).await,
            "item: {:?}",
            element("s1")
        );
        let v1 = element("v1");
        ensure!(
            (v1.x, v1.y, v1.parent.as_deref()) == (800.0, 240.0, None),
            "the note went back: {v1:?}"
        );
        for b in [&ann, &ben] {
            b.until(
                "the item shows its support",
                "const s = document.querySelector(\"[data-id='s1'] .el-support\"); return !!s && !s.classList.contains('none') && s.textContent === '1 note · 1 interviewee';",
            )
            .await?;
        }
        ann.screenshot("evidence-dragged").await?;
        // A plain sticky dropped on an item is moved, not cited (the
        // selection's bar out of the way first).
        ann.type_text("\u{e00c}").await?;
        let from = ann.screen_of(1320.0, 140.0).await?;
        let to = ann.screen_of(1120.0, 200.0).await?;
        ann.drag(from, to).await?;
        ensure!(
            eventually(WAIT, || element("s2").x < 1200.0).await,
            "s2 moved: {:?}",
            element("s2")
        );
        ensure!(element("s1").cites == ["v1"], "{:?}", element("s1"));
        // Undo: the move, then the citation.
        ann.ctrl('z').await?;
        ann.ctrl('z').await?;
        ensure!(
            eventually(WAIT, || element("s1").cites.is_empty() && element("s2").x == 1240.0).await,
            "undone: {:?} {:?}",
            element("s1"),
            element("s2")
        );

        // By picking: the item and the note selected, then "cite".
        let (x, y) = ann.screen_of(1120.0, 140.0).await?;
        ann.click_at(x, y).await?;
        let (x, y) = ann.screen_of(880.0, 320.0).await?;
        ann.shift_click_at(x, y).await?;
        ann.click_css("[data-action='cite-in-item']").await?;
        ensure!(
            eventually(WAIT, || element("s1").cites == ["v1"]).await,
            "picked: {:?}",
            element("s1")
        );
        ann.type_text("\u{e00c}").await?;

        // Far out: a journey map below; a verbatim onto one of its cells.
        let mut k = 0;
        let mut journey = atelier_shared::Element::new("j", Kind::Journey, 0.0, 900.0);
        journey.journey = Some(Box::new(atelier_shared::journey::Journey::new(
            atelier_shared::templates::Lang::En,
            "current",
            || {
                k += 1;
                format!("st{k}")
            },
        )));
        bot.add(&journey).await;
        ann.wait_for(".el-journey").await?;
        ann.type_text("!").await?;
        ann.until(
            "far out",
            "return !document.querySelector(\"[data-id='v1']\");",
        )
        .await?;
        let from = ann.screen_of(880.0, 320.0).await?;
        let to = ann.center_of("[data-cell='pains:st2']").await?;
        ann.drag(from, to).await?;
        ensure!(
            eventually(WAIT, || element("j")
                .journey
                .is_some_and(|j| j.cited("pains", "st2") == ["v1"]))
            .await,
            "cell: {:?}",
            element("j").journey
        );
        ensure!((element("v1").x, element("v1").y) == (800.0, 240.0));
        ben.type_text("!").await?;
        ben.until(
            "Ben sees the cell's support",
            "const s = document.querySelector(\"[data-cell='pains:st2'] .support\"); return !!s && s.textContent === '1 note · 1 interviewee';",
        )
        .await?;
        // Still far out (the items drawn on the canvas): a verbatim onto
        // the item "Angry" cites it as at 100 %, the note back in place.
        ensure!(
            ann.eval("return !document.querySelector(\"[data-id='s2']\");").await? == true,
            "the item is not on the canvas"
        );
        ann.type_text("\u{e00c}").await?; // (the last drop's selection and its bar go)
        let from = ann.screen_of(880.0, 120.0).await?;
        let to = ann.screen_of(1320.0, 140.0).await?;
        ann.drag(from, to).await?;
        ensure!(
            eventually(WAIT, || element("s2").cites == ["v0"]).await,
            "far item: {:?}",
            element("s2")
        );
        let v0 = element("v0");
        ensure!(
            (v0.x, v0.y, v0.parent.as_deref()) == (800.0, 40.0, None),
            "the note went back: {v0:?}"
        );
        Ok(())
    })
    .await;
}

/// The analysis grid on the board: a note is tagged with a need from a
/// picker that says what each need means (in each reader's language); a
/// need is there once whatever language it was written in; the persona
/// citing the note shows its need profile, and the notes panel counts the
/// needs behind the selected persona.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_are_tagged_with_needs_and_personas_show_their_profile() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Needs").await;
    for (i, text) in ["Is my car covered abroad?", "Nobody calls me back"]
        .into_iter()
        .enumerate()
    {
        let mut note =
            atelier_shared::Element::new(format!("n{i}"), Kind::Note, i as f64 * 240.0, 0.0);
        note.text = text.into();
        note.source.interviewee = format!("C0{i}");
        note.source.tags = vec!["irritant".into()];
        bot.add(&note).await;
    }
    let tags = |id: &str| bot.element(id).map(|e| e.source.tags).unwrap_or_default();
    with_browsers(server, &["en-US", "fr-FR"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;
        // Ann tags the first note: Security, defined in a line.
        ann.wait_for("[data-id='n0']").await?;
        let at = ann.center_of("[data-id='n0']").await?;
        ann.click_at(at.0, at.1).await?;
        ann.click_css("[data-action='need']").await?;
        ann.until(
            "each need says what it means",
            "const b = document.querySelector(\".need-picker [data-need='SPECIFIC:Security']\");
             return !!b && b.textContent.includes('Removes or covers a risk, gives guarantees')
                 && document.querySelectorAll('.need-picker .need-choice').length === 14
                 && document.querySelector('.need-reminder').textContent.startsWith('Not every need');",
        )
        .await?;
        ann.screenshot("need-picker").await?;
        ann.click_css(".need-picker [data-need='SPECIFIC:Security']").await?;
        ensure!(
            eventually(WAIT, || tags("n0") == ["irritant", "SPECIFIC:Security"]).await,
            "{:?}",
            tags("n0")
        );
        // Ben, in French, tags the second note with a relational need; the
        // picker speaks French.
        ben.wait_for("[data-id='n1']").await?;
        let at = ben.center_of("[data-id='n1']").await?;
        ben.click_at(at.0, at.1).await?;
        ben.click_css("[data-action='need']").await?;
        ben.until(
            "the definitions in French",
            "const b = document.querySelector(\".need-picker [data-need='CIVILE:Consideration']\");
             return !!b && b.textContent.includes('Être vu et reconnu comme une personne');",
        )
        .await?;
        ben.click_css(".need-picker [data-need='CIVILE:Consideration']").await?;
        ensure!(
            eventually(WAIT, || tags("n1") == ["irritant", "CIVILE:Consideration"]).await,
            "{:?}",
            tags("n1")
        );
        // The picker closes; opened again, the need is ticked, and a click
        // takes it off; a third puts it back.
        ben.until("the picker closed", "return !document.querySelector('.need-picker');").await?;
        for (ticked, after) in [(true, 1), (false, 2)] {
            ben.click_css("[data-action='need']").await?;
            ben.until(
                "the need's mark",
                &format!(
                    "const b = document.querySelector(\".need-picker [data-need='CIVILE:Consideration']\");
                     return !!b && b.classList.contains('on') === {ticked};"
                ),
            )
            .await?;
            ben.click_css(".need-picker [data-need='CIVILE:Consideration']").await?;
            ensure!(eventually(WAIT, || tags("n1").len() == after).await, "{:?}", tags("n1"));
        }
        ben.type_text("\u{e00c}").await?;

        // Julie, drafted from those notes, shows the needs behind her.
        let mut persona = atelier_shared::Element::new("julie", Kind::Persona, 0.0, 400.0);
        let p = persona.persona.as_mut().unwrap();
        p.name = "Julie".into();
        p.sections[9].1.push(atelier_shared::persona::Line {
            id: "l1".into(),
            text: "Feels left alone".into(),
            cites: vec!["n0".into(), "n1".into()],
        });
        bot.add(&persona).await;
        for b in [&ann, &ben] {
            b.until(
                "the persona's need profile",
                "const n = [...document.querySelectorAll('.el-persona .persona-need')].map(e => e.dataset.need);
                 return n.length === 2 && n.some(x => x.startsWith('SPECIFIC:')) && n.some(x => x.startsWith('CIVILE:'));",
            )
            .await?;
        }
        // The card, drawn taller with its profile, is stored so.
        stored_as_drawn(ann, &bot, "julie").await?;
        // The notes panel counts the needs behind the selected persona.
        ann.type_text("\u{e00c}").await?;
        ann.type_text("!").await?;
        let at = ann.center_of(".el-persona .persona-avatar").await?;
        ann.click_at(at.0, at.1).await?;
        ann.click_css("[data-action='notes']").await?;
        ann.until(
            "the panel's scope is Julie's evidence",
            "const s = document.querySelector('.notes-panel .panel-scope');
             const n = document.querySelector(\".notes-panel [data-need='SPECIFIC:Security'] .need-count\");
             return !!s && s.textContent === 'Behind Julie' && !!n && n.textContent === '1';",
        )
        .await?;
        ann.screenshot("persona-need-profile").await?;
        // The printable report draws her card, need profile included.
        ann.open_report().await?;
        ann.until(
            "the report with Julie's card drawn",
            "const h = [...document.querySelectorAll('h3')].find(h => h.textContent === 'Julie');
             const f = h && h.nextElementSibling;
             return !!f && f.tagName === 'FIGURE' && f.querySelector('svg').textContent.includes('Feels left alone')
                 && [...document.querySelectorAll('h4')].some(h => h.textContent.startsWith('Need profile'));",
        )
        .await?;
        ann.screenshot("printable-report").await?;
        Ok(())
    })
    .await;
}

/// A facilitator erases an interviewee from the notes panel: the
/// interviewee highlighted, the button asks first and says what it takes
/// (notes, citations, versions); confirmed, their notes leave every
/// board and the persona keeps only the other citations.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_erases_an_interviewee_after_seeing_what_it_takes() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Erasure").await;
    for (id, who) in [("a", "C01"), ("b", "C01"), ("c", "C02")] {
        let mut note = atelier_shared::Element::new(id, Kind::Note, 0.0, 0.0);
        note.text = format!("Said by {who}");
        note.source.interviewee = who.into();
        bot.add(&note).await;
    }
    let mut persona = atelier_shared::Element::new("p", Kind::Persona, 600.0, 0.0);
    persona.persona.as_mut().unwrap().sections[9]
        .1
        .push(atelier_shared::persona::Line {
            id: "l".into(),
            text: "Waits".into(),
            cites: vec!["a".into(), "c".into()],
        });
    bot.add(&persona).await;
    with_browsers(server, &["en-US"], async |_server, browsers| {
        let [fac] = browsers else { unreachable!() };
        fac.join(&url, "Fatou").await?;
        fac.click_css("[data-action='notes']").await?;
        select(fac, ".notes-panel [data-filter='interviewee']", "C01").await?;
        fac.click_css(".notes-panel [data-erase='C01']").await?;
        fac.until(
            "the question says what it takes",
            "const q = document.querySelector('.confirm-dialog .confirm-question');
             return !!q && q.textContent === 'Erase C01: 2 notes and 1 citation, on the board? This cannot be undone.';",
        )
        .await?;
        fac.screenshot("erase-interviewee").await?;
        fac.click_css(".confirm-dialog [data-confirm='yes']").await?;
        ensure!(
            eventually(WAIT, || bot.element("a").is_none() && bot.element("b").is_none() && bot.element("c").is_some()).await,
            "the notes are still there"
        );
        ensure!(
            bot.element("p").and_then(|e| e.persona).is_some_and(|p| p.lines("irritants")[0].cites == ["c"]),
            "the citation stayed"
        );
        fac.until(
            "the facilitator is told",
            "const t = document.querySelector('.toast'); return !!t && t.textContent === 'C01 erased';",
        )
        .await?;
        Ok(())
    })
    .await;
}

/// A facilitator redacts a phone number said in passing: the note's
/// context bar offers it, the words are selected in the note's text, the
/// question says where they are; confirmed, everyone's note shows
/// `█████` instead, and the rest of the note stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_redacts_a_span_of_a_note() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Redaction").await;
    let mut note = atelier_shared::Element::new("a", Kind::Note, 0.0, 0.0);
    note.text = "Call me at 06 12 34 56 78, I waited three weeks".into();
    note.source.interviewee = "C01".into();
    bot.add(&note).await;
    with_browsers(server, &["en-US"], async |_server, browsers| {
        let [fac] = browsers else { unreachable!() };
        fac.join(&url, "Fatou").await?;
        fac.wait_for("[data-id='a']").await?;
        let at = fac.center_of("[data-id='a']").await?;
        fac.click_at(at.0, at.1).await?;
        fac.click_css("[data-action='redact']").await?;
        fac.wait_for(".redact-panel .redact-text").await?;
        // The phone number, selected in the note's text.
        fac.eval(
            "const t = document.querySelector('.redact-panel .redact-text');
             const at = t.value.indexOf('06 12'); t.focus(); t.setSelectionRange(at, at + 14); return true;",
        )
        .await?;
        fac.click_css("[data-action='redact-selection']").await?;
        fac.until(
            "the question says where the words are",
            "const q = document.querySelector('.confirm-dialog .confirm-question');
             return !!q && q.textContent.startsWith('Redact “06 12 34 56 78” (1 time in the note)?');",
        )
        .await?;
        fac.screenshot("redact-span").await?;
        fac.click_css(".confirm-dialog [data-confirm='yes']").await?;
        ensure!(
            eventually(WAIT, || bot
                .element("a")
                .is_some_and(|a| a.text == "Call me at █████, I waited three weeks"))
            .await,
            "not redacted: {:?}",
            bot.element("a").map(|a| a.text)
        );
        fac.until(
            "the facilitator is told, the panel closed",
            "const t = document.querySelector('.toast');
             return !!t && t.textContent === 'Redacted everywhere' && !document.querySelector('.redact-panel');",
        )
        .await?;
        Ok(())
    })
    .await;
}

/// Interviewees named in an import are pseudonymised: the notes land
/// with codes (the same name, the same code, import after import), the
/// names never reach the board's document; the facilitator can see who
/// is behind the codes, then forget the names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interviewees_named_in_an_import_are_pseudonymised() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Pseudonyms").await;
    let table = "interviewee\ttext\nAnne Martin\tWhere is my file?\nKarim Benali\tNobody calls back\nAnne Martin\tThree weeks already";
    with_browsers(server, &["en-US"], async |_server, browsers| {
        let [fac] = browsers else { unreachable!() };
        fac.join(&url, "Fatou").await?;
        fac.click_css("[data-action='import']").await?;
        fac.wait_for(".import-paste").await?;
        fac.eval(&format!(
            "const t = document.querySelector('.import-paste'); t.value = {table:?};
             t.dispatchEvent(new Event('input', {{bubbles: true}})); return true;"
        ))
        .await?;
        fac.until(
            "the names are offered to be replaced, ticked",
            "const c = document.querySelector(\"[data-import='pseudonymise']\");
             return !!c && c.checked && c.parentElement.textContent.startsWith('Replace interviewees');",
        )
        .await?;
        fac.screenshot("import-pseudonymise").await?;
        fac.click_css(".import-confirm").await?;
        let notes = || {
            bot.all_elements()
                .into_iter()
                .filter(|e| e.kind == Kind::Note)
                .map(|e| (e.text, e.source.interviewee))
                .collect::<std::collections::BTreeSet<_>>()
        };
        ensure!(
            eventually(WAIT, || notes().len() == 3).await,
            "{:?}",
            notes()
        );
        let expected: std::collections::BTreeSet<(String, String)> = [
            ("Where is my file?", "P01"),
            ("Nobody calls back", "P02"),
            ("Three weeks already", "P01"),
        ]
        .into_iter()
        .map(|(t, c)| (t.to_owned(), c.to_owned()))
        .collect();
        ensure!(notes() == expected, "{:?}", notes());
        ensure!(!bot.snapshot().contains("Anne"), "a name reached the board");

        // The facilitator sees who is behind the codes, on a page of its
        // own, then forgets them.
        fac.click_css("[data-action='notes']").await?;
        let href = fac
            .eval("return document.querySelector(\"[data-pseudonyms='show']\").href;")
            .await?;
        let href = href.as_str().unwrap_or_default().to_owned();
        ensure!(href.contains("/privacy?lang=en&t="), "{href}");
        fac.eval(&format!("location.href = {href:?}; return true;"))
            .await?;
        fac.until(
            "the names behind the codes",
            "const rows = [...document.querySelectorAll('table.pseudonyms tbody tr')];
             return rows.map(r => r.textContent).join('|') === 'P01Anne Martin|P02Karim Benali';",
        )
        .await?;
        fac.screenshot("privacy-page").await?;
        fac.click_css("button.danger").await?;
        fac.until(
            "forgotten",
            "const s = document.querySelector('.said'); const e = document.querySelector('.empty');
             return !!s && s.textContent === 'The names are forgotten.' && !!e
                 && !document.querySelector('table.pseudonyms');",
        )
        .await?;
        Ok(())
    })
    .await;
}

/// Stakeholders are cards, not only zones: the stakeholder map brings a
/// decision-maker, an ally and a refractory card, each with the method's
/// sections (a personal SWOT, influencers...) and choices (the
/// refractory's case and cause), edited live in two languages; a card
/// turned into a buying-group member gets its sections and the "most
/// critical" mark; the printable report draws the cards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stakeholders_are_cards_with_the_method_s_sections() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Parties prenantes").await;
    let card = move |kind: &'static str| {
        bot.all_elements()
            .into_iter()
            .filter_map(|e| e.persona.map(|p| *p))
            .find(|p| p.kind == kind)
    };
    let card = std::sync::Arc::new(card);
    with_browsers(server, &["en-US", "fr-FR"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;
        ann.click_css("[data-action='templates']").await?;
        ann.click_css("[data-template='stakeholder-map']").await?;
        let c = card.clone();
        ensure!(eventually(WAIT, || c("refractory").is_some()).await, "no refractory card");
        // Ben goes to it as a person does: zoom to fit.
        ben.click_css(".zoom-btn[aria-label='Ajuster à l\\'écran']").await?;
        for b in [&ann, &ben] {
            b.wait_for(".el-persona[data-kind='refractory']").await?;
        }
        // The decision-maker's card shows its sections, and none of a
        // persona's.
        let shown = ann
            .eval(
                "return [...document.querySelectorAll(\".el-persona[data-kind='decision-maker'] .persona-section\")]
                    .filter(s => s.offsetParent !== null).map(s => s.dataset.section).join(' ');",
            )
            .await?;
        ensure!(
            shown == "strengths weaknesses opportunities threats influencers interests gains",
            "{shown}"
        );

        // Ann writes a strength; it is in the document.
        ann.click_css(".el-persona[data-kind='decision-maker'] [data-section='strengths'] .add-line")
            .await?;
        ann.until(
            "the caret is in the new line",
            "return !!document.activeElement && document.activeElement.classList.contains('persona-line-field');",
        )
        .await?;
        ann.type_text("Knows the claims process by heart").await?;
        ann.type_text("\u{e00c}").await?;
        let c = card.clone();
        ensure!(
            eventually(WAIT, || c("decision-maker").is_some_and(|p| p
                .lines("strengths")
                .first()
                .is_some_and(|l| l.text == "Knows the claims process by heart")))
            .await,
            "the strength is not in the document"
        );
        // Ben says why the refractory resists; Ann sees it. (A card speaks
        // the board's language, English here, whatever each reader's.)
        ben.until(
            "Ben reads the refractory's sections",
            "const h = document.querySelector(\".el-persona[data-kind='refractory'] [data-section='reassurance'] h5\");
             return !!h && h.textContent === 'Reassurance planned';",
        )
        .await?;
        for (choice, option) in [("case", "slows"), ("cause", "workload")] {
            ben.eval(&format!(
                "const s = document.querySelector(\".el-persona[data-kind='refractory'] [data-choice='{choice}'] select\");
                 s.value = '{option}'; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
            ))
            .await?;
        }
        let c = card.clone();
        ensure!(
            eventually(WAIT, || c("refractory").is_some_and(|p| p.choice("case") == "slows"
                && p.choice("cause") == "workload"))
            .await,
            "the refractory's choices are not in the document"
        );
        ann.until(
            "Ann sees the refractory's cause",
            "const s = document.querySelector(\".el-persona[data-kind='refractory'] [data-choice='cause'] select\");
             return s.value === 'workload' && s.selectedOptions[0].textContent === 'Workload';",
        )
        .await?;
        // The ally's card becomes a buying-group member, marked the most
        // critical person.
        ann.eval(
            "const s = document.querySelector(\".el-persona[data-kind='ally'] .persona-kind select\");
             s.value = 'buyer'; s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
        )
        .await?;
        ann.click_css(".el-persona[data-kind='buyer'] .persona-critical").await?;
        let c = card.clone();
        ensure!(
            eventually(WAIT, || c("buyer").is_some_and(|p| p.critical)).await,
            "the buyer is not marked"
        );
        ben.until(
            "Ben sees the buyer's sections and mark",
            "const c = document.querySelector(\".el-persona[data-kind='buyer']\");
             return !!c && c.querySelector(\"[data-section='channels']\").offsetParent !== null
                 && c.querySelector('.persona-critical.on') !== null
                 && c.querySelector(\"[data-section='links']\").offsetParent === null;",
        )
        .await?;
        ann.screenshot("stakeholder-cards").await?;
        ben.screenshot("stakeholder-cards-fr").await?;

        // The printable report draws the cards under "Stakeholders".
        ann.open_report().await?;
        ann.until(
            "the report lists the stakeholders",
            "const t = document.body.textContent;
             return t.includes('Stakeholders') && t.includes('Knows the claims process by heart')
                 && t.includes('Wants to slow the project') && document.querySelectorAll('svg').length >= 3;",
        )
        .await?;
        ann.screenshot("stakeholder-report").await?;
        ann.eval("const f = document.querySelectorAll('figure'); f[f.length - 1].scrollIntoView(); return true;")
            .await?;
        ann.screenshot("stakeholder-report-last").await?;
        Ok(())
    })
    .await;
}

/// Drops `name` (a picture the page draws, `w` × `h`, or text posing as a
/// PNG when `w` is 0) on the element `css` of the board page, as a person
/// drags a file from their desktop.
async fn drop_picture(b: &Browser, css: &str, name: &str, (w, h): (u32, u32)) -> Result<()> {
    b.eval_async(&format!(
        "(async () => {{
            let blob;
            if ({w} > 0) {{
                const c = document.createElement('canvas');
                c.width = {w}; c.height = {h};
                const g = c.getContext('2d');
                const grad = g.createLinearGradient(0, 0, {w}, {h});
                grad.addColorStop(0, '#2a9d8f'); grad.addColorStop(1, '#e9c46a');
                g.fillStyle = grad; g.fillRect(0, 0, {w}, {h});
                g.fillStyle = '#fff'; g.font = 'bold 40px sans-serif'; g.fillText('{name}', 20, {h} / 2);
                blob = await new Promise(r => c.toBlob(r, 'image/png'));
            }} else {{
                blob = new Blob(['not a picture at all'], {{ type: 'image/png' }});
            }}
            const dt = new DataTransfer();
            dt.items.add(new File([blob], '{name}.png', {{ type: 'image/png' }}));
            const target = document.querySelector(\"{css}\");
            const r = target.getBoundingClientRect();
            target.dispatchEvent(new DragEvent('drop', {{
                dataTransfer: dt, bubbles: true, cancelable: true,
                clientX: r.left + r.width / 2, clientY: r.top + r.height / 2,
            }}));
            done(true);
        }})();"
    ))
    .await?;
    Ok(())
}

/// Images, as any whiteboard has them: a picture dropped on the board is
/// kept by the server and seen by the other participant where it fell; a
/// picture dropped on a persona card is her photo, on the card and in the
/// printable report; a file that only says it is a PNG is refused, said.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pictures_on_the_board_and_a_persona_s_photo() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Pictures").await;
    let bot = std::sync::Arc::new(bot);
    with_browsers(server, &["en-US", "fr-FR"], async |server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;

        // A 640 × 360 picture on the canvas: 480 × 270 on the board.
        drop_picture(ann, ".canvas", "Storyboard", (640, 360)).await?;
        let b = bot.clone();
        let picture = move || {
            b.all_elements()
                .into_iter()
                .find(|e| e.shape == "image")
        };
        let p = picture.clone();
        ensure!(eventually(WAIT, || p().is_some()).await, "no picture in the document");
        let shown = picture().unwrap();
        ensure!(
            atelier_shared::is_image_id(&shown.image) && (shown.w, shown.h) == (480.0, 270.0),
            "{shown:?}"
        );
        // Ben's browser loads it from the server.
        ben.until(
            "Ben sees the picture",
            &format!(
                "const e = document.querySelector(\"[data-id='{}']\");
                 if (!e || !e.style.background.includes('/images/{}')) return false;
                 const url = e.style.backgroundImage.slice(5, -2);
                 if (!window.__seen) {{ window.__seen = 'loading';
                     const i = new Image(); i.onload = () => window.__seen = i.naturalWidth; i.src = url; }}
                 return window.__seen === 640;",
                shown.id, shown.image
            ),
        )
        .await?;

        // A persona, and her photo dropped on her card.
        ann.click_css("[data-action='templates']").await?;
        ann.click_css("[data-template='persona']").await?;
        ann.wait_for(".el-persona .persona-avatar").await?;
        drop_picture(ann, ".el-persona .persona-avatar", "Julie", (240, 240)).await?;
        let b = bot.clone();
        let photo = move || {
            b.all_elements()
                .into_iter()
                .find_map(|e| e.persona.map(|p| p.photo))
                .unwrap_or_default()
        };
        let p = photo.clone();
        ensure!(eventually(WAIT, || !p().is_empty()).await, "no photo in the document");
        ben.click_css(".zoom-btn[aria-label='Ajuster à l\\'écran']").await?;
        ben.until(
            "Ben sees her photo",
            &format!(
                "const a = document.querySelector('.el-persona .persona-avatar');
                 return !!a && a.style.background.includes('/images/{}') && getComputedStyle(a).color === 'rgba(0, 0, 0, 0)';",
                photo()
            ),
        )
        .await?;
        ann.screenshot("pictures").await?;
        ben.screenshot("pictures-fr").await?;

        // Text that calls itself a PNG: refused, and the person told why.
        drop_picture(ann, ".canvas", "fake", (0, 0)).await?;
        ann.until(
            "Ann is told the file is not an image",
            "const t = document.querySelector('.toast'); return !!t && t.textContent.includes('PNG, JPEG, GIF or WebP');",
        )
        .await?;
        ensure!(
            bot.all_elements().iter().filter(|e| e.shape == "image").count() == 1,
            "a refused file left a picture"
        );

        // The printable report shows her photo on her card.
        let _ = server;
        ann.open_report().await?;
        ann.until(
            "the report draws the photo",
            &format!(
                "const i = document.querySelector('figure svg image');
                 return !!i && i.getAttribute('href').includes('/images/{}') && i.getBBox().width > 0;",
                photo()
            ),
        )
        .await?;
        ann.screenshot("pictures-report").await?;
        Ok(())
    })
    .await;
}

/// After the workshop: the survey's NPS answers per stage come in through
/// the import (computed from the ratings, set on the journey map whose
/// stages they name, on its curve for everyone); a target map put beside
/// the current one shows, in both, the cells that change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_figures_are_imported_and_the_target_is_compared_on_the_board() {
    use atelier_shared::journey::Journey;
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Parcours").await;
    let mut n = 0;
    let mut fresh = || {
        n += 1;
        format!("j{n}")
    };
    let mut current = atelier_shared::Element::new("current", Kind::Journey, 0.0, 0.0);
    let mut map = Journey::new(atelier_shared::Lang::En, "current", &mut fresh);
    let (first, second) = (map.stages[0].clone(), map.stages[1].clone());
    let actions = map.lanes.iter().find(|l| !l.emotions).unwrap().id.clone();
    map.cells.insert(
        format!("{actions}:{}", first.id),
        "Calls the hotline".into(),
    );
    map.cells
        .insert(format!("{actions}:{}", second.id), "Waits".into());
    current.journey = Some(Box::new(map.clone()));
    bot.add(&current).await;
    let mut target = atelier_shared::Element::new("target", Kind::Journey, 0.0, 3000.0);
    let mut wanted = map.clone();
    wanted.variant = "target".into();
    wanted.cells.insert(
        format!("{actions}:{}", first.id),
        "Declares in the app".into(),
    );
    target.journey = Some(Box::new(wanted));
    bot.add(&target).await;
    let journey = |id: &str| {
        bot.all_elements()
            .into_iter()
            .find(|e| e.id == id)
            .and_then(|e| e.journey)
    };
    with_browsers(server, &["en-US", "fr-FR"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;

        // Five answers for the first stage (2 promoters, 2 detractors: NPS
        // 0), one figure as given for the second.
        ann.click_css("[data-action='import']").await?;
        let csv = format!(
            "respondent,stage,nps\nr1,{a},10\nr2,{a},9\nr3,{a},7\nr4,{a},2\nr5,{a},6\n,{b},-24\n",
            a = first.name,
            b = second.name
        );
        ann.wait_for(".import-paste").await?;
        ann.eval(&format!(
            "const t = document.querySelector('.import-paste'); t.value = {csv:?};
             t.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;"
        ))
        .await?;
        ann.until(
            "the survey is read",
            "const s = document.querySelector('.import-survey'); return !!s && s.textContent.includes('NPS for 2 stages, 2 of them found')
                 && s.textContent.includes('NPS +0') && s.textContent.includes('5 answers');",
        )
        .await?;
        ann.screenshot("survey-import").await?;
        ann.click_css(".import-confirm").await?;
        ensure!(
            eventually(WAIT, || journey("current").is_some_and(|j| j.measure == "nps"
                && j.measures.get(&first.id) == Some(&0.0)
                && j.measures.get(&second.id) == Some(&-24.0)))
            .await,
            "{:?}",
            journey("current").map(|j| j.measures)
        );
        // (The target map's stages have the same names; the current map,
        // named first on a tie... either way one map has them all.)
        ben.click_css(".zoom-btn[aria-label='Ajuster à l\\'écran']").await?;
        ben.until(
            "Ben sees the NPS on the curve",
            "return [...document.querySelectorAll('.journey-curves .measure')].some(t => t.textContent === 'NPS -24');",
        )
        .await?;

        // The target beside the current map: the rewritten cell outlined
        // in both, the unchanged one in neither.
        ann.type_text("\u{e00c}").await?;
        ann.type_text("!").await?;
        ann.click_css("[data-id='target'] .journey-beside").await?;
        ensure!(
            eventually(WAIT, || bot.all_elements().iter().any(|e| e.id == "target" && e.y == 0.0 && e.x > 1000.0)).await,
            "the target did not move beside the current map"
        );
        for b in [&ann, &ben] {
            b.until(
                "the change is outlined in both maps",
                &format!(
                    "const c = (m, s) => document.querySelector(`[data-id='${{m}}'] [data-cell='{actions}:${{s}}']`);
                     return ['current', 'target'].every(m => c(m, '{f}') && c(m, '{f}').classList.contains('changed')
                         && !c(m, '{s}').classList.contains('changed'));",
                    f = first.id,
                    s = second.id
                ),
            )
            .await?;
        }
        ann.type_text("!").await?;
        ann.screenshot("journeys-compared").await?;
        Ok(())
    })
    .await;
}
