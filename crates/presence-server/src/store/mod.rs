//! Persistence, behind one [`Store`] with two backends. The only module that contains SQL.
//!
//! - [`sqlite`] (the default, `sqlite:` URLs): one embedded file, one server instance, all
//!   writes through a single writer task that commits in groups.
//! - [`postgres`] (`postgres:` URLs): one database shared by any number of server instances;
//!   each write is its own transaction, serialised per user by the user's row lock.
//!
//! Both run the same [`Write`]s, return the same values ([`decode`] reads both dialects' rows)
//! and keep the same invariants: a write is durable before it is acknowledged, `changed_at`
//! (hence `sequenceNumber`) strictly increases per user, and background work (purging,
//! announcing, delivering) happens once per change.

mod codec;
mod compact_state;
mod decode;
mod error;
pub mod health;
pub mod identities;
mod postgres;
pub mod purge;
mod records;
mod shared;
mod sqlite;
pub mod state_cache;
mod warm;
mod write;

use std::collections::HashMap;

use jiff::Timestamp;

pub use error::{Failure, StoreError};
pub use records::{Encryption, Follow, PendingNotification, SubscriptionRecord, by_user};
pub use write::{Cause, Change, LocationLayer, ResetTarget, UserKey, Write, Written};

use crate::engine::UserState;

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

/// Runs the same method on whichever backend this is.
macro_rules! on_backend {
    ($store:expr, $backend:ident => $call:expr) => {
        match $store {
            Store::Sqlite($backend) => $call,
            Store::Postgres($backend) => $call,
        }
    };
}

/// Runs the read `shared::$module::<backend>::$function` (SQL written once for both
/// backends, `store/shared/`) on a read connection of whichever backend `$store` is.
macro_rules! shared_read {
    ($store:expr, $module:ident :: $function:ident ( $($arg:expr),* )) => {
        match $store {
            Store::Sqlite(store) => {
                let mut connection = store.read_connection().await?;
                shared::$module::sqlite::$function(&mut connection, $($arg),*).await?
            }
            Store::Postgres(store) => {
                let mut connection = store.read_connection().await?;
                shared::$module::postgres::$function(&mut connection, $($arg),*).await?
            }
        }
    };
}

impl Store {
    /// Opens and migrates the database `url` names: `postgres://` or `postgresql://` for
    /// PostgreSQL (with a pool of `connections`), anything else (`sqlite:`) for SQLite (with
    /// users' state kept in memory up to about `state_cache_bytes`: `sqlite::state_cache`;
    /// instances sharing a PostgreSQL database cannot keep one; a request waits at most
    /// `timeout` for one of its connections).
    pub async fn open(
        url: &str,
        connections: u32,
        state_cache_bytes: usize,
        timeout: std::time::Duration,
    ) -> anyhow::Result<Self> {
        if is_postgres(url) {
            Ok(Store::Postgres(
                postgres::PgStore::open(url, connections, timeout, state_cache_bytes).await?,
            ))
        } else {
            Ok(Store::Sqlite(
                sqlite::SqliteStore::open(url, state_cache_bytes).await?,
            ))
        }
    }

    /// Applies one write durably; resolves once it is committed.
    pub async fn write(&self, write: Write) -> Result<Written, StoreError> {
        Ok(on_backend!(self, store => store.write(write).await)?)
    }

    /// Users whose state changes from now on, as each change commits (on PostgreSQL, changes
    /// made through any instance).
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<Change> {
        on_backend!(self, store => store.changes())
    }

    /// One user's state; the default (empty) state for a user never written.
    pub async fn load_user(&self, tenant: &str, user: &str) -> Result<UserState, StoreError> {
        let ids = [user.to_owned()];
        let mut states = self.load_users(tenant, &ids).await?;
        Ok(states.remove(user).unwrap_or_default())
    }

    /// [`Store::load_user`] without a copy when SQLite holds the state in memory: what a
    /// presence read needs (it only looks at the state).
    pub async fn load_user_shared(
        &self,
        tenant: &str,
        user: &str,
    ) -> Result<std::sync::Arc<UserState>, StoreError> {
        match self {
            Store::Sqlite(store) => Ok(store.load_user_shared(tenant, user).await?),
            Store::Postgres(_) => Ok(std::sync::Arc::new(self.load_user(tenant, user).await?)),
        }
    }

    /// The state of each of `users` that has any, keyed by user id, in one query. (Every
    /// write to a user, sessions included, creates the user's row, so users without a row
    /// have no state at all.)
    pub async fn load_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, StoreError> {
        Ok(on_backend!(self, store => store.load_users(tenant, users).await)?)
    }

    /// As [`Store::load_users`], except that what is read from the database is not kept in
    /// memory: for a reader that passes over every written user once (the change history),
    /// which would otherwise push out the users clients read. On PostgreSQL it reads the
    /// database without a fence (the users it reads were just forgotten anyway).
    pub async fn peek_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, StoreError> {
        Ok(on_backend!(self, store => store.peek_users(tenant, users).await)?)
    }

