//! SQL both backends run as is, written once.
//!
//! sqlx-sqlite binds `$N` placeholders by their number, as PostgreSQL does, so one text
//! serves both wherever the SQL itself is the same (standard SQL, `CAST(… AS TEXT)` rather
//! than PostgreSQL's `::text`, `ON CONFLICT … DO UPDATE`, which SQLite has too). Each file
//! here states its functions once inside [`for_each_backend!`], which makes a `sqlite` and a
//! `postgres` module of them over that backend's connection (`Conn`). What differs between
//! the dialects (the writes' hot paths, locking, JSON, the change feed) stays in
//! `store/sqlite/` and `store/postgres/`, visibly.

/// Writes `items` once for each backend: in a module `sqlite` and a module `postgres`, where
/// `Conn` names that backend's connection.
macro_rules! for_each_backend {
    ($($item:item)*) => {
        pub(in crate::store) mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            /// A connection of this backend.
            type Conn = sqlx::SqliteConnection;
            $($item)*
        }
        pub(in crate::store) mod postgres {
            #[allow(unused_imports)]
            use super::*;
            /// A connection of this backend.
            type Conn = sqlx::PgConnection;
            $($item)*
        }
    };
}
use for_each_backend;

pub(super) mod counts;
pub(super) mod identities;
pub(super) mod outbox;
pub(super) mod outlook;
pub(super) mod presence;
pub(super) mod reset;
pub(super) mod signing_keys;
pub(super) mod subscriptions;
pub(super) mod users;
