//! What the authority answers when it cannot serve a request at all (shed under load, a body
//! too slow or too large), in the shape of the operation's other answers: Entra's JSON error
//! for the token and device-code endpoints, a page for the sign-in pages. Schema-driven tools
//! and the generated client then meet one error shape per operation, as the spec declares it
//! (these types are listed in the operations' `responses`).

use actix_web::HttpResponse;
use presence_model::TokenError;

use super::failure::Refusal;
use super::page;

/// The token and device-code endpoints' answers when the request could not be served.
#[derive(utoipa::IntoResponses)]
pub enum TokenEndpointFailures {
    /// `invalid_request` (AADSTS90019): the body did not arrive within `--body-timeout`.
    #[response(status = 408)]
    RequestTimeout(TokenError),
    /// `invalid_request` (AADSTS90019): the body is larger than a form post may be.
    #[response(status = 413)]
    PayloadTooLarge(TokenError),
    /// `temporarily_unavailable` (AADSTS90033): shed under load; try again after Retry-After.
    #[response(status = 503, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    Unavailable(TokenError),
}

/// The sign-in pages' answers when the request could not be served: a page saying so.
#[derive(utoipa::IntoResponses)]
pub enum PageFailures {
    /// The form's body did not arrive within `--body-timeout`.
    #[response(status = 408, content_type = "text/html")]
    RequestTimeout(String),
    /// The form's body is larger than a form post may be.
    #[response(status = 413, content_type = "text/html")]
    PayloadTooLarge(String),
    /// Shed under load; try again after Retry-After.
    #[response(
        status = 503,
        content_type = "text/html",
        headers(("Retry-After" = u32, description = "Seconds to wait."))
    )]
    Unavailable(String),
}

/// The operations whose failures are Entra's JSON errors ([`TokenEndpointFailures`]), by
/// route pattern.
const TOKEN_SHAPED: [&str; 2] = [
    "/{tenant}/oauth2/v2.0/token",
    "/{tenant}/oauth2/v2.0/devicecode",
];

/// The sign-in pages ([`PageFailures`]), by route pattern.
const PAGES: [&str; 2] = ["/{tenant}/oauth2/v2.0/authorize", "/devicelogin"];

/// The shape of a failure on the route `pattern`: `None` when it is not the authority's
/// (the Graph envelope applies).
pub fn shape_of(pattern: &str) -> Option<Shape> {
    if TOKEN_SHAPED.contains(&pattern) {
        Some(Shape::Token)
    } else if PAGES.contains(&pattern) {
        Some(Shape::Page)
    } else {
        None
    }
}

/// How an authority operation answers a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Token,
    Page,
}

impl Shape {
    /// `refusal` in this shape: as is for the token endpoints, as a page for the pages.
    pub fn respond(self, refusal: &Refusal) -> HttpResponse {
        match self {
            Shape::Token => refusal.respond(),
            Shape::Page => {
                let mut response = page::respond("Try again", &refusal.message, "");
                *response.status_mut() = refusal.status;
                if let Some(seconds) = refusal.retry_after {
                    response.headers_mut().insert(
                        actix_web::http::header::RETRY_AFTER,
                        actix_web::http::header::HeaderValue::from(seconds),
                    );
                }
                response
            }
        }
    }
}

/// The answer to a request shed under load on the route `pattern`, when it is one of the
/// authority's operations with an error shape of their own.
pub fn overloaded(pattern: &str, retry_after: u64) -> Option<HttpResponse> {
    shape_of(pattern).map(|shape| shape.respond(&Refusal::overloaded(retry_after)))
}
