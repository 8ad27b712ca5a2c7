//! A store in memory, for tests and throwaway servers.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use atelier_shared::BoardId;

use super::{
    BoardInfo, Store, StoreError, StoredDoc, Version, implicit_info, now_ms, pseudonym_code,
    pseudonym_seq,
};
use crate::access::{Generations, Role};

#[derive(Default)]
pub struct MemoryStore {
    boards: Mutex<HashMap<BoardId, Entry>>,
    links: Mutex<HashMap<BoardId, Generations>>,
    facilitation: Mutex<HashMap<BoardId, String>>,
    versions: Mutex<Vec<(BoardId, Version, Vec<u8>)>>,
    privates: Mutex<HashMap<BoardId, HashMap<String, Vec<u8>>>>,
    pseudonyms: Mutex<HashMap<BoardId, Pseudonyms>>,
    images: Mutex<HashMap<BoardId, Images>>,
}

/// A board's images by id: (type, bytes).
type Images = HashMap<String, (String, Vec<u8>)>;

/// A board's pseudonyms: the next code's number, and (number, name) given.
type Pseudonyms = (i64, Vec<(i64, String)>);

struct Entry {
    info: BoardInfo,
    doc: StoredDoc,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<BoardId, Entry>) -> R) -> R {
        // A poisoned lock only means a panic elsewhere; the map is still whole.
        let mut boards = self.boards.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut boards)
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn load(&self, board: &BoardId) -> Result<StoredDoc, StoreError> {
        Ok(self.with(|b| b.get(board).map(|e| e.doc.clone()).unwrap_or_default()))
    }

    async fn append(&self, board: &BoardId, updates: Vec<Vec<u8>>) -> Result<i64, StoreError> {
        let now = now_ms();
        Ok(self.with(|b| {
            let entry = b.entry(board.clone()).or_insert_with(|| Entry {
                info: implicit_info(board, now),
                doc: StoredDoc::default(),
            });
            entry.doc.last_seq += updates.len() as i64;
            entry.doc.updates.extend(updates);
            entry.info.updated = now;
            entry.doc.last_seq
        }))
    }

    async fn compact(
        &self,
        board: &BoardId,
        snapshot: Vec<u8>,
        upto_seq: i64,
    ) -> Result<(), StoreError> {
        self.with(|b| {
            if let Some(entry) = b.get_mut(board) {
                let doc = &mut entry.doc;
                let first_seq = doc.last_seq - doc.updates.len() as i64 + 1;
                let drop = (upto_seq - first_seq + 1).clamp(0, doc.updates.len() as i64);
                doc.updates.drain(..drop as usize);
                doc.snapshot = Some(snapshot);
            }
        });
        Ok(())
    }

    async fn create(&self, info: &BoardInfo, first_update: Vec<u8>) -> Result<(), StoreError> {
        let id: BoardId = info.id.parse().map_err(|_| StoreError::Exists)?;
        self.with(|b| {
            if b.contains_key(&id) {
                return Err(StoreError::Exists);
            }
            let doc = StoredDoc {
                snapshot: None,
                updates: vec![first_update],
                last_seq: 1,
            };
            b.insert(
                id,
                Entry {
                    info: info.clone(),
                    doc,
                },
            );
            Ok(())
        })
    }

    async fn info(&self, board: &BoardId) -> Result<Option<BoardInfo>, StoreError> {
        Ok(self.with(|b| b.get(board).map(|e| e.info.clone())))
    }

    async fn list(&self) -> Result<Vec<BoardInfo>, StoreError> {
        let mut all: Vec<BoardInfo> = self.with(|b| b.values().map(|e| e.info.clone()).collect());
        all.sort_by(|x, y| y.updated.cmp(&x.updated).then(x.id.cmp(&y.id)));
        Ok(all)
    }

    async fn set_title(&self, board: &BoardId, title: &str) -> Result<(), StoreError> {
        self.with(|b| {
            if let Some(entry) = b.get_mut(board) {
                entry.info.title = title.to_owned();
            }
        });
        Ok(())
    }

    async fn links(&self, board: &BoardId) -> Result<Generations, StoreError> {
        let links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        Ok(links.get(board).copied().unwrap_or_default())
    }

    async fn regenerate(&self, board: &BoardId, role: Role) -> Result<Generations, StoreError> {
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        let g = links.entry(board.clone()).or_default();
        g.bump(role);
        Ok(*g)
    }

    async fn facilitation(&self, board: &BoardId) -> Result<Option<String>, StoreError> {
        let states = self.facilitation.lock().unwrap_or_else(|e| e.into_inner());
        Ok(states.get(board).cloned())
    }

    async fn set_facilitation(&self, board: &BoardId, state: &str) -> Result<(), StoreError> {
        let mut states = self.facilitation.lock().unwrap_or_else(|e| e.into_inner());
        states.insert(board.clone(), state.to_owned());
        Ok(())
    }

    async fn pseudonymise(
        &self,
        board: &BoardId,
        names: Vec<String>,
    ) -> Result<Vec<String>, StoreError> {
        let mut all = self.pseudonyms.lock().unwrap_or_else(|e| e.into_inner());
        let (next, given) = all.entry(board.clone()).or_insert((1, Vec::new()));
        Ok(names
            .into_iter()
            .map(|name| {
                let seq = match given.iter().find(|(_, n)| *n == name) {
                    Some((seq, _)) => *seq,
                    None => {
                        given.push((*next, name));
                        *next += 1;
                        *next - 1
                    }
                };
                pseudonym_code(seq)
            })
            .collect())
    }

    async fn pseudonyms(&self, board: &BoardId) -> Result<Vec<(String, String)>, StoreError> {
        let all = self.pseudonyms.lock().unwrap_or_else(|e| e.into_inner());
        Ok(all
            .get(board)
            .map(|(_, given)| {
                given
                    .iter()
                    .map(|(seq, name)| (pseudonym_code(*seq), name.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn forget_pseudonyms(
        &self,
        board: &BoardId,
        code: Option<String>,
    ) -> Result<usize, StoreError> {
        let mut all = self.pseudonyms.lock().unwrap_or_else(|e| e.into_inner());
        let Some((_, given)) = all.get_mut(board) else {
            return Ok(0);
        };
        let before = given.len();
        match code {
            Some(code) => {
                let seq = pseudonym_seq(&code);
                given.retain(|(s, _)| Some(*s) != seq);
            }
            None => given.clear(),
        }
        Ok(before - given.len())
    }

    async fn replace_version(
        &self,
        board: &BoardId,
        id: i64,
        state: Vec<u8>,
    ) -> Result<bool, StoreError> {
        let mut versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        match versions
            .iter_mut()
            .find(|(b, v, _)| b == board && v.id == id)
        {
            Some((.., kept)) => {
                *kept = state;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn save_version(
        &self,
        board: &BoardId,
        name: &str,
        auto: bool,
        state: Vec<u8>,
    ) -> Result<Version, StoreError> {
        let mut versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        let version = Version {
            id: versions.len() as i64 + 1,
            name: name.to_owned(),
            created: now_ms(),
            auto,
        };
        versions.push((board.clone(), version.clone(), state));
        Ok(version)
    }

    async fn versions(&self, board: &BoardId) -> Result<Vec<Version>, StoreError> {
        let versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        Ok(versions
            .iter()
            .rev()
            .filter(|(b, ..)| b == board)
            .map(|(_, v, _)| v.clone())
            .collect())
    }

    async fn version(&self, board: &BoardId, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        Ok(versions
            .iter()
            .find(|(b, v, _)| b == board && v.id == id)
            .map(|(.., state)| state.clone()))
    }

    async fn privates(&self, board: &BoardId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let privates = self.privates.lock().unwrap_or_else(|e| e.into_inner());
        Ok(privates
            .get(board)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    async fn set_private(
        &self,
        board: &BoardId,
        voter: &str,
        notes: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        let mut privates = self.privates.lock().unwrap_or_else(|e| e.into_inner());
        let of_board = privates.entry(board.clone()).or_default();
        match notes {
            Some(notes) => of_board.insert(voter.to_owned(), notes),
            None => of_board.remove(voter),
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
        self.images
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(board.clone())
            .or_default()
            .entry(id.to_owned())
            .or_insert_with(|| (mime.to_owned(), bytes));
        self.images_held(board).await
    }

    async fn images_held(&self, board: &BoardId) -> Result<(usize, usize), StoreError> {
        let images = self.images.lock().unwrap_or_else(|e| e.into_inner());
        Ok(images.get(board).map_or((0, 0), |of| {
            (of.len(), of.values().map(|(_, b)| b.len()).sum())
        }))
    }

    async fn image(
        &self,
        board: &BoardId,
        id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let images = self.images.lock().unwrap_or_else(|e| e.into_inner());
        Ok(images.get(board).and_then(|of| of.get(id)).cloned())
    }

    async fn copy_images(&self, from: &BoardId, to: &BoardId) -> Result<(), StoreError> {
        let mut images = self.images.lock().unwrap_or_else(|e| e.into_inner());
        let copied = images.get(from).cloned().unwrap_or_default();
        let of = images.entry(to.clone()).or_default();
        for (id, image) in copied {
            of.entry(id).or_insert(image);
        }
        Ok(())
    }

    async fn delete(&self, board: &BoardId) -> Result<bool, StoreError> {
        self.images
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(board);
        self.versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(b, ..)| b != board);
        self.privates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(board);
        self.facilitation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(board);
        self.pseudonyms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(board);
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        let g = links.entry(board.clone()).or_default();
        for role in Role::ALL {
            g.bump(role);
        }
        Ok(self.with(|b| b.remove(board).is_some()))
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn meets_the_store_contract() {
        super::super::contract::check(&super::MemoryStore::new()).await;
    }
}
