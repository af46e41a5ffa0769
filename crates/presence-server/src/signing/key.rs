//! One RSA key: generated, kept as PEM, used through jsonwebtoken.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use presence_model::JsonWebKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};

use super::SigningError;

/// Modulus size: what Entra's signing keys use.
const BITS: usize = 2048;
/// PEM label of a PKCS#1 RSA private key.
const PEM_LABEL: &str = "RSA PRIVATE KEY";

/// A private key with its id and public components.
pub struct SigningKey {
    kid: String,
    pkcs1_der: Vec<u8>,
    encoding: EncodingKey,
    n: String,
    e: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new random key (blocking: seconds of CPU in a debug build).
    pub fn generate() -> Result<Self, SigningError> {
        let key = rsa::PrivateKey::new(&mut getrandom::SysRng, BITS).map_err(key_error)?;
        Self::from_key(&key)
    }

    /// The key a PEM (`RSA PRIVATE KEY`) holds.
    pub fn from_pem(text: &str) -> Result<Self, SigningError> {
        let pem = pem::parse(text).map_err(key_error)?;
        let key = rsa::PrivateKey::from_pkcs1_der(pem.contents()).map_err(key_error)?;
        Self::from_key(&key)
    }

    fn from_key(key: &rsa::PrivateKey) -> Result<Self, SigningError> {
        let pkcs1_der = key.to_pkcs1_der().map_err(key_error)?.as_bytes().to_vec();
        let n = URL_SAFE_NO_PAD.encode(key.n_bytes());
        let e = URL_SAFE_NO_PAD.encode(key.e_bytes());
        Ok(Self {
            kid: thumbprint(&n, &e),
            encoding: EncodingKey::from_rsa_der(&pkcs1_der),
            pkcs1_der,
            n,
            e,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn to_pem(&self) -> Result<String, SigningError> {
        Ok(pem::encode(&pem::Pem::new(
            PEM_LABEL,
            self.pkcs1_der.clone(),
        )))
    }

    /// An RS256 JWT of `claims`, its header naming this key.
    pub fn sign(&self, claims: &impl serde::Serialize) -> Result<String, SigningError> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(key_error)
    }

    /// The claims of `token` if this key signed it (RS256) and it has not expired (no
    /// leeway: only the server's own, self-contained grants are read this way).
    pub fn verify<T: serde::de::DeserializeOwned>(&self, token: &str) -> Result<T, SigningError> {
        let decoding =
            jsonwebtoken::DecodingKey::from_rsa_components(&self.n, &self.e).map_err(key_error)?;
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        validation.leeway = 0;
        jsonwebtoken::decode::<T>(token, &decoding, &validation)
            .map(|data| data.claims)
            .map_err(key_error)
    }

    /// The public half as a verification key (RS256, this key's `kid`).
    pub fn public_key(&self) -> Result<crate::auth::jwks::PublicKey, SigningError> {
        Ok(crate::auth::jwks::PublicKey {
            kid: Some(self.kid.clone()),
            algorithm: Algorithm::RS256,
            key: jsonwebtoken::DecodingKey::from_rsa_components(&self.n, &self.e)
                .map_err(key_error)?,
        })
    }

    /// The public half as a JWK.
    pub fn jwk(&self) -> JsonWebKey {
        JsonWebKey {
            kty: "RSA".into(),
            use_: "sig".into(),
            kid: self.kid.clone(),
            alg: "RS256".into(),
            n: self.n.clone(),
            e: self.e.clone(),
        }
    }
}

/// RFC 7638: SHA-256 of the required members in lexicographic order, base64url.
fn thumbprint(n: &str, e: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

fn key_error(error: impl std::fmt::Display) -> SigningError {
    SigningError::Key(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_pem_and_signs_what_its_jwk_verifies() {
        let key = SigningKey::generate().expect("generate");
        let again = SigningKey::from_pem(&key.to_pem().expect("pem")).expect("parse");
        assert_eq!(again.kid(), key.kid());
        let jwk = again.jwk();
        assert_eq!((jwk.e.as_str(), jwk.kid.len()), ("AQAB", 43));
        let token = again
            .sign(&serde_json::json!({"aud": "x", "exp": 4_102_444_800_i64}))
            .expect("sign");
        let decoding = jsonwebtoken::DecodingKey::from_rsa_components(&jwk.n, &jwk.e).expect("jwk");
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.set_audience(&["x"]);
        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!(header.kid.as_deref(), Some(key.kid()));
        jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &validation)
            .expect("verifies");
    }
}
