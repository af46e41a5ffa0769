//! Answers for requests no operation matches, in the Graph envelope.

use actix_web::{HttpRequest, HttpResponse, Route, web};

use crate::error::GraphError;

/// No route has this path.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, GraphError> {
    Err(GraphError::not_found(format!(
        "Resource not found for the segment '{}'.",
        req.path()
    )))
}

/// The answer for a path that exists but not with the request's method: 405 with the
/// `Allow` header RFC 9110 §15.5.6 requires, listing `methods` (e.g. `"GET"`, `"GET, POST"`).
pub fn method_not_allowed(methods: &'static str) -> Route {
    web::to(move |req: HttpRequest| async move {
        Err::<HttpResponse, _>(
            GraphError::method_not_allowed(format!(
                "The method {} is not allowed on '{}'; use {methods}.",
                req.method(),
                req.path()
            ))
            .with_header("allow", methods),
        )
    })
}
