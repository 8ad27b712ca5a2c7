//! One language per person: a French and an English browser walk every
//! state of the interface (the name prompt, the board, the method's phases,
//! a vote and its refusals, the share dialog, the import dialog, the
//! templates and export menus, the history with the server's versions, the
//! notes panel, the outline, a refused change, a revoked link, the home
//! page) and find no word of the other language outside what people wrote
//! and the board's own template (whose language the board chooses).

use std::time::Duration;

use atelier_server::{Config, Role};
use atelier_shared::facilitation::Command;
use atelier_shared::{Element, Kind};
use atelier_tests::browser::{Browser, with_browsers};
use atelier_tests::{TestServer, YClient};

/// The interface's own words on the page (texts, labels, titles,
/// placeholders), without what people wrote (the board's elements, its
/// title, names, notes in panels) nor the board's template texts; the
/// words of them that belong to `foreign` (`en` or `fr`).
const FOREIGN: &str = r#"
const foreign = arguments[0];
const words = {
  // Words of one language only (none that French and English share:
  // notes, vote, mode, zoom, version, import, export, plan, …).
  en: ['the', 'and', 'your', 'you', 'with', 'this', 'board', 'share', 'close', 'history', 'link', 'links',
       'new', 'add', 'save', 'show', 'search', 'delete', 'rename', 'private', 'timer', 'follow', 'method',
       'step', 'left', 'results', 'undo', 'redo', 'outline', 'interview', 'needs', 'duplicates', 'select',
       'stack', 'copy', 'paste', 'next', 'previous', 'end', 'start', 'remove', 'clear', 'locked', 'only',
       'ask', 'what', 'who', 'saved', 'all', 'are', 'is', 'be', 'of', 'to', 'for', 'from', 'here', 'there'],
  fr: ['le', 'la', 'les', 'des', 'du', 'et', 'vos', 'votre', 'avec', 'ce', 'cette', 'tableau', 'partager',
       'fermer', 'exporter', 'importer', 'historique', 'lien', 'liens', 'nouveau', 'ajouter', 'enregistrer',
       'montrer', 'changements', 'chercher', 'supprimer', 'renommer', 'privé', 'minuteur', 'suivez', 'méthode',
       'étape', 'restants', 'résultats', 'annuler', 'rétablir', 'entretien', 'besoins', 'doublons',
       'sélectionner', 'empiler', 'copier', 'fichier', 'coller', 'suivante', 'précédente', 'terminer',
       'démarrer', 'retirer', 'effacer', 'verrouillé', 'seul', 'demandez', 'enregistrées', 'est', 'sont',
       'pour', 'sur', 'une', 'un', 'ici', 'depuis']
}[foreign];
const people = '.world, .board-title, .board-title-input, .avatar, .cursor, .remote-selection, .result-text, '
  + '.change-what, .board-card-title, .board-rename, .outline-tree, .notes-panel .duplicate-text, '
  + '.notes-panel .panel-match, .import-preview, .import-card, .import-paste, .share-url, .version-name, '
  + '.phase-banner .phase-text, .typing-tag, .comment-body, .export-frame-name, .following-name, .banner.follow strong, '
  + '.template-menu .template-item[data-template], script, style';
