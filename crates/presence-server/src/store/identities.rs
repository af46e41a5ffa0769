//! What the store keeps about the authority's applications and test users (both backends
//! read and write these; `authority::identities` fills them from a file).

/// An application registration as stored: secrets as argon2 hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub tenant: String,
    pub client_id: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub scopes: Vec<String>,
    /// argon2 PHC strings.
    pub secret_hashes: Vec<String>,
    /// PEM certificates.
    pub certificates: Vec<String>,
}

/// A test user as stored: the password as an argon2 hash, the UPN in lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub tenant: String,
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub password_hash: String,
}

/// Both dialects' rows of `identity_credentials` for `application`: (position, kind, value).
pub(super) fn credentials(application: &ApplicationRecord) -> Vec<(i32, &'static str, &str)> {
    let secrets = application
        .secret_hashes
        .iter()
        .map(|hash| ("secret", hash.as_str()));
    let certificates = application
        .certificates
        .iter()
        .map(|pem| ("certificate", pem.as_str()));
    secrets
        .chain(certificates)
        .enumerate()
        .map(|(position, (kind, value))| (i32::try_from(position).unwrap_or(i32::MAX), kind, value))
        .collect()
}

/// An application from its row and its credential rows.
pub(super) fn application(
    (tenant, client_id, display_name, roles, scopes): (String, String, String, String, String),
    credentials: Vec<(String, String)>,
) -> Result<ApplicationRecord, sqlx::Error> {
    let list = |text: &str| -> Result<Vec<String>, sqlx::Error> {
        serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    let mut record = ApplicationRecord {
        tenant,
        client_id,
        display_name,
        roles: list(&roles)?,
        scopes: list(&scopes)?,
        secret_hashes: Vec::new(),
        certificates: Vec::new(),
    };
    for (kind, value) in credentials {
        match kind.as_str() {
            "secret" => record.secret_hashes.push(value),
            _ => record.certificates.push(value),
        }
    }
    Ok(record)
}
