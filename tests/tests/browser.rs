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
