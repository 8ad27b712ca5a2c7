//! The board page's speed in headless Chromium: boards of 1k, 5k and 10k
//! notes; load-to-interactive time and frame times while panning and
//! zooming. Prints a Markdown table (for BENCHMARKS.md).
//!
//!   cargo xtask web && cargo build --release -p atelier-server
//!   cargo run -p atelier-tests --bin atelier-board-bench -- [--before OLD]
//!
//! Each build's `atelier` (this one's `target/release/atelier`, and an
//! earlier one with `--before`) runs as a process of its own, side by
//! side. `--first-load` and `--live` measure other cases (see `Args`).
//!
//! "Work" is what one frame of panning costs the page: the wheel event, the
//! reactive updates it causes, style and layout (forced), measured in the
//! page. "Interval" is the time between animation frames (paint included);
//! 16.7 ms is 60 frames a second.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use atelier_shared::{Element, Elements, Kind, NOTE_COLORS};
use atelier_tests::browser::Browser;
use atelier_tests::{TestServer, YClient};
use clap::Parser;
use yrs::Transact;

#[derive(Parser)]
struct Args {
    /// Board sizes, in notes.
    #[arg(long, value_delimiter = ',', default_value = "1000,5000,10000")]
    sizes: Vec<usize>,
    /// Extra CSS put into the page before measuring (for A/B experiments).
    #[arg(long, default_value = "")]
    css: String,
    /// Animation frames per measured gesture.
    #[arg(long, default_value_t = 120)]
    frames: usize,
    /// Measure the first load instead: a board of `--notes` opened over a
    /// throttled network (10 Mbit/s down, 40 ms latency, set through the
    /// DevTools protocol), cold (empty cache) and returning (cache kept),
    /// on each `atelier` binary given, side by side.
    #[arg(long)]
    first_load: bool,
    /// This build's `atelier` binary, for `--first-load`.
    #[arg(long, default_value = "target/release/atelier")]
    this: std::path::PathBuf,
    /// An earlier build's `atelier` binary, measured beside this one.
    #[arg(long)]
    before: Option<std::path::PathBuf>,
    /// Notes on the board of `--first-load`.
    #[arg(long, default_value_t = 1000)]
    notes: usize,
    /// Loads of each kind per build, alternating between builds.
    #[arg(long, default_value_t = 7)]
    reps: usize,
    /// Measure a live board instead: `--notes` notes (10,000 for the
    /// target) while `--writers` other clients each edit
    /// `--edits-per-second` notes: frame intervals while panning, and the
    /// time from a remote edit's arrival in the page to the frame that
    /// paints it; on this build and `--before`, side by side.
    #[arg(long)]
    live: bool,
    #[arg(long, default_value_t = 20)]
    writers: usize,
    #[arg(long, default_value_t = 10)]
    edits_per_second: u64,
    /// Seconds of probing (one remote edit of a visible note every 200 ms).
    #[arg(long, default_value_t = 30)]
    probe_seconds: u64,
}

const TEXTS: [&str; 6] = [
    "Le formulaire de déclaration est trop long",
    "I never know where my claim stands",
    "J'ai dû rappeler trois fois",
    "The expert came quickly, great",
    "Je veux un seul interlocuteur",
    "Paperwork asked twice",
];

