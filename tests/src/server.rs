//! A real Atelier server on `127.0.0.1:0`: on a runtime of its own in the
//! test's process, or as a process of its own (the `atelier` binary), to
//! measure its memory or kill it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use atelier_server::{AppState, Config, Keys, Role, SqliteStore};
use tokio::sync::oneshot;

pub struct TestServer {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// The key the server signs share links with (kept in `data_dir`, so a
    /// restarted server takes the same links).
    pub keys: Keys,
    runtime: Option<tokio::runtime::Runtime>,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The server's process, when it runs as one.
    process: Option<std::process::Child>,
}

impl TestServer {
    /// A server with a fresh SQLite data dir.
    pub async fn start(config: Config) -> TestServer {
        TestServer::start_in(&crate::temp_dir("data"), config).await
    }

    /// A server on the SQLite store in `data_dir` (reopened if it exists).
    pub async fn start_in(data_dir: &Path, config: Config) -> TestServer {
        TestServer::start_at(data_dir, "127.0.0.1:0".parse().expect("addr"), config).await
    }

    /// As [`TestServer::start_in`], listening on `addr` (to come back where
    /// a stopped server was, for the clients that reconnect).
    pub async fn start_at(data_dir: &Path, addr: SocketAddr, config: Config) -> TestServer {
        crate::init_tracing();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        let store = SqliteStore::open(data_dir).expect("open store");
        let listener = std::net::TcpListener::bind(addr).expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let listener = {
            let _inside = runtime.enter();
            tokio::net::TcpListener::from_std(listener).expect("listener")
        };
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let keys = Keys::load_or_create(data_dir).expect("key");
        let state = AppState::new(config, Arc::new(store), keys.clone());
        let done = runtime.spawn(atelier_server::run(listener, state, async {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            data_dir: data_dir.to_owned(),
            keys,
            runtime: Some(runtime),
            stop: Some(stop),
            done: Some(done),
            process: None,
        }
    }

    /// The `atelier` binary as a process of its own, serving a fresh data
    /// directory on a free loopback port, with `args` after `serve`.
    pub async fn spawn(args: &[&str]) -> TestServer {
        TestServer::spawn_in(&crate::temp_dir("process"), args).await
    }

    /// As [`TestServer::spawn`], on the data directory `data_dir`.
    pub async fn spawn_in(data_dir: &Path, args: &[&str]) -> TestServer {
        let command = match std::env::var("ATELIER_TEST_WRAP") {
            Ok(wrap) => {
                let mut words = wrap.split_whitespace();
                let mut c = std::process::Command::new(words.next().expect("a command"));
                c.args(words).arg(crate::server_binary());
                c
            }
            Err(_) => std::process::Command::new(crate::server_binary()),
        };
        TestServer::spawn_command(command, data_dir, args).await
    }

    /// As [`TestServer::spawn`], with another build of `atelier` (side by
    /// side runs against an earlier version).
    pub async fn spawn_binary(binary: &Path, args: &[&str]) -> TestServer {
        let command = std::process::Command::new(binary);
        TestServer::spawn_command(command, &crate::temp_dir("process"), args).await
    }

    async fn spawn_command(
        mut command: std::process::Command,
        data_dir: &Path,
        args: &[&str],
    ) -> TestServer {
        use std::io::BufRead;
        const SECRET: &str = "a-test-secret-of-the-process";
        let mut child = command
            .arg("serve")
            .args(["--addr", "127.0.0.1:0", "--secret", SECRET])
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .env(
                "RUST_LOG",
                std::env::var("ATELIER_TEST_RUST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("start the atelier process");
        let stdout = child.stdout.take().expect("stdout");
        let (found, addr) = std::sync::mpsc::channel();
        // Its log says where it listens; the rest is drained so it never
        // blocks on a full pipe.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find("http://") {
                    let rest = &line[at + 7..];
                    let end = rest.find('/').unwrap_or(rest.len());
                    if let (Some(tx), Ok(addr)) = (found.take(), rest[..end].parse()) {
                        let _ = tx.send(addr);
                    }
                }
                if std::env::var_os("ATELIER_TEST_LOG").is_some() {
                    eprintln!("[atelier] {line}");
                }
            }
        });
        let addr: SocketAddr = tokio::task::spawn_blocking(move || {
            addr.recv_timeout(std::time::Duration::from_secs(30))
        })
        .await
        .expect("waiting for the address")
        .expect("the atelier process said where it listens");
        TestServer {
            addr,
            data_dir: data_dir.to_owned(),
            keys: Keys::new(SECRET.as_bytes()),
            runtime: None,
            stop: None,
            done: None,
            process: Some(child),
        }
    }

