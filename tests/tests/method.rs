//! The guided method and the board's history, on the server: private
//! notes reach nobody until revealed (and survive a restart), a workshop
//! script's phases set timer, privacy, vote and locks and each keeps a
//! version, versions are listed, compared, pictured and restored.

use std::time::Duration;

use atelier_server::{Config, Role};
use atelier_shared::facilitation::Command;
use atelier_shared::{Board, Element, Kind, history};
use atelier_tests::browser::with_browsers;
use atelier_tests::{TestServer, YClient, eventually};
use serde_json::Value;
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

const WAIT: Duration = Duration::from_secs(5);

/// Connects to `board` with `role`'s link and says hello as `voter`.
async fn join(server: &TestServer, board: &str, role: Role, voter: &str) -> YClient {
    let mut c = YClient::connect(&server.ws_as(board, role)).await.unwrap();
    c.synced().await;
    c.command(&Command::Hello { key: voter.into() }).await;
    assert!(eventually(WAIT, || c.facilitation().is_some()).await);
    c
}

/// A document of one's own holding one note: what a browser sends as its
/// private notes (its whole state).
fn private_note(doc: &Doc, id: &str, text: &str) -> Vec<u8> {
    let board = Board::new(doc);
    board
        .elements()
        .insert(&mut doc.transact_mut(), &note(id, 0.0, text));
    doc.transact()
        .encode_state_as_update_v1(&StateVector::default())
}

fn note(id: &str, x: f64, text: &str) -> Element {
    let mut note = Element::new(id, Kind::Note, x, 0.0);
    note.text = text.into();
    note
}

