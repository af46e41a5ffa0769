//! The single writer: one task owns the only writable connection and commits queued writes
//! in shared transactions (group commit).
//!
//! Why: every durable commit costs an fsync (~0.4 ms here). One transaction
//! per request caps durable writes at a few thousand per second however many clients wait;
//! committing everything that queued up during the previous commit amortises the fsync over
//! the whole batch, and nobody is acknowledged before their batch is on disk. On a file, the
//! fsync itself is done by [`wal_sync`](super::wal_sync) while this task commits the next
//! batch.
//!
//! **Invariant: a write is acknowledged only after a commit that succeeded (and, on a file,
//! a sync of the WAL that succeeded).** A commit can fail (a full disk, an I/O error), and
//! SQLite may then have rolled the transaction back on its own; sqlx's ROLLBACK fails in
//! turn and its count of open transactions stays at one, so its next `begin()` would only
//! open a savepoint inside a transaction that never commits: every later write would be
//! answered 200 and lost. So after any failed transaction the connection is thrown away and
//! a new one opened, and every transaction starts with `BEGIN IMMEDIATE`, which sqlx refuses
//! unless the connection is in autocommit and SQLite confirms it afterwards: the state is
//! checked, never assumed.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use tokio::sync::{broadcast, mpsc, oneshot};

use std::sync::Arc;

use super::wal_sync::{Acknowledge, Answer};
use crate::store::health::WriteHealth;
use crate::store::state_cache::StateCache;
use crate::store::write::CacheEffect;
use crate::store::{StoreError, UserKey, Write, Written};

/// Most writes committed in one transaction; bounds the latency a batch adds.
const MAX_BATCH: usize = 256;
/// Writes that may wait for the writer before submitters are made to wait in turn.
const QUEUE: usize = 4096;

enum Message {
    // Boxed: a `Write` is large, a close message tiny, and the queue holds thousands.
    Write(Box<Write>, oneshot::Sender<Result<Written, StoreError>>),
    /// Commit a write of no consequence, to learn whether writes commit (`/healthz`).
    Probe(oneshot::Sender<Result<Written, StoreError>>),
    Close(oneshot::Sender<()>),
}

/// Handle to the writer task.
#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Message>,
    /// Users whose state a committed write changed, for live streams.
    changes: broadcast::Sender<crate::store::Change>,
}

/// Changes remembered for slow stream readers before they are told they lagged.
const CHANGE_BACKLOG: usize = 4096;

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Message::Write(write, _) => f.debug_tuple("Write").field(write).finish(),
            Message::Probe(_) => f.write_str("Probe"),
            Message::Close(_) => f.write_str("Close"),
        }
    }
}

impl Writer {
    /// Starts the writer task on the current runtime; it owns `connection` from now on
    /// (opening another with `options` when a transaction fails), answers each committed
    /// batch as `acknowledge` says, and reports failed commits to `health`.
    pub fn spawn(
        connection: SqliteConnection,
        options: SqliteConnectOptions,
        cache: Arc<StateCache>,
        acknowledge: Acknowledge,
        health: Arc<WriteHealth>,
    ) -> Self {
        let (queue, inbox) = mpsc::channel(QUEUE);
        let (changes, _) = broadcast::channel(CHANGE_BACKLOG);
        let connection = WriterConnection {
            open: Some(connection),
            options,
        };
        let shared = Shared {
            changes: changes.clone(),
            cache,
            acknowledge,
            health,
        };
        tokio::spawn(run(connection, inbox, shared));
        Self { queue, changes }
    }

    /// A receiver of every user whose state changes from now on (after the commit).
    pub fn changes(&self) -> broadcast::Receiver<crate::store::Change> {
        self.changes.subscribe()
    }

    /// Queues a write and waits until the transaction containing it is committed.
    pub async fn submit(&self, write: Write) -> Result<Written, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Message::Write(Box::new(write), reply))
            .await
            .map_err(|_| StoreError::stopped())?;
        answer.await.map_err(|_| StoreError::stopped())?
    }

    /// Commits a write of no consequence: `Ok` once writes commit (and are synced) again.
    pub async fn probe(&self) -> Result<Written, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Message::Probe(reply))
            .await
            .map_err(|_| StoreError::stopped())?;
        answer.await.map_err(|_| StoreError::stopped())?
    }

    /// Commits what is queued, closes the connection, and stops the task.
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.queue.send(Message::Close(done)).await.is_ok() {
            let _ = closed.await;
        }
    }
}

