//! What a committed `setPresence` or `clearPresence` did to its user's state, done again in
//! memory, so that the in-memory copy stays known after the write instead of being forgotten
//! (and read back from the database by the next read, and by the change history after every
//! write).
//!
//! Invariant: the result is exactly what a read of the database would now return, field for
//! field and session for session in the same order. So it mirrors the SQL of
//! `apply::put_session`, `apply::put_sessions`, `apply::remove_session` and `apply::touch`
//! (a removal touches the user only when the session was still live): timestamps are stored in
//! whole milliseconds; a session is matched by its stored id (kind and id); sessions come
//! back in the order of their stored ids (the primary key's); the user's `changed_at`
//! becomes the refresh time, or one millisecond past the previous one if that is later.
//! A test checks it against the database after writes of every shape.

use jiff::Timestamp;

use crate::engine::{Session, UserState};
use crate::store::codec::stored_session_id;

/// `timestamp` as the store keeps it (whole milliseconds).
fn stored(timestamp: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(timestamp.as_millisecond()).unwrap_or(timestamp)
}

/// Applies a committed `PutSession` of `session` to `state`.
pub fn put_session(state: &mut UserState, session: &Session) {
    let session = Session {
        refreshed_at: stored(session.refreshed_at),
        expires_at: stored(session.expires_at),
        ..session.clone()
    };
    let key = stored_session_id(&session.session_id, session.kind).into_owned();
    let refreshed_at = session.refreshed_at;
    // A user has a handful of sessions: linear, and no reliance on their order to find one.
    if let Some(same) = state
        .sessions
        .iter_mut()
        .find(|s| stored_id(s) == key.as_str())
    {
        *same = session;
    } else {
        let at = state
            .sessions
            .iter()
            .position(|s| *stored_id(s) > *key)
            .unwrap_or(state.sessions.len());
        state.sessions.insert(at, session);
    }
    touch(state, refreshed_at);
}

/// Applies a committed `RemoveSession`: the session is gone (an expired leftover too), and
/// the user was touched at `now` if the session was still live (`live`, as the write
/// answered).
pub fn remove_session(
    state: &mut UserState,
    session_id: &str,
    kind: crate::engine::SessionKind,
    now: Timestamp,
    live: bool,
) {
    let key = stored_session_id(session_id, kind);
    state.sessions.retain(|s| stored_id(s) != key);
    if live {
        touch(state, stored(now));
    }
}

/// The user's `changed_at` after a write at `at`: `at`, or one millisecond past the previous
/// value if that is later.
fn touch(state: &mut UserState, at: Timestamp) {
    state.changed_at = Some(match state.changed_at {
        Some(previous) => {
            let next = previous.as_millisecond().saturating_add(1);
            let next = Timestamp::from_millisecond(next).unwrap_or(previous);
            at.max(next)
        }
        None => at,
    });
}

/// The id a session is stored under (its primary key with the user's).
fn stored_id(session: &Session) -> std::borrow::Cow<'_, str> {
    stored_session_id(&session.session_id, session.kind)
}
