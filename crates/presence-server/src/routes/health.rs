//! `GET /healthz`: 200 while the database answers, 503 otherwise (readiness, for load
//! balancers); `GET /livez`: 200 while the process serves HTTP (liveness; also the
//! benchmark's baseline route, as it touches nothing but the HTTP stack).

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

pub async fn livez() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}
