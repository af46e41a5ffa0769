//! The task that keeps the [`History`](super::History): it reads each user the store reports
//! written, and each tracked user whose next transition (a fade, an expiry, a meeting) has
//! come on the server's clock, and records what changed.
//!
//! Writes are read in batches (everything the change feed holds, one query per tenant), so
//! under load the task costs one extra read per batch, not per write. When it falls behind
//! the feed, it re-reads every tracked user.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::{History, MAX_USERS, Observation};
use crate::clock::SharedClock;
use crate::engine::UserState;
use crate::store::{Store, UserKey};

/// How often due transitions are looked for (a manual clock's advance shows within it).
const TICK: Duration = Duration::from_millis(500);
/// Most writes read in one batch.
const BATCH: usize = 1000;
/// Most transitions walked for one user at once (a long clock advance).
const MAX_STEPS: usize = 100;

/// Subscribes to the store's changes and reads every user in (when there are few enough),
/// then returns the task that keeps the history, to be spawned.
///
/// Awaited before the server listens: a write committed while the seed reads the users would
/// be read in as already known, and its change, whose notification arrives after, would then
/// show nothing new and be lost.
pub async fn start(
    store: Store,
    clock: SharedClock,
    history: Arc<History>,
) -> impl std::future::Future<Output = ()> {
    let changes = store.changes();
    seed(&store, &clock, &history).await;
    run(store, clock, history, changes)
}

/// Runs until the process ends.
async fn run(
    store: Store,
    clock: SharedClock,
    history: Arc<History>,
    mut changes: tokio::sync::broadcast::Receiver<crate::store::Change>,
) {
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            change = changes.recv() => {
                let mut written = Written::default();
                match change {
                    Ok(change) => written.add(change),
                    Err(RecvError::Lagged(_)) => written.add_all(history.take_all()),
                    Err(RecvError::Closed) => return,
                }
                while written.len() < BATCH {
                    match changes.try_recv() {
                        Ok(change) => written.add(change),
                        Err(TryRecvError::Lagged(_)) => written.add_all(history.take_all()),
                        Err(_) => break,
                    }
                }
                // Time may have brought changes before the write: record those first.
                walk_due(&store, &clock, &history).await;
                for (cause, users) in written.by_cause() {
                    read_written(&store, &clock, &history, users, cause).await;
                }
            }
            () = history.woken() => {
                for (users, cause) in history.take_rechecks() {
                    read_written(&store, &clock, &history, users, cause.as_str()).await;
                }
            }
            _ = ticks.tick() => walk_due(&store, &clock, &history).await,
        }
    }
}

/// The users a batch of changes wrote, and why: each user's last change decides its cause,
/// since that write is what a read now shows.
#[derive(Default)]
struct Written {
    causes: HashMap<UserKey, Option<crate::store::Cause>>,
}

impl Written {
    fn add(&mut self, change: crate::store::Change) {
        self.causes.insert(change.user, change.cause);
    }

    /// Users to read again with no cause of their own (the feed lagged).
    fn add_all(&mut self, users: Vec<UserKey>) {
        for user in users {
            self.causes.entry(user).or_insert(None);
        }
    }

    fn len(&self) -> usize {
        self.causes.len()
    }

    /// The users by cause (`write` for a Graph call).
    fn by_cause(self) -> Vec<(&'static str, Vec<UserKey>)> {
        let mut groups: BTreeMap<&'static str, Vec<UserKey>> = BTreeMap::new();
        for (user, cause) in self.causes {
            let cause = cause.map_or("write", crate::store::Cause::as_str);
            groups.entry(cause).or_default().push(user);
        }
        groups.into_iter().collect()
    }
}

/// Tracks every user with state when there are few enough; otherwise users are tracked from
/// their first change on.
async fn seed(store: &Store, clock: &SharedClock, history: &History) {
    let now = clock.now();
    let Ok(counts) = store.counts(now).await else {
        return;
    };
    if counts.users > MAX_USERS as i64 {
        return;
    }
    let Ok(users) = store.all_users().await else {
        return;
    };
    for (key, user) in users {
        history.seed(key, user.presence_at(now), now, user.next_transition(now));
    }
    history.seeded(true);
}

