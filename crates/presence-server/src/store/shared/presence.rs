//! The SQL of the single-user writes that set one part of a user's presence (preferred
//! presence, status message, work location) or remove one session: the same on both
//! backends. The caller has touched (and on PostgreSQL locked) the user's row; what differs,
//! `touch` itself and the session upsert, stays in each backend's `apply.rs`.

use jiff::Timestamp;

use crate::engine::location::Location;
use crate::engine::preferred::Preferred;
use crate::engine::status_message::StatusMessage;
use crate::store::codec::to_millis;
use crate::store::{LocationLayer, UserKey};

super::for_each_backend! {
    /// Sets (or with `None` clears) the user's preferred presence.
    pub async fn set_preferred(
        conn: &mut Conn,
        user: &UserKey,
        preferred: Option<Preferred>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE presence_users SET preferred_availability = $1, preferred_activity = $2, \
             preferred_expires_at = $3 WHERE tenant_id = $4 AND user_id = $5",
        )
        .bind(preferred.map(|p| p.availability.as_str()))
        .bind(preferred.map(|p| p.activity.as_str()))
        .bind(preferred.map(|p| to_millis(p.expires_at)))
        .bind(&user.tenant)
        .bind(&user.user)
        .execute(conn)
        .await
        .map(drop)
    }

    /// Sets (or with `None` clears) the user's status message.
    pub async fn set_status_message(
        conn: &mut Conn,
        user: &UserKey,
        message: Option<&StatusMessage>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE presence_users SET status_content = $1, status_expires_at = $2, \
             status_published_at = $3 WHERE tenant_id = $4 AND user_id = $5",
        )
        .bind(message.map(|m| m.content.as_str()))
        .bind(message.and_then(|m| m.expires_at).map(to_millis))
        .bind(message.map(|m| to_millis(m.published_at)))
        .bind(&user.tenant)
        .bind(&user.user)
        .execute(conn)
        .await
        .map(drop)
    }

    /// Sets (or with `None` clears) one layer of the user's work location.
    pub async fn set_location(
        conn: &mut Conn,
        user: &UserKey,
        layer: LocationLayer,
        location: Option<&Location>,
    ) -> Result<(), sqlx::Error> {
        let sql = match layer {
            LocationLayer::Manual => {
                "UPDATE presence_users SET manual_location_type = $1, manual_place_id = $2 \
                 WHERE tenant_id = $3 AND user_id = $4"
            }
            LocationLayer::Automatic => {
                "UPDATE presence_users SET automatic_location_type = $1, \
                 automatic_place_id = $2 WHERE tenant_id = $3 AND user_id = $4"
            }
        };
        sqlx::query(sql)
            .bind(location.map(|l| l.work_location_type.as_str()))
            .bind(location.and_then(|l| l.place_id.as_deref()))
            .bind(&user.tenant)
            .bind(&user.user)
            .execute(conn)
            .await
            .map(drop)
    }

    /// Clears both layers of the user's work location.
    pub async fn clear_location(conn: &mut Conn, user: &UserKey) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE presence_users SET manual_location_type = NULL, manual_place_id = NULL, \
             automatic_location_type = NULL, automatic_place_id = NULL \
             WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(&user.tenant)
        .bind(&user.user)
        .execute(conn)
        .await
        .map(drop)
    }

    /// Deletes the session; true when it was still live at `now` (an expired leftover is
    /// deleted too, but counts as absent).
    pub async fn remove_session(
        conn: &mut Conn,
        user: &UserKey,
        session_id: &str,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let expires_at: Option<i64> = sqlx::query_scalar(
            "DELETE FROM presence_sessions \
             WHERE tenant_id = $1 AND user_id = $2 AND session_id = $3 RETURNING expires_at",
        )
        .bind(&user.tenant)
        .bind(&user.user)
        .bind(session_id)
        .fetch_optional(conn)
        .await?;
        Ok(expires_at.is_some_and(|at| at > to_millis(now)))
    }
}
