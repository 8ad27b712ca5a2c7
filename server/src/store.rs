//! Where boards live between restarts.
//!
//! A board is stored as an append-only log of yrs updates (v1 encoding), plus
//! at most one snapshot that replaces the log's prefix once compacted.
//! **Architecture Invariant:** an update is appended (committed) before any
//! peer other than its sender receives it; compaction replaces a prefix of
//! the log by a snapshot in one transaction, so a load never sees a gap.

mod memory;
mod postgres;
mod sqlite;

use async_trait::async_trait;
use atelier_shared::BoardId;
pub use atelier_shared::BoardInfo;
pub use atelier_shared::history::Version;

use crate::access::{Generations, Role};

pub use memory::MemoryStore;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Everything stored for one board's document.
#[derive(Debug, Default, Clone)]
pub struct StoredDoc {
    /// The compacted state, if the board was ever compacted.
    pub snapshot: Option<Vec<u8>>,
    /// Updates appended after the snapshot, oldest first.
    pub updates: Vec<Vec<u8>>,
    /// Sequence number of the last update (0 when there is none).
    pub last_seq: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("board already exists")]
    Exists,
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgresql: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No connection to the store could be had (PostgreSQL down).
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The store's address or settings do not read.
    #[error("store settings: {0}")]
    Config(String),
    #[error("storage I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("storage worker failed: {0}")]
    Worker(#[from] tokio::task::JoinError),
    /// Stored bytes that do not decode: the board is refused, its rows
    /// kept as they are, never compacted over.
    #[error("the stored data of board {board} cannot be read ({what}): {why}")]
    Unreadable {
        board: String,
        what: String,
        why: String,
    },
    /// The data directory held boards (it has their links' key) but the
    /// database is gone or empty.
    #[error("{0}")]
    Missing(String),
}