/// Fills board `id` with `n` notes in a square grid, in one transaction.
async fn fill(server: &TestServer, id: &str, n: usize) -> Result<()> {
    let mut bot = YClient::connect(&server.ws(id)).await?;
    bot.synced().await;
    let elements = Elements::new(bot.elements());
    let cols = (n as f64).sqrt().ceil() as usize;
    let update = {
        let mut txn = bot.doc.transact_mut();
        for i in 0..n {
            let mut note = Element::new(
                format!("n{i}"),
                Kind::Note,
                (i % cols) as f64 * 200.0,
                (i / cols) as f64 * 200.0,
            );
            note.color = NOTE_COLORS[i % NOTE_COLORS.len()].1.into();
            note.text = format!("{} ({i})", TEXTS[i % TEXTS.len()]);
            note.z = i as f64;
            note.author = "bench".into();
            elements.insert(&mut txn, &note);
        }
        txn.encode_update_v1()
    };
    bot.send_raw(atelier_shared::protocol::update(update)).await;
    // The room stores before it relays: a second client that sees every
    // note proves the board is in place.
    let mut check = YClient::connect(&server.ws(id)).await?;
    check.synced().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while check.element_count() < n as u32 {
        if tokio::time::Instant::now() > deadline {
            bail!("the board never reached {n} notes");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bot.close().await;
    check.close().await;
    Ok(())
}

/// Runs `frames` animation frames, each sending one wheel event to the
/// canvas; returns (work, interval) per frame in ms.
async fn gesture(
    b: &Browser,
    frames: usize,
    dx: f64,
    dy: f64,
    ctrl: bool,
) -> Result<(Vec<f64>, Vec<f64>, u64)> {
    let script = format!(
        r#"
        const done = arguments[arguments.length - 1];
        const canvas = document.querySelector('.canvas');
        const world = document.querySelector('.world');
        const r = canvas.getBoundingClientRect();
        const work = [], interval = [];
        const channel = new MessageChannel();
        let last = null, i = 0, t0 = 0, sign = 1;
        channel.port1.onmessage = () => {{
            world.getBoundingClientRect(); document.body.offsetWidth;
            work.push(performance.now() - t0);
        }};
        function step(ts) {{
            if (last !== null) interval.push(ts - last);
            last = ts;
            if (i % 30 === 0 && i % 60 !== 0) sign = -sign; // there and back, around the start
            t0 = performance.now();
            canvas.dispatchEvent(new WheelEvent('wheel', {{
                deltaX: {dx} * sign, deltaY: {dy} * sign, ctrlKey: {ctrl},
                clientX: r.x + r.width / 2, clientY: r.y + r.height / 2, bubbles: true, cancelable: true
            }}));
            channel.port2.postMessage(0);
            if (++i < {frames}) requestAnimationFrame(step);
            else setTimeout(() => done([work, interval, document.querySelectorAll('.world .el, .world .el-connector').length]), 100);
        }}
        requestAnimationFrame(step);
        "#
    );
    let v = b.client.execute_async(&script, vec![]).await?;
    let list = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default()
    };
    Ok((list(&v[0]), list(&v[1]), v[2].as_u64().unwrap_or_default()))
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Sets the camera to `zoom` (keyboard: Ctrl+0 is 100 %, then -/+).
async fn set_zoom(b: &Browser, percent: u32) -> Result<()> {
    b.click_at(640.0, 300.0).await?; // focus the board
    b.ctrl('0').await?;
    let mut now = 100.0;
    while (now - percent as f64).abs() > 5.0 && now > percent as f64 {
        b.type_text("-").await?;
        now /= 1.25;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    if args.first_load {
        return first_load(&args).await;
    }
    if args.live {
        return live(&args).await;
    }
    let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/web");
    let size = |ext: &str| -> Result<u64> {
        let mut total = 0;
        for entry in
            std::fs::read_dir(&web).context("target/web is missing: run `cargo xtask web`")?
        {
            let entry = entry?;
            if entry.file_name().to_string_lossy().ends_with(ext) {
                total += entry.metadata()?.len();
            }
        }
        Ok(total)
    };
    println!(
        "WASM: {} KB raw, {} KB gzip, {} KB brotli (what travels)\n",
        size(".wasm")? / 1024,
        size(".wasm.gz")? / 1024,
        size(".wasm.br")? / 1024,
    );
    println!(
        "| build | notes | load to interactive | gesture | elements in the DOM | work median | work p95 | interval median | interval p95 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, binary) in builds(&args)? {
        let server = TestServer::spawn_binary(&binary, &[]).await;
        let browser = Browser::start().await?;
        let result = sizes(&args, name, &server, &browser).await;
        browser.close().await;
        server.stop().await;
        result?;
    }
    Ok(())
}

/// Lets scripts in `browser` run for up to 5 minutes (a gesture on a big
/// board takes a while).
async fn patient(browser: &Browser) -> Result<()> {
    browser
        .client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(300)),
            None,
            None,
        ))
        .await?;
    Ok(())
}

