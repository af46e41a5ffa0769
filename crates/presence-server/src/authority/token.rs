//! `POST /{tenant}/oauth2/v2.0/token`: tokens for the registered applications and test users,
//! as Entra's token endpoint answers them (form-encoded requests, JSON answers).
//!
//! Grants: `client_credentials` (a client secret in the body or HTTP Basic, or a client
//! assertion signed with a registered certificate), `password` (a test user),
//! `authorization_code`, the device code, `refresh_token`. Unknown parameters (`claims`,
//! `client_info`, `x-client-*`) are ignored, as Entra does.
//!
//! **Invariant: no token without a credential.** An application registered with a secret or
//! a certificate (a confidential client) authenticates on every grant (AADSTS7000218 when it
//! sends nothing, 7000215 when it sends a wrong secret); one registered with neither (a
//! public client) redeems an authorization code only with PKCE (AADSTS9002325). A delegated
//! grant also needs the user: their password, or a code or device approval for which they
//! gave it on the sign-in pages (unless the operator chose `--sign-in auto`).

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use presence_model::{TokenError, TokenRequest, TokenResponse};

use super::discovery::{self, is_multi_tenant};
use super::failure::Refusal;
use super::form_body::FormBody;
use super::guessing::Subject as Guessed;
use super::memory::AuthorityState;
use super::mint::{self, Grant, Subject};
use super::responses::TokenEndpointFailures;
use super::{assertion, codes, devices, identities};
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::identities::ApplicationRecord;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{tenant}/oauth2/v2.0/token")
            .post(token)
            .default_service(method_not_allowed("POST")),
    );
}

/// The resources a `.default` scope may name: Graph (by URL or app id) or this server.
const GRAPH_RESOURCES: [&str; 2] = [
    "https://graph.microsoft.com",
    "00000003-0000-0000-c000-000000000000",
];
/// The device-code grant's type (RFC 8628).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Scopes of OpenID Connect: they shape the answer (an id token, a refresh token), not the
/// access token.
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Get a token, as from Entra's token endpoint: for a registered application
/// (`client_credentials`, with a secret or a certificate-signed assertion) or a test user
/// (`password`, `authorization_code` with PKCE, the device code, `refresh_token`). Tokens are
/// signed with the server's key and accepted by its API.
#[utoipa::path(
    post,
    path = "/{tenant}/oauth2/v2.0/token",
    operation_id = "authority_token",
    tag = "authority",
    params(("tenant" = String, Path, description = "A tenant id; `common` or `organizations` for user sign-ins.")),
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    security(()),
    responses(
        (status = 200, description = "The tokens.", body = TokenResponse),
        (status = 400, description = "Entra's error (`invalid_grant`, `invalid_scope`, `unauthorized_client`, `authorization_pending`…) with its AADSTS code.", body = TokenError),
        (status = 401, description = "Entra's `invalid_client`: a wrong secret or assertion, or none.", body = TokenError),
        (status = 429, description = "AADSTS50053: too many wrong credentials for this client or user within a minute; refused until the delay in Retry-After has passed.", body = TokenError,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
        (status = 500, description = "Entra's error: a failure of the server's own.", body = TokenError),
        TokenEndpointFailures,
    )
)]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    memory: web::Data<AuthorityState>,
    tenant: web::Path<String>,
    FormBody(body): FormBody,
) -> HttpResponse {
    match issue(&req, &state, &memory, &tenant, &body).await {
        Ok(answer) => HttpResponse::Ok()
            .insert_header(("cache-control", "no-store, no-cache"))
            .json(answer),
        Err(refusal) => refusal.respond(),
    }
}

