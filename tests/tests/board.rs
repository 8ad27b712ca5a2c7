//! The board in real browsers: two headless Chromium sessions on one board
//! (notes, moves, typing, cursors, per-user undo, reload), watched by a
//! Rust Yjs client that checks what the document holds.
//!
//! Needs `target/web` (built by `cargo xtask test`) and Debian's chromium.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use atelier_server::Config;
use atelier_tests::browser::{Browser, with_browsers};
use atelier_tests::{TestServer, YClient, eventually};
use fantoccini::key::Key;

/// JavaScript for the note showing `text`.
fn find_note(text: &str) -> String {
    format!(
        "[...document.querySelectorAll('.el-note')].find(n => n.textContent.includes({text:?}))"
    )
}

/// Waits until `b` shows a note with `text`; returns its element id.
async fn note_id(b: &Browser, text: &str) -> Result<String> {
    b.until(
        &format!("a note says {text:?}"),
        &format!("return !!{};", find_note(text)),
    )
    .await?;
    let id = b
        .eval(&format!("return {}.dataset.id;", find_note(text)))
        .await?;
    Ok(id.as_str().context("note id")?.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_build_a_board_together() {
    let server = TestServer::start(Config::default()).await;
    let (_, url, bot) = server.board_with_bot("Claims journey workshop").await;

    with_browsers(server, &["en-US", "en-US"], async |_server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&url, "Ben").await?;
        ann.wait_for(".avatar[title='Ben']").await?;

        // Ann: N, click, type. Ben sees the note appear with its text.
        ann.type_text("n").await?;
        ann.click_at(450.0, 250.0).await?;
        ann.editor_ready().await?;
        ann.type_text("Le formulaire est trop long").await?;
        ann.type_text("\u{e00c}").await?; // Escape
        let note = note_id(ben, "Le formulaire est trop long").await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot.element(&note).is_some_and(
                |e| e.text == "Le formulaire est trop long" && e.author == "Ann"
            ))
            .await,
            "the document holds {:?}",
            bot.element(&note)
        );

        // Ann drags it 240 px to the right: it moves for Ben, live.
        let x0 = bot.element(&note).unwrap().x;
        let from = ann.center_of(&format!("[data-id='{note}']")).await?;
        ann.drag(from, (from.0 + 240.0, from.1)).await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element(&note)
                .is_some_and(|e| (e.x - x0 - 240.0).abs() <= 12.0))
            .await,
            "moved from {x0} to {:?}",
            bot.element(&note).map(|e| e.x)
        );
        let moved_for_ben = ben.center_of(&format!("[data-id='{note}']")).await?;
        ensure!(
            (moved_for_ben.0 - from.0 - 240.0).abs() <= 16.0,
            "Ben sees it at {moved_for_ben:?}, from {from:?}"
        );

        // Ben double-clicks the note and adds to the text; Ann sees it.
        let at = ben.center_of(&format!("[data-id='{note}']")).await?;
        ben.double_click_at(at.0, at.1).await?;
        ben.editor_ready().await?;
        ben.type_text(" (3 pages)").await?;
        // Ann sees that Ben is in it, in his colour, before his letters.
        ann.until(
            "Ann sees Ben typing in the note",
            &format!(
                "const n = document.querySelector(\"[data-id='{note}']\");
                 return !!n.querySelector('.typing-ring') && n.querySelector('.typing-tag').textContent === 'Ben is typing';"
            ),
        )
        .await?;
        ben.type_text("\u{e00c}").await?;
        ann.until(
            "the mark goes with him",
            &format!("return !document.querySelector(\"[data-id='{note}'] .typing-tag\");"),
        )
        .await?;
        note_id(ann, "Le formulaire est trop long (3 pages)").await?;

        // Ann's cursor is seen by Ben, with her name.
        ann.move_to(300.0, 420.0).await?;
        ben.wait_for(".cursor[data-peer='Ann']").await?;
        ben.screenshot("board-two-sessions").await?;
        ann.screenshot("board-two-sessions-ann").await?;

        // Ben writes his own note; Ann's undo takes back her move, never
        // Ben's note nor his typing.
        ben.type_text("n").await?;
        ben.click_at(450.0, 470.0).await?;
        ben.editor_ready().await?;
        ben.type_text("Rappeler trois fois").await?;
        ben.type_text("\u{e00c}").await?;
        let bens = note_id(ann, "Rappeler trois fois").await?;
        // Ben's note is still selected: Ann sees it outlined, with his name.
        ann.until(
            "Ann sees Ben's selection",
            &format!(
                "const r = document.querySelector('.remote-selection'); return !!r && r.textContent.includes('Ben')
                   && Math.abs(r.getBoundingClientRect().x - document.querySelector(\"[data-id='{bens}']\").getBoundingClientRect().x) < 8;"
            ),
        )
        .await?;
        ann.click_at(1000.0, 420.0).await?; // focus the board, select nothing
        ann.ctrl('z').await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element(&note)
                .is_some_and(|e| (e.x - x0).abs() < 1.0))
            .await,
            "Ann's undo did not take back her move: {:?}",
            bot.element(&note)
        );
        let kept = bot.element(&note).unwrap();
        ensure!(
            kept.text == "Le formulaire est trop long (3 pages)",
            "{kept:?}"
        );
        ensure!(
            bot.element(&bens)
                .is_some_and(|e| e.text == "Rappeler trois fois")
        );
        // Redo (Ctrl+Shift+Z) brings the move back.
        ann.chord(&[Key::Control, Key::Shift], 'z').await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element(&note)
                .is_some_and(|e| (e.x - x0 - 240.0).abs() <= 12.0))
            .await,
            "redo: {:?}",
            bot.element(&note)
        );

        // A reload shows everything.
        ben.client.refresh().await?;
        ben.wait_for(".board-shell[data-sync='saved']").await?;
        note_id(ben, "Le formulaire est trop long (3 pages)").await?;
        note_id(ben, "Rappeler trois fois").await?;
        ben.screenshot("board-after-reload").await?;
        Ok(())
    })
    .await;
}

