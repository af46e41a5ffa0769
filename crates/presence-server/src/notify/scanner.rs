//! Finds the changes time alone makes to followed users, and has them announced.

use std::collections::HashMap;
use std::time::Duration;

use crate::clock::SharedClock;
use crate::store::{Store, UserKey, Write, by_user};

/// Runs forever: every `every`, drops expired subscriptions and announces time-driven changes.
pub async fn run(store: Store, clock: SharedClock, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = scan(&store, &clock).await {
            tracing::warn!(%error, "notification scan failed; will retry");
        }
    }
}

/// One pass. Reads go through the read pool; only users whose presence differs from what was
/// announced cost a write (which checks again, inside its transaction).
async fn scan(store: &Store, clock: &SharedClock) -> anyhow::Result<()> {
    let now = clock.now();
    store.write(Write::DropExpiredSubscriptions { now }).await?;
    if let Some(metrics) = crate::metrics::get() {
        metrics.outbox_depth.set(store.outbox_depth().await?);
    }
    let followed = by_user(store.follows(now).await?);
    let mut by_tenant: HashMap<String, Vec<UserKey>> = HashMap::new();
    for user in followed.keys() {
        by_tenant
            .entry(user.tenant.clone())
            .or_default()
            .push(user.clone());
    }
    for (tenant, users) in by_tenant {
        for chunk in users.chunks(650) {
            let ids: Vec<String> = chunk.iter().map(|u| u.user.clone()).collect();
            let states = store.load_users(&tenant, &ids).await?;
            for user in chunk {
                let presence = states
                    .get(&user.user)
                    .map_or(crate::engine::EffectivePresence::OFFLINE, |s| {
                        s.presence_at(now)
                    });
                let stale = followed
                    .get(user)
                    .is_some_and(|follows| follows.iter().any(|f| f.last != presence));
                if stale {
                    store
                        .write(Write::Announce {
                            user: user.clone(),
                            now,
                        })
                        .await?;
                }
            }
        }
    }
    Ok(())
}