    /// The server process's resident memory and its peak so far, in KiB
    /// (`VmRSS`, `VmHWM`).
    pub fn rss_kib(&self) -> (u64, u64) {
        let pid = self.process.as_ref().expect("a server process").id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.process.as_ref().expect("a server process").id()
    }

    /// Whether the server process is still running.
    pub fn alive(&mut self) -> bool {
        self.process
            .as_mut()
            .is_some_and(|p| matches!(p.try_wait(), Ok(None)))
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The websocket URL of `board`, with a facilitator's link.
    pub fn ws(&self, board: &str) -> String {
        self.ws_as(board, Role::Facilitator)
    }

    /// The websocket URL of `board` for `role` (first-generation link).
    pub fn ws_as(&self, board: &str, role: Role) -> String {
        format!("{}?t={}", self.ws_bare(board), self.token(board, role))
    }

    /// The websocket URL of `board` without any link.
    pub fn ws_bare(&self, board: &str) -> String {
        format!("ws://{}/ws/{}", self.addr, board)
    }

    /// A first-generation token for `role` on `board`.
    pub fn token(&self, board: &str, role: Role) -> String {
        self.token_at(board, role, 0)
    }

    pub fn token_at(&self, board: &str, role: Role, generation: u32) -> String {
        let id = board.parse().expect("board id");
        self.keys.mint(&id, role, generation, 0)
    }

    /// The board's page through a facilitator's share link.
    pub fn board_url(&self, board: &str) -> String {
        self.board_url_as(board, Role::Facilitator)
    }

    pub fn board_url_as(&self, board: &str, role: Role) -> String {
        self.http(&format!("/b/{board}?t={}", self.token(board, role)))
    }

    /// Graceful shutdown, as on SIGTERM; waits until the server has stopped.
    pub async fn stop(mut self) {
        if let Some(mut child) = self.process.take() {
            let pid = child.id().to_string();
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status();
            let status = tokio::task::spawn_blocking(move || child.wait())
                .await
                .expect("waiting for the process");
            assert!(status.is_ok_and(|s| s.success()), "atelier exited badly");
            return;
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            done.await.expect("server task").expect("server run");
        }
    }

    /// Kills the server without any shutdown: every task is dropped where it
    /// stands, as when the process dies.
    pub fn crash(mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `GET path`, returning status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, None).await
    }

    /// Creates a board titled `title` through the API; returns its id.
    pub async fn new_board(&self, title: &str) -> String {
        self.create_board(serde_json::json!({ "title": title }))
            .await
    }

    /// Creates a board from `template`, its texts in `lang`; returns its id.
    pub async fn new_board_from(&self, title: &str, template: &str, lang: &str) -> String {
        self.create_board(serde_json::json!({ "title": title, "template": template, "lang": lang }))
            .await
    }

    async fn create_board(&self, body: serde_json::Value) -> String {
        let body = body.to_string();
        let (status, body) = self.request("POST", "/api/boards", Some(&body)).await;
        assert_eq!(status, 201, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).expect("board JSON")["id"]
            .as_str()
            .expect("board id")
            .to_owned()
    }

