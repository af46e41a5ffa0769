//! The databases the benchmark runs against: created by the server itself (so the schema is
//! the migrated one), then filled inside the database with one statement per table.

use std::path::Path;

use anyhow::Context;
use sqlx::{Connection, PgConnection, SqliteConnection};

use super::target::Database;

/// Tenant of every generated row: the tenant of the benchmark's token.
pub const TENANT: &str = "default";

/// A population of users, each with the same number of sessions.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub users: u32,
    pub sessions_per_user: u32,
}

impl Dataset {
    /// An almost empty database: 100 users, with as many sessions each as in the large one,
    /// so that the two differ in size only and not in the work one read does.
    pub fn small(sessions_per_user: u32) -> Self {
        Self::new(100, sessions_per_user)
    }

    pub fn large(users: u32, sessions_per_user: u32) -> Self {
        Self::new(users, sessions_per_user)
    }

    fn new(users: u32, sessions_per_user: u32) -> Self {
        Self {
            name: format!("{users} users, {} sessions", users * sessions_per_user),
            users,
            sessions_per_user,
        }
    }

    pub fn sessions(&self) -> u64 {
        u64::from(self.users) * u64::from(self.sessions_per_user)
    }

    /// Fills the (migrated, empty) database. User `i` is `user-000000i` (as
    /// `xtask/bench/scenario.lua` names them); its sessions are
    /// `app-00`, `app-01`, …; all are Busy/InACall (no fading) for four hours.
    pub async fn populate(&self, database: &Database) -> anyhow::Result<()> {
        match database {
            Database::Sqlite(data_dir) => self.populate_sqlite(data_dir).await,
            Database::Postgres(url) => self.populate_postgres(url).await,
        }
    }

    async fn populate_postgres(&self, url: &str) -> anyhow::Result<()> {
        let mut db = PgConnection::connect(url)
            .await
            .context("cannot open the database")?;
        let now = jiff::Timestamp::now().as_millisecond();
        let expires = now + 4 * 3_600_000;
        let mut tx = db.begin().await?;
        sqlx::query(
            "INSERT INTO presence_users (tenant_id, user_id, changed_at) \
             SELECT $1, 'user-' || lpad(i::text, 7, '0'), $2 \
             FROM generate_series(0, $3 - 1) AS i",
        )
        .bind(TENANT)
        .bind(now)
        .bind(i64::from(self.users))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO presence_sessions \
               (tenant_id, user_id, session_id, availability, activity, refreshed_at, expires_at) \
             SELECT $1, 'user-' || lpad((i % $2)::text, 7, '0'), \
                    'app-' || lpad((i / $2)::text, 2, '0'), 'Busy', 'InACall', $3, $4 \
             FROM generate_series(0, $5 - 1) AS i",
        )
        .bind(TENANT)
        .bind(i64::from(self.users))
        .bind(now)
        .bind(expires)
        .bind(i64::try_from(self.sessions()).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sqlx::query("VACUUM ANALYZE").execute(&mut db).await?;
        db.close().await?;
        Ok(())
    }

    async fn populate_sqlite(&self, data_dir: &Path) -> anyhow::Result<()> {
        let url = format!("sqlite://{}", data_dir.join("presence.db").display());
        let mut db = SqliteConnection::connect(&url)
            .await
            .context("cannot open the database")?;
        let now = jiff::Timestamp::now().as_millisecond();
        let expires = now + 4 * 3_600_000;
        let mut tx = db.begin().await?;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1) \
             INSERT INTO presence_users (tenant_id, user_id, changed_at) \
             SELECT ?2, printf('user-%07d', i), ?3 FROM n",
        )
        .bind(self.users)
        .bind(TENANT)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1) \
             INSERT INTO presence_sessions \
               (tenant_id, user_id, session_id, availability, activity, refreshed_at, expires_at) \
             SELECT ?2, printf('user-%07d', i % ?3), printf('app-%02d', i / ?3), \
                    'Busy', 'InACall', ?4, ?5 FROM n",
        )
        .bind(i64::try_from(self.sessions()).unwrap_or(i64::MAX))
        .bind(TENANT)
        .bind(self.users)
        .bind(now)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut db)
            .await?;
        db.close().await?;
        Ok(())
    }
}
