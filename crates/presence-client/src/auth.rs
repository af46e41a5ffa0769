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
    #[error("the CA certificate is not PEM: {0}")]
    Certificate(reqwest::Error),
}

/// A client for `base_url` (including the version, e.g. `http://127.0.0.1:8465/v1.0`) that
/// sends `Authorization: Bearer {token}` on every request.
pub fn with_bearer_token(base_url: &str, token: &str) -> Result<Client, BuildError> {
    connect(base_url, Some(token), None)
}

/// A client for `base_url`, sending `token` as a bearer token if given, and trusting the CA
/// certificate `ca_pem` (a server started with `--tls` keeps its own in `DATA_DIR/tls/ca.pem`)
/// besides the system's roots.
pub fn connect(
    base_url: &str,
    token: Option<&str>,
    ca_pem: Option<&[u8]>,
) -> Result<Client, BuildError> {
    crate::install_crypto_provider();
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(token) = token {
        let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.trim()))
            .map_err(|_| BuildError::InvalidToken)?;
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    let certificate = ca_pem
        .map(|pem| reqwest::Certificate::from_pem(pem).map_err(BuildError::Certificate))
        .transpose()?;
    let builder = || {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .default_headers(headers.clone())
    };
    let with_system_roots = match &certificate {
        Some(certificate) => builder().tls_certs_merge([certificate.clone()]),
        None => builder(),
    };
    let http = match with_system_roots.build() {
        Ok(http) => http,
        // The system has no CA certificates (a minimal container): the server's own CA, or
        // over plain HTTP none, is all a client of a local server needs.
        Err(_) => builder().tls_certs_only(certificate).build()?,
    };
    Ok(Client::new_with_client(base_url, http))
}
