//! Answers for requests no operation matches, in the Graph envelope.

use actix_web::{HttpRequest, HttpResponse};

use crate::error::GraphError;

/// No route has this path.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, GraphError> {
    Err(GraphError::not_found(format!(
        "Resource not found for the segment '{}'.",
        req.path()
    )))
}

/// The path exists but not with this method.
pub async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, GraphError> {
    Err(GraphError::method_not_allowed(format!(
        "The method {} is not allowed on '{}'.",
        req.method(),
        req.path()
    )))
}
