//! Development access tokens, shaped like Microsoft Entra tokens and signed with the
//! server's HS256 secret.

use std::path::Path;

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use jsonwebtoken::{EncodingKey, Header, encode};
use presence_model::token::AccessTokenClaims;

/// The tenant a development token names by default: the same one `--auth none` uses, so data
/// written in either mode stays visible in the other.
pub const DEFAULT_TENANT: &str = "default";
/// The application id a development token names by default (the Graph docs' example app).
pub const DEFAULT_APP_ID: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

/// What a token should say.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub tenant: String,
    pub app_id: String,
    /// Delegated: the signed-in user's object id; `None` for an application token.
    pub user: Option<String>,
    /// Delegated scopes (with `user`) or application roles (without).
    pub permissions: Vec<String>,
    pub lifetime: SignedDuration,
    pub audience: Option<String>,
    pub issuer: Option<String>,
}

/// Signs `request` with `secret` (HS256). `now` is when the token starts being valid.
pub fn mint(request: &TokenRequest, secret: &str, now: Timestamp) -> anyhow::Result<String> {
    let issued = now.as_second();
    let expires = now
        .checked_add(request.lifetime)
        .context("the lifetime is out of range")?
        .as_second();
    let (scp, roles) = match &request.user {
        Some(_) => (Some(request.permissions.join(" ")), Vec::new()),
        None => (None, request.permissions.clone()),
    };
    let claims = AccessTokenClaims {
        tid: Some(request.tenant.clone()),
        appid: Some(request.app_id.clone()),
        azp: None,
        oid: request.user.clone(),
        scp,
        typ: None,
        roles,
        aud: request.audience.clone().map(serde_json::Value::String),
        iss: request.issuer.clone(),
        sub: request
            .user
            .clone()
            .or_else(|| Some(request.app_id.clone())),
        exp: expires,
        nbf: Some(issued),
        iat: Some(issued),
    };
    let key = EncodingKey::from_secret(secret.as_bytes()).context("unusable secret")?;
    encode(&Header::default(), &claims, &key).context("cannot sign the token")
}

/// The secret a server with data directory `data_dir` generated (`DATA_DIR/jwt-secret`).
pub fn secret_from_data_dir(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("jwt-secret");
    let secret = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (start the server once, or pass --secret)",
            path.display()
        )
    })?;
    Ok(secret.trim().to_owned())
}
