//! The store of a cluster: PostgreSQL, shared by every node
//! (`--store postgres://…`).
//!
//! Same rows as the SQLite store. What several nodes writing to one board
//! need beyond it:
//! - sequence numbers are taken under the board's row lock, so they are
//!   given in commit order: once update `n` is visible, every update
//!   before it is too (a node reading "after `m`" never skips one);
//! - a compaction runs on one node at a time per board
//!   (`pg_try_advisory_xact_lock`) and merges into its snapshot the rows
//!   it deletes, read in the same transaction: an update another node
//!   stored, that this one has not applied yet, is never lost;
//! - the share links' key lives here, so every node signs alike.

use std::time::Duration;

use async_trait::async_trait;
use atelier_shared::BoardId;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::{IsolationLevel, NoTls, Row};

use super::{
    BoardInfo, Store, StoreError, StoredDoc, Version, implicit_info, now_ms, pseudonym_code,
    pseudonym_seq,
};
use crate::access::{Generations, Role};

/// How long a call waits for a connection, or to make one, before it fails
/// (PostgreSQL down: the room says so instead of hanging).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections one node keeps to PostgreSQL at most.
const POOL_SIZE: usize = 16;
/// Held while the schema is made, so nodes starting together do not race.
const SCHEMA_LOCK: i64 = 0x4154_454c_4945_5201;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS boards (
    id       TEXT PRIMARY KEY,
    title    TEXT NOT NULL,
    template TEXT NOT NULL,
    created  BIGINT NOT NULL,
    updated  BIGINT NOT NULL,
    last_seq BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS updates (
    board TEXT NOT NULL,
    seq   BIGINT NOT NULL,
    data  BYTEA NOT NULL,
    PRIMARY KEY (board, seq)
);
CREATE TABLE IF NOT EXISTS snapshots (
    board TEXT PRIMARY KEY,
    seq   BIGINT NOT NULL,
    data  BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS facilitation (
    board TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    rev   BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS links (
    board       TEXT PRIMARY KEY,
    facilitator BIGINT NOT NULL DEFAULT 0,
    editor      BIGINT NOT NULL DEFAULT 0,
    viewer      BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS versions (
    id      BIGSERIAL PRIMARY KEY,
    board   TEXT NOT NULL,
    name    TEXT NOT NULL,
    created BIGINT NOT NULL,
    auto    BOOLEAN NOT NULL,
    state   BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_board ON versions (board, id);
CREATE TABLE IF NOT EXISTS pseudonyms (
    board TEXT NOT NULL,
    seq   BIGINT NOT NULL,
    name  TEXT NOT NULL,
    PRIMARY KEY (board, seq),
    UNIQUE (board, name)
);
CREATE TABLE IF NOT EXISTS pseudonym_counters (
    board TEXT PRIMARY KEY,
    next  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS private_notes (
    board TEXT NOT NULL,
    voter TEXT NOT NULL,
    notes BYTEA NOT NULL,
    PRIMARY KEY (board, voter)
);
CREATE TABLE IF NOT EXISTS images (
    board TEXT NOT NULL,
    id    TEXT NOT NULL,
    mime  TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (board, id)
);
CREATE TABLE IF NOT EXISTS settings (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
";

#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`)
    /// and makes the tables that are missing.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| StoreError::Config(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("atelier");
        // "relation already exists, skipping" and the like stay out of the log.
        config.options("-c client_min_messages=warning");
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Config(e.to_string()))?;
        let store = PostgresStore { pool };
        let mut client = store.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await?;
        tx.batch_execute(SCHEMA).await?;
        tx.commit().await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// The key that signs share links, made once by the first node and
    /// read by the others.
    pub async fn links_key(&self) -> Result<Vec<u8>, StoreError> {
        let client = self.client().await?;
        let made: [u8; 32] = rand::random();
        client
            .execute(
                "INSERT INTO settings (name, value) VALUES ('links_key', $1)
                 ON CONFLICT (name) DO NOTHING",
                &[&made.as_slice()],
            )
            .await?;
        let row = client
            .query_one("SELECT value FROM settings WHERE name = 'links_key'", &[])
            .await?;
        Ok(row.get(0))
    }
}

fn row_to_info(row: &Row) -> BoardInfo {
    BoardInfo {
        id: row.get(0),
        title: row.get(1),
        template: row.get(2),
        created: row.get(3),
        updated: row.get(4),
    }
}

fn to_generations(row: Option<Row>) -> Generations {
    // Stored modulo 2^32 (see `regenerate`): each fits a u32.
    row.map(|r| Generations {
        facilitator: r.get::<_, i64>(0) as u32,
        editor: r.get::<_, i64>(1) as u32,
        viewer: r.get::<_, i64>(2) as u32,
    })
    .unwrap_or_default()
}

const INFO_COLUMNS: &str = "id, title, template, created, updated";
const LINK_COLUMNS: &str = "facilitator, editor, viewer";

#[async_trait]
impl Store for PostgresStore {
    async fn load(&self, board: &BoardId) -> Result<StoredDoc, StoreError> {
        self.tail(board, 0).await
    }

    /// What was stored after `after`: one consistent read (repeatable
    /// read), with the snapshot if a compaction merged rows past `after`.
    async fn tail(&self, board: &BoardId, after: i64) -> Result<StoredDoc, StoreError> {
        let board = board.as_str();
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let last_seq: i64 = tx
            .query_opt("SELECT last_seq FROM boards WHERE id = $1", &[&board])
            .await?
            .map_or(0, |r| r.get(0));
        let snapshot = tx
            .query_opt(
                "SELECT seq, data FROM snapshots WHERE board = $1 AND seq > $2",
                &[&board, &after],
            )
            .await?
            .map(|r| (r.get::<_, i64>(0), r.get::<_, Vec<u8>>(1)));
        let from = snapshot.as_ref().map_or(after, |(seq, _)| *seq);
        let updates = tx
            .query(
                "SELECT data FROM updates WHERE board = $1 AND seq > $2 ORDER BY seq",
                &[&board, &from],
            )
            .await?
            .into_iter()
            .map(|r| r.get(0))
            .collect();
        tx.commit().await?;
        Ok(StoredDoc {
            snapshot: snapshot.map(|(_, data)| data),
            updates,
            last_seq,
        })
    }

    async fn append(&self, board: &BoardId, updates: Vec<Vec<u8>>) -> Result<i64, StoreError> {
        let now = now_ms();
        let implicit = implicit_info(board, now);
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO boards (id, title, template, created, updated) VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (id) DO NOTHING",
            &[&implicit.id, &implicit.title, &implicit.template, &now],
        )
        .await?;
        // The row lock taken here orders the board's appends: sequence
        // numbers are visible in the order they are given.
        let count = updates.len() as i64;
        let last: i64 = tx
            .query_one(
                "UPDATE boards SET last_seq = last_seq + $2, updated = $3 WHERE id = $1
                 RETURNING last_seq",
                &[&board.as_str(), &count, &now],
            )
            .await?
            .get(0);
        tx.execute(
            "INSERT INTO updates (board, seq, data)
             SELECT $1, $2 + ord, data FROM unnest($3::bytea[]) WITH ORDINALITY AS u(data, ord)",
            &[&board.as_str(), &(last - count), &updates],
        )
        .await?;
        tx.commit().await?;
        Ok(last)
    }

    /// Merges `snapshot`, the stored snapshot and every row up to
    /// `upto_seq` into the new snapshot, then deletes those rows, in one
    /// transaction; skipped while another node compacts the board.
    async fn compact(
        &self,
        board: &BoardId,
        snapshot: Vec<u8>,
        upto_seq: i64,
    ) -> Result<(), StoreError> {
        let id = board;
        let board = board.as_str();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let mine: bool = tx
            .query_one(
                "SELECT pg_try_advisory_xact_lock(hashtextextended('atelier-compact:' || $1, 0))",
                &[&board],
            )
            .await?
            .get(0);
        if !mine {
            return Ok(());
        }
        let stored = tx
            .query_opt(
                "SELECT seq, data FROM snapshots WHERE board = $1",
                &[&board],
            )
            .await?
            .map(|r| (r.get::<_, i64>(0), r.get::<_, Vec<u8>>(1)));
        let from = stored.as_ref().map_or(0, |(seq, _)| *seq);
        if upto_seq <= from {
            return Ok(()); // compacted past it already
        }
        let rows: Vec<Vec<u8>> = tx
            .query(
                "SELECT data FROM updates WHERE board = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
                &[&board, &from, &upto_seq],
            )
            .await?
            .into_iter()
            .map(|r| r.get(0))
            .collect();
        let mut items = rows;
        items.push(snapshot);
        let merged = super::merged(
            id,
            &StoredDoc {
                snapshot: stored.map(|(_, data)| data),
                updates: items,
                last_seq: upto_seq,
            },
        )?;
        tx.execute(
            "INSERT INTO snapshots (board, seq, data) VALUES ($1, $2, $3)
             ON CONFLICT (board) DO UPDATE SET seq = excluded.seq, data = excluded.data",
            &[&board, &upto_seq, &merged],
        )
        .await?;
        tx.execute(
            "DELETE FROM updates WHERE board = $1 AND seq <= $2",
            &[&board, &upto_seq],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create(&self, info: &BoardInfo, first_update: Vec<u8>) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let inserted = tx
            .execute(
                "INSERT INTO boards (id, title, template, created, updated, last_seq)
                 VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (id) DO NOTHING",
                &[
                    &info.id,
                    &info.title,
                    &info.template,
                    &info.created,
                    &info.updated,
                ],
            )
            .await?;
        if inserted == 0 {
            return Err(StoreError::Exists);
        }
        tx.execute(
            "INSERT INTO updates (board, seq, data) VALUES ($1, 1, $2)",
            &[&info.id, &first_update],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn info(&self, board: &BoardId) -> Result<Option<BoardInfo>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                &format!("SELECT {INFO_COLUMNS} FROM boards WHERE id = $1"),
                &[&board.as_str()],
            )
            .await?
            .as_ref()
            .map(row_to_info))
    }

    async fn list(&self) -> Result<Vec<BoardInfo>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                &format!("SELECT {INFO_COLUMNS} FROM boards ORDER BY updated DESC, id"),
                &[],
            )
            .await?
            .iter()
            .map(row_to_info)
            .collect())
    }

    async fn set_title(&self, board: &BoardId, title: &str) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE boards SET title = $2, updated = $3 WHERE id = $1",
                &[&board.as_str(), &title, &now_ms()],
            )
            .await?;
        Ok(())
    }

    async fn links(&self, board: &BoardId) -> Result<Generations, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {LINK_COLUMNS} FROM links WHERE board = $1"),
                &[&board.as_str()],
            )
            .await?;
        Ok(to_generations(row))
    }

    async fn regenerate(&self, board: &BoardId, role: Role) -> Result<Generations, StoreError> {
        let client = self.client().await?;
        // The column is one of three fixed names, never user input.
        let column = role.as_str();
        let row = client
            .query_one(
                &format!(
                    "INSERT INTO links AS l (board, {column}) VALUES ($1, 1)
                     ON CONFLICT (board) DO UPDATE SET {column} = (l.{column} + 1) % 4294967296
                     RETURNING {LINK_COLUMNS}"
                ),
                &[&board.as_str()],
            )
            .await?;
        Ok(to_generations(Some(row)))
    }

    async fn facilitation(&self, board: &BoardId) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT state FROM facilitation WHERE board = $1",
                &[&board.as_str()],
            )
            .await?
            .map(|r| r.get(0)))
    }

    async fn set_facilitation(&self, board: &BoardId, state: &str) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO facilitation AS f (board, state, rev) VALUES ($1, $2, 1)
                 ON CONFLICT (board) DO UPDATE SET state = excluded.state, rev = f.rev + 1",
                &[&board.as_str(), &state],
            )
            .await?;
        Ok(())
    }

    async fn facilitation_rev(&self, board: &BoardId) -> Result<(Option<String>, i64), StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT state, rev FROM facilitation WHERE board = $1",
                &[&board.as_str()],
            )
            .await?
            .map_or((None, 0), |r| (Some(r.get(0)), r.get(1))))
    }

    /// Compare and set on the row's revision: of two nodes changing the
    /// state from the same revision, one wins, the other reads it again.
    async fn swap_facilitation(
        &self,
        board: &BoardId,
        rev: i64,
        state: &str,
    ) -> Result<Option<i64>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "INSERT INTO facilitation AS f (board, state, rev) VALUES ($1, $2, $3::bigint + 1)
                 ON CONFLICT (board) DO UPDATE SET state = excluded.state, rev = f.rev + 1
                 WHERE f.rev = $3::bigint
                 RETURNING rev",
                &[&board.as_str(), &state, &rev],
            )
            .await?
            .map(|r| r.get(0)))
    }

    async fn save_version(
        &self,
        board: &BoardId,
        name: &str,
        auto: bool,
        state: Vec<u8>,
    ) -> Result<Version, StoreError> {
        let created = now_ms();
        let client = self.client().await?;
        let id: i64 = client
            .query_one(
                "INSERT INTO versions (board, name, created, auto, state) VALUES ($1, $2, $3, $4, $5)
                 RETURNING id",
                &[&board.as_str(), &name, &created, &auto, &state],
            )
            .await?
            .get(0);
        Ok(Version {
            id,
            name: name.to_owned(),
            created,
            auto,
        })
    }

    async fn versions(&self, board: &BoardId) -> Result<Vec<Version>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                "SELECT id, name, created, auto FROM versions WHERE board = $1 ORDER BY id DESC",
                &[&board.as_str()],
            )
            .await?
            .into_iter()
            .map(|r| Version {
                id: r.get(0),
                name: r.get(1),
                created: r.get(2),
                auto: r.get(3),
            })
            .collect())
    }

    async fn version(&self, board: &BoardId, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT state FROM versions WHERE board = $1 AND id = $2",
                &[&board.as_str(), &id],
            )
            .await?
            .map(|r| r.get(0)))
    }

    async fn replace_version(
        &self,
        board: &BoardId,
        id: i64,
        state: Vec<u8>,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "UPDATE versions SET state = $3 WHERE board = $1 AND id = $2",
                &[&board.as_str(), &id, &state],
            )
            .await?;
        Ok(changed > 0)
    }

    async fn pseudonymise(
        &self,
        board: &BoardId,
        names: Vec<String>,
    ) -> Result<Vec<String>, StoreError> {
        let board = board.as_str();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The counter's row lock makes two imports at once take turns.
        tx.execute(
            "INSERT INTO pseudonym_counters (board, next) VALUES ($1, 1)
             ON CONFLICT (board) DO NOTHING",
            &[&board],
        )
        .await?;
        let mut next: i64 = tx
            .query_one(
                "SELECT next FROM pseudonym_counters WHERE board = $1 FOR UPDATE",
                &[&board],
            )
            .await?
            .get(0);
        let mut codes = Vec::with_capacity(names.len());
        for name in &names {
            let known = tx
                .query_opt(
                    "SELECT seq FROM pseudonyms WHERE board = $1 AND name = $2",
                    &[&board, name],
                )
                .await?
                .map(|r| r.get::<_, i64>(0));
            let seq = match known {
                Some(seq) => seq,
                None => {
                    tx.execute(
                        "INSERT INTO pseudonyms (board, seq, name) VALUES ($1, $2, $3)",
                        &[&board, &next, name],
                    )
                    .await?;
                    next += 1;
                    next - 1
                }
            };
            codes.push(pseudonym_code(seq));
        }
        tx.execute(
            "UPDATE pseudonym_counters SET next = $2 WHERE board = $1",
            &[&board, &next],
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    async fn pseudonyms(&self, board: &BoardId) -> Result<Vec<(String, String)>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                "SELECT seq, name FROM pseudonyms WHERE board = $1 ORDER BY seq",
                &[&board.as_str()],
            )
            .await?
            .into_iter()
            .map(|r| (pseudonym_code(r.get(0)), r.get(1)))
            .collect())
    }

    async fn forget_pseudonyms(
        &self,
        board: &BoardId,
        code: Option<String>,
    ) -> Result<usize, StoreError> {
        let client = self.client().await?;
        let board = board.as_str();
        let forgotten = match code.as_deref().map(pseudonym_seq) {
            Some(Some(seq)) => {
                client
                    .execute(
                        "DELETE FROM pseudonyms WHERE board = $1 AND seq = $2",
                        &[&board, &seq],
                    )
                    .await?
            }
            Some(None) => 0,
            None => {
                client
                    .execute("DELETE FROM pseudonyms WHERE board = $1", &[&board])
                    .await?
            }
        };
        Ok(forgotten as usize)
    }

    async fn privates(&self, board: &BoardId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                "SELECT voter, notes FROM private_notes WHERE board = $1",
                &[&board.as_str()],
            )
            .await?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    async fn set_private(
        &self,
        board: &BoardId,
        voter: &str,
        notes: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        let board = board.as_str();
        match notes {
            Some(notes) => {
                client
                    .execute(
                        "INSERT INTO private_notes (board, voter, notes) VALUES ($1, $2, $3)
                         ON CONFLICT (board, voter) DO UPDATE SET notes = excluded.notes",
                        &[&board, &voter, &notes],
                    )
                    .await?
            }
            None => {
                client
                    .execute(
                        "DELETE FROM private_notes WHERE board = $1 AND voter = $2",
                        &[&board, &voter],
                    )
                    .await?
            }
        };
        Ok(())
    }

    async fn put_image(
        &self,
        board: &BoardId,
        id: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<(usize, usize), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO images (board, id, mime, bytes) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (board, id) DO NOTHING",
                &[&board.as_str(), &id, &mime, &bytes],
            )
            .await?;
        self.images_held(board).await
    }

    async fn images_held(&self, board: &BoardId) -> Result<(usize, usize), StoreError> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT count(*), coalesce(sum(octet_length(bytes)), 0)::bigint
                 FROM images WHERE board = $1",
                &[&board.as_str()],
            )
            .await?;
        Ok((row.get::<_, i64>(0) as usize, row.get::<_, i64>(1) as usize))
    }

    async fn image(
        &self,
        board: &BoardId,
        id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT mime, bytes FROM images WHERE board = $1 AND id = $2",
                &[&board.as_str(), &id],
            )
            .await?
            .map(|r| (r.get(0), r.get(1))))
    }

    async fn copy_images(&self, from: &BoardId, to: &BoardId) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO images (board, id, mime, bytes)
                 SELECT $2, id, mime, bytes FROM images WHERE board = $1
                 ON CONFLICT (board, id) DO NOTHING",
                &[&from.as_str(), &to.as_str()],
            )
            .await?;
        Ok(())
    }

    async fn delete(&self, board: &BoardId) -> Result<bool, StoreError> {
        let board = board.as_str();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let existed = tx
            .execute("DELETE FROM boards WHERE id = $1", &[&board])
            .await?
            > 0;
        for table in [
            "versions",
            "updates",
            "snapshots",
            "facilitation",
            "private_notes",
            "pseudonyms",
            "pseudonym_counters",
            "images",
        ] {
            tx.execute(&format!("DELETE FROM {table} WHERE board = $1"), &[&board])
                .await?;
        }
        tx.execute(
            "INSERT INTO links AS l (board, facilitator, editor, viewer) VALUES ($1, 1, 1, 1)
             ON CONFLICT (board) DO UPDATE SET facilitator = (l.facilitator + 1) % 4294967296,
                 editor = (l.editor + 1) % 4294967296, viewer = (l.viewer + 1) % 4294967296",
            &[&board],
        )
        .await?;
        tx.commit().await?;
        Ok(existed)
    }

    /// Vacuums the tables an erasure rewrites: the rows it replaced are
    /// removed from them (PostgreSQL keeps them until then).
    async fn scrub(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .batch_execute("VACUUM updates, snapshots, versions, private_notes, pseudonyms")
            .await?;
        Ok(())
    }
}
