//! Headless Chromium through chromedriver (Debian's packages), driven by
//! fantoccini. `cargo xtask test` installs both.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

pub struct Browser {
    pub client: Client,
    driver: tokio::process::Child,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless session, in
    /// English.
    pub async fn start() -> Result<Browser> {
        Browser::start_in("en-US").await
    }

    /// As [`Browser::start`], with the browser's language `lang` (`fr-FR`).
    pub async fn start_in(lang: &str) -> Result<Browser> {
        for binary in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            if !std::path::Path::new(binary).exists() {
                bail!(
                    "{binary} is missing: run `cargo xtask test` (it installs Debian's chromium and chromium-driver)"
                );
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let driver = tokio::process::Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting chromedriver")?;
        let profile = std::env::temp_dir().join(format!(
            "atelier-chromium-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--lang={lang}"),
                ],
                "prefs": {"intl.accept_languages": lang},
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Ok(Browser { client, driver }),
                Err(err) => last = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("chromedriver did not start: {last:?}")
    }

    /// Saves a screenshot under `target/screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Runs the DevTools protocol command `method` in the current tab
    /// (chromedriver's `goog/cdp/execute`): network throttling, cache
    /// control. Returns its result.
    pub async fn cdp(&self, method: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        let command = Cdp {
            body: json!({ "cmd": method, "params": params }).to_string(),
        };
        self.client
            .issue_cmd(command)
            .await
            .with_context(|| format!("DevTools command {method}"))
    }

    /// The serious and critical accessibility violations axe-core finds in
    /// the page as it is (its `tests/js` copy is loaded into the page
    /// first), each as "rule: target, …"; WCAG 2.2 A and AA rules, on all
    /// but the free canvas (`.world`, its elements at any zoom: the
    /// outline is their accessible form).
    pub async fn axe(&self) -> Result<Vec<String>> {
        let loaded = self
            .eval("return typeof window.axe !== 'undefined';")
            .await?;
        if loaded != true {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("js/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "{}: run `cargo xtask test` (it installs tests/js's npm packages)",
                    path.display()
                )
            })?;
            self.client
                .execute(&format!("{source}\nreturn true;"), vec![])
                .await?;
        }
        let found = self
            .eval_async(
                "axe.run({ exclude: [['.world']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                   .then(r => done(r.violations
                       .filter(v => v.impact === 'serious' || v.impact === 'critical')
                       .map(v => v.id + ': ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
            )
            .await?;
        Ok(found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Ends the session and the driver (and with it Chromium).
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

/// Driving the board page like a person: the helpers the end-to-end tests
/// share. Coordinates are CSS pixels in the browser's viewport.
impl Browser {
    /// Opens `url` (a board), answers the name prompt and waits until the
    /// board is synced.
    pub async fn join(&self, url: &str, name: &str) -> Result<()> {
        self.client.goto(url).await?;
        self.give_name(name).await
    }

    /// Answers the board's name prompt and waits until the board is synced.
    pub async fn give_name(&self, name: &str) -> Result<()> {
        self.give_name_only(name).await?;
        self.wait_for(".board-shell[data-sync='saved']").await?;
        Ok(())
    }

    /// Answers the board's name prompt.
    pub async fn give_name_only(&self, name: &str) -> Result<()> {
        let field = self.wait_for("input[name='name']").await?;
        field.send_keys(name).await?;
        self.client
            .find(Locator::Css(".prompt button[type='submit']"))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Opens the printable report from the board's export menu (its link
    /// carries the board's token), in this tab; returns its address.
    pub async fn open_report(&self) -> Result<String> {
        self.type_text("\u{e00c}").await?;
        self.click_css("[data-action='export']").await?;
        let href = self
            .eval("return document.querySelector(\"[data-export='report.html']\").href;")
            .await?;
        let href = href.as_str().unwrap_or_default().to_owned();
        anyhow::ensure!(href.contains("/report.html?t="), "{href}");
        self.eval(&format!("location.href = {href:?}; return true;"))
            .await?;
        self.wait_for("main h1").await?;
        Ok(href)
    }

    /// Opens `url` (a board) as a returning visitor (the name is
    /// remembered) and waits until the board is synced.
    pub async fn open(&self, url: &str) -> Result<()> {
        self.client.goto(url).await?;
        self.wait_for(".board-shell[data-sync='saved']").await?;
        Ok(())
    }

    /// Waits until an element's text editor is open and has the focus
    /// (it takes it on the next animation frame), so typing goes into it.
    pub async fn editor_ready(&self) -> Result<()> {
        self.until(
            "the text editor has the focus",
            "const e = document.activeElement; return !!e && e.classList.contains('el-editor');",
        )
        .await
    }

    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    /// Runs `script` (a function body) and returns what it returns.
    /// Runs an asynchronous script: it hands its result to `done(…)`.
    pub async fn eval_async(&self, script: &str) -> Result<serde_json::Value> {
        let script = format!("const done = arguments[arguments.length - 1];\n{script}");
        Ok(self.client.execute_async(&script, vec![]).await?)
    }

    pub async fn eval(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Waits until `script` returns `true`.
    pub async fn until(&self, what: &str, script: &str) -> Result<()> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if self.eval(script).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                bail!("timed out waiting until {what}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn click_at(&self, x: f64, y: f64) -> Result<()> {
        self.clicks_at(x, y, 1).await
    }

    pub async fn double_click_at(&self, x: f64, y: f64) -> Result<()> {
        self.clicks_at(x, y, 2).await
    }

    /// Clicks at (`x`, `y`) with Shift held (adds to the selection).
    pub async fn shift_click_at(&self, x: f64, y: f64) -> Result<()> {
        let shift = char::from(Key::Shift);
        self.hold(shift, true).await?;
        let clicked = self.clicks_at(x, y, 1).await;
        self.hold(shift, false).await?;
        clicked
    }

    /// Clicks the first element matching `css` (a button, say).
    pub async fn click_css(&self, css: &str) -> Result<()> {
        self.wait_for(css).await?.click().await?;
        Ok(())
    }

    /// Moves to (`x`, `y`) and clicks the left button `n` times.
    async fn clicks_at(&self, x: f64, y: f64, n: usize) -> Result<()> {
        let mut mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        });
        for _ in 0..n {
            mouse = mouse
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                });
        }
        self.client.perform_actions(mouse).await?;
        Ok(())
    }

    pub async fn move_to(&self, x: f64, y: f64) -> Result<()> {
        let mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        });
        self.client.perform_actions(mouse).await?;
        Ok(())
    }

