//! What a benchmark run's servers store their state in: the embedded SQLite file, or one
//! PostgreSQL database shared by one or two instances.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context;
use sqlx::{Connection, PgConnection};

use crate::postgres::Cluster;

/// A backend and how many server instances share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Sqlite,
    Postgres { instances: usize },
}

impl Target {
    pub fn name(self) -> String {
        match self {
            Target::Sqlite => "SQLite".to_owned(),
            Target::Postgres { instances: 1 } => "PostgreSQL, 1 instance".to_owned(),
            Target::Postgres { instances } => format!("PostgreSQL, {instances} instances"),
        }
    }

    pub fn instances(self) -> usize {
        match self {
            Target::Sqlite => 1,
            Target::Postgres { instances } => instances,
        }
    }
}

/// One run's (fresh) database.
pub enum Database {
    /// `presence.db` in this data directory.
    Sqlite(PathBuf),
    /// The URL of a database created for the run.
    Postgres(String),
}

impl Database {
    /// A fresh database for `target`: a file in `data_dir`, or a new database on `cluster`.
    pub fn create(
        target: Target,
        data_dir: &Path,
        cluster: Option<&Cluster>,
    ) -> anyhow::Result<Self> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        match target {
            Target::Sqlite => Ok(Database::Sqlite(data_dir.to_owned())),
            Target::Postgres { .. } => {
                let cluster = cluster.context("a PostgreSQL target needs a cluster")?;
                let name = format!("bench_{}", NEXT.fetch_add(1, Ordering::Relaxed));
                cluster.create_database(&name)?;
                Ok(Database::Postgres(cluster.url(&name)))
            }
        }
    }

    /// The `--database-url` to give the servers (none: the data directory's default).
    pub fn url(&self) -> Option<&str> {
        match self {
            Database::Sqlite(_) => None,
            Database::Postgres(url) => Some(url),
        }
    }

    /// Bytes on disk: the SQLite file and its WAL, or PostgreSQL's size of the database.
    pub async fn size(&self) -> anyhow::Result<u64> {
        match self {
            Database::Sqlite(dir) => Ok(super::server::database_size(dir)),
            Database::Postgres(url) => {
                let mut db = PgConnection::connect(url).await?;
                let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(&mut db)
                    .await?;
                db.close().await?;
                Ok(u64::try_from(size).unwrap_or(0))
            }
        }
    }
}
