//! The columns of a user's stored state, read the same way on both backends: one row per
//! user, the user's sessions (and calendar entries) folded into one text column each, so a
//! read is one query and one row per user whatever the number of sessions (rows are the
//! costly part of decoding). The separators are the control characters of
//! [`crate::store::decode`] ([`FIELD`](crate::store::decode::FIELD) U+001F,
//! [`RECORD`](crate::store::decode::RECORD) U+001E), written into the SQL as they are:
//! `string_agg` is standard on PostgreSQL and on SQLite since 3.44. How each backend picks
//! *which* users (a JSON array against an array of ids, and PostgreSQL's per-id probe) stays
//! in its `read.rs`.

use crate::engine::UserState;
use crate::store::UserKey;
use crate::store::decode;

/// The user columns, for `SELECT … FROM presence_users u`.
macro_rules! user_columns {
    () => {
        "u.tenant_id, u.user_id, u.changed_at, u.preferred_availability, \
    u.preferred_activity, u.preferred_expires_at, u.status_content, u.status_expires_at, \
    u.status_published_at, u.manual_location_type, u.manual_place_id, \
    u.automatic_location_type, u.automatic_place_id, \
    u.replies_on, u.replies_message, u.replies_start, u.replies_end, \
    (SELECT string_agg(c.entry_id || '\u{1f}' || c.start_at || '\u{1f}' || c.end_at \
        || '\u{1f}' || c.show_as || '\u{1f}' || COALESCE(c.subject, ''), '\u{1e}') \
     FROM calendar_entries c WHERE c.tenant_id = u.tenant_id AND c.user_id = u.user_id) \
    AS calendar, \
    (SELECT string_agg(s.session_id || '\u{1f}' || s.availability || '\u{1f}' || s.activity \
        || '\u{1f}' || s.refreshed_at || '\u{1f}' || s.expires_at, '\u{1e}') \
     FROM presence_sessions s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.user_id) \
    AS sessions"
    };
}
pub(in crate::store) use user_columns;

/// Every user with a row, of every tenant (for exports), by tenant and user.
const SELECT_ALL_USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u ORDER BY u.tenant_id, u.user_id"
);

/// A page of users after (`tenant`, `user`), in key order: what warms the in-memory state.
const SELECT_USERS_AFTER: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM presence_users u WHERE (u.tenant_id, u.user_id) > ($1, $2) \
     ORDER BY u.tenant_id, u.user_id LIMIT $3"
);

super::for_each_backend! {
    /// Up to `limit` users after (`tenant`, `user`) in key order, with their tenant.
    pub async fn users_after(
        conn: &mut Conn,
        tenant: &str,
        user: &str,
        limit: u32,
    ) -> Result<Vec<(UserKey, UserState)>, sqlx::Error> {
        let rows = sqlx::query(SELECT_USERS_AFTER)
            .bind(tenant)
            .bind(user)
            .bind(i64::from(limit))
            .fetch_all(conn)
            .await?;
        rows.iter().map(decode::tenant_user_state).collect()
    }

    /// Every user with a row, of every tenant, by tenant and user (`GET /admin/export`).
    pub async fn all_users(conn: &mut Conn) -> Result<Vec<(UserKey, UserState)>, sqlx::Error> {
        let rows = sqlx::query(SELECT_ALL_USERS).fetch_all(conn).await?;
        rows.iter().map(decode::tenant_user_state).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::store::decode::{FIELD, RECORD};

    /// The separators written into the SQL are the ones the decoder splits on.
    #[test]
    fn the_sql_folds_with_the_decoders_separators() {
        let columns = user_columns!();
        assert!(columns.contains(&format!("'{FIELD}'")));
        assert!(columns.contains(&format!("'{RECORD}'")));
    }
}
