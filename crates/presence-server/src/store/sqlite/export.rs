//! Reading everything, for `GET /admin/export`.

use jiff::Timestamp;

use super::SqliteStore;
use super::read::SELECT_ALL_USERS;
use crate::engine::UserState;
use crate::store::decode;
use crate::store::{SubscriptionRecord, UserKey};

impl SqliteStore {
    /// Every user with a row, of every tenant, by tenant and user.
    pub async fn all_users(&self) -> Result<Vec<(UserKey, UserState)>, sqlx::Error> {
        let rows = sqlx::query(SELECT_ALL_USERS).fetch_all(&self.read).await?;
        rows.iter().map(decode::tenant_user_state).collect()
    }

    /// Every live subscription, of every tenant, by tenant and id.
    pub async fn all_subscriptions(
        &self,
        now: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        crate::store::shared::subscriptions::sqlite::all_subscriptions(
            &mut *self.read.acquire().await?,
            now,
        )
        .await
    }
}
