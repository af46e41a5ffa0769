//! The authority's applications and test users, as the control plane shows and takes them
//! (`/admin/tenants/{tid}/applications`, `/admin/tenants/{tid}/testUsers`). Secrets and passwords
//! go in and never come out, except a secret the server generates, once.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /admin/tenants/{tid}/applications`: register (or replace) an application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewApplication {
    /// The client id; a new GUID when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default)]
    pub display_name: String,
    /// Client secrets to accept. Without secrets or certificates, the server generates one
    /// and answers it (once).
    #[serde(default)]
    pub secrets: Vec<String>,
    /// PEM certificates whose keys may sign client assertions.
    #[serde(default)]
    pub certificates: Vec<String>,
    /// Application permissions granted (`Presence.ReadWrite.All`, `Presence.Admin`…).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Delegated scopes the application may request (`Presence.Read`…).
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A registered application, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationInfo {
    pub client_id: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub scopes: Vec<String>,
    pub secret_count: u32,
    pub certificate_count: u32,
}

/// The applications of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApplicationInfoCollection {
    pub value: Vec<ApplicationInfo>,
}

/// What an app's configuration needs to get tokens from this server: the answer to
/// registering an application or adding a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationCredentials {
    pub tenant_id: String,
    pub client_id: String,
    /// A secret generated now: shown this once, stored only hashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// What credential libraries call the authority host (`authority`, `authorityHost`).
    pub authority_host: String,
    /// The authority with the tenant, as MSAL takes it.
    pub authority: String,
    /// The Graph base URL to give the Graph SDKs.
    pub graph_base_url: String,
    /// The CA certificate clients must trust (a `--tls` server's local CA), if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificate: Option<String>,
}

/// Body of `POST /admin/tenants/{tid}/testUsers`: add (or replace) a test user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// The user's object id; a new GUID when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub user_principal_name: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
}

/// A test user, without the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
}

/// The test users of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserInfoCollection {
    pub value: Vec<UserInfo>,
}

/// Body of `POST /admin/deviceCodes/{userCode}/approve`: the test user who signs in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeApproval {
    pub user_principal_name: String,
}
