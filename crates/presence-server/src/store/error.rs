//! The one error type of writes, whatever the backend.

use std::sync::Arc;

/// A failed write; cloneable because one failed commit fails every write of its batch.
#[derive(Debug, Clone, thiserror::Error)]
#[error("database write failed: {0}")]
pub struct StoreError(Arc<sqlx::Error>);

impl StoreError {
    pub(super) fn stopped() -> Self {
        Self(Arc::new(sqlx::Error::PoolClosed))
    }

    /// The database's error behind this one.
    pub fn cause(&self) -> &sqlx::Error {
        &self.0
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self(Arc::new(error))
    }
}