/// Durable storage of boards. Implementations must be safe to call from many
/// rooms at once; each call is atomic.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The stored document of `board` (empty if it was never written).
    async fn load(&self, board: &BoardId) -> Result<StoredDoc, StoreError>;
    /// What was stored for `board` after sequence number `after`: the
    /// updates, and the snapshot too if a compaction merged some of them
    /// (applying what is already applied is harmless). By default the
    /// whole document.
    async fn tail(&self, board: &BoardId, after: i64) -> Result<StoredDoc, StoreError> {
        let _ = after;
        self.load(board).await
    }
    /// Appends updates to the log of `board` in one transaction, registering
    /// the board if it is new. Returns the sequence number of the last one.
    async fn append(&self, board: &BoardId, updates: Vec<Vec<u8>>) -> Result<i64, StoreError>;
    /// Replaces every update up to `upto_seq` by `snapshot`, atomically.
    async fn compact(
        &self,
        board: &BoardId,
        snapshot: Vec<u8>,
        upto_seq: i64,
    ) -> Result<(), StoreError>;
    /// Registers a new board with its first update. Fails with
    /// [`StoreError::Exists`] if the id is taken.
    async fn create(&self, info: &BoardInfo, first_update: Vec<u8>) -> Result<(), StoreError>;
    async fn info(&self, board: &BoardId) -> Result<Option<BoardInfo>, StoreError>;
    /// Every board, most recently changed first.
    async fn list(&self) -> Result<Vec<BoardInfo>, StoreError>;
    async fn set_title(&self, board: &BoardId, title: &str) -> Result<(), StoreError>;
    /// The generation of each role's share link (all 0 for a board whose
    /// links were never regenerated).
    async fn links(&self, board: &BoardId) -> Result<Generations, StoreError>;
    /// Moves `role`'s link to its next generation (revoking the earlier
    /// links of that role) and returns the new generations.
    async fn regenerate(&self, board: &BoardId, role: Role) -> Result<Generations, StoreError>;
    /// The board's facilitation state (JSON), if it was ever set.
    async fn facilitation(&self, board: &BoardId) -> Result<Option<String>, StoreError>;
    async fn set_facilitation(&self, board: &BoardId, state: &str) -> Result<(), StoreError>;
    /// The facilitation state and its revision (0 when never set). Where
    /// several nodes share the store, each change makes a new revision.
    async fn facilitation_rev(&self, board: &BoardId) -> Result<(Option<String>, i64), StoreError> {
        Ok((self.facilitation(board).await?, 0))
    }
    /// Stores `state` if the stored revision is still `rev`: the new
    /// revision, or `None` if another node changed it meanwhile. A store
    /// only one node uses never refuses.
    async fn swap_facilitation(
        &self,
        board: &BoardId,
        rev: i64,
        state: &str,
    ) -> Result<Option<i64>, StoreError> {
        self.set_facilitation(board, state).await?;
        Ok(Some(rev + 1))
    }
    /// Keeps the whole document `state` as a named version of the board.
    async fn save_version(
        &self,
        board: &BoardId,
        name: &str,
        auto: bool,
        state: Vec<u8>,
    ) -> Result<Version, StoreError>;
    /// The board's versions, newest first.
    async fn versions(&self, board: &BoardId) -> Result<Vec<Version>, StoreError>;
    /// The document state of one version.
    async fn version(&self, board: &BoardId, id: i64) -> Result<Option<Vec<u8>>, StoreError>;
    /// Rewrites the document state of one version (an erasure took
    /// something out of it); whether there was such a version.
    async fn replace_version(
        &self,
        board: &BoardId,
        id: i64,
        state: Vec<u8>,
    ) -> Result<bool, StoreError>;
    /// The code of each of `names` on `board` (interviewees pseudonymised
    /// as their notes are imported), in order: a name met before keeps its
    /// code, a new one takes the next (`P01`, `P02`…). The names are kept
    /// here, apart from the board's document.
    async fn pseudonymise(
        &self,
        board: &BoardId,
        names: Vec<String>,
    ) -> Result<Vec<String>, StoreError>;
    /// The board's pseudonyms: (code, name), by code.
    async fn pseudonyms(&self, board: &BoardId) -> Result<Vec<(String, String)>, StoreError>;
    /// Forgets the name behind `code` (every name with `None`): the board
    /// keeps its codes only. How many were forgotten.
    async fn forget_pseudonyms(
        &self,
        board: &BoardId,
        code: Option<String>,
    ) -> Result<usize, StoreError>;
    /// Makes what was deleted unreadable where the store may still hold
    /// it (after an erasure). Nothing to do where nothing lingers.
    async fn scrub(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Each participant's private notes (voter, yrs update), kept apart
    /// from the document until they are revealed.
    async fn privates(&self, board: &BoardId) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Sets (or with `None` forgets) one participant's private notes.
    async fn set_private(
        &self,
        board: &BoardId,
        voter: &str,
        notes: Option<Vec<u8>>,
    ) -> Result<(), StoreError>;
    /// Keeps image `id` of `board` (its type and bytes), unless it is
    /// there already (an id is its bytes' hash). What the board then
    /// holds: (images, their bytes).
    async fn put_image(
        &self,
        board: &BoardId,
        id: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<(usize, usize), StoreError>;
    /// What `board` holds of images: (how many, their bytes).
    async fn images_held(&self, board: &BoardId) -> Result<(usize, usize), StoreError>;
    /// Image `id` of `board`: (type, bytes).
    async fn image(
        &self,
        board: &BoardId,
        id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError>;
    /// Gives board `to` every image of board `from` (a duplicate).
    async fn copy_images(&self, from: &BoardId, to: &BoardId) -> Result<(), StoreError>;
    /// Deletes the board's document and log, and revokes every link to it
    /// (each role moves to its next generation). Whether it existed.
    async fn delete(&self, board: &BoardId) -> Result<bool, StoreError>;
    /// Flushes whatever the store buffers; called once at shutdown.
    async fn close(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A pseudonym's code: `P01`…`P99`, then `P100`…
pub(crate) fn pseudonym_code(seq: i64) -> String {
    format!("P{seq:02}")
}

/// The number of a pseudonym's code (`P07` → 7).
pub(crate) fn pseudonym_seq(code: &str) -> Option<i64> {
    code.strip_prefix('P')?.parse().ok().filter(|n| *n > 0)
}

/// The document of board `id` as stored: the snapshot, then the updates.
/// Every stored item is checked and decoded before it is applied; one that
/// does not read, or that yrs cannot integrate (a panic, contained here),
/// makes the whole board [`StoreError::Unreadable`] (a board served without
/// part of its history would be compacted over it).
pub fn doc_of(id: &BoardId, stored: &StoredDoc) -> Result<yrs::Doc, StoreError> {
    use yrs::updates::decoder::Decode;
    use yrs::{Transact, Update};
    let doc = yrs::Doc::new();
    {
        let items = stored
            .snapshot
            .iter()
            .map(|s| ("the snapshot".to_owned(), s))
            .chain(
                stored
                    .updates
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (format!("update {} of the log", i + 1), u)),
            );
        for (what, bytes) in items {
            let applied = atelier_shared::protocol::check_update_v1(bytes)
                .map_err(|e| e.to_string())
                .and_then(|()| Update::decode_v1(bytes).map_err(|e| e.to_string()))
                .and_then(|u| {
                    // One transaction an item: each is checked as it was
                    // when it was applied first.
                    let mut txn = doc.transact_mut();
                    if atelier_shared::protocol::overlaps_pending(&txn, &u) {
                        return Err("it rewrites structs still waiting for theirs".into());
                    }
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        txn.apply_update(u).map_err(|e| e.to_string())?;
                        if atelier_shared::protocol::commit_readable(&mut txn) {
                            Ok(())
                        } else {
                            Err("it puts text in a list".into())
                        }
                    }))
                    .unwrap_or_else(|_| Err("yrs could not integrate it".into()))
                });
            if let Err(why) = applied {
                return Err(StoreError::Unreadable {
                    board: id.to_string(),
                    what,
                    why,
                });
            }
        }
    }
    Ok(doc)
}

