//! Client assertions (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:
//! jwt-bearer`): a JWT the application signs with the private key of a certificate registered
//! for it, as MSAL's certificate credentials send (RFC 7523; Entra's "certificate
//! credentials"). Checked: the signature against each registered certificate's key, `iss` =
//! `sub` = the client id, `aud` = this tenant's token endpoint, `exp`/`nbf`, a lifetime of at
//! most an hour, and a `jti` not seen before within its lifetime (so a captured assertion
//! cannot be replayed).

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use x509_cert::Certificate;
use x509_cert::der::Decode;

/// The RS256 verification key of a PEM certificate.
pub fn certificate_key(pem: &str) -> anyhow::Result<DecodingKey> {
    let der = pem::parse(pem.trim()).map_err(|e| anyhow::anyhow!("not a PEM certificate: {e}"))?;
    let certificate = Certificate::from_der(der.contents())
        .map_err(|e| anyhow::anyhow!("not an X.509 certificate: {e}"))?;
    let spki = certificate.tbs_certificate().subject_public_key_info();
    let algorithm = spki.algorithm.oid.to_string();
    anyhow::ensure!(
        algorithm == "1.2.840.113549.1.1.1",
        "the certificate's key is not RSA (client assertions are RS256 here)"
    );
    // For RSA, the subject public key is the PKCS#1 RSAPublicKey jsonwebtoken reads.
    let pkcs1 = spki.subject_public_key.raw_bytes().to_vec();
    Ok(DecodingKey::from_rsa_der(&pkcs1))
}

#[derive(Debug, Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    jti: String,
    /// Seconds; MSAL Python writes times as fractions.
    #[serde(deserialize_with = "seconds")]
    exp: i64,
    #[serde(default, deserialize_with = "some_seconds")]
    nbf: Option<i64>,
    #[serde(default, deserialize_with = "some_seconds")]
    iat: Option<i64>,
}

/// A NumericDate, whole or fractional, in whole seconds.
fn seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if value.is_finite() {
        // Within i64 for any date a token can carry; `as` saturates beyond.
        Ok(value.floor() as i64)
    } else {
        Err(serde::de::Error::custom("not a time"))
    }
}

fn some_seconds<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    seconds(deserializer).map(Some)
}

/// The longest lifetime an assertion may have (Entra's limit).
const MOST_LIFETIME_SECONDS: i64 = 3600;
/// Assertion ids remembered at once; past it the oldest are forgotten early.
const MOST_REMEMBERED: usize = 100_000;

/// The `jti`s of the assertions accepted, until each expires.
#[derive(Debug, Default)]
pub struct Seen(std::sync::Mutex<std::collections::HashMap<String, i64>>);

impl Seen {
    /// Records `jti` (valid until `exp`); false if it was already there.
    fn first_use(&self, jti: &str, exp: i64) -> bool {
        let now = jiff::Timestamp::now().as_second();
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= MOST_REMEMBERED {
            seen.retain(|_, until| *until + 60 >= now);
        }
        if seen.len() >= MOST_REMEMBERED {
            return false;
        }
        match seen.get(jti) {
            Some(until) if *until + 60 >= now => false,
            _ => {
                seen.insert(jti.to_owned(), exp);
                true
            }
        }
    }
}

/// Whether `assertion` was signed for `client_id` of `tenant` with one of `certificates`'
/// keys, for `tenant`'s token endpoint, for at most an hour, and is used for the first time.
pub fn verify(
    assertion: &str,
    client_id: &str,
    tenant: &str,
    certificates: &[String],
    seen: &Seen,
) -> bool {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.algorithms = vec![Algorithm::RS256, Algorithm::PS256];
    validation.validate_aud = false;
    validation.leeway = 60;
    validation.set_required_spec_claims(&["exp", "aud", "jti"]);
    certificates.iter().any(|pem| {
        let Ok(key) = certificate_key(pem) else {
            return false;
        };
        jsonwebtoken::decode::<serde_json::Value>(assertion, &key, &validation)
            .ok()
            .and_then(|data| {
                let ours = |aud: &str| token_endpoint_of(aud, tenant);
                let audience_is_our_token_endpoint = match &data.claims["aud"] {
                    serde_json::Value::String(aud) => ours(aud),
                    serde_json::Value::Array(auds) => {
                        auds.iter().filter_map(|a| a.as_str()).any(ours)
                    }
                    _ => false,
                };
                let claims: AssertionClaims = serde_json::from_value(data.claims).ok()?;
                let start = claims
                    .nbf
                    .or(claims.iat)
                    .unwrap_or_else(|| jiff::Timestamp::now().as_second());
                let short_lived = claims.exp.saturating_sub(start) <= MOST_LIFETIME_SECONDS
                    && claims
                        .exp
                        .saturating_sub(jiff::Timestamp::now().as_second())
                        <= MOST_LIFETIME_SECONDS + 60;
                let valid = audience_is_our_token_endpoint
                    && short_lived
                    && claims.iss.eq_ignore_ascii_case(client_id)
                    && claims.sub.eq_ignore_ascii_case(client_id);
                // Only a valid assertion uses up its id.
                Some(valid && seen.first_use(&claims.jti, claims.exp))
            })
            .unwrap_or(false)
    })
}

/// Whether `aud` is `tenant`'s token endpoint (on whatever host: the server may be reached
/// by several names), `…/{tenant}/oauth2/v2.0/token` or the v1 `…/{tenant}/oauth2/token`.
fn token_endpoint_of(aud: &str, tenant: &str) -> bool {
    let path = aud
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    let named = path
        .strip_suffix("/oauth2/v2.0/token")
        .or_else(|| path.strip_suffix("/oauth2/token"));
    named
        .and_then(|rest| rest.rsplit('/').next())
        .is_some_and(|segment| segment.eq_ignore_ascii_case(tenant))
}
