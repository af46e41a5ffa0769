//! Reading users' state on SQLite.

use std::collections::HashMap;

use crate::engine::UserState;
use crate::store::decode::user_state;

/// One row per user: the user's columns, and all the user's sessions (and calendar entries)
/// folded into one text column each (see [`crate::store::decode`] for the separators). One query and one row per user,
/// whatever the number of sessions: a read is a single round trip to the database thread,
/// and rows, the costly part of decoding, stay few.
macro_rules! user_columns {
    () => {
        "u.tenant_id, u.user_id, u.changed_at, u.preferred_availability, \
    u.preferred_activity, u.preferred_expires_at, u.status_content, u.status_expires_at, \
    u.status_published_at, u.manual_location_type, u.manual_place_id, \
    u.automatic_location_type, u.automatic_place_id, \
    u.replies_on, u.replies_message, u.replies_start, u.replies_end, \
    (SELECT group_concat(c.entry_id || char(31) || c.start_at || char(31) || c.end_at \
        || char(31) || c.show_as || char(31) || COALESCE(c.subject, ''), char(30)) \
     FROM calendar_entries c WHERE c.tenant_id = u.tenant_id AND c.user_id = u.user_id) \
    AS calendar, \
    (SELECT group_concat(s.session_id || char(31) || s.availability || char(31) || s.activity \
        || char(31) || s.refreshed_at || char(31) || s.expires_at, char(30)) \
     FROM presence_sessions s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.user_id) \
    AS sessions"
    };
}

const SELECT_USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u WHERE u.tenant_id = ? AND u.user_id IN (SELECT value FROM json_each(?))"
);

/// Every user with a row, of every tenant (for exports), by tenant and user.
pub(super) const SELECT_ALL_USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u ORDER BY u.tenant_id, u.user_id"
);

/// A page of users after (`tenant`, `user`), in key order: what warms the in-memory state.
const SELECT_USERS_AFTER: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u WHERE (u.tenant_id, u.user_id) > (?, ?) \
     ORDER BY u.tenant_id, u.user_id LIMIT ?"
);

/// Up to `limit` users after (`tenant`, `user`) in key order, with the tenant of each.
pub(super) async fn users_after(
    pool: &sqlx::SqlitePool,
    tenant: &str,
    user: &str,
    limit: u32,
) -> Result<Vec<(String, String, UserState)>, sqlx::Error> {
    let rows = sqlx::query(SELECT_USERS_AFTER)
        .bind(tenant)
        .bind(user)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let tenant: String = sqlx::Row::try_get(row, "tenant_id")?;
            let (user, state) = user_state(row)?;
            Ok((tenant, user, state))
        })
        .collect()
}

/// The state of each of `users` that has any, keyed by user id, on any connection (the
/// writer uses it inside its transactions). One query whatever the number of users: the ids
/// travel as one JSON array.
pub(super) async fn fetch_users<'c, E>(
    executor: E,
    tenant: &str,
    users: &[String],
) -> Result<HashMap<String, UserState>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
{
    let ids = serde_json::to_string(users).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let rows = sqlx::query(SELECT_USERS)
        .bind(tenant)
        .bind(&ids)
        .fetch_all(executor)
        .await?;
    rows.iter().map(user_state).collect()
}

/// Up to `limit` sessions (user, stored id) that expired at or before `now`, in no order:
/// a scan (sessions have no expiry index, so that refreshes write fewer pages), stopping at
/// `limit`.
pub(super) async fn expired_sessions<'c, E>(
    executor: E,
    now: jiff::Timestamp,
    limit: u32,
) -> Result<Vec<(crate::store::UserKey, String)>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
{
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT tenant_id, user_id, session_id FROM presence_sessions \
         WHERE expires_at <= ? LIMIT ?",
    )
    .bind(now.as_millisecond())
    .bind(limit)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(tenant, user, session)| (crate::store::UserKey { tenant, user }, session))
        .collect())
}
