//! Reading everything, for `GET /admin/export`.

use super::SqliteStore;
use super::read::SELECT_ALL_USERS;
use crate::engine::UserState;
use crate::store::UserKey;
use crate::store::decode;

impl SqliteStore {
    /// Every user with a row, of every tenant, by tenant and user.
    pub async fn all_users(&self) -> Result<Vec<(UserKey, UserState)>, sqlx::Error> {
        let rows = sqlx::query(SELECT_ALL_USERS).fetch_all(&self.read).await?;
        rows.iter().map(decode::tenant_user_state).collect()
    }
}
