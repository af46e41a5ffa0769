//! The embedded backend: one SQLite file, one server instance.
//!
//! - WAL journal, so readers never wait for the writer. A write is on disk before it is
//!   acknowledged: the writer commits with `synchronous = NORMAL` and [`wal_sync`] syncs the
//!   WAL before answering (an in-memory database commits with `FULL`, which costs nothing).
//! - Reads go through a small read-only pool ([`read`]).
//! - Writes go to one task that owns the only writable connection ([`writer`]) and commits
//!   whatever has queued up meanwhile in one transaction (group commit): concurrent writers
//!   share an fsync instead of queueing for one each, and "database is locked" cannot happen
//!   between our own connections.

mod apply;
mod checkpoint;
mod exclusive;
mod in_memory;
mod read;
mod signing_keys;
mod subscriptions;
mod wal_sync;
mod writer;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{StoreError, Write, Written};
use crate::engine::UserState;

/// Migrations embedded in the binary, applied at start-up.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// Page cache of the writer and of each reader, in KiB. SQLite's default is 2 MiB per
/// connection; a database of a million sessions is ~110 MiB, and random upserts would keep
/// missing it. Readers keep less: most reads are answered from the state in memory
/// (`state_cache`). (A negative `cache_size` is in KiB.)
const WRITER_CACHE_KIB: u32 = 16 * 1024;
const READER_CACHE_KIB: u32 = 4 * 1024;

/// How often the WAL is checkpointed into the database file, off the writer's path.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// How many connections serve reads concurrently.
const READ_CONNECTIONS: u32 = 4;

/// Reads users into the in-memory state in the background ([`crate::store::warm`]).
async fn warm(read: SqlitePool, cache: std::sync::Arc<crate::store::state_cache::StateCache>) {
    let ready = || std::future::ready(true);
    crate::store::warm::warm(cache, ready, |after| {
        let read = read.clone();
        async move {
            let mut connection = read.acquire().await.ok()?;
            crate::store::shared::users::sqlite::users_after(
                &mut connection,
                &after.tenant,
                &after.user,
                crate::store::warm::PAGE,
            )
            .await
            .ok()
        }
    })
    .await;
}

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    /// Users' state in memory; the writer invalidates what it commits.
    cache: std::sync::Arc<crate::store::state_cache::StateCache>,
    writer: writer::Writer,
    /// Whether writes commit just now (`/healthz`).
    health: std::sync::Arc<crate::store::health::WriteHealth>,
    checkpoints: std::sync::Arc<tokio::task::AbortHandle>,
    /// This server's hold on the database file (none in memory); let go by `close`.
    exclusive: std::sync::Arc<std::sync::Mutex<Option<exclusive::Exclusive>>>,
}

impl SqliteStore {
    /// A connection of the read pool, for the reads written once for both backends
    /// (`store::shared`).
    pub(super) async fn read_connection(
        &self,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, sqlx::Error> {
        self.read.acquire().await
    }

    /// Opens (creating the file and its directory if needed) and migrates the database.
    pub async fn open(url: &str, state_cache_bytes: usize) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("invalid database URL '{url}'"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let file = options.get_filename();
        if let Some(dir) = file.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        }
        let in_memory = crate::config::is_memory_url(url);
        let exclusive = if in_memory {
            None
        } else {
            let held = exclusive::lock(file)?;
            exclusive::writable(file)?;
            Some(held)
        };
        // The writer never checkpoints itself (a checkpoint inside a commit stalls every
        // write queued behind it); a separate connection does, passively, every second.
        //
        // On a file, its commits do not wait for the disk (`NORMAL`): `wal_sync` syncs the
        // WAL after each batch and only then acknowledges it, while the next batch commits.
        let writer_options = options
            .clone()
            .pragma("cache_size", format!("-{WRITER_CACHE_KIB}"))
            .pragma("wal_autocheckpoint", "0")
            .synchronous(if in_memory {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            });
        let health = std::sync::Arc::new(crate::store::health::WriteHealth::default());
        let acknowledge = if in_memory {
            wal_sync::Acknowledge::AtCommit
        } else {
            wal_sync::Acknowledge::after_sync(file.to_path_buf(), health.clone())
                .context("cannot start the WAL sync thread")?
        };
        let mut connection = sqlx::ConnectOptions::connect(&writer_options)
            .await
            .with_context(|| format!("cannot open the database {}", file.display()))?;
        MIGRATOR
            .run(&mut connection)
            .await
            .context("cannot apply the database migrations")?;
        // A database that opens but cannot be written (read-only, full) is refused now
        // rather than served with every write failing.
        apply::probe(&mut connection).await.with_context(|| {
            format!(
                "the database {} does not take writes: presence needs to write its database",
                file.display()
            )
        })?;
        if !in_memory {
            // Created with the umask's mode: the database holds the authority's signing key.
            crate::data_dir::secure_database(file)?;
        }
        let checkpointer = sqlx::ConnectOptions::connect(&options)
            .await
            .context("cannot open the checkpointing connection")?;
        let read = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .connect_with(
                options
                    .pragma("cache_size", format!("-{READER_CACHE_KIB}"))
                    .read_only(true),
            )
            .await
            .context("cannot open read connections to the database")?;
        let checkpoints = tokio::spawn(checkpoint::run(checkpointer, CHECKPOINT_EVERY));
        let cache = std::sync::Arc::new(crate::store::state_cache::StateCache::new(
            state_cache_bytes,
        ));
        // Filled in the background, so the server is ready at once and reads made meanwhile
        // simply miss.
        tokio::spawn(warm(read.clone(), cache.clone()));
        Ok(Self {
            read,
            writer: writer::Writer::spawn(
                connection,
                writer_options,
                cache.clone(),
                acknowledge,
                health.clone(),
            ),
            cache,
            health,
            checkpoints: std::sync::Arc::new(checkpoints.abort_handle()),
            exclusive: std::sync::Arc::new(std::sync::Mutex::new(exclusive)),
        })
    }

