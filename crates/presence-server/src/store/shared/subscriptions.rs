//! Reading subscriptions and who they follow: the same queries on both backends. (Writing
//! them, and claiming the outbox, differ: `sqlite/subscriptions.rs`, `postgres/subscriptions.rs`.)

use jiff::Timestamp;

use crate::store::codec::to_millis;
use crate::store::decode::{self, SUBSCRIPTION_COLUMNS};
use crate::store::{Follow, SubscriptionRecord};

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
}
