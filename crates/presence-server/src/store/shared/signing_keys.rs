//! The server's signing key, read the same way on both backends (`crate::signing`). Adding
//! one differs (PostgreSQL takes an advisory lock first): `sqlite/signing_keys.rs`,
//! `postgres/signing_keys.rs`.

super::for_each_backend! {
    /// The oldest signing key, as (key id, PKCS#8 PEM): the one every instance signs with.
    pub async fn oldest(conn: &mut Conn) -> Result<Option<(String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT kid, private_key_pem FROM signing_keys ORDER BY created_at, kid LIMIT 1",
        )
        .fetch_optional(conn)
        .await
    }
}
