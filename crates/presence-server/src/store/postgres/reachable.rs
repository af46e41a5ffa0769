//! Whether PostgreSQL can be reached, known ahead of any request: a probe runs `SELECT 1` on a
//! connection of its own every [`PROBE_EVERY`] (connecting again when it has none); while the
//! last probe failed, requests are answered 503 at once instead of waiting for a connection
//! that cannot come.
//!
//! A probe that is refused (or whose connection breaks) marks PostgreSQL down at once; one that
//! is only slow must be so [`SLOW_PROBES`] times in a row, so that a busy machine is not taken
//! for a dead database. Operations already under way are never cancelled: one cut between a
//! side effect and its bookkeeping (a delivery and its record) would be done twice.
//!
//! One long-lived connection, not a new one per probe: PostgreSQL forks a backend for every
//! connection, and dozens of instances probing four times a second would keep it busy forking
//! (seen in the suite: every write of a test answered 503 while the probes timed out).
//!
//! Why not simply a short acquire timeout on the pool: waiting for a connection is also what
//! a burst of requests does on a healthy database (600 writes on a pool of 10), and those
//! should queue, not fail. The pool's timeout stays for that; this tells "down" from "busy".

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// How often PostgreSQL is probed.
const PROBE_EVERY: Duration = Duration::from_millis(250);
/// Probes in a row that must time out (rather than fail) before PostgreSQL counts as down.
const SLOW_PROBES: u32 = 3;

/// The last probe's verdict, shared by the store's clones.
#[derive(Debug, Clone)]
pub struct Reachability {
    down: tokio::sync::watch::Receiver<bool>,
    probe: Arc<tokio::task::AbortHandle>,
}

impl Reachability {
    /// Starts probing the address of `options`; a probe that does not connect within
    /// `timeout` marks PostgreSQL down until one does.
    pub fn watch(options: &PgConnectOptions, timeout: Duration) -> Self {
        let options = options.clone();
        let (flag, down) = tokio::sync::watch::channel(false);
        let probe = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(PROBE_EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut connection: Option<PgConnection> = None;
            let mut slow = 0;
            loop {
                ticks.tick().await;
                let reached =
                    match tokio::time::timeout(timeout, probe(&options, &mut connection)).await {
                        Ok(Ok(())) => {
                            slow = 0;
                            true
                        }
                        Ok(Err(_)) => {
                            connection = None;
                            false
                        }
                        Err(_) => {
                            // Whatever it was doing, it is not to be trusted any more.
                            connection = None;
                            slow += 1;
                            slow < SLOW_PROBES
                        }
                    };
                let was_down = flag.send_replace(!reached);
                if was_down == reached {
                    if reached {
                        tracing::info!("PostgreSQL can be reached again");
                    } else {
                        tracing::error!(
                            "PostgreSQL cannot be reached: requests get 503 until it can"
                        );
                    }
                }
            }
        });
        Self {
            down,
            probe: Arc::new(probe.abort_handle()),
        }
    }

    /// `Err` (an I/O error: 503) while the last probe failed.
    pub fn check(&self) -> Result<(), sqlx::Error> {
        if *self.down.borrow() {
            Err(unreachable())
        } else {
            Ok(())
        }
    }

    /// Runs `work` unless PostgreSQL is unreachable (then `Err` at once).
    pub async fn guard<T>(&self, work: impl Future<Output = T>) -> Result<T, sqlx::Error> {
        self.check()?;
        Ok(work.await)
    }

    /// Stops probing.
    pub fn stop(&self) {
        self.probe.abort();
    }
}

/// `SELECT 1` on the probe's connection, connecting first when there is none.
async fn probe(
    options: &PgConnectOptions,
    connection: &mut Option<PgConnection>,
) -> Result<(), sqlx::Error> {
    if connection.is_none() {
        *connection = Some(PgConnection::connect_with(options).await?);
    }
    match connection.as_mut() {
        Some(open) => sqlx::query("SELECT 1").execute(open).await.map(drop),
        None => Err(sqlx::Error::PoolClosed),
    }
}

fn unreachable() -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(
        std::io::ErrorKind::ConnectionRefused,
        "PostgreSQL cannot be reached",
    ))
}
