//! Public keys from a JWKS file (what an identity provider publishes): RS256 and ES256.

use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, bail};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};

/// One verification key of the set.
#[derive(Clone)]
pub struct PublicKey {
    /// The `kid` tokens name the key by; a token without `kid` may use the only key.
    pub kid: Option<String>,
    pub algorithm: Algorithm,
    pub key: DecodingKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// Reads every usable key of a JWKS file. Keys of other types (symmetric, EdDSA, P-384)
/// are refused, so a misconfiguration shows at start-up rather than as 401s.
pub fn load(path: &Path) -> anyhow::Result<Vec<PublicKey>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let set: JwkSet = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a JWKS document", path.display()))?;
    let mut keys = Vec::with_capacity(set.keys.len());
    for jwk in &set.keys {
        let kid = jwk.common.key_id.clone();
        let inferred = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
                Algorithm::ES256
            }
            _ => bail!(
                "{}: key {kid:?} is neither RSA nor EC P-256",
                path.display()
            ),
        };
        let algorithm = match jwk.common.key_algorithm {
            Some(declared) => Algorithm::from_str(&declared.to_string())
                .with_context(|| format!("key {kid:?}: unsupported algorithm {declared}"))?,
            None => inferred,
        };
        if !matches!(algorithm, Algorithm::RS256 | Algorithm::ES256) {
            bail!("key {kid:?}: only RS256 and ES256 keys are supported, not {algorithm:?}");
        }
        let key = DecodingKey::from_jwk(jwk).with_context(|| format!("key {kid:?} is invalid"))?;
        keys.push(PublicKey {
            kid,
            algorithm,
            key,
        });
    }
    if keys.is_empty() {
        bail!("{} has no keys", path.display());
    }
    Ok(keys)
}