    /// The live subscriptions of `tenant` made by `application` (all of the tenant's with
    /// `None`), oldest first.
    pub async fn list_subscriptions(
        &self,
        tenant: &str,
        application: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, StoreError> {
        Ok(shared_read!(
            self,
            subscriptions::list_subscriptions(tenant, application, now)
        ))
    }

    /// One live subscription of `tenant`.
    pub async fn get_subscription(
        &self,
        tenant: &str,
        id: &str,
        now: Timestamp,
    ) -> Result<Option<SubscriptionRecord>, StoreError> {
        Ok(shared_read!(
            self,
            subscriptions::get_subscription(tenant, id, now)
        ))
    }

    /// Live subscriptions with a lifecycle URL that owe a `reauthorizationRequired`: those
    /// that expire by `expiring_by` (server clock) or whose token's access lapses by
    /// `access_lapsing_by` (wall clock), and were not told since their last renewal.
    pub async fn reauthorization_due(
        &self,
        now: Timestamp,
        expiring_by: Timestamp,
        access_lapsing_by: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, StoreError> {
        Ok(shared_read!(
            self,
            subscriptions::reauthorization_due(now, expiring_by, access_lapsing_by)
        ))
    }

    /// The authority's application `client_id` of `tenant`, with its credentials.
    pub async fn application(
        &self,
        tenant: &str,
        client_id: &str,
    ) -> Result<Option<identities::ApplicationRecord>, StoreError> {
        if !storable([tenant, client_id]) {
            return Ok(None);
        }
        Ok(shared_read!(
            self,
            identities::application(tenant, client_id)
        ))
    }

    /// Whether some tenant registered the application `client_id`.
    pub async fn application_exists(&self, client_id: &str) -> Result<bool, StoreError> {
        if storable([client_id]) {
            Ok(shared_read!(
                self,
                identities::application_exists(client_id)
            ))
        } else {
            Ok(false)
        }
    }

    /// Every application of `tenant`, by client id.
    pub async fn applications(
        &self,
        tenant: &str,
    ) -> Result<Vec<identities::ApplicationRecord>, StoreError> {
        if !storable([tenant]) {
            return Ok(Vec::new());
        }
        Ok(shared_read!(self, identities::applications(tenant)))
    }

    /// Every test user of `tenant`, by user principal name.
    pub async fn users(&self, tenant: &str) -> Result<Vec<identities::UserRecord>, StoreError> {
        if !storable([tenant]) {
            return Ok(Vec::new());
        }
        Ok(shared_read!(self, identities::users(tenant)))
    }

    /// The authority's test user signing in as `upn` (any case), in `tenant` or any.
    pub async fn user_by_upn(
        &self,
        tenant: Option<&str>,
        upn: &str,
    ) -> Result<Option<identities::UserRecord>, StoreError> {
        if !storable([tenant.unwrap_or_default(), upn]) {
            return Ok(None);
        }
        Ok(shared_read!(self, identities::user_by_upn(tenant, upn)))
    }

    /// The server's signing key, as (key id, PKCS#8 PEM): the oldest stored.
    pub async fn signing_key(&self) -> Result<Option<(String, String)>, StoreError> {
        Ok(shared_read!(self, signing_keys::oldest()))
    }

    /// Every followed user of every live subscription, with what was last announced.
    pub async fn follows(&self, now: Timestamp) -> Result<Vec<Follow>, StoreError> {
        Ok(shared_read!(self, subscriptions::follows(now)))
    }

    /// The oldest undelivered notification of each subscription whose next attempt is due
    /// (wall clock `due`), each claimed for the caller until `lease_until`: a claimed head is
    /// not due, so neither it nor (out of order) the notification behind it is handed out
    /// again until the caller records the outcome, or dies and the lease runs out.
    pub async fn claim_due_notifications(
        &self,
        due: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Vec<PendingNotification>, StoreError> {
        match self {
            Store::Sqlite(store) => store.claim_due_notifications(due, lease_until).await,
            Store::Postgres(store) => Ok(store.claim_due_notifications(due, lease_until).await?),
        }
    }

    /// Up to `limit` ids of `tenant`'s users with a row, after `after`, in order (a page).
    pub async fn user_ids(
        &self,
        tenant: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        Ok(on_backend!(self, store => store.user_ids(tenant, after, limit).await)?)
    }

    /// Notifications waiting for delivery (for the metrics).
    pub async fn outbox_depth(&self) -> Result<i64, StoreError> {
        Ok(on_backend!(self, store => store.outbox_depth().await)?)
    }

    /// What the database holds, across tenants (`GET /admin/info`).
    pub async fn counts(&self, now: Timestamp) -> Result<presence_model::ServerCounts, StoreError> {
        Ok(shared_read!(self, counts::counts(now)))
    }

    /// Every user with a row, of every tenant, by tenant and user (`GET /admin/export`).
    pub async fn all_users(&self) -> Result<Vec<(UserKey, UserState)>, StoreError> {
        Ok(shared_read!(self, users::all_users()))
    }

    /// Every live subscription, of every tenant, by tenant and id.
    pub async fn all_subscriptions(
        &self,
        now: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, StoreError> {
        Ok(shared_read!(self, subscriptions::all_subscriptions(now)))
    }

    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Whether the database answers, and (on SQLite) whether writes commit.
    pub async fn health(&self) -> Result<(), Unhealthy> {
        match self {
            Store::Sqlite(store) => store.health().await,
            Store::Postgres(store) => store.ping().await.map_err(Unhealthy::Unreachable),
        }
    }

    /// Finishes queued writes, then closes every connection.
    pub async fn close(&self) {
        on_backend!(self, store => store.close().await)
    }
}

/// Why the store is not healthy (`/healthz`).
#[derive(Debug)]
pub enum Unhealthy {
    /// The database does not answer.
    Unreachable(sqlx::Error),
    /// Writes cannot commit (a full disk, an I/O error).
    Writes(health::Problem),
}

/// Whether every text could be stored, so could match a stored one: PostgreSQL's text cannot
/// hold a NUL character (a query with one fails), and nothing stored holds one. The
/// authority's look-ups take names from anyone (form fields, paths): such a name simply
/// matches nothing.
fn storable<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    texts.into_iter().all(|text| !text.contains('\0'))
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}