/// A JavaScript `y-websocket` client and the browser share notes through
/// the board schema, both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_javascript_yjs_client_and_the_browser_share_notes() {
    let js = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js");
    assert!(
        js.join("node_modules/y-websocket").exists(),
        "tests/js/node_modules is missing: run `cargo xtask test`"
    );
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Interop").await;
    let mut node = tokio::process::Command::new("node")
        .arg("board-bot.mjs")
        .arg(format!("ws://{}/ws", server.addr))
        .arg(&id)
        .arg("Hello from the browser")
        .arg(server.token(&id, atelier_server::Role::Editor))
        .current_dir(&js)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node is installed");
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(node.stdout.take().unwrap()));
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
    assert_eq!(first.unwrap().unwrap().as_deref(), Some("WROTE"));

    let browser = Browser::start().await.expect("browser");
    let run = async {
        browser.join(&server.board_url(&id), "Ann").await?;
        // The note written by Yjs is drawn, in its colour.
        let js_note = note_id(&browser, "Written by Yjs").await?;
        ensure!(js_note == "js-note");
        let color = browser
            .eval("return getComputedStyle(document.querySelector(\"[data-id='js-note']\")).backgroundColor;")
            .await?;
        ensure!(color == "rgb(201, 228, 255)", "drawn in {color}");
        // A note made in the browser is read back by the JS client.
        browser.type_text("n").await?;
        browser.click_at(700.0, 300.0).await?;
        browser.editor_ready().await?;
        browser.type_text("Hello from the browser").await?;
        browser.type_text("\u{e00c}").await?;
        browser.screenshot("board-interop").await?;
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .context("the JS client never saw the browser's note")??
            .context("no RESULT line")?;
        let result: serde_json::Value =
            serde_json::from_str(line.strip_prefix("RESULT ").context("RESULT")?)?;
        let note = &result["note"];
        ensure!(note["type"] == "note", "{note}");
        ensure!(note["text"] == "Hello from the browser", "{note}");
        ensure!(note["author"] == "Ann", "{note}");
        for key in ["x", "y", "w", "h", "z", "created"] {
            ensure!(note[key].is_number(), "{key} in {note}");
        }
        // The field the browser does not know survived its edits.
        ensure!(result["jsNote"]["mood"] == "curious", "{result}");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    browser.close().await;
    let status = node.wait().await.unwrap();
    server.stop().await;
    run.unwrap();
    assert!(status.success(), "node exited with {status}");
}

