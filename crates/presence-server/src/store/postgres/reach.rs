//! Telling "PostgreSQL is busy" from "PostgreSQL is gone" within `--database-timeout`.
//!
//! A pool's wait for a connection cannot tell the two apart: under a burst of writes a
//! request may rightly wait seconds for a connection, while with PostgreSQL gone every
//! request would wait the pool's whole 10 s for its 503, holding an in-flight slot. So a
//! request that has waited `--database-timeout` asks once whether PostgreSQL is there, by
//! opening a connection of its own: if it is (even one refusing more clients: it answered),
//! the request keeps its place in the pool's queue; if not, it is answered 503 at once.
//!
//! The question is shared: at most one such connection is open at a time per pool, and its
//! answer serves every request for [`FRESH`]. Once PostgreSQL was found gone, requests ask
//! before they wait (refused at once while that answer is fresh), which is how recovery is
//! noticed. Nothing is probed while requests get their connections in time, so a
//! healthy deployment opens no extra connections (a probe per instance running all the time
//! pressed the test cluster against its `max_connections`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool, Postgres};

/// How long one answer to "is PostgreSQL there?" is trusted.
const FRESH: Duration = Duration::from_millis(500);

/// A pool whose waits for a connection are cut short when PostgreSQL is out of reach.
#[derive(Debug, Clone)]
pub(super) struct Pool {
    pool: PgPool,
    reach: Arc<Reach>,
}

/// What is known of PostgreSQL's reachability; one per store, shared by its pools, so that
/// one pool's answer serves the other's requests too.
#[derive(Debug)]
pub(super) struct Reach {
    options: PgConnectOptions,
    timeout: Duration,
    /// When PostgreSQL was last asked, and whether it answered.
    last: Mutex<Option<(Instant, bool)>>,
    /// Held while asking, so that one connection asks for everyone.
    asking: tokio::sync::Mutex<()>,
}

impl Pool {
    pub(super) fn new(pool: PgPool, reach: Arc<Reach>) -> Self {
        Self { pool, reach }
    }

    /// The pool itself, for what manages connections of its own (LISTEN, migrations, close).
    pub(super) fn inner(&self) -> &PgPool {
        &self.pool
    }

    /// A connection, or `PoolTimedOut` (503) within about `--database-timeout` when
    /// PostgreSQL is out of reach; as long as the pool's own timeout when it is only busy.
    pub(super) async fn acquire(&self) -> Result<PoolConnection<Postgres>, sqlx::Error> {
        // Gone at the last answer: ask again (or take the fresh answer) before waiting.
        if self.reach.was_gone() && !self.reach.ask().await {
            return Err(sqlx::Error::PoolTimedOut);
        }
        let acquire = self.pool.acquire();
        tokio::pin!(acquire);
        let connection = tokio::select! {
            connection = &mut acquire => connection,
            () = tokio::time::sleep(self.reach.timeout) => {
                if !self.reach.ask().await {
                    return Err(sqlx::Error::PoolTimedOut);
                }
                acquire.await
            }
        };
        if connection.is_ok() && self.reach.was_gone() {
            // The pool checks a connection before handing it out: PostgreSQL is back.
            self.reach.answered(true);
        }
        connection
    }
}

impl Reach {
    /// `options`: how to open the connection that asks; `timeout`: `--database-timeout`.
    pub(super) fn new(options: PgConnectOptions, timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            options,
            timeout,
            last: Mutex::new(None),
            asking: tokio::sync::Mutex::new(()),
        })
    }

    fn answered(&self, reachable: bool) {
        *self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), reachable));
    }

    /// Whether PostgreSQL was out of reach when last asked.
    fn was_gone(&self) -> bool {
        let last = *self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        last.is_some_and(|(_, answer)| !answer)
    }

    /// Whether PostgreSQL answers a new connection within the timeout; shared by everyone
    /// asking at once.
    async fn ask(&self) -> bool {
        let _asking = self.asking.lock().await;
        if let Some((at, answer)) = *self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            && at.elapsed() < FRESH
        {
            return answer;
        }
        let answer =
            match tokio::time::timeout(self.timeout, PgConnection::connect_with(&self.options))
                .await
            {
                Ok(Ok(connection)) => {
                    let _ = connection.close().await;
                    true
                }
                // PostgreSQL answered, if only to refuse (too many clients, shutting down):
                // the request waits on for the pool.
                Ok(Err(sqlx::Error::Database(_))) => true,
                Ok(Err(error)) => {
                    tracing::warn!(%error, "PostgreSQL is out of reach");
                    false
                }
                Err(_) => {
                    tracing::warn!(timeout = ?self.timeout, "PostgreSQL does not answer");
                    false
                }
            };
        self.answered(answer);
        answer
    }
}
