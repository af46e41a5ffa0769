//! `GET`/`POST /{tenant}/oauth2/v2.0/authorize`: the authorization-code flow's sign-in. A
//! minimal page (a plain form, no script) asks for the test user and their password, as
//! Entra does; `login_hint` fills the name in. Only with `--sign-in auto` is `login_hint`
//! signed in at once, without a password. The user is then sent back to the `redirect_uri`
//! with a code, which carries the PKCE challenge (`codes`); any redirect URI is accepted
//! (applications here register none).

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};

use presence_model::AuthorizeForm;

use super::codes::{self, CodeClaims};
use super::discovery::is_multi_tenant;
use super::form_body::FormBody;
use super::guessing::Subject;
use super::memory::AuthorityState;
use super::responses::PageFailures;
use super::{identities, page};
use crate::config::SignIn;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{tenant}/oauth2/v2.0/authorize")
            .get(authorize_get)
            .post(authorize_post)
            .default_service(method_not_allowed("GET, POST")),
    );
}

/// The parameters an authorization request carries (query, or the page's form).
type Parameters = HashMap<String, String>;

/// Sign a test user in for the authorization-code flow: a page asks for the user (`login_hint`
/// fills it in) and their password; with `--sign-in auto`, `login_hint` is signed in at once
/// (a 302 to `redirect_uri` with `code` and `state`).
#[utoipa::path(
    get,
    path = "/{tenant}/oauth2/v2.0/authorize",
    operation_id = "authority_authorize",
    tag = "authority",
    params(
        ("tenant" = String, Path, description = "A tenant id, `common` or `organizations`."),
        ("client_id" = String, Query, description = "The application.", min_length = 1),
        ("response_type" = String, Query, description = "`code`.", min_length = 1),
        ("redirect_uri" = String, Query, description = "Where the browser is sent back.", min_length = 1),
        ("scope" = Option<String>, Query, description = "Space-separated scopes."),
        ("state" = Option<String>, Query, description = "Echoed back."),
        ("code_challenge" = Option<String>, Query, description = "PKCE challenge."),
        ("code_challenge_method" = Option<String>, Query, description = "`S256` or `plain`."),
        ("login_hint" = Option<String>, Query, description = "The test user (signed in at once with `--sign-in auto`)."),
        ("nonce" = Option<String>, Query, description = "Echoed in the id token."),
        ("response_mode" = Option<String>, Query, description = "`query` (default), `fragment` or `form_post`."),
    ),
    security(()),
    responses(
        (status = 200, description = "The sign-in page.", content_type = "text/html", body = String),
        (status = 302, description = "Back to `redirect_uri` with a code, or an error."),
        (status = 400, description = "A request the page cannot serve.", content_type = "text/html", body = String),
        (status = 503, description = "Shed under load: a page saying so; try again after Retry-After.", content_type = "text/html", body = String,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    )
)]
pub async fn authorize_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    memory: web::Data<AuthorityState>,
    tenant: web::Path<String>,
) -> HttpResponse {
    let mut parameters: Parameters =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    // A password is taken from the page's form only, never from a URL.
    parameters.remove("password");
    authorize(&req, &state, &memory, &tenant, parameters).await
}

/// The sign-in page's form: the same parameters as the query of `GET`, the chosen
/// `login_hint` and its `password`.
#[utoipa::path(
    post,
    path = "/{tenant}/oauth2/v2.0/authorize",
    operation_id = "authority_authorize_form",
    tag = "authority",
    params(("tenant" = String, Path, description = "A tenant id, `common` or `organizations`.")),
    request_body(content = AuthorizeForm, content_type = "application/x-www-form-urlencoded"),
    security(()),
    responses(
        (status = 200, description = "The sign-in page again (no such user, or a wrong password).", content_type = "text/html", body = String),
        (status = 429, description = "AADSTS50053: too many wrong passwords for this user within a minute: the sign-in page again.", content_type = "text/html", body = String),
        (status = 302, description = "Back to `redirect_uri` with a code, or an error."),
        (status = 400, description = "A request the page cannot serve.", content_type = "text/html", body = String),
        PageFailures,
    )
)]
pub async fn authorize_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    memory: web::Data<AuthorityState>,
    tenant: web::Path<String>,
    FormBody(body): FormBody,
) -> HttpResponse {
    let parameters: Parameters = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    authorize(&req, &state, &memory, &tenant, parameters).await
}