/// The boards of `--sizes` on `server`, opened and panned in `browser`:
/// one table row per gesture.
async fn sizes(args: &Args, name: &str, server: &TestServer, browser: &Browser) -> Result<()> {
    patient(browser).await?;
    let mut joined = false;
    for &n in &args.sizes {
        let body = serde_json::json!({ "title": format!("{n} notes") }).to_string();
        let (_, body) = server.request("POST", "/api/boards", Some(&body)).await;
        let id = serde_json::from_str::<serde_json::Value>(&body)?["id"]
            .as_str()
            .context("board id")?
            .to_owned();
        fill(server, &id, n).await?;
        let url = server.board_url(&id);
        if joined {
            browser.client.goto(&url).await?;
        } else {
            browser.join(&url, "Bench").await?;
            joined = true;
            // Measure a cold load of this board too, with the name known.
            browser.client.goto(&url).await?;
        }
        browser.wait_for(".board[data-ready-ms]").await?;
        if !args.css.is_empty() {
            browser
                .eval(&format!(
                    "const s = document.createElement('style'); s.textContent = {:?}; document.head.appendChild(s); return true;",
                    args.css
                ))
                .await?;
        }
        let ready = browser
            .eval("return Number(document.querySelector('.board').dataset.readyMs);")
            .await?
            .as_f64()
            .unwrap_or(f64::NAN);
        let row = |gesture: &str, (work, interval, rendered): (Vec<f64>, Vec<f64>, u64)| {
            println!(
                "| {name} | {n} | {ready:.0} ms | {gesture} | {rendered} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
                percentile(&work, 0.5),
                percentile(&work, 0.95),
                percentile(&interval, 0.5),
                percentile(&interval, 0.95),
            );
        };
        row(
            "pan, whole board (fit)",
            gesture(browser, args.frames, 14.0, 8.0, false).await?,
        );
        set_zoom(browser, 100).await?;
        row(
            "pan at 100 %",
            gesture(browser, args.frames, 14.0, 8.0, false).await?,
        );
        set_zoom(browser, 33).await?;
        row(
            "pan at 33 %",
            gesture(browser, args.frames, 14.0, 8.0, false).await?,
        );
        row(
            "zoom in and out",
            gesture(browser, args.frames, 0.0, 6.0, true).await?,
        );
        browser
            .screenshot(&format!("bench-{}-{n}", name.replace(' ', "-")))
            .await?;
    }
    Ok(())
}

/// The `atelier` binaries to measure side by side: this build's, and the
/// earlier one of `--before`.
fn builds(args: &Args) -> Result<Vec<(&'static str, std::path::PathBuf)>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut builds = vec![("this build", root.join(&args.this))];
    if let Some(before) = &args.before {
        builds.push(("before", before.clone()));
    }
    for (_, binary) in &builds {
        if !binary.exists() {
            bail!(
                "{} is missing (cargo build --release -p atelier-server)",
                binary.display()
            );
        }
    }
    Ok(builds)
}

/// 10 Mbit/s, in bytes a second.
const TEN_MBIT: u64 = 1_250_000;

/// The first-load case (see `Args::first_load`).
async fn first_load(args: &Args) -> Result<()> {
    let builds = builds(args)?;
    let browser = Browser::start().await?;
    let mut boards = Vec::new();
    for (name, binary) in &builds {
        let server = TestServer::spawn_binary(binary, &[]).await;
        let id = server.new_board(&format!("{} notes", args.notes)).await;
        fill(&server, &id, args.notes).await?;
        let url = server.board_url(&id);
        // The name prompt answered once: its origin remembers it.
        browser.join(&url, "Bench").await?;
        boards.push((*name, server, url));
    }
    browser.cdp("Network.enable", serde_json::json!({})).await?;
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            serde_json::json!({
                "offline": false,
                "latency": 40,
                "downloadThroughput": TEN_MBIT,
                "uploadThroughput": TEN_MBIT,
            }),
        )
        .await?;
    let mut seen: Vec<(&str, &str, f64, f64)> = Vec::new();
    for _ in 0..args.reps {
        for (name, _, url) in &boards {
            browser
                .cdp("Network.clearBrowserCache", serde_json::json!({}))
                .await?;
            let (ms, bytes) = load(&browser, url).await?;
            seen.push((name, "first visit", ms, bytes));
            let (ms, bytes) = load(&browser, url).await?;
            seen.push((name, "returning", ms, bytes));
        }
    }
    println!(
        "A {}-note board over 10 Mbit/s down, 40 ms latency (DevTools), {} loads each:\n",
        args.notes, args.reps
    );
    println!("| build | visit | transferred | interactive, median | min | max |");
    println!("|---|---|---|---|---|---|");
    for (name, _, _) in &boards {
        for visit in ["first visit", "returning"] {
            let of = |f: fn(&(&str, &str, f64, f64)) -> f64| -> Vec<f64> {
                seen.iter()
                    .filter(|s| s.0 == *name && s.1 == visit)
                    .map(f)
                    .collect()
            };
            let ms = of(|s| s.2);
            let bytes = of(|s| s.3);
            println!(
                "| {name} | {visit} | {:.0} KB | {:.0} ms | {:.0} ms | {:.0} ms |",
                percentile(&bytes, 0.5) / 1024.0,
                percentile(&ms, 0.5),
                percentile(&ms, 0.0),
                percentile(&ms, 1.0),
            );
        }
    }
    browser
        .cdp("Network.disable", serde_json::json!({}))
        .await?;
    browser.close().await;
    for (_, server, _) in boards {
        server.stop().await;
    }
    Ok(())
}

