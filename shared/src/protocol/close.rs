//! Why the server ends a websocket: the close codes both sides know. The
//! 1000s are the websocket standard's (RFC 6455, 7.4.1); the 4000s are
//! Atelier's own, each an end the browser app shows as a page rather than
//! a reconnection.

/// The client closed.
pub const NORMAL: u16 = 1000;
/// The server is stopping, or the connection was idle too long.
pub const GOING_AWAY: u16 = 1001;
/// A text frame: y-websocket speaks binary.
pub const UNSUPPORTED: u16 = 1003;
/// A frame that is no y-websocket message, or an update that cannot apply.
pub const INVALID: u16 = 1007;
/// A peer that breaks the room's bounds (floods, requests, pending).
pub const POLICY: u16 = 1008;
/// A frame over `--max-message`.
pub const TOO_BIG: u16 = 1009;
/// The board became unavailable: reconnecting resyncs.
pub const SERVER_ERROR: u16 = 1011;
/// The peer fell behind: reconnecting resyncs.
pub const TRY_AGAIN: u16 = 1013;
/// The link no longer opens the board (regenerated or expired).
pub const LINK_REFUSED: u16 = 4403;
/// The board was deleted.
pub const BOARD_DELETED: u16 = 4404;
/// The board's stored data cannot be read; it is kept unchanged.
pub const BOARD_UNREADABLE: u16 = 4500;

/// Whether a close with `code` ends the board for this link for good: the
/// app shows why instead of reconnecting.
pub fn is_final(code: u16) -> bool {
    matches!(code, LINK_REFUSED | BOARD_DELETED | BOARD_UNREADABLE)
}

/// Why the server ends a connection: a websocket close code and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The client closed or vanished: nothing to send.
    ClientGone,
    Shutdown,
    Idle,
    Malformed,
    TooBig,
    TextFrame,
    TooSlow,
    /// The room could not store or went away; reconnecting resyncs.
    RoomFailed,
    /// The peer's link was regenerated: it no longer opens the board.
    Revoked,
    /// The board was deleted.
    Deleted,
    /// The board's stored data does not decode: it is refused, untouched.
    Unreadable,
    /// The peer's link expired while it was connected.
    Expired,
    /// Its updates wait for changes the board never received, more of
    /// them or for longer than the room holds.
    MissingDeps,
    /// It asks for the board again and again without reading the answers.
    TooManyRequests,
    /// It sends awareness updates far faster than any client does.
    Flood,
}

impl CloseReason {
    pub fn code(self) -> u16 {
        match self {
            CloseReason::ClientGone => NORMAL,
            CloseReason::Shutdown | CloseReason::Idle => GOING_AWAY,
            CloseReason::TextFrame => UNSUPPORTED,
            CloseReason::Malformed => INVALID,
            CloseReason::MissingDeps | CloseReason::TooManyRequests | CloseReason::Flood => POLICY,
            CloseReason::TooBig => TOO_BIG,
            CloseReason::RoomFailed => SERVER_ERROR,
            CloseReason::TooSlow => TRY_AGAIN,
            CloseReason::Revoked | CloseReason::Expired => LINK_REFUSED,
            CloseReason::Deleted => BOARD_DELETED,
            CloseReason::Unreadable => BOARD_UNREADABLE,
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            CloseReason::ClientGone => "bye",
            CloseReason::Shutdown => "server shutting down",
            CloseReason::Idle => "no message for too long",
            CloseReason::TextFrame => "binary y-websocket messages only",
            CloseReason::Malformed => "malformed y-websocket message",
            CloseReason::TooBig => "message too big",
            CloseReason::RoomFailed => "board unavailable, reconnect",
            CloseReason::TooSlow => "too slow to keep up, reconnect to resync",
            CloseReason::Revoked => "this link was revoked: ask the facilitator for the new one",
            CloseReason::Deleted => "this board was deleted",
            CloseReason::Unreadable => {
                "this board's stored data cannot be read: it is kept unchanged for an administrator"
            }
            CloseReason::Expired => "this link has expired: ask the facilitator for a new one",
            CloseReason::MissingDeps => {
                "updates depend on changes the server never received: reconnect to resync"
            }
            CloseReason::TooManyRequests => "too many sync requests without reading the answers",
            CloseReason::Flood => "too many awareness updates",
        }
    }
}
