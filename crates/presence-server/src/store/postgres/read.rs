//! Reading users' state on PostgreSQL: the same one-row-per-user shape as on SQLite.

use std::collections::HashMap;

use crate::engine::UserState;
use crate::store::decode::user_state;
use crate::store::shared::users::user_columns;

/// One primary-key probe per id, whatever the planner knows of the table: each id looks up
/// its own row in a subquery that `OFFSET 0` keeps from being flattened into a join. Why:
/// reads run on generic plans (planning each execution cost PostgreSQL more than the query),
/// and `user_id = ANY($2)`'s generic plan, made while the table was small, scanned the
/// tenant's users and filtered them, long after the table had grown. With sequential scans
/// off on the read connections, a probe by the primary key is the only plan left.
const SELECT_USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM unnest($2::text[]) AS ids(id) CROSS JOIN LATERAL \
     (SELECT * FROM presence_users p WHERE p.tenant_id = $1 AND p.user_id = ids.id OFFSET 0) u"
);

/// The state of each of `users` that has any, keyed by user id, on any connection (writes use
/// it inside their transactions).
pub(super) async fn fetch_users<'c, E>(
    executor: E,
    tenant: &str,
    users: &[String],
) -> Result<HashMap<String, UserState>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Postgres>,
{
    let rows = sqlx::query(SELECT_USERS)
        .bind(tenant)
        .bind(users)
        .fetch_all(executor)
        .await?;
    rows.iter().map(user_state).collect()
}

#[cfg(test)]
mod tests {
    use presence_test_support::{Backend, backend, database_url_for};

    use super::*;

    /// On statistics of empty tables (what a fresh database has until autovacuum's first
    /// ANALYZE), the user read's plan on the read connections is still one primary-key probe
    /// per id: no scan of a table, no scan of a tenant's users.
    #[tokio::test]
    async fn a_user_read_probes_the_primary_key_per_id_whatever_the_statistics_say() {
        if backend() != Backend::Postgres {
            eprintln!("needs PostgreSQL (PRESENCE_TEST_POSTGRES)");
            return;
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = database_url_for(dir.path()).await;
        let store =
            super::super::PgStore::open(&url, 1, std::time::Duration::from_secs(10), 1 << 20)
                .await
                .expect("opened");
        let mut connection = store.reads.acquire().await.expect("a read connection");
        sqlx::query("ANALYZE presence_users, presence_sessions")
            .execute(&mut *connection)
            .await
            .expect("analysed");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "PREPARE probe(text, text[]) AS {SELECT_USERS}"
        )))
        .execute(&mut *connection)
        .await
        .expect("prepared");
        let plan: Vec<String> =
            sqlx::query_scalar("EXPLAIN EXECUTE probe('t', ARRAY['a', 'b', 'c'])")
                .fetch_all(&mut *connection)
                .await
                .expect("explained");
        let plan = plan.join("\n");
        assert!(!plan.contains("Seq Scan"), "{plan}");
        assert!(
            plan.contains("presence_users_pkey")
                && plan.contains("(tenant_id = $1) AND (user_id = ids.id)"),
            "one probe by the whole key per id:\n{plan}"
        );
        drop(connection);
        store.close().await;
    }
}
