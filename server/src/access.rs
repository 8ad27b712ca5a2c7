//! Who may open a board: share links carry a signed token naming the board,
//! a role (facilitator, editor, viewer), the link's generation and an
//! optional expiry. Regenerating a role's link bumps its generation, which
//! revokes every earlier link of that role.
//!
//! A token is `{role}.{generation}.{expires}.{signature}`: `expires` is a
//! Unix time in seconds (0: never), the signature is the HMAC-SHA256 of
//! `board|role|generation|expires` under the server's key, base64url.
//! **Architecture Invariant:** every board route and the websocket check a
//! token (or the instance admin token) before touching the board; a
//! viewer's connection never writes the document.

use std::path::Path;

use atelier_shared::BoardId;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub use atelier_shared::Role;

/// The current generation of each role's link on one board (0 until a link
/// is first regenerated).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generations {
    pub facilitator: u32,
    pub editor: u32,
    pub viewer: u32,
}

impl Generations {
    pub fn of(&self, role: Role) -> u32 {
        match role {
            Role::Facilitator => self.facilitator,
            Role::Editor => self.editor,
            Role::Viewer => self.viewer,
        }
    }

    pub fn set(&mut self, role: Role, generation: u32) {
        match role {
            Role::Facilitator => self.facilitator = generation,
            Role::Editor => self.editor = generation,
            Role::Viewer => self.viewer = generation,
        }
    }

    pub fn bump(&mut self, role: Role) {
        let g = match role {
            Role::Facilitator => &mut self.facilitator,
            Role::Editor => &mut self.editor,
            Role::Viewer => &mut self.viewer,
        };
        *g = g.wrapping_add(1);
    }
}

/// Why a token is refused: each says so clearly to whoever holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this board needs a share link: ask its facilitator for one")]
    Missing,
    #[error("this link is not valid for this board")]
    Forged,
    #[error("this link has expired: ask the facilitator for a new one")]
    Expired,
    #[error("this link was revoked: ask the facilitator for the new one")]
    Revoked,
    #[error("only the board's facilitator can do this")]
    NotFacilitator,
    #[error("this link only lets you view the board")]
    ReadOnly,
    #[error("only the instance admin can do this")]
    NotAdmin,
}

/// A token that checked out: the role it gives and its link's generation
/// (`None` for the instance admin, whom no regeneration revokes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub generation: Option<u32>,
    /// When the link stops opening the board (Unix seconds): a connection
    /// that came by it is closed then.
    pub expires: Option<u64>,
}

impl Grant {
    pub const ADMIN: Grant = Grant {
        role: Role::Facilitator,
        generation: None,
        expires: None,
    };

    /// Whether regenerating `role`'s link to `generation` revokes this one.
    pub fn revoked_by(&self, role: Role, generation: u32) -> bool {
        self.role == role && self.generation.is_some_and(|g| g != generation)
    }
}

/// The server's signing key.
#[derive(Clone)]
pub struct Keys {
    key: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        Keys {
            key: secret.to_vec(),
        }
    }

    /// A key of its own, for a server that keeps nothing (tests).
    pub fn random() -> Keys {
        Keys::new(&rand::random::<[u8; 32]>())
    }

    /// The key in `dir/secret.key`, made (32 random bytes, readable by the
    /// owner only) the first time.
    pub fn load_or_create(dir: &Path) -> std::io::Result<Keys> {
        let path = dir.join("secret.key");
        match std::fs::read(&path) {
            Ok(key) if key.len() >= 16 => return Ok(Keys::new(&key)),
            Ok(_) => {
                return Err(std::io::Error::other(format!(
                    "{} is too short: delete it to make a new key (every share link changes)",
                    path.display()
                )));
            }
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
            Err(_) => {}
        }
        std::fs::create_dir_all(dir)?;
        let key: [u8; 32] = rand::random();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::io::Write::write_all(&mut options.open(&path)?, &key)?;
        Ok(Keys::new(&key))
    }

    fn mac(&self, board: &BoardId, role: Role, generation: u32, expires: u64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{board}|{}|{generation}|{expires}", role.as_str()).as_bytes());
        mac
    }

    /// The identity (ballot, private notes) of whoever keeps `key` on
    /// `board` with a link of `role`: unguessable without the key, and
    /// another for each board and role.
    pub fn voter(&self, board: &BoardId, role: Role, key: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("voter|{board}|{}|{key}", role.as_str()).as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("v-{}", URL_SAFE_NO_PAD.encode(&digest[..12]))
    }

    /// A token for `role` on `board` at `generation`, valid until `expires`
    /// (Unix seconds; 0: no end).
    pub fn mint(&self, board: &BoardId, role: Role, generation: u32, expires: u64) -> String {
        let signature = self
            .mac(board, role, generation, expires)
            .finalize()
            .into_bytes();
        format!(
            "{}.{generation}.{expires}.{}",
            role.as_str(),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }

    /// Checks `token` for `board` against the current `generations` at
    /// time `now` (Unix seconds).
    pub fn check(
        &self,
        board: &BoardId,
        token: &str,
        generations: &Generations,
        now: u64,
    ) -> Result<Grant, Refusal> {
        let mut parts = token.trim().split('.');
        let (Some(role), Some(generation), Some(expires), Some(signature), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(Refusal::Forged);
        };
        let role = Role::parse(role).ok_or(Refusal::Forged)?;
        let generation: u32 = generation.parse().map_err(|_| Refusal::Forged)?;
        let expires: u64 = expires.parse().map_err(|_| Refusal::Forged)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Refusal::Forged)?;
        // Constant time: a wrong signature says nothing of the right one.
        self.mac(board, role, generation, expires)
            .verify_slice(&signature)
            .map_err(|_| Refusal::Forged)?;
        if expires != 0 && expires <= now {
            return Err(Refusal::Expired);
        }
        if generation != generations.of(role) {
            return Err(Refusal::Revoked);
        }
        Ok(Grant {
            role,
            generation: Some(generation),
            expires: (expires != 0).then_some(expires),
        })
    }
}

