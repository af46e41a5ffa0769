//! The change history (control plane): every change of a user's presence this server saw,
//! from what to what and why, kept in memory for the dashboard and `presencectl admin
//! changes`, and broadcast live to `GET /admin/events`.
//!
//! [`watch`] feeds it: it follows the store's change feed (writes, this instance's and, on
//! PostgreSQL, every other instance's) and each tracked user's next transition (fades,
//! expiries, meetings), so a change time alone makes is recorded at the instant it happens
//! on the server's clock. Why a write changed a user (a Teams client, a meeting, a reset)
//! travels with the change on the feed ([`crate::store::Change`]), from the write itself.
//!
//! Invariants: memory is bounded: at most [`MAX_USERS`] users are tracked (the first seen
//! is forgotten first), [`PER_USER`] changes each; a change is recorded only when the
//! availability or activity a read shows differs from the last one recorded.

pub mod watch;

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::Timestamp;
use presence_model::PresenceChange;
use tokio::sync::broadcast;

use crate::engine::EffectivePresence;
use crate::store::{Cause, UserKey};

/// Most users whose changes are kept.
pub const MAX_USERS: usize = 10_000;
/// Most changes kept per user.
pub const PER_USER: usize = 50;
/// Changes a slow `/admin/events` reader may fall behind before it is told to re-read.
const LIVE_BACKLOG: usize = 1024;

/// What is known of one tracked user.
#[derive(Debug)]
struct Tracked {
    /// What a read showed when last evaluated.
    shows: EffectivePresence,
    /// When (server clock) it was last evaluated.
    evaluated_at: Timestamp,
    /// The next instant its presence may change without a write.
    next: Option<Timestamp>,
    changes: VecDeque<PresenceChange>,
}

#[derive(Debug, Default)]
struct Book {
    users: HashMap<UserKey, Tracked>,
    /// Tracked users in the order first seen: who is forgotten first.
    order: VecDeque<UserKey>,
    /// No tracked user's next transition is before this: `due` answers at once until then.
    earliest: Option<Timestamp>,
    /// Whether every user with state is tracked (seeded at start, nothing forgotten since):
    /// then a user seen for the first time had no state before, so it showed `Offline`.
    complete: bool,
    sequence: i64,
    /// Users the watch task must read again, with why: the tracked users of a tenant
    /// (`None`: of all) and named users (a reset of a tenant or of everything, an import,
    /// announce no user to the change feed).
    rechecks: Vec<(Option<String>, Vec<UserKey>, Cause)>,
}

/// The history, shared by the watch task (which writes it) and the admin routes.
#[derive(Debug)]
pub struct History {
    book: Mutex<Book>,
    live: broadcast::Sender<PresenceChange>,
    /// Wakes the watch task for a recheck.
    wake: tokio::sync::Notify,
}

impl Default for History {
    fn default() -> Self {
        Self {
            book: Mutex::default(),
            live: broadcast::channel(LIVE_BACKLOG).0,
            wake: tokio::sync::Notify::new(),
        }
    }
}

/// One observation of a user by the watch task.
pub struct Observation<'a> {
    pub key: &'a UserKey,
    pub at: Timestamp,
    pub shows: EffectivePresence,
    pub next: Option<Timestamp>,
    pub cause: &'a str,
    /// The user's state, to say which rule decided, in words, when a change is recorded
    /// (only then: most writes change nothing a read shows).
    pub state: &'a crate::engine::UserState,
}

impl History {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Asks the watch task to read again, because of `cause`, the tracked users of `tenant`
    /// (all with `None`) and `users`: after a write that names no user to the change feed.
    pub fn recheck(&self, tenant: Option<&str>, users: Vec<UserKey>, cause: Cause) {
        self.book()
            .rechecks
            .push((tenant.map(str::to_owned), users, cause));
        self.wake.notify_one();
    }

