//! Reading users' state on SQLite.

use std::collections::HashMap;

use crate::engine::UserState;
use crate::store::decode::user_state;
use crate::store::shared::users::user_columns;

/// The named users of a tenant, the ids bound once as a JSON array whatever their number.
const SELECT_USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u WHERE u.tenant_id = ? AND u.user_id IN (SELECT value FROM json_each(?))"
);

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
