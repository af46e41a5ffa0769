//! The Graph error envelope: every failure leaves the server as
//! `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use presence_model::{InnerError, MainError, ODataError};

use crate::request_id;

/// An error a handler returns; rendered as the Graph envelope with the request's ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct GraphError {
    pub status: StatusCode,
    /// Graph's error code; our own are literals, fault rules may give any.
    pub code: std::borrow::Cow<'static, str>,
    pub message: String,
    /// The request property the error is about, when there is one.
    pub target: Option<&'static str>,
    /// Extra response headers (`WWW-Authenticate` on 401, `Retry-After` on 503).
    pub headers: Vec<(&'static str, String)>,
    /// Whether the connection is closed after the answer (a request whose body did not
    /// arrive: what is left of it on the connection cannot be trusted).
    pub close_connection: bool,
}

impl GraphError {
    pub fn new(
        status: StatusCode,
        code: impl Into<std::borrow::Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            target: None,
            headers: Vec::new(),
            close_connection: false,
        }
    }

    /// The request property the error is about.
    pub fn with_target(mut self, target: &'static str) -> Self {
        self.target = Some(target);
        self
    }

    /// Adds a response header to the answer.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The server is saturated; the client should retry after `seconds`.
    pub fn overloaded(seconds: u32) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The server is handling too many requests; retry after the delay in Retry-After.",
        )
        .with_header("retry-after", seconds.to_string())
    }

    /// The body did not arrive within the deadline: 408, and the connection is closed.
    pub fn request_timeout() -> Self {
        let mut error = Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "requestTimeout",
            "The request body did not arrive in time after its headers.",
        );
        error.close_connection = true;
        error
    }

    /// The caller is known but may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", message)
    }

    /// The body could not be read as the operation's request (syntax, missing field, wrong type).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// The request was well formed but a value is out of range or not supported.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidArgument", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            message,
        )
    }

    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            message,
        )
    }

    /// A failure of ours, not the caller's: logged in full, reported without internals.
    pub fn internal(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %error, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            "The server failed to handle the request; it has been logged.",
        )
    }

    /// The envelope for this error, stamped with the current request's ids.
    pub fn envelope(&self) -> ODataError {
        let ids = request_id::current();
        ODataError {
            error: MainError {
                code: self.code.clone().into_owned(),
                message: self.message.clone(),
                target: self.target.map(str::to_owned),
                inner_error: InnerError {
                    date: jiff::Timestamp::now()
                        .strftime("%Y-%m-%dT%H:%M:%S")
                        .to_string(),
                    request_id: ids.request_id,
                    client_request_id: ids.client_request_id,
                },
            },
        }
    }
}

impl ResponseError for GraphError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.close_connection {
            response.force_close();
        }
        for (name, value) in &self.headers {
            // A value that cannot be a header is left out rather than turning the whole
            // answer into actix's plain-text 500.
            match actix_web::http::header::HeaderValue::from_str(value) {
                Ok(value) => {
                    response.insert_header((*name, value));
                }
                Err(_) => tracing::warn!(header = name, "an unsendable header value was dropped"),
            }
        }
        response.json(self.envelope())
    }
}

impl From<crate::store::StoreError> for GraphError {
    /// A write the database could not keep is never a 500: the client is told to try again
    /// (503), or that there is no room (507); only a write the server itself got wrong is.
    fn from(error: crate::store::StoreError) -> Self {
        match error.failure() {
            crate::store::Failure::NoSpace => Self::insufficient_storage(&error),
            crate::store::Failure::Unavailable => Self::database_unavailable(&error),
            crate::store::Failure::Internal => Self::internal(&error),
        }
    }
}

impl GraphError {
    /// The database cannot be reached just now (a PostgreSQL restart or failover, every
    /// connection busy, the server shutting down): nothing was done, so the client, or the
    /// load balancer in front of several instances, may simply try again.
    fn database_unavailable(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::warn!(error = %error, "database unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The database is unavailable; retry after the delay in Retry-After.",
        )
        .with_header("retry-after", "1")
    }
}

impl GraphError {
    /// The disk holding the database is full: nothing was written; writes succeed again once
    /// there is room (reads keep working meanwhile).
    fn insufficient_storage(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %error, "the database has no space left: writes are refused");
        Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "insufficientStorage",
            "The server has no space left to store this change; retry after the delay in Retry-After.",
        )
        .with_header("retry-after", "5")
    }
}

/// The error responses of an operation without a request body, each with Graph's envelope
/// (one schema for every error status, which is also what progenitor needs to give each
/// operation one error type).
#[derive(utoipa::IntoResponses)]
pub enum ErrorResponses {
    /// `BadRequest` or `InvalidArgument`: a parameter is not valid.
    #[response(status = 400)]
    BadRequest(ODataError),
    /// `InvalidAuthenticationToken`: no valid bearer token.
    #[response(status = 401, headers(("WWW-Authenticate" = String, description = "The Bearer challenge.")))]
    Unauthorized(ODataError),
    /// `Forbidden`: the token lacks the permission.
    #[response(status = 403)]
    Forbidden(ODataError),
    /// `NotFound`: no such resource.
    #[response(status = 404)]
    NotFound(ODataError),
    /// `TooManyRequests`: throttled (`--throttle`).
    #[response(status = 429, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    TooManyRequests(ODataError),
    /// `generalException`: a failure of the server's own (logged).
    #[response(status = 500)]
    Internal(ODataError),
    /// `serviceNotAvailable`: overloaded, the database is unreachable, or a write could not
    /// be committed (nothing was changed; try again).
    #[response(status = 503, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    Unavailable(ODataError),
    /// `insufficientStorage`: no space is left for the database; nothing was changed.
    #[response(status = 507, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    InsufficientStorage(ODataError),
}

/// The error responses of an operation with a request body: those of [`ErrorResponses`] and
/// the body's own.
#[derive(utoipa::IntoResponses)]
pub enum BodyErrorResponses {
    /// `BadRequest` or `InvalidArgument`: the body or a parameter is not valid.
    #[response(status = 400)]
    BadRequest(ODataError),
    /// `InvalidAuthenticationToken`: no valid bearer token.
    #[response(status = 401, headers(("WWW-Authenticate" = String, description = "The Bearer challenge.")))]
    Unauthorized(ODataError),
    /// `Forbidden`: the token lacks the permission.
    #[response(status = 403)]
    Forbidden(ODataError),
    /// `NotFound`: no such resource (or session).
    #[response(status = 404)]
    NotFound(ODataError),
    /// `requestTimeout`: the body did not arrive in time (`--body-timeout`).
    #[response(status = 408)]
    RequestTimeout(ODataError),
    /// `RequestEntityTooLarge`: the body is over 64 KiB.
    #[response(status = 413)]
    PayloadTooLarge(ODataError),
    /// `UnsupportedMediaType`: the body is not `application/json`.
    #[response(status = 415)]
    UnsupportedMediaType(ODataError),
    /// `TooManyRequests`: throttled (`--throttle`).
    #[response(status = 429, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    TooManyRequests(ODataError),
    /// `generalException`: a failure of the server's own (logged).
    #[response(status = 500)]
    Internal(ODataError),
    /// `serviceNotAvailable`: overloaded, the database is unreachable, or a write could not
    /// be committed (nothing was changed; try again).
    #[response(status = 503, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    Unavailable(ODataError),
    /// `insufficientStorage`: no space is left for the database; nothing was changed.
    #[response(status = 507, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    InsufficientStorage(ODataError),
}
