//! Reading users' state on PostgreSQL: the same one-row-per-user shape as on SQLite.

use std::collections::HashMap;

use crate::engine::UserState;
use crate::store::decode::user_state;

/// One row per user, with the user's sessions (and calendar entries) folded into one text
/// column each (separators in
/// [`crate::store::decode`]); the ids travel as one array.
macro_rules! user_columns {
    () => {
        "u.tenant_id, u.user_id, u.changed_at, u.preferred_availability, \
    u.preferred_activity, u.preferred_expires_at, u.status_content, u.status_expires_at, \
    u.status_published_at, u.manual_location_type, u.manual_place_id, \
    u.automatic_location_type, u.automatic_place_id, \
    u.replies_on, u.replies_message, u.replies_start, u.replies_end, \
    (SELECT string_agg(c.entry_id || chr(31) || c.start_at || chr(31) || c.end_at \
        || chr(31) || c.show_as || chr(31) || COALESCE(c.subject, ''), chr(30)) \
     FROM calendar_entries c WHERE c.tenant_id = u.tenant_id AND c.user_id = u.user_id) \
    AS calendar, \
    (SELECT string_agg(s.session_id || chr(31) || s.availability || chr(31) || s.activity \
        || chr(31) || s.refreshed_at || chr(31) || s.expires_at, chr(30)) \
     FROM presence_sessions s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.user_id) \
    AS sessions"
    };
}

const SELECT_USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u WHERE u.tenant_id = $1 AND u.user_id = ANY($2)"
);

/// Every user with a row, of every tenant (for exports), by tenant and user.
pub(super) const SELECT_ALL_USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u ORDER BY u.tenant_id, u.user_id"
);

/// The state of each of `users` that has any, keyed by user id, on any connection (writes use
/// it inside their transactions).
pub(super) async fn fetch_users<'c, E>(
    executor: E,
    tenant: &str,
    users: &[String],
) -> Result<HashMap<String, UserState>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Postgres>,
{
    let rows = sqlx::query(SELECT_USERS)
        .bind(tenant)
        .bind(users)
        .fetch_all(executor)
        .await?;
    rows.iter().map(user_state).collect()
}
