//! What the database holds, for `GET /admin/info`: the same query on both backends.

use jiff::Timestamp;
use presence_model::ServerCounts;

use crate::store::codec::to_millis;

super::for_each_backend! {
    pub async fn counts(
        pool: &mut Conn,
        now: Timestamp,
    ) -> Result<ServerCounts, sqlx::Error> {
        let (tenants, users, sessions, subscriptions, pending_notifications) = sqlx::query_as(
            "SELECT (SELECT COUNT(DISTINCT tenant_id) FROM presence_users), \
                    (SELECT COUNT(*) FROM presence_users), \
                    (SELECT COUNT(*) FROM presence_sessions), \
                    (SELECT COUNT(*) FROM subscriptions WHERE expires_at > $1), \
                    (SELECT COUNT(*) FROM notification_outbox)",
        )
        .bind(to_millis(now))
        .fetch_one(pool)
        .await?;
        Ok(ServerCounts {
            tenants,
            users,
            sessions,
            subscriptions,
            pending_notifications,
        })
    }
}
