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
        viewer.denied()[0].starts_with("read-only: "),
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
    // A link that expires while its connection is open closes it then.
    let soon = server.keys.mint(
        &id.parse().unwrap(),
        Role::Editor,
        0,
        atelier_server::access::now_secs() + 2,
    );
    let mut brief = YClient::connect(&format!("{}?t={soon}", server.ws_bare(&id)))
        .await
        .unwrap();
    brief.synced().await;
    assert_eq!(
        brief.ended(Duration::from_secs(5)).await,
        Some(Ended::Closed(4403))
    );
    assert!(ok.is_open(), "the other link's connection stays");
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
async fn facilitators_delete_boards_any_link_copies_one() {
    let server = server().await;
    let id = server.new_board("To delete").await;
    let keep = server.new_board("To keep").await;
    let facilitator = server.token(&id, Role::Facilitator);
    let mut on_it = YClient::connect(&server.ws(&id)).await.unwrap();
    on_it.synced().await;
    on_it.put_note("n", "soon gone").await;
    let path = format!("/api/boards/{id}");
    // (Seen by another client: stored.)
    let mut witness = YClient::connect(&server.ws_as(&id, Role::Viewer))
        .await
        .unwrap();
    witness.synced().await;
    assert!(eventually(WAIT, || witness.note_text("n").is_some()).await);
    // A copy, by a viewer's link: every element, under its new title, its
    // copier the facilitator; the original unchanged.
    let viewer = server.token(&id, Role::Viewer);
    let (status, body) = server
        .request_with(
            &viewer,
            "POST",
            &format!("{path}/duplicate"),
            Some(r#"{"title":"Copy of To delete"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let copy: Value = serde_json::from_str(&body).unwrap();
    let (copy_id, copy_token) = (
        copy["id"].as_str().unwrap().to_owned(),
        copy["token"].as_str().unwrap().to_owned(),
    );
    assert_ne!(copy_id, id);
    assert_eq!(copy["title"], "Copy of To delete");
    assert_eq!(copy["role"], "facilitator");
    let mut copied = YClient::connect(&format!("{}?t={copy_token}", server.ws_bare(&copy_id)))
        .await
        .unwrap();
    copied.synced().await;
    assert_eq!(copied.note_text("n").as_deref(), Some("soon gone"));
    copied.put_note("n2", "only in the copy").await;
    assert!(eventually(WAIT, || copied.note_text("n2").is_some()).await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        on_it.note_text("n2").is_none(),
        "the copy wrote to the original"
    );
    // An editor does not delete; the board's facilitator does.
    let editor = server.token(&id, Role::Editor);
    let (status, _) = server.request_with(&editor, "DELETE", &path, None).await;
    assert_eq!(status, 403);
    let (status, body) = server
        .request_with(&facilitator, "DELETE", &path, None)
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(on_it.ended(WAIT).await, Some(Ended::Closed(4404)));
    let (status, body) = server.request_with(ADMIN, "GET", "/api/boards", None).await;
    assert_eq!(status, 200);
    let ids: Vec<String> = serde_json::from_str::<Vec<Value>>(&body)
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&keep) && ids.contains(&copy_id) && !ids.contains(&id));
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
    use atelier_tests::browser::with_browsers;
    let server = server().await;
    with_browsers(server, &["en-US", "en-US", "en-US"], async |server, browsers| {
        let [fac, ed, view] = browsers else {
            unreachable!()
        };
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
        // The dialog took the focus; Esc closes it and gives it back.
        fac.until(
            "the dialog has the focus",
            "return !!document.activeElement?.closest('.share-dialog');",
        )
        .await?;
        fac.type_text("\u{e00c}").await?; // Escape
        fac.until(
            "Esc closed the dialog, the focus is back on Share",
            "return !document.querySelector('.share-dialog')
                && document.activeElement?.dataset.action === 'share';",
        )
        .await?;
        fac.click_css("[data-action='share']").await?;
        fac.wait_for(".share-row[data-role='editor'] .share-url").await?;

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

        // A new editors' link, asked first in the page (it disconnects
        // people): Eve is out, and her page says why.
        fac.click_css("[data-regenerate='editor']").await?;
        fac.wait_for(".confirm-dialog").await?;
        fac.click_css(".confirm-dialog [data-confirm='yes']").await?;
        ed.wait_for(".status-refused").await?;
        // At once, the board is gone (nothing ticks behind), a page says why.
        ed.until(
            "the board is replaced by the revoked page",
            "const p = document.querySelector('.refusal-cover .empty-page.refused');
             return !!p && p.dataset.status === '403' && p.textContent.includes('revoked') && !document.querySelector('.board');",
        )
        .await?;
        ed.screenshot("link-revoked-live").await?;
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
        Ok(())
    })
    .await;
}

