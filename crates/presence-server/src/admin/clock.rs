//! `--clock manual` only: read and move the server's clock, so that apps under test can see
//! the 5- and 10-minute fades and session expiry in milliseconds. Outside Graph's paths, and
//! not routed at all with the system clock. Time is shared by every tenant, hence admin only.

use actix_web::web;
use serde::{Deserialize, Serialize};

use super::AdminCaller;
use crate::app::AppState;
use crate::engine::duration::parse_duration;
use crate::error::GraphError;
use crate::routes::fallback::method_not_allowed;

/// Body of `POST /admin/clock/advance`.
#[derive(Debug, Deserialize)]
pub struct Advance {
    /// How far to move forward: ISO-8601 (`PT6M`) or `H:MM:SS`.
    pub by: String,
}

/// What both endpoints answer: the clock's time after the call.
#[derive(Debug, Serialize)]
pub struct Reading {
    /// RFC 3339, UTC.
    pub now: String,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/clock")
            .get(read)
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/admin/clock/advance")
            .post(advance)
            .default_service(method_not_allowed("POST")),
    );
}

async fn read(_admin: AdminCaller, state: web::Data<AppState>) -> web::Json<Reading> {
    web::Json(Reading {
        now: state.clock.now().to_string(),
    })
}

async fn advance(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    body: web::Json<Advance>,
) -> Result<web::Json<Reading>, GraphError> {
    let Some(clock) = &state.manual_clock else {
        return Err(GraphError::not_found("The clock is not manual."));
    };
    let by = parse_duration(&body.by)
        .map_err(|e| GraphError::invalid_argument(e.to_string()).with_target("by"))?;
    if by.is_negative() {
        return Err(GraphError::invalid_argument(
            "The clock only moves forward: 'by' must not be negative.",
        )
        .with_target("by"));
    }
    let now = clock
        .advance(by)
        .map_err(|e| GraphError::invalid_argument(e.to_string()).with_target("by"))?;
    Ok(web::Json(Reading {
        now: now.to_string(),
    }))
}
