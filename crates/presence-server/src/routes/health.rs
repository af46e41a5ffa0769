//! `GET /healthz`: 200 while the database answers, 503 otherwise (for load balancers).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::error::GraphError;

pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, GraphError> {
    match state.store.ping().await {
        Ok(()) => Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            Err(GraphError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "serviceNotAvailable",
                "The database is not reachable.",
            ))
        }
    }
}
