//! The SQL of what Outlook contributes (control plane): automatic replies and calendar
//! entries, on SQLite. The caller has touched the user's row.

use sqlx::SqliteConnection;

use crate::engine::calendar::CalendarEntry;
use crate::engine::out_of_office::AutomaticReplies;
use crate::store::UserKey;
use crate::store::codec::to_millis;

pub(super) async fn set_replies(
    conn: &mut SqliteConnection,
    user: &UserKey,
    replies: Option<&AutomaticReplies>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE presence_users SET replies_on = ?, replies_message = ?, replies_start = ?, \
         replies_end = ? WHERE tenant_id = ? AND user_id = ?",
    )
    .bind(replies.is_some())
    .bind(replies.and_then(|r| r.message.as_deref()))
    .bind(replies.and_then(|r| r.start).map(to_millis))
    .bind(replies.and_then(|r| r.end).map(to_millis))
    .bind(&user.tenant)
    .bind(&user.user)
    .execute(conn)
    .await
    .map(drop)
}

pub(super) async fn add_entry(
    conn: &mut SqliteConnection,
    user: &UserKey,
    entry: &CalendarEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO calendar_entries \
           (tenant_id, user_id, entry_id, start_at, end_at, show_as, subject) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .bind(&entry.id)
    .bind(to_millis(entry.start))
    .bind(to_millis(entry.end))
    .bind(entry.show_as.as_str())
    .bind(entry.subject.as_deref())
    .execute(conn)
    .await
    .map(drop)
}

/// Whether the entry existed.
pub(super) async fn remove_entry(
    conn: &mut SqliteConnection,
    user: &UserKey,
    entry_id: &str,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query(
        "DELETE FROM calendar_entries WHERE tenant_id = ? AND user_id = ? AND entry_id = ?",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .bind(entry_id)
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() > 0)
}
