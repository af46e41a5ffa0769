//! The local certificate authority: generated into `DATA_DIR/tls/` (`ca.pem`, `ca-key.pem`),
//! it issues the server's certificate at every start (`server.pem`, `server-key.pem`), for
//! `localhost`, `127.0.0.1`, `::1` and the `--tls-name`s given. Keys are written owner-only
//! (0600).
//!
//! **Invariant: the CA can vouch for this server's names only.** It carries name constraints
//! (DNS: `localhost` and the `--tls-name`s; IP: the loopback networks and any address given
//! as a name), so its key, if it leaked, could not sign for a bank whose clients trust
//! `ca.pem`; the names it was made for are kept beside it (`ca-names`), and a start that asks
//! for a name outside them makes a new CA (clients then trust the new `ca.pem`; a warning
//! says so). The server's certificate is valid for at most 397 days, the browsers' limit
//! (it is issued anew at every start anyway).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints,
};

/// Days the server's certificate is valid: within the 398 browsers accept.
const LEAF_DAYS: i64 = 396;

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
    let names_path = dir.join("ca-names");
    let mut all: Vec<String> = ALWAYS.iter().map(|n| (*n).to_owned()).collect();
    for name in names {
        let name = name.to_ascii_lowercase();
        if !all.contains(&name) {
            all.push(name);
        }
    }
    // The names the existing CA is constrained to; none for a CA made before constraints.
    let covered: Vec<String> = std::fs::read_to_string(&names_path)
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    let reusable =
        ca_path.exists() && ca_key_path.exists() && all.iter().all(|name| covered.contains(name));
    let ca_key = if reusable {
        let pem = std::fs::read_to_string(&ca_key_path)
            .with_context(|| format!("cannot read {}", ca_key_path.display()))?;
        KeyPair::from_pem(&pem)
            .with_context(|| format!("{} is not a key", ca_key_path.display()))?
    } else {
        if ca_path.exists() {
            tracing::warn!(
                ca = %ca_path.display(),
                "made a new local CA, constrained to the names asked for: clients must trust the new one"
            );
        }
        let key = KeyPair::generate()?;
        let mut params = ca_params();
        params.name_constraints = Some(constraints(&all));
        let certificate = params.self_signed(&key)?;
        write_private(&ca_key_path, &key.serialize_pem())?;
        std::fs::write(&ca_path, certificate.pem())
            .with_context(|| format!("cannot write {}", ca_path.display()))?;
        std::fs::write(&names_path, all.join("\n"))
            .with_context(|| format!("cannot write {}", names_path.display()))?;
        tracing::info!(ca = %ca_path.display(), "generated a local certificate authority");
        key
    };
    // The issuer is rebuilt from the same parameters the CA certificate was made with, so
    // the issued certificate names it exactly (and no certificate parser is needed).
    let issuer = Issuer::new(ca_params(), ca_key);
    let mut params = CertificateParams::new(all).context("a --tls-name is not a valid name")?;
    params
        .distinguished_name
        .push(DnType::CommonName, "presence-server");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let today = jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let from = today.yesterday().unwrap_or(today);
    let until = from
        .checked_add(jiff::Span::new().days(LEAF_DAYS))
        .unwrap_or(from);
    params.not_before = rcgen::date_time_ymd(
        i32::from(from.year()),
        u8::try_from(from.month()).unwrap_or(1),
        u8::try_from(from.day()).unwrap_or(1),
    );
    params.not_after = rcgen::date_time_ymd(
        i32::from(until.year()),
        u8::try_from(until.month()).unwrap_or(1),
        u8::try_from(until.day()).unwrap_or(1),
    );
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

/// The CA's name constraints: DNS names under the names given, the loopback networks, and
/// each address given as a name.
fn constraints(names: &[String]) -> NameConstraints {
    let mut permitted = vec![
        GeneralSubtree::IpAddress(CidrSubnet::from_v4_prefix([127, 0, 0, 0], 8)),
        GeneralSubtree::IpAddress(CidrSubnet::from_v6_prefix(
            std::net::Ipv6Addr::LOCALHOST.octets(),
            128,
        )),
    ];
    for name in names {
        match name.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(ip)) if !ip.is_loopback() => permitted.push(
                GeneralSubtree::IpAddress(CidrSubnet::from_v4_prefix(ip.octets(), 32)),
            ),
            Ok(std::net::IpAddr::V6(ip)) if !ip.is_loopback() => permitted.push(
                GeneralSubtree::IpAddress(CidrSubnet::from_v6_prefix(ip.octets(), 128)),
            ),
            Ok(_) => {}
            Err(_) => permitted.push(GeneralSubtree::DnsName(name.clone())),
        }
    }
    NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: Vec::new(),
    }
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
