//! A client that sends a bearer token with every request (hand-written: progenitor generates
//! the operations, not the authentication).

use crate::Client;

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the token contains characters an HTTP header cannot carry")]
    InvalidToken,
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A client for `base_url` (including the version, e.g. `http://127.0.0.1:8465/v1.0`) that
/// sends `Authorization: Bearer {token}` on every request.
pub fn with_bearer_token(base_url: &str, token: &str) -> Result<Client, BuildError> {
    let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.trim()))
        .map_err(|_| BuildError::InvalidToken)?;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, value);
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    Ok(Client::new_with_client(base_url, http))
}
