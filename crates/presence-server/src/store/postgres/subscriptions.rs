//! Subscriptions and the notification outbox on PostgreSQL: their SQL, reads and writes.

use jiff::Timestamp;
use sqlx::PgConnection;

use super::PgStore;
use super::read::fetch_users;
use crate::engine::EffectivePresence;
use crate::store::codec::to_millis;
use crate::store::decode::{self, PENDING_COLUMNS};
use crate::store::records::owing_notification;
use crate::store::shared::subscriptions::postgres as shared;
use crate::store::{PendingNotification, SubscriptionRecord, UserKey};

impl PgStore {
    /// Claims the due head of each subscription's outbox: moves its next attempt to
    /// `lease_until` and returns it, in one statement. `SKIP LOCKED` lets instances claim at
    /// the same moment without waiting for or overlapping each other, and a claimed head is
    /// no longer due, so nobody delivers it (or, out of order, the notification behind it)
    /// until the claimant records the outcome or its lease runs out.
    pub async fn claim_due_notifications(
        &self,
        due: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Vec<PendingNotification>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "WITH heads AS ( \
               SELECT id FROM notification_outbox \
               WHERE id IN (SELECT MIN(id) FROM notification_outbox GROUP BY subscription_id) \
                 AND next_attempt_at <= $1 \
               FOR UPDATE SKIP LOCKED), \
             o AS ( \
               UPDATE notification_outbox SET next_attempt_at = $2 \
               WHERE id IN (SELECT id FROM heads) RETURNING *) \
             SELECT {PENDING_COLUMNS} FROM o JOIN subscriptions s ON s.id = o.subscription_id \
             ORDER BY o.id"
        )))
        .bind(to_millis(due))
        .bind(to_millis(lease_until))
        .fetch_all(&mut *self.writes.acquire().await?)
        .await?;
        rows.iter().map(decode::pending).collect()
    }
}

/// Creates a subscription following `users`, remembering their presence at `now` as already
/// announced (a subscription reports changes from its creation on). A write racing with the
/// creation may be remembered as its before-state; the scanner then announces it within a scan.
pub(super) async fn create(
    conn: &mut PgConnection,
    record: &SubscriptionRecord,
    users: &[String],
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    shared::insert_subscription(&mut *conn, record).await?;
    plan_reads_for_now(conn).await?;
    let states = fetch_users(&mut *conn, &record.tenant, users).await?;
    let (mut availabilities, mut activities) = (Vec::new(), Vec::new());
    for user in users {
        let presence = states
            .get(user)
            .map_or(EffectivePresence::OFFLINE, |state| state.presence_at(now));
        availabilities.push(presence.availability.as_str());
        activities.push(presence.activity.as_str());
    }
    sqlx::query(
        "INSERT INTO subscription_users \
           (subscription_id, tenant_id, user_id, last_availability, last_activity) \
         SELECT $1, $2, f.user_id, f.availability, f.activity \
         FROM UNNEST($3::text[], $4::text[], $5::text[]) AS f (user_id, availability, activity)",
    )
    .bind(&record.id)
    .bind(&record.tenant)
    .bind(users)
    .bind(&availabilities)
    .bind(&activities)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records `user`'s presence at `now` as announced to every follower, owing nothing: what a
/// quiet import changed is not notified.
pub(super) async fn mark_announced(
    conn: &mut PgConnection,
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
/// presence differs from the user's presence at `now`. The caller holds the user's row lock,
/// so concurrent announcers of the same user take turns and the later one sees the earlier
/// one's `last_*`: each change is announced once.
pub(super) async fn announce(
    conn: &mut PgConnection,
    user: &UserKey,
    now: Timestamp,
) -> Result<u32, sqlx::Error> {
    let follows = shared::followers(&mut *conn, user, now).await?;
    if follows.is_empty() {
        return Ok(0);
    }
    let ids = [user.user.clone()];
    plan_reads_for_now(conn).await?;
    let states = fetch_users(&mut *conn, &user.tenant, &ids).await?;
    let presence = states
        .get(&user.user)
        .map_or(EffectivePresence::OFFLINE, |state| state.presence_at(now));
    let wall = to_millis(Timestamp::now());
    let stale = owing_notification(follows, presence);
    if stale.is_empty() {
        return Ok(0);
    }
    let notification_ids: Vec<String> = stale
        .iter()
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    sqlx::query(
        "WITH announced AS ( \
           UPDATE subscription_users SET last_availability = $3, last_activity = $4 \
           WHERE subscription_id = ANY($1) AND user_id = $2) \
         INSERT INTO notification_outbox (notification_id, subscription_id, user_id, \
           availability, activity, occurred_at, created_at, next_attempt_at) \
         SELECT n.notification_id, n.subscription_id, $2, $3, $4, $5, $6, $6 \
         FROM UNNEST($7::text[], $1::text[]) AS n (notification_id, subscription_id)",
    )
    .bind(&stale)
    .bind(&user.user)
    .bind(presence.availability.as_str())
    .bind(presence.activity.as_str())
    .bind(to_millis(now))
    .bind(wall)
    .bind(&notification_ids)
    .execute(&mut *conn)
    .await?;
    Ok(u32::try_from(stale.len()).unwrap_or(u32::MAX))
}

/// Has PostgreSQL plan the rest of this transaction's statements at each execution. Users are
/// read inside write transactions here (under the user's lock), on the write pool, whose
/// prepared statements otherwise run on generic plans; the user read's generic plan, made while
/// the tables were small, filters the whole tenant instead of looking ids up (see
/// `PgStore::reads`).
async fn plan_reads_for_now(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
        .execute(conn)
        .await
        .map(drop)
}

/// Whether the creator of `record` already has a live subscription of the same application
/// in its tenant (Graph's one-per-user-per-application limit). A transaction-scoped advisory
/// lock on (tenant, application, creator) serialises creations by the same creator across
/// instances, so two racing creations cannot both pass this check.
pub(super) async fn creator_has_one(
    conn: &mut PgConnection,
    record: &SubscriptionRecord,
    now: Timestamp,
) -> Result<bool, sqlx::Error> {
    let key = format!(
        "subscription-creator\u{1}{}\u{1}{}\u{1}{}",
        record.tenant, record.application_id, record.creator_id
    );
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    shared::creator_has_one(conn, record, now).await
}
