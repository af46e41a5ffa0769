//! Which database the test servers use. By default each server gets an SQLite file in its
//! data directory (the server's own default). With `PRESENCE_TEST_POSTGRES` set to the URL
//! of a PostgreSQL server's maintenance database (`postgres://user@host:port/postgres`),
//! each server gets a fresh database of its own on that server instead, so the whole suite
//! runs against PostgreSQL (`cargo xtask test` does both).

use std::path::Path;

use sqlx::{Connection, PgConnection, SqliteConnection};

/// The environment variable naming the PostgreSQL server to test against.
pub const POSTGRES_ENV: &str = "PRESENCE_TEST_POSTGRES";

/// The backend the test servers of this run use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// How the server names it (`GET /admin/info`).
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The backend of this test run.
pub fn backend() -> Backend {
    if postgres_admin_url().is_some() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

fn postgres_admin_url() -> Option<String> {
    std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|url| !url.is_empty())
}

/// The database of a server whose data directory is `data_dir`: the SQLite file in it, or the
/// PostgreSQL database whose name is kept in it (created on first use, so a restart in the
/// same directory finds the same data).
pub async fn database_url_for(data_dir: &Path) -> String {
    let Some(admin) = postgres_admin_url() else {
        return format!("sqlite://{}", data_dir.join("presence.db").display());
    };
    let marker = data_dir.join("postgres-database");
    let name = match std::fs::read_to_string(&marker) {
        Ok(name) => name,
        Err(_) => {
            let name = format!("presence_test_{}", uuid_like());
            let mut connection = PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin} does not answer: {e}"));
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut connection)
                .await
                .expect("a test database can be created");
            connection.close().await.ok();
            std::fs::write(&marker, &name).expect("the data directory is writable");
            name
        }
    };
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// Where a server keeps its generated HS256 secret (and where `TestServer::secret` reads it).
pub const SECRET_FILE: &str = "jwt-secret";

/// Extra arguments giving a PostgreSQL-backed server its keys. A server on PostgreSQL does not
/// generate a secret per data directory (its instances would disagree), so when the test
/// relies on that default, the harness plays the operator: it writes a secret where the
/// server would have, and passes it explicitly.
pub fn shared_keys(data_dir: &Path, args: &[&str]) -> Vec<String> {
    let explicit = args.windows(2).any(|pair| pair == ["--auth", "none"])
        || args.iter().any(|a| *a == "--jwt-secret" || *a == "--jwks");
    if backend() == Backend::Sqlite || explicit {
        return Vec::new();
    }
    let path = data_dir.join(SECRET_FILE);
    let secret = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        let secret = format!("test-secret-{}", uuid_like());
        std::fs::write(&path, &secret).expect("the data directory is writable");
        secret
    });
    vec!["--jwt-secret".to_owned(), secret.trim().to_owned()]
}

/// Every stored session of a database, as (user id, session id): what a crash test compares
/// with the writes that were acknowledged.
pub async fn stored_sessions(database_url: &str) -> Vec<(String, String)> {
    const SQL: &str = "SELECT user_id, session_id FROM presence_sessions";
    if database_url.starts_with("postgres") {
        let mut db = PgConnection::connect(database_url)
            .await
            .expect("database opens");
        sqlx::query_as(SQL)
            .fetch_all(&mut db)
            .await
            .expect("sessions readable")
    } else {
        let mut db = SqliteConnection::connect(database_url)
            .await
            .expect("database opens");
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut db)
            .await
            .expect("the integrity check runs");
        assert_eq!(integrity, "ok", "the SQLite file is intact");
        sqlx::query_as(SQL)
            .fetch_all(&mut db)
            .await
            .expect("sessions readable")
    }
}

/// A name part unique across concurrent test processes.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// The server's signing key as stored (PKCS#1 PEM): what a test needs to forge the server's
/// own grants (an expired refresh token, say) and watch them be refused.
pub async fn signing_key_pem(database_url: &str) -> String {
    const SQL: &str = "SELECT private_key_pem FROM signing_keys ORDER BY created_at, kid LIMIT 1";
    if database_url.starts_with("postgres") {
        let mut db = PgConnection::connect(database_url)
            .await
            .expect("database opens");
        sqlx::query_scalar(SQL)
            .fetch_one(&mut db)
            .await
            .expect("a signing key")
    } else {
        let mut db = SqliteConnection::connect(database_url)
            .await
            .expect("database opens");
        sqlx::query_scalar(SQL)
            .fetch_one(&mut db)
            .await
            .expect("a signing key")
    }
}
