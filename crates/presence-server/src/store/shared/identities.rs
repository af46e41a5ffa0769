//! The authority's applications and test users (`store::identities`): their SQL, the same
//! on both backends.

use crate::store::identities::{self, ApplicationRecord, UserRecord};

super::for_each_backend! {
    /// Adds or replaces `applications` (their credentials replaced whole) and `users`.
    pub async fn put(
        conn: &mut Conn,
        applications: &[ApplicationRecord],
        users: &[UserRecord],
    ) -> Result<(), sqlx::Error> {
        for application in applications {
            let list = |items: &[String]| serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            sqlx::query(
                "INSERT INTO identity_applications (tenant_id, client_id, display_name, roles, \
             scopes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, client_id) DO UPDATE \
             SET display_name = excluded.display_name, roles = excluded.roles, scopes = \
             excluded.scopes",
            )
            .bind(&application.tenant)
            .bind(&application.client_id)
            .bind(&application.display_name)
            .bind(list(&application.roles))
            .bind(list(&application.scopes))
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM identity_credentials WHERE tenant_id = $1 AND client_id = $2")
                .bind(&application.tenant)
                .bind(&application.client_id)
                .execute(&mut *conn)
                .await?;
            for (position, kind, value) in identities::credentials(application) {
                sqlx::query(
                    "INSERT INTO identity_credentials (tenant_id, client_id, position, kind, value) \
             VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&application.tenant)
                .bind(&application.client_id)
                .bind(position)
                .bind(kind)
                .bind(value)
                .execute(&mut *conn)
                .await?;
            }
        }
        for user in users {
            sqlx::query(
                "INSERT INTO identity_users (tenant_id, user_id, user_principal_name, \
             display_name, password_hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, \
             user_id) DO UPDATE SET user_principal_name = excluded.user_principal_name, \
             display_name = excluded.display_name, password_hash = excluded.password_hash",
            )
            .bind(&user.tenant)
            .bind(&user.id)
            .bind(user.user_principal_name.to_lowercase())
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// The application `client_id` of `tenant`, with its credentials.
    pub async fn application(
        pool: &mut Conn,
        tenant: &str,
        client_id: &str,
    ) -> Result<Option<ApplicationRecord>, sqlx::Error> {
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT tenant_id, client_id, display_name, roles, scopes FROM \
             identity_applications WHERE tenant_id = $1 AND client_id = $2",
        )
        .bind(tenant)
        .bind(client_id)
        .fetch_optional(&mut *pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let credentials: Vec<(String, String)> = sqlx::query_as(
            "SELECT kind, value FROM identity_credentials WHERE tenant_id = $1 AND client_id \
             = $2 ORDER BY position",
        )
        .bind(tenant)
        .bind(client_id)
        .fetch_all(&mut *pool)
        .await?;
        identities::application(row, credentials).map(Some)
    }

    /// The user signing in as `upn` (any case), in `tenant` or, without one, in any tenant.
    pub async fn user_by_upn(
        pool: &mut Conn,
        tenant: Option<&str>,
        upn: &str,
    ) -> Result<Option<UserRecord>, sqlx::Error> {
        let upn = upn.to_lowercase();
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT tenant_id, user_id, user_principal_name, display_name, password_hash FROM \
             identity_users WHERE user_principal_name = $1 AND (CAST($2 AS TEXT) IS NULL OR tenant_id \
             = $2) ORDER BY tenant_id LIMIT 1",
        )
        .bind(&upn)
        .bind(tenant)
        .fetch_optional(&mut *pool)
        .await?;
        Ok(row.map(
            |(tenant, id, user_principal_name, display_name, password_hash)| UserRecord {
                tenant,
                id,
                user_principal_name,
                display_name,
                password_hash,
            },
        ))
    }

    /// Every application of `tenant`, by client id, with its credentials.
    pub async fn applications(
        pool: &mut Conn,
        tenant: &str,
    ) -> Result<Vec<ApplicationRecord>, sqlx::Error> {
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT client_id FROM identity_applications WHERE tenant_id = $1 ORDER BY client_id",
        )
        .bind(tenant)
        .fetch_all(&mut *pool)
        .await?;
        let mut records = Vec::with_capacity(ids.len());
        for (client_id,) in ids {
            if let Some(record) = application(&mut *pool, tenant, &client_id).await? {
                records.push(record);
            }
        }
        Ok(records)
    }

    /// Every test user of `tenant`, by user principal name.
    pub async fn users(
        pool: &mut Conn,
        tenant: &str,
    ) -> Result<Vec<UserRecord>, sqlx::Error> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT tenant_id, user_id, user_principal_name, display_name, password_hash \
             FROM identity_users WHERE tenant_id = $1 ORDER BY user_principal_name",
        )
        .bind(tenant)
        .fetch_all(&mut *pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(tenant, id, user_principal_name, display_name, password_hash)| UserRecord {
                    tenant,
                    id,
                    user_principal_name,
                    display_name,
                    password_hash,
                },
            )
            .collect())
    }

    /// Deletes an application (and its credentials) or a user; answers whether it existed.
    pub async fn delete(
        conn: &mut Conn,
        tenant: &str,
        id: &str,
        application: bool,
    ) -> Result<bool, sqlx::Error> {
        let sql = if application {
            "DELETE FROM identity_applications WHERE tenant_id = $1 AND client_id = $2"
        } else {
            "DELETE FROM identity_users WHERE tenant_id = $1 AND user_id = $2"
        };
        let done = sqlx::query(sql).bind(tenant).bind(id).execute(conn).await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether some tenant registered the application `client_id`.
    pub async fn application_exists(
        pool: &mut Conn,
        client_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT tenant_id FROM identity_applications WHERE client_id = $1 LIMIT 1")
                .bind(client_id)
                .fetch_optional(&mut *pool)
                .await?;
        Ok(found.is_some())
    }
}
