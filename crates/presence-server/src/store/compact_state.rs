//! A user's state as the in-memory cache keeps it: packed, so that a million sessions fit in
//! tens of megabytes rather than hundreds.
//!
//! Why this shape: a [`UserState`] spends about a hundred bytes on each session (a `String`
//! for an id that most sessions share with thousands of others, two 16-byte timestamps) and
//! some two hundred on fields that are nearly always empty. Packed, a session is 16 bytes:
//! its id is an index into an [`Interner`] of the ids seen (an application's sessionId is
//! its app id, and a tenant has a handful of applications), its timestamps are the
//! milliseconds the store keeps anyway (the expiry as a lifetime from the refresh), and its
//! vocabulary values are their indexes, in bits. The
//! rarely set fields stay as they are, boxed, only when one of them is set.
//!
//! Exact, never lossy: a state that would not come back identical (an id the interner has no
//! room for, a timestamp finer than a millisecond) is not packed, and the cache keeps it
//! whole instead ([`CompactState::pack`] returns `None`), as is a session that expires more
//! than 49 days after its refresh (Graph's sessions last at most four hours).

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use jiff::Timestamp;
use presence_model::{Activity, Availability};

use crate::engine::session::UNTIL_REMOVED;
use crate::engine::{Session, SessionKind, UserState};

/// Distinct session ids the interner keeps. Ids are clients' input, so the table is bounded
/// (at most about 1.3 MiB: ids are at most 256 characters); past it, states with new ids are
/// kept unpacked (still exact, only larger). It is never emptied: a packed entry may be read
/// at any time, so a number once given must keep naming its id.
pub const MAX_INTERNED: usize = 4096;

/// Session ids seen, each stored once, numbered in the order first seen.
#[derive(Debug, Default)]
pub struct Interner {
    table: RwLock<Table>,
}

#[derive(Debug, Default)]
struct Table {
    numbers: HashMap<Arc<str>, u16>,
    ids: Vec<Arc<str>>,
}

impl Interner {
    /// The number of `id`, adding it when there is room.
    fn number(&self, id: &str) -> Option<u16> {
        if let Some(&number) = self
            .table
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .numbers
            .get(id)
        {
            return Some(number);
        }
        let mut table = self.table.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&number) = table.numbers.get(id) {
            return Some(number);
        }
        if table.ids.len() >= MAX_INTERNED {
            return None;
        }
        let number = u16::try_from(table.ids.len()).ok()?;
        let id: Arc<str> = Arc::from(id);
        table.ids.push(id.clone());
        table.numbers.insert(id, number);
        Some(number)
    }

    /// The ids, by number, for as long as the guard lives (one lock for a whole state).
    fn ids(&self) -> impl std::ops::Deref<Target = Table> + '_ {
        self.table.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One session, packed into 16 bytes.
#[derive(Debug, Clone, Copy)]
struct PackedSession {
    /// Milliseconds.
    refreshed_at: i64,
    /// Milliseconds from `refreshed_at` to the expiry; [`UNTIL_REMOVED_LIFETIME`] for a
    /// session that lasts until removed.
    lifetime: u32,
    id: u16,
    /// The kind (bit 0), the availability's index (bits 1 to 4), the activity's (5 to 9).
    states: u16,
}

/// The `lifetime` of a session that lasts until removed ([`UNTIL_REMOVED`]).
const UNTIL_REMOVED_LIFETIME: u32 = u32::MAX;

impl PackedSession {
    fn pack(session: &Session, interner: &Interner) -> Option<Self> {
        let refreshed_at = millis(session.refreshed_at)?;
        let lifetime = if session.expires_at == UNTIL_REMOVED {
            UNTIL_REMOVED_LIFETIME
        } else {
            u32::try_from(millis(session.expires_at)?.checked_sub(refreshed_at)?)
                .ok()
                .filter(|&lifetime| lifetime != UNTIL_REMOVED_LIFETIME)?
        };
        let kind = match session.kind {
            SessionKind::Application => 0,
            SessionKind::Client => 1,
        };
        Some(Self {
            refreshed_at,
            lifetime,
            id: interner.number(&session.session_id)?,
            states: kind | (session.availability as u16) << 1 | (session.activity as u16) << 5,
        })
    }

