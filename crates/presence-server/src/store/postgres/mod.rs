//! The shared backend: one PostgreSQL database behind any number of server instances.
//!
//! - Writes to one user each are gathered into shared transactions by the instance's
//!   batcher ([`batch`]: PostgreSQL serialises the commits of transactions that NOTIFY, so
//!   one commit per write would cap them at about a thousand per second); any other write is
//!   its own transaction on a pooled connection. Writes to one user are serialised across
//!   instances by the user's row lock ([`apply`]).
//! - A write that loses a deadlock or a serialisation check is retried whole: nothing of it
//!   was committed, and it was not acknowledged.
//! - A write to a followed user is followed by its announcement (the outbox rows) in a second
//!   transaction, so the common write stays one statement; the scanner covers a crash in
//!   between.
//! - Migrations run at start-up under sqlx's advisory lock, so instances starting together
//!   apply them once and the others wait, then find them applied.
//! - Changes reach every instance's live streams through LISTEN/NOTIFY ([`listen`]).

mod apply;
mod batch;
mod fence;
mod listen;
mod reach;
mod read;
mod reset;
mod signing_keys;
mod subscriptions;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tokio::sync::broadcast;

use self::reach::{Pool, Reach};
use crate::engine::UserState;
use crate::store::{StoreError, UserKey, Write, Written};

/// Migrations embedded in the binary, applied at start-up.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// How often a write that lost a deadlock or serialisation check is tried again.
const RETRIES: u32 = 8;

/// Changes remembered for slow stream readers before they are told they lagged.
const CHANGE_BACKLOG: usize = 4096;

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct PgStore {
    /// Connections for writes: their statements are prepared once and, after a few
    /// executions, run on PostgreSQL's generic plan (all primary-key lookups).
    writes: Pool,
    /// Connections for reads, on generic plans with sequential scans off: planning each
    /// execution (`force_custom_plan`, what they did before) cost PostgreSQL 2.5 times the
    /// query itself (pgbench, the user read: 8,474 against 21,308 executions/s). What made
    /// custom plans necessary was a generic plan made while the tables were small, which
    /// scanned a tenant's users for the ids long after they had grown; the user read is now
    /// written as one primary-key probe per id ([`read`]), and with sequential scans off no
    /// read can fall back to scanning a table because its statistics are stale.
    reads: Pool,
    changes: broadcast::Sender<crate::store::Change>,
    listener: Arc<tokio::task::AbortHandle>,
    /// Users' state in memory, kept exact by the change notifications ([`listen`]) and read
    /// only behind a fence ([`fence`]), so reads stay linearizable across instances.
    cache: Arc<crate::store::state_cache::StateCache>,
    fence: Arc<fence::Fence>,
    fence_sender: Arc<tokio::task::AbortHandle>,
    /// Gathers concurrent writes to single users into shared transactions.
    batcher: batch::Batcher,
    batcher_task: Arc<tokio::task::AbortHandle>,
    /// Reads users into memory after the start ([`crate::store::warm`]).
    warming: Arc<tokio::task::AbortHandle>,
    /// `--database-timeout`: also bounds the health check's query.
    timeout: Duration,
}

