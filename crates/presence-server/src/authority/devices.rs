//! The device-code flow (RFC 8628, Entra's `devicecode` endpoint): an app gets a user code
//! to show, the user approves it (on the `/devicelogin` page, or `presencectl users approve`
//! through `/admin/deviceCodes/{userCode}/approve`), and the app's polling of the token
//! endpoint then gets the user's tokens.
//!
//! Pending codes live in this instance's memory, bounded ([`MAX_PENDING`]) and for 15
//! minutes: with several instances, poll and approve through the same one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use presence_model::{DeviceCodeRequest, DeviceCodeResponse, DeviceLoginForm, TokenError};

use super::discovery::{self, is_multi_tenant};
use super::failure::Refusal;
use super::form_body::FormBody;
use super::guessing::Subject;
use super::memory::AuthorityState;
use super::page;
use super::responses::{PageFailures, TokenEndpointFailures};
use crate::config::SignIn;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::identities::UserRecord;

/// How long a device code may be approved and redeemed (Entra: 15 minutes).
const LIFETIME: Duration = Duration::from_secs(900);
/// Most codes pending at once; past it the oldest expire first.
const MAX_PENDING: usize = 10_000;
/// Seconds between polls the app is asked to keep (Entra says 5; a local test need not wait).
const INTERVAL: u64 = 1;

/// One code waiting for its user.
#[derive(Debug, Clone)]
struct Pending {
    user_code: String,
    tenant: String,
    client_id: String,
    scope: String,
    issued: Instant,
    approved: Option<UserRecord>,
}

/// The codes issued by this instance.
#[derive(Debug, Default)]
pub struct DeviceCodes(Mutex<HashMap<String, Pending>>);

/// What an approved code grants.
pub struct Approved {
    pub tenant: String,
    pub user: UserRecord,
    pub scope: String,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{tenant}/oauth2/v2.0/devicecode")
            .post(device_code)
            .default_service(method_not_allowed("POST")),
    )
    .service(
        web::resource("/devicelogin")
            .get(login_page)
            .post(login)
            .default_service(method_not_allowed("GET, POST")),
    );
}

/// Start a device-code sign-in (RFC 8628): the app shows the user code and polls the token
/// endpoint with the device code until a test user approves it (at `/devicelogin`, or through
/// `/admin/deviceCodes/{userCode}/approve`).
#[utoipa::path(
    post,
    path = "/{tenant}/oauth2/v2.0/devicecode",
    operation_id = "authority_device_code",
    tag = "authority",
    params(("tenant" = String, Path, description = "A tenant id, `common` or `organizations`.")),
    request_body(content = DeviceCodeRequest, content_type = "application/x-www-form-urlencoded"),
    security(()),
    responses(
        (status = 200, description = "The codes.", body = DeviceCodeResponse),
        (status = 400, description = "Entra's error: unknown client, missing client_id.", body = TokenError),
        (status = 500, description = "Entra's error: a failure of the server's own.", body = TokenError),
        TokenEndpointFailures,
    )
)]
pub async fn device_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    memory: web::Data<AuthorityState>,
    tenant: web::Path<String>,
    FormBody(body): FormBody,
) -> HttpResponse {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let Some(client_id) = form
        .get("client_id")
        .filter(|c| !c.is_empty())
        .map(|c| c.to_lowercase())
    else {
        return Refusal::missing("client_id").respond();
    };
    let tenant = tenant.into_inner().to_lowercase();
    // A code is kept only for a registered application (for `common` and `organizations`, of
    // any tenant): nobody fills the pending codes with made-up clients.
    let known = if is_multi_tenant(&tenant) {
        state.store.application_exists(&client_id).await
    } else {
        state
            .store
            .application(&tenant, &client_id)
            .await
            .map(|app| app.is_some())
    };
    match known {
        Ok(true) => {}
        Ok(false) => return Refusal::unknown_client(&client_id, &tenant).respond(),
        Err(e) => return Refusal::server(&e.to_string()).respond(),
    }
    let (device_code, user_code) = (uuid::Uuid::new_v4().simple().to_string(), user_code());
    let pending = Pending {
        user_code: user_code.clone(),
        tenant,
        client_id,
        scope: form
            .get("scope")
            .cloned()
            .unwrap_or_else(|| "openid profile offline_access".into()),
        issued: Instant::now(),
        approved: None,
    };
    if let Ok(mut codes) = memory.device_codes.0.lock() {
        codes.retain(|_, p| p.issued.elapsed() < LIFETIME);
        if codes.len() >= MAX_PENDING {
            return Refusal::server("too many device codes are pending").respond();
        }
        codes.insert(device_code.clone(), pending);
    }
    let verification_uri = format!("{}/devicelogin", discovery::origin(&req));
    HttpResponse::Ok().json(DeviceCodeResponse {
        message: format!(
            "To sign in, use a web browser to open the page {verification_uri} and enter the \
             code {user_code} to authenticate."
        ),
        user_code,
        device_code,
        verification_uri,
        expires_in: LIFETIME.as_secs(),
        interval: INTERVAL,
    })
}