async fn issue(
    req: &HttpRequest,
    state: &AppState,
    memory: &AuthorityState,
    tenant: &str,
    body: &[u8],
) -> Result<TokenResponse, Refusal> {
    let form: HashMap<String, String> =
        serde_urlencoded::from_bytes(body).map_err(|_| Refusal::missing("grant_type"))?;
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let (basic_id, basic_secret) = basic_credentials(req);
    let client_id = field("client_id")
        .map(str::to_owned)
        .or(basic_id)
        .ok_or_else(|| Refusal::missing("client_id"))?
        .to_lowercase();
    let grant = field("grant_type").ok_or_else(|| Refusal::missing("grant_type"))?;
    let origin = discovery::origin(req);
    let secret = field("client_secret").map(str::to_owned).or(basic_secret);
    let assertion = field("client_assertion");
    match grant {
        "client_credentials" => {
            if is_multi_tenant(tenant) {
                return Err(Refusal::unknown_tenant(tenant));
            }
            let app = application(state, tenant, &client_id).await?;
            if is_public(&app) {
                return Err(Refusal::public_client_credentials(&app.client_id));
            }
            authenticate_client(&app, secret.as_deref(), assertion, memory).await?;
            let scope = field("scope").ok_or_else(|| Refusal::bad_scope("No scope was given."))?;
            let resource = default_resource(scope, &origin)
                .ok_or_else(|| Refusal::bad_scope("Use '{resource}/.default' with this grant."))?;
            let grant = Grant {
                tenant: app.tenant.clone(),
                application: app.clone(),
                subject: Subject::Application,
                scopes: Vec::new(),
                nonce: None,
            };
            mint::answer(
                state,
                &origin,
                &grant,
                &format!("{resource}/.default"),
                false,
                false,
            )
            .await
        }
        "password" => {
            let username = field("username").ok_or_else(|| Refusal::missing("username"))?;
            let password = field("password").ok_or_else(|| Refusal::missing("password"))?;
            let tenant_filter = (!is_multi_tenant(tenant)).then_some(tenant);
            let subject = Guessed::User(username.to_lowercase());
            memory.guesses.check(&subject).map_err(Refusal::locked)?;
            let user = state
                .store
                .user_by_upn(tenant_filter, username)
                .await
                .map_err(|e| Refusal::server(&e.to_string()))?;
            // An unknown user takes as long to refuse as a wrong password.
            let valid = match &user {
                Some(user) => identities::verify(password, vec![user.password_hash.clone()]).await,
                None => identities::verify_nobody(password).await,
            };
            let (Some(user), true) = (user, valid) else {
                memory.guesses.failed(subject);
                return Err(Refusal::bad_credentials());
            };
            let app = application(state, &user.tenant, &client_id).await?;
            authenticate_client(&app, secret.as_deref(), assertion, memory).await?;
            let requested = field("scope").unwrap_or("openid profile offline_access");
            delegated(state, &origin, &app, Subject::User(user), requested, None).await
        }
        "authorization_code" => {
            let code = field("code").ok_or_else(|| Refusal::missing("code"))?;
            let claims = codes::redeem(
                state,
                code,
                &client_id,
                field("redirect_uri"),
                field("code_verifier"),
            )
            .await?;
            if !is_multi_tenant(tenant) && !claims.tid.eq_ignore_ascii_case(tenant) {
                return Err(Refusal::bad_grant("the code was issued for another tenant"));
            }
            let user = state
                .store
                .user_by_upn(Some(&claims.tid), &claims.upn)
                .await
                .map_err(|e| Refusal::server(&e.to_string()))?
                .ok_or_else(|| Refusal::bad_grant("the user no longer exists"))?;
            let app = application(state, &claims.tid, &client_id).await?;
            authenticate_client(&app, secret.as_deref(), assertion, memory).await?;
            if is_public(&app) && claims.code_challenge.is_none() {
                return Err(Refusal::pkce_required());
            }
            let requested = field("scope").unwrap_or(&claims.scope).to_owned();
            delegated(
                state,
                &origin,
                &app,
                Subject::User(user),
                &requested,
                claims.nonce,
            )
            .await
        }
        DEVICE_CODE_GRANT => {
            let device_code =
                field("device_code").ok_or_else(|| Refusal::missing("device_code"))?;
            // The client first: a poll without its credential spends nothing.
            if let Some(tenant) = devices::tenant_of(memory, device_code, &client_id)
                && !is_multi_tenant(&tenant)
            {
                let app = application(state, &tenant, &client_id).await?;
                authenticate_client(&app, secret.as_deref(), assertion, memory).await?;
            }
            let approved = devices::redeem(memory, device_code, &client_id).await?;
            if !is_multi_tenant(tenant) && !approved.tenant.eq_ignore_ascii_case(tenant) {
                return Err(Refusal::bad_grant(
                    "the device code was issued for another tenant",
                ));
            }
            let app = application(state, &approved.tenant, &client_id).await?;
            authenticate_client(&app, secret.as_deref(), assertion, memory).await?;
            delegated(
                state,
                &origin,
                &app,
                Subject::User(approved.user),
                &approved.scope,
                None,
            )
            .await
        }
        "refresh_token" => {
            let refresh =
                field("refresh_token").ok_or_else(|| Refusal::missing("refresh_token"))?;
            let grant = mint::redeem_refresh(state, refresh, &client_id).await?;
            if !is_multi_tenant(tenant) && !grant.tenant.eq_ignore_ascii_case(tenant) {
                return Err(Refusal::bad_grant(
                    "the refresh token was issued for another tenant",
                ));
            }
            authenticate_client(&grant.application, secret.as_deref(), assertion, memory).await?;
            let requested = field("scope").map(str::to_owned).unwrap_or_else(|| {
                let mut scopes = grant.scopes.join(" ");
                scopes.push_str(" offline_access");
                scopes
            });
            delegated(
                state,
                &origin,
                &grant.application,
                grant.subject,
                &requested,
                None,
            )
            .await
        }
        other => Err(Refusal::unsupported_grant(other)),
    }
}