type Job = (Box<Write>, oneshot::Sender<Result<Written, StoreError>>);

/// The writer's connection: `None` after a failed transaction until a new one opens.
struct WriterConnection {
    open: Option<SqliteConnection>,
    options: SqliteConnectOptions,
}

impl WriterConnection {
    /// A connection in autocommit, ready for `BEGIN IMMEDIATE`: the one held if sqlx counts
    /// no open transaction on it, else a new one.
    async fn ready(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        if self
            .open
            .as_ref()
            .is_some_and(sqlx::Connection::is_in_transaction)
        {
            tracing::warn!("the writer's connection is still in a transaction: replacing it");
            self.discard();
        }
        if self.open.is_none() {
            let connection = sqlx::ConnectOptions::connect(&self.options)
                .await
                .map_err(StoreError::not_committed)?;
            self.open = Some(connection);
        }
        self.open
            .as_mut()
            .ok_or_else(|| StoreError::not_committed(sqlx::Error::PoolClosed))
    }

    /// Drops the connection after a failed transaction (closing it rolls back whatever
    /// SQLite still holds open); the next [`WriterConnection::ready`] opens another.
    fn discard(&mut self) {
        drop(self.open.take());
    }
}

/// What the writer task hands committed writes to.
struct Shared {
    changes: broadcast::Sender<crate::store::Change>,
    cache: Arc<StateCache>,
    acknowledge: Acknowledge,
    health: Arc<WriteHealth>,
}

async fn run(mut connection: WriterConnection, mut inbox: mpsc::Receiver<Message>, shared: Shared) {
    // Most deployments never subscribe: then no write needs to look for followers.
    let mut subscriptions = SubscriptionsPresent(match connection.ready().await {
        Ok(open) => any_subscription(open).await,
        Err(_) => true,
    });
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut probes = Vec::new();
    let mut closing = None;
    while let Some(first) = inbox.recv().await {
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Write(write, reply) => batch.push((write, reply)),
                Message::Probe(reply) => probes.push(reply),
                Message::Close(done) => closing = Some(done),
            }
            if batch.len() < MAX_BATCH && closing.is_none() {
                next = inbox.try_recv().ok();
            }
        }
        let removes = batch
            .iter()
            .any(|(write, _)| write.may_remove_subscriptions());
        let metrics = crate::metrics::get();
        let started = std::time::Instant::now();
        if let Some(metrics) = metrics {
            metrics.write_batch_size.observe(batch.len() as f64);
            metrics
                .writer_queue_depth
                .set(i64::try_from(inbox.len()).unwrap_or(i64::MAX));
        }
        let feeds = Feeds {
            changes: &shared.changes,
            cache: &shared.cache,
            ticket: shared.cache.ticket(),
        };
        let mut answers = commit(
            &mut connection,
            &mut batch,
            &feeds,
            &mut subscriptions,
            &shared.health,
        )
        .await;
        if !probes.is_empty() {
            let result = probe(&mut connection, &shared.health).await;
            answers.extend(probes.drain(..).map(|reply| (reply, result.clone())));
        }
        shared.acknowledge.send(answers);
        if let Some(metrics) = metrics {
            metrics
                .commit_duration
                .observe(started.elapsed().as_secs_f64());
        }
        if removes && let Ok(open) = connection.ready().await {
            subscriptions.0 = any_subscription(open).await;
        }
        if let Some(done) = closing.take() {
            // Everything answered before closing: an answer of our own goes last.
            let (last, answered) = oneshot::channel();
            shared.acknowledge.send(vec![(last, Ok(Written::Done))]);
            let _ = answered.await;
            if let Some(open) = connection.open.take()
                && let Err(error) = open.close().await
            {
                tracing::warn!(%error, "closing the writer connection");
            }
            let _ = done.send(());
            return;
        }
    }
}