impl PgStore {
    /// A connection of the read pool (through `reach`), for the reads written once for
    /// both backends (`store::shared`).
    pub(super) async fn read_connection(
        &self,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, sqlx::Error> {
        self.reads.acquire().await
    }

    /// Connects with two pools of `connections` (writes, reads), migrates (once across
    /// instances) and starts listening for changes. `timeout` bounds the health check's
    /// query, and how long a read waits for its fence; users' state is kept in memory up to
    /// about `state_cache_bytes`.
    pub async fn open(
        url: &str,
        connections: u32,
        timeout: Duration,
        state_cache_bytes: usize,
    ) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .context("invalid PostgreSQL URL")?
            .application_name("presence-server");
        let pool = |options: PgConnectOptions| {
            PgPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
        };
        let writes = pool(options.clone())
            .await
            .context("cannot connect to PostgreSQL")?;
        MIGRATOR
            .run(&writes)
            .await
            .context("cannot apply the database migrations")?;
        let reads = pool(options.clone().options([
            ("plan_cache_mode", "force_generic_plan"),
            ("enable_seqscan", "off"),
        ]))
        .await
        .context("cannot connect to PostgreSQL")?;
        let (changes, _) = broadcast::channel(CHANGE_BACKLOG);
        let cache = Arc::new(crate::store::state_cache::StateCache::new(
            state_cache_bytes,
        ));
        let fence = Arc::new(fence::Fence::new(timeout));
        let listener = listen::spawn(&writes, changes.clone(), cache.clone(), fence.clone())
            .await
            .context("cannot LISTEN for changes")?;
        let reach = Reach::new(options, timeout);
        let reads = Pool::new(reads, reach.clone());
        let fence_sender = tokio::spawn({
            let (fence, reads) = (fence.clone(), reads.clone());
            async move { fence.send_forever(reads).await }
        });
        let writes = Pool::new(writes, reach);
        let (batcher, batcher_task) = batch::Batcher::spawn(writes.clone());
        let warming = tokio::spawn(warm(reads.clone(), cache.clone(), fence.clone()));
        Ok(Self {
            writes,
            batcher,
            batcher_task: Arc::new(batcher_task),
            warming: Arc::new(warming.abort_handle()),
            reads,
            changes,
            listener: Arc::new(listener.abort_handle()),
            cache,
            fence,
            fence_sender: Arc::new(fence_sender.abort_handle()),
            timeout,
        })
    }

    /// Applies one write (in a batch, when it changes one user: [`batch`]); resolves once
    /// it is committed. When the write changed a followed user's presence, the notifications
    /// owed are written next, in a transaction of their own (if that fails, the scanner
    /// writes them within a scan).
    pub async fn write(&self, write: Write) -> Result<Written, StoreError> {
        let (write, (written, followed)) = if batch::user_of(&write).is_some() {
            self.batcher.submit(write).await?
        } else {
            let outcome = retrying(|| self.change(&write)).await?;
            (Box::new(write), outcome)
        };
        if followed
            && let Some((user, now)) = write.changed_user(written)
            && let Err(error) = retrying(|| self.announce(user, now)).await
        {
            tracing::warn!(%error, "announcing a change failed; the next scan will");
        }
        Ok(written)
    }

    /// The write itself, and whether a subscription follows the user it changed.
    async fn change(&self, write: &Write) -> Result<(Written, bool), sqlx::Error> {
        let mut connection = self.writes.acquire().await?;
        let mut tx = connection.begin().await?;
        let outcome = apply::apply(write, &mut tx).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn announce(&self, user: &UserKey, now: jiff::Timestamp) -> Result<(), sqlx::Error> {
        let mut connection = self.writes.acquire().await?;
        let mut tx = connection.begin().await?;
        apply::announce(&mut tx, user, now).await?;
        tx.commit().await
    }

    pub fn changes(&self) -> broadcast::Receiver<crate::store::Change> {
        self.changes.subscribe()
    }

    /// The state of each of `users`, from memory once a fence has passed ([`fence`]), else
    /// from the database (keeping nothing: without a fence, what memory holds is not known
    /// to be current).
    pub async fn load_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, sqlx::Error> {
        // With nothing kept in memory, a fence would buy nothing.
        if self.cache.is_off() || !self.fence.pass().await {
            return read::fetch_users(&mut *self.reads.acquire().await?, tenant, users).await;
        }
        let (mut found, missing) = self.cache.lookup(tenant, users);
        if missing.is_empty() {
            return Ok(found);
        }
        // Taken before the database is read: a change heard after this refuses the fill.
        let began = self.cache.began();
        let loaded = read::fetch_users(&mut *self.reads.acquire().await?, tenant, &missing).await?;
        self.cache
            .fill_missing(tenant, &mut found, missing, loaded, began);
        Ok(found)
    }

    /// The state of each of `users`, from the database, keeping nothing: for the change
    /// history, which reads users just changed (so just forgotten by memory). A query is as
    /// current as a fence would make memory, without the fence's NOTIFY, which waits for the
    /// same commit lock as the writes ([`batch`]).
    pub async fn peek_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, sqlx::Error> {
        read::fetch_users(&mut *self.reads.acquire().await?, tenant, users).await
    }

    /// Up to `limit` ids of `tenant`'s users with a row, after `after`, in order.
    pub async fn user_ids(
        &self,
        tenant: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT user_id FROM presence_users WHERE tenant_id = $1 \
             AND ($2::text IS NULL OR user_id > $2) ORDER BY user_id LIMIT $3",
        )
        .bind(tenant)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&mut *self.reads.acquire().await?)
        .await
    }

    /// Notifications waiting for delivery.
    pub async fn outbox_depth(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM notification_outbox")
            .fetch_one(&mut *self.reads.acquire().await?)
            .await
    }

    /// Whether PostgreSQL answers within the timeout (an open connection to a server that
    /// stopped answering would otherwise hold the health check as long as TCP does).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let query = async {
            sqlx::query("SELECT 1")
                .execute(&mut *self.reads.acquire().await?)
                .await
        };
        match tokio::time::timeout(self.timeout, query).await {
            Ok(result) => result.map(drop),
            Err(_) => Err(sqlx::Error::PoolTimedOut),
        }
    }

    /// Waits for the connections in use to be returned, then closes them all.
    pub async fn close(&self) {
        self.listener.abort();
        self.fence_sender.abort();
        self.batcher_task.abort();
        self.warming.abort();
        self.reads.inner().close().await;
        self.writes.inner().close().await;
    }
}

