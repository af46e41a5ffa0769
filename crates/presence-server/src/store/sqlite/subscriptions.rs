//! Subscriptions and the notification outbox on SQLite: their SQL, reads and writes.

use jiff::Timestamp;
use sqlx::SqliteConnection;

use super::SqliteStore;
use super::read::fetch_users;
use crate::engine::EffectivePresence;
use crate::store::codec::to_millis;
use crate::store::decode::{self, PENDING_COLUMNS};
use crate::store::records::owing_notification;
use crate::store::shared::subscriptions::sqlite as shared;
use crate::store::{PendingNotification, StoreError, SubscriptionRecord, UserKey, Write};

impl SqliteStore {
    /// Claims the due head of each subscription's outbox: reads them, then leases them
    /// through the writer. Nothing else leases on a SQLite database (one instance), so what
    /// was read is what gets leased.
    pub async fn claim_due_notifications(
        &self,
        due: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Vec<PendingNotification>, StoreError> {
        let pending = self.due_notifications(due).await?;
        if !pending.is_empty() {
            let outbox_ids = pending.iter().map(|p| p.outbox_id).collect();
            self.write(Write::Lease {
                outbox_ids,
                due,
                until: lease_until,
            })
            .await?;
        }
        Ok(pending)
    }

    /// The oldest undelivered notification of each subscription whose next attempt is due
    /// (wall clock `due`): delivering only heads keeps each subscription's order.
    async fn due_notifications(
        &self,
        due: Timestamp,
    ) -> Result<Vec<PendingNotification>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PENDING_COLUMNS} \
             FROM notification_outbox o JOIN subscriptions s ON s.id = o.subscription_id \
             WHERE o.id IN (SELECT MIN(id) FROM notification_outbox GROUP BY subscription_id) \
               AND o.next_attempt_at <= ? \
             ORDER BY o.id"
        )))
        .bind(to_millis(due))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(decode::pending).collect()
    }
}

/// Creates a subscription following `users`, remembering their presence at `now` as already
/// announced (a subscription reports changes from its creation on).
pub(super) async fn create(
    conn: &mut SqliteConnection,
    record: &SubscriptionRecord,
    users: &[String],
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    shared::insert_subscription(&mut *conn, record).await?;
    let states = fetch_users(&mut *conn, &record.tenant, users).await?;
    for user in users {
        let presence = states
            .get(user)
            .map_or(EffectivePresence::OFFLINE, |state| state.presence_at(now));
        sqlx::query(
            "INSERT INTO subscription_users \
               (subscription_id, tenant_id, user_id, last_availability, last_activity) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&record.id)
        .bind(&record.tenant)
        .bind(user)
        .bind(presence.availability.as_str())
        .bind(presence.activity.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records `user`'s presence at `now` as announced to every follower, owing nothing: what a
/// quiet import changed is not notified.
pub(super) async fn mark_announced(
    conn: &mut SqliteConnection,
    user: &UserKey,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    let ids = [user.user.clone()];
    let states = fetch_users(&mut *conn, &user.tenant, &ids).await?;
    let presence = states
        .get(&user.user)
        .map_or(EffectivePresence::OFFLINE, |state| state.presence_at(now));
    shared::set_announced(conn, user, presence).await
}

/// Writes a notification for every live subscription following `user` whose last announced
/// presence differs from the user's presence at `now`. Returns how many were written. Costs
/// one indexed lookup when nobody follows the user.
pub(super) async fn announce(
    conn: &mut SqliteConnection,
    user: &UserKey,
    now: Timestamp,
) -> Result<u32, sqlx::Error> {
    let follows = shared::followers(&mut *conn, user, now).await?;
    if follows.is_empty() {
        return Ok(0);
    }
    let ids = [user.user.clone()];
    let states = fetch_users(&mut *conn, &user.tenant, &ids).await?;
    let presence = states
        .get(&user.user)
        .map_or(EffectivePresence::OFFLINE, |state| state.presence_at(now));
    let wall = Timestamp::now();
    let mut written = 0;
    for subscription_id in owing_notification(follows, presence) {
        sqlx::query(
            "INSERT INTO notification_outbox (notification_id, subscription_id, user_id, \
               availability, activity, occurred_at, created_at, next_attempt_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&subscription_id)
        .bind(&user.user)
        .bind(presence.availability.as_str())
        .bind(presence.activity.as_str())
        .bind(to_millis(now))
        .bind(to_millis(wall))
        .bind(to_millis(wall))
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE subscription_users SET last_availability = ?, last_activity = ? \
             WHERE subscription_id = ? AND user_id = ?",
        )
        .bind(presence.availability.as_str())
        .bind(presence.activity.as_str())
        .bind(&subscription_id)
        .bind(&user.user)
        .execute(&mut *conn)
        .await?;
        written += 1;
    }
    Ok(written)
}
