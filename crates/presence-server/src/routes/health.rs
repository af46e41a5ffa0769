//! `GET /healthz`: 200 while the database answers and writes commit, 503 otherwise, saying
//! why (health, for load balancers); `GET /livez`: 200 while the process serves HTTP
//! (liveness; also the benchmark's baseline route, as it touches nothing but the HTTP stack);
//! `GET /readyz`: 200 once the server has started (every listener bound, the database open
//! and migrated, identities and seed loaded: what the `presence ready:` line on standard
//! output announces), 503 before: what a container's or a test framework's wait strategy
//! polls.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::error::GraphError;
use crate::state::AppState;
use crate::store::Unhealthy;

pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, GraphError> {
    match state.store.health().await {
        Ok(()) => Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))),
        Err(Unhealthy::Unreachable(error)) => {
            tracing::error!(%error, "health check: database unreachable");
            Err(GraphError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "serviceNotAvailable",
                "The database is not reachable.",
            )
            .with_header("retry-after", "1"))
        }
        Err(Unhealthy::Writes(problem)) => {
            let why = match problem.code {
                "noSpace" => "no space is left for the database",
                _ => "the database cannot commit",
            };
            Err(GraphError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "serviceNotAvailable",
                format!(
                    "Writes are failing since {}: {why} ({}).",
                    problem.since, problem.reason
                ),
            )
            .with_header("retry-after", "5"))
        }
    }
}

pub async fn livez() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Whether the server has finished starting (`/readyz`).
#[derive(Debug, Default)]
pub struct Readiness(std::sync::atomic::AtomicBool);

impl Readiness {
    /// Marks the server ready, from now on.
    pub fn set(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }

    pub fn is_ready(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }
}

pub async fn readyz(readiness: web::Data<Readiness>) -> Result<HttpResponse, GraphError> {
    if readiness.is_ready() {
        return Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })));
    }
    Err(GraphError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "serviceNotAvailable",
        "The server is starting.",
    )
    .with_header("retry-after", "1"))
}