    /// Applies one write durably; resolves once it is committed.
    pub async fn write(&self, write: Write) -> Result<Written, StoreError> {
        if let Write::PurgeExpired { now, limit } = write {
            // Found on a read connection, so that the writer only deletes by key.
            let sessions = read::expired_sessions(&self.read, now, limit).await?;
            if sessions.is_empty() {
                return Ok(Written::Purged(0));
            }
            return self
                .writer
                .submit(Write::PurgeSessions { now, sessions })
                .await;
        }
        self.writer.submit(write).await
    }

    /// Users whose state changes from now on, as each change commits.
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<crate::store::Change> {
        self.writer.changes()
    }

    /// The state of each of `users` that has any, keyed by user id.
    pub async fn load_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, sqlx::Error> {
        let (mut found, missing) = self.cache.lookup(tenant, users);
        if missing.is_empty() {
            return Ok(found);
        }
        let began = self.cache.began();
        let loaded = read::fetch_users(&self.read, tenant, &missing).await?;
        self.cache
            .fill_missing(tenant, &mut found, missing, loaded, began);
        Ok(found)
    }

    /// As [`SqliteStore::load_users`], keeping nothing read from the database in memory.
    pub async fn peek_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, sqlx::Error> {
        let (mut found, missing) = self.cache.lookup(tenant, users);
        if !missing.is_empty() {
            found.extend(read::fetch_users(&self.read, tenant, &missing).await?);
        }
        Ok(found)
    }

    /// One user's state, shared with the in-memory copy when there is one.
    pub async fn load_user_shared(
        &self,
        tenant: &str,
        user: &str,
    ) -> Result<std::sync::Arc<UserState>, sqlx::Error> {
        if let Some(state) = self.cache.get(tenant, user) {
            return Ok(state);
        }
        let ids = [user.to_owned()];
        let mut states = self.load_users(tenant, &ids).await?;
        Ok(std::sync::Arc::new(states.remove(user).unwrap_or_default()))
    }