/// The tenant of the live `device_code` of `client_id`, without spending it: the client is
/// authenticated before its code is (a poll without the client's credential must not use up
/// an approval).
pub fn tenant_of(memory: &AuthorityState, device_code: &str, client_id: &str) -> Option<String> {
    let codes = memory.device_codes.0.lock().ok()?;
    codes
        .get(device_code)
        .filter(|p| p.issued.elapsed() < LIFETIME && p.client_id.eq_ignore_ascii_case(client_id))
        .map(|p| p.tenant.clone())
}

/// The grant of `device_code` for `client_id`: pending, expired, or approved (then spent).
pub async fn redeem(
    memory: &AuthorityState,
    device_code: &str,
    client_id: &str,
) -> Result<Approved, Refusal> {
    let mut codes = memory
        .device_codes
        .0
        .lock()
        .map_err(|_| Refusal::server("device codes unavailable"))?;
    let pending = codes
        .get(device_code)
        .filter(|p| p.issued.elapsed() < LIFETIME && p.client_id.eq_ignore_ascii_case(client_id))
        .cloned()
        .ok_or_else(Refusal::expired_device_code)?;
    let user = pending
        .approved
        .ok_or_else(Refusal::authorization_pending)?;
    codes.remove(device_code);
    Ok(Approved {
        tenant: user.tenant.clone(),
        user,
        scope: pending.scope,
    })
}

/// Approves the pending code `user_code` for the test user `upn`; false when there is no
/// such code, no such user in the code's tenant, or `password` (when given: the page's
/// sign-in; the control plane approves without one) is not theirs.
pub async fn approve(
    state: &AppState,
    memory: &AuthorityState,
    user_code: &str,
    upn: &str,
    password: Option<&str>,
) -> Result<bool, crate::store::StoreError> {
    let tenant = {
        let Ok(codes) = memory.device_codes.0.lock() else {
            return Ok(false);
        };
        let Some(pending) = codes.values().find(|p| {
            p.user_code.eq_ignore_ascii_case(user_code.trim()) && p.issued.elapsed() < LIFETIME
        }) else {
            return Ok(false);
        };
        pending.tenant.clone()
    };
    let filter = (!is_multi_tenant(&tenant)).then_some(tenant.as_str());
    let Some(user) = state.store.user_by_upn(filter, upn).await? else {
        return Ok(false);
    };
    if let Some(password) = password
        && !super::identities::verify(password, vec![user.password_hash.clone()]).await
    {
        return Ok(false);
    }
    let Ok(mut codes) = memory.device_codes.0.lock() else {
        return Ok(false);
    };
    let pending = codes
        .values_mut()
        .find(|p| p.user_code.eq_ignore_ascii_case(user_code.trim()));
    Ok(match pending {
        Some(pending) => {
            pending.approved = Some(user);
            true
        }
        None => false,
    })
}