/// Groups users by tenant, for one read per tenant, each user once (a batch holds up to
/// [`BATCH`] writes, so the duplicates are found by hashing, not by scanning).
fn by_tenant(users: Vec<UserKey>) -> BTreeMap<String, Vec<String>> {
    let mut seen: HashSet<UserKey> = HashSet::with_capacity(users.len());
    let mut tenants: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for key in users {
        if seen.insert(key.clone()) {
            tenants.entry(key.tenant).or_default().push(key.user);
        }
    }
    tenants
}

/// Records what each written user shows now, changed because of `cause`.
async fn read_written(
    store: &Store,
    clock: &SharedClock,
    history: &History,
    users: Vec<UserKey>,
    cause: &str,
) {
    for (tenant, ids) in by_tenant(users) {
        let Ok(mut states) = store.peek_users(&tenant, &ids).await else {
            continue;
        };
        let now = clock.now();
        for id in ids {
            let user = states.remove(&id).unwrap_or_default();
            let key = UserKey {
                tenant: tenant.clone(),
                user: id,
            };
            history.observe_write(Observation {
                key: &key,
                at: now,
                shows: user.presence_at(now),
                next: user.next_transition(now),
                cause,
                state: &user,
            });
        }
    }
}

/// Walks the due users through each transition up to now, recording each change at the
/// instant it happened.
async fn walk_due(store: &Store, clock: &SharedClock, history: &History) {
    let now = clock.now();
    let due = history.due(now);
    if due.is_empty() {
        return;
    }
    let since: BTreeMap<(String, String), Timestamp> = due
        .iter()
        .map(|(key, at)| ((key.tenant.clone(), key.user.clone()), *at))
        .collect();
    for (tenant, ids) in by_tenant(due.into_iter().map(|(key, _)| key).collect()) {
        let Ok(mut states) = store.peek_users(&tenant, &ids).await else {
            continue;
        };
        for id in ids {
            let user = states.remove(&id).unwrap_or_default();
            let cursor = since
                .get(&(tenant.clone(), id.clone()))
                .copied()
                .unwrap_or(now);
            let key = UserKey {
                tenant: tenant.clone(),
                user: id,
            };
            walk(history, &key, &user, cursor, now);
        }
    }
}

/// Records each change `user` goes through after `cursor` up to `now`.
fn walk(history: &History, key: &UserKey, user: &UserState, mut cursor: Timestamp, now: Timestamp) {
    for _ in 0..MAX_STEPS {
        let Some(at) = user.next_transition(cursor).filter(|at| *at <= now) else {
            break;
        };
        let cause = user
            .time_cause(cursor, at)
            .map_or("expiry", |cause| cause.as_str());
        history.observe_time(Observation {
            key,
            at,
            shows: user.presence_at(at),
            next: user.next_transition(at),
            cause,
            state: user,
        });
        cursor = at;
    }
    // Whatever was skipped (more than MAX_STEPS transitions), the state now is recorded.
    history.observe_time(Observation {
        key,
        at: now,
        shows: user.presence_at(now),
        next: user.next_transition(now),
        cause: "expiry",
        state: user,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(tenant: &str, user: &str) -> UserKey {
        UserKey {
            tenant: tenant.to_owned(),
            user: user.to_owned(),
        }
    }

    #[test]
    fn written_users_are_grouped_by_tenant_once_each_in_first_seen_order() {
        let users = vec![
            key("t1", "b"),
            key("t2", "a"),
            key("t1", "a"),
            key("t1", "b"),
            key("t2", "a"),
            key("t2", "b"),
        ];
        let tenants = by_tenant(users);
        assert_eq!(tenants.len(), 2);
        assert_eq!(tenants["t1"], vec!["b".to_owned(), "a".to_owned()]);
        assert_eq!(tenants["t2"], vec!["a".to_owned(), "b".to_owned()]);
    }
}
