//! The web app as the server sends it: `cargo xtask web` builds the client
//! for wasm32, generates its JavaScript glue, and lays out `target/web`,
//! the folder the server embeds (release) or reads (debug):
//!
//! - `index.html`, the shell, from `assets/index.html`;
//! - every file the shell loads under a name that carries a hash of its
//!   bytes (`atelier_client_bg-<hash>.wasm`, the glue, the boot script,
//!   the stylesheet, the icon), so the server may let browsers keep them
//!   for a year: a new build is new names;
//! - the chunks the first load does not fetch: the client's `#[lazy]`
//!   functions (panels opened now and then), split out of the WebAssembly
//!   by `wasm_split_cli_support` (what cargo-leptos' `--split` runs), each
//!   fetched by the splitter's loader (`__wasm_split-<hash>.js`) the first
//!   time one of its functions is called;
//! - beside each, its brotli (`.br`) and gzip (`.gz`) encodings, made here
//!   once rather than per request.
//!
//! A file is written only when its bytes change, and a stale one removed:
//! the server's build watches this folder, so a build with nothing new
//! leaves it untouched and recompiles nothing.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// What the browser loads, in `assets/`, and the placeholders the shell
/// and the boot script name them by.
const CSS: (&str, &str) = ("atelier.css", "@CSS@");
const ICON: (&str, &str) = ("favicon.svg", "@ICON@");
const BOOT: (&str, &str) = ("boot.js", "@BOOT@");
const GLUE: &str = "@JS@";
/// How the splitter names the loader and the glue, before they are named
/// by their hash.
const LOADER: &str = "./__wasm_split.js";
/// The shell's placeholder for the loader (which the glue imports: the
/// shell has it fetched beside the glue, not after).
const SPLIT: &str = "@SPLIT@";
const GLUE_MODULE: &str = "./@JS-MODULE@";
const WASM: &str = "@WASM@";

