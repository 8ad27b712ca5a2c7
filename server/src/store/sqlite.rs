//! The embedded default store: one SQLite file in the data directory.
//!
//! SQLite is bundled (nothing to install). WAL journal with
//! `synchronous=FULL`: a committed append survives a crash of the process
//! and of the machine. Calls run on tokio's blocking pool, one at a time on
//! one connection; rooms batch their appends (group commit), so one
//! transaction carries every update that arrived meanwhile.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use atelier_shared::BoardId;
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    BoardInfo, Store, StoreError, StoredDoc, Version, implicit_info, now_ms, pseudonym_code,
    pseudonym_seq,
};
use crate::access::{Generations, Role};

/// 2: share link generations (`links`); 3: facilitation state; 4: named
/// versions and private notes.
const SCHEMA_VERSION: i64 = 5;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS boards (
    id       TEXT PRIMARY KEY,
    title    TEXT NOT NULL,
    template TEXT NOT NULL,
    created  INTEGER NOT NULL,
    updated  INTEGER NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS updates (
    board TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    data  BLOB NOT NULL,
    PRIMARY KEY (board, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    board TEXT PRIMARY KEY,
    seq   INTEGER NOT NULL,
    data  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS facilitation (
    board TEXT PRIMARY KEY,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    board       TEXT PRIMARY KEY,
    facilitator INTEGER NOT NULL DEFAULT 0,
    editor      INTEGER NOT NULL DEFAULT 0,
    viewer      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS versions (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    board   TEXT NOT NULL,
    name    TEXT NOT NULL,
    created INTEGER NOT NULL,
    auto    INTEGER NOT NULL,
    state   BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_board ON versions (board, id);
CREATE TABLE IF NOT EXISTS pseudonyms (
    board TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    name  TEXT NOT NULL,
    PRIMARY KEY (board, seq),
    UNIQUE (board, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pseudonym_counters (
    board TEXT PRIMARY KEY,
    next  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS private_notes (
    board TEXT NOT NULL,
    voter TEXT NOT NULL,
    notes BLOB NOT NULL,
    PRIMARY KEY (board, voter)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS images (
    board TEXT NOT NULL,
    id    TEXT NOT NULL,
    mime  TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (board, id)
);
";

/// What `board` holds of images: (how many, their bytes).
fn held(conn: &Connection, board: &str) -> rusqlite::Result<(usize, usize)> {
    conn.query_row(
        "SELECT count(*), coalesce(sum(length(bytes)), 0) FROM images WHERE board = ?1",
        [board],
        |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
    )
}

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) `atelier.db` in `dir`. A directory that
    /// holds a share links' key (`secret.key`) held boards: there, a missing
    /// or empty database is an error, never a fresh empty server.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("atelier.db");
        let had_boards = dir.join("secret.key").exists();
        let missing = || {
            StoreError::Missing(format!(
                "{} is missing or empty, but {} has the key of boards made here: \
                 restore the database (with its -wal file) from a backup, or remove \
                 secret.key to start an empty server (every old link stops working)",
                path.display(),
                dir.display()
            ))
        };
        if had_boards && !path.exists() {
            return Err(missing());
        }
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "busy_timeout", 5000)?;
        // What is deleted is overwritten, not left in free pages: an
        // erased interviewee is gone from the file (see `scrub` for the
        // write-ahead log).
        conn.pragma_update(None, "secure_delete", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version == 0 && had_boards {
            return Err(missing());
        }
        if version < SCHEMA_VERSION {
            conn.execute_batch(SCHEMA)?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    async fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves no open transaction behind
            // (rusqlite rolls back on drop), so a poisoned lock is still usable.
            let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut conn)
        })
        .await?
    }
}

fn row_to_info(row: &rusqlite::Row<'_>) -> rusqlite::Result<BoardInfo> {
    Ok(BoardInfo {
        id: row.get(0)?,
        title: row.get(1)?,
        template: row.get(2)?,
        created: row.get(3)?,
        updated: row.get(4)?,
    })
}

fn read_links(conn: &Connection, board: &str) -> rusqlite::Result<Generations> {
    Ok(conn
        .query_row(
            "SELECT facilitator, editor, viewer FROM links WHERE board = ?1",
            [board],
            |r| {
                Ok(Generations {
                    facilitator: r.get(0)?,
                    editor: r.get(1)?,
                    viewer: r.get(2)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

const INFO_COLUMNS: &str = "id, title, template, created, updated";

#[async_trait]
impl Store for SqliteStore {
    async fn load(&self, board: &BoardId) -> Result<StoredDoc, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let last_seq: i64 = tx
                .query_row("SELECT last_seq FROM boards WHERE id = ?1", [&board], |r| {
                    r.get(0)
                })
                .optional()?
                .unwrap_or(0);
            let snapshot: Option<(i64, Vec<u8>)> = tx
                .query_row(
                    "SELECT seq, data FROM snapshots WHERE board = ?1",
                    [&board],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let after = snapshot.as_ref().map_or(0, |(seq, _)| *seq);
            let updates = {
                let mut stmt = tx.prepare(
                    "SELECT data FROM updates WHERE board = ?1 AND seq > ?2 ORDER BY seq",
                )?;
                stmt.query_map(params![board, after], |r| r.get(0))?
                    .collect::<Result<Vec<Vec<u8>>, _>>()?
            };
            tx.commit()?;
            Ok(StoredDoc {
                snapshot: snapshot.map(|(_, data)| data),
                updates,
                last_seq,
            })
        })
        .await
    }

    async fn append(&self, board: &BoardId, updates: Vec<Vec<u8>>) -> Result<i64, StoreError> {
        let board = board.clone();
        self.call(move |conn| {
            let now = now_ms();
            let tx = conn.transaction()?;
            let implicit = implicit_info(&board, now);
            tx.execute(
                "INSERT OR IGNORE INTO boards (id, title, template, created, updated) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![implicit.id, implicit.title, implicit.template, now, now],
            )?;
            let mut seq: i64 =
                tx.query_row("SELECT last_seq FROM boards WHERE id = ?1", [board.as_str()], |r| r.get(0))?;
            {
                let mut insert =
                    tx.prepare_cached("INSERT INTO updates (board, seq, data) VALUES (?1, ?2, ?3)")?;
                for update in &updates {
                    seq += 1;
                    insert.execute(params![board.as_str(), seq, update])?;
                }
            }
            tx.execute(
                "UPDATE boards SET last_seq = ?2, updated = ?3 WHERE id = ?1",
                params![board.as_str(), seq, now],
            )?;
            tx.commit()?;
            Ok(seq)
        })
        .await
    }

    async fn compact(
        &self,
        board: &BoardId,
        snapshot: Vec<u8>,
        upto_seq: i64,
    ) -> Result<(), StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO snapshots (board, seq, data) VALUES (?1, ?2, ?3)
                 ON CONFLICT (board) DO UPDATE SET seq = excluded.seq, data = excluded.data",
                params![board, upto_seq, snapshot],
            )?;
            tx.execute(
                "DELETE FROM updates WHERE board = ?1 AND seq <= ?2",
                params![board, upto_seq],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn create(&self, info: &BoardInfo, first_update: Vec<u8>) -> Result<(), StoreError> {
        let info = info.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO boards (id, title, template, created, updated, last_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1)",
                params![
                    info.id,
                    info.title,
                    info.template,
                    info.created,
                    info.updated
                ],
            )?;
            if inserted == 0 {
                return Err(StoreError::Exists);
            }
            tx.execute(
                "INSERT INTO updates (board, seq, data) VALUES (?1, 1, ?2)",
                params![info.id, first_update],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn info(&self, board: &BoardId) -> Result<Option<BoardInfo>, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {INFO_COLUMNS} FROM boards WHERE id = ?1"),
                    [board],
                    row_to_info,
                )
                .optional()?)
        })
        .await
    }

    async fn list(&self) -> Result<Vec<BoardInfo>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {INFO_COLUMNS} FROM boards ORDER BY updated DESC, id"
            ))?;
            let rows = stmt.query_map([], row_to_info)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn set_title(&self, board: &BoardId, title: &str) -> Result<(), StoreError> {
        let (board, title) = (board.to_string(), title.to_owned());
        self.call(move |conn| {
            conn.execute(
                "UPDATE boards SET title = ?2, updated = ?3 WHERE id = ?1",
                params![board, title, now_ms()],
            )?;
            Ok(())
        })
        .await
    }

    async fn links(&self, board: &BoardId) -> Result<Generations, StoreError> {
        let board = board.to_string();
        self.call(move |conn| Ok(read_links(conn, &board)?)).await
    }

    async fn regenerate(&self, board: &BoardId, role: Role) -> Result<Generations, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            tx.execute("INSERT OR IGNORE INTO links (board) VALUES (?1)", [&board])?;
            // The column is one of three fixed names, never user input.
            let column = role.as_str();
            tx.execute(
                &format!(
                    "UPDATE links SET {column} = ({column} + 1) % 4294967296 WHERE board = ?1"
                ),
                [&board],
            )?;
            let links = read_links(&tx, &board)?;
            tx.commit()?;
            Ok(links)
        })
        .await
    }

    async fn facilitation(&self, board: &BoardId) -> Result<Option<String>, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT state FROM facilitation WHERE board = ?1",
                    [board],
                    |r| r.get(0),
                )
                .optional()?)
        })
        .await
    }

    async fn set_facilitation(&self, board: &BoardId, state: &str) -> Result<(), StoreError> {
        let (board, state) = (board.to_string(), state.to_owned());
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO facilitation (board, state) VALUES (?1, ?2)
                 ON CONFLICT (board) DO UPDATE SET state = excluded.state",
                params![board, state],
            )?;
            Ok(())
        })
        .await
    }

    async fn save_version(
        &self,
        board: &BoardId,
        name: &str,
        auto: bool,
        state: Vec<u8>,
    ) -> Result<Version, StoreError> {
        let (board, name, created) = (board.to_string(), name.to_owned(), now_ms());
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO versions (board, name, created, auto, state) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![board, name, created, auto, state],
            )?;
            Ok(Version {
                id: conn.last_insert_rowid(),
                name,
                created,
                auto,
            })
        })
        .await
    }

    async fn versions(&self, board: &BoardId) -> Result<Vec<Version>, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, name, created, auto FROM versions WHERE board = ?1 ORDER BY id DESC",
            )?;
            let rows = stmt.query_map([board], |r| {
                Ok(Version {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created: r.get(2)?,
                    auto: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn version(&self, board: &BoardId, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT state FROM versions WHERE board = ?1 AND id = ?2",
                    params![board, id],
                    |r| r.get(0),
                )
                .optional()?)
        })
        .await
    }

    async fn replace_version(
        &self,
        board: &BoardId,
        id: i64,
        state: Vec<u8>,
    ) -> Result<bool, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let changed = conn.execute(
                "UPDATE versions SET state = ?3 WHERE board = ?1 AND id = ?2",
                params![board, id, state],
            )?;
            Ok(changed > 0)
        })
        .await
    }

    /// Copies the write-ahead log into the database and empties it: the
    /// log's older copies of the pages an erasure rewrote go with it.
    async fn scrub(&self) -> Result<(), StoreError> {
        self.call(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    async fn pseudonymise(
        &self,
        board: &BoardId,
        names: Vec<String>,
    ) -> Result<Vec<String>, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let mut next: i64 = tx
                .query_row(
                    "SELECT next FROM pseudonym_counters WHERE board = ?1",
                    [&board],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(1);
            let mut codes = Vec::with_capacity(names.len());
            for name in &names {
                let known: Option<i64> = tx
                    .query_row(
                        "SELECT seq FROM pseudonyms WHERE board = ?1 AND name = ?2",
                        params![board, name],
                        |r| r.get(0),
                    )
                    .optional()?;
                let seq = match known {
                    Some(seq) => seq,
                    None => {
                        tx.execute(
                            "INSERT INTO pseudonyms (board, seq, name) VALUES (?1, ?2, ?3)",
                            params![board, next, name],
                        )?;
                        next += 1;
                        next - 1
                    }
                };
                codes.push(pseudonym_code(seq));
            }
            tx.execute(
                "INSERT INTO pseudonym_counters (board, next) VALUES (?1, ?2)
                 ON CONFLICT (board) DO UPDATE SET next = excluded.next",
                params![board, next],
            )?;
            tx.commit()?;
            Ok(codes)
        })
        .await
    }

    async fn pseudonyms(&self, board: &BoardId) -> Result<Vec<(String, String)>, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT seq, name FROM pseudonyms WHERE board = ?1 ORDER BY seq")?;
            let rows = stmt.query_map([board], |r| {
                Ok((pseudonym_code(r.get(0)?), r.get::<_, String>(1)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn forget_pseudonyms(
        &self,
        board: &BoardId,
        code: Option<String>,
    ) -> Result<usize, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let forgotten = match code.as_deref().map(pseudonym_seq) {
                Some(Some(seq)) => conn.execute(
                    "DELETE FROM pseudonyms WHERE board = ?1 AND seq = ?2",
                    params![board, seq],
                )?,
                Some(None) => 0,
                None => conn.execute("DELETE FROM pseudonyms WHERE board = ?1", [&board])?,
            };
            Ok(forgotten)
        })
        .await
    }

    async fn privates(&self, board: &BoardId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let mut stmt =
                conn.prepare_cached("SELECT voter, notes FROM private_notes WHERE board = ?1")?;
            let rows = stmt.query_map([board], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn set_private(
        &self,
        board: &BoardId,
        voter: &str,
        notes: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        let (board, voter) = (board.to_string(), voter.to_owned());
        self.call(move |conn| {
            match notes {
                Some(notes) => conn.execute(
                    "INSERT INTO private_notes (board, voter, notes) VALUES (?1, ?2, ?3)
                     ON CONFLICT (board, voter) DO UPDATE SET notes = excluded.notes",
                    params![board, voter, notes],
                )?,
                None => conn.execute(
                    "DELETE FROM private_notes WHERE board = ?1 AND voter = ?2",
                    params![board, voter],
                )?,
            };
            Ok(())
        })
        .await
    }

    async fn put_image(
        &self,
        board: &BoardId,
        id: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<(usize, usize), StoreError> {
        let (board, id, mime) = (board.to_string(), id.to_owned(), mime.to_owned());
        self.call(move |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO images (board, id, mime, bytes) VALUES (?1, ?2, ?3, ?4)",
                params![board, id, mime, bytes],
            )?;
            Ok(held(conn, &board)?)
        })
        .await
    }

    async fn images_held(&self, board: &BoardId) -> Result<(usize, usize), StoreError> {
        let board = board.to_string();
        self.call(move |conn| Ok(held(conn, &board)?)).await
    }

    async fn image(
        &self,
        board: &BoardId,
        id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let (board, id) = (board.to_string(), id.to_owned());
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT mime, bytes FROM images WHERE board = ?1 AND id = ?2",
                    [&board, &id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        })
        .await
    }

    async fn copy_images(&self, from: &BoardId, to: &BoardId) -> Result<(), StoreError> {
        let (from, to) = (from.to_string(), to.to_string());
        self.call(move |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO images (board, id, mime, bytes)
                 SELECT ?2, id, mime, bytes FROM images WHERE board = ?1",
                [&from, &to],
            )?;
            Ok(())
        })
        .await
    }

    async fn delete(&self, board: &BoardId) -> Result<bool, StoreError> {
        let board = board.to_string();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let existed = tx.execute("DELETE FROM boards WHERE id = ?1", [&board])? > 0;
            tx.execute("DELETE FROM versions WHERE board = ?1", [&board])?;
            for table in [
                "updates",
                "snapshots",
                "facilitation",
                "private_notes",
                "pseudonyms",
                "pseudonym_counters",
                "images",
            ] {
                tx.execute(&format!("DELETE FROM {table} WHERE board = ?1"), [&board])?;
            }
            tx.execute("INSERT OR IGNORE INTO links (board) VALUES (?1)", [&board])?;
            tx.execute(
                "UPDATE links SET facilitator = (facilitator + 1) % 4294967296,
                     editor = (editor + 1) % 4294967296, viewer = (viewer + 1) % 4294967296
                 WHERE board = ?1",
                [&board],
            )?;
            tx.commit()?;
            Ok(existed)
        })
        .await
    }

    async fn close(&self) -> Result<(), StoreError> {
        self.call(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn meets_the_store_contract_and_survives_reopening() {
        let dir = tempdir();
        let store = SqliteStore::open(&dir).unwrap();
        super::super::contract::check(&store).await;
        let a: BoardId = "board-a".parse().unwrap();
        let before = store.load(&a).await.unwrap();
        drop(store);

        let reopened = SqliteStore::open(&dir).unwrap();
        let after = reopened.load(&a).await.unwrap();
        assert_eq!(after.snapshot, before.snapshot);
        assert_eq!(after.updates, before.updates);
        assert_eq!(reopened.list().await.unwrap().len(), 2);
        drop(reopened);

        // A database of the first schema (no links) is brought up to date.
        {
            let conn = Connection::open(dir.join("atelier.db")).unwrap();
            conn.execute_batch(
                "DROP TABLE links; DROP TABLE facilitation; PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let upgraded = SqliteStore::open(&dir).unwrap();
        assert_eq!(upgraded.links(&a).await.unwrap(), Generations::default());
        assert_eq!(
            upgraded.regenerate(&a, Role::Viewer).await.unwrap().viewer,
            1
        );
        assert_eq!(upgraded.load(&a).await.unwrap().updates, before.updates);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_missing_or_empty_database_beside_a_key_is_an_error() {
        let dir = tempdir();
        std::fs::write(dir.join("secret.key"), [7u8; 32]).unwrap();
        let missing = SqliteStore::open(&dir).err().expect("missing database");
        assert!(missing.to_string().contains("restore"), "{missing}");
        assert!(!dir.join("atelier.db").exists(), "nothing created");
        std::fs::write(dir.join("atelier.db"), []).unwrap();
        assert!(matches!(
            SqliteStore::open(&dir),
            Err(StoreError::Missing(_))
        ));
        // A database made before the key is the usual start.
        let fresh = tempdir();
        SqliteStore::open(&fresh).unwrap();
        std::fs::write(fresh.join("secret.key"), [7u8; 32]).unwrap();
        SqliteStore::open(&fresh).unwrap();
        for d in [dir, fresh] {
            std::fs::remove_dir_all(d).unwrap();
        }
    }

    #[tokio::test]
    async fn a_garbage_database_file_is_an_error_not_a_panic() {
        let dir = tempdir();
        std::fs::write(dir.join("atelier.db"), vec![0x42; 8192]).unwrap();
        assert!(SqliteStore::open(&dir).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempdir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "atelier-sqlite-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