    /// Presses at `from`, moves to `to` in steps, releases.
    pub async fn drag(&self, from: (f64, f64), to: (f64, f64)) -> Result<()> {
        self.drag_with(MOUSE_BUTTON_LEFT, from, to).await
    }

    /// As [`Browser::drag`], with mouse `button` (1: the middle one).
    pub async fn drag_with(&self, button: u64, from: (f64, f64), to: (f64, f64)) -> Result<()> {
        let mut mouse = MouseActions::new("mouse".into())
            .then(PointerAction::MoveTo {
                duration: None,
                x: from.0,
                y: from.1,
            })
            .then(PointerAction::Down { button });
        for step in 1..=8 {
            let t = step as f64 / 8.0;
            mouse = mouse.then(PointerAction::MoveTo {
                duration: Some(Duration::from_millis(16)),
                x: from.0 + (to.0 - from.0) * t,
                y: from.1 + (to.1 - from.1) * t,
            });
        }
        self.client
            .perform_actions(mouse.then(PointerAction::Up { button }))
            .await?;
        Ok(())
    }

    /// Types `text` as key presses into whatever has the focus.
    pub async fn type_text(&self, text: &str) -> Result<()> {
        let mut keys = KeyActions::new("keyboard".into());
        for ch in text.chars() {
            keys = keys
                .then(KeyAction::Down { value: ch })
                .then(KeyAction::Up { value: ch });
        }
        self.client.perform_actions(keys).await?;
        Ok(())
    }