/// The stored document `stored` as one update (a snapshot), once every
/// item in it is checked as [`doc_of`] checks them.
pub fn merged(id: &BoardId, stored: &StoredDoc) -> Result<Vec<u8>, StoreError> {
    use yrs::{ReadTxn, StateVector, Transact};
    let doc = doc_of(id, stored)?;
    let txn = doc.transact();
    Ok(txn.encode_state_as_update_v1(&StateVector::default()))
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// A board row for a board first seen through its websocket.
fn implicit_info(board: &BoardId, now: i64) -> BoardInfo {
    BoardInfo {
        id: board.to_string(),
        title: String::new(),
        template: "blank".into(),
        created: now,
        updated: now,
    }
}

/// The behaviour every store must have, run against each implementation
/// (PostgreSQL's by the cluster tests, with the feature `contract`).
#[cfg(any(test, feature = "contract"))]
pub mod contract {
    use super::*;

    pub async fn check(store: &dyn Store) {
        let a: BoardId = "board-a".parse().unwrap();
        let b: BoardId = "board-b".parse().unwrap();
        let empty = store.load(&a).await.unwrap();
        assert!(empty.snapshot.is_none() && empty.updates.is_empty());
        assert_eq!(store.info(&a).await.unwrap(), None);

        let [one, two, three, four] = edits(["one ", "two ", "three ", "four "]);
        assert_eq!(
            store
                .append(&a, vec![one.clone(), two.clone()])
                .await
                .unwrap(),
            2
        );
        assert_eq!(store.append(&a, vec![three.clone()]).await.unwrap(), 3);
        assert_eq!(store.append(&b, vec![vec![9]]).await.unwrap(), 1);
        let loaded = store.load(&a).await.unwrap();
        assert_eq!(
            loaded.updates,
            vec![one.clone(), two.clone(), three.clone()]
        );
        assert_eq!(loaded.last_seq, 3);
        assert_eq!(store.info(&a).await.unwrap().unwrap().template, "blank");
        // What was stored after a sequence number.
        let tail = store.tail(&a, 2).await.unwrap();
        assert_eq!(tail.last_seq, 3);
        assert!(tail.updates.ends_with(std::slice::from_ref(&three)));

        // A snapshot of the first two replaces them.
        let snapshot = merged(
            &a,
            &StoredDoc {
                snapshot: None,
                updates: vec![one, two],
                last_seq: 2,
            },
        )
        .unwrap();
        store.compact(&a, snapshot, 2).await.unwrap();
        let loaded = store.load(&a).await.unwrap();
        assert!(loaded.snapshot.is_some());
        assert_eq!(loaded.updates, vec![three.clone()]);
        assert_eq!(loaded.last_seq, 3);
        assert_eq!(text_of(&a, &loaded), "one two three ");
        // Appends after a compaction keep counting.
        assert_eq!(store.append(&a, vec![four.clone()]).await.unwrap(), 4);
        let tail = store.tail(&a, 3).await.unwrap();
        assert_eq!(tail.updates.last(), Some(&four));

        let info = BoardInfo {
            id: "board-c".into(),
            title: "Journey".into(),
            template: "journey-map".into(),
            created: 5,
            updated: 5,
        };
        store.create(&info, vec![0, 0]).await.unwrap();
        assert!(matches!(
            store.create(&info, vec![0, 0]).await,
            Err(StoreError::Exists)
        ));
        let c: BoardId = "board-c".parse().unwrap();
        assert_eq!(store.load(&c).await.unwrap().updates, vec![vec![0, 0]]);
        store.set_title(&c, "Parcours").await.unwrap();
        assert_eq!(store.info(&c).await.unwrap().unwrap().title, "Parcours");
        let ids: Vec<String> = store
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.contains(&"board-b".to_string()));

        // Share links: regenerating one role moves only that role on.
        assert_eq!(store.links(&c).await.unwrap(), Generations::default());
        store.regenerate(&c, Role::Editor).await.unwrap();
        let moved = store.regenerate(&c, Role::Editor).await.unwrap();
        assert_eq!((moved.editor, moved.viewer, moved.facilitator), (2, 0, 0));
        assert_eq!(store.links(&c).await.unwrap(), moved);
        assert_eq!(store.links(&a).await.unwrap(), Generations::default());

        // Facilitation state.
        assert_eq!(store.facilitation(&c).await.unwrap(), None);
        store.set_facilitation(&c, "{\"x\":1}").await.unwrap();
        store.set_facilitation(&c, "{\"x\":2}").await.unwrap();
        assert_eq!(
            store.facilitation(&c).await.unwrap().as_deref(),
            Some("{\"x\":2}")
        );
        let (state, rev) = store.facilitation_rev(&c).await.unwrap();
        assert_eq!(state.as_deref(), Some("{\"x\":2}"));
        let next = store.swap_facilitation(&c, rev, "{\"x\":3}").await.unwrap();
        assert!(next.is_some_and(|n| n > rev));
        assert_eq!(
            store.facilitation_rev(&c).await.unwrap().0.as_deref(),
            Some("{\"x\":3}")
        );

        // Versions, newest first, each with its own state.
        let v1 = store
            .save_version(&c, "Start", true, vec![1])
            .await
            .unwrap();
        let v2 = store
            .save_version(&c, "Votes", false, vec![2])
            .await
            .unwrap();
        store
            .save_version(&a, "Elsewhere", false, vec![3])
            .await
            .unwrap();
        let listed = store.versions(&c).await.unwrap();
        assert_eq!(listed, vec![v2.clone(), v1.clone()]);
        assert!(listed[1].auto && !listed[0].auto);
        assert_eq!(store.version(&c, v1.id).await.unwrap(), Some(vec![1]));
        assert_eq!(
            store.version(&b, v1.id).await.unwrap(),
            None,
            "another board's"
        );
        // An erasure rewrites a version, and only that board's.
        assert!(store.replace_version(&c, v1.id, vec![9]).await.unwrap());
        assert_eq!(store.version(&c, v1.id).await.unwrap(), Some(vec![9]));
        assert!(!store.replace_version(&b, v1.id, vec![8]).await.unwrap());
        assert_eq!(
            store.versions(&c).await.unwrap(),
            vec![v2.clone(), v1.clone()]
        );
        store.scrub().await.unwrap();

        // Pseudonyms: stable codes, a board's own, forgotten on demand.
        let codes = store
            .pseudonymise(&c, vec!["Anne Martin".into(), "Karim B.".into()])
            .await
            .unwrap();
        assert_eq!(codes, ["P01", "P02"]);
        let again = store
            .pseudonymise(&c, vec!["Zoé".into(), "Anne Martin".into(), "Zoé".into()])
            .await
            .unwrap();
        assert_eq!(again, ["P03", "P01", "P03"]);
        assert_eq!(
            store
                .pseudonymise(&a, vec!["Anne Martin".into()])
                .await
                .unwrap(),
            ["P01"],
            "another board, its own codes"
        );
        assert_eq!(
            store.pseudonyms(&c).await.unwrap()[1],
            ("P02".into(), "Karim B.".into())
        );
        assert_eq!(
            store
                .forget_pseudonyms(&c, Some("P02".into()))
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.pseudonyms(&c).await.unwrap().len(), 2);
        assert_eq!(
            store.pseudonymise(&c, vec!["Bob".into()]).await.unwrap(),
            ["P04"],
            "a forgotten code is not given again"
        );
        assert_eq!(store.forget_pseudonyms(&c, None).await.unwrap(), 3);
        assert!(store.pseudonyms(&c).await.unwrap().is_empty());
        assert_eq!(store.pseudonyms(&a).await.unwrap().len(), 1);

        // Private notes, by participant.
        store.set_private(&c, "ann", Some(vec![5])).await.unwrap();
        store.set_private(&c, "ann", Some(vec![6])).await.unwrap();
        store.set_private(&c, "ben", Some(vec![7])).await.unwrap();
        let mut privates = store.privates(&c).await.unwrap();
        privates.sort();
        assert_eq!(
            privates,
            vec![("ann".into(), vec![6]), ("ben".into(), vec![7])]
        );
        store.set_private(&c, "ann", None).await.unwrap();
        assert_eq!(store.privates(&c).await.unwrap().len(), 1);
        assert!(store.privates(&a).await.unwrap().is_empty());

        // Images, by board: kept once, copied to a duplicate.
        let png = vec![0x89, b'P', b'N', b'G', 1, 2, 3];
        assert_eq!(
            store
                .put_image(&c, "i1", "image/png", png.clone())
                .await
                .unwrap(),
            (1, 7)
        );
        assert_eq!(
            store
                .put_image(&c, "i1", "image/png", png.clone())
                .await
                .unwrap(),
            (1, 7)
        );
        assert_eq!(
            store
                .put_image(&c, "i2", "image/jpeg", vec![9])
                .await
                .unwrap(),
            (2, 8)
        );
        assert_eq!(store.images_held(&c).await.unwrap(), (2, 8));
        assert_eq!(store.images_held(&a).await.unwrap(), (0, 0));
        assert_eq!(
            store.image(&c, "i1").await.unwrap(),
            Some(("image/png".into(), png.clone()))
        );
        assert_eq!(
            store.image(&a, "i1").await.unwrap(),
            None,
            "another board's"
        );
        store.copy_images(&c, &a).await.unwrap();
        assert_eq!(store.image(&a, "i2").await.unwrap().unwrap().1, vec![9]);

        // Deleting a board leaves the others.
        assert!(store.delete(&c).await.unwrap());
        assert!(store.versions(&c).await.unwrap().is_empty());
        assert!(store.privates(&c).await.unwrap().is_empty());
        assert_eq!(store.image(&c, "i1").await.unwrap(), None);
        assert_eq!(store.image(&a, "i1").await.unwrap().unwrap().1, png);
        assert_eq!(store.versions(&a).await.unwrap().len(), 1);
        assert!(!store.delete(&c).await.unwrap());
        assert_eq!(store.info(&c).await.unwrap(), None);
        assert_eq!(store.facilitation(&c).await.unwrap(), None);
        let gone = store.load(&c).await.unwrap();
        assert!(gone.snapshot.is_none() && gone.updates.is_empty());
        let revoked = store.links(&c).await.unwrap();
        assert_eq!(
            (revoked.facilitator, revoked.editor, revoked.viewer),
            (2, 4, 2),
            "every link revoked, at each delete"
        );
        assert_eq!(store.list().await.unwrap().len(), 2);
        let a_now = store.load(&a).await.unwrap();
        assert_eq!(a_now.updates, vec![three, four]);
        assert_eq!(text_of(&a, &a_now), "one two three four ");
    }

    /// One update for each of `texts`, each appending it to the text `t`
    /// after the ones before it.
    pub fn edits<const N: usize>(texts: [&str; N]) -> [Vec<u8>; N] {
        use yrs::{Text, Transact};
        let doc = yrs::Doc::with_client_id(1);
        let t = doc.get_or_insert_text("t");
        texts.map(|text| {
            let mut txn = doc.transact_mut();
            t.push(&mut txn, text);
            txn.encode_update_v1()
        })
    }

    /// One update for each of `texts`, each from a client of its own
    /// that knows nothing of the others: they apply in any order.
    pub fn independent_edits(texts: &[String]) -> Vec<Vec<u8>> {
        use yrs::{Text, Transact};
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let doc = yrs::Doc::with_client_id(i as u64 + 1);
                let t = doc.get_or_insert_text("t");
                let mut txn = doc.transact_mut();
                t.push(&mut txn, text);
                txn.encode_update_v1()
            })
            .collect()
    }

    pub fn text_of(id: &BoardId, stored: &StoredDoc) -> String {
        use yrs::{GetString, Transact};
        let doc = doc_of(id, stored).unwrap();
        let t = doc.get_or_insert_text("t");
        let txn = doc.transact();
        t.get_string(&txn)
    }
}
