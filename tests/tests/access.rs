//! Who may open a board, enforced by the server: share links per role,
//! signed; viewers read but never write; facilitator-only actions;
//! forged, expired, revoked and other boards' links refused; the instance
//! admin lists and deletes boards.

use std::time::Duration;

use atelier_server::{Config, Role, Secret};
use atelier_tests::{Ended, TestServer, YClient, eventually};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(5);
const ADMIN: &str = "the-admin-token";

async fn server() -> TestServer {
    TestServer::start(Config {
        admin_token: Some(Secret(ADMIN.into())),
        ..Config::default()
    })
    .await
}

/// The HTTP status a websocket connection to `url` is refused with.
async fn refused(url: &str) -> (u16, String) {
    match tokio_tungstenite::connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let status = response.status().as_u16();
            let body = response
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).to_string())
                .unwrap_or_default();
            (status, body)
        }
        other => panic!("{url}: not refused: {:?}", other.map(|_| ())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_reads_but_its_updates_never_reach_the_board() {
    let server = server().await;
    let id = server.new_board("Review").await;
    let mut editor = YClient::connect(&server.ws_as(&id, Role::Editor))
        .await
        .unwrap();
    let mut viewer = YClient::connect(&server.ws_as(&id, Role::Viewer))
        .await
        .unwrap();
    editor.synced().await;
    viewer.synced().await;
    // The viewer receives the others' work live.
    editor.put_note("e1", "from the editor").await;
    assert!(eventually(WAIT, || viewer.note_text("e1").is_some()).await);
    // Its own edits are refused: not applied, not relayed, not stored.
    viewer.put_note("v1", "from the viewer").await;
    assert!(
        eventually(WAIT, || !viewer.denied().is_empty()).await,
        "the viewer is told"
    );
    assert!(
        viewer.denied()[0].contains("only lets you view"),
        "{:?}",
        viewer.denied()
    );
    editor.put_note("e2", "after").await;
    assert!(eventually(WAIT, || viewer.note_text("e2").is_some()).await);
    assert_eq!(editor.note_text("v1"), None, "relayed to the editor");
    let mut late = YClient::connect(&server.ws(&id)).await.unwrap();
    late.synced().await;
    assert_eq!(late.note_text("e2").as_deref(), Some("after"));
    assert_eq!(late.note_text("v1"), None, "in the document");
    assert!(server.metric("atelier_updates_refused_total").await >= 1.0);
    // Still connected: a viewer that tried to write is not thrown out.
    assert!(viewer.is_open());
    // Its awareness (cursor, name) is relayed: people see who is looking.
    viewer
        .set_awareness(serde_json::json!({"user": {"name": "Viewer"}}))
        .await;
    assert!(eventually(WAIT, || editor.peers().contains(&viewer.client_id())).await);
    // After a restart, still nothing of the viewer's.
    drop((editor, viewer, late));
    let (dir, addr) = (server.data_dir.clone(), server.addr);
    server.stop().await;
    let server = TestServer::start_at(&dir, addr, Config::default()).await;
    let mut again = YClient::connect(&server.ws(&id)).await.unwrap();
    again.synced().await;
    assert!(again.note_text("e1").is_some());
    assert_eq!(again.note_text("v1"), None);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_forged_expired_and_other_boards_tokens_are_refused() {
    let server = server().await;
    let id = server.new_board("Locked").await;
    let other = server.new_board("Other").await;
    let (status, body) = refused(&server.ws_bare(&id)).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("needs a share link"), "{body}");
    let editor = server.token(&id, Role::Editor);
    let cases = [
        ("garbage", "not-a-token".to_owned(), "not valid"),
        (
            "another board's",
            server.token(&other, Role::Facilitator),
            "not valid",
        ),
        (
            "promoted by hand",
            editor.replacen("editor", "facilitator", 1),
            "not valid",
        ),
        (
            "signed with another key",
            atelier_server::Keys::random().mint(&id.parse().unwrap(), Role::Editor, 0, 0),
            "not valid",
        ),
        (
            "expired",
            server
                .keys
                .mint(&id.parse().unwrap(), Role::Editor, 0, 1_000_000),
            "expired",
        ),
    ];
    for (what, token, says) in cases {
        let (status, body) = refused(&format!("{}?t={token}", server.ws_bare(&id))).await;
        assert_eq!(status, 403, "{what}: {body}");
        assert!(body.contains(says), "{what}: {body}");
        let (status, body) = server
            .request_with(&token, "GET", &format!("/api/boards/{id}"), None)
            .await;
        assert_eq!(status, 403, "{what}: {body}");
    }
    // A link that is still valid works; one expiring later too.
    let later = server.keys.mint(
        &id.parse().unwrap(),
        Role::Viewer,
        0,
        atelier_server::access::now_secs() + 3600,
    );
    let mut ok = YClient::connect(&format!("{}?t={later}", server.ws_bare(&id)))
        .await
        .unwrap();
    ok.synced().await;
    assert!(server.metric("atelier_access_refused_total").await >= 5.0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facilitator_only_actions_and_regenerated_links() {
    let server = server().await;
    let id = server.new_board("Workshop").await;
    let (facilitator, editor, viewer) = (
        server.token(&id, Role::Facilitator),
        server.token(&id, Role::Editor),
        server.token(&id, Role::Viewer),
    );
    // The links are the facilitator's to see and regenerate.
    let links_path = format!("/api/boards/{id}/links");
    let (status, body) = server
        .request_with(&facilitator, "GET", &links_path, None)
        .await;
    assert_eq!(status, 200, "{body}");
    let links: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(links["editor"], editor.as_str());
    for token in [&editor, &viewer] {
        let (status, body) = server.request_with(token, "GET", &links_path, None).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("only the board's facilitator"), "{body}");
        let (status, _) = server
            .request_with(token, "POST", &format!("{links_path}/viewer"), None)
            .await;
        assert_eq!(status, 403);
    }
    // A viewer cannot rename; an editor can.
    let path = format!("/api/boards/{id}");
    let (status, _) = server
        .request_with(&viewer, "PATCH", &path, Some(r#"{"title":"x"}"#))
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .request_with(&editor, "PATCH", &path, Some(r#"{"title":"Atelier 2"}"#))
        .await;
    assert_eq!(status, 200);

    // Regenerating the editors' link disconnects whoever came by the old
    // one, refuses it from then on, and leaves the other roles alone.
    let mut old = YClient::connect(&server.ws_as(&id, Role::Editor))
        .await
        .unwrap();
    let mut watching = YClient::connect(&server.ws_as(&id, Role::Viewer))
        .await
        .unwrap();
    old.synced().await;
    watching.synced().await;
    let (status, body) = server
        .request_with(&facilitator, "POST", &format!("{links_path}/editor"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    let fresh: Value = serde_json::from_str(&body).unwrap();
    let new_editor = fresh["editor"].as_str().unwrap().to_owned();
    assert_ne!(new_editor, editor);
    assert_eq!(fresh["viewer"], viewer.as_str());
    assert_eq!(old.ended(WAIT).await, Some(Ended::Closed(4403)));
    assert!(watching.is_open());
    let (status, body) = refused(&server.ws_as(&id, Role::Editor)).await;
    assert_eq!(status, 403);
    assert!(body.contains("revoked"), "{body}");
    let mut new = YClient::connect(&format!("{}?t={new_editor}", server.ws_bare(&id)))
        .await
        .unwrap();
    new.synced().await;
    new.put_note("n", "by the new link").await;
    assert!(eventually(WAIT, || watching.note_text("n").is_some()).await);
    // An unknown role is a clear 400.
    let (status, _) = server
        .request_with(&facilitator, "POST", &format!("{links_path}/owner"), None)
        .await;
    assert_eq!(status, 400);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_lists_and_deletes_boards() {
    let server = server().await;
    let id = server.new_board("To delete").await;
    let keep = server.new_board("To keep").await;
    let facilitator = server.token(&id, Role::Facilitator);
    let mut on_it = YClient::connect(&server.ws(&id)).await.unwrap();
    on_it.synced().await;
    on_it.put_note("n", "soon gone").await;
    let path = format!("/api/boards/{id}");
    // Only the admin deletes, not even the board's facilitator.
    let (status, _) = server
        .request_with(&facilitator, "DELETE", &path, None)
        .await;
    assert_eq!(status, 403);
    let (status, body) = server.request_with(ADMIN, "DELETE", &path, None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(on_it.ended(WAIT).await, Some(Ended::Closed(4404)));
    let (status, body) = server.request_with(ADMIN, "GET", "/api/boards", None).await;
    assert_eq!(status, 200);
    let ids: Vec<String> = serde_json::from_str::<Vec<Value>>(&body)
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, std::slice::from_ref(&keep));
    // Its links no longer open anything; deleting again is a 404.
    let (status, _) = refused(&server.ws(&id)).await;
    assert_eq!(status, 403);
    let (status, _) = server.request_with(ADMIN, "DELETE", &path, None).await;
    assert_eq!(status, 404);
    // The admin token opens any board.
    let mut admin = YClient::connect(&format!("{}?t={ADMIN}", server.ws_bare(&keep)))
        .await
        .unwrap();
    admin.synced().await;
    server.stop().await;
}

/// Three people in real browsers: the facilitator makes the board and
/// hands out links from the share dialog; the editor adds a note; the
/// viewer sees it live but changes nothing; a regenerated link throws the
/// editor out, and a page without a link says why it cannot open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facilitator_editor_and_viewer_in_browsers() {
    use atelier_tests::browser::Browser;
    let server = server().await;
    let (fac, ed, view) = (
        Browser::start().await.expect("browser"),
        Browser::start().await.expect("browser"),
        Browser::start().await.expect("browser"),
    );
    let run = async {
        // The facilitator starts a board on the home page.
        fac.client.goto(&server.http("/")).await?;
        let title = fac.wait_for(".new-board input").await?;
        title.send_keys("Claims workshop").await?;
        fac.click_css(".new-board button[type='submit']").await?;
        fac.give_name("Fatou").await?;
        fac.wait_for(".board-shell[data-role='facilitator']").await?;
        // The token left the address bar.
        let url = fac.client.current_url().await?;
        anyhow::ensure!(url.query().is_none(), "{url}");
        let id = url.path().rsplit('/').next().unwrap_or_default().to_owned();
        let mut bot = YClient::connect(&server.ws(&id)).await?;
        bot.synced().await;

        // The share dialog: three links.
        fac.click_css("[data-action='share']").await?;
        fac.wait_for(".share-row[data-role='viewer'] .share-url").await?;
        let link = |role: &str| {
            format!("return document.querySelector(\".share-row[data-role='{role}'] .share-url\").value;")
        };
        let editor_link = fac.eval(&link("editor")).await?.as_str().unwrap_or_default().to_owned();
        let viewer_link = fac.eval(&link("viewer")).await?.as_str().unwrap_or_default().to_owned();
        anyhow::ensure!(editor_link.contains(&format!("/b/{id}?t=editor.")), "{editor_link}");
        fac.screenshot("share-dialog").await?;

        // The viewer: read only, says so, no tools to change anything.
        view.join(&viewer_link, "Victor").await?;
        view.wait_for(".board-shell[data-role='viewer'] .role-pill").await?;
        view.until(
            "no tools but select and hand",
            "return getComputedStyle(document.querySelector(\"[data-tool='n']\")).display === 'none'
                && getComputedStyle(document.querySelector(\"[data-tool='v']\")).display !== 'none';",
        )
        .await?;
        // The editor adds a note; everyone sees it.
        ed.join(&editor_link, "Eve").await?;
        ed.type_text("n").await?;
        ed.click_at(500.0, 400.0).await?;
        ed.editor_ready().await?;
        ed.type_text("Too many forms").await?;
        ed.type_text("\u{e00c}").await?;
        anyhow::ensure!(
            eventually(WAIT, || bot.all_elements().iter().any(|e| e.text == "Too many forms")).await,
            "the editor's note"
        );
        for b in [&fac, &view] {
            b.until(
                "the note is seen",
                "return [...document.querySelectorAll('.el-note')].some(n => n.textContent.includes('Too many forms'));",
            )
            .await?;
        }
        // The viewer tries: a double-click edits nothing, keys make nothing.
        let (x, y) = view.center_of(".el-note").await?;
        view.double_click_at(x, y).await?;
        view.type_text("n").await?;
        view.click_at(300.0, 300.0).await?;
        view.type_text("x").await?;
        view.ctrl('a').await?;
        view.type_text("\u{e003}").await?; // Backspace
        tokio::time::sleep(Duration::from_millis(500)).await;
        anyhow::ensure!(
            bot.all_elements().len() == 1 && view.eval("return !document.querySelector('.el textarea');").await? == true,
            "the viewer changed the board: {:?}",
            bot.all_elements()
        );
        view.screenshot("viewer").await?;

        // A new editors' link: Eve is out, and her page says why.
        fac.click_css("[data-regenerate='editor']").await?;
        ed.wait_for(".status-refused").await?;
        ed.client.refresh().await?;
        ed.until(
            "the revoked page",
            "const p = document.querySelector('.empty-page.refused'); return !!p && p.dataset.status === '403' && p.textContent.includes('revoked');",
        )
        .await?;
        ed.screenshot("link-revoked").await?;
        // The new one works.
        let fresh = fac.eval(&link("editor")).await?.as_str().unwrap_or_default().to_owned();
        anyhow::ensure!(fresh != editor_link, "the link did not change");
        ed.open(&fresh).await?;
        ed.wait_for(".board-shell[data-role='editor']").await?;
        // No link at all: a clear page, not a broken board.
        view.client.goto(&server.http(&format!("/b/{}", server.new_board("Other").await))).await?;
        view.until(
            "the needs-a-link page",
            "const p = document.querySelector('.empty-page.refused'); return !!p && p.dataset.status === '401';",
        )
        .await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    fac.close().await;
    ed.close().await;
    view.close().await;
    server.stop().await;
    run.unwrap();
}