/// The facilitator's controls are checked on the server: a participant's
/// timer, lock, vote opening or follow is refused; everyone receives the
/// state; ballots stay secret until the vote closes; the state survives a
/// restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facilitation_commands_are_checked_on_the_server() {
    use atelier_shared::facilitation::Command;
    let server = server().await;
    let id = server.new_board("Workshop").await;
    let mut fac = YClient::connect(&server.ws(&id)).await.unwrap();
    let mut ed = YClient::connect(&server.ws_as(&id, Role::Editor))
        .await
        .unwrap();
    let mut view = YClient::connect(&server.ws_as(&id, Role::Viewer))
        .await
        .unwrap();
    for (c, voter) in [(&mut fac, "fatou"), (&mut ed, "eve-0"), (&mut view, "vic")] {
        c.synced().await;
        // Facilitation is for clients that speak it: they say hello.
        c.command(&Command::Hello { key: voter.into() }).await;
    }
    // Everyone gets the state on joining.
    assert!(eventually(WAIT, || view.facilitation().is_some()).await);

    // A participant cannot run the workshop.
    for command in [
        Command::TimerSet { ms: 60_000 },
        Command::Lock {
            ids: vec!["n1".into()],
        },
        Command::VoteOpen {
            scope: None,
            per_person: 3,
            on: Vec::new(),
        },
        Command::Follow {
            client: ed.client_id().get(),
            name: "Eve".into(),
        },
    ] {
        ed.command(&command).await;
    }
    assert!(
        eventually(WAIT, || ed.denied().len() == 4).await,
        "{:?}",
        ed.denied()
    );
    assert!(
        ed.denied()
            .iter()
            .all(|d| d.starts_with("not-facilitator: Only the board's facilitator"))
    );
    ed.command(&Command::Hello { key: "eve".into() }).await;

    // The facilitator does; everyone sees it.
    fac.command(&Command::TimerSet { ms: 600_000 }).await;
    fac.command(&Command::TimerStart).await;
    fac.command(&Command::Lock {
        ids: vec!["n1".into()],
    })
    .await;
    fac.command(&Command::VoteOpen {
        scope: None,
        per_person: 2,
        on: Vec::new(),
    })
    .await;
    for c in [&fac, &ed, &view] {
        assert!(
            eventually(WAIT, || c.facilitation().is_some_and(|s| s
                .timer
                .as_ref()
                .is_some_and(|t| t.running())
                && s.locked.contains("n1")
                && s.vote.as_ref().is_some_and(|v| v.open)))
            .await,
            "{:?}",
            c.facilitation()
        );
    }
    // Ballots: the editor votes, the viewer cannot; nobody sees on what.
    ed.command(&Command::Vote {
        voter: "eve".into(),
        id: "n1".into(),
    })
    .await;
    view.command(&Command::Vote {
        voter: "vic".into(),
        id: "n2".into(),
    })
    .await;
    assert!(eventually(WAIT, || !view.denied().is_empty()).await);
    assert!(
        eventually(WAIT, || fac
            .facilitation()
            .and_then(|s| s.vote)
            .is_some_and(|v| v.cast == 1 && v.voters == 1))
        .await
    );
    assert!(eventually(WAIT, || ed.facilitation().is_some_and(|s| s.mine == ["n1"])).await);
    assert!(
        fac.facilitation().unwrap().mine.is_empty(),
        "not the facilitator's ballot"
    );
    assert!(fac.facilitation().unwrap().vote.unwrap().results.is_empty());
    // A reaction from anyone who writes reaches everyone.
    ed.command(&Command::React {
        emoji: "🎉".into(),
        name: "Eve".into(),
    })
    .await;
    assert!(
        eventually(WAIT, || view
            .reactions()
            .iter()
            .any(|r| r.emoji == "🎉" && r.name == "Eve"))
        .await
    );
    // A command that does not read is refused, the connection stays.
    ed.send_raw(yrs::updates::encoder::Encode::encode_v1(
        &yrs::sync::Message::Custom(atelier_shared::facilitation::COMMAND, b"{not json".to_vec()),
    ))
    .await;
    assert!(
        eventually(WAIT, || ed
            .denied()
            .iter()
            .any(|d| d.contains("unreadable")))
        .await
    );
    assert!(ed.is_open());
    // Closing: the ranking for everyone.
    fac.command(&Command::VoteClose).await;
    assert!(
        eventually(WAIT, || view
            .facilitation()
            .and_then(|s| s.vote)
            .is_some_and(|v| !v.open && v.results == [("n1".to_owned(), 1)]))
        .await
    );
    // After a restart, the state is still there.
    drop((fac, ed, view));
    let (dir, addr) = (server.data_dir.clone(), server.addr);
    server.stop().await;
    let server = TestServer::start_at(&dir, addr, Config::default()).await;
    let back = YClient::connect(&server.ws(&id)).await.unwrap();
    back.command(&Command::Hello {
        key: "fatou".into(),
    })
    .await;
    assert!(
        eventually(WAIT, || back.facilitation().is_some_and(|s| s
            .locked
            .contains("n1")
            && s.timer.is_some()
            && s.vote.as_ref().is_some_and(|v| v.results.len() == 1)))
        .await,
        "{:?}",
        back.facilitation()
    );
    server.stop().await;
}