    fn unpack(&self, id: &str) -> Option<Session> {
        let refreshed_at = Timestamp::from_millisecond(self.refreshed_at).ok()?;
        let expires_at = if self.lifetime == UNTIL_REMOVED_LIFETIME {
            UNTIL_REMOVED
        } else {
            Timestamp::from_millisecond(self.refreshed_at + i64::from(self.lifetime)).ok()?
        };
        Some(Session {
            session_id: id.to_owned(),
            kind: if self.states & 1 == 0 {
                SessionKind::Application
            } else {
                SessionKind::Client
            },
            availability: *Availability::all().get(usize::from(self.states >> 1 & 0xf))?,
            activity: *Activity::all().get(usize::from(self.states >> 5 & 0x1f))?,
            refreshed_at,
            expires_at,
        })
    }
}

/// A user's state, packed (see the module's documentation).
#[derive(Debug)]
pub struct CompactState {
    sessions: Box<[PackedSession]>,
    /// Everything but the sessions and `changed_at`, when any of it is set.
    rest: Option<Box<UserState>>,
    /// Milliseconds; `i64::MIN` for a user never written.
    changed_at: i64,
}

/// Milliseconds of `at`, when that is all there is to it.
fn millis(at: Timestamp) -> Option<i64> {
    let ms = at.as_millisecond();
    (Timestamp::from_millisecond(ms).ok()? == at).then_some(ms)
}

impl CompactState {
    /// `state` packed, or `None` when it cannot be packed exactly.
    pub fn pack(state: &UserState, interner: &Interner) -> Option<Self> {
        let sessions = state
            .sessions
            .iter()
            .map(|session| PackedSession::pack(session, interner))
            .collect::<Option<Box<[_]>>>()?;
        let changed_at = match state.changed_at {
            Some(at) => millis(at)?,
            None => i64::MIN,
        };
        let rest = UserState {
            sessions: Vec::new(),
            changed_at: None,
            ..state.clone()
        };
        let rest = (rest != UserState::default()).then(|| Box::new(rest));
        Some(Self {
            sessions,
            rest,
            changed_at,
        })
    }

    /// The state, as it was packed.
    pub fn unpack(&self, interner: &Interner) -> UserState {
        let table = interner.ids();
        let sessions = self
            .sessions
            .iter()
            .filter_map(|packed| packed.unpack(table.ids.get(usize::from(packed.id))?))
            .collect();
        drop(table);
        let rest = self.rest.as_deref().cloned().unwrap_or_default();
        UserState {
            sessions,
            changed_at: (self.changed_at != i64::MIN)
                .then(|| Timestamp::from_millisecond(self.changed_at).ok())
                .flatten(),
            ..rest
        }
    }

