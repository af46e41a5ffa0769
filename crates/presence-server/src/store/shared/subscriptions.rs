//! Subscriptions and who they follow: the statements both backends run as they are. What
//! differs stays in `sqlite/subscriptions.rs` and `postgres/subscriptions.rs`: following many
//! users at once (a row per user against `UNNEST`), writing the notifications owed, claiming
//! the outbox, and PostgreSQL's advisory lock on a creator.

use jiff::Timestamp;

use crate::engine::EffectivePresence;
use crate::store::codec::to_millis;
use crate::store::decode::{self, SUBSCRIPTION_COLUMNS};
use crate::store::{Follow, SubscriptionRecord, UserKey};

super::for_each_backend! {
    /// The live subscriptions of `tenant` made by `application` (all of the tenant's with
    /// `None`), oldest first.
    pub async fn list_subscriptions(
        conn: &mut Conn,
        tenant: &str,
        application: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE tenant_id = $1 AND (CAST($2 AS TEXT) IS NULL OR application_id = $2) \
               AND expires_at > $3 \
             ORDER BY created_at, id"
        )))
        .bind(tenant)
        .bind(application)
        .bind(to_millis(now))
        .fetch_all(conn)
        .await?;
        rows.iter().map(decode::subscription).collect()
    }

    /// One live subscription of `tenant`.
    pub async fn get_subscription(
        conn: &mut Conn,
        tenant: &str,
        id: &str,
        now: Timestamp,
    ) -> Result<Option<SubscriptionRecord>, sqlx::Error> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE tenant_id = $1 AND id = $2 AND expires_at > $3"
        )))
        .bind(tenant)
        .bind(id)
        .bind(to_millis(now))
        .fetch_optional(conn)
        .await?;
        row.as_ref().map(decode::subscription).transpose()
    }

    /// Live subscriptions with a lifecycle URL that owe a `reauthorizationRequired`: those
    /// that expire by `expiring_by` (server clock) or whose token's access lapses by
    /// `access_lapsing_by` (wall clock), and were not told since their last renewal.
    /// (`reauthorization_sent` is a boolean on PostgreSQL, 0 or 1 on SQLite: `= FALSE`
    /// reads both.)
    pub async fn reauthorization_due(
        conn: &mut Conn,
        now: Timestamp,
        expiring_by: Timestamp,
        access_lapsing_by: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE lifecycle_notification_url IS NOT NULL AND reauthorization_sent = FALSE \
               AND expires_at > $1 AND (expires_at <= $2 OR access_expires_at <= $3) \
             ORDER BY expires_at, id"
        )))
        .bind(to_millis(now))
        .bind(to_millis(expiring_by))
        .bind(to_millis(access_lapsing_by))
        .fetch_all(conn)
        .await?;
        rows.iter().map(decode::subscription).collect()
    }

    /// Every followed user of every live subscription, with what was last announced.
    pub async fn follows(conn: &mut Conn, now: Timestamp) -> Result<Vec<Follow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT su.subscription_id, su.tenant_id, su.user_id, su.last_availability, \
                    su.last_activity \
             FROM subscription_users su JOIN subscriptions s ON s.id = su.subscription_id \
             WHERE s.expires_at > $1",
        )
        .bind(to_millis(now))
        .fetch_all(conn)
        .await?;
        rows.iter().map(decode::follow).collect()
    }

    /// Every live subscription, of every tenant, by tenant and id (`GET /admin/export`).
    pub async fn all_subscriptions(
        conn: &mut Conn,
        now: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE expires_at > $1 \
             ORDER BY tenant_id, id"
        )))
        .bind(to_millis(now))
        .fetch_all(conn)
        .await?;
        rows.iter().map(decode::subscription).collect()
    }

    /// Inserts the subscription's own row (not whom it follows).
    pub async fn insert_subscription(
        conn: &mut Conn,
        record: &SubscriptionRecord,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        )))
        .bind(&record.id)
        .bind(&record.tenant)
        .bind(&record.application_id)
        .bind(&record.creator_id)
        .bind(&record.resource)
        .bind(&record.notification_url)
        .bind(&record.lifecycle_notification_url)
        .bind(&record.client_state)
        .bind(to_millis(record.expires_at))
        .bind(to_millis(record.created_at))
        .bind(record.encryption.is_some())
        .bind(record.encryption.as_ref().map(|e| e.certificate.as_str()))
        .bind(
            record
                .encryption
                .as_ref()
                .map(|e| e.certificate_id.as_str()),
        )
        .bind(record.access_expires_at.map(to_millis))
        .bind(record.reauthorization_sent)
        .execute(conn)
        .await
        .map(drop)
    }

    /// The live subscriptions following `user`, each with the presence last announced to it
    /// (subscription id, availability, activity).
    pub async fn followers(
        conn: &mut Conn,
        user: &UserKey,
        now: Timestamp,
    ) -> Result<Vec<(String, String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT su.subscription_id, su.last_availability, su.last_activity \
             FROM subscription_users su JOIN subscriptions s ON s.id = su.subscription_id \
             WHERE su.tenant_id = $1 AND su.user_id = $2 AND s.expires_at > $3",
        )
        .bind(&user.tenant)
        .bind(&user.user)
        .bind(to_millis(now))
        .fetch_all(conn)
        .await
    }

    /// Records `presence` as announced to every follower of `user`.
    pub async fn set_announced(
        conn: &mut Conn,
        user: &UserKey,
        presence: EffectivePresence,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE subscription_users SET last_availability = $1, last_activity = $2 \
             WHERE tenant_id = $3 AND user_id = $4",
        )
        .bind(presence.availability.as_str())
        .bind(presence.activity.as_str())
        .bind(&user.tenant)
        .bind(&user.user)
        .execute(conn)
        .await
        .map(drop)
    }

    /// Whether the creator of `record` already has a live subscription of the same
    /// application in its tenant (Graph's one-per-user-per-application limit). The caller
    /// makes sure nothing slips in between this check and the insert.
    pub async fn creator_has_one(
        conn: &mut Conn,
        record: &SubscriptionRecord,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM subscriptions WHERE tenant_id = $1 AND application_id = $2 \
               AND creator_id = $3 AND expires_at > $4 LIMIT 1",
        )
        .bind(&record.tenant)
        .bind(&record.application_id)
        .bind(&record.creator_id)
        .bind(to_millis(now))
        .fetch_optional(conn)
        .await?;
        Ok(found.is_some())
    }

    /// Renews, moves and reauthorizes a live subscription (whichever of `expires_at` and
    /// `notification_url` is given), recording the new token's access and clearing the
    /// `reauthorizationRequired` mark; answers whether it existed.
    pub async fn renew(
        conn: &mut Conn,
        (tenant, id): (&str, &str),
        expires_at: Option<Timestamp>,
        notification_url: Option<&str>,
        access_expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let updated = sqlx::query(
            "UPDATE subscriptions SET expires_at = COALESCE($1, expires_at), \
               notification_url = COALESCE($2, notification_url), \
               access_expires_at = $3, reauthorization_sent = FALSE \
             WHERE tenant_id = $4 AND id = $5 AND expires_at > $6",
        )
        .bind(expires_at.map(to_millis))
        .bind(notification_url)
        .bind(access_expires_at.map(to_millis))
        .bind(tenant)
        .bind(id)
        .bind(to_millis(now))
        .execute(conn)
        .await?;
        Ok(updated.rows_affected() > 0)
    }

    /// Marks that the subscription was sent its `reauthorizationRequired`; false when it
    /// was already marked (or is gone), so it is sent once.
    pub async fn mark_reauthorization_sent(conn: &mut Conn, id: &str) -> Result<bool, sqlx::Error> {
        let marked = sqlx::query(
            "UPDATE subscriptions SET reauthorization_sent = TRUE \
             WHERE id = $1 AND reauthorization_sent = FALSE",
        )
        .bind(id)
        .execute(conn)
        .await?;
        Ok(marked.rows_affected() > 0)
    }

    /// Deletes a subscription of `tenant` (whom it follows and its outbox go with it: ON
    /// DELETE CASCADE); whether it existed.
    pub async fn delete_subscription(
        conn: &mut Conn,
        tenant: &str,
        id: &str,
    ) -> Result<bool, sqlx::Error> {
        let deleted = sqlx::query("DELETE FROM subscriptions WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .execute(conn)
            .await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// Deletes every subscription expired at `now`.
    pub async fn drop_expired(conn: &mut Conn, now: Timestamp) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM subscriptions WHERE expires_at <= $1")
            .bind(to_millis(now))
            .execute(conn)
            .await
            .map(drop)
    }
}
