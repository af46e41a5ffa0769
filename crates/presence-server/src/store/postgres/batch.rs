//! The instance's write batcher: concurrent writes to single users share one transaction.
//!
//! Why: every write to a user NOTIFYs the other instances ([`listen`](super::listen)) in its
//! own transaction, and PostgreSQL serialises the commits of transactions that NOTIFY (at
//! commit, `PreCommit_Notify` takes a database-wide lock held until the commit is flushed),
//! so PostgreSQL's group commit cannot share their WAL flushes. Measured with pgbench on this
//! 2-core machine, 32 clients upserting one row each: 6,509 commits/s without `pg_notify`,
//! 1,103 with it. Gathering the writes that arrive while earlier ones commit into one
//! transaction pays that serialised commit once per batch instead of once per write.
//!
//! - **Which writes:** those that change one user's state ([`user_of`]): Graph's and the
//!   Teams/Outlook writes. Resets, imports, purges, subscriptions and identities keep their
//!   own transactions.
//! - **Lock order:** a batch is sorted by user before it runs (stably: one user's writes
//!   keep their order), so every batch of every instance locks users' rows in the same
//!   order and batches do not deadlock each other. Writes of one batch are all unacknowledged
//!   and so concurrent: any order of them is a valid one.
//! - **Multi-row statements:** a run of session writes to distinct users is one statement
//!   ([`apply::Puts`](super::apply::Puts)), a run of session removals two
//!   ([`apply::Removals`](super::apply::Removals)); any other write runs its own statements
//!   in the batch's transaction.
//! - **Acknowledgement:** each write is answered only after its batch committed. If a batch
//!   fails for a reason of one of its writes (an error PostgreSQL gave a statement), each
//!   write is tried again alone, so one bad write cannot fail the others; if PostgreSQL could
//!   not be reached, every write of the batch gets that answer at once.
//! - **Batches in flight:** up to [`IN_FLIGHT`] at a time, each on a connection of the write
//!   pool: while one commits, the next gathers and runs its statements.

use std::sync::Arc;

use sqlx::Connection;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::apply;
use super::reach::Pool;
use crate::store::codec::stored_session_id;
use crate::store::{StoreError, UserKey, Write, Written};

/// Most writes in one transaction: bounds the latency a batch adds, and the arrays sent.
const MAX_BATCH: usize = 256;
/// Writes that may wait for a batch before submitters are made to wait in turn.
const QUEUE: usize = 4096;
/// Batches running at once. Measured with `cargo xtask bench --backend postgres` (see
/// BENCHMARKS.md): two keep the commit lock busy while the next batch runs its statements.
pub(super) const IN_FLIGHT: usize = 4;

/// What a write did, and whether a subscription follows the user it changed.
pub(super) type Outcome = (Written, bool);

/// The answer to a write: the write itself, handed back (its caller may announce it), and
/// what it did.
type Reply = oneshot::Sender<(Box<Write>, Result<Outcome, StoreError>)>;

/// Handle to the batcher task; cheap to clone.
#[derive(Debug, Clone)]
pub(super) struct Batcher {
    queue: mpsc::Sender<(Box<Write>, Reply)>,
}

/// The one user `write` changes, when it is a write the batcher takes.
pub(super) fn user_of(write: &Write) -> Option<&UserKey> {
    match write {
        Write::PutSession { user, .. }
        | Write::RemoveSession { user, .. }
        | Write::SetPreferred { user, .. }
        | Write::SetStatusMessage { user, .. }
        | Write::SetLocation { user, .. }
        | Write::ClearLocation { user, .. }
        | Write::SetAutomaticReplies { user, .. }
        | Write::AddCalendarEntry { user, .. }
        | Write::RemoveCalendarEntry { user, .. } => Some(user),
        _ => None,
    }
}

impl Batcher {
    /// Starts the batcher on the current runtime, committing on connections of `pool`.
    pub(super) fn spawn(pool: Pool) -> (Self, tokio::task::AbortHandle) {
        let (queue, inbox) = mpsc::channel(QUEUE);
        let task = tokio::spawn(run(pool, inbox));
        (Self { queue }, task.abort_handle())
    }

