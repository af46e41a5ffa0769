//! The SQL of a notification's delivery outcome, the same on both backends. (Claiming the
//! due heads differs: a read and a lease on SQLite, one `SKIP LOCKED` statement on
//! PostgreSQL; see each backend's `subscriptions.rs`.)

use jiff::Timestamp;

use crate::store::codec::to_millis;

super::for_each_backend! {
    /// The notification leaves the outbox: delivered, or given up.
    pub async fn remove_notification(conn: &mut Conn, outbox_id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM notification_outbox WHERE id = $1")
            .bind(outbox_id)
            .execute(conn)
            .await
            .map(drop)
    }

    /// Delivery failed: the notification is tried again at `retry_at`, or with `None` (out
    /// of attempts) given up.
    pub async fn delivery_failed(
        conn: &mut Conn,
        outbox_id: i64,
        retry_at: Option<Timestamp>,
    ) -> Result<(), sqlx::Error> {
        let Some(at) = retry_at else {
            return remove_notification(conn, outbox_id).await;
        };
        sqlx::query(
            "UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = $1 \
             WHERE id = $2",
        )
        .bind(to_millis(at))
        .bind(outbox_id)
        .execute(conn)
        .await
        .map(drop)
    }
}
