//! How the web app travels, seen by a plain HTTP client (hyper): each file
//! in the best encoding the request accepts (`Vary: Accept-Encoding`), the
//! hashed files cached for good, the shell revalidated (a 304 when it did
//! not change). Built by `cargo xtask web` (`target/web`).

use atelier_server::Config;
use atelier_tests::TestServer;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

struct Got {
    status: u16,
    headers: hyper::HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body decoded from its `Content-Encoding`.
    fn decoded(&self) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        match self.header("content-encoding") {
            None => return self.body.clone(),
            Some("br") => brotli::Decompressor::new(&self.body[..], 4096)
                .read_to_end(&mut out)
                .expect("brotli"),
            Some("gzip") => flate2::read::GzDecoder::new(&self.body[..])
                .read_to_end(&mut out)
                .expect("gzip"),
            Some(other) => panic!("unexpected encoding {other}"),
        };
        out
    }
}

async fn get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Got {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
    let mut request = hyper::Request::get(format!("http://{}{path}", server.addr));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = client
        .request(request.body(Empty::new()).unwrap())
        .await
        .expect("a response");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// What Chromium sends.
const BROWSER: (&str, &str) = ("accept-encoding", "gzip, deflate, br, zstd");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_travels_compressed_and_is_kept_by_browsers() {
    let server = TestServer::start(Config::default()).await;
    let shell = get(&server, "/", &[BROWSER]).await;
    assert_eq!(shell.status, 200);
    assert_eq!(shell.header("content-encoding"), Some("br"));
    assert_eq!(shell.header("vary"), Some("accept-encoding"));
    assert_eq!(shell.header("cache-control"), Some("no-cache"));
    assert!(shell.header("content-security-policy").is_some());
    let html = String::from_utf8(shell.decoded()).unwrap();
    // The files the shell loads, by their hashed names.
    let files: Vec<&str> = html
        .split("\"/pkg/")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    for kind in [".wasm", ".js", ".css", ".svg"] {
        assert!(
            files.iter().any(|f| f.ends_with(kind)),
            "the shell loads no {kind}: {files:?}"
        );
    }
    let boot = files.iter().find(|f| f.starts_with("boot-")).unwrap();
    let boot = String::from_utf8(get(&server, &format!("/pkg/{boot}"), &[]).await.body).unwrap();
    assert!(!boot.contains('@'), "a placeholder left in the boot script");
    assert!(!html.contains("@\""), "a placeholder left in the shell");

    for file in &files {
        let path = format!("/pkg/{file}");
        let plain = get(&server, &path, &[]).await;
        assert_eq!(plain.status, 200, "{path}");
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        assert_eq!(
            plain.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
        assert_eq!(plain.header("vary"), Some("accept-encoding"), "{path}");
        for (accept, coding) in [
            ("gzip, deflate, br, zstd", Some("br")),
            ("gzip", Some("gzip")),
            ("br;q=0, gzip", Some("gzip")),
            ("gzip;q=0.5, br;q=0.9", Some("br")),
            ("identity", None),
            ("zstd", None),
        ] {
            let got = get(&server, &path, &[("accept-encoding", accept)]).await;
            assert_eq!(got.status, 200, "{path} {accept}");
            assert_eq!(got.header("content-encoding"), coding, "{path} {accept}");
            assert_eq!(got.header("content-type"), plain.header("content-type"));
            assert_eq!(got.decoded(), plain.body, "{path} {accept}");
            if coding.is_some() {
                assert!(got.body.len() < plain.body.len(), "{path} {accept}");
            }
        }
    }
    let wasm = files.iter().find(|f| f.ends_with(".wasm")).unwrap();
    let wasm = get(&server, &format!("/pkg/{wasm}"), &[BROWSER]).await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));

    // A returning visitor: the shell, unchanged, is a 304 without a body.
    let etag = shell.header("etag").expect("an ETag").to_owned();
    let again = get(&server, "/", &[BROWSER, ("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // A board's page is the same shell.
    let board = server.new_board("Delivery").await;
    let page = get(
        &server,
        &format!("/b/{board}"),
        &[BROWSER, ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(page.status, 304);

    // Only the hashed files are under /pkg.
    for path in [
        "/pkg/index.html",
        "/pkg/atelier_client_bg.wasm",
        "/pkg/nothing.js",
    ] {
        assert_eq!(get(&server, path, &[BROWSER]).await.status, 404, "{path}");
    }
    server.stop().await;
}
