//! The server's signing key, kept with the data (`crate::signing`).

use jiff::Timestamp;

use crate::store::codec::to_millis;

/// Adds a key unless there is one already: the first stored is the one every instance uses
/// (the writer serialises racing starts).
pub(super) async fn add(
    conn: &mut sqlx::SqliteConnection,
    kid: &str,
    pem: &str,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, private_key_pem, created_at) \
         SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM signing_keys)",
    )
    .bind(kid)
    .bind(pem)
    .bind(to_millis(now))
    .execute(conn)
    .await
    .map(drop)
}
