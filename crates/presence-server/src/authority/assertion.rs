//! Client assertions (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:
//! jwt-bearer`): a JWT the application signs with the private key of a certificate registered
//! for it, as MSAL's certificate credentials send (RFC 7523; Entra's "certificate
//! credentials"). Checked: the signature against each registered certificate's key, `iss` =
//! `sub` = the client id, `aud` = a token endpoint, `exp`/`nbf`.

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
}

/// Whether `assertion` was signed for `client_id` with one of `certificates`' keys.
pub fn verify(assertion: &str, client_id: &str, certificates: &[String]) -> bool {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.algorithms = vec![Algorithm::RS256, Algorithm::PS256];
    validation.validate_aud = false;
    validation.leeway = 60;
    validation.set_required_spec_claims(&["exp", "aud"]);
    certificates.iter().any(|pem| {
        let Ok(key) = certificate_key(pem) else {
            return false;
        };
        jsonwebtoken::decode::<serde_json::Value>(assertion, &key, &validation)
            .ok()
            .and_then(|data| {
                let audience_is_a_token_endpoint = match &data.claims["aud"] {
                    serde_json::Value::String(aud) => token_endpoint(aud),
                    serde_json::Value::Array(auds) => {
                        auds.iter().filter_map(|a| a.as_str()).any(token_endpoint)
                    }
                    _ => false,
                };
                let claims: AssertionClaims = serde_json::from_value(data.claims).ok()?;
                Some(
                    audience_is_a_token_endpoint
                        && claims.iss.eq_ignore_ascii_case(client_id)
                        && claims.sub.eq_ignore_ascii_case(client_id),
                )
            })
            .unwrap_or(false)
    })
}

fn token_endpoint(aud: &str) -> bool {
    let path = aud
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    path.ends_with("/oauth2/v2.0/token") || path.ends_with("/oauth2/token")
}
