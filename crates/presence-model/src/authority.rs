//! What the server publishes as an issuer of tokens: the keys that verify its signatures.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A JSON Web Key Set (RFC 7517), as Entra's `discovery/v2.0/keys` publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JsonWebKeySet {
    pub keys: Vec<JsonWebKey>,
}

/// One RSA public key that verifies RS256 signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JsonWebKey {
    /// `RSA`.
    pub kty: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// The key id that the `kid` header of a token names (the key's RFC 7638 thumbprint).
    pub kid: String,
    /// `RS256`.
    pub alg: String,
    /// The modulus, base64url without padding.
    pub n: String,
    /// The public exponent, base64url without padding (`AQAB`).
    pub e: String,
}
