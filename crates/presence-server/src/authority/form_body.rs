//! The body of the authority's form posts, read within the body deadline: a body that stops
//! arriving is answered 408 in the operation's own error shape (Entra's JSON error, or a page
//! for the sign-in pages: [`super::responses`]) and the connection closed, one too large 413,
//! rather than actix's plain-text 400.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};

use super::failure::Refusal;
use super::responses::{Shape, shape_of};
use crate::body_deadline::is_deadline;

/// A form post's bytes.
#[derive(Debug)]
pub struct FormBody(pub Bytes);

/// Why the body could not be read, answered as the authority answers.
#[derive(Debug)]
pub struct Unreadable {
    refusal: Refusal,
    shape: Shape,
    close: bool,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body could not be read")
    }
}

impl ResponseError for Unreadable {
    fn status_code(&self) -> StatusCode {
        self.refusal.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.shape.respond(&self.refusal);
        if self.close {
            // What remains of the body on the connection cannot be told from a next request.
            response
                .head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
        }
        response
    }
}

impl FromRequest for FormBody {
    type Error = Unreadable;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Unreadable>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = Bytes::from_request(req, payload);
        let shape = req
            .match_pattern()
            .and_then(|pattern| shape_of(&pattern))
            .unwrap_or(Shape::Token);
        Box::pin(async move {
            bytes.await.map(FormBody).map_err(|error| {
                let (refusal, close) = if error.as_error::<PayloadError>().is_some_and(is_deadline)
                {
                    (Refusal::body_timeout(), true)
                } else if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    (Refusal::body_too_large(), true)
                } else {
                    (Refusal::missing("grant_type"), false)
                };
                Unreadable {
                    refusal,
                    shape,
                    close,
                }
            })
        })
    }
}
