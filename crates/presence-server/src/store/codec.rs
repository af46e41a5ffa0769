//! Conversions between stored columns and engine values.

use jiff::Timestamp;

/// Timestamps are stored as Unix milliseconds: compact, ordered, and index-friendly.
pub fn to_millis(timestamp: Timestamp) -> i64 {
    timestamp.as_millisecond()
}

pub fn from_millis(millis: i64) -> Result<Timestamp, sqlx::Error> {
    Timestamp::from_millisecond(millis).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Reads a vocabulary value back from its stored spelling.
pub fn parse<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, presence_model::UnknownValue>,
) -> Result<T, sqlx::Error> {
    parse(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Teams client sessions share `presence_sessions` with applications' sessions: their stored
/// id is the client's id behind this prefix, a control character the edge refuses in Graph's
/// sessionIds, so the two kinds can never collide and need no column of their own.
const CLIENT_PREFIX: char = '\u{2}';

/// The stored `session_id` of a session.
pub fn stored_session_id(id: &str, kind: crate::engine::SessionKind) -> std::borrow::Cow<'_, str> {
    match kind {
        crate::engine::SessionKind::Application => std::borrow::Cow::Borrowed(id),
        crate::engine::SessionKind::Client => {
            std::borrow::Cow::Owned(format!("{CLIENT_PREFIX}{id}"))
        }
    }
}

/// A stored `session_id` back as the session's id and kind.
pub fn session_id_from_stored(stored: &str) -> (String, crate::engine::SessionKind) {
    match stored.strip_prefix(CLIENT_PREFIX) {
        Some(id) => (id.to_owned(), crate::engine::SessionKind::Client),
        None => (stored.to_owned(), crate::engine::SessionKind::Application),
    }
}
