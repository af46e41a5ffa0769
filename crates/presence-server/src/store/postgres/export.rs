//! Reading everything, for `GET /admin/export`.

use jiff::Timestamp;

use super::PgStore;
use super::read::SELECT_ALL_USERS;
use crate::engine::UserState;
use crate::store::codec::to_millis;
use crate::store::decode::{self, SUBSCRIPTION_COLUMNS};
use crate::store::{SubscriptionRecord, UserKey};

impl PgStore {
    /// Every user with a row, of every tenant, by tenant and user.
    pub async fn all_users(&self) -> Result<Vec<(UserKey, UserState)>, sqlx::Error> {
        let rows = sqlx::query(SELECT_ALL_USERS)
            .fetch_all(&mut *self.reads.acquire().await?)
            .await?;
        rows.iter().map(decode::tenant_user_state).collect()
    }

    /// Every live subscription, of every tenant, by tenant and id.
    pub async fn all_subscriptions(
        &self,
        now: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE expires_at > $1 \
             ORDER BY tenant_id, id"
        )))
        .bind(to_millis(now))
        .fetch_all(&mut *self.reads.acquire().await?)
        .await?;
        rows.iter().map(decode::subscription).collect()
    }
}