    /// The rechecks asked for since the last call: the users each covers, and why.
    pub fn take_rechecks(&self) -> Vec<(Vec<UserKey>, Cause)> {
        let mut book = self.book();
        let rechecks = std::mem::take(&mut book.rechecks);
        rechecks
            .into_iter()
            .map(|(tenant, mut named, cause)| {
                named.extend(
                    book.users
                        .keys()
                        .filter(|key| tenant.as_deref().is_none_or(|t| t == key.tenant))
                        .cloned(),
                );
                (named, cause)
            })
            .collect()
    }

    /// Every tracked user, for a re-read after the watch task fell behind the change feed.
    pub fn take_all(&self) -> Vec<UserKey> {
        self.book().users.keys().cloned().collect()
    }

    /// Resolves when a recheck is asked for.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Marks the book as holding every user with state (after seeding at start).
    pub fn seeded(&self, complete: bool) {
        self.book().complete = complete;
    }

    /// Records what `key` shows after a write: a change when it differs from what was
    /// recorded last, with the write's cause (`write` for a Graph call).
    pub fn observe_write(&self, observation: Observation<'_>) {
        let mut book = self.book();
        self.record(&mut book, observation);
    }

    /// Records what `key` shows at `at` because time passed (the cause is given).
    pub fn observe_time(&self, observation: Observation<'_>) {
        let mut book = self.book();
        self.record(&mut book, observation);
    }

    fn record(&self, book: &mut Book, observation: Observation<'_>) {
        let Observation {
            key,
            at,
            shows,
            next,
            cause,
            state,
        } = observation;
        if !book.users.contains_key(key) {
            if book.users.len() >= MAX_USERS {
                if let Some(oldest) = book.order.pop_front() {
                    book.users.remove(&oldest);
                }
                book.complete = false;
            }
            book.order.push_back(key.clone());
            book.users.insert(
                key.clone(),
                Tracked {
                    // With a complete book a user first seen had no state: it showed Offline.
                    shows: if book.complete {
                        EffectivePresence::OFFLINE
                    } else {
                        shows
                    },
                    evaluated_at: at,
                    next,
                    changes: VecDeque::new(),
                },
            );
            if !book.complete {
                self.push(book, key, at, None, shows, cause, state.decided_by(at));
                return;
            }
        }
        if let Some(next) = next {
            book.earliest = Some(book.earliest.map_or(next, |e| e.min(next)));
        }
        let Some(tracked) = book.users.get_mut(key) else {
            return;
        };
        tracked.evaluated_at = tracked.evaluated_at.max(at);
        tracked.next = next;
        if tracked.shows == shows {
            return;
        }
        let before = Some(tracked.shows);
        self.push(book, key, at, before, shows, cause, state.decided_by(at));
    }

