//! The tokens the authority issues, all signed with the server's key (`crate::signing`), so
//! the server verifies them like any JWKS-published key:
//! - access tokens with what the API reads (`tid`, `appid`/`azp`, `roles` or `scp` + `oid`)
//!   and Entra's other claims (`aud` Graph, `iss`, `idtyp`, `uti`, …), valid for an hour;
//! - id tokens (`openid`), for the application;
//! - refresh tokens (`offline_access`): signed JWTs too, valid for a day, redeemable only by
//!   the application they were issued to.

use jiff::{SignedDuration, Timestamp};
use presence_model::TokenResponse;
use serde::{Deserialize, Serialize};

use super::discovery;
use super::failure::Refusal;
use crate::state::AppState;
use crate::store::identities::{ApplicationRecord, UserRecord};

/// How long an access token is accepted (Entra's default is 60 to 90 minutes).
const ACCESS_LIFETIME: SignedDuration = SignedDuration::from_hours(1);
/// How long a refresh token may be redeemed.
const REFRESH_LIFETIME: SignedDuration = SignedDuration::from_hours(24);

/// Who a token is for.
#[derive(Debug, Clone)]
pub enum Subject {
    /// The application itself (client credentials): its `roles`.
    Application,
    /// A signed-in user: the granted `scopes`.
    User(UserRecord),
}

/// What was granted.
#[derive(Debug, Clone)]
pub struct Grant {
    pub tenant: String,
    pub application: ApplicationRecord,
    pub subject: Subject,
    pub scopes: Vec<String>,
    /// The `nonce` of the authorization request, echoed in the id token.
    pub nonce: Option<String>,
}

#[derive(Debug, Serialize)]
struct AccessClaims<'a> {
    aud: &'static str,
    iss: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    tid: &'a str,
    appid: &'a str,
    azp: &'a str,
    app_displayname: &'a str,
    idtyp: &'static str,
    sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    uti: String,
    ver: &'static str,
}

#[derive(Debug, Serialize)]
struct IdClaims<'a> {
    aud: &'a str,
    iss: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    sub: &'a str,
    oid: &'a str,
    tid: &'a str,
    preferred_username: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    ver: &'static str,
}

#[derive(Debug, Serialize, Deserialize)]
struct RefreshClaims {
    typ: String,
    tid: String,
    appid: String,
    upn: String,
    scp: String,
    iat: i64,
    exp: i64,
    uti: String,
}

/// The token endpoint's answer for `grant`: an access token, and an id token and a refresh
/// token when asked.
pub async fn answer(
    state: &AppState,
    origin: &str,
    grant: &Grant,
    scope: &str,
    id_token: bool,
    refresh_token: bool,
) -> Result<TokenResponse, Refusal> {
    let key = state
        .signer
        .key()
        .await
        .map_err(|e| Refusal::server(&e.to_string()))?;
    let now = Timestamp::now();
    let iat = now.as_second();
    let exp = (now + ACCESS_LIFETIME).as_second();
    let app = &grant.application;
    let user = match &grant.subject {
        Subject::User(user) => Some(user),
        Subject::Application => None,
    };
    let issuer = discovery::issuer(origin, &grant.tenant);
    let access = AccessClaims {
        aud: "https://graph.microsoft.com",
        iss: issuer.clone(),
        iat,
        nbf: iat,
        exp,
        tid: &grant.tenant,
        appid: &app.client_id,
        azp: &app.client_id,
        app_displayname: &app.display_name,
        idtyp: if user.is_some() { "user" } else { "app" },
        sub: user.map_or(app.client_id.as_str(), |u| u.id.as_str()),
        roles: user.is_none().then_some(app.roles.as_slice()),
        scp: user.map(|_| grant.scopes.join(" ")),
        oid: user.map(|u| u.id.as_str()),
        upn: user.map(|u| u.user_principal_name.as_str()),
        name: user.map(|u| u.display_name.as_str()),
        uti: uuid::Uuid::new_v4().simple().to_string(),
        ver: "1.0",
    };
    let sign = |claims: &dyn erased::Claims| {
        claims
            .sign_with(&key)
            .map_err(|e| Refusal::server(&e.to_string()))
    };
    let access_token = sign(&access)?;
    let id_token = match (id_token, user) {
        (true, Some(user)) => Some(sign(&IdClaims {
            aud: &app.client_id,
            iss: issuer.clone(),
            iat,
            nbf: iat,
            exp,
            sub: &user.id,
            oid: &user.id,
            tid: &grant.tenant,
            preferred_username: &user.user_principal_name,
            name: &user.display_name,
            nonce: grant.nonce.as_deref(),
            ver: "2.0",
        })?),
        _ => None,
    };
    let refresh_token = match (refresh_token, user) {
        (true, Some(user)) => Some(sign(&RefreshClaims {
            typ: "refresh".into(),
            tid: grant.tenant.clone(),
            appid: app.client_id.clone(),
            upn: user.user_principal_name.clone(),
            scp: grant.scopes.join(" "),
            iat,
            exp: (now + REFRESH_LIFETIME).as_second(),
            uti: uuid::Uuid::new_v4().simple().to_string(),
        })?),
        _ => None,
    };
    let lifetime = u32::try_from(ACCESS_LIFETIME.as_secs()).unwrap_or(3600);
    Ok(TokenResponse {
        token_type: "Bearer".into(),
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token,
        scope: scope.to_owned(),
        refresh_token,
        id_token,
        client_info: user.map(|u| super::token::client_info(&u.id, &grant.tenant)),
    })
}

/// The grant a refresh token carries, if it is ours, unexpired, and issued to `client_id`.
pub async fn redeem_refresh(
    state: &AppState,
    refresh_token: &str,
    client_id: &str,
) -> Result<Grant, Refusal> {
    let key = state
        .signer
        .key()
        .await
        .map_err(|e| Refusal::server(&e.to_string()))?;
    let claims: RefreshClaims = key
        .verify(refresh_token)
        .map_err(|e| Refusal::bad_grant(&format!("the refresh token is not valid ({e})")))?;
    if claims.typ != "refresh" || !claims.appid.eq_ignore_ascii_case(client_id) {
        return Err(Refusal::bad_grant(
            "the refresh token was issued to another client",
        ));
    }
    let application = state
        .store
        .application(&claims.tid, &claims.appid)
        .await
        .map_err(|e| Refusal::server(&e.to_string()))?
        .ok_or_else(|| Refusal::unknown_client(client_id, &claims.tid))?;
    let user = state
        .store
        .user_by_upn(Some(&claims.tid), &claims.upn)
        .await
        .map_err(|e| Refusal::server(&e.to_string()))?
        .ok_or_else(|| Refusal::bad_grant("the user no longer exists"))?;
    Ok(Grant {
        tenant: claims.tid,
        application,
        subject: Subject::User(user),
        scopes: claims.scp.split_whitespace().map(str::to_owned).collect(),
        nonce: None,
    })
}

/// Signing any of the claim types through one closure.
mod erased {
    use crate::signing::{SigningError, SigningKey};

    pub trait Claims {
        fn sign_with(&self, key: &SigningKey) -> Result<String, SigningError>;
    }

    impl<T: serde::Serialize> Claims for T {
        fn sign_with(&self, key: &SigningKey) -> Result<String, SigningError> {
            key.sign(self)
        }
    }
}
