//! [`Write::Reset`](crate::store::Write::Reset): one statement per table, each filtered by
//! the optional tenant and user of the target, the same on both backends. (PostgreSQL locks
//! the users first and tells the other instances after: `postgres/reset.rs`.)

use jiff::Timestamp;

use crate::store::codec::to_millis;
use crate::store::{ResetTarget, Written};

/// Which users a statement concerns: `$1` the tenant, `$2` the user (NULL: any).
pub(in crate::store) const SCOPE: &str =
    "(CAST($1 AS TEXT) IS NULL OR tenant_id = $1) AND (CAST($2 AS TEXT) IS NULL OR user_id = $2)";

super::for_each_backend! {
    pub async fn reset(
        conn: &mut Conn,
        target: &ResetTarget,
        now: Timestamp,
    ) -> Result<Written, sqlx::Error> {
        let (tenant, user) = target.filters();
        // Users with any state, before their sessions go: each keeps its row, emptied, with a
        // new changed_at (sequenceNumber never goes back). (CASE: SQLite's two-argument MAX
        // is PostgreSQL's GREATEST.)
        let users = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE presence_users SET changed_at = \
               CASE WHEN $3 > changed_at + 1 THEN $3 ELSE changed_at + 1 END, \
               preferred_availability = NULL, preferred_activity = NULL, \
               preferred_expires_at = NULL, \
               status_content = NULL, status_expires_at = NULL, status_published_at = NULL, \
               manual_location_type = NULL, manual_place_id = NULL, \
               automatic_location_type = NULL, automatic_place_id = NULL, \
               replies_on = FALSE, replies_message = NULL, replies_start = NULL, \
               replies_end = NULL \
             WHERE {SCOPE} AND (preferred_availability IS NOT NULL OR status_content IS NOT NULL \
               OR manual_location_type IS NOT NULL OR automatic_location_type IS NOT NULL \
               OR replies_on = TRUE \
               OR EXISTS (SELECT 1 FROM calendar_entries c \
                 WHERE c.tenant_id = presence_users.tenant_id \
                   AND c.user_id = presence_users.user_id) \
               OR EXISTS (SELECT 1 FROM presence_sessions s \
                 WHERE s.tenant_id = presence_users.tenant_id \
                   AND s.user_id = presence_users.user_id))"
        )))
        .bind(tenant)
        .bind(user)
        .bind(to_millis(now))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        for table in ["presence_sessions", "calendar_entries"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE {SCOPE}")))
                .bind(tenant)
                .bind(user)
                .execute(&mut *conn)
                .await?;
        }
        let subscriptions = if user.is_some() {
            // The subscriptions stay; they have seen the user go offline, so nothing is owed.
            sqlx::query(
                "UPDATE subscription_users SET last_availability = 'Offline', \
                 last_activity = 'Offline' WHERE tenant_id = $1 AND user_id = $2",
            )
            .bind(tenant)
            .bind(user)
            .execute(&mut *conn)
            .await?;
            0
        } else {
            // Followed users and the outbox go with them (ON DELETE CASCADE).
            sqlx::query("DELETE FROM subscriptions WHERE CAST($1 AS TEXT) IS NULL OR tenant_id = $1")
                .bind(tenant)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        };
        Ok(Written::Reset {
            users: u32::try_from(users).unwrap_or(u32::MAX),
            subscriptions: u32::try_from(subscriptions).unwrap_or(u32::MAX),
        })
    }
}