/// Rewrites the probe row in a transaction of its own.
async fn probe(
    connection: &mut WriterConnection,
    health: &WriteHealth,
) -> Result<Written, StoreError> {
    let result = async {
        let open = connection.ready().await?;
        let mut tx = open
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::not_committed)?;
        super::apply::probe(&mut tx).await?;
        tx.commit().await.map_err(StoreError::not_committed)?;
        Ok(Written::Done)
    }
    .await;
    match &result {
        Ok(_) => health.committed(),
        Err(error) => {
            connection.discard();
            health.failed(error);
        }
    }
    result
}

/// Whether subscriptions may exist (a cached `EXISTS`): when false, writes skip the lookup
/// for followers. Errs on the side of true.
struct SubscriptionsPresent(bool);

async fn any_subscription(connection: &mut SqliteConnection) -> bool {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM subscriptions)")
        .fetch_one(connection)
        .await
        .unwrap_or(true)
}

/// Who hears of a committed write: the in-memory state (first, before the write is
/// acknowledged) and the change feed.
struct Feeds<'a> {
    changes: &'a broadcast::Sender<crate::store::Change>,
    cache: &'a StateCache,
    /// The cache's ticket, taken before the batch's commit began.
    ticket: u64,
}

impl Feeds<'_> {
    /// After a transaction that purged expired sessions of `users` committed.
    fn purged(&self, users: &[UserKey]) {
        for user in users {
            self.cache.invalidate(&user.tenant, &user.user);
        }
    }

    /// After `write` committed with `result`, before it is acknowledged.
    fn committed(&self, write: &Write, result: Written) {
        match write {
            // The hot writes are done again in memory: the user stays known.
            Write::PutSession { user, session } => {
                self.cache
                    .update(&user.tenant, &user.user, self.ticket, |state| {
                        super::in_memory::put_session(state, session);
                    });
            }
            Write::RemoveSession {
                user,
                session_id,
                kind,
                now,
            } => {
                let live = result == Written::SessionRemoved(true);
                self.cache
                    .update(&user.tenant, &user.user, self.ticket, |state| {
                        super::in_memory::remove_session(state, session_id, *kind, *now, live);
                    });
            }
            _ => match write.cache_effect(result) {
                CacheEffect::None => {}
                CacheEffect::User(user) => self.cache.invalidate(&user.tenant, &user.user),
                CacheEffect::All => self.cache.invalidate_all(),
            },
        }
        if let Some(user) = write.touched_user(result) {
            let _ = self.changes.send(crate::store::Change {
                user: user.clone(),
                cause: write.cause(),
            });
        }
    }
}

/// Commits `batch` in one transaction and returns each submitter's answer, to be sent once
/// the commit is durable. If the shared transaction fails, each write is retried alone, so
/// one bad write cannot fail the others. A failed transaction discards the connection (see the module's invariant).
async fn commit(
    connection: &mut WriterConnection,
    batch: &mut Vec<Job>,
    feeds: &Feeds<'_>,
    subscriptions: &mut SubscriptionsPresent,
    health: &WriteHealth,
) -> Vec<Answer> {
    let mut answers = Vec::with_capacity(batch.len());
    if batch.is_empty() {
        return answers;
    }
    let writes: Vec<&Write> = batch.iter().map(|(write, _)| write.as_ref()).collect();
    match attempt(connection, &writes, subscriptions, feeds, health).await {
        Ok((results, purged)) => {
            feeds.purged(&purged);
            for ((write, reply), result) in batch.drain(..).zip(results) {
                feeds.committed(&write, result);
                answers.push((reply, Ok(result)));
            }
        }
        Err(error) if batch.len() == 1 => {
            if let Some((_, reply)) = batch.pop() {
                answers.push((reply, Err(error)));
            }
        }
        Err(_) => {
            for (write, reply) in batch.drain(..) {
                let result = attempt(connection, &[write.as_ref()], subscriptions, feeds, health)
                    .await
                    .map(|(results, purged)| {
                        feeds.purged(&purged);
                        results.first().copied().unwrap_or(Written::Done)
                    });
                if let Ok(result) = &result {
                    feeds.committed(&write, *result);
                }
                answers.push((reply, result));
            }
        }
    }
    answers
}