/// Opens `url` afresh: ms from navigation to the synced board painted
/// (`data-ready-ms`, set by the app), and the bytes its page and files
/// took on the wire (headers included; the websocket apart).
async fn load(browser: &Browser, url: &str) -> Result<(f64, f64)> {
    browser.client.goto("about:blank").await?;
    browser.client.goto(url).await?;
    browser.wait_for(".board[data-ready-ms]").await?;
    let v = browser
        .eval(
            "const entries = [...performance.getEntriesByType('navigation'), \
             ...performance.getEntriesByType('resource')]; \
             return [Number(document.querySelector('.board').dataset.readyMs), \
             entries.reduce((sum, e) => sum + (e.transferSize || 0), 0)];",
        )
        .await?;
    Ok((
        v[0].as_f64().unwrap_or(f64::NAN),
        v[1].as_f64().unwrap_or(f64::NAN),
    ))
}

/// Put into every page before its own scripts (DevTools
/// `Page.addScriptToEvaluateOnNewDocument`): notes when a websocket frame
/// naming `probe-N` arrives, and the animation frame in which the probe
/// note's text first reads `probe-N` in the DOM.
const PROBE_SCRIPT: &str = r#"
(() => {
  const probe = { arrivals: {}, paints: {}, id: null, last: -1 };
  window.__probe = probe;
  const marker = [112, 114, 111, 98, 101, 45]; // "probe-", either case
  const Native = window.WebSocket;
  function Probed(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    ws.addEventListener('message', (e) => {
      if (!(e.data instanceof ArrayBuffer)) return;
      const t = performance.now();
      const b = new Uint8Array(e.data);
      outer: for (let i = 0; i + marker.length < b.length; i++) {
        for (let j = 0; j < marker.length; j++) if ((b[i + j] | 32) !== marker[j]) continue outer;
        let n = 0, k = i + marker.length, digits = 0;
        while (k < b.length && b[k] >= 48 && b[k] <= 57) { n = n * 10 + b[k] - 48; k++; digits++; }
        if (digits > 0 && probe.arrivals[n] === undefined) probe.arrivals[n] = t;
      }
    });
    return ws;
  }
  Probed.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Probed[k] = Native[k];
  window.WebSocket = Probed;
  const seen = () => {
    if (probe.id === null) return;
    const el = document.querySelector('.world [data-id="' + probe.id + '"]');
    const m = el && /probe-(\d+)/i.exec(el.textContent);
    if (!m) return;
    const n = Number(m[1]);
    if (n === probe.last) return;
    probe.last = n;
    requestAnimationFrame((ts) => { if (probe.paints[n] === undefined) probe.paints[n] = ts; });
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, characterData: true });
})();
"#;

