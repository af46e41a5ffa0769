//! WAL checkpoints on their own connection, so that no write waits for one.
//!
//! A PASSIVE checkpoint copies committed pages from the WAL into the database file without
//! blocking the writer or readers; the WAL is then reused from its start. Durability does not
//! depend on it: a commit is durable once it is in the WAL.

use std::time::Duration;

use sqlx::SqliteConnection;

pub async fn run(mut connection: SqliteConnection, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut connection)
            .await
        {
            tracing::warn!(%error, "WAL checkpoint failed; will retry");
        }
    }
}
