//! [`Write::Reset`](crate::store::Write::Reset) on PostgreSQL: the shared statements
//! (`shared/reset.rs`) between a lock of every user in scope and the NOTIFY that tells the
//! other instances.

use jiff::Timestamp;
use sqlx::PgConnection;

use crate::store::shared::reset::{SCOPE, postgres as shared};
use crate::store::{ResetTarget, Written};

pub(super) async fn reset(
    conn: &mut PgConnection,
    target: &ResetTarget,
    now: Timestamp,
) -> Result<Written, sqlx::Error> {
    let (tenant, user) = target.filters();
    // Users are locked in one order, so concurrent resets wait for each other instead of
    // deadlocking; single-user writes lock one row and never wait for a reset's others.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT 1 FROM presence_users WHERE {SCOPE} ORDER BY tenant_id, user_id FOR UPDATE"
    )))
    .bind(tenant)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    let written = shared::reset(conn, target, now).await?;
    match target {
        ResetTarget::User(key) => {
            super::listen::notify(conn, key, Some(crate::store::Cause::Reset)).await?;
        }
        // The users are not named: every instance forgets them all.
        _ => super::listen::notify_everyone(conn).await?,
    }
    Ok(written)
}