/// Eight letters, as Entra's user codes look (no vowels, so no words).
fn user_code() -> String {
    const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(LETTERS[usize::from(*b) % LETTERS.len()]))
        .collect()
}

/// The page where a user approves a device code (a form: the code and a test user).
#[utoipa::path(
    get,
    path = "/devicelogin",
    operation_id = "authority_device_login_page",
    tag = "authority",
    security(()),
    responses(
        (status = 200, description = "The page.", content_type = "text/html", body = String),
        (status = 503, description = "Shed under load: a page saying so; try again after Retry-After.", content_type = "text/html", body = String,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    )
)]
pub async fn login_page(memory: web::Data<AuthorityState>) -> HttpResponse {
    page::respond("Sign in a device", "", &device_form(memory.sign_in, "", ""))
}

/// The device sign-in form: the code, the user and (unless `--sign-in auto`) the password.
fn device_form(sign_in: SignIn, code: &str, upn: &str) -> String {
    let mut fields = vec![
        ("user_code", "Code", code),
        ("login_hint", "User principal name", upn),
    ];
    if sign_in == SignIn::Password {
        fields.push(("password", "Password", ""));
    }
    page::form("/devicelogin", &[], &fields, "Sign in")
}

/// The page's form: approve the code for the user, then say so; 400 with the form again when
/// no pending code has that user code or no such user exists.
#[utoipa::path(
    post,
    path = "/devicelogin",
    operation_id = "authority_device_login",
    tag = "authority",
    request_body(content = DeviceLoginForm, content_type = "application/x-www-form-urlencoded"),
    security(()),
    responses(
        (status = 200, description = "Approved.", content_type = "text/html", body = String),
        (status = 400, description = "No such code or user: the form again.", content_type = "text/html", body = String),
        (status = 429, description = "Too many wrong codes or passwords from this address within a minute: the form again, after the delay in Retry-After.", content_type = "text/html", body = String,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
        PageFailures,
    )
)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    memory: web::Data<AuthorityState>,
    FormBody(body): FormBody,
) -> HttpResponse {
    // Wrong codes (and passwords) are counted per client address: guessing a live user code
    // is bounded (`guessing`).
    let address = crate::public_url::PublicAddresses::of(&req)
        .client_address(&req)
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let subject = Subject::Address(address);
    if let Err(seconds) = memory.guesses.check(&subject) {
        let mut page = page::respond(
            "Sign in a device",
            &format!(
                "Too many wrong codes or passwords were tried from here: try again in {seconds} seconds."
            ),
            &device_form(memory.sign_in, "", ""),
        );
        *page.status_mut() = actix_web::http::StatusCode::TOO_MANY_REQUESTS;
        page.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(seconds),
        );
        return page;
    }
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let (code, upn) = (
        form.get("user_code").cloned().unwrap_or_default(),
        form.get("login_hint").cloned().unwrap_or_default(),
    );
    // With `--sign-in password` (the default), a missing password is a wrong one.
    let password = match memory.sign_in {
        SignIn::Password => Some(form.get("password").map_or("", String::as_str)),
        SignIn::Auto => None,
    };
    match approve(&state, &memory, &code, &upn, password).await {
        Ok(true) => page::respond(
            "Signed in",
            "",
            "<p>You have signed in to the application on your device. You may now close this window.</p>",
        ),
        Ok(false) => {
            memory.guesses.failed(subject);
            let mut again = page::respond(
                "Sign in a device",
                "No pending sign-in has that code, or the user or password is wrong: check them.",
                &device_form(memory.sign_in, &code, &upn),
            );
            *again.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
            again
        }
        Err(e) => Refusal::server(&e.to_string()).respond(),
    }
}
