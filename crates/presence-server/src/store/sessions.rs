//! Sessions and the per-user sequence that stamps every change.

use jiff::Timestamp;
use presence_model::{Activity, Availability};
use sqlx::Row;

use super::Store;
use super::time::{from_millis, to_millis};
use crate::engine::Session;

/// What the store keeps of one user's presence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserPresenceRecord {
    /// Live sessions at the time of reading.
    pub sessions: Vec<Session>,
    /// Number of changes ever made to the user's presence; 0 for a user never written.
    pub sequence: i64,
}

impl Store {
    /// Creates or replaces a session and stamps the change, durably, in one transaction.
    pub async fn upsert_session(
        &self,
        tenant: &str,
        user: &str,
        session: &Session,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO presence_sessions \
               (tenant_id, user_id, session_id, availability, activity, refreshed_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (tenant_id, user_id, session_id) DO UPDATE SET \
               availability = excluded.availability, activity = excluded.activity, \
               refreshed_at = excluded.refreshed_at, expires_at = excluded.expires_at",
        )
        .bind(tenant)
        .bind(user)
        .bind(&session.session_id)
        .bind(session.availability.as_str())
        .bind(session.activity.as_str())
        .bind(to_millis(session.refreshed_at))
        .bind(to_millis(session.expires_at))
        .execute(&mut *tx)
        .await?;
        bump_sequence(&mut tx, tenant, user).await?;
        tx.commit().await
    }

    /// Removes a session. Returns whether a session that was still live at `now` existed;
    /// an expired leftover is removed too but counts as absent.
    pub async fn delete_session(
        &self,
        tenant: &str,
        user: &str,
        session_id: &str,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let expires_at: Option<i64> = sqlx::query_scalar(
            "DELETE FROM presence_sessions \
             WHERE tenant_id = ? AND user_id = ? AND session_id = ? RETURNING expires_at",
        )
        .bind(tenant)
        .bind(user)
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
        let was_live = expires_at.is_some_and(|at| at > to_millis(now));
        if was_live {
            bump_sequence(&mut tx, tenant, user).await?;
        }
        tx.commit().await?;
        Ok(was_live)
    }

    /// The user's sessions still live at `now`, and the user's sequence.
    pub async fn load_user(
        &self,
        tenant: &str,
        user: &str,
        now: Timestamp,
    ) -> Result<UserPresenceRecord, sqlx::Error> {
        let mut conn = self.read.acquire().await?;
        let sequence: Option<i64> = sqlx::query_scalar(
            "SELECT sequence FROM presence_users WHERE tenant_id = ? AND user_id = ?",
        )
        .bind(tenant)
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?;
        let rows = sqlx::query(
            "SELECT session_id, availability, activity, refreshed_at, expires_at \
             FROM presence_sessions \
             WHERE tenant_id = ? AND user_id = ? AND expires_at > ?",
        )
        .bind(tenant)
        .bind(user)
        .bind(to_millis(now))
        .fetch_all(&mut *conn)
        .await?;
        let sessions = rows
            .iter()
            .map(|row| {
                Ok(Session {
                    session_id: row.try_get("session_id")?,
                    availability: Availability::parse(row.try_get("availability")?)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    activity: Activity::parse(row.try_get("activity")?)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    refreshed_at: from_millis(row.try_get("refreshed_at")?)?,
                    expires_at: from_millis(row.try_get("expires_at")?)?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(UserPresenceRecord {
            sessions,
            sequence: sequence.unwrap_or(0),
        })
    }
}

/// Counts one more change to the user's presence.
async fn bump_sequence(
    conn: &mut sqlx::SqliteConnection,
    tenant: &str,
    user: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO presence_users (tenant_id, user_id, sequence) VALUES (?, ?, 1) \
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET sequence = sequence + 1",
    )
    .bind(tenant)
    .bind(user)
    .execute(conn)
    .await
    .map(drop)
}