/// The element under `css`, as the test bot reads the document.
async fn id_of(b: &Browser, css: &str) -> Result<String> {
    let v = b
        .eval(&format!(
            "const e = document.querySelector({css:?}); return e ? e.dataset.id : null;"
        ))
        .await?;
    Ok(v.as_str().with_context(|| format!("no {css}"))?.to_owned())
}

/// Shapes, frames, connectors, marquee, clipboard, resize, delete and zoom,
/// driven with the mouse and Miro's shortcuts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tools_work_like_miro() {
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Tools").await;
    let mut bot = YClient::connect(&server.ws(&id)).await.unwrap();
    bot.synced().await;
    with_browsers(server, &["en-US"], async |server, browsers| {
        let b = &browsers[0];
        b.join(&server.board_url(&id), "Ann").await?;
        let count = |bot: &YClient, kind: &str| {
            bot.all_elements()
                .iter()
                .filter(|e| e.kind.as_str() == kind)
                .count()
        };
        for (x, text) in [(420.0, "Attente"), (720.0, "Relances")] {
            b.type_text("n").await?;
            b.click_at(x, 280.0).await?;
            b.editor_ready().await?;
            b.type_text(text).await?;
            b.type_text("\u{e00c}").await?;
        }
        let a = note_id(b, "Attente").await?;
        let r = note_id(b, "Relances").await?;

        // T: a text box; left empty, it is not kept.
        b.type_text("t").await?;
        b.click_at(600.0, 560.0).await?;
        b.wait_for(".el-text .el-editor").await?;
        ensure!(
            eventually(Duration::from_secs(10), || count(&bot, "text") == 1).await,
            "no text box"
        );
        b.type_text("\u{e00c}").await?;
        ensure!(
            eventually(Duration::from_secs(10), || count(&bot, "text") == 0).await,
            "the empty text box stayed"
        );

        // L: a connector from one note to the other.
        let (pa, pr) = (
            b.center_of(&format!("[data-id='{a}']")).await?,
            b.center_of(&format!("[data-id='{r}']")).await?,
        );
        b.type_text("l").await?;
        b.drag(pa, pr).await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot.all_elements().iter().any(|e| {
                e.kind.as_str() == "connector"
                    && e.from.as_deref() == Some(a.as_str())
                    && e.to.as_deref() == Some(r.as_str())
            }))
            .await,
            "no connector from {a} to {r}"
        );

        // F: a frame drawn around both notes takes them in; what is typed
        // right after names it.
        b.type_text("f").await?;
        b.drag((300.0, 150.0), (900.0, 430.0)).await?;
        ensure!(
            eventually(Duration::from_secs(10), || count(&bot, "frame") == 1).await,
            "no frame"
        );
        b.until(
            "the frame's title has the focus",
            "return !!document.activeElement?.classList.contains('frame-title-editor');",
        )
        .await?;
        b.type_text("Claims").await?;
        b.type_text("\u{e007}").await?; // Enter
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .all_elements()
                .iter()
                .any(|e| e.kind.as_str() == "frame" && e.text == "Claims"))
            .await,
            "the frame was not named by typing"
        );
        let frame = bot
            .all_elements()
            .into_iter()
            .find(|e| e.kind.as_str() == "frame")
            .unwrap();
        ensure!(
            eventually(Duration::from_secs(10), || [&a, &r].iter().all(|n| bot
                .element(n)
                .is_some_and(|e| e.parent.as_deref() == Some(frame.id.as_str()))))
            .await,
            "the notes are not in the frame"
        );

        // Moving the frame (by its title) moves its notes; the connector follows.
        let line = "return document.querySelector('.el-connector .line').getAttribute('d');";
        let before = b.eval(line).await?;
        let y0 = bot.element(&a).unwrap().y;
        let title = b.center_of(".frame-title").await?;
        b.drag(title, (title.0, title.1 + 150.0)).await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element(&a)
                .is_some_and(|e| (e.y - y0 - 150.0).abs() <= 12.0))
            .await,
            "the note stayed at {:?}",
            bot.element(&a).map(|e| e.y)
        );
        b.until("the connector follows", &format!("return document.querySelector('.el-connector .line').getAttribute('d') !== {before};"))
            .await?;

        // S: a shape, drawn by dragging.
        b.type_text("s").await?;
        b.drag((1000.0, 150.0), (1150.0, 250.0)).await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .all_elements()
                .iter()
                .any(|e| e.kind.as_str() == "shape" && (e.w - 150.0).abs() <= 12.0))
            .await,
            "no 150-wide shape"
        );
        b.editor_ready().await?;
        b.type_text("Refund").await?;
        b.type_text("\u{e00c}").await?; // Escape
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .all_elements()
                .iter()
                .any(|e| e.kind.as_str() == "shape" && e.text == "Refund"))
            .await,
            "the shape did not take the text typed after it was drawn"
        );

        // Resize a note by its corner handle.
        let w0 = bot.element(&r).unwrap().w;
        let at = b.center_of(&format!("[data-id='{r}']")).await?;
        b.click_at(at.0, at.1).await?;
        let corner = b.center_of(".handle-se").await?;
        b.drag(corner, (corner.0 + 80.0, corner.1 + 40.0)).await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element(&r)
                .is_some_and(|e| (e.w - w0 - 80.0).abs() <= 12.0))
            .await,
            "resized to {:?}",
            bot.element(&r).map(|e| e.w)
        );

        // Marquee everything, Ctrl+C, Ctrl+V: a copy of all five.
        b.type_text("\u{e00c}").await?;
        b.drag((250.0, 80.0), (1220.0, 640.0)).await?;
        b.until(
            "the marquee selects all",
            "return document.querySelectorAll('.el.selected, .el-connector.selected').length === 5;",
        )
        .await?;
        b.screenshot("board-tools-selected").await?;
        b.ctrl('c').await?;
        b.ctrl('v').await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot.all_elements().len() == 10).await,
            "after paste: {} elements",
            bot.all_elements().len()
        );
        ensure!(count(&bot, "connector") == 2 && count(&bot, "frame") == 2);
        // The pasted connector joins the pasted notes, not the originals.
        let pasted = bot
            .all_elements()
            .into_iter()
            .find(|e| e.kind.as_str() == "connector" && e.from.as_deref() != Some(a.as_str()))
            .context("pasted connector")?;
        ensure!(bot.element(pasted.from.as_deref().unwrap_or_default()).is_some());

        // Delete removes the selection (the pasted copy); undo brings it back.
        b.type_text("\u{e017}").await?; // Delete
        ensure!(
            eventually(Duration::from_secs(10), || bot.all_elements().len() == 5).await,
            "after delete: {}",
            bot.all_elements().len()
        );
        b.ctrl('z').await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot.all_elements().len() == 10).await,
            "after undo: {}",
            bot.all_elements().len()
        );

        // Zoom: Shift+1 fits the board, + zooms in.
        let level = "return document.querySelector('.zoom-level').textContent;";
        b.type_text("!").await?;
        let fit = b.eval(level).await?;
        b.type_text("+").await?;
        b.until("+ zooms in", &format!("return document.querySelector('.zoom-level').textContent !== {fit};"))
            .await?;
        b.type_text("!").await?;
        b.screenshot("board-tools").await?;
        let _ = id_of(b, ".el-frame .frame-title").await?;
        Ok(())
    })
    .await;
}