const texts = [];
const walk = node => {
  if (node.nodeType === 3) {
    if (!node.parentElement.closest(people)) texts.push(node.textContent);
    return;
  }
  if (node.nodeType !== 1 || node.closest(people)) return;
  for (const a of ['aria-label', 'title', 'placeholder']) {
    const v = node.getAttribute(a);
    if (v) texts.push(v);
  }
  for (const c of node.childNodes) walk(c);
};
walk(document.body);
const found = new Set();
for (const t of texts) {
  for (const w of t.toLowerCase().split(/[^a-zà-ÿœ'’]+/)) {
    if (words.includes(w)) found.add(w + ' (in “' + t.trim().slice(0, 60) + '”)');
  }
}
return [...found];
"#;

/// The other language's words where the page is now, prefixed by `state`.
async fn foreign(
    b: &Browser,
    lang: &str,
    state: &str,
    found: &mut Vec<String>,
) -> anyhow::Result<()> {
    let other = if lang == "fr" { "en" } else { "fr" };
    let words = b
        .client
        .execute(FOREIGN, vec![serde_json::json!(other)])
        .await?;
    for w in words.as_array().into_iter().flatten() {
        found.push(format!(
            "{lang} · {state}: {}",
            w.as_str().unwrap_or_default()
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_reads_the_interface_in_their_own_language() {
    let server = TestServer::start(Config::default()).await;
    let mut boards = Vec::new();
    for lang in ["fr", "en"] {
        let id = server.new_board_from("Atelier", "empathy-map", lang).await;
        let mut bot = YClient::connect(&server.ws(&id)).await.unwrap();
        bot.synced().await;
        bot.command(&Command::Hello { key: "bot".into() }).await;
        let mut note = Element::new("n1", Kind::Note, 2000.0, 0.0);
        note.text = "Délai trop long".into();
        note.source.interviewee = "C01".into();
        bot.add(&note).await;
        boards.push((id, bot));
    }
    with_browsers(server, &["fr-FR", "en-US"], async |server, browsers| {
        let mut found = Vec::new();
        for (b, (id, bot)) in browsers.iter().zip(&boards) {
            let lang = if std::ptr::eq(b, &browsers[0]) { "fr" } else { "en" };
            // The name prompt, then the board.
            b.client.goto(&server.board_url(id)).await?;
            b.wait_for(".prompt").await?;
            foreign(b, lang, "prompt", &mut found).await?;
            b.give_name("Camille").await?;
            foreign(b, lang, "board", &mut found).await?;
            // Menus, dialogs and panels.
            for (open, shown, state) in [
                ("[data-action='share']", ".share-dialog .share-url", "share"),
                ("[data-action='import']", ".import-dialog", "import"),
                ("[data-action='templates']", ".template-menu", "templates"),
                ("[data-action='export']", ".export-menu", "export"),
                ("[data-action='notes']", ".notes-panel", "notes panel"),
                ("[data-action='outline']", ".outline-panel", "outline"),
            ] {
                b.click_css(open).await?;
                b.wait_for(shown).await?;
                foreign(b, lang, state, &mut found).await?;
                b.type_text("\u{e00c}").await?;
                b.until("closed", &format!("return !document.querySelector(\"{shown}\");"))
                    .await?;
            }
            // The method: a phase (private, timer), then the vote phase and
            // a vote refused by the server, said in this person's words.
            b.eval(
                "const s = document.querySelector(\"[data-fac='script']\"); s.value = 'co-construction';
                 s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            )
            .await?;
            b.wait_for(".phase-banner[data-phase='0']").await?;
            foreign(b, lang, "phase 1", &mut found).await?;
            b.click_css("[data-fac='phase-next']").await?;
            b.wait_for(".phase-banner[data-phase='1']").await?;
            b.click_css("[data-fac='phase-next']").await?;
            b.wait_for(".banner.vote").await?;
            foreign(b, lang, "vote", &mut found).await?;
            // Four votes where three are given: the server refuses the
            // fourth, and the page says so in this person's words.
            for _ in 0..4 {
                b.click_css(".el-frame [data-vote]").await?;
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            let refusal = if lang == "fr" {
                "Vous n'avez plus de voix : retirez-en une d'abord"
            } else {
                "You have no votes left: take one back first"
            };
            b.until(
                "the refusal, in this person's words",
                &format!(
                    "const t = document.querySelector('.toast'); return !!t && t.textContent === {};",
                    serde_json::json!(refusal)
                ),
            )
            .await?;
            foreign(b, lang, "refusal", &mut found).await?;
            bot.command(&Command::VoteClose).await;
            b.wait_for(".vote-results").await?;
            foreign(b, lang, "vote results", &mut found).await?;
            // History: the server's versions, named in this reader's words.
            b.click_css("[data-action='history']").await?;
            b.wait_for(".version").await?;
            foreign(b, lang, "history", &mut found).await?;
            b.type_text("\u{e00c}").await?;
            // The end of the method, asked in the page.
            b.click_css("[data-fac='phase-end']").await?;
            b.wait_for(".confirm-dialog").await?;
            foreign(b, lang, "confirmation", &mut found).await?;
            b.click_css(".confirm-dialog [data-confirm='yes']").await?;
            b.until("the method ended", "return !document.querySelector('.phase-banner');")
                .await?;
            // The home page.
            b.client.goto(&server.http("/")).await?;
            b.wait_for(".board-item").await?;
            foreign(b, lang, "home", &mut found).await?;
            // A revoked link, at once.
            b.open(&server.board_url_as(id, Role::Viewer)).await?;
            let (status, _) = server
                .request_with(
                    &server.token(id, Role::Facilitator),
                    "POST",
                    &format!("/api/boards/{id}/links/viewer"),
                    None,
                )
                .await;
            anyhow::ensure!(status == 200, "regenerate: {status}");
            b.wait_for(".refusal-cover .empty-page").await?;
            foreign(b, lang, "revoked", &mut found).await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::ensure!(found.is_empty(), "words of the other language: {found:#?}");
        Ok(())
    })
    .await;
}