async fn authorize(
    req: &HttpRequest,
    state: &AppState,
    memory: &AuthorityState,
    tenant: &str,
    parameters: Parameters,
) -> HttpResponse {
    let get = |name: &str| {
        parameters
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let (Some(client_id), Some(redirect_uri)) = (get("client_id"), get("redirect_uri")) else {
        return page::refuse(
            "Sign in",
            "The request needs a client_id and a redirect_uri.",
        );
    };
    if !absolute_uri(redirect_uri) {
        return page::refuse("Sign in", "The redirect_uri is not an absolute URI.");
    }
    if let Err(why) = allowed_redirect(redirect_uri) {
        return page::refuse("Sign in", &format!("AADSTS50011: {why}"));
    }
    let client_id = client_id.to_lowercase();
    let mode = get("response_mode").unwrap_or("query");
    if !matches!(mode, "query" | "fragment" | "form_post") {
        return page::refuse("Sign in", "response_mode is query, fragment or form_post.");
    }
    if !get("response_type").is_some_and(|t| t.split_whitespace().any(|t| t == "code")) {
        return page::refuse(
            "Sign in",
            "AADSTS700054: response_type 'code' is the one supported here.",
        );
    }
    let asks_password = memory.sign_in == SignIn::Password;
    let Some(hint) = get("login_hint") else {
        return sign_in_page(req, &parameters, "", asks_password);
    };
    let password = get("password");
    if asks_password && password.is_none() {
        return sign_in_page(req, &parameters, "", asks_password);
    }
    let filter = (!is_multi_tenant(tenant)).then_some(tenant);
    let user = match state.store.user_by_upn(filter, hint).await {
        Ok(user) => user,
        Err(e) => return page::refuse("Sign in", &e.to_string()),
    };
    let user = if asks_password {
        let subject = Subject::User(hint.to_lowercase());
        if let Err(seconds) = memory.guesses.check(&subject) {
            let mut page = sign_in_page(req, &parameters, &locked(seconds), true);
            *page.status_mut() = actix_web::http::StatusCode::TOO_MANY_REQUESTS;
            return page;
        }
        let password = password.unwrap_or_default();
        // An unknown user takes as long to refuse as a wrong password.
        let valid = match &user {
            Some(user) => identities::verify(password, vec![user.password_hash.clone()]).await,
            None => identities::verify_nobody(password).await,
        };
        match user {
            Some(user) if valid => user,
            // The same words for an unknown user and a wrong password, as Entra.
            _ => {
                memory.guesses.failed(subject);
                return sign_in_page(req, &parameters, BAD_CREDENTIALS, true);
            }
        }
    } else {
        match user {
            Some(user) => user,
            None => {
                return sign_in_page(req, &parameters, "No test user has that name here.", false);
            }
        }
    };
    match state.store.application(&user.tenant, &client_id).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let description = format!(
                "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{}'.",
                user.tenant
            );
            return redirect(
                redirect_uri,
                mode,
                &[
                    ("error", "unauthorized_client"),
                    ("error_description", &description),
                ],
                get("state"),
            );
        }
        Err(e) => return page::refuse("Sign in", &e.to_string()),
    }
    let claims = CodeClaims {
        typ: String::new(),
        tid: user.tenant.clone(),
        appid: client_id,
        upn: user.user_principal_name.clone(),
        scope: get("scope")
            .unwrap_or("openid profile offline_access")
            .to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: get("code_challenge").map(str::to_owned),
        code_challenge_method: get("code_challenge_method").map(str::to_owned),
        nonce: get("nonce").map(str::to_owned),
        exp: 0,
    };
    match codes::issue(state, claims).await {
        Ok(code) => redirect(redirect_uri, mode, &[("code", &code)], get("state")),
        Err(refusal) => refusal.respond(),
    }
}

