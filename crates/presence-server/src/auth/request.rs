//! A request's caller, verified once per request: the first to ask (the in-flight limit, as
//! the outermost middleware that needs it) verifies the bearer token and leaves the outcome
//! in the request's extensions, where the journal, the fault rules and the handlers' extractors
//! find it. The authenticator is handed to the app as its own data, so nothing here needs the
//! application's state.

use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpMessage, HttpRequest, web};

use super::verify::AuthError;
use super::{Authenticator, Caller};

/// The outcome of verifying a request's token. Typed, so that every reader finds the same
/// extension (a bare `Result` would be a different one, verified again).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Result<Caller, AuthError>);

/// The caller of `req`: the outcome already recorded for it, or verified now and recorded.
/// `None` when the app has no authenticator (tests of other middleware).
pub fn caller(req: &HttpRequest) -> Option<Result<Caller, AuthError>> {
    if let Some(Authenticated(result)) = req.extensions().get::<Authenticated>() {
        return Some(result.clone());
    }
    let authenticator = req.app_data::<web::Data<Authenticator>>()?;
    // A header that is not text carries no usable token: treated as absent.
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let result = authenticator.authenticate(header);
    req.extensions_mut().insert(Authenticated(result.clone()));
    Some(result)
}

/// The caller recorded for `req` earlier in the request, if it was verified and accepted.
pub fn recorded(req: &HttpRequest) -> Option<Caller> {
    match req.extensions().get::<Authenticated>() {
        Some(Authenticated(Ok(caller))) => Some(caller.clone()),
        _ => None,
    }
}
