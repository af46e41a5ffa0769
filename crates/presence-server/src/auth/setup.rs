//! Building the [`Authenticator`] from the command line.

use anyhow::Context;
use jsonwebtoken::DecodingKey;

use super::verify::{Authenticator, JwtVerifier};
use super::{jwks, secret};
use crate::config::{AuthMode, Config};

/// The authenticator `config` asks for. With JWT auth and neither `--jwt-secret` nor
/// `--jwks`, a secret is generated in (or read from) the data directory.
pub fn authenticator(config: &Config) -> anyhow::Result<Authenticator> {
    if config.auth == AuthMode::None {
        tracing::warn!(
            "authentication is OFF (--auth none): anyone who can reach this port can read and \
             change every presence"
        );
        return Ok(Authenticator::Disabled);
    }
    let public_keys = match &config.jwks {
        Some(path) => jwks::load(path).context("cannot load --jwks")?,
        None => Vec::new(),
    };
    let secret = match (&config.jwt_secret, public_keys.is_empty()) {
        (Some(secret), _) => Some(secret.clone()),
        (None, true) => {
            // A generated secret is per data directory, so per instance: instances sharing a
            // PostgreSQL database would each reject the others' tokens.
            anyhow::ensure!(
                !crate::store::is_postgres(&config.database_url()),
                "with a PostgreSQL database, give every instance the same keys: pass \
                 --jwt-secret (or PRESENCE_JWT_SECRET) or --jwks, or --auth none"
            );
            if config.in_memory() && config.data_dir.is_none() {
                // Nothing may touch the disk: the secret lives as long as the process.
                tracing::warn!(
                    "in memory: the token-signing secret is generated for this run and kept \
                     nowhere; to mint tokens, pass --jwt-secret, or --data-dir to keep it there"
                );
                Some(secret::generate()?)
            } else {
                Some(secret::load_or_create(&config.data_dir())?)
            }
        }
        (None, false) => None,
    };
    if let Some(secret) = &secret {
        anyhow::ensure!(
            secret.len() >= 16,
            "the JWT secret must be at least 16 characters"
        );
    }
    tracing::info!(
        hs256 = secret.is_some(),
        jwks_keys = public_keys.len(),
        issuer = config.issuer.as_deref().unwrap_or("(any)"),
        audience = config.audience.as_deref().unwrap_or("(any)"),
        "bearer tokens required"
    );
    let secret = secret
        .map(|s| DecodingKey::from_secret(s.as_bytes()))
        .transpose()
        .context("the JWT secret cannot be used as an HS256 key")?;
    Ok(Authenticator::Jwt(JwtVerifier {
        secret,
        public_keys,
        issuer: config.issuer.clone(),
        audience: config.audience.clone(),
        verified: Default::default(),
        issued_here: None,
    }))
}
