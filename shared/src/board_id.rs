//! Board identifiers: the only part of a URL that names a board.

use std::fmt;
use std::str::FromStr;

/// The longest board id accepted, in bytes.
pub const MAX_LEN: usize = 64;

/// A validated board id: 1 to [`MAX_LEN`] ASCII letters, digits, `-` or `_`.
///
/// **Invariant:** a `BoardId` can never be a path, contain a dot or a slash,
/// or carry SQL: it is safe as a file name, a map key and a bound parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BoardId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardIdError {
    #[error("a board id cannot be empty")]
    Empty,
    #[error("a board id is at most {MAX_LEN} characters")]
    TooLong,
    #[error("a board id may contain only letters, digits, '-' and '_'")]
    BadChar,
}

impl BoardId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A new random id (16 characters of base 36), for boards created by the API.
    pub fn random(mut next_u64: impl FnMut() -> u64) -> BoardId {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let id = (0..16)
            .map(|_| ALPHABET[(next_u64() % ALPHABET.len() as u64) as usize] as char)
            .collect();
        BoardId(id)
    }
}

impl FromStr for BoardId {
    type Err = BoardIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(BoardIdError::Empty);
        }
        if s.len() > MAX_LEN {
            return Err(BoardIdError::TooLong);
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(BoardIdError::BadChar);
        }
        Ok(BoardId(s.to_owned()))
    }
}

impl fmt::Display for BoardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for BoardId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids() {
        for ok in ["a", "board-1", "Persona_Workshop", &"x".repeat(MAX_LEN)] {
            assert_eq!(ok.parse::<BoardId>().unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_paths_sql_and_oversize() {
        assert_eq!("".parse::<BoardId>(), Err(BoardIdError::Empty));
        assert_eq!(
            "x".repeat(MAX_LEN + 1).parse::<BoardId>(),
            Err(BoardIdError::TooLong)
        );
        for bad in [
            "..",
            "a/b",
            "a.b",
            "x'; drop table boards;--",
            "é",
            "a b",
            "a%2F",
        ] {
            assert_eq!(bad.parse::<BoardId>(), Err(BoardIdError::BadChar), "{bad}");
        }
    }

    #[test]
    fn random_ids_are_valid() {
        let mut n = 7u64;
        let id = BoardId::random(|| {
            n = n.wrapping_mul(6364136223846793005).wrapping_add(1);
            n >> 11
        });
        assert_eq!(id.as_str().parse::<BoardId>().unwrap(), id);
        assert_eq!(id.as_str().len(), 16);
    }
}