/// `scheme:rest`, the scheme a letter then letters, digits, `+`, `-` or `.` (RFC 3986 §3.1),
/// without whitespace or control characters.
fn absolute_uri(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !uri.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// What a locked user is told (Entra's words), and when to try again.
fn locked(seconds: u64) -> String {
    format!(
        "AADSTS50053: Your account is locked: too many wrong passwords were tried. Try again in {seconds} seconds."
    )
}

/// What a wrong password or an unknown user is told (Entra's words).
const BAD_CREDENTIALS: &str =
    "AADSTS50126: Error validating credentials due to invalid username or password.";

/// Where a browser may be sent with a code, as Entra allows it: `https`; `http` only to this
/// machine (`localhost`, a loopback address); or a native app's own scheme (RFC 8252, e.g.
/// `com.example.app:/callback`). Never a scheme that runs or reads something where it lands
/// (`javascript`, `data`, `vbscript`, `file`), which would hand the code to whatever it holds.
fn allowed_redirect(uri: &str) -> Result<(), String> {
    let Ok(url) = reqwest::Url::parse(uri) else {
        return Err("The redirect_uri is not a valid URI.".to_owned());
    };
    match url.scheme() {
        "javascript" | "data" | "vbscript" | "file" | "blob" | "about" => Err(format!(
            "A redirect_uri with the scheme '{}' is never allowed.",
            url.scheme()
        )),
        "https" if url.host_str().is_some_and(|host| !host.is_empty()) => Ok(()),
        "http" => {
            let host = url
                .host_str()
                .unwrap_or_default()
                .trim_start_matches('[')
                .trim_end_matches(']');
            let local = host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if local {
                Ok(())
            } else {
                Err(
                    "An http redirect_uri must name localhost or a loopback address; use https."
                        .to_owned(),
                )
            }
        }
        "https" => Err("The redirect_uri names no host.".to_owned()),
        _ => Ok(()),
    }
}

/// The page asking which test user signs in (and, with `asks_password`, their password);
/// the form posts the request back with them.
fn sign_in_page(
    req: &HttpRequest,
    parameters: &Parameters,
    error: &str,
    asks_password: bool,
) -> HttpResponse {
    let hidden: Vec<(&str, &str)> = parameters
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "login_hint" | "password"))
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let hint = parameters
        .get("login_hint")
        .map(String::as_str)
        .unwrap_or("");
    let mut fields = vec![("login_hint", "User principal name", hint)];
    if asks_password {
        fields.push(("password", "Password", ""));
    }
    page::respond(
        "Sign in",
        error,
        &page::form(req.path(), &hidden, &fields, "Sign in"),
    )
}

/// Sends the browser back to `redirect_uri` with `values` (and `state`), as `response_mode`
/// says: in the query, the fragment, or a form POST.
fn redirect(
    redirect_uri: &str,
    mode: &str,
    values: &[(&str, &str)],
    state: Option<&str>,
) -> HttpResponse {
    let mut pairs: Vec<(&str, &str)> = values.to_vec();
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    if mode == "form_post" {
        let inputs: Vec<(&str, &str)> = pairs.clone();
        let html = page::form(redirect_uri, &inputs, &[], "Continue");
        return page::respond("Signing in", "", &html);
    }
    let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let separator = match (mode, redirect_uri.contains('?')) {
        ("fragment", _) => '#',
        (_, true) => '&',
        (_, false) => '?',
    };
    HttpResponse::Found()
        .insert_header(("location", format!("{redirect_uri}{separator}{encoded}")))
        .insert_header(("cache-control", "no-store"))
        .finish()
}
