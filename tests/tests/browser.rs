//! The web app in a real browser: headless Chromium loads the pages, the
//! WebAssembly client starts, connects and stays in sync with a Rust client.
//!
//! Needs `target/web` (built by `cargo xtask test`) and Debian's chromium.

use std::time::Duration;

use atelier_server::Config;
use atelier_tests::browser::with_browsers;
use atelier_tests::{TestServer, YClient, eventually};
use fantoccini::Locator;
use yrs::Map;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_page_starts_connects_and_follows_the_document() {
    assert!(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/web/index.html")
            .exists(),
        "the web app is not built: run `cargo xtask test`"
    );
    let server = TestServer::start(Config::default()).await;
    let (status, body) = server
        .request(
            "POST",
            "/api/boards",
            Some(r#"{"title":"Claims journey workshop"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bot = YClient::connect(&server.ws(&id)).await.unwrap();
    bot.synced().await;
    bot.set_awareness(serde_json::json!({"user": {"name": "Nadia", "color": "#2e86ab"}}))
        .await;

    with_browsers(server, &["en-US"], async |server, browsers| {
        let browser = &browsers[0];
        let c = &browser.client;
        browser.join(&server.board_url(&id), "Camille").await?;
        let title = c.find(Locator::Css(".board-title")).await?.text().await?;
        anyhow::ensure!(title == "Claims journey workshop", "title shown: {title}");

        // The browser's presence reaches the Rust client, and back.
        anyhow::ensure!(
            eventually(Duration::from_secs(10), || !bot.peers().is_empty()).await,
            "the browser never announced itself"
        );
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".avatar[title='Nadia']"))
            .await?;

        // Edits from another client show up live.
        bot.put_note("n1", "Le délai d'indemnisation est trop long")
            .await;
        let elements = bot.elements();
        bot.put_note("n2", "On m'a demandé trois fois les mêmes papiers")
            .await;
        // Something that is not an element: kept in the document, not drawn.
        bot.edit(|txn| elements.insert(txn, "junk", "x")).await;
        browser.wait_for(".board[data-elements='2']").await?;
        browser.wait_for(".el-note").await?;
        browser.screenshot("board").await?;

        // The home page lists the board.
        c.goto(&server.http("/")).await?;
        c.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(&format!("a.board-card[href='/b/{id}']")))
            .await?;
        let card = c
            .find(Locator::Css(&format!("a.board-card[href='/b/{id}']")))
            .await?
            .text()
            .await?;
        anyhow::ensure!(
            card.contains("Claims journey workshop") && card.contains("Blank board · edited"),
            "board card: {card}"
        );
        browser.screenshot("home").await?;
        Ok(())
    })
    .await;
}

/// A board whose saved data the server cannot read: whoever opens it is
/// told so, in a page of its own (at once when the connection is refused
/// with 4500, and on the next visit before anything loads), and nothing
/// keeps trying behind it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_board_says_so_in_the_browser() {
    let dir = atelier_tests::temp_dir("unreadable");
    let config = || Config {
        compact_after: 5,
        ..Config::default()
    };
    let server = TestServer::start_in(&dir, config()).await;
    let id = server.new_board("Sinistres").await;
    let mut bot = YClient::connect(&server.ws(&id)).await.unwrap();
    bot.synced().await;
    for i in 0..10 {
        bot.put_note(&format!("n{i}"), "a note").await;
    }
    let mut witness = YClient::connect(&server.ws(&id)).await.unwrap();
    witness.synced().await;
    assert!(
        eventually(Duration::from_secs(10), || witness
            .note_text("n9")
            .is_some())
        .await
    );
    drop((bot, witness));
    server.stop().await;
    {
        let conn = rusqlite::Connection::open(dir.join("atelier.db")).unwrap();
        let changed = conn
            .execute(
                "UPDATE snapshots SET data = x'ffffffffffffffff' WHERE board = ?1",
                [&id],
            )
            .unwrap();
        assert_eq!(changed, 1, "the board was compacted");
    }
    let server = TestServer::start_in(&dir, config()).await;
    with_browsers(server, &["en-US"], async |server, browsers| {
        let browser = &browsers[0];
        let c = &browser.client;
        c.goto(&server.board_url(&id)).await?;
        browser.give_name_only("Camille").await?;
        let cover = browser.wait_for(".refusal-cover h1").await?.text().await?;
        anyhow::ensure!(cover == "This board cannot be opened", "{cover}");
        browser.screenshot("board-unreadable").await?;
        c.refresh().await?;
        let page = browser
            .wait_for(".empty-page.refused[data-status='500'] h1")
            .await?
            .text()
            .await?;
        anyhow::ensure!(page == "This board cannot be opened", "{page}");
        anyhow::ensure!(
            c.find(Locator::Css(".board-shell")).await.is_err(),
            "the board loaded behind the page"
        );
        Ok(())
    })
    .await;
}