/// Reads users into memory in the background ([`crate::store::warm`]), each page only once
/// a fence has passed: while the instance is known to hear every change, so that one
/// committed after the page's read is heard and refuses the fill.
async fn warm(
    reads: Pool,
    cache: Arc<crate::store::state_cache::StateCache>,
    fence: Arc<fence::Fence>,
) {
    let ready = || {
        let fence = fence.clone();
        async move { fence.pass().await }
    };
    crate::store::warm::warm(cache, ready, |after| {
        let reads = reads.clone();
        async move {
            let mut connection = reads.acquire().await.ok()?;
            crate::store::shared::users::postgres::users_after(
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

/// Runs `attempt` until it succeeds, fails for good, or has lost [`RETRIES`] lock conflicts.
/// Only conflicts are retried: PostgreSQL aborted the transaction, so nothing of it was
/// committed.
async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, sqlx::Error>>,
{
    let mut attempts = 0;
    loop {
        match attempt().await {
            Err(error) if attempts < RETRIES && is_transient(&error) => {
                attempts += 1;
                tracing::debug!(%error, attempts, "lost a lock conflict; retrying");
                tokio::time::sleep(Duration::from_millis(u64::from(attempts) * 5)).await;
            }
            result => return result,
        }
    }
}

/// Whether `error` is one PostgreSQL resolves by aborting a transaction that can simply be
/// run again: a deadlock (40P01) or a serialisation failure (40001).
fn is_transient(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "40P01" || code == "40001")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use presence_test_support::{Backend, backend, database_url_for};

    use super::*;

    /// After a start, users' state is read into memory in the background, behind a fence;
    /// a change another instance commits afterwards is still what a read sees.
    #[tokio::test]
    async fn a_start_reads_the_users_state_into_memory_in_the_background() {
        if backend() != Backend::Postgres {
            eprintln!("needs PostgreSQL (PRESENCE_TEST_POSTGRES)");
            return;
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = database_url_for(dir.path()).await;
        let open = || PgStore::open(&url, 2, Duration::from_secs(10), 1 << 20);
        let first = open().await.expect("opened");
        let clear = |user: &str| Write::SetStatusMessage {
            user: UserKey {
                tenant: "t".into(),
                user: user.into(),
            },
            message: None,
            now: jiff::Timestamp::now(),
        };
        for user in ["a", "b", "c"] {
            first.write(clear(user)).await.expect("written");
        }
        let second = open().await.expect("opened again");
        let mut warmed = false;
        for _ in 0..250 {
            warmed = ["a", "b", "c"]
                .iter()
                .all(|user| second.cache.get("t", user).is_some());
            if warmed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(warmed, "every user is in memory without being read");
        first.write(clear("b")).await.expect("written again");
        let changed_at = |store: &PgStore| {
            let store = store.clone();
            async move {
                store
                    .load_users("t", &["b".to_owned()])
                    .await
                    .expect("read")["b"]
                    .changed_at
            }
        };
        assert_eq!(changed_at(&second).await, changed_at(&first).await);
        first.close().await;
        second.close().await;
    }
}
