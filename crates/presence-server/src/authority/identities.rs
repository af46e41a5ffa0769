//! Who exists for the authority: `--identities FILE` (the `Identities` JSON shape) is checked,
//! its secrets and passwords hashed with argon2, and stored (`Write::PutIdentities`); the
//! token endpoint checks credentials against the hashes.

use std::path::Path;

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use presence_model::Identities;

use crate::store::identities::{ApplicationRecord, UserRecord};
use crate::store::{Store, Write};

/// Loads `path` into the store (adding or replacing what it names), at start-up.
pub async fn load_file(store: &Store, path: &Path) -> anyhow::Result<(usize, usize)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read --identities {}", path.display()))?;
    let identities: Identities = serde_json::from_str(&text).with_context(|| {
        format!(
            "--identities {} is not an identities document",
            path.display()
        )
    })?;
    let (applications, users) = tokio::task::spawn_blocking(move || records(&identities))
        .await
        .context("hashing the identities failed")??;
    let counts = (applications.len(), users.len());
    store
        .write(Write::PutIdentities {
            applications,
            users,
        })
        .await?;
    Ok(counts)
}

/// The records of `identities`, checked, with every secret and password hashed (blocking).
fn records(identities: &Identities) -> anyhow::Result<(Vec<ApplicationRecord>, Vec<UserRecord>)> {
    records_hashed_by(identities, hash)
}

/// [`records`], each secret and password hashed by `hash`.
pub(super) fn records_hashed_by(
    identities: &Identities,
    hash: impl Fn(&str) -> anyhow::Result<String>,
) -> anyhow::Result<(Vec<ApplicationRecord>, Vec<UserRecord>)> {
    let (mut applications, mut users) = (Vec::new(), Vec::new());
    for (t, tenant) in identities.tenants.iter().enumerate() {
        let tenant_id = id(&tenant.id).with_context(|| format!("tenants[{t}].id"))?;
        for (a, app) in tenant.applications.iter().enumerate() {
            let at = || format!("tenants[{t}].applications[{a}]");
            for (c, pem) in app.certificates.iter().enumerate() {
                crate::authority::assertion::certificate_key(pem)
                    .with_context(|| format!("{}.certificates[{c}]", at()))?;
            }
            applications.push(ApplicationRecord {
                tenant: tenant_id.clone(),
                client_id: id(&app.client_id).with_context(|| format!("{}.clientId", at()))?,
                display_name: app.display_name.clone(),
                roles: app.roles.clone(),
                scopes: app.scopes.clone(),
                secret_hashes: app
                    .secrets
                    .iter()
                    .map(|secret| hash(secret))
                    .collect::<anyhow::Result<_>>()?,
                certificates: app.certificates.clone(),
            });
        }
        for (u, user) in tenant.users.iter().enumerate() {
            let at = format!("tenants[{t}].users[{u}]");
            anyhow::ensure!(
                user.user_principal_name.contains('@'),
                "{at}.userPrincipalName must look like name@domain"
            );
            users.push(UserRecord {
                tenant: tenant_id.clone(),
                id: id(&user.id).with_context(|| format!("{at}.id"))?,
                user_principal_name: user.user_principal_name.to_lowercase(),
                display_name: user.display_name.clone(),
                password_hash: hash(&user.password)?,
            });
        }
    }
    Ok((applications, users))
}

/// An id as tokens carry it: non-empty, printable, no spaces; lowercase.
pub fn id(text: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        !text.is_empty() && text.len() <= 256 && text.chars().all(|c| c.is_ascii_graphic()),
        "'{text}' is not an id (printable, without spaces)"
    );
    Ok(text.to_lowercase())
}

/// An argon2id PHC string of `secret` (blocking).
pub fn hash(secret: &str) -> anyhow::Result<String> {
    let hashed: PasswordHash = Argon2::default()
        .hash_password(secret.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot hash a secret: {e}"))?;
    Ok(hashed.to_string())
}

/// A new client secret: 32 random bytes, base64url (43 characters).
pub fn generate_secret() -> anyhow::Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// At most this many argon2 computations at once: each takes ~19 MiB and tens of
/// milliseconds of a core by design, so unbounded concurrent sign-ins (from anyone: the token
/// endpoint needs no token) could exhaust memory and the blocking threads. Others wait.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Whether `secret` matches any of `hashes`, computed off the async threads, a few at a time.
pub async fn verify(secret: &str, hashes: Vec<String>) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    let secret = secret.to_owned();
    tokio::task::spawn_blocking(move || matches_any(&secret, &hashes))
        .await
        .unwrap_or(false)
}

/// Takes as long as [`verify`] against one hash, and is false: what an unknown user's sign-in
/// costs, so that it cannot be told from a known user's by its time.
pub async fn verify_nobody(secret: &str) -> bool {
    static NOBODY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = NOBODY
        .get_or_init(|| async {
            tokio::task::spawn_blocking(|| hash("nobody's password").unwrap_or_default())
                .await
                .unwrap_or_default()
        })
        .await
        .clone();
    let _ = verify(secret, vec![hash]).await;
    false
}

/// argon2 hashes of `secrets`, computed off the async threads, a few at a time.
pub async fn hash_all(secrets: Vec<String>) -> anyhow::Result<Vec<String>> {
    let _permit = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || secrets.iter().map(|s| hash(s)).collect())
        .await
        .context("hashing failed")?
}

/// Whether `secret` matches any of `hashes` (blocking: argon2 is meant to be slow).
pub fn matches_any(secret: &str, hashes: &[String]) -> bool {
    hashes.iter().any(|hash| {
        PasswordVerifier::<str>::verify_password(&Argon2::default(), secret.as_bytes(), hash)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_stored_hashed_and_verify() {
        let hashed = hash("s3cret").expect("hashed");
        assert!(hashed.starts_with("$argon2id$"), "{hashed}");
        assert!(!hashed.contains("s3cret"));
        assert!(matches_any("s3cret", std::slice::from_ref(&hashed)));
        assert!(!matches_any("S3cret", &[hashed]));
    }
}
