//! `GET /admin/info`: the version, configuration and size of a running server, for tooling
//! (test fixtures waiting for it, the dashboard, `presencectl admin info`).

use actix_web::web;
use presence_model::ServerInfo;

use super::AdminCaller;
use crate::auth::Authenticator;
use crate::error::{ErrorResponses, GraphError};
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/info")
            .get(server_info)
            .default_service(method_not_allowed("GET")),
    );
}

/// The server's version, clock, database, authentication mode and what it holds.
#[utoipa::path(
    get,
    path = "/admin/info",
    operation_id = "admin_info",
    tag = "admin",
    responses(
        (status = 200, description = "About this server.", body = ServerInfo),
        ErrorResponses,
    )
)]
pub async fn server_info(
    _admin: AdminCaller,
    state: web::Data<AppState>,
) -> Result<web::Json<ServerInfo>, GraphError> {
    let now = state.clock.now();
    let counts = state.store.counts(now).await?;
    let wall = jiff::Timestamp::now();
    Ok(web::Json(ServerInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at: state.started_at.to_string(),
        uptime_seconds: wall.duration_since(state.started_at).as_secs(),
        clock: if state.manual_clock.is_some() {
            "manual"
        } else {
            "system"
        }
        .to_owned(),
        now: now.to_string(),
        database: state.store.kind().to_owned(),
        in_memory: state.in_memory,
        auth: if matches!(*state.auth, Authenticator::Disabled) {
            "none"
        } else {
            "jwt"
        }
        .to_owned(),
        counts,
    }))
}