    /// Presses `key` with Ctrl held (e.g. Ctrl+Z).
    pub async fn ctrl(&self, key: char) -> Result<()> {
        self.chord(&[Key::Control], key).await
    }

    /// Holds `key` down (`true`) or lets it go, across other actions
    /// (Space while dragging, say).
    pub async fn hold(&self, key: char, down: bool) -> Result<()> {
        let action = if down {
            KeyAction::Down { value: key }
        } else {
            KeyAction::Up { value: key }
        };
        self.client
            .perform_actions(KeyActions::new("keyboard".into()).then(action))
            .await?;
        Ok(())
    }

    /// Presses `key` with `modifiers` held (e.g. Shift+ArrowRight).
    pub async fn chord(&self, modifiers: &[Key], key: char) -> Result<()> {
        let mut keys = KeyActions::new("keyboard".into());
        for &m in modifiers {
            keys = keys.then(KeyAction::Down {
                value: char::from(m),
            });
        }
        keys = keys
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        for &m in modifiers.iter().rev() {
            keys = keys.then(KeyAction::Up {
                value: char::from(m),
            });
        }
        self.client.perform_actions(keys).await?;
        Ok(())
    }

    /// Where board point (`x`, `y`) is in the viewport (read from the
    /// board's camera transform).
    pub async fn screen_of(&self, x: f64, y: f64) -> Result<(f64, f64)> {
        let v = self
            .eval(&format!(
                "const m = document.querySelector('.world').style.transform
                     .match(/translate\\(([-\\d.e]+)px, *([-\\d.e]+)px\\) scale\\(([\\d.e]+)\\)/);
                 const r = document.querySelector('.canvas').getBoundingClientRect();
                 return [r.x + +m[1] + {x} * +m[3], r.y + +m[2] + {y} * +m[3]];"
            ))
            .await?;
        Ok((v[0].as_f64().context("x")?, v[1].as_f64().context("y")?))
    }

    /// The centre of the first element matching `css`, in the viewport.
    pub async fn center_of(&self, css: &str) -> Result<(f64, f64)> {
        let script = format!(
            "const r = document.querySelector({css:?}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];"
        );
        let v = self.eval(&script).await?;
        Ok((v[0].as_f64().context("x")?, v[1].as_f64().context("y")?))
    }
}

/// Runs `test` with `server` and one browser per language of `langs`
/// (`"en-US"`, `"fr-FR"`), then closes every browser and stops the server,
/// whatever `test` did: returned an error, or panicked (no Chromium is
/// left behind). Then fails as `test` did.
pub async fn with_browsers(
    server: crate::TestServer,
    langs: &[&str],
    test: impl AsyncFnOnce(&crate::TestServer, &[Browser]) -> Result<()>,
) {
    use futures_util::FutureExt;
    let mut browsers = Vec::new();
    for lang in langs {
        browsers.push(Browser::start_in(lang).await.expect("browser"));
    }
    let outcome = std::panic::AssertUnwindSafe(test(&server, &browsers))
        .catch_unwind()
        .await;
    for browser in browsers {
        browser.close().await;
    }
    server.stop().await;
    match outcome {
        Ok(result) => result.unwrap(),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Three browsers for a workshop: a facilitator, an editor, a viewer.
pub async fn trio() -> (Browser, Browser, Browser) {
    (
        Browser::start().await.expect("browser"),
        Browser::start().await.expect("browser"),
        Browser::start().await.expect("browser"),
    )
}

/// Opens board `id` in the three browsers of [`trio`], each with its role's
/// link: Fatou facilitates, Eve edits, Victor views.
pub async fn join_trio(
    server: &crate::TestServer,
    id: &str,
    (fac, ed, view): (&Browser, &Browser, &Browser),
) -> Result<()> {
    use atelier_server::Role;
    fac.join(&server.board_url(id), "Fatou").await?;
    ed.join(&server.board_url_as(id, Role::Editor), "Eve")
        .await?;
    view.join(&server.board_url_as(id, Role::Viewer), "Victor")
        .await
}

/// A DevTools protocol command, through chromedriver.
#[derive(Debug)]
struct Cdp {
    body: String,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}