/// Whether `given` is the configured admin token (in constant time).
pub fn is_admin(configured: Option<&str>, given: &str) -> bool {
    let Some(admin) = configured.filter(|a| !a.is_empty()) else {
        return false;
    };
    let (a, b) = (admin.as_bytes(), given.trim().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(id: &str) -> BoardId {
        id.parse().unwrap()
    }

    #[test]
    fn tokens_give_their_role_and_nothing_else() {
        let keys = Keys::random();
        let b = board("claims-journey");
        let g = Generations::default();
        for role in Role::ALL {
            let token = keys.mint(&b, role, 0, 0);
            assert_eq!(
                keys.check(&b, &token, &g, 100),
                Ok(Grant {
                    role,
                    generation: Some(0),
                    expires: None,
                })
            );
        }
        let editor = keys.mint(&b, Role::Editor, 0, 0);
        // Another board, another key, a changed role: forged.
        assert_eq!(
            keys.check(&board("other"), &editor, &g, 100),
            Err(Refusal::Forged)
        );
        assert_eq!(
            Keys::random().check(&b, &editor, &g, 100),
            Err(Refusal::Forged)
        );
        let promoted = editor.replacen("editor", "facilitator", 1);
        assert_eq!(keys.check(&b, &promoted, &g, 100), Err(Refusal::Forged));
        for garbage in [
            "",
            "x",
            "editor.0.0",
            "editor.0.0.!!!",
            "editor.a.0.AAAA",
            "a.b.c.d.e",
        ] {
            assert_eq!(
                keys.check(&b, garbage, &g, 100),
                Err(Refusal::Forged),
                "{garbage}"
            );
        }
        // Expired.
        let short = keys.mint(&b, Role::Viewer, 0, 50);
        assert_eq!(
            keys.check(&b, &short, &g, 49).map(|g| g.role),
            Ok(Role::Viewer)
        );
        assert_eq!(keys.check(&b, &short, &g, 50), Err(Refusal::Expired));
        // Revoked: the role's generation moved on; the others still work.
        let mut moved = g;
        moved.bump(Role::Editor);
        assert_eq!(keys.check(&b, &editor, &moved, 100), Err(Refusal::Revoked));
        let fresh = keys.mint(&b, Role::Editor, 1, 0);
        assert!(keys.check(&b, &fresh, &moved, 100).is_ok());
        let viewer = keys.mint(&b, Role::Viewer, 0, 0);
        assert!(keys.check(&b, &viewer, &moved, 100).is_ok());
    }

    #[test]
    fn the_key_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("atelier-key-{}", rand::random::<u64>()));
        let b = board("b");
        let first = Keys::load_or_create(&dir).unwrap();
        let again = Keys::load_or_create(&dir).unwrap();
        let token = first.mint(&b, Role::Editor, 0, 0);
        assert!(again.check(&b, &token, &Generations::default(), 1).is_ok());
        std::fs::write(dir.join("secret.key"), b"short").unwrap();
        assert!(Keys::load_or_create(&dir).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_admin_token() {
        assert!(is_admin(Some("s3cret"), "s3cret"));
        assert!(!is_admin(Some("s3cret"), "s3cre"));
        assert!(!is_admin(Some(""), ""));
        assert!(!is_admin(None, "anything"));
    }
}