    /// Up to `limit` ids of `tenant`'s users with a row, after `after`, in order.
    pub async fn user_ids(
        &self,
        tenant: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT user_id FROM presence_users WHERE tenant_id = ? \
             AND (? IS NULL OR user_id > ?) ORDER BY user_id LIMIT ?",
        )
        .bind(tenant)
        .bind(after)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
    }

    /// Notifications waiting for delivery.
    pub async fn outbox_depth(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM notification_outbox")
            .fetch_one(&self.read)
            .await
    }

    /// Whether the database answers reads and takes writes: after a failed commit, a write
    /// of no consequence is committed to find out whether writes commit again.
    pub async fn health(&self) -> Result<(), crate::store::Unhealthy> {
        if let Some(problem) = self.health.problem() {
            // The probe clears the problem when it commits, or renews it.
            if !problem.recent() {
                let _ = self.writer.probe().await;
            }
            if let Some(problem) = self.health.problem() {
                return Err(crate::store::Unhealthy::Writes(problem));
            }
        }
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map(drop)
            .map_err(crate::store::Unhealthy::Unreachable)
    }

    /// Finishes queued writes, then closes every connection. Readers close first, so the
    /// writer is the last connection and checkpoints the WAL into the database file.
    pub async fn close(&self) {
        self.checkpoints.abort();
        self.read.close().await;
        self.writer.close().await;
        // Every connection is closed: another server may have the database now.
        drop(
            self.exclusive
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Session, SessionKind};
    use crate::store::{UserKey, Write};
    use presence_model::{Activity, Availability};

    /// A store on a new database in a temporary directory (kept as long as the guard).
    async fn open_temporary() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("presence.db").display());
        let store = SqliteStore::open(&url, 1 << 20).await.expect("opened");
        (dir, store)
    }

    fn put(user: &str) -> Write {
        put_for(user, jiff::SignedDuration::from_hours(1))
    }

    fn put_for(user: &str, lasting: jiff::SignedDuration) -> Write {
        let now = jiff::Timestamp::now();
        Write::PutSession {
            user: UserKey {
                tenant: "t".into(),
                user: user.into(),
            },
            session: Session {
                session_id: "app".into(),
                kind: SessionKind::Application,
                availability: Availability::Busy,
                activity: Activity::InACall,
                refreshed_at: now,
                expires_at: now + lasting,
            },
        }
    }

    #[tokio::test]
    async fn a_put_or_clear_done_in_memory_leaves_what_the_database_holds() {
        let (_dir, store) = open_temporary().await;
        let users = ["a", "b", "c"].map(str::to_owned);
        store.write(put("b")).await.expect("written");
        // Known to the cache: two without a row, one with.
        store.load_users("t", &users).await.expect("read");
        let base = jiff::Timestamp::now();
        let ids = [
            ("zeta", SessionKind::Application),
            ("app-1", SessionKind::Application),
            ("teams", SessionKind::Client),
            ("app", SessionKind::Application),
        ];
        for i in 0..120_i64 {
            let user = &users[(i % 3) as usize];
            let (id, kind) = ids[(i % 4) as usize];
            // Refreshes that go back in time too (`changed_at` then moves one millisecond),
            // with sub-millisecond parts the store drops.
            let refreshed_at =
                base + jiff::SignedDuration::from_micros((i * 7_919) % 5_000 - 2_000);
            let key = UserKey {
                tenant: "t".into(),
                user: user.clone(),
            };
            // Every fifth write clears a session (live, expired, or absent); every seventh
            // put has already expired, so that a later clear deletes it without a touch.
            let write = if i % 5 == 4 {
                Write::RemoveSession {
                    user: key,
                    session_id: id.into(),
                    kind,
                    now: refreshed_at,
                }
            } else {
                let lasting = if i % 7 == 3 { -1 } else { 30 + i };
                Write::PutSession {
                    user: key,
                    session: Session {
                        session_id: id.into(),
                        kind,
                        availability: Availability::all()[(i % 5) as usize],
                        activity: Activity::all()[(i % 7) as usize],
                        refreshed_at,
                        expires_at: refreshed_at + jiff::SignedDuration::from_mins(lasting),
                    },
                }
            };
            store.write(write).await.expect("written");
            let kept = store
                .cache
                .get("t", user)
                .expect("still known after the write");
            let stored = read::fetch_users(&store.read, "t", std::slice::from_ref(user))
                .await
                .expect("read")
                .remove(user)
                .expect("a row");
            assert_eq!(*kept, stored, "write {i}");
        }
        store.close().await;
    }

    #[tokio::test]
    async fn clears_applied_together_answer_as_one_after_the_other_would() {
        let (_dir, store) = open_temporary().await;
        let users: Vec<String> = (0..8).map(|i| format!("u{i}")).collect();
        for user in &users {
            store.write(put(user)).await.expect("written");
        }
        store.load_users("t", &users).await.expect("read");
        let clear = |user: &str| Write::RemoveSession {
            user: UserKey {
                tenant: "t".into(),
                user: user.into(),
            },
            session_id: "app".into(),
            kind: SessionKind::Application,
            now: jiff::Timestamp::now(),
        };
        // Each user's session cleared three times at once (and one user never written):
        // the writes land in shared batches.
        let mut clears = Vec::new();
        for user in users.iter().chain(std::iter::once(&"nobody".to_owned())) {
            for _ in 0..3 {
                let store = store.clone();
                let write = clear(user);
                clears.push((
                    user.clone(),
                    tokio::spawn(async move { store.write(write).await }),
                ));
            }
        }
        let mut removed: HashMap<String, usize> = HashMap::new();
        for (user, clear) in clears {
            let written = clear.await.expect("joined").expect("written");
            if written == crate::store::Written::SessionRemoved(true) {
                *removed.entry(user).or_default() += 1;
            }
        }
        for user in &users {
            assert_eq!(
                removed.get(user),
                Some(&1),
                "{user}: exactly one clear removed it"
            );
        }
        assert_eq!(removed.get("nobody"), None);
        let all: Vec<String> = users.iter().cloned().chain(["nobody".to_owned()]).collect();
        let stored = read::fetch_users(&store.read, "t", &all)
            .await
            .expect("read");
        for user in &users {
            let kept = store.cache.get("t", user).expect("known");
            assert_eq!(*kept, stored[user], "{user}");
            assert!(kept.sessions.is_empty());
        }
        store.close().await;
    }

    #[tokio::test]
    async fn puts_applied_together_keep_every_id_and_value_and_count_each_write() {
        let (_dir, store) = open_temporary().await;
        // Ids that JSON must escape, or that SQL would misread if pasted in.
        let ids = [
            "quote\"d",
            "back\\slash",
            "ünï—códe 🙂",
            "tab\tand\nline",
            "'); DROP TABLE presence_users; --",
        ];
        let users = ["one", "two"].map(str::to_owned);
        store.load_users("t", &users).await.expect("read");
        let at = jiff::Timestamp::from_millisecond(1_900_000_000_000).expect("a time");
        let mut puts = Vec::new();
        for (n, id) in ids.iter().enumerate() {
            for user in &users {
                // Each session written twice at once: the second write's values stand.
                for round in 0..2_usize {
                    let store = store.clone();
                    let write = Write::PutSession {
                        user: UserKey {
                            tenant: "t".into(),
                            user: user.clone(),
                        },
                        session: Session {
                            session_id: (*id).into(),
                            kind: SessionKind::Application,
                            availability: Availability::all()[(n + round) % 5],
                            activity: Activity::all()[n % 7],
                            refreshed_at: at,
                            expires_at: at + jiff::SignedDuration::from_mins(5),
                        },
                    };
                    puts.push(tokio::spawn(async move { store.write(write).await }));
                    tokio::task::yield_now().await;
                }
            }
        }
        for put in puts {
            put.await.expect("joined").expect("written");
        }
        let stored = read::fetch_users(&store.read, "t", &users)
            .await
            .expect("read");
        for user in &users {
            let state = &stored[user];
            let mut kept: Vec<&str> = state
                .sessions
                .iter()
                .map(|s| s.session_id.as_str())
                .collect();
            kept.sort_unstable();
            let mut wanted = ids.to_vec();
            wanted.sort_unstable();
            assert_eq!(kept, wanted, "{user}");
            for session in &state.sessions {
                let n = ids
                    .iter()
                    .position(|id| *id == session.session_id)
                    .expect("known");
                assert_eq!(session.availability, Availability::all()[(n + 1) % 5]);
                assert_eq!(session.activity, Activity::all()[n % 7]);
                assert_eq!(session.refreshed_at, at);
            }
            // Ten writes at one instant: `changed_at` moved one millisecond per write after
            // the first.
            assert_eq!(
                state.changed_at,
                Some(at + jiff::SignedDuration::from_millis(9)),
                "{user}"
            );
            assert_eq!(*store.cache.get("t", user).expect("known"), *state);
        }
        store.close().await;
    }

    #[tokio::test]
    async fn a_purge_forgets_the_users_it_purged_and_only_them() {
        let (_dir, store) = open_temporary().await;
        store
            .write(put_for("short", jiff::SignedDuration::from_secs(1)))
            .await
            .expect("written");
        store.write(put("long")).await.expect("written");
        let users = ["short".to_owned(), "long".to_owned()];
        store.load_users("t", &users).await.expect("read");
        assert!(store.cache.get("t", "short").is_some());
        let purge = Write::PurgeExpired {
            now: jiff::Timestamp::now() + jiff::SignedDuration::from_mins(1),
            limit: 500,
        };
        assert_eq!(
            store.write(purge).await.expect("purged"),
            crate::store::Written::Purged(1)
        );
        assert!(store.cache.get("t", "short").is_none(), "forgotten");
        assert!(store.cache.get("t", "long").is_some(), "kept");
        let states = store.load_users("t", &users).await.expect("read");
        assert!(
            states["short"].sessions.is_empty(),
            "read again, without it"
        );
        assert_eq!(states["long"].sessions.len(), 1);
        store.close().await;
    }

    #[tokio::test]
    async fn a_restart_reads_the_users_state_into_memory_in_the_background() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("presence.db").display());
        let store = SqliteStore::open(&url, 1 << 20).await.expect("opened");
        for user in ["a", "b", "c"] {
            store.write(put(user)).await.expect("written");
        }
        store.close().await;
        let store = SqliteStore::open(&url, 1 << 20).await.expect("reopened");
        let mut warmed = false;
        for _ in 0..100 {
            warmed = ["a", "b", "c"]
                .iter()
                .all(|user| store.cache.get("t", user).is_some());
            if warmed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(warmed, "every user is in memory without being read");
        let state = store.cache.get("t", "b").expect("warmed");
        assert_eq!(state.sessions[0].availability, Availability::Busy);
        store.close().await;
        // With no budget nothing is kept, and reads still answer from the database.
        let store = SqliteStore::open(&url, 0).await.expect("reopened");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(store.cache.get("t", "a").is_none());
        let states = store
            .load_users("t", &["a".to_owned()])
            .await
            .expect("read");
        assert_eq!(states["a"].sessions.len(), 1);
        store.close().await;
    }
}