    /// Queues `write` (one [`user_of`] accepts) and waits until its batch committed; hands
    /// the write back with what it did.
    pub(super) async fn submit(&self, write: Write) -> Result<(Box<Write>, Outcome), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((Box::new(write), reply))
            .await
            .map_err(|_| StoreError::stopped())?;
        let (write, outcome) = answer.await.map_err(|_| StoreError::stopped())?;
        Ok((write, outcome?))
    }
}

async fn run(pool: Pool, mut inbox: mpsc::Receiver<(Box<Write>, Reply)>) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        // A slot first: while every slot is busy committing, the queue fills the next batch.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let Some(first) = inbox.recv().await else {
            return;
        };
        let mut batch = Vec::with_capacity(inbox.len().min(MAX_BATCH) + 1);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match inbox.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Some(metrics) = crate::metrics::get() {
            metrics.write_batch_size.observe(batch.len() as f64);
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            commit(&pool, batch).await;
            drop(slot);
        });
    }
}

/// Commits `batch` and answers each write.
async fn commit(pool: &Pool, mut batch: Vec<(Box<Write>, Reply)>) {
    // Stable: one user's writes keep their order.
    // Byte order, which is the order of the key columns' collation "C".
    batch.sort_by(|(a, _), (b, _)| sort_key(a).cmp(&sort_key(b)));
    let writes: Vec<&Write> = batch.iter().map(|(write, _)| write.as_ref()).collect();
    let started = std::time::Instant::now();
    let together = super::retrying(|| transaction(pool, &writes)).await;
    if let Some(metrics) = crate::metrics::get() {
        metrics
            .commit_duration
            .observe(started.elapsed().as_secs_f64());
    }
    match together {
        Ok(outcomes) => {
            for ((write, reply), outcome) in batch.into_iter().zip(outcomes) {
                let _ = reply.send((write, Ok(outcome)));
            }
        }
        // PostgreSQL refused a statement: find whose, by trying each write alone.
        Err(error) if batch.len() > 1 && error.as_database_error().is_some() => {
            tracing::debug!(%error, writes = batch.len(), "a batch failed; trying its writes alone");
            for (write, reply) in batch {
                let alone = [write.as_ref()];
                let alone = super::retrying(|| transaction(pool, &alone)).await;
                let _ = reply.send((write, alone.map(first).map_err(StoreError::from)));
            }
        }
        Err(error) => {
            let error = StoreError::from(error);
            for (write, reply) in batch {
                let _ = reply.send((write, Err(error.clone())));
            }
        }
    }
}

/// Where a write goes in a batch: by user, in byte order, which is the order of the key
/// columns' collation ("C").
fn sort_key(write: &Write) -> Option<(&str, &str)> {
    user_of(write).map(|user| (user.tenant.as_str(), user.user.as_str()))
}

/// The outcome of a transaction of one write.
fn first(mut outcomes: Vec<Outcome>) -> Outcome {
    outcomes.pop().unwrap_or((Written::Done, false))
}

