//! Housekeeping: expired sessions are deleted in the background, in bounded batches, so the
//! database does not grow without bound. Reads already ignore expired sessions, so this only
//! reclaims space; each batch goes through the writer like any write and is small enough
//! (a few milliseconds) not to hold requests back.

use std::time::Duration;

use super::{Store, Write, Written};
use crate::clock::SharedClock;

/// Sessions deleted per transaction.
pub const BATCH: u32 = 500;

/// Runs forever: every `interval`, purges batches until none is full.
pub async fn run(store: Store, clock: SharedClock, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        loop {
            let write = Write::PurgeExpired {
                now: clock.now(),
                limit: BATCH,
            };
            match store.write(write).await {
                Ok(Written::Purged(n)) if n == BATCH => tokio::task::yield_now().await,
                Ok(Written::Purged(n)) => {
                    if n > 0 {
                        tracing::debug!(sessions = n, "purged expired sessions");
                    }
                    break;
                }
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "purging expired sessions failed; will retry");
                    break;
                }
            }
        }
    }
}