    /// Appends one change to `key`'s history and sends it live.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        book: &mut Book,
        key: &UserKey,
        at: Timestamp,
        before: Option<EffectivePresence>,
        shows: EffectivePresence,
        cause: &str,
        decided_by: String,
    ) {
        book.sequence += 1;
        let change = PresenceChange {
            sequence: book.sequence,
            tenant: key.tenant.clone(),
            user: key.user.clone(),
            time: at.to_string(),
            from_availability: before.map(|b| b.availability),
            from_activity: before.map(|b| b.activity),
            availability: shows.availability,
            activity: shows.activity,
            cause: cause.to_owned(),
            decided_by,
        };
        if let Some(tracked) = book.users.get_mut(key) {
            tracked.shows = shows;
            if tracked.changes.len() >= PER_USER {
                tracked.changes.pop_back();
            }
            tracked.changes.push_front(change.clone());
        }
        let _ = self.live.send(change);
    }

    /// Seeds a user's state without recording a change (at start).
    pub fn seed(
        &self,
        key: UserKey,
        shows: EffectivePresence,
        at: Timestamp,
        next: Option<Timestamp>,
    ) {
        let mut book = self.book();
        if let Some(next) = next {
            book.earliest = Some(book.earliest.map_or(next, |e| e.min(next)));
        }
        if book.users.len() >= MAX_USERS || book.users.contains_key(&key) {
            return;
        }
        book.order.push_back(key.clone());
        book.users.insert(
            key,
            Tracked {
                shows,
                evaluated_at: at,
                next,
                changes: VecDeque::new(),
            },
        );
    }

    /// Tracked users whose next transition is due at `now`, with when each was last
    /// evaluated.
    pub fn due(&self, now: Timestamp) -> Vec<(UserKey, Timestamp)> {
        let mut book = self.book();
        if book.earliest.is_none_or(|earliest| now < earliest) {
            return Vec::new();
        }
        let due = book
            .users
            .iter()
            .filter(|(_, tracked)| tracked.next.is_some_and(|next| next <= now))
            .map(|(key, tracked)| (key.clone(), tracked.evaluated_at))
            .collect();
        // The due ones are re-read now and report their next transition again.
        book.earliest = book
            .users
            .values()
            .filter_map(|tracked| tracked.next.filter(|next| *next > now))
            .min();
        due
    }

    /// A user's recorded changes, newest first.
    pub fn changes(&self, key: &UserKey) -> Vec<PresenceChange> {
        self.book()
            .users
            .get(key)
            .map(|tracked| tracked.changes.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Every change recorded from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<PresenceChange> {
        self.live.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::UserState;
    use presence_model::{Activity, Availability};

    fn key(user: &str) -> UserKey {
        UserKey {
            tenant: "t".into(),
            user: user.into(),
        }
    }

    fn shows(availability: Availability, activity: Activity) -> EffectivePresence {
        EffectivePresence {
            availability,
            activity,
        }
    }

    fn observe(history: &History, user: &UserKey, presence: EffectivePresence) {
        observe_because(history, user, presence, "write");
    }

    fn observe_because(
        history: &History,
        user: &UserKey,
        presence: EffectivePresence,
        cause: &str,
    ) {
        history.observe_write(Observation {
            key: user,
            at: Timestamp::UNIX_EPOCH,
            shows: presence,
            next: None,
            cause,
            state: &UserState::default(),
        });
    }

    #[test]
    fn a_change_is_recorded_only_when_what_shows_differs_with_its_cause() {
        let history = History::default();
        history.seeded(true);
        let user = key("u1");
        let busy = shows(Availability::Busy, Activity::InACall);
        observe(&history, &user, busy);
        observe(&history, &user, busy);
        observe_because(&history, &user, EffectivePresence::OFFLINE, "reset");
        let changes = history.changes(&user);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].cause, "reset");
        assert_eq!(changes[0].from_availability, Some(Availability::Busy));
        assert_eq!(changes[1].cause, "write");
        assert_eq!(changes[1].from_availability, Some(Availability::Offline));
        observe(&history, &user, busy);
        assert_eq!(history.changes(&user)[0].cause, "write");
    }

    #[test]
    fn memory_is_bounded_and_an_unseeded_first_sight_has_no_from() {
        let history = History::default();
        let user = key("u");
        for i in 0..(PER_USER + 5) {
            let presence = if i % 2 == 0 {
                EffectivePresence::OFFLINE
            } else {
                shows(Availability::Busy, Activity::Busy)
            };
            observe(&history, &user, presence);
        }
        let changes = history.changes(&user);
        assert_eq!(changes.len(), PER_USER);
        let first_sight = key("v");
        observe(
            &history,
            &first_sight,
            shows(Availability::Away, Activity::Away),
        );
        assert_eq!(history.changes(&first_sight)[0].from_availability, None);
        for i in 0..MAX_USERS + 3 {
            observe(&history, &key(&format!("x{i}")), EffectivePresence::OFFLINE);
        }
        assert!(history.book().users.len() <= MAX_USERS);
        assert!(
            history.changes(&user).is_empty(),
            "the first seen is forgotten first"
        );
    }
}