/// A facilitated session in three browsers (facilitator, editor, viewer):
/// the timer counts down for everyone and says when time is up; follow me
/// moves the others' view; a locked note does not move; a dot vote from
/// open to results; reactions float over every board.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitated_session_in_three_browsers() {
    use atelier_tests::browser::{Browser, with_browsers};
    let server = server().await;
    let (id, _, bot) = server.board_with_bot("Facilitated").await;
    bot.command(&atelier_shared::facilitation::Command::Hello { key: "bot".into() })
        .await;
    for (i, text) in ["Slow refunds", "No call back", "Clear app"]
        .into_iter()
        .enumerate()
    {
        let mut note = atelier_shared::Element::new(
            format!("n{i}"),
            atelier_shared::Kind::Note,
            200.0 * i as f64,
            0.0,
        );
        note.text = text.into();
        bot.add(&note).await;
    }
    with_browsers(server, &["en-US"; 3], async |server, browsers| {
        let [fac, ed, view] = browsers else {
            unreachable!()
        };
        atelier_tests::browser::join_trio(server, &id, (fac, ed, view)).await?;
        // Only the facilitator has the controls.
        fac.wait_for("[data-fac='timer-set']").await?;
        for b in [&ed, &view] {
            anyhow::ensure!(
                b.eval("return !document.querySelector('[data-fac]');").await? == true,
                "controls shown to a participant"
            );
        }

        // Timer: 1 minute, started, seen counting down by all.
        fac.eval(
            "const s = document.querySelector(\"[data-fac='timer-set']\"); s.value = '1';
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        )
        .await?;
        fac.click_css("[data-fac='timer-toggle']").await?;
        for b in [&fac, &ed, &view] {
            b.until(
                "the timer runs",
                "const t = document.querySelector('.timer.running'); return !!t && /^\\d+:\\d\\d$/.test(t.textContent.trim());",
            )
            .await?;
        }
        fac.click_css("[data-fac='timer-toggle']").await?; // pause
        fac.wait_for(".timer:not(.running)").await?;
        // The end of a countdown (a 2-second one, from the facilitator's
        // bot): everyone is told.
        use atelier_shared::facilitation::Command;
        bot.command(&Command::TimerSet { ms: 2_000 }).await;
        bot.command(&Command::TimerStart).await;
        for b in [&fac, &ed, &view] {
            b.until(
                "time is up",
                "const t = document.querySelector('.timer.done'); return !!t && t.textContent.includes(\"Time's up\");",
            )
            .await?;
        }
        ed.screenshot("facilitation-time-up").await?;
        // The facilitator's controls again: clear, a minute, start.
        fac.click_css("[data-fac='timer-clear']").await?;
        // The presets come back once the server has the timer cleared.
        fac.wait_for("[data-fac='timer-set']").await?;
        fac.eval(
            "const s = document.querySelector(\"[data-fac='timer-set']\"); s.value = '1';
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        )
        .await?;
        fac.click_css("[data-fac='timer-toggle']").await?;
        ed.wait_for(".timer.running").await?;
        fac.screenshot("facilitation-timer").await?;

        // Follow me: the others' view moves where the facilitator looks.
        fac.click_css("[data-fac='follow']").await?;
        for b in [&ed, &view] {
            b.wait_for(".banner.follow").await?;
        }
        let camera = |b: &Browser| {
            let b = b.client.clone();
            async move {
                let v = b
                    .execute("return document.querySelector('.world').style.transform;", vec![])
                    .await?;
                Ok::<_, anyhow::Error>(v.as_str().unwrap_or_default().to_owned())
            }
        };
        fac.drag_with(1, (700.0, 400.0), (400.0, 250.0)).await?; // middle-button pan
        let moved = camera(fac).await?;
        // The same view, to the pixel (the view travels in whole units).
        let numbers = |t: &str| -> Vec<f64> {
            t.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter_map(|n| n.parse().ok())
                .collect()
        };
        let mut followed = false;
        for _ in 0..50 {
            let (a, b) = (numbers(&camera(ed).await?), numbers(&moved));
            if a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1.0) {
                followed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::ensure!(followed, "the editor's view did not follow: {} vs {moved}", camera(ed).await?);
        // The viewer stops following: the view stays where it is.
        view.click_css("[data-fac='follow-toggle']").await?;
        view.wait_for(".banner.follow.paused").await?;
        fac.click_css("[data-fac='follow']").await?;
        ed.until("the banner goes", "return !document.querySelector('.banner.follow');")
            .await?;

        // Lock: the facilitator locks a note; the editor cannot move it.
        fac.type_text("!").await?;
        ed.type_text("!").await?;
        fac.wait_for("[data-id='n0']").await?;
        let (x, y) = fac.center_of("[data-id='n0']").await?;
        fac.click_at(x, y).await?;
        fac.click_css("[data-action='lock']").await?;
        ed.wait_for("[data-id='n0'].locked").await?;
        let before = bot.element("n0").map(|e| (e.x, e.y));
        let (x, y) = ed.center_of("[data-id='n0']").await?;
        ed.drag((x, y), (x + 150.0, y + 120.0)).await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        anyhow::ensure!(bot.element("n0").map(|e| (e.x, e.y)) == before, "a locked note moved");
        // It says so: why it did not move; selected, no handles, nothing
        // that would change it, a "Locked" label.
        ed.until(
            "the refusal says why",
            "const t = document.querySelector('.toast'); return !!t && t.textContent.startsWith('Locked by the facilitator');",
        )
        .await?;
        ed.until(
            "a locked selection offers nothing that changes it",
            "return !!document.querySelector('.context-bar [data-locked]')
                && !document.querySelector('.selection-box .handle')
                && !document.querySelector('.context-bar .danger')
                && !document.querySelector('.context-bar .swatch');",
        )
        .await?;
        ed.screenshot("locked-selection").await?;
        ed.type_text("\u{e00c}").await?;
        fac.type_text("\u{e00c}").await?;

        // A dot vote: open, two votes from Eve, closed: results for all.
        fac.click_css("[data-fac='vote-open']").await?;
        ed.wait_for(".banner.vote[data-votes-left='3']").await?;
        view.wait_for(".banner.vote").await?;
        anyhow::ensure!(
            view.eval("return !document.querySelector('[data-vote]');").await? == true,
            "a viewer can vote"
        );
        ed.click_css("[data-vote='n1']").await?;
        ed.wait_for(".banner.vote[data-votes-left='2']").await?;
        ed.click_css("[data-vote='n1']").await?;
        ed.wait_for(".banner.vote[data-votes-left='1']").await?;
        ed.click_css("[data-vote='n2']").await?;
        ed.wait_for(".banner.vote[data-votes-left='0']").await?;
        // One more: the server refuses, and says why in her words.
        ed.click_css("[data-vote='n2']").await?;
        ed.until(
            "no votes left, said",
            "const t = document.querySelector('.toast'); return !!t && t.textContent === 'You have no votes left: take one back first';",
        )
        .await?;
        fac.click_css("[data-vote='n2']").await?;
        // Nobody sees others' ballots: the facilitator sees counts only.
        fac.until(
            "two voters, four votes",
            "return /· 4$/.test(document.querySelector(\"[data-fac='vote-close']\").textContent.trim());",
        )
        .await?;
        anyhow::ensure!(
            fac.eval("return document.querySelectorAll('.el-votes').length;").await? == 0,
            "counts shown before the close"
        );
        fac.click_css("[data-fac='vote-close']").await?;
        for b in [&fac, &ed, &view] {
            b.until(
                "the results",
                "const r = document.querySelector('.vote-results .result'); return !!r && r.dataset.result === 'n1' && r.textContent.includes('No call back')
                    && document.querySelector(\"[data-id='n1'] .el-votes\").textContent === '● 2';",
            )
            .await?;
        }
        fac.screenshot("facilitation-vote").await?;

        // Reactions: Eve's applause floats over everyone's board, drawn
        // (a desktop without an emoji font shows it too).
        anyhow::ensure!(
            ed.eval("const b = document.querySelector('.reaction-bar');
                return b.textContent.trim() === '' && b.querySelectorAll('button svg.reaction-icon').length === 6;")
                .await?
                == true,
            "the reaction buttons are not drawn"
        );
        ed.click_css("[data-react='🎉']").await?;
        for b in [&fac, &view] {
            b.until(
                "the reaction",
                "return [...document.querySelectorAll('.reaction')].some(r => !!r.querySelector('svg.reaction-icon') && r.textContent.trim() === 'Eve');",
            )
            .await?;
        }
        anyhow::ensure!(
            view.eval("return !document.querySelector('.reaction-bar');").await? == true,
            "a viewer can react"
        );
        anyhow::ensure!(
            bot.facilitation().is_some_and(|s| s.locked.contains("n0")),
            "the lock"
        );
        Ok(())
    })
    .await;
}

/// Comments in two browsers: Ann comments on a note (Enter posts,
/// Shift+Enter breaks the line), Ben sees the count, opens the thread and
/// replies, Ann resolves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_with_replies_and_resolve() {
    use atelier_tests::browser::with_browsers;
    let server = server().await;
    let (id, _, bot) = server.board_with_bot("Comments").await;
    let mut note = atelier_shared::Element::new("n1", atelier_shared::Kind::Note, 0.0, 0.0);
    note.text = "Refunds take weeks".into();
    bot.add(&note).await;
    // (The root map is got before the transaction: getting it inside one
    // would wait for that transaction forever.)
    let comments = atelier_shared::comments::Comments::new(&bot.doc);
    let threads = || comments.all(&yrs::Transact::transact(&bot.doc));
    with_browsers(server, &["en-US", "en-US"], async |server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&server.board_url_as(&id, Role::Editor), "Ann").await?;
        ben.join(&server.board_url_as(&id, Role::Editor), "Ben").await?;
        let (x, y) = ann.center_of("[data-id='n1']").await?;
        ann.click_at(x, y).await?;
        ann.click_css("[data-action='comment']").await?;
        let field = ann.wait_for(".comment-new").await?;
        // Shift+Enter breaks the line, Enter posts (as in Miro).
        field
            .send_keys("Is this from C03?\u{e008}\u{e007}\u{e000}Or C04?\u{e007}")
            .await?;
        anyhow::ensure!(
            eventually(WAIT, || threads().len() == 1).await,
            "{:?}",
            threads()
        );
        anyhow::ensure!(
            threads()[0].text == "Is this from C03?\nOr C04?",
            "posted: {:?}",
            threads()
        );
        ann.until("the field is empty again", "return document.querySelector('.comment-new').value === '';")
            .await?;
        // Ben sees one open thread on the note, opens it, replies.
        ben.wait_for("[data-id='n1'] .el-comments").await?;
        ben.click_css("[data-id='n1'] .el-comments").await?;
        let reply = ben.wait_for(".thread .reply-text").await?;
        reply.send_keys("Yes, interview E03").await?;
        ben.type_text("\u{e007}").await?; // Enter
        anyhow::ensure!(
            eventually(WAIT, || threads().first().is_some_and(|t| t.replies.len() == 1
                && t.replies[0].author == "Ben"))
            .await,
            "{:?}",
            threads()
        );
        ann.until(
            "Ann sees the reply",
            "return [...document.querySelectorAll('.thread .comment-text')].some(c => c.textContent === 'Yes, interview E03');",
        )
        .await?;
        ann.screenshot("comments").await?;
        // Resolved: no count on the note any more.
        ann.click_css("[data-resolve]").await?;
        anyhow::ensure!(
            eventually(WAIT, || threads().first().is_some_and(|t| t.resolved)).await,
            "not resolved"
        );
        ben.until(
            "the count goes",
            "return !document.querySelector(\"[data-id='n1'] .el-comments\");",
        )
        .await?;
        Ok(())
    })
    .await;
}
