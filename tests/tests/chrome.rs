//! The facilitation chrome never covers the work: with every facilitation
//! feature on at once (a method's phase and its banner, a running timer,
//! private mode, "follow me", a dot vote on clusters and then its results,
//! a selection and its context bar), at 1280x720, 1440x900 and 1920x1080,
//! in English and in French, no two pieces of chrome overlap and none
//! covers the board's content once it is fitted. Screenshots are kept
//! under `target/screenshots/chrome-*.png`.

use std::time::Duration;

use atelier_server::Config;
use atelier_shared::facilitation::Command;
use atelier_tests::browser::{Browser, with_browsers};
use atelier_tests::{TestServer, YClient, eventually};

const WAIT: Duration = Duration::from_secs(5);

/// The boxes of the chrome on screen, and the pairs that overlap.
const OVERLAPS: &str = r#"
const pick = sel => [...document.querySelectorAll(sel)].filter(e => {
    const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0;
});
const boxes = [
    ...pick('.facilitation > *').map(e => [e.className.baseVal ?? e.className, e]),
    ...pick('.vote-results').map(e => ['vote-results', e]),
    ...pick('.context-bar').map(e => ['context-bar', e]),
    ...pick('.toolbar').map(e => ['toolbar', e]),
    ...pick('.zoom-bar').map(e => ['zoom-bar', e]),
    ...pick('.minimap').map(e => ['minimap', e]),
    ...pick('.reaction-bar').map(e => ['reaction-bar', e]),
    ...pick('.topbar').map(e => ['topbar', e]),
    ...pick('.board-menus').map(e => ['board-menus', e]),
];
const rects = boxes.map(([n, e]) => [n, e.getBoundingClientRect()]);
const out = [];
for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const [a, r] = rects[i], [b, s] = rects[j];
    if (boxes[i][1].contains(boxes[j][1]) || boxes[j][1].contains(boxes[i][1])) continue;
    const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    if (w > 1 && h > 1) out.push(`${a} × ${b}`);
}
// The chrome at the top must not cover the board's content once fitted.
const bar = document.querySelector('.facilitation');
const bottom = Math.max(0, ...pick('.facilitation > *').map(e => e.getBoundingClientRect().bottom));
const covered = [...document.querySelectorAll('.el-frame .frame-title, .el-note, .el-text')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.top < bottom && r.bottom > 0 && bar && [...bar.children].some(c => {
        const s = c.getBoundingClientRect();
        return Math.min(r.right, s.right) - Math.max(r.left, s.left) > 1 && Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > 1;
    });
}).length;
if (covered) out.push(`${covered} board items under the top bar`);
return [rects.length, out];
"#;

async fn check(b: &Browser, name: &str, (w, h): (u32, u32)) -> anyhow::Result<()> {
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": w, "height": h, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await?;
    // Fitted to the new size (Shift+1), as someone would.
    b.type_text("!").await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    b.screenshot(&format!("chrome-{name}-{w}x{h}")).await?;
    let v = b.eval(OVERLAPS).await?;
    let overlaps = v[1].as_array().cloned().unwrap_or_default();
    anyhow::ensure!(
        v[0].as_u64().unwrap_or(0) >= 6,
        "{name} {w}x{h}: chrome missing: {v}"
    );
    anyhow::ensure!(
        overlaps.is_empty(),
        "{name} {w}x{h}: overlaps: {overlaps:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facilitation_chrome_never_covers_the_work() {
    let server = TestServer::start(Config::default()).await;
    let mut boards = Vec::new();
    for lang in ["en", "fr"] {
        let id = server
            .new_board_from("Atelier sinistres", "affinity", lang)
            .await;
        let mut bot = YClient::connect(&server.ws(&id)).await.unwrap();
        bot.synced().await;
        bot.command(&Command::Hello { key: "bot".into() }).await;
        boards.push((id, bot));
    }
    with_browsers(server, &["en-US", "fr-FR"], async |server, browsers| {
        for (b, (id, bot)) in browsers.iter().zip(&boards) {
            let lang = if std::ptr::eq(b, &browsers[0]) {
                "en"
            } else {
                "fr"
            };
            b.join(&server.board_url(id), "Camille").await?;
            // Everything on: the method's vote phase (timer, vote on the
            // clusters, notes locked), private mode, and someone leading.
            bot.command(&Command::Phase {
                script: "co-construction".into(),
                index: 2,
            })
            .await;
            bot.command(&Command::PrivateOn).await;
            bot.command(&Command::Follow {
                client: bot.client_id().get(),
                name: "Fatou".into(),
            })
            .await;
            b.wait_for(".phase-banner").await?;
            b.wait_for(".banner.vote").await?;
            b.wait_for(".private-banner").await?;
            b.wait_for(".banner.follow").await?;
            b.wait_for(".timer.running").await?;
            // A cluster takes votes; a note does not in this phase.
            b.screenshot(&format!("chrome-{lang}-start")).await?;
            b.wait_for(".el-frame [data-vote]").await?;
            anyhow::ensure!(
                b.eval("return !document.querySelector('.el-note [data-vote]');")
                    .await?
                    == true,
                "notes take votes in a vote on clusters"
            );
            // A selection with its context bar, the board fitted below
            // the chrome (Shift+1).
            // (Following moves the view with the leader's: stop, the
            // banner stays and offers to follow again.)
            b.click_css("[data-fac='follow-toggle']").await?;
            b.wait_for(".banner.follow.paused").await?;
            let mut clear = false;
            for _ in 0..10 {
                b.type_text("!").await?;
                tokio::time::sleep(Duration::from_millis(300)).await;
                clear = b
                    .eval(
                        "const t = document.querySelector('.el-frame .frame-title'); const r = t.getBoundingClientRect();
                         return t.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));",
                    )
                    .await?
                    == true;
                if clear {
                    break;
                }
            }
            b.screenshot(&format!("chrome-{lang}-fitted")).await?;
            anyhow::ensure!(clear, "the fitted board is under the chrome");
            b.click_css(".el-frame .frame-title").await?;
            b.wait_for(".context-bar").await?;
            for size in [(1280, 720), (1440, 900), (1920, 1080)] {
                check(b, &format!("{lang}-vote"), size).await?;
            }
            // The results: a panel with the clusters' full names.
            b.click_css(".el-frame [data-vote]").await?;
            b.wait_for(".el-frame .dot.mine").await?;
            bot.command(&Command::VoteClose).await;
            b.wait_for(".vote-results .result").await?;
            for size in [(1280, 720), (1440, 900), (1920, 1080)] {
                check(b, &format!("{lang}-results"), size).await?;
            }
            // Folded, then shown again.
            b.click_css(".vote-results .panel-toggle").await?;
            b.until(
                "folded",
                "return !!document.querySelector('.vote-results.collapsed');",
            )
            .await?;
            b.click_css(".vote-results .panel-toggle").await?;
            b.click_css(".vote-results .result").await?;
            b.until(
                "the cluster is shown, selected",
                "return !!document.querySelector('.el-frame.selected');",
            )
            .await?;
            anyhow::ensure!(
                eventually(WAIT, || bot
                    .facilitation()
                    .and_then(|s| s.vote)
                    .is_some_and(|v| v.results.len() == 1))
                .await,
                "the vote on the cluster was not counted"
            );
        }
        Ok(())
    })
    .await;
}