/// A delegated token for `subject` through `app`, for the scopes `requested` grants.
async fn delegated(
    state: &AppState,
    origin: &str,
    app: &ApplicationRecord,
    subject: Subject,
    requested: &str,
    nonce: Option<String>,
) -> Result<TokenResponse, Refusal> {
    let words: Vec<&str> = requested.split_whitespace().collect();
    let mut scopes: Vec<String> = Vec::new();
    for word in &words {
        if OIDC_SCOPES.iter().any(|s| s.eq_ignore_ascii_case(word)) {
            continue;
        }
        let (resource, name) = match word.rsplit_once('/') {
            Some((resource, name)) => (Some(resource), name),
            None => (None, *word),
        };
        if let Some(resource) = resource
            && !is_resource(resource, origin)
        {
            return Err(Refusal::bad_scope(&format!(
                "Unknown resource '{resource}'."
            )));
        }
        if name == ".default" {
            scopes.extend(app.scopes.iter().cloned());
            continue;
        }
        let granted = app
            .scopes
            .iter()
            .find(|s| s.eq_ignore_ascii_case(name))
            .ok_or_else(|| Refusal::not_consented(name, &app.client_id))?;
        scopes.push(granted.clone());
    }
    scopes.dedup();
    if scopes.is_empty() {
        return Err(Refusal::bad_scope("No scope of a resource was asked for."));
    }
    let wants = |scope: &str| words.iter().any(|w| w.eq_ignore_ascii_case(scope));
    let Subject::User(user) = &subject else {
        return Err(Refusal::bad_grant("not a user's grant"));
    };
    let grant = Grant {
        tenant: user.tenant.clone(),
        application: app.clone(),
        subject: subject.clone(),
        scopes: scopes.clone(),
        nonce,
    };
    let mut scope_text: Vec<String> = scopes;
    scope_text.extend(
        OIDC_SCOPES
            .iter()
            .filter(|s| **s != "offline_access" && wants(s))
            .map(|s| (*s).to_owned()),
    );
    mint::answer(
        state,
        origin,
        &grant,
        &scope_text.join(" "),
        wants("openid"),
        wants("offline_access"),
    )
    .await
}

/// The application `client_id` of `tenant`; unknown: AADSTS700016.
async fn application(
    state: &AppState,
    tenant: &str,
    client_id: &str,
) -> Result<ApplicationRecord, Refusal> {
    state
        .store
        .application(&tenant.to_lowercase(), client_id)
        .await
        .map_err(|e| Refusal::server(&e.to_string()))?
        .ok_or_else(|| Refusal::unknown_client(client_id, tenant))
}