/// The live case (see `Args::live`).
async fn live(args: &Args) -> Result<()> {
    let builds = builds(args)?;
    println!(
        "A {}-note board, {} other clients editing {} notes a second each; frames while panning, remote edits to paint:\n",
        args.notes, args.writers, args.edits_per_second
    );
    println!(
        "| build | gesture | interval median | interval p95 | edits seen | edit arrival to paint p50 | p99 | max |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, binary) in &builds {
        let server = TestServer::spawn_binary(binary, &[]).await;
        let id = server
            .new_board(&format!("{} notes, live", args.notes))
            .await;
        fill(&server, &id, args.notes).await?;
        let url = server.board_url(&id);
        let browser = Browser::start().await?;
        patient(&browser).await?;
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": PROBE_SCRIPT }),
            )
            .await?;
        browser.join(&url, "Bench").await?;
        browser.wait_for(".board[data-ready-ms]").await?;
        set_zoom(&browser, 100).await?;
        // The probe: the note nearest the middle of the screen.
        let probe_id = browser
            .eval(
                "const r = document.querySelector('.canvas').getBoundingClientRect(); \
                 let best = null, d = Infinity; \
                 for (const el of document.querySelectorAll('.world .el[data-id]')) { \
                   const b = el.getBoundingClientRect(); \
                   const dd = Math.hypot(b.x + b.width / 2 - r.x - r.width / 2, b.y + b.height / 2 - r.y - r.height / 2); \
                   if (dd < d) { d = dd; best = el.dataset.id; } } \
                 window.__probe.id = best; return best;",
            )
            .await?
            .as_str()
            .context("a note on screen")?
            .to_owned();
        // The writers, each on its own connection, editing random notes.
        let stop = tokio_util::sync::CancellationToken::new();
        let mut writers = Vec::new();
        for w in 0..args.writers {
            let mut client = YClient::connect(&server.ws(&id)).await?;
            client.synced().await;
            let (stop, n, rate) = (stop.clone(), args.notes, args.edits_per_second);
            writers.push(tokio::spawn(async move {
                let elements = Elements::new(client.elements());
                let mut tick = tokio::time::interval(Duration::from_millis(1000 / rate.max(1)));
                let mut i = 0u64;
                while !stop.is_cancelled() {
                    tick.tick().await;
                    let note = format!("n{}", rand::random_range(0..n));
                    let text = format!("{} edit {w}.{i}", TEXTS[i as usize % TEXTS.len()]);
                    client
                        .edit(|txn| elements.edit_text(txn, &note, &text))
                        .await;
                    i += 1;
                }
                client.close().await;
            }));
        }
        let mut prober = YClient::connect(&server.ws(&id)).await?;
        prober.synced().await;
        let probes = args.probe_seconds * 5;
        {
            let elements = Elements::new(prober.elements());
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            for n in 0..probes {
                tick.tick().await;
                // Alternately upper and lower case: the edit rewrites the
                // whole text (no common prefix or suffix with the last),
                // so the update carries the marker the page looks for.
                let text = if n % 2 == 0 {
                    format!("probe-{n}")
                } else {
                    format!("PROBE-{n}")
                };
                prober
                    .edit(|txn| elements.edit_text(txn, &probe_id, &text))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let seen = browser
            .eval(
                "const p = window.__probe; const out = []; \
                 for (const n in p.paints) if (p.arrivals[n] !== undefined) out.push(p.paints[n] - p.arrivals[n]); \
                 return out;",
            )
            .await?;
        let delays: Vec<f64> = seen
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default();
        let edits = format!("{} of {probes}", delays.len());
        let latency = |p: f64| percentile(&delays, p);
        for (gesture, zoom) in [
            ("pan at 100 %", Some(100)),
            ("pan, whole board (fit)", None),
        ] {
            match zoom {
                Some(z) => set_zoom(&browser, z).await?,
                None => {
                    browser.click_at(640.0, 300.0).await?;
                    browser.chord(&[fantoccini::key::Key::Shift], '1').await?;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
            let (_, interval, _) = gesture_frames(&browser, args.frames).await?;
            println!(
                "| {name} | {gesture} | {:.1} ms | {:.1} ms | {edits} | {:.1} ms | {:.1} ms | {:.1} ms |",
                percentile(&interval, 0.5),
                percentile(&interval, 0.95),
                latency(0.5),
                latency(0.99),
                latency(1.0),
            );
        }
        stop.cancel();
        for w in writers {
            let _ = w.await;
        }
        prober.close().await;
        browser
            .screenshot(&format!("bench-live-{}", name.replace(' ', "-")))
            .await?;
        browser.close().await;
        server.stop().await;
    }
    Ok(())
}

/// A panning gesture of `frames` frames (see [`gesture`]).
async fn gesture_frames(b: &Browser, frames: usize) -> Result<(Vec<f64>, Vec<f64>, u64)> {
    gesture(b, frames, 14.0, 8.0, false).await
}
