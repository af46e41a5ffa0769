//! The one error type of the store, reads and writes alike, whatever the backend, and what
//! kind of failure it is. The database driver's errors and codes stay inside the store:
//! callers see a [`StoreError`] and its [`Failure`].

use std::sync::Arc;

/// A failed read or write; cloneable because one failed commit fails every write of its
/// batch.
#[derive(Debug, Clone, thiserror::Error)]
#[error("database operation failed: {error}")]
pub struct StoreError {
    error: Arc<sqlx::Error>,
    /// Set when the transaction could not be committed (or made durable): nothing the write
    /// asked for was refused, the database could not keep it.
    not_committed: bool,
}

/// What a failed write means for the client (see [`StoreError::failure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The disk (or the database's size limit) is full: `507 insufficientStorage`.
    NoSpace,
    /// The database cannot take writes just now (unreachable, locked, read-only, an I/O
    /// error, a commit that failed): `503 serviceNotAvailable`, to be retried.
    Unavailable,
    /// Anything else: a failure of the server's own (`500`).
    Internal,
}

impl StoreError {
    pub(super) fn stopped() -> Self {
        Self::from(sqlx::Error::PoolClosed)
    }

    /// `error` ended a transaction before it was committed, or after it but before it was
    /// on disk: whatever it is, nothing was acknowledged and the client may try again.
    pub(super) fn not_committed(error: sqlx::Error) -> Self {
        Self {
            error: Arc::new(error),
            not_committed: true,
        }
    }

    /// The database's error behind this one.
    pub fn cause(&self) -> &sqlx::Error {
        &self.error
    }

    /// What kind of failure this is, for the answer's status.
    pub fn failure(&self) -> Failure {
        if no_space(&self.error) {
            Failure::NoSpace
        } else if self.not_committed || transient(&self.error) {
            Failure::Unavailable
        } else {
            Failure::Internal
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self {
            error: Arc::new(error),
            not_committed: false,
        }
    }
}

/// SQLite's primary result code of `error`, if it is SQLite's (extended codes keep the
/// primary one in their low byte).
fn sqlite_code(error: &sqlx::Error) -> Option<i64> {
    let sqlx::Error::Database(db) = error else {
        return None;
    };
    db.try_downcast_ref::<sqlx::sqlite::SqliteError>()?;
    db.code()?.parse::<i64>().ok().map(|code| code & 0xff)
}

/// The code of a PostgreSQL error.
fn postgres_code(error: &sqlx::Error) -> Option<String> {
    let sqlx::Error::Database(db) = error else {
        return None;
    };
    db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
    db.code().map(|code| code.into_owned())
}

/// SQLite's `SQLITE_FULL`, PostgreSQL's `disk_full` (53100), or the system's `ENOSPC`.
pub(crate) fn no_space(error: &sqlx::Error) -> bool {
    const SQLITE_FULL: i64 = 13;
    match error {
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => {
            sqlite_code(error) == Some(SQLITE_FULL)
                || postgres_code(error).as_deref() == Some("53100")
        }
    }
}

/// Failures that say nothing about the write itself: the database could not be reached or
/// could not take it just now.
pub(crate) fn transient(error: &sqlx::Error) -> bool {
    // BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT is not transient, CANTOPEN, PROTOCOL.
    const SQLITE_TRANSIENT: [i64; 7] = [5, 6, 7, 8, 10, 14, 15];
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => true,
        sqlx::Error::Database(_) => {
            if let Some(code) = sqlite_code(error) {
                return SQLITE_TRANSIENT.contains(&code);
            }
            postgres_code(error).is_some_and(|code| {
                code.starts_with("08")
                    || code.starts_with("53")
                    || ["57P01", "57P02", "57P03", "40001", "40P01"].contains(&&*code)
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_no_space_and_a_failed_commit_is_unavailable() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(
            StoreError::from(sqlx::Error::Io(full)).failure(),
            Failure::NoSpace
        );
        let other = sqlx::Error::Protocol("odd".into());
        assert_eq!(StoreError::from(other).failure(), Failure::Internal);
        let other = sqlx::Error::Protocol("odd".into());
        assert_eq!(
            StoreError::not_committed(other).failure(),
            Failure::Unavailable
        );
    }

    #[test]
    fn an_unreachable_database_is_unavailable_to_retry_not_internal() {
        for error in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        ] {
            assert_eq!(StoreError::from(error).failure(), Failure::Unavailable);
        }
        assert_eq!(
            StoreError::from(sqlx::Error::RowNotFound).failure(),
            Failure::Internal
        );
    }
}
