//! The SQL of what Outlook contributes (control plane): automatic replies and calendar
//! entries, the same on both backends. The caller has touched the user's row.

use crate::engine::calendar::CalendarEntry;
use crate::engine::out_of_office::AutomaticReplies;
use crate::store::UserKey;
use crate::store::codec::to_millis;

super::for_each_backend! {
    pub async fn set_replies(
        conn: &mut Conn,
        user: &UserKey,
        replies: Option<&AutomaticReplies>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE presence_users SET replies_on = $1, replies_message = $2, replies_start = $3, \
             replies_end = $4 WHERE tenant_id = $5 AND user_id = $6",
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

    pub async fn add_entry(
        conn: &mut Conn,
        user: &UserKey,
        entry: &CalendarEntry,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO calendar_entries \
               (tenant_id, user_id, entry_id, start_at, end_at, show_as, subject) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
    pub async fn remove_entry(
        conn: &mut Conn,
        user: &UserKey,
        entry_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let deleted = sqlx::query(
            "DELETE FROM calendar_entries WHERE tenant_id = $1 AND user_id = $2 AND entry_id = $3",
        )
        .bind(&user.tenant)
        .bind(&user.user)
        .bind(entry_id)
        .execute(conn)
        .await?;
        Ok(deleted.rows_affected() > 0)
    }
}
