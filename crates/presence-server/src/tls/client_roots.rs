//! Which roots the server's outgoing HTTPS trusts, and a start that survives a system with
//! none. reqwest verifies with the platform's roots (rustls-platform-verifier), and building a
//! client fails when the system has no CA certificates at all (a minimal container image
//! without `ca-certificates`); the server used to panic there. Now:
//!
//! - clients that only ever reach this server itself (`$batch`) trust exactly what they need
//!   (the local CA, or nothing over plain HTTP) and never read the system's roots;
//! - the client that reaches webhook receivers falls back to Mozilla's roots compiled into
//!   the binary (`webpki-root-certs`), with a warning, so HTTPS receivers with public
//!   certificates are still reached.

use anyhow::Context;

/// Builds the client `make` describes with the system's roots, or, when the system has
/// none, with the built-in ones (and a warning).
pub fn with_system_or_built_in_roots(
    make: impl Fn() -> reqwest::ClientBuilder,
) -> anyhow::Result<reqwest::Client> {
    super::install_crypto_provider();
    match make().build() {
        Ok(client) => Ok(client),
        Err(error) => {
            tracing::warn!(
                error = %format!("{error:#}"),
                "the system's CA certificates could not be loaded (is ca-certificates installed?); \
                 outgoing HTTPS trusts the roots built into presence-server (Mozilla's) instead"
            );
            make()
                .tls_certs_only(built_in())
                .build()
                .context("cannot build an HTTP client even with the built-in roots")
        }
    }
}

/// A client trusting only `certificates` (none: plain HTTP only).
pub fn trusting_only(
    make: impl FnOnce() -> reqwest::ClientBuilder,
    certificates: Vec<reqwest::Certificate>,
) -> anyhow::Result<reqwest::Client> {
    super::install_crypto_provider();
    make()
        .tls_certs_only(certificates)
        .build()
        .context("cannot build an HTTP client")
}

/// Mozilla's roots, as compiled into the binary.
fn built_in() -> Vec<reqwest::Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_roots_are_there() {
        assert!(super::built_in().len() > 100);
    }
}