/// Builds the client and lays out `target/web` (see the module's doc).
pub fn build(root: &Path) -> Result<()> {
    crate::ensure_wasm_target()?;
    crate::step("building the web app (wasm32)");
    // Panic locations name their files: relative ones, not this machine's
    // paths (the same bytes on every machine, and shorter on the wire).
    let registry = std::env::var("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|home| home.join("registry/src"))
        .unwrap_or_default();
    // (Each registry's sources: `registry/src/index.crates.io-…/`.)
    let registries = std::fs::read_dir(&registry)
        .map(|dirs| dirs.filter_map(|d| Some(d.ok()?.path())).collect())
        .unwrap_or_else(|_| vec![registry]);
    // The linker keeps its relocations: the splitter reads them to cut
    // the WebAssembly at the `#[lazy]` functions.
    let flags = std::iter::once(root.to_path_buf())
        .chain(registries)
        .map(|from| format!("--remap-path-prefix={}/=", from.display()))
        .chain(["-Clink-args=--emit-relocs".to_owned()])
        .collect::<Vec<_>>()
        .join("\x1f");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::check(
        std::process::Command::new(cargo)
            .args([
                "build",
                "-p",
                "atelier-client",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                "wasm-release",
            ])
            .env("CARGO_ENCODED_RUSTFLAGS", flags),
    )
    .context("building the web app")?;
    let wasm = root.join("target/wasm32-unknown-unknown/wasm-release/atelier_client.wasm");
    // wasm-bindgen and the splitter write their files each time: into
    // folders of their own, which nothing watches.
    let generated = root.join("target/web-gen");
    let split = root.join("target/web-split");
    let _ = std::fs::remove_dir_all(&split);
    std::fs::create_dir_all(&generated)?;
    // The main module (what the shell loads), the chunks (each loaded the
    // first time a `#[lazy]` function it holds is called) and the loader
    // that fetches them.
    let main = split.join("main.wasm");
    let input = std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let chunks = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = &split;
        options.main_out_path = &main;
        options.link_name = LOADER;
        options.main_module = GLUE_MODULE;
        options
    })
    .map_err(|e| anyhow::anyhow!("splitting the web app: {e:?}"))?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main)
        // The splitter's exports and imports stay as they are.
        .keep_lld_exports(true)
        .demangle(false)
        .out_name("atelier_client")
        .web(true)?
        // The library's default is the opposite of the CLI's; without this
        // the page fails with "WebAssembly.instantiate(): Argument 0 must be
        // a buffer source".
        .omit_default_module_path(false)
        .typescript(false)
        // Function names are for debuggers; browsers do not need them.
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(&generated)
        .context("wasm-bindgen")?;
    let assets = root.join("assets");
    let read =
        |path: &Path| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
    let mut site = Site::default();
    let wasm = site.hashed(
        "atelier_client_bg.wasm",
        read(&generated.join("atelier_client_bg.wasm"))?,
    );
    // The loader fetches the chunks by name, and the glue imports the
    // loader, which imports the glue: the chunks are named by their hashes
    // first, then the glue and the loader by one hash of both.
    let mut loader = String::from_utf8(read(&split.join(LOADER))?)?;
    for chunk in &chunks.split_modules {
        let name = chunk
            .file_name()
            .and_then(|n| n.to_str())
            .context("a chunk's name")?
            .to_owned();
        let hashed = site.hashed_later(&name, without_custom_sections(&read(chunk)?)?);
        loader = loader.replace(&format!("\"./{name}\""), &format!("\"./{hashed}\""));
    }
    let glue = String::from_utf8(read(&generated.join("atelier_client.js"))?)?;
    let both = hash_of(format!("{glue}{loader}").as_bytes());
    let glue_name = format!("atelier_client-{both}.js");
    let loader_name = format!("__wasm_split-{both}.js");
    site.files.push((
        loader_name.clone(),
        loader
            .replace(&format!("\"{GLUE_MODULE}\""), &format!("\"./{glue_name}\""))
            .into_bytes(),
    ));
    site.files.push((
        glue_name.clone(),
        // (The imports only: the WebAssembly's import object keeps the
        // module name it was linked with.)
        glue.replace(
            &format!("from \"{LOADER}\""),
            &format!("from \"./{loader_name}\""),
        )
        .into_bytes(),
    ));
    let glue = glue_name;
    let css = String::from_utf8(read(&assets.join(CSS.0))?)?;
    let css = site.hashed(CSS.0, minify_css(&css)?.into_bytes());
    let icon = site.hashed(ICON.0, read(&assets.join(ICON.0))?);
    let boot = String::from_utf8(read(&assets.join(BOOT.0))?)?
        .replace(GLUE, &glue)
        .replace(WASM, &wasm);
    let boot = site.hashed(BOOT.0, boot.into_bytes());
    let shell = String::from_utf8(read(&assets.join("index.html"))?)?
        .replace(CSS.1, &css)
        .replace(ICON.1, &icon)
        .replace(BOOT.1, &boot)
        .replace(GLUE, &glue)
        .replace(WASM, &wasm)
        .replace(SPLIT, &loader_name);
    site.files.push(("index.html".into(), shell.into_bytes()));
    let out = root.join("target/web");
    let report = site.write(&out)?;
    println!(
        "  web app in {}: {} files written, {} unchanged; first load {} KB brotli ({} KB gzip, {} KB raw); {} KB brotli loaded on demand",
        out.display(),
        report.written,
        report.unchanged,
        report.brotli / 1024,
        report.gzip / 1024,
        report.raw / 1024,
        report.later / 1024,
    );
    Ok(())
}

/// The files of `target/web`, by name.
#[derive(Default)]
struct Site {
    files: Vec<(String, Vec<u8>)>,
    /// The files loaded on demand, not by the first load.
    later: BTreeSet<String>,
}

/// A WebAssembly module without its custom sections (function names,
/// producers, target features: for debuggers, not browsers), as
/// wasm-bindgen leaves the main module.
fn without_custom_sections(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Some((id, range)) = payload?.as_section()
            && id != 0
        {
            module.section(&wasm_encoder::RawSection {
                id,
                data: &wasm[range.start as usize..range.end as usize],
            });
        }
    }
    Ok(module.finish())
}

