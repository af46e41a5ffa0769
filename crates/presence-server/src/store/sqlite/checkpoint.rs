//! WAL checkpoints on their own connection, so that no write waits for one.
//!
//! Every tick a PASSIVE checkpoint copies committed pages from the WAL into the database file
//! without blocking the writer or readers. Under sustained load readers may always hold an old
//! snapshot, so passive checkpoints can copy pages but never restart the WAL, which then grows
//! without bound (seen at 389 MiB in a benchmark). Past [`WAL_LIMIT_FRAMES`] the checkpoint is
//! TRUNCATE: it waits for the readers of old snapshots (new writes wait meanwhile, a few ms) and
//! empties the WAL. Durability does not depend on any of this: a commit is durable once in the WAL.

use std::time::Duration;

use sqlx::SqliteConnection;

/// WAL frames (pages, 4 KiB by default) beyond which the WAL is truncated: about 64 MiB.
pub const WAL_LIMIT_FRAMES: i64 = 16_384;

pub async fn run(mut connection: SqliteConnection, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = checkpoint(&mut connection).await {
            tracing::warn!(%error, "WAL checkpoint failed; will retry");
        }
    }
}

async fn checkpoint(connection: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    // (busy, frames in the WAL, frames checkpointed)
    let (_, wal_frames, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&mut *connection)
        .await?;
    if wal_frames > WAL_LIMIT_FRAMES {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut *connection)
            .await?;
        if busy != 0 {
            tracing::warn!(
                wal_frames,
                "WAL over its limit and readers kept it busy; will retry"
            );
        }
    }
    Ok(())
}