fn note(id: &str, x: f64, y: f64, text: &str) -> atelier_shared::Element {
    let mut note = atelier_shared::Element::new(id, atelier_shared::Kind::Note, x, y);
    note.z = 1.0;
    note.color = "#c9e4ff".into();
    note.text = text.into();
    note.author = "Bot".into();
    note
}

/// A board seen from far out (drawn on a canvas) still works: select,
/// edit, nudge, align. Then a copy pasted into another board, and edits
/// made while the server is down, kept and sent when it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_out_across_boards_and_offline() {
    let server = TestServer::start(Config::default()).await;
    let (addr, dir) = (server.addr, server.data_dir.clone());
    let first = server.new_board("Interviews").await;
    let second = server.new_board("Synthesis").await;
    let bot = YClient::connect(&server.ws(&first)).await.unwrap();
    // A board too large to show at 50 %: it opens fitted, far out.
    for i in 0..60 {
        let (x, y) = ((i % 10) as f64 * 220.0, (i / 10) as f64 * 300.0);
        bot.add(&note(&format!("n{i}"), x, y, &format!("Verbatim {i}")))
            .await;
    }
    let b = Browser::start().await.expect("browser");
    let mut server = Some(server);
    let run = async {
        let server = server.as_ref().unwrap();
        b.join(&server.board_url(&first), "Ann").await?;
        b.until(
            "the board is drawn far out",
            "return getComputedStyle(document.querySelector('.far-layer')).display === 'block'
                && document.querySelectorAll('.world .el').length === 0;",
        )
        .await?;
        b.screenshot("board-far-out").await?;

        // Double-click a note drawn on the canvas: its editor opens.
        let at = b.screen_of(80.0, 80.0).await?;
        b.double_click_at(at.0, at.1).await?;
        b.wait_for("[data-id='n0'] .el-editor").await?;
        b.ctrl('a').await?;
        b.type_text("Edited far out").await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element("n0")
                .is_some_and(|e| e.text == "Edited far out"))
            .await,
            "n0 says {:?}",
            bot.element("n0").map(|e| e.text)
        );
        b.type_text("\u{e00c}").await?; // Escape: still selected
        ensure!(
            bot.all_elements().len() == 60,
            "the double-click made a note"
        );

        // Arrows nudge the selection by 1, with Shift by 10.
        b.type_text("\u{e014}").await?; // ArrowRight
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element("n0")
                .is_some_and(|e| e.x == 1.0))
            .await,
            "nudged to {:?}",
            bot.element("n0").map(|e| e.x)
        );
        b.chord(&[Key::Shift], '\u{e014}').await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element("n0")
                .is_some_and(|e| e.x == 11.0))
            .await,
            "shift-nudged to {:?}",
            bot.element("n0").map(|e| e.x)
        );

        // Shift-click a second note (on the canvas), align their left edges.
        let at = b.screen_of(220.0 + 80.0, 300.0 + 80.0).await?;
        b.shift_click_at(at.0, at.1).await?;
        b.until(
            "two are selected",
            "return document.querySelectorAll('.world .el.selected').length === 2;",
        )
        .await?;
        b.click_css("button[title='Align left']").await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot
                .element("n11")
                .is_some_and(|e| e.x == 11.0))
            .await,
            "aligned to {:?}",
            bot.element("n11").map(|e| e.x)
        );

        // Copy here, paste into the other board (same browser).
        let at = b.screen_of(11.0 + 80.0, 80.0).await?;
        b.click_at(at.0, at.1).await?;
        b.ctrl('c').await?;
        b.open(&server.board_url(&second)).await?;
        b.move_to(600.0, 400.0).await?;
        b.ctrl('v').await?;
        let mut other = YClient::connect(&server.ws(&second)).await?;
        other.synced().await;
        ensure!(
            eventually(Duration::from_secs(10), || other
                .all_elements()
                .iter()
                .any(|e| e.text == "Edited far out" && e.id != "n0"))
            .await,
            "nothing pasted into the other board"
        );
        let pasted: Vec<String> = other.all_elements().into_iter().map(|e| e.id).collect();
        ensure!(pasted.len() == 2, "pasted {pasted:?}");

        // Ctrl+A, then a colour for both from the context bar.
        b.type_text("\u{e00c}").await?;
        b.ctrl('a').await?;
        b.until(
            "all selected",
            "return document.querySelectorAll('.world .el.selected').length === 2;",
        )
        .await?;
        b.click_css(".context-bar .swatch[title='Pink']").await?;
        ensure!(
            eventually(Duration::from_secs(10), || other
                .all_elements()
                .iter()
                .all(|e| e.color == "#ffc9de"))
            .await,
            "not pink: {:?}",
            other.all_elements()
        );
        // PgDn sends one to the back, PgUp brings it to the front.
        let (low, high) = (&pasted[0], &pasted[1]);
        let z = |id: &str| other.element(id).map(|e| e.z).unwrap_or(f64::NAN);
        b.type_text("\u{e00c}").await?;
        let at = b.center_of(&format!("[data-id='{low}']")).await?;
        b.click_at(at.0, at.1).await?;
        b.type_text("\u{e00f}").await?; // PageDown
        ensure!(
            eventually(Duration::from_secs(10), || z(low) < z(high)).await,
            "PgDn: z {} against {}",
            z(low),
            z(high)
        );
        b.type_text("\u{e00e}").await?; // PageUp
        ensure!(
            eventually(Duration::from_secs(10), || z(low) > z(high)).await,
            "PgUp: z {} against {}",
            z(low),
            z(high)
        );

        // Enter edits the selected note; Backspace deletes it, undo restores.
        b.type_text("\u{e007}").await?; // Enter
        b.wait_for(&format!("[data-id='{low}'] .el-editor")).await?;
        b.type_text("!").await?;
        b.type_text("\u{e00c}").await?;
        ensure!(
            eventually(Duration::from_secs(10), || other
                .element(low)
                .is_some_and(|e| e.text.ends_with('!')))
            .await,
            "Enter did not edit: {:?}",
            other.element(low)
        );
        b.type_text("\u{e003}").await?; // Backspace
        ensure!(
            eventually(Duration::from_secs(10), || other.element(low).is_none()).await,
            "Backspace did not delete"
        );
        b.ctrl('z').await?;
        ensure!(eventually(Duration::from_secs(10), || other.element(low).is_some()).await);
        // H: the hand tool drags the board, not the note; V: back to select.
        b.type_text("h").await?;
        b.wait_for(".canvas.tool-hand").await?;
        let x = other.element(low).map(|e| e.x);
        let at = b.center_of(&format!("[data-id='{low}']")).await?;
        b.drag(at, (at.0 + 50.0, at.1)).await?;
        let after = b.center_of(&format!("[data-id='{low}']")).await?;
        ensure!((after.0 - at.0 - 50.0).abs() < 2.0, "the hand did not pan: {at:?} -> {after:?}");
        ensure!(other.element(low).map(|e| e.x) == x, "the hand moved the note");
        b.type_text("v").await?;
        b.wait_for(".canvas.tool-select").await?;
        b.click_at(after.0, after.1).await?;

        // Ctrl+D duplicates the selected note; Ctrl+Z takes it back.
        b.ctrl('d').await?;
        ensure!(
            eventually(Duration::from_secs(10), || other.all_elements().len() == 3).await,
            "Ctrl+D: {} elements",
            other.all_elements().len()
        );
        b.ctrl('z').await?;
        ensure!(
            eventually(Duration::from_secs(10), || other.all_elements().len() == 2).await,
            "Ctrl+Z after Ctrl+D: {} elements",
            other.all_elements().len()
        );

        // Panning: the wheel, Space+drag, a middle-button drag, each moves
        // the board under the pointer by what the pointer moved.
        let start = b.screen_of(0.0, 0.0).await?;
        b.eval(
            "document.querySelector('.canvas').dispatchEvent(new WheelEvent('wheel',
                {deltaX: 30, deltaY: 50, clientX: 600, clientY: 400, bubbles: true, cancelable: true}));
             return true;",
        )
        .await?;
        let moved = |a: (f64, f64), b: (f64, f64), dx: f64, dy: f64| {
            (b.0 - a.0 - dx).abs() < 1.0 && (b.1 - a.1 - dy).abs() < 1.0
        };
        let after = b.screen_of(0.0, 0.0).await?;
        ensure!(moved(start, after, -30.0, -50.0), "wheel: {start:?} -> {after:?}");
        b.type_text("\u{e00c}").await?;
        b.hold(' ', true).await?;
        b.drag((900.0, 500.0), (960.0, 540.0)).await?;
        b.hold(' ', false).await?;
        let spaced = b.screen_of(0.0, 0.0).await?;
        ensure!(moved(after, spaced, 60.0, 40.0), "space+drag: {after:?} -> {spaced:?}");
        b.drag_with(1, (900.0, 500.0), (860.0, 470.0)).await?;
        let middle = b.screen_of(0.0, 0.0).await?;
        ensure!(moved(spaced, middle, -40.0, -30.0), "middle drag: {spaced:?} -> {middle:?}");
        // Ctrl+wheel zooms at the pointer: the board point under it stays.
        let before = b
            .eval("return document.querySelector('.zoom-level').textContent;")
            .await?;
        let anchor = b.screen_of(0.0, 0.0).await?;
        b.eval(&format!(
            "document.querySelector('.canvas').dispatchEvent(new WheelEvent('wheel',
                {{deltaY: -40, ctrlKey: true, clientX: {}, clientY: {}, bubbles: true, cancelable: true}}));
             return true;",
            anchor.0, anchor.1
        ))
        .await?;
        b.until(
            "ctrl+wheel zooms",
            &format!("return document.querySelector('.zoom-level').textContent !== {before};"),
        )
        .await?;
        let stayed = b.screen_of(0.0, 0.0).await?;
        ensure!(moved(anchor, stayed, 0.0, 0.0), "zoom at the pointer: {anchor:?} -> {stayed:?}");
        // A click on the minimap's corner moves the view there.
        let r = b
            .eval("const r = document.querySelector('.minimap').getBoundingClientRect(); return [r.x, r.y];")
            .await?;
        let corner = (r[0].as_f64().unwrap_or(0.0) + 6.0, r[1].as_f64().unwrap_or(0.0) + 6.0);
        b.click_at(corner.0, corner.1).await?;
        let jumped = b.screen_of(0.0, 0.0).await?;
        ensure!(!moved(stayed, jumped, 0.0, 0.0), "the minimap did not move the view");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if let Err(e) = run {
        b.close().await;
        server.take().unwrap().stop().await;
        panic!("{e:?}");
    }

    // The server goes down: the board says so, and keeps what is done.
    server.take().unwrap().stop().await;
    let run = async {
        b.wait_for(".board-shell[data-sync='offline']").await?;
        b.type_text("n").await?;
        b.click_at(400.0, 300.0).await?;
        b.editor_ready().await?;
        b.type_text("Written offline").await?;
        b.type_text("\u{e00c}").await?;
        b.screenshot("board-offline").await?;
        // Back on the same address: the browser reconnects and sends it.
        let server = TestServer::start_at(&dir, addr, Config::default()).await;
        let result = async {
            b.wait_for(".board-shell[data-sync='saved']").await?;
            let mut late = YClient::connect(&server.ws(&second)).await?;
            late.synced().await;
            ensure!(
                eventually(Duration::from_secs(10), || {
                    let all = late.all_elements();
                    // (placed on the 12-unit grid: snapping is on)
                    all.iter().any(|e| {
                        e.text == "Written offline" && e.x % 12.0 == 0.0 && e.y % 12.0 == 0.0
                    }) && all.iter().any(|e| e.text.starts_with("Edited far out"))
                })
                .await,
                "the offline note did not reach the server: {:?}",
                late.all_elements()
                    .iter()
                    .map(|e| (&e.text, e.x, e.y))
                    .collect::<Vec<_>>()
            );
            Ok::<_, anyhow::Error>(())
        }
        .await;
        server.stop().await;
        result
    }
    .await;
    b.close().await;
    run.unwrap();
}