    /// What it costs in memory: the sessions' slice and, when set, the boxed rest (its
    /// strings counted generously, as the allocator rounds up).
    pub fn bytes(&self) -> usize {
        let sessions = self.sessions.len() * std::mem::size_of::<PackedSession>();
        let rest = self.rest.as_deref().map_or(0, |rest| {
            std::mem::size_of::<UserState>()
                + rest.calendar.len() * 200
                + rest
                    .status_message
                    .as_ref()
                    .map_or(0, |m| 128 + m.content.len())
                + rest
                    .automatic_replies
                    .as_ref()
                    .map_or(0, |r| 64 + r.message.as_ref().map_or(0, String::len))
                + 128
        });
        std::mem::size_of::<Self>() + sessions + rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::preferred::Preferred;
    use crate::engine::status_message::StatusMessage;

    fn session(id: &str, kind: SessionKind, at: i64) -> Session {
        Session {
            session_id: id.to_owned(),
            kind,
            availability: Availability::DoNotDisturb,
            activity: Activity::Presenting,
            refreshed_at: Timestamp::from_millisecond(at).expect("valid"),
            expires_at: Timestamp::from_millisecond(at + 60_000).expect("valid"),
        }
    }

    #[test]
    fn every_vocabulary_value_survives_its_index() {
        for (index, value) in Availability::all().iter().enumerate() {
            assert_eq!(*value as u8 as usize, index);
        }
        for (index, value) in Activity::all().iter().enumerate() {
            assert_eq!(*value as u8 as usize, index);
        }
        assert!(Availability::all().len() <= 16, "4 bits");
        assert!(Activity::all().len() <= 32, "5 bits");
        assert_eq!(std::mem::size_of::<PackedSession>(), 16);
    }

    #[test]
    fn every_pair_and_kind_and_a_session_until_removed_come_back() {
        let interner = Interner::default();
        for availability in Availability::all() {
            for activity in Activity::all() {
                for kind in [SessionKind::Application, SessionKind::Client] {
                    let mut one = session("s", kind, 1_700_000_000_000);
                    one.availability = *availability;
                    one.activity = *activity;
                    let state = UserState {
                        sessions: vec![one.clone()],
                        ..UserState::default()
                    };
                    let packed = CompactState::pack(&state, &interner).expect("packs");
                    assert_eq!(packed.unpack(&interner), state);
                    one.expires_at = UNTIL_REMOVED;
                    let state = UserState {
                        sessions: vec![one],
                        ..UserState::default()
                    };
                    let packed = CompactState::pack(&state, &interner).expect("packs");
                    assert_eq!(packed.unpack(&interner), state);
                }
            }
        }
        let mut long = session("s", SessionKind::Application, 1_000);
        long.expires_at = Timestamp::from_millisecond(1_000 + 50 * 86_400_000).expect("valid");
        let state = UserState {
            sessions: vec![long],
            ..UserState::default()
        };
        assert!(CompactState::pack(&state, &interner).is_none(), "50 days");
    }

    #[test]
    fn a_packed_state_comes_back_identical() {
        let interner = Interner::default();
        let plain = UserState {
            sessions: vec![
                session("app-1", SessionKind::Application, 1_700_000_000_123),
                session("teams-desktop", SessionKind::Client, 1_700_000_000_456),
                session("app-1", SessionKind::Application, 1_700_000_000_789),
            ],
            changed_at: Some(Timestamp::from_millisecond(1_700_000_000_999).expect("valid")),
            ..UserState::default()
        };
        let packed = CompactState::pack(&plain, &interner).expect("packs");
        assert!(packed.rest.is_none(), "nothing else set: nothing boxed");
        assert_eq!(packed.unpack(&interner), plain);

        let rich = UserState {
            preferred: Some(Preferred {
                availability: Availability::Busy,
                activity: Activity::Busy,
                expires_at: Timestamp::from_millisecond(1_800_000_000_000).expect("valid"),
            }),
            status_message: Some(StatusMessage {
                content: "out to lunch".to_owned(),
                expires_at: None,
                published_at: Timestamp::from_millisecond(1_700_000_000_000).expect("valid"),
            }),
            ..plain.clone()
        };
        let packed = CompactState::pack(&rich, &interner).expect("packs");
        assert_eq!(packed.unpack(&interner), rich);
        assert_eq!(
            CompactState::pack(&UserState::default(), &interner)
                .expect("packs")
                .unpack(&interner),
            UserState::default()
        );
        assert_eq!(interner.ids().ids.len(), 2, "ids are kept once");
    }

    #[test]
    fn what_cannot_come_back_identical_is_not_packed() {
        let interner = Interner::default();
        let mut fine = UserState {
            sessions: vec![session("a", SessionKind::Application, 1_000)],
            ..UserState::default()
        };
        fine.sessions[0].refreshed_at = Timestamp::new(1, 500).expect("valid");
        assert!(
            CompactState::pack(&fine, &interner).is_none(),
            "sub-millisecond"
        );
        for i in 0..MAX_INTERNED {
            assert!(interner.number(&format!("id-{i}")).is_some());
        }
        let fresh = UserState {
            sessions: vec![session("one-too-many", SessionKind::Application, 1_000)],
            ..UserState::default()
        };
        assert!(CompactState::pack(&fresh, &interner).is_none(), "no room");
        let known = UserState {
            sessions: vec![session("id-7", SessionKind::Application, 1_000)],
            ..UserState::default()
        };
        assert!(CompactState::pack(&known, &interner).is_some());
    }
}
