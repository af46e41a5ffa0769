//! The local certificate authority: generated once into `DATA_DIR/tls/` (`ca.pem`,
//! `ca-key.pem`), it issues the server's certificate at every start (`server.pem`,
//! `server-key.pem`), for `localhost`, `127.0.0.1`, `::1` and the `--tls-name`s given, so
//! adding a name needs no new CA and clients keep trusting the same `ca.pem`. Keys are
//! written owner-only (0600).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

/// The names every issued certificate is valid for.
pub const ALWAYS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// What [`issue`] made.
pub struct Issued {
    pub ca_path: PathBuf,
    pub certificate_der: Vec<u8>,
    pub key_der: Vec<u8>,
}

/// Issues a server certificate from the CA in `dir` (creating the CA the first time).
pub fn issue(dir: &Path, names: &[String]) -> anyhow::Result<Issued> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (ca_path, ca_key_path) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
    let ca_key = if ca_path.exists() && ca_key_path.exists() {
        let pem = std::fs::read_to_string(&ca_key_path)
            .with_context(|| format!("cannot read {}", ca_key_path.display()))?;
        KeyPair::from_pem(&pem)
            .with_context(|| format!("{} is not a key", ca_key_path.display()))?
    } else {
        let key = KeyPair::generate()?;
        let certificate = ca_params().self_signed(&key)?;
        write_private(&ca_key_path, &key.serialize_pem())?;
        std::fs::write(&ca_path, certificate.pem())
            .with_context(|| format!("cannot write {}", ca_path.display()))?;
        tracing::info!(ca = %ca_path.display(), "generated a local certificate authority");
        key
    };
    // The issuer is rebuilt from the same parameters the CA certificate was made with, so
    // the issued certificate names it exactly (and no certificate parser is needed).
    let issuer = Issuer::new(ca_params(), ca_key);
    let mut all: Vec<String> = ALWAYS.iter().map(|n| (*n).to_owned()).collect();
    for name in names {
        if !all.contains(name) {
            all.push(name.clone());
        }
    }
    let mut params = CertificateParams::new(all).context("a --tls-name is not a valid name")?;
    params
        .distinguished_name
        .push(DnType::CommonName, "presence-server");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate()?;
    let certificate = params.signed_by(&key, &issuer)?;
    write_private(&dir.join("server-key.pem"), &key.serialize_pem())?;
    std::fs::write(dir.join("server.pem"), certificate.pem())
        .with_context(|| format!("cannot write {}", dir.join("server.pem").display()))?;
    Ok(Issued {
        ca_path,
        certificate_der: certificate.der().to_vec(),
        key_der: key.serialize_der(),
    })
}

/// The CA's parameters: the same every time (its subject is what issued certificates name).
fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "presence local CA");
    name.push(DnType::OrganizationName, "presence (development only)");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2045, 1, 1);
    params
}

/// Writes a secret readable by its owner only.
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
