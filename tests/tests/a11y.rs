//! Keyboard and screen readers (WCAG 2.2 AA for everything that is not the
//! free canvas): axe-core finds no serious or critical violation on the
//! home page, a board, and each panel, menu and dialog; Tab reaches the
//! board's elements in reading order (frame by frame), Enter edits, arrows
//! move; others' changes are said politely; the outline reads and edits
//! the board live.

use std::time::Duration;

use atelier_server::{Config, Role};
use atelier_shared::{Element, Kind};
use atelier_tests::browser::{Browser, with_browsers};
use atelier_tests::{TestServer, eventually};

const WAIT: Duration = Duration::from_secs(5);

/// The serious and critical violations where the page is now, each
/// prefixed with `place`, added to `found` (all are reported at the end).
async fn axe(b: &Browser, place: &str, found: &mut Vec<String>) -> anyhow::Result<()> {
    found.extend(b.axe().await?.into_iter().map(|v| format!("{place}: {v}")));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_panel_and_dialog_passes_axe_and_the_board_works_by_keyboard() {
    let server = TestServer::start(Config::default()).await;
    let (id, url, bot) = server.board_with_bot("Claims journey").await;
    let mut frame = Element::new("f", Kind::Frame, 0.0, 0.0);
    (frame.w, frame.h, frame.text) = (800.0, 300.0, "Pains".into());
    bot.add(&frame).await;
    // Inside the frame, in two rows; and one note below it.
    for (note, x, y, text) in [
        ("b", 400.0, 40.0, "Second in the frame"),
        ("a", 40.0, 40.0, "First in the frame"),
        ("c", 40.0, 180.0, "Third in the frame"),
        ("d", 40.0, 400.0, "Below the frame"),
    ] {
        let mut e = Element::new(note, Kind::Note, x, y);
        e.text = text.into();
        if y < 300.0 {
            e.parent = Some("f".into());
        }
        bot.add(&e).await;
    }
    let mut persona = Element::new("p", Kind::Persona, 1000.0, 0.0);
    if let Some(p) = persona.persona.as_mut() {
        p.name = "Julie".into();
    }
    bot.add(&persona).await;
    with_browsers(server, &["en-US", "fr-FR"], async |server, browsers| {
        let [b, fr] = browsers else { unreachable!() };
        let mut found = Vec::new();
        // The name prompt.
        b.client.goto(&url).await?;
        b.wait_for(".prompt").await?;
        axe(b, "the name prompt", &mut found).await?;
        b.give_name("Camille").await?;
        b.wait_for(".board-shell[data-sync='saved']").await?;
        b.wait_for(".el-persona").await?;
        axe(b, "the board", &mut found).await?;

        // Each panel, menu and dialog.
        for (open, shown, close) in [
            ("[data-action='share']", ".share-dialog .share-url", "\u{e00c}"),
            ("[data-action='import']", ".import-dialog", "\u{e00c}"),
            ("[data-action='history']", ".history-panel", "\u{e00c}"),
            ("[data-action='notes']", ".notes-panel", "\u{e00c}"),
            ("[data-action='outline']", ".outline-panel", "\u{e00c}"),
            ("[data-action='templates']", ".template-menu", "\u{e00c}"),
            ("[data-action='export']", ".export-menu", "\u{e00c}"),
        ] {
            b.click_css(open).await?;
            b.wait_for(shown).await?;
            axe(b, shown, &mut found).await?;
            b.type_text(close).await?;
            b.until("it closes", &format!("return !document.querySelector(\"{shown}\");"))
                .await?;
        }
        // An in-page question.
        b.click_css("[data-action='share']").await?;
        b.click_css("[data-regenerate='viewer']").await?;
        b.wait_for(".confirm-dialog").await?;
        axe(b, "the confirmation", &mut found).await?;
        b.type_text("\u{e00c}").await?;
        b.type_text("\u{e00c}").await?;

        // Tab goes through the board in reading order: the frame, what it
        // holds by rows, then what follows it.
        let order = b
            .eval(
                "return [...document.querySelectorAll('.world [tabindex]')].map(e => e.dataset.id || e.dataset.frame);",
            )
            .await?;
        let order: Vec<&str> = order
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let at = |id: &str| order.iter().position(|o| *o == id).unwrap_or(usize::MAX);
        anyhow::ensure!(
            at("f") < at("a") && at("a") < at("b") && at("b") < at("c") && at("c") < at("d"),
            "reading order: {order:?}"
        );
        b.client.find(fantoccini::Locator::Css(".board")).await?;
        b.eval("document.querySelector(\".world [data-frame='f']\").focus({focusVisible: true}); return 1;")
            .await?;
        let mut reached = false;
        for _ in 0..4 {
            b.type_text("\u{e004}").await?; // Tab
            if b
                .eval("return document.activeElement?.dataset?.id === 'a';")
                .await?
                == true
            {
                reached = true;
                break;
            }
        }
        anyhow::ensure!(reached, "Tab did not reach the first note");
        b.until(
            "the focused note is selected, named for screen readers",
            "const n = document.querySelector(\"[data-id='a']\");
             return n.classList.contains('selected') && n.getAttribute('aria-label') === 'Note: First in the frame';",
        )
        .await?;
        // Arrows move it; Enter edits it.
        b.type_text("\u{e014}").await?; // Right arrow
        anyhow::ensure!(
            eventually(WAIT, || bot.element("a").is_some_and(|e| e.x == 41.0)).await,
            "the arrow did not move it: {:?}",
            bot.element("a").map(|e| e.x)
        );
        b.type_text("\u{e007}").await?; // Enter
        b.editor_ready().await?;
        b.type_text(" (by keyboard)").await?;
        b.type_text("\u{e00c}").await?;
        anyhow::ensure!(
            eventually(WAIT, || bot
                .element("a")
                .is_some_and(|e| e.text == "First in the frame (by keyboard)"))
            .await,
            "Enter did not edit"
        );

        // Others' changes are said, politely.
        let mut e = Element::new("e", Kind::Note, 600.0, 400.0);
        e.text = "Added by the bot".into();
        bot.add(&e).await;
        b.until(
            "the change is said",
            "const r = document.querySelector('[aria-live=polite]'); return !!r && r.textContent === 'Note added: Added by the bot';",
        )
        .await?;

        // The outline reads the board and edits it, live.
        b.click_css("[data-action='outline']").await?;
        b.until(
            "the outline lists the frame with its notes, in order",
            "const f = document.querySelector(\".outline-branch[data-outline='f']\");
             const inside = [...f.querySelectorAll('.outline-branch')].map(e => e.dataset.outline);
             return inside.join(',') === 'a,b,c' && !!document.querySelector(\".outline-branch[data-outline='p']\");",
        )
        .await?;
        let field = b
            .wait_for(".outline-branch[data-outline='d'] textarea")
            .await?;
        field.click().await?;
        b.type_text(", edited in the outline").await?;
        anyhow::ensure!(
            eventually(WAIT, || bot
                .element("d")
                .is_some_and(|e| e.text == "Below the frame, edited in the outline"))
            .await,
            "the outline did not edit the note"
        );
        bot.put_note("d", "Changed by the bot").await;
        b.until(
            "the outline follows, live",
            "return document.querySelector(\".outline-branch[data-outline='d'] textarea\").value === 'Changed by the bot';",
        )
        .await?;
        axe(b, "the outline", &mut found).await?;
        b.screenshot("outline").await?;

        // The home page, in French too.
        b.client.goto(&server.http("/")).await?;
        b.wait_for(".board-item").await?;
        axe(b, "the home page", &mut found).await?;
        fr.join(&server.board_url_as(&id, Role::Editor), "Chloé").await?;
        axe(fr, "a board in French", &mut found).await?;
        fr.client.goto(&server.http("/")).await?;
        fr.wait_for(".board-item").await?;
        axe(fr, "the home page in French", &mut found).await?;
        anyhow::ensure!(found.is_empty(), "serious or critical: {found:#?}");
        Ok(())
    })
    .await;
}
