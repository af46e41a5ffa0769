//! Reading everything, for `GET /admin/export`.

use super::PgStore;
use super::read::SELECT_ALL_USERS;
use crate::engine::UserState;
use crate::store::UserKey;
use crate::store::decode;

impl PgStore {
    /// Every user with a row, of every tenant, by tenant and user.
    pub async fn all_users(&self) -> Result<Vec<(UserKey, UserState)>, sqlx::Error> {
        let rows = sqlx::query(SELECT_ALL_USERS)
            .fetch_all(&mut *self.reads.acquire().await?)
            .await?;
        rows.iter().map(decode::tenant_user_state).collect()
    }
}
