//! The real engines of a cluster, for the multi-node tests: a throwaway
//! PostgreSQL (initdb in a temporary directory) and a nats-server, each on
//! a loopback port of its own, stopped when dropped.
//!
//! They come from Debian's `postgresql` and `nats-server` packages, which
//! `cargo xtask test` installs. A test that finds them missing fails and
//! says so: it never passes without them. `cargo xtask cluster` starts its
//! demo's engines with this same file (it depends on nothing but anyhow).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A PostgreSQL cluster of its own, on `127.0.0.1:port`.
pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// initdb refuses to run as root: as root, the cluster is run as the
    /// `postgres` user (uid, gid).
    user: Option<(u32, u32)>,
}

impl Postgres {
    /// initdb, then starts the server and waits until it takes connections.
    pub fn start() -> Result<Postgres> {
        let bin = postgres_bin()?;
        let dir = std::env::temp_dir().join(format!(
            "atelier-pg-{}-{}",
            std::process::id(),
            free_port()?
        ));
        std::fs::create_dir_all(&dir)?;
        let user = if is_root() {
            let uid = id(&["-u", "postgres"])?;
            let gid = id(&["-g", "postgres"])?;
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))?;
            Some((uid, gid))
        } else {
            None
        };
        let pg = Postgres {
            dir,
            bin,
            port: free_port()?,
            user,
        };
        pg.run(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )
        .context("initdb")?;
        pg.start_again()?;
        Ok(pg)
    }

    /// `postgres://…` for `--store`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server again after [`Postgres::stop`] (same port, same data).
    pub fn start_again(&self) -> Result<()> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
        )
        .with_context(|| format!("starting PostgreSQL (log: {log})"))
    }

    /// Stops the server (fast: open connections are cut, what is committed
    /// stays).
    pub fn stop(&self) -> Result<()> {
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "fast", "-w", "-t", "60", "stop"],
        )
    }

    /// Runs `sql` with psql, returning what it prints (unaligned, tuples only).
    pub fn sql(&self, sql: &str) -> Result<String> {
        let out = self
            .command("psql")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", "postgres", "-AtX", "-c", sql])
            .output()?;
        if !out.status.success() {
            bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn command(&self, tool: &str) -> Command {
        let mut command = Command::new(self.bin.join(tool));
        command.current_dir(&self.dir);
        if let Some((uid, gid)) = self.user {
            command.uid(uid).gid(gid);
        }
        command
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<()> {
        let out = self
            .command(tool)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {tool}"))?;
        if !out.status.success() {
            bail!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A nats-server of its own, on `127.0.0.1:port`.
pub struct Nats {
    binary: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl Nats {
    pub fn start() -> Result<Nats> {
        let binary = nats_binary()?;
        let mut nats = Nats {
            binary,
            port: free_port()?,
            child: None,
        };
        nats.start_again()?;
        Ok(nats)
    }

    /// `nats://…` for `--broker`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server again after [`Nats::stop`], on the same port.
    pub fn start_again(&mut self) -> Result<()> {
        let child = Command::new(&self.binary)
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))?;
        self.child = Some(child);
        wait_for_port(self.port, Duration::from_secs(20)).context("nats-server did not start")
    }

    /// Kills the server: every subscription and message in flight is lost.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where Debian keeps PostgreSQL's programs (the newest version), or
/// `ATELIER_PG_BIN`.
fn postgres_bin() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("ATELIER_PG_BIN") {
        return Ok(bin.into());
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): \
             `cargo xtask test` installs it (apt-get install postgresql)"
        ),
    }
}

fn nats_binary() -> Result<PathBuf> {
    if let Some(binary) = std::env::var_os("ATELIER_NATS_SERVER") {
        return Ok(binary.into());
    }
    for dir in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
        let binary = Path::new(dir).join("nats-server");
        if binary.exists() {
            return Ok(binary);
        }
    }
    bail!(
        "nats-server is not installed: `cargo xtask test` installs it (apt-get install nats-server)"
    )
}

fn is_root() -> bool {
    id(&["-u"]).is_ok_and(|uid| uid == 0)
}

fn id(args: &[&str]) -> Result<u32> {
    let out = Command::new("id").args(args).output()?;
    if !out.status.success() {
        bail!(
            "id {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
}

/// A loopback port nobody listens on (as far as can be known).
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!("nothing listens on port {port} after {timeout:?}")
}
