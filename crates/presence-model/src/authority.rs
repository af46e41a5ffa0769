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

/// A token request, form-encoded (`application/x-www-form-urlencoded`), as Entra takes it.
/// Which fields apply depends on `grant_type`; unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `client_credentials`, `password`, `authorization_code`, `refresh_token` or
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    #[schema(min_length = 1)]
    pub grant_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub client_secret: Option<String>,
    /// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub client_assertion_type: Option<String>,
    /// A JWT signed with the key of a certificate registered for the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub client_assertion: Option<String>,
    /// Space-separated: `https://graph.microsoft.com/.default`, or delegated scopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub redirect_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub code_verifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub device_code: Option<String>,
}

/// A device-code request, form-encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceCodeRequest {
    #[schema(min_length = 1)]
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The answer of the device-code endpoint (RFC 8628 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceCodeResponse {
    pub user_code: String,
    pub device_code: String,
    pub verification_uri: String,
    pub expires_in: u64,
    /// Seconds between polls.
    pub interval: u64,
    pub message: String,
}

/// The authority's sign-in form (`POST /{tenant}/oauth2/v2.0/authorize`): what `GET` takes in
/// its query, and the chosen test user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuthorizeForm {
    #[schema(min_length = 1)]
    pub client_id: String,
    /// `code`.
    #[schema(min_length = 1)]
    pub response_type: String,
    #[schema(min_length = 1)]
    pub redirect_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_challenge_method: Option<String>,
    /// The test user who signs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
    /// The test user's password (asked for unless the server runs with `--sign-in auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_mode: Option<String>,
}

/// The device sign-in page's form (`POST /devicelogin`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceLoginForm {
    /// The code the app shows.
    #[schema(min_length = 1)]
    pub user_code: String,
    /// The test user who signs in.
    #[schema(min_length = 1)]
    pub login_hint: String,
    /// The test user's password (asked for unless the server runs with `--sign-in auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}