    /// A new board titled `title`: its id, its page's URL, and a synced
    /// Yjs client on it (to check the document).
    pub async fn board_with_bot(&self, title: &str) -> (String, String, crate::YClient) {
        let id = self.new_board(title).await;
        let url = self.board_url(&id);
        let mut bot = crate::YClient::connect(&self.ws(&id)).await.expect("bot");
        bot.synced().await;
        (id, url, bot)
    }

    /// A minimal HTTP/1.1 request over a plain TCP socket: status and body.
    pub async fn request(&self, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
        let (status, _, body) = self.exchange(method, path, json, None).await;
        (status, body)
    }

    /// As [`TestServer::request`], with `Authorization: Bearer {token}`.
    pub async fn request_with(
        &self,
        token: &str,
        method: &str,
        path: &str,
        json: Option<&str>,
    ) -> (u16, String) {
        let (status, _, body) = self.exchange(method, path, json, Some(token)).await;
        (status, body)
    }

    /// As [`TestServer::request_with`]: the raw body of a success.
    pub async fn request_bytes(
        &self,
        token: &str,
        method: &str,
        path: &str,
        json: Option<&str>,
    ) -> Vec<u8> {
        let response = self.raw(method, path, json, Some(token)).await;
        let at = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("headers");
        let head = String::from_utf8_lossy(&response[..at]).to_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        let body = response[at + 4..].to_vec();
        if head.contains("transfer-encoding: chunked") {
            dechunk(&body)
        } else {
            body
        }
    }

    /// The response headers of a GET of `path`, in lower case.
    pub async fn raw_head(&self, path: &str) -> String {
        self.exchange("GET", path, None, None)
            .await
            .1
            .to_lowercase()
    }

    /// One HTTP/1.1 request over a plain TCP socket: the whole response.
    async fn raw(
        &self,
        method: &str,
        path: &str,
        json: Option<&str>,
        token: Option<&str>,
    ) -> Vec<u8> {
        self.raw_body(method, path, json.unwrap_or("").as_bytes(), token)
            .await
    }

    /// A request with `body` (any bytes): its status, its headers (lower
    /// case) and its body.
    pub async fn send_bytes(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        token: Option<&str>,
    ) -> (u16, String, Vec<u8>) {
        let response = self.raw_body(method, path, body, token).await;
        let at = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(response.len());
        let head = String::from_utf8_lossy(&response[..at]).to_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response.get(at + 4..).unwrap_or_default().to_vec();
        let body = if head.contains("transfer-encoding: chunked") {
            dechunk(&body)
        } else {
            body
        };
        (status, head, body)
    }

    async fn raw_body(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        token: Option<&str>,
    ) -> Vec<u8> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut tcp = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect");
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.expect("write");
        // A server may answer (413) before reading a body it refuses.
        let _ = tcp.write_all(body).await;
        let mut response = Vec::new();
        // (A reset after the answer is still the answer.)
        let _ = tcp.read_to_end(&mut response).await;
        response
    }

    async fn exchange(
        &self,
        method: &str,
        path: &str,
        json: Option<&str>,
        token: Option<&str>,
    ) -> (u16, String, String) {
        let response = self.raw(method, path, json, token).await;
        let response = String::from_utf8_lossy(&response).to_string();
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (head, body) = response
            .split_once("\r\n\r\n")
            .map(|(h, b)| (h.to_owned(), b.to_owned()))
            .unwrap_or_default();
        (status, head, body)
    }

    /// Polls `/metrics` until `name` satisfies `check` (up to 5 s).
    pub async fn metric_reaches(&self, name: &str, check: impl Fn(f64) -> bool) -> bool {
        for _ in 0..100 {
            if check(self.metric(name).await) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }

    /// The value of one metric from `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let (_, body) = self.get("/metrics").await;
        body.lines()
            .find_map(|line| {
                let (key, value) = line.split_once(' ')?;
                (key == name).then(|| value.parse().ok())?
            })
            .unwrap_or_else(|| panic!("metric {name} missing"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A chunked HTTP/1.1 body, put back together.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&body[start..start + size]);
        body = &body[start + size + 2..];
    }
}
