//! The token endpoint's errors, shaped as Entra's: OAuth's `error`, an `AADSTS` code and
//! message, and the trace details Entra adds.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use presence_model::TokenError;

/// A refused token request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: u32,
    pub message: String,
    /// Seconds to wait, sent as `Retry-After` (a locked client or user).
    pub retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, error: &'static str, code: u32, message: String) -> Self {
        Self {
            status,
            error,
            code,
            message,
            retry_after: None,
        }
    }

    /// Too many wrong credentials for this client, user or address within a minute: refused
    /// at once for `seconds` (`authority::guessing`).
    pub fn locked(seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "invalid_grant",
                50053,
                format!(
                    "The account is locked: too many wrong credentials were tried. Try again in {seconds} seconds."
                ),
            )
        }
    }

    pub fn unknown_client(client_id: &str, tenant: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory \
                 '{tenant}'. This can happen if the application has not been installed by the \
                 administrator of the tenant or consented to by any user in the tenant."
            ),
        )
    }

    pub fn wrong_secret(client_id: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
            ),
        )
    }

    pub fn bad_assertion(client_id: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700027,
            format!(
                "The certificate with identifier used to sign the client assertion is not registered on application '{client_id}', or the assertion is invalid."
            ),
        )
    }

    /// A public client asked for an application token (it has no credential to prove it is
    /// the application).
    pub fn public_client_credentials(client_id: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            format!(
                "The application '{client_id}' has no secret or certificate registered: a public client cannot use the client_credentials grant."
            ),
        )
    }

    /// A public client redeemed a code requested without PKCE.
    pub fn pkce_required() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange is required for a public client's authorization code: send code_challenge with the request and code_verifier with the redemption.".into(),
        )
    }

    /// The body did not arrive within the body deadline.
    pub fn body_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "invalid_request",
            90019,
            "The request body did not arrive in time.".into(),
        )
    }

    /// The body is larger than a form post may be.
    pub fn body_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            90019,
            "The request body is too large.".into(),
        )
    }

    /// Shed under load (`crate::overload`): try again after `seconds`.
    pub fn overloaded(seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                90033,
                "The server is too busy to handle the request. Please try again.".into(),
            )
        }
    }

    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn no_credential() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.".into(),
        )
    }

    pub fn bad_scope(detail: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            70011,
            format!(
                "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. {detail}"
            ),
        )
    }

    pub fn not_consented(scope: &str, client_id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            65001,
            format!(
                "The user or administrator has not consented to use the application with ID '{client_id}'. Send an interactive authorization request for this user and resource. Scope: {scope}."
            ),
        )
    }

    pub fn bad_credentials() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50126,
            "Error validating credentials due to invalid username or password.".into(),
        )
    }

    pub fn bad_grant(detail: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70000,
            format!("The provided value for the input parameter is not valid: {detail}"),
        )
    }

    pub fn unsupported_grant(grant: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{grant}'."),
        )
    }

    pub fn missing(parameter: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    pub fn unknown_tenant(tenant: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        )
    }

    pub fn authorization_pending() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.".into(),
        )
    }

    pub fn expired_device_code() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. Device codes expire after 15 minutes.".into(),
        )
    }

    pub fn server(detail: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "temporarily_unavailable",
            90033,
            format!("A transient error has occurred. Please try again. ({detail})"),
        )
    }

    /// The answer, with Entra's fields.
    pub fn respond(&self) -> HttpResponse {
        let now = jiff::Timestamp::now();
        let (trace, correlation) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        let timestamp = now.strftime("%Y-%m-%d %H:%M:%SZ").to_string();
        let body = TokenError {
            error: self.error.to_owned(),
            error_description: format!(
                "AADSTS{}: {} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {timestamp}",
                self.code, self.message
            ),
            error_codes: vec![self.code],
            timestamp,
            trace_id: trace.to_string(),
            correlation_id: correlation.to_string(),
            error_uri: format!("https://login.microsoftonline.com/error?code={}", self.code),
        };
        let mut response = HttpResponse::build(self.status);
        response.insert_header(("cache-control", "no-store, no-cache"));
        if let Some(seconds) = self.retry_after {
            response.insert_header(("retry-after", seconds.to_string()));
        }
        response.json(body)
    }
}
