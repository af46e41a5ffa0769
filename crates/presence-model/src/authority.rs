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

/// Who exists for the server's authority (`--identities FILE`): per tenant, the applications
/// that may get tokens and the test users who may sign in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Identities {
    pub tenants: Vec<TenantIdentities>,
}

/// The applications and users of one tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantIdentities {
    /// The tenant id (a GUID, as Entra's).
    pub id: String,
    #[serde(default)]
    pub applications: Vec<ApplicationRegistration>,
    #[serde(default)]
    pub users: Vec<TestUser>,
}

/// An application registration: its credentials and what it may be granted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationRegistration {
    /// The application (client) id.
    pub client_id: String,
    #[serde(default)]
    pub display_name: String,
    /// Client secrets, in plain text in the file (stored hashed).
    #[serde(default)]
    pub secrets: Vec<String>,
    /// PEM certificates whose keys may sign client assertions.
    #[serde(default)]
    pub certificates: Vec<String>,
    /// Application permissions granted (`Presence.ReadWrite.All`…): an app token's `roles`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Delegated scopes the application may request for a user (`Presence.Read`…).
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A user who may sign in (password, device code, authorization code).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestUser {
    /// The user's object id (a delegated token's `oid`).
    pub id: String,
    pub user_principal_name: String,
    #[serde(default)]
    pub display_name: String,
    /// In plain text in the file (stored hashed).
    #[serde(default)]
    pub password: String,
}

/// A successful answer of the token endpoint, shaped as Entra's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// `Bearer`.
    pub token_type: String,
    pub expires_in: u32,
    pub ext_expires_in: u32,
    pub access_token: String,
    /// The scopes granted, space-separated.
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// For a user's token: base64url `{"uid","utid"}` (MSAL keys its account cache by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_info: Option<String>,
}

/// An error of the token endpoint, shaped as Entra's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenError {
    /// OAuth's code: `invalid_client`, `invalid_grant`, `invalid_scope`…
    pub error: String,
    /// `AADSTS{code}: {message}` then the trace and correlation ids and the time, as Entra.
    pub error_description: String,
    pub error_codes: Vec<u32>,
    /// `YYYY-MM-DD hh:mm:ssZ`.
    pub timestamp: String,
    pub trace_id: String,
    pub correlation_id: String,
    pub error_uri: String,
}
