//! The claims of an access token, shaped like a Microsoft Entra access token (v1/v2).

use serde::{Deserialize, Serialize};

/// Application permission to read every user's presence.
pub const PRESENCE_READ_ALL: &str = "Presence.Read.All";
/// Application (or delegated) permission to read and write every user's presence.
pub const PRESENCE_READ_WRITE_ALL: &str = "Presence.ReadWrite.All";
/// Delegated scope to read the signed-in user's presence.
pub const PRESENCE_READ: &str = "Presence.Read";
/// Delegated scope to read and write the signed-in user's presence.
pub const PRESENCE_READ_WRITE: &str = "Presence.ReadWrite";
/// Our own application role (not a Graph permission): everything under `/admin`, which acts
/// across tenants (the clock, and the emulator's control plane).
pub const PRESENCE_ADMIN: &str = "Presence.Admin";

/// What the server reads from a bearer token. A token with `scp` is delegated (acting for
/// the user `oid`); one without is an application token whose permissions are `roles`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    /// Tenant id: all state is partitioned by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    /// Client (application) id, as v1 tokens name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    /// Client (application) id, as v2 tokens name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// The signed-in user's object id (delegated tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// Delegated scopes, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// Set on the authority's other signed tokens (`code`, `refresh`), which must never
    /// authenticate a request; access tokens have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// Application permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Audience: a string or a list of strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// Not valid before, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issued at, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
}

impl AccessTokenClaims {
    /// The calling application's id: `appid` (v1) or `azp` (v2).
    pub fn app_id(&self) -> Option<&str> {
        self.appid.as_deref().or(self.azp.as_deref())
    }
}
