//! The HTTP surface: JSON API, web app routes, health and metrics.

use std::time::Duration;

use atelier_server::{Config, Role, Secret};
use atelier_tests::{TestServer, YClient, eventually};
use serde_json::Value;

const ADMIN: &str = "admin-token-for-tests";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_are_created_listed_read_and_renamed_live() {
    let server = TestServer::start(Config {
        admin_token: Some(Secret(ADMIN.into())),
        ..Config::default()
    })
    .await;
    let (status, body) = server
        .request(
            "POST",
            "/api/boards",
            Some(r#"{"title":"Parcours sinistre","template":"empathy-map","lang":"fr"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["title"], "Parcours sinistre");
    // Whoever creates a board is its facilitator.
    assert_eq!(created["role"], "facilitator");
    let token = created["token"].as_str().unwrap().to_owned();

    // The title and template are in the document itself.
    let mut client = YClient::connect(&server.ws(&id)).await.unwrap();
    client.synced().await;
    let meta = |c: &YClient| {
        let s: Value = serde_json::from_str(&c.snapshot()).unwrap();
        s["meta"].clone()
    };
    assert_eq!(meta(&client)["title"], "Parcours sinistre");
    assert_eq!(meta(&client)["template"], "empathy-map");
    assert_eq!(meta(&client)["lang"], "fr");
    // The template's frames, in French: zones that take in notes.
    let zones: Vec<(String, String)> = client
        .all_elements()
        .into_iter()
        .filter(|e| e.kind == atelier_shared::Kind::Frame)
        .map(|e| (e.zone, e.text))
        .collect();
    assert!(
        zones.contains(&("empathy-map/says".into(), "Dit".into())),
        "{zones:?}"
    );
    assert!(zones.contains(&("empathy-map".into(), "Carte d'empathie".into())));

    // Only the instance admin lists the boards.
    let (status, body) = server.get("/api/boards").await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = server
        .request_with(&token, "GET", "/api/boards", None)
        .await;
    assert_eq!(status, 403);
    let (status, body) = server.request_with(ADMIN, "GET", "/api/boards", None).await;
    assert_eq!(status, 200);
    let list: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());

    // Renaming reaches connected clients live.
    let (status, body) = server
        .request_with(
            &token,
            "PATCH",
            &format!("/api/boards/{id}"),
            Some(r#"{"title":"Parcours cible"}"#),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        eventually(Duration::from_secs(5), || meta(&client)["title"]
            == "Parcours cible")
        .await
    );
    let viewer = server.token(&id, Role::Viewer);
    let (_, body) = server.get(&format!("/api/boards/{id}?t={viewer}")).await;
    let read: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(read["title"], "Parcours cible");
    assert_eq!(read["role"], "viewer");
    assert!(read.get("token").is_none(), "{read}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_errors() {
    let server = TestServer::start(Config::default()).await;
    let cases: [(&str, &str, Option<&str>, u16); 10] = [
        ("GET", "/api/boards/a.b", None, 400),
        ("GET", "/api/boards/nope", None, 401),
        ("PATCH", "/api/boards/nope", Some(r#"{"title":"x"}"#), 401),
        ("POST", "/api/boards", Some("not json"), 400),
        (
            "POST",
            "/api/boards",
            Some(r#"{"title":"x","template":"../../etc"}"#),
            400,
        ),
        (
            "POST",
            "/api/boards",
            Some(r#"{"title":"x","owner":"me"}"#),
            422,
        ),
        (
            "POST",
            "/api/boards",
            Some(r#"{"title":"x","template":"mind-map"}"#),
            400,
        ),
        (
            "POST",
            "/api/boards",
            Some(r#"{"title":"x","template":"kano","lang":"de"}"#),
            400,
        ),
        ("GET", "/b/bad.id", None, 400),
        ("GET", "/pkg/../Cargo.toml", None, 404),
    ];
    for (method, path, body, expected) in cases {
        let (status, text) = server.request(method, path, body).await;
        assert_eq!(status, expected, "{method} {path}: {text}");
    }
    // With a link to a board that does not exist: 404.
    let nope = server.token("nope", Role::Facilitator);
    for (method, body) in [("GET", None), ("PATCH", Some(r#"{"title":"x"}"#))] {
        let (status, text) = server
            .request_with(&nope, method, "/api/boards/nope", body)
            .await;
        assert_eq!(status, 404, "{method}: {text}");
    }
    let long = format!(r#"{{"title":"{}"}}"#, "t".repeat(201));
    let (status, body) = server.request("POST", "/api/boards", Some(&long)).await;
    assert_eq!(status, 400);
    assert!(body.contains("at most 200"), "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_health_and_metrics_are_served() {
    let server = TestServer::start(Config::default()).await;
    let (status, body) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<html"), "{body}");
    let (status, _) = server.get("/b/some-board").await;
    assert_eq!(status, 200);
    assert_eq!(server.get("/healthz").await, (200, "ok".into()));
    let (status, metrics) = server.get("/metrics").await;
    assert_eq!(status, 200);
    for name in [
        "atelier_connections ",
        "atelier_rooms_loaded ",
        "atelier_updates_total ",
        "atelier_sync_requests_deferred_total ",
        "atelier_bytes_received_total ",
        "atelier_store_latency_seconds_count ",
    ] {
        assert!(metrics.contains(name), "{name} missing");
    }
    server.stop().await;
}

/// Exports from the JSON API: the personas as Markdown, personas and notes
/// as JSON, the notes as CSV, named after the board; nothing for a board
/// or a file that does not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_export_as_markdown_json_and_csv() {
    let server = TestServer::start(Config::default()).await;
    let (status, body) = server
        .request(
            "POST",
            "/api/boards",
            Some(r#"{"title":"Sinistre auto","template":"empathy-map"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A viewer's link is enough to export.
    let t = server.token(&id, Role::Viewer);
    let client = YClient::connect(&server.ws(&id)).await.unwrap();
    let mut client = client;
    client.synced().await;
    let says = client
        .all_elements()
        .into_iter()
        .find(|e| e.zone == "empathy-map/says")
        .unwrap();
    let mut note = atelier_shared::Element::new("n1", atelier_shared::Kind::Note, 100.0, 300.0);
    note.text = "Where is my file?".into();
    note.parent = Some(says.id.clone());
    note.source.interviewee = "C01".into();
    note.source.origin = Some(atelier_shared::Origin::Verbatim);
    client.add(&note).await;
    client.add(&julie("n1")).await;
    // What a client has seen is stored before anyone else gets it: the
    // export reads it once the client's changes are confirmed saved.
    let mut reader = YClient::connect(&server.ws(&id)).await.unwrap();
    reader.synced().await;
    assert!(
        eventually(Duration::from_secs(5), || reader.all_elements().len()
            == client.all_elements().len())
        .await
    );

    let (status, md) = server
        .get(&format!("/api/boards/{id}/export/personas.md?t={t}"))
        .await;
    assert_eq!(status, 200, "{md}");
    assert!(md.contains("### Julie"), "{md}");
    assert!(
        md.contains("- Wants to follow her claim _(1 note: C01)_"),
        "{md}"
    );
    assert!(
        md.contains("### Says\n\n- « Where is my file? » (C01)"),
        "{md}"
    );
    let (status, json) = server
        .get(&format!("/api/boards/{id}/export/board.json?t={t}"))
        .await;
    assert_eq!(status, 200);
    let back = atelier_shared::export::from_json(&json, None).unwrap();
    assert_eq!(back.len(), 2, "{json}");
    // The server reads an export back for the browser: elements with fresh
    // ids, as a yrs update; only for a link that writes; garbage is a 400.
    let path = format!("/api/boards/{id}/import/json");
    let editor = server.token(&id, Role::Editor);
    let (status, _) = server.request_with(&t, "POST", &path, Some(&json)).await;
    assert_eq!(status, 403, "a viewer");
    let (status, body) = server
        .request_with(&editor, "POST", &path, Some("{\"nope\": 1}"))
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("not an Atelier export"), "{body}");
    let bytes = server
        .request_bytes(&editor, "POST", &path, Some(&json))
        .await;
    let read = atelier_shared::clip::from_update(&bytes).expect("an update");
    assert_eq!(read.len(), 2);
    assert!(
        read.iter().all(|e| e.id != "n1" && e.id != "p1"),
        "fresh ids"
    );
    let persona = read.iter().find_map(|e| e.persona.as_ref()).unwrap();
    let note = read
        .iter()
        .find(|e| e.kind == atelier_shared::Kind::Note)
        .unwrap();
    assert_eq!(
        persona.lines("motivational")[0].cites,
        std::slice::from_ref(&note.id)
    );
    let (status, csv) = server
        .get(&format!("/api/boards/{id}/export/notes.csv?t={t}"))
        .await;
    assert_eq!(status, 200);
    // UTF-8 with a byte order mark (Excel reads it so), the separator of
    // the board's language (English: a comma) or the one asked for.
    assert!(
        csv.starts_with("\u{feff}interviewer,interviewee,segment,interview,kind,text,tags,zone"),
        "{csv}"
    );
    let (_, semicolons) = server
        .get(&format!(
            "/api/boards/{id}/export/notes.csv?sep=semicolon&t={t}"
        ))
        .await;
    assert!(
        semicolons.starts_with("\u{feff}interviewer;interviewee;segment;"),
        "{semicolons}"
    );
    assert!(
        csv.contains("C01,,,verbatim,Where is my file?,,Says"),
        "{csv}"
    );
    let head = server
        .raw_head(&format!("/api/boards/{id}/export/notes.csv?t={t}"))
        .await;
    assert!(head.contains("content-type: text/csv"), "{head}");
    assert!(
        head.contains("filename=\"sinistre-auto-notes.csv\""),
        "{head}"
    );
    assert_eq!(
        server
            .get(&format!("/api/boards/{id}/export/secrets.txt?t={t}"))
            .await
            .0,
        404
    );
    // Without a link, or with another board's: refused.
    assert_eq!(
        server
            .get(&format!("/api/boards/{id}/export/personas.md"))
            .await
            .0,
        401
    );
    let nope = server.token("nope", Role::Viewer);
    assert_eq!(
        server
            .get(&format!("/api/boards/{id}/export/personas.md?t={nope}"))
            .await
            .0,
        403
    );
    assert_eq!(
        server
            .get(&format!("/api/boards/nope/export/personas.md?t={nope}"))
            .await
            .0,
        404
    );
    server.stop().await;
}

/// Whether `needle` is anywhere in the files of `dir` (the database and
/// its write-ahead log).
fn on_disk(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|f| {
        std::fs::read(f.path())
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

/// Erasing an interviewee (their verbatims are personal data): a
/// facilitator sees what it takes first (their notes, the citations of
/// them, the versions holding them), then erases it. Nothing of what they
/// said is left: not on the participants' boards, not in a version, not
/// in an export, not in the database's files; the other interviewees'
/// notes and the persona stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interviewee_is_erased_from_the_board_its_versions_and_the_disk() {
    const SAID: &str = "Durand-from-rue-des-Lilas";
    const WAIT: Duration = Duration::from_secs(10);
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Erasure").await;
    let fac_token = server.token(&id, Role::Facilitator);
    let mut fac = YClient::connect(&server.ws_as(&id, Role::Facilitator))
        .await
        .unwrap();
    let mut ed = YClient::connect(&server.ws_as(&id, Role::Editor))
        .await
        .unwrap();
    fac.synced().await;
    ed.synced().await;
    for (note, who, text) in [
        ("a", "C01", format!("I am {SAID} and I waited three weeks")),
        ("b", "C02", "Nobody calls back".to_owned()),
    ] {
        let mut e = atelier_shared::Element::new(note, atelier_shared::Kind::Note, 0.0, 0.0);
        e.text = text;
        e.source.interviewee = who.into();
        fac.add(&e).await;
    }
    let mut persona = atelier_shared::Element::new("p", atelier_shared::Kind::Persona, 600.0, 0.0);
    let p = persona.persona.as_mut().unwrap();
    p.name = "Julie".into();
    p.sections[9].1.push(atelier_shared::persona::Line {
        id: "l".into(),
        text: "Left without news".into(),
        cites: vec!["a".into(), "b".into()],
    });
    fac.add(&persona).await;
    assert!(
        eventually(WAIT, || ed.element("p").is_some()
            && ed.element("a").is_some())
        .await
    );
    save_version(&server, &id, &fac_token).await;

    // Editors cannot; a facilitator first sees what it takes.
    let ask = |confirm: bool| format!(r#"{{"interviewee":" C01 ","confirm":{confirm}}}"#);
    let path = format!("/api/boards/{id}/erase");
    let ed_token = server.token(&id, Role::Editor);
    let (status, _) = server
        .request_with(&ed_token, "POST", &path, Some(&ask(true)))
        .await;
    assert_eq!(status, 403);
    let (status, body) = server
        .request_with(&fac_token, "POST", &path, Some(&ask(false)))
        .await;
    assert_eq!(status, 200, "{body}");
    let counted: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        counted,
        serde_json::json!({"notes": 1, "citations": 1, "versions": 1})
    );
    assert!(ed.element("a").is_some(), "counting erases nothing");
    assert!(on_disk(&server.data_dir, SAID), "the check below can fail");

    let (status, body) = server
        .request_with(&fac_token, "POST", &path, Some(&ask(true)))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), counted);

    // Gone for everyone at once; the rest stays.
    assert!(
        eventually(WAIT, || ed.element("a").is_none()
            && fac.element("a").is_none())
        .await
    );
    let line = ed.element("p").unwrap().persona.unwrap().lines("irritants")[0].clone();
    assert_eq!(line.cites, ["b"]);
    assert!(ed.element("b").is_some());
    // In no version, no export, no file.
    let kept = nowhere(&server, &id, &fac_token, SAID).await;
    assert!(kept.contains("Nobody calls back"), "{kept}");
    // A second erasure finds nothing.
    let (_, body) = server
        .request_with(&fac_token, "POST", &path, Some(&ask(false)))
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        serde_json::json!({"notes": 0, "citations": 0, "versions": 0})
    );
    server.stop().await;
}

/// Pseudonyms: whoever imports gets codes for names (the same name, the
/// same code), never the names back; facilitators read them and forget
/// them; erasing a code forgets its name too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pseudonyms_are_kept_apart_for_facilitators() {
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Pseudonyms").await;
    let (fac, ed) = (
        server.token(&id, Role::Facilitator),
        server.token(&id, Role::Editor),
    );
    let path = format!("/api/boards/{id}/pseudonyms");
    let (status, body) = server
        .request_with(
            &ed,
            "POST",
            &path,
            Some(r#"{"names":["Anne Martin"," Karim B. ","Anne Martin"]}"#),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, r#"{"codes":["P01","P02","P01"]}"#);
    let (status, _) = server.request_with(&ed, "GET", &path, None).await;
    assert_eq!(status, 403, "editors do not read the names");
    let (status, _) = server
        .request_with(&ed, "POST", &path, Some(r#"{"names":[""]}"#))
        .await;
    assert_eq!(status, 400);
    let (_, body) = server.request_with(&fac, "GET", &path, None).await;
    assert_eq!(
        body,
        r#"[{"code":"P01","name":"Anne Martin"},{"code":"P02","name":"Karim B."}]"#
    );
    // Erasing P02 forgets who it was.
    let (status, _) = server
        .request_with(
            &fac,
            "POST",
            &format!("/api/boards/{id}/erase"),
            Some(r#"{"interviewee":"P02","confirm":true}"#),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = server.request_with(&fac, "GET", &path, None).await;
    assert_eq!(body, r#"[{"code":"P01","name":"Anne Martin"}]"#);
    let (status, _) = server.request_with(&ed, "DELETE", &path, None).await;
    assert_eq!(status, 403);
    let (status, _) = server.request_with(&fac, "DELETE", &path, None).await;
    assert_eq!(status, 204);
    let (_, body) = server.request_with(&fac, "GET", &path, None).await;
    assert_eq!(body, "[]");
    assert!(
        !on_disk(&server.data_dir, "Anne Martin"),
        "forgotten on disk too"
    );
    server.stop().await;
}

/// The printable report: the Markdown report as a page, each persona card
/// drawn under its heading, the vote's ranking; what people wrote is
/// escaped, and the page may run no script. The Markdown download ranks
/// the vote too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printable_report_draws_the_cards_and_ranks_the_vote() {
    use atelier_shared::facilitation::Command;
    let server = TestServer::start(Config::default()).await;
    let id = server
        .new_board_from("Sinistre auto", "empathy-map", "en")
        .await;
    let mut fac = YClient::connect(&server.ws(&id)).await.unwrap();
    fac.synced().await;
    fac.command(&Command::Hello {
        key: "fatou".into(),
    })
    .await;
    for (n, text) in [
        ("n1", "<script>alert(1)</script>"),
        ("n2", "Nobody calls back"),
    ] {
        let mut note = atelier_shared::Element::new(n, atelier_shared::Kind::Note, 100.0, 300.0);
        note.text = text.into();
        note.source.interviewee = "C01".into();
        fac.add(&note).await;
    }
    fac.add(&julie("n2")).await;
    // The current journey and its target.
    for (id, variant, x) in [("now", "current", 0.0), ("next", "target", 1200.0)] {
        let mut map = atelier_shared::Element::new(id, atelier_shared::Kind::Journey, x, 900.0);
        let mut stage = 0;
        let mut journey =
            atelier_shared::journey::Journey::new(atelier_shared::Lang::En, variant, || {
                stage += 1;
                format!("s{stage}")
            });
        let lane = journey.lanes[0].id.clone();
        let text = if variant == "target" {
            "Claims online"
        } else {
            "Calls the hotline"
        };
        journey.cells.insert(format!("{lane}:s1"), text.into());
        map.journey = Some(Box::new(journey));
        fac.add(&map).await;
    }
    fac.command(&Command::VoteOpen {
        scope: None,
        per_person: 3,
        on: Vec::new(),
    })
    .await;
    for n in ["n2", "n2", "n1"] {
        fac.command(&Command::Vote {
            voter: "fatou".into(),
            id: n.into(),
        })
        .await;
    }
    assert!(
        eventually(Duration::from_secs(5), || fac
            .facilitation()
            .and_then(|s| s.vote)
            .is_some_and(|v| v.cast == 3))
        .await
    );
    fac.command(&Command::VoteClose).await;
    assert!(
        eventually(Duration::from_secs(5), || fac
            .facilitation()
            .and_then(|s| s.vote)
            .is_some_and(|v| !v.open))
        .await
    );
    let t = server.token(&id, Role::Viewer);
    let path = format!("/api/boards/{id}/report.html?t={t}");
    // The ranking is stored with the board's state at the end of a batch.
    let mut page = String::new();
    for _ in 0..50 {
        let (status, body) = server.get(&path).await;
        assert_eq!(status, 200, "{body}");
        page = body;
        if page.contains("Vote ranking") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(page.starts_with("<!doctype html>"), "{page}");
    assert!(
        page.contains("<h3>Julie</h3>\n<figure class=\"persona\"><svg"),
        "{page}"
    );
    assert!(page.contains("Wants to follow her claim"), "{page}");
    // The current and target journeys side by side, above what changes.
    let pair = page
        .find("<div class=\"pair\"><figure class=\"journey\"><svg")
        .expect("the journeys side by side");
    let changes = page[pair..].find("Calls the hotline → Claims online");
    assert!(changes.is_some(), "{page}");
    let both = page[pair..].split("</div>").next().unwrap_or_default();
    assert_eq!(both.matches("<svg").count(), 2);
    // The rewritten cell outlined in each map, and said so.
    assert_eq!(both.matches("<rect class=\"changed\"").count(), 2, "{both}");
    assert!(page.contains("Outlined in blue in both maps"), "{page}");
    assert!(
        page.contains("<li>Nobody calls back (C01) — <strong>2 votes</strong></li>"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; (C01) — <strong>1 vote</strong>"),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    let head = server.raw_head(&path).await;
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    assert!(head.contains("referrer-policy: no-referrer"), "{head}");
    let (_, md) = server
        .get(&format!("/api/boards/{id}/export/personas.md?t={t}"))
        .await;
    assert!(
        md.contains("## Vote ranking\n\n1. Nobody calls back (C01) — **2 votes**\n"),
        "{md}"
    );
    assert!(!md.contains("<!--figure"), "{md}");
    // Without a link to the board: nothing.
    let (status, _) = server.get(&format!("/api/boards/{id}/report.html")).await;
    assert_eq!(status, 401);
    server.stop().await;
}

/// The privacy page: who is behind the codes, for facilitators only,
/// escaped; its button forgets every name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_page_shows_facilitators_the_names_and_forgets_them() {
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Pseudonyms").await;
    let (fac, ed) = (
        server.token(&id, Role::Facilitator),
        server.token(&id, Role::Editor),
    );
    let (status, _) = server
        .request_with(
            &ed,
            "POST",
            &format!("/api/boards/{id}/pseudonyms"),
            Some(r#"{"names":["Anne <b>Martin</b>"]}"#),
        )
        .await;
    assert_eq!(status, 200);
    let path = format!("/api/boards/{id}/privacy?lang=fr");
    let (status, _) = server.request_with(&ed, "GET", &path, None).await;
    assert_eq!(status, 403, "editors do not read the names");
    let (status, page) = server.request_with(&fac, "GET", &path, None).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<html lang=\"fr\">"), "{page}");
    assert!(
        page.contains("<tr><td>P01</td><td>Anne &lt;b&gt;Martin&lt;/b&gt;</td></tr>"),
        "{page}"
    );
    assert!(page.contains("<form method=\"post\">"), "{page}");
    let (status, _) = server.request_with(&ed, "POST", &path, None).await;
    assert_eq!(status, 403);
    let (status, page) = server.request_with(&fac, "POST", &path, None).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Les noms sont oubliés."), "{page}");
    assert!(!page.contains("Anne"), "{page}");
    assert!(!on_disk(&server.data_dir, "Anne"), "forgotten on disk too");
    server.stop().await;
}

/// Persona Julie, one line of hers ("Wants to follow her claim") citing
/// note `cites`.
fn julie(cites: &str) -> atelier_shared::Element {
    let mut persona =
        atelier_shared::Element::new("p1", atelier_shared::Kind::Persona, 2000.0, 0.0);
    let p = persona.persona.as_mut().unwrap();
    p.name = "Julie".into();
    p.sections[4].1.push(atelier_shared::persona::Line {
        id: "l1".into(),
        text: "Wants to follow her claim".into(),
        cites: vec![cites.into()],
    });
    persona
}

/// A span of a note redacted: counted first, then gone from the board (for
/// everyone), its version, every export and the database's files; the
/// note and the rest of its text stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_span_of_a_note_is_redacted_everywhere() {
    const SAID: &str = "06 12 34 56 78";
    const WAIT: Duration = Duration::from_secs(10);
    let server = TestServer::start(Config::default()).await;
    let id = server.new_board("Redaction").await;
    let fac_token = server.token(&id, Role::Facilitator);
    let mut fac = YClient::connect(&server.ws(&id)).await.unwrap();
    let mut ed = YClient::connect(&server.ws_as(&id, Role::Editor))
        .await
        .unwrap();
    fac.synced().await;
    ed.synced().await;
    let mut note = atelier_shared::Element::new("a", atelier_shared::Kind::Note, 0.0, 0.0);
    note.text = format!("Call me at {SAID}, I waited three weeks");
    note.source.interviewee = "C01".into();
    fac.add(&note).await;
    assert!(eventually(WAIT, || ed.element("a").is_some()).await);
    save_version(&server, &id, &fac_token).await;
    let path = format!("/api/boards/{id}/redact");
    let ask = |span: &str, confirm: bool| {
        serde_json::json!({"note": "a", "span": span, "confirm": confirm}).to_string()
    };
    let ed_token = server.token(&id, Role::Editor);
    let (status, _) = server
        .request_with(&ed_token, "POST", &path, Some(&ask(SAID, true)))
        .await;
    assert_eq!(status, 403, "editors cannot");
    for bad in [ask(" ", true), ask(&"x".repeat(2_001), true)] {
        let (status, _) = server
            .request_with(&fac_token, "POST", &path, Some(&bad))
            .await;
        assert_eq!(status, 400);
    }
    let (status, body) = server
        .request_with(&fac_token, "POST", &path, Some(&ask(SAID, false)))
        .await;
    assert_eq!(status, 200, "{body}");
    let counted: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        counted,
        serde_json::json!({"notes": 1, "citations": 0, "versions": 1})
    );
    assert!(on_disk(&server.data_dir, SAID), "the check below can fail");
    let (status, body) = server
        .request_with(&fac_token, "POST", &path, Some(&ask(SAID, true)))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), counted);
    let redacted = "Call me at █████, I waited three weeks";
    assert!(
        eventually(WAIT, || ed.element("a").is_some_and(|a| a.text == redacted)
            && fac.element("a").is_some_and(|a| a.text == redacted))
        .await
    );
    let kept = nowhere(&server, &id, &fac_token, SAID).await;
    assert!(kept.contains(redacted), "{kept}");
    server.stop().await;
}

/// Asserts that `said` is in no version of board `id` (its elements and
/// its picture), no export (the printable report included) and none of
/// the database's files; returns the first version's elements.
async fn nowhere(server: &TestServer, id: &str, token: &str, said: &str) -> String {
    let (_, versions) = server
        .request_with(token, "GET", &format!("/api/boards/{id}/versions"), None)
        .await;
    let versions: Value = serde_json::from_str(&versions).unwrap();
    let v = versions[0]["id"].as_i64().unwrap();
    let mut elements = String::new();
    for path in [
        format!("/api/boards/{id}/versions/{v}/elements"),
        format!("/api/boards/{id}/versions/{v}/board.svg"),
    ] {
        let (status, body) = server.request_with(token, "GET", &path, None).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains(said), "{path}: {body}");
        if elements.is_empty() {
            elements = body;
        }
    }
    for file in [
        "export/personas.md",
        "export/board.json",
        "export/notes.csv",
        "export/board.svg",
        "report.html",
    ] {
        let (status, body) = server
            .get(&format!("/api/boards/{id}/{file}?t={token}"))
            .await;
        assert_eq!(status, 200, "{file}");
        assert!(!body.contains(said), "{file}: {body}");
    }
    assert!(
        !on_disk(&server.data_dir, said),
        "the database's files still hold it"
    );
    elements
}

/// Saves board `id` as it is under the name "Before".
async fn save_version(server: &TestServer, id: &str, token: &str) {
    let (status, _) = server
        .request_with(
            token,
            "POST",
            &format!("/api/boards/{id}/versions"),
            Some(r#"{"name":"Before"}"#),
        )
        .await;
    assert_eq!(status, 201);
}

/// A template the board's toolbar inserts is built by the server (its
/// texts stay out of the web app's first load): the stakeholder map in
/// French, with a stakeholder card of each kind in its zone; an unknown
/// template is a 404, an unknown language English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_built_by_the_server_for_the_toolbar() {
    let server = TestServer::start(Config::default()).await;
    // Anyone may read a template (no token).
    let bytes = server
        .request_bytes(
            "",
            "GET",
            "/api/templates/stakeholder-map/elements?lang=fr",
            None,
        )
        .await;
    let elements = atelier_shared::clip::from_update(&bytes).expect("the clip format");
    let zone = |key: &str| elements.iter().find(|e| e.zone == key).expect(key);
    assert_eq!(zone("stakeholder-map").text, "Carte des parties prenantes");
    assert_eq!(zone("stakeholder-map/refractory").text, "Réfractaire");
    assert_eq!(
        zone("stakeholder-map/final-decision-maker").text,
        "Décideur final"
    );
    for kind in ["decision-maker", "ally", "refractory"] {
        let card = elements
            .iter()
            .find(|e| e.persona.as_ref().is_some_and(|p| p.kind == kind))
            .unwrap_or_else(|| panic!("no {kind} card"));
        let home = zone(&format!("stakeholder-map/{kind}"));
        assert_eq!(card.parent.as_deref(), Some(home.id.as_str()));
        assert!(
            home.rect().contains(&card.rect()),
            "{kind} card outside its zone"
        );
    }
    // Fresh ids each time: the same template twice is two templates.
    let again = server
        .request_bytes(
            "",
            "GET",
            "/api/templates/stakeholder-map/elements?lang=fr",
            None,
        )
        .await;
    let again = atelier_shared::clip::from_update(&again).unwrap();
    assert!(again.iter().all(|e| elements.iter().all(|o| o.id != e.id)));

    let (status, _) = server.get("/api/templates/nonsense/elements").await;
    assert_eq!(status, 404);
    let english = server
        .request_bytes("", "GET", "/api/templates/framing/elements?lang=xx", None)
        .await;
    let english = atelier_shared::clip::from_update(&english).unwrap();
    assert!(english.iter().any(|e| e.text == "Framing canvas"));
}

/// Images are kept with the board: an editor uploads a PNG (once, whatever
/// how often), anyone with a link reads it back with its type, never
/// sniffed; what is not a raster image, too big, or from a viewer is
/// refused with a reason, and nobody reads another board's image.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_are_kept_checked_and_served_with_the_board() {
    // A 1 × 1 PNG.
    const PIXEL: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    let server = TestServer::start(Config::default()).await;
    let board = server.new_board("Pictures").await;
    let other = server.new_board("Another").await;
    let editor = server.token(&board, Role::Editor);
    let path = format!("/api/boards/{board}/images");

    let (status, _, body) = server.send_bytes("POST", &path, PIXEL, Some(&editor)).await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let kept: Value = serde_json::from_slice(&body).unwrap();
    let id = kept["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (kept["width"].as_u64(), kept["height"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(atelier_shared::is_image_id(&id), "{id}");
    // The same picture again: the same id.
    let (status, _, again) = server.send_bytes("POST", &path, PIXEL, Some(&editor)).await;
    assert_eq!(status, 201);
    assert_eq!(
        serde_json::from_slice::<Value>(&again).unwrap()["id"],
        id.as_str()
    );

    // Read back by a viewer's link, as an <img> asks (the token in the
    // address).
    let viewer = server.token(&board, Role::Viewer);
    let (status, head, bytes) = server
        .send_bytes("GET", &format!("{path}/{id}?t={viewer}"), b"", None)
        .await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(bytes, PIXEL);
    assert!(head.contains("content-type: image/png"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert!(head.contains("sandbox"), "{head}");

    // Refused, each with its reason; nothing kept.
    let refusals: [(&[u8], &str, u16, &str); 4] = [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            &editor,
            400,
            "PNG, JPEG, GIF or WebP",
        ),
        (b"", &editor, 400, "empty"),
        (PIXEL, &viewer, 403, ""),
        (&[0x89; 2 * 1024 * 1024 + 1], &editor, 413, ""),
    ];
    for (bytes, token, expected, why) in refusals {
        let (status, head, body) = server.send_bytes("POST", &path, bytes, Some(token)).await;
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, expected, "{head} {body}");
        assert!(body.contains(why), "{body}");
    }
    // No token, another board's link, another board, a made-up id.
    let (status, ..) = server
        .send_bytes("GET", &format!("{path}/{id}"), b"", None)
        .await;
    assert_eq!(status, 401);
    let elsewhere = server.token(&other, Role::Facilitator);
    let (status, ..) = server
        .send_bytes("GET", &format!("{path}/{id}?t={elsewhere}"), b"", None)
        .await;
    assert_eq!(status, 403);
    let (status, ..) = server
        .send_bytes(
            "GET",
            &format!("/api/boards/{other}/images/{id}?t={elsewhere}"),
            b"",
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, ..) = server
        .send_bytes(
            "GET",
            &format!("{path}/..%2F..%2Fetc?t={viewer}"),
            b"",
            None,
        )
        .await;
    assert_eq!(status, 404);

    // The board as a downloaded picture holds its images (it must stand
    // alone, and a PNG is drawn from it).
    let mut client = YClient::connect(&server.ws(&board)).await.unwrap();
    client.synced().await;
    let mut picture = atelier_shared::Element::new("pic", atelier_shared::Kind::Shape, 0.0, 0.0);
    picture.shape = "image".into();
    picture.image = id.clone();
    client.add(&picture).await;
    let (mut svg, mut waited) = (String::new(), 0);
    while !svg.contains("<image") && waited < 50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
        let (_, _, body) = server
            .send_bytes(
                "GET",
                &format!("/api/boards/{board}/export/board.svg?t={viewer}"),
                b"",
                None,
            )
            .await;
        svg = String::from_utf8_lossy(&body).into_owned();
    }
    assert!(
        svg.contains("<image href=\"data:image/png;base64,"),
        "{svg}"
    );

    // A board full of images takes no more, but the same one again, yes
    // (500 images: the same pixel, each with other bytes after its end).
    let full = server.new_board("Full").await;
    let full_editor = server.token(&full, Role::Editor);
    let full_path = format!("/api/boards/{full}/images");
    let variant = |n: u32| [PIXEL, &n.to_be_bytes()].concat();
    for n in 0..500 {
        let (status, _, body) = server
            .send_bytes("POST", &full_path, &variant(n), Some(&full_editor))
            .await;
        assert_eq!(status, 201, "image {n}: {}", String::from_utf8_lossy(&body));
    }
    let (status, _, body) = server
        .send_bytes("POST", &full_path, &variant(500), Some(&full_editor))
        .await;
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("at most 500 images"), "{body}");
    let (status, ..) = server
        .send_bytes("POST", &full_path, &variant(7), Some(&full_editor))
        .await;
    assert_eq!(status, 201);

    // A duplicate of the board keeps its pictures.
    let facilitator = server.token(&board, Role::Facilitator);
    let (status, body) = server
        .request_with(
            &facilitator,
            "POST",
            &format!("/api/boards/{board}/duplicate"),
            Some(r#"{"title":"Pictures, again"}"#),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let copy: Value = serde_json::from_str(&body).unwrap();
    let (copy, token) = (
        copy["id"].as_str().unwrap(),
        copy["token"].as_str().unwrap(),
    );
    let (status, _, bytes) = server
        .send_bytes(
            "GET",
            &format!("/api/boards/{copy}/images/{id}?t={token}"),
            b"",
            None,
        )
        .await;
    assert_eq!((status, bytes.as_slice()), (200, PIXEL));
}