/// Runs `writes` (sorted by user) in one transaction. A batch that is one statement (one
/// run of session writes, or one write of one statement) runs alone, without BEGIN and
/// COMMIT: two round trips fewer.
async fn transaction(pool: &Pool, writes: &[&Write]) -> Result<Vec<Outcome>, sqlx::Error> {
    let steps = plan(writes);
    let mut outcomes = vec![(Written::Done, false); writes.len()];
    let mut connection = pool.acquire().await?;
    if let [step] = &steps[..]
        && step.is_one_statement()
    {
        step.run(&mut connection, &mut outcomes).await?;
        return Ok(outcomes);
    }
    let mut tx = connection.begin().await?;
    for step in &steps {
        step.run(&mut tx, &mut outcomes).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// What a batch runs, in order.
enum Step<'a> {
    /// A run of session writes to distinct users: one statement.
    Puts(apply::Puts<'a>),
    /// A run of session removals of distinct users: two statements.
    Removals(apply::Removals<'a>),
    /// The write at this place of the batch, on its own.
    One(usize, &'a Write),
}

/// The steps of `writes` (sorted by user): consecutive session writes, and consecutive
/// session removals, become one step each, as long as their users are distinct (one
/// statement cannot update a row twice).
fn plan<'a>(writes: &[&'a Write]) -> Vec<Step<'a>> {
    let mut steps: Vec<Step<'a>> = Vec::new();
    for (slot, write) in writes.iter().copied().enumerate() {
        // Sorted by user: a user already in the run is its last one.
        match write {
            Write::PutSession { user, session } => {
                if !matches!(steps.last(), Some(Step::Puts(run)) if run.last_user() != Some(user)) {
                    steps.push(Step::Puts(apply::Puts::default()));
                }
                if let Some(Step::Puts(run)) = steps.last_mut() {
                    run.push(user, session, write.cause(), slot);
                }
            }
            Write::RemoveSession {
                user,
                session_id,
                kind,
                now,
            } => {
                if !matches!(steps.last(), Some(Step::Removals(run)) if run.last_user() != Some(user))
                {
                    steps.push(Step::Removals(apply::Removals::default()));
                }
                if let Some(Step::Removals(run)) = steps.last_mut() {
                    let stored = stored_session_id(session_id, *kind).into_owned();
                    run.push((user, stored, *now, write.cause()), slot);
                }
            }
            _ => steps.push(Step::One(slot, write)),
        }
    }
    steps
}

impl Step<'_> {
    fn is_one_statement(&self) -> bool {
        match self {
            Step::Puts(_) => true,
            Step::Removals(_) => false,
            Step::One(_, write) => apply::is_one_statement(write),
        }
    }

    /// Runs the step on `conn`, writing its outcomes into their places.
    async fn run(
        &self,
        conn: &mut sqlx::PgConnection,
        outcomes: &mut [Outcome],
    ) -> Result<(), sqlx::Error> {
        match self {
            Step::Puts(puts) => puts.write(conn, outcomes).await,
            Step::Removals(run) => run.write(conn, outcomes).await,
            Step::One(slot, write) => {
                let outcome = apply::apply(write, conn).await?;
                if let Some(place) = outcomes.get_mut(*slot) {
                    *place = outcome;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};
    use presence_test_support::{Backend, backend, database_url_for};

    use super::*;
    use presence_model::{Activity, Availability};

    use crate::engine::status_message::StatusMessage;
    use crate::engine::{Session, SessionKind};

    fn user(n: usize) -> UserKey {
        UserKey {
            tenant: "t".into(),
            user: format!("u{n}"),
        }
    }

    fn put(user: UserKey, session: &str, availability: Availability, now: Timestamp) -> Write {
        let activity = match availability {
            Availability::Busy => Activity::Busy,
            _ => Activity::Available,
        };
        Write::PutSession {
            user,
            session: Session {
                session_id: session.into(),
                kind: SessionKind::Application,
                availability,
                activity,
                refreshed_at: now,
                expires_at: now + SignedDuration::from_mins(5),
            },
        }
    }

    fn remove(user: UserKey, session: &str, now: Timestamp) -> Write {
        Write::RemoveSession {
            user,
            session_id: session.into(),
            kind: SessionKind::Application,
            now,
        }
    }

    fn status(user: UserKey, content: &str, now: Timestamp) -> Write {
        Write::SetStatusMessage {
            user,
            message: Some(StatusMessage {
                content: content.into(),
                expires_at: None,
                published_at: now,
            }),
            now,
        }
    }

    /// Runs of session writes to distinct users become one statement each; a user's second
    /// write starts a new run; any other write is a step of its own.
    #[test]
    fn a_plan_puts_each_user_once_per_statement() {
        let now = Timestamp::now();
        let writes = [
            put(user(1), "a", Availability::Available, now),
            put(user(1), "b", Availability::Available, now),
            put(user(2), "a", Availability::Available, now),
            status(user(2), "x", now),
            put(user(3), "a", Availability::Available, now),
            remove(user(3), "a", now),
            remove(user(4), "a", now),
            remove(user(4), "b", now),
        ];
        let writes: Vec<&Write> = writes.iter().collect();
        let steps = plan(&writes);
        let shape: Vec<String> = steps
            .iter()
            .map(|step| match step {
                Step::Puts(puts) => format!("puts ending {:?}", puts.last_user().map(|u| &u.user)),
                Step::Removals(run) => {
                    format!("removals ending {:?}", run.last_user().map(|u| &u.user))
                }
                Step::One(slot, _) => format!("one {slot}"),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "puts ending Some(\"u1\")",
                "puts ending Some(\"u2\")",
                "one 3",
                "puts ending Some(\"u3\")",
                "removals ending Some(\"u4\")",
                "removals ending Some(\"u4\")"
            ]
        );
    }

    /// Concurrent writes share commits, every acknowledged write is stored, one user's
    /// writes keep their order, and a write PostgreSQL refuses fails alone.
    #[tokio::test]
    async fn concurrent_writes_share_commits_and_a_refused_one_fails_alone() {
        if backend() != Backend::Postgres {
            eprintln!("needs PostgreSQL (PRESENCE_TEST_POSTGRES)");
            return;
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = database_url_for(dir.path()).await;
        let store =
            super::super::PgStore::open(&url, 4, std::time::Duration::from_secs(10), 1 << 20)
                .await
                .expect("opened");
        let (users, sessions, rounds) = (8, 4, 5);
        let now = Timestamp::now();
        for round in 0..rounds {
            let availability = if round % 2 == 0 {
                Availability::Available
            } else {
                Availability::Busy
            };
            let mut writes: Vec<Write> = (0..users * sessions)
                .map(|n| {
                    put(
                        user(n % users),
                        &format!("s{}", n / users),
                        availability,
                        now,
                    )
                })
                .collect();
            writes.push(status(user(0), &format!("round {round}"), now));
            // PostgreSQL refuses NUL in text: this write fails, and only this one (its batch
            // is then tried write by write: the last round has none, to count its commits).
            let refused = usize::from(round == 0);
            if refused == 1 {
                writes.push(status(user(1), "nul \0 here", now));
            }
            let mut running = tokio::task::JoinSet::new();
            for write in writes {
                let store = store.clone();
                running.spawn(async move { store.write(write).await });
            }
            let results = running.join_all().await;
            let (refused_writes, stored): (Vec<_>, Vec<_>) =
                results.into_iter().partition(Result::is_err);
            assert_eq!(
                (refused_writes.len(), stored.len()),
                (refused, users * sessions + 1)
            );
        }
        // Rows written by one transaction share its id (`xmin`): the last round's session
        // writes were committed by a few transactions, not one each.
        let mut connection = store.reads.acquire().await.expect("a connection");
        let transactions: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT xmin::text) FROM presence_sessions WHERE tenant_id = 't'",
        )
        .fetch_one(&mut *connection)
        .await
        .expect("counted");
        drop(connection);
        assert!(
            transactions < i64::try_from(users * sessions / 2).expect("small"),
            "{transactions} transactions for {} writes",
            users * sessions
        );
        // Removals together: each user's "s0" (user 0's twice: one finds it, one does not), a
        // session nobody has, and a user without a row.
        let mut removals: Vec<Write> = (0..users).map(|n| remove(user(n), "s0", now)).collect();
        removals.push(remove(user(0), "s0", now));
        removals.push(remove(user(1), "never", now));
        removals.push(remove(user(users + 1), "s0", now));
        let mut running = tokio::task::JoinSet::new();
        for write in removals {
            let store = store.clone();
            running.spawn(async move { store.write(write).await });
        }
        let removed = running
            .join_all()
            .await
            .into_iter()
            .map(|result| result.expect("removed"))
            .filter(|written| *written == Written::SessionRemoved(true))
            .count();
        assert_eq!(removed, users, "each live session is removed once");
        let ids: Vec<String> = (0..users).map(|n| user(n).user).collect();
        let states = store.load_users("t", &ids).await.expect("read");
        for id in &ids {
            let state = &states[id];
            assert_eq!(state.sessions.len(), sessions - 1, "{id}");
            assert!(
                state
                    .sessions
                    .iter()
                    .all(|s| s.availability == Availability::Available)
            );
        }
        let message = states["u0"]
            .status_message
            .as_ref()
            .map(|m| m.content.as_str());
        assert_eq!(message, Some("round 4"));
        assert_eq!(states["u1"].status_message, None);
        store.close().await;
    }
}
