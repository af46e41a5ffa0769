//! HTTPS: the server's certificate and rustls' configuration.
//!
//! With `--tls`, the server serves HTTPS on `--listen` with a certificate issued by a local
//! CA ([`local_ca`]) that is generated once into `DATA_DIR/tls/` (clients trust `ca.pem`), or
//! with the operator's own (`--tls-cert`, `--tls-key`). rustls does the TLS and rcgen the
//! certificates, with ring as the one crypto provider (rustls' default, aws-lc-rs, is slow to
//! build): every binary calls [`install_crypto_provider`] before it makes a client or a
//! server.

pub mod client_roots;
pub mod local_ca;

use std::path::{Path, PathBuf};

use anyhow::Context;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};

/// Makes ring the process's rustls provider. Idempotent; call before any TLS client or
/// server is built (reqwest panics without one).
pub fn install_crypto_provider() {
    // An error only means a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Where the server's certificate comes from.
#[derive(Debug, Clone)]
pub enum CertificateSource {
    /// Issued at start by the local CA in `dir`, for `localhost`, `127.0.0.1`, `::1` and
    /// `names`.
    LocalCa { dir: PathBuf, names: Vec<String> },
    /// The operator's certificate chain and key (PEM).
    Files { cert: PathBuf, key: PathBuf },
}

/// What a TLS listener was set up with, for the start-up log.
#[derive(Debug)]
pub struct Served {
    pub config: rustls::ServerConfig,
    /// The CA clients should trust, when it is ours.
    pub ca_path: Option<PathBuf>,
}

/// The rustls configuration for `source`: HTTP/1.1 over TLS 1.2 and 1.3.
pub fn server_config(source: &CertificateSource) -> anyhow::Result<Served> {
    install_crypto_provider();
    let (chain, key, ca_path) = match source {
        CertificateSource::LocalCa { dir, names } => {
            let issued = local_ca::issue(dir, names)?;
            (
                vec![CertificateDer::from(issued.certificate_der)],
                PrivateKeyDer::try_from(issued.key_der)
                    .map_err(|e| anyhow::anyhow!("the issued key: {e}"))?,
                Some(issued.ca_path),
            )
        }
        CertificateSource::Files { cert, key } => (read_chain(cert)?, read_key(key)?, None),
    };
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate and key do not make a TLS configuration")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Served { config, ca_path })
}

fn read_chain(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", path.display()))?;
    anyhow::ensure!(!chain.is_empty(), "{} holds no certificate", path.display());
    Ok(chain)
}

fn read_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path)
        .with_context(|| format!("{} is not a PEM private key", path.display()))
}

/// The certificate in `ca` (PEM), for a client that trusts it.
pub fn certificate(ca: &Path) -> anyhow::Result<reqwest::Certificate> {
    let pem = std::fs::read(ca).with_context(|| format!("cannot read {}", ca.display()))?;
    reqwest::Certificate::from_pem(&pem)
        .with_context(|| format!("{} is not a PEM certificate", ca.display()))
}