/// Whether `app` is a public client: registered with neither a secret nor a certificate, so
/// it has nothing to authenticate with (apps on devices, single-page apps).
fn is_public(app: &ApplicationRecord) -> bool {
    app.secret_hashes.is_empty() && app.certificates.is_empty()
}

/// Checks the client's credential: a secret against the stored hashes, or an assertion
/// against the registered certificates. A confidential client must give one on every grant;
/// a public client has none to give.
async fn authenticate_client(
    app: &ApplicationRecord,
    secret: Option<&str>,
    assertion: Option<&str>,
    memory: &AuthorityState,
) -> Result<(), Refusal> {
    let required = !is_public(app);
    let subject = Guessed::Client(app.client_id.to_lowercase());
    if secret.is_some() || assertion.is_some() {
        memory.guesses.check(&subject).map_err(Refusal::locked)?;
    }
    let result = check_credential(app, secret, assertion, required, &memory.assertions).await;
    if matches!(&result, Err(refusal) if refusal.code == 7000215 || refusal.code == 700027) {
        memory.guesses.failed(subject);
    }
    result
}

/// [`authenticate_client`]'s check itself.
async fn check_credential(
    app: &ApplicationRecord,
    secret: Option<&str>,
    assertion: Option<&str>,
    required: bool,
    seen: &assertion::Seen,
) -> Result<(), Refusal> {
    if let Some(assertion) = assertion {
        return if assertion::verify(
            assertion,
            &app.client_id,
            &app.tenant,
            &app.certificates,
            seen,
        ) {
            Ok(())
        } else {
            Err(Refusal::bad_assertion(&app.client_id))
        };
    }
    match secret {
        Some(secret) => {
            let valid = identities::verify(secret, app.secret_hashes.clone()).await;
            if valid {
                Ok(())
            } else {
                Err(Refusal::wrong_secret(&app.client_id))
            }
        }
        None if required => Err(Refusal::no_credential()),
        None => Ok(()),
    }
}

/// The resource of a `{resource}/.default` scope (Graph's, or this server's).
fn default_resource(scope: &str, origin: &str) -> Option<String> {
    let mut words = scope.split_whitespace();
    let (first, rest) = (words.next()?, words.next());
    if rest.is_some() {
        return None;
    }
    let resource = first.strip_suffix("/.default")?;
    is_resource(resource, origin).then(|| {
        if resource.starts_with("00000003") {
            "https://graph.microsoft.com".to_owned()
        } else {
            resource.trim_end_matches('/').to_owned()
        }
    })
}

/// Whether `resource` names Graph or this server (with or without a version path).
fn is_resource(resource: &str, origin: &str) -> bool {
    let resource = resource.trim_end_matches('/').to_lowercase();
    GRAPH_RESOURCES.contains(&resource.as_str())
        || resource == origin.to_lowercase()
        || resource.starts_with(&format!("{}/", origin.to_lowercase()))
}

/// The client id and secret of an HTTP Basic `Authorization` header (each URL-encoded, as
/// RFC 6749 §2.3.1 says).
fn basic_credentials(req: &HttpRequest) -> (Option<String>, Option<String>) {
    let decoded = req
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Basic ")
                .or_else(|| h.strip_prefix("basic "))
        })
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(decoded) = decoded else {
        return (None, None);
    };
    let Some((id, secret)) = decoded.split_once(':') else {
        return (None, None);
    };
    let unescape = |text: &str| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={text}"))
            .ok()
            .and_then(|pairs| pairs.into_iter().next().map(|(_, v)| v))
    };
    (unescape(id), unescape(secret))
}

/// `client_info` as Entra returns it when asked (`client_info=1`): the user's object id and
/// tenant, base64url JSON. MSAL keys its account cache by it.
pub fn client_info(user_id: &str, tenant: &str) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::json!({"uid": user_id, "utid": tenant}).to_string())
}