/// The home page: the boards this browser holds a link to, searched by
/// name or template, renamed, duplicated and deleted as its links allow
/// (rename: editors; copy: anyone; delete: facilitators, after an in-page
/// question), each with its template and last change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_are_searched_renamed_duplicated_and_deleted_from_home() {
    let server = TestServer::start(Config::default()).await;
    let claims = server.new_board("Claims journey").await;
    let sprint = server
        .new_board_from("Persona sprint", "personas", "en")
        .await;
    let onboarding = server.new_board("Onboarding").await;
    with_browsers(server, &["en-US"], async |server, browsers| {
        let b = &browsers[0];
        b.join(&server.board_url(&claims), "Camille").await?;
        b.open(&server.board_url(&sprint)).await?;
        b.open(&server.board_url_as(&onboarding, atelier_server::Role::Editor))
            .await?;
        b.client.goto(&server.http("/")).await?;
        let cards = |n: usize| format!("return document.querySelectorAll('.board-item').length === {n};");
        b.until("three boards", &cards(3))
            .await?;
        anyhow::ensure!(
            b.eval(&format!(
                "return document.querySelector(\".board-item[data-board='{sprint}']\").textContent;"
            ))
            .await?
            .as_str()
            .is_some_and(|t| t.contains("Persona sprint") && t.contains("Personas · edited")),
            "the card shows its template and last change"
        );
        // Search: by template as by name.
        let search = |q: &str| {
            format!(
                "const s = document.querySelector('.board-search'); s.value = {q:?};
                 s.dispatchEvent(new Event('input', {{bubbles: true}})); return true;"
            )
        };
        b.wait_for(".board-search").await?;
        b.eval(&search("persona")).await?;
        b.until("one match", &cards(1)).await?;
        b.eval(&search("zzz")).await?;
        b.until("no match, said", "return document.querySelectorAll('.board-item').length === 0 && document.body.textContent.includes('No board matches.');")
            .await?;
        b.eval(&search("")).await?;
        b.until("all back", &cards(3))
            .await?;

        // An editor's link renames but neither deletes nor loses a copy.
        b.click_css(&format!(".board-item[data-board='{onboarding}'] .board-more")).await?;
        b.wait_for(&format!(".board-item[data-board='{onboarding}'] [data-board-action='rename']")).await?;
        anyhow::ensure!(
            b.eval(&format!("return !document.querySelector(\".board-item[data-board='{onboarding}'] [data-board-action='delete']\");"))
                .await?
                == true,
            "an editor's link offers delete"
        );
        // A click elsewhere closes the menu.
        b.click_at(20.0, 600.0).await?;
        b.until("the menu closes", "return !document.querySelector('.board-menu');").await?;

        // Rename.
        let item = format!(".board-item[data-board='{claims}']");
        b.click_css(&format!("{item} .board-more")).await?;
        b.screenshot("home-board-menu").await?;
        b.click_css(&format!("{item} [data-board-action='rename']")).await?;
        b.wait_for(&format!("{item} .board-rename")).await?;
        b.until(
            "the name field has the focus",
            "return !!document.activeElement && document.activeElement.classList.contains('board-rename');",
        )
        .await?;
        // (Its text is selected: typing replaces it.)
        b.type_text("Claims journey v2\u{e007}").await?;

        b.until(
            "renamed",
            &format!("const t = document.querySelector(\"{item} .board-card-title\"); return !!t && t.textContent === 'Claims journey v2';"),
        )
        .await?;
        let (_, body) = server.request("GET", &format!("/api/boards/{claims}?t={}", server.token(&claims, atelier_server::Role::Viewer)), None).await;
        anyhow::ensure!(body.contains("Claims journey v2"), "not renamed on the server: {body}");

        // Duplicate: a copy, this browser its facilitator.
        b.click_css(&format!("{item} .board-more")).await?;
        b.click_css(&format!("{item} [data-board-action='duplicate']")).await?;
        b.until(
            "the copy is listed",
            "return [...document.querySelectorAll('.board-card-title')].some(t => t.textContent === 'Copy of Claims journey v2');",
        )
        .await?;
        let copy = b
            .eval("return [...document.querySelectorAll('.board-item')].find(i => i.textContent.includes('Copy of Claims')).dataset.board;")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        anyhow::ensure!(!copy.is_empty() && copy != claims, "the copy: {copy}");

        // Delete the copy: asked in the page first; Esc says no.
        let copied = format!(".board-item[data-board='{copy}']");
        b.click_css(&format!("{copied} .board-more")).await?;
        b.click_css(&format!("{copied} [data-board-action='delete']")).await?;
        b.wait_for(".confirm-dialog").await?;
        b.screenshot("home-delete-confirm").await?;
        b.type_text("\u{e00c}").await?;
        b.until("the question goes", "return !document.querySelector('.confirm-dialog');").await?;
        b.wait_for(&copied).await?;
        b.click_css(&format!("{copied} .board-more")).await?;
        b.click_css(&format!("{copied} [data-board-action='delete']")).await?;
        b.click_css(".confirm-dialog [data-confirm='yes']").await?;
        b.until("the copy is gone", &format!("return !document.querySelector(\"{copied}\");"))
            .await?;
        let (status, _) = server
            .request("GET", &format!("/api/boards/{copy}?t={}", server.token(&copy, atelier_server::Role::Viewer)), None)
            .await;
        anyhow::ensure!(status == 404 || status == 403, "the copy still exists: {status}");
        b.screenshot("home-managed").await?;
        Ok(())
    })
    .await;
}