/// [`transaction`] on a connection in autocommit; after a failure, the connection is
/// discarded, what memory holds of users' state forgotten (a commit that failed may have
/// left SQLite with part of it), and `health` told when the commit itself failed. (Only a
/// probe tells it writes commit again: a small batch may commit where a large one fails.)
async fn attempt(
    connection: &mut WriterConnection,
    writes: &[&Write],
    subscriptions: &mut SubscriptionsPresent,
    feeds: &Feeds<'_>,
    health: &WriteHealth,
) -> Result<(Vec<Written>, Vec<UserKey>), StoreError> {
    let result = match connection.ready().await {
        Ok(open) => transaction(open, writes, subscriptions).await,
        Err(error) => Err(error),
    };
    if let Err(error) = &result {
        connection.discard();
        feeds.cache.invalidate_all();
        if error.failure() != crate::store::Failure::Internal {
            tracing::error!(%error, "a transaction could not be committed");
            health.failed(error);
        }
    }
    result
}

/// Applies `writes` in one transaction: what each did, and the users of the expired sessions
/// it purged.
async fn transaction(
    connection: &mut SqliteConnection,
    writes: &[&Write],
    subscriptions: &mut SubscriptionsPresent,
) -> Result<(Vec<Written>, Vec<UserKey>), StoreError> {
    let mut tx = connection
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(StoreError::not_committed)?;
    let mut results = Vec::with_capacity(writes.len());
    let mut purged = Vec::new();
    // Consecutive session writes while no subscription may exist, applied together: a run of
    // puts, or a run of removals (each removal's answer is known once its run is applied).
    let mut puts: Vec<(&UserKey, &crate::engine::Session)> = Vec::new();
    let mut removals: Vec<super::apply::Removal<'_>> = Vec::new();
    let mut removal_slots: Vec<usize> = Vec::new();
    for write in writes {
        // Set before later writes of the same batch run: they may concern its users.
        subscriptions.0 |= write.may_add_subscriptions();
        let together = !subscriptions.0;
        match write {
            Write::PutSession { user, session } if together => {
                flush_removals(&mut tx, &mut removals, &mut removal_slots, &mut results).await?;
                puts.push((user, session));
                results.push(Written::Done);
                continue;
            }
            Write::RemoveSession {
                user,
                session_id,
                kind,
                now,
            } if together => {
                flush_puts(&mut tx, &mut puts).await?;
                removals.push(super::apply::Removal {
                    user,
                    stored_id: crate::store::codec::stored_session_id(session_id, *kind),
                    now: *now,
                });
                removal_slots.push(results.len());
                results.push(Written::SessionRemoved(false));
                continue;
            }
            _ => {}
        }
        flush_puts(&mut tx, &mut puts).await?;
        flush_removals(&mut tx, &mut removals, &mut removal_slots, &mut results).await?;
        if let Some(users) = super::apply::purge(write, &mut tx).await? {
            results.push(Written::Purged(
                u32::try_from(users.len()).unwrap_or(u32::MAX),
            ));
            purged.extend(users);
            continue;
        }
        results.push(super::apply::apply(write, &mut tx, subscriptions.0).await?);
    }
    flush_puts(&mut tx, &mut puts).await?;
    flush_removals(&mut tx, &mut removals, &mut removal_slots, &mut results).await?;
    tx.commit().await.map_err(StoreError::not_committed)?;
    Ok((results, purged))
}

/// Applies the run of puts gathered so far.
async fn flush_puts(
    tx: &mut SqliteConnection,
    puts: &mut Vec<(&UserKey, &crate::engine::Session)>,
) -> Result<(), sqlx::Error> {
    if !puts.is_empty() {
        super::apply::put_sessions(tx, puts).await?;
        puts.clear();
    }
    Ok(())
}

/// Applies the run of removals gathered so far, and writes each one's answer into its
/// place (`slots`) among the batch's results.
async fn flush_removals(
    tx: &mut SqliteConnection,
    removals: &mut Vec<super::apply::Removal<'_>>,
    slots: &mut Vec<usize>,
    results: &mut [Written],
) -> Result<(), sqlx::Error> {
    if removals.is_empty() {
        return Ok(());
    }
    let live = super::apply::remove_sessions(tx, removals).await?;
    for (slot, live) in slots.drain(..).zip(live) {
        if let Some(result) = results.get_mut(slot) {
            *result = Written::SessionRemoved(live);
        }
    }
    removals.clear();
    Ok(())
}

#[cfg(test)]
mod full_database;