/// The note ids in the board's JSON export (what is stored).
async fn stored_note_ids(server: &TestServer, board: &str) -> Vec<String> {
    let token = server.token(board, Role::Viewer);
    let (status, body) = server
        .request_with(
            &token,
            "GET",
            &format!("/api/boards/{board}/export/board.json"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    json["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .filter_map(|n| n["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_notes_reach_nobody_until_the_facilitator_reveals_them() {
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Pool").await;
    let fac = join(&server, &id, Role::Facilitator, "fatou").await;
    let ann = join(&server, &id, Role::Editor, "ann").await;
    let ben = join(&server, &id, Role::Editor, "ben").await;
    let view = join(&server, &id, Role::Viewer, "vic").await;

    // Only the facilitator turns private mode on.
    ben.command(&Command::PrivateOn).await;
    assert!(eventually(WAIT, || !ben.denied().is_empty()).await);
    fac.command(&Command::PrivateOn).await;
    assert!(eventually(WAIT, || ann.facilitation().is_some_and(|s| s.private)).await);

    let ann_doc = Doc::new();
    ann.send_private(private_note(&ann_doc, "ann-1", "Claims take weeks"))
        .await;
    assert!(eventually(WAIT, || fac.facilitation().is_some_and(|s| s.pooled == 1)).await);
    // Nobody else has it, nor does the stored board.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for c in [&fac, &ben, &view] {
        assert!(c.element("ann-1").is_none());
    }
    assert!(ann.element("ann-1").is_none(), "not in the board document");
    assert!(
        !stored_note_ids(&server, &id)
            .await
            .contains(&"ann-1".to_owned())
    );
    // A viewer has no private notes to pool.
    view.send_private(private_note(&Doc::new(), "vic-1", "sneaky"))
        .await;
    assert!(eventually(WAIT, || !view.denied().is_empty()).await);
    assert_eq!(fac.facilitation().unwrap().pooled, 1);
    // Garbage closes only that socket.
    let mut rogue = join(&server, &id, Role::Editor, "rogue").await;
    rogue.send_private(vec![1, 2, 3, 255, 255]).await;
    assert!(rogue.ended(WAIT).await.is_some());

    // Ann's second tab gets her notes back (and nobody else's).
    let ann2 = join(&server, &id, Role::Editor, "ann").await;
    assert!(eventually(WAIT, || !ann2.privates().is_empty()).await);
    let back = Doc::new();
    for update in ann2.privates() {
        back.transact_mut()
            .apply_update(Update::decode_v1(&update).unwrap())
            .unwrap();
    }
    let elements = Board::new(&back).elements().all(&back.transact());
    assert_eq!(elements.len(), 1);
    assert_eq!(elements[0].text, "Claims take weeks");
    assert!(ben.privates().is_empty());

    // They survive a restart of the server.
    drop((fac, ann, ann2, ben, view));
    let (dir, addr) = (server.data_dir.clone(), server.addr);
    server.stop().await;
    let server = TestServer::start_at(&dir, addr, Config::default()).await;
    let fac = join(&server, &id, Role::Facilitator, "fatou").await;
    let ben = join(&server, &id, Role::Editor, "ben").await;
    assert_eq!(fac.facilitation().unwrap().pooled, 1);
    assert!(fac.facilitation().unwrap().private);

    // Revealed: on everyone's board, stored, and nothing pooled any more.
    fac.command(&Command::Reveal).await;
    assert!(
        eventually(WAIT, || ben
            .element("ann-1")
            .is_some_and(|e| e.text == "Claims take weeks"))
        .await
    );
    assert!(
        eventually(WAIT, || fac
            .facilitation()
            .is_some_and(|s| !s.private && s.pooled == 0))
        .await
    );
    assert!(
        stored_note_ids(&server, &id)
            .await
            .contains(&"ann-1".to_owned())
    );

    // Notes written privately by someone offline at the reveal go straight
    // onto the board when they come back.
    let late = join(&server, &id, Role::Editor, "lou").await;
    late.send_private(private_note(&Doc::new(), "lou-1", "Found it late"))
        .await;
    assert!(eventually(WAIT, || ben.element("lou-1").is_some()).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workshop_script_steps_through_phases_and_keeps_a_version_of_each() {
    let server = TestServer::start(Config::default()).await;
    let (status, body) = server.get("/api/scripts").await;
    assert_eq!(status, 200);
    let scripts: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(scripts[0]["id"], "co-construction");
    assert_eq!(scripts[0]["phases"].as_array().unwrap().len(), 6);

    let id = server.new_board("Guided").await;
    let fac = join(&server, &id, Role::Facilitator, "fatou").await;
    let ann = join(&server, &id, Role::Editor, "ann").await;
    let phase = |index| Command::Phase {
        script: "co-construction".into(),
        index,
    };
    ann.command(&phase(0)).await;
    assert!(eventually(WAIT, || !ann.denied().is_empty()).await);
    fac.command(&Command::Phase {
        script: "no-such-script".into(),
        index: 0,
    })
    .await;
    assert!(
        eventually(WAIT, || fac
            .denied()
            .iter()
            .any(|d| d.starts_with("unknown-script: ")))
        .await
    );

    // 1. Pool privately, 10 minutes.
    fac.command(&phase(0)).await;
    assert!(
        eventually(WAIT, || ann
            .facilitation()
            .is_some_and(|s| s.phase.is_some()))
        .await
    );
    let s = ann.facilitation().unwrap();
    assert!(s.private);
    let timer = s.timer.unwrap();
    assert!(timer.running() && timer.total_ms == 600_000);
    assert_eq!(s.phase.as_ref().unwrap().name.en, "Pool notes privately");
    ann.send_private(private_note(
        &Doc::new(),
        "p1",
        "I never know where my claim is",
    ))
    .await;
    assert!(eventually(WAIT, || fac.facilitation().is_some_and(|s| s.pooled == 1)).await);
    assert!(fac.element("p1").is_none());

    // 2. Reveal and cluster: the private notes are on the board.
    fac.command(&phase(1)).await;
    assert!(eventually(WAIT, || fac.element("p1").is_some()).await);
    fac.put_note("n2", "The app is slow").await;
    // The participants cluster the notes into a frame.
    fac.add(&Element::new("f1", Kind::Frame, -40.0, -40.0))
        .await;
    // 3. Vote: 3 dots each on the clusters, the notes locked.
    fac.command(&phase(2)).await;
    assert!(
        eventually(WAIT, || ann
            .facilitation()
            .is_some_and(|s| s.vote.is_some()))
        .await
    );
    let s = ann.facilitation().unwrap();
    assert_eq!(
        s.vote.as_ref().map(|v| (v.open, v.per_person)),
        Some((true, 3))
    );
    assert!(s.locked.contains("p1") && s.locked.contains("n2"));
    assert_eq!(
        s.vote.as_ref().map(|v| v.on.clone()),
        Some(vec!["frame".to_owned()])
    );
    // A note is not a cluster: refused, and said why.
    ann.command(&Command::Vote {
        voter: String::new(),
        id: "p1".into(),
    })
    .await;
    assert!(
        eventually(WAIT, || ann
            .denied()
            .iter()
            .any(|d| d.starts_with("vote-not-in-scope: ")))
        .await
    );
    ann.command(&Command::Vote {
        voter: String::new(),
        id: "f1".into(),
    })
    .await;
    assert!(
        eventually(WAIT, || fac
            .facilitation()
            .is_some_and(|s| s.vote.as_ref().is_some_and(|v| v.cast == 1)))
        .await
    );
    // 4. An empathy map per cluster: the vote's results stay, the notes
    // are unlocked.
    fac.command(&phase(3)).await;
    assert!(
        eventually(WAIT, || ann
            .facilitation()
            .is_some_and(|s| s.phase.as_ref().is_some_and(|p| p.index == 3)))
        .await
    );
    let s = ann.facilitation().unwrap();
    assert_eq!(s.vote.unwrap().results, [("f1".to_owned(), 1)]);
    assert!(s.locked.is_empty());
    assert_eq!(s.phase.unwrap().template.as_deref(), Some("empathy-map"));

    // Each phase kept a version of the board, named after it.
    let token = server.token(&id, Role::Viewer);
    let (_, body) = server
        .request_with(&token, "GET", &format!("/api/boards/{id}/versions"), None)
        .await;
    let versions: Vec<history::Version> = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = versions
        .iter()
        .map(|v| history::version_name(&v.name, atelier_shared::Lang::En))
        .collect();
    let french: Vec<&str> = versions
        .iter()
        .map(|v| history::version_name(&v.name, atelier_shared::Lang::Fr))
        .collect();
    assert_eq!(french[0], "Étape 4 · Une carte d'empathie par groupe");
    assert_eq!(
        names,
        [
            "Phase 4 · Empathy map per cluster",
            "Phase 3 · Vote",
            "Phase 2 · Reveal and cluster",
            "Phase 1 · Pool notes privately"
        ]
    );
    assert!(versions.iter().all(|v| v.auto));
    // The version of phase 2 holds the revealed note; phase 1's does not.
    let changes = server
        .request_with(
            &token,
            "GET",
            &format!(
                "/api/boards/{id}/versions/{}/changes?to={}",
                versions[3].id, versions[2].id
            ),
            None,
        )
        .await;
    let changes: history::Changes = serde_json::from_str(&changes.1).unwrap();
    assert_eq!(changes.added, ["p1"]);

    fac.command(&Command::PhaseEnd).await;
    assert!(
        eventually(WAIT, || ann
            .facilitation()
            .is_some_and(|s| s.phase.is_none()))
        .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_are_saved_compared_pictured_and_restored_as_a_new_change() {
    let server = TestServer::start(Config::default()).await;
    let (id, _, bot) = server.board_with_bot("History").await;
    let other = server.new_board("Other").await;
    bot.add(&note("a", 0.0, "Claims take weeks")).await;
    bot.add(&note("b", 200.0, "Call centre closes at 6")).await;
    let path = format!("/api/boards/{id}/versions");
    let editor = server.token(&id, Role::Editor);
    let viewer = server.token(&id, Role::Viewer);

    // Saving: editors, with a name; viewers and other boards' links cannot.
    let (status, _) = server
        .request_with(&viewer, "POST", &path, Some(r#"{"name":"Mine"}"#))
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .request_with(
            &server.token(&other, Role::Editor),
            "POST",
            &path,
            Some(r#"{"name":"x"}"#),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = server
        .request_with(&editor, "POST", &path, Some(r#"{"name":"  "}"#))
        .await;
    assert_eq!(status, 400, "{body}");
    // (The bot's notes are stored by now: the version holds them.)
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, body) = server
        .request_with(
            &editor,
            "POST",
            &path,
            Some(r#"{"name":"Before the review"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let v1: history::Version = serde_json::from_str(&body).unwrap();
    assert!(!v1.auto);

    // Later: a edited, b deleted, c added.
    let map = bot.elements();
    bot.edit(|txn| {
        atelier_shared::Elements::new(map.clone()).edit_text(txn, "a", "Claims take months");
        yrs::Map::remove(&map, txn, "b");
    })
    .await;
    bot.add(&note("c", 400.0, "The agent was kind")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (status, body) = server
        .request_with(&viewer, "GET", &format!("{path}/{}/changes", v1.id), None)
        .await;
    assert_eq!(status, 200, "{body}");
    let changes: history::Changes = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (changes.added.as_slice(), changes.removed.as_slice()),
        (&["c".to_owned()][..], &["b".to_owned()][..])
    );
    assert_eq!(changes.edited, ["a"]);

    // The version as a picture, read-only.
    let (status, svg) = server
        .request_with(&viewer, "GET", &format!("{path}/{}/board.svg", v1.id), None)
        .await;
    assert_eq!(status, 200);
    assert!(
        svg.contains("<svg") && svg.contains("Claims") && svg.contains("centre"),
        "{svg}"
    );
    assert!(!svg.contains("agent"));
    for missing in ["999", "x", "-1"] {
        let (status, _) = server
            .request_with(&viewer, "GET", &format!("{path}/{missing}/board.svg"), None)
            .await;
        assert_eq!(status, 404);
    }
    let (status, _) = server
        .request_with(
            &viewer,
            "GET",
            &format!("/api/boards/{other}/versions/{}/board.svg", v1.id),
            None,
        )
        .await;
    assert_eq!(
        status, 403,
        "another board's version with this board's link"
    );

    // Restored by a client as one new change: the board is as it was, and
    // the later state is itself kept as a version first (nothing lost).
    let (status, _) = server
        .request_with(
            &editor,
            "POST",
            &path,
            Some(r#"{"name":"Before restoring"}"#),
        )
        .await;
    assert_eq!(status, 201);
    let bytes = server
        .request_bytes(&viewer, "GET", &format!("{path}/{}/elements", v1.id), None)
        .await;
    let version = atelier_shared::clip::from_update(&bytes).unwrap();
    let current = Board::new(&bot.doc).elements().all(&bot.doc.transact());
    let before = bot.doc.transact().state_vector();
    let elements = atelier_shared::Elements::new(bot.elements());
    bot.edit(|txn| {
        history::restore(txn, &elements, &current, &version);
    })
    .await;
    assert_ne!(bot.doc.transact().state_vector(), before);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, body) = server
        .request_with(&viewer, "GET", &format!("{path}/{}/changes", v1.id), None)
        .await;
    let changes: history::Changes = serde_json::from_str(&body).unwrap();
    assert!(changes.is_empty(), "{changes:?}");
    let (_, body) = server.request_with(&viewer, "GET", &path, None).await;
    let versions: Vec<history::Version> = serde_json::from_str(&body).unwrap();
    assert_eq!(versions.len(), 2);
    let (_, body) = server
        .request_with(
            &viewer,
            "GET",
            &format!("{path}/{}/changes", versions[0].id),
            None,
        )
        .await;
    let undone: history::Changes = serde_json::from_str(&body).unwrap();
    assert_eq!(undone.added, ["b"], "the later state stays reachable");

    // Saving by hand stops at 200 versions a board, with a clear refusal.
    for i in versions.len()..200 {
        let body = format!(r#"{{"name":"v{i}"}}"#);
        let (status, _) = server
            .request_with(&editor, "POST", &path, Some(&body))
            .await;
        assert_eq!(status, 201);
    }
    let (status, body) = server
        .request_with(&editor, "POST", &path, Some(r#"{"name":"one more"}"#))
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("200 saved versions"), "{body}");
}

/// The texts of the notes a browser draws, and whether each is private.
async fn drawn_notes(b: &atelier_tests::browser::Browser) -> anyhow::Result<Vec<(String, bool)>> {
    let v = b
        .eval(
            "return [...document.querySelectorAll('.el-note')].map(n =>
               [n.textContent.trim(), n.classList.contains('private')]);",
        )
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p[0].as_str()?.to_owned(), p[1].as_bool()?)))
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guided_method_private_notes_and_a_restore_in_three_browsers() {
    use anyhow::ensure;
    let server = TestServer::start(Config::default()).await;
    let (id, _, bot) = server.board_with_bot("Guided workshop").await;
    bot.add(&note("n0", 0.0, "Claims take weeks")).await;
    // Eve reads French: what the server names, she reads in French.
    with_browsers(server, &["en-US", "fr-FR", "en-US"], async |server, browsers| {
        let [fac, ed, view] = browsers else {
            unreachable!()
        };
        atelier_tests::browser::join_trio(server, &id, (fac, ed, view)).await?;

        // The facilitator runs the co-construction method: phase 1 is
        // private, 10 minutes, for everyone.
        fac.until(
            "the scripts are offered",
            "return !!document.querySelector(\"[data-fac='script'] option[value='co-construction']\");",
        )
        .await?;
        fac.eval(
            "const s = document.querySelector(\"[data-fac='script']\"); s.value = 'co-construction';
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        )
        .await?;
        for b in [&fac, &ed, &view] {
            b.wait_for(".phase-banner[data-phase='0']").await?;
            b.wait_for(".private-banner").await?;
            b.wait_for(".timer.running").await?;
        }

        // Eve writes a note: only she sees it, marked private.
        ed.type_text("n").await?;
        ed.click_at(700.0, 420.0).await?;
        ed.editor_ready().await?;
        ed.type_text("Nobody calls me back").await?;
        ed.type_text("\u{e00c}").await?; // Escape
        ed.until(
            "her note is private",
            "return [...document.querySelectorAll('.el-note.private')].some(n => n.textContent.includes('Nobody calls me back'));",
        )
        .await?;
        // Undone and redone like any change.
        ed.click_at(1000.0, 560.0).await?; // (leaves the note)
        ed.ctrl('z').await?;
        ed.until(
            "the private note is undone",
            "return ![...document.querySelectorAll('.el-note')].some(n => n.textContent.includes('Nobody calls me back'));",
        )
        .await?;
        ed.chord(&[fantoccini::key::Key::Control, fantoccini::key::Key::Shift], 'z')
            .await?;
        ed.until(
            "the private note is redone",
            "return [...document.querySelectorAll('.el-note.private')].some(n => n.textContent.includes('Nobody calls me back'));",
        )
        .await?;
        fac.until("one participant pooled notes", "return document.querySelector(\"[data-fac='reveal']\")?.textContent.includes('1');").await?;
        ed.screenshot("method-private-note").await?;
        for b in [&fac, &view] {
            ensure!(
                !drawn_notes(b).await?.iter().any(|(t, _)| t.contains("Nobody")),
                "another browser sees a private note"
            );
        }
        ensure!(
            !bot.all_elements().iter().any(|e| e.text.contains("Nobody")),
            "a private note reached the board"
        );
        // A reload brings it back from the server, still private.
        ed.open(&server.board_url_as(&id, Role::Editor)).await?;
        ed.until(
            "the private note is back",
            "return [...document.querySelectorAll('.el-note.private')].some(n => n.textContent.includes('Nobody calls me back'));",
        )
        .await?;
        fac.screenshot("method-phase-1").await?;

        // Next phase: revealed to everyone, no longer private.
        fac.click_css("[data-fac='phase-next']").await?;
        for b in [&fac, &ed, &view] {
            b.wait_for(".phase-banner[data-phase='1']").await?;
            b.until(
                "the note is revealed",
                "return [...document.querySelectorAll('.el-note')].some(n => n.textContent.includes('Nobody calls me back') && !n.classList.contains('private'));",
            )
            .await?;
        }
        ensure!(
            eventually(WAIT, || bot.all_elements().iter().any(|e| e.text == "Nobody calls me back")).await,
            "the revealed note is on the board"
        );
        ensure!(
            view.eval("return !document.querySelector('.private-banner');").await? == true,
            "private mode still shown"
        );

        // The versions the server kept are named in each reader's language.
        ed.click_css("[data-action='history']").await?;
        ed.wait_for(".version[data-version='Étape 2 · Révéler et regrouper']").await?;
        ed.wait_for(".version[data-version='Étape 1 · Déposer ses notes en privé']").await?;
        ed.type_text("\u{e00c}").await?; // Escape
        ed.until("the history closes", "return !document.querySelector('.history-panel');").await?;

        // History: each phase kept a version; what changed since phase 1.
        fac.click_css("[data-action='history']").await?;
        fac.wait_for(".version[data-version='Phase 2 · Reveal and cluster']").await?;
        fac.click_css(".version[data-version='Phase 1 · Pool notes privately'] [data-history='since']").await?;
        fac.wait_for(".history-changes[data-changes='1 0 0 0']").await?;
        fac.wait_for(".el-note.source").await?; // the added note is highlighted
        // The compare names what changed; a click shows it on the board.
        fac.until(
            "the added note is named",
            "const i = document.querySelector(\".history-changed li[data-how='added']\");
             return !!i && i.textContent === 'AddedNote · Nobody calls me back';",
        )
        .await?;
        fac.click_css(".history-changed li[data-how='added'] .change-what").await?;
        fac.until(
            "the note is selected",
            "return [...document.querySelectorAll('.el-note.selected')].some(n => n.textContent.includes('Nobody calls me back'));",
        )
        .await?;
        fac.screenshot("method-history").await?;
        // The version as a picture, read-only.
        fac.click_css(".version[data-version='Phase 1 · Pool notes privately'] [data-history='view']").await?;
        fac.until(
            "the picture is drawn",
            "const i = document.querySelector('.version-view img'); return !!i && i.complete && i.naturalWidth > 0;",
        )
        .await?;
        // Large, and zoomable.
        fac.click_css("[data-zoom='in']").await?;
        fac.click_css("[data-zoom='in']").await?;
        fac.until(
            "zoomed in",
            "const i = document.querySelector('.version-view img'); const p = document.querySelector('.version-pane');
             return /^\\d+ %$/.test(document.querySelector(\"[data-zoom='fit']\").textContent) && i.style.width !== '' && !p.classList.contains('fitted');",
        )
        .await?;
        fac.screenshot("version-zoomed").await?;
        fac.click_css("[data-zoom='fit']").await?;
        fac.wait_for(".version-pane.fitted").await?;
        fac.click_css("[data-history='unview']").await?;

        // Eve deletes the revealed note; the facilitator restores phase 2:
        // it is back for everyone, as a new change (undoable).
        let revealed = bot
            .all_elements()
            .into_iter()
            .find(|e| e.text == "Nobody calls me back")
            .map(|e| e.id)
            .unwrap_or_default();
        let gone = {
            let shown = ed.center_of(&format!(".el[data-id='{revealed}']")).await?;
            ed.click_at(shown.0, shown.1).await?;
            ed.type_text("\u{e017}").await?; // Delete
            eventually(WAIT, || bot.element(&revealed).is_none()).await
        };
        ensure!(gone, "the note was not deleted");
        // Restoring asks first, in the page (no native dialog): Esc says no.
        fac.click_css(".version[data-version='Phase 2 · Reveal and cluster'] [data-history='restore']").await?;
        fac.wait_for(".confirm-dialog").await?;
        fac.screenshot("method-restore-confirm").await?;
        fac.type_text("\u{e00c}").await?; // Escape
        fac.until("the question goes", "return !document.querySelector('.confirm-dialog');").await?;
        ensure!(
            bot.element(&revealed).is_none(),
            "a restore declined restored the note"
        );
        ensure!(
            fac.eval("return !!document.querySelector('.history-panel');").await? == true,
            "Esc on the question closed the history panel too"
        );
        fac.click_css(".version[data-version='Phase 2 · Reveal and cluster'] [data-history='restore']").await?;
        fac.click_css(".confirm-dialog [data-confirm='yes']").await?;
        ensure!(
            eventually(Duration::from_secs(10), || bot.element(&revealed).is_some()).await,
            "the restore did not bring the note back"
        );
        view.until(
            "the viewer sees it back",
            &format!("return !!document.querySelector(\".el[data-id='{revealed}']\");"),
        )
        .await?;
        // Nothing was lost: the board before the restore is a version too.
        fac.wait_for(".version[data-version^='Before restoring']").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_elements_stay_as_they_are_whatever_a_client_sends() {
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Locks").await;
    let fac = join(&server, &id, Role::Facilitator, "fatou").await;
    let ed = join(&server, &id, Role::Editor, "eve").await;
    fac.add(&note("n1", 0.0, "Claims take weeks")).await;
    fac.add(&note("n2", 200.0, "Call centre")).await;
    assert!(eventually(WAIT, || ed.element("n2").is_some()).await);
    fac.command(&Command::Lock {
        ids: vec!["n1".into()],
    })
    .await;
    assert!(
        eventually(WAIT, || ed
            .facilitation()
            .is_some_and(|s| s.locked.contains("n1")))
        .await
    );

    // A plain Yjs client with an editor's link edits, moves and deletes the
    // locked note: each change is undone, for everyone and for itself.
    let elements = atelier_shared::Elements::new(ed.elements());
    let map = ed.elements();
    ed.edit(|txn| elements.edit_text(txn, "n1", "Claims take months"))
        .await;
    ed.edit(|txn| elements.set_number(txn, "n1", "x", 999.0))
        .await;
    ed.edit(|txn| {
        yrs::Map::remove(&map, txn, "n1");
    })
    .await;
    assert!(eventually(WAIT, || ed.denied().iter().any(|d| d.contains("locked"))).await);
    let original = |c: &YClient| {
        c.element("n1")
            .is_some_and(|e| e.text == "Claims take weeks" && e.x == 0.0)
    };
    assert!(
        eventually(WAIT, || original(&ed)).await,
        "{:?}",
        ed.element("n1")
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(original(&fac), "{:?}", fac.element("n1"));
    let stored = server
        .request_with(
            &server.token(&id, Role::Viewer),
            "GET",
            &format!("/api/boards/{id}/export/board.json"),
            None,
        )
        .await
        .1;
    assert!(stored.contains("Claims take weeks") && !stored.contains("months"));

    // The unlocked note is edited as usual, and the facilitator edits the
    // locked one.
    ed.edit(|txn| elements.edit_text(txn, "n2", "Call centre closes at 6"))
        .await;
    assert!(
        eventually(WAIT, || fac
            .element("n2")
            .is_some_and(|e| e.text == "Call centre closes at 6"))
        .await
    );
    let fac_elements = atelier_shared::Elements::new(fac.elements());
    fac.edit(|txn| fac_elements.edit_text(txn, "n1", "Claims take 3 weeks"))
        .await;
    assert!(
        eventually(WAIT, || ed
            .element("n1")
            .is_some_and(|e| e.text == "Claims take 3 weeks"))
        .await
    );
    // Unlocked, anyone edits it again.
    fac.command(&Command::Unlock {
        ids: vec!["n1".into()],
    })
    .await;
    assert!(
        eventually(WAIT, || ed
            .facilitation()
            .is_some_and(|s| s.locked.is_empty()))
        .await
    );
    ed.edit(|txn| elements.set_number(txn, "n1", "x", 48.0))
        .await;
    assert!(eventually(WAIT, || fac.element("n1").is_some_and(|e| e.x == 48.0)).await);
}

/// The shipped interview notes (the repository's copy of the samples).
fn sample(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/tests/data")
        .join(name)
        .canonicalize()
        .expect("sample file")
}

/// Moves element `id` into frame `into`, at `(dx, dy)` from its corner.
async fn move_into(bot: &YClient, id: &str, into: &Element, (dx, dy): (f64, f64)) {
    let mut e = bot.element(id).expect("element");
    e.parent = Some(into.id.clone());
    e.x = into.x + dx;
    e.y = into.y + dy;
    bot.add(&e).await;
}

/// The whole co-construction workshop as the method runs it, with two
/// participants (the facilitator reads English, the editor French) on
/// the shipped interview notes: the framing canvas and the interview
/// guide, the notes imported, notes pooled privately then revealed, the
/// clusters voted on, an empathy map per cluster, the personas drafted
/// from them, the primary persona's journey; then the printable report
/// holds every step. (The bot is the rest of the team: it draws the
/// clusters, sorts notes and writes the cards; what a browser does is
/// tested on its own elsewhere.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_workshop_from_framing_to_the_report() {
    use anyhow::ensure;
    const LONG: Duration = Duration::from_secs(10);
    let server = TestServer::start(Config::default()).await;
    let (id, url, bot) = server.board_with_bot("Sinistre auto").await;
    // The bot follows the facilitation too (the vote's count).
    bot.command(&Command::Hello { key: "bot".into() }).await;
    with_browsers(server, &["en-US", "fr-FR"], async |server, browsers| {
        let [ann, ben] = browsers else {
            unreachable!()
        };
        ann.join(&url, "Ann").await?;
        ben.join(&server.board_url_as(&id, Role::Editor), "Ben").await?;
        let zone = |key: &str| bot.all_elements().into_iter().find(|e| e.zone == key);

        // 1. Framing: the canvas and the interview guide, from the toolbar.
        for template in ["framing", "interview-guide"] {
            ann.click_css("[data-action='templates']").await?;
            ann.click_css(&format!("[data-template='{template}']")).await?;
            ensure!(
                eventually(LONG, || zone(template).is_some()).await,
                "no {template}"
            );
        }
        let problem = zone("framing/problem").expect("the problem zone");
        let mut said = Element::new("problem-note", Kind::Note, problem.x + 20.0, problem.y + 60.0);
        said.text = "Claims take three weeks to settle".into();
        said.parent = Some(problem.id.clone());
        bot.add(&said).await;

        // 2. The interview notes, imported from the shipped CSV.
        ann.click_css("[data-action='import']").await?;
        let field = ann.wait_for(".import-file").await?;
        field.send_keys(sample("interview-notes.csv").to_str().unwrap_or_default()).await?;
        ann.until(
            "the preview counts the notes",
            "const s = document.querySelector('.import-summary'); return !!s && s.textContent.startsWith('30 notes');",
        )
        .await?;
        ann.click_css(".import-confirm").await?;
        let imported = || {
            bot.all_elements()
                .into_iter()
                .filter(|e| e.kind == Kind::Note && !e.source.interviewee.is_empty())
                .collect::<Vec<_>>()
        };
        ensure!(eventually(LONG, || imported().len() == 30).await, "{} imported", imported().len());

        // The interview tracker: Claire listened, was coached, then went
        // alone (suggested by the order); Ann says E09 was coached too,
        // and Ben sees it. A click highlights the notes an interview gave.
        for b in [&ann, &ben] {
            b.type_text("\u{e00c}").await?;
            b.click_css("[data-action='notes']").await?;
        }
        ann.until(
            "Claire's interviews in order",
            "const rows = [...document.querySelectorAll('.tracker li')].slice(0, 3);
             return rows.map(r => r.querySelector('button').textContent + '/' + r.querySelector('select').value
                 + (r.querySelector('select').classList.contains('suggested') ? '?' : '')).join('|')
                 === 'E01 · C01 · 3 notes/listened?|E02 · C02 · 3 notes/coached?|E09 · C09 · 2 notes/alone?';",
        )
        .await?;
        ann.eval(
            "const s = document.querySelector(\"[data-interview-mode='E09']\"); s.value = 'coached';
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        )
        .await?;
        ben.until(
            "Ben sees E09 said coached",
            "const s = document.querySelector(\"[data-interview-mode='E09']\");
             return !!s && s.value === 'coached' && !s.classList.contains('suggested');",
        )
        .await?;
        ann.click_css(".tracker li[data-interview='E01'] button").await?;
        ann.until(
            "E01's notes highlighted",
            "const m = document.querySelector('.panel-match'); return !!m && m.textContent.startsWith('3 of 30 notes match');",
        )
        .await?;
        ann.screenshot("workshop-tracker").await?;
        ann.click_css(".panel-match button").await?;
        for b in [&ann, &ben] {
            b.click_css("[data-action='notes']").await?;
            b.until("the panel closes", "return !document.querySelector('.notes-panel');").await?;
        }

        // 3. The script: notes pooled privately first.
        ann.eval(
            "const s = document.querySelector(\"[data-fac='script']\"); s.value = 'co-construction';
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        )
        .await?;
        ben.until(
            "Ben reads the phase in French",
            "const b = document.querySelector(\".phase-banner[data-phase='0'] strong\");
             return !!b && b.textContent === 'Déposer ses notes en privé';",
        )
        .await?;
        ben.type_text("\u{e00c}").await?;
        ben.type_text("n").await?;
        ben.click_at(700.0, 420.0).await?;
        ben.editor_ready().await?;
        ben.type_text("Personne ne me rappelle").await?;
        ben.type_text("\u{e00c}").await?;
        ben.until(
            "his note is private",
            "return [...document.querySelectorAll('.el-note.private')].some(n => n.textContent.includes('Personne ne me rappelle'));",
        )
        .await?;
        ensure!(
            !bot.all_elements().iter().any(|e| e.text.contains("Personne ne me rappelle")),
            "a private note reached the board"
        );

        // 4. Revealed, then clustered.
        ann.click_css("[data-fac='phase-next']").await?;
        ben.wait_for(".phase-banner[data-phase='1']").await?;
        ensure!(
            eventually(LONG, || bot.all_elements().iter().any(|e| e.text == "Personne ne me rappelle")).await,
            "the pooled note was not revealed"
        );
        let mut clusters = Vec::new();
        for (i, name) in ["Waiting without news", "Paperwork"].into_iter().enumerate() {
            let mut frame = Element::new(format!("cluster-{i}"), Kind::Frame, -2400.0 + i as f64 * 1000.0, 0.0);
            frame.text = name.into();
            frame.w = 900.0;
            frame.h = 700.0;
            bot.add(&frame).await;
            clusters.push(frame);
        }
        let notes = imported();
        for (n, note) in notes.iter().take(6).enumerate() {
            let at = (40.0 + (n % 3) as f64 * 280.0, 80.0 + (n / 3) as f64 * 280.0);
            move_into(&bot, &note.id, &clusters[n % 2], at).await;
        }

        // 5. The clusters voted on: three dots each.
        ann.click_css("[data-fac='phase-next']").await?;
        for b in [&ann, &ben] {
            b.wait_for(".phase-banner[data-phase='2']").await?;
            b.type_text("!").await?; // the whole board: every cluster in view
        }
        for (b, on) in [(&ann, ["cluster-0", "cluster-0", "cluster-1"]), (&ben, ["cluster-0", "cluster-0", "cluster-0"])] {
            for cluster in on {
                b.click_css(&format!(".el-frame[data-frame='{cluster}'] [data-vote]")).await?;
            }
        }
        ensure!(
            eventually(LONG, || bot.facilitation().and_then(|s| s.vote).is_some_and(|v| v.cast == 6)).await,
            "the votes were not cast: {:?}",
            bot.facilitation().and_then(|s| s.vote)
        );

        // 6. An empathy map per cluster (the vote closes with its results).
        ann.click_css("[data-fac='phase-next']").await?;
        ann.click_css(".phase-banner[data-phase='3'] [data-template='empathy-map']").await?;
        ensure!(eventually(LONG, || zone("empathy-map/feels").is_some()).await, "no empathy map");
        let (feels, pains) = (zone("empathy-map/feels").unwrap(), zone("empathy-map/pains").unwrap());
        move_into(&bot, &notes[0].id, &feels, (20.0, 60.0)).await;
        move_into(&bot, &notes[2].id, &pains, (20.0, 60.0)).await;

        // 7. The personas drafted from the maps; Julie is the primary one.
        ann.click_css("[data-fac='phase-next']").await?;
        ann.click_css(".phase-banner[data-phase='4'] [data-template='personas']").await?;
        let personas = || {
            bot.all_elements()
                .into_iter()
                .filter(|e| e.kind == Kind::Persona)
                .collect::<Vec<_>>()
        };
        ensure!(eventually(LONG, || personas().len() == 3).await, "no persona cards");
        let mut julie = personas().into_iter().min_by(|a, b| a.x.total_cmp(&b.x)).unwrap();
        let p = julie.persona.as_mut().unwrap();
        p.name = "Julie".into();
        p.primary = true;
        p.segment = notes[0].source.segment.clone();
        p.sections[9].1.push(atelier_shared::persona::Line {
            id: "irritant".into(),
            text: "Nobody tells her where her claim is".into(),
            cites: vec![notes[0].id.clone(), notes[2].id.clone()],
        });
        bot.add(&julie).await;

        // 8. The primary persona's journey, with a moment of truth.
        ann.click_css("[data-fac='phase-next']").await?;
        ann.click_css(".phase-banner[data-phase='5'] [data-template='journey-map']").await?;
        let journey = || bot.all_elements().into_iter().find(|e| e.kind == Kind::Journey);
        ensure!(eventually(LONG, || journey().is_some()).await, "no journey map");
        let mut map = journey().unwrap();
        let j = map.journey.as_mut().unwrap();
        let (stage, lane) = (j.stages[1].id.clone(), atelier_shared::journey::OCCASIONS.0);
        j.cells.insert(format!("{lane}:{stage}"), "Declares the claim".into());
        j.mots.insert(format!("{lane}:{stage}"), "Trust in the insurer".into());
        bot.add(&map).await;
        ann.screenshot("workshop-journey").await?;

        // 9. The report holds every step, in the method's order.
        ann.open_report().await?;
        let report = ann.eval("return document.querySelector('main').innerText;").await?;
        let report = report.as_str().unwrap_or_default().to_owned();
        let at = |s: &str| report.find(s);
        for (before, after) in [
            ("Interviews", "Framing canvas"),
            ("Personas", "Customer journey map"),
            ("Customer journey map", "Vote ranking"),
            ("Vote ranking", "Framing canvas"),
            ("Framing canvas", "Interview guide"),
            ("Interview guide", "Empathy map"),
        ] {
            ensure!(
                at(before).is_some() && at(before) < at(after),
                "{before} not before {after}: {report}"
            );
        }
        for said in [
            "Julie",
            "Nobody tells her where her claim is",
            "Trust in the insurer",
            "Waiting without news — 5 votes\nPaperwork — 1 vote",
            "Claims take three weeks to settle",
            "E09 — C09 — Coached, debriefed — 2 notes",
            notes[0].text.as_str(),
        ] {
            ensure!(report.contains(said), "the report lacks {said:?}: {report}");
        }
        ensure!(
            ann.eval("return document.querySelectorAll('figure svg').length;").await? == 2,
            "the persona card and the journey map are not drawn"
        );
        ann.screenshot("workshop-report").await?;
        Ok(())
    })
    .await;
}