/// 16 hex digits of the SHA-256 of `bytes`.
fn hash_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Default)]
struct Report {
    written: usize,
    unchanged: usize,
    /// What a first visit downloads (every file but the chunks loaded on
    /// demand, once), in each encoding.
    raw: usize,
    /// The chunks loaded on demand, brotli.
    later: usize,
    gzip: usize,
    brotli: usize,
}

impl Site {
    /// Adds `bytes` under `name` with a hash of them before the extension;
    /// returns that name.
    fn hashed(&mut self, name: &str, bytes: Vec<u8>) -> String {
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        let hashed = format!("{stem}-{}.{ext}", hash_of(&bytes));
        self.files.push((hashed.clone(), bytes));
        hashed
    }

    /// [`Site::hashed`], for a file the first load does not fetch (a chunk
    /// loaded on demand).
    fn hashed_later(&mut self, name: &str, bytes: Vec<u8>) -> String {
        let hashed = self.hashed(name, bytes);
        self.later.insert(hashed.clone());
        hashed
    }

    /// Writes every file and its encodings into `out` where they differ,
    /// and removes what is no longer part of the site.
    fn write(&self, out: &Path) -> Result<Report> {
        std::fs::create_dir_all(out)?;
        let mut report = Report::default();
        let mut keep = BTreeSet::new();
        for (name, bytes) in &self.files {
            let brotli_name = format!("{name}.br");
            let gzip_name = format!("{name}.gz");
            // A hashed name's encodings follow from its bytes: made once.
            let known = name != "index.html"
                && [name, &brotli_name, &gzip_name]
                    .iter()
                    .all(|n| out.join(n).is_file())
                && std::fs::read(out.join(name)).is_ok_and(|b| &b == bytes);
            let (brotli, gzip) = if known {
                report.unchanged += 2;
                (
                    read_len(&out.join(&brotli_name))?,
                    read_len(&out.join(&gzip_name))?,
                )
            } else {
                let brotli = brotli(bytes)?;
                let gzip = gzip(bytes)?;
                for (n, b) in [(&brotli_name, &brotli), (&gzip_name, &gzip)] {
                    report.count(write_if_changed(&out.join(n), b)?);
                }
                (brotli.len(), gzip.len())
            };
            report.count(write_if_changed(&out.join(name), bytes)?);
            if self.later.contains(name) {
                report.later += brotli;
            } else {
                report.raw += bytes.len();
                report.brotli += brotli;
                report.gzip += gzip;
            }
            keep.extend([name.clone(), brotli_name, gzip_name]);
        }
        for entry in std::fs::read_dir(out)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !keep.contains(&name) {
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("removing the stale {}", entry.path().display()))?;
            }
        }
        Ok(report)
    }
}

impl Report {
    fn count(&mut self, written: bool) {
        if written {
            self.written += 1;
        } else {
            self.unchanged += 1;
        }
    }
}

fn read_len(path: &Path) -> Result<usize> {
    Ok(std::fs::metadata(path)?.len() as usize)
}

/// Writes `bytes` to `path` unless it holds them already (through a
/// temporary file: an interrupted build leaves no half file). True if it
/// wrote.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|b| b == bytes) {
        return Ok(false);
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, path)?;
    Ok(true)
}

/// Brotli at its best (quality 11, 4 MiB window), as browsers decode it.
fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

/// Gzip at its best, for browsers without brotli.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// The stylesheet minified (comments and spaces gone, values shortened)
/// by lightningcss; the browsers it targets are left as written.
fn minify_css(css: &str) -> Result<String> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let mut sheet = StyleSheet::parse(css, ParserOptions::default())
        .map_err(|e| anyhow::anyhow!("assets/atelier.css: {e}"))?;
    sheet
        .minify(MinifyOptions::default())
        .map_err(|e| anyhow::anyhow!("assets/atelier.css: {e}"))?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(|e| anyhow::anyhow!("assets/atelier.css: {e}"))?;
    Ok(printed.code)
}
